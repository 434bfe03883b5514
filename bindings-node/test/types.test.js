'use strict';
// index.d.ts under `tsc --strict`: a consumer in CommonJS and in ESM must compile, and the
// misuses it marks with @ts-expect-error (money as number, a forged verified notification …)
// must stay type errors.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

test('index.d.ts compiles under tsc --strict for CommonJS and ESM consumers', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types', 'tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    output = `${e.stdout}${e.stderr}`;
  }
  assert.equal(output, '', output);
});

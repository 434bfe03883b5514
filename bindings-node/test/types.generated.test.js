'use strict';
// The generated declarations (types/vpos.d.ts, from the core's serde types) describe what this
// package hands out and takes: values from the running package, written as typed constants,
// compile under tsc --strict (tests/js/types.shared.mjs). And the copy the package ships,
// types.d.ts, is that file.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, writeFileSync, readFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const generated = path.join(root, '..', 'types', 'vpos.d.ts');

test('values the package returns and takes type-check against the generated types', async () => {
  const { samples, typeCheckSource } = await import('../../tests/js/types.shared.mjs');
  const pairs = await samples(require('..'));
  assert.ok(pairs.length > 60, `only ${pairs.length} samples`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vpos-types-'));
  try {
    const file = path.join(dir, 'samples.ts');
    writeFileSync(file, typeCheckSource(pairs, generated.replace(/\.d\.ts$/, '')));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', 'esnext',
        '--moduleResolution', 'bundler', '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), file],
      { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = `${e.stdout}${e.stderr}\n${readFileSync(file, 'utf8')}`;
    }
    assert.equal(output, '', output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The generated declarations (types/vpos.d.ts, from the core's serde types) describe what the
// edge module hands out and takes, in both builds: values from the running module, written as
// typed constants, compile under tsc --strict (tests/js/types.shared.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { samples, typeCheckSource } from '../../tests/js/types.shared.mjs';
import { edgeBuilds } from './support.mjs';

const generated = fileURLToPath(new URL('../../types/vpos', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

test('values the edge module returns and takes type-check against the generated types', async () => {
  const pairs = [];
  for (const { api } of await edgeBuilds()) pairs.push(...(await samples(api)));
  assert.ok(pairs.length > 120, `only ${pairs.length} samples`);
  const dir = mkdtempSync(join(tmpdir(), 'hostedpay-web-types-'));
  try {
    const file = join(dir, 'samples.ts');
    writeFileSync(file, typeCheckSource(pairs, generated));
    const run = spawnSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', 'esnext',
      '--moduleResolution', 'bundler', '--lib', 'es2022,dom', file], { encoding: 'utf8' });
    assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}\n${readFileSync(file, 'utf8')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

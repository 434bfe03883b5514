'use strict';
// Every runtime export of `hostedpay` (CommonJS and ESM entries, namespaces included) is declared
// in index.d.ts, and every value index.d.ts declares exists (tests/js/exports.shared.mjs).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const shared = import('../../tests/js/exports.shared.mjs');

for (const [entry, load] of [
  ['index.js (require)', async () => require('..')],
  ['index.mjs (import)', async () => {
    const ns = await import(path.join(root, 'index.mjs'));
    return Object.fromEntries(Object.keys(ns).filter((k) => k !== 'default').map((k) => [k, ns[k]]));
  }],
]) {
  test(`${entry}: every runtime export is declared in index.d.ts and vice versa`, async () => {
    const { declaredValues, runtimeValues, compareExports } = await shared;
    const runtime = await load();
    const declared = declaredValues(ts, path.join(root, 'index.d.ts'), runtime);
    const actual = runtimeValues(runtime);
    assert.ok(declared.length > 50, `only ${declared.length} declared values`);
    assert.deepEqual(compareExports(declared, actual), { undeclared: [], missing: [] });
  });
}

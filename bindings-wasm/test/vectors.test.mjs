// Every case under tests/vectors through hostedpay-web, by the one JS runner
// (tests/js/vectors.shared.mjs, which the Node package runs too): all of them through both
// builds (web, node) of the edge module, and the browser module's share (money, and FloCash's
// public form and status codes: no secret-keyed gateway) through both of its builds.
// What each build ran goes to target/vector-runs/wasm-<module>-<build>.json
// (scripts/vector_parity.py: the edge builds must run every case, as the other runtimes do;
// the browser builds declare every case outside their share as skipped, with the reason).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVectors } from '../../tests/js/vectors.shared.mjs';
import { vectorFiles, VECTORS_DIR } from '../../tests/js/vectors.support.mjs';
import { builds, edgeBuilds } from './support.mjs';

const BROWSER_SKIP =
  'browser module: no secret-keyed gateway (only money, flocash/public_checkout.json and ' +
  'flocash/status.json); the edge module runs this file';
const inBrowser = (key) => key.startsWith('money/') || key === 'flocash/public_checkout.json' || key === 'flocash/status.json';

test('the browser module\'s share is real files', () => {
  const keys = vectorFiles().map((f) => f.slice(VECTORS_DIR.length).split('\\').join('/'));
  assert.ok(keys.filter(inBrowser).length >= 4, `browser share: ${keys.filter(inBrowser)}`);
});

// 'node (CommonJS)' → wasm-browser-node, 'edge web (ES module, initSync)' → wasm-edge-web.
const runtimeName = (module, name) => `wasm-${module}-${/\bweb\b/.test(name) ? 'web' : 'node'}`;

for (const { name, api } of await builds()) {
  runVectors(api, { runtime: runtimeName('browser', name), label: `the browser module, ${name} build`, share: inBrowser, skipReason: BROWSER_SKIP });
}
for (const { name, api } of await edgeBuilds()) {
  runVectors(api, { runtime: runtimeName('edge', name), label: `the ${name} build` });
}

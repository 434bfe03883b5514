// Every case under tests/vectors through hostedpay-web, by the one JS runner
// (tests/js/vectors.shared.mjs, which the Node package runs too): all of them through both
// builds (web, node) of the all-gateways edge module, each gateway's own vectors (and money)
// through both builds of that gateway's edge module, and the browser module's share (money, and FloCash's
// public form and status codes: no secret-keyed gateway) through both of its builds.
// What each build ran goes to target/vector-runs/wasm-<module>-<build>.json
// (scripts/vector_parity.py: the edge builds must run every case, as the other runtimes do;
// the browser builds declare every case outside their share as skipped, with the reason).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVectors } from '../../tests/js/vectors.shared.mjs';
import { vectorFiles, VECTORS_DIR } from '../../tests/js/vectors.support.mjs';
import { builds, edgeBuilds, gatewayEdgeBuilds, EDGE_GATEWAYS } from './support.mjs';

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
/** Every gateway a case's input names (`"gateway": "ceca"` at any depth). */
function gatewaysNamed(value, found = []) {
  if (Array.isArray(value)) value.forEach((v) => gatewaysNamed(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'gateway' && EDGE_GATEWAYS.includes(v)) found.push(v);
      else gatewaysNamed(v, found);
    }
  }
  return found;
}

// 'edge/redsys web (ES module, initSync)' → wasm-edge-redsys-web: a partial runtime for
// scripts/vector_parity.py, every other gateway's files declared skipped with the reason.
for (const gateway of EDGE_GATEWAYS) {
  const share = (key) => key.startsWith(`${gateway}/`) || key.startsWith('money/');
  const skipReason = `hostedpay-web/edge/${gateway}: only ${gateway}'s vectors and money; the module of the file's gateway runs it`;
  test(`hostedpay-web/edge/${gateway}'s share is real files`, () => {
    const keys = vectorFiles().map((f) => f.slice(VECTORS_DIR.length).split('\\').join('/'));
    assert.ok(keys.some((k) => k.startsWith(`${gateway}/`)), `no vectors for ${gateway}`);
  });
  // A case of this gateway's file configured for another gateway (redsys/query.json's "CECA has
  // no status query") meets gateway_not_built here; the module of that gateway runs it.
  const skipCase = (c) => {
    const others = gatewaysNamed(c.input).filter((g) => g !== gateway);
    return others.length ? `hostedpay-web/edge/${gateway}: configured for ${others[0]}, which this module leaves out` : null;
  };
  for (const { name, api } of await gatewayEdgeBuilds(gateway)) {
    runVectors(api, { runtime: runtimeName(`edge-${gateway}`, name), label: `the ${name} build`, share, skipReason, skipCase });
  }
}

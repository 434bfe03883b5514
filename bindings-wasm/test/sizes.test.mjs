// The size budgets as a test (scripts/sizes.mjs, which scripts/build.sh runs, fails the build
// the same way): the browser module within 100 KB gzipped; each gateway's edge module and the
// all-gateways one within its ceiling (the 100 KB target is not reached yet: sizes.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleSizes, TARGET, CEILINGS, EDGE_GATEWAYS } from '../scripts/sizes.mjs';

const sizes = moduleSizes();

test('every gateway has an edge module with a ceiling, and the browser module is measured', () => {
  assert.deepEqual(sizes.map((m) => m.name), ['hostedpay-web (browser)',
    ...EDGE_GATEWAYS.map((g) => `hostedpay-web/edge/${g}`), 'hostedpay-web/edge (all gateways)']);
  assert.equal(CEILINGS.browser, TARGET);
  for (const m of sizes) assert.ok(Number.isInteger(m.ceiling) && m.ceiling >= TARGET, m.name);
});

test('each per-gateway edge module is smaller than the all-gateways one', () => {
  const all = sizes.at(-1).gzipped;
  for (const m of sizes.slice(1, -1)) assert.ok(m.gzipped < all, `${m.name}: ${m.gzipped} >= ${all}`);
});

for (const m of sizes) {
  test(`${m.name} is within its gzipped ceiling (${m.ceiling / 1024} KB)`, () => {
    assert.ok(m.gzipped <= m.ceiling, `${m.name}: ${m.gzipped} bytes gzipped (${(m.gzipped / 1024).toFixed(1)} KB) > ${m.ceiling}`);
  });
}

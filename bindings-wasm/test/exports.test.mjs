// Every runtime export of both modules (browser `hostedpay-web`, edge `hostedpay-web/edge`), in both
// builds (web ES module, node CommonJS), namespaces included, is declared in the build's
// .d.ts, and every value the .d.ts declares exists (tests/js/exports.shared.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { declaredValues, runtimeValues, compareExports } from '../../tests/js/exports.shared.mjs';

const require = createRequire(import.meta.url);
const pkg = (p) => fileURLToPath(new URL(`../pkg/${p}`, import.meta.url));

for (const [name, js, dts] of [
  ['browser, node build', 'node/vpos_web.js', 'node/vpos_web.d.ts'],
  ['browser, web build', 'web/vpos_web.js', 'web/vpos_web.d.ts'],
  ['edge, node build', 'edge/node/vpos_web_edge.js', 'edge/node/vpos_web_edge.d.ts'],
  ['edge, web build', 'edge/web/vpos_web_edge.js', 'edge/web/vpos_web_edge.d.ts'],
  ...['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'paypal_rest', 'bitpay'].flatMap((g) => [
    [`edge/${g}, node build`, `edge/${g}/node/vpos_web_edge.js`, `edge/${g}/node/vpos_web_edge.d.ts`],
    [`edge/${g}, web build`, `edge/${g}/web/vpos_web_edge.js`, `edge/${g}/web/vpos_web_edge.d.ts`],
  ]),
]) {
  test(`${name}: every runtime export is declared in ${dts} and vice versa`, async () => {
    const runtime = /(^|\/)web\//.test(js) ? { ...(await import(pkg(js))) } : require(pkg(js));
    const declared = declaredValues(ts, pkg(dts), runtime);
    assert.ok(declared.length > 10, `only ${declared.length} declared values`);
    assert.deepEqual(compareExports(declared, runtimeValues(runtime)), { undeclared: [], missing: [] });
  });
}

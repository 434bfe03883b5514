// Shared by the Node test files: both builds of hostedpay-web, and JSON read without losing
// integers past 2^53 (the vectors hold i64::MAX minor units).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const pkgPath = (p) => fileURLToPath(new URL(`../pkg/${p}`, import.meta.url));

/**
 * The package under test twice: the CommonJS build Node resolves (`node` condition), and the
 * ES module every other runtime gets, initialised the way an edge runtime does it (the wasm
 * bytes handed to initSync, no file system or fetch inside the module).
 */
export async function builds() {
  const node = createRequire(import.meta.url)(pkgPath('node/vpos_web.js'));
  const web = await import(pkgPath('web/vpos_web.js'));
  web.initSync({ module: readFileSync(pkgPath('web/vpos_web_bg.wasm')) });
  return [
    { name: 'node (CommonJS)', api: node },
    { name: 'web (ES module, initSync)', api: web },
  ];
}

/**
 * The edge module (`hostedpay-web/edge`: every gateway) the same two ways: CommonJS, and the ES
 * module initialised from its bytes as an edge runtime does.
 */
export async function edgeBuilds() {
  const node = createRequire(import.meta.url)(pkgPath('edge/node/vpos_web_edge.js'));
  const web = await import(pkgPath('edge/web/vpos_web_edge.js'));
  web.initSync({ module: readFileSync(pkgPath('edge/web/vpos_web_edge_bg.wasm')) });
  return [
    { name: 'edge node (CommonJS)', api: node },
    { name: 'edge web (ES module, initSync)', api: web },
  ];
}

/** The gateways that have an edge module of their own (`hostedpay-web/edge/<gateway>`). */
export const EDGE_GATEWAYS = ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'paypal_rest', 'bitpay'];

/** One gateway's edge module (`hostedpay-web/edge/<gateway>`), both builds, as {@link edgeBuilds}. */
export async function gatewayEdgeBuilds(gateway) {
  const dir = `edge/${gateway}`;
  const node = createRequire(import.meta.url)(pkgPath(`${dir}/node/vpos_web_edge.js`));
  const web = await import(pkgPath(`${dir}/web/vpos_web_edge.js`));
  web.initSync({ module: readFileSync(pkgPath(`${dir}/web/vpos_web_edge_bg.wasm`)) });
  return [
    { name: `edge/${gateway} node (CommonJS)`, api: node },
    { name: `edge/${gateway} web (ES module, initSync)`, api: web },
  ];
}

// JSON read without losing integers past 2^53, the vectors' subset match and error shape: the
// shared JS support of tests/js (one copy for both packages' runners).
export { parseJson, errorJson, subsetMismatch, show } from '../../tests/js/vectors.support.mjs';

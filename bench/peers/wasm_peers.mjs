// The wasm edge modules under Node next to the native Node addon (the same vpos core compiled
// natively, napi-rs): issue #23's target "verify in wasm ≤ 3× native". Each row runs the same
// calls through both, interleaved (bench/peers/interleave.js), and its ratio is wasm time ÷
// native time (lower is better):
//
// - `wasm: redsys verify vs native`: the real MN000049 notification (bench/peers/data/), parsed
//   and its signature verified, through `hostedpay-web/edge/redsys` (the per-gateway module);
// - `wasm: flocash parse vs native`: a 17-field FloCash notification parsed and its fields read
//   (`untrusted.order_id`), through `hostedpay-web/edge/flocash`.
//
// Run by `make bench-peers`: node wasm_peers.mjs OUT.json WASM_PKG_DIR NODE_PACKAGE_DIR (the
// wasm package bindings-wasm/scripts/build.sh builds, the addon `make node-build` builds).
// Before timing, both must accept MN000049 and reject a tampered copy, and read the same FloCash
// fields, or this exits 1. wasm handles are freed as soon as used (`free()`), as a host should.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { ROUNDS, interleaved } = require('./interleave.js');

const [out, wasmPkg, nodeDir] = process.argv.slice(2);
const wasmRedsys = require(path.resolve(wasmPkg, 'edge/redsys/node/vpos_web_edge.js')).redsys;
const wasmFlocash = require(path.resolve(wasmPkg, 'edge/flocash/node/vpos_web_edge.js')).flocash;
const native = require(path.resolve(nodeDir));

const here = (p) => new URL(p, import.meta.url);
const DATA = JSON.parse(readFileSync(here('data/redsys_mn000049.json'), 'utf8'));
const FORM_CT = 'application/x-www-form-urlencoded';
const TARGET = 3;

// --- Redsys verify ------------------------------------------------------------------------------

const body = Buffer.from(DATA.body);
function tampered() {
  const params = JSON.parse(Buffer.from(DATA.fields.Ds_MerchantParameters, 'base64').toString());
  params.Ds_Amount = String(Number(params.Ds_Amount) + 1);
  const fields = { ...DATA.fields, Ds_MerchantParameters: Buffer.from(JSON.stringify(params)).toString('base64') };
  return Buffer.from(new URLSearchParams(fields).toString());
}
const TAMPERED = tampered();

const nativeGateway = new native.redsys.Gateway(DATA.config);
const wasmGateway = new wasmRedsys.Gateway(DATA.config);
const nativeVerify = (b = body) => nativeGateway.verify(nativeGateway.parseNotification(FORM_CT, b)).notification;
function wasmVerify(b = body) {
  const unverified = wasmGateway.parseNotification(FORM_CT, b);
  try {
    const verified = wasmGateway.verify(unverified);
    const notification = verified.notification;
    verified.free();
    return notification;
  } finally {
    unverified.free();
  }
}

// --- FloCash parse ------------------------------------------------------------------------------

const FLOCASH_BODY = Buffer.from(
  'merchant=sales%40demoshop.com&sender_acct=payer%40example.com&order_id=AT000001'
  + '&amount=23.45&item_name=Call+Credit&item_price=23.45&currency_code=USD&quantity=1'
  + '&trans_id=FLOEC2504229177242483&fpn_id=T45021034274064&custom=C0000001'
  + '&customer=Joan+Njiru&status=0000&status_msg=Payment+is+successful.'
  + '&payer_email=joan%40example.com&payment_channel=Mobile&txn_partner_ref=MPESA-QX81HD92KL',
);
const FLOCASH_CONFIG = {
  merchant: 'sales@demoshop.com',
  merchant_name: 'Demo Shop',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: 'https://fcms.flocash.com',
  notification_token: 'change-me-to-a-long-random-token',
};
const nativeFlocash = new native.flocash.Gateway(FLOCASH_CONFIG);
const wasmFlocashGateway = new wasmFlocash.Gateway(FLOCASH_CONFIG);
const nativeParse = () => nativeFlocash.parseNotification(FORM_CT, FLOCASH_BODY).untrusted;
function wasmParse() {
  const unverified = wasmFlocashGateway.parseNotification(FORM_CT, FLOCASH_BODY);
  const fields = unverified.untrusted;
  unverified.free();
  return fields;
}

// --- agreement first ----------------------------------------------------------------------------

function check() {
  for (const [who, verify] of [['native', nativeVerify], ['wasm', wasmVerify]]) {
    const n = verify();
    if (n.order !== 'MN000049' || n.response !== '0000') throw new Error(`${who}: MN000049 not accepted`);
    let refused = false;
    try {
      verify(TAMPERED);
    } catch {
      refused = true;
    }
    if (!refused) throw new Error(`${who} accepted the tampered notification`);
  }
  const a = JSON.stringify(nativeParse(), (k, v) => (typeof v === 'bigint' ? String(v) : v));
  const b = JSON.stringify(wasmParse(), (k, v) => (typeof v === 'bigint' ? String(v) : v));
  if (a !== b || !a.includes('AT000001')) throw new Error(`FloCash fields differ: native ${a}, wasm ${b}`);
}

// --- rows ---------------------------------------------------------------------------------------

function row(name, t, module) {
  const us = (x) => Math.round(x * 1e9) / 1e3;
  return {
    name,
    vpos: us(t.b),
    peer: us(t.a),
    ratio: Math.round(t.ratio * 1000) / 1000,
    target: `wasm/native <= ${TARGET}x`,
    met: t.ratio <= TARGET,
    unit: 'us',
    vpos_cpu: us(t.b_cpu),
    peer_cpu: us(t.a_cpu),
    ratio_cpu: Math.round((t.b_cpu / t.a_cpu) * 1000) / 1000,
    vpos_impl: `${module} (wasm, under Node ${process.version})`,
    peer_impl: 'hostedpay Node addon (the same core, native)',
    rounds: ROUNDS,
    load_average: loadavg()[0],
  };
}

try {
  check();
} catch (e) {
  console.error(`bench-peers (wasm): FAILED before timing: ${e.message}`);
  process.exit(1);
}
console.log('bench-peers (wasm): the wasm modules and the addon accept MN000049, reject the tampered copy and read FloCash alike');
const rows = [
  row('wasm: redsys verify vs native', interleaved(nativeVerify, wasmVerify), 'hostedpay-web/edge/redsys'),
  row('wasm: flocash parse vs native', interleaved(nativeParse, wasmParse), 'hostedpay-web/edge/flocash'),
];
for (const r of rows) {
  console.log(`${r.name}: wasm ${r.vpos.toFixed(2)} µs, native ${r.peer.toFixed(2)} µs, `
    + `wasm/native ${r.ratio.toFixed(2)}x [cpu ${r.vpos_cpu.toFixed(2)} / ${r.peer_cpu.toFixed(2)} µs] `
    + `(target ${r.target}): ${r.met ? 'met' : 'NOT met'}`);
}
if (out) writeFileSync(out, JSON.stringify(rows, null, 2) + '\n');

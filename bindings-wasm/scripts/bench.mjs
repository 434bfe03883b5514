// `make bench` for hostedpay-web: the browser module's size against the 100 KB gzipped budget, the
// edge module's size beside it, and parse + verify calls/s in wasm under Node against the same
// core compiled natively (FloCash post-back in the browser module, Redsys signature in the edge
// module), measured side by side in this one run (target: verify in wasm ≤ 4× native).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const BUDGET = 100 * 1024;
// VPOS_BENCH_SECONDS shortens a smoke run of this script; the figures need the default.
const SECONDS = Number(process.env.VPOS_BENCH_SECONDS ?? 2);

const wasm = readFileSync(here('pkg/web/vpos_web_bg.wasm'));
const gzipped = gzipSync(wasm, { level: 9 }).length;
const holds = (ok) => (ok ? 'holds' : 'MISSES');
console.log(`hostedpay-web module: ${wasm.length} bytes raw, ${gzipped} bytes gzipped `
  + `(${(gzipped / 1024).toFixed(1)} KB; budget ≤ 100 KB): ${holds(gzipped <= BUDGET)}`);
const edgeWasm = readFileSync(here('pkg/edge/web/vpos_web_edge_bg.wasm'));
const edgeGzipped = gzipSync(edgeWasm, { level: 9 }).length;
console.log(`hostedpay-web/edge module: ${edgeWasm.length} bytes raw, ${edgeGzipped} bytes gzipped `
  + `(${(edgeGzipped / 1024).toFixed(1)} KB; no budget: servers and edge functions only)`);

// A 17-field notification of about 430 bytes, as in the core's benches.
const body = 'merchant=sales%40demoshop.com&sender_acct=254700000001&order_id=AT000001&amount=23.45'
  + '&item_name=Call+Credit&item_price=23.45&currency_code=USD&quantity=1&trans_id=T100200300'
  + '&fpn_id=F200300400&custom=C0000001&customer=John+Kamau&status=0000'
  + '&status_msg=Payment+is+successful.&payer_email=john.kamau%40example.com'
  + '&payment_channel=Mobile&txn_partner_ref=MPESA-QWE123RTY';

// FloCash's Gateway holds the notification token: it is in the edge module only (since 0.2).
const { flocash } = createRequire(import.meta.url)(here('pkg/edge/node/vpos_web_edge.js'));
const gateway = new flocash.Gateway({
  merchant: 'sales@demoshop.com', merchant_name: 'Demo Shop',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do', base_url: 'https://fcms.flocash.com',
  notification_token: 'a-long-random-token',
});
const reply = { status: 200, body: 'VERIFIED' };
const FORM = 'application/x-www-form-urlencoded';
const once = () => {
  const unverified = gateway.parseNotification(FORM, body);
  const verified = gateway.verifyPostback(unverified, reply);
  verified.free();
  unverified.free();
};

/** Calls/s of `once` in this process, after a warm-up. */
function rate(once) {
  for (let i = 0; i < 20000; i++) once(); // warm up the JIT and the module's allocator
  let n = 0;
  const t0 = process.hrtime.bigint();
  const t1 = t0 + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < t1) {
    for (let i = 0; i < 100; i++) once();
    n += 100;
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Calls/s of the same work with the core compiled natively (bench/native_bench.rs). */
function nativeRate(...args) {
  const out = execFileSync('cargo', ['run', '--release', '--locked', '-q', '-p', 'vpos-web',
    '--example', 'native_bench', '--', String(SECONDS), ...args], { cwd: here('..'), encoding: 'utf8' });
  const [nativeCalls, nativeNs] = out.trim().split(' ').map(Number);
  return nativeCalls / (nativeNs / 1e9);
}

const fmt = (r) => `${Math.round(r).toLocaleString('en')} calls/s (${(1e6 / r).toFixed(2)} µs)`;
const compare = (what, detail, wasmCalls, nativeCalls) => {
  const ratio = nativeCalls / wasmCalls;
  console.log(`${what} (${detail}): wasm under Node ${fmt(wasmCalls)}, native ${fmt(nativeCalls)}`);
  console.log(`${what.split(' ')[0]} verify in wasm vs native: ${ratio.toFixed(2)}× the native time `
    + `(target ≤ 4×): ${holds(ratio <= 4)}`);
};
compare('flocash parse+verify', `edge module, ${body.length}-byte notification`, rate(once), nativeRate(body));

// Redsys: the sandbox notification of tests/vectors/redsys/handle.json (HMAC_SHA256_V1,
// 3DES order key), parsed and its signature verified, through the edge module.
const redsysBody = JSON.parse(readFileSync(here('../tests/vectors/redsys/handle.json'), 'utf8'))
  .cases[0].input.body;
const { redsys } = createRequire(import.meta.url)(here('pkg/edge/node/vpos_web_edge.js'));
const terminal = new redsys.Gateway({
  merchant_code: '999008881', terminal: '1', secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7',
  checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago',
});
const redsysWasm = rate(() => {
  const unverified = terminal.parseNotification(FORM, redsysBody);
  terminal.verify(unverified).free();
  unverified.free();
});
compare('redsys parse+verify', `edge module, ${redsysBody.length}-byte notification`, redsysWasm,
  nativeRate(redsysBody, 'redsys'));

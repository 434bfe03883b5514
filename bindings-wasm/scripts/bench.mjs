// `make bench` for vpos-web: the module's size against the 100 KB gzipped budget, and FloCash
// parse + post-back verify calls/s in wasm under Node against the same core compiled natively,
// measured side by side in this one run (shared/performance.md: verify in wasm ≤ 4× native).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const BUDGET = 100 * 1024;
const SECONDS = 2;

const wasm = readFileSync(here('pkg/web/vpos_web_bg.wasm'));
const gzipped = gzipSync(wasm, { level: 9 }).length;
const holds = (ok) => (ok ? 'holds' : 'MISSES');
console.log(`vpos-web module: ${wasm.length} bytes raw, ${gzipped} bytes gzipped `
  + `(${(gzipped / 1024).toFixed(1)} KB; budget ≤ 100 KB): ${holds(gzipped <= BUDGET)}`);

// A 17-field notification of about 430 bytes, as in shared/performance.md.
const body = 'merchant=sales%40demoshop.com&sender_acct=254700000001&order_id=AT000001&amount=23.45'
  + '&item_name=Call+Credit&item_price=23.45&currency_code=USD&quantity=1&trans_id=T100200300'
  + '&fpn_id=F200300400&custom=C0000001&customer=John+Kamau&status=0000'
  + '&status_msg=Payment+is+successful.&payer_email=john.kamau%40example.com'
  + '&payment_channel=Mobile&txn_partner_ref=MPESA-QWE123RTY';

const { flocash } = createRequire(import.meta.url)(here('pkg/node/vpos_web.js'));
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
for (let i = 0; i < 20000; i++) once(); // warm up the JIT and the module's allocator
let calls = 0;
const start = process.hrtime.bigint();
const end = start + BigInt(SECONDS * 1e9);
while (process.hrtime.bigint() < end) {
  for (let i = 0; i < 100; i++) once();
  calls += 100;
}
const wasmRate = calls / (Number(process.hrtime.bigint() - start) / 1e9);

const out = execFileSync('cargo', ['run', '--release', '--locked', '-q', '-p', 'vpos-web',
  '--example', 'native_bench', '--', String(SECONDS), body], { cwd: here('..'), encoding: 'utf8' });
const [nativeCalls, nativeNs] = out.trim().split(' ').map(Number);
const nativeRate = nativeCalls / (nativeNs / 1e9);
const ratio = nativeRate / wasmRate;
const fmt = (r) => `${Math.round(r).toLocaleString('en')} calls/s (${(1e6 / r).toFixed(2)} µs)`;
console.log(`flocash parse+verify (${body.length}-byte notification): wasm under Node ${fmt(wasmRate)}, `
  + `native ${fmt(nativeRate)}`);
console.log(`verify in wasm vs native: ${ratio.toFixed(2)}× the native time (target ≤ 4×): ${holds(ratio <= 4)}`);

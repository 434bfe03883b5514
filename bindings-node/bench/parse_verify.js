'use strict';
// `make bench` (node-bench): FloCash parse + verify from Node, in calls per second.
// Side by side in one run: the same work through vpos, the whole handler, and a by-hand
// URLSearchParams version (what a Node shop writes without vpos), plus `require('hostedpay')` cost.
// Absolute numbers vary with the machine; compare the lines of one run.

const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { flocash } = require('hostedpay');

// The 17-field, ~430-byte notification of core/benches/core.rs.
const BODY = Buffer.from(
  'merchant=sales%40demoshop.com&sender_acct=payer%40example.com&order_id=AT000001' +
    '&amount=23.45&item_name=Call+Credit&item_price=23.45&currency_code=USD&quantity=1' +
    '&trans_id=FLOEC2504229177242483&fpn_id=T45021034274064&custom=C0000001' +
    '&customer=Joan+Njiru&status=0000&status_msg=Payment+is+successful.' +
    '&payer_email=joan%40example.com&payment_channel=Mobile&txn_partner_ref=MPESA-QX81HD92KL',
);
const CT = 'application/x-www-form-urlencoded';
const REPLY = { status: 200, body: 'VERIFIED' };
const gateway = new flocash.Gateway({
  merchant: 'sales@demoshop.com',
  merchant_name: 'Demo Shop',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: 'https://fcms.flocash.com',
  notification_token: '0123456789abcdef',
});
const PAYMENT = {
  gateway: 'flocash',
  merchant: 'sales@demoshop.com',
  order_id: 'AT000001',
  amount: { value: '23.45', currency: 'USD' },
  status: 'pending',
};

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `fn` in batches for about SECONDS (after a warm-up); returns calls per second. The
 * event loop turns between batches, as it does between a server's requests: napi runs the
 * finalizers of released notification handles there, so memory stays flat.
 */
async function rate(fn, { batch = 1000, awaitEach = false } = {}) {
  const runBatch = async () => {
    if (awaitEach) for (let i = 0; i < batch; i++) await fn();
    else for (let i = 0; i < batch; i++) fn();
    await tick();
  };
  for (let i = 0; i < 3; i++) await runBatch();
  let calls = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    await runBatch();
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
  }
  return (calls * 1e9) / Number(elapsed);
}

/** A careful by-hand parse + validate in plain JS (no post-back judgement, no event). */
const REQUIRED = ['merchant', 'order_id', 'amount', 'currency_code', 'trans_id', 'fpn_id', 'status'];
function byHand(body) {
  const params = new URLSearchParams(body.toString('utf8'));
  const seen = new Set();
  for (const key of params.keys()) {
    const k = key.toLowerCase();
    if (seen.has(k)) throw new Error(`duplicate ${key}`);
    seen.add(k);
  }
  for (const k of REQUIRED) if (!params.get(k)) throw new Error(`missing ${k}`);
  const amount = params.get('amount');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new Error('bad amount');
  return { order_id: params.get('order_id'), minor: BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')) };
}

function line(name, perSecond, note = '') {
  const us = 1e6 / perSecond;
  console.log(`${name.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} calls/s  ${us.toFixed(2).padStart(7)} µs/call${note}`);
}

async function main() {
  const requireMs = JSON.parse(
    execFileSync(process.execPath, ['-e', "const t=process.hrtime.bigint();require('hostedpay');console.log(Number(process.hrtime.bigint()-t)/1e6)"], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    }),
  );
  console.log(`node ${process.version}; ${SECONDS} s per line; notification ${BODY.length} bytes, 17 fields`);
  const parseVerify = await rate(() => gateway.verifyPostback(gateway.parseNotification(CT, BODY), REPLY));
  line('vpos parse + verify', parseVerify);
  line('vpos parse', await rate(() => gateway.parseNotification(CT, BODY)));
  line(
    'vpos parse + postbackRequest + verify',
    await rate(() => {
      const n = gateway.parseNotification(CT, BODY);
      gateway.postbackRequest(n);
      return gateway.verifyPostback(n, REPLY);
    }),
  );
  line(
    'vpos parse + verify + transition + acknowledge',
    await rate(() => gateway.acknowledge(gateway.transition(PAYMENT, gateway.verifyPostback(gateway.parseNotification(CT, BODY), REPLY)))),
  );
  const postback = async () => REPLY;
  line(
    'vpos handleNotification (in-process post-back)',
    await rate(() => gateway.handleNotification({ body: BODY, headers: { 'content-type': CT }, payment: PAYMENT, postback }), {
      batch: 200,
      awaitEach: true,
    }),
  );
  const hand = await rate(() => byHand(BODY));
  line('by hand: URLSearchParams + checks (no verify)', hand, `  (vpos parse + verify: ${(parseVerify / hand).toFixed(2)}× its rate)`);
  console.log(`require('hostedpay'): ${requireMs.toFixed(1)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

'use strict';
// PayPal REST (Orders v2, issue #19) in Node against the project's real `hostedpay-sandbox`
// process: the OAuth token cached by `paypalRest.TokenCache` (per app, shared by concurrent
// callers, refreshed before expiry, renewed once on a 401), checkout to the approve link, the
// buyer's approval posted as the browser would, the capture, the sandbox's signed webhooks
// verified by post-back and offline (the certificate fetched from the sandbox through the
// request the core builds) through the one notification path, a duplicate, a tampered webhook
// and a partial refund. The payment is a snapshot held here, moved only by outcomes.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const vpos = require('hostedpay');
const { unavailable, Receiver, startSandbox, PAYPAL_REST } = require('../../tests/js/sandbox.cjs');

const { paypalRest } = vpos;
const skip = unavailable() || false;
const { RETURN_URL, CANCEL_URL, MERCHANT, CERT_PATH, store } = PAYPAL_REST;

let box;
let receiver;

before(async () => {
  if (skip) return;
  receiver = new Receiver();
  await receiver.listen();
  box = await startSandbox(receiver.url);
});

after(async () => {
  if (box) await box.close();
  if (receiver) await receiver.close();
});

const account = () => new vpos.Config(PAYPAL_REST.config(box.base));

/** `fetch` that records what it was asked. */
function recording() {
  const asked = [];
  const fn = (request, options) => {
    asked.push(request);
    return vpos.fetchPostback(request, options);
  };
  return { fn, asked };
}

/** A cache whose first token is one the sandbox never issued: its API answers 401 to it. */
function expiringCache() {
  let stale = true;
  return new paypalRest.TokenCache({
    fetch: (request, options) => {
      if (!stale) return vpos.fetchPostback(request, options);
      stale = false;
      return { status: 200, body: JSON.stringify({ scope: 'https://uri.paypal.com/services/payments', access_token: 'A21AAexpiredtoken',
        token_type: 'Bearer', app_id: 'APP-80W284485P519543T', expires_in: 32400, nonce: 'n' }) };
    },
  });
}

async function approve(reference) {
  const r = await box.request('POST', `/checkoutnow?token=${reference}`, 'outcome=approve', 'application/x-www-form-urlencoded');
  assert.equal(r.status, 303, r.body.slice(0, 300));
  return r.headers.get('location');
}

test('token cache: one request for concurrent callers, reused until expires_in - 300 s, then refreshed', { skip }, async () => {
  let clock = 0;
  const cache = new paypalRest.TokenCache({ now: () => clock });
  const config = account();
  const before = await box.tokenRequests();
  const configs = await Promise.all([cache.config(config), cache.config(config), cache.config(config)]);
  assert.equal(await box.tokenRequests(), before + 1);
  for (const c of configs) {
    assert.equal(c.gateway, 'paypal_rest');
    // The token is native: not in the public view, JSON or inspect.
    assert.equal(c.public().access_token, undefined);
    assert.ok(c.secretKeys.includes('access_token'));
    assert.match(util.inspect(c), /access_token: '\*\*\*'/);
  }
  // The sandbox's token lives expires_in seconds; the cache uses it until 300 s before that.
  const reply = await vpos.fetchPostback(paypalRest.tokenRequest(config));
  const expiresIn = paypalRest.parseTokenReply(reply).expiresIn;
  assert.ok(expiresIn > 300, `expires_in ${expiresIn}`);
  const counted = await box.tokenRequests();
  clock = (expiresIn - 300) * 1000 - 1;
  await cache.config(config);
  assert.equal(await box.tokenRequests(), counted);
  clock += 1;
  await cache.config(config);
  assert.equal(await box.tokenRequests(), counted + 1);
  // Another app (client id) has a token of its own; wrong credentials are the core's error, nothing cached.
  const stranger = new vpos.Config({ ...config.public(), secret: 'wrong', client_id: 'another-client' });
  await assert.rejects(cache.config(stranger), (e) => vpos.isVposError(e) && e.code === 'invalid_config' && e.field === 'client_id');
  await assert.rejects(cache.config(stranger), { code: 'invalid_config' });
  assert.equal(await box.tokenRequests(), counted + 3);
  // Only paypal_rest has a token.
  await assert.rejects(async () => cache.config(new vpos.Config({ gateway: 'paypal', business: 'shop@example.com',
    checkout_url: 'https://www.sandbox.paypal.com/cgi-bin/webscr', ipn_url: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr' })), TypeError);
});

test('checkout to paid by webhook (post-back and offline), duplicate, partial refund after a 401, tampered webhook', { skip }, async () => {
  await box.request('POST', '/_sandbox/reset');
  receiver.drain();
  const config = account();
  const cache = new paypalRest.TokenCache();
  const shop = store('NR-19-1', '25.00');
  const amount = { value: '25.00', currency: 'EUR' };
  const received = [];
  const onReceived = ({ body }) => { received.push(body); }; // the raw body, stored first

  // Checkout: PayPal creates the order; the form is the GET to the approve link.
  const order = vpos.orderForPayment('paypal_rest', { order_id: 'NR-19-1', amount, description: 'Call Credit',
    return_url: RETURN_URL, cancel_url: CANCEL_URL });
  const { form, reference } = await cache.checkout(config, order);
  assert.equal(form.method, 'GET');
  assert.equal(form.action, `${box.base}/checkoutnow`);
  assert.deepEqual(form.fields, [['token', reference]]);
  assert.equal(reference.length, 17);
  const location = await approve(reference);
  assert.ok(location.startsWith(`${RETURN_URL}?token=${reference}&PayerID=`), location);

  // The approval webhook moves no money.
  let hook = await receiver.take('CHECKOUT.ORDER.APPROVED');
  let result = await cache.handleNotification(config, { body: hook.body, headers: hook.headers }, { payment: () => shop.payment, onReceived });
  hook.answer(result.status);
  assert.equal(result.status, 200);
  assert.equal(result.verdict, 'ignored', util.inspect(result.error));
  assert.equal(shop.payment.status, 'new');

  // The buyer is back: the order is captured (its reply is not applied here: the webhook pays).
  const key = vpos.operationKey('paypal_rest', MERCHANT, 'NR-19-1', 'charge', 1);
  const charge = await cache.operate(config, { kind: 'charge', order_id: 'NR-19-1', amount, captured: amount,
    transaction_id: reference, intent: 'capture', idempotency_key: key });
  assert.equal(charge.event.order_id, 'NR-19-1');
  const captureId = charge.paymentFields.transaction_id ?? charge.event.transaction_id;
  assert.ok(captureId, util.inspect(charge.paymentFields));

  // PAYMENT.CAPTURE.COMPLETED proven by post-back (with the cached token): paid.
  hook = await receiver.take('PAYMENT.CAPTURE.COMPLETED');
  const completed = { body: hook.body, headers: hook.headers };
  const postback = recording();
  result = await cache.handleNotification(config, completed, { payment: () => shop.payment, onReceived, fetch: postback.fn });
  hook.answer(result.status);
  assert.equal(result.verdict, 'applied', util.inspect(result.error));
  assert.equal(result.status, 200);
  assert.deepEqual([result.outcome.from, result.outcome.to, result.outcome.captured_minor], ['new', 'paid', 2500n]);
  assert.deepEqual(postback.asked.map((r) => [r.method, r.url]), [['POST', `${box.base}/v1/notifications/verify-webhook-signature`]]);
  assert.equal(result.event.transaction_id, captureId);
  shop.apply(result.outcome, result.event);
  assert.equal(shop.payment.status, 'paid');

  // The same webhook proven offline: the certificate fetched from the sandbox (the core's
  // request), the signature checked here at this host's clock. Already applied.
  const offline = recording();
  const nowUnix = Math.floor(Date.now() / 1000);
  result = await vpos.handleNotification(config, { ...completed, nowUnix }, { payment: () => shop.payment, fetch: offline.fn });
  assert.equal(result.verdict, 'already_applied', util.inspect(result.error));
  assert.equal(result.status, 200);
  assert.deepEqual(offline.asked.map((r) => [r.method, r.url]), [['GET', `${box.base}${CERT_PATH}`]]);
  // Offline at a clock far from the transmission time: refused, nothing moves.
  result = await vpos.handleNotification(config, { ...completed, nowUnix: nowUnix + 3600 }, { payment: () => shop.payment });
  assert.ok(result.status >= 400 && result.verdict !== 'applied', `${result.status} ${result.verdict}`);
  assert.equal(result.outcome, null);

  // A duplicated delivery: already applied, the payment paid once.
  result = await cache.handleNotification(config, completed, { payment: () => shop.payment, onReceived });
  assert.equal(result.verdict, 'already_applied');
  assert.deepEqual(result.outcome, { outcome: 'already_applied' });
  assert.equal(shop.payment.applied_event_keys.length, 1);
  assert.equal(received.length, 3); // every delivery's body was stored first

  // The post-back after PayPal refused the cached token (expired): renewed once, proven.
  let tokens = await box.tokenRequests();
  result = await expiringCache().handleNotification(config, completed, { payment: () => shop.payment });
  assert.equal(result.verdict, 'already_applied', util.inspect(result.error));
  assert.equal(await box.tokenRequests(), tokens + 1);

  // A partial refund, after PayPal refused the cached token: renewed once, asked again.
  tokens = await box.tokenRequests();
  const expiring = expiringCache();
  const five = { value: '5.00', currency: 'EUR' };
  const refund = { kind: 'refund', order_id: 'NR-19-1', amount: five, captured: amount, transaction_id: captureId,
    idempotency_key: vpos.operationKey('paypal_rest', MERCHANT, 'NR-19-1', 'refund', 1) };
  vpos.checkOperation(shop.payment, 'refund', 500n);
  const refunded = await expiring.operate(config, refund);
  assert.equal(await box.tokenRequests(), tokens + 1);
  const outcome = vpos.transition(shop.payment, refunded);
  assert.equal(outcome.outcome, 'applied');
  shop.apply(outcome, refunded.event);
  assert.deepEqual([shop.payment.status, shop.payment.refunded_minor], ['partially_refunded', 500n]);
  hook = await receiver.take('PAYMENT.CAPTURE.REFUNDED');
  result = await cache.handleNotification(config, { body: hook.body, headers: hook.headers }, { payment: () => shop.payment });
  hook.answer(result.status);
  assert.equal(result.verdict, 'already_applied', util.inspect(result.error));
  // More than is left: refused by the core before PayPal is asked.
  assert.throws(() => vpos.checkOperation(shop.payment, 'refund', 2001n), { code: 'refund_exceeds_amount' });

  // A chargeback reaches the shop by webhook only; its first delivery is tampered with.
  await box.faults({ tamper: 1 });
  const pay = await box.request('POST', '/_sandbox/pay', JSON.stringify({ gateway: 'paypal_rest', order: reference, outcome: 'reverse' }));
  assert.equal(pay.status, 200, pay.body);
  hook = await receiver.take('PAYMENT.CAPTURE.REVERSED');
  const tampered = { body: hook.body, headers: hook.headers };
  result = await cache.handleNotification(config, tampered, { payment: () => shop.payment });
  const offlineTampered = await vpos.handleNotification(config, { ...tampered, nowUnix: Math.floor(Date.now() / 1000) }, { payment: () => shop.payment });
  hook.answer(result.status);
  for (const r of [result, offlineTampered]) {
    assert.ok(r.status >= 400, `${r.status}`);
    assert.ok(['unverified', 'invalid'].includes(r.verdict), `${r.verdict} ${util.inspect(r.error)}`);
    assert.equal(r.outcome, null);
  }
  assert.equal(shop.payment.status, 'partially_refunded'); // the tampered body moved nothing
  hook = await receiver.take('PAYMENT.CAPTURE.REVERSED'); // PayPal's retry: the signed body
  result = await vpos.handleNotification(config, { body: hook.body, headers: hook.headers, nowUnix: Math.floor(Date.now() / 1000) },
    { payment: () => shop.payment });
  hook.answer(result.status);
  assert.equal(result.verdict, 'applied', util.inspect(result.error));
  shop.apply(result.outcome, result.event);
  assert.equal(shop.payment.status, 'charged_back');
});

test('a webhook without a token or a clock is refused so that PayPal delivers again; a failing token request too', { skip }, async () => {
  receiver.drain();
  const config = account();
  await box.request('POST', '/_sandbox/reset');
  const cache = new paypalRest.TokenCache();
  const shop = store('NR-19-2', '7.00');
  const order = vpos.orderForPayment('paypal_rest', { order_id: 'NR-19-2', amount: { value: '7.00', currency: 'EUR' },
    return_url: RETURN_URL, cancel_url: CANCEL_URL });
  const { reference } = await cache.checkout(config, order);
  await approve(reference);
  const hook = await receiver.take('CHECKOUT.ORDER.APPROVED');
  hook.answer(503);
  const request = { body: hook.body, headers: hook.headers };
  // Neither the token (post-back) nor nowUnix (offline): nothing can prove it.
  let result = await vpos.handleNotification(config, request, { payment: () => shop.payment });
  assert.equal(result.error.code, 'field_missing');
  assert.ok(result.status >= 400);
  // PayPal unreachable for the token: the core's refusal, answered so that PayPal retries; the body stored first.
  const stored = [];
  const down = new paypalRest.TokenCache({ fetch: () => { throw new Error('connect ECONNREFUSED'); } });
  result = await down.handleNotification(config, request, { payment: () => shop.payment, onReceived: ({ body }) => stored.push(body) });
  assert.equal(result.error.code, 'gateway_unavailable');
  assert.equal(result.status, 503);
  assert.deepEqual(stored, [hook.body]);
  assert.equal(shop.payment.status, 'new');
});

// PayPal REST webhooks (issue #19) verified by the edge module against the project's real
// `hostedpay-sandbox` process, in both edge builds: the order created, approved and captured
// with `paypalRest.TokenCache` (the Node package's cache: per app, one request in flight,
// renewed once on a 401), then the sandbox's signed webhooks through the one notification path,
// proven offline (the certificate fetched from the sandbox through the request the core builds,
// RSA-SHA256 checked inside the wasm module) and by post-back with the cached token; a
// duplicate, and a tampered delivery refused both ways with the payment untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import util from 'node:util';
import { edgeBuilds } from './support.mjs';

const { unavailable, Receiver, startSandbox, PAYPAL_REST } = createRequire(import.meta.url)('../../tests/js/sandbox.cjs');

const skip = unavailable() || false;
const { RETURN_URL, CANCEL_URL, MERCHANT, CERT_PATH } = PAYPAL_REST;
const builds = await edgeBuilds();

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

/** The shop's stored payment; every outcome this test applies must be `applied`. */
function store(orderId, value) {
  const shop = PAYPAL_REST.store(orderId, value);
  return {
    payment: shop.payment,
    apply(outcome, event) {
      assert.equal(outcome.outcome, 'applied');
      shop.apply(outcome, event);
    },
  };
}

const now = () => Math.floor(Date.now() / 1000);

for (const { name, api: vpos } of builds) {
  test(`${name}: webhooks verified offline and by post-back; duplicate; tampered refused`, { skip }, async () => {
    await box.request('POST', '/_sandbox/reset');
    receiver.drain();
    const { paypalRest } = vpos;
    const config = new vpos.Config(PAYPAL_REST.config(box.base));
    const orderId = `EDGE-19-${builds.findIndex((b) => b.name === name)}`;
    const shop = store(orderId, '12.00');
    const amount = { value: '12.00', currency: 'EUR' };

    // The token cache: concurrent callers share one request; the token never leaves the module.
    const cache = new paypalRest.TokenCache();
    const tokens = await box.tokenRequests();
    const configs = await Promise.all([cache.config(config), cache.config(config)]);
    assert.equal(await box.tokenRequests(), tokens + 1);
    assert.equal(configs[0].public().access_token, undefined);
    assert.ok(!JSON.stringify(configs[0]).includes('access_token'));

    // The order, approved by the buyer, captured.
    const order = vpos.orderForPayment('paypal_rest', { order_id: orderId, amount, return_url: RETURN_URL, cancel_url: CANCEL_URL });
    const { form, reference } = await cache.checkout(config, order);
    assert.equal(form.action, `${box.base}/checkoutnow`);
    const approved = await box.request('POST', `/checkoutnow?token=${reference}`, 'outcome=approve', 'application/x-www-form-urlencoded');
    assert.equal(approved.status, 303);
    const charge = await cache.operate(config, { kind: 'charge', order_id: orderId, amount, captured: amount, transaction_id: reference,
      intent: 'capture', idempotency_key: vpos.operationKey('paypal_rest', MERCHANT, orderId, 'charge', 1) });
    assert.equal(charge.event.order_id, orderId);

    // PAYMENT.CAPTURE.COMPLETED proven offline at this host's clock: paid.
    let hook = await receiver.take('PAYMENT.CAPTURE.COMPLETED');
    const completed = { body: new Uint8Array(hook.body), headers: hook.headers };
    const asked = [];
    const recording = (request, options) => {
      asked.push([request.method, request.url]);
      return vpos.fetchPostback(request, options);
    };
    let result = await vpos.handleNotification(config, { ...completed, nowUnix: now() }, { payment: () => shop.payment, fetch: recording });
    hook.answer(result.status);
    assert.equal(result.verdict, 'applied', util.inspect(result.error));
    assert.equal(result.status, 200);
    assert.deepEqual(asked, [['GET', `${box.base}${CERT_PATH}`]]);
    assert.equal(result.outcome.to, 'paid');
    shop.apply(result.outcome, result.event);

    // The same webhook proven by post-back with the cached token: already applied.
    asked.length = 0;
    result = await cache.handleNotification(config, completed, { payment: () => shop.payment, fetch: recording });
    assert.equal(result.verdict, 'already_applied', util.inspect(result.error));
    assert.deepEqual(asked, [['POST', `${box.base}/v1/notifications/verify-webhook-signature`]]);
    // A duplicated delivery, offline again: already applied, paid once.
    result = await vpos.handleNotification(config, { ...completed, nowUnix: now() }, { payment: () => shop.payment });
    assert.deepEqual(result.outcome, { outcome: 'already_applied' });
    assert.equal(shop.payment.applied_event_keys.length, 1);

    // A post-back after PayPal refused the cached token: renewed once, proven.
    let stale = true;
    const expiring = new paypalRest.TokenCache({
      fetch: (request, options) => {
        if (!stale) return vpos.fetchPostback(request, options);
        stale = false; // a token the sandbox never issued
        return { status: 200, body: JSON.stringify({ scope: 'https://uri.paypal.com/services/payments', access_token: 'A21AAexpiredtoken',
          token_type: 'Bearer', app_id: 'APP-80W284485P519543T', expires_in: 32400, nonce: 'n' }) };
      },
    });
    result = await expiring.handleNotification(config, completed, { payment: () => shop.payment });
    assert.equal(result.verdict, 'already_applied', util.inspect(result.error));

    // A chargeback whose first delivery is tampered with: refused offline and by post-back.
    await box.faults({ tamper: 1 });
    const reversed = await box.request('POST', '/_sandbox/pay', JSON.stringify({ gateway: 'paypal_rest', order: reference, outcome: 'reverse' }));
    assert.equal(reversed.status, 200, reversed.body);
    hook = await receiver.take('PAYMENT.CAPTURE.REVERSED');
    const tampered = { body: new Uint8Array(hook.body), headers: hook.headers };
    const offline = await vpos.handleNotification(config, { ...tampered, nowUnix: now() }, { payment: () => shop.payment });
    const postback = await cache.handleNotification(config, tampered, { payment: () => shop.payment });
    hook.answer(offline.status);
    for (const r of [offline, postback]) {
      assert.ok(r.status >= 400, `${r.status}`);
      assert.ok(['unverified', 'invalid'].includes(r.verdict), `${r.verdict} ${util.inspect(r.error)}`);
      assert.equal(r.outcome, null);
    }
    assert.equal(shop.payment.status, 'paid'); // the tampered body moved nothing
    hook = await receiver.take('PAYMENT.CAPTURE.REVERSED'); // PayPal's retry: the signed body
    result = await vpos.handleNotification(config, { body: new Uint8Array(hook.body), headers: hook.headers, nowUnix: now() },
      { payment: () => shop.payment });
    hook.answer(result.status);
    assert.equal(result.verdict, 'applied', util.inspect(result.error));
    shop.apply(result.outcome, result.event);
    assert.equal(shop.payment.status, 'charged_back');
  });
}

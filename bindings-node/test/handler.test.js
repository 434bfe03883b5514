'use strict';
// The notification handler against a real local HTTP server standing in for FloCash's
// post-back endpoint: success, INVALID, 500, timeout, unreachable; and the order of the steps.

const { test, describe, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { flocash } = require('hostedpay');
const { startFlocash } = require('./support/flocash-server.js');
const { TOKEN, config, FORM, BODY, EVENT_KEY, payment } = require('./support/fixtures.js');

describe('handleNotification with a real post-back server', () => {
  let server;
  let gateway;
  before(async () => {
    server = await startFlocash();
    gateway = new flocash.Gateway(config(server.baseUrl));
  });
  after(() => server.stop());
  beforeEach(() => {
    server.received.length = 0;
    server.setMode('verified');
  });

  const notify = (extra = {}) =>
    gateway.handleNotification({
      token: TOKEN,
      body: Buffer.from(BODY),
      headers: { 'content-type': FORM, 'content-length': String(BODY.length) },
      payment: payment(),
      ...extra,
    });

  test('VERIFIED: applied, answered 200 00, the post-back echoes the notification', async () => {
    const result = await notify();
    assert.equal(result.status, 200);
    assert.equal(result.body, '00');
    assert.deepEqual(result.headers, [['Content-Type', 'text/plain; charset=utf-8']]);
    assert.deepEqual(result.outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 2345n, released_minor: 0n });
    assert.equal(result.error, null);
    assert.equal(result.event.key, EVENT_KEY);
    assert.deepEqual(result.event.amount, { minor: 2345n, currency: 'USD', value: '23.45' });
    assert.equal(result.notification.order_id, 'AT000001');
    assert.equal(result.rawBody.toString(), BODY);

    assert.equal(server.received.length, 1);
    const [postback] = server.received;
    assert.equal(postback.method, 'POST');
    assert.equal(postback.url, '/validateNotify.do');
    assert.equal(postback.contentType, FORM);
    assert.equal(postback.body, `${BODY}&cmd=notify-validate`);
  });

  test('a redelivery of an applied event is already_applied and answered 200 00', async () => {
    const result = await notify({ payment: payment({ status: 'paid', applied_event_keys: [EVENT_KEY] }) });
    assert.deepEqual(result.outcome, { outcome: 'already_applied' });
    assert.equal(result.status, 200);
    assert.equal(result.body, '00');
  });

  test('INVALID: postback_invalid, answered 409 INVALID, nothing applied', async () => {
    server.setMode('invalid');
    let loaded = false;
    const result = await notify({ payment: () => ((loaded = true), payment()) });
    assert.equal(result.status, 409);
    assert.equal(result.body, 'INVALID');
    assert.equal(result.error.code, 'postback_invalid');
    assert.equal(result.outcome, null);
    assert.equal(result.event, null);
    assert.equal(result.notification.order_id, 'AT000001', 'the untrusted notification is still reported');
    assert.equal(loaded, false, 'the payment is only loaded for a verified notification');
    assert.equal(server.received.length, 1);
  });

  test('HTTP 500 from FloCash: postback_failed, answered 503 so FloCash delivers again', async () => {
    server.setMode('error');
    const result = await notify();
    assert.equal(result.status, 503);
    assert.equal(result.body, 'postback_failed');
    assert.equal(result.error.code, 'postback_failed');
    assert.match(result.error.message, /HTTP 500/);
    assert.equal(result.outcome, null);
  });

  test('no answer before the deadline: postback_failed, answered 503, never thrown', async () => {
    server.setMode('hang');
    const result = await notify({ timeoutMs: 200 });
    assert.equal(result.status, 503);
    assert.equal(result.error.code, 'postback_failed');
    assert.match(result.error.message, /timed out after 200 ms/);
    assert.equal(server.received.length, 1, 'the post-back was sent');
  });

  test('a postback function that ignores the abort signal is still cut off at the deadline', async () => {
    const result = await notify({ timeoutMs: 50, postback: () => new Promise(() => {}) });
    assert.equal(result.error.code, 'postback_failed');
    assert.match(result.error.message, /timed out/);
  });

  test('a custom postback may return a fetch Response', async () => {
    const result = await notify({ postback: async () => new Response('VERIFIED', { status: 200 }) });
    assert.equal(result.outcome.outcome, 'applied');
  });

  test('an unreachable FloCash: postback_failed, answered 503', async () => {
    const closed = await startFlocash();
    await closed.stop(); // its port is now closed
    const unreachable = new flocash.Gateway(config(closed.baseUrl));
    const result = await unreachable.handleNotification({
      token: TOKEN,
      body: BODY,
      headers: { 'content-type': FORM },
      payment: payment(),
    });
    assert.equal(result.status, 503);
    assert.equal(result.error.code, 'postback_failed');
  });

  test('a wrong token: 404, nothing stored, no post-back', async () => {
    let stored = false;
    const result = await notify({ token: 'test-test-tesT', onReceived: () => (stored = true) });
    assert.equal(result.status, 404);
    assert.equal(result.error.code, 'token_mismatch');
    assert.equal(stored, false);
    assert.equal(server.received.length, 0);
  });

  test('a token key given as undefined is checked, not skipped', async () => {
    const result = await notify({ token: undefined });
    assert.equal(result.status, 404);
    assert.equal(server.received.length, 0);
  });

  test('onReceived is awaited with the raw body before the post-back is sent', async () => {
    const steps = [];
    const result = await notify({
      onReceived: async ({ body, contentType }) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        steps.push(`stored ${body.length} bytes as ${contentType}; post-backs so far: ${server.received.length}`);
      },
      payment: (event, verified) => {
        steps.push(`loaded ${verified.notification.order_id} for ${event.key}`);
        return payment();
      },
    });
    assert.equal(result.status, 200);
    assert.deepEqual(steps, [`stored ${BODY.length} bytes as ${FORM}; post-backs so far: 0`, `loaded AT000001 for ${EVENT_KEY}`]);
  });

  test('a failing onReceived is thrown to the host, and nothing else happens', async () => {
    await assert.rejects(notify({ onReceived: async () => Promise.reject(new Error('disk full')) }), /disk full/);
    assert.equal(server.received.length, 0);
  });

  test('a payment loader that finds nothing: payment_not_found, answered 503 so FloCash delivers again', async () => {
    const result = await notify({ payment: () => undefined });
    assert.equal(result.status, 503);
    assert.equal(result.verdict, 'no_payment');
    assert.equal(result.error.code, 'payment_not_found');
    assert.equal(result.outcome, null);
  });

  test('a malformed notification: 422 with the core errors, no post-back', async () => {
    const result = await notify({ body: BODY.replace('amount=23.45', 'amount=23.456') });
    assert.equal(result.status, 422);
    assert.deepEqual(result.headers, [['Content-Type', 'application/json']]);
    assert.equal(JSON.parse(result.body).errors[0].code, 'amount_precision');
    assert.deepEqual(
      { code: result.error.code, field: result.error.field },
      { code: 'amount_precision', field: 'amount' },
    );
    assert.equal(result.notification, null);
    assert.equal(server.received.length, 0);
  });

  test('a wrong content type is refused by the core (422), read from any header spelling', async () => {
    const result = await notify({ headers: [['Content-Type', 'application/json']] });
    assert.equal(result.error.code, 'unsupported_content_type');
    const viaHeaders = await notify({ headers: new Headers({ 'Content-Type': FORM }) });
    assert.equal(viaHeaders.status, 200);
  });

  test('a parsed object instead of the raw body is the host mistake: thrown, not answered', async () => {
    await assert.rejects(notify({ body: { merchant: 'test@merchant.com' } }), (e) => {
      assert.equal(e.code, 'field_invalid');
      assert.equal(e.field, 'body');
      assert.match(e.message, /express\.raw\(\)/);
      return true;
    });
  });

  test('a verified notification contradicting the payment is rejected: 409, payment untouched', async () => {
    const result = await notify({ payment: payment({ amount: { minor: 2346n, currency: 'USD' } }) });
    assert.equal(result.status, 409);
    assert.equal(result.body, 'amount_mismatch');
    assert.equal(result.outcome.outcome, 'rejected');
    assert.equal(result.outcome.error.code, 'amount_mismatch');
  });
});

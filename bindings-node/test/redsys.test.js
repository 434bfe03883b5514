'use strict';
// The Redsys Gateway through the public API: secrets kept out of inspect/JSON, the notification
// handler (HTTP POST and SOAP), and REST operations against a real local HTTP server. Inputs
// are the shared vectors' own (tests/vectors/redsys), so nothing here is re-signed.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const util = require('node:util');
const vpos = require('hostedpay');
const { VECTORS_DIR, loadCases, moneyAsBigint } = require('./support/vectors.js');
const { startReplyServer } = require('./support/reply-server.js');

const { redsys } = vpos;
const cases = (file) => loadCases(path.join(VECTORS_DIR, 'redsys', file)).map((c) => ({ ...c, input: moneyAsBigint(c.input) }));
const handleCases = cases('handle.json');
const restCases = cases('rest.json');
const find = (list, re) => {
  const c = list.find((x) => re.test(x.description));
  assert.ok(c, `no vector matching ${re}`);
  return c.input;
};

const SECRET = 'sq7HjrUOBfKmC576ILgskD5srU870gJ7';
const CONFIG = {
  merchant_code: '999008881',
  terminal: '1',
  secret_key: SECRET,
  checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago',
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('redsys.Gateway', () => {
  test('the secret key never shows: inspect, JSON, keys, errors', () => {
    const g = new redsys.Gateway(CONFIG);
    assert.deepEqual(Object.keys(g), []);
    const shown = util.inspect(g, { depth: 10, showHidden: true });
    assert.ok(!shown.includes(SECRET), shown);
    assert.match(shown, /secret_key: '\*\*\*'/);
    const json = JSON.stringify(g);
    assert.ok(!json.includes(SECRET) && !json.includes('secret_key'), json);
    assert.equal(g.publicConfig.merchant_code, '999008881');
    assert.equal(g.merchantCode, '999008881');
    assert.throws(
      () => new redsys.Gateway({ ...CONFIG, secret_key: 1234567890123456789n }),
      (e) => e.code === 'invalid_config' && e.field === 'secret_key' && !e.message.includes('1234567890123456789'),
    );
    assert.throws(
      () => new redsys.Gateway({ ...CONFIG, secret_key: 'c2hvcnQ=' }),
      (e) => e.code === 'invalid_config' && !e.message.includes('c2hvcnQ'),
    );
  });

  test('checkout takes bigint minor units or a decimal string, never a number', () => {
    const g = new redsys.Gateway(CONFIG);
    const a = g.checkout({ order: '0726qI3H7sZx', amount: { minor: 4999n, currency: 'EUR' } });
    const b = g.checkout({ order: '0726qI3H7sZx', amount: { value: '49.99', currency: 'EUR' } });
    assert.deepEqual(a, b);
    assert.deepEqual(a.fields.map(([n]) => n), ['Ds_SignatureVersion', 'Ds_MerchantParameters', 'Ds_Signature']);
    assert.throws(() => g.checkout({ order: '0726qI3H7sZx', amount: { minor: 4999, currency: 'EUR' } }), { code: 'field_invalid' });
    assert.throws(() => g.checkout({ order: '0726qI3H7sZx', amount: { value: '49.999', currency: 'EUR' } }), { code: 'amount_precision' });
    const html = g.checkoutHtml({ order: '0726qI3H7sZx', amount: { value: '49.99', currency: 'EUR' } }, { autoSubmit: true });
    assert.match(html, /<form[^>]+action="https:\/\/sis-t\.redsys\.es:25443\/sis\/realizarPago"/);
    assert.match(html, /<script/);
  });

  test('notification handles: opaque, inspect shows no secret, a look-alike cannot be verified or applied', () => {
    const input = find(handleCases, /^paid: pending -> paid/);
    const g = new redsys.Gateway(input.config);
    const unverified = g.parseNotification(FORM['content-type'], input.body);
    assert.throws(() => new redsys.UnverifiedNotification());
    assert.equal(unverified.untrusted.format, 'http');
    assert.equal(unverified.rawBody.toString(), input.body);
    const verified = g.verify(unverified);
    assert.match(util.inspect(verified), /RedsysVerifiedNotification/);
    assert.equal(verified.parameters.Ds_Order, verified.notification.order);
    assert.throws(() => g.verify({ untrusted: unverified.untrusted }), { code: 'field_invalid', field: 'notification' });
    assert.throws(() => g.verify(Object.create(redsys.UnverifiedNotification.prototype)), { code: 'field_invalid' });
    assert.throws(() => vpos.transition(input.payment, unverified), { code: 'field_invalid', field: 'verified' });
    assert.throws(() => vpos.transition(input.payment, Object.create(redsys.VerifiedNotification.prototype)), {
      code: 'field_invalid',
    });
    assert.deepEqual(vpos.transition(input.payment, verified), g.transition(input.payment, verified));
  });
});

describe('redsys handleNotification', () => {
  test('HTTP POST: stored first, verified, payment loaded, applied, 200 with an empty body', async () => {
    const input = find(handleCases, /^paid: pending -> paid/);
    const g = new redsys.Gateway(input.config);
    const steps = [];
    const result = await g.handleNotification({
      body: Buffer.from(input.body),
      headers: FORM,
      onReceived: ({ body, contentType }) => steps.push(['received', body.toString(), contentType]),
      payment: (event, verified) => (steps.push(['payment', verified.notification.order, event.key]), input.payment),
    });
    assert.equal(result.status, 200);
    assert.equal(result.body, '');
    assert.equal(result.error, null);
    assert.equal(result.outcome.outcome, 'applied');
    assert.equal(typeof result.outcome.refunded_minor, 'bigint');
    assert.equal(result.event.gateway, 'redsys');
    assert.equal(typeof result.event.amount.minor, 'bigint');
    assert.deepEqual(steps, [
      ['received', input.body, FORM['content-type']],
      ['payment', result.notification.order, result.event.key],
    ]);
  });

  test('bad signature: 403, the payment is never loaded', async () => {
    const input = find(handleCases, /^bad signature/);
    const g = new redsys.Gateway(input.config);
    let loaded = false;
    const result = await g.handleNotification({
      body: input.body,
      headers: FORM,
      payment: () => ((loaded = true), input.payment),
    });
    assert.equal(result.status, 403);
    assert.equal(result.error.code, 'signature_mismatch');
    assert.equal(result.outcome, null);
    assert.equal(loaded, false);
    assert.ok(result.notification, 'the untrusted notification is reported');
  });

  test('SOAP: answered with the signed envelope, OK when applied and KO when rejected', async () => {
    for (const [re, verdict] of [
      [/^SOAP pre-authorisation/, 'OK'],
      [/^SOAP with a mismatched amount/, 'KO'],
    ]) {
      const input = find(handleCases, re);
      const g = new redsys.Gateway(input.config);
      const result = await g.handleNotification({ body: input.body, headers: { 'Content-Type': input.content_type }, payment: input.payment });
      assert.equal(result.status, 200);
      assert.deepEqual(result.headers, [['Content-Type', 'text/xml; charset=utf-8']]);
      assert.ok(result.body.includes(`&lt;Ds_Response_Merchant&gt;${verdict}&lt;/Ds_Response_Merchant&gt;`), result.body);
      const expected = g.soapAnswer(result.notification.order, verdict === 'OK');
      assert.equal(result.body, expected.body);
    }
  });

  test('no stored payment: payment_not_found, answered 503 so Redsys delivers again; other loader failures throw', async () => {
    const input = find(handleCases, /^paid: pending -> paid/);
    const g = new redsys.Gateway(input.config);
    const result = await g.handleNotification({ body: input.body, headers: FORM, payment: async () => null });
    assert.equal(result.status, 503);
    assert.equal(result.body, 'payment_not_found');
    assert.equal(result.error.code, 'payment_not_found');
    assert.equal(result.outcome, null);
    assert.ok(result.event, 'the verified event is reported');
    const thrown = Object.assign(new Error('not yet'), { code: 'payment_not_found', field: null });
    const again = await g.handleNotification({ body: input.body, headers: FORM, payment: () => Promise.reject(thrown) });
    assert.equal(again.status, 503);
    await assert.rejects(
      g.handleNotification({ body: input.body, headers: FORM, payment: () => Promise.reject(new Error('db down')) }),
      /db down/,
    );
  });

  test('a parsed body object is the host mistake: thrown, not answered', async () => {
    const g = new redsys.Gateway(CONFIG);
    await assert.rejects(g.handleNotification({ body: { Ds_Signature: 'x' }, headers: FORM, payment: {} }), {
      code: 'field_invalid',
      field: 'body',
    });
  });
});

describe('redsys REST operations against a local server', () => {
  let server;
  before(async () => {
    server = await startReplyServer();
  });
  after(() => server.stop());
  const config = (input) => ({ ...input.config, rest_url: `${server.baseUrl}/sis/rest/trataPeticionREST` });

  test('a refund is sent as the signed JSON request and its signed reply moves the payment', async () => {
    const reply = find(restCases, /^first partial refund/);
    const g = new redsys.Gateway(config(reply));
    server.answer(reply.reply);
    server.received.length = 0;
    const operation = { kind: 'refund', order: '0726qI3H7sZx', amount: { minor: 1000n, currency: 'EUR' } };
    const verified = await g.operate(operation);
    assert.equal(server.received.length, 1);
    const [sent] = server.received;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.url, '/sis/rest/trataPeticionREST');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.body, g.operationRequest(operation).body);
    assert.equal(verified.notification.format, 'rest');
    assert.equal(verified.event.action, 'refund');
    const outcome = g.transition(reply.payment, verified);
    assert.deepEqual(outcome, { outcome: 'applied', from: 'paid', to: 'partially_refunded', refunded_minor: 1000n, captured_minor: 4999n, released_minor: 0n });
  });

  test('Redsys error answer: gateway_error; HTTP 500: gateway_unavailable; no answer in time: gateway_unavailable', async () => {
    const g = new redsys.Gateway(config(find(restCases, /^REST reply \(trataPeticion\)/)));
    const operation = { kind: 'confirm', order: '1446068581', amount: { value: '1.45', currency: 'EUR' } };
    server.answer(find(restCases, /^Redsys error answer/).reply);
    await assert.rejects(g.operate(operation), { code: 'gateway_error', field: 'errorCode' });
    server.answer({ status: 500, body: 'oops' });
    await assert.rejects(g.operate(operation), { code: 'gateway_unavailable' });
    server.answer('hang');
    await assert.rejects(g.operate(operation, { timeoutMs: 50 }), { code: 'gateway_unavailable' });
  });

  test('an injected fetch function receives the described request', async () => {
    const input = find(restCases, /^REST reply \(trataPeticion\)/);
    const g = new redsys.Gateway(config(input));
    let seen;
    const verified = await g.operate(
      { kind: 'confirm', order: '1446068581', amount: { value: '1.45', currency: 'EUR' } },
      {
        fetch: async (request, { signal }) => {
          seen = request;
          assert.ok(signal instanceof AbortSignal);
          return input.reply;
        },
      },
    );
    assert.equal(seen.url, `${server.baseUrl}/sis/rest/trataPeticionREST`);
    assert.equal(verified.notification.authorisation_code, '501602');
  });
});

'use strict';
// The Elavon Gateway through the public API: secrets, the HPP response handler (plain and
// base64 values), and Remote settle / rebate against a real local HTTP server.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const vpos = require('hostedpay');
const { vectorCases, vectorInput, assertHidden } = require('./support/cases.js');
const { startReplyServer } = require('./support/reply-server.js');

const { elavon } = vpos;
const cases = vectorCases('elavon');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('elavon: the secret and the rebate password never show', () => {
  const config = { ...vectorInput(cases, /^settled: authorized -> paid/).config, rebate_password: 'Reb4te-S3cret' };
  const g = new elavon.Gateway(config);
  const { shown, json } = assertHidden(g, [config.secret, config.rebate_password], 'elavon');
  assert.match(shown, /^elavon\.Gateway .*secret: '\*\*\*'.*rebate_password: '\*\*\*'/s);
  assert.equal(JSON.parse(json).merchant_id, 'thestore');
  assert.throws(
    () => new elavon.Gateway({ ...config, rebate_password: 55555555555555555n }),
    (e) => e.code === 'invalid_config' && e.field === 'rebate_password' && !e.message.includes('55555555555555555'),
  );
  const request = g.remoteRequest({ ...vectorInput(cases, /^settled/).operation, kind: 'rebate' });
  assert.ok(!request.body.includes(`>${config.rebate_password}<`), 'only the SHA-1 of the rebate password is sent');
});

test('elavon: checkout form and hash', () => {
  const input = vectorInput(cases, /^HPP form for X2/);
  const g = new elavon.Gateway(input.config, { validate: false });
  const form = g.checkout(input.order);
  assert.equal(form.fields.find(([n]) => n === 'SHA1HASH')[1], elavon.hash(['20130814122239', 'thestore', 'ORD453-11', '29900', 'EUR'], 'mysecret'));
  assert.throws(() => g.checkout({ ...input.order, amount: { minor: 29900, currency: 'EUR' } }), { code: 'field_invalid' });
});

describe('elavon handleNotification', () => {
  for (const re of [/^real HPP response/, /base64-encoded values/]) {
    test(`${re.source}: stored, verified, applied as authorized, 200`, async () => {
      const input = vectorInput(cases, re);
      const g = new elavon.Gateway(input.config, { validate: false });
      const steps = [];
      const result = await g.handleNotification({
        body: Buffer.from(input.body),
        headers: FORM,
        onReceived: () => steps.push('received'),
        payment: () => (steps.push('payment'), input.payment),
      });
      assert.equal(result.status, 200, JSON.stringify(result.error));
      assert.deepEqual(result.outcome, { outcome: 'applied', from: result.outcome.from, to: 'authorized', refunded_minor: 0n, captured_minor: 0n, released_minor: 0n });
      assert.equal(result.notification.message, 'AUTHCODE=123420');
      assert.deepEqual(steps, ['received', 'payment']);
    });
  }

  test('tampered RESULT: 403, payment never loaded; look-alikes refused', async () => {
    const input = vectorInput(cases, /^tampered RESULT/);
    const g = new elavon.Gateway(input.config, { validate: false });
    let loaded = false;
    const result = await g.handleNotification({ body: input.body, headers: FORM, payment: () => ((loaded = true), input.payment) });
    assert.equal(result.status, 403);
    assert.equal(result.error.code, 'signature_mismatch');
    assert.equal(loaded, false);
    assert.throws(() => vpos.transition(input.payment, Object.create(elavon.VerifiedEvent.prototype)), { code: 'field_invalid' });
    assert.throws(() => vpos.transition(input.payment, { event: {} }), { code: 'field_invalid', field: 'verified' });
  });
});

describe('elavon Remote against a local server', () => {
  let server;
  before(async () => {
    server = await startReplyServer();
  });
  after(() => server.stop());

  test('settle: the XML request arrives as described, the hashed reply moves authorized -> paid', async () => {
    const input = vectorInput(cases, /^settled: authorized -> paid/);
    const g = new elavon.Gateway({ ...input.config, remote_url: `${server.baseUrl}/remote` });
    server.answer({ ...input.reply, contentType: 'application/xml' });
    server.received.length = 0;
    const verified = await g.remote(input.operation);
    assert.equal(server.received.length, 1);
    assert.equal(server.received[0].url, '/remote');
    assert.equal(server.received[0].body, g.remoteRequest(input.operation).body);
    assert.match(util.inspect(verified), /ElavonVerifiedEvent/);
    assert.equal(verified.event.action, 'sale');
    assert.deepEqual(vpos.transition(input.payment, verified), { outcome: 'applied', from: 'authorized', to: 'paid', refunded_minor: 0n, captured_minor: 29900n, released_minor: 0n });
  });

  test('HTTP 503 and no answer in time are gateway_unavailable; a refused settle gateway_error', async () => {
    const input = vectorInput(cases, /^settled: authorized -> paid/);
    const g = new elavon.Gateway({ ...input.config, remote_url: `${server.baseUrl}/remote` });
    server.answer({ status: 503, body: 'busy' });
    await assert.rejects(g.remote(input.operation), { code: 'gateway_unavailable' });
    server.answer('hang');
    await assert.rejects(g.remote(input.operation, { timeoutMs: 50 }), { code: 'gateway_unavailable' });
    const refused = vectorInput(cases, /^a refused settle/);
    server.answer(refused.reply);
    await assert.rejects(g.remote(refused.operation), { code: 'gateway_error', field: 'result' });
  });
});

'use strict';
// The PayPal Gateway through the public API: the IPN handler against a real local HTTP server
// standing in for PayPal's post-back endpoint (VERIFIED, INVALID, 500, timeout).

const { test, describe, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const vpos = require('hostedpay');
const { vectorCases, vectorInput, assertHidden } = require('./support/cases.js');
const { startReplyServer } = require('./support/reply-server.js');

const { paypal } = vpos;
const cases = vectorCases('paypal');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('paypal: inspect and JSON show the public configuration; checkout refuses money as a number', () => {
  const input = vectorInput(cases, /^checkout form: _xclick/);
  const g = new paypal.Gateway(input.config);
  const { shown, json } = assertHidden(g, [], 'paypal');
  assert.match(shown, /^paypal\.Gateway \{\s+business: /);
  assert.equal(JSON.parse(json).business, input.config.business);
  const form = g.checkout(input.order);
  assert.equal(form.fields[0][0], 'cmd');
  assert.throws(() => g.checkout({ ...input.order, amount: { minor: 100, currency: 'JPY' } }), { code: 'field_invalid' });
});

describe('paypal handleNotification with a real post-back server', () => {
  let server;
  let input;
  let g;
  before(async () => {
    server = await startReplyServer();
    input = vectorInput(cases, /^VERIFIED Completed IPN with an invoice/);
    g = new paypal.Gateway({ ...input.config, ipn_url: `${server.baseUrl}/cgi-bin/webscr` });
  });
  after(() => server.stop());
  beforeEach(() => {
    server.received.length = 0;
  });
  const notify = (extra = {}) =>
    g.handleNotification({ body: Buffer.from(input.body), headers: FORM, payment: input.payment, ...extra });

  test('VERIFIED: the post-back echoes the raw body, applied, 200', async () => {
    server.answer({ status: 200, body: 'VERIFIED', contentType: 'text/plain' });
    const steps = [];
    const result = await notify({
      onReceived: () => steps.push('received'),
      payment: () => (steps.push(`payment after ${server.received.length} post-back`), input.payment),
    });
    assert.equal(result.status, 200, JSON.stringify(result.error));
    assert.equal(result.outcome.to, 'paid');
    assert.equal(result.event.gateway, 'paypal');
    assert.deepEqual(steps, ['received', 'payment after 1 post-back']);
    const [postback] = server.received;
    assert.equal(postback.method, 'POST');
    assert.equal(postback.url, '/cgi-bin/webscr');
    assert.equal(postback.body, `cmd=_notify-validate&${input.body}`);
    assert.match(util.inspect(g.parseNotification(FORM['content-type'], input.body)), /PaypalUnverifiedNotification/);
  });

  test('INVALID: 409 INVALID, the payment never loaded', async () => {
    server.answer({ status: 200, body: 'INVALID', contentType: 'text/plain' });
    let loaded = false;
    const result = await notify({ payment: () => ((loaded = true), input.payment) });
    assert.equal(result.status, 409);
    assert.equal(result.body, 'INVALID');
    assert.equal(result.error.code, 'postback_invalid');
    assert.equal(loaded, false);
  });

  test('HTTP 500 and no answer in time: postback_failed, 503 so PayPal retries', async () => {
    server.answer({ status: 500, body: 'oops' });
    let result = await notify();
    assert.equal(result.status, 503);
    assert.equal(result.error.code, 'postback_failed');
    server.answer('hang');
    result = await notify({ timeoutMs: 50 });
    assert.equal(result.status, 503);
    assert.equal(result.error.code, 'postback_failed');
  });

  test('the verbs: a look-alike handle is refused', () => {
    assert.throws(() => g.postbackRequest({}), { code: 'field_invalid', field: 'notification' });
    assert.throws(() => g.verifyPostback(Object.create(paypal.UnverifiedNotification.prototype), { status: 200, body: 'VERIFIED' }), {
      code: 'field_invalid',
    });
    const verified = g.verifyPostback(g.parseNotification(FORM['content-type'], input.body), { status: 200, body: Buffer.from('VERIFIED') });
    assert.equal(vpos.transition(input.payment, verified).outcome, 'applied');
  });
});

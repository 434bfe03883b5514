'use strict';
// The Bitpay Gateway through the public API: the API key kept out of inspect/JSON, invoice
// creation and the notification handler fetching the invoice from a real local HTTP server.

const { test, describe, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const vpos = require('hostedpay');
const { vectorCases, vectorInput, assertHidden } = require('./support/cases.js');
const { startReplyServer } = require('./support/reply-server.js');

const { bitpay } = vpos;
const cases = vectorCases('bitpay');
const JSON_CT = { 'content-type': 'application/json' };

test('bitpay: the API key never shows in inspect, JSON or errors', () => {
  const { config } = vectorInput(cases, /^invoice creation/);
  const g = new bitpay.Gateway(config);
  const { shown, json } = assertHidden(g, [config.api_key], 'bitpay');
  assert.match(shown, /api_key: '\*\*\*'/);
  assert.equal(JSON.parse(json).api_url, config.api_url);
  assert.throws(
    () => new bitpay.Gateway({ ...config, api_key: 424242424242424242n }),
    (e) => e.code === 'invalid_config' && e.field === 'api_key' && !e.message.includes('424242424242424242'),
  );
  assert.equal(bitpay.status('confirmed'), 'succeeded');
});

describe('bitpay against a local API server', () => {
  let server;
  let g;
  let config;
  before(async () => {
    server = await startReplyServer();
    config = { ...vectorInput(cases, /^invoice creation/).config, api_url: '' };
    config.api_url = `${server.baseUrl}/api/invoice`;
    g = new bitpay.Gateway(config);
  });
  after(() => server.stop());
  beforeEach(() => {
    server.received.length = 0;
  });

  test('createInvoice: POSTs the exact price with Basic auth; the reply gives the invoice and the buyer form', async () => {
    const input = vectorInput(cases, /^invoice creation/);
    const reply = vectorInput(cases, /^invoice reply from Bitpay's manual/).reply;
    server.answer(reply);
    const { invoice, form } = await g.createInvoice(input.request);
    const [sent] = server.received;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.url, '/api/invoice');
    assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`${config.api_key}:`).toString('base64')}`);
    assert.equal(sent.body, g.invoiceRequest(input.request).body);
    assert.deepEqual(invoice.price, { minor: 500n, currency: 'EUR', value: '5.00' });
    assert.deepEqual(form.fields, [['id', invoice.id]]);
    server.answer({ status: 500, body: '' });
    await assert.rejects(g.createInvoice(input.request), { code: 'gateway_unavailable' });
  });

  test('handleNotification: the invoice is fetched from Bitpay, its status (not the claim) is applied', async () => {
    const input = vectorInput(cases, /^notification says confirmed, Bitpay confirms: paid/);
    server.answer(input.reply);
    const steps = [];
    const result = await g.handleNotification({
      body: Buffer.from(input.body),
      headers: JSON_CT,
      onReceived: () => steps.push('received'),
      payment: () => (steps.push(`payment after ${server.received.length} fetch`), input.payment),
    });
    assert.equal(result.status, 200, JSON.stringify(result.error));
    assert.deepEqual(result.outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 500n, released_minor: 0n });
    assert.deepEqual(steps, ['received', 'payment after 1 fetch']);
    const [fetched] = server.received;
    assert.equal(fetched.method, 'GET');
    assert.equal(fetched.url, `/api/invoice/${result.notification.claimed.id}`);
    assert.match(fetched.headers.authorization, /^Basic /);
    assert.ok(!util.inspect(result, { depth: 10 }).includes(config.api_key), 'the result carries no API key');
  });

  test('a forged "complete" notification changes nothing: Bitpay says new', async () => {
    const input = vectorInput(cases, /^a forged 'complete' notification/);
    server.answer(input.reply);
    const result = await g.handleNotification({ body: input.body, headers: JSON_CT, payment: input.payment });
    assert.equal(result.outcome.outcome, 'ignored');
    assert.equal(result.event.status, 'pending');
  });

  test('fetch failed or timed out: gateway_unavailable, 503 so Bitpay retries; the payment never loaded', async () => {
    const input = vectorInput(cases, /^notification says confirmed/);
    let loaded = false;
    const payment = () => ((loaded = true), input.payment);
    server.answer({ status: 500, body: 'oops' });
    let result = await g.handleNotification({ body: input.body, headers: JSON_CT, payment });
    assert.equal(result.status, 503);
    assert.equal(result.error.code, 'gateway_unavailable');
    server.answer('hang');
    result = await g.handleNotification({ body: input.body, headers: JSON_CT, payment, timeoutMs: 50 });
    assert.equal(result.status, 503);
    assert.equal(loaded, false);
  });

  test('the verbs refuse look-alike handles', () => {
    const input = vectorInput(cases, /^notification says confirmed/);
    assert.throws(() => g.invoiceStatusRequest({}), { code: 'field_invalid', field: 'notification' });
    const unverified = g.parseNotification('application/json', input.body);
    assert.throws(() => vpos.transition(input.payment, unverified), { code: 'field_invalid', field: 'verified' });
    const verified = g.verifyInvoice(unverified, input.reply);
    assert.equal(g.transition(input.payment, verified).outcome, 'applied');
  });
});

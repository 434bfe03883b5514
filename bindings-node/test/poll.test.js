'use strict';
// FloCash Merchant Polling through the public API: the SOAP requests, a parsed reply whose
// events drive `transition`, typed failures, and no credential in what a log would show.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const vpos = require('hostedpay');

const { flocash } = vpos;
const NS = 'http://merchant.api.flocash.example/';
const pollConfig = { api_username: 'shop-api', api_password: 's3cret-pw', namespace: NS, success_codes: ['0000'] };
const gateway = new flocash.Gateway({
  merchant: 'sales@demoshop.com',
  merchant_name: 'Demo Shop',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: 'https://fcms.flocash.com',
  notification_token: 'test-test-test',
});

const reply = (header, payments = '') => ({
  status: 200,
  body:
    '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns:pollPayInbyTimeResponse xmlns:ns="' +
    NS +
    `"><return>${header}<Payments>${payments}</Payments></return></ns:pollPayInbyTimeResponse></S:Body></S:Envelope>`,
});
const ok = '<Header><statusCode>0000</statusCode><statusMsg>Success</statusMsg></Header>';
const payment = (amount = '23.45', status = '0') =>
  '<Payment><transid>9001</transid><trace_number>T1</trace_number><postDate>2026-11-25T10:00:00Z</postDate>' +
  `<currency_code>USD</currency_code><amount>${amount}</amount><status>${status}</status>` +
  '<sender><account>sales@demoshop.com</account></sender><order_id>AT000001</order_id></Payment>';
const pending = {
  gateway: 'flocash',
  merchant: 'sales@demoshop.com',
  order_id: 'AT000001',
  amount: { value: '23.45', currency: 'USD' },
  status: 'pending',
};

test('pollByReferenceRequest builds the SOAP 1.1 pollPayInbyRef envelope', () => {
  const request = gateway.pollByReferenceRequest(pollConfig, 'T111394972087797');
  assert.equal(request.method, 'POST');
  assert.equal(request.url, 'http://api.flocash.com:8080/FloCMS/services/APIMerchantService');
  assert.deepEqual(request.headers, [
    ['Content-Type', 'text/xml; charset=utf-8'],
    ['SOAPAction', '""'],
  ]);
  assert.ok(request.body.includes(`<pollPayInbyRef xmlns="${NS}"><Auth><MerchantCode></MerchantCode><APIUsername>shop-api</APIUsername>`));
  assert.ok(request.body.includes('<PayInbyRef><trace_number>T111394972087797</trace_number></PayInbyRef>'));
});

test('pollByTimeRequest takes Dates (UTC) or xsd:dateTime text', () => {
  const request = gateway.pollByTimeRequest(pollConfig, new Date(Date.UTC(2026, 10, 25)), '2026-11-26T00:00:00Z');
  assert.ok(request.body.includes('<fromTime>2026-11-25T00:00:00Z</fromTime><toTime>2026-11-26T00:00:00Z</toTime>'), request.body);
  assert.throws(() => gateway.pollByTimeRequest(pollConfig, '2026-11-26T00:00:00Z', '2026-11-25T00:00:00Z'), {
    code: 'field_invalid',
    field: 'toTime',
  });
});

test('a polled success moves a pending payment to paid, once', () => {
  const polled = gateway.parsePollResponse(pollConfig, reply(ok, payment()));
  assert.equal(polled.status_code, '0000');
  assert.equal(polled.payments[0].amount.value, '23.45');
  const [event] = polled.events;
  assert.equal(event.event.key, 'flocash:poll:9001:0000');
  assert.match(util.inspect(event), /FlocashPolledEvent/);
  const outcome = vpos.transition(pending, event);
  assert.equal(outcome.outcome, 'applied');
  assert.equal(outcome.to, 'paid');
  assert.equal(vpos.transition({ ...pending, status: 'paid' }, event).reason, 'already_in_status');
  assert.equal(vpos.transition({ ...pending, applied_event_keys: [event.event.key] }, event).outcome, 'already_applied');
});

test('a look-alike event object is refused by transition', () => {
  const polled = gateway.parsePollResponse(pollConfig, reply(ok, payment()));
  assert.throws(() => vpos.transition(pending, { ...polled.events[0] }), { code: 'field_invalid' });
});

test('error header, SOAP fault, no answer, hostile XML and over-precise amounts are typed errors', () => {
  assert.throws(() => gateway.parsePollResponse(pollConfig, reply('<Header><statusCode>1001</statusCode><statusMsg>bad</statusMsg></Header>')), {
    code: 'gateway_error',
    field: 'statusCode',
  });
  const fault = {
    status: 500,
    body: '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault><faultcode>e:Server</faultcode><faultstring>no</faultstring></e:Fault></e:Body></e:Envelope>',
  };
  assert.throws(() => gateway.parsePollResponse(pollConfig, fault), { code: 'gateway_error' });
  assert.throws(() => gateway.parsePollResponse(pollConfig, { error: 'ECONNREFUSED' }), { code: 'gateway_unavailable' });
  const bomb = { status: 200, body: '<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>' };
  assert.throws(() => gateway.parsePollResponse(pollConfig, bomb), { code: 'field_invalid', field: 'reply' });
  assert.throws(() => gateway.parsePollResponse(pollConfig, reply(ok, payment('23.455'))), { code: 'amount_precision' });
});

test('the polling config is refused without a namespace, and the password stays out of errors', () => {
  const { namespace, ...noNamespace } = pollConfig;
  assert.throws(() => gateway.pollByReferenceRequest(noNamespace, 'T1'), (err) => {
    assert.equal(err.code, 'invalid_config');
    assert.ok(!String(err.message).includes('s3cret'));
    return true;
  });
});

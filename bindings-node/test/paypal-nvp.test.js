'use strict';
// PayPal Express Checkout (NVP) through the public API: the four calls sent with `fetch` to a
// real local HTTP server standing in for PayPal's NVP endpoint, replies read into handles whose
// events move a payment, typed errors, and the credentials kept out of inspect and JSON.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const vpos = require('hostedpay');
const { assertHidden } = require('./support/cases.js');
const { startReplyServer } = require('./support/reply-server.js');

const { paypal } = vpos;

const config = (apiUrl) => ({
  business: 'shop@example.com',
  checkout_url: 'https://www.sandbox.paypal.com/cgi-bin/webscr',
  ipn_url: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
  nvp: { user: 'api_user', password: 'pw-SECRET', signature: 'sig-SECRET', api_url: apiUrl },
});
const SANDBOX = 'https://api-3t.sandbox.paypal.com/nvp';
const ORDER = {
  invoice: 'A-1',
  amount: { value: '15.00', currency: 'EUR' },
  description: 'Tea',
  return_url: 'https://shop.example/paypal/return',
  cancel_url: 'https://shop.example/cart',
};
const PAYMENT = {
  gateway: 'paypal',
  merchant: 'shop@example.com',
  order_id: 'A-1',
  amount: { value: '15.00', currency: 'EUR' },
  status: 'new',
};
const PAID =
  'TOKEN=EC%2d8A1&ACK=Success&VERSION=124%2e0&PAYMENTINFO_0_TRANSACTIONID=8SC56973LM923823H' +
  '&PAYMENTINFO_0_AMT=15%2e00&PAYMENTINFO_0_CURRENCYCODE=EUR&PAYMENTINFO_0_PAYMENTSTATUS=Completed';
const REFUNDED =
  'REFUNDTRANSACTIONID=9E679139T5135712L&GROSSREFUNDAMT=5%2e00&CURRENCYCODE=EUR&REFUNDSTATUS=Instant&ACK=Success';

const pairs = (request) => [...new URLSearchParams(request.body)];
const CREDENTIALS = [
  ['USER', 'api_user'],
  ['PWD', 'pw-SECRET'],
  ['SIGNATURE', 'sig-SECRET'],
];

test('paypal nvp: setExpressCheckoutRequest is the exact form POST; amounts follow the currency', () => {
  const g = new paypal.Gateway(config(SANDBOX));
  const r = g.setExpressCheckoutRequest(ORDER);
  assert.equal(r.method, 'POST');
  assert.equal(r.url, SANDBOX);
  assert.deepEqual(r.headers, [['Content-Type', 'application/x-www-form-urlencoded']]);
  assert.deepEqual(pairs(r), [
    ['METHOD', 'SetExpressCheckout'],
    ['VERSION', '124.0'],
    ...CREDENTIALS,
    ['PAYMENTREQUEST_0_PAYMENTACTION', 'Sale'],
    ['PAYMENTREQUEST_0_AMT', '15.00'],
    ['PAYMENTREQUEST_0_CURRENCYCODE', 'EUR'],
    ['PAYMENTREQUEST_0_INVNUM', 'A-1'],
    ['L_PAYMENTREQUEST_0_NAME0', 'Tea'],
    ['L_PAYMENTREQUEST_0_AMT0', '15.00'],
    ['L_PAYMENTREQUEST_0_QTY0', '1'],
    ['RETURNURL', 'https://shop.example/paypal/return'],
    ['CANCELURL', 'https://shop.example/cart'],
  ]);
  const yen = new URLSearchParams(g.setExpressCheckoutRequest({ ...ORDER, amount: { minor: 1500n, currency: 'JPY' } }).body);
  assert.equal(yen.get('PAYMENTREQUEST_0_AMT'), '1500');
  assert.throws(() => g.setExpressCheckoutRequest({ ...ORDER, amount: { minor: 1500, currency: 'EUR' } }), {
    code: 'field_invalid',
  });
  assert.throws(() => g.setExpressCheckoutRequest({ ...ORDER, amount: { value: '15.001', currency: 'EUR' } }), {
    code: 'amount_precision',
  });
  assert.throws(() => g.setExpressCheckoutRequest({ ...ORDER, return_url: '' }), { code: 'field_missing', field: 'RETURNURL' });
  const noNvp = new paypal.Gateway({ ...config(SANDBOX), nvp: undefined });
  assert.throws(() => noNvp.setExpressCheckoutRequest(ORDER), { code: 'invalid_config', field: 'nvp' });
});

test('paypal nvp: the other three calls and the buyer redirect', () => {
  const g = new paypal.Gateway(config('https://api-3t.paypal.com/nvp'));
  const details = g.getExpressCheckoutDetailsRequest('EC-8A1');
  assert.equal(details.url, 'https://api-3t.paypal.com/nvp');
  assert.deepEqual(pairs(details), [['METHOD', 'GetExpressCheckoutDetails'], ['VERSION', '124.0'], ...CREDENTIALS, ['TOKEN', 'EC-8A1']]);
  assert.deepEqual(pairs(g.doExpressCheckoutPaymentRequest('EC-8A1', 'QX6DUJNYFAE2N', ORDER)).slice(5), [
    ['TOKEN', 'EC-8A1'],
    ['PAYERID', 'QX6DUJNYFAE2N'],
    ['PAYMENTREQUEST_0_PAYMENTACTION', 'Sale'],
    ['PAYMENTREQUEST_0_AMT', '15.00'],
    ['PAYMENTREQUEST_0_CURRENCYCODE', 'EUR'],
    ['PAYMENTREQUEST_0_INVNUM', 'A-1'],
  ]);
  assert.deepEqual(pairs(g.refundTransactionRequest('8SC56973LM923823H')).slice(4), [
    ['SIGNATURE', 'sig-SECRET'],
    ['TRANSACTIONID', '8SC56973LM923823H'],
    ['REFUNDTYPE', 'Full'],
  ]);
  assert.deepEqual(pairs(g.refundTransactionRequest('8SC56973LM923823H', { value: '5.5', currency: 'EUR' })).slice(6), [
    ['REFUNDTYPE', 'Partial'],
    ['AMT', '5.50'],
    ['CURRENCYCODE', 'EUR'],
  ]);
  assert.deepEqual(g.expressCheckoutRedirect('EC-8A1'), {
    action: 'https://www.sandbox.paypal.com/cgi-bin/webscr',
    method: 'GET',
    fields: [
      ['cmd', '_express-checkout'],
      ['token', 'EC-8A1'],
    ],
  });
  assert.throws(() => g.getExpressCheckoutDetailsRequest(''), { code: 'field_missing', field: 'TOKEN' });
  assert.throws(() => g.getExpressCheckoutDetailsRequest(42), { code: 'field_invalid', field: 'TOKEN' });
  assert.throws(() => g.doExpressCheckoutPaymentRequest('EC-8A1', '', ORDER), { code: 'field_missing', field: 'PAYERID' });
  // `field` is the path inside the value the core read (vpos_core::json::from_value): null
  // when the argument itself is the amount.
  assert.throws(() => g.refundTransactionRequest('T', { value: '5.001', currency: 'EUR' }), {
    code: 'amount_precision',
    field: null,
  });
  assert.throws(() => g.refundTransactionRequest('T', { minor: 0n, currency: 'EUR' }), { code: 'field_invalid', field: 'AMT' });
});

test('paypal nvp: replies, failures with PayPal error codes, and hostile bodies', () => {
  const g = new paypal.Gateway(config(SANDBOX));
  const ok = g.parseNvpResponse({ status: 200, body: Buffer.from('TOKEN=EC%2d8A1&ACK=Success') });
  assert.ok(ok instanceof paypal.NvpReply);
  assert.equal(ok.ack, 'Success');
  assert.equal(ok.token(), 'EC-8A1');
  assert.equal(ok.get('ACK'), 'Success');
  assert.equal(ok.get('MISSING'), null);
  assert.deepEqual(JSON.parse(JSON.stringify(ok)), { ack: 'Success', fields: [['TOKEN', 'EC-8A1'], ['ACK', 'Success']] });
  assert.equal(g.parseNvpResponse({ status: 200, body: 'ACK=SuccessWithWarning' }).ack, 'SuccessWithWarning');
  assert.throws(() => g.parseNvpResponse({ status: 200, body: 'ACK=SuccessWithWarning' }).token(), {
    code: 'field_missing',
    field: 'TOKEN',
  });
  const failure =
    'ACK=Failure&L_ERRORCODE0=15005&L_SHORTMESSAGE0=Processor%20Decline&L_LONGMESSAGE0=This%20transaction%20cannot%20be%20processed%2e';
  assert.throws(
    () => g.parseNvpResponse({ status: 200, body: failure }),
    (e) => vpos.isVposError(e) && e.code === 'gateway_error' && e.field === 'ACK' && /15005/.test(e.message),
  );
  for (const [reply, code] of [
    [{ status: 500, body: 'oops' }, 'gateway_unavailable'],
    [{ error: 'timed out' }, 'gateway_unavailable'],
    [{ status: 200, body: 'TOKEN=EC-1' }, 'field_missing'],
    [{ status: 200, body: 'ACK=Success&TOKEN=EC%2' }, 'invalid_encoding'],
    [{ status: 200, body: 'ACK=Success&ACK=Failure' }, 'duplicate_field'],
  ]) {
    assert.throws(() => g.parseNvpResponse(reply), { code }, JSON.stringify(reply));
  }
});

test('paypal nvp: events drive transition; a look-alike reply or event is refused', () => {
  const g = new paypal.Gateway(config(SANDBOX));
  const paid = g.paymentEvent('A-1', g.parseNvpResponse({ status: 200, body: PAID }));
  assert.ok(paid instanceof paypal.VerifiedEvent);
  assert.deepEqual(paid.event, {
    gateway: 'paypal',
    key: 'paypal:8SC56973LM923823H:Completed',
    merchant: 'shop@example.com',
    order_id: 'A-1',
    transaction_id: '8SC56973LM923823H',
    amount: { minor: 1500n, currency: 'EUR', value: '15.00' },
    action: 'sale',
    status: 'succeeded',
    status_code: 'Completed',
  });
  assert.deepEqual(vpos.transition(PAYMENT, paid), { outcome: 'applied', from: 'new', to: 'paid', refunded_minor: 0n, captured_minor: 1500n, released_minor: 0n });
  const refund = g.refundEvent('A-1', g.parseNvpResponse({ status: 200, body: REFUNDED }));
  assert.deepEqual(g.transition({ ...PAYMENT, status: 'paid' }, refund), {
    outcome: 'applied',
    from: 'paid',
    to: 'partially_refunded',
    refunded_minor: 500n,
    captured_minor: 1500n,
    released_minor: 0n,
  });
  const pending = g.paymentEvent('A-1', g.parseNvpResponse({ status: 200, body: PAID.replace('Completed', 'Pending') }));
  assert.equal(pending.event.status, 'pending');
  assert.match(util.inspect(pending), /^PaypalVerifiedEvent \{/);
  assert.throws(() => g.paymentEvent('A-1', { ack: 'Success', fields: [] }), { code: 'field_invalid', field: 'reply' });
  assert.throws(() => g.paymentEvent('A-1', Object.create(paypal.NvpReply.prototype)), { code: 'field_invalid', field: 'reply' });
  assert.throws(() => vpos.transition(PAYMENT, { event: paid.event }), { code: 'field_invalid', field: 'verified' });
  assert.throws(() => g.paymentEvent('A-1', g.parseNvpResponse({ status: 200, body: 'ACK=Success' })), {
    code: 'field_missing',
    field: 'PAYMENTINFO_0_PAYMENTSTATUS',
  });
});

test('paypal nvp: the NVP password and signature never show in inspect, JSON or errors', () => {
  const g = new paypal.Gateway(config(SANDBOX));
  const { json } = assertHidden(g, ['pw-SECRET', 'sig-SECRET'], 'paypal');
  // The core's public view (Config::public) leaves the secret keys out altogether.
  assert.deepEqual(JSON.parse(json).nvp, { api_url: SANDBOX, user: 'api_user' });
  assert.throws(
    () => new paypal.Gateway({ ...config(SANDBOX), nvp: { ...config(SANDBOX).nvp, password: 987654 } }),
    (e) => e.code === 'invalid_config' && !e.message.includes('987654'),
  );
  const reply = g.parseNvpResponse({ status: 200, body: `${g.refundTransactionRequest('T').body}&ACK=Success` });
  assert.ok(!util.inspect(reply).includes('SECRET'));
});

describe('paypal nvp: the whole Express Checkout over HTTP to a stand-in NVP endpoint', () => {
  let server;
  before(async () => {
    server = await startReplyServer();
  });
  after(() => server.stop());

  async function send(request) {
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  test('set, redirect, details, pay, refund; a 500 is gateway_unavailable', async () => {
    const g = new paypal.Gateway(config(`${server.baseUrl}/nvp`));
    server.answer({ status: 200, body: 'TOKEN=EC%2d8A1&ACK=Success', contentType: 'text/plain' });
    const set = g.parseNvpResponse(await send(g.setExpressCheckoutRequest(ORDER)));
    const form = g.expressCheckoutRedirect(set.token());
    assert.deepEqual(form.fields[1], ['token', 'EC-8A1']);
    server.answer({ status: 200, body: 'TOKEN=EC%2d8A1&PAYERID=QX6DUJNYFAE2N&ACK=Success', contentType: 'text/plain' });
    const details = g.parseNvpResponse(await send(g.getExpressCheckoutDetailsRequest(set.token())));
    server.answer({ status: 200, body: PAID, contentType: 'text/plain' });
    const paid = g.parseNvpResponse(await send(g.doExpressCheckoutPaymentRequest(set.token(), details.get('PAYERID'), ORDER)));
    assert.equal(g.transition(PAYMENT, g.paymentEvent('A-1', paid)).to, 'paid');
    server.answer({ status: 200, body: REFUNDED, contentType: 'text/plain' });
    const txn = paid.get('PAYMENTINFO_0_TRANSACTIONID');
    const refunded = g.parseNvpResponse(await send(g.refundTransactionRequest(txn, { value: '5.00', currency: 'EUR' })));
    assert.equal(g.refundEvent('A-1', refunded).event.amount.minor, 500n);
    // What PayPal's endpoint received: four form POSTs naming their METHOD, credentials included.
    assert.deepEqual(
      server.received.map((r) => [r.method, r.url, r.headers['content-type'], new URLSearchParams(r.body).get('METHOD')]),
      [
        ['POST', '/nvp', 'application/x-www-form-urlencoded', 'SetExpressCheckout'],
        ['POST', '/nvp', 'application/x-www-form-urlencoded', 'GetExpressCheckoutDetails'],
        ['POST', '/nvp', 'application/x-www-form-urlencoded', 'DoExpressCheckoutPayment'],
        ['POST', '/nvp', 'application/x-www-form-urlencoded', 'RefundTransaction'],
      ],
    );
    assert.equal(new URLSearchParams(server.received[3].body).get('PWD'), 'pw-SECRET');
    server.answer({ status: 500, body: 'Internal Server Error', contentType: 'text/plain' });
    await assert.rejects(async () => g.parseNvpResponse(await send(g.getExpressCheckoutDetailsRequest('EC-8A1'))), {
      code: 'gateway_unavailable',
    });
  });
});

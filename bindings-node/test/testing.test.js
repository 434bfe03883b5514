'use strict';
// hostedpay/testing: a shop's own test, with only the package and its testing export, takes
// every gateway's notification to `paid` through the one notification path; the fake gateway's
// other modes leave the payment untouched with the answer that makes the gateway retry; a Redsys
// refund is answered by the fake gateway. Known-good values: the public test keys and the
// vectors' configurations.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const hostedpay = require('hostedpay');
const testing = require('hostedpay/testing');

const K_TEST = 'sq7HjrUOBfKmC576ILgskD5srU870gJ7';
const ACCOUNTS = {
  flocash: { gateway: 'flocash', merchant: 'shop@example.com', merchant_name: 'Shop', checkout_url: 'https://sandbox.flocash.com/ecom/ecommerce.do', base_url: 'https://sandbox.flocash.com', notification_token: 'a-long-random-notification-token' },
  redsys: { gateway: 'redsys', merchant_code: '999008881', terminal: '1', secret_key: K_TEST, checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago', rest_url: 'https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST' },
  ceca: { gateway: 'ceca', merchant_id: '111950028', acquirer_bin: '0000554052', terminal_id: '00000003', key: '99888888', checkout_url: 'https://tpv.ceca.es/tpvweb/tpv/compra.action', url_ok: 'https://shop.example/ok/', url_nok: 'https://shop.example/ko/' },
  elavon: { gateway: 'elavon', merchant_id: 'thestore', account: 'internet', secret: 'shared-secret', checkout_url: 'https://hpp.prueba.santanderelavontpvvirtual.es/pay', auto_settle: true },
  paypal: { gateway: 'paypal', business: 'shop@example.com', checkout_url: 'https://www.sandbox.paypal.com/cgi-bin/webscr', ipn_url: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr' },
  bitpay: { gateway: 'bitpay', api_key: 'bitpay-test-key', api_url: 'https://test.bitpay.com/api/invoice', invoice_url: 'https://test.bitpay.com/invoice' },
};
const merchantOf = (config) => config.public().merchant_code ?? config.public().merchant_id ?? config.public().merchant ?? config.public().business ?? '';

async function notify(config, mode, status = 'paid') {
  const gateway = testing.gateway(config, { mode });
  const amount = { value: '10.00', currency: 'EUR' };
  const sent = gateway.notification({ order_id: '2612ABCD0001', amount, status });
  const payment = { gateway: config.gateway, merchant: merchantOf(config), order_id: '2612ABCD0001', amount, status: 'pending' };
  const result = await hostedpay.handleNotification(config, sent.request, { payment, fetch: gateway.fetch });
  return { result, gateway };
}

for (const [name, account] of Object.entries(ACCOUNTS)) {
  test(`${name}: a test notification reaches paid through handleNotification`, async () => {
    const config = new hostedpay.Config(account);
    const { result } = await notify(config, 'verified');
    assert.equal(result.verdict, 'applied', JSON.stringify(result.error));
    assert.deepEqual([result.outcome.from, result.outcome.to], ['pending', 'paid']);
    assert.equal(result.status, 200);
  });
}

for (const name of ['flocash', 'paypal', 'bitpay']) {
  test(`${name}: the fake gateway's invalid, timeout and 500 leave the payment untouched`, async () => {
    const config = new hostedpay.Config(ACCOUNTS[name]);
    for (const mode of ['invalid', 'timeout', 'server_error']) {
      const { result, gateway } = await notify(config, mode);
      assert.equal(result.outcome, null, `${mode}: ${JSON.stringify(result.outcome)}`);
      assert.notEqual(result.status, 200, mode);
      assert.equal(gateway.requests.length, 1, mode);
    }
  });
}

test('a test notification for another key does not verify (signature_mismatch)', async () => {
  const config = new hostedpay.Config(ACCOUNTS.redsys);
  const other = new hostedpay.Config({ ...ACCOUNTS.redsys, secret_key: 'Mk9m98IfEblmPfrpsawt7BmxObt98Jev' });
  const sent = testing.notification(other, { order_id: '2612ABCD0001', amount: { value: '10.00', currency: 'EUR' } });
  const payment = { gateway: 'redsys', merchant: '999008881', order_id: '2612ABCD0001', amount: { value: '10.00', currency: 'EUR' }, status: 'pending' };
  const result = await hostedpay.handleNotification(config, sent.request, { payment });
  assert.deepEqual([result.status, result.error.code], [403, 'signature_mismatch']);
  assert.ok(!result.error.message.includes(K_TEST));
});

test('a Redsys refund answered by the fake gateway, and refused or lost', async () => {
  const config = new hostedpay.Config(ACCOUNTS.redsys);
  const operation = { kind: 'refund', order_id: '2612ABCD0001', amount: { value: '4.00', currency: 'EUR' } };
  const reply = await hostedpay.operate(config, operation, { fetch: testing.gateway(config).fetch });
  assert.equal(reply.event.order_id, '2612ABCD0001');
  assert.equal(reply.event.amount.minor, 400n);
  const lost = await hostedpay.operate(config, operation, { fetch: testing.gateway(config, { mode: 'timeout' }).fetch }).catch((e) => e);
  assert.equal(lost.code, 'gateway_unavailable');
  assert.throws(() => testing.gateway(config, { mode: 'maybe' }), TypeError);
});

test('the ES module entry is the same object', async () => {
  const esm = await import('hostedpay/testing');
  assert.equal(esm.gateway, testing.gateway);
  assert.deepEqual([...esm.MODES], ['verified', 'invalid', 'timeout', 'server_error']);
});

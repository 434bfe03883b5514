// One JS API: the same assertions against every package that exposes the vpos core to
// JavaScript with the driver (the Node addon `hostedpay`, the wasm edge module `hostedpay-web/edge`).
// Each package runs it from a two-line loader in its own test folder:
//
//   bindings-node/test/api.shared.test.js   (make node-test)
//   bindings-wasm/test/api.shared.test.mjs  (make wasm-test)
//
// `run(t, vpos)` registers the cases as subtests of `t` (node:test). Inputs are the shared
// vectors' (tests/vectors), so nothing here is signed by hand.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { surface } from './surface.mjs';

const vectors = (area, file) =>
  JSON.parse(readFileSync(new URL(`../vectors/${area}/${file}`, import.meta.url), 'utf8')).cases;
const find = (cases, re) => {
  const c = cases.find((x) => re.test(x.description));
  assert.ok(c, `no vector matching ${re}`);
  return c.input;
};
const withMinor = (payment) => ({
  ...payment,
  amount: payment.amount.minor === undefined ? payment.amount : { ...payment.amount, minor: BigInt(payment.amount.minor) },
});

const REDSYS = find(vectors('redsys', 'handle.json'), /^paid: pending -> paid/);
const FORM = 'application/x-www-form-urlencoded';
const FLOCASH = {
  gateway: 'flocash',
  merchant: 'test@merchant.com',
  merchant_name: 'test name',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: 'https://flocash.example.com',
  notification_token: 'test-test-test',
};
const FLOCASH_BODY =
  'merchant=test%40merchant.com&order_id=AT000001&amount=23.45&item_name=Call+Credit' +
  '&item_price=23.45&currency_code=USD&quantity=1&trans_id=T1001&fpn_id=F2001&status=0000' +
  '&status_msg=Payment+is+successful.&payment_channel=Mobile';
const FLOCASH_PAYMENT = {
  gateway: 'flocash',
  merchant: 'test@merchant.com',
  order_id: 'AT000001',
  amount: { value: '23.45', currency: 'USD' },
  status: 'pending',
};
const PAYPAL = {
  gateway: 'paypal',
  business: 'shop@example.com',
  checkout_url: 'https://www.sandbox.paypal.com/cgi-bin/webscr',
  ipn_url: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
  nvp: { user: 'api-user', password: 'LEAK-pw-1234', signature: 'LEAK-sig-5678', api_url: 'https://api-3t.sandbox.paypal.com/nvp' },
};
const redsysConfig = () => ({ gateway: 'redsys', ...REDSYS.config, rest_url: 'https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST' });

/** The error `fn` throws (fails when it returns). */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

/** The names both packages export, with what each must be. */
const NAMES = {
  Config: 'function',
  parseNotification: 'function',
  prove: 'function',
  acknowledge: 'function',
  reject: 'function',
  rejectUnread: 'function',
  unknownAccount: 'function',
  paymentNotFound: 'function',
  handleNotification: 'function',
  transition: 'function',
  gateways: 'function',
  secretKeys: 'function',
  maxBodyBytes: 'function',
  allowedOperations: 'function',
  supportedOperations: 'function',
  checkOperation: 'function',
  operationRequest: 'function',
  parseOperationReply: 'function',
  orderForPayment: 'function',
  checkout: 'function',
  parseCheckoutReply: 'function',
  newOrderId: 'function',
  StatusEvent: 'function',
  supportsStatusQuery: 'function',
  statusQueryRequest: 'function',
  parseStatusReply: 'function',
  statusQuery: 'function',
  operationKey: 'function',
  supportsIdempotencyKey: 'function',
  retryAfter: 'function',
  paymentAmounts: 'function',
  operationStatus: 'object',
  errorCodes: 'function',
  money: 'object',
};

const SURFACE = JSON.parse(readFileSync(new URL('./surface.json', import.meta.url), 'utf8'));

export async function run(t, vpos) {
  await t.test('the same surface: every export, namespace, class, method and getter (tests/js/surface.json)', () => {
    const actual = surface(vpos);
    const extra = actual.filter((line) => !SURFACE.includes(line));
    const missing = SURFACE.filter((line) => !actual.includes(line));
    assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
  });

  await t.test('gateway classes: validated construction, getters, plain events read once, look-alikes refused', () => {
    const short = { ...REDSYS.config, secret_key: 'c2hvcnQ=' };
    const bad = thrown(() => new vpos.redsys.Gateway(short));
    assert.deepEqual([bad.name, bad.code, bad.field], ['VposError', 'invalid_config', 'secret_key']);
    assert.ok(vpos.isVposError(bad));
    assert.equal(new vpos.redsys.Gateway(short, { validate: false }).merchantCode, REDSYS.config.merchant_code);

    const gateway = new vpos.redsys.Gateway(REDSYS.config);
    assert.equal(gateway.config, gateway.config, 'the driver Config is made once');
    assert.equal(gateway.config.gateway, 'redsys');
    assert.equal(gateway.publicConfig.secret_key, undefined);
    assert.ok(!JSON.stringify(gateway).includes(REDSYS.config.secret_key));
    const unverified = gateway.parseNotification(FORM, REDSYS.body);
    assert.equal(unverified.untrusted.order, '0726qI3H7sZx');
    assert.ok(unverified.rawBody instanceof Uint8Array);
    const verified = gateway.verify(unverified);
    assert.equal(verified.event, verified.event, 'read once, cached');
    assert.equal(verified.event.key, 'redsys:999008881:1:0726qI3H7sZx:0:0000:4999:052029');
    assert.equal(verified.event.amount.minor, 4999n);
    assert.equal(verified.notification.order, '0726qI3H7sZx');
    assert.equal(verified.parameters.Ds_Order, '0726qI3H7sZx');
    const payment = withMinor(REDSYS.payment);
    const outcome = gateway.transition(payment, verified);
    assert.deepEqual(outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 4999n, released_minor: 0n });
    assert.deepEqual(vpos.transition(payment, verified), outcome);
    assert.equal(gateway.acknowledge(verified, outcome).status, 200);
    const lookAlikes = [verified.event, { ...verified }, Object.create(Object.getPrototypeOf(verified)), unverified, gateway];
    for (const fake of lookAlikes) {
      const e = thrown(() => vpos.transition(payment, fake));
      assert.deepEqual([e.name, e.code, e.field], ['VposError', 'field_invalid', 'verified']);
    }
  });

  await t.test('FloCash: the handle stays usable, polling gives event handles, public helpers', () => {
    const gateway = new vpos.flocash.Gateway({ ...FLOCASH, gateway: undefined });
    assert.equal(gateway.postbackUrl, 'https://flocash.example.com/validateNotify.do');
    assert.equal(gateway.merchant, 'test@merchant.com');
    const unverified = gateway.parseNotification(FORM, FLOCASH_BODY);
    const once = gateway.verifyPostback(unverified, { status: 200, body: 'VERIFIED' });
    const twice = gateway.verifyPostback(unverified, { status: 200, body: 'VERIFIED' });
    assert.deepEqual(twice.event, once.event);
    assert.equal(thrown(() => gateway.refundRequest('AT000001', { value: '1.00', currency: 'USD' })).code, 'unsupported');
    assert.equal(thrown(() => vpos.flocash.validateOrder({})).name, 'VposError');
    assert.equal(vpos.flocash.acknowledge(vpos.transition(FLOCASH_PAYMENT, once)).body, '00');
    const html = vpos.renderForm({ action: 'https://pay.example/', method: 'POST', fields: [['a', '<b>']] });
    assert.ok(html.includes('&lt;b&gt;') && !html.includes('<script'), html);
    assert.ok(vpos.renderForm({ action: 'https://pay.example/', method: 'POST', fields: [] }, { autoSubmit: true }).includes('<script'));
    assert.equal(typeof vpos.flavour(), 'string');
    assert.deepEqual([...vpos.paymentStatuses()].slice(0, 2), ['new', 'pending']);
  });

  await t.test('PayPal: the public form refuses NVP credentials; NVP replies read without a gateway', () => {
    const { nvp, ...publicConfig } = PAYPAL;
    const order = { invoice: 'A-1', item_name: 'Tea', amount: { value: '15', currency: 'EUR' } };
    const form = vpos.paypal.checkoutPublic({ ...publicConfig, gateway: undefined }, order);
    assert.ok(form.fields.some(([n, v]) => n === 'amount' && v === '15.00'));
    const leak = thrown(() => vpos.paypal.checkoutPublic({ ...publicConfig, gateway: undefined, nvp }, order));
    assert.deepEqual([leak.code, leak.field], ['invalid_config', 'nvp']);
    assert.ok(!/LEAK/.test(leak.message));
    const reply = vpos.paypal.parseNvpResponse({ status: 200, body: 'ACK=Success&TOKEN=EC-1' });
    assert.deepEqual([reply.ack, reply.token()], ['Success', 'EC-1']);
  });

  await t.test('the same names and kinds', () => {
    for (const [name, kind] of Object.entries(NAMES)) assert.equal(typeof vpos[name], kind, name);
    for (const name of ['parse', 'fromMinor', 'currency']) assert.equal(typeof vpos.money[name], 'function', `money.${name}`);
    for (const name of ['afterReply', 'afterError']) assert.equal(typeof vpos.operationStatus[name], 'function', name);
    assert.deepEqual([...vpos.gateways()], ['flocash', 'redsys', 'paypal', 'ceca', 'elavon', 'bitpay', 'paypal_rest']);
  });

  await t.test('money', () => {
    assert.deepEqual(vpos.money.parse('23.45', 'EUR'), { minor: 2345n, currency: 'EUR', value: '23.45' });
    assert.deepEqual(vpos.money.fromMinor(100n, 'JPY'), { minor: 100n, currency: 'JPY', value: '100' });
    assert.equal(vpos.money.currency('EUR').numeric, 978);
    assert.equal(thrown(() => vpos.money.parse('12.345', 'EUR')).code, 'amount_precision');
  });

  await t.test('Config: gateway, the core secret list, public() and JSON without a secret', () => {
    const config = new vpos.Config(PAYPAL);
    assert.equal(config.gateway, 'paypal');
    assert.deepEqual([...config.secretKeys], ['nvp.password', 'nvp.signature']);
    assert.deepEqual([...vpos.secretKeys('redsys')], ['secret_key']);
    const pub = config.public();
    assert.equal(pub.gateway, 'paypal');
    assert.deepEqual(pub.nvp, { user: 'api-user', api_url: PAYPAL.nvp.api_url });
    for (const shown of [JSON.stringify(config), JSON.stringify(pub), inspect(config, { depth: 9, showHidden: true })]) {
      assert.ok(!shown.includes('LEAK'), shown);
    }
  });

  await t.test('the same misspelling gives the same code and field (the core conversion)', () => {
    const cases = [
      [{ ...FLOCASH, merchant_nmae: 'x' }, 'invalid_config', 'merchant_nmae'],
      [{ ...PAYPAL, nvp: { ...PAYPAL.nvp, pasword: 'LEAK-typo' } }, 'invalid_config', 'nvp.pasword'],
      [{ ...PAYPAL, nvp: { ...PAYPAL.nvp, password: 12345678 } }, 'invalid_config', 'nvp.password'],
      [{ ...redsysConfig(), secret_key: undefined }, 'invalid_config', 'secret_key'],
      [{ ...FLOCASH, gateway: undefined }, 'invalid_config', 'gateway'],
      [{ ...FLOCASH, gateway: 'visa' }, 'unsupported', 'gateway'],
      // A secret pasted under the wrong key is never quoted back.
      [{ ...redsysConfig(), merchant_name: undefined, signature_version: 'LEAK-sq7Hjr' }, 'invalid_config', 'signature_version'],
    ];
    for (const [input, code, field] of cases) {
      const e = thrown(() => new vpos.Config(input));
      assert.deepEqual([e.code, e.field], [code, field], e.message);
      assert.ok(!/LEAK|12345678|sq7Hjr/.test(e.message), e.message);
      assert.ok(e instanceof Error);
    }
    const config = new vpos.Config(redsysConfig());
    const op = { kind: 'refund', order_id: 'A1', amount: { value: '1.00', currency: 'EUR' } };
    const typo = thrown(() => vpos.operationRequest(config, { ...op, order_idd: 'A1' }));
    assert.deepEqual([typo.code, typo.field], ['field_invalid', 'order_idd']);
    const precise = thrown(() => vpos.operationRequest(config, { ...op, amount: { value: '1.001', currency: 'EUR' } }));
    assert.deepEqual([precise.code, precise.field], ['amount_precision', 'amount']);
    // Money is never a JS number: a whole number of minor units is refused too, naming the path.
    const number = thrown(() => vpos.operationRequest(config, { ...op, amount: { minor: 100, currency: 'EUR' } }));
    assert.deepEqual([number.code, number.field], ['field_invalid', 'amount.minor']);
    assert.equal(vpos.operationRequest(config, { ...op, order_id: '0726qI3H7sZx', amount: { minor: 100n, currency: 'EUR' } }).url, config.public().rest_url);
    const missing = thrown(() => vpos.operationRequest(config, { kind: 'refund', amount: op.amount }));
    assert.deepEqual([missing.code, missing.field], ['field_missing', 'order_id']);
  });

  await t.test('a signature gateway: parse → prove (verified) → transition → acknowledge', () => {
    const config = new vpos.Config(redsysConfig());
    const unverified = vpos.parseNotification(config, { contentType: FORM, body: REDSYS.body });
    assert.equal(unverified.summary.order_id, '0726qI3H7sZx');
    assert.equal(unverified.summary.amount.minor, 4999n);
    const proof = vpos.prove(config, unverified);
    assert.ok(proof.verified && proof.request === undefined);
    const verified = proof.verified;
    assert.equal(typeof verified.event, 'object', 'event is a property');
    assert.equal(verified.event, verified.event, 'read once, cached');
    assert.equal(verified.event.key, 'redsys:999008881:1:0726qI3H7sZx:0:0000:4999:052029');
    assert.deepEqual({ ...verified.paymentFields }, { authorisation_code: '052029' });
    assert.equal(verified.notification.order, '0726qI3H7sZx');
    const outcome = vpos.transition(withMinor(REDSYS.payment), verified);
    assert.deepEqual(outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 4999n, released_minor: 0n });
    const answer = vpos.acknowledge(config, verified, outcome);
    assert.equal(answer.verdict, 'applied');
    assert.equal(answer.response.status, 200);
    assert.deepEqual({ ...answer.paymentFields }, { authorisation_code: '052029' });
    assert.equal(answer.error, null);
    const look = thrown(() => vpos.transition(withMinor(REDSYS.payment), { event: verified.event }));
    assert.equal(look.code, 'field_invalid');
  });

  await t.test('a post-back gateway: prove → { request, pending } → finish', () => {
    const config = new vpos.Config(FLOCASH);
    const wrong = thrown(() => vpos.parseNotification(config, { contentType: FORM, body: FLOCASH_BODY }));
    assert.equal(wrong.code, 'token_mismatch', 'FloCash without its URL token');
    const unverified = vpos.parseNotification(config, { contentType: FORM, body: FLOCASH_BODY, token: FLOCASH.notification_token });
    const { verified, request, pending } = vpos.prove(config, unverified);
    assert.equal(verified, undefined);
    assert.equal(request.url, 'https://flocash.example.com/validateNotify.do');
    assert.equal(pending.summary.order_id, 'AT000001');
    const refused = thrown(() => pending.finish(config, { status: 200, body: 'INVALID' }));
    assert.equal(refused.code, 'postback_invalid');
    assert.equal(vpos.reject(config, refused).verdict, 'unverified');
    const proven = pending.finish(config, { status: 200, body: 'VERIFIED' });
    const outcome = vpos.transition(FLOCASH_PAYMENT, proven);
    const answer = vpos.acknowledge(config, proven, outcome);
    assert.deepEqual([answer.verdict, answer.response.status, answer.response.body], ['applied', 200, '00']);
  });

  await t.test('the answers: reject, rejectUnread, unknownAccount, paymentNotFound', () => {
    const answer = vpos.reject('redsys', { code: 'signature_mismatch', message: 'bad', field: null });
    assert.deepEqual([answer.verdict, answer.response.status], ['unverified', 403]);
    assert.equal(answer.error.code, 'signature_mismatch');
    assert.deepEqual([vpos.rejectUnread('flocash').verdict, vpos.rejectUnread('flocash').response.status], ['invalid', 413]);
    assert.deepEqual([vpos.unknownAccount('ceca').verdict, vpos.unknownAccount('ceca').response.status], ['unknown_account', 404]);
    assert.equal(vpos.paymentNotFound('paypal', 'A1').verdict, 'no_payment');
    assert.ok(vpos.maxBodyBytes('redsys') > 1000 && Number.isInteger(vpos.maxBodyBytes('bitpay')));
  });

  await t.test('handleNotification: one path, every gateway', async () => {
    const redsys = await vpos.handleNotification(
      new vpos.Config(redsysConfig()),
      { body: REDSYS.body, headers: { 'content-type': FORM } },
      { payment: (event) => (assert.equal(event.order_id, '0726qI3H7sZx'), withMinor(REDSYS.payment)) },
    );
    assert.deepEqual([redsys.status, redsys.verdict, redsys.outcome.to], [200, 'applied', 'paid']);
    assert.equal(redsys.summary.order_id, '0726qI3H7sZx');
    assert.deepEqual({ ...redsys.paymentFields }, { authorisation_code: '052029' });

    const sent = [];
    const flocash = await vpos.handleNotification(
      new vpos.Config(FLOCASH),
      { body: FLOCASH_BODY, contentType: FORM, token: FLOCASH.notification_token },
      { payment: FLOCASH_PAYMENT, fetch: async (request) => (sent.push(request.url), { status: 200, body: 'VERIFIED' }) },
    );
    assert.deepEqual([flocash.status, flocash.body, flocash.verdict], [200, '00', 'applied']);
    assert.deepEqual(sent, ['https://flocash.example.com/validateNotify.do']);

    const none = await vpos.handleNotification(
      new vpos.Config(FLOCASH),
      { body: FLOCASH_BODY, contentType: FORM, token: FLOCASH.notification_token },
      { payment: () => null, fetch: async () => ({ status: 200, body: 'VERIFIED' }) },
    );
    assert.deepEqual([none.verdict, none.error.code, none.outcome], ['no_payment', 'payment_not_found', null]);

    const big = await vpos.handleNotification(new vpos.Config(FLOCASH), { body: 'a'.repeat(vpos.maxBodyBytes('flocash') + 1), contentType: FORM }, { payment: FLOCASH_PAYMENT });
    assert.deepEqual([big.status, big.verdict, big.summary], [413, 'invalid', null]);

    const badToken = await vpos.handleNotification(new vpos.Config(FLOCASH), { body: FLOCASH_BODY, contentType: FORM, token: 'nope' }, { payment: FLOCASH_PAYMENT });
    assert.deepEqual([badToken.status, badToken.verdict], [404, 'token_mismatch']);
  });

  await t.test('operations: allowed, supported, checked, asked and read', () => {
    assert.deepEqual([...vpos.allowedOperations('paid')], ['refund']);
    assert.deepEqual([...vpos.allowedOperations('authorized')], ['capture', 'release']);
    assert.deepEqual([...vpos.supportedOperations('flocash')], []);
    const paid = { ...withMinor(REDSYS.payment), status: 'paid' };
    vpos.checkOperation(paid, 'refund', 100n);
    assert.equal(thrown(() => vpos.checkOperation(paid, 'refund', 5000n)).code, 'refund_exceeds_amount');
    assert.equal(thrown(() => vpos.checkOperation(paid, 'capture', 100n)).field, 'status');
    const config = new vpos.Config(redsysConfig());
    const request = vpos.operationRequest(config, { kind: 'refund', order_id: '0726qI3H7sZx', amount: { value: '10.00', currency: 'EUR' } });
    assert.equal(request.url, 'https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST');
    const unsupported = thrown(() => vpos.operationRequest(new vpos.Config({ ...PAYPAL, gateway: 'bitpay', business: undefined, checkout_url: undefined, ipn_url: undefined, nvp: undefined, api_key: 'k', api_url: 'https://test.bitpay.com/api/invoice', invoice_url: 'https://test.bitpay.com/invoice' }), { kind: 'capture', order_id: 'A', amount: { value: '1.00', currency: 'EUR' } }));
    assert.deepEqual([unsupported.code, unsupported.field], ['unsupported', 'gateway']);
    const rest = find(vectors('redsys', 'rest.json'), /^REST reply \(trataPeticion\) verifies/);
    const restConfig = new vpos.Config({ gateway: 'redsys', ...rest.config });
    const op = { kind: 'capture', order_id: '1446068581', amount: { value: '1.45', currency: 'EUR' } };
    const reply = vpos.parseOperationReply(restConfig, op, rest.reply);
    assert.equal(reply.event.order_id, '1446068581');
    assert.equal(typeof reply.paymentFields, 'object');
    const status = vpos.operationStatus.afterError({ code: 'gateway_unavailable', message: 'timeout' });
    assert.deepEqual({ ...status }, { state: 'pending', code: 'gateway_unavailable' });
    const refused = thrown(() => vpos.parseOperationReply(restConfig, op, { status: 200, body: '{"errorCode":"SIS0059"}' }));
    assert.equal(vpos.operationStatus.afterError(refused).state, 'failed');
  });

  await t.test('checkout through the driver: the gateway\'s own form, Bitpay\'s request and reply', () => {
    const checkout = find(vectors('redsys', 'checkout.json'), /.*/);
    checkout.order = withMinor(checkout.order);
    const config = new vpos.Config({ gateway: 'redsys', ...checkout.config });
    const own = new vpos.redsys.Gateway(checkout.config).checkout(checkout.order);
    const { form, request } = vpos.checkout(config, { gateway: 'redsys', ...checkout.order });
    assert.equal(request, undefined);
    assert.deepEqual(form, own);
    const order = vpos.orderForPayment('redsys', { order_id: '2601ABCDEFGH', amount: { value: '10.00', currency: 'EUR' },
      description: 'Tea', return_url: 'https://shop.example/ok', store_card: 'recurring' });
    assert.deepEqual([order.gateway, order.order, order.url_ok, order.identifier], ['redsys', '2601ABCDEFGH', 'https://shop.example/ok', 'REQUIRED']);
    assert.ok(vpos.checkout(config, order).form.fields.some(([name]) => name === 'Ds_Signature'));
    const typo = thrown(() => vpos.checkout(config, { ...order, url_okk: 'x' }));
    assert.deepEqual([typo.code, typo.field], ['field_invalid', 'url_okk']);
    const elsewhere = thrown(() => vpos.checkout(new vpos.Config(FLOCASH), order));
    assert.equal(elsewhere.code, 'gateway_mismatch');
    const bitpay = new vpos.Config({ gateway: 'bitpay', api_key: 'k', api_url: 'https://test.bitpay.com/api/invoice', invoice_url: 'https://test.bitpay.com/invoice' });
    const made = vpos.checkout(bitpay, vpos.orderForPayment(bitpay, { order_id: 'A1', amount: { value: '10.00', currency: 'EUR' } }));
    assert.equal(made.form, undefined);
    assert.equal(made.request.url, 'https://test.bitpay.com/api/invoice');
    const done = vpos.parseCheckoutReply(bitpay, { status: 200, body: '{"data":{"id":"INV1","status":"new","price":10,"currency":"EUR"}}' });
    assert.equal(done.reference, 'INV1');
    assert.equal(done.form.method, 'GET');
    const id = vpos.newOrderId('redsys', '26', new Uint8Array(12));
    assert.ok(id.startsWith('26') && id.length === 12, id);
    assert.equal(vpos.newOrderId('paypal', '', new Uint8Array(12)), null);
  });

  await t.test('status queries: the request, the answer\'s event handles through transition, fetch and deadline', async () => {
    const doc = JSON.parse(readFileSync(new URL('../vectors/paypal/query.json', import.meta.url), 'utf8'));
    const config = new vpos.Config(doc.defaults.config);
    const query = doc.defaults.query;
    assert.deepEqual(['paypal', 'redsys', 'bitpay', 'ceca', 'flocash'].map((g) => vpos.supportsStatusQuery(g)), [true, true, true, false, false]);
    assert.equal(vpos.supportsStatusQuery(config), true);
    assert.ok(vpos.statusQueryRequest(config, query).body.startsWith('METHOD=GetTransactionDetails&'));
    const paid = find(doc.cases, /^found and paid/);
    const answer = vpos.parseStatusReply(config, query, paid.reply);
    assert.deepEqual([answer.found, answer.events.length, answer.paymentFields.transaction_id], [true, 1, '8SC56973LM923823H']);
    const [sale] = answer.events;
    assert.ok(sale instanceof vpos.StatusEvent);
    assert.equal(sale.event, sale.event, 'read once per handle');
    assert.deepEqual([sale.event.key, sale.event.amount.minor], ['paypal:8SC56973LM923823H:Completed', 1500n]);
    const payment = withMinor(paid.payment);
    const outcome = vpos.transition(payment, sale);
    assert.deepEqual([outcome.outcome, outcome.to], ['applied', 'paid']);
    assert.equal(vpos.transition({ ...payment, applied_event_keys: [sale.event.key] }, sale).outcome, 'already_applied');
    const lookAlike = thrown(() => vpos.transition(payment, { event: sale.event }));
    assert.deepEqual([lookAlike.code, lookAlike.field], ['field_invalid', 'verified']);

    let asked = null;
    const fetched = await vpos.statusQuery(config, query, { fetch: async (request) => ((asked = request), paid.reply), timeoutMs: 1000 });
    assert.deepEqual([asked.url, fetched.found, fetched.events[0].event.key], ['https://api-3t.sandbox.paypal.com/nvp', true, sale.event.key]);
    await assert.rejects(vpos.statusQuery(config, query, { fetch: async () => { throw new Error('down'); } }), (e) => e.code === 'gateway_unavailable');
    await assert.rejects(vpos.statusQuery(config, query, { fetch: () => new Promise(() => {}), timeoutMs: 20 }), (e) => e.code === 'gateway_unavailable');
    const none = vpos.parseStatusReply(config, query, find(doc.cases, /^error 10004/).reply);
    assert.deepEqual([none.found, none.events.length], [false, 0]);
    const unsupported = thrown(() => vpos.statusQueryRequest(new vpos.Config(FLOCASH), query));
    assert.deepEqual([unsupported.code, unsupported.field], ['unsupported', 'gateway']);
    const typo = thrown(() => vpos.statusQueryRequest(config, { ...query, transactionid: 'x' }));
    assert.deepEqual([typo.code, typo.field], ['field_invalid', 'transactionid']);
  });

  await t.test('retries: operation keys, which gateway dedupes, the wait; a payment\'s amounts', () => {
    assert.equal(vpos.operationKey('paypal', 'shop@example.com', 'ORDER-1', 'refund', 1), 'vpos1-59693b306f9b614b122d1ac734622588');
    assert.notEqual(vpos.operationKey('paypal', 'shop@example.com', 'ORDER-1', 'refund', 2), vpos.operationKey('paypal', 'shop@example.com', 'ORDER-1', 'refund', 1));
    for (const bad of [-1, 1.5, 2 ** 32]) {
      const e = thrown(() => vpos.operationKey('paypal', 'm', 'o', 'refund', bad));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'sequence'], String(bad));
    }
    assert.equal(thrown(() => vpos.operationKey('paypal', 'm', 'o', 'refundd', 1)).field, 'kind');
    assert.deepEqual(['paypal', 'redsys', 'elavon'].map((g) => vpos.supportsIdempotencyKey(g)), [true, false, false]);
    assert.equal(vpos.retryAfter('paypal', 1, { status: 503, body: '' }), 500);
    assert.equal(vpos.retryAfter('paypal', 2, { error: 'timed out' }), 1000);
    assert.equal(vpos.retryAfter('paypal', 3, 'no_answer'), null);
    assert.equal(vpos.retryAfter('redsys', 1, 'no_answer'), null);
    assert.equal(vpos.retryAfter('redsys', 1, 'not_sent'), 500);
    assert.equal(vpos.retryAfter('paypal', 1, 'refused'), null);
    assert.equal(vpos.retryAfter('paypal', 4, 'no_answer', { max_attempts: 10, base_delay_ms: 400, max_delay_ms: 2000 }), 2000);
    assert.equal(vpos.retryAfter('paypal', 1, 'no_answer', null), 500);
    const word = thrown(() => vpos.retryAfter('paypal', 1, 'timeout'));
    assert.deepEqual([word.code, word.field], ['field_invalid', 'failure']);
    assert.equal(thrown(() => vpos.retryAfter('paypal', 1, 'no_answer', { max_attempt: 3 })).field, 'max_attempt');

    const base = { gateway: 'redsys', merchant: '999008881', order_id: '1446117555', amount: { value: '1.45', currency: 'EUR' } };
    const refunded = vpos.paymentAmounts({ ...base, status: 'partially_refunded', refunded_minor: 45n });
    assert.deepEqual({ ...refunded, operations: [...refunded.operations] },
      { captured_minor: 145n, capturable_minor: 0n, refundable_minor: 100n, operations: ['refund'] });
    const held = vpos.paymentAmounts({ ...base, status: 'authorized' });
    assert.deepEqual([held.captured_minor, held.capturable_minor, held.refundable_minor, [...held.operations]], [0n, 145n, 0n, ['capture', 'release']]);
    assert.equal(thrown(() => vpos.paymentAmounts({ ...base, status: 'paid', refunded_minor: 45 })).code, 'field_invalid');
  });

  await t.test('checkoutHtml takes the same options object', () => {
    const gateway = new vpos.redsys.Gateway(REDSYS.config);
    const order = { order: '0726qI3H7sZy', amount: { value: '49.99', currency: 'EUR' } };
    const plain = gateway.checkoutHtml(order);
    const auto = gateway.checkoutHtml(order, { autoSubmit: true });
    assert.ok(!plain.includes('<script') && auto.includes('<script'), auto);
  });
}

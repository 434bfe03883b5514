// The generated declarations (types/vpos.d.ts, from the core's serde types by ts-rs) describe
// what a JS package really hands out and takes: `samples(vpos)` collects values the package
// returns (and inputs it accepts) with the generated type each must have, `typeCheckSource`
// writes them as TypeScript (`const v0: Amount = {minor: 2345n, …};`), and each package's test
// (bindings-node/test/types.generated.test.js, bindings-wasm/test/types.generated.test.mjs)
// compiles that under tsc --strict against the generated file.

import { readFileSync } from 'node:fs';

const vectors = (area, file) =>
  JSON.parse(readFileSync(new URL(`../vectors/${area}/${file}`, import.meta.url), 'utf8')).cases;
const find = (cases, re) => {
  const c = cases.find((x) => re.test(x.description));
  if (!c) throw new Error(`types.shared: no vector matching ${re}`);
  return c.input;
};
const withMinor = (payment) => ({
  ...payment,
  amount: payment.amount.minor === undefined ? payment.amount : { ...payment.amount, minor: BigInt(payment.amount.minor) },
});

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

/** `[typeName, value]` pairs: what `hostedpay` returns or accepts, and the generated type of each. */
export async function samples(vpos) {
  const out = [];
  const add = (type, value) => out.push([type, value]);
  const REDSYS = find(vectors('redsys', 'handle.json'), /^paid: pending -> paid/);
  const redsysConfig = { gateway: 'redsys', ...REDSYS.config, rest_url: 'https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST' };

  add('Amount', vpos.money.parse('23.45', 'EUR'));
  add('Amount', vpos.money.fromMinor(100n, 'JPY'));
  for (const code of vpos.errorCodes()) add('ErrorCode', code);
  for (const gateway of vpos.gateways()) add('GatewayName', gateway);

  // The notification path, two gateways (a signed one and a post-back one), and its failures.
  const results = [
    await vpos.handleNotification(new vpos.Config(redsysConfig), { body: REDSYS.body, headers: { 'content-type': FORM } },
      { payment: () => withMinor(REDSYS.payment) }),
    await vpos.handleNotification(new vpos.Config(FLOCASH), { body: FLOCASH_BODY, contentType: FORM, token: FLOCASH.notification_token },
      { payment: FLOCASH_PAYMENT, fetch: async () => ({ status: 200, body: 'VERIFIED' }) }),
    await vpos.handleNotification(new vpos.Config(FLOCASH), { body: FLOCASH_BODY, contentType: FORM, token: FLOCASH.notification_token },
      { payment: { ...FLOCASH_PAYMENT, status: 'paid' }, fetch: async () => ({ status: 200, body: 'VERIFIED' }) }),
    await vpos.handleNotification(new vpos.Config(FLOCASH), { body: FLOCASH_BODY, contentType: FORM, token: FLOCASH.notification_token },
      { payment: { ...FLOCASH_PAYMENT, amount: { value: '1.00', currency: 'USD' } }, fetch: async () => ({ status: 200, body: 'VERIFIED' }) }),
    await vpos.handleNotification(new vpos.Config(FLOCASH), { body: FLOCASH_BODY, contentType: FORM, token: 'nope' }, { payment: FLOCASH_PAYMENT }),
  ];
  for (const r of results) {
    add('Verdict', r.verdict);
    add('PaymentFields', { ...r.paymentFields });
    add('HttpResponse', { status: r.status, headers: r.headers, body: r.body });
    if (r.event) add('Event', r.event);
    if (r.outcome) add('Outcome', r.outcome);
    if (r.summary) add('Summary', r.summary);
    if (r.error) add('ErrorInfo', r.error);
  }
  add('Summary', { ...results[0].summary, amount: null });
  add('PaymentSnapshot', FLOCASH_PAYMENT);
  add('PaymentSnapshot', { ...withMinor(REDSYS.payment), live: false, refunded_minor: 0n, applied_event_keys: ['k'] });

  for (const answer of [vpos.rejectUnread('redsys'), vpos.unknownAccount('ceca'), vpos.paymentNotFound('flocash', 'A1')]) {
    add('Verdict', answer.verdict);
    add('HttpResponse', answer.response);
    add('PaymentFields', { ...answer.paymentFields });
    if (answer.error) add('ErrorInfo', answer.error);
  }

  // A gateway's own shapes: CECA's configuration, order and parsed notification.
  const ceca = vectors('ceca', 'ceca.json');
  const cecaPaid = find(ceca, /^notification verifies/);
  const cecaOrder = find(ceca, /^SHA2 Firma of the Cecabank manual example/).order;
  add('CecaConfig', cecaPaid.config);
  add('CecaConfig', { ...cecaPaid.config, cipher: 'SHA1' });
  add('CecaOrder', { ...cecaOrder, amount: { ...cecaOrder.amount, minor: BigInt(cecaOrder.amount.minor) } });
  add('CecaOrder', { operation: '124', amount: { value: '5.00', currency: 'EUR' }, description: 'Tea', language: '6' });
  const cecaResult = await vpos.handleNotification(new vpos.Config({ gateway: 'ceca', ...cecaPaid.config }),
    { body: cecaPaid.body, contentType: FORM }, { payment: withMinor(cecaPaid.payment) });
  if (!cecaResult.notification) throw new Error(`types.shared: the CECA vector gave ${cecaResult.verdict}`);
  add('CecaNotification', cecaResult.notification);
  add('Outcome', cecaResult.outcome);
  add('Event', cecaResult.event);

  // Redsys and FloCash: configurations, orders, the redirect forms the driver builds, and the
  // notifications parsed above (a signed one and a post-back one).
  const { gateway: _r, ...redsysOwn } = redsysConfig;
  const { gateway: _f, ...flocashOwn } = FLOCASH;
  add('RedsysConfig', redsysOwn);
  add('RedsysConfig', { ...redsysOwn, signature_version: 'HMAC_SHA512_V2', merchant_name: null });
  add('FlocashConfig', flocashOwn);
  const redsysCheckout = find(vectors('redsys', 'checkout.json'), /.*/);
  const redsysOrder = withMinor(redsysCheckout.order);
  add('RedsysOrder', redsysOrder);
  add('RedsysOrder', { ...redsysOrder, transaction_type: 'preauthorization', identifier: 'REQUIRED',
    stored_credential: { cof_ini: true, cof_type: 'recurring' } });
  add('RedirectForm', vpos.checkout(new vpos.Config({ gateway: 'redsys', ...redsysCheckout.config }), { gateway: 'redsys', ...redsysOrder }).form);
  const flocashOrder = find(vectors('flocash', 'checkout.json'), /^djflocash's test order/).order;
  add('FlocashOrder', flocashOrder);
  add('FlocashOrder', { ...flocashOrder, customer: { first_name: 'Ada', mobile: '+251 911' }, extra: [['flo_user_ref', '7']] });
  add('RedirectForm', vpos.checkout(new vpos.Config(FLOCASH), { gateway: 'flocash', ...flocashOrder }).form);
  if (!results[0].notification || !results[1].notification) throw new Error('types.shared: no Redsys or FloCash notification');
  add('RedsysNotification', results[0].notification);
  add('FlocashNotification', results[1].notification);
  add('StoredCredential', { identifier: 'REQUIRED', cof_ini: null, excep_sca: 'ask' });

  // Elavon, PayPal and Bitpay: configurations, orders, and the notifications both packages
  // parse from the vectors' handle flows (an HPP response, a verified IPN, a fetched invoice).
  const elavon = vectors('elavon', 'elavon.json');
  const elavonPaid = find(elavon, /^real HPP response/);
  const elavonForm = find(elavon, /^HPP form for X2/);
  add('ElavonConfig', elavonPaid.config);
  add('ElavonConfig', { ...elavonForm.config, auto_settle: true });
  add('ElavonOrder', withMinor(elavonForm.order));
  add('RedirectForm', vpos.checkout(new vpos.Config({ gateway: 'elavon', ...elavonForm.config }), { gateway: 'elavon', ...withMinor(elavonForm.order) }).form);
  add('ElavonRemoteOperation', { kind: 'settle', order_id: 'ORD453-11', pasref: '13649024563820', amount: { value: '299.00', currency: 'EUR' }, timestamp: '20130814122239' });
  const paypal = vectors('paypal', 'paypal.json');
  const ipn = find(paypal, /^VERIFIED Completed IPN/);
  const paypalOrder = find(paypal, /^checkout form: _xclick/);
  add('PaypalConfig', ipn.config);
  add('PaypalConfig', { ...ipn.config, nvp: { user: 'u', password: 'p', signature: 's', api_url: 'https://api-3t.sandbox.paypal.com/nvp' } });
  add('PaypalOrder', withMinor(paypalOrder.order));
  add('PaypalExpressOrder', { invoice: 'A-1', amount: { value: '15.00', currency: 'EUR' }, description: 'Tea', return_url: 'https://shop.example/r', cancel_url: 'https://shop.example/c' });
  const bitpay = find(vectors('bitpay', 'bitpay.json'), /^notification says confirmed/);
  add('BitpayConfig', bitpay.config);
  add('BitpayInvoiceRequest', { price: { value: '5.00', currency: 'EUR' }, order_id: 'A-1', item_desc: 'Tea' });
  const flows = [
    ['ElavonNotification', await vpos.handleNotification(new vpos.Config({ gateway: 'elavon', ...elavonPaid.config }),
      { body: elavonPaid.body, contentType: FORM }, { payment: withMinor(elavonPaid.payment) })],
    ['PaypalNotification', await vpos.handleNotification(new vpos.Config({ gateway: 'paypal', ...ipn.config }),
      { body: ipn.body, contentType: FORM }, { payment: withMinor(ipn.payment), fetch: async () => ipn.reply })],
    ['BitpayNotification', await vpos.handleNotification(new vpos.Config({ gateway: 'bitpay', ...bitpay.config }),
      { body: bitpay.body, contentType: bitpay.content_type }, { payment: withMinor(bitpay.payment), fetch: async () => bitpay.reply })],
  ];
  for (const [type, r] of flows) {
    if (!r.notification || r.verdict !== 'applied') throw new Error(`types.shared: the ${type} vector gave ${r.verdict}`);
    add(type, r.notification);
    add('Event', r.event);
    add('Outcome', r.outcome);
  }
  add('BitpayInvoice', flows[2][1].notification.invoice);

  // The driver's checkout: a gateway-neutral request and the tagged order it maps to, each gateway.
  const request = { order_id: '2601ABCDEFGH', amount: { value: '10.00', currency: 'EUR' }, description: 'Tea',
    return_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/ko', timestamp: '20260101000000' };
  add('OrderRequest', request);
  add('OrderRequest', { order_id: 'A1', amount: null, item_price: { minor: 250n, currency: 'KES' }, quantity: 3, store_card: 'recurring', fields: { transaction_type: 'preauthorization' } });
  for (const gateway of vpos.gateways()) {
    const order = vpos.orderForPayment(gateway, gateway === 'flocash' ? { ...request, order_id: 'AT000001', custom: 'C1' } : request);
    add('DriverOrder', order);
  }

  // Operations.
  for (const kind of [...vpos.allowedOperations('paid'), ...vpos.allowedOperations('authorized'), ...vpos.allowedOperations('new')]) {
    add('OperationKind', kind);
  }
  const op = { kind: 'refund', order_id: '0726qI3H7sZx', amount: { value: '10.00', currency: 'EUR' } };
  add('Operation', op);
  add('Operation', { ...op, kind: 'charge', captured: vpos.money.parse('10.00', 'EUR'), refunded_minor: 0n, transaction_id: 'T', authorisation_code: 'A', timestamp: '20260101000000', stored_credential: { identifier: 'REQUIRED', cof_type: 'recurring', excep_sca: 'mit', direct_payment: true } });
  add('HttpRequest', vpos.operationRequest(new vpos.Config(redsysConfig), op));
  const rest = find(vectors('redsys', 'rest.json'), /^REST reply \(trataPeticion\) verifies/);
  const restOp = { kind: 'capture', order_id: '1446068581', amount: { value: '1.45', currency: 'EUR' } };
  const reply = vpos.parseOperationReply(new vpos.Config({ gateway: 'redsys', ...rest.config }), restOp, rest.reply);
  add('Event', reply.event);
  add('PaymentFields', { ...reply.paymentFields });
  add('PostbackReply', rest.reply);
  add('PostbackReply', { error: 'timed out' });
  add('OperationStatus', { ...vpos.operationStatus.afterError({ code: 'gateway_unavailable', message: 'timeout' }) });
  add('OperationStatus', { ...vpos.operationStatus.afterReply('capture', reply, vpos.transition({ ...withMinor(REDSYS.payment), order_id: '1446068581', amount: { value: '1.45', currency: 'EUR' }, status: 'authorized' }, reply)) });
  return out;
}

/** A TypeScript literal of `value` (bigint as `123n`, bytes as a Uint8Array, undefined left out). */
export function literal(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `new Uint8Array([${[...value].join(', ')}])`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`).join(', ')} }`;
}

/** The module to compile: each sample as a typed constant of the generated file at `typesPath`. */
export function typeCheckSource(pairs, typesPath) {
  const types = [...new Set(pairs.map(([t]) => t))].sort();
  return `import type { ${types.join(', ')} } from ${JSON.stringify(typesPath)};\n\n`
    + pairs.map(([t, v], i) => `export const v${i}: ${t} = ${literal(v)};`).join('\n') + '\n';
}

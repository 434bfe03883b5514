'use strict';
// The hot paths' flat text (src/flat.rs, lib/flat.js) gives exactly what the JSON path gives:
// every Redsys notification of the shared vectors (parsed and, where it verifies, verified)
// and every checkout form, and a value that cannot travel flat falls back to JSON.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const vpos = require('hostedpay');
const native = require('../native.js');
const { decode, encode } = require('../lib/json.js');
const fs = require('node:fs');
const util = require('node:util');
const { redsysOrder: flatOrderText } = require('../lib/flat.js');
const { VECTORS_DIR, loadCases, moneyAsBigint, subset } = require('./support/vectors.js');

const FORM = 'application/x-www-form-urlencoded';
const cases = (gateway, file) =>
  loadCases(path.join(VECTORS_DIR, gateway, file)).map((c) => ({ ...c, input: moneyAsBigint(c.input) }));

test('redsys: .untrusted and .notification equal the JSON reading for every vector', () => {
  let parsed = 0;
  let verified = 0;
  for (const file of ['notification.json', 'handle.json', 'soap.json', 'sha512.json', 'signatures.json']) {
    for (const c of cases('redsys', file)) {
      const { config, body, content_type: contentType = FORM } = c.input;
      if (config === undefined || body === undefined) continue;
      let g;
      let unverified;
      try {
        g = new vpos.redsys.Gateway(config, { validate: false });
        unverified = g.parseNotification(contentType, body);
      } catch {
        continue;
      }
      assert.deepStrictEqual(unverified.untrusted, decode(unverified.untrustedJson()), c.description);
      parsed++;
      let v;
      try {
        v = g.verify(unverified);
      } catch {
        continue;
      }
      assert.deepStrictEqual(v.notification, decode(v.notificationJson()), c.description);
      assert.equal(typeof v.notification.amount.minor, 'bigint');
      verified++;
    }
  }
  assert.ok(parsed >= 30 && verified >= 20, `${parsed} parsed, ${verified} verified`);
});

test('redsys: REST replies read flat as they read from JSON', () => {
  for (const c of cases('redsys', 'rest.json')) {
    if (c.input.reply === undefined || c.input.config === undefined) continue;
    let v;
    try {
      v = new vpos.redsys.Gateway(c.input.config, { validate: false }).parseOperationResponse(c.input.reply);
    } catch {
      continue;
    }
    assert.deepStrictEqual(v.notification, decode(v.notificationJson()), c.description);
  }
});

test('redsys: a value holding \\0 or \\u0001 travels as JSON, unchanged', () => {
  const config = {
    merchant_code: '999008881',
    terminal: '1',
    secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7',
    checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago',
  };
  const g = new vpos.redsys.Gateway(config);
  for (const odd of ['a\u0000b', 'a\u0001b', '\u0001']) {
    const params = Buffer.from(
      JSON.stringify({
        Ds_Amount: '4999',
        Ds_Currency: '978',
        Ds_Order: '0726qI3H7sZx',
        Ds_MerchantCode: '999008881',
        Ds_Terminal: '1',
        Ds_Response: '0000',
        Ds_TransactionType: '0',
        Ds_MerchantData: odd,
      }),
    ).toString('base64');
    const body = new URLSearchParams({
      Ds_SignatureVersion: 'HMAC_SHA256_V1',
      Ds_MerchantParameters: params,
      Ds_Signature: g.sign('0726qI3H7sZx', params),
    }).toString();
    const unverified = g.parseNotification(FORM, body);
    const raw = new native.RedsysGateway(encode(config, ''), true);
    assert.equal(raw.untrustedFlat(FORM, Buffer.from(body)) ?? undefined, undefined);
    assert.equal(unverified.untrusted.merchant_data, odd);
    const v = g.verify(unverified);
    assert.equal(raw.verify(raw, FORM, Buffer.from(body)) ?? undefined, undefined);
    assert.equal(raw.provenFlat(raw, FORM, Buffer.from(body)) ?? undefined, undefined);
    assert.equal(v.notification.merchant_data, odd);
    assert.deepStrictEqual(v.notification, decode(v.notificationJson()));
    assert.deepStrictEqual(v.parameters.Ds_MerchantData, odd);
  }
});

test('checkout: the flat form is the form the vectors expect, for every gateway', () => {
  let n = 0;
  for (const gateway of ['redsys', 'ceca', 'elavon', 'paypal', 'bitpay']) {
    const dir = path.join(VECTORS_DIR, gateway);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      for (const c of loadCases(path.join(dir, file))) {
        if (c.operation !== `${gateway}.checkout` || c.error !== undefined) continue;
        const input = moneyAsBigint(c.input);
        const form = new vpos[gateway].Gateway(input.config, { validate: false }).checkout(input.order);
        assert.ok(Array.isArray(form.fields) && form.fields.every((f) => f.length === 2), c.description);
        assert.deepStrictEqual(Object.keys(form), ['action', 'method', 'fields']);
        if (c.expect !== undefined) assert.equal(subset(c.expect, form), null, c.description);
        const NativeGateway = native[`${gateway[0].toUpperCase()}${gateway.slice(1)}Gateway`];
        const raw = new NativeGateway(encode(input.config, ''), false);
        assert.deepStrictEqual(form, decode(raw.checkout(encode(input.order, ''))), c.description);
        n++;
      }
    }
  }
  assert.ok(n >= 8, `${n} checkouts`);
});

test('encode writes every string as JSON.stringify does (its fast path for plain strings)', () => {
  const strings = ['', 'a', 'a"b', 'a\\b', '\u0000x', '\u001f', '\u007f', '\ud800', 'x\udfff', '\ud83d\ude00', '\u2028', 'é', 'Call credit 49.99 EUR'];
  for (const s of strings) {
    assert.equal(encode({ [s]: s, list: [s] }), JSON.stringify({ [s]: s, list: [s] }), JSON.stringify(s));
    assert.equal(encode(s), JSON.stringify(s));
  }
});

test('redsys checkout: a plain order travels flat, anything else as JSON, with the same form or error', () => {
  const config = {
    merchant_code: '999008881',
    terminal: '1',
    secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7',
    checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago',
  };
  const g = new vpos.redsys.Gateway(config);
  const raw = new native.RedsysGateway(encode(config, ''), true);
  const viaJson = (order) => {
    try {
      return decode(raw.checkout(encode(order, '')));
    } catch (e) {
      return { code: e.code, field: e.field, message: e.message };
    }
  };
  const viaPublic = (order) => {
    try {
      return g.checkout(order);
    } catch (e) {
      return { code: e.code, field: e.field, message: e.message };
    }
  };
  const base = {
    order: '0726qI3H7sZx',
    amount: { minor: 4999n, currency: 'EUR' },
    product_description: 'Call credit 49.99 EUR',
    titular: 'Joan Njiru',
    merchant_data: 'C0000001',
    consumer_language: '002',
    pay_methods: 'C',
    merchant_url: 'http://www.prueba.com/urlNotificacion.php',
    url_ok: 'http://www.prueba.com/urlOK.php',
    url_ko: 'http://www.prueba.com/urlKO.php',
  };
  const orders = [
    base,
    { ...base, amount: { value: '49.99', currency: 'EUR' } },
    { ...base, amount: { minor: 4999n, value: '49.99', currency: 'EUR' } },
    { ...base, amount: { minor: 4999n, value: '49.98', currency: 'EUR' } },
    { ...base, amount: { minor: 4999, currency: 'EUR' } },
    { ...base, amount: { minor: 0n, currency: 'EUR' } },
    { ...base, amount: { minor: -1n, currency: 'EUR' } },
    { ...base, amount: { minor: 2n ** 63n, currency: 'EUR' } },
    { ...base, amount: { value: '49.999', currency: 'EUR' } },
    { ...base, amount: { minor: 4999n, currency: 'XXX' } },
    { ...base, amount: { minor: 4999n } },
    { ...base, amount: { minor: 4999n, currency: 'EUR', extra: 1 } },
    { ...base, transaction_type: 'preauthorization' },
    { ...base, transaction_type: 'authorization' },
    { ...base, transaction_type: 'capture' },
    { ...base, transaction_type: null },
    { ...base, titular: undefined, url_ok: undefined },
    { ...base, titular: null },
    { ...base, titular: 42 },
    { ...base, titular: 'a\u0000b' },
    { ...base, titular: '\u0001' },
    { ...base, order: '' },
    { ...base, order: 'bad order' },
    { ...base, pay_methods: 'z', bizum_mobile_number: '+34600000000' },
    { ...base, identifier: 'REQUIRED' },
    { ...base, unknown: 'x' },
    { ...base, extra_parameters: { DS_MERCHANT_P2F_XMLDATA: 'x' } },
    { ...base, stored_credential: { cof_ini: 'S', cof_type: 'R' } },
    { order: '0726qI3H7sZx', amount: { minor: 4999n, currency: 'EUR' } },
  ];
  let flat = 0;
  for (const order of orders) {
    const label = util.inspect(order);
    assert.deepStrictEqual(viaPublic(order), viaJson(order), label);
    const text = flatOrderText(order);
    if (text !== undefined && raw.checkoutFlatOrder(text) !== null && raw.checkoutFlatOrder(text) !== undefined) flat++;
  }
  assert.ok(flat >= 8, `${flat} orders took the flat path`);
});

'use strict';
// The package's promises beyond the vectors: error shape and catalogue, bigint money, secrets
// kept out of sight, unforgeable verified notifications, hostile input, both module systems.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const vpos = require('hostedpay');
const { TOKEN, config, FORM, BODY } = require('./support/fixtures.js');

const { flocash, money } = vpos;
// index.d.ts and the generated JSON shapes it re-exports (types.d.ts), comments stripped:
// their prose may hold quotes and semicolons.
const dts = ['index.d.ts', 'types.d.ts']
  .map((f) => fs.readFileSync(path.join(__dirname, '..', f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''))
  .join('\n');

/** The string literals of `export type <name> = 'a' | 'b' ...;` in the declarations. */
function dtsUnion(name) {
  const m = new RegExp(`export type ${name} =([^;]*);`).exec(dts);
  assert.ok(m, `the declarations have no union ${name}`);
  return [...m[1].matchAll(/['"]([a-z0-9_]+)['"]/g)].map((x) => x[1]);
}

/** Runs `fn`, expects a vpos error, returns it. */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(vpos.isVposError(e), `not a vpos error: ${e && e.stack}`);
    return e;
  }
  assert.fail('expected a vpos error');
}

describe('errors', () => {
  test('errorCodes() is the core catalogue, and the d.ts ErrorCode union lists exactly those codes', () => {
    const codes = vpos.errorCodes();
    assert.equal(codes[0], 'field_missing');
    assert.equal(new Set(codes).size, codes.length);
    assert.ok(codes.includes('amount_precision') && codes.includes('postback_failed'));
    assert.deepEqual(dtsUnion('ErrorCode'), [...codes]);
  });

  test('paymentStatuses() matches the d.ts PaymentStatus union', () => {
    assert.deepEqual(dtsUnion('PaymentStatus'), [...vpos.paymentStatuses()]);
    assert.equal(vpos.paymentStatuses()[0], 'new');
  });

  test('a core error is an Error with code, field and the core message', () => {
    const e = thrown(() => money.parse('12.345', 'EUR'));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'amount_precision');
    assert.equal(e.field, null);
    assert.equal(e.message, '12.345 has more than 2 decimal places, the minor unit of EUR');
    assert.match(e.stack, /api\.test\.js/);
  });

  test('input shape errors name the path and keep the core code where the core has one', () => {
    const g = new flocash.Gateway(config());
    const order = { order_id: 'A1', custom: 'C1', item_name: 'Tea', item_price: { value: '2.50', currency: 'USD' }, quantity: 1 };
    const precise = thrown(() => g.checkout({ ...order, item_price: { value: '2.505', currency: 'USD' } }));
    assert.deepEqual([precise.code, precise.field], ['amount_precision', 'item_price']);
    const currency = thrown(() => g.checkout({ ...order, item_price: { value: '2.50', currency: 'usd' } }));
    assert.deepEqual([currency.code, currency.field], ['unknown_currency', 'item_price.currency']);
    const typo = thrown(() => g.checkout({ ...order, customer: { frist_name: 'Jo' } }));
    assert.deepEqual([typo.code, typo.field], ['field_invalid', 'customer.frist_name']);
    const missing = thrown(() => g.checkout({ ...order, item_name: undefined }));
    assert.deepEqual([missing.code, missing.field], ['field_missing', 'item_name']);
    const badConfig = thrown(() => new flocash.Gateway({ ...config(), merchant_nmae: 'x' }));
    assert.deepEqual([badConfig.code, badConfig.field], ['invalid_config', 'merchant_nmae']);
    const emptyToken = thrown(() => new flocash.Gateway({ ...config(), notification_token: 'short' }));
    assert.deepEqual([emptyToken.code, emptyToken.field], ['invalid_config', 'notification_token']);
  });

  test('reject() refuses a code the core does not have', () => {
    const e = thrown(() => flocash.reject({ code: 'teapot', message: 'no' }));
    assert.deepEqual([e.code, e.field], ['field_invalid', null]);
    assert.match(e.message, /teapot/);
    assert.equal(flocash.reject(thrown(() => money.parse('x', 'EUR'))).status, 422);
  });

  test('refundRequest is unsupported for FloCash', () => {
    const e = thrown(() => new flocash.Gateway(config()).refundRequest('A1', { value: '1.00', currency: 'USD' }));
    assert.equal(e.code, 'unsupported');
  });
});

describe('money', () => {
  test('amounts come out with bigint minor units, exact to i64::MAX', () => {
    assert.deepEqual(money.parse('92233720368547758.07', 'EUR'), {
      minor: 9223372036854775807n,
      currency: 'EUR',
      value: '92233720368547758.07',
    });
    assert.deepEqual(money.fromMinor(1000n, 'KWD'), { minor: 1000n, currency: 'KWD', value: '1.000' });
  });

  test('money is never a number on the way in', () => {
    assert.equal(thrown(() => money.fromMinor(2345, 'EUR')).code, 'field_invalid');
    assert.equal(thrown(() => money.parse(23.45, 'EUR')).code, 'amount_syntax');
    const g = new flocash.Gateway(config());
    const e = thrown(() =>
      g.checkout({ order_id: 'A1', custom: 'C1', item_name: 'Tea', item_price: { minor: 250, currency: 'USD' }, quantity: 1 }),
    );
    assert.deepEqual([e.code, e.field], ['field_invalid', 'item_price.minor']);
    assert.match(e.message, /bigint \(250n\)/);
  });

  test('bigints beyond 64 bits are refused, not wrapped', () => {
    assert.equal(thrown(() => money.fromMinor(2n ** 63n, 'EUR')).code, 'amount_overflow');
    const g = new flocash.Gateway(config());
    const e = thrown(() =>
      g.checkout({ order_id: 'A1', custom: 'C1', item_name: 'Tea', item_price: { minor: 2n ** 64n, currency: 'USD' }, quantity: 1 }),
    );
    assert.deepEqual([e.code, e.field], ['amount_overflow', 'item_price.minor']);
  });

  test('an Amount that came out can go back in', () => {
    const g = new flocash.Gateway(config());
    const price = money.parse('2.50', 'USD');
    const form = g.checkout({ order_id: 'A1', custom: 'C1', item_name: 'Tea', item_price: price, quantity: 3 });
    assert.deepEqual(form.fields[4], ['amount', '7.50']);
  });

  test('currencies by code and number', () => {
    assert.deepEqual(money.currency('XOF'), { code: 'XOF', numeric: 952, exponent: 0, name: 'CFA Franc BCEAO' });
    assert.equal(money.currency(978).code, 'EUR');
    assert.equal(thrown(() => money.currency(-1)).code, 'unknown_currency');
    assert.equal(thrown(() => money.currency(1.5)).code, 'unknown_currency');
  });
});

describe('secrets', () => {
  test('a Gateway never shows its token: inspect, JSON, keys, errors', () => {
    const secret = 'a-very-secret-token-1234';
    const g = new flocash.Gateway({ ...config(), notification_token: secret });
    assert.doesNotMatch(util.inspect(g, { showHidden: true, depth: 10 }), new RegExp(secret));
    assert.match(util.inspect(g), /test@merchant\.com/);
    assert.doesNotMatch(JSON.stringify(g), new RegExp(secret));
    assert.deepEqual(Object.getOwnPropertyNames(g), []);
    assert.ok(!('notification_token' in g.publicConfig));
    assert.doesNotMatch(thrown(() => g.checkToken('wrong')).message, new RegExp(secret));
  });

  test('a configuration error never echoes the token value', () => {
    const e = thrown(() => new flocash.Gateway({ ...config(), notification_token: 98765432109876 }));
    assert.equal(e.field, 'notification_token');
    assert.doesNotMatch(e.message, /98765432109876/);
  });

  test('the raw config object is not kept: changing it afterwards changes nothing', () => {
    const c = config();
    const g = new flocash.Gateway(c);
    c.merchant = 'evil@example.com';
    assert.equal(g.merchant, 'test@merchant.com');
  });
});

describe('notification handles', () => {
  const g = new flocash.Gateway(config());
  const unverified = () => g.parseNotification(FORM, BODY);
  const snapshot = {
    gateway: 'flocash',
    merchant: 'test@merchant.com',
    order_id: 'AT000001',
    amount: { value: '23.45', currency: 'USD' },
    status: 'pending',
  };

  test('cannot be constructed from JavaScript', () => {
    assert.throws(() => new flocash.VerifiedNotification(), /no `constructor`/);
    assert.throws(() => new flocash.UnverifiedNotification(), /no `constructor`/);
  });

  test('transition accepts only the verified handle that verifyPostback returned', () => {
    const real = g.verifyPostback(unverified(), { status: 200, body: 'VERIFIED' });
    const forgeries = [
      { notification: real.notification, event: real.event, rawBody: real.rawBody },
      unverified(),
      Object.create(flocash.VerifiedNotification.prototype),
      null,
    ];
    for (const forged of forgeries) {
      const e = thrown(() => vpos.transition(snapshot, forged));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'verified']);
    }
    assert.equal(vpos.transition(snapshot, real).to, 'paid');
  });

  test('verifyPostback accepts only an unverified handle', () => {
    const verified = g.verifyPostback(unverified(), { status: 200, body: 'VERIFIED' });
    assert.equal(thrown(() => g.verifyPostback(verified, { status: 200, body: 'VERIFIED' })).field, 'notification');
    assert.equal(thrown(() => g.postbackRequest({ untrusted: {} })).field, 'notification');
  });

  test('an unverified handle survives a failed post-back and can be verified on retry', () => {
    const n = unverified();
    assert.equal(thrown(() => g.verifyPostback(n, { error: 'timed out' })).code, 'postback_failed');
    assert.equal(g.verifyPostback(n, { status: 200, body: Buffer.from('verified') }).event.status, 'succeeded');
  });

  test('exposes the raw body and the typed fields', () => {
    const n = unverified();
    assert.ok(Buffer.isBuffer(n.rawBody));
    assert.equal(n.rawBody.toString(), BODY);
    assert.deepEqual(n.untrusted.amount, { minor: 2345n, currency: 'USD', value: '23.45' });
    assert.equal(n.untrusted.quantity, 1);
    assert.match(util.inspect(n), /AT000001/);
  });
});

describe('hostile input', () => {
  // A fixed-seed generator: the same bodies every run, so a failure can be replayed.
  function* rng(seed) {
    let x = seed;
    for (;;) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      yield x >>> 0;
    }
  }

  test('random and mutated bodies either parse or throw a vpos error, never crash', () => {
    const g = new flocash.Gateway(config());
    const r = rng(0x5eed);
    const next = () => r.next().value;
    const base = Buffer.from(BODY);
    const outcomes = new Map();
    for (let i = 0; i < 3000; i++) {
      let body;
      if (i % 3 === 0) {
        body = Buffer.alloc(next() % 600, 0).map(() => next() & 0xff);
      } else {
        body = Buffer.from(base);
        for (let k = next() % 6; k >= 0; k--) body[next() % body.length] = '%&=+\xff0A'.charCodeAt(next() % 8) || next() & 0xff;
      }
      let code = 'parsed';
      try {
        g.parseNotification(FORM, body);
      } catch (e) {
        assert.ok(vpos.isVposError(e), `body ${body.toString('hex')} threw ${e && e.stack}`);
        code = e.code;
      }
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    }
    assert.ok(outcomes.get('parsed') > 0, `no mutation parsed: ${[...outcomes]}`);
    assert.ok(outcomes.size > 4, `too few distinct outcomes: ${[...outcomes]}`);
  });

  test('an oversized body and deeply nested input are refused with codes', () => {
    const g = new flocash.Gateway(config());
    assert.equal(thrown(() => g.parseNotification(FORM, Buffer.alloc(70 * 1024, 0x61))).code, 'body_too_large');
    let deep = {};
    for (let i = 0; i < 10_000; i++) deep = { customer: deep };
    assert.equal(thrown(() => g.checkout(deep)).code, 'field_invalid');
    const cyclic = { order_id: 'A' };
    cyclic.self = cyclic;
    assert.equal(thrown(() => g.checkout(cyclic)).code, 'field_invalid');
    assert.equal(thrown(() => g.checkout({ order_id: () => 1 })).code, 'field_invalid');
  });

  test('a missing or odd token argument fails closed', () => {
    const g = new flocash.Gateway(config());
    for (const t of [undefined, null, 42, {}, '']) assert.equal(thrown(() => g.checkToken(t)).code, 'token_mismatch');
    g.checkToken(TOKEN);
  });
});

describe('module systems', () => {
  test('import and require give the same objects', async () => {
    const esm = await import('hostedpay');
    assert.equal(esm.flocash, vpos.flocash);
    assert.equal(esm.default, vpos);
    assert.equal(esm.money.parse('1', 'JPY').minor, 1n);
  });

  test('checkoutHtml escapes every value', () => {
    const g = new flocash.Gateway(config());
    const html = g.checkoutHtml(
      { order_id: 'A1', custom: 'C1', item_name: 'Tea & "cake" <b>', item_price: { value: '1.00', currency: 'USD' }, quantity: 1 },
      { autoSubmit: true },
    );
    assert.match(html, /value="Tea &amp; &quot;cake&quot; &lt;b&gt;"/);
    assert.match(html, /<noscript><button/);
  });

  test('flocash.status explains a code', () => {
    assert.deepEqual(flocash.status('4'), { status_code: '0004', status: 'pending', label: 'Payment is pending.' });
    assert.deepEqual(flocash.status('0042'), { status_code: '0042', status: 'unknown', label: null });
  });
});

// What the vectors cannot say: the JS surface itself. BigInt money, error objects, opaque
// handles, argument types, hostile input, and that nothing secret leaks to the public side.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builds, edgeBuilds } from './support.mjs';

const config = {
  merchant: 'sales@demoshop.com',
  merchant_name: 'Demo Shop',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: 'https://fcms.flocash.com',
  notification_token: 'a-long-random-token',
};
const order = {
  order_id: 'AT000001', custom: 'C0000001', item_name: 'Call Credit',
  item_price: { value: '2.50', currency: 'USD' }, quantity: 2,
};
const body = 'merchant=sales%40demoshop.com&order_id=AT000001&amount=5.00&currency_code=USD'
  + '&trans_id=T1&fpn_id=F1&status=0000&status_msg=Payment+is+successful.';
const FORM = 'application/x-www-form-urlencoded';
const payment = {
  gateway: 'flocash', merchant: 'sales@demoshop.com', order_id: 'AT000001',
  amount: { value: '5.00', currency: 'USD' }, status: 'pending',
};
const VERIFIED = { status: 200, body: 'VERIFIED' };

/** Calls `fn`, which must throw a VposError; returns it. */
function vposError(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, `${e} is not an Error`);
    assert.equal(e.name, 'VposError', e.stack);
    return e;
  }
  assert.fail('expected a VposError');
}

const coreCodes = [...readFileSync(new URL('../../core/src/error.rs', import.meta.url), 'utf8')
  .matchAll(/^\s+[A-Z]\w+ = "([a-z0-9_]+)",$/gm)].map((m) => m[1]);

// The browser module and the edge module share this surface (FloCash forms, money); the
// secret-keyed FloCash Gateway, its notifications and `transition` are the edge module's only.
for (const { name, api } of [...await builds(), ...await edgeBuilds()]) {
  const { flocash } = api;
  const edge = api.flavour() === 'edge';
  const edgeTest = edge ? test : () => {};
  describe(`the ${name} build`, () => {
    test('errorCodes() is the core catalogue, in order', () => {
      assert.ok(coreCodes.length >= 25, `read only ${coreCodes.length} codes from core/src/error.rs`);
      assert.deepEqual(api.errorCodes(), coreCodes);
    });

    test('money crosses as BigInt minor units and exact strings, never a float', () => {
      assert.deepEqual(api.money.parse('23.45', 'EUR'), { minor: 2345n, currency: 'EUR', value: '23.45' });
      const max = api.money.fromMinor(9223372036854775807n, 'EUR');
      assert.deepEqual(max, { minor: 9223372036854775807n, currency: 'EUR', value: '92233720368547758.07' });
      assert.equal(api.money.fromMinor(5, 'JPY').value, '5');
      for (const bad of [1.5, 2 ** 53 + 2, 9223372036854775808n, '12', null]) {
        const e = vposError(() => api.money.fromMinor(bad, 'EUR'));
        // `field` is the path inside the value (vpos_core::json::from_value): none for the value itself.
        assert.deepEqual([e.code, e.field], ['field_invalid', null], String(bad));
      }
      const e = vposError(() => api.money.parse('12.345', 'EUR'));
      assert.equal(e.code, 'amount_precision');
      if (edge) {
        const n = new flocash.Gateway(config).parseNotification(FORM, body).untrusted;
        assert.equal(typeof n.amount.minor, 'bigint');
        assert.equal(n.amount.minor, 500n);
      }
    });

    test('errors carry code, field and a message naming the problem', () => {
      const e = vposError(() => flocash.validateOrder({ ...order, customer: { email: 'john.example.com' } }));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'user_email']);
      assert.match(e.message, /^user_email /);
      assert.ok(api.errorCodes().includes(e.code));
      const missing = vposError(() => flocash.validateOrder({ ...order, order_id: ' ' }));
      assert.deepEqual([missing.code, missing.field], ['field_missing', 'order_id']);
      assert.equal(flocash.validateOrder(order), undefined);
    });

    edgeTest('values that do not fit the core shape are refused, naming the path (the core conversion)', () => {
      let e = vposError(() => new flocash.Gateway({ ...config, notification_tokn: 'x' }));
      assert.deepEqual([e.code, e.field], ['invalid_config', 'notification_tokn']);
      assert.match(e.message, /unknown field `notification_tokn`/);
      e = vposError(() => flocash.validateOrder({ ...order, quantity: 1.5 }));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'quantity']);
      e = vposError(() => flocash.validateOrder({ ...order, item_price: { minor: 2.5, currency: 'USD' } }));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'item_price.minor']);
      e = vposError(() => flocash.checkoutPublic(config, order));
      assert.deepEqual([e.code, e.field], ['invalid_config', 'base_url'], 'a full config is not a public one');
      e = vposError(() => api.transition({ ...payment, status: 'done' }, verifiedFlocash(api)));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'status']);
      // The value itself is wrong: no path inside it (a function is refused by the value bridge, naming the argument).
      for (const junk of [undefined, null, 42, 'order', []]) {
        assert.deepEqual(errorFields(vposError(() => flocash.validateOrder(junk))), ['field_invalid', null]);
      }
      assert.equal(vposError(() => flocash.validateOrder(() => 1)).field, 'order');
      // An array where an object is expected (serde would read the fields in order) is refused
      // like any value of another type.
      e = vposError(() => flocash.validateOrder(Object.values(order)));
      assert.deepEqual([e.code, e.field], ['field_invalid', null]);
      assert.match(e.message, /expected an object/);
      e = vposError(() => flocash.validateOrder({ ...order, item_price: ['2.50', 'USD'] }));
      assert.deepEqual([e.code, e.field], ['field_invalid', 'item_price']);
      assert.match(e.message, /expected an object/);
      e = vposError(() => new flocash.Gateway(Object.values(config)));
      assert.deepEqual([e.code, e.field], ['invalid_config', null]);
    });

    edgeTest('the public side never holds the token, and builds the same form as the server', () => {
      const g = new flocash.Gateway(config);
      const pub = g.publicConfig;
      assert.ok(!JSON.stringify(pub).includes(config.notification_token));
      assert.deepEqual(Object.keys(pub).sort(), ['checkout_url', 'merchant', 'merchant_name']);
      // Every other view of the gateway leaves the token out too.
      assert.deepEqual(g.toJSON(), pub);
      assert.ok(!JSON.stringify(g).includes(config.notification_token));
      assert.ok(!JSON.stringify(g.config.public()).includes(config.notification_token));
      assert.deepEqual([g.merchant, g.postbackUrl], [config.merchant, 'https://fcms.flocash.com/validateNotify.do']);
      assert.equal(g.config.gateway, 'flocash');
      assert.equal(g.config, g.config, 'the driver Config is converted once per gateway');
      assert.deepEqual(flocash.checkoutPublic(pub, order), g.checkout(order));
      assert.deepEqual(g.checkout(order).fields.slice(4, 5), [['amount', '5.00']]);
      const html = g.checkoutHtml(order, { autoSubmit: true });
      assert.equal(html, api.renderForm(g.checkout(order), { autoSubmit: true }));
      assert.ok(!html.includes(config.notification_token));
      // FloCash has no refund API: refunds are made in its back office.
      assert.equal(vposError(() => g.refundRequest(order.order_id, { value: '1.00', currency: 'USD' })).code, 'unsupported');
    });

    edgeTest('the notification flow: parse, post-back, verify, transition, answer', () => {
      const g = new flocash.Gateway(config);
      g.validate();
      g.checkToken('a-long-random-token');
      assert.equal(vposError(() => g.checkToken(undefined)).code, 'token_mismatch');
      const unverified = g.parseNotification(FORM, Buffer.from(body));
      assert.deepEqual(g.postbackRequest(unverified), {
        method: 'POST',
        url: 'https://fcms.flocash.com/validateNotify.do',
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
        body: `${body.replace('+is+', '+is+')}&cmd=notify-validate`,
      });
      assert.deepEqual(Buffer.from(unverified.rawBody).toString(), body);
      // A bad reply shape is refused ...
      assert.equal(vposError(() => g.verifyPostback(unverified, { status: '200', body: 'VERIFIED' })).code, 'field_invalid');
      assert.equal(unverified.untrusted.order_id, 'AT000001');
      // ... and a failed post-back is postback_failed (503: FloCash delivers again); the
      // unverified handle stays usable, as in the Node package: the host may retry.
      const failed = vposError(() => g.verifyPostback(unverified, { error: 'timed out' }));
      assert.equal(failed.code, 'postback_failed');
      assert.equal(g.reject(failed).status, 503);
      assert.equal(flocash.reject(failed).status, 503);
      assert.equal(unverified.untrusted.order_id, 'AT000001');
      assert.equal(g.postbackRequest(unverified).url, 'https://fcms.flocash.com/validateNotify.do');
      const verified = g.verifyPostback(unverified, VERIFIED);
      const twice = g.verifyPostback(unverified, VERIFIED);
      assert.notEqual(twice, verified);
      assert.deepEqual(twice.event, verified.event, 'verify twice gives the same event');
      assert.equal(verified.notification.status, 'succeeded');
      assert.deepEqual(Buffer.from(verified.rawBody).toString(), body);
      const event = verified.event;
      assert.equal(event, verified.event, 'converted once per handle');
      assert.equal(event.key, 'flocash:F1:T1:sale:0000');
      assert.equal(event.amount.minor, 500n);
      assert.equal(JSON.parse(JSON.stringify({ e: event }, (_, v) => (typeof v === 'bigint' ? String(v) : v))).e.key, event.key);
      const outcome = api.transition(payment, verified);
      assert.deepEqual(outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 500n, released_minor: 0n });
      assert.deepEqual(g.transition(payment, verified), outcome);
      assert.deepEqual(api.transition(payment, twice), outcome);
      const ok = { status: 200, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: '00' };
      assert.deepEqual(g.acknowledge(outcome), ok);
      assert.deepEqual(flocash.acknowledge(outcome), ok);
      const again = api.transition({ ...payment, status: 'paid', applied_event_keys: [event.key] }, verified);
      assert.deepEqual(again, { outcome: 'already_applied' });
      assert.equal(g.acknowledge(again).body, '00');
      const foreign = api.transition({ ...payment, amount: { minor: 501n, currency: 'USD' } }, verified);
      assert.equal(foreign.outcome, 'rejected');
      assert.equal(foreign.error.code, 'amount_mismatch');
      assert.equal(g.acknowledge(foreign).status, 409);
      assert.deepEqual(errorFields(vposError(() => g.acknowledge({ outcome: 'bogus' }))), ['field_invalid', 'outcome']);
    });

    edgeTest('bodies: string, Buffer, Uint8Array and ArrayBuffer bytes reach the core unchanged', () => {
      const g = new flocash.Gateway(config);
      const bytes = new TextEncoder().encode(body);
      for (const b of [body, Buffer.from(body), bytes, bytes.buffer]) {
        assert.equal(g.parseNotification(FORM, b).untrusted.order_id, 'AT000001');
      }
      const latin1 = Buffer.concat([Buffer.from(`${body}&customer=Abeb`), Buffer.from([0xe9])]);
      assert.deepEqual(errorFields(vposError(() => g.parseNotification(FORM, latin1))), ['invalid_utf8', 'customer']);
      assert.deepEqual(errorFields(vposError(() => g.parseNotification(FORM, 42))), ['field_invalid', 'body']);
      assert.equal(vposError(() => g.parseNotification(undefined, body)).code, 'unsupported_content_type');
    });

    edgeTest('reject() takes a thrown error or a host-made {code, message}', () => {
      const g = new flocash.Gateway(config);
      assert.equal(g.reject({ code: 'postback_failed', message: 'connect timeout' }).status, 503);
      assert.equal(g.reject({ code: 'token_mismatch', message: '' }).body, 'Not Found');
      const r = g.reject({ code: 'field_missing', field: 'merchant', message: 'merchant is required' });
      assert.deepEqual(JSON.parse(r.body), { errors: [{ code: 'field_missing', field: 'merchant', message: 'merchant is required' }] });
      // Read by the core's own `Deserialize` for `Error`: no code is `field_invalid` on `code`,
      // an unknown one is refused whole.
      for (const notVpos of [new TypeError('x'), null, 'postback_failed']) {
        assert.deepEqual(errorFields(vposError(() => g.reject(notVpos))), ['field_invalid', 'code']);
      }
      assert.deepEqual(errorFields(vposError(() => g.reject({ code: 'ENOENT', message: 'x' }))), ['field_invalid', null]);
    });

    edgeTest('notifications are opaque: plain objects, copied events and other classes cannot pass for them', () => {
      const g = new flocash.Gateway(config);
      const unverified = g.parseNotification(FORM, body);
      const verified = g.verifyPostback(unverified, VERIFIED);
      const forgeries = {
        'a plain object': { key: 'flocash:F1:T1:sale:0000', toJSON: () => ({}) },
        'verified.event': verified.event,
        'a copy of verified.event': { ...verified.event },
        'a look-alike holding the real getters\' values': {
          notification: verified.notification, event: verified.event, rawBody: verified.rawBody,
        },
        'the unverified handle': unverified,
        'another gateway\'s unverified handle': redsysUnverified(api),
        'a PayPal NvpReply': api.paypal.parseNvpResponse({ status: 200, body: 'ACK=Success&TOKEN=EC-1' }),
        'the gateway\'s driver Config': g.config,
        'null': null,
      };
      for (const [what, forged] of Object.entries(forgeries)) {
        assert.deepEqual(errorFields(vposError(() => api.transition(payment, forged))), ['field_invalid', 'verified'], what);
        assert.deepEqual(errorFields(vposError(() => g.transition(payment, forged))), ['field_invalid', 'verified'], what);
      }
      // A verified handle of another gateway is a real handle: it moves only its own gateway's payments.
      assert.deepEqual(api.transition(payment, verifiedRedsys(api)).error.code, 'gateway_mismatch');
      assert.throws(() => g.acknowledge(verified));
      assert.throws(() => new flocash.VerifiedNotification().event);
      assert.throws(() => g.verifyPostback({ untrusted: {} }, VERIFIED));
      assert.throws(() => g.verifyPostback(verified, VERIFIED));
      assert.throws(() => g.postbackRequest(Object.create(flocash.UnverifiedNotification.prototype)));
      // The module is intact after all of that.
      assert.equal(api.transition(payment, g.verifyPostback(unverified, VERIFIED)).to, 'paid');
    });

    edgeTest('an Object.create(VerifiedNotification.prototype) look-alike is refused by transition: field_invalid on verified', () => {
      for (const Class of [flocash.VerifiedNotification, flocash.PolledEvent, api.VerifiedNotification]) {
        const forged = Object.create(Class.prototype);
        assert.deepEqual(errorFields(vposError(() => api.transition(payment, forged))), ['field_invalid', 'verified'], Class.name);
      }
      assert.equal(api.transition(payment, verifiedFlocash(api)).to, 'paid');
    });

    test('renderForm escapes every value of a server-built form and refuses unknown shapes', () => {
      const form = { action: 'https://pay.example/?a=1&b=2', method: 'POST', fields: [['item_name', 'Tea & "cake" <b>']] };
      const html = api.renderForm(form);
      assert.match(html, /action="https:\/\/pay\.example\/\?a=1&amp;b=2" method="post"/);
      assert.match(html, /<input type="hidden" name="item_name" value="Tea &amp; &quot;cake&quot; &lt;b&gt;">/);
      assert.doesNotMatch(html, /<script>/);
      assert.match(api.renderForm(form, { autoSubmit: true }), /<noscript><button type="submit">/);
      assert.equal(vposError(() => api.renderForm({ ...form, target: '_blank' })).field, 'target');
      assert.equal(vposError(() => api.renderForm({ ...form, method: 'DELETE' })).field, 'method');
    });

    test('lookups: currencies by code or number, FloCash status codes', () => {
      assert.deepEqual(api.money.currency('XOF'), api.money.currency(952));
      assert.deepEqual(api.money.currency('KWD'), { code: 'KWD', numeric: 414, exponent: 3, name: api.money.currency('KWD').name });
      assert.deepEqual(errorFields(vposError(() => api.money.currency(-1))), ['field_invalid', null]);
      assert.equal(vposError(() => api.money.currency('eur')).code, 'unknown_currency');
      assert.deepEqual(flocash.status('4'), { status_code: '0004', status: 'pending', label: 'Payment is pending.' });
    });

    edgeTest('hostile input is refused with a VposError, never a trap', () => {
      const g = new flocash.Gateway(config);
      let seed = 7;
      const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
      const alphabet = Buffer.from('=&%+0123456789abcdefXYZ_\u00ff\u0000\n');
      const pieces = body.split('&');
      for (let round = 0; round < 1500; round++) {
        const noise = Buffer.from(Array.from({ length: rand(80) }, () => alphabet[rand(alphabet.length)]));
        const mixed = Buffer.concat([Buffer.from(pieces.slice(0, rand(pieces.length + 1)).join('&')), noise]);
        try {
          g.verifyPostback(g.parseNotification(FORM, mixed), VERIFIED);
        } catch (e) {
          assert.equal(e.name, 'VposError', `${mixed.toString('latin1')}: ${e.stack}`);
        }
      }
      const e = vposError(() => g.parseNotification(FORM, Buffer.alloc(64 * 1024 + 1, 0x61)));
      assert.equal(e.code, 'body_too_large');
      let deep = {};
      for (let k = 0; k < 5000; k++) deep = { customer: deep };
      assert.equal(vposError(() => flocash.validateOrder(deep)).field, 'order');
      assert.equal(g.parseNotification(FORM, body).untrusted.order_id, 'AT000001');
    });
  });
}

/** A verified FloCash notification handle (what `transition` takes). */
function verifiedFlocash(api) {
  const g = new api.flocash.Gateway(config);
  return g.verifyPostback(g.parseNotification(FORM, body), VERIFIED);
}

/** The Redsys sandbox notification of the vectors: a gateway and its unverified handle. */
function redsysUnverified(api) {
  const doc = JSON.parse(readFileSync(new URL('../../tests/vectors/redsys/handle.json', import.meta.url), 'utf8'));
  const c = doc.cases.find((x) => x.operation === 'redsys.handle' && 'expect' in x);
  const input = { ...(doc.defaults ?? {}), ...c.input };
  const gateway = new api.redsys.Gateway(input.config);
  return Object.assign(gateway.parseNotification(FORM, input.body), { gateway });
}

/** A verified Redsys notification handle: a real handle of another gateway's class. */
function verifiedRedsys(api) {
  const unverified = redsysUnverified(api);
  return unverified.gateway.verify(unverified);
}

const errorFields = (e) => [e.code, e.field];

// The edge module's JS surface beyond the vectors: which module has what (no secret-holding
// gateway in the browser module), opaque handles per gateway, errors with `code`, secrets kept
// out of public configurations and error messages, and the Redsys stored-credential fields.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builds, edgeBuilds, parseJson } from './support.mjs';
import { moneyAsBigint } from '../../tests/js/vectors.support.mjs';

const FORM = 'application/x-www-form-urlencoded';
// Minor units as BigInt: money never crosses as a JS number (a number is refused).
const vector = (p) => moneyAsBigint(parseJson(readFileSync(new URL(`../../tests/vectors/${p}`, import.meta.url), 'utf8')));
/** The first case of `file` for `operation` that expects success (or the one whose description matches). */
const sample = (file, operation, match = '') => {
  const doc = vector(file);
  const c = doc.cases.find((x) => x.operation === operation && 'expect' in x && x.description.includes(match));
  assert.ok(c, `${file}: no ${operation} case`);
  return { ...(doc.defaults ?? {}), ...c.input, expect: c.expect };
};

const redsysSandbox = sample('redsys/handle.json', 'redsys.handle');
const SECRETS = {
  redsys: ['secret_key'], ceca: ['key'], elavon: ['secret', 'rebate_password'], bitpay: ['api_key'],
};

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
const fields = (e) => [e.code, e.field];

test('the browser module holds no secret-keyed gateway; the edge module has them all', async () => {
  for (const { name, api } of await builds()) {
    assert.equal(api.flavour(), 'browser', name);
    for (const gw of ['redsys', 'ceca', 'elavon', 'paypal', 'bitpay']) assert.equal(api[gw], undefined, `${name}: ${gw}`);
    // FloCash's Gateway holds the notification token; without a verified notification there is
    // nothing to transition, and the driver (Config holds secrets) is the edge module's.
    for (const gone of ['Gateway', 'UnverifiedNotification', 'VerifiedNotification']) {
      assert.equal(api.flocash[gone], undefined, `${name}: flocash.${gone}`);
    }
    for (const gone of ['transition', 'Event', 'Outcome', 'Config', 'handleNotification', 'acknowledge', 'isVposError']) {
      assert.equal(api[gone], undefined, `${name}: ${gone}`);
    }
    assert.equal(typeof api.flocash.checkoutPublic, 'function', `${name}: the unsigned form stays`);
  }
  for (const { name, api } of await edgeBuilds()) {
    assert.equal(api.flavour(), 'edge', name);
    for (const gw of ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'bitpay']) {
      assert.equal(typeof api[gw].Gateway, 'function', `${name}: ${gw}`);
      assert.equal(typeof api[gw].Gateway.prototype.handleNotification, 'function', `${name}: ${gw}.Gateway#handleNotification`);
      assert.equal(typeof api[gw].Gateway.prototype.transition, 'function', `${name}: ${gw}.Gateway#transition`);
      assert.equal(api[gw].DEFAULT_TIMEOUT_MS, gw === 'ceca' ? undefined : api.DEFAULT_TIMEOUT_MS, `${name}: ${gw}.DEFAULT_TIMEOUT_MS`);
    }
    // The opaque Event and Outcome classes are gone (events and outcomes are plain objects), and
    // so is FloCash's PollReply (parsePollResponse returns a plain object).
    for (const gone of ['Event', 'Outcome']) assert.equal(api[gone], undefined, `${name}: ${gone}`);
    assert.equal(api.flocash.PollReply, undefined, `${name}: flocash.PollReply`);
    assert.equal(typeof api.flocash.PolledEvent, 'function', `${name}: flocash.PolledEvent`);
    assert.equal(api.DEFAULT_TIMEOUT_MS, 10_000);
    assert.deepEqual(api.paymentStatuses(), ['new', 'pending', 'authorized', 'paid', 'failed', 'cancelled',
      'partially_refunded', 'refunded', 'charged_back']);
    assert.equal(api.isVposError(new Error('x')), false);
    try {
      api.money.parse('1.001', 'EUR');
      assert.fail('expected amount_precision');
    } catch (e) {
      assert.equal(api.isVposError(e), true);
    }
  }
});

for (const { name, api } of await edgeBuilds()) {
  const { redsys, ceca, elavon, paypal, bitpay, flocash, transition } = api;
  describe(`the ${name} build`, () => {
    test('publicConfig, toJSON() and the driver config leave every secret out', () => {
      const configs = {
        redsys: redsysSandbox.config,
        ceca: sample('ceca/ceca.json', 'ceca.handle').config,
        elavon: { ...sample('elavon/elavon.json', 'elavon.handle').config, rebate_password: 'rebate-pw-1' },
        bitpay: sample('bitpay/bitpay.json', 'bitpay.handle').config,
      };
      for (const [gw, config] of Object.entries(configs)) {
        const g = new api[gw].Gateway(config);
        const pub = g.publicConfig;
        assert.deepEqual(g.toJSON(), pub, `${gw}: toJSON() is the public configuration`);
        assert.equal(g.config.gateway, gw);
        for (const key of SECRETS[gw]) {
          assert.ok(config[key], `${gw}.${key} is set in the sample`);
          assert.ok(!(key in pub), `${gw}: ${key} in publicConfig`);
          for (const [view, text] of [['publicConfig', JSON.stringify(pub)], ['JSON.stringify(gateway)', JSON.stringify(g)],
            ['config.public()', JSON.stringify(g.config.public())]]) {
            assert.ok(!text.includes(config[key]), `${gw}: ${key} value leaked by ${view}`);
          }
        }
      }
      const pp = sample('paypal/nvp.json', 'paypal.nvp_set_express_checkout').config;
      const pub = new paypal.Gateway(pp).publicConfig;
      assert.equal(pub.nvp, undefined);
      assert.equal(pub.business, pp.business);
    });

    test('a secret of the wrong type is refused without being repeated', () => {
      const e = vposError(() => new redsys.Gateway({ ...redsysSandbox.config, secret_key: 987654321987654 }));
      assert.deepEqual(fields(e), ['invalid_config', 'secret_key']);
      assert.doesNotMatch(e.message, /987654321987654/);
      assert.match(e.message, /expected/);
      const u = vposError(() => new redsys.Gateway({ ...redsysSandbox.config, secret_kye: 'x' }));
      assert.match(u.message, /unknown field `secret_kye`/);
      const el = sample('elavon/elavon.json', 'elavon.handle').config;
      // The core's conversion keeps the code of a value it refused, and quotes nothing of a configuration.
      const bad = vposError(() => new elavon.Gateway({ ...el, currency: 'XXY' }));
      assert.deepEqual(fields(bad), ['unknown_currency', 'currency']);
      assert.doesNotMatch(bad.message, /XXY/);
      assert.deepEqual(fields(vposError(() => new redsys.Gateway(redsysSandbox.config)
        .checkout({ order: '1447961844', amount: { value: '1.455', currency: 'EUR' } }))), ['amount_precision', 'amount']);
    });

    test('Redsys: parse, verify (repeatable), transition, answer; a forged signature is signature_mismatch', () => {
      const g = new redsys.Gateway(redsysSandbox.config);
      const bytes = new TextEncoder().encode(redsysSandbox.body);
      for (const b of [redsysSandbox.body, Buffer.from(redsysSandbox.body), bytes, bytes.buffer]) {
        assert.equal(g.parseNotification(FORM, b).untrusted.order, '0726qI3H7sZx');
      }
      const unverified = g.parseNotification(FORM, redsysSandbox.body);
      const verified = g.verify(unverified);
      assert.equal(g.verify(unverified).event.key, verified.event.key, 'verify does not spend the handle');
      assert.equal(verified.event, verified.event, 'the event is converted once per handle');
      assert.equal(verified.notification.amount.minor, 4999n);
      assert.equal(verified.parameters.Ds_Order, '0726qI3H7sZx');
      assert.equal(g.merchantCode, redsysSandbox.config.merchant_code);
      assert.deepEqual(Buffer.from(verified.rawBody).toString(), redsysSandbox.body);
      const outcome = transition(redsysSandbox.payment, verified);
      assert.deepEqual(outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 4999n, released_minor: 0n });
      assert.deepEqual(g.transition(redsysSandbox.payment, verified), outcome);
      assert.deepEqual(g.acknowledge(verified, outcome).status, 200);
      const forged = redsysSandbox.body.replace(/Ds_Signature=[^&]+/, 'Ds_Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D');
      const e = vposError(() => g.verify(g.parseNotification(FORM, forged)));
      assert.deepEqual(fields(e), ['signature_mismatch', 'Ds_Signature']);
      assert.equal(g.reject(e).status, 403);
      assert.equal(redsys.reject({ code: 'payment_not_found', message: 'later' }).status, 503);
      assert.deepEqual(fields(vposError(() => redsys.status('0', '12345'))), ['field_invalid', 'Ds_Response']);
      assert.deepEqual(redsys.status('0', '0'), { action: 'sale', status: 'succeeded', response: '0000' });
      assert.equal(g.sign('0726qI3H7sZx', 'message'), g.sign('0726qI3H7sZx', new TextEncoder().encode('message')));
      assert.deepEqual(fields(vposError(() => g.sign('0726qI3H7sZx', 42))), ['field_invalid', 'message']);
    });

    test('Redsys stored credentials: COF fields out in the form, card reference in from the notification', () => {
      const g = new redsys.Gateway(redsysSandbox.config);
      const form = g.checkout({
        order: '1447961844', amount: { value: '1.45', currency: 'EUR' },
        stored_credential: { identifier: 'REQUIRED', cof_ini: true, cof_type: 'recurring', excep_sca: 'mit' },
      });
      const params = JSON.parse(Buffer.from(form.fields[1][1], 'base64').toString());
      assert.equal(params.DS_MERCHANT_IDENTIFIER, 'REQUIRED');
      assert.equal(params.DS_MERCHANT_COF_INI, 'S');
      assert.equal(params.DS_MERCHANT_COF_TYPE, 'R');
      assert.equal(params.DS_MERCHANT_EXCEP_SCA, 'MIT');
      assert.deepEqual(fields(vposError(() => g.checkout({ order: '1447961844', amount: { value: '1', currency: 'EUR' },
        stored_credential: { cof_type: 'weekly' } }))), ['field_invalid', 'stored_credential.cof_type']);
      const stored = sample('redsys/notification.json', 'redsys.verify', 'card reference');
      const n = new redsys.Gateway(stored.config).verify(new redsys.Gateway(stored.config)
        .parseNotification(stored.content_type ?? FORM, stored.body)).notification;
      assert.deepEqual([n.identifier, n.expiry_date, n.cof_txnid], [stored.expect.notification.identifier,
        stored.expect.notification.expiry_date, stored.expect.notification.cof_txnid]);
      const rest = new redsys.Gateway({ ...redsysSandbox.config, rest_url: 'https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST' });
      const request = rest.operationRequest({ kind: 'payment', order: '1447961845', amount: { value: '1.45', currency: 'EUR' },
        stored_credential: { identifier: n.identifier, cof_txnid: n.cof_txnid, direct_payment: true, excep_sca: 'mit' } });
      const sent = JSON.parse(Buffer.from(JSON.parse(request.body).Ds_MerchantParameters, 'base64').toString());
      assert.equal(sent.DS_MERCHANT_TRANSACTIONTYPE, '0');
      assert.equal(sent.DS_MERCHANT_IDENTIFIER, n.identifier);
      assert.equal(sent.DS_MERCHANT_DIRECTPAYMENT, true);
      assert.deepEqual(fields(vposError(() => rest.parseOperationResponse({ error: 'timeout' }))), ['gateway_unavailable', null]);
    });

    test('handles are opaque per gateway: nothing JS builds passes for a verified one', () => {
      const g = new redsys.Gateway(redsysSandbox.config);
      const unverified = g.parseNotification(FORM, redsysSandbox.body);
      const verified = g.verify(unverified);
      const c = new ceca.Gateway(sample('ceca/ceca.json', 'ceca.handle').config);
      const forgeries = {
        'the unverified handle': unverified,
        'a plain object': { key: 'redsys:x' },
        'verified.event': verified.event,
        'a copy of verified.event': { ...verified.event },
        'an object holding the real getters\' values': { notification: verified.notification, event: verified.event,
          parameters: verified.parameters, rawBody: verified.rawBody },
        'another gateway\'s unverified handle': c.parseNotification(FORM, sample('ceca/ceca.json', 'ceca.handle').body),
        'a PayPal NvpReply': paypal.parseNvpResponse({ status: 200, body: 'ACK=Success&TOKEN=EC-1' }),
      };
      for (const [what, forged] of Object.entries(forgeries)) {
        assert.deepEqual(fields(vposError(() => transition(redsysSandbox.payment, forged))), ['field_invalid', 'verified'], what);
        assert.deepEqual(fields(vposError(() => g.transition(redsysSandbox.payment, forged))), ['field_invalid', 'verified'], what);
      }
      const outcome = transition(redsysSandbox.payment, verified);
      assert.throws(() => g.acknowledge({ notification: {} }, outcome));
      assert.throws(() => g.acknowledge(c.verify(c.parseNotification(FORM, sample('ceca/ceca.json', 'ceca.handle').body)), outcome),
        'a CECA verified handle is not a Redsys one');
      assert.throws(() => g.verify({ untrusted: {} }));
      assert.throws(() => g.verify(Object.create(redsys.UnverifiedNotification.prototype)));
      assert.throws(() => c.verify(unverified), 'a Redsys handle is not a CECA one');
      for (const cls of [redsys.VerifiedNotification, ceca.VerifiedNotification, elavon.VerifiedNotification,
        elavon.VerifiedEvent, paypal.VerifiedNotification, paypal.VerifiedEvent, bitpay.VerifiedNotification,
        flocash.VerifiedNotification, flocash.PolledEvent]) {
        assert.throws(() => new cls().event, cls.name);
      }
      assert.throws(() => new paypal.NvpReply().ack, 'NvpReply');
      assert.equal(transition(redsysSandbox.payment, g.verify(unverified)).to, 'paid', 'the module is intact');
    });

    test('an Object.create look-alike of every verified class is refused by transition: field_invalid on verified', () => {
      for (const cls of [redsys.VerifiedNotification, ceca.VerifiedNotification, elavon.VerifiedNotification,
        elavon.VerifiedEvent, paypal.VerifiedNotification, paypal.VerifiedEvent, bitpay.VerifiedNotification,
        flocash.VerifiedNotification, flocash.PolledEvent, api.VerifiedNotification, api.OperationReply]) {
        const forged = Object.create(cls.prototype);
        assert.deepEqual(fields(vposError(() => transition(redsysSandbox.payment, forged))), ['field_invalid', 'verified'], cls.name);
      }
    });

    test('CECA, Elavon, PayPal and Bitpay: verified handles give events; failures carry codes', () => {
      const cc = sample('ceca/ceca.json', 'ceca.handle');
      const cg = new ceca.Gateway(cc.config);
      const cv = cg.verify(cg.parseNotification(cc.content_type ?? FORM, cc.body));
      assert.equal(cv.event.gateway, 'ceca');
      assert.equal(cv.notification.amount.currency, cv.event.amount.currency);
      assert.equal(ceca.acknowledge(transition(cc.payment, cv)).body, cc.expect.response.body);
      assert.equal(cg.acknowledge(cg.transition(cc.payment, cv)).body, cc.expect.response.body);

      const el = sample('elavon/elavon.json', 'elavon.handle');
      const eg = new elavon.Gateway(el.config);
      assert.equal(eg.verify(eg.parseNotification(el.content_type ?? FORM, el.body)).event.gateway, 'elavon');
      const rr = sample('elavon/elavon.json', 'elavon.remote_response');
      const ev = new elavon.Gateway(rr.config).parseRemoteResponse(rr.operation, rr.reply);
      assert.equal(ev.event.action, rr.expect.event.action);
      assert.equal(ev.event, ev.event, 'converted once per handle');
      assert.deepEqual(fields(vposError(() => new elavon.Gateway(rr.config).parseRemoteResponse(rr.operation, { error: 'reset' }))),
        ['gateway_unavailable', null]);
      assert.equal(elavon.hash(['a', 'b'], 'secret').length, 40);

      const pp = sample('paypal/paypal.json', 'paypal.handle');
      const pg = new paypal.Gateway(pp.config);
      const ipn = pg.parseNotification(pp.content_type ?? FORM, pp.body);
      assert.equal(pg.postbackRequest(ipn).body.startsWith('cmd=_notify-validate&'), true);
      assert.equal(vposError(() => pg.verifyPostback(ipn, { status: 200, body: 'INVALID' })).code, 'postback_invalid');
      assert.equal(pg.verifyPostback(ipn, { status: 200, body: 'VERIFIED' }).event.gateway, 'paypal');
      assert.equal(pg.verifyPostback(ipn, { status: 200, body: 'VERIFIED' }).notification.txn_id, ipn.untrusted.txn_id,
        'the unverified IPN stays usable');

      const bp = sample('bitpay/bitpay.json', 'bitpay.handle');
      const bg = new bitpay.Gateway(bp.config);
      const claimed = bg.parseNotification(bp.content_type ?? 'application/json', bp.body);
      assert.equal(bg.invoiceStatusRequest(claimed).method, 'GET');
      assert.deepEqual(fields(vposError(() => bg.verifyInvoice(claimed, { error: 'dns' }))), ['gateway_unavailable', null]);
      const bv = bg.verifyInvoice(claimed, bp.reply);
      assert.equal(bv.event.gateway, 'bitpay');
      assert.equal(bv.event.key, bv.event.key);
      assert.equal(claimed.untrusted.id, bv.notification.id);
      assert.equal(bitpay.status('complete'), 'succeeded');
    });

    test('PayPal: the public form refuses NVP credentials; NVP replies are opaque and give events', () => {
      const withNvp = sample('paypal/nvp.json', 'paypal.nvp_set_express_checkout').config;
      const { nvp, ...pub } = withNvp;
      const order = { invoice: 'A-1', item_name: 'Tea', amount: { value: '15', currency: 'EUR' } };
      assert.deepEqual(paypal.checkoutPublic(pub, order), new paypal.Gateway(withNvp).checkout(order));
      const e = vposError(() => paypal.checkoutPublic(withNvp, order));
      assert.deepEqual(fields(e), ['invalid_config', 'nvp']);
      assert.match(e.message, /unknown field `nvp`/);
      assert.doesNotMatch(e.message, new RegExp(nvp.password));
      assert.equal(paypal.validateOrder(pub, order), undefined);
      assert.equal(vposError(() => paypal.validateOrder(pub, { ...order, invoice: '' })).code, 'field_missing');

      const pay = sample('paypal/nvp.json', 'paypal.nvp_payment_event');
      const g = new paypal.Gateway(pay.config);
      const reply = g.parseNvpResponse(pay.reply);
      assert.equal(reply.ack, 'Success');
      assert.equal(reply.get('NO_SUCH_FIELD'), null);
      assert.ok(reply.fields.length > 0);
      assert.equal(reply.token(), reply.get('TOKEN') ?? reply.token());
      assert.deepEqual(reply.toJSON().ack, reply.ack);
      const payEvent = g.paymentEvent(pay.invoice, reply);
      assert.equal(payEvent.event.gateway, 'paypal');
      assert.ok(payEvent instanceof paypal.VerifiedEvent);
      assert.throws(() => g.paymentEvent(pay.invoice, { ack: 'Success', fields: [] }));
      assert.throws(() => g.paymentEvent(pay.invoice, Object.create(paypal.NvpReply.prototype)));
      const fail = vposError(() => paypal.parseNvpResponse({ status: 200, body: 'ACK=Failure&L_ERRORCODE0=15005' }));
      assert.deepEqual(fields(fail), ['gateway_error', 'ACK']);
      assert.equal(vposError(() => g.refundTransactionRequest('T1', { value: '5.001', currency: 'EUR' })).code, 'amount_precision');
    });

    test('hostile notification bodies get a VposError from every gateway, never a trap', () => {
      const cases = [
        [redsys, sample('redsys/handle.json', 'redsys.handle'), (g, n) => g.verify(n)],
        [redsys, { ...sample('redsys/soap.json', 'redsys.verify'), payment: null }, (g, n) => g.verify(n)],
        [ceca, sample('ceca/ceca.json', 'ceca.handle'), (g, n) => g.verify(n)],
        [elavon, sample('elavon/elavon.json', 'elavon.handle'), (g, n) => g.verify(n)],
        [paypal, sample('paypal/paypal.json', 'paypal.handle'), (g, n) => g.verifyPostback(n, { status: 200, body: 'VERIFIED' })],
        [bitpay, sample('bitpay/bitpay.json', 'bitpay.handle'), (g, n) => g.verifyInvoice(n, { status: 200, body: '{"data":{}}' })],
      ];
      let seed = 11;
      const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
      const alphabet = Buffer.from('=&%+<>/"{}[]:,0123456789abcdefXYZ_\u00ff\u0000\n');
      for (const [ns, c, verify] of cases) {
        const g = new ns.Gateway(c.config);
        const type = c.content_type ?? (ns === bitpay ? 'application/json' : FORM);
        const body = Buffer.from(c.body);
        for (let round = 0; round < 300; round++) {
          const cut = body.subarray(0, rand(body.length + 1));
          const noise = Buffer.from(Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]));
          const at = rand(cut.length + 1);
          const mixed = Buffer.concat([cut.subarray(0, at), noise, cut.subarray(at)]);
          try {
            verify(g, g.parseNotification(type, mixed));
          } catch (e) {
            assert.equal(e.name, 'VposError', `${type} ${mixed.toString('latin1')}: ${e.stack}`);
          }
        }
        // The module still works after all of that.
        assert.ok(g.parseNotification(type, body).untrusted);
      }
    });

    test('FloCash polling: requests, and a reply whose events move payments', () => {
      const poll = sample('flocash/poll.json', 'flocash.poll_event');
      const g = new flocash.Gateway(poll.config);
      const polled = g.parsePollResponse(poll.poll_config, poll.reply);
      assert.deepEqual(Object.keys(polled).sort(), ['events', 'payments', 'status_code', 'status_msg']);
      const { events } = polled;
      assert.ok(events.length > 0);
      assert.ok(events.every((e) => e instanceof flocash.PolledEvent));
      assert.equal(polled.payments.length, events.length);
      assert.equal(events[0].event.gateway, 'flocash');
      assert.equal(events[0].event, events[0].event, 'converted once per handle');
      assert.equal(transition(poll.payment, events[0]).outcome, poll.expect.outcomes[0].outcome);
      assert.deepEqual(g.transition(poll.payment, events[0]), transition(poll.payment, events[0]));
      assert.deepEqual(fields(vposError(() => transition(poll.payment, { ...events[0] }))), ['field_invalid', 'verified']);
      assert.deepEqual(fields(vposError(() => transition(poll.payment, events[0].event))), ['field_invalid', 'verified']);
      assert.equal(g.pollByReferenceRequest(poll.poll_config, 'T1').method, 'POST');
      assert.equal(vposError(() => g.pollByTimeRequest(poll.poll_config, 'yesterday', 'today')).field, 'fromTime');
      assert.equal(vposError(() => g.parsePollResponse(poll.poll_config, { error: 'timeout' })).code, 'gateway_unavailable');
    });

    test('the async verbs: gateway.handleNotification, Redsys operate, Elavon remote, Bitpay createInvoice', async () => {
      const g = new redsys.Gateway(redsysSandbox.config);
      const steps = [];
      const result = await g.handleNotification({
        body: Buffer.from(redsysSandbox.body), contentType: FORM,
        onReceived: ({ body }) => steps.push(['received', Buffer.from(body).toString()]),
        payment: (event, verified) => {
          assert.ok(verified instanceof api.VerifiedNotification);
          steps.push(['payment', event.order_id]);
          return redsysSandbox.payment;
        },
      });
      assert.deepEqual(steps, [['received', redsysSandbox.body], ['payment', '0726qI3H7sZx']]);
      assert.equal(result.status, 200);
      assert.equal(result.verdict, 'applied');
      assert.deepEqual(result.outcome, { outcome: 'applied', from: 'pending', to: 'paid', refunded_minor: 0n, captured_minor: 4999n, released_minor: 0n });
      assert.match(result.event.key, /^redsys:/);
      const forged = redsysSandbox.body.replace(/Ds_Signature=[^&]+/, 'Ds_Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D');
      const refused = await g.handleNotification({ body: forged, contentType: FORM, payment: () => assert.fail('never loaded') });
      assert.equal(refused.status, 403);
      assert.equal(refused.error.code, 'signature_mismatch');
      assert.equal(refused.outcome, null);

      const fp = sample('flocash/poll.json', 'flocash.poll_event');
      const fg = new flocash.Gateway(fp.config);
      const post = 'merchant=sales%40demoshop.com&order_id=AT000001&amount=23.45&currency_code=USD'
        + '&trans_id=T1&fpn_id=F1&status=0000&status_msg=Payment+is+successful.';
      const sent = [];
      const flo = await fg.handleNotification({
        body: post, contentType: FORM, token: fp.config.notification_token,
        fetch: async (request) => { sent.push(request.url); return { status: 200, body: 'VERIFIED' }; },
        payment: { ...fp.payment },
      });
      assert.deepEqual(sent, [fg.postbackUrl]);
      assert.equal(flo.verdict, 'applied');
      assert.equal(flo.body, '00');
      const timedOut = await fg.handleNotification({
        body: post, contentType: FORM, token: fp.config.notification_token, timeoutMs: 20,
        fetch: () => new Promise(() => {}), payment: fp.payment,
      });
      assert.deepEqual([timedOut.status, timedOut.error.code], [503, 'postback_failed']);

      const rest = new redsys.Gateway({ ...redsysSandbox.config, rest_url: 'https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST' });
      const down = await rest.operate({ kind: 'refund', order: '1447961844', amount: { value: '1.45', currency: 'EUR' } },
        { fetch: async () => { throw new Error('reset'); } }).then(() => assert.fail('expected a VposError'), (e) => e);
      assert.deepEqual([down.name, down.code], ['VposError', 'gateway_unavailable']);
      const rr = sample('elavon/elavon.json', 'elavon.remote_response');
      const eg = new elavon.Gateway(rr.config);
      const settled = await eg.remote(rr.operation, { fetch: async (request) => {
        assert.deepEqual(request, eg.remoteRequest(rr.operation));
        return rr.reply;
      } });
      assert.ok(settled instanceof elavon.VerifiedEvent);
      assert.equal(settled.event.action, rr.expect.event.action);
      const bp = sample('bitpay/bitpay.json', 'bitpay.handle');
      const bg = new bitpay.Gateway(bp.config);
      const notCreated = await bg.createInvoice({ price: { value: '10', currency: 'USD' }, order_id: 'B-1' },
        { fetch: async () => ({ error: 'dns' }), timeoutMs: 1000 }).then(() => assert.fail('expected a VposError'), (e) => e);
      assert.equal(notCreated.code, 'gateway_unavailable');
      await assert.rejects(() => rest.operate({ kind: 'refund', order: '1', amount: { value: '1', currency: 'EUR' } }, { fetch: 'no' }), TypeError);
    });
  });
}

// The edge module's JS surface beyond the vectors: which module has what (no secret-holding
// gateway in the browser module), opaque handles per gateway, errors with `code`, secrets kept
// out of public configurations and error messages, and the Redsys stored-credential fields.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builds, edgeBuilds, parseJson } from './support.mjs';

const FORM = 'application/x-www-form-urlencoded';
const vector = (p) => parseJson(readFileSync(new URL(`../../tests/vectors/${p}`, import.meta.url), 'utf8'));
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
    for (const gone of ['transition', 'Event', 'Outcome', 'Config', 'handleNotification']) assert.equal(api[gone], undefined, `${name}: ${gone}`);
    assert.equal(typeof api.flocash.checkoutPublic, 'function', `${name}: the unsigned form stays`);
  }
  for (const { name, api } of await edgeBuilds()) {
    assert.equal(api.flavour(), 'edge', name);
    for (const gw of ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'bitpay']) assert.equal(typeof api[gw].Gateway, 'function', `${name}: ${gw}`);
  }
});

for (const { name, api } of await edgeBuilds()) {
  const { redsys, ceca, elavon, paypal, bitpay, flocash, transition } = api;
  describe(`the ${name} build`, () => {
    test('publicConfig() leaves every secret out', () => {
      const configs = {
        redsys: redsysSandbox.config,
        ceca: sample('ceca/ceca.json', 'ceca.handle').config,
        elavon: { ...sample('elavon/elavon.json', 'elavon.handle').config, rebate_password: 'rebate-pw-1' },
        bitpay: sample('bitpay/bitpay.json', 'bitpay.handle').config,
      };
      for (const [gw, config] of Object.entries(configs)) {
        const pub = new api[gw].Gateway(config).publicConfig();
        for (const key of SECRETS[gw]) {
          assert.ok(config[key], `${gw}.${key} is set in the sample`);
          assert.ok(!(key in pub), `${gw}: ${key} in publicConfig`);
          assert.ok(!JSON.stringify(pub).includes(config[key]), `${gw}: ${key} value leaked`);
        }
      }
      const pp = sample('paypal/nvp.json', 'paypal.nvp_set_express_checkout').config;
      const pub = new paypal.Gateway(pp).publicConfig();
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
        assert.equal(g.parseNotification(FORM, b).untrusted().order, '0726qI3H7sZx');
      }
      const unverified = g.parseNotification(FORM, redsysSandbox.body);
      const verified = g.verify(unverified);
      assert.equal(g.verify(unverified).event().key, verified.event().key, 'verify does not spend the handle');
      assert.equal(verified.notification().amount.minor, 4999n);
      assert.equal(verified.parameters().Ds_Order, '0726qI3H7sZx');
      assert.deepEqual(Buffer.from(verified.rawBody()).toString(), redsysSandbox.body);
      const outcome = transition(redsysSandbox.payment, verified.event());
      assert.equal(outcome.newStatus, 'paid');
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
        .parseNotification(stored.content_type ?? FORM, stored.body)).notification();
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
      assert.throws(() => transition(redsysSandbox.payment, unverified));
      assert.throws(() => transition(redsysSandbox.payment, { key: 'redsys:x' }));
      assert.throws(() => g.acknowledge({ notification: () => ({}) }, transition(redsysSandbox.payment, g.verify(unverified).event())));
      assert.throws(() => g.verify({ untrusted: () => ({}) }));
      const c = new ceca.Gateway(sample('ceca/ceca.json', 'ceca.handle').config);
      assert.throws(() => c.verify(unverified), 'a Redsys handle is not a CECA one');
      for (const cls of [redsys.VerifiedNotification, ceca.VerifiedNotification, elavon.VerifiedNotification,
        elavon.VerifiedEvent, paypal.VerifiedNotification, paypal.VerifiedEvent, paypal.NvpReply,
        bitpay.VerifiedNotification, flocash.PollReply]) {
        assert.throws(() => new cls().event(), cls.name);
      }
      assert.equal(transition(redsysSandbox.payment, g.verify(unverified).event()).newStatus, 'paid', 'the module is intact');
    });

    test('CECA, Elavon, PayPal and Bitpay: verified handles give events; failures carry codes', () => {
      const cc = sample('ceca/ceca.json', 'ceca.handle');
      const cg = new ceca.Gateway(cc.config);
      assert.equal(cg.verify(cg.parseNotification(cc.content_type ?? FORM, cc.body)).event().toJSON().gateway, 'ceca');
      assert.equal(ceca.acknowledge(transition(cc.payment, cg.verify(cg.parseNotification(FORM, cc.body)).event())).body,
        cc.expect.response.body);

      const el = sample('elavon/elavon.json', 'elavon.handle');
      const eg = new elavon.Gateway(el.config);
      assert.equal(eg.verify(eg.parseNotification(el.content_type ?? FORM, el.body)).event().toJSON().gateway, 'elavon');
      const rr = sample('elavon/elavon.json', 'elavon.remote_response');
      const ev = new elavon.Gateway(rr.config).parseRemoteResponse(rr.operation, rr.reply);
      assert.equal(ev.event().toJSON().action, rr.expect.event.action);
      assert.deepEqual(fields(vposError(() => new elavon.Gateway(rr.config).parseRemoteResponse(rr.operation, { error: 'reset' }))),
        ['gateway_unavailable', null]);
      assert.equal(elavon.hash(['a', 'b'], 'secret').length, 40);

      const pp = sample('paypal/paypal.json', 'paypal.handle');
      const pg = new paypal.Gateway(pp.config);
      const ipn = pg.parseNotification(pp.content_type ?? FORM, pp.body);
      assert.equal(pg.postbackRequest(ipn).body.startsWith('cmd=_notify-validate&'), true);
      assert.equal(vposError(() => pg.verifyPostback(ipn, { status: 200, body: 'INVALID' })).code, 'postback_invalid');
      assert.equal(pg.verifyPostback(ipn, { status: 200, body: 'VERIFIED' }).event().toJSON().gateway, 'paypal');

      const bp = sample('bitpay/bitpay.json', 'bitpay.handle');
      const bg = new bitpay.Gateway(bp.config);
      const claimed = bg.parseNotification(bp.content_type ?? 'application/json', bp.body);
      assert.equal(bg.invoiceStatusRequest(claimed).method, 'GET');
      assert.deepEqual(fields(vposError(() => bg.verifyInvoice(claimed, { error: 'dns' }))), ['gateway_unavailable', null]);
      assert.equal(bg.verifyInvoice(claimed, bp.reply).event().toJSON().gateway, 'bitpay');
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
      assert.equal(g.paymentEvent(pay.invoice, reply).event().toJSON().gateway, 'paypal');
      assert.throws(() => g.paymentEvent(pay.invoice, { ack: 'Success', fields: [] }));
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
        assert.ok(g.parseNotification(type, body).untrusted());
      }
    });

    test('FloCash polling: requests, and a reply whose events move payments', () => {
      const poll = sample('flocash/poll.json', 'flocash.poll_event');
      const g = new flocash.Gateway(poll.config);
      const polled = g.parsePollResponse(poll.poll_config, poll.reply);
      const events = polled.events();
      assert.ok(events.length > 0);
      assert.ok(events.every((e) => e instanceof api.Event));
      assert.equal(polled.reply().payments.length, events.length);
      assert.equal(transition(poll.payment, events[0]).toJSON().outcome, poll.expect.outcomes[0].outcome);
      assert.equal(g.pollByReferenceRequest(poll.poll_config, 'T1').method, 'POST');
      assert.equal(vposError(() => g.pollByTimeRequest(poll.poll_config, 'yesterday', 'today')).field, 'fromTime');
      assert.equal(vposError(() => g.parsePollResponse(poll.poll_config, { error: 'timeout' })).code, 'gateway_unavailable');
    });
  });
}

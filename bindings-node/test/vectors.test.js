'use strict';
// Every case of every file under tests/vectors/ through the public `vpos` API: the same
// operations as core/tests/vectors.rs, the same subset judgement. What ran goes to
// target/vector-runs/node.json (scripts/vector_parity.py compares the runtimes), one line per
// file on stderr. This runner skips nothing.

const { describe, test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vpos = require('vpos');
const { VECTORS_DIR, vectorFiles, loadCases, subset, show, moneyAsBigint } = require('./support/vectors.js');

const { flocash, redsys, ceca, elavon, paypal, bitpay, money } = vpos;

// The areas (tests/vectors/<area>): every gateway vpos has, and money.
const AREAS = ['bitpay', 'ceca', 'elavon', 'flocash', 'money', 'paypal', 'redsys'];

function body(input) {
  if (input.body_base64 !== undefined) return Buffer.from(input.body_base64, 'base64');
  return Buffer.from(input.body ?? '', 'utf8');
}

const contentType = (input) => input.content_type ?? 'application/x-www-form-urlencoded';
// Verbs that need no valid configuration get one as given, as the Rust runner does.
const gateway = (input) => new flocash.Gateway(input.config, { validate: false });
const parsed = (input) => gateway(input).parseNotification(contentType(input), body(input));

/** The whole flow, through the notification handler, with the vector's reply as post-back. */
async function handle(input) {
  const g = gateway(input);
  const result = await g.handleNotification({
    body: body(input),
    headers: { 'content-type': contentType(input) },
    // FloCash's token is checked every time (the driver): a vector without one is a host
    // that checked it already, so the configuration's own token is given.
    token: input.token !== undefined ? input.token : input.config.notification_token,
    payment: input.payment,
    postback: async () => {
      if (input.reply.error !== undefined) throw new Error(input.reply.error);
      return input.reply;
    },
  });
  const response = { status: result.status, headers: result.headers, body: result.body };
  // A rejected outcome carries its error too (the error to store): the outcome is the result.
  return result.outcome ? { outcome: result.outcome, response } : { error: result.error, response };
}

/** The host flow of a gateway with its own `handleNotification`, as a vector's result. */
async function flow(g, input, extra = {}) {
  const result = await g.handleNotification({
    body: body(input),
    headers: { 'content-type': contentType(input) },
    payment: input.payment,
    ...extra,
  });
  const response = { status: result.status, headers: result.headers, body: result.body };
  return result.outcome ? { ...result, response } : { error: result.error, response };
}

const b64json = (text) => JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
const rs = (input) => new redsys.Gateway(input.config, { validate: false });
const rsParsed = (input) => rs(input).parseNotification(contentType(input), body(input));

const pp = (input) => new paypal.Gateway(input.config, { validate: false });
/** An NVP request and its body decoded back into pairs, as the Rust runner reports it. */
const nvp = (request) => ({ request, fields: [...new URLSearchParams(request.body)] });
function nvpEvent(input, make) {
  const g = pp(input);
  const verified = make(g, g.parseNvpResponse(input.reply));
  const result = { event: verified.event };
  if (input.payment !== undefined) result.outcome = g.transition(input.payment, verified);
  return result;
}

const OPERATIONS = {
  'money.parse': (i) => money.parse(i.value, i.currency),
  'money.from_minor': (i) => money.fromMinor(BigInt(i.minor), i.currency),
  'currency.lookup': (i) => money.currency(i.numeric ?? i.code),
  'flocash.config': (i) => ({ postback_url: new flocash.Gateway(i.config).postbackUrl }),
  'flocash.check_token': (i) => (gateway(i).checkToken(i.token), {}),
  'flocash.status': (i) => flocash.status(i.code),
  'flocash.checkout': (i) => gateway(i).checkout(i.order),
  'flocash.checkout_public': (i) => flocash.checkoutPublic(i.public_config, i.order),
  'flocash.parse_notification': (i) => parsed(i).untrusted,
  'flocash.postback_request': (i) => gateway(i).postbackRequest(parsed(i)),
  'flocash.verify_postback': (i) => ({ event: gateway(i).verifyPostback(parsed(i), i.reply).event }),
  'flocash.handle': handle,
  'flocash.poll_by_reference_request': (i) => gateway(i).pollByReferenceRequest(i.poll_config, i.trace_number),
  'flocash.poll_by_time_request': (i) => gateway(i).pollByTimeRequest(i.poll_config, i.from, i.to),
  'flocash.parse_poll_response': (i) => {
    const { events, ...reply } = gateway(i).parsePollResponse(i.poll_config, i.reply);
    return { reply, events: events.map((e) => e.event) };
  },
  'flocash.poll_event': (i) => ({
    outcomes: gateway(i).parsePollResponse(i.poll_config, i.reply).events.map((e) => vpos.transition(i.payment, e)),
  }),
  'redsys.order_key': (i) => ({ order_key: rs(i).orderKey(i.order) }),
  'redsys.sign': (i) => ({ signature: rs(i).sign(i.order, i.message) }),
  'redsys.checkout': (i) => rs(i).checkout(i.order),
  'redsys.checkout_parameters': (i) => {
    const form = rs(i).checkout(i.order);
    return { parameters: b64json(form.fields.find(([n]) => n === 'Ds_MerchantParameters')[1]) };
  },
  'redsys.parse_notification': (i) => rsParsed(i).untrusted,
  'redsys.verify': (i) => {
    const verified = rs(i).verify(rsParsed(i));
    return { notification: verified.notification, parameters: verified.parameters, event: verified.event };
  },
  'redsys.status': (i) => redsys.status(i.transaction_type, i.response),
  'redsys.soap_answer': (i) => rs(i).soapAnswer(i.order, i.accept),
  'redsys.handle': async (i) => {
    const { outcome, error, response } = await flow(rs(i), i);
    return outcome ? { outcome, response } : { error, response };
  },
  'redsys.operation_request': (i) => {
    const request = rs(i).operationRequest(i.operation);
    const b = JSON.parse(request.body);
    return { request, body: b, parameters: b64json(b.Ds_MerchantParameters) };
  },
  'redsys.operation_response': (i) => {
    const g = rs(i);
    const verified = g.parseOperationResponse(i.reply);
    const result = { notification: verified.notification, event: verified.event };
    if (i.payment !== undefined) result.outcome = g.transition(i.payment, verified);
    return result;
  },
  'ceca.checkout': (i) => new ceca.Gateway(i.config, { validate: false }).checkout(i.order),
  'ceca.parse_notification': (i) =>
    new ceca.Gateway(i.config, { validate: false }).parseNotification(contentType(i), body(i)).untrusted,
  'ceca.handle': async (i) => {
    const { outcome, error, response } = await flow(new ceca.Gateway(i.config, { validate: false }), i);
    return outcome ? { outcome, response } : { error, response };
  },
  'elavon.hash': (i) => ({ hash: elavon.hash(i.fields, i.secret) }),
  'elavon.checkout': (i) => new elavon.Gateway(i.config, { validate: false }).checkout(i.order),
  'elavon.handle': async (i) => {
    const { notification, outcome, error, response } = await flow(new elavon.Gateway(i.config, { validate: false }), i);
    return outcome ? { notification, outcome, response } : { error, response };
  },
  'elavon.remote_request': (i) => new elavon.Gateway(i.config, { validate: false }).remoteRequest(i.operation),
  'elavon.remote_response': (i) => {
    const g = new elavon.Gateway(i.config, { validate: false });
    const verified = g.parseRemoteResponse(i.operation, i.reply);
    const result = { event: verified.event };
    if (i.payment !== undefined) result.outcome = g.transition(i.payment, verified);
    return result;
  },
  'paypal.checkout': (i) => new paypal.Gateway(i.config, { validate: false }).checkout(i.order),
  'paypal.parse_notification': (i) =>
    new paypal.Gateway(i.config, { validate: false }).parseNotification(contentType(i), body(i)).untrusted,
  'paypal.postback_request': (i) => {
    const g = new paypal.Gateway(i.config, { validate: false });
    return g.postbackRequest(g.parseNotification(contentType(i), body(i)));
  },
  'paypal.handle': async (i) => {
    const { outcome, error, response } = await flow(new paypal.Gateway(i.config, { validate: false }), i, {
      postback: async () => {
        if (i.reply.error !== undefined) throw new Error(i.reply.error);
        return i.reply;
      },
    });
    return outcome ? { outcome, response } : { error, response };
  },
  'paypal.nvp_set_express_checkout': (i) => nvp(pp(i).setExpressCheckoutRequest(i.order)),
  'paypal.nvp_get_express_checkout_details': (i) => nvp(pp(i).getExpressCheckoutDetailsRequest(i.token)),
  'paypal.nvp_do_express_checkout_payment': (i) => nvp(pp(i).doExpressCheckoutPaymentRequest(i.token, i.payer_id, i.order)),
  'paypal.nvp_refund_transaction': (i) => nvp(pp(i).refundTransactionRequest(i.transaction_id, i.amount)),
  'paypal.nvp_redirect': (i) => pp(i).expressCheckoutRedirect(i.token),
  'paypal.nvp_parse_response': (i) => {
    const reply = pp(i).parseNvpResponse(i.reply);
    return { ack: reply.ack, fields: reply.fields };
  },
  'paypal.nvp_payment_event': (i) => nvpEvent(i, (g, reply) => g.paymentEvent(i.invoice, reply)),
  'paypal.nvp_refund_event': (i) => nvpEvent(i, (g, reply) => g.refundEvent(i.invoice, reply)),
  'bitpay.invoice_request': (i) => {
    const request = new bitpay.Gateway(i.config, { validate: false }).invoiceRequest(i.request);
    return { request, body: JSON.parse(request.body) };
  },
  'bitpay.invoice_response': (i) => new bitpay.Gateway(i.config, { validate: false }).invoiceResponse(i.reply),
  'bitpay.handle': async (i) => {
    let fetched = null;
    const { outcome, error, response } = await flow(new bitpay.Gateway(i.config, { validate: false }), i, {
      fetch: async (request) => {
        fetched = request;
        if (i.reply.error !== undefined) throw new Error(i.reply.error);
        return i.reply;
      },
    });
    return outcome ? { fetch: fetched, outcome, response } : { error, response };
  },
};

async function run(c, errors, index) {
  const op = OPERATIONS[c.operation];
  assert.ok(op, `unknown operation ${c.operation}`);
  const input = moneyAsBigint(c.input);
  let actual;
  let error;
  try {
    actual = await op(input);
  } catch (e) {
    error = e;
    if (vpos.isVposError(e)) errors[index] = { code: e.code, field: e.field ?? null };
  }
  if (c.expect !== undefined && c.error === undefined) {
    if (error) assert.fail(`expected success, got ${error.code ?? 'a non-vpos error'}: ${error.stack}`);
    const why = subset(c.expect, actual);
    assert.equal(why, null, why ?? '');
  } else if (c.error !== undefined && c.expect === undefined) {
    if (!error) assert.fail(`expected an error, got ${show(actual)}`);
    assert.ok(vpos.isVposError(error), `not a vpos error: ${error.stack}`);
    // `field` is matched whenever the vector names it, null included: absent and null agree.
    const actualError = { code: error.code, field: error.field ?? null, message: error.message };
    const why = subset(c.error, actualError, 'error');
    assert.equal(why, null, why ?? '');
  } else {
    assert.fail('a case needs exactly one of expect / error');
  }
}

const files = vectorFiles();

test('every area has vector files, and no area is unknown (a new one must be wired here)', () => {
  const areas = [...new Set(files.map((f) => path.relative(VECTORS_DIR, f).split(path.sep)[0]))].sort();
  assert.deepEqual(areas, AREAS);
});

// Cases this binding is known to get wrong, for now: each runs as a `todo` test (reported, not
// failing this file), is listed by scripts/vector_parity.py on every run, and fails the parity
// check as soon as it passes (then delete it here).
const KNOWN = {
  'paypal/nvp.json': {
    15: 'refundTransactionRequest reads `amount` without naming it: field null, the core and Python say "amount"',
    16: 'refundTransactionRequest reads `amount` without naming it: field null, the core and Python say "amount"',
  },
};

// Per file (relative to tests/vectors, with /): {cases, ran, failed, skipped, errors, known}.
const manifest = {};

for (const file of files) {
  const name = path.relative(VECTORS_DIR, file);
  const cases = loadCases(file);
  const key = name.split(path.sep).join('/');
  const known = KNOWN[key] ?? {};
  const record = { cases: cases.length, ran: [], failed: [], skipped: [], errors: {}, known };
  manifest[key] = record;
  describe(name, () => {
    test('has cases, each with a description and a source', () => {
      assert.ok(cases.length > 0);
      for (const c of cases) assert.ok(c.description && c.source !== undefined, show(c));
    });
    for (const [i, c] of cases.entries()) {
      test(`#${i} ${c.description}`, { todo: known[i] }, async () => {
        record.ran.push(i);
        try {
          await run(c, record.errors, i);
        } catch (e) {
          record.failed.push(i);
          throw e;
        }
      });
    }
  });
}

after(() => {
  const out = path.resolve(__dirname, '../../target/vector-runs/node.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const run_id = process.env.VPOS_VECTOR_RUN_ID ?? null;
  fs.writeFileSync(out, `${JSON.stringify({ runtime: 'node', run_id, files: manifest }, null, 2)}\n`);
  for (const [name, r] of Object.entries(manifest)) {
    process.stderr.write(
      `vectors node: ${name}: ${r.cases} cases, ${r.ran.length} ran, ${r.failed.length} failed, ${r.skipped.length} skipped\n`,
    );
  }
});

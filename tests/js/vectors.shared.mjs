// The one JS runner of the shared vectors (tests/vectors, docs/conformance.md): every case
// through the public API of a package that exposes the vpos core to JavaScript, with the same
// operations as core/tests/vectors.rs and the same subset judgement. Both packages run this
// file, so one JS API answers every vector:
//
//   bindings-node/test/vectors.test.mjs   (make node-test: the Node addon, runtime `node`)
//   bindings-wasm/test/vectors.test.mjs   (make wasm-test: the edge module's two builds run
//                                          every case; the browser module's two builds run
//                                          their share and declare the rest skipped)
//
// What each runtime ran goes to target/vector-runs/<runtime>.json when its suite ends
// (scripts/vector_parity.py compares the runtimes), one line per file on stderr.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VECTORS_DIR, vectorFiles, loadCases, moneyAsBigint, parseJson, subsetMismatch, show } from './vectors.support.mjs';

// The areas (tests/vectors/<area>): a new one fails the test below until it is wired here.
const AREAS = ['bitpay', 'ceca', 'elavon', 'flocash', 'money', 'paypal', 'paypal_rest', 'redsys'];

// Cases the JS packages are known to get wrong, for now: each runs as a `todo` test (reported,
// not failing), is listed by scripts/vector_parity.py on every run, and fails the parity check
// as soon as it passes (then delete it here).
const KNOWN = {
  'paypal/nvp.json': {
    15: 'refundTransactionRequest reads `amount` without naming it: field null, the core and Python say "amount"',
    16: 'refundTransactionRequest reads `amount` without naming it: field null, the core and Python say "amount"',
  },
};

const bodyOf = (input) =>
  input.body_base64 !== undefined ? Buffer.from(input.body_base64, 'base64') : Buffer.from(input.body ?? '', 'utf8');
const contentTypeOf = (input) => input.content_type ?? 'application/x-www-form-urlencoded';
const b64json = (text) => parseJson(Buffer.from(text, 'base64').toString('utf8'));
/** An NVP request and its body decoded back into pairs, as the Rust runner reports it. */
const nvp = (request) => ({ request, fields: [...new URLSearchParams(request.body)] });
/** The vector's reply as the host's fetch: `{ error }` becomes a failed request. */
const replying = (input) => async () => {
  if (input.reply.error !== undefined) throw new Error(input.reply.error);
  return input.reply;
};

/** The operations of core/tests/vectors.rs, through the public JS API of `api`. */
function operations(api) {
  const { flocash, redsys, ceca, elavon, paypal, bitpay, money } = api;
  // Verbs that need no valid configuration get one as given, as the Rust runner does.
  const fc = (i) => new flocash.Gateway(i.config, { validate: false });
  const rs = (i) => new redsys.Gateway(i.config, { validate: false });
  const cc = (i) => new ceca.Gateway(i.config, { validate: false });
  const ev = (i) => new elavon.Gateway(i.config, { validate: false });
  const pp = (i) => new paypal.Gateway(i.config, { validate: false });
  const bp = (i) => new bitpay.Gateway(i.config, { validate: false });
  const parsed = (g, i) => g.parseNotification(contentTypeOf(i), bodyOf(i));

  /** A gateway's notification flow (`handleNotification`, the driver's one path) as a vector's result. */
  async function flow(g, i, extra = {}) {
    const result = await g.handleNotification({
      body: bodyOf(i),
      headers: { 'content-type': contentTypeOf(i) },
      payment: i.payment,
      ...extra,
    });
    const response = { status: result.status, headers: result.headers, body: result.body };
    // A rejected outcome carries its error too (the error to store): the outcome is the result.
    return result.outcome ? { ...result, response } : { error: result.error, response };
  }
  const outcomeOrError = ({ outcome, error, response }) => (outcome ? { outcome, response } : { error, response });

  function nvpEvent(i, make) {
    const g = pp(i);
    const verified = make(g, g.parseNvpResponse(i.reply));
    const result = { event: verified.event };
    if (i.payment !== undefined) result.outcome = g.transition(i.payment, verified);
    return result;
  }

  return {
    'money.parse': (i) => money.parse(i.value, i.currency),
    'money.from_minor': (i) => money.fromMinor(BigInt(i.minor), i.currency),
    'currency.lookup': (i) => money.currency(i.numeric ?? i.code),

    'flocash.config': (i) => ({ postback_url: new flocash.Gateway(i.config).postbackUrl }),
    'flocash.check_token': (i) => (fc(i).checkToken(i.token), {}),
    'flocash.status': (i) => flocash.status(i.code),
    'flocash.checkout': (i) => fc(i).checkout(i.order),
    'flocash.checkout_public': (i) => flocash.checkoutPublic(i.public_config, i.order),
    'flocash.parse_notification': (i) => parsed(fc(i), i).untrusted,
    'flocash.postback_request': (i) => {
      const g = fc(i);
      return g.postbackRequest(parsed(g, i));
    },
    'flocash.verify_postback': (i) => {
      const g = fc(i);
      return { event: g.verifyPostback(parsed(g, i), i.reply).event };
    },
    // FloCash's token is checked every time (the driver): a vector without one is a host that
    // checked it already, so the configuration's own token is given.
    'flocash.handle': async (i) =>
      outcomeOrError(await flow(fc(i), i, {
        token: i.token !== undefined ? i.token : i.config.notification_token,
        postback: replying(i),
      })),
    'flocash.poll_by_reference_request': (i) => fc(i).pollByReferenceRequest(i.poll_config, i.trace_number),
    'flocash.poll_by_time_request': (i) => fc(i).pollByTimeRequest(i.poll_config, i.from, i.to),
    'flocash.parse_poll_response': (i) => {
      const { events, ...reply } = fc(i).parsePollResponse(i.poll_config, i.reply);
      return { reply, events: events.map((e) => e.event) };
    },
    'flocash.poll_event': (i) => ({
      outcomes: fc(i).parsePollResponse(i.poll_config, i.reply).events.map((e) => api.transition(i.payment, e)),
    }),

    'redsys.order_key': (i) => ({ order_key: rs(i).orderKey(i.order) }),
    'redsys.sign': (i) => ({ signature: rs(i).sign(i.order, i.message) }),
    'redsys.checkout': (i) => rs(i).checkout(i.order),
    'redsys.checkout_parameters': (i) => {
      const form = rs(i).checkout(i.order);
      return { parameters: b64json(form.fields.find(([n]) => n === 'Ds_MerchantParameters')[1]) };
    },
    'redsys.parse_notification': (i) => parsed(rs(i), i).untrusted,
    'redsys.verify': (i) => {
      const g = rs(i);
      const verified = g.verify(parsed(g, i));
      return { notification: verified.notification, parameters: verified.parameters, event: verified.event };
    },
    'redsys.status': (i) => redsys.status(i.transaction_type, i.response),
    'redsys.soap_answer': (i) => rs(i).soapAnswer(i.order, i.accept),
    'redsys.handle': async (i) => outcomeOrError(await flow(rs(i), i)),
    'redsys.operation_request': (i) => {
      const request = rs(i).operationRequest(i.operation);
      const body = parseJson(request.body);
      return { request, body, parameters: b64json(body.Ds_MerchantParameters) };
    },
    'redsys.paygold_request': (i) => rs(i).paygoldRequest(i.link),
    'redsys.paygold_reply': (i) => rs(i).paygoldParseReply(i.link, i.reply),
    'redsys.emv3ds_inicia_request': (i) => rs(i).emv3dsIniciaRequest(i.payment),
    'redsys.emv3ds_trata_request': (i) => rs(i).emv3dsTrataRequest(i.payment, i.authentication),
    'redsys.emv3ds_challenge_request': (i) => rs(i).emv3dsChallengeRequest(i.payment, i.challenge),
    'redsys.emv3ds_inicia_response': (i) => {
      const g = rs(i);
      const card = g.emv3dsParseIniciaResponse(i.payment, i.reply);
      return { card, method_form: g.emv3dsMethodForm(card, i.notification_url ?? 'https://shop.example/m') };
    },
    'redsys.emv3ds_method_data': (i) => ({ three_ds_server_trans_id: rs(i).emv3dsMethodData(i.data) }),
    'redsys.emv3ds_trata_response': (i) => {
      const step = rs(i).emv3dsParseTrataResponse(i.payment, i.reply);
      if (step.kind !== 'final') return step;
      return { kind: 'final', notification: step.notification.notification, event: step.notification.event };
    },
    'redsys.emv3ds_challenge_response': (i) => {
      const verified = rs(i).emv3dsParseChallengeResponse(i.payment, i.reply);
      return { notification: verified.notification, event: verified.event };
    },
    'redsys.operation_response': (i) => {
      const g = rs(i);
      const verified = g.parseOperationResponse(i.reply);
      const result = { notification: verified.notification, event: verified.event };
      if (i.payment !== undefined) result.outcome = g.transition(i.payment, verified);
      return result;
    },

    'ceca.checkout': (i) => cc(i).checkout(i.order),
    'ceca.parse_notification': (i) => parsed(cc(i), i).untrusted,
    'ceca.handle': async (i) => outcomeOrError(await flow(cc(i), i)),
    // Refunds through the driver's one operation path, as hosts call it.
    'ceca.refund_request': (i) => api.operationRequest(new api.Config({ gateway: 'ceca', ...i.config }), i.operation),
    'ceca.refund_response': (i) => {
      const reply = api.parseOperationReply(new api.Config({ gateway: 'ceca', ...i.config }), i.operation, i.reply);
      const result = { event: reply.event };
      if (i.payment !== undefined) result.outcome = api.transition(i.payment, reply);
      return result;
    },

    'elavon.hash': (i) => ({ hash: elavon.hash(i.fields, i.secret) }),
    'elavon.checkout': (i) => ev(i).checkout(i.order),
    'elavon.handle': async (i) => {
      const { notification, outcome, error, response } = await flow(ev(i), i);
      return outcome ? { notification, outcome, response } : { error, response };
    },
    'elavon.remote_request': (i) => ev(i).remoteRequest(i.operation),
    'elavon.remote_response': (i) => {
      const g = ev(i);
      const verified = g.parseRemoteResponse(i.operation, i.reply);
      const result = { event: verified.event };
      if (i.payment !== undefined) result.outcome = g.transition(i.payment, verified);
      return result;
    },

    'paypal.checkout': (i) => pp(i).checkout(i.order),
    'paypal.parse_notification': (i) => parsed(pp(i), i).untrusted,
    'paypal.postback_request': (i) => {
      const g = pp(i);
      return g.postbackRequest(parsed(g, i));
    },
    'paypal.handle': async (i) => outcomeOrError(await flow(pp(i), i, { postback: replying(i) })),
    'paypal.nvp_set_express_checkout': (i) => nvp(pp(i).setExpressCheckoutRequest(i.order)),
    'paypal.nvp_get_express_checkout_details': (i) => nvp(pp(i).getExpressCheckoutDetailsRequest(i.token)),
    'paypal.nvp_do_express_checkout_payment': (i) => nvp(pp(i).doExpressCheckoutPaymentRequest(i.token, i.payer_id, i.order)),
    'paypal.nvp_refund_transaction': (i) => nvp(pp(i).refundTransactionRequest(i.transaction_id, i.amount)),
    'paypal.nvp_redirect': (i) => pp(i).expressCheckoutRedirect(i.token),
    'paypal.nvp_parse_response': (i) => {
      const reply = paypal.parseNvpResponse(i.reply);
      return { ack: reply.ack, fields: reply.fields };
    },
    'paypal.nvp_payment_event': (i) => nvpEvent(i, (g, reply) => g.paymentEvent(i.invoice, reply)),
    'paypal.nvp_refund_event': (i) => nvpEvent(i, (g, reply) => g.refundEvent(i.invoice, reply)),

    'driver.status_query': (i) => {
      // The request, the reply read and, with `payment`, each event through `transition` in
      // order, every `applied` outcome stored on the snapshot before the next (as the core runner).
      const config = new api.Config(i.config);
      const request = api.statusQueryRequest(config, i.query);
      const answer = api.parseStatusReply(config, i.query, i.reply);
      const result = { request, found: answer.found, events: answer.events.map((e) => e.event), payment_fields: answer.paymentFields };
      if (i.payment !== undefined) {
        const payment = { ...i.payment, applied_event_keys: [...(i.payment.applied_event_keys ?? [])] };
        result.outcomes = answer.events.map((e) => {
          const outcome = api.transition(payment, e);
          if (outcome.outcome === 'applied') {
            payment.status = outcome.to;
            payment.refunded_minor = outcome.refunded_minor;
            payment.captured_minor = outcome.captured_minor;
            payment.released_minor = outcome.released_minor;
            payment.applied_event_keys.push(e.event.key);
          }
          return outcome;
        });
      }
      return result;
    },
    'driver.checkout': (i) => driverCheckout(api, i),
    'driver.notification': (i) => driverNotification(api, i),
    'driver.operation': (i) => driverOperation(api, i),
    'driver.operation_key': (i) => ({ key: api.operationKey(i.gateway, i.merchant, i.order_id, i.kind, i.sequence) }),
    'driver.retry_after': (i) => ({ wait_ms: api.retryAfter(i.gateway, i.attempt, i.failure, i.policy) }),

    'bitpay.invoice_request': (i) => {
      const request = bp(i).invoiceRequest(i.request);
      return { request, body: parseJson(request.body) };
    },
    'bitpay.invoice_response': (i) => bp(i).invoiceResponse(i.reply),
    'bitpay.handle': async (i) => {
      let fetched = null;
      const { outcome, error, response } = await flow(bp(i), i, {
        fetch: async (request) => {
          fetched = request;
          return replying(i)();
        },
      });
      return outcome ? { fetch: fetched, outcome, response } : { error, response };
    },
    // The merchant facade (no account needed) and refunds through the driver's operation path.
    'bitpay.key': (i) => {
      const result = bitpay.merchantKeyInfo(i.private_key);
      if (i.message !== undefined) result.signature = bitpay.sign(i.private_key, i.message);
      return result;
    },
    'bitpay.verify_signature': (i) => {
      bitpay.verifySignature(i.identity, i.message, i.signature);
      return {};
    },
    'bitpay.pairing_request': (i) => {
      const request = bitpay.pairingRequest(i.api_url, i.private_key, i.pairing_code);
      return { request, body: parseJson(request.body) };
    },
    'bitpay.pairing_response': (i) => bitpay.parsePairingResponse(i.reply),
    'bitpay.refund': (i) => {
      const config = new api.Config({ ...i.config, gateway: 'bitpay' });
      const request = api.operationRequest(config, i.operation);
      const result = { request, body: parseJson(request.body) };
      if (i.reply !== undefined) {
        const answer = api.parseOperationReply(config, i.operation, i.reply);
        result.event = answer.event;
        if (i.payment !== undefined) result.outcome = api.transition(i.payment, answer);
      }
      return result;
    },
  };
}

/** `driver.checkout`: `order` (tagged) or `order_request`; the form, or the request and, with `reply`, what parseCheckoutReply reads. */
function driverCheckout(api, i) {
  const config = new api.Config(i.config);
  const order = i.order_request !== undefined ? api.orderForPayment(config.gateway, i.order_request) : i.order;
  const made = api.checkout(config, order);
  if (made.form) return { form: made.form };
  const result = { request: made.request };
  if (i.reply !== undefined) Object.assign(result, api.parseCheckoutReply(config, i.reply));
  return result;
}

/** A vpos error as the core runner reports it. */
const errorOf = (e) => ({ code: e.code, field: e.field ?? null, message: e.message });

/** `driver.notification`: parse (headers, the host's clock), summary, prove, transition, acknowledge; any error goes to reject. */
function driverNotification(api, i) {
  let config;
  try {
    config = new api.Config(i.config);
  } catch (e) {
    if (!isVposError(e)) throw e;
    return { error: errorOf(e) };
  }
  const result = {};
  let answer;
  try {
    const unverified = api.parseNotification(config, {
      contentType: contentTypeOf(i), body: bodyOf(i), token: i.token, headers: i.headers,
      nowUnix: i.now_unix === undefined ? undefined : Number(i.now_unix),
    });
    result.summary = unverified.summary;
    const proof = api.prove(config, unverified);
    let verified = proof.verified;
    if (!verified) {
      result.request = proof.request;
      verified = proof.pending.finish(config, i.reply);
    }
    result.event = verified.event;
    const outcome = api.transition(i.payment, verified);
    result.outcome = outcome;
    answer = api.acknowledge(config, verified, outcome);
  } catch (e) {
    if (!isVposError(e)) throw e;
    result.error = errorOf(e);
    answer = api.reject(config, e);
  }
  result.answer = { verdict: answer.verdict, response: answer.response, payment_fields: answer.paymentFields, error: answer.error };
  return result;
}

/** `driver.operation`: the request and, with `reply`, the event, what it leaves and (with `payment`) the transition and the operation's status. */
function driverOperation(api, i) {
  const config = new api.Config(i.config);
  const result = { request: api.operationRequest(config, i.operation) };
  if (i.reply === undefined) return result;
  const reply = api.parseOperationReply(config, i.operation, i.reply);
  Object.assign(result, { event: reply.event, payment_fields: reply.paymentFields });
  if (i.payment !== undefined) {
    const outcome = api.transition(i.payment, reply);
    Object.assign(result, { outcome, status: api.operationStatus.afterReply(i.operation.kind, reply, outcome) });
  }
  return result;
}

// Whether `e` is an error vpos threw: both packages throw `Error`s named VposError with a code.
const isVposError = (e) => e instanceof Error && e.name === 'VposError' && typeof e.code === 'string';

/** One case: the operation must exist, and its result or error must match the vector. */
async function check(ops, c, record, index) {
  assert.ok(c.description && c.source !== undefined, `a case needs a description and a source: ${show(c)}`);
  assert.ok(('expect' in c) !== ('error' in c), 'a case needs exactly one of expect / error');
  const op = ops[c.operation];
  assert.ok(op, `operation ${c.operation} has no mapping in tests/js/vectors.shared.mjs: expose it in both JS packages`);
  let actual;
  let thrown;
  try {
    actual = await op(moneyAsBigint(c.input));
  } catch (e) {
    thrown = e;
    if (isVposError(e)) record.errors[index] = { code: e.code, field: e.field ?? null };
  }
  if ('expect' in c) {
    if (thrown) assert.fail(`expected success, got ${thrown.code ?? 'a non-vpos error'}: ${thrown.stack}`);
    const miss = subsetMismatch(c.expect, actual);
    assert.equal(miss, null, miss ?? '');
  } else {
    if (!thrown) assert.fail(`expected error ${show(c.error)}, got ${show(actual)}`);
    assert.ok(thrown instanceof Error, 'vpos errors are Error objects');
    assert.ok(isVposError(thrown), `not a vpos error: ${thrown.stack}`);
    // `field` is matched whenever the vector names it, null included: absent and null agree.
    const actualError = { code: thrown.code, field: thrown.field ?? null, message: thrown.message };
    const miss = subsetMismatch(c.error, actualError, 'error');
    assert.equal(miss, null, miss ?? '');
  }
}

const files = vectorFiles();
const keyOf = (file) => relative(VECTORS_DIR, file).split(sep).join('/');

/** Writes what `runtime` ran to target/vector-runs/<runtime>.json, one line per file on stderr. */
function writeManifest(runtime, manifest) {
  const dir = fileURLToPath(new URL('../../target/vector-runs/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const run_id = process.env.VPOS_VECTOR_RUN_ID ?? null;
  writeFileSync(`${dir}${runtime}.json`, `${JSON.stringify({ runtime, run_id, files: manifest }, null, 2)}\n`);
  for (const [name, r] of Object.entries(manifest)) {
    process.stderr.write(
      `vectors ${runtime}: ${name}: ${r.cases} cases, ${r.ran.length} ran, ${r.failed.length} failed, ${r.skipped.length} skipped\n`,
    );
  }
}

test('every area has vector files, and no area is unknown (a new one must be wired in tests/js/vectors.shared.mjs)', () => {
  const areas = [...new Set(files.map((f) => keyOf(f).split('/')[0]))].sort();
  assert.deepEqual(areas, AREAS);
});

/**
 * Registers every vector file as a suite of `node:test` cases run through `api`, recorded as
 * target/vector-runs/<runtime>.json. `share(key)`, when given, says which files this module
 * runs (the browser module has no secret-keyed gateway); the others are recorded as skipped
 * with `skipReason`. `skipCase(case)`, when given, is the reason to skip one case of a file in
 * the share (a per-gateway wasm module meets a case configured for another gateway), or null.
 */
export function runVectors(api, { runtime, label = runtime, share, skipReason, skipCase } = {}) {
  const ops = operations(api);
  const manifest = {};
  describe(`vectors through ${label}`, () => {
    // The suite's own hook: a loader may register its runs after a top-level await, when a
    // file-level hook would already have run.
    after(() => writeManifest(runtime, manifest));
    for (const file of files) {
      const key = keyOf(file);
      const cases = loadCases(file);
      const inShare = !share || share(key);
      const known = inShare ? (KNOWN[key] ?? {}) : {};
      const record = { cases: cases.length, ran: [], failed: [], skipped: [], errors: {}, known };
      manifest[key] = record;
      if (!inShare) {
        record.skipped = cases.map((_, index) => ({ index, reason: skipReason }));
        continue;
      }
      describe(key, () => {
        test('has cases', () => assert.ok(cases.length > 0, `${key}: no cases`));
        for (const [index, c] of cases.entries()) {
          const why = skipCase?.(c);
          if (why) {
            record.skipped.push({ index, reason: why });
            continue;
          }
          test(`#${index} ${c.description}`, { todo: known[index] }, async () => {
            record.ran.push(index);
            try {
              await check(ops, c, record, index);
            } catch (e) {
              record.failed.push(index);
              throw e;
            }
          });
        }
      });
    }
  });
}


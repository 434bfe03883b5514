// Every case under tests/vectors/ through vpos-web, mirroring the reference runner
// core/tests/vectors.rs operation by operation (docs/conformance.md): all of them through both
// builds (web, node) of the edge module, and the browser module's share (money, FloCash
// without polling, whose configuration holds a password) through both of its builds.
// What each build ran goes to target/vector-runs/wasm-<module>-<build>.json
// (scripts/vector_parity.py: the edge builds must run every case, as the other runtimes do;
// the browser builds declare every case outside their share as skipped, with the reason), and
// one line per file on stderr.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builds, edgeBuilds, parseJson, errorJson, subsetMismatch } from './support.mjs';

const vectorsDir = fileURLToPath(new URL('../../tests/vectors/', import.meta.url));

// The areas (tests/vectors/<area>): a new one fails the test below until it is wired here.
const AREAS = ['bitpay', 'ceca', 'elavon', 'flocash', 'money', 'paypal', 'redsys'];
// What the browser module has: no gateway secret, so no secret-keyed gateway (FloCash's
// Gateway holds the notification token), only money, the unsigned FloCash form and its codes.
const BROWSER_SKIP =
  'browser module: no secret-keyed gateway (only money, flocash/public_checkout.json and ' +
  'flocash/status.json); the edge module runs this file';
// Cases this module is known to get wrong, for now: each runs as a `todo` test (reported, not
// failing), is listed by scripts/vector_parity.py on every run, and fails the parity check as
// soon as it passes (then delete it here).
const KNOWN = {
  'paypal/nvp.json': {
    15: 'refundTransactionRequest: from_js names no field when the whole `amount` is refused (null); the core and Python say "amount"',
    16: 'refundTransactionRequest: from_js names no field when the whole `amount` is refused (null); the core and Python say "amount"',
  },
};
const inBrowser = (file) => {
  const [area, name] = relative(vectorsDir, file).split(sep);
  return area === 'money' || (area === 'flocash' && ['public_checkout.json', 'status.json'].includes(name));
};

function vectorFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return vectorFiles(p);
    return name.endsWith('.json') ? [p] : [];
  });
}

const bodyOf = (input) =>
  input.body_base64 !== undefined ? Buffer.from(input.body_base64, 'base64') : (input.body ?? '');
const contentTypeOf = (input) => input.content_type ?? 'application/x-www-form-urlencoded';
const b64json = (text) => parseJson(Buffer.from(text, 'base64').toString('utf8'));

/**
 * A host flow as the reference runner's `*_handle`: `steps` returns the fields of a success
 * (its `outcome` an Outcome handle); a thrown vpos error becomes `{error, response: reject}`.
 */
function flow(gateway, steps) {
  try {
    const { outcome, ...rest } = steps();
    return { ...rest, outcome: outcome.toJSON(), response: gateway.ack(outcome) };
  } catch (e) {
    if (typeof e?.code !== 'string') throw e; // not a vpos error: a bug, fail the case
    return { error: errorJson(e), response: gateway.reject(e) };
  }
}

/** The operations of core/tests/vectors.rs, through the public JS API of `api`. */
function operations(api) {
  const { flocash, redsys, ceca, elavon, paypal, bitpay, transition } = api;
  const parse = (g, i) => g.parseNotification(contentTypeOf(i), bodyOf(i));
  const fc = (i) => new flocash.Gateway(i.config);
  const rs = (i) => new redsys.Gateway(i.config);
  const cc = (i) => new ceca.Gateway(i.config);
  const ev = (i) => new elavon.Gateway(i.config);
  const pp = (i) => new paypal.Gateway(i.config);
  const bp = (i) => new bitpay.Gateway(i.config);
  // An NVP request as the reference runner's `nvp_request`: the body decoded into its pairs.
  const nvp = (request) => ({ request, fields: [...new URLSearchParams(request.body)] });
  const nvpEvent = (i, verb) => {
    const g = pp(i);
    const verified = g[verb](i.invoice, g.parseNvpResponse(i.reply));
    const result = { event: verified.event().toJSON() };
    if (i.payment !== undefined) result.outcome = transition(i.payment, verified.event()).toJSON();
    return result;
  };
  const simple = (g) => ({ ack: (o) => g.acknowledge(o), reject: (e) => g.reject(e) });
  return {
    'money.parse': (i) => api.money.parse(i.value, i.currency),
    'money.from_minor': (i) => api.money.fromMinor(i.minor, i.currency),
    'currency.lookup': (i) => api.money.currency(i.numeric ?? i.code),
    'flocash.config': (i) => {
      const g = fc(i);
      g.validate();
      return { postback_url: g.postbackUrl() };
    },
    'flocash.check_token': (i) => (fc(i).checkToken(i.token), {}),
    'flocash.status': (i) => flocash.status(i.code),
    'flocash.checkout': (i) => fc(i).checkout(i.order),
    'flocash.checkout_public': (i) => flocash.checkoutPublic(i.public_config, i.order),
    'flocash.parse_notification': (i) => parse(fc(i), i).untrusted(),
    'flocash.postback_request': (i) => {
      const g = fc(i);
      return g.postbackRequest(parse(g, i));
    },
    'flocash.verify_postback': (i) => {
      const g = fc(i);
      return { event: g.verifyPostback(parse(g, i), i.reply).event().toJSON() };
    },
    'flocash.handle': (i) => {
      const g = fc(i);
      return flow(simple(g), () => {
        if (typeof i.token === 'string') g.checkToken(i.token);
        const verified = g.verifyPostback(parse(g, i), i.reply);
        return { outcome: transition(i.payment, verified.event()) };
      });
    },
    'flocash.poll_by_reference_request': (i) => fc(i).pollByReferenceRequest(i.poll_config, i.trace_number),
    'flocash.poll_by_time_request': (i) => fc(i).pollByTimeRequest(i.poll_config, i.from, i.to),
    'flocash.parse_poll_response': (i) => {
      const polled = fc(i).parsePollResponse(i.poll_config, i.reply);
      return { reply: polled.reply(), events: polled.events().map((e) => e.toJSON()) };
    },
    'flocash.poll_event': (i) => {
      const polled = fc(i).parsePollResponse(i.poll_config, i.reply);
      return { outcomes: polled.events().map((e) => transition(i.payment, e).toJSON()) };
    },

    'redsys.order_key': (i) => ({ order_key: rs(i).orderKey(i.order) }),
    'redsys.sign': (i) => ({ signature: rs(i).sign(i.order, i.message) }),
    'redsys.checkout': (i) => rs(i).checkout(i.order),
    'redsys.checkout_parameters': (i) => {
      const form = rs(i).checkout(i.order);
      return { parameters: b64json(form.fields.find(([n]) => n === 'Ds_MerchantParameters')[1]) };
    },
    'redsys.parse_notification': (i) => parse(rs(i), i).untrusted(),
    'redsys.verify': (i) => {
      const g = rs(i);
      const v = g.verify(parse(g, i));
      return { notification: v.notification(), parameters: v.parameters(), event: v.event().toJSON() };
    },
    'redsys.soap_answer': (i) => rs(i).soapAnswer(i.order, i.accept),
    'redsys.handle': (i) => {
      const g = rs(i);
      let verified;
      return flow({ ack: (o) => g.acknowledge(verified, o), reject: (e) => g.reject(e) }, () => {
        verified = g.verify(parse(g, i));
        return { outcome: transition(i.payment, verified.event()) };
      });
    },
    'redsys.operation_request': (i) => {
      const request = rs(i).operationRequest(i.operation);
      const body = parseJson(request.body);
      return { request, body, parameters: b64json(body.Ds_MerchantParameters) };
    },
    'redsys.operation_response': (i) => {
      const v = rs(i).parseOperationResponse(i.reply);
      const result = { notification: v.notification(), event: v.event().toJSON() };
      if (i.payment !== undefined) result.outcome = transition(i.payment, v.event()).toJSON();
      return result;
    },
    'redsys.status': (i) => redsys.status(i.transaction_type, i.response),

    'ceca.checkout': (i) => cc(i).checkout(i.order),
    'ceca.parse_notification': (i) => parse(cc(i), i).untrusted(),
    'ceca.handle': (i) => {
      const g = cc(i);
      return flow(simple(g), () => ({ outcome: transition(i.payment, g.verify(parse(g, i)).event()) }));
    },

    'elavon.hash': (i) => ({ hash: elavon.hash(i.fields, i.secret) }),
    'elavon.checkout': (i) => ev(i).checkout(i.order),
    'elavon.handle': (i) => {
      const g = ev(i);
      return flow(simple(g), () => {
        const v = g.verify(parse(g, i));
        return { notification: v.notification(), outcome: transition(i.payment, v.event()) };
      });
    },
    'elavon.remote_request': (i) => ev(i).remoteRequest(i.operation),
    'elavon.remote_response': (i) => {
      const v = ev(i).parseRemoteResponse(i.operation, i.reply);
      const result = { event: v.event().toJSON() };
      if (i.payment !== undefined) result.outcome = transition(i.payment, v.event()).toJSON();
      return result;
    },

    'paypal.checkout': (i) => pp(i).checkout(i.order),
    'paypal.parse_notification': (i) => parse(pp(i), i).untrusted(),
    'paypal.postback_request': (i) => {
      const g = pp(i);
      return g.postbackRequest(parse(g, i));
    },
    'paypal.handle': (i) => {
      const g = pp(i);
      return flow(simple(g), () => ({
        outcome: transition(i.payment, g.verifyPostback(parse(g, i), i.reply).event()),
      }));
    },
    'paypal.nvp_set_express_checkout': (i) => nvp(pp(i).setExpressCheckoutRequest(i.order)),
    'paypal.nvp_get_express_checkout_details': (i) => nvp(pp(i).getExpressCheckoutDetailsRequest(i.token)),
    'paypal.nvp_do_express_checkout_payment': (i) =>
      nvp(pp(i).doExpressCheckoutPaymentRequest(i.token, i.payer_id, i.order)),
    'paypal.nvp_refund_transaction': (i) => nvp(pp(i).refundTransactionRequest(i.transaction_id, i.amount ?? null)),
    'paypal.nvp_parse_response': (i) => paypal.parseNvpResponse(i.reply).toJSON(),
    'paypal.nvp_payment_event': (i) => nvpEvent(i, 'paymentEvent'),
    'paypal.nvp_refund_event': (i) => nvpEvent(i, 'refundEvent'),
    'paypal.nvp_redirect': (i) => pp(i).expressCheckoutRedirect(i.token),

    'bitpay.invoice_request': (i) => {
      const request = bp(i).invoiceRequest(i.request);
      return { request, body: parseJson(request.body) };
    },
    'bitpay.invoice_response': (i) => bp(i).invoiceResponse(i.reply),
    'bitpay.handle': (i) => {
      const g = bp(i);
      return flow(simple(g), () => {
        const n = parse(g, i);
        const fetch = g.invoiceStatusRequest(n);
        return { fetch, outcome: transition(i.payment, g.verifyInvoice(n, i.reply).event()) };
      });
    },
  };
}

/** One case: the operation must exist, and its result or error must match. */
function check(ops, c, input, record, index) {
  assert.ok('source' in c, 'a case needs a source');
  assert.ok(('expect' in c) !== ('error' in c), 'a case needs exactly one of expect / error');
  const op = ops[c.operation];
  assert.ok(op, `operation ${c.operation} has no mapping in bindings-wasm/test/vectors.test.mjs: expose it in vpos-web`);
  let actual;
  let thrown;
  try {
    actual = op(input);
  } catch (e) {
    thrown = e;
    if (e?.name === 'VposError') record.errors[index] = { code: e.code, field: e.field ?? null };
  }
  if ('expect' in c) {
    if (thrown) assert.fail(`expected success, got ${thrown.code ?? 'a non-vpos error'}: ${thrown.stack}`);
    const miss = subsetMismatch(c.expect, actual);
    assert.equal(miss, null, miss ?? '');
  } else {
    if (!thrown) assert.fail(`expected error ${JSON.stringify(c.error)}, got success`);
    assert.ok(thrown instanceof Error, 'vpos errors are Error objects');
    assert.equal(thrown.name, 'VposError', `not a vpos error: ${thrown.stack}`);
    // `field` is matched whenever the vector names it, null included: absent and null agree.
    const miss = subsetMismatch(c.error, { ...errorJson(thrown), field: thrown.field ?? null }, 'error');
    assert.equal(miss, null, miss ?? '');
  }
}

const files = vectorFiles(vectorsDir);
const browserFiles = files.filter(inBrowser);

test('every area has vector files, and no area is unknown (a new one must be wired here)', () => {
  const areas = readdirSync(vectorsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(areas.sort(), AREAS);
  for (const area of AREAS) {
    assert.ok(files.some((f) => relative(vectorsDir, f).startsWith(`${area}${sep}`)), `${area} has no files`);
  }
  assert.ok(browserFiles.length >= 4, `browser share: ${browserFiles.length} files`);
});

/** Runs `list` (of all `files`) through `api`, recording it as target/vector-runs/<runtime>.json. */
function runFiles(api, list, root, runtime) {
  const ops = operations(api);
  const manifest = {};
  for (const file of files) {
    const doc = parseJson(readFileSync(file, 'utf8'));
    const label = relative(root, file);
    const cases = doc.cases ?? [];
    const key = label.split(sep).join('/');
    const known = list.includes(file) ? (KNOWN[key] ?? {}) : {};
    const record = { cases: cases.length, ran: [], failed: [], skipped: [], errors: {}, known };
    manifest[key] = record;
    if (!list.includes(file)) {
      record.skipped = cases.map((_, index) => ({ index, reason: BROWSER_SKIP }));
      continue;
    }
    describe(label, () => {
      test('has cases', () => assert.ok(Array.isArray(doc.cases) && doc.cases.length > 0, `${label}: no cases`));
      for (const [index, c] of cases.entries()) {
        test(`#${index} ${c.description}`, { todo: known[index] }, () => {
          record.ran.push(index);
          try {
            check(ops, c, { ...(doc.defaults ?? {}), ...c.input }, record, index);
          } catch (e) {
            record.failed.push(index);
            throw e;
          }
        });
      }
    });
  }
  manifests.push({ runtime, files: manifest });
}

const manifests = [];
// 'node (CommonJS)' → wasm-browser-node, 'edge web (ES module, initSync)' → wasm-edge-web.
const runtimeName = (module, name) => `wasm-${module}-${/\bweb\b/.test(name) ? 'web' : 'node'}`;

for (const { name, api } of await builds()) {
  describe(`vectors through the browser module, ${name} build`, () =>
    runFiles(api, browserFiles, vectorsDir, runtimeName('browser', name)));
}
for (const { name, api } of await edgeBuilds()) {
  describe(`vectors through the ${name} build`, () => runFiles(api, files, vectorsDir, runtimeName('edge', name)));
}

after(() => {
  const dir = fileURLToPath(new URL('../../target/vector-runs/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const run_id = process.env.VPOS_VECTOR_RUN_ID ?? null;
  for (const { runtime, files: manifest } of manifests) {
    writeFileSync(join(dir, `${runtime}.json`), `${JSON.stringify({ runtime, run_id, files: manifest }, null, 2)}\n`);
    for (const [name, r] of Object.entries(manifest)) {
      process.stderr.write(
        `vectors ${runtime}: ${name}: ${r.cases} cases, ${r.ran.length} ran, ${r.failed.length} failed, ${r.skipped.length} skipped\n`,
      );
    }
  }
});

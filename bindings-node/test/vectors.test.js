'use strict';
// Every case of every file under tests/vectors/, through the public `vpos` API: the same
// operations as core/tests/vectors.rs, the same subset judgement.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const vpos = require('vpos');
const { VECTORS_DIR, vectorFiles, loadCases, subset, show, moneyAsBigint } = require('./support/vectors.js');

const { flocash, money } = vpos;

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
    ...(input.token !== undefined ? { token: input.token } : {}),
    payment: input.payment,
    postback: async () => {
      if (input.reply.error !== undefined) throw new Error(input.reply.error);
      return input.reply;
    },
  });
  const response = { status: result.status, headers: result.headers, body: result.body };
  return result.error ? { error: result.error, response } : { outcome: result.outcome, response };
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
};

async function run(c) {
  const op = OPERATIONS[c.operation];
  assert.ok(op, `unknown operation ${c.operation}`);
  const input = moneyAsBigint(c.input);
  let actual;
  let error;
  try {
    actual = await op(input);
  } catch (e) {
    error = e;
  }
  if (c.expect !== undefined && c.error === undefined) {
    if (error) assert.fail(`expected success, got ${error.code ?? 'a non-vpos error'}: ${error.stack}`);
    const why = subset(c.expect, actual);
    assert.equal(why, null, why ?? '');
  } else if (c.error !== undefined && c.expect === undefined) {
    if (!error) assert.fail(`expected an error, got ${show(actual)}`);
    assert.ok(vpos.isVposError(error), `not a vpos error: ${error.stack}`);
    const why = subset(c.error, { code: error.code, field: error.field, message: error.message }, 'error');
    assert.equal(why, null, why ?? '');
  } else {
    assert.fail('a case needs exactly one of expect / error');
  }
}

const files = vectorFiles();

test('the vector directory holds money and flocash files', () => {
  const areas = new Set(files.map((f) => path.relative(VECTORS_DIR, f).split(path.sep)[0]));
  assert.ok(areas.has('money') && areas.has('flocash'), `areas found: ${[...areas]}`);
});

for (const file of files) {
  const name = path.relative(VECTORS_DIR, file);
  const cases = loadCases(file);
  describe(name, () => {
    test('has cases, each with a description and a source', () => {
      assert.ok(cases.length > 0);
      for (const c of cases) assert.ok(c.description && c.source !== undefined, show(c));
    });
    for (const [i, c] of cases.entries()) {
      test(`#${i} ${c.description}`, () => run(c));
    }
  });
}

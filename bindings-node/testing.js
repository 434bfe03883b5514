'use strict';
// hostedpay/testing: test a shop's integration without the gateway. The gateway's side of a
// notification (signed with the account's own configuration where the gateway signs; for
// FloCash, PayPal and Bitpay, the body plus what the gateway answers when asked), and a fake
// gateway whose `fetch` plays the post-backs, invoice fetches and Redsys/Elavon operations in a
// chosen mode. Everything is the core's (vpos_core::testing); this file only converts.
// Never for production: a helper that signs with the merchant's key forges that merchant's
// notifications, which is what a test needs and nothing else should.

const native = require('./native.js');
const { encode, decode } = require('./lib/json.js');
const { nativeConfig } = require('./lib/driver.js');

const MODES = Object.freeze(['verified', 'invalid', 'timeout', 'server_error']);

function checkMode(mode) {
  if (!MODES.includes(mode)) throw new TypeError(`mode must be one of ${MODES.join(', ')}`);
  return mode;
}

/**
 * What `config`'s gateway would send about `payment` (`{ order_id, amount, status?,
 * transaction_id? }`, status `paid` by default): `{ content_type, body, token?, proof? }` and
 * `request`, the same as the `request` argument of `handleNotification`.
 */
function notification(config, payment) {
  const sent = decode(native.testingNotification(nativeConfig(config), encode(payment, '')));
  sent.request = { body: sent.body, contentType: sent.content_type, token: sent.token ?? undefined };
  return sent;
}

/** The gateway's answer to a notification's proof request in `mode`: `{ status, body }` or `{ error }`. */
function reply(proof, mode = 'verified') {
  return JSON.parse(native.testingReply(encode(proof, 'proof'), checkMode(mode)));
}

/** The gateway's answer to an operation request (Redsys REST, Elavon Remote) in `mode`. */
function operationReply(config, request, mode = 'verified') {
  return JSON.parse(native.testingOperationReply(nativeConfig(config), encode(request, 'request'), checkMode(mode)));
}

/**
 * A fake gateway for `config`: `notification(payment)` as above, remembering each proof, and
 * `fetch`, a fetch function for `handleNotification` and `operate` that answers those proofs
 * and the gateway's operations in `mode` (`verified`; `invalid`: the gateway disowns it;
 * `timeout`: no answer; `server_error`: 500). `requests` lists what was fetched.
 */
function gateway(config, { mode = 'verified' } = {}) {
  checkMode(mode);
  const proofs = new Map();
  const fake = {
    mode,
    requests: [],
    notification(payment) {
      const sent = notification(config, payment);
      if (sent.proof) proofs.set(sent.proof.url, sent.proof);
      return sent;
    },
    async fetch(request) {
      fake.requests.push(request);
      const proof = proofs.get(request.url);
      const answer = proof ? reply(proof, fake.mode) : operationReply(config, request, fake.mode);
      if (answer.error !== undefined) throw new Error(answer.error);
      return answer;
    },
  };
  return fake;
}

module.exports = { MODES, notification, reply, operationReply, gateway };

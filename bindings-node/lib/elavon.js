'use strict';
// Santander Elavon (Realex / Global Payments HPP and Remote XML) for Node: the hashed HPP form,
// the HPP response verified by its SHA1HASH (base64-encoded values included), and Remote
// settle / void / rebate. The host supplies every timestamp: vpos reads no clock.

const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { decorate, decorateEvent } = require('./notifications.js');
const { withHandle, registerVerified } = require('./state.js');
const { handleGatewayNotification } = require('./driver.js');
const { perform, fetchPostback, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const { replyJson } = require('./wire.js');
const { BaseGateway, KIND, nativeOf, checkoutMethods, answerFunctions } = require('./base.js');

const UnverifiedNotification = native.ElavonUnverifiedNotification;
const VerifiedNotification = native.ElavonVerifiedNotification;
const VerifiedEvent = native.ElavonVerifiedEvent;
decorate('Elavon', UnverifiedNotification, VerifiedNotification, (n) => ({
  order_id: n.order_id,
  result: n.result,
  amount: n.amount.value,
  currency: n.amount.currency,
}));
decorateEvent('ElavonVerifiedEvent', VerifiedEvent, (e) => ({ key: e.key, order_id: e.order_id, action: e.action, status: e.status, amount: e.amount.value }));
registerVerified(VerifiedNotification, (json, verified) => native.elavonTransition(json, verified));
registerVerified(VerifiedEvent, (json, verified) => native.elavonTransitionEvent(json, verified));

const answers = { acknowledge: native.elavonAcknowledge, reject: native.elavonReject };

/** One Elavon merchant account. The shared secret and rebate password are held natively. */
class Gateway extends BaseGateway {
  static [KIND] = { name: 'elavon', inspect: ['merchant_id', 'account'], answers };

  /**
   * @param {object} config Elavon configuration, in the core's JSON shape.
   * @param {{ validate?: boolean }} [options]
   */
  constructor(config, options = {}) {
    super(native.ElavonGateway, config, options);
  }

  /** Checks `SHA1HASH` (also over base64-decoded values) and the merchant; throws `signature_mismatch`. */
  verify(notification) {
    return withHandle(UnverifiedNotification, notification, 'notification', () => nativeOf(this).verify(notification));
  }

  /** The Remote XML request for a settle, void or rebate: `{ method, url, headers, body }`. */
  remoteRequest(operation) {
    return decode(nativeOf(this).remoteRequest(encode(operation, 'operation')));
  }

  /** Reads the Remote reply for `operation`; returns the verified event (`.event`). */
  parseRemoteResponse(operation, reply) {
    return nativeOf(this).parseRemoteResponse(encode(operation, 'operation'), replyJson(reply));
  }

  /**
   * `remoteRequest` → `fetch` (default global `fetch`, deadline `timeoutMs`; a failure becomes
   * `gateway_unavailable`) → `parseRemoteResponse`.
   */
  async remote(operation, { fetch = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
    const reply = await perform(fetch, this.remoteRequest(operation), timeoutMs);
    return this.parseRemoteResponse(operation, reply);
  }

  /** The HPP response flow: store, parse, verify, load the payment, transition, answer. */
  handleNotification(input) {
    return handleGatewayNotification(this, nativeOf(this), input);
  }
}
Object.assign(Gateway.prototype, checkoutMethods);

/** `sha1_hex(sha1_hex(fields.join('.')) + '.' + secret)`, lower case (for test vectors). */
function hash(fields, secret) {
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) throw new TypeError('fields must be strings');
  return native.elavonHash(fields, String(secret));
}

module.exports = {
  Gateway,
  UnverifiedNotification,
  VerifiedNotification,
  VerifiedEvent,
  hash,
  DEFAULT_TIMEOUT_MS,
  ...answerFunctions(answers),
};

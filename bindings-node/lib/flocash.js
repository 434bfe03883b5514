'use strict';
// FloCash for Node: the Gateway class with the verbs of design §2, and the functions that need
// no configuration. Each method converts its arguments, calls the core, converts back.

const util = require('node:util');
const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { bodyBytes } = require('./bytes.js');
const { UnverifiedNotification, VerifiedNotification, decorateEvent } = require('./notifications.js');
const { transition, withHandle, registerVerified } = require('./state.js');
const { handleGatewayNotification, gatewayConfig } = require('./driver.js');
const { replyJson, errorJson } = require('./wire.js');

// Merchant Polling: each polled payment's event is a handle (authenticated by the polling
// exchange) that `transition` accepts like a verified notification.
const PolledEvent = native.FlocashPolledEvent;
decorateEvent('FlocashPolledEvent', PolledEvent, (e) => ({ key: e.key, order_id: e.order_id, status: e.status, amount: e.amount.value }));
registerVerified(PolledEvent, (json, event) => native.flocashTransitionPolled(json, event));

/** A `Date` as `xsd:dateTime` (UTC), or text passed as is. */
function xsdTime(value) {
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * One FloCash merchant account. The configuration (with its notification token) is held by
 * the native side; nothing on this object reveals the token, not even `util.inspect`.
 */
class Gateway {
  #native;

  /**
   * @param {object} config FloCash configuration, in the core's JSON shape (snake_case keys).
   * @param {{ validate?: boolean }} [options] `validate: false` skips `Config::validate` (the
   *   verbs still check what they need: `checkout` validates, `verifyPostback` needs a valid
   *   `base_url`, `checkToken` fails closed on an empty token).
   */
  constructor(config, options = {}) {
    this.#native = new native.FlocashGateway(encode(config, ''), options.validate !== false);
  }

  /** This account as the driver's `Config` (the one notification and operation path). */
  get config() {
    return gatewayConfig(this, this.#native);
  }

  /** Checks every configuration value; throws `invalid_config` naming the key. */
  validate() {
    this.#native.validate();
  }

  /** The merchant account. */
  get merchant() {
    return this.#native.merchant;
  }

  /** Where the post-back goes: `<scheme>://<host>/validateNotify.do`. */
  get postbackUrl() {
    return this.#native.postbackUrl();
  }

  /** Everything but the token: safe to send to a browser (`hostedpay-web`). */
  get publicConfig() {
    return decode(this.#native.publicConfig());
  }

  /** Compares the token from the notification URL in constant time; throws `token_mismatch`. */
  checkToken(token) {
    this.#native.checkToken(typeof token === 'string' ? token : '');
  }

  /** The redirect form for `order`: `{ action, method, fields: [name, value][] }`. */
  checkout(order) {
    return decode(this.#native.checkout(encode(order, '')));
  }

  /** The redirect form as HTML, every value escaped; `autoSubmit` adds the submitting script. */
  checkoutHtml(order, { autoSubmit = false } = {}) {
    return this.#native.checkoutHtml(encode(order, ''), Boolean(autoSubmit));
  }

  /** Parses a notification from its content type and raw body. */
  parseNotification(contentType, body) {
    return this.#native.parseNotification(typeof contentType === 'string' ? contentType : '', bodyBytes(body));
  }

  /** The post-back to perform for `notification`: `{ method, url, headers, body }`. */
  postbackRequest(notification) {
    return decode(
      withHandle(UnverifiedNotification, notification, 'notification', () =>
        this.#native.postbackRequest(notification),
      ),
    );
  }

  /** Judges the post-back reply (`{ status, body }` or `{ error }`); returns the verified handle. */
  verifyPostback(notification, reply) {
    const json = replyJson(reply);
    return withHandle(UnverifiedNotification, notification, 'notification', () =>
      this.#native.verifyPostback(notification, json),
    );
  }

  /**
   * Merchant Polling `pollPayInbyRef`: the SOAP request `{ method, url, headers, body }` for
   * `traceNumber` (the body carries the API password). `pollConfig` is the core's `PollConfig`.
   */
  pollByReferenceRequest(pollConfig, traceNumber) {
    return decode(native.flocashPollByReferenceRequest(encode(pollConfig, ''), String(traceNumber)));
  }

  /** Merchant Polling `pollPayInbyTime` for `from` .. `to` (`Date` or `xsd:dateTime` text). */
  pollByTimeRequest(pollConfig, from, to) {
    return decode(native.flocashPollByTimeRequest(encode(pollConfig, ''), xsdTime(from), xsdTime(to)));
  }

  /**
   * Reads a polling reply (`{ status, body }` or `{ error }`): `{ status_code, status_msg,
   * payments, events }`, each event a handle for `transition`. Throws `gateway_error` (SOAP
   * fault, error header), `gateway_unavailable` (no answer) or a parse error.
   */
  parsePollResponse(pollConfig, reply) {
    const parsed = native.flocashParsePollResponse(encode(pollConfig, ''), replyJson(reply));
    return { ...decode(parsed.replyJson()), events: parsed.events() };
  }

  /** What a verified notification does to the stored payment. */
  transition(payment, verified) {
    return transition(payment, verified);
  }

  /** The answer to FloCash for an outcome. */
  acknowledge(outcome) {
    return acknowledge(outcome);
  }

  /** The answer to FloCash for an error. */
  reject(error) {
    return reject(error);
  }

  /** FloCash has no refund API: always throws `unsupported`. */
  refundRequest(orderId, amount) {
    this.#native.refundRequest(String(orderId), encode(amount, 'amount'));
  }

  /** The whole notification flow; see `handleNotification` in the README. */
  handleNotification(input) {
    return handleGatewayNotification(this, this.#native, input);
  }

  /** JSON of a gateway is its public configuration: never the token. */
  toJSON() {
    return this.publicConfig;
  }

  [util.inspect.custom](depth, options, inspect) {
    const shown = { merchant: this.merchant };
    for (const key of this.config.secretKeys) shown[key] = '***'; // the core's one list
    return `flocash.Gateway ${inspect(shown, options)}`;
  }
}

/** The checkout form from a token-free public configuration (the browser-safe path). */
function checkoutPublic(publicConfig, order) {
  return decode(native.flocashCheckoutPublic(encode(publicConfig, ''), encode(order, '')));
}

/** FloCash's field rules for `order`, for field errors before submit: returns nothing, throws naming the first bad field. */
function validateOrder(order) {
  native.flocashValidateOrder(encode(order, ''));
}

/** A FloCash status code: `{ status_code, status, label }`. */
function status(code) {
  return JSON.parse(native.flocashStatus(typeof code === 'string' ? code : String(code)));
}

/** The exact HTTP answer to FloCash for an outcome. */
function acknowledge(outcome) {
  return JSON.parse(native.flocashAcknowledge(encode(outcome, '')));
}

/** The exact HTTP answer to FloCash for an error (never `00`: FloCash delivers again). */
function reject(error) {
  return JSON.parse(native.flocashReject(errorJson(error)));
}

module.exports = {
  Gateway,
  PolledEvent,
  UnverifiedNotification,
  VerifiedNotification,
  checkoutPublic,
  validateOrder,
  status,
  acknowledge,
  reject,
};

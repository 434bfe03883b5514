'use strict';
// PayPal Website Payments Standard for Node: the payment form, and IPNs verified by posting
// the raw body back to PayPal (`cmd=_notify-validate&` + the bytes received).

const native = require('../native.js');
const { decode } = require('./json.js');
const { decorate } = require('./notifications.js');
const { withHandle, registerVerified } = require('./state.js');
const { runFlow } = require('./flow.js');
const { perform, fetchPostback, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const { replyJson } = require('./wire.js');
const { BaseGateway, nativeOf, checkoutMethods, answerFunctions } = require('./base.js');

const UnverifiedNotification = native.PaypalUnverifiedNotification;
const VerifiedNotification = native.PaypalVerifiedNotification;
decorate('Paypal', UnverifiedNotification, VerifiedNotification, (n) => ({
  txn_id: n.txn_id,
  payment_status: n.payment_status,
  order_id: n.order_id,
  amount: n.gross.value,
  currency: n.gross.currency,
}));
registerVerified(VerifiedNotification, (json, verified) => native.paypalTransition(json, verified));

const answers = { acknowledge: native.paypalAcknowledge, reject: native.paypalReject };

/** One PayPal business account (PayPal Standard has no secret: the post-back is the proof). */
class Gateway extends BaseGateway {
  static NAME = 'paypal';
  static INSPECT = ['business', 'ipn_url'];
  static SECRETS = [];
  static ANSWERS = answers;

  /**
   * @param {object} config PayPal configuration, in the core's JSON shape.
   * @param {{ validate?: boolean }} [options]
   */
  constructor(config, options = {}) {
    super(native.PaypalGateway, config, options);
  }

  /** The post-back to perform: `{ method, url, headers, body }`, the body as received. */
  postbackRequest(notification) {
    return decode(
      withHandle(UnverifiedNotification, notification, 'notification', () => nativeOf(this).postbackRequest(notification)),
    );
  }

  /**
   * Judges the post-back reply (`{ status, body }` or `{ error }`): `VERIFIED` gives the
   * verified handle; `INVALID` throws `postback_invalid`; anything else `postback_failed`.
   */
  verifyPostback(notification, reply) {
    const json = replyJson(reply);
    return withHandle(UnverifiedNotification, notification, 'notification', () =>
      nativeOf(this).verifyPostback(notification, json),
    );
  }

  /**
   * The IPN flow: store, parse, post back (`postback`, default global `fetch`, deadline
   * `timeoutMs`; a failure is `postback_failed`, answered so PayPal retries), verify, load
   * the payment, transition, answer.
   */
  handleNotification(input) {
    const { postback = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = input ?? {};
    if (typeof postback !== 'function') throw new TypeError('postback must be a function');
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
    return runFlow(this, input, {
      prove: async (unverified) => {
        const reply = await perform(postback, this.postbackRequest(unverified), timeoutMs);
        return this.verifyPostback(unverified, reply);
      },
      answer: (verified, outcome) => this.acknowledge(outcome),
    });
  }
}
Object.assign(Gateway.prototype, checkoutMethods);

module.exports = { Gateway, UnverifiedNotification, VerifiedNotification, DEFAULT_TIMEOUT_MS, ...answerFunctions(answers) };

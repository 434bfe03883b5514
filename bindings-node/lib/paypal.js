'use strict';
// PayPal Website Payments Standard for Node: the payment form, and IPNs verified by posting
// the raw body back to PayPal (`cmd=_notify-validate&` + the bytes received). Express Checkout
// (NVP): each call described as an HttpRequest, each reply read into a handle whose events move
// a payment.

const util = require('node:util');
const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { vposError } = require('./errors.js');
const { decorate, decorateEvent } = require('./notifications.js');
const { withHandle, registerVerified } = require('./state.js');
const { handleGatewayNotification } = require('./driver.js');
const { perform, fetchPostback, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const { replyJson } = require('./wire.js');
const { BaseGateway, KIND, nativeOf, checkoutMethods, answerFunctions } = require('./base.js');

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

const NvpReply = native.PaypalNvpReply;
const VerifiedEvent = native.PaypalVerifiedEvent;
Object.defineProperties(NvpReply.prototype, {
  fields: {
    get() {
      return decode(this.fieldsJson());
    },
  },
  toJSON: {
    value() {
      return { ack: this.ack, fields: this.fields };
    },
  },
  [util.inspect.custom]: {
    value(depth, options, inspect) {
      return `PaypalNvpReply ${inspect({ ack: this.ack, fields: this.fields.length }, options)}`;
    },
  },
});
decorateEvent('PaypalVerifiedEvent', VerifiedEvent, (e) => ({ key: e.key, order_id: e.order_id, action: e.action, status: e.status, amount: e.amount.value }));
registerVerified(VerifiedEvent, (json, verified) => native.paypalTransitionEvent(json, verified));

function text(value, field) {
  if (typeof value !== 'string') throw vposError('field_invalid', field, `${field} must be a string`);
  return value;
}

const answers = { acknowledge: native.paypalAcknowledge, reject: native.paypalReject };

/** One PayPal business account (PayPal Standard has no secret: the post-back is the proof). */
class Gateway extends BaseGateway {
  static [KIND] = { name: 'paypal', inspect: ['business', 'ipn_url'], answers };

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

  /** `SetExpressCheckout` for `order` (`{ invoice, amount, description, return_url, cancel_url }`). */
  setExpressCheckoutRequest(order) {
    return decode(nativeOf(this).setExpressCheckoutRequest(encode(order, 'order')));
  }

  /** Where to send the buyer with the `SetExpressCheckout` token: a GET form. */
  expressCheckoutRedirect(token) {
    return decode(nativeOf(this).expressCheckoutRedirect(text(token, 'token')));
  }

  /** `GetExpressCheckoutDetails` for the token the buyer came back with. */
  getExpressCheckoutDetailsRequest(token) {
    return decode(nativeOf(this).getExpressCheckoutDetailsRequest(text(token, 'TOKEN')));
  }

  /** `DoExpressCheckoutPayment`: captures what the buyer approved (`token`, `PayerID`). */
  doExpressCheckoutPaymentRequest(token, payerId, order) {
    return decode(
      nativeOf(this).doExpressCheckoutPaymentRequest(text(token, 'TOKEN'), text(payerId, 'PAYERID'), encode(order, 'order')),
    );
  }

  /** `RefundTransaction`: the whole transaction without `amount`, else that much of it. */
  refundTransactionRequest(transactionId, amount) {
    const json = amount === undefined || amount === null ? null : encode(amount, 'amount');
    return decode(nativeOf(this).refundTransactionRequest(text(transactionId, 'TRANSACTIONID'), json));
  }

  /**
   * Reads an NVP reply (`{ status, body }` or `{ error }`): `ACK=Failure` throws
   * `gateway_error`; no answer or a non-200 status `gateway_unavailable`.
   */
  parseNvpResponse(reply) {
    return nativeOf(this).parseNvpResponse(replyJson(reply));
  }

  /** The event a `DoExpressCheckoutPayment` reply reports (`.event`), for `transition`. */
  paymentEvent(invoice, reply) {
    return withHandle(NvpReply, reply, 'reply', () => nativeOf(this).paymentEvent(text(invoice, 'invoice'), reply));
  }

  /** The event a `RefundTransaction` reply reports (`.event`), for `transition`. */
  refundEvent(invoice, reply) {
    return withHandle(NvpReply, reply, 'reply', () => nativeOf(this).refundEvent(text(invoice, 'invoice'), reply));
  }

  /**
   * The IPN flow: store, parse, post back (`postback`, default global `fetch`, deadline
   * `timeoutMs`; a failure is `postback_failed`, answered so PayPal retries), verify, load
   * the payment, transition, answer.
   */
  handleNotification(input) {
    return handleGatewayNotification(this, nativeOf(this), input);
  }
}
Object.assign(Gateway.prototype, checkoutMethods);

/**
 * The "Buy Now" form from a configuration without NVP credentials (`nvp` is refused as an
 * unknown key: API secrets never ride into a page), with `Gateway.checkout`'s rules.
 */
function checkoutPublic(publicConfig, order) {
  return decode(native.paypalCheckoutPublic(encode(publicConfig, ''), encode(order, '')));
}

/** The rules of `checkoutPublic`, for field errors before submit: returns nothing, throws naming the first bad field. */
function validateOrder(publicConfig, order) {
  checkoutPublic(publicConfig, order);
}

/** Reads an NVP reply (`{ status, body }` or `{ error }`), as `Gateway.parseNvpResponse`. */
function parseNvpResponse(reply) {
  return native.paypalParseNvpResponse(replyJson(reply));
}

module.exports = {
  Gateway,
  UnverifiedNotification,
  VerifiedNotification,
  NvpReply,
  VerifiedEvent,
  checkoutPublic,
  validateOrder,
  parseNvpResponse,
  DEFAULT_TIMEOUT_MS,
  ...answerFunctions(answers),
};

'use strict';
// Bitpay for Node: invoices (request and reply), and notifications proven by fetching the
// invoice from Bitpay (a notification is unsigned: only Bitpay's own answer counts).

const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { decorate } = require('./notifications.js');
const { withHandle, registerVerified } = require('./state.js');
const { handleGatewayNotification } = require('./driver.js');
const { perform, fetchPostback, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const { replyJson } = require('./wire.js');
const { BaseGateway, KIND, nativeOf, answerFunctions } = require('./base.js');

const UnverifiedNotification = native.BitpayUnverifiedNotification;
const VerifiedNotification = native.BitpayVerifiedNotification;
decorate('Bitpay', UnverifiedNotification, VerifiedNotification, (n) => ({
  id: n.claimed.id,
  status: n.claimed.status,
  order_id: n.claimed.order_id,
  amount: n.claimed.price.value,
  currency: n.claimed.price.currency,
}));
registerVerified(VerifiedNotification, (json, verified) => native.bitpayTransition(json, verified));

const answers = { acknowledge: native.bitpayAcknowledge, reject: native.bitpayReject };

function checkFetch(fetch, timeoutMs) {
  if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
}

/** One Bitpay merchant. The API key is held natively: never in inspect or JSON output. */
class Gateway extends BaseGateway {
  static [KIND] = { name: 'bitpay', inspect: ['api_url', 'invoice_url'], answers };

  /**
   * @param {object} config Bitpay configuration, in the core's JSON shape.
   * @param {{ validate?: boolean }} [options]
   */
  constructor(config, options = {}) {
    super(native.BitpayGateway, config, options);
  }

  /** The invoice creation request (`Authorization` carries the API key: send it, never log it). */
  invoiceRequest(request) {
    return decode(nativeOf(this).invoiceRequest(encode(request, 'request')));
  }

  /** Reads the creation reply: `{ invoice, form }` (the form sends the buyer to the invoice page). */
  invoiceResponse(reply) {
    return decode(nativeOf(this).invoiceResponse(replyJson(reply)));
  }

  /** `invoiceRequest` → `fetch` (deadline; failure = `gateway_unavailable`) → `invoiceResponse`. */
  async createInvoice(request, { fetch = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    checkFetch(fetch, timeoutMs);
    const reply = await perform(fetch, this.invoiceRequest(request), timeoutMs);
    return this.invoiceResponse(reply);
  }

  /** The fetch that proves `notification`: `GET <api_url>/<id>` with the API key. */
  invoiceStatusRequest(notification) {
    return decode(
      withHandle(UnverifiedNotification, notification, 'notification', () =>
        nativeOf(this).invoiceStatusRequest(notification),
      ),
    );
  }

  /**
   * Judges the fetched invoice (`{ status, body }` or `{ error }`): status, price and order come
   * from it, not from the notification. No usable answer: `gateway_unavailable`; another
   * invoice: `signature_mismatch`.
   */
  verifyInvoice(notification, reply) {
    const json = replyJson(reply);
    return withHandle(UnverifiedNotification, notification, 'notification', () =>
      nativeOf(this).verifyInvoice(notification, json),
    );
  }

  /**
   * The notification flow: store, parse, fetch the invoice (`fetch`, default global `fetch`,
   * deadline `timeoutMs`), verify, load the payment, transition, answer.
   */
  handleNotification(input) {
    return handleGatewayNotification(this, nativeOf(this), input);
  }
}

/** An invoice status in the one status model (`pending`, `succeeded`, `failed` …). */
function status(invoiceStatus) {
  return native.bitpayStatus(String(invoiceStatus));
}

/** The merchant-facade key's `{ identity, sin }` (`identity` is `X-Identity`; pair `sin`). */
function merchantKeyInfo(privateKey) {
  return decode(native.bitpayMerchantKeyInfo(String(privateKey)));
}

/** The `X-Signature` of `message` (full URL + body) with the merchant-facade key. */
function sign(privateKey, message) {
  return native.bitpaySign(String(privateKey), String(message));
}

/** Throws `signature_mismatch` unless `signature` is `identity`'s signature of `message`. */
function verifySignature(identity, message, signature) {
  native.bitpayVerifySignature(String(identity), String(message), String(signature));
}

/** The pairing call `POST <apiUrl>/tokens` for the key's SIN (with the dashboard's code, or asking for one). */
function pairingRequest(apiUrl, privateKey, pairingCode) {
  const code = pairingCode == null ? undefined : String(pairingCode);
  return decode(native.bitpayPairingRequest(String(apiUrl), String(privateKey), code));
}

/** Reads the pairing answer: `{ token, facade, pairing_code }` (store `token` as the secret `merchant_token`). */
function parsePairingResponse(reply) {
  return decode(native.bitpayParsePairingResponse(replyJson(reply)));
}

module.exports = {
  Gateway,
  UnverifiedNotification,
  VerifiedNotification,
  status,
  merchantKeyInfo,
  sign,
  verifySignature,
  pairingRequest,
  parsePairingResponse,
  DEFAULT_TIMEOUT_MS,
  ...answerFunctions(answers),
};

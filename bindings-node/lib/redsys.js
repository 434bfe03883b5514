'use strict';
// Redsys for Node: the Gateway class with the verbs of design §2 (checkout, parse + verify,
// the answers, REST refund/confirm/cancel), and the functions that need no configuration.
// Each method converts its arguments, calls the core, converts back; the REST call and the
// notification handler's sequencing are the only I/O and logic here.

const util = require('node:util');
const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { bodyBytes } = require('./bytes.js');
const { decodeEvent } = require('./notifications.js');
const flat = require('./flat.js');
const { opt, pairs } = flat;
const { transition, registerVerified } = require('./state.js');
const { vposError } = require('./errors.js');
const { fetchPostback, perform, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const { handleGatewayNotification, gatewayConfig } = require('./driver.js');
const { replyJson, errorJson } = require('./wire.js');

/**
 * A notification from the addon's flat text (src/redsys.rs `notification_flat`: the values of the
 * JSON shape in its order, `\0` between them, `\u0001` for null), without `JSON.parse`; the same
 * object `decode(notificationJson())` gives. `undefined` (the addon could not write it flat): JSON.
 */
function fromFlat(text) {
  if (typeof text !== 'string') return undefined;
  const v = text.split('\0');
  return {
    format: v[0],
    signature_version: v[1],
    order: v[2],
    amount: { minor: BigInt(v[3]), currency: v[4], value: v[5] },
    merchant_code: v[6],
    terminal: opt(v[7]),
    response: v[8],
    transaction_type: v[9],
    action: v[10],
    status: v[11],
    authorisation_code: opt(v[12]),
    error_code: opt(v[13]),
    merchant_data: opt(v[14]),
    identifier: opt(v[15]),
    expiry_date: opt(v[16]),
    cof_txnid: opt(v[17]),
    parameters: pairs(v, 18),
  };
}

const summary = (n) => ({
  format: n.format,
  order: n.order,
  response: n.response,
  amount: n.amount.value,
  currency: n.amount.currency,
});

// Only this module makes the notification handles (their constructors refuse anything else).
const MAKE = Symbol('vpos.redsys.make');

/**
 * A parsed Redsys notification whose signature is not checked yet. A JavaScript object, not a
 * native one: it holds what it was parsed from (the parsing gateway, the content type, a copy of
 * the raw body); the addon keeps the last parse (src/redsys.rs `LastParse`) and parses again
 * when that is another one, with the same result. Private fields: a look-alike (a plain object,
 * `Object.create` of the prototype) has none, and is refused.
 */
class RedsysUnverifiedNotification {
  #parser;
  #contentType;
  #body;
  #untrusted;

  constructor(make, parser, contentType, body) {
    if (make !== MAKE) throw new TypeError('RedsysUnverifiedNotification has no constructor: Gateway.parseNotification makes one');
    this.#parser = parser;
    this.#contentType = contentType;
    this.#body = body;
  }

  /** The parsed notification, to be read with suspicion (to find the payment). */
  get untrusted() {
    if (this.#untrusted === undefined) {
      this.#untrusted =
        fromFlat(this.#parser.untrustedFlat(this.#contentType, this.#body)) ?? decode(this.untrustedJson());
    }
    return this.#untrusted;
  }

  /** The parsed notification as JSON. */
  untrustedJson() {
    return this.#parser.untrustedJson(this.#contentType, this.#body);
  }

  /** The raw body exactly as received (a copy). */
  get rawBody() {
    return Buffer.from(this.#body);
  }

  [util.inspect.custom](depth, options, inspect) {
    return `RedsysUnverifiedNotification ${inspect(summary(this.untrusted), options)}`;
  }

  /** What `verify` needs: `[parser, contentType, body]`, or `undefined` for a look-alike. */
  static parts(handle) {
    return handle !== null && typeof handle === 'object' && #body in handle
      ? [handle.#parser, handle.#contentType, handle.#body]
      : undefined;
  }
}
const UnverifiedNotification = RedsysUnverifiedNotification;
const unverifiedParts = UnverifiedNotification.parts;
delete UnverifiedNotification.parts;

const refuseVerified = () =>
  vposError(
    'field_invalid',
    'verified',
    'verified must be the RedsysVerifiedNotification handle vpos returned, not a look-alike',
  );

/**
 * A Redsys notification (or REST reply) whose signature is proven; its status may still be a
 * decline. A JavaScript object, not a native one. `verify`'s holds what the notification was
 * proven from (the verifying and the parsing gateway, the content type, the raw body): the addon
 * keeps the last proven notification (src/redsys.rs `Proven`) and proves it again from those
 * when asked for another one, so only the addon's own verification ever makes a notification
 * "verified" there. A REST or EMV3DS answer's holds the addon's handle. Private fields: a
 * look-alike has none, and is refused.
 */
class RedsysVerifiedNotification {
  #kept; // a REST or EMV3DS answer: the addon's handle
  #verifier;
  #parser;
  #contentType;
  #body;
  #flat; // `verify`'s flat text until `.notification` reads it
  #notification;
  #event;

  constructor(make, kept, verifier, parser, contentType, body, flatText) {
    if (make !== MAKE) throw new TypeError('RedsysVerifiedNotification has no constructor: Gateway.verify makes one');
    this.#kept = kept;
    this.#verifier = verifier;
    this.#parser = parser;
    this.#contentType = contentType;
    this.#body = body;
    this.#flat = flatText;
  }

  /** The notification. */
  get notification() {
    if (this.#notification === undefined) {
      let text = this.#flat;
      this.#flat = undefined;
      if (text === undefined || text === null) {
        text = this.#kept
          ? native.redsysNotificationFlat(this.#kept)
          : this.#verifier.provenFlat(this.#parser, this.#contentType, this.#body);
      }
      this.#notification = fromFlat(text) ?? decode(this.notificationJson());
    }
    return this.#notification;
  }

  /** The decoded parameters as an object (the last of a repeated key wins). */
  get parameters() {
    return Object.fromEntries(this.notification.parameters);
  }

  /** The gateway-neutral event, with its idempotency `key`. */
  get event() {
    if (this.#event === undefined) this.#event = decodeEvent(this.eventJson());
    return this.#event;
  }

  /** The raw body exactly as received (a copy). */
  get rawBody() {
    return this.#kept ? this.#kept.rawBody : Buffer.from(this.#body);
  }

  /** The notification as JSON. */
  notificationJson() {
    return this.#kept
      ? this.#kept.notificationJson()
      : this.#verifier.provenJson(this.#parser, this.#contentType, this.#body);
  }

  /** The event as JSON. */
  eventJson() {
    return this.#kept
      ? this.#kept.eventJson()
      : this.#verifier.provenEventJson(this.#parser, this.#contentType, this.#body);
  }

  [util.inspect.custom](depth, options, inspect) {
    const e = this.event;
    return `RedsysVerifiedNotification ${inspect({ key: e.key, order_id: e.order_id, status: e.status, amount: e.amount.value, currency: e.amount.currency }, options)}`;
  }

  /**
   * Calls `ifKept(handle)` for a REST or EMV3DS answer, else `ifProven(verifier, parser,
   * contentType, body)`; throws `field_invalid` on `verified` for a look-alike.
   */
  static use(handle, ifKept, ifProven) {
    if (handle === null || typeof handle !== 'object' || !(#kept in handle)) throw refuseVerified();
    return handle.#kept
      ? ifKept(handle.#kept)
      : ifProven(handle.#verifier, handle.#parser, handle.#contentType, handle.#body);
  }
}
const VerifiedNotification = RedsysVerifiedNotification;
const useVerified = VerifiedNotification.use;
delete VerifiedNotification.use;
/** A REST or EMV3DS answer's handle. */
const kept = (handle) => new VerifiedNotification(MAKE, handle);

registerVerified(VerifiedNotification, (json, verified) =>
  useVerified(
    verified,
    (handle) => native.redsysTransition(json, handle),
    (verifier, parser, contentType, body) => verifier.provenTransition(parser, contentType, body, json),
  ),
);

const str = (v) => (typeof v === 'string' ? v : '');

/**
 * One Redsys terminal. The configuration (with its secret key) is held by the native side;
 * nothing on this object reveals the key, not even `util.inspect` or `JSON.stringify`.
 */
class Gateway {
  #native;

  /**
   * @param {object} config Redsys configuration, in the core's JSON shape (snake_case keys).
   * @param {{ validate?: boolean }} [options] `validate: false` skips `Config::validate`.
   */
  constructor(config, options = {}) {
    this.#native = new native.RedsysGateway(encode(config, ''), options.validate !== false);
  }

  /** This account as the driver's `Config` (the one notification and operation path). */
  get config() {
    return gatewayConfig(this, this.#native);
  }

  /** Checks every configuration value; throws `invalid_config` naming the key. */
  validate() {
    this.#native.validate();
  }

  /** The configuration without `secret_key`. */
  get publicConfig() {
    return decode(this.#native.publicConfig());
  }

  /** `DS_MERCHANT_MERCHANTCODE`. */
  get merchantCode() {
    return this.publicConfig.merchant_code;
  }

  /** Base64 of the per-order key (3DES or AES by the signature version): for test vectors. */
  orderKey(order) {
    return this.#native.orderKey(str(order));
  }

  /** Signs `message` (string or bytes) keyed with `order`, encoded as the configured version sends it. */
  sign(order, message) {
    return this.#native.sign(str(order), bodyBytes(message));
  }

  /** The signed redirect form for `order`: `{ action, method, fields: [name, value][] }`. */
  checkout(order) {
    const text = flat.redsysOrder(order);
    const form = text === undefined ? undefined : flat.form(this.#native.checkoutFlatOrder(text));
    if (form !== undefined) return form;
    const json = encode(order, '');
    return flat.form(this.#native.checkoutFlat(json)) ?? decode(this.#native.checkout(json));
  }

  /** The redirect form as HTML, every value escaped; `autoSubmit` adds the submitting script. */
  checkoutHtml(order, { autoSubmit = false } = {}) {
    return this.#native.checkoutHtml(encode(order, ''), Boolean(autoSubmit));
  }

  /** Parses an HTTP POST or SOAP notification from its content type and raw body. */
  parseNotification(contentType, body) {
    const type = str(contentType);
    // A copy: the caller's buffer may be reused; the handle's body is what was parsed.
    const bytes = typeof body === 'string' ? bodyBytes(body) : Buffer.from(bodyBytes(body));
    this.#native.parseNotification(type, bytes);
    return new UnverifiedNotification(MAKE, this.#native, type, bytes);
  }

  /** Checks the signature; throws `signature_mismatch` / `unsupported_signature_version`. */
  verify(notification) {
    const parts = unverifiedParts(notification);
    if (parts === undefined) {
      throw vposError(
        'field_invalid',
        'notification',
        `notification must be the ${UnverifiedNotification.name} handle vpos returned, not a look-alike`,
      );
    }
    const flatText =
      parts[0] === this.#native
        ? this.#native.verifyOwn(parts[1], parts[2])
        : this.#native.verify(parts[0], parts[1], parts[2]);
    return new VerifiedNotification(MAKE, undefined, this.#native, parts[0], parts[1], parts[2], flatText);
  }

  /** What a verified notification does to the stored payment. */
  transition(payment, verified) {
    return transition(payment, verified);
  }

  /** The answer to Redsys for a verified notification and its outcome (signed envelope for SOAP). */
  acknowledge(verified, outcome) {
    const json = encode(outcome, 'outcome');
    return JSON.parse(
      useVerified(
        verified,
        (handle) => this.#native.acknowledge(handle, json),
        (verifier, parser, contentType, body) =>
          this.#native.acknowledgeProven(verifier, parser, contentType, body, json),
      ),
    );
  }

  /** The signed SOAP answer (`OK` when `accept`, else `KO`) for `order`. */
  soapAnswer(order, accept) {
    return JSON.parse(this.#native.soapAnswer(str(order), Boolean(accept)));
  }

  /** The answer to Redsys for an error. */
  reject(error) {
    return reject(error);
  }

  /** The REST request for a refund, confirmation or cancellation: `{ method, url, headers, body }`. */
  operationRequest(operation) {
    return decode(this.#native.operationRequest(encode(operation, 'operation')));
  }

  /** Reads the REST reply (`{ status, body }` or `{ error }`); returns the verified result. */
  parseOperationResponse(reply) {
    return kept(this.#native.parseOperationResponse(replyJson(reply)));
  }

  // Host-to-host EMV3DS over REST (docs/3ds.md). `payment`: { order, amount, preauthorisation?,
  // card: { id_oper } | { pan, expiry_date, cvv2 } }; request bodies carry the card: never log them.

  /** Step 1: the `iniciaPeticionREST` request. */
  emv3dsIniciaRequest(payment) {
    return decode(this.#native.emv3DsIniciaRequest(encode(payment, 'payment')));
  }

  /** Reads the `iniciaPeticionREST` reply: the card configuration. */
  emv3dsParseIniciaResponse(payment, reply) {
    return decode(this.#native.emv3DsParseIniciaResponse(encode(payment, 'payment'), replyJson(reply)));
  }

  /** The 3DS Method form (`threeDSMethodData`), or `null` without a 3DS Method URL. */
  emv3dsMethodForm(card, notificationUrl) {
    return decode(this.#native.emv3DsMethodForm(encode(card, 'card'), notificationUrl));
  }

  /** The `threeDSServerTransID` the ACS's `threeDSMethodData` post-back names. */
  emv3dsMethodData(data) {
    return this.#native.emv3DsMethodData(data);
  }

  /** Step 3: the `trataPeticionREST` request with `AuthenticationData`. */
  emv3dsTrataRequest(payment, authentication) {
    return decode(
      this.#native.emv3DsTrataRequest(encode(payment, 'payment'), encode(authentication, 'authentication')),
    );
  }

  /** Reads the `AuthenticationData` reply: `{ kind: 'final', notification }` or `{ kind: 'challenge', challenge, form }`. */
  emv3dsParseTrataResponse(payment, reply) {
    const step = this.#native.emv3DsParseTrataResponse(encode(payment, 'payment'), replyJson(reply));
    if (typeof step === 'string') return { kind: 'challenge', ...decode(step) };
    return { kind: 'final', notification: kept(step) };
  }

  /** Step 5: the `trataPeticionREST` request with `ChallengeResponse` (`{ protocol_version, cres }`). */
  emv3dsChallengeRequest(payment, challenge) {
    return decode(this.#native.emv3DsChallengeRequest(encode(payment, 'payment'), encode(challenge, 'challenge')));
  }

  /** Reads the `ChallengeResponse` reply: always final, the verified notification. */
  emv3dsParseChallengeResponse(payment, reply) {
    return kept(this.#native.emv3DsParseChallengeResponse(encode(payment, 'payment'), replyJson(reply)));
  }

  // Pay-by-link (Paygold, docs/3ds.md). `link`: { order, amount, customer_mobile?,
  // customer_email?, expiry_minutes?, sms_text? (with @URL@), xml_data?, merchant_url?, description? }.

  /** The `trataPeticionREST` request (type `F`) asking Redsys to send the customer a payment link. */
  paygoldRequest(link) {
    return decode(this.#native.paygoldRequest(encode(link, 'link')));
  }

  /** Reads the reply: the verified link `{ url, order, amount }`. The payment stays `new` until its notification. */
  paygoldParseReply(link, reply) {
    return decode(this.#native.paygoldParseReply(encode(link, 'link'), replyJson(reply)));
  }

  /**
   * Performs a REST operation: builds the request, sends it with `fetch` (default: the global
   * `fetch`, `timeoutMs` deadline) and verifies the reply. A timeout or network failure is
   * `gateway_unavailable`; Redsys's own refusal `gateway_error`.
   */
  async operate(operation, { fetch = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
    const request = this.operationRequest(operation);
    const reply = await perform(fetch, request, timeoutMs);
    return this.parseOperationResponse(reply);
  }

  /**
   * The whole notification flow (HTTP POST or SOAP): store, parse, verify the signature,
   * load the payment, transition, answer. See `handleNotification` in the README.
   */
  handleNotification(input) {
    return handleGatewayNotification(this, this.#native, input);
  }

  /** JSON of a gateway is its public configuration: never the key. */
  toJSON() {
    return this.publicConfig;
  }

  [util.inspect.custom](depth, options, inspect) {
    const c = this.publicConfig;
    const shown = { merchant_code: c.merchant_code, terminal: c.terminal };
    for (const key of this.config.secretKeys) shown[key] = '***'; // the core's one list
    return `redsys.Gateway ${inspect(shown, options)}`;
  }
}

/** A `Ds_Response` for a transaction type: `{ action, status, response }`. */
function status(transactionType, response) {
  return JSON.parse(native.redsysStatus(String(transactionType), String(response)));
}

/** The exact HTTP answer to Redsys for an error (403 bad signature, 422 malformed, 503 retry). */
function reject(error) {
  return JSON.parse(native.redsysReject(errorJson(error)));
}

module.exports = { Gateway, UnverifiedNotification, VerifiedNotification, status, reject };

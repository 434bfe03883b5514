'use strict';
// The gateway-neutral driver (vpos_core::driver, docs/driver.md) and the one notification
// path built on it. Every decision (which field is the order id, how a notification is
// proven, the verdict, what to store, which keys are secret) is the core's; this module
// sequences the steps, performs the one HTTP exchange a proof may need, and converts values.
//
// Handles (UnverifiedNotification, PendingNotification, VerifiedNotification, OperationReply)
// are the addon's opaque classes. Their parts are read on first access and cached: the
// notification is never re-serialised on every property read.

const util = require('node:util');
const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { bodyBytes } = require('./bytes.js');
const { isVposError, vposError } = require('./errors.js');
const { errorJson, replyJson } = require('./wire.js');
const { transition, withHandle, registerVerified } = require('./state.js');
const { fetchPostback, perform, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const { cached } = require('./cache.js');

const NATIVE = new WeakMap();

// The addon writes minor units as decimal strings; these shapes hold them in known places
// only, so a plain JSON.parse and one fix-up beat a reviver called for every key.
function amount(a) {
  if (a && typeof a.minor === 'string') a.minor = BigInt(a.minor);
  return a;
}
function withAmount(text) {
  const value = JSON.parse(text);
  amount(value.amount);
  return value;
}

/** The native configuration behind a `Config` (module-private to lib/). */
function nativeConfig(config) {
  const n = NATIVE.get(config);
  if (n === undefined) throw new TypeError('config must be a vpos Config (new vpos.Config({ gateway, ... }))');
  return n;
}

/**
 * A merchant account's configuration, whichever gateway: `{ gateway: 'redsys', ...the
 * gateway's keys }` in the core's JSON shape. Read and validated by the core; the secrets stay
 * native (no property, `JSON.stringify` or `util.inspect` shows them).
 */
class Config {
  /** @param {object} config `{ gateway, ... }` */
  constructor(config) {
    NATIVE.set(this, new native.DriverConfig(encode(config, '')));
  }

  /** The gateway's name (`"redsys"`). */
  get gateway() {
    return cached(this, 'gateway', () => nativeConfig(this).gateway);
  }

  /** The secret keys of this gateway's configuration, as dotted paths (`nvp.password`). */
  get secretKeys() {
    return cached(this, 'secretKeys', () => Object.freeze(nativeConfig(this).secretKeys));
  }

  /** The configuration without its secret keys, tagged with `gateway`: safe to show or send. */
  public() {
    return decode(nativeConfig(this).publicJson());
  }

  /** Checks the notification URL's token (FloCash); throws `token_mismatch`. Others pass. */
  checkToken(token) {
    nativeConfig(this).checkToken(typeof token === 'string' ? token : undefined);
  }

  /** JSON of a configuration is its public view: never a secret. */
  toJSON() {
    return this.public();
  }

  [util.inspect.custom](depth, options, inspect) {
    const shown = this.public();
    for (const key of this.secretKeys) {
      const path = key.split('.');
      let at = shown;
      for (const part of path.slice(0, -1)) at = at && typeof at[part] === 'object' ? at[part] : null;
      if (at) at[path[path.length - 1]] = '***';
    }
    return `vpos.Config ${inspect(shown, options)}`;
  }
}

/** A `Config` around a native configuration a gateway class already holds. */
function configOfNative(nativeDriverConfig) {
  const config = Object.create(Config.prototype);
  NATIVE.set(config, nativeDriverConfig);
  return config;
}

const gatewayName = (gateway) => (gateway instanceof Config ? gateway.gateway : String(gateway));

/** Every gateway vpos speaks, in the order hosts list them. */
const GATEWAYS = Object.freeze(native.driverGateways());
function gateways() {
  return GATEWAYS;
}

/** The secret configuration keys of `gateway` (a name or a Config), as dotted paths. */
function secretKeys(gateway) {
  return Object.freeze(native.driverSecretKeys(gatewayName(gateway)));
}

const MAX_BODY = new Map(GATEWAYS.map((g) => [g, native.driverMaxBodyBytes(g)]));
/** The largest notification body `gateway` sends; refuse a larger one unread (`rejectUnread`). */
function maxBodyBytes(gateway) {
  const name = gatewayName(gateway);
  return MAX_BODY.get(name) ?? native.driverMaxBodyBytes(name);
}

// The handles' readable parts.
const Unverified = native.DriverUnverified;
const Pending = native.DriverPending;
const Verified = native.DriverVerified;
const OperationReply = native.DriverOperationReply;
const StatusEvent = native.DriverStatusEvent;

const inner = (text) => JSON.parse(text, (key, value) => (key === 'minor' || key.endsWith('_minor')) && typeof value === 'string' ? BigInt(value) : value).notification;
const summaryInspect = (name) => ({
  value(depth, options, inspect) {
    const s = this.summary;
    return `${name} ${inspect({ gateway: s.gateway, order_id: s.order_id, transaction_id: s.transaction_id, status_code: s.status_code, amount: s.amount && s.amount.value, currency: s.amount && s.amount.currency }, options)}`;
  },
});

Object.defineProperties(Unverified.prototype, {
  summary: { get() { return cached(this, 'summary', () => withAmount(this.summaryJson())); } },
  notification: { get() { return cached(this, 'notification', () => inner(this.notificationJson())); } },
  [util.inspect.custom]: summaryInspect('UnverifiedNotification'),
});
Object.defineProperties(Pending.prototype, {
  summary: { get() { return cached(this, 'summary', () => withAmount(this.summaryJson())); } },
  finish: {
    /** Reads the gateway's reply (`{ status, body }` or `{ error }`): the verified notification. */
    value(config, reply) {
      const n = nativeConfig(config);
      const json = replyJson(reply);
      return withHandle(Pending, this, 'pending', () => this.finishJson(n, json));
    },
  },
  [util.inspect.custom]: summaryInspect('PendingNotification'),
});
Object.defineProperties(Verified.prototype, {
  summary: { get() { return cached(this, 'summary', () => withAmount(this.summaryJson())); } },
  event: { get() { return cached(this, 'event', () => withAmount(this.eventJson())); } },
  paymentFields: { get() { return cached(this, 'paymentFields', () => JSON.parse(this.paymentFieldsJson())); } },
  notification: { get() { return cached(this, 'notification', () => inner(this.notificationJson())); } },
  [util.inspect.custom]: summaryInspect('VerifiedNotification'),
});
Object.defineProperties(OperationReply.prototype, {
  event: { get() { return cached(this, 'event', () => withAmount(this.eventJson())); } },
  paymentFields: { get() { return cached(this, 'paymentFields', () => JSON.parse(this.paymentFieldsJson())); } },
  [util.inspect.custom]: {
    value(depth, options, inspect) {
      const e = this.event;
      return `OperationReply ${inspect({ key: e.key, order_id: e.order_id, action: e.action, status: e.status, amount: e.amount.value }, options)}`;
    },
  },
});
registerVerified(Verified, (json, verified) => native.driverTransition(json, verified));
registerVerified(OperationReply, (json, reply) => native.driverTransitionReply(json, reply));
Object.defineProperties(StatusEvent.prototype, {
  event: { get() { return cached(this, 'event', () => withAmount(this.eventJson())); } },
  [util.inspect.custom]: {
    value(depth, options, inspect) {
      const e = this.event;
      return `StatusEvent ${inspect({ key: e.key, order_id: e.order_id, action: e.action, status: e.status, amount: e.amount.value }, options)}`;
    },
  },
});
registerVerified(StatusEvent, (json, event) => native.driverTransitionStatusEvent(json, event));

const str = (v) => (typeof v === 'string' ? v : '');

/** Headers as `[name, value]` pairs, from a fetch `Headers`, pairs, or a (Node) object; a
 * repeated header gives one pair per value, so the core sees the repeat. */
function headerPairs(headers) {
  if (!headers) return undefined;
  if (typeof headers.entries === 'function' && !Array.isArray(headers)) return Array.from(headers.entries(), ([k, v]) => [String(k), String(v)]);
  if (Array.isArray(headers)) return headers.map((p) => (Array.isArray(p) ? p.map(String) : [String(p)]));
  return Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((one) => [k, String(one)]));
}

/**
 * Parses a notification for `config`'s gateway (FloCash checks `token` first; PayPal REST
 * reads the `PAYPAL-*` `headers` and, for the offline verification, `nowUnix`, the host's clock).
 * @param {Config} config
 * @param {{ contentType?: string, body: Uint8Array | string, query?: string, token?: string, headers?: object, nowUnix?: number }} request
 */
function parseNotification(config, request) {
  const n = nativeConfig(config);
  const { contentType, body, query, token, headers, nowUnix } = request ?? {};
  return native.driverParseNotification(n, str(contentType), bodyBytes(body), str(query), typeof token === 'string' ? token : undefined,
    headerPairs(headers), Number.isInteger(nowUnix) ? nowUnix : undefined);
}

/**
 * Proves a notification: `{ verified }` (a signature, checked on the spot) or `{ request,
 * pending }` (perform `request` with a deadline, then `pending.finish(config, reply)`).
 */
function prove(config, unverified) {
  const n = nativeConfig(config);
  const proof = withHandle(Unverified, unverified, 'unverified', () => native.driverProve(n, unverified));
  const verified = proof.takeVerified();
  if (verified) return { verified };
  return { request: decode(proof.requestJson()), pending: proof.takePending() };
}

/** An `Answer` from the addon's JSON: `{ verdict, response, paymentFields, error }`. */
function answer(text) {
  const a = JSON.parse(text);
  return { verdict: a.verdict, response: a.response, paymentFields: a.payment_fields, error: a.error };
}

/** The answer once `transition` decided: `{ verdict, response, paymentFields, error }`. */
function acknowledge(config, verified, outcome) {
  const n = nativeConfig(config);
  const json = encode(outcome, 'outcome');
  return answer(withHandle(Verified, verified, 'verified', () => native.driverAcknowledge(n, verified, json)));
}

/** The answer to a notification refused at any step (`error`: a VposError or `{ code, message, field? }`). */
function reject(gateway, error) {
  return answer(native.driverReject(gatewayName(gateway), errorJson(error)));
}

/** A body over `maxBodyBytes(gateway)`, refused unread: 413, verdict `invalid`. */
function rejectUnread(gateway) {
  return answer(native.driverRejectUnread(gatewayName(gateway)));
}

/** The URL names no configured account: 404, verdict `unknown_account`. */
function unknownAccount(gateway) {
  return answer(native.driverUnknownAccount(gatewayName(gateway)));
}

/** A proven notification whose order no payment has (yet): verdict `no_payment`. */
function paymentNotFound(gateway, orderId) {
  return answer(native.driverPaymentNotFound(gatewayName(gateway), str(orderId)));
}

/** The operations a payment's status allows (`paid` → `['refund']`). */
function allowedOperations(status) {
  return native.driverAllowedOperations(String(status));
}

/** The operations vpos can ask of `gateway`. */
function supportedOperations(gateway) {
  return native.driverSupportedOperations(gatewayName(gateway));
}

const minorText = (v, field) => {
  if (typeof v !== 'bigint') throw new TypeError(`${field} must be a bigint (minor units)`);
  return v.toString();
};

/** Refuses an operation the payment cannot take (`invalid_transition`, `refund_exceeds_amount` …). */
function checkOperation(payment, kind, amountMinor, inFlightMinor = 0n) {
  native.driverCheckOperation(encode(payment, 'payment'), String(kind), minorText(amountMinor, 'amountMinor'), minorText(inFlightMinor, 'inFlightMinor'));
}

/** The request for an operation (`{ kind, order_id, amount, ... }`): `{ method, url, headers, body }`. */
function operationRequest(config, operation) {
  return decode(native.driverOperationRequest(nativeConfig(config), encode(operation, 'operation')));
}

/** Reads the gateway's reply to an operation: a handle with `event` (for `transition`) and `paymentFields`. */
function parseOperationReply(config, operation, reply) {
  return native.driverParseOperationReply(nativeConfig(config), encode(operation, 'operation'), replyJson(reply));
}

/**
 * A checkout order for `gateway` from the gateway-neutral request (`{ order_id, amount,
 * description, custom, return_url, cancel_url, notify_url, timestamp, store_card, fields, ... }`):
 * the tagged `{ gateway, ...the gateway's own order }` the core maps it to.
 */
function orderForPayment(gateway, request) {
  return decode(native.driverOrderForPayment(gatewayName(gateway), encode(request, 'request')));
}

/**
 * The checkout of `order` (tagged `{ gateway, ... }`): `{ form }` (the redirect form) or, when
 * the gateway makes its page by API (Bitpay's invoice), `{ request }`: perform it with a
 * deadline, then `parseCheckoutReply(config, reply)`.
 */
function checkout(config, order) {
  return decode(native.driverCheckout(nativeConfig(config), encode(order, 'order')));
}

/** Reads the reply to `checkout`'s request: `{ form, reference }` (Bitpay's invoice id, to store). */
function parseCheckoutReply(config, reply) {
  return decode(native.driverParseCheckoutReply(nativeConfig(config), replyJson(reply)));
}

/** A fresh order id where the gateway shapes it (Redsys; `random`: at least 12 random bytes), else `null`. */
function newOrderId(gateway, prefix, random) {
  if (!(random instanceof Uint8Array)) throw new TypeError('random must be a Uint8Array of at least 12 random bytes');
  return native.driverNewOrderId(gatewayName(gateway), str(prefix), Buffer.from(random)) ?? null;
}

/** `operationRequest` → `fetch` (deadline `timeoutMs`; a failure is `gateway_unavailable`) → `parseOperationReply`. */
async function operate(config, operation, { fetch = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  checkIo(fetch, timeoutMs);
  const request = operationRequest(config, operation);
  return parseOperationReply(config, operation, await perform(fetch, request, timeoutMs));
}

/** A whole number that fits 32 bits, as the core counts attempts and operations. */
function checkCount(value, field) {
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) throw vposError('field_invalid', field, `${field} must be a non-negative integer`);
}

/** Whether `gateway` (a name or a Config) answers a status query in vpos. */
function supportsStatusQuery(gateway) {
  return native.driverSupportsStatusQuery(gatewayName(gateway));
}

/**
 * The status query for `query` (`{ order_id, amount, transaction_id?, reference?, timestamp? }`):
 * `{ method, url, headers, body }`. PayPal needs the stored `transaction_id`, Bitpay the
 * invoice `reference`; a gateway without a query is `unsupported` on `gateway`.
 */
function statusQueryRequest(config, query) {
  return decode(native.driverStatusQueryRequest(nativeConfig(config), encode(query, 'query')));
}

/**
 * Reads the gateway's reply to `statusQueryRequest`'s request: `{ found, events, paymentFields }`,
 * each event a handle for `transition` (its `event` is the plain event), in the order they happened.
 */
function parseStatusReply(config, query, reply) {
  const r = native.driverParseStatusReply(nativeConfig(config), encode(query, 'query'), replyJson(reply));
  return { found: r.found, events: r.takeEvents(), paymentFields: JSON.parse(r.paymentFieldsJson()) };
}

/** `statusQueryRequest` → `fetch` (deadline `timeoutMs`; a failure is `gateway_unavailable`) → `parseStatusReply`. */
async function statusQuery(config, query, { fetch = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  checkIo(fetch, timeoutMs);
  const request = statusQueryRequest(config, query);
  return parseStatusReply(config, query, await perform(fetch, request, timeoutMs));
}

/** The idempotency key of an operation (`vpos1-` + 32 hex digits): the same inputs, the same key, everywhere. */
function operationKey(gateway, merchant, orderId, kind, sequence) {
  checkCount(sequence, 'sequence');
  return native.driverOperationKey(gatewayName(gateway), str(merchant), str(orderId), String(kind), sequence);
}

/** Whether `gateway`'s operation API dedupes a resent operation by its idempotency key (PayPal `MSGSUBID`). */
function supportsIdempotencyKey(gateway) {
  return native.driverSupportsIdempotencyKey(gatewayName(gateway));
}

/**
 * After attempt `attempt` (1-based) of an operation on `gateway` failed: the wait in
 * milliseconds before sending it again, or `null` to stop. `failure` is `'not_sent'`,
 * `'no_answer'`, `'refused'`, or the reply the core could not use (`{ status, body }` or
 * `{ error }`); `policy` (`{ max_attempts, base_delay_ms, max_delay_ms }`, missing keys
 * default) or, without one, the core's default (3 attempts, 500 ms then 1 s, at most 5 s). No jitter: add your own.
 */
function retryAfter(gateway, attempt, failure, policy) {
  checkCount(attempt, 'attempt');
  const isReply = typeof failure !== 'string';
  const text = isReply ? replyJson(failure) : failure;
  const wait = native.driverRetryAfter(gatewayName(gateway), attempt, text, isReply, policy === undefined || policy === null ? undefined : encode(policy, 'policy'));
  return wait ?? null;
}

/** What a payment has taken and may still take: `{ captured_minor, capturable_minor, refundable_minor, operations }`. */
function paymentAmounts(payment) {
  return decode(native.driverPaymentAmounts(encode(payment, 'payment')));
}

/** What became of an operation: `{ state: 'succeeded' | 'pending' | 'failed', code }`. */
const operationStatus = Object.freeze({
  afterReply(kind, reply, outcome) {
    const json = encode(outcome, 'outcome');
    return JSON.parse(withHandle(OperationReply, reply, 'reply', () => native.driverOperationStatusAfterReply(String(kind), reply, json)));
  },
  afterError(error) {
    return JSON.parse(native.driverOperationStatusAfterError(errorJson(error)));
  },
});

/** One header from a Node `IncomingHttpHeaders`, a fetch `Headers`, pairs, or a plain object. */
function header(headers, name) {
  if (!headers) return '';
  let value;
  if (typeof headers.get === 'function') {
    value = headers.get(name);
  } else if (Array.isArray(headers)) {
    const pair = headers.find((p) => Array.isArray(p) && String(p[0]).toLowerCase() === name);
    value = pair && pair[1];
  } else {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' ? value : '';
}

function checkIo(fetch, timeoutMs) {
  if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
}

/**
 * The one notification path, for every gateway: size check → token (FloCash) → `onReceived`
 * (store the raw body) → parse → prove (signature, or one request: post-back / invoice fetch,
 * performed with `fetch` under `timeoutMs`) → load the payment → transition → acknowledge;
 * any refusal → reject. Never throws for the gateway's message; throws for the host's
 * mistakes (a parsed body, a failing `onReceived` or loader, an invalid snapshot).
 *
 * @param {Config} config
 * @param {{ body: Uint8Array | string, headers?: object, contentType?: string, query?: string, token?: string }} request
 * @param {{ payment: object | ((event, verified) => object | null | Promise<object | null>),
 *           onReceived?: (received) => unknown, fetch?: Function, postback?: Function, timeoutMs?: number }} options
 */
async function handleNotification(config, request, options = {}) {
  return notificationPath(config, request, options, null);
}

/**
 * `handleNotification` whose proof needs the account's OAuth token (PayPal REST's post-back):
 * `auth.config()` gives the configuration with the cached token, `auth.renew()` one with a new
 * token after PayPal answered 401 (asked once). A failure to get a token is the core's error,
 * answered like any refusal (after `onReceived`: the body is stored first).
 */
function notificationPath(config, request, options, auth) {
  return run(config, request, options ?? {}, auth);
}

async function run(config, request, options, auth) {
  nativeConfig(config);
  if (!request || typeof request !== 'object') throw new TypeError('handleNotification needs a request object');
  const { payment, onReceived, timeoutMs = DEFAULT_TIMEOUT_MS } = options ?? {};
  const fetch = options.fetch ?? options.postback ?? fetchPostback;
  checkIo(fetch, timeoutMs);
  if (payment === undefined) throw new TypeError('payment is required: the stored snapshot or a function returning it');

  // A body that is not bytes is the host's mistake (a body parser ran): thrown, never answered.
  const rawBody = bodyBytes(request.body);
  const contentType = typeof request.contentType === 'string' ? request.contentType : header(request.headers, 'content-type');
  const gateway = config.gateway;
  let known = null; // the handle whose summary and notification the result reports
  const result = (a, fields) => {
    const out = {
      status: a.response.status,
      headers: a.response.headers,
      body: a.response.body,
      verdict: a.verdict,
      outcome: null,
      error: a.error ?? null,
      event: null,
      summary: known ? known.summary : null,
      paymentFields: a.paymentFields,
      rawBody,
      ...fields,
    };
    const handle = known;
    Object.defineProperty(out, 'notification', {
      enumerable: true,
      get: () => (handle ? handle.notification : null),
    });
    return out;
  };
  const refuse = (err, fields) => {
    if (!isVposError(err)) throw err; // a bug, not a verdict on the notification
    return result(reject(gateway, err), fields);
  };

  if (rawBody.length > maxBodyBytes(gateway)) return result(rejectUnread(gateway));
  // The token guards the URL: a wrong one is not a notification, refused before anything is stored.
  try {
    config.checkToken(request.token);
  } catch (err) {
    return refuse(err);
  }
  if (onReceived) await onReceived({ body: rawBody, headers: request.headers, contentType });

  let unverified;
  try {
    unverified = parseNotification(config, { contentType, body: rawBody, query: request.query, token: request.token,
      headers: request.headers, nowUnix: request.nowUnix });
  } catch (err) {
    return refuse(err);
  }
  known = unverified;
  const proveWith = async (c) => {
    const proof = prove(c, unverified);
    if (proof.verified) return proof.verified;
    const reply = await perform(fetch, proof.request, timeoutMs);
    return proof.pending.finish(c, reply);
  };
  let verified;
  try {
    if (auth) config = await auth.config();
    verified = await proveWith(config);
  } catch (err) {
    if (!(auth && isVposError(err) && native.paypalRestIsTokenRejected(errorJson(err)))) return refuse(err);
    // PayPal's 401 on the post-back: the cached token expired or was revoked. Once more.
    try {
      config = await auth.renew();
      verified = await proveWith(config);
    } catch (again) {
      return refuse(again);
    }
  }
  known = verified;
  const event = verified.event;
  // A proven notification for a payment the host does not hold (yet) is answered with the
  // core's `payment_not_found` (the gateway delivers again), as is a loader that throws a vpos
  // error with that code. Any other failure of the loader is the host's and is thrown.
  let snapshot;
  try {
    snapshot = typeof payment === 'function' ? await payment(event, verified) : payment;
  } catch (err) {
    if (isVposError(err) && err.code === 'payment_not_found') return refuse(err, { event });
    throw err;
  }
  if (snapshot === null || snapshot === undefined) return result(paymentNotFound(gateway, event.order_id), { event });
  // An invalid snapshot is the host's data, not the gateway's message: that error is thrown.
  const outcome = transition(snapshot, verified);
  let a;
  try {
    a = acknowledge(config, verified, outcome);
  } catch (err) {
    return refuse(err, { outcome, event });
  }
  return result(a, { outcome, event });
}

const GATEWAY_CONFIGS = new WeakMap();

/**
 * A gateway class's `handleNotification(input)`: its configuration as a driver `Config`
 * (made once from the native one), `input` split into the request and the options.
 */
function handleGatewayNotification(gateway, nativeGateway, input) {
  if (!input || typeof input !== 'object') return Promise.reject(new TypeError('handleNotification needs an input object'));
  const { body, headers, contentType, query, token, ...options } = input;
  return handleNotification(gatewayConfig(gateway, nativeGateway), { body, headers, contentType, query, token }, options);
}

/** A gateway class's configuration as the driver's `Config`, made once. */
function gatewayConfig(gateway, nativeGateway) {
  let config = GATEWAY_CONFIGS.get(gateway);
  if (config === undefined) GATEWAY_CONFIGS.set(gateway, (config = configOfNative(nativeGateway.driverConfig())));
  return config;
}

module.exports = {
  Config,
  configOfNative,
  nativeConfig,
  handleGatewayNotification,
  gatewayConfig,
  UnverifiedNotification: Unverified,
  PendingNotification: Pending,
  VerifiedNotification: Verified,
  OperationReply,
  StatusEvent,
  gateways,
  secretKeys,
  maxBodyBytes,
  parseNotification,
  prove,
  acknowledge,
  reject,
  rejectUnread,
  unknownAccount,
  paymentNotFound,
  transition,
  allowedOperations,
  supportedOperations,
  checkOperation,
  operationRequest,
  parseOperationReply,
  operate,
  orderForPayment,
  checkout,
  parseCheckoutReply,
  newOrderId,
  operationStatus,
  supportsStatusQuery,
  statusQueryRequest,
  parseStatusReply,
  statusQuery,
  operationKey,
  supportsIdempotencyKey,
  retryAfter,
  paymentAmounts,
  handleNotification,
  notificationPath,
  header,
  DEFAULT_TIMEOUT_MS,
};

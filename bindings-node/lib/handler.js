'use strict';
// The FloCash notification flow for any Node framework:
//   token check → onReceived (store the raw body) → parse → post-back (with a deadline) →
//   verify → load the payment → transition → acknowledge; a refused notification → reject.
// Every decision is the core's (through the Gateway's verbs); this module only sequences them
// and performs the post-back.

const { isVposError } = require('./errors.js');
const { bodyBytes } = require('./bytes.js');
const { fetchPostback, perform, DEFAULT_TIMEOUT_MS } = require('./postback.js');

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

function errorInfo(err) {
  return { code: err.code, field: err.field ?? null, message: err.message };
}

/**
 * Handles one FloCash notification.
 * @param {import('./flocash.js').Gateway} gateway
 * @param {object} input see `NotificationInput` in index.d.ts
 */
async function handleNotification(gateway, input) {
  if (!input || typeof input !== 'object') throw new TypeError('handleNotification needs an input object');
  const { headers, payment, onReceived, postback = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = input;
  if (typeof postback !== 'function') throw new TypeError('postback must be a function');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
  if (payment === undefined) throw new TypeError('payment is required: the stored snapshot or a function returning it');

  // A body that is not bytes is the host's mistake (a body parser ran), not the gateway's:
  // thrown, never answered.
  const rawBody = bodyBytes(input.body);
  const contentType = header(headers, 'content-type');
  const answer = (response, fields) => ({
    status: response.status,
    headers: response.headers,
    body: response.body,
    outcome: null,
    error: null,
    event: null,
    notification: null,
    rawBody,
    ...fields,
  });
  const refuse = (err, fields) => {
    if (!isVposError(err)) throw err; // a bug, not a verdict on the notification
    return answer(gateway.reject(err), { error: errorInfo(err), ...fields });
  };

  // The token guards the URL: a request to a wrong URL is not a notification, so it is
  // refused (404) before anything is stored. `token: undefined` given explicitly still checks.
  if (Object.hasOwn(input, 'token')) {
    try {
      gateway.checkToken(input.token);
    } catch (err) {
      return refuse(err);
    }
  }
  if (onReceived) await onReceived({ body: rawBody, headers, contentType });

  let unverified;
  try {
    unverified = gateway.parseNotification(contentType, rawBody);
  } catch (err) {
    return refuse(err);
  }
  const reply = await perform(postback, gateway.postbackRequest(unverified), timeoutMs);
  let verified;
  try {
    verified = gateway.verifyPostback(unverified, reply);
  } catch (err) {
    return refuse(err, { notification: unverified.untrusted });
  }
  const notification = verified.notification;
  const event = verified.event;
  const snapshot = typeof payment === 'function' ? await payment(notification, event) : payment;
  if (snapshot === null || snapshot === undefined) {
    throw new TypeError(`payment: no stored payment for order ${JSON.stringify(notification.order_id)}`);
  }
  // An invalid snapshot is the host's data, not the gateway's message: that error is thrown.
  const outcome = gateway.transition(snapshot, verified);
  return answer(gateway.acknowledge(outcome), { outcome, event, notification });
}

module.exports = { handleNotification, header };

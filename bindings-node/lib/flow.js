'use strict';
// The notification flow shared by the gateways added after FloCash:
//   onReceived (store the raw body) → parse → prove (signature, post-back or invoice fetch) →
//   load the payment → transition → acknowledge; a refused notification → reject.
// Each gateway module passes its own `prove` and `answer` steps; every decision stays the
// core's (through the Gateway's verbs). The result has the same shape as flocash's handler.

const { isVposError, vposError } = require('./errors.js');
const { bodyBytes } = require('./bytes.js');
const { header } = require('./handler.js');

function errorInfo(err) {
  return { code: err.code, field: err.field ?? null, message: err.message };
}

/**
 * @param {object} gateway has parseNotification, transition, reject
 * @param {object} input see `SignedNotificationInput` in index.d.ts
 * @param {{ prove: (unverified: any) => Promise<any> | any,
 *           answer: (verified: any, outcome: object) => object,
 *           extra?: (state: object) => object }} steps
 */
async function runFlow(gateway, input, steps) {
  if (!input || typeof input !== 'object') throw new TypeError('handleNotification needs an input object');
  const { headers, payment, onReceived } = input;
  if (payment === undefined) throw new TypeError('payment is required: the stored snapshot or a function returning it');
  const rawBody = bodyBytes(input.body);
  const contentType = header(headers, 'content-type');
  const state = {};
  const answer = (response, fields) => ({
    status: response.status,
    headers: response.headers,
    body: response.body,
    outcome: null,
    error: null,
    event: null,
    notification: null,
    rawBody,
    ...(steps.extra ? steps.extra(state) : {}),
    ...fields,
  });
  const refuse = (err, fields) => {
    if (!isVposError(err)) throw err; // a bug, not a verdict on the notification
    return answer(gateway.reject(err), { error: errorInfo(err), ...fields });
  };

  if (onReceived) await onReceived({ body: rawBody, headers, contentType });

  let unverified;
  try {
    unverified = gateway.parseNotification(contentType, rawBody);
  } catch (err) {
    return refuse(err);
  }
  let verified;
  try {
    verified = await steps.prove(unverified, state);
  } catch (err) {
    return refuse(err, { notification: unverified.untrusted });
  }
  const notification = verified.notification;
  const event = verified.event;
  // A verified notification for a payment the host does not hold (yet) is answered with the
  // core's `payment_not_found` (the gateway delivers again), as is a loader that throws a vpos
  // error with that code. Any other failure of the loader is the host's and is thrown.
  let snapshot;
  try {
    snapshot = typeof payment === 'function' ? await payment(notification, event) : payment;
  } catch (err) {
    if (isVposError(err) && err.code === 'payment_not_found') return refuse(err, { event, notification });
    throw err;
  }
  if (snapshot === null || snapshot === undefined) {
    const err = vposError('payment_not_found', null, `no stored payment for order ${JSON.stringify(event.order_id)}`);
    return refuse(err, { event, notification });
  }
  // An invalid snapshot is the host's data, not the gateway's message: that error is thrown.
  const outcome = gateway.transition(snapshot, verified);
  let response;
  try {
    response = steps.answer(verified, outcome);
  } catch (err) {
    return refuse(err, { outcome, event, notification });
  }
  return answer(response, { outcome, event, notification });
}

module.exports = { runFlow };

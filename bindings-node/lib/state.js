'use strict';
// The payment state machine.

const native = require('../native.js');
const { encode, decode } = require('./json.js');
const { vposError } = require('./errors.js');
const { VerifiedNotification } = require('./notifications.js');

/**
 * Calls the addon with a notification handle; an object that is not the handle the addon
 * made (a plain object, the other class, an `Object.create` copy) is refused with `field_invalid`.
 */
function withHandle(Class, handle, field, call) {
  const refuse = () =>
    vposError('field_invalid', field, `${field} must be the ${Class.name} handle vpos returned, not a look-alike`);
  if (!(handle instanceof Class)) throw refuse();
  try {
    return call();
  } catch (err) {
    if (err && err.code === 'InvalidArg') throw refuse();
    throw err;
  }
}

/**
 * What a verified notification does to the stored payment (pure; the host applies it).
 * @param {object} payment the PaymentSnapshot
 * @param {import('./notifications.js').VerifiedNotification} verified
 */
function transition(payment, verified) {
  const json = encode(payment, '');
  for (const [Class, call] of VERIFIED) {
    if (verified instanceof Class) return decode(withHandle(Class, verified, 'verified', () => call(json, verified)));
  }
  throw vposError('field_invalid', 'verified', 'verified must be a verified notification handle vpos returned, not a look-alike');
}

// Every verified-notification class and the addon function that applies it (each checks the
// handle's native type tag, so a look-alike is refused).
const VERIFIED = new Map([[VerifiedNotification, (json, verified) => native.transition(json, verified)]]);

/** Registers a gateway's verified-notification class for `transition`. */
function registerVerified(Class, nativeTransition) {
  VERIFIED.set(Class, nativeTransition);
}

module.exports = { transition, withHandle, registerVerified };

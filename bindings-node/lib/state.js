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
  return decode(withHandle(VerifiedNotification, verified, 'verified', () => native.transition(json, verified)));
}

module.exports = { transition, withHandle };

'use strict';
// vpos errors in JavaScript: an `Error` with the core's stable `code` and the `field` concerned.
// The native addon throws these itself; this module builds the few the JS layer raises while
// converting arguments, and recognises them.

const native = require('../native.js');

const CODES = Object.freeze(native.errorCodes());
const KNOWN = new Set(CODES);

/** Every stable error code, in the core's catalogue order. */
function errorCodes() {
  return CODES;
}

/**
 * An `Error` shaped like the ones the core throws. `code` must be one of `errorCodes()`.
 * @param {string} code
 * @param {string | null} field
 * @param {string} message
 */
function vposError(code, field, message) {
  if (!KNOWN.has(code)) throw new Error(`vpos bug: ${code} is not a core error code`);
  const err = new Error(message);
  err.name = 'VposError';
  err.code = code;
  err.field = field;
  return err;
}

/** Whether `e` is an error vpos threw (its `code` is one of `errorCodes()`). */
function isVposError(e) {
  return e instanceof Error && typeof e.code === 'string' && KNOWN.has(e.code);
}

module.exports = { errorCodes, vposError, isVposError };

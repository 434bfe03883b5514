'use strict';
// JSON across the native boundary, exact for money.
//
// In: plain JavaScript values become JSON text; a `bigint` is written as the integer literal it
// is, so `9223372036854775807n` arrives in Rust as exactly that. Under a key `minor` or
// `*_minor` only a `bigint` is accepted: a `number` there may already have lost digits, and
// money is never a `number` in vpos.
// Out: the addon writes minor units as decimal strings under those keys; `decode` turns them
// into `bigint`s. Everything else is the core's JSON, unchanged.

const { vposError } = require('./errors.js');

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
// Deeper than any vpos shape; a cycle or a hostile structure stops here, not at the stack's end.
const MAX_DEPTH = 32;

const isMinorKey = (key) => key === 'minor' || key.endsWith('_minor');

// A string with nothing JSON escapes (quote, backslash, control characters, surrogates: a lone
// one is escaped by JSON.stringify) is written between quotes as it is: measured 2026-12-06,
// a third of the time of JSON.stringify on an order's short strings.
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** `JSON.stringify` of a string. */
const quote = (s) => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/**
 * Writes `value` as JSON text for the addon.
 * @param {unknown} value
 * @param {string} [path] where `value` sits, for error messages (`order.item_price`)
 * @returns {string}
 */
function encode(value, path = '') {
  return write(value, path, '', 0, '');
}

// `path` names the value in messages (`operation.amount.minor`); an error's `field` is `rel`,
// the path inside the argument, as the core names it (`amount.minor`), or the argument's own
// name when the value itself is wrong.
function write(value, path, key, depth, rel) {
  const where = path || 'value';
  const field = rel || path;
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      if (value < I64_MIN || value > I64_MAX) {
        throw isMinorKey(key)
          ? vposError('amount_overflow', field, `${where} does not fit in 64-bit minor units`)
          : vposError('field_invalid', field, `${where} does not fit in a 64-bit integer`);
      }
      return value.toString();
    case 'number':
      if (isMinorKey(key)) {
        throw vposError(
          'field_invalid',
          field,
          `${where} must be a bigint (${Number.isSafeInteger(value) ? `${value}n` : 'for example 2345n'}), ` +
            'or give the amount as a decimal string in `value`: money is never a number',
        );
      }
      if (!Number.isFinite(value)) throw vposError('field_invalid', field, `${where} is not a finite number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw vposError('field_invalid', field, `${where} is a ${typeof value}, not a JSON value`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH) throw vposError('field_invalid', field, `${where} is nested too deeply`);
  if (ArrayBuffer.isView(value)) {
    throw vposError('field_invalid', field, `${where} is binary data, not a JSON value`);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) =>
      item === undefined ? 'null' : write(item, `${path}[${i}]`, '', depth + 1, `${rel}[${i}]`),
    );
    return `[${items.join(',')}]`;
  }
  // One string, no parts array; a string or boolean member is written here, so its path (only
  // ever needed for an error message) is not built (measured 2026-12-06: a 10-key order, about
  // half the time of the general recursion).
  let out = '{';
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const item = value[k];
    if (item === undefined) continue; // as JSON.stringify: an absent optional
    let text;
    if (typeof item === 'string') text = quote(item);
    else if (typeof item === 'boolean') text = item ? 'true' : 'false';
    else text = write(item, path ? `${path}.${k}` : k, k, depth + 1, rel ? `${rel}.${k}` : k);
    out += `${out.length === 1 ? '' : ','}${quote(k)}:${text}`;
  }
  return `${out}}`;
}

/** Turns the minor units under `value` (decimal strings from the addon) into `bigint`s, in place. */
function bigints(value) {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') bigints(item);
    return;
  }
  for (const key in value) {
    const item = value[key];
    if (typeof item === 'string') {
      if (isMinorKey(key)) value[key] = BigInt(item);
    } else if (item !== null && typeof item === 'object') {
      bigints(item);
    }
  }
}

/**
 * Reads JSON text from the addon: minor units become `bigint`s. A plain `JSON.parse` and one
 * walk: a reviver makes V8 call back for every value, several times slower (measured
 * 2026-12-06: a Redsys notification's 845 bytes, 5–7 µs plain against 33–36 µs revived).
 * @param {string} text
 */
function decode(text) {
  const value = JSON.parse(text);
  if (value !== null && typeof value === 'object') bigints(value);
  return value;
}

module.exports = { encode, decode, isMinorKey };

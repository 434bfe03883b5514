'use strict';
// Flat text from the addon on the hot paths (src/flat.rs): a value's strings joined by `\0`,
// `\u0001` alone for null. One `split` instead of `JSON.parse` and the minor-units walk; each
// reader gives exactly the object the JSON path gives (tests compare them). `undefined` from
// the addon means the value could not be written flat: the caller uses JSON. One input travels
// flat too: a plain Redsys order (`redsysOrder`), anything else still as JSON (`encode`).

const NONE = '\u0001';

/** `null` for the addon's absent optional. */
const opt = (s) => (s === NONE ? null : s);

/** `[name, value]` pairs from `v[start]` on. */
function pairs(v, start) {
  const out = [];
  for (let i = start; i + 1 < v.length; i += 2) out.push([v[i], v[i + 1]]);
  return out;
}

/** A redirect form: `{ action, method, fields: [name, value][] }`, or `undefined`. */
function form(text) {
  if (typeof text !== 'string') return undefined;
  const v = text.split('\0');
  return { action: v[0], method: v[1], fields: pairs(v, 2) };
}

// The order's text fields in the order src/redsys.rs `order_from_flat` reads them.
const ORDER_TEXT = [
  'product_description',
  'titular',
  'merchant_data',
  'consumer_language',
  'pay_methods',
  'bizum_mobile_number',
  'merchant_url',
  'url_ok',
  'url_ko',
  'identifier',
];
const ORDER_KEYS = new Set(['order', 'amount', 'transaction_type', ...ORDER_TEXT]);
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** A string that can travel flat (no `\0`, not the absent marker); `undefined` is absent. */
const flatText = (v) =>
  v === undefined ? NONE : typeof v === 'string' && v.indexOf('\0') === -1 && v.indexOf(NONE) === -1 ? v : undefined;

/**
 * A plain order as flat text for Redsys's `checkoutFlatOrder` (src/redsys.rs `order_from_flat`), or
 * `undefined` for anything else (other keys, other types, stored credentials, 3-D Secure data,
 * extra parameters, a value holding `\0`): those take the JSON path, which also names errors.
 */
function redsysOrder(order) {
  if (order === null || typeof order !== 'object' || Object.getPrototypeOf(order) !== Object.prototype) return undefined;
  for (const key of Object.keys(order)) if (!ORDER_KEYS.has(key)) return undefined;
  const amount = order.amount;
  if (amount === null || typeof amount !== 'object' || Object.getPrototypeOf(amount) !== Object.prototype) return undefined;
  let kind;
  let units;
  for (const key of Object.keys(amount)) {
    const v = amount[key];
    if (v === undefined) continue;
    if (key === 'minor' && typeof v === 'bigint' && kind === undefined && v >= I64_MIN && v <= I64_MAX) {
      kind = 'm';
      units = v.toString();
    } else if (key === 'value' && kind === undefined) {
      kind = 'v';
      units = flatText(v);
    } else if (key !== 'currency') {
      return undefined;
    }
  }
  if (kind === undefined || units === undefined) return undefined;
  const id = flatText(order.order);
  const currency = flatText(amount.currency);
  const type = flatText(order.transaction_type);
  if (id === undefined || id === NONE || currency === undefined || currency === NONE || type === undefined) return undefined;
  let out = `${id}\0${kind}\0${units}\0${currency}\0${type}`;
  for (const key of ORDER_TEXT) {
    const v = flatText(order[key]);
    if (v === undefined) return undefined;
    out += `\0${v}`;
  }
  return out;
}

module.exports = { opt, pairs, form, redsysOrder };

'use strict';
// Flat text from the addon on the hot paths (src/flat.rs): a value's strings joined by `\0`,
// `\u0001` alone for null. One `split` instead of `JSON.parse` and the minor-units walk; each
// reader gives exactly the object the JSON path gives (tests compare them). `undefined` from
// the addon means the value could not be written flat: the caller uses JSON.

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

module.exports = { opt, pairs, form };

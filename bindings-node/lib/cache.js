'use strict';
// Parts of a native handle (a notification, a driver proof) read once and kept on the handle.
//
// One symbol per part, the value stored on the handle itself as a non-enumerable, read-only
// property: no own property name, not in `Object.keys`, JSON or inspect. Measured 2026-12-06 on
// the Redsys verify path: a WeakMap of per-handle Maps cost more than reading the notification
// itself (ephemerons are slow for V8's scavenger), about 40% of `verify(...).notification`.

const SLOTS = new Map();

/** `make()` once per handle and key. */
function cached(handle, key, make) {
  let slot = SLOTS.get(key);
  if (slot === undefined) SLOTS.set(key, (slot = Symbol(`vpos.${key}`)));
  if (Object.prototype.hasOwnProperty.call(handle, slot)) return handle[slot];
  const value = make();
  Object.defineProperty(handle, slot, { value });
  return value;
}

module.exports = { cached };

'use strict';
// The notification handles are native classes (opaque, type-tagged, no JS constructor). This
// module gives them readable properties: the addon hands JSON text (or, for a gateway that
// gives a faster reader, flat text) over, `decode` makes the minor units bigints. Each part is
// read once per handle and cached (lib/cache.js); an event (the hot path: `handleNotification`,
// `transition`) is parsed without a reviver, its one amount fixed up.

const util = require('node:util');
const native = require('../native.js');
const { decode } = require('./json.js');
const { cached } = require('./cache.js');

/** An event's JSON: minor units only in `amount.minor`. */
function decodeEvent(text) {
  const event = JSON.parse(text);
  if (event.amount && typeof event.amount.minor === 'string') event.amount.minor = BigInt(event.amount.minor);
  return event;
}

const UnverifiedNotification = native.FlocashUnverifiedNotification;
const VerifiedNotification = native.FlocashVerifiedNotification;

/**
 * Gives a gateway's native notification handles their readable properties (`untrusted`,
 * `notification`, `event`) and a short `util.inspect` summary of non-secret fields.
 * @param {string} name class name shown by util.inspect
 * @param {(n: any) => object} summary the fields shown for an unverified notification
 * @param {{ untrusted?: (h: any) => object | undefined, notification?: (h: any) => object | undefined }} [fast]
 *   a gateway's faster reading of a handle (flat text, no JSON); `undefined` from it means "use JSON"
 */
function decorate(name, Unverified, Verified, summary, fast = {}) {
  const read = (handle, key, json) => {
    const value = fast[key] === undefined ? undefined : fast[key](handle);
    return value === undefined ? decode(json.call(handle)) : value;
  };
  if (Unverified) {
    Object.defineProperties(Unverified.prototype, {
      untrusted: {
        get() {
          return cached(this, 'untrusted', () => read(this, 'untrusted', this.untrustedJson));
        },
      },
      [util.inspect.custom]: {
        value(depth, options, inspect) {
          return `${name}UnverifiedNotification ${inspect(summary(this.untrusted), options)}`;
        },
      },
    });
  }
  Object.defineProperties(Verified.prototype, {
    notification: {
      get() {
        return cached(this, 'notification', () => read(this, 'notification', this.notificationJson));
      },
    },
    event: {
      get() {
        return cached(this, 'event', () => decodeEvent(this.eventJson()));
      },
    },
    [util.inspect.custom]: {
      value(depth, options, inspect) {
        const e = this.event;
        return `${name}VerifiedNotification ${inspect({ key: e.key, order_id: e.order_id, status: e.status, amount: e.amount.value, currency: e.amount.currency }, options)}`;
      },
    },
  });
}

/**
 * Gives a native event handle (one with no notification behind it: an API reply's or a polled
 * payment's) its readable `event` and a short `util.inspect` summary.
 * @param {string} name class name shown by util.inspect
 * @param {(e: any) => object} summary the fields shown for the event
 */
function decorateEvent(name, EventClass, summary) {
  Object.defineProperties(EventClass.prototype, {
    event: {
      get() {
        return cached(this, 'event', () => decodeEvent(this.eventJson()));
      },
    },
    [util.inspect.custom]: {
      value(depth, options, inspect) {
        return `${name} ${inspect(summary(this.event), options)}`;
      },
    },
  });
}

decorate('Flocash', UnverifiedNotification, VerifiedNotification, (n) => ({
  order_id: n.order_id,
  status_code: n.status_code,
  amount: n.amount.value,
  currency: n.amount.currency,
}));

module.exports = { UnverifiedNotification, VerifiedNotification, decorate, decorateEvent, decodeEvent };

'use strict';
// The notification handles are native classes (opaque, type-tagged, no JS constructor). This
// module gives them readable properties: the addon hands JSON text over, `decode` makes the
// minor units bigints.

const util = require('node:util');
const native = require('../native.js');
const { decode } = require('./json.js');

const UnverifiedNotification = native.FlocashUnverifiedNotification;
const VerifiedNotification = native.FlocashVerifiedNotification;

Object.defineProperties(UnverifiedNotification.prototype, {
  untrusted: {
    get() {
      return decode(this.untrustedJson());
    },
  },
  [util.inspect.custom]: {
    value(depth, options, inspect) {
      const n = this.untrusted;
      return `FlocashUnverifiedNotification ${inspect({ order_id: n.order_id, status_code: n.status_code, amount: n.amount.value, currency: n.amount.currency }, options)}`;
    },
  },
});

Object.defineProperties(VerifiedNotification.prototype, {
  notification: {
    get() {
      return decode(this.notificationJson());
    },
  },
  event: {
    get() {
      return decode(this.eventJson());
    },
  },
  [util.inspect.custom]: {
    value(depth, options, inspect) {
      const e = this.event;
      return `FlocashVerifiedNotification ${inspect({ key: e.key, order_id: e.order_id, status: e.status, amount: e.amount.value, currency: e.amount.currency }, options)}`;
    },
  },
});

/**
 * Gives a gateway's native notification handles their readable properties (`untrusted`,
 * `notification`, `event`) and a short `util.inspect` summary of non-secret fields.
 * @param {string} name class name shown by util.inspect
 * @param {(n: any) => object} summary the fields shown for an unverified notification
 */
function decorate(name, Unverified, Verified, summary) {
  if (Unverified) {
    Object.defineProperties(Unverified.prototype, {
      untrusted: {
        get() {
          return decode(this.untrustedJson());
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
        return decode(this.notificationJson());
      },
    },
    event: {
      get() {
        return decode(this.eventJson());
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

module.exports = { UnverifiedNotification, VerifiedNotification, decorate };

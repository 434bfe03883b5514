'use strict';
// What the Gateway classes of CECA, Elavon, PayPal and Bitpay share: the native configuration
// (held in a module-private WeakMap, so no property, `JSON.stringify` or `util.inspect` reaches
// it), validation, the public configuration, checkout, parsing and the answers. Every method
// converts its arguments, calls the addon, converts back.

const util = require('node:util');
const { encode, decode } = require('./json.js');
const { form } = require('./flat.js');
const { bodyBytes } = require('./bytes.js');
const { transition } = require('./state.js');
const { errorJson } = require('./wire.js');
const { gatewayConfig } = require('./driver.js');

const NATIVE = new WeakMap();

// What a subclass tells the base class (`{ name, inspect, answers }`), under a symbol so that it is
// no public property: the Node and wasm packages expose the same names (tests/js/api.shared.mjs).
const KIND = Symbol('vpos.gatewayKind');

/** The native gateway behind `gateway` (module-private to lib/). */
function nativeOf(gateway) {
  return NATIVE.get(gateway);
}

class BaseGateway {
  /**
   * @param {Function} NativeClass the addon's gateway class
   * @param {object} config the core's JSON shape (snake_case keys)
   * @param {{ validate?: boolean }} options
   */
  constructor(NativeClass, config, options) {
    NATIVE.set(this, new NativeClass(encode(config, ''), (options ?? {}).validate !== false));
  }

  /** This account as the driver's `Config` (the one notification and operation path). */
  get config() {
    return gatewayConfig(this, nativeOf(this));
  }

  /** Checks every configuration value; throws `invalid_config` naming the key. */
  validate() {
    nativeOf(this).validate();
  }

  /** The configuration without its secrets. */
  get publicConfig() {
    return decode(nativeOf(this).publicConfig());
  }

  /** Parses a notification from its content type and raw body. */
  parseNotification(contentType, body) {
    return nativeOf(this).parseNotification(typeof contentType === 'string' ? contentType : '', bodyBytes(body));
  }

  /** What a verified notification does to the stored payment. */
  transition(payment, verified) {
    return transition(payment, verified);
  }

  /** The exact answer to the gateway for an outcome. */
  acknowledge(outcome) {
    return JSON.parse(this.constructor[KIND].answers.acknowledge(encode(outcome, 'outcome')));
  }

  /** The exact answer to the gateway for an error. */
  reject(error) {
    return JSON.parse(this.constructor[KIND].answers.reject(errorJson(error)));
  }

  /** JSON of a gateway is its public configuration: never a secret. */
  toJSON() {
    return this.publicConfig;
  }

  /** `util.inspect` shows the public fields named by the subclass and `***` for each of the core's secret keys. */
  [util.inspect.custom](depth, options, inspect) {
    const c = this.publicConfig;
    const shown = Object.fromEntries(this.constructor[KIND].inspect.map((k) => [k, c[k]]));
    // The core's one secret list (Config::secret_keys), as dotted paths (`nvp.password`).
    for (const path of this.config.secretKeys) {
      const parts = path.split('.');
      let at = shown;
      for (const part of parts.slice(0, -1)) at = at[part] = { ...(at[part] ?? c[part] ?? {}) };
      at[parts[parts.length - 1]] = '***';
    }
    return `${this.constructor[KIND].name}.Gateway ${inspect(shown, options)}`;
  }
}

/** `checkout` and `checkoutHtml` for the gateways with a redirect form from an order. */
const checkoutMethods = {
  /** The redirect form for `order`: `{ action, method, fields: [name, value][] }`. */
  checkout(order) {
    const json = encode(order, '');
    return form(nativeOf(this).checkoutFlat(json)) ?? decode(nativeOf(this).checkout(json));
  },
  /** The redirect form as HTML, every value escaped; `autoSubmit` adds the submitting script. */
  checkoutHtml(order, { autoSubmit = false } = {}) {
    return nativeOf(this).checkoutHtml(encode(order, ''), Boolean(autoSubmit));
  },
};

/** Module-level `acknowledge` / `reject` for a gateway's addon functions. */
function answerFunctions(answers) {
  return {
    acknowledge: (outcome) => JSON.parse(answers.acknowledge(encode(outcome, 'outcome'))),
    reject: (error) => JSON.parse(answers.reject(errorJson(error))),
  };
}

module.exports = { BaseGateway, KIND, nativeOf, checkoutMethods, answerFunctions };

'use strict';
// CECA (Cecabank) for Node: signed redirect form, signed notification, the exact answer
// `$*$OKY$*$`. CECA cancels a payment whose notification is not so answered within ~30 s.

const native = require('../native.js');
const { decorate } = require('./notifications.js');
const { withHandle, registerVerified } = require('./state.js');
const { handleGatewayNotification } = require('./driver.js');
const { BaseGateway, KIND, nativeOf, checkoutMethods, answerFunctions } = require('./base.js');

const UnverifiedNotification = native.CecaUnverifiedNotification;
const VerifiedNotification = native.CecaVerifiedNotification;
decorate('Ceca', UnverifiedNotification, VerifiedNotification, (n) => ({
  operation: n.operation,
  reference: n.reference,
  amount: n.amount.value,
  currency: n.amount.currency,
}));
registerVerified(VerifiedNotification, (json, verified) => native.cecaTransition(json, verified));

const answers = { acknowledge: native.cecaAcknowledge, reject: native.cecaReject };

/** One CECA terminal. The key is held natively: never in inspect or JSON output. */
class Gateway extends BaseGateway {
  static [KIND] = { name: 'ceca', inspect: ['merchant_id', 'acquirer_bin', 'terminal_id'], answers };

  /**
   * @param {object} config CECA configuration, in the core's JSON shape.
   * @param {{ validate?: boolean }} [options]
   */
  constructor(config, options = {}) {
    super(native.CecaGateway, config, options);
  }

  /** Checks `Firma`; throws `signature_mismatch`. */
  verify(notification) {
    return withHandle(UnverifiedNotification, notification, 'notification', () => nativeOf(this).verify(notification));
  }

  /** The whole notification flow: store, parse, verify, load the payment, transition, answer. */
  handleNotification(input) {
    return handleGatewayNotification(this, nativeOf(this), input);
  }
}
Object.assign(Gateway.prototype, checkoutMethods);

module.exports = { Gateway, UnverifiedNotification, VerifiedNotification, ...answerFunctions(answers) };

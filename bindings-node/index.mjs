// ES module entry: the same objects as the CommonJS entry (one addon instance, one set of classes).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const vpos = require('./index.js');

export const {
  flocash, redsys, ceca, elavon, paypal, bitpay, paypalRest, money, transition, errorCodes, isVposError, paymentStatuses,
  flavour, renderForm,
  fetchPostback, DEFAULT_TIMEOUT_MS,
  Config, UnverifiedNotification, PendingNotification, VerifiedNotification, OperationReply,
  gateways, secretKeys, maxBodyBytes, parseNotification, prove, acknowledge, reject, rejectUnread,
  unknownAccount, paymentNotFound, handleNotification, allowedOperations, supportedOperations,
  checkOperation, operationRequest, parseOperationReply, operate, operationStatus,
  orderForPayment, checkout, parseCheckoutReply, newOrderId,
  StatusEvent, supportsStatusQuery, statusQueryRequest, parseStatusReply, statusQuery,
  operationKey, supportsIdempotencyKey, retryAfter, paymentAmounts,
} = vpos;
export default vpos;

// ES module entry of hostedpay/testing: the same objects as the CommonJS entry.
import { createRequire } from 'node:module';

const testing = createRequire(import.meta.url)('./testing.js');

export const { MODES, notification, reply, operationReply, gateway } = testing;
export default testing;

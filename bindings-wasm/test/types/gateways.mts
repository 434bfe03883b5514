// Type-checked by test/types.test.mjs (tsc --strict): each gateway's edge module
// (`hostedpay-web/edge/<gateway>`) declares the same driver API and its own namespace only.
import * as flocashWeb from '../../pkg/edge/flocash/web/vpos_web_edge.js';
import * as flocashNode from '../../pkg/edge/flocash/node/vpos_web_edge.js';
import * as redsysWeb from '../../pkg/edge/redsys/web/vpos_web_edge.js';
import * as redsysNode from '../../pkg/edge/redsys/node/vpos_web_edge.js';
import * as cecaWeb from '../../pkg/edge/ceca/web/vpos_web_edge.js';
import * as cecaNode from '../../pkg/edge/ceca/node/vpos_web_edge.js';
import * as elavonWeb from '../../pkg/edge/elavon/web/vpos_web_edge.js';
import * as elavonNode from '../../pkg/edge/elavon/node/vpos_web_edge.js';
import * as paypalWeb from '../../pkg/edge/paypal/web/vpos_web_edge.js';
import * as paypalNode from '../../pkg/edge/paypal/node/vpos_web_edge.js';
import * as paypalRestWeb from '../../pkg/edge/paypal_rest/web/vpos_web_edge.js';
import * as paypalRestNode from '../../pkg/edge/paypal_rest/node/vpos_web_edge.js';
import * as bitpayWeb from '../../pkg/edge/bitpay/web/vpos_web_edge.js';
import * as bitpayNode from '../../pkg/edge/bitpay/node/vpos_web_edge.js';

type Driver = Pick<typeof redsysWeb, 'Config' | 'handleNotification' | 'operate' | 'statusQuery' | 'transition' | 'errorCodes'>;
const modules: Driver[] = [flocashWeb, flocashNode, redsysWeb, redsysNode, cecaWeb, cecaNode, elavonWeb, elavonNode,
  paypalWeb, paypalNode, paypalRestWeb, paypalRestNode, bitpayWeb, bitpayNode];
export const codes: string[][] = modules.map((m) => m.errorCodes());
export const own = [flocashWeb.flocash, redsysNode.redsys, cecaWeb.ceca, elavonNode.elavon, paypalWeb.paypal, bitpayNode.bitpay];
// @ts-expect-error: the Redsys module has no Bitpay namespace
export const missing = redsysWeb.bitpay;
// @ts-expect-error: the PayPal REST module has no gateway namespace (the driver only)
export const none = paypalRestWeb.paypal;

// Type-checked by test/types.test.mjs (tsc --strict) against the generated .d.ts: what a
// TypeScript user writes must compile, and each @ts-expect-error line must stay an error.
import init, { flocash, money, renderForm, errorCodes } from '../../pkg/web/vpos_web.js';
import type { Amount, ErrorCode, FlocashOrder, RedirectForm, VposError } from '../../pkg/web/vpos_web.js';
// The FloCash Gateway holds the notification token: edge module only.
import * as edge from '../../pkg/edge/node/vpos_web_edge.js';

await init();
const price: Amount = money.parse('2.50', 'USD');
const minor: bigint = price.minor;
const order: FlocashOrder = {
  order_id: 'AT000001', custom: 'C0000001', item_name: 'Call Credit',
  item_price: { value: price.value, currency: price.currency }, quantity: 1,
  customer: { email: 'john@example.com' },
};
flocash.validateOrder(order);
const form: RedirectForm = flocash.checkoutPublic({ merchant: 'm', merchant_name: 'n', checkout_url: 'https://x.example' }, order);
const html: string = renderForm(form, { autoSubmit: false });
const codes: ErrorCode[] = errorCodes();

try {
  flocash.validateOrder(order);
} catch (e) {
  const err = e as VposError;
  const code: ErrorCode = err.code;
  const field: string | null = err.field;
  void [code, field];
}

const gateway = new edge.flocash.Gateway({
  merchant: 'm', merchant_name: 'n', checkout_url: 'https://x.example', base_url: 'https://x.example',
  notification_token: 'a-long-random-token',
});
const unverified = gateway.parseNotification('application/x-www-form-urlencoded', new Uint8Array());
const request: edge.HttpRequest = gateway.postbackRequest(unverified);
const claimed: edge.FlocashNotification = unverified.untrusted;
const raw: Uint8Array = unverified.rawBody;
const verified = gateway.verifyPostback(unverified, { status: 200, body: 'VERIFIED' });
const event: edge.EventJson = verified.event;
const eventMinor: bigint = event.amount.minor;
const pub: edge.FlocashPublicConfig = gateway.publicConfig;
const postbackUrl: string = gateway.postbackUrl;
const outcome: edge.OutcomeJson = edge.transition({
  gateway: 'flocash', merchant: 'm', order_id: 'AT000001', amount: { minor: 250n, currency: 'USD' }, status: 'pending',
}, verified);
if (outcome.outcome === 'applied') {
  const refunded: bigint = outcome.refunded_minor;
  void refunded;
}
const same: edge.OutcomeJson = gateway.transition({
  gateway: 'flocash', merchant: 'm', order_id: 'AT000001', amount: { minor: 250n, currency: 'USD' }, status: 'pending',
}, verified);
const answer: edge.HttpResponse = gateway.acknowledge(outcome);
const moduleAnswer: edge.HttpResponse = edge.flocash.acknowledge(same);
const page: string = gateway.checkoutHtml(order, { autoSubmit: true });
void [minor, html, codes, request, answer, claimed, raw, eventMinor, pub, postbackUrl, moduleAnswer, page];

// @ts-expect-error minor units are a bigint, never a number
const asNumber: number = price.minor;
// @ts-expect-error an order needs its item price
flocash.validateOrder({ order_id: 'A', custom: 'c', item_name: 'i', quantity: 1 });
// @ts-expect-error the public config has no token
flocash.checkoutPublic({ merchant: 'm', merchant_name: 'n', checkout_url: 'u', notification_token: 't' }, order);
// @ts-expect-error transition takes a verified handle, not a plain object
edge.transition({ gateway: 'flocash', merchant: 'm', order_id: 'o', amount: price, status: 'new' }, { key: 'k' });
// @ts-expect-error transition takes the verified handle, not its event
edge.transition({ gateway: 'flocash', merchant: 'm', order_id: 'o', amount: price, status: 'new' }, verified.event);
// @ts-expect-error nor the unverified notification
edge.transition({ gateway: 'flocash', merchant: 'm', order_id: 'o', amount: price, status: 'new' }, unverified);
// @ts-expect-error the event is a read-only property now, not a method
verified.event();
// @ts-expect-error publicConfig is a property now, not a method
gateway.publicConfig();
// @ts-expect-error an unknown error code
const wrong: ErrorCode = 'bad_thing';
void [asNumber, wrong];

// Type-checked by test/types.test.mjs (tsc --strict) against the edge module's generated .d.ts:
// what a TypeScript user writes at the edge must compile, each @ts-expect-error must stay one.
import init, { redsys, ceca, elavon, paypal, bitpay, flocash, transition, flavour } from '../../pkg/edge/web/vpos_web_edge.js';
import { isVposError, paymentStatuses, DEFAULT_TIMEOUT_MS } from '../../pkg/edge/web/vpos_web_edge.js';
import type {
  BitpayCreated, ErrorCode, EventJson, FlocashPolled, HttpRequest, HttpResponse, OutcomeJson, PaymentStatus,
  RedirectForm, RedsysConfig, RedsysNotification, RedsysOperation, RedsysOrder, VposError,
} from '../../pkg/edge/web/vpos_web_edge.js';
import * as edgeNode from '../../pkg/edge/node/vpos_web_edge.js';

await init();
const which: string = flavour();
const config: RedsysConfig = {
  merchant_code: '999008881', terminal: '1', secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7',
  checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago', signature_version: 'HMAC_SHA512_V2',
};
const terminal = new redsys.Gateway(config);
const order: RedsysOrder = {
  order: '1447961844', amount: { value: '1.45', currency: 'EUR' },
  stored_credential: { identifier: 'REQUIRED', cof_ini: true, cof_type: 'recurring', excep_sca: 'mit' },
};
const form: RedirectForm = terminal.checkout(order);
const unverified = terminal.parseNotification('application/x-www-form-urlencoded', new Uint8Array());
const verified = terminal.verify(unverified);
const n: RedsysNotification = verified.notification;
const claimed: RedsysNotification = unverified.untrusted;
const rawBody: Uint8Array = verified.rawBody;
const reference: string | null = n.identifier;
const params: Record<string, string> = verified.parameters;
const verifiedEvent: EventJson = verified.event;
const merchantCode: string = terminal.merchantCode;
const json: OutcomeJson = transition({
  gateway: 'redsys', merchant: '999008881', order_id: n.order, amount: n.amount, status: 'pending',
}, verified);
const answer: HttpResponse = terminal.acknowledge(verified, terminal.transition({
  gateway: 'redsys', merchant: '999008881', order_id: n.order, amount: n.amount, status: 'pending',
}, verified));
const payment: RedsysOperation = { kind: 'payment', order: '1447961845', amount: { minor: 145n, currency: 'EUR' },
  stored_credential: { identifier: 'ref', direct_payment: true } };
const rest: HttpRequest = terminal.operationRequest(payment);
const restResult = terminal.parseOperationResponse({ status: 200, body: '{}' });
async function refund(): Promise<OutcomeJson> {
  const reply = await terminal.operate(payment, { fetch: async () => ({ status: 200, body: '{}' }), timeoutMs: 5_000 });
  return transition({ gateway: 'redsys', merchant: 'm', order_id: 'o', amount: { value: '1', currency: 'EUR' }, status: 'paid' }, reply);
}
async function onRedsys(body: Uint8Array): Promise<Response> {
  const result: NotificationResult = await terminal.handleNotification({
    body, contentType: 'application/x-www-form-urlencoded', timeoutMs: redsys.DEFAULT_TIMEOUT_MS,
    payment: (event) => ({ gateway: 'redsys', merchant: event.merchant, order_id: event.order_id, amount: event.amount, status: 'pending' }),
  });
  return new Response(result.body, { status: result.status, headers: result.headers });
}

const remote = new elavon.Gateway({ merchant_id: 'm', account: 'internet', secret: 's', checkout_url: 'https://x.example' })
  .parseRemoteResponse({ kind: 'settle', order_id: 'o', pasref: 'p', amount: { value: '1', currency: 'EUR' }, timestamp: '20261126000000' },
    { error: 'timeout' });
transition({ gateway: 'elavon', merchant: 'm', order_id: 'o', amount: { value: '1', currency: 'EUR' }, status: 'authorized' }, remote);
const remoteEvent: EventJson = remote.event;
const pp = new paypal.Gateway({ business: 'b', checkout_url: 'https://x.example', ipn_url: 'https://x.example' });
const nvp = pp.parseNvpResponse({ status: 200, body: 'ACK=Success' });
const token: string | null = nvp.get('TOKEN');
const ack: string = nvp.ack;
const paid = pp.paymentEvent('A-1', nvp);
const paidEvent: EventJson = paid.event;
transition({ gateway: 'paypal', merchant: 'b', order_id: 'A-1', amount: { value: '1', currency: 'EUR' }, status: 'pending' }, paid);
const bitpayGateway = new bitpay.Gateway({ api_key: 'k', api_url: 'https://x.example', invoice_url: 'https://x.example' });
const created: BitpayCreated = bitpayGateway.invoiceResponse({ status: 200, body: '{}' });
const createdLater: Promise<BitpayCreated> = bitpayGateway.createInvoice({ price: { value: '1', currency: 'USD' }, order_id: 'B-1' });
const polled: FlocashPolled = new flocash.Gateway({
  merchant: 'm', merchant_name: 'n', checkout_url: 'https://x.example', base_url: 'https://x.example',
  notification_token: 'a-long-random-token',
}).parsePollResponse({ api_username: 'u', api_password: 'p', namespace: 'urn:x', success_codes: ['0000'] }, { error: 'x' });
for (const polledEvent of polled.events) {
  const polledJson: EventJson = polledEvent.event;
  transition({ gateway: 'flocash', merchant: 'm', order_id: polledJson.order_id, amount: { value: '1', currency: 'USD' }, status: 'pending' }, polledEvent);
}
const polledStatus: string = polled.status_code;
const cecaAnswer: HttpResponse = ceca.reject({ code: 'signature_mismatch', message: 'bad' });
const nodeTerminal = new edgeNode.redsys.Gateway(config);

try {
  terminal.verify(unverified);
} catch (e) {
  const code: ErrorCode = (e as VposError).code;
  void code;
  if (isVposError(e)) {
    const narrowed: string | null = e.field;
    void narrowed;
  }
}
const statuses: PaymentStatus[] = paymentStatuses();
const timeout: number = DEFAULT_TIMEOUT_MS;
void [which, form, reference, params, json, answer, rest, restResult, token, created, cecaAnswer, nodeTerminal, claimed, rawBody,
  verifiedEvent, merchantCode, refund, onRedsys, remoteEvent, ack, paidEvent, createdLater, polledStatus, statuses, timeout];

// @ts-expect-error an unknown signature version
new redsys.Gateway({ ...config, signature_version: 'HMAC_MD5' });
// @ts-expect-error REST operations are payment, refund, confirm or cancel
terminal.operationRequest({ kind: 'capture', order: 'o', amount: { value: '1', currency: 'EUR' } });
// @ts-expect-error transition takes the verified handle, not its event
transition({ gateway: 'redsys', merchant: 'm', order_id: 'o', amount: n.amount, status: 'new' }, verified.event);
// @ts-expect-error nor an unverified notification
transition({ gateway: 'redsys', merchant: 'm', order_id: 'o', amount: n.amount, status: 'new' }, unverified);
// @ts-expect-error nor a PayPal NVP reply (it becomes a VerifiedEvent through paymentEvent)
transition({ gateway: 'paypal', merchant: 'm', order_id: 'o', amount: n.amount, status: 'new' }, nvp);
// @ts-expect-error Redsys acknowledges with the verified notification beside the outcome
terminal.acknowledge(json);
// @ts-expect-error the notification is a property now, not a method
verified.notification();
// @ts-expect-error Elavon Remote operations are settle, void or rebate
void new elavon.Gateway({ merchant_id: 'm', account: 'internet', secret: 's', checkout_url: 'https://x.example' }).remote({ kind: 'refund', order_id: 'o', pasref: 'p', amount: { value: '1', currency: 'EUR' }, timestamp: 't' });
// @ts-expect-error the CECA config needs its key
new ceca.Gateway({ merchant_id: '1', acquirer_bin: '2', terminal_id: '3', checkout_url: 'u', url_ok: 'u', url_nok: 'u' });

// The driver: the names and shapes of the Node package.
import { Config, parseNotification, prove, acknowledge, handleNotification, allowedOperations, checkOperation, operationRequest } from '../../pkg/edge/web/vpos_web_edge.js';
import type { Answer, NotificationResult, OperationKind, Summary, Verdict } from '../../pkg/edge/web/vpos_web_edge.js';
const account = new Config({ gateway: 'redsys', ...config });
// @ts-expect-error a configuration names its gateway
void new Config({ merchant_code: '999008881' });
const secretsOf: string[] = account.secretKeys;
const unverifiedAny = parseNotification(account, { contentType: 'application/x-www-form-urlencoded', body: new Uint8Array() });
const summaryAny: Summary = unverifiedAny.summary;
const proofAny = prove(account, unverifiedAny);
const verifiedAny = proofAny.verified ?? proofAny.pending.finish(account, { status: 200, body: 'VERIFIED' });
const outcomeAny: OutcomeJson = transition({ gateway: 'redsys', merchant: '999008881', order_id: summaryAny.order_id, amount: { minor: 145n, currency: 'EUR' }, status: 'pending' }, verifiedAny);
const answerAny: Answer = acknowledge(account, verifiedAny, outcomeAny);
const verdictAny: Verdict = answerAny.verdict;
async function onAnyGateway(raw: Uint8Array): Promise<NotificationResult> {
  return handleNotification(account, { body: raw, headers: {} }, { payment: async (event) => ({ gateway: 'redsys', merchant: event.merchant, order_id: event.order_id, amount: event.amount, status: 'pending' }) });
}
const allowedAny: OperationKind[] = allowedOperations('paid') as OperationKind[];
checkOperation({ gateway: 'redsys', merchant: 'm', order_id: 'o', amount: { minor: 1n, currency: 'EUR' }, status: 'paid' }, 'refund', 1n, undefined);
const refundRequest: HttpRequest = operationRequest(account, { kind: 'refund', order_id: '1447961844', amount: { value: '1.45', currency: 'EUR' } });
export { secretsOf, verdictAny, onAnyGateway, allowedAny, refundRequest };

// Status queries and retries, as in Node.
import { supportsStatusQuery, statusQueryRequest, parseStatusReply, statusQuery, operationKey, supportsIdempotencyKey, retryAfter, paymentAmounts } from '../../pkg/edge/web/vpos_web_edge.js';
import type { StatusQuery, StatusReply, PaymentAmounts } from '../../pkg/edge/web/vpos_web_edge.js';
async function reconcile(): Promise<bigint> {
  const query: StatusQuery = { order_id: '1446117555', amount: { value: '1.45', currency: 'EUR' } };
  const asked: boolean = supportsStatusQuery(account) && supportsStatusQuery('paypal');
  void asked;
  const request: HttpRequest = statusQueryRequest(account, query);
  const reply: StatusReply = parseStatusReply(account, query, { status: 200, body: request.body });
  const fetched: StatusReply = await statusQuery(account, query, { timeoutMs: 1000 });
  const payment = { gateway: 'redsys' as const, merchant: '999008881', order_id: query.order_id, amount: { minor: 145n, currency: 'EUR' }, status: 'pending' as const };
  for (const event of [...reply.events, ...fetched.events]) {
    const outcome: OutcomeJson = transition(payment, event);
    void [outcome.outcome, event.event.key];
  }
  const key: string = operationKey(account, '999008881', query.order_id, 'refund', 1);
  const wait: number | null = retryAfter('paypal', 1, 'no_answer') ?? retryAfter(account, 2, { status: 503, body: '' }, { max_attempts: 5 });
  // @ts-expect-error not a failure
  retryAfter('paypal', 1, 'timeout');
  void [key, wait, supportsIdempotencyKey('paypal')];
  const amounts: PaymentAmounts = paymentAmounts(payment);
  return amounts.refundable_minor;
}
void reconcile;

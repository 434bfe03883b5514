// Compiled by `tsc --strict` in test/types.test.js: what a TypeScript shop writes, and what the
// types must refuse (each `@ts-expect-error` fails the build if the line stops being an error).
import { flocash, redsys, ceca, elavon, paypal, bitpay, money, transition, errorCodes, isVposError, paymentStatuses } from 'hostedpay';
import type { ErrorCode, Outcome, PaymentSnapshot, PaymentStatus, Amount } from 'hostedpay';

const gateway = new flocash.Gateway({
  merchant: 'sales@demoshop.com',
  merchant_name: 'Demo Shop',
  checkout_url: 'https://fcms.flocash.com/ecom/ecommerce.do',
  base_url: 'https://fcms.flocash.com',
  notification_token: 'a-long-random-token',
});

const form: flocash.RedirectForm = gateway.checkout({
  order_id: 'AT000001',
  custom: 'C0000001',
  item_name: 'Call Credit',
  item_price: { value: '2.50', currency: 'USD' },
  quantity: 2,
});
const firstField: string = form.fields[0][0];

const price: Amount = money.parse('23.45', 'EUR');
const cents: bigint = price.minor;
money.fromMinor(2345n, 'EUR');
// @ts-expect-error money is never a number
money.fromMinor(2345, 'EUR');
// @ts-expect-error an amount input is a decimal string or bigint minor units
gateway.checkout({ order_id: 'A', custom: 'c', item_name: 'i', item_price: { minor: 250, currency: 'USD' }, quantity: 1 });

const payment: PaymentSnapshot = {
  gateway: 'flocash',
  merchant: 'sales@demoshop.com',
  order_id: 'AT000001',
  amount: { value: '5.00', currency: 'USD' },
  status: 'pending',
};
// @ts-expect-error statuses are a closed set
const bad: PaymentSnapshot = { ...payment, status: 'settled' };

const unverified = gateway.parseNotification('application/x-www-form-urlencoded', Buffer.from('merchant=x'));
const orderId: string = unverified.untrusted.order_id;
const verified = gateway.verifyPostback(unverified, { status: 200, body: 'VERIFIED' });
const key: string = verified.event.key;
const outcome: Outcome = transition(payment, verified);
// @ts-expect-error only the handle verifyPostback returns can move a payment
transition(payment, { notification: verified.notification, event: verified.event, rawBody: Buffer.alloc(0) });
// @ts-expect-error an unverified notification cannot move a payment
transition(payment, unverified);

function describe(o: Outcome): string {
  switch (o.outcome) {
    case 'applied':
      return `${o.from} -> ${o.to} (${o.refunded_minor} refunded)`;
    case 'already_applied':
      return 'retry';
    case 'ignored':
      return o.reason === 'unknown_status' ? `unknown ${o.code}` : o.reason;
    case 'rejected':
      return o.error.code;
    default: {
      const never: never = o;
      return never;
    }
  }
}

try {
  money.parse('12.345', 'EUR');
} catch (e) {
  if (isVposError(e)) {
    const code: ErrorCode = e.code;
    const field: string | null = e.field;
    void [code, field];
  }
}

async function onNotification(raw: Buffer, headers: Record<string, string>): Promise<number> {
  const result = await gateway.handleNotification({
    token: 'a-long-random-token',
    body: raw,
    headers,
    payment: async (n) => ({ ...payment, order_id: n.order_id }),
    onReceived: async ({ body }) => void body.length,
    timeoutMs: 5_000,
  });
  if (result.outcome?.outcome === 'applied') void result.event?.key;
  if (result.error) void result.error.code;
  return result.status;
}

const codes: readonly ErrorCode[] = errorCodes();
const statuses: readonly PaymentStatus[] = paymentStatuses();
const answer = flocash.acknowledge(outcome);
const answerHeaders = new Headers(answer.headers);

// Redsys: the same shapes, a signature instead of a post-back.
const terminal = new redsys.Gateway({
  merchant_code: '999008881',
  terminal: '1',
  secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7',
  checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago',
});
const redsysForm: flocash.RedirectForm = terminal.checkout({
  order: '0726qI3H7sZx',
  amount: { minor: 4999n, currency: 'EUR' },
});
// @ts-expect-error money is never a number
terminal.checkout({ order: '0726qI3H7sZx', amount: { minor: 4999, currency: 'EUR' } });
// @ts-expect-error the public configuration has no secret
void terminal.publicConfig.secret_key;
const redsysVerified = terminal.verify(terminal.parseNotification('application/x-www-form-urlencoded', 'Ds_Signature=x'));
const redsysOutcome: Outcome = transition({ ...payment, gateway: 'redsys' }, redsysVerified);
const redsysAnswer: number = terminal.acknowledge(redsysVerified, redsysOutcome).status;
// @ts-expect-error an unverified Redsys notification cannot move a payment
terminal.transition(payment, terminal.parseNotification('text/xml', '<x/>'));
async function onRedsys(raw: Buffer): Promise<number> {
  const result = await terminal.handleNotification({ body: raw, headers: { 'content-type': 'text/xml' }, payment });
  if (result.notification) void result.notification.format;
  const refund = await terminal.operate({ kind: 'refund', order: '0726qI3H7sZx', amount: { value: '10.00', currency: 'EUR' } });
  void refund.event.key;
  return result.status;
}
const redsysStatus: redsys.StatusInfo = redsys.status('0', '0000');

// CECA
const tpv = new ceca.Gateway({
  merchant_id: '111950028', acquirer_bin: '0000554052', terminal_id: '00000003', key: '99888888',
  checkout_url: 'https://tpv.ceca.es/tpvweb/tpv/compra.action', url_ok: 'https://x.example', url_nok: 'https://x.example',
});
const cecaForm: flocash.RedirectForm = tpv.checkout({ operation: 'A1', amount: { value: '1.00', currency: 'EUR' } });
const cecaVerified = tpv.verify(tpv.parseNotification('application/x-www-form-urlencoded', 'x=1'));
const cecaAnswer: string = tpv.acknowledge(transition(payment, cecaVerified)).body;
// @ts-expect-error the public configuration has no key
void tpv.publicConfig.key;
// @ts-expect-error CECA's acknowledge needs an outcome, not a notification
tpv.acknowledge(cecaVerified);

// Elavon
const hpp = new elavon.Gateway({ merchant_id: 'thestore', account: 'internet', secret: 's', checkout_url: 'https://x.example' });
async function settle(): Promise<Outcome> {
  const done = await hpp.remote({ kind: 'settle', order_id: 'O', pasref: 'P', amount: { minor: 100n, currency: 'EUR' }, timestamp: '20130814122239' });
  return transition(payment, done);
}
const elavonHash: string = elavon.hash(['a', 'b'], 's');
// @ts-expect-error the public configuration has no secret
void hpp.publicConfig.secret;

export { settle, elavonHash };

// PayPal
const pp = new paypal.Gateway({ business: 'b@x.example', checkout_url: 'https://x.example', ipn_url: 'https://x.example' });
async function onIpn(raw: Buffer): Promise<number> {
  const r = await pp.handleNotification({ body: raw, headers: {}, payment, timeoutMs: 5_000, postback: async () => ({ status: 200, body: 'VERIFIED' }) });
  if (r.notification) void r.notification.txn_id;
  return r.status;
}
export { onIpn };

// PayPal Express Checkout (NVP)
const ec = new paypal.Gateway({
  business: 'b@x.example',
  checkout_url: 'https://x.example',
  ipn_url: 'https://x.example',
  nvp: { user: 'u', password: 'p', signature: 's', api_url: 'https://api-3t.sandbox.paypal.com/nvp' },
});
const ecOrder: paypal.ExpressOrder = {
  invoice: 'A-1',
  amount: { value: '15.00', currency: 'EUR' },
  description: 'Tea',
  return_url: 'https://x.example/r',
  cancel_url: 'https://x.example/c',
};
async function expressCheckout(send: (r: import('hostedpay').HttpRequest) => Promise<{ status: number; body: string }>): Promise<string> {
  const set = ec.parseNvpResponse(await send(ec.setExpressCheckoutRequest(ecOrder)));
  const form = ec.expressCheckoutRedirect(set.token());
  void form.action;
  void ec.getExpressCheckoutDetailsRequest(set.token());
  const paid = ec.parseNvpResponse(await send(ec.doExpressCheckoutPaymentRequest(set.token(), 'PAYER', ecOrder)));
  const txn: string | null = paid.get('PAYMENTINFO_0_TRANSACTIONID');
  const outcome = transition(payment, ec.paymentEvent('A-1', paid));
  void outcome;
  const refund = ec.refundTransactionRequest(txn ?? '', { minor: 500n, currency: 'EUR' });
  const refunded = ec.refundEvent('A-1', ec.parseNvpResponse(await send(refund)));
  void ec.transition(payment, refunded);
  // @ts-expect-error a refund amount is never a number
  ec.refundTransactionRequest('T', { minor: 5, currency: 'EUR' });
  // @ts-expect-error only the reply parseNvpResponse returns makes an event
  ec.paymentEvent('A-1', { ack: 'Success', fields: [] });
  return refunded.event.key;
}
export { expressCheckout };

// Bitpay
const bp = new bitpay.Gateway({ api_key: 'k', api_url: 'https://x.example/api/invoice', invoice_url: 'https://x.example/invoice' });
async function onBitpay(raw: Buffer): Promise<number> {
  const { form } = await bp.createInvoice({ price: { value: '5.00', currency: 'EUR' }, order_id: 'A-1' });
  void form.action;
  const r = await bp.handleNotification({ body: raw, headers: {}, payment, fetch: async () => ({ status: 200, body: '{}' }) });
  // @ts-expect-error the public configuration has no key
  void bp.publicConfig.api_key;
  return r.status;
}
const bpStatus: 'pending' | 'authorized' | 'succeeded' | 'failed' | 'cancelled' | 'unknown' = bitpay.status('confirmed');
export { onBitpay, bpStatus };
export { cecaForm, cecaAnswer };
export { redsysForm, redsysAnswer, onRedsys, redsysStatus };
export { firstField, cents, bad, orderId, key, describe, onNotification, codes, statuses, answerHeaders };

// The driver: one configuration, one notification path, one operation path for every gateway.
import * as driver from 'hostedpay';
import type { Answer, Proof, Verdict, OperationKind, Summary } from 'hostedpay';
const account = new driver.Config({
  gateway: 'redsys',
  merchant_code: '999008881',
  terminal: '1',
  secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7',
  checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago',
});
// @ts-expect-error a configuration names its gateway
void new driver.Config({ merchant_code: '999008881' });
const secretsOf: readonly string[] = account.secretKeys;
async function onAnyGateway(raw: Buffer, token?: string): Promise<Verdict> {
  const unverified = driver.parseNotification(account, { body: raw, contentType: 'application/x-www-form-urlencoded', token });
  const summary: Summary = unverified.summary;
  const proof: Proof = driver.prove(account, unverified);
  const verified = proof.verified ?? proof.pending.finish(account, { status: 200, body: 'VERIFIED' });
  const outcome = driver.transition({ ...payment, order_id: summary.order_id }, verified);
  const answer: Answer = driver.acknowledge(account, verified, outcome);
  void answer.paymentFields.authorisation_code;
  const result = await driver.handleNotification(account, { body: raw, headers: {} }, { payment: async (event) => ({ ...payment, order_id: event.order_id }) });
  void result.summary?.order_id;
  // @ts-expect-error the driver's verified notification is not a plain object
  driver.acknowledge(account, { event: verified.event }, outcome);
  return result.verdict;
}
const allowed: OperationKind[] = driver.allowedOperations('paid');
driver.checkOperation(payment, 'refund', 100n);
// @ts-expect-error minor units are bigints
driver.checkOperation(payment, 'refund', 100);
const opRequest = driver.operationRequest(account, { kind: 'refund', order_id: '0726qI3H7sZx', amount: { value: '1.00', currency: 'EUR' } });
export { onAnyGateway, allowed, opRequest, secretsOf };

// Status queries and retries through the driver.
import type { StatusQuery, StatusReply, PaymentAmounts } from 'hostedpay';
async function reconcile(): Promise<bigint> {
  const query: StatusQuery = { order_id: '1446117555', amount: { value: '1.45', currency: 'EUR' } };
  // @ts-expect-error a query names its order
  void driver.statusQueryRequest(account, { amount: query.amount });
  const asked: boolean = driver.supportsStatusQuery(account) && driver.supportsStatusQuery('paypal');
  void asked;
  const request = driver.statusQueryRequest(account, query);
  const reply: StatusReply = driver.parseStatusReply(account, query, { status: 200, body: request.body });
  const fetched: StatusReply = await driver.statusQuery(account, query, { timeoutMs: 1000 });
  for (const event of [...reply.events, ...fetched.events]) {
    const outcome = driver.transition(payment, event);
    void [outcome.outcome, event.event.key];
  }
  void reply.paymentFields.authorisation_code;
  const key: string = driver.operationKey(account, '999008881', query.order_id, 'refund', 1);
  const wait: number | null = driver.retryAfter('paypal', 1, 'no_answer') ?? driver.retryAfter(account, 2, { status: 503, body: '' }, { max_attempts: 5 });
  // @ts-expect-error not a failure
  driver.retryAfter('paypal', 1, 'timeout');
  void [key, wait, driver.supportsIdempotencyKey('paypal')];
  const amounts: PaymentAmounts = driver.paymentAmounts(payment);
  const kinds: OperationKind[] = amounts.operations;
  void kinds;
  return amounts.refundable_minor;
}
void reconcile;

// hostedpay/testing: a shop's own test.
import * as testing from 'hostedpay/testing';
import { Config, handleNotification } from 'hostedpay';
async function testingConsumer(): Promise<void> {
  const account = new Config({ gateway: 'paypal', business: 'shop@example.com', checkout_url: 'https://www.sandbox.paypal.com/cgi-bin/webscr', ipn_url: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr' });
  const fake: testing.FakeGateway = testing.gateway(account, { mode: 'invalid' });
  const sent = fake.notification({ order_id: 'A1', amount: { value: '10.00', currency: 'EUR' } });
  const result = await handleNotification(account, sent.request, { payment: null as unknown as PaymentSnapshot, fetch: fake.fetch });
  const verdict: string = result.verdict;
  void verdict;
  // @ts-expect-error: not a mode
  testing.gateway(account, { mode: 'maybe' });
  // @ts-expect-error: money is never a number
  testing.notification(account, { order_id: 'A1', amount: { minor: 1000, currency: 'EUR' } });
}
void testingConsumer;

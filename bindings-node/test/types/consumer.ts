// Compiled by `tsc --strict` in test/types.test.js: what a TypeScript shop writes, and what the
// types must refuse (each `@ts-expect-error` fails the build if the line stops being an error).
import { flocash, money, transition, errorCodes, isVposError, paymentStatuses } from 'vpos';
import type { ErrorCode, Outcome, PaymentSnapshot, PaymentStatus, Amount } from 'vpos';

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

export { firstField, cents, bad, orderId, key, describe, onNotification, codes, statuses, answerHeaders };

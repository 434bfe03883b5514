/// <reference types="node" />
/**
 * vpos for Node: payment gateways on one pure Rust core.
 *
 * Data objects use the core's JSON shapes (snake_case keys, as in `docs/conformance.md`), so a
 * configuration or a payment snapshot written for the Django app works here unchanged.
 * Money is never a `number`: amounts are exact decimal strings (`value`) or `bigint` minor
 * units (`minor`), and every key named `minor` or `*_minor` holds a `bigint`.
 *
 * Every failure is thrown as a {@link VposError}: an `Error` whose `code` is one of
 * {@link errorCodes} and whose `field` names the field concerned.
 *
 * @packageDocumentation
 */

// ───────────────────────────── errors ─────────────────────────────

/**
 * The core's stable error codes. They are never renamed or reused; branch on these, never on
 * a message.
 */
export type ErrorCode =
  /** A required field is absent or empty. */
  | 'field_missing'
  /** A field is longer than the gateway allows. */
  | 'field_too_long'
  /** A field has the wrong format (not a number, not a country code, bad characters …). */
  | 'field_invalid'
  /** The same key appears twice in a form body (a classic parameter-pollution attack). */
  | 'duplicate_field'
  /** The request body exceeds the size vpos accepts for this gateway. */
  | 'body_too_large'
  /** A value is not valid UTF-8 after percent-decoding. */
  | 'invalid_utf8'
  /** A form body has a malformed percent escape. */
  | 'invalid_encoding'
  /** The request's content type is not one the gateway sends. */
  | 'unsupported_content_type'
  /** An amount is not a plain non-negative decimal number. */
  | 'amount_syntax'
  /** An amount has more significant decimals than its currency's minor unit. */
  | 'amount_precision'
  /** An amount is negative. */
  | 'amount_negative'
  /** An amount does not fit in 64-bit minor units. */
  | 'amount_overflow'
  /** A currency code is not in the ISO 4217 table. */
  | 'unknown_currency'
  /** Configuration is missing a value or holds a malformed one. */
  | 'invalid_config'
  /** The secret token presented with a notification does not match the configured one. */
  | 'token_mismatch'
  /** The gateway answered the post-back with something other than `VERIFIED`. */
  | 'postback_invalid'
  /** The post-back could not be completed (transport failure or non-200 answer); retry later. */
  | 'postback_failed'
  /** The notification concerns another gateway than the stored payment. */
  | 'gateway_mismatch'
  /** The notification names another merchant account than the stored payment. */
  | 'merchant_mismatch'
  /** The notification names another order than the stored payment. */
  | 'order_mismatch'
  /** The notified amount differs from the stored payment's amount. */
  | 'amount_mismatch'
  /** The notified currency differs from the stored payment's currency. */
  | 'currency_mismatch'
  /** A refund or chargeback exceeds what is left of the captured amount. */
  | 'refund_exceeds_amount'
  /** The state table has no such move (for example `refunded` → `paid`). */
  | 'invalid_transition'
  /** The gateway does not offer this operation. */
  | 'unsupported'
  /** A signature is absent, malformed, or does not match the merchant key. */
  | 'signature_mismatch'
  /** The message is signed with a scheme vpos does not implement (yet). */
  | 'unsupported_signature_version'
  /** The gateway answered an operation with an error of its own (Redsys `SIS0059` …). */
  | 'gateway_error'
  /** No usable answer from the gateway (transport failure, non-200); try again later. */
  | 'gateway_unavailable'
  /** A verified notification names a payment the host does not hold (yet); the gateway must deliver again. */
  | 'payment_not_found';

/** What vpos throws: a plain `Error` carrying the core's code and the field concerned. */
export interface VposError extends Error {
  /** The stable code; one of {@link errorCodes}. */
  readonly code: ErrorCode;
  /** The wire name of the field (or config key, or path such as `item_price.currency`), if any. */
  readonly field: string | null;
}

/** An error as data (`{code, field, message}`), as the core serialises it. */
export interface ErrorInfo {
  code: ErrorCode;
  field: string | null;
  message: string;
}

/** Every error code, in the core's catalogue order. */
export function errorCodes(): readonly ErrorCode[];

/** Whether `e` was thrown by vpos (an `Error` whose `code` is one of {@link errorCodes}). */
export function isVposError(e: unknown): e is VposError;

// ───────────────────────────── money ─────────────────────────────

/** An exact amount: integer minor units of an ISO 4217 currency. */
export interface Amount {
  /** Minor units (cents for EUR, yen for JPY, fils for KWD). */
  minor: bigint;
  /** ISO 4217 alphabetic code, upper case. */
  currency: string;
  /** The decimal string with exactly the currency's exponent (`"23.45"`, JPY `"100"`). */
  value: string;
}

/**
 * An amount as input: a decimal string `value`, or `bigint` `minor` units, or both if they
 * agree (so an {@link Amount} can be passed back as is). Never a `number`.
 */
export type AmountInput =
  | { currency: string; value: string; minor?: bigint }
  | { currency: string; minor: bigint; value?: string };

/** One row of the ISO 4217 table. */
export interface Currency {
  /** Alphabetic code, e.g. `"EUR"`. */
  code: string;
  /** Numeric code, e.g. `978`. */
  numeric: number;
  /** Digits of the minor unit (JPY 0, EUR 2, KWD 3). */
  exponent: number;
  /** English name, as in the standard. */
  name: string;
}

/** Money: exact parsing and formatting, and the ISO 4217 table. */
export namespace money {
  /**
   * Parses a plain decimal string exactly. `"12.345"` EUR throws `amount_precision`, never
   * rounds; signs, spaces, exponents and separators throw `amount_syntax`.
   */
  function parse(value: string, currency: string): Amount;
  /** An amount from minor units; negative throws `amount_negative`. */
  function fromMinor(minor: bigint, currency: string): Amount;
  /** Looks a currency up by alphabetic (`"EUR"`) or numeric (`978`) code; else `unknown_currency`. */
  function currency(code: string | number): Currency;
}

// ───────────────────────────── statuses and transitions ─────────────────────────────

/** Where a payment stands (the one status model of every gateway). */
export type PaymentStatus =
  | 'new'
  | 'pending'
  | 'authorized'
  | 'paid'
  | 'failed'
  | 'cancelled'
  | 'partially_refunded'
  | 'refunded'
  | 'charged_back';

/** Every payment status, in lifecycle order. */
export function paymentStatuses(): readonly PaymentStatus[];

/** What a gateway reports about an operation, after its code table. */
export type ReportedStatus = 'pending' | 'authorized' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/** The kind of operation a notification reports. */
export type Action = 'sale' | 'refund' | 'chargeback' | 'cancel' | 'test';

/** The gateways vpos speaks. */
export type GatewayName = 'flocash';

/** What the host stored about a payment: what {@link transition} needs to decide. */
export interface PaymentSnapshot {
  gateway: GatewayName;
  /** The merchant account the payment was made with. */
  merchant: string;
  /** The shop's order id sent to the gateway. */
  order_id: string;
  /** The amount charged. */
  amount: AmountInput;
  /** Current status. */
  status: PaymentStatus;
  /** `false` for payments against a test account (default `true`: `test` messages are ignored). */
  live?: boolean;
  /** Minor units refunded or charged back so far (default `0n`). */
  refunded_minor?: bigint;
  /** Keys of the events already applied (default none). Keep them under a unique constraint. */
  applied_event_keys?: string[];
}

/** A verified, gateway-neutral fact about a payment. */
export interface Event {
  gateway: GatewayName;
  /** Idempotency key (`flocash:<fpn_id>:<trans_id>:<action>:<status_code>`): store it when applied. */
  key: string;
  merchant: string;
  order_id: string;
  transaction_id: string;
  amount: Amount;
  action: Action;
  status: ReportedStatus;
  /** The gateway's own status code, verbatim (normalised to four digits for FloCash). */
  status_code: string;
}

/** Why an event changed nothing, though it was fine. */
export type IgnoreReason = 'stale' | 'already_in_status' | 'test_on_live_payment' | 'not_completed';

/** What {@link transition} decided. */
export type Outcome =
  /** Move the payment: store `to`, `refunded_minor` and the event key, under a row lock. */
  | { outcome: 'applied'; from: PaymentStatus; to: PaymentStatus; refunded_minor: bigint }
  /** This event key was applied before: a retry, which is normal. */
  | { outcome: 'already_applied' }
  /** Nothing to change. */
  | { outcome: 'ignored'; reason: IgnoreReason }
  /** A status code the gateway's table does not know: nothing changes, the gateway must retry. */
  | { outcome: 'ignored'; reason: 'unknown_status'; code: string }
  /** The event contradicts the stored payment (amount, currency, merchant, order) or the state table. */
  | { outcome: 'rejected'; error: ErrorInfo };

/**
 * Decides what a verified notification does to the stored payment. Pure: apply the result in
 * your database (under a row lock) before answering the gateway.
 */
export function transition(payment: PaymentSnapshot, verified: flocash.VerifiedNotification): Outcome;

// ───────────────────────────── HTTP as values ─────────────────────────────

/** A request the host must perform (the FloCash post-back). */
export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute URL. */
  url: string;
  /** Headers in order. */
  headers: [name: string, value: string][];
  /** The body, already encoded. */
  body: string;
}

/** The exact answer to give the gateway. `headers` pairs work with `new Headers(...)` too. */
export interface HttpResponse {
  status: number;
  headers: [name: string, value: string][];
  body: string;
}

/** What the host got for a post-back: the server's answer, or its own failure to get one. */
export type PostbackReply = { status: number; body: string | Uint8Array } | { error: string };

/**
 * Performs a post-back. Must honour `signal` (the handler aborts it at the deadline and, in any
 * case, stops waiting). Resolve to `{ status, body }` or a fetch `Response`; throw when no
 * answer came.
 */
export type PostbackFunction = (
  request: HttpRequest,
  options: { signal: AbortSignal },
) => Promise<{ status: number; body: string | Uint8Array } | Response>;

/** The default post-back: global `fetch`, redirects not followed. */
export function fetchPostback(request: HttpRequest, options?: { signal?: AbortSignal }): Promise<{ status: number; body: string }>;

// ───────────────────────────── FloCash ─────────────────────────────

/** FloCash: hosted payment page by HTML form, notifications verified by post-back. */
export namespace flocash {
  /** Default post-back deadline of {@link Gateway.handleNotification}: 10 000 ms. */
  const DEFAULT_TIMEOUT_MS: number;

  /** One FloCash merchant account. Unknown keys are refused, so a misspelt setting fails. */
  interface Config {
    /** Merchant account (the registered e-mail address), 1–50 characters. */
    merchant: string;
    /** Name shown on the payment page, 1–100 characters. */
    merchant_name: string;
    /** Where the checkout form posts (production `https://fcms.flocash.com/ecom/ecommerce.do`). */
    checkout_url: string;
    /** FloCash's base URL; the post-back goes to `<scheme>://<host>/validateNotify.do`. */
    base_url: string;
    /** Secret path segment of your notification URL: ≥ 12 characters of `A-Za-z0-9-_.~`. */
    notification_token: string;
    /** Logo shown on the payment page. */
    image_url?: string;
    /** Default `return_url`. */
    return_url?: string;
    /** Default `cancel_url`. */
    cancel_url?: string;
    /** Default `notify_url` (otherwise the one in FloCash's back office applies). */
    notify_url?: string;
  }

  /** The browser-safe part of {@link Config}: no token. */
  type PublicConfig = Omit<Config, 'base_url' | 'notification_token'>;

  /** Customer details FloCash can pre-fill. All optional. */
  interface Customer {
    first_name?: string;
    last_name?: string;
    address?: string;
    city?: string;
    /** Exactly 2 letters or digits. */
    state?: string;
    postal_code?: string;
    email?: string;
    /** Digits, spaces and `+ - ( )`. */
    mobile?: string;
  }

  /** An order to send to FloCash. */
  interface Order {
    /** The shop's unique id for this payment, 1–25 characters. */
    order_id: string;
    /** Merchant-defined value (a customer id), 1–25 characters. */
    custom: string;
    /** 1–250 characters. */
    item_name: string;
    /** Price of one item. */
    item_price: AmountInput;
    /** At least 1. */
    quantity: number;
    /** The total to pay; default `item_price × quantity`. */
    amount?: AmountInput;
    /** ISO 3166-1 alpha-2, upper case. */
    country?: string;
    payment_option?: string;
    customer?: Customer;
    return_url?: string;
    cancel_url?: string;
    notify_url?: string;
    /** Custom `flo_user_<name>` parameters, in order. */
    extra?: [name: string, value: string][];
  }

  /** The form that sends the customer to FloCash, fields in FloCash's documented order. */
  interface RedirectForm {
    action: string;
    method: 'GET' | 'POST';
    fields: [name: string, value: string][];
  }

  /** A parsed FloCash notification: every documented field typed, the rest in `extra`. */
  interface Notification {
    merchant: string;
    sender_acct: string | null;
    order_id: string;
    amount: Amount;
    item_name: string | null;
    item_price: Amount | null;
    currency_code: string;
    quantity: number | null;
    trans_id: string;
    fpn_id: string;
    custom: string | null;
    customer: string | null;
    /** `status` normalised to four digits (`"0004"`). */
    status_code: string;
    status: ReportedStatus;
    status_msg: string | null;
    payer_email: string | null;
    payment_channel: string | null;
    txn_partner_ref: string | null;
    /** From an `action` parameter when FloCash sends one, else `sale`. */
    action: Action;
    /** Undocumented fields, in order. */
    extra: [name: string, value: string][];
  }

  /** A FloCash status code, explained. */
  interface StatusInfo {
    status_code: string;
    status: ReportedStatus;
    /** FloCash's label, or `null` for a code its table does not have. */
    label: string | null;
  }

  /** A parsed notification whose authenticity is not proven yet. Only `parseNotification` makes one. */
  class UnverifiedNotification {
    #private;
    private constructor();
    /** The fields, to be read with suspicion (enough to find the payment). */
    readonly untrusted: Notification;
    /** The raw body exactly as received. */
    readonly rawBody: Buffer;
  }

  /**
   * A notification proven authentic by the post-back. Only `verifyPostback` makes one, and only
   * one of these moves a payment. Verified says who sent it, not that the payment succeeded.
   */
  class VerifiedNotification {
    #private;
    private constructor();
    readonly notification: Notification;
    /** The gateway-neutral event, with its idempotency `key`. */
    readonly event: Event;
    /** The raw body exactly as received. */
    readonly rawBody: Buffer;
  }

  /** Options of the {@link Gateway} constructor. */
  interface GatewayOptions {
    /**
     * Check every value at construction (default `true`). With `false`, the verbs still check
     * what they need: `checkout` validates, `verifyPostback` needs a valid `base_url`,
     * `checkToken` fails closed on an empty token.
     */
    validate?: boolean;
  }

  /** Everything {@link Gateway.handleNotification} needs for one request. */
  interface NotificationInput {
    /** The raw request body, exactly as received (`express.raw()`), never a parsed object. */
    body: Uint8Array | string;
    /** Request headers (Node's `req.headers`, a fetch `Headers`, or pairs): `Content-Type` is read. */
    headers: NodeJS.Dict<string | string[]> | Headers | [string, string][];
    /**
     * The token from the notification URL. When this key is present the token is checked
     * (in constant time) before anything else, and a wrong one is answered `404`.
     */
    token?: string;
    /**
     * The stored payment, or a function that loads it for the verified notification (called
     * only after the post-back proved it). Return the snapshot or throw: nothing else.
     */
    payment:
      | PaymentSnapshot
      | ((notification: Notification, event: Event) => PaymentSnapshot | Promise<PaymentSnapshot>);
    /**
     * Awaited after the token check and before anything else: store the raw body here. If it
     * throws, the handler throws (your framework answers 500 and FloCash delivers again).
     */
    onReceived?: (received: { body: Buffer; headers: NotificationInput['headers']; contentType: string }) => void | Promise<void>;
    /** Performs the post-back; default {@link fetchPostback}. */
    postback?: PostbackFunction;
    /** Post-back deadline in milliseconds; default {@link DEFAULT_TIMEOUT_MS}. */
    timeoutMs?: number;
  }

  /**
   * The exact answer for FloCash (`status`, `headers`, `body`) and what happened. Persist
   * `outcome` (when `applied`) and `event.key` before sending the answer.
   */
  interface NotificationResult extends HttpResponse {
    /** What the transition decided; `null` when the notification was refused before it. */
    outcome: Outcome | null;
    /** Why the notification was refused (token, parsing, post-back); `null` otherwise. */
    error: ErrorInfo | null;
    /** The verified event; `null` unless the post-back proved the notification. */
    event: Event | null;
    /** The parsed notification (untrusted when `error` is set); `null` if it did not parse. */
    notification: Notification | null;
    /** The raw body, as received. */
    rawBody: Buffer;
  }

  /**
   * One FloCash merchant account and the verbs of the gateway. The configuration is held
   * natively: no property, `JSON.stringify` or `util.inspect` output reveals the token.
   */
  class Gateway {
    #private;
    /** Reads (and by default validates) a configuration; throws `invalid_config` naming the key. */
    constructor(config: Config, options?: GatewayOptions);
    /** Checks every configuration value; throws `invalid_config` naming the key. */
    validate(): void;
    /** The merchant account. */
    readonly merchant: string;
    /** `<scheme>://<host>/validateNotify.do`; throws `invalid_config` for a bad `base_url`. */
    readonly postbackUrl: string;
    /** Everything but the token. */
    readonly publicConfig: PublicConfig;
    /** Compares the URL token in constant time; throws `token_mismatch`. */
    checkToken(token: string): void;
    /** The redirect form for `order`. */
    checkout(order: Order): RedirectForm;
    /** The redirect form as HTML, every value escaped; `autoSubmit` adds an inline submitting script. */
    checkoutHtml(order: Order, options?: { autoSubmit?: boolean }): string;
    /** Parses a notification from its `Content-Type` and raw body. */
    parseNotification(contentType: string, body: Uint8Array | string): UnverifiedNotification;
    /** The post-back to perform (with a timeout) for `notification`. */
    postbackRequest(notification: UnverifiedNotification): HttpRequest;
    /**
     * Judges the post-back reply: `VERIFIED` gives the verified handle; `INVALID` throws
     * `postback_invalid`; a non-200 answer or `{ error }` throws `postback_failed` (retry).
     * The unverified handle stays usable for another attempt.
     */
    verifyPostback(notification: UnverifiedNotification, reply: PostbackReply): VerifiedNotification;
    /** Same as the top-level {@link transition}. */
    transition(payment: PaymentSnapshot, verified: VerifiedNotification): Outcome;
    /** The answer for an outcome: `200 00` when settled, else `409`/`503` so FloCash retries. */
    acknowledge(outcome: Outcome): HttpResponse;
    /** The answer for a refused notification: never `00` (`404`, `409 INVALID`, `422`, `503`). */
    reject(error: ErrorInfo | VposError): HttpResponse;
    /** FloCash has no refund API: always throws `unsupported`. */
    refundRequest(orderId: string, amount: AmountInput): never;
    /**
     * The whole notification flow for any framework: token → `onReceived` → parse →
     * post-back (deadline, never thrown: a failure is `postback_failed`, answered 503) →
     * verify → load payment → transition → acknowledge. A refused notification gets
     * {@link reject}'s answer. Throws only for the host's own failures (`onReceived`, the
     * payment loader, a body that is not bytes, an invalid snapshot).
     */
    handleNotification(input: NotificationInput): Promise<NotificationResult>;
    /** The public configuration (no token). */
    toJSON(): PublicConfig;
  }

  /** The checkout form from the token-free configuration (what `vpos-web` runs in a browser). */
  function checkoutPublic(config: PublicConfig, order: Order): RedirectForm;
  /** Normalises (`"4"` → `"0004"`), maps and labels a status code; else `field_invalid`. */
  function status(code: string): StatusInfo;
  /** The answer for an outcome (as {@link Gateway.acknowledge}). */
  function acknowledge(outcome: Outcome): HttpResponse;
  /** The answer for a refused notification (as {@link Gateway.reject}). */
  function reject(error: ErrorInfo | VposError): HttpResponse;
}

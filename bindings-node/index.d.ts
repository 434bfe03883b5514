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

// The JSON shapes are generated from the core's serde types (types.d.ts, a copy of the
// repository's types/vpos.d.ts: `make types`); this file declares the functions and classes.
import type {
  ErrorCode,
  ErrorInfo,
  Amount,
  AmountInput,
  PaymentStatus,
  ReportedStatus,
  Action,
  GatewayName,
  PaymentSnapshot,
  Event,
  Outcome,
  HttpRequest,
  HttpResponse,
  PostbackReply,
  Summary,
  PaymentFields,
  Verdict,
  OperationKind,
  StoredCredential,
  Operation,
  OperationStatus,
  Ignored,
  CecaConfig,
  CecaOrder,
  CecaNotification,
  RedirectForm as GeneratedRedirectForm,
  RedsysSignatureVersion,
  RedsysConfig,
  RedsysOrder,
  RedsysOperation,
  RedsysPaygoldRequest,
  RedsysPaygoldLink,
  RedsysNotification,
  FlocashConfig,
  FlocashPublicConfig,
  FlocashCustomer,
  FlocashOrder,
  FlocashNotification,
  FlocashPollConfig,
  FlocashPolledPayment,
  FlocashPollReply,
  ElavonConfig,
  ElavonOrder,
  ElavonRemoteOperation,
  ElavonNotification,
  PaypalConfig,
  PaypalNvpCredentials,
  PaypalExpressOrder,
  PaypalOrder,
  PaypalNotification,
  PaypalRestConfig,
  PaypalRestWebhook,
  BitpayConfig,
  BitpayInvoiceRequest,
  BitpayInvoice,
  BitpayNotification,
  OrderRequest,
  DriverOrder,
} from './types';
export type {
  ErrorCode,
  ErrorInfo,
  Amount,
  AmountInput,
  PaymentStatus,
  ReportedStatus,
  Action,
  GatewayName,
  PaymentSnapshot,
  Event,
  Outcome,
  HttpRequest,
  HttpResponse,
  PostbackReply,
  Summary,
  PaymentFields,
  Verdict,
  OperationKind,
  StoredCredential,
  Operation,
  OperationStatus,
  Ignored,
  OrderRequest,
  DriverOrder,
  PaypalRestConfig,
  PaypalRestWebhook,
} from './types';

/** Why an event changed nothing, though it was fine (an `ignored` outcome's `reason`, but `unknown_status`). */
export type IgnoreReason = Exclude<Ignored['reason'], 'unknown_status'>;

// ───────────────────────────── errors ─────────────────────────────

/** What vpos throws: an `Error` named `VposError` carrying the core's code and the field concerned. */
export interface VposError extends Error {
  readonly name: 'VposError';
  /** The stable code; one of {@link errorCodes}. */
  readonly code: ErrorCode;
  /** The wire name of the field (or config key, or path such as `item_price.currency`), if any. */
  readonly field: string | null;
}

/** Every error code, in the core's catalogue order. */
export function errorCodes(): readonly ErrorCode[];

/** Whether `e` was thrown by vpos (an `Error` whose `code` is one of {@link errorCodes}). */
export function isVposError(e: unknown): e is VposError;

// ───────────────────────────── money ─────────────────────────────

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

/** Every payment status, in lifecycle order. */
export function paymentStatuses(): readonly PaymentStatus[];

/** Which vpos module this is: `"node"` (the wasm package's modules say `"browser"` and `"edge"`). */
export function flavour(): 'node';

/**
 * A redirect form a server built (and signed) as HTML, every value escaped by the core;
 * `autoSubmit` adds the inline submitting script.
 */
export function renderForm(form: RedirectForm, options?: { autoSubmit?: boolean }): string;


/**
 * Decides what a verified notification does to the stored payment. Pure: apply the result in
 * your database (under a row lock) before answering the gateway.
 */
export function transition(payment: PaymentSnapshot, verified: VerifiedHandle): Outcome;

/** Every handle that proves a notification: only these move a payment. */
export type VerifiedHandle =
  | VerifiedNotification
  | OperationReply
  | StatusEvent
  | flocash.VerifiedNotification
  | redsys.VerifiedNotification
  | ceca.VerifiedNotification
  | elavon.VerifiedNotification
  | elavon.VerifiedEvent
  | flocash.PolledEvent
  | paypal.VerifiedNotification
  | paypal.VerifiedEvent
  | bitpay.VerifiedNotification;

// ───────────────────────────── HTTP as values ─────────────────────────────

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

/** A fetch-style function for a request the core described (REST operation, invoice fetch). */
export type FetchFunction = PostbackFunction;

/**
 * Everything a gateway's `handleNotification` needs for one request (gateways other than
 * FloCash: no URL token, the proof is the gateway's own).
 */
export interface GatewayNotificationInput<N> extends NotificationRequest, HandleOptions {}

/** {@link GatewayNotificationInput} for gateways that verify by a post-back (PayPal). */
export interface PostbackNotificationInput<N> extends GatewayNotificationInput<N> {
  /** Performs the post-back; default {@link fetchPostback}. */
  postback?: PostbackFunction;
  /** Post-back deadline in milliseconds; default 10 000. */
  timeoutMs?: number;
}

/** The exact answer for the gateway and what happened; persist an `applied` outcome first. */
export type GatewayNotificationResult<N> = NotificationResult<N>;

/** The redirect form that sends the customer to a gateway's page, fields in the gateway's order (generated). */
export type RedirectForm = GeneratedRedirectForm;

// ───────────────────────────── the driver: every gateway, one path ─────────────────────────────

/**
 * A configuration for any gateway: the gateway's own keys (its `Config` below) with its name
 * beside them, `{ gateway: 'redsys', merchant_code: …, … }`.
 */
export type ConfigInput =
  | ({ gateway: 'flocash' } & flocash.Config)
  | ({ gateway: 'redsys' } & redsys.Config)
  | ({ gateway: 'ceca' } & ceca.Config)
  | ({ gateway: 'elavon' } & elavon.Config)
  | ({ gateway: 'paypal' } & paypal.Config)
  | ({ gateway: 'bitpay' } & bitpay.Config)
  | ({ gateway: 'paypal_rest' } & PaypalRestConfig);

/** A configuration without its secret keys, tagged with `gateway`: what may be shown or sent. */
export type PublicConfigView = { gateway: GatewayName } & Record<string, unknown>;

/**
 * A merchant account's configuration, whichever gateway (the core's `driver::Config`). Read
 * and validated by the core (`invalid_config` naming the key's dotted path; no value quoted);
 * the secrets stay native: no property, `JSON.stringify` or `util.inspect` shows them.
 */
export class Config {
  #private;
  constructor(config: ConfigInput);
  /** The gateway's name. */
  readonly gateway: GatewayName;
  /** This gateway's secret keys, as dotted paths (`nvp.password`): the core's one list. */
  readonly secretKeys: readonly string[];
  /** The configuration without its secret keys (the core's `Config::public`). */
  public(): PublicConfigView;
  /** Checks the notification URL's token (FloCash, constant time): throws `token_mismatch`. Other gateways pass. */
  checkToken(token: string | undefined): void;
  /** The public view: never a secret. */
  toJSON(): PublicConfigView;
}
/** {@link Config}, by a name that namespaces with a `Config` of their own can refer to. */
export type DriverConfig = Config;

/** Any gateway's parsed notification. */
export type Notification =
  | flocash.Notification
  | redsys.Notification
  | ceca.Notification
  | elavon.Notification
  | paypal.Notification
  | bitpay.Notification
  | PaypalRestWebhook;

/** What the host received for a notification. */
export interface NotificationRequest {
  /** The raw request body, exactly as received (`express.raw()`), never a parsed object. */
  body: Uint8Array | string;
  /** Request headers (Node's `req.headers`, a fetch `Headers`, or pairs): `Content-Type` is read. */
  headers?: NodeJS.Dict<string | string[]> | Headers | [string, string][];
  /** The `Content-Type` (instead of `headers`). */
  contentType?: string;
  /** The query string, without `?`. */
  query?: string;
  /** The secret segment of the notification URL (FloCash): always checked, a missing one is wrong. */
  token?: string | undefined;
  /** The host's clock, seconds since the Unix epoch: PayPal REST's offline webhook verification checks the transmission time against it. */
  nowUnix?: number | undefined;
}

/** A parsed notification, not proven yet. Only {@link parseNotification} makes one. */
export class UnverifiedNotification {
  #private;
  private constructor();
  readonly gateway: GatewayName;
  /** The untrusted identifiers: store them with the raw body, find the payment by them. */
  readonly summary: Summary;
  /** The gateway's own notification (untrusted). */
  readonly notification: Notification;
  readonly rawBody: Buffer;
}

/** A notification waiting for the gateway's reply to {@link prove}'s request. */
export class PendingNotification {
  #private;
  private constructor();
  readonly summary: Summary;
  /** Reads the reply (`{ error }` when none came): the verified notification, or throws why not. Retryable. */
  finish(config: Config, reply: PostbackReply): VerifiedNotification;
}

/** A notification proven authentic (its status may still be a decline). Only the driver makes one. */
export class VerifiedNotification {
  #private;
  private constructor();
  readonly gateway: GatewayName;
  readonly summary: Summary;
  /** The gateway-neutral event for {@link transition}, with its idempotency `key`. */
  readonly event: Event;
  /** What it leaves on the payment (store {@link Answer.paymentFields}, which is these only when a sale applied). */
  readonly paymentFields: PaymentFields;
  readonly notification: Notification;
  readonly rawBody: Buffer;
}

/** Where {@link prove} got to. */
export type Proof =
  | { verified: VerifiedNotification; request?: undefined; pending?: undefined }
  | { verified?: undefined; request: HttpRequest; pending: PendingNotification };

/** What to store and what to answer. */
export interface Answer {
  verdict: Verdict;
  /** The exact answer the gateway expects. */
  response: HttpResponse;
  /** What to save on the payment with the transition (empty unless a sale or authorisation applied). */
  paymentFields: PaymentFields;
  /** The error to store with the verdict (a rejected outcome's too); `null` otherwise. */
  error: ErrorInfo | null;
}

/** Every gateway vpos speaks. */
export function gateways(): readonly GatewayName[];
/** The secret configuration keys of a gateway, as dotted paths. */
export function secretKeys(gateway: GatewayName | Config): readonly string[];
/** The largest notification body the gateway sends; refuse a larger one unread ({@link rejectUnread}). */
export function maxBodyBytes(gateway: GatewayName | Config): number;
/** Parses a notification for the configuration's gateway (FloCash: the token first). */
export function parseNotification(config: Config, request: NotificationRequest): UnverifiedNotification;
/** Proves a notification: on the spot (a signature), or by one request the host performs. */
export function prove(config: Config, unverified: UnverifiedNotification): Proof;
/** The answer once {@link transition} decided. */
export function acknowledge(config: Config, verified: VerifiedNotification, outcome: Outcome): Answer;
/** The answer to a notification refused at any step. */
export function reject(gateway: GatewayName | Config, error: VposError | ErrorInfo | { code: ErrorCode; message?: string; field?: string | null }): Answer;
/** A body over {@link maxBodyBytes}, refused unread (413). */
export function rejectUnread(gateway: GatewayName | Config): Answer;
/** The URL names no configured account (404). */
export function unknownAccount(gateway: GatewayName | Config): Answer;
/** A proven notification whose order no payment has (yet): the gateway delivers again (CECA excepted). */
export function paymentNotFound(gateway: GatewayName | Config, orderId: string): Answer;

/** The host's side of {@link handleNotification}. */
export interface HandleOptions {
  /**
   * The stored payment, or a function that loads it (called only once the notification is
   * proven, with its event and verified handle). `null` / `undefined` (or a thrown vpos error
   * with code `payment_not_found`) is answered `payment_not_found` (verdict `no_payment`) so
   * the gateway delivers again; any other thrown error is rethrown.
   */
  payment:
    | PaymentSnapshot
    | ((event: Event, verified: VerifiedNotification) => PaymentSnapshot | null | undefined | Promise<PaymentSnapshot | null | undefined>);
  /**
   * Awaited after the size and token checks, before parsing: store the raw body here. If it
   * throws, the handler throws (your framework answers 500 and the gateway delivers again).
   */
  onReceived?: (received: { body: Buffer; headers: NotificationRequest['headers']; contentType: string }) => void | Promise<void>;
  /** Performs the proof's request (FloCash/PayPal post-back, Bitpay invoice fetch); default {@link fetchPostback}. */
  fetch?: FetchFunction;
  /** The 0.x name of `fetch` (FloCash, PayPal). */
  postback?: PostbackFunction;
  /** Deadline of that request in milliseconds; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** The exact answer for the gateway and what happened; persist an `applied` outcome (and `verdict`, `paymentFields`) first. */
export interface NotificationResult<N = Notification> extends HttpResponse {
  verdict: Verdict;
  /** What the transition decided; `null` when the notification was refused before it. */
  outcome: Outcome | null;
  /** The error to store: why it was refused, or a rejected outcome's; `null` otherwise. */
  error: ErrorInfo | null;
  /** The verified event; `null` unless the notification was proven. */
  event: Event | null;
  /** The identifiers (untrusted unless `event` is set); `null` if it did not parse. */
  summary: Summary | null;
  /** What to save on the payment (only when a sale or authorisation applied). */
  paymentFields: PaymentFields;
  /** The gateway's parsed notification (untrusted unless `event` is set); `null` if it did not parse. */
  notification: N | null;
  /** The raw body, as received. */
  rawBody: Buffer;
}

/**
 * The one notification path, every gateway: size → token → `onReceived` → parse → prove →
 * load the payment → transition → acknowledge; any refusal → reject. Throws only for the
 * host's mistakes (a parsed body, a failing `onReceived` or loader, an invalid snapshot).
 */
export function handleNotification(config: Config, request: NotificationRequest, options: HandleOptions): Promise<NotificationResult>;

/** The gateway's verified reply to an operation. */
export class OperationReply {
  #private;
  private constructor();
  /** The event for {@link transition}. */
  readonly event: Event;
  readonly paymentFields: PaymentFields;
}

/** The operations a payment's status allows (`paid` → `['refund']`). */
export function allowedOperations(status: PaymentStatus): OperationKind[];
/** The operations vpos can ask of the gateway. */
export function supportedOperations(gateway: GatewayName | Config): OperationKind[];
/** Refuses an operation the payment cannot take (`invalid_transition`, `refund_exceeds_amount`, `field_invalid`). */
export function checkOperation(payment: PaymentSnapshot, kind: OperationKind, amountMinor: bigint, inFlightMinor?: bigint): void;
/** The request for an operation (`unsupported` on `gateway` when the gateway has none). */
export function operationRequest(config: Config, operation: Operation): HttpRequest;
/** Reads the reply to {@link operationRequest}'s request (`{ error }` when none came). */
export function parseOperationReply(config: Config, operation: Operation, reply: PostbackReply): OperationReply;
/** {@link operationRequest} → `fetch` (deadline) → {@link parseOperationReply}. */
export function operate(config: Config, operation: Operation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<OperationReply>;
/** The gateway's order for a gateway-neutral request (generated: OrderRequest, DriverOrder, the tagged `{ gateway, ...the gateway's own order keys }`). */
export function orderForPayment(gateway: GatewayName | Config, request: OrderRequest): DriverOrder;
/** The checkout: `{ form }`, or `{ request }` when the gateway makes its page by API (Bitpay). */
export function checkout(config: Config, order: DriverOrder): { form: RedirectForm; request?: undefined } | { request: HttpRequest; form?: undefined };
/** Reads the reply to {@link checkout}'s request: the redirect and the reference to store. */
export function parseCheckoutReply(config: Config, reply: PostbackReply): { form: RedirectForm; reference: string };
/** A fresh order id where the gateway shapes it (Redsys), else `null`. */
export function newOrderId(gateway: GatewayName | Config, prefix: string, random: Uint8Array): string | null;
/** Settles a recorded operation after its reply's transition, or after an error. */
export const operationStatus: {
  afterReply(kind: OperationKind, reply: OperationReply, outcome: Outcome): OperationStatus;
  afterError(error: VposError | ErrorInfo): OperationStatus;
};
/** Default deadline of a proof's or an operation's request: 10 000 ms. */
export const DEFAULT_TIMEOUT_MS: number;

// ───────────────────────────── status queries and retries ─────────────────────────────

/**
 * What the host knows of the payment it asks about (the core's `StatusQuery`,
 * docs/status-queries.md): PayPal queries by the stored `transaction_id` (else searches by
 * `order_id` from `since`), Bitpay by the invoice `reference`, Redsys by `order_id`.
 */
export interface StatusQuery {
  order_id: string;
  amount: AmountInput;
  transaction_id?: string;
  reference?: string;
  /** `YYYYMMDDHHMMSS` from the host's clock, for gateways that sign one. */
  timestamp?: string;
  /** The payment's creation, `YYYYMMDDHHMMSS` UTC: where PayPal's TransactionSearch starts when no IPN left a `transaction_id`. */
  since?: string;
}
/** One event of a status query's answer, for {@link transition} (the host's own authenticated call). */
export class StatusEvent {
  #private;
  private constructor();
  /** The event, with the key the gateway's notification gives the same fact. */
  readonly event: Event;
}
/** What a status query's reply says. */
export interface StatusReply {
  /** Whether the gateway knows the transaction (`false` comes with no events). */
  found: boolean;
  /** The events in the order they happened, each for {@link transition}. */
  events: StatusEvent[];
  /** What the answer leaves on the payment (PayPal: the sale's `transaction_id`), to store after the sale applied. */
  paymentFields: PaymentFields;
}
/** Whether the gateway answers a status query in vpos (Redsys, PayPal, Bitpay). */
export function supportsStatusQuery(gateway: GatewayName | Config): boolean;
/** The status query's request (`unsupported` on `gateway` when the gateway has none; `field_missing` without what it queries by). */
export function statusQueryRequest(config: Config, query: StatusQuery): HttpRequest;
/** Reads the reply to {@link statusQueryRequest}'s request (`{ error }` when none came: `gateway_unavailable`). */
export function parseStatusReply(config: Config, query: StatusQuery, reply: PostbackReply): StatusReply;
/** {@link statusQueryRequest} → `fetch` (deadline) → {@link parseStatusReply}. */
export function statusQuery(config: Config, query: StatusQuery, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<StatusReply>;
/** The idempotency key of an operation (`vpos1-` + 32 hex digits): the same inputs give the same key in every runtime. `sequence` counts the operations of `kind` on the payment, this one included. */
export function operationKey(gateway: GatewayName | Config, merchant: string, orderId: string, kind: OperationKind, sequence: number): string;
/** Whether the gateway's operation API dedupes a resent operation by its idempotency key (PayPal `MSGSUBID`). */
export function supportsIdempotencyKey(gateway: GatewayName | Config): boolean;
/** How often and how patiently an operation is sent again; a missing key takes the default's (3 attempts, 500 ms, 5000 ms). */
export interface RetryPolicy {
  max_attempts?: number;
  base_delay_ms?: number;
  max_delay_ms?: number;
}
/** How an attempt failed: never sent, no answer, refused, or the reply the core could not use. */
export type RetryFailure = 'not_sent' | 'no_answer' | 'refused' | PostbackReply;
/**
 * After attempt `attempt` (1-based) of an operation on `gateway` failed: the wait in ms before
 * sending it again, or `null` to stop (a possibly executed attempt is resent only where the
 * gateway dedupes by key). No jitter: add your own.
 */
export function retryAfter(gateway: GatewayName | Config, attempt: number, failure: RetryFailure, policy?: RetryPolicy | null): number | null;
/** What a payment has taken and may still take, and the operations it allows now. */
export interface PaymentAmounts {
  captured_minor: bigint;
  capturable_minor: bigint;
  refundable_minor: bigint;
  operations: OperationKind[];
}
/** The payment's captured, capturable and refundable minor units and its operations. */
export function paymentAmounts(payment: PaymentSnapshot): PaymentAmounts;

// ───────────────────────────── FloCash ─────────────────────────────

/** FloCash: hosted payment page by HTML form, notifications verified by post-back. */
export namespace flocash {
  /** Default post-back deadline of {@link Gateway.handleNotification}: 10 000 ms. */
  const DEFAULT_TIMEOUT_MS: number;

  /** One FloCash merchant account (generated: FlocashConfig). Unknown keys are refused, so a misspelt setting fails; `notification_token` is never shown by `util.inspect` or `JSON.stringify`. */
  type Config = FlocashConfig;

  /** The browser-safe part of {@link Config}: no token (generated: FlocashPublicConfig). */
  type PublicConfig = FlocashPublicConfig;

  /** Customer details FloCash can pre-fill; all optional (generated: FlocashCustomer). */
  type Customer = FlocashCustomer;

  /** An order to send to FloCash (generated: FlocashOrder). */
  type Order = FlocashOrder;

  /** The form that sends the customer to FloCash, fields in FloCash's documented order. */
  type RedirectForm = GeneratedRedirectForm;

  /** A parsed FloCash notification: every documented field typed, the rest in `extra` (generated: FlocashNotification). */
  type Notification = FlocashNotification;

  /** A FloCash status code, explained. */
  interface StatusInfo {
    status_code: string;
    status: ReportedStatus;
    /** FloCash's label, or `null` for a code its table does not have. */
    label: string | null;
  }

  /**
   * Merchant Polling settings (generated: FlocashPollConfig). FloCash's guide prints neither
   * the operations' namespace nor a success `statusCode`: copy `namespace` from the WSDL
   * FloCash gives you (`…/APIMerchantService?wsdl`) and list the success codes FloCash confirms.
   */
  type PollConfig = FlocashPollConfig;

  /** One `Payment` of a polling reply (generated: FlocashPolledPayment). */
  type PolledPayment = FlocashPolledPayment;

  /** A polled payment's event (authenticated by the polling exchange): `transition` takes it. */
  class PolledEvent {
    #private;
    private constructor();
    /** The gateway-neutral event; its key is `flocash:poll:<transid>:<status_code>`. */
    readonly event: Event;
  }

  /** A successful polling reply (generated: FlocashPollReply) and one event handle per payment, in order. */
  type PollReply = FlocashPollReply & { events: PolledEvent[] };

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

  /** Everything {@link Gateway.handleNotification} needs for one request (see {@link handleNotification}). */
  type NotificationInput = GatewayNotificationInput<Notification>;

  /** What {@link Gateway.handleNotification} did (see {@link handleNotification}). */
  type NotificationResult = GatewayNotificationResult<Notification>;

  /**
   * One FloCash merchant account and the verbs of the gateway. The configuration is held
   * natively: no property, `JSON.stringify` or `util.inspect` output reveals the token.
   */
  class Gateway {
    #private;
    /** This account as the driver's {@link DriverConfig} (for {@link handleNotification} and the operations). */
    readonly config: DriverConfig;
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
    /** Merchant Polling `pollPayInbyRef` (SOAP 1.1); the body carries the API password. */
    pollByReferenceRequest(pollConfig: PollConfig, traceNumber: string): HttpRequest;
    /** Merchant Polling `pollPayInbyTime`; `Date`s are sent in UTC. */
    pollByTimeRequest(pollConfig: PollConfig, from: Date | string, to: Date | string): HttpRequest;
    /**
     * Reads a polling reply; throws `gateway_error` (SOAP fault, error header),
     * `gateway_unavailable` (no answer), `field_invalid` (malformed or hostile XML) and the
     * field and money errors of the payments.
     */
    parsePollResponse(pollConfig: PollConfig, reply: PostbackReply): PollReply;
    /** Same as the top-level {@link transition}. */
    transition(payment: PaymentSnapshot, verified: VerifiedNotification | PolledEvent): Outcome;
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

  /** The checkout form from the token-free configuration (what `hostedpay-web` runs in a browser). */
  function checkoutPublic(config: PublicConfig, order: Order): RedirectForm;
  /** FloCash's field rules for `order`, for field errors before submit: returns nothing, throws naming the first bad field. */
  function validateOrder(order: Order): void;
  /** Normalises (`"4"` → `"0004"`), maps and labels a status code; else `field_invalid`. */
  function status(code: string): StatusInfo;
  /** The answer for an outcome (as {@link Gateway.acknowledge}). */
  function acknowledge(outcome: Outcome): HttpResponse;
  /** The answer for a refused notification (as {@link Gateway.reject}). */
  function reject(error: ErrorInfo | VposError): HttpResponse;
}

// ───────────────────────────── Redsys ─────────────────────────────

/**
 * Redsys (Spain): signed redirect form, HTTP POST and SOAP notifications verified by signature
 * (`HMAC_SHA256_V1`, `HMAC_SHA512_V1`, `HMAC_SHA512_V2`), REST refund / confirm / cancel.
 */
export namespace redsys {
  /** A Paygold link to ask for (`redsys::paygold::LinkRequest`): at least one of
   * `customer_mobile` and `customer_email`; `sms_text` holds `@URL@`; `expiry_minutes` is the
   * link's validity (none: no expiry). */
  type PaygoldLinkRequest = RedsysPaygoldRequest;
  /** The verified Paygold link (`{ url, order, amount }`). */
  type PaygoldLink = RedsysPaygoldLink;
  /** Host-to-host EMV3DS: the payment every step is about. */
  interface Emv3dsPayment {
    order: string;
    amount: AmountInput;
    preauthorisation?: boolean;
    card: { id_oper: string } | { pan: string; expiry_date: string; cvv2: string };
  }
  /** What `iniciaPeticionREST` says about the card. */
  interface Emv3dsCardConfiguration {
    order: string;
    protocol_version: string;
    three_ds_server_trans_id: string;
    three_ds_method_url: string | null;
    card_psd2: string | null;
  }
  /** A form for the browser: `{ action, method, fields }`. */
  interface Emv3dsForm {
    action: string;
    method: 'POST';
    fields: [string, string][];
  }
  /** Default deadline of {@link Gateway.operate}: 10 000 ms. */
  const DEFAULT_TIMEOUT_MS: number;

  /** How requests are signed; notifications are verified with the version they name (generated: RedsysSignatureVersion). */
  type SignatureVersion = RedsysSignatureVersion;

  /** One Redsys terminal (generated: RedsysConfig). Unknown keys are refused; `secret_key` is never shown by `util.inspect` or `JSON.stringify`. */
  type Config = RedsysConfig;

  /** {@link Config} without `secret_key`. */
  type PublicConfig = Omit<Config, 'secret_key'>;

  /** A payment to send to the Redsys payment page (generated: RedsysOrder). */
  type Order = RedsysOrder;

  /** A REST operation on an existing order (generated: RedsysOperation): `refund`, `confirm`, `cancel`, or `payment` by card reference. */
  type Operation = RedsysOperation;

  /** A parsed Redsys notification or REST reply (generated: RedsysNotification). */
  type Notification = RedsysNotification;

  /** A `Ds_Response` explained for a transaction type. */
  interface StatusInfo {
    action: Action;
    status: ReportedStatus;
    /** Four digits. */
    response: string;
  }

  /** A parsed notification whose signature is not checked yet. Only `parseNotification` makes one. */
  class UnverifiedNotification {
    #private;
    private constructor();
    /** The fields, to be read with suspicion (enough to find the payment). */
    readonly untrusted: Notification;
    /** The raw body exactly as received. */
    readonly rawBody: Buffer;
  }

  /**
   * A notification or REST reply whose signature is proven. Only `verify` and
   * `parseOperationResponse` make one. Verified says Redsys sent it, not that the card paid.
   */
  class VerifiedNotification {
    #private;
    private constructor();
    readonly notification: Notification;
    /** The decoded parameters as an object (the last of a repeated key wins). */
    readonly parameters: Record<string, string>;
    /** The gateway-neutral event, with its idempotency `key`. */
    readonly event: Event;
    /** The raw body exactly as received. */
    readonly rawBody: Buffer;
  }

  /**
   * One Redsys terminal and the verbs of the gateway. The configuration is held natively: no
   * property, `JSON.stringify` or `util.inspect` output reveals the secret key.
   */
  class Gateway {
    #private;
    /** This account as the driver's {@link DriverConfig} (for {@link handleNotification} and the operations). */
    readonly config: DriverConfig;
    /** Reads (and unless `validate: false`, validates) a configuration; throws `invalid_config`. */
    constructor(config: Config, options?: { validate?: boolean });
    /** Checks every configuration value; throws `invalid_config` naming the key. */
    validate(): void;
    /** Everything but the secret key. */
    readonly publicConfig: PublicConfig;
    /** `DS_MERCHANT_MERCHANTCODE`. */
    readonly merchantCode: string;
    /** Base64 of the per-order key (3DES or AES): the value public test suites check. */
    orderKey(order: string): string;
    /** Signs `message` keyed with `order`, encoded as the configured version sends it. */
    sign(order: string, message: string | Uint8Array): string;
    /** The signed redirect form (`Ds_SignatureVersion`, `Ds_MerchantParameters`, `Ds_Signature`). */
    checkout(order: Order): RedirectForm;
    /** The redirect form as HTML, every value escaped; `autoSubmit` adds an inline submitting script. */
    checkoutHtml(order: Order, options?: { autoSubmit?: boolean }): string;
    /** Parses an HTTP POST (form) or SOAP (`text/xml`) notification from its raw body. */
    parseNotification(contentType: string, body: Uint8Array | string): UnverifiedNotification;
    /**
     * Checks the signature by the version the notification names; throws `signature_mismatch`
     * or `unsupported_signature_version`. The unverified handle stays usable.
     */
    verify(notification: UnverifiedNotification): VerifiedNotification;
    /** Same as the top-level {@link transition}. */
    transition(payment: PaymentSnapshot, verified: VerifiedNotification): Outcome;
    /**
     * The answer for a verified notification's outcome: HTTP POST `200` (empty) when settled,
     * `503`/`409` otherwise; SOAP the signed envelope, `OK` when settled, else `KO`.
     */
    acknowledge(verified: VerifiedNotification, outcome: Outcome): HttpResponse;
    /** The signed SOAP answer for `order`: `OK` when `accept`, else `KO`. */
    soapAnswer(order: string, accept: boolean): HttpResponse;
    /** The answer for a refused notification: `403` bad signature, `422` malformed, `503` retry. */
    reject(error: ErrorInfo | VposError): HttpResponse;
    /** The REST request for `operation`; throws `invalid_config` without `rest_url`. */
    operationRequest(operation: Operation): HttpRequest;
    /**
     * Reads the REST reply: Redsys's own error is `gateway_error`; no usable answer
     * `gateway_unavailable`; otherwise the signed result, verified.
     */
    parseOperationResponse(reply: PostbackReply): VerifiedNotification;
    /**
     * Host-to-host EMV3DS (docs/3ds.md), step 1: the `iniciaPeticionREST` request. Its body
     * carries the card (`card: { pan, expiry_date, cvv2 }`): never log it; prefer `{ id_oper }`.
     */
    emv3dsIniciaRequest(payment: Emv3dsPayment): HttpRequest;
    /** Reads the `iniciaPeticionREST` reply: the card configuration. */
    emv3dsParseIniciaResponse(payment: Emv3dsPayment, reply: PostbackReply): Emv3dsCardConfiguration;
    /** The 3DS Method form (`threeDSMethodData`), or `null` without a 3DS Method URL. */
    emv3dsMethodForm(card: Emv3dsCardConfiguration, notificationUrl: string): Emv3dsForm | null;
    /** The `threeDSServerTransID` the ACS's `threeDSMethodData` post-back names. */
    emv3dsMethodData(data: string): string;
    /** Step 3: the `trataPeticionREST` request with `AuthenticationData`. */
    emv3dsTrataRequest(payment: Emv3dsPayment, authentication: Record<string, unknown>): HttpRequest;
    /** Reads the `AuthenticationData` reply: final (verified) or a challenge for the browser. */
    emv3dsParseTrataResponse(
      payment: Emv3dsPayment,
      reply: PostbackReply,
    ):
      | { kind: 'final'; notification: VerifiedNotification }
      | { kind: 'challenge'; challenge: { order: string; protocol_version: string; acs_url: string; creq: string }; form: Emv3dsForm };
    /** Step 5: the `trataPeticionREST` request with `ChallengeResponse`. */
    emv3dsChallengeRequest(payment: Emv3dsPayment, challenge: { protocol_version: string; cres: string }): HttpRequest;
    /** Reads the `ChallengeResponse` reply: always final. */
    emv3dsParseChallengeResponse(payment: Emv3dsPayment, reply: PostbackReply): VerifiedNotification;
    /**
     * Pay-by-link (Paygold, docs/3ds.md): the `trataPeticionREST` request (type `F`) asking
     * Redsys to send the customer a link by SMS and/or e-mail.
     */
    paygoldRequest(link: PaygoldLinkRequest): HttpRequest;
    /**
     * Reads the Paygold reply: the verified link (order and amount the request's, `https`).
     * The payment stays `new` until Redsys notifies it.
     */
    paygoldParseReply(link: PaygoldLinkRequest, reply: PostbackReply): PaygoldLink;
    /**
     * `operationRequest` → `fetch` (default global `fetch`, deadline `timeoutMs`, never thrown:
     * a failure is `gateway_unavailable`) → `parseOperationResponse`.
     */
    operate(operation: Operation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<VerifiedNotification>;
    /**
     * The whole notification flow (HTTP POST or SOAP): `onReceived` → parse → verify → load
     * payment → transition → acknowledge; a refused notification gets {@link reject}'s answer.
     * Throws only for the host's own failures.
     */
    handleNotification(input: GatewayNotificationInput<Notification>): Promise<GatewayNotificationResult<Notification>>;
    /** The public configuration (no secret key). */
    toJSON(): PublicConfig;
  }

  /** Explains a `Ds_Response` for a `Ds_TransactionType`; `field_invalid` if not 1–4 digits. */
  function status(transactionType: string, response: string): StatusInfo;
  /** The answer for a refused notification (as {@link Gateway.reject}). */
  function reject(error: ErrorInfo | VposError): HttpResponse;
}

// ───────────────────────────── CECA ─────────────────────────────

/**
 * CECA (Cecabank TPV virtual): signed redirect form, signed notification (`Firma`, SHA-256 or
 * legacy SHA-1), answered `$*$OKY$*$`. CECA only notifies completed payments and cancels one whose
 * notification is not so answered within about 30 seconds.
 */
export namespace ceca {
  /** One CECA terminal (generated: CecaConfig). Unknown keys are refused; `key` is never shown by `util.inspect` or `JSON.stringify`. */
  type Config = CecaConfig;

  /** {@link Config} without `key`. */
  type PublicConfig = Omit<Config, 'key'>;

  /** A payment to send to CECA (generated: CecaOrder). */
  type Order = CecaOrder;

  /** A parsed CECA notification (generated: CecaNotification). */
  type Notification = CecaNotification;

  /** A parsed notification whose `Firma` is not checked yet. Only `parseNotification` makes one. */
  class UnverifiedNotification {
    #private;
    private constructor();
    readonly untrusted: Notification;
    readonly rawBody: Buffer;
  }

  /** A notification whose `Firma` matched. Only `verify` makes one. */
  class VerifiedNotification {
    #private;
    private constructor();
    readonly notification: Notification;
    readonly event: Event;
    readonly rawBody: Buffer;
  }

  /** One CECA terminal and the verbs of the gateway; the key is held natively. */
  class Gateway {
    #private;
    /** This account as the driver's {@link DriverConfig} (for {@link handleNotification} and the operations). */
    readonly config: DriverConfig;
    /** Reads (and unless `validate: false`, validates) a configuration; throws `invalid_config`. */
    constructor(config: Config, options?: { validate?: boolean });
    validate(): void;
    /** Everything but the key. */
    readonly publicConfig: PublicConfig;
    /** The form with `Firma`. */
    checkout(order: Order): RedirectForm;
    /** The form as HTML, every value escaped; `autoSubmit` adds an inline submitting script. */
    checkoutHtml(order: Order, options?: { autoSubmit?: boolean }): string;
    parseNotification(contentType: string, body: Uint8Array | string): UnverifiedNotification;
    /** Checks `Firma` and the terminal; throws `signature_mismatch` / `merchant_mismatch`. */
    verify(notification: UnverifiedNotification): VerifiedNotification;
    transition(payment: PaymentSnapshot, verified: VerifiedNotification): Outcome;
    /** `200 $*$OKY$*$` when settled; otherwise `200` with an empty body (CECA cancels). */
    acknowledge(outcome: Outcome): HttpResponse;
    /** Never `$*$OKY$*$`: `403` bad signature, `422` malformed, `503` misconfiguration. */
    reject(error: ErrorInfo | VposError): HttpResponse;
    /** store → parse → verify → load payment → transition → acknowledge (or reject). */
    handleNotification(input: GatewayNotificationInput<Notification>): Promise<GatewayNotificationResult<Notification>>;
    toJSON(): PublicConfig;
  }

  /** As {@link Gateway.acknowledge}. */
  function acknowledge(outcome: Outcome): HttpResponse;
  /** As {@link Gateway.reject}. */
  function reject(error: ErrorInfo | VposError): HttpResponse;
}

// ───────────────────────────── Santander Elavon ─────────────────────────────

/**
 * Santander Elavon (Realex / Global Payments): the HPP form with `SHA1HASH`, the HPP response
 * verified by its hash (also when the values arrive base64-encoded), and Remote XML settle /
 * void / rebate. The host supplies every `timestamp` (`YYYYMMDDHHMMSS`): vpos reads no clock.
 */
export namespace elavon {
  /** Default deadline of {@link Gateway.remote}: 10 000 ms. */
  const DEFAULT_TIMEOUT_MS: number;

  /** One Elavon merchant account (generated: ElavonConfig). Unknown keys are refused; `secret` and `rebate_password` are never shown by `util.inspect` or `JSON.stringify`. */
  type Config = ElavonConfig;

  /** {@link Config} without `secret` and `rebate_password`. */
  type PublicConfig = Omit<Config, 'secret' | 'rebate_password'>;

  /** A payment to send to the HPP (generated: ElavonOrder). */
  type Order = ElavonOrder;

  /** A Remote operation on a payment the HPP took (generated: ElavonRemoteOperation). */
  type RemoteOperation = ElavonRemoteOperation;

  /** A parsed HPP response (generated: ElavonNotification). */
  type Notification = ElavonNotification;

  /** A parsed HPP response whose hash is not checked yet. */
  class UnverifiedNotification {
    #private;
    private constructor();
    readonly untrusted: Notification;
    readonly rawBody: Buffer;
  }

  /** An HPP response whose `SHA1HASH` matched. Only `verify` makes one. */
  class VerifiedNotification {
    #private;
    private constructor();
    readonly notification: Notification;
    readonly event: Event;
    readonly rawBody: Buffer;
  }

  /** The verified result of a Remote operation. Only `parseRemoteResponse` / `remote` make one. */
  class VerifiedEvent {
    #private;
    private constructor();
    readonly event: Event;
  }

  /** One Elavon account and the verbs of the gateway; the secrets are held natively. */
  class Gateway {
    #private;
    /** This account as the driver's {@link DriverConfig} (for {@link handleNotification} and the operations). */
    readonly config: DriverConfig;
    constructor(config: Config, options?: { validate?: boolean });
    validate(): void;
    /** Everything but the secrets. */
    readonly publicConfig: PublicConfig;
    /** The HPP form with `SHA1HASH`. */
    checkout(order: Order): RedirectForm;
    checkoutHtml(order: Order, options?: { autoSubmit?: boolean }): string;
    parseNotification(contentType: string, body: Uint8Array | string): UnverifiedNotification;
    /** Checks `SHA1HASH` and the merchant; throws `signature_mismatch` / `merchant_mismatch`. */
    verify(notification: UnverifiedNotification): VerifiedNotification;
    transition(payment: PaymentSnapshot, verified: VerifiedNotification | VerifiedEvent): Outcome;
    /** `200 OK` when settled, `409` contradiction, `503` unknown result. */
    acknowledge(outcome: Outcome): HttpResponse;
    /** `403` bad hash, `422` malformed, `503` misconfiguration. */
    reject(error: ErrorInfo | VposError): HttpResponse;
    /** The Remote XML request; a rebate needs `rebate_password` (`invalid_config`). */
    remoteRequest(operation: RemoteOperation): HttpRequest;
    /**
     * Reads the Remote reply: a hashed `00` is the event the operation means; another result
     * `gateway_error`; no usable answer `gateway_unavailable`; a bad hash `signature_mismatch`.
     */
    parseRemoteResponse(operation: RemoteOperation, reply: PostbackReply): VerifiedEvent;
    /** `remoteRequest` → `fetch` (deadline, failure = `gateway_unavailable`) → `parseRemoteResponse`. */
    remote(operation: RemoteOperation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<VerifiedEvent>;
    /** store → parse → verify → load payment → transition → acknowledge (or reject). */
    handleNotification(input: GatewayNotificationInput<Notification>): Promise<GatewayNotificationResult<Notification>>;
    toJSON(): PublicConfig;
  }

  /** `sha1_hex(sha1_hex(fields.join('.')) + '.' + secret)`, lower case. */
  function hash(fields: string[], secret: string): string;
  function acknowledge(outcome: Outcome): HttpResponse;
  function reject(error: ErrorInfo | VposError): HttpResponse;
}

// ───────────────────────────── PayPal ─────────────────────────────

/**
 * PayPal Website Payments Standard: the payment form, and IPNs verified by posting the raw body
 * back (`cmd=_notify-validate&` + the bytes received). There is no secret: the post-back is the proof.
 */
export namespace paypal {
  /** Default post-back deadline of {@link Gateway.handleNotification}: 10 000 ms. */
  const DEFAULT_TIMEOUT_MS: number;

  /** One PayPal business account (generated: PaypalConfig). Unknown keys are refused. */
  type Config = PaypalConfig;

  /** NVP API credentials (generated: PaypalNvpCredentials); `password` and `signature` stay native (`***` in `publicConfig`). */
  type NvpCredentials = PaypalNvpCredentials;

  /** What to sell through Express Checkout (generated: PaypalExpressOrder). */
  type ExpressOrder = PaypalExpressOrder;

  /** A successful NVP reply (`Success` / `SuccessWithWarning`). Only `parseNvpResponse` makes one. */
  class NvpReply {
    #private;
    private constructor();
    /** `Success` or `SuccessWithWarning`. */
    readonly ack: string;
    /** Every field, decoded, in order. */
    readonly fields: [name: string, value: string][];
    /** A field by name; `null` when absent or empty. */
    get(name: string): string | null;
    /** `TOKEN`; throws `field_missing` without one. */
    token(): string;
    toJSON(): { ack: string; fields: [name: string, value: string][] };
  }

  /** The event of a payment or refund reply. Only `paymentEvent` / `refundEvent` make one. */
  class VerifiedEvent {
    #private;
    private constructor();
    readonly event: Event;
  }

  /** A payment to send to PayPal (generated: PaypalOrder). */
  type Order = PaypalOrder;

  /** A parsed IPN (generated: PaypalNotification). */
  type Notification = PaypalNotification;

  /** A parsed IPN not yet confirmed by PayPal. Only `parseNotification` makes one. */
  class UnverifiedNotification {
    #private;
    private constructor();
    readonly untrusted: Notification;
    readonly rawBody: Buffer;
  }

  /** An IPN PayPal confirmed (`VERIFIED`). Only `verifyPostback` makes one. */
  class VerifiedNotification {
    #private;
    private constructor();
    readonly notification: Notification;
    readonly event: Event;
    readonly rawBody: Buffer;
  }

  /** One PayPal business account and the verbs of the gateway. */
  class Gateway {
    #private;
    /** This account as the driver's {@link DriverConfig} (for {@link handleNotification} and the operations). */
    readonly config: DriverConfig;
    constructor(config: Config, options?: { validate?: boolean });
    validate(): void;
    /** The configuration, NVP `password` and `signature` as `***`. */
    readonly publicConfig: Config;
    checkout(order: Order): RedirectForm;
    checkoutHtml(order: Order, options?: { autoSubmit?: boolean }): string;
    /** Parses an IPN (its `charset`, windows-1252 by default); non-ASCII raw bytes are refused. */
    parseNotification(contentType: string, body: Uint8Array | string): UnverifiedNotification;
    /** The post-back to perform: the body exactly as received, after `cmd=_notify-validate&`. */
    postbackRequest(notification: UnverifiedNotification): HttpRequest;
    /**
     * `200 VERIFIED` verifies (and the receiver must be the configured business:
     * `merchant_mismatch`); `INVALID` throws `postback_invalid`; anything else `postback_failed`.
     */
    verifyPostback(notification: UnverifiedNotification, reply: PostbackReply): VerifiedNotification;
    transition(payment: PaymentSnapshot, verified: VerifiedNotification | VerifiedEvent): Outcome;
    /** `SetExpressCheckout` (a form POST to `nvp.api_url`; the body carries the credentials). */
    setExpressCheckoutRequest(order: ExpressOrder): HttpRequest;
    /** The GET form sending the buyer to PayPal with the token (`cmd=_express-checkout`). */
    expressCheckoutRedirect(token: string): RedirectForm;
    /** `GetExpressCheckoutDetails` for the token the buyer came back with. */
    getExpressCheckoutDetailsRequest(token: string): HttpRequest;
    /** `DoExpressCheckoutPayment`: captures what the buyer approved. */
    doExpressCheckoutPaymentRequest(token: string, payerId: string, order: ExpressOrder): HttpRequest;
    /** `RefundTransaction`: full without `amount`, partial with it. */
    refundTransactionRequest(transactionId: string, amount?: AmountInput | null): HttpRequest;
    /** `ACK=Failure` throws `gateway_error`; no answer or a non-200 status `gateway_unavailable`. */
    parseNvpResponse(reply: PostbackReply): NvpReply;
    /** The event of a `DoExpressCheckoutPayment` reply (`PAYMENTINFO_0_PAYMENTSTATUS`). */
    paymentEvent(invoice: string, reply: NvpReply): VerifiedEvent;
    /** The event of a `RefundTransaction` reply (`GROSSREFUNDAMT`, `REFUNDSTATUS`). */
    refundEvent(invoice: string, reply: NvpReply): VerifiedEvent;
    /** `200` once settled, `503` unknown status, `409` contradiction (PayPal retries until 200). */
    acknowledge(outcome: Outcome): HttpResponse;
    /** Never 200: `409 INVALID`, `503` post-back failed, `422` malformed. */
    reject(error: ErrorInfo | VposError): HttpResponse;
    /** store → parse → post back (deadline; failure = `postback_failed`, 503) → verify → load payment → transition → answer. */
    handleNotification(input: PostbackNotificationInput<Notification>): Promise<GatewayNotificationResult<Notification>>;
    toJSON(): Config;
  }

  /** The "Buy Now" form from a configuration without `nvp` (refused as an unknown key: API secrets never ride into a page). */
  function checkoutPublic(config: Omit<Config, 'nvp'>, order: PaypalOrder): RedirectForm;
  /** The rules of {@link checkoutPublic}, for field errors before submit: returns nothing, throws naming the first bad field. */
  function validateOrder(config: Omit<Config, 'nvp'>, order: PaypalOrder): void;
  /** Reads an NVP reply (`{ status, body }` or `{ error }`): `Failure` is `gateway_error`; no usable answer `gateway_unavailable`. */
  function parseNvpResponse(reply: PostbackReply): NvpReply;
  function acknowledge(outcome: Outcome): HttpResponse;
  function reject(error: ErrorInfo | VposError): HttpResponse;
}

// ───────────────────────────── Bitpay ─────────────────────────────

/**
 * Bitpay: invoices created over its API, notifications proven by fetching the invoice (a
 * notification is unsigned: status, price and order come from Bitpay's own answer).
 */
export namespace bitpay {
  /** Default deadline of the invoice fetch and {@link Gateway.createInvoice}: 10 000 ms. */
  const DEFAULT_TIMEOUT_MS: number;

  /** One Bitpay merchant (generated: BitpayConfig). Unknown keys are refused; `api_key` is never shown by `util.inspect` or `JSON.stringify`. */
  type Config = BitpayConfig;

  /** {@link Config} without its secrets (`api_key`, `token`, `private_key`, `merchant_token`). */
  type PublicConfig = Omit<Config, 'api_key' | 'token' | 'private_key' | 'merchant_token'>;

  /** What to invoice (generated: BitpayInvoiceRequest). */
  type InvoiceRequest = BitpayInvoiceRequest;

  /** An invoice as Bitpay describes it (generated: BitpayInvoice). */
  type Invoice = BitpayInvoice;

  /** A notification: what it claims, and (once verified) what Bitpay answered (generated: BitpayNotification). */
  type Notification = BitpayNotification;

  /** A parsed notification not yet confirmed by a fetch. Only `parseNotification` makes one. */
  class UnverifiedNotification {
    #private;
    private constructor();
    readonly untrusted: Notification;
    readonly rawBody: Buffer;
  }

  /** A notification confirmed by the fetched invoice. Only `verifyInvoice` makes one. */
  class VerifiedNotification {
    #private;
    private constructor();
    readonly notification: Notification;
    readonly event: Event;
    readonly rawBody: Buffer;
  }

  /** {@link GatewayNotificationInput} plus the invoice fetch. */
  interface NotificationInput extends GatewayNotificationInput<Notification> {
    /** Fetches the invoice; default {@link fetchPostback} (global `fetch`). */
    fetch?: FetchFunction;
    /** Fetch deadline in milliseconds; default {@link DEFAULT_TIMEOUT_MS}. */
    timeoutMs?: number;
  }

  /** One Bitpay merchant and the verbs of the gateway; the API key is held natively. */
  class Gateway {
    #private;
    /** This account as the driver's {@link DriverConfig} (for {@link handleNotification} and the operations). */
    readonly config: DriverConfig;
    constructor(config: Config, options?: { validate?: boolean });
    validate(): void;
    /** Everything but the API key. */
    readonly publicConfig: PublicConfig;
    /** The invoice creation request (its `Authorization` header carries the key: never log it). */
    invoiceRequest(request: InvoiceRequest): HttpRequest;
    /** Reads the creation reply; `form` sends the buyer to the invoice page. */
    invoiceResponse(reply: PostbackReply): { invoice: Invoice; form: RedirectForm };
    /** `invoiceRequest` → `fetch` (deadline; failure = `gateway_unavailable`) → `invoiceResponse`. */
    createInvoice(request: InvoiceRequest, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<{ invoice: Invoice; form: RedirectForm }>;
    /** Parses a notification (`application/json` only). */
    parseNotification(contentType: string, body: Uint8Array | string): UnverifiedNotification;
    /** The fetch that proves it: `GET <api_url>/<id>` with the key. */
    invoiceStatusRequest(notification: UnverifiedNotification): HttpRequest;
    /** Judges the fetched invoice: `gateway_unavailable` without an answer, `signature_mismatch` for another invoice. */
    verifyInvoice(notification: UnverifiedNotification, reply: PostbackReply): VerifiedNotification;
    transition(payment: PaymentSnapshot, verified: VerifiedNotification): Outcome;
    /** `200 OK` once settled, else `503` (Bitpay retries). */
    acknowledge(outcome: Outcome): HttpResponse;
    /** `503` when in doubt (fetch failed), `422` malformed. */
    reject(error: ErrorInfo | VposError): HttpResponse;
    /** store → parse → fetch the invoice → verify → load payment → transition → answer. */
    handleNotification(input: NotificationInput): Promise<GatewayNotificationResult<Notification>>;
    toJSON(): PublicConfig;
  }

  /** An invoice status in the one status model. */
  function status(invoiceStatus: string): ReportedStatus;
  function acknowledge(outcome: Outcome): HttpResponse;
  function reject(error: ErrorInfo | VposError): HttpResponse;
  /** The merchant-facade key's `X-Identity` (compressed public key, hex) and SIN (what BitPay pairs). */
  function merchantKeyInfo(privateKey: string): { identity: string; sin: string };
  /** The `X-Signature` (DER hex, RFC 6979) of `message`: the full URL followed by the body. */
  function sign(privateKey: string, message: string): string;
  /** Throws a `signature_mismatch` VposError unless `signature` is `identity`'s signature of `message`. */
  function verifySignature(identity: string, message: string, signature: string): void;
  /** `POST <apiUrl>/tokens` with the key's SIN and the dashboard's pairing code (or, without one, `facade: "merchant"`). */
  function pairingRequest(apiUrl: string, privateKey: string, pairingCode?: string | null): HttpRequest;
  /** The pairing answer: the merchant token (a secret: the configuration's `merchant_token`) and the code to approve. */
  function parsePairingResponse(reply: PostbackReply): { token: string; facade: string; pairing_code: string | null };
}

/**
 * PayPal REST (Orders v2 and webhooks): the OAuth token, which the driver's gateway
 * `paypal_rest` needs as its configuration's `access_token` and leaves to the host. The core
 * builds the token request and reads the reply; the token stays native (an opaque handle).
 */
export namespace paypalRest {
  /** Seconds before `expires_in` at which a cached token is no longer used: 300. */
  const TOKEN_MARGIN_SECONDS: number;

  /** An OAuth token PayPal issued; the token itself is never readable from JavaScript. */
  class AccessToken {
    #private;
    private constructor();
    /** Seconds it lives from when PayPal issued it. */
    readonly expiresIn: number;
  }

  /** `POST {api_base}/v1/oauth2/token` for a `paypal_rest` Config (the headers hold the secret: never log them). */
  function tokenRequest(config: Config): HttpRequest;
  /** Reads the reply to {@link tokenRequest}; throws the core's error (`invalid_config` on `client_id`: wrong credentials). */
  function parseTokenReply(reply: PostbackReply): AccessToken;
  /** `config` with `token` as its `access_token`: a new Config. */
  function configWithToken(config: Config, token: AccessToken): Config;
  /** Whether `error` is PayPal's 401 on an API call: drop the token, fetch a new one, ask once more. */
  function isTokenRejected(error: VposError | ErrorInfo | { code: string; field?: string | null }): boolean;

  interface TokenCacheOptions {
    /** Sends the token request; default {@link fetchPostback}. */
    fetch?: FetchFunction;
    /** Deadline of the token request in milliseconds; default {@link DEFAULT_TIMEOUT_MS}. */
    timeoutMs?: number;
    /** Default {@link TOKEN_MARGIN_SECONDS}. */
    marginSeconds?: number;
    /** A monotonic clock in milliseconds; default `performance.now`. */
    now?: () => number;
  }

  /**
   * Tokens by REST app (API base + client id), per process: reused until `expires_in` minus the
   * margin, one request in flight per app however many callers wait, dropped and fetched again
   * once when PayPal answers 401.
   */
  class TokenCache {
    constructor(options?: TokenCacheOptions);
    /** `config` with the app's cached token (fetched when missing or about to expire). */
    config(config: Config): Promise<Config>;
    /** Drops `config`'s cached token. */
    forget(config: Config): void;
    /** `fn(configWithToken)`, once more with a new token after a 401. */
    call<T>(config: Config, fn: (config: Config) => T | Promise<T>): Promise<T>;
    /** {@link operate} with the cached token. */
    operate(config: Config, operation: Operation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<OperationReply>;
    /** {@link statusQuery} with the cached token. */
    statusQuery(config: Config, query: StatusQuery, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<StatusReply>;
    /** PayPal creates the order: the GET `form` to its approve link and `reference`, PayPal's order id. */
    checkout(config: Config, order: DriverOrder, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<{ form: RedirectForm; reference?: string }>;
    /** {@link handleNotification}, the webhook proven by post-back with the cached token. */
    handleNotification(config: Config, request: NotificationRequest, options: HandleOptions): Promise<NotificationResult>;
  }

  /** The process's cache (global fetch, default margin). */
  const tokenCache: TokenCache;
}

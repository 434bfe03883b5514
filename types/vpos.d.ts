// Generated from vpos-core's serde types by ts-rs (core/src/ts.rs). Do not edit:
// `make types` rewrites it, `make types-check` fails when it is stale.

/** Every error code, in the core's catalogue order. */
export type ErrorCode =
  /** A required field is absent or empty. */
  | "field_missing"
  /** A field is longer than the gateway allows. */
  | "field_too_long"
  /** A field has the wrong format (not a number, not a country code, bad characters …). */
  | "field_invalid"
  /** The same key appears twice in a form body (a classic parameter-pollution attack). */
  | "duplicate_field"
  /** The request body exceeds the size vpos accepts for this gateway. */
  | "body_too_large"
  /** A value is not valid UTF-8 after percent-decoding. */
  | "invalid_utf8"
  /** A form body has a malformed percent escape. */
  | "invalid_encoding"
  /** The request's content type is not one the gateway sends. */
  | "unsupported_content_type"
  /** An amount is not a plain non-negative decimal number. */
  | "amount_syntax"
  /** An amount has more significant decimals than its currency's minor unit. */
  | "amount_precision"
  /** An amount is negative. */
  | "amount_negative"
  /** An amount does not fit in 64-bit minor units. */
  | "amount_overflow"
  /** A currency code is not in the ISO 4217 table. */
  | "unknown_currency"
  /** Configuration is missing a value or holds a malformed one. */
  | "invalid_config"
  /** The secret token presented with a notification does not match the configured one. */
  | "token_mismatch"
  /** The gateway answered the post-back with something other than `VERIFIED`. */
  | "postback_invalid"
  /** The post-back could not be completed (transport failure or non-200 answer); retry later. */
  | "postback_failed"
  /** The notification concerns another gateway than the stored payment. */
  | "gateway_mismatch"
  /** The notification names another merchant account than the stored payment. */
  | "merchant_mismatch"
  /** The notification names another order than the stored payment. */
  | "order_mismatch"
  /** The notified amount differs from the stored payment's amount. */
  | "amount_mismatch"
  /** The notified currency differs from the stored payment's currency (or two amounts of one order disagree on currency). */
  | "currency_mismatch"
  /** A refund or chargeback exceeds what is left of the captured amount. */
  | "refund_exceeds_amount"
  /** The state table has no such move (for example `refunded` → `paid`). */
  | "invalid_transition"
  /** The gateway does not offer this operation. */
  | "unsupported"
  /** A signature is absent, malformed, or does not match the merchant key. */
  | "signature_mismatch"
  /** The message is signed with a scheme vpos does not implement (yet). */
  | "unsupported_signature_version"
  /** The gateway answered an operation with an error of its own (Redsys `SIS0059` …). */
  | "gateway_error"
  /** No usable answer from the gateway (transport failure, non-200); try again later. */
  | "gateway_unavailable"
  /** A verified notification names a payment the host does not hold (yet): keep the notification and have the gateway deliver it again. */
  | "payment_not_found";

/** An error as data, as the core serialises it. */
export type ErrorInfo = { code: ErrorCode, field: string | null, message: string, };

/** An exact amount: `minor` units (a bigint) of the ISO 4217 `currency`, and the exact decimal `value`. */
export type Amount = { minor: bigint, currency: string, value: string, };

/** An amount as input: the decimal `value`, or `minor` units, or both if they agree (an Amount passes back as is). */
export type AmountInput = { currency: string, value: string, minor?: bigint, } | { currency: string, minor: bigint, value?: string, };

/** What a gateway reports about an operation, after its code table. */
export type ReportedStatus = "pending" | "authorized" | "succeeded" | "failed" | "cancelled" | "unknown";

/**
 * The gateways vpos speaks.
 */
export type GatewayName = "flocash" | "redsys" | "ceca" | "elavon" | "paypal" | "bitpay";

/**
 * Where a payment stands. The moves between these are in [`crate::state`].
 */
export type PaymentStatus = "new" | "pending" | "authorized" | "paid" | "failed" | "cancelled" | "partially_refunded" | "refunded" | "charged_back";

/**
 * What kind of operation a notification reports.
 */
export type Action = "sale" | "refund" | "chargeback" | "cancel" | "test";

/**
 * What the host stored about a payment, as the transition function needs it.
 *
 * JSON: `{"gateway": "flocash", "merchant": "…", "order_id": "…", "amount": {"minor": 12300,
 * "currency": "EUR"}, "status": "pending", "live": true, "refunded_minor": 0,
 * "applied_event_keys": ["flocash:…"]}`. `live` defaults to `true` (so a `Test` message is
 * ignored unless the host says the payment is a test), `refunded_minor` to 0 and
 * `applied_event_keys` to none.
 */
export type PaymentSnapshot = { 
/**
 * The gateway the payment was sent to.
 */
gateway: GatewayName, 
/**
 * The merchant account the payment was made with.
 */
merchant: string, 
/**
 * The shop's order id sent to the gateway.
 */
order_id: string, 
/**
 * The amount charged.
 */
amount: AmountInput, 
/**
 * Current status.
 */
status: PaymentStatus, 
/**
 * `false` for payments made against a test account.
 */
live?: boolean, 
/**
 * Minor units refunded or charged back so far.
 */
refunded_minor?: bigint, 
/**
 * Keys of the events already applied to this payment.
 */
applied_event_keys?: Array<string>, };

/**
 * A verified, gateway-neutral fact about a payment: "this happened". Only a verified
 * notification (or an authenticated poll reply) can produce one, so an `Event` in hand means
 * its authenticity was checked.
 */
export type Event = { gateway: GatewayName, key: string, merchant: string, order_id: string, transaction_id: string, amount: Amount, action: Action, status: ReportedStatus, status_code: string, };

/**
 * Why an event changed nothing, though it was fine.
 */
export type Ignored = { "reason": "stale" } | { "reason": "already_in_status" } | { "reason": "test_on_live_payment" } | { "reason": "not_completed" } | { "reason": "unknown_status", 
/**
 * The code, verbatim.
 */
code: string, };

/**
 * What [`transition`] decided.
 * JSON as in `docs/conformance.md`; it also deserialises, so a host can hand an outcome it
 * stored back to `acknowledge`.
 */
export type Outcome = { "outcome": "applied", 
/**
 * Status before.
 */
from: PaymentStatus, 
/**
 * Status after.
 */
to: PaymentStatus, 
/**
 * Total refunded or charged back after this event, in minor units.
 */
refunded_minor: bigint, } | { "outcome": "already_applied" } | { "outcome": "ignored" } & Ignored | { "outcome": "rejected", 
/**
 * Why.
 */
error: ErrorInfo, };

/**
 * An HTTP method.
 */
export type HttpMethod = "GET" | "POST";

/**
 * A request the host must perform (post-back, polling, refund) and feed the reply back.
 *
 * Some requests carry credentials (Bitpay's `Authorization`, PayPal's NVP `PWD` and
 * `SIGNATURE`), so `Debug` shows the method, the URL, header names with credential values
 * masked, and only the body's length. Serialising gives everything: that is what the host
 * sends.
 */
export type HttpRequest = { 
/**
 * The method.
 */
method: HttpMethod, 
/**
 * Absolute URL.
 */
url: string, 
/**
 * Headers to send, in order.
 */
headers: Array<[string, string]>, 
/**
 * The body, already encoded.
 */
body: string, };

/**
 * The answer the host must give to the gateway, exactly.
 */
export type HttpResponse = { 
/**
 * Status code.
 */
status: number, 
/**
 * Headers, in order.
 */
headers: Array<[string, string]>, 
/**
 * Body.
 */
body: string, };

/**
 * What the host got back for an [`HttpRequest`]: a response, or its own failure to get one
 * (timeout, DNS, connection reset). Reporting the failure is how the host says "I tried".
 *
 * JSON: `{"status": 200, "body": "VERIFIED"}` or `{"error": "timed out after 10 s"}`.
 */
export type PostbackReply = { 
/**
 * Status code.
 */
status: number, 
/**
 * Body bytes (the post-back answer is compared byte-wise).
 */
body: string | Uint8Array, } | { 
/**
 * The host's description of what failed.
 */
error: string, };

/**
 * What identifies a notification, read before it is proven: enough for the host to store it
 * and find (and lock) the payment. Untrusted until it comes from a `Verified` notification.
 */
export type Summary = { 
/**
 * The gateway.
 */
gateway: GatewayName, 
/**
 * The shop's order id (empty when the message carries none, as a PayPal IPN may).
 */
order_id: string, 
/**
 * The gateway's own id of the transaction (empty when it has none yet).
 */
transaction_id: string, 
/**
 * The gateway's status code, verbatim.
 */
status_code: string, 
/**
 * The amount the message names, when it names one (all six gateways do).
 */
amount: Amount | null, };

/**
 * What a proven notification leaves on the payment, for later operations and stored-card
 * charges. Values are never empty and never hold a NUL (left out instead).
 */
export type PaymentFields = { 
/**
 * The id a refund or capture quotes (PayPal `txn_id`, Elavon `PASREF`).
 */
transaction_id?: string, 
/**
 * The issuer's authorisation code (Redsys `Ds_AuthorisationCode`, Elavon `AUTHCODE`).
 */
authorisation_code?: string, 
/**
 * A stored card's reference (Redsys `Ds_Merchant_Identifier`).
 */
card_reference?: string, 
/**
 * The stored card's expiry, `YYMM` (Redsys `Ds_ExpiryDate`).
 */
card_expiry?: string, 
/**
 * The network's id of the first stored-credential transaction (Redsys
 * `Ds_Merchant_Cof_Txnid`), quoted by later merchant-initiated charges.
 */
cof_transaction_id?: string, };

/**
 * The label a host stores with a notification: what became of it.
 */
export type Verdict = "unknown_account" | "token_mismatch" | "invalid" | "unverified" | "postback_failed" | "no_payment" | "applied" | "already_applied" | "ignored" | "rejected" | "error";

/**
 * What to ask the gateway for.
 */
export type OperationKind = "refund" | "capture" | "release" | "charge";

/** Redsys stored credentials (COF/MIT) and SCA for a `charge`. */
export type StoredCredential = { identifier?: string | null, cof_ini?: boolean | null, cof_type?: "installment" | "recurring" | "reauthorization" | "resubmission" | "delayed" | "incremental" | "no_show" | "unscheduled" | null, cof_txnid?: string | null, excep_sca?: "lwv" | "tra" | "mit" | "cor" | "atd" | "ask" | null, direct_payment?: boolean | null, };

/**
 * An operation on a stored payment. JSON: `{"kind": "refund", "order_id": "…", "amount":
 * {"value": "10.00", "currency": "EUR"}, …}`; the other keys are what some gateway quotes.
 */
export type Operation = { 
/**
 * What to do.
 */
kind: OperationKind, 
/**
 * The order id sent at checkout.
 */
order_id: string, 
/**
 * The amount refunded, captured, released or charged.
 */
amount: AmountInput, 
/**
 * The payment's amount; a refund of all of it with nothing refunded before is PayPal's
 * `Full` refund, anything else `Partial`.
 */
captured?: AmountInput | null, 
/**
 * Minor units refunded so far.
 */
refunded_minor?: bigint, 
/**
 * The stored `transaction_id` (PayPal `txn_id`, Elavon `PASREF`).
 */
transaction_id?: string, 
/**
 * The stored `authorisation_code` (Elavon `AUTHCODE`).
 */
authorisation_code?: string, 
/**
 * `YYYYMMDDHHMMSS` from the host's clock (Elavon signs it; vpos reads no clock).
 */
timestamp?: string, 
/**
 * For a [`OperationKind::Charge`]: the stored card and its COF/SCA parameters (Redsys).
 */
stored_credential?: StoredCredential | null, };

/**
 * Where an operation the host recorded stands.
 */
export type OperationState = "pending" | "succeeded" | "failed";

/**
 * An operation's state and, unless it succeeded, the code a host stores with it.
 */
export type OperationStatus = { 
/**
 * The state.
 */
state: OperationState, 
/**
 * Why it is not `succeeded`: a core error code, an ignore reason, or `response_<code>`
 * with the gateway's own status code.
 */
code: string | null, };

/**
 * The digest behind `Firma` (`Cifrado`).
 */
export type CecaCipher = "SHA2" | "SHA1";

/**
 * One CECA terminal.
 *
 * ```
 * let config: vpos_core::gateways::ceca::Config = serde_json::from_str(r#"{
 *     "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
 *     "key": "99888888", "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
 *     "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es"
 * }"#)?;
 * config.validate()?;
 * assert!(!format!("{config:?}").contains("99888888"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type CecaConfig = { 
/**
 * `MerchantID`, 9 digits.
 */
merchant_id: string, 
/**
 * `AcquirerBIN`, 10 digits.
 */
acquirer_bin: string, 
/**
 * `TerminalID`, 8 digits.
 */
terminal_id: string, 
/**
 * The encryption key (`Clave de encriptación`).
 */
key: string, 
/**
 * `Cifrado`: `SHA2` (default) or `SHA1`.
 */
cipher?: CecaCipher, 
/**
 * Where the form is posted ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
 */
checkout_url: string, 
/**
 * `URL_OK`: must match the one in Cecabank's panel byte for byte.
 */
url_ok: string, 
/**
 * `URL_NOK`: likewise.
 */
url_nok: string, };

/**
 * A payment to send to the CECA payment page.
 */
export type CecaOrder = { 
/**
 * `Num_operacion`: the shop's unique operation number, 1–50 letters, digits or `-`.
 */
operation: string, 
/**
 * `Importe` (minor units), `TipoMoneda` (numeric ISO 4217) and `Exponente`.
 */
amount: AmountInput, 
/**
 * `Descripcion`, up to 1000 characters.
 */
description?: string | null, 
/**
 * `Idioma`: 1 Spanish, 6 English, 7 French, 8 German, 9 Portuguese, 10 Italian …
 */
language?: string | null, };

/**
 * A parsed CECA notification.
 */
export type CecaNotification = { 
/**
 * `MerchantID`.
 */
merchant_id: string, 
/**
 * `AcquirerBIN`.
 */
acquirer_bin: string, 
/**
 * `TerminalID`.
 */
terminal_id: string, 
/**
 * `Num_operacion`.
 */
operation: string, 
/**
 * `Importe` in `TipoMoneda`, with `Exponente` checked against the currency.
 */
amount: Amount, 
/**
 * `Referencia`: CECA's reference for the payment.
 */
reference: string, 
/**
 * `Num_aut`: the authorisation number.
 */
authorisation: string | null, 
/**
 * `Pais`: the card's country (numeric).
 */
country: string | null, 
/**
 * `Descripcion`.
 */
description: string | null, 
/**
 * Every field as received, in order.
 */
fields: Array<[string, string]>, };

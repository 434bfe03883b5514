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
  | "payment_not_found"
  /** The gateway is one vpos knows, but this build was compiled without it (a per-gateway wasm edge module): load the module built for that gateway. */
  | "gateway_not_built";

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
export type GatewayName = "flocash" | "redsys" | "ceca" | "elavon" | "paypal" | "bitpay" | "paypal_rest";

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
 * "captured_minor": 12300, "released_minor": 0, "multiple_captures": false,
 * "applied_event_keys": ["flocash:…"]}`. `live` defaults to `true` (so a `Test` message is
 * ignored unless the host says the payment is a test), `refunded_minor` and `released_minor`
 * to 0, `captured_minor` to "all of `amount` once paid or later, none before" (what a host
 * that does not track captures means), `multiple_captures` to `false` and
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
 * Minor units captured so far (see [`PaymentSnapshot::captured`] for the default).
 */
captured_minor?: bigint, 
/**
 * Minor units of the authorisation released without being captured.
 */
released_minor?: bigint, 
/**
 * Whether the authorisation takes several captures (Elavon `multisettle`, PayPal
 * authorisations): a partial capture then leaves the rest open instead of releasing it.
 */
multiple_captures?: boolean, 
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
refunded_minor: bigint, 
/**
 * Total captured after this event, in minor units.
 */
captured_minor: bigint, 
/**
 * Total of the authorisation released after this event, in minor units.
 */
released_minor: bigint, } | { "outcome": "already_applied" } | { "outcome": "ignored" } & Ignored | { "outcome": "rejected", 
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
 * Some requests carry credentials (Bitpay's `Authorization` and its current API's `token`
 * query parameter, PayPal's NVP `PWD` and `SIGNATURE`), so `Debug` shows the method, the URL
 * with a `token` parameter masked, header names with credential values masked, and only the
 * body's length. Serialising gives everything: that is what the host
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
 * The amount the message names, when it names one (a PayPal REST webhook about an approved
 * order or an unmapped event type names none).
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

/**
 * `DS_MERCHANT_COF_TYPE`: why a stored card is used.
 */
export type RedsysCofType = "installment" | "recurring" | "reauthorization" | "resubmission" | "delayed" | "incremental" | "no_show" | "unscheduled";

/**
 * `DS_MERCHANT_EXCEP_SCA`: the strong-customer-authentication exemption claimed.
 */
export type RedsysScaExemption = "lwv" | "tra" | "mit" | "cor" | "atd" | "ask";

/**
 * The stored-credential and SCA parameters of one request.
 */
export type StoredCredential = { 
/**
 * `DS_MERCHANT_IDENTIFIER`: `REQUIRED` to ask for a card reference at checkout, or the
 * reference Redsys returned (`Ds_Merchant_Identifier`) to charge it later.
 */
identifier?: string | null, 
/**
 * `DS_MERCHANT_COF_INI`: `true` (`S`) for the first payment that stores the card.
 */
cof_ini?: boolean | null, 
/**
 * `DS_MERCHANT_COF_TYPE`.
 */
cof_type?: RedsysCofType | null, 
/**
 * `DS_MERCHANT_COF_TXNID`: the transaction id of the first payment
 * (`Ds_Merchant_Cof_Txnid`).
 */
cof_txnid?: string | null, 
/**
 * `DS_MERCHANT_EXCEP_SCA`.
 */
excep_sca?: RedsysScaExemption | null, 
/**
 * `DS_MERCHANT_DIRECTPAYMENT`: `true` charges without the customer (sent as a JSON boolean).
 */
direct_payment?: boolean | null, };

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
stored_credential?: StoredCredential | null, 
/**
 * The host's [`super::operation_key`] for this operation, the same on every attempt:
 * sent where the gateway dedupes by it (PayPal `MSGSUBID`), ignored elsewhere; empty
 * sends none.
 */
idempotency_key?: string, 
/**
 * For a PayPal REST [`OperationKind::Charge`] (completing the order the buyer approved):
 * `authorize` when the order was created with intent `AUTHORIZE`, else (`capture` or
 * absent) the order is captured. Ignored by the other gateways and kinds.
 */
intent?: PaypalIntent, };

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
url_nok: string, 
/**
 * Where refunds are posted ([`TEST_REFUND_URL`] or [`LIVE_REFUND_URL`]); without it
 * refunds are refused as `invalid_config` and checkouts work as before.
 */
refund_url?: string, };

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
language?: string | null, 
/**
 * 3-D Secure 2 cardholder data, sent as `datos_acs_20` with its own `firma_acs_20`
 * (see [`Cardholder`] and docs/3ds.md).
 */
cardholder?: Cardholder | null, };

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

/**
 * A form for the customer's browser to submit to the gateway's hosted payment page.
 *
 * ```
 * use vpos_core::{RedirectForm, Method};
 * let form = RedirectForm {
 *     action: "https://pay.example/checkout".into(),
 *     method: Method::Post,
 *     fields: vec![("item_name".into(), "Tea & \"cake\"".into())],
 * };
 * let html = form.to_html(false);
 * assert!(html.contains(r#"<input type="hidden" name="item_name" value="Tea &amp; &quot;cake&quot;">"#));
 * ```
 */
export type RedirectForm = { 
/**
 * Where the form is submitted.
 */
action: string, 
/**
 * How.
 */
method: HttpMethod, 
/**
 * Hidden fields, in the order the gateway documents them.
 */
fields: Array<[string, string]>, };

/**
 * A Redsys signature scheme (`Ds_SignatureVersion`).
 */
export type RedsysSignatureVersion = "HMAC_SHA256_V1" | "HMAC_SHA512_V1" | "HMAC_SHA512_V2";

/**
 * One Redsys terminal.
 *
 * ```
 * let config: vpos_core::gateways::redsys::Config = serde_json::from_str(r#"{
 *     "merchant_code": "999008881", "terminal": "1",
 *     "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
 *     "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago"
 * }"#)?;
 * config.validate()?;
 * assert!(!format!("{config:?}").contains("sq7H"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type RedsysConfig = { 
/**
 * `DS_MERCHANT_MERCHANTCODE` (FUC), up to 9 digits.
 */
merchant_code: string, 
/**
 * `DS_MERCHANT_TERMINAL`, up to 3 digits.
 */
terminal: string, 
/**
 * The terminal's secret key, base64 (24 bytes decoded).
 */
secret_key: string, 
/**
 * How requests are signed: `HMAC_SHA256_V1` (the default, every contract),
 * `HMAC_SHA512_V1` or `HMAC_SHA512_V2`. Notifications are verified with the version
 * they name.
 */
signature_version?: RedsysSignatureVersion, 
/**
 * Redirect endpoint ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
 */
checkout_url: string, 
/**
 * REST endpoint for refunds, confirmations and cancellations
 * ([`super::TEST_REST_URL`] or [`super::LIVE_REST_URL`]).
 */
rest_url?: string | null, 
/**
 * SOAP endpoint of the transaction status query (`SerClsWSConsulta`,
 * [`super::TEST_QUERY_URL`] or [`super::LIVE_QUERY_URL`]); needed only by
 * [`super::query_request`].
 */
query_url?: string | null, 
/**
 * Default `DS_MERCHANT_MERCHANTURL`: where Redsys posts the notification.
 */
merchant_url?: string | null, 
/**
 * Default `DS_MERCHANT_URLOK`.
 */
url_ok?: string | null, 
/**
 * Default `DS_MERCHANT_URLKO`.
 */
url_ko?: string | null, 
/**
 * `DS_MERCHANT_MERCHANTNAME`, up to 25 characters.
 */
merchant_name?: string | null, };

/**
 * What the payment page should do.
 */
export type RedsysTransactionType = "authorization" | "preauthorization";

/**
 * A payment to send to the Redsys payment page.
 */
export type RedsysOrder = { 
/**
 * `DS_MERCHANT_ORDER`: 4–12 characters, the first four digits, the rest letters or digits.
 * Unique per terminal: build it with [`order_number`] from random bytes the host draws.
 */
order: string, 
/**
 * `DS_MERCHANT_AMOUNT` (in minor units) and `DS_MERCHANT_CURRENCY` (numeric code).
 */
amount: AmountInput, 
/**
 * `DS_MERCHANT_TRANSACTIONTYPE`.
 */
transaction_type?: RedsysTransactionType, 
/**
 * `DS_MERCHANT_PRODUCTDESCRIPTION`, up to 125 characters.
 */
product_description?: string | null, 
/**
 * `DS_MERCHANT_TITULAR` (card holder), up to 60 characters.
 */
titular?: string | null, 
/**
 * `DS_MERCHANT_MERCHANTDATA`, returned in the notification, up to 1024 characters.
 */
merchant_data?: string | null, 
/**
 * `DS_MERCHANT_CONSUMERLANGUAGE`: Redsys language number (`001` Spanish, `002` English …).
 */
consumer_language?: string | null, 
/**
 * `DS_MERCHANT_PAYMETHODS`: `C` card, `z` Bizum, `p` PayPal, `R` transfer …
 */
pay_methods?: string | null, 
/**
 * `DS_MERCHANT_BIZUM_MOBILENUMBER`: the customer's mobile, shown pre-filled on Redsys's
 * Bizum page (`+34600000000`, or the nine national digits). Only with `pay_methods`
 * naming Bizum (`z`): on a card page it would mean nothing, so it is refused.
 */
bizum_mobile_number?: string | null, 
/**
 * Overrides the configured `DS_MERCHANT_MERCHANTURL`.
 */
merchant_url?: string | null, 
/**
 * Overrides the configured `DS_MERCHANT_URLOK`.
 */
url_ok?: string | null, 
/**
 * Overrides the configured `DS_MERCHANT_URLKO`.
 */
url_ko?: string | null, 
/**
 * `DS_MERCHANT_IDENTIFIER`: `REQUIRED` asks Redsys for a card reference.
 */
identifier?: string | null, 
/**
 * Stored-credential (COF) and SCA parameters (`cof_ini`, `cof_type`, `excep_sca` …).
 */
stored_credential?: StoredCredential | null, 
/**
 * 3-D Secure 2 cardholder data, sent as `DS_MERCHANT_EMV3DS` (see [`Cardholder`]).
 */
cardholder?: Cardholder | null, 
/**
 * `Ds_Merchant_*` parameters vpos does not model, written last and signed (see
 * [`ExtraParameters`]); a modelled name is refused. Hosts log their names.
 */
extra_parameters?: { [key in string]: string }, };

/**
 * Which operation.
 */
export type RedsysOperationKind = "payment" | "refund" | "confirm" | "cancel";

/**
 * An operation on an existing order.
 */
export type RedsysOperation = { 
/**
 * What to do.
 */
kind: RedsysOperationKind, 
/**
 * The order's `DS_MERCHANT_ORDER`, as sent at checkout.
 */
order: string, 
/**
 * The amount: charged, refunded, captured, or released.
 */
amount: AmountInput, 
/**
 * Stored-credential and SCA parameters; for a [`OperationKind::Payment`] at least the
 * card reference, usually with `direct_payment: true` and `excep_sca: "mit"`.
 */
stored_credential?: StoredCredential | null, };

/**
 * One payment link to ask for.
 */
export type RedsysPaygoldRequest = { 
/**
 * `DS_MERCHANT_ORDER` (4–12 characters, the first four digits): the payment's order, which
 * the notification names when the customer pays.
 */
order: string, 
/**
 * `DS_MERCHANT_AMOUNT` and `DS_MERCHANT_CURRENCY`.
 */
amount: AmountInput, 
/**
 * `DS_MERCHANT_CUSTOMER_MOBILE`: where Redsys sends the SMS; an optional `+`, then 9 to 15
 * digits. At least one of `customer_mobile` and `customer_email`.
 */
customer_mobile?: string | null, 
/**
 * `DS_MERCHANT_CUSTOMER_MAIL`: where Redsys sends the e-mail.
 */
customer_email?: string | null, 
/**
 * `DS_MERCHANT_P2F_EXPIRYDATE`: how long the link is valid, in minutes (1 to
 * [`MAX_EXPIRY_MINUTES`]); without it the link does not expire.
 */
expiry_minutes?: number | null, 
/**
 * `DS_MERCHANT_CUSTOMER_SMS_TEXT`: the SMS, which must hold [`URL_TAG`] where the link
 * goes (at most 500 characters).
 */
sms_text?: string | null, 
/**
 * `DS_MERCHANT_P2F_XMLDATA`: Redsys's optional XML for the e-mail, sent as given (at most
 * 4096 characters).
 */
xml_data?: string | null, 
/**
 * Overrides the configured `DS_MERCHANT_MERCHANTURL`, where the payment is notified.
 */
merchant_url?: string | null, 
/**
 * `DS_MERCHANT_PRODUCTDESCRIPTION` (at most 125 characters).
 */
description?: string | null, };

/**
 * The link Redsys created, read from a verified reply: its order and amount are the
 * request's.
 */
export type RedsysPaygoldLink = { 
/**
 * `Ds_UrlPago2Fases`: the page where the customer pays.
 */
url: string, 
/**
 * `Ds_Order`.
 */
order: string, 
/**
 * `Ds_Amount` and `Ds_Currency`.
 */
amount: Amount, };

/**
 * How the notification arrived.
 */
export type RedsysNotificationFormat = "http" | "soap" | "rest";

/**
 * A parsed Redsys notification. The decoded parameters are kept in full (keys as sent, values
 * URL-decoded where they were encoded), the typed fields beside them.
 */
export type RedsysNotification = { 
/**
 * HTTP POST or SOAP.
 */
format: RedsysNotificationFormat, 
/**
 * `Ds_SignatureVersion` as received (SOAP notifications are always `HMAC_SHA256_V1`).
 */
signature_version: string, 
/**
 * `Ds_Order`.
 */
order: string, 
/**
 * `Ds_Amount` in `Ds_Currency`.
 */
amount: Amount, 
/**
 * `Ds_MerchantCode`.
 */
merchant_code: string, 
/**
 * `Ds_Terminal`.
 */
terminal: string | null, 
/**
 * `Ds_Response` normalised to four digits.
 */
response: string, 
/**
 * `Ds_TransactionType`.
 */
transaction_type: string, 
/**
 * What the response means for this transaction type.
 */
action: Action, 
/**
 * The mapped status.
 */
status: ReportedStatus, 
/**
 * `Ds_AuthorisationCode`.
 */
authorisation_code: string | null, 
/**
 * `Ds_ErrorCode` (`SIS…`), when Redsys sends one.
 */
error_code: string | null, 
/**
 * `Ds_MerchantData`.
 */
merchant_data: string | null, 
/**
 * `Ds_Merchant_Identifier`: the card reference, when one was requested.
 */
identifier: string | null, 
/**
 * `Ds_ExpiryDate` (`YYMM`) of the stored card, with the reference.
 */
expiry_date: string | null, 
/**
 * `Ds_Merchant_Cof_Txnid`: the transaction id to quote in later merchant-initiated charges.
 */
cof_txnid: string | null, 
/**
 * Every decoded parameter, in order, keys as sent.
 */
parameters: Array<[string, string]>, };

/**
 * One FloCash merchant account.
 *
 * JSON (every key required unless marked optional; unknown keys are refused so a misspelt
 * setting fails loudly):
 *
 * ```
 * let config: vpos_core::gateways::flocash::Config = serde_json::from_str(r#"{
 *     "merchant": "sales@demoshop.com",
 *     "merchant_name": "Demo Shop",
 *     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
 *     "base_url": "https://fcms.flocash.com",
 *     "notification_token": "s3cret-path-token",
 *     "return_url": "https://shop.example/thanks"
 * }"#)?;
 * config.validate()?;
 * assert!(!format!("{config:?}").contains("s3cret"));
 * assert_eq!(config.postback_url()?, "https://fcms.flocash.com/validateNotify.do");
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type FlocashConfig = { 
/**
 * Merchant account (FloCash uses the registered e-mail address), 1–50 characters.
 */
merchant: string, 
/**
 * Name shown on the payment page, 1–100 characters.
 */
merchant_name: string, 
/**
 * Where the checkout form is posted (production: `https://fcms.flocash.com/ecom/ecommerce.do`).
 */
checkout_url: string, 
/**
 * FloCash's base URL; the post-back goes to `<scheme>://<host>/validateNotify.do`.
 */
base_url: string, 
/**
 * Secret path segment of the notification URL registered with FloCash.
 */
notification_token: string, 
/**
 * Optional logo URL shown on the payment page (`image_url`).
 */
image_url?: string | null, 
/**
 * Optional default `return_url`.
 */
return_url?: string | null, 
/**
 * Optional default `cancel_url`.
 */
cancel_url?: string | null, 
/**
 * Optional default `notify_url` (otherwise the one set in FloCash's back office applies).
 */
notify_url?: string | null, };

/**
 * The part of [`Config`] that may be shown to a browser: everything the checkout form needs,
 * and no secret. Build it on the server with [`Config::public`] and send it to the page, or
 * write it by hand for a page that only validates orders.
 *
 * ```
 * # let config: vpos_core::gateways::flocash::Config = serde_json::from_str(r#"{"merchant":"m@x.example",
 * #   "merchant_name":"n","checkout_url":"https://x.example/c","base_url":"https://x.example",
 * #   "notification_token":"0123456789abcdef"}"#)?;
 * let public = config.public();
 * assert!(!serde_json::to_string(&public)?.contains("0123456789abcdef"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type FlocashPublicConfig = { 
/**
 * As [`Config::merchant`].
 */
merchant: string, 
/**
 * As [`Config::merchant_name`].
 */
merchant_name: string, 
/**
 * As [`Config::checkout_url`].
 */
checkout_url: string, 
/**
 * As [`Config::image_url`].
 */
image_url?: string | null, 
/**
 * As [`Config::return_url`].
 */
return_url?: string | null, 
/**
 * As [`Config::cancel_url`].
 */
cancel_url?: string | null, 
/**
 * As [`Config::notify_url`].
 */
notify_url?: string | null, };

/**
 * The customer details FloCash can pre-fill on its payment page. All optional.
 */
export type FlocashCustomer = { 
/**
 * `user_firstName`, 1–250 characters.
 */
first_name?: string | null, 
/**
 * `user_lastName`, 1–250 characters.
 */
last_name?: string | null, 
/**
 * `user_address`, 1–250 characters.
 */
address?: string | null, 
/**
 * `user_city`, 1–250 characters.
 */
city?: string | null, 
/**
 * `user_state`, exactly 2 characters.
 */
state?: string | null, 
/**
 * `user_postalCode`, 1–250 characters.
 */
postal_code?: string | null, 
/**
 * `user_email`, 1–250 characters, an e-mail address.
 */
email?: string | null, 
/**
 * `user_mobile`, 1–250 characters: digits, spaces, `+ - ( )`.
 */
mobile?: string | null, };

/**
 * An order to send to FloCash.
 *
 * ```
 * use vpos_core::{gateways::flocash::Order, Amount, Currency};
 * let kes = Currency::from_code("KES")?;
 * let order = Order::new("AT000001", "C0000001", "Call Credit", Amount::parse("250", kes)?, 3)?;
 * assert_eq!(order.total()?.to_decimal_string(), "750.00");
 * # Ok::<(), vpos_core::Error>(())
 * ```
 */
export type FlocashOrder = { 
/**
 * `order_id`: the shop's unique id for this payment, 1–25 characters.
 */
order_id: string, 
/**
 * `custom`: merchant-defined value (a customer id), 1–25 characters.
 */
custom: string, 
/**
 * `item_name`, 1–250 characters.
 */
item_name: string, 
/**
 * `item_price`: price of one item.
 */
item_price: AmountInput, 
/**
 * `quantity`, at least 1.
 */
quantity: number, 
/**
 * `amount`: the total to pay. When absent, `item_price × quantity`.
 */
amount?: AmountInput | null, 
/**
 * `country`: ISO 3166-1 alpha-2, upper case.
 */
country?: string | null, 
/**
 * `payment_option`: pre-selected payment option for the country.
 */
payment_option?: string | null, 
/**
 * Customer details (`user_*`).
 */
customer?: FlocashCustomer, 
/**
 * Overrides the configured `image_url` (logo) for this order.
 */
image_url?: string | null, 
/**
 * Overrides the configured `return_url` for this order.
 */
return_url?: string | null, 
/**
 * Overrides the configured `cancel_url` for this order.
 */
cancel_url?: string | null, 
/**
 * Overrides the configured `notify_url` for this order.
 */
notify_url?: string | null, 
/**
 * Custom `flo_user_<name>` parameters, in order; names must start with `flo_user_`.
 */
extra?: Array<[string, string]>, };

/**
 * A parsed FloCash notification. Every documented field is typed; anything else FloCash
 * sends is kept in `extra`, and the raw body is kept for the host to store.
 */
export type FlocashNotification = { 
/**
 * `merchant`: the merchant account (required; checked against the stored payment).
 */
merchant: string, 
/**
 * `sender_acct`: the payer's account.
 */
sender_acct: string | null, 
/**
 * `order_id`: the shop's order id (required).
 */
order_id: string, 
/**
 * `amount` in `currency_code`, exact (required).
 */
amount: Amount, 
/**
 * `item_name`.
 */
item_name: string | null, 
/**
 * `item_price`, in `currency_code`.
 */
item_price: Amount | null, 
/**
 * `currency_code` (required).
 */
currency_code: string, 
/**
 * `quantity`.
 */
quantity: number | null, 
/**
 * `trans_id`: FloCash's transaction id (`0` when the transaction failed early).
 */
trans_id: string, 
/**
 * `fpn_id`: FloCash's notification id.
 */
fpn_id: string, 
/**
 * `custom`: the merchant-defined value sent at checkout.
 */
custom: string | null, 
/**
 * `customer`: the payer's name or e-mail.
 */
customer: string | null, 
/**
 * `status` normalised to four digits (`"0004"`).
 */
status_code: string, 
/**
 * The status mapped into the unified model.
 */
status: ReportedStatus, 
/**
 * `status_msg`.
 */
status_msg: string | null, 
/**
 * `payer_email`.
 */
payer_email: string | null, 
/**
 * `payment_channel` (`Mobile`, `Card`, `Wallet` …).
 */
payment_channel: string | null, 
/**
 * `txn_partner_ref`: the bank's reference.
 */
txn_partner_ref: string | null, 
/**
 * The kind of operation. FloCash lists Sale, Refund, Chargeback, Cancel and Test but
 * documents no parameter carrying it; vpos reads an `action` parameter when one is sent
 * (case-insensitive) and otherwise takes the notification to report a sale.
 */
action: Action, 
/**
 * Fields FloCash sent that are not documented, in order.
 */
extra: Array<[string, string]>, };

/**
 * Whether the operation's child elements are in the operation's namespace (the WSDL
 * schema's `elementFormDefault`).
 */
export type FlocashElementForm = "qualified" | "unqualified";

/**
 * The merchant's Merchant Polling credentials and service description.
 *
 * JSON (unknown keys refused):
 *
 * ```
 * use vpos_core::gateways::flocash::PollConfig;
 * let config: PollConfig = serde_json::from_str(r#"{
 *     "api_username": "shop-api",
 *     "api_password": "s3cret-password",
 *     "namespace": "http://merchant.service.example/",
 *     "success_codes": ["0000"]
 * }"#)?;
 * config.validate()?;
 * assert_eq!(config.endpoint, "http://api.flocash.com:8080/FloCMS/services/APIMerchantService");
 * assert!(!format!("{config:?}").contains("s3cret"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type FlocashPollConfig = { 
/**
 * `APIUsername`, provided by FloCash.
 */
api_username: string, 
/**
 * `APIPassword`, provided by FloCash. Never printed.
 */
api_password: string, 
/**
 * The operations' XML namespace: the WSDL's `targetNamespace`, copied from the WSDL
 * FloCash gives the merchant. FloCash's guide does not print it, so there is no default.
 */
namespace: string, 
/**
 * The `Header/statusCode` values that mean success. FloCash documents none, so the
 * merchant sets the ones FloCash confirms; any other code is [`ErrorCode::GatewayError`].
 */
success_codes: Array<string>, 
/**
 * Where the SOAP requests go; default [`DEFAULT_ENDPOINT`], as documented.
 */
endpoint?: string, 
/**
 * `MerchantCode`: "currently not used" by FloCash; sent empty unless set.
 */
merchant_code?: string, 
/**
 * The schema's `elementFormDefault`.
 */
element_form?: FlocashElementForm, };

/**
 * One `Payment` of a polling reply, every documented element typed.
 */
export type FlocashPolledPayment = { 
/**
 * `transid`: FloCash's transaction id (the notification's `trans_id`).
 */
transid: string, 
/**
 * `trace_number`: the reference polled by.
 */
trace_number: string, 
/**
 * `postDate`: when the transaction was made.
 */
post_date: string, 
/**
 * `currency_code`.
 */
currency_code: string, 
/**
 * `amount`, exact in `currency_code`.
 */
amount: Amount, 
/**
 * `status` normalised to four digits (Appendix A, as notifications).
 */
status_code: string, 
/**
 * The status in the unified model; an undocumented code is `Unknown`, which the
 * transition ignores (the payment stays untouched).
 */
status: ReportedStatus, 
/**
 * `message`.
 */
message: string | null, 
/**
 * `sender/account`: the merchant account (FloCash: "usually registered email address of
 * merchant"), checked against the stored payment's merchant.
 */
merchant: string, 
/**
 * `custom`.
 */
custom: string | null, 
/**
 * `order_id`: the shop's order id.
 */
order_id: string, 
/**
 * `quantity`.
 */
quantity: number | null, 
/**
 * `item_price`, in `currency_code`.
 */
item_price: Amount | null, 
/**
 * `item_name`.
 */
item_name: string | null, 
/**
 * `payment_channel` (Mobile, Wallet, Card).
 */
payment_channel: string | null, 
/**
 * `payer_email`.
 */
payer_email: string | null, 
/**
 * `txn_partner_ref`: the bank's reference.
 */
txn_partner_ref: string | null, 
/**
 * Undocumented leaf elements of the `Payment`, in order.
 */
extra: Array<[string, string]>, };

/**
 * A successful polling reply: FloCash's header and the payments it listed (maybe none).
 */
export type FlocashPollReply = { 
/**
 * `Header/statusCode`, one of [`PollConfig::success_codes`].
 */
status_code: string, 
/**
 * `Header/statusMsg`.
 */
status_msg: string | null, 
/**
 * `Payments/Payment`, in order.
 */
payments: Array<FlocashPolledPayment>, };

/**
 * What a shop knows about the person paying, for 3-D Secure 2.
 *
 * JSON: every key optional, unknown keys refused. Read it, then call [`Cardholder::validate`]
 * (a gateway's checkout calls it too).
 *
 * ```
 * use vpos_core::cardholder::{Cardholder, ChallengePreference};
 * let c: Cardholder = serde_json::from_value(serde_json::json!({
 *     "name": "Ana García", "challenge": "challenge_mandated"}))?;
 * assert_eq!(c.challenge, Some(ChallengePreference::ChallengeMandated));
 * c.validate()?;
 * let err = serde_json::from_value::<Cardholder>(serde_json::json!({"nickname": "A"}));
 * assert!(err.is_err());
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type Cardholder = { 
/**
 * The name on the card (EMV `cardholderName`, 2 to 45 characters).
 */
name?: string | null, 
/**
 * The e-mail address (EMV `email`, at most 254 characters).
 */
email?: string | null, 
/**
 * The mobile phone (EMV `mobilePhone`).
 */
mobile_phone?: CardholderPhone | null, 
/**
 * The home phone (EMV `homePhone`).
 */
home_phone?: CardholderPhone | null, 
/**
 * The work phone (EMV `workPhone`).
 */
work_phone?: CardholderPhone | null, 
/**
 * The billing address (EMV `billAddr*`).
 */
billing?: CardholderAddress | null, 
/**
 * The shipping address (EMV `shipAddr*`).
 */
shipping?: CardholderAddress | null, 
/**
 * Whether the shipping address is the billing address (EMV `addrMatch` `Y`/`N`).
 */
address_match?: boolean | null, 
/**
 * The cardholder's account with the shop (EMV `acctInfo`).
 */
account?: CardholderAccount | null, 
/**
 * Whether the shop wants the issuer to challenge (EMV `threeDSRequestorChallengeInd`).
 */
challenge?: CardholderChallengePreference | null, };

/**
 * A phone number as EMV 3DS splits it: the ITU-T E.164 country calling code and the
 * subscriber number, digits only.
 *
 * ```
 * use vpos_core::cardholder::Phone;
 * let phone = Phone { country_code: "44".into(), subscriber: "7700900123".into() };
 * phone.validate("cardholder.mobile_phone")?;
 * let plus = Phone { country_code: "+44".into(), subscriber: "7700900123".into() };
 * let e = plus.validate("cardholder.mobile_phone").unwrap_err();
 * assert_eq!(e.field(), Some("cardholder.mobile_phone.country_code"));
 * # Ok::<(), vpos_core::Error>(())
 * ```
 */
export type CardholderPhone = { 
/**
 * The country calling code, 1 to 3 digits, no `+` (EMV `cc`): `34` for Spain.
 */
country_code: string, 
/**
 * The subscriber number, 1 to 15 digits, no spaces (EMV `subscriber`).
 */
subscriber: string, };

/**
 * A postal address as EMV 3DS carries it.
 *
 * ```
 * use vpos_core::cardholder::Address;
 * let a: Address = serde_json::from_value(serde_json::json!({
 *     "line1": "1 Main St", "city": "Chicago", "state": "IL", "postal_code": "60601",
 *     "country": "US"}))?;
 * a.validate("cardholder.billing")?;
 * assert_eq!(a.country_numeric(), Some("840"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type CardholderAddress = { 
/**
 * First line (at most 50 characters).
 */
line1?: string | null, 
/**
 * Second line (at most 50 characters).
 */
line2?: string | null, 
/**
 * Third line (at most 50 characters).
 */
line3?: string | null, 
/**
 * City (at most 50 characters).
 */
city?: string | null, 
/**
 * State or region: the ISO 3166-2 subdivision code without the country (`IL`, `M`),
 * 1 to 3 letters or digits. EMV 3DS wants `country` beside it.
 */
state?: string | null, 
/**
 * Postal code (at most 16 characters).
 */
postal_code?: string | null, 
/**
 * Country, ISO 3166-1 alpha-2 upper case (`ES`; `GB`, not `UK`).
 */
country?: string | null, };

/**
 * The cardholder's account with the shop (EMV 3DS `acctInfo`). The indicators are the
 * spec's: each enum lists its values in the spec's order, with the code in its doc.
 *
 * ```
 * use vpos_core::cardholder::{AccountAge, AccountInfo};
 * let info: AccountInfo = serde_json::from_value(serde_json::json!({
 *     "age": "less_than_30_days", "purchases_last_6_months": 3}))?;
 * assert_eq!(info.age.map(AccountAge::emv_code), Some("03"));
 * info.validate("cardholder.account")?;
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type CardholderAccount = { 
/**
 * How long the cardholder has had the account (`chAccAgeInd`).
 */
age?: CardholderAccountAge | null, 
/**
 * When the account last changed, e.g. a new address (`chAccChangeInd`).
 */
changed?: CardholderRecency | null, 
/**
 * When the password last changed (`chAccPwChangeInd`).
 */
password_changed?: CardholderPasswordChange | null, 
/**
 * When this shipping address was first used with the shop (`shipAddressUsageInd`).
 */
shipping_address_first_used?: CardholderRecency | null, 
/**
 * Whether the shop has seen suspicious activity on the account (`suspiciousAccActivity`,
 * `02` yes, `01` no).
 */
suspicious_activity?: boolean | null, 
/**
 * Purchases with the account in the last six months, 0 to 9999 (`nbPurchaseAccount`).
 */
purchases_last_6_months?: number | null, 
/**
 * Transactions (successful or not) in the last 24 hours, 0 to 999 (`txnActivityDay`).
 */
transactions_last_day?: number | null, 
/**
 * Transactions in the last year, 0 to 999 (`txnActivityYear`).
 */
transactions_last_year?: number | null, };

/**
 * EMV 3DS `chAccAgeInd`: how long the cardholder has had an account with the shop.
 */
export type CardholderAccountAge = "no_account" | "this_transaction" | "less_than_30_days" | "from_30_to_60_days" | "more_than_60_days";

/**
 * EMV 3DS `chAccPwChangeInd`: when the account's password last changed.
 */
export type CardholderPasswordChange = "no_change" | "this_transaction" | "less_than_30_days" | "from_30_to_60_days" | "more_than_60_days";

/**
 * When something first happened or last changed, in EMV 3DS's four steps
 * (`chAccChangeInd`, `shipAddressUsageInd`).
 */
export type CardholderRecency = "this_transaction" | "less_than_30_days" | "from_30_to_60_days" | "more_than_60_days";

/**
 * Whether the shop asks the issuer to challenge the cardholder (EMV 3DS
 * `threeDSRequestorChallengeInd`). The issuer decides; under PSD2 it may challenge anyway.
 */
export type CardholderChallengePreference = "no_preference" | "no_challenge_requested" | "challenge_requested" | "challenge_mandated";

/**
 * The digest of the HPP's two-step hash,
 * `hex(H(hex(H(fields joined by ".")) + "." + secret))`: Global Payments' SDKs offer SHA-1
 * and SHA-256 for the HPP (`ShaHashType`), each under its own field name.
 *
 * ```
 * use vpos_core::gateways::elavon::HashAlgorithm;
 * let fields = ["20130814122239", "thestore", "ORD453-11", "29900", "EUR"];
 * assert_eq!(HashAlgorithm::Sha1.hash(&fields, "mysecret"),
 *            "cc72c08e529b3bc153481eda9533b815cef29de3");
 * assert_eq!(HashAlgorithm::Sha256.field(), "SHA256HASH");
 * assert_eq!(HashAlgorithm::Sha256.hash(&fields, "mysecret").len(), 64);
 * ```
 */
export type ElavonHashAlgorithm = "sha1" | "sha256";

/**
 * One Elavon merchant account.
 *
 * ```
 * let config: vpos_core::gateways::elavon::Config = serde_json::from_str(r#"{
 *     "merchant_id": "thestore", "account": "internet", "secret": "mysecret",
 *     "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay"
 * }"#)?;
 * config.validate()?;
 * assert!(!format!("{config:?}").contains("mysecret"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type ElavonConfig = { 
/**
 * `MERCHANT_ID`.
 */
merchant_id: string, 
/**
 * `ACCOUNT` (sub-account).
 */
account: string, 
/**
 * The shared secret.
 */
secret: string, 
/**
 * The refund (rebate) password, when refunds are enabled; sent only as its SHA-1.
 */
rebate_password?: string | null, 
/**
 * HPP URL ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
 */
checkout_url: string, 
/**
 * Remote XML URL for settle, void and refund.
 */
remote_url?: string | null, 
/**
 * `MERCHANT_RESPONSE_URL`: where the HPP posts the result.
 */
response_url?: string | null, 
/**
 * The account's currency, for HPP responses that carry `AMOUNT` without `CURRENCY`.
 */
currency?: string | null, 
/**
 * `AUTO_SETTLE_FLAG`: `true` captures at once (a `00` result is paid); `false` (the
 * default, as django-virtual-pos) only authorises, and a settle request captures.
 */
auto_settle?: boolean, 
/**
 * The HPP digest: `sha1` (the default, `SHA1HASH`) or `sha256` (`SHA256HASH`, on the
 * form and expected on the response POST). The Remote XML requests stay `sha1hash`.
 */
hash_algorithm?: ElavonHashAlgorithm, };

/**
 * A payment to send to the hosted payment page.
 */
export type ElavonOrder = { 
/**
 * `ORDER_ID`: unique per merchant, 1–50 letters, digits, `-` or `_`.
 */
order_id: string, 
/**
 * `AMOUNT` (minor units) and `CURRENCY` (alphabetic code).
 */
amount: AmountInput, 
/**
 * `TIMESTAMP`, `YYYYMMDDHHMMSS`, from the host's clock.
 */
timestamp: string, 
/**
 * Cardholder data for 3-D Secure 2: when present the form says `HPP_VERSION=2` and
 * carries the `HPP_CUSTOMER_*`, `HPP_BILLING_*`, `HPP_SHIPPING_*`,
 * `HPP_ADDRESS_MATCH_INDICATOR` and `HPP_CHALLENGE_REQUEST_INDICATOR` fields (see
 * docs/3ds.md). The name and the account information have no HPP field and are not sent.
 */
cardholder?: Cardholder | null, };

/**
 * Which Remote operation.
 */
export type ElavonRemoteKind = "settle" | "void" | "rebate";

/**
 * An operation on a payment the HPP took.
 */
export type ElavonRemoteOperation = { 
/**
 * What to do.
 */
kind: ElavonRemoteKind, 
/**
 * The payment's `ORDER_ID`.
 */
order_id: string, 
/**
 * The payment's `PASREF`.
 */
pasref: string, 
/**
 * The payment's `AUTHCODE`.
 */
authcode?: string, 
/**
 * The amount (the payment's own amount for a full settle or void).
 */
amount: AmountInput, 
/**
 * `YYYYMMDDHHMMSS` from the host's clock.
 */
timestamp: string, };

/**
 * A parsed HPP response.
 */
export type ElavonNotification = { 
/**
 * `MERCHANT_ID`.
 */
merchant_id: string, 
/**
 * `ORDER_ID`.
 */
order_id: string, 
/**
 * `TIMESTAMP`.
 */
timestamp: string, 
/**
 * `RESULT` (`00` success).
 */
result: string, 
/**
 * `MESSAGE`.
 */
message: string, 
/**
 * `PASREF`: Realex's reference (needed to settle, void or refund).
 */
pasref: string, 
/**
 * `AUTHCODE`.
 */
authcode: string, 
/**
 * `AMOUNT` with `CURRENCY` (or the configured currency when the HPP omits it).
 */
amount: Amount, 
/**
 * Whether the values arrived base64-encoded (and were decoded before hashing).
 */
base64_values: boolean, 
/**
 * Every field as received (decoded when `base64_values`), in order.
 */
fields: Array<[string, string]>, };

/**
 * NVP API credentials (signature flavour).
 */
export type PaypalNvpCredentials = { 
/**
 * `USER`.
 */
user: string, 
/**
 * `PWD`.
 */
password: string, 
/**
 * `SIGNATURE`.
 */
signature: string, 
/**
 * [`LIVE_NVP_URL`] or [`SANDBOX_NVP_URL`].
 */
api_url: string, };

/**
 * One PayPal business account.
 *
 * ```
 * let config: vpos_core::gateways::paypal::Config = serde_json::from_str(r#"{
 *     "business": "tobi@leetsoft.com",
 *     "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
 *     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"
 * }"#)?;
 * config.validate()?;
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type PaypalConfig = { 
/**
 * The business account's e-mail (or merchant id): `business` in the form, checked against
 * `receiver_email` / `business` in every IPN.
 */
business: string, 
/**
 * Where the form is posted.
 */
checkout_url: string, 
/**
 * Where IPNs are posted back.
 */
ipn_url: string, 
/**
 * Default `notify_url`.
 */
notify_url?: string | null, 
/**
 * Default `return`.
 */
return_url?: string | null, 
/**
 * Default `cancel_return`.
 */
cancel_url?: string | null, 
/**
 * NVP API credentials, for Express Checkout and refunds.
 */
nvp?: PaypalNvpCredentials | null, };

/**
 * A payment to send to PayPal.
 */
export type PaypalOrder = { 
/**
 * `invoice`: the shop's unique order id (PayPal refuses a repeated one), up to 127 characters.
 */
invoice: string, 
/**
 * `item_name`, up to 127 characters.
 */
item_name: string, 
/**
 * `amount` and `currency_code`.
 */
amount: AmountInput, 
/**
 * `custom`: passed back in the IPN, up to 255 characters.
 */
custom?: string | null, 
/**
 * Overrides the configured `notify_url`.
 */
notify_url?: string | null, 
/**
 * Overrides the configured `return`.
 */
return_url?: string | null, 
/**
 * Overrides the configured `cancel_return`.
 */
cancel_url?: string | null, };

/**
 * What to sell through Express Checkout.
 */
export type PaypalExpressOrder = { 
/**
 * `PAYMENTREQUEST_0_INVNUM`: the shop's order id.
 */
invoice: string, 
/**
 * `PAYMENTREQUEST_0_AMT` and `PAYMENTREQUEST_0_CURRENCYCODE`.
 */
amount: AmountInput, 
/**
 * `L_PAYMENTREQUEST_0_NAME0`.
 */
description: string, 
/**
 * `RETURNURL`: PayPal sends the buyer back here with `token` and `PayerID`.
 */
return_url: string, 
/**
 * `CANCELURL`.
 */
cancel_url: string, };

/**
 * A successful NVP reply: `ACK` and every field, in order.
 */
export type PaypalNvpReply = { 
/**
 * `Success` or `SuccessWithWarning`.
 */
ack: string, 
/**
 * Every field of the reply.
 */
fields: Array<[string, string]>, };

/**
 * A parsed IPN.
 */
export type PaypalNotification = { 
/**
 * `txn_id`.
 */
txn_id: string, 
/**
 * `parent_txn_id` (set on refunds and reversals).
 */
parent_txn_id: string | null, 
/**
 * `payment_status` verbatim (`Completed`, `Pending`, `Refunded` …).
 */
payment_status: string, 
/**
 * `pending_reason`, when pending.
 */
pending_reason: string | null, 
/**
 * `txn_type` (`web_accept`, `cart` …).
 */
txn_type: string | null, 
/**
 * What the status means.
 */
action: Action, 
/**
 * The mapped status.
 */
status: ReportedStatus, 
/**
 * `mc_gross` in `mc_currency`, as a positive amount (refunds and reversals arrive negative).
 */
gross: Amount, 
/**
 * `mc_fee`, when present.
 */
fee: Amount | null, 
/**
 * `receiver_email`, else `business`.
 */
receiver: string, 
/**
 * `invoice` (the shop's order id), else `custom`.
 */
order_id: string | null, 
/**
 * `payer_email`.
 */
payer_email: string | null, 
/**
 * `test_ipn=1`: sent from the sandbox.
 */
test: boolean, 
/**
 * The body's character set.
 */
charset: string, 
/**
 * Every field, decoded, in order.
 */
fields: Array<[string, string]>, };

/**
 * One Bitpay merchant, on one of BitPay's two APIs, chosen by the credential given:
 *
 * - the current API (`token`): a POS-facade token in each invoice's body, `X-Accept-Version:
 *   2.0.0`; `api_url` is the API root (`https://bitpay.com`, test `https://test.bitpay.com`).
 *   With `private_key` and `merchant_token` (the merchant facade, paired with the key's SIN)
 *   invoice queries are signed and refunds possible.
 * - the legacy API (`api_key`), for a merchant who still holds a key: HTTP Basic on
 *   `api_url`, the invoice endpoint (`https://bitpay.com/api/invoice`).
 *
 * Exactly one of `api_key` and `token` is set; `private_key` and `merchant_token` go together,
 * with `token` only. Every credential is a [`Secret`].
 *
 * ```
 * use vpos_core::gateways::bitpay::{Api, Config};
 * let config: Config = serde_json::from_value(serde_json::json!({"token": "PosT0ken",
 *     "api_url": "https://test.bitpay.com", "invoice_url": "https://test.bitpay.com/invoice"})).unwrap();
 * config.validate()?;
 * assert_eq!(config.api(), Api::Current);
 * assert!(!format!("{config:?}").contains("PosT0ken"));
 * # Ok::<(), vpos_core::Error>(())
 * ```
 */
export type BitpayConfig = { 
/**
 * The legacy API key, sent as HTTP Basic user with an empty password (legacy API).
 */
api_key?: string, 
/**
 * The POS-facade token (current API): in each invoice's body and its queries.
 */
token?: string, 
/**
 * The merchant facade's secp256k1 private key, 64 hex digits or a PEM (current API).
 */
private_key?: string, 
/**
 * The merchant-facade token paired with `private_key`'s SIN (current API).
 */
merchant_token?: string, 
/**
 * Legacy: the invoice API (`https://bitpay.com/api/invoice`, test
 * `https://test.bitpay.com/api/invoice`). Current: the API root (`https://bitpay.com`,
 * test `https://test.bitpay.com`).
 */
api_url: string, 
/**
 * Buyer page (`https://bitpay.com/invoice`, test `https://test.bitpay.com/invoice`).
 */
invoice_url: string, 
/**
 * `notificationURL` for every invoice.
 */
notification_url?: string | null, };

/**
 * What to invoice.
 */
export type BitpayInvoiceRequest = { 
/**
 * `price` and `currency`.
 */
price: AmountInput, 
/**
 * `orderId`: the shop's order id, echoed in notifications.
 */
order_id: string, 
/**
 * `itemDesc`.
 */
item_desc?: string | null, 
/**
 * `redirectURL`: where the buyer returns.
 */
redirect_url?: string | null, 
/**
 * `buyer` (current API only): who pays, for BitPay's receipts and refund e-mails.
 */
buyer?: BitpayBuyer | null, };

/**
 * The invoice's `buyer` object (current API).
 */
export type BitpayBuyer = { 
/**
 * `name`.
 */
name?: string | null, 
/**
 * `email`: BitPay writes to it (receipt; the refund address request).
 */
email?: string | null, };

/**
 * A refund as BitPay describes it.
 */
export type BitpayRefund = { 
/**
 * `id`: BitPay's refund id.
 */
id: string, 
/**
 * `invoice`: the refunded invoice's id.
 */
invoice: string, 
/**
 * `status`: `preview`, `created`, `pending`, `success`, `failure` or `canceled`.
 */
status: string, 
/**
 * `amount` in `currency`, read exactly.
 */
amount: Amount, 
/**
 * `reference`, when set.
 */
reference: string | null, };

/**
 * An invoice as Bitpay describes it.
 */
export type BitpayInvoice = { 
/**
 * `id`.
 */
id: string, 
/**
 * `status` verbatim.
 */
status: string, 
/**
 * `price` in `currency`, read exactly from the JSON number.
 */
price: Amount, 
/**
 * `orderId`, when set.
 */
order_id: string | null, 
/**
 * `url`: the buyer page.
 */
url: string | null, 
/**
 * `exceptionStatus` when it is not `false`: `paidPartial` (less than the price came),
 * `paidOver` (more came). Surfaced in the event's status code.
 */
exception_status?: string, };

/**
 * A notification: the invoice as Bitpay posted it (unsigned, so only a fetch can prove it).
 */
export type BitpayNotification = { 
/**
 * What the notification claims.
 */
claimed: BitpayInvoice, 
/**
 * What Bitpay answered when asked (set by [`verify_invoice`]).
 */
invoice: BitpayInvoice | null, };

/**
 * One PayPal REST app (client id and secret) and the account it receives money for.
 *
 * ```
 * let config: vpos_core::gateways::paypal::RestConfig = serde_json::from_str(r#"{
 *     "client_id": "AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS",
 *     "secret": "EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL",
 *     "api_base": "https://api-m.sandbox.paypal.com",
 *     "merchant": "shop@example.com"
 * }"#)?;
 * config.validate()?;
 * assert!(!format!("{config:?}").contains("EGnHDxD"));
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type PaypalRestConfig = { 
/**
 * The REST app's client id (the Basic-auth user of the token request).
 */
client_id: string, 
/**
 * The REST app's secret.
 */
secret: string, 
/**
 * [`SANDBOX_API_BASE`] or [`LIVE_API_BASE`] (`http://` only on a loopback host, for the
 * project's sandbox).
 */
api_base: string, 
/**
 * The id PayPal gave the webhook subscription, which both webhook verifications cover ([`super::verify_offline`], [`super::verify_webhook_signature_request`]).
 */
webhook_id?: string | null, 
/**
 * The receiving account's merchant (payer) id or e-mail: every reply naming a payee must
 * name this one, and events carry it as their merchant.
 */
merchant: string, 
/**
 * The host's cached OAuth token ([`parse_token_reply`]), given with the account for the
 * driver's verbs (`driver::Config` of gateway `paypal_rest`: checkout, operations, status
 * query, webhook post-back), which take no token argument; `None` where the host has
 * none (a verb that needs one is `field_missing` on `access_token`). The functions of this
 * module take the token as an argument and ignore this field. A secret: `***` in `Debug`
 * and when serialised.
 */
access_token?: string | null, };

/** A PayPal REST webhook as a notification shows it (the driver's `paypal_rest`): the event's `id`, `event_type` and `resource_type`, the shop's `order_id` when the resource names one, and the transmission id; never the body or the signature. */
export type PaypalRestWebhook = { id: string, event_type: string, resource_type: string | null, order_id: string | null, transmission_id: string, };

/**
 * What the order asks of the buyer's approval.
 */
export type PaypalIntent = "capture" | "authorize";

/**
 * The order to create: one purchase unit of `amount` for the shop's `order_id`.
 *
 * ```
 * let order: vpos_core::gateways::paypal::OrderCreate = serde_json::from_str(r#"{
 *     "intent": "capture", "order_id": "ORDER-1", "amount": {"value": "15", "currency": "EUR"},
 *     "return_url": "https://shop.example/paypal/return", "cancel_url": "https://shop.example/cart"
 * }"#)?;
 * assert_eq!(order.amount.minor(), 1500);
 * # Ok::<(), Box<dyn std::error::Error>>(())
 * ```
 */
export type PaypalOrderCreate = { 
/**
 * `intent`.
 */
intent: PaypalIntent, 
/**
 * The shop's order id: `custom_id` and `invoice_id` of the purchase unit (at most 127
 * characters). PayPal may refuse a second order with the same `invoice_id`
 * (`DUPLICATE_INVOICE_ID`) when the account blocks duplicates.
 */
order_id: string, 
/**
 * `purchase_units[0].amount`.
 */
amount: AmountInput, 
/**
 * `purchase_units[0].description` (at most 127 characters).
 */
description?: string, 
/**
 * Where PayPal sends the buyer after approval (`?token=<order id>&PayerID=…`).
 */
return_url: string, 
/**
 * Where PayPal sends a buyer who cancels.
 */
cancel_url: string, };

/**
 * A payment to check out, in the gateway-neutral words a shop stores; [`Order::for_payment`]
 * maps it to the gateway's order. JSON: `{"order_id": "…", "amount": {…}, …}`.
 */
export type OrderRequest = { 
/**
 * The shop's order id as sent to the gateway (Redsys `DS_MERCHANT_ORDER`, CECA
 * `Num_operacion`, PayPal `invoice`, Bitpay `orderId`).
 */
order_id: string, 
/**
 * The total.
 */
amount?: AmountInput | null, 
/**
 * What is bought (Redsys product description, PayPal and FloCash `item_name`, CECA
 * `Descripcion`, Bitpay `itemDesc`), cut to the gateway's length.
 */
description?: string | null, 
/**
 * A merchant value echoed back (PayPal and FloCash `custom`).
 */
custom?: string | null, 
/**
 * The price of one item (FloCash), the amount when absent.
 */
item_price?: AmountInput | null, 
/**
 * How many items (FloCash), 1 when absent.
 */
quantity?: number | null, 
/**
 * The buyer's country, ISO 3166-1 alpha-2 (FloCash).
 */
country?: string | null, 
/**
 * The payment option offered (FloCash).
 */
payment_option?: string | null, 
/**
 * Where the buyer returns after paying (Redsys `url_ok`, PayPal `return`, FloCash
 * `return_url`, Bitpay `redirectURL`); the configuration's when absent.
 */
return_url?: string | null, 
/**
 * Where the buyer returns on cancel or failure (Redsys `url_ko`, PayPal `cancel_return`,
 * FloCash `cancel_url`).
 */
cancel_url?: string | null, 
/**
 * Where the gateway notifies (Redsys `merchant_url`, PayPal and FloCash `notify_url`).
 */
notify_url?: string | null, 
/**
 * The host's clock, `YYYYMMDDHHMMSS` in UTC (Elavon signs it; vpos reads no clock).
 */
timestamp?: string, 
/**
 * Ask the gateway to store the card for later merchant-initiated charges, and why (Redsys
 * `DS_MERCHANT_IDENTIFIER=REQUIRED`, `COF_INI=S`, `COF_TYPE`); refused by gateways
 * without stored cards in vpos.
 */
store_card?: RedsysCofType | null, 
/**
 * Cardholder data for 3-D Secure 2 (see [`crate::cardholder`]). Santander Elavon sends it
 * as its HPP v2 3DS2 fields, Redsys as `DS_MERCHANT_EMV3DS`, CECA as `datos_acs_20`,
 * Bitpay (current API) its name and e-mail as `buyer`; the other gateways ignore it for now.
 */
cardholder?: Cardholder | null, 
/**
 * Keys of the gateway's own order, laid over the mapped one (Redsys `transaction_type`,
 * FloCash `customer` …); an unknown key is refused naming it.
 */
fields?: Record<string, unknown>, };

/**
 * A checkout order, whichever gateway it is for: the gateway's own order type with its name
 * beside it. JSON: `{"gateway": "redsys", "order": "2601AB3CD4EF", "amount": {…}, …}`
 * (Bitpay's is its `InvoiceRequest`).
 *
 * ```
 * use vpos_core::driver::Order;
 * let order = Order::from_json(&serde_json::json!({"gateway": "ceca", "operation": "A-1",
 *     "amount": {"value": "10.00", "currency": "EUR"}}))?;
 * assert_eq!(order.gateway().as_str(), "ceca");
 * let err = Order::from_json(&serde_json::json!({"gateway": "ceca", "operation": "A-1",
 *     "amount": {"value": "10.00", "currency": "EUR"}, "idioma": "1"})).unwrap_err();
 * assert_eq!(err.field(), Some("idioma"));
 * # Ok::<(), vpos_core::Error>(())
 * ```
 */
export type DriverOrder = { "gateway": "flocash" } & FlocashOrder | { "gateway": "redsys" } & RedsysOrder | { "gateway": "ceca" } & CecaOrder | { "gateway": "elavon" } & ElavonOrder | { "gateway": "paypal" } & PaypalOrder | { "gateway": "bitpay" } & BitpayInvoiceRequest | { "gateway": "paypal_rest" } & PaypalOrderCreate;

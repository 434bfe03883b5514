//! # hostedpay-web
//!
//! The vpos core (`vpos-core`) in the browser and at the edge, through wasm-bindgen. The npm
//! package `hostedpay-web` is built from this crate (`scripts/build.sh`) twice: the browser module
//! (default features: `hostedpay-web`) and, with the cargo feature `edge`, the edge module
//! (`hostedpay-web/edge`: every gateway of the core, Redsys, CECA, Elavon, PayPal and Bitpay
//! included). Each is an ES module for browsers, bundlers, Deno and Workers-style runtimes,
//! and a CommonJS build for Node. The browser module must stay within its 100 KB gzipped
//! budget, so anything that needs a secret, or is not needed in a page, is gated on `edge`.
//!
//! What it refuses to do: protocol logic. Every function here converts its arguments with the
//! core's own serde shapes, calls one core function, and converts the answer back; rules,
//! field orders, limits and messages all live in `core/`. Values cross as the JSON shapes of
//! `docs/conformance.md`, except that 64-bit integers (`minor`, `refunded_minor`) arrive as
//! `BigInt`: money never passes through a JS number. Failures are thrown as `Error` objects
//! (`name` `"VposError"`) with `code`, one of [`error_codes`], and `field`.
//!
//! What must stay out of a browser: anything holding a secret. The browser module has no
//! secret-keyed gateway: pages use `flocash.checkoutPublic` / `flocash.validateOrder` with the
//! public configuration, and `renderForm` for a form the server built and signed.
//! `flocash.Gateway` (the notification token) and every other gateway class, `transition`, and
//! the driver (`Config`, `parseNotification`, `prove`, `acknowledge`, the operations; module
//! `driver`, with the async `handleNotification` in the JS glue `js/edge-glue.js`) are in the
//! edge module only. Every host value is read by the core's one conversion,
//! `vpos_core::json::from_value` (`js::from_js`), so `code` and `field` are the Node package's.
//!
//! Notifications are opaque classes (`<gateway>.UnverifiedNotification`,
//! `<gateway>.VerifiedNotification`, `elavon.VerifiedEvent`, `paypal.VerifiedEvent`,
//! `paypal.NvpReply`, `flocash.PolledEvent`), with the names, getters and plain-object shapes
//! of the Node package (`verified.event`, `verified.notification`, `gateway.publicConfig`;
//! tests/js/api.shared.mjs holds both packages to them). JS code can read them but has no way to
//! construct one, and `transition` takes the handle, never its plain `event`, so a plain object
//! can never pass for a verified payment event.

// A module built for some gateways only (`hostedpay-web/edge/<gateway>`) leaves some of the
// helpers the gateway namespaces share unused; the browser module and the all-gateways edge
// module keep every warning.
#![cfg_attr(
    all(feature = "driver", not(feature = "edge")),
    allow(dead_code, unused_macros, unused_imports)
)]

#[cfg(feature = "bitpay")]
mod bitpay;
#[cfg(feature = "ceca")]
mod ceca;
#[cfg(feature = "driver")]
mod driver;
#[cfg(feature = "elavon")]
mod elavon;
#[cfg(feature = "flocash")]
mod flocash;
mod form;
#[cfg(feature = "driver")]
mod gateway;
mod js;
mod money;
// PayPal's form needs no secret, but it does not fit the browser budget (it adds about
// 4.6 KB gzipped: 104,776 bytes with it, measured 2026-11-26): edge module only for now.
#[cfg(feature = "paypal")]
mod paypal;
#[cfg(feature = "paypal")]
mod paypal_edge;
#[cfg(feature = "paypal_rest")]
mod paypal_rest;
#[cfg(feature = "driver")]
mod query;
#[cfg(feature = "redsys")]
mod redsys;
// `transition` moves a payment from a verified notification, which only the edge module makes.
#[cfg(feature = "driver")]
mod state;

/// Which module this is: `"browser"` (forms without secrets, rendering, money) or `"edge"`
/// (every gateway, secrets included).
#[wasm_bindgen]
pub fn flavour() -> String {
    if cfg!(feature = "driver") {
        "edge"
    } else {
        "browser"
    }
    .to_string()
}

use vpos_core::ErrorCode;
use wasm_bindgen::prelude::*;

/// Every payment status of the one status model, in lifecycle order.
#[wasm_bindgen(js_name = paymentStatuses, unchecked_return_type = "PaymentStatus[]")]
pub fn payment_statuses() -> Vec<String> {
    vpos_core::PaymentStatus::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect()
}

/// Every code of the core's error catalogue, in catalogue order: the values `error.code`
/// can take.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

// The value types of the `.d.ts`. The core's JSON shapes are generated from its serde types
// (types/vpos.d.ts, `make types`; scripts/package.mjs ships it beside each .d.ts as
// vpos_types.d.ts); what is declared here by hand is this package's own: inputs that also
// take a JS number for minor units (payments, operations, the gateways' orders), errors as
// thrown, and the gateways' shapes not generated yet.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
import type {
  Amount, AmountInput, ErrorCode, ErrorInfo, ReportedStatus, GatewayName, PaymentStatus, Action, HttpMethod, HttpRequest,
  HttpResponse, PostbackReply, PaymentSnapshot, Event as GeneratedEvent, Outcome as GeneratedOutcome, RedirectForm,
  FlocashPublicConfig, FlocashConfig, FlocashCustomer, FlocashOrder, FlocashNotification,
} from "./vpos_types.js";
export type {
  Amount, AmountInput, ErrorCode, ErrorInfo, ReportedStatus, GatewayName, PaymentStatus, Action, HttpMethod, HttpRequest,
  HttpResponse, PaymentSnapshot, RedirectForm, FlocashPublicConfig, FlocashConfig, FlocashCustomer, FlocashOrder,
  FlocashNotification,
} from "./vpos_types.js";
/** What a gateway reports (the generated ReportedStatus, by this package's name). */
export type Reported = ReportedStatus;
/** A verified fact about a payment (the generated Event). */
export type EventJson = GeneratedEvent;
/** What `transition` decided (the generated Outcome). */
export type OutcomeJson = GeneratedOutcome;
export type { GeneratedEvent as Event, GeneratedOutcome as Outcome };
export interface CurrencyInfo { code: string; numeric: number; exponent: number; name: string }

/** A thrown vpos failure: `code` is stable, `message` is prose for people. */
export interface VposError extends Error { name: "VposError"; code: ErrorCode; field: string | null }
export interface VposErrorJson { code: ErrorCode; field?: string | null; message: string }

/** What the host got for an HttpRequest: the response, or its own failure to get one (the generated PostbackReply). */
export type Reply = PostbackReply;
export interface FlocashStatus { status_code: string; status: Reported; label: string | null }

"#;

// The edge module's own types (gateways whose configurations hold secrets).
#[cfg(feature = "driver")]
#[wasm_bindgen(typescript_custom_section)]
const TS_EDGE_TYPES: &str = r#"
import type {
  Summary, PaymentFields, Verdict, OperationKind, OperationStatus, Operation, CecaCipher, CecaConfig, CecaOrder,
  CecaNotification, RedsysSignatureVersion, RedsysConfig, RedsysCofType, RedsysScaExemption, StoredCredential,
  RedsysOrder, RedsysOperation, RedsysNotification, ElavonConfig, ElavonOrder, ElavonRemoteOperation,
  ElavonNotification, PaypalNvpCredentials, PaypalConfig, PaypalOrder, PaypalExpressOrder, PaypalNotification,
  PaypalNvpReply, BitpayConfig, BitpayInvoiceRequest, BitpayInvoice, BitpayNotification, DriverOrder, OrderRequest,
  FlocashPollConfig, FlocashPolledPayment, FlocashPollReply, PaypalRestConfig, PaypalRestWebhook,
} from "./vpos_types.js";
export type {
  Summary, PaymentFields, Verdict, OperationKind, OperationStatus, Operation, CecaCipher, CecaConfig, CecaOrder,
  CecaNotification, RedsysSignatureVersion, RedsysConfig, RedsysCofType, RedsysScaExemption, RedsysOrder,
  RedsysOperation, RedsysNotification, ElavonConfig, ElavonOrder, ElavonRemoteOperation, ElavonNotification,
  PaypalNvpCredentials, PaypalConfig, PaypalOrder, PaypalExpressOrder, PaypalNotification, PaypalNvpReply,
  BitpayConfig, BitpayInvoiceRequest, BitpayInvoice, BitpayNotification, DriverOrder, OrderRequest,
  FlocashPollConfig, FlocashPolledPayment, FlocashPollReply, PaypalRestConfig, PaypalRestWebhook,
} from "./vpos_types.js";
/** Stored credentials (COF/MIT) and SCA (the generated StoredCredential). */
export type RedsysStoredCredential = StoredCredential;
/** A configuration for any gateway (the driver's `Config`): the gateway's keys with its name beside them. */
export type ConfigInput =
  | ({ gateway: "flocash" } & FlocashConfig)
  | ({ gateway: "redsys" } & RedsysConfig)
  | ({ gateway: "ceca" } & CecaConfig)
  | ({ gateway: "elavon" } & ElavonConfig)
  | ({ gateway: "paypal" } & PaypalConfig)
  | ({ gateway: "bitpay" } & BitpayConfig)
  | ({ gateway: "paypal_rest" } & PaypalRestConfig);
/** A configuration without its secret keys, tagged with `gateway`. */
export type PublicConfigView = { gateway: GatewayName } & Record<string, unknown>;
export type Notification = FlocashNotification | RedsysNotification | CecaNotification | ElavonNotification | PaypalNotification | BitpayNotification | PaypalRestWebhook;
/** What the host received for a notification. */
export interface NotificationRequest {
  body: string | Uint8Array | ArrayBuffer; headers?: Headers | [string, string][] | Record<string, string | string[] | undefined>;
  contentType?: string; query?: string; token?: string | undefined;
  /** The host's clock, seconds since the Unix epoch (PayPal REST's offline webhook verification). */
  nowUnix?: number | undefined;
}
export type Proof =
  | { verified: VerifiedNotification; request?: undefined; pending?: undefined }
  | { verified?: undefined; request: HttpRequest; pending: PendingNotification };
/** What to store and what to answer. */
export interface Answer { verdict: Verdict; response: HttpResponse; paymentFields: PaymentFields; error: VposErrorJson | null }
export type FetchFunction = (request: HttpRequest, options: { signal: AbortSignal }) => Promise<{ status: number; body: string | Uint8Array } | Response>;
/** The host's side of `handleNotification`. */
export interface HandleOptions {
  payment: PaymentSnapshot | ((event: EventJson, verified: VerifiedNotification) => PaymentSnapshot | null | undefined | Promise<PaymentSnapshot | null | undefined>);
  onReceived?: (received: { body: Uint8Array; headers: NotificationRequest["headers"]; contentType: string }) => void | Promise<void>;
  fetch?: FetchFunction; postback?: FetchFunction; timeoutMs?: number;
}
export interface NotificationResult extends HttpResponse {
  verdict: Verdict; outcome: OutcomeJson | null; error: VposErrorJson | null; event: EventJson | null;
  summary: Summary | null; paymentFields: PaymentFields; notification: Notification | null; rawBody: Uint8Array;
}
export type RedsysPublicConfig = Omit<RedsysConfig, "secret_key">;
export interface RedsysStatus { action: Action; status: Reported; response: string }
export type CecaPublicConfig = Omit<CecaConfig, "key">;
export type ElavonPublicConfig = Omit<ElavonConfig, "secret" | "rebate_password">;
/** PayPal Website Payments Standard settings: no secret (NVP credentials never go to a page). */
export type PaypalPublicConfig = Omit<PaypalConfig, "nvp">;
export type BitpayPublicConfig = Omit<BitpayConfig, "api_key" | "token" | "private_key" | "merchant_token">;
export interface BitpayCreated { invoice: BitpayInvoice; form: RedirectForm }
"#;

// FloCash polling's reply type names a FloCash class: only where the namespace is.
#[cfg(all(feature = "driver", feature = "flocash"))]
#[wasm_bindgen(typescript_custom_section)]
const TS_FLOCASH_EDGE_TYPES: &str = r#"
/** A polling reply read by `parsePollResponse`: the reply and one `PolledEvent` per payment. */
export interface FlocashPolled extends FlocashPollReply { events: flocash__PolledEvent[] }
"#;

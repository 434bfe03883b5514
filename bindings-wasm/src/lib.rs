//! # vpos-web
//!
//! The vpos core (`vpos-core`) in the browser and at the edge, through wasm-bindgen. The npm
//! package `vpos-web` is built from this crate (`scripts/build.sh`): an ES module for browsers,
//! bundlers, Deno and Workers-style runtimes, and a CommonJS build for Node.
//!
//! What it refuses to do: protocol logic. Every function here converts its arguments with the
//! core's own serde shapes, calls one core function, and converts the answer back; rules,
//! field orders, limits and messages all live in `core/`. Values cross as the JSON shapes of
//! `docs/conformance.md`, except that 64-bit integers (`minor`, `refunded_minor`) arrive as
//! `BigInt`: money never passes through a JS number. Failures are thrown as `Error` objects
//! (`name` `"VposError"`) with `code`, one of [`error_codes`], and `field`.
//!
//! What must stay out of a browser: anything holding a secret. `flocash.Gateway` carries
//! the notification token and is for servers and edge functions only; pages use
//! `flocash.checkoutPublic` / `flocash.validateOrder` with the public configuration, and
//! `renderForm` for a form the server built.
//!
//! Notifications and events are opaque classes (`flocash.UnverifiedNotification`,
//! `flocash.VerifiedNotification`, `Event`, `Outcome`): JS code can read them but has no way
//! to construct one, so a plain object can never pass for a verified payment event.

mod flocash;
mod form;
mod js;
mod money;
mod state;

use vpos_core::ErrorCode;
use wasm_bindgen::prelude::*;

/// Every code of the core's error catalogue, in catalogue order: the values `error.code`
/// can take.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> Vec<String> {
    ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect()
}

// The value types of the `.d.ts`: the core's JSON shapes (docs/conformance.md), as TypeScript.
// `ErrorCode` is appended by scripts/package.mjs from `errorCodes()`, so it cannot drift.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** An exact amount. `minor` is a BigInt: money never passes through a JS number. */
export interface Amount { minor: bigint; currency: string; value: string }
/** An amount on input: `minor` (a BigInt or safe integer) or the exact decimal `value`, or both if they agree. */
export type AmountInput =
  | { currency: string; minor: bigint | number; value?: string }
  | { currency: string; value: string; minor?: bigint | number };
export interface CurrencyInfo { code: string; numeric: number; exponent: number; name: string }

/** A thrown vpos failure: `code` is stable, `message` is prose for people. */
export interface VposError extends Error { name: "VposError"; code: ErrorCode; field: string | null }
export interface VposErrorJson { code: ErrorCode; field?: string | null; message: string }

export type HttpMethod = "GET" | "POST";
/** A form for the customer's browser to submit; `fields` in the gateway's documented order. */
export interface RedirectForm { action: string; method: HttpMethod; fields: [string, string][] }
/** A request the host must perform, then hand the reply back. */
export interface HttpRequest { method: HttpMethod; url: string; headers: [string, string][]; body: string }
/** The exact answer to give the gateway. */
export interface HttpResponse { status: number; headers: [string, string][]; body: string }
/** What the host got for an HttpRequest: the response, or its own failure to get one. */
export type Reply = { status: number; body: string } | { error: string };

export type GatewayName = "flocash";
export type PaymentStatus = "new" | "pending" | "authorized" | "paid" | "failed" | "cancelled"
  | "partially_refunded" | "refunded" | "charged_back";
export type Reported = "pending" | "authorized" | "succeeded" | "failed" | "cancelled" | "unknown";
export type Action = "sale" | "refund" | "chargeback" | "cancel" | "test";
/** What the host stored about a payment. */
export interface PaymentSnapshot {
  gateway: GatewayName; merchant: string; order_id: string; amount: AmountInput; status: PaymentStatus;
  live?: boolean; refunded_minor?: bigint | number; applied_event_keys?: string[];
}
export interface EventJson {
  gateway: GatewayName; key: string; merchant: string; order_id: string; transaction_id: string;
  amount: Amount; action: Action; status: Reported; status_code: string;
}
export type OutcomeJson =
  | { outcome: "applied"; from: PaymentStatus; to: PaymentStatus; refunded_minor: bigint }
  | { outcome: "already_applied" }
  | { outcome: "ignored"; reason: "stale" | "already_in_status" | "test_on_live_payment" | "not_completed" }
  | { outcome: "ignored"; reason: "unknown_status"; code: string }
  | { outcome: "rejected"; error: VposErrorJson };

/** The FloCash settings a browser may see: no secret. */
export interface FlocashPublicConfig {
  merchant: string; merchant_name: string; checkout_url: string;
  image_url?: string | null; return_url?: string | null; cancel_url?: string | null; notify_url?: string | null;
}
/** A FloCash merchant account. Holds the notification token: servers and edge functions only. */
export interface FlocashConfig extends FlocashPublicConfig { base_url: string; notification_token: string }
export interface FlocashCustomer {
  first_name?: string | null; last_name?: string | null; address?: string | null; city?: string | null;
  state?: string | null; postal_code?: string | null; email?: string | null; mobile?: string | null;
}
export interface FlocashOrder {
  order_id: string; custom: string; item_name: string; item_price: AmountInput; quantity: number;
  amount?: AmountInput | null; country?: string | null; payment_option?: string | null;
  customer?: FlocashCustomer; return_url?: string | null; cancel_url?: string | null;
  notify_url?: string | null; extra?: [string, string][];
}
export interface FlocashNotification {
  merchant: string; sender_acct: string | null; order_id: string; amount: Amount; item_name: string | null;
  item_price: Amount | null; currency_code: string; quantity: number | null; trans_id: string; fpn_id: string;
  custom: string | null; customer: string | null; status_code: string; status: Reported;
  status_msg: string | null; payer_email: string | null; payment_channel: string | null;
  txn_partner_ref: string | null; action: Action; extra: [string, string][];
}
export interface FlocashStatus { status_code: string; status: Reported; label: string | null }
"#;

//! Status queries and retries of the driver, edge module only, with the Node package's names
//! and shapes (`supportsStatusQuery`, `statusQueryRequest`, `parseStatusReply`,
//! `operationKey`, `supportsIdempotencyKey`, `retryAfter`, `paymentAmounts`; the async
//! `statusQuery` is JS glue, js/edge-glue.js). A query's events
//! are `StatusEvent` handles, which the glue's `transition` takes as it takes an operation's
//! reply: a plain object cannot pass for the gateway's answer.

use std::cell::OnceCell;

use serde::Serialize;
use vpos_core::driver::{self, Failure, OperationKind, RetryPolicy, StatusQuery};
use vpos_core::{ErrorCode, PaymentSnapshot, Reply, Verified};
use wasm_bindgen::prelude::*;

use crate::driver::{DriverConfig, cached, gateway_of, word};
use crate::js::{Arg, Thrown, from_js, to_js};

#[wasm_bindgen(typescript_custom_section)]
const TS_QUERY_TYPES: &str = r#"
/** What the host knows of the payment it asks about (the core's StatusQuery; docs/status-queries.md). */
export interface StatusQuery { order_id: string; amount: AmountInput; transaction_id?: string; reference?: string; timestamp?: string; since?: string }
/** What a status query's reply says: `found`, the events for `transition` in the order they happened, and the payment fields. */
export interface StatusReply { found: boolean; events: StatusEvent[]; paymentFields: PaymentFields }
/** How often and how patiently an operation is sent again; a missing key takes the default's (3 attempts, 500 ms, 5000 ms). */
export interface RetryPolicy { max_attempts?: number; base_delay_ms?: number; max_delay_ms?: number }
/** How an attempt failed: never sent, no answer, refused, or the reply the core could not use. */
export type RetryFailure = "not_sent" | "no_answer" | "refused" | Reply;
/** What a payment has taken and may still take, and the operations it allows now. */
export interface PaymentAmounts { captured_minor: bigint; capturable_minor: bigint; refundable_minor: bigint; operations: OperationKind[] }
"#;

/// A whole number in `0..=u32::MAX` from a JS number (`field_invalid` on `field` otherwise).
fn count(value: f64, field: &'static str) -> Result<u32, Thrown> {
    if value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value) {
        Ok(value as u32)
    } else {
        Err(Thrown::new(
            ErrorCode::FieldInvalid,
            Some(field),
            &format!("{field} must be a non-negative integer"),
        ))
    }
}

/// Whether the gateway answers a status query in vpos.
#[wasm_bindgen(js_name = supportsStatusQuery)]
pub fn supports_status_query(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<bool, Thrown> {
    Ok(driver::supports_status_query(gateway_of(&gateway)?))
}

/// The status query for `query`: PayPal needs the stored `transaction_id`, Bitpay the invoice
/// `reference`; a gateway without a query is `unsupported` on `gateway`.
#[wasm_bindgen(js_name = statusQueryRequest, unchecked_return_type = "HttpRequest")]
pub fn status_query_request(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "StatusQuery")] query: JsValue,
) -> Result<JsValue, Thrown> {
    let query: StatusQuery = from_js(query, Arg::value("query"))?;
    to_js(&driver::status_query_request(&config.inner, &query)?)
}

/// One event of a status query's answer, for `transition`.
#[wasm_bindgen]
pub struct StatusEvent {
    event: Verified<vpos_core::Event>,
    event_js: OnceCell<JsValue>,
}

#[wasm_bindgen]
impl StatusEvent {
    /// The event, with the key the gateway's notification gives the same fact.
    #[wasm_bindgen(getter, unchecked_return_type = "EventJson")]
    pub fn event(&self) -> Result<JsValue, Thrown> {
        cached(&self.event_js, || to_js(&*self.event))
    }
}

/// Reads the reply to `statusQueryRequest`'s request (`{error}` when none came):
/// `{found, events, paymentFields}`.
#[wasm_bindgen(js_name = parseStatusReply, unchecked_return_type = "StatusReply")]
pub fn parse_status_reply(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "StatusQuery")] query: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
) -> Result<JsValue, Thrown> {
    let query: StatusQuery = from_js(query, Arg::value("query"))?;
    let reply: Reply = from_js(reply, Arg::value("reply"))?;
    let r = driver::parse_status_reply(&config.inner, &query, &reply)?;
    let events = js_sys::Array::new();
    for event in r.events {
        events.push(&JsValue::from(StatusEvent {
            event,
            event_js: OnceCell::new(),
        }));
    }
    let out = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&out, &key.into(), value);
    let fields = to_js(&r.payment_fields)?;
    // Setting a key on a fresh plain object cannot fail.
    let _ = set("found", &JsValue::from_bool(r.found));
    let _ = set("events", &events);
    let _ = set("paymentFields", &fields);
    Ok(out.into())
}

/// `transition(payment, event)` for a status query's event (the JS glue's `transition`).
#[wasm_bindgen(js_name = transitionStatusEvent, skip_typescript)]
pub fn transition_status_event(payment: JsValue, event: &StatusEvent) -> Result<JsValue, Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    to_js(&vpos_core::transition(&payment, &event.event))
}

/// The idempotency key of an operation (`vpos1-` and 32 hex digits): the same inputs give the
/// same key in every runtime; `sequence` counts the operations of `kind` on the payment.
#[wasm_bindgen(js_name = operationKey)]
pub fn operation_key(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
    merchant: &str,
    order_id: &str,
    #[wasm_bindgen(unchecked_param_type = "OperationKind")] kind: &str,
    sequence: f64,
) -> Result<String, Thrown> {
    let g = gateway_of(&gateway)?;
    let kind: OperationKind = word(kind, "kind")?;
    let sequence = count(sequence, "sequence")?;
    Ok(driver::operation_key(g, merchant, order_id, kind, sequence))
}

/// Whether the gateway's operation API dedupes a resent operation by its idempotency key.
#[wasm_bindgen(js_name = supportsIdempotencyKey)]
pub fn supports_idempotency_key(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<bool, Thrown> {
    Ok(driver::supports_idempotency_key(gateway_of(&gateway)?))
}

/// After attempt `attempt` (1-based) of an operation failed with `failure`: the wait in
/// milliseconds before sending it again, or `null` to stop. No jitter: add your own.
#[wasm_bindgen(js_name = retryAfter, unchecked_return_type = "number | null")]
pub fn retry_after(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
    attempt: f64,
    #[wasm_bindgen(unchecked_param_type = "RetryFailure")] failure: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RetryPolicy | null")] policy: JsValue,
) -> Result<JsValue, Thrown> {
    let g = gateway_of(&gateway)?;
    let attempt = count(attempt, "attempt")?;
    let failure: Failure = match failure.as_string() {
        Some(name) => word(&name, "failure")?,
        None => Failure::of_reply(&from_js::<Reply>(failure, Arg::value("reply"))?),
    };
    let policy: RetryPolicy = if policy.is_undefined() || policy.is_null() {
        RetryPolicy::default()
    } else {
        from_js(policy, Arg::value("policy"))?
    };
    // A wait in milliseconds, capped by the policy: a JS number holds it exactly.
    Ok(driver::retry_after(&policy, g, attempt, &failure)
        .map_or(JsValue::NULL, |ms| JsValue::from_f64(ms as f64)))
}

/// What a payment has taken and may still take.
#[derive(Serialize)]
struct Amounts {
    captured_minor: i64,
    capturable_minor: i64,
    refundable_minor: i64,
    operations: Vec<&'static str>,
}

/// `{captured_minor, capturable_minor, refundable_minor, operations}` of a payment snapshot.
#[wasm_bindgen(js_name = paymentAmounts, unchecked_return_type = "PaymentAmounts")]
pub fn payment_amounts(
    #[wasm_bindgen(unchecked_param_type = "PaymentSnapshot")] payment: JsValue,
) -> Result<JsValue, Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    to_js(&Amounts {
        captured_minor: payment.captured(),
        capturable_minor: payment.capturable(),
        refundable_minor: payment.refundable(),
        operations: vpos_core::state::operations_for(&payment)
            .iter()
            .map(|k| k.as_str())
            .collect(),
    })
}

//! Status queries and retries of the driver (`vpos_core::driver::status_query_request`,
//! `parse_status_reply`, `operation_key`, `retry_after`) and a payment's amounts
//! (`PaymentSnapshot::{captured, capturable, refundable}`, `state::operations_for`).
//! `lib/driver.js` wraps these into `statusQueryRequest`, `parseStatusReply`, `statusQuery`,
//! `operationKey`, `supportsIdempotencyKey`, `retryAfter` and `paymentAmounts`.
//!
//! A query's events stay native handles (napi type tags), as an operation reply's does, so
//! `transition` takes the handle and a plain object cannot pass for a gateway's answer.

use napi::Env;
use napi_derive::napi;
use serde::Serialize;
use serde_json::Value;
use vpos_core::driver::{self, Failure, OperationKind, RetryPolicy, StatusQuery};
use vpos_core::{Error, ErrorCode, PaymentSnapshot, Reply, Verified};

use crate::driver::DriverConfig;
use crate::error::OrThrow;
use crate::wire::{Role, parse, to_json};

fn gateway(env: &Env, name: &str) -> napi::Result<vpos_core::gateways::Gateway> {
    driver::gateway(name).or_throw(env)
}

/// A word (`"refund"`, `"not_sent"`) read as a core enum through the core's conversion.
fn word<T: serde::de::DeserializeOwned>(
    env: &Env,
    word: &str,
    field: &'static str,
) -> napi::Result<T> {
    vpos_core::json::from_value(&Value::String(word.to_string()), ErrorCode::FieldInvalid)
        .map_err(|e: Error| {
            Error::new(e.code(), format!("{field}: {}", e.message())).with_field(field)
        })
        .or_throw(env)
}

/// `supports_status_query(gateway)`.
#[napi]
pub fn driver_supports_status_query(env: Env, gateway_name: String) -> napi::Result<bool> {
    Ok(driver::supports_status_query(gateway(&env, &gateway_name)?))
}

/// `status_query_request(config, query)` as `HttpRequest` JSON.
#[napi]
pub fn driver_status_query_request(
    env: Env,
    config: &DriverConfig,
    query: String,
) -> napi::Result<String> {
    let query: StatusQuery = parse(&query, Role::Data).or_throw(&env)?;
    driver::status_query_request(&config.inner, &query)
        .map(|request| to_json(&request))
        .or_throw(&env)
}

/// One event of a status query's answer, for `transition` (authentic: the host's own
/// authenticated call to the gateway).
#[napi]
pub struct DriverStatusEvent {
    event: Verified<vpos_core::Event>,
}

#[napi]
impl DriverStatusEvent {
    /// The event as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&*self.event)
    }
}

/// What `parse_status_reply` read: `found`, the events (each taken once) and the payment
/// fields.
#[napi]
pub struct DriverStatusReply {
    found: bool,
    events: Vec<Verified<vpos_core::Event>>,
    payment_fields: driver::PaymentFields,
}

#[napi]
impl DriverStatusReply {
    /// Whether the gateway knows the transaction.
    #[napi(getter)]
    pub fn found(&self) -> bool {
        self.found
    }

    /// The events, in the order they happened, as handles (taken once: a second call is empty).
    #[napi]
    pub fn take_events(&mut self) -> Vec<DriverStatusEvent> {
        std::mem::take(&mut self.events)
            .into_iter()
            .map(|event| DriverStatusEvent { event })
            .collect()
    }

    /// The payment fields as JSON.
    #[napi]
    pub fn payment_fields_json(&self) -> String {
        to_json(&self.payment_fields)
    }
}

/// `parse_status_reply(config, query, reply)`.
#[napi]
pub fn driver_parse_status_reply(
    env: Env,
    config: &DriverConfig,
    query: String,
    reply: String,
) -> napi::Result<DriverStatusReply> {
    let query: StatusQuery = parse(&query, Role::Data).or_throw(&env)?;
    let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
    driver::parse_status_reply(&config.inner, &query, &reply)
        .map(|r| DriverStatusReply {
            found: r.found,
            events: r.events,
            payment_fields: r.payment_fields,
        })
        .or_throw(&env)
}

/// `transition(payment, event)` for a status query's event, as `Outcome` JSON.
#[napi]
pub fn driver_transition_status_event(
    env: Env,
    payment: String,
    event: &DriverStatusEvent,
) -> napi::Result<String> {
    crate::gateway::transition_json(&env, &payment, &event.event)
}

/// `operation_key(gateway, merchant, order_id, kind, sequence)`.
#[napi]
pub fn driver_operation_key(
    env: Env,
    gateway_name: String,
    merchant: String,
    order_id: String,
    kind: String,
    sequence: u32,
) -> napi::Result<String> {
    let g = gateway(&env, &gateway_name)?;
    let kind: OperationKind = word(&env, &kind, "kind")?;
    Ok(driver::operation_key(
        g, &merchant, &order_id, kind, sequence,
    ))
}

/// `supports_idempotency_key(gateway)`.
#[napi]
pub fn driver_supports_idempotency_key(env: Env, gateway_name: String) -> napi::Result<bool> {
    Ok(driver::supports_idempotency_key(gateway(
        &env,
        &gateway_name,
    )?))
}

/// `retry_after(policy, gateway, attempt, failure)`: the wait in milliseconds, or `None`.
/// `failure` is a word (`"not_sent"`, `"no_answer"`, `"refused"`) or, with `is_reply`, the
/// `Reply` JSON the core could not use; `policy` is `RetryPolicy` JSON, or the default.
#[napi]
pub fn driver_retry_after(
    env: Env,
    gateway_name: String,
    attempt: u32,
    failure: String,
    is_reply: bool,
    policy: Option<String>,
) -> napi::Result<Option<f64>> {
    let g = gateway(&env, &gateway_name)?;
    let failure: Failure = if is_reply {
        let reply: Reply = parse(&failure, Role::Data).or_throw(&env)?;
        Failure::of_reply(&reply)
    } else {
        word(&env, &failure, "failure")?
    };
    let policy: RetryPolicy = match policy {
        Some(p) => parse(&p, Role::Data).or_throw(&env)?,
        None => RetryPolicy::default(),
    };
    // A wait in milliseconds: a JS number holds any sane one exactly (capped by the policy).
    Ok(driver::retry_after(&policy, g, attempt, &failure).map(|ms| ms as f64))
}

/// What a payment has taken and may still take.
#[derive(Serialize)]
struct Amounts {
    captured_minor: i64,
    capturable_minor: i64,
    refundable_minor: i64,
    operations: Vec<&'static str>,
}

/// `PaymentSnapshot::{captured, capturable, refundable}` and `state::operations_for` as JSON
/// (`{captured_minor, capturable_minor, refundable_minor, operations}`).
#[napi]
pub fn driver_payment_amounts(env: Env, payment: String) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&Amounts {
        captured_minor: payment.captured(),
        capturable_minor: payment.capturable(),
        refundable_minor: payment.refundable(),
        operations: vpos_core::state::operations_for(&payment)
            .iter()
            .map(|k| k.as_str())
            .collect(),
    }))
}

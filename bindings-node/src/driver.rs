//! The gateway-neutral driver (`vpos_core::driver`): one configuration class, one notification
//! path and one operation path for every gateway. `lib/driver.js` wraps these into the public
//! `Config`, `parseNotification`, `prove`, `acknowledge`, `reject`, the operations and the one
//! `handleNotification`.
//!
//! Handles stay native and opaque (napi type tags): a JavaScript object cannot pass for a
//! verified notification. Each exposes its parts as JSON text read on demand (`lib/driver.js`
//! decodes and caches), never the whole notification on every access.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::Value;
use vpos_core::driver::{self, Notification, Operation, OperationKind, OperationStatus};
use vpos_core::gateways::Gateway;
use vpos_core::{Error, ErrorCode, PaymentSnapshot, PaymentStatus, Reply, Unverified, Verified};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, to_json, value};

fn gateway(env: &Env, name: &str) -> napi::Result<Gateway> {
    driver::gateway(name).or_throw(env)
}

/// A word (`"refund"`, `"paid"`) read as a core enum through the core's conversion.
fn word<T: DeserializeOwned>(env: &Env, word: &str, field: &'static str) -> napi::Result<T> {
    vpos_core::json::from_value(&Value::String(word.to_string()), ErrorCode::FieldInvalid)
        .map_err(|e: Error| {
            Error::new(e.code(), format!("{field}: {}", e.message())).with_field(field)
        })
        .or_throw(env)
}

/// A merchant account's configuration, whichever gateway: the core's tagged
/// `{gateway, ...}` shape, read by `Config::from_json` (the core's one conversion, then the
/// gateway's `validate`). The secrets never leave the native side.
#[napi]
pub struct DriverConfig {
    pub(crate) inner: driver::Config,
}

#[napi]
impl DriverConfig {
    /// `Config::from_json` on the JSON text `lib/json.js` wrote.
    #[napi(constructor)]
    pub fn new(env: Env, config: String) -> napi::Result<Self> {
        let config = value(&config).or_throw(&env)?;
        driver::Config::from_json(&config)
            .map(|inner| DriverConfig { inner })
            .or_throw(&env)
    }

    /// The gateway's name.
    #[napi(getter)]
    pub fn gateway(&self) -> String {
        self.inner.gateway().as_str().to_string()
    }

    /// The secret keys, as dotted paths (`nvp.password`).
    #[napi(getter)]
    pub fn secret_keys(&self) -> Vec<String> {
        self.inner
            .secret_keys()
            .iter()
            .map(|k| k.to_string())
            .collect()
    }

    /// `Config::public` as JSON: tagged, without the secret keys.
    #[napi]
    pub fn public_json(&self) -> String {
        to_json(&self.inner.public())
    }

    /// `Config::check_token`: the notification URL's token, for gateways guarded by one.
    #[napi]
    pub fn check_token(&self, env: Env, token: Option<String>) -> napi::Result<()> {
        self.inner.check_token(token.as_deref()).or_throw(&env)
    }
}

/// Every gateway the driver speaks, in the order hosts list them.
#[napi]
pub fn driver_gateways() -> Vec<String> {
    driver::GATEWAYS
        .iter()
        .map(|g| g.as_str().to_string())
        .collect()
}

/// `secret_keys(gateway)`.
#[napi]
pub fn driver_secret_keys(env: Env, gateway_name: String) -> napi::Result<Vec<String>> {
    let g = gateway(&env, &gateway_name)?;
    Ok(driver::secret_keys(g)
        .iter()
        .map(|k| k.to_string())
        .collect())
}

/// `max_body_bytes(gateway)`.
#[napi]
pub fn driver_max_body_bytes(env: Env, gateway_name: String) -> napi::Result<u32> {
    let g = gateway(&env, &gateway_name)?;
    Ok(u32::try_from(driver::max_body_bytes(g)).unwrap_or(u32::MAX))
}

/// A parsed notification whose authenticity is not proven yet.
#[napi]
pub struct DriverUnverified {
    pub(crate) inner: Unverified<Notification>,
}

#[napi]
impl DriverUnverified {
    /// The gateway's name.
    #[napi(getter)]
    pub fn gateway(&self) -> String {
        self.inner.untrusted().gateway().as_str().to_string()
    }

    /// `summary()` as JSON: order id, transaction id, status code, amount (untrusted).
    #[napi]
    pub fn summary_json(&self) -> String {
        to_json(&self.inner.summary())
    }

    /// The gateway's own notification as JSON (`{gateway, notification}`), untrusted.
    #[napi]
    pub fn notification_json(&self) -> String {
        to_json(self.inner.untrusted())
    }

    /// The body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.untrusted().raw_body())
    }
}

/// A notification proven authentic (its status may still be a decline).
#[napi]
pub struct DriverVerified {
    pub(crate) inner: Verified<Notification>,
}

#[napi]
impl DriverVerified {
    /// The gateway's name.
    #[napi(getter)]
    pub fn gateway(&self) -> String {
        self.inner.gateway().as_str().to_string()
    }

    /// `summary()` as JSON.
    #[napi]
    pub fn summary_json(&self) -> String {
        to_json(&self.inner.summary())
    }

    /// `event()` as JSON: the gateway-neutral event with its idempotency key.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&self.inner.event())
    }

    /// `payment_fields()` as JSON (what to store once a sale applied; see `acknowledge`).
    #[napi]
    pub fn payment_fields_json(&self) -> String {
        to_json(&self.inner.payment_fields())
    }

    /// The gateway's own notification as JSON (`{gateway, notification}`).
    #[napi]
    pub fn notification_json(&self) -> String {
        to_json(&*self.inner)
    }

    /// The body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.raw_body())
    }
}

/// A notification waiting for the gateway's reply to the request `prove` described.
#[napi]
pub struct DriverPending {
    inner: driver::Pending,
}

#[napi]
impl DriverPending {
    /// `summary()` as JSON (untrusted).
    #[napi]
    pub fn summary_json(&self) -> String {
        to_json(&self.inner.summary())
    }

    /// `Pending::finish` with the host's `Reply` JSON. The handle stays usable: a host may
    /// retry after `postback_failed`.
    #[napi]
    pub fn finish_json(
        &self,
        env: Env,
        config: &DriverConfig,
        reply: String,
    ) -> napi::Result<DriverVerified> {
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
        self.inner
            .clone()
            .finish(&config.inner, &reply)
            .map(|inner| DriverVerified { inner })
            .or_throw(&env)
    }
}

/// What `prove` got to: a verified notification, or the request to perform and the pending
/// notification. Each part is taken once.
#[napi]
pub struct DriverProof {
    verified: Option<Verified<Notification>>,
    request: Option<String>,
    pending: Option<driver::Pending>,
}

#[napi]
impl DriverProof {
    /// The verified notification, when proven on the spot.
    #[napi]
    pub fn take_verified(&mut self) -> Option<DriverVerified> {
        self.verified.take().map(|inner| DriverVerified { inner })
    }

    /// The request to perform (`HttpRequest` JSON), when the gateway must be asked.
    #[napi]
    pub fn request_json(&self) -> Option<String> {
        self.request.clone()
    }

    /// The notification awaiting the reply.
    #[napi]
    pub fn take_pending(&mut self) -> Option<DriverPending> {
        self.pending.take().map(|inner| DriverPending { inner })
    }
}

/// `parse_notification(config, request)`; FloCash checks `token` first. `headers` (`[name,
/// value]` pairs) and `now_unix` (the host's clock) are read by PayPal REST webhooks.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn driver_parse_notification(
    env: Env,
    config: &DriverConfig,
    content_type: String,
    body: &[u8],
    query: String,
    token: Option<String>,
    headers: Option<Vec<Vec<String>>>,
    now_unix: Option<i64>,
) -> napi::Result<DriverUnverified> {
    let headers: Vec<(&str, &str)> = headers
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|pair| match pair.as_slice() {
            [name, value] => Ok((name.as_str(), value.as_str())),
            _ => Err(vpos_core::Error::new(
                vpos_core::ErrorCode::FieldInvalid,
                "each header must be a [name, value] pair",
            )
            .with_field("headers")),
        })
        .collect::<Result<_, _>>()
        .or_throw(&env)?;
    let request = driver::Request {
        content_type: &content_type,
        body,
        query: &query,
        token: token.as_deref(),
        headers: &headers,
        now_unix,
    };
    driver::parse_notification(&config.inner, &request)
        .map(|inner| DriverUnverified { inner })
        .or_throw(&env)
}

/// `prove(config, unverified)`. The unverified handle stays usable (the core takes a copy).
#[napi]
pub fn driver_prove(
    env: Env,
    config: &DriverConfig,
    unverified: &DriverUnverified,
) -> napi::Result<DriverProof> {
    let proof = driver::prove(&config.inner, unverified.inner.clone()).or_throw(&env)?;
    Ok(match proof {
        driver::Proof::Verified(v) => DriverProof {
            verified: Some(v),
            request: None,
            pending: None,
        },
        driver::Proof::NeedsReply { request, pending } => DriverProof {
            verified: None,
            request: Some(to_json(&request)),
            pending: Some(pending),
        },
    })
}

/// `transition(payment, verified.event())` as `Outcome` JSON.
#[napi]
pub fn driver_transition(
    env: Env,
    payment: String,
    verified: &DriverVerified,
) -> napi::Result<String> {
    crate::gateway::transition_json(&env, &payment, &verified.inner.event())
}

/// `acknowledge(config, verified, outcome)` as `Answer` JSON.
#[napi]
pub fn driver_acknowledge(
    env: Env,
    config: &DriverConfig,
    verified: &DriverVerified,
    outcome: String,
) -> napi::Result<String> {
    let outcome = parse_outcome(&outcome).or_throw(&env)?;
    driver::acknowledge(&config.inner, &verified.inner, &outcome)
        .map(|answer| to_json(&answer))
        .or_throw(&env)
}

/// `reject(gateway, error)` as `Answer` JSON (`error` is `{code, field, message}`).
#[napi]
pub fn driver_reject(env: Env, gateway_name: String, error: String) -> napi::Result<String> {
    let g = gateway(&env, &gateway_name)?;
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&driver::reject(g, &error)))
}

/// `reject_unread(gateway)`: a body over `max_body_bytes`, refused unread.
#[napi]
pub fn driver_reject_unread(env: Env, gateway_name: String) -> napi::Result<String> {
    Ok(to_json(&driver::reject_unread(gateway(
        &env,
        &gateway_name,
    )?)))
}

/// `unknown_account(gateway)`: the URL names no configured account.
#[napi]
pub fn driver_unknown_account(env: Env, gateway_name: String) -> napi::Result<String> {
    Ok(to_json(&driver::unknown_account(gateway(
        &env,
        &gateway_name,
    )?)))
}

/// `payment_not_found(gateway, order_id)`.
#[napi]
pub fn driver_payment_not_found(
    env: Env,
    gateway_name: String,
    order_id: String,
) -> napi::Result<String> {
    let g = gateway(&env, &gateway_name)?;
    Ok(to_json(&driver::payment_not_found(g, &order_id)))
}

/// The operations a payment's status allows (`state::allowed_operations`).
#[napi]
pub fn driver_allowed_operations(env: Env, status: String) -> napi::Result<Vec<String>> {
    let status: PaymentStatus = word(&env, &status, "status")?;
    Ok(vpos_core::state::allowed_operations(status)
        .iter()
        .map(|k| k.as_str().to_string())
        .collect())
}

/// The operations vpos can ask of `gateway`.
#[napi]
pub fn driver_supported_operations(env: Env, gateway_name: String) -> napi::Result<Vec<String>> {
    let g = gateway(&env, &gateway_name)?;
    Ok(driver::supported_operations(g)
        .iter()
        .map(|k| k.as_str().to_string())
        .collect())
}

/// `state::check_operation(payment, kind, amount_minor, in_flight_minor)`; the minor units
/// arrive as decimal text (from a `bigint`).
#[napi]
pub fn driver_check_operation(
    env: Env,
    payment: String,
    kind: String,
    amount_minor: String,
    in_flight_minor: String,
) -> napi::Result<()> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    let kind: OperationKind = word(&env, &kind, "kind")?;
    let minor = |text: &str, field: &'static str| {
        text.parse::<i64>()
            .map_err(|_| {
                Error::new(
                    ErrorCode::FieldInvalid,
                    format!("{field} must be a 64-bit bigint"),
                )
                .with_field(field)
            })
            .or_throw(&env)
    };
    let amount = minor(&amount_minor, "amount")?;
    let in_flight = minor(&in_flight_minor, "in_flight_minor")?;
    vpos_core::state::check_operation(&payment, kind, amount, in_flight).or_throw(&env)
}

/// `operation_request(config, operation)` as `HttpRequest` JSON.
#[napi]
pub fn driver_operation_request(
    env: Env,
    config: &DriverConfig,
    operation: String,
) -> napi::Result<String> {
    let operation: Operation = parse(&operation, Role::Data).or_throw(&env)?;
    driver::operation_request(&config.inner, &operation)
        .map(|request| to_json(&request))
        .or_throw(&env)
}

/// The verified reply to an operation: its event (for `transition`) and payment fields.
#[napi]
pub struct DriverOperationReply {
    event: Verified<vpos_core::Event>,
    payment_fields: driver::PaymentFields,
}

#[napi]
impl DriverOperationReply {
    /// The event as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&*self.event)
    }

    /// The payment fields as JSON.
    #[napi]
    pub fn payment_fields_json(&self) -> String {
        to_json(&self.payment_fields)
    }
}

/// `parse_operation_reply(config, operation, reply)`.
#[napi]
pub fn driver_parse_operation_reply(
    env: Env,
    config: &DriverConfig,
    operation: String,
    reply: String,
) -> napi::Result<DriverOperationReply> {
    let operation: Operation = parse(&operation, Role::Data).or_throw(&env)?;
    let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
    driver::parse_operation_reply(&config.inner, &operation, &reply)
        .map(|r| DriverOperationReply {
            event: r.event,
            payment_fields: r.payment_fields,
        })
        .or_throw(&env)
}

/// `transition(payment, reply.event)` for an operation's verified reply, as `Outcome` JSON.
#[napi]
pub fn driver_transition_reply(
    env: Env,
    payment: String,
    reply: &DriverOperationReply,
) -> napi::Result<String> {
    crate::gateway::transition_json(&env, &payment, &reply.event)
}

/// `OperationStatus::after_reply(kind, reply.event, outcome)` as `{state, code}` JSON.
#[napi]
pub fn driver_operation_status_after_reply(
    env: Env,
    kind: String,
    reply: &DriverOperationReply,
    outcome: String,
) -> napi::Result<String> {
    let kind: OperationKind = word(&env, &kind, "kind")?;
    let outcome = parse_outcome(&outcome).or_throw(&env)?;
    Ok(to_json(&OperationStatus::after_reply(
        kind,
        &reply.event,
        &outcome,
    )))
}

/// `OperationStatus::after_error(error)` as `{state, code}` JSON.
#[napi]
pub fn driver_operation_status_after_error(env: Env, error: String) -> napi::Result<String> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&OperationStatus::after_error(&error)))
}

/// `checkout(config, order)` (`order`: the tagged `{gateway, ...}` shape) as JSON:
/// `{"form": RedirectForm}` or, when the gateway makes its page by API (Bitpay),
/// `{"request": HttpRequest}`.
#[napi]
pub fn driver_checkout(env: Env, config: &DriverConfig, order: String) -> napi::Result<String> {
    let order = value(&order).or_throw(&env)?;
    let order = driver::Order::from_json(&order).or_throw(&env)?;
    match driver::checkout(&config.inner, &order).or_throw(&env)? {
        driver::Checkout::Form(form) => Ok(to_json(&serde_json::json!({ "form": form }))),
        driver::Checkout::NeedsReply(request) => {
            Ok(to_json(&serde_json::json!({ "request": request })))
        }
    }
}

/// `Order::for_payment(gateway, request)` as the tagged order JSON.
#[napi]
pub fn driver_order_for_payment(
    env: Env,
    gateway_name: String,
    request: String,
) -> napi::Result<String> {
    let g = gateway(&env, &gateway_name)?;
    let request: driver::OrderRequest = parse(&request, Role::Data).or_throw(&env)?;
    driver::Order::for_payment(g, &request)
        .map(|order| to_json(&order))
        .or_throw(&env)
}

/// `parse_checkout_reply(config, reply)` as `{"form", "reference"}` JSON.
#[napi]
pub fn driver_parse_checkout_reply(
    env: Env,
    config: &DriverConfig,
    reply: String,
) -> napi::Result<String> {
    let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
    driver::parse_checkout_reply(&config.inner, &reply)
        .map(|done| to_json(&done))
        .or_throw(&env)
}

/// `new_order_id(gateway, prefix, random)`: a fresh id where the gateway shapes it (Redsys).
#[napi]
pub fn driver_new_order_id(
    env: Env,
    gateway_name: String,
    prefix: String,
    random: Buffer,
) -> napi::Result<Option<String>> {
    let g = gateway(&env, &gateway_name)?;
    driver::new_order_id(g, &prefix, &random).or_throw(&env)
}

//! FloCash: the gateway class with the verbs of design §2, and the config-free functions.

use napi::Env;
use napi_derive::napi;
use vpos_core::gateways::flocash::{self, Order, PollConfig, PublicConfig, Timestamp};
use vpos_core::{Amount, Event, PaymentSnapshot, Reply};

use crate::error::OrThrow;
use crate::notification::{FlocashUnverifiedNotification, FlocashVerifiedNotification};
use crate::wire::{Role, parse, to_json};

gateway_class! {
    /// One FloCash merchant account. The configuration lives on the Rust side only: the
    /// notification token never becomes a JavaScript property.
    FlocashGateway(flocash::Config) {
        public_config: |config| to_json(&config.public()),
        checkout: Order,
        notifications: FlocashUnverifiedNotification,
        postback: FlocashVerifiedNotification,
    }
}

#[napi]
impl FlocashGateway {
    /// The merchant account (public).
    #[napi(getter)]
    pub fn merchant(&self) -> String {
        self.config.merchant.clone()
    }

    /// `Config::postback_url`.
    #[napi]
    pub fn postback_url(&self, env: Env) -> napi::Result<String> {
        self.config.postback_url().or_throw(&env)
    }

    /// `Config::check_token`, in constant time.
    #[napi]
    pub fn check_token(&self, env: Env, token: String) -> napi::Result<()> {
        self.config.check_token(&token).or_throw(&env)
    }

    /// `flocash::refund_request`: FloCash has no refund API, so always `unsupported`.
    #[napi]
    pub fn refund_request(&self, env: Env, order_id: String, amount: String) -> napi::Result<()> {
        let amount: Amount = parse(&amount, Role::Data).or_throw(&env)?;
        flocash::refund_request(&self.config, &order_id, amount)
            .map(|_| ())
            .or_throw(&env)
    }
}

/// `flocash::checkout_public`: the checkout form from the token-free `PublicConfig`.
#[napi]
pub fn flocash_checkout_public(
    env: Env,
    public_config: String,
    order: String,
) -> napi::Result<String> {
    let config: PublicConfig = parse(&public_config, Role::Config).or_throw(&env)?;
    let order: Order = parse(&order, Role::Data).or_throw(&env)?;
    flocash::checkout_public(&config, &order)
        .map(|form| to_json(&form))
        .or_throw(&env)
}

/// `Order::validate`: the order's field rules, for field errors before submit (browser-safe).
#[napi]
pub fn flocash_validate_order(env: Env, order: String) -> napi::Result<()> {
    let order: Order = parse(&order, Role::Data).or_throw(&env)?;
    order.validate().or_throw(&env)
}

/// A FloCash status code normalised, mapped into the unified model, and labelled:
/// `{status_code, status, label}`.
#[napi]
pub fn flocash_status(env: Env, code: String) -> napi::Result<String> {
    let code = flocash::normalize_status(&code).or_throw(&env)?;
    Ok(serde_json::json!({
        "status_code": code,
        "status": flocash::map_status(&code).as_str(),
        "label": flocash::status_label(&code),
    })
    .to_string())
}

notification_functions! {
    flocash;
    acknowledge: flocash_acknowledge;
    reject: flocash_reject;
}

/// `flocash::poll_by_reference_request`: the SOAP `pollPayInbyRef` request (`PollConfig` JSON
/// in, `HttpRequest` JSON out; the body carries the API password).
#[napi]
pub fn flocash_poll_by_reference_request(
    env: Env,
    poll_config: String,
    trace_number: String,
) -> napi::Result<String> {
    let config: PollConfig = parse(&poll_config, Role::Config).or_throw(&env)?;
    flocash::poll_by_reference_request(&config, &trace_number)
        .map(|r| to_json(&r))
        .or_throw(&env)
}

/// `flocash::poll_by_time_request` for `xsd:dateTime` texts `from_time` .. `to_time`.
#[napi]
pub fn flocash_poll_by_time_request(
    env: Env,
    poll_config: String,
    from_time: String,
    to_time: String,
) -> napi::Result<String> {
    let config: PollConfig = parse(&poll_config, Role::Config).or_throw(&env)?;
    let from = Timestamp::parse(&from_time, "fromTime").or_throw(&env)?;
    let to = Timestamp::parse(&to_time, "toTime").or_throw(&env)?;
    flocash::poll_by_time_request(&config, &from, &to)
        .map(|r| to_json(&r))
        .or_throw(&env)
}

/// One polled payment's event: authenticated by the polling exchange, so it may drive a
/// transition. Only `flocashParsePollResponse` makes one.
#[napi(js_name = "FlocashPolledEvent")]
pub struct PolledEvent {
    inner: Event,
}

#[napi]
impl PolledEvent {
    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&self.inner)
    }
}

/// A parsed polling reply: the typed reply and its events.
#[napi(js_name = "FlocashPollReply")]
pub struct PollReply {
    inner: vpos_core::Verified<flocash::PollReply>,
}

#[napi]
impl PollReply {
    /// `{status_code, status_msg, payments}` as JSON.
    #[napi]
    pub fn reply_json(&self) -> String {
        to_json(&*self.inner)
    }

    /// One event per polled payment, in order.
    #[napi]
    pub fn events(&self) -> Vec<PolledEvent> {
        self.inner
            .events()
            .into_iter()
            .map(|inner| PolledEvent { inner })
            .collect()
    }
}

/// `flocash::parse_poll_response` with the host's `Reply` JSON.
#[napi]
pub fn flocash_parse_poll_response(
    env: Env,
    poll_config: String,
    reply: String,
) -> napi::Result<PollReply> {
    let config: PollConfig = parse(&poll_config, Role::Config).or_throw(&env)?;
    let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
    flocash::parse_poll_response(&config, &reply)
        .map(|inner| PollReply { inner })
        .or_throw(&env)
}

/// `transition(payment, event)` for a polled event, as `Outcome` JSON.
#[napi]
pub fn flocash_transition_polled(
    env: Env,
    payment: String,
    event: &PolledEvent,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(&payment, &event.inner)))
}

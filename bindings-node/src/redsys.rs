//! Redsys: the gateway class with the verbs of design §2 (checkout, notification parse and
//! verify, the answers, REST operations), the opaque notification handles, and the
//! config-free functions.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use vpos_core::gateways::redsys::{self, Config, Notification, Operation, Order};
use vpos_core::{Error, ErrorCode, PaymentSnapshot, Reply, Unverified, Verified};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, public_json, to_json};

/// One Redsys terminal. The configuration (with its secret key) lives on the Rust side only.
#[napi]
pub struct RedsysGateway {
    config: Config,
}

#[napi]
impl RedsysGateway {
    /// Reads the configuration (core JSON shape, unknown keys refused) and, with `validate`,
    /// checks every value as `Config::validate` does.
    #[napi(constructor)]
    pub fn new(env: Env, config: String, validate: bool) -> napi::Result<Self> {
        let config: Config = parse(&config, Role::Config).or_throw(&env)?;
        if validate {
            config.validate().or_throw(&env)?;
        }
        Ok(RedsysGateway { config })
    }

    /// `Config::validate`.
    #[napi]
    pub fn validate(&self, env: Env) -> napi::Result<()> {
        self.config.validate().or_throw(&env)
    }

    /// The configuration as JSON without `secret_key`.
    #[napi]
    pub fn public_config(&self) -> String {
        public_json(&self.config, &["secret_key"])
    }

    /// `redsys::order_key`: base64 of the per-order key.
    #[napi]
    pub fn order_key(&self, env: Env, order: String) -> napi::Result<String> {
        redsys::order_key(&self.config, &order).or_throw(&env)
    }

    /// `redsys::sign` over `message` keyed with `order`.
    #[napi]
    pub fn sign(&self, env: Env, order: String, message: &[u8]) -> napi::Result<String> {
        redsys::sign(&self.config, &order, message).or_throw(&env)
    }

    /// `redsys::checkout` as `RedirectForm` JSON.
    #[napi]
    pub fn checkout(&self, env: Env, order: String) -> napi::Result<String> {
        let order: Order = parse(&order, Role::Data).or_throw(&env)?;
        redsys::checkout(&self.config, &order)
            .map(|form| to_json(&form))
            .or_throw(&env)
    }

    /// `RedirectForm::to_html` for a checkout form.
    #[napi]
    pub fn checkout_html(
        &self,
        env: Env,
        order: String,
        auto_submit: bool,
    ) -> napi::Result<String> {
        let order: Order = parse(&order, Role::Data).or_throw(&env)?;
        redsys::checkout(&self.config, &order)
            .map(|form| form.to_html(auto_submit))
            .or_throw(&env)
    }

    /// `redsys::parse_notification` (HTTP POST or SOAP) on the raw body.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<RedsysUnverifiedNotification> {
        redsys::parse_notification(&self.config, &content_type, body)
            .map(|inner| RedsysUnverifiedNotification { inner })
            .or_throw(&env)
    }

    /// `redsys::verify`: the signature, by the version the notification names. The unverified
    /// handle stays usable (the core consumes a copy).
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        notification: &RedsysUnverifiedNotification,
    ) -> napi::Result<RedsysVerifiedNotification> {
        redsys::verify(&self.config, notification.inner.clone())
            .map(|inner| RedsysVerifiedNotification { inner })
            .or_throw(&env)
    }

    /// `redsys::acknowledge`: the answer for a verified notification and its `Outcome` JSON
    /// (the signed SOAP envelope for a SOAP notification).
    #[napi]
    pub fn acknowledge(
        &self,
        env: Env,
        notification: &RedsysVerifiedNotification,
        outcome: String,
    ) -> napi::Result<String> {
        let outcome = parse_outcome(&outcome).or_throw(&env)?;
        redsys::acknowledge(&self.config, &notification.inner, &outcome)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::soap_answer`: the signed SOAP `OK`/`KO` envelope for `order`.
    #[napi]
    pub fn soap_answer(&self, env: Env, order: String, accept: bool) -> napi::Result<String> {
        redsys::soap_answer(&self.config, &order, accept)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::operation_request` (refund, confirm, cancel) as `HttpRequest` JSON.
    #[napi]
    pub fn operation_request(&self, env: Env, operation: String) -> napi::Result<String> {
        let operation: Operation = parse(&operation, Role::Data).or_throw(&env)?;
        redsys::operation_request(&self.config, &operation)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::parse_operation_response` on the host's `Reply` JSON: the verified result.
    #[napi]
    pub fn parse_operation_response(
        &self,
        env: Env,
        reply: String,
    ) -> napi::Result<RedsysVerifiedNotification> {
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
        redsys::parse_operation_response(&self.config, &reply)
            .map(|inner| RedsysVerifiedNotification { inner })
            .or_throw(&env)
    }
}

/// A parsed Redsys notification whose signature is not checked yet.
#[napi]
pub struct RedsysUnverifiedNotification {
    inner: Unverified<Notification>,
}

#[napi]
impl RedsysUnverifiedNotification {
    /// The parsed notification as JSON, to be read with suspicion (to find the payment).
    #[napi]
    pub fn untrusted_json(&self) -> String {
        to_json(self.inner.untrusted())
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.untrusted().raw_body())
    }
}

/// A Redsys notification (or REST reply) whose signature is proven; its status may still be a
/// decline.
#[napi]
pub struct RedsysVerifiedNotification {
    inner: Verified<Notification>,
}

#[napi]
impl RedsysVerifiedNotification {
    /// The notification as JSON.
    #[napi]
    pub fn notification_json(&self) -> String {
        to_json(&*self.inner)
    }

    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&self.inner.event())
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.raw_body())
    }
}

/// `transition(payment, verified.event())` as `Outcome` JSON; napi checks the handle's type tag.
#[napi]
pub fn redsys_transition(
    env: Env,
    payment: String,
    verified: &RedsysVerifiedNotification,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(
        &payment,
        &verified.inner.event(),
    )))
}

/// A `Ds_Response` for a `Ds_TransactionType`: `{action, status, response}` (the response
/// normalised to four digits).
#[napi]
pub fn redsys_status(env: Env, transaction_type: String, response: String) -> napi::Result<String> {
    let response = redsys::normalize_response(&response)
        .ok_or_else(|| {
            Error::new(ErrorCode::FieldInvalid, "Ds_Response must be 1 to 4 digits")
                .with_field("Ds_Response")
        })
        .or_throw(&env)?;
    let (action, status) = redsys::map_status(&transaction_type, &response);
    #[derive(serde::Serialize)]
    struct StatusInfo<'a> {
        action: vpos_core::Action,
        status: &'a str,
        response: String,
    }
    Ok(to_json(&StatusInfo {
        action,
        status: status.as_str(),
        response,
    }))
}

/// `redsys::reject`: the answer to Redsys for an error (`{code, field, message}`).
#[napi]
pub fn redsys_reject(env: Env, error: String) -> napi::Result<String> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&redsys::reject(&error)))
}

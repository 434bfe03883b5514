//! CECA: the gateway class with the verbs of design §2, the opaque notification handles,
//! and the config-free functions. Each function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use vpos_core::gateways::ceca::Order;
use vpos_core::gateways::ceca::{self, Config, Notification};
use vpos_core::{PaymentSnapshot, Unverified, Verified};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, public_json, to_json};

/// One CECA account. The configuration (with its secrets) lives on the Rust side only.
#[napi]
pub struct CecaGateway {
    config: Config,
}

#[napi]
impl CecaGateway {
    /// Reads the configuration (core JSON shape, unknown keys refused) and, with `validate`,
    /// checks every value as `Config::validate` does.
    #[napi(constructor)]
    pub fn new(env: Env, config: String, validate: bool) -> napi::Result<Self> {
        let config: Config = parse(&config, Role::Config).or_throw(&env)?;
        if validate {
            config.validate().or_throw(&env)?;
        }
        Ok(CecaGateway { config })
    }

    /// `Config::validate`.
    #[napi]
    pub fn validate(&self, env: Env) -> napi::Result<()> {
        self.config.validate().or_throw(&env)
    }

    /// The configuration as JSON without its secrets (`key`).
    #[napi]
    pub fn public_config(&self) -> String {
        public_json(&self.config, &["key"])
    }

    /// `ceca::checkout` as `RedirectForm` JSON.
    #[napi]
    pub fn checkout(&self, env: Env, order: String) -> napi::Result<String> {
        let order: Order = parse(&order, Role::Data).or_throw(&env)?;
        ceca::checkout(&self.config, &order)
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
        ceca::checkout(&self.config, &order)
            .map(|form| form.to_html(auto_submit))
            .or_throw(&env)
    }

    /// `ceca::parse_notification` on the raw body.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<CecaUnverifiedNotification> {
        ceca::parse_notification(&self.config, &content_type, body)
            .map(|inner| CecaUnverifiedNotification { inner })
            .or_throw(&env)
    }

    /// `ceca::verify`: the signature. The unverified handle stays usable (the core consumes a copy).
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        notification: &CecaUnverifiedNotification,
    ) -> napi::Result<CecaVerifiedNotification> {
        ceca::verify(&self.config, notification.inner.clone())
            .map(|inner| CecaVerifiedNotification { inner })
            .or_throw(&env)
    }
}

/// A parsed CECA notification whose authenticity is not proven yet.
#[napi]
pub struct CecaUnverifiedNotification {
    inner: Unverified<Notification>,
}

#[napi]
impl CecaUnverifiedNotification {
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

/// A CECA notification proven authentic (its `Firma` matches); its status may still be a failure.
#[napi]
pub struct CecaVerifiedNotification {
    inner: Verified<Notification>,
}

#[napi]
impl CecaVerifiedNotification {
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
pub fn ceca_transition(
    env: Env,
    payment: String,
    verified: &CecaVerifiedNotification,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(
        &payment,
        &verified.inner.event(),
    )))
}

/// `ceca::acknowledge`: the answer to CECA for an `Outcome` (JSON in, `HttpResponse` JSON out).
#[napi]
pub fn ceca_acknowledge(env: Env, outcome: String) -> napi::Result<String> {
    let outcome = parse_outcome(&outcome).or_throw(&env)?;
    Ok(to_json(&ceca::acknowledge(&outcome)))
}

/// `ceca::reject`: the answer to CECA for an error (`{code, field, message}`).
#[napi]
pub fn ceca_reject(env: Env, error: String) -> napi::Result<String> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&ceca::reject(&error)))
}

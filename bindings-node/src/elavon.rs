//! Santander Elavon: the gateway class with the verbs of design §2, the opaque notification handles,
//! and the config-free functions. Each function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use vpos_core::gateways::elavon::{self, Config, Notification};
use vpos_core::gateways::elavon::{Order, RemoteOperation};
use vpos_core::{Event, Reply};
use vpos_core::{PaymentSnapshot, Unverified, Verified};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, public_json, to_json};

/// One Santander Elavon account. The configuration (with its secrets) lives on the Rust side only.
#[napi]
pub struct ElavonGateway {
    config: Config,
}

#[napi]
impl ElavonGateway {
    /// Reads the configuration (core JSON shape, unknown keys refused) and, with `validate`,
    /// checks every value as `Config::validate` does.
    #[napi(constructor)]
    pub fn new(env: Env, config: String, validate: bool) -> napi::Result<Self> {
        let config: Config = parse(&config, Role::Config).or_throw(&env)?;
        if validate {
            config.validate().or_throw(&env)?;
        }
        Ok(ElavonGateway { config })
    }

    /// `Config::validate`.
    #[napi]
    pub fn validate(&self, env: Env) -> napi::Result<()> {
        self.config.validate().or_throw(&env)
    }

    /// The configuration as JSON without its secrets (`secret`, `rebate_password`).
    #[napi]
    pub fn public_config(&self) -> String {
        public_json(&self.config, &["secret", "rebate_password"])
    }

    /// `elavon::checkout` as `RedirectForm` JSON.
    #[napi]
    pub fn checkout(&self, env: Env, order: String) -> napi::Result<String> {
        let order: Order = parse(&order, Role::Data).or_throw(&env)?;
        elavon::checkout(&self.config, &order)
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
        elavon::checkout(&self.config, &order)
            .map(|form| form.to_html(auto_submit))
            .or_throw(&env)
    }

    /// `elavon::parse_notification` on the raw body.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<ElavonUnverifiedNotification> {
        elavon::parse_notification(&self.config, &content_type, body)
            .map(|inner| ElavonUnverifiedNotification { inner })
            .or_throw(&env)
    }

    /// `elavon::verify`: the signature. The unverified handle stays usable (the core consumes a copy).
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        notification: &ElavonUnverifiedNotification,
    ) -> napi::Result<ElavonVerifiedNotification> {
        elavon::verify(&self.config, notification.inner.clone())
            .map(|inner| ElavonVerifiedNotification { inner })
            .or_throw(&env)
    }

    /// `elavon::remote_request` (settle, void, rebate) as `HttpRequest` JSON.
    #[napi]
    pub fn remote_request(&self, env: Env, operation: String) -> napi::Result<String> {
        let operation: RemoteOperation = parse(&operation, Role::Data).or_throw(&env)?;
        elavon::remote_request(&self.config, &operation)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `elavon::parse_remote_response` on the host's `Reply` JSON: the verified event.
    #[napi]
    pub fn parse_remote_response(
        &self,
        env: Env,
        operation: String,
        reply: String,
    ) -> napi::Result<ElavonVerifiedEvent> {
        let operation: RemoteOperation = parse(&operation, Role::Data).or_throw(&env)?;
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
        elavon::parse_remote_response(&self.config, &operation, &reply)
            .map(|inner| ElavonVerifiedEvent { inner })
            .or_throw(&env)
    }
}

/// A parsed Santander Elavon notification whose authenticity is not proven yet.
#[napi]
pub struct ElavonUnverifiedNotification {
    inner: Unverified<Notification>,
}

#[napi]
impl ElavonUnverifiedNotification {
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

/// A Santander Elavon notification proven authentic (its `SHA1HASH` matches); its status may still be a failure.
#[napi]
pub struct ElavonVerifiedNotification {
    inner: Verified<Notification>,
}

#[napi]
impl ElavonVerifiedNotification {
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
pub fn elavon_transition(
    env: Env,
    payment: String,
    verified: &ElavonVerifiedNotification,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(
        &payment,
        &verified.inner.event(),
    )))
}

/// `elavon::acknowledge`: the answer to Santander Elavon for an `Outcome` (JSON in, `HttpResponse` JSON out).
#[napi]
pub fn elavon_acknowledge(env: Env, outcome: String) -> napi::Result<String> {
    let outcome = parse_outcome(&outcome).or_throw(&env)?;
    Ok(to_json(&elavon::acknowledge(&outcome)))
}

/// `elavon::reject`: the answer to Santander Elavon for an error (`{code, field, message}`).
#[napi]
pub fn elavon_reject(env: Env, error: String) -> napi::Result<String> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&elavon::reject(&error)))
}

/// The verified result of a Remote operation (settle, void, rebate): an event, no notification.
#[napi]
pub struct ElavonVerifiedEvent {
    inner: Verified<Event>,
}

#[napi]
impl ElavonVerifiedEvent {
    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&*self.inner)
    }
}

/// `transition(payment, event)` for a Remote result, as `Outcome` JSON.
#[napi]
pub fn elavon_transition_event(
    env: Env,
    payment: String,
    verified: &ElavonVerifiedEvent,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(&payment, &verified.inner)))
}

/// `elavon::hash`: `sha1_hex(sha1_hex(fields joined by ".") + "." + secret)`.
#[napi]
pub fn elavon_hash(fields: Vec<String>, secret: String) -> String {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    elavon::hash(&fields, &secret)
}

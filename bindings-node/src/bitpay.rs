//! Bitpay: the gateway class with the verbs of design §2, the opaque notification handles,
//! and the config-free functions. Each function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use vpos_core::gateways::bitpay::InvoiceRequest;
use vpos_core::gateways::bitpay::{self, Config, Notification};
use vpos_core::{PaymentSnapshot, Unverified, Verified};
use vpos_core::{RedirectForm, Reply};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, public_json, to_json};

/// One Bitpay account. The configuration (with its secrets) lives on the Rust side only.
#[napi]
pub struct BitpayGateway {
    config: Config,
}

#[napi]
impl BitpayGateway {
    /// Reads the configuration (core JSON shape, unknown keys refused) and, with `validate`,
    /// checks every value as `Config::validate` does.
    #[napi(constructor)]
    pub fn new(env: Env, config: String, validate: bool) -> napi::Result<Self> {
        let config: Config = parse(&config, Role::Config).or_throw(&env)?;
        if validate {
            config.validate().or_throw(&env)?;
        }
        Ok(BitpayGateway { config })
    }

    /// `Config::validate`.
    #[napi]
    pub fn validate(&self, env: Env) -> napi::Result<()> {
        self.config.validate().or_throw(&env)
    }

    /// The configuration as JSON without its secrets (`api_key`).
    #[napi]
    pub fn public_config(&self) -> String {
        public_json(&self.config, &["api_key"])
    }

    /// `bitpay::parse_notification` on the raw body.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<BitpayUnverifiedNotification> {
        bitpay::parse_notification(&self.config, &content_type, body)
            .map(|inner| BitpayUnverifiedNotification { inner })
            .or_throw(&env)
    }

    /// `bitpay::invoice_request`: the invoice creation as `HttpRequest` JSON (it carries the
    /// API key in `Authorization`: it is for the wire, not for logs).
    #[napi]
    pub fn invoice_request(&self, env: Env, request: String) -> napi::Result<String> {
        let request: InvoiceRequest = parse(&request, Role::Data).or_throw(&env)?;
        bitpay::invoice_request(&self.config, &request)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `bitpay::parse_invoice_response` and `bitpay::checkout_form`: `{invoice, form}` JSON.
    #[napi]
    pub fn invoice_response(&self, env: Env, reply: String) -> napi::Result<String> {
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
        let invoice = bitpay::parse_invoice_response(&reply).or_throw(&env)?;
        #[derive(serde::Serialize)]
        struct Created<'a> {
            invoice: &'a bitpay::Invoice,
            form: RedirectForm,
        }
        Ok(to_json(&Created {
            form: bitpay::checkout_form(&self.config, &invoice),
            invoice: &invoice,
        }))
    }

    /// `bitpay::invoice_status_request`: the fetch that proves a notification, as `HttpRequest`
    /// JSON (with the API key in `Authorization`).
    #[napi]
    pub fn invoice_status_request(&self, notification: &BitpayUnverifiedNotification) -> String {
        to_json(&bitpay::invoice_status_request(
            &self.config,
            &notification.inner,
        ))
    }

    /// `bitpay::verify_invoice` with the host's `Reply` JSON (the fetched invoice). The
    /// unverified handle stays usable (the core consumes a copy).
    #[napi]
    pub fn verify_invoice(
        &self,
        env: Env,
        notification: &BitpayUnverifiedNotification,
        reply: String,
    ) -> napi::Result<BitpayVerifiedNotification> {
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
        bitpay::verify_invoice(notification.inner.clone(), &reply)
            .map(|inner| BitpayVerifiedNotification { inner })
            .or_throw(&env)
    }
}

/// A parsed Bitpay notification whose authenticity is not proven yet.
#[napi]
pub struct BitpayUnverifiedNotification {
    inner: Unverified<Notification>,
}

#[napi]
impl BitpayUnverifiedNotification {
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

/// A Bitpay notification proven authentic (the invoice fetched from Bitpay confirms it); its status may still be a failure.
#[napi]
pub struct BitpayVerifiedNotification {
    inner: Verified<Notification>,
}

#[napi]
impl BitpayVerifiedNotification {
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
pub fn bitpay_transition(
    env: Env,
    payment: String,
    verified: &BitpayVerifiedNotification,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(
        &payment,
        &verified.inner.event(),
    )))
}

/// `bitpay::acknowledge`: the answer to Bitpay for an `Outcome` (JSON in, `HttpResponse` JSON out).
#[napi]
pub fn bitpay_acknowledge(env: Env, outcome: String) -> napi::Result<String> {
    let outcome = parse_outcome(&outcome).or_throw(&env)?;
    Ok(to_json(&bitpay::acknowledge(&outcome)))
}

/// `bitpay::reject`: the answer to Bitpay for an error (`{code, field, message}`).
#[napi]
pub fn bitpay_reject(env: Env, error: String) -> napi::Result<String> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&bitpay::reject(&error)))
}

/// `bitpay::map_status`: an invoice status in the unified model (`Reported` as a string).
#[napi]
pub fn bitpay_status(status: String) -> &'static str {
    bitpay::map_status(&status).as_str()
}

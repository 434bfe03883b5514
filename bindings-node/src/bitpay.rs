//! Bitpay: the gateway class with the verbs of design §2, the opaque notification handles,
//! and the config-free functions. Each function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi_derive::napi;
use vpos_core::gateways::bitpay::{self, InvoiceRequest, Notification};
use vpos_core::{RedirectForm, Reply};

use crate::error::OrThrow;
use crate::gateway::read;
use crate::wire::{public_json, to_json};

gateway_class! {
    /// One Bitpay account. The configuration (with its secrets) lives on the Rust side only.
    BitpayGateway(bitpay::Config) {
        public_config: |config| public_json(config),
        notifications: BitpayUnverifiedNotification,
    }
}

#[napi]
impl BitpayGateway {
    /// `bitpay::invoice_request`: the invoice creation as `HttpRequest` JSON (it carries the
    /// API key in `Authorization`: it is for the wire, not for logs).
    #[napi]
    pub fn invoice_request(&self, env: Env, request: String) -> napi::Result<String> {
        let request: InvoiceRequest = read(&env, &request)?;
        bitpay::invoice_request(&self.config, &request)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `bitpay::parse_invoice_response` and `bitpay::checkout_form`: `{invoice, form}` JSON.
    #[napi]
    pub fn invoice_response(&self, env: Env, reply: String) -> napi::Result<String> {
        let reply: Reply = read(&env, &reply)?;
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
        let reply: Reply = read(&env, &reply)?;
        bitpay::verify_invoice(notification.inner.clone(), &reply)
            .map(|inner| BitpayVerifiedNotification { inner })
            .or_throw(&env)
    }
}

notification_handles! {
    Notification;
    /// A parsed Bitpay notification whose authenticity is not proven yet.
    BitpayUnverifiedNotification;
    /// A Bitpay notification proven authentic (the invoice fetched from Bitpay confirms it); its status may still be a failure.
    BitpayVerifiedNotification;
}

notification_functions! {
    bitpay;
    transition: bitpay_transition(BitpayVerifiedNotification);
    acknowledge: bitpay_acknowledge;
    reject: bitpay_reject;
}

/// `bitpay::map_status`: an invoice status in the unified model (`Reported` as a string).
#[napi]
pub fn bitpay_status(status: String) -> &'static str {
    bitpay::map_status(&status).as_str()
}

fn merchant_key(env: &Env, private_key: &str) -> napi::Result<bitpay::MerchantKey> {
    bitpay::MerchantKey::from_secret(&vpos_core::Secret::new(private_key)).or_throw(env)
}

/// `bitpay::MerchantKey`: `{identity, sin}` JSON of a merchant-facade key (hex or PEM).
#[napi]
pub fn bitpay_merchant_key_info(env: Env, private_key: String) -> napi::Result<String> {
    let key = merchant_key(&env, &private_key)?;
    Ok(to_json(
        &serde_json::json!({"identity": key.identity(), "sin": key.sin()}),
    ))
}

/// `MerchantKey::sign`: the `X-Signature` of `message` (full URL + body).
#[napi]
pub fn bitpay_sign(env: Env, private_key: String, message: String) -> napi::Result<String> {
    Ok(merchant_key(&env, &private_key)?.sign(&message))
}

/// `bitpay::verify_signature`: throws `signature_mismatch` unless `signature` is `identity`'s.
#[napi]
pub fn bitpay_verify_signature(
    env: Env,
    identity: String,
    message: String,
    signature: String,
) -> napi::Result<()> {
    bitpay::verify_signature(&identity, &message, &signature).or_throw(&env)
}

/// `bitpay::pairing_request` as `HttpRequest` JSON.
#[napi]
pub fn bitpay_pairing_request(
    env: Env,
    api_url: String,
    private_key: String,
    pairing_code: Option<String>,
) -> napi::Result<String> {
    let key = merchant_key(&env, &private_key)?;
    bitpay::pairing_request(&api_url, &key, pairing_code.as_deref())
        .map(|r| to_json(&r))
        .or_throw(&env)
}

/// `bitpay::parse_pairing_response`: `{token, facade, pairing_code}` JSON.
#[napi]
pub fn bitpay_parse_pairing_response(env: Env, reply: String) -> napi::Result<String> {
    let reply: Reply = read(&env, &reply)?;
    bitpay::parse_pairing_response(&reply)
        .map(|p| to_json(&p))
        .or_throw(&env)
}

//! PayPal: the gateway class with the verbs of design §2 and the Express Checkout (NVP) calls,
//! the opaque notification, NVP-reply and event handles, and the config-free functions. Each
//! function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi_derive::napi;
use vpos_core::gateways::paypal::{
    self, ExpressOrder, Notification, NvpReply, Order, PublicConfig,
};
use vpos_core::{Amount, Reply};

use crate::error::OrThrow;
use crate::gateway::read;
use crate::wire::{Role, parse, public_json, to_json};

gateway_class! {
    /// One PayPal account. The configuration (with its secrets) lives on the Rust side only.
    PaypalGateway(paypal::Config) {
        public_config: |config| public_json(config),
        checkout: Order,
        notifications: PaypalUnverifiedNotification,
        postback: PaypalVerifiedNotification,
    }
}

#[napi]
impl PaypalGateway {
    /// `paypal::set_express_checkout_request` as `HttpRequest` JSON (the body carries the NVP
    /// credentials: the host sends it and never logs it).
    #[napi]
    pub fn set_express_checkout_request(&self, env: Env, order: String) -> napi::Result<String> {
        let order: ExpressOrder = read(&env, &order)?;
        paypal::set_express_checkout_request(&self.config, &order)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `paypal::get_express_checkout_details_request` as `HttpRequest` JSON.
    #[napi]
    pub fn get_express_checkout_details_request(
        &self,
        env: Env,
        token: String,
    ) -> napi::Result<String> {
        paypal::get_express_checkout_details_request(&self.config, &token)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `paypal::do_express_checkout_payment_request` as `HttpRequest` JSON.
    #[napi]
    pub fn do_express_checkout_payment_request(
        &self,
        env: Env,
        token: String,
        payer_id: String,
        order: String,
    ) -> napi::Result<String> {
        let order: ExpressOrder = read(&env, &order)?;
        paypal::do_express_checkout_payment_request(&self.config, &token, &payer_id, &order)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `paypal::refund_transaction_request` as `HttpRequest` JSON: full without `amount`
    /// (Amount JSON), partial with it.
    #[napi]
    pub fn refund_transaction_request(
        &self,
        env: Env,
        transaction_id: String,
        amount: Option<String>,
    ) -> napi::Result<String> {
        let amount: Option<Amount> = match amount {
            Some(a) => Some(read(&env, &a)?),
            None => None,
        };
        paypal::refund_transaction_request(&self.config, &transaction_id, amount)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `paypal::express_checkout_redirect` as `RedirectForm` JSON.
    #[napi]
    pub fn express_checkout_redirect(&self, token: String) -> String {
        to_json(&paypal::express_checkout_redirect(&self.config, &token))
    }

    /// `paypal::parse_nvp_response` on the host's `Reply` JSON.
    #[napi]
    pub fn parse_nvp_response(&self, env: Env, reply: String) -> napi::Result<PaypalNvpReply> {
        let reply: Reply = read(&env, &reply)?;
        paypal::parse_nvp_response(&reply)
            .map(|inner| PaypalNvpReply { inner })
            .or_throw(&env)
    }

    /// `paypal::payment_event` for a `DoExpressCheckoutPayment` reply.
    #[napi]
    pub fn payment_event(
        &self,
        env: Env,
        invoice: String,
        reply: &PaypalNvpReply,
    ) -> napi::Result<PaypalVerifiedEvent> {
        paypal::payment_event(&self.config, &invoice, &reply.inner)
            .map(|inner| PaypalVerifiedEvent { inner })
            .or_throw(&env)
    }

    /// `paypal::refund_event` for a `RefundTransaction` reply.
    #[napi]
    pub fn refund_event(
        &self,
        env: Env,
        invoice: String,
        reply: &PaypalNvpReply,
    ) -> napi::Result<PaypalVerifiedEvent> {
        paypal::refund_event(&self.config, &invoice, &reply.inner)
            .map(|inner| PaypalVerifiedEvent { inner })
            .or_throw(&env)
    }
}

/// A successful NVP reply (`ACK` `Success` / `SuccessWithWarning`); only `parseNvpResponse`
/// makes one, so `paymentEvent` / `refundEvent` only read replies the host got from PayPal.
#[napi]
pub struct PaypalNvpReply {
    inner: NvpReply,
}

#[napi]
impl PaypalNvpReply {
    /// `ACK`.
    #[napi(getter)]
    pub fn ack(&self) -> String {
        self.inner.ack.clone()
    }

    /// Every field, decoded, in order, as `[[name, value], …]` JSON.
    #[napi]
    pub fn fields_json(&self) -> String {
        to_json(&self.inner.fields)
    }

    /// A field by name; `null` when absent or empty.
    #[napi]
    pub fn get(&self, name: String) -> Option<String> {
        self.inner.get(&name).map(str::to_string)
    }

    /// `TOKEN`; throws `field_missing` without one.
    #[napi]
    pub fn token(&self, env: Env) -> napi::Result<String> {
        self.inner.token().map(str::to_string).or_throw(&env)
    }
}

verified_event! {
    /// The event an NVP reply reports (payment or refund), proven by the host's TLS call to PayPal
    /// with its credentials.
    PaypalVerifiedEvent;
    transition: paypal_transition_event;
}

notification_handles! {
    Notification;
    /// A parsed PayPal notification whose authenticity is not proven yet.
    PaypalUnverifiedNotification;
    /// A PayPal notification proven authentic (PayPal answered the post-back `VERIFIED`); its status may still be a failure.
    PaypalVerifiedNotification;
}

notification_functions! {
    paypal;
    transition: paypal_transition(PaypalVerifiedNotification);
    acknowledge: paypal_acknowledge;
    reject: paypal_reject;
}

/// `paypal::checkout` from the `PublicConfig` (no NVP credentials: `nvp` is an unknown key),
/// as `RedirectForm` JSON: the page-safe "Buy Now" form.
#[napi]
pub fn paypal_checkout_public(
    env: Env,
    public_config: String,
    order: String,
) -> napi::Result<String> {
    let config: PublicConfig = parse(&public_config, Role::Config).or_throw(&env)?;
    let order: Order = parse(&order, Role::Data).or_throw(&env)?;
    paypal::checkout(&config.into_config(), &order)
        .map(|form| to_json(&form))
        .or_throw(&env)
}

/// `paypal::parse_nvp_response` on the host's `Reply` JSON (needs no configuration).
#[napi]
pub fn paypal_parse_nvp_response(env: Env, reply: String) -> napi::Result<PaypalNvpReply> {
    let reply: Reply = read(&env, &reply)?;
    paypal::parse_nvp_response(&reply)
        .map(|inner| PaypalNvpReply { inner })
        .or_throw(&env)
}

//! PayPal: the gateway class with the verbs of design §2 and the Express Checkout (NVP) calls,
//! the opaque notification, NVP-reply and event handles, and the config-free functions. Each
//! function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use vpos_core::Reply;
use vpos_core::gateways::paypal::{self, Config, ExpressOrder, Notification, NvpReply, Order};
use vpos_core::{Amount, Event, PaymentSnapshot, Unverified, Verified};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, public_json, to_json};

/// One PayPal account. The configuration (with its secrets) lives on the Rust side only.
#[napi]
pub struct PaypalGateway {
    config: Config,
}

#[napi]
impl PaypalGateway {
    /// Reads the configuration (core JSON shape, unknown keys refused) and, with `validate`,
    /// checks every value as `Config::validate` does.
    #[napi(constructor)]
    pub fn new(env: Env, config: String, validate: bool) -> napi::Result<Self> {
        let config: Config = parse(&config, Role::Config).or_throw(&env)?;
        if validate {
            config.validate().or_throw(&env)?;
        }
        Ok(PaypalGateway { config })
    }

    /// `Config::validate`.
    #[napi]
    pub fn validate(&self, env: Env) -> napi::Result<()> {
        self.config.validate().or_throw(&env)
    }

    /// The configuration as JSON (PayPal has no secret: this is all of it).
    #[napi]
    pub fn public_config(&self) -> String {
        public_json(&self.config, &[])
    }

    /// `paypal::checkout` as `RedirectForm` JSON.
    #[napi]
    pub fn checkout(&self, env: Env, order: String) -> napi::Result<String> {
        let order: Order = parse(&order, Role::Data).or_throw(&env)?;
        paypal::checkout(&self.config, &order)
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
        paypal::checkout(&self.config, &order)
            .map(|form| form.to_html(auto_submit))
            .or_throw(&env)
    }

    /// `paypal::parse_notification` on the raw body.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<PaypalUnverifiedNotification> {
        paypal::parse_notification(&self.config, &content_type, body)
            .map(|inner| PaypalUnverifiedNotification { inner })
            .or_throw(&env)
    }

    /// `paypal::postback_request` as `HttpRequest` JSON: `cmd=_notify-validate&` + the body as received.
    #[napi]
    pub fn postback_request(&self, notification: &PaypalUnverifiedNotification) -> String {
        to_json(&paypal::postback_request(&self.config, &notification.inner))
    }

    /// `paypal::verify_postback` with the host's `Reply` JSON. The unverified handle stays
    /// usable (the core consumes a copy), so a host may retry after `postback_failed`.
    #[napi]
    pub fn verify_postback(
        &self,
        env: Env,
        notification: &PaypalUnverifiedNotification,
        reply: String,
    ) -> napi::Result<PaypalVerifiedNotification> {
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
        paypal::verify_postback(&self.config, notification.inner.clone(), &reply)
            .map(|inner| PaypalVerifiedNotification { inner })
            .or_throw(&env)
    }

    /// `paypal::set_express_checkout_request` as `HttpRequest` JSON (the body carries the NVP
    /// credentials: the host sends it and never logs it).
    #[napi]
    pub fn set_express_checkout_request(&self, env: Env, order: String) -> napi::Result<String> {
        let order: ExpressOrder = parse(&order, Role::Data).or_throw(&env)?;
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
        let order: ExpressOrder = parse(&order, Role::Data).or_throw(&env)?;
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
            Some(a) => Some(parse(&a, Role::Data).or_throw(&env)?),
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
        let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
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

/// The event an NVP reply reports (payment or refund), proven by the host's TLS call to PayPal
/// with its credentials.
#[napi]
pub struct PaypalVerifiedEvent {
    inner: Verified<Event>,
}

#[napi]
impl PaypalVerifiedEvent {
    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&*self.inner)
    }
}

/// `transition(payment, event)` for an Express Checkout payment or refund, as `Outcome` JSON.
#[napi]
pub fn paypal_transition_event(
    env: Env,
    payment: String,
    verified: &PaypalVerifiedEvent,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(&payment, &verified.inner)))
}

/// A parsed PayPal notification whose authenticity is not proven yet.
#[napi]
pub struct PaypalUnverifiedNotification {
    inner: Unverified<Notification>,
}

#[napi]
impl PaypalUnverifiedNotification {
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

/// A PayPal notification proven authentic (PayPal answered the post-back `VERIFIED`); its status may still be a failure.
#[napi]
pub struct PaypalVerifiedNotification {
    inner: Verified<Notification>,
}

#[napi]
impl PaypalVerifiedNotification {
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
pub fn paypal_transition(
    env: Env,
    payment: String,
    verified: &PaypalVerifiedNotification,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(&env)?;
    Ok(to_json(&vpos_core::transition(
        &payment,
        &verified.inner.event(),
    )))
}

/// `paypal::acknowledge`: the answer to PayPal for an `Outcome` (JSON in, `HttpResponse` JSON out).
#[napi]
pub fn paypal_acknowledge(env: Env, outcome: String) -> napi::Result<String> {
    let outcome = parse_outcome(&outcome).or_throw(&env)?;
    Ok(to_json(&paypal::acknowledge(&outcome)))
}

/// `paypal::reject`: the answer to PayPal for an error (`{code, field, message}`).
#[napi]
pub fn paypal_reject(env: Env, error: String) -> napi::Result<String> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(to_json(&paypal::reject(&error)))
}

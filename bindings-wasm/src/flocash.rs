//! `flocash.*`: the FloCash verbs of `vpos_core::gateways::flocash`, one call each.
//!
//! Browser-safe: [`checkout_public`], [`validate_order`], [`status`] (no secret involved).
//! Edge module only: `Gateway`, because its configuration holds the notification token (the
//! browser module `hostedpay-web` has no secret-keyed gateway).

use serde::Serialize;
use vpos_core::Reported;
use vpos_core::gateways::flocash::{self, Order, PublicConfig};
#[cfg(feature = "driver")]
use vpos_core::gateways::flocash::{Config, Notification};
#[cfg(feature = "driver")]
use vpos_core::{Amount, Reply, Unverified, Verified};
use wasm_bindgen::prelude::*;

#[cfg(feature = "driver")]
use crate::gateway::{self, answers, unverified_notification, verified_notification};
#[cfg(feature = "driver")]
use crate::js::core_error;
use crate::js::{Arg, Thrown, from_js, to_js};

const ORDER: Arg = Arg::value("order");

/// Builds the FloCash checkout form from the public configuration alone (no notification
/// token): the same fields and the same rules as the server's `Gateway.checkout`. Safe in a
/// browser. Throws a `VposError` whose `field` names the first bad order field (wire name,
/// e.g. `user_email`) or configuration key.
#[wasm_bindgen(js_namespace = flocash, js_name = checkoutPublic, unchecked_return_type = "RedirectForm")]
pub fn checkout_public(
    #[wasm_bindgen(unchecked_param_type = "FlocashPublicConfig")] public_config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FlocashOrder")] order: JsValue,
) -> Result<JsValue, Thrown> {
    let config: PublicConfig = from_js(public_config, Arg::config("public_config"))?;
    let order: Order = from_js(order, ORDER)?;
    to_js(&flocash::checkout_public(&config, &order)?)
}

/// Checks an order against FloCash's documented field rules (the core's `Order::validate`),
/// for showing field errors before submit. Safe in a browser. Returns nothing; throws a
/// `VposError` naming the first bad field.
#[wasm_bindgen(js_namespace = flocash, js_name = validateOrder)]
pub fn validate_order(
    #[wasm_bindgen(unchecked_param_type = "FlocashOrder")] order: JsValue,
) -> Result<(), Thrown> {
    let order: Order = from_js(order, ORDER)?;
    order.validate()?;
    Ok(())
}

/// What FloCash's status code means: `{status_code, status, label}` (`"4"` →
/// `{status_code: "0004", status: "pending", label: "Payment is pending."}`).
#[wasm_bindgen(js_namespace = flocash, unchecked_return_type = "FlocashStatus")]
pub fn status(code: &str) -> Result<JsValue, Thrown> {
    #[derive(Serialize)]
    struct Status<'a> {
        status_code: &'a str,
        status: Reported,
        label: Option<&'static str>,
    }
    let code = flocash::normalize_status(code)?;
    to_js(&Status {
        status_code: &code,
        status: flocash::map_status(&code),
        label: flocash::status_label(&code),
    })
}

/// One FloCash merchant account. **Server and edge only**: the configuration holds the
/// notification token, a secret that must never be shipped to a browser.
///
/// The constructor validates the configuration (as the Node package's does) unless given
/// `{ validate: false }`.
#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct Gateway {
    config: Config,
}

#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash, js_class = Gateway)]
impl Gateway {
    /// Reads a configuration (`merchant`, `merchant_name`, `checkout_url`, `base_url`,
    /// `notification_token`, optional URLs). Unknown keys are refused (`invalid_config`), and
    /// every value is checked unless `{ validate: false }`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FlocashConfig")] config: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ validate?: boolean }")] options: JsValue,
    ) -> Result<Gateway, Thrown> {
        let gateway = Gateway {
            config: from_js(config, Arg::config("config"))?,
        };
        if crate::js::validate_option(&options)? {
            gateway.config.validate()?;
        }
        Ok(gateway)
    }

    /// Checks every configuration value; throws `invalid_config` naming the first bad key.
    pub fn validate(&self) -> Result<(), Thrown> {
        self.config.validate()?;
        Ok(())
    }

    /// This account as the driver's `Config` (for `handleNotification` and the operations).
    #[wasm_bindgen(getter)]
    pub fn config(&self) -> crate::driver::DriverConfig {
        crate::driver::DriverConfig::of(self.config.clone().into())
    }

    /// The merchant's FloCash account e-mail.
    #[wasm_bindgen(getter)]
    pub fn merchant(&self) -> String {
        self.config.merchant.clone()
    }

    /// The post-back URL derived from `base_url` (`https://host/validateNotify.do`).
    #[wasm_bindgen(getter, js_name = postbackUrl)]
    pub fn postback_url(&self) -> Result<String, Thrown> {
        Ok(self.config.postback_url()?)
    }

    /// The browser-safe part of the configuration (no token), to hand to a page that calls
    /// `flocash.checkoutPublic`.
    #[wasm_bindgen(getter, js_name = publicConfig, unchecked_return_type = "FlocashPublicConfig")]
    pub fn public_config(&self) -> Result<JsValue, Thrown> {
        to_js(&self.config.public())
    }

    /// JSON of a gateway is its public configuration: never the token.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "FlocashPublicConfig")]
    pub fn to_json(&self) -> Result<JsValue, Thrown> {
        self.public_config()
    }

    /// The checkout form for `order`: `{action, method, fields: [[name, value], …]}`.
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        gateway::checkout(&self.config, order, flocash::checkout)
    }

    /// The checkout form as HTML, every value escaped by the core; `autoSubmit` adds the
    /// submitting script.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashOrder")] order: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ autoSubmit?: boolean }")]
        options: JsValue,
    ) -> Result<String, Thrown> {
        gateway::checkout_html(&self.config, order, options, flocash::checkout)
    }

    /// Compares the token from the notification URL with the configured one in constant
    /// time; throws `token_mismatch` (answer it with `reject`, a bare 404). A missing token
    /// (`undefined`, `null`) never matches.
    #[wasm_bindgen(js_name = checkToken)]
    pub fn check_token(&self, token: Option<String>) -> Result<(), Thrown> {
        let token = token.unwrap_or_default();
        self.config.check_token(&token)?;
        Ok(())
    }

    /// Parses a notification from the request's `Content-Type` and raw body (string,
    /// `Uint8Array`/`Buffer` or `ArrayBuffer`: pass the bytes as received). Store the raw body
    /// first; the result cannot change a payment until `verifyPostback` proves it.
    #[wasm_bindgen(js_name = parseNotification)]
    pub fn parse_notification(
        &self,
        content_type: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
    ) -> Result<UnverifiedNotification, Thrown> {
        Ok(UnverifiedNotification(gateway::parse_notification(
            &self.config,
            content_type,
            &body,
            flocash::parse_notification,
        )?))
    }

    /// The post-back to perform (with a timeout): `{method, url, headers, body}`.
    #[wasm_bindgen(js_name = postbackRequest, unchecked_return_type = "HttpRequest")]
    pub fn postback_request(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<JsValue, Thrown> {
        to_js(&flocash::postback_request(&self.config, &notification.0))
    }

    /// Judges the post-back reply: `{status, body}` as received, or `{error}` when the
    /// host could not get one. Verified only on `200 VERIFIED`; otherwise throws
    /// `postback_invalid` or `postback_failed`. The unverified handle stays usable.
    #[wasm_bindgen(js_name = verifyPostback)]
    pub fn verify_postback(
        &self,
        notification: &UnverifiedNotification,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedNotification, Thrown> {
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let verified = flocash::verify_postback(&self.config, notification.0.clone(), &reply)?;
        Ok(VerifiedNotification(verified))
    }

    /// The answer FloCash must get once `transition` decided: `200 00` when settled,
    /// otherwise a status that makes FloCash deliver again.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn acknowledge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OutcomeJson")] outcome: JsValue,
    ) -> Result<JsValue, Thrown> {
        acknowledge(outcome)
    }

    /// The answer FloCash must get when a notification could not be taken in: `error` is a
    /// `VposError` this module threw, or any `{code, message, field?}` with a vpos code.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn reject(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
    ) -> Result<JsValue, Thrown> {
        let error = core_error(&error)?;
        to_js(&flocash::reject(&error))
    }

    /// FloCash has no refund API: always throws `unsupported` (refund in the back office; the
    /// Refund notification then updates the payment).
    #[wasm_bindgen(js_name = refundRequest)]
    pub fn refund_request(
        &self,
        order_id: &str,
        #[wasm_bindgen(unchecked_param_type = "AmountInput")] amount: JsValue,
    ) -> Result<(), Thrown> {
        let amount: Amount = from_js(amount, Arg::value("amount"))?;
        flocash::refund_request(&self.config, order_id, amount)?;
        Ok(())
    }
}

/// A parsed notification whose authenticity is not proven. Opaque: JS cannot build one, and
/// only `Gateway.verifyPostback` turns it into a `VerifiedNotification`.
#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct UnverifiedNotification(Unverified<Notification>);

#[cfg(feature = "driver")]
unverified_notification!(flocash, "FlocashNotification");

/// A notification FloCash confirmed by post-back. Opaque: only `verifyPostback` makes one.
/// "Verified" says it is authentic, not that the payment succeeded: read `event`.
#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct VerifiedNotification(Verified<Notification>);

#[cfg(feature = "driver")]
verified_notification!(flocash, "FlocashNotification");

#[cfg(feature = "driver")]
answers!(flocash, flocash);

/// Merchant Polling (edge module only: the polling configuration holds the API password).
#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash, js_class = Gateway)]
impl Gateway {
    /// Merchant Polling `pollPayInbyRef` (SOAP 1.1) for `traceNumber`; the body carries the
    /// API password: send it, never log it.
    #[wasm_bindgen(js_name = pollByReferenceRequest, unchecked_return_type = "HttpRequest")]
    pub fn poll_by_reference_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashPollConfig")] poll_config: JsValue,
        trace_number: &str,
    ) -> Result<JsValue, Thrown> {
        let config: flocash::PollConfig = from_js(poll_config, Arg::config("poll_config"))?;
        to_js(&flocash::poll_by_reference_request(&config, trace_number)?)
    }

    /// Merchant Polling `pollPayInbyTime` between two `xsd:dateTime` texts.
    #[wasm_bindgen(js_name = pollByTimeRequest, unchecked_return_type = "HttpRequest")]
    pub fn poll_by_time_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashPollConfig")] poll_config: JsValue,
        from: &str,
        to: &str,
    ) -> Result<JsValue, Thrown> {
        let config: flocash::PollConfig = from_js(poll_config, Arg::config("poll_config"))?;
        let from = flocash::Timestamp::parse(from, "fromTime")?;
        let to = flocash::Timestamp::parse(to, "toTime")?;
        to_js(&flocash::poll_by_time_request(&config, &from, &to)?)
    }

    /// Reads a polling reply (`{status, body}` or `{error}`): `{status_code, status_msg,
    /// payments, events}`, `events` one `PolledEvent` handle per payment, in order.
    /// `gateway_error` for a SOAP fault or an error header, `gateway_unavailable` without an
    /// answer, `field_invalid` for malformed XML, and the field and money errors of the
    /// payments.
    #[wasm_bindgen(js_name = parsePollResponse, unchecked_return_type = "FlocashPolled")]
    pub fn parse_poll_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashPollConfig")] poll_config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<JsValue, Thrown> {
        let config: flocash::PollConfig = from_js(poll_config, Arg::config("poll_config"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let polled = flocash::parse_poll_response(&config, &reply)?;
        let out = to_js(&*polled)?;
        let events: js_sys::Array = polled
            .events()
            .into_iter()
            .map(|event| JsValue::from(PolledEvent(event)))
            .collect();
        js_sys::Reflect::set(&out, &"events".into(), &events).map_err(|_| {
            Thrown::new(
                vpos_core::ErrorCode::FieldInvalid,
                None,
                "could not convert the polling reply",
            )
        })?;
        Ok(out)
    }
}

/// One polled payment's event: authenticated by the polling exchange, so it may drive a
/// `transition`. Opaque: only `parsePollResponse` makes one.
#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct PolledEvent(vpos_core::Event);

#[cfg(feature = "driver")]
#[wasm_bindgen(js_namespace = flocash, js_class = PolledEvent)]
impl PolledEvent {
    /// The gateway-neutral event, with its idempotency `key` (give `transition` this handle).
    #[wasm_bindgen(getter, unchecked_return_type = "EventJson")]
    pub fn event(&self) -> Result<JsValue, Thrown> {
        to_js(&self.0)
    }

    #[wasm_bindgen(js_name = __transition, skip_typescript)]
    pub fn transition_payment(&self, payment: JsValue) -> Result<JsValue, Thrown> {
        crate::state::transition(payment, &self.0)
    }
}

//! `flocash.*`: the FloCash verbs of `vpos_core::gateways::flocash`, one call each.
//!
//! Browser-safe: [`checkout_public`], [`validate_order`], [`status`] (no secret involved).
//! Edge module only: `Gateway`, because its configuration holds the notification token (the
//! browser module `vpos-web` has no secret-keyed gateway).

use serde::Serialize;
use vpos_core::Reported;
use vpos_core::gateways::flocash::{self, Order, PublicConfig};
#[cfg(feature = "edge")]
use vpos_core::gateways::flocash::{Config, Notification};
#[cfg(feature = "edge")]
use vpos_core::{ErrorCode, Reply, Unverified, Verified};
use wasm_bindgen::prelude::*;

#[cfg(feature = "edge")]
use crate::js::core_error;
use crate::js::{Arg, Thrown, from_js, to_js};
#[cfg(feature = "edge")]
use crate::state::{Event, Outcome};
#[cfg(feature = "edge")]
use crate::{gateway, gateway::verified_notification};

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
/// The constructor reads the configuration without judging it, as the core does; call
/// `validate()` at start-up to have every bad key named.
#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct Gateway {
    config: Config,
}

#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash, js_class = Gateway)]
impl Gateway {
    /// Reads a configuration (`merchant`, `merchant_name`, `checkout_url`, `base_url`,
    /// `notification_token`, optional URLs). Unknown keys are refused (`invalid_config`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FlocashConfig")] config: JsValue,
    ) -> Result<Gateway, Thrown> {
        Ok(Gateway {
            config: from_js(config, Arg::config("config"))?,
        })
    }

    /// Checks every configuration value; throws `invalid_config` naming the first bad key.
    pub fn validate(&self) -> Result<(), Thrown> {
        self.config.validate()?;
        Ok(())
    }

    /// The post-back URL derived from `base_url` (`https://host/validateNotify.do`).
    #[wasm_bindgen(js_name = postbackUrl)]
    pub fn postback_url(&self) -> Result<String, Thrown> {
        Ok(self.config.postback_url()?)
    }

    /// The browser-safe part of the configuration (no token), to hand to a page that calls
    /// `flocash.checkoutPublic`.
    #[wasm_bindgen(js_name = publicConfig, unchecked_return_type = "FlocashPublicConfig")]
    pub fn public_config(&self) -> Result<JsValue, Thrown> {
        to_js(&self.config.public())
    }

    /// The checkout form for `order`: `{action, method, fields: [[name, value], …]}`.
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        let order: Order = from_js(order, ORDER)?;
        to_js(&flocash::checkout(&self.config, &order)?)
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
        let parsed = gateway::parse_notification(
            &self.config,
            content_type,
            &body,
            flocash::parse_notification,
        )?;
        Ok(UnverifiedNotification(Some(parsed)))
    }

    /// The post-back to perform (with a timeout): `{method, url, headers, body}`.
    #[wasm_bindgen(js_name = postbackRequest, unchecked_return_type = "HttpRequest")]
    pub fn postback_request(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<JsValue, Thrown> {
        to_js(&flocash::postback_request(
            &self.config,
            notification.get()?,
        ))
    }

    /// Judges the post-back reply: `{status, body}` as received, or `{error}` when the
    /// host could not get one. Verified only on `200 VERIFIED`; otherwise throws
    /// `postback_invalid` or `postback_failed`.
    ///
    /// Spends `notification`, as the core consumes it, whatever the verdict: a notification
    /// is verified once. (FloCash delivers a failed one again; parse that delivery.)
    #[wasm_bindgen(js_name = verifyPostback)]
    pub fn verify_postback(
        &self,
        notification: &mut UnverifiedNotification,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedNotification, Thrown> {
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let Some(unverified) = notification.0.take() else {
            return Err(spent());
        };
        let verified = flocash::verify_postback(&self.config, unverified, &reply)?;
        Ok(VerifiedNotification(verified))
    }

    /// The answer FloCash must get once `transition` decided: `200 00` when settled,
    /// otherwise a status that makes FloCash deliver again.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn acknowledge(&self, outcome: &Outcome) -> Result<JsValue, Thrown> {
        to_js(&flocash::acknowledge(outcome.inner()))
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
}

/// A parsed notification whose authenticity is not proven. Opaque: JS cannot build one, and
/// only `Gateway.verifyPostback` turns it into a `VerifiedNotification`, spending it.
#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct UnverifiedNotification(Option<Unverified<Notification>>);

#[cfg(feature = "edge")]
impl UnverifiedNotification {
    fn get(&self) -> Result<&Unverified<Notification>, Thrown> {
        self.0.as_ref().ok_or_else(spent)
    }
}

#[cfg(feature = "edge")]
fn spent() -> Thrown {
    Thrown::new(
        ErrorCode::FieldInvalid,
        Some("notification"),
        "this notification was already passed to verifyPostback; parse the raw body again",
    )
}

#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash, js_class = UnverifiedNotification)]
impl UnverifiedNotification {
    /// The parsed fields, to be read with suspicion (to find and lock the payment row).
    #[wasm_bindgen(unchecked_return_type = "FlocashNotification")]
    pub fn untrusted(&self) -> Result<JsValue, Thrown> {
        to_js(self.get()?.untrusted())
    }

    /// The body exactly as received, to store before acting on it.
    #[wasm_bindgen(js_name = rawBody)]
    pub fn raw_body(&self) -> Result<Vec<u8>, Thrown> {
        Ok(self.get()?.untrusted().raw_body().to_vec())
    }
}

/// A notification FloCash confirmed by post-back. Opaque: only `verifyPostback` makes one.
/// "Verified" says it is authentic, not that the payment succeeded: read `event()`.
#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct VerifiedNotification(Verified<Notification>);

#[cfg(feature = "edge")]
verified_notification!(flocash, "FlocashNotification");

/// Merchant Polling (edge module only: the polling configuration holds the API password).
#[cfg(feature = "edge")]
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

    /// Reads a polling reply (`{status, body}` or `{error}`): `gateway_error` for a SOAP fault
    /// or an error header, `gateway_unavailable` without an answer, `field_invalid` for
    /// malformed XML, and the field and money errors of the payments.
    #[wasm_bindgen(js_name = parsePollResponse)]
    pub fn parse_poll_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FlocashPollConfig")] poll_config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<PollReply, Thrown> {
        let config: flocash::PollConfig = from_js(poll_config, Arg::config("poll_config"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        Ok(PollReply(flocash::parse_poll_response(&config, &reply)?))
    }
}

/// A successful polling reply. Opaque: only `parsePollResponse` makes one, so its events can
/// move payments.
#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash)]
pub struct PollReply(Verified<flocash::PollReply>);

#[cfg(feature = "edge")]
#[wasm_bindgen(js_namespace = flocash, js_class = PollReply)]
impl PollReply {
    /// `{status_code, status_msg, payments}`.
    #[wasm_bindgen(unchecked_return_type = "FlocashPollReply")]
    pub fn reply(&self) -> Result<JsValue, Thrown> {
        to_js(&*self.0)
    }

    /// One event per payment, in order, each for `transition`.
    pub fn events(&self) -> Vec<Event> {
        self.0.events().into_iter().map(Event::new).collect()
    }
}

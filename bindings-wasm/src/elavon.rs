//! `elavon.*` (edge module only): the Santander Elavon verbs of `vpos_core::gateways::elavon`
//! (HPP and Remote XML), one call each. The configuration holds the shared secret and the
//! rebate password: never in a browser.

use vpos_core::gateways::elavon::{self, Config, Notification, Order, RemoteOperation};
use vpos_core::{Reply, Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, body_bytes, core_error, from_js, public_config, to_js};
use crate::state::{Event, Outcome};

/// One Elavon account. **Edge/server only**: the configuration holds the shared secret and the
/// rebate password, which no getter returns. The host supplies every `timestamp`.
#[wasm_bindgen(js_namespace = elavon)]
pub struct Gateway {
    config: Config,
}

#[wasm_bindgen(js_namespace = elavon, js_class = Gateway)]
impl Gateway {
    /// Reads a configuration; unknown keys are refused (`invalid_config`). Reads without
    /// judging, as the core does: call `validate()` at start-up.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ElavonConfig")] config: JsValue,
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

    /// The configuration without `secret` and `rebate_password`.
    #[wasm_bindgen(js_name = publicConfig, unchecked_return_type = "ElavonPublicConfig")]
    pub fn public_config(&self) -> Result<JsValue, Thrown> {
        public_config(&self.config, &["secret", "rebate_password"])
    }

    /// Parses a notification from the request's `Content-Type` and raw body (string,
    /// `Uint8Array` or `ArrayBuffer`: pass the bytes as received). Store the raw body first.
    #[wasm_bindgen(js_name = parseNotification)]
    pub fn parse_notification(
        &self,
        content_type: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
    ) -> Result<UnverifiedNotification, Thrown> {
        let body = body_bytes(&body)?;
        let content_type = content_type.unwrap_or_default();
        Ok(UnverifiedNotification(elavon::parse_notification(
            &self.config,
            &content_type,
            &body,
        )?))
    }

    /// The answer once `transition` decided.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn acknowledge(&self, outcome: &Outcome) -> Result<JsValue, Thrown> {
        acknowledge(outcome)
    }

    /// The answer for a refused notification (never the "settled" answer).
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn reject(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
    ) -> Result<JsValue, Thrown> {
        reject(error)
    }

    /// The signed redirect form for `order`.
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElavonOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        let order: Order = from_js(order, Arg::value("order"))?;
        to_js(&elavon::checkout(&self.config, &order)?)
    }

    /// The redirect form as HTML, every value escaped by the core.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElavonOrder")] order: JsValue,
        auto_submit: Option<bool>,
    ) -> Result<String, Thrown> {
        let order: Order = from_js(order, Arg::value("order"))?;
        Ok(elavon::checkout(&self.config, &order)?.to_html(auto_submit.unwrap_or(false)))
    }

    /// Checks the signature (in constant time) and the merchant; throws `signature_mismatch`
    /// or `merchant_mismatch`. The unverified handle stays usable.
    pub fn verify(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<VerifiedNotification, Thrown> {
        Ok(VerifiedNotification(elavon::verify(
            &self.config,
            notification.0.clone(),
        )?))
    }

    /// The Remote XML request for a settle, void or rebate (a rebate needs `rebate_password`:
    /// `invalid_config`).
    #[wasm_bindgen(js_name = remoteRequest, unchecked_return_type = "HttpRequest")]
    pub fn remote_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElavonRemoteOperation")] operation: JsValue,
    ) -> Result<JsValue, Thrown> {
        let operation: RemoteOperation = from_js(operation, Arg::value("operation"))?;
        to_js(&elavon::remote_request(&self.config, &operation)?)
    }

    /// Reads the Remote reply: a hashed `00` is the event the operation means; another result
    /// `gateway_error`; no usable answer `gateway_unavailable`; a bad hash
    /// `signature_mismatch`.
    #[wasm_bindgen(js_name = parseRemoteResponse)]
    pub fn parse_remote_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElavonRemoteOperation")] operation: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedEvent, Thrown> {
        let operation: RemoteOperation = from_js(operation, Arg::value("operation"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let event = elavon::parse_remote_response(&self.config, &operation, &reply)?;
        Ok(VerifiedEvent(event.into_inner()))
    }
}

/// A parsed notification whose authenticity is not proven. Opaque: only
/// `Gateway.parseNotification` makes one.
#[wasm_bindgen(js_namespace = elavon)]
pub struct UnverifiedNotification(Unverified<Notification>);

#[wasm_bindgen(js_namespace = elavon, js_class = UnverifiedNotification)]
impl UnverifiedNotification {
    /// The parsed fields, to be read with suspicion (to find the payment).
    #[wasm_bindgen(unchecked_return_type = "ElavonNotification")]
    pub fn untrusted(&self) -> Result<JsValue, Thrown> {
        to_js(self.0.untrusted())
    }

    /// The body exactly as received.
    #[wasm_bindgen(js_name = rawBody)]
    pub fn raw_body(&self) -> Vec<u8> {
        self.0.untrusted().raw_body().to_vec()
    }
}

/// A notification whose authenticity is proven. Opaque: only `Gateway.verify` makes one.
/// Verified says who sent it, not that the payment succeeded: read `event()`.
#[wasm_bindgen(js_namespace = elavon)]
pub struct VerifiedNotification(Verified<Notification>);

#[wasm_bindgen(js_namespace = elavon, js_class = VerifiedNotification)]
impl VerifiedNotification {
    /// The notification's fields.
    #[wasm_bindgen(unchecked_return_type = "ElavonNotification")]
    pub fn notification(&self) -> Result<JsValue, Thrown> {
        to_js(&*self.0)
    }

    /// The gateway-neutral event to hand to `transition`.
    pub fn event(&self) -> Event {
        Event::new(self.0.event())
    }

    /// The body exactly as received.
    #[wasm_bindgen(js_name = rawBody)]
    pub fn raw_body(&self) -> Vec<u8> {
        self.0.raw_body().to_vec()
    }
}

/// The verified result of a Remote operation. Opaque: only `parseRemoteResponse` makes one.
#[wasm_bindgen(js_namespace = elavon)]
pub struct VerifiedEvent(vpos_core::Event);

#[wasm_bindgen(js_namespace = elavon, js_class = VerifiedEvent)]
impl VerifiedEvent {
    /// The gateway-neutral event to hand to `transition`.
    pub fn event(&self) -> Event {
        Event::new(self.0.clone())
    }
}

/// `sha1_hex(sha1_hex(fields.join('.')) + '.' + secret)`, lower case.
#[wasm_bindgen(js_namespace = elavon)]
pub fn hash(fields: Vec<String>, secret: &str) -> String {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    elavon::hash(&fields, secret)
}

/// The answer once `transition` decided (as `Gateway.acknowledge`).
#[wasm_bindgen(js_namespace = elavon, unchecked_return_type = "HttpResponse")]
pub fn acknowledge(outcome: &Outcome) -> Result<JsValue, Thrown> {
    to_js(&elavon::acknowledge(outcome.inner()))
}

/// The answer for a refused notification (as `Gateway.reject`): `error` is a thrown
/// `VposError` or any `{code, message, field?}` with a vpos code.
#[wasm_bindgen(js_namespace = elavon, unchecked_return_type = "HttpResponse")]
pub fn reject(
    #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
) -> Result<JsValue, Thrown> {
    to_js(&elavon::reject(&core_error(&error)?))
}

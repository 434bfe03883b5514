//! `ceca.*` (edge module only): the CECA (Cecabank) verbs of `vpos_core::gateways::ceca`, one
//! call each. The configuration holds the encryption key: never in a browser.

use vpos_core::gateways::ceca::{self, Config, Notification, Order};
use vpos_core::{Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, body_bytes, core_error, from_js, public_config, to_js};
use crate::state::{Event, Outcome};

/// One CECA terminal. **Edge/server only**: the configuration holds the key, which no getter
/// returns.
#[wasm_bindgen(js_namespace = ceca)]
pub struct Gateway {
    config: Config,
}

#[wasm_bindgen(js_namespace = ceca, js_class = Gateway)]
impl Gateway {
    /// Reads a configuration; unknown keys are refused (`invalid_config`). Reads without
    /// judging, as the core does: call `validate()` at start-up.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CecaConfig")] config: JsValue,
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

    /// The configuration without `key`.
    #[wasm_bindgen(js_name = publicConfig, unchecked_return_type = "CecaPublicConfig")]
    pub fn public_config(&self) -> Result<JsValue, Thrown> {
        public_config(&self.config, &["key"])
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
        Ok(UnverifiedNotification(ceca::parse_notification(
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
        #[wasm_bindgen(unchecked_param_type = "CecaOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        let order: Order = from_js(order, Arg::value("order"))?;
        to_js(&ceca::checkout(&self.config, &order)?)
    }

    /// The redirect form as HTML, every value escaped by the core.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CecaOrder")] order: JsValue,
        auto_submit: Option<bool>,
    ) -> Result<String, Thrown> {
        let order: Order = from_js(order, Arg::value("order"))?;
        Ok(ceca::checkout(&self.config, &order)?.to_html(auto_submit.unwrap_or(false)))
    }

    /// Checks the signature (in constant time) and the merchant; throws `signature_mismatch`
    /// or `merchant_mismatch`. The unverified handle stays usable.
    pub fn verify(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<VerifiedNotification, Thrown> {
        Ok(VerifiedNotification(ceca::verify(
            &self.config,
            notification.0.clone(),
        )?))
    }
}

/// A parsed notification whose authenticity is not proven. Opaque: only
/// `Gateway.parseNotification` makes one.
#[wasm_bindgen(js_namespace = ceca)]
pub struct UnverifiedNotification(Unverified<Notification>);

#[wasm_bindgen(js_namespace = ceca, js_class = UnverifiedNotification)]
impl UnverifiedNotification {
    /// The parsed fields, to be read with suspicion (to find the payment).
    #[wasm_bindgen(unchecked_return_type = "CecaNotification")]
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
#[wasm_bindgen(js_namespace = ceca)]
pub struct VerifiedNotification(Verified<Notification>);

#[wasm_bindgen(js_namespace = ceca, js_class = VerifiedNotification)]
impl VerifiedNotification {
    /// The notification's fields.
    #[wasm_bindgen(unchecked_return_type = "CecaNotification")]
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

/// The answer once `transition` decided (as `Gateway.acknowledge`).
#[wasm_bindgen(js_namespace = ceca, unchecked_return_type = "HttpResponse")]
pub fn acknowledge(outcome: &Outcome) -> Result<JsValue, Thrown> {
    to_js(&ceca::acknowledge(outcome.inner()))
}

/// The answer for a refused notification (as `Gateway.reject`): `error` is a thrown
/// `VposError` or any `{code, message, field?}` with a vpos code.
#[wasm_bindgen(js_namespace = ceca, unchecked_return_type = "HttpResponse")]
pub fn reject(
    #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
) -> Result<JsValue, Thrown> {
    to_js(&ceca::reject(&core_error(&error)?))
}

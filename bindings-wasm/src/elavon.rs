//! `elavon.*` (edge module only): the Santander Elavon verbs of `vpos_core::gateways::elavon`
//! (HPP and Remote XML), one call each. The configuration holds the shared secret and the
//! rebate password: never in a browser.

use vpos_core::gateways::elavon::{self, Config, Notification, RemoteOperation};
use vpos_core::{Reply, Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::gateway::{
    self, answers, gateway_class, unverified_notification, verified_event, verified_notification,
};
use crate::js::{Arg, Thrown, from_js, to_js};

/// One Elavon account. **Edge/server only**: the configuration holds the shared secret and the
/// rebate password, which no getter returns. The host supplies every `timestamp`.
#[wasm_bindgen(js_namespace = elavon)]
pub struct Gateway {
    config: Config,
}

gateway_class! {
    namespace: elavon,
    config: "ElavonConfig",
    public_config: "ElavonPublicConfig",
    also_drop: [],
    public_doc: " The configuration without `secret` and `rebate_password`.",
    notifications: elavon,
}

#[wasm_bindgen(js_namespace = elavon, js_class = Gateway)]
impl Gateway {
    /// The signed redirect form for `order`.
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElavonOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        gateway::checkout(&self.config, order, elavon::checkout)
    }

    /// The redirect form as HTML, every value escaped by the core.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElavonOrder")] order: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ autoSubmit?: boolean }")]
        options: JsValue,
    ) -> Result<String, Thrown> {
        gateway::checkout_html(&self.config, order, options, elavon::checkout)
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

unverified_notification!(elavon, "ElavonNotification");

/// A notification whose authenticity is proven. Opaque: only `Gateway.verify` makes one.
/// Verified says who sent it, not that the payment succeeded: read `event()`.
#[wasm_bindgen(js_namespace = elavon)]
pub struct VerifiedNotification(Verified<Notification>);

verified_notification!(elavon, "ElavonNotification");

/// The verified result of a Remote operation. Opaque: only `parseRemoteResponse` makes one.
#[wasm_bindgen(js_namespace = elavon)]
pub struct VerifiedEvent(vpos_core::Event);

verified_event!(elavon);

/// `sha1_hex(sha1_hex(fields.join('.')) + '.' + secret)`, lower case.
#[wasm_bindgen(js_namespace = elavon)]
pub fn hash(fields: Vec<String>, secret: &str) -> String {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    elavon::hash(&fields, secret)
}

answers!(elavon, elavon);

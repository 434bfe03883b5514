//! `ceca.*` (edge module only): the CECA (Cecabank) verbs of `vpos_core::gateways::ceca`, one
//! call each. The configuration holds the encryption key: never in a browser.

use vpos_core::gateways::ceca::{self, Config, Notification};
use vpos_core::{Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::gateway::{
    self, answers, gateway_class, unverified_notification, verified_notification,
};
use crate::js::Thrown;

/// One CECA terminal. **Edge/server only**: the configuration holds the key, which no getter
/// returns.
#[wasm_bindgen(js_namespace = ceca)]
pub struct Gateway {
    config: Config,
}

gateway_class! {
    namespace: ceca,
    config: "CecaConfig",
    public_config: "CecaPublicConfig",
    also_drop: [],
    public_doc: " The configuration without `key`.",
    notifications: ceca,
}

#[wasm_bindgen(js_namespace = ceca, js_class = Gateway)]
impl Gateway {
    /// The signed redirect form for `order`.
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CecaOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        gateway::checkout(&self.config, order, ceca::checkout)
    }

    /// The redirect form as HTML, every value escaped by the core.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CecaOrder")] order: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ autoSubmit?: boolean }")]
        options: JsValue,
    ) -> Result<String, Thrown> {
        gateway::checkout_html(&self.config, order, options, ceca::checkout)
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

unverified_notification!(ceca, "CecaNotification");

/// A notification whose authenticity is proven. Opaque: only `Gateway.verify` makes one.
/// Verified says who sent it, not that the payment succeeded: read `event()`.
#[wasm_bindgen(js_namespace = ceca)]
pub struct VerifiedNotification(Verified<Notification>);

verified_notification!(ceca, "CecaNotification");

answers!(ceca, ceca);

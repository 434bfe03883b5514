//! `paypal.*`: PayPal Website Payments Standard, from `vpos_core::gateways::paypal`.
//!
//! [`checkout_public`] and [`validate_order`] need no secret and would be safe in a page, but
//! they do not fit the browser module's budget, so they ship in the edge module only, beside
//! `paypal.Gateway` (`paypal_edge.rs`).

use vpos_core::gateways::paypal::{self, Config, Order};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, from_js, to_js};

/// The settings a page may hold: every key of `paypal::Config` but the NVP credentials. A
/// mirror, not the core type, so that `nvp` is an unknown key here (`invalid_config`): API
/// secrets cannot ride along into a page. Built back into the core's `Config` field by field,
/// so a field added in core fails to compile here.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicConfig {
    business: String,
    checkout_url: String,
    ipn_url: String,
    #[serde(default)]
    notify_url: Option<String>,
    #[serde(default)]
    return_url: Option<String>,
    #[serde(default)]
    cancel_url: Option<String>,
}

/// Builds the "Buy Now" form (`cmd=_xclick`) from the configuration, with the same rules as
/// the server's `Gateway.checkout`. Safe in a browser: PayPal Standard has no secret. A
/// configuration carrying NVP credentials (`nvp`) is refused (`invalid_config`).
#[wasm_bindgen(js_namespace = paypal, js_name = checkoutPublic, unchecked_return_type = "RedirectForm")]
pub fn checkout_public(
    #[wasm_bindgen(unchecked_param_type = "PaypalPublicConfig")] public_config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PaypalOrder")] order: JsValue,
) -> Result<JsValue, Thrown> {
    let PublicConfig {
        business,
        checkout_url,
        ipn_url,
        notify_url,
        return_url,
        cancel_url,
    } = from_js(public_config, Arg::config("public_config"))?;
    let config = Config {
        business,
        checkout_url,
        ipn_url,
        notify_url,
        return_url,
        cancel_url,
        nvp: None,
    };
    let order: Order = from_js(order, Arg::value("order"))?;
    to_js(&paypal::checkout(&config, &order)?)
}

/// Checks an order against the rules `checkoutPublic` applies, for field errors before
/// submit: returns nothing, throws a `VposError` naming the first bad field.
#[wasm_bindgen(js_namespace = paypal, js_name = validateOrder)]
pub fn validate_order(
    #[wasm_bindgen(unchecked_param_type = "PaypalPublicConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PaypalOrder")] order: JsValue,
) -> Result<(), Thrown> {
    checkout_public(config, order).map(drop)
}

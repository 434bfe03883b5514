//! `paypal.*`: PayPal Website Payments Standard, from `vpos_core::gateways::paypal`.
//!
//! [`checkout_public`] and [`validate_order`] need no secret and would be safe in a page, but
//! they do not fit the browser module's budget, so they ship in the edge module only, beside
//! `paypal.Gateway` (`paypal_edge.rs`).

use vpos_core::gateways::paypal::{self, Order, PublicConfig};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, from_js, to_js};

/// Builds the "Buy Now" form (`cmd=_xclick`) from the configuration, with the same rules as
/// the server's `Gateway.checkout`. Safe in a browser: PayPal Standard has no secret. A
/// configuration carrying NVP credentials (`nvp`) is refused (`invalid_config`).
#[wasm_bindgen(js_namespace = paypal, js_name = checkoutPublic, unchecked_return_type = "RedirectForm")]
pub fn checkout_public(
    #[wasm_bindgen(unchecked_param_type = "PaypalPublicConfig")] public_config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PaypalOrder")] order: JsValue,
) -> Result<JsValue, Thrown> {
    let config: PublicConfig = from_js(public_config, Arg::config("public_config"))?;
    let config = config.into_config();
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

//! `paypalRest.*`, edge module only: what the driver leaves to the host for PayPal REST
//! (gateway `paypal_rest`), the OAuth token. The core builds the token request and reads the
//! reply; the JS glue (`js/edge-glue.js`, `paypalRest.TokenCache`) sends it and caches the
//! token, as the Node package does. The token stays inside the module: JavaScript holds an
//! opaque `paypalRest.AccessToken` and asks for a `Config` carrying it.

use vpos_core::driver::Config;
use vpos_core::gateways::paypal::{self, AccessToken as CoreToken, RestConfig};
use vpos_core::{Error, ErrorCode, Reply};
use wasm_bindgen::prelude::*;

use crate::driver::DriverConfig;
use crate::js::{Arg, Thrown, core_error, from_js, to_js};

/// The REST account of a driver configuration; any other gateway is `unsupported`.
fn rest(config: &DriverConfig) -> Result<&RestConfig, Thrown> {
    match &config.inner {
        Config::PaypalRest(c) => Ok(c),
        other => Err(Error::new(
            ErrorCode::Unsupported,
            format!(
                "{} has no OAuth token: only paypal_rest does",
                other.gateway().as_str()
            ),
        )
        .with_field("gateway")
        .into()),
    }
}

/// An OAuth access token PayPal issued: how long it lives, the token itself never readable.
#[wasm_bindgen(js_namespace = paypalRest, js_name = AccessToken)]
pub struct AccessToken {
    inner: CoreToken,
}

#[wasm_bindgen(js_namespace = paypalRest, js_class = AccessToken)]
impl AccessToken {
    /// Seconds the token lives from when PayPal issued it (cache it for somewhat less).
    #[wasm_bindgen(getter, js_name = expiresIn)]
    pub fn expires_in(&self) -> u32 {
        u32::try_from(self.inner.expires_in()).unwrap_or(u32::MAX)
    }
}

/// `POST {api_base}/v1/oauth2/token` for a `paypal_rest` Config (its headers hold the secret:
/// never log them).
#[wasm_bindgen(js_namespace = paypalRest, js_name = tokenRequest, unchecked_return_type = "HttpRequest")]
pub fn token_request(config: &DriverConfig) -> Result<JsValue, Thrown> {
    to_js(&paypal::token_request(rest(config)?)?)
}

/// Reads the reply to `tokenRequest`: the token, or the core's error (`invalid_config` on
/// `client_id` for wrong credentials, `gateway_unavailable`, …).
#[wasm_bindgen(js_namespace = paypalRest, js_name = parseTokenReply)]
pub fn parse_token_reply(
    #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
) -> Result<AccessToken, Thrown> {
    let reply: Reply = from_js(reply, Arg::value("reply"))?;
    Ok(AccessToken {
        inner: paypal::parse_token_reply(&reply)?,
    })
}

/// `config` with `token` as its `access_token`: a new Config.
#[wasm_bindgen(js_namespace = paypalRest, js_name = configWithToken)]
pub fn config_with_token(
    config: &DriverConfig,
    token: &AccessToken,
) -> Result<DriverConfig, Thrown> {
    let mut c = rest(config)?.clone();
    c.access_token = Some(token.inner.secret().clone());
    Ok(DriverConfig::of(Config::PaypalRest(c)))
}

/// Whether `error` is PayPal's 401 on an API call: drop the token, fetch a new one, ask once
/// more.
#[wasm_bindgen(js_namespace = paypalRest, js_name = isTokenRejected)]
pub fn is_token_rejected(
    #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
) -> bool {
    core_error(&error).is_ok_and(|e| paypal::is_token_rejected(&e))
}

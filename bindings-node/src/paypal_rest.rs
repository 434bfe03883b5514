//! `paypalRest.*`: what the driver leaves to the host for PayPal REST (gateway `paypal_rest`),
//! the OAuth token. The core builds the token request and reads the reply; `lib/paypal_rest.js`
//! sends it and caches the token. The token stays native: JavaScript holds an opaque
//! `PaypalRestAccessToken` and asks for a `DriverConfig` carrying it, so no string of it ever
//! reaches a JS heap dump, a log or `JSON.stringify`.

use napi::Env;
use napi_derive::napi;
use vpos_core::driver::Config;
use vpos_core::gateways::paypal::{self, AccessToken, RestConfig};
use vpos_core::{Error, ErrorCode, Reply};

use crate::driver::DriverConfig;
use crate::error::OrThrow;
use crate::outcome::parse_error;
use crate::wire::{Role, parse, to_json};

/// The REST account of a driver configuration; any other gateway is `unsupported`.
fn rest(config: &DriverConfig) -> Result<&RestConfig, Error> {
    match &config.inner {
        Config::PaypalRest(c) => Ok(c),
        other => Err(Error::new(
            ErrorCode::Unsupported,
            format!(
                "{} has no OAuth token: only paypal_rest does",
                other.gateway().as_str()
            ),
        )
        .with_field("gateway")),
    }
}

/// An OAuth access token PayPal issued: how long it lives, the token itself never shown.
#[napi]
pub struct PaypalRestAccessToken {
    inner: AccessToken,
}

#[napi]
impl PaypalRestAccessToken {
    /// Seconds the token lives from when PayPal issued it (cache it for somewhat less).
    #[napi(getter)]
    pub fn expires_in(&self) -> i64 {
        i64::try_from(self.inner.expires_in()).unwrap_or(i64::MAX)
    }
}

/// `token_request(config)`: `POST {api_base}/v1/oauth2/token` with the Basic pair, as
/// `HttpRequest` JSON (its headers hold the secret: never log them).
#[napi]
pub fn paypal_rest_token_request(env: Env, config: &DriverConfig) -> napi::Result<String> {
    rest(config)
        .and_then(paypal::token_request)
        .map(|r| to_json(&r))
        .or_throw(&env)
}

/// `parse_token_reply(reply)` on the host's `Reply` JSON: the token, or the core's error
/// (`invalid_config` on `client_id` for wrong credentials, `gateway_unavailable`, …).
#[napi]
pub fn paypal_rest_parse_token_reply(
    env: Env,
    reply: String,
) -> napi::Result<PaypalRestAccessToken> {
    let reply: Reply = parse(&reply, Role::Data).or_throw(&env)?;
    paypal::parse_token_reply(&reply)
        .map(|inner| PaypalRestAccessToken { inner })
        .or_throw(&env)
}

/// `config` with `token` as its `access_token`: what the driver's verbs need.
#[napi]
pub fn paypal_rest_config_with_token(
    env: Env,
    config: &DriverConfig,
    token: &PaypalRestAccessToken,
) -> napi::Result<DriverConfig> {
    let mut c = rest(config).or_throw(&env)?.clone();
    c.access_token = Some(token.inner.secret().clone());
    Ok(DriverConfig {
        inner: Config::PaypalRest(c),
    })
}

/// `is_token_rejected(error)` for `{ code, field, message }` JSON: PayPal answered 401 (drop
/// the token, fetch a new one, ask once more).
#[napi]
pub fn paypal_rest_is_token_rejected(env: Env, error: String) -> napi::Result<bool> {
    let error = parse_error(&error).or_throw(&env)?;
    Ok(paypal::is_token_rejected(&error))
}

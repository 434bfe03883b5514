//! `hostedpay/testing`: the core's test helpers (`vpos_core::testing`), the gateway's side of a
//! notification for a shop's own tests. Only converts and calls; `testing.js` builds the fake
//! gateway (a `fetch` for `handleNotification` and `operate`) on it.

use napi::Env;
use napi_derive::napi;
use vpos_core::testing::{self, Mode, Payment, Proof};
use vpos_core::{HttpRequest, Method, Reply};

use crate::driver::DriverConfig;
use crate::error::OrThrow;
use crate::gateway::read;
use crate::wire::to_json;

/// `testing::notification` for `config`'s gateway and the payment JSON (`{order_id, amount,
/// status?, transaction_id?}`): `{content_type, body, token?, proof?}` JSON.
#[napi]
pub fn testing_notification(
    env: Env,
    config: &DriverConfig,
    payment: String,
) -> napi::Result<String> {
    let payment: Payment = read(&env, &payment)?;
    testing::notification(&config.inner, &payment)
        .map(|n| to_json(&n))
        .or_throw(&env)
}

/// `testing::reply`: the gateway's answer to a proof request in `mode` (`verified`, `invalid`,
/// `timeout`, `server_error`), as the core's `Reply` JSON (`body` as bytes).
#[napi]
pub fn testing_reply(env: Env, proof: String, mode: String) -> napi::Result<String> {
    let proof: Proof = read(&env, &proof)?;
    let mode: Mode = read(&env, &serde_json::Value::String(mode).to_string())?;
    Ok(reply_json(&testing::reply(&proof, mode)))
}

/// `testing::operation_reply`: the gateway's answer to an operation request (Redsys REST,
/// Elavon Remote) in `mode`; `unsupported` for any other.
#[napi]
pub fn testing_operation_reply(
    env: Env,
    config: &DriverConfig,
    request: String,
    mode: String,
) -> napi::Result<String> {
    // What the host's fetch was given: its method, URL and body are what the gateway reads.
    #[derive(serde::Deserialize)]
    struct Sent {
        method: Method,
        url: String,
        #[serde(default)]
        body: String,
    }
    let sent: Sent = read(&env, &request)?;
    let request = HttpRequest {
        method: sent.method,
        url: sent.url,
        headers: Vec::new(),
        body: sent.body,
    };
    let mode: Mode = read(&env, &serde_json::Value::String(mode).to_string())?;
    testing::operation_reply(&config.inner, &request, mode)
        .map(|r| reply_json(&r))
        .or_throw(&env)
}

/// A reply as JS wants it: `{status, body}` with the body as text, or `{error}`.
fn reply_json(reply: &Reply) -> String {
    match reply {
        Reply::Response { status, body } => serde_json::json!({
            "status": status,
            "body": String::from_utf8_lossy(body),
        })
        .to_string(),
        Reply::Failed { error } => serde_json::json!({ "error": error }).to_string(),
    }
}

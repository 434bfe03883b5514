//! `POST /v1/oauth2/token` (client credentials) and the bearer check of every other call.
//!
//! Source: <https://developer.paypal.com/api/rest/authentication/>: HTTP Basic of
//! `client_id:secret`, the form `grant_type=client_credentials`, a reply with `access_token`,
//! `token_type` `Bearer`, `expires_in`; wrong credentials are HTTP 401 `invalid_client`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AppState;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use subtle::ConstantTimeEq as _;

use super::{GATEWAY, json_response};
use crate::app::App;
use crate::clock;

pub(super) const TOKEN_PATH: &str = "/v1/oauth2/token";

/// `POST /v1/oauth2/token`.
pub(super) async fn token(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !client_authenticated(&app, &headers) {
        app.note(
            GATEWAY,
            "",
            "token refused: no or wrong client id and secret (HTTP Basic)".into(),
        );
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": "Client Authentication failed"})
                .to_string(),
        );
    }
    let form = vpos_core::form::parse_urlencoded(&body, 4096).unwrap_or_default();
    let grant = form
        .iter()
        .find(|(n, _)| n == "grant_type")
        .map(|(_, v)| v.as_str());
    if grant != Some("client_credentials") {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type",
                   "error_description": "Grant Type is NULL or not client_credentials"})
            .to_string(),
        );
    }
    let seconds = app.config.paypal_rest.token_seconds;
    let lifetime = if seconds == 0 {
        Duration::ZERO
    } else {
        app.scaled(Duration::from_secs(seconds))
    };
    let expires_at =
        clock::now_ms().saturating_add(u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX));
    let (access_token, app_id, nonce) = {
        let mut inner = app.lock();
        let token = format!(
            "A21AA{}",
            inner.random_from(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                90
            )
        );
        inner.paypal_rest.tokens.insert(token.clone(), expires_at);
        let app_id = format!("APP-{}", super::new_id(&mut inner));
        (token, app_id, super::now())
    };
    app.note(
        GATEWAY,
        "",
        format!("access token issued, expires_in {seconds} (PayPal time)"),
    );
    json_response(
        StatusCode::OK,
        json!({
            "scope": "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/applications/webhooks",
            "access_token": access_token,
            "token_type": "Bearer",
            "app_id": app_id,
            "expires_in": seconds,
            "nonce": nonce,
        })
        .to_string(),
    )
}

/// `Authorization: Basic base64(client_id:secret)` with the configured pair, compared in
/// constant time.
fn client_authenticated(app: &App, headers: &HeaderMap) -> bool {
    let Some(decoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v.trim()).ok())
    else {
        return false;
    };
    let config = &app.config.paypal_rest;
    let expected = format!("{}:{}", config.client_id, config.secret.expose());
    bool::from(decoded.as_slice().ct_eq(expected.as_bytes()))
}

/// `None` when the request carries `Authorization: Bearer <token>` of a token this sandbox
/// issued that has not expired; otherwise the HTTP 401 `invalid_token` answer.
pub(crate) fn check_bearer(app: &App, headers: &HeaderMap) -> Option<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let expired = {
        let inner = app.lock();
        match token.and_then(|t| inner.paypal_rest.tokens.get(t)) {
            Some(expires_at) if *expires_at > clock::now_ms() => return None,
            Some(_) => true,
            None => false,
        }
    };
    let (description, note) = if expired {
        (
            "Access Token not found in cache",
            "the access token expired",
        )
    } else {
        (
            "Token signature verification failed",
            "no access token, or one this sandbox never issued",
        )
    };
    app.note(GATEWAY, "", format!("API call refused (HTTP 401): {note}"));
    Some(json_response(
        StatusCode::UNAUTHORIZED,
        json!({"error": "invalid_token", "error_description": description}).to_string(),
    ))
}

//! The current API's credentials, checked as BitPay checks them: `X-Accept-Version: 2.0.0`
//! on every call, the POS token for invoices and unsigned invoice queries, and the merchant
//! token only with `X-Identity` (the key the token is paired with) and `X-Signature`
//! (ECDSA over secp256k1 of SHA-256(full URL + body), DER, hex).
//!
//! The signature is checked here with `k256` directly (not through vpos-core, whose signer it
//! checks), and the paired key comes from the sandbox's configuration, not from the request.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use k256::ecdsa::signature::Verifier;
use k256::ecdsa::{Signature, VerifyingKey};
use subtle::ConstantTimeEq;

use super::json_error;
use crate::app::App;
use crate::config::BITPAY_TEST_MERCHANT_KEY;

/// The only version the sandbox serves, as BitPay's current API.
pub(crate) const API_VERSION: &str = "2.0.0";

/// Why a call is refused: the HTTP status and BitPay's `error` text.
pub(super) type Refusal = (StatusCode, &'static str);

/// Who called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Facade {
    /// The POS token: create invoices, read them.
    Pos,
    /// The merchant token, signed by the paired key: everything.
    Merchant,
}

/// Refuses a call without `X-Accept-Version: 2.0.0`.
pub(super) fn version(headers: &HeaderMap) -> Result<(), Refusal> {
    match headers
        .get("x-accept-version")
        .and_then(|v| v.to_str().ok())
    {
        Some(API_VERSION) => Ok(()),
        Some(_) => Err((
            StatusCode::BAD_REQUEST,
            "Unsupported X-Accept-Version: this API is 2.0.0",
        )),
        None => Err((
            StatusCode::BAD_REQUEST,
            "X-Accept-Version: 2.0.0 is required",
        )),
    }
}

/// The refusal as BitPay answers it.
pub(super) fn refused((status, why): Refusal) -> Response {
    json_error(status, why)
}

fn equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The path and query of a request, as signed after the scheme and host.
pub(super) fn uri_text(uri: &axum::http::Uri) -> String {
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string())
}

/// The paired key's `X-Identity` (compressed SEC1, lower-case hex).
pub(crate) fn merchant_identity(app: &App) -> String {
    let configured = &app.config.bitpay.merchant_identity;
    if !configured.is_empty() {
        return configured.to_ascii_lowercase();
    }
    k256::SecretKey::from_sec1_pem(BITPAY_TEST_MERCHANT_KEY.trim())
        .map(|k| {
            let key = k256::ecdsa::SigningKey::from(k);
            hex(&key.verifying_key().to_sec1_point(true).to_bytes())
        })
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// The full URLs the client may have signed: the one its `Host` names, and the sandbox's own.
fn urls(app: &App, headers: &HeaderMap, path_and_query: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        out.push(format!("http://{host}{path_and_query}"));
    }
    out.push(format!("{}{path_and_query}", app.base_url));
    out
}

/// Whether `X-Signature` is the paired key's signature of the URL and body.
fn signed(
    app: &App,
    headers: &HeaderMap,
    path_and_query: &str,
    body: &[u8],
) -> Result<(), &'static str> {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let (Some(identity), Some(signature)) = (header("x-identity"), header("x-signature")) else {
        return Err("the merchant facade needs X-Identity and X-Signature");
    };
    if !equal(&identity.to_ascii_lowercase(), &merchant_identity(app)) {
        return Err("X-Identity is not the key this token is paired with");
    }
    let key = unhex(identity)
        .and_then(|b| VerifyingKey::from_sec1_bytes(&b).ok())
        .ok_or("X-Identity is not a secp256k1 public key")?;
    let signature = unhex(signature)
        .and_then(|b| Signature::from_der(&b).ok())
        .ok_or("X-Signature is not a DER signature in hex")?;
    let body = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8")?;
    urls(app, headers, path_and_query)
        .iter()
        .any(|url| {
            key.verify(format!("{url}{body}").as_bytes(), &signature)
                .is_ok()
        })
        .then_some(())
        .ok_or("Invalid signature: X-Signature is not over this URL and body")
}

/// Which facade `token` belongs to, the merchant one only when signed; `pos_allowed` false
/// (refunds) refuses the POS token. A refusal is HTTP 401, as BitPay's.
pub(super) fn authorise(
    app: &App,
    headers: &HeaderMap,
    path_and_query: &str,
    body: &[u8],
    token: Option<&str>,
    pos_allowed: bool,
) -> Result<Facade, Refusal> {
    let config = &app.config.bitpay;
    let token = token.unwrap_or_default();
    if !token.is_empty() && equal(token, config.merchant_token.expose()) {
        return match signed(app, headers, path_and_query, body) {
            Ok(()) => Ok(Facade::Merchant),
            Err(why) => {
                app.note("bitpay", "", format!("merchant-facade call refused: {why}"));
                Err((StatusCode::UNAUTHORIZED, why))
            }
        };
    }
    if pos_allowed && !token.is_empty() && equal(token, config.pos_token.expose()) {
        return Ok(Facade::Pos);
    }
    let why = if pos_allowed {
        "Invalid token"
    } else {
        "This endpoint needs the merchant facade's token, signed"
    };
    app.note("bitpay", "", format!("call refused: {why}"));
    Err((StatusCode::UNAUTHORIZED, why))
}

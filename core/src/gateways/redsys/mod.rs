//! Redsys (Spain): redirect form signed with `HMAC_SHA256_V1`, notifications verified with the
//! merchant key.
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`checkout`]: the signed redirect form |
//! | `parse_notification` / `verify` | [`parse_notification`] (HTTP POST), [`verify`] |
//! | `acknowledge` | [`acknowledge`] for an [`Outcome`], [`reject`] for an [`Error`] |
//!
//! This release covers the redirect flow and HTTP-POST notifications. SOAP notifications,
//! REST operations (refunds, pre-authorisation confirm and cancel) and the SHA-512 signature
//! versions are the next slices of this module.

mod checkout;
mod config;
mod notification;
mod sign;
mod status;

pub use checkout::{
    Order, SIGNATURE_VERSION, TransactionType, check_order_number, checkout, order_number,
};
pub use config::{Config, LIVE_CHECKOUT_URL, TEST_CHECKOUT_URL};
pub use notification::{MAX_BODY_BYTES, Notification, parse_notification, verify};
pub use status::{
    Meaning, RESPONSE_CODES, map_status, meaning, normalize_response, response_message,
};

use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpResponse;
use crate::state::{IgnoreReason, Outcome};

/// Signs `message` for `order` with the configured key (standard base64). This is what every
/// Redsys request carries in `Ds_Signature`; exposed for tests against public vectors and for
/// hosts that build their own requests.
///
/// ```
/// # let config: vpos_core::gateways::redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881",
/// #   "terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#)?;
/// let sig = vpos_core::gateways::redsys::sign(&config, "0", b"")?;
/// assert_eq!(sig.len(), 44);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(config: &Config, order: &str, message: &[u8]) -> Result<String> {
    Ok(config.key()?.sign(order, message))
}

/// The 3DES order key for `order`, standard base64: the intermediate value every public
/// Redsys test suite checks first, exposed so vpos is checked against the same vectors.
pub fn order_key(config: &Config, order: &str) -> Result<String> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::STANDARD.encode(config.key()?.order_key(order)))
}

/// The answer to an HTTP-POST notification: `200` with an empty body once settled, so a
/// redelivered notification is answered as calmly as the first; `503` for a response code vpos
/// does not know and `409` for a contradiction, so the problem is visible in Redsys's logs.
pub fn acknowledge(outcome: &Outcome) -> HttpResponse {
    match outcome {
        o if o.is_acknowledged() => HttpResponse::text(200, ""),
        Outcome::Ignored(IgnoreReason::UnknownStatus { .. }) => {
            HttpResponse::text(503, "unknown_status")
        }
        Outcome::Rejected { error } => HttpResponse::text(409, error.code().as_str()),
        _ => HttpResponse::text(503, "retry"),
    }
}

/// The answer when a notification could not be taken in: `403` for a bad signature, `422`
/// with JSON errors for a malformed one, `503` for vpos's own misconfiguration.
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::SignatureMismatch | ErrorCode::UnsupportedSignatureVersion => {
            HttpResponse::text(403, error.code().as_str())
        }
        ErrorCode::InvalidConfig => HttpResponse::text(503, error.code().as_str()),
        _ => HttpResponse::json(422, serde_json::json!({ "errors": [error] }).to_string()),
    }
}

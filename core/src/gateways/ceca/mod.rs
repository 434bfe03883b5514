//! CECA (Cecabank TPV virtual): a signed redirect form, a signed notification, and the exact
//! answer `$*$OKY$*$`.
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`checkout`]: the form with `Firma` (and `datos_acs_20` + [`sign_datos_acs_20`] with 3DS data) |
//! | `parse_notification` / `verify` | [`parse_notification`], [`verify`] |
//! | gateway side (emulators, tests) | [`sign_notification`]: the notification `Firma` [`verify`] checks |
//! | `refund` | [`refund_request`], [`parse_refund_response`] (`anularOperacionExt`, XML answer) |
//! | gateway side of a refund | [`sign_refund`], [`read_refund_answer`] |
//! | `acknowledge` | [`acknowledge`] (`$*$OKY$*$` or empty), [`reject`] |
//!
//! `Firma` is the lower-case hex SHA-256 (`Cifrado=SHA2`, Cecabank's current scheme) or SHA-1
//! (`Cifrado=SHA1`, as django-virtual-pos sends) of the key and fields concatenated without
//! separators. CECA only notifies completed payments; it cancels one whose notification is
//! not answered `$*$OKY$*$` within about 30 seconds.

mod checkout;
mod config;
mod notification;
mod refund;

pub use checkout::{Order, checkout, sign_datos_acs_20};
pub use config::{
    Cipher, Config, LIVE_CHECKOUT_URL, LIVE_REFUND_URL, TEST_CHECKOUT_URL, TEST_REFUND_URL,
};
pub use notification::{
    MAX_BODY_BYTES, MAX_REFERENCE_DIGITS, Notification, parse_notification, sign_notification,
    verify,
};
pub use refund::{
    MAX_REFUND_RESPONSE_BYTES, Refund, RefundAnswer, parse_refund_response, read_refund_answer,
    refund_request, sign_refund,
};

use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::state::Outcome;

/// The exact body that confirms a notification to CECA.
pub const OK_BODY: &str = "$*$OKY$*$";

/// `200 $*$OKY$*$` when the outcome is settled; otherwise `200` with an empty body, which CECA
/// reads as a refusal and so cancels the operation (the safe side of a contradiction).
///
/// ```
/// use vpos_core::{gateways::ceca, Outcome};
/// assert_eq!(ceca::acknowledge(&Outcome::AlreadyApplied).body, "$*$OKY$*$");
/// ```
pub fn acknowledge(outcome: &Outcome) -> HttpResponse {
    if outcome.is_acknowledged() {
        HttpResponse::text(200, OK_BODY)
    } else {
        HttpResponse::text(200, "")
    }
}

/// The answer when a notification could not be taken in: never `$*$OKY$*$`. A bad signature
/// is `403`, a malformed notification `422` with JSON errors, vpos's own misconfiguration `503`.
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::SignatureMismatch => HttpResponse::text(403, error.code().as_str()),
        ErrorCode::InvalidConfig => HttpResponse::text(503, error.code().as_str()),
        _ => HttpResponse::errors(422, error),
    }
}

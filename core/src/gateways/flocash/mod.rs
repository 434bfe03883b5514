//! FloCash: hosted payment page by HTML form, notifications verified by post-back.
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`checkout`]: the redirect form ([`checkout_public`] without secrets, for browsers) |
//! | `parse_notification` | [`parse_notification`]: typed [`Notification`], raw body kept |
//! | `postback_request` / `verify_postback` | [`postback_request`], [`verify_postback`] |
//! | `acknowledge` | [`acknowledge`] for an [`Outcome`], [`reject`] for an [`Error`] |
//! | `refund_request` | [`refund_request`]: unsupported, FloCash offers no refund API |
//! | `poll_by_reference_request` / `poll_by_time_request` / `parse_poll_response` | Merchant Polling ([`PollConfig`]): SOAP requests, typed [`PollReply`] whose events go through the same transition |
//!
//! Besides the post-back, the notification URL carries a secret path token
//! ([`Config::check_token`]).

mod checkout;
mod config;
mod notification;
mod poll;
mod postback;
mod status;

pub use checkout::{Customer, Order, checkout, checkout_public};
pub use config::{Config, MIN_TOKEN_LEN, PublicConfig};
pub use notification::{FIELDS, MAX_BODY_BYTES, Notification, parse_notification};
pub use poll::{
    DEFAULT_ENDPOINT, ElementForm, MAX_REPLY_BYTES, PollConfig, PollReply, PolledPayment,
    Timestamp, parse_poll_response, poll_by_reference_request, poll_by_time_request,
};
pub use postback::{postback_request, verify_postback};
pub use status::{STATUS_CODES, map_status, normalize_status, status_label};

use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::money::Amount;
use crate::state::Outcome;

/// The answer to FloCash once a notification went through [`crate::state::transition`].
///
/// `200 00` (the only answer that stops FloCash's hourly redelivery, for up to 72 hours) when
/// the outcome is settled: applied, already applied, or harmlessly ignored. Otherwise FloCash
/// must try again: `503` for an unknown status code, `409` for a notification that contradicts
/// the stored payment, each with the error code as body.
///
/// ```
/// use vpos_core::{gateways::flocash::acknowledge, Outcome};
/// let ok = acknowledge(&Outcome::AlreadyApplied);
/// assert_eq!((ok.status, ok.body.as_str()), (200, "00"));
/// ```
pub fn acknowledge(outcome: &Outcome) -> HttpResponse {
    HttpResponse::settled(outcome, "00")
}

/// The answer to FloCash when a notification could not be taken in: never `00`, so FloCash
/// delivers it again.
///
/// - a malformed notification: `422` with `{"errors": [{"code", "field", "message"}]}`;
/// - FloCash disowned it on post-back: `409 INVALID`;
/// - the post-back could not be made, or vpos is misconfigured: `503` with the code;
/// - a wrong URL token: `404`, revealing nothing.
///
/// ```
/// use vpos_core::{gateways::flocash::reject, Error, ErrorCode};
/// let r = reject(&Error::new(ErrorCode::PostbackInvalid, "no"));
/// assert_eq!((r.status, r.body.as_str()), (409, "INVALID"));
/// ```
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::PostbackInvalid => HttpResponse::text(409, "INVALID"),
        ErrorCode::TokenMismatch => HttpResponse::text(404, "Not Found"),
        ErrorCode::PostbackFailed | ErrorCode::InvalidConfig | ErrorCode::PaymentNotFound => {
            HttpResponse::text(503, error.code().as_str())
        }
        _ => HttpResponse::errors(422, error),
    }
}

/// FloCash offers no refund API to merchants: refunds are made in its back office and arrive
/// as `Refund` notifications. Always [`ErrorCode::Unsupported`].
pub fn refund_request(_config: &Config, _order_id: &str, _amount: Amount) -> Result<HttpRequest> {
    Err(Error::new(
        ErrorCode::Unsupported,
        "FloCash has no refund API; refund in the FloCash back office, the Refund notification updates the payment",
    ))
}

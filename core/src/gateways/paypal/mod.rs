//! PayPal Website Payments Standard: the checkout form, and IPN notifications verified by
//! posting the raw body back to PayPal.
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`checkout`]: the `_xclick` form |
//! | `parse_notification` | [`parse_notification`]: charset from the body honoured |
//! | `postback_request` / `verify_postback` | [`postback_request`] (`cmd=_notify-validate&` + the raw body, byte for byte), [`verify_postback`] |
//! | `acknowledge` | [`acknowledge`], [`reject`] |
//! | amounts | [`format_amount`], [`parse_amount`]: HUF, JPY and TWD in whole units, as PayPal requires |
//!
//! | Express Checkout (NVP) | [`set_express_checkout_request`], [`express_checkout_redirect`], [`get_express_checkout_details_request`], [`do_express_checkout_payment_request`], [`refund_transaction_request`], [`parse_nvp_response`], [`payment_event`], [`refund_event`] |
//! | status query (NVP) | [`transaction_details_request`], [`parse_transaction_details`], [`map_transaction_status`] |

mod amount;
mod checkout;
mod config;
mod details;
mod ipn;
mod nvp;

pub use amount::{amount_decimals, format_amount, parse_amount};
pub use checkout::{Order, checkout};
pub use config::{
    Config, LIVE_CHECKOUT_URL, LIVE_IPN_URL, PublicConfig, SANDBOX_CHECKOUT_URL, SANDBOX_IPN_URL,
};
pub use details::{map_transaction_status, parse_transaction_details, transaction_details_request};
pub use ipn::{
    MAX_BODY_BYTES, Notification, map_payment_status, parse_notification, postback_request,
    verify_postback,
};
pub use nvp::{
    ExpressOrder, LIVE_NVP_URL, NVP_VERSION, NvpCredentials, NvpReply, SANDBOX_NVP_URL,
    do_express_checkout_payment_request, express_checkout_redirect,
    get_express_checkout_details_request, parse_nvp_response, payment_event, refund_event,
    refund_transaction_request, refund_transaction_request_keyed, set_express_checkout_request,
};

use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::state::Outcome;

/// PayPal retries an IPN (up to 16 times over days) until it gets HTTP 200: `200` once settled,
/// `503` for a status vpos does not know, `409` for a contradiction.
pub fn acknowledge(outcome: &Outcome) -> HttpResponse {
    HttpResponse::settled(outcome, "")
}

/// The answer when an IPN could not be taken in: never 200, so PayPal sends it again.
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::PostbackInvalid => HttpResponse::text(409, "INVALID"),
        ErrorCode::PostbackFailed | ErrorCode::InvalidConfig | ErrorCode::PaymentNotFound => {
            HttpResponse::text(503, error.code().as_str())
        }
        _ => HttpResponse::errors(422, error),
    }
}

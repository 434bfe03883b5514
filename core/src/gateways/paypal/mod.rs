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
//! | status query (NVP) | [`transaction_details_request`], [`parse_transaction_details`], [`map_transaction_status`]; by order id: [`transaction_search_request`], [`parse_transaction_search`] |
//! | REST: OAuth2 token | [`RestConfig`], [`token_request`], [`parse_token_reply`], [`AccessToken`], [`is_token_rejected`] (docs/paypal-orders.md) |
//! | REST: Orders v2, Payments v2 | [`create_order_request`], [`get_order_request`], [`capture_order_request`], [`authorize_order_request`], [`capture_authorization_request`], [`void_authorization_request`], [`refund_capture_request`]; [`parse_order_reply`], [`parse_capture_reply`], [`parse_authorization_reply`], [`parse_refund_reply`] |
//! | REST: webhooks | [`parse_webhook`] ([`WebhookNotification`], [`WebhookFact`]); post-back [`verify_webhook_signature_request`], [`finish_postback`]; offline [`cert_request`], [`verify_offline`] (and their `_for` forms, which also take a loopback sandbox account's own certificate) (docs/paypal-orders.md, "Webhooks"); the refusal's answer [`reject_webhook`] |

mod amount;
mod checkout;
mod config;
mod details;
mod ipn;
mod nvp;
mod oauth;
mod orders;
mod search;
mod webhook;

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
pub use search::{parse_transaction_search, transaction_search_request};

pub use oauth::{
    AccessToken, LIVE_API_BASE, RestConfig, SANDBOX_API_BASE, is_token_rejected, parse_token_reply,
    token_request,
};
pub use orders::reply::{
    OrderReply, Payment, PaymentKind, parse_authorization_reply, parse_capture_reply,
    parse_order_reply, parse_refund_reply,
};
pub use orders::{
    Intent, MAX_REQUEST_ID_LEN, OrderCreate, authorize_order_request,
    capture_authorization_request, capture_order_request, create_order_request, get_order_request,
    refund_capture_request, void_authorization_request,
};
pub use webhook::{
    CERT_HOSTS, DEFAULT_TOLERANCE_SECS, MAX_WEBHOOK_BYTES, Transmission, WebhookFact,
    WebhookNotification, cert_request, cert_request_for, finish_postback, parse_webhook,
    verify_offline, verify_offline_for, verify_webhook_signature_request,
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

/// The answer when a REST webhook could not be taken in: [`reject`], except `503` (PayPal
/// delivers again, up to 25 times over three days) for a well-formed money event that names no
/// shop order (`field_missing` on `resource.custom_id` or a dispute's
/// `resource.disputed_transactions.*`: the host stored its body, a person decides) and for
/// PayPal's API not answering (`gateway_unavailable`: no token, or its 401).
///
/// ```
/// use vpos_core::{Error, ErrorCode, gateways::paypal::{reject, reject_webhook}};
/// let no_order = Error::new(ErrorCode::FieldMissing, "no order").with_field("resource.custom_id");
/// assert_eq!(reject_webhook(&no_order).status, 503);
/// assert_eq!(reject(&no_order).status, 422);
/// let garbage = Error::new(ErrorCode::FieldMissing, "no resource").with_field("resource");
/// assert_eq!(reject_webhook(&Error::new(ErrorCode::GatewayUnavailable, "401")).status, 503);
/// assert_eq!(reject_webhook(&garbage).status, 422);
/// ```
pub fn reject_webhook(error: &Error) -> HttpResponse {
    let no_order = error.code() == ErrorCode::FieldMissing
        && error.field().is_some_and(|f| {
            f == "resource.custom_id" || f.starts_with("resource.disputed_transactions.")
        });
    if no_order || error.code() == ErrorCode::GatewayUnavailable {
        return HttpResponse::text(503, error.code().as_str());
    }
    reject(error)
}

//! Bitpay: create an invoice, receive its notification, and verify it by fetching the
//! invoice from Bitpay, whose answer (not the notification's) decides the status.
//!
//! Two APIs, chosen by the account's [`Config`]: the current one (a POS-facade `token`,
//! `X-Accept-Version: 2.0.0`; with a merchant-facade key, signed queries and refunds: see
//! [`MerchantKey`]) and the legacy API key django-virtual-pos used, kept for merchants who
//! still hold one. docs/bitpay.md has the flows, the key handling and the sources.
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`invoice_request`] then [`parse_invoice_response`] → [`RedirectForm`](crate::RedirectForm) via [`checkout_form`] |
//! | `parse_notification` | [`parse_notification`] (JSON) |
//! | verify by fetching | [`invoice_status_request`], [`verify_invoice`] |
//! | status query | [`invoice_fetch_request`], [`parse_fetched_invoice`] |
//! | `acknowledge` | [`acknowledge`], [`reject`] |
//! | refund (current API) | [`refund_request`], [`parse_refund_response`] |
//! | refund notification | [`parse_refund_notification`], then [`refund_status_request`] and [`verify_refund`] |
//! | merchant facade | [`MerchantKey`] (SIN, `X-Identity`, `X-Signature`), [`verify_signature`], [`pairing_request`], [`parse_pairing_response`] |
//!
//! Statuses: `new` and `paid` (seen but not yet confirmed on the chain) are pending,
//! `confirmed` and `complete` paid, `expired` cancelled, `invalid` failed. django-virtual-pos
//! took `paid` as final; vpos waits for `confirmed`, because a `paid` invoice can still go
//! `invalid`.

mod invoice;
mod key;
mod refund_notice;
mod v2;

pub use invoice::{
    Api, Buyer, Config, Invoice, InvoiceRequest, MAX_BODY_BYTES, Notification, checkout_form,
    invoice_fetch_request, invoice_request, invoice_status_request, map_status,
    parse_fetched_invoice, parse_invoice_response, parse_notification, verify_invoice,
};
pub use key::{MerchantKey, sin_from_public_key, verify_signature};
pub use refund_notice::{
    RefundClaim, RefundNotification, is_refund_notification, parse_refund_notification,
    refund_status_request, verify_refund,
};
pub use v2::{
    API_VERSION, Pairing, Refund, RefundRequest, map_refund_status, pairing_request,
    parse_pairing_response, parse_refund_response, refund_request,
};

use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::state::Outcome;

/// Bitpay only needs a 200; the body says what happened.
pub fn acknowledge(outcome: &Outcome) -> HttpResponse {
    if outcome.is_acknowledged() {
        HttpResponse::text(200, "OK")
    } else {
        HttpResponse::text(503, "retry")
    }
}

/// The answer when a notification could not be taken in: a 5xx on doubt (fetch failed), 422
/// for a malformed notification.
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::GatewayUnavailable | ErrorCode::InvalidConfig | ErrorCode::PaymentNotFound => {
            HttpResponse::text(503, error.code().as_str())
        }
        _ => HttpResponse::errors(422, error),
    }
}

//! Refunds on the merchant facade: `POST /refunds` (signed, the merchant token in the body)
//! and `GET /refunds/{id}?token=…` (signed). A refund of a `confirmed` or `complete` invoice,
//! of at most what is left of its price, in its currency.
//!
//! By default the sandbox settles a refund at once (`success`): the buyer's refund address is
//! taken as known. BitPay itself may answer `created` or `pending` first and e-mail the buyer;
//! with `bitpay.refund_pending_seconds` the sandbox does that too: `pending` in the answer,
//! `success` that long (Bitpay time) later, and a refund webhook (BitPay's extended envelope,
//! <https://developer.bitpay.com/reference/notifications-refunds>) to the invoice's
//! `notificationURL` on each change, retried as the invoice IPNs are.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AppState};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::value::RawValue;
use vpos_core::Amount;

use super::{TokenQuery, facade, json_error};
use crate::app::App;
use crate::clock;
use crate::delivery::{self, Delivery, Policy};

/// One refund.
pub(crate) struct Refund {
    pub id: String,
    pub invoice: String,
    pub amount: Amount,
    /// `pending`, then `success`.
    pub status: &'static str,
    pub reference: Option<String>,
    pub guid: Option<String>,
    pub created_ms: u64,
}

#[derive(Deserialize)]
struct RefundWire<'a> {
    token: Option<String>,
    #[serde(rename = "invoiceId")]
    invoice_id: Option<String>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    reference: Option<String>,
    guid: Option<String>,
    preview: Option<bool>,
}

fn refund_json(r: &Refund) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = format!(
        "{{\"id\":{},\"invoice\":{},\"status\":{},\"amount\":{},\"currency\":{},\"requestDate\":{},\"immediate\":false,\"buyerPaysRefundFee\":false,\"refundFee\":0",
        text(&r.id),
        text(&r.invoice),
        text(r.status),
        r.amount.to_decimal_string(),
        text(r.amount.currency().code()),
        text(&clock::rfc3339(r.created_ms)),
    );
    for (k, v) in [("reference", &r.reference), ("guid", &r.guid)] {
        if let Some(v) = v {
            out.push_str(&format!(",{}:{}", text(k), text(v)));
        }
    }
    out.push('}');
    out
}

fn answer(json: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{{\"facade\":\"merchant/refund\",\"data\":{json}}}"),
    )
        .into_response()
}

/// `POST /refunds`.
pub(super) async fn create(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    if let Err(r) = facade::version(&headers) {
        return facade::refused(r);
    }
    let wire: RefundWire = match serde_json::from_slice(&body) {
        Ok(w) => w,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")),
    };
    if let Err(r) = facade::authorise(
        &app,
        &headers,
        &facade::uri_text(&uri),
        &body,
        wire.token.as_deref(),
        false,
    ) {
        return facade::refused(r);
    }
    if wire.preview == Some(true) {
        return json_error(
            StatusCode::BAD_REQUEST,
            "the sandbox does not play refund previews",
        );
    }
    let invoice_id = wire.invoice_id.unwrap_or_default();
    let json = {
        let mut inner = app.lock();
        let Some(invoice) = inner.bitpay.invoices.get_mut(&invoice_id) else {
            return json_error(StatusCode::NOT_FOUND, "Invoice not found");
        };
        if !matches!(invoice.status, "confirmed" | "complete") {
            return json_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "Invoice is {}: only a confirmed or complete invoice is refunded",
                    invoice.status
                ),
            );
        }
        // The amount as the exact JSON number token, in the invoice's currency.
        let Some(amount) = wire
            .amount
            .map(|r| r.get().trim_matches('"').to_string())
            .and_then(|t| Amount::parse(&t, invoice.price.currency()).ok())
            .filter(|a| a.minor() > 0)
        else {
            return json_error(
                StatusCode::BAD_REQUEST,
                "amount must be a positive amount in the invoice's currency",
            );
        };
        let left = invoice.price.minor() - invoice.refunded_minor;
        if amount.minor() > left {
            return json_error(
                StatusCode::BAD_REQUEST,
                "Refund amount is greater than what is left to refund on the invoice",
            );
        }
        invoice.refunded_minor += amount.minor();
        let notification_url = invoice.notification_url.clone();
        let later = app.config.bitpay.refund_pending_seconds;
        let id = inner.random_from(
            b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
            22,
        );
        let refund = Refund {
            id: id.clone(),
            invoice: invoice_id.clone(),
            amount,
            status: if later > 0 { "pending" } else { "success" },
            reference: wire.reference,
            guid: wire.guid,
            created_ms: clock::now_ms(),
        };
        let json = refund_json(&refund);
        inner.bitpay.refunds.insert(id.clone(), refund);
        (json, id, notification_url, later)
    };
    let (json, id, notification_url, later) = json;
    if later == 0 {
        app.note("bitpay", &invoice_id, "refund settled (success)".into());
        return answer(json);
    }
    app.note("bitpay", &invoice_id, format!("refund {id} pending"));
    notify(&app, &id, notification_url.clone());
    let app2 = Arc::clone(&app);
    let generation = app.generation();
    let wait = app.scaled(std::time::Duration::from_secs(later));
    tokio::spawn(async move {
        if !app2.sleep_unless_reset(wait, generation).await {
            return;
        }
        if let Some(r) = app2.lock().bitpay.refunds.get_mut(&id) {
            r.status = "success";
        }
        app2.note(
            "bitpay",
            &invoice_id,
            format!("refund {id} settled (success)"),
        );
        notify(&app2, &id, notification_url);
    });
    answer(json)
}

/// BitPay's webhook code and name for a refund reaching `status`. vpos reads the name only;
/// the codes are the sandbox's own (BitPay's refund page lists its codes separately).
fn event_of(status: &str) -> (u32, String) {
    let code = match status {
        "created" => 3001,
        "pending" => 3002,
        "success" => 3004,
        "failure" => 3005,
        _ => 3006,
    };
    (code, format!("refund_{status}"))
}

/// POSTs the refund as it is now to `url`, in the extended envelope.
fn notify(app: &Arc<App>, id: &str, url: Option<String>) {
    let Some(url) = url else {
        return;
    };
    let (body, status) = {
        let inner = app.lock();
        let Some(r) = inner.bitpay.refunds.get(id) else {
            return;
        };
        let (code, name) = event_of(r.status);
        (
            format!(
                "{{\"event\":{{\"code\":{code},\"name\":\"{name}\"}},\"data\":{}}}",
                refund_json(r)
            ),
            r.status,
        )
    };
    delivery::dispatch(
        app,
        Delivery {
            gateway: "bitpay",
            order: id.to_string(),
            label: format!("refund notification {status}"),
            url,
            content_type: "application/json",
            body,
            policy: Policy {
                max_attempts: super::NOTIFY_ATTEMPTS,
                interval: app.scaled(super::FIRST_RETRY),
                backoff_to: Some(app.scaled(super::LONGEST_RETRY)),
                accepts: delivery::http_200_accepts,
            },
            signer: None,
        },
        std::time::Duration::ZERO,
    );
}

/// `GET /refunds/{id}?token=…`.
pub(super) async fn fetch(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    if let Err(r) = facade::version(&headers) {
        return facade::refused(r);
    }
    if let Err(r) = facade::authorise(
        &app,
        &headers,
        &facade::uri_text(&uri),
        b"",
        q.token.as_deref(),
        false,
    ) {
        return facade::refused(r);
    }
    let inner = app.lock();
    match inner.bitpay.refunds.get(&id) {
        Some(r) => answer(refund_json(r)),
        None => json_error(StatusCode::NOT_FOUND, "Object not found"),
    }
}

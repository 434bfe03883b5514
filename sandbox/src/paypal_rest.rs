//! PayPal REST at its real paths: the OAuth 2.0 token (`POST /v1/oauth2/token`), Orders v2
//! (`/v2/checkout/orders`: create, get, capture, authorize), Payments v2 (capture or void an
//! authorisation, refund a capture, get each), the buyer's approve page (`/checkoutnow`,
//! PayPal's own path), and signed webhooks with PayPal's verify endpoint and a test
//! certificate (see [`webhook`]).
//!
//! Every API call but the token's needs a bearer token the sandbox issued and that has not
//! expired (`paypal_rest.token_seconds`, ÷ `--time-scale`): anything else is HTTP 401
//! `invalid_token`, what vpos-core reads as "fetch a new token" (`is_token_rejected`).
//! A `POST` repeating a `PayPal-Request-Id` on the same path gets the first successful answer
//! again, byte for byte, and changes nothing (PayPal's idempotency). Errors have PayPal's
//! shape: `{"name", "message", "details": [{"issue", "description"}], "debug_id", "links"}`.
//!
//! Sources: <https://developer.paypal.com/api/rest/authentication/>,
//! <https://developer.paypal.com/docs/api/orders/v2/>,
//! <https://developer.paypal.com/docs/api/payments/v2/>,
//! <https://developer.paypal.com/api/rest/reference/idempotency/>,
//! <https://developer.paypal.com/api/rest/reference/orders/v2/errors/>,
//! <https://developer.paypal.com/api/rest/responses/> (the error object).

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use vpos_core::Amount;

use crate::app::{App, Bounded, Inner};
use crate::clock;
use crate::delivery;

mod approve;
mod oauth;
mod orders;
mod payments;
mod resources;
pub(crate) mod webhook;

pub(crate) use approve::{Outcome, pay};
pub(crate) use payments::reverse;

/// The event-log and fault-bookkeeping name of this gateway.
pub(crate) const GATEWAY: &str = "paypal_rest";

/// Most refunds of one capture and captures of one authorisation (a bound of the sandbox's).
const MAX_PAYMENTS_PER_RECORD: usize = 100;

/// PayPal REST's side of the sandbox.
#[derive(Default)]
pub(crate) struct State {
    /// Access tokens issued → when they expire (ms since the epoch, real time).
    pub tokens: Bounded<u64>,
    /// Orders by PayPal order id.
    pub orders: Bounded<Order>,
    /// Authorisation, capture and refund ids → their order's id.
    pub records: Bounded<String>,
    /// `<path>\n<PayPal-Request-Id>` → the first successful answer (status, body).
    pub answers: Bounded<(u16, String)>,
}

/// What the buyer's approval makes of the order's capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    /// `COMPLETED` at once.
    Completed,
    /// `PENDING` (`PENDING_REVIEW`), `COMPLETED` after `paypal_rest.pending_seconds`.
    Pending,
    /// `DECLINED`.
    Declined,
}

/// One Orders v2 order (one purchase unit).
pub(crate) struct Order {
    pub id: String,
    /// `CAPTURE` or `AUTHORIZE`.
    pub intent: &'static str,
    /// `CREATED`, `APPROVED`, `COMPLETED`, `VOIDED`.
    pub status: &'static str,
    pub amount: Amount,
    pub reference_id: String,
    pub custom_id: Option<String>,
    pub invoice_id: Option<String>,
    pub description: Option<String>,
    pub return_url: Option<String>,
    pub cancel_url: Option<String>,
    pub created: String,
    pub updated: String,
    /// Set when the buyer approves.
    pub payer_id: Option<String>,
    pub fate: Fate,
    /// The buyer pressed cancel on the approve page (the order stays `CREATED`).
    pub cancelled: bool,
    pub authorizations: Vec<Authorization>,
    pub captures: Vec<Capture>,
    pub refunds: Vec<Refund>,
}

/// An authorisation of an `AUTHORIZE` order.
pub(crate) struct Authorization {
    pub id: String,
    /// `CREATED`, `PARTIALLY_CAPTURED`, `CAPTURED`, `VOIDED`.
    pub status: &'static str,
    pub amount: Amount,
    /// Captured so far, minor units.
    pub captured: i64,
    pub created: String,
    pub updated: String,
    pub expires: String,
}

/// A capture, of an order or of an authorisation.
pub(crate) struct Capture {
    pub id: String,
    /// `COMPLETED`, `PENDING`, `DECLINED`, `PARTIALLY_REFUNDED`, `REFUNDED`.
    pub status: &'static str,
    pub amount: Amount,
    pub final_capture: bool,
    /// Refunded so far (and reversed), minor units.
    pub refunded: i64,
    /// PayPal took the rest back (`PAYMENT.CAPTURE.REVERSED`).
    pub reversed: bool,
    pub authorization: Option<String>,
    pub created: String,
    pub updated: String,
}

/// A refund of a capture.
pub(crate) struct Refund {
    pub id: String,
    pub amount: Amount,
    pub capture: String,
    pub created: String,
}

impl Order {
    pub fn capture_mut(&mut self, id: &str) -> Option<&mut Capture> {
        self.captures.iter_mut().find(|c| c.id == id)
    }

    pub fn authorization_mut(&mut self, id: &str) -> Option<&mut Authorization> {
        self.authorizations.iter_mut().find(|a| a.id == id)
    }

    /// Captured and completed (refunds included), minor units.
    pub fn captured_minor(&self) -> i64 {
        self.captures
            .iter()
            .filter(|c| matches!(c.status, "COMPLETED" | "PARTIALLY_REFUNDED" | "REFUNDED"))
            .map(|c| c.amount.minor())
            .sum()
    }

    pub fn refunded_minor(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount.minor()).sum()
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(oauth::TOKEN_PATH, post(oauth::token))
        .route("/v2/checkout/orders", post(orders::create))
        .route("/v2/checkout/orders/{id}", get(orders::fetch))
        .route("/v2/checkout/orders/{id}/capture", post(orders::capture))
        .route(
            "/v2/checkout/orders/{id}/authorize",
            post(orders::authorize),
        )
        .route(
            "/v2/payments/authorizations/{id}",
            get(payments::fetch_authorization),
        )
        .route(
            "/v2/payments/authorizations/{id}/capture",
            post(payments::capture_authorization),
        )
        .route(
            "/v2/payments/authorizations/{id}/void",
            post(payments::void_authorization),
        )
        .route("/v2/payments/captures/{id}", get(payments::fetch_capture))
        .route(
            "/v2/payments/captures/{id}/refund",
            post(payments::refund_capture),
        )
        .route("/v2/payments/refunds/{id}", get(payments::fetch_refund))
        .route(webhook::VERIFY_PATH, post(webhook::verify))
        .route(webhook::CERT_PATH, get(webhook::cert))
        .route(
            approve::APPROVE_PATH,
            get(approve::page).post(approve::submit),
        )
}

/// Whether `path` is one of this module's (for the request log's gateway column).
pub(crate) fn owns(path: &str) -> bool {
    path.starts_with("/v1/oauth2/")
        || path.starts_with("/v1/notifications/")
        || path.starts_with("/v2/checkout/")
        || path.starts_with("/v2/payments/")
        || path == approve::APPROVE_PATH
}

/// A PayPal id: 17 upper-case letters and digits, as PayPal's order, capture and refund ids.
pub(crate) fn new_id(inner: &mut Inner) -> String {
    inner.random_from(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 17)
}

/// `2026-12-06T15:04:05Z`: PayPal's times have no fraction.
pub(crate) fn paypal_time(ms: u64) -> String {
    let t = clock::rfc3339(ms);
    format!("{}Z", &t[..19])
}

pub(crate) fn now() -> String {
    paypal_time(clock::now_ms())
}

/// PayPal's money object: the value in the decimals PayPal writes for the currency (whole
/// units for HUF, JPY, TWD), by vpos-core's own formatter.
pub(crate) fn money(amount: Amount) -> Value {
    let value = vpos_core::gateways::paypal::format_amount(amount)
        .unwrap_or_else(|_| amount.to_decimal_string());
    json!({"currency_code": amount.currency().code(), "value": value})
}

/// A refusal in PayPal's error shape.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub issue: &'static str,
    pub description: String,
    pub field: Option<String>,
}

impl ApiError {
    /// 422 `UNPROCESSABLE_ENTITY`: the request is well-formed, the business rule refuses it.
    pub fn unprocessable(issue: &'static str, description: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            issue,
            description: description.into(),
            field: None,
        }
    }

    /// 400 `INVALID_REQUEST`.
    pub fn invalid(issue: &'static str, description: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            issue,
            description: description.into(),
            field: None,
        }
    }

    /// 404 `RESOURCE_NOT_FOUND`, `INVALID_RESOURCE_ID`.
    pub fn not_found(field: &str) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            issue: "INVALID_RESOURCE_ID",
            description:
                "Specified resource ID does not exist. Please check the resource ID and try again."
                    .into(),
            field: Some(field.into()),
        }
    }

    pub fn at(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    fn name_and_message(&self) -> (&'static str, &'static str) {
        match self.status.as_u16() {
            404 => (
                "RESOURCE_NOT_FOUND",
                "The specified resource does not exist.",
            ),
            422 => (
                "UNPROCESSABLE_ENTITY",
                "The requested action could not be performed, semantically incorrect, or failed business validation.",
            ),
            _ => (
                "INVALID_REQUEST",
                "Request is not well-formed, syntactically incorrect, or violates schema.",
            ),
        }
    }

    /// The JSON answer; `debug_id` identifies it in the event log.
    pub fn respond(&self, debug_id: &str) -> Response {
        let (name, message) = self.name_and_message();
        let mut detail = json!({"issue": self.issue, "description": self.description});
        if let Some(field) = &self.field {
            detail["field"] = json!(field);
        }
        let body = json!({
            "name": name,
            "message": message,
            "details": [detail],
            "debug_id": debug_id,
            "links": [{
                "href": format!("https://developer.paypal.com/docs/api/orders/v2/#error-{}", self.issue),
                "rel": "information_link",
                "method": "GET",
            }],
        });
        json_response(self.status, body.to_string())
    }
}

pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Answers `error`, noting it in the event log under `order` (when known).
pub(crate) fn refuse(app: &App, order: &str, what: &str, error: &ApiError) -> Response {
    let debug_id = app.lock().random_from(b"0123456789abcdef", 13);
    app.note(
        GATEWAY,
        order,
        format!(
            "{what} refused: HTTP {} {} (debug_id {debug_id})",
            error.status.as_u16(),
            error.issue
        ),
    );
    error.respond(&debug_id)
}

/// Whether the request asked for the whole resource (`Prefer: return=representation`);
/// PayPal's default is the minimal answer.
pub(crate) fn wants_representation(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("return=representation"))
}

/// What a state-changing `POST` did.
pub(crate) struct Done {
    pub status: StatusCode,
    pub body: String,
    /// The order concerned (event log, faults).
    pub order: String,
    /// For the event log.
    pub note: String,
    /// Webhook bodies to deliver, in order.
    pub webhooks: Vec<webhook::Outgoing>,
    /// A capture left `PENDING`, to complete after `pending_seconds`.
    pub pending_capture: Option<String>,
}

/// Runs a state-changing `POST`: the bearer token, then the `PayPal-Request-Id` (a repeat
/// answers the stored first answer and does nothing), then `op` under the lock, so two
/// requests with one id cannot both act. Successful answers are stored; webhooks go out
/// after. With `operation`, the `lose-replies` fault may lose the answer (the operation
/// stays done, and the same request id gets it back).
pub(crate) async fn post_op(
    app: &Arc<App>,
    headers: &HeaderMap,
    path: &str,
    what: &str,
    operation: bool,
    op: impl FnOnce(&App, &mut Inner) -> Result<Done, ApiError>,
) -> Response {
    if let Some(refusal) = oauth::check_bearer(app, headers) {
        return refusal;
    }
    let request_id = headers
        .get("paypal-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let key = request_id.as_ref().map(|id| format!("{path}\n{id}"));
    let done = {
        let mut inner = app.lock();
        if let Some(key) = &key
            && let Some((status, body)) = inner.paypal_rest.answers.get(key).cloned()
        {
            drop(inner);
            app.note(
                GATEWAY,
                "",
                format!(
                    "{what}: PayPal-Request-Id repeated; the first answer again, nothing done twice"
                ),
            );
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return json_response(status, body);
        }
        match op(app, &mut inner) {
            Ok(done) => {
                if let Some(key) = key {
                    inner
                        .paypal_rest
                        .answers
                        .insert(key, (done.status.as_u16(), done.body.clone()));
                }
                done
            }
            Err(error) => {
                drop(inner);
                return refuse(app, "", what, &error);
            }
        }
    };
    app.note(GATEWAY, &done.order, done.note.clone());
    for outgoing in done.webhooks {
        webhook::send(app, outgoing);
    }
    if let Some(capture) = done.pending_capture {
        payments::complete_later(app, &done.order, &capture);
    }
    let response = if done.status == StatusCode::NO_CONTENT {
        done.status.into_response()
    } else {
        json_response(done.status, done.body)
    };
    if operation {
        delivery::unless_reply_lost(app, GATEWAY, &done.order, what, response).await
    } else {
        response
    }
}

/// Reads a `GET`: the bearer token, then `read` under the lock.
pub(crate) fn get_op(
    app: &App,
    headers: &HeaderMap,
    what: &str,
    read: impl FnOnce(&App, &Inner) -> Result<Value, ApiError>,
) -> Response {
    if let Some(refusal) = oauth::check_bearer(app, headers) {
        return refusal;
    }
    let result = read(app, &app.lock());
    match result {
        Ok(v) => json_response(StatusCode::OK, v.to_string()),
        Err(e) => refuse(app, "", what, &e),
    }
}

/// The orders, newest first, for `/_sandbox/orders` and the dashboard.
pub(crate) fn orders(inner: &Inner) -> Vec<Value> {
    inner
        .paypal_rest
        .orders
        .values()
        .rev()
        .map(|o| {
            let captures: Vec<Value> = o
                .captures
                .iter()
                .map(|c| json!({"id": c.id, "status": c.status, "amount": c.amount, "reversed": c.reversed}))
                .collect();
            json!({
                "gateway": GATEWAY,
                "order": o.id,
                "order_id": o.invoice_id.clone().or_else(|| o.custom_id.clone()),
                "intent": o.intent,
                "amount": o.amount,
                "status": o.status,
                "cancelled": o.cancelled,
                "authorization": o.authorizations.first().map(|a| a.status),
                "captures": captures,
                "captured_minor": o.captured_minor(),
                "refunded_minor": o.refunded_minor(),
                "created": o.created,
                "payment_page": format!("{}?token={}", approve::APPROVE_PATH, o.id),
            })
        })
        .collect()
}

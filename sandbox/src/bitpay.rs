//! Bitpay at its real paths, on both of its APIs:
//!
//! - the current API (`X-Accept-Version: 2.0.0`, [`facade`]): `POST /invoices` with the POS
//!   token in the body, `GET /invoices/{id}?token=…` (the POS token, or the merchant token
//!   signed with `X-Identity`/`X-Signature`), refunds `POST /refunds` and
//!   `GET /refunds/{id}?token=…` on the merchant facade ([`refunds`]);
//! - the legacy API key (HTTP Basic) on `POST /invoices` / `POST /api/invoice` and
//!   `GET /invoices/{id}` / `GET /api/invoice/{id}`.
//!
//! `GET /invoice?id=…` is the buyer's invoice page, and every status change is POSTed to
//! `notificationURL`: the invoice JSON, or with `extendedNotifications` BitPay's
//! `{"event": {"code", "name"}, "data": {invoice}}` envelope.
//!
//! Paid invoices go `paid` → `confirmed` → `complete`, a `bitpay.confirm_seconds` apart
//! (÷ `--time-scale`).
//! Notifications are retried until the shop answers HTTP 200. The `postback-fail` fault makes
//! the next invoice fetches answer HTTP 500.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AppState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use vpos_core::{Amount, Currency};

use crate::app::{App, Bounded, Inner, PayError};
use crate::clock;
use crate::delivery::{self, Delivery, Policy};
use crate::html;
use crate::pay_page;

mod facade;
mod refunds;

/// Attempts per notification (the sandbox's schedule: a minute, doubling to an hour).
pub(crate) const NOTIFY_ATTEMPTS: u32 = 20;
pub(crate) const FIRST_RETRY: Duration = Duration::from_secs(60);
pub(crate) const LONGEST_RETRY: Duration = Duration::from_secs(3600);
/// An invoice expires this long (Bitpay time) after it was created, as Bitpay's do.
const INVOICE_LIFETIME_MS: u64 = 15 * 60 * 1000;

/// Bitpay's side of the sandbox.
#[derive(Default)]
pub(crate) struct State {
    pub invoices: Bounded<Invoice>,
    pub refunds: Bounded<refunds::Refund>,
}

/// One invoice.
pub(crate) struct Invoice {
    pub id: String,
    pub created_ms: u64,
    pub price: Amount,
    pub order_id: Option<String>,
    pub item_desc: Option<String>,
    pub redirect_url: Option<String>,
    pub notification_url: Option<String>,
    /// `new`, `paid`, `confirmed`, `complete`, `expired`, `invalid`.
    pub status: &'static str,
    /// What the refunds took back, in minor units.
    pub refunded_minor: i64,
    /// `extendedNotifications`: notifications in the event envelope.
    pub extended: bool,
    /// `exceptionStatus` when not `false`: `paidOver`, `paidPartial`.
    pub exception: Option<&'static str>,
}

/// What the buyer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `paid`, then `confirmed`, then `complete`.
    Paid,
    /// `paid`, then `invalid` (the payment never confirmed).
    Invalid,
    /// `expired` without payment.
    Expired,
    /// More than the price: `paid`, `confirmed`, `complete` with `exceptionStatus: paidOver`.
    PaidOver,
    /// Less than the price, then the invoice runs out: `expired` with `paidPartial`.
    PaidPartial,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Paid,
        Outcome::Invalid,
        Outcome::Expired,
        Outcome::PaidOver,
        Outcome::PaidPartial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Invalid => "invalid",
            Outcome::Expired => "expired",
            Outcome::PaidOver => "paid-over",
            Outcome::PaidPartial => "paid-partial",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "paid" | "confirmed" => Some(Outcome::Paid),
            "invalid" => Some(Outcome::Invalid),
            "expired" | "cancelled" => Some(Outcome::Expired),
            "paid-over" | "paidover" => Some(Outcome::PaidOver),
            "paid-partial" | "paidpartial" => Some(Outcome::PaidPartial),
            _ => None,
        }
    }

    fn button(self) -> &'static str {
        match self {
            Outcome::Paid => "Pay (paid, then confirmed, then complete)",
            Outcome::Invalid => "Pay, never confirmed (paid, then invalid)",
            Outcome::Expired => "Let it expire (expired)",
            Outcome::PaidOver => "Pay too much (paidOver, then confirmed)",
            Outcome::PaidPartial => "Pay too little (paidPartial, then expired)",
        }
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/invoices", post(create_new))
        .route("/api/invoice", post(create_legacy))
        .route("/invoices/{id}", get(fetch_new))
        .route("/api/invoice/{id}", get(fetch_legacy))
        .route("/invoice", get(pay_page).post(pay_submit))
        .route("/refunds", post(refunds::create))
        .route("/refunds/{id}", get(refunds::fetch))
}

/// `?token=…` of a current-API query.
#[derive(Deserialize)]
pub(crate) struct TokenQuery {
    token: Option<String>,
}

fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}

/// Whether the request carries `Authorization: Basic base64(api_key + ":")` (or the key with
/// no colon, as django-virtual-pos sends it).
fn authorised(app: &App, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(value.trim()) else {
        return false;
    };
    let text = String::from_utf8_lossy(&decoded);
    let user = text.strip_suffix(':').unwrap_or(&text);
    app.config.bitpay.api_key.matches(user)
}

#[derive(Deserialize)]
struct CreateWire<'a> {
    /// The POS (or merchant) token: current API.
    token: Option<String>,
    #[serde(rename = "extendedNotifications", default)]
    extended_notifications: bool,
    #[serde(borrow)]
    price: Option<&'a RawValue>,
    currency: Option<String>,
    #[serde(rename = "orderId")]
    order_id: Option<String>,
    #[serde(rename = "itemDesc")]
    item_desc: Option<String>,
    #[serde(rename = "redirectURL")]
    redirect_url: Option<String>,
    #[serde(rename = "notificationURL")]
    notification_url: Option<String>,
}

/// Whether the call is on the legacy API (it carries HTTP Basic); else the current one.
fn legacy(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
}

fn create(app: &Arc<App>, headers: &HeaderMap, uri: &str, body: &[u8], wrapped: bool) -> Response {
    let current = wrapped && !legacy(headers);
    if current {
        if let Err(r) = facade::version(headers) {
            return facade::refused(r);
        }
    } else if !authorised(app, headers) {
        app.note(
            "bitpay",
            "",
            "invoice refused: no or wrong API key (HTTP Basic)".into(),
        );
        return json_error(StatusCode::UNAUTHORIZED, "Unauthorized: bad API key");
    }
    let wire: CreateWire = match serde_json::from_slice(body) {
        Ok(w) => w,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")),
    };
    let facade_name = if current {
        match facade::authorise(app, headers, uri, body, wire.token.as_deref(), true) {
            Ok(facade::Facade::Pos) => "pos/invoice",
            Ok(facade::Facade::Merchant) => "merchant/invoice",
            Err(r) => return facade::refused(r),
        }
    } else {
        "merchant/invoice"
    };
    let Some(currency) = wire
        .currency
        .as_deref()
        .and_then(|c| Currency::from_code(c).ok())
    else {
        return json_error(StatusCode::BAD_REQUEST, "currency is missing or unknown");
    };
    // The price as the exact JSON number token (or string), never through a float.
    let Some(price) = wire
        .price
        .map(|r| r.get().trim_matches('"').to_string())
        .and_then(|t| Amount::parse(&t, currency).ok())
        .filter(|a| a.minor() > 0)
    else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "price must be a positive amount in the currency's precision",
        );
    };
    for url in [&wire.redirect_url, &wire.notification_url]
        .into_iter()
        .flatten()
    {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return json_error(StatusCode::BAD_REQUEST, "URLs must be absolute http(s)");
        }
    }
    let (id, json) = {
        let mut inner = app.lock();
        let id = inner.random_from(
            b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
            22,
        );
        let invoice = Invoice {
            id: id.clone(),
            created_ms: clock::now_ms(),
            price,
            order_id: wire.order_id,
            item_desc: wire.item_desc,
            redirect_url: wire.redirect_url,
            notification_url: wire.notification_url,
            status: "new",
            refunded_minor: 0,
            extended: current && wire.extended_notifications,
            exception: None,
        };
        let json = invoice_json(&app.base_url, &invoice);
        inner.bitpay.invoices.insert(id.clone(), invoice);
        (id, json)
    };
    app.note(
        "bitpay",
        &id,
        format!("invoice created; buyer page /invoice?id={id}"),
    );
    invoice_response(json, wrapped.then_some(facade_name))
}

/// An invoice as the API answers it: bare (legacy) or inside its facade's envelope.
fn invoice_response(json: String, facade: Option<&str>) -> Response {
    let body = match facade {
        Some(name) => format!("{{\"facade\":\"{name}\",\"data\":{json}}}"),
        None => json,
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

async fn create_new(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    create(&app, &headers, &facade::uri_text(&uri), &body, true)
}

async fn create_legacy(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    create(&app, &headers, &facade::uri_text(&uri), &body, false)
}

/// `current`: the URL path and query and the `token` of a current-API query; `None` is the
/// legacy key, answered in the envelope on `/invoices/{id}` (`wrapped`), bare on `/api/invoice`.
fn fetch(
    app: &App,
    headers: &HeaderMap,
    id: &str,
    current: Option<(&str, Option<&str>)>,
    wrapped: bool,
) -> Response {
    let facade_name = match current {
        Some((uri, token)) => {
            if let Err(r) = facade::version(headers) {
                return facade::refused(r);
            }
            match facade::authorise(app, headers, uri, b"", token, true) {
                Ok(facade::Facade::Pos) => Some("pos/invoice"),
                Ok(facade::Facade::Merchant) => Some("merchant/invoice"),
                Err(r) => return facade::refused(r),
            }
        }
        None if !authorised(app, headers) => {
            return json_error(StatusCode::UNAUTHORIZED, "Unauthorized: bad API key");
        }
        None => wrapped.then_some("merchant/invoice"),
    };
    let mut inner = app.lock();
    // The fetch is how a shop verifies a notification: the post-back fault applies to it.
    if delivery::postback_fails(&mut inner, "bitpay", Some(id), "invoice fetch") {
        return json_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error (fault)");
    }
    let Some(invoice) = inner.bitpay.invoices.get(id) else {
        return json_error(StatusCode::NOT_FOUND, "Object not found");
    };
    let json = invoice_json(&app.base_url, invoice);
    drop(inner);
    invoice_response(json, facade_name)
}

async fn fetch_new(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    if legacy(&headers) {
        return fetch(&app, &headers, &id, None, true);
    }
    let uri = facade::uri_text(&uri);
    fetch(&app, &headers, &id, Some((&uri, q.token.as_deref())), true)
}

async fn fetch_legacy(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    fetch(&app, &headers, &id, None, false)
}

/// The invoice as Bitpay writes it; `price` is the exact decimal as a JSON number token.
fn invoice_json(base: &str, i: &Invoice) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = format!(
        "{{\"id\":{},\"url\":{},\"status\":{},\"price\":{},\"currency\":{},\"invoiceTime\":{},\"expirationTime\":{},\"currentTime\":{},\"exceptionStatus\":{}",
        text(&i.id),
        text(&format!("{base}/invoice?id={}", i.id)),
        text(i.status),
        i.price.to_decimal_string(),
        text(i.price.currency().code()),
        i.created_ms,
        i.created_ms + INVOICE_LIFETIME_MS,
        clock::now_ms(),
        i.exception.map_or_else(|| "false".to_string(), text),
    );
    for (k, v) in [
        ("orderId", &i.order_id),
        ("itemDesc", &i.item_desc),
        ("redirectURL", &i.redirect_url),
    ] {
        if let Some(v) = v {
            out.push_str(&format!(",{}:{}", text(k), text(v)));
        }
    }
    out.push('}');
    out
}

#[derive(Deserialize)]
struct IdQuery {
    id: Option<String>,
}

async fn pay_page(AppState(app): AppState<Arc<App>>, Query(q): Query<IdQuery>) -> Response {
    let id = q.id.unwrap_or_default();
    let inner = app.lock();
    let Some(i) = inner.bitpay.invoices.get(&id) else {
        return pay_page::not_found("Bitpay: unknown invoice", "Bitpay", "invoice");
    };
    let choice = if i.status == "new" {
        pay_page::outcome_form(
            &format!("/invoice?id={}", i.id),
            "",
            Outcome::ALL.map(|o| (o.as_str(), o.button().to_string())),
        )
    } else {
        pay_page::status_line("invoice is", i.status)
    };
    let notifications = i.notification_url.clone();
    let rows = [
        ("Invoice", i.id.clone()),
        ("Order", i.order_id.clone().unwrap_or_default()),
        ("Item", i.item_desc.clone().unwrap_or_default()),
        ("Price", pay_page::amount(&i.price)),
        (
            "Notifications to",
            notifications.unwrap_or_else(|| "(none: no notificationURL)".into()),
        ),
    ];
    pay_page::show(
        "Bitpay invoice (sandbox)",
        "<h1>Bitpay invoice</h1>",
        &rows,
        &choice,
    )
}

async fn pay_submit(
    AppState(app): AppState<Arc<App>>,
    Query(q): Query<IdQuery>,
    body: Bytes,
) -> Response {
    let id = q.id.unwrap_or_default();
    let page = ("Bitpay invoice", "Bitpay");
    pay_page::submit(&body, 4096, Outcome::parse, page, |outcome, _| {
        Ok(match pay(&app, &id, outcome)? {
            Paid {
                redirect: Some(url),
                ..
            } => html::see_other(&url),
            paid => pay_page::done(
                "Bitpay invoice",
                "Bitpay",
                &format!("Invoice {}: {}.", paid.invoice, paid.outcome),
                None,
            ),
        })
    })
}

/// What paying did.
#[derive(Debug, Serialize)]
pub(crate) struct Paid {
    pub invoice: String,
    pub order: Option<String>,
    pub outcome: &'static str,
    /// `redirectURL`.
    pub redirect: Option<String>,
}

/// Moves the invoice to `status` now and notifies, then (for a paid invoice) to `later` after
/// `bitpay.confirm_seconds`.
pub(crate) fn pay(app: &Arc<App>, id: &str, outcome: Outcome) -> Result<Paid, PayError> {
    let (order, redirect) = {
        let mut inner = app.lock();
        let i = inner
            .bitpay
            .invoices
            .get_mut(id)
            .ok_or_else(|| PayError::unknown("Bitpay"))?;
        if i.status != "new" {
            return Err(PayError::finished("Bitpay", id, i.status));
        }
        (i.order_id.clone(), i.redirect_url.clone())
    };
    app.note("bitpay", id, format!("buyer chose {}", outcome.as_str()));
    let exception = match outcome {
        Outcome::PaidOver => Some("paidOver"),
        Outcome::PaidPartial => Some("paidPartial"),
        _ => None,
    };
    if let Some(i) = app.lock().bitpay.invoices.get_mut(id) {
        i.exception = exception;
    }
    match outcome {
        Outcome::Paid | Outcome::Invalid | Outcome::PaidOver => {
            set_status(app, id, "paid");
            let last = if outcome != Outcome::Invalid {
                "confirmed"
            } else {
                "invalid"
            };
            let app2 = Arc::clone(app);
            let id2 = id.to_string();
            let generation = app.generation();
            let wait = app.scaled(Duration::from_secs(app.config.bitpay.confirm_seconds));
            tokio::spawn(async move {
                if !app2.sleep_unless_reset(wait, generation).await {
                    return;
                }
                set_status(&app2, &id2, last);
                // A confirmed invoice completes after more blocks; an invalid one stays.
                if last == "confirmed" && app2.sleep_unless_reset(wait, generation).await {
                    set_status(&app2, &id2, "complete");
                }
            });
        }
        Outcome::Expired | Outcome::PaidPartial => set_status(app, id, "expired"),
    }
    Ok(Paid {
        invoice: id.to_string(),
        order,
        outcome: outcome.as_str(),
        redirect,
    })
}

/// Sets the status and sends the invoice JSON to `notificationURL`.
fn set_status(app: &Arc<App>, id: &str, status: &'static str) {
    let (url, body) = {
        let mut inner = app.lock();
        let Some(i) = inner.bitpay.invoices.get_mut(id) else {
            return;
        };
        i.status = status;
        let json = invoice_json(&app.base_url, i);
        let body = if i.extended {
            let (code, name) = event_of(status);
            format!("{{\"event\":{{\"code\":{code},\"name\":\"{name}\"}},\"data\":{json}}}")
        } else {
            json
        };
        (i.notification_url.clone(), body)
    };
    app.note("bitpay", id, format!("invoice is now {status}"));
    let Some(url) = url else {
        return;
    };
    delivery::dispatch(
        app,
        Delivery {
            gateway: "bitpay",
            order: id.to_string(),
            label: format!("notification {status}"),
            url,
            content_type: "application/json",
            body,
            policy: Policy {
                max_attempts: NOTIFY_ATTEMPTS,
                interval: app.scaled(FIRST_RETRY),
                backoff_to: Some(app.scaled(LONGEST_RETRY)),
                accepts: delivery::http_200_accepts,
            },
            signer: None,
        },
        Duration::ZERO,
    );
}

/// BitPay's webhook code and name for an invoice reaching `status`
/// (<https://developer.bitpay.com/reference/notification-codes>).
fn event_of(status: &str) -> (u32, &'static str) {
    match status {
        "paid" => (1003, "invoice_paidInFull"),
        "expired" => (1004, "invoice_expired"),
        "confirmed" => (1005, "invoice_confirmed"),
        "complete" => (1006, "invoice_completed"),
        _ => (1013, "invoice_failedToConfirm"),
    }
}

/// The invoices, newest first.
pub(crate) fn orders(inner: &Inner) -> Vec<serde_json::Value> {
    inner
        .bitpay
        .invoices
        .values()
        .rev()
        .map(|i| {
            serde_json::json!({
                "gateway": "bitpay",
                "order": i.id,
                "order_id": i.order_id,
                "amount": i.price,
                "status": i.status,
                "refunded_minor": i.refunded_minor,
                "created": clock::rfc3339(i.created_ms),
                "payment_page": format!("/invoice?id={}", i.id),
                "notification_url": i.notification_url,
            })
        })
        .collect()
}

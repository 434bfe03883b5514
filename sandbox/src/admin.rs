//! The sandbox's own endpoints, under `/_sandbox/`: the event log, the orders, fault switches,
//! reset, and a programmatic "pay" for tests that do not drive a browser.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::app::Inner;
use crate::app::{App, PayError};
use crate::faults::{FaultState, Faults};
use crate::html::{self, esc};
use crate::{bitpay, ceca, elavon, flocash, paypal, redsys};

/// Events shown on the dashboard.
const DASHBOARD_EVENTS: usize = 200;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/_sandbox/") }))
        .route("/_sandbox", get(|| async { Redirect::to("/_sandbox/") }))
        .route("/_sandbox/", get(dashboard))
        .route("/_sandbox/events", get(events))
        .route("/_sandbox/orders", get(orders))
        .route("/_sandbox/faults", get(faults_get).post(faults_set))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/pay", post(pay))
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": code, "message": message.into() })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct EventsQuery {
    /// Only events with a larger `seq`.
    since: Option<u64>,
}

/// `GET /_sandbox/events[?since=SEQ]`: `{"events": [...], "last_seq": N, "evicted": N}`,
/// oldest first.
async fn events(State(app): State<Arc<App>>, Query(q): Query<EventsQuery>) -> Response {
    let inner = app.lock();
    Json(json!({
        "events": inner.events.since(q.since.unwrap_or(0)),
        "last_seq": inner.events.last_seq(),
        "evicted": inner.events.evicted(),
    }))
    .into_response()
}

/// Every gateway's orders, each newest first.
fn all_orders(inner: &Inner) -> Vec<serde_json::Value> {
    let mut all = flocash::orders(inner);
    all.extend(redsys::orders(inner));
    all.extend(ceca::orders(inner));
    all.extend(paypal::orders(inner));
    all.extend(elavon::orders(inner));
    all.extend(bitpay::orders(inner));
    all
}

/// `GET /_sandbox/orders`: every checkout of every gateway, newest first per gateway.
async fn orders(State(app): State<Arc<App>>) -> Response {
    let inner = app.lock();
    Json(json!({ "orders": all_orders(&inner) })).into_response()
}

fn faults_json(state: &FaultState) -> serde_json::Value {
    json!({
        "faults": state.config,
        "drops_left": state.drops_left,
        "postback_fails_left": state.postback_fails_left,
        "lost_notifications_left": state.lost_payments_left,
        "lost_replies_left": state.lost_replies_left,
    })
}

async fn faults_get(State(app): State<Arc<App>>) -> Response {
    Json(faults_json(&app.lock().faults)).into_response()
}

/// `POST /_sandbox/faults`: replaces the whole set (and restarts the counters).
async fn faults_set(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let faults: Faults = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_faults", e.to_string()),
    };
    if let Err(e) = faults.validate() {
        return error(StatusCode::BAD_REQUEST, "bad_faults", e);
    }
    let answer = {
        let mut inner = app.lock();
        inner.faults = FaultState::new(faults.clone());
        faults_json(&inner.faults)
    };
    app.log(crate::events::Event::note(
        None,
        None,
        format!(
            "faults set: {}",
            serde_json::to_string(&faults).unwrap_or_default()
        ),
    ));
    Json(answer).into_response()
}

/// `POST /_sandbox/reset`: forgets every order, notification and event; faults go back to the
/// start-up `--fault` settings; deliveries still scheduled stop.
async fn reset(State(app): State<Arc<App>>) -> Response {
    app.reset();
    Json(json!({ "reset": true })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayRequest {
    gateway: String,
    /// FloCash `order_id`, Redsys `Ds_Order`, CECA `Num_operacion`, PayPal `invoice`, Elavon
    /// `ORDER_ID`, Bitpay invoice `id`.
    order: String,
    outcome: String,
    /// FloCash only: `Card`, `Mobile` or `Wallet`.
    #[serde(default)]
    channel: Option<String>,
}

/// `POST /_sandbox/pay` `{"gateway", "order", "outcome"}`: what clicking the outcome on the
/// payment page does (the checkout must have been posted first). Answers where the browser
/// would go next (`redirect`).
async fn pay(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let request: PayRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", e.to_string()),
    };
    let result = match request.gateway.as_str() {
        "flocash" => {
            let Some(outcome) = flocash::Outcome::parse(&request.outcome) else {
                let known: Vec<&str> = flocash::Outcome::ALL.iter().map(|o| o.as_str()).collect();
                return error(
                    StatusCode::BAD_REQUEST,
                    "unknown_outcome",
                    format!("FloCash outcomes: {}", known.join(", ")),
                );
            };
            flocash::pay(
                &app,
                flocash::Select::Order(&request.order),
                outcome,
                request.channel.as_deref(),
            )
            .map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                v["gateway"] = json!("flocash");
                v
            })
        }
        "redsys" => {
            let Some(outcome) = redsys::Outcome::parse(&request.outcome) else {
                let known: Vec<&str> = redsys::Outcome::ALL.iter().map(|o| o.as_str()).collect();
                return error(
                    StatusCode::BAD_REQUEST,
                    "unknown_outcome",
                    format!("Redsys outcomes: {}", known.join(", ")),
                );
            };
            redsys::pay(&app, &request.order, outcome).map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                v["gateway"] = json!("redsys");
                v
            })
        }
        "ceca" => {
            let Some(outcome) = ceca::Outcome::parse(&request.outcome) else {
                return unknown_outcome("CECA", ceca::Outcome::ALL.map(ceca::Outcome::as_str));
            };
            ceca::pay(&app, &request.order, outcome).map(|p| tagged("ceca", p))
        }
        "paypal" => {
            let Some(outcome) = paypal::Outcome::parse(&request.outcome) else {
                return unknown_outcome(
                    "PayPal",
                    paypal::Outcome::ALL.map(paypal::Outcome::as_str),
                );
            };
            paypal::pay(&app, paypal::Select::Invoice(&request.order), outcome)
                .map(|p| tagged("paypal", p))
        }
        "elavon" => {
            let Some(outcome) = elavon::Outcome::parse(&request.outcome) else {
                return unknown_outcome(
                    "Elavon",
                    elavon::Outcome::ALL.map(elavon::Outcome::as_str),
                );
            };
            elavon::pay(&app, &request.order, outcome).map(|p| tagged("elavon", p))
        }
        "bitpay" => {
            let Some(outcome) = bitpay::Outcome::parse(&request.outcome) else {
                return unknown_outcome(
                    "Bitpay",
                    bitpay::Outcome::ALL.map(bitpay::Outcome::as_str),
                );
            };
            bitpay::pay(&app, &request.order, outcome).map(|p| tagged("bitpay", p))
        }
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "unknown_gateway",
                format!(
                    "gateway {other:?}: the sandbox plays flocash, redsys, ceca, paypal, elavon and bitpay"
                ),
            );
        }
    };
    match result {
        Ok(v) => Json(v).into_response(),
        Err(PayError {
            status,
            code,
            message,
        }) => error(status, code, message),
    }
}

fn unknown_outcome<const N: usize>(gateway: &str, known: [&str; N]) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "unknown_outcome",
        format!("{gateway} outcomes: {}", known.join(", ")),
    )
}

fn tagged(gateway: &str, paid: impl serde::Serialize) -> serde_json::Value {
    let mut v = serde_json::to_value(paid).unwrap_or_default();
    v["gateway"] = json!(gateway);
    v
}

/// `GET /_sandbox/`: the same information for people.
async fn dashboard(State(app): State<Arc<App>>) -> Response {
    let inner = app.lock();
    let base = &app.base_url;
    let mut body = String::from("<h1>hostedpay-sandbox</h1>");
    body.push_str("<h2>Point your shop here</h2>");
    body.push_str(&html::rows(&[
        ("FloCash checkout_url", format!("{base}/ecom/ecommerce.do")),
        ("FloCash base_url", base.clone()),
        ("FloCash merchant", app.config.flocash.merchant.clone()),
        ("Redsys checkout_url", format!("{base}/sis/realizarPago")),
        (
            "Redsys rest_url",
            format!("{base}/sis/rest/trataPeticionREST"),
        ),
        (
            "Redsys query_url",
            format!("{base}{}", crate::redsys_query::QUERY_PATH),
        ),
        (
            "Redsys merchant / terminal",
            format!(
                "{} / {}",
                app.config.redsys.merchant_code, app.config.redsys.terminal
            ),
        ),
        (
            "CECA checkout_url",
            format!("{base}/tpvweb/tpv/compra.action"),
        ),
        (
            "CECA merchant / BIN / terminal / cipher",
            format!(
                "{} / {} / {} / {}",
                app.config.ceca.merchant_id,
                app.config.ceca.acquirer_bin,
                app.config.ceca.terminal_id,
                app.config.ceca.cipher.as_str()
            ),
        ),
        (
            "PayPal checkout_url and ipn_url",
            format!("{base}/cgi-bin/webscr"),
        ),
        ("PayPal business", app.config.paypal.business.clone()),
        (
            "PayPal nvp.api_url",
            format!("{base}{}", crate::paypal_nvp::NVP_PATH),
        ),
        ("Elavon checkout_url", format!("{base}/pay")),
        ("Elavon remote_url", format!("{base}/remote")),
        (
            "Elavon merchant / account",
            format!(
                "{} / {}",
                app.config.elavon.merchant_id, app.config.elavon.account
            ),
        ),
        ("Bitpay api_url", format!("{base}/invoices")),
        ("Bitpay invoice_url", format!("{base}/invoice")),
        ("time scale", format!("{}×", app.time_scale)),
    ]));
    body.push_str("<h2>Faults</h2><pre>");
    body.push_str(&esc(&faults_json(&inner.faults).to_string()));
    body.push_str("</pre><h2>Orders</h2><table><tr><th>gateway</th><th>order</th><th>amount</th><th>status</th><th>page</th></tr>");
    let all = all_orders(&inner);
    for o in all.iter().take(DASHBOARD_EVENTS) {
        let text = |k: &str| o[k].as_str().unwrap_or("").to_string();
        let amount = format!(
            "{} {}",
            o["amount"]["value"].as_str().unwrap_or(""),
            o["amount"]["currency"].as_str().unwrap_or("")
        );
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{p}\">{p}</a></td></tr>",
            esc(&text("gateway")),
            esc(&text("order")),
            esc(&amount),
            esc(&text("status")),
            p = esc(&text("payment_page")),
        ));
    }
    body.push_str("</table>");
    body.push_str(&format!(
        "<h2>Events</h2><p>Newest first, at most {DASHBOARD_EVENTS}; all of them as JSON at \
         <a href=\"/_sandbox/events\">/_sandbox/events</a>.</p>"
    ));
    body.push_str("<table><tr><th>#</th><th>at</th><th>kind</th><th>gateway</th><th>order</th><th>what</th><th>status</th><th>attempt</th><th>outcome / next retry</th><th>body</th></tr>");
    for e in inner.events.latest(DASHBOARD_EVENTS) {
        let what = match (&e.method, &e.url) {
            (Some(m), Some(u)) => format!("{m} {u}"),
            (None, Some(u)) => u.clone(),
            _ => String::new(),
        };
        let what = match &e.message {
            Some(m) if what.is_empty() => m.clone(),
            Some(m) => format!("{what} — {m}"),
            None => what,
        };
        let attempt = match (e.attempt, e.max_attempts) {
            (Some(a), Some(m)) => format!("{a}/{m}"),
            _ => String::new(),
        };
        let outcome = match (e.outcome, &e.next_retry_at) {
            (Some(o), Some(n)) => format!("{o}, next {n}"),
            (Some(o), None) => o.to_string(),
            _ => String::new(),
        };
        let bodies = [e.request_body.as_deref(), e.response_body.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n→ ");
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
            e.seq,
            esc(&e.at),
            esc(e.kind),
            esc(e.gateway.unwrap_or("")),
            esc(e.order.as_deref().unwrap_or("")),
            esc(&what),
            e.status.map(|s| s.to_string()).unwrap_or_default(),
            esc(&attempt),
            esc(&outcome),
            esc(&bodies),
        ));
    }
    body.push_str("</table>");
    drop(inner);
    html::respond(StatusCode::OK, "hostedpay-sandbox", &body)
}

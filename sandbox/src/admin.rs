//! The sandbox's own endpoints, under `/_sandbox/`: the event log, the orders, fault switches,
//! reset, and a programmatic "pay" for tests that do not drive a browser.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::app::Inner;
use crate::app::{App, PayError};
use crate::events::MAX_EVENTS;
use crate::faults::{FaultState, Faults};
use crate::html::{self, esc};
use crate::{bitpay, ceca, elavon, flocash, paypal, paypal_rest, redsys};

/// Orders shown on the dashboard.
const DASHBOARD_ORDERS: usize = 200;

/// Events per dashboard page.
const EVENTS_PER_PAGE: usize = 50;

/// Characters of an event's bodies shown in the table; the rest is behind `<details>`.
const BODY_PREVIEW_CHARS: usize = 300;

/// Where the dashboard's fault forms post.
const FAULTS_FORM_PATH: &str = "/_sandbox/faults/form";

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/_sandbox/") }))
        .route("/_sandbox", get(|| async { Redirect::to("/_sandbox/") }))
        .route("/_sandbox/", get(dashboard))
        .route("/_sandbox/events", get(events))
        .route("/_sandbox/orders", get(orders))
        .route("/_sandbox/faults", get(faults_get).post(faults_set))
        .route(FAULTS_FORM_PATH, post(faults_form))
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

/// Every gateway's orders, each newest first, each with the `state` it has reached after
/// every later event (see [`derive_state`]).
fn all_orders(inner: &Inner) -> Vec<serde_json::Value> {
    let mut paypal_rows = paypal::orders(inner);
    // `paypal::orders` walks the same payments in the same order under the same lock; the
    // stored `status` stays `pending` after the `Completed` IPN (completion is a time), so the
    // state comes from the payment's own `payment_status`, as `GetTransactionDetails` says it.
    for (row, p) in paypal_rows
        .iter_mut()
        .zip(inner.paypal.payments.values().rev())
    {
        row["payment_status"] = json!(p.payment_status());
    }
    let mut all = flocash::orders(inner);
    all.extend(redsys::orders(inner));
    all.extend(ceca::orders(inner));
    all.extend(paypal_rows);
    all.extend(elavon::orders(inner));
    all.extend(bitpay::orders(inner));
    all.extend(paypal_rest::orders(inner));
    for row in &mut all {
        derive_state(row);
    }
    all
}

/// Adds `state` (where the order stands after every later event: a capture, a refund, a
/// pending payment completing, a release) and, where money moved, `captured_minor` and
/// `refunded_minor`, from what the gateway module stored. `status` stays as stored: it is
/// what the customer chose on the payment page.
fn derive_state(row: &mut serde_json::Value) {
    let status = row["status"].as_str().unwrap_or("").to_string();
    let amount_minor = || {
        let currency = vpos_core::Currency::from_code(row["amount"]["currency"].as_str()?).ok()?;
        vpos_core::Amount::parse(row["amount"]["value"].as_str()?, currency)
            .ok()
            .map(vpos_core::Amount::minor)
    };
    let whole = amount_minor();
    // What was refunded of what was captured: the state a captured order has reached.
    let refund_state = |captured: i64, refunded: i64, otherwise: &str| {
        if refunded > 0 && refunded >= captured {
            "refunded".to_string()
        } else if refunded > 0 {
            "partially refunded".to_string()
        } else {
            otherwise.to_string()
        }
    };
    let (state, captured, refunded) = match row["gateway"].as_str().unwrap_or("") {
        "redsys" if status == "authorised" => {
            let captured = row["captured_minor"].as_i64().unwrap_or(0);
            let refunded = row["refunded_minor"].as_i64().unwrap_or(0);
            let state = match row["preauth"].as_str() {
                Some("open") => "pre-authorised".to_string(),
                Some("released") => "released".to_string(),
                Some("confirmed") => refund_state(captured, refunded, "captured"),
                _ => refund_state(captured, refunded, "authorised"),
            };
            (state, Some(captured), Some(refunded))
        }
        "paypal" => {
            let refunded = row["refunded_minor"].as_i64().unwrap_or(0);
            match row["payment_status"].as_str() {
                Some(s @ ("Completed" | "Partially-Refunded" | "Refunded")) => (
                    s.to_ascii_lowercase().replace('-', " "),
                    whole,
                    Some(refunded),
                ),
                Some(s) => (s.to_ascii_lowercase(), None, None),
                None => (status, None, None),
            }
        }
        "elavon" if status == "settled" => {
            let refunded = row["rebated_minor"].as_i64().unwrap_or(0);
            let captured = whole.unwrap_or(0);
            (
                refund_state(captured, refunded, "settled"),
                whole,
                Some(refunded),
            )
        }
        "paypal_rest" => {
            let captured = row["captured_minor"].as_i64().unwrap_or(0);
            let refunded = row["refunded_minor"].as_i64().unwrap_or(0);
            let captures: Vec<&str> = row["captures"]
                .as_array()
                .map(|a| a.iter().filter_map(|c| c["status"].as_str()).collect())
                .unwrap_or_default();
            let state = match (status.as_str(), row["authorization"].as_str()) {
                ("CREATED", _) if row["cancelled"] == json!(true) => "cancelled".to_string(),
                ("CREATED", _) => "created".to_string(),
                ("APPROVED", _) => "approved".to_string(),
                _ if captures.contains(&"PENDING") => "pending".to_string(),
                (_, Some("VOIDED")) if captured == 0 => "voided".to_string(),
                (_, Some("CREATED")) => "authorized".to_string(),
                (_, Some("PARTIALLY_CAPTURED")) => {
                    refund_state(captured, refunded, "partially captured")
                }
                _ if captured == 0 && captures.contains(&"DECLINED") => "declined".to_string(),
                _ if row["captures"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|c| c["reversed"] == json!(true))) =>
                {
                    "reversed".to_string()
                }
                _ => refund_state(captured, refunded, "captured"),
            };
            (state, Some(captured), Some(refunded))
        }
        "flocash" | "ceca" if status == "paid" => (status, whole, None),
        "bitpay" if status == "confirmed" || status == "complete" => {
            let refunded = row["refunded_minor"].as_i64().unwrap_or(0);
            let state = refund_state(whole.unwrap_or(0), refunded, &status);
            (state, whole, Some(refunded))
        }
        _ => (status, None, None),
    };
    row["state"] = json!(state);
    if let Some(c) = captured {
        row["captured_minor"] = json!(c);
    }
    if let Some(r) = refunded {
        row["refunded_minor"] = json!(r);
    }
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
        "tampers_left": state.tampers_left,
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

/// The dashboard's fault names, in the order it lists them.
const FAULT_NAMES: [&str; 8] = [
    "delay",
    "drop-first",
    "duplicate",
    "reorder",
    "postback-fail",
    "lose-notifications",
    "lose-replies",
    "tamper",
];

/// `POST /_sandbox/faults/form` (form-encoded `fault` and `value`; `fault=none` switches
/// everything off): sets one fault, leaving the others and what is left of their counts, and
/// answers `303` back to the dashboard. The JSON `POST /_sandbox/faults` stays the way for
/// scripts; this is the dashboard's, so it is guarded against cross-site posts.
async fn faults_form(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(why) = same_origin(&app.base_url, &headers) {
        return html::respond(
            StatusCode::FORBIDDEN,
            "faults not changed",
            &format!(
                "<h1>Faults not changed</h1><p>{}</p><p><a href=\"/_sandbox/\">Back to the dashboard</a></p>",
                esc(&why)
            ),
        );
    }
    let refuse = |why: String| {
        html::respond(
            StatusCode::BAD_REQUEST,
            "faults not changed",
            &format!(
                "<h1>Faults not changed</h1><p>{}</p><p><a href=\"/_sandbox/\">Back to the dashboard</a></p>",
                esc(&why)
            ),
        )
    };
    let pairs = match vpos_core::form::parse_urlencoded(&body, crate::MAX_BODY_BYTES) {
        Ok(p) => p,
        Err(e) => return refuse(format!("not a form: {}", e.message())),
    };
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let fault = field("fault").unwrap_or_default();
    // An emptied number box means the fault off, not an error.
    let value = field("value")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "0".into());
    let item = match fault.as_str() {
        "none" => "none".to_string(),
        "delay" => format!("delay={value}ms"),
        "reorder" => format!("reorder={value}"),
        f if FAULT_NAMES.contains(&f) => format!("{f}={value}"),
        other => {
            return refuse(format!(
                "unknown fault {other:?} (known: {}, none)",
                FAULT_NAMES.join(", ")
            ));
        }
    };
    let set = {
        let mut inner = app.lock();
        inner.faults.apply_one(&item)
    };
    if let Err(e) = set {
        return refuse(e);
    }
    app.log(crate::events::Event::note(
        None,
        None,
        format!("fault set from the dashboard: {item}"),
    ));
    html::see_other("/_sandbox/#faults")
}

/// Whether a form POST comes from one of the sandbox's own pages.
///
/// The sandbox listens on loopback by default, but any web page the developer has open can
/// make their browser post a form to `http://127.0.0.1:8700` (a cross-site request the browser
/// sends without asking), and a page served under a name the attacker re-points at 127.0.0.1
/// (DNS rebinding) is even same-origin with whatever `Host` it sends. So the form endpoint
/// accepts only an `Origin` (else the `Referer`'s origin) that is this sandbox: its bound
/// address, `localhost` or a loopback address on its port, or the request's own `Host` when
/// that is an IP address (no name to re-point; `--listen 0.0.0.0` reached by a LAN address).
/// Browsers send `Origin` on every form POST; with neither header the post is refused too,
/// since scripts have the JSON endpoint.
fn same_origin(base_url: &str, headers: &HeaderMap) -> Result<(), String> {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let origin = match (text(header::ORIGIN), text(header::REFERER)) {
        (Some(o), _) => o,
        (None, Some(referer)) => origin_of(&referer),
        (None, None) => {
            return Err(
                "a form post needs an Origin or Referer header naming this sandbox (scripts: use the JSON POST /_sandbox/faults)"
                    .into(),
            );
        }
    };
    let port = base_url.rsplit(':').next().unwrap_or("");
    let mut own = vec![
        base_url.to_string(),
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{port}"),
        format!("http://[::1]:{port}"),
    ];
    if let Some(host) = text(header::HOST)
        && host_is_ip(&host)
    {
        own.push(format!("http://{host}"));
    }
    if own.iter().any(|o| o.eq_ignore_ascii_case(&origin)) {
        Ok(())
    } else {
        Err(format!(
            "refused: the form was posted from {origin:?}, not from this sandbox ({base_url}); a page of another site cannot switch faults"
        ))
    }
}

/// `scheme://authority` of a URL (the whole text when it has no path).
fn origin_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{authority}")
}

/// Whether a `Host` header names an IP address (with or without a port).
fn host_is_ip(host: &str) -> bool {
    if let Some(rest) = host.strip_prefix('[') {
        return rest
            .split_once(']')
            .is_some_and(|(ip, _)| ip.parse::<std::net::Ipv6Addr>().is_ok());
    }
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    name.parse::<std::net::Ipv4Addr>().is_ok()
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
        "paypal_rest" if request.outcome == "reverse" => {
            paypal_rest::reverse(&app, &request.order).map(|p| tagged("paypal_rest", p))
        }
        "paypal_rest" => {
            let Some(outcome) = paypal_rest::Outcome::parse(&request.outcome) else {
                return unknown_outcome(
                    "PayPal REST",
                    paypal_rest::Outcome::ALL.map(paypal_rest::Outcome::as_str),
                );
            };
            paypal_rest::pay(&app, &request.order, outcome).map(|p| tagged("paypal_rest", p))
        }
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "unknown_gateway",
                format!(
                    "gateway {other:?}: the sandbox plays flocash, redsys, ceca, paypal, paypal_rest, elavon and bitpay"
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
async fn dashboard(State(app): State<Arc<App>>, Query(q): Query<DashboardQuery>) -> Response {
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
        ("Bitpay api_url (current API: the root)", base.to_string()),
        (
            "Bitpay api_url (legacy api_key)",
            format!("{base}/invoices"),
        ),
        ("Bitpay invoice_url", format!("{base}/invoice")),
        ("PayPal REST api_base", base.to_string()),
        (
            "PayPal REST client_id / merchant / webhook_id",
            format!(
                "{} / {} / {}",
                app.config.paypal_rest.client_id,
                app.config.paypal_rest.merchant_id,
                app.config.paypal_rest.webhook_id
            ),
        ),
        (
            "PayPal REST webhooks to",
            app.config
                .paypal_rest
                .webhook_url
                .clone()
                .unwrap_or_else(|| "(none: set paypal_rest.webhook_url)".into()),
        ),
        ("time scale", format!("{}×", app.time_scale)),
    ]));
    body.push_str(&faults_section(&inner.faults));
    body.push_str(&orders_section(&all_orders(&inner)));
    body.push_str(&events_section(&inner.events.latest(MAX_EVENTS), q.page));
    drop(inner);
    html::respond(StatusCode::OK, "hostedpay-sandbox", &body)
}

#[derive(Deserialize)]
struct DashboardQuery {
    /// Events page, from 1 (newest). Anything else reads as page 1.
    page: Option<String>,
}

/// One small form posting to [`FAULTS_FORM_PATH`]: hidden `fault`, then `inputs`.
fn fault_form(fault: &str, inputs: &str) -> String {
    format!(
        "<form class=\"inline\" method=\"post\" action=\"{FAULTS_FORM_PATH}\">\
         <input type=\"hidden\" name=\"fault\" value=\"{}\">{inputs}</form>",
        esc(fault)
    )
}

/// The faults: what each is set to, what is left of its count, and a form to change it.
fn faults_section(state: &FaultState) -> String {
    let f = &state.config;
    let mut out = String::from(
        "<h2 id=\"faults\">Faults</h2><p>Each form sets one fault and keeps the others; setting a \
         count starts it again. Scripts: <code>POST /_sandbox/faults</code> with JSON.</p>\
         <table><tr><th>fault</th><th>now</th><th>left</th><th>change</th></tr>",
    );
    for name in FAULT_NAMES {
        // (current value, what is left of the count, max for the number box, unit)
        let (now, left, max, unit): (u64, Option<u32>, u64, &str) = match name {
            "delay" => (f.delay_ms, None, crate::faults::MAX_DELAY_MS, " ms"),
            "drop-first" => (
                f.drop_first.into(),
                Some(state.drops_left),
                crate::faults::MAX_COUNT.into(),
                "",
            ),
            "duplicate" => (
                f.duplicate.into(),
                None,
                crate::faults::MAX_COPIES.into(),
                "",
            ),
            "postback-fail" => (
                f.postback_fail.into(),
                Some(state.postback_fails_left),
                crate::faults::MAX_COUNT.into(),
                "",
            ),
            "lose-notifications" => (
                f.lose_notifications.into(),
                Some(state.lost_payments_left),
                crate::faults::MAX_COUNT.into(),
                "",
            ),
            "lose-replies" => (
                f.lose_replies.into(),
                Some(state.lost_replies_left),
                crate::faults::MAX_COUNT.into(),
                "",
            ),
            "tamper" => (
                f.tamper.into(),
                Some(state.tampers_left),
                crate::faults::MAX_COUNT.into(),
                "",
            ),
            _ => (u64::from(f.reorder), None, 1, ""),
        };
        let (shown, change) = if name == "reorder" {
            let (label, to) = if f.reorder {
                ("switch off", "off")
            } else {
                ("switch on", "on")
            };
            (
                if f.reorder { "on" } else { "off" }.to_string(),
                fault_form(
                    name,
                    &format!(
                        "<button id=\"fault-reorder\" name=\"value\" value=\"{to}\">{label}</button>"
                    ),
                ),
            )
        } else {
            let off = if now == 0 {
                String::new()
            } else {
                fault_form(
                    name,
                    &format!(
                        "<input type=\"hidden\" name=\"value\" value=\"0\">\
                         <button id=\"fault-{name}-off\">off</button>"
                    ),
                )
            };
            (
                if now == 0 {
                    "off".to_string()
                } else {
                    format!("{now}{unit}")
                },
                format!(
                    "{}{off}",
                    fault_form(
                        name,
                        &format!(
                            "<input type=\"number\" name=\"value\" min=\"0\" max=\"{max}\" value=\"{now}\" \
                             aria-label=\"{name}\">{unit} <button id=\"fault-{name}\">set</button>"
                        ),
                    )
                ),
            )
        };
        out.push_str(&format!(
            "<tr><th>{name}</th><td class=\"fault-now\">{}</td><td>{}</td><td>{change}</td></tr>",
            esc(&shown),
            left.map(|l| l.to_string()).unwrap_or_default(),
        ));
    }
    out.push_str("</table>");
    out.push_str(&fault_form(
        "none",
        "<button id=\"faults-off\">switch every fault off</button>",
    ));
    out
}

/// `minor` in `currency`'s precision, or the bare number when the currency is unknown.
fn money(minor: i64, currency: &str) -> String {
    vpos_core::Currency::from_code(currency)
        .and_then(|c| vpos_core::Amount::from_minor(minor, c))
        .map_or_else(|_| minor.to_string(), vpos_core::Amount::to_decimal_string)
}

/// The orders, each as it stands after every later event.
fn orders_section(all: &[serde_json::Value]) -> String {
    let mut out = String::from(
        "<h2 id=\"orders\">Orders</h2><table class=\"orders\"><tr><th>gateway</th><th>order</th>\
         <th>amount</th><th>state</th><th>captured</th><th>refunded</th><th>chosen on the page</th>\
         <th>page</th></tr>",
    );
    for o in all.iter().take(DASHBOARD_ORDERS) {
        let text = |k: &str| o[k].as_str().unwrap_or("").to_string();
        let currency = o["amount"]["currency"].as_str().unwrap_or("");
        let minor = |k: &str| {
            o[k].as_i64()
                .map(|m| format!("{} {currency}", money(m, currency)))
                .unwrap_or_default()
        };
        out.push_str(&format!(
            "<tr class=\"order\" data-gateway=\"{}\" data-order=\"{}\"><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"state\">{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{p}\">{p}</a></td></tr>",
            esc(&text("gateway")),
            esc(&text("order")),
            esc(&text("gateway")),
            esc(&text("order")),
            esc(&format!(
                "{} {currency}",
                o["amount"]["value"].as_str().unwrap_or("")
            )),
            esc(&text("state")),
            esc(&minor("captured_minor")),
            esc(&minor("refunded_minor")),
            esc(&text("status")),
            p = esc(&text("payment_page")),
        ));
    }
    out.push_str("</table>");
    out
}

/// One page of events (newest first), bodies cut to [`BODY_PREVIEW_CHARS`] with the rest
/// behind `<details>`.
fn events_section(newest_first: &[crate::events::Event], page: Option<String>) -> String {
    let pages = newest_first.len().div_ceil(EVENTS_PER_PAGE).max(1);
    let page = page
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let mut out = format!(
        "<h2 id=\"events\">Events</h2><p>Newest first, {EVENTS_PER_PAGE} a page, the newest {MAX_EVENTS} \
         kept; all of them as JSON at <a href=\"/_sandbox/events\">/_sandbox/events</a>.</p>"
    );
    let nav = {
        let mut nav = format!(
            "<p class=\"pager\">page <span class=\"page\">{page}</span> of {pages} ({} events)",
            newest_first.len()
        );
        if page > 1 {
            nav.push_str(&format!(
                " · <a href=\"/_sandbox/?page=1#events\">newest</a> · <a rel=\"prev\" href=\"/_sandbox/?page={}#events\">newer</a>",
                page - 1
            ));
        }
        if page < pages {
            nav.push_str(&format!(
                " · <a rel=\"next\" href=\"/_sandbox/?page={}#events\">older</a> · <a href=\"/_sandbox/?page={pages}#events\">oldest</a>",
                page + 1
            ));
        }
        nav.push_str("</p>");
        nav
    };
    out.push_str(&nav);
    out.push_str(
        "<table class=\"events\"><tr><th>#</th><th>at</th><th>kind</th><th>gateway</th><th>order</th>\
         <th>what</th><th>status</th><th>attempt</th><th>outcome / next retry</th><th>body</th></tr>",
    );
    for e in newest_first
        .iter()
        .skip((page - 1) * EVENTS_PER_PAGE)
        .take(EVENTS_PER_PAGE)
    {
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
        out.push_str(&format!(
            "<tr class=\"event\" id=\"event-{seq}\"><td>{seq}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"wrap\">{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td><td class=\"body\">{}</td></tr>",
            esc(&e.at),
            esc(e.kind),
            esc(e.gateway.unwrap_or("")),
            esc(e.order.as_deref().unwrap_or("")),
            esc(&what),
            e.status.map(|s| s.to_string()).unwrap_or_default(),
            esc(&attempt),
            esc(&outcome),
            body_cell(&bodies),
            seq = e.seq,
        ));
    }
    out.push_str("</table>");
    out.push_str(&nav);
    out
}

/// An event's bodies: whole when short, else the first [`BODY_PREVIEW_CHARS`] characters and
/// a `<details>` holding all of it as logged. Both escaped: bodies come from whoever posted.
fn body_cell(bodies: &str) -> String {
    let chars = bodies.chars().count();
    if chars <= BODY_PREVIEW_CHARS {
        return format!("<pre>{}</pre>", esc(bodies));
    }
    let preview: String = bodies.chars().take(BODY_PREVIEW_CHARS).collect();
    format!(
        "<pre>{}…</pre><details><summary>whole body ({chars} characters)</summary><pre>{}</pre></details>",
        esc(&preview),
        esc(bodies)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(row: serde_json::Value) -> (String, serde_json::Value, serde_json::Value) {
        let mut row = row;
        derive_state(&mut row);
        (
            row["state"].as_str().unwrap().to_string(),
            row["captured_minor"].clone(),
            row["refunded_minor"].clone(),
        )
    }

    #[test]
    fn states_follow_later_events() {
        let eur = json!({"value": "30.00", "currency": "EUR"});
        let redsys = |preauth: &str, captured: i64, refunded: i64| {
            state(
                json!({"gateway": "redsys", "status": "authorised", "amount": eur,
                "preauth": preauth, "captured_minor": captured, "refunded_minor": refunded}),
            )
        };
        assert_eq!(redsys("none", 3000, 0).0, "authorised");
        assert_eq!(redsys("none", 3000, 1000).0, "partially refunded");
        assert_eq!(redsys("none", 3000, 3000).0, "refunded");
        assert_eq!(redsys("open", 0, 0).0, "pre-authorised");
        assert_eq!(
            redsys("confirmed", 2000, 0),
            ("captured".into(), json!(2000), json!(0))
        );
        assert_eq!(redsys("confirmed", 2000, 2000).0, "refunded");
        assert_eq!(redsys("released", 0, 0).0, "released");
        let paypal = |status: &str, payment_status: serde_json::Value| {
            state(json!({"gateway": "paypal", "status": status, "amount": eur,
                "payment_status": payment_status, "refunded_minor": 500}))
        };
        assert_eq!(paypal("pending", json!("Pending")).0, "pending");
        assert_eq!(
            paypal("pending", json!("Partially-Refunded")),
            ("partially refunded".into(), json!(3000), json!(500))
        );
        assert_eq!(paypal("cancelled", json!(null)).0, "cancelled");
        let elavon = |rebated: i64| {
            state(
                json!({"gateway": "elavon", "status": "settled", "amount": eur,
                "rebated_minor": rebated}),
            )
        };
        assert_eq!(elavon(0).0, "settled");
        assert_eq!(elavon(3000), ("refunded".into(), json!(3000), json!(3000)));
        assert_eq!(
            state(json!({"gateway": "flocash", "status": "paid", "amount": eur})).1,
            json!(3000)
        );
        assert_eq!(
            state(json!({"gateway": "ceca", "status": "declined", "amount": eur})),
            ("declined".into(), json!(null), json!(null))
        );
    }

    #[test]
    fn only_the_sandbox_itself_may_post_the_forms() {
        let base = "http://127.0.0.1:8700";
        let headers = |pairs: &[(&str, &str)]| {
            let mut h = HeaderMap::new();
            for (n, v) in pairs {
                h.insert(
                    header::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                    v.parse().unwrap(),
                );
            }
            h
        };
        for ok in [
            headers(&[("origin", base)]),
            headers(&[("origin", "http://localhost:8700")]),
            headers(&[("origin", "http://[::1]:8700")]),
            headers(&[("referer", "http://127.0.0.1:8700/_sandbox/?page=2#events")]),
            // `--listen 0.0.0.0:8700` reached by a LAN address: an IP, nothing to re-point.
            headers(&[
                ("origin", "http://192.168.1.5:8700"),
                ("host", "192.168.1.5:8700"),
            ]),
        ] {
            assert!(same_origin(base, &ok).is_ok(), "{ok:?}");
        }
        for bad in [
            headers(&[]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "http://127.0.0.1:8701")]),
            headers(&[("origin", "https://127.0.0.1:8700")]),
            headers(&[("origin", "http://127.0.0.1:8700.evil.example")]),
            headers(&[("referer", "http://evil.example/http://127.0.0.1:8700")]),
            headers(&[
                ("origin", "http://evil.example:8700"),
                ("host", "evil.example:8700"),
            ]),
        ] {
            assert!(same_origin(base, &bad).is_err(), "{bad:?}");
        }
        assert!(host_is_ip("[::1]:8700") && host_is_ip("10.0.0.1") && !host_is_ip("a.b:80"));
        assert_eq!(origin_of("http://h:1/p?q#f"), "http://h:1");
    }
}

//! Santander Elavon (Realex HPP and Remote XML) at its real paths: `POST /pay` (the HPP form,
//! `SHA1HASH` or `SHA256HASH` checked with vpos-core's `elavon::HashAlgorithm`; `HPP_VERSION=2`
//! and the 3DS2 `HPP_*` fields are accepted, the version and `HPP_CUSTOMER_EMAIL` kept for
//! `/_sandbox/orders` beside the hash field's name), the payment page, the signed response
//! posted to `MERCHANT_RESPONSE_URL` through the customer's browser (an auto-submitting form, as
//! the HPP does, signed with the algorithm the form used), and `POST /remote` answering `settle`,
//! `void` and `rebate` with hashed replies. Every hash is made with vpos-core.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AppState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use subtle::ConstantTimeEq;
use vpos_core::form::parse_urlencoded;
use vpos_core::gateways::elavon::{self, HashAlgorithm, RemoteKind};
use vpos_core::{Amount, Currency};

use crate::app::{App, Bounded, Inner, PayError};
use crate::clock;
use crate::config::ElavonConfig;
use crate::delivery;
use crate::html::{self, esc};
use crate::pay_page;

const MAX_FORM_BYTES: usize = 64 * 1024;

/// Elavon's side of the sandbox.
#[derive(Default)]
pub(crate) struct State {
    /// Payments by `ORDER_ID`.
    pub payments: Bounded<Payment>,
}

/// One HPP request.
pub(crate) struct Payment {
    pub order_id: String,
    pub created: String,
    pub amount: Amount,
    pub auto_settle: bool,
    pub response_url: Option<String>,
    /// The digest the form was signed with, which the response is signed with too.
    pub algorithm: HashAlgorithm,
    /// `HPP_VERSION` as the form sent it (`None`: absent, HPP v1), and `HPP_CUSTOMER_EMAIL`:
    /// what a shop's test reads back from `/_sandbox/orders` to see its 3-D Secure 2 data arrived.
    pub hpp_version: Option<String>,
    pub customer_email: Option<String>,
    /// `open`, `authorised`, `settled`, `declined`, `voided`.
    pub status: &'static str,
    pub pasref: String,
    pub authcode: String,
    pub rebated: i64,
}

/// What the customer chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `RESULT` `00`.
    Authorised,
    /// `101`, declined by the bank.
    Declined,
    /// `205`, bank communication error.
    BankError,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Authorised, Outcome::Declined, Outcome::BankError];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Authorised => "authorised",
            Outcome::Declined => "declined",
            Outcome::BankError => "bank_error",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "authorised" | "authorized" | "paid" | "00" => Some(Outcome::Authorised),
            "declined" | "denied" | "101" => Some(Outcome::Declined),
            "bank_error" | "205" => Some(Outcome::BankError),
            _ => None,
        }
    }

    fn result(self) -> (&'static str, &'static str) {
        match self {
            Outcome::Authorised => ("00", "[ test system ] Authorised"),
            Outcome::Declined => ("101", "[ test system ] Declined by Bank"),
            Outcome::BankError => ("205", "[ test system ] Comms Error"),
        }
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/pay", post(hpp))
        .route("/pay/{order}", get(pay_page).post(pay_submit))
        .route("/remote", post(remote))
}

fn error_page(app: &App, order: &str, message: &str) -> Response {
    app.note("elavon", order, format!("refused: {message}"));
    html::respond(
        StatusCode::BAD_REQUEST,
        "Elavon: error",
        &format!(
            "<h1>Santander Elavon</h1><p class=\"errors\" id=\"elavon-error\">{}</p>",
            esc(message)
        ),
    )
}

/// `YYYYMMDDHHMMSS`, UTC.
fn timestamp() -> String {
    let c = clock::civil(clock::now_ms());
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.to_ascii_lowercase().as_bytes().ct_eq(b.as_bytes()))
}

fn read_hpp(config: &ElavonConfig, fields: &[(String, String)]) -> Result<Payment, String> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let req = |name: &str| get(name).ok_or_else(|| format!("{name} is missing"));
    let merchant = req("MERCHANT_ID")?;
    if merchant != config.merchant_id || req("ACCOUNT")? != config.account {
        return Err(format!(
            "this sandbox plays Elavon for MERCHANT_ID {} ACCOUNT {} (elavon.* in --config)",
            config.merchant_id, config.account
        ));
    }
    let order_id = req("ORDER_ID")?;
    let amount_text = req("AMOUNT")?;
    let currency_text = req("CURRENCY")?;
    let timestamp = req("TIMESTAMP")?;
    // The HPP takes whichever digest the merchant chose; SHA-256 wins when a form carries both.
    let algorithm = if get("SHA256HASH").is_some() {
        HashAlgorithm::Sha256
    } else {
        HashAlgorithm::Sha1
    };
    let field = algorithm.field();
    let expected = algorithm.hash(
        &[timestamp, merchant, order_id, amount_text, currency_text],
        config.secret.expose(),
    );
    if !same(req(field)?, &expected) {
        return Err(format!(
            "{field} does not match TIMESTAMP.MERCHANT_ID.ORDER_ID.AMOUNT.CURRENCY with the shared secret"
        ));
    }
    let currency = Currency::from_code(currency_text).map_err(|e| format!("CURRENCY: {e}"))?;
    let minor = amount_text
        .parse::<i64>()
        .ok()
        .filter(|_| amount_text.len() <= 18 && amount_text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| "AMOUNT must be minor units, digits only".to_string())?;
    let amount = Amount::from_minor(minor, currency).map_err(|e| e.to_string())?;
    Ok(Payment {
        order_id: order_id.to_string(),
        created: clock::rfc3339(clock::now_ms()),
        amount,
        auto_settle: get("AUTO_SETTLE_FLAG") == Some("1"),
        response_url: get("MERCHANT_RESPONSE_URL").map(str::to_string),
        algorithm,
        hpp_version: get("HPP_VERSION").map(str::to_string),
        customer_email: get("HPP_CUSTOMER_EMAIL").map(str::to_string),
        status: "open",
        pasref: String::new(),
        authcode: String::new(),
        rebated: 0,
    })
}

/// `POST /pay`: the HPP form; `303` to the payment page.
async fn hpp(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let fields = match parse_urlencoded(&body, MAX_FORM_BYTES) {
        Ok(f) => f,
        Err(e) => return error_page(&app, "", &format!("the form does not parse: {e}")),
    };
    let payment = match read_hpp(&app.config.elavon, &fields) {
        Ok(p) => p,
        Err(e) => return error_page(&app, "", &e),
    };
    let order = payment.order_id.clone();
    {
        let mut inner = app.lock();
        if inner
            .elavon
            .payments
            .get(&order)
            .is_some_and(|p| p.status != "open")
        {
            drop(inner);
            return error_page(&app, &order, &format!("ORDER_ID {order} was already used"));
        }
        inner.elavon.payments.insert(order.clone(), payment);
    }
    let page = format!("/pay/{order}");
    pay_page::open(&app, "elavon", &order, "HPP request accepted", &page)
}

async fn pay_page(AppState(app): AppState<Arc<App>>, Path(order): Path<String>) -> Response {
    let inner = app.lock();
    let Some(p) = inner.elavon.payments.get(&order) else {
        return pay_page::not_found("Elavon: unknown order", "Santander Elavon", "order");
    };
    let choice = if p.status == "open" {
        let buttons = Outcome::ALL.map(|o| {
            let (code, message) = o.result();
            let label = message.trim_start_matches("[ test system ] ");
            (o.as_str(), format!("{label} ({code})"))
        });
        pay_page::outcome_form(&format!("/pay/{}", p.order_id), "", buttons)
    } else {
        pay_page::status_line("order is already", p.status)
    };
    let settlement = if p.auto_settle {
        "automatic (AUTO_SETTLE_FLAG 1)"
    } else {
        "delayed: settle over Remote (AUTO_SETTLE_FLAG 0)"
    };
    let response_url = p.response_url.clone();
    let rows = [
        ("ORDER_ID", p.order_id.clone()),
        ("Amount", pay_page::amount(&p.amount)),
        ("Settlement", settlement.to_string()),
        (
            "Response to",
            response_url.unwrap_or_else(|| "(none: no MERCHANT_RESPONSE_URL)".into()),
        ),
        ("Signed with", p.algorithm.field().to_string()),
        (
            "HPP_VERSION",
            p.hpp_version.clone().unwrap_or_else(|| "(none: v1)".into()),
        ),
    ];
    pay_page::show(
        "Elavon payment (sandbox)",
        "<h1>Santander Elavon</h1>",
        &rows,
        &choice,
    )
}

async fn pay_submit(
    AppState(app): AppState<Arc<App>>,
    Path(order): Path<String>,
    body: Bytes,
) -> Response {
    let page = ("Elavon payment", "Santander Elavon");
    pay_page::submit(&body, MAX_FORM_BYTES, Outcome::parse, page, |outcome, _| {
        let paid = pay(&app, &order, outcome)?;
        let Some(url) = paid.response_url else {
            return Ok(pay_page::done(
                "Elavon payment done",
                "Santander Elavon",
                &format!("RESULT {}", paid.result),
                Some("No MERCHANT_RESPONSE_URL to send the response to."),
            ));
        };
        let mut form = format!(
            "<h1>Santander Elavon</h1><p>Sending the result to the shop…</p><form id=\"hpp-response\" method=\"post\" action=\"{}\">",
            esc(&url)
        );
        for (k, v) in &paid.response {
            form.push_str(&format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                esc(k),
                esc(v)
            ));
        }
        form.push_str("<noscript><button type=\"submit\">Continue</button></noscript></form><script>document.getElementById(\"hpp-response\").submit();</script>");
        Ok(html::respond(
            StatusCode::OK,
            "Elavon: returning to the shop",
            &form,
        ))
    })
}

/// What paying did.
#[derive(Debug, Serialize)]
pub(crate) struct Paid {
    pub order: String,
    pub outcome: &'static str,
    pub result: String,
    /// `MERCHANT_RESPONSE_URL`, where the browser posts `response`.
    pub response_url: Option<String>,
    /// The signed response fields, as the HPP posts them.
    pub response: Vec<(String, String)>,
}

/// The customer's choice: the order is authorised (and settled with `AUTO_SETTLE_FLAG 1`) or
/// declined, and the signed response is returned for the browser to post.
pub(crate) fn pay(app: &Arc<App>, order: &str, outcome: Outcome) -> Result<Paid, PayError> {
    let config = &app.config.elavon;
    let (result, message) = outcome.result();
    let (response, response_url) = {
        let mut inner = app.lock();
        let pasref = format!("{}{}", clock::now_ms(), inner.digits(6));
        let authcode = if outcome == Outcome::Authorised {
            inner.digits(6)
        } else {
            String::new()
        };
        let p = inner
            .elavon
            .payments
            .get_mut(order)
            .ok_or_else(|| PayError::unknown("Elavon"))?;
        if p.status != "open" {
            return Err(PayError::finished("Elavon", order, p.status));
        }
        p.status = match outcome {
            Outcome::Authorised if p.auto_settle => "settled",
            Outcome::Authorised => "authorised",
            _ => "declined",
        };
        p.pasref = pasref.clone();
        p.authcode = authcode.clone();
        let ts = timestamp();
        let digest = p.algorithm.hash(
            &response_fields(config, &ts, order, result, message, &pasref, &authcode),
            config.secret.expose(),
        );
        let response: Vec<(String, String)> = [
            ("MERCHANT_ID", config.merchant_id.as_str()),
            ("ACCOUNT", &config.account),
            ("ORDER_ID", order),
            ("TIMESTAMP", &ts),
            ("AMOUNT", &p.amount.minor().to_string()),
            ("AUTHCODE", &authcode),
            ("RESULT", result),
            ("MESSAGE", message),
            ("PASREF", &pasref),
            ("AVSPOSTCODERESULT", "M"),
            ("AVSADDRESSRESULT", "M"),
            ("CVNRESULT", "M"),
            (p.algorithm.field(), &digest),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        (response, p.response_url.clone())
    };
    app.note(
        "elavon",
        order,
        format!(
            "customer chose {}: RESULT {result}; the browser posts the response to the shop",
            outcome.as_str()
        ),
    );
    Ok(Paid {
        order: order.to_string(),
        outcome: outcome.as_str(),
        result: result.to_string(),
        response_url,
        response,
    })
}

fn escape(s: &str) -> String {
    html::esc(s)
}

/// What an HPP response or Remote reply is hashed over:
/// `timestamp.merchantid.orderid.result.message.pasref.authcode`.
fn response_fields<'a>(
    config: &'a ElavonConfig,
    ts: &'a str,
    order: &'a str,
    result: &'a str,
    message: &'a str,
    pasref: &'a str,
    authcode: &'a str,
) -> [&'a str; 7] {
    [
        ts,
        &config.merchant_id,
        order,
        result,
        message,
        pasref,
        authcode,
    ]
}

/// A Remote reply, hashed over `timestamp.merchantid.orderid.result.message.pasref.authcode`.
fn reply(
    config: &ElavonConfig,
    order: &str,
    result: &str,
    message: &str,
    pasref: &str,
    authcode: &str,
) -> Response {
    let ts = timestamp();
    let sha1 = elavon::hash(
        &response_fields(config, &ts, order, result, message, pasref, authcode),
        config.secret.expose(),
    );
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response timestamp=\"{ts}\"><merchantid>{}</merchantid><account>{}</account><orderid>{}</orderid><result>{}</result><message>{}</message><pasref>{}</pasref><authcode>{}</authcode><sha1hash>{sha1}</sha1hash></response>",
        escape(&config.merchant_id),
        escape(&config.account),
        escape(order),
        escape(result),
        escape(message),
        escape(pasref),
        escape(authcode),
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

/// `POST /remote`: `settle`, `void` or `rebate` on an order the HPP took. vpos-core reads the
/// request (`elavon::parse_remote_request`) and checks its `sha1hash`
/// (`timestamp.merchantid.orderid.amount.currency.`, amount and currency empty for a void) and,
/// for a rebate, its `refundhash` (`elavon::verify_remote_request`); then Elavon's rules: settle
/// an authorised order once, void an unsettled one, rebate a settled one up to what is left.
async fn remote(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    match remote_operation(&app, &body) {
        (answer, Some((order, what))) => {
            delivery::unless_reply_lost(&app, "elavon", &order, &what, answer).await
        }
        (answer, None) => answer,
    }
}

/// The Remote operation and its reply, with the order and operation when it was carried out
/// (whose reply the `lose-replies` fault may lose).
fn remote_operation(app: &App, body: &[u8]) -> (Response, Option<(String, String)>) {
    let config = &app.config.elavon;
    let request = match elavon::parse_remote_request(body) {
        Ok(request) => request,
        Err(e) => {
            app.note(
                "elavon",
                "",
                format!("Remote request refused: 501 {}", e.message()),
            );
            return (reply(config, "", "501", e.message(), "", ""), None);
        }
    };
    let kind = request.untrusted().kind;
    let order = request.untrusted().order_id.clone();
    let fail = |result: &str, message: String| {
        app.note(
            "elavon",
            &order,
            format!("Remote {} refused: {result} {message}", kind.as_str()),
        );
        (reply(config, &order, result, &message, "", ""), None)
    };
    if request.untrusted().merchant_id != config.merchant_id {
        return fail("501", "merchantid is not this sandbox's merchant".into());
    }
    let request = match elavon::verify_remote_request(
        request,
        config.secret.expose(),
        config.rebate_password.expose(),
    ) {
        Ok(request) => request,
        Err(e) if e.field() == Some("refundhash") => return fail("508", e.message().into()),
        Err(e) => return fail("505", e.message().into()),
    };
    let mut inner = app.lock();
    let Some(p) = inner.elavon.payments.get_mut(&order) else {
        drop(inner);
        return fail("501", format!("no order {order}"));
    };
    if request.pasref != p.pasref {
        drop(inner);
        return fail("508", "pasref does not match the order".into());
    }
    let minor = request.amount.map_or(0, Amount::minor);
    let same_currency = request
        .amount
        .is_some_and(|a| a.currency() == p.amount.currency());
    let outcome: Result<&'static str, (&'static str, String)> = match kind {
        RemoteKind::Settle if p.status == "authorised" => {
            if !same_currency || minor <= 0 || minor > p.amount.minor() {
                Err(("508", "the settle amount exceeds the authorisation".into()))
            } else {
                p.status = "settled";
                Ok("Settled Successfully")
            }
        }
        RemoteKind::Settle => Err(("508", format!("order is {}, not authorised", p.status))),
        RemoteKind::Void if p.status == "authorised" || p.status == "settled" && p.rebated == 0 => {
            p.status = "voided";
            Ok("Voided Successfully")
        }
        RemoteKind::Void => Err(("508", format!("order is {}, nothing to void", p.status))),
        RemoteKind::Rebate if p.status != "settled" => {
            Err(("508", format!("order is {}, not settled", p.status)))
        }
        RemoteKind::Rebate => {
            if !same_currency || minor <= 0 || minor > p.amount.minor() - p.rebated {
                Err(("508", "the rebate exceeds what is left to refund".into()))
            } else {
                p.rebated += minor;
                Ok("Rebated Successfully")
            }
        }
    };
    let (pasref, authcode) = (p.pasref.clone(), p.authcode.clone());
    drop(inner);
    match outcome {
        Ok(message) => {
            app.note(
                "elavon",
                &order,
                format!("Remote {} accepted", kind.as_str()),
            );
            let what = format!("Remote {}", kind.as_str());
            let answer = reply(config, &order, "00", message, &pasref, &authcode);
            (answer, Some((order.clone(), what)))
        }
        Err((code, message)) => fail(code, message),
    }
}

/// The orders, newest first.
pub(crate) fn orders(inner: &Inner) -> Vec<serde_json::Value> {
    inner
        .elavon
        .payments
        .values()
        .rev()
        .map(|p| {
            serde_json::json!({
                "gateway": "elavon",
                "order": p.order_id,
                "amount": p.amount,
                "status": p.status,
                "pasref": p.pasref,
                "rebated_minor": p.rebated,
                "created": p.created,
                "payment_page": format!("/pay/{}", p.order_id),
                "response_url": p.response_url,
                "hash_field": p.algorithm.field(),
                "hpp_version": p.hpp_version,
                "customer_email": p.customer_email,
            })
        })
        .collect()
}

//! PayPal Website Payments Standard at its real path: `POST /cgi-bin/webscr` takes both the
//! "Buy Now" form (`cmd=_xclick`, opens the payment page) and the IPN post-back
//! (`cmd=_notify-validate`, answers `VERIFIED` only for a body this sandbox sent, byte for
//! byte). The IPN goes to `notify_url` and is resent, as PayPal does, until the shop answers
//! HTTP 200: up to 15 resends with a growing interval (÷ `--time-scale`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AppState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use vpos_core::form::{encode_urlencoded, parse_urlencoded};
use vpos_core::{Amount, Currency};

use crate::app::{App, Bounded, Inner, MAX_PAYMENTS, PayError};
use crate::clock;
use crate::delivery::{self, Delivery, Policy};
use crate::html::{self, esc};
use crate::pay_page;

const MAX_FORM_BYTES: usize = 64 * 1024;

/// Attempts in all: the first IPN and PayPal's 15 resends.
pub(crate) const IPN_ATTEMPTS: u32 = 16;
/// PayPal time before the first resend; it doubles after each one.
const FIRST_RESEND: Duration = Duration::from_secs(60);
/// The longest PayPal time between two resends (15 resends then span about four days).
const LONGEST_RESEND: Duration = Duration::from_secs(8 * 3600);
/// Most IPN bodies remembered for the post-back.
const MAX_SENT: usize = 20_000;

/// PayPal's side of the sandbox.
pub(crate) struct State {
    /// Payments by the sandbox's own id (PayPal's checkout token).
    pub payments: Bounded<Payment>,
    /// Every IPN body sent, for `_notify-validate`.
    pub sent: Bounded<()>,
    /// The first NVP answer to each `MSGSUBID`, repeated to a request that repeats it.
    pub answered: Bounded<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            payments: Bounded::new(MAX_PAYMENTS),
            sent: Bounded::new(MAX_SENT),
            answered: Bounded::new(MAX_PAYMENTS),
        }
    }
}

/// One "Buy Now" form.
pub(crate) struct Payment {
    pub id: String,
    pub invoice: String,
    pub created: String,
    pub item_name: String,
    pub amount: Amount,
    pub custom: Option<String>,
    pub notify_url: Option<String>,
    pub return_url: Option<String>,
    pub cancel_url: Option<String>,
    pub status: &'static str,
    pub txn_id: Option<String>,
    /// A pending payment completes at this time (ms since the epoch, real time), when its
    /// `Completed` IPN is due.
    pub completes_at_ms: Option<u64>,
    /// Refunded so far, minor units (NVP `RefundTransaction`).
    pub refunded: i64,
    /// Each refund, oldest first: `TransactionSearch` lists them under their own ids.
    pub refunds: Vec<crate::paypal_nvp::Refund>,
}

impl Payment {
    /// The sale's `PAYMENTSTATUS` now, as `GetTransactionDetails` reports it.
    pub fn payment_status(&self) -> Option<&'static str> {
        let completed = match self.status {
            "completed" => true,
            "pending" => self.completes_at_ms.is_some_and(|at| clock::now_ms() >= at),
            "denied" => return Some("Denied"),
            _ => return None,
        };
        Some(match (completed, self.refunded) {
            (false, _) => "Pending",
            (true, 0) => "Completed",
            (true, r) if r >= self.amount.minor() => "Refunded",
            (true, _) => "Partially-Refunded",
        })
    }
}

/// What the buyer chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `Completed`.
    Completed,
    /// `Pending` now, `Completed` after `paypal.pending_seconds`.
    Pending,
    /// `Denied`.
    Denied,
    /// The buyer cancels: no IPN, back to `cancel_return`.
    Cancelled,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Completed,
        Outcome::Pending,
        Outcome::Denied,
        Outcome::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Pending => "pending",
            Outcome::Denied => "denied",
            Outcome::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "completed" | "paid" => Some(Outcome::Completed),
            "pending" => Some(Outcome::Pending),
            "denied" | "declined" => Some(Outcome::Denied),
            "cancelled" | "canceled" => Some(Outcome::Cancelled),
            _ => None,
        }
    }

    fn button(self) -> &'static str {
        match self {
            Outcome::Completed => "Pay now (IPN Completed)",
            Outcome::Pending => "Pending, completed later (IPN Pending, then Completed)",
            Outcome::Denied => "Denied (IPN Denied)",
            Outcome::Cancelled => "Cancel and return to the shop (no IPN)",
        }
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/cgi-bin/webscr", post(webscr))
        .route("/cgi-bin/webscr/pay/{id}", get(pay_page).post(pay_submit))
}

fn error_page(app: &App, order: &str, message: &str) -> Response {
    app.note("paypal", order, format!("refused: {message}"));
    html::respond(
        StatusCode::BAD_REQUEST,
        "PayPal: error",
        &format!(
            "<h1>PayPal</h1><p class=\"errors\" id=\"paypal-error\">{}</p>",
            esc(message)
        ),
    )
}

/// `POST /cgi-bin/webscr`: the post-back when the body starts with `cmd=_notify-validate`,
/// otherwise the checkout form.
async fn webscr(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    if let Some(rest) = body.strip_prefix(b"cmd=_notify-validate&".as_slice()) {
        return validate(&app, rest);
    }
    let fields = match parse_urlencoded(&body, MAX_FORM_BYTES) {
        Ok(f) => f,
        Err(e) => return error_page(&app, "", &format!("the form does not parse: {e}")),
    };
    match read_checkout(&app, &fields) {
        Ok(id) => html::see_other(&format!("/cgi-bin/webscr/pay/{id}")),
        Err(e) => error_page(&app, "", &e),
    }
}

fn read_checkout(app: &App, fields: &[(String, String)]) -> Result<String, String> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let req = |name: &str| get(name).ok_or_else(|| format!("{name} is missing"));
    let cmd = req("cmd")?;
    if cmd != "_xclick" {
        return Err(format!(
            "cmd {cmd:?}: the sandbox takes Buy Now forms (_xclick) and post-backs (_notify-validate)"
        ));
    }
    let business = req("business")?;
    if !business.eq_ignore_ascii_case(&app.config.paypal.business) {
        return Err(format!(
            "business {business:?}: this sandbox plays PayPal for {} (paypal.business)",
            app.config.paypal.business
        ));
    }
    let currency = Currency::from_code(&req("currency_code")?).map_err(|e| e.to_string())?;
    let amount = Amount::parse(&req("amount")?, currency).map_err(|e| format!("amount: {e}"))?;
    if amount.minor() <= 0 {
        return Err("amount must be greater than zero".into());
    }
    let invoice = req("invoice")?;
    let mut inner = app.lock();
    if inner
        .paypal
        .payments
        .values()
        .any(|p| p.invoice == invoice && p.status != "open" && p.status != "cancelled")
    {
        return Err(format!(
            "invoice {invoice} was already paid: PayPal refuses a repeated invoice id"
        ));
    }
    let id = inner.id();
    inner.paypal.payments.insert(
        id.clone(),
        Payment {
            id: id.clone(),
            invoice: invoice.clone(),
            created: clock::rfc3339(clock::now_ms()),
            item_name: get("item_name").unwrap_or_default(),
            amount,
            custom: get("custom"),
            notify_url: get("notify_url"),
            return_url: get("return"),
            cancel_url: get("cancel_return"),
            status: "open",
            txn_id: None,
            completes_at_ms: None,
            refunded: 0,
            refunds: Vec::new(),
        },
    );
    drop(inner);
    app.note(
        "paypal",
        &invoice,
        format!("checkout accepted; payment page /cgi-bin/webscr/pay/{id}"),
    );
    Ok(id)
}

/// `cmd=_notify-validate&<body>`: `VERIFIED` when `<body>` is byte for byte an IPN this
/// sandbox sent, `INVALID` otherwise; HTTP 500 while the `postback-fail` fault lasts.
fn validate(app: &App, rest: &[u8]) -> Response {
    let text = String::from_utf8_lossy(rest).into_owned();
    let invoice = parse_urlencoded(rest, MAX_FORM_BYTES)
        .ok()
        .and_then(|f| f.into_iter().find(|(k, _)| k == "invoice").map(|(_, v)| v));
    let mut inner = app.lock();
    if delivery::postback_fails(&mut inner, "paypal", invoice.as_deref(), "post-back") {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "post-back failure (fault)\n",
        )
            .into_response();
    }
    let verified = inner.paypal.sent.get(&text).is_some();
    drop(inner);
    app.log(crate::events::Event::note(
        Some("paypal"),
        invoice.as_deref(),
        if verified {
            "post-back VERIFIED: the body is an IPN this sandbox sent".into()
        } else {
            "post-back INVALID: the body is not, byte for byte, an IPN this sandbox sent".into()
        },
    ));
    (
        StatusCode::OK,
        if verified { "VERIFIED" } else { "INVALID" },
    )
        .into_response()
}

async fn pay_page(AppState(app): AppState<Arc<App>>, Path(id): Path<String>) -> Response {
    let inner = app.lock();
    let Some(p) = inner.paypal.payments.get(&id) else {
        return pay_page::not_found("PayPal: unknown payment", "PayPal", "payment");
    };
    let choice = if p.status == "open" {
        pay_page::outcome_form(
            &format!("/cgi-bin/webscr/pay/{}", p.id),
            "",
            Outcome::ALL.map(|o| (o.as_str(), o.button().to_string())),
        )
    } else {
        pay_page::status_line("payment is already", p.status)
    };
    let intro = format!(
        "<h1>PayPal</h1><p>Pay <strong>{}</strong></p>",
        esc(&app.config.paypal.business)
    );
    let notify_url = p.notify_url.clone();
    let rows = [
        ("Invoice", p.invoice.clone()),
        ("Item", p.item_name.clone()),
        ("Amount", pay_page::amount(&p.amount)),
        (
            "IPN to",
            notify_url.unwrap_or_else(|| "(none: no notify_url)".into()),
        ),
    ];
    pay_page::show("PayPal payment (sandbox)", &intro, &rows, &choice)
}

async fn pay_submit(
    AppState(app): AppState<Arc<App>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let page = ("PayPal payment", "PayPal");
    pay_page::submit(&body, MAX_FORM_BYTES, Outcome::parse, page, |outcome, _| {
        Ok(match pay(&app, Select::Id(&id), outcome)? {
            Paid {
                redirect: Some(url),
                ..
            } => html::see_other(&url),
            paid => pay_page::done(
                "PayPal payment done",
                "PayPal",
                &format!("Invoice {}: {}.", paid.order, paid.outcome),
                Some("No return URL was given."),
            ),
        })
    })
}

/// Which payment: the page's id, or (for `/_sandbox/pay`) the newest open one with an invoice.
pub(crate) enum Select<'a> {
    Id(&'a str),
    Invoice(&'a str),
}

/// What paying did.
#[derive(Debug, Serialize)]
pub(crate) struct Paid {
    pub order: String,
    pub outcome: &'static str,
    pub txn_id: Option<String>,
    /// `return` (completed, pending) or `cancel_return`.
    pub redirect: Option<String>,
}

/// The IPN body, in the field order of PayPal's own `web_accept` IPNs, `charset=UTF-8`.
fn ipn_body(
    business: &str,
    p: &Payment,
    txn_id: &str,
    payment_status: &str,
    track: &str,
) -> String {
    let fields = ipn_fields(business, p, txn_id, payment_status, track);
    encode_urlencoded(fields.iter().map(|(k, v)| (*k, v.as_str())))
}

/// The IPN of a refund: a transaction of its own (`txn_id` the refund's, `parent_txn_id` the
/// sale's), `payment_status=Refunded`, `mc_gross` negative, `reason_code=refund`.
pub(crate) fn refund_ipn_body(
    business: &str,
    p: &Payment,
    refund_id: &str,
    gross: &str,
    track: &str,
) -> String {
    let mut fields = ipn_fields(business, p, refund_id, "Refunded", track);
    for (k, v) in fields.iter_mut() {
        if *k == "mc_gross" {
            *v = format!("-{gross}");
        }
    }
    fields.push(("parent_txn_id", p.txn_id.clone().unwrap_or_default()));
    fields.push(("reason_code", "refund".into()));
    encode_urlencoded(fields.iter().map(|(k, v)| (*k, v.as_str())))
}

fn ipn_fields(
    business: &str,
    p: &Payment,
    txn_id: &str,
    payment_status: &str,
    track: &str,
) -> Vec<(&'static str, String)> {
    // PayPal writes HUF, JPY and TWD in whole units ("1000", not "1000.00"); the form the
    // sandbox accepted already holds whole units for those, so formatting cannot fail here.
    let gross = vpos_core::gateways::paypal::format_amount(p.amount)
        .unwrap_or_else(|_| p.amount.to_decimal_string());
    let c = clock::civil(clock::now_ms());
    let date = format!(
        "{:02}:{:02}:{:02} {} {:02}, {:04} GMT",
        c.hour,
        c.minute,
        c.second,
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
        ][(c.month.clamp(1, 12) - 1) as usize],
        c.day,
        c.year
    );
    let mut fields: Vec<(&'static str, String)> = vec![
        ("mc_gross", gross.clone()),
        ("invoice", p.invoice.clone()),
        ("protection_eligibility", "Eligible".into()),
        ("payer_id", "SANDBOXPAYER1".into()),
        ("payment_date", date),
        ("payment_status", payment_status.into()),
        ("charset", "UTF-8".into()),
        ("first_name", "Sandbox".into()),
        ("notify_version", "3.9".into()),
        ("payer_status", "verified".into()),
        ("business", business.into()),
        ("quantity", "1".into()),
        ("payer_email", "buyer@sandbox.example".into()),
        ("txn_id", txn_id.into()),
        ("payment_type", "instant".into()),
        ("last_name", "Buyer".into()),
        ("receiver_email", business.into()),
        ("txn_type", "web_accept".into()),
        ("item_name", p.item_name.clone()),
        ("mc_currency", p.amount.currency().code().into()),
        ("residence_country", "ES".into()),
        ("test_ipn", "1".into()),
        ("ipn_track_id", track.into()),
    ];
    if payment_status == "Pending" {
        fields.push(("pending_reason", "echeck".into()));
    }
    if let Some(custom) = &p.custom {
        fields.push(("custom", custom.clone()));
    }
    fields
}

/// Records and delivers one IPN after `after`.
pub(crate) fn send_ipn(
    app: &Arc<App>,
    p_invoice: &str,
    url: Option<String>,
    body: String,
    status: &str,
    after: Duration,
) {
    app.lock().paypal.sent.insert(body.clone(), ());
    let Some(url) = url else {
        app.note(
            "paypal",
            p_invoice,
            format!("IPN {status} not sent: the form had no notify_url"),
        );
        return;
    };
    delivery::dispatch(
        app,
        Delivery {
            gateway: "paypal",
            order: p_invoice.to_string(),
            label: format!("IPN {status}"),
            url,
            content_type: "application/x-www-form-urlencoded",
            body,
            policy: Policy {
                max_attempts: IPN_ATTEMPTS,
                interval: app.scaled(FIRST_RESEND),
                backoff_to: Some(app.scaled(LONGEST_RESEND)),
                accepts: delivery::http_200_accepts,
            },
            signer: None,
        },
        after,
    );
}

/// Does what clicking an outcome does.
pub(crate) fn pay(app: &Arc<App>, select: Select<'_>, outcome: Outcome) -> Result<Paid, PayError> {
    let business = app.config.paypal.business.clone();
    let (invoice, notify_url, ipns, redirect, txn) = {
        let mut inner = app.lock();
        let txn_id = inner.random_from(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", 17);
        let track = inner.random_from(b"0123456789abcdef", 13);
        let track2 = inner.random_from(b"0123456789abcdef", 13);
        let id = match select {
            Select::Id(id) => id.to_string(),
            Select::Invoice(invoice) => inner
                .paypal
                .payments
                .values()
                .rev()
                .find(|p| p.invoice == invoice && p.status == "open")
                .map(|p| p.id.clone())
                .ok_or_else(|| PayError::unknown("PayPal"))?,
        };
        let p = inner
            .paypal
            .payments
            .get_mut(&id)
            .ok_or_else(|| PayError::unknown("PayPal"))?;
        if p.status != "open" {
            return Err(PayError::finished("PayPal", &p.invoice, p.status));
        }
        let mut ipns = Vec::new();
        let redirect = match outcome {
            Outcome::Completed => {
                p.status = "completed";
                ipns.push((
                    "Completed",
                    ipn_body(&business, p, &txn_id, "Completed", &track),
                ));
                p.return_url.clone()
            }
            Outcome::Pending => {
                p.status = "pending";
                let later = Duration::from_secs(app.config.paypal.pending_seconds);
                let later_ms = u64::try_from(app.scaled(later).as_millis()).unwrap_or(u64::MAX);
                p.completes_at_ms = Some(clock::now_ms().saturating_add(later_ms));
                ipns.push((
                    "Pending",
                    ipn_body(&business, p, &txn_id, "Pending", &track),
                ));
                ipns.push((
                    "Completed",
                    ipn_body(&business, p, &txn_id, "Completed", &track2),
                ));
                p.return_url.clone()
            }
            Outcome::Denied => {
                p.status = "denied";
                ipns.push(("Denied", ipn_body(&business, p, &txn_id, "Denied", &track)));
                p.return_url.clone()
            }
            Outcome::Cancelled => {
                p.status = "cancelled";
                p.cancel_url.clone().or_else(|| p.return_url.clone())
            }
        };
        let txn = (outcome != Outcome::Cancelled).then(|| txn_id.clone());
        p.txn_id = txn.clone();
        (p.invoice.clone(), p.notify_url.clone(), ipns, redirect, txn)
    };
    app.note(
        "paypal",
        &invoice,
        format!("buyer chose {}", outcome.as_str()),
    );
    let later = app.scaled(Duration::from_secs(app.config.paypal.pending_seconds));
    // The reorder fault sends the Completed IPN first and the stale Pending one after it.
    let reorder = ipns.len() > 1 && app.lock().faults.config.reorder;
    for (i, (status, body)) in ipns.into_iter().enumerate() {
        let after = if (i == 0) != reorder {
            Duration::ZERO
        } else {
            later
        };
        send_ipn(app, &invoice, notify_url.clone(), body, status, after);
    }
    Ok(Paid {
        order: invoice,
        outcome: outcome.as_str(),
        txn_id: txn,
        redirect,
    })
}

/// The payments, newest first.
pub(crate) fn orders(inner: &Inner) -> Vec<serde_json::Value> {
    inner
        .paypal
        .payments
        .values()
        .rev()
        .map(|p| {
            serde_json::json!({
                "gateway": "paypal",
                "order": p.invoice,
                "amount": p.amount,
                "status": p.status,
                "txn_id": p.txn_id,
                "refunded_minor": p.refunded,
                "created": p.created,
                "payment_page": format!("/cgi-bin/webscr/pay/{}", p.id),
                "notify_url": p.notify_url,
            })
        })
        .collect()
}

//! FloCash at its real paths: `POST /ecom/ecommerce.do` (the checkout form), the hosted payment
//! page, the notification POSTed to the shop's `notify_url` with hourly retries, and
//! `POST /validateNotify.do` (the post-back).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AppState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use vpos_core::form::{encode_urlencoded, parse_urlencoded};
use vpos_core::gateways::flocash::{self, Customer, Order, PublicConfig};
use vpos_core::{Amount, Currency};

use crate::app::{App, Bounded, Inner, MAX_PAYMENTS, PayError};
use crate::clock;
use crate::delivery::{self, Delivery, FLOCASH_ATTEMPTS, Policy};
use crate::events::Event;
use crate::html::{self, esc};
use crate::pay_page;

/// Largest checkout form or post-back accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Most notifications remembered for `validateNotify.do`.
const MAX_SENT: usize = 50_000;

/// FloCash's retry interval, in FloCash time.
const RETRY_INTERVAL: Duration = Duration::from_secs(3600);

/// The fields of the checkout form as FloCash documents them ("HTML Form Integration").
const DOCUMENTED: &[&str] = &[
    "merchant_name",
    "image_url",
    "return_url",
    "cancel_url",
    "notify_url",
    "merchant",
    "custom",
    "order_id",
    "amount",
    "item_name",
    "item_price",
    "currency_code",
    "quantity",
    "country",
    "user_firstName",
    "user_lastName",
    "user_address",
    "user_city",
    "user_state",
    "user_postalCode",
    "user_email",
    "user_mobile",
    "payment_option",
];

/// FloCash's side of the sandbox.
pub(crate) struct State {
    /// Checkouts by session id.
    pub sessions: Bounded<Session>,
    /// Every notification sent, by `fpn_id`, for the post-back.
    pub sent: Bounded<Vec<(String, String)>>,
}

impl Default for State {
    fn default() -> Self {
        State {
            sessions: Bounded::new(MAX_PAYMENTS),
            sent: Bounded::new(MAX_SENT),
        }
    }
}

/// Where a checkout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// On the payment page, no choice made yet.
    Open,
    Paid,
    /// `0004` sent, `0000` to follow.
    Pending,
    Declined,
    Cancelled,
    Aborted,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Paid => "paid",
            Status::Pending => "pending",
            Status::Declined => "declined",
            Status::Cancelled => "cancelled",
            Status::Aborted => "aborted",
        }
    }
}

/// What the customer chooses on the payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `0000`.
    Paid,
    /// `0004` now, `0000` after `pending_seconds`.
    Pending,
    /// `0003`, not authorised.
    Declined,
    /// `0002`, cancelled by the customer.
    Cancelled,
    /// `0001`, aborted.
    Aborted,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Paid,
        Outcome::Pending,
        Outcome::Declined,
        Outcome::Cancelled,
        Outcome::Aborted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Pending => "pending",
            Outcome::Declined => "declined",
            Outcome::Cancelled => "cancelled",
            Outcome::Aborted => "aborted",
        }
    }

    /// Reads an outcome by name or by its status code.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "paid" | "success" | "0000" => Some(Outcome::Paid),
            "pending" | "0004" => Some(Outcome::Pending),
            "declined" | "not_authorized" | "0003" => Some(Outcome::Declined),
            "cancelled" | "canceled" | "0002" => Some(Outcome::Cancelled),
            "aborted" | "0001" => Some(Outcome::Aborted),
            _ => None,
        }
    }

    /// The status of the (first) notification.
    fn code(self) -> &'static str {
        match self {
            Outcome::Paid => "0000",
            Outcome::Aborted => "0001",
            Outcome::Cancelled => "0002",
            Outcome::Declined => "0003",
            Outcome::Pending => "0004",
        }
    }

    fn status(self) -> Status {
        match self {
            Outcome::Paid => Status::Paid,
            Outcome::Pending => Status::Pending,
            Outcome::Declined => Status::Declined,
            Outcome::Cancelled => Status::Cancelled,
            Outcome::Aborted => Status::Aborted,
        }
    }

    fn button(self) -> &'static str {
        match self {
            Outcome::Paid => "Pay: success (0000)",
            Outcome::Pending => "Pending, paid later (0004, then 0000)",
            Outcome::Declined => "Decline: not authorised (0003)",
            Outcome::Cancelled => "Cancel (0002)",
            Outcome::Aborted => "Abort (0001)",
        }
    }
}

/// Payment channels the page offers (`payment_channel`).
const CHANNELS: [&str; 3] = ["Card", "Mobile", "Wallet"];

/// One checkout.
pub(crate) struct Session {
    pub id: String,
    pub created: String,
    pub order: Order,
    pub merchant: String,
    pub merchant_name: String,
    pub total: Amount,
    pub warnings: Vec<String>,
    /// FloCash's transaction id, shared by the `0004` and the `0000` of one payment.
    pub trans_id: String,
    pub status: Status,
    pub channel: String,
    /// The order's `notify_url`, else the configured default.
    pub notify_url: Option<String>,
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/ecom/ecommerce.do", post(checkout_post).get(checkout_get))
        .route("/ecom/pay/{id}", get(pay_page).post(pay_submit))
        .route("/validateNotify.do", post(validate_notify))
}

/// One problem with a posted form, in the core's terms.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldError {
    pub code: String,
    pub field: Option<String>,
    pub message: String,
}

impl From<vpos_core::Error> for FieldError {
    fn from(e: vpos_core::Error) -> Self {
        FieldError {
            code: e.code().as_str().to_string(),
            field: e.field().map(str::to_string),
            message: e.message().to_string(),
        }
    }
}

impl FieldError {
    fn missing(field: &str) -> FieldError {
        FieldError {
            code: "field_missing".into(),
            field: Some(field.into()),
            message: format!("{field} is required"),
        }
    }

    fn on(field: &str, e: vpos_core::Error) -> FieldError {
        let e = if e.field().is_none() {
            e.with_field(field.to_string())
        } else {
            e
        };
        e.into()
    }

    pub fn item_html(&self) -> String {
        format!(
            "<li data-code=\"{code}\" data-field=\"{field}\"><strong>{field_text}</strong> <code>{code}</code>: {message}</li>",
            code = esc(&self.code),
            field = esc(self.field.as_deref().unwrap_or("")),
            field_text = esc(self.field.as_deref().unwrap_or("(form)")),
            message = esc(&self.message),
        )
    }
}

async fn checkout_post(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return html::respond(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "FloCash checkout refused",
            &format!(
                "<h1>FloCash: checkout refused</h1><p>The checkout form must be posted as \
                 <code>application/x-www-form-urlencoded</code>, not <code>{}</code>.</p>",
                esc(content_type)
            ),
        );
    }
    checkout(&app, &body)
}

/// FloCash accepts the checkout form by GET as well.
async fn checkout_get(AppState(app): AppState<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    checkout(&app, query.unwrap_or_default().as_bytes())
}

fn checkout(app: &Arc<App>, raw: &[u8]) -> Response {
    let pairs = match parse_urlencoded(raw, MAX_BODY_BYTES) {
        Ok(p) => p,
        Err(e) => return refused(app, &[], &[FieldError::from(e)]),
    };
    let accepted = match read_checkout(app, &pairs) {
        Ok(a) => a,
        Err(errors) => return refused(app, &pairs, &errors),
    };
    let order_id = accepted.order.order_id.clone();
    let notify_url = accepted
        .order
        .notify_url
        .clone()
        .or_else(|| app.config.flocash.notify_url.clone());
    let id = {
        let mut inner = app.lock();
        let id = inner.id();
        let trans_id = format!("T{}", inner.digits(15));
        inner.flocash.sessions.insert(
            id.clone(),
            Session {
                id: id.clone(),
                created: clock::rfc3339(clock::now_ms()),
                order: accepted.order,
                merchant: accepted.merchant,
                merchant_name: accepted.merchant_name,
                total: accepted.total,
                warnings: accepted.warnings,
                trans_id,
                status: Status::Open,
                channel: CHANNELS[0].into(),
                notify_url,
            },
        );
        id
    };
    let page = format!("/ecom/pay/{id}");
    pay_page::open(app, "flocash", &order_id, "checkout accepted", &page)
}

fn refused(app: &App, pairs: &[(String, String)], errors: &[FieldError]) -> Response {
    let order = pairs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("order_id"))
        .map_or("", |(_, v)| v.as_str());
    let summary: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.field.as_deref().unwrap_or("(form)"), e.code))
        .collect();
    app.note(
        "flocash",
        order,
        format!("checkout refused: {}", summary.join(", ")),
    );
    let mut body = String::from(
        "<h1>FloCash: checkout refused</h1><p>The form posted to <code>/ecom/ecommerce.do</code> \
         breaks vpos-core's FloCash rules:</p><ul class=\"errors\">",
    );
    for e in errors {
        body.push_str(&e.item_html());
    }
    body.push_str("</ul>");
    if !pairs.is_empty() {
        body.push_str("<h2>Fields received</h2>");
        let rows: Vec<(&str, String)> =
            pairs.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        body.push_str(&html::rows(&rows));
    }
    html::respond(StatusCode::BAD_REQUEST, "FloCash checkout refused", &body)
}

/// A checkout that passed the core's rules.
struct Accepted {
    order: Order,
    merchant: String,
    merchant_name: String,
    total: Amount,
    warnings: Vec<String>,
}

fn is_extra(name: &str) -> bool {
    name.get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("flo_user_"))
}

/// Rebuilds the posted form as a vpos-core [`Order`] and validates it with the core's rules
/// (`checkout_public`), collecting what can be collected before the core's first error.
fn read_checkout(app: &App, pairs: &[(String, String)]) -> Result<Accepted, Vec<FieldError>> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    };
    let opt = |name: &str| get(name).map(str::to_string);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (name, _) in pairs {
        if is_extra(name) {
            continue;
        }
        match DOCUMENTED.iter().find(|d| d.eq_ignore_ascii_case(name)) {
            Some(d) if *d != name => warnings.push(format!(
                "{name}: FloCash documents this field as {d} (accepted)"
            )),
            Some(_) => {}
            None => warnings.push(format!("{name}: not a FloCash checkout field (ignored)")),
        }
    }

    let configured = &app.config.flocash.merchant;
    let merchant = get("merchant");
    match merchant {
        None => errors.push(FieldError::missing("merchant")),
        Some(m) if m != configured => errors.push(FieldError {
            code: "unknown_merchant".into(),
            field: Some("merchant".into()),
            message: format!(
                "this sandbox plays FloCash for merchant {configured:?}, not {m:?} (set flocash.merchant with --config)"
            ),
        }),
        Some(_) => {}
    }
    let merchant_name = get("merchant_name");
    match merchant_name {
        None => errors.push(FieldError::missing("merchant_name")),
        Some(n) if n.chars().count() > 100 => errors.push(FieldError {
            code: "field_too_long".into(),
            field: Some("merchant_name".into()),
            message: "merchant_name is at most 100 characters".into(),
        }),
        Some(_) => {}
    }
    for field in ["order_id", "custom", "item_name"] {
        if get(field).is_none() {
            errors.push(FieldError::missing(field));
        }
    }
    let currency = match get("currency_code") {
        None => {
            errors.push(FieldError::missing("currency_code"));
            None
        }
        Some(code) => match Currency::from_code(code) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(FieldError::on("currency_code", e));
                None
            }
        },
    };
    let mut money = |field: &str| -> Option<Amount> {
        let value = match get(field) {
            None => {
                errors.push(FieldError::missing(field));
                return None;
            }
            Some(v) => v,
        };
        match Amount::parse(value, currency?) {
            Ok(a) => Some(a),
            Err(e) => {
                errors.push(FieldError::on(field, e));
                None
            }
        }
    };
    let item_price = money("item_price");
    let amount = money("amount");
    let quantity = match get("quantity") {
        None => {
            errors.push(FieldError::missing("quantity"));
            None
        }
        Some(q) => match q.parse::<u32>() {
            Ok(n) if q.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => {
                errors.push(FieldError {
                    code: "field_invalid".into(),
                    field: Some("quantity".into()),
                    message: format!("quantity must be a whole number, not {q:?}"),
                });
                None
            }
        },
    };
    let (Some(merchant), Some(merchant_name), Some(item_price), Some(amount), Some(quantity)) =
        (merchant, merchant_name, item_price, amount, quantity)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let order = Order {
        order_id: opt("order_id").unwrap_or_default(),
        custom: opt("custom").unwrap_or_default(),
        item_name: opt("item_name").unwrap_or_default(),
        item_price,
        quantity,
        amount: Some(amount),
        country: opt("country"),
        payment_option: opt("payment_option"),
        customer: Customer {
            first_name: opt("user_firstName"),
            last_name: opt("user_lastName"),
            address: opt("user_address"),
            city: opt("user_city"),
            state: opt("user_state"),
            postal_code: opt("user_postalCode"),
            email: opt("user_email"),
            mobile: opt("user_mobile"),
        },
        image_url: opt("image_url"),
        return_url: opt("return_url"),
        cancel_url: opt("cancel_url"),
        notify_url: opt("notify_url"),
        extra: pairs.iter().filter(|(n, _)| is_extra(n)).cloned().collect(),
    };
    let public = PublicConfig {
        merchant: merchant.to_string(),
        merchant_name: merchant_name.to_string(),
        checkout_url: format!("{}/ecom/ecommerce.do", app.base_url),
        image_url: None,
        return_url: None,
        cancel_url: None,
        notify_url: None,
    };
    flocash::checkout_public(&public, &order).map_err(|e| vec![FieldError::from(e)])?;

    let expected = item_price.minor().checked_mul(i64::from(quantity));
    if expected != Some(amount.minor()) {
        warnings.push(format!(
            "amount {} differs from item_price × quantity ({} × {quantity}); FloCash charges amount",
            amount.to_decimal_string(),
            item_price.to_decimal_string()
        ));
    }
    if order.notify_url.is_none() && app.config.flocash.notify_url.is_none() {
        warnings.push(
            "no notify_url in the form and none configured (flocash.notify_url): no notification will be sent"
                .into(),
        );
    }
    Ok(Accepted {
        order,
        merchant: merchant.to_string(),
        merchant_name: merchant_name.to_string(),
        total: amount,
        warnings,
    })
}

async fn pay_page(AppState(app): AppState<Arc<App>>, Path(id): Path<String>) -> Response {
    let inner = app.lock();
    let Some(s) = inner.flocash.sessions.get(&id) else {
        return pay_page::not_found("Unknown payment", "FloCash", "payment");
    };
    let mut choice = html::list("warnings", &s.warnings);
    if s.status == Status::Open {
        let mut channels = String::from("<p><label>Payment channel <select name=\"channel\">");
        for c in CHANNELS {
            channels.push_str(&format!("<option>{c}</option>"));
        }
        channels.push_str("</select></label></p>");
        choice.push_str(&pay_page::outcome_form(
            &format!("/ecom/pay/{}", s.id),
            &channels,
            Outcome::ALL.map(|o| (o.as_str(), o.button().to_string())),
        ));
    } else {
        choice.push_str(&pay_page::status_line(
            "payment is already",
            s.status.as_str(),
        ));
    }
    let intro = format!(
        "<h1>FloCash</h1><p>Pay <strong id=\"merchant-name\">{}</strong></p>",
        esc(&s.merchant_name)
    );
    let o = &s.order;
    let currency = s.total.currency().code();
    let notify_url = s.notify_url.clone();
    let rows = [
        ("Order", o.order_id.clone()),
        ("Item", o.item_name.clone()),
        ("Quantity", o.quantity.to_string()),
        (
            "Item price",
            format!("{} {currency}", o.item_price.to_decimal_string()),
        ),
        ("Total", pay_page::amount(&s.total)),
        ("Custom", o.custom.clone()),
        (
            "Notification to",
            notify_url.unwrap_or_else(|| "(none: no notify_url)".into()),
        ),
    ];
    pay_page::show("FloCash payment (sandbox)", &intro, &rows, &choice)
}

async fn pay_submit(
    AppState(app): AppState<Arc<App>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let page = ("FloCash payment", "FloCash");
    pay_page::submit(
        &body,
        MAX_BODY_BYTES,
        Outcome::parse,
        page,
        |outcome, pairs| {
            let channel = pay_page::field(pairs, "channel");
            let paid = pay(&app, Select::Session(&id), outcome, channel)?;
            Ok(match paid.redirect {
                Some(url) => html::see_other(&url),
                None => pay_page::done(
                    "FloCash payment done",
                    "FloCash",
                    &format!("Payment {}: status {}.", paid.order, paid.status_code),
                    Some("The order has no return_url or cancel_url to send you back to."),
                ),
            })
        },
    )
}

/// Which checkout to pay.
pub(crate) enum Select<'a> {
    Session(&'a str),
    /// The newest open checkout with this `order_id` (else the newest one).
    Order(&'a str),
}

/// What paying did.
#[derive(Debug, Serialize)]
pub(crate) struct Paid {
    pub session: String,
    pub order: String,
    pub outcome: &'static str,
    /// The status of the notification sent now.
    pub status_code: &'static str,
    /// Where the customer's browser goes next.
    pub redirect: Option<String>,
}

/// Does what clicking an outcome does: marks the checkout, sends the notification(s), and
/// says where the browser goes (`return_url` for paid and pending, `cancel_url` — or
/// `return_url` when there is none — otherwise).
pub(crate) fn pay(
    app: &Arc<App>,
    select: Select<'_>,
    outcome: Outcome,
    channel: Option<&str>,
) -> Result<Paid, PayError> {
    let channel = channel
        .and_then(|c| CHANNELS.iter().find(|k| k.eq_ignore_ascii_case(c)))
        .copied()
        .unwrap_or(CHANNELS[0]);
    let (paid, first, second, notify_url, generation) = {
        let mut inner = app.lock();
        let id = match select {
            Select::Session(id) => id.to_string(),
            Select::Order(order) => {
                let sessions = &inner.flocash.sessions;
                sessions
                    .values()
                    .rev()
                    .find(|s| s.order.order_id == order && s.status == Status::Open)
                    .or_else(|| sessions.values().rev().find(|s| s.order.order_id == order))
                    .map(|s| s.id.clone())
                    .unwrap_or_default()
            }
        };
        let reorder = inner.faults.config.reorder;
        let Some(session) = inner.flocash.sessions.get_mut(&id) else {
            return Err(PayError::unknown("FloCash"));
        };
        if session.status != Status::Open {
            return Err(PayError::finished(
                "FloCash",
                &session.order.order_id,
                session.status.as_str(),
            ));
        }
        // With `reorder`, the `0000` goes first and the stale `0004` after it.
        let (first, second) = match outcome {
            Outcome::Pending if reorder => ("0000", Some("0004")),
            Outcome::Pending => ("0004", Some("0000")),
            o => (o.code(), None),
        };
        session.status = if first == "0000" {
            Status::Paid
        } else {
            outcome.status()
        };
        session.channel = channel.to_string();
        let redirect = if matches!(outcome, Outcome::Paid | Outcome::Pending) {
            session.order.return_url.clone()
        } else {
            session
                .order
                .cancel_url
                .clone()
                .or_else(|| session.order.return_url.clone())
        };
        let paid = Paid {
            session: id.clone(),
            order: session.order.order_id.clone(),
            outcome: outcome.as_str(),
            status_code: first,
            redirect,
        };
        let notify_url = session.notify_url.clone();
        let pairs = notification(&mut inner, &id, first);
        (paid, pairs, second, notify_url, inner.generation)
    };
    app.note(
        "flocash",
        &paid.order,
        format!(
            "customer chose {}; notification status {}",
            outcome.as_str(),
            paid.status_code
        ),
    );
    if let Some(pairs) = first {
        deliver(app, &paid.order, notify_url.clone(), &pairs, Duration::ZERO);
    }
    if let Some(code) = second {
        let later = app.scaled(Duration::from_secs(app.config.flocash.pending_seconds));
        let app = Arc::clone(app);
        let id = paid.session.clone();
        let order = paid.order.clone();
        tokio::spawn(async move {
            if !app.sleep_unless_reset(later, generation).await {
                return;
            }
            let pairs = {
                let mut inner = app.lock();
                if inner.generation != generation {
                    return;
                }
                if code == "0000"
                    && let Some(s) = inner.flocash.sessions.get_mut(&id)
                    && s.status == Status::Pending
                {
                    s.status = Status::Paid;
                }
                notification(&mut inner, &id, code)
            };
            app.note(
                "flocash",
                &order,
                format!("the pending payment moved on: notification status {code}"),
            );
            if let Some(pairs) = pairs {
                deliver(&app, &order, notify_url, &pairs, Duration::ZERO);
            }
        });
    }
    Ok(paid)
}

/// Builds the 17-field notification for session `id` with `code`, and remembers it for the
/// post-back. Fields in FloCash's documented order.
fn notification(inner: &mut Inner, id: &str, code: &str) -> Option<Vec<(String, String)>> {
    let fpn_id = inner.digits(12);
    let partner_ref = format!("BNK{}", inner.digits(10));
    let s = inner.flocash.sessions.get(id)?;
    let c = &s.order.customer;
    let payer_email = c
        .email
        .clone()
        .unwrap_or_else(|| "payer@example.com".into());
    let customer = match (c.first_name.as_deref(), c.last_name.as_deref()) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.to_string(),
        (None, None) => "Sandbox Customer".to_string(),
    };
    let pairs: Vec<(String, String)> = [
        ("merchant", s.merchant.clone()),
        ("sender_acct", payer_email.clone()),
        ("order_id", s.order.order_id.clone()),
        ("amount", s.total.to_decimal_string()),
        ("item_name", s.order.item_name.clone()),
        ("item_price", s.order.item_price.to_decimal_string()),
        ("currency_code", s.total.currency().code().to_string()),
        ("quantity", s.order.quantity.to_string()),
        ("trans_id", s.trans_id.clone()),
        ("fpn_id", fpn_id.clone()),
        ("custom", s.order.custom.clone()),
        ("customer", customer),
        ("status", code.to_string()),
        (
            "status_msg",
            flocash::status_label(code).unwrap_or("").to_string(),
        ),
        ("payer_email", payer_email),
        ("payment_channel", s.channel.clone()),
        ("txn_partner_ref", partner_ref),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect();
    inner.flocash.sent.insert(fpn_id, pairs.clone());
    Some(pairs)
}

fn deliver(
    app: &Arc<App>,
    order: &str,
    url: Option<String>,
    pairs: &[(String, String)],
    after: Duration,
) {
    let code = pairs
        .iter()
        .find(|(n, _)| n == "status")
        .map_or("", |(_, v)| v.as_str());
    let Some(url) = url else {
        app.note(
            "flocash",
            order,
            format!(
                "notification {code} not sent: the order has no notify_url and none is configured"
            ),
        );
        return;
    };
    let body = encode_urlencoded(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    delivery::dispatch(
        app,
        Delivery {
            gateway: "flocash",
            order: order.to_string(),
            label: format!("notification status {code}"),
            url,
            content_type: "application/x-www-form-urlencoded; charset=UTF-8",
            body,
            policy: Policy {
                max_attempts: FLOCASH_ATTEMPTS,
                interval: app.scaled(RETRY_INTERVAL),
                backoff_to: None,
                accepts: delivery::flocash_accepts,
            },
            signer: None,
        },
        after,
    );
}

/// `POST /validateNotify.do`: `VERIFIED` only for a notification this sandbox sent, every
/// field the same (names and values; order free) and `cmd=notify-validate` added; `INVALID`
/// otherwise. The `postback-fail` fault answers 500 instead.
async fn validate_notify(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let mut inner = app.lock();
    if delivery::postback_fails(&mut inner, "flocash", None, "validateNotify.do") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
    }
    let (verified, order, reason) = judge(&inner.flocash.sent, &body);
    inner.events.push(Event::note(
        Some("flocash"),
        order.as_deref(),
        format!(
            "validateNotify.do: {} ({reason})",
            if verified { "VERIFIED" } else { "INVALID" }
        ),
    ));
    drop(inner);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        if verified { "VERIFIED" } else { "INVALID" },
    )
        .into_response()
}

/// The post-back verdict, the order concerned, and why.
fn judge(sent: &Bounded<Vec<(String, String)>>, body: &[u8]) -> (bool, Option<String>, String) {
    let pairs = match parse_urlencoded(body, MAX_BODY_BYTES) {
        Ok(p) => p,
        Err(e) => return (false, None, format!("body refused: {e}")),
    };
    let cmd = pairs
        .iter()
        .find(|(n, _)| n == "cmd")
        .map(|(_, v)| v.as_str());
    if cmd != Some("notify-validate") {
        return (false, None, "cmd=notify-validate is missing".into());
    }
    let received: Vec<&(String, String)> = pairs.iter().filter(|(n, _)| n != "cmd").collect();
    let Some(fpn_id) = received
        .iter()
        .find(|(n, _)| n == "fpn_id")
        .map(|(_, v)| v.as_str())
    else {
        return (false, None, "no fpn_id".into());
    };
    let Some(original) = sent.get(fpn_id) else {
        return (
            false,
            None,
            format!("fpn_id {fpn_id:?} was never sent by this sandbox"),
        );
    };
    let order = original
        .iter()
        .find(|(n, _)| n == "order_id")
        .map(|(_, v)| v.clone());
    for (name, value) in original {
        match received.iter().find(|(n, _)| n == name) {
            None => return (false, order, format!("field {name} is missing")),
            Some((_, v)) if v != value => {
                return (
                    false,
                    order,
                    format!("field {name} differs from what was sent"),
                );
            }
            Some(_) => {}
        }
    }
    if let Some((name, _)) = received
        .iter()
        .find(|(n, _)| !original.iter().any(|(m, _)| m == n))
    {
        return (false, order, format!("field {name} was not sent"));
    }
    (true, order, format!("fpn_id {fpn_id}"))
}

/// The checkouts, newest first, for `/_sandbox/orders` and the dashboard.
pub(crate) fn orders(inner: &Inner) -> Vec<serde_json::Value> {
    inner
        .flocash
        .sessions
        .values()
        .rev()
        .map(|s| {
            serde_json::json!({
                "gateway": "flocash",
                "order": s.order.order_id,
                "session": s.id,
                "amount": s.total,
                "status": s.status,
                "created": s.created,
                "payment_page": format!("/ecom/pay/{}", s.id),
                "notify_url": s.notify_url,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_fields_are_the_documented_seventeen() {
        let mut inner_sent: Bounded<Vec<(String, String)>> = Bounded::new(4);
        let names: Vec<&str> = flocash::FIELDS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), 17);
        // The order built in `notification` is FloCash's documented order.
        let built = [
            "merchant",
            "sender_acct",
            "order_id",
            "amount",
            "item_name",
            "item_price",
            "currency_code",
            "quantity",
            "trans_id",
            "fpn_id",
            "custom",
            "customer",
            "status",
            "status_msg",
            "payer_email",
            "payment_channel",
            "txn_partner_ref",
        ];
        assert_eq!(names, built);
        let sent: Vec<(String, String)> = built
            .iter()
            .map(|n| (n.to_string(), format!("v-{n}")))
            .collect();
        inner_sent.insert("v-fpn_id".into(), sent.clone());
        let mut body = encode_urlencoded(sent.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        assert!(!judge(&inner_sent, body.as_bytes()).0, "cmd is required");
        body.push_str("&cmd=notify-validate");
        assert!(judge(&inner_sent, body.as_bytes()).0);
        let tampered = body.replace("v-amount", "v-amount0");
        assert!(!judge(&inner_sent, tampered.as_bytes()).0);
        let extra = format!("{body}&x=1");
        assert!(!judge(&inner_sent, extra.as_bytes()).0);
    }

    #[test]
    fn outcomes_read_names_and_codes() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
            assert_eq!(Outcome::parse(o.code()), Some(o));
        }
        assert_eq!(Outcome::parse("authorised"), None);
    }
}

//! Reading Orders v2 and Payments v2 replies, strictly: an order of one purchase unit for the
//! shop's order, the approve link while the buyer has still to approve, and every capture,
//! authorisation and refund with its exact amount and the [`Event`] it is for the state
//! machine. The host made the call over TLS with its own token, so a reply is authentic: the
//! events come out [`Verified`].
//!
//! Event keys are `paypal:<capture|authorization|refund>:<id>:<reported status>`: the same
//! fact read twice (a replayed reply, a `GET` after the capture, a webhook in a later slice)
//! has one key, while `PENDING` then `COMPLETED` are two. A capture `PARTIALLY_REFUNDED` or
//! `REFUNDED` is still the same succeeded capture (its refunds are records of their own), so
//! reading it again never counts the money twice.
//!
//! Sources: <https://developer.paypal.com/docs/api/orders/v2/>,
//! <https://developer.paypal.com/api/orders/v2/definitions/capture>,
//! <https://developer.paypal.com/api/payments/v2/definitions/authorization_status>,
//! <https://developer.paypal.com/api/rest/reference/orders/v2/errors/>.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::gateways::Gateway;
use crate::gateways::paypal::oauth::{
    MAX_REPLY_BYTES, RestConfig, code_text, no_answer, token_rejected, unavailable,
};
use crate::http::Reply;
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;

/// What a payment record in a reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// `purchase_units[].payments.captures[]`, or a Payments v2 capture.
    Capture,
    /// `purchase_units[].payments.authorizations[]`, or a Payments v2 authorization.
    Authorization,
    /// `purchase_units[].payments.refunds[]`, or a Payments v2 refund.
    Refund,
}

impl PaymentKind {
    /// `capture`, `authorization` or `refund` (the second part of an event key).
    ///
    /// ```
    /// use vpos_core::gateways::paypal::PaymentKind;
    /// assert_eq!(PaymentKind::Authorization.as_str(), "authorization");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Capture => "capture",
            PaymentKind::Authorization => "authorization",
            PaymentKind::Refund => "refund",
        }
    }

    fn list(self) -> &'static str {
        match self {
            PaymentKind::Capture => "captures",
            PaymentKind::Authorization => "authorizations",
            PaymentKind::Refund => "refunds",
        }
    }
}

/// A capture, authorisation or refund as PayPal reported it, and its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// What it is.
    pub kind: PaymentKind,
    /// PayPal's id (a capture id is what a refund is asked against).
    pub id: String,
    /// `status` verbatim (`COMPLETED`, `PENDING`, `DECLINED`, `CREATED`, `VOIDED` …).
    pub status: String,
    /// `status_details.reason` (`PENDING_REVIEW`, `ECHECK` …), when PayPal gives one.
    pub reason: Option<String>,
    /// `amount`, exact.
    pub amount: Amount,
    /// `final_capture`, on captures.
    pub final_capture: Option<bool>,
    event: Verified<Event>,
}

impl Payment {
    /// The event for [`crate::state::transition`].
    ///
    /// ```
    /// use vpos_core::{Reply, PaymentSnapshot, PaymentStatus, transition};
    /// use vpos_core::gateways::paypal::{RestConfig, parse_capture_reply};
    /// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
    /// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
    /// let reply = Reply::Response { status: 201, body: br#"{"id": "2GG279541U471931P",
    ///     "status": "COMPLETED", "amount": {"currency_code": "EUR", "value": "25.00"}}"#.to_vec() };
    /// let capture = parse_capture_reply(&config, "ORDER-1", &reply)?;
    /// let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "paypal_rest",
    ///     "merchant": "shop@example.com", "order_id": "ORDER-1",
    ///     "amount": {"value": "25", "currency": "EUR"}, "status": "authorized"}))?;
    /// assert_eq!(transition(&payment, capture.event()).new_status(), Some(PaymentStatus::Paid));
    /// assert_eq!(capture.event().key(), "paypal:capture:2GG279541U471931P:succeeded");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn event(&self) -> &Verified<Event> {
        &self.event
    }
}

/// An order as PayPal returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderReply {
    /// PayPal's order id (the `token` the buyer comes back with).
    pub id: String,
    /// `status` verbatim: `CREATED`, `PAYER_ACTION_REQUIRED`, `APPROVED`, `COMPLETED`,
    /// `SAVED`, `VOIDED`.
    pub status: String,
    /// `intent` (`CAPTURE` or `AUTHORIZE`), when present.
    pub intent: Option<String>,
    /// Where to send the buyer: the `approve` (or `payer-action`) link. Always present while
    /// the order is `CREATED` or `PAYER_ACTION_REQUIRED`.
    pub approve_url: Option<String>,
    /// `purchase_units[0].amount`.
    pub amount: Option<Amount>,
    /// Authorisations, then captures, then refunds, in PayPal's order.
    pub payments: Vec<Payment>,
}

impl OrderReply {
    /// The events of every payment, in order: apply them one by one.
    ///
    /// ```
    /// use vpos_core::{Reply, Reported, gateways::paypal::{RestConfig, parse_order_reply}};
    /// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
    /// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
    /// let reply = Reply::Response { status: 201, body: br#"{"id": "5O190127TN364715T", "status": "COMPLETED",
    ///     "purchase_units": [{"payments": {"authorizations": [{"id": "0AW2184448108334S",
    ///         "status": "CREATED", "amount": {"currency_code": "USD", "value": "100.00"}}]}}]}"#.to_vec() };
    /// let order = parse_order_reply(&config, "ORDER-1", &reply)?;
    /// assert_eq!(order.events()[0].status(), &Reported::Authorized);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> Vec<Verified<Event>> {
        self.payments.iter().map(|p| p.event.clone()).collect()
    }
}

#[derive(Deserialize)]
struct WireOrder {
    id: String,
    status: String,
    #[serde(default)]
    intent: Option<String>,
    #[serde(default)]
    purchase_units: Vec<WireUnit>,
    #[serde(default)]
    links: Vec<WireLink>,
}

#[derive(Deserialize)]
struct WireUnit {
    #[serde(default)]
    amount: Option<WireMoney>,
    #[serde(default)]
    payee: Option<WireParty>,
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    invoice_id: Option<String>,
    #[serde(default)]
    payments: Option<WirePayments>,
}

#[derive(Deserialize)]
struct WirePayments {
    #[serde(default)]
    authorizations: Vec<WirePayment>,
    #[serde(default)]
    captures: Vec<WirePayment>,
    #[serde(default)]
    refunds: Vec<WirePayment>,
}

#[derive(Deserialize)]
struct WirePayment {
    id: String,
    status: String,
    #[serde(default)]
    status_details: Option<WireDetails>,
    #[serde(default)]
    amount: Option<WireMoney>,
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    invoice_id: Option<String>,
    #[serde(default)]
    final_capture: Option<bool>,
    #[serde(default)]
    payee: Option<WireParty>,
    /// On a refund: the merchant who refunded.
    #[serde(default)]
    payer: Option<WireParty>,
}

#[derive(Deserialize)]
struct WireDetails {
    #[serde(default)]
    reason: Option<String>,
}

/// PayPal's money object, as Orders/Payments replies and webhook resources write it.
#[derive(Deserialize)]
pub(in crate::gateways::paypal) struct WireMoney {
    pub(in crate::gateways::paypal) currency_code: String,
    pub(in crate::gateways::paypal) value: String,
}

/// A payee or payer, as Orders/Payments replies and webhook resources write it.
#[derive(Deserialize)]
pub(in crate::gateways::paypal) struct WireParty {
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    merchant_id: Option<String>,
}

#[derive(Deserialize)]
struct WireLink {
    href: String,
    rel: String,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    details: Vec<WireIssue>,
    #[serde(default)]
    debug_id: Option<String>,
}

#[derive(Deserialize)]
struct WireIssue {
    #[serde(default)]
    issue: Option<String>,
}

/// The body of a successful reply (HTTP 200 or 201), or the error the reply is: 401
/// [`super::super::is_token_rejected`]; 429, 5xx, other codes and no reply
/// `gateway_unavailable`; another 4xx `gateway_error` naming PayPal's `name`, first
/// `details[].issue` and `debug_id`.
fn success_body(reply: &Reply) -> Result<&str> {
    let (status, body) = match reply {
        Reply::Response { status, body } => (*status, body),
        Reply::Failed { error } => return Err(no_answer(error)),
    };
    if body.len() > MAX_REPLY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "the PayPal reply is {} bytes long; at most {MAX_REPLY_BYTES} are read",
                body.len()
            ),
        ));
    }
    match status {
        200 | 201 => std::str::from_utf8(body)
            .map_err(|_| Error::new(ErrorCode::InvalidUtf8, "the PayPal reply is not UTF-8")),
        401 => Err(token_rejected()),
        429 | 500..=599 => Err(unavailable(status)),
        400..=499 => Err(gateway_error(status, body)),
        _ => Err(unavailable(status)),
    }
}

fn gateway_error(status: u16, body: &[u8]) -> Error {
    let wire = serde_json::from_slice::<WireError>(body).ok();
    let mut message = format!("PayPal answered HTTP {status}");
    if let Some(w) = wire {
        if let Some(name) = w.name.as_deref().map(code_text).filter(|n| !n.is_empty()) {
            message.push(' ');
            message.push_str(&name);
        }
        if let Some(issue) = w
            .details
            .iter()
            .find_map(|d| d.issue.as_deref())
            .map(code_text)
            .filter(|i| !i.is_empty())
        {
            message.push_str(": ");
            message.push_str(&issue);
        }
        if let Some(id) = w
            .debug_id
            .as_deref()
            .map(code_text)
            .filter(|i| !i.is_empty())
        {
            message.push_str(&format!(" (debug_id {id})"));
        }
    }
    Error::new(ErrorCode::GatewayError, message)
}

/// The configuration (its `api_base` decides which links are acceptable) and the shop's
/// order id every event is for.
fn check_inputs(config: &RestConfig, expected_order: &str) -> Result<()> {
    config.validate()?;
    crate::fields::required("order_id", expected_order, 127)
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    crate::json::from_str(text, ErrorCode::FieldInvalid)
}

/// An id PayPal gave: 1 to 64 letters, digits, `-` or `_`.
pub(crate) fn checked_id(field: String, id: &str) -> Result<String> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            field,
            "must be 1 to 64 letters, digits, - or _",
        ));
    }
    Ok(id.to_string())
}

/// A status PayPal gave: 1 to 64 of `A-Z`, digits and `_`.
pub(crate) fn checked_status(field: String, status: &str) -> Result<String> {
    if status.is_empty()
        || status.len() > 64
        || !status
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::invalid(
            field,
            "must be 1 to 64 upper-case letters, digits or _",
        ));
    }
    Ok(status.to_string())
}

/// PayPal's money object as an exact [`Amount`]: more decimals than PayPal writes for the
/// currency is `amount_precision`, never rounded.
fn amount_of(field: &str, money: &WireMoney) -> Result<Amount> {
    let currency = Currency::from_code(&money.currency_code)
        .map_err(|e| e.with_field(format!("{field}.currency_code")))?;
    super::super::parse_amount(&money.value, currency)
        .map_err(|e| e.with_field(format!("{field}.value")))
}

const PAYEE_REFUSAL: &str = "the reply names another PayPal account as payee";

/// A payee (or a refund's payer) must be the configured account, by merchant id or e-mail;
/// `refusal` is the message otherwise.
pub(in crate::gateways::paypal) fn check_party(
    config: &RestConfig,
    field: impl Into<std::borrow::Cow<'static, str>>,
    party: Option<&WireParty>,
    refusal: &'static str,
) -> Result<()> {
    let Some(party) = party else { return Ok(()) };
    let named: Vec<&str> = [&party.merchant_id, &party.email_address]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if named.is_empty()
        || named
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&config.merchant))
    {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::MerchantMismatch, refusal).with_field(field))
    }
}

/// `custom_id` and `invoice_id`, where present, must be the shop's order id.
fn check_order(
    expected_order: &str,
    field: &str,
    custom_id: Option<&str>,
    invoice_id: Option<&str>,
) -> Result<()> {
    for (name, value) in [("custom_id", custom_id), ("invoice_id", invoice_id)] {
        if let Some(v) = value
            && v != expected_order
        {
            return Err(Error::new(
                ErrorCode::OrderMismatch,
                format!(
                    "the reply is for order {:?}, not {expected_order:?}",
                    v.chars().take(127).collect::<String>()
                ),
            )
            .with_field(format!("{field}{name}")));
        }
    }
    Ok(())
}

/// A capture's `status`: `COMPLETED` (and `PARTIALLY_REFUNDED`, `REFUNDED`: the money was
/// captured, the refunds are records of their own) succeeded; `PENDING` pending; `DECLINED`,
/// `FAILED` failed; anything else unknown.
pub(in crate::gateways::paypal) fn map_capture_status(status: &str) -> (Action, Reported) {
    match status {
        "COMPLETED" | "PARTIALLY_REFUNDED" | "REFUNDED" => (Action::Sale, Reported::Succeeded),
        "PENDING" => (Action::Sale, Reported::Pending),
        "DECLINED" | "FAILED" => (Action::Sale, Reported::Failed),
        other => (Action::Sale, unknown(other)),
    }
}

/// An authorisation's `status`: `CREATED` (and `CAPTURED`, `PARTIALLY_CAPTURED`: it was
/// authorised, the captures are records of their own) authorised; `PENDING` pending; `DENIED`
/// failed; `VOIDED`, `EXPIRED` a release (`cancel`) of what it held.
pub(in crate::gateways::paypal) fn map_authorization_status(status: &str) -> (Action, Reported) {
    match status {
        "CREATED" | "CAPTURED" | "PARTIALLY_CAPTURED" => (Action::Sale, Reported::Authorized),
        "PENDING" => (Action::Sale, Reported::Pending),
        "DENIED" => (Action::Sale, Reported::Failed),
        "VOIDED" | "EXPIRED" => (Action::Cancel, Reported::Succeeded),
        other => (Action::Sale, unknown(other)),
    }
}

/// A refund's `status`: `COMPLETED` succeeded, `PENDING` pending, `FAILED` failed,
/// `CANCELLED` cancelled.
pub(in crate::gateways::paypal) fn map_refund_status(status: &str) -> (Action, Reported) {
    match status {
        "COMPLETED" => (Action::Refund, Reported::Succeeded),
        "PENDING" => (Action::Refund, Reported::Pending),
        "FAILED" => (Action::Refund, Reported::Failed),
        "CANCELLED" => (Action::Refund, Reported::Cancelled),
        other => (Action::Refund, unknown(other)),
    }
}

fn unknown(status: &str) -> Reported {
    Reported::Unknown(status.chars().take(32).collect())
}

/// One capture, authorisation or refund; `field` is its path in the reply (ending in `.`),
/// `currency` the purchase unit's, when known.
fn payment(
    config: &RestConfig,
    expected_order: &str,
    kind: PaymentKind,
    field: &str,
    wire: &WirePayment,
    currency: Option<Currency>,
) -> Result<Payment> {
    let id = checked_id(format!("{field}id"), &wire.id)?;
    let status = checked_status(format!("{field}status"), &wire.status)?;
    let money = wire
        .amount
        .as_ref()
        .ok_or_else(|| Error::missing(format!("{field}amount")))?;
    let amount = amount_of(&format!("{field}amount"), money)?;
    if let Some(c) = currency
        && c != amount.currency()
    {
        return Err(Error::new(
            ErrorCode::CurrencyMismatch,
            format!(
                "a {} in {} for an order in {}",
                kind.as_str(),
                amount.currency().code(),
                c.code()
            ),
        )
        .with_field(format!("{field}amount.currency_code")));
    }
    check_order(
        expected_order,
        field,
        wire.custom_id.as_deref(),
        wire.invoice_id.as_deref(),
    )?;
    check_party(
        config,
        format!("{field}payee"),
        wire.payee.as_ref(),
        PAYEE_REFUSAL,
    )?;
    if kind == PaymentKind::Refund {
        check_party(
            config,
            format!("{field}payer"),
            wire.payer.as_ref(),
            PAYEE_REFUSAL,
        )?;
    }
    let (action, reported) = match kind {
        PaymentKind::Capture => map_capture_status(&status),
        PaymentKind::Authorization => map_authorization_status(&status),
        PaymentKind::Refund => map_refund_status(&status),
    };
    let event = Event {
        gateway: Gateway::PaypalRest,
        key: event_key(&["paypal", kind.as_str(), &id, reported.as_str()]),
        merchant: config.merchant.clone(),
        order_id: expected_order.to_string(),
        transaction_id: id.clone(),
        amount,
        action,
        status: reported,
        status_code: status.clone(),
    };
    Ok(Payment {
        kind,
        id,
        status,
        reason: wire
            .status_details
            .as_ref()
            .and_then(|d| d.reason.as_deref())
            .map(code_text)
            .filter(|r| !r.is_empty()),
        amount,
        final_capture: wire.final_capture,
        event: Verified(event),
    })
}

/// A link the buyer is sent to: `https://` (or `http://` when the API itself is the loopback
/// sandbox), no whitespace or control characters.
fn buyer_link(config: &RestConfig, href: &str) -> Result<String> {
    let scheme_ok =
        href.starts_with("https://") || (config.is_loopback() && href.starts_with("http://"));
    if !scheme_ok
        || href.len() > 2048
        || href
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(Error::invalid(
            "links",
            "the approve link is not an https URL",
        ));
    }
    Ok(href.to_string())
}

/// Reads an order reply (create, get, capture, authorize): HTTP 200 or 201 with an order of
/// one purchase unit. `expected_order` is the shop's order id: a `custom_id` or
/// `invoice_id` naming another is `order_mismatch`; more than one purchase unit is
/// `field_invalid` (none, PayPal's minimal reply, is an order without payments); a payee other than the configured
/// merchant `merchant_mismatch`; a payment in another currency than the order
/// `currency_mismatch`; an amount with more decimals than PayPal writes for its currency
/// `amount_precision`. An order still awaiting the buyer (`CREATED`,
/// `PAYER_ACTION_REQUIRED`) without an `approve` or `payer-action` link is `field_missing`
/// on `links`. Error replies: see [`super::super::is_token_rejected`] for HTTP 401, 429 and
/// 5xx are `gateway_unavailable`, another 4xx `gateway_error` with PayPal's issue.
///
/// ```
/// use vpos_core::{Reply, gateways::paypal::{RestConfig, parse_order_reply}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let created = Reply::Response { status: 200, body: br#"{"id": "5O190127TN364715T",
///     "status": "PAYER_ACTION_REQUIRED", "intent": "CAPTURE",
///     "purchase_units": [{"custom_id": "ORDER-1", "amount": {"currency_code": "USD", "value": "100.00"}}],
///     "links": [{"href": "https://api-m.paypal.com/v2/checkout/orders/5O190127TN364715T", "rel": "self", "method": "GET"},
///               {"href": "https://www.paypal.com/checkoutnow?token=5O190127TN364715T", "rel": "payer-action", "method": "GET"}]}"#.to_vec() };
/// let order = parse_order_reply(&config, "ORDER-1", &created)?;
/// assert_eq!(order.approve_url.as_deref(), Some("https://www.paypal.com/checkoutnow?token=5O190127TN364715T"));
/// assert!(order.events().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_order_reply(
    config: &RestConfig,
    expected_order: &str,
    reply: &Reply,
) -> Result<OrderReply> {
    check_inputs(config, expected_order)?;
    let wire: WireOrder = read(success_body(reply)?)?;
    let id = checked_id("id".into(), &wire.id)?;
    let status = checked_status("status".into(), &wire.status)?;
    let intent = wire
        .intent
        .as_deref()
        .map(|i| checked_status("intent".into(), i))
        .transpose()?;
    // A minimal reply (PayPal's default, should it ignore `Prefer`) has no purchase unit:
    // an order without payments. vpos never creates more than one.
    let unit = match wire.purchase_units.as_slice() {
        [] => None,
        [unit] => Some(unit),
        more => {
            return Err(Error::invalid(
                "purchase_units",
                format_args!(
                    "has {} purchase units; vpos orders have exactly one",
                    more.len()
                ),
            ));
        }
    };
    let amount = unit
        .and_then(|u| u.amount.as_ref())
        .map(|m| amount_of("purchase_units.0.amount", m))
        .transpose()?;
    if let Some(unit) = unit {
        check_order(
            expected_order,
            "purchase_units.0.",
            unit.custom_id.as_deref(),
            unit.invoice_id.as_deref(),
        )?;
        check_party(
            config,
            "purchase_units.0.payee",
            unit.payee.as_ref(),
            PAYEE_REFUSAL,
        )?;
    }
    let approve_url = wire
        .links
        .iter()
        .find(|l| l.rel == "approve" || l.rel == "payer-action")
        .map(|l| buyer_link(config, &l.href))
        .transpose()?;
    if approve_url.is_none() && matches!(status.as_str(), "CREATED" | "PAYER_ACTION_REQUIRED") {
        return Err(Error::new(
            ErrorCode::FieldMissing,
            format!("an order in status {status} without an approve link"),
        )
        .with_field("links"));
    }
    let mut payments = Vec::new();
    if let Some(p) = unit.and_then(|u| u.payments.as_ref()) {
        for (kind, list) in [
            (PaymentKind::Authorization, &p.authorizations),
            (PaymentKind::Capture, &p.captures),
            (PaymentKind::Refund, &p.refunds),
        ] {
            for (i, w) in list.iter().enumerate() {
                let field = format!("purchase_units.0.payments.{}.{i}.", kind.list());
                payments.push(payment(
                    config,
                    expected_order,
                    kind,
                    &field,
                    w,
                    amount.map(Amount::currency),
                )?);
            }
        }
    }
    Ok(OrderReply {
        id,
        status,
        intent,
        approve_url,
        amount,
        payments,
    })
}

fn single(
    config: &RestConfig,
    expected_order: &str,
    kind: PaymentKind,
    reply: &Reply,
) -> Result<Payment> {
    check_inputs(config, expected_order)?;
    let wire: WirePayment = read(success_body(reply)?)?;
    payment(config, expected_order, kind, "", &wire, None)
}

/// Reads the reply to [`super::capture_authorization_request`]: a Payments v2 capture, with
/// the same checks as [`parse_order_reply`] (`expected_order` is the shop's order id).
///
/// ```
/// use vpos_core::{Reply, Reported, gateways::paypal::{RestConfig, parse_capture_reply}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let reply = Reply::Response { status: 201, body: br#"{"id": "2GG279541U471931P", "status": "COMPLETED",
///     "amount": {"currency_code": "USD", "value": "10.99"}, "final_capture": true,
///     "invoice_id": "ORDER-1"}"#.to_vec() };
/// let capture = parse_capture_reply(&config, "ORDER-1", &reply)?;
/// assert_eq!(capture.amount.minor(), 1099);
/// assert_eq!(capture.event().status(), &Reported::Succeeded);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_capture_reply(
    config: &RestConfig,
    expected_order: &str,
    reply: &Reply,
) -> Result<Payment> {
    single(config, expected_order, PaymentKind::Capture, reply)
}

/// Reads a Payments v2 authorisation: the reply to [`super::void_authorization_request`]
/// (`VOIDED`, an event releasing what it held). PayPal answers a void with HTTP 204 and no
/// body unless asked for the representation, which the request does: a 204 is
/// `field_missing` on `status` (read the order to learn the outcome).
///
/// ```
/// use vpos_core::{Action, Reply, gateways::paypal::{RestConfig, parse_authorization_reply}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let reply = Reply::Response { status: 200, body: br#"{"id": "0VF52814937998046", "status": "VOIDED",
///     "amount": {"currency_code": "EUR", "value": "25.00"}}"#.to_vec() };
/// let voided = parse_authorization_reply(&config, "ORDER-1", &reply)?;
/// assert_eq!(voided.event().action(), Action::Cancel);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_authorization_reply(
    config: &RestConfig,
    expected_order: &str,
    reply: &Reply,
) -> Result<Payment> {
    if matches!(reply, Reply::Response { status: 204, .. }) {
        return Err(Error::new(
            ErrorCode::FieldMissing,
            "PayPal answered 204 without the authorization: read the order for its status",
        )
        .with_field("status"));
    }
    single(config, expected_order, PaymentKind::Authorization, reply)
}

/// Reads the reply to [`super::refund_capture_request`]: a refund (`COMPLETED` moves the
/// payment; `PENDING` waits), with the same checks as [`parse_order_reply`].
///
/// ```
/// use vpos_core::{Action, Reply, gateways::paypal::{RestConfig, parse_refund_reply}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let reply = Reply::Response { status: 201, body: br#"{"id": "1JU08902781691411", "status": "COMPLETED",
///     "amount": {"currency_code": "USD", "value": "10.99"}, "invoice_id": "ORDER-1"}"#.to_vec() };
/// let refund = parse_refund_reply(&config, "ORDER-1", &reply)?;
/// assert_eq!((refund.event().action(), refund.amount.minor()), (Action::Refund, 1099));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_refund_reply(
    config: &RestConfig,
    expected_order: &str,
    reply: &Reply,
) -> Result<Payment> {
    single(config, expected_order, PaymentKind::Refund, reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PaymentStatus;
    use crate::state::{Outcome, PaymentSnapshot, transition};

    fn config() -> RestConfig {
        serde_json::from_str(
            r#"{"client_id":"CLIENT","secret":"SECRET","api_base":"https://api-m.sandbox.paypal.com",
                "merchant":"7KNGBPH2U58GQ"}"#,
        )
        .unwrap()
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply::Response {
            status,
            body: body.as_bytes().to_vec(),
        }
    }

    fn snapshot(value: &str, currency: &str, status: &str) -> PaymentSnapshot {
        serde_json::from_value(serde_json::json!({
            "gateway": "paypal_rest", "merchant": "7KNGBPH2U58GQ", "order_id": "ORDER-1",
            "amount": {"value": value, "currency": currency}, "status": status,
        }))
        .unwrap()
    }

    // The "Create order" reply of https://developer.paypal.com/docs/api/orders/v2/#orders_create
    // (return=minimal), with PayPal's ids.
    const CREATED_MINIMAL: &str = r#"{"id": "5O190127TN364715T", "status": "PAYER_ACTION_REQUIRED",
        "payment_source": {"paypal": {}},
        "links": [{"href": "https://api-m.paypal.com/v2/checkout/orders/5O190127TN364715T", "rel": "self", "method": "GET"},
                  {"href": "https://www.paypal.com/checkoutnow?token=5O190127TN364715T", "rel": "payer-action", "method": "GET"}]}"#;

    // The "Capture payment for order" reply of
    // https://developer.paypal.com/docs/api/orders/v2/#orders_capture, with the purchase unit's
    // custom_id and the payee a return=representation reply carries.
    const CAPTURED: &str = r#"{"id": "5O190127TN364715T", "status": "COMPLETED",
        "payment_source": {"paypal": {"name": {"given_name": "John", "surname": "Doe"},
            "email_address": "customer@example.com", "account_id": "QYR5Z8XDVJNXQ"}},
        "purchase_units": [{"reference_id": "d9f80740-38f0-11e8-b467-0ed5f89f718b",
            "custom_id": "ORDER-1", "invoice_id": "ORDER-1",
            "amount": {"currency_code": "USD", "value": "100.00"},
            "payee": {"email_address": "merchant@example.com", "merchant_id": "7KNGBPH2U58GQ"},
            "shipping": {"address": {"address_line_1": "2211 N First Street", "address_line_2": "Building 17",
                "admin_area_2": "San Jose", "admin_area_1": "CA", "postal_code": "95131", "country_code": "US"}},
            "payments": {"captures": [{"id": "3C679366HH908993F", "status": "COMPLETED",
                "amount": {"currency_code": "USD", "value": "100.00"},
                "seller_protection": {"status": "ELIGIBLE", "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"]},
                "final_capture": true, "disbursement_mode": "INSTANT",
                "seller_receivable_breakdown": {"gross_amount": {"currency_code": "USD", "value": "100.00"},
                    "paypal_fee": {"currency_code": "USD", "value": "3.00"},
                    "net_amount": {"currency_code": "USD", "value": "97.00"}},
                "create_time": "2018-04-01T21:20:49Z", "update_time": "2018-04-01T21:20:49Z",
                "links": [{"href": "https://api-m.paypal.com/v2/payments/captures/3C679366HH908993F", "rel": "self", "method": "GET"},
                          {"href": "https://api-m.paypal.com/v2/payments/captures/3C679366HH908993F/refund", "rel": "refund", "method": "POST"}]}]}}],
        "payer": {"name": {"given_name": "John", "surname": "Doe"}, "email_address": "customer@example.com", "payer_id": "QYR5Z8XDVJNXQ"},
        "links": [{"href": "https://api-m.paypal.com/v2/checkout/orders/5O190127TN364715T", "rel": "self", "method": "GET"}]}"#;

    // The "Authorize payment for order" reply of
    // https://developer.paypal.com/docs/api/orders/v2/#orders_authorize.
    const AUTHORIZED: &str = r#"{"id": "5O190127TN364715T", "status": "COMPLETED",
        "purchase_units": [{"reference_id": "d9f80740-38f0-11e8-b467-0ed5f89f718b",
            "payments": {"authorizations": [{"id": "0AW2184448108334S", "status": "CREATED",
                "amount": {"currency_code": "USD", "value": "100.00"},
                "seller_protection": {"status": "ELIGIBLE", "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"]},
                "expiration_time": "2018-05-01T21:20:49Z", "create_time": "2018-04-01T21:20:49Z", "update_time": "2018-04-01T21:20:49Z",
                "links": [{"href": "https://api-m.paypal.com/v2/payments/authorizations/0AW2184448108334S", "rel": "self", "method": "GET"}]}]}}],
        "links": [{"href": "https://api-m.paypal.com/v2/checkout/orders/5O190127TN364715T", "rel": "self", "method": "GET"}]}"#;

    fn with(base: &str, from: &str, to: &str) -> String {
        assert!(base.contains(from), "{from}");
        base.replacen(from, to, 1)
    }

    #[test]
    fn created_order_gives_the_approve_link_and_no_event() {
        let o = parse_order_reply(&config(), "ORDER-1", &reply(200, CREATED_MINIMAL)).unwrap();
        assert_eq!(o.id, "5O190127TN364715T");
        assert_eq!(o.status, "PAYER_ACTION_REQUIRED");
        assert_eq!(
            o.approve_url.as_deref(),
            Some("https://www.paypal.com/checkoutnow?token=5O190127TN364715T")
        );
        assert!(o.payments.is_empty() && o.amount.is_none());
        let approve = with(
            CREATED_MINIMAL,
            r#""rel": "payer-action""#,
            r#""rel": "approve""#,
        );
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, &approve)).unwrap();
        assert!(o.approve_url.is_some());
    }

    #[test]
    fn missing_or_hostile_approve_link_is_refused() {
        let none = with(
            CREATED_MINIMAL,
            r#""rel": "payer-action""#,
            r#""rel": "up""#,
        );
        let e = parse_order_reply(&config(), "ORDER-1", &reply(200, &none)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("links"))
        );
        let created = with(&none, "PAYER_ACTION_REQUIRED", "CREATED");
        assert!(parse_order_reply(&config(), "ORDER-1", &reply(200, &created)).is_err());
        // Once approved, no link is needed.
        let approved = with(&none, "PAYER_ACTION_REQUIRED", "APPROVED");
        assert!(parse_order_reply(&config(), "ORDER-1", &reply(200, &approved)).is_ok());
        for href in [
            "javascript:alert(1)",
            "http://www.paypal.com/checkoutnow",
            "https://x/\ny",
        ] {
            let body = with(
                CREATED_MINIMAL,
                "https://www.paypal.com/checkoutnow?token=5O190127TN364715T",
                &href.replace('\n', "\\n"),
            );
            let e = parse_order_reply(&config(), "ORDER-1", &reply(200, &body)).unwrap_err();
            assert_eq!(e.field(), Some("links"), "{href}");
        }
    }

    #[test]
    fn captured_order_pays_the_payment_once() {
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, CAPTURED)).unwrap();
        assert_eq!(o.status, "COMPLETED");
        assert_eq!(o.amount.unwrap().minor(), 10000);
        let [capture] = o.payments.as_slice() else {
            panic!("{o:?}")
        };
        assert_eq!(capture.kind, PaymentKind::Capture);
        assert_eq!(capture.id, "3C679366HH908993F");
        assert_eq!(capture.final_capture, Some(true));
        let events = o.events();
        let event = &events[0];
        assert_eq!(event.key(), "paypal:capture:3C679366HH908993F:succeeded");
        assert_eq!(event.merchant(), "7KNGBPH2U58GQ");
        assert_eq!(event.order_id(), "ORDER-1");
        assert_eq!(event.action(), Action::Sale);
        let mut payment = snapshot("100.00", "USD", "new");
        let out = transition(&payment, event);
        assert_eq!(out.new_status(), Some(PaymentStatus::Paid), "{out:?}");
        payment.status = PaymentStatus::Paid;
        payment.applied_event_keys.push(event.key().to_string());
        // The same capture read again once partly refunded is the same fact.
        let later = with(
            CAPTURED,
            r#""id": "3C679366HH908993F", "status": "COMPLETED""#,
            r#""id": "3C679366HH908993F", "status": "PARTIALLY_REFUNDED""#,
        );
        let again = parse_order_reply(&config(), "ORDER-1", &reply(200, &later)).unwrap();
        assert_eq!(again.events()[0].key(), event.key());
        assert_eq!(
            transition(&payment, &again.events()[0]),
            Outcome::AlreadyApplied
        );
    }

    #[test]
    fn pending_capture_keeps_its_reason_and_key() {
        let pending = with(
            CAPTURED,
            r#""status": "COMPLETED",
                "amount""#,
            r#""status": "PENDING", "status_details": {"reason": "PENDING_REVIEW"},
                "amount""#,
        );
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, &pending)).unwrap();
        let p = &o.payments[0];
        assert_eq!(
            (p.status.as_str(), p.reason.as_deref()),
            ("PENDING", Some("PENDING_REVIEW"))
        );
        assert_eq!(p.event().status(), &Reported::Pending);
        assert_eq!(p.event().key(), "paypal:capture:3C679366HH908993F:pending");
        let declined = with(
            CAPTURED,
            r#""status": "COMPLETED",
                "amount""#,
            r#""status": "DECLINED",
                "amount""#,
        );
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, &declined)).unwrap();
        assert_eq!(o.payments[0].event().status(), &Reported::Failed);
        let odd = with(
            CAPTURED,
            r#""status": "COMPLETED",
                "amount""#,
            r#""status": "ON_THE_MOON",
                "amount""#,
        );
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, &odd)).unwrap();
        let out = transition(&snapshot("100.00", "USD", "new"), &o.payments[0].event);
        assert!(matches!(out, Outcome::Ignored(_)), "{out:?}");
    }

    #[test]
    fn authorized_order_authorizes_then_capture_and_void_replies() {
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, AUTHORIZED)).unwrap();
        let auth = &o.payments[0];
        assert_eq!(
            (auth.kind, auth.id.as_str()),
            (PaymentKind::Authorization, "0AW2184448108334S")
        );
        assert_eq!(auth.event().status(), &Reported::Authorized);
        let mut payment = snapshot("100", "USD", "new");
        payment.multiple_captures = true;
        assert_eq!(
            transition(&payment, auth.event()).new_status(),
            Some(PaymentStatus::Authorized)
        );
        payment.status = PaymentStatus::Authorized;
        // https://developer.paypal.com/docs/api/payments/v2/#authorizations_capture reply.
        let capture = parse_capture_reply(&config(), "ORDER-1", &reply(201,
            r#"{"id": "2GG279541U471931P", "status": "COMPLETED",
                "amount": {"currency_code": "USD", "value": "40.00"}, "final_capture": false,
                "invoice_id": "ORDER-1", "custom_id": "ORDER-1",
                "seller_protection": {"status": "ELIGIBLE"},
                "links": [{"rel": "self", "method": "GET", "href": "https://api-m.paypal.com/v2/payments/captures/2GG279541U471931P"}]}"#)).unwrap();
        let out = transition(&payment, capture.event());
        assert!(
            matches!(
                out,
                Outcome::Applied {
                    captured_minor: 4000,
                    released_minor: 0,
                    ..
                }
            ),
            "{out:?}"
        );
        payment.status = PaymentStatus::Paid;
        payment.captured_minor = Some(4000);
        let voided = parse_authorization_reply(&config(), "ORDER-1", &reply(200,
            r#"{"id": "0AW2184448108334S", "status": "VOIDED", "amount": {"currency_code": "USD", "value": "100.00"}}"#)).unwrap();
        assert_eq!(
            voided.event().key(),
            "paypal:authorization:0AW2184448108334S:succeeded"
        );
        let out = transition(&payment, voided.event());
        assert!(
            matches!(
                out,
                Outcome::Applied {
                    released_minor: 6000,
                    ..
                }
            ),
            "{out:?}"
        );
        let e = parse_authorization_reply(&config(), "ORDER-1", &reply(204, "")).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("status"))
        );
    }

    #[test]
    fn refund_replies_move_the_payment() {
        // https://developer.paypal.com/docs/api/payments/v2/#captures_refund reply, with the
        // amount a return=representation reply carries.
        let body = r#"{"id": "1JU08902781691411", "status": "COMPLETED",
            "amount": {"currency_code": "USD", "value": "10.99"}, "invoice_id": "ORDER-1",
            "payer": {"email_address": "merchant@example.com", "merchant_id": "7KNGBPH2U58GQ"},
            "links": [{"rel": "self", "method": "GET", "href": "https://api-m.paypal.com/v2/payments/refunds/1JU08902781691411"}]}"#;
        let refund = parse_refund_reply(&config(), "ORDER-1", &reply(201, body)).unwrap();
        assert_eq!(
            refund.event().key(),
            "paypal:refund:1JU08902781691411:succeeded"
        );
        let out = transition(&snapshot("100.00", "USD", "paid"), refund.event());
        assert!(
            matches!(
                out,
                Outcome::Applied {
                    refunded_minor: 1099,
                    ..
                }
            ),
            "{out:?}"
        );
        let pending = parse_refund_reply(
            &config(),
            "ORDER-1",
            &reply(201, &with(body, "COMPLETED", "PENDING")),
        )
        .unwrap();
        assert!(matches!(
            transition(&snapshot("100.00", "USD", "paid"), pending.event()),
            Outcome::Ignored(_)
        ));
        let minimal = r#"{"id": "1JU08902781691411", "status": "COMPLETED"}"#;
        let e = parse_refund_reply(&config(), "ORDER-1", &reply(201, minimal)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("amount"))
        );
        let other = with(
            body,
            r#""merchant_id": "7KNGBPH2U58GQ""#,
            r#""merchant_id": "OTHER""#,
        );
        let other = with(&other, "merchant@example.com", "other@example.com");
        let e = parse_refund_reply(&config(), "ORDER-1", &reply(201, &other)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::MerchantMismatch, Some("payer"))
        );
    }

    #[test]
    fn amounts_are_exact_and_in_the_order_currency() {
        const CAPTURE_AMOUNT: &str = r#"COMPLETED",
                "amount": {"currency_code": "USD", "value": "100.00"}"#;
        let over = with(
            CAPTURED,
            CAPTURE_AMOUNT,
            &CAPTURE_AMOUNT.replace("100.00", "100.001"),
        );
        let e = parse_order_reply(&config(), "ORDER-1", &reply(201, &over)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::AmountPrecision);
        assert_eq!(
            e.field(),
            Some("purchase_units.0.payments.captures.0.amount.value")
        );
        let huf = parse_capture_reply(&config(), "ORDER-1", &reply(201,
            r#"{"id": "2GG279541U471931P", "status": "COMPLETED", "amount": {"currency_code": "HUF", "value": "1000.50"}}"#))
            .unwrap_err();
        assert_eq!(huf.code(), ErrorCode::AmountPrecision);
        let jpy = parse_capture_reply(&config(), "ORDER-1", &reply(201,
            r#"{"id": "2GG279541U471931P", "status": "COMPLETED", "amount": {"currency_code": "JPY", "value": "1500"}}"#))
            .unwrap();
        assert_eq!(jpy.amount.minor(), 1500);
        let wrong = with(
            CAPTURED,
            CAPTURE_AMOUNT,
            &CAPTURE_AMOUNT.replace("USD", "EUR"),
        );
        let e = parse_order_reply(&config(), "ORDER-1", &reply(201, &wrong)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::CurrencyMismatch);
        let e = parse_capture_reply(&config(), "ORDER-1", &reply(201,
            r#"{"id": "2GG279541U471931P", "status": "COMPLETED", "amount": {"currency_code": "XXQ", "value": "1"}}"#))
            .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::UnknownCurrency, Some("amount.currency_code"))
        );
        for value in ["-1.00", "1e2", "1,00", ""] {
            let body = format!(
                r#"{{"id": "2GG279541U471931P", "status": "COMPLETED", "amount": {{"currency_code": "USD", "value": "{value}"}}}}"#
            );
            assert!(
                parse_capture_reply(&config(), "ORDER-1", &reply(201, &body)).is_err(),
                "{value}"
            );
        }
        // The state machine still compares with the stored payment.
        let o = parse_order_reply(&config(), "ORDER-1", &reply(201, CAPTURED)).unwrap();
        let out = transition(&snapshot("100.00", "EUR", "new"), &o.payments[0].event);
        assert!(matches!(out, Outcome::Rejected { .. }), "{out:?}");
    }

    #[test]
    fn integrity_order_and_merchant() {
        let e = parse_order_reply(&config(), "ORDER-2", &reply(201, CAPTURED)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::OrderMismatch, Some("purchase_units.0.custom_id"))
        );
        let other = with(
            CAPTURED,
            r#""merchant_id": "7KNGBPH2U58GQ""#,
            r#""merchant_id": "ZZZZ""#,
        );
        let e = parse_order_reply(&config(), "ORDER-1", &reply(201, &other)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::MerchantMismatch, Some("purchase_units.0.payee"))
        );
        // The e-mail names the account as well as the merchant id.
        let by_email = RestConfig {
            merchant: "MERCHANT@example.com".into(),
            ..config()
        };
        assert!(parse_order_reply(&by_email, "ORDER-1", &reply(201, CAPTURED)).is_ok());
        let e = parse_capture_reply(&config(), "ORDER-1", &reply(201,
            r#"{"id": "2GG279541U471931P", "status": "COMPLETED", "amount": {"currency_code": "USD", "value": "1"}, "custom_id": "ORDER-9"}"#))
            .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::OrderMismatch, Some("custom_id"))
        );
        let two = with(
            CAPTURED,
            r#""purchase_units": [{"#,
            r#""purchase_units": [{}, {"#,
        );
        let e = parse_order_reply(&config(), "ORDER-1", &reply(201, &two)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldInvalid, Some("purchase_units"))
        );
    }

    #[test]
    fn error_replies_are_typed() {
        // https://developer.paypal.com/api/rest/reference/orders/v2/errors/ (422 shape).
        let e = parse_order_reply(&config(), "ORDER-1", &reply(422,
            r#"{"name": "UNPROCESSABLE_ENTITY", "details": [{"issue": "ORDER_NOT_APPROVED",
                "description": "Payer has not yet approved the Order for payment."}],
                "message": "The requested action could not be performed, semantically incorrect, or failed business validation.",
                "debug_id": "90957fca61718", "links": [{"href": "https://developer.paypal.com/docs/api/orders/v2/#error-ORDER_NOT_APPROVED", "rel": "information_link", "method": "GET"}]}"#))
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        assert_eq!(
            e.message(),
            "PayPal answered HTTP 422 UNPROCESSABLE_ENTITY: ORDER_NOT_APPROVED (debug_id 90957fca61718)"
        );
        let e =
            parse_order_reply(&config(), "ORDER-1", &reply(400, "<html>bad</html>")).unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::GatewayError, "PayPal answered HTTP 400")
        );
        let e = parse_order_reply(&config(), "ORDER-1", &reply(404,
            r#"{"name": "RESOURCE_NOT_FOUND <b>", "details": [{"issue": "INVALID_RESOURCE_ID\n"}]}"#)).unwrap_err();
        assert_eq!(
            e.message(),
            "PayPal answered HTTP 404 RESOURCE_NOT_FOUNDb: INVALID_RESOURCE_ID"
        );
        let e = parse_order_reply(
            &config(),
            "ORDER-1",
            &reply(401, r#"{"error": "invalid_token"}"#),
        )
        .unwrap_err();
        assert!(crate::gateways::paypal::is_token_rejected(&e));
        assert!(e.is_retryable());
        for r in [
            reply(500, "{}"),
            reply(503, ""),
            reply(429, "{}"),
            reply(302, ""),
            Reply::Failed {
                error: "connection reset".into(),
            },
        ] {
            let e = parse_order_reply(&config(), "ORDER-1", &r).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GatewayUnavailable, "{r:?}");
            assert!(!crate::gateways::paypal::is_token_rejected(&e));
        }
    }

    #[test]
    fn the_shop_order_id_is_required() {
        let e = parse_order_reply(&config(), "", &reply(201, CAPTURED)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("order_id"))
        );
        let e = parse_refund_reply(&config(), "", &reply(201, "{}")).unwrap_err();
        assert_eq!(e.field(), Some("order_id"));
        let bad = RestConfig {
            api_base: "http://paypal.example".into(),
            ..config()
        };
        let e = parse_order_reply(&bad, "ORDER-1", &reply(201, CAPTURED)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidConfig);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn any_value_anywhere_is_a_result_never_a_panic(
            at in 0usize..6,
            value in proptest::prelude::any::<String>(),
            status in 0u16..700,
        ) {
            const SLOTS: [&str; 6] = [
                "3C679366HH908993F", "COMPLETED", "100.00", "USD", "ORDER-1", "7KNGBPH2U58GQ",
            ];
            let escaped = serde_json::to_string(&value).unwrap();
            let body = CAPTURED.replace(&format!("\"{}\"", SLOTS[at]), &escaped);
            for r in [reply(status, &body), reply(201, &body), reply(200, &value)] {
                if let Ok(o) = parse_order_reply(&config(), "ORDER-1", &r) {
                    for p in &o.payments {
                        proptest::prop_assert!(p.amount.minor() >= 0);
                        proptest::prop_assert!(!p.event().key().is_empty());
                    }
                }
                let _ = parse_capture_reply(&config(), "ORDER-1", &r);
                let _ = parse_refund_reply(&config(), "ORDER-1", &r);
                let _ = crate::gateways::paypal::parse_token_reply(&r);
            }
        }
    }

    #[test]
    fn hostile_json_is_a_typed_error() {
        let deep = "[".repeat(100_000);
        let huge = format!(r#"{{"id": "{}"}}"#, "A".repeat(MAX_REPLY_BYTES));
        let bodies: Vec<Vec<u8>> = vec![
            b"".to_vec(), b"null".to_vec(), b"[]".to_vec(), b"{".to_vec(), deep.into_bytes(),
            huge.into_bytes(), vec![0xff, 0xfe, b'{', b'}'],
            br#"{"id": 5, "status": "COMPLETED"}"#.to_vec(),
            br#"{"id": "A", "status": "COMPLETED", "purchase_units": null}"#.to_vec(),
            br#"{"id": "A", "status": "COMPLETED", "purchase_units": [{"payments": {"captures": [{"id": "B", "status": "COMPLETED"}]}}]}"#.to_vec(),
            br#"{"id": "A", "status": "COMPLETED", "purchase_units": [{"payments": {"captures": [{"id": "B", "status": "COMPLETED", "amount": {"currency_code": "USD", "value": "99999999999999999999999"}}]}}]}"#.to_vec(),
            br#"{"id": "../x", "status": "COMPLETED"}"#.to_vec(),
            br#"{"id": "A", "status": "completed\u0000"}"#.to_vec(),
            br#"{"id": "A", "status": "CREATED", "links": [{"rel": "approve"}]}"#.to_vec(),
        ];
        for body in bodies {
            let r = Reply::Response {
                status: 200,
                body: body.clone(),
            };
            let e = parse_order_reply(&config(), "ORDER-1", &r).unwrap_err();
            assert!(
                !e.message().is_empty(),
                "{:?}",
                String::from_utf8_lossy(&body[..body.len().min(80)])
            );
            let _ = parse_refund_reply(&config(), "ORDER-1", &r);
            let _ = parse_capture_reply(&config(), "ORDER-1", &r);
        }
    }
}

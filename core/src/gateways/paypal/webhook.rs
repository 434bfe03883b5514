//! PayPal REST webhooks: the signed JSON notification PayPal posts for captures, refunds,
//! authorisations, approved orders and disputes, read strictly into an
//! [`Unverified<WebhookNotification>`], proven either by PayPal's verify endpoint
//! ([`verify_webhook_signature_request`], [`finish_postback`]) or offline against the signing
//! certificate ([`cert_request`], [`verify_offline`]), and then turned into the [`Event`] the
//! state machine applies.
//!
//! Event keys are those of the Orders v2 / Payments v2 replies (`orders/reply.rs`):
//! `paypal:<capture|authorization|refund>:<id>:<reported status>`, so a capture read from the
//! capture reply and again from its `PAYMENT.CAPTURE.COMPLETED` webhook is one fact,
//! `already_applied` the second time. Reversals and lost disputes have keys of their own
//! (`paypal:reversal:…`, `paypal:dispute:…`): no reply reports them.
//!
//! Sources: <https://developer.paypal.com/api/rest/webhooks/> (envelope),
//! <https://developer.paypal.com/api/rest/webhooks/event-names/> (event types and samples),
//! <https://developer.paypal.com/api/rest/webhooks/rest/> (delivery, retries, verification),
//! <https://developer.paypal.com/docs/api/customer-disputes/v1/> (dispute outcome codes).

mod signature;

pub use signature::{
    CERT_HOSTS, DEFAULT_TOLERANCE_SECS, Transmission, cert_request, cert_request_for,
    finish_postback, verify_offline, verify_offline_for, verify_webhook_signature_request,
};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{Error, ErrorCode, Result};
use crate::gateways::Gateway;
use crate::gateways::paypal::oauth::RestConfig;
use crate::gateways::paypal::orders::reply::{
    PaymentKind, WireMoney, WireParty, check_party, checked_id, checked_status,
    map_authorization_status, map_capture_status, map_refund_status,
};

/// Why a webhook naming another account as payee (or a refund's payer) is refused.
const PARTY_REFUSAL: &str = "the webhook names another PayPal account";
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// Largest webhook body read: PayPal's notifications are a few kilobytes (a dispute with its
/// messages is the largest).
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

/// What a webhook says happened, by event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookFact {
    /// `PAYMENT.CAPTURE.COMPLETED` / `PENDING` / `DENIED` / `REFUNDED`,
    /// `PAYMENT.AUTHORIZATION.CREATED` / `VOIDED`: the capture, refund or authorisation
    /// resource, read as the Payments v2 replies read it.
    Payment {
        /// What the resource is.
        kind: PaymentKind,
        /// PayPal's id of the capture, refund or authorisation.
        id: String,
        /// The resource's `status` verbatim (it, not the event type, decides the event).
        status: String,
        /// The resource's `amount` (a refund's is the refund's own).
        amount: Amount,
    },
    /// `PAYMENT.CAPTURE.REVERSED`: PayPal took a capture's money back (a chargeback).
    Reversal {
        /// The resource's id.
        id: String,
        /// The resource's `status`, when given.
        status: Option<String>,
        /// The amount taken back (PayPal may write it negative; it is read as its size).
        amount: Amount,
    },
    /// `CHECKOUT.ORDER.APPROVED`: the buyer approved the order; capture or authorise it
    /// (no money moved yet, so no event).
    OrderApproved {
        /// PayPal's order id.
        paypal_order_id: String,
    },
    /// `CUSTOMER.DISPUTE.*`: a chargeback event only when the outcome says the money left
    /// (`RESOLVED_BUYER_FAVOUR`, `ACCEPTED`); otherwise informational.
    Dispute {
        /// `dispute_id`.
        id: String,
        /// `status` (`OPEN`, `WAITING_FOR_SELLER_RESPONSE`, `RESOLVED` …), when given.
        status: Option<String>,
        /// `dispute_outcome.outcome_code`, once resolved.
        outcome: Option<String>,
        /// `dispute_outcome.amount_refunded`, else `dispute_amount`, when given.
        amount: Option<Amount>,
    },
    /// Any other event type: parsed, no event. Acknowledge it (HTTP 200) so PayPal stops
    /// delivering it.
    Other,
}

/// A webhook as PayPal posted it: the envelope, what its resource says, and the transmission
/// headers and raw body its verification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookNotification {
    /// The event's id (`WH-…`): the same for every delivery of one event.
    pub id: String,
    /// `event_type` verbatim (`PAYMENT.CAPTURE.COMPLETED` …).
    pub event_type: String,
    /// `resource_type` (`capture`, `refund`, `authorization`, `checkout-order`, `dispute`).
    pub resource_type: Option<String>,
    /// `create_time` verbatim.
    pub create_time: Option<String>,
    /// The shop's order id: the resource's `custom_id` / `invoice_id` (a dispute's
    /// `disputed_transactions[0].invoice_number` / `custom`), when it names one.
    pub order_id: Option<String>,
    /// What happened.
    pub fact: WebhookFact,
    /// The `PAYPAL-*` transmission headers.
    pub transmission: Transmission,
    webhook_id: String,
    raw_body: Vec<u8>,
    event: Option<Event>,
}

impl WebhookNotification {
    /// The body as received: what both verifications cover, byte for byte.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }
}

impl Verified<WebhookNotification> {
    /// The events for [`crate::state::transition`]: one for a capture, refund,
    /// authorisation, reversal or lost dispute; none for an approved order, an informational
    /// dispute or an event type vpos does not map.
    ///
    /// ```
    /// # use vpos_core::gateways::paypal::{RestConfig, parse_webhook};
    /// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
    /// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com",
    /// #     "webhook_id": "8PT597110X687430LKGECATA"}"#)?;
    /// # let headers: Vec<(String, String)> = [
    /// #     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
    /// #     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
    /// #     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
    /// #     ("PAYPAL-CERT-URL", "https://api.paypal.com/v1/notifications/certs/CERT-1"),
    /// #     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
    /// # ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
    /// use vpos_core::{Reply, gateways::paypal::finish_postback};
    /// let body = br#"{"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED",
    ///     "resource_type": "capture", "resource": {"id": "27M47624FP291604U",
    ///     "status": "COMPLETED", "custom_id": "ORDER-1",
    ///     "amount": {"currency_code": "USD", "value": "2.51"}}}"#;
    /// let unverified = parse_webhook(&config, &headers, body)?;
    /// let verdict = Reply::Response { status: 200, body: br#"{"verification_status": "SUCCESS"}"#.to_vec() };
    /// let events = finish_postback(unverified, &verdict)?.events();
    /// assert_eq!(events[0].key(), "paypal:capture:27M47624FP291604U:succeeded");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> Vec<Verified<Event>> {
        self.0.event.clone().map(Verified).into_iter().collect()
    }
}

#[derive(Deserialize)]
struct WireEnvelope {
    id: String,
    event_type: String,
    #[serde(default)]
    resource_type: Option<String>,
    #[serde(default)]
    create_time: Option<String>,
    #[serde(default)]
    event_version: Option<String>,
    #[serde(default)]
    resource_version: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    resource: Box<RawValue>,
}

#[derive(Deserialize)]
struct WirePayment {
    id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    amount: Option<WireMoney>,
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    invoice_id: Option<String>,
    #[serde(default)]
    payee: Option<WireParty>,
    /// On a refund: the merchant who refunded.
    #[serde(default)]
    payer: Option<WireParty>,
}

#[derive(Deserialize)]
struct WireOrder {
    id: String,
    #[serde(default)]
    purchase_units: Vec<WireUnit>,
}

#[derive(Deserialize)]
struct WireUnit {
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    invoice_id: Option<String>,
    #[serde(default)]
    payee: Option<WireParty>,
}

#[derive(Deserialize)]
struct WireDispute {
    dispute_id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    dispute_amount: Option<WireMoney>,
    #[serde(default)]
    dispute_outcome: Option<WireOutcome>,
    #[serde(default)]
    disputed_transactions: Vec<WireDisputed>,
}

#[derive(Deserialize)]
struct WireOutcome {
    #[serde(default)]
    outcome_code: Option<String>,
    #[serde(default)]
    amount_refunded: Option<WireMoney>,
}

#[derive(Deserialize)]
struct WireDisputed {
    #[serde(default)]
    invoice_number: Option<String>,
    #[serde(default)]
    custom: Option<String>,
}

/// Dispute outcomes after which the buyer has the money: the merchant lost it.
const MONEY_LEFT: [&str; 2] = ["RESOLVED_BUYER_FAVOUR", "ACCEPTED"];

/// Reads a webhook: `headers` as received (names in any case; each `PAYPAL-*` header once),
/// `body` the raw request body, kept byte for byte for verification. `config` must carry the
/// `webhook_id` PayPal gave the subscription (`invalid_config` otherwise): the offline
/// signature covers it.
///
/// The envelope needs `id`, `event_type` and an object `resource`; other envelope keys are
/// allowed (PayPal adds some). Mapped types: `PAYMENT.CAPTURE.COMPLETED` / `PENDING` /
/// `DENIED` / `REFUNDED` / `REVERSED`, `PAYMENT.AUTHORIZATION.CREATED` / `VOIDED`,
/// `CHECKOUT.ORDER.APPROVED`, `CUSTOMER.DISPUTE.*`; any other type is parsed into
/// [`WebhookFact::Other`] with no event. A money event needs the shop's order id in the
/// resource's `custom_id` or `invoice_id` (`field_missing`; two different ones are
/// `order_mismatch`), an exact amount (the PayPal amount rules: `amount_precision` past the
/// currency's decimals) and, where the resource names a payee (a refund: its payer), the
/// configured merchant (`merchant_mismatch`). A `resource_type` other than the event type's
/// is `field_invalid`.
///
/// ```
/// use vpos_core::gateways::paypal::{RestConfig, WebhookFact, parse_webhook};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com",
/// #     "webhook_id": "8PT597110X687430LKGECATA"}"#)?;
/// # let headers: Vec<(String, String)> = [
/// #     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
/// #     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
/// #     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
/// #     ("PAYPAL-CERT-URL", "https://api.paypal.com/v1/notifications/certs/CERT-1"),
/// #     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
/// # ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
/// let body = br#"{"id": "WH-2", "event_type": "PAYMENT.CAPTURE.REFUNDED", "resource_type": "refund",
///     "resource": {"id": "1JU08902781691411", "status": "COMPLETED", "invoice_id": "ORDER-1",
///     "amount": {"currency_code": "USD", "value": "1.00"}}}"#;
/// let n = parse_webhook(&config, &headers, body)?;
/// assert_eq!(n.untrusted().order_id.as_deref(), Some("ORDER-1"));
/// assert!(matches!(n.untrusted().fact, WebhookFact::Payment { ref amount, .. } if amount.minor() == 100));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_webhook(
    config: &RestConfig,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Unverified<WebhookNotification>> {
    let webhook_id = signature::configured_webhook_id(config)?;
    let text = signature::body_text(body)?;
    let transmission = Transmission::from_headers(headers)?;
    // One JSON object and nothing after it: the typed read below stops at the object's end,
    // and the post-back embeds the whole body, so trailing bytes would reach PayPal unread.
    match serde_json::from_str::<&RawValue>(text) {
        Ok(whole) if whole.get().starts_with('{') => {}
        _ => return Err(Error::invalid("body", "must be one JSON object")),
    }
    let wire: WireEnvelope = crate::json::from_str(text, ErrorCode::FieldInvalid)?;
    let id = envelope_id(&wire.id)?;
    let event_type = event_type(&wire.event_type)?;
    for (field, value) in [
        ("resource_type", &wire.resource_type),
        ("create_time", &wire.create_time),
        ("event_version", &wire.event_version),
        ("resource_version", &wire.resource_version),
    ] {
        crate::fields::optional(field, value.as_deref(), 64)?;
    }
    crate::fields::optional("summary", wire.summary.as_deref(), 1024)?;
    if !wire.resource.get().starts_with('{') {
        return Err(Error::invalid("resource", "must be a JSON object"));
    }
    let read = Reader {
        config,
        event_type: &event_type,
        resource_type: wire.resource_type.as_deref(),
        resource: wire.resource.get(),
    };
    let (order_id, fact, event) = read.resource()?;
    Ok(Unverified(WebhookNotification {
        id,
        event_type,
        resource_type: wire.resource_type,
        create_time: wire.create_time,
        order_id,
        fact,
        transmission,
        webhook_id,
        raw_body: body.to_vec(),
        event,
    }))
}

/// `WH-` ids: letters, digits and `-`, at most 128.
fn envelope_id(id: &str) -> Result<String> {
    if id.is_empty()
        || id.len() > 128
        || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Error::invalid(
            "id",
            "must be 1 to 128 letters, digits or -",
        ));
    }
    Ok(id.to_string())
}

/// `PAYMENT.CAPTURE.COMPLETED`: upper-case letters, digits, `.`, `_` and `-`, at most 128.
fn event_type(t: &str) -> Result<String> {
    if t.is_empty()
        || t.len() > 128
        || !t
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(Error::invalid(
            "event_type",
            "must be 1 to 128 upper-case letters, digits, '.', '_' or '-'",
        ));
    }
    Ok(t.to_string())
}

type Read = (Option<String>, WebhookFact, Option<Event>);

struct Reader<'a> {
    config: &'a RestConfig,
    event_type: &'a str,
    resource_type: Option<&'a str>,
    resource: &'a str,
}

impl Reader<'_> {
    fn resource(&self) -> Result<Read> {
        match self.event_type {
            "PAYMENT.CAPTURE.COMPLETED" | "PAYMENT.CAPTURE.PENDING" | "PAYMENT.CAPTURE.DENIED" => {
                self.payment(PaymentKind::Capture, &["capture"])
            }
            "PAYMENT.CAPTURE.REFUNDED" => self.payment(PaymentKind::Refund, &["refund"]),
            "PAYMENT.AUTHORIZATION.CREATED" | "PAYMENT.AUTHORIZATION.VOIDED" => {
                self.payment(PaymentKind::Authorization, &["authorization"])
            }
            "PAYMENT.CAPTURE.REVERSED" => self.reversal(),
            "CHECKOUT.ORDER.APPROVED" => self.order(),
            t if t.starts_with("CUSTOMER.DISPUTE.") => self.dispute(),
            _ => Ok((None, WebhookFact::Other, None)),
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        crate::json::from_str(self.resource, ErrorCode::FieldInvalid).map_err(|e| {
            let field = match e.field() {
                Some(f) => format!("resource.{f}"),
                None => "resource".to_string(),
            };
            e.with_field(field)
        })
    }

    /// A `resource_type` present must be the one the event type carries.
    fn expect_type(&self, allowed: &[&str]) -> Result<()> {
        match self.resource_type {
            Some(t) if !allowed.contains(&t) => Err(Error::invalid(
                "resource_type",
                format_args!(
                    "a {} event carries a {} resource",
                    self.event_type,
                    allowed.join(" or ")
                ),
            )),
            _ => Ok(()),
        }
    }

    fn event(
        &self,
        parts: [&str; 2],
        order_id: &str,
        id: &str,
        amount: Amount,
        (action, status): (Action, Reported),
        status_code: &str,
    ) -> Event {
        Event {
            gateway: Gateway::PaypalRest,
            key: event_key(&["paypal", parts[0], id, parts[1]]),
            merchant: self.config.merchant.clone(),
            order_id: order_id.to_string(),
            transaction_id: id.to_string(),
            amount,
            action,
            status,
            status_code: status_code.to_string(),
        }
    }

    fn payment(&self, kind: PaymentKind, types: &[&str]) -> Result<Read> {
        self.expect_type(types)?;
        let wire: WirePayment = self.parse()?;
        let id = checked_id("resource.id".into(), &wire.id)?;
        let status = checked_status(
            "resource.status".into(),
            wire.status.as_deref().unwrap_or_default(),
        )?;
        let amount = amount_of("resource.amount", wire.amount.as_ref(), false)?;
        let order_id = order_of(wire.custom_id.as_deref(), wire.invoice_id.as_deref())?;
        check_party(
            self.config,
            "resource.payee",
            wire.payee.as_ref(),
            PARTY_REFUSAL,
        )?;
        if kind == PaymentKind::Refund {
            check_party(
                self.config,
                "resource.payer",
                wire.payer.as_ref(),
                PARTY_REFUSAL,
            )?;
        }
        let mapped = match kind {
            PaymentKind::Capture => map_capture_status(&status),
            PaymentKind::Authorization => map_authorization_status(&status),
            PaymentKind::Refund => map_refund_status(&status),
        };
        // The key exactly as orders/reply.rs builds it for the same record.
        let event = self.event(
            [kind.as_str(), mapped.1.as_str()],
            &order_id,
            &id,
            amount,
            mapped,
            &status,
        );
        Ok((
            Some(order_id),
            WebhookFact::Payment {
                kind,
                id,
                status,
                amount,
            },
            Some(event),
        ))
    }

    fn reversal(&self) -> Result<Read> {
        self.expect_type(&["capture", "refund"])?;
        let wire: WirePayment = self.parse()?;
        let id = checked_id("resource.id".into(), &wire.id)?;
        let status = wire
            .status
            .as_deref()
            .map(|s| checked_status("resource.status".into(), s))
            .transpose()?;
        let amount = amount_of("resource.amount", wire.amount.as_ref(), true)?;
        let order_id = order_of(wire.custom_id.as_deref(), wire.invoice_id.as_deref())?;
        check_party(
            self.config,
            "resource.payee",
            wire.payee.as_ref(),
            PARTY_REFUSAL,
        )?;
        let reported = match status.as_deref() {
            None | Some("COMPLETED" | "REVERSED") => Reported::Succeeded,
            Some("PENDING") => Reported::Pending,
            Some("FAILED" | "DECLINED" | "CANCELLED") => Reported::Failed,
            Some(other) => Reported::Unknown(other.chars().take(32).collect()),
        };
        let code = status.clone().unwrap_or_else(|| "REVERSED".into());
        let event = self.event(
            ["reversal", reported.as_str()],
            &order_id,
            &id,
            amount,
            (Action::Chargeback, reported),
            &code,
        );
        Ok((
            Some(order_id),
            WebhookFact::Reversal { id, status, amount },
            Some(event),
        ))
    }

    fn order(&self) -> Result<Read> {
        self.expect_type(&["checkout-order"])?;
        let wire: WireOrder = self.parse()?;
        let paypal_order_id = checked_id("resource.id".into(), &wire.id)?;
        let order_id = match wire.purchase_units.as_slice() {
            [] => None,
            [unit] => {
                check_party(
                    self.config,
                    "resource.purchase_units.0.payee",
                    unit.payee.as_ref(),
                    PARTY_REFUSAL,
                )?;
                Some(order_of(
                    unit.custom_id.as_deref(),
                    unit.invoice_id.as_deref(),
                )?)
            }
            more => {
                return Err(Error::invalid(
                    "resource.purchase_units",
                    format_args!(
                        "has {} purchase units; vpos orders have exactly one",
                        more.len()
                    ),
                ));
            }
        };
        Ok((
            order_id,
            WebhookFact::OrderApproved { paypal_order_id },
            None,
        ))
    }

    fn dispute(&self) -> Result<Read> {
        self.expect_type(&["dispute"])?;
        let wire: WireDispute = self.parse()?;
        let id = checked_id("resource.dispute_id".into(), &wire.dispute_id)?;
        let status = wire
            .status
            .as_deref()
            .map(|s| checked_status("resource.status".into(), s))
            .transpose()?;
        let outcome = wire
            .dispute_outcome
            .as_ref()
            .and_then(|o| o.outcome_code.as_deref())
            .map(|c| checked_status("resource.dispute_outcome.outcome_code".into(), c))
            .transpose()?;
        let (field, money) = match wire
            .dispute_outcome
            .as_ref()
            .and_then(|o| o.amount_refunded.as_ref())
        {
            Some(m) => ("resource.dispute_outcome.amount_refunded", Some(m)),
            None => ("resource.dispute_amount", wire.dispute_amount.as_ref()),
        };
        let amount = money
            .map(|m| amount_of(field, Some(m), false))
            .transpose()?;
        let order_id = match wire.disputed_transactions.first() {
            Some(t) if t.invoice_number.is_some() || t.custom.is_some() => Some(
                order_of(t.custom.as_deref(), t.invoice_number.as_deref())
                    .map_err(|e| e.with_field("resource.disputed_transactions.0"))?,
            ),
            _ => None,
        };
        let lost = outcome.as_deref().is_some_and(|o| MONEY_LEFT.contains(&o));
        let event = if lost {
            let order = order_id
                .as_deref()
                .ok_or_else(|| Error::missing("resource.disputed_transactions.0.invoice_number"))?;
            let amount = amount.ok_or_else(|| Error::missing("resource.dispute_amount"))?;
            Some(self.event(
                ["dispute", Reported::Succeeded.as_str()],
                order,
                &id,
                amount,
                (Action::Chargeback, Reported::Succeeded),
                outcome.as_deref().unwrap_or_default(),
            ))
        } else {
            None
        };
        Ok((
            order_id,
            WebhookFact::Dispute {
                id,
                status,
                outcome,
                amount,
            },
            event,
        ))
    }
}

/// PayPal's money object as an exact [`Amount`]; `signed` lets a reversal's amount be
/// written negative (it is read as its size).
fn amount_of(field: &str, money: Option<&WireMoney>, signed: bool) -> Result<Amount> {
    let money = money.ok_or_else(|| Error::missing(field.to_string()))?;
    let currency = Currency::from_code(&money.currency_code)
        .map_err(|e| e.with_field(format!("{field}.currency_code")))?;
    let value = match money.value.strip_prefix('-') {
        Some(size) if signed => size,
        _ => money.value.as_str(),
    };
    super::parse_amount(value, currency).map_err(|e| e.with_field(format!("{field}.value")))
}

/// The shop's order id from `custom_id` and `invoice_id` (the orders slice sends both).
fn order_of(custom_id: Option<&str>, invoice_id: Option<&str>) -> Result<String> {
    let custom_id = custom_id.filter(|v| !v.is_empty());
    let invoice_id = invoice_id.filter(|v| !v.is_empty());
    let order = match (custom_id, invoice_id) {
        (Some(c), Some(i)) if c != i => {
            return Err(Error::new(
                ErrorCode::OrderMismatch,
                "custom_id and invoice_id name two different orders",
            )
            .with_field("resource.invoice_id"));
        }
        (Some(o), _) | (None, Some(o)) => o,
        (None, None) => return Err(Error::missing("resource.custom_id")),
    };
    crate::fields::required("resource.custom_id", order, 127)?;
    Ok(order.to_string())
}

#[cfg(test)]
mod tests;

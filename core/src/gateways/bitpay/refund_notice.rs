//! Refund notifications: BitPay's webhook when a refund's status changes. Unsigned, so a
//! trigger only: the refund it names is fetched on the merchant facade (signed
//! `GET /refunds/<id>?token=…`) and BitPay's answer decides.

use serde::Serialize;
use serde_json::value::RawValue;

use super::invoice::{Config, MAX_BODY_BYTES, id_char};
use super::v2::{Refund, read_refund, refund_fetch_request};
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Reply, require_content_type};
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// The refund statuses BitPay documents; a notification naming another is `field_invalid`.
const STATUSES: [&str; 6] = [
    "preview", "created", "pending", "success", "failure", "canceled",
];

/// What a refund notification claims: only the ids are used (to fetch the refund).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayRefundClaim"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundClaim {
    /// `data.id`: BitPay's refund id.
    pub id: String,
    /// `data.invoice`: the refunded invoice.
    pub invoice: String,
    /// `data.status` as claimed (never decides anything).
    pub status: String,
    /// `data.amount` in `data.currency`, as claimed (the answer's amount is the one used).
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `event.name` (`refund_success` …), when the envelope has one.
    pub event: Option<String>,
}

/// A refund notification: the claim, and once proven the refund BitPay answered.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "BitpayRefundNotification")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundNotification {
    /// What the notification claims.
    pub claimed: RefundClaim,
    /// What BitPay answered about the refund (set by [`verify_refund`]).
    pub refund: Option<Refund>,
    #[serde(skip)]
    raw: Vec<u8>,
}

impl RefundNotification {
    /// The raw body exactly as received: store it before acting on it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }
}

/// Whether a Bitpay notification body is about a refund rather than an invoice: its
/// `event.name` starts with `refund_`, or its `data` names an `invoice` and no `price`
/// (an invoice names a `price` and never an `invoice`). A body that is not JSON is not.
///
/// ```
/// use vpos_core::gateways::bitpay::is_refund_notification;
/// assert!(is_refund_notification(br#"{"event":{"code":3004,"name":"refund_success"},"data":{"id":"R1","invoice":"I1","status":"success"}}"#));
/// assert!(!is_refund_notification(br#"{"id":"I1","status":"paid","price":5,"currency":"USD"}"#));
/// ```
pub fn is_refund_notification(body: &[u8]) -> bool {
    if body.len() > MAX_BODY_BYTES {
        return false;
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let named = value
        .get("event")
        .and_then(|e| e.get("name"))
        .and_then(|n| n.as_str())
        .is_some_and(|n| n.starts_with("refund_"));
    let data = value.get("data").unwrap_or(&value);
    named || (data.get("invoice").is_some() && data.get("price").is_none())
}

fn claim_id(value: Option<&serde_json::Value>, field: &'static str) -> Result<String> {
    let text = match value {
        None | Some(serde_json::Value::Null) => return Err(Error::missing(field)),
        Some(serde_json::Value::String(s)) => s,
        Some(_) => return Err(Error::invalid(field, "is not a string")),
    };
    if text.is_empty() {
        return Err(Error::missing(field));
    }
    if text.len() > 100 || !text.chars().all(id_char) {
        return Err(Error::invalid(
            field,
            "a BitPay id is at most 100 letters, digits, '-' and '_'",
        ));
    }
    Ok(text.clone())
}

/// Parses a refund notification (`{"event": {"code", "name"}, "data": {"id", "invoice",
/// "status", …}}`, BitPay's extended format, the one it uses for refunds; a bare refund
/// object is read too). Strict: the refund and invoice ids must be BitPay ids, the status
/// one BitPay documents, `event.name` (when given) `refund_<something>`; anything else is a
/// typed error (`field_missing`, `field_invalid`, `body_too_large`, `content_type_mismatch`).
///
/// ```
/// use vpos_core::gateways::bitpay;
/// let body = br#"{"event":{"code":3004,"name":"refund_success"},
///     "data":{"id":"WoE46gSLkJQS48RJEiNw3L","invoice":"G3viJEJgE8Jk2oekSdgT2A","status":"success",
///             "amount":2.5,"currency":"EUR"}}"#;
/// let n = bitpay::parse_refund_notification("application/json", body)?;
/// assert_eq!(n.untrusted().claimed.id, "WoE46gSLkJQS48RJEiNw3L");
/// assert!(bitpay::parse_refund_notification("application/json", br#"{"data":{"id":"../x"}}"#).is_err());
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_refund_notification(
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<RefundNotification>> {
    require_content_type(content_type, &["application/json"], "Bitpay notifications")?;
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "refund notification JSON is too large",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| Error::invalid("notification", "is not a JSON object"))?;
    if !value.is_object() {
        return Err(Error::invalid("notification", "is not a JSON object"));
    }
    let event = match value.get("event") {
        None | Some(serde_json::Value::Null) => None,
        Some(e) => match e.get("name") {
            Some(serde_json::Value::String(name))
                if name.starts_with("refund_")
                    && name.len() <= 64
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                Some(name.clone())
            }
            _ => {
                return Err(Error::invalid(
                    "event.name",
                    "is not a BitPay refund event name (refund_…)",
                ));
            }
        },
    };
    let data = match value.get("data") {
        Some(d) if d.is_object() => d,
        Some(_) => return Err(Error::invalid("data", "is not a JSON object")),
        None if event.is_none() => &value,
        None => return Err(Error::missing("data")),
    };
    let id = claim_id(data.get("id"), "id")?;
    let invoice = claim_id(data.get("invoice"), "invoice")?;
    let status = match data.get("status") {
        Some(serde_json::Value::String(s)) if STATUSES.contains(&s.as_str()) => s.clone(),
        None | Some(serde_json::Value::Null) => return Err(Error::missing("status")),
        Some(_) => {
            return Err(Error::invalid(
                "status",
                "is not a BitPay refund status (created, pending, success, failure, canceled)",
            ));
        }
    };
    let currency = match data.get("currency") {
        Some(serde_json::Value::String(c)) => {
            Currency::from_code(c).map_err(|e| e.or_field("currency"))?
        }
        None | Some(serde_json::Value::Null) => return Err(Error::missing("currency")),
        Some(_) => return Err(Error::invalid("currency", "is not a string")),
    };
    // The amount as written (a JSON number token read as a decimal, never a float).
    let raw_amount = raw_amount(body, value.get("data").is_some())?;
    let amount = match data.get("amount") {
        Some(serde_json::Value::Number(_)) => Amount::parse(raw_amount.trim(), currency),
        Some(serde_json::Value::String(s)) => Amount::parse(s, currency),
        None | Some(serde_json::Value::Null) => return Err(Error::missing("amount")),
        Some(_) => return Err(Error::invalid("amount", "is not a number")),
    }
    .map_err(|e| e.or_field("amount"))?;
    Ok(Unverified(RefundNotification {
        claimed: RefundClaim {
            id,
            invoice,
            status,
            amount,
            event,
        },
        refund: None,
        raw: body.to_vec(),
    }))
}

#[derive(serde::Deserialize)]
struct AmountWire<'a> {
    #[serde(borrow, default)]
    amount: Option<&'a RawValue>,
}

#[derive(serde::Deserialize)]
struct EnvelopeWire<'a> {
    #[serde(borrow, default)]
    data: Option<AmountWire<'a>>,
}

/// The `amount` token of the refund object as written in the body.
fn raw_amount(body: &[u8], enveloped: bool) -> Result<String> {
    let bad = |_| Error::invalid("amount", "is not a number");
    let wire = if enveloped {
        serde_json::from_slice::<EnvelopeWire>(body)
            .map_err(bad)?
            .data
    } else {
        Some(serde_json::from_slice::<AmountWire>(body).map_err(bad)?)
    };
    Ok(wire
        .and_then(|w| w.amount)
        .map(|a| a.get().to_string())
        .unwrap_or_default())
}

/// Describes the fetch of the notified refund: `GET <api_url>/refunds/<id>?token=<merchant
/// token>`, signed (`X-Identity`, `X-Signature` over the URL). Without the merchant facade:
/// `invalid_config` on `merchant_token`; on the legacy API: `unsupported`.
///
/// ```
/// use vpos_core::gateways::bitpay;
/// let config: bitpay::Config = serde_json::from_value(serde_json::json!({"token": "PosT0ken",
///     "private_key": "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf",
///     "merchant_token": "MerchT0ken", "api_url": "https://test.bitpay.com",
///     "invoice_url": "https://test.bitpay.com/invoice"})).unwrap();
/// let n = bitpay::parse_refund_notification("application/json",
///     br#"{"event":{"code":3004,"name":"refund_success"},"data":{"id":"R1","invoice":"I1","status":"success","amount":1,"currency":"USD"}}"#)?;
/// let request = bitpay::refund_status_request(&config, &n)?;
/// assert_eq!(request.url, "https://test.bitpay.com/refunds/R1?token=MerchT0ken");
/// let header = |k: &str| request.headers.iter().find(|(n, _)| n == k).unwrap().1.clone();
/// bitpay::verify_signature(&header("X-Identity"), &request.url, &header("X-Signature"))?;
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn refund_status_request(
    config: &Config,
    notification: &Unverified<RefundNotification>,
) -> Result<HttpRequest> {
    refund_fetch_request(config, &notification.untrusted().claimed.id)
}

/// Verifies a refund notification with BitPay's answer to [`refund_status_request`]: the
/// answer must name the notified refund and invoice (else `signature_mismatch`); status,
/// amount, currency and reference come from the answer. Not HTTP 200 or no answer:
/// `gateway_unavailable` (BitPay delivers again); an `error`: `gateway_error`.
pub fn verify_refund(
    notification: Unverified<RefundNotification>,
    reply: &Reply,
) -> Result<Verified<RefundNotification>> {
    let mut n = notification.0;
    let refund = read_refund(reply)?;
    if refund.id != n.claimed.id || refund.invoice != n.claimed.invoice {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            "Bitpay's answer names another refund or invoice than the notification",
        )
        .with_field(if refund.id != n.claimed.id {
            "id"
        } else {
            "invoice"
        }));
    }
    n.refund = Some(refund);
    Ok(Verified(n))
}

impl Verified<RefundNotification> {
    /// The refund event from BitPay's answer, keyed `bitpay:refund:<refund id>:<status>` as
    /// the operation reply's, so a refund already moved by its reply is `already_applied`.
    /// The order id is the refund's `reference` (vpos writes the order id there); a refund
    /// without one (made in BitPay's dashboard) names no order, and no payment is found.
    pub fn event(&self) -> Event {
        let n = &self.0;
        match &n.refund {
            Some(refund) => {
                Verified(refund.clone()).event(refund.reference.as_deref().unwrap_or_default())
            }
            // Unreachable through `verify_refund`, which sets the answer: an event that can
            // never apply (no order, status unknown).
            None => Event {
                gateway: Gateway::Bitpay,
                key: event_key(&["bitpay", "refund", &n.claimed.id, "unproven"]),
                merchant: String::new(),
                order_id: String::new(),
                transaction_id: n.claimed.invoice.clone(),
                amount: n.claimed.amount,
                action: Action::Refund,
                status: Reported::Unknown("unproven".into()),
                status_code: "unproven".into(),
            },
        }
    }
}

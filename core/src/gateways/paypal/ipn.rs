//! IPN: the notification, its post-back, and `payment_status`.

use serde::Serialize;

use super::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::form::{Charset, Pairs, parse_urlencoded, parse_urlencoded_in};
use crate::gateways::Gateway;
use crate::http::require_content_type;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// Largest IPN body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A parsed IPN.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalNotification"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// `txn_id`.
    pub txn_id: String,
    /// `parent_txn_id` (set on refunds and reversals).
    pub parent_txn_id: Option<String>,
    /// `payment_status` verbatim (`Completed`, `Pending`, `Refunded` …).
    pub payment_status: String,
    /// `pending_reason`, when pending.
    pub pending_reason: Option<String>,
    /// `txn_type` (`web_accept`, `cart` …).
    pub txn_type: Option<String>,
    /// What the status means.
    pub action: Action,
    /// The mapped status.
    pub status: Reported,
    /// `mc_gross` in `mc_currency`, as a positive amount (refunds and reversals arrive negative).
    pub gross: Amount,
    /// `mc_fee`, when present.
    pub fee: Option<Amount>,
    /// `receiver_email`, else `business`.
    pub receiver: String,
    /// `invoice` (the shop's order id), else `custom`.
    pub order_id: Option<String>,
    /// `payer_email`.
    pub payer_email: Option<String>,
    /// `test_ipn=1`: sent from the sandbox.
    pub test: bool,
    /// The body's character set.
    pub charset: String,
    /// Every field, decoded, in order.
    pub fields: Vec<(String, String)>,
    #[serde(skip)]
    pub(crate) raw: Vec<u8>,
}

impl Notification {
    /// The raw body exactly as received: store it, and post it back byte for byte.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }
}

/// Maps `payment_status`: `Completed` paid; `Pending`, `Processed` pending; `Denied`,
/// `Failed` failed; `Expired`, `Voided` (an authorisation that lapsed) cancelled; `Refunded` a
/// refund; `Reversed` a chargeback. Anything else (`Canceled_Reversal` included: money coming
/// back after a dispute wants a person) is `Unknown`.
pub fn map_payment_status(status: &str) -> (Action, Reported) {
    match status {
        "Completed" => (Action::Sale, Reported::Succeeded),
        "Pending" | "Processed" => (Action::Sale, Reported::Pending),
        "Denied" | "Failed" => (Action::Sale, Reported::Failed),
        "Expired" | "Voided" => (Action::Sale, Reported::Cancelled),
        "Refunded" => (Action::Refund, Reported::Succeeded),
        "Reversed" => (Action::Chargeback, Reported::Succeeded),
        other => (
            Action::Sale,
            Reported::Unknown(other.chars().take(32).collect()),
        ),
    }
}

/// Parses an IPN. The body's `charset` field (PayPal's default is `windows-1252`) decides how
/// escaped bytes are read; the raw bytes are kept for the post-back.
pub fn parse_notification(
    _config: &Config,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>> {
    require_content_type(content_type, &["application/x-www-form-urlencoded"], "IPNs")?;
    // A form body is ASCII (non-ASCII is percent-encoded), which is what lets the post-back
    // carry it byte for byte.
    if !body.is_ascii() {
        return Err(Error::new(
            ErrorCode::InvalidEncoding,
            "an IPN body must be ASCII (percent-encoded)",
        ));
    }
    // The charset label is ASCII, so a Latin-1 reading finds it whatever the body's encoding.
    let label = parse_urlencoded_in(body, MAX_BODY_BYTES, Charset::Latin1)?
        .into_iter()
        .find(|(k, _)| k == "charset")
        .map_or_else(|| "windows-1252".to_string(), |(_, v)| v);
    let charset = Charset::from_label(&label).ok_or_else(|| {
        Error::invalid(
            "charset",
            format_args!("{label:?} is not a charset vpos reads"),
        )
    })?;
    let fields: Pairs = if charset == Charset::Utf8 {
        parse_urlencoded(body, MAX_BODY_BYTES)?
    } else {
        parse_urlencoded_in(body, MAX_BODY_BYTES, charset)?
    };
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let req = |name: &'static str| get(name).ok_or_else(|| Error::missing(name));
    let currency =
        Currency::from_code(req("mc_currency")?).map_err(|e| e.or_field("mc_currency"))?;
    let signed_amount = |name: &'static str| -> Result<Option<Amount>> {
        get(name)
            .map(|v| {
                super::parse_amount(v.strip_prefix('-').unwrap_or(v), currency)
                    .map_err(|e| e.or_field(name))
            })
            .transpose()
    };
    let gross = signed_amount("mc_gross")?.ok_or_else(|| Error::missing("mc_gross"))?;
    let payment_status = req("payment_status")?.to_string();
    let (action, status) = map_payment_status(&payment_status);
    let notification = Notification {
        txn_id: req("txn_id")?.to_string(),
        parent_txn_id: get("parent_txn_id").map(str::to_string),
        pending_reason: get("pending_reason").map(str::to_string),
        txn_type: get("txn_type").map(str::to_string),
        payment_status,
        action,
        status,
        gross,
        fee: signed_amount("mc_fee")?,
        receiver: get("receiver_email")
            .or_else(|| get("business"))
            .ok_or_else(|| Error::missing("receiver_email"))?
            .to_string(),
        order_id: get("invoice").or_else(|| get("custom")).map(str::to_string),
        payer_email: get("payer_email").map(str::to_string),
        test: get("test_ipn") == Some("1"),
        charset: charset.label().to_string(),
        raw: body.to_vec(),
        fields: fields.clone(),
    };
    Ok(Unverified(notification))
}

/// Describes the post-back: `cmd=_notify-validate&` followed by the received body, byte for
/// byte (re-encoding would change what PayPal compares), to the configured IPN URL.
pub fn postback_request(config: &Config, notification: &Unverified<Notification>) -> HttpRequest {
    let raw = &notification.untrusted().raw;
    HttpRequest {
        method: Method::Post,
        url: config.ipn_url.clone(),
        headers: vec![
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("User-Agent".into(), "vpos-ipn-verifier".into()),
        ],
        // `parse_notification` admitted only ASCII bodies, so this is the received bytes exactly.
        body: format!("cmd=_notify-validate&{}", String::from_utf8_lossy(raw)),
    }
}

/// Interprets the post-back reply: `200 VERIFIED` (exactly) verifies; `INVALID` is
/// [`ErrorCode::PostbackInvalid`]; anything else is [`ErrorCode::PostbackFailed`]. A verified
/// IPN for another receiver is [`ErrorCode::MerchantMismatch`].
pub fn verify_postback(
    config: &Config,
    notification: Unverified<Notification>,
    reply: &Reply,
) -> Result<Verified<Notification>> {
    match reply {
        Reply::Response { status: 200, body } if body.as_slice() == b"VERIFIED" => {}
        Reply::Response { status: 200, body } if body.as_slice() == b"INVALID" => {
            return Err(Error::new(
                ErrorCode::PostbackInvalid,
                "PayPal answered INVALID: it did not send this IPN",
            ));
        }
        Reply::Response { status, .. } => {
            return Err(Error::new(
                ErrorCode::PostbackFailed,
                format!("post-back answered HTTP {status} without a verdict"),
            ));
        }
        Reply::Failed { error } => {
            return Err(Error::new(
                ErrorCode::PostbackFailed,
                format!(
                    "post-back failed ({})",
                    error.chars().take(120).collect::<String>()
                ),
            ));
        }
    }
    let n = notification.0;
    if !n.receiver.eq_ignore_ascii_case(&config.business) {
        return Err(Error::new(
            ErrorCode::MerchantMismatch,
            "the IPN is for another PayPal account",
        )
        .with_field("receiver_email"));
    }
    Ok(Verified(n))
}

impl Verified<Notification> {
    /// The event. Key: `paypal:<txn_id>:<payment_status>` (PayPal sends `Pending` then
    /// `Completed` for one `txn_id`: two events; the same status twice is one).
    pub fn event(&self) -> Event {
        let n = &self.0;
        Event {
            gateway: Gateway::Paypal,
            key: event_key(&["paypal", &n.txn_id, &n.payment_status]),
            merchant: n.receiver.clone(),
            order_id: n.order_id.clone().unwrap_or_default(),
            transaction_id: n.txn_id.clone(),
            amount: n.gross,
            action: n.action,
            status: n.status.clone(),
            status_code: n.payment_status.clone(),
        }
    }
}

//! Remote XML requests: settle (capture), void, rebate (refund), and their signed replies.

use quick_xml::events::Event as XmlEvent;
use quick_xml::{Reader, XmlVersion};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::checkout::check_timestamp;
use super::{Config, hash, rebate_hash};
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};
use crate::xml;

/// Which Remote operation.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ElavonRemoteKind"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteKind {
    /// `settle`: capture an authorisation (all of it, or `amount`).
    Settle,
    /// `void`: cancel an authorisation or an unsettled payment.
    Void,
    /// `rebate`: refund a settled payment, in part or in full.
    Rebate,
}

impl RemoteKind {
    /// The request's `type` attribute: `"settle"`, `"void"` or `"rebate"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteKind::Settle => "settle",
            RemoteKind::Void => "void",
            RemoteKind::Rebate => "rebate",
        }
    }
}

/// An operation on a payment the HPP took.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "ElavonRemoteOperation")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteOperation {
    /// What to do.
    pub kind: RemoteKind,
    /// The payment's `ORDER_ID`.
    pub order_id: String,
    /// The payment's `PASREF`.
    pub pasref: String,
    /// The payment's `AUTHCODE`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub authcode: String,
    /// The amount (the payment's own amount for a full settle or void).
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `YYYYMMDDHHMMSS` from the host's clock.
    pub timestamp: String,
}

/// The one definition of a Remote request's `sha1hash`:
/// `TIMESTAMP.MERCHANT_ID.ORDER_ID.AMOUNT.CURRENCY.` (amount and currency empty for a void).
fn request_hash(fields: [&str; 5], secret: &str) -> String {
    let [timestamp, merchant_id, order_id, amount, currency] = fields;
    hash(
        &[timestamp, merchant_id, order_id, amount, currency, ""],
        secret,
    )
}

/// Describes the Remote XML request. Values are XML-escaped; the hash is
/// `TIMESTAMP.MERCHANT_ID.ORDER_ID.AMOUNT.CURRENCY.` (amount and currency empty for a void).
pub fn remote_request(config: &Config, op: &RemoteOperation) -> Result<HttpRequest> {
    config.validate()?;
    check_timestamp(&op.timestamp)?;
    let url = config
        .remote_url
        .clone()
        .ok_or_else(|| Error::config("remote_url", "is required for settle, void and rebate"))?;
    if op.pasref.is_empty() {
        return Err(Error::missing("pasref"));
    }
    let (amount, currency) = match op.kind {
        RemoteKind::Void => (String::new(), String::new()),
        _ => (
            op.amount.minor().to_string(),
            op.amount.currency().code().to_string(),
        ),
    };
    let sha1 = request_hash(
        [
            &op.timestamp,
            &config.merchant_id,
            &op.order_id,
            &amount,
            &currency,
        ],
        config.secret.expose(),
    );
    let e = xml::escape_text;
    let mut body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><request timestamp="{}" type="{}"><merchantid>{}</merchantid><account>{}</account><orderid>{}</orderid><pasref>{}</pasref>"#,
        e(&op.timestamp),
        op.kind.as_str(),
        e(&config.merchant_id),
        e(&config.account),
        e(&op.order_id),
        e(&op.pasref)
    );
    if !op.authcode.is_empty() {
        body.push_str(&format!("<authcode>{}</authcode>", e(&op.authcode)));
    }
    if op.kind != RemoteKind::Void {
        body.push_str(&format!(
            r#"<amount currency="{currency}">{amount}</amount>"#
        ));
    }
    if op.kind == RemoteKind::Rebate {
        let password = config
            .rebate_password
            .as_ref()
            .ok_or_else(|| Error::config("rebate_password", "is required for refunds"))?;
        body.push_str(&format!(
            "<refundhash>{}</refundhash>",
            rebate_hash(password.expose())
        ));
    }
    body.push_str(&format!("<sha1hash>{sha1}</sha1hash></request>"));
    Ok(HttpRequest {
        method: Method::Post,
        url,
        headers: vec![("Content-Type".into(), "application/xml".into())],
        body,
    })
}

/// Reads the Remote reply: verifies its `sha1hash`
/// (`timestamp.merchantid.orderid.result.message.pasref.authcode`) and turns a `00` result into
/// the event the operation means (settle: paid; void: cancelled; rebate: refunded by `amount`).
/// Another result is a verified failure: [`ErrorCode::GatewayError`].
pub fn parse_remote_response(
    config: &Config,
    op: &RemoteOperation,
    reply: &Reply,
) -> Result<Verified<Event>> {
    let body = reply.ok_body("Elavon")?;
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::new(ErrorCode::InvalidUtf8, "reply is not UTF-8"))?;
    let leaves = xml::leaves(text, "response")?;
    let get = |name: &str| {
        leaves
            .iter()
            .find(|l| l.path.len() == 2 && l.path[0] == "response" && l.path[1] == name)
            .map(|l| l.text.as_str())
    };
    let timestamp = xml::root_attribute(text, "timestamp", "response")?.unwrap_or_default();
    let result = get("result").ok_or_else(|| Error::missing("result"))?;
    let fields = [
        timestamp.as_str(),
        get("merchantid").unwrap_or_default(),
        get("orderid").unwrap_or_default(),
        result,
        get("message").unwrap_or_default(),
        get("pasref").unwrap_or_default(),
        get("authcode").unwrap_or_default(),
    ];
    let expected = hash(&fields, config.secret.expose());
    let received = get("sha1hash").unwrap_or_default().to_ascii_lowercase();
    if received.is_empty() || !bool::from(received.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            format!(
                "reply sha1hash does not match the shared secret. Hint: signed text: \
                 SHA1(SHA1(timestamp.merchantid.orderid.result.message.pasref.authcode as \
                 received).secret); expected key: the secret of merchant_id {}, account {}; \
                 expected alphabet: hex, either case",
                config.merchant_id, config.account
            ),
        )
        .with_field("sha1hash"));
    }
    if result != "00" {
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "Elavon refused the {}: {} {}",
                op.kind.as_str(),
                result,
                get("message").unwrap_or_default()
            ),
        )
        .with_field("result"));
    }
    let action = match op.kind {
        RemoteKind::Settle => Action::Sale,
        RemoteKind::Void => Action::Cancel,
        RemoteKind::Rebate => Action::Refund,
    };
    let pasref = get("pasref").unwrap_or_default();
    Ok(Verified(Event {
        gateway: Gateway::Elavon,
        key: event_key(&[
            "elavon",
            &config.merchant_id,
            &op.order_id,
            pasref,
            op.kind.as_str(),
            &timestamp,
        ]),
        merchant: config.merchant_id.clone(),
        order_id: op.order_id.clone(),
        transaction_id: pasref.to_string(),
        amount: op.amount,
        action,
        status: Reported::Succeeded,
        status_code: result.to_string(),
    }))
}

/// A Remote request as Elavon receives it: the gateway side of [`remote_request`], for
/// emulators and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteRequest {
    /// `type`: `settle`, `void` or `rebate`.
    pub kind: RemoteKind,
    /// `timestamp`.
    pub timestamp: String,
    /// `merchantid`.
    pub merchant_id: String,
    /// `account`.
    pub account: String,
    /// `orderid`.
    pub order_id: String,
    /// `pasref`.
    pub pasref: String,
    /// `authcode` (empty when absent).
    pub authcode: String,
    /// `<amount currency="…">` in minor units; `None` for a void (which carries none).
    pub amount: Option<Amount>,
    #[serde(skip)]
    sha1hash: String,
    #[serde(skip)]
    refundhash: String,
}

/// Largest Remote request read.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Reads a Remote request body with core's strict XML reader (no DOCTYPE, bounded). An unknown
/// `type`, an amount that is not canonical minor units (`"0100"`, `"1.00"`) or an unknown
/// currency is refused; nothing is trusted until [`verify_remote_request`].
///
/// ```
/// use vpos_core::gateways::elavon::{self, RemoteKind};
/// let config: elavon::Config = serde_json::from_str(r#"{"merchant_id": "thestore",
///     "account": "internet", "secret": "mysecret", "rebate_password": "rebate",
///     "checkout_url": "https://pay.sandbox.realexpayments.com/pay",
///     "remote_url": "https://api.sandbox.realexpayments.com/epage-remote.cgi"}"#)?;
/// let op: elavon::RemoteOperation = serde_json::from_value(serde_json::json!({
///     "kind": "rebate", "order_id": "ORD-1", "pasref": "14610544313177922",
///     "amount": {"minor": 500, "currency": "EUR"}, "timestamp": "20240101120000"}))?;
/// let body = elavon::remote_request(&config, &op)?.body;
/// let request = elavon::parse_remote_request(body.as_bytes())?;
/// let request = elavon::verify_remote_request(request, "mysecret", "rebate")?;
/// assert_eq!((request.kind, request.amount), (RemoteKind::Rebate, Some(op.amount)));
/// let again = elavon::parse_remote_request(body.as_bytes())?;
/// let e = elavon::verify_remote_request(again, "mysecret", "another").unwrap_err();
/// assert_eq!((e.code().as_str(), e.field()), ("signature_mismatch", Some("refundhash")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_remote_request(body: &[u8]) -> Result<Unverified<RemoteRequest>> {
    if body.len() > MAX_REQUEST_BYTES {
        return Err(Error::invalid(
            "request",
            format_args!("is larger than {MAX_REQUEST_BYTES} bytes"),
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::new(ErrorCode::InvalidUtf8, "request is not UTF-8"))?;
    let leaves = xml::leaves(text, "request")?;
    if leaves.first().is_none_or(|l| l.path[0] != "request") {
        return Err(Error::invalid(
            "request",
            "the root element must be <request>",
        ));
    }
    let get = |name: &str| -> Result<String> {
        let mut found = leaves
            .iter()
            .filter(|l| l.path.len() == 2 && l.path[1] == name);
        let first = found.next().map(|l| l.text.clone()).unwrap_or_default();
        if found.next().is_some() {
            return Err(Error::invalid(name.to_string(), "appears twice"));
        }
        Ok(first)
    };
    let kind = match xml::root_attribute(text, "type", "request")?.as_deref() {
        Some("settle") => RemoteKind::Settle,
        Some("void") => RemoteKind::Void,
        Some("rebate") => RemoteKind::Rebate,
        _ => return Err(Error::invalid("type", "must be settle, void or rebate")),
    };
    let timestamp = xml::root_attribute(text, "timestamp", "request")?.unwrap_or_default();
    let amount = match kind {
        RemoteKind::Void => None,
        _ => {
            let minor_text = get("amount")?;
            let currency = amount_currency(text)?.ok_or_else(|| Error::missing("currency"))?;
            let currency = Currency::from_code(&currency).map_err(|e| e.or_field("currency"))?;
            let minor = minor_text
                .parse::<i64>()
                .ok()
                .filter(|m| *m >= 0 && m.to_string() == minor_text)
                .ok_or_else(|| Error::invalid("amount", "must be minor units, digits only"))?;
            Some(Amount::from_minor(minor, currency)?)
        }
    };
    Ok(Unverified(RemoteRequest {
        kind,
        timestamp,
        merchant_id: get("merchantid")?,
        account: get("account")?,
        order_id: get("orderid")?,
        pasref: get("pasref")?,
        authcode: get("authcode")?,
        amount,
        sha1hash: get("sha1hash")?,
        refundhash: get("refundhash")?,
    }))
}

/// The `currency` attribute of the first `<amount>`. Runs only on text [`xml::leaves`] has
/// already accepted, so the markup is known to be well formed and DOCTYPE-free.
fn amount_currency(text: &str) -> Result<Option<String>> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::invalid("currency", format_args!("is not acceptable XML: {e}"))
    };
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            XmlEvent::Start(e) | XmlEvent::Empty(e) if e.local_name().as_ref() == "amount" => {
                for attribute in e.attributes() {
                    let attribute = attribute.map_err(|e| bad(&e))?;
                    if attribute.key.local_name().as_ref() == "currency" {
                        let value = attribute
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map_err(|e| bad(&e))?;
                        return Ok(Some(value.into_owned()));
                    }
                }
                return Ok(None);
            }
            XmlEvent::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// Checks a Remote request as Elavon does: `sha1hash` against `secret` (the same definition
/// [`remote_request`] signs with), and for a `rebate` its `refundhash` against
/// [`rebate_hash`]`(rebate_password)`, both in constant time. A mismatch is
/// [`ErrorCode::SignatureMismatch`] naming `sha1hash` or `refundhash`. Whether `merchantid`
/// is the expected merchant is the caller's to check.
pub fn verify_remote_request(
    request: Unverified<RemoteRequest>,
    secret: &str,
    rebate_password: &str,
) -> Result<Verified<RemoteRequest>> {
    let r = request.0;
    let (amount, currency) = match r.amount {
        Some(a) => (a.minor().to_string(), a.currency().code()),
        None => (String::new(), ""),
    };
    let expected = request_hash(
        [&r.timestamp, &r.merchant_id, &r.order_id, &amount, currency],
        secret,
    );
    let same = |received: &str, expected: &str| {
        !received.is_empty()
            && bool::from(
                received
                    .to_ascii_lowercase()
                    .as_bytes()
                    .ct_eq(expected.as_bytes()),
            )
    };
    if !same(&r.sha1hash, &expected) {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            "sha1hash does not match the shared secret",
        )
        .with_field("sha1hash"));
    }
    if r.kind == RemoteKind::Rebate && !same(&r.refundhash, &rebate_hash(rebate_password)) {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            "refundhash does not match the rebate password",
        )
        .with_field("refundhash"));
    }
    Ok(Verified(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        serde_json::from_str(
            r#"{"merchant_id":"thestore","account":"internet","secret":"mysecret",
                "rebate_password":"rebate","checkout_url":"https://pay.sandbox.realexpayments.com/pay",
                "remote_url":"https://api.sandbox.realexpayments.com/epage-remote.cgi"}"#,
        )
        .unwrap()
    }

    fn body(kind: &str) -> String {
        let op: RemoteOperation = serde_json::from_value(serde_json::json!({
            "kind": kind, "order_id": "A&1", "pasref": "P1", "authcode": "123",
            "amount": {"minor": 2990, "currency": "EUR"}, "timestamp": "20240101120000"}))
        .unwrap();
        remote_request(&config(), &op).unwrap().body
    }

    #[test]
    fn every_request_core_writes_verifies_on_the_gateway_side() {
        for kind in ["settle", "void", "rebate"] {
            let r = parse_remote_request(body(kind).as_bytes()).unwrap();
            let r = verify_remote_request(r, "mysecret", "rebate").unwrap();
            assert_eq!((r.order_id.as_str(), r.authcode.as_str()), ("A&1", "123"));
            assert_eq!(
                r.amount.map(Amount::minor),
                (kind != "void").then_some(2990)
            );
            let r = parse_remote_request(body(kind).as_bytes()).unwrap();
            let e = verify_remote_request(r, "othersecret", "rebate").unwrap_err();
            assert_eq!(e.field(), Some("sha1hash"));
        }
    }

    #[test]
    fn hostile_or_malformed_requests_are_typed_errors() {
        let rebate = body("rebate");
        for (text, field) in [
            (rebate.replace("type=\"rebate\"", "type=\"auth\""), "type"),
            (rebate.replace(">2990<", ">02990<"), "amount"),
            (rebate.replace(">2990<", ">29.90<"), "amount"),
            (
                rebate.replace("currency=\"EUR\"", "currency=\"XXZ\""),
                "currency",
            ),
            (rebate.replace("currency=\"EUR\"", ""), "currency"),
            (
                rebate.replace(
                    "<pasref>P1</pasref>",
                    "<pasref>P1</pasref><pasref>P2</pasref>",
                ),
                "pasref",
            ),
            (
                rebate.replace("<request ", "<!DOCTYPE r [<!ENTITY x \"y\">]><request "),
                "request",
            ),
            ("<response type=\"settle\"/>".to_string(), "request"),
        ] {
            let e = parse_remote_request(text.as_bytes()).unwrap_err();
            assert_eq!(e.field(), Some(field), "{text}: {e}");
        }
        let e = parse_remote_request(&[0xff, 0xfe]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidUtf8);
    }
}

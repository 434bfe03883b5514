//! Remote XML requests: settle (capture), void, rebate (refund), and their signed replies.

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use super::checkout::check_timestamp;
use super::{Config, hash};
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::Gateway;
use crate::hex::hex;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::Amount;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;
use crate::xml;

/// Which Remote operation.
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
    fn as_str(self) -> &'static str {
        match self {
            RemoteKind::Settle => "settle",
            RemoteKind::Void => "void",
            RemoteKind::Rebate => "rebate",
        }
    }
}

/// An operation on a payment the HPP took.
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
    pub authcode: String,
    /// The amount (the payment's own amount for a full settle or void).
    pub amount: Amount,
    /// `YYYYMMDDHHMMSS` from the host's clock.
    pub timestamp: String,
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
    let sha1 = hash(
        &[
            &op.timestamp,
            &config.merchant_id,
            &op.order_id,
            &amount,
            &currency,
            "",
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
            hex(&Sha1::digest(password.expose().as_bytes()))
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
    let body = match reply {
        Reply::Response { status: 200, body } => body,
        Reply::Response { status, .. } => {
            return Err(Error::new(
                ErrorCode::GatewayUnavailable,
                format!("Elavon answered HTTP {status}"),
            ));
        }
        Reply::Failed { error } => {
            return Err(Error::new(
                ErrorCode::GatewayUnavailable,
                format!(
                    "no answer from Elavon ({})",
                    error.chars().take(120).collect::<String>()
                ),
            ));
        }
    };
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
            "reply sha1hash does not match the shared secret",
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

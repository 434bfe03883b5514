//! The HPP response POST to `MERCHANT_RESPONSE_URL`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use subtle::ConstantTimeEq;

use super::checkout::{check_order_id, check_timestamp};
use super::{Config, HashAlgorithm};
use crate::error::{Error, ErrorCode, Result};
use crate::form::parse_urlencoded;
use crate::gateways::Gateway;
use crate::http::require_content_type;
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// Largest response body accepted.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// A parsed HPP response.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ElavonNotification"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// `MERCHANT_ID`.
    pub merchant_id: String,
    /// `ORDER_ID`.
    pub order_id: String,
    /// `TIMESTAMP`.
    pub timestamp: String,
    /// `RESULT` (`00` success).
    pub result: String,
    /// `MESSAGE`.
    pub message: String,
    /// `PASREF`: Realex's reference (needed to settle, void or refund).
    pub pasref: String,
    /// `AUTHCODE`.
    pub authcode: String,
    /// `AMOUNT` with `CURRENCY` (or the configured currency when the HPP omits it).
    pub amount: Amount,
    /// Whether the values arrived base64-encoded (and were decoded before hashing).
    pub base64_values: bool,
    /// Every field as received (decoded when `base64_values`), in order.
    pub fields: Vec<(String, String)>,
    #[serde(skip)]
    pub(crate) sha1hash: String,
    #[serde(skip)]
    pub(crate) sha256hash: String,
    #[serde(skip)]
    pub(crate) auto_settle: bool,
    #[serde(skip)]
    pub(crate) raw: Vec<u8>,
}

impl Notification {
    /// The raw body exactly as received: store it before acting on it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }
}

/// Maps `RESULT`: `00` authorised (paid when auto-settled), `1xx` declined, `2xx` bank error,
/// `3xx` gateway error, `5xx` request or configuration error, `666` account deactivated.
/// Anything else is `Unknown`.
pub fn map_result(result: &str, auto_settle: bool) -> Reported {
    let digits = !result.is_empty() && result.bytes().all(|b| b.is_ascii_digit());
    match result {
        "00" if auto_settle => Reported::Succeeded,
        "00" => Reported::Authorized,
        "666" => Reported::Failed,
        r if digits && r.len() == 3 && matches!(r.as_bytes()[0], b'1' | b'2' | b'3' | b'5') => {
            Reported::Failed
        }
        r => Reported::Unknown(r.chars().take(8).collect()),
    }
}

/// Parses the response POST. Values may arrive base64-encoded (Global Payments SDK issue 3);
/// [`verify`] tries them as sent, then decoded, and only a matching hash decides. Every field
/// the hash covers except `MESSAGE` is read with its own characters, none of them `.`
/// (`field_invalid`): `TIMESTAMP` `YYYYMMDDHHMMSS`, `ORDER_ID` as on the form, `RESULT` 1 to 3
/// digits, `PASREF` and `AUTHCODE` letters, digits, `-` or `_` (or empty).
pub fn parse_notification(
    config: &Config,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>> {
    require_content_type(
        content_type,
        &["application/x-www-form-urlencoded"],
        "HPP responses",
    )?;
    let fields = parse_urlencoded(body, MAX_BODY_BYTES)?;
    match build(config, fields.clone(), false, body) {
        Ok(n) => Ok(n),
        // Values that only make sense base64-decoded are read that way; the hash decides.
        Err(e) => match decode_all(&fields) {
            Some(decoded) => build(config, decoded, true, body).map_err(|_| e),
            None => Err(e),
        },
    }
}

/// Every value base64-decoded to UTF-8 (`SHA1HASH` and `SHA256HASH` as they are), or `None`
/// if one is not.
fn decode_all(fields: &[(String, String)]) -> Option<Vec<(String, String)>> {
    fields
        .iter()
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case("SHA1HASH") || k.eq_ignore_ascii_case("SHA256HASH") {
                return Some((k.clone(), v.clone()));
            }
            STANDARD
                .decode(v)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .map(|d| (k.clone(), d))
        })
        .collect()
}

fn build(
    config: &Config,
    fields: Vec<(String, String)>,
    base64_values: bool,
    raw: &[u8],
) -> Result<Unverified<Notification>> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let req = |name: &'static str| {
        get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::missing(name))
    };
    let currency = match get("CURRENCY").filter(|c| !c.is_empty()) {
        Some(c) => Currency::from_code(c).map_err(|e| e.or_field("CURRENCY"))?,
        None => config.currency.ok_or_else(|| Error::missing("CURRENCY"))?,
    };
    let minor = req("AMOUNT")?;
    if minor.len() > 18 || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("AMOUNT", "must be minor units, digits only"));
    }
    let amount = Amount::from_minor(minor.parse().unwrap_or(0), currency)?;
    let merchant_id = req("MERCHANT_ID")?;
    check_id("MERCHANT_ID", merchant_id, b"-_.")?;
    let order_id = req("ORDER_ID")?;
    check_order_id(order_id)?;
    let timestamp = req("TIMESTAMP")?;
    check_timestamp(timestamp)?;
    let result = req("RESULT")?;
    if result.len() > 3 || !result.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("RESULT", "must be 1 to 3 digits"));
    }
    let pasref = get("PASREF").unwrap_or_default();
    let authcode = get("AUTHCODE").unwrap_or_default();
    for (name, value) in [("PASREF", pasref), ("AUTHCODE", authcode)] {
        if !value.is_empty() {
            check_id(name, value, b"-_")?;
        }
    }
    let notification = Notification {
        merchant_id: merchant_id.to_string(),
        order_id: order_id.to_string(),
        timestamp: timestamp.to_string(),
        result: result.to_string(),
        message: get("MESSAGE").unwrap_or_default().to_string(),
        pasref: pasref.to_string(),
        authcode: authcode.to_string(),
        amount,
        base64_values,
        sha1hash: get("SHA1HASH").unwrap_or_default().to_string(),
        sha256hash: get("SHA256HASH").unwrap_or_default().to_string(),
        auto_settle: config.auto_settle,
        raw: raw.to_vec(),
        fields: fields.clone(),
    };
    Ok(Unverified(notification))
}

/// 1–50 ASCII letters, digits or one of `extra`.
///
/// The response hash joins `TIMESTAMP.MERCHANT_ID.ORDER_ID.RESULT.MESSAGE.PASREF.AUTHCODE`
/// with dots. Were a dot allowed outside `MESSAGE` (and the configured `MERCHANT_ID`), the
/// customer whose browser relays the response could move the boundaries along a dot in
/// `MESSAGE`: `MESSAGE=Authorised. Ref 9`, `PASREF=3737468273643`, `AUTHCODE=79347` and
/// `MESSAGE=Authorised`, `PASREF= Ref 9`, `AUTHCODE=3737468273643.79347` share one hash, and
/// the host would store a `PASREF` it cannot settle. With every other field dot-free the
/// split is unique.
fn check_id(name: &'static str, value: &str, extra: &[u8]) -> Result<()> {
    if value.is_empty()
        || value.len() > 50
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
    {
        let allowed = if extra.contains(&b'.') {
            "letters, digits, - _ or ."
        } else {
            "letters, digits, - or _"
        };
        return Err(Error::invalid(
            name,
            format_args!("must be 1 to 50 {allowed}"),
        ));
    }
    Ok(())
}

/// Only the configured algorithm's field counts: a response carrying the other one alone is
/// refused, so that an account moved to SHA-256 cannot be answered with SHA-1.
fn hash_matches(config: &Config, n: &Notification) -> bool {
    let algorithm = config.hash_algorithm;
    let expected = algorithm.hash(
        &[
            &n.timestamp,
            &n.merchant_id,
            &n.order_id,
            &n.result,
            &n.message,
            &n.pasref,
            &n.authcode,
        ],
        config.secret.expose(),
    );
    let received = match algorithm {
        HashAlgorithm::Sha1 => &n.sha1hash,
        HashAlgorithm::Sha256 => &n.sha256hash,
    }
    .to_ascii_lowercase();
    !received.is_empty() && bool::from(received.as_bytes().ct_eq(expected.as_bytes()))
}

/// Verifies `SHA1HASH` (or `SHA256HASH` when the configuration's `hash_algorithm` is
/// `sha256`; the other field alone is refused) over
/// `TIMESTAMP.MERCHANT_ID.ORDER_ID.RESULT.MESSAGE.PASREF.AUTHCODE` (constant time), first
/// with the values as sent, then base64-decoded.
pub fn verify(
    config: &Config,
    notification: Unverified<Notification>,
) -> Result<Verified<Notification>> {
    let n = notification.0;
    if hash_matches(config, &n) {
        return check_merchant(config, n);
    }
    // Decoded values that do not read as a response cannot be the one the hash covers.
    if let Some(fields) = decode_all(&n.fields).filter(|_| !n.base64_values)
        && let Ok(Unverified(candidate)) = build(config, fields, true, &n.raw)
        && hash_matches(config, &candidate)
    {
        return check_merchant(config, candidate);
    }
    let (field, h) = match config.hash_algorithm {
        HashAlgorithm::Sha1 => ("SHA1HASH", "SHA1"),
        HashAlgorithm::Sha256 => ("SHA256HASH", "SHA256"),
    };
    Err(Error::new(
        ErrorCode::SignatureMismatch,
        format!(
            "{field} does not match the shared secret. Hint: signed text: \
             {h}({h}(TIMESTAMP.MERCHANT_ID.ORDER_ID.RESULT.MESSAGE.PASREF.AUTHCODE as received, \
             or base64-decoded).secret); expected key: the secret of merchant_id {}, account {}; \
             expected alphabet: hex, either case",
            config.merchant_id, config.account
        ),
    )
    .with_field(field))
}

fn check_merchant(config: &Config, n: Notification) -> Result<Verified<Notification>> {
    if n.merchant_id != config.merchant_id {
        return Err(Error::new(
            ErrorCode::MerchantMismatch,
            "the response is for another merchant",
        )
        .with_field("MERCHANT_ID"));
    }
    Ok(Verified(n))
}

impl Verified<Notification> {
    /// The event. Key: `elavon:<merchant>:<order>:<pasref>:<result>`.
    pub fn event(&self) -> Event {
        let n = &self.0;
        Event {
            gateway: Gateway::Elavon,
            key: event_key(&["elavon", &n.merchant_id, &n.order_id, &n.pasref, &n.result]),
            merchant: n.merchant_id.clone(),
            order_id: n.order_id.clone(),
            transaction_id: n.pasref.clone(),
            amount: n.amount,
            action: Action::Sale,
            status: map_result(&n.result, n.auto_settle),
            status_code: n.result.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::encode_urlencoded;

    // Computed apart from this code, with Python's hashlib over
    // "20130814122239.thestore.ORD453-11.00.[ test system ] Authorised.3737468273643.79347":
    //   inner = H(fields).hexdigest(); H((inner + ".mysecret").encode()).hexdigest()
    const SHA1: &str = "ca04907e725010c8bb6f82bc20bc3871369a6cfc";
    const SHA256: &str = "d5be369286c8b4c6e8a1a25ba5672caabbfd70319e2635a67d54c37e38052401";

    fn config(algorithm: &str) -> Config {
        serde_json::from_value(serde_json::json!({"merchant_id": "thestore",
            "account": "internet", "secret": "mysecret", "hash_algorithm": algorithm,
            "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay"}))
        .unwrap()
    }

    fn body(hashes: &[(&str, &str)]) -> String {
        let mut fields = vec![
            ("TIMESTAMP", "20130814122239"),
            ("MERCHANT_ID", "thestore"),
            ("ORDER_ID", "ORD453-11"),
            ("AMOUNT", "29900"),
            ("CURRENCY", "EUR"),
            ("RESULT", "00"),
            ("MESSAGE", "[ test system ] Authorised"),
            ("PASREF", "3737468273643"),
            ("AUTHCODE", "79347"),
        ];
        fields.extend_from_slice(hashes);
        encode_urlencoded(fields)
    }

    fn check(config: &Config, body: &str) -> Result<Verified<Notification>> {
        let n = parse_notification(config, "application/x-www-form-urlencoded", body.as_bytes())?;
        verify(config, n)
    }

    #[test]
    fn each_algorithm_verifies_its_own_field() {
        check(&config("sha1"), &body(&[("SHA1HASH", SHA1)])).unwrap();
        let upper = SHA256.to_ascii_uppercase();
        for sha256 in [SHA256, upper.as_str()] {
            let verified = check(&config("sha256"), &body(&[("SHA256HASH", sha256)])).unwrap();
            assert_eq!(verified.event().transaction_id, "3737468273643");
        }
        // Both present: only the configured one is read.
        let both = body(&[("SHA1HASH", "0"), ("SHA256HASH", SHA256)]);
        check(&config("sha256"), &both).unwrap();
    }

    #[test]
    fn a_response_carrying_only_the_other_hash_is_refused() {
        for (algorithm, hashes, field) in [
            ("sha256", [("SHA1HASH", SHA1)], "SHA256HASH"),
            ("sha1", [("SHA256HASH", SHA256)], "SHA1HASH"),
            // The SHA-256 value under the SHA-1 name, and the other way round.
            ("sha256", [("SHA256HASH", SHA1)], "SHA256HASH"),
            ("sha1", [("SHA1HASH", SHA256)], "SHA1HASH"),
            ("sha256", [("SHA256HASH", "")], "SHA256HASH"),
        ] {
            let e = check(&config(algorithm), &body(&hashes)).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::SignatureMismatch, Some(field)),
                "{algorithm} {hashes:?}"
            );
            assert!(!e.message().contains("mysecret"));
        }
    }

    #[test]
    fn base64_values_verify_under_sha256_too() {
        let enc = |v: &str| STANDARD.encode(v);
        let fields: Vec<(String, String)> = [
            ("TIMESTAMP", "20130814122239"),
            ("MERCHANT_ID", "thestore"),
            ("ORDER_ID", "ORD453-11"),
            ("AMOUNT", "29900"),
            ("CURRENCY", "EUR"),
            ("RESULT", "00"),
            ("MESSAGE", "[ test system ] Authorised"),
            ("PASREF", "3737468273643"),
            ("AUTHCODE", "79347"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), enc(v)))
        .chain([("SHA256HASH".to_string(), SHA256.to_string())])
        .collect();
        let body = encode_urlencoded(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let verified = check(&config("sha256"), &body).unwrap();
        assert!(verified.0.base64_values);
    }
}

//! Redsys notifications by HTTP POST (`Ds_SignatureVersion`, `Ds_MerchantParameters`,
//! `Ds_Signature`, form-encoded), verified locally with the merchant key.

use std::borrow::Cow;

use serde::Serialize;

use super::Config;
use super::sign::{SignatureVersion, decode_parameters};
use super::status::{map_status, normalize_response};
use crate::error::{Error, ErrorCode, Result};
use crate::form::{Charset, parse_borrowed};
use crate::gateways::Gateway;
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};
use crate::xml;

/// Largest notification body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How the notification arrived.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "RedsysNotificationFormat")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Form-encoded HTTP POST to `DS_MERCHANT_MERCHANTURL`.
    Http,
    /// SOAP `procesaNotificacionSIS` (synchronous notification); the answer is a signed envelope.
    Soap,
    /// The JSON reply to a REST operation the host made (not a notification: nothing to answer).
    Rest,
}

/// A parsed Redsys notification. The decoded parameters are kept in full (keys as sent, values
/// URL-decoded where they were encoded), the typed fields beside them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysNotification"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// HTTP POST or SOAP.
    pub format: Format,
    /// `Ds_SignatureVersion` as received (SOAP notifications are always `HMAC_SHA256_V1`).
    pub signature_version: String,
    /// `Ds_Order`.
    pub order: String,
    /// `Ds_Amount` in `Ds_Currency`.
    pub amount: Amount,
    /// `Ds_MerchantCode`.
    pub merchant_code: String,
    /// `Ds_Terminal`.
    pub terminal: Option<String>,
    /// `Ds_Response` normalised to four digits.
    pub response: String,
    /// `Ds_TransactionType`.
    pub transaction_type: String,
    /// What the response means for this transaction type.
    pub action: Action,
    /// The mapped status.
    pub status: Reported,
    /// `Ds_AuthorisationCode`.
    pub authorisation_code: Option<String>,
    /// `Ds_ErrorCode` (`SIS…`), when Redsys sends one.
    pub error_code: Option<String>,
    /// `Ds_MerchantData`.
    pub merchant_data: Option<String>,
    /// `Ds_Merchant_Identifier`: the card reference, when one was requested.
    pub identifier: Option<String>,
    /// `Ds_ExpiryDate` (`YYMM`) of the stored card, with the reference.
    pub expiry_date: Option<String>,
    /// `Ds_Merchant_Cof_Txnid`: the transaction id to quote in later merchant-initiated charges.
    pub cof_txnid: Option<String>,
    /// Every decoded parameter, in order, keys as sent.
    pub parameters: Vec<(String, String)>,
    /// What the signature covers, exactly as received: the `Ds_MerchantParameters` text, or
    /// the SOAP `<Request …>…</Request>` markup.
    #[serde(skip)]
    pub(crate) signed_text: String,
    /// `Ds_Signature` as received, if any.
    #[serde(skip)]
    pub(crate) signature: Option<String>,
    /// The raw body.
    #[serde(skip)]
    pub(crate) raw: Vec<u8>,
}

impl Notification {
    /// The raw body exactly as received: store it before acting on it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// A decoded parameter by name, in any letter case (`Ds_Order`, `DS_ORDER`).
    pub fn parameter(&self, name: &str) -> Option<&str> {
        lookup(&self.parameters, name)
    }
}

fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses a notification: form-encoded HTTP POST, or SOAP (`text/xml`,
/// `application/soap+xml`). The signature is not checked here (see [`verify`]); a
/// notification without a signature parses, and fails verification.
pub fn parse_notification(
    _config: &Config,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let is = |name: &str| essence.eq_ignore_ascii_case(name);
    if is("application/x-www-form-urlencoded") {
        parse_http(body).map(Unverified)
    } else if is("text/xml") || is("application/xml") || is("application/soap+xml") {
        parse_soap(body).map(Unverified)
    } else {
        Err(Error::new(
            ErrorCode::UnsupportedContentType,
            "Redsys notifications are form-encoded (HTTP) or XML (SOAP)",
        ))
    }
}

fn parse_http(body: &[u8]) -> Result<Notification> {
    // Borrowed: of the form's values only the three below are kept, and the parameters text,
    // decoded from `%3D`, is moved into the notification rather than copied.
    let mut form = parse_borrowed(body, MAX_BODY_BYTES, Charset::Utf8)?;
    let mut field = |name: &str| {
        form.iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| std::mem::take(v))
            .filter(|v| !v.is_empty())
    };
    let signed_text =
        field("Ds_MerchantParameters").ok_or_else(|| Error::missing("Ds_MerchantParameters"))?;
    let signature = field("Ds_Signature").map(Cow::into_owned);
    let signature_version = field("Ds_SignatureVersion")
        .unwrap_or_default()
        .into_owned();
    from_signed_parameters(
        Format::Http,
        signed_text,
        signature,
        signature_version,
        body,
    )
}

/// A notification from a base64 `Ds_MerchantParameters` text (HTTP POST and REST replies).
pub(crate) fn from_signed_parameters(
    format: Format,
    signed_text: Cow<'_, str>,
    signature: Option<String>,
    signature_version: String,
    raw: &[u8],
) -> Result<Notification> {
    let parameters = decode_json_parameters(&decode_parameters(&signed_text)?)?;
    build(
        format,
        parameters,
        signed_text.into_owned(),
        signature,
        signature_version,
        raw,
    )
}

fn parse_soap(body: &[u8]) -> Result<Notification> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "body is {} bytes; at most {MAX_BODY_BYTES} are accepted",
                body.len()
            ),
        ));
    }
    let text = std::str::from_utf8(body).map_err(|_| {
        Error::new(ErrorCode::InvalidUtf8, "SOAP body is not UTF-8").with_field("XML")
    })?;
    let envelope = xml::leaves(text, "XML")?;
    let inner = envelope
        .iter()
        .find(|l| l.ends_with("procesaNotificacionSIS/XML"))
        .ok_or_else(|| Error::missing("XML"))?;
    let message = inner.text.as_str();
    // The signature covers the <Request> markup exactly as Redsys wrote it.
    let signed_text = match (message.find("<Request"), message.rfind("</Request>")) {
        (Some(start), Some(end)) if end > start => &message[start..end + "</Request>".len()],
        _ => return Err(Error::missing("Request")),
    };
    let leaves = xml::leaves(message, "XML")?;
    let parameters = leaves
        .iter()
        .filter(|l| l.path.len() == 3 && l.path[0] == "Message" && l.path[1] == "Request")
        .map(|l| (l.path[2].clone(), l.text.clone()))
        .collect();
    let signature = leaves
        .iter()
        .find(|l| l.path == ["Message", "Signature"])
        .map(|l| l.text.trim().to_string())
        .filter(|s| !s.is_empty());
    build(
        Format::Soap,
        parameters,
        signed_text.to_string(),
        signature,
        SignatureVersion::HmacSha256V1.as_str().to_string(),
        body,
    )
}

pub(super) fn build(
    format: Format,
    parameters: Vec<(String, String)>,
    signed_text: String,
    signature: Option<String>,
    signature_version: String,
    raw: &[u8],
) -> Result<Notification> {
    let read = Read::from(&parameters);
    let get = |p: P| read.0[p as usize].filter(|v| !v.is_empty());
    let req = |p: P| get(p).ok_or_else(|| Error::missing(p.name()));
    let order = req(P::Order)?.to_string();
    let currency = parse_numeric_currency(req(P::Currency)?)?;
    let amount = parse_minor(req(P::Amount)?, currency)?;
    let merchant_code = req(P::MerchantCode)?.to_string();
    let response = normalize_response(req(P::Response)?)
        .ok_or_else(|| Error::invalid("Ds_Response", "must be a number of at most four digits"))?;
    let transaction_type = get(P::TransactionType).unwrap_or("0").to_string();
    let (action, status) = map_status(&transaction_type, &response);
    let owned = |p: P| get(p).map(str::to_string);
    let (terminal, authorisation_code, error_code) = (
        owned(P::Terminal),
        owned(P::AuthorisationCode),
        owned(P::ErrorCode),
    );
    let (merchant_data, identifier, expiry_date, cof_txnid) = (
        owned(P::MerchantData),
        owned(P::Identifier),
        owned(P::ExpiryDate),
        owned(P::CofTxnid),
    );
    Ok(Notification {
        format,
        signature_version,
        order,
        amount,
        merchant_code,
        terminal,
        response,
        transaction_type,
        action,
        status,
        authorisation_code,
        error_code,
        merchant_data,
        identifier,
        expiry_date,
        cof_txnid,
        signed_text,
        signature,
        raw: raw.to_vec(),
        parameters,
    })
}

/// The parameters [`build`] reads, by index into [`Read`].
#[derive(Clone, Copy)]
enum P {
    Order,
    Currency,
    Amount,
    MerchantCode,
    Response,
    TransactionType,
    Terminal,
    AuthorisationCode,
    ErrorCode,
    MerchantData,
    Identifier,
    ExpiryDate,
    CofTxnid,
}

impl P {
    /// The name as Redsys writes it (matched in any letter case).
    fn name(self) -> &'static str {
        match self {
            P::Order => "Ds_Order",
            P::Currency => "Ds_Currency",
            P::Amount => "Ds_Amount",
            P::MerchantCode => "Ds_MerchantCode",
            P::Response => "Ds_Response",
            P::TransactionType => "Ds_TransactionType",
            P::Terminal => "Ds_Terminal",
            P::AuthorisationCode => "Ds_AuthorisationCode",
            P::ErrorCode => "Ds_ErrorCode",
            P::MerchantData => "Ds_MerchantData",
            P::Identifier => "Ds_Merchant_Identifier",
            P::ExpiryDate => "Ds_ExpiryDate",
            P::CofTxnid => "Ds_Merchant_Cof_Txnid",
        }
    }

    /// The parameter a received name is, in any letter case. One lower-casing and one `match`
    /// per received name, rather than a case-insensitive search of every pair per parameter.
    fn of(name: &str) -> Option<P> {
        let mut lower = [0u8; 24];
        let bytes = name.as_bytes();
        let lower = lower.get_mut(..bytes.len())?;
        for (l, b) in lower.iter_mut().zip(bytes) {
            *l = b.to_ascii_lowercase();
        }
        Some(match &*lower {
            b"ds_order" => P::Order,
            b"ds_currency" => P::Currency,
            b"ds_amount" => P::Amount,
            b"ds_merchantcode" => P::MerchantCode,
            b"ds_response" => P::Response,
            b"ds_transactiontype" => P::TransactionType,
            b"ds_terminal" => P::Terminal,
            b"ds_authorisationcode" => P::AuthorisationCode,
            b"ds_errorcode" => P::ErrorCode,
            b"ds_merchantdata" => P::MerchantData,
            b"ds_merchant_identifier" => P::Identifier,
            b"ds_expirydate" => P::ExpiryDate,
            b"ds_merchant_cof_txnid" => P::CofTxnid,
            _ => return None,
        })
    }
}

/// Each read parameter's value: the first pair of its name, as a search would find it (JSON
/// lets a name repeat; the first one counts).
struct Read<'a>([Option<&'a str>; 13]);

impl<'a> Read<'a> {
    fn from(parameters: &'a [(String, String)]) -> Read<'a> {
        let mut read = Read([None; 13]);
        for (name, value) in parameters {
            if let Some(p) = P::of(name) {
                read.0[p as usize].get_or_insert(value.as_str());
            }
        }
        read
    }
}

/// Decodes the parameters JSON object in the order Redsys wrote it: values may be strings
/// (URL-encoded or not; PHP-escaped slashes are plain JSON), numbers or booleans; anything
/// nested is refused.
pub(super) fn decode_json_parameters(json: &[u8]) -> Result<Vec<(String, String)>> {
    serde_json::from_slice::<Parameters>(json)
        .map(|p| p.0)
        .map_err(|_| Error::invalid("Ds_MerchantParameters", "is not a flat JSON object"))
}

/// The parameters object as ordered pairs, read straight from JSON without an interim map.
struct Parameters(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for Parameters {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Parameters;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a flat JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Parameters, A::Error> {
                // serde_json gives no size hint. Redsys sends 15 to 25 parameters: growing past
                // a guess of 16 cost a reallocation and a copy of the pairs (~7% of a
                // verification in callgrind), and 20 pairs (960 bytes) still come from glibc's
                // per-thread cache where 32 (1.5 kB) did not and cost more than the copy.
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(20));
                while let Some((key, Scalar(value))) = map.next_entry::<String, Scalar>()? {
                    out.push((key, value));
                }
                Ok(Parameters(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// A parameter value: a string, an integer or a boolean as text; `null` as empty. Fractions,
/// arrays and objects are refused (an amount must never pass through a float).
struct Scalar(String);

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, an integer, a boolean or null")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(percent_decode_lenient(v).into_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(match percent_decode_lenient(&v) {
                    Cow::Borrowed(_) => v,
                    Cow::Owned(decoded) => decoded,
                }))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Redsys URL-encodes some values inside the JSON (`22%2F10%2F2021`) and not others
/// (`"2.0%"` in DCC markups). Decode when the whole value decodes cleanly, else keep it.
fn percent_decode_lenient(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    // Values are mostly short: `find` loops over those and leaves long ones to memchr.
    let Some(first) = crate::form::find(b'%', b'%', bytes) else {
        return Cow::Borrowed(s);
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => return Cow::Borrowed(s),
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_or(Cow::Borrowed(s), Cow::Owned)
}

pub(super) fn parse_numeric_currency(raw: &str) -> Result<Currency> {
    raw.parse::<u16>()
        .ok()
        .filter(|_| raw.len() <= 3 && raw.bytes().all(|b| b.is_ascii_digit()))
        .map_or_else(
            || {
                Err(Error::new(
                    ErrorCode::UnknownCurrency,
                    "Ds_Currency is not a numeric ISO 4217 code",
                ))
            },
            Currency::from_numeric,
        )
        .map_err(|e| e.or_field("Ds_Currency"))
}

pub(super) fn parse_minor(raw: &str, currency: Currency) -> Result<Amount> {
    if raw.is_empty() || raw.len() > 18 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            ErrorCode::AmountSyntax,
            "Ds_Amount must be minor units, digits only",
        )
        .with_field("Ds_Amount"));
    }
    let minor = raw.parse::<i64>().map_err(|_| {
        Error::new(
            ErrorCode::AmountOverflow,
            "Ds_Amount does not fit in 64-bit minor units",
        )
        .with_field("Ds_Amount")
    })?;
    Amount::from_minor(minor, currency)
}

/// Verifies the signature with the merchant key, over the signed text exactly as received and
/// keyed with `Ds_Order`, by the scheme `Ds_SignatureVersion` names.
///
/// "Verified" says the message is Redsys's; whether the payment succeeded is `status`.
pub fn verify(
    config: &Config,
    notification: Unverified<Notification>,
) -> Result<Verified<Notification>> {
    // Checked through a reference and moved once at the end: a notification is some 500
    // bytes, and each move is a copy.
    let n = &notification.0;
    // The version the message names decides the scheme; an unknown one is refused, never
    // guessed. (HMAC_SHA256_V1 is matched exactly: Redsys writes it in upper case.)
    let version = SignatureVersion::from_wire(n.signature_version.trim())?;
    let signature = n.signature.as_deref().ok_or_else(|| {
        Error::new(
            ErrorCode::SignatureMismatch,
            "the notification carries no Ds_Signature",
        )
        .with_field("Ds_Signature")
    })?;
    config
        .key_for(version)?
        .verify(&n.order, n.signed_text.as_bytes(), signature)
        .map_err(|e| with_hint(config, n, version, e))?;
    Ok(Verified(notification.0))
}

/// Adds to a signature mismatch what was checked: the signed text, the key expected (which
/// account's, and its form) and the signature's alphabet, so that the person setting up an
/// account sees which of the three is off. Never the key, nor the signature expected.
fn with_hint(config: &Config, n: &Notification, version: SignatureVersion, e: Error) -> Error {
    if e.code() != ErrorCode::SignatureMismatch {
        return e;
    }
    let signed = match n.format {
        Format::Http | Format::Rest => "Ds_MerchantParameters exactly as received",
        Format::Soap => "the <Request> element exactly as received",
    };
    let (key, alphabet) = match version {
        SignatureVersion::HmacSha256V1 => (
            "base64 of a 24-byte 3DES key; the order key is Ds_Order 3DES-CBC encrypted, zero-padded",
            "base64 (+ and /, = padding)",
        ),
        SignatureVersion::HmacSha512V1 => (
            "the ASCII key Redsys issued, its first 16 characters an AES-128 key; the order key is Ds_Order AES-CBC encrypted, PKCS#7-padded",
            "base64url (- and _) with = padding",
        ),
        SignatureVersion::HmacSha512V2 => (
            "the ASCII key Redsys issued, its first 16 characters an AES-128 key; the order key is Ds_Order AES-CBC encrypted, PKCS#7-padded",
            "base64url (- and _) without padding",
        ),
    };
    let order: String = n.order.chars().take(12).collect();
    let message = format!(
        "{}. Hint: signed text: {signed}, HMAC-{} keyed with the order key of Ds_Order {order:?}; \
         expected key: the secret_key of merchant_code {}, terminal {}, {key}; \
         expected alphabet: {alphabet} (either alphabet is read)",
        e.message(),
        if version == SignatureVersion::HmacSha256V1 {
            "SHA256"
        } else {
            "SHA512"
        },
        config.merchant_code,
        config.terminal,
    );
    let out = Error::new(ErrorCode::SignatureMismatch, message);
    match e.field() {
        Some(field) => out.with_field(field.to_string()),
        None => out,
    }
}

impl Verified<Notification> {
    /// The gateway-neutral event. Key:
    /// `redsys:<merchant>:<terminal>:<order>:<type>:<response>:<amount>:<authorisation code>`.
    /// Amount and authorisation code tell apart two partial refunds of one order; the same
    /// operation reported twice (REST reply, then notification) has the same key.
    pub fn event(&self) -> Event {
        let n = &self.0;
        // Redsys pads terminals in notifications ("001") but not in requests ("1").
        let terminal = n.terminal.as_deref().unwrap_or("").trim_start_matches('0');
        let amount = n.amount.minor().to_string();
        let authorisation = n.authorisation_code.as_deref().unwrap_or("");
        Event {
            gateway: Gateway::Redsys,
            key: event_key(&[
                "redsys",
                &n.merchant_code,
                terminal,
                &n.order,
                &n.transaction_type,
                &n.response,
                &amount,
                authorisation,
            ]),
            merchant: n.merchant_code.clone(),
            order_id: n.order.clone(),
            transaction_id: n
                .authorisation_code
                .clone()
                .unwrap_or_else(|| n.order.clone()),
            amount: n.amount,
            action: n.action,
            status: n.status.clone(),
            status_code: n.response.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_decode_only_when_the_whole_value_decodes() {
        assert_eq!(percent_decode_lenient("22%2F10%2F2021"), "22/10/2021");
        assert!(matches!(percent_decode_lenient("plain"), Cow::Borrowed(_)));
        for kept in ["2.0%", "a%4", "%zz1", "%FF", "100%%"] {
            assert_eq!(percent_decode_lenient(kept), kept);
        }
        assert_eq!(percent_decode_lenient("%C3%A9t%C3%A9"), "été");
    }

    #[test]
    fn parameters_are_read_in_any_case_and_the_first_of_a_name_counts() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let parameters = pairs(&[
            ("DS_ORDER", "1111aaaa"),
            ("Ds_Order", "2222bbbb"),
            ("ds_amount", "145"),
            ("Ds_Currency", "978"),
            ("Ds_MerchantCode", "999008881"),
            ("Ds_Response", "99"),
            ("Ds_Terminal", ""),
            ("Ds_Merchant_Cof_Txnid", "2012"),
            ("Ds_A_Name_Longer_Than_Any_Read_One", "x"),
        ]);
        let n = build(
            Format::Http,
            parameters,
            String::new(),
            None,
            String::new(),
            b"",
        )
        .unwrap();
        assert_eq!(
            (n.order.as_str(), n.amount.minor(), n.response.as_str()),
            ("1111aaaa", 145, "0099")
        );
        assert_eq!((n.terminal, n.cof_txnid.as_deref()), (None, Some("2012")));
        assert_eq!(n.transaction_type, "0");
        let missing = build(
            Format::Http,
            pairs(&[("Ds_Order", "1111aaaa"), ("Ds_Amount", "1")]),
            String::new(),
            None,
            String::new(),
            b"",
        )
        .unwrap_err();
        assert_eq!(missing.field(), Some("Ds_Currency"));
    }
}

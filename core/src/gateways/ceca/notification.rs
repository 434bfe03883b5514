//! The CECA notification: a form POST of the operation's fields and `Firma`.

use serde::Serialize;
use subtle::ConstantTimeEq;

use super::Config;
use super::checkout::check_operation;
use crate::error::{Error, ErrorCode, Result};
use crate::form::parse_urlencoded;
use crate::gateways::Gateway;
use crate::hex::hex;
use crate::http::require_content_type;
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// Largest notification body accepted.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// A parsed CECA notification.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CecaNotification"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// `MerchantID`.
    pub merchant_id: String,
    /// `AcquirerBIN`.
    pub acquirer_bin: String,
    /// `TerminalID`.
    pub terminal_id: String,
    /// `Num_operacion`.
    pub operation: String,
    /// `Importe` in `TipoMoneda`, with `Exponente` checked against the currency.
    pub amount: Amount,
    /// `Referencia`: CECA's reference for the payment.
    pub reference: String,
    /// `Num_aut`: the authorisation number.
    pub authorisation: Option<String>,
    /// `Pais`: the card's country (numeric).
    pub country: Option<String>,
    /// `Descripcion`.
    pub description: Option<String>,
    /// Every field as received, in order.
    pub fields: Vec<(String, String)>,
    #[serde(skip)]
    pub(crate) firma: String,
    #[serde(skip)]
    pub(crate) raw: Vec<u8>,
}

impl Notification {
    /// The raw body exactly as received: store it before acting on it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }
}

/// Parses a notification (`application/x-www-form-urlencoded`). Refuses a missing field, an
/// `Exponente` that is not the currency's, a non-numeric amount, and any field the `Firma`
/// covers outside the characters and length CECA issues (`field_invalid`, before any digest
/// is computed): `Num_operacion` as at checkout, `Referencia` 1 to [`MAX_REFERENCE_DIGITS`]
/// digits, the terminal ids 9, 10 and 8 digits, `TipoMoneda` 3, `Exponente` 1.
pub fn parse_notification(
    _config: &Config,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>> {
    require_content_type(
        content_type,
        &["application/x-www-form-urlencoded"],
        "CECA notifications",
    )?;
    let fields = parse_urlencoded(body, MAX_BODY_BYTES)?;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let req = |name: &'static str| get(name).ok_or_else(|| Error::missing(name));
    // Every value the `Firma` covers is read with the characters and length CECA issues, so
    // none can take in a neighbour's characters (see `check_reference_value`).
    let digits = |name: &'static str, len: std::ops::RangeInclusive<usize>| -> Result<&str> {
        let v = req(name)?;
        if !len.contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(if len.start() == len.end() {
                Error::invalid(name, format_args!("must be exactly {} digits", len.end()))
            } else {
                Error::invalid(name, format_args!("must be at most {} digits", len.end()))
            });
        }
        Ok(v)
    };
    let currency = Currency::from_numeric(digits("TipoMoneda", 3..=3)?.parse().unwrap_or(0))
        .map_err(|e| e.or_field("TipoMoneda"))?;
    let exponent = digits("Exponente", 1..=1)?;
    if exponent != currency.exponent().to_string() {
        return Err(Error::invalid(
            "Exponente",
            format_args!(
                "is {exponent}, but {} has {} decimals",
                currency.code(),
                currency.exponent()
            ),
        ));
    }
    let minor = digits("Importe", 1..=18)?
        .parse::<i64>()
        .map_err(|_| Error::invalid("Importe", "is too large"))?;
    let operation = req("Num_operacion")?;
    check_operation(operation)?;
    let reference = req("Referencia")?;
    check_reference_value(reference)?;
    let notification = Notification {
        merchant_id: digits("MerchantID", 9..=9)?.to_string(),
        acquirer_bin: digits("AcquirerBIN", 10..=10)?.to_string(),
        terminal_id: digits("TerminalID", 8..=8)?.to_string(),
        operation: operation.to_string(),
        amount: Amount::from_minor(minor, currency)?,
        reference: reference.to_string(),
        authorisation: get("Num_aut").map(str::to_string),
        country: get("Pais").map(str::to_string),
        description: get("Descripcion").map(str::to_string),
        firma: get("Firma").unwrap_or_default().to_string(),
        raw: body.to_vec(),
        fields: fields.clone(),
    };
    Ok(Unverified(notification))
}

/// Longest `Referencia` accepted. CECA's references are digit strings (`12004172282310181002`,
/// 20 digits); 30 leaves room above that and is what vpos's sandbox issues. The bound only
/// caps the input: what keeps a checkout `Firma` from verifying here is the character set
/// (docs/security.md).
pub const MAX_REFERENCE_DIGITS: usize = 30;

/// `Referencia`: 1 to [`MAX_REFERENCE_DIGITS`] digits.
///
/// The checkout `Firma` is the notification's digest with `Cifrado` + `URL_OK` + `URL_NOK` in
/// place of `Referencia`. A free-text `Referencia` could take in that tail, so a customer could
/// post the payment form's own fields and `Firma` here and have an unpaid order marked paid.
/// Digits cannot hold the `http(s)://` both URLs start with, and no other covered field can
/// either (`Num_operacion` is letters, digits and `-`; the rest are digits).
pub(crate) fn check_reference_value(reference: &str) -> Result<()> {
    if reference.len() > MAX_REFERENCE_DIGITS || !reference.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            "Referencia",
            format_args!("must be 1 to {MAX_REFERENCE_DIGITS} digits"),
        ));
    }
    Ok(())
}

/// The one definition of the notification `Firma`: the terminal's digest (lower-case hex) of
/// the key followed by MerchantID, AcquirerBIN, TerminalID, Num_operacion, Importe, TipoMoneda,
/// Exponente and Referencia, without separators.
fn notification_firma(config: &Config, fields: [&str; 8]) -> String {
    let mut parts = [""; 9];
    parts[0] = config.key.expose();
    parts[1..].copy_from_slice(&fields);
    hex(&config.cipher.digest(&parts))
}

/// The `Firma` Cecabank puts on its notification of a paid operation, as [`verify`] checks it:
/// for gateway emulators and tests that play Cecabank's side. `Importe` is `amount` in minor
/// units, `TipoMoneda` its numeric code (3 digits), `Exponente` its exponent, and the terminal
/// ids come from `config`.
///
/// ```
/// use vpos_core::gateways::ceca;
/// use vpos_core::{Amount, Currency};
/// let config: ceca::Config = serde_json::from_str(r#"{
///     "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
///     "key": "99888888", "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
///     "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es"}"#)?;
/// let amount = Amount::from_minor(500, Currency::from_code("EUR")?)?;
/// let firma = ceca::sign_notification(&config, "123", amount, "12004172282310181002");
/// let body = format!("MerchantID=111950028&AcquirerBIN=0000554052&TerminalID=00000003\
///     &Num_operacion=123&Importe=500&TipoMoneda=978&Exponente=2\
///     &Referencia=12004172282310181002&Firma={firma}");
/// let n = ceca::parse_notification(&config, "application/x-www-form-urlencoded", body.as_bytes())?;
/// assert_eq!(ceca::verify(&config, n)?.event().amount().minor(), 500);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_notification(
    config: &Config,
    operation: &str,
    amount: Amount,
    reference: &str,
) -> String {
    let importe = amount.minor().to_string();
    let moneda = format!("{:03}", amount.currency().numeric());
    let exponente = amount.currency().exponent().to_string();
    notification_firma(
        config,
        [
            &config.merchant_id,
            &config.acquirer_bin,
            &config.terminal_id,
            operation,
            &importe,
            &moneda,
            &exponente,
            reference,
        ],
    )
}

/// Verifies `Firma` over key + MerchantID + AcquirerBIN + TerminalID + Num_operacion + Importe +
/// TipoMoneda + Exponente + Referencia (values as received), in constant time, and that the
/// notification is for this terminal.
pub fn verify(
    config: &Config,
    notification: Unverified<Notification>,
) -> Result<Verified<Notification>> {
    let n = notification.0;
    if n.merchant_id != config.merchant_id
        || n.acquirer_bin != config.acquirer_bin
        || n.terminal_id != config.terminal_id
    {
        return Err(Error::new(
            ErrorCode::MerchantMismatch,
            "the notification is for another CECA terminal",
        )
        .with_field("MerchantID"));
    }
    let field = |name: &str| {
        n.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    };
    let expected = notification_firma(
        config,
        [
            field("MerchantID"),
            field("AcquirerBIN"),
            field("TerminalID"),
            field("Num_operacion"),
            field("Importe"),
            field("TipoMoneda"),
            field("Exponente"),
            field("Referencia"),
        ],
    );
    let received = n.firma.to_ascii_lowercase();
    if n.firma.is_empty() || !bool::from(received.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            format!(
                "Firma does not match the key ({} digest of the notification fields). Hint: \
                 signed text: the key followed by MerchantID, AcquirerBIN, TerminalID, \
                 Num_operacion, Importe, TipoMoneda, Exponente and Referencia as received, \
                 no separators; expected key: the key (clave de encriptación) of MerchantID {}, \
                 AcquirerBIN {}, TerminalID {}; expected alphabet: hex, either case",
                config.cipher.as_str(),
                config.merchant_id,
                config.acquirer_bin,
                config.terminal_id
            ),
        )
        .with_field("Firma"));
    }
    Ok(Verified(n))
}

impl Verified<Notification> {
    /// The event: CECA notifies completed payments only. Key:
    /// `ceca:<merchant>:<terminal>:<operation>:<reference>`.
    pub fn event(&self) -> Event {
        let n = &self.0;
        Event {
            gateway: Gateway::Ceca,
            key: event_key(&[
                "ceca",
                &n.merchant_id,
                &n.terminal_id,
                &n.operation,
                &n.reference,
            ]),
            merchant: n.merchant_id.clone(),
            order_id: n.operation.clone(),
            transaction_id: n.reference.clone(),
            amount: n.amount,
            action: Action::Sale,
            status: Reported::Succeeded,
            status_code: "OK".into(),
        }
    }
}

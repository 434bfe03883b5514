//! CECA refunds (`anularOperacionExt`): a signed form POST, answered in XML.
//!
//! The request quotes the payment's `Num_operacion` and CECA's `Referencia` and signs
//! key + MerchantID + AcquirerBIN + TerminalID + Num_operacion + Importe + TipoMoneda +
//! Exponente + Referencia + Cifrado; `TIPO_ANU=P` marks a partial refund. The answer is
//! `<TRANSACCION valor="OK" numeroOperacion="…">` with an `OPERACION` (its `importe`), or
//! `valor="ERROR"` with `ERROR/codigo` and `ERROR/descripcion`. It carries no signature: it is
//! the answer to the host's own call over TLS to Cecabank. Sources in docs/driver.md.

use serde::{Deserialize, Serialize};

use super::Config;
use super::checkout::check_operation;
use crate::error::{Error, ErrorCode, Result};
use crate::form::encode_urlencoded;
use crate::gateways::Gateway;
use crate::hex::hex;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::Amount;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;
use crate::xml;

/// Largest refund answer read.
pub const MAX_REFUND_RESPONSE_BYTES: usize = 16 * 1024;

/// A refund of (part of) a paid CECA operation.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CecaRefund"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refund {
    /// `Num_operacion`: the shop's operation number sent at checkout.
    pub operation: String,
    /// `Referencia`: CECA's reference for the payment, from its notification.
    pub reference: String,
    /// `Importe` (minor units) and `TipoMoneda`, `Exponente`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `TIPO_ANU=P`: less than the whole payment, or not the first refund.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub partial: bool,
}

impl Refund {
    /// Checks every field; the error names the CECA field.
    pub fn validate(&self) -> Result<()> {
        check_operation(&self.operation)?;
        // Digits only, as in the notification: the refund `Firma` then ends in digits +
        // `SHA2`/`SHA1`, which no notification text can (docs/security.md).
        if self.reference.is_empty() {
            return Err(Error::missing("Referencia"));
        }
        super::notification::check_reference_value(&self.reference)?;
        if self.amount.minor() <= 0 {
            return Err(Error::invalid("Importe", "must be greater than zero"));
        }
        Ok(())
    }
}

/// The refund `Firma`: the terminal's digest (lower-case hex) of the key followed by
/// MerchantID, AcquirerBIN, TerminalID, Num_operacion, Importe, TipoMoneda, Exponente,
/// Referencia and Cifrado, without separators. For emulators and tests that play Cecabank.
///
/// ```
/// use vpos_core::gateways::ceca;
/// # let config: ceca::Config = serde_json::from_str(r#"{"merchant_id":"111950028","acquirer_bin":"0000554052",
/// #   "terminal_id":"00000003","key":"99888888","checkout_url":"https://tpv.ceca.es/tpvweb/tpv/compra.action",
/// #   "url_ok":"http://www.ceca.es","url_nok":"http://www.ceca.es"}"#)?;
/// let refund: ceca::Refund = serde_json::from_value(serde_json::json!({"operation": "123",
///     "reference": "12004172282310181002", "amount": {"minor": 500, "currency": "EUR"}}))?;
/// // sha256 of "99888888" "111950028" "0000554052" "00000003" "123" "500" "978" "2"
/// // "12004172282310181002" "SHA2", as Python's hashlib gives it:
/// assert_eq!(ceca::sign_refund(&config, &refund),
///     "09cfc4fa5e747ed7c2326afc854db40a5df9bc975e6b2af47667022384b536fc");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_refund(config: &Config, refund: &Refund) -> String {
    let importe = refund.amount.minor().to_string();
    let moneda = format!("{:03}", refund.amount.currency().numeric());
    let exponente = refund.amount.currency().exponent().to_string();
    hex(&config.cipher.digest(&[
        config.key.expose(),
        &config.merchant_id,
        &config.acquirer_bin,
        &config.terminal_id,
        &refund.operation,
        &importe,
        &moneda,
        &exponente,
        &refund.reference,
        config.cipher.as_str(),
    ]))
}

/// The refund request: a form POST to the configured `refund_url` (`invalid_config` without
/// one).
///
/// ```
/// use vpos_core::gateways::ceca;
/// # let config: ceca::Config = serde_json::from_str(r#"{"merchant_id":"111950028","acquirer_bin":"0000554052",
/// #   "terminal_id":"00000003","key":"99888888","checkout_url":"https://tpv.ceca.es/tpvweb/tpv/compra.action",
/// #   "url_ok":"http://www.ceca.es","url_nok":"http://www.ceca.es",
/// #   "refund_url":"https://democonsolatpvvirtual.ceca.es/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt"}"#)?;
/// let refund: ceca::Refund = serde_json::from_value(serde_json::json!({"operation": "123",
///     "reference": "12004172282310181002", "amount": {"minor": 200, "currency": "EUR"},
///     "partial": true}))?;
/// let request = ceca::refund_request(&config, &refund)?;
/// assert!(request.body.ends_with("&TIPO_ANU=P"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn refund_request(config: &Config, refund: &Refund) -> Result<HttpRequest> {
    config.validate()?;
    refund.validate()?;
    let Some(url) = config.refund_url.clone() else {
        return Err(Error::config(
            "refund_url",
            "is required for refunds (Cecabank's anularOperacionExt URL)",
        ));
    };
    let importe = refund.amount.minor().to_string();
    let moneda = format!("{:03}", refund.amount.currency().numeric());
    let exponente = refund.amount.currency().exponent().to_string();
    let firma = sign_refund(config, refund);
    let mut pairs: Vec<(&str, &str)> = vec![
        ("MerchantID", &config.merchant_id),
        ("AcquirerBIN", &config.acquirer_bin),
        ("TerminalID", &config.terminal_id),
        ("Num_operacion", &refund.operation),
        ("Importe", &importe),
        ("TipoMoneda", &moneda),
        ("Exponente", &exponente),
        ("Referencia", &refund.reference),
        ("Cifrado", config.cipher.as_str()),
        ("Firma", &firma),
    ];
    if refund.partial {
        pairs.push(("TIPO_ANU", "P"));
    }
    Ok(HttpRequest {
        method: Method::Post,
        url,
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: encode_urlencoded(pairs),
    })
}

/// What CECA's XML answer says, read strictly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundAnswer {
    /// `valor`: `OK` or `ERROR`.
    pub ok: bool,
    /// `numeroOperacion`: CECA's number for this refund (digits).
    pub number: String,
    /// `OPERACION/importe` as sent (`1.00 Euros`), when `OK`.
    pub importe: Option<String>,
    /// `ERROR/codigo`, when `ERROR`.
    pub code: Option<String>,
    /// `ERROR/descripcion`, when `ERROR` (at most 200 characters kept).
    pub description: Option<String>,
}

fn bad(why: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::FieldInvalid,
        format!("the CECA refund answer {why}"),
    )
    .with_field("TRANSACCION")
}

/// Reads the XML body of a refund answer (UTF-8, or ISO-8859-1 as CECA declares it). Any
/// shape but a `TRANSACCION` root with `valor` `OK` (and an `OPERACION/importe`) or `ERROR`
/// (and an `ERROR/codigo`) is `field_invalid`; never a panic (fuzzed: `ceca_refund`).
///
/// ```
/// let answer = vpos_core::gateways::ceca::read_refund_answer(br#"<?xml version="1.0" encoding="ISO-8859-1" ?>
/// <TRANSACCION valor="ERROR" numeroOperacion="1390414596" fecha="22/01/2014 18:11:12">
///   <ERROR><codigo>15</codigo><descripcion><![CDATA[ERROR. Operaci&oacute;n inexistente <1403>]]></descripcion></ERROR>
/// </TRANSACCION>"#)?;
/// assert_eq!((answer.ok, answer.code.as_deref()), (false, Some("15")));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn read_refund_answer(body: &[u8]) -> Result<RefundAnswer> {
    if body.len() > MAX_REFUND_RESPONSE_BYTES {
        return Err(bad(format_args!(
            "is over {MAX_REFUND_RESPONSE_BYTES} bytes"
        )));
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t.to_string(),
        // ISO-8859-1: every byte is the code point of the same value.
        Err(_) => body.iter().map(|&b| char::from(b)).collect(),
    };
    let leaves = xml::leaves(&text, "TRANSACCION")?;
    if leaves.first().is_none_or(|l| l.path[0] != "TRANSACCION") {
        return Err(bad("has no TRANSACCION root"));
    }
    let valor = xml::root_attribute(&text, "valor", "TRANSACCION")?;
    let number = xml::root_attribute(&text, "numeroOperacion", "TRANSACCION")?
        .filter(|n| !n.is_empty() && n.len() <= 30 && n.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| bad("has no numeroOperacion of 1 to 30 digits"))?;
    let leaf = |path: &str| -> Result<Option<String>> {
        let mut found = leaves
            .iter()
            .filter(|l| l.path.len() == 3 && l.ends_with(path));
        let first = found.next().map(|l| l.text.trim().to_string());
        if found.next().is_some() {
            return Err(bad(format_args!("has more than one {path}")));
        }
        Ok(first)
    };
    match valor.as_deref() {
        Some("OK") => {
            let importe = leaf("OPERACION/importe")?
                .filter(|i| !i.is_empty())
                .ok_or_else(|| bad("is OK without OPERACION/importe"))?;
            if leaf("ERROR/codigo")?.is_some() {
                return Err(bad("is OK with an ERROR"));
            }
            Ok(RefundAnswer {
                ok: true,
                number,
                importe: Some(importe),
                code: None,
                description: None,
            })
        }
        Some("ERROR") => {
            let code = leaf("ERROR/codigo")?
                .filter(|c| {
                    !c.is_empty() && c.len() <= 10 && c.bytes().all(|b| b.is_ascii_alphanumeric())
                })
                .ok_or_else(|| {
                    bad("is ERROR without an ERROR/codigo of 1 to 10 letters or digits")
                })?;
            let description = leaf("ERROR/descripcion")?
                .map(|d| d.chars().filter(|c| !c.is_control()).take(200).collect());
            Ok(RefundAnswer {
                ok: false,
                number,
                importe: None,
                code: Some(code),
                description,
            })
        }
        _ => Err(bad("has a valor other than OK or ERROR")),
    }
}

/// Reads the host's reply to [`refund_request`]'s request into the refund event.
///
/// - no answer, or an HTTP status other than 200: `gateway_unavailable` (the refund may have
///   gone through: the operation stays pending);
/// - a body that is not the answer's shape, or an `OK` whose `importe` is not the amount
///   asked: `field_invalid` / `amount_mismatch` (pending, for a person);
/// - `valor="ERROR"`: `gateway_error` naming CECA's `codigo` (nothing moved: failed);
/// - `valor="OK"`: a succeeded refund event, key
///   `ceca:<merchant>:<terminal>:<operation>:refund:<numeroOperacion>`.
///
/// ```
/// use vpos_core::gateways::ceca;
/// use vpos_core::http::Reply;
/// # let config: ceca::Config = serde_json::from_str(r#"{"merchant_id":"111950028","acquirer_bin":"0000554052",
/// #   "terminal_id":"00000003","key":"99888888","checkout_url":"https://tpv.ceca.es/tpvweb/tpv/compra.action",
/// #   "url_ok":"http://www.ceca.es","url_nok":"http://www.ceca.es"}"#)?;
/// let refund: ceca::Refund = serde_json::from_value(serde_json::json!({"operation": "123",
///     "reference": "12004172282310181002", "amount": {"minor": 100, "currency": "EUR"}}))?;
/// let reply = Reply::Response { status: 200, body: br#"<TRANSACCION valor="OK" numeroOperacion="1390414594">
///   <OPERACION tipo="900"><importe>          1.00 Euros</importe></OPERACION></TRANSACCION>"#.to_vec() };
/// let event = ceca::parse_refund_response(&config, &refund, &reply)?;
/// assert_eq!(event.amount().minor(), 100);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_refund_response(
    config: &Config,
    refund: &Refund,
    reply: &Reply,
) -> Result<Verified<Event>> {
    let body = reply.ok_body("CECA")?;
    let answer = read_refund_answer(body)?;
    if !answer.ok {
        let code = answer.code.unwrap_or_default();
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "CECA refused the refund: codigo {code} ({})",
                answer.description.unwrap_or_default()
            ),
        )
        .with_field("codigo"));
    }
    let importe = answer.importe.unwrap_or_default();
    // `          1.00 Euros`: the decimal amount, then the currency's name.
    let value = importe.split_whitespace().next().unwrap_or("");
    let amount = Amount::parse(value, refund.amount.currency()).map_err(|_| {
        bad(format_args!(
            "has an importe that is not an amount: {importe:?}"
        ))
    })?;
    if amount != refund.amount {
        return Err(Error::new(
            ErrorCode::AmountMismatch,
            format!(
                "CECA answered a refund of {} for one of {}",
                amount.to_decimal_string(),
                refund.amount.to_decimal_string()
            ),
        )
        .with_field("importe"));
    }
    Ok(Verified(Event {
        gateway: Gateway::Ceca,
        key: event_key(&[
            "ceca",
            &config.merchant_id,
            &config.terminal_id,
            &refund.operation,
            "refund",
            &answer.number,
        ]),
        merchant: config.merchant_id.clone(),
        order_id: refund.operation.clone(),
        transaction_id: answer.number,
        amount,
        action: Action::Refund,
        status: Reported::Succeeded,
        status_code: "OK".into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        serde_json::from_value(serde_json::json!({"merchant_id": "111950028",
            "acquirer_bin": "0000554052", "terminal_id": "00000003", "key": "99888888",
            "checkout_url": super::super::TEST_CHECKOUT_URL, "url_ok": "http://www.ceca.es",
            "url_nok": "http://www.ceca.es", "refund_url": super::super::TEST_REFUND_URL}))
        .unwrap()
    }

    fn refund(minor: i64) -> Refund {
        serde_json::from_value(serde_json::json!({"operation": "OP-1",
            "reference": "12004172282310181002", "amount": {"minor": minor, "currency": "EUR"}}))
        .unwrap()
    }

    fn reply(body: &str) -> Reply {
        Reply::Response {
            status: 200,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_request_is_signed_and_needs_a_refund_url() {
        let r = refund_request(&config(), &refund(250)).unwrap();
        assert_eq!(r.url, super::super::TEST_REFUND_URL);
        assert!(
            r.body
                .starts_with("MerchantID=111950028&AcquirerBIN=0000554052")
        );
        assert!(!r.body.contains("TIPO_ANU"));
        let mut c = config();
        c.refund_url = None;
        let e = refund_request(&c, &refund(250)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidConfig, Some("refund_url"))
        );
        for (reference, field) in [("", "Referencia"), ("12a", "Referencia")] {
            let mut r = refund(1);
            r.reference = reference.into();
            assert_eq!(
                refund_request(&config(), &r).unwrap_err().field(),
                Some(field)
            );
        }
    }

    #[test]
    fn answers_are_read_strictly() {
        let ok = r#"<?xml version="1.0" encoding="ISO-8859-1" ?><TRANSACCION valor="OK" numeroOperacion="77" fecha="x"><OPERACION tipo="900"><importe>   2.50 Euros</importe></OPERACION></TRANSACCION>"#;
        let event = parse_refund_response(&config(), &refund(250), &reply(ok)).unwrap();
        assert_eq!(event.key(), "ceca:111950028:00000003:OP-1:refund:77");
        let e = parse_refund_response(&config(), &refund(100), &reply(ok)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::AmountMismatch);
        let refused = "<TRANSACCION valor=\"ERROR\" numeroOperacion=\"78\"><ERROR><codigo>15</codigo>\
            <descripcion>Operaci\u{f3}n inexistente</descripcion></ERROR></TRANSACCION>";
        let mut latin1: Vec<u8> = refused.chars().map(|c| c as u32 as u8).collect();
        let e = parse_refund_response(
            &config(),
            &refund(250),
            &Reply::Response {
                status: 200,
                body: latin1.clone(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        assert!(e.message().contains("codigo 15"));
        latin1.truncate(40);
        for body in [
            std::str::from_utf8(&latin1[..30]).unwrap_or(""),
            "<TRANSACCION valor=\"MAYBE\" numeroOperacion=\"1\"/>",
            "<OTHER valor=\"OK\" numeroOperacion=\"1\"><OPERACION><importe>2.50</importe></OPERACION></OTHER>",
            "<TRANSACCION valor=\"OK\" numeroOperacion=\"x1\"><OPERACION><importe>2.50</importe></OPERACION></TRANSACCION>",
            "<TRANSACCION valor=\"OK\" numeroOperacion=\"1\"></TRANSACCION>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><TRANSACCION valor=\"OK\"/>",
            "<TRANSACCION valor=\"OK\" numeroOperacion=\"1\"><OPERACION><importe>2,5 Euros</importe></OPERACION></TRANSACCION>",
        ] {
            let e = parse_refund_response(&config(), &refund(250), &reply(body)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::FieldInvalid, "{body}");
        }
        let e = parse_refund_response(
            &config(),
            &refund(250),
            &Reply::Response {
                status: 500,
                body: vec![],
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
    }
}

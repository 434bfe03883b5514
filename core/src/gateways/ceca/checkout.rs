//! The CECA payment form.

use serde::{Deserialize, Serialize};

use super::Config;
use crate::error::{Error, Result};
use crate::fields::optional;
use crate::form::RedirectForm;
use crate::hex::hex;
use crate::http::Method;
use crate::money::Amount;

/// A payment to send to the CECA payment page.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CecaOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `Num_operacion`: the shop's unique operation number, 1–50 letters, digits or `-`.
    pub operation: String,
    /// `Importe` (minor units), `TipoMoneda` (numeric ISO 4217) and `Exponente`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `Descripcion`, up to 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `Idioma`: 1 Spanish, 6 English, 7 French, 8 German, 9 Portuguese, 10 Italian …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Order {
    /// Checks every field; the error names the CECA field.
    pub fn validate(&self) -> Result<()> {
        check_operation(&self.operation)?;
        if self.amount.minor() == 0 {
            return Err(Error::invalid("Importe", "must be greater than zero"));
        }
        optional("Descripcion", self.description.as_deref(), 1000)?;
        if let Some(lang) = self.language.as_deref()
            && (lang.is_empty() || lang.len() > 2 || !lang.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Error::invalid(
                "Idioma",
                "must be CECA's language number (1 Spanish, 6 English …)",
            ));
        }
        Ok(())
    }
}

/// `Num_operacion`: 1–50 ASCII letters, digits or `-`, at checkout and in the notification
/// alike. Neither `:` nor `/` may appear, so the `URL_OK` + `URL_NOK` tail of the checkout
/// `Firma` (always `http(s)://…`) can never be read back as part of an operation number.
pub(crate) fn check_operation(operation: &str) -> Result<()> {
    if operation.is_empty()
        || operation.len() > 50
        || !operation
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Error::invalid(
            "Num_operacion",
            "must be 1 to 50 letters, digits or -",
        ));
    }
    Ok(())
}

/// Builds the signed CECA form. Amounts are in minor units with the currency's own exponent,
/// so any ISO 4217 currency works, not only EUR.
///
/// ```
/// use vpos_core::gateways::ceca::{self, Order};
/// # let config: ceca::Config = serde_json::from_str(r#"{"merchant_id":"111950028","acquirer_bin":"0000554052",
/// #   "terminal_id":"00000003","key":"99888888","checkout_url":"https://tpv.ceca.es/tpvweb/tpv/compra.action",
/// #   "url_ok":"http://www.ceca.es","url_nok":"http://www.ceca.es"}"#)?;
/// let order: Order = serde_json::from_value(serde_json::json!({
///     "operation": "123", "amount": {"minor": 500, "currency": "EUR"}}))?;
/// let form = ceca::checkout(&config, &order)?;
/// // Cecabank manual 8.9 p.13, as tested by laravel-cecabank (peers-and-vectors C1):
/// let firma = &form.fields.iter().find(|(n, _)| n == "Firma").unwrap().1;
/// assert_eq!(firma, "2b7f686593f1a424c510321e4bc354d21924e02e980a90f4d46c41f92a06f5a9");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    order.validate()?;
    let importe = order.amount.minor().to_string();
    let moneda = format!("{:03}", order.amount.currency().numeric());
    let exponente = order.amount.currency().exponent().to_string();
    let cifrado = config.cipher.as_str();
    let firma = hex(&config.cipher.digest(&[
        config.key.expose(),
        &config.merchant_id,
        &config.acquirer_bin,
        &config.terminal_id,
        &order.operation,
        &importe,
        &moneda,
        &exponente,
        cifrado,
        &config.url_ok,
        &config.url_nok,
    ]));
    let mut fields: Vec<(String, String)> = vec![
        ("MerchantID".into(), config.merchant_id.clone()),
        ("AcquirerBIN".into(), config.acquirer_bin.clone()),
        ("TerminalID".into(), config.terminal_id.clone()),
        ("URL_OK".into(), config.url_ok.clone()),
        ("URL_NOK".into(), config.url_nok.clone()),
        ("Firma".into(), firma),
        ("Cifrado".into(), cifrado.into()),
        ("Num_operacion".into(), order.operation.clone()),
        ("Importe".into(), importe),
        ("TipoMoneda".into(), moneda),
        ("Exponente".into(), exponente),
        ("Pago_soportado".into(), "SSL".into()),
    ];
    if let Some(lang) = &order.language {
        fields.push(("Idioma".into(), lang.clone()));
    }
    if let Some(desc) = order.description.as_deref().filter(|d| !d.is_empty()) {
        fields.push(("Descripcion".into(), desc.into()));
    }
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields,
    })
}

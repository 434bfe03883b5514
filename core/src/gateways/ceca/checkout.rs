//! The CECA payment form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::Config;
use crate::cardholder::{AccountAge, Address, Cardholder, Recency, present};
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
    /// 3-D Secure 2 cardholder data, sent as `datos_acs_20` with its own `firma_acs_20`
    /// (see [`Cardholder`] and docs/3ds.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<Cardholder>,
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
        if let Some(cardholder) = &self.cardholder {
            cardholder.validate()?;
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
    // A cardholder with nothing CECA takes adds nothing: the form stays as without one.
    if let Some(datos) = order.cardholder.as_ref().and_then(datos_acs_20) {
        let firma = sign_datos_acs_20(config, &datos);
        fields.push(("datos_acs_20".into(), datos));
        fields.push(("firma_acs_20".into(), firma));
    }
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields,
    })
}

/// `firma_acs_20`: the terminal's digest (lower-case hex, `Cifrado` as for `Firma`) of the key
/// followed by the `datos_acs_20` value exactly as sent. Cecabank's own client library signs
/// it so (docs/3ds.md). The value is base64 of a JSON object, so it starts with `eyJ`: never
/// the 9 digits of `MerchantID` every other CECA signed text starts with, so this signature
/// can never verify as a notification, a checkout or a refund `Firma` (docs/security.md).
///
/// ```
/// use vpos_core::gateways::ceca;
/// # let config: ceca::Config = serde_json::from_str(r#"{"merchant_id":"111950028","acquirer_bin":"0000554052",
/// #   "terminal_id":"00000003","key":"99888888","checkout_url":"https://tpv.ceca.es/tpvweb/tpv/compra.action",
/// #   "url_ok":"http://www.ceca.es","url_nok":"http://www.ceca.es"}"#)?;
/// // sha256("99888888" + "e30=") (base64 of "{}"), as Python's hashlib gives it:
/// assert_eq!(ceca::sign_datos_acs_20(&config, "e30="),
///     "f04a3a7508bf5699e4a7d0ead2c307b4f3678e074768ef816e48eeb41dda6be9");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_datos_acs_20(config: &Config, datos_acs_20: &str) -> String {
    hex(&config.cipher.digest(&[config.key.expose(), datos_acs_20]))
}

/// The `datos_acs_20` value: standard base64 (with padding) of a JSON object in the names
/// Cecabank's own shop plugins send (`CARDHOLDER`, `PURCHASE`, `ACCOUNT_INFO`; docs/3ds.md),
/// keys in a fixed order, empty values left out. `None` when nothing is left to send.
fn datos_acs_20(cardholder: &Cardholder) -> Option<String> {
    let json = acs_json(cardholder);
    (json.len() > 2).then(|| STANDARD.encode(json.as_bytes()))
}

/// Appends `"key":value` to an object being written (`{` already there).
fn member(json: &mut String, key: &str, raw_value: &str) {
    if json.len() > 1 {
        json.push(',');
    }
    json.push('"');
    json.push_str(key);
    json.push_str("\":");
    json.push_str(raw_value);
}

/// A JSON object of the present string values, or `None` when none is.
fn object(pairs: &[(&str, Option<&str>)]) -> Option<String> {
    let mut json = String::from("{");
    for (key, value) in pairs {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let mut quoted = String::new();
            crate::json::write_string(&mut quoted, v);
            member(&mut json, key, &quoted);
        }
    }
    json.push('}');
    (json.len() > 2).then_some(json)
}

fn address(a: &Option<Address>) -> Option<String> {
    let a = a.as_ref()?;
    object(&[
        ("CITY", present(&a.city)),
        ("COUNTRY", present(&a.country)),
        ("LINE1", present(&a.line1)),
        ("LINE2", present(&a.line2)),
        ("POST_CODE", present(&a.postal_code)),
        ("STATE", present(&a.state)),
    ])
}

fn age(a: AccountAge) -> &'static str {
    match a {
        AccountAge::NoAccount => "NO_ACCOUNT",
        AccountAge::ThisTransaction => "JUST_CHANGED",
        AccountAge::LessThan30Days => "LESS_30",
        AccountAge::From30To60Days => "BETWEEN_30_60",
        AccountAge::MoreThan60Days => "MORE_60",
    }
}

fn recency(r: Recency) -> &'static str {
    match r {
        Recency::ThisTransaction => "JUST_CHANGED",
        Recency::LessThan30Days => "LESS_30",
        Recency::From30To60Days => "BETWEEN_30_60",
        Recency::MoreThan60Days => "MORE_60",
    }
}

/// The JSON text inside `datos_acs_20`. What has no public CECA name (the phones' country
/// codes, home and work phones, `line3`, `address_match`, `password_changed`,
/// `shipping_address_first_used`, a suspicious account, `challenge`) is not sent.
fn acs_json(c: &Cardholder) -> String {
    let mut json = String::from("{");
    let mut holder = String::from("{");
    if let Some(bill) = address(&c.billing) {
        member(&mut holder, "BILL_ADDRESS", &bill);
    }
    if let Some(rest) = object(&[("NAME", present(&c.name)), ("EMAIL", present(&c.email))]) {
        // `rest` is `{…}`: splice its members in.
        if holder.len() > 1 {
            holder.push(',');
        }
        holder.push_str(&rest[1..rest.len() - 1]);
    }
    holder.push('}');
    if holder.len() > 2 {
        member(&mut json, "CARDHOLDER", &holder);
    }
    let mut purchase = String::from("{");
    if let Some(ship) = address(&c.shipping) {
        member(&mut purchase, "SHIP_ADDRESS", &ship);
    }
    if let Some(phone) = c
        .mobile_phone
        .as_ref()
        .and_then(|p| object(&[("SUBSCRIBER", Some(p.subscriber.as_str()))]))
    {
        member(&mut purchase, "MOBILE_PHONE", &phone);
    }
    purchase.push('}');
    if purchase.len() > 2 {
        member(&mut json, "PURCHASE", &purchase);
    }
    if let Some(info) = &c.account {
        let number = |n: Option<u16>| n.map(|n| n.to_string());
        let (day, year, six) = (
            number(info.transactions_last_day),
            number(info.transactions_last_year),
            number(info.purchases_last_6_months),
        );
        if let Some(acct) = object(&[
            ("CH_ACC_AGE_IND", info.age.map(age)),
            ("CH_ACC_CHANGE_IND", info.changed.map(recency)),
            (
                "SUSPICIOUS_ACC_ACTIVITY",
                info.suspicious_activity
                    .filter(|s| !s)
                    .map(|_| "NO_SUSPICIOUS"),
            ),
            ("TXN_ACTIVITY_DAY", day.as_deref()),
            ("TXN_ACTIVITY_YEAR", year.as_deref()),
            ("NB_PURCHASE_ACCOUNT", six.as_deref()),
        ]) {
            member(&mut json, "ACCOUNT_INFO", &acct);
        }
    }
    json.push('}');
    json
}

//! The Redsys redirect form: `Ds_SignatureVersion`, `Ds_MerchantParameters`, `Ds_Signature`.

use serde::{Deserialize, Serialize};

use super::Config;
use super::extra::ExtraParameters;
use super::stored::StoredCredential;
use crate::cardholder::{Address, Cardholder, Phone, present};
use crate::error::{Error, Result};
use crate::fields::{optional, url};
use crate::form::RedirectForm;
use crate::http::Method;
use crate::json;
use crate::money::Amount;

/// What the payment page should do.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "RedsysTransactionType")
)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    /// `0`: authorise and capture.
    #[default]
    Authorization,
    /// `1`: reserve only; confirm (`2`) or cancel (`9`) later.
    Preauthorization,
}

impl TransactionType {
    fn code(self) -> &'static str {
        match self {
            TransactionType::Authorization => "0",
            TransactionType::Preauthorization => "1",
        }
    }
}

/// A payment to send to the Redsys payment page.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `DS_MERCHANT_ORDER`: 4–12 characters, the first four digits, the rest letters or digits.
    /// Unique per terminal: build it with [`order_number`] from random bytes the host draws.
    pub order: String,
    /// `DS_MERCHANT_AMOUNT` (in minor units) and `DS_MERCHANT_CURRENCY` (numeric code).
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `DS_MERCHANT_TRANSACTIONTYPE`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<TransactionType>", optional))]
    pub transaction_type: TransactionType,
    /// `DS_MERCHANT_PRODUCTDESCRIPTION`, up to 125 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_description: Option<String>,
    /// `DS_MERCHANT_TITULAR` (card holder), up to 60 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub titular: Option<String>,
    /// `DS_MERCHANT_MERCHANTDATA`, returned in the notification, up to 1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_data: Option<String>,
    /// `DS_MERCHANT_CONSUMERLANGUAGE`: Redsys language number (`001` Spanish, `002` English …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_language: Option<String>,
    /// `DS_MERCHANT_PAYMETHODS`: `C` card, `z` Bizum, `p` PayPal, `R` transfer …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_methods: Option<String>,
    /// `DS_MERCHANT_BIZUM_MOBILENUMBER`: the customer's mobile, shown pre-filled on Redsys's
    /// Bizum page (`+34600000000`, or the nine national digits). Only with `pay_methods`
    /// naming Bizum (`z`): on a card page it would mean nothing, so it is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bizum_mobile_number: Option<String>,
    /// Overrides the configured `DS_MERCHANT_MERCHANTURL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_url: Option<String>,
    /// Overrides the configured `DS_MERCHANT_URLOK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_ok: Option<String>,
    /// Overrides the configured `DS_MERCHANT_URLKO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_ko: Option<String>,
    /// `DS_MERCHANT_IDENTIFIER`: `REQUIRED` asks Redsys for a card reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Stored-credential (COF) and SCA parameters (`cof_ini`, `cof_type`, `excep_sca` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_credential: Option<StoredCredential>,
    /// 3-D Secure 2 cardholder data, sent as `DS_MERCHANT_EMV3DS` (see [`Cardholder`]).
    // Boxed: it is large, most orders have none, and `driver::Order` holds every gateway's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<Box<Cardholder>>,
    /// `Ds_Merchant_*` parameters vpos does not model, written last and signed (see
    /// [`ExtraParameters`]); a modelled name is refused. Hosts log their names.
    #[serde(default, skip_serializing_if = "ExtraParameters::is_empty")]
    #[cfg_attr(
        feature = "ts",
        ts(as = "Option<std::collections::HashMap<String, String>>", optional)
    )]
    pub extra_parameters: ExtraParameters,
}

impl Order {
    /// Checks every field; the error names the Redsys parameter.
    pub fn validate(&self) -> Result<()> {
        check_order_number(&self.order)?;
        if self.amount.minor() == 0 {
            return Err(Error::invalid(
                "DS_MERCHANT_AMOUNT",
                "must be greater than zero",
            ));
        }
        optional(
            "DS_MERCHANT_PRODUCTDESCRIPTION",
            self.product_description.as_deref(),
            125,
        )?;
        optional("DS_MERCHANT_TITULAR", self.titular.as_deref(), 60)?;
        optional(
            "DS_MERCHANT_MERCHANTDATA",
            self.merchant_data.as_deref(),
            1024,
        )?;
        if let Some(lang) = self.consumer_language.as_deref()
            && (lang.is_empty() || lang.len() > 3 || !lang.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Error::invalid(
                "DS_MERCHANT_CONSUMERLANGUAGE",
                "must be 1 to 3 digits",
            ));
        }
        if let Some(methods) = self.pay_methods.as_deref()
            && (methods.is_empty()
                || methods.len() > 8
                || !methods.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(Error::invalid(
                "DS_MERCHANT_PAYMETHODS",
                "must be Redsys method letters such as C or z",
            ));
        }
        if let Some(mobile) = self.bizum_mobile_number.as_deref() {
            check_bizum_mobile(mobile, self.pay_methods.as_deref())?;
        }
        url("DS_MERCHANT_MERCHANTURL", self.merchant_url.as_deref(), 250)?;
        url("DS_MERCHANT_URLOK", self.url_ok.as_deref(), 250)?;
        url("DS_MERCHANT_URLKO", self.url_ko.as_deref(), 250)?;
        optional("DS_MERCHANT_IDENTIFIER", self.identifier.as_deref(), 40)?;
        if let Some(stored) = &self.stored_credential {
            stored.validate()?;
        }
        if let Some(cardholder) = &self.cardholder {
            cardholder.validate()?;
        }
        self.extra_parameters.validate()
    }
}

/// A Bizum mobile number: an optional `+`, then 9 to 15 digits (E.164 allows 15; a Spanish
/// mobile is 9 national digits). Spaces and dashes are the host's to remove: a number Redsys
/// would misread is refused rather than reshaped.
fn check_bizum_mobile(mobile: &str, pay_methods: Option<&str>) -> Result<()> {
    const FIELD: &str = "DS_MERCHANT_BIZUM_MOBILENUMBER";
    if !pay_methods.is_some_and(|m| m.contains('z')) {
        return Err(Error::invalid(
            FIELD,
            "needs DS_MERCHANT_PAYMETHODS z (Bizum)",
        ));
    }
    let digits = mobile.strip_prefix('+').unwrap_or(mobile);
    if !(9..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            FIELD,
            "must be an optional + and 9 to 15 digits",
        ));
    }
    Ok(())
}

/// Checks a `DS_MERCHANT_ORDER`: 4–12 ASCII letters or digits, the first four digits.
///
/// ```
/// use vpos_core::gateways::redsys::check_order_number;
/// assert!(check_order_number("0726qI3H7sZx").is_ok());
/// assert_eq!(check_order_number("ab12").unwrap_err().code().as_str(), "field_invalid");
/// assert_eq!(check_order_number("1234567890123").unwrap_err().code().as_str(), "field_too_long");
/// ```
pub fn check_order_number(order: &str) -> Result<()> {
    const FIELD: &str = "DS_MERCHANT_ORDER";
    if order.len() > 12 {
        return Err(Error::too_long(FIELD, 12, order.chars().count()));
    }
    let ok = order.len() >= 4
        && order.bytes().all(|b| b.is_ascii_alphanumeric())
        && order.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            FIELD,
            "must be 4 to 12 letters or digits, the first four digits",
        ))
    }
}

/// Builds a 12-character order number from `prefix` (0–4 digits) and random bytes the host
/// draws (at least 12): digits up to position four, then letters and digits without the
/// look-alikes `I O V 0 1`. vpos draws no randomness itself.
///
/// ```
/// use vpos_core::gateways::redsys::order_number;
/// let n = order_number("26", &[7, 200, 13, 99, 1, 2, 3, 4, 5, 6, 7, 8])?;
/// assert_eq!(n.len(), 12);
/// assert!(n.starts_with("26"));
/// vpos_core::gateways::redsys::check_order_number(&n)?;
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn order_number(prefix: &str, random: &[u8]) -> Result<String> {
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"ABCDEFGHJKLMNPQRSTUWXYZ23456789";
    if prefix.len() > 4 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("prefix", "must be at most 4 digits"));
    }
    if random.len() < 12 {
        return Err(Error::invalid("random", "needs at least 12 random bytes"));
    }
    let mut out = String::with_capacity(12);
    out.push_str(prefix);
    for &r in random.iter().take(12 - prefix.len()) {
        let alphabet = if out.len() < 4 { DIGITS } else { SYMBOLS };
        // The modulo bias over 8 or 31 symbols from one byte is small and harmless for an id.
        out.push(char::from(alphabet[usize::from(r) % alphabet.len()]));
    }
    Ok(out)
}

/// The merchant parameters JSON, keys in the order of Redsys's own examples.
///
/// Written straight into one buffer (a `String` per value and an interim list cost a tenth of
/// a checkout): keys are constants that need no escaping, values are JSON strings exactly as
/// `serde_json` writes them, stored-credential parameters arrive as JSON text already
/// (`DS_MERCHANT_DIRECTPAYMENT` is a JSON boolean).
pub(crate) fn merchant_parameters(config: &Config, order: &Order) -> String {
    use std::fmt::Write as _;
    fn text(o: &Option<String>) -> Option<&str> {
        o.as_deref().filter(|v| !v.is_empty())
    }
    /// The order's value, else the configuration's (an order's empty value wins).
    fn either<'a>(o: &'a Option<String>, c: &'a Option<String>) -> &'a str {
        o.as_deref().or(c.as_deref()).unwrap_or_default()
    }
    fn key(json: &mut String, k: &str) {
        if json.len() > 1 {
            json.push(',');
        }
        json.push('"');
        json.push_str(k);
        json.push_str("\":");
    }
    let mut json = String::with_capacity(512);
    json.push('{');
    key(&mut json, "DS_MERCHANT_AMOUNT");
    let _ = write!(json, "\"{}\"", order.amount.minor());
    key(&mut json, "DS_MERCHANT_ORDER");
    json::write_string(&mut json, &order.order);
    key(&mut json, "DS_MERCHANT_MERCHANTCODE");
    json::write_string(&mut json, &config.merchant_code);
    key(&mut json, "DS_MERCHANT_CURRENCY");
    let _ = write!(json, "\"{:03}\"", order.amount.currency().numeric());
    key(&mut json, "DS_MERCHANT_TRANSACTIONTYPE");
    json::write_string(&mut json, order.transaction_type.code());
    key(&mut json, "DS_MERCHANT_TERMINAL");
    json::write_string(&mut json, &config.terminal);
    for (k, value) in [
        (
            "DS_MERCHANT_MERCHANTURL",
            either(&order.merchant_url, &config.merchant_url),
        ),
        ("DS_MERCHANT_URLOK", either(&order.url_ok, &config.url_ok)),
        ("DS_MERCHANT_URLKO", either(&order.url_ko, &config.url_ko)),
    ] {
        key(&mut json, k);
        json::write_string(&mut json, value);
    }
    let optional = [
        ("DS_MERCHANT_MERCHANTNAME", &config.merchant_name),
        ("DS_MERCHANT_PRODUCTDESCRIPTION", &order.product_description),
        ("DS_MERCHANT_TITULAR", &order.titular),
        ("DS_MERCHANT_MERCHANTDATA", &order.merchant_data),
        ("DS_MERCHANT_CONSUMERLANGUAGE", &order.consumer_language),
        ("DS_MERCHANT_PAYMETHODS", &order.pay_methods),
        ("DS_MERCHANT_BIZUM_MOBILENUMBER", &order.bizum_mobile_number),
        ("DS_MERCHANT_IDENTIFIER", &order.identifier),
    ];
    for (k, value) in optional {
        if let Some(v) = text(value) {
            key(&mut json, k);
            json::write_string(&mut json, v);
        }
    }
    if let Some(stored) = &order.stored_credential {
        for (k, v) in stored.parameters() {
            key(&mut json, k);
            json.push_str(&v);
        }
    }
    if let Some(cardholder) = &order.cardholder {
        let emv3ds = emv3ds(cardholder);
        // A cardholder with nothing to send adds nothing: the form stays as without one.
        if emv3ds.len() > 2 {
            key(&mut json, "DS_MERCHANT_EMV3DS");
            json.push_str(&emv3ds);
        }
    }
    // Last, so that every modelled parameter keeps its place and the escape hatch never
    // changes what a form without it signs.
    for (k, v) in order.extra_parameters.iter() {
        key(&mut json, k);
        json::write_string(&mut json, v);
    }
    json.push('}');
    json
}

/// The `DS_MERCHANT_EMV3DS` object: EMV 3DS 2.x AReq field names, as Redsys reads them in
/// the redirect (docs/3ds.md). Keys in a fixed order (the signature covers the text); empty
/// values left out; countries ISO 3166-1 numeric; every value a JSON string, as EMV's JSON
/// messages carry even their numbers.
pub(super) fn emv3ds(cardholder: &Cardholder) -> String {
    fn put(json: &mut String, k: &str, v: Option<&str>) {
        let Some(v) = v.filter(|v| !v.is_empty()) else {
            return;
        };
        if json.len() > 1 {
            json.push(',');
        }
        json.push('"');
        json.push_str(k);
        json.push_str("\":");
        json::write_string(json, v);
    }
    fn phone(json: &mut String, k: &str, p: &Option<Phone>) {
        let Some(p) = p else { return };
        if json.len() > 1 {
            json.push(',');
        }
        json.push('"');
        json.push_str(k);
        json.push_str("\":{\"cc\":");
        json::write_string(json, &p.country_code);
        json.push_str(",\"subscriber\":");
        json::write_string(json, &p.subscriber);
        json.push('}');
    }
    fn address(json: &mut String, prefix: &str, a: &Option<Address>) {
        let Some(a) = a else { return };
        for (part, value) in [
            ("City", present(&a.city)),
            ("Country", a.country_numeric()),
            ("Line1", present(&a.line1)),
            ("Line2", present(&a.line2)),
            ("Line3", present(&a.line3)),
            ("PostCode", present(&a.postal_code)),
            ("State", present(&a.state)),
        ] {
            put(json, &format!("{prefix}{part}"), value);
        }
    }
    let yes_no = |b: bool| if b { "Y" } else { "N" };
    let mut json = String::from("{");
    put(&mut json, "cardholderName", present(&cardholder.name));
    put(&mut json, "email", present(&cardholder.email));
    phone(&mut json, "homePhone", &cardholder.home_phone);
    phone(&mut json, "mobilePhone", &cardholder.mobile_phone);
    phone(&mut json, "workPhone", &cardholder.work_phone);
    address(&mut json, "billAddr", &cardholder.billing);
    address(&mut json, "shipAddr", &cardholder.shipping);
    put(&mut json, "addrMatch", cardholder.address_match.map(yes_no));
    if let Some(info) = &cardholder.account {
        let mut acct = String::from("{");
        let number = |n: Option<u16>| n.map(|n| n.to_string());
        put(&mut acct, "chAccAgeInd", info.age.map(|a| a.emv_code()));
        put(
            &mut acct,
            "chAccChangeInd",
            info.changed.map(|r| r.emv_code()),
        );
        put(
            &mut acct,
            "chAccPwChangeInd",
            info.password_changed.map(|p| p.emv_code()),
        );
        put(
            &mut acct,
            "nbPurchaseAccount",
            number(info.purchases_last_6_months).as_deref(),
        );
        put(
            &mut acct,
            "shipAddressUsageInd",
            info.shipping_address_first_used.map(|r| r.emv_code()),
        );
        put(
            &mut acct,
            "suspiciousAccActivity",
            info.suspicious_activity
                .map(|s| if s { "02" } else { "01" }),
        );
        put(
            &mut acct,
            "txnActivityDay",
            number(info.transactions_last_day).as_deref(),
        );
        put(
            &mut acct,
            "txnActivityYear",
            number(info.transactions_last_year).as_deref(),
        );
        acct.push('}');
        if acct.len() > 2 {
            if json.len() > 1 {
                json.push(',');
            }
            json.push_str("\"acctInfo\":");
            json.push_str(&acct);
        }
    }
    put(
        &mut json,
        "threeDSRequestorChallengeInd",
        cardholder.challenge.map(|c| c.emv_code()),
    );
    json.push('}');
    json
}

/// Builds the signed redirect form.
///
/// ```
/// use vpos_core::gateways::redsys::{self, Order};
/// use vpos_core::{Amount, Currency};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"871",
/// #   "secret_key":"Mk9m98IfEblmPfrpsawt7BmxObt98Jev","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#)?;
/// let eur = Currency::from_code("EUR")?;
/// let order: Order = serde_json::from_value(serde_json::json!({
///     "order": "1447961844", "amount": {"minor": 145, "currency": "EUR"}}))?;
/// let form = redsys::checkout(&config, &order)?;
/// // Redsys's official PHP example (peers-and-vectors R2):
/// assert_eq!(form.fields[2].1, "Ejse86yr96Xbr1mf6UvQLoTPwwTyFiLXM+2uT09i9nY=");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    order.validate()?;
    let key = config.key()?;
    let version = config.signature_version;
    let parameters = version.encode_parameters(merchant_parameters(config, order).as_bytes());
    let signature = key.sign(&order.order, parameters.as_bytes());
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields: vec![
            ("Ds_SignatureVersion".into(), version.as_str().into()),
            ("Ds_MerchantParameters".into(), parameters),
            ("Ds_Signature".into(), signature),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameters as they were built before they were written into one buffer: a list of
    /// pairs, each value through `serde_json::to_string`.
    fn through_serde_json(config: &Config, order: &Order) -> String {
        let pick = |o: &Option<String>, c: &Option<String>| {
            o.clone().or_else(|| c.clone()).unwrap_or_default()
        };
        let mut pairs: Vec<(&str, String)> = vec![
            ("DS_MERCHANT_AMOUNT", order.amount.minor().to_string()),
            ("DS_MERCHANT_ORDER", order.order.clone()),
            ("DS_MERCHANT_MERCHANTCODE", config.merchant_code.clone()),
            (
                "DS_MERCHANT_CURRENCY",
                format!("{:03}", order.amount.currency().numeric()),
            ),
            (
                "DS_MERCHANT_TRANSACTIONTYPE",
                order.transaction_type.code().to_string(),
            ),
            ("DS_MERCHANT_TERMINAL", config.terminal.clone()),
            (
                "DS_MERCHANT_MERCHANTURL",
                pick(&order.merchant_url, &config.merchant_url),
            ),
            ("DS_MERCHANT_URLOK", pick(&order.url_ok, &config.url_ok)),
            ("DS_MERCHANT_URLKO", pick(&order.url_ko, &config.url_ko)),
        ];
        for (key, value) in [
            ("DS_MERCHANT_MERCHANTNAME", &config.merchant_name),
            ("DS_MERCHANT_PRODUCTDESCRIPTION", &order.product_description),
            ("DS_MERCHANT_TITULAR", &order.titular),
            ("DS_MERCHANT_MERCHANTDATA", &order.merchant_data),
            ("DS_MERCHANT_CONSUMERLANGUAGE", &order.consumer_language),
            ("DS_MERCHANT_PAYMETHODS", &order.pay_methods),
            ("DS_MERCHANT_BIZUM_MOBILENUMBER", &order.bizum_mobile_number),
            ("DS_MERCHANT_IDENTIFIER", &order.identifier),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.push((key, v.to_string()));
            }
        }
        let mut encoded: Vec<(&str, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k, serde_json::to_string(&v).unwrap()))
            .collect();
        if let Some(stored) = &order.stored_credential {
            encoded.extend(stored.parameters());
        }
        let body: Vec<String> = encoded
            .iter()
            .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    #[test]
    fn parameters_are_the_serde_json_text() {
        let config: Config = serde_json::from_str(
            r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
                "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
                "merchant_url":"https://shop.example/n","url_ko":"https://shop.example/ko",
                "merchant_name":"Tienda \"Ñ\" \\ 1"}"#,
        )
        .unwrap();
        let orders = [
            r#"{"order":"0726qI3H7sZx","amount":{"minor":4999,"currency":"EUR"}}"#,
            r#"{"order":"1234ab","amount":{"minor":1,"currency":"JPY"},"transaction_type":"preauthorization",
                "product_description":"Té \"verde\"\n\t<b>&</b> \u0001 \u001f € 𝄞 /","titular":"",
                "merchant_data":"{\"cart\":[1,2]}\\","consumer_language":"002","pay_methods":"z",
                "url_ok":"","url_ko":"https://x.example/ko?a=1&b=2","identifier":"REQUIRED",
                "stored_credential":{"cof_ini":true,"cof_type":"recurring","excep_sca":"mit",
                    "cof_txnid":"9999\"1","direct_payment":true}}"#,
        ];
        for text in orders {
            let order: Order = serde_json::from_str(text).unwrap();
            assert_eq!(
                merchant_parameters(&config, &order),
                through_serde_json(&config, &order),
                "{text}"
            );
        }
    }

    fn emv3ds_config() -> Config {
        serde_json::from_str(
            r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
                "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
                "merchant_url":"https://shop.example/n","url_ok":"https://shop.example/ok",
                "url_ko":"https://shop.example/ko"}"#,
        )
        .unwrap()
    }

    fn emv3ds_order(cardholder: serde_json::Value) -> Order {
        let mut order = serde_json::json!({"order": "0726qI3H7sZx",
            "amount": {"minor": 4999, "currency": "EUR"}});
        if !cardholder.is_null() {
            order["cardholder"] = cardholder;
        }
        serde_json::from_value(order).unwrap()
    }

    const BASE_PARAMETERS: &str = concat!(
        r#"{"DS_MERCHANT_AMOUNT":"4999","DS_MERCHANT_ORDER":"0726qI3H7sZx","#,
        r#""DS_MERCHANT_MERCHANTCODE":"999008881","DS_MERCHANT_CURRENCY":"978","#,
        r#""DS_MERCHANT_TRANSACTIONTYPE":"0","DS_MERCHANT_TERMINAL":"1","#,
        r#""DS_MERCHANT_MERCHANTURL":"https://shop.example/n","#,
        r#""DS_MERCHANT_URLOK":"https://shop.example/ok","DS_MERCHANT_URLKO":"https://shop.example/ko""#,
    );

    fn decoded(form: &RedirectForm) -> String {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&form.fields[1].1)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    // Signatures computed independently of vpos, with Python's json, hmac and cryptography:
    //   text = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
    //   key = b64decode("sq7HjrUOBfKmC576ILgskD5srU870gJ7")
    //   order_key = TripleDES(key) CBC, IV 8 zero bytes, over b"0726qI3H7sZx" zero-padded to 16
    //   b64encode(hmac.new(order_key, b64encode(text.encode()), sha256).digest())

    #[test]
    fn full_cardholder_is_the_emv3ds_object() {
        let order = emv3ds_order(serde_json::json!({
            "name": "Ana García", "email": "ana@example.com",
            "mobile_phone": {"country_code": "34", "subscriber": "600123456"},
            "home_phone": {"country_code": "34", "subscriber": "910000000"},
            "work_phone": {"country_code": "351", "subscriber": "213000000"},
            "billing": {"line1": "Calle Mayor 1", "line2": "2º B", "line3": "Esc. \"A\" \\ 3",
                        "city": "Madrid", "state": "M", "postal_code": "28013", "country": "ES"},
            "shipping": {"line1": "Rua Augusta 10", "line2": "", "city": "Lisboa",
                         "postal_code": "1100-053", "country": "PT"},
            "address_match": false,
            "account": {"age": "more_than_60_days", "changed": "more_than_60_days",
                        "password_changed": "no_change", "shipping_address_first_used": "less_than_30_days",
                        "suspicious_activity": false, "purchases_last_6_months": 12,
                        "transactions_last_day": 0, "transactions_last_year": 7},
            "challenge": "challenge_mandated"}));
        let form = checkout(&emv3ds_config(), &order).unwrap();
        let expected = [
            BASE_PARAMETERS,
            r#","DS_MERCHANT_EMV3DS":{"cardholderName":"Ana García","email":"ana@example.com","#,
            r#""homePhone":{"cc":"34","subscriber":"910000000"},"#,
            r#""mobilePhone":{"cc":"34","subscriber":"600123456"},"#,
            r#""workPhone":{"cc":"351","subscriber":"213000000"},"#,
            r#""billAddrCity":"Madrid","billAddrCountry":"724","billAddrLine1":"Calle Mayor 1","#,
            r#""billAddrLine2":"2º B","billAddrLine3":"Esc. \"A\" \\ 3","billAddrPostCode":"28013","#,
            r#""billAddrState":"M","shipAddrCity":"Lisboa","shipAddrCountry":"620","#,
            r#""shipAddrLine1":"Rua Augusta 10","shipAddrPostCode":"1100-053","addrMatch":"N","#,
            r#""acctInfo":{"chAccAgeInd":"05","chAccChangeInd":"04","chAccPwChangeInd":"01","#,
            r#""nbPurchaseAccount":"12","shipAddressUsageInd":"02","suspiciousAccActivity":"01","#,
            r#""txnActivityDay":"0","txnActivityYear":"7"},"threeDSRequestorChallengeInd":"04"}}"#,
        ]
        .concat();
        assert_eq!(decoded(&form), expected);
        let parsed: serde_json::Value = serde_json::from_str(&expected).unwrap();
        assert_eq!(
            parsed["DS_MERCHANT_EMV3DS"]["billAddrLine3"],
            "Esc. \"A\" \\ 3"
        );
        assert_eq!(
            form.fields[2].1,
            "w/aSobO2W8SyJUnj928qrKVQWzpC8BMiDNTcERsKn2A="
        );
    }

    #[test]
    fn minimal_cardholder_sends_only_what_it_has() {
        let order = emv3ds_order(serde_json::json!({"email": "ana@example.com", "name": "",
            "billing": {}, "account": {}}));
        let form = checkout(&emv3ds_config(), &order).unwrap();
        let expected =
            format!(r#"{BASE_PARAMETERS},"DS_MERCHANT_EMV3DS":{{"email":"ana@example.com"}}}}"#);
        assert_eq!(decoded(&form), expected);
        assert_eq!(
            form.fields[2].1,
            "7/NdTA6+yKbmc5OeZZ+uUzhjjYO14oRnDPlHVeuc3ZE="
        );
    }

    #[test]
    fn without_cardholder_data_the_parameters_are_unchanged() {
        let config = emv3ds_config();
        let plain = checkout(&config, &emv3ds_order(serde_json::Value::Null)).unwrap();
        assert_eq!(decoded(&plain), format!("{BASE_PARAMETERS}}}"));
        // An empty cardholder has nothing to send: the same form, byte for byte.
        let empty = checkout(&config, &emv3ds_order(serde_json::json!({}))).unwrap();
        assert_eq!(empty, plain);
        let blank = emv3ds_order(serde_json::json!({"email": "", "billing": {"city": ""}}));
        assert_eq!(checkout(&config, &blank).unwrap(), plain);
    }

    #[test]
    fn hostile_cardholder_values_are_escaped_or_refused() {
        let config = emv3ds_config();
        let order = emv3ds_order(serde_json::json!({
            "name": "A\"}, \"x\": \"y\\", "billing": {"city": "Mad\"rid\\", "country": "ES"}}));
        let text = decoded(&checkout(&config, &order).unwrap());
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let emv = &parsed["DS_MERCHANT_EMV3DS"];
        assert_eq!(emv["cardholderName"], "A\"}, \"x\": \"y\\");
        assert_eq!(emv["billAddrCity"], "Mad\"rid\\");
        assert_eq!(emv.as_object().unwrap().len(), 3);
        for (cardholder, field) in [
            (
                serde_json::json!({"name": "Ana\u{0}García"}),
                "cardholder.name",
            ),
            (
                serde_json::json!({"billing": {"line1": "a\nb"}}),
                "cardholder.billing.line1",
            ),
            (
                serde_json::json!({"mobile_phone": {"country_code": "34\"", "subscriber": "1"}}),
                "cardholder.mobile_phone.country_code",
            ),
            (
                serde_json::json!({"billing": {"country": "XX"}}),
                "cardholder.billing.country",
            ),
        ] {
            let e = checkout(&config, &emv3ds_order(cardholder)).unwrap_err();
            assert_eq!(e.field(), Some(field));
        }
    }
}

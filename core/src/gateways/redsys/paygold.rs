//! Pay-by-link (Paygold): a `trataPeticionREST` request with `DS_MERCHANT_TRANSACTIONTYPE` `F`
//! and the customer's mobile and/or e-mail asks Redsys to send the customer a payment link
//! (SMS, e-mail); the signed reply carries the link in `Ds_UrlPago2Fases`. Creating the link is
//! not a payment: the payment stays `new` until Redsys notifies the merchant URL, like any
//! payment, once the customer paid on the link's page. vpos builds the request and reads the
//! reply; the host does the POST. Parameters, sources and what is not confirmed:
//! `docs/3ds.md` ("Redsys: pay-by-link (Paygold)").
//!
//! The request is signed with the order's key like every REST request
//! (`super::rest::signed_request`); the reply is verified with the same key and must name the
//! request's order and amount (`super::emv3ds::read_reply`, the reader of every signed REST
//! reply), and its link must be `https://` (`http://` only when `rest_url` itself is a loopback
//! `http://` one: the project's sandbox).

use serde::{Deserialize, Serialize};

use super::Config;
use super::emv3ds::{lookup, read_reply};
use crate::error::{Error, ErrorCode, Result};
use crate::fields;
use crate::http::{HttpRequest, Reply};
use crate::money::Amount;

/// `DS_MERCHANT_TRANSACTIONTYPE` of a Paygold request.
pub const TRANSACTION_TYPE: &str = "F";
/// The tag Redsys replaces with the link in `DS_MERCHANT_CUSTOMER_SMS_TEXT`.
pub const URL_TAG: &str = "@URL@";
/// Longest link validity vpos sends, in minutes: a year. Redsys publishes no bound; a longer
/// one is more likely a unit mistake (seconds) than an intent.
pub const MAX_EXPIRY_MINUTES: u32 = 525_600;

/// One payment link to ask for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysPaygoldRequest"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// `DS_MERCHANT_ORDER` (4–12 characters, the first four digits): the payment's order, which
    /// the notification names when the customer pays.
    pub order: String,
    /// `DS_MERCHANT_AMOUNT` and `DS_MERCHANT_CURRENCY`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `DS_MERCHANT_CUSTOMER_MOBILE`: where Redsys sends the SMS; an optional `+`, then 9 to 15
    /// digits. At least one of `customer_mobile` and `customer_email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_mobile: Option<String>,
    /// `DS_MERCHANT_CUSTOMER_MAIL`: where Redsys sends the e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// `DS_MERCHANT_P2F_EXPIRYDATE`: how long the link is valid, in minutes (1 to
    /// [`MAX_EXPIRY_MINUTES`]); without it the link does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_minutes: Option<u32>,
    /// `DS_MERCHANT_CUSTOMER_SMS_TEXT`: the SMS, which must hold [`URL_TAG`] where the link
    /// goes (at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_text: Option<String>,
    /// `DS_MERCHANT_P2F_XMLDATA`: Redsys's optional XML for the e-mail, sent as given (at most
    /// 4096 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml_data: Option<String>,
    /// Overrides the configured `DS_MERCHANT_MERCHANTURL`, where the payment is notified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_url: Option<String>,
    /// `DS_MERCHANT_PRODUCTDESCRIPTION` (at most 125 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The link Redsys created, read from a verified reply: its order and amount are the
/// request's.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysPaygoldLink"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaygoldLink {
    /// `Ds_UrlPago2Fases`: the page where the customer pays.
    pub url: String,
    /// `Ds_Order`.
    pub order: String,
    /// `Ds_Amount` and `Ds_Currency`.
    pub amount: Amount,
}

impl LinkRequest {
    /// Checks every field before anything is signed.
    pub fn validate(&self) -> Result<()> {
        super::checkout::check_order_number(&self.order)?;
        if self.amount.minor() <= 0 {
            return Err(Error::invalid(
                "DS_MERCHANT_AMOUNT",
                "must be greater than zero",
            ));
        }
        let mobile = self.customer_mobile.as_deref().filter(|m| !m.is_empty());
        let email = self.customer_email.as_deref().filter(|m| !m.is_empty());
        if mobile.is_none() && email.is_none() {
            return Err(Error::new(
                ErrorCode::FieldMissing,
                "a payment link needs the customer's mobile or e-mail",
            )
            .with_field("DS_MERCHANT_CUSTOMER_MOBILE"));
        }
        if let Some(mobile) = mobile {
            let digits = mobile.strip_prefix('+').unwrap_or(mobile);
            if !(9..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid(
                    "DS_MERCHANT_CUSTOMER_MOBILE",
                    "must be an optional + and 9 to 15 digits",
                ));
            }
        }
        if let Some(email) = email {
            fields::required("DS_MERCHANT_CUSTOMER_MAIL", email, 254)?;
            let parts = email.split_once('@');
            let ok = parts.is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.contains('@')
            }) && !email.contains(char::is_whitespace);
            if !ok {
                return Err(Error::invalid(
                    "DS_MERCHANT_CUSTOMER_MAIL",
                    "must be an e-mail address",
                ));
            }
        }
        if let Some(minutes) = self.expiry_minutes
            && !(1..=MAX_EXPIRY_MINUTES).contains(&minutes)
        {
            return Err(Error::invalid(
                "DS_MERCHANT_P2F_EXPIRYDATE",
                format_args!("must be 1 to {MAX_EXPIRY_MINUTES} minutes"),
            ));
        }
        if let Some(text) = self.sms_text.as_deref() {
            fields::required("DS_MERCHANT_CUSTOMER_SMS_TEXT", text, 500)?;
            if !text.contains(URL_TAG) {
                return Err(Error::invalid(
                    "DS_MERCHANT_CUSTOMER_SMS_TEXT",
                    "must hold @URL@, where Redsys puts the link",
                ));
            }
        }
        if let Some(xml) = self.xml_data.as_deref() {
            fields::required("DS_MERCHANT_P2F_XMLDATA", xml, 4096)?;
        }
        fields::url("DS_MERCHANT_MERCHANTURL", self.merchant_url.as_deref(), 250)?;
        fields::optional(
            "DS_MERCHANT_PRODUCTDESCRIPTION",
            self.description.as_deref(),
            125,
        )
    }
}

/// The signed `trataPeticionREST` request asking Redsys for a payment link: the usual
/// parameters with `DS_MERCHANT_TRANSACTIONTYPE` `F`, then the customer's contact, the
/// validity and the texts, in that order (the same input gives the same bytes).
///
/// ```
/// use vpos_core::gateways::redsys::{self, paygold};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// let link: paygold::LinkRequest = serde_json::from_value(serde_json::json!({
///     "order": "1234PG000001", "amount": {"minor": 2500, "currency": "EUR"},
///     "customer_mobile": "600000000", "expiry_minutes": 14400,
///     "sms_text": "Pay your order here: @URL@"}))?;
/// let request = paygold::request(&config, &link)?;
/// assert_eq!(request.url, "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST");
/// assert!(request.body.starts_with(r#"{"Ds_SignatureVersion":"HMAC_SHA256_V1","#));
/// // Without the @URL@ tag the SMS could not carry the link.
/// let bad: paygold::LinkRequest = serde_json::from_value(serde_json::json!({
///     "order": "1234PG000001", "amount": {"minor": 2500, "currency": "EUR"},
///     "customer_mobile": "600000000", "sms_text": "Pay your order"}))?;
/// assert_eq!(paygold::request(&config, &bad).unwrap_err().field(), Some("DS_MERCHANT_CUSTOMER_SMS_TEXT"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn request(config: &Config, link: &LinkRequest) -> Result<HttpRequest> {
    config.validate()?;
    link.validate()?;
    let url = rest_url(config)?;
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let merchant_url = link
        .merchant_url
        .as_deref()
        .or(config.merchant_url.as_deref())
        .filter(|u| !u.is_empty());
    let expiry = link.expiry_minutes.map(|m| m.to_string());
    let present = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let fields: Vec<String> = [
        ("DS_MERCHANT_AMOUNT", Some(link.amount.minor().to_string())),
        ("DS_MERCHANT_ORDER", Some(link.order.clone())),
        (
            "DS_MERCHANT_MERCHANTCODE",
            Some(config.merchant_code.clone()),
        ),
        (
            "DS_MERCHANT_CURRENCY",
            Some(format!("{:03}", link.amount.currency().numeric())),
        ),
        (
            "DS_MERCHANT_TRANSACTIONTYPE",
            Some(TRANSACTION_TYPE.to_string()),
        ),
        ("DS_MERCHANT_TERMINAL", Some(config.terminal.clone())),
        ("DS_MERCHANT_MERCHANTURL", merchant_url.map(str::to_string)),
        ("DS_MERCHANT_PRODUCTDESCRIPTION", present(&link.description)),
        (
            "DS_MERCHANT_CUSTOMER_MOBILE",
            present(&link.customer_mobile),
        ),
        ("DS_MERCHANT_CUSTOMER_MAIL", present(&link.customer_email)),
        ("DS_MERCHANT_P2F_EXPIRYDATE", expiry),
        ("DS_MERCHANT_CUSTOMER_SMS_TEXT", present(&link.sms_text)),
        ("DS_MERCHANT_P2F_XMLDATA", present(&link.xml_data)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{}:{}", text(k), text(&v))))
    .collect();
    super::rest::signed_request(
        config,
        &link.order,
        &format!("{{{}}}", fields.join(",")),
        url,
    )
}

/// Reads Redsys's reply to [`request`]: Redsys's own refusal (`{"errorCode": "SIS0837"}`, a
/// validity it cannot read) is `gateway_error`; no usable answer `gateway_unavailable`; a
/// signature that does not verify with the order's key `signature_mismatch`; another order,
/// merchant, amount or currency `order_mismatch`, `merchant_mismatch`, `amount_mismatch`,
/// `currency_mismatch`; a reply without `Ds_Amount` or `Ds_UrlPago2Fases` `field_missing`; a
/// `Ds_TransactionType` other than `F` or a link that is not `https://` `field_invalid`.
///
/// ```
/// use vpos_core::Reply;
/// use vpos_core::gateways::redsys::{self, paygold};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// let link: paygold::LinkRequest = serde_json::from_value(serde_json::json!({
///     "order": "1234PG000001", "amount": {"minor": 2500, "currency": "EUR"},
///     "customer_email": "ana@example.com"}))?;
/// // A reply signed with another key (or for another order) is refused.
/// let reply: Reply = serde_json::from_value(serde_json::json!({"status": 200,
///     "body": r#"{"Ds_SignatureVersion":"HMAC_SHA256_V1","Ds_MerchantParameters":"e30=","Ds_Signature":"AAAA"}"#}))?;
/// let e = paygold::parse_reply(&config, &link, &reply).unwrap_err();
/// assert_eq!(e.code().as_str(), "signature_mismatch");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_reply(config: &Config, link: &LinkRequest, reply: &Reply) -> Result<PaygoldLink> {
    let read = read_reply(config, &link.order, &link.amount, reply)?;
    // `read_reply` compared any amount and currency named; the link's must name the amount.
    if lookup(&read.pairs, "Ds_Amount").is_none() {
        return Err(Error::missing("Ds_Amount"));
    }
    if let Some(kind) = lookup(&read.pairs, "Ds_TransactionType")
        && !kind.eq_ignore_ascii_case(TRANSACTION_TYPE)
    {
        return Err(Error::invalid(
            "Ds_TransactionType",
            "must be F (Paygold) in a payment link's reply",
        ));
    }
    let url = lookup(&read.pairs, "Ds_UrlPago2Fases")
        .ok_or_else(|| Error::missing("Ds_UrlPago2Fases"))?;
    check_link(config, url)?;
    Ok(PaygoldLink {
        url: url.to_string(),
        order: link.order.clone(),
        amount: link.amount,
    })
}

fn rest_url(config: &Config) -> Result<String> {
    config
        .rest_url
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Error::config("rest_url", "is required for Paygold payment links"))
}

/// Whether `url` is `http://` on 127.0.0.1, localhost or [::1] (any port, any path).
fn is_loopback_http(url: &str) -> bool {
    if !url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        return false;
    }
    let authority = url[7..].split(['/', '?', '#']).next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority.split(']').next().map(|h| format!("{h}]"))
    } else {
        authority.split(':').next().map(str::to_string)
    }
    .unwrap_or_default();
    matches!(
        host.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "[::1]"
    )
}

/// The link the customer is sent to: `https://`, or `http://` when the REST endpoint is itself
/// a loopback `http://` one (the project's sandbox, never Redsys); at most 2048 characters,
/// no whitespace, control characters, quotes or angle brackets.
fn check_link(config: &Config, url: &str) -> Result<()> {
    let https = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let sandbox = config.rest_url.as_deref().is_some_and(is_loopback_http) && is_loopback_http(url);
    if !(https || sandbox) || !super::emv3ds::plain_url(url) {
        return Err(Error::invalid(
            "Ds_UrlPago2Fases",
            "must be an https URL of at most 2048 characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(rest: &str) -> Config {
        serde_json::from_value(json!({"merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago", "rest_url": rest}))
        .unwrap()
    }

    fn link() -> LinkRequest {
        serde_json::from_value(json!({"order": "1234PG000001",
            "amount": {"minor": 2500, "currency": "EUR"}, "customer_email": "ana@example.com"}))
        .unwrap()
    }

    fn reply(config: &Config, params: serde_json::Value) -> Reply {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(params.to_string());
        let sig = super::super::sign(config, "1234PG000001", b64.as_bytes()).unwrap();
        serde_json::from_value(json!({"status": 200, "body": json!({
            "Ds_SignatureVersion": "HMAC_SHA256_V1", "Ds_MerchantParameters": b64,
            "Ds_Signature": sig}).to_string()}))
        .unwrap()
    }

    #[test]
    fn http_links_only_from_a_loopback_sandbox() {
        let params = |url: &str| {
            json!({"Ds_Order": "1234PG000001", "Ds_Amount": "2500", "Ds_Currency": "978",
                "Ds_TransactionType": "F", "Ds_UrlPago2Fases": url})
        };
        let live = config("https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST");
        let sandbox = config("http://127.0.0.1:8080/sis/rest/trataPeticionREST");
        let http_link = "http://127.0.0.1:8080/sis/p2f/1234PG000001";
        let e = parse_reply(&live, &link(), &reply(&live, params(http_link))).unwrap_err();
        assert_eq!(e.field(), Some("Ds_UrlPago2Fases"));
        let ok = parse_reply(&sandbox, &link(), &reply(&sandbox, params(http_link))).unwrap();
        assert_eq!(ok.url, http_link);
        // Even from the sandbox, an http link elsewhere is refused.
        let away = params("http://evil.example/p2f");
        let e = parse_reply(&sandbox, &link(), &reply(&sandbox, away)).unwrap_err();
        assert_eq!(e.field(), Some("Ds_UrlPago2Fases"));
        assert!(
            is_loopback_http("http://[::1]:9/x") && !is_loopback_http("http://127.0.0.1.evil/")
        );
    }
}

//! BitPay's current API (`X-Accept-Version: 2.0.0`): invoices with the POS token, invoice
//! queries (POS, or merchant facade signed), refunds on the merchant facade, and the pairing
//! call that gives a key its merchant token.

use serde::Serialize;
use serde_json::value::RawValue;

use super::invoice::{Config, InvoiceRequest, MAX_BODY_BYTES, id_char};
use super::key::MerchantKey;
use crate::error::{Error, ErrorCode, Result};
use crate::fields;
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::{Amount, Currency};
use crate::secret::Secret;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;

/// The API version every call names (`X-Accept-Version`).
pub const API_VERSION: &str = "2.0.0";

pub(super) fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn json_text(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The API root. A host that fills a blank `api_url` from the published endpoints
/// (`account::Environment::endpoints`) gives the legacy invoice endpoint, which keeps legacy
/// accounts working; the current API takes its root from it.
fn root(config: &Config) -> &str {
    let url = config.api_url.trim_end_matches('/');
    url.strip_suffix("/api/invoice").unwrap_or(url)
}

fn headers(json: bool) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if json {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    headers.push(("X-Accept-Version".into(), API_VERSION.into()));
    headers
}

/// A call on the merchant facade: `X-Identity` and `X-Signature` over the full URL + body.
fn signed(key: &MerchantKey, mut request: HttpRequest) -> HttpRequest {
    let signature = key.sign(&format!("{}{}", request.url, request.body));
    request.headers.push(("X-Identity".into(), key.identity()));
    request.headers.push(("X-Signature".into(), signature));
    request
}

fn facade(config: &Config, what: &str) -> Result<(MerchantKey, Secret)> {
    match config.merchant_facade()? {
        Some((key, token)) => Ok((key, token.clone())),
        None => Err(Error::config(
            "merchant_token",
            format_args!(
                "and private_key are required for {what} (BitPay's merchant facade; \
                 docs/bitpay.md says how to pair a key)"
            ),
        )),
    }
}

/// `POST <root>/invoices` with the POS token in the body.
pub(super) fn invoice_request(config: &Config, request: &InvoiceRequest) -> Result<HttpRequest> {
    fields::required("orderId", &request.order_id, 100)?;
    fields::optional("itemDesc", request.item_desc.as_deref(), 100)?;
    fields::url("redirectURL", request.redirect_url.as_deref(), 500)?;
    if request.price.minor() == 0 {
        return Err(Error::invalid("price", "must be greater than zero"));
    }
    let token = config
        .token
        .as_ref()
        .map(Secret::expose)
        .unwrap_or_default();
    // The price is the exact decimal as a JSON number token, never a float.
    let mut body = format!(
        r#"{{"token":{},"price":{},"currency":{},"orderId":{},"fullNotifications":true,"extendedNotifications":true"#,
        json_text(token),
        request.price.to_decimal_string(),
        json_text(request.price.currency().code()),
        json_text(&request.order_id)
    );
    for (key, value) in [
        ("itemDesc", request.item_desc.as_deref()),
        ("redirectURL", request.redirect_url.as_deref()),
        ("notificationURL", config.notification_url.as_deref()),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            body.push_str(&format!(",{}:{}", json_text(key), json_text(v)));
        }
    }
    if let Some(buyer) = &request.buyer {
        fields::optional("buyer.name", buyer.name.as_deref(), 100)?;
        fields::optional("buyer.email", buyer.email.as_deref(), 254)?;
        if let Some(email) = buyer.email.as_deref().filter(|e| !e.is_empty())
            && (!email.contains('@') || email.chars().any(char::is_whitespace))
        {
            return Err(Error::invalid("buyer.email", "is not an e-mail address"));
        }
        let mut parts = Vec::new();
        for (key, value) in [("name", &buyer.name), ("email", &buyer.email)] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{}:{}", json_text(key), json_text(v)));
            }
        }
        if !parts.is_empty() {
            body.push_str(&format!(r#","buyer":{{{}}}"#, parts.join(",")));
        }
    }
    body.push('}');
    Ok(HttpRequest {
        method: Method::Post,
        url: format!("{}/invoices", root(config)),
        headers: headers(true),
        body,
    })
}

/// `GET <root>/invoices/<id>?token=<POS token>`: no signature (the POS facade).
pub(super) fn pos_fetch_request(config: &Config, id: &str) -> HttpRequest {
    let token = config
        .token
        .as_ref()
        .map(Secret::expose)
        .unwrap_or_default();
    HttpRequest {
        method: Method::Get,
        url: format!("{}/invoices/{id}?token={token}", root(config)),
        headers: headers(false),
        body: String::new(),
    }
}

/// The invoice query: on the merchant facade (signed) when configured, else the POS facade.
pub(super) fn invoice_fetch_request(config: &Config, id: &str) -> Result<HttpRequest> {
    match config.merchant_facade()? {
        Some((key, token)) => Ok(signed(
            &key,
            HttpRequest {
                method: Method::Get,
                url: format!("{}/invoices/{id}?token={}", root(config), token.expose()),
                headers: headers(false),
                body: String::new(),
            },
        )),
        None => Ok(pos_fetch_request(config, id)),
    }
}

/// A refund to ask for (merchant facade).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// `invoiceId`: the paid invoice.
    pub invoice_id: String,
    /// `amount`, in the invoice's currency: all of the price, or a part.
    pub amount: Amount,
    /// `reference`: the shop's words for it (its order id), echoed back.
    pub reference: String,
    /// `guid`: the host's key of this refund, the same on every attempt; empty sends none.
    pub guid: String,
}

/// Describes a refund: `POST <api_url>/refunds` on the merchant facade, signed, with
/// `token` (the merchant token), `invoiceId`, `amount` (the exact decimal), `preview`,
/// `immediate` and `buyerPaysRefundFee` all `false`, `reference` and `guid`. Without the
/// merchant facade: `invalid_config` on `merchant_token`; on the legacy API: `unsupported`.
///
/// ```
/// use vpos_core::gateways::bitpay::{self, RefundRequest};
/// # let eur = vpos_core::Currency::from_code("EUR")?;
/// let config: bitpay::Config = serde_json::from_value(serde_json::json!({"token": "PosT0ken",
///     "private_key": "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf",
///     "merchant_token": "MerchT0ken", "api_url": "https://test.bitpay.com",
///     "invoice_url": "https://test.bitpay.com/invoice"})).unwrap();
/// let refund = RefundRequest { invoice_id: "G3viJEJgE8Jk2oekSdgT2A".into(),
///     amount: vpos_core::Amount::parse("2.50", eur)?, reference: "A-1".into(), guid: String::new() };
/// let request = bitpay::refund_request(&config, &refund)?;
/// assert_eq!(request.url, "https://test.bitpay.com/refunds");
/// assert!(request.body.contains(r#""amount":2.50"#));
/// let header = |n: &str| request.headers.iter().find(|(k, _)| k == n).unwrap().1.clone();
/// bitpay::verify_signature(&header("X-Identity"),
///     &format!("{}{}", request.url, request.body), &header("X-Signature"))?;
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn refund_request(config: &Config, refund: &RefundRequest) -> Result<HttpRequest> {
    config.validate()?;
    if config.api() == super::Api::Legacy {
        return Err(Error::new(
            ErrorCode::Unsupported,
            "Bitpay refunds need the current API's merchant facade; the legacy api_key has none",
        )
        .with_field("api_key"));
    }
    let (key, token) = facade(config, "refunds")?;
    fields::required("invoiceId", &refund.invoice_id, 100)?;
    if !refund.invoice_id.chars().all(id_char) {
        return Err(Error::invalid(
            "invoiceId",
            "a Bitpay invoice id is letters, digits, '-' and '_'",
        ));
    }
    fields::optional("reference", Some(&refund.reference), 100)?;
    fields::optional("guid", Some(&refund.guid), 100)?;
    if refund.amount.minor() <= 0 {
        return Err(Error::invalid("amount", "must be greater than zero"));
    }
    let mut body = format!(
        r#"{{"token":{},"invoiceId":{},"amount":{},"preview":false,"immediate":false,"buyerPaysRefundFee":false"#,
        json_text(token.expose()),
        json_text(&refund.invoice_id),
        refund.amount.to_decimal_string(),
    );
    for (k, v) in [("reference", &refund.reference), ("guid", &refund.guid)] {
        if !v.is_empty() {
            body.push_str(&format!(",{}:{}", json_text(k), json_text(v)));
        }
    }
    body.push('}');
    Ok(signed(
        &key,
        HttpRequest {
            method: Method::Post,
            url: format!("{}/refunds", root(config)),
            headers: headers(true),
            body,
        },
    ))
}

/// A refund as BitPay describes it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayRefund"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refund {
    /// `id`: BitPay's refund id.
    pub id: String,
    /// `invoice`: the refunded invoice's id.
    pub invoice: String,
    /// `status`: `preview`, `created`, `pending`, `success`, `failure` or `canceled`.
    pub status: String,
    /// `amount` in `currency`, read exactly.
    pub amount: Amount,
    /// `reference`, when set.
    pub reference: Option<String>,
}

#[derive(serde::Deserialize)]
struct WireRefund<'a> {
    id: Option<String>,
    invoice: Option<String>,
    status: Option<String>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    currency: Option<String>,
    reference: Option<String>,
}

/// The JSON object of a reply: `{"data": {...}}` unwrapped; an `error` is `gateway_error`.
fn data_of(body: &[u8], field: &'static str) -> Result<serde_json::Value> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "Bitpay's reply is too large",
        ));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Error::invalid(field, "is not a JSON object"))?;
    if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "Bitpay refused: {}",
                error.to_string().chars().take(120).collect::<String>()
            ),
        ));
    }
    match value.get("data") {
        Some(data) if data.is_object() || data.is_array() => Ok(data.clone()),
        _ if value.is_object() => Ok(value),
        _ => Err(Error::invalid(field, "is not a JSON object")),
    }
}

fn text_field(value: Option<String>, field: &'static str) -> Result<String> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::missing(field))
}

/// Reads BitPay's answer to [`refund_request`]: it must name the refunded invoice and the
/// amount asked for (else `signature_mismatch`: an answer about another refund moves
/// nothing); an `error` is `gateway_error` (nothing moved); not HTTP 200 or no answer is
/// `gateway_unavailable` (the money may have moved: ask again with the same `guid`).
///
/// ```
/// use vpos_core::{gateways::bitpay::{self, RefundRequest}, Reply};
/// # let usd = vpos_core::Currency::from_code("USD")?;
/// let asked = RefundRequest { invoice_id: "G3viJEJgE8Jk2oekSdgT2A".into(),
///     amount: vpos_core::Amount::parse("10.00", usd)?, reference: "A-1".into(), guid: String::new() };
/// let body = br#"{"data":{"id":"WoE46gSLkJQS48RJEiNw3L","invoice":"G3viJEJgE8Jk2oekSdgT2A",
///     "status":"success","amount":10,"currency":"USD"}}"#;
/// let refund = bitpay::parse_refund_response(&asked, &Reply::Response { status: 200, body: body.to_vec() })?;
/// let event = refund.event("A-1");
/// assert_eq!((event.key(), event.status().as_str()), ("bitpay:refund:WoE46gSLkJQS48RJEiNw3L:success", "succeeded"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_refund_response(request: &RefundRequest, reply: &Reply) -> Result<Verified<Refund>> {
    let refund = read_refund(reply)?;
    if refund.invoice != request.invoice_id || refund.amount != request.amount {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            "Bitpay's refund answer names another invoice or amount than the refund asked for",
        )
        .with_field(if refund.invoice != request.invoice_id {
            "invoice"
        } else {
            "amount"
        }));
    }
    Ok(Verified(refund))
}

/// A refund as BitPay's reply describes it (`{"data": {...}}`), checked field by field.
pub(super) fn read_refund(reply: &Reply) -> Result<Refund> {
    let data = data_of(reply.ok_body("Bitpay")?, "refund")?;
    let text = data.to_string();
    let wire: WireRefund = serde_json::from_str(&text)
        .map_err(|_| Error::invalid("refund", "is not a BitPay refund"))?;
    let currency = Currency::from_code(
        wire.currency
            .as_deref()
            .ok_or_else(|| Error::missing("currency"))?,
    )
    .map_err(|e| e.or_field("currency"))?;
    let amount_text = wire
        .amount
        .map(RawValue::get)
        .ok_or_else(|| Error::missing("amount"))?;
    let amount =
        Amount::parse(amount_text.trim_matches('"'), currency).map_err(|e| e.or_field("amount"))?;
    Ok(Refund {
        id: text_field(wire.id, "id")?,
        invoice: text_field(wire.invoice, "invoice")?,
        status: text_field(wire.status, "status")?,
        amount,
        reference: wire.reference,
    })
}

/// `GET <root>/refunds/<id>?token=<merchant token>`, signed: the refund query, only on the
/// merchant facade.
pub(super) fn refund_fetch_request(config: &Config, id: &str) -> Result<HttpRequest> {
    config.validate()?;
    if config.api() == super::Api::Legacy {
        return Err(Error::new(
            ErrorCode::Unsupported,
            "Bitpay refunds need the current API's merchant facade; the legacy api_key has none",
        )
        .with_field("api_key"));
    }
    let (key, token) = facade(config, "refund queries")?;
    fields::required("id", id, 100)?;
    if !id.chars().all(id_char) {
        return Err(Error::invalid(
            "id",
            "a Bitpay refund id is letters, digits, '-' and '_'",
        ));
    }
    Ok(signed(
        &key,
        HttpRequest {
            method: Method::Get,
            url: format!("{}/refunds/{id}?token={}", root(config), token.expose()),
            headers: headers(false),
            body: String::new(),
        },
    ))
}

/// Maps a refund status into the unified model: `success` is the money back; `created` and
/// `pending` wait (BitPay may first ask the buyer for an address); `failure` and `canceled`
/// failed; `preview` (never asked by vpos) and anything else unknown.
///
/// ```
/// use vpos_core::{gateways::bitpay::map_refund_status, Reported};
/// assert_eq!(map_refund_status("created"), Reported::Pending);
/// assert_eq!(map_refund_status("canceled"), Reported::Failed);
/// ```
pub fn map_refund_status(status: &str) -> Reported {
    match status {
        "success" => Reported::Succeeded,
        "created" | "pending" => Reported::Pending,
        "failure" | "canceled" | "cancelled" => Reported::Failed,
        other => Reported::Unknown(other.chars().take(32).collect()),
    }
}

impl Verified<Refund> {
    /// The refund event, keyed `bitpay:refund:<refund id>:<status>`, on the shop's `order_id`.
    pub fn event(&self, order_id: &str) -> Event {
        Event {
            gateway: Gateway::Bitpay,
            key: event_key(&["bitpay", "refund", &self.0.id, &self.0.status]),
            merchant: String::new(),
            order_id: order_id.to_string(),
            transaction_id: self.0.invoice.clone(),
            amount: self.0.amount,
            action: Action::Refund,
            status: map_refund_status(&self.0.status),
            status_code: self.0.status.clone(),
        }
    }
}

/// Describes the pairing of `key` with the merchant facade: `POST <api_url>/tokens` with
/// `id` = the key's SIN and either the `pairingCode` the shop owner made in BitPay's dashboard
/// (Payment Tools → API Tokens), or, without one, `facade: "merchant"`, whose answer carries a
/// pairing code for the owner to approve there. Unsigned, as BitPay's SDKs send it.
///
/// ```
/// use vpos_core::{gateways::bitpay::{self, MerchantKey}, Secret};
/// let key = MerchantKey::from_secret(&Secret::new(
///     "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf"))?;
/// let request = bitpay::pairing_request("https://test.bitpay.com", &key, Some("abcdefg"))?;
/// assert_eq!(request.body, r#"{"id":"TfEKWr2FcX2XnWxUNPJ3iD5Xe6X5frZb1DG","pairingCode":"abcdefg"}"#);
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn pairing_request(
    api_url: &str,
    key: &MerchantKey,
    pairing_code: Option<&str>,
) -> Result<HttpRequest> {
    fields::required("api_url", api_url, 500)?;
    fields::url("api_url", Some(api_url), 500)?;
    let body = match pairing_code {
        Some(code) => {
            if code.len() != 7 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(Error::invalid(
                    "pairingCode",
                    "is BitPay's 7 letters and digits pairing code",
                ));
            }
            format!(
                r#"{{"id":{},"pairingCode":{}}}"#,
                json_text(&key.sin()),
                json_text(code)
            )
        }
        None => format!(r#"{{"id":{},"facade":"merchant"}}"#, json_text(&key.sin())),
    };
    Ok(HttpRequest {
        method: Method::Post,
        url: format!("{}/tokens", api_url.trim_end_matches('/')),
        headers: headers(true),
        body,
    })
}

/// What a pairing answers: the token (store it as `merchant_token`: a secret) and, when the
/// pairing was asked without a code, the code the owner approves in the dashboard.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Pairing {
    /// `token`.
    pub token: String,
    /// `facade` (`merchant`).
    pub facade: String,
    /// `pairingCode`, when BitPay made one.
    pub pairing_code: Option<String>,
}

impl std::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pairing")
            .field("token", &"***")
            .field("facade", &self.facade)
            .field("pairing_code", &self.pairing_code)
            .finish()
    }
}

/// Reads the answer to [`pairing_request`]: `{"data": [{"token", "facade", "pairingCode", …}]}`.
///
/// ```
/// let body = br#"{"data":[{"token":"5kZq6f2Qk7B3GJv9k1c8w2","facade":"merchant","pairingCode":"abc1234"}]}"#;
/// let reply = vpos_core::Reply::Response { status: 200, body: body.to_vec() };
/// let pairing = vpos_core::gateways::bitpay::parse_pairing_response(&reply)?;
/// assert_eq!((pairing.token.as_str(), pairing.pairing_code.as_deref()), ("5kZq6f2Qk7B3GJv9k1c8w2", Some("abc1234")));
/// assert!(!format!("{pairing:?}").contains("5kZq6f2Qk7B3GJv9k1c8w2"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_pairing_response(reply: &Reply) -> Result<Pairing> {
    let data = data_of(reply.ok_body("Bitpay")?, "pairing")?;
    let first = data
        .as_array()
        .and_then(|a| a.first())
        .unwrap_or(&data)
        .clone();
    let get = |k: &str| first.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let token = text_field(get("token"), "token")?;
    if !token.chars().all(token_char) || token.len() > 200 {
        return Err(Error::invalid(
            "token",
            "is not a BitPay token (letters and digits)",
        ));
    }
    Ok(Pairing {
        token,
        facade: get("facade").unwrap_or_default(),
        pairing_code: get("pairingCode"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_legacy_endpoint_gives_the_current_api_its_root() {
        for api_url in [
            "https://test.bitpay.com",
            "https://test.bitpay.com/",
            "https://test.bitpay.com/api/invoice",
        ] {
            let config: Config = serde_json::from_value(serde_json::json!({"token": "PosT0ken",
                "api_url": api_url, "invoice_url": "https://test.bitpay.com/invoice"}))
            .unwrap();
            assert_eq!(
                pos_fetch_request(&config, "G3viJEJgE8Jk2oekSdgT2A").url,
                "https://test.bitpay.com/invoices/G3viJEJgE8Jk2oekSdgT2A?token=PosT0ken"
            );
        }
    }
}

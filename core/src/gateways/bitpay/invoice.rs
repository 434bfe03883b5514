//! Bitpay invoices: creation, notification, verification by fetch.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, ErrorCode, Result};
use crate::fields;
use crate::form::RedirectForm;
use crate::gateways::Gateway;
use crate::http::require_content_type;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::{Amount, Currency};
use crate::secret::Secret;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

use super::key::MerchantKey;

/// Largest notification or reply accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// One Bitpay merchant, on one of BitPay's two APIs, chosen by the credential given:
///
/// - the current API (`token`): a POS-facade token in each invoice's body, `X-Accept-Version:
///   2.0.0`; `api_url` is the API root (`https://bitpay.com`, test `https://test.bitpay.com`).
///   With `private_key` and `merchant_token` (the merchant facade, paired with the key's SIN)
///   invoice queries are signed and refunds possible.
/// - the legacy API (`api_key`), for a merchant who still holds a key: HTTP Basic on
///   `api_url`, the invoice endpoint (`https://bitpay.com/api/invoice`).
///
/// Exactly one of `api_key` and `token` is set; `private_key` and `merchant_token` go together,
/// with `token` only. Every credential is a [`Secret`].
///
/// ```
/// use vpos_core::gateways::bitpay::{Api, Config};
/// let config: Config = serde_json::from_value(serde_json::json!({"token": "PosT0ken",
///     "api_url": "https://test.bitpay.com", "invoice_url": "https://test.bitpay.com/invoice"})).unwrap();
/// config.validate()?;
/// assert_eq!(config.api(), Api::Current);
/// assert!(!format!("{config:?}").contains("PosT0ken"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The legacy API key, sent as HTTP Basic user with an empty password (legacy API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub api_key: Option<Secret>,
    /// The POS-facade token (current API): in each invoice's body and its queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub token: Option<Secret>,
    /// The merchant facade's secp256k1 private key, 64 hex digits or a PEM (current API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub private_key: Option<Secret>,
    /// The merchant-facade token paired with `private_key`'s SIN (current API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub merchant_token: Option<Secret>,
    /// Legacy: the invoice API (`https://bitpay.com/api/invoice`, test
    /// `https://test.bitpay.com/api/invoice`). Current: the API root (`https://bitpay.com`,
    /// test `https://test.bitpay.com`).
    pub api_url: String,
    /// Buyer page (`https://bitpay.com/invoice`, test `https://test.bitpay.com/invoice`).
    pub invoice_url: String,
    /// `notificationURL` for every invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<String>,
}

/// Which of BitPay's APIs a [`Config`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The API-key invoice API BitPay stopped issuing keys for (`api_key`).
    Legacy,
    /// The token API, `X-Accept-Version: 2.0.0` (`token`).
    Current,
}

impl Config {
    /// Checks every value.
    pub fn validate(&self) -> Result<()> {
        let set = |s: &Option<Secret>| s.as_ref().is_some_and(|s| !s.is_empty());
        match (set(&self.api_key), set(&self.token)) {
            (false, false) => {
                return Err(Error::config(
                    "token",
                    "is required (or api_key, for a merchant who still holds a legacy key)",
                ));
            }
            (true, true) => {
                return Err(Error::config(
                    "api_key",
                    "and token are two APIs: give one of them",
                ));
            }
            _ => {}
        }
        for (key, value) in [
            ("token", &self.token),
            ("merchant_token", &self.merchant_token),
        ] {
            if let Some(v) = value
                && !v.expose().chars().all(super::v2::token_char)
            {
                return Err(Error::config(
                    key,
                    "is not a BitPay token (letters and digits)",
                ));
            }
        }
        match (set(&self.private_key), set(&self.merchant_token)) {
            (true, true) if self.api() == Api::Legacy => {
                return Err(Error::config(
                    "private_key",
                    "is for the current API: set token instead of api_key",
                ));
            }
            (true, true) => {
                if let Some(key) = &self.private_key {
                    MerchantKey::from_secret(key)?;
                }
            }
            (true, false) => {
                return Err(Error::config(
                    "merchant_token",
                    "is required with private_key",
                ));
            }
            (false, true) => {
                return Err(Error::config(
                    "private_key",
                    "is required with merchant_token",
                ));
            }
            (false, false) => {}
        }
        for (key, value) in [
            ("api_url", &self.api_url),
            ("invoice_url", &self.invoice_url),
        ] {
            fields::required(key, value, 500).map_err(Error::into_config)?;
            fields::url(key, Some(value), 500).map_err(Error::into_config)?;
        }
        fields::url("notification_url", self.notification_url.as_deref(), 500)
            .map_err(Error::into_config)?;
        Ok(())
    }

    /// The API this configuration speaks: `token` set is the current one.
    pub fn api(&self) -> Api {
        if self.token.as_ref().is_some_and(|t| !t.is_empty()) {
            Api::Current
        } else {
            Api::Legacy
        }
    }

    /// The merchant facade (key and token) when configured.
    pub(super) fn merchant_facade(&self) -> Result<Option<(MerchantKey, &Secret)>> {
        match (&self.private_key, &self.merchant_token) {
            (Some(key), Some(token)) if !key.is_empty() && !token.is_empty() => {
                Ok(Some((MerchantKey::from_secret(key)?, token)))
            }
            _ => Ok(None),
        }
    }

    fn authorization(&self) -> String {
        let key = self
            .api_key
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default();
        format!("Basic {}", STANDARD.encode(format!("{key}:")))
    }
}

/// What to invoice.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayInvoiceRequest"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequest {
    /// `price` and `currency`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub price: Amount,
    /// `orderId`: the shop's order id, echoed in notifications.
    pub order_id: String,
    /// `itemDesc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_desc: Option<String>,
    /// `redirectURL`: where the buyer returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// `buyer` (current API only): who pays, for BitPay's receipts and refund e-mails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
}

/// The invoice's `buyer` object (current API).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayBuyer"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `email`: BitPay writes to it (receipt; the refund address request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Describes the invoice creation: on the current API `POST <api_url>/invoices` with the POS
/// token in the body and `X-Accept-Version: 2.0.0`; on the legacy API a POST to `api_url`
/// with HTTP Basic. A JSON POST, `price` written as the exact decimal (a JSON
/// number token, never through a float).
pub fn invoice_request(config: &Config, request: &InvoiceRequest) -> Result<HttpRequest> {
    config.validate()?;
    if config.api() == Api::Current {
        return super::v2::invoice_request(config, request);
    }
    fields::required("orderId", &request.order_id, 100)?;
    fields::optional("itemDesc", request.item_desc.as_deref(), 100)?;
    fields::url("redirectURL", request.redirect_url.as_deref(), 500)?;
    if request.price.minor() == 0 {
        return Err(Error::invalid("price", "must be greater than zero"));
    }
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut body = format!(
        r#"{{"price":{},"currency":{},"orderId":{},"fullNotifications":true"#,
        request.price.to_decimal_string(),
        text(request.price.currency().code()),
        text(&request.order_id)
    );
    for (key, value) in [
        ("itemDesc", request.item_desc.as_deref()),
        ("redirectURL", request.redirect_url.as_deref()),
        ("notificationURL", config.notification_url.as_deref()),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            body.push_str(&format!(",{}:{}", text(key), text(v)));
        }
    }
    body.push('}');
    Ok(HttpRequest {
        method: Method::Post,
        url: config.api_url.clone(),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Authorization".into(), config.authorization()),
        ],
        body,
    })
}

/// An invoice as Bitpay describes it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayInvoice"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    /// `id`.
    pub id: String,
    /// `status` verbatim.
    pub status: String,
    /// `price` in `currency`, read exactly from the JSON number.
    pub price: Amount,
    /// `orderId`, when set.
    pub order_id: Option<String>,
    /// `url`: the buyer page.
    pub url: Option<String>,
    /// `exceptionStatus` when it is not `false`: `paidPartial` (less than the price came),
    /// `paidOver` (more came). Surfaced in the event's status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub exception_status: Option<String>,
}

impl Invoice {
    /// `status`, or `status:exceptionStatus` when BitPay reports an exception
    /// (`expired:paidPartial`): the events' status code.
    ///
    /// ```
    /// # let eur = vpos_core::Currency::from_code("EUR")?;
    /// let invoice = vpos_core::gateways::bitpay::Invoice { id: "X".into(), status: "expired".into(),
    ///     price: vpos_core::Amount::parse("5", eur)?, order_id: None, url: None,
    ///     exception_status: Some("paidPartial".into()) };
    /// assert_eq!(invoice.status_code(), "expired:paidPartial");
    /// # Ok::<(), vpos_core::Error>(())
    /// ```
    pub fn status_code(&self) -> String {
        match &self.exception_status {
            Some(exception) => format!("{}:{exception}", self.status),
            None => self.status.clone(),
        }
    }
}

#[derive(Deserialize)]
struct Wire<'a> {
    id: Option<String>,
    status: Option<String>,
    #[serde(borrow)]
    price: Option<&'a RawValue>,
    currency: Option<String>,
    #[serde(rename = "orderId")]
    order_id: Option<String>,
    url: Option<String>,
    #[serde(rename = "exceptionStatus")]
    exception_status: Option<serde_json::Value>,
    error: Option<serde_json::Value>,
}

pub(super) fn read_invoice(body: &[u8], field: &'static str) -> Result<Invoice> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "invoice JSON is too large",
        ));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Error::invalid(field, "is not a JSON object"))?;
    // Bitpay wraps fetched invoices in {"data": {...}}; notifications are the invoice itself.
    let inner = match value.get("data") {
        Some(data) if data.is_object() => serde_json::to_vec(data).unwrap_or_default(),
        _ => body.to_vec(),
    };
    let wire: Wire =
        serde_json::from_slice(&inner).map_err(|_| Error::invalid(field, "is not an invoice"))?;
    if let Some(error) = wire.error {
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "Bitpay refused: {}",
                error.to_string().chars().take(120).collect::<String>()
            ),
        ));
    }
    let currency = Currency::from_code(
        wire.currency
            .as_deref()
            .ok_or_else(|| Error::missing("currency"))?,
    )
    .map_err(|e| e.or_field("currency"))?;
    let price_text = wire
        .price
        .map(RawValue::get)
        .ok_or_else(|| Error::missing("price"))?;
    // A JSON number token such as 5 or 49.99, read as a decimal string; strings are accepted too.
    let price_text = price_text.trim_matches('"');
    let price = Amount::parse(price_text, currency).map_err(|e| e.or_field("price"))?;
    Ok(Invoice {
        id: wire
            .id
            .filter(|i| !i.is_empty())
            .ok_or_else(|| Error::missing("id"))?,
        status: wire.status.unwrap_or_default(),
        price,
        order_id: wire.order_id,
        url: wire.url,
        exception_status: exception_status(wire.exception_status)?,
    })
}

/// `exceptionStatus`: `false` (or absent) is none; a short word is kept; anything else is
/// `field_invalid`, since it would decide nothing safely.
fn exception_status(value: Option<serde_json::Value>) -> Result<Option<String>> {
    match value {
        None | Some(serde_json::Value::Null) | Some(serde_json::Value::Bool(false)) => Ok(None),
        Some(serde_json::Value::String(s))
            if !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Ok(Some(s))
        }
        Some(_) => Err(Error::invalid(
            "exceptionStatus",
            "is neither false nor a BitPay exception status",
        )),
    }
}

/// Reads the invoice creation reply.
pub fn parse_invoice_response(reply: &Reply) -> Result<Invoice> {
    read_invoice(reply.ok_body("Bitpay")?, "invoice")
}

/// The buyer redirect for an invoice: `GET <invoice_url>?id=<id>`.
pub fn checkout_form(config: &Config, invoice: &Invoice) -> RedirectForm {
    RedirectForm {
        action: config.invoice_url.clone(),
        method: Method::Get,
        fields: vec![("id".into(), invoice.id.clone())],
    }
}

/// A notification: the invoice as Bitpay posted it (unsigned, so only a fetch can prove it).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BitpayNotification"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// What the notification claims.
    pub claimed: Invoice,
    /// What Bitpay answered when asked (set by [`verify_invoice`]).
    pub invoice: Option<Invoice>,
    #[serde(skip)]
    raw: Vec<u8>,
}

impl Notification {
    /// The raw body exactly as received: store it before acting on it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }
}

/// Parses the notification JSON.
pub fn parse_notification(
    _config: &Config,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>> {
    require_content_type(content_type, &["application/json"], "Bitpay notifications")?;
    let claimed = read_invoice(body, "notification")?;
    Ok(Unverified(Notification {
        claimed,
        invoice: None,
        raw: body.to_vec(),
    }))
}

/// Describes the fetch of the notified invoice: legacy `GET <api_url>/<id>`; current `GET
/// <api_url>/invoices/<id>?token=…`, signed on the merchant facade when it is configured.
pub fn invoice_status_request(
    config: &Config,
    notification: &Unverified<Notification>,
) -> HttpRequest {
    let id: String = notification
        .untrusted()
        .claimed
        .id
        .chars()
        .filter(|c| id_char(*c))
        .collect();
    // Only an unchecked configuration with a bad private_key fails; the POS-token fetch is
    // as good a proof (BitPay answers it over TLS), so it is asked instead.
    fetch_request(config, &id).unwrap_or_else(|_| super::v2::pos_fetch_request(config, &id))
}

pub(super) fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn fetch_request(config: &Config, id: &str) -> Result<HttpRequest> {
    if config.api() == Api::Current {
        return super::v2::invoice_fetch_request(config, id);
    }
    Ok(HttpRequest {
        method: Method::Get,
        url: format!("{}/{}", config.api_url.trim_end_matches('/'), id),
        headers: vec![("Authorization".into(), config.authorization())],
        body: String::new(),
    })
}

/// Describes the fetch of the invoice `invoice_id` (the reference the checkout reply gave):
/// `GET <api_url>/<id>`, as a notification's proof, for a host asking on its own. An id that
/// is not letters, digits, `-` and `_` is `field_invalid` on `id` (never altered: it would be
/// another invoice).
///
/// ```
/// # let config: vpos_core::gateways::bitpay::Config = serde_json::from_str(r#"{"api_key":"k",
/// #   "api_url":"https://test.bitpay.com/api/invoice","invoice_url":"https://test.bitpay.com/invoice"}"#)?;
/// let request = vpos_core::gateways::bitpay::invoice_fetch_request(&config, "G3viJEJgE8Jk2oekSdgT2A")?;
/// assert_eq!(request.url, "https://test.bitpay.com/api/invoice/G3viJEJgE8Jk2oekSdgT2A");
/// assert!(vpos_core::gateways::bitpay::invoice_fetch_request(&config, "../x").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invoice_fetch_request(config: &Config, invoice_id: &str) -> Result<HttpRequest> {
    config.validate()?;
    fields::required("id", invoice_id, 100)?;
    if !invoice_id.chars().all(id_char) {
        return Err(Error::invalid(
            "id",
            "a Bitpay invoice id is letters, digits, '-' and '_'",
        ));
    }
    fetch_request(config, invoice_id)
}

/// Bitpay's answer about `invoice_id`, which must name that invoice (another is
/// `signature_mismatch`, as for a notification's proof).
fn fetched(invoice_id: &str, reply: &Reply) -> Result<Invoice> {
    let fetched = read_invoice(reply.ok_body("Bitpay")?, "invoice")?;
    if fetched.id != invoice_id {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            "Bitpay answered about another invoice. Hint: a Bitpay invoice is read by \
             fetching its id from api_url with the account's credential; the answer named \
             another id",
        )
        .with_field("id"));
    }
    Ok(fetched)
}

/// Reads the answer to [`invoice_fetch_request`]: the invoice as Bitpay describes it, proven
/// by the exchange itself (the host asked Bitpay over TLS with its API key). Not HTTP 200, or
/// no answer: `gateway_unavailable`; an `error` object: `gateway_error`; another id:
/// `signature_mismatch`.
///
/// ```
/// use vpos_core::{gateways::bitpay, Reply};
/// let body = br#"{"data":{"id":"G3viJEJgE8Jk2oekSdgT2A","status":"confirmed","price":10,
///     "currency":"USD","orderId":"20210511_fghij"}}"#;
/// let reply = Reply::Response { status: 200, body: body.to_vec() };
/// let invoice = bitpay::parse_fetched_invoice("G3viJEJgE8Jk2oekSdgT2A", &reply)?;
/// assert_eq!(invoice.event().key(), "bitpay:G3viJEJgE8Jk2oekSdgT2A:confirmed");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_fetched_invoice(invoice_id: &str, reply: &Reply) -> Result<Verified<Invoice>> {
    Ok(Verified(fetched(invoice_id, reply)?))
}

/// Verifies a notification with Bitpay's own answer about the invoice: the ids must match, and
/// status, price and order come from the fetched invoice, not from the notification.
pub fn verify_invoice(
    notification: Unverified<Notification>,
    reply: &Reply,
) -> Result<Verified<Notification>> {
    let mut n = notification.0;
    let fetched = fetched(&n.claimed.id, reply)?;
    n.invoice = Some(fetched);
    Ok(Verified(n))
}

/// Maps an invoice status into the unified model.
pub fn map_status(status: &str) -> Reported {
    match status {
        "new" | "paid" => Reported::Pending,
        "confirmed" | "complete" => Reported::Succeeded,
        "expired" => Reported::Cancelled,
        "invalid" => Reported::Failed,
        other => Reported::Unknown(other.chars().take(32).collect()),
    }
}

impl Verified<Notification> {
    /// The event, from the fetched invoice. Key: `bitpay:<invoice id>:<status>`.
    pub fn event(&self) -> Event {
        invoice_event(self.0.invoice.as_ref().unwrap_or(&self.0.claimed))
    }
}

impl Verified<Invoice> {
    /// The event, keyed `bitpay:<invoice id>:<status>` as a notification's, so a query and a
    /// notification reporting one status of one invoice are one event.
    pub fn event(&self) -> Event {
        invoice_event(&self.0)
    }
}

fn invoice_event(invoice: &Invoice) -> Event {
    // The exception (paidPartial, paidOver) is part of what happened: it keys and names the
    // event, so a host sees it; the status alone decides the move.
    let key = match &invoice.exception_status {
        Some(exception) => event_key(&["bitpay", &invoice.id, &invoice.status, exception]),
        None => event_key(&["bitpay", &invoice.id, &invoice.status]),
    };
    let status_code = invoice.status_code();
    Event {
        gateway: Gateway::Bitpay,
        key,
        merchant: String::new(),
        order_id: invoice.order_id.clone().unwrap_or_default(),
        transaction_id: invoice.id.clone(),
        amount: invoice.price,
        action: Action::Sale,
        status: map_status(&invoice.status),
        status_code,
    }
}

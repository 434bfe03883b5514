//! Orders v2 and Payments v2 as sans-IO requests: create an order, send the buyer to its
//! approve link, then capture or authorise it; capture or void an authorisation; refund a
//! capture. Replies are read in [`reply`](self::reply).
//!
//! Every `POST` carries a `PayPal-Request-Id` the caller derives deterministically (the
//! host's [`crate::driver::operation_key`]): PayPal answers a repeated id with the first
//! request's result instead of acting twice, so a request whose answer was lost is sent again
//! as is. Every `POST` also asks `Prefer: return=representation`, so replies carry the amounts
//! and payments the events are made of.
//!
//! Sources: <https://developer.paypal.com/docs/api/orders/v2/>,
//! <https://developer.paypal.com/docs/api/payments/v2/>,
//! <https://developer.paypal.com/api/rest/reference/idempotency/>.

pub(super) mod reply;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::oauth::{AccessToken, RestConfig};
use crate::error::{Error, Result};
use crate::fields::{optional, required, url};
use crate::http::{HttpRequest, Method};
use crate::money::Amount;

/// Longest `PayPal-Request-Id` PayPal accepts on the Orders API.
pub const MAX_REQUEST_ID_LEN: usize = 108;

/// What the order asks of the buyer's approval.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalIntent"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// `CAPTURE`: capture the payment once the buyer approves.
    Capture,
    /// `AUTHORIZE`: authorise once the buyer approves, capture later.
    Authorize,
}

impl Intent {
    /// PayPal's name: `CAPTURE` or `AUTHORIZE`.
    ///
    /// ```
    /// use vpos_core::gateways::paypal::Intent;
    /// assert_eq!(Intent::Authorize.as_str(), "AUTHORIZE");
    /// let intent: Intent = serde_json::from_str(r#""capture""#)?;
    /// assert_eq!(intent, Intent::Capture);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Capture => "CAPTURE",
            Intent::Authorize => "AUTHORIZE",
        }
    }
}

/// The order to create: one purchase unit of `amount` for the shop's `order_id`.
///
/// ```
/// let order: vpos_core::gateways::paypal::OrderCreate = serde_json::from_str(r#"{
///     "intent": "capture", "order_id": "ORDER-1", "amount": {"value": "15", "currency": "EUR"},
///     "return_url": "https://shop.example/paypal/return", "cancel_url": "https://shop.example/cart"
/// }"#)?;
/// assert_eq!(order.amount.minor(), 1500);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalOrderCreate"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderCreate {
    /// `intent`.
    pub intent: Intent,
    /// The shop's order id: `custom_id` and `invoice_id` of the purchase unit (at most 127
    /// characters). PayPal may refuse a second order with the same `invoice_id`
    /// (`DUPLICATE_INVOICE_ID`) when the account blocks duplicates.
    pub order_id: String,
    /// `purchase_units[0].amount`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `purchase_units[0].description` (at most 127 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    /// Where PayPal sends the buyer after approval (`?token=<order id>&PayerID=…`).
    pub return_url: String,
    /// Where PayPal sends a buyer who cancels.
    pub cancel_url: String,
}

/// The `PayPal-Request-Id`: refused when empty (`field_missing`), longer than
/// [`MAX_REQUEST_ID_LEN`] or not printable ASCII (`field_invalid`).
fn check_request_id(request_id: &str) -> Result<()> {
    const FIELD: &str = "PayPal-Request-Id";
    if request_id.is_empty() {
        return Err(Error::missing(FIELD));
    }
    if request_id.len() > MAX_REQUEST_ID_LEN || !request_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            FIELD,
            format_args!("must be at most {MAX_REQUEST_ID_LEN} printable ASCII characters"),
        ));
    }
    Ok(())
}

/// An id PayPal gave (order, authorisation, capture) as it goes into a URL path: 1 to 36
/// letters and digits (the Orders API's `^[A-Z0-9]+$`, lower case let through), so no id can
/// reach another path.
fn check_id(field: &'static str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::missing(field));
    }
    if id.len() > 36 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(field, "must be 1 to 36 letters and digits"));
    }
    Ok(())
}

/// PayPal's money object, `{"currency_code", "value"}`, with the value in the decimals PayPal
/// takes for the currency (whole units for HUF, JPY and TWD).
fn money(field: &'static str, amount: Amount) -> Result<Value> {
    if amount.minor() == 0 {
        return Err(Error::invalid(field, "must be greater than zero"));
    }
    let value = super::format_amount(amount).map_err(|e| e.with_field(field))?;
    Ok(json!({"currency_code": amount.currency().code(), "value": value}))
}

fn get(config: &RestConfig, token: &AccessToken, path: String) -> Result<HttpRequest> {
    config.validate()?;
    Ok(HttpRequest {
        method: Method::Get,
        url: config.url(&path),
        headers: vec![
            ("Authorization".into(), token.bearer()),
            ("Accept".into(), "application/json".into()),
        ],
        body: String::new(),
    })
}

fn post(
    config: &RestConfig,
    token: &AccessToken,
    path: String,
    request_id: &str,
    body: &Value,
) -> Result<HttpRequest> {
    config.validate()?;
    check_request_id(request_id)?;
    Ok(HttpRequest {
        method: Method::Post,
        url: config.url(&path),
        headers: vec![
            ("Authorization".into(), token.bearer()),
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
            ("PayPal-Request-Id".into(), request_id.into()),
            ("Prefer".into(), "return=representation".into()),
        ],
        body: body.to_string(),
    })
}

/// `POST /v2/checkout/orders`: one purchase unit (`custom_id` and `invoice_id` the shop's
/// order id), the return and cancel URLs in `payment_source.paypal.experience_context` with
/// `user_action` `PAY_NOW` (the buyer confirms on PayPal; the shop captures on return).
///
/// ```
/// use vpos_core::{Secret, gateways::paypal::{AccessToken, OrderCreate, RestConfig, create_order_request}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let order: OrderCreate = serde_json::from_str(r#"{"intent": "capture", "order_id": "ORDER-1",
///     "amount": {"value": "1000", "currency": "HUF"},
///     "return_url": "https://shop.example/return", "cancel_url": "https://shop.example/cart"}"#)?;
/// let request = create_order_request(&config, &token, &order, "vpos1-59693b306f9b614b122d1ac734622588")?;
/// assert_eq!(request.url, "https://api-m.sandbox.paypal.com/v2/checkout/orders");
/// let body: serde_json::Value = serde_json::from_str(&request.body)?;
/// assert_eq!(body["purchase_units"][0]["amount"]["value"], "1000");
/// assert_eq!(body["purchase_units"][0]["invoice_id"], "ORDER-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn create_order_request(
    config: &RestConfig,
    token: &AccessToken,
    order: &OrderCreate,
    request_id: &str,
) -> Result<HttpRequest> {
    required("order_id", &order.order_id, 127)?;
    optional("description", order.description.as_deref(), 127)?;
    for (field, value) in [
        ("return_url", &order.return_url),
        ("cancel_url", &order.cancel_url),
    ] {
        required(field, value, 2048)?;
        url(field, Some(value), 2048)?;
    }
    let mut unit = json!({
        "custom_id": order.order_id,
        "invoice_id": order.order_id,
        "amount": money("amount", order.amount)?,
    });
    if let Some(description) = order.description.as_deref().filter(|d| !d.is_empty()) {
        unit["description"] = json!(description);
    }
    let body = json!({
        "intent": order.intent.as_str(),
        "purchase_units": [unit],
        "payment_source": {"paypal": {"experience_context": {
            "return_url": order.return_url,
            "cancel_url": order.cancel_url,
            "user_action": "PAY_NOW",
        }}},
    });
    post(
        config,
        token,
        "/v2/checkout/orders".into(),
        request_id,
        &body,
    )
}

/// `GET /v2/checkout/orders/{id}`: the order as it stands (a status query; no request id).
///
/// ```
/// use vpos_core::{Secret, gateways::paypal::{AccessToken, RestConfig, get_order_request}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let request = get_order_request(&config, &token, "5O190127TN364715T")?;
/// assert_eq!(request.url, "https://api-m.sandbox.paypal.com/v2/checkout/orders/5O190127TN364715T");
/// assert!(get_order_request(&config, &token, "../../v1/x").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn get_order_request(
    config: &RestConfig,
    token: &AccessToken,
    order_id: &str,
) -> Result<HttpRequest> {
    check_id("order_id", order_id)?;
    get(config, token, format!("/v2/checkout/orders/{order_id}"))
}

/// `POST /v2/checkout/orders/{id}/capture` for an approved order of intent `CAPTURE`. The
/// body is `{}`: the amount is the order's.
///
/// ```
/// use vpos_core::{Secret, gateways::paypal::{AccessToken, RestConfig, capture_order_request}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let request = capture_order_request(&config, &token, "5O190127TN364715T", "vpos1-0a1b")?;
/// assert!(request.url.ends_with("/v2/checkout/orders/5O190127TN364715T/capture"));
/// assert!(request.headers.contains(&("PayPal-Request-Id".into(), "vpos1-0a1b".into())));
/// assert_eq!(capture_order_request(&config, &token, "5O190127TN364715T", "").unwrap_err().code().as_str(),
///            "field_missing");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn capture_order_request(
    config: &RestConfig,
    token: &AccessToken,
    order_id: &str,
    request_id: &str,
) -> Result<HttpRequest> {
    check_id("order_id", order_id)?;
    post(
        config,
        token,
        format!("/v2/checkout/orders/{order_id}/capture"),
        request_id,
        &json!({}),
    )
}

/// `POST /v2/checkout/orders/{id}/authorize` for an approved order of intent `AUTHORIZE`.
///
/// ```
/// use vpos_core::{Secret, gateways::paypal::{AccessToken, RestConfig, authorize_order_request}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let request = authorize_order_request(&config, &token, "5O190127TN364715T", "vpos1-0a1b")?;
/// assert!(request.url.ends_with("/v2/checkout/orders/5O190127TN364715T/authorize"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn authorize_order_request(
    config: &RestConfig,
    token: &AccessToken,
    order_id: &str,
    request_id: &str,
) -> Result<HttpRequest> {
    check_id("order_id", order_id)?;
    post(
        config,
        token,
        format!("/v2/checkout/orders/{order_id}/authorize"),
        request_id,
        &json!({}),
    )
}

/// `POST /v2/payments/authorizations/{id}/capture`: all of what is left (`amount: None`) or
/// part of it; `final_capture: false` keeps the rest of the authorisation open for more
/// captures, `true` releases it.
///
/// ```
/// use vpos_core::{Amount, Currency, Secret};
/// use vpos_core::gateways::paypal::{AccessToken, RestConfig, capture_authorization_request};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let part = Amount::parse("10.99", Currency::from_code("USD")?)?;
/// let request = capture_authorization_request(&config, &token, "0VF52814937998046", Some(part), false, "vpos1-0a1b")?;
/// assert!(request.url.ends_with("/v2/payments/authorizations/0VF52814937998046/capture"));
/// let body: serde_json::Value = serde_json::from_str(&request.body)?;
/// assert_eq!(body, serde_json::json!({"amount": {"currency_code": "USD", "value": "10.99"}, "final_capture": false}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn capture_authorization_request(
    config: &RestConfig,
    token: &AccessToken,
    authorization_id: &str,
    amount: Option<Amount>,
    final_capture: bool,
    request_id: &str,
) -> Result<HttpRequest> {
    check_id("authorization_id", authorization_id)?;
    let mut body = json!({"final_capture": final_capture});
    if let Some(amount) = amount {
        body["amount"] = money("amount", amount)?;
    }
    post(
        config,
        token,
        format!("/v2/payments/authorizations/{authorization_id}/capture"),
        request_id,
        &body,
    )
}

/// `POST /v2/payments/authorizations/{id}/void`: releases what the authorisation holds.
///
/// ```
/// use vpos_core::{Secret, gateways::paypal::{AccessToken, RestConfig, void_authorization_request}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let request = void_authorization_request(&config, &token, "0VF52814937998046", "vpos1-0a1b")?;
/// assert!(request.url.ends_with("/v2/payments/authorizations/0VF52814937998046/void"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn void_authorization_request(
    config: &RestConfig,
    token: &AccessToken,
    authorization_id: &str,
    request_id: &str,
) -> Result<HttpRequest> {
    check_id("authorization_id", authorization_id)?;
    post(
        config,
        token,
        format!("/v2/payments/authorizations/{authorization_id}/void"),
        request_id,
        &json!({}),
    )
}

/// `POST /v2/payments/captures/{id}/refund`: all of the capture (`amount: None`, body `{}`)
/// or part of it.
///
/// ```
/// use vpos_core::{Amount, Currency, Secret};
/// use vpos_core::gateways::paypal::{AccessToken, RestConfig, refund_capture_request};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#)?;
/// let token = AccessToken::new(Secret::new("A21AAF"), 32400)?;
/// let part = Amount::parse("500", Currency::from_code("JPY")?)?;
/// let request = refund_capture_request(&config, &token, "2GG279541U471931P", Some(part), "vpos1-0a1b")?;
/// assert!(request.url.ends_with("/v2/payments/captures/2GG279541U471931P/refund"));
/// assert_eq!(request.body, r#"{"amount":{"currency_code":"JPY","value":"500"}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn refund_capture_request(
    config: &RestConfig,
    token: &AccessToken,
    capture_id: &str,
    amount: Option<Amount>,
    request_id: &str,
) -> Result<HttpRequest> {
    check_id("capture_id", capture_id)?;
    let body = match amount {
        Some(amount) => json!({"amount": money("amount", amount)?}),
        None => json!({}),
    };
    post(
        config,
        token,
        format!("/v2/payments/captures/{capture_id}/refund"),
        request_id,
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::money::Currency;
    use crate::secret::Secret;

    pub(super) fn config() -> RestConfig {
        serde_json::from_str(
            r#"{"client_id":"CLIENT","secret":"SECRET","api_base":"https://api-m.sandbox.paypal.com",
                "merchant":"shop@example.com"}"#,
        )
        .unwrap()
    }

    fn token() -> AccessToken {
        AccessToken::new(Secret::new("A21AAF-TOKEN"), 32400).unwrap()
    }

    fn order(intent: &str, value: &str, currency: &str) -> OrderCreate {
        serde_json::from_value(json!({
            "intent": intent, "order_id": "ORDER-1", "description": "Tea",
            "amount": {"value": value, "currency": currency},
            "return_url": "https://example.com/returnUrl", "cancel_url": "https://example.com/cancelUrl",
        }))
        .unwrap()
    }

    fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn create_order_matches_the_published_request() {
        // The shape of the "Create order" example at
        // https://developer.paypal.com/docs/api/orders/v2/#orders_create (purchase unit with
        // amount; payment_source.paypal.experience_context with return_url and cancel_url).
        let r = create_order_request(
            &config(),
            &token(),
            &order("capture", "100", "USD"),
            "7b92603e-77ed-4896-8e78-5dea2050476a",
        )
        .unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://api-m.sandbox.paypal.com/v2/checkout/orders");
        assert_eq!(header(&r, "Authorization"), Some("Bearer A21AAF-TOKEN"));
        assert_eq!(header(&r, "Content-Type"), Some("application/json"));
        assert_eq!(header(&r, "Prefer"), Some("return=representation"));
        assert_eq!(
            header(&r, "PayPal-Request-Id"),
            Some("7b92603e-77ed-4896-8e78-5dea2050476a")
        );
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            body,
            json!({
                "intent": "CAPTURE",
                "purchase_units": [{
                    "custom_id": "ORDER-1", "invoice_id": "ORDER-1", "description": "Tea",
                    "amount": {"currency_code": "USD", "value": "100.00"},
                }],
                "payment_source": {"paypal": {"experience_context": {
                    "return_url": "https://example.com/returnUrl",
                    "cancel_url": "https://example.com/cancelUrl",
                    "user_action": "PAY_NOW",
                }}},
            })
        );
        assert!(!format!("{r:?}").contains("A21AAF"));
        let a = create_order_request(&config(), &token(), &order("authorize", "7.5", "EUR"), "k")
            .unwrap();
        let body: Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(body["intent"], "AUTHORIZE");
        assert_eq!(body["purchase_units"][0]["amount"]["value"], "7.50");
    }

    #[test]
    fn amounts_follow_paypal_currency_rules() {
        for (value, currency, wire) in [
            ("1500", "JPY", "1500"),
            ("1000", "HUF", "1000"),
            ("1234", "TWD", "1234"),
            ("0.05", "USD", "0.05"),
            ("1.234", "KWD", "1.234"),
        ] {
            let r =
                create_order_request(&config(), &token(), &order("capture", value, currency), "k")
                    .unwrap();
            let body: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(
                body["purchase_units"][0]["amount"]["value"], wire,
                "{currency}"
            );
        }
        let e = create_order_request(
            &config(),
            &token(),
            &order("capture", "1000.50", "HUF"),
            "k",
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::AmountPrecision, Some("amount"))
        );
        let e = create_order_request(&config(), &token(), &order("capture", "0", "EUR"), "k")
            .unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldInvalid, Some("amount"))
        );
        let twd = Currency::from_code("TWD").unwrap();
        let e = refund_capture_request(
            &config(),
            &token(),
            "2GG279541U471931P",
            Some(Amount::from_minor(150, twd).unwrap()),
            "k",
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::AmountPrecision);
    }

    #[test]
    fn every_post_needs_a_request_id() {
        let id = "5O190127TN364715T";
        type Build<'a> = &'a dyn Fn(&str) -> Result<HttpRequest>;
        let requests: [Build; 6] = [
            &|k| create_order_request(&config(), &token(), &order("capture", "1", "EUR"), k),
            &|k| capture_order_request(&config(), &token(), id, k),
            &|k| authorize_order_request(&config(), &token(), id, k),
            &|k| capture_authorization_request(&config(), &token(), id, None, true, k),
            &|k| void_authorization_request(&config(), &token(), id, k),
            &|k| refund_capture_request(&config(), &token(), id, None, k),
        ];
        for build in requests {
            let e = build("").unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::FieldMissing, Some("PayPal-Request-Id"))
            );
            let e = build("has space").unwrap_err();
            assert_eq!(e.code(), ErrorCode::FieldInvalid);
            assert_eq!(
                build(&"k".repeat(109)).unwrap_err().code(),
                ErrorCode::FieldInvalid
            );
            let ok = build(&"k".repeat(108)).unwrap();
            assert_eq!(
                header(&ok, "PayPal-Request-Id"),
                Some("k".repeat(108).as_str())
            );
            assert_eq!(ok.method, Method::Post);
        }
        let g = get_order_request(&config(), &token(), id).unwrap();
        assert_eq!(g.method, Method::Get);
        assert_eq!(header(&g, "PayPal-Request-Id"), None);
    }

    #[test]
    fn ids_cannot_leave_their_path_segment() {
        for bad in ["", "A/B", "..", "A?x=1", "A#", "Ä", &"A".repeat(37)] {
            assert!(
                get_order_request(&config(), &token(), bad).is_err(),
                "{bad}"
            );
            assert!(
                refund_capture_request(&config(), &token(), bad, None, "k").is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn capture_and_refund_bodies() {
        let full = capture_authorization_request(
            &config(),
            &token(),
            "0VF52814937998046",
            None,
            true,
            "k",
        )
        .unwrap();
        assert_eq!(full.body, r#"{"final_capture":true}"#);
        let refund =
            refund_capture_request(&config(), &token(), "2GG279541U471931P", None, "k").unwrap();
        assert_eq!(refund.body, "{}");
        let void =
            void_authorization_request(&config(), &token(), "0VF52814937998046", "k").unwrap();
        assert_eq!(
            void.url,
            "https://api-m.sandbox.paypal.com/v2/payments/authorizations/0VF52814937998046/void"
        );
    }

    #[test]
    fn order_input_is_checked() {
        let mut o = order("capture", "1", "EUR");
        o.return_url = "javascript:alert(1)".into();
        assert_eq!(
            create_order_request(&config(), &token(), &o, "k")
                .unwrap_err()
                .field(),
            Some("return_url")
        );
        let mut o = order("capture", "1", "EUR");
        o.order_id = "x".repeat(128);
        assert_eq!(
            create_order_request(&config(), &token(), &o, "k")
                .unwrap_err()
                .code(),
            ErrorCode::FieldTooLong
        );
        let e = crate::json::from_str::<OrderCreate>(
            r#"{"intent":"sale","order_id":"A","amount":{"value":"1","currency":"EUR"},"return_url":"https://a","cancel_url":"https://b"}"#,
            ErrorCode::FieldInvalid,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("intent"));
    }
}

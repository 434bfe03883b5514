//! Checkout, one shape for every gateway: a host describes the payment once
//! ([`OrderRequest`]), the core maps it to the gateway's own order ([`Order::for_payment`]) and
//! makes the buyer redirect ([`checkout`]); a gateway that makes its payment page by API
//! (Bitpay's invoice) returns the request to perform instead, read back by
//! [`parse_checkout_reply`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::config::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::form::RedirectForm;
use crate::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use crate::http::{HttpRequest, Reply};
use crate::json;
use crate::money::Amount;

/// A checkout order, whichever gateway it is for: the gateway's own order type with its name
/// beside it. JSON: `{"gateway": "redsys", "order": "2601AB3CD4EF", "amount": {…}, …}`
/// (Bitpay's is its `InvoiceRequest`).
///
/// ```
/// use vpos_core::driver::Order;
/// let order = Order::from_json(&serde_json::json!({"gateway": "ceca", "operation": "A-1",
///     "amount": {"value": "10.00", "currency": "EUR"}}))?;
/// assert_eq!(order.gateway().as_str(), "ceca");
/// let err = Order::from_json(&serde_json::json!({"gateway": "ceca", "operation": "A-1",
///     "amount": {"value": "10.00", "currency": "EUR"}, "idioma": "1"})).unwrap_err();
/// assert_eq!(err.field(), Some("idioma"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DriverOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "gateway", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Order {
    /// FloCash.
    #[cfg(feature = "flocash")]
    Flocash(flocash::Order),
    /// Redsys.
    #[cfg(feature = "redsys")]
    Redsys(redsys::Order),
    /// CECA.
    #[cfg(feature = "ceca")]
    Ceca(ceca::Order),
    /// Santander Elavon.
    #[cfg(feature = "elavon")]
    Elavon(elavon::Order),
    /// PayPal.
    #[cfg(feature = "paypal")]
    Paypal(paypal::Order),
    /// Bitpay: the invoice to create.
    #[cfg(feature = "bitpay")]
    Bitpay(bitpay::InvoiceRequest),
    /// PayPal REST: the order to create (Orders v2).
    #[cfg(feature = "paypal_rest")]
    PaypalRest(paypal::OrderCreate),
}

/// A payment to check out, in the gateway-neutral words a shop stores; [`Order::for_payment`]
/// maps it to the gateway's order. JSON: `{"order_id": "…", "amount": {…}, …}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The shop's order id as sent to the gateway (Redsys `DS_MERCHANT_ORDER`, CECA
    /// `Num_operacion`, PayPal `invoice`, Bitpay `orderId`).
    pub order_id: String,
    /// The total.
    #[cfg_attr(feature = "ts", ts(as = "Option<crate::ts::AmountInput>", optional = nullable))]
    pub amount: Option<Amount>,
    /// What is bought (Redsys product description, PayPal and FloCash `item_name`, CECA
    /// `Descripcion`, Bitpay `itemDesc`), cut to the gateway's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A merchant value echoed back (PayPal and FloCash `custom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
    /// The price of one item (FloCash), the amount when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<crate::ts::AmountInput>"))]
    pub item_price: Option<Amount>,
    /// How many items (FloCash), 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// The buyer's country, ISO 3166-1 alpha-2 (FloCash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The payment option offered (FloCash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_option: Option<String>,
    /// Where the buyer returns after paying (Redsys `url_ok`, PayPal `return`, FloCash
    /// `return_url`, Bitpay `redirectURL`); the configuration's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Where the buyer returns on cancel or failure (Redsys `url_ko`, PayPal `cancel_return`,
    /// FloCash `cancel_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Where the gateway notifies (Redsys `merchant_url`, PayPal and FloCash `notify_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
    /// The host's clock, `YYYYMMDDHHMMSS` in UTC (Elavon signs it; vpos reads no clock).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub timestamp: String,
    /// Ask the gateway to store the card for later merchant-initiated charges, and why (Redsys
    /// `DS_MERCHANT_IDENTIFIER=REQUIRED`, `COF_INI=S`, `COF_TYPE`); refused by gateways
    /// without stored cards in vpos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_card: Option<redsys::CofType>,
    /// Cardholder data for 3-D Secure 2 (see [`crate::cardholder`]). Santander Elavon sends it
    /// as its HPP v2 3DS2 fields, Redsys as `DS_MERCHANT_EMV3DS`, CECA as `datos_acs_20`,
    /// Bitpay (current API) its name and e-mail as `buyer`; the other gateways ignore it for now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<crate::cardholder::Cardholder>,
    /// Keys of the gateway's own order, laid over the mapped one (Redsys `transaction_type`,
    /// FloCash `customer` …); an unknown key is refused naming it.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<crate::ts::JsonObject>", optional))]
    pub fields: Map<String, Value>,
}

/// Cuts `text` to `max` characters.
fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn some(text: &Option<String>) -> Option<String> {
    text.clone().filter(|t| !t.is_empty())
}

impl Order {
    /// Reads `order` as `gateway`'s checkout order (unknown keys refused, the error naming the
    /// dotted path). The gateway's own checks run at [`checkout`].
    pub fn new(gateway: Gateway, order: &Value) -> Result<Order> {
        fn read<T: serde::de::DeserializeOwned>(order: &Value) -> Result<T> {
            json::from_value(order, ErrorCode::FieldInvalid)
        }
        Ok(match gateway {
            #[cfg(feature = "flocash")]
            Gateway::Flocash => Order::Flocash(read(order)?),
            #[cfg(feature = "redsys")]
            Gateway::Redsys => Order::Redsys(read(order)?),
            #[cfg(feature = "ceca")]
            Gateway::Ceca => Order::Ceca(read(order)?),
            #[cfg(feature = "elavon")]
            Gateway::Elavon => Order::Elavon(read(order)?),
            #[cfg(feature = "paypal")]
            Gateway::Paypal => Order::Paypal(read(order)?),
            #[cfg(feature = "bitpay")]
            Gateway::Bitpay => Order::Bitpay(read(order)?),
            #[cfg(feature = "paypal_rest")]
            Gateway::PaypalRest => Order::PaypalRest(read(order)?),
            #[allow(unreachable_patterns)]
            other => return Err(super::config::not_built(other)),
        })
    }

    /// Reads the tagged shape `{"gateway": "…", …}` (see [`Order::new`]).
    pub fn from_json(value: &Value) -> Result<Order> {
        let Value::Object(map) = value else {
            return Err(Error::invalid("order", "must be an object of key -> value"));
        };
        let gateway = match map.get("gateway") {
            Some(Value::String(name)) => super::gateway(name)?,
            Some(_) => return Err(Error::invalid("gateway", "must be a gateway's name")),
            None => return Err(Error::missing("gateway")),
        };
        let rest: Map<String, Value> = map
            .iter()
            .filter(|(k, _)| k.as_str() != "gateway")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Order::new(gateway, &Value::Object(rest))
    }

    /// Maps a gateway-neutral `request` to `gateway`'s order: which field carries the order id,
    /// the description cut to the gateway's length, the URLs under the gateway's names, the
    /// stored-card request. `request.fields` win over the mapped keys.
    ///
    /// ```
    /// use vpos_core::driver::{Order, OrderRequest};
    /// use vpos_core::gateways::Gateway;
    /// let request: OrderRequest = serde_json::from_value(serde_json::json!({
    ///     "order_id": "2601AB3CD4EF", "amount": {"value": "10.00", "currency": "EUR"},
    ///     "description": "Tea", "store_card": "recurring"}))?;
    /// let order = serde_json::to_value(Order::for_payment(Gateway::Redsys, &request)?)?;
    /// assert_eq!((order["order"].as_str(), order["identifier"].as_str()),
    ///            (Some("2601AB3CD4EF"), Some("REQUIRED")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_payment(gateway: Gateway, request: &OrderRequest) -> Result<Order> {
        let amount = request.amount.ok_or_else(|| Error::missing("amount"))?;
        if request.store_card.is_some() && gateway != Gateway::Redsys {
            return Err(Error::new(
                ErrorCode::Unsupported,
                format!("{} stores no cards in vpos", gateway.as_str()),
            )
            .with_field("store_card"));
        }
        let description = some(&request.description);
        let order = match gateway {
            #[cfg(feature = "flocash")]
            Gateway::Flocash => Order::Flocash(flocash::Order {
                order_id: request.order_id.clone(),
                custom: request.custom.clone().unwrap_or_default(),
                item_name: request.description.clone().unwrap_or_default(),
                item_price: request.item_price.unwrap_or(amount),
                quantity: request.quantity.unwrap_or(1),
                amount: Some(amount),
                country: some(&request.country),
                payment_option: some(&request.payment_option),
                customer: flocash::Customer::default(),
                image_url: None,
                return_url: some(&request.return_url),
                cancel_url: some(&request.cancel_url),
                notify_url: some(&request.notify_url),
                extra: Vec::new(),
            }),
            #[cfg(feature = "redsys")]
            Gateway::Redsys => Order::Redsys(redsys::Order {
                order: request.order_id.clone(),
                amount,
                transaction_type: redsys::TransactionType::default(),
                product_description: description.map(|d| cut(&d, 125)),
                titular: None,
                merchant_data: None,
                consumer_language: None,
                pay_methods: None,
                bizum_mobile_number: None,
                merchant_url: some(&request.notify_url),
                url_ok: some(&request.return_url),
                url_ko: some(&request.cancel_url),
                identifier: request.store_card.map(|_| "REQUIRED".into()),
                stored_credential: request.store_card.map(|cof_type| redsys::StoredCredential {
                    cof_ini: Some(true),
                    cof_type: Some(cof_type),
                    ..redsys::StoredCredential::default()
                }),
                cardholder: request.cardholder.clone().map(Box::new),
                extra_parameters: redsys::ExtraParameters::default(),
            }),
            #[cfg(feature = "ceca")]
            Gateway::Ceca => Order::Ceca(ceca::Order {
                operation: request.order_id.clone(),
                amount,
                description,
                language: None,
                cardholder: request.cardholder.clone(),
            }),
            #[cfg(feature = "elavon")]
            Gateway::Elavon => Order::Elavon(elavon::Order {
                order_id: request.order_id.clone(),
                amount,
                timestamp: request.timestamp.clone(),
                cardholder: request.cardholder.clone(),
            }),
            #[cfg(feature = "paypal")]
            Gateway::Paypal => Order::Paypal(paypal::Order {
                invoice: request.order_id.clone(),
                item_name: cut(description.as_deref().unwrap_or(&request.order_id), 127),
                amount,
                custom: some(&request.custom).map(|c| cut(&c, 255)),
                notify_url: some(&request.notify_url),
                return_url: some(&request.return_url),
                cancel_url: some(&request.cancel_url),
            }),
            #[cfg(feature = "bitpay")]
            Gateway::Bitpay => Order::Bitpay(bitpay::InvoiceRequest {
                price: amount,
                order_id: request.order_id.clone(),
                item_desc: description,
                redirect_url: some(&request.return_url),
                // The current API's `buyer`, from the cardholder's name and e-mail.
                buyer: request
                    .cardholder
                    .as_ref()
                    .filter(|c| c.name.is_some() || c.email.is_some())
                    .map(|c| bitpay::Buyer {
                        name: c.name.clone(),
                        email: c.email.clone(),
                    }),
            }),
            // Intent `capture` unless `fields` say `{"intent": "authorize"}`; PayPal needs
            // both URLs (no configuration default: they are the shop's pages).
            #[cfg(feature = "paypal_rest")]
            Gateway::PaypalRest => Order::PaypalRest(paypal::OrderCreate {
                intent: paypal::Intent::Capture,
                order_id: request.order_id.clone(),
                amount,
                description: description.map(|d| cut(&d, 127)),
                return_url: some(&request.return_url)
                    .ok_or_else(|| Error::missing("return_url"))?,
                cancel_url: some(&request.cancel_url)
                    .ok_or_else(|| Error::missing("cancel_url"))?,
            }),
            #[allow(unreachable_patterns)]
            other => return Err(super::config::not_built(other)),
        };
        if gateway == Gateway::Elavon && request.timestamp.is_empty() {
            return Err(Error::missing("timestamp"));
        }
        if request.fields.is_empty() {
            return Ok(order);
        }
        let mut value = serde_json::to_value(&order)
            .map_err(|e| Error::invalid("order", format_args!("{e}")))?;
        if let Value::Object(map) = &mut value {
            map.remove("gateway");
            for (key, field) in &request.fields {
                map.insert(key.clone(), field.clone());
            }
        }
        Order::new(gateway, &value)
    }

    /// The gateway.
    pub fn gateway(&self) -> Gateway {
        match self {
            #[cfg(feature = "flocash")]
            Order::Flocash(_) => Gateway::Flocash,
            #[cfg(feature = "redsys")]
            Order::Redsys(_) => Gateway::Redsys,
            #[cfg(feature = "ceca")]
            Order::Ceca(_) => Gateway::Ceca,
            #[cfg(feature = "elavon")]
            Order::Elavon(_) => Gateway::Elavon,
            #[cfg(feature = "paypal")]
            Order::Paypal(_) => Gateway::Paypal,
            #[cfg(feature = "bitpay")]
            Order::Bitpay(_) => Gateway::Bitpay,
            #[cfg(feature = "paypal_rest")]
            Order::PaypalRest(_) => Gateway::PaypalRest,
        }
    }

    /// True when the order only reserves the money (Redsys `transaction_type:
    /// preauthorization`, PayPal REST intent `authorize`): an account without
    /// pre-authorisations refuses it ([`crate::account::Capabilities`]).
    pub fn is_preauthorisation(&self) -> bool {
        match self {
            #[cfg(feature = "redsys")]
            Order::Redsys(o) => o.transaction_type == redsys::TransactionType::Preauthorization,
            #[cfg(feature = "paypal_rest")]
            Order::PaypalRest(o) => o.intent == paypal::Intent::Authorize,
            _ => false,
        }
    }
}

/// What [`checkout`] gives: the buyer redirect, or (Bitpay) the request that makes the
/// payment page, to perform and read back with [`parse_checkout_reply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkout {
    /// The form that sends the buyer to the payment page.
    Form(RedirectForm),
    /// The gateway makes the page by API: perform this request.
    NeedsReply(HttpRequest),
}

/// The buyer redirect once the gateway made the payment page by API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckoutReply {
    /// The form that sends the buyer to the page.
    pub form: RedirectForm,
    /// The gateway's reference of the page (Bitpay's invoice id): the host stores it on the
    /// payment.
    pub reference: String,
}

/// Makes the checkout of `order` with `config`: every gateway's own checks, then the signed or
/// plain redirect form; for Bitpay the invoice creation request. An order for another gateway
/// than the configuration's is `gateway_mismatch`.
///
/// ```
/// use vpos_core::driver::{self, Checkout, Config, Order};
/// let config = Config::from_json(&serde_json::json!({"gateway": "paypal", "business": "shop@example.com",
///     "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
///     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"}))?;
/// let order = Order::from_json(&serde_json::json!({"gateway": "paypal", "invoice": "A1",
///     "item_name": "Tea", "amount": {"value": "5.00", "currency": "EUR"}}))?;
/// let Checkout::Form(form) = driver::checkout(&config, &order)? else { unreachable!() };
/// assert!(form.fields.contains(&("amount".into(), "5.00".into())));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<Checkout> {
    let form = match (config, order) {
        #[cfg(feature = "flocash")]
        (Config::Flocash(c), Order::Flocash(o)) => flocash::checkout(c, o)?,
        #[cfg(feature = "redsys")]
        (Config::Redsys(c), Order::Redsys(o)) => redsys::checkout(c, o)?,
        #[cfg(feature = "ceca")]
        (Config::Ceca(c), Order::Ceca(o)) => ceca::checkout(c, o)?,
        #[cfg(feature = "elavon")]
        (Config::Elavon(c), Order::Elavon(o)) => elavon::checkout(c, o)?,
        #[cfg(feature = "paypal")]
        (Config::Paypal(c), Order::Paypal(o)) => paypal::checkout(c, o)?,
        #[cfg(feature = "bitpay")]
        (Config::Bitpay(c), Order::Bitpay(o)) => {
            return Ok(Checkout::NeedsReply(bitpay::invoice_request(c, o)?));
        }
        // Create the order with the account's token, under the one `PayPal-Request-Id` of
        // this shop order ([`super::checkout_key`]): a create whose answer was lost, sent
        // again, gives back the same PayPal order.
        #[cfg(feature = "paypal_rest")]
        (Config::PaypalRest(c), Order::PaypalRest(o)) => {
            let key = super::checkout_key(Gateway::PaypalRest, &c.merchant, &o.order_id);
            return Ok(Checkout::NeedsReply(paypal::create_order_request(
                c,
                &c.token()?,
                o,
                &key,
            )?));
        }
        _ => return Err(mismatch(config, order)),
    };
    Ok(Checkout::Form(form))
}

/// Reads the gateway's reply to the request [`checkout`] asked for (Bitpay: the created
/// invoice) into the buyer redirect and the reference to store. A gateway whose checkout asks
/// nothing is `unsupported`.
pub fn parse_checkout_reply(config: &Config, reply: &Reply) -> Result<CheckoutReply> {
    match config {
        #[cfg(feature = "bitpay")]
        Config::Bitpay(c) => {
            let invoice = bitpay::parse_invoice_response(reply)?;
            Ok(CheckoutReply {
                form: bitpay::checkout_form(c, &invoice),
                reference: invoice.id,
            })
        }
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(c) => rest_checkout_reply(c, reply),
        _ => Err(Error::new(
            ErrorCode::Unsupported,
            format!(
                "{} checkout makes its form without a request",
                config.gateway().as_str()
            ),
        )
        .with_field("gateway")),
    }
}

/// A fresh order id for `gateway` when the gateway constrains its shape (Redsys: 12
/// characters, the first four digits, from the 4-digit `prefix` and at least 12 bytes the
/// host draws); `None` when the host's own id will do. vpos draws no randomness itself.
///
/// ```
/// use vpos_core::{driver::new_order_id, gateways::Gateway};
/// let id = new_order_id(Gateway::Redsys, "26", &[7; 12])?.unwrap();
/// assert!(id.starts_with("26") && id.len() == 12);
/// assert_eq!(new_order_id(Gateway::Paypal, "", &[7; 12])?, None);
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn new_order_id(gateway: Gateway, prefix: &str, random: &[u8]) -> Result<Option<String>> {
    match gateway {
        Gateway::Redsys => redsys::order_number(prefix, random).map(Some),
        _ => Ok(None),
    }
}

/// PayPal REST: the created order's approve link, as a `GET` redirect with the link's own
/// query (`?token=<order id>`) as its fields, and PayPal's order id as the reference. The
/// reply is the answer to the host's own request, which set `custom_id` and `invoice_id` to
/// the shop's order id: the order is read with that id as the expected one, so the two must
/// agree and name it (`order_mismatch`, `field_missing` on `purchase_units.0.custom_id`); an
/// order that is not waiting for the buyer, or has no approve link, is refused.
fn rest_checkout_reply(c: &paypal::RestConfig, reply: &Reply) -> Result<CheckoutReply> {
    // An error reply, a non-answer or a body that is no JSON object: the order parser names
    // the problem before it compares any order id, so this stand-in is never compared.
    const UNREAD: &str = "-";
    let shop_order = match reply {
        Reply::Response {
            status: 200..=201,
            body,
        } => match serde_json::from_slice::<Value>(body) {
            Ok(v @ Value::Object(_)) => v
                .pointer("/purchase_units/0/custom_id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| Error::missing("purchase_units.0.custom_id"))?,
            _ => UNREAD.to_string(),
        },
        _ => UNREAD.to_string(),
    };
    let order = paypal::parse_order_reply(c, &shop_order, reply)?;
    if !matches!(order.status.as_str(), "CREATED" | "PAYER_ACTION_REQUIRED") {
        return Err(Error::invalid(
            "status",
            format_args!("a created order waits for the buyer, not {}", order.status),
        ));
    }
    let url = order.approve_url.ok_or_else(|| Error::missing("links"))?;
    Ok(CheckoutReply {
        form: link_form(&url)?,
        reference: order.id,
    })
}

/// A link as a `GET` form: the action without its query, the query's pairs as the fields (a
/// browser submitting a `GET` form replaces the action's query with the fields).
fn link_form(url: &str) -> Result<RedirectForm> {
    let (action, query) = url.split_once('?').unwrap_or((url, ""));
    let fields = crate::form::parse_urlencoded(query.as_bytes(), 4096)
        .map_err(|e| e.with_field("links"))?
        .into_iter()
        .collect();
    Ok(RedirectForm {
        action: action.to_string(),
        method: crate::http::Method::Get,
        fields,
    })
}

fn mismatch(config: &Config, order: &Order) -> Error {
    Error::new(
        ErrorCode::GatewayMismatch,
        format!(
            "a {} order for a {} configuration",
            order.gateway().as_str(),
            config.gateway().as_str()
        ),
    )
    .with_field("gateway")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(value: Value) -> OrderRequest {
        json::from_value(&value, ErrorCode::FieldInvalid).unwrap()
    }

    fn mapped(gateway: Gateway, value: Value) -> Value {
        let mut v =
            serde_json::to_value(Order::for_payment(gateway, &request(value)).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("gateway");
        v
    }

    #[test]
    fn cardholder_data_reaches_elavon_redsys_ceca_and_bitpays_buyer_only() {
        let base = json!({"order_id": "2601ABCDEFGH", "amount": {"minor": 1000, "currency": "EUR"},
            "timestamp": "20260101120000",
            "cardholder": {"email": "ana@example.com", "billing": {"country": "ES"}}});
        for gateway in [Gateway::Elavon, Gateway::Redsys, Gateway::Ceca] {
            let order = mapped(gateway, base.clone());
            assert_eq!(
                order["cardholder"]["billing"]["country"], "ES",
                "{gateway:?}"
            );
        }
        assert!(
            !mapped(Gateway::Paypal, base.clone())
                .to_string()
                .contains("ana@")
        );
        // Bitpay's current API takes the name and e-mail as its `buyer`, nothing more.
        let bitpay = mapped(Gateway::Bitpay, base.clone());
        assert_eq!(bitpay["buyer"], json!({"email": "ana@example.com"}));
        let bad = json!({"order_id": "A1", "amount": {"minor": 1, "currency": "EUR"},
            "cardholder": {"billing": {"street": "x"}}});
        let e = json::from_value::<OrderRequest>(&bad, ErrorCode::FieldInvalid).unwrap_err();
        assert_eq!(e.field(), Some("cardholder.billing.street"));
    }

    #[test]
    fn each_gateway_gets_the_id_description_and_urls_under_its_names() {
        let base = json!({"order_id": "2601ABCDEFGH", "amount": {"minor": 1000, "currency": "EUR"},
            "description": "x".repeat(130), "custom": "c1", "return_url": "https://s.example/ok",
            "cancel_url": "https://s.example/ko", "notify_url": "https://s.example/n",
            "timestamp": "20260101120000"});
        let redsys = mapped(Gateway::Redsys, base.clone());
        assert_eq!(redsys["order"], "2601ABCDEFGH");
        assert_eq!(redsys["product_description"].as_str().unwrap().len(), 125);
        assert_eq!(
            (
                &redsys["url_ok"],
                &redsys["url_ko"],
                &redsys["merchant_url"]
            ),
            (
                &json!("https://s.example/ok"),
                &json!("https://s.example/ko"),
                &json!("https://s.example/n")
            )
        );
        let paypal = mapped(Gateway::Paypal, base.clone());
        assert_eq!(
            (
                paypal["invoice"].as_str(),
                paypal["item_name"].as_str().map(str::len)
            ),
            (Some("2601ABCDEFGH"), Some(127))
        );
        assert_eq!(paypal["custom"], "c1");
        let ceca = mapped(Gateway::Ceca, base.clone());
        assert_eq!(ceca["operation"], "2601ABCDEFGH");
        let elavon = mapped(Gateway::Elavon, base.clone());
        assert_eq!(elavon["timestamp"], "20260101120000");
        let bitpay = mapped(Gateway::Bitpay, base.clone());
        assert_eq!(
            (bitpay["order_id"].as_str(), bitpay["redirect_url"].as_str()),
            (Some("2601ABCDEFGH"), Some("https://s.example/ok"))
        );
        let flocash = mapped(Gateway::Flocash, base);
        assert_eq!(
            (flocash["quantity"].as_u64(), flocash["custom"].as_str()),
            (Some(1), Some("c1"))
        );
        assert_eq!(flocash["item_price"], flocash["amount"]);
    }

    #[test]
    fn paypal_item_name_falls_back_to_the_order_id() {
        let paypal = mapped(
            Gateway::Paypal,
            json!({"order_id": "A1", "amount": {"minor": 1, "currency": "EUR"}}),
        );
        assert_eq!(paypal["item_name"], "A1");
        assert!(paypal.get("custom").is_none());
    }

    #[test]
    fn fields_win_and_unknown_ones_are_named() {
        let order = Order::for_payment(
            Gateway::Redsys,
            &request(
                json!({"order_id": "2601ABCDEFGH", "amount": {"minor": 1000, "currency": "EUR"},
                "fields": {"transaction_type": "preauthorization", "consumer_language": "002"}}),
            ),
        )
        .unwrap();
        assert!(order.is_preauthorisation());
        let err = Order::for_payment(
            Gateway::Ceca,
            &request(
                json!({"order_id": "A1", "amount": {"minor": 1000, "currency": "EUR"},
                "fields": {"idioma": "1"}}),
            ),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("idioma"));
    }

    #[test]
    fn store_card_and_clock_are_checked_per_gateway() {
        let base = json!({"order_id": "A1", "amount": {"minor": 1000, "currency": "EUR"},
            "store_card": "recurring"});
        let err = Order::for_payment(Gateway::Paypal, &request(base)).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::Unsupported, Some("store_card"))
        );
        let err = Order::for_payment(
            Gateway::Elavon,
            &request(json!({"order_id": "A1", "amount": {"minor": 1000, "currency": "EUR"}})),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("timestamp"));
        let err =
            Order::for_payment(Gateway::Ceca, &request(json!({"order_id": "A1"}))).unwrap_err();
        assert_eq!(err.field(), Some("amount"));
    }

    #[test]
    fn a_mismatched_order_and_a_replyless_gateway_are_refused() {
        let config = Config::from_json(&json!({"gateway": "bitpay", "api_key": "k",
            "api_url": "https://test.bitpay.com/api/invoice", "invoice_url": "https://test.bitpay.com/invoice"}))
        .unwrap();
        let order = Order::from_json(&json!({"gateway": "ceca", "operation": "A-1",
            "amount": {"value": "10.00", "currency": "EUR"}}))
        .unwrap();
        assert_eq!(
            checkout(&config, &order).unwrap_err().code(),
            ErrorCode::GatewayMismatch
        );
        let invoice = Order::from_json(&json!({"gateway": "bitpay", "order_id": "A-1",
            "price": {"value": "10.00", "currency": "EUR"}}))
        .unwrap();
        let Checkout::NeedsReply(http) = checkout(&config, &invoice).unwrap() else {
            panic!("bitpay checkout is a request")
        };
        assert_eq!(http.url, "https://test.bitpay.com/api/invoice");
        let reply = Reply::Response {
            status: 200,
            body: br#"{"data":{"id":"INV1","status":"new","price":10,"currency":"EUR"}}"#.to_vec(),
        };
        let done = parse_checkout_reply(&config, &reply).unwrap();
        assert_eq!(done.reference, "INV1");
        assert_eq!(done.form.action, "https://test.bitpay.com/invoice");
        let ceca = Config::from_json(&json!({"gateway": "ceca", "merchant_id": "111950028",
            "acquirer_bin": "0000554052", "terminal_id": "00000003", "key": "qwerty-key",
            "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
            "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/"}))
        .unwrap();
        assert_eq!(
            parse_checkout_reply(&ceca, &reply).unwrap_err().code(),
            ErrorCode::Unsupported
        );
        assert!(Order::from_json(&json!({"operation": "A-1"})).is_err());
    }
}

//! The FloCash checkout form ("HTML Form Integration").

use serde::{Deserialize, Serialize};

use super::{Config, PublicConfig};
use crate::country::is_alpha2;
use crate::error::{Error, ErrorCode, Result};
use crate::fields::{optional, required, shaped, url};
use crate::form::RedirectForm;
use crate::http::Method;
use crate::money::Amount;

/// The customer details FloCash can pre-fill on its payment page. All optional.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashCustomer"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// `user_firstName`, 1–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `user_lastName`, 1–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `user_address`, 1–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `user_city`, 1–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `user_state`, exactly 2 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `user_postalCode`, 1–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// `user_email`, 1–250 characters, an e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `user_mobile`, 1–250 characters: digits, spaces, `+ - ( )`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
}

/// An order to send to FloCash.
///
/// ```
/// use vpos_core::{gateways::flocash::Order, Amount, Currency};
/// let kes = Currency::from_code("KES")?;
/// let order = Order::new("AT000001", "C0000001", "Call Credit", Amount::parse("250", kes)?, 3)?;
/// assert_eq!(order.total()?.to_decimal_string(), "750.00");
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `order_id`: the shop's unique id for this payment, 1–25 characters.
    pub order_id: String,
    /// `custom`: merchant-defined value (a customer id), 1–25 characters.
    pub custom: String,
    /// `item_name`, 1–250 characters.
    pub item_name: String,
    /// `item_price`: price of one item.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub item_price: Amount,
    /// `quantity`, at least 1.
    pub quantity: u32,
    /// `amount`: the total to pay. When absent, `item_price × quantity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<crate::ts::AmountInput>"))]
    pub amount: Option<Amount>,
    /// `country`: ISO 3166-1 alpha-2, upper case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `payment_option`: pre-selected payment option for the country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_option: Option<String>,
    /// Customer details (`user_*`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<Customer>", optional))]
    pub customer: Customer,
    /// Overrides the configured `image_url` (logo) for this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Overrides the configured `return_url` for this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Overrides the configured `cancel_url` for this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Overrides the configured `notify_url` for this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
    /// Custom `flo_user_<name>` parameters, in order; names must start with `flo_user_`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<(String, String)>>", optional))]
    pub extra: Vec<(String, String)>,
}

impl Order {
    /// An order with the required fields, validated.
    pub fn new(
        order_id: impl Into<String>,
        custom: impl Into<String>,
        item_name: impl Into<String>,
        item_price: Amount,
        quantity: u32,
    ) -> Result<Order> {
        let order = Order {
            order_id: order_id.into(),
            custom: custom.into(),
            item_name: item_name.into(),
            item_price,
            quantity,
            amount: None,
            country: None,
            payment_option: None,
            customer: Customer::default(),
            image_url: None,
            return_url: None,
            cancel_url: None,
            notify_url: None,
            extra: Vec::new(),
        };
        order.validate()?;
        Ok(order)
    }

    /// The amount to pay: `amount` if set, else `item_price × quantity`.
    pub fn total(&self) -> Result<Amount> {
        if let Some(amount) = self.amount {
            return Ok(amount);
        }
        let minor = self
            .item_price
            .minor()
            .checked_mul(i64::from(self.quantity))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::AmountOverflow,
                    "item_price × quantity does not fit in 64-bit minor units",
                )
                .with_field("amount")
            })?;
        Amount::from_minor(minor, self.item_price.currency())
    }

    /// Checks every field against FloCash's documented limits; the error names the wire field.
    pub fn validate(&self) -> Result<()> {
        required("order_id", &self.order_id, 25)?;
        required("custom", &self.custom, 25)?;
        required("item_name", &self.item_name, 250)?;
        if self.quantity == 0 {
            return Err(Error::invalid("quantity", "must be at least 1"));
        }
        let total = self.total()?;
        if total.currency() != self.item_price.currency() {
            return Err(Error::new(
                ErrorCode::CurrencyMismatch,
                format!(
                    "amount is in {}, item_price in {}",
                    total.currency(),
                    self.item_price.currency()
                ),
            )
            .with_field("item_price"));
        }
        if total.minor() == 0 {
            return Err(Error::invalid("amount", "must be greater than zero"));
        }
        shaped(
            "country",
            self.country.as_deref(),
            "must be an assigned ISO 3166-1 alpha-2 code such as KE",
            is_alpha2,
        )?;
        optional("payment_option", self.payment_option.as_deref(), 250)?;
        url("image_url", self.image_url.as_deref(), 250)?;
        url("return_url", self.return_url.as_deref(), 250)?;
        url("cancel_url", self.cancel_url.as_deref(), 250)?;
        url("notify_url", self.notify_url.as_deref(), 250)?;
        let c = &self.customer;
        optional("user_firstName", c.first_name.as_deref(), 250)?;
        optional("user_lastName", c.last_name.as_deref(), 250)?;
        optional("user_address", c.address.as_deref(), 250)?;
        optional("user_city", c.city.as_deref(), 250)?;
        shaped(
            "user_state",
            c.state.as_deref(),
            "must be exactly 2 letters or digits",
            |v| v.chars().count() == 2 && v.chars().all(char::is_alphanumeric),
        )?;
        optional("user_postalCode", c.postal_code.as_deref(), 250)?;
        optional("user_email", c.email.as_deref(), 250)?;
        shaped(
            "user_email",
            c.email.as_deref(),
            "is not an e-mail address",
            looks_like_email,
        )?;
        optional("user_mobile", c.mobile.as_deref(), 250)?;
        shaped(
            "user_mobile",
            c.mobile.as_deref(),
            "may only hold digits, spaces and + - ( )",
            |v| {
                v.chars()
                    .all(|ch| ch.is_ascii_digit() || " +-()".contains(ch))
                    && v.chars().any(|ch| ch.is_ascii_digit())
            },
        )?;
        for (i, (name, value)) in self.extra.iter().enumerate() {
            let suffix = name.strip_prefix("flo_user_").unwrap_or("");
            if suffix.is_empty()
                || !suffix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(Error::invalid(
                    "extra",
                    format_args!(
                        "name {name:?} must be flo_user_ followed by letters, digits or _"
                    ),
                ));
            }
            if self.extra[..i].iter().any(|(n, _)| n == name) {
                return Err(Error::new(
                    ErrorCode::DuplicateField,
                    format!("{name} is given twice"),
                )
                .with_field(name.clone()));
            }
            required(name, value, 250)?;
        }
        Ok(())
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Builds the redirect form for `order`, fields in FloCash's documented order with its wire
/// names (`user_firstName`, `user_postalCode`, `flo_user_*`). Empty optional fields are left
/// out; amounts are written with the currency's exponent (`"23.45"`, XOF `"100"`).
///
/// ```
/// use vpos_core::{gateways::flocash::{self, Order}, Amount, Currency};
/// # let config: flocash::Config = serde_json::from_str(r#"{"merchant":"sales@demoshop.com",
/// #   "merchant_name":"Demo Shop","checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
/// #   "base_url":"https://fcms.flocash.com","notification_token":"0123456789abcdef"}"#)?;
/// let usd = Currency::from_code("USD")?;
/// let mut order = Order::new("AT000001", "C0000001", "Call Credit", Amount::parse("2.50", usd)?, 1)?;
/// order.customer.first_name = Some("John".into());
/// let form = flocash::checkout(&config, &order)?;
/// let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
/// assert_eq!(names, ["merchant_name", "merchant", "custom", "order_id", "amount", "item_name",
///                    "item_price", "currency_code", "quantity", "user_firstName"]);
/// order.customer.state = Some("Nairobi".into());
/// let err = flocash::checkout(&config, &order).unwrap_err();
/// assert_eq!((err.code().as_str(), err.field()), ("field_invalid", Some("user_state")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    checkout_public(&config.public(), order)
}

/// [`checkout`] from the [`PublicConfig`] alone: the same form and the same rules, for a page
/// or an edge function that must not hold the notification token.
pub fn checkout_public(config: &PublicConfig, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    order.validate()?;
    let total = order.total()?;
    let c = &order.customer;
    let mut fields: Vec<(String, String)> = Vec::with_capacity(24 + order.extra.len());
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            fields.push((name.to_string(), v.to_string()));
        }
    };
    put("merchant_name", Some(&config.merchant_name));
    put("merchant", Some(&config.merchant));
    put("custom", Some(&order.custom));
    put("order_id", Some(&order.order_id));
    put("amount", Some(&total.to_decimal_string()));
    put("item_name", Some(&order.item_name));
    put("item_price", Some(&order.item_price.to_decimal_string()));
    put("currency_code", Some(total.currency().code()));
    put("quantity", Some(&order.quantity.to_string()));
    put(
        "image_url",
        order.image_url.as_deref().or(config.image_url.as_deref()),
    );
    put(
        "return_url",
        order.return_url.as_deref().or(config.return_url.as_deref()),
    );
    put(
        "cancel_url",
        order.cancel_url.as_deref().or(config.cancel_url.as_deref()),
    );
    put(
        "notify_url",
        order.notify_url.as_deref().or(config.notify_url.as_deref()),
    );
    put("country", order.country.as_deref());
    put("user_firstName", c.first_name.as_deref());
    put("user_lastName", c.last_name.as_deref());
    put("user_address", c.address.as_deref());
    put("user_city", c.city.as_deref());
    put("user_state", c.state.as_deref());
    put("user_postalCode", c.postal_code.as_deref());
    put("user_email", c.email.as_deref());
    put("user_mobile", c.mobile.as_deref());
    put("payment_option", order.payment_option.as_deref());
    for (name, value) in &order.extra {
        put(name, Some(value));
    }
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields,
    })
}

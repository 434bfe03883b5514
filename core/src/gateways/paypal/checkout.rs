//! The Website Payments Standard "Buy Now" form (`cmd=_xclick`).

use serde::{Deserialize, Serialize};

use super::Config;
use crate::error::{Error, Result};
use crate::fields::{optional, required, url};
use crate::form::RedirectForm;
use crate::http::Method;
use crate::money::Amount;

/// A payment to send to PayPal.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `invoice`: the shop's unique order id (PayPal refuses a repeated one), up to 127 characters.
    pub invoice: String,
    /// `item_name`, up to 127 characters.
    pub item_name: String,
    /// `amount` and `currency_code`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `custom`: passed back in the IPN, up to 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
    /// Overrides the configured `notify_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
    /// Overrides the configured `return`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Overrides the configured `cancel_return`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
}

/// Builds the form. Amounts are written by [`super::format_amount`] (`JPY` `1500`, `HUF`
/// `1000`, `EUR` `15.00`); an amount PayPal cannot express is `amount_precision` on `amount`.
///
/// ```
/// use vpos_core::gateways::paypal::{self, Order};
/// # let config: paypal::Config = serde_json::from_str(r#"{"business":"shop@example.com",
/// #   "checkout_url":"https://www.sandbox.paypal.com/cgi-bin/webscr","ipn_url":"https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"}"#)?;
/// let order: Order = serde_json::from_value(serde_json::json!({"invoice": "A-1", "item_name": "Tea",
///     "amount": {"value": "15", "currency": "EUR"}}))?;
/// let form = paypal::checkout(&config, &order)?;
/// assert!(form.fields.contains(&("amount".into(), "15.00".into())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    required("invoice", &order.invoice, 127)?;
    required("item_name", &order.item_name, 127)?;
    optional("custom", order.custom.as_deref(), 255)?;
    url("notify_url", order.notify_url.as_deref(), 1024)?;
    url("return", order.return_url.as_deref(), 1024)?;
    url("cancel_return", order.cancel_url.as_deref(), 1024)?;
    if order.amount.minor() == 0 {
        return Err(Error::invalid("amount", "must be greater than zero"));
    }
    let amount = super::format_amount(order.amount).map_err(|e| e.with_field("amount"))?;
    let mut fields: Vec<(String, String)> = vec![
        ("cmd".into(), "_xclick".into()),
        ("charset".into(), "utf-8".into()),
        ("business".into(), config.business.clone()),
        ("invoice".into(), order.invoice.clone()),
        ("item_name".into(), order.item_name.clone()),
        ("amount".into(), amount),
        (
            "currency_code".into(),
            order.amount.currency().code().into(),
        ),
        ("no_shipping".into(), "1".into()),
    ];
    let pick = |o: &Option<String>, c: &Option<String>| o.clone().or_else(|| c.clone());
    for (name, value) in [
        ("custom", order.custom.clone()),
        ("notify_url", pick(&order.notify_url, &config.notify_url)),
        ("return", pick(&order.return_url, &config.return_url)),
        ("cancel_return", pick(&order.cancel_url, &config.cancel_url)),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            fields.push((name.into(), v));
        }
    }
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields,
    })
}

//! The HPP payment form.

use serde::{Deserialize, Serialize};

use super::{Config, hash};
use crate::error::{Error, Result};
use crate::form::RedirectForm;
use crate::http::Method;
use crate::money::Amount;

/// A payment to send to the hosted payment page.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ElavonOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `ORDER_ID`: unique per merchant, 1–50 letters, digits, `-` or `_`.
    pub order_id: String,
    /// `AMOUNT` (minor units) and `CURRENCY` (alphabetic code).
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `TIMESTAMP`, `YYYYMMDDHHMMSS`, from the host's clock.
    pub timestamp: String,
}

impl Order {
    /// Checks every field.
    pub fn validate(&self) -> Result<()> {
        check_order_id(&self.order_id)?;
        check_timestamp(&self.timestamp)?;
        if self.amount.minor() == 0 {
            return Err(Error::invalid("AMOUNT", "must be greater than zero"));
        }
        Ok(())
    }
}

/// `ORDER_ID`: 1–50 letters, digits, `-` or `_`, on the form and in the response alike (no
/// `.`, the separator of every hash).
pub(crate) fn check_order_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 50
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "ORDER_ID",
            "must be 1 to 50 letters, digits, - or _",
        ));
    }
    Ok(())
}

pub(crate) fn check_timestamp(ts: &str) -> Result<()> {
    let ok = ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()) && {
        let n = |r: std::ops::Range<usize>| ts[r].parse::<u32>().unwrap_or(99);
        (1..=12).contains(&n(4..6))
            && (1..=31).contains(&n(6..8))
            && n(8..10) < 24
            && n(10..12) < 60
            && n(12..14) < 61
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("TIMESTAMP", "must be YYYYMMDDHHMMSS"))
    }
}

/// Builds the signed HPP form.
///
/// ```
/// use vpos_core::gateways::elavon::{self, Order};
/// # let config: elavon::Config = serde_json::from_str(r#"{"merchant_id":"thestore","account":"internet",
/// #   "secret":"mysecret","checkout_url":"https://hpp.prueba.santanderelavontpvvirtual.es/pay"}"#)?;
/// let order: Order = serde_json::from_value(serde_json::json!({"order_id": "ORD453-11",
///     "amount": {"minor": 29900, "currency": "EUR"}, "timestamp": "20130814122239"}))?;
/// let form = elavon::checkout(&config, &order)?;
/// let sha1 = &form.fields.iter().find(|(n, _)| n == "SHA1HASH").unwrap().1;
/// assert_eq!(sha1, "cc72c08e529b3bc153481eda9533b815cef29de3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    order.validate()?;
    let amount = order.amount.minor().to_string();
    let currency = order.amount.currency().code();
    let sha1 = hash(
        &[
            &order.timestamp,
            &config.merchant_id,
            &order.order_id,
            &amount,
            currency,
        ],
        config.secret.expose(),
    );
    let mut fields: Vec<(String, String)> = vec![
        ("MERCHANT_ID".into(), config.merchant_id.clone()),
        ("ACCOUNT".into(), config.account.clone()),
        ("ORDER_ID".into(), order.order_id.clone()),
        ("AMOUNT".into(), amount),
        ("CURRENCY".into(), currency.into()),
        ("TIMESTAMP".into(), order.timestamp.clone()),
        ("SHA1HASH".into(), sha1),
        (
            "AUTO_SETTLE_FLAG".into(),
            if config.auto_settle { "1" } else { "0" }.into(),
        ),
    ];
    if let Some(url) = &config.response_url {
        fields.push(("MERCHANT_RESPONSE_URL".into(), url.clone()));
    }
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields,
    })
}

//! One folder per gateway, each with the same verbs (`checkout`, `parse_notification`,
//! verification, `acknowledge`).

use serde::{Deserialize, Serialize};

pub mod bitpay;
pub mod ceca;
pub mod elavon;
pub mod flocash;
pub mod paypal;
pub mod redsys;

/// The gateways vpos speaks.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "GatewayName"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Gateway {
    /// FloCash (Africa): redirect form, notification verified by post-back.
    Flocash,
    /// Redsys (Spain): signed redirect form, signed notifications.
    Redsys,
    /// CECA / Cecabank (Spain): signed redirect form, signed notifications.
    Ceca,
    /// Santander Elavon (Realex / Global Payments HPP): hashed form and response.
    Elavon,
    /// PayPal Website Payments Standard: form, IPN verified by post-back.
    Paypal,
    /// Bitpay: invoices, notifications verified by fetching the invoice.
    Bitpay,
    /// PayPal REST (Orders v2, Payments v2, signed webhooks): an account of its own, beside
    /// the classic [`Gateway::Paypal`] (docs/paypal-orders.md).
    PaypalRest,
}

impl Gateway {
    /// The snake_case name, as in JSON and event keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Gateway::Flocash => "flocash",
            Gateway::Redsys => "redsys",
            Gateway::Ceca => "ceca",
            Gateway::Elavon => "elavon",
            Gateway::Paypal => "paypal",
            Gateway::Bitpay => "bitpay",
            Gateway::PaypalRest => "paypal_rest",
        }
    }
}

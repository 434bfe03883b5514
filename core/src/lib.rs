//! # vpos-core
//!
//! The payment-gateway core of vpos: builds the redirect forms that send a customer to a
//! hosted payment page, parses and verifies the gateway's server-to-server notifications, and
//! decides exactly once how each one moves the payment.
//!
//! What it refuses to do: any I/O. No sockets, no files, no clock, no randomness, no globals,
//! no logging. Where a gateway needs the network (FloCash's post-back), the core describes the
//! [`HttpRequest`] and interprets the [`Reply`] the host got; the host owns the world and hands
//! it in as values. That is what lets the same crate run in Django, Node and a browser.
//!
//! Hosts go through [`driver`]: one configuration type, one notification path and one
//! operation path for every gateway, over the per-gateway modules in [`gateways`].
//!
//! Money is [`Amount`]: integer minor units and an ISO 4217 [`Currency`]; there is no float in
//! this crate. Every input is treated as hostile: failures are an [`Error`] with a stable
//! [`ErrorCode`], never a panic.
//!
//! ```
//! use vpos_core::gateways::flocash::{self, Config, Order};
//! use vpos_core::{Amount, Currency};
//!
//! let config: Config = serde_json::from_str(r#"{
//!     "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
//!     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
//!     "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"
//! }"#)?;
//! config.validate()?;
//!
//! // 1. Send the customer to FloCash.
//! let usd = Currency::from_code("USD")?;
//! let order = Order::new("AT000001", "C0000001", "Call Credit", Amount::parse("2.50", usd)?, 2)?;
//! let form = flocash::checkout(&config, &order)?;
//! assert_eq!(form.fields[4], ("amount".to_string(), "5.00".to_string()));
//!
//! // 2. FloCash posts a notification; parse it, then post it back to prove it.
//! let body = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=5.00&currency_code=USD\
//!              &trans_id=T1&fpn_id=F1&status=0000&status_msg=Payment+is+successful.";
//! let unverified = flocash::parse_notification(&config, "application/x-www-form-urlencoded", body)?;
//! let request = flocash::postback_request(&config, &unverified);
//! assert_eq!(request.url, "https://fcms.flocash.com/validateNotify.do");
//! // ... the host POSTs `request` and hands the reply back:
//! let reply = vpos_core::Reply::Response { status: 200, body: b"VERIFIED".to_vec() };
//! let verified = flocash::verify_postback(&config, unverified, &reply)?;
//! assert_eq!(verified.event().status(), &vpos_core::Reported::Succeeded);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// A build with some gateways left out (cargo features, the per-gateway wasm edge modules)
// keeps every gateway module but not the driver's dispatch to it, so the driver's helpers
// for the missing gateways go unused there, and their fallback arms (`_ =>`) may be all that
// is left or never reached.
#![cfg_attr(
    not(all(
        feature = "flocash",
        feature = "redsys",
        feature = "ceca",
        feature = "elavon",
        feature = "paypal",
        feature = "paypal_rest",
        feature = "bitpay"
    )),
    allow(
        dead_code,
        unused_imports,
        unused_variables,
        unused_mut,
        unreachable_code,
        unreachable_patterns
    )
)]

pub mod account;
pub mod cardholder;
pub mod country;
pub mod driver;
pub mod error;
pub(crate) mod fields;
pub mod form;
pub mod gateways;
pub(crate) mod hex;
pub mod http;
pub mod json;
pub mod money;
pub mod secret;
pub mod state;
pub mod status;
pub mod testing;
pub mod trust;
#[cfg(feature = "ts")]
pub mod ts;
pub(crate) mod xml;

pub use error::{Error, ErrorCode, Result};
pub use form::RedirectForm;
pub use http::{HttpRequest, HttpResponse, Method, Reply};
pub use money::{Amount, Currency};
pub use secret::Secret;
pub use state::{Event, Outcome, PaymentSnapshot, transition};
pub use status::{Action, PaymentStatus, Reported};
pub use trust::{Unverified, Verified};

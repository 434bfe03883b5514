//! Test helpers: the gateway's side of a notification, for a merchant testing its own
//! integration without the gateway. Never on the production path.
//!
//! [`notification`] builds what the gateway would POST for a payment (the body, its content
//! type, FloCash's URL token), signed with the merchant's own configuration where the gateway
//! signs (Redsys, CECA, Elavon). Where the gateway proves a notification by answering a request
//! (FloCash and PayPal post-backs, Bitpay's invoice fetch), it also says which URL that request
//! goes to and what the gateway answers, and [`reply`] gives the answer for a [`Mode`]
//! (verified, disowned, no answer, a server error), so a fake HTTP client can play the gateway.
//!
//! Everything here uses only the configuration handed in: a helper that signs with the
//! merchant's key can only forge notifications for that merchant, which is what a test needs.
//! No clock and no randomness either: ids and dates are fixed or derived from the order id.
//!
//! ```
//! use vpos_core::driver::{self, Config, Proof, Request};
//! use vpos_core::testing::{self, Mode, Payment, Status};
//! use vpos_core::{Amount, Currency, Reported};
//!
//! let config = Config::from_json(&serde_json::json!({"gateway": "paypal",
//!     "business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
//!     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"}))?;
//! let amount = Amount::parse("10.00", Currency::from_code("EUR")?)?;
//! let sent = testing::notification(&config, &Payment::new("A1", amount, Status::Paid))?;
//! let unverified = driver::parse_notification(&config, &sent.request())?;
//! let Proof::NeedsReply { request, pending } = driver::prove(&config, unverified)? else { panic!() };
//! let proof = sent.proof.as_ref().unwrap();
//! assert_eq!(request.url, proof.url);
//! let verified = pending.finish(&config, &testing::reply(proof, Mode::Verified))?;
//! assert_eq!(verified.event().status(), &Reported::Succeeded);
//! # Ok::<(), vpos_core::Error>(())
//! ```

mod bitpay;
mod ceca;
mod elavon;
mod flocash;
mod operation;
mod paypal;
mod redsys;

use serde::{Deserialize, Serialize};

use crate::driver::{Config, Request};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{Method, Reply};
use crate::money::Amount;

pub use operation::operation_reply;

/// The outcome a test notification reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The sale succeeded: the payment becomes `paid`.
    Paid,
    /// An authorisation to capture later (Redsys transaction type 1, Elavon without
    /// auto-settle): the payment becomes `authorized`.
    Authorized,
    /// Denied or failed: the payment becomes `failed`.
    Failed,
    /// A refund of `amount` (Redsys type 3, PayPal `Refunded`).
    Refunded,
}

impl Status {
    /// The name in JSON (`paid` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Paid => "paid",
            Status::Authorized => "authorized",
            Status::Failed => "failed",
            Status::Refunded => "refunded",
        }
    }
}

/// The payment a test notification is about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// The shop's order id, as the checkout sent it.
    pub order_id: String,
    /// The amount the gateway reports (for a refund, the amount refunded).
    pub amount: Amount,
    /// What the notification reports; `paid` when left out.
    #[serde(default = "paid")]
    pub status: Status,
    /// The gateway's transaction id (PayPal `txn_id`, Elavon `PASREF`, Bitpay invoice id,
    /// FloCash `trans_id`); derived from the order id when left out.
    #[serde(default)]
    pub transaction_id: Option<String>,
}

fn paid() -> Status {
    Status::Paid
}

impl Payment {
    /// A payment with a derived transaction id.
    pub fn new(order_id: impl Into<String>, amount: Amount, status: Status) -> Payment {
        Payment {
            order_id: order_id.into(),
            amount,
            status,
            transaction_id: None,
        }
    }

    /// The transaction id: the given one, else `T` and the order id's letters and digits, so
    /// that it passes every gateway's id alphabet.
    pub(crate) fn transaction_id(&self) -> String {
        self.transaction_id.clone().unwrap_or_else(|| {
            let tail: String = self
                .order_id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(40)
                .collect();
            format!("T{tail}")
        })
    }

    pub(crate) fn unsupported(&self, gateway: &str) -> Error {
        Error::new(
            ErrorCode::Unsupported,
            format!(
                "{gateway} sends no test notification with status {}",
                self.status.as_str()
            ),
        )
        .with_field("status")
    }
}

/// How the gateway answers the request that proves a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    /// The method of the request ([`crate::driver::prove`] describes the same one).
    pub method: Method,
    /// Where the request goes.
    pub url: String,
    /// What the gateway answers when the notification is its own (`VERIFIED`, the invoice).
    pub verified: String,
    /// What it answers when it disowns the notification (`INVALID`, another invoice).
    pub invalid: String,
}

/// What the gateway would send for a payment: POST `body` as `content_type` to the
/// notification URL (FloCash's ends in `token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body (every gateway's is ASCII).
    pub body: String,
    /// FloCash's URL token (the configuration's `notification_token`), the last path segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// For gateways that prove a notification with a request: where it goes and what the
    /// gateway answers. `None` for signed notifications (Redsys, CECA, Elavon).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
}

impl Notification {
    /// The notification as [`crate::driver::parse_notification`] takes it.
    pub fn request(&self) -> Request<'_> {
        Request {
            content_type: &self.content_type,
            body: self.body.as_bytes(),
            query: "",
            token: self.token.as_deref(),
            ..Request::default()
        }
    }
}

/// Builds the notification `config`'s gateway would send about `payment`, signed with (or
/// provable through) `config` alone. `unsupported` (field `status`) when the gateway never
/// reports that status: FloCash, CECA and Bitpay send no refund, CECA no failure, and
/// Elavon reports `paid` only with `auto_settle` (`authorized` without).
pub fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    match config {
        #[cfg(feature = "flocash")]
        Config::Flocash(c) => flocash::notification(c, payment),
        #[cfg(feature = "redsys")]
        Config::Redsys(c) => redsys::notification(c, payment),
        #[cfg(feature = "ceca")]
        Config::Ceca(c) => ceca::notification(c, payment),
        #[cfg(feature = "elavon")]
        Config::Elavon(c) => elavon::notification(c, payment),
        #[cfg(feature = "paypal")]
        Config::Paypal(c) => paypal::notification(c, payment),
        #[cfg(feature = "bitpay")]
        Config::Bitpay(c) => bitpay::notification(c, payment),
        // Signed webhooks need the sandbox's test key: built there, not here.
        _ => Err(Error::new(
            ErrorCode::Unsupported,
            format!("no simulated {} notification", config.gateway().as_str()),
        )
        .with_field("gateway")),
    }
}

/// How a fake gateway answers the proving request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The gateway owns the notification (`VERIFIED`, the invoice as notified).
    Verified,
    /// The gateway disowns it (`INVALID`, an answer about another invoice): refused as
    /// unverified, nothing applied.
    Invalid,
    /// No answer came before the deadline: the gateway delivers again later.
    Timeout,
    /// The gateway answered `500`: the gateway delivers again later.
    ServerError,
}

/// The reply the gateway gives to `proof`'s request in `mode`, as a host's HTTP client
/// returns it.
pub fn reply(proof: &Proof, mode: Mode) -> Reply {
    let ok = |body: &str| Reply::Response {
        status: 200,
        body: body.as_bytes().to_vec(),
    };
    match mode {
        Mode::Verified => ok(&proof.verified),
        Mode::Invalid => ok(&proof.invalid),
        Mode::Timeout => Reply::Failed {
            error: "timed out".into(),
        },
        Mode::ServerError => Reply::Response {
            status: 500,
            body: b"Internal Server Error".to_vec(),
        },
    }
}

/// The `VERIFIED` / `INVALID` pair of a post-back gateway (FloCash, PayPal).
fn postback(url: String) -> Option<Proof> {
    Some(Proof {
        method: Method::Post,
        url,
        verified: "VERIFIED".into(),
        invalid: "INVALID".into(),
    })
}

/// A fixed date and time for messages that carry one, since the core reads no clock:
/// 1 December 2026, 10:00:00.
const DATE: (&str, &str, &str) = ("01/12/2026", "10:00", "20261201100000");

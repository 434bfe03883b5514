//! The one status model every gateway maps into.

use serde::{Deserialize, Serialize};

/// Where a payment stands. The moves between these are in [`crate::state`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created by the shop; the gateway has said nothing yet.
    New,
    /// The gateway has the payment but no final answer (mobile money waiting for the payer).
    Pending,
    /// Funds reserved, not captured (pre-authorisation).
    Authorized,
    /// Captured: the money is the merchant's.
    Paid,
    /// Declined, aborted or not authorised.
    Failed,
    /// Cancelled by the customer or the merchant before capture.
    Cancelled,
    /// Part of a paid amount has been refunded.
    PartiallyRefunded,
    /// All of it has been refunded.
    Refunded,
    /// The card holder's bank took the money back.
    ChargedBack,
}

impl PaymentStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [PaymentStatus; 9] = [
        PaymentStatus::New,
        PaymentStatus::Pending,
        PaymentStatus::Authorized,
        PaymentStatus::Paid,
        PaymentStatus::Failed,
        PaymentStatus::Cancelled,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Refunded,
        PaymentStatus::ChargedBack,
    ];

    /// The snake_case name used in JSON and by every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::New => "new",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::ChargedBack => "charged_back",
        }
    }
}

/// What a gateway says about the operation a notification reports, after its code table.
///
/// `Unknown` keeps the code: it changes nothing and is reported, so a code the table has
/// never seen can never move money.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reported {
    /// Still in progress.
    Pending,
    /// Authorised, not captured.
    Authorized,
    /// Completed successfully (for a sale: captured; for a refund: refunded).
    Succeeded,
    /// Declined, aborted, not authorised.
    Failed,
    /// Cancelled.
    Cancelled,
    /// A code the gateway's table does not know.
    Unknown(String),
}

impl Reported {
    /// Every name [`Reported::as_str`] can return.
    pub const NAMES: [&'static str; 6] = [
        "pending",
        "authorized",
        "succeeded",
        "failed",
        "cancelled",
        "unknown",
    ];

    /// `"pending"`, `"authorized"`, `"succeeded"`, `"failed"`, `"cancelled"` or `"unknown"`
    /// (the code itself travels beside it, as `status_code`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Reported::Pending => "pending",
            Reported::Authorized => "authorized",
            Reported::Succeeded => "succeeded",
            Reported::Failed => "failed",
            Reported::Cancelled => "cancelled",
            Reported::Unknown(_) => "unknown",
        }
    }
}

impl Serialize for Reported {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What kind of operation a notification reports.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A payment.
    Sale,
    /// Money returned by the merchant.
    Refund,
    /// Money taken back by the card holder's bank.
    Chargeback,
    /// A cancellation (void).
    Cancel,
    /// A test message from the gateway's back office; never changes a live payment.
    Test,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 5] = [
        Action::Sale,
        Action::Refund,
        Action::Chargeback,
        Action::Cancel,
        Action::Test,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Sale => "sale",
            Action::Refund => "refund",
            Action::Chargeback => "chargeback",
            Action::Cancel => "cancel",
            Action::Test => "test",
        }
    }
}

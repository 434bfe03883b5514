//! The payment state machine: the whole table in this one file.
//!
//! ```text
//! new ──► pending ──► authorized ──► paid ──► partially_refunded ──► refunded
//!  │         │            │           ▲ │              │     ▲
//!  │         ├──► paid ◄──┘           │ ├──► refunded  └─────┘ (another partial refund)
//!  │         ├──► failed ─────────────┤ └──► charged_back ◄── partially_refunded
//!  │         └──► cancelled ──────────┘
//!  └──► (any of pending, authorized, paid, failed, cancelled)
//! ```
//!
//! Rule 1: [`transition`] is pure. It reads the stored payment and one verified event and says
//! what to do; the host applies that under a row lock and records the event key.
//!
//! Rule 2: monotonic. A sale event that would move a payment backwards (a `pending` arriving
//! after `paid`, a late `failed` from an earlier attempt) is `Ignored { reason: stale }`, not an
//! error: gateways retry and reorder, and answering "no" would only make them retry more.
//!
//! Rule 3: money wins. `failed → paid` and `cancelled → paid` are allowed: when the gateway
//! proves money was captured after a failed or abandoned attempt on the same order, the
//! merchant must see it. Nothing else leaves `failed` or `cancelled`.
//!
//! Rule 4: integrity before state. Gateway, merchant, order, currency and amount are checked
//! against the stored payment before any move; a mismatch is `Rejected` and changes nothing.
//!
//! Rule 5: money is counted, not inferred. A payment's `amount` is what the customer
//! authorised; the snapshot also carries what was captured, released and refunded. A capture
//! of less than the authorisation is a normal move (`authorized → paid`): the rest is released
//! at once unless the payment was authorised for several captures (`multiple_captures`), when
//! it stays open for more captures (`paid → paid`) or a release of the remainder. Refunds and
//! chargebacks are bounded by what was captured, and `refunded` means all of the captured
//! amount came back.

use serde::{Deserialize, Serialize};

use crate::driver::OperationKind;
use crate::error::{Error, ErrorCode};
use crate::gateways::Gateway;
use crate::money::Amount;
use crate::status::{Action, PaymentStatus, Reported};

use PaymentStatus::*;

/// Allowed moves: `(from, to)`. Anything absent is not a move the core will make.
const MOVES: &[(PaymentStatus, &[PaymentStatus])] = &[
    (New, &[Pending, Authorized, Paid, Failed, Cancelled]),
    (Pending, &[Authorized, Paid, Failed, Cancelled]),
    (Authorized, &[Paid, Cancelled]),
    // `paid → paid` and `partially_refunded → partially_refunded`: another capture, or the
    // release of what was left of a multi-capture authorisation (amounts move, status stays).
    (Paid, &[Paid, PartiallyRefunded, Refunded, ChargedBack]),
    (
        PartiallyRefunded,
        &[PartiallyRefunded, Refunded, ChargedBack],
    ),
    (Failed, &[Paid]),
    (Cancelled, &[Paid]),
    (Refunded, &[]),
    (ChargedBack, &[]),
];

/// Whether the table allows `from → to`.
///
/// ```
/// use vpos_core::{state::allowed, PaymentStatus::*};
/// assert!(allowed(Pending, Paid));
/// assert!(!allowed(Paid, Pending));
/// assert!(!allowed(Refunded, Paid));
/// ```
pub fn allowed(from: PaymentStatus, to: PaymentStatus) -> bool {
    MOVES.iter().any(|(f, tos)| *f == from && tos.contains(&to))
}

/// The operations a host may ask the gateway for, by the payment's status: the moves above
/// that the merchant starts rather than the gateway. A charge starts a new payment; a
/// pre-authorisation is captured or released; captured money is refunded until none is left.
/// A paid payment whose authorisation is still open (a multi-capture authorisation not yet
/// fully captured or released) also takes `capture` and `release`: see [`operations_for`].
const OPERATIONS: &[(PaymentStatus, &[OperationKind])] = &[
    (New, &[OperationKind::Charge]),
    (
        Authorized,
        &[OperationKind::Capture, OperationKind::Release],
    ),
    (Paid, &[OperationKind::Refund]),
    (PartiallyRefunded, &[OperationKind::Refund]),
];

/// The operations `payment` allows now: [`allowed_operations`] by its status, plus `capture`
/// and `release` while part of a multi-capture authorisation is still open.
///
/// ```
/// use vpos_core::{state::{operations_for, PaymentSnapshot}, driver::OperationKind::*};
/// let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "elavon",
///     "merchant": "thestore", "order_id": "ORD1", "amount": {"minor": 10000, "currency": "EUR"},
///     "status": "paid", "captured_minor": 6000, "multiple_captures": true})).unwrap();
/// assert_eq!(operations_for(&payment), [Refund, Capture, Release]);
/// ```
pub fn operations_for(payment: &PaymentSnapshot) -> Vec<OperationKind> {
    let mut kinds = allowed_operations(payment.status).to_vec();
    if payment.capturable() > 0 {
        for kind in [OperationKind::Capture, OperationKind::Release] {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    kinds
}

/// The operations a payment in `status` allows (whatever its gateway offers: see
/// [`crate::driver::supported_operations`]).
///
/// ```
/// use vpos_core::{state::allowed_operations, driver::OperationKind, PaymentStatus::*};
/// assert_eq!(allowed_operations(Authorized), [OperationKind::Capture, OperationKind::Release]);
/// assert_eq!(allowed_operations(PartiallyRefunded), [OperationKind::Refund]);
/// assert!(allowed_operations(Refunded).is_empty());
/// ```
pub fn allowed_operations(status: PaymentStatus) -> &'static [OperationKind] {
    OPERATIONS
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(&[], |(_, kinds)| kinds)
}

/// Refuses, before anything is asked, an operation the payment cannot take: `amount_minor`
/// not above zero (`field_invalid` on `amount`); a refund beyond what is left of the capture
/// once `in_flight_minor` (refunds asked and not settled) is set aside
/// (`refund_exceeds_amount` on `amount`); a capture beyond what is still authorised
/// (`amount_mismatch` on `amount`); any other kind the payment does not allow now
/// (`invalid_transition` on `status`; see [`operations_for`]).
///
/// ```
/// use vpos_core::{state::{check_operation, PaymentSnapshot}, driver::OperationKind};
/// let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "redsys",
///     "merchant": "999008881", "order_id": "A1", "amount": {"minor": 1000, "currency": "EUR"},
///     "status": "paid", "refunded_minor": 400})).unwrap();
/// assert!(check_operation(&payment, OperationKind::Refund, 600, 0).is_ok());
/// assert_eq!(check_operation(&payment, OperationKind::Refund, 600, 1).unwrap_err().code().as_str(),
///            "refund_exceeds_amount");
/// assert_eq!(check_operation(&payment, OperationKind::Capture, 1000, 0).unwrap_err().field(),
///            Some("status"));
/// ```
pub fn check_operation(
    payment: &PaymentSnapshot,
    kind: OperationKind,
    amount_minor: i64,
    in_flight_minor: i64,
) -> Result<(), Error> {
    if amount_minor <= 0 {
        return Err(Error::invalid(
            "amount",
            "of an operation must be greater than zero",
        ));
    }
    let allows = operations_for(payment).contains(&kind);
    if kind == OperationKind::Refund {
        let refundable = if allows { payment.refundable() } else { 0 };
        let available = refundable.saturating_sub(in_flight_minor);
        if amount_minor > available {
            return Err(Error::new(
                ErrorCode::RefundExceedsAmount,
                format!(
                    "{amount_minor} minor units asked, {} refundable (status {}, {} captured, {} refunded, {in_flight_minor} pending)",
                    available.max(0),
                    payment.status.as_str(),
                    payment.captured(),
                    payment.refunded_minor
                ),
            )
            .with_field("amount"));
        }
        return Ok(());
    }
    if !allows {
        return Err(Error::new(
            ErrorCode::InvalidTransition,
            format!(
                "cannot {} a payment in status {}",
                kind.as_str(),
                payment.status.as_str()
            ),
        )
        .with_field("status"));
    }
    if kind == OperationKind::Capture && amount_minor > payment.capturable() {
        return Err(Error::new(
            ErrorCode::AmountMismatch,
            format!(
                "a capture of {amount_minor} minor units exceeds the {} still authorised",
                payment.capturable()
            ),
        )
        .with_field("amount"));
    }
    Ok(())
}

/// What the host stored about a payment, as the transition function needs it.
///
/// JSON: `{"gateway": "flocash", "merchant": "…", "order_id": "…", "amount": {"minor": 12300,
/// "currency": "EUR"}, "status": "pending", "live": true, "refunded_minor": 0,
/// "captured_minor": 12300, "released_minor": 0, "multiple_captures": false,
/// "applied_event_keys": ["flocash:…"]}`. `live` defaults to `true` (so a `Test` message is
/// ignored unless the host says the payment is a test), `refunded_minor` and `released_minor`
/// to 0, `captured_minor` to "all of `amount` once paid or later, none before" (what a host
/// that does not track captures means), `multiple_captures` to `false` and
/// `applied_event_keys` to none.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSnapshot {
    /// The gateway the payment was sent to.
    pub gateway: Gateway,
    /// The merchant account the payment was made with.
    pub merchant: String,
    /// The shop's order id sent to the gateway.
    pub order_id: String,
    /// The amount charged.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// Current status.
    pub status: PaymentStatus,
    /// `false` for payments made against a test account.
    #[serde(default = "yes")]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub live: bool,
    /// Minor units refunded or charged back so far.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<i64>", optional))]
    pub refunded_minor: i64,
    /// Minor units captured so far (see [`PaymentSnapshot::captured`] for the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub captured_minor: Option<i64>,
    /// Minor units of the authorisation released without being captured.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<i64>", optional))]
    pub released_minor: i64,
    /// Whether the authorisation takes several captures (Elavon `multisettle`, PayPal
    /// authorisations): a partial capture then leaves the rest open instead of releasing it.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub multiple_captures: bool,
    /// Keys of the events already applied to this payment.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<String>>", optional))]
    pub applied_event_keys: Vec<String>,
}

fn yes() -> bool {
    true
}

impl PaymentSnapshot {
    /// Minor units captured: `captured_minor` when the host stores it; otherwise all of the
    /// amount once the payment is paid (or refunded, or charged back), none before.
    ///
    /// ```
    /// use vpos_core::state::PaymentSnapshot;
    /// let mut p: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "redsys",
    ///     "merchant": "999008881", "order_id": "A1", "amount": {"minor": 1000, "currency": "EUR"},
    ///     "status": "paid"})).unwrap();
    /// assert_eq!(p.captured(), 1000);
    /// p.captured_minor = Some(600);
    /// assert_eq!((p.captured(), p.refundable()), (600, 600));
    /// ```
    pub fn captured(&self) -> i64 {
        match self.captured_minor {
            Some(minor) => minor.clamp(0, self.amount.minor()),
            None if matches!(
                self.status,
                Paid | PartiallyRefunded | Refunded | ChargedBack
            ) =>
            {
                self.amount.minor()
            }
            None => 0,
        }
    }

    /// Minor units still authorised and open to capture: none unless the payment is
    /// `authorized`, or `paid` / `partially_refunded` with part of a multi-capture
    /// authorisation left.
    pub fn capturable(&self) -> i64 {
        match self.status {
            Authorized | Paid | PartiallyRefunded => self
                .amount
                .minor()
                .saturating_sub(self.captured())
                .saturating_sub(self.released_minor.max(0))
                .max(0),
            _ => 0,
        }
    }

    /// Minor units that can still be refunded: what was captured less what came back.
    pub fn refundable(&self) -> i64 {
        match self.status {
            Paid | PartiallyRefunded => self.captured().saturating_sub(self.refunded_minor).max(0),
            _ => 0,
        }
    }
}

/// A verified, gateway-neutral fact about a payment: "this happened". Only a verified
/// notification (or an authenticated poll reply) can produce one, so an `Event` in hand means
/// its authenticity was checked.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub(crate) gateway: Gateway,
    pub(crate) key: String,
    pub(crate) merchant: String,
    pub(crate) order_id: String,
    pub(crate) transaction_id: String,
    pub(crate) amount: Amount,
    pub(crate) action: Action,
    pub(crate) status: Reported,
    pub(crate) status_code: String,
}

impl Event {
    /// The idempotency key: gateway, transaction and status, so the host can keep it under a
    /// unique constraint. The same notification delivered twice has the same key.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The gateway.
    pub fn gateway(&self) -> Gateway {
        self.gateway
    }
    /// The merchant account the gateway says this is for.
    pub fn merchant(&self) -> &str {
        &self.merchant
    }
    /// The shop's order id.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }
    /// The gateway's transaction id.
    pub fn transaction_id(&self) -> &str {
        &self.transaction_id
    }
    /// The amount the event concerns (the sale amount, or the refunded amount).
    pub fn amount(&self) -> Amount {
        self.amount
    }
    /// What kind of operation.
    pub fn action(&self) -> Action {
        self.action
    }
    /// The mapped status.
    pub fn status(&self) -> &Reported {
        &self.status
    }
    /// The gateway's own status code, verbatim.
    pub fn status_code(&self) -> &str {
        &self.status_code
    }
}

/// Builds an event key from parts, escaping `:` and `%` so two different events can never
/// share a key.
pub(crate) fn event_key(parts: &[&str]) -> String {
    let mut key = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push(':');
        }
        for c in part.chars() {
            match c {
                '%' => key.push_str("%25"),
                ':' => key.push_str("%3A"),
                c => key.push(c),
            }
        }
    }
    key
}

/// Why an event changed nothing, though it was fine.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Ignored"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum IgnoreReason {
    /// The event would move the payment backwards (late `pending` after `paid`, …).
    Stale,
    /// The payment is already in the status the event reports.
    AlreadyInStatus,
    /// A `Test` message for a live payment.
    TestOnLivePayment,
    /// The gateway reported a refund, cancellation or chargeback that has not completed.
    NotCompleted,
    /// A status code the gateway's table does not know. The gateway must deliver again.
    UnknownStatus {
        /// The code, verbatim.
        code: String,
    },
}

/// What [`transition`] decided.
/// JSON as in `docs/conformance.md`; it also deserialises, so a host can hand an outcome it
/// stored back to `acknowledge`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Move the payment: store `to`, the new totals, and the event key.
    Applied {
        /// Status before.
        from: PaymentStatus,
        /// Status after.
        to: PaymentStatus,
        /// Total refunded or charged back after this event, in minor units.
        refunded_minor: i64,
        /// Total captured after this event, in minor units.
        #[serde(default)]
        captured_minor: i64,
        /// Total of the authorisation released after this event, in minor units.
        #[serde(default)]
        released_minor: i64,
    },
    /// This event key was applied before: a retry, which is normal.
    AlreadyApplied,
    /// Nothing to change.
    Ignored(IgnoreReason),
    /// The event contradicts the stored payment, or asks for a move the table does not have.
    Rejected {
        /// Why.
        error: Error,
    },
}

impl IgnoreReason {
    /// The snake_case name (`stale`, `already_in_status`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            IgnoreReason::Stale => "stale",
            IgnoreReason::AlreadyInStatus => "already_in_status",
            IgnoreReason::TestOnLivePayment => "test_on_live_payment",
            IgnoreReason::NotCompleted => "not_completed",
            IgnoreReason::UnknownStatus { .. } => "unknown_status",
        }
    }
}

impl Outcome {
    /// Whether the gateway should be told "received, stop sending". `false` for rejections
    /// and unknown statuses: those need a person, and a retry keeps the message alive until
    /// one has looked.
    pub fn is_acknowledged(&self) -> bool {
        match self {
            Outcome::Applied { .. } | Outcome::AlreadyApplied => true,
            Outcome::Ignored(reason) => !matches!(reason, IgnoreReason::UnknownStatus { .. }),
            Outcome::Rejected { .. } => false,
        }
    }

    /// The new status if the payment must change.
    pub fn new_status(&self) -> Option<PaymentStatus> {
        match self {
            Outcome::Applied { to, .. } => Some(*to),
            _ => None,
        }
    }
}

/// Decides what a verified event does to a stored payment.
///
/// ```
/// use vpos_core::{state::{transition, Outcome, PaymentSnapshot}, gateways::flocash, PaymentStatus};
/// # let config: flocash::Config = serde_json::from_str(r#"{"merchant":"sales@demoshop.com",
/// #   "merchant_name":"Demo","checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
/// #   "base_url":"https://fcms.flocash.com","notification_token":"0123456789abcdef"}"#)?;
/// let body = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=23.45&currency_code=USD\
///              &trans_id=T1&fpn_id=F1&status=0000&status_msg=ok";
/// let unverified = flocash::parse_notification(&config, "application/x-www-form-urlencoded", body)?;
/// let reply = vpos_core::Reply::Response { status: 200, body: b"VERIFIED".to_vec() };
/// let verified = flocash::verify_postback(&config, unverified, &reply)?;
/// let payment: PaymentSnapshot = serde_json::from_str(r#"{"gateway":"flocash",
///     "merchant":"sales@demoshop.com","order_id":"AT000001",
///     "amount":{"value":"23.45","currency":"USD"},"status":"pending"}"#)?;
/// let outcome = transition(&payment, &verified.event());
/// assert_eq!(outcome.new_status(), Some(PaymentStatus::Paid));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn transition(payment: &PaymentSnapshot, event: &Event) -> Outcome {
    let reject = |code: ErrorCode, message: String| Outcome::Rejected {
        error: Error::new(code, message),
    };
    if event.gateway != payment.gateway {
        return reject(
            ErrorCode::GatewayMismatch,
            format!(
                "event from {} for a {} payment",
                event.gateway.as_str(),
                payment.gateway.as_str()
            ),
        );
    }
    if payment.applied_event_keys.contains(&event.key) {
        return Outcome::AlreadyApplied;
    }
    if event.merchant != payment.merchant {
        return reject(
            ErrorCode::MerchantMismatch,
            format!(
                "event is for merchant {:?}, payment belongs to {:?}",
                event.merchant, payment.merchant
            ),
        );
    }
    if event.order_id != payment.order_id {
        return reject(
            ErrorCode::OrderMismatch,
            format!(
                "event is for order {:?}, payment is order {:?}",
                event.order_id, payment.order_id
            ),
        );
    }
    if event.amount.currency() != payment.amount.currency() {
        return reject(
            ErrorCode::CurrencyMismatch,
            format!(
                "event is in {}, payment in {}",
                event.amount.currency(),
                payment.amount.currency()
            ),
        );
    }
    if event.action == Action::Test && payment.live {
        return Outcome::Ignored(IgnoreReason::TestOnLivePayment);
    }
    if let Reported::Unknown(code) = &event.status {
        return Outcome::Ignored(IgnoreReason::UnknownStatus { code: code.clone() });
    }
    let completed = &event.status;
    let from = payment.status;
    let totals = Totals::of(payment);
    match event.action {
        Action::Sale | Action::Test => {
            if event.amount != payment.amount {
                return partial_capture(payment, event, totals);
            }
            let to = match completed {
                Reported::Pending => Pending,
                Reported::Authorized => Authorized,
                Reported::Succeeded => Paid,
                Reported::Failed => Failed,
                Reported::Cancelled => Cancelled,
                Reported::Unknown(code) => {
                    return Outcome::Ignored(IgnoreReason::UnknownStatus { code: code.clone() });
                }
            };
            if from == to {
                Outcome::Ignored(IgnoreReason::AlreadyInStatus)
            } else if allowed(from, to) {
                let captured = if to == Paid {
                    payment.amount.minor()
                } else {
                    totals.captured
                };
                totals.captured(captured).applied(from, to)
            } else {
                Outcome::Ignored(IgnoreReason::Stale)
            }
        }
        Action::Refund | Action::Chargeback => {
            if *completed != Reported::Succeeded {
                return Outcome::Ignored(IgnoreReason::NotCompleted);
            }
            // Before anything is captured the bound is the amount, so a refund of an
            // authorisation is the table's `invalid_transition`, as it always was.
            let bound = if payment.captured() > 0 {
                payment.captured()
            } else {
                payment.amount.minor()
            };
            let total = totals
                .refunded
                .checked_add(event.amount.minor())
                .filter(|t| *t <= bound);
            let Some(total) = total else {
                return reject(
                    ErrorCode::RefundExceedsAmount,
                    format!(
                        "{} {} on top of {} already returned exceeds the {} captured",
                        event.action.as_str(),
                        event.amount,
                        minor_text(totals.refunded, payment),
                        minor_text(bound, payment),
                    ),
                );
            };
            let to = match event.action {
                Action::Chargeback => ChargedBack,
                _ if total == bound => Refunded,
                _ => PartiallyRefunded,
            };
            move_or_reject(from, to, totals.refunded(total))
        }
        Action::Cancel => {
            if *completed != Reported::Succeeded && *completed != Reported::Cancelled {
                return Outcome::Ignored(IgnoreReason::NotCompleted);
            }
            if from == Cancelled {
                return Outcome::Ignored(IgnoreReason::AlreadyInStatus);
            }
            let open = payment.capturable();
            if matches!(from, Paid | PartiallyRefunded) && open > 0 {
                // The release of what a multi-capture authorisation had left: the captured
                // money stays, the rest is let go.
                return totals.released(totals.released + open).applied(from, from);
            }
            let released = if from == Authorized {
                totals.released + open
            } else {
                totals.released
            };
            move_or_reject(from, Cancelled, totals.released(released))
        }
    }
}

/// The amounts an applied outcome stores, as they stand before the event.
#[derive(Clone, Copy)]
struct Totals {
    refunded: i64,
    captured: i64,
    released: i64,
}

impl Totals {
    fn of(payment: &PaymentSnapshot) -> Totals {
        Totals {
            refunded: payment.refunded_minor,
            captured: payment.captured(),
            released: payment.released_minor.max(0),
        }
    }
    fn refunded(self, refunded: i64) -> Totals {
        Totals { refunded, ..self }
    }
    fn captured(self, captured: i64) -> Totals {
        Totals { captured, ..self }
    }
    fn released(self, released: i64) -> Totals {
        Totals { released, ..self }
    }
    fn applied(self, from: PaymentStatus, to: PaymentStatus) -> Outcome {
        Outcome::Applied {
            from,
            to,
            refunded_minor: self.refunded,
            captured_minor: self.captured,
            released_minor: self.released,
        }
    }
}

fn minor_text(minor: i64, payment: &PaymentSnapshot) -> String {
    Amount::from_minor(minor, payment.amount.currency())
        .map_or_else(|_| minor.to_string(), |a| a.to_string())
}

/// A sale event for another amount than the payment's: only a capture of part of an open
/// authorisation (rule 5); anything else is `amount_mismatch`.
fn partial_capture(payment: &PaymentSnapshot, event: &Event, totals: Totals) -> Outcome {
    let open = payment.capturable();
    let from = payment.status;
    if open == 0 {
        return Outcome::Rejected {
            error: Error::new(
                ErrorCode::AmountMismatch,
                format!(
                    "event amount {} differs from payment amount {}",
                    event.amount, payment.amount
                ),
            ),
        };
    }
    if event.amount.minor() <= 0 || event.amount.minor() > open {
        return Outcome::Rejected {
            error: Error::new(
                ErrorCode::AmountMismatch,
                format!(
                    "a capture of {} exceeds the {} still authorised",
                    event.amount,
                    minor_text(open, payment)
                ),
            )
            .with_field("amount"),
        };
    }
    match &event.status {
        Reported::Succeeded => {}
        Reported::Unknown(code) => {
            return Outcome::Ignored(IgnoreReason::UnknownStatus { code: code.clone() });
        }
        // A capture refused or not finished leaves the authorisation as it was.
        _ => return Outcome::Ignored(IgnoreReason::NotCompleted),
    }
    let captured = totals.captured + event.amount.minor();
    let rest = payment.amount.minor() - captured - totals.released;
    let released = if payment.multiple_captures {
        totals.released
    } else {
        // One capture per authorisation: the gateway lets the rest go.
        totals.released + rest
    };
    let to = if from == Authorized { Paid } else { from };
    totals
        .captured(captured)
        .released(released)
        .applied(from, to)
}

fn move_or_reject(from: PaymentStatus, to: PaymentStatus, totals: Totals) -> Outcome {
    if allowed(from, to) {
        totals.applied(from, to)
    } else {
        Outcome::Rejected {
            error: Error::new(
                ErrorCode::InvalidTransition,
                format!(
                    "a payment cannot move from {} to {}",
                    from.as_str(),
                    to.as_str()
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(minor: i64) -> Amount {
        Amount::from_minor(minor, Currency::from_code("EUR").unwrap()).unwrap()
    }

    fn payment(status: PaymentStatus) -> PaymentSnapshot {
        PaymentSnapshot {
            gateway: Gateway::Flocash,
            merchant: "m@example.com".into(),
            order_id: "o1".into(),
            amount: eur(1000),
            status,
            live: true,
            refunded_minor: 0,
            captured_minor: None,
            released_minor: 0,
            multiple_captures: false,
            applied_event_keys: vec![],
        }
    }

    fn event(action: Action, status: Reported, minor: i64) -> Event {
        Event {
            gateway: Gateway::Flocash,
            key: event_key(&["flocash", "t1", action.as_str(), "x"]),
            merchant: "m@example.com".into(),
            order_id: "o1".into(),
            transaction_id: "t1".into(),
            amount: eur(minor),
            action,
            status,
            status_code: "x".into(),
        }
    }

    #[test]
    fn every_sale_status_from_every_state_is_total_and_monotonic() {
        let reports = [
            Reported::Pending,
            Reported::Authorized,
            Reported::Succeeded,
            Reported::Failed,
            Reported::Cancelled,
        ];
        for from in PaymentStatus::ALL {
            for r in &reports {
                let out = transition(&payment(from), &event(Action::Sale, r.clone(), 1000));
                match out {
                    Outcome::Applied { to, .. } => assert!(allowed(from, to), "{from:?} -> {to:?}"),
                    Outcome::Ignored(IgnoreReason::Stale | IgnoreReason::AlreadyInStatus) => {}
                    other => panic!("{from:?} + {r:?} gave {other:?}"),
                }
            }
        }
        let late_pending = transition(
            &payment(Paid),
            &event(Action::Sale, Reported::Pending, 1000),
        );
        assert_eq!(late_pending, Outcome::Ignored(IgnoreReason::Stale));
    }

    #[test]
    fn refunds_accumulate_and_never_exceed() {
        let mut p = payment(Paid);
        let out = transition(&p, &event(Action::Refund, Reported::Succeeded, 400));
        assert_eq!(out, applied(Paid, PartiallyRefunded, 400, 1000, 0));
        p.status = PartiallyRefunded;
        p.refunded_minor = 400;
        let out = transition(&p, &event(Action::Refund, Reported::Succeeded, 600));
        assert_eq!(out, applied(PartiallyRefunded, Refunded, 1000, 1000, 0));
        let out = transition(&p, &event(Action::Refund, Reported::Succeeded, 601));
        assert!(
            matches!(out, Outcome::Rejected { ref error } if error.code() == ErrorCode::RefundExceedsAmount)
        );
        let out = transition(
            &payment(Pending),
            &event(Action::Refund, Reported::Succeeded, 10),
        );
        assert!(
            matches!(out, Outcome::Rejected { ref error } if error.code() == ErrorCode::InvalidTransition)
        );
        let mut huge = payment(Paid);
        huge.refunded_minor = i64::MAX;
        assert!(matches!(
            transition(&huge, &event(Action::Refund, Reported::Succeeded, 1)),
            Outcome::Rejected { .. }
        ));
    }

    #[test]
    fn every_allowed_operation_is_a_move_of_the_table() {
        for from in PaymentStatus::ALL {
            for kind in allowed_operations(from) {
                let targets: &[PaymentStatus] = match kind {
                    OperationKind::Refund => &[PartiallyRefunded, Refunded],
                    OperationKind::Capture | OperationKind::Charge => &[Paid],
                    OperationKind::Release => &[Cancelled],
                };
                for to in targets {
                    assert!(allowed(from, *to), "{from:?} {kind:?} -> {to:?}");
                }
            }
        }
    }

    #[test]
    fn operations_by_status_match_the_hosts_old_table() {
        use OperationKind::*;
        let expected: [(PaymentStatus, &[OperationKind]); 9] = [
            (New, &[Charge]),
            (Pending, &[]),
            (Authorized, &[Capture, Release]),
            (Paid, &[Refund]),
            (Failed, &[]),
            (Cancelled, &[]),
            (PartiallyRefunded, &[Refund]),
            (Refunded, &[]),
            (ChargedBack, &[]),
        ];
        for (status, kinds) in expected {
            assert_eq!(allowed_operations(status), kinds, "{status:?}");
        }
    }

    #[test]
    fn check_operation_refuses_before_asking() {
        let mut p = payment(Paid);
        assert!(check_operation(&p, OperationKind::Refund, 1000, 0).is_ok());
        assert_eq!(
            check_operation(&p, OperationKind::Refund, 1000, 1)
                .unwrap_err()
                .code(),
            ErrorCode::RefundExceedsAmount
        );
        assert_eq!(
            check_operation(&p, OperationKind::Refund, 0, 0)
                .unwrap_err()
                .code(),
            ErrorCode::FieldInvalid
        );
        p.status = Authorized;
        // A refund of an authorisation is "nothing refundable", as hosts reported it.
        assert_eq!(
            check_operation(&p, OperationKind::Refund, 1, 0)
                .unwrap_err()
                .code(),
            ErrorCode::RefundExceedsAmount
        );
        assert!(check_operation(&p, OperationKind::Capture, 1000, 0).is_ok());
        assert!(check_operation(&p, OperationKind::Release, 1000, 0).is_ok());
        let err = check_operation(&p, OperationKind::Charge, 1000, 0).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidTransition, Some("status"))
        );
        assert!(check_operation(&payment(New), OperationKind::Charge, 1000, 0).is_ok());
        assert!(check_operation(&payment(Paid), OperationKind::Capture, 1000, 0).is_err());
    }

    fn applied(
        from: PaymentStatus,
        to: PaymentStatus,
        refunded: i64,
        captured: i64,
        released: i64,
    ) -> Outcome {
        Outcome::Applied {
            from,
            to,
            refunded_minor: refunded,
            captured_minor: captured,
            released_minor: released,
        }
    }

    fn keyed(mut e: Event, key: &str) -> Event {
        e.key = key.into();
        e
    }

    #[test]
    fn a_partial_capture_releases_the_rest_unless_the_authorisation_takes_several() {
        let auth = payment(Authorized);
        let capture = event(Action::Sale, Reported::Succeeded, 600);
        assert_eq!(
            transition(&auth, &capture),
            applied(Authorized, Paid, 0, 600, 400)
        );
        let mut multi = payment(Authorized);
        multi.multiple_captures = true;
        assert_eq!(
            transition(&multi, &capture),
            applied(Authorized, Paid, 0, 600, 0)
        );
        // The second capture: paid → paid, the totals move.
        multi.status = Paid;
        multi.captured_minor = Some(600);
        let second = keyed(event(Action::Sale, Reported::Succeeded, 300), "c2");
        assert_eq!(transition(&multi, &second), applied(Paid, Paid, 0, 900, 0));
        // The release of the remainder: the captured money stays.
        multi.captured_minor = Some(900);
        let release = event(Action::Cancel, Reported::Succeeded, 100);
        assert_eq!(
            transition(&multi, &release),
            applied(Paid, Paid, 0, 900, 100)
        );
        multi.released_minor = 100;
        assert_eq!(multi.capturable(), 0);
        assert_eq!(operations_for(&multi), [OperationKind::Refund]);
        // Nothing open: a second release is the table's refusal, a capture an amount mismatch.
        assert!(matches!(
            transition(&multi, &keyed(release.clone(), "r2")),
            Outcome::Rejected { ref error } if error.code() == ErrorCode::InvalidTransition
        ));
        assert!(matches!(
            transition(&multi, &keyed(event(Action::Sale, Reported::Succeeded, 1), "c3")),
            Outcome::Rejected { ref error } if error.code() == ErrorCode::AmountMismatch
        ));
    }

    #[test]
    fn a_capture_beyond_the_authorisation_or_unfinished_changes_nothing() {
        let auth = payment(Authorized);
        let too_much = transition(&auth, &event(Action::Sale, Reported::Succeeded, 1001));
        assert!(
            matches!(too_much, Outcome::Rejected { ref error } if error.code() == ErrorCode::AmountMismatch && error.field() == Some("amount"))
        );
        // A partial sale on a payment that was never authorised is the old amount mismatch.
        for status in [New, Pending, Paid, Failed] {
            let out = transition(
                &payment(status),
                &event(Action::Sale, Reported::Succeeded, 600),
            );
            assert!(
                matches!(out, Outcome::Rejected { ref error } if error.code() == ErrorCode::AmountMismatch),
                "{status:?}"
            );
        }
        let declined = transition(&auth, &event(Action::Sale, Reported::Failed, 600));
        assert_eq!(declined, Outcome::Ignored(IgnoreReason::NotCompleted));
        let unknown = transition(
            &auth,
            &event(Action::Sale, Reported::Unknown("77".into()), 600),
        );
        assert!(matches!(
            unknown,
            Outcome::Ignored(IgnoreReason::UnknownStatus { .. })
        ));
    }

    #[test]
    fn refunds_are_bounded_by_what_was_captured() {
        let mut p = payment(Paid);
        p.captured_minor = Some(600);
        p.released_minor = 400;
        assert_eq!(p.refundable(), 600);
        let over = transition(&p, &event(Action::Refund, Reported::Succeeded, 601));
        assert!(
            matches!(over, Outcome::Rejected { ref error } if error.code() == ErrorCode::RefundExceedsAmount)
        );
        let all = transition(&p, &event(Action::Refund, Reported::Succeeded, 600));
        assert_eq!(all, applied(Paid, Refunded, 600, 600, 400));
        let part = transition(&p, &event(Action::Refund, Reported::Succeeded, 200));
        assert_eq!(part, applied(Paid, PartiallyRefunded, 200, 600, 400));
        let chargeback = transition(&p, &event(Action::Chargeback, Reported::Succeeded, 600));
        assert_eq!(chargeback, applied(Paid, ChargedBack, 600, 600, 400));
        assert_eq!(
            check_operation(&p, OperationKind::Refund, 601, 0)
                .unwrap_err()
                .code(),
            ErrorCode::RefundExceedsAmount
        );
        assert!(check_operation(&p, OperationKind::Refund, 600, 0).is_ok());
    }

    #[test]
    fn check_operation_bounds_captures_by_what_is_still_authorised() {
        let mut p = payment(Authorized);
        assert!(check_operation(&p, OperationKind::Capture, 600, 0).is_ok());
        let err = check_operation(&p, OperationKind::Capture, 1001, 0).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::AmountMismatch, Some("amount"))
        );
        p.status = Paid;
        p.captured_minor = Some(600);
        // A single-capture authorisation let the rest go with the first capture.
        p.released_minor = 400;
        let err = check_operation(&p, OperationKind::Capture, 100, 0).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidTransition);
        p.released_minor = 0;
        p.multiple_captures = true;
        assert!(check_operation(&p, OperationKind::Capture, 400, 0).is_ok());
        assert!(check_operation(&p, OperationKind::Release, 400, 0).is_ok());
        assert_eq!(
            check_operation(&p, OperationKind::Capture, 401, 0)
                .unwrap_err()
                .code(),
            ErrorCode::AmountMismatch
        );
    }

    #[test]
    fn a_whole_capture_and_a_whole_release_record_their_amounts() {
        let auth = payment(Authorized);
        assert_eq!(
            transition(&auth, &event(Action::Sale, Reported::Succeeded, 1000)),
            applied(Authorized, Paid, 0, 1000, 0)
        );
        assert_eq!(
            transition(&auth, &event(Action::Cancel, Reported::Succeeded, 1000)),
            applied(Authorized, Cancelled, 0, 0, 1000)
        );
        // A host that does not store captures: a paid payment captured all of it.
        assert_eq!(payment(Paid).captured(), 1000);
        assert_eq!(payment(Pending).captured(), 0);
    }

    #[test]
    fn event_keys_escape_separators() {
        assert_ne!(event_key(&["a:b", "c"]), event_key(&["a", "b:c"]));
        assert_eq!(event_key(&["flocash", "T%1", "x:y"]), "flocash:T%251:x%3Ay");
    }
}

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
    (Paid, &[PartiallyRefunded, Refunded, ChargedBack]),
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
const OPERATIONS: &[(PaymentStatus, &[OperationKind])] = &[
    (New, &[OperationKind::Charge]),
    (
        Authorized,
        &[OperationKind::Capture, OperationKind::Release],
    ),
    (Paid, &[OperationKind::Refund]),
    (PartiallyRefunded, &[OperationKind::Refund]),
];

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
/// (`refund_exceeds_amount` on `amount`); any other kind its status does not allow
/// (`invalid_transition` on `status`).
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
    let allows = allowed_operations(payment.status).contains(&kind);
    if kind == OperationKind::Refund {
        let refundable = if allows {
            payment
                .amount
                .minor()
                .saturating_sub(payment.refunded_minor)
        } else {
            0
        };
        let available = refundable.saturating_sub(in_flight_minor);
        if amount_minor > available {
            return Err(Error::new(
                ErrorCode::RefundExceedsAmount,
                format!(
                    "{amount_minor} minor units asked, {} refundable (status {}, {} refunded, {in_flight_minor} pending)",
                    available.max(0),
                    payment.status.as_str(),
                    payment.refunded_minor
                ),
            )
            .with_field("amount"));
        }
        return Ok(());
    }
    if allows {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidTransition,
            format!(
                "cannot {} a payment in status {}",
                kind.as_str(),
                payment.status.as_str()
            ),
        )
        .with_field("status"))
    }
}

/// What the host stored about a payment, as the transition function needs it.
///
/// JSON: `{"gateway": "flocash", "merchant": "…", "order_id": "…", "amount": {"minor": 12300,
/// "currency": "EUR"}, "status": "pending", "live": true, "refunded_minor": 0,
/// "applied_event_keys": ["flocash:…"]}`. `live` defaults to `true` (so a `Test` message is
/// ignored unless the host says the payment is a test), `refunded_minor` to 0 and
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
    /// Keys of the events already applied to this payment.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<String>>", optional))]
    pub applied_event_keys: Vec<String>,
}

fn yes() -> bool {
    true
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
    /// Move the payment: store `to`, the new refunded total, and the event key.
    Applied {
        /// Status before.
        from: PaymentStatus,
        /// Status after.
        to: PaymentStatus,
        /// Total refunded or charged back after this event, in minor units.
        refunded_minor: i64,
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
    let refunded = payment.refunded_minor;
    match event.action {
        Action::Sale | Action::Test => {
            if event.amount != payment.amount {
                return reject(
                    ErrorCode::AmountMismatch,
                    format!(
                        "event amount {} differs from payment amount {}",
                        event.amount, payment.amount
                    ),
                );
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
                Outcome::Applied {
                    from,
                    to,
                    refunded_minor: refunded,
                }
            } else {
                Outcome::Ignored(IgnoreReason::Stale)
            }
        }
        Action::Refund | Action::Chargeback => {
            if *completed != Reported::Succeeded {
                return Outcome::Ignored(IgnoreReason::NotCompleted);
            }
            let total = refunded
                .checked_add(event.amount.minor())
                .filter(|t| *t <= payment.amount.minor());
            let Some(total) = total else {
                return reject(
                    ErrorCode::RefundExceedsAmount,
                    format!(
                        "{} {} on top of {} already returned exceeds the payment amount {}",
                        event.action.as_str(),
                        event.amount,
                        Amount::from_minor(refunded, payment.amount.currency())
                            .map_or_else(|_| refunded.to_string(), |a| a.to_string()),
                        payment.amount
                    ),
                );
            };
            let to = match event.action {
                Action::Chargeback => ChargedBack,
                _ if total == payment.amount.minor() => Refunded,
                _ => PartiallyRefunded,
            };
            move_or_reject(from, to, total)
        }
        Action::Cancel => {
            if *completed != Reported::Succeeded && *completed != Reported::Cancelled {
                return Outcome::Ignored(IgnoreReason::NotCompleted);
            }
            if from == Cancelled {
                return Outcome::Ignored(IgnoreReason::AlreadyInStatus);
            }
            move_or_reject(from, Cancelled, refunded)
        }
    }
}

fn move_or_reject(from: PaymentStatus, to: PaymentStatus, refunded_minor: i64) -> Outcome {
    if allowed(from, to) {
        Outcome::Applied {
            from,
            to,
            refunded_minor,
        }
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
        assert_eq!(
            out,
            Outcome::Applied {
                from: Paid,
                to: PartiallyRefunded,
                refunded_minor: 400
            }
        );
        p.status = PartiallyRefunded;
        p.refunded_minor = 400;
        let out = transition(&p, &event(Action::Refund, Reported::Succeeded, 600));
        assert_eq!(
            out,
            Outcome::Applied {
                from: PartiallyRefunded,
                to: Refunded,
                refunded_minor: 1000
            }
        );
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

    #[test]
    fn event_keys_escape_separators() {
        assert_ne!(event_key(&["a:b", "c"]), event_key(&["a", "b:c"]));
        assert_eq!(event_key(&["flocash", "T%1", "x:y"]), "flocash:T%251:x%3Ay");
    }
}

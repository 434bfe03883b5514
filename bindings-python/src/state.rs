//! `hostedpay.state`: the payment state machine. `Event` and `Outcome` are opaque: Python can read
//! them but never build one, so a transition can only be driven by a verified notification.

use pyo3::prelude::*;
use vpos_core::state::IgnoreReason;
use vpos_core::{Outcome as CoreOutcome, PaymentSnapshot, PaymentStatus};

use crate::convert::{Kind, from_py, ser};
use crate::error::to_py_err;

/// A verified, gateway-neutral fact about a payment. Only `Verified.event()` makes one.
#[pyclass(module = "hostedpay.state", name = "Event", frozen)]
pub struct Event(pub vpos_core::Event);

#[pymethods]
impl Event {
    /// The idempotency key (gateway, transaction, action, status): keep it under a unique
    /// constraint once applied.
    #[getter]
    fn key(&self) -> &str {
        self.0.key()
    }
    /// `"flocash"`.
    #[getter]
    fn gateway(&self) -> &'static str {
        self.0.gateway().as_str()
    }
    /// The merchant account the gateway says this is for.
    #[getter]
    fn merchant(&self) -> &str {
        self.0.merchant()
    }
    /// The shop's order id.
    #[getter]
    fn order_id(&self) -> &str {
        self.0.order_id()
    }
    /// The gateway's transaction id.
    #[getter]
    fn transaction_id(&self) -> &str {
        self.0.transaction_id()
    }
    /// `{"minor", "currency", "value"}`.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.amount())
    }
    /// `"sale"`, `"refund"`, `"chargeback"`, `"cancel"` or `"test"`.
    #[getter]
    fn action(&self) -> &'static str {
        self.0.action().as_str()
    }
    /// The mapped status (`"succeeded"`, `"pending"`, … or `"unknown"`).
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status().as_str()
    }
    /// The gateway's own status code, verbatim.
    #[getter]
    fn status_code(&self) -> &str {
        self.0.status_code()
    }
    /// The core's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("<hostedpay.state.Event {}>", self.0.key())
    }
}

/// What `transition` decided. Opaque; read it, answer with `flocash.acknowledge(outcome)`.
#[pyclass(module = "hostedpay.state", name = "Outcome", frozen)]
pub struct Outcome(pub CoreOutcome);

#[pymethods]
impl Outcome {
    /// `"applied"`, `"already_applied"`, `"ignored"` or `"rejected"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match &self.0 {
            CoreOutcome::Applied { .. } => "applied",
            CoreOutcome::AlreadyApplied => "already_applied",
            CoreOutcome::Ignored(_) => "ignored",
            CoreOutcome::Rejected { .. } => "rejected",
        }
    }
    /// Whether the gateway should be told "received, stop sending".
    fn is_acknowledged(&self) -> bool {
        self.0.is_acknowledged()
    }
    /// The status to store, when the payment must change; otherwise `None`.
    #[getter]
    fn new_status(&self) -> Option<&'static str> {
        self.0.new_status().map(PaymentStatus::as_str)
    }
    /// The refunded total after an applied event, in minor units; otherwise `None`.
    #[getter]
    fn refunded_minor(&self) -> Option<i64> {
        match &self.0 {
            CoreOutcome::Applied { refunded_minor, .. } => Some(*refunded_minor),
            _ => None,
        }
    }
    /// The captured total after an applied event, in minor units; otherwise `None`.
    #[getter]
    fn captured_minor(&self) -> Option<i64> {
        match &self.0 {
            CoreOutcome::Applied { captured_minor, .. } => Some(*captured_minor),
            _ => None,
        }
    }
    /// The released total after an applied event, in minor units; otherwise `None`.
    #[getter]
    fn released_minor(&self) -> Option<i64> {
        match &self.0 {
            CoreOutcome::Applied { released_minor, .. } => Some(*released_minor),
            _ => None,
        }
    }
    /// Why nothing changed, for `ignored` (`"stale"`, `"unknown_status"` …); otherwise `None`.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        match &self.0 {
            CoreOutcome::Ignored(r) => Some(match r {
                IgnoreReason::Stale => "stale",
                IgnoreReason::AlreadyInStatus => "already_in_status",
                IgnoreReason::TestOnLivePayment => "test_on_live_payment",
                IgnoreReason::NotCompleted => "not_completed",
                IgnoreReason::UnknownStatus { .. } => "unknown_status",
            }),
            _ => None,
        }
    }
    /// For `rejected`: the error as a `VposError` (not raised); otherwise `None`.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        match &self.0 {
            CoreOutcome::Rejected { error } => Some(to_py_err(py, error).into_value(py).into_any()),
            _ => None,
        }
    }
    /// The core's JSON shape (`{"outcome": "applied", "from": …, "to": …, "refunded_minor": …}`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.state.Outcome {}>",
            serde_json::to_string(&self.0).unwrap_or_default()
        )
    }
}

/// Decides what a verified event does to a stored payment. `payment` is the core's
/// `PaymentSnapshot` shape: `{"gateway", "merchant", "order_id", "amount", "status", "live",
/// "refunded_minor", "applied_event_keys"}`.
#[pyfunction]
pub fn transition(payment: &Bound<'_, PyAny>, event: &Event) -> PyResult<Outcome> {
    let snapshot: PaymentSnapshot = from_py(payment, Kind::Value("payment"))?;
    Ok(Outcome(vpos_core::transition(&snapshot, &event.0)))
}

/// Whether the state table allows `from_status -> to_status`.
#[pyfunction]
pub fn allowed(py: Python<'_>, from_status: &str, to_status: &str) -> PyResult<bool> {
    let parse = |s: &str| -> PyResult<PaymentStatus> {
        let v = serde_json::Value::String(s.to_string());
        crate::convert::from_json(py, &v, Kind::Value("status"))
    };
    Ok(vpos_core::state::allowed(
        parse(from_status)?,
        parse(to_status)?,
    ))
}

/// Every payment status, in lifecycle order.
pub fn payment_statuses() -> Vec<&'static str> {
    PaymentStatus::ALL.iter().map(|s| s.as_str()).collect()
}

//! Status queries in `hostedpay.driver` (`vpos_core::driver::status_query_request`,
//! `parse_status_reply`): the host asks the gateway what became of a payment. This file only
//! extracts, calls and converts; it registers into the `driver` submodule.

use pyo3::prelude::*;
use vpos_core::PaymentSnapshot;
use vpos_core::driver::{self, StatusQuery as CoreQuery, StatusReply as CoreReply};

use crate::convert::{Kind, from_py, ser};
use crate::driver::{Config, fields_from_py, fields_to_py};
use crate::error::IntoPy;
use crate::http::reply_from_py;
use crate::state::{Event, Outcome};

/// What the host knows of the payment it asks about: `StatusQuery({"order_id", "amount",
/// "transaction_id", "reference", "timestamp"})`, or better `StatusQuery.on_payment(...)`.
#[pyclass(module = "hostedpay.driver", name = "StatusQuery", frozen)]
pub struct StatusQuery(CoreQuery);

#[pymethods]
impl StatusQuery {
    #[new]
    fn new(query: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(StatusQuery(from_py(query, Kind::Value("query"))?))
    }

    /// The query about a stored `payment` (the core's `PaymentSnapshot` shape), quoting what
    /// its proven notification left (`stored`: a dict of payment fields, PayPal's
    /// `transaction_id`) and the checkout's `reference` (Bitpay's invoice id); `timestamp` is
    /// the host's clock, `YYYYMMDDHHMMSS` UTC.
    #[staticmethod]
    #[pyo3(signature = (payment, *, stored = None, reference = "", timestamp = ""))]
    fn on_payment(
        py: Python<'_>,
        payment: &Bound<'_, PyAny>,
        stored: Option<&Bound<'_, PyAny>>,
        reference: &str,
        timestamp: &str,
    ) -> PyResult<Self> {
        let snapshot: PaymentSnapshot = from_py(payment, Kind::Value("payment"))?;
        let stored = fields_from_py(py, stored)?;
        Ok(StatusQuery(CoreQuery::on_payment(
            &snapshot, &stored, reference, timestamp,
        )))
    }

    /// The order id asked about.
    #[getter]
    fn order_id(&self) -> &str {
        &self.0.order_id
    }

    /// The stored transaction id (empty when none).
    #[getter]
    fn transaction_id(&self) -> &str {
        &self.0.transaction_id
    }

    /// The checkout's reference (empty when none).
    #[getter]
    fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The payment's amount, `{"minor", "currency", "value"}`.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.amount)
    }

    /// The core's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!("<hostedpay.driver.StatusQuery {}>", self.0.order_id)
    }
}

/// A `StatusQuery`, or a dict of its JSON shape.
fn query_from_py(obj: &Bound<'_, PyAny>) -> PyResult<CoreQuery> {
    match obj.cast::<StatusQuery>() {
        Ok(q) => Ok(q.get().0.clone()),
        Err(_) => from_py(obj, Kind::Value("query")),
    }
}

/// What the gateway's answer to a status query says: `found`, the `events()` in the order
/// they happened, and the `payment_fields` it leaves.
#[pyclass(module = "hostedpay.driver", name = "StatusReply", frozen)]
pub struct StatusReply(CoreReply);

#[pymethods]
impl StatusReply {
    /// Whether the gateway knows the transaction (`False` comes with no events).
    #[getter]
    fn found(&self) -> bool {
        self.0.found
    }

    /// The events for `hostedpay.transition`, in order (authentic: the host's own
    /// authenticated call). Each carries the key the gateway's notification gives the same
    /// fact, so a query and a notification apply once whichever comes first.
    fn events(&self) -> Vec<Event> {
        self.0.events.iter().map(|e| Event((**e).clone())).collect()
    }

    /// What the answer would leave on the payment (PayPal: the sale's `transaction_id`).
    #[getter]
    fn payment_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fields_to_py(py, &self.0.payment_fields)
    }

    /// What to save on the payment after `event` (one of `events()`) gave `outcome`: the
    /// payment fields when it applied a successful sale, else `{}`.
    fn fields_to_store<'py>(
        &self,
        py: Python<'py>,
        event: &Event,
        outcome: &Outcome,
    ) -> PyResult<Bound<'py, PyAny>> {
        fields_to_py(py, &self.0.payment_fields.to_store(&event.0, &outcome.0))
    }

    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.driver.StatusReply found={} events={}>",
            self.0.found,
            self.0.events.len()
        )
    }
}

/// Whether `gateway_name` answers a status query in hostedpay.
#[pyfunction]
pub fn supports_status_query(py: Python<'_>, gateway_name: &str) -> PyResult<bool> {
    Ok(driver::supports_status_query(
        driver::gateway(gateway_name).py(py)?,
    ))
}

/// The request for `query` (`{"method", "url", "headers", "body"}`): send it with a deadline,
/// then `parse_status_reply`. A gateway without a query is `unsupported` on `gateway`;
/// PayPal needs the stored `transaction_id`, Bitpay the invoice `reference`.
#[pyfunction]
pub fn status_query_request<'py>(
    py: Python<'py>,
    config: &Config,
    query: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let query = query_from_py(query)?;
    ser(py, &driver::status_query_request(&config.0, &query).py(py)?)
}

/// Reads the gateway's reply (`{"status", "body"}` or `{"error"}`) to `status_query_request`'s
/// request. Raises `GatewayError` (`gateway_error`: the gateway refused;
/// `gateway_unavailable`: no usable answer) or the field's error for a malformed answer.
#[pyfunction]
pub fn parse_status_reply(
    py: Python<'_>,
    config: &Config,
    query: &Bound<'_, PyAny>,
    reply: &Bound<'_, PyAny>,
) -> PyResult<StatusReply> {
    let query = query_from_py(query)?;
    let reply = reply_from_py(reply)?;
    Ok(StatusReply(
        driver::parse_status_reply(&config.0, &query, &reply).py(py)?,
    ))
}

/// Adds the status query's classes and functions to the `driver` submodule `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<StatusQuery>()?;
    m.add_class::<StatusReply>()?;
    m.add_function(wrap_pyfunction!(supports_status_query, m)?)?;
    m.add_function(wrap_pyfunction!(status_query_request, m)?)?;
    m.add_function(wrap_pyfunction!(parse_status_reply, m)?)?;
    Ok(())
}

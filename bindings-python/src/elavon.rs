//! `vpos.elavon`: the Santander Elavon (Realex HPP) verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use vpos_core::gateways::elavon::{self, Config, Notification, Order, RemoteOperation};
use vpos_core::{Unverified as CoreUnverified, Verified as CoreVerified};

use crate::convert::{Kind, from_py, ser};
use crate::error::{IntoPy, from_py_err};
use crate::http::{RedirectForm, reply_from_py};
use crate::state::{Event, Outcome};

/// One Santander Elavon merchant account. Building it validates the configuration
/// (`ConfigError` with `.field`). The shared secret and rebate password never appear in `repr`.
#[pyclass(module = "vpos.elavon", name = "Gateway", frozen)]
pub struct Gateway {
    config: Config,
}

#[pymethods]
impl Gateway {
    #[new]
    #[pyo3(signature = (config, *, validate = true))]
    fn new(py: Python<'_>, config: &Bound<'_, PyAny>, validate: bool) -> PyResult<Self> {
        let config: Config = from_py(config, Kind::Config)?;
        if validate {
            config.validate().py(py)?;
        }
        Ok(Gateway { config })
    }

    /// Checks every configuration value; raises `ConfigError` naming the first bad key.
    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        self.config.validate().py(py)
    }

    /// `"elavon"`.
    #[getter]
    fn name(&self) -> &'static str {
        "elavon"
    }

    /// `MERCHANT_ID`, as responses must name it.
    #[getter]
    fn merchant(&self) -> &str {
        &self.config.merchant_id
    }

    /// The HPP redirect form for `order` (`order_id`, `amount`, `timestamp` `YYYYMMDDHHMMSS`
    /// from the host's clock).
    fn checkout(&self, py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<RedirectForm> {
        let order: Order = from_py(order, Kind::Value("order"))?;
        Ok(RedirectForm(elavon::checkout(&self.config, &order).py(py)?))
    }

    /// Parses the HPP response POST. Nothing is trusted yet: `verify` it first.
    fn parse_notification(
        &self,
        py: Python<'_>,
        content_type: &str,
        body: &[u8],
    ) -> PyResult<Unverified> {
        Ok(Unverified(
            elavon::parse_notification(&self.config, content_type, body).py(py)?,
        ))
    }

    /// Checks `SHA1HASH` with the shared secret and the merchant; raises `VerificationError`
    /// (`signature_mismatch`) or `ConsistencyError` (`merchant_mismatch`).
    fn verify(&self, py: Python<'_>, notification: &Unverified) -> PyResult<Verified> {
        Ok(Verified(
            elavon::verify(&self.config, notification.0.clone()).py(py)?,
        ))
    }

    /// The Remote API request for a settle, void or rebate (the core's `RemoteOperation`).
    fn remote_request<'py>(
        &self,
        py: Python<'py>,
        operation: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op: RemoteOperation = from_py(operation, Kind::Value("operation"))?;
        ser(py, &elavon::remote_request(&self.config, &op).py(py)?)
    }

    /// Reads and verifies the Remote API reply: the event the operation means.
    fn parse_remote_response(
        &self,
        py: Python<'_>,
        operation: &Bound<'_, PyAny>,
        reply: &Bound<'_, PyAny>,
    ) -> PyResult<Event> {
        let op: RemoteOperation = from_py(operation, Kind::Value("operation"))?;
        let reply = reply_from_py(reply)?;
        let event = elavon::parse_remote_response(&self.config, &op, &reply).py(py)?;
        Ok(Event((*event).clone()))
    }

    /// The answer for an outcome (same as `vpos.elavon.acknowledge`).
    fn acknowledge<'py>(&self, py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
        acknowledge(py, outcome)
    }

    /// The answer for a `VposError` (same as `vpos.elavon.reject`).
    fn reject<'py>(
        &self,
        py: Python<'py>,
        error: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        reject(py, error)
    }

    fn __repr__(&self) -> String {
        // The core serializes the secret and the rebate password as "***".
        format!(
            "vpos.elavon.Gateway({})",
            serde_json::to_string(&self.config).unwrap_or_default()
        )
    }
}

/// A parsed HPP response whose hash is not checked. Python cannot build one.
#[pyclass(module = "vpos.elavon", name = "Unverified", frozen)]
pub struct Unverified(CoreUnverified<Notification>);

#[pymethods]
impl Unverified {
    /// The parsed fields (the core's Notification shape), untrusted.
    fn untrusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, self.0.untrusted())
    }
    /// `ORDER_ID`, untrusted.
    #[getter]
    fn order_id(&self) -> &str {
        &self.0.untrusted().order_id
    }
    /// `PASREF`, untrusted.
    #[getter]
    fn pasref(&self) -> &str {
        &self.0.untrusted().pasref
    }
    /// `RESULT`, untrusted.
    #[getter]
    fn result(&self) -> &str {
        &self.0.untrusted().result
    }
    /// The raw body exactly as received.
    #[getter]
    fn raw_body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.untrusted().raw_body())
    }
    fn __repr__(&self) -> String {
        let n = self.0.untrusted();
        format!(
            "<vpos.elavon.Unverified order_id={:?} pasref={:?} result={}>",
            n.order_id, n.pasref, n.result
        )
    }
}

/// A response whose `SHA1HASH` matched. Only `Gateway.verify` makes one.
#[pyclass(module = "vpos.elavon", name = "Verified", frozen)]
pub struct Verified(CoreVerified<Notification>);

#[pymethods]
impl Verified {
    /// The notification's fields (the core's Notification shape).
    fn notification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &*self.0)
    }
    /// The gateway-neutral event for `vpos.transition`.
    fn event(&self) -> Event {
        Event(self.0.event())
    }
    /// `ORDER_ID`.
    #[getter]
    fn order_id(&self) -> &str {
        &self.0.order_id
    }
    fn __repr__(&self) -> String {
        format!(
            "<vpos.elavon.Verified order_id={:?} pasref={:?} result={}>",
            self.0.order_id, self.0.pasref, self.0.result
        )
    }
}

/// `sha1_hex(sha1_hex(fields.join(".")) + "." + secret)`, lower-case.
#[pyfunction]
pub fn hash(fields: Vec<String>, secret: &str) -> String {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    elavon::hash(&fields, secret)
}

/// The exact HTTP answer for an outcome: `200 OK` once settled.
#[pyfunction]
pub fn acknowledge<'py>(py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &elavon::acknowledge(&outcome.0))
}

/// The exact HTTP answer for a `VposError`.
#[pyfunction]
pub fn reject<'py>(py: Python<'py>, error: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &elavon::reject(&from_py_err(error)?))
}

//! `vpos.ceca`: the CECA (Cecabank TPV virtual) verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use vpos_core::gateways::ceca::{self, Config, Notification, Order};
use vpos_core::{Unverified as CoreUnverified, Verified as CoreVerified};

use crate::convert::{Kind, from_py, ser};
use crate::error::{IntoPy, from_py_err};
use crate::http::RedirectForm;
use crate::state::{Event, Outcome};

/// One CECA terminal. Building it validates the configuration (`ConfigError` with `.field`).
/// The encryption key never appears in `repr`.
#[pyclass(module = "vpos.ceca", name = "Gateway", frozen)]
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

    /// `"ceca"`.
    #[getter]
    fn name(&self) -> &'static str {
        "ceca"
    }

    /// `MerchantID`, as notifications must name it.
    #[getter]
    fn merchant(&self) -> &str {
        &self.config.merchant_id
    }

    /// The signed redirect form for `order` (the core's `Order` shape).
    fn checkout(&self, py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<RedirectForm> {
        let order: Order = from_py(order, Kind::Value("order"))?;
        Ok(RedirectForm(ceca::checkout(&self.config, &order).py(py)?))
    }

    /// Parses a notification from the request's `Content-Type` and raw body. Nothing is
    /// trusted yet: `verify` it first.
    fn parse_notification(
        &self,
        py: Python<'_>,
        content_type: &str,
        body: &[u8],
    ) -> PyResult<Unverified> {
        Ok(Unverified(
            ceca::parse_notification(&self.config, content_type, body).py(py)?,
        ))
    }

    /// Checks `Firma` with the key and that the notification is for this terminal; raises
    /// `VerificationError` (`signature_mismatch`) or `ConsistencyError` (`merchant_mismatch`).
    fn verify(&self, py: Python<'_>, notification: &Unverified) -> PyResult<Verified> {
        Ok(Verified(
            ceca::verify(&self.config, notification.0.clone()).py(py)?,
        ))
    }

    /// The answer to CECA for an outcome (same as `vpos.ceca.acknowledge`).
    fn acknowledge<'py>(&self, py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
        acknowledge(py, outcome)
    }

    /// The answer to CECA for a `VposError` (same as `vpos.ceca.reject`).
    fn reject<'py>(
        &self,
        py: Python<'py>,
        error: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        reject(py, error)
    }

    fn __repr__(&self) -> String {
        // The core serializes the key as "***".
        format!(
            "vpos.ceca.Gateway({})",
            serde_json::to_string(&self.config).unwrap_or_default()
        )
    }
}

/// A parsed notification whose signature is not checked. Python cannot build one.
#[pyclass(module = "vpos.ceca", name = "Unverified", frozen)]
pub struct Unverified(CoreUnverified<Notification>);

#[pymethods]
impl Unverified {
    /// The parsed fields (the core's Notification shape), untrusted.
    fn untrusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, self.0.untrusted())
    }
    /// `Num_operacion` (the shop's order), untrusted.
    #[getter]
    fn operation(&self) -> &str {
        &self.0.untrusted().operation
    }
    /// `Referencia`, untrusted.
    #[getter]
    fn reference(&self) -> &str {
        &self.0.untrusted().reference
    }
    /// `MerchantID`, untrusted.
    #[getter]
    fn merchant_id(&self) -> &str {
        &self.0.untrusted().merchant_id
    }
    /// The raw body exactly as received.
    #[getter]
    fn raw_body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.untrusted().raw_body())
    }
    fn __repr__(&self) -> String {
        let n = self.0.untrusted();
        format!(
            "<vpos.ceca.Unverified operation={:?} reference={:?}>",
            n.operation, n.reference
        )
    }
}

/// A notification whose `Firma` matched. Only `Gateway.verify` makes one.
#[pyclass(module = "vpos.ceca", name = "Verified", frozen)]
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
    /// `Num_operacion`.
    #[getter]
    fn operation(&self) -> &str {
        &self.0.operation
    }
    fn __repr__(&self) -> String {
        format!(
            "<vpos.ceca.Verified operation={:?} reference={:?}>",
            self.0.operation, self.0.reference
        )
    }
}

/// `200 $*$OKY$*$` when settled; otherwise `200` empty (CECA cancels).
#[pyfunction]
pub fn acknowledge<'py>(py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &ceca::acknowledge(&outcome.0))
}

/// The answer for a `VposError`: never `$*$OKY$*$`.
#[pyfunction]
pub fn reject<'py>(py: Python<'py>, error: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &ceca::reject(&from_py_err(error)?))
}

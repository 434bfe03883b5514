//! `vpos.paypal`: the PayPal Website Payments Standard (IPN) verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use vpos_core::gateways::paypal::{self, Config, Notification, Order};
use vpos_core::{Unverified as CoreUnverified, Verified as CoreVerified};

use crate::convert::{Kind, from_py, ser};
use crate::error::{IntoPy, from_py_err};
use crate::http::{RedirectForm, reply_from_py};
use crate::state::{Event, Outcome};

/// One PayPal business account. Building it validates the configuration (`ConfigError` with
/// `.field`). NVP credentials never appear in `repr`.
#[pyclass(module = "vpos.paypal", name = "Gateway", frozen)]
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

    /// `"paypal"`.
    #[getter]
    fn name(&self) -> &'static str {
        "paypal"
    }

    /// The business account (`business`), as IPNs must name it.
    #[getter]
    fn merchant(&self) -> &str {
        &self.config.business
    }

    /// The `_xclick` redirect form for `order` (the core's `Order` shape).
    fn checkout(&self, py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<RedirectForm> {
        let order: Order = from_py(order, Kind::Value("order"))?;
        Ok(RedirectForm(paypal::checkout(&self.config, &order).py(py)?))
    }

    /// Parses an IPN from the request's `Content-Type` and raw body. Nothing is trusted yet.
    fn parse_notification(
        &self,
        py: Python<'_>,
        content_type: &str,
        body: &[u8],
    ) -> PyResult<Unverified> {
        Ok(Unverified(
            paypal::parse_notification(&self.config, content_type, body).py(py)?,
        ))
    }

    /// The post-back to perform: `{"method", "url", "headers": [[n, v]], "body": str}`.
    fn postback_request<'py>(
        &self,
        py: Python<'py>,
        notification: &Unverified,
    ) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &paypal::postback_request(&self.config, &notification.0))
    }

    /// Interprets the post-back reply (`{"status": int, "body": bytes|str}` or `{"error": str}`).
    /// Raises `VerificationError` (`postback_invalid`, `postback_failed`) or
    /// `ConsistencyError` (`merchant_mismatch`).
    fn verify_postback(
        &self,
        py: Python<'_>,
        notification: &Unverified,
        reply: &Bound<'_, PyAny>,
    ) -> PyResult<Verified> {
        let reply = reply_from_py(reply)?;
        let verified =
            paypal::verify_postback(&self.config, notification.0.clone(), &reply).py(py)?;
        Ok(Verified(verified))
    }

    /// The answer to PayPal for an outcome (same as `vpos.paypal.acknowledge`).
    fn acknowledge<'py>(&self, py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
        acknowledge(py, outcome)
    }

    /// The answer to PayPal for a `VposError` (same as `vpos.paypal.reject`).
    fn reject<'py>(
        &self,
        py: Python<'py>,
        error: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        reject(py, error)
    }

    fn __repr__(&self) -> String {
        let nvp = if self.config.nvp.is_some() {
            ", nvp=***"
        } else {
            ""
        };
        format!(
            "vpos.paypal.Gateway(business={:?}, checkout_url={:?}, ipn_url={:?}{nvp})",
            self.config.business, self.config.checkout_url, self.config.ipn_url
        )
    }
}

/// A parsed IPN whose authenticity is not proven. Python cannot build one.
#[pyclass(module = "vpos.paypal", name = "Unverified", frozen)]
pub struct Unverified(CoreUnverified<Notification>);

#[pymethods]
impl Unverified {
    /// The parsed fields (the core's Notification shape), untrusted.
    fn untrusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, self.0.untrusted())
    }
    /// `invoice` (else `custom`), untrusted; `""` when absent.
    #[getter]
    fn order_id(&self) -> &str {
        self.0.untrusted().order_id.as_deref().unwrap_or("")
    }
    /// `txn_id`, untrusted.
    #[getter]
    fn txn_id(&self) -> &str {
        &self.0.untrusted().txn_id
    }
    /// `payment_status`, untrusted.
    #[getter]
    fn payment_status(&self) -> &str {
        &self.0.untrusted().payment_status
    }
    /// The raw body exactly as received.
    #[getter]
    fn raw_body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.untrusted().raw_body())
    }
    fn __repr__(&self) -> String {
        let n = self.0.untrusted();
        format!(
            "<vpos.paypal.Unverified order_id={:?} txn_id={:?} status={}>",
            n.order_id, n.txn_id, n.payment_status
        )
    }
}

/// An IPN PayPal confirmed it sent. Only `Gateway.verify_postback` makes one.
#[pyclass(module = "vpos.paypal", name = "Verified", frozen)]
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
    /// `invoice` (else `custom`); `""` when absent.
    #[getter]
    fn order_id(&self) -> &str {
        self.0.order_id.as_deref().unwrap_or("")
    }
    fn __repr__(&self) -> String {
        format!(
            "<vpos.paypal.Verified order_id={:?} txn_id={:?} status={}>",
            self.0.order_id, self.0.txn_id, self.0.payment_status
        )
    }
}

/// The exact HTTP answer for an outcome: `200` only once settled.
#[pyfunction]
pub fn acknowledge<'py>(py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &paypal::acknowledge(&outcome.0))
}

/// The exact HTTP answer for a `VposError`: never `200`, so PayPal sends the IPN again.
#[pyfunction]
pub fn reject<'py>(py: Python<'py>, error: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &paypal::reject(&from_py_err(error)?))
}

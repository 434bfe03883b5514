//! `vpos.bitpay`: the Bitpay invoice verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use vpos_core::gateways::bitpay::{
    self, Config, Invoice as CoreInvoice, InvoiceRequest, Notification,
};
use vpos_core::{Unverified as CoreUnverified, Verified as CoreVerified};

use crate::convert::{Kind, from_py, ser};
use crate::error::{IntoPy, from_py_err};
use crate::http::{RedirectForm, reply_from_py};
use crate::state::{Event, Outcome};

/// One Bitpay merchant. Building it validates the configuration (`ConfigError` with
/// `.field`). The API key never appears in `repr`.
#[pyclass(module = "vpos.bitpay", name = "Gateway", frozen)]
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

    /// `"bitpay"`.
    #[getter]
    fn name(&self) -> &'static str {
        "bitpay"
    }

    /// `""`: Bitpay events name no merchant.
    #[getter]
    fn merchant(&self) -> &'static str {
        ""
    }

    /// The invoice creation request for `request` (the core's `InvoiceRequest` shape).
    fn invoice_request<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request: InvoiceRequest = from_py(request, Kind::Value("request"))?;
        ser(py, &bitpay::invoice_request(&self.config, &request).py(py)?)
    }

    /// Reads Bitpay's reply to the creation request; raises `GatewayError`
    /// (`gateway_unavailable`) or `ParseError`.
    fn parse_invoice_response(
        &self,
        py: Python<'_>,
        reply: &Bound<'_, PyAny>,
    ) -> PyResult<Invoice> {
        let reply = reply_from_py(reply)?;
        Ok(Invoice(bitpay::parse_invoice_response(&reply).py(py)?))
    }

    /// The buyer redirect for an invoice (`GET <invoice_url>?id=<id>`).
    fn checkout_form(&self, invoice: &Invoice) -> RedirectForm {
        RedirectForm(bitpay::checkout_form(&self.config, &invoice.0))
    }

    /// Parses a notification (JSON). Unsigned: only the invoice fetch can prove it.
    fn parse_notification(
        &self,
        py: Python<'_>,
        content_type: &str,
        body: &[u8],
    ) -> PyResult<Unverified> {
        Ok(Unverified(
            bitpay::parse_notification(&self.config, content_type, body).py(py)?,
        ))
    }

    /// The fetch of the notified invoice: `{"method": "GET", "url", "headers", "body"}`.
    fn invoice_status_request<'py>(
        &self,
        py: Python<'py>,
        notification: &Unverified,
    ) -> PyResult<Bound<'py, PyAny>> {
        ser(
            py,
            &bitpay::invoice_status_request(&self.config, &notification.0),
        )
    }

    /// Verifies the notification with the fetched invoice (`{"status", "body"}` or
    /// `{"error"}`): status, price and order come from Bitpay's answer.
    fn verify_invoice(
        &self,
        py: Python<'_>,
        notification: &Unverified,
        reply: &Bound<'_, PyAny>,
    ) -> PyResult<Verified> {
        let reply = reply_from_py(reply)?;
        Ok(Verified(
            bitpay::verify_invoice(notification.0.clone(), &reply).py(py)?,
        ))
    }

    /// The answer for an outcome (same as `vpos.bitpay.acknowledge`).
    fn acknowledge<'py>(&self, py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
        acknowledge(py, outcome)
    }

    /// The answer for a `VposError` (same as `vpos.bitpay.reject`).
    fn reject<'py>(
        &self,
        py: Python<'py>,
        error: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        reject(py, error)
    }

    fn __repr__(&self) -> String {
        // The core serializes the API key as "***".
        format!(
            "vpos.bitpay.Gateway({})",
            serde_json::to_string(&self.config).unwrap_or_default()
        )
    }
}

/// An invoice as Bitpay described it. Only `Gateway.parse_invoice_response` makes one.
#[pyclass(module = "vpos.bitpay", name = "Invoice", frozen)]
pub struct Invoice(CoreInvoice);

#[pymethods]
impl Invoice {
    /// The core's Invoice shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }
    /// `id`.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// `status`.
    #[getter]
    fn status(&self) -> &str {
        &self.0.status
    }
    /// `url`: the buyer page.
    #[getter]
    fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    fn __repr__(&self) -> String {
        format!(
            "<vpos.bitpay.Invoice id={:?} status={}>",
            self.0.id, self.0.status
        )
    }
}

/// A parsed notification, not yet confirmed by a fetch. Python cannot build one.
#[pyclass(module = "vpos.bitpay", name = "Unverified", frozen)]
pub struct Unverified(CoreUnverified<Notification>);

#[pymethods]
impl Unverified {
    /// The parsed notification (the core's Notification shape), untrusted.
    fn untrusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, self.0.untrusted())
    }
    /// The claimed invoice `id`, untrusted.
    #[getter]
    fn invoice_id(&self) -> &str {
        &self.0.untrusted().claimed.id
    }
    /// The claimed `orderId`, untrusted; `""` when absent.
    #[getter]
    fn order_id(&self) -> &str {
        self.0.untrusted().claimed.order_id.as_deref().unwrap_or("")
    }
    /// The claimed `status`, untrusted.
    #[getter]
    fn status(&self) -> &str {
        &self.0.untrusted().claimed.status
    }
    /// The raw body exactly as received.
    #[getter]
    fn raw_body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.untrusted().raw_body())
    }
    fn __repr__(&self) -> String {
        let n = &self.0.untrusted().claimed;
        format!(
            "<vpos.bitpay.Unverified invoice_id={:?} status={}>",
            n.id, n.status
        )
    }
}

/// A notification confirmed by Bitpay's own answer. Only `Gateway.verify_invoice` makes one.
#[pyclass(module = "vpos.bitpay", name = "Verified", frozen)]
pub struct Verified(CoreVerified<Notification>);

#[pymethods]
impl Verified {
    /// The notification with the fetched invoice (the core's Notification shape).
    fn notification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &*self.0)
    }
    /// The gateway-neutral event for `vpos.transition`, from the fetched invoice.
    fn event(&self) -> Event {
        Event(self.0.event())
    }
    fn __repr__(&self) -> String {
        format!("<vpos.bitpay.Verified invoice_id={:?}>", self.0.claimed.id)
    }
}

/// Maps an invoice status: `"pending"`, `"succeeded"`, … `"unknown"`.
#[pyfunction]
pub fn map_status(status: &str) -> &'static str {
    bitpay::map_status(status).as_str()
}

/// The exact HTTP answer for an outcome: `200 OK` once settled.
#[pyfunction]
pub fn acknowledge<'py>(py: Python<'py>, outcome: &Outcome) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &bitpay::acknowledge(&outcome.0))
}

/// The exact HTTP answer for a `VposError`.
#[pyfunction]
pub fn reject<'py>(py: Python<'py>, error: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    ser(py, &bitpay::reject(&from_py_err(error)?))
}

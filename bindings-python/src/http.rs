//! `hostedpay.http` shapes: `RedirectForm` (what the customer's browser posts) and the host's
//! `Reply` to a request the core described.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use vpos_core::{RedirectForm as CoreForm, Reply};

use crate::convert::ser;

/// The form that sends the customer to the gateway's payment page. Render it with
/// `to_html()` (every value escaped by the core); Django templates can output it directly
/// (`__html__`).
#[pyclass(module = "hostedpay.http", name = "RedirectForm", frozen)]
pub struct RedirectForm(pub CoreForm);

#[pymethods]
impl RedirectForm {
    /// Where the form is submitted.
    #[getter]
    fn action(&self) -> &str {
        &self.0.action
    }
    /// `"POST"` or `"GET"`.
    #[getter]
    fn method(&self) -> &'static str {
        self.0.method.as_str()
    }
    /// Hidden fields, in the gateway's documented order.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        // Straight from the borrowed strings: a cloned Vec would copy the signed parameters
        // (most of a Redsys form) only to copy them again into Python strings.
        PyList::new(
            py,
            self.0.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }
    /// The form as HTML; with `auto_submit`, a script submits it on load (a `<noscript>`
    /// button remains). The script is inline: a strict CSP must allow it.
    #[pyo3(signature = (auto_submit = false))]
    fn to_html(&self, auto_submit: bool) -> String {
        self.0.to_html(auto_submit)
    }
    /// Django and Jinja treat objects with `__html__` as already-escaped markup.
    fn __html__(&self) -> String {
        self.0.to_html(false)
    }
    /// The core's JSON shape: `{"action", "method", "fields": [[name, value], …]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.http.RedirectForm {} {} ({} fields)>",
            self.0.method.as_str(),
            self.0.action,
            self.0.fields.len()
        )
    }
}

/// Reads the host's reply: `{"status": int, "body": bytes | str}` or `{"error": str}`.
pub fn reply_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Reply> {
    let py = obj.py();
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("reply: expected a dict {status, body} or {error}"))?;
    // Looked up by interned keys; only a dict holding something else is walked, to name it.
    let status = dict.get_item(intern!(py, "status"))?;
    let body = dict.get_item(intern!(py, "body"))?;
    let error = dict.get_item(intern!(py, "error"))?;
    let known = [&status, &body, &error]
        .iter()
        .filter(|v| v.is_some())
        .count();
    if known != dict.len() {
        for key in dict.keys() {
            let key: String = key.extract()?;
            if !matches!(key.as_str(), "status" | "body" | "error") {
                return Err(PyValueError::new_err(format!("reply: unknown key {key:?}")));
            }
        }
    }
    if let Some(error) = error {
        if dict.len() != 1 {
            return Err(PyValueError::new_err(
                "reply: give either {status, body} or {error}, not both",
            ));
        }
        return Ok(Reply::Failed {
            error: error.extract::<String>()?,
        });
    }
    let status = status
        .ok_or_else(|| PyValueError::new_err("reply: status is required"))?
        .extract::<u16>()
        .map_err(|_| PyValueError::new_err("reply: status must be an int 0..65535"))?;
    let body = match body {
        None => Vec::new(),
        Some(b) => {
            if let Ok(b) = b.cast::<PyBytes>() {
                b.as_bytes().to_vec()
            } else if let Ok(s) = b.cast::<PyString>() {
                s.to_cow()?.as_bytes().to_vec()
            } else {
                return Err(PyTypeError::new_err("reply: body must be bytes or str"));
            }
        }
    };
    Ok(Reply::Response { status, body })
}

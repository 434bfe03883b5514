//! `hostedpay._hostedpay.testing`: the core's test helpers (`vpos_core::testing`), the gateway's side
//! of a notification for a merchant's own tests. Only extracts, calls and converts; the
//! Python package `hostedpay.testing` builds the fake HTTP client and the pytest plugin on it.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde_json::Value;
use vpos_core::testing::{self, Mode, Payment, Proof};
use vpos_core::{HttpRequest, Method, Reply};

use crate::convert::{Kind, from_json, from_py, ser};
use crate::driver::Config;
use crate::error::IntoPy;

/// The notification `config`'s gateway would send about `payment` (`{"order_id", "amount",
/// "status"?, "transaction_id"?}`): `{"content_type", "body", "token"?, "proof"?}`.
#[pyfunction]
pub fn notification<'py>(
    py: Python<'py>,
    config: &Config,
    payment: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let payment: Payment = from_py(payment, Kind::Value("payment"))?;
    let built = testing::notification(&config.0, &payment).py(py)?;
    ser(py, &built)
}

/// The reply the gateway gives to `proof`'s request in `mode` (`verified`, `invalid`,
/// `timeout`, `server_error`), in the shape an HTTP client returns: `{"status", "body"}` or
/// `{"error"}`.
#[pyfunction]
pub fn reply<'py>(
    py: Python<'py>,
    proof: &Bound<'py, PyAny>,
    mode: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let proof: Proof = from_py(proof, Kind::Value("proof"))?;
    reply_to_py(py, &testing::reply(&proof, read_mode(py, mode)?))
}

/// The reply `config`'s gateway gives to the operation `request` (the core's `HttpRequest`
/// shape, as `hostedpay.driver.operation_request` returns it) in `mode`: Redsys REST and Elavon
/// Remote; `UnsupportedError` for anything else.
#[pyfunction]
pub fn operation_reply<'py>(
    py: Python<'py>,
    config: &Config,
    request: &Bound<'py, PyDict>,
    mode: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let text = |key: &str| -> PyResult<String> {
        match request.get_item(key)? {
            None => Ok(String::new()),
            Some(v) => v
                .extract::<String>()
                .map_err(|_| PyTypeError::new_err(format!("request: {key} must be a str"))),
        }
    };
    let method = match text("method")?.as_str() {
        "GET" => Method::Get,
        _ => Method::Post,
    };
    let request = HttpRequest {
        method,
        url: text("url")?,
        headers: Vec::new(),
        body: text("body")?,
    };
    let reply = testing::operation_reply(&config.0, &request, read_mode(py, mode)?).py(py)?;
    reply_to_py(py, &reply)
}

fn read_mode(py: Python<'_>, mode: &str) -> PyResult<Mode> {
    from_json(py, &Value::String(mode.to_string()), Kind::Value("mode"))
}

/// A reply in the shape an HTTP client returns (`hostedpay.http.send`'s).
fn reply_to_py<'py>(py: Python<'py>, reply: &Reply) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    match reply {
        Reply::Response { status, body } => {
            out.set_item("status", status)?;
            out.set_item("body", PyBytes::new(py, body))?;
        }
        Reply::Failed { error } => out.set_item("error", error)?,
    }
    Ok(out)
}

/// Registers `testing` under `parent`.
pub fn register(py: Python<'_>, parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let m = PyModule::new(py, "testing")?;
    m.add_function(wrap_pyfunction!(notification, &m)?)?;
    m.add_function(wrap_pyfunction!(reply, &m)?)?;
    m.add_function(wrap_pyfunction!(operation_reply, &m)?)?;
    parent.add_submodule(&m)
}

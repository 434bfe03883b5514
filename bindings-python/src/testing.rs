//! `vpos._vpos.testing`: the core's test helpers (`vpos_core::testing`), the gateway's side
//! of a notification for a merchant's own tests. Only extracts, calls and converts; the
//! Python package `vpos.testing` builds the fake HTTP client and the pytest plugin on it.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde_json::Value;
use vpos_core::Reply;
use vpos_core::testing::{self, Mode, Payment, Proof};

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
    let mode: Mode = from_json(py, &Value::String(mode.to_string()), Kind::Value("mode"))?;
    let out = PyDict::new(py);
    match testing::reply(&proof, mode) {
        Reply::Response { status, body } => {
            out.set_item("status", status)?;
            out.set_item("body", PyBytes::new(py, &body))?;
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
    parent.add_submodule(&m)
}

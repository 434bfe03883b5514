//! `hostedpay.account`: merchant-account rules from `vpos_core::account` (environment endpoints,
//! capability checks, and a configuration check naming every bad field).

use pyo3::prelude::*;
use vpos_core::account::{self, Capabilities, Environment};

use crate::convert::to_json;
use crate::error::{IntoPy, to_py_err};

/// Every problem with `config` as `gateway`'s configuration, as `VposError`s (one per bad
/// field, `ConfigError` with `.field`); empty when the gateway accepts it. Raises `TypeError`
/// for a value that is not JSON-shaped (floats included).
#[pyfunction]
pub fn config_errors(
    py: Python<'_>,
    gateway: &str,
    config: &Bound<'_, PyAny>,
) -> PyResult<Vec<Py<PyAny>>> {
    // A value that is not JSON-shaped (a float, a set) raises, as everywhere in vpos.
    let value = to_json(config, "")?;
    Ok(account::config_errors(gateway, &value)
        .iter()
        .map(|e| to_py_err(py, e).into_value(py).into_any())
        .collect())
}

/// The gateway's published endpoints for `environment` (`"testing"`/`"production"`), as
/// `{config key: url}`.
#[pyfunction]
pub fn endpoints(
    py: Python<'_>,
    gateway: &str,
    environment: &str,
) -> PyResult<Vec<(&'static str, &'static str)>> {
    Ok(Environment::from_code(environment)
        .py(py)?
        .endpoints(gateway))
}

/// Raises `UnsupportedError` (field `amount`) when an account with these flags may not
/// refund `amount_minor` of a payment captured for `captured_minor`.
#[pyfunction]
#[pyo3(signature = (amount_minor, captured_minor, *, partial_refunds = true, total_refunds = true))]
pub fn check_refund(
    py: Python<'_>,
    amount_minor: i64,
    captured_minor: i64,
    partial_refunds: bool,
    total_refunds: bool,
) -> PyResult<()> {
    let caps = Capabilities {
        partial_refunds,
        total_refunds,
        ..Capabilities::default()
    };
    caps.check_refund(amount_minor, captured_minor).py(py)
}

/// Raises `UnsupportedError` (field `transaction_type`) when pre-authorisation is off.
#[pyfunction]
#[pyo3(signature = (*, preauthorisation))]
pub fn check_preauthorisation(py: Python<'_>, preauthorisation: bool) -> PyResult<()> {
    let caps = Capabilities {
        preauthorisation,
        ..Capabilities::default()
    };
    caps.check_preauthorisation().py(py)
}

/// The environments, `["testing", "production"]`.
pub fn environments() -> Vec<&'static str> {
    vec![
        Environment::Testing.as_str(),
        Environment::Production.as_str(),
    ]
}

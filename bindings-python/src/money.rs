//! `hostedpay.money`: exact amounts and the ISO 4217 table.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;
use vpos_core::{Amount, Currency};

use crate::convert::{ser, to_json};
use crate::error::IntoPy;

fn currency_dict<'py>(py: Python<'py>, c: Currency) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", c.code())?;
    d.set_item("numeric", c.numeric())?;
    d.set_item("exponent", c.exponent())?;
    d.set_item("name", c.name())?;
    Ok(d)
}

/// Parses an exact decimal (`str` or `decimal.Decimal`) in `currency` into
/// `{"minor": int, "currency": str, "value": str}`. Floats raise `TypeError`.
#[pyfunction]
pub fn parse<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    currency: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let text = match to_json(value, "value")? {
        Value::String(s) => s,
        // An int is exact too: 23 EUR is "23".
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "value: expected str, int or decimal.Decimal",
            ));
        }
    };
    let currency = Currency::from_code(currency).py(py)?;
    ser(py, &Amount::parse(&text, currency).py(py)?)
}

/// Builds an amount from integer minor units.
#[pyfunction]
pub fn from_minor<'py>(py: Python<'py>, minor: i64, currency: &str) -> PyResult<Bound<'py, PyAny>> {
    let currency = Currency::from_code(currency).py(py)?;
    ser(py, &Amount::from_minor(minor, currency).py(py)?)
}

/// An ISO 4217 currency by alphabetic code: `{"code", "numeric", "exponent", "name"}`.
#[pyfunction]
pub fn currency<'py>(py: Python<'py>, code: &str) -> PyResult<Bound<'py, PyDict>> {
    currency_dict(py, Currency::from_code(code).py(py)?)
}

/// An ISO 4217 currency by numeric code.
#[pyfunction]
pub fn currency_by_numeric<'py>(py: Python<'py>, numeric: u16) -> PyResult<Bound<'py, PyDict>> {
    currency_dict(py, Currency::from_numeric(numeric).py(py)?)
}

/// Every currency in the table, sorted by code.
#[pyfunction]
pub fn currencies(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    Currency::all().map(|c| currency_dict(py, c)).collect()
}

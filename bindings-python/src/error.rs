//! Core errors become `hostedpay.VposError` subclasses (defined in Python, `hostedpay/errors.py`), and
//! back: `flocash.reject` takes a `VposError` and asks the core for the answer.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use vpos_core::{Error, ErrorCode};

static FROM_CORE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The Python exception for a core error: `hostedpay.errors` picks the subclass from the code.
pub fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let from_core = FROM_CORE.import(py, "hostedpay.errors", "_from_core")?;
        let exc = from_core.call1((err.code().as_str(), err.message(), err.field()))?;
        Ok(PyErr::from_value(exc))
    };
    // Only a broken installation lands here; still keep the code in the message.
    make().unwrap_or_else(|e| {
        PyValueError::new_err(format!("{}: {} ({e})", err.code().as_str(), err.message()))
    })
}

/// Extension so `?` turns core results into Python exceptions.
pub trait IntoPy<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, &e))
    }
}

/// Rebuilds a core error from a `VposError` (or anything with `code`, `message`, `field`).
pub fn from_py_err(obj: &Bound<'_, PyAny>) -> PyResult<Error> {
    let code: String = obj.getattr("code").and_then(|c| c.extract()).map_err(|_| {
        PyTypeError::new_err("expected a hostedpay.VposError (with .code, .message, .field)")
    })?;
    let code = ErrorCode::from_code(&code)
        .ok_or_else(|| PyValueError::new_err(format!("{code:?} is not a vpos error code")))?;
    let message: String = obj.getattr("message")?.extract()?;
    let field: Option<String> = obj.getattr("field")?.extract()?;
    let err = Error::new(code, message);
    Ok(match field {
        Some(f) => err.with_field(f),
        None => err,
    })
}

/// Every stable error code, in catalogue order.
#[pyfunction]
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

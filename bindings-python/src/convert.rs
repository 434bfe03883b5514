//! Python values <-> the core's serde JSON shapes.
//!
//! Dicts crossing into the core are turned into `serde_json::Value` here (the value bridge)
//! and read by `vpos_core::json::from_value`, the one host-JSON conversion every binding
//! shares: a dict's shape is exactly the core's JSON shape (docs/conformance.md), and the
//! error's code, `field` (dotted path) and redaction are the core's, not this binding's. Floats are refused with a `TypeError` naming the field: money is
//! `decimal.Decimal`, an exact string or integer minor units, never binary floating point.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use vpos_core::{Error, ErrorCode};

use crate::error::to_py_err;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Where a value sits in what the caller passed (`order.amount.currency`). Only an error
/// message needs the dotted text, so it is built then and never for a value that converts:
/// formatting it per key cost an allocation for every field of every dict.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn dotted(&self) -> String {
        match self {
            Path::Root(root) => root.to_string(),
            Path::Key(parent, key) => join(parent.dotted(), key),
            Path::Index(parent, i) => join(parent.dotted(), &i.to_string()),
        }
    }

    /// The path as messages show it: `value` for the top level.
    fn shown(&self) -> String {
        let path = self.dotted();
        if path.is_empty() {
            "value".to_string()
        } else {
            path
        }
    }
}

fn join(mut path: String, key: &str) -> String {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
    path
}

/// Converts a Python value into JSON for the core. `path` names it in errors.
pub fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    to_json_at(obj, &Path::Root(path))
}

fn to_json_at(obj: &Bound<'_, PyAny>, path: &Path<'_>) -> PyResult<Value> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    // bool is a subclass of int: test it first.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyOverflowError::new_err(format!(
            "{}: integer does not fit in 64 bits",
            path.shown()
        )));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{}: float is not accepted (binary floating point cannot hold money exactly); \
             pass a decimal.Decimal, an exact string or integer minor units",
            path.shown()
        )));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "{}: dict keys must be str, not {}",
                    path.shown(),
                    k.get_type().name()?
                )));
            };
            let key = key.to_cow()?.into_owned();
            let value = to_json_at(&v, &Path::Key(path, &key))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(to_json_at(&item?, &Path::Index(path, i))?);
        }
        return Ok(Value::Array(items));
    }
    let decimal = DECIMAL.import(py, "decimal", "Decimal")?;
    if obj.is_instance(decimal)? {
        // Fixed-point notation, never exponent notation: Decimal("1E+2") is "100". NaN and
        // infinities come out as words the core refuses as amount syntax.
        let text = obj.call_method1("__format__", ("f",))?;
        return Ok(Value::String(text.extract::<String>()?));
    }
    Err(PyTypeError::new_err(format!(
        "{}: {} is not accepted here (use str, int, bool, None, decimal.Decimal, dict or list)",
        path.shown(),
        obj.get_type().name()?
    )))
}

/// Converts the core's JSON into Python: dicts, lists, str, int, bool, None.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)
            } else {
                // The core never emits a non-integer number; if one ever appeared it would
                // cross as its exact text rather than as a float.
                n.to_string().into_bound_py_any(py)
            }
        }
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            Ok(list.into_any())
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            Ok(dict.into_any())
        }
    }
}

/// Serializes a core value and converts it to Python.
pub fn ser<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value)
        .map_err(|e| to_py_err(py, &Error::new(ErrorCode::FieldInvalid, e.to_string())))?;
    to_py(py, &json)
}

/// What is being deserialized: decides the code of a shape problem.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A gateway configuration: every shape problem is `invalid_config`, and no value is
    /// quoted in a message.
    Config,
    /// Anything else (order, payment snapshot, operation): `field_missing` / `field_invalid`.
    /// The name is for the reader only; the core's `field` is the path.
    #[allow(dead_code)]
    Value(&'static str),
}

/// Deserializes a Python value into a core type: the value bridge (`to_json`), then the
/// core's one conversion, `vpos_core::json::from_value`, which decides the code, the `field`
/// (dotted path) and what a message may quote.
pub fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, kind: Kind) -> PyResult<T> {
    let value = to_json(obj, "")?;
    from_json(obj.py(), &value, kind)
}

/// [`from_py`] for a value already bridged to JSON.
pub fn from_json<T: DeserializeOwned>(py: Python<'_>, value: &Value, kind: Kind) -> PyResult<T> {
    // A value of the right shape deserializes the same with or without the path tracking the
    // core's conversion adds; the tracking only shapes the error, and costs a third of a
    // checkout's conversion. So the plain pass goes first and a failure is read again by the
    // core, which names the code, the field and what a message may quote.
    if let Ok(parsed) = T::deserialize(value) {
        return Ok(parsed);
    }
    let fallback = match kind {
        Kind::Config => ErrorCode::InvalidConfig,
        Kind::Value(_) => ErrorCode::FieldInvalid,
    };
    vpos_core::json::from_value(value, fallback).map_err(|e| to_py_err(py, &e))
}

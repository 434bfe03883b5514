//! Python values <-> the core's serde JSON shapes.
//!
//! Dicts crossing into the core are turned into `serde_json::Value` here and deserialized by
//! the core's own types, so a dict's shape is exactly the core's JSON shape
//! (docs/conformance.md). Floats are refused with a `TypeError` naming the field: money is
//! `decimal.Decimal`, an exact string or integer minor units, never binary floating point.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use vpos_core::{Amount, Currency, Error, ErrorCode};

use crate::error::to_py_err;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "value" } else { path }
}

/// Converts a Python value into JSON for the core. `path` names it in errors.
pub fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
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
            shown(path)
        )));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{}: float is not accepted (binary floating point cannot hold money exactly); \
             pass a decimal.Decimal, an exact string or integer minor units",
            shown(path)
        )));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "{}: dict keys must be str, not {}",
                    shown(path),
                    k.get_type().name()?
                )));
            };
            let key = key.to_cow()?.into_owned();
            let value = to_json(&v, &child(path, &key))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(to_json(&item?, &child(path, &i.to_string()))?);
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
        shown(path),
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

/// What is being deserialized: decides the error code and the message prefix.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A gateway configuration: every failure is `invalid_config`.
    Config,
    /// Anything else (order, payment snapshot): `field_missing` / `field_invalid`.
    Value(&'static str),
}

/// Deserializes a Python value into a core type, reporting failures as core errors that name
/// the field (dotted path). Amount failures keep their own code (`amount_precision`,
/// `unknown_currency` …): the amount is rebuilt by the core to find out which.
pub fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, kind: Kind) -> PyResult<T> {
    let value = to_json(obj, "")?;
    from_json(obj.py(), &value, kind)
}

pub fn from_json<T: DeserializeOwned>(py: Python<'_>, value: &Value, kind: Kind) -> PyResult<T> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map_err(|e| to_py_err(py, &describe(value, e.path(), &e.inner().to_string(), kind)))
}

fn describe(root: &Value, path: &serde_path_to_error::Path, serde_msg: &str, kind: Kind) -> Error {
    let segments: Vec<String> = path
        .iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    // An amount somewhere on the path: let the core say what is wrong with it.
    let mut at = root;
    for (i, seg) in segments.iter().enumerate() {
        at = match at {
            Value::Object(m) => match m.get(seg) {
                Some(v) => v,
                None => break,
            },
            Value::Array(a) => match seg.parse::<usize>().ok().and_then(|n| a.get(n)) {
                Some(v) => v,
                None => break,
            },
            _ => break,
        };
        if let Some(err) = amount_error(at) {
            return err.with_field(segments[..=i].join("."));
        }
    }
    let mut field = segments.join(".");
    let (code, what) = match kind {
        Kind::Config => (ErrorCode::InvalidConfig, "configuration"),
        Kind::Value(what) => (ErrorCode::FieldInvalid, what),
    };
    // serde says "missing field `x`" at the parent's path.
    if let Some(name) = serde_msg
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        field = if field.is_empty() {
            name.to_string()
        } else {
            format!("{field}.{name}")
        };
        let code = match kind {
            Kind::Config => ErrorCode::InvalidConfig,
            Kind::Value(_) => ErrorCode::FieldMissing,
        };
        return Error::new(code, format!("{what}: {field} is required")).with_field(field);
    }
    // serde echoes the offending value in type errors ("invalid type: integer `12345`"); a
    // configuration holds secrets under many names (password, signature, key …), so no
    // configuration value is ever echoed, only what was expected.
    let echoes = ["invalid type", "invalid value", "invalid length"]
        .iter()
        .any(|p| serde_msg.starts_with(p));
    let redact = matches!(kind, Kind::Config) && echoes
        || field.contains("token")
        || field.contains("secret")
        || field.contains("key")
        || field.contains("password")
        || field.contains("signature");
    let message = if redact {
        let expected = serde_msg
            .split_once(", expected ")
            .map_or("a value of another type", |(_, e)| e);
        if field.is_empty() {
            format!("{what}: expected {expected}")
        } else {
            format!("{what}: {field}: expected {expected}")
        }
    } else if field.is_empty() {
        format!("{what}: {serde_msg}")
    } else {
        format!("{what}: {field}: {serde_msg}")
    };
    let err = Error::new(code, message);
    if field.is_empty() {
        err
    } else {
        err.with_field(field)
    }
}

/// The core's own verdict on an amount-shaped object (`{"currency", "value"|"minor"}`).
fn amount_error(v: &Value) -> Option<Error> {
    let map = v.as_object()?;
    let currency = map.get("currency")?.as_str()?;
    if !map.contains_key("value") && !map.contains_key("minor") {
        return None;
    }
    let currency = match Currency::from_code(currency) {
        Ok(c) => c,
        Err(e) => return Some(e),
    };
    if let Some(Err(e)) = map
        .get("value")
        .and_then(Value::as_str)
        .map(|s| Amount::parse(s, currency))
    {
        return Some(e);
    }
    if let Some(Err(e)) = map
        .get("minor")
        .and_then(Value::as_i64)
        .map(|m| Amount::from_minor(m, currency))
    {
        return Some(e);
    }
    None
}

//! Crossing the JS boundary: values in and out through serde (so JS sees the core's JSON
//! shapes), and failures out as `Error` objects carrying the core's stable `code` and `field`.

use js_sys::{Array, ArrayBuffer, Number, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use vpos_core::ErrorCode;
use wasm_bindgen::prelude::*;

/// A JS exception on its way out: always an `Error` named `VposError` with `code` (a core
/// [`ErrorCode`] string) and `field` (a string or `null`).
pub struct Thrown(JsValue);

impl Thrown {
    /// An error with the core's code; `message` is prose and must not hold a secret.
    pub fn new(code: ErrorCode, field: Option<&str>, message: &str) -> Thrown {
        let error = js_sys::Error::new(message);
        error.set_name("VposError");
        // Setting a property on a fresh, unfrozen Error object cannot fail.
        let _ = Reflect::set(&error, &"code".into(), &code.as_str().into());
        let field = field.map_or(JsValue::NULL, JsValue::from);
        let _ = Reflect::set(&error, &"field".into(), &field);
        Thrown(error.into())
    }
}

impl From<vpos_core::Error> for Thrown {
    fn from(e: vpos_core::Error) -> Thrown {
        Thrown::new(e.code(), e.field(), e.message())
    }
}

impl From<Thrown> for JsValue {
    fn from(t: Thrown) -> JsValue {
        t.0
    }
}

/// What a JS argument is, for the error raised when it does not fit the core's shape.
#[derive(Clone, Copy)]
pub struct Arg {
    /// The argument's name, used as `field` when the whole value is wrong.
    pub name: &'static str,
    /// `invalid_config` for configurations, `field_invalid` for everything else.
    pub code: ErrorCode,
}

impl Arg {
    /// A configuration argument: shape errors are `invalid_config`, as the core reports
    /// bad configuration values.
    pub const fn config(name: &'static str) -> Arg {
        Arg {
            name,
            code: ErrorCode::InvalidConfig,
        }
    }

    /// Any other value argument: shape errors are `field_invalid`.
    pub const fn value(name: &'static str) -> Arg {
        Arg {
            name,
            code: ErrorCode::FieldInvalid,
        }
    }
}

/// Reads a JS value into a core type with the core's own `Deserialize`, exactly as the core
/// reads JSON: unknown keys are refused (`deny_unknown_fields`: a misspelt setting fails),
/// amounts are exact and a float is never taken for minor units. On failure `field` is the
/// argument's name and serde's message names the key (``unknown field `notify_ulr` ``).
///
/// Why through `serde_json::Value` and not serde-wasm-bindgen's deserializer: the latter reads
/// only the keys a struct declares, so it silently ignores unknown ones. (A dedicated
/// self-describing JsValue deserializer was measured: 2 KB gzipped bigger than this route,
/// whose serde_json code the core links anyway.)
pub fn from_js<T: DeserializeOwned>(value: JsValue, arg: Arg) -> Result<T, Thrown> {
    let fail = |why: &str| Thrown::new(arg.code, Some(arg.name), &format!("{}: {why}", arg.name));
    let json = json_of(&value, 0).map_err(|why| fail(&why))?;
    serde_json::from_value(json).map_err(|e| fail(&e.to_string()))
}

/// Nesting deeper than this is refused (as serde_json's parser does), so a cyclic or hostile
/// object cannot exhaust the wasm stack. Core inputs nest four levels at most.
const MAX_DEPTH: usize = 128;

#[wasm_bindgen]
extern "C" {
    /// `Object.entries`, catching what a throwing getter or Proxy trap throws.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(object: &JsValue) -> Result<Array, JsValue>;
}

/// The JSON value a JS value stands for: `null`/`undefined` → null, safe integers and
/// `BigInt`s → integers, other numbers → floats (which integer fields then refuse), strings,
/// arrays, and plain objects by their own enumerable string keys.
fn json_of(value: &JsValue, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested more than {MAX_DEPTH} levels deep"));
    }
    if value.is_null() || value.is_undefined() {
        Ok(Value::Null)
    } else if let Some(b) = value.as_bool() {
        Ok(Value::Bool(b))
    } else if let Some(s) = value.as_string() {
        Ok(Value::String(s))
    } else if let Some(n) = value.as_f64() {
        if Number::is_safe_integer(value) {
            Ok(Value::from(n as i64))
        } else {
            // No `{n}` in the message: formatting an f64 would link 20 KB of float printing.
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| "NaN and Infinity are not numbers in JSON".to_string())
        }
    } else if value.is_bigint() {
        i64::try_from(value.clone())
            .map(Value::from)
            .or_else(|v| u64::try_from(v).map(Value::from))
            .map_err(|_| "a BigInt does not fit in 64 bits".to_string())
    } else if Array::is_array(value) {
        Array::from(value)
            .iter()
            .map(|item| json_of(&item, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array)
    } else if value.is_object() && !value.is_function() {
        let entries =
            object_entries(value).map_err(|_| "an object could not be read".to_string())?;
        let mut map = serde_json::Map::new();
        for entry in entries.iter() {
            let entry = Array::from(&entry);
            let key = entry.get(0).as_string().unwrap_or_default();
            map.insert(key, json_of(&entry.get(1), depth + 1)?);
        }
        Ok(Value::Object(map))
    } else {
        Err("functions and symbols are not values".to_string())
    }
}

/// Writes a core value as a plain JS value with the core's JSON shape: `None` becomes `null`
/// (as in JSON, not `undefined`) and 64-bit integers (`minor`, `refunded_minor`) become
/// `BigInt`, so money never passes through a float.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Thrown> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(true);
    value.serialize(&serializer).map_err(|e| {
        // Core output types always convert; reaching this is a vpos bug, reported, not hidden.
        Thrown(js_sys::Error::new(&format!("vpos-web could not convert a result: {e}")).into())
    })
}

/// The bytes of a request body given as a string (encoded as UTF-8), a `Uint8Array` (Node's
/// `Buffer` is one) or an `ArrayBuffer`. Raw bytes matter: invalid UTF-8 must reach the core.
pub fn body_bytes(body: &JsValue) -> Result<Vec<u8>, Thrown> {
    if let Some(text) = body.as_string() {
        Ok(text.into_bytes())
    } else if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        Ok(bytes.to_vec())
    } else if body.is_instance_of::<ArrayBuffer>() {
        Ok(Uint8Array::new(body).to_vec())
    } else {
        Err(Thrown::new(
            ErrorCode::FieldInvalid,
            Some("body"),
            "body must be a string, a Uint8Array or an ArrayBuffer",
        ))
    }
}

/// Reads a core error back from a JS value with `code` (one of the catalogue), `message`
/// and optional `field`: an error this module threw, or one the host builds itself (a
/// post-back that timed out is `{code: "postback_failed", message: "…"}`).
pub fn core_error(value: &JsValue) -> Result<vpos_core::Error, Thrown> {
    let get = |key: &str| {
        Reflect::get(value, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let code = get("code")
        .and_then(|c| ErrorCode::from_code(&c))
        .ok_or_else(|| {
            Thrown::new(
                ErrorCode::FieldInvalid,
                Some("error"),
                "error must carry a vpos error code (see errorCodes())",
            )
        })?;
    let error = vpos_core::Error::new(code, get("message").unwrap_or_default());
    Ok(match get("field") {
        Some(field) => error.with_field(field),
        None => error,
    })
}

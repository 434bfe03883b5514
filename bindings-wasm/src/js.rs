//! Crossing the JS boundary: values in and out through serde (so JS sees the core's JSON
//! shapes), and failures out as `Error` objects carrying the core's stable `code` and `field`.

use js_sys::{Array, Number, Reflect};
#[cfg(feature = "driver")]
use js_sys::{ArrayBuffer, Uint8Array};
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

/// Reads a JS value into a core type through the core's one conversion,
/// [`vpos_core::json::from_value`]: unknown keys are refused (`deny_unknown_fields`: a misspelt
/// setting fails), amounts are exact, a float is never taken for minor units, and the error's
/// `code`, `field` (the dotted path: `merchant_nmae`, `item_price.currency`, `nvp.password`)
/// and redaction are the core's, the same as in Node and Python. This binding keeps only the
/// value bridge ([`json_value`]: JS value → `serde_json::Value`).
///
/// Why through `serde_json::Value` and not serde-wasm-bindgen's deserializer: the latter reads
/// only the keys a struct declares, so it silently ignores unknown ones.
pub fn from_js<T: DeserializeOwned>(value: JsValue, arg: Arg) -> Result<T, Thrown> {
    let json = json_value(&value, arg)?;
    Ok(vpos_core::json::from_value(&json, arg.code)?)
}

fn arg_error(arg: Arg, why: &str) -> Thrown {
    Thrown::new(arg.code, Some(arg.name), &format!("{}: {why}", arg.name))
}

/// The value bridge: the JSON value a JS argument stands for (see [`json_of`]); what cannot be
/// one (a function, a cycle, a BigInt beyond 64 bits) is refused naming the argument.
#[inline(never)]
pub fn json_value(value: &JsValue, arg: Arg) -> Result<Value, Thrown> {
    json_of(value, 0, "").map_err(|why| arg_error(arg, &why))
}

/// A gateway's configuration as a plain JS object without its secret keys: the core's
/// `driver::Config::public` (the one secret list) without the `gateway` tag, and without the
/// `also_drop` keys a page-safe view leaves out besides (PayPal's whole `nvp` block).
#[cfg(feature = "driver")]
pub fn public_config<C: Clone + Into<vpos_core::driver::Config>>(
    config: &C,
    also_drop: &[&str],
) -> Result<JsValue, Thrown> {
    let mut value = config.clone().into().public();
    if let Some(map) = value.as_object_mut() {
        map.remove("gateway");
        for key in also_drop {
            map.remove(*key);
        }
    }
    // A JSON object is a map to serde: written as a plain object, not a JS `Map`.
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(conversion_error)
}

/// Name/value pairs as a plain object (the last of a repeated name wins).
#[cfg(feature = "driver")]
pub fn pairs_object(pairs: &[(String, String)]) -> Result<JsValue, Thrown> {
    let entries: Array = pairs
        .iter()
        .map(|(name, value)| Array::of2(&name.into(), &value.into()))
        .collect();
    // Object.fromEntries defines own data properties: a parameter named `__proto__` is a key
    // like any other, never the object's prototype.
    js_sys::Object::from_entries(&entries)
        .map(JsValue::from)
        .map_err(|_| {
            Thrown::new(
                ErrorCode::FieldInvalid,
                None,
                "parameters could not be read",
            )
        })
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
/// arrays, and plain objects by their own enumerable string keys. Under a key `minor` or
/// `*_minor` a `number` stays a float even when it is whole, so the core refuses it naming the
/// path (`item_price.minor`), as the Node package does: a `number` there may already have lost
/// digits, and money is never a `number` in vpos (give a `BigInt`, or the decimal `value`).
fn json_of(value: &JsValue, depth: usize, key: &str) -> Result<Value, String> {
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
        if key != "minor" && !key.ends_with("_minor") && Number::is_safe_integer(value) {
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
            .map(|item| json_of(&item, depth + 1, ""))
            .collect::<Result<_, _>>()
            .map(Value::Array)
    } else if value.is_object() && !value.is_function() {
        let entries =
            object_entries(value).map_err(|_| "an object could not be read".to_string())?;
        let mut map = serde_json::Map::new();
        for entry in entries.iter() {
            let entry = Array::from(&entry);
            let item = entry.get(1);
            // As JSON.stringify (and the Node package): a key holding `undefined` is absent.
            if item.is_undefined() {
                continue;
            }
            let key = entry.get(0).as_string().unwrap_or_default();
            let item = json_of(&item, depth + 1, &key)?;
            map.insert(key, item);
        }
        Ok(Value::Object(map))
    } else {
        Err("functions and symbols are not values".to_string())
    }
}

/// `options.autoSubmit` of `checkoutHtml(order, options?)` / `renderForm(form, options?)`: the
/// same options object as the Node package. A bare boolean (the 0.x positional argument) is
/// refused rather than read as no options.
pub fn auto_submit(options: &JsValue) -> Result<bool, Thrown> {
    if options.is_undefined() || options.is_null() {
        return Ok(false);
    }
    if !options.is_object() {
        return Err(Thrown::new(
            ErrorCode::FieldInvalid,
            Some("options"),
            "options must be an object such as { autoSubmit: true }",
        ));
    }
    Ok(Reflect::get(options, &"autoSubmit".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false))
}

/// `options.validate` of a gateway class's constructor (`new redsys.Gateway(config, options?)`),
/// as the Node package reads it: the configuration is validated unless `validate: false`.
#[cfg(feature = "driver")]
pub fn validate_option(options: &JsValue) -> Result<bool, Thrown> {
    if options.is_undefined() || options.is_null() {
        return Ok(true);
    }
    if !options.is_object() {
        return Err(Thrown::new(
            ErrorCode::FieldInvalid,
            Some("options"),
            "options must be an object such as { validate: false }",
        ));
    }
    Ok(Reflect::get(options, &"validate".into())
        .ok()
        .and_then(|v| v.as_bool())
        != Some(false))
}

/// Writes a core value as a plain JS value with the core's JSON shape: `None` becomes `null`
/// (as in JSON, not `undefined`) and 64-bit integers (`minor`, `refunded_minor`) become
/// `BigInt`, so money never passes through a float.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Thrown> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_large_number_types_as_bigints(true);
    value.serialize(&serializer).map_err(conversion_error)
}

/// A result that did not convert. Core output types always convert; reaching this is a vpos
/// bug, reported, not hidden.
#[inline(never)]
fn conversion_error(e: impl std::fmt::Display) -> Thrown {
    Thrown(js_sys::Error::new(&format!("hostedpay-web could not convert a result: {e}")).into())
}

#[cfg(feature = "driver")]
/// The bytes of a request body given as a string (encoded as UTF-8), a `Uint8Array` (Node's
/// `Buffer` is one) or an `ArrayBuffer`. Raw bytes matter: invalid UTF-8 must reach the core.
pub fn body_bytes(body: &JsValue) -> Result<Vec<u8>, Thrown> {
    bytes_of(body, "body")
}

#[cfg(feature = "driver")]
/// The bytes of any argument given as a string, `Uint8Array` or `ArrayBuffer`; `name` is the
/// `field` of the error for anything else.
pub fn bytes_of(value: &JsValue, name: &'static str) -> Result<Vec<u8>, Thrown> {
    if let Some(text) = value.as_string() {
        Ok(text.into_bytes())
    } else if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        Ok(bytes.to_vec())
    } else if value.is_instance_of::<ArrayBuffer>() {
        Ok(Uint8Array::new(value).to_vec())
    } else {
        Err(Thrown::new(
            ErrorCode::FieldInvalid,
            Some(name),
            &format!("{name} must be a string, a Uint8Array or an ArrayBuffer"),
        ))
    }
}

#[cfg(feature = "driver")]
/// Reads a core error back from a JS value with `code` (one of the catalogue), `message`
/// and optional `field`: an error this module threw, or one the host builds itself (a
/// post-back that timed out is `{code: "postback_failed", message: "…"}`).
pub fn core_error(value: &JsValue) -> Result<vpos_core::Error, Thrown> {
    // The value bridge: the three properties as JSON; the core's own `Deserialize` for
    // `Error` (an unknown code is refused) through the core's one conversion.
    let get = |key: &str| {
        Reflect::get(value, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .map(Value::String)
    };
    let mut map = serde_json::Map::new();
    map.insert("code".into(), get("code").unwrap_or(Value::Null));
    if let Some(field) = get("field") {
        map.insert("field".into(), field);
    }
    map.insert(
        "message".into(),
        get("message").unwrap_or_else(|| Value::String(String::new())),
    );
    Ok(vpos_core::json::from_value(
        &Value::Object(map),
        ErrorCode::FieldInvalid,
    )?)
}

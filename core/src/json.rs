//! Reading host JSON (configs, orders, payment snapshots) into core types with a vpos
//! [`Error`]: the stable code of the value that failed (`amount_precision`,
//! `unknown_currency` …) and the path of the field (`item_price`, `customer.email`), so every
//! binding reports the same thing for the same input.

use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorCode, Result};

/// Separates a core code from its message inside serde's text-only custom errors.
const SEPARATOR: &str = ": ";

/// Turns a core error met while deserialising into serde's error, keeping its code.
pub(crate) fn de_error<E: serde::de::Error>(error: Error) -> E {
    E::custom(format!("{}{SEPARATOR}{}", error.code(), error.message()))
}

/// Reads `text` as `T`. A shape problem (missing key, wrong type, unknown key) is `fallback`
/// (`field_invalid` for data, `invalid_config` for configuration); a value the core refused
/// keeps its own code. `field` is the path of the value.
///
/// ```
/// use vpos_core::{json, gateways::flocash::Order, ErrorCode};
/// let err = json::from_str::<Order>(
///     r#"{"order_id":"A1","custom":"c","item_name":"Tea","quantity":1,
///        "item_price":{"value":"12.345","currency":"EUR"}}"#,
///     ErrorCode::FieldInvalid,
/// ).unwrap_err();
/// assert_eq!((err.code(), err.field()), (ErrorCode::AmountPrecision, Some("item_price")));
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str, fallback: ErrorCode) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // serde_json appends " at line L column C"; the position adds nothing for a caller.
        let text = inner.to_string();
        let text = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m)
            .to_string();
        let (code, message) = match text.split_once(SEPARATOR) {
            Some((code, message)) => match ErrorCode::from_code(code) {
                Some(code) => (code, message.to_string()),
                None => (fallback, text.clone()),
            },
            None => (fallback, text.clone()),
        };
        let error = Error::new(code, message);
        if path.is_empty() || path == "." {
            error
        } else {
            error.with_field(path)
        }
    })
}

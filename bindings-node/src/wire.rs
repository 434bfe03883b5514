//! JSON text across the boundary, in the core's serde shapes.
//!
//! In: `lib/json.js` writes JavaScript values as JSON text with `bigint`s as exact integer
//! literals (the value bridge); here the text becomes a `serde_json::Value` and the core's one
//! conversion, [`vpos_core::json::from_value`], reads it: the same `code`, `field` (the dotted
//! path) and redaction as the wasm and Python bindings for the same input.
//!
//! Out: every integer under a key `minor` or `*_minor` is written as a decimal string, which
//! `lib/json.js` turns into a `bigint`; everything else is the core's JSON unchanged.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use vpos_core::{Error, ErrorCode};

/// Whose value failed to deserialize: a configuration is `invalid_config` (as the core's own
/// `validate()` reports it), anything else a field of the data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A gateway configuration.
    Config,
    /// An order, a payment snapshot, a reply, an outcome.
    Data,
}

/// Whether a key holds minor units (these cross as `bigint`).
pub(crate) fn is_minor_key(key: &str) -> bool {
    key == "minor" || key.ends_with("_minor")
}

/// The value bridge: JSON text written by `lib/json.js` as a `serde_json::Value`.
pub(crate) fn value(json: &str) -> Result<Value, Error> {
    serde_json::from_str(json).map_err(|e| {
        Error::new(
            ErrorCode::FieldInvalid,
            format!("input is not a JSON value ({e})"),
        )
    })
}

/// Deserializes JSON text written by `lib/json.js` into a core type with
/// [`vpos_core::json::from_value`].
pub(crate) fn parse<T: DeserializeOwned>(json: &str, role: Role) -> Result<T, Error> {
    // The direct read costs one pass and decides nothing: only a failure pays for the tree,
    // and then the core's conversion alone names the code, the field and the message.
    if let Ok(parsed) = serde_json::from_str(json) {
        return Ok(parsed);
    }
    let fallback = match role {
        Role::Config => ErrorCode::InvalidConfig,
        Role::Data => ErrorCode::FieldInvalid,
    };
    vpos_core::json::from_value(&value(json)?, fallback)
}

/// A gateway's configuration as JSON without its secrets: the core's
/// [`Config::public`](vpos_core::driver::Config::public), whose secret keys are the core's one
/// list, without the `gateway` tag (the class names it).
pub(crate) fn public_json<C: Clone + Into<vpos_core::driver::Config>>(config: &C) -> String {
    let mut value = config.clone().into().public();
    if let Some(map) = value.as_object_mut() {
        map.remove("gateway");
    }
    to_json(&value)
}

/// Serializes a core value for `lib/json.js`: the core's own JSON (fields in the core's
/// order), except that integers under `minor` / `*_minor` keys are written as strings.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, MinorAsString::default());
    match value.serialize(&mut ser) {
        // serde_json writes UTF-8 only.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => "null".to_string(),
    }
}

/// A compact formatter that remembers the current object key, so it can quote the integers
/// that hold minor units as they are written.
#[derive(Default)]
struct MinorAsString {
    key: String,
    in_key: bool,
}

impl MinorAsString {
    fn integer<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        digits: impl std::fmt::Display,
    ) -> std::io::Result<()> {
        if is_minor_key(&self.key) {
            write!(writer, "\"{digits}\"")
        } else {
            write!(writer, "{digits}")
        }
    }
}

impl serde_json::ser::Formatter for MinorAsString {
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.key.clear();
        self.in_key = true;
        if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }

    fn end_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.key.clear();
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if self.in_key {
            self.key.push_str(fragment);
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        if self.in_key {
            // An escaped character makes the key unlike any minor-units key.
            self.key.push('\\');
        }
        serde_json::ser::CompactFormatter.write_char_escape(writer, char_escape)
    }

    fn write_i64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        v: i64,
    ) -> std::io::Result<()> {
        self.integer(writer, v)
    }

    fn write_u64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        v: u64,
    ) -> std::io::Result<()> {
        self.integer(writer, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vpos_core::gateways::flocash::{Config, Order};
    use vpos_core::{Amount, Currency};

    #[test]
    fn minor_units_become_strings_and_fields_keep_the_core_order() {
        let eur = Currency::from_code("EUR").unwrap();
        let a = Amount::from_minor(i64::MAX, eur).unwrap();
        assert_eq!(
            to_json(&a),
            r#"{"minor":"9223372036854775807","currency":"EUR","value":"92233720368547758.07"}"#
        );
        let v = serde_json::json!({"refunded_minor": 5, "quantity": 2, "nested": [{"minor": 1}],
                                   "k\"minor": 3, "minor_note": "text"});
        let out: Value = serde_json::from_str(&to_json(&v)).unwrap();
        assert_eq!(out["refunded_minor"], "5");
        assert_eq!(out["quantity"], 2);
        assert_eq!(out["nested"][0]["minor"], "1");
        assert_eq!(
            out["k\"minor"], 3,
            "an escaped key is never a minor-units key"
        );
        assert_eq!(out["minor_note"], "text");
    }

    #[test]
    fn shape_errors_name_the_path_and_keep_core_codes() {
        let order = |price: &str| {
            format!(
                r#"{{"order_id":"A","custom":"c","item_name":"i","quantity":1,"item_price":{price}}}"#
            )
        };
        let err = parse::<Order>(&order(r#"{"value":"1.234","currency":"EUR"}"#), Role::Data)
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::AmountPrecision, Some("item_price"))
        );
        let err =
            parse::<Order>(&order(r#"{"minor":-1,"currency":"EUR"}"#), Role::Data).unwrap_err();
        assert_eq!(err.code(), ErrorCode::AmountNegative);
        let err = parse::<Order>(r#"{"order_id":"A"}"#, Role::Data).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::FieldMissing, Some("custom"))
        );
        let err = parse::<Order>(
            &order(r#"{"value":"1","currency":"EUR"},"customer":{"x":1}"#),
            Role::Data,
        )
        .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::FieldInvalid, Some("customer.x"))
        );
    }

    #[test]
    fn config_errors_are_invalid_config_and_never_echo_the_token() {
        let err = parse::<Config>(
            r#"{"merchant":"m","merchant_name":"n","checkout_url":"https://x.example",
                "base_url":"https://x.example","notification_token":123456789012345}"#,
            Role::Config,
        )
        .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidConfig, Some("notification_token"))
        );
        assert!(
            !err.message().contains("123456789012345"),
            "{}",
            err.message()
        );
        // Every gateway's secret, not only FloCash's token: serde's "invalid type: integer
        // `…`" is never repeated.
        let err = parse::<vpos_core::gateways::redsys::Config>(
            r#"{"merchant_code":"999008881","terminal":"1","secret_key":987654321987654,
                "checkout_url":"https://x.example"}"#,
            Role::Config,
        )
        .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidConfig, Some("secret_key"))
        );
        assert!(
            !err.message().contains("987654321987654"),
            "{}",
            err.message()
        );
    }
}

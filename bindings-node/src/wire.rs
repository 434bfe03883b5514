//! JSON text across the boundary, in the core's serde shapes.
//!
//! In: `lib/json.js` writes JavaScript values as JSON with `bigint`s as exact integer literals;
//! here they are deserialized into core types. A value that does not fit is reported as a
//! core [`Error`] naming the path of the offending key (`item_price.currency`), with the
//! core's own code wherever the core can say what is wrong (an amount is re-checked by
//! `Amount::parse`, so `"12.345"` EUR is `amount_precision`, not a generic failure).
//!
//! Out: every integer under a key `minor` or `*_minor` is written as a decimal string, which
//! `lib/json.js` turns into a `bigint`; everything else is the core's JSON unchanged.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use vpos_core::{Amount, Currency, Error, ErrorCode};

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

/// Deserializes JSON text written by `lib/json.js` into a core type.
pub(crate) fn parse<T: DeserializeOwned>(json: &str, role: Role) -> Result<T, Error> {
    // The direct path costs one pass; only a failure pays for a tree and a path.
    if let Ok(value) = serde_json::from_str(json) {
        return Ok(value);
    }
    let value: Value = serde_json::from_str(json).map_err(|e| {
        Error::new(
            ErrorCode::FieldInvalid,
            format!("input is not a JSON value ({e})"),
        )
    })?;
    match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(parsed) => Ok(parsed),
        Err(e) => {
            let path: Vec<String> = e.path().iter().map(segment).collect();
            Err(classify(&value, path, &e.into_inner().to_string(), role))
        }
    }
}

fn segment(s: &serde_path_to_error::Segment) -> String {
    use serde_path_to_error::Segment;
    match s {
        Segment::Seq { index } => format!("[{index}]"),
        Segment::Map { key } => key.clone(),
        Segment::Enum { variant } => variant.clone(),
        Segment::Unknown => "?".into(),
    }
}

fn join(path: &[String]) -> String {
    let mut out = String::new();
    for part in path {
        if !out.is_empty() && !part.starts_with('[') {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

/// The name between the first pair of backticks in a serde message (`missing field `x``).
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

fn classify(root: &Value, mut path: Vec<String>, message: &str, role: Role) -> Error {
    // An amount that does not parse: let the core say why, with its own code.
    if let Some((at, err)) = amount_error(root, &path) {
        return err.with_field(if at.is_empty() {
            "amount".to_string()
        } else {
            join(&at)
        });
    }
    let missing = message.starts_with("missing field");
    if missing || message.starts_with("unknown field") {
        // serde names the key in the message; the path stops at the object holding it.
        if let Some(name) = quoted(message)
            && path.last().map(String::as_str) != Some(name)
        {
            path.push(name.to_string());
        }
    }
    let field = join(&path);
    let at = if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    };
    match role {
        Role::Config => {
            // A secret of the wrong type would otherwise be echoed by serde ("invalid type:
            // integer `1234…`"): for every configuration key (tokens, keys, shared secrets),
            // say what is expected, never what was given.
            let message =
                if message.starts_with("invalid type") || message.starts_with("invalid value") {
                    match message.split_once(", expected ") {
                        Some((_, expected)) => format!("expected {expected}"),
                        None => "has the wrong type".to_string(),
                    }
                } else {
                    message.to_string()
                };
            let err = Error::new(
                ErrorCode::InvalidConfig,
                format!("configuration {at}{message}"),
            );
            if field.is_empty() {
                err
            } else {
                err.with_field(field)
            }
        }
        Role::Data => {
            let code = if missing {
                ErrorCode::FieldMissing
            } else {
                ErrorCode::FieldInvalid
            };
            let err = Error::new(code, format!("{at}{message}"));
            if field.is_empty() {
                err
            } else {
                err.with_field(field)
            }
        }
    }
}

/// Walks `path` from the root and, at the deepest object shaped like an amount
/// (`{currency, value | minor}`), asks the core what is wrong with it.
fn amount_error(root: &Value, path: &[String]) -> Option<(Vec<String>, Error)> {
    let mut nodes = vec![(0, root)];
    let mut node = root;
    for (i, part) in path.iter().enumerate() {
        node = match (node, part.strip_prefix('[')) {
            (Value::Array(items), Some(index)) => {
                items.get(index.trim_end_matches(']').parse::<usize>().ok()?)?
            }
            (Value::Object(map), None) => map.get(part)?,
            _ => break,
        };
        nodes.push((i + 1, node));
    }
    nodes.into_iter().rev().find_map(|(depth, node)| {
        let map = node.as_object()?;
        let code = map.get("currency")?.as_str()?;
        let currency = match Currency::from_code(code) {
            Ok(c) => c,
            Err(e) => return Some((path[..depth].to_vec(), e)),
        };
        let checked = match (map.get("value"), map.get("minor")) {
            (Some(Value::String(v)), _) => Amount::parse(v, currency).err(),
            (_, Some(Value::Number(n))) => match n.as_i64() {
                Some(m) => Amount::from_minor(m, currency).err(),
                None => Some(Error::new(
                    ErrorCode::AmountOverflow,
                    "minor does not fit in 64-bit minor units",
                )),
            },
            _ => None,
        };
        checked.map(|e| (path[..depth].to_vec(), e))
    })
}

/// A configuration as JSON without its secrets. The core serializes a secret as `***`; the
/// public view leaves the keys out altogether, so it can be shown or sent anywhere.
pub(crate) fn public_json<T: Serialize>(config: &T, secrets: &[&str]) -> String {
    let mut value = serde_json::to_value(config).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        for key in secrets {
            map.remove(*key);
        }
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

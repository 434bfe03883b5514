//! Reading host JSON (configs, orders, payment snapshots) into core types with a vpos
//! [`Error`]: the stable code of the value that failed (`amount_precision`,
//! `unknown_currency` …) and the path of the field (`item_price`, `customer.email`), so every
//! binding reports the same thing for the same input.

use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorCode, Result};

mod tracked;

/// Separates a core code from its message inside serde's text-only custom errors.
const SEPARATOR: &str = ": ";

/// Turns a core error met while deserialising into serde's error, keeping its code.
pub(crate) fn de_error<E: serde::de::Error>(error: Error) -> E {
    E::custom(format!("{}{SEPARATOR}{}", error.code(), error.message()))
}

/// Appends `s` as a JSON string literal, byte for byte what `serde_json::to_string(s)` writes
/// (`\"`, `\\`, the short escapes for `\b \t \n \f \r`, `\u00xx` for other control
/// characters, everything else as is), without a `String` per value: signed JSON such as
/// Redsys's merchant parameters is written straight into one buffer.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    // Most values need no escape: a branch-free scan (it vectorises) says so, and the text
    // goes in whole.
    if !s.bytes().fold(false, |any, b| any | needs_escape(b)) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut rest = s;
    // Copy the runs between escapes whole: most values have none.
    while let Some(at) = rest.bytes().position(needs_escape) {
        out.push_str(&rest[..at]);
        match rest.as_bytes()[at] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        // The escaped byte is ASCII, so `at + 1` is a character boundary.
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
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
/// // One value and nothing after it: trailing bytes are refused, not ignored.
/// assert!(json::from_str::<serde_json::Value>(r#"{"a":1} {"b":2}"#, ErrorCode::FieldInvalid).is_err());
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str, fallback: ErrorCode) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        describe(path, e.inner(), fallback)
    })?;
    // serde_json's own `from_str` checks this; a streaming deserializer leaves it to us.
    de.end().map_err(|e| {
        Error::new(
            fallback,
            format!(
                "trailing characters after the JSON value (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    Ok(value)
}

/// Reads a host's JSON value as `T`: the one conversion every binding goes through, so the
/// same input gets the same code, `field` and message in Python, Node and the browser.
///
/// - `field` is the dotted path of the value (`nvp.password`, `items.0.price`); for an
///   unknown key it is that key (`merchant_nmae`), for a missing one the key it lacks;
/// - a value the core refused keeps its own code (`amount_precision`, `unknown_currency`);
///   any other shape problem is `fallback`;
/// - no value is echoed when `fallback` is `invalid_config`, nor under a key that names a
///   secret (`token`, `secret`, `key`, `password`, `signature`): serde's own messages quote
///   what they were given, and a configuration holds secrets under many names.
///
/// ```
/// use vpos_core::{json, gateways::paypal::Config, ErrorCode};
/// let err = json::from_value::<Config>(&serde_json::json!({
///     "business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
///     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
///     "nvp": {"user": "u", "password": 12345678, "signature": "s", "api_url": "https://api-3t.sandbox.paypal.com/nvp"},
/// }), ErrorCode::InvalidConfig).unwrap_err();
/// assert_eq!((err.code(), err.field()), (ErrorCode::InvalidConfig, Some("nvp.password")));
/// assert!(!err.message().contains("12345678"));
///
/// let typo = json::from_value::<Config>(&serde_json::json!({"busines": "x"}), ErrorCode::InvalidConfig)
///     .unwrap_err();
/// assert_eq!(typo.field(), Some("busines"));
/// ```
pub fn from_value<T: DeserializeOwned>(
    value: &serde_json::Value,
    fallback: ErrorCode,
) -> Result<T> {
    let track = tracked::Track::default();
    tracked::deserialize(value, &track).map_err(|e| describe(track.path(), &e, fallback))
}

/// Words that mark a key as holding a secret, wherever it sits in a configuration.
const SECRET_WORDS: [&str; 5] = ["token", "secret", "key", "password", "signature"];

/// serde messages that quote the value they were given.
const ECHOES: [&str; 4] = [
    "invalid type",
    "invalid value",
    "invalid length",
    "unknown variant",
];

/// The core's error for serde's `e` met at `path` (its segments: keys, indexes, variants).
#[inline(never)]
fn describe(mut path: Vec<String>, e: &serde_json::Error, fallback: ErrorCode) -> Error {
    // serde_json appends " at line L column C"; the position adds nothing for a caller.
    let text = e.to_string();
    let text = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m)
        .to_string();
    let hidden = |field: &str| {
        fallback == ErrorCode::InvalidConfig || SECRET_WORDS.iter().any(|w| field.contains(w))
    };
    if let Some((code, message)) = text.split_once(SEPARATOR)
        && let Some(code) = ErrorCode::from_code(code)
    {
        // The core quotes a value it refuses (`"XXQ" is not an ISO 4217 currency code`); in a
        // configuration that value may be a secret pasted under the wrong key.
        let message = if hidden(&path.join(".")) {
            unquoted(message)
        } else {
            message.to_string()
        };
        return with_path(Error::new(code, message), &path);
    }
    // serde names a missing key at its parent's path (serde_path_to_error already ends an
    // unknown key's path with it): the key is the field.
    for prefix in ["unknown field `", "missing field `"] {
        if let Some(name) = text.strip_prefix(prefix).and_then(|r| r.split('`').next())
            && path.last().map(String::as_str) != Some(name)
        {
            path.push(name.to_string());
        }
    }
    let field = path.join(".");
    let missing = text.starts_with("missing field `");
    let echoes = ECHOES.iter().any(|p| text.starts_with(p));
    let message = if echoes && hidden(&field) {
        let expected = text
            .split_once(", expected ")
            .map_or("a value of another type", |(_, e)| e);
        format!("{field}: expected {expected}")
    } else if missing {
        format!("{field} is required")
    } else if field.is_empty() {
        text
    } else {
        format!("{field}: {text}")
    };
    let code = match fallback {
        ErrorCode::FieldInvalid if missing => ErrorCode::FieldMissing,
        other => other,
    };
    with_path(Error::new(code, message), &path)
}

/// `message` with every double-quoted part (a `{:?}` value, escapes and all) replaced by
/// `the value`.
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        out.push_str("the value");
        while let Some(q) = chars.next() {
            match q {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                _ => {}
            }
        }
    }
    out
}

fn with_path(error: Error, path: &[String]) -> Error {
    if path.is_empty() {
        error
    } else {
        error.with_field(path.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Conf {
        name: String,
        currency: Option<Currency>,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        password: String,
        count: u32,
    }

    fn err(v: serde_json::Value, fallback: ErrorCode) -> Error {
        from_value::<Conf>(&v, fallback).unwrap_err()
    }

    #[test]
    fn fields_are_paths_and_keys() {
        let e = err(
            serde_json::json!({"name": "n", "nmae": 1}),
            ErrorCode::InvalidConfig,
        );
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidConfig, Some("nmae"))
        );
        let e = err(serde_json::json!({}), ErrorCode::FieldInvalid);
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("name"))
        );
        assert_eq!(e.message(), "name is required");
        let e = err(
            serde_json::json!({"name": "n", "inner": {"count": 1}}),
            ErrorCode::InvalidConfig,
        );
        assert_eq!(e.field(), Some("inner.password"));
        let e = err(
            serde_json::json!({"name": "n", "inner": {"password": "p", "count": "many"}}),
            ErrorCode::FieldInvalid,
        );
        assert_eq!(e.field(), Some("inner.count"));
        assert!(
            e.message().contains("many"),
            "data may be quoted: {}",
            e.message()
        );
    }

    #[test]
    fn an_array_is_not_a_struct() {
        // serde_json would read `["n", null, null]` as `{"name": "n", …}`: refused, with the
        // code a value of any other wrong type gets at that place.
        for fallback in [ErrorCode::FieldInvalid, ErrorCode::InvalidConfig] {
            let e = err(serde_json::json!(["n", null, null]), fallback);
            let number = err(serde_json::json!(5), fallback);
            assert_eq!((e.code(), e.field()), (fallback, None));
            assert_eq!((number.code(), number.field()), (fallback, None));
            assert!(
                e.message().contains("expected an object (struct Conf)"),
                "{}",
                e.message()
            );
            let e = err(
                serde_json::json!({"name": "n", "inner": ["p", 1]}),
                fallback,
            );
            let number = err(serde_json::json!({"name": "n", "inner": 5}), fallback);
            assert_eq!((e.code(), e.field()), (fallback, Some("inner")));
            assert_eq!((number.code(), number.field()), (fallback, Some("inner")));
            assert!(
                e.message().contains("expected an object"),
                "{}",
                e.message()
            );
        }
        // Arrays where a sequence is expected are still read.
        let items: Vec<Inner> = from_value(
            &serde_json::json!([{"password": "p", "count": 1}]),
            ErrorCode::FieldInvalid,
        )
        .unwrap();
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn configurations_and_secret_keys_quote_nothing() {
        let e = err(
            serde_json::json!({"name": "n", "inner": {"password": 987654321, "count": 1}}),
            ErrorCode::FieldInvalid,
        );
        assert_eq!(e.field(), Some("inner.password"));
        assert!(!e.message().contains("987654321"), "{}", e.message());
        let e = err(
            serde_json::json!({"name": ["hunter2"]}),
            ErrorCode::InvalidConfig,
        );
        assert!(!e.to_string().contains("hunter2"));
        let e = err(
            serde_json::json!({"name": "n", "currency": "s3cr\"et"}),
            ErrorCode::InvalidConfig,
        );
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::UnknownCurrency, Some("currency"))
        );
        assert!(
            !e.message().contains("s3cr") && !e.message().contains("et"),
            "{}",
            e.message()
        );
        let e = err(
            serde_json::json!({"name": "n", "currency": "XXQ"}),
            ErrorCode::FieldInvalid,
        );
        assert!(e.message().contains("XXQ"), "{}", e.message());
    }

    #[test]
    fn unquoted_replaces_debug_strings() {
        assert_eq!(unquoted(r#"a "b\"c" d "e""#), "a the value d the value");
        assert_eq!(unquoted("no quotes"), "no quotes");
    }

    #[test]
    fn write_string_is_serde_json_to_string() {
        let mut every_ascii: String = (0u8..0x80).map(char::from).collect();
        every_ascii.push_str("é€𝄞 \u{2028}\u{feff}/");
        for s in [
            "",
            "plain",
            "a\"b\\c",
            "\u{0}\u{1f}\u{7f}x",
            every_ascii.as_str(),
        ] {
            let mut out = String::from("k:");
            write_string(&mut out, s);
            assert_eq!(
                out,
                format!("k:{}", serde_json::to_string(s).unwrap()),
                "{s:?}"
            );
        }
    }
}

//! Field rules shared by every gateway: presence, length in characters, no control characters.

use crate::error::{Error, Result};

/// A required text field: not empty (after trimming), at most `max` characters, no control
/// characters. The error names `field`.
pub(crate) fn required(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::missing(field.to_string()));
    }
    bounded(field, value, max)
}

/// An optional text field: absent or empty is fine, otherwise as [`required`].
pub(crate) fn optional(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    match value {
        Some(v) if !v.is_empty() => bounded(field, v, max),
        _ => Ok(()),
    }
}

fn bounded(field: &str, value: &str, max: usize) -> Result<()> {
    // Nearly every value is ASCII: one branch-free byte scan (it vectorises) answers both
    // questions. Checkout validates a dozen fields, and the byte-at-a-time scans were a tenth
    // of a Redsys checkout.
    let (non_ascii, ascii_control) = value.bytes().fold((false, false), |(n, c), b| {
        (n | (b >= 0x80), c | (b < 0x20) | (b == 0x7f))
    });
    let (len, control) = if !non_ascii {
        (value.len(), ascii_control)
    } else {
        (value.chars().count(), value.chars().any(char::is_control))
    };
    if len > max {
        return Err(Error::too_long(field.to_string(), max, len));
    }
    if control {
        return Err(Error::invalid(
            field.to_string(),
            "contains control characters",
        ));
    }
    Ok(())
}

/// An optional field that, when present, must satisfy `ok`; `rule` says how in the error.
pub(crate) fn shaped(
    field: &str,
    value: Option<&str>,
    rule: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<()> {
    match value.filter(|v| !v.is_empty()) {
        Some(v) if !ok(v) => Err(Error::invalid(field.to_string(), rule)),
        _ => Ok(()),
    }
}

/// `s.contains(char::is_whitespace)`, by bytes when `s` is ASCII (the ASCII whitespace
/// characters are exactly space and tab to carriage return).
fn has_whitespace(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b == b' ' || (b'\t'..=b'\r').contains(&b))
    } else {
        s.contains(char::is_whitespace)
    }
}

/// An absolute `http://` or `https://` URL without whitespace, at most `max` characters.
pub(crate) fn url(field: &str, value: Option<&str>, max: usize) -> Result<()> {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    bounded(field, v, max)?;
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !has_whitespace(r) => Ok(()),
        _ => Err(Error::invalid(
            field.to_string(),
            "must be an absolute http(s) URL",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_scans_agree_with_the_char_rules() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = format!("ab{c}cd");
            assert_eq!(has_whitespace(&s), s.contains(char::is_whitespace), "{c:?}");
            let control = bounded("f", &s, 10).is_err();
            assert_eq!(control, c.is_control(), "{c:?}");
        }
        assert!(
            bounded("f", "ééé", 3).is_ok(),
            "length in characters, not bytes"
        );
        assert!(bounded("f", "abcd", 3).is_err());
    }
}

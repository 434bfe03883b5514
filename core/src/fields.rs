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
    // Nearly every value is ASCII: one byte scan answers both questions.
    let (len, control) = if value.is_ascii() {
        (value.len(), value.bytes().any(|b| b.is_ascii_control()))
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
        Some(r) if !r.is_empty() && !r.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::invalid(
            field.to_string(),
            "must be an absolute http(s) URL",
        )),
    }
}

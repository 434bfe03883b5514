//! Field rules shared by every gateway: presence, length in characters, no control characters.

use crate::error::{Error, Result};
use crate::form::{splat, zero_bytes};

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
    // Nearly every value is ASCII: one scan answers both questions. Checkout validates a
    // dozen fields, and the byte-at-a-time scans were a tenth of a Redsys checkout.
    let (non_ascii, ascii_control) = ascii_flags(value.as_bytes());
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

/// Whether `bytes` holds a byte above ASCII, and whether it holds an ASCII control character
/// (below 0x20, or 0x7f), read eight bytes at a time: the byte-at-a-time fold was a tenth of a
/// FloCash parse, which checks seventeen values.
fn ascii_flags(bytes: &[u8]) -> (bool, bool) {
    let flags = |w: u64| {
        // Bytes below 0x20: the borrow trick of `zero_bytes`, exact as a yes-or-no answer.
        let below_space = w.wrapping_sub(splat(0x20)) & !w & splat(0x80);
        (w & splat(0x80), below_space | zero_bytes(w ^ splat(0x7f)))
    };
    let word = |chunk: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        flags(u64::from_le_bytes(w))
    };
    if bytes.len() < 8 {
        // Loads straight from the value (a padded copy stalled the load on the copy): two
        // overlapping halves from 4 bytes, else byte by byte.
        let Some(rest) = bytes.len().checked_sub(4) else {
            return (
                bytes.iter().any(|&b| b >= 0x80),
                bytes.iter().any(|&b| b < 0x20 || b == 0x7f),
            );
        };
        let half = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&bytes[at..at + 4]);
            u64::from(u32::from_le_bytes(w))
        };
        let (high, control) = flags(half(0) | half(rest) << 32);
        return (high != 0, control != 0);
    }
    let (mut high, mut control) = (0, 0);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let (h, c) = word(chunk);
        (high, control) = (high | h, control | c);
    }
    if !chunks.remainder().is_empty() {
        // Re-reading bytes already read changes neither answer: the last eight bytes.
        let (h, c) = word(&bytes[bytes.len() - 8..]);
        (high, control) = (high | h, control | c);
    }
    (high != 0, control != 0)
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
    let bytes = s.as_bytes();
    if bytes.len() < 8 {
        return if s.is_ascii() {
            bytes
                .iter()
                .any(|b| *b == b' ' || (b'\t'..=b'\r').contains(b))
        } else {
            s.contains(char::is_whitespace)
        };
    }
    // Eight bytes at a time (URLs are checked on every checkout): the bytes above ASCII, and
    // the ASCII ones that are a space or tab to carriage return (the sums cannot carry: each
    // adds at most 0x77 to a byte below 0x80).
    let flags = |chunk: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let low7 = w & !splat(0x80);
        let tab_to_cr = (low7 + splat(0x80 - b'\t')) & !(low7 + splat(0x80 - b'\r' - 1));
        let ascii_space = (tab_to_cr & !w & splat(0x80)) | zero_bytes(w ^ splat(b' '));
        (w & splat(0x80), ascii_space)
    };
    let (mut high, mut space) = (0, 0);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let (h, c) = flags(chunk);
        (high, space) = (high | h, space | c);
    }
    if !chunks.remainder().is_empty() {
        // The last eight bytes: re-reading some changes neither answer.
        let (h, c) = flags(&bytes[bytes.len() - 8..]);
        (high, space) = (high | h, space | c);
    }
    match high {
        0 => space != 0,
        _ => s.contains(char::is_whitespace),
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
            for long in [
                format!("https://{c}x.example/"),
                format!("https://x.example/{c}"),
            ] {
                assert_eq!(
                    has_whitespace(&long),
                    long.contains(char::is_whitespace),
                    "{c:?}"
                );
            }
            let control = bounded("f", &s, 10).is_err();
            assert_eq!(control, c.is_control(), "{c:?}");
        }
        assert!(
            bounded("f", "ééé", 3).is_ok(),
            "length in characters, not bytes"
        );
        assert!(bounded("f", "abcd", 3).is_err());
    }

    #[test]
    fn ascii_flags_agree_with_a_byte_loop() {
        let slow = |b: &[u8]| {
            (
                b.iter().any(|&b| b >= 0x80),
                b.iter().any(|&b| b < 0x20 || b == 0x7f),
            )
        };
        let bytes: Vec<u8> = (0..40usize)
            .map(|i| [b'a', b' ', 0x1f, 0x7f, 0x80, 0xff, b'~', 0x20, 0][i * 5 % 13 % 9])
            .collect();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                let b = &bytes[start..end];
                assert_eq!(ascii_flags(b), slow(b), "{b:?}");
            }
        }
        for b in 0..=255u8 {
            for at in 0..12 {
                let mut v = vec![b'x'; 12];
                v[at] = b;
                assert_eq!(ascii_flags(&v[..at + 1]), slow(&v[..at + 1]), "{b} at {at}");
                assert_eq!(ascii_flags(&v), slow(&v), "{b} at {at}");
            }
        }
    }
}

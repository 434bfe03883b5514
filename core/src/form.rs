//! `application/x-www-form-urlencoded`, both ways, and the redirect form a customer's browser
//! posts to a hosted payment page.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::http::Method;

/// A decoded form body: every pair in the order received.
pub type Pairs = Vec<(String, String)>;

/// Decodes a form body strictly: a size limit, `+` as space, `%XX` escapes that must be
/// well-formed, names and values that must be UTF-8 after decoding, and no name twice
/// (compared ASCII-case-insensitively, because gateways spell `Amount` and `amount` alike and
/// a second copy is the classic way to smuggle a value past a check).
///
/// Empty segments (`a=1&&b=2`) are skipped; a name without `=` has the empty value.
///
/// ```
/// use vpos_core::form::parse_urlencoded;
/// let pairs = parse_urlencoded(b"order_id=AT%20001&amount=23.45&item_name=Call+Credit", 1024)?;
/// assert_eq!(pairs[0], ("order_id".to_string(), "AT 001".to_string()));
/// assert_eq!(pairs[2].1, "Call Credit");
/// let dup = parse_urlencoded(b"amount=1&Amount=1000", 1024).unwrap_err();
/// assert_eq!((dup.code().as_str(), dup.field()), ("duplicate_field", Some("Amount")));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_urlencoded(body: &[u8], limit: usize) -> Result<Pairs> {
    parse_urlencoded_in(body, limit, Charset::Utf8)
}

/// A character set a gateway may post form values in (PayPal names it in `charset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8.
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same number.
    Latin1,
    /// windows-1252: Latin-1 with printable characters in 0x80–0x9F.
    Windows1252,
}

/// windows-1252's 0x80–0x9F; `None` where the code page leaves a byte undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

impl Charset {
    /// Reads a charset label (`UTF-8`, `windows-1252`, `ISO-8859-1` and their usual aliases).
    pub fn from_label(label: &str) -> Option<Charset> {
        match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Charset::Utf8),
            "iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "l1" => Some(Charset::Latin1),
            "windows-1252" | "cp1252" | "x-cp1252" => Some(Charset::Windows1252),
            _ => None,
        }
    }

    /// The canonical label.
    pub fn label(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Latin1 => "ISO-8859-1",
            Charset::Windows1252 => "windows-1252",
        }
    }

    fn decode(self, bytes: Vec<u8>) -> Option<String> {
        match self {
            Charset::Utf8 => String::from_utf8(bytes).ok(),
            Charset::Latin1 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
            Charset::Windows1252 => bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
                    b => Some(char::from(b)),
                })
                .collect(),
        }
    }
}

/// [`parse_urlencoded`] for a body whose escaped bytes are in `charset`.
pub fn parse_urlencoded_in(body: &[u8], limit: usize, charset: Charset) -> Result<Pairs> {
    Ok(parse_borrowed(body, limit, charset)?
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect())
}

/// [`parse_urlencoded_in`] with the same checks and errors, borrowing every name and value
/// that needed no decoding: a notification reads a few fields and keeps fewer, and a copy of
/// each is most of the cost of reading a form.
pub(crate) fn parse_borrowed(
    body: &[u8],
    limit: usize,
    charset: Charset,
) -> Result<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(count_pairs(body));
    for_each_pair(body, limit, charset, |name, value| {
        if pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(duplicate(name));
        }
        pairs.push((name, value));
        Ok(())
    })?;
    Ok(pairs)
}

/// An upper bound on the pairs in `body`, to size a vector once.
fn count_pairs(body: &[u8]) -> usize {
    memchr::memchr_iter(b'&', body).count() + 1
}

/// The error for a name received a second time (in any letter case).
pub(crate) fn duplicate(name: Cow<'_, str>) -> Error {
    Error::new(
        ErrorCode::DuplicateField,
        format!("{name} appears more than once"),
    )
    .with_field(name.into_owned())
}

/// Decodes a form body as [`parse_borrowed`] does, handing each pair to `pair` in order
/// without checking for duplicates: a caller that sorts names into known slots checks them
/// there, for less than comparing every name with every other. An error from `pair` stops
/// the walk.
pub(crate) fn for_each_pair<'a>(
    body: &'a [u8],
    limit: usize,
    charset: Charset,
    mut pair: impl FnMut(Cow<'a, str>, Cow<'a, str>) -> Result<()>,
) -> Result<()> {
    if body.len() > limit {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!("body is {} bytes; at most {limit} are accepted", body.len()),
        ));
    }
    // One UTF-8 check of the whole body rather than one per name and value (those were a
    // seventh of a FloCash parse): the pieces of valid text cut at ASCII `&`, `=`, `%`, `+`
    // are valid text. A body that fails is read piece by piece as before, so the error
    // names the same field.
    let text = match charset {
        Charset::Utf8 => std::str::from_utf8(body).ok(),
        _ => None,
    };
    let mut at = 0;
    while at < body.len() {
        let start = at;
        // One scan of the segment finds its end, its `=` and the first escape of the name
        // and of the value; the bytes after a value's first escape only need the `&` looked
        // for (the decoder reads them again).
        let (mut eq, mut name_escape, mut value_escape) = (None, None, None);
        let mut i = start;
        let end = loop {
            let hay = &body[i..];
            let next = match (eq, value_escape) {
                (None, _) => find_any([b'&', b'=', b'%', b'+'], hay),
                (Some(_), None) => find3(b'&', b'%', b'+', hay),
                (Some(_), Some(_)) => find1(b'&', hay),
            };
            let Some(j) = next.map(|j| i + j) else {
                break body.len();
            };
            match body[j] {
                b'&' => break j,
                b'=' => eq = Some(j),
                _ if eq.is_none() => name_escape = name_escape.or(Some(j)),
                _ => value_escape = Some(j),
            }
            i = j + 1;
        };
        at = end + 1;
        if start == end {
            continue;
        }
        // Most names and values have nothing to decode in a valid body: borrowed here,
        // without a call.
        let plain = |range: std::ops::Range<usize>, escape: Option<usize>| match (text, escape) {
            (Some(text), None) => text.get(range).map(Cow::Borrowed),
            _ => None,
        };
        let (name_range, value_range) = match eq {
            Some(eq) => (start..eq, eq + 1..end),
            None => (start..end, end..end),
        };
        let name = match plain(name_range.clone(), name_escape) {
            Some(name) => name,
            None => decode_component(body, text, name_range, name_escape, None, charset)?,
        };
        let value = match (eq, plain(value_range.clone(), value_escape)) {
            // A name without `=` has the empty value.
            (None, _) => Cow::Borrowed(""),
            (Some(_), Some(value)) => value,
            (Some(_), None) => {
                decode_component(body, text, value_range, value_escape, Some(&name), charset)?
            }
        };
        pair(name, value)?;
    }
    Ok(())
}

/// The first `a` or `b` in `hay`. memchr reads a vector at a time rather than a byte (a base64
/// value is hundreds of bytes, and byte loops were a fifth of a Redsys verification), but a
/// call costs a setup that a short name or value does not repay: those are read eight bytes
/// at a time in a `u64` (byte loops were a fifth of a FloCash parse).
pub(crate) fn find(a: u8, b: u8, hay: &[u8]) -> Option<usize> {
    if hay.len() >= 48 {
        return memchr::memchr2(a, b, hay);
    }
    find_any([a, b], hay)
}

/// How far [`find3`] and [`find1`] read a word at a time before handing over to memchr: the
/// next byte looked for is usually that close in a form, and a base64 value much further.
const SHORT: usize = 32;

/// The first `a`, `b` or `c` in `hay`, which may be the rest of a whole body.
fn find3(a: u8, b: u8, c: u8, hay: &[u8]) -> Option<usize> {
    let (head, tail) = hay.split_at(hay.len().min(SHORT));
    find_any([a, b, c], head).or_else(|| Some(SHORT + memchr::memchr3(a, b, c, tail)?))
}

/// The first `a` in `hay`, which may be the rest of a whole body.
fn find1(a: u8, hay: &[u8]) -> Option<usize> {
    let (head, tail) = hay.split_at(hay.len().min(SHORT));
    find_any([a], head).or_else(|| Some(SHORT + memchr::memchr(a, tail)?))
}

/// The first byte of `hay` that is one of `needles`, read eight bytes at a time.
fn find_any<const N: usize>(needles: [u8; N], hay: &[u8]) -> Option<usize> {
    if hay.len() < 8 {
        return hay.iter().position(|c| needles.contains(c));
    }
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&hay[at..at + 8]);
        let w = u64::from_le_bytes(w);
        needles
            .iter()
            .fold(0, |found, &n| found | zero_bytes(w ^ splat(n)))
    };
    let mut at = 0;
    while at + 8 <= hay.len() {
        if let m @ 1.. = word(at) {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    // The last word overlaps bytes already read, which held none of the needles.
    let last = hay.len() - 8;
    match word(last) {
        0 => None,
        m => Some(last + (m.trailing_zeros() / 8) as usize),
    }
}

/// `b` in every byte of a `u64`.
pub(crate) const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The high bit of each zero byte of `x`, exact up to and including the lowest one (a borrow
/// can only flag bytes above a zero byte), which is all [`find`] reads.
pub(crate) const fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(splat(1)) & !x & splat(0x80)
}

/// Decodes `body[range]`, a name (`name` is `None`) or the value of `name`. `text` is the
/// whole body when it is valid UTF-8 (and the charset is UTF-8); `first_escape` is where in
/// the body the range's first `%` or `+` is, if it has one.
fn decode_component<'a>(
    body: &'a [u8],
    text: Option<&'a str>,
    range: std::ops::Range<usize>,
    first_escape: Option<usize>,
    name: Option<&str>,
    charset: Charset,
) -> Result<Cow<'a, str>> {
    let field = || name.map_or_else(|| "(field name)".to_string(), str::to_string);
    let not_text = || {
        Error::new(
            ErrorCode::InvalidUtf8,
            format!("{} is not valid {} text", field(), charset.label()),
        )
        .with_field(field())
    };
    let malformed = || {
        Error::new(
            ErrorCode::InvalidEncoding,
            format!("{} has a malformed %-escape", field()),
        )
        .with_field(field())
    };
    let raw = &body[range.clone()];
    // The range starts and ends at the body's ends or next to an ASCII `&` or `=`, so it
    // always cuts valid text at character boundaries; `get` rather than trust.
    let start = range.start;
    if let Some(text) = text.and_then(|t| t.get(range)) {
        return match first_escape {
            None => Ok(Cow::Borrowed(text)),
            Some(first) => decode_text(text, first - start)
                .map(Cow::Owned)
                .map_err(|bad_escape| if bad_escape { malformed() } else { not_text() }),
        };
    }
    let Some(first) = find(b'%', b'+', raw) else {
        if charset == Charset::Utf8 {
            return std::str::from_utf8(raw).map(Cow::Borrowed).map_err(|_| {
                Error::new(
                    ErrorCode::InvalidUtf8,
                    format!("{} is not valid UTF-8", field()),
                )
                .with_field(field())
            });
        }
        return charset
            .decode(raw.to_vec())
            .map(Cow::Owned)
            .ok_or_else(not_text);
    };
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    let mut at = Some(first);
    // Copy the plain runs between escapes in one go: a base64 value is hundreds of plain bytes.
    while let Some(i) = at {
        out.extend_from_slice(&rest[..i]);
        if rest[i] == b'+' {
            out.push(b' ');
            rest = &rest[i + 1..];
        } else {
            match (hex(rest.get(i + 1)), hex(rest.get(i + 2))) {
                (Some(h), Some(l)) => out.push(h << 4 | l),
                _ => return Err(malformed()),
            }
            rest = &rest[i + 3..];
        }
        at = find(b'%', b'+', rest);
    }
    out.extend_from_slice(rest);
    charset.decode(out).ok_or_else(not_text).map(Cow::Owned)
}

fn hex(b: Option<&u8>) -> Option<u8> {
    match *b? {
        b @ b'0'..=b'9' => Some(b - b'0'),
        b @ b'a'..=b'f' => Some(b - b'a' + 10),
        b @ b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes valid UTF-8 text whose first `%` or `+` is at `first` straight into a `String`,
/// without checking the whole result again: the plain runs are whole characters already, so
/// only the bytes escapes produce need a check, and a run of escapes that is valid on its
/// own is exactly what keeps the result valid (a plain run neither starts nor ends inside a
/// character). Errors as the byte decoder gives them: `Err(true)` for a malformed escape
/// anywhere, else `Err(false)` for invalid UTF-8.
fn decode_text(text: &str, first: usize) -> std::result::Result<String, bool> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Escaped bytes of a run that is not plain ASCII, checked when the run ends.
    let mut pending = Vec::new();
    let mut invalid = false;
    let mut flush = |out: &mut String, pending: &mut Vec<u8>| {
        if !pending.is_empty() {
            match std::str::from_utf8(pending) {
                Ok(s) => out.push_str(s),
                Err(_) => invalid = true,
            }
            pending.clear();
        }
    };
    let (mut plain, mut at) = (0, Some(first));
    while let Some(i) = at {
        if plain < i {
            flush(&mut out, &mut pending);
            out.push_str(&text[plain..i]);
        }
        if bytes[i] == b'+' {
            flush(&mut out, &mut pending);
            out.push(' ');
            plain = i + 1;
        } else {
            let b = match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => h << 4 | l,
                _ => return Err(true),
            };
            if b < 0x80 && pending.is_empty() {
                out.push(char::from(b));
            } else {
                pending.push(b);
            }
            plain = i + 3;
        }
        at = find(b'%', b'+', &bytes[plain..]).map(|j| plain + j);
    }
    flush(&mut out, &mut pending);
    out.push_str(&text[plain..]);
    if invalid { Err(false) } else { Ok(out) }
}

/// Encodes pairs as a form body (`+` for space, everything but `A-Za-z0-9*-._` escaped: the
/// WHATWG `application/x-www-form-urlencoded` serializer).
pub fn encode_urlencoded<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::with_capacity(512);
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(&mut out, name);
        out.push('=');
        encode_component(&mut out, value);
    }
    out
}

fn encode_component(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Runs of bytes that stay as they are go in whole; `write!` per escape was a tenth of a
    // FloCash post-back.
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_') {
            continue;
        }
        // A non-empty run is ASCII after an escaped byte, so both ends are char boundaries.
        if start < i {
            out.push_str(&s[start..i]);
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        start = i + 1;
    }
    if start < s.len() {
        out.push_str(&s[start..]);
    }
}

/// A form for the customer's browser to submit to the gateway's hosted payment page.
///
/// ```
/// use vpos_core::{RedirectForm, Method};
/// let form = RedirectForm {
///     action: "https://pay.example/checkout".into(),
///     method: Method::Post,
///     fields: vec![("item_name".into(), "Tea & \"cake\"".into())],
/// };
/// let html = form.to_html(false);
/// assert!(html.contains(r#"<input type="hidden" name="item_name" value="Tea &amp; &quot;cake&quot;">"#));
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
// Deserialize: a host may hand back a form its server built, to render it (`renderForm`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectForm {
    /// Where the form is submitted.
    pub action: String,
    /// How.
    pub method: Method,
    /// Hidden fields, in the order the gateway documents them.
    pub fields: Vec<(String, String)>,
}

impl RedirectForm {
    /// The form as HTML: hidden inputs, every value escaped, and a submit button. With
    /// `auto_submit`, an inline script submits it on load and the button sits in `<noscript>`.
    ///
    /// The script is inline; a page with a strict Content-Security-Policy must allow it (for
    /// example with a nonce) or render without `auto_submit`.
    pub fn to_html(&self, auto_submit: bool) -> String {
        let mut html = String::with_capacity(256 + self.fields.len() * 64);
        html.push_str("<form class=\"vpos-redirect\" action=\"");
        escape_into(&mut html, &self.action);
        html.push_str("\" method=\"");
        html.push_str(&self.method.as_str().to_ascii_lowercase());
        html.push_str("\" accept-charset=\"utf-8\">\n");
        for (name, value) in &self.fields {
            html.push_str("<input type=\"hidden\" name=\"");
            escape_into(&mut html, name);
            html.push_str("\" value=\"");
            escape_into(&mut html, value);
            html.push_str("\">\n");
        }
        let button = "<button type=\"submit\">Continue to payment</button>";
        if auto_submit {
            html.push_str("<noscript>");
            html.push_str(button);
            html.push_str("</noscript>\n</form>\n<script>document.currentScript.previousElementSibling.submit();</script>\n");
        } else {
            html.push_str(button);
            html.push_str("\n</form>\n");
        }
        html
    }
}

/// Escapes text for an HTML attribute value or text node.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_rejects() {
        let p = parse_urlencoded(b"a=1&&b=&c&d=%C3%A9t%C3%A9", 100).unwrap();
        assert_eq!(
            p,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "".into()),
                ("d".into(), "été".into())
            ]
        );
        let err = |b: &[u8]| parse_urlencoded(b, 64).unwrap_err();
        assert_eq!(err(b"a=%FF").code(), ErrorCode::InvalidUtf8);
        assert_eq!(err(b"a=%FF").field(), Some("a"));
        assert_eq!(err(b"a=%G1").code(), ErrorCode::InvalidEncoding);
        assert_eq!(err(b"a=%4").code(), ErrorCode::InvalidEncoding);
        assert_eq!(err(b"a=1&a=2").code(), ErrorCode::DuplicateField);
        assert_eq!(err(&[b'a'; 65]).code(), ErrorCode::BodyTooLarge);
    }

    /// The decoder the one-scan decoder replaced, byte by byte, component by component: the
    /// oracle for its answers and errors.
    fn old_parse(body: &[u8], charset: Charset) -> Result<Pairs> {
        let mut pairs: Pairs = Vec::new();
        for segment in body.split(|&b| b == b'&').filter(|s| !s.is_empty()) {
            let (name, value) = match segment.iter().position(|&b| b == b'=') {
                Some(i) => (&segment[..i], &segment[i + 1..]),
                None => (segment, &b""[..]),
            };
            let name = old_component(name, None, charset)?;
            let value = old_component(value, Some(&name), charset)?;
            if pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                return Err(duplicate(Cow::Owned(name)));
            }
            pairs.push((name, value));
        }
        Ok(pairs)
    }

    fn old_component(raw: &[u8], name: Option<&str>, charset: Charset) -> Result<String> {
        let field = || name.map_or_else(|| "(field name)".to_string(), str::to_string);
        let (mut out, mut i) = (Vec::new(), 0);
        while i < raw.len() {
            match raw[i] {
                b'+' => out.push(b' '),
                b'%' => match (hex(raw.get(i + 1)), hex(raw.get(i + 2))) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 2;
                    }
                    _ => {
                        return Err(Error::new(
                            ErrorCode::InvalidEncoding,
                            format!("{} has a malformed %-escape", field()),
                        )
                        .with_field(field()));
                    }
                },
                b => out.push(b),
            }
            i += 1;
        }
        let plain = !raw.iter().any(|&b| b == b'%' || b == b'+');
        charset.decode(out).ok_or_else(|| {
            let message = match (plain, charset) {
                (true, Charset::Utf8) => format!("{} is not valid UTF-8", field()),
                _ => format!("{} is not valid {} text", field(), charset.label()),
            };
            Error::new(ErrorCode::InvalidUtf8, message).with_field(field())
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn decodes_as_the_byte_decoder_did(
            picks in proptest::collection::vec(0usize..24, 0..40),
        ) {
            // Pieces of bodies: plain text, separators, escapes of ASCII and of the bytes of
            // `é` and `€` (whole, split or stray), raw UTF-8 and bytes that are never UTF-8.
            const PIECES: [&[u8]; 24] = [
                b"a", b"A", b"=", b"&", b"%", b"+", b"2", b"%2F", b"%41", b"%C3", b"%A9",
                b"%E2", b"%82", b"%AC", b"%c3%a9", b"%G1", b"%4", "é".as_bytes(), "€".as_bytes(),
                b"\xc3", b"\xa9", b"\xff", b"\x80", b"%0A",
            ];
            let body: Vec<u8> = picks.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
            for charset in [Charset::Utf8, Charset::Latin1] {
                let new = parse_urlencoded_in(&body, 1024, charset)
                    .map_err(|e| (e.code(), e.field().map(str::to_string), e.to_string()));
                let old = old_parse(&body, charset)
                    .map_err(|e| (e.code(), e.field().map(str::to_string), e.to_string()));
                proptest::prop_assert_eq!(new, old, "{:?}", String::from_utf8_lossy(&body));
            }
        }
    }

    #[test]
    fn find_agrees_with_a_byte_loop() {
        let bytes: Vec<u8> = (0..64usize)
            .map(|i| [b'a', b'%', b'+', b'&', 0x80, 0x25 ^ 0x80, 0, 1][i * 7 % 11 % 8])
            .collect();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                let hay = &bytes[start..end];
                for (a, b) in [
                    (b'%', b'+'),
                    (b'&', b'&'),
                    (b'=', b'='),
                    (0, 1),
                    (0x80, 0xff),
                ] {
                    let slow = hay.iter().position(|&c| c == a || c == b);
                    assert_eq!(find(a, b, hay), slow, "{hay:?} {a} {b}");
                    let slow = hay.iter().position(|&c| c == a || c == b || c == b'&');
                    assert_eq!(find3(a, b, b'&', hay), slow, "{hay:?} {a} {b}");
                    let slow = hay.iter().position(|&c| c == a);
                    assert_eq!(find1(a, hay), slow, "{hay:?} {a}");
                }
            }
        }
    }

    #[test]
    fn encodes_like_a_browser() {
        assert_eq!(
            encode_urlencoded([("order id", "a&b=c"), ("x", "é+~")]),
            "order+id=a%26b%3Dc&x=%C3%A9%2B%7E"
        );
        let round = parse_urlencoded(encode_urlencoded([("k", "é & +")]).as_bytes(), 100).unwrap();
        assert_eq!(round[0].1, "é & +");
    }

    #[test]
    fn encodes_every_byte_as_before() {
        // The byte-at-a-time encoder this one replaced.
        fn old(s: &str) -> String {
            let mut out = String::new();
            for &b in s.as_bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                        out.push(b as char)
                    }
                    b' ' => out.push('+'),
                    _ => out.push_str(&format!("%{b:02X}")),
                }
            }
            out
        }
        let mut every: String = (0u8..0x80).map(char::from).collect();
        every.push_str("é€𝄞x y~");
        for s in ["", "plain", "é", "aé", "éa", "a b", every.as_str()] {
            let mut out = String::new();
            encode_component(&mut out, s);
            assert_eq!(out, old(s), "{s:?}");
        }
    }

    #[test]
    fn html_escapes_everything_and_auto_submits() {
        let form = RedirectForm {
            action: "https://x.example/?a=1&b=\"2\"".into(),
            method: Method::Post,
            fields: vec![("n<".into(), "'v'>".into())],
        };
        let html = form.to_html(true);
        assert!(html.contains("action=\"https://x.example/?a=1&amp;b=&quot;2&quot;\""));
        assert!(html.contains("name=\"n&lt;\" value=\"&#x27;v&#x27;&gt;\""));
        assert!(html.contains("<noscript><button"));
        assert!(html.contains(".submit();</script>"));
        assert!(!form.to_html(false).contains("<script>"));
    }
}

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
    if body.len() > limit {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!("body is {} bytes; at most {limit} are accepted", body.len()),
        ));
    }
    let mut pairs = Vec::with_capacity(memchr::memchr_iter(b'&', body).count() + 1);
    let mut rest = body;
    while !rest.is_empty() {
        let (segment, next) = match find(b'&', b'&', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &b""[..]),
        };
        rest = next;
        if segment.is_empty() {
            continue;
        }
        let (raw_name, raw_value) = match find(b'=', b'=', segment) {
            Some(i) => (&segment[..i], &segment[i + 1..]),
            None => (segment, &b""[..]),
        };
        let name = decode_component(raw_name, None, charset)?;
        let value = decode_component(raw_value, Some(&name), charset)?;
        if pairs
            .iter()
            .any(|(n, _): &(Cow<'_, str>, _)| n.eq_ignore_ascii_case(&name))
        {
            return Err(Error::new(
                ErrorCode::DuplicateField,
                format!("{name} appears more than once"),
            )
            .with_field(name.into_owned()));
        }
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// The first `a` or `b` in `hay`. memchr reads a vector at a time rather than a byte (a base64
/// value is hundreds of bytes, and byte loops were a fifth of a Redsys verification), but a
/// call costs a setup that a plain loop over a short name or value does not.
pub(crate) fn find(a: u8, b: u8, hay: &[u8]) -> Option<usize> {
    if hay.len() < 48 {
        hay.iter().position(|&c| c == a || c == b)
    } else {
        memchr::memchr2(a, b, hay)
    }
}

fn decode_component<'a>(
    raw: &'a [u8],
    name: Option<&str>,
    charset: Charset,
) -> Result<Cow<'a, str>> {
    let field = || name.map_or_else(|| "(field name)".to_string(), str::to_string);
    let Some(first) = find(b'%', b'+', raw) else {
        if charset == Charset::Utf8 {
            // Most names and many values need no decoding: validate in place, borrow.
            return std::str::from_utf8(raw).map(Cow::Borrowed).map_err(|_| {
                Error::new(
                    ErrorCode::InvalidUtf8,
                    format!("{} is not valid UTF-8", field()),
                )
                .with_field(field())
            });
        }
        return charset.decode(raw.to_vec()).map(Cow::Owned).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidUtf8,
                format!("{} is not valid {} text", field(), charset.label()),
            )
            .with_field(field())
        });
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
            let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
            match (hex(rest.get(i + 1)), hex(rest.get(i + 2))) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => {
                    return Err(Error::new(
                        ErrorCode::InvalidEncoding,
                        format!("{} has a malformed %-escape", field()),
                    )
                    .with_field(field()));
                }
            }
            rest = &rest[i + 3..];
        }
        at = find(b'%', b'+', rest);
    }
    out.extend_from_slice(rest);
    charset.decode(out).map(Cow::Owned).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidUtf8,
            format!("{} is not valid {} text", field(), charset.label()),
        )
        .with_field(field())
    })
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

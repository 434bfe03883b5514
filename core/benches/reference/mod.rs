//! Lean references for the core's hot paths (issue #23): what a careful hand-written Rust
//! implementation costs with plain RustCrypto, borrowed parsing and a cached key schedule.
//! The bench runs them beside the core's functions, so the core's distance to "the limit" is
//! measured in one run, on one machine state.
//!
//! They are deliberately lean: borrowed where they can be, `None` rather than typed errors,
//! nothing kept that a caller did not ask for. The Redsys ones stop at what the signature
//! proves (no limits, no duplicate checks, exact names). The FloCash one has no signature to
//! lean on, so it makes the checks any correct listener must (see [`flocash_parse`]):
//! otherwise the target would compare a validating parser with one that validates nothing.
//! They must give the same answers as the core on the bench inputs, and the FloCash one must
//! refuse what the core refuses (`check_references` asserts both once, before anything is
//! timed).

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use des::TdesEde3;
use des::cipher::{BlockCipherEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// `%XX` and `+` decoding, borrowing when there is nothing to decode.
fn form_decode(raw: &[u8]) -> Option<Cow<'_, str>> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return std::str::from_utf8(raw).ok().map(Cow::Borrowed);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let h = hex(*raw.get(i + 1)?)?;
                let l = hex(*raw.get(i + 2)?)?;
                out.push((h * 16 + l) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// Splits a form body into borrowed names and (where needed) decoded values.
fn form_pairs(body: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    body.split(|&b| b == b'&')
        .filter(|s| !s.is_empty())
        .map(|s| match s.iter().position(|&b| b == b'=') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, &b""[..]),
        })
}

/// A Redsys `HMAC_SHA256_V1` merchant key with its 3DES schedule built once.
pub struct RedsysKey(TdesEde3);

impl RedsysKey {
    pub fn new(secret: &str) -> RedsysKey {
        let bytes = STANDARD.decode(secret).expect("base64 secret");
        RedsysKey(TdesEde3::new_from_slice(&bytes).expect("24-byte key"))
    }

    /// 3DES-CBC, zero IV, the order zero-padded to whole blocks (orders are at most 12).
    fn order_key(&self, order: &str) -> ([u8; 16], usize) {
        let mut data = [0u8; 16];
        let order = order.as_bytes();
        assert!(order.len() <= 16);
        data[..order.len()].copy_from_slice(order);
        let len = order.len().div_ceil(8) * 8;
        let mut previous = [0u8; 8];
        for chunk in data[..len].chunks_exact_mut(8) {
            for (c, p) in chunk.iter_mut().zip(previous) {
                *c ^= p;
            }
            let mut block = <[u8; 8]>::try_from(&*chunk).unwrap().into();
            self.0.encrypt_block(&mut block);
            previous = block.into();
            chunk.copy_from_slice(&previous);
        }
        (data, len)
    }

    fn mac(&self, order: &str, message: &[u8]) -> [u8; 32] {
        let (key, len) = self.order_key(order);
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key[..len]).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

/// What a host needs from a verified Redsys notification.
#[derive(Debug, PartialEq, Eq)]
pub struct RedsysAnswer {
    pub order: String,
    pub amount_minor: i64,
    pub currency_numeric: u16,
    pub merchant_code: String,
    pub response: String,
    pub authorisation_code: Option<String>,
}

/// The parameters a host reads, borrowed from the decoded JSON where unescaped.
#[derive(Deserialize)]
struct RedsysParams<'a> {
    #[serde(rename = "Ds_Order", borrow)]
    order: Cow<'a, str>,
    #[serde(rename = "Ds_Amount", borrow)]
    amount: Cow<'a, str>,
    #[serde(rename = "Ds_Currency", borrow)]
    currency: Cow<'a, str>,
    #[serde(rename = "Ds_MerchantCode", borrow)]
    merchant_code: Cow<'a, str>,
    #[serde(rename = "Ds_Response", borrow)]
    response: Cow<'a, str>,
    #[serde(rename = "Ds_AuthorisationCode", borrow, default)]
    authorisation_code: Option<Cow<'a, str>>,
}

/// Redsys HTTP notification: split the form, decode the parameters, read the JSON borrowed,
/// HMAC with the cached schedule, compare in constant time. `None` for anything wrong.
pub fn redsys_verify(key: &RedsysKey, body: &[u8]) -> Option<RedsysAnswer> {
    let (mut version, mut params, mut signature) = (None, None, None);
    for (name, value) in form_pairs(body) {
        match name {
            b"Ds_SignatureVersion" => version = Some(form_decode(value)?),
            b"Ds_MerchantParameters" => params = Some(form_decode(value)?),
            b"Ds_Signature" => signature = Some(form_decode(value)?),
            _ => {}
        }
    }
    if version?.as_ref() != "HMAC_SHA256_V1" {
        return None;
    }
    let (params, signature) = (params?, signature?);
    let json = STANDARD.decode(params.as_bytes()).ok()?;
    let p: RedsysParams<'_> = serde_json::from_slice(&json).ok()?;
    let mut received = [0u8; 32];
    let engine = if signature.contains(['-', '_']) {
        URL_SAFE
    } else {
        STANDARD
    };
    if engine.decode_slice(signature.as_bytes(), &mut received) != Ok(32) {
        return None;
    }
    let expected = key.mac(&p.order, params.as_bytes());
    if !bool::from(received.ct_eq(&expected)) {
        return None;
    }
    let response: u16 = p.response.parse().ok().filter(|r| *r <= 9999)?;
    Some(RedsysAnswer {
        order: p.order.into_owned(),
        amount_minor: p.amount.parse().ok()?,
        currency_numeric: p.currency.parse().ok()?,
        merchant_code: p.merchant_code.into_owned(),
        response: format!("{response:04}"),
        authorisation_code: p.authorisation_code.map(Cow::into_owned),
    })
}

/// Redsys redirect form: the parameters JSON written directly (keys in the core's order),
/// base64, HMAC with the cached schedule. Returns the three form fields.
pub fn redsys_sign(key: &RedsysKey, pairs: &[(&str, &str)]) -> [String; 3] {
    let mut json = Vec::with_capacity(512);
    json.push(b'{');
    let mut order = "";
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.push(b'"');
        json.extend_from_slice(k.as_bytes());
        json.extend_from_slice(b"\":");
        serde_json::to_writer(&mut json, v).unwrap();
        if *k == "DS_MERCHANT_ORDER" {
            order = v;
        }
    }
    json.push(b'}');
    let parameters = STANDARD.encode(&json);
    let signature = STANDARD.encode(key.mac(order, parameters.as_bytes()));
    ["HMAC_SHA256_V1".to_string(), parameters, signature]
}

/// A FloCash notification read borrowed, checked as any correct listener must check it.
#[derive(Debug, Default)]
pub struct Flocash<'a> {
    /// The 17 documented fields, in [`FLOCASH_FIELDS`] order; empty ones read as absent.
    pub fields: [Option<Cow<'a, str>>; 17],
    pub amount_minor: i64,
    pub item_price_minor: Option<i64>,
    pub quantity: Option<u32>,
    /// `status`, normalised to at least four digits.
    pub status: String,
    /// `action` in lower case (`sale` when absent).
    pub action: &'static str,
}

/// The documented fields and their longest values, as FloCash's Payment Notification document
/// tables them (`trans_id` widened from 20 to 50, as djflocash did for real ids).
pub const FLOCASH_FIELDS: [(&str, usize); 17] = [
    ("merchant", 50),
    ("sender_acct", 50),
    ("order_id", 25),
    ("amount", 32),
    ("item_name", 250),
    ("item_price", 32),
    ("currency_code", 3),
    ("quantity", 10),
    ("trans_id", 50),
    ("fpn_id", 50),
    ("custom", 25),
    ("customer", 250),
    ("status", 8),
    ("status_msg", 250),
    ("payer_email", 250),
    ("payment_channel", 250),
    ("txn_partner_ref", 250),
];

/// The fields FloCash always sends and djflocash's notification form requires: `merchant`,
/// `order_id`, `amount`, `currency_code`, `trans_id`, `fpn_id`, `status`.
const FLOCASH_REQUIRED: [usize; 7] = [0, 2, 3, 6, 8, 9, 12];

/// The slot of a received name in any letter case (FloCash's own tables write `Amount`,
/// `Quantity`, `Custom`, `Customer`, `Status`); 17 is `action`.
fn flocash_slot(name: &str) -> Option<usize> {
    let mut lower = [0u8; 16];
    let lower = lower.get_mut(..name.len())?;
    for (l, b) in lower.iter_mut().zip(name.bytes()) {
        *l = b.to_ascii_lowercase();
    }
    Some(match &*lower {
        b"merchant" => 0,
        b"sender_acct" => 1,
        b"order_id" => 2,
        b"amount" => 3,
        b"item_name" => 4,
        b"item_price" => 5,
        b"currency_code" => 6,
        b"quantity" => 7,
        b"trans_id" => 8,
        b"fpn_id" => 9,
        b"custom" => 10,
        b"customer" => 11,
        b"status" => 12,
        b"status_msg" => 13,
        b"payer_email" => 14,
        b"payment_channel" => 15,
        b"txn_partner_ref" => 16,
        b"action" => 17,
        _ => return None,
    })
}

/// At most `max` characters and no control characters.
fn flocash_text_ok(v: &str, max: usize) -> bool {
    if v.is_ascii() {
        v.len() <= max && !v.bytes().any(|b| b < 0x20 || b == 0x7f)
    } else {
        v.chars().count() <= max && !v.chars().any(char::is_control)
    }
}

/// A plain decimal (`23`, `23.4`, `23.45`) exactly in minor units of a currency of `exponent`
/// digits: digits beyond the exponent must be zeros (`100.00` XOF is 100, `12.345` EUR is
/// refused), no sign, no exponent, no lone `.`, no overflow.
fn parse_decimal(s: &str, exponent: usize) -> Option<i64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (s, ""),
    };
    if int.is_empty() || frac.bytes().skip(exponent).any(|b| b != b'0') {
        return None;
    }
    let frac = frac.as_bytes().get(..exponent).unwrap_or(frac.as_bytes());
    let padding = std::iter::repeat_n(b'0', exponent - frac.len());
    let mut minor: i64 = 0;
    for b in int.bytes().chain(frac.iter().copied()).chain(padding) {
        if !b.is_ascii_digit() {
            return None;
        }
        minor = minor.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some(minor)
}

/// A whole number of ASCII digits (no sign: `str::parse` alone would take `+4`).
fn parse_digits(s: &str) -> Option<u32> {
    match s.bytes().all(|b| b.is_ascii_digit()) {
        true => s.parse().ok(),
        false => None,
    }
}

/// FloCash notification, as a correct listener must read it. Each check and why it is needed:
///
/// - **Content type**: `application/x-www-form-urlencoded`, UTF-8 (FloCash posts an HTML form;
///   another body is not a notification). **Size**: at most 64 KiB (the 17 fields at their
///   longest are far below; reading more is a denial of service).
/// - **Form decoding** (WHATWG URL Standard, `application/x-www-form-urlencoded` parsing): `+`
///   is a space, `%XX` needs two hex digits (else refused), names and values must be UTF-8
///   after decoding. Every pair is decoded, not only the read ones: the post-back echoes them.
/// - **Names in any letter case** (FloCash's Payment Notification document writes `Amount`,
///   `Quantity`, `Custom`, `Customer`, `Status`); **no read field twice**, in any case: a
///   second `amount` is how a value is smuggled past a check (docs/security.md: the merchant,
///   order, amount and currency decide the payment).
/// - **Required fields** present and not blank: the seven of `FLOCASH_REQUIRED` (djflocash's
///   notification form, <https://github.com/jurismarches/djflocash>, answers 422 without them).
/// - **Lengths** of every read field within the document's table, in characters, and **no
///   control characters** (values are stored and echoed; the lengths are the columns' sizes).
/// - **Amount** exact in the minor unit of `currency_code` (ISO 4217 exponents, the core's
///   table: data, not parsing), over-precision refused; `item_price` likewise when sent.
/// - **`quantity`** a whole number, **`status`** 1 to 8 digits normalised to four (djflocash
///   reads both as integers), **`action`** one of Sale, Refund, Chargeback, Cancel, Test.
///
/// Lean where the core is not obliged to be: fields borrowed (decoded copies only where
/// `%`/`+` forced one), undocumented fields neither kept nor checked for duplicates, the raw
/// body not copied, `None` instead of typed errors.
pub fn flocash_parse<'a>(content_type: &str, body: &'a [u8]) -> Option<Flocash<'a>> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    {
        return None;
    }
    for param in parts {
        if let Some((k, v)) = param.split_once('=')
            && k.trim().eq_ignore_ascii_case("charset")
            && !v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        {
            return None;
        }
    }
    if body.len() > 64 * 1024 {
        return None;
    }
    let mut out = Flocash::default();
    let (mut seen, mut action) = (0u32, None);
    for (name, value) in form_pairs(body) {
        let (name, value) = (form_decode(name)?, form_decode(value)?);
        let Some(slot) = flocash_slot(&name) else {
            continue;
        };
        if seen & 1 << slot != 0 {
            return None;
        }
        seen |= 1 << slot;
        match out.fields.get_mut(slot) {
            Some(field) => *field = Some(value),
            None => action = Some(value),
        }
    }
    for (field, (_, max)) in out.fields.iter_mut().zip(FLOCASH_FIELDS) {
        if field.as_deref().is_some_and(str::is_empty) {
            *field = None;
        }
        if field.as_deref().is_some_and(|v| !flocash_text_ok(v, max)) {
            return None;
        }
    }
    let get = |i: usize| out.fields[i].as_deref();
    if FLOCASH_REQUIRED
        .iter()
        .any(|&i| get(i).is_none_or(|v| v.trim().is_empty()))
    {
        return None;
    }
    let currency = vpos_core::Currency::from_code(get(6)?).ok()?;
    let exponent = usize::from(currency.exponent());
    out.amount_minor = parse_decimal(get(3)?, exponent)?;
    out.item_price_minor = match get(5) {
        Some(p) => Some(parse_decimal(p, exponent)?),
        None => None,
    };
    out.quantity = match get(7) {
        Some(q) => Some(parse_digits(q)?),
        None => None,
    };
    out.status = format!("{:04}", parse_digits(get(12)?)?);
    out.action = match action.as_deref().filter(|a| !a.is_empty()) {
        None => "sale",
        Some(a) => ["sale", "refund", "chargeback", "cancel", "test"]
            .into_iter()
            .find(|known| known.eq_ignore_ascii_case(a))?,
    };
    Some(out)
}

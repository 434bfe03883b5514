//! Lean references for the core's hot paths (issue #23): what a careful hand-written Rust
//! implementation costs with plain RustCrypto, borrowed parsing and a cached key schedule.
//! The bench runs them beside the core's functions, so the core's distance to "the limit" is
//! measured in one run, on one machine state.
//!
//! They are deliberately lean: no limits, no duplicate checks, no letter-case leniency, exact
//! field names only. They must still give the same answers as the core on the bench inputs
//! (`check` asserts that once, before anything is timed).

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

/// A FloCash notification read borrowed: the 17 documented fields, the amount exact.
#[derive(Debug, Default)]
pub struct Flocash<'a> {
    pub fields: [Option<Cow<'a, str>>; 17],
    pub amount_minor: i64,
    pub status: String,
}

pub const FLOCASH_FIELDS: [&str; 17] = [
    "merchant",
    "sender_acct",
    "order_id",
    "amount",
    "item_name",
    "item_price",
    "currency_code",
    "quantity",
    "trans_id",
    "fpn_id",
    "custom",
    "customer",
    "status",
    "status_msg",
    "payer_email",
    "payment_channel",
    "txn_partner_ref",
];

/// Parses `23.45`-style amounts exactly into minor units for a currency of `exponent` digits.
fn parse_decimal(s: &str, exponent: usize) -> Option<i64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || frac.len() > exponent {
        return None;
    }
    let mut minor: i64 = 0;
    let padding = std::iter::repeat_n(b'0', exponent - frac.len());
    for b in int.bytes().chain(frac.bytes()).chain(padding) {
        if !b.is_ascii_digit() {
            return None;
        }
        minor = minor.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some(minor)
}

/// FloCash notification: a borrowed split of the body into the 17 documented slots, the
/// required ones present, the amount exact in the currency's minor unit.
pub fn flocash_parse(body: &[u8]) -> Option<Flocash<'_>> {
    let mut out = Flocash::default();
    for (name, value) in form_pairs(body) {
        if let Some(i) = FLOCASH_FIELDS.iter().position(|f| f.as_bytes() == name) {
            out.fields[i] = Some(form_decode(value)?);
        }
    }
    let get = |i: usize| out.fields[i].as_deref().filter(|v| !v.is_empty());
    for required in [0, 2, 3, 6, 8, 9, 12] {
        get(required)?;
    }
    // The ISO 4217 table is data, not parsing: the reference borrows the core's.
    let currency = vpos_core::Currency::from_code(get(6)?).ok()?;
    let amount_minor = parse_decimal(get(3)?, usize::from(currency.exponent()))?;
    let status: u32 = get(12)?.parse().ok()?;
    out.amount_minor = amount_minor;
    out.status = format!("{status:04}");
    Some(out)
}

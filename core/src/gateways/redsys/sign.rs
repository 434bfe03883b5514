//! Redsys signatures: a per-order key, then an HMAC over the signed text.
//!
//! | version | order key | HMAC | signature | parameters |
//! |---|---|---|---|---|
//! | `HMAC_SHA256_V1` | 3DES-CBC (zero IV), key = base64-decoded secret (24 bytes), order zero-padded to 8-byte blocks | SHA-256 keyed with the raw order key | base64 | base64 |
//! | `HMAC_SHA512_V1` | AES-128-CBC (zero IV), key = first 16 characters of the secret right-padded with `0`, order PKCS#7-padded | SHA-512 keyed with the **base64 text** of the order key | base64url, `=` kept | base64 |
//! | `HMAC_SHA512_V2` | as `HMAC_SHA512_V1` | as `HMAC_SHA512_V1` | base64url, no `=` | base64url, no `=` |
//!
//! The signed text is `Ds_MerchantParameters` exactly as sent or received (or the SOAP
//! `<Request>` markup). Received signatures are decoded in either alphabet, padding optional,
//! and the MAC bytes compared in constant time. A string that only matches after dropping
//! characters does not match, and neither does one with both alphabets mixed.

use std::borrow::Cow;
use std::sync::OnceLock;

use aes::Aes128;
use aes::cipher::{BlockCipherEncrypt, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;

use super::tdes::TdesEde3;

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// A Redsys signature scheme (`Ds_SignatureVersion`).
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "RedsysSignatureVersion")
)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignatureVersion {
    /// `HMAC_SHA256_V1`: 3DES order key, HMAC-SHA256 (every contract; SOAP uses only this).
    #[default]
    #[serde(rename = "HMAC_SHA256_V1")]
    HmacSha256V1,
    /// `HMAC_SHA512_V1`: AES order key, HMAC-SHA512, base64url signature with padding.
    #[serde(rename = "HMAC_SHA512_V1")]
    HmacSha512V1,
    /// `HMAC_SHA512_V2`: as V1, signature and parameters base64url without padding.
    #[serde(rename = "HMAC_SHA512_V2")]
    HmacSha512V2,
}

impl SignatureVersion {
    /// Every version, oldest first.
    pub const ALL: [SignatureVersion; 3] = [
        SignatureVersion::HmacSha256V1,
        SignatureVersion::HmacSha512V1,
        SignatureVersion::HmacSha512V2,
    ];

    /// The wire name (`HMAC_SHA256_V1` …).
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureVersion::HmacSha256V1 => "HMAC_SHA256_V1",
            SignatureVersion::HmacSha512V1 => "HMAC_SHA512_V1",
            SignatureVersion::HmacSha512V2 => "HMAC_SHA512_V2",
        }
    }

    /// Reads a received `Ds_SignatureVersion` (exact, upper case).
    pub fn from_wire(s: &str) -> Result<SignatureVersion> {
        SignatureVersion::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            Error::new(
                ErrorCode::UnsupportedSignatureVersion,
                format!(
                    "Ds_SignatureVersion {:?} is not one of HMAC_SHA256_V1, HMAC_SHA512_V1, HMAC_SHA512_V2",
                    s.chars().take(24).collect::<String>()
                ),
            )
            .with_field("Ds_SignatureVersion")
        })
    }

    fn mac_len(self) -> usize {
        match self {
            SignatureVersion::HmacSha256V1 => 32,
            _ => 64,
        }
    }

    /// Encodes the parameters JSON as this version sends it.
    pub fn encode_parameters(self, json: &[u8]) -> String {
        match self {
            SignatureVersion::HmacSha512V2 => URL_SAFE_NO_PAD.encode(json),
            _ => STANDARD.encode(json),
        }
    }

    fn encode_signature(self, mac: &[u8]) -> String {
        match self {
            SignatureVersion::HmacSha256V1 => STANDARD.encode(mac),
            SignatureVersion::HmacSha512V1 => URL_SAFE.encode(mac),
            SignatureVersion::HmacSha512V2 => URL_SAFE_NO_PAD.encode(mac),
        }
    }
}

/// The merchant secret, checked for one signature version.
// Built once per configuration and lent by its [`KeyCache`].
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum MerchantKey {
    Tdes(TdesEde3),
    Aes(Aes128, SignatureVersion),
}

impl MerchantKey {
    /// Checks the secret for `version`: 24 bytes of base64 for 3DES, at least 16 characters
    /// for AES (Redsys secrets are 32).
    pub(crate) fn new(secret: &Secret, version: SignatureVersion) -> Result<MerchantKey> {
        let text = secret.expose().trim();
        if version == SignatureVersion::HmacSha256V1 {
            let bytes = STANDARD_LENIENT.decode(text).map_err(|_| {
                Error::config(
                    "secret_key",
                    "is not base64 (Redsys keys look like sq7HjrUOBfKmC576ILgskD5srU870gJ7)",
                )
            })?;
            let cipher = TdesEde3::new_from_slice(&bytes).ok_or_else(|| {
                Error::config(
                    "secret_key",
                    format_args!("decodes to {} bytes; a 3DES key has 24", bytes.len()),
                )
            })?;
            return Ok(MerchantKey::Tdes(cipher));
        }
        if text.is_empty() || !text.is_ascii() {
            return Err(Error::config(
                "secret_key",
                "must be the ASCII key Redsys issued",
            ));
        }
        let mut key = [b'0'; 16];
        let take = text.len().min(16);
        key[..take].copy_from_slice(&text.as_bytes()[..take]);
        let cipher = Aes128::new_from_slice(&key)
            .map_err(|_| Error::config("secret_key", "cannot be used as an AES-128 key"))?;
        Ok(MerchantKey::Aes(cipher, version))
    }

    fn version(&self) -> SignatureVersion {
        match self {
            MerchantKey::Tdes(_) => SignatureVersion::HmacSha256V1,
            MerchantKey::Aes(_, v) => *v,
        }
    }

    /// The order key: CBC with a zero IV, zero padding (3DES) or PKCS#7 (AES).
    pub(crate) fn order_key(&self, order: &str) -> Vec<u8> {
        let mut data = vec![0; self.padded_len(order)];
        self.order_key_into(order, &mut data);
        data
    }

    /// The order's length padded to whole blocks.
    fn padded_len(&self, order: &str) -> usize {
        match self {
            MerchantKey::Tdes(_) => order.len().div_ceil(8) * 8,
            MerchantKey::Aes(..) => order.len() + (16 - order.len() % 16),
        }
    }

    /// [`MerchantKey::order_key`] into `data`, exactly [`MerchantKey::padded_len`] long: the
    /// order, padded, then encrypted in place.
    fn order_key_into(&self, order: &str, data: &mut [u8]) {
        let pad = match self {
            MerchantKey::Tdes(_) => 0,
            MerchantKey::Aes(..) => data.len() - order.len(),
        };
        data[..order.len()].copy_from_slice(order.as_bytes());
        data[order.len()..].fill(pad as u8);
        match self {
            MerchantKey::Tdes(cipher) => cbc::<8>(data, |block| cipher.encrypt_block(block)),
            MerchantKey::Aes(cipher, _) => cbc::<16>(data, |block: &mut [u8; 16]| {
                let mut b = (*block).into();
                cipher.encrypt_block(&mut b);
                *block = b.into();
            }),
        }
    }

    /// The raw MAC of `message` for `order`, on the stack (SHA-256 fills 32 of the 64 bytes).
    pub(crate) fn mac(&self, order: &str, message: &[u8]) -> MacBytes {
        // Orders are 4 to 12 characters (a received Ds_Order can be anything): the order key
        // goes on the stack when it fits.
        let mut stack = [0u8; 32];
        let heap;
        let order_key: &[u8] = match stack.get_mut(..self.padded_len(order)) {
            Some(buffer) => {
                self.order_key_into(order, buffer);
                buffer
            }
            None => {
                heap = self.order_key(order);
                &heap
            }
        };
        let mut out = MacBytes([0; 64], 0);
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
        match self {
            MerchantKey::Tdes(_) => {
                let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(order_key)
                    .expect("HMAC key of any length");
                mac.update(message);
                out.0[..32].copy_from_slice(&mac.finalize().into_bytes());
                out.1 = 32;
            }
            MerchantKey::Aes(..) => {
                let key_text = STANDARD.encode(order_key);
                let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(key_text.as_bytes())
                    .expect("HMAC key of any length");
                mac.update(message);
                out.0.copy_from_slice(&mac.finalize().into_bytes());
                out.1 = 64;
            }
        }
        out
    }

    /// The signature as this version sends it.
    pub(crate) fn sign(&self, order: &str, message: &[u8]) -> String {
        self.version()
            .encode_signature(self.mac(order, message).as_slice())
    }

    /// Checks a received signature (either base64 alphabet, padding optional) in constant time.
    pub(crate) fn verify(&self, order: &str, message: &[u8], signature: &str) -> Result<()> {
        let received = decode_signature(signature, self.version().mac_len())?;
        let expected = self.mac(order, message);
        if bool::from(received.as_slice().ct_eq(expected.as_slice())) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::SignatureMismatch,
                format!(
                    "Ds_Signature does not match the merchant key and order ({}, compared as decoded bytes)",
                    self.version().as_str()
                ),
            )
            .with_field("Ds_Signature"))
        }
    }
}

/// The merchant key's cipher schedules, built on first use and kept with the configuration.
/// A 3DES schedule is three DES key expansions after a base64 decode (about a twentieth of a
/// verification), and one configuration signs and verifies many messages with one secret.
///
/// Each entry keeps the secret it was built from, because `Config`'s fields are public: a
/// secret replaced after first use must never sign with the old schedule, so a mismatch builds
/// afresh (uncached; a configuration whose secret keeps changing only loses the speed-up).
/// Comparing the two copies is not constant-time, and needs not be: no one outside chooses
/// either. A secret that does not make a key is not cached; the error comes back every time.
// Boxed: the schedules are hundreds of bytes, and every `Config` (and the driver's enum of
// them) would carry them inline. One cell per version, so that a cached key is lent as it is
// (the two SHA-512 versions share a schedule but not the signature encoding).
#[derive(Clone, Default)]
pub(crate) struct KeyCache([OnceLock<Box<(Secret, MerchantKey)>>; 3]);

impl KeyCache {
    /// The key for `version` from `secret`: lent from the cache when it was built from this
    /// secret, else built (and cached if the cell is empty).
    pub(crate) fn key(
        &self,
        secret: &Secret,
        version: SignatureVersion,
    ) -> Result<Cow<'_, MerchantKey>> {
        let cell = match version {
            SignatureVersion::HmacSha256V1 => &self.0[0],
            SignatureVersion::HmacSha512V1 => &self.0[1],
            SignatureVersion::HmacSha512V2 => &self.0[2],
        };
        match cell.get().map(|entry| &**entry) {
            Some((built_from, key)) if built_from.expose() == secret.expose() => {
                Ok(Cow::Borrowed(key))
            }
            Some(_) => MerchantKey::new(secret, version).map(Cow::Owned),
            None => {
                let key = MerchantKey::new(secret, version)?;
                // Another thread may have filled the cell meanwhile; either way it is full now.
                let _ = cell.set(Box::new((secret.clone(), key)));
                self.key(secret, version)
            }
        }
    }
}

/// An HMAC value: SHA-256 (32 bytes) or SHA-512 (64), without an allocation.
pub(crate) struct MacBytes([u8; 64], usize);

impl MacBytes {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.0[..self.1]
    }
}

/// CBC encryption with a zero IV over whole blocks, in place.
fn cbc<const N: usize>(data: &mut [u8], mut encrypt: impl FnMut(&mut [u8; N])) {
    let mut previous = [0u8; N];
    for chunk in data.chunks_exact_mut(N) {
        let mut block = [0u8; N];
        for ((b, c), p) in block.iter_mut().zip(chunk.iter()).zip(previous) {
            *b = c ^ p;
        }
        encrypt(&mut block);
        previous = block;
        chunk.copy_from_slice(&block);
    }
}

/// Decodes a received signature in either base64 alphabet. Mixed alphabets, stray characters
/// and wrong lengths are refused rather than "cleaned". Decoded on the stack: 96 bytes hold
/// any text that can decode to a SHA-512 MAC, and a longer one is malformed either way.
fn decode_signature(signature: &str, mac_len: usize) -> Result<MacBytes> {
    let malformed = || {
        Error::new(
            ErrorCode::SignatureMismatch,
            "Ds_Signature is not a base64 or base64url HMAC value",
        )
        .with_field("Ds_Signature")
    };
    let bytes = signature.as_bytes();
    let has_std = memchr::memchr2(b'+', b'/', bytes).is_some();
    let has_url = memchr::memchr2(b'-', b'_', bytes).is_some();
    let mut buffer = [0u8; 96];
    let decoded = match (has_std, has_url) {
        (true, true) => return Err(malformed()),
        (false, true) => URL_LENIENT.decode_slice(bytes, &mut buffer),
        _ => STANDARD_LENIENT.decode_slice(bytes, &mut buffer),
    }
    .map_err(|_| malformed())?;
    if decoded != mac_len {
        return Err(malformed());
    }
    let mut mac = MacBytes([0; 64], mac_len);
    mac.0[..mac_len].copy_from_slice(&buffer[..mac_len]);
    Ok(mac)
}

/// Decodes `Ds_MerchantParameters` (either alphabet, padding optional).
pub(crate) fn decode_parameters(text: &str) -> Result<Vec<u8>> {
    let bad = || {
        Error::new(
            ErrorCode::FieldInvalid,
            "Ds_MerchantParameters is not base64",
        )
        .with_field("Ds_MerchantParameters")
    };
    // A byte search (memchr) rather than a char-pattern `contains`, which was half the cost
    // of decoding.
    if memchr::memchr2(b'-', b'_', text.as_bytes()).is_some() {
        URL_LENIENT.decode(text).map_err(|_| bad())
    } else {
        STANDARD_LENIENT.decode(text).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K_TEST: &str = "sq7HjrUOBfKmC576ILgskD5srU870gJ7";
    const K_PHP: &str = "Mk9m98IfEblmPfrpsawt7BmxObt98Jev";

    fn key(k: &str) -> MerchantKey {
        MerchantKey::new(&Secret::new(k), SignatureVersion::HmacSha256V1).unwrap()
    }

    #[test]
    fn order_keys_match_public_vectors() {
        // peers-and-vectors §3.2 R1.
        for (k, order, expected) in [
            (K_TEST, "012345678", "ub0/L8+E9+9ITQJwk3SvHA=="),
            (K_TEST, "0726qI3H7sZx", "GViV77kFjMPKVUcE9qxzlg=="),
            (K_PHP, "1446068581", "Uv3ZTYJhPi5Hpi9R6NzR6w=="),
            (K_PHP, "165446", "fKbHvdchVfk="),
            (K_TEST, "0", "Qyx5NZhbucY="),
            (
                K_TEST,
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                "zpFLv7NacMPOXx570s2BAdR9fZue1crKaHX2S/0/f/8=",
            ),
            (K_TEST, "", ""),
        ] {
            assert_eq!(
                STANDARD.encode(key(k).order_key(order)),
                expected,
                "{order}"
            );
        }
    }

    #[test]
    fn macs_of_long_orders_use_the_same_order_key() {
        // Up to 32 padded bytes the order key is built on the stack, beyond in a vector.
        for version in SignatureVersion::ALL {
            let key = MerchantKey::new(&Secret::new(K_TEST), version).unwrap();
            for order in [
                "0726qI3H7sZx",
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                &"9".repeat(33),
            ] {
                let order_key = key.order_key(order);
                let expected = match version {
                    SignatureVersion::HmacSha256V1 => {
                        let mut mac =
                            <Hmac<Sha256> as KeyInit>::new_from_slice(&order_key).unwrap();
                        mac.update(b"message");
                        mac.finalize().into_bytes().to_vec()
                    }
                    _ => {
                        let text = STANDARD.encode(&order_key);
                        let mut mac =
                            <Hmac<Sha512> as KeyInit>::new_from_slice(text.as_bytes()).unwrap();
                        mac.update(b"message");
                        mac.finalize().into_bytes().to_vec()
                    }
                };
                assert_eq!(key.mac(order, b"message").as_slice(), expected, "{order}");
            }
        }
    }

    #[test]
    fn refuses_bad_keys() {
        for bad in [
            "ky",
            "oHcS8P9M2P+g",
            "oHcS8P9M2P+gdxLw/0zY/w==",
            "not base64!",
        ] {
            let err = MerchantKey::new(&Secret::new(bad), SignatureVersion::HmacSha256V1)
                .err()
                .unwrap();
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{bad}");
            assert!(
                !err.message().contains(bad),
                "secret leaked into {:?}",
                err.message()
            );
        }
    }

    #[test]
    fn sha512_signatures_have_their_encodings() {
        let v1 = MerchantKey::new(&Secret::new(K_TEST), SignatureVersion::HmacSha512V1).unwrap();
        let v2 = MerchantKey::new(&Secret::new(K_TEST), SignatureVersion::HmacSha512V2).unwrap();
        let (s1, s2) = (v1.sign("0726qI3H7sZx", b"x"), v2.sign("0726qI3H7sZx", b"x"));
        assert!(s1.ends_with("==") && !s1.contains(['+', '/']));
        assert_eq!(s1.trim_end_matches('='), s2);
        v1.verify("0726qI3H7sZx", b"x", &s2).unwrap();
        // A SHA-256-length MAC is not a SHA-512 signature.
        assert!(
            v1.verify(
                "0726qI3H7sZx",
                b"x",
                &key(K_TEST).sign("0726qI3H7sZx", b"x")
            )
            .is_err()
        );
    }
}

//! `HMAC_SHA256_V1`: a per-order key derived with 3DES, then HMAC-SHA256.
//!
//! 1. `key = base64(merchant secret)`, 24 bytes (3DES EDE3).
//! 2. `k_order = 3DES-CBC(key, IV = 0, order zero-padded to a multiple of 8)`, no other padding.
//! 3. `signature = HMAC-SHA256(k_order, message)`, where the message is the
//!    `Ds_MerchantParameters` text exactly as sent or received (or the SOAP `<Request>` text).
//!
//! Signatures travel as standard base64 in requests and base64url from Redsys: received ones
//! are decoded (either alphabet, padding optional) and the 32 MAC bytes compared in constant
//! time. A string that only matches after dropping characters does not match.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use des::TdesEde3;
use des::cipher::{BlockCipherEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// The merchant's 3DES key, checked once.
#[derive(Clone)]
pub(crate) struct MerchantKey(TdesEde3);

impl MerchantKey {
    /// Decodes and checks the base64 secret (24 bytes once decoded).
    pub(crate) fn new(secret: &Secret) -> Result<MerchantKey> {
        let bytes = STANDARD_LENIENT
            .decode(secret.expose().trim())
            .map_err(|_| {
                Error::config(
                    "secret_key",
                    "is not base64 (Redsys keys look like sq7HjrUOBfKmC576ILgskD5srU870gJ7)",
                )
            })?;
        let cipher = TdesEde3::new_from_slice(&bytes).map_err(|_| {
            Error::config(
                "secret_key",
                format_args!("decodes to {} bytes; a 3DES key has 24", bytes.len()),
            )
        })?;
        Ok(MerchantKey(cipher))
    }

    /// The order key: 3DES-CBC with a zero IV over the order zero-padded to 8-byte blocks.
    pub(crate) fn order_key(&self, order: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(order.len().div_ceil(8) * 8);
        let mut previous = [0u8; 8];
        for chunk in order.as_bytes().chunks(8) {
            let mut block = [0u8; 8];
            block[..chunk.len()].copy_from_slice(chunk);
            for (b, p) in block.iter_mut().zip(previous) {
                *b ^= p;
            }
            let mut ga = block.into();
            self.0.encrypt_block(&mut ga);
            previous = ga.into();
            out.extend_from_slice(&previous);
        }
        out
    }

    /// The raw MAC of `message` for `order`.
    pub(crate) fn mac(&self, order: &str, message: &[u8]) -> [u8; 32] {
        let key = self.order_key(order);
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("HMAC takes keys of any length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// The signature as Redsys wants it in requests: standard base64, padded.
    pub(crate) fn sign(&self, order: &str, message: &[u8]) -> String {
        STANDARD.encode(self.mac(order, message))
    }

    /// Checks a received signature (base64 or base64url, padding optional) in constant time.
    pub(crate) fn verify(&self, order: &str, message: &[u8], signature: &str) -> Result<()> {
        let received = decode_signature(signature)?;
        let expected = self.mac(order, message);
        if bool::from(received.as_slice().ct_eq(&expected)) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::SignatureMismatch,
                "Ds_Signature does not match the merchant key and order (compared as decoded bytes)",
            )
            .with_field("Ds_Signature"))
        }
    }
}

/// Decodes a received signature in either base64 alphabet. Mixed alphabets, stray characters
/// and wrong lengths are refused rather than "cleaned".
pub(crate) fn decode_signature(signature: &str) -> Result<Vec<u8>> {
    let malformed = || {
        Error::new(
            ErrorCode::SignatureMismatch,
            "Ds_Signature is not a base64 or base64url HMAC-SHA256 value",
        )
        .with_field("Ds_Signature")
    };
    let has_std = signature.contains(['+', '/']);
    let has_url = signature.contains(['-', '_']);
    let decoded = match (has_std, has_url) {
        (true, true) => return Err(malformed()),
        (false, true) => URL_LENIENT.decode(signature),
        _ => STANDARD_LENIENT.decode(signature),
    }
    .map_err(|_| malformed())?;
    if decoded.len() == 32 {
        Ok(decoded)
    } else {
        Err(malformed())
    }
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
    if text.contains(['-', '_']) {
        URL_LENIENT.decode(text).map_err(|_| bad())
    } else {
        STANDARD_LENIENT.decode(text).map_err(|_| bad())
    }
}

/// Standard base64 of the parameters JSON, as sent in requests.
pub(crate) fn encode_parameters(json: &[u8]) -> String {
    STANDARD.encode(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    const K_TEST: &str = "sq7HjrUOBfKmC576ILgskD5srU870gJ7";
    const K_PHP: &str = "Mk9m98IfEblmPfrpsawt7BmxObt98Jev";

    fn key(k: &str) -> MerchantKey {
        MerchantKey::new(&Secret::new(k)).unwrap()
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
    fn refuses_bad_keys() {
        for bad in [
            "ky",
            "oHcS8P9M2P+g",
            "oHcS8P9M2P+gdxLw/0zY/w==",
            "not base64!",
        ] {
            let err = MerchantKey::new(&Secret::new(bad)).err().unwrap();
            assert_eq!(err.code(), ErrorCode::InvalidConfig, "{bad}");
            assert!(
                !err.message().contains(bad),
                "secret leaked into {:?}",
                err.message()
            );
        }
    }
}

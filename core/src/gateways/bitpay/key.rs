//! The merchant facade's key: a secp256k1 private key the shop owner keeps, its SIN (the id
//! BitPay pairs a token to) and the `X-Identity` / `X-Signature` headers of a signed call.
//!
//! Algorithms, as BitPay's key utilities implement them (docs/bitpay.md lists the sources):
//! - `X-Identity`: the SEC1 *compressed* public key (33 bytes), lower-case hex.
//! - `X-Signature`: ECDSA over secp256k1 of SHA-256(full URL + body), DER, lower-case hex. The
//!   URL is the whole request URL, query included; a GET signs the URL alone. vpos signs with
//!   RFC 6979 deterministic nonces (no randomness in the core, stable vectors) and low `s`.
//! - SIN: `0x0F 0x02` (version, "ephemeral" type) + RIPEMD-160(SHA-256(compressed public
//!   key)), then the first 4 bytes of SHA-256(SHA-256(those 22 bytes)) as checksum, all in
//!   base58 (Bitcoin alphabet): 35 characters starting with `T`.

use std::fmt;

use k256::ecdsa::signature::{Signer, Verifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use k256::pkcs8::DecodePrivateKey;
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorCode, Result};
use crate::hex::hex;
use crate::secret::Secret;

/// A merchant-facade private key, read from 64 hex digits or a PEM (`EC PRIVATE KEY`, as
/// BitPay's SDKs write it, or PKCS#8 `PRIVATE KEY`). `Debug` prints `MerchantKey(***)`; a bad
/// key is `invalid_config` on `private_key`, never quoting it.
///
/// ```
/// use vpos_core::{gateways::bitpay::MerchantKey, Secret};
/// // The key of BitPay's Ruby key-utils README.
/// let key = MerchantKey::from_secret(&Secret::new(
///     "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf"))?;
/// assert_eq!(key.identity(), "02034273e1475825926e828c549f59383d5a0b28e52eb374e446ad31aa81e464be");
/// assert_eq!(key.sin(), "TfEKWr2FcX2XnWxUNPJ3iD5Xe6X5frZb1DG");
/// assert_eq!(format!("{key:?}"), "MerchantKey(***)");
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Clone)]
pub struct MerchantKey(SigningKey);

impl fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MerchantKey(***)")
    }
}

fn bad_key() -> Error {
    Error::config(
        "private_key",
        "is not a secp256k1 private key (64 hex digits, or an EC PRIVATE KEY / PRIVATE KEY PEM)",
    )
}

impl MerchantKey {
    /// Reads the key from the configuration's secret (hex or PEM, surrounding blanks ignored).
    pub fn from_secret(secret: &Secret) -> Result<MerchantKey> {
        let text = secret.expose().trim();
        let key = if text.starts_with("-----BEGIN EC PRIVATE KEY-----") {
            k256::SecretKey::from_sec1_pem(text)
                .map(SigningKey::from)
                .map_err(|_| bad_key())?
        } else if text.starts_with("-----BEGIN PRIVATE KEY-----") {
            SigningKey::from_pkcs8_pem(text).map_err(|_| bad_key())?
        } else {
            let bytes = unhex(text).filter(|b| b.len() == 32).ok_or_else(bad_key)?;
            SigningKey::from_slice(&bytes).map_err(|_| bad_key())?
        };
        Ok(MerchantKey(key))
    }

    /// `X-Identity`: the compressed public key, lower-case hex (66 digits).
    pub fn identity(&self) -> String {
        hex(&self.0.verifying_key().to_sec1_point(true).to_bytes())
    }

    /// The SIN BitPay pairs tokens to (see the module's notes).
    pub fn sin(&self) -> String {
        sin_of(&self.0.verifying_key().to_sec1_point(true).to_bytes())
    }

    /// `X-Signature` of `message` (the full URL followed by the body): DER, lower-case hex.
    ///
    /// ```
    /// use vpos_core::{gateways::bitpay::{self, MerchantKey}, Secret};
    /// let key = MerchantKey::from_secret(&Secret::new(
    ///     "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf"))?;
    /// let signature = key.sign("https://test.bitpay.com/refunds{}");
    /// assert_eq!(signature, key.sign("https://test.bitpay.com/refunds{}")); // RFC 6979
    /// bitpay::verify_signature(&key.identity(), "https://test.bitpay.com/refunds{}", &signature)?;
    /// # Ok::<(), vpos_core::Error>(())
    /// ```
    pub fn sign(&self, message: &str) -> String {
        let signature: Signature = self.0.sign(message.as_bytes());
        hex(signature.to_der().as_bytes())
    }
}

/// The SIN of a compressed (or uncompressed: it is compressed first) SEC1 public key given in
/// hex; a key that is not a point of secp256k1 is `field_invalid` on `identity`.
///
/// ```
/// // BitPay's Python and Perl key-utils tests: this public key has this SIN.
/// let sin = vpos_core::gateways::bitpay::sin_from_public_key(
///     "038d970d6ba29dcfa190c177140fd889fadd6d2590b1ee1a6a06e255dbf22b4017")?;
/// assert_eq!(sin, "TeyN4LPrXiG5t2yuSamKqP3ynVk3F52iHrX");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn sin_from_public_key(identity: &str) -> Result<String> {
    let key = public_key(identity)?;
    Ok(sin_of(&key.to_sec1_point(true).to_bytes()))
}

fn public_key(identity: &str) -> Result<VerifyingKey> {
    unhex(identity)
        .and_then(|b| VerifyingKey::from_sec1_bytes(&b).ok())
        .ok_or_else(|| {
            Error::invalid(
                "identity",
                "is not a secp256k1 public key (SEC1, hex: 66 digits starting 02 or 03)",
            )
        })
}

/// Checks an `X-Signature` of `message` by the key `identity` (`X-Identity`), as BitPay does
/// with a signed call: a signature that is not DER hex, or not by this key over this message,
/// is `signature_mismatch` on `signature`; a high-`s` signature too (libsecp256k1's rule).
///
/// ```
/// use vpos_core::gateways::bitpay::verify_signature;
/// // The signature of "this message" in BitPay's Ruby key-utils README.
/// let identity = "02034273e1475825926e828c549f59383d5a0b28e52eb374e446ad31aa81e464be";
/// let signature = "304402207b6d2d59f0e2061519c47744fcdff87e8136f0086aa4b94bd667d62221dfbcb8\
///     02201a0ce7929eed614ff71972879cd0b31813c9ad7ed0e7bbde4590e9a836007db6";
/// assert!(verify_signature(identity, "this message", signature).is_ok());
/// assert!(verify_signature(identity, "this message!", signature).is_err());
/// ```
pub fn verify_signature(identity: &str, message: &str, signature: &str) -> Result<()> {
    let key = public_key(identity)?;
    let mismatch = || {
        Error::new(
            ErrorCode::SignatureMismatch,
            "the X-Signature is not this X-Identity's signature of the URL and body",
        )
        .with_field("signature")
    };
    let der = unhex(signature).ok_or_else(mismatch)?;
    let signature = Signature::from_der(&der).map_err(|_| mismatch())?;
    key.verify(message.as_bytes(), &signature)
        .map_err(|_| mismatch())
}

fn sin_of(compressed: &[u8]) -> String {
    let mut payload = vec![0x0f, 0x02];
    payload.extend_from_slice(&Ripemd160::digest(Sha256::digest(compressed)));
    let check = Sha256::digest(Sha256::digest(&payload));
    payload.extend_from_slice(&check[..4]);
    base58(&payload)
}

/// Base58 with Bitcoin's alphabet; each leading zero byte is a leading `1`.
fn base58(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    // Little-endian base-58 digits, long division by 58 folded into one pass per byte.
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|d| char::from(ALPHABET[usize::from(*d)])),
        )
        .collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| char::from(c).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_keeps_leading_zeros_and_matches_bitcoin() {
        assert_eq!(base58(&[]), "");
        assert_eq!(base58(&[0, 0, 1]), "112");
        // "Hello World!" in base58 (the draft-msporny-base58 example).
        assert_eq!(base58(b"Hello World!"), "2NEpo7TZRRrLZSi2U");
    }

    #[test]
    fn bad_keys_never_quote_the_key() {
        for bad in [
            "",
            "zz",
            "00",
            &"f".repeat(64),
            "-----BEGIN EC PRIVATE KEY-----\nxx",
        ] {
            let e = MerchantKey::from_secret(&Secret::new(bad)).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidConfig, Some("private_key"))
            );
            assert!(bad.len() < 4 || !e.message().contains(bad));
        }
    }

    #[test]
    fn a_signature_fails_on_another_message_or_key() {
        let key = MerchantKey::from_secret(&Secret::new(
            "283b13834de77624696b80c29a2a8df0287e3cca23b26ad5fe77d9d5fed0ee90",
        ))
        .unwrap();
        let sig = key.sign("https://bitpay.com/invoices/X?token=T");
        assert!(
            verify_signature(
                &key.identity(),
                "https://bitpay.com/invoices/X?token=T",
                &sig
            )
            .is_ok()
        );
        for (identity, message, signature) in [
            (
                key.identity(),
                "https://bitpay.com/invoices/Y?token=T".to_string(),
                sig.clone(),
            ),
            (
                key.identity(),
                "https://bitpay.com/invoices/X?token=T".into(),
                sig[..sig.len() - 2].to_string(),
            ),
            (
                key.identity(),
                "https://bitpay.com/invoices/X?token=T".into(),
                "zz".into(),
            ),
        ] {
            let e = verify_signature(&identity, &message, &signature).unwrap_err();
            assert_eq!(e.code(), ErrorCode::SignatureMismatch);
        }
        assert_eq!(
            verify_signature("02ab", "m", &sig).unwrap_err().field(),
            Some("identity")
        );
    }
}

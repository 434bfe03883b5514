//! CECA merchant configuration and the `Firma` digest.

use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fields;
use crate::secret::Secret;

/// Cecabank test environment.
pub const TEST_CHECKOUT_URL: &str = "https://tpv.ceca.es/tpvweb/tpv/compra.action";
/// Cecabank production.
pub const LIVE_CHECKOUT_URL: &str = "https://pgw.ceca.es/tpvweb/tpv/compra.action";

/// Cecabank's test refund (`anularOperacionExt`) endpoint, as Cecabank's own shop plugins use it.
pub const TEST_REFUND_URL: &str = "https://democonsolatpvvirtual.ceca.es/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt";
/// Cecabank's production refund endpoint.
pub const LIVE_REFUND_URL: &str =
    "https://comercios.ceca.es/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt";

/// The digest behind `Firma` (`Cifrado`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CecaCipher"))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cipher {
    /// `SHA2`: SHA-256, Cecabank's current scheme.
    #[default]
    #[serde(rename = "SHA2")]
    Sha2,
    /// `SHA1`: the legacy scheme django-virtual-pos uses.
    #[serde(rename = "SHA1")]
    Sha1,
}

impl Cipher {
    /// `"SHA2"` or `"SHA1"`, as sent in `Cifrado`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cipher::Sha2 => "SHA2",
            Cipher::Sha1 => "SHA1",
        }
    }

    /// Lower-case hex digest of the concatenated parts.
    pub(crate) fn digest(self, parts: &[&str]) -> Vec<u8> {
        match self {
            Cipher::Sha2 => {
                let mut h = Sha256::new();
                parts.iter().for_each(|p| h.update(p.as_bytes()));
                h.finalize().to_vec()
            }
            Cipher::Sha1 => {
                let mut h = Sha1::new();
                parts.iter().for_each(|p| h.update(p.as_bytes()));
                h.finalize().to_vec()
            }
        }
    }
}

/// One CECA terminal.
///
/// ```
/// let config: vpos_core::gateways::ceca::Config = serde_json::from_str(r#"{
///     "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
///     "key": "99888888", "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
///     "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es"
/// }"#)?;
/// config.validate()?;
/// assert!(!format!("{config:?}").contains("99888888"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CecaConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `MerchantID`, 9 digits.
    pub merchant_id: String,
    /// `AcquirerBIN`, 10 digits.
    pub acquirer_bin: String,
    /// `TerminalID`, 8 digits.
    pub terminal_id: String,
    /// The encryption key (`Clave de encriptación`).
    pub key: Secret,
    /// `Cifrado`: `SHA2` (default) or `SHA1`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<Cipher>", optional))]
    pub cipher: Cipher,
    /// Where the form is posted ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
    pub checkout_url: String,
    /// `URL_OK`: must match the one in Cecabank's panel byte for byte.
    pub url_ok: String,
    /// `URL_NOK`: likewise.
    pub url_nok: String,
    /// Where refunds are posted ([`TEST_REFUND_URL`] or [`LIVE_REFUND_URL`]); without it
    /// refunds are refused as `invalid_config` and checkouts work as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub refund_url: Option<String>,
}

impl Config {
    /// Checks every value.
    pub fn validate(&self) -> Result<()> {
        for (key, value, len) in [
            ("merchant_id", &self.merchant_id, 9),
            ("acquirer_bin", &self.acquirer_bin, 10),
            ("terminal_id", &self.terminal_id, 8),
        ] {
            if value.len() != len || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::config(
                    key,
                    format_args!("must be exactly {len} digits"),
                ));
            }
        }
        if self.key.is_empty() {
            return Err(Error::config("key", "is required"));
        }
        for (key, value) in [
            ("checkout_url", &self.checkout_url),
            ("url_ok", &self.url_ok),
            ("url_nok", &self.url_nok),
        ] {
            fields::required(key, value, 500).map_err(Error::into_config)?;
            fields::url(key, Some(value), 500).map_err(Error::into_config)?;
        }
        if let Some(url) = &self.refund_url {
            fields::required("refund_url", url, 500).map_err(Error::into_config)?;
            fields::url("refund_url", Some(url), 500).map_err(Error::into_config)?;
        }
        Ok(())
    }
}

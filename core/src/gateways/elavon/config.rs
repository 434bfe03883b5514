//! Santander Elavon merchant configuration.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fields;
use crate::hex::hex;
use crate::secret::Secret;

/// HPP, test environment.
pub const TEST_CHECKOUT_URL: &str = "https://hpp.prueba.santanderelavontpvvirtual.es/pay";
/// HPP, production.
pub const LIVE_CHECKOUT_URL: &str = "https://hpp.santanderelavontpvvirtual.es/pay";
/// Remote XML API, test environment.
pub const TEST_REMOTE_URL: &str = "https://remote.prueba.santanderelavontpvvirtual.es/remote";
/// Remote XML API, production.
pub const LIVE_REMOTE_URL: &str = "https://remote.santanderelavontpvvirtual.es/remote";

/// One Elavon merchant account.
///
/// ```
/// let config: vpos_core::gateways::elavon::Config = serde_json::from_str(r#"{
///     "merchant_id": "thestore", "account": "internet", "secret": "mysecret",
///     "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay"
/// }"#)?;
/// config.validate()?;
/// assert!(!format!("{config:?}").contains("mysecret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ElavonConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `MERCHANT_ID`.
    pub merchant_id: String,
    /// `ACCOUNT` (sub-account).
    pub account: String,
    /// The shared secret.
    pub secret: Secret,
    /// The refund (rebate) password, when refunds are enabled; sent only as its SHA-1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebate_password: Option<Secret>,
    /// HPP URL ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
    pub checkout_url: String,
    /// Remote XML URL for settle, void and refund.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_url: Option<String>,
    /// `MERCHANT_RESPONSE_URL`: where the HPP posts the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    /// The account's currency, for HPP responses that carry `AMOUNT` without `CURRENCY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<crate::money::Currency>,
    /// `AUTO_SETTLE_FLAG`: `true` captures at once (a `00` result is paid); `false` (the
    /// default, as django-virtual-pos) only authorises, and a settle request captures.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub auto_settle: bool,
    /// The HPP digest: `sha1` (the default, `SHA1HASH`) or `sha256` (`SHA256HASH`, on the
    /// form and expected on the response POST). The Remote XML requests stay `sha1hash`.
    #[serde(default, skip_serializing_if = "HashAlgorithm::is_sha1")]
    #[cfg_attr(feature = "ts", ts(as = "Option<HashAlgorithm>", optional))]
    pub hash_algorithm: HashAlgorithm,
}

/// The digest of the HPP's two-step hash,
/// `hex(H(hex(H(fields joined by ".")) + "." + secret))`: Global Payments' SDKs offer SHA-1
/// and SHA-256 for the HPP (`ShaHashType`), each under its own field name.
///
/// ```
/// use vpos_core::gateways::elavon::HashAlgorithm;
/// let fields = ["20130814122239", "thestore", "ORD453-11", "29900", "EUR"];
/// assert_eq!(HashAlgorithm::Sha1.hash(&fields, "mysecret"),
///            "cc72c08e529b3bc153481eda9533b815cef29de3");
/// assert_eq!(HashAlgorithm::Sha256.field(), "SHA256HASH");
/// assert_eq!(HashAlgorithm::Sha256.hash(&fields, "mysecret").len(), 64);
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ElavonHashAlgorithm"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HashAlgorithm {
    /// SHA-1, `SHA1HASH` (what every existing HPP account accepts).
    #[default]
    Sha1,
    /// SHA-256, `SHA256HASH`.
    Sha256,
}

impl HashAlgorithm {
    /// The form and response field that carries the hash.
    pub fn field(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "SHA1HASH",
            HashAlgorithm::Sha256 => "SHA256HASH",
        }
    }

    /// `hex(H(hex(H(fields.join("."))) + "." + secret))`, lower case.
    pub fn hash(self, fields: &[&str], secret: &str) -> String {
        match self {
            HashAlgorithm::Sha1 => super::hash(fields, secret),
            HashAlgorithm::Sha256 => {
                let inner = hex(&Sha256::digest(fields.join(".").as_bytes()));
                hex(&Sha256::digest(format!("{inner}.{secret}").as_bytes()))
            }
        }
    }

    fn is_sha1(&self) -> bool {
        *self == HashAlgorithm::Sha1
    }
}

impl Config {
    /// Checks every value.
    pub fn validate(&self) -> Result<()> {
        for (key, value) in [
            ("merchant_id", &self.merchant_id),
            ("account", &self.account),
        ] {
            if value.is_empty()
                || value.len() > 50
                || !value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            {
                return Err(Error::config(
                    key,
                    "must be 1 to 50 letters, digits or - _ .",
                ));
            }
        }
        if self.secret.is_empty() {
            return Err(Error::config("secret", "is required"));
        }
        fields::url("checkout_url", Some(&self.checkout_url), 500).map_err(Error::into_config)?;
        fields::required("checkout_url", &self.checkout_url, 500).map_err(Error::into_config)?;
        fields::url("remote_url", self.remote_url.as_deref(), 500).map_err(Error::into_config)?;
        fields::url("response_url", self.response_url.as_deref(), 500)
            .map_err(Error::into_config)?;
        Ok(())
    }
}

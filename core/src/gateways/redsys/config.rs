//! Redsys merchant configuration.

use serde::{Deserialize, Serialize};

use super::sign::{MerchantKey, SignatureVersion};
use crate::error::{Error, Result};
use crate::fields;
use crate::secret::Secret;

/// Redsys test environment, redirect endpoint.
pub const TEST_CHECKOUT_URL: &str = "https://sis-t.redsys.es:25443/sis/realizarPago";
/// Redsys production, redirect endpoint.
pub const LIVE_CHECKOUT_URL: &str = "https://sis.redsys.es/sis/realizarPago";

/// One Redsys terminal.
///
/// ```
/// let config: vpos_core::gateways::redsys::Config = serde_json::from_str(r#"{
///     "merchant_code": "999008881", "terminal": "1",
///     "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
///     "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago"
/// }"#)?;
/// config.validate()?;
/// assert!(!format!("{config:?}").contains("sq7H"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `DS_MERCHANT_MERCHANTCODE` (FUC), up to 9 digits.
    pub merchant_code: String,
    /// `DS_MERCHANT_TERMINAL`, up to 3 digits.
    pub terminal: String,
    /// The terminal's secret key, base64 (24 bytes decoded).
    pub secret_key: Secret,
    /// How requests are signed: `HMAC_SHA256_V1` (the default, every contract),
    /// `HMAC_SHA512_V1` or `HMAC_SHA512_V2`. Notifications are verified with the version
    /// they name.
    #[serde(default)]
    pub signature_version: SignatureVersion,
    /// Redirect endpoint ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
    pub checkout_url: String,
    /// REST endpoint for refunds, confirmations and cancellations
    /// ([`super::TEST_REST_URL`] or [`super::LIVE_REST_URL`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_url: Option<String>,
    /// Default `DS_MERCHANT_MERCHANTURL`: where Redsys posts the notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_url: Option<String>,
    /// Default `DS_MERCHANT_URLOK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_ok: Option<String>,
    /// Default `DS_MERCHANT_URLKO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_ko: Option<String>,
    /// `DS_MERCHANT_MERCHANTNAME`, up to 25 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
}

impl Config {
    /// Checks every value, including that the key decodes to a 3DES key.
    pub fn validate(&self) -> Result<()> {
        digits("merchant_code", &self.merchant_code, 9)?;
        digits("terminal", &self.terminal, 3)?;
        self.key()?;
        fields::required("checkout_url", &self.checkout_url, 250).map_err(Error::into_config)?;
        fields::url("checkout_url", Some(&self.checkout_url), 250).map_err(Error::into_config)?;
        for (key, value) in [
            ("merchant_url", &self.merchant_url),
            ("url_ok", &self.url_ok),
            ("url_ko", &self.url_ko),
        ] {
            fields::url(key, value.as_deref(), 250).map_err(Error::into_config)?;
        }
        fields::optional("merchant_name", self.merchant_name.as_deref(), 25)
            .map_err(Error::into_config)?;
        Ok(())
    }

    /// The key for the configured signature version.
    pub(crate) fn key(&self) -> Result<MerchantKey> {
        self.key_for(self.signature_version)
    }

    /// The key for `version` (a notification names its own).
    pub(crate) fn key_for(&self, version: SignatureVersion) -> Result<MerchantKey> {
        MerchantKey::new(&self.secret_key, version)
    }
}

fn digits(key: &'static str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() || value.len() > max || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::config(
            key,
            format_args!("must be 1 to {max} digits"),
        ));
    }
    Ok(())
}

//! Redsys merchant configuration.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::sign::{KeyCache, MerchantKey, SignatureVersion};
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysConfig"))]
#[derive(Clone, Serialize, Deserialize)]
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
    #[cfg_attr(feature = "ts", ts(as = "Option<SignatureVersion>", optional))]
    pub signature_version: SignatureVersion,
    /// Redirect endpoint ([`TEST_CHECKOUT_URL`] or [`LIVE_CHECKOUT_URL`]).
    pub checkout_url: String,
    /// REST endpoint for refunds, confirmations and cancellations
    /// ([`super::TEST_REST_URL`] or [`super::LIVE_REST_URL`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_url: Option<String>,
    /// SOAP endpoint of the transaction status query (`SerClsWSConsulta`,
    /// [`super::TEST_QUERY_URL`] or [`super::LIVE_QUERY_URL`]); needed only by
    /// [`super::query_request`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_url: Option<String>,
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
    /// The key's cipher schedules, built by the first signature, verification or `validate`
    /// and reused (issue #23: rebuilding them was a twentieth of every verification). Not
    /// configuration: never read or written by serde, left out of `Debug`.
    #[serde(skip)]
    keys: KeyCache,
}

// By hand to print exactly what the derived `Debug` printed before the key cache, which is
// no setting (and holds the secret it was built from; `Secret` prints `***` anyway).
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("merchant_code", &self.merchant_code)
            .field("terminal", &self.terminal)
            .field("secret_key", &self.secret_key)
            .field("signature_version", &self.signature_version)
            .field("checkout_url", &self.checkout_url)
            .field("rest_url", &self.rest_url)
            .field("query_url", &self.query_url)
            .field("merchant_url", &self.merchant_url)
            .field("url_ok", &self.url_ok)
            .field("url_ko", &self.url_ko)
            .field("merchant_name", &self.merchant_name)
            .finish()
    }
}

impl Config {
    /// A terminal with the default signature version (`HMAC_SHA256_V1`) and no optional
    /// settings; set those on the public fields. For Rust hosts that build the configuration
    /// in code: the key cache is a private field, so a struct literal cannot (serde can).
    ///
    /// ```
    /// use vpos_core::{Secret, gateways::redsys};
    /// let mut config = redsys::Config::new(
    ///     "999008881", "1", Secret::new("sq7HjrUOBfKmC576ILgskD5srU870gJ7"),
    ///     redsys::TEST_CHECKOUT_URL,
    /// );
    /// config.signature_version = redsys::SignatureVersion::HmacSha512V2;
    /// config.validate()?;
    /// # Ok::<(), vpos_core::Error>(())
    /// ```
    pub fn new(
        merchant_code: impl Into<String>,
        terminal: impl Into<String>,
        secret_key: Secret,
        checkout_url: impl Into<String>,
    ) -> Config {
        Config {
            merchant_code: merchant_code.into(),
            terminal: terminal.into(),
            secret_key,
            signature_version: SignatureVersion::default(),
            checkout_url: checkout_url.into(),
            rest_url: None,
            query_url: None,
            merchant_url: None,
            url_ok: None,
            url_ko: None,
            merchant_name: None,
            keys: KeyCache::default(),
        }
    }

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
            ("query_url", &self.query_url),
        ] {
            fields::url(key, value.as_deref(), 250).map_err(Error::into_config)?;
        }
        fields::optional("merchant_name", self.merchant_name.as_deref(), 25)
            .map_err(Error::into_config)?;
        Ok(())
    }

    /// The key for the configured signature version.
    pub(crate) fn key(&self) -> Result<Cow<'_, MerchantKey>> {
        self.key_for(self.signature_version)
    }

    /// The key for `version` (a notification names its own), its schedule built once.
    pub(crate) fn key_for(&self, version: SignatureVersion) -> Result<Cow<'_, MerchantKey>> {
        self.keys.key(&self.secret_key, version)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        serde_json::from_str(
            r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
                "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#,
        )
        .unwrap()
    }

    #[test]
    fn cached_key_follows_a_replaced_secret() {
        let mut config = config();
        config.validate().unwrap();
        let before = super::super::sign(&config, "0726qI3H7sZx", b"x").unwrap();
        assert_eq!(
            super::super::sign(&config, "0726qI3H7sZx", b"x").unwrap(),
            before
        );
        // peers-and-vectors R1: the other public key, set after the schedule was cached.
        config.secret_key = Secret::new("Mk9m98IfEblmPfrpsawt7BmxObt98Jev");
        assert_eq!(
            super::super::order_key(&config, "165446").unwrap(),
            "fKbHvdchVfk="
        );
        assert_ne!(
            super::super::sign(&config, "0726qI3H7sZx", b"x").unwrap(),
            before
        );
        // A clone keeps the cache and still follows its own secret.
        let mut clone = config.clone();
        clone.secret_key = Secret::new("not base64!");
        assert!(clone.validate().is_err());
        assert_eq!(
            super::super::order_key(&config, "165446").unwrap(),
            "fKbHvdchVfk="
        );
    }

    #[test]
    fn key_cache_is_not_configuration() {
        fn shared<T: Send + Sync + Clone>() {}
        shared::<Config>();
        let config = config();
        let fresh = format!("{config:?}");
        let json = serde_json::to_string(&config).unwrap();
        config.validate().unwrap();
        // Debug and serde read the same before and after the schedule is built.
        assert_eq!(format!("{config:?}"), fresh);
        assert_eq!(serde_json::to_string(&config).unwrap(), json);
        assert!(!fresh.contains("sq7H") && !fresh.contains("keys"));
        assert!(fresh.starts_with(r#"Config { merchant_code: "999008881", terminal: "1", secret_key: Secret(***), signature_version: HmacSha256V1, checkout_url: "#));
        assert!(!json.contains("keys"));
        let refused = serde_json::from_str::<Config>(
            r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
                "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago","keys":{}}"#,
        );
        assert!(refused.is_err());
    }
}

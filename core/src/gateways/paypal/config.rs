//! PayPal Website Payments Standard configuration.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fields;

/// Checkout, live.
pub const LIVE_CHECKOUT_URL: &str = "https://www.paypal.com/cgi-bin/webscr";
/// Checkout, sandbox.
pub const SANDBOX_CHECKOUT_URL: &str = "https://www.sandbox.paypal.com/cgi-bin/webscr";
/// IPN post-back, live.
pub const LIVE_IPN_URL: &str = "https://ipnpb.paypal.com/cgi-bin/webscr";
/// IPN post-back, sandbox.
pub const SANDBOX_IPN_URL: &str = "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr";

/// One PayPal business account.
///
/// ```
/// let config: vpos_core::gateways::paypal::Config = serde_json::from_str(r#"{
///     "business": "tobi@leetsoft.com",
///     "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
///     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"
/// }"#)?;
/// config.validate()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The business account's e-mail (or merchant id): `business` in the form, checked against
    /// `receiver_email` / `business` in every IPN.
    pub business: String,
    /// Where the form is posted.
    pub checkout_url: String,
    /// Where IPNs are posted back.
    pub ipn_url: String,
    /// Default `notify_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
    /// Default `return`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Default `cancel_return`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// NVP API credentials, for Express Checkout and refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nvp: Option<super::nvp::NvpCredentials>,
}

/// The settings a page may hold: every key of [`Config`] but the NVP credentials, so that
/// `nvp` is an unknown key here (`invalid_config`) and API secrets cannot ride along into a
/// browser. Built back into a [`Config`] field by field ([`PublicConfig::into_config`]), so a
/// field added to `Config` fails to compile here until it is judged public or secret.
///
/// ```
/// let public: vpos_core::gateways::paypal::PublicConfig = serde_json::from_str(r#"{
///     "business": "shop@example.com",
///     "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
///     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"
/// }"#)?;
/// assert!(public.into_config().nvp.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicConfig {
    /// As [`Config::business`].
    pub business: String,
    /// As [`Config::checkout_url`].
    pub checkout_url: String,
    /// As [`Config::ipn_url`].
    pub ipn_url: String,
    /// As [`Config::notify_url`].
    #[serde(default)]
    pub notify_url: Option<String>,
    /// As [`Config::return_url`].
    #[serde(default)]
    pub return_url: Option<String>,
    /// As [`Config::cancel_url`].
    #[serde(default)]
    pub cancel_url: Option<String>,
}

impl PublicConfig {
    /// The configuration without NVP credentials.
    pub fn into_config(self) -> Config {
        let PublicConfig {
            business,
            checkout_url,
            ipn_url,
            notify_url,
            return_url,
            cancel_url,
        } = self;
        Config {
            business,
            checkout_url,
            ipn_url,
            notify_url,
            return_url,
            cancel_url,
            nvp: None,
        }
    }
}

impl Config {
    /// Checks every value.
    pub fn validate(&self) -> Result<()> {
        fields::required("business", &self.business, 127).map_err(Error::into_config)?;
        for (key, value) in [
            ("checkout_url", &self.checkout_url),
            ("ipn_url", &self.ipn_url),
        ] {
            fields::required(key, value, 500).map_err(Error::into_config)?;
            fields::url(key, Some(value), 500).map_err(Error::into_config)?;
        }
        for (key, value) in [
            ("notify_url", &self.notify_url),
            ("return_url", &self.return_url),
            ("cancel_url", &self.cancel_url),
        ] {
            fields::url(key, value.as_deref(), 1024).map_err(Error::into_config)?;
        }
        Ok(())
    }
}

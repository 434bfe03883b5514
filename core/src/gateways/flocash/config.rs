//! FloCash merchant configuration.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::fields;
use crate::secret::Secret;

/// One FloCash merchant account.
///
/// JSON (every key required unless marked optional; unknown keys are refused so a misspelt
/// setting fails loudly):
///
/// ```
/// let config: vpos_core::gateways::flocash::Config = serde_json::from_str(r#"{
///     "merchant": "sales@demoshop.com",
///     "merchant_name": "Demo Shop",
///     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
///     "base_url": "https://fcms.flocash.com",
///     "notification_token": "s3cret-path-token",
///     "return_url": "https://shop.example/thanks"
/// }"#)?;
/// config.validate()?;
/// assert!(!format!("{config:?}").contains("s3cret"));
/// assert_eq!(config.postback_url()?, "https://fcms.flocash.com/validateNotify.do");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Merchant account (FloCash uses the registered e-mail address), 1–50 characters.
    pub merchant: String,
    /// Name shown on the payment page, 1–100 characters.
    pub merchant_name: String,
    /// Where the checkout form is posted (production: `https://fcms.flocash.com/ecom/ecommerce.do`).
    pub checkout_url: String,
    /// FloCash's base URL; the post-back goes to `<scheme>://<host>/validateNotify.do`.
    pub base_url: String,
    /// Secret path segment of the notification URL registered with FloCash.
    pub notification_token: Secret,
    /// Optional logo URL shown on the payment page (`image_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Optional default `return_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Optional default `cancel_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Optional default `notify_url` (otherwise the one set in FloCash's back office applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
}

/// The part of [`Config`] that may be shown to a browser: everything the checkout form needs,
/// and no secret. Build it on the server with [`Config::public`] and send it to the page, or
/// write it by hand for a page that only validates orders.
///
/// ```
/// # let config: vpos_core::gateways::flocash::Config = serde_json::from_str(r#"{"merchant":"m@x.example",
/// #   "merchant_name":"n","checkout_url":"https://x.example/c","base_url":"https://x.example",
/// #   "notification_token":"0123456789abcdef"}"#)?;
/// let public = config.public();
/// assert!(!serde_json::to_string(&public)?.contains("0123456789abcdef"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashPublicConfig"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicConfig {
    /// As [`Config::merchant`].
    pub merchant: String,
    /// As [`Config::merchant_name`].
    pub merchant_name: String,
    /// As [`Config::checkout_url`].
    pub checkout_url: String,
    /// As [`Config::image_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// As [`Config::return_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// As [`Config::cancel_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// As [`Config::notify_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_url: Option<String>,
}

impl PublicConfig {
    /// Checks every value; the error names the first bad key.
    pub fn validate(&self) -> Result<()> {
        text("merchant", &self.merchant, 50)?;
        text("merchant_name", &self.merchant_name, 100)?;
        url("checkout_url", &self.checkout_url)?;
        for (key, value) in [
            ("image_url", &self.image_url),
            ("return_url", &self.return_url),
            ("cancel_url", &self.cancel_url),
            ("notify_url", &self.notify_url),
        ] {
            if let Some(v) = value {
                url(key, v)?;
            }
        }
        Ok(())
    }
}

/// Shortest notification token accepted: it is the only secret guarding the URL.
pub const MIN_TOKEN_LEN: usize = 12;

impl Config {
    /// The browser-safe part: no token.
    pub fn public(&self) -> PublicConfig {
        PublicConfig {
            merchant: self.merchant.clone(),
            merchant_name: self.merchant_name.clone(),
            checkout_url: self.checkout_url.clone(),
            image_url: self.image_url.clone(),
            return_url: self.return_url.clone(),
            cancel_url: self.cancel_url.clone(),
            notify_url: self.notify_url.clone(),
        }
    }

    /// Checks every value; the error names the first bad key.
    pub fn validate(&self) -> Result<()> {
        self.public().validate()?;
        self.postback_url()?;
        let token = self.notification_token.expose();
        if token.chars().count() < MIN_TOKEN_LEN {
            return Err(Error::config(
                "notification_token",
                format_args!("must be at least {MIN_TOKEN_LEN} characters"),
            ));
        }
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        {
            return Err(Error::config(
                "notification_token",
                "may only hold letters, digits and -_.~ (it is a URL path segment)",
            ));
        }
        Ok(())
    }

    /// The post-back URL: `base_url`'s scheme and authority, path `/validateNotify.do` (any
    /// path in `base_url` is replaced, as FloCash's own integrations do).
    pub fn postback_url(&self) -> Result<String> {
        let (scheme, rest) = split_scheme(&self.base_url)
            .ok_or_else(|| Error::config("base_url", "must start with https:// or http://"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains(|c: char| c.is_whitespace() || c == '@') {
            return Err(Error::config("base_url", "has no valid host"));
        }
        Ok(format!("{scheme}://{authority}/validateNotify.do"))
    }

    /// Compares the token from the notification URL with the configured one, in constant time.
    ///
    /// ```
    /// # let config: vpos_core::gateways::flocash::Config = serde_json::from_str(r#"{"merchant":"m",
    /// #   "merchant_name":"n","checkout_url":"https://x.example/c","base_url":"https://x.example",
    /// #   "notification_token":"0123456789abcdef"}"#)?;
    /// assert!(config.check_token("0123456789abcdef").is_ok());
    /// assert_eq!(config.check_token("0123456789abcdeF").unwrap_err().code().as_str(), "token_mismatch");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_token(&self, presented: &str) -> Result<()> {
        if !self.notification_token.is_empty() && self.notification_token.matches(presented) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::TokenMismatch,
                "notification token does not match",
            ))
        }
    }
}

fn split_scheme(s: &str) -> Option<(&'static str, &str)> {
    if let Some(rest) = s.strip_prefix("https://") {
        Some(("https", rest))
    } else {
        s.strip_prefix("http://").map(|rest| ("http", rest))
    }
}

fn text(key: &'static str, value: &str, max: usize) -> Result<()> {
    fields::required(key, value, max).map_err(Error::into_config)
}

fn url(key: &'static str, value: &str) -> Result<()> {
    text(key, value, 250)?;
    fields::url(key, Some(value), 250).map_err(Error::into_config)
}

//! The merchant settings the sandbox plays the gateway for (`--config FILE`).
//!
//! ```json
//! {
//!   "flocash": { "merchant": "sales@demoshop.com", "notify_url": "http://127.0.0.1:8000/flocash/notify/TOKEN/",
//!                "pending_seconds": 60 },
//!   "redsys":  { "merchant_code": "999008881", "terminal": "1",
//!                "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7" }
//! }
//! ```
//!
//! Every key is optional; the defaults are the public test values above. Unknown keys are
//! refused, so a misspelt setting fails at start.

use serde::{Deserialize, Serialize};
use vpos_core::Secret;
use vpos_core::gateways::redsys::{self, SignatureVersion};

/// The Redsys public test key (terminal 1 of merchant 999008881).
pub const REDSYS_TEST_KEY: &str = "sq7HjrUOBfKmC576ILgskD5srU870gJ7";

/// Everything `--config` can set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The FloCash merchant account.
    pub flocash: FlocashConfig,
    /// The Redsys terminal.
    pub redsys: RedsysConfig,
}

/// FloCash merchant settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FlocashConfig {
    /// The merchant account (FloCash uses the e-mail address); checkouts for another
    /// `merchant` are refused.
    pub merchant: String,
    /// Where notifications go when the checkout form has no `notify_url` (FloCash's back-office
    /// setting).
    pub notify_url: Option<String>,
    /// "Pending, paid later": FloCash time between the `0004` and the `0000`, divided by
    /// `--time-scale` like the retries.
    pub pending_seconds: u64,
}

impl Default for FlocashConfig {
    fn default() -> Self {
        FlocashConfig {
            merchant: "sales@demoshop.com".into(),
            notify_url: None,
            pending_seconds: 60,
        }
    }
}

/// Redsys terminal settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedsysConfig {
    /// `Ds_MerchantCode` (FUC).
    pub merchant_code: String,
    /// `Ds_Terminal`.
    pub terminal: String,
    /// The terminal's secret key (never printed).
    pub secret_key: Secret,
}

impl Default for RedsysConfig {
    fn default() -> Self {
        RedsysConfig {
            merchant_code: "999008881".into(),
            terminal: "1".into(),
            secret_key: Secret::new(REDSYS_TEST_KEY),
        }
    }
}

impl RedsysConfig {
    /// The vpos-core config that signs and verifies for this terminal with `version`.
    pub fn core(&self, version: SignatureVersion) -> redsys::Config {
        redsys::Config {
            merchant_code: self.merchant_code.clone(),
            terminal: self.terminal.clone(),
            secret_key: self.secret_key.clone(),
            signature_version: version,
            // Only needed to pass validation; the sandbox never redirects through it.
            checkout_url: "http://127.0.0.1/sis/realizarPago".into(),
            rest_url: None,
            merchant_url: None,
            url_ok: None,
            url_ko: None,
            merchant_name: None,
        }
    }
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &std::path::Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Config::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks config JSON.
    pub fn from_json(text: &str) -> Result<Config, String> {
        let config: Config = serde_json::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value with the core's own rules.
    pub fn validate(&self) -> Result<(), String> {
        let f = &self.flocash;
        if f.merchant.trim().is_empty() || f.merchant.chars().count() > 50 {
            return Err("flocash.merchant must be 1 to 50 characters".into());
        }
        if let Some(url) = &f.notify_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err("flocash.notify_url must be an absolute http(s) URL".into());
        }
        if f.pending_seconds > 72 * 3600 {
            return Err("flocash.pending_seconds is at most 72 hours".into());
        }
        for version in SignatureVersion::ALL {
            self.redsys
                .core(version)
                .validate()
                .map_err(|e| format!("redsys: {} ({})", e, e.field().unwrap_or("")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::from_json("{}").unwrap();
        assert_eq!(c.redsys.merchant_code, "999008881");
        assert_eq!(c.flocash.merchant, "sales@demoshop.com");
        let c = Config::from_json(r#"{"flocash": {"merchant": "m@x.example"}}"#).unwrap();
        assert_eq!(c.flocash.merchant, "m@x.example");
        assert_eq!(c.redsys.terminal, "1");
        assert!(Config::from_json(r#"{"flocash": {"merchnat": "x"}}"#).is_err());
        let err = Config::from_json(r#"{"redsys": {"secret_key": "short"}}"#).unwrap_err();
        assert!(
            err.contains("secret_key") && !err.contains("short"),
            "{err}"
        );
        assert!(!format!("{c:?}").contains(REDSYS_TEST_KEY));
    }
}

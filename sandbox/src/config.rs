//! The merchant settings the sandbox plays the gateway for (`--config FILE`).
//!
//! ```json
//! {
//!   "flocash": { "merchant": "sales@demoshop.com", "notify_url": "http://127.0.0.1:8000/vpos/flocash/default/TOKEN/",
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
use vpos_core::gateways::ceca::{self, Cipher};
use vpos_core::gateways::redsys::{self, SignatureVersion};

/// The Redsys public test key (terminal 1 of merchant 999008881).
pub const REDSYS_TEST_KEY: &str = "sq7HjrUOBfKmC576ILgskD5srU870gJ7";

/// The sandbox's Bitpay API key (there is no public one).
pub const BITPAY_TEST_KEY: &str = "sandbox-bitpay-api-key";
/// The sandbox's Bitpay POS-facade token (current API; there is no public one).
pub const BITPAY_TEST_POS_TOKEN: &str = "SandboxPosToken2x7Q9vLm";
/// The sandbox's Bitpay merchant-facade token, paired with [`BITPAY_TEST_MERCHANT_KEY`].
pub const BITPAY_TEST_MERCHANT_TOKEN: &str = "SandboxMerchantTokenK3w8Zp";
/// The merchant-facade secp256k1 key the sandbox pairs [`BITPAY_TEST_MERCHANT_TOKEN`] with
/// (`testdata/bitpay-merchant-test.key.pem`). TEST ONLY: the private key is published.
pub const BITPAY_TEST_MERCHANT_KEY: &str = include_str!("../testdata/bitpay-merchant-test.key.pem");

/// Everything `--config` can set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The FloCash merchant account.
    pub flocash: FlocashConfig,
    /// The Redsys terminal.
    pub redsys: RedsysConfig,
    /// The CECA terminal.
    pub ceca: CecaConfig,
    /// The PayPal business account.
    pub paypal: PaypalConfig,
    /// The Santander Elavon merchant.
    pub elavon: ElavonConfig,
    /// The Bitpay merchant.
    pub bitpay: BitpayConfig,
    /// The PayPal REST app (OAuth, Orders v2, webhooks).
    pub paypal_rest: PaypalRestConfig,
}

/// CECA terminal settings (Cecabank's public test terminal by default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CecaConfig {
    /// `MerchantID`, 9 digits.
    pub merchant_id: String,
    /// `AcquirerBIN`, 10 digits.
    pub acquirer_bin: String,
    /// `TerminalID`, 8 digits.
    pub terminal_id: String,
    /// The encryption key (never printed).
    pub key: Secret,
    /// `SHA2` (SHA-256) or `SHA1`: the digest the terminal signs notifications with; a
    /// checkout must use the same `Cifrado`.
    pub cipher: Cipher,
    /// The "comunicación on-line" URL of Cecabank's panel, where notifications go.
    pub notify_url: Option<String>,
}

impl Default for CecaConfig {
    fn default() -> Self {
        CecaConfig {
            merchant_id: "111950028".into(),
            acquirer_bin: "0000554052".into(),
            terminal_id: "00000003".into(),
            key: Secret::new("99888888"),
            cipher: Cipher::Sha2,
            notify_url: None,
        }
    }
}

impl CecaConfig {
    /// The vpos-core config for this terminal, with the URLs a checkout sent.
    pub fn core(&self, url_ok: &str, url_nok: &str) -> ceca::Config {
        ceca::Config {
            merchant_id: self.merchant_id.clone(),
            acquirer_bin: self.acquirer_bin.clone(),
            terminal_id: self.terminal_id.clone(),
            key: self.key.clone(),
            cipher: self.cipher,
            checkout_url: "http://127.0.0.1/tpvweb/tpv/compra.action".into(),
            url_ok: url_ok.into(),
            url_nok: url_nok.into(),
            refund_url: None,
        }
    }
}

/// PayPal business account settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaypalConfig {
    /// `business`: checkouts for another account are refused; IPNs carry it as
    /// `receiver_email`.
    pub business: String,
    /// "Pending, completed later": PayPal time between the `Pending` and the `Completed` IPN
    /// (divided by `--time-scale`).
    pub pending_seconds: u64,
}

impl Default for PaypalConfig {
    fn default() -> Self {
        PaypalConfig {
            business: "sales@demoshop.com".into(),
            pending_seconds: 600,
        }
    }
}

/// The sandbox's PayPal REST client id (there is no public one).
pub const PAYPAL_REST_CLIENT_ID: &str = "sandbox-paypal-client-id";
/// The sandbox's PayPal REST secret.
pub const PAYPAL_REST_SECRET: &str = "sandbox-paypal-secret";
/// The sandbox's PayPal REST webhook id (what the shop configures as `webhook_id`).
pub const PAYPAL_REST_WEBHOOK_ID: &str = "SANDBOXWEBHOOK0001";
/// The sandbox's PayPal merchant (payer) id, the payee of every order.
pub const PAYPAL_REST_MERCHANT_ID: &str = "HOSTEDPAY0001";

/// PayPal REST app settings: the credentials the token endpoint takes, the payee, and the
/// webhook subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaypalRestConfig {
    /// The REST app's client id (the Basic-auth user of `POST /v1/oauth2/token`).
    pub client_id: String,
    /// The REST app's secret (never printed).
    pub secret: Secret,
    /// The receiving account's merchant id; orders name it (and `paypal.business` as the
    /// e-mail) as their payee.
    pub merchant_id: String,
    /// Where webhooks go (the subscription's listener URL); none: no webhooks are sent.
    pub webhook_url: Option<String>,
    /// The subscription's id, covered by every webhook signature.
    pub webhook_id: String,
    /// PayPal time an access token lives (`expires_in`; divided by `--time-scale`). `0`
    /// makes every token expire at once: the shop's "fetch a new token" path.
    pub token_seconds: u64,
    /// PayPal time from a `PENDING` capture to `COMPLETED` (divided by `--time-scale`).
    pub pending_seconds: u64,
}

impl Default for PaypalRestConfig {
    fn default() -> Self {
        PaypalRestConfig {
            client_id: PAYPAL_REST_CLIENT_ID.into(),
            secret: Secret::new(PAYPAL_REST_SECRET),
            merchant_id: PAYPAL_REST_MERCHANT_ID.into(),
            webhook_url: None,
            webhook_id: PAYPAL_REST_WEBHOOK_ID.into(),
            token_seconds: 32_400,
            pending_seconds: 600,
        }
    }
}

/// Santander Elavon merchant settings (Realex's public test values by default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ElavonConfig {
    /// `MERCHANT_ID`.
    pub merchant_id: String,
    /// `ACCOUNT`.
    pub account: String,
    /// The shared secret (never printed).
    pub secret: Secret,
    /// The rebate (refund) password; Remote `rebate` requests carry its SHA-1.
    pub rebate_password: Secret,
}

impl Default for ElavonConfig {
    fn default() -> Self {
        ElavonConfig {
            merchant_id: "thestore".into(),
            account: "internet".into(),
            secret: Secret::new("mysecret"),
            rebate_password: Secret::new("rebate"),
        }
    }
}

/// Bitpay merchant settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BitpayConfig {
    /// The legacy API key, expected as the HTTP Basic user (never printed).
    pub api_key: Secret,
    /// The POS-facade token of the current API: invoices and unsigned invoice queries.
    pub pos_token: Secret,
    /// The merchant-facade token of the current API: signed queries and refunds.
    pub merchant_token: Secret,
    /// The public key (`X-Identity`: compressed SEC1, hex) `merchant_token` is paired with;
    /// empty is the key of `testdata/bitpay-merchant-test.key.pem`.
    pub merchant_identity: String,
    /// Bitpay time between `paid` and `confirmed`, and again between `confirmed` and
    /// `complete` (block confirmations; divided by `--time-scale`).
    pub confirm_seconds: u64,
    /// 0 (the default): a refund is `success` at once, with no refund webhook. More: a refund
    /// is answered `pending`, goes `success` this long (Bitpay time) later, and each change
    /// is POSTed as a refund webhook to the invoice's `notificationURL`.
    pub refund_pending_seconds: u64,
}

impl Default for BitpayConfig {
    fn default() -> Self {
        BitpayConfig {
            api_key: Secret::new(BITPAY_TEST_KEY),
            pos_token: Secret::new(BITPAY_TEST_POS_TOKEN),
            merchant_token: Secret::new(BITPAY_TEST_MERCHANT_TOKEN),
            merchant_identity: String::new(),
            confirm_seconds: 600,
            refund_pending_seconds: 0,
        }
    }
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
    /// Notify with SOAP (`procesaNotificacionSIS`, the back office's "SOAP" option) instead of
    /// the HTTP POST.
    pub soap_notifications: bool,
}

impl Default for RedsysConfig {
    fn default() -> Self {
        RedsysConfig {
            merchant_code: "999008881".into(),
            terminal: "1".into(),
            secret_key: Secret::new(REDSYS_TEST_KEY),
            soap_notifications: false,
        }
    }
}

impl RedsysConfig {
    /// The vpos-core config that signs and verifies for this terminal with `version`.
    pub fn core(&self, version: SignatureVersion) -> redsys::Config {
        let mut config = redsys::Config::new(
            self.merchant_code.clone(),
            self.terminal.clone(),
            self.secret_key.clone(),
            // Only needed to pass validation; the sandbox never redirects through it.
            "http://127.0.0.1/sis/realizarPago",
        );
        config.signature_version = version;
        config
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
        let c = &self.ceca;
        c.core("http://127.0.0.1/ok", "http://127.0.0.1/ko")
            .validate()
            .map_err(|e| format!("ceca: {} ({})", e, e.field().unwrap_or("")))?;
        if let Some(url) = &c.notify_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err("ceca.notify_url must be an absolute http(s) URL".into());
        }
        if self.paypal.business.trim().is_empty() || self.paypal.business.len() > 127 {
            return Err("paypal.business must be 1 to 127 characters".into());
        }
        let e = &self.elavon;
        if e.merchant_id.is_empty() || e.account.is_empty() || e.secret.is_empty() {
            return Err("elavon.merchant_id, account and secret are required".into());
        }
        let b = &self.bitpay;
        if b.api_key.is_empty() || b.pos_token.is_empty() || b.merchant_token.is_empty() {
            return Err("bitpay.api_key, pos_token and merchant_token are required".into());
        }
        if !b.merchant_identity.is_empty()
            && vpos_core::gateways::bitpay::sin_from_public_key(&b.merchant_identity).is_err()
        {
            return Err(
                "bitpay.merchant_identity must be a compressed secp256k1 public key (hex)".into(),
            );
        }
        let r = &self.paypal_rest;
        if r.client_id.is_empty()
            || r.client_id.len() > 256
            || !r
                .client_id
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b':')
        {
            return Err(
                "paypal_rest.client_id must be 1 to 256 printable ASCII characters without ':'"
                    .into(),
            );
        }
        if r.secret.is_empty()
            || r.secret.expose().len() > 256
            || !r.secret.expose().bytes().all(|b| b.is_ascii_graphic())
        {
            return Err("paypal_rest.secret must be 1 to 256 printable ASCII characters".into());
        }
        if r.merchant_id.is_empty()
            || r.merchant_id.len() > 64
            || !r.merchant_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err("paypal_rest.merchant_id must be 1 to 64 letters and digits".into());
        }
        // The same rule as vpos-core's `RestConfig.webhook_id`, so a shop can configure it.
        if r.webhook_id.is_empty()
            || r.webhook_id.len() > 50
            || !r
                .webhook_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("paypal_rest.webhook_id must be 1 to 50 letters, digits or '-'".into());
        }
        if let Some(url) = &r.webhook_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err("paypal_rest.webhook_url must be an absolute http(s) URL".into());
        }
        if r.token_seconds > 7 * 24 * 3600 {
            return Err("paypal_rest.token_seconds is at most a week".into());
        }
        for (name, secs) in [
            ("paypal_rest.pending_seconds", r.pending_seconds),
            ("paypal.pending_seconds", self.paypal.pending_seconds),
            ("bitpay.confirm_seconds", self.bitpay.confirm_seconds),
            (
                "bitpay.refund_pending_seconds",
                self.bitpay.refund_pending_seconds,
            ),
        ] {
            if secs > 72 * 3600 {
                return Err(format!("{name} is at most 72 hours"));
            }
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

//! Merchant accounts: the environment an account runs in, what it may do, and a check of a
//! gateway configuration that names every bad field at once.
//!
//! The gateways' `Config` types stop at the first bad value, which suits start-up but not a
//! form a person fills in: [`config_errors`] reports all of them, by running the very same
//! deserialisation and `validate()` once per field (each field's value set into a known-good
//! configuration), so there is only one set of rules, whoever asks.
//!
//! ```
//! use vpos_core::account::{config_errors, Environment};
//! let errors = config_errors("redsys", &serde_json::json!({
//!     "merchant_code": "99900888100", "terminal": "1", "secret_key": "not base64!",
//!     "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
//! }));
//! let fields: Vec<_> = errors.iter().map(|e| e.field().unwrap()).collect();
//! assert_eq!(fields, ["merchant_code", "secret_key"]);
//! assert_eq!(Environment::from_code("testing")?, Environment::Testing);
//! # Ok::<(), vpos_core::Error>(())
//! ```

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{bitpay, ceca, elavon, flocash, paypal, redsys};

/// Whether an account takes real money (`production`) or runs against the gateway's test
/// platform (`testing`). It selects the default endpoints ([`Environment::endpoints`]) and,
/// in the hosts, whether the gateway's test messages apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// The gateway's test platform (the default: an account is live only when someone says so).
    #[default]
    Testing,
    /// Real payments.
    Production,
}

impl Environment {
    /// `"testing"` or `"production"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Testing => "testing",
            Environment::Production => "production",
        }
    }

    /// Reads `"testing"` or `"production"`; anything else is `field_invalid` on `environment`.
    pub fn from_code(code: &str) -> Result<Self> {
        match code {
            "testing" => Ok(Environment::Testing),
            "production" => Ok(Environment::Production),
            _ => Err(Error::invalid(
                "environment",
                "must be \"testing\" or \"production\"",
            )),
        }
    }

    /// Whether payments of this environment are real.
    pub const fn is_live(self) -> bool {
        matches!(self, Environment::Production)
    }

    /// The gateway's published endpoints for this environment, as configuration keys and URLs
    /// (empty for an unknown gateway, and for FloCash's test platform, which has none
    /// published). Hosts fill the keys a person left blank with these.
    pub fn endpoints(self, gateway: &str) -> Vec<(&'static str, &'static str)> {
        let live = self.is_live();
        let pick = |t: &'static str, l: &'static str| if live { l } else { t };
        match gateway {
            "redsys" => vec![
                (
                    "checkout_url",
                    pick(redsys::TEST_CHECKOUT_URL, redsys::LIVE_CHECKOUT_URL),
                ),
                (
                    "rest_url",
                    pick(redsys::TEST_REST_URL, redsys::LIVE_REST_URL),
                ),
            ],
            "ceca" => vec![(
                "checkout_url",
                pick(ceca::TEST_CHECKOUT_URL, ceca::LIVE_CHECKOUT_URL),
            )],
            "elavon" => vec![
                (
                    "checkout_url",
                    pick(elavon::TEST_CHECKOUT_URL, elavon::LIVE_CHECKOUT_URL),
                ),
                (
                    "remote_url",
                    pick(elavon::TEST_REMOTE_URL, elavon::LIVE_REMOTE_URL),
                ),
            ],
            "paypal" => vec![
                (
                    "checkout_url",
                    pick(paypal::SANDBOX_CHECKOUT_URL, paypal::LIVE_CHECKOUT_URL),
                ),
                (
                    "ipn_url",
                    pick(paypal::SANDBOX_IPN_URL, paypal::LIVE_IPN_URL),
                ),
            ],
            "paypal_rest" => vec![(
                "api_base",
                pick(paypal::SANDBOX_API_BASE, paypal::LIVE_API_BASE),
            )],
            "bitpay" => vec![
                (
                    "api_url",
                    pick(
                        "https://test.bitpay.com/api/invoice",
                        "https://bitpay.com/api/invoice",
                    ),
                ),
                (
                    "invoice_url",
                    pick(
                        "https://test.bitpay.com/invoice",
                        "https://bitpay.com/invoice",
                    ),
                ),
            ],
            "flocash" if live => vec![
                ("checkout_url", "https://fcms.flocash.com/ecom/ecommerce.do"),
                ("base_url", "https://fcms.flocash.com"),
            ],
            _ => Vec::new(),
        }
    }
}

/// What an account is allowed to do, whatever its gateway could.
///
/// A shop may forbid partial refunds on one terminal (a bank's contract, say) or take
/// pre-authorisations on another only. Everything is allowed by default, so that an account
/// declared without flags keeps behaving as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Capabilities {
    /// Refunds of less than the captured amount.
    pub partial_refunds: bool,
    /// Refunds of the whole captured amount at once.
    pub total_refunds: bool,
    /// Authorise now, confirm (capture) or cancel later.
    pub preauthorisation: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            partial_refunds: true,
            total_refunds: true,
            preauthorisation: true,
        }
    }
}

impl Capabilities {
    /// Whether a refund of `amount_minor` of a payment captured for `captured_minor` is
    /// allowed: the whole captured amount is a total refund, anything less a partial one.
    /// A refused refund is `unsupported` on `amount`.
    ///
    /// ```
    /// use vpos_core::account::Capabilities;
    /// let only_total = Capabilities { partial_refunds: false, ..Capabilities::default() };
    /// assert!(only_total.check_refund(1000, 1000).is_ok());
    /// assert_eq!(only_total.check_refund(400, 1000).unwrap_err().code().as_str(), "unsupported");
    /// ```
    pub fn check_refund(&self, amount_minor: i64, captured_minor: i64) -> Result<()> {
        let total = amount_minor >= captured_minor;
        let (allowed, what) = if total {
            (self.total_refunds, "total refunds")
        } else {
            (self.partial_refunds, "partial refunds")
        };
        if allowed {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::Unsupported,
                format!("this account allows no {what}"),
            )
            .with_field("amount"))
        }
    }

    /// Whether a pre-authorisation may be asked (`unsupported` on `transaction_type` if not).
    pub fn check_preauthorisation(&self) -> Result<()> {
        if self.preauthorisation {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::Unsupported,
                "this account allows no pre-authorisation",
            )
            .with_field("transaction_type"))
        }
    }
}

/// The gateways [`config_errors`] knows, in the order hosts list them.
pub const GATEWAYS: &[&str] = &[
    "flocash",
    "redsys",
    "paypal",
    "ceca",
    "elavon",
    "bitpay",
    "paypal_rest",
];

/// Every problem with `config` as the configuration of `gateway`'s account, one error per
/// bad field (`invalid_config`, the field being the configuration key, or a path below it
/// such as `nvp.user`); empty when the gateway's own `Config` accepts it. The rules are the
/// gateway's deserialisation and `validate()`, nothing else: the configuration is valid
/// exactly when this is empty. Messages name keys and lengths, never values.
///
/// An unknown gateway is one `unsupported` error on `gateway`; a configuration that is not
/// a JSON object one `invalid_config` error on `config`.
pub fn config_errors(gateway: &str, config: &Value) -> Vec<Error> {
    match gateway {
        "flocash" => collect::<flocash::Config>(config, &template(gateway), |c| c.validate()),
        "redsys" => collect::<redsys::Config>(config, &template(gateway), |c| c.validate()),
        "paypal" => collect::<paypal::Config>(config, &template(gateway), |c| c.validate()),
        "ceca" => collect::<ceca::Config>(config, &template(gateway), |c| c.validate()),
        "elavon" => collect::<elavon::Config>(config, &template(gateway), |c| c.validate()),
        "bitpay" => collect::<bitpay::Config>(config, &template(gateway), |c| c.validate()),
        "paypal_rest" => {
            collect::<paypal::RestConfig>(config, &template(gateway), |c| c.validate())
        }
        _ => vec![
            Error::new(
                ErrorCode::Unsupported,
                format!("vpos knows no gateway named {gateway:?}"),
            )
            .with_field("gateway"),
        ],
    }
}

/// A configuration each gateway accepts, into which one field at a time is set.
fn template(gateway: &str) -> Map<String, Value> {
    let value = match gateway {
        "flocash" => json!({
            "merchant": "merchant@example.com", "merchant_name": "Shop",
            "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url": "https://fcms.flocash.com", "notification_token": "template-token-0123456789",
        }),
        "redsys" => json!({
            "merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": redsys::TEST_CHECKOUT_URL,
        }),
        "paypal" => json!({
            "business": "shop@example.com", "checkout_url": paypal::SANDBOX_CHECKOUT_URL,
            "ipn_url": paypal::SANDBOX_IPN_URL,
        }),
        "ceca" => json!({
            "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
            "key": "template-key", "checkout_url": ceca::TEST_CHECKOUT_URL,
            "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/",
        }),
        "elavon" => json!({
            "merchant_id": "thestore", "account": "internet", "secret": "template-secret",
            "checkout_url": elavon::TEST_CHECKOUT_URL,
        }),
        "bitpay" => json!({
            "api_key": "template-api-key", "api_url": "https://test.bitpay.com/api/invoice",
            "invoice_url": "https://test.bitpay.com/invoice",
        }),
        "paypal_rest" => json!({
            "client_id": "template-client-id", "secret": "template-secret",
            "api_base": paypal::SANDBOX_API_BASE, "merchant": "TEMPLATEMERCHANT",
        }),
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The gateway's whole check of one candidate configuration.
fn check<C: DeserializeOwned>(
    candidate: &Map<String, Value>,
    validate: fn(&C) -> Result<()>,
) -> Result<()> {
    let text = Value::Object(candidate.clone()).to_string();
    let config: C = crate::json::from_str(&text, ErrorCode::InvalidConfig)?;
    validate(&config)
}

/// Labels `error` as a configuration error of `key` (or of the deeper path it already names).
fn about(key: &str, error: Error) -> Error {
    let field: Cow<'static, str> = match error.field() {
        Some(f)
            if f == key
                || f.starts_with(&format!("{key}."))
                || f.starts_with(&format!("{key}[")) =>
        {
            Cow::Owned(f.to_string())
        }
        _ => Cow::Owned(key.to_string()),
    };
    let message = error
        .message()
        .strip_prefix("configuration ")
        .unwrap_or(error.message())
        .to_string();
    Error::new(ErrorCode::InvalidConfig, format!("configuration {message}")).with_field(field)
}

fn collect<C: DeserializeOwned>(
    config: &Value,
    template: &Map<String, Value>,
    validate: fn(&C) -> Result<()>,
) -> Vec<Error> {
    let Value::Object(given) = config else {
        return vec![Error::config("config", "must be an object of key -> value")];
    };
    let whole = match check(given, validate) {
        Ok(()) => return Vec::new(),
        Err(e) => e,
    };
    let mut keys: Vec<&String> = given.keys().collect();
    for key in template.keys() {
        if !given.contains_key(key) {
            keys.push(key);
        }
    }
    keys.sort();
    // 1. Each key alone, set (or left out) in a configuration the gateway accepts.
    let mut bad: Vec<(String, Error)> = Vec::new();
    for key in keys {
        let mut candidate = template.clone();
        match given.get(key) {
            Some(value) => candidate.insert(key.clone(), value.clone()),
            None => candidate.remove(key),
        };
        if let Err(e) = check(&candidate, validate) {
            bad.push((key.clone(), e));
        }
    }
    // 2. A key may be bad only next to the template's values (a Redsys key for another
    //    signature version): it stays bad only if it is also bad among the given values.
    let repaired = |skip: &str| {
        let mut candidate = given.clone();
        for (other, _) in &bad {
            if other != skip {
                match template.get(other) {
                    Some(value) => candidate.insert(other.clone(), value.clone()),
                    None => candidate.remove(other),
                };
            }
        }
        candidate
    };
    let confirmed: Vec<Error> = bad
        .iter()
        .filter(|(key, _)| check(&repaired(key), validate).is_err())
        .map(|(key, e)| about(key, e.clone()))
        .collect();
    if confirmed.is_empty() {
        // Only the combination is wrong: report the gateway's own verdict on the whole.
        let field = whole.field().unwrap_or("config").to_string();
        return vec![about(&field, whole)];
    }
    confirmed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[Error]) -> Vec<String> {
        errors
            .iter()
            .map(|e| e.field().unwrap_or("-").to_string())
            .collect()
    }

    #[test]
    fn templates_are_valid() {
        for gateway in GATEWAYS {
            assert_eq!(
                config_errors(gateway, &Value::Object(template(gateway))),
                vec![],
                "{gateway}"
            );
        }
    }

    #[test]
    fn names_every_bad_field_with_stable_codes() {
        let errors = config_errors(
            "ceca",
            &json!({
                "merchant_id": "12345", "acquirer_bin": "0000554052", "terminal_id": "x",
                "key": "", "checkout_url": "ftp://nope", "url_ok": "https://shop.example/ok/",
                "colour": "blue",
            }),
        );
        assert_eq!(
            fields(&errors),
            [
                "checkout_url",
                "colour",
                "key",
                "merchant_id",
                "terminal_id",
                "url_nok"
            ]
        );
        assert!(errors.iter().all(|e| e.code() == ErrorCode::InvalidConfig));
        assert!(
            errors[3].message().contains("exactly 9 digits"),
            "{}",
            errors[3].message()
        );
    }

    #[test]
    fn agrees_with_the_gateway_config() {
        let good = json!({"merchant_id": "thestore", "account": "internet", "secret": "s",
                          "checkout_url": elavon::TEST_CHECKOUT_URL, "currency": "EUR"});
        assert!(config_errors("elavon", &good).is_empty());
        let bad = json!({"merchant_id": "the store", "account": "internet", "secret": "s",
                         "checkout_url": elavon::TEST_CHECKOUT_URL, "currency": "XXQ"});
        assert_eq!(
            fields(&config_errors("elavon", &bad)),
            ["currency", "merchant_id"]
        );
    }

    #[test]
    fn a_key_valid_only_with_the_given_signature_version_is_not_blamed() {
        // An ASCII key is wrong for HMAC_SHA256_V1 (the template's version) but right for
        // HMAC_SHA512_V1: only the bad merchant code is reported.
        let config = json!({"merchant_code": "x", "terminal": "1", "secret_key": "plain ascii key",
                            "signature_version": "HMAC_SHA512_V1",
                            "checkout_url": redsys::TEST_CHECKOUT_URL});
        assert_eq!(fields(&config_errors("redsys", &config)), ["merchant_code"]);
        let fixed = json!({"merchant_code": "1", "terminal": "1", "secret_key": "plain ascii key",
                           "signature_version": "HMAC_SHA512_V1",
                           "checkout_url": redsys::TEST_CHECKOUT_URL});
        assert!(config_errors("redsys", &fixed).is_empty());
    }

    #[test]
    fn never_shows_a_secret() {
        let errors = config_errors(
            "redsys",
            &json!({"merchant_code": "1", "terminal": "1", "secret_key": "c2VjcmV0LXZhbHVl!!",
                    "checkout_url": redsys::TEST_CHECKOUT_URL}),
        );
        assert_eq!(fields(&errors), ["secret_key"]);
        assert!(!errors[0].message().contains("c2VjcmV0"));
    }

    #[test]
    fn shapes_and_unknown_gateways() {
        assert_eq!(fields(&config_errors("redsys", &json!([1]))), ["config"]);
        let unknown = config_errors("visa", &json!({}));
        assert_eq!(
            (unknown[0].code(), unknown[0].field()),
            (ErrorCode::Unsupported, Some("gateway"))
        );
    }

    #[test]
    fn environment_and_capabilities() {
        assert_eq!(Environment::default(), Environment::Testing);
        assert_eq!(
            Environment::from_code("live").unwrap_err().code(),
            ErrorCode::FieldInvalid
        );
        assert_eq!(
            Environment::Production.endpoints("redsys")[0],
            ("checkout_url", redsys::LIVE_CHECKOUT_URL)
        );
        assert!(Environment::Testing.endpoints("flocash").is_empty());
        let none = Capabilities {
            partial_refunds: false,
            total_refunds: false,
            preauthorisation: false,
        };
        assert_eq!(
            none.check_refund(1000, 1000).unwrap_err().field(),
            Some("amount")
        );
        assert!(none.check_preauthorisation().is_err());
        assert!(Capabilities::default().check_refund(1, 1000).is_ok());
        let caps: Capabilities = serde_json::from_str(r#"{"partial_refunds": false}"#).unwrap();
        assert!(!caps.partial_refunds && caps.total_refunds);
    }
}

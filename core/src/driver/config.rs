//! One configuration type for every gateway, tagged by name, with the one list of its secrets.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use crate::json;

/// A merchant account's configuration, whichever gateway it is for.
///
/// JSON: the gateway's own configuration with its name beside it, `{"gateway": "redsys",
/// "merchant_code": "…", …}`. Serialising writes every secret as `"***"`; [`Config::public`]
/// leaves the secret keys out altogether.
///
/// ```
/// use vpos_core::driver::Config;
/// use vpos_core::gateways::Gateway;
/// let config = Config::from_json(&serde_json::json!({
///     "gateway": "ceca", "merchant_id": "111950028", "acquirer_bin": "0000554052",
///     "terminal_id": "00000003", "key": "qwerty-key", "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
///     "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/",
/// }))?;
/// assert_eq!(config.gateway(), Gateway::Ceca);
/// assert_eq!(config.secret_keys(), ["key"]);
/// assert!(config.public().get("key").is_none());
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "gateway", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Config {
    /// FloCash.
    #[cfg(feature = "flocash")]
    Flocash(flocash::Config),
    /// Redsys.
    #[cfg(feature = "redsys")]
    Redsys(redsys::Config),
    /// CECA.
    #[cfg(feature = "ceca")]
    Ceca(ceca::Config),
    /// Santander Elavon.
    #[cfg(feature = "elavon")]
    Elavon(elavon::Config),
    /// PayPal.
    #[cfg(feature = "paypal")]
    Paypal(paypal::Config),
    /// Bitpay.
    #[cfg(feature = "bitpay")]
    Bitpay(bitpay::Config),
    /// PayPal REST (Orders v2, webhooks); `access_token` is the host's cached OAuth token.
    #[cfg(feature = "paypal_rest")]
    PaypalRest(paypal::RestConfig),
}

/// The secret keys of each gateway's configuration, as dotted JSON paths. Hosts encrypt these
/// at rest, make them write-only in forms and leave them out of anything they show; this is
/// the only list.
const SECRET_KEYS: [(Gateway, &[&str]); 7] = [
    (Gateway::Flocash, &["notification_token"]),
    (Gateway::Redsys, &["secret_key"]),
    (Gateway::Ceca, &["key"]),
    (Gateway::Elavon, &["secret", "rebate_password"]),
    (Gateway::Paypal, &["nvp.password", "nvp.signature"]),
    (
        Gateway::Bitpay,
        &["api_key", "token", "private_key", "merchant_token"],
    ),
    (Gateway::PaypalRest, &["secret", "access_token"]),
];

/// The secret configuration keys of `gateway`, as dotted JSON paths (`nvp.password`).
///
/// ```
/// use vpos_core::{driver::secret_keys, gateways::Gateway};
/// assert_eq!(secret_keys(Gateway::Paypal), ["nvp.password", "nvp.signature"]);
/// ```
pub fn secret_keys(gateway: Gateway) -> &'static [&'static str] {
    SECRET_KEYS
        .iter()
        .find(|(g, _)| *g == gateway)
        .map_or(&[], |(_, keys)| keys)
}

/// Every gateway the hosts serve, in the order they list them (Django's account choices and
/// settings, the bindings' `GATEWAYS`). A gateway the driver already speaks but the hosts do
/// not serve yet is in [`PREVIEW_GATEWAYS`] instead.
pub const GATEWAYS: [Gateway; 7] = [
    Gateway::Flocash,
    Gateway::Redsys,
    Gateway::Paypal,
    Gateway::Ceca,
    Gateway::Elavon,
    Gateway::Bitpay,
    Gateway::PaypalRest,
];

/// Gateways the driver speaks (configuration, checkout, notifications, operations, status
/// query, vectors) that the hosts do not list yet: [`gateway`] knows their names, [`GATEWAYS`]
/// leaves them out until a host serves them. Empty today: PayPal REST moved into
/// [`GATEWAYS`] with the Django app's account kind, settings and URL (issue #19).
pub const PREVIEW_GATEWAYS: [Gateway; 0] = [];

/// Reads a gateway's name (`"redsys"`); anything else is `unsupported` on `gateway`.
///
/// ```
/// use vpos_core::{driver::gateway, gateways::Gateway};
/// assert_eq!(gateway("bitpay")?, Gateway::Bitpay);
/// assert_eq!(gateway("visa").unwrap_err().field(), Some("gateway"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn gateway(name: &str) -> Result<Gateway> {
    GATEWAYS
        .into_iter()
        .chain(PREVIEW_GATEWAYS)
        .find(|g| g.as_str() == name)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Unsupported,
                format!(
                    "vpos knows no gateway named {:?}",
                    name.chars().take(32).collect::<String>()
                ),
            )
            .with_field("gateway")
        })
}

impl Config {
    /// Reads `config` as `gateway`'s configuration and checks every value (the gateway's
    /// `validate`). Failures are `invalid_config` naming the key's path; no value is ever
    /// quoted, so a misplaced secret cannot reach a log through the message.
    pub fn new(gateway: Gateway, config: &Value) -> Result<Config> {
        let config = match gateway {
            #[cfg(feature = "flocash")]
            Gateway::Flocash => Config::Flocash(read(config)?),
            #[cfg(feature = "redsys")]
            Gateway::Redsys => Config::Redsys(read(config)?),
            #[cfg(feature = "ceca")]
            Gateway::Ceca => Config::Ceca(read(config)?),
            #[cfg(feature = "elavon")]
            Gateway::Elavon => Config::Elavon(read(config)?),
            #[cfg(feature = "paypal")]
            Gateway::Paypal => Config::Paypal(read(config)?),
            #[cfg(feature = "bitpay")]
            Gateway::Bitpay => Config::Bitpay(read(config)?),
            #[cfg(feature = "paypal_rest")]
            Gateway::PaypalRest => Config::PaypalRest(read(config)?),
            // A gateway this build was compiled without (a per-gateway wasm edge module).
            #[allow(unreachable_patterns)]
            other => return Err(not_built(other)),
        };
        config.validate()?;
        Ok(config)
    }

    /// Reads the tagged shape `{"gateway": "…", …}` (see [`Config::new`]).
    pub fn from_json(value: &Value) -> Result<Config> {
        let Value::Object(map) = value else {
            return Err(Error::config("config", "must be an object of key -> value"));
        };
        let name = match map.get("gateway") {
            Some(Value::String(name)) => name,
            Some(_) => return Err(Error::config("gateway", "must be a gateway's name")),
            None => return Err(Error::config("gateway", "is required")),
        };
        let gateway = gateway(name)?;
        let rest: Map<String, Value> = map
            .iter()
            .filter(|(k, _)| k.as_str() != "gateway")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Config::new(gateway, &Value::Object(rest))
    }

    /// The gateway.
    pub fn gateway(&self) -> Gateway {
        match self {
            #[cfg(feature = "flocash")]
            Config::Flocash(_) => Gateway::Flocash,
            #[cfg(feature = "redsys")]
            Config::Redsys(_) => Gateway::Redsys,
            #[cfg(feature = "ceca")]
            Config::Ceca(_) => Gateway::Ceca,
            #[cfg(feature = "elavon")]
            Config::Elavon(_) => Gateway::Elavon,
            #[cfg(feature = "paypal")]
            Config::Paypal(_) => Gateway::Paypal,
            #[cfg(feature = "bitpay")]
            Config::Bitpay(_) => Gateway::Bitpay,
            #[cfg(feature = "paypal_rest")]
            Config::PaypalRest(_) => Gateway::PaypalRest,
        }
    }

    /// This gateway's secret keys ([`secret_keys`]).
    pub fn secret_keys(&self) -> &'static [&'static str] {
        secret_keys(self.gateway())
    }

    /// Checks the secret path segment of the notification URL, for gateways that guard the
    /// URL with one (FloCash, in constant time); the others have none and pass. `None` is a
    /// wrong token where one is needed (`token_mismatch`). [`parse_notification`](super::parse_notification)
    /// checks it again; a host calls this first to refuse a wrong URL before storing anything.
    ///
    /// ```
    /// use vpos_core::driver::Config;
    /// let config = Config::from_json(&serde_json::json!({"gateway": "flocash",
    ///     "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
    ///     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
    ///     "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}))?;
    /// assert!(config.check_token(Some("a-long-random-token")).is_ok());
    /// assert_eq!(config.check_token(None).unwrap_err().code(), vpos_core::ErrorCode::TokenMismatch);
    /// # Ok::<(), vpos_core::Error>(())
    /// ```
    pub fn check_token(&self, token: Option<&str>) -> Result<()> {
        match self {
            #[cfg(feature = "flocash")]
            Config::Flocash(c) => c.check_token(token.unwrap_or("")),
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        }
    }

    /// The gateway's own check of every value.
    pub fn validate(&self) -> Result<()> {
        match self {
            #[cfg(feature = "flocash")]
            Config::Flocash(c) => c.validate(),
            #[cfg(feature = "redsys")]
            Config::Redsys(c) => c.validate(),
            #[cfg(feature = "ceca")]
            Config::Ceca(c) => c.validate(),
            #[cfg(feature = "elavon")]
            Config::Elavon(c) => c.validate(),
            #[cfg(feature = "paypal")]
            Config::Paypal(c) => c.validate(),
            #[cfg(feature = "bitpay")]
            Config::Bitpay(c) => c.validate(),
            #[cfg(feature = "paypal_rest")]
            Config::PaypalRest(c) => c.validate(),
        }
    }

    /// The configuration without its secret keys, tagged with `gateway`: what a host may show,
    /// log or send to a page.
    pub fn public(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        for path in self.secret_keys() {
            remove_path(&mut value, path);
        }
        value
    }
}

macro_rules! from_gateway_config {
    ($($variant:ident($module:ident, $feature:literal)),*) => {$(
        #[cfg(feature = $feature)]
        /// Wraps a configuration a Rust caller already holds (not validated again: call
        /// [`Config::validate`] if it was built by hand).
        impl From<$module::Config> for Config {
            fn from(config: $module::Config) -> Config {
                Config::$variant(config)
            }
        }
    )*};
}

from_gateway_config!(
    Flocash(flocash, "flocash"),
    Redsys(redsys, "redsys"),
    Ceca(ceca, "ceca"),
    Elavon(elavon, "elavon"),
    Paypal(paypal, "paypal"),
    Bitpay(bitpay, "bitpay")
);

/// Wraps a PayPal REST configuration a Rust caller already holds (not validated again).
#[cfg(feature = "paypal_rest")]
impl From<paypal::RestConfig> for Config {
    fn from(config: paypal::RestConfig) -> Config {
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(config)
    }
}

/// Whether this build of the core speaks `gateway`: every gateway by default; a build made
/// with some of the cargo features `flocash`, `redsys`, `ceca`, `elavon`, `paypal`,
/// `paypal_rest`, `bitpay` (the per-gateway wasm edge modules) speaks only those.
///
/// ```
/// use vpos_core::{driver::is_built, gateways::Gateway};
/// assert!(is_built(Gateway::Redsys)); // the default build has every gateway
/// ```
pub fn is_built(gateway: Gateway) -> bool {
    match gateway {
        Gateway::Flocash => cfg!(feature = "flocash"),
        Gateway::Redsys => cfg!(feature = "redsys"),
        Gateway::Ceca => cfg!(feature = "ceca"),
        Gateway::Elavon => cfg!(feature = "elavon"),
        Gateway::Paypal => cfg!(feature = "paypal"),
        Gateway::Bitpay => cfg!(feature = "bitpay"),
        Gateway::PaypalRest => cfg!(feature = "paypal_rest"),
    }
}

/// `gateway_not_built` on `gateway`: the name is known, this build left the gateway out.
#[cfg_attr(
    all(
        feature = "flocash",
        feature = "redsys",
        feature = "ceca",
        feature = "elavon",
        feature = "paypal",
        feature = "paypal_rest",
        feature = "bitpay"
    ),
    allow(dead_code)
)]
pub(crate) fn not_built(gateway: Gateway) -> Error {
    Error::new(
        ErrorCode::GatewayNotBuilt,
        format!(
            "this build of vpos has no {} gateway: load the module built for it",
            gateway.as_str()
        ),
    )
    .with_field("gateway")
}

fn read<T: serde::de::DeserializeOwned>(config: &Value) -> Result<T> {
    json::from_value(config, ErrorCode::InvalidConfig)
}

/// Removes the value at a dotted `path`; an object left empty by it stays (its other keys,
/// like PayPal's `nvp.user`, are public).
fn remove_path(value: &mut Value, path: &str) {
    let mut at = value;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(map) = at else { return };
        if parts.peek().is_none() {
            map.remove(part);
            return;
        }
        match map.get_mut(part) {
            Some(next) => at = next,
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_gateway_has_one_secret_list_and_names_round_trip() {
        for g in GATEWAYS.into_iter().chain(PREVIEW_GATEWAYS) {
            assert!(!secret_keys(g).is_empty(), "{g:?}");
            assert_eq!(gateway(g.as_str()).unwrap(), g);
        }
        assert_eq!(gateway("").unwrap_err().code(), ErrorCode::Unsupported);
    }

    #[test]
    fn tagged_shape_and_its_errors() {
        let err = Config::from_json(&json!({"merchant_code": "1"})).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::InvalidConfig, Some("gateway"))
        );
        let err = Config::from_json(&json!({"gateway": "bitpay", "api_key": "k",
            "api_url": "https://test.bitpay.com/api/invoice", "invoice_url": "https://test.bitpay.com/invoice",
            "notification_urll": "x"}))
        .unwrap_err();
        assert_eq!(err.field(), Some("notification_urll"));
        assert!(Config::from_json(&json!([1])).is_err());
    }

    #[test]
    fn only_a_token_guarded_gateway_checks_the_token() {
        let config = Config::from_json(&json!({"gateway": "bitpay", "api_key": "k",
            "api_url": "https://test.bitpay.com/api/invoice", "invoice_url": "https://test.bitpay.com/invoice"}))
        .unwrap();
        assert!(config.check_token(None).is_ok());
        let config = Config::from_json(&json!({"gateway": "flocash",
            "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
            "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}))
        .unwrap();
        assert!(config.check_token(Some("a-long-random-token")).is_ok());
        for wrong in [None, Some(""), Some("a-long-random-tokeN")] {
            assert_eq!(
                config.check_token(wrong).unwrap_err().code(),
                ErrorCode::TokenMismatch
            );
        }
    }

    #[test]
    fn public_drops_nested_secrets_and_keeps_the_rest() {
        let config =
            Config::from_json(&json!({"gateway": "paypal", "business": "shop@example.com",
            "checkout_url": paypal::SANDBOX_CHECKOUT_URL, "ipn_url": paypal::SANDBOX_IPN_URL,
            "nvp": {"user": "api-user", "password": "pw-1234", "signature": "sig-5678",
                    "api_url": paypal::SANDBOX_NVP_URL}}))
            .unwrap();
        let public = config.public();
        assert_eq!(public["gateway"], "paypal");
        assert_eq!(public["nvp"]["user"], "api-user");
        assert!(
            public["nvp"].get("password").is_none() && public["nvp"].get("signature").is_none()
        );
    }
}

//! `hostedpay.paypal_rest`: the PayPal REST (Orders v2) account and its OAuth token.
//!
//! Everything else (checkout, operations, status query, webhooks) goes through
//! `hostedpay.driver` with gateway `paypal_rest`; this module holds what the driver leaves to
//! the host: the account's configuration class and the token request the host sends and
//! caches (docs/paypal-orders.md, "The token: a key of the configuration").

use pyo3::prelude::*;
use vpos_core::gateways::paypal::{self, AccessToken as CoreToken, RestConfig};

use crate::convert::ser;
use crate::error::IntoPy;
use crate::gateway::config_from_py;
use crate::http::reply_from_py;

/// One PayPal REST app (client id, secret, API base, webhook id, merchant). Building it
/// validates the configuration (`ConfigError` with `.field`); the secret and any
/// `access_token` never appear in `repr`.
#[pyclass(module = "hostedpay.paypal_rest", name = "Gateway", frozen)]
pub struct Gateway {
    config: RestConfig,
}

#[pymethods]
impl Gateway {
    #[new]
    #[pyo3(signature = (config, *, validate = true))]
    fn new(py: Python<'_>, config: &Bound<'_, PyAny>, validate: bool) -> PyResult<Self> {
        Ok(Gateway {
            config: config_from_py(py, config, validate, RestConfig::validate)?,
        })
    }

    /// The `hostedpay.driver.Config` of this account (gateway `paypal_rest`), with the host's
    /// cached OAuth token as its `access_token` when given (the verbs that call PayPal need it;
    /// `ConfigError` on `access_token` when it is not 1 to 4096 printable ASCII characters).
    #[pyo3(signature = (access_token = None))]
    fn driver_config(
        &self,
        py: Python<'_>,
        access_token: Option<String>,
    ) -> PyResult<crate::driver::Config> {
        let mut config = self.config.clone();
        if let Some(token) = access_token {
            let token = CoreToken::new(vpos_core::Secret::new(token), 0).py(py)?;
            config.access_token = Some(token.secret().clone());
        }
        Ok(crate::driver::Config(config.into()))
    }

    /// Checks every configuration value; raises `ConfigError` naming the first bad key.
    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        self.config.validate().py(py)
    }

    /// `"paypal_rest"`.
    #[getter]
    fn name(&self) -> &'static str {
        "paypal_rest"
    }

    /// The receiving merchant (payer) id or e-mail, as replies and webhooks must name it.
    #[getter]
    fn merchant(&self) -> &str {
        &self.config.merchant
    }

    /// The OAuth token request: `POST {api_base}/v1/oauth2/token` with the Basic pair
    /// (`{"method", "url", "headers", "body"}`; the headers hold the secret: never log them).
    fn token_request<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &paypal::token_request(&self.config).py(py)?)
    }

    fn __repr__(&self) -> String {
        crate::gateway::repr("hostedpay.paypal_rest", &self.config)
    }
}

/// An OAuth access token: `expires_in` seconds, the token itself only through `reveal()`
/// (never in `repr`).
#[pyclass(module = "hostedpay.paypal_rest", name = "AccessToken", frozen)]
pub struct AccessToken(CoreToken);

#[pymethods]
impl AccessToken {
    /// Seconds the token lives from when PayPal issued it: cache it for somewhat less.
    #[getter]
    fn expires_in(&self) -> u64 {
        self.0.expires_in()
    }

    /// The token, for the host's cache and the configuration's `access_token` key.
    fn reveal(&self) -> &str {
        self.0.secret().expose()
    }

    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.paypal_rest.AccessToken *** expires_in={}>",
            self.0.expires_in()
        )
    }
}

/// Reads the reply to `Gateway.token_request()`: the token, or `ConfigError` (`invalid_config`
/// on `client_id`: wrong credentials), `GatewayError` (`gateway_error`, `gateway_unavailable`)
/// or `ParseError`. The token is never quoted in an error.
#[pyfunction]
pub fn parse_token_reply(py: Python<'_>, reply: &Bound<'_, PyAny>) -> PyResult<AccessToken> {
    let reply = reply_from_py(reply)?;
    Ok(AccessToken(paypal::parse_token_reply(&reply).py(py)?))
}

/// Whether `error` (a `VposError`) is PayPal's 401 on an API call (`gateway_unavailable` on
/// `access_token`): drop the cached token, fetch a new one and ask the same verb once more.
#[pyfunction]
pub fn is_token_rejected(error: &Bound<'_, PyAny>) -> PyResult<bool> {
    let error = crate::error::from_py_err(error)?;
    Ok(paypal::is_token_rejected(&error))
}

//! PayPal REST credentials and the OAuth 2.0 client-credentials token, sans-IO: the core
//! describes `POST /v1/oauth2/token` and reads the reply; the host sends it, caches the token
//! for `expires_in` seconds (the core reads no clock) and asks again when an API call answers
//! HTTP 401 ([`is_token_rejected`]).
//!
//! Source: <https://developer.paypal.com/api/rest/authentication/> (Basic auth of
//! `CLIENT_ID:CLIENT_SECRET`, form body `grant_type=client_credentials`, a reply with
//! `access_token` and the seconds it is valid for).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, Method, Reply};
use crate::secret::Secret;

/// REST API base, sandbox.
pub const SANDBOX_API_BASE: &str = "https://api-m.sandbox.paypal.com";
/// REST API base, live.
pub const LIVE_API_BASE: &str = "https://api-m.paypal.com";

/// Largest reply body read from the REST API; an order with its captures and refunds is a few
/// kilobytes.
pub(super) const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// The field an expired or revoked access token is reported on (see [`is_token_rejected`]).
const TOKEN_FIELD: &str = "access_token";

/// One PayPal REST app (client id and secret) and the account it receives money for.
///
/// ```
/// let config: vpos_core::gateways::paypal::RestConfig = serde_json::from_str(r#"{
///     "client_id": "AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS",
///     "secret": "EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL",
///     "api_base": "https://api-m.sandbox.paypal.com",
///     "merchant": "shop@example.com"
/// }"#)?;
/// config.validate()?;
/// assert!(!format!("{config:?}").contains("EGnHDxD"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalRestConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestConfig {
    /// The REST app's client id (the Basic-auth user of the token request).
    pub client_id: String,
    /// The REST app's secret.
    pub secret: Secret,
    /// [`SANDBOX_API_BASE`] or [`LIVE_API_BASE`] (`http://` only on a loopback host, for the
    /// project's sandbox).
    pub api_base: String,
    /// The id PayPal gave the webhook subscription, which both webhook verifications cover ([`super::verify_offline`], [`super::verify_webhook_signature_request`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    /// The receiving account's merchant (payer) id or e-mail: every reply naming a payee must
    /// name this one, and events carry it as their merchant.
    pub merchant: String,
    /// The host's cached OAuth token ([`parse_token_reply`]), given with the account for the
    /// driver's verbs (`driver::Config` of gateway `paypal_rest`: checkout, operations, status
    /// query, webhook post-back), which take no token argument; `None` where the host has
    /// none (a verb that needs one is `field_missing` on `access_token`). The functions of this
    /// module take the token as an argument and ignore this field. A secret: `***` in `Debug`
    /// and when serialised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<Secret>,
}

impl RestConfig {
    /// Checks every value: a client id without `:` (it is the Basic-auth user), a secret, an
    /// `https://` API base without path, query or credentials (`http://` only for
    /// `127.0.0.1`, `localhost` or `[::1]`), a merchant, and a webhook id of letters and digits.
    ///
    /// ```
    /// let mut config: vpos_core::gateways::paypal::RestConfig = serde_json::from_str(r#"{
    ///     "client_id": "id", "secret": "s", "api_base": "http://127.0.0.1:8089",
    ///     "merchant": "MERCHANT1"}"#)?;
    /// config.validate()?;
    /// config.api_base = "http://api-m.sandbox.paypal.com".into();
    /// assert_eq!(config.validate().unwrap_err().field(), Some("api_base"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.client_id.is_empty()
            || self.client_id.len() > 256
            || !self
                .client_id
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b':')
        {
            return Err(Error::config(
                "client_id",
                "must be 1 to 256 printable ASCII characters without ':'",
            ));
        }
        if self.secret.is_empty()
            || self.secret.expose().len() > 256
            || !self.secret.expose().bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::config(
                "secret",
                "must be 1 to 256 printable ASCII characters",
            ));
        }
        check_api_base(&self.api_base)?;
        crate::fields::required("merchant", &self.merchant, 127).map_err(Error::into_config)?;
        if let Some(id) = &self.webhook_id
            && (id.is_empty()
                || id.len() > 50
                || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(Error::config(
                "webhook_id",
                "must be 1 to 50 letters, digits or '-'",
            ));
        }
        if let Some(token) = &self.access_token {
            AccessToken::new(token.clone(), 0).map_err(Error::into_config)?;
        }
        Ok(())
    }

    /// The [`RestConfig::access_token`] the host gave, as an [`AccessToken`]; none is
    /// `field_missing` on `access_token`.
    ///
    /// ```
    /// let config: vpos_core::gateways::paypal::RestConfig = serde_json::from_str(r#"{
    ///     "client_id": "CLIENT", "secret": "SECRET", "api_base": "https://api-m.sandbox.paypal.com",
    ///     "merchant": "shop@example.com", "access_token": "A21AAF-TOKEN"}"#)?;
    /// assert_eq!(config.token()?.secret().expose(), "A21AAF-TOKEN");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn token(&self) -> Result<AccessToken> {
        match &self.access_token {
            Some(token) => AccessToken::new(token.clone(), 0),
            None => Err(Error::missing(TOKEN_FIELD)),
        }
    }

    /// `api_base` without a trailing `/`, followed by `path`.
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base.trim_end_matches('/'))
    }

    /// Whether the API base is a loopback `http://` one (the project's sandbox), where links in
    /// replies may be `http://` too.
    pub(super) fn is_loopback(&self) -> bool {
        self.api_base.starts_with("http://")
    }
}

/// `https://host[:port]`, or `http://` for a loopback host; no path (a trailing `/` is
/// allowed), query, fragment, credentials or whitespace.
fn check_api_base(base: &str) -> Result<()> {
    let bad = || {
        Error::config(
            "api_base",
            "must be https://host[:port] (http:// only for 127.0.0.1, localhost or [::1])",
        )
    };
    let (authority, loopback_only) = if let Some(rest) = base.strip_prefix("https://") {
        (rest, false)
    } else if let Some(rest) = base.strip_prefix("http://") {
        (rest, true)
    } else {
        return Err(bad());
    };
    let authority = authority.strip_suffix('/').unwrap_or(authority);
    if authority.is_empty()
        || authority.len() > 255
        || !authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    {
        return Err(bad());
    }
    let host = if authority.starts_with('[') {
        authority.split(']').next().map(|h| format!("{h}]"))
    } else {
        authority.split(':').next().map(str::to_string)
    }
    .unwrap_or_default();
    if loopback_only && !matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]") {
        return Err(bad());
    }
    Ok(())
}

/// An OAuth 2.0 access token and how long PayPal says it lives. `Debug` never shows the
/// token.
///
/// ```
/// use vpos_core::{Secret, gateways::paypal::AccessToken};
/// let token = AccessToken::new(Secret::new("A21AAFEpH4PsADK7qSS7pSRsgzfENtu"), 32400)?;
/// assert_eq!(token.expires_in(), 32400);
/// assert!(!format!("{token:?}").contains("A21AAF"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AccessToken {
    token: Secret,
    expires_in: u64,
}

impl AccessToken {
    /// A token the host cached from an earlier [`parse_token_reply`]. It is written into an
    /// `Authorization` header, so it must be 1 to 4096 printable ASCII characters
    /// (`field_invalid` on `access_token`, the value never quoted).
    pub fn new(token: Secret, expires_in: u64) -> Result<AccessToken> {
        let t = token.expose();
        if t.is_empty() || t.len() > 4096 || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                TOKEN_FIELD,
                "must be 1 to 4096 printable ASCII characters",
            ));
        }
        Ok(AccessToken { token, expires_in })
    }

    /// The token, for the host's cache.
    pub fn secret(&self) -> &Secret {
        &self.token
    }

    /// Seconds the token lives from when PayPal issued it: cache it for somewhat less.
    pub fn expires_in(&self) -> u64 {
        self.expires_in
    }

    /// `Bearer <token>`.
    pub(super) fn bearer(&self) -> String {
        format!("Bearer {}", self.token.expose())
    }
}

/// `POST {api_base}/v1/oauth2/token` with HTTP Basic auth of `client_id:secret` and the form
/// body `grant_type=client_credentials`. An invalid configuration is `invalid_config`.
///
/// ```
/// # let config: vpos_core::gateways::paypal::RestConfig = serde_json::from_str(r#"{
/// #     "client_id": "CLIENT", "secret": "SECRET", "api_base": "https://api-m.sandbox.paypal.com",
/// #     "merchant": "shop@example.com"}"#)?;
/// use vpos_core::gateways::paypal::token_request;
/// let request = token_request(&config)?;
/// assert_eq!(request.url, "https://api-m.sandbox.paypal.com/v1/oauth2/token");
/// assert_eq!(request.body, "grant_type=client_credentials");
/// assert!(request.headers.contains(&("Authorization".into(), "Basic Q0xJRU5UOlNFQ1JFVA==".into())));
/// assert!(!format!("{request:?}").contains("Q0xJRU5U"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn token_request(config: &RestConfig) -> Result<HttpRequest> {
    config.validate()?;
    let credentials = STANDARD.encode(format!("{}:{}", config.client_id, config.secret.expose()));
    Ok(HttpRequest {
        method: Method::Post,
        url: config.url("/v1/oauth2/token"),
        headers: vec![
            ("Authorization".into(), format!("Basic {credentials}")),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Accept".into(), "application/json".into()),
        ],
        body: "grant_type=client_credentials".into(),
    })
}

/// Reads the token reply: HTTP 200 with `access_token`, `token_type` `Bearer` (when present)
/// and `expires_in` (whole seconds). HTTP 401 (`invalid_client`) is `invalid_config` on
/// `client_id`: the credentials are wrong; another 4xx is `gateway_error` with PayPal's
/// `error`; 429, 5xx and no reply are `gateway_unavailable`. The token never appears in an
/// error.
///
/// ```
/// use vpos_core::{Reply, gateways::paypal::parse_token_reply};
/// let reply = Reply::Response { status: 200, body: br#"{"scope": "https://uri.paypal.com/services/payments/payment",
///     "access_token": "A21AAFEpH4PsADK7qSS7pSRsgzfENtu", "token_type": "Bearer",
///     "app_id": "APP-80W284485P519543T", "expires_in": 32400, "nonce": "2026-12-06T13:05:07Z"}"#.to_vec() };
/// let token = parse_token_reply(&reply)?;
/// assert_eq!(token.expires_in(), 32400);
/// let refused = Reply::Response { status: 401, body: br#"{"error": "invalid_client",
///     "error_description": "Client Authentication failed"}"#.to_vec() };
/// assert_eq!(parse_token_reply(&refused).unwrap_err().code().as_str(), "invalid_config");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_token_reply(reply: &Reply) -> Result<AccessToken> {
    #[derive(Deserialize)]
    struct Wire {
        access_token: String,
        #[serde(default)]
        token_type: Option<String>,
        expires_in: u64,
    }
    #[derive(Deserialize)]
    struct WireError {
        #[serde(default)]
        error: Option<String>,
    }
    let (status, body) = match reply {
        Reply::Response { status, body } => (*status, body),
        Reply::Failed { error } => return Err(no_answer(error)),
    };
    if body.len() > MAX_REPLY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!("the token reply is {} bytes long", body.len()),
        ));
    }
    match status {
        200 => {}
        401 => {
            return Err(Error::config(
                "client_id",
                "PayPal refused the client id and secret (HTTP 401)",
            ));
        }
        429 | 500..=599 => return Err(unavailable(status)),
        400..=499 => {
            let error = serde_json::from_slice::<WireError>(body)
                .ok()
                .and_then(|e| e.error)
                .map(|e| code_text(&e))
                .unwrap_or_default();
            let error = if error.is_empty() {
                String::new()
            } else {
                format!(": {error}")
            };
            return Err(Error::new(
                ErrorCode::GatewayError,
                format!("PayPal refused the token request (HTTP {status}{error})"),
            ));
        }
        _ => return Err(unavailable(status)),
    }
    // A typed read: serde's messages would quote the token on a shape error, so they are
    // replaced by the field's name.
    let wire: Wire = serde_json::from_slice(body).map_err(|_| {
        Error::invalid(
            TOKEN_FIELD,
            "reply is not a JSON object with access_token and expires_in",
        )
    })?;
    if let Some(kind) = &wire.token_type
        && !kind.eq_ignore_ascii_case("Bearer")
    {
        return Err(Error::invalid(
            "token_type",
            format_args!("{:?} is not Bearer", code_text(kind)),
        ));
    }
    AccessToken::new(Secret::new(wire.access_token), wire.expires_in)
}

/// Whether `error` (from parsing a REST reply) says PayPal refused the access token
/// (HTTP 401): the token expired or was revoked. Fetch a new one with [`token_request`] and
/// send the same request again (same `PayPal-Request-Id`). It is `gateway_unavailable` on the
/// field `access_token`, so a host that does not look is still told to retry.
///
/// ```
/// use vpos_core::{Reply, gateways::paypal::{is_token_rejected, parse_refund_reply, RestConfig}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com"}"#).unwrap();
/// let reply = Reply::Response { status: 401, body: br#"{"error": "invalid_token",
///     "error_description": "Token signature verification failed"}"#.to_vec() };
/// let error = parse_refund_reply(&config, "ORDER-1", &reply).unwrap_err();
/// assert!(is_token_rejected(&error));
/// assert_eq!(error.code().as_str(), "gateway_unavailable");
/// ```
pub fn is_token_rejected(error: &Error) -> bool {
    error.code() == ErrorCode::GatewayUnavailable && error.field() == Some(TOKEN_FIELD)
}

/// The error for an API call answered HTTP 401.
pub(super) fn token_rejected() -> Error {
    Error::new(
        ErrorCode::GatewayUnavailable,
        "PayPal refused the access token (HTTP 401): fetch a new one and send the request again",
    )
    .with_field(TOKEN_FIELD)
}

pub(super) fn unavailable(status: u16) -> Error {
    Error::new(
        ErrorCode::GatewayUnavailable,
        format!("PayPal answered HTTP {status}"),
    )
}

pub(super) fn no_answer(error: &str) -> Error {
    crate::http::no_answer("PayPal", error)
}

/// A code PayPal sent (`invalid_client`, `ORDER_NOT_APPROVED`), cut to what such a code is
/// made of, so a hostile reply cannot put text of its choosing into an error message.
pub(super) fn code_text(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
        .take(64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> RestConfig {
        serde_json::from_str(
            r#"{"client_id":"AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS",
                "secret":"EGnHDxD_qRPdaLdZz8iCr8N7_MzF-SECRET","api_base":"https://api-m.sandbox.paypal.com",
                "merchant":"shop@example.com","webhook_id":"8PT597110X687430LKGECATA"}"#,
        )
        .unwrap()
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply::Response {
            status,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn api_base_is_https_or_loopback_http() {
        for ok in [
            "https://api-m.paypal.com",
            "https://api-m.sandbox.paypal.com/",
            "http://127.0.0.1:8089",
            "http://localhost:9000/",
            "http://[::1]:8000",
        ] {
            let c = RestConfig {
                api_base: ok.into(),
                ..config()
            };
            assert!(c.validate().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "http://api-m.paypal.com",
            "http://127.0.0.1.evil.example",
            "https://api-m.paypal.com/v2",
            "https://user:pw@api-m.paypal.com",
            "https://api-m.paypal.com?x=1",
            "ftp://api-m.paypal.com",
            "https://",
        ] {
            let c = RestConfig {
                api_base: bad.into(),
                ..config()
            };
            let e = c.validate().unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidConfig, Some("api_base")),
                "{bad}"
            );
        }
        assert_eq!(
            RestConfig {
                api_base: "http://localhost/".into(),
                ..config()
            }
            .url("/v1/oauth2/token"),
            "http://localhost/v1/oauth2/token"
        );
    }

    #[test]
    fn config_refuses_unknown_keys_and_bad_values_without_quoting_secrets() {
        let e = crate::json::from_str::<RestConfig>(
            r#"{"client_id":"c","secret":"s","api_base":"https://api-m.paypal.com","merchant":"m","mode":"live"}"#,
            ErrorCode::InvalidConfig,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("mode"));
        for (field, c) in [
            (
                "client_id",
                RestConfig {
                    client_id: "a:b".into(),
                    ..config()
                },
            ),
            (
                "secret",
                RestConfig {
                    secret: Secret::new(""),
                    ..config()
                },
            ),
            (
                "merchant",
                RestConfig {
                    merchant: String::new(),
                    ..config()
                },
            ),
            (
                "webhook_id",
                RestConfig {
                    webhook_id: Some("a b".into()),
                    ..config()
                },
            ),
        ] {
            assert_eq!(c.validate().unwrap_err().field(), Some(field));
        }
        let debug = format!("{:?}", config());
        assert!(!debug.contains("SECRET"), "{debug}");
        let json = serde_json::to_string(&config()).unwrap();
        assert!(!json.contains("SECRET"), "{json}");
    }

    #[test]
    fn token_request_is_basic_auth_and_form_body() {
        let r = token_request(&config()).unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://api-m.sandbox.paypal.com/v1/oauth2/token");
        let auth = &r.headers[0].1;
        let decoded = STANDARD
            .decode(auth.strip_prefix("Basic ").unwrap())
            .unwrap();
        assert_eq!(
            decoded,
            b"AYSq3RDGsmBLJE-otTkBtM-jBRd1TCQwFf9RGfwddNXWz0uFU9ztymylOhRS:EGnHDxD_qRPdaLdZz8iCr8N7_MzF-SECRET"
        );
        assert!(!format!("{r:?}").contains(auth.as_str()));
        let bad = RestConfig {
            api_base: "http://api-m.paypal.com".into(),
            ..config()
        };
        assert_eq!(
            token_request(&bad).unwrap_err().code(),
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn token_replies() {
        // The reply shape of https://developer.paypal.com/api/rest/authentication/.
        let t = parse_token_reply(&reply(
            200,
            r#"{"scope":"https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/payments/payment",
                "access_token":"A21AAFEpH4PsADK7qSS7pSRsgzfENtu-Q1ysgEDVDESseMHBYXVJYE8ovjj68elIDy8nF26AwPhfXTIeWAZHSLIsQkSYz9ifg",
                "token_type":"Bearer","app_id":"APP-80W284485P519543T","expires_in":31668,
                "nonce":"2020-04-03T15:35:36ZaYZlGvEkV4yVSz8g6bAKFoGSEzuy3CQcz3ljhibkOHg"}"#,
        ))
        .unwrap();
        assert_eq!(t.expires_in(), 31668);
        assert!(t.bearer().starts_with("Bearer A21AAF"));
        assert!(!format!("{t:?}").contains("A21AAF"));

        let cases: [(Reply, ErrorCode); 8] = [
            (
                reply(200, r#"{"access_token":"","expires_in":1}"#),
                ErrorCode::FieldInvalid,
            ),
            (
                reply(200, r#"{"access_token":"a b","expires_in":1}"#),
                ErrorCode::FieldInvalid,
            ),
            (
                reply(200, r#"{"access_token":"tok","expires_in":-1}"#),
                ErrorCode::FieldInvalid,
            ),
            (
                reply(
                    200,
                    r#"{"access_token":"tok","expires_in":1,"token_type":"MAC"}"#,
                ),
                ErrorCode::FieldInvalid,
            ),
            (reply(200, "[[[[[[[[[[[[[[[["), ErrorCode::FieldInvalid),
            (
                reply(400, r#"{"error":"unsupported_grant_type<script>"}"#),
                ErrorCode::GatewayError,
            ),
            (reply(503, "busy"), ErrorCode::GatewayUnavailable),
            (
                Reply::Failed {
                    error: "timeout".into(),
                },
                ErrorCode::GatewayUnavailable,
            ),
        ];
        for (r, code) in cases {
            let e = parse_token_reply(&r).unwrap_err();
            assert_eq!(e.code(), code, "{r:?}");
            assert!(!e.message().contains('<'), "{}", e.message());
        }
        let e = parse_token_reply(&reply(
            200,
            r#"{"access_token":7,"expires_in":"tok-SECRET"}"#,
        ))
        .unwrap_err();
        assert!(!e.message().contains("SECRET"));
        let e = parse_token_reply(&reply(401, r#"{"error":"invalid_client"}"#)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidConfig, Some("client_id"))
        );
        assert!(!is_token_rejected(&e));
        assert!(is_token_rejected(&token_rejected()));
    }
}

//! Proving a webhook came from PayPal, two ways.
//!
//! - Post-back: `POST /v1/notifications/verify-webhook-signature` with the transmission
//!   headers, the webhook id and the event; PayPal answers `SUCCESS` or `FAILURE`. The event
//!   is the raw body embedded as it came: PayPal checks its signature over the CRC32 of the
//!   bytes it signed, so a body re-serialised with other key order or spacing fails.
//! - Offline: PayPal signs `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the
//!   raw body, unsigned decimal>` with RSA-SHA256 (PKCS#1 v1.5, `PAYPAL-AUTH-ALGO`
//!   `SHA256withRSA`); the key is in the certificate at `PAYPAL-CERT-URL`.
//!
//! The offline check here covers the signature, the certificate's validity period (at the
//! host's clock, an argument), its subject CN and the transmission time. Whether the
//! certificate chains to a trusted root is the host's part: it fetches the certificate over
//! TLS from one of PayPal's API hosts ([`cert_request`] accepts no other) and may validate
//! the chain with its trust store. See docs/security.md, "PayPal REST webhooks".
//!
//! Sources: <https://developer.paypal.com/api/rest/webhooks/rest/> (the signed text, both
//! methods), <https://developer.paypal.com/docs/api/webhooks/v1/#verify-webhook-signature_post>
//! (the post-back), PayPal's Java SDK `SSLUtil.validateCertificateChain`
//! (<https://github.com/paypal/PayPal-Java-SDK>: the CN `messageverificationcerts…paypal.com`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts as _;
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::Sha256;
use x509_cert::Certificate;
use x509_cert::der::Encode as _;
use x509_cert::der::asn1::ObjectIdentifier;

use super::{MAX_WEBHOOK_BYTES, WebhookNotification};
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::paypal::oauth::{AccessToken, RestConfig, token_rejected};
use crate::http::{HttpRequest, Method, Reply};
use crate::trust::{Unverified, Verified};

/// The transmission time may differ from the host's clock by this many seconds (5 minutes):
/// room for clock skew and a slow delivery, too little for a captured message to be useful
/// much later. A replay inside the window does no harm either: it carries the same event
/// keys, so the state machine answers `already_applied`.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Hosts PayPal serves webhook signing certificates from: its REST API hosts, live and
/// sandbox (the `PAYPAL-CERT-URL` of every delivery seen names `api.paypal.com` or
/// `api.sandbox.paypal.com`; the `api-m` names are the same APIs).
pub const CERT_HOSTS: [&str; 4] = [
    "api.paypal.com",
    "api-m.paypal.com",
    "api.sandbox.paypal.com",
    "api-m.sandbox.paypal.com",
];

/// Subject CNs of PayPal's webhook signing certificates, live and sandbox.
const CERT_NAMES: [&str; 2] = [
    "messageverificationcerts.paypal.com",
    "messageverificationcerts.sandbox.paypal.com",
];

/// The only algorithm PayPal signs webhooks with.
const AUTH_ALGO: &str = "SHA256withRSA";

/// Largest certificate (chain) read: PayPal's is a few kilobytes.
const MAX_CERT_BYTES: usize = 64 * 1024;

/// Header names, as the fields of errors about them.
const H_ID: &str = "paypal-transmission-id";
const H_TIME: &str = "paypal-transmission-time";
const H_SIG: &str = "paypal-transmission-sig";
const H_CERT: &str = "paypal-cert-url";
const H_ALGO: &str = "paypal-auth-algo";

/// The `PAYPAL-*` headers of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmission {
    /// `PAYPAL-TRANSMISSION-ID`: letters, digits, `-` and `_` (no `|`, the signed text's
    /// separator).
    pub id: String,
    /// `PAYPAL-TRANSMISSION-TIME` verbatim (it is signed as sent).
    pub time: String,
    /// The same, in seconds since the Unix epoch.
    pub time_unix: i64,
    /// `PAYPAL-TRANSMISSION-SIG`: base64.
    pub sig: String,
    /// `PAYPAL-CERT-URL`.
    pub cert_url: String,
    /// `PAYPAL-AUTH-ALGO` (`SHA256withRSA`).
    pub auth_algo: String,
}

impl Transmission {
    /// Reads the five headers: names in any case, each at most once (`duplicate_field`),
    /// each present (`field_missing`, the field the lower-case header name) and well-formed
    /// (`field_invalid`).
    ///
    /// ```
    /// use vpos_core::gateways::paypal::Transmission;
    /// let headers: Vec<(String, String)> = [
    ///     ("Paypal-Transmission-Id", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
    ///     ("Paypal-Transmission-Time", "2016-02-18T20:01:35Z"),
    ///     ("Paypal-Transmission-Sig", "c2ln"),
    ///     ("Paypal-Cert-Url", "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1"),
    ///     ("Paypal-Auth-Algo", "SHA256withRSA"),
    /// ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
    /// assert_eq!(Transmission::from_headers(&headers)?.time_unix, 1455825695);
    /// # Ok::<(), vpos_core::Error>(())
    /// ```
    pub fn from_headers(headers: &[(String, String)]) -> Result<Transmission> {
        let id = header(headers, H_ID)?;
        if id.len() > 64
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid(
                H_ID,
                "must be at most 64 letters, digits, - or _",
            ));
        }
        let time = header(headers, H_TIME)?;
        let time_unix = rfc3339_unix(time).ok_or_else(|| {
            Error::invalid(
                H_TIME,
                "must be an RFC 3339 date-time (2016-02-18T20:01:35Z)",
            )
        })?;
        let sig = header(headers, H_SIG)?;
        if sig.len() > 2048
            || !sig
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        {
            return Err(Error::invalid(
                H_SIG,
                "must be base64, at most 2048 characters",
            ));
        }
        let cert_url = header(headers, H_CERT)?;
        if cert_url.len() > 500 || !cert_url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                H_CERT,
                "must be at most 500 printable characters",
            ));
        }
        let auth_algo = header(headers, H_ALGO)?;
        if auth_algo.len() > 100 || !auth_algo.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid(
                H_ALGO,
                "must be at most 100 letters or digits",
            ));
        }
        Ok(Transmission {
            id: id.to_string(),
            time: time.to_string(),
            time_unix,
            sig: sig.to_string(),
            cert_url: cert_url.to_string(),
            auth_algo: auth_algo.to_string(),
        })
    }
}

/// One header's value, trimmed; present once.
fn header<'h>(headers: &'h [(String, String)], name: &'static str) -> Result<&'h str> {
    let mut found = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    let value = found.next().map(|(_, v)| v.trim());
    if found.next().is_some() {
        return Err(Error::new(
            ErrorCode::DuplicateField,
            format!("the {name} header is sent twice"),
        )
        .with_field(name));
    }
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::missing(name)),
    }
}

/// `config` validated, with the webhook id verification needs.
pub(super) fn configured_webhook_id(config: &RestConfig) -> Result<String> {
    config.validate()?;
    config
        .webhook_id
        .clone()
        .ok_or_else(|| Error::config("webhook_id", "is needed to verify webhooks"))
}

/// The body as UTF-8 text of at most [`MAX_WEBHOOK_BYTES`].
pub(super) fn body_text(body: &[u8]) -> Result<&str> {
    if body.len() > MAX_WEBHOOK_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "the webhook body is {} bytes long; at most {MAX_WEBHOOK_BYTES} are read",
                body.len()
            ),
        ));
    }
    std::str::from_utf8(body)
        .map_err(|_| Error::new(ErrorCode::InvalidUtf8, "the webhook body is not UTF-8"))
}

/// `POST {api_base}/v1/notifications/verify-webhook-signature`, authorised with `token`: the
/// five `PAYPAL-*` headers, the configured `webhook_id` and, as `webhook_event`, the raw body
/// exactly as received (it must be one JSON object; it is never re-serialised). Feed the
/// reply to [`finish_postback`].
///
/// ```
/// # use vpos_core::{Secret, gateways::paypal::{AccessToken, RestConfig}};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com",
/// #     "webhook_id": "8PT597110X687430LKGECATA"}"#)?;
/// # let token = AccessToken::new(Secret::new("A21AAFEpH4PsADK7qSS7pSRsgzfENtu"), 32400)?;
/// # let headers: Vec<(String, String)> = [
/// #     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
/// #     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
/// #     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
/// #     ("PAYPAL-CERT-URL", "https://api.paypal.com/v1/notifications/certs/CERT-1"),
/// #     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
/// # ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
/// use vpos_core::gateways::paypal::verify_webhook_signature_request;
/// let body = br#"{"id":"WH-1","event_type":"X.Y", "resource":{"b":1,"a":2}}"#;
/// let request = verify_webhook_signature_request(&config, &token, &headers, body)?;
/// assert_eq!(request.url, "https://api-m.sandbox.paypal.com/v1/notifications/verify-webhook-signature");
/// assert!(request.body.ends_with(r#""webhook_event":{"id":"WH-1","event_type":"X.Y", "resource":{"b":1,"a":2}}}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_webhook_signature_request(
    config: &RestConfig,
    token: &AccessToken,
    headers: &[(String, String)],
    raw_body: &[u8],
) -> Result<HttpRequest> {
    let webhook_id = configured_webhook_id(config)?;
    let t = Transmission::from_headers(headers)?;
    let text = body_text(raw_body)?;
    let event: &RawValue = serde_json::from_str(text)
        .map_err(|_| Error::invalid("webhook_event", "the body is not JSON"))?;
    if !event.get().starts_with('{') {
        return Err(Error::invalid(
            "webhook_event",
            "the body is not a JSON object",
        ));
    }
    let mut body = String::with_capacity(text.len() + 1024);
    body.push('{');
    for (name, value) in [
        ("auth_algo", t.auth_algo.as_str()),
        ("cert_url", &t.cert_url),
        ("transmission_id", &t.id),
        ("transmission_sig", &t.sig),
        ("transmission_time", &t.time),
        ("webhook_id", &webhook_id),
    ] {
        crate::json::write_string(&mut body, name);
        body.push(':');
        crate::json::write_string(&mut body, value);
        body.push(',');
    }
    // Verbatim: PayPal's check covers the bytes it sent, not a re-encoding of them.
    body.push_str(r#""webhook_event":"#);
    body.push_str(text.trim());
    body.push('}');
    Ok(HttpRequest {
        method: Method::Post,
        url: config.url("/v1/notifications/verify-webhook-signature"),
        headers: vec![
            ("Authorization".into(), token.bearer()),
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body,
    })
}

/// Reads PayPal's answer to [`verify_webhook_signature_request`]: HTTP 200 with
/// `verification_status` `SUCCESS` verifies; `FAILURE` (or any other verdict) is
/// `postback_invalid`; HTTP 401 is the token's rejection
/// ([`super::super::is_token_rejected`]); anything else, or no answer, `postback_failed`
/// (retry later).
///
/// ```
/// # use vpos_core::gateways::paypal::{RestConfig, parse_webhook};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com",
/// #     "webhook_id": "8PT597110X687430LKGECATA"}"#)?;
/// # let headers: Vec<(String, String)> = [
/// #     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
/// #     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
/// #     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
/// #     ("PAYPAL-CERT-URL", "https://api.paypal.com/v1/notifications/certs/CERT-1"),
/// #     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
/// # ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
/// use vpos_core::{Reply, gateways::paypal::finish_postback};
/// let n = parse_webhook(&config, &headers, br#"{"id": "WH-1", "event_type": "X.Y", "resource": {}}"#)?;
/// let failure = Reply::Response { status: 200, body: br#"{"verification_status": "FAILURE"}"#.to_vec() };
/// assert_eq!(finish_postback(n, &failure).unwrap_err().code().as_str(), "postback_invalid");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn finish_postback(
    notification: Unverified<WebhookNotification>,
    reply: &Reply,
) -> Result<Verified<WebhookNotification>> {
    #[derive(Deserialize)]
    struct Wire {
        verification_status: String,
    }
    let body = match reply {
        Reply::Response { status: 200, body } => body,
        Reply::Response { status: 401, .. } => return Err(token_rejected()),
        Reply::Response { status, .. } => {
            return Err(Error::new(
                ErrorCode::PostbackFailed,
                format!("the verify-webhook-signature call answered HTTP {status}"),
            ));
        }
        Reply::Failed { error } => {
            return Err(Error::new(
                ErrorCode::PostbackFailed,
                format!(
                    "the verify-webhook-signature call failed ({})",
                    error.chars().take(120).collect::<String>()
                ),
            ));
        }
    };
    let verdict = (body.len() <= MAX_WEBHOOK_BYTES)
        .then(|| serde_json::from_slice::<Wire>(body).ok())
        .flatten()
        .ok_or_else(|| {
            Error::new(
                ErrorCode::PostbackFailed,
                "the verify-webhook-signature reply has no verification_status",
            )
        })?;
    if verdict.verification_status != "SUCCESS" {
        return Err(Error::new(
            ErrorCode::PostbackInvalid,
            "PayPal did not verify this webhook's signature",
        ));
    }
    Ok(Verified(notification.0))
}

/// `GET` the signing certificate at `PAYPAL-CERT-URL`, for [`verify_offline`]: only an
/// `https://` URL on one of [`CERT_HOSTS`] (no port, credentials, query or fragment); any
/// other is `field_invalid` on `paypal-cert-url` and must never be fetched (its certificate
/// would hold a key of the sender's choosing). The host fetches it over TLS, may cache it
/// by URL, and may validate its chain with its own trust store.
///
/// ```
/// use vpos_core::gateways::paypal::cert_request;
/// let mut headers: Vec<(String, String)> = [
///     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
///     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
///     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
///     ("PAYPAL-CERT-URL", "https://api.paypal.com/v1/notifications/certs/CERT-360caa42"),
///     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
/// ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
/// assert_eq!(cert_request(&headers)?.url, "https://api.paypal.com/v1/notifications/certs/CERT-360caa42");
/// headers[3].1 = "https://api.paypal.com.evil.example/cert".into();
/// assert_eq!(cert_request(&headers).unwrap_err().field(), Some("paypal-cert-url"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn cert_request(headers: &[(String, String)]) -> Result<HttpRequest> {
    cert_request_inner(None, headers)
}

/// [`cert_request`] for an account: as PayPal's hosts, and when the account's `api_base` is a
/// loopback `http://` one (the project's sandbox, never a live account), also a certificate
/// under that same origin's `/v1/notifications/certs/`: the sandbox serves its test
/// certificate there, and nobody but the machine itself answers on a loopback address.
///
/// ```
/// use vpos_core::gateways::paypal::{RestConfig, cert_request_for};
/// let sandbox: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
///     "api_base": "http://127.0.0.1:8700", "merchant": "HOSTEDPAY0001"}"#)?;
/// let mut headers: Vec<(String, String)> = [
///     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
///     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
///     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
///     ("PAYPAL-CERT-URL", "http://127.0.0.1:8700/v1/notifications/certs/CERT-hostedpay-sandbox-test"),
///     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
/// ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
/// assert!(cert_request_for(&sandbox, &headers).is_ok());
/// // Another port of the same machine is another origin.
/// headers[3].1 = "http://127.0.0.1:9999/v1/notifications/certs/CERT-x".into();
/// assert_eq!(cert_request_for(&sandbox, &headers).unwrap_err().field(), Some("paypal-cert-url"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cert_request_for(config: &RestConfig, headers: &[(String, String)]) -> Result<HttpRequest> {
    cert_request_inner(Some(config), headers)
}

fn cert_request_inner(
    config: Option<&RestConfig>,
    headers: &[(String, String)],
) -> Result<HttpRequest> {
    let t = Transmission::from_headers(headers)?;
    check_cert_url_for(config, &t.cert_url)?;
    Ok(HttpRequest {
        method: Method::Get,
        url: t.cert_url,
        headers: Vec::new(),
        body: String::new(),
    })
}

/// PayPal's hosts always; a loopback account's own certificate path too.
fn check_cert_url_for(config: Option<&RestConfig>, url: &str) -> Result<()> {
    if let Some(c) = config.filter(|c| c.is_loopback()) {
        let prefix = c.url("/v1/notifications/certs/");
        if let Some(name) = url.strip_prefix(prefix.as_str())
            && !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Ok(());
        }
    }
    check_cert_url(url)
}

fn check_cert_url(url: &str) -> Result<()> {
    let bad = || {
        Error::invalid(
            H_CERT,
            format_args!("must be an https:// URL on {}", CERT_HOSTS.join(", ")),
        )
    };
    let rest = url.strip_prefix("https://").ok_or_else(bad)?;
    let (host, path) = rest.split_at(rest.find('/').ok_or_else(bad)?);
    if !CERT_HOSTS.contains(&host) || path.contains(['?', '#', '\\']) {
        return Err(bad());
    }
    Ok(())
}

/// Verifies a webhook without calling PayPal: `cert_pem` is what [`cert_request`] fetched
/// (the first certificate of the PEM is the signer's), `now_unix` the host's clock, and
/// `tolerance_secs` how far the transmission time may be from it
/// ([`DEFAULT_TOLERANCE_SECS`]).
///
/// Checks, in order: `PAYPAL-AUTH-ALGO` is `SHA256withRSA` (`unsupported_signature_version`);
/// the certificate URL is PayPal's (`field_invalid`); the transmission time is within the
/// tolerance (`signature_mismatch` on `paypal-transmission-time`); the certificate parses,
/// is valid at `now_unix`, has the CN of PayPal's signing certificate and an RSA key of at
/// least 2048 bits (`signature_mismatch` on `certificate`); the RSA-SHA256 signature over
/// `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body>` verifies
/// (`signature_mismatch` on `paypal-transmission-sig`).
///
/// It does not validate the certificate's chain to a root CA: that is the host's part, with
/// its trust store, as it fetches the certificate over TLS from PayPal's host.
///
/// ```
/// # use vpos_core::gateways::paypal::{RestConfig, parse_webhook};
/// # let config: RestConfig = serde_json::from_str(r#"{"client_id": "c", "secret": "s",
/// #     "api_base": "https://api-m.sandbox.paypal.com", "merchant": "shop@example.com",
/// #     "webhook_id": "8PT597110X687430LKGECATA"}"#)?;
/// # let headers: Vec<(String, String)> = [
/// #     ("PAYPAL-TRANSMISSION-ID", "69cd13f0-d67a-11e5-baa3-778b53f4ae55"),
/// #     ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
/// #     ("PAYPAL-TRANSMISSION-SIG", "c2ln"),
/// #     ("PAYPAL-CERT-URL", "https://api.paypal.com/v1/notifications/certs/CERT-1"),
/// #     ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
/// # ].map(|(k, v)| (k.to_string(), v.to_string())).to_vec();
/// use vpos_core::gateways::paypal::{DEFAULT_TOLERANCE_SECS, verify_offline};
/// let n = parse_webhook(&config, &headers, br#"{"id": "WH-1", "event_type": "X.Y", "resource": {}}"#)?;
/// // An hour after the transmission: refused before any certificate is read.
/// let late = 1_796_563_800 + 3600;
/// let e = verify_offline(n, b"", late, DEFAULT_TOLERANCE_SECS).unwrap_err();
/// assert_eq!(e.field(), Some("paypal-transmission-time"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_offline(
    notification: Unverified<WebhookNotification>,
    cert_pem: &[u8],
    now_unix: i64,
    tolerance_secs: u64,
) -> Result<Verified<WebhookNotification>> {
    verify_offline_inner(None, notification, cert_pem, now_unix, tolerance_secs)
}

/// [`verify_offline`] for an account: the certificate URL may also be a loopback account's
/// own, as in [`cert_request_for`]; every other check is the same.
pub fn verify_offline_for(
    config: &RestConfig,
    notification: Unverified<WebhookNotification>,
    cert_pem: &[u8],
    now_unix: i64,
    tolerance_secs: u64,
) -> Result<Verified<WebhookNotification>> {
    verify_offline_inner(
        Some(config),
        notification,
        cert_pem,
        now_unix,
        tolerance_secs,
    )
}

fn verify_offline_inner(
    config: Option<&RestConfig>,
    notification: Unverified<WebhookNotification>,
    cert_pem: &[u8],
    now_unix: i64,
    tolerance_secs: u64,
) -> Result<Verified<WebhookNotification>> {
    let n = &notification.0;
    let t = &n.transmission;
    if t.auth_algo != AUTH_ALGO {
        return Err(Error::new(
            ErrorCode::UnsupportedSignatureVersion,
            format!("PayPal signs webhooks with {AUTH_ALGO}"),
        )
        .with_field(H_ALGO));
    }
    check_cert_url_for(config, &t.cert_url)?;
    let skew = (i128::from(now_unix) - i128::from(t.time_unix)).unsigned_abs();
    if skew > u128::from(tolerance_secs) {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            format!(
                "the transmission time is {skew} s from now; at most {tolerance_secs} s allowed"
            ),
        )
        .with_field(H_TIME));
    }
    let key = signing_key(cert_pem, now_unix)?;
    let sig = STANDARD
        .decode(&t.sig)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| Error::invalid(H_SIG, "is not a base64 RSA signature"))?;
    let signed = format!(
        "{}|{}|{}|{}",
        t.id,
        t.time,
        n.webhook_id,
        crc32fast::hash(&n.raw_body)
    );
    key.verify(signed.as_bytes(), &sig).map_err(|_| {
        Error::new(
            ErrorCode::SignatureMismatch,
            "the webhook's signature does not verify with PayPal's certificate",
        )
        .with_field(H_SIG)
    })?;
    Ok(Verified(notification.0))
}

/// The RSA key of the first certificate in `pem`, once its validity period, CN and key size
/// are PayPal's signing certificate's.
fn signing_key(pem: &[u8], now_unix: i64) -> Result<VerifyingKey<Sha256>> {
    let bad = |why: &str| {
        Error::new(
            ErrorCode::SignatureMismatch,
            format!("the signing certificate {why}"),
        )
        .with_field("certificate")
    };
    if pem.len() > MAX_CERT_BYTES {
        return Err(bad("is too large"));
    }
    let chain = Certificate::load_pem_chain(pem).map_err(|_| bad("is not a PEM certificate"))?;
    let cert = chain.first().ok_or_else(|| bad("is missing"))?;
    let tbs = cert.tbs_certificate();
    let validity = tbs.validity();
    let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).ok();
    let (Some(from), Some(until)) = (secs(validity.not_before), secs(validity.not_after)) else {
        return Err(bad("has an unreadable validity period"));
    };
    if now_unix < from {
        return Err(bad("is not valid yet"));
    }
    if now_unix > until {
        return Err(bad("has expired"));
    }
    const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    let names: Vec<String> = tbs
        .subject()
        .iter()
        .filter(|a| a.oid == COMMON_NAME)
        .map(|a| {
            x509_cert::ext::pkix::name::DirectoryString::try_from(&a.value)
                .map(String::from)
                .unwrap_or_default()
        })
        .collect();
    if !matches!(names.as_slice(), [cn] if CERT_NAMES.contains(&cn.as_str())) {
        return Err(bad(
            "is not PayPal's webhook signing certificate (subject CN)",
        ));
    }
    let spki = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|_| bad("has an unreadable key"))?;
    let key = rsa::PublicKey::from_public_key_der(&spki).map_err(|_| bad("has no RSA key"))?;
    if key.size() < 256 {
        return Err(bad("has an RSA key under 2048 bits"));
    }
    Ok(VerifyingKey::new(key))
}

/// Seconds since the Unix epoch of an RFC 3339 date-time
/// (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`), or `None`.
pub(super) fn rfc3339_unix(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = b.get(from..to)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, c: &[u8]| b.get(at).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let digits = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        at += digits;
    }
    let offset = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let v = |i: usize| i64::from(digits[i] - b'0');
            let (h, m) = (v(0) * 10 + v(1), v(2) * 10 + v(3));
            if h > 23 || m > 59 {
                return None;
            }
            let o = h * 3600 + m * 60;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[usize::try_from(month - 1).ok()?]
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests;

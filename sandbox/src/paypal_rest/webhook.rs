//! Webhooks as PayPal sends them: after each state change, the event envelope POSTed to
//! `paypal_rest.webhook_url` with the `PAYPAL-*` transmission headers, signed RSA-SHA256
//! (PKCS#1 v1.5) over `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the body,
//! unsigned decimal>` with the sandbox's TEST key. Each attempt is a new transmission (new
//! id, time and signature over the same body), so a retry hours later still passes a
//! transmission-time window. The certificate is served at [`CERT_PATH`]; PayPal's verify
//! endpoint ([`VERIFY_PATH`]) really checks the signature against the configured webhook id.
//!
//! The key and certificate (`sandbox/testdata/paypal-webhook-test.{key,crt}.pem`) are a
//! self-signed TEST pair made once with openssl and published with the source: they prove
//! nothing to anyone but a shop talking to this sandbox.
//!
//! Sources: <https://developer.paypal.com/api/rest/webhooks/rest/> (headers, signed text,
//! retries), <https://developer.paypal.com/api/rest/webhooks/> (envelope),
//! <https://developer.paypal.com/docs/api/webhooks/v1/#verify-webhook-signature_post>.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AppState;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{Keypair as _, SignatureEncoding as _, Signer as _, Verifier as _};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{GATEWAY, json_response, new_id, now, oauth};
use crate::app::{App, Inner};
use crate::delivery::{self, Delivery, Policy};

/// The sandbox's TEST signing key (PKCS#8 PEM). Published: never trust it for anything real.
const TEST_KEY_PEM: &str = include_str!("../../testdata/paypal-webhook-test.key.pem");
/// Its self-signed TEST certificate (subject `O=hostedpay-sandbox TEST ONLY (not PayPal, key
/// published)`, `CN=messageverificationcerts.sandbox.paypal.com`, RSA 2048, until 2051).
pub const TEST_CERT_PEM: &str = include_str!("../../testdata/paypal-webhook-test.crt.pem");

/// Where the certificate is served; every webhook's `PAYPAL-CERT-URL` names it.
pub(super) const CERT_PATH: &str = "/v1/notifications/certs/CERT-hostedpay-sandbox-test";
/// PayPal's verify endpoint.
pub(super) const VERIFY_PATH: &str = "/v1/notifications/verify-webhook-signature";
/// The only algorithm PayPal signs webhooks with.
pub(crate) const AUTH_ALGO: &str = "SHA256withRSA";

/// PayPal retries a webhook not answered 2xx "up to 25 times over the course of 3 days".
pub(crate) const ATTEMPTS: u32 = 25;
/// The sandbox's schedule inside that: a minute, doubling to four hours (about 3 days in
/// all; ÷ `--time-scale`).
const FIRST_RETRY: Duration = Duration::from_secs(60);
const LONGEST_RETRY: Duration = Duration::from_secs(4 * 3600);

fn signing_key() -> &'static SigningKey<Sha256> {
    static KEY: OnceLock<SigningKey<Sha256>> = OnceLock::new();
    KEY.get_or_init(|| {
        let der: String = TEST_KEY_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = STANDARD
            .decode(der.trim())
            .expect("the committed test key is base64");
        let key = rsa::PrivateKey::from_pkcs8_der(&der).expect("the committed test key is RSA");
        SigningKey::new(key)
    })
}

/// `<id>|<time>|<webhook id>|<CRC32 of body>`: what PayPal signs.
fn signed_text(id: &str, time: &str, webhook_id: &str, body: &[u8]) -> String {
    format!("{id}|{time}|{webhook_id}|{}", crc32fast::hash(body))
}

/// The five `PAYPAL-*` headers of one transmission of `body`.
pub(crate) fn transmission_headers(
    inner: &mut Inner,
    webhook_id: &str,
    cert_url: &str,
    body: &[u8],
) -> Vec<(String, String)> {
    let hex = inner.random_from(b"0123456789abcdef", 28);
    let id = format!(
        "{}-{}-11ef-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..28]
    );
    let time = now();
    let signature = signing_key().sign(signed_text(&id, &time, webhook_id, body).as_bytes());
    vec![
        ("PAYPAL-TRANSMISSION-ID".into(), id),
        ("PAYPAL-TRANSMISSION-TIME".into(), time),
        (
            "PAYPAL-TRANSMISSION-SIG".into(),
            STANDARD.encode(signature.to_vec()),
        ),
        ("PAYPAL-CERT-URL".into(), cert_url.into()),
        ("PAYPAL-AUTH-ALGO".into(), AUTH_ALGO.into()),
    ]
}

/// A webhook to deliver (built under the lock, sent after it).
pub(crate) struct Outgoing {
    pub order: String,
    pub event_type: &'static str,
    pub body: String,
}

/// The envelope of `event_type` about `resource` (a fresh `WH-` id).
pub(crate) fn outgoing(
    app: &App,
    inner: &mut Inner,
    order: &str,
    event_type: &'static str,
    resource_type: &str,
    resource: Value,
) -> Outgoing {
    let id = format!("WH-{}-{}", new_id(inner), new_id(inner));
    let summary = match event_type {
        "PAYMENT.CAPTURE.COMPLETED" => "Payment completed",
        "PAYMENT.CAPTURE.PENDING" => "Payment pending",
        "PAYMENT.CAPTURE.DENIED" => "Payment denied",
        "PAYMENT.CAPTURE.REFUNDED" => "A capture was refunded",
        "PAYMENT.CAPTURE.REVERSED" => "A capture was reversed",
        "PAYMENT.AUTHORIZATION.CREATED" => "Payment authorization created",
        "PAYMENT.AUTHORIZATION.VOIDED" => "A payment authorization was voided",
        "CHECKOUT.ORDER.APPROVED" => "An order has been approved by buyer",
        _ => "",
    };
    let body = json!({
        "id": id,
        "create_time": now(),
        "resource_type": resource_type,
        "event_type": event_type,
        "summary": summary,
        "resource": resource,
        "event_version": "1.0",
        "resource_version": "2.0",
        "links": [{
            "href": format!("{}/v1/notifications/webhooks-events/{id}", app.base_url),
            "rel": "self",
            "method": "GET",
        }],
    });
    Outgoing {
        order: order.to_string(),
        event_type,
        body: body.to_string(),
    }
}

/// Delivers `outgoing` to `paypal_rest.webhook_url` through the sandbox's delivery machinery
/// (retries, faults), each attempt signed afresh.
pub(crate) fn send(app: &Arc<App>, outgoing: Outgoing) {
    let config = &app.config.paypal_rest;
    let Some(url) = config.webhook_url.clone() else {
        app.note(
            GATEWAY,
            &outgoing.order,
            format!(
                "{}: not sent, no paypal_rest.webhook_url configured",
                outgoing.event_type
            ),
        );
        return;
    };
    delivery::dispatch(
        app,
        Delivery {
            gateway: GATEWAY,
            order: outgoing.order,
            label: format!("webhook {}", outgoing.event_type),
            url,
            content_type: "application/json",
            body: outgoing.body,
            policy: Policy {
                max_attempts: ATTEMPTS,
                interval: app.scaled(FIRST_RETRY),
                backoff_to: Some(app.scaled(LONGEST_RETRY)),
                accepts: delivery::http_2xx_accepts,
            },
            signer: Some(delivery::Signer::PaypalWebhook {
                webhook_id: config.webhook_id.clone(),
                cert_url: cert_url(app),
            }),
        },
        Duration::ZERO,
    );
}

/// The certificate's URL on this sandbox.
pub(crate) fn cert_url(app: &App) -> String {
    format!("{}{CERT_PATH}", app.base_url)
}

/// `GET` the test certificate (PEM), as PayPal serves its own at `PAYPAL-CERT-URL`.
pub(super) async fn cert() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        TEST_CERT_PEM,
    )
        .into_response()
}

#[derive(Deserialize)]
struct WireVerify<'a> {
    auth_algo: String,
    cert_url: String,
    transmission_id: String,
    transmission_sig: String,
    transmission_time: String,
    webhook_id: String,
    #[serde(borrow)]
    webhook_event: &'a RawValue,
}

/// Why a verification answers `FAILURE`, or `None` for `SUCCESS`: the algorithm, this
/// sandbox's certificate URL, the configured webhook id, and the RSA-SHA256 signature over the
/// CRC32 of `webhook_event` as sent (byte for byte).
fn verdict(app: &App, wire: &WireVerify<'_>) -> Option<&'static str> {
    if wire.auth_algo != AUTH_ALGO {
        return Some("auth_algo is not SHA256withRSA");
    }
    if wire.cert_url != cert_url(app) {
        return Some("cert_url is not this sandbox's certificate");
    }
    if wire.webhook_id != app.config.paypal_rest.webhook_id {
        return Some("webhook_id is not the configured subscription's");
    }
    let Some(signature) = STANDARD
        .decode(wire.transmission_sig.trim())
        .ok()
        .and_then(|b| Signature::try_from(b.as_slice()).ok())
    else {
        return Some("transmission_sig is not a base64 RSA signature");
    };
    let key: VerifyingKey<Sha256> = signing_key().verifying_key();
    let text = signed_text(
        &wire.transmission_id,
        &wire.transmission_time,
        &wire.webhook_id,
        wire.webhook_event.get().as_bytes(),
    );
    key.verify(text.as_bytes(), &signature)
        .err()
        .map(|_| "the signature does not verify (body, transmission id or time changed)")
}

/// `POST /v1/notifications/verify-webhook-signature`: `{"verification_status": "SUCCESS"}`
/// or `"FAILURE"` (HTTP 200 either way); HTTP 500 while the `postback-fail` fault lasts.
pub(super) async fn verify(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refusal) = oauth::check_bearer(&app, &headers) {
        return refusal;
    }
    if delivery::postback_fails(&mut app.lock(), GATEWAY, None, "verify-webhook-signature") {
        return json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"name": "INTERNAL_SERVER_ERROR",
                   "message": "An internal server error has occurred (postback-fail fault)."})
            .to_string(),
        );
    }
    let wire: WireVerify = match serde_json::from_slice(&body) {
        Ok(w) => w,
        Err(e) => {
            let error = super::ApiError::invalid(
                "MALFORMED_REQUEST_JSON",
                format!("The request JSON is not well formed ({e})."),
            );
            return super::refuse(&app, "", "verify-webhook-signature", &error);
        }
    };
    let why = verdict(&app, &wire);
    let status = if why.is_none() { "SUCCESS" } else { "FAILURE" };
    app.note(
        GATEWAY,
        "",
        match why {
            None => format!(
                "verify-webhook-signature: SUCCESS (transmission {})",
                wire.transmission_id
            ),
            Some(why) => format!("verify-webhook-signature: FAILURE, {why}"),
        },
    );
    json_response(
        StatusCode::OK,
        json!({"verification_status": status}).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_key_signs_what_its_certificate_verifies() {
        // The public key in the committed certificate is the committed key's.
        let cert_der: String = TEST_CERT_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let cert_der = STANDARD.decode(cert_der.trim()).unwrap();
        let public = signing_key().verifying_key();
        let spki = {
            use rsa::pkcs8::EncodePublicKey as _;
            public.as_ref().to_public_key_der().unwrap()
        };
        let spki = spki.as_bytes();
        assert!(
            cert_der.windows(spki.len()).any(|w| w == spki),
            "the certificate holds the key's public half"
        );
        let sig = signing_key().sign(b"a|b|c|1");
        assert!(public.verify(b"a|b|c|1", &sig).is_ok());
        assert!(public.verify(b"a|b|c|2", &sig).is_err());
    }
}

use super::*;
use crate::gateways::paypal::webhook::parse_webhook;
use crate::gateways::paypal::webhook::tests::{CAPTURE_COMPLETED, SIG, config, headers};
use crate::secret::Secret;

const CERT: &[u8] = include_bytes!("../testdata/paypal_test_cert.pem");
const WRONG_CN: &[u8] = include_bytes!("../testdata/wrong_cn_cert.pem");
/// `PAYPAL-TRANSMISSION-TIME` of the signed fixture, 2026-12-06T13:30:00Z.
const SENT: i64 = 1_796_563_800;
/// The test certificate's notAfter, 2036-12-03T13:24:25Z.
const NOT_AFTER: i64 = 2_111_923_465;

fn with(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let v = if k.eq_ignore_ascii_case(name) {
                value.to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

fn offline(headers: &[(String, String)], body: &[u8], cert: &[u8], now: i64) -> Result<()> {
    let n = parse_webhook(&config(), headers, body)?;
    verify_offline(n, cert, now, DEFAULT_TOLERANCE_SECS).map(|_| ())
}

fn mismatch(result: Result<()>) -> Option<String> {
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureMismatch, "{e:?}");
    e.field().map(str::to_string)
}

#[test]
fn the_fixture_verifies_offline() {
    let n = parse_webhook(&config(), &headers(), CAPTURE_COMPLETED.as_bytes()).unwrap();
    let v = verify_offline(n, CERT, SENT + 20, DEFAULT_TOLERANCE_SECS).unwrap();
    assert_eq!(
        v.events()[0].key(),
        "paypal:capture:27M47624FP291604U:succeeded"
    );
    assert_eq!(crc32fast::hash(CAPTURE_COMPLETED.as_bytes()), 95_609_087);
    // Within the tolerance either way of the host's clock.
    for now in [SENT - 300, SENT, SENT + 300] {
        offline(&headers(), CAPTURE_COMPLETED.as_bytes(), CERT, now).unwrap();
    }
}

#[test]
fn a_tampered_body_changes_the_crc() {
    for (from, to) in [
        (r#""value":"2.51""#, r#""value":"2.52""#),
        ("ORDER-1", "ORDER-2"),
        (r#","status":"COMPLETED"}"#, r#","status":"COMPLETED" }"#),
    ] {
        let body = CAPTURE_COMPLETED.replace(from, to);
        assert_ne!(body, CAPTURE_COMPLETED);
        let field = mismatch(offline(&headers(), body.as_bytes(), CERT, SENT));
        assert_eq!(field.as_deref(), Some("paypal-transmission-sig"), "{to}");
    }
}

#[test]
fn tampered_transmission_headers_and_webhook_id_fail() {
    for (name, value) in [
        (
            "PAYPAL-TRANSMISSION-ID",
            "69cd13f0-d67a-11e5-baa3-778b53f4ae56",
        ),
        ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:01Z"),
        ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00.000Z"),
    ] {
        let h = with(&headers(), name, value);
        let field = mismatch(offline(&h, CAPTURE_COMPLETED.as_bytes(), CERT, SENT));
        assert_eq!(field.as_deref(), Some("paypal-transmission-sig"), "{value}");
    }
    let other = RestConfig {
        webhook_id: Some("0EH40505U7160970P".into()),
        ..config()
    };
    let n = parse_webhook(&other, &headers(), CAPTURE_COMPLETED.as_bytes()).unwrap();
    let e = verify_offline(n, CERT, SENT, DEFAULT_TOLERANCE_SECS).unwrap_err();
    assert_eq!(e.field(), Some("paypal-transmission-sig"));
    // A signature from another key, or not one at all.
    let mut flipped = STANDARD.decode(SIG).unwrap();
    flipped[10] ^= 1;
    let h = with(
        &headers(),
        "PAYPAL-TRANSMISSION-SIG",
        &STANDARD.encode(flipped),
    );
    assert_eq!(
        mismatch(offline(&h, CAPTURE_COMPLETED.as_bytes(), CERT, SENT)).as_deref(),
        Some("paypal-transmission-sig")
    );
    let h = with(&headers(), "PAYPAL-TRANSMISSION-SIG", "c2ln");
    assert_eq!(
        mismatch(offline(&h, CAPTURE_COMPLETED.as_bytes(), CERT, SENT)).as_deref(),
        Some("paypal-transmission-sig")
    );
    let h = with(&headers(), "PAYPAL-TRANSMISSION-SIG", "c2l");
    let e = offline(&h, CAPTURE_COMPLETED.as_bytes(), CERT, SENT).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (ErrorCode::FieldInvalid, Some("paypal-transmission-sig"))
    );
}

#[test]
fn the_certificate_must_be_valid_then() {
    // The signature check comes after the certificate's: these fail on the certificate.
    let late = with(
        &headers(),
        "PAYPAL-TRANSMISSION-TIME",
        "2036-12-03T13:24:26Z",
    );
    let e = offline(&late, CAPTURE_COMPLETED.as_bytes(), CERT, NOT_AFTER + 1).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (ErrorCode::SignatureMismatch, Some("certificate"))
    );
    assert!(e.message().contains("expired"), "{}", e.message());
    let early = with(
        &headers(),
        "PAYPAL-TRANSMISSION-TIME",
        "2026-12-06T13:00:00Z",
    );
    let e = offline(&early, CAPTURE_COMPLETED.as_bytes(), CERT, SENT - 1800).unwrap_err();
    assert!(e.message().contains("not valid yet"), "{}", e.message());
}

#[test]
fn the_certificate_must_be_paypals() {
    // Same key, same signature, another CN: refused.
    let e = offline(&headers(), CAPTURE_COMPLETED.as_bytes(), WRONG_CN, SENT).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (ErrorCode::SignatureMismatch, Some("certificate"))
    );
    assert!(e.message().contains("CN"), "{}", e.message());
    let big = vec![b'A'; MAX_CERT_BYTES + 1];
    let pem_text = String::from_utf8_lossy(CERT).replace("MII", "MIX");
    for cert in [
        &b""[..],
        b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        b"not a certificate",
        pem_text.as_bytes(),
        &big,
        &CERT[..CERT.len() / 2],
    ] {
        let field = mismatch(offline(
            &headers(),
            CAPTURE_COMPLETED.as_bytes(),
            cert,
            SENT,
        ));
        assert_eq!(field.as_deref(), Some("certificate"));
    }
}

#[test]
fn the_transmission_time_must_be_near_now() {
    for now in [SENT - 301, SENT + 301, i64::MIN, i64::MAX] {
        let field = mismatch(offline(&headers(), CAPTURE_COMPLETED.as_bytes(), CERT, now));
        assert_eq!(field.as_deref(), Some("paypal-transmission-time"), "{now}");
    }
    let n = parse_webhook(&config(), &headers(), CAPTURE_COMPLETED.as_bytes()).unwrap();
    assert!(verify_offline(n, CERT, SENT + 3000, 3600).is_ok());
}

#[test]
fn only_paypal_cert_hosts_are_fetched() {
    let good = [
        "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-5edc0ebc",
        "https://api-m.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1",
    ];
    for url in good {
        let r = cert_request(&with(&headers(), "PAYPAL-CERT-URL", url)).unwrap();
        assert_eq!((r.method, r.url.as_str()), (Method::Get, url));
    }
    let bad = [
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
        "https://evil.example/api.paypal.com/",
        "https://api.paypal.com@evil.example/v1/notifications/certs/CERT-1",
        "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
        "https://API.PAYPAL.COM/v1/notifications/certs/CERT-1",
        "https://www.paypal.com/v1/notifications/certs/CERT-1",
        "https://messageverificationcerts.paypal.com/cert",
        "https://api.paypal.com",
        "https://api.paypal.com/cert?u=https://evil.example/",
        "https://api.paypal.com/cert#x",
        "https://api.paypal.com\\@evil.example/",
        "file:///etc/passwd",
    ];
    for url in bad {
        let h = with(&headers(), "PAYPAL-CERT-URL", url);
        let e = cert_request(&h).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldInvalid, Some("paypal-cert-url")),
            "{url}"
        );
        // verify_offline refuses it too, whatever certificate the host passes.
        let e = offline(&h, CAPTURE_COMPLETED.as_bytes(), CERT, SENT).unwrap_err();
        assert_eq!(e.field(), Some("paypal-cert-url"), "{url}");
    }
}

#[test]
fn a_loopback_account_also_takes_its_own_certificate_path() {
    let sandbox = RestConfig {
        api_base: "http://127.0.0.1:8700".into(),
        ..config()
    };
    let own = "http://127.0.0.1:8700/v1/notifications/certs/CERT-hostedpay-sandbox-test";
    let h = with(&headers(), "PAYPAL-CERT-URL", own);
    assert_eq!(cert_request_for(&sandbox, &h).unwrap().url, own);
    // The certificate URL is not signed: past the URL, every check runs as for PayPal's.
    let n = parse_webhook(&sandbox, &h, CAPTURE_COMPLETED.as_bytes()).unwrap();
    verify_offline_for(&sandbox, n, CERT, SENT, DEFAULT_TOLERANCE_SECS).unwrap();
    let n = parse_webhook(&sandbox, &h, CAPTURE_COMPLETED.as_bytes()).unwrap();
    let e = verify_offline_for(&sandbox, n, WRONG_CN, SENT, DEFAULT_TOLERANCE_SECS).unwrap_err();
    assert_eq!(e.field(), Some("certificate"));
    // Without the account, or for a live (https) account, the sandbox's URL is refused.
    assert!(cert_request(&h).is_err());
    assert_eq!(
        cert_request_for(&config(), &h).unwrap_err().field(),
        Some("paypal-cert-url")
    );
    let n = parse_webhook(&config(), &h, CAPTURE_COMPLETED.as_bytes()).unwrap();
    let e = verify_offline_for(&config(), n, CERT, SENT, DEFAULT_TOLERANCE_SECS).unwrap_err();
    assert_eq!(e.field(), Some("paypal-cert-url"));
    // Only that origin's certificate path, and only a plain certificate name.
    for url in [
        "http://127.0.0.1:8701/v1/notifications/certs/CERT-1",
        "http://localhost:8700/v1/notifications/certs/CERT-1",
        "http://127.0.0.1:8700/v1/notifications/certs/",
        "http://127.0.0.1:8700/v1/notifications/certs/../../evil",
        "http://127.0.0.1:8700/v1/notifications/certs/CERT-1?x=1",
        "http://127.0.0.1:8700/other/CERT-1",
        "http://127.0.0.1:8700.evil.example/v1/notifications/certs/CERT-1",
        "https://127.0.0.1:8700/v1/notifications/certs/CERT-1",
    ] {
        let e = cert_request_for(&sandbox, &with(&headers(), "PAYPAL-CERT-URL", url)).unwrap_err();
        assert_eq!(e.field(), Some("paypal-cert-url"), "{url}");
    }
    // PayPal's own hosts stay accepted for a loopback account.
    let paypal = with(
        &headers(),
        "PAYPAL-CERT-URL",
        "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
    );
    cert_request_for(&sandbox, &paypal).unwrap();
}

#[test]
fn only_sha256_with_rsa() {
    let h = with(&headers(), "PAYPAL-AUTH-ALGO", "SHA1withRSA");
    let e = offline(&h, CAPTURE_COMPLETED.as_bytes(), CERT, SENT).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (
            ErrorCode::UnsupportedSignatureVersion,
            Some("paypal-auth-algo")
        )
    );
}

#[test]
fn hostile_headers_are_typed_errors() {
    let mut twice = headers();
    twice.push(("paypal-transmission-id".into(), "other".into()));
    let e = Transmission::from_headers(&twice).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (ErrorCode::DuplicateField, Some("paypal-transmission-id"))
    );
    for (i, name) in [H_ID, H_TIME, H_SIG, H_CERT, H_ALGO]
        .into_iter()
        .enumerate()
    {
        let mut missing = headers();
        missing.remove(i);
        let e = Transmission::from_headers(&missing).unwrap_err();
        assert_eq!((e.code(), e.field()), (ErrorCode::FieldMissing, Some(name)));
        let e = Transmission::from_headers(&with(&headers(), name, "  ")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::FieldMissing);
    }
    for (name, value) in [
        (H_ID, "a|b"),
        (H_ID, "a b"),
        (H_ID, &"a".repeat(65)),
        (H_TIME, "2026-02-30T00:00:00Z"),
        (H_TIME, "2026-12-06 13:30:00"),
        (H_TIME, "2026-12-06T24:00:00Z"),
        (H_TIME, "2026-12-06T13:30:00+25:00"),
        (H_TIME, "2026-12-06T13:30:00.Z"),
        (H_TIME, "yesterday"),
        (H_TIME, "२०२६-12-06T13:30:00Z"),
        (H_SIG, "not base64!"),
        (H_CERT, "https://api.paypal.com/a b"),
        (H_ALGO, "SHA256-RSA"),
    ] {
        let e = Transmission::from_headers(&with(&headers(), name, value)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldInvalid, Some(name)),
            "{value}"
        );
    }
    // parse_webhook reads them too.
    let e = parse_webhook(&config(), &[], CAPTURE_COMPLETED.as_bytes()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::FieldMissing);
}

#[test]
fn rfc3339_times() {
    for (text, unix) in [
        ("1970-01-01T00:00:00Z", 0),
        ("2016-02-18T20:01:35Z", 1_455_825_695),
        ("2026-12-06T13:30:00Z", SENT),
        ("2026-12-06T13:30:00.123456Z", SENT),
        ("2026-12-06T14:30:00+01:00", SENT),
        ("2026-12-06T05:30:00-08:00", SENT),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("1969-12-31T23:59:59Z", -1),
    ] {
        assert_eq!(rfc3339_unix(text), Some(unix), "{text}");
    }
    for text in [
        "",
        "2023-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-12-06T13:60:00Z",
        "2026-12-06T13:30:00",
        "2026-12-06T13:30:00+0100",
        "+2026-12-06T13:30:00Z",
        "2026-12-06T13:30:00ZZ",
    ] {
        assert_eq!(rfc3339_unix(text), None, "{text}");
    }
}

#[test]
fn the_postback_embeds_the_body_verbatim() {
    let token = AccessToken::new(Secret::new("A21AAFEpH4PsADK7qSS7pSRsgzfENtu"), 32400).unwrap();
    let r = verify_webhook_signature_request(
        &config(),
        &token,
        &headers(),
        CAPTURE_COMPLETED.as_bytes(),
    )
    .unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.url,
        "https://api-m.sandbox.paypal.com/v1/notifications/verify-webhook-signature"
    );
    assert!(r.headers.contains(&(
        "Authorization".into(),
        "Bearer A21AAFEpH4PsADK7qSS7pSRsgzfENtu".into()
    )));
    assert!(!format!("{r:?}").contains("A21AAF"));
    let expected_end = format!(r#""webhook_event":{CAPTURE_COMPLETED}}}"#);
    assert!(r.body.ends_with(&expected_end));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["auth_algo"], "SHA256withRSA");
    assert_eq!(
        v["cert_url"],
        "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-5edc0ebc"
    );
    assert_eq!(v["transmission_id"], "69cd13f0-d67a-11e5-baa3-778b53f4ae55");
    assert_eq!(v["transmission_sig"], SIG);
    assert_eq!(v["transmission_time"], "2026-12-06T13:30:00Z");
    assert_eq!(v["webhook_id"], "8PT597110X687430LKGECATA");
    assert_eq!(v["webhook_event"]["resource"]["id"], "27M47624FP291604U");
    // Key order and spacing as sent: the keys are not sorted, the spaces stay.
    let spaced = "{ \"resource\" : {\"z\":1, \"a\":2}, \"id\":\"WH-1\" }";
    let r =
        verify_webhook_signature_request(&config(), &token, &headers(), spaced.as_bytes()).unwrap();
    assert!(r.body.ends_with(&format!(r#""webhook_event":{spaced}}}"#)));
    for body in [&b"[]"[..], b"nope", b"{", b"{} {}", &[0xff, b'{', b'}']] {
        assert!(
            verify_webhook_signature_request(&config(), &token, &headers(), body).is_err(),
            "{body:?}"
        );
    }
    let no_id = RestConfig {
        webhook_id: None,
        ..config()
    };
    let e = verify_webhook_signature_request(&no_id, &token, &headers(), b"{}").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidConfig);
}

#[test]
fn only_success_verifies_a_postback() {
    let n = || parse_webhook(&config(), &headers(), CAPTURE_COMPLETED.as_bytes()).unwrap();
    let reply = |status: u16, body: &str| Reply::Response {
        status,
        body: body.as_bytes().to_vec(),
    };
    let v = finish_postback(n(), &reply(200, r#"{"verification_status": "SUCCESS"}"#)).unwrap();
    assert_eq!(v.events().len(), 1);
    for (r, code) in [
        (
            reply(200, r#"{"verification_status": "FAILURE"}"#),
            ErrorCode::PostbackInvalid,
        ),
        (
            reply(200, r#"{"verification_status": "success"}"#),
            ErrorCode::PostbackInvalid,
        ),
        (reply(200, "SUCCESS"), ErrorCode::PostbackFailed),
        (reply(200, "{}"), ErrorCode::PostbackFailed),
        (
            reply(400, r#"{"name": "VALIDATION_ERROR"}"#),
            ErrorCode::PostbackFailed,
        ),
        (reply(500, ""), ErrorCode::PostbackFailed),
        (
            Reply::Failed {
                error: "timeout".into(),
            },
            ErrorCode::PostbackFailed,
        ),
    ] {
        assert_eq!(finish_postback(n(), &r).unwrap_err().code(), code, "{r:?}");
    }
    let e = finish_postback(n(), &reply(401, r#"{"error": "invalid_token"}"#)).unwrap_err();
    assert!(crate::gateways::paypal::is_token_rejected(&e));
}

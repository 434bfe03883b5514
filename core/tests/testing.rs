//! The test helpers' notifications round-trip through the driver: parsed, proven (with the
//! fake gateway's answer where a reply proves them) and applied, they move a payment to the
//! status asked; tampered, or disowned by the gateway, they move nothing.

use serde_json::{Value, json};
use vpos_core::driver::{self, Config, Proof, Verdict};
use vpos_core::testing::{self, Mode, Payment, Status};
use vpos_core::{Amount, Currency, ErrorCode, PaymentSnapshot, PaymentStatus, transition};

fn configs() -> Vec<Value> {
    vec![
        json!({"gateway": "flocash", "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
            "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}),
        json!({"gateway": "redsys", "merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago"}),
        json!({"gateway": "redsys", "merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7", "signature_version": "HMAC_SHA512_V2",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago"}),
        json!({"gateway": "ceca", "merchant_id": "111950028", "acquirer_bin": "0000554052",
            "terminal_id": "00000003", "key": "99888888",
            "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
            "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/"}),
        json!({"gateway": "elavon", "merchant_id": "shopid", "account": "internet", "secret": "secret123",
            "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay"}),
        json!({"gateway": "elavon", "merchant_id": "shopid", "account": "internet", "secret": "secret123",
            "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay", "auto_settle": false}),
        json!({"gateway": "paypal", "business": "shop@example.com",
            "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
            "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"}),
        json!({"gateway": "bitpay", "api_key": "k", "api_url": "https://test.bitpay.com/api/invoice",
            "invoice_url": "https://test.bitpay.com/invoice"}),
    ]
}

/// What each configuration's gateway can report, and the payment status it leads to from the
/// status the payment had.
fn cases(config: &Config) -> Vec<(Status, PaymentStatus, PaymentStatus)> {
    use PaymentStatus::{Authorized, Failed, Paid, Pending, Refunded};
    let auto_settle = !matches!(config, Config::Elavon(c) if !c.auto_settle);
    match config.gateway().as_str() {
        "redsys" => vec![
            (Status::Paid, Pending, Paid),
            (Status::Authorized, Pending, Authorized),
            (Status::Failed, Pending, Failed),
            (Status::Refunded, Paid, Refunded),
        ],
        "paypal" => vec![
            (Status::Paid, Pending, Paid),
            (Status::Failed, Pending, Failed),
            (Status::Refunded, Paid, Refunded),
        ],
        "ceca" => vec![(Status::Paid, Pending, Paid)],
        "elavon" if auto_settle => vec![
            (Status::Paid, Pending, Paid),
            (Status::Failed, Pending, Failed),
        ],
        "elavon" => vec![
            (Status::Authorized, Pending, Authorized),
            (Status::Failed, Pending, Failed),
        ],
        _ => vec![
            (Status::Paid, Pending, Paid),
            (Status::Failed, Pending, Failed),
        ],
    }
}

fn order_id(config: &Config) -> &'static str {
    // Redsys wants four digits first; CECA and Elavon letters, digits and `-`.
    if config.gateway().as_str() == "redsys" {
        "1234ABCD"
    } else {
        "A-1001"
    }
}

fn eur(minor: i64) -> Amount {
    Amount::from_minor(minor, Currency::from_code("EUR").unwrap()).unwrap()
}

fn snapshot(config: &Config, event: &vpos_core::Event, status: PaymentStatus) -> PaymentSnapshot {
    serde_json::from_value(
        json!({"gateway": config.gateway().as_str(), "order_id": event.order_id(),
        "merchant": event.merchant(),
        "amount": {"minor": 1000, "currency": "EUR"}, "status": status}),
    )
    .unwrap()
}

/// Parses and proves `sent` with the fake gateway answering in `mode`.
fn prove(
    config: &Config,
    sent: &testing::Notification,
    mode: Mode,
) -> vpos_core::Result<driver::Answer> {
    let unverified = driver::parse_notification(config, &sent.request())?;
    let verified = match driver::prove(config, unverified)? {
        Proof::Verified(v) => v,
        Proof::NeedsReply { request, pending } => {
            let proof = sent
                .proof
                .as_ref()
                .expect("a reply-proven gateway names its proof");
            assert_eq!(
                (request.method, request.url.as_str()),
                (proof.method, proof.url.as_str())
            );
            pending.finish(config, &testing::reply(proof, mode))?
        }
    };
    let payment = snapshot(config, &verified.event(), PaymentStatus::Pending);
    let outcome = transition(&payment, &verified.event());
    driver::acknowledge(config, &verified, &outcome)
}

#[test]
fn every_gateway_and_status_round_trips_to_the_status_asked() {
    let mut seen = 0;
    for raw in configs() {
        let config = Config::from_json(&raw).unwrap();
        let order = order_id(&config);
        for (status, from, to) in cases(&config) {
            let sent =
                testing::notification(&config, &Payment::new(order, eur(1000), status)).unwrap();
            let unverified = driver::parse_notification(&config, &sent.request()).unwrap();
            let verified = match driver::prove(&config, unverified).unwrap() {
                Proof::Verified(v) => {
                    assert!(sent.proof.is_none());
                    v
                }
                Proof::NeedsReply { pending, .. } => pending
                    .finish(
                        &config,
                        &testing::reply(sent.proof.as_ref().unwrap(), Mode::Verified),
                    )
                    .unwrap(),
            };
            assert_eq!(verified.summary().order_id, order, "{raw} {status:?}");
            let outcome = transition(
                &snapshot(&config, &verified.event(), from),
                &verified.event(),
            );
            let answer = driver::acknowledge(&config, &verified, &outcome).unwrap();
            assert_eq!(
                answer.verdict,
                Verdict::Applied,
                "{raw} {status:?}: {outcome:?}"
            );
            match outcome {
                vpos_core::Outcome::Applied { to: reached, .. } => {
                    assert_eq!(reached, to, "{raw} {status:?}")
                }
                other => panic!("{raw} {status:?}: {other:?}"),
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 20);
}

#[test]
fn statuses_a_gateway_never_sends_are_unsupported() {
    for raw in configs() {
        let config = Config::from_json(&raw).unwrap();
        let supported: Vec<Status> = cases(&config).into_iter().map(|c| c.0).collect();
        for status in [
            Status::Paid,
            Status::Authorized,
            Status::Failed,
            Status::Refunded,
        ] {
            if supported.contains(&status) {
                continue;
            }
            let e =
                testing::notification(&config, &Payment::new(order_id(&config), eur(1000), status))
                    .unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::Unsupported, Some("status")),
                "{raw} {status:?}"
            );
        }
    }
}

/// The body with its amount raised by a cent (inside Redsys's encoded parameters).
fn tamper(config: &Config, body: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let Config::Redsys(c) = config else {
        return body.replacen("1000", "1001", 1);
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded_pairs(body);
    let params = &pairs
        .iter()
        .find(|(k, _)| k == "Ds_MerchantParameters")
        .unwrap()
        .1;
    let json = STANDARD
        .decode(params)
        .or_else(|_| URL_SAFE_NO_PAD.decode(params))
        .unwrap();
    let json = String::from_utf8(json)
        .unwrap()
        .replacen("\"1000\"", "\"1001\"", 1);
    let encoded = c.signature_version.encode_parameters(json.as_bytes());
    let escaped: String = encoded
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let original: String = params
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    body.replacen(&original, &escaped, 1)
}

mod url {
    /// Splits a form body whose values hold no escapes other than `%2B`, `%2F` and `%3D`.
    pub fn form_urlencoded_pairs(body: &str) -> Vec<(String, String)> {
        body.split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| {
                (
                    k.to_string(),
                    v.replace("%2B", "+")
                        .replace("%2F", "/")
                        .replace("%3D", "="),
                )
            })
            .collect()
    }
}

#[test]
fn a_tampered_body_is_refused_and_a_disowned_or_unanswered_one_applies_nothing() {
    for raw in configs() {
        let config = Config::from_json(&raw).unwrap();
        let mut sent = testing::notification(
            &config,
            &Payment::new(order_id(&config), eur(1000), cases(&config)[0].0),
        )
        .unwrap();
        let verdict = |r: vpos_core::Result<driver::Answer>| match r {
            Ok(answer) => answer.verdict,
            Err(e) => Verdict::of_error(&e),
        };
        if sent.proof.is_some() {
            // The body is the gateway's to vouch for: what its answer says decides.
            assert_eq!(
                verdict(prove(&config, &sent, Mode::Invalid)),
                Verdict::Unverified,
                "{raw}"
            );
            assert_eq!(
                verdict(prove(&config, &sent, Mode::Timeout)),
                Verdict::PostbackFailed,
                "{raw}"
            );
            assert_eq!(
                verdict(prove(&config, &sent, Mode::ServerError)),
                Verdict::PostbackFailed,
                "{raw}"
            );
            continue;
        }
        // One more cent, signature unchanged.
        let tampered = tamper(&config, &sent.body);
        assert_ne!(tampered, sent.body, "{raw}");
        sent.body = tampered;
        let e = prove(&config, &sent, Mode::Verified).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SignatureMismatch, "{raw}: {e}");
    }
}

#[test]
fn a_signed_notification_verifies_only_with_its_key_and_the_mismatch_hints_without_secrets() {
    for raw in configs() {
        let config = Config::from_json(&raw).unwrap();
        let (key, other_secret, hints) = match config.gateway().as_str() {
            "redsys" => (
                "secret_key",
                "Mk9m98IfEblmPfrpsawt7BmxObt98Jev",
                &[
                    "Ds_MerchantParameters",
                    "merchant_code 999008881, terminal 1",
                    "Ds_Order \"1234ABCD\"",
                ][..],
            ),
            "ceca" => (
                "key",
                "12345678",
                &["Num_operacion", "MerchantID 111950028", "hex"][..],
            ),
            "elavon" => (
                "secret",
                "other-secret",
                &[
                    "TIMESTAMP.MERCHANT_ID",
                    "merchant_id shopid, account internet",
                    "hex",
                ][..],
            ),
            _ => continue,
        };
        let status = cases(&config)[0].0;
        let payment = Payment::new(order_id(&config), eur(1000), status);
        let sent = testing::notification(&config, &payment).unwrap();
        let mut other = raw.clone();
        other[key] = json!(other_secret);
        let other = Config::from_json(&other).unwrap();
        // What the other key would have signed: the expected value, which must not leak.
        let expected = testing::notification(&other, &payment).unwrap().body;
        let e = prove(&other, &sent, Mode::Verified).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SignatureMismatch, "{raw}");
        let message = e.message();
        assert!(message.contains("Hint: signed text: "), "{message}");
        assert!(message.contains("expected key: "), "{message}");
        assert!(message.contains("expected alphabet: "), "{message}");
        for hint in hints {
            assert!(message.contains(hint), "{hint:?} not in {message}");
        }
        for secret in [raw[key].as_str().unwrap(), other_secret] {
            assert!(!message.contains(secret), "{message}");
        }
        let signature_of = |body: &str| -> String {
            let value = body.rsplit('&').find_map(|p| {
                p.strip_prefix("Ds_Signature=")
                    .or_else(|| p.strip_prefix("Firma="))
                    .or_else(|| p.strip_prefix("SHA1HASH="))
            });
            value
                .unwrap()
                .replace("%2B", "+")
                .replace("%2F", "/")
                .replace("%3D", "=")
        };
        let expected = signature_of(&expected);
        assert!(!message.contains(&expected[..16]), "{message}");
        assert!(
            !message.contains(&signature_of(&sent.body)[..16]),
            "{message}"
        );
    }
}

/// A paid (or, for Elavon without auto-settle, authorised) payment: its notification's fields,
/// and the fake gateway answering a refund or a capture on it.
#[test]
fn operations_are_answered_for_redsys_rest_and_elavon_remote() {
    use vpos_core::driver::{Operation, OperationKind};
    let cases = [
        (
            json!({"gateway": "redsys", "merchant_code": "999008881", "terminal": "1",
                "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7", "signature_version": "HMAC_SHA512_V2",
                "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
                "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}),
            Status::Paid,
            PaymentStatus::Paid,
            OperationKind::Refund,
            PaymentStatus::PartiallyRefunded,
        ),
        (
            json!({"gateway": "elavon", "merchant_id": "shopid", "account": "internet", "secret": "secret123",
                "rebate_password": "rebate", "auto_settle": true,
                "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
                "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote"}),
            Status::Paid,
            PaymentStatus::Paid,
            OperationKind::Refund,
            PaymentStatus::PartiallyRefunded,
        ),
        (
            json!({"gateway": "elavon", "merchant_id": "shopid", "account": "internet", "secret": "secret123",
                "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
                "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote"}),
            Status::Authorized,
            PaymentStatus::Authorized,
            OperationKind::Capture,
            PaymentStatus::Paid,
        ),
    ];
    for (raw, status, before, kind, after) in cases {
        let config = Config::from_json(&raw).unwrap();
        let sent =
            testing::notification(&config, &Payment::new(order_id(&config), eur(1000), status))
                .unwrap();
        let Proof::Verified(verified) = driver::prove(
            &config,
            driver::parse_notification(&config, &sent.request()).unwrap(),
        )
        .unwrap() else {
            panic!("signed")
        };
        let event = verified.event();
        let payment = snapshot(&config, &event, before);
        let amount = (kind == OperationKind::Refund).then(|| eur(400));
        let operation = Operation::on_payment(
            kind,
            &payment,
            amount,
            &verified.payment_fields(),
            "20261201110000",
        );
        let request = driver::operation_request(&config, &operation).unwrap();
        let reply = testing::operation_reply(&config, &request, Mode::Verified).unwrap();
        let read = driver::parse_operation_reply(&config, &operation, &reply).unwrap();
        match transition(&payment, &read.event) {
            vpos_core::Outcome::Applied { to, .. } => assert_eq!(to, after, "{raw}"),
            other => panic!("{raw}: {other:?}"),
        }
        // Refused, unanswered, or answered 500: an error, the payment not moved.
        for (mode, code) in [
            (Mode::Invalid, ErrorCode::GatewayError),
            (Mode::Timeout, ErrorCode::GatewayUnavailable),
            (Mode::ServerError, ErrorCode::GatewayUnavailable),
        ] {
            let reply = testing::operation_reply(&config, &request, mode).unwrap();
            let e = driver::parse_operation_reply(&config, &operation, &reply).unwrap_err();
            assert_eq!(e.code(), code, "{raw} {mode:?}: {e}");
        }
        // A request signed with another key is refused as the gateway refuses it.
        let mut other = raw.clone();
        let key = if raw["gateway"] == "redsys" {
            "secret_key"
        } else {
            "secret"
        };
        other[key] = json!(if key == "secret_key" {
            "Mk9m98IfEblmPfrpsawt7BmxObt98Jev"
        } else {
            "other"
        });
        let forged =
            driver::operation_request(&Config::from_json(&other).unwrap(), &operation).unwrap();
        let reply = testing::operation_reply(&config, &forged, Mode::Verified).unwrap();
        let e = driver::parse_operation_reply(&config, &operation, &reply).unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError, "{raw}: {e}");
        // A request to another URL is not this gateway's to answer.
        let elsewhere = vpos_core::HttpRequest {
            url: "https://elsewhere.example/".into(),
            ..request
        };
        let e = testing::operation_reply(&config, &elsewhere, Mode::Verified).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Unsupported);
    }
}

//! Nothing the customer's browser sees is proof of payment (docs/security.md).
//!
//! The browser sees the checkout form, signature included, and, for Elavon's HPP, the signed
//! response it relays to the shop. For every gateway a worked case and a proptest post those
//! to the shop's notification endpoint, with the field boundaries shifted every way the
//! signed text allows, and check that none verifies as the gateway's server-to-server message.
//! FloCash, PayPal and Bitpay sign nothing: there the proof is the post-back or fetch the host
//! performs, and the tests check that nothing in the form replaces it.

use proptest::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use vpos_core::form::encode_urlencoded;
use vpos_core::gateways::elavon::HashAlgorithm;
use vpos_core::gateways::{bitpay, ceca, elavon, flocash, paypal, redsys};
use vpos_core::{Amount, Currency, ErrorCode, Reply, Reported};

const FORM: &str = "application/x-www-form-urlencoded";

fn body(pairs: &[(&str, &str)]) -> Vec<u8> {
    encode_urlencoded(pairs.iter().copied()).into_bytes()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

fn reply(status: u16, text: &str) -> Reply {
    Reply::Response {
        status,
        body: text.as_bytes().to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// CECA: checkout Firma = digest(key + ids + Num_operacion + Importe + TipoMoneda + Exponente +
// Cifrado + URL_OK + URL_NOK); notification Firma = the same prefix + Referencia.

fn ceca_config(cipher: &str, url_ok: &str, url_nok: &str) -> ceca::Config {
    serde_json::from_value(json!({
        "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
        "key": "99888888", "cipher": cipher, "checkout_url": ceca::TEST_CHECKOUT_URL,
        "url_ok": url_ok, "url_nok": url_nok,
    }))
    .unwrap()
}

/// The five notification fields after the terminal ids, read off `tail` at the cut points.
struct CecaSplit<'a> {
    operation: &'a str,
    importe: &'a str,
    moneda: &'a str,
    exponente: &'a str,
    referencia: &'a str,
}

impl CecaSplit<'_> {
    fn body(&self, config: &ceca::Config, firma: &str) -> Vec<u8> {
        body(&[
            ("MerchantID", &config.merchant_id),
            ("AcquirerBIN", &config.acquirer_bin),
            ("TerminalID", &config.terminal_id),
            ("Num_operacion", self.operation),
            ("Importe", self.importe),
            ("TipoMoneda", self.moneda),
            ("Exponente", self.exponente),
            ("Referencia", self.referencia),
            ("Firma", firma),
        ])
    }
}

/// Every way to cut `tail` into non-empty Num_operacion, Importe, TipoMoneda (1–3 characters,
/// the most any vpos release read), Exponente (1) and Referencia. Each has the checkout digest.
fn ceca_splits(tail: &str) -> Vec<CecaSplit<'_>> {
    let n = tail.len();
    let mut out = Vec::new();
    for i in 1..n {
        for j in i + 1..n {
            for k in j + 1..=(j + 3).min(n) {
                let l = k + 1;
                if l >= n {
                    continue;
                }
                out.push(CecaSplit {
                    operation: &tail[..i],
                    importe: &tail[i..j],
                    moneda: &tail[j..k],
                    exponente: &tail[k..l],
                    referencia: &tail[l..],
                });
            }
        }
    }
    out
}

fn ceca_refuses_every_split(config: &ceca::Config, form: &vpos_core::RedirectForm) {
    let f = |name| field(&form.fields, name);
    let firma = f("Firma");
    let tail = [
        f("Num_operacion"),
        f("Importe"),
        f("TipoMoneda"),
        f("Exponente"),
        f("Cifrado"),
        f("URL_OK"),
        f("URL_NOK"),
    ]
    .concat();
    for split in ceca_splits(&tail) {
        let body = split.body(config, firma);
        let verified = ceca::parse_notification(config, FORM, &body)
            .and_then(|n| ceca::verify(config, n).map(|_| ()));
        assert!(
            verified.is_err(),
            "a checkout Firma verified as a notification: {}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[test]
fn ceca_checkout_firma_is_not_a_notification() {
    let config = ceca_config("SHA2", "http://www.ceca.es", "http://www.ceca.es");
    let order: ceca::Order = serde_json::from_value(
        json!({"operation": "123", "amount": {"minor": 500, "currency": "EUR"}}),
    )
    .unwrap();
    let form = ceca::checkout(&config, &order).unwrap();
    let firma = field(&form.fields, "Firma").to_string();
    // The forgery the digest allows: Referencia = Cifrado + URL_OK + URL_NOK.
    let referencia = "SHA2http://www.ceca.eshttp://www.ceca.es";
    let digest = Sha256::digest(
        [
            "99888888111950028000055405200000003",
            "1235009782",
            referencia,
        ]
        .concat(),
    );
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, firma, "the re-split fields carry the checkout digest");
    let split = CecaSplit {
        operation: "123",
        importe: "500",
        moneda: "978",
        exponente: "2",
        referencia,
    };
    let err = ceca::parse_notification(&config, FORM, &split.body(&config, &firma)).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::FieldInvalid, Some("Referencia"))
    );
    ceca_refuses_every_split(&config, &form);
}

/// Posts `firma` with every split of `tail` as the notification fields; none may verify.
fn ceca_firma_refused_for_every_split(config: &ceca::Config, firma: &str, tail: &str) {
    for split in ceca_splits(tail) {
        let body = split.body(config, firma);
        let verified = ceca::parse_notification(config, FORM, &body)
            .and_then(|n| ceca::verify(config, n).map(|_| ()));
        assert!(
            verified.is_err(),
            "a browser-visible or refund signature verified as a notification: {}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[test]
fn ceca_3ds_and_refund_signatures_are_not_notifications() {
    for cipher in ["SHA2", "SHA1"] {
        let config = ceca_config(cipher, "http://www.ceca.es", "http://www.ceca.es");
        let order: ceca::Order = serde_json::from_value(json!({"operation": "123",
            "amount": {"minor": 500, "currency": "EUR"},
            "cardholder": {"email": "ana@example.com", "name": "Ana Lopez",
                "billing": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013",
                    "country": "ES"}}}))
        .unwrap();
        let form = ceca::checkout(&config, &order).unwrap();
        // The checkout Firma with 3DS data is the same as without, and refused as before.
        ceca_refuses_every_split(&config, &form);
        let datos = field(&form.fields, "datos_acs_20");
        let firma_acs = field(&form.fields, "firma_acs_20");
        assert!(datos.starts_with("eyJ") && !firma_acs.is_empty());
        // firma_acs_20 signs key + datos_acs_20: its text starts with base64, never with the
        // 9 digits of MerchantID a notification's text starts with.
        ceca_firma_refused_for_every_split(&config, firma_acs, datos);
        let tail = [
            field(&form.fields, "Num_operacion"),
            field(&form.fields, "Importe"),
            "978",
            "2",
            datos,
        ]
        .concat();
        ceca_firma_refused_for_every_split(&config, firma_acs, &tail);
        // The refund Firma is the notification's text + Cifrado: the trailing letters of
        // SHA2/SHA1 cannot sit in the digits-only Referencia.
        for partial in [false, true] {
            let refund: ceca::Refund = serde_json::from_value(json!({"operation": "123",
                "reference": "12004172282310181002", "partial": partial,
                "amount": {"minor": 200, "currency": "EUR"}}))
            .unwrap();
            let firma = ceca::sign_refund(&config, &refund);
            let tail = ["123", "200", "978", "2", "12004172282310181002", cipher].concat();
            ceca_firma_refused_for_every_split(&config, &firma, &tail);
            // Not even with the Cifrado dropped from the text: a different digest.
            let n = ceca::sign_notification(
                &config,
                "123",
                Amount::from_minor(200, Currency::from_code("EUR").unwrap()).unwrap(),
                "12004172282310181002",
            );
            assert_ne!(n, firma);
        }
    }
}

#[test]
fn ceca_sandbox_and_vector_references_still_verify() {
    let config = ceca_config("SHA2", "http://www.ceca.es", "http://www.ceca.es");
    let amount = Amount::from_minor(500, Currency::from_code("EUR").unwrap()).unwrap();
    // The sandbox's shape ("12004" + 25 digits), the C3 vector's and the brief example's.
    for reference in [
        "120041234567890123456789012345",
        "000000000000000000001",
        "12004172282310181002",
        "1",
    ] {
        let firma = ceca::sign_notification(&config, "OP-3", amount, reference);
        let split = CecaSplit {
            operation: "OP-3",
            importe: "500",
            moneda: "978",
            exponente: "2",
            referencia: reference,
        };
        let n = ceca::parse_notification(&config, FORM, &split.body(&config, &firma)).unwrap();
        assert_eq!(ceca::verify(&config, n).unwrap().reference, reference);
    }
}

fn url() -> impl Strategy<Value = String> {
    // Hosts and paths that end in digits are the ones a digit-only Referencia could take in.
    ("https?", "[a-z0-9.]{1,10}", "(/[a-z0-9]{0,6}){0,2}")
        .prop_map(|(scheme, host, path)| format!("{scheme}://{host}{path}"))
}

fn any_currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::all().collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn ceca_no_checkout_firma_verifies_as_a_notification(
        cipher in prop_oneof![Just("SHA2"), Just("SHA1")],
        url_ok in url(),
        url_nok in url(),
        operation in "[A-Za-z0-9-]{1,16}",
        minor in 1i64..=10_000_000_000,
        currency in any_currency(),
    ) {
        let config = ceca_config(cipher, &url_ok, &url_nok);
        let Ok(amount) = Amount::from_minor(minor, currency) else { return Ok(()) };
        let order = ceca::Order { operation, amount, description: None, language: None, cardholder: None };
        let form = ceca::checkout(&config, &order).unwrap();
        ceca_refuses_every_split(&config, &form);
    }
}

// ---------------------------------------------------------------------------------------------
// Redsys: the form's Ds_Signature and the notification's are the same HMAC, keyed by the
// order, over the Ds_MerchantParameters text. Only the parameters' shape tells them apart.

const REDSYS_SECRET: &str = "sq7HjrUOBfKmC576ILgskD5srU870gJ7";

fn redsys_config(version: redsys::SignatureVersion) -> redsys::Config {
    serde_json::from_value(json!({
        "merchant_code": "999008881", "terminal": "1", "secret_key": REDSYS_SECRET,
        "checkout_url": redsys::TEST_CHECKOUT_URL, "signature_version": version,
        "merchant_url": "https://shop.example/vpos/redsys/default/",
        "url_ok": "https://shop.example/ok/", "url_ko": "https://shop.example/ko/",
    }))
    .unwrap()
}

fn redsys_form_refused(config: &redsys::Config, form: &vpos_core::RedirectForm) {
    let pairs: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let posted = body(&pairs);
    let verified = redsys::parse_notification(config, FORM, &posted)
        .and_then(|n| redsys::verify(config, n).map(|_| ()));
    assert!(
        verified.is_err(),
        "a Redsys checkout form verified as a notification"
    );
}

#[test]
fn redsys_checkout_form_is_not_a_notification() {
    for version in redsys::SignatureVersion::ALL {
        let config = redsys_config(version);
        let order: redsys::Order = serde_json::from_value(json!({
            "order": "2645S5A8D88W", "amount": {"minor": 1250, "currency": "EUR"},
            "product_description": "\",\"Ds_Response\":\"0000\",\"Ds_Order\":\"2645S5A8D88W",
            "merchant_data": "{\"Ds_Amount\":\"1250\",\"Ds_Currency\":\"978\"}",
        }))
        .unwrap();
        let form = redsys::checkout(&config, &order).unwrap();
        let posted = body(&[
            (
                "Ds_SignatureVersion",
                field(&form.fields, "Ds_SignatureVersion"),
            ),
            (
                "Ds_MerchantParameters",
                field(&form.fields, "Ds_MerchantParameters"),
            ),
            ("Ds_Signature", field(&form.fields, "Ds_Signature")),
        ]);
        // Refused while parsing: a payment request names DS_MERCHANT_ORDER, never Ds_Order.
        let err = redsys::parse_notification(&config, FORM, &posted).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::FieldMissing, Some("Ds_Order")),
            "{version:?}"
        );
        redsys_form_refused(&config, &form);
    }
}

#[test]
fn redsys_checkout_signature_in_a_soap_notification_is_refused() {
    let config = redsys_config(redsys::SignatureVersion::HmacSha256V1);
    let order: redsys::Order = serde_json::from_value(
        json!({"order": "2645S5A8D88W", "amount": {"minor": 1250, "currency": "EUR"}}),
    )
    .unwrap();
    let form = redsys::checkout(&config, &order).unwrap();
    let request = "<Request Ds_Version='0.0'><Ds_Amount>1250</Ds_Amount><Ds_Currency>978</Ds_Currency>\
        <Ds_Order>2645S5A8D88W</Ds_Order><Ds_MerchantCode>999008881</Ds_MerchantCode>\
        <Ds_Terminal>001</Ds_Terminal><Ds_Response>0000</Ds_Response>\
        <Ds_TransactionType>0</Ds_TransactionType></Request>";
    let message = format!(
        "<Message>{request}<Signature>{}</Signature></Message>",
        field(&form.fields, "Ds_Signature")
    );
    let escaped = message.replace('<', "&lt;").replace('>', "&gt;");
    let soap = format!(
        "<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope \
         xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>\
         <ns1:procesaNotificacionSIS xmlns:ns1=\"InotificacionSIS\"><XML>{escaped}</XML>\
         </ns1:procesaNotificacionSIS></soapenv:Body></soapenv:Envelope>"
    );
    let n = redsys::parse_notification(&config, "text/xml", soap.as_bytes()).unwrap();
    let err = redsys::verify(&config, n).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SignatureMismatch);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn redsys_no_checkout_form_verifies_as_a_notification(
        version in proptest::sample::select(redsys::SignatureVersion::ALL.to_vec()),
        prefix in "[0-9]{0,4}",
        random in proptest::collection::vec(any::<u8>(), 12),
        minor in 1i64..=999_999_999,
        currency in proptest::sample::select(vec!["EUR", "USD", "JPY", "GBP", "KWD"]),
        description in proptest::option::of("[ -~]{1,60}"),
        merchant_data in proptest::option::of(
            prop_oneof![Just("\",\"Ds_Response\":\"0000".to_string()), "[ -~]{1,80}"]
        ),
    ) {
        let config = redsys_config(version);
        let order = redsys::order_number(&prefix, &random).unwrap();
        let order: redsys::Order = serde_json::from_value(json!({
            "order": order, "amount": {"minor": minor, "currency": currency},
            "product_description": description, "merchant_data": merchant_data,
        })).unwrap();
        let form = redsys::checkout(&config, &order).unwrap();
        redsys_form_refused(&config, &form);
    }
}

// ---------------------------------------------------------------------------------------------
// Santander Elavon: every hash is sha1(sha1(fields joined by ".") + "." + secret). The form
// joins five fields, the HPP response seven; the response reaches the shop via the browser.

const ELAVON_SECRET: &str = "shared-secret";

fn elavon_config(merchant_id: &str) -> elavon::Config {
    elavon_config_with(merchant_id, HashAlgorithm::Sha1)
}

/// Both HPP digests: SHA-256 puts its hash in `SHA256HASH` and expects it there on the
/// response, under the same field layout, so every argument below must hold for each.
const ELAVON_ALGORITHMS: [HashAlgorithm; 2] = [HashAlgorithm::Sha1, HashAlgorithm::Sha256];

fn elavon_config_with(merchant_id: &str, algorithm: HashAlgorithm) -> elavon::Config {
    let name = match algorithm {
        HashAlgorithm::Sha1 => "sha1",
        HashAlgorithm::Sha256 => "sha256",
    };
    serde_json::from_value(json!({
        "merchant_id": merchant_id, "account": "internet", "secret": ELAVON_SECRET,
        "checkout_url": elavon::TEST_CHECKOUT_URL, "hash_algorithm": name,
    }))
    .unwrap()
}

/// Every way to read `joined` as seven dot-joined fields (choose 6 of its dots).
fn elavon_splits(joined: &str) -> Vec<Vec<&str>> {
    let dots: Vec<usize> = joined.match_indices('.').map(|(i, _)| i).collect();
    let mut out = Vec::new();
    let mut pick = Vec::with_capacity(6);
    fn choose<'a>(
        joined: &'a str,
        dots: &[usize],
        from: usize,
        pick: &mut Vec<usize>,
        out: &mut Vec<Vec<&'a str>>,
    ) {
        if pick.len() == 6 {
            let mut fields = Vec::with_capacity(7);
            let mut start = 0;
            for &d in pick.iter() {
                fields.push(&joined[start..d]);
                start = d + 1;
            }
            fields.push(&joined[start..]);
            out.push(fields);
            return;
        }
        for i in from..dots.len() {
            pick.push(dots[i]);
            choose(joined, dots, i + 1, pick, out);
            pick.pop();
        }
    }
    choose(joined, &dots, 0, &mut pick, &mut out);
    out
}

/// The response POST carrying `fields` (TIMESTAMP, MERCHANT_ID, ORDER_ID, RESULT, MESSAGE,
/// PASREF, AUTHCODE), the hash under the algorithm's own field (`SHA1HASH` or `SHA256HASH`).
fn elavon_response_with(
    fields: &[&str],
    amount: &str,
    currency: &str,
    algorithm: HashAlgorithm,
    hash: &str,
) -> Vec<u8> {
    body(&[
        ("TIMESTAMP", fields[0]),
        ("MERCHANT_ID", fields[1]),
        ("ORDER_ID", fields[2]),
        ("RESULT", fields[3]),
        ("MESSAGE", fields[4]),
        ("PASREF", fields[5]),
        ("AUTHCODE", fields[6]),
        ("AMOUNT", amount),
        ("CURRENCY", currency),
        (algorithm.field(), hash),
    ])
}

fn elavon_verifies(config: &elavon::Config, posted: &[u8]) -> Option<elavon::Notification> {
    elavon::parse_notification(config, FORM, posted)
        .and_then(|n| elavon::verify(config, n))
        .ok()
        .map(|v| v.into_inner())
}

fn elavon_form_refused(config: &elavon::Config, order: &elavon::Order) {
    let form = elavon::checkout(config, order).unwrap();
    let f = |name| field(&form.fields, name);
    let algorithm = config.hash_algorithm;
    let hash_field = algorithm.field();
    let joined = [
        f("TIMESTAMP"),
        f("MERCHANT_ID"),
        f("ORDER_ID"),
        f("AMOUNT"),
        f("CURRENCY"),
    ]
    .join(".");
    for split in elavon_splits(&joined) {
        assert_eq!(algorithm.hash(&split, ELAVON_SECRET), f(hash_field));
        let posted =
            elavon_response_with(&split, f("AMOUNT"), f("CURRENCY"), algorithm, f(hash_field));
        assert!(
            elavon_verifies(config, &posted).is_none(),
            "the HPP form's hash verified as a response: {split:?}"
        );
    }
    // The naive forgery: the form's own fields, RESULT=00 and the form's hash.
    let posted = elavon_response_with(
        &[
            f("TIMESTAMP"),
            f("MERCHANT_ID"),
            f("ORDER_ID"),
            "00",
            f("AMOUNT"),
            f("CURRENCY"),
            "",
        ],
        f("AMOUNT"),
        f("CURRENCY"),
        algorithm,
        f(hash_field),
    );
    assert!(elavon_verifies(config, &posted).is_none());
}

fn elavon_genuine_response_splits_uniquely(config: &elavon::Config, fields: &[&str]) {
    let algorithm = config.hash_algorithm;
    let digest = algorithm.hash(fields, ELAVON_SECRET);
    let genuine = elavon_verifies(
        config,
        &elavon_response_with(fields, "5000", "USD", algorithm, &digest),
    )
    .expect("the genuine response verifies");
    assert_eq!(
        [genuine.message.as_str(), &genuine.pasref, &genuine.authcode],
        fields[4..]
    );
    for split in elavon_splits(&fields.join(".")) {
        if split == fields {
            continue;
        }
        let posted = elavon_response_with(&split, "5000", "USD", algorithm, &digest);
        assert!(
            elavon_verifies(config, &posted).is_none(),
            "a re-split response verified: {split:?}"
        );
    }
}

#[test]
fn elavon_checkout_hash_is_not_a_response() {
    // A merchant id with dots is the only way the form's string has the six dots a response
    // needs; the split then names another merchant.
    for merchant in ["thestore", "the.store", "a.b.c.d"] {
        let order: elavon::Order = serde_json::from_value(json!({
            "order_id": "ORD453-11", "amount": {"minor": 29900, "currency": "EUR"},
            "timestamp": "20130814122239"}))
        .unwrap();
        for algorithm in ELAVON_ALGORITHMS {
            elavon_form_refused(&elavon_config_with(merchant, algorithm), &order);
        }
    }
}

#[test]
fn elavon_hpp_v2_form_with_cardholder_data_is_not_a_response() {
    // HPP v2 adds the 3-D Secure 2 fields (e-mail, phones, addresses) to what the browser
    // sees; none of them is hashed, so the argument above is unchanged, for both digests.
    let order: elavon::Order = serde_json::from_value(json!({
        "order_id": "ORD453-11", "amount": {"minor": 29900, "currency": "EUR"},
        "timestamp": "20130814122239",
        "cardholder": {"name": "Ana García", "email": "ana@example.com",
            "billing": {"line1": "Flat 123", "city": "Halifax", "postal_code": "W5 9HR",
                        "country": "GB"},
            "challenge": "challenge_requested"}}))
    .unwrap();
    for algorithm in ELAVON_ALGORITHMS {
        let config = elavon_config_with("thestore", algorithm);
        let form = elavon::checkout(&config, &order).unwrap();
        assert_eq!(field(&form.fields, "HPP_VERSION"), "2");
        assert_eq!(field(&form.fields, "HPP_CUSTOMER_EMAIL"), "ana@example.com");
        elavon_form_refused(&config, &order);
    }
}

#[test]
fn elavon_response_fields_cannot_shift_along_a_dot() {
    for algorithm in ELAVON_ALGORITHMS {
        response_fields_cannot_shift(algorithm);
    }
}

fn response_fields_cannot_shift(algorithm: HashAlgorithm) {
    let config = elavon_config_with("thestore", algorithm);
    let fields = [
        "20130814122239",
        "thestore",
        "ORD453-1120130814122239",
        "00",
        "Authorised. Ref 9",
        "3737468273643",
        "79347",
    ];
    elavon_genuine_response_splits_uniquely(&config, &fields);
    // The shift the vectors pin: same hash, PASREF ' Ref 9'.
    let shifted = [
        fields[0],
        fields[1],
        fields[2],
        fields[3],
        "Authorised",
        " Ref 9",
        "3737468273643.79347",
    ];
    let digest = algorithm.hash(&fields, ELAVON_SECRET);
    assert_eq!(algorithm.hash(&shifted, ELAVON_SECRET), digest);
    let err = elavon::parse_notification(
        &config,
        FORM,
        &elavon_response_with(&shifted, "5000", "USD", algorithm, &digest),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::FieldInvalid, Some("PASREF"))
    );
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        2000u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn elavon_no_checkout_hash_verifies_as_a_response(
        merchant in "[a-z0-9]{1,6}(\\.[a-z0-9]{0,4}){0,4}",
        order_id in "[A-Za-z0-9_-]{1,20}",
        timestamp in timestamp(),
        minor in 1i64..=10_000_000_000,
        currency in proptest::sample::select(vec!["EUR", "USD", "JPY", "GBP"]),
    ) {
        prop_assume!(elavon_config(&merchant).validate().is_ok());
        let order: elavon::Order = serde_json::from_value(json!({
            "order_id": order_id, "amount": {"minor": minor, "currency": currency},
            "timestamp": timestamp})).unwrap();
        for algorithm in ELAVON_ALGORITHMS {
            elavon_form_refused(&elavon_config_with(&merchant, algorithm), &order);
        }
    }

    #[test]
    fn elavon_response_splits_only_one_way(
        timestamp in timestamp(),
        order_id in "[A-Za-z0-9_-]{1,20}",
        result in proptest::sample::select(vec!["00", "101", "102", "205", "508", "666"]),
        message in "[A-Za-z0-9 .=:-]{0,24}",
        pasref in "[0-9]{0,17}",
        authcode in "[A-Z0-9]{0,6}",
    ) {
        let fields = [
            timestamp.as_str(), "thestore", &order_id, result, &message, &pasref, &authcode,
        ];
        for algorithm in ELAVON_ALGORITHMS {
            elavon_genuine_response_splits_uniquely(
                &elavon_config_with("thestore", algorithm), &fields);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// FloCash, PayPal IPN: no signature. The proof is FloCash's / PayPal's answer to a post-back
// the host performs to the configured URL; a form carries nothing that replaces it.

fn flocash_config() -> flocash::Config {
    serde_json::from_value(json!({
        "merchant": "m@example.com", "merchant_name": "Shop",
        "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
        "base_url": "https://fcms.flocash.com", "notification_token": "0123456789abcdef",
        "notify_url": "https://shop.example/vpos/flocash/default/0123456789abcdef/",
    }))
    .unwrap()
}

/// Verified only by `200 verified` (any case) to the post-back of the configured URL.
fn flocash_needs_postback(config: &flocash::Config, posted: &[u8], answer: &Reply) {
    let Ok(n) = flocash::parse_notification(config, FORM, posted) else {
        return;
    };
    let request = flocash::postback_request(config, &n);
    assert_eq!(request.url, config.postback_url().unwrap());
    assert!(
        request.body.ends_with("&cmd=notify-validate") || request.body == "cmd=notify-validate"
    );
    let verified = flocash::verify_postback(config, n, answer).is_ok();
    let confirms = matches!(answer, Reply::Response { status: 200, body } if body.eq_ignore_ascii_case(b"verified"));
    assert_eq!(verified, confirms, "{answer:?}");
}

#[test]
fn flocash_checkout_form_is_no_proof() {
    let config = flocash_config();
    let usd = Currency::from_code("USD").unwrap();
    let order = flocash::Order::new(
        "AT000001",
        "C0000001",
        "Call Credit",
        Amount::parse("2.50", usd).unwrap(),
        1,
    )
    .unwrap();
    let form = flocash::checkout(&config, &order).unwrap();
    // The form shows the notification URL, token included: the token filters, it proves nothing.
    assert!(field(&form.fields, "notify_url").contains("0123456789abcdef"));
    let mut pairs: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    pairs.extend([("trans_id", "T1"), ("fpn_id", "F1"), ("status", "0000")]);
    let posted = body(&pairs);
    assert!(flocash::parse_notification(&config, FORM, &posted).is_ok());
    for answer in [
        reply(200, "INVALID"),
        reply(200, "verified\n"),
        reply(500, "verified"),
        Reply::Failed {
            error: "timed out".into(),
        },
    ] {
        flocash_needs_postback(&config, &posted, &answer);
    }
    let n = flocash::parse_notification(&config, FORM, &posted).unwrap();
    let err = flocash::verify_postback(&config, n, &reply(200, "INVALID")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PostbackInvalid);
}

fn paypal_config() -> paypal::Config {
    serde_json::from_value(json!({
        "business": "shop@example.com",
        "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
        "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
        "notify_url": "https://shop.example/vpos/paypal/default/",
    }))
    .unwrap()
}

/// Verified only by exactly `200 VERIFIED` to the post-back of the configured IPN URL, which
/// echoes the received bytes.
fn paypal_needs_postback(config: &paypal::Config, posted: &[u8], answer: &Reply) {
    let Ok(n) = paypal::parse_notification(config, FORM, posted) else {
        return;
    };
    let request = paypal::postback_request(config, &n);
    assert_eq!(request.url, config.ipn_url);
    assert_eq!(
        request.body,
        format!("cmd=_notify-validate&{}", String::from_utf8_lossy(posted))
    );
    let verified = paypal::verify_postback(config, n, answer).is_ok();
    let confirms = matches!(answer, Reply::Response { status: 200, body } if body == b"VERIFIED");
    assert!(!verified || confirms, "{answer:?}");
}

#[test]
fn paypal_checkout_form_is_no_proof() {
    let config = paypal_config();
    let order: paypal::Order = serde_json::from_value(json!({
        "invoice": "A-1001", "item_name": "Tea", "amount": {"value": "15", "currency": "EUR"}}))
    .unwrap();
    let form = paypal::checkout(&config, &order).unwrap();
    let mut pairs: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    pairs.extend([
        ("txn_id", "61E67681CH3238416"),
        ("payment_status", "Completed"),
        ("mc_gross", "15.00"),
        ("mc_currency", "EUR"),
        ("receiver_email", "shop@example.com"),
    ]);
    let posted = body(&pairs);
    for answer in [
        reply(200, "INVALID"),
        reply(200, "verified"),
        reply(200, "VERIFIED\r\n"),
        reply(503, "VERIFIED"),
        Reply::Failed {
            error: "timed out".into(),
        },
    ] {
        let n = paypal::parse_notification(&config, FORM, &posted).unwrap();
        assert!(paypal::verify_postback(&config, n, &answer).is_err());
        paypal_needs_postback(&config, &posted, &answer);
    }
    // Express Checkout: the browser comes back with ?token=…&PayerID=…; read as a reply it is
    // no payment (the event comes from the host's own DoExpressCheckoutPayment call).
    let back = reply(200, "token=EC-1AB23456CD789012E&PayerID=QW8ZL5ZJHG6JE");
    assert!(
        paypal::parse_nvp_response(&back)
            .and_then(|r| paypal::payment_event(&config, "A-1001", &r))
            .is_err()
    );
}

fn answer() -> impl Strategy<Value = Reply> {
    prop_oneof![
        (
            prop_oneof![Just(200u16), 100u16..600],
            prop_oneof![
                Just("VERIFIED".to_string()),
                Just("verified".to_string()),
                Just("INVALID".to_string()),
                "[ -~\\r\\n]{0,12}",
            ]
        )
            .prop_map(|(status, text)| reply(status, &text)),
        "[ -~]{0,20}".prop_map(|error| Reply::Failed { error }),
    ]
}

fn extra_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    // Names a forger might hope steer the post-back, with arbitrary values.
    let name = proptest::sample::select(vec![
        "cmd",
        "base_url",
        "ipn_url",
        "notify_url",
        "postback_url",
        "url",
        "test_ipn",
        "verify_sign",
        "x",
    ]);
    proptest::collection::vec((name, "[ -~]{0,30}"), 0..4).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(n, _)| seen.insert(*n))
            .map(|(n, v)| (n.to_string(), v))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn flocash_nothing_but_the_postback_verifies(extra in extra_fields(), answer in answer()) {
        let config = flocash_config();
        let mut pairs = vec![
            ("merchant", "m@example.com".to_string()), ("order_id", "AT000001".into()),
            ("amount", "2.50".into()), ("currency_code", "USD".into()), ("trans_id", "T1".into()),
            ("fpn_id", "F1".into()), ("status", "0000".into()),
        ];
        pairs.extend(extra.iter().map(|(n, v)| (n.as_str(), v.clone())));
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        flocash_needs_postback(&config, &body(&refs), &answer);
    }

    #[test]
    fn paypal_nothing_but_the_postback_verifies(extra in extra_fields(), answer in answer()) {
        let config = paypal_config();
        let mut pairs = vec![
            ("txn_id", "61E67681CH3238416".to_string()), ("payment_status", "Completed".into()),
            ("mc_gross", "15.00".into()), ("mc_currency", "EUR".into()),
            ("receiver_email", "shop@example.com".into()), ("invoice", "A-1001".into()),
        ];
        pairs.extend(extra.iter().map(|(n, v)| (n.as_str(), v.clone())));
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
        paypal_needs_postback(&config, &body(&refs), &answer);
    }
}

// ---------------------------------------------------------------------------------------------
// Bitpay: the notification is unsigned JSON; the event comes from the invoice the host fetches
// from the configured API with its key. The buyer page (`?id=`) is public.

fn bitpay_config() -> bitpay::Config {
    serde_json::from_value(json!({
        "api_key": "K3yFromBitpay", "api_url": "https://test.bitpay.com/api/invoice",
        "invoice_url": "https://test.bitpay.com/invoice",
        "notification_url": "https://shop.example/vpos/bitpay/default/",
    }))
    .unwrap()
}

fn bitpay_fetch(id: &str, status: &str, price: &str) -> Reply {
    let invoice = json!({"data": {"id": id, "status": status, "price": price, "currency": "EUR",
        "orderId": "A-1"}});
    reply(200, &invoice.to_string())
}

#[test]
fn bitpay_claims_are_not_proof() {
    let config = bitpay_config();
    let created =
        bitpay::parse_invoice_response(&bitpay_fetch("X7VytgMABGuv5Vo4xPsRhb", "new", "5"))
            .unwrap();
    let form = bitpay::checkout_form(&config, &created);
    assert_eq!(form.fields, [("id".to_string(), created.id.clone())]);
    // The buyer knows the id; a notification claiming "complete" at a higher price …
    let claim = json!({"id": created.id, "status": "complete", "price": 500, "currency": "EUR",
        "orderId": "A-1", "url": "https://evil.example/invoice"});
    let n = bitpay::parse_notification(&config, "application/json", claim.to_string().as_bytes())
        .unwrap();
    let fetch = bitpay::invoice_status_request(&config, &n);
    assert_eq!(fetch.url, format!("{}/{}", config.api_url, created.id));
    // … is only what Bitpay says the invoice is.
    let verified = bitpay::verify_invoice(n, &bitpay_fetch(&created.id, "new", "5")).unwrap();
    let event = verified.event();
    assert_eq!(event.status(), &Reported::Pending);
    assert_eq!(event.amount().minor(), 500);
    let n = bitpay::parse_notification(&config, "application/json", claim.to_string().as_bytes())
        .unwrap();
    let err = bitpay::verify_invoice(n, &bitpay_fetch("Other1", "complete", "500")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SignatureMismatch);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn bitpay_events_come_from_the_fetched_invoice(
        id in "[ -~]{1,30}",
        claimed in proptest::sample::select(vec!["new", "paid", "confirmed", "complete", "x"]),
        fetched in proptest::sample::select(vec!["new", "paid", "confirmed", "complete", "expired", "invalid"]),
        price in 1u32..100_000,
    ) {
        let config = bitpay_config();
        let claim = json!({"id": id, "status": claimed, "price": 999_999, "currency": "EUR"});
        let Ok(n) = bitpay::parse_notification(&config, "application/json", claim.to_string().as_bytes()) else {
            return Ok(());
        };
        let fetch = bitpay::invoice_status_request(&config, &n);
        let rest = fetch.url.strip_prefix("https://test.bitpay.com/api/invoice/").unwrap();
        prop_assert!(rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let answer = bitpay_fetch(&id, fetched, &price.to_string());
        if let Ok(v) = bitpay::verify_invoice(n, &answer) {
            let event = v.event();
            prop_assert_eq!(event.status(), &bitpay::map_status(fetched));
            prop_assert_eq!(event.amount().minor(), i64::from(price) * 100);
        }
    }
}

//! `make bench`: criterion medians for the hot paths (targets in shared/performance.md).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vpos_core::gateways::flocash;
use vpos_core::{Amount, Currency, PaymentSnapshot, Reply, transition};

/// A 17-field FloCash notification of about 430 bytes, as in the performance brief.
const BODY: &[u8] =
    b"merchant=sales%40demoshop.com&sender_acct=payer%40example.com&order_id=AT000001\
&amount=23.45&item_name=Call+Credit&item_price=23.45&currency_code=USD&quantity=1\
&trans_id=FLOEC2504229177242483&fpn_id=T45021034274064&custom=C0000001\
&customer=Joan+Njiru&status=0000&status_msg=Payment+is+successful.\
&payer_email=joan%40example.com&payment_channel=Mobile&txn_partner_ref=MPESA-QX81HD92KL";

fn config() -> flocash::Config {
    serde_json::from_str(
        r#"{"merchant":"sales@demoshop.com","merchant_name":"Demo Shop",
            "checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url":"https://fcms.flocash.com","notification_token":"0123456789abcdef"}"#,
    )
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let config = config();
    const CT: &str = "application/x-www-form-urlencoded";
    c.bench_function("flocash_parse", |b| {
        b.iter(|| flocash::parse_notification(&config, CT, black_box(BODY)).unwrap())
    });
    let reply = Reply::Response {
        status: 200,
        body: b"VERIFIED".to_vec(),
    };
    c.bench_function("flocash_parse_postback_verify", |b| {
        b.iter(|| {
            let n = flocash::parse_notification(&config, CT, black_box(BODY)).unwrap();
            let _req = flocash::postback_request(&config, &n);
            flocash::verify_postback(&config, n, &reply).unwrap()
        })
    });
    let n = flocash::parse_notification(&config, CT, BODY).unwrap();
    let event = flocash::verify_postback(&config, n, &reply)
        .unwrap()
        .event();
    let payment: PaymentSnapshot = serde_json::from_str(
        r#"{"gateway":"flocash","merchant":"sales@demoshop.com","order_id":"AT000001",
            "amount":{"value":"23.45","currency":"USD"},"status":"pending",
            "applied_event_keys":["flocash:T1:F1:sale:0004"]}"#,
    )
    .unwrap();
    c.bench_function("transition", |b| {
        b.iter(|| transition(black_box(&payment), black_box(&event)))
    });
    let eur = Currency::from_code("EUR").unwrap();
    c.bench_function("amount_parse", |b| {
        b.iter(|| Amount::parse(black_box("12345.67"), eur).unwrap())
    });
}

/// The public Redsys sandbox notification (order 0726qI3H7sZx, peers-and-vectors R3).
const REDSYS_BODY: &str = "Ds_SignatureVersion=HMAC_SHA256_V1&Ds_MerchantParameters=eyJEc19EYXRlIjoiMjIlMkYxMCUyRjIwMjEiLCJEc19Ib3VyIjoiMjIlM0E1MSIsIkRzX1NlY3VyZVBheW1lbnQiOiIxIiwiRHNfQ2FyZF9OdW1iZXIiOiI0NTQ4ODEqKioqKiowMDA0IiwiRHNfQ2FyZF9Db3VudHJ5IjoiNzI0IiwiRHNfQW1vdW50IjoiNDk5OSIsIkRzX0N1cnJlbmN5IjoiOTc4IiwiRHNfT3JkZXIiOiIwNzI2cUkzSDdzWngiLCJEc19NZXJjaGFudENvZGUiOiI5OTkwMDg4ODEiLCJEc19UZXJtaW5hbCI6IjAwMSIsIkRzX1Jlc3BvbnNlIjoiMDAwMCIsIkRzX01lcmNoYW50RGF0YSI6IiIsIkRzX1RyYW5zYWN0aW9uVHlwZSI6IjAiLCJEc19Db25zdW1lckxhbmd1YWdlIjoiMSIsIkRzX0F1dGhvcmlzYXRpb25Db2RlIjoiMDUyMDI5IiwiRHNfQ2FyZF9CcmFuZCI6IjEiLCJEc19Qcm9jZXNzZWRQYXlNZXRob2QiOiIxIn0%3D&Ds_Signature=52nPyUkyDws__OfMqDka_yN-arxzulELZC1TYTvvR0s%3D";

fn redsys_benches(c: &mut Criterion) {
    use vpos_core::gateways::redsys;
    let config: redsys::Config = serde_json::from_str(
        r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#,
    )
    .unwrap();
    const CT: &str = "application/x-www-form-urlencoded";
    c.bench_function("redsys_verify", |b| {
        b.iter(|| {
            let n =
                redsys::parse_notification(&config, CT, black_box(REDSYS_BODY.as_bytes())).unwrap();
            redsys::verify(&config, n).unwrap()
        })
    });
    let order: redsys::Order = serde_json::from_str(
        r#"{"order":"0726qI3H7sZx","amount":{"minor":4999,"currency":"EUR"},
            "merchant_url":"http://www.prueba.com/urlNotificacion.php",
            "url_ok":"http://www.prueba.com/urlOK.php","url_ko":"http://www.prueba.com/urlKO.php"}"#,
    )
    .unwrap();
    c.bench_function("redsys_sign", |b| {
        b.iter(|| redsys::checkout(&config, black_box(&order)).unwrap())
    });
}

criterion_group!(core, benches, redsys_benches);
criterion_main!(core);

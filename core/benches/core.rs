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

criterion_group!(core, benches);
criterion_main!(core);

//! `make bench`: criterion medians for the hot paths, each beside a lean reference.
//!
//! The `vs_reference` group times the core's Redsys verify and sign and FloCash parse next to
//! lean references (`reference/`: plain RustCrypto, borrowed parsing, cached key schedule),
//! core then reference for each path, and the run ends with one ratio line per path from
//! batches of the two interleaved (issue #23: within 1.1× of the reference).

mod reference;

use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::time::{Duration, Instant};
use vpos_core::gateways::{flocash, redsys};
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

fn redsys_config() -> vpos_core::gateways::redsys::Config {
    serde_json::from_str(
        r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#,
    )
    .unwrap()
}

/// A 14-field checkout: the nine parameters every order has and five optional ones.
fn redsys_order() -> vpos_core::gateways::redsys::Order {
    serde_json::from_str(
        r#"{"order":"0726qI3H7sZx","amount":{"minor":4999,"currency":"EUR"},
            "merchant_url":"http://www.prueba.com/urlNotificacion.php",
            "url_ok":"http://www.prueba.com/urlOK.php","url_ko":"http://www.prueba.com/urlKO.php",
            "product_description":"Call credit 49.99 EUR","titular":"Joan Njiru",
            "merchant_data":"C0000001","consumer_language":"002","pay_methods":"C"}"#,
    )
    .unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

/// The core's three paths, as the bench and the ratio loop call them.
fn core_verify(config: &redsys::Config, body: &[u8]) -> redsys::Notification {
    let n = redsys::parse_notification(config, FORM, body).unwrap();
    redsys::verify(config, n).unwrap().into_inner()
}

fn core_sign(config: &redsys::Config, order: &redsys::Order) -> vpos_core::RedirectForm {
    redsys::checkout(config, order).unwrap()
}

fn core_flocash(config: &flocash::Config, body: &[u8]) -> flocash::Notification {
    flocash::parse_notification(config, FORM, body)
        .unwrap()
        .untrusted()
        .clone()
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The reference signs what the core signs: the order's parameters, built per call.
fn reference_sign(
    key: &reference::RedsysKey,
    config: &redsys::Config,
    o: &redsys::Order,
) -> [String; 3] {
    let amount = o.amount.minor().to_string();
    let currency = format!("{:03}", o.amount.currency().numeric());
    let pairs = [
        ("DS_MERCHANT_AMOUNT", amount.as_str()),
        ("DS_MERCHANT_ORDER", o.order.as_str()),
        ("DS_MERCHANT_MERCHANTCODE", config.merchant_code.as_str()),
        ("DS_MERCHANT_CURRENCY", currency.as_str()),
        ("DS_MERCHANT_TRANSACTIONTYPE", "0"),
        ("DS_MERCHANT_TERMINAL", config.terminal.as_str()),
        ("DS_MERCHANT_MERCHANTURL", text(&o.merchant_url)),
        ("DS_MERCHANT_URLOK", text(&o.url_ok)),
        ("DS_MERCHANT_URLKO", text(&o.url_ko)),
        (
            "DS_MERCHANT_PRODUCTDESCRIPTION",
            text(&o.product_description),
        ),
        ("DS_MERCHANT_TITULAR", text(&o.titular)),
        ("DS_MERCHANT_MERCHANTDATA", text(&o.merchant_data)),
        ("DS_MERCHANT_CONSUMERLANGUAGE", text(&o.consumer_language)),
        ("DS_MERCHANT_PAYMETHODS", text(&o.pay_methods)),
    ];
    reference::redsys_sign(key, &pairs)
}

/// Asserts once that core and reference agree on the bench inputs.
fn check_references(key: &reference::RedsysKey) {
    let (rc, order, fc) = (redsys_config(), redsys_order(), config());
    let n = core_verify(&rc, REDSYS_BODY.as_bytes());
    let r = reference::redsys_verify(key, REDSYS_BODY.as_bytes()).expect("reference verifies");
    assert_eq!(
        r,
        reference::RedsysAnswer {
            order: n.order.clone(),
            amount_minor: n.amount.minor(),
            currency_numeric: n.amount.currency().numeric(),
            merchant_code: n.merchant_code.clone(),
            response: n.response.clone(),
            authorisation_code: n.authorisation_code.clone(),
        }
    );
    let mut tampered = REDSYS_BODY.replace("52nPy", "52nPz");
    assert!(reference::redsys_verify(key, tampered.as_bytes()).is_none());
    tampered.clear();

    let form = core_sign(&rc, &order);
    assert_eq!(form.fields.len(), 3);
    assert_eq!(
        reference_sign(key, &rc, &order).as_slice(),
        form.fields
            .iter()
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
            .as_slice()
    );
    let json = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        &form.fields[1].1,
    )
    .unwrap();
    let params: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&json).unwrap();
    assert_eq!(params.len(), 14, "the sign bench is a 14-field checkout");

    let n = core_flocash(&fc, BODY);
    let r = reference::flocash_parse(FORM, BODY).expect("reference parses");
    let text = |i: usize| {
        r.fields[i]
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    assert_eq!(
        (
            Some(n.merchant.clone()),
            Some(n.order_id.clone()),
            n.amount.minor(),
            r.status.clone()
        ),
        (text(0), text(2), r.amount_minor, n.status_code.clone())
    );
    assert_eq!(
        [
            &n.sender_acct,
            &n.item_name,
            &n.custom,
            &n.customer,
            &n.status_msg,
            &n.payer_email,
            &n.payment_channel,
            &n.txn_partner_ref
        ],
        [
            &text(1),
            &text(4),
            &text(10),
            &text(11),
            &text(13),
            &text(14),
            &text(15),
            &text(16)
        ]
    );
    assert_eq!(
        (Some(n.trans_id.clone()), Some(n.fpn_id.clone())),
        (text(8), text(9))
    );
    assert_eq!(Some(n.currency_code.code().to_string()), text(6));
    assert_eq!(
        (
            n.item_price.map(Amount::minor),
            n.quantity,
            n.action.as_str()
        ),
        (r.item_price_minor, r.quantity, r.action)
    );
    // The reference checks what a correct listener must: it refuses what the core refuses.
    let body = std::str::from_utf8(BODY).unwrap();
    for bad in [
        body.replace("amount=23.45", "amount=23.456"),
        body.replace("amount=23.45", "amount=23.45&Amount=0.01"),
        body.replace("&fpn_id=T45021034274064", ""),
        body.replace("fpn_id=T45021034274064", "fpn_id=+"),
        body.replace("order_id=AT000001", "order_id=AT0000010000000000000000000"),
        body.replace("Joan+Njiru", "Joan%0ANjiru"),
        body.replace("Joan+Njiru", "Joan%4"),
        body.replace("Joan+Njiru", "Joan%FF"),
        body.replace("currency_code=USD", "currency_code=usd"),
        body.replace("status=0000", "status=%2B4"),
        body.replace("quantity=1", "quantity=1.0"),
        body.replace("item_price=23.45", "item_price=.5"),
        format!("{body}&action=Refunded"),
    ] {
        assert!(
            flocash::parse_notification(&fc, FORM, bad.as_bytes()).is_err(),
            "core refuses {bad}"
        );
        assert!(
            reference::flocash_parse(FORM, bad.as_bytes()).is_none(),
            "reference refuses {bad}"
        );
    }
    assert!(reference::flocash_parse("text/plain", BODY).is_none());
    let refund = format!("{body}&ACTION=refund");
    let r = reference::flocash_parse(FORM, refund.as_bytes()).expect("reference parses");
    assert_eq!(r.action, "refund");
}

fn vs_reference(c: &mut Criterion) {
    let key = reference::RedsysKey::new("sq7HjrUOBfKmC576ILgskD5srU870gJ7");
    check_references(&key);
    let (rc, order, fc) = (redsys_config(), redsys_order(), config());
    let mut g = c.benchmark_group("vs_reference");
    g.bench_function("redsys_verify/core", |b| {
        b.iter(|| core_verify(&rc, black_box(REDSYS_BODY.as_bytes())))
    });
    g.bench_function("redsys_verify/reference", |b| {
        b.iter(|| reference::redsys_verify(&key, black_box(REDSYS_BODY.as_bytes())).unwrap())
    });
    g.bench_function("redsys_sign/core", |b| {
        b.iter(|| core_sign(&rc, black_box(&order)))
    });
    g.bench_function("redsys_sign/reference", |b| {
        b.iter(|| reference_sign(&key, &rc, black_box(&order)))
    });
    g.bench_function("flocash_parse/core", |b| {
        b.iter(|| flocash::parse_notification(&fc, FORM, black_box(BODY)).unwrap())
    });
    g.bench_function("flocash_parse/reference", |b| {
        b.iter(|| reference::flocash_parse(FORM, black_box(BODY)).unwrap())
    });
    g.finish();
}

/// Median time per call of `core` and `reference` over rounds that alternate a batch of each,
/// so both see the same machine load; and the median of the per-round ratios.
fn interleaved(
    mut core: impl FnMut(),
    mut reference: impl FnMut(),
    budget: Duration,
) -> (f64, f64, f64) {
    let batch = |f: &mut dyn FnMut(), n: u32| {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed().as_secs_f64() / f64::from(n)
    };
    // Batches of about a millisecond.
    let probe = batch(&mut core, 100);
    let n = ((1e-3 / probe) as u32).clamp(10, 100_000);
    let (mut cs, mut rs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let start = Instant::now();
    while start.elapsed() < budget || cs.len() < 11 {
        let c = batch(&mut core, n);
        let r = batch(&mut reference, n);
        cs.push(c);
        rs.push(r);
        ratios.push(c / r);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut cs), median(&mut rs), median(&mut ratios))
}

/// One line per path: `ratio <path>: core … µs, reference … µs, core/reference …× (target ≤ 1.10×)`.
/// Skipped when criterion only tests, lists or profiles. To print only these lines, give a
/// filter no benchmark matches: `cargo bench -p vpos-core --bench core -- ratios-only`.
fn ratio_lines() {
    let args: Vec<String> = std::env::args().collect();
    if args
        .iter()
        .any(|a| matches!(a.as_str(), "--test" | "--list" | "--profile-time"))
    {
        return;
    }
    let key = reference::RedsysKey::new("sq7HjrUOBfKmC576ILgskD5srU870gJ7");
    let (rc, order, fc) = (redsys_config(), redsys_order(), config());
    let budget = Duration::from_secs(2);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "interleaved core vs reference (load average {})",
        load.split(' ').next().unwrap_or("?")
    );
    let lines = [
        (
            "redsys_verify",
            interleaved(
                || {
                    black_box(core_verify(&rc, black_box(REDSYS_BODY.as_bytes())));
                },
                || {
                    black_box(reference::redsys_verify(
                        &key,
                        black_box(REDSYS_BODY.as_bytes()),
                    ));
                },
                budget,
            ),
        ),
        (
            "redsys_sign",
            interleaved(
                || {
                    black_box(core_sign(&rc, black_box(&order)));
                },
                || {
                    black_box(reference_sign(&key, &rc, black_box(&order)));
                },
                budget,
            ),
        ),
        (
            "flocash_parse",
            interleaved(
                || {
                    black_box(flocash::parse_notification(&fc, FORM, black_box(BODY)).unwrap());
                },
                || {
                    black_box(reference::flocash_parse(FORM, black_box(BODY)));
                },
                budget,
            ),
        ),
    ];
    let mut rows = Vec::new();
    for (name, (core, reference, ratio)) in lines {
        println!(
            "ratio {name}: core {:.2} µs, reference {:.2} µs, core/reference {ratio:.3}× (target ≤ 1.10×, {})",
            core * 1e6,
            reference * 1e6,
            if ratio <= 1.10 { "met" } else { "not met" }
        );
        rows.push(serde_json::json!({
            "name": format!("core: {} vs the lean reference", name.replace('_', " ")),
            "vpos": (core * 1e9).round() / 1e3,
            "peer": (reference * 1e9).round() / 1e3,
            "ratio": (ratio * 1e3).round() / 1e3,
            "target": "core/reference <= 1.1x",
            "met": ratio <= 1.10,
            "unit": "us",
            "peer_impl": "lean RustCrypto reference (core/benches/reference)",
            "load_average": load.split(' ').next().and_then(|l| l.parse::<f64>().ok()),
        }));
    }
    // `make bench-peers` collects these rows into target/bench/peers.json.
    if let Ok(path) = std::env::var("VPOS_BENCH_JSON") {
        let json = serde_json::to_string_pretty(&rows).expect("rows serialize");
        std::fs::write(&path, json + "\n").expect("VPOS_BENCH_JSON is writable");
    }
}

criterion_group!(core, vs_reference, benches);

/// `VPOS_BENCH_RUN=<path>/<core|reference>:<n>` (paths as in `vs_reference`) runs just that
/// call n times and exits, for `valgrind --tool=callgrind`: instruction counts do not depend on
/// the machine's load. Per call: (count at n − count at 0) ÷ n.
fn run_only(spec: &str) {
    let (name, n) = spec.split_once(':').expect("<path>/<side>:<n>");
    let n: u32 = n.parse().expect("a count");
    let key = reference::RedsysKey::new("sq7HjrUOBfKmC576ILgskD5srU870gJ7");
    let (rc, order, fc) = (redsys_config(), redsys_order(), config());
    for _ in 0..n {
        match name {
            "redsys_verify/core" => drop(black_box(core_verify(
                &rc,
                black_box(REDSYS_BODY.as_bytes()),
            ))),
            "redsys_verify/reference" => drop(black_box(reference::redsys_verify(
                &key,
                black_box(REDSYS_BODY.as_bytes()),
            ))),
            "redsys_sign/core" => drop(black_box(core_sign(&rc, black_box(&order)))),
            "redsys_sign/reference" => {
                drop(black_box(reference_sign(&key, &rc, black_box(&order))))
            }
            "flocash_parse/core" => drop(black_box(
                flocash::parse_notification(&fc, FORM, black_box(BODY)).unwrap(),
            )),
            // Not a reference path: the whole FloCash listener step (parse, then the post-back
            // request that echoes every field), to see that parse savings are not paid later.
            "flocash_postback/core" => {
                let n = flocash::parse_notification(&fc, FORM, black_box(BODY)).unwrap();
                drop(black_box(flocash::postback_request(&fc, &n)));
            }
            "flocash_parse/reference" => {
                drop(black_box(reference::flocash_parse(FORM, black_box(BODY))))
            }
            other => panic!("unknown path {other}"),
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("VPOS_BENCH_RUN") {
        return run_only(&spec);
    }
    core();
    Criterion::default().configure_from_args().final_summary();
    ratio_lines();
}

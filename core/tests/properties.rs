//! Properties that must hold for every input: money round-trips exactly, and no parser panics.

use proptest::prelude::*;
use vpos_core::gateways::flocash;
use vpos_core::{Amount, Currency, PaymentSnapshot, Reply, form, transition};

fn config() -> flocash::Config {
    serde_json::from_str(
        r#"{"merchant":"m@example.com","merchant_name":"Shop","checkout_url":"https://x.example/c",
            "base_url":"https://x.example","notification_token":"0123456789abcdef"}"#,
    )
    .unwrap()
}

fn any_currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

const FIELDS: &[&str] = &[
    "merchant",
    "order_id",
    "amount",
    "Amount",
    "currency_code",
    "trans_id",
    "fpn_id",
    "status",
    "item_price",
    "quantity",
    "custom",
    "action",
    "status_msg",
    "cmd",
    "x",
];

fn field_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        Just("m@example.com".to_string()),
        Just("EUR".to_string()),
        Just("0000".to_string()),
        "[0-9]{0,20}(\\.[0-9]{0,4})?",
        "[-+%a-zA-Z0-9.=&]{0,12}",
        ".{0,8}",
    ];
    proptest::collection::vec((proptest::sample::select(FIELDS), value), 0..18).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn formatting_then_parsing_is_identity(minor in 0i64..=i64::MAX, currency in any_currency()) {
        let a = Amount::from_minor(minor, currency).unwrap();
        let s = a.to_decimal_string();
        prop_assert_eq!(Amount::parse(&s, currency).unwrap(), a);
        let digits_after_point = s.split_once('.').map_or(0, |(_, f)| f.len());
        prop_assert_eq!(digits_after_point, usize::from(currency.exponent()));
    }

    #[test]
    fn trailing_zeros_never_change_the_value(minor in 0i64..1_000_000_000, zeros in 1usize..6, currency in any_currency()) {
        let a = Amount::from_minor(minor, currency).unwrap();
        let mut s = a.to_decimal_string();
        if !s.contains('.') { s.push('.'); }
        s.push_str(&"0".repeat(zeros));
        prop_assert_eq!(Amount::parse(&s, currency).unwrap(), a);
    }

    #[test]
    fn amount_parse_never_panics(s in "\\PC{0,80}", currency in any_currency()) {
        let _ = Amount::parse(&s, currency);
    }

    #[test]
    fn form_parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = form::parse_urlencoded(&body, 256);
    }

    #[test]
    fn notification_flow_never_panics(body in field_body(), status in 0u16..600, verified in any::<bool>()) {
        let config = config();
        if let Ok(n) = flocash::parse_notification(&config, "application/x-www-form-urlencoded", &body) {
            let request = flocash::postback_request(&config, &n);
            prop_assert!(request.body.ends_with("cmd=notify-validate"));
            let reply = Reply::Response { status, body: if verified { b"VERIFIED".to_vec() } else { b"INVALID".to_vec() } };
            match flocash::verify_postback(&config, n, &reply) {
                Ok(v) => {
                    prop_assert!(status == 200 && verified);
                    let payment: PaymentSnapshot = serde_json::from_str(
                        r#"{"gateway":"flocash","merchant":"m@example.com","order_id":"o",
                            "amount":{"minor":100,"currency":"EUR"},"status":"pending"}"#).unwrap();
                    let outcome = transition(&payment, &v.event());
                    let _ = flocash::acknowledge(&outcome);
                }
                Err(e) => { let _ = flocash::reject(&e); }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_notification_parser(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = flocash::parse_notification(&config(), "application/x-www-form-urlencoded", &body);
    }
}

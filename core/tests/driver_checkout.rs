//! For every checkout vector under `tests/vectors/`, the driver's `checkout` gives exactly what
//! the gateway's own function gives: the same form, the same request, or the same error.

use serde_json::{Value, json};
use vpos_core::driver::{self, Checkout, Config, Order};
use vpos_core::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use vpos_core::{Error, ErrorCode, json as vjson};

mod common;
use common::{de, files, to_json};

/// The gateway's own checkout: the gateway, the order key in the input, and the result.
fn direct(op: &str, input: &Value) -> Option<(Gateway, &'static str, Result<Value, Error>)> {
    Some(match op {
        "flocash.checkout" => (
            Gateway::Flocash,
            "order",
            flocash::checkout(&de(input, "config"), &de(input, "order")).map(|f| to_json(&f)),
        ),
        "redsys.checkout" => (
            Gateway::Redsys,
            "order",
            redsys::checkout(&de(input, "config"), &de(input, "order")).map(|f| to_json(&f)),
        ),
        "ceca.checkout" => (
            Gateway::Ceca,
            "order",
            ceca::checkout(&de(input, "config"), &de(input, "order")).map(|f| to_json(&f)),
        ),
        "elavon.checkout" => (
            Gateway::Elavon,
            "order",
            elavon::checkout(&de(input, "config"), &de(input, "order")).map(|f| to_json(&f)),
        ),
        "paypal.checkout" => (
            Gateway::Paypal,
            "order",
            paypal::checkout(&de(input, "config"), &de(input, "order")).map(|f| to_json(&f)),
        ),
        "bitpay.invoice_request" => (
            Gateway::Bitpay,
            "request",
            bitpay::invoice_request(&de(input, "config"), &de(input, "request"))
                .map(|r| to_json(&r)),
        ),
        // PayPal REST through the generic `driver.checkout` op: the create-order request
        // with the account's token and the checkout key.
        "driver.checkout"
            if input["config"]["gateway"] == "paypal_rest" && input.get("order").is_some() =>
        {
            let config: paypal::RestConfig = de(&json!({"c": untagged(&input["config"])}), "c");
            let order: paypal::OrderCreate = de(&json!({"o": untagged(&input["order"])}), "o");
            let result = config.token().and_then(|token| {
                let key =
                    driver::checkout_key(Gateway::PaypalRest, &config.merchant, &order.order_id);
                paypal::create_order_request(&config, &token, &order, &key)
            });
            (Gateway::PaypalRest, "order", result.map(|r| to_json(&r)))
        }
        _ => return None,
    })
}

/// `value` without its `gateway` tag.
fn untagged(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove("gateway");
    }
    value
}

fn through_driver(gateway: Gateway, order_key: &str, input: &Value) -> Result<Value, Error> {
    let config = Config::new(gateway, &untagged(&input["config"]))?;
    let order = Order::new(gateway, &untagged(&input[order_key]))?;
    Ok(match driver::checkout(&config, &order)? {
        Checkout::Form(form) => to_json(&form),
        Checkout::NeedsReply(request) => to_json(&request),
    })
}

#[test]
fn the_driver_checks_out_every_vector_as_the_gateway_does() {
    let root = common::vectors_root();
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let mut ran = std::collections::BTreeMap::<&str, usize>::new();
    for path in &paths {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let defaults = file.get("defaults").cloned().unwrap_or_else(|| json!({}));
        for case in file["cases"].as_array().unwrap() {
            let mut input = defaults.clone();
            for (k, v) in case["input"].as_object().unwrap() {
                input[k] = v.clone();
            }
            let op = case["operation"].as_str().unwrap();
            let Some((gateway, key, expected)) = direct(op, &input) else {
                continue;
            };
            let desc = format!("{}: {}", path.display(), case["description"]);
            let actual = through_driver(gateway, key, &input);
            match (expected, actual) {
                (Ok(e), Ok(a)) => assert_eq!(e, a, "{desc}"),
                (Err(e), Err(a)) => {
                    // A configuration the gateway refuses is refused by Config::new already.
                    let code = |c: ErrorCode| c.as_str();
                    assert_eq!(
                        (code(e.code()), e.field()),
                        (code(a.code()), a.field()),
                        "{desc}"
                    );
                }
                (e, a) => panic!("{desc}: gateway {e:?}, driver {a:?}"),
            }
            *ran.entry(gateway.as_str()).or_default() += 1;
        }
    }
    for g in driver::GATEWAYS.into_iter().chain(driver::PREVIEW_GATEWAYS) {
        assert!(
            ran.get(g.as_str()).copied().unwrap_or(0) > 0,
            "no checkout vector for {g:?}"
        );
    }
}

#[test]
fn order_for_payment_matches_a_hand_built_order() {
    let request = vjson::from_value(
        &json!({"order_id": "AT000001", "amount": {"value": "10.00", "currency": "USD"},
            "description": "Tea", "custom": "cust-1", "country": "KE"}),
        ErrorCode::FieldInvalid,
    )
    .unwrap();
    let order = Order::for_payment(Gateway::Flocash, &request).unwrap();
    let hand = Order::from_json(&json!({"gateway": "flocash", "order_id": "AT000001",
        "custom": "cust-1", "item_name": "Tea", "quantity": 1, "country": "KE",
        "item_price": {"value": "10.00", "currency": "USD"},
        "amount": {"value": "10.00", "currency": "USD"}}))
    .unwrap();
    assert_eq!(order, hand);
}

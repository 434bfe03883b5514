//! Bitpay's current API over real HTTP on 127.0.0.1: invoices with the POS token and
//! `X-Accept-Version: 2.0.0`, queries on both facades, refunds signed on the merchant facade,
//! every request built and every answer read by vpos-core, and the calls BitPay refuses.

mod common;

use common::{Shop, order_row, pay, sandbox};
use vpos_core::gateways::bitpay::{self, MerchantKey, RefundRequest};
use vpos_core::{Amount, Currency, ErrorCode, HttpRequest, Reply, Reported, Secret};
use vpos_sandbox::config::{
    BITPAY_TEST_MERCHANT_KEY, BITPAY_TEST_MERCHANT_TOKEN, BITPAY_TEST_POS_TOKEN,
};
use vpos_sandbox::{Config, Sandbox};

fn shop_config(sandbox: &Sandbox, shop: &Shop, merchant: bool) -> bitpay::Config {
    let mut config = serde_json::json!({
        "token": BITPAY_TEST_POS_TOKEN,
        "api_url": sandbox.url(),
        "invoice_url": format!("{}/invoice", sandbox.url()),
        "notification_url": format!("{}/bitpay/notify", shop.url),
    });
    if merchant {
        config["private_key"] = BITPAY_TEST_MERCHANT_KEY.into();
        config["merchant_token"] = BITPAY_TEST_MERCHANT_TOKEN.into();
    }
    serde_json::from_value(config).unwrap()
}

/// Sends as a host does, and reads the answer's status and JSON body for the assertions.
async fn send(request: &HttpRequest) -> (u16, serde_json::Value, Reply) {
    let reply = common::send(request).await;
    let (status, json) = match &reply {
        Reply::Response { status, body } => {
            (*status, serde_json::from_slice(body).unwrap_or_default())
        }
        Reply::Failed { error } => panic!("{} failed: {error}", request.url),
    };
    (status, json, reply)
}

async fn create(config: &bitpay::Config, order: &str, price: &str) -> bitpay::Invoice {
    let request: bitpay::InvoiceRequest = serde_json::from_value(serde_json::json!({
        "price": {"value": price, "currency": "USD"}, "order_id": order, "item_desc": "Call credit",
        "redirect_url": "http://127.0.0.1:9/back",
    }))
    .unwrap();
    let request = bitpay::invoice_request(config, &request).unwrap();
    assert!(
        request
            .headers
            .contains(&("X-Accept-Version".into(), "2.0.0".into()))
    );
    let (_, json, reply) = send(&request).await;
    assert_eq!(json["facade"], "pos/invoice", "{json}");
    bitpay::parse_invoice_response(&reply).expect("the invoice")
}

/// What the shop does with a notification: parse it, fetch the invoice, verify.
async fn verify(config: &bitpay::Config, body: &[u8]) -> vpos_core::Event {
    let n = bitpay::parse_notification(config, "application/json", body).unwrap();
    let request = bitpay::invoice_status_request(config, &n);
    let (status, json, reply) = send(&request).await;
    assert_eq!(status, 200, "{json}");
    bitpay::verify_invoice(n, &reply)
        .expect("the fetch verifies")
        .event()
}

fn usd(value: &str) -> Amount {
    Amount::parse(value, Currency::from_code("USD").unwrap()).unwrap()
}

fn refund(invoice: &str, value: &str, guid: &str) -> RefundRequest {
    RefundRequest {
        invoice_id: invoice.into(),
        amount: usd(value),
        reference: "ORDER-1".into(),
        guid: guid.into(),
    }
}

async fn order_state(sandbox: &Sandbox, invoice: &str) -> serde_json::Value {
    order_row(sandbox, "order", invoice).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pos_token_pays_to_complete_and_the_merchant_facade_refunds_in_parts() {
    let mut options = Config::default();
    options.bitpay.confirm_seconds = 60;
    let sandbox = sandbox(1000.0, "", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let pos = shop_config(&sandbox, &shop, false);
    let merchant = shop_config(&sandbox, &shop, true);
    let invoice = create(&merchant, "ORDER-1", "49.99").await;
    assert_eq!(
        (invoice.status.as_str(), invoice.exception_status.as_deref()),
        ("new", None)
    );
    pay(&sandbox, "bitpay", &invoice.id, "paid").await;
    let got = shop.wait_for(3).await;
    // extendedNotifications: BitPay's envelope, with its webhook codes.
    let events: Vec<(i64, String, String)> = got
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            (
                v["event"]["code"].as_i64().unwrap(),
                v["event"]["name"].as_str().unwrap().to_string(),
                v["data"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            (1003, "invoice_paidInFull".into(), "paid".into()),
            (1005, "invoice_confirmed".into(), "confirmed".into()),
            (1006, "invoice_completed".into(), "complete".into()),
        ]
    );
    // Verified on the POS facade (unsigned) and on the merchant facade (signed) alike.
    for config in [&pos, &merchant] {
        let event = verify(config, &got[0].body).await;
        assert_eq!(
            (event.status_code(), event.status(), event.amount().minor()),
            ("complete", &Reported::Succeeded, 4999)
        );
        assert_eq!(event.order_id(), "ORDER-1");
    }

    // A partial refund, then the rest: each answered `success` and read by the core.
    let mut refunded = Vec::new();
    for (value, state) in [("10.00", "partially refunded"), ("39.99", "refunded")] {
        let asked = refund(&invoice.id, value, &format!("guid-{value}"));
        let request = bitpay::refund_request(&merchant, &asked).unwrap();
        assert_eq!(request.url, format!("{}/refunds", sandbox.url()));
        let (status, json, reply) = send(&request).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["data"]["guid"], format!("guid-{value}"));
        let event = bitpay::parse_refund_response(&asked, &reply)
            .unwrap()
            .event("ORDER-1");
        assert_eq!(
            (event.status(), event.amount()),
            (&Reported::Succeeded, usd(value))
        );
        refunded.push(json["data"]["id"].as_str().unwrap().to_string());
        let row = order_state(&sandbox, &invoice.id).await;
        assert_eq!(row["state"], state, "{row}");
    }
    assert_eq!(
        order_state(&sandbox, &invoice.id).await["refunded_minor"],
        4999
    );
    // Nothing is left: one cent more is refused, and moves nothing.
    let asked = refund(&invoice.id, "0.01", "");
    let (status, json, reply) = send(&bitpay::refund_request(&merchant, &asked).unwrap()).await;
    assert_eq!(status, 400, "{json}");
    assert!(json["error"].as_str().unwrap().contains("left to refund"));
    assert_eq!(
        bitpay::parse_refund_response(&asked, &reply)
            .unwrap_err()
            .code(),
        ErrorCode::GatewayUnavailable
    );
    // The refund is read back on the merchant facade, signed.
    let key = MerchantKey::from_secret(&Secret::new(BITPAY_TEST_MERCHANT_KEY)).unwrap();
    let url = format!(
        "{}/refunds/{}?token={BITPAY_TEST_MERCHANT_TOKEN}",
        sandbox.url(),
        refunded[0]
    );
    let (status, json, reply) = send(&signed_get(&key, &url)).await;
    let Reply::Response { body, .. } = reply else {
        unreachable!()
    };
    // The exact decimal, as the JSON number token BitPay writes.
    assert_eq!(status, 200, "{json}");
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains(r#""amount":10.00,"#)
    );
    sandbox.shutdown().await.unwrap();
}

fn signed_get(key: &MerchantKey, url: &str) -> HttpRequest {
    HttpRequest {
        method: vpos_core::Method::Get,
        url: url.into(),
        headers: vec![
            ("X-Accept-Version".into(), "2.0.0".into()),
            ("X-Identity".into(), key.identity()),
            ("X-Signature".into(), key.sign(url)),
        ],
        body: String::new(),
    }
}

fn header(request: &mut HttpRequest, name: &str, value: Option<&str>) {
    request.headers.retain(|(k, _)| k != name);
    if let Some(v) = value {
        request.headers.push((name.into(), v.into()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_as_bitpay_refuses_them_and_the_legacy_key_still_works() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let merchant = shop_config(&sandbox, &shop, true);
    let order: bitpay::InvoiceRequest = serde_json::from_value(serde_json::json!({
        "price": {"value": "5.00", "currency": "USD"}, "order_id": "X"}))
    .unwrap();
    let good = bitpay::invoice_request(&merchant, &order).unwrap();

    // X-Accept-Version missing or another version: 400.
    for version in [None, Some("1.0.0")] {
        let mut request = good.clone();
        header(&mut request, "X-Accept-Version", version);
        let (status, json, _) = send(&request).await;
        assert_eq!(status, 400, "{json}");
    }
    // A wrong or missing POS token: 401, and the core reads it as no invoice.
    for token in ["WrongToken", ""] {
        let mut config = merchant.clone();
        config.token = Some(Secret::new("PlaceHolder"));
        let mut request = bitpay::invoice_request(&config, &order).unwrap();
        request.body = request.body.replace("PlaceHolder", token);
        let (status, json, reply) = send(&request).await;
        assert_eq!(
            (status, json["error"].as_str()),
            (401, Some("Invalid token"))
        );
        assert!(bitpay::parse_invoice_response(&reply).is_err());
    }
    let invoice = bitpay::parse_invoice_response(&send(&good).await.2).unwrap();
    let fetch_url =
        |token: &str| format!("{}/invoices/{}?token={token}", sandbox.url(), invoice.id);

    // Queries: the POS token unsigned is fine; the merchant token needs the paired key's
    // signature over exactly this URL.
    let key = MerchantKey::from_secret(&Secret::new(BITPAY_TEST_MERCHANT_KEY)).unwrap();
    let mut pos = signed_get(&key, &fetch_url(BITPAY_TEST_POS_TOKEN));
    header(&mut pos, "X-Identity", None);
    header(&mut pos, "X-Signature", None);
    assert_eq!(send(&pos).await.0, 200);
    let mut unsigned = signed_get(&key, &fetch_url(BITPAY_TEST_MERCHANT_TOKEN));
    header(&mut unsigned, "X-Signature", None);
    let other = MerchantKey::from_secret(&Secret::new(
        "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf",
    ))
    .unwrap();
    // Another key, properly signing: its identity is not the one the token is paired with.
    let unknown = signed_get(&other, &fetch_url(BITPAY_TEST_MERCHANT_TOKEN));
    // The paired identity, but the signature of another URL.
    let mut wrong = signed_get(&key, &fetch_url(BITPAY_TEST_MERCHANT_TOKEN));
    let elsewhere = key.sign(&format!("{}/invoices/OTHER?token=x", sandbox.url()));
    header(&mut wrong, "X-Signature", Some(&elsewhere));
    for (what, request) in [
        ("unsigned", unsigned),
        ("unknown identity", unknown),
        ("wrong signature", wrong),
    ] {
        let (status, json, _) = send(&request).await;
        assert_eq!(status, 401, "{what}: {json}");
    }
    assert_eq!(
        send(&signed_get(&key, &fetch_url(BITPAY_TEST_MERCHANT_TOKEN)))
            .await
            .0,
        200
    );

    // Refunds: not on a `new` invoice; a tampered body fails the signature; never with the
    // POS token.
    let asked = refund(&invoice.id, "1.00", "");
    let request = bitpay::refund_request(&merchant, &asked).unwrap();
    let (status, json, _) = send(&request).await;
    assert_eq!(status, 400, "{json}");
    assert!(json["error"].as_str().unwrap().contains("Invoice is new"));
    let mut tampered = request.clone();
    tampered.body = tampered.body.replace("1.00", "5.00");
    assert_eq!(send(&tampered).await.0, 401);
    let mut pos_refund = request.clone();
    pos_refund.body = pos_refund
        .body
        .replace(BITPAY_TEST_MERCHANT_TOKEN, BITPAY_TEST_POS_TOKEN);
    header(&mut pos_refund, "X-Identity", None);
    header(&mut pos_refund, "X-Signature", None);
    assert_eq!(send(&pos_refund).await.0, 401);
    // A legacy account has no refunds at all; the core says so before sending anything.
    let legacy: bitpay::Config = serde_json::from_value(serde_json::json!({
        "api_key": vpos_sandbox::config::BITPAY_TEST_KEY,
        "api_url": format!("{}/api/invoice", sandbox.url()),
        "invoice_url": format!("{}/invoice", sandbox.url()),
    }))
    .unwrap();
    assert_eq!(
        bitpay::refund_request(&legacy, &asked).unwrap_err().code(),
        ErrorCode::Unsupported
    );
    // …and its key still creates and reads invoices.
    let old = bitpay::parse_invoice_response(
        &send(&bitpay::invoice_request(&legacy, &order).unwrap())
            .await
            .2,
    )
    .unwrap();
    let (status, json, _) = send(&bitpay::invoice_fetch_request(&legacy, &old.id).unwrap()).await;
    assert_eq!((status, json["status"].as_str()), (200, Some("new")));
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exception_statuses_reach_the_event() {
    let mut options = Config::default();
    options.bitpay.confirm_seconds = 60;
    let sandbox = sandbox(1000.0, "", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop, true);
    let over = create(&config, "ORDER-O", "5.00").await;
    pay(&sandbox, "bitpay", &over.id, "paid-over").await;
    let got = shop.wait_for(3).await;
    let event = verify(&config, &got[2].body).await;
    assert_eq!(
        (event.status_code(), event.status()),
        ("complete:paidOver", &Reported::Succeeded)
    );
    let partial = create(&config, "ORDER-P", "5.00").await;
    pay(&sandbox, "bitpay", &partial.id, "paid-partial").await;
    let got = shop.wait_for(4).await;
    let event = verify(&config, &got[3].body).await;
    assert_eq!(
        (event.status_code(), event.status()),
        ("expired:paidPartial", &Reported::Cancelled)
    );
    sandbox.shutdown().await.unwrap();
}

/// `refund_pending_seconds`: the refund is answered `pending`, then goes `success`; each
/// change reaches the shop as a refund webhook, which vpos proves by the signed fetch of the
/// refund through the driver's notification path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_refunds_send_a_webhook_on_each_change_proven_by_the_signed_fetch() {
    use vpos_core::driver::{self, Proof};
    let mut options = Config::default();
    options.bitpay.confirm_seconds = 60;
    options.bitpay.refund_pending_seconds = 60;
    let sandbox = sandbox(1000.0, "", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let merchant = shop_config(&sandbox, &shop, true);
    let invoice = create(&merchant, "ORDER-1", "49.99").await;
    pay(&sandbox, "bitpay", &invoice.id, "paid").await;
    shop.wait_for(3).await;
    let asked = refund(&invoice.id, "10.00", "guid-1");
    let (status, json, reply) = send(&bitpay::refund_request(&merchant, &asked).unwrap()).await;
    assert_eq!(
        (status, json["data"]["status"].as_str()),
        (200, Some("pending"))
    );
    let event = bitpay::parse_refund_response(&asked, &reply)
        .unwrap()
        .event("ORDER-1");
    assert_eq!(event.status(), &Reported::Pending);
    let got = shop.wait_for(5).await;
    let mut tagged = serde_json::to_value(&merchant).unwrap();
    tagged["gateway"] = "bitpay".into();
    tagged["private_key"] = BITPAY_TEST_MERCHANT_KEY.into();
    tagged["merchant_token"] = BITPAY_TEST_MERCHANT_TOKEN.into();
    tagged["token"] = BITPAY_TEST_POS_TOKEN.into();
    let config = driver::Config::from_json(&tagged).unwrap();
    let mut seen = Vec::new();
    for webhook in &got[3..5] {
        let v: serde_json::Value = serde_json::from_slice(&webhook.body).unwrap();
        let request = driver::Request {
            content_type: "application/json",
            body: &webhook.body,
            ..driver::Request::default()
        };
        let unverified = driver::parse_notification(&config, &request).unwrap();
        let Proof::NeedsReply { request, pending } = driver::prove(&config, unverified).unwrap()
        else {
            panic!("a refund webhook is proven by a fetch")
        };
        assert!(request.url.contains("/refunds/"), "{}", request.url);
        let (_, _, reply) = send(&request).await;
        let event = pending.finish(&config, &reply).unwrap().event();
        seen.push((
            v["event"]["name"].as_str().unwrap().to_string(),
            event.order_id().to_string(),
            event.amount(),
        ));
    }
    // The fetch answers the refund as it is now: `success` once the second webhook is sent.
    assert_eq!(
        seen.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["refund_pending", "refund_success"]
    );
    assert!(seen.iter().all(|s| s.1 == "ORDER-1" && s.2 == usd("10.00")));
    sandbox.shutdown().await.unwrap();
}

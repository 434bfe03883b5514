//! Bitpay over real HTTP on 127.0.0.1: invoice creation and the verification fetch built and
//! read by vpos-core, notifications for every status change, retries, API key checks.

mod common;

use common::{Shop, client, deliveries, events_until, pay, sandbox, send};
use vpos_core::gateways::bitpay;
use vpos_core::{ErrorCode, Reply, Reported};
use vpos_sandbox::{Config, Sandbox};

fn shop_config(sandbox: &Sandbox, shop: &Shop, api: &str) -> bitpay::Config {
    serde_json::from_value(serde_json::json!({
        "api_key": vpos_sandbox::config::BITPAY_TEST_KEY,
        "api_url": format!("{}{api}", sandbox.url()),
        "invoice_url": format!("{}/invoice", sandbox.url()),
        "notification_url": format!("{}/bitpay/notify", shop.url),
    }))
    .unwrap()
}

async fn create(config: &bitpay::Config, order: &str) -> bitpay::Invoice {
    let request: bitpay::InvoiceRequest = serde_json::from_value(serde_json::json!({
        "price": {"value": "49.99", "currency": "USD"}, "order_id": order, "item_desc": "Call credit",
        "redirect_url": "http://127.0.0.1:9/back",
    }))
    .unwrap();
    let reply = send(&bitpay::invoice_request(config, &request).unwrap()).await;
    bitpay::parse_invoice_response(&reply).expect("the invoice")
}

/// What the shop does with a notification: parse it, fetch the invoice, verify.
async fn verify(config: &bitpay::Config, body: &[u8]) -> vpos_core::Event {
    let n = bitpay::parse_notification(config, "application/json", body).unwrap();
    let reply = send(&bitpay::invoice_status_request(config, &n)).await;
    bitpay::verify_invoice(n, &reply)
        .expect("the fetch verifies")
        .event()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_then_confirmed_both_apis_verified_by_fetch() {
    let mut options = Config::default();
    options.bitpay.confirm_seconds = 60;
    let sandbox = sandbox(1000.0, "", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    for (i, api) in ["/invoices", "/api/invoice"].into_iter().enumerate() {
        let config = shop_config(&sandbox, &shop, api);
        let invoice = create(&config, &format!("ORDER-{i}")).await;
        assert_eq!(invoice.status, "new");
        assert_eq!(invoice.price.to_decimal_string(), "49.99");
        let form = bitpay::checkout_form(&config, &invoice);
        let page = client()
            .get(&format!("{}?id={}", form.action, invoice.id))
            .await
            .unwrap()
            .text();
        assert!(
            page.contains("49.99 USD") && page.contains("outcome-paid"),
            "{page}"
        );
        let r = pay(&sandbox, "bitpay", &invoice.id, "paid").await;
        assert_eq!(r.json().unwrap()["redirect"], "http://127.0.0.1:9/back");
        // Each status change is notified (paid, confirmed, complete); the fetch answers the
        // invoice as it is now.
        let got: Vec<_> = shop
            .wait_for(3 * i + 3)
            .await
            .into_iter()
            .filter(|r| r.text().contains(&invoice.id))
            .collect();
        let claimed = |n: usize| {
            serde_json::from_slice::<serde_json::Value>(&got[n].body).unwrap()["status"].clone()
        };
        assert_eq!(
            (claimed(0), claimed(1), claimed(2)),
            ("paid".into(), "confirmed".into(), "complete".into())
        );
        let confirmed = verify(&config, &got[0].body).await;
        assert_eq!(
            (confirmed.status_code(), confirmed.status()),
            ("complete", &Reported::Succeeded)
        );
        assert_eq!(confirmed.order_id(), format!("ORDER-{i}"));
        assert_eq!(confirmed.amount().minor(), 4999);
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_key_is_refused_and_notifications_retry_until_200() {
    let sandbox = sandbox(10_000.0, "duplicate=2,postback-fail=1", Config::default()).await;
    let shop = Shop::start((200, ""), &[(503, "retry")]).await;
    let mut config = shop_config(&sandbox, &shop, "/invoices");
    let invoice = create(&config, "ORDER-9").await;
    pay(&sandbox, "bitpay", &invoice.id, "expired").await;
    let events = events_until(&sandbox, "both copies delivered", |e| {
        deliveries(e, &invoice.id)
            .iter()
            .filter(|d| d["outcome"] == "delivered")
            .count()
            == 2
    })
    .await;
    let outcomes: Vec<_> = deliveries(&events, &invoice.id)
        .iter()
        .map(|d| d["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| *o == "failed").count(),
        1,
        "{outcomes:?}"
    );
    let got = shop.received();
    // The first fetch fails (the fault): the shop cannot verify, so it must answer non-200.
    let n = bitpay::parse_notification(&config, "application/json", &got[0].body).unwrap();
    let reply = send(&bitpay::invoice_status_request(&config, &n)).await;
    assert_eq!(
        bitpay::verify_invoice(n, &reply).unwrap_err().code(),
        ErrorCode::GatewayUnavailable
    );
    let event = verify(&config, &got[0].body).await;
    assert_eq!(*event.status(), Reported::Cancelled);

    config.api_key = Some(vpos_core::Secret::new("wrong-key"));
    let request: bitpay::InvoiceRequest = serde_json::from_value(serde_json::json!({
        "price": {"value": "1", "currency": "USD"}, "order_id": "X"}))
    .unwrap();
    let reply = send(&bitpay::invoice_request(&config, &request).unwrap()).await;
    assert!(matches!(reply, Reply::Response { status: 401, .. }));
    assert_eq!(
        bitpay::parse_invoice_response(&reply).unwrap_err().code(),
        ErrorCode::GatewayUnavailable
    );
    sandbox.shutdown().await.unwrap();
}

//! PayPal Website Payments Standard over real HTTP on 127.0.0.1: the Buy Now form built by
//! vpos-core, IPNs checked by vpos-core's parser and post-back (`postback_request`,
//! `verify_postback`) against the sandbox, resends with backoff, post-back faults.

mod common;

use common::{Shop, client, deliveries, events_until, pay, post_form, sandbox};
use vpos_core::gateways::paypal;
use vpos_core::{ErrorCode, Reply, Reported};
use vpos_sandbox::{Config, Sandbox};

fn shop_config(sandbox: &Sandbox, shop: &Shop) -> paypal::Config {
    serde_json::from_value(serde_json::json!({
        "business": "sales@demoshop.com",
        "checkout_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "ipn_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "notify_url": format!("{}/paypal/ipn", shop.url),
        "return_url": format!("{}/thanks", shop.url),
        "cancel_url": format!("{}/cancelled", shop.url),
    }))
    .unwrap()
}

async fn checkout(config: &paypal::Config, invoice: &str) {
    let order: paypal::Order = serde_json::from_value(serde_json::json!({
        "invoice": invoice, "item_name": "Café & <tea>", "amount": {"value": "15", "currency": "EUR"},
        "custom": "customer-7",
    }))
    .unwrap();
    let form = paypal::checkout(config, &order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = client()
        .get(&format!(
            "{}{}",
            form.action.trim_end_matches("/cgi-bin/webscr"),
            r.header("location").unwrap()
        ))
        .await
        .unwrap()
        .text();
    assert!(
        page.contains("15.00 EUR") && page.contains("Café &amp; &lt;tea&gt;"),
        "{page}"
    );
}

/// The shop's post-back, exactly as a host does it with vpos-core.
async fn verify(
    config: &paypal::Config,
    body: &[u8],
) -> Result<vpos_core::Verified<paypal::Notification>, vpos_core::Error> {
    let n = paypal::parse_notification(config, "application/x-www-form-urlencoded", body)?;
    let request = paypal::postback_request(config, &n);
    let r = client()
        .post(
            &request.url,
            "application/x-www-form-urlencoded",
            request.body,
        )
        .await
        .unwrap();
    paypal::verify_postback(
        config,
        n,
        &Reply::Response {
            status: r.status,
            body: r.body,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completed_ipn_is_verified_by_post_back_and_tampering_is_invalid() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, "INV-1").await;
    let r = pay(&sandbox, "paypal", "INV-1", "completed").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json().unwrap()["redirect"],
        format!("{}/thanks", shop.url)
    );
    let got = shop.wait_for(1).await;
    assert_eq!(got[0].path, "/paypal/ipn");
    let verified = verify(&config, &got[0].body).await.expect("VERIFIED");
    let event = verified.event();
    assert_eq!(event.order_id(), "INV-1");
    assert_eq!(event.amount().to_decimal_string(), "15.00");
    assert_eq!(*event.status(), Reported::Succeeded);
    assert_eq!(got[0].field("custom"), "customer-7");

    // One byte changed: INVALID.
    let tampered = got[0].text().replace("mc_gross=15.00", "mc_gross=1.00");
    assert_eq!(
        verify(&config, tampered.as_bytes())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PostbackInvalid
    );
    // Another receiver: refused after VERIFIED.
    let mut other = config.clone();
    other.business = "someone@else.example".into();
    assert_eq!(
        verify(&other, &got[0].body).await.unwrap_err().code(),
        ErrorCode::MerchantMismatch
    );
    // A repeated invoice is refused, as PayPal does.
    let order: paypal::Order = serde_json::from_value(serde_json::json!({
        "invoice": "INV-1", "item_name": "x", "amount": {"value": "1", "currency": "EUR"}}))
    .unwrap();
    let form = paypal::checkout(&config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 400);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resends_with_backoff_until_200_and_post_back_failure_fault() {
    // 60 s PayPal time → 6 ms.
    let sandbox = sandbox(10_000.0, "postback-fail=1,drop-first=1", Config::default()).await;
    let shop = Shop::start((200, ""), &[(500, ""), (500, "")]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, "INV-2").await;
    pay(&sandbox, "paypal", "INV-2", "completed").await;
    let events = events_until(&sandbox, "the IPN delivered", |e| {
        deliveries(e, "INV-2")
            .iter()
            .any(|d| d["outcome"] == "delivered")
    })
    .await;
    let d = deliveries(&events, "INV-2");
    let outcomes: Vec<_> = d.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["dropped", "failed", "failed", "delivered"]);
    assert_eq!(d[0]["max_attempts"], 16);
    // The first post-back fails with 500 (PostbackFailed: the shop must answer non-200), the
    // next is VERIFIED.
    let got = shop.received();
    assert_eq!(got.len(), 3);
    assert_eq!(
        verify(&config, &got[0].body).await.unwrap_err().code(),
        ErrorCode::PostbackFailed
    );
    verify(&config, &got[1].body)
        .await
        .expect("VERIFIED after the fault");
    assert_eq!(got[0].body, got[2].body, "a resend is the same IPN");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_then_completed_and_cancel_sends_nothing() {
    let mut options = Config::default();
    options.paypal.pending_seconds = 60;
    let sandbox = sandbox(1000.0, "", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, "INV-3").await;
    checkout(&config, "INV-4").await;
    let r = pay(&sandbox, "paypal", "INV-4", "cancelled").await;
    assert_eq!(
        r.json().unwrap()["redirect"],
        format!("{}/cancelled", shop.url)
    );
    pay(&sandbox, "paypal", "INV-3", "pending").await;
    let got = shop.wait_for(2).await;
    let first = verify(&config, &got[0].body).await.unwrap().event();
    let second = verify(&config, &got[1].body).await.unwrap().event();
    assert_eq!(*first.status(), Reported::Pending);
    assert_eq!(*second.status(), Reported::Succeeded);
    assert_eq!(first.transaction_id(), second.transaction_id());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        shop.received().len(),
        2,
        "the cancelled payment sent no IPN"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_sends_completed_before_the_stale_pending() {
    let mut options = Config::default();
    options.paypal.pending_seconds = 60;
    let sandbox = sandbox(1000.0, "reorder", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, "INV-5").await;
    pay(&sandbox, "paypal", "INV-5", "pending").await;
    let got = shop.wait_for(2).await;
    assert_eq!(got[0].field("payment_status"), "Completed");
    assert_eq!(got[1].field("payment_status"), "Pending");
    verify(&config, &got[1].body)
        .await
        .expect("the stale IPN is still PayPal's");
    sandbox.shutdown().await.unwrap();
}

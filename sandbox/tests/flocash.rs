//! FloCash end to end over real HTTP on 127.0.0.1: a shop built with vpos-core against the
//! sandbox.

mod common;

use common::{Shop, client, deliveries, events_until, pay, post_form, sandbox};
use vpos_core::gateways::flocash::{self, Order};
use vpos_core::{Amount, Currency, ErrorCode, Reply, Reported};
use vpos_sandbox::Config;
use vpos_sandbox::Sandbox;

const TOKEN: &str = "test-token-123456";

fn shop_config(sandbox: &Sandbox, shop: &Shop) -> flocash::Config {
    serde_json::from_value(serde_json::json!({
        "merchant": "sales@demoshop.com",
        "merchant_name": "Demo Shop",
        "checkout_url": format!("{}/ecom/ecommerce.do", sandbox.url()),
        "base_url": sandbox.url(),
        "notification_token": TOKEN,
        "notify_url": format!("{}/flocash/notify/{TOKEN}/", shop.url),
        "return_url": format!("{}/thanks", shop.url),
        "cancel_url": format!("{}/cancelled", shop.url),
    }))
    .unwrap()
}

fn order(order_id: &str) -> Order {
    let usd = Currency::from_code("USD").unwrap();
    Order::new(
        order_id,
        "C0000001",
        "Call Credit",
        Amount::parse("2.50", usd).unwrap(),
        2,
    )
    .unwrap()
}

/// Posts the shop's checkout form as a browser would; returns the payment page path.
async fn checkout(config: &flocash::Config, order: &Order) -> String {
    let form = flocash::checkout(config, order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/ecom/pay/"), "{location}");
    location
}

/// The host's post-back, as the Django and Node hosts do it.
async fn postback(
    config: &flocash::Config,
    raw: &[u8],
) -> Result<vpos_core::Verified<flocash::Notification>, vpos_core::Error> {
    let unverified = flocash::parse_notification(config, "application/x-www-form-urlencoded", raw)?;
    let request = flocash::postback_request(config, &unverified);
    let reply = match client()
        .post(&request.url, &request.headers[0].1, request.body.clone())
        .await
    {
        Ok(r) => Reply::Response {
            status: r.status,
            body: r.body,
        },
        Err(error) => Reply::Failed { error },
    };
    flocash::verify_postback(config, unverified, &reply)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_notification_is_delivered_and_verified_and_a_tampered_copy_is_not() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, "00"), &[]).await;
    let config = shop_config(&sandbox, &shop);
    let page = checkout(&config, &order("AT000001")).await;

    let html = client()
        .get(&format!("{}{page}", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(html.status, 200);
    let text = html.text();
    assert!(
        text.contains("Demo Shop") && text.contains("5.00 USD"),
        "{text}"
    );
    assert!(text.contains("id=\"outcome-paid\""));

    let r = pay(&sandbox, "flocash", "AT000001", "paid").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let paid = r.json().unwrap();
    assert_eq!(paid["status_code"], "0000");
    assert_eq!(paid["redirect"], format!("{}/thanks", shop.url));

    let got = shop.wait_for(1).await;
    let n = &got[0];
    assert_eq!(n.path, format!("/flocash/notify/{TOKEN}/"));
    assert!(
        n.content_type
            .starts_with("application/x-www-form-urlencoded"),
        "{}",
        n.content_type
    );
    let names: Vec<String> = n.fields().into_iter().map(|(k, _)| k).collect();
    let documented: Vec<&str> = flocash::FIELDS.iter().map(|(f, _)| *f).collect();
    assert_eq!(names, documented, "all 17 documented fields, in order");
    for (field, value) in [
        ("merchant", "sales@demoshop.com"),
        ("order_id", "AT000001"),
        ("amount", "5.00"),
        ("item_name", "Call Credit"),
        ("item_price", "2.50"),
        ("currency_code", "USD"),
        ("quantity", "2"),
        ("custom", "C0000001"),
        ("status", "0000"),
        ("status_msg", "Payment is successful."),
        ("payment_channel", "Card"),
    ] {
        assert_eq!(n.field(field), value, "{field}");
    }

    let verified = postback(&config, &n.body).await.expect("VERIFIED");
    let event = verified.event();
    assert_eq!(event.status(), &Reported::Succeeded);
    assert_eq!(event.amount().to_decimal_string(), "5.00");
    assert_eq!(event.order_id(), "AT000001");

    let tampered = n.text().replace("amount=5.00", "amount=500.00");
    assert_ne!(tampered, n.text());
    let err = postback(&config, tampered.as_bytes()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PostbackInvalid);

    // Paying twice is refused; the customer cannot pay a finished order again.
    let again = pay(&sandbox, "flocash", "AT000001", "paid").await;
    assert_eq!(again.status, 409);
    assert_eq!(again.json().unwrap()["error"], "already_finished");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payment_page_buttons_redirect_the_browser() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, "00"), &[]).await;
    let config = shop_config(&sandbox, &shop);
    let page = checkout(&config, &order("AT000002")).await;
    let r = post_form(
        &format!("{}{page}", sandbox.url()),
        &[
            ("channel".into(), "Mobile".into()),
            ("outcome".into(), "cancelled".into()),
        ],
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some(&*format!("{}/cancelled", shop.url))
    );
    let n = &shop.wait_for(1).await[0];
    assert_eq!(n.field("status"), "0002");
    assert_eq!(n.field("payment_channel"), "Mobile");
    let verified = postback(&config, &n.body).await.unwrap();
    assert_eq!(verified.event().status(), &Reported::Cancelled);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_not_answered_00_is_retried() {
    // An hour of FloCash time is 100 ms here.
    let sandbox = sandbox(36_000.0, "", Config::default()).await;
    let shop = Shop::start((200, "00"), &[(500, "oops"), (200, "0")]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, &order("AT000003")).await;
    assert_eq!(
        pay(&sandbox, "flocash", "AT000003", "paid").await.status,
        200
    );

    let got = shop.wait_for(3).await;
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "retries resend the same notification"
    );
    let log = events_until(&sandbox, "a delivered attempt", |e| {
        deliveries(e, "AT000003")
            .iter()
            .any(|d| d["outcome"] == "delivered")
    })
    .await;
    let attempts = deliveries(&log, "AT000003");
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert_eq!(attempts[0]["attempt"], 1);
    assert_eq!(attempts[0]["status"], 500);
    assert_eq!(attempts[0]["outcome"], "failed");
    assert_eq!(attempts[0]["max_attempts"], 73);
    assert!(attempts[0]["next_retry_at"].is_string());
    assert_eq!(attempts[1]["response_body"], "0");
    assert_eq!(attempts[1]["outcome"], "failed");
    assert_eq!(attempts[2]["attempt"], 3);
    assert_eq!(attempts[2]["outcome"], "delivered");
    assert!(attempts[2].get("next_retry_at").is_none());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_fault_delivers_each_notification_twice() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, "00"), &[]).await;
    let config = shop_config(&sandbox, &shop);
    let r = common::post_json(
        &format!("{}/_sandbox/faults", sandbox.url()),
        &serde_json::json!({ "duplicate": 2 }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    checkout(&config, &order("AT000004")).await;
    pay(&sandbox, "flocash", "AT000004", "paid").await;
    let got = shop.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body, "the same notification, twice");
    // Both copies verify: a shop must treat the second as already applied.
    for copy in &got {
        postback(&config, &copy.body).await.unwrap();
    }
    let log = events_until(&sandbox, "two deliveries", |e| {
        deliveries(e, "AT000004").len() == 2
    })
    .await;
    let mut copies: Vec<u64> = deliveries(&log, "AT000004")
        .iter()
        .map(|d| d["copy"].as_u64().unwrap())
        .collect();
    copies.sort_unstable();
    assert_eq!(copies, [1, 2]);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_first_fault_leaves_it_to_the_retry() {
    let sandbox = sandbox(36_000.0, "drop-first=1", Config::default()).await;
    let shop = Shop::start((200, "00"), &[]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, &order("AT000005")).await;
    pay(&sandbox, "flocash", "AT000005", "paid").await;
    let log = events_until(&sandbox, "the retry delivered", |e| {
        deliveries(e, "AT000005")
            .iter()
            .any(|d| d["outcome"] == "delivered")
    })
    .await;
    let attempts = deliveries(&log, "AT000005");
    assert_eq!(attempts[0]["outcome"], "dropped");
    assert!(attempts[0].get("status").is_none(), "nothing was sent");
    assert_eq!(attempts[1]["attempt"], 2);
    assert_eq!(
        shop.received().len(),
        1,
        "the dropped attempt never reached the shop"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postback_fail_fault_answers_500_first() {
    let sandbox = sandbox(1.0, "postback-fail=1", Config::default()).await;
    let shop = Shop::start((200, "00"), &[]).await;
    let config = shop_config(&sandbox, &shop);
    checkout(&config, &order("AT000006")).await;
    pay(&sandbox, "flocash", "AT000006", "paid").await;
    let n = &shop.wait_for(1).await[0];
    let err = postback(&config, &n.body).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PostbackFailed);
    postback(&config, &n.body)
        .await
        .expect("VERIFIED the second time");
    sandbox.shutdown().await.unwrap();
}

/// The order in which the sandbox *sent* the two notifications of a pending payment, read
/// from its log (arrival order at the shop is left to the network).
fn sent_statuses(log: &[serde_json::Value], order: &str) -> Vec<String> {
    log.iter()
        .filter(|e| e["kind"] == "note" && e["order"] == order)
        .filter_map(|e| e["message"].as_str())
        .filter_map(|m| m.split("notification status ").nth(1))
        .map(|s| s.chars().take(4).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_then_paid_and_the_reorder_fault() {
    // pending_seconds 3600 at 36000× = 100 ms between the two notifications.
    let config_json = r#"{"flocash": {"pending_seconds": 3600}}"#;
    for (faults, expected) in [("", ["0004", "0000"]), ("reorder", ["0000", "0004"])] {
        let sandbox = sandbox(36_000.0, faults, Config::from_json(config_json).unwrap()).await;
        let shop = Shop::start((200, "00"), &[]).await;
        let config = shop_config(&sandbox, &shop);
        checkout(&config, &order("AT000007")).await;
        let r = pay(&sandbox, "flocash", "AT000007", "pending").await;
        assert_eq!(
            r.json().unwrap()["redirect"],
            format!("{}/thanks", shop.url)
        );
        let got = shop.wait_for(2).await;
        let mut statuses: Vec<String> = got.iter().map(|n| n.field("status")).collect();
        statuses.sort();
        assert_eq!(statuses, ["0000", "0004"]);
        assert_eq!(
            got[0].field("trans_id"),
            got[1].field("trans_id"),
            "one transaction"
        );
        assert_ne!(
            got[0].field("fpn_id"),
            got[1].field("fpn_id"),
            "two notifications"
        );
        for n in &got {
            postback(&config, &n.body).await.unwrap();
        }
        let log = common::events(&sandbox).await;
        assert_eq!(
            sent_statuses(&log, "AT000007"),
            expected,
            "faults {faults:?}"
        );
        sandbox.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_checkout_form_shows_field_errors_escaped() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let url = format!("{}/ecom/ecommerce.do", sandbox.url());
    let pairs = |extra: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = [
            ("merchant", "sales@demoshop.com"),
            ("custom", "C1"),
            ("order_id", "AT000008"),
            ("item_name", "<script>alert(1)</script>"),
            ("item_price", "2.50"),
            ("currency_code", "USD"),
            ("quantity", "1"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        p.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        p
    };
    let r = post_form(&url, &pairs(&[("amount", "12.345")])).await;
    assert_eq!(r.status, 400);
    let text = r.text();
    assert!(text.contains("data-field=\"merchant_name\""), "{text}");
    assert!(text.contains("data-code=\"field_missing\""));
    assert!(text.contains("data-code=\"amount_precision\""));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!text.contains("<script>alert"), "{text}");

    // Past the value checks, the core's own rules decide (here: user_state is 2 characters).
    let r = post_form(
        &url,
        &pairs(&[
            ("merchant_name", "Demo"),
            ("amount", "2.50"),
            ("user_state", "Nairobi"),
        ]),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("data-field=\"user_state\""),
        "{}",
        r.text()
    );

    let mut other = pairs(&[("merchant_name", "Demo"), ("amount", "2.50")]);
    other[0].1 = "someone@else.example".into();
    let r = post_form(&url, &other).await;
    assert!(r.text().contains("unknown_merchant"));

    // A valid form with a misspelt extra field is accepted, with a warning on the page.
    let r = post_form(
        &url,
        &pairs(&[
            ("merchant_name", "Demo"),
            ("amount", "2.50"),
            ("colour", "red"),
        ]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = client()
        .get(&format!(
            "{}{}",
            sandbox.url(),
            r.header("location").unwrap()
        ))
        .await
        .unwrap()
        .text();
    assert!(
        page.contains("colour: not a FloCash checkout field"),
        "{page}"
    );
    assert!(page.contains("no notify_url"), "{page}");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_notify_refuses_what_it_never_sent() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let r = client()
        .post(
            &format!("{}/validateNotify.do", sandbox.url()),
            "application/x-www-form-urlencoded",
            "order_id=X&fpn_id=123&status=0000&cmd=notify-validate",
        )
        .await
        .unwrap();
    assert_eq!((r.status, r.text().as_str()), (200, "INVALID"));
    let r = pay(&sandbox, "flocash", "NOPE", "paid").await;
    assert_eq!(r.status, 404);
    sandbox.shutdown().await.unwrap();
}

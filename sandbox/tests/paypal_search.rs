//! PayPal's `TransactionSearch` against the sandbox over real HTTP, asked and read with
//! vpos-core's driver (`StatusQuery` with no `transaction_id` and `since` set): the search
//! finds a sale whose IPNs were lost, and a refund whose `RefundTransaction` reply was lost,
//! keyed as that reply and the refund's IPN key it, so the host counts it once.

mod common;

use common::{
    Shop, apply, client, deliveries, events, events_until, pay, post_form, sandbox, send,
};
use serde_json::json;
use vpos_core::driver::{self, StatusQuery};
use vpos_core::gateways::paypal;
use vpos_core::{
    Amount, Currency, ErrorCode, Event, HttpRequest, Outcome, PaymentSnapshot, PaymentStatus, Reply,
};
use vpos_sandbox::{Config, Sandbox};

fn body_text(reply: &Reply) -> String {
    match reply {
        Reply::Response { body, .. } => String::from_utf8_lossy(body).into_owned(),
        Reply::Failed { error } => panic!("no reply: {error}"),
    }
}

fn stored(order: &str) -> PaymentSnapshot {
    serde_json::from_value(
        json!({"gateway": "paypal", "merchant": "sales@demoshop.com",
        "order_id": order, "amount": {"value": "40.00", "currency": "EUR"}, "status": "pending"}),
    )
    .unwrap()
}

/// The host's query after a lost IPN: no transaction id, the payment's creation as `since`.
fn search(order: &str, since: &str) -> StatusQuery {
    serde_json::from_value(json!({"order_id": order,
        "amount": {"value": "40.00", "currency": "EUR"}, "since": since}))
    .unwrap()
}

async fn ask(config: &driver::Config, q: &StatusQuery) -> vpos_core::Result<driver::StatusReply> {
    let request = driver::status_query_request(config, q)?;
    assert!(request.body.starts_with("METHOD=TransactionSearch&"));
    driver::parse_status_reply(config, q, &send(&request).await)
}

/// The reply the `lose-replies` fault kept from the shop, from the event log.
async fn lost_reply(sandbox: &Sandbox, order: &str) -> Vec<u8> {
    let all = events(sandbox).await;
    let note = all
        .iter()
        .rev()
        .find(|e| {
            e["order"] == order
                && e["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("reply lost (lose-replies fault)"))
        })
        .unwrap_or_else(|| panic!("no lost reply for {order}: {all:?}"));
    note["response_body"].as_str().unwrap().as_bytes().to_vec()
}

/// The checkout's creation as the host stores it, `YYYYMMDDHHMMSS` UTC (from the sandbox's
/// order list, so the test does not depend on two clocks agreeing to the second).
async fn created(sandbox: &Sandbox, order: &str) -> String {
    let r = client()
        .get(&format!("{}/_sandbox/orders", sandbox.url()))
        .await
        .unwrap();
    let all = r.json().unwrap();
    let created = all["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["gateway"] == "paypal" && o["order"] == order)
        .unwrap_or_else(|| panic!("no order {order}: {all}"))["created"]
        .as_str()
        .unwrap()
        .to_string();
    created[..19].chars().filter(char::is_ascii_digit).collect()
}

/// One second later than `since` (`YYYYMMDDHHMMSS`). Carried into the minute and the hour
/// only: at 23:59:59 a start in 2100 stands in (both are after the creation).
fn one_second_after(since: &str) -> String {
    if since.ends_with("235959") {
        return "21000101000000".into();
    }
    let n: u64 = since.parse().unwrap();
    let (s, m, h) = (n % 100, n / 100 % 100, n / 10_000 % 100);
    let (s, m, h) = if s < 59 {
        (s + 1, m, h)
    } else if m < 59 {
        (0, m + 1, h)
    } else {
        (0, 0, h + 1)
    };
    format!("{}{h:02}{m:02}{s:02}", &since[..8])
}

struct Setup {
    sandbox: Sandbox,
    shop: Shop,
    config: paypal::Config,
    driver: driver::Config,
}

async fn setup(faults: &str) -> Setup {
    let sandbox = sandbox(1.0, faults, Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let mut json = json!({
        "business": "sales@demoshop.com",
        "checkout_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "ipn_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "notify_url": format!("{}/paypal/ipn", shop.url),
        "nvp": {"user": "shop_api1.demoshop.com", "password": "sandbox-password",
                "signature": "sandbox-signature", "api_url": format!("{}/nvp", sandbox.url())},
    });
    let config: paypal::Config = serde_json::from_value(json.clone()).unwrap();
    json["gateway"] = "paypal".into();
    let driver = driver::Config::from_json(&json).unwrap();
    Setup {
        sandbox,
        shop,
        config,
        driver,
    }
}

async fn checkout_and_pay(s: &Setup, invoice: &str, outcome: &str) -> String {
    let order: paypal::Order = serde_json::from_value(json!({
        "invoice": invoice, "item_name": "Tea", "amount": {"value": "40.00", "currency": "EUR"},
    }))
    .unwrap();
    let form = paypal::checkout(&s.config, &order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let paid = pay(&s.sandbox, "paypal", invoice, outcome)
        .await
        .json()
        .unwrap();
    paid["txn_id"].as_str().unwrap_or_default().to_string()
}

/// The shop's IPN handling: parse, post back, event.
async fn ipn_event(config: &paypal::Config, body: &[u8]) -> Event {
    let n = paypal::parse_notification(config, "application/x-www-form-urlencoded", body).unwrap();
    let reply = send(&paypal::postback_request(config, &n)).await;
    paypal::verify_postback(config, n, &reply).unwrap().event()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_whose_ipns_were_lost_is_found_by_its_invoice() {
    let s = setup("lose-notifications=1").await;
    let txn = checkout_and_pay(&s, "PS-1", "completed").await;
    let log = events_until(&s.sandbox, "the lost IPN", |e| {
        !deliveries(e, "PS-1").is_empty()
    })
    .await;
    for d in deliveries(&log, "PS-1") {
        assert_eq!(d["outcome"], "lost", "{d}");
    }
    assert!(s.shop.received().is_empty(), "the shop heard nothing");
    // Another invoice and a checkout never paid: not listed.
    checkout_and_pay(&s, "PS-1-other", "completed").await;
    let order: paypal::Order = serde_json::from_value(json!({
        "invoice": "PS-1-open", "item_name": "Tea", "amount": {"value": "40.00", "currency": "EUR"},
    }))
    .unwrap();
    let form = paypal::checkout(&s.config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);

    let since = created(&s.sandbox, "PS-1").await;
    let q = search("PS-1", &since);
    // The reply's shape: PayPal's L_ groups, form-encoded, ACK=Success.
    let raw = body_text(&send(&driver::status_query_request(&s.driver, &q).unwrap()).await);
    for field in [
        "L_TYPE0=Payment",
        &format!("L_TRANSACTIONID0={txn}"),
        "L_STATUS0=Completed",
        "L_AMT0=40.00",
        "L_CURRENCYCODE0=EUR",
        "ACK=Success",
    ] {
        assert!(raw.contains(field), "{field} in {raw}");
    }
    assert!(!raw.contains("L_TYPE1"), "one transaction: {raw}");

    let answer = ask(&s.driver, &q).await.unwrap();
    assert!(answer.found);
    assert_eq!(answer.events.len(), 1);
    assert_eq!(answer.events[0].key(), format!("paypal:{txn}:Completed"));
    assert_eq!(
        answer.payment_fields.transaction_id.as_deref(),
        Some(txn.as_str())
    );
    let mut payment = stored("PS-1");
    let outcome = apply(&mut payment, &answer.events[0]);
    assert_eq!(
        outcome.new_status(),
        Some(PaymentStatus::Paid),
        "{outcome:?}"
    );
    // Searching again changes nothing.
    let again = ask(&s.driver, &q).await.unwrap();
    assert_eq!(
        apply(&mut payment, &again.events[0]),
        Outcome::AlreadyApplied
    );

    // From a second after the creation: the sale is older, nothing is listed.
    let later = ask(&s.driver, &search("PS-1", &one_second_after(&since)))
        .await
        .unwrap();
    assert!(!later.found && later.events.is_empty() && later.payment_fields.is_empty());
    // An invoice the sandbox never saw, and one only opened: ACK=Success, no L_ group.
    for unknown in ["PS-none", "PS-1-open"] {
        let request = driver::status_query_request(&s.driver, &search(unknown, &since)).unwrap();
        let reply = send(&request).await;
        let raw = body_text(&reply);
        assert!(raw.contains("ACK=Success") && !raw.contains("L_"), "{raw}");
        let answer = driver::parse_status_reply(&s.driver, &search(unknown, &since), &reply);
        assert!(!answer.unwrap().found);
    }
    s.sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_whose_reply_was_lost_is_listed_and_counted_once() {
    let s = setup("lose-replies=1").await;
    let txn = checkout_and_pay(&s, "PS-2", "completed").await;
    // The sale's IPN arrives: the host has the payment paid, then the reply to its refund is
    // lost, so it searches (as its reconciliation does while an operation is pending).
    let got = s.shop.wait_for(1).await;
    let sale_ipn = ipn_event(&s.config, &got[0].body).await;
    let mut payment = stored("PS-2");
    assert_eq!(
        apply(&mut payment, &sale_ipn).new_status(),
        Some(PaymentStatus::Paid)
    );

    let eur = Currency::from_code("EUR").unwrap();
    let request = paypal::refund_transaction_request_keyed(
        &s.config,
        &txn,
        Some(Amount::parse("15.00", eur).unwrap()),
        "vpos1-refund-PS-2",
    )
    .unwrap();
    let reply = send(&request).await;
    assert_eq!(
        reply,
        Reply::Response {
            status: 504,
            body: Vec::new()
        }
    );
    let lost = Reply::Response {
        status: 200,
        body: lost_reply(&s.sandbox, "PS-2").await,
    };
    let would_have_been = paypal::refund_event(
        &s.config,
        "PS-2",
        &paypal::parse_nvp_response(&lost).unwrap(),
    )
    .unwrap()
    .into_inner();

    let since = created(&s.sandbox, "PS-2").await;
    let q = search("PS-2", &since);
    let raw = body_text(&send(&driver::status_query_request(&s.driver, &q).unwrap()).await);
    // Newest first: the refund, negative, then the sale, now partially refunded.
    for field in [
        "L_TYPE0=Refund",
        "L_AMT0=-15.00",
        "L_TYPE1=Payment",
        &format!("L_TRANSACTIONID1={txn}"),
        "L_STATUS1=Partially-Refunded",
    ] {
        assert!(raw.contains(field), "{field} in {raw}");
    }
    let answer = ask(&s.driver, &q).await.unwrap();
    assert!(answer.found);
    let keys: Vec<&str> = answer.events.iter().map(|e| e.key()).collect();
    assert_eq!(
        keys,
        [
            format!("paypal:{txn}:Completed").as_str(),
            would_have_been.key()
        ],
        "the sale first, then the refund keyed as its lost reply"
    );
    assert_eq!(
        answer.events[1].transaction_id(),
        would_have_been.transaction_id()
    );
    assert_eq!(
        apply(&mut payment, &answer.events[0]),
        Outcome::AlreadyApplied
    );
    assert!(matches!(
        apply(&mut payment, &answer.events[1]),
        Outcome::Applied { .. }
    ));
    assert_eq!(
        (payment.status, payment.refunded_minor),
        (PaymentStatus::PartiallyRefunded, 1500)
    );
    // The lost reply after all (the same MSGSUBID again), the refund's IPN, a second search:
    // the refund is counted once.
    let again = send(&request).await;
    assert_eq!(body_text(&again), body_text(&lost));
    let from_reply = paypal::refund_event(
        &s.config,
        "PS-2",
        &paypal::parse_nvp_response(&again).unwrap(),
    )
    .unwrap()
    .into_inner();
    assert_eq!(apply(&mut payment, &from_reply), Outcome::AlreadyApplied);
    let got = s.shop.wait_for(2).await;
    let refund_ipn = ipn_event(&s.config, &got[1].body).await;
    assert_eq!(refund_ipn.key(), would_have_been.key());
    assert_eq!(apply(&mut payment, &refund_ipn), Outcome::AlreadyApplied);
    for event in &ask(&s.driver, &q).await.unwrap().events {
        assert_eq!(apply(&mut payment, event), Outcome::AlreadyApplied);
    }
    assert_eq!(payment.refunded_minor, 1500);

    // The rest refunded, answered this time: three transactions, the sale Refunded.
    let rest = paypal::refund_transaction_request(
        &s.config,
        &txn,
        Some(Amount::parse("25.00", eur).unwrap()),
    )
    .unwrap();
    let answered = paypal::parse_nvp_response(&send(&rest).await).unwrap();
    let second = paypal::refund_event(&s.config, "PS-2", &answered)
        .unwrap()
        .into_inner();
    let answer = ask(&s.driver, &q).await.unwrap();
    assert_eq!(answer.events.len(), 3);
    assert!(answer.events.iter().any(|e| e.key() == second.key()));
    for event in &answer.events {
        apply(&mut payment, event);
    }
    assert_eq!(apply(&mut payment, &second), Outcome::AlreadyApplied);
    assert_eq!(
        (payment.status, payment.refunded_minor),
        (PaymentStatus::Refunded, 4000)
    );
    s.sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_date_is_required_and_checked() {
    let s = setup("").await;
    let request =
        driver::status_query_request(&s.driver, &search("PS-3", "20261125100000")).unwrap();
    assert!(
        request
            .body
            .contains("&STARTDATE=2026-11-25T10%3A00%3A00Z&")
    );
    for (body, code) in [
        (
            request
                .body
                .replace("&STARTDATE=2026-11-25T10%3A00%3A00Z", ""),
            "L_ERRORCODE0=10003",
        ),
        (
            request
                .body
                .replace("&STARTDATE=2026-11-25T10%3A00%3A00Z", "&STARTDATE="),
            "L_ERRORCODE0=10003",
        ),
        (
            request
                .body
                .replace("2026-11-25T10%3A00%3A00Z", "2026-11-25"),
            "L_ERRORCODE0=10004",
        ),
        (
            request
                .body
                .replace("2026-11-25T10%3A00%3A00Z", "2026-11-25T25%3A00%3A00Z"),
            "L_ERRORCODE0=10004",
        ),
    ] {
        let reply = send(&HttpRequest {
            body,
            ..request.clone()
        })
        .await;
        let raw = body_text(&reply);
        assert!(raw.contains("ACK=Failure") && raw.contains(code), "{raw}");
        let e = driver::parse_status_reply(&s.driver, &search("PS-3", "20261125100000"), &reply)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
    }
    // Without credentials: PayPal's 10002, before anything is searched.
    let reply = send(&HttpRequest {
        body: request
            .body
            .replace("SIGNATURE=sandbox-signature", "SIGNATURE="),
        ..request.clone()
    })
    .await;
    assert!(body_text(&reply).contains("L_ERRORCODE0=10002"));
    s.sandbox.shutdown().await.unwrap();
}

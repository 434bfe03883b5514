//! Reconciliation against the sandbox over real HTTP: a payment whose notifications the
//! `lose-notifications` fault lost, and an operation whose reply the `lose-replies` fault lost
//! (HTTP 504), are both found by the gateway's status query, asked and read with vpos-core's
//! driver (`status_query_request`, `parse_status_reply`), and applied with `transition`: the
//! payment reaches its true status, and a refund is counted once.

mod common;

use common::{
    Shop, apply, client, deliveries, events, events_until, pay, post_form, post_json, sandbox, send,
};
use serde_json::{Value, json};
use vpos_core::driver::{self, StatusQuery};
use vpos_core::gateways::{bitpay, paypal, redsys};
use vpos_core::{ErrorCode, Event, HttpRequest, Outcome, PaymentSnapshot, PaymentStatus, Reply};
use vpos_sandbox::{Config, Sandbox};

fn stored(
    gateway: &str,
    merchant: &str,
    order: &str,
    value: &str,
    currency: &str,
) -> PaymentSnapshot {
    serde_json::from_value(
        json!({"gateway": gateway, "merchant": merchant, "order_id": order,
        "amount": {"value": value, "currency": currency}, "status": "pending"}),
    )
    .unwrap()
}

fn query(order: &str, value: &str, currency: &str, txn: &str, reference: &str) -> StatusQuery {
    serde_json::from_value(json!({"order_id": order,
        "amount": {"value": value, "currency": currency},
        "transaction_id": txn, "reference": reference, "timestamp": "20261206120000"}))
    .unwrap()
}

async fn ask(config: &driver::Config, q: &StatusQuery) -> vpos_core::Result<driver::StatusReply> {
    let request = driver::status_query_request(config, q)?;
    driver::parse_status_reply(config, q, &send(&request).await)
}

async fn set_faults(sandbox: &Sandbox, faults: Value) {
    let r = post_json(&format!("{}/_sandbox/faults", sandbox.url()), &faults).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

/// The notifications of `order`: lost by the fault, none sent.
fn assert_lost(events: &[Value], order: &str) {
    let attempts = deliveries(events, order);
    assert!(!attempts.is_empty(), "no delivery logged for {order}");
    for d in attempts {
        assert_eq!(d["outcome"], "lost", "{d}");
        assert!(d.get("attempt").is_none(), "never attempted: {d}");
    }
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

// ---------------------------------------------------------------------------------------
// Redsys
// ---------------------------------------------------------------------------------------

fn redsys_json(sandbox: &Sandbox, shop: &Shop) -> Value {
    json!({
        "merchant_code": "999008881",
        "terminal": "1",
        "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
        "checkout_url": format!("{}/sis/realizarPago", sandbox.url()),
        "rest_url": format!("{}/sis/rest/trataPeticionREST", sandbox.url()),
        "query_url": format!("{}/apl02/services/SerClsWSConsulta", sandbox.url()),
        "merchant_url": format!("{}/redsys/notify", shop.url),
        "url_ok": format!("{}/ok", shop.url),
        "url_ko": format!("{}/ko", shop.url),
    })
}

async fn redsys_checkout(config: &redsys::Config, number: &str, value: &str, preauth: bool) {
    let order: redsys::Order = serde_json::from_value(json!({
        "order": number,
        "amount": { "value": value, "currency": "EUR" },
        "transaction_type": if preauth { "preauthorization" } else { "authorization" },
    }))
    .unwrap();
    let form = redsys::checkout(config, &order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
}

async fn redsys_operation(config: &redsys::Config, kind: &str, number: &str, value: &str) -> Reply {
    let operation: redsys::Operation = serde_json::from_value(json!({
        "kind": kind, "order": number, "amount": { "value": value, "currency": "EUR" }
    }))
    .unwrap();
    send(&redsys::operation_request(config, &operation).unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redsys_lost_notification_and_lost_refund_reply_are_found_by_the_query() {
    let sandbox = sandbox(1.0, "lose-notifications=1", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let mut json = redsys_json(&sandbox, &shop);
    let config: redsys::Config = serde_json::from_value(json.clone()).unwrap();
    json["gateway"] = "redsys".into();
    let driver_config = driver::Config::from_json(&json).unwrap();
    assert!(driver::supports_status_query(
        vpos_core::gateways::Gateway::Redsys
    ));

    redsys_checkout(&config, "2001QrY", "30.00", false).await;
    assert_eq!(
        pay(&sandbox, "redsys", "2001QrY", "authorised")
            .await
            .status,
        200
    );
    let log = events_until(&sandbox, "the lost notification", |e| {
        !deliveries(e, "2001QrY").is_empty()
    })
    .await;
    assert_lost(&log, "2001QrY");
    assert!(shop.received().is_empty(), "the shop heard nothing");

    // The query reports the sale: the payment moves to paid.
    let q = query("2001QrY", "30.00", "EUR", "", "");
    let answer = ask(&driver_config, &q).await.unwrap();
    assert!(answer.found);
    assert_eq!(answer.events.len(), 1);
    assert!(answer.payment_fields.authorisation_code.is_some());
    let mut payment = stored("redsys", "999008881", "2001QrY", "30.00", "EUR");
    let outcome = apply(&mut payment, &answer.events[0]);
    assert_eq!(
        outcome.new_status(),
        Some(PaymentStatus::Paid),
        "{outcome:?}"
    );

    // A refund whose reply is lost: 504, empty body, so the host learns nothing...
    set_faults(&sandbox, json!({"lose_replies": 1})).await;
    let reply = redsys_operation(&config, "refund", "2001QrY", "12.50").await;
    assert_eq!(
        reply,
        Reply::Response {
            status: 504,
            body: Vec::new()
        }
    );
    let e = redsys::parse_operation_response(&config, &reply).unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
    // ... yet the refund was made, and the query reports it, keyed as its reply would be.
    let answer = ask(&driver_config, &q).await.unwrap();
    assert_eq!(answer.events.len(), 2);
    assert_eq!(answer.events[0].key(), payment.applied_event_keys[0]);
    let would_have_been = redsys::parse_operation_response(
        &config,
        &Reply::Response {
            status: 200,
            body: lost_reply(&sandbox, "2001QrY").await,
        },
    )
    .expect("the lost reply verifies")
    .event();
    assert_eq!(answer.events[1].key(), would_have_been.key());
    for event in &answer.events {
        apply(&mut payment, event);
    }
    assert_eq!(
        (payment.status, payment.refunded_minor),
        (PaymentStatus::PartiallyRefunded, 1250)
    );
    // Asked again, or told by the reply after all: counted once.
    for event in ask(&driver_config, &q).await.unwrap().events.iter() {
        assert_eq!(apply(&mut payment, event), Outcome::AlreadyApplied);
    }
    assert_eq!(
        apply(&mut payment, &would_have_been),
        Outcome::AlreadyApplied
    );
    assert_eq!(payment.refunded_minor, 1250);

    // A second refund answered normally: the query keys it as its reply.
    let reply = redsys_operation(&config, "refund", "2001QrY", "2.50").await;
    let answered = redsys::parse_operation_response(&config, &reply)
        .unwrap()
        .event();
    let answer = ask(&driver_config, &q).await.unwrap();
    assert_eq!(answer.events.len(), 3);
    assert_eq!(answer.events[2].key(), answered.key());
    assert!(matches!(
        apply(&mut payment, &answered),
        Outcome::Applied { .. }
    ));
    for event in &answer.events {
        assert_eq!(apply(&mut payment, event), Outcome::AlreadyApplied);
    }
    assert_eq!(payment.refunded_minor, 1500);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redsys_lost_confirmation_reply_and_the_preauthorisation() {
    let sandbox = sandbox(1.0, "lose-replies=1", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let mut json = redsys_json(&sandbox, &shop);
    let config: redsys::Config = serde_json::from_value(json.clone()).unwrap();
    json["gateway"] = "redsys".into();
    let driver_config = driver::Config::from_json(&json).unwrap();

    redsys_checkout(&config, "2002PrE", "80.00", true).await;
    assert_eq!(
        pay(&sandbox, "redsys", "2002PrE", "authorised")
            .await
            .status,
        200
    );
    let got = shop.wait_for(1).await;
    let notified = redsys::verify(
        &config,
        redsys::parse_notification(&config, &got[0].content_type, &got[0].body).unwrap(),
    )
    .unwrap()
    .event();
    let reply = redsys_operation(&config, "confirm", "2002PrE", "80.00").await;
    assert_eq!(
        reply,
        Reply::Response {
            status: 504,
            body: Vec::new()
        }
    );
    let q = query("2002PrE", "80.00", "EUR", "", "");
    let answer = ask(&driver_config, &q).await.unwrap();
    let keys: Vec<&str> = answer.events.iter().map(|e| e.key()).collect();
    assert_eq!(keys.len(), 2);
    // The pre-authorisation is the notification's own event; the confirmation its reply's.
    assert_eq!(keys[0], notified.key());
    let confirmation = redsys::parse_operation_response(
        &config,
        &Reply::Response {
            status: 200,
            body: lost_reply(&sandbox, "2002PrE").await,
        },
    )
    .unwrap()
    .event();
    assert_eq!(keys[1], confirmation.key());
    let mut payment = stored("redsys", "999008881", "2002PrE", "80.00", "EUR");
    assert_eq!(
        apply(&mut payment, &notified).new_status(),
        Some(PaymentStatus::Authorized)
    );
    for event in &answer.events {
        apply(&mut payment, event);
    }
    assert_eq!(payment.status, PaymentStatus::Paid);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redsys_query_unknown_order_bad_signature_and_other_terminal() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let mut json = redsys_json(&sandbox, &shop);
    json["gateway"] = "redsys".into();
    let driver_config = driver::Config::from_json(&json).unwrap();
    let q = query("2003NoNe", "1.00", "EUR", "", "");
    let answer = ask(&driver_config, &q).await.unwrap();
    assert!(!answer.found && answer.events.is_empty());

    // An order whose page was opened but never paid has no operation yet.
    let config: redsys::Config = serde_json::from_value(redsys_json(&sandbox, &shop)).unwrap();
    redsys_checkout(&config, "2003OpEn", "1.00", false).await;
    let answer = ask(&driver_config, &query("2003OpEn", "1.00", "EUR", "", "")).await;
    assert!(!answer.unwrap().found);

    // A tampered signature is Redsys's XML0023, which the core reads as gateway_error.
    let request = driver::status_query_request(&driver_config, &q).unwrap();
    // The same request with cadenaXML escaped instead of in CDATA (as some clients send it)
    // is read the same.
    let start = request.body.find("<![CDATA[").unwrap();
    let end = request.body.find("]]>").unwrap() + 3;
    let inner = &request.body[start + 9..end - 3];
    let escaped = inner
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let mut plain = request.clone();
    plain.body.replace_range(start..end, &escaped);
    let answer = driver::parse_status_reply(&driver_config, &q, &send(&plain).await).unwrap();
    assert!(!answer.found, "read, signature accepted: XML0024");
    let start = request.body.find("<Signature>").unwrap() + "<Signature>".len();
    let mut tampered = request.clone();
    let first = if &request.body[start..start + 1] == "A" {
        "B"
    } else {
        "A"
    };
    tampered.body.replace_range(start..start + 1, first);
    let e = driver::parse_status_reply(&driver_config, &q, &send(&tampered).await).unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError);
    assert!(e.message().contains("XML0023"), "{}", e.message());

    // Another terminal signs with a key the sandbox does not hold.
    json["terminal"] = "2".into();
    let other = driver::Config::from_json(&json).unwrap();
    let e = ask(&other, &q).await.unwrap_err();
    assert!(e.message().contains("XML0023"), "{}", e.message());

    // Not a SOAP request at all: a SOAP Fault (HTTP 500), which the core reads as unavailable.
    let e = driver::parse_status_reply(
        &driver_config,
        &q,
        &send(&HttpRequest {
            body: "hello".into(),
            ..request
        })
        .await,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
    sandbox.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// PayPal
// ---------------------------------------------------------------------------------------

fn paypal_json(sandbox: &Sandbox, shop: &Shop) -> Value {
    json!({
        "business": "sales@demoshop.com",
        "checkout_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "ipn_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "notify_url": format!("{}/paypal/ipn", shop.url),
        "nvp": {"user": "shop_api1.demoshop.com", "password": "sandbox-password",
                "signature": "sandbox-signature", "api_url": format!("{}/nvp", sandbox.url())},
    })
}

async fn paypal_checkout(config: &paypal::Config, invoice: &str) {
    let order: paypal::Order = serde_json::from_value(json!({
        "invoice": invoice, "item_name": "Tea", "amount": {"value": "40.00", "currency": "EUR"},
    }))
    .unwrap();
    let form = paypal::checkout(config, &order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
}

/// The shop's IPN handling: parse, post back, event.
async fn ipn_event(config: &paypal::Config, body: &[u8]) -> Event {
    let n = paypal::parse_notification(config, "application/x-www-form-urlencoded", body).unwrap();
    let reply = send(&paypal::postback_request(config, &n)).await;
    paypal::verify_postback(config, n, &reply).unwrap().event()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypal_lost_ipn_and_lost_refund_reply() {
    let sandbox = sandbox(1.0, "lose-notifications=1", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let mut json = paypal_json(&sandbox, &shop);
    let config: paypal::Config = serde_json::from_value(json.clone()).unwrap();
    json["gateway"] = "paypal".into();
    let driver_config = driver::Config::from_json(&json).unwrap();

    paypal_checkout(&config, "PP-1").await;
    let paid = pay(&sandbox, "paypal", "PP-1", "completed")
        .await
        .json()
        .unwrap();
    // The sale's id: what PayPal's return (PDT `tx`) gives the shop when no IPN came.
    let txn = paid["txn_id"].as_str().unwrap().to_string();
    let log = events_until(&sandbox, "the lost IPN", |e| {
        !deliveries(e, "PP-1").is_empty()
    })
    .await;
    assert_lost(&log, "PP-1");

    let q = query("PP-1", "40.00", "EUR", &txn, "");
    let answer = ask(&driver_config, &q).await.unwrap();
    assert!(answer.found);
    assert_eq!(
        answer.payment_fields.transaction_id.as_deref(),
        Some(txn.as_str())
    );
    let mut payment = stored("paypal", "sales@demoshop.com", "PP-1", "40.00", "EUR");
    let outcome = apply(&mut payment, &answer.events[0]);
    assert_eq!(
        outcome.new_status(),
        Some(PaymentStatus::Paid),
        "{outcome:?}"
    );
    assert_eq!(answer.events[0].key(), format!("paypal:{txn}:Completed"));

    // The refund's reply is lost; the refund happened.
    set_faults(&sandbox, json!({"lose_replies": 1})).await;
    let amount =
        vpos_core::Amount::parse("15.00", vpos_core::Currency::from_code("EUR").unwrap()).unwrap();
    let request =
        paypal::refund_transaction_request_keyed(&config, &txn, Some(amount), "vpos1-refund-1")
            .unwrap();
    let reply = send(&request).await;
    assert_eq!(
        reply,
        Reply::Response {
            status: 504,
            body: Vec::new()
        }
    );
    assert_eq!(
        paypal::parse_nvp_response(&reply).unwrap_err().code(),
        ErrorCode::GatewayUnavailable
    );
    // GetTransactionDetails says Partially-Refunded; the query reports only the sale's
    // completion (already applied), never a refund it cannot key.
    let details = send(&driver::status_query_request(&driver_config, &q).unwrap()).await;
    let Reply::Response { body, .. } = &details else {
        panic!()
    };
    assert!(
        String::from_utf8_lossy(body).contains("PAYMENTSTATUS=Partially-Refunded"),
        "{}",
        String::from_utf8_lossy(body)
    );
    let answer = driver::parse_status_reply(&driver_config, &q, &details).unwrap();
    assert_eq!(answer.events.len(), 1);
    assert_eq!(
        apply(&mut payment, &answer.events[0]),
        Outcome::AlreadyApplied
    );

    // The same request again (same MSGSUBID) gets the first answer: the reply that was lost.
    let again = send(&request).await;
    let Reply::Response { status: 200, body } = &again else {
        panic!("{again:?}")
    };
    assert_eq!(*body, lost_reply(&sandbox, "PP-1").await);
    let nvp = paypal::parse_nvp_response(&again).unwrap();
    let refund = paypal::refund_event(&config, "PP-1", &nvp).unwrap();
    assert!(matches!(
        apply(&mut payment, &refund),
        Outcome::Applied { .. }
    ));
    assert_eq!(
        (payment.status, payment.refunded_minor),
        (PaymentStatus::PartiallyRefunded, 1500)
    );
    // The refund's own IPN came too (the fault lost only the sale's): the same key.
    let got = shop.wait_for(1).await;
    let ipn = ipn_event(&config, &got[0].body).await;
    assert_eq!(ipn.key(), refund.key());
    assert_eq!(apply(&mut payment, &ipn), Outcome::AlreadyApplied);
    assert_eq!(payment.refunded_minor, 1500);

    // The rest, in full: Refunded.
    let rest = paypal::refund_transaction_request(
        &config,
        &txn,
        Some(vpos_core::Amount::parse("25.00", amount.currency()).unwrap()),
    )
    .unwrap();
    assert!(paypal::parse_nvp_response(&send(&rest).await).is_ok());
    let details = send(&driver::status_query_request(&driver_config, &q).unwrap()).await;
    let Reply::Response { body, .. } = &details else {
        panic!()
    };
    assert!(String::from_utf8_lossy(body).contains("PAYMENTSTATUS=Refunded"));
    // Nothing left: PayPal refuses.
    let e = paypal::parse_nvp_response(&send(&rest).await).unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypal_unknown_transaction_pending_and_denied() {
    let mut options = Config::default();
    // Completed 600 s of PayPal time (0.6 s) after Pending: the first query sees Pending.
    options.paypal.pending_seconds = 600;
    let sandbox = sandbox(1000.0, "lose-notifications=2", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let mut json = paypal_json(&sandbox, &shop);
    let config: paypal::Config = serde_json::from_value(json.clone()).unwrap();
    json["gateway"] = "paypal".into();
    let driver_config = driver::Config::from_json(&json).unwrap();

    let answer = ask(
        &driver_config,
        &query("PP-X", "1.00", "EUR", "0UNKNOWN0000000", ""),
    )
    .await;
    assert!(!answer.unwrap().found);

    paypal_checkout(&config, "PP-2").await;
    let paid = pay(&sandbox, "paypal", "PP-2", "denied")
        .await
        .json()
        .unwrap();
    let q = query("PP-2", "40.00", "EUR", paid["txn_id"].as_str().unwrap(), "");
    let answer = ask(&driver_config, &q).await.unwrap();
    let mut payment = stored("paypal", "sales@demoshop.com", "PP-2", "40.00", "EUR");
    assert_eq!(
        apply(&mut payment, &answer.events[0]).new_status(),
        Some(PaymentStatus::Failed)
    );

    // Pending, completed later; both IPNs lost.
    paypal_checkout(&config, "PP-3").await;
    let paid = pay(&sandbox, "paypal", "PP-3", "pending")
        .await
        .json()
        .unwrap();
    let q = query("PP-3", "40.00", "EUR", paid["txn_id"].as_str().unwrap(), "");
    let first = ask(&driver_config, &q).await.unwrap();
    let mut payment = stored("paypal", "sales@demoshop.com", "PP-3", "40.00", "EUR");
    assert!(apply(&mut payment, &first.events[0]).is_acknowledged());
    let log = events_until(&sandbox, "both IPNs lost", |e| {
        deliveries(e, "PP-3").len() == 2
    })
    .await;
    assert_lost(&log, "PP-3");
    let later = ask(&driver_config, &q).await.unwrap();
    assert_eq!(later.events[0].status_code(), "Completed");
    assert_eq!(
        apply(&mut payment, &later.events[0]).new_status(),
        Some(PaymentStatus::Paid)
    );
    assert!(shop.received().is_empty());

    // Bad credentials are PayPal's 10002.
    let mut request = driver::status_query_request(&driver_config, &q).unwrap();
    request.body = request
        .body
        .replace("SIGNATURE=sandbox-signature", "SIGNATURE=");
    let e = driver::parse_status_reply(&driver_config, &q, &send(&request).await).unwrap_err();
    assert!(e.message().contains("10002"), "{}", e.message());
    sandbox.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Bitpay and FloCash: their existing answers tell the truth after a lost notification
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bitpay_invoice_fetch_after_lost_notifications() {
    let mut options = Config::default();
    options.bitpay.confirm_seconds = 60;
    let sandbox = sandbox(1000.0, "lose-notifications=1", options).await;
    let shop = Shop::start((200, ""), &[]).await;
    let json = json!({
        "gateway": "bitpay",
        "api_key": vpos_sandbox::config::BITPAY_TEST_KEY,
        "api_url": format!("{}/invoices", sandbox.url()),
        "invoice_url": format!("{}/invoice", sandbox.url()),
        "notification_url": format!("{}/bitpay/notify", shop.url),
    });
    let config: bitpay::Config = {
        let mut j = json.clone();
        j.as_object_mut().unwrap().remove("gateway");
        serde_json::from_value(j).unwrap()
    };
    let driver_config = driver::Config::from_json(&json).unwrap();
    let request: bitpay::InvoiceRequest = serde_json::from_value(json!({
        "price": {"value": "49.99", "currency": "USD"}, "order_id": "BP-1", "item_desc": "Credit",
        "redirect_url": "http://127.0.0.1:9/back",
    }))
    .unwrap();
    let invoice = bitpay::parse_invoice_response(
        &send(&bitpay::invoice_request(&config, &request).unwrap()).await,
    )
    .unwrap();
    assert_eq!(
        pay(&sandbox, "bitpay", &invoice.id, "paid").await.status,
        200
    );
    // paid, then confirmed: both lost.
    let log = events_until(&sandbox, "both notifications lost", |e| {
        deliveries(e, &invoice.id).len() == 2
    })
    .await;
    assert_lost(&log, &invoice.id);
    assert!(shop.received().is_empty());

    let q = query("BP-1", "49.99", "USD", "", &invoice.id);
    let answer = ask(&driver_config, &q).await.unwrap();
    assert_eq!(
        answer.events[0].key(),
        format!("bitpay:{}:confirmed", invoice.id)
    );
    let mut payment = stored("bitpay", "", "BP-1", "49.99", "USD");
    payment.merchant = answer.events[0].merchant().to_string();
    let outcome = apply(&mut payment, &answer.events[0]);
    assert_eq!(
        outcome.new_status(),
        Some(PaymentStatus::Paid),
        "{outcome:?}"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flocash_poll_after_a_lost_notification() {
    use vpos_core::gateways::flocash::{self, PollConfig};
    let sandbox = sandbox(1.0, "lose-notifications=1", Config::default()).await;
    let shop = Shop::start((200, "00"), &[]).await;
    let config: flocash::Config = serde_json::from_value(json!({
        "merchant": "sales@demoshop.com",
        "merchant_name": "Demo Shop",
        "checkout_url": format!("{}/ecom/ecommerce.do", sandbox.url()),
        "base_url": sandbox.url(),
        "notification_token": "test-token-123456",
        "notify_url": format!("{}/flocash/notify/test-token-123456/", shop.url),
    }))
    .unwrap();
    let usd = vpos_core::Currency::from_code("USD").unwrap();
    let order = flocash::Order::new(
        "AT000077",
        "C1",
        "Call Credit",
        vpos_core::Amount::parse("2.50", usd).unwrap(),
        2,
    )
    .unwrap();
    let form = flocash::checkout(&config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    assert_eq!(
        pay(&sandbox, "flocash", "AT000077", "paid").await.status,
        200
    );
    let log = events_until(&sandbox, "the lost notification", |e| {
        !deliveries(e, "AT000077").is_empty()
    })
    .await;
    assert_lost(&log, "AT000077");

    let polling: PollConfig = serde_json::from_value(json!({
        "api_username": "shop-api",
        "api_password": "sandbox-password",
        "namespace": "http://sandbox.vpos.invalid/flocash/APIMerchantService",
        "success_codes": ["0000"],
        "endpoint": format!("{}/FloCMS/services/APIMerchantService", sandbox.url()),
    }))
    .unwrap();
    let from = "2000-01-01T00:00:00Z".parse().unwrap();
    let to = "2100-01-01T00:00:00Z".parse().unwrap();
    let request = flocash::poll_by_time_request(&polling, &from, &to).unwrap();
    let polled = flocash::parse_poll_response(&polling, &send(&request).await).unwrap();
    assert_eq!(polled.payments.len(), 1);
    let mut payment = stored("flocash", "sales@demoshop.com", "AT000077", "5.00", "USD");
    let outcome = apply(&mut payment, &polled.events()[0]);
    assert_eq!(
        outcome.new_status(),
        Some(PaymentStatus::Paid),
        "{outcome:?}"
    );
    assert!(shop.received().is_empty());
    sandbox.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Elavon: a lost Remote reply (Elavon has no status query in vpos; the settle happened)
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elavon_lost_settle_reply_was_carried_out() {
    use vpos_core::gateways::elavon::{self, RemoteKind, RemoteOperation};
    let sandbox = sandbox(1.0, "lose-replies=1", Config::default()).await;
    let config: elavon::Config = serde_json::from_value(json!({
        "merchant_id": "thestore", "account": "internet", "secret": "mysecret",
        "rebate_password": "rebate",
        "checkout_url": format!("{}/pay", sandbox.url()),
        "remote_url": format!("{}/remote", sandbox.url()),
        "response_url": "http://127.0.0.1:9/elavon/response",
        "currency": "EUR", "auto_settle": false,
    }))
    .unwrap();
    let order: elavon::Order = serde_json::from_value(json!({
        "order_id": "EL-1", "amount": {"minor": 29900, "currency": "EUR"},
        "timestamp": "20240101120000",
    }))
    .unwrap();
    let form = elavon::checkout(&config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    let paid = pay(&sandbox, "elavon", "EL-1", "authorised")
        .await
        .json()
        .unwrap();
    let pasref = paid["response"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == "PASREF")
        .unwrap()[1]
        .as_str()
        .unwrap()
        .to_string();
    let op: RemoteOperation = serde_json::from_value(json!({
        "kind": RemoteKind::Settle, "order_id": "EL-1", "pasref": pasref,
        "amount": {"minor": 29900, "currency": "EUR"}, "timestamp": "20240101120500",
    }))
    .unwrap();
    let request = elavon::remote_request(&config, &op).unwrap();
    let reply = send(&request).await;
    assert_eq!(
        reply,
        Reply::Response {
            status: 504,
            body: Vec::new()
        }
    );
    assert_eq!(
        elavon::parse_remote_response(&config, &op, &reply)
            .unwrap_err()
            .code(),
        ErrorCode::GatewayUnavailable
    );
    // The reply that was lost says settled; asking again is refused: settled once already.
    let lost = Reply::Response {
        status: 200,
        body: lost_reply(&sandbox, "EL-1").await,
    };
    let settled = elavon::parse_remote_response(&config, &op, &lost).unwrap();
    assert_eq!(settled.status(), &vpos_core::Reported::Succeeded);
    let again = elavon::parse_remote_response(&config, &op, &send(&request).await);
    assert_eq!(again.unwrap_err().code(), ErrorCode::GatewayError);
    sandbox.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// The fault switches
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_listed_and_counted() {
    let sandbox = sandbox(
        1.0,
        "lose-replies=2,lose-notifications=3",
        Config::default(),
    )
    .await;
    let r = client()
        .get(&format!("{}/_sandbox/faults", sandbox.url()))
        .await
        .unwrap();
    let v = r.json().unwrap();
    assert_eq!(v["faults"]["lose_replies"], 2);
    assert_eq!(v["faults"]["lose_notifications"], 3);
    assert_eq!(v["lost_replies_left"], 2);
    assert_eq!(v["lost_notifications_left"], 3);
    let r = post_json(
        &format!("{}/_sandbox/faults", sandbox.url()),
        &json!({"lose_replies": 1001}),
    )
    .await;
    assert_eq!(r.status, 400);
    let html = client()
        .get(&format!("{}/_sandbox/", sandbox.url()))
        .await
        .unwrap()
        .text();
    assert!(
        html.contains("lose_replies"),
        "the dashboard lists the faults"
    );
    sandbox.shutdown().await.unwrap();
}

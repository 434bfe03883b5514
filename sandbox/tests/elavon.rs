//! Santander Elavon over real HTTP on 127.0.0.1: the HPP form built by vpos-core, the signed
//! response verified by vpos-core, Remote settle/void/rebate built and verified by vpos-core.

mod common;

use common::{client, order_row, pay, post_form, sandbox};
use vpos_core::gateways::elavon::{self, RemoteKind, RemoteOperation};
use vpos_core::{Action, ErrorCode, Reply, Reported};
use vpos_sandbox::{Config, Sandbox};

fn shop_config(sandbox: &Sandbox, auto_settle: bool) -> elavon::Config {
    serde_json::from_value(serde_json::json!({
        "merchant_id": "thestore", "account": "internet", "secret": "mysecret",
        "rebate_password": "rebate",
        "checkout_url": format!("{}/pay", sandbox.url()),
        "remote_url": format!("{}/remote", sandbox.url()),
        "response_url": "http://127.0.0.1:9/elavon/response",
        "currency": "EUR", "auto_settle": auto_settle,
    }))
    .unwrap()
}

async fn checkout(config: &elavon::Config, order_id: &str) {
    let order: elavon::Order = serde_json::from_value(serde_json::json!({
        "order_id": order_id, "amount": {"minor": 29900, "currency": "EUR"},
        "timestamp": "20240101120000",
    }))
    .unwrap();
    let form = elavon::checkout(config, &order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some(format!("/pay/{order_id}").as_str())
    );
}

/// The response the browser posts, as the shop reads it with vpos-core.
fn response(
    config: &elavon::Config,
    paid: &serde_json::Value,
) -> Result<vpos_core::Verified<elavon::Notification>, vpos_core::Error> {
    let pairs: Vec<(String, String)> = paid["response"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let body =
        vpos_core::form::encode_urlencoded(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let n =
        elavon::parse_notification(config, "application/x-www-form-urlencoded", body.as_bytes())?;
    elavon::verify(config, n)
}

async fn remote(
    config: &elavon::Config,
    kind: RemoteKind,
    order_id: &str,
    pasref: &str,
    minor: i64,
) -> Result<vpos_core::Verified<vpos_core::Event>, vpos_core::Error> {
    let op: RemoteOperation = serde_json::from_value(serde_json::json!({
        "kind": kind, "order_id": order_id, "pasref": pasref,
        "amount": {"minor": minor, "currency": "EUR"}, "timestamp": "20240101120500",
    }))
    .unwrap();
    let request = elavon::remote_request(config, &op).unwrap();
    let r = client()
        .post(&request.url, "application/xml", request.body)
        .await
        .unwrap();
    elavon::parse_remote_response(
        config,
        &op,
        &Reply::Response {
            status: r.status,
            body: r.body,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_settled_payment_is_paid_and_the_browser_form_posts_the_signed_response() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let config = shop_config(&sandbox, true);
    checkout(&config, "ORD-1").await;
    let page = client()
        .get(&format!("{}/pay/ORD-1", sandbox.url()))
        .await
        .unwrap()
        .text();
    assert!(
        page.contains("299.00 EUR") && page.contains("automatic"),
        "{page}"
    );
    // The click answers the auto-submitting form to MERCHANT_RESPONSE_URL.
    let r = post_form(
        &format!("{}/pay/ORD-1", sandbox.url()),
        &[("outcome".into(), "authorised".into())],
    )
    .await;
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(
        html.contains("action=\"http://127.0.0.1:9/elavon/response\"")
            && html.contains("name=\"SHA1HASH\""),
        "{html}"
    );
    let o = order_row(&sandbox, "gateway", "elavon").await;
    assert_eq!(o["status"], "settled");
    // An HPP v1 form: SHA1HASH, no HPP_VERSION nor e-mail.
    assert_eq!(o["hash_field"], "SHA1HASH");
    assert_eq!(o["hpp_version"], serde_json::Value::Null);
    assert_eq!(o["customer_email"], serde_json::Value::Null);

    checkout(&config, "ORD-2").await;
    let paid = pay(&sandbox, "elavon", "ORD-2", "authorised")
        .await
        .json()
        .unwrap();
    let verified = response(&config, &paid).expect("SHA1HASH verifies with vpos-core");
    let event = verified.event();
    assert_eq!(*event.status(), Reported::Succeeded);
    assert_eq!(event.amount().minor(), 29900);
    // Tampered RESULT: refused.
    let mut bad = paid.clone();
    for p in bad["response"].as_array_mut().unwrap() {
        if p[0] == "MESSAGE" {
            p[1] = "changed".into();
        }
    }
    assert_eq!(
        response(&config, &bad).unwrap_err().code(),
        ErrorCode::SignatureMismatch
    );

    let declined = {
        checkout(&config, "ORD-3").await;
        pay(&sandbox, "elavon", "ORD-3", "declined")
            .await
            .json()
            .unwrap()
    };
    assert_eq!(
        *response(&config, &declined).unwrap().event().status(),
        Reported::Failed
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sha256_checkout_with_cardholder_data_is_answered_with_sha256hash() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let sha1 = shop_config(&sandbox, true);
    let mut config = sha1.clone();
    config.hash_algorithm = elavon::HashAlgorithm::Sha256;
    let order: elavon::Order = serde_json::from_value(serde_json::json!({
        "order_id": "ORD-256", "amount": {"minor": 29900, "currency": "EUR"},
        "timestamp": "20240101120000",
        "cardholder": {"email": "ana@example.com",
            "billing": {"line1": "Flat 123", "city": "Halifax", "postal_code": "W5 9HR",
                        "country": "GB"},
            "challenge": "no_preference"},
    }))
    .unwrap();
    let form = elavon::checkout(&config, &order).unwrap();
    let has = |name: &str| form.fields.iter().any(|(k, _)| k == name);
    assert!(has("SHA256HASH") && !has("SHA1HASH") && has("HPP_VERSION"));
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let paid = pay(&sandbox, "elavon", "ORD-256", "authorised")
        .await
        .json()
        .unwrap();
    let names: Vec<&str> = paid["response"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"SHA256HASH") && !names.contains(&"SHA1HASH"),
        "{names:?}"
    );
    let verified = response(&config, &paid).expect("SHA256HASH verifies with vpos-core");
    assert_eq!(*verified.event().status(), Reported::Succeeded);
    // What the sandbox received, as a shop's e2e reads it back.
    let o = order_row(&sandbox, "order", "ORD-256").await;
    assert_eq!(o["hash_field"], "SHA256HASH");
    assert_eq!(o["hpp_version"], "2");
    assert_eq!(o["customer_email"], "ana@example.com");
    // A sha1 shop finds no SHA1HASH in it.
    assert_eq!(
        response(&sha1, &paid).unwrap_err().code(),
        ErrorCode::SignatureMismatch
    );

    // A SHA256HASH that does not match the fields is refused.
    let mut fields = elavon::checkout(
        &config,
        &serde_json::from_value(serde_json::json!({
            "order_id": "ORD-257", "amount": {"minor": 100, "currency": "EUR"},
            "timestamp": "20240101120000"}))
        .unwrap(),
    )
    .unwrap()
    .fields;
    for (k, v) in &mut fields {
        if k == "SHA256HASH" {
            *v = "0".repeat(64);
        }
    }
    let r = post_form(&form.action, &fields).await;
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("SHA256HASH does not match"),
        "{}",
        r.text()
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_settle_rebate_and_void_answer_hashed_replies() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let config = shop_config(&sandbox, false);
    checkout(&config, "ORD-4").await;
    let paid = pay(&sandbox, "elavon", "ORD-4", "authorised")
        .await
        .json()
        .unwrap();
    let n = response(&config, &paid).unwrap();
    assert_eq!(*n.event().status(), Reported::Authorized);
    let pasref = n.pasref.clone();

    assert_eq!(
        remote(&config, RemoteKind::Rebate, "ORD-4", &pasref, 100)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::GatewayError,
        "nothing settled yet"
    );
    let settled = remote(&config, RemoteKind::Settle, "ORD-4", &pasref, 29900)
        .await
        .expect("settle");
    assert_eq!(settled.action(), Action::Sale);
    assert_eq!(*settled.status(), Reported::Succeeded);
    let e = remote(&config, RemoteKind::Settle, "ORD-4", &pasref, 29900)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError, "settled once");
    remote(&config, RemoteKind::Rebate, "ORD-4", &pasref, 20000)
        .await
        .expect("partial rebate");
    let e = remote(&config, RemoteKind::Rebate, "ORD-4", &pasref, 10000)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError, "beyond what is left");
    remote(&config, RemoteKind::Rebate, "ORD-4", &pasref, 9900)
        .await
        .expect("the rest");
    checkout(&config, "ORD-5").await;
    let paid = pay(&sandbox, "elavon", "ORD-5", "authorised")
        .await
        .json()
        .unwrap();
    let pasref5 = response(&config, &paid).unwrap().pasref.clone();
    let voided = remote(&config, RemoteKind::Void, "ORD-5", &pasref5, 29900)
        .await
        .expect("void");
    assert_eq!(voided.action(), Action::Cancel);
    // A request hashed with another secret is refused with a hashed 505 reply.
    let mut other = config.clone();
    other.secret = vpos_core::Secret::new("othersecret");
    let op: RemoteOperation = serde_json::from_value(serde_json::json!({
        "kind": "settle", "order_id": "ORD-5", "pasref": pasref5,
        "amount": {"minor": 1, "currency": "EUR"}, "timestamp": "20240101120500"}))
    .unwrap();
    let request = elavon::remote_request(&other, &op).unwrap();
    let r = client()
        .post(&request.url, "application/xml", request.body)
        .await
        .unwrap();
    assert!(r.text().contains("<result>505</result>"), "{}", r.text());
    let e = elavon::parse_remote_response(
        &config,
        &op,
        &Reply::Response {
            status: r.status,
            body: r.body,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError);
    sandbox.shutdown().await.unwrap();
}

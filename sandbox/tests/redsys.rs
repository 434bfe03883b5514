//! Redsys end to end over real HTTP on 127.0.0.1: a shop built with vpos-core against the
//! sandbox. Every signature the sandbox makes is checked with vpos-core's verifier here, and
//! (in the unit tests) the signer itself against Redsys's real notification R3.

mod common;

use common::{Shop, client, pay, post_form, sandbox};
use vpos_core::gateways::redsys::{self, Operation, Order, SignatureVersion};
use vpos_core::{Action, ErrorCode, Reply, Reported};
use vpos_sandbox::{Config, Sandbox};

fn shop_config(sandbox: &Sandbox, shop: &Shop, version: SignatureVersion) -> redsys::Config {
    serde_json::from_value(serde_json::json!({
        "merchant_code": "999008881",
        "terminal": "1",
        "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
        "signature_version": version,
        "checkout_url": format!("{}/sis/realizarPago", sandbox.url()),
        "rest_url": format!("{}/sis/rest/trataPeticionREST", sandbox.url()),
        "merchant_url": format!("{}/redsys/notify", shop.url),
        "url_ok": format!("{}/ok", shop.url),
        "url_ko": format!("{}/ko", shop.url),
        "merchant_name": "Demo Shop",
    }))
    .unwrap()
}

fn order(number: &str, value: &str, preauth: bool) -> Order {
    serde_json::from_value(serde_json::json!({
        "order": number,
        "amount": { "value": value, "currency": "EUR" },
        "transaction_type": if preauth { "preauthorization" } else { "authorization" },
        "product_description": "Alfombrilla <para> ratón",
        "merchant_data": "Ref: 99zz",
    }))
    .unwrap()
}

async fn checkout(config: &redsys::Config, order: &Order) -> String {
    let form = redsys::checkout(config, order).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    r.header("location").unwrap().to_string()
}

/// The shop's REST call, as a host does it with vpos-core.
async fn operate(
    config: &redsys::Config,
    kind: &str,
    number: &str,
    value: &str,
) -> Result<vpos_core::Verified<redsys::Notification>, vpos_core::Error> {
    let operation: Operation = serde_json::from_value(serde_json::json!({
        "kind": kind, "order": number, "amount": { "value": value, "currency": "EUR" }
    }))
    .unwrap();
    let request = redsys::operation_request(config, &operation).unwrap();
    let r = client()
        .post(&request.url, "application/json", request.body)
        .await
        .unwrap();
    redsys::parse_operation_response(
        config,
        &Reply::Response {
            status: r.status,
            body: r.body,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_and_return_verify_with_vpos_core_in_every_signature_version() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    for (i, version) in SignatureVersion::ALL.into_iter().enumerate() {
        let config = shop_config(&sandbox, &shop, version);
        let number = format!("100{i}AbCd");
        let page = checkout(&config, &order(&number, "49.99", false)).await;
        assert_eq!(page, format!("/sis/pago/{number}"));
        let html = client()
            .get(&format!("{}{page}", sandbox.url()))
            .await
            .unwrap()
            .text();
        assert!(html.contains("49.99 EUR") && html.contains(version.as_str()));
        assert!(html.contains("Alfombrilla &lt;para&gt; ratón"), "{html}");

        let r = pay(&sandbox, "redsys", &number, "authorised").await;
        assert_eq!(r.status, 200, "{}", r.text());
        let paid = r.json().unwrap();
        assert_eq!(paid["response"], "0000");
        let redirect = paid["redirect"].as_str().unwrap().to_string();
        let ok_prefix = format!("{}/ok?Ds_SignatureVersion={}&", shop.url, version.as_str());
        assert!(redirect.starts_with(&ok_prefix), "{redirect}");

        let got = shop.wait_for(i + 1).await;
        let n = &got[i];
        assert_eq!(n.path, "/redsys/notify");
        let unverified =
            redsys::parse_notification(&config, &n.content_type, &n.body).expect("parses");
        let verified = redsys::verify(&config, unverified).expect("signature verifies");
        assert_eq!(verified.order, number);
        assert_eq!(verified.status, Reported::Succeeded);
        assert_eq!(verified.amount.to_decimal_string(), "49.99");
        assert_eq!(verified.signature_version, version.as_str());
        assert_eq!(verified.merchant_data.as_deref(), Some("Ref: 99zz"));
        assert_eq!(verified.terminal.as_deref(), Some("001"));
        assert!(verified.authorisation_code.is_some());
        if version == SignatureVersion::HmacSha256V1 {
            // Redsys writes notification signatures in base64url.
            let sig = n.field("Ds_Signature");
            assert!(!sig.contains(['+', '/']), "{sig}");
        }

        // The browser's return to URLOK carries the same signed parameters.
        let query = redirect.split_once('?').unwrap().1;
        let back = redsys::parse_notification(
            &config,
            "application/x-www-form-urlencoded",
            query.as_bytes(),
        )
        .unwrap();
        redsys::verify(&config, back).expect("URLOK parameters verify");
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_and_cancelled_go_to_urlko() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop, SignatureVersion::HmacSha256V1);
    for (i, (outcome, response, status)) in [
        ("denied", "0180", Reported::Failed),
        ("cancelled", "9915", Reported::Cancelled),
    ]
    .into_iter()
    .enumerate()
    {
        let number = format!("200{i}XyZ");
        let page = checkout(&config, &order(&number, "10.00", false)).await;
        // Through the page, as a browser clicks it.
        let r = post_form(
            &format!("{}{page}", sandbox.url()),
            &[("outcome".into(), outcome.into())],
        )
        .await;
        assert_eq!(r.status, 303);
        assert!(
            r.header("location")
                .unwrap()
                .starts_with(&format!("{}/ko?", shop.url))
        );
        let n = &shop.wait_for(i + 1).await[i];
        let verified = redsys::verify(
            &config,
            redsys::parse_notification(&config, &n.content_type, &n.body).unwrap(),
        )
        .unwrap();
        assert_eq!(verified.response, response);
        assert_eq!(verified.status, status);
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_redsys_error_codes() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop, SignatureVersion::HmacSha256V1);
    let mut form = redsys::checkout(&config, &order("3000AAAA", "10.00", false)).unwrap();

    let mut tampered = form.fields.clone();
    let sig = tampered[2].1.clone();
    tampered[2].1 = format!(
        "{}{}",
        if sig.starts_with('A') { "B" } else { "A" },
        &sig[1..]
    );
    let r = post_form(&form.action, &tampered).await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("data-code=\"SIS0042\""), "{}", r.text());

    let mut other_terminal = config.clone();
    other_terminal.terminal = "2".into();
    let wrong = redsys::checkout(&other_terminal, &order("3001AAAA", "10.00", false)).unwrap();
    let r = post_form(&wrong.action, &wrong.fields).await;
    assert!(r.text().contains("SIS0026"), "{}", r.text());

    form.fields[0].1 = "HMAC_SHA1_V0".into();
    let r = post_form(&form.action, &form.fields).await;
    assert!(r.text().contains("SIS0429"));

    // An order number is good for one payment only.
    checkout(&config, &order("3002AAAA", "10.00", false)).await;
    pay(&sandbox, "redsys", "3002AAAA", "denied").await;
    let again = redsys::checkout(&config, &order("3002AAAA", "10.00", false)).unwrap();
    let r = post_form(&again.action, &again.fields).await;
    assert!(r.text().contains("SIS0051"), "{}", r.text());
    sandbox.shutdown().await.unwrap();
}

fn sis(result: Result<vpos_core::Verified<redsys::Notification>, vpos_core::Error>) -> String {
    let err = result.expect_err("Redsys refuses");
    assert_eq!(err.code(), ErrorCode::GatewayError, "{err}");
    err.message().rsplit(' ').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_refunds_partial_repeated_and_beyond() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop, SignatureVersion::HmacSha256V1);
    checkout(&config, &order("4000REFU", "10.00", false)).await;

    assert_eq!(
        sis(operate(&config, "refund", "4000REFU", "1.00").await),
        "SIS0056",
        "not paid yet"
    );
    pay(&sandbox, "redsys", "4000REFU", "authorised").await;

    let mut keys = Vec::new();
    for value in ["4.00", "4.00"] {
        let refund = operate(&config, "refund", "4000REFU", value)
            .await
            .expect("refund accepted");
        assert_eq!(refund.response, "0900");
        assert_eq!(refund.action, Action::Refund);
        assert_eq!(refund.status, Reported::Succeeded);
        assert_eq!(refund.amount.to_decimal_string(), value);
        keys.push(refund.event().key().to_string());
    }
    assert_ne!(keys[0], keys[1], "two refunds of one amount are two events");
    assert_eq!(
        sis(operate(&config, "refund", "4000REFU", "4.00").await),
        "SIS0057"
    );
    operate(&config, "refund", "4000REFU", "2.00")
        .await
        .expect("the last 2.00");
    assert_eq!(
        sis(operate(&config, "refund", "4000REFU", "0.01").await),
        "SIS0057"
    );
    assert_eq!(
        sis(operate(&config, "refund", "4999NONE", "1.00").await),
        "SIS0054"
    );
    assert_eq!(
        sis(operate(&config, "confirm", "4000REFU", "1.00").await),
        "SIS0059"
    );
    assert_eq!(
        sis(operate(&config, "cancel", "4000REFU", "1.00").await),
        "SIS0072"
    );

    // A request signed with another key is refused before anything happens.
    let mut forged = config.clone();
    forged.secret_key = vpos_core::Secret::new("Mk9m98IfEblmPfrpsawt7BmxObt98Jev");
    assert_eq!(
        sis(operate(&forged, "refund", "4000REFU", "0.01").await),
        "SIS0042"
    );

    let orders = client()
        .get(&format!("{}/_sandbox/orders", sandbox.url()))
        .await
        .unwrap()
        .json()
        .unwrap();
    let o = &orders["orders"][0];
    assert_eq!(
        (o["captured_minor"].as_i64(), o["refunded_minor"].as_i64()),
        (Some(1000), Some(1000))
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_confirms_and_cancels_preauthorisations() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop, SignatureVersion::HmacSha512V2);

    checkout(&config, &order("5000PREA", "10.00", true)).await;
    pay(&sandbox, "redsys", "5000PREA", "authorised").await;
    let n = &shop.wait_for(1).await[0];
    let authorised = redsys::verify(
        &config,
        redsys::parse_notification(&config, &n.content_type, &n.body).unwrap(),
    )
    .unwrap();
    assert_eq!(authorised.status, Reported::Authorized);

    assert_eq!(
        sis(operate(&config, "confirm", "5000PREA", "10.01").await),
        "SIS0062"
    );
    let confirmed = operate(&config, "confirm", "5000PREA", "8.00")
        .await
        .unwrap();
    assert_eq!(
        (confirmed.response.as_str(), &confirmed.status),
        ("0900", &Reported::Succeeded)
    );
    assert_eq!(
        sis(operate(&config, "confirm", "5000PREA", "8.00").await),
        "SIS0060"
    );
    assert_eq!(
        sis(operate(&config, "cancel", "5000PREA", "8.00").await),
        "SIS0072"
    );
    operate(&config, "refund", "5000PREA", "8.00")
        .await
        .expect("refund of the captured part");
    assert_eq!(
        sis(operate(&config, "refund", "5000PREA", "0.01").await),
        "SIS0057"
    );

    checkout(&config, &order("5001PREA", "10.00", true)).await;
    pay(&sandbox, "redsys", "5001PREA", "authorised").await;
    let cancelled = operate(&config, "cancel", "5001PREA", "10.00")
        .await
        .unwrap();
    assert_eq!(cancelled.response, "0400");
    assert_eq!(cancelled.action, Action::Cancel);
    assert_eq!(
        sis(operate(&config, "confirm", "5001PREA", "10.00").await),
        "SIS0061"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_posted_to_realizar_pago_answer_the_scraped_page() {
    // django-virtual-pos posts refunds to realizarPago and reads `lngid` off the page.
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = shop_config(&sandbox, &shop, SignatureVersion::HmacSha256V1);
    checkout(&config, &order("6000LEGA", "10.00", false)).await;
    pay(&sandbox, "redsys", "6000LEGA", "authorised").await;
    let operation: Operation = serde_json::from_value(serde_json::json!({
        "kind": "refund", "order": "6000LEGA", "amount": { "value": "10.00", "currency": "EUR" }
    }))
    .unwrap();
    let request = redsys::operation_request(&config, &operation).unwrap();
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    let fields: Vec<(String, String)> = [
        "Ds_SignatureVersion",
        "Ds_MerchantParameters",
        "Ds_Signature",
    ]
    .iter()
    .map(|k| (k.to_string(), body[k].as_str().unwrap().to_string()))
    .collect();
    let url = format!("{}/sis/realizarPago", sandbox.url());
    let r = post_form(&url, &fields).await;
    assert_eq!(r.status, 200);
    assert!(
        r.text().contains("lngid=\"operacionAceptada\""),
        "{}",
        r.text()
    );
    let r = post_form(&url, &fields).await;
    assert!(r.text().contains("lngid=\"noSePuedeRealizarOperacion\""));
    assert!(r.text().contains("SIS0057"));
    sandbox.shutdown().await.unwrap();
}

/// With `redsys.soap_notifications`, the notification is a SOAP `procesaNotificacionSIS` that
/// vpos-core parses and verifies; the delivery counts only when the shop's signed answer says
/// `OK` (vpos-core's `soap_answer`), not for `KO`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_notifications_verify_and_need_an_ok_answer() {
    let mut options = Config::default();
    options.redsys.soap_notifications = true;
    let sandbox = sandbox(1.0, "", options).await;
    let probe = shop_config(
        &sandbox,
        &Shop::start((200, ""), &[]).await,
        SignatureVersion::HmacSha256V1,
    );
    let ok = redsys::soap_answer(&probe, "3001SoAp", true).unwrap().body;
    let ko = redsys::soap_answer(&probe, "3002SoAp", false).unwrap().body;
    let shop = Shop::start((200, ""), &[(200, &ok), (200, &ko)]).await;
    let config = shop_config(&sandbox, &shop, SignatureVersion::HmacSha256V1);
    for number in ["3001SoAp", "3002SoAp"] {
        checkout(&config, &order(number, "3.45", false)).await;
        pay(&sandbox, "redsys", number, "authorised").await;
    }
    let got = shop.wait_for(2).await;
    assert!(
        got[0].content_type.starts_with("text/xml"),
        "{}",
        got[0].content_type
    );
    let n = redsys::parse_notification(&config, &got[0].content_type, &got[0].body).unwrap();
    let verified = redsys::verify(&config, n).expect("the SOAP signature verifies");
    assert_eq!(verified.order, "3001SoAp");
    assert_eq!(verified.amount.minor(), 345);
    let events = common::events_until(&sandbox, "both deliveries", |e| {
        common::deliveries(e, "3002SoAp").len() == 1 && common::deliveries(e, "3001SoAp").len() == 1
    })
    .await;
    assert_eq!(
        common::deliveries(&events, "3001SoAp")[0]["outcome"],
        "delivered"
    );
    assert_eq!(
        common::deliveries(&events, "3002SoAp")[0]["outcome"],
        "given_up"
    );
    sandbox.shutdown().await.unwrap();
}

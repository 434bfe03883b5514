//! PayPal REST over real HTTP on 127.0.0.1: every request built and every reply read by
//! vpos-core's own `paypal` functions (token, Orders v2, Payments v2, webhook parsing and both
//! verifications), the buyer's approve page posted as a browser does, and webhooks received by
//! a small recording listener.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{Received, Shop, apply, client, events_until, order_row, sandbox, send};
use serde_json::{Value, json};
use vpos_core::gateways::paypal::{
    self, AccessToken, Intent, OrderCreate, OrderReply, RestConfig, WebhookFact,
    WebhookNotification,
};
use vpos_core::{
    Action, Amount, Currency, Error, ErrorCode, Outcome, PaymentSnapshot, PaymentStatus, Reply,
    Reported, Verified,
};
use vpos_sandbox::config::{
    PAYPAL_REST_CLIENT_ID, PAYPAL_REST_MERCHANT_ID, PAYPAL_REST_SECRET, PAYPAL_REST_WEBHOOK_ID,
};
use vpos_sandbox::{Config, Sandbox};

const WEBHOOK_PATH: &str = "/paypal/webhook";

/// The sandbox, a listener for its webhooks, the shop's REST configuration and a token.
struct Rest {
    sandbox: Sandbox,
    shop: Shop,
    config: RestConfig,
    token: AccessToken,
}

async fn setup(time_scale: f64, faults: &str, shop: Shop, tweak: impl FnOnce(&mut Config)) -> Rest {
    let mut config = Config::default();
    config.paypal_rest.webhook_url = Some(format!("{}{WEBHOOK_PATH}", shop.url));
    tweak(&mut config);
    let lifetime = config.paypal_rest.token_seconds;
    let sandbox = sandbox(time_scale, faults, config).await;
    let config = rest_config(&sandbox, PAYPAL_REST_SECRET);
    let reply = send(&paypal::token_request(&config).unwrap()).await;
    let token = paypal::parse_token_reply(&reply).expect("the sandbox issues a token");
    assert_eq!(token.expires_in(), lifetime);
    Rest {
        sandbox,
        shop,
        config,
        token,
    }
}

fn rest_config(sandbox: &Sandbox, secret: &str) -> RestConfig {
    serde_json::from_value(json!({
        "client_id": PAYPAL_REST_CLIENT_ID,
        "secret": secret,
        "api_base": sandbox.url(),
        "webhook_id": PAYPAL_REST_WEBHOOK_ID,
        "merchant": PAYPAL_REST_MERCHANT_ID,
    }))
    .unwrap()
}

fn money(value: &str, currency: &str) -> Amount {
    Amount::parse(value, Currency::from_code(currency).unwrap()).unwrap()
}

fn order_create(
    rest: &Rest,
    intent: Intent,
    order_id: &str,
    value: &str,
    currency: &str,
) -> OrderCreate {
    OrderCreate {
        intent,
        order_id: order_id.into(),
        amount: money(value, currency),
        description: Some("Tea".into()),
        return_url: format!("{}/return", rest.shop.url),
        cancel_url: format!("{}/cart", rest.shop.url),
    }
}

fn snapshot(order_id: &str, value: &str, currency: &str) -> PaymentSnapshot {
    serde_json::from_value(json!({
        "gateway": "paypal_rest", "merchant": PAYPAL_REST_MERCHANT_ID, "order_id": order_id,
        "amount": {"value": value, "currency": currency}, "status": "pending",
    }))
    .unwrap()
}

/// Creates the order and returns PayPal's order id and its approve link.
async fn create(rest: &Rest, order: &OrderCreate, request_id: &str) -> (String, String) {
    let request =
        paypal::create_order_request(&rest.config, &rest.token, order, request_id).unwrap();
    let reply = send(&request).await;
    let created = paypal::parse_order_reply(&rest.config, &order.order_id, &reply)
        .expect("the create reply reads");
    assert_eq!(created.status, "CREATED");
    assert_eq!(created.intent.as_deref(), Some(order.intent.as_str()));
    assert_eq!(created.amount, Some(order.amount));
    assert!(created.payments.is_empty());
    let approve = created.approve_url.expect("an approve link");
    assert_eq!(
        approve,
        format!("{}/checkoutnow?token={}", rest.sandbox.url(), created.id)
    );
    (created.id, approve)
}

/// The buyer's browser: opens the approve page, clicks `outcome`, returns where it is sent.
async fn click(approve: &str, outcome: &str) -> String {
    let page = client().get(approve).await.unwrap();
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains(&format!("id=\"outcome-{outcome}\"")),
        "{}",
        page.text()
    );
    let r = common::post_form(approve, &[("outcome".into(), outcome.into())]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    r.header("location").expect("a redirect").to_string()
}

/// `ORDER-{n}` (`value` `currency`, to capture) created under `vpos1-create-{n}` and approved
/// by the buyer: PayPal's order id.
async fn approved(rest: &Rest, n: u32, value: &str, currency: &str) -> String {
    let order = order_create(
        rest,
        Intent::Capture,
        &format!("ORDER-{n}"),
        value,
        currency,
    );
    let (id, approve) = create(rest, &order, &format!("vpos1-create-{n}")).await;
    click(&approve, "approve").await;
    id
}

/// The order `id` captured (`POST /v2/checkout/orders/{id}/capture` under `request_id`): the
/// reply, read for the shop's `order_id`.
async fn capture_order(rest: &Rest, id: &str, order_id: &str, request_id: &str) -> OrderReply {
    let request = paypal::capture_order_request(&rest.config, &rest.token, id, request_id).unwrap();
    paypal::parse_order_reply(&rest.config, order_id, &send(&request).await).unwrap()
}

fn event_type(r: &Received) -> String {
    serde_json::from_slice::<Value>(&r.body).unwrap()["event_type"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits (bounded) until the listener has `n` webhooks of `kind`; returns them, oldest first.
async fn webhooks(shop: &Shop, kind: &str, n: usize) -> Vec<Received> {
    let start = std::time::Instant::now();
    loop {
        let got: Vec<Received> = shop
            .received()
            .into_iter()
            .filter(|r| r.path == WEBHOOK_PATH && event_type(r) == kind)
            .collect();
        if got.len() >= n {
            return got;
        }
        assert!(
            start.elapsed() < common::DEADLINE,
            "{} {kind} webhooks, expected {n}",
            got.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn now_unix() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// What the shop's webhook view does with post-back verification.
async fn verify_postback(
    rest: &Rest,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Verified<WebhookNotification>, Error> {
    let n = paypal::parse_webhook(&rest.config, headers, body)?;
    let request =
        paypal::verify_webhook_signature_request(&rest.config, &rest.token, headers, body)?;
    paypal::finish_postback(n, &send(&request).await)
}

/// Offline verification with the sandbox's test certificate, as delivered: the account's
/// `api_base` is the sandbox's loopback address, so `cert_request_for` / `verify_offline_for`
/// take the sandbox's own certificate URL (PayPal's hosts only, otherwise).
async fn verify_offline(
    rest: &Rest,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Verified<WebhookNotification>, Error> {
    let delivered = header(headers, "paypal-cert-url");
    assert_eq!(
        delivered,
        format!(
            "{}/v1/notifications/certs/CERT-hostedpay-sandbox-test",
            rest.sandbox.url()
        )
    );
    // PayPal's hosts only, without the account: the sandbox's URL is refused.
    assert!(paypal::cert_request(headers).is_err());
    let request = paypal::cert_request_for(&rest.config, headers)?;
    assert_eq!(request.url, delivered);
    let pem = client().get(&request.url).await.unwrap();
    assert_eq!(pem.status, 200);
    let n = paypal::parse_webhook(&rest.config, headers, body)?;
    paypal::verify_offline_for(
        &rest.config,
        n,
        &pem.body,
        now_unix(),
        paypal::DEFAULT_TOLERANCE_SECS,
    )
}

fn header(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no header {name}"))
}

/// Both verifications pass; returns the verified webhook.
async fn verified(rest: &Rest, r: &Received) -> Verified<WebhookNotification> {
    assert_eq!(r.content_type, "application/json");
    assert_eq!(header(&r.headers, "paypal-auth-algo"), "SHA256withRSA");
    verify_offline(rest, &r.headers, &r.body)
        .await
        .expect("the test certificate verifies the webhook offline");
    verify_postback(rest, &r.headers, &r.body)
        .await
        .expect("the verify endpoint says SUCCESS")
}

fn gateway_error(reply_error: Error, issue: &str) {
    assert_eq!(reply_error.code(), ErrorCode::GatewayError, "{reply_error}");
    assert!(reply_error.to_string().contains(issue), "{reply_error}");
}

#[tokio::test]
async fn capture_flow_signed_webhooks_refunds_until_used_up() {
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "", shop, |_| {}).await;
    let order = order_create(&rest, Intent::Capture, "ORDER-1", "25.00", "EUR");
    let (id, approve) = create(&rest, &order, "vpos1-create-1").await;

    // The order awaits the buyer: capturing now is refused with PayPal's issue.
    let early =
        paypal::capture_order_request(&rest.config, &rest.token, &id, "vpos1-early").unwrap();
    let error =
        paypal::parse_order_reply(&rest.config, "ORDER-1", &send(&early).await).unwrap_err();
    gateway_error(error, "ORDER_NOT_APPROVED");

    // The buyer approves in the browser and comes back with token and PayerID.
    let back = click(&approve, "approve").await;
    let prefix = format!("{}/return?token={id}&PayerID=", rest.shop.url);
    assert!(back.starts_with(&prefix), "{back}");
    let payer_id = &back[prefix.len()..];
    assert_eq!(payer_id.len(), 13);

    let approved = &webhooks(&rest.shop, "CHECKOUT.ORDER.APPROVED", 1).await[0];
    let approved = verified(&rest, approved).await;
    assert_eq!(approved.order_id.as_deref(), Some("ORDER-1"));
    assert_eq!(
        approved.fact,
        WebhookFact::OrderApproved {
            paypal_order_id: id.clone()
        }
    );
    assert!(approved.events().is_empty());

    // Capture: the reply's capture event moves the payment.
    let captured = capture_order(&rest, &id, "ORDER-1", "vpos1-capture-1").await;
    assert_eq!(captured.status, "COMPLETED");
    assert_eq!(captured.approve_url, None);
    let [capture] = captured.payments.as_slice() else {
        panic!("one capture: {:?}", captured.payments)
    };
    assert_eq!(
        (capture.status.as_str(), capture.amount),
        ("COMPLETED", money("25", "EUR"))
    );
    assert_eq!(capture.final_capture, Some(true));
    let mut payment = snapshot("ORDER-1", "25", "EUR");
    assert!(matches!(
        apply(&mut payment, capture.event()),
        Outcome::Applied {
            to: PaymentStatus::Paid,
            ..
        }
    ));

    // Its webhook: signed, verified both ways, the same fact (already applied).
    let completed = &webhooks(&rest.shop, "PAYMENT.CAPTURE.COMPLETED", 1).await[0];
    let n = verified(&rest, completed).await;
    let events = n.events();
    assert_eq!(events[0].key(), capture.event().key());
    assert_eq!(apply(&mut payment, &events[0]), Outcome::AlreadyApplied);

    // The delivered certificate URL is the sandbox's: without the account, vpos-core's offline
    // check refuses it (PayPal's hosts only); `verified` above took it through the `_for` verbs,
    // which allow a loopback account's own certificate path.
    let as_delivered =
        paypal::parse_webhook(&rest.config, &completed.headers, &completed.body).unwrap();
    let pem = client()
        .get(&header(&completed.headers, "paypal-cert-url"))
        .await
        .unwrap();
    let refused = paypal::verify_offline(as_delivered, &pem.body, now_unix(), 300).unwrap_err();
    assert_eq!(refused.field(), Some("paypal-cert-url"));
    assert!(paypal::cert_request(&completed.headers).is_err());

    // A tampered body fails both verifications; so does another webhook id.
    let tampered = String::from_utf8(completed.body.clone())
        .unwrap()
        .replacen("25.00", "2.50", 1)
        .into_bytes();
    let e = verify_postback(&rest, &completed.headers, &tampered)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PostbackInvalid);
    let e = verify_offline(&rest, &completed.headers, &tampered)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureMismatch);
    let other_hook = RestConfig {
        webhook_id: Some("ANOTHERWEBHOOK".into()),
        ..rest.config.clone()
    };
    let n = paypal::parse_webhook(&other_hook, &completed.headers, &completed.body).unwrap();
    let request = paypal::verify_webhook_signature_request(
        &other_hook,
        &rest.token,
        &completed.headers,
        &completed.body,
    )
    .unwrap();
    assert_eq!(
        paypal::finish_postback(n, &send(&request).await)
            .unwrap_err()
            .code(),
        ErrorCode::PostbackInvalid
    );

    // Partial refunds, twice; then more than is left is refused; then the rest.
    let mut refund_keys = Vec::new();
    for (n, value) in ["10.00", "10.00"].into_iter().enumerate() {
        let request = paypal::refund_capture_request(
            &rest.config,
            &rest.token,
            &capture.id,
            Some(money(value, "EUR")),
            &format!("vpos1-refund-{n}"),
        )
        .unwrap();
        let refund =
            paypal::parse_refund_reply(&rest.config, "ORDER-1", &send(&request).await).unwrap();
        assert_eq!(
            (refund.status.as_str(), refund.amount),
            ("COMPLETED", money(value, "EUR"))
        );
        assert_eq!(refund.event().action(), Action::Refund);
        assert!(matches!(
            apply(&mut payment, refund.event()),
            Outcome::Applied { .. }
        ));
        refund_keys.push(refund.event().key().to_string());
    }
    assert_eq!(payment.refunded_minor, 2000);
    let over = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture.id,
        Some(money("5.01", "EUR")),
        "vpos1-refund-over",
    )
    .unwrap();
    let reply = send(&over).await;
    assert!(
        matches!(&reply, Reply::Response { status: 422, body } if {
            let v: Value = serde_json::from_slice(body).unwrap();
            v["name"] == "UNPROCESSABLE_ENTITY" && v["details"][0]["issue"] == "REFUND_AMOUNT_EXCEEDED" && v["debug_id"].is_string()
        }),
        "{reply:?}"
    );
    gateway_error(
        paypal::parse_refund_reply(&rest.config, "ORDER-1", &reply).unwrap_err(),
        "REFUND_AMOUNT_EXCEEDED",
    );
    let rest_of_it = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture.id,
        None,
        "vpos1-refund-rest",
    )
    .unwrap();
    let refund =
        paypal::parse_refund_reply(&rest.config, "ORDER-1", &send(&rest_of_it).await).unwrap();
    assert_eq!(refund.amount, money("5", "EUR"));
    assert!(matches!(
        apply(&mut payment, refund.event()),
        Outcome::Applied {
            to: PaymentStatus::Refunded,
            ..
        }
    ));
    refund_keys.push(refund.event().key().to_string());
    let used_up = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture.id,
        None,
        "vpos1-refund-again",
    )
    .unwrap();
    gateway_error(
        paypal::parse_refund_reply(&rest.config, "ORDER-1", &send(&used_up).await).unwrap_err(),
        "CAPTURE_FULLY_REFUNDED",
    );

    // Each refund's webhook carries the refund's own key.
    let refunded = webhooks(&rest.shop, "PAYMENT.CAPTURE.REFUNDED", 3).await;
    let mut webhook_keys = Vec::new();
    for r in &refunded {
        let n = verified(&rest, r).await;
        webhook_keys.push(n.events()[0].key().to_string());
        assert_eq!(apply(&mut payment, &n.events()[0]), Outcome::AlreadyApplied);
    }
    webhook_keys.sort();
    refund_keys.sort();
    assert_eq!(webhook_keys, refund_keys);

    // The order as it stands: the capture REFUNDED, its three refunds.
    let get = paypal::get_order_request(&rest.config, &rest.token, &id).unwrap();
    let now = paypal::parse_order_reply(&rest.config, "ORDER-1", &send(&get).await).unwrap();
    let statuses: Vec<(&str, &str)> = now
        .payments
        .iter()
        .map(|p| (p.kind.as_str(), p.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("capture", "REFUNDED"),
            ("refund", "COMPLETED"),
            ("refund", "COMPLETED"),
            ("refund", "COMPLETED")
        ]
    );

    // The dashboard follows.
    let row = order_row(&rest.sandbox, "order", &id).await;
    assert_eq!(row["gateway"], "paypal_rest");
    assert_eq!(row["order_id"], "ORDER-1");
    assert_eq!(row["state"], "refunded");
    assert_eq!(
        (
            row["captured_minor"].as_i64(),
            row["refunded_minor"].as_i64()
        ),
        (Some(2500), Some(2500))
    );
    let page = client()
        .get(&format!("{}/_sandbox/", rest.sandbox.url()))
        .await
        .unwrap();
    assert!(page.text().contains(&id));
}

#[tokio::test]
async fn authorize_partial_captures_then_void() {
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "", shop, |_| {}).await;
    let order = order_create(&rest, Intent::Authorize, "ORDER-2", "100.00", "USD");
    let (id, _) = create(&rest, &order, "vpos1-create-2").await;

    // Approved through the dashboard API: the same as the click.
    let r = common::pay(&rest.sandbox, "paypal_rest", &id, "approve").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json().unwrap();
    assert!(
        v["redirect"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/return?token={id}&PayerID=", rest.shop.url))
    );

    let wrong =
        paypal::capture_order_request(&rest.config, &rest.token, &id, "vpos1-wrong").unwrap();
    gateway_error(
        paypal::parse_order_reply(&rest.config, "ORDER-2", &send(&wrong).await).unwrap_err(),
        "ACTION_DOES_NOT_MATCH_INTENT",
    );

    let request =
        paypal::authorize_order_request(&rest.config, &rest.token, &id, "vpos1-authorize").unwrap();
    let authorized =
        paypal::parse_order_reply(&rest.config, "ORDER-2", &send(&request).await).unwrap();
    assert_eq!(authorized.status, "COMPLETED");
    let [auth] = authorized.payments.as_slice() else {
        panic!("{:?}", authorized.payments)
    };
    assert_eq!(
        (auth.kind.as_str(), auth.status.as_str()),
        ("authorization", "CREATED")
    );
    assert_eq!(auth.event().status(), &Reported::Authorized);
    let mut payment = snapshot("ORDER-2", "100", "USD");
    assert!(matches!(
        apply(&mut payment, auth.event()),
        Outcome::Applied {
            to: PaymentStatus::Authorized,
            ..
        }
    ));

    for (n, value) in ["30.00", "20.00"].into_iter().enumerate() {
        let request = paypal::capture_authorization_request(
            &rest.config,
            &rest.token,
            &auth.id,
            Some(money(value, "USD")),
            false,
            &format!("vpos1-cap-{n}"),
        )
        .unwrap();
        let capture =
            paypal::parse_capture_reply(&rest.config, "ORDER-2", &send(&request).await).unwrap();
        assert_eq!(
            (
                capture.status.as_str(),
                capture.amount,
                capture.final_capture
            ),
            ("COMPLETED", money(value, "USD"), Some(false))
        );
    }
    let over = paypal::capture_authorization_request(
        &rest.config,
        &rest.token,
        &auth.id,
        Some(money("50.01", "USD")),
        false,
        "vpos1-cap-over",
    )
    .unwrap();
    gateway_error(
        paypal::parse_capture_reply(&rest.config, "ORDER-2", &send(&over).await).unwrap_err(),
        "MAX_CAPTURE_AMOUNT_EXCEEDED",
    );
    let get = client()
        .request(
            "GET",
            &format!(
                "{}/v2/payments/authorizations/{}",
                rest.sandbox.url(),
                auth.id
            ),
            &[(
                "authorization",
                &format!("Bearer {}", rest.token.secret().expose()),
            )],
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(get.json().unwrap()["status"], "PARTIALLY_CAPTURED");

    let void =
        paypal::void_authorization_request(&rest.config, &rest.token, &auth.id, "vpos1-void")
            .unwrap();
    let voided =
        paypal::parse_authorization_reply(&rest.config, "ORDER-2", &send(&void).await).unwrap();
    assert_eq!(voided.status, "VOIDED");
    assert_eq!(voided.event().action(), Action::Cancel);
    let again =
        paypal::void_authorization_request(&rest.config, &rest.token, &auth.id, "vpos1-void-2")
            .unwrap();
    gateway_error(
        paypal::parse_authorization_reply(&rest.config, "ORDER-2", &send(&again).await)
            .unwrap_err(),
        "PREVIOUSLY_VOIDED",
    );
    let late = paypal::capture_authorization_request(
        &rest.config,
        &rest.token,
        &auth.id,
        None,
        true,
        "vpos1-cap-late",
    )
    .unwrap();
    gateway_error(
        paypal::parse_capture_reply(&rest.config, "ORDER-2", &send(&late).await).unwrap_err(),
        "AUTHORIZATION_VOIDED",
    );

    // The webhooks of each step, verified, with the keys of the replies.
    let created = &webhooks(&rest.shop, "PAYMENT.AUTHORIZATION.CREATED", 1).await[0];
    assert_eq!(
        verified(&rest, created).await.events()[0].key(),
        auth.event().key()
    );
    let captures = webhooks(&rest.shop, "PAYMENT.CAPTURE.COMPLETED", 2).await;
    let mut amounts: Vec<i64> = Vec::new();
    for c in &captures {
        amounts.push(verified(&rest, c).await.events()[0].amount().minor());
    }
    amounts.sort();
    assert_eq!(amounts, [2000, 3000]);
    let voided_hook = &webhooks(&rest.shop, "PAYMENT.AUTHORIZATION.VOIDED", 1).await[0];
    let n = verified(&rest, voided_hook).await;
    assert_eq!(n.events()[0].key(), voided.event().key());

    let row = order_row(&rest.sandbox, "order", &id).await;
    assert_eq!(
        (row["state"].as_str(), row["captured_minor"].as_i64()),
        (Some("captured"), Some(5000))
    );
    assert_eq!(row["authorization"], "VOIDED");
}

#[tokio::test]
async fn a_repeated_request_id_gets_the_first_answer_and_acts_once() {
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "", shop, |_| {}).await;
    let order = order_create(&rest, Intent::Capture, "ORDER-3", "1000", "HUF");
    let (id, approve) = create(&rest, &order, "vpos1-create-3").await;
    // The create is idempotent too: the same id is the same order.
    let (again, _) = create(&rest, &order, "vpos1-create-3").await;
    assert_eq!(again, id);
    click(&approve, "approve").await;

    let request =
        paypal::capture_order_request(&rest.config, &rest.token, &id, "vpos1-capture-3").unwrap();
    let first = send(&request).await;
    let second = send(&request).await;
    assert_eq!(first, second, "the stored first answer, byte for byte");
    let captured = paypal::parse_order_reply(&rest.config, "ORDER-3", &second).unwrap();
    let capture_id = captured.payments[0].id.clone();
    assert_eq!(captured.payments[0].amount, money("1000", "HUF"));
    // Another request id is a new capture attempt: refused, the order is captured.
    let other =
        paypal::capture_order_request(&rest.config, &rest.token, &id, "vpos1-capture-3b").unwrap();
    gateway_error(
        paypal::parse_order_reply(&rest.config, "ORDER-3", &send(&other).await).unwrap_err(),
        "ORDER_ALREADY_CAPTURED",
    );

    // A refund whose reply is lost (lose-replies: 504) is sent again with its id: one refund.
    let r = common::post_json(
        &format!("{}/_sandbox/faults", rest.sandbox.url()),
        &json!({"lose_replies": 1}),
    )
    .await;
    assert_eq!(r.status, 200);
    let refund = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture_id,
        Some(money("300", "HUF")),
        "vpos1-refund-3",
    )
    .unwrap();
    let lost = send(&refund).await;
    assert!(
        matches!(lost, Reply::Response { status: 504, .. }),
        "{lost:?}"
    );
    assert_eq!(
        paypal::parse_refund_reply(&rest.config, "ORDER-3", &lost)
            .unwrap_err()
            .code(),
        ErrorCode::GatewayUnavailable
    );
    let answered =
        paypal::parse_refund_reply(&rest.config, "ORDER-3", &send(&refund).await).unwrap();
    let repeated =
        paypal::parse_refund_reply(&rest.config, "ORDER-3", &send(&refund).await).unwrap();
    assert_eq!(answered.id, repeated.id);
    assert_eq!(answered.amount, money("300", "HUF"));

    let get = paypal::get_order_request(&rest.config, &rest.token, &id).unwrap();
    let now = paypal::parse_order_reply(&rest.config, "ORDER-3", &send(&get).await).unwrap();
    let kinds: Vec<(&str, &str, i64)> = now
        .payments
        .iter()
        .map(|p| (p.kind.as_str(), p.status.as_str(), p.amount.minor()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("capture", "PARTIALLY_REFUNDED", 100_000),
            ("refund", "COMPLETED", 30_000)
        ]
    );

    // One webhook per change, whatever the repeats.
    webhooks(&rest.shop, "PAYMENT.CAPTURE.REFUNDED", 1).await;
    // The sandbox notes each operation carried out before it answers, so the notes count the
    // captures and refunds made; the deliveries are waited for, then counted.
    let delivered = |e: &[Value], label: &str| {
        e.iter()
            .filter(|e| {
                e["kind"] == "delivery"
                    && e["outcome"] == "delivered"
                    && e["message"].as_str().is_some_and(|m| m.starts_with(label))
            })
            .count()
    };
    let log = events_until(
        &rest.sandbox,
        "the repeats noted, the webhooks delivered",
        |e| {
            e.iter()
                .filter(|e| {
                    e["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("PayPal-Request-Id repeated"))
                })
                .count()
                == 4
                && delivered(e, "webhook PAYMENT.CAPTURE.COMPLETED") >= 1
                && delivered(e, "webhook PAYMENT.CAPTURE.REFUNDED") >= 1
        },
    )
    .await;
    let noted = |start: &str| {
        log.iter()
            .filter(|e| {
                e["kind"] == "note" && e["message"].as_str().is_some_and(|m| m.starts_with(start))
            })
            .count()
    };
    assert_eq!(noted("order captured"), 1);
    assert_eq!(noted(&format!("capture {capture_id} refunded")), 1);
    assert_eq!(delivered(&log, "webhook PAYMENT.CAPTURE.COMPLETED"), 1);
    assert_eq!(delivered(&log, "webhook PAYMENT.CAPTURE.REFUNDED"), 1);
}

#[tokio::test]
async fn amounts_follow_paypal_currency_rules() {
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "", shop, |_| {}).await;
    let post = |body: Value| {
        let url = format!("{}/v2/checkout/orders", rest.sandbox.url());
        let auth = format!("Bearer {}", rest.token.secret().expose());
        async move {
            client()
                .request(
                    "POST",
                    &url,
                    &[
                        ("authorization", &auth),
                        ("content-type", "application/json"),
                    ],
                    body.to_string().into(),
                )
                .await
                .unwrap()
        }
    };
    let unit = |currency: &str, value: &str| json!({"intent": "CAPTURE", "purchase_units": [{"amount": {"currency_code": currency, "value": value}}]});
    for (currency, value, status, issue) in [
        ("HUF", "1000.00", 422, "DECIMAL_PRECISION"),
        ("JPY", "500.5", 422, "DECIMAL_PRECISION"),
        ("USD", "1.001", 422, "DECIMAL_PRECISION"),
        ("KWD", "1.2345", 422, "DECIMAL_PRECISION"),
        ("XYZ", "1.00", 422, "CURRENCY_NOT_SUPPORTED"),
        ("USD", "0.00", 422, "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ("USD", "-1.00", 400, "INVALID_PARAMETER_SYNTAX"),
        ("USD", "1e3", 400, "INVALID_PARAMETER_SYNTAX"),
    ] {
        let r = post(unit(currency, value)).await;
        let v = r.json().unwrap();
        assert_eq!(
            (r.status, v["details"][0]["issue"].as_str()),
            (status, Some(issue)),
            "{currency} {value}: {v}"
        );
    }
    for (currency, value) in [
        ("HUF", "1000"),
        ("JPY", "500"),
        ("KWD", "1.234"),
        ("USD", "1.00"),
    ] {
        let r = post(unit(currency, value)).await;
        assert_eq!(r.status, 201, "{currency} {value}: {}", r.text());
        assert_eq!(r.json().unwrap()["status"], "CREATED");
    }
    let r = post(json!({"intent": "SALE", "purchase_units": []})).await;
    assert_eq!(
        (r.status, r.json().unwrap()["name"].as_str()),
        (400, Some("INVALID_REQUEST"))
    );
}

#[tokio::test]
async fn tokens_are_checked() {
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "", shop, |_| {}).await;
    // Wrong secret: invalid_client, read by vpos-core as a configuration error.
    let wrong = rest_config(&rest.sandbox, "not-the-secret");
    let reply = send(&paypal::token_request(&wrong).unwrap()).await;
    assert!(
        matches!(&reply, Reply::Response { status: 401, body } if String::from_utf8_lossy(body).contains("invalid_client"))
    );
    let e = paypal::parse_token_reply(&reply).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (ErrorCode::InvalidConfig, Some("client_id"))
    );

    // A token the sandbox never issued: 401 on every call, "fetch a new token".
    let forged = AccessToken::new(vpos_core::Secret::new("A21AAforged"), 32_400).unwrap();
    let order = order_create(&rest, Intent::Capture, "ORDER-4", "5.00", "USD");
    let request = paypal::create_order_request(&rest.config, &forged, &order, "vpos1-c4").unwrap();
    let e = paypal::parse_order_reply(&rest.config, "ORDER-4", &send(&request).await).unwrap_err();
    assert!(paypal::is_token_rejected(&e), "{e}");
    let get = paypal::get_order_request(&rest.config, &forged, "ABC").unwrap();
    assert!(paypal::is_token_rejected(
        &paypal::parse_order_reply(&rest.config, "ORDER-4", &send(&get).await).unwrap_err()
    ));

    // Tokens that expire at once (token_seconds 0): issued, then refused; the host asks again.
    let shop = Shop::start((200, ""), &[]).await;
    let expiring = setup(1.0, "", shop, |c| c.paypal_rest.token_seconds = 0).await;
    assert_eq!(expiring.token.expires_in(), 0);
    let request =
        paypal::create_order_request(&expiring.config, &expiring.token, &order, "vpos1-c4")
            .unwrap();
    let e =
        paypal::parse_order_reply(&expiring.config, "ORDER-4", &send(&request).await).unwrap_err();
    assert!(paypal::is_token_rejected(&e), "{e}");
}

#[tokio::test]
async fn pending_capture_completes_later_and_webhooks_are_retried_and_resigned() {
    // The listener refuses the first two webhooks: each retry is a new, valid transmission.
    let shop = Shop::start((200, ""), &[(500, "busy"), (500, "busy")]).await;
    let rest = setup(36_000.0, "", shop, |c| c.paypal_rest.pending_seconds = 60).await;
    let order = order_create(&rest, Intent::Capture, "ORDER-5", "12.00", "GBP");
    let (id, approve) = create(&rest, &order, "vpos1-create-5").await;
    click(&approve, "approve-pending").await;
    let approvals = webhooks(&rest.shop, "CHECKOUT.ORDER.APPROVED", 3).await;
    let ids: std::collections::HashSet<String> = approvals
        .iter()
        .map(|r| header(&r.headers, "paypal-transmission-id"))
        .collect();
    assert_eq!(ids.len(), 3, "a new transmission per attempt");
    for r in &approvals {
        verified(&rest, r).await;
        assert_eq!(r.body, approvals[0].body, "the same event each time");
    }

    let captured = capture_order(&rest, &id, "ORDER-5", "vpos1-capture-5").await;
    let capture = &captured.payments[0];
    assert_eq!(
        (capture.status.as_str(), capture.reason.as_deref()),
        ("PENDING", Some("PENDING_REVIEW"))
    );
    assert_eq!(capture.event().status(), &Reported::Pending);
    let pending = &webhooks(&rest.shop, "PAYMENT.CAPTURE.PENDING", 1).await[0];
    assert_eq!(
        verified(&rest, pending).await.events()[0].key(),
        capture.event().key()
    );
    let completed = &webhooks(&rest.shop, "PAYMENT.CAPTURE.COMPLETED", 1).await[0];
    let n = verified(&rest, completed).await;
    assert_eq!(
        n.events()[0].key(),
        format!("paypal:capture:{}:succeeded", capture.id)
    );
    // A refund of a pending capture was refused before; now it completes.
    let refund = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture.id,
        None,
        "vpos1-refund-5",
    )
    .unwrap();
    assert_eq!(
        paypal::parse_refund_reply(&rest.config, "ORDER-5", &send(&refund).await)
            .unwrap()
            .amount,
        money("12", "GBP")
    );

    // Declined: the capture and its DENIED webhook.
    let order = order_create(&rest, Intent::Capture, "ORDER-6", "3.00", "GBP");
    let (id, approve) = create(&rest, &order, "vpos1-create-6").await;
    let back = click(&approve, "approve-declined").await;
    assert!(back.contains("PayerID="));
    let captured = capture_order(&rest, &id, "ORDER-6", "vpos1-capture-6").await;
    assert_eq!(captured.payments[0].event().status(), &Reported::Failed);
    let denied = &webhooks(&rest.shop, "PAYMENT.CAPTURE.DENIED", 1).await[0];
    assert_eq!(
        verified(&rest, denied).await.events()[0].status(),
        &Reported::Failed
    );

    // Cancelled: back to cancel_url with the token; the order still awaits approval.
    let order = order_create(&rest, Intent::Capture, "ORDER-7", "3.00", "GBP");
    let (id, approve) = create(&rest, &order, "vpos1-create-7").await;
    assert_eq!(
        click(&approve, "cancel").await,
        format!("{}/cart?token={id}", rest.shop.url)
    );
    let orders = client()
        .get(&format!("{}/_sandbox/orders", rest.sandbox.url()))
        .await
        .unwrap()
        .json()
        .unwrap();
    let state = |order: &str| {
        orders["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["order_id"] == order)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state("ORDER-5"), "refunded");
    assert_eq!(state("ORDER-6"), "declined");
    assert_eq!(state("ORDER-7"), "cancelled");
}

#[tokio::test]
async fn webhook_faults_apply() {
    // duplicate=2: every webhook twice, each a valid transmission of the same event;
    // postback-fail=1: the verify endpoint answers 500 once, vpos-core says retry.
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "duplicate=2,postback-fail=1", shop, |_| {}).await;
    approved(&rest, 8, "7.00", "EUR").await;
    let copies = webhooks(&rest.shop, "CHECKOUT.ORDER.APPROVED", 2).await;
    assert_eq!(copies[0].body, copies[1].body);
    let e = verify_postback(&rest, &copies[0].headers, &copies[0].body)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PostbackFailed);
    for c in &copies {
        verified(&rest, c).await;
    }

    // lose-notifications=1: the order's webhooks are never sent; GET order tells the truth.
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "lose-notifications=1", shop, |_| {}).await;
    let id = approved(&rest, 9, "7.00", "EUR").await;
    let request =
        paypal::capture_order_request(&rest.config, &rest.token, &id, "vpos1-capture-9").unwrap();
    send(&request).await;
    let log = events_until(&rest.sandbox, "two lost webhooks", |e| {
        e.iter()
            .filter(|e| e["kind"] == "delivery" && e["outcome"] == "lost")
            .count()
            == 2
    })
    .await;
    assert!(
        log.iter()
            .all(|e| e["kind"] != "delivery" || e["outcome"] == "lost")
    );
    let get = paypal::get_order_request(&rest.config, &rest.token, &id).unwrap();
    let now = paypal::parse_order_reply(&rest.config, "ORDER-9", &send(&get).await).unwrap();
    assert_eq!(now.payments[0].event().status(), &Reported::Succeeded);
    assert!(rest.shop.received().is_empty());
}

#[tokio::test]
async fn a_reversal_takes_back_what_is_left() {
    let shop = Shop::start((200, ""), &[]).await;
    let rest = setup(1.0, "", shop, |_| {}).await;
    let id = approved(&rest, 10, "40.00", "USD").await;
    let captured = capture_order(&rest, &id, "ORDER-10", "vpos1-capture-10").await;
    let capture = &captured.payments[0];
    let refund = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture.id,
        Some(money("15.00", "USD")),
        "vpos1-refund-10",
    )
    .unwrap();
    paypal::parse_refund_reply(&rest.config, "ORDER-10", &send(&refund).await).unwrap();

    let r = common::pay(&rest.sandbox, "paypal_rest", &id, "reverse").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let reversal = r.json().unwrap()["reversal"].as_str().unwrap().to_string();
    let hook = &webhooks(&rest.shop, "PAYMENT.CAPTURE.REVERSED", 1).await[0];
    let n = verified(&rest, hook).await;
    assert_eq!(
        n.fact,
        WebhookFact::Reversal {
            id: reversal.clone(),
            status: Some("COMPLETED".into()),
            amount: money("25.00", "USD"),
        }
    );
    let event = &n.events()[0];
    assert_eq!(event.action(), Action::Chargeback);
    assert_eq!(event.key(), format!("paypal:reversal:{reversal}:succeeded"));

    // Nothing is left to refund; a second reversal finds no capture.
    let again = paypal::refund_capture_request(
        &rest.config,
        &rest.token,
        &capture.id,
        None,
        "vpos1-refund-10b",
    )
    .unwrap();
    gateway_error(
        paypal::parse_refund_reply(&rest.config, "ORDER-10", &send(&again).await).unwrap_err(),
        "CAPTURE_FULLY_REFUNDED",
    );
    let r = common::pay(&rest.sandbox, "paypal_rest", &id, "reverse").await;
    assert_eq!(r.status, 409, "{}", r.text());
    let row = order_row(&rest.sandbox, "order", &id).await;
    assert_eq!(row["state"], "reversed");
}

#[tokio::test]
async fn a_tampered_webhook_is_refused_and_the_retry_brings_the_signed_body() {
    // The listener answers 400 to the first delivery (as a shop refusing a bad signature does).
    let shop = Shop::start((200, ""), &[(400, "bad signature")]).await;
    let rest = setup(36_000.0, "tamper=1", shop, |_| {}).await;
    approved(&rest, 11, "9.00", "EUR").await;
    let [tampered, real] = &webhooks(&rest.shop, "CHECKOUT.ORDER.APPROVED", 2).await[..2] else {
        unreachable!()
    };
    assert_eq!(tampered.body[..2], *b"{ ");
    // The same JSON, but not the signed bytes: both verifications refuse it.
    assert_eq!(
        serde_json::from_slice::<Value>(&tampered.body).unwrap(),
        serde_json::from_slice::<Value>(&real.body).unwrap()
    );
    let e = verify_postback(&rest, &tampered.headers, &tampered.body)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PostbackInvalid);
    let e = verify_offline(&rest, &tampered.headers, &tampered.body)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (
            ErrorCode::SignatureMismatch,
            Some("paypal-transmission-sig")
        )
    );
    verified(&rest, real).await;
    let log = events_until(&rest.sandbox, "the retry delivered", |e| {
        e.iter()
            .any(|e| e["kind"] == "delivery" && e["outcome"] == "delivered")
    })
    .await;
    assert!(log.iter().any(|e| {
        e["kind"] == "delivery"
            && e["outcome"] == "failed"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.contains("tampered after signing"))
    }));
}

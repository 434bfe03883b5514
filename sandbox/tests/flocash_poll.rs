//! FloCash Merchant Polling against the sandbox: a payment whose notification never got
//! through (the shop's listener is down) is closed by polling, through vpos-core.

mod common;

use common::{Shop, pay, post_form, send};
use vpos_core::gateways::flocash::{self, Order, PollConfig, Timestamp};
use vpos_core::{Amount, Currency, ErrorCode, Outcome, PaymentSnapshot, PaymentStatus, transition};
use vpos_sandbox::Config;

fn shop_config(sandbox: &vpos_sandbox::Sandbox, shop: &Shop) -> flocash::Config {
    serde_json::from_value(serde_json::json!({
        "merchant": "sales@demoshop.com",
        "merchant_name": "Demo Shop",
        "checkout_url": format!("{}/ecom/ecommerce.do", sandbox.url()),
        "base_url": sandbox.url(),
        "notification_token": "test-token-123456",
        "notify_url": format!("{}/flocash/notify/test-token-123456/", shop.url),
    }))
    .unwrap()
}

fn poll_config(sandbox: &vpos_sandbox::Sandbox, username: &str) -> PollConfig {
    serde_json::from_value(serde_json::json!({
        "api_username": username,
        "api_password": "sandbox-password",
        "namespace": "http://sandbox.vpos.invalid/flocash/APIMerchantService",
        "success_codes": ["0000"],
        "endpoint": format!("{}/FloCMS/services/APIMerchantService", sandbox.url()),
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_notification_is_closed_by_polling() {
    let sandbox = common::sandbox(1.0, "", Config::default()).await;
    // The shop's listener is down: every notification attempt fails.
    let shop = Shop::start((503, "down"), &[]).await;
    let config = shop_config(&sandbox, &shop);
    let usd = Currency::from_code("USD").unwrap();
    let order = Order::new(
        "AT000042",
        "C1",
        "Call Credit",
        Amount::parse("2.50", usd).unwrap(),
        2,
    )
    .unwrap();
    let form = flocash::checkout(&config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    assert_eq!(
        pay(&sandbox, "flocash", "AT000042", "paid").await.status,
        200
    );
    shop.wait_for(1).await; // the first attempt was refused by the shop

    // By time: the window around now lists the payment.
    let polling = poll_config(&sandbox, "shop-api");
    let from: Timestamp = "2000-01-01T00:00:00Z".parse().unwrap();
    let to: Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
    let request = flocash::poll_by_time_request(&polling, &from, &to).unwrap();
    let polled = flocash::parse_poll_response(&polling, &send(&request).await).unwrap();
    assert_eq!(polled.payments.len(), 1);
    let p = &polled.payments[0];
    assert_eq!(
        (
            p.order_id.as_str(),
            p.amount.minor(),
            p.status_code.as_str()
        ),
        ("AT000042", 500, "0000")
    );
    let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({
        "gateway": "flocash", "merchant": "sales@demoshop.com", "order_id": "AT000042",
        "amount": {"value": "5.00", "currency": "USD"}, "status": "new"
    }))
    .unwrap();
    let outcome = transition(&payment, &polled.events()[0]);
    assert!(
        matches!(
            outcome,
            Outcome::Applied {
                to: PaymentStatus::Paid,
                ..
            }
        ),
        "{outcome:?}"
    );

    // By reference: the trace number from the first answer finds the same payment alone.
    let request = flocash::poll_by_reference_request(&polling, &p.trace_number).unwrap();
    let by_ref = flocash::parse_poll_response(&polling, &send(&request).await).unwrap();
    assert_eq!(by_ref.payments.len(), 1);
    assert_eq!(by_ref.events()[0].key(), polled.events()[0].key());
    let request = flocash::poll_by_reference_request(&polling, "T-unknown").unwrap();
    assert!(
        flocash::parse_poll_response(&polling, &send(&request).await)
            .unwrap()
            .payments
            .is_empty()
    );

    // A window before the payment lists nothing.
    let to: Timestamp = "2000-01-02T00:00:00Z".parse().unwrap();
    let request = flocash::poll_by_time_request(&polling, &from, &to).unwrap();
    assert!(
        flocash::parse_poll_response(&polling, &send(&request).await)
            .unwrap()
            .payments
            .is_empty()
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_an_error_header() {
    let sandbox = common::sandbox(1.0, "", Config::default()).await;
    let polling = poll_config(&sandbox, "shop-api");
    let request = flocash::poll_by_reference_request(&polling, "T1").unwrap();
    let stripped = vpos_core::HttpRequest {
        body: request.body.replace(
            "<APIUsername>shop-api</APIUsername>",
            "<APIUsername></APIUsername>",
        ),
        ..request
    };
    let err = flocash::parse_poll_response(&polling, &send(&stripped).await).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::GatewayError, Some("statusCode"))
    );
    let hostile = vpos_core::HttpRequest {
        body: r#"<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>"#.into(),
        ..stripped
    };
    let err = flocash::parse_poll_response(&polling, &send(&hostile).await).unwrap_err();
    assert_eq!(err.code(), ErrorCode::GatewayError, "a SOAP fault");
    sandbox.shutdown().await.unwrap();
}

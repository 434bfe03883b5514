//! Redsys pay-by-link (Paygold) end to end over real HTTP on 127.0.0.1: the link asked for and
//! read with vpos-core (`redsys::paygold`), paid on the link's page as the customer would, and
//! the notification that follows verified and applied with vpos-core until the payment is
//! `paid`.

mod common;

use common::{Shop, apply, client, order_row, post_form, sandbox, send};
use vpos_core::gateways::redsys::{self, paygold};
use vpos_core::{ErrorCode, Outcome, PaymentSnapshot, PaymentStatus, Reported};
use vpos_sandbox::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_is_paid_and_its_notification_moves_the_payment_to_paid() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config: redsys::Config = serde_json::from_value(serde_json::json!({
        "merchant_code": "999008881", "terminal": "1",
        "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
        "checkout_url": format!("{}/sis/realizarPago", sandbox.url()),
        "rest_url": format!("{}/sis/rest/trataPeticionREST", sandbox.url()),
        "merchant_url": format!("{}/redsys/notify", shop.url),
    }))
    .unwrap();
    let link: paygold::LinkRequest = serde_json::from_value(serde_json::json!({
        "order": "4321PGsbx001", "amount": {"value": "25.00", "currency": "EUR"},
        "customer_mobile": "600000000", "customer_email": "ana@example.com",
        "expiry_minutes": 14400, "sms_text": "Pague aquí: @URL@",
        "description": "Ajuste de precio"}))
    .unwrap();
    let reply = send(&paygold::request(&config, &link).unwrap()).await;
    let got = paygold::parse_reply(&config, &link, &reply).expect("a verified link");
    assert_eq!(got.url, format!("{}/sis/pago/4321PGsbx001", sandbox.url()));
    assert_eq!(
        (got.order.as_str(), got.amount.minor()),
        ("4321PGsbx001", 2500)
    );

    // Creating the link is not a payment: no notification, the shop's payment stays new.
    let mut payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({
        "gateway": "redsys", "merchant": "999008881", "order_id": "4321PGsbx001",
        "amount": {"value": "25.00", "currency": "EUR"}, "status": "new"}))
    .unwrap();
    assert!(shop.received().is_empty());
    let o = order_row(&sandbox, "order", "4321PGsbx001").await;
    assert_eq!(o["status"], "open");
    assert_eq!(o["paygold_to"], "600000000, ana@example.com");

    // The customer opens the link and pays.
    let page = client().get(&got.url).await.unwrap().text();
    assert!(
        page.contains("Paygold link sent to") && page.contains("25.00 EUR"),
        "{page}"
    );
    let r = post_form(&got.url, &[("outcome".into(), "authorised".into())]).await;
    assert!(r.status < 400, "{} {}", r.status, r.text());

    let n = &shop.wait_for(1).await[0];
    assert_eq!(n.path, "/redsys/notify");
    let unverified = redsys::parse_notification(&config, &n.content_type, &n.body).unwrap();
    let verified = redsys::verify(&config, unverified).expect("the notification verifies");
    assert_eq!(verified.order, "4321PGsbx001");
    assert_eq!(verified.transaction_type, "0");
    assert_eq!(verified.status, Reported::Succeeded);
    let outcome = apply(&mut payment, &verified.event());
    assert!(matches!(outcome, Outcome::Applied { .. }), "{outcome:?}");
    assert_eq!(payment.status, PaymentStatus::Paid);

    // The order number is spent: a second link for it is Redsys's refusal.
    let again = send(&paygold::request(&config, &link).unwrap()).await;
    let e = paygold::parse_reply(&config, &link, &again).unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError);
    assert!(e.message().contains("SIS0051"), "{}", e.message());
    sandbox.shutdown().await.unwrap();
}

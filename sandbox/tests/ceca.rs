//! CECA over real HTTP on 127.0.0.1: a shop built with vpos-core against the sandbox. The
//! checkout is signed by vpos-core, every notification is verified by vpos-core.

mod common;

use common::{Shop, client, deliveries, events_until, pay, post_form, sandbox, send};
use vpos_core::gateways::ceca::{self, Cipher};
use vpos_core::{ErrorCode, Reported};
use vpos_sandbox::Config;
use vpos_sandbox::config::CecaConfig;

fn shop_config(sandbox_url: &str, shop: &Shop, cipher: Cipher) -> ceca::Config {
    serde_json::from_value(serde_json::json!({
        "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
        "key": "99888888", "cipher": cipher,
        "checkout_url": format!("{sandbox_url}/tpvweb/tpv/compra.action"),
        "url_ok": format!("{}/ok", shop.url), "url_nok": format!("{}/ko", shop.url),
    }))
    .unwrap()
}

fn sandbox_config(shop: &Shop, cipher: Cipher) -> Config {
    Config {
        ceca: CecaConfig {
            cipher,
            notify_url: Some(format!("{}/ceca/notify", shop.url)),
            ..CecaConfig::default()
        },
        ..Config::default()
    }
}

fn order(operation: &str) -> ceca::Order {
    serde_json::from_value(serde_json::json!({
        "operation": operation, "amount": {"value": "49.99", "currency": "EUR"},
        "description": "Té <verde>",
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_notifications_verify_with_vpos_core_in_both_digests() {
    for cipher in [Cipher::Sha2, Cipher::Sha1] {
        let shop = Shop::start((200, "$*$OKY$*$"), &[]).await;
        let sandbox = sandbox(1.0, "", sandbox_config(&shop, cipher)).await;
        let config = shop_config(&sandbox.url(), &shop, cipher);
        let form = ceca::checkout(&config, &order("OP-1")).unwrap();
        let r = post_form(&form.action, &form.fields).await;
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(r.header("location"), Some("/tpvweb/tpv/pago/OP-1"));
        let html = client()
            .get(&format!("{}/tpvweb/tpv/pago/OP-1", sandbox.url()))
            .await
            .unwrap()
            .text();
        assert!(
            html.contains("49.99 EUR") && html.contains("Té &lt;verde&gt;"),
            "{html}"
        );

        let r = pay(&sandbox, "ceca", "OP-1", "paid").await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json().unwrap()["redirect"], format!("{}/ok", shop.url));
        let got = shop.wait_for(1).await;
        let n = ceca::parse_notification(&config, &got[0].content_type, &got[0].body).unwrap();
        let verified = ceca::verify(&config, n).expect("Firma verifies with vpos-core");
        let event = verified.event();
        assert_eq!(event.order_id(), "OP-1");
        assert_eq!(event.amount().minor(), 4999);
        assert_eq!(*event.status(), Reported::Succeeded);
        let events = events_until(&sandbox, "the delivery", |e| {
            deliveries(e, "OP-1")
                .iter()
                .any(|d| d["outcome"] == "delivered")
        })
        .await;
        assert_eq!(deliveries(&events, "OP-1").len(), 1);

        // Paying twice is refused; a new checkout with the same operation is too.
        assert_eq!(pay(&sandbox, "ceca", "OP-1", "paid").await.status, 409);
        let r = post_form(&form.action, &form.fields).await;
        assert_eq!(r.status, 400);
        sandbox.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_firma_or_cipher_is_refused() {
    let shop = Shop::start((200, "$*$OKY$*$"), &[]).await;
    let sandbox = sandbox(1.0, "", sandbox_config(&shop, Cipher::Sha2)).await;
    let mut config = shop_config(&sandbox.url(), &shop, Cipher::Sha2);
    config.key = vpos_core::Secret::new("99888889");
    let form = ceca::checkout(&config, &order("OP-2")).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Firma does not match"), "{}", r.text());
    let config = shop_config(&sandbox.url(), &shop, Cipher::Sha1);
    let form = ceca::checkout(&config, &order("OP-2")).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Cifrado"), "{}", r.text());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_oky_counts_and_declined_is_not_notified() {
    let shop = Shop::start((200, "OK"), &[]).await;
    let sandbox = sandbox(1.0, "duplicate=2", sandbox_config(&shop, Cipher::Sha2)).await;
    let config = shop_config(&sandbox.url(), &shop, Cipher::Sha2);
    for op in ["OP-3", "OP-4"] {
        let form = ceca::checkout(&config, &order(op)).unwrap();
        assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    }
    let r = pay(&sandbox, "ceca", "OP-4", "declined").await;
    assert_eq!(r.json().unwrap()["redirect"], format!("{}/ko", shop.url));
    pay(&sandbox, "ceca", "OP-3", "paid").await;
    let events = events_until(&sandbox, "both copies tried", |e| {
        deliveries(e, "OP-3").len() == 2
    })
    .await;
    for d in deliveries(&events, "OP-3") {
        // "OK" is not "$*$OKY$*$": CECA does not count it, and makes no second attempt.
        assert_eq!(d["outcome"], "given_up", "{d}");
        assert_eq!(d["max_attempts"], 1);
    }
    assert!(
        deliveries(&events, "OP-4").is_empty(),
        "declined: no notification"
    );
    assert_eq!(shop.received().len(), 2);
    let n = ceca::parse_notification(
        &config,
        "application/x-www-form-urlencoded",
        &shop.received()[1].body,
    )
    .unwrap();
    assert_eq!(ceca::verify(&config, n).unwrap().event().order_id(), "OP-3");
    let mut wrong = config.clone();
    wrong.merchant_id = "111950029".into();
    let n = ceca::parse_notification(
        &config,
        "application/x-www-form-urlencoded",
        &shop.received()[0].body,
    )
    .unwrap();
    assert_eq!(
        ceca::verify(&wrong, n).unwrap_err().code(),
        ErrorCode::MerchantMismatch
    );
    sandbox.shutdown().await.unwrap();
}

fn refund(operation: &str, reference: &str, minor: i64, partial: bool) -> ceca::Refund {
    serde_json::from_value(
        serde_json::json!({"operation": operation, "reference": reference,
        "amount": {"minor": minor, "currency": "EUR"}, "partial": partial}),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_ds_data_is_checked_and_shown() {
    let shop = Shop::start((200, "$*$OKY$*$"), &[]).await;
    let sandbox = sandbox(1.0, "", sandbox_config(&shop, Cipher::Sha2)).await;
    let config = shop_config(&sandbox.url(), &shop, Cipher::Sha2);
    let mut o = order("OP-3DS");
    o.cardholder = Some(
        serde_json::from_value(serde_json::json!({"email": "ana@example.com",
            "billing": {"city": "Madrid", "country": "ES"}}))
        .unwrap(),
    );
    let form = ceca::checkout(&config, &o).unwrap();
    let r = post_form(&form.action, &form.fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let html = client()
        .get(&format!("{}/tpvweb/tpv/pago/OP-3DS", sandbox.url()))
        .await
        .unwrap()
        .text();
    assert!(
        html.contains("ana@example.com") && html.contains("BILL_ADDRESS"),
        "{html}"
    );
    // A firma_acs_20 made with another key, or none at all, is refused.
    let mut wrong = config.clone();
    wrong.key = vpos_core::Secret::new("99888889");
    let mut o2 = o.clone();
    o2.operation = "OP-3DS-2".into();
    let form2 = ceca::checkout(&config, &o2).unwrap();
    let swap = |fields: &[(String, String)], firma: &str| -> Vec<(String, String)> {
        fields
            .iter()
            .filter(|(k, _)| !firma.is_empty() || k != "firma_acs_20")
            .map(|(k, v)| {
                let v = if k == "firma_acs_20" {
                    firma.to_string()
                } else {
                    v.clone()
                };
                (k.clone(), v)
            })
            .collect()
    };
    let bad = ceca::sign_datos_acs_20(
        &wrong,
        &form2
            .fields
            .iter()
            .find(|(k, _)| k == "datos_acs_20")
            .unwrap()
            .1,
    );
    for fields in [swap(&form2.fields, &bad), swap(&form2.fields, "")] {
        let r = post_form(&form2.action, &fields).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.text().contains("firma_acs_20"), "{}", r.text());
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_are_signed_checked_and_answered_in_xml() {
    let shop = Shop::start((200, "$*$OKY$*$"), &[]).await;
    let sandbox = sandbox(1.0, "", sandbox_config(&shop, Cipher::Sha2)).await;
    let mut config = shop_config(&sandbox.url(), &shop, Cipher::Sha2);
    config.refund_url = Some(format!(
        "{}/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt",
        sandbox.url()
    ));
    let form = ceca::checkout(&config, &order("OP-R")).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    let paid = pay(&sandbox, "ceca", "OP-R", "paid").await;
    let reference = paid.json().unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_string();
    // Two partial refunds: 10.00, then 39.99, the rest of 49.99.
    for (minor, number) in [(1000, 1), (3999, 2)] {
        let r = refund("OP-R", &reference, minor, true);
        let reply = send(&ceca::refund_request(&config, &r).unwrap()).await;
        let event = ceca::parse_refund_response(&config, &r, &reply)
            .unwrap_or_else(|e| panic!("refund {number}: {e}"));
        assert_eq!(
            (event.amount().minor(), event.status()),
            (minor, &Reported::Succeeded)
        );
    }
    // Nothing is left: CECA's ERROR answer, read as the gateway's refusal.
    let over = refund("OP-R", &reference, 1, true);
    let reply = send(&ceca::refund_request(&config, &over).unwrap()).await;
    let e = ceca::parse_refund_response(&config, &over, &reply).unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError);
    assert!(e.message().contains("codigo 902"), "{e}");
    // An unknown operation, and a wrong Referencia: codigo 15.
    for (op, reference) in [("OP-NONE", reference.as_str()), ("OP-R", "999")] {
        let r = refund(op, reference, 100, true);
        let reply = send(&ceca::refund_request(&config, &r).unwrap()).await;
        let e = ceca::parse_refund_response(&config, &r, &reply).unwrap_err();
        assert!(e.message().contains("codigo 15"), "{e}");
    }
    // A refund signed with another key: codigo 901.
    let mut wrong = config.clone();
    wrong.key = vpos_core::Secret::new("99888889");
    let r = refund("OP-R", &reference, 100, true);
    let reply = send(&ceca::refund_request(&wrong, &r).unwrap()).await;
    let e = ceca::parse_refund_response(&config, &r, &reply).unwrap_err();
    assert!(e.message().contains("codigo 901"), "{e}");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_refund_goes_without_tipo_anu() {
    let shop = Shop::start((200, "$*$OKY$*$"), &[]).await;
    let sandbox = sandbox(1.0, "", sandbox_config(&shop, Cipher::Sha1)).await;
    let mut config = shop_config(&sandbox.url(), &shop, Cipher::Sha1);
    config.refund_url = Some(format!(
        "{}/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt",
        sandbox.url()
    ));
    let form = ceca::checkout(&config, &order("OP-W")).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    let paid = pay(&sandbox, "ceca", "OP-W", "paid").await;
    let reference = paid.json().unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_string();
    // Marked partial although it is the whole payment: refused (904), nothing moved.
    let r = refund("OP-W", &reference, 4999, true);
    let reply = send(&ceca::refund_request(&config, &r).unwrap()).await;
    let e = ceca::parse_refund_response(&config, &r, &reply).unwrap_err();
    assert!(e.message().contains("codigo 904"), "{e}");
    let r = refund("OP-W", &reference, 4999, false);
    let reply = send(&ceca::refund_request(&config, &r).unwrap()).await;
    let event = ceca::parse_refund_response(&config, &r, &reply).unwrap();
    assert_eq!(event.amount().minor(), 4999);
    sandbox.shutdown().await.unwrap();
}

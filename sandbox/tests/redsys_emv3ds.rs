//! Redsys host-to-host EMV3DS end to end over real HTTP on 127.0.0.1: every request built and
//! every reply read with vpos-core (`redsys::emv3ds`), the browser's part (3DS Method page,
//! challenge page) followed by posting the forms the pages hold.

mod common;

use common::{Shop, post_form, sandbox, send};
use vpos_core::gateways::redsys::{self, emv3ds};
use vpos_core::{ErrorCode, Reported};
use vpos_sandbox::{Config, Sandbox};

fn config(sandbox: &Sandbox) -> redsys::Config {
    serde_json::from_value(serde_json::json!({
        "merchant_code": "999008881",
        "terminal": "1",
        "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
        "checkout_url": format!("{}/sis/realizarPago", sandbox.url()),
        "rest_url": format!("{}/sis/rest/trataPeticionREST", sandbox.url()),
    }))
    .unwrap()
}

fn payment(order: &str, card: serde_json::Value) -> emv3ds::Payment {
    serde_json::from_value(serde_json::json!({
        "order": order, "amount": {"value": "49.99", "currency": "EUR"}, "card": card}))
    .unwrap()
}

fn authentication(
    card: &emv3ds::CardConfiguration,
    comp: &str,
    shop: &Shop,
) -> emv3ds::Authentication {
    serde_json::from_value(serde_json::json!({
        "protocol_version": card.protocol_version,
        "three_ds_server_trans_id": card.three_ds_server_trans_id,
        "three_ds_comp_ind": comp,
        "notification_url": format!("{}/3ds/notify", shop.url),
        "browser": {"accept_header": "text/html", "user_agent": "Mozilla/5.0 (X11) Chrome/120",
            "java_enabled": false, "javascript_enabled": true, "language": "es-ES",
            "color_depth": 24, "screen_height": 1080, "screen_width": 1920, "tz": -60},
    }))
    .unwrap()
}

/// The value of hidden field `name` in a page the sandbox served.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!(r#"name="{name}" value=""#))
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

fn action(html: &str) -> String {
    let at = html.find(r#"action=""#).unwrap() + 8;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

async fn inicia(config: &redsys::Config, p: &emv3ds::Payment) -> emv3ds::CardConfiguration {
    let reply = send(&emv3ds::inicia_peticion_request(config, p).unwrap()).await;
    emv3ds::parse_inicia_peticion_response(config, p, &reply).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frictionless_with_the_3ds_method() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = config(&sandbox);
    let p = payment(
        "7001EmvA",
        serde_json::json!({"pan": "4918019160034602", "expiry_date": "3412", "cvv2": "123"}),
    );
    let card = inicia(&config, &p).await;
    assert_eq!(card.protocol_version, "2.1.0");
    let notify = format!("{}/3ds/method", shop.url);
    let form = emv3ds::three_ds_method_form(&card, &notify)
        .unwrap()
        .expect("a 3DS Method");
    assert_eq!(
        form.action,
        format!("{}/sis-sandbox/3ds-method", sandbox.url())
    );
    let page = post_form(&form.action, &form.fields).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    // The issuer's page posts threeDSMethodData back to the shop, naming the transaction.
    assert_eq!(action(&html), notify);
    let id = emv3ds::parse_three_ds_method_data(&hidden(&html, "threeDSMethodData")).unwrap();
    assert_eq!(id, card.three_ds_server_trans_id);
    let request =
        emv3ds::trata_peticion_request(&config, &p, &authentication(&card, "Y", &shop)).unwrap();
    let step = emv3ds::parse_trata_peticion_response(&config, &p, &send(&request).await).unwrap();
    let emv3ds::Step::Final(verified) = step else {
        panic!("expected frictionless")
    };
    assert_eq!(verified.status, Reported::Succeeded);
    assert!(
        verified
            .event()
            .key()
            .starts_with("redsys:999008881:1:7001EmvA:0:0000:4999:")
    );
    // The order has its answer: the same request again is refused, as Redsys refuses a
    // repeated order number, and no second authorisation (another event key) is made.
    let again = emv3ds::parse_trata_peticion_response(&config, &p, &send(&request).await);
    assert!(again.unwrap_err().message().contains("SIS0051"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn challenge_approved_and_denied_in_the_browser() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = config(&sandbox);
    for (order, answer, response, status) in [
        ("7002EmvB", "approve", "0000", Reported::Succeeded),
        ("7003EmvC", "deny", "0184", Reported::Failed),
    ] {
        let p = payment(order, serde_json::json!({"id_oper": "challenge-42"}));
        let card = inicia(&config, &p).await;
        let request =
            emv3ds::trata_peticion_request(&config, &p, &authentication(&card, "N", &shop))
                .unwrap();
        let step =
            emv3ds::parse_trata_peticion_response(&config, &p, &send(&request).await).unwrap();
        let emv3ds::Step::Challenge(challenge) = step else {
            panic!("expected a challenge")
        };
        let form = challenge.form();
        let page = post_form(&form.action, &form.fields).await;
        assert!(page.text().contains("Approve"), "{}", page.text());
        let url = format!(
            "{}/sis-sandbox/acs/{}/{answer}",
            sandbox.url(),
            card.three_ds_server_trans_id
        );
        let html = post_form(&url, &[]).await.text();
        assert_eq!(action(&html), format!("{}/3ds/notify", shop.url));
        let result: emv3ds::ChallengeResult = serde_json::from_value(serde_json::json!({
            "protocol_version": challenge.protocol_version, "cres": hidden(&html, "cres")}))
        .unwrap();
        let request = emv3ds::challenge_response_request(&config, &p, &result).unwrap();
        let verified =
            emv3ds::parse_challenge_response(&config, &p, &send(&request).await).unwrap();
        assert_eq!(
            (verified.response.as_str(), &verified.status),
            (response, &status)
        );
        // The challenge is over: its cres cannot be replayed.
        let again = emv3ds::parse_challenge_response(&config, &p, &send(&request).await);
        assert_eq!(again.unwrap_err().code(), ErrorCode::GatewayError);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declined_card_and_tampered_request() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let shop = Shop::start((200, ""), &[]).await;
    let config = config(&sandbox);
    let p = payment(
        "7004EmvD",
        serde_json::json!({"pan": "4548810000000004", "expiry_date": "3412", "cvv2": "123"}),
    );
    let card = inicia(&config, &p).await;
    assert_eq!(card.three_ds_method_url, None);
    let request =
        emv3ds::trata_peticion_request(&config, &p, &authentication(&card, "U", &shop)).unwrap();
    let step = emv3ds::parse_trata_peticion_response(&config, &p, &send(&request).await).unwrap();
    let emv3ds::Step::Final(verified) = step else {
        panic!("expected a final answer")
    };
    assert_eq!(
        (verified.response.as_str(), &verified.status),
        ("0190", &Reported::Failed)
    );
    // A request signed with another key is refused with Redsys's SIS0042.
    let mut json = serde_json::to_value(&config).unwrap();
    json["secret_key"] = "Mk9m98IfEblmPfrpsawt7BmxObt98Jev".into();
    let other: redsys::Config = serde_json::from_value(json).unwrap();
    let p = payment("7005EmvE", serde_json::json!({"id_oper": "frictionless-1"}));
    let reply = send(&emv3ds::inicia_peticion_request(&other, &p).unwrap()).await;
    let e = emv3ds::parse_inicia_peticion_response(&config, &p, &reply).unwrap_err();
    assert_eq!(e.code(), ErrorCode::GatewayError);
    assert!(e.message().contains("SIS0042"), "{e}");
}

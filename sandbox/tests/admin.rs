//! The sandbox's own endpoints and the binary's start-up contract.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{client, events, pay, post_json, sandbox};
use vpos_sandbox::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_its_address_first() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostedpay-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--time-scale",
            "60",
            "--fault",
            "reorder",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    // A blocking read of one line; the child prints it right after binding.
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .unwrap();
    let line = match line {
        Ok(l) => l,
        Err(e) => {
            let _ = child.kill();
            panic!("no first line: {e}");
        }
    };
    let url = line
        .trim_end()
        .strip_prefix("hostedpay-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let answer = client().get(&format!("{url}/_sandbox/faults")).await;
    let _ = child.kill();
    let _ = child.wait();
    assert_ne!(port, 0, "{url}");
    let faults = answer.unwrap().json().unwrap();
    assert_eq!(faults["faults"]["reorder"], true);
}

#[test]
fn the_binary_refuses_bad_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_hostedpay-sandbox"))
        .args(["--fault", "explode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown fault"));
    let help = Command::new(env!("CARGO_BIN_EXE_hostedpay-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--time-scale"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_logged_and_the_dashboard_escapes_them() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let r = client()
        .post(
            &format!("{}/ecom/ecommerce.do", sandbox.url()),
            "application/x-www-form-urlencoded",
            "order_id=<script>alert(1)</script>&merchant=sales@demoshop.com",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    let log = events(&sandbox).await;
    let request = log
        .iter()
        .find(|e| e["kind"] == "request" && e["url"] == "/ecom/ecommerce.do")
        .expect("the request is logged");
    assert_eq!(request["gateway"], "flocash");
    assert_eq!(request["method"], "POST");
    assert_eq!(request["status"], 400);
    assert!(
        request["request_body"]
            .as_str()
            .unwrap()
            .contains("<script>")
    );
    assert!(log.iter().any(
        |e| e["kind"] == "note" && e["message"].as_str().unwrap().contains("checkout refused")
    ));

    let page = client()
        .get(&format!("{}/_sandbox/", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("/ecom/ecommerce.do"));

    // `since` returns only newer events.
    let last = log.last().unwrap()["seq"].as_u64().unwrap();
    let newer = client()
        .get(&format!("{}/_sandbox/events?since={last}", sandbox.url()))
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(newer["events"].as_array().unwrap().len(), 0);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_faults_pay_and_limits() {
    let sandbox = sandbox(1.0, "postback-fail=2", Config::default()).await;
    let base = sandbox.url();

    let r = post_json(
        &format!("{base}/_sandbox/faults"),
        &serde_json::json!({"delay_ms": 1, "reorder": true}),
    )
    .await;
    assert_eq!(r.status, 200);
    let set = r.json().unwrap();
    assert_eq!(
        set["faults"]["postback_fail"], 0,
        "a POST replaces the whole set"
    );
    assert_eq!(set["faults"]["reorder"], true);
    let r = post_json(
        &format!("{base}/_sandbox/faults"),
        &serde_json::json!({"explode": 1}),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = post_json(
        &format!("{base}/_sandbox/faults"),
        &serde_json::json!({"duplicate": 1000}),
    )
    .await;
    assert_eq!(r.status, 400);

    let r = client()
        .post(
            &format!("{base}/ecom/ecommerce.do"),
            "application/x-www-form-urlencoded",
            "merchant=sales%40demoshop.com&merchant_name=Demo&custom=C&order_id=R1&amount=1.00\
             &item_name=Tea&item_price=1.00&currency_code=EUR&quantity=1",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.text());

    let r = client()
        .post(&format!("{base}/_sandbox/reset"), "application/json", "")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let orders = client()
        .get(&format!("{base}/_sandbox/orders"))
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(orders["orders"].as_array().unwrap().len(), 0);
    let faults = client()
        .get(&format!("{base}/_sandbox/faults"))
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        faults["faults"]["postback_fail"], 2,
        "reset restores the start-up faults"
    );
    assert_eq!(faults["faults"]["reorder"], false);
    let log = events(&sandbox).await;
    assert!(
        log.iter().all(|e| e["url"] != "/ecom/ecommerce.do"),
        "{log:?}"
    );

    let r = pay(&sandbox, "flocash", "R1", "paid").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json().unwrap()["error"], "unknown_order");
    let r = pay(&sandbox, "worldpay", "R1", "paid").await;
    assert_eq!(r.json().unwrap()["error"], "unknown_gateway");
    for gateway in ["ceca", "paypal", "elavon", "bitpay"] {
        let r = pay(&sandbox, gateway, "R1", "paid").await;
        assert_eq!(r.status, 404, "{gateway}");
        assert_eq!(r.json().unwrap()["error"], "unknown_order", "{gateway}");
    }
    let r = pay(&sandbox, "redsys", "R1", "maybe").await;
    assert_eq!(r.json().unwrap()["error"], "unknown_outcome");

    let huge = "a=".to_string() + &"x".repeat(vpos_sandbox::MAX_BODY_BYTES);
    let r = client()
        .post(
            &format!("{base}/ecom/ecommerce.do"),
            "application/x-www-form-urlencoded",
            huge,
        )
        .await
        .unwrap();
    assert_eq!(r.status, 413);
    let r = client().get(&format!("{base}/nowhere")).await.unwrap();
    assert_eq!(r.status, 404);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_stay_on_this_machine_by_default() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    let r = client()
        .post(
            &format!("{}/ecom/ecommerce.do", sandbox.url()),
            "application/x-www-form-urlencoded",
            "merchant=sales%40demoshop.com&merchant_name=Demo&custom=C&order_id=FAR1&amount=1.00\
             &item_name=Tea&item_price=1.00&currency_code=EUR&quantity=1\
             &notify_url=http%3A%2F%2Fshop.example%2Fnotify",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(pay(&sandbox, "flocash", "FAR1", "paid").await.status, 200);
    let log = common::events_until(&sandbox, "the refusal", |e| {
        common::deliveries(e, "FAR1")
            .iter()
            .any(|d| d["outcome"] == "refused")
    })
    .await;
    let d = common::deliveries(&log, "FAR1");
    assert_eq!(d.len(), 1, "no attempt was made: {d:?}");
    assert!(d[0].get("attempt").is_none());
    sandbox.shutdown().await.unwrap();
}

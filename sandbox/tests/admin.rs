//! The sandbox's own endpoints and the binary's start-up contract.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};

use common::{Shop, client, events, pay, post_form, post_json, sandbox};
use serde_json::{Value, json};
use vpos_core::gateways::{paypal, redsys};
use vpos_sandbox::http_client::Response;
use vpos_sandbox::{Config, Sandbox};

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

/// A form POST to the dashboard's fault endpoint with the given extra headers.
async fn fault_form(sandbox: &Sandbox, form: &str, headers: &[(&str, &str)]) -> Response {
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    client()
        .request(
            "POST",
            &format!("{}/_sandbox/faults/form", sandbox.url()),
            &all,
            form.to_string().into(),
        )
        .await
        .unwrap()
}

async fn faults(sandbox: &Sandbox) -> Value {
    client()
        .get(&format!("{}/_sandbox/faults", sandbox.url()))
        .await
        .unwrap()
        .json()
        .unwrap()
}

async fn dashboard(sandbox: &Sandbox, query: &str) -> String {
    let r = client()
        .get(&format!("{}/_sandbox/{query}", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    r.text()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_form_switches_one_fault_and_refuses_other_origins() {
    let sandbox = sandbox(1.0, "drop-first=2", Config::default()).await;
    let own = sandbox.url();
    let origin = [("origin", own.as_str())];

    let r = fault_form(&sandbox, "fault=duplicate&value=3", &origin).await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/_sandbox/#faults"));
    let f = faults(&sandbox).await;
    assert_eq!(f["faults"]["duplicate"], 3);
    assert_eq!(
        (&f["faults"]["drop_first"], &f["drops_left"]),
        (&json!(2), &json!(2)),
        "the other faults are kept: {f}"
    );
    assert_eq!(
        fault_form(&sandbox, "fault=reorder&value=on", &origin)
            .await
            .status,
        303
    );
    // A browser that sends only a Referer, from the dashboard's second page.
    let referer = format!("{own}/_sandbox/?page=2");
    let r = fault_form(
        &sandbox,
        "fault=delay&value=250",
        &[("referer", referer.as_str())],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text());
    // `localhost` on the sandbox's port is the same sandbox.
    let port = own.rsplit(':').next().unwrap();
    let localhost = format!("http://localhost:{port}");
    let r = fault_form(
        &sandbox,
        "fault=lose-replies&value=2",
        &[("origin", localhost.as_str()), ("host", &localhost[7..])],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let f = faults(&sandbox).await;
    assert_eq!(f["faults"]["reorder"], true);
    assert_eq!(f["faults"]["delay_ms"], 250);
    assert_eq!(
        (&f["faults"]["lose_replies"], &f["lost_replies_left"]),
        (&json!(2), &json!(2))
    );

    let html = dashboard(&sandbox, "").await;
    for row in [
        "<tr><th>duplicate</th><td class=\"fault-now\">3</td><td></td>",
        "<tr><th>drop-first</th><td class=\"fault-now\">2</td><td>2</td>",
        "<tr><th>delay</th><td class=\"fault-now\">250 ms</td>",
        "<tr><th>reorder</th><td class=\"fault-now\">on</td>",
        "<tr><th>postback-fail</th><td class=\"fault-now\">off</td><td>0</td>",
        "<tr><th>lose-replies</th><td class=\"fault-now\">2</td><td>2</td>",
    ] {
        assert!(html.contains(row), "{row} in {html}");
    }
    assert!(html.contains("action=\"/_sandbox/faults/form\""));
    assert!(html.contains("id=\"fault-drop-first\""));

    // Another site's page, a sandboxed (null) origin, a rebound DNS name, another port, no
    // header at all: refused, nothing changed.
    let rebound = format!("evil.example:{port}");
    let rebound_origin = format!("http://{rebound}");
    let other_port = "http://127.0.0.1:1".to_string();
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![("referer", "http://evil.example/page")],
        vec![
            ("origin", rebound_origin.as_str()),
            ("host", rebound.as_str()),
        ],
        vec![("origin", other_port.as_str())],
        vec![],
    ] {
        let r = fault_form(&sandbox, "fault=drop-first&value=9", &headers).await;
        assert_eq!(r.status, 403, "{headers:?}: {}", r.text());
    }
    let r = fault_form(
        &sandbox,
        "fault=drop-first&value=9",
        &[("origin", "http://evil.example")],
    )
    .await;
    assert!(r.text().contains("evil.example"), "{}", r.text());
    // Bad values and unknown faults: 400, nothing changed.
    for form in [
        "fault=duplicate&value=99",
        "fault=drop-first&value=x",
        "fault=explode&value=1",
        "fault=reorder&value=maybe",
        "fault=delay&value=1,duplicate=2",
    ] {
        let r = fault_form(&sandbox, form, &origin).await;
        assert_eq!(r.status, 400, "{form}: {}", r.text());
    }
    let after = faults(&sandbox).await;
    assert_eq!(after, f, "refused posts change nothing");

    // An emptied number box is the fault off; `none` switches everything off.
    assert_eq!(
        fault_form(&sandbox, "fault=duplicate&value=", &origin)
            .await
            .status,
        303
    );
    assert_eq!(faults(&sandbox).await["faults"]["duplicate"], 0);
    assert_eq!(
        fault_form(&sandbox, "fault=none", &origin).await.status,
        303
    );
    let f = faults(&sandbox).await;
    assert_eq!(
        f["faults"],
        json!({"delay_ms": 0, "drop_first": 0, "duplicate": 0,
        "reorder": false, "postback_fail": 0, "lose_notifications": 0, "lose_replies": 0, "tamper": 0})
    );
    assert!(events(&sandbox).await.iter().any(|e| {
        e["message"].as_str().is_some_and(|m| {
            m.contains("fault set from the dashboard: drop-first") || m.contains("dashboard: none")
        })
    }));
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_paginated_and_long_bodies_escaped() {
    let sandbox = sandbox(1.0, "", Config::default()).await;
    for i in 0..120 {
        let r = client()
            .get(&format!("{}/nowhere?n={i}", sandbox.url()))
            .await
            .unwrap();
        assert_eq!(r.status, 404);
    }
    assert_eq!(events(&sandbox).await.len(), 120);
    let rows = |html: &str| html.matches("<tr class=\"event\"").count();
    let first = dashboard(&sandbox, "").await;
    assert_eq!(rows(&first), 50);
    assert!(first.contains("page <span class=\"page\">1</span> of 3 (120 events)"));
    let newest = events(&sandbox).await.last().unwrap()["seq"]
        .as_u64()
        .unwrap();
    assert!(
        first.contains(&format!("id=\"event-{newest}\"")),
        "newest first"
    );
    assert!(first.contains("href=\"/_sandbox/?page=2#events\">older</a>"));
    assert_eq!(rows(&dashboard(&sandbox, "?page=2").await), 50);
    let third = dashboard(&sandbox, "?page=3").await;
    assert_eq!(rows(&third), 20);
    assert!(
        third.contains("/nowhere?n=0"),
        "the oldest is on the last page"
    );
    assert!(!third.contains("/nowhere?n=20<"));
    assert!(!third.contains(">older</a>"));
    // Past the end or not a number: the nearest page.
    assert_eq!(rows(&dashboard(&sandbox, "?page=9").await), 20);
    assert_eq!(rows(&dashboard(&sandbox, "?page=x").await), 50);

    // A long body whose `<script>` lies past the preview: cut in the table, whole in
    // `<details>`, escaped in both.
    let body = format!("a={}&b=<script>alert(1)</script>", "x".repeat(400));
    let r = client()
        .post(
            &format!("{}/nowhere", sandbox.url()),
            "application/x-www-form-urlencoded",
            body,
        )
        .await
        .unwrap();
    assert_eq!(r.status, 404);
    let html = dashboard(&sandbox, "").await;
    assert!(
        html.contains("&amp;b=&lt;script&gt;alert(1)&lt;/script&gt;</pre></details>"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    assert!(html.contains("<summary>whole body ("));
    let preview = format!("<pre>a={}…</pre>", "x".repeat(298));
    assert!(html.contains(&preview), "the preview is cut");
    assert!(html.contains("white-space:pre-wrap;word-break:break-all"));
    sandbox.shutdown().await.unwrap();
}

/// The dashboard row of `gateway`'s `order`.
fn order_row(html: &str, gateway: &str, order: &str) -> String {
    let start = html
        .find(&format!(
            "data-gateway=\"{gateway}\" data-order=\"{order}\""
        ))
        .unwrap_or_else(|| panic!("no row for {gateway} {order}: {html}"));
    let end = start + html[start..].find("</tr>").unwrap();
    html[start..end].to_string()
}

async fn order_json(sandbox: &Sandbox, gateway: &str, order: &str) -> Value {
    let all = client()
        .get(&format!("{}/_sandbox/orders", sandbox.url()))
        .await
        .unwrap()
        .json()
        .unwrap();
    all["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["gateway"] == gateway && o["order"] == order)
        .cloned()
        .unwrap_or_else(|| panic!("no {gateway} order {order}: {all}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_rows_follow_later_events() {
    let mut options = Config::default();
    // Completed 600 s of PayPal time (0.6 s) after Pending.
    options.paypal.pending_seconds = 600;
    let sandbox = sandbox(1000.0, "", options).await;
    let shop = Shop::start((200, ""), &[]).await;

    // Redsys: authorised, partially refunded, refunded.
    let config: redsys::Config = serde_json::from_value(json!({
        "merchant_code": "999008881",
        "terminal": "1",
        "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
        "checkout_url": format!("{}/sis/realizarPago", sandbox.url()),
        "rest_url": format!("{}/sis/rest/trataPeticionREST", sandbox.url()),
        "merchant_url": format!("{}/redsys/notify", shop.url),
        "url_ok": format!("{}/ok", shop.url),
        "url_ko": format!("{}/ko", shop.url),
    }))
    .unwrap();
    let order: redsys::Order = serde_json::from_value(json!({
        "order": "3001Dash", "amount": { "value": "30.00", "currency": "EUR" },
    }))
    .unwrap();
    let form = redsys::checkout(&config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    assert_eq!(
        pay(&sandbox, "redsys", "3001Dash", "authorised")
            .await
            .status,
        200
    );
    let row = order_row(&dashboard(&sandbox, "").await, "redsys", "3001Dash");
    assert!(
        row.contains("<td class=\"state\">authorised</td><td>30.00 EUR</td><td>0.00 EUR</td>"),
        "{row}"
    );
    let refund = |value: &str| {
        let operation: redsys::Operation = serde_json::from_value(json!({
            "kind": "refund", "order": "3001Dash", "amount": { "value": value, "currency": "EUR" }
        }))
        .unwrap();
        redsys::operation_request(&config, &operation).unwrap()
    };
    for (value, state, refunded) in [
        ("12.50", "partially refunded", "12.50 EUR"),
        ("17.50", "refunded", "30.00 EUR"),
    ] {
        let request = refund(value);
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = client()
            .request("POST", &request.url, &headers, request.body.clone().into())
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
        let row = order_row(&dashboard(&sandbox, "").await, "redsys", "3001Dash");
        assert!(
            row.contains(&format!(
                "<td class=\"state\">{state}</td><td>30.00 EUR</td><td>{refunded}</td>"
            )),
            "{row}"
        );
        assert!(
            row.contains("<td>authorised</td>"),
            "the choice on the page stays: {row}"
        );
    }
    assert_eq!(
        order_json(&sandbox, "redsys", "3001Dash").await["state"],
        "refunded"
    );

    // PayPal: pending, then completed when its time comes.
    let config: paypal::Config = serde_json::from_value(json!({
        "business": "sales@demoshop.com",
        "checkout_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "ipn_url": format!("{}/cgi-bin/webscr", sandbox.url()),
        "notify_url": format!("{}/paypal/ipn", shop.url),
    }))
    .unwrap();
    let order: paypal::Order = serde_json::from_value(json!({
        "invoice": "PP-DASH", "item_name": "Tea", "amount": {"value": "40.00", "currency": "EUR"},
    }))
    .unwrap();
    let form = paypal::checkout(&config, &order).unwrap();
    assert_eq!(post_form(&form.action, &form.fields).await.status, 303);
    assert_eq!(
        pay(&sandbox, "paypal", "PP-DASH", "pending").await.status,
        200
    );
    let row = order_row(&dashboard(&sandbox, "").await, "paypal", "PP-DASH");
    assert!(row.contains("<td class=\"state\">pending</td>"), "{row}");
    let start = Instant::now();
    while order_json(&sandbox, "paypal", "PP-DASH").await["state"] != "completed" {
        assert!(start.elapsed() < common::DEADLINE, "never completed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let row = order_row(&dashboard(&sandbox, "").await, "paypal", "PP-DASH");
    assert!(
        row.contains(
            "<td class=\"state\">completed</td><td>40.00 EUR</td><td>0.00 EUR</td><td>pending</td>"
        ),
        "{row}"
    );
    sandbox.shutdown().await.unwrap();
}

//! Test helpers: the sandbox in-process on port 0, a tiny recording "shop", bounded waits.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::Value;
use vpos_sandbox::http_client::{HttpClient, Response};
use vpos_sandbox::{Config, Faults, Options, Sandbox};

/// How long any wait may take before the test fails (a bound, not a speed claim).
pub const DEADLINE: Duration = Duration::from_secs(15);

pub fn client() -> HttpClient {
    HttpClient::new(Duration::from_secs(10))
}

/// The sandbox on 127.0.0.1:0 with a fixed seed.
pub async fn sandbox(time_scale: f64, faults: &str, config: Config) -> Sandbox {
    vpos_sandbox::start(Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        time_scale,
        config,
        faults: Faults::parse(faults).unwrap(),
        seed: Some(42),
        deliver_anywhere: false,
    })
    .await
    .expect("sandbox starts")
}

/// One request the shop received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: String,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// The form fields, decoded by vpos-core's strict parser.
    pub fn fields(&self) -> Vec<(String, String)> {
        vpos_core::form::parse_urlencoded(&self.body, 1 << 20).expect("a form body")
    }

    pub fn field(&self, name: &str) -> String {
        self.fields()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.text()))
    }
}

#[derive(Clone)]
struct ShopState {
    received: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<(u16, String)>>>,
    default: (u16, String),
}

/// A shop that records every request and answers from a script, then with a default.
pub struct Shop {
    pub url: String,
    state: ShopState,
}

impl Shop {
    /// Answers `script` in order, then `default` forever.
    pub async fn start(default: (u16, &str), script: &[(u16, &str)]) -> Shop {
        let state = ShopState {
            received: Arc::default(),
            script: Arc::new(Mutex::new(
                script.iter().map(|(s, b)| (*s, b.to_string())).collect(),
            )),
            default: (default.0, default.1.to_string()),
        };
        let router = Router::new().fallback(record).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Shop { url, state }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Waits (bounded) until at least `n` requests arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the shop got {} requests, expected {n}: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn record(State(state): State<ShopState>, request: Request) -> impl IntoResponse {
    let path = request.uri().path().to_string();
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let headers = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    state.received.lock().unwrap().push(Received {
        path,
        content_type,
        headers,
        body: body.to_vec(),
    });
    let (status, text) = state
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| state.default.clone());
    (StatusCode::from_u16(status).unwrap(), text)
}

/// POSTs pairs as a form.
pub async fn post_form(url: &str, pairs: &[(String, String)]) -> Response {
    let body =
        vpos_core::form::encode_urlencoded(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    client()
        .post(url, "application/x-www-form-urlencoded", body)
        .await
        .expect("POST")
}

/// POSTs JSON.
pub async fn post_json(url: &str, value: &Value) -> Response {
    client()
        .post(url, "application/json", value.to_string())
        .await
        .expect("POST")
}

/// `POST /_sandbox/pay`.
pub async fn pay(sandbox: &Sandbox, gateway: &str, order: &str, outcome: &str) -> Response {
    post_json(
        &format!("{}/_sandbox/pay", sandbox.url()),
        &serde_json::json!({ "gateway": gateway, "order": order, "outcome": outcome }),
    )
    .await
}

/// The dashboard's rows (`/_sandbox/orders`), as a shop's e2e reads them back.
pub async fn orders(sandbox: &Sandbox) -> Vec<Value> {
    let r = client()
        .get(&format!("{}/_sandbox/orders", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    r.json().unwrap()["orders"].as_array().unwrap().clone()
}

/// The dashboard's row whose `key` (`order`: Redsys `Ds_Order`, PayPal's id, Bitpay's invoice
/// id; `order_id`: the shop's) is `value`.
pub async fn order_row(sandbox: &Sandbox, key: &str, value: &str) -> Value {
    orders(sandbox)
        .await
        .into_iter()
        .find(|o| o[key] == value)
        .unwrap_or_else(|| panic!("no sandbox order with {key} {value}"))
}

/// Every event so far.
pub async fn events(sandbox: &Sandbox) -> Vec<Value> {
    let r = client()
        .get(&format!("{}/_sandbox/events", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    r.json().unwrap()["events"].as_array().unwrap().clone()
}

/// Waits (bounded) until the event log satisfies `done`; returns the log.
pub async fn events_until(
    sandbox: &Sandbox,
    what: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let all = events(sandbox).await;
        if done(&all) {
            return all;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "waited for {what}; events: {}",
            serde_json::to_string_pretty(&all).unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Delivery events for `order`.
pub fn deliveries<'a>(events: &'a [Value], order: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["kind"] == "delivery" && e["order"] == order)
        .collect()
}

/// Sends a request vpos-core described, as a host does.
pub async fn send(request: &vpos_core::HttpRequest) -> vpos_core::Reply {
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let method = format!("{:?}", request.method).to_ascii_uppercase();
    match client()
        .request(
            &method,
            &request.url,
            &headers,
            request.body.clone().into_bytes().into(),
        )
        .await
    {
        Ok(r) => vpos_core::Reply::Response {
            status: r.status,
            body: r.body,
        },
        Err(error) => vpos_core::Reply::Failed { error },
    }
}

/// What the host does with an outcome: store the new status, totals and the key.
pub fn apply(
    payment: &mut vpos_core::PaymentSnapshot,
    event: &vpos_core::Event,
) -> vpos_core::Outcome {
    let outcome = vpos_core::transition(payment, event);
    if let vpos_core::Outcome::Applied {
        to, refunded_minor, ..
    } = &outcome
    {
        payment.status = *to;
        payment.refunded_minor = *refunded_minor;
        payment.applied_event_keys.push(event.key().to_string());
    }
    outcome
}

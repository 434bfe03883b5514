//! The driver is the gateway modules behind one set of verbs, and nothing else: every
//! notification, proof and operation vector under `tests/vectors/` is run both ways (the
//! gateway's own functions, as the hosts call them today, and `vpos_core::driver`) and must
//! give the same outcome, HTTP answer, error and event key. The vector's own `expect` /
//! `error` is checked against the driver's result too.
//!
//! Also here: the one secret-key list against the configurations' real secrets, and secrets
//! kept out of every public view, message and `Debug`.

use std::collections::BTreeSet;

use base64::Engine as _;
use serde_json::{Value, json};
use vpos_core::driver::{self, Config, Operation, OperationKind, Proof, Request, Verdict};
use vpos_core::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use vpos_core::{Error, ErrorCode, HttpRequest, HttpResponse, Outcome, PaymentSnapshot, Reply};

mod common;
use common::{body, content_type, de, to_json};

/// Every case of every vector file: `(file, description, operation, input, case)`.
fn cases() -> Vec<(String, String, String, Value, Value)> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    common::files(&common::vectors_root(), &mut paths);
    for path in paths {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let defaults = file.get("defaults").cloned().unwrap_or_else(|| json!({}));
        for case in file["cases"].as_array().unwrap() {
            let mut input = defaults.clone();
            for (k, v) in case["input"].as_object().unwrap() {
                input[k] = v.clone();
            }
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                case["description"].as_str().unwrap().to_string(),
                case["operation"].as_str().unwrap().to_string(),
                input,
                case.clone(),
            ));
        }
    }
    out
}

/// The gateway's configuration from a vector, as the driver's `Config` (deserialised as the
/// vector runner does, without `validate`, so both paths see the same configuration).
fn config(gateway: Gateway, input: &Value) -> Config {
    match gateway {
        Gateway::Flocash => de::<flocash::Config>(input, "config").into(),
        Gateway::Redsys => de::<redsys::Config>(input, "config").into(),
        Gateway::Ceca => de::<ceca::Config>(input, "config").into(),
        Gateway::Elavon => de::<elavon::Config>(input, "config").into(),
        Gateway::Paypal => de::<paypal::Config>(input, "config").into(),
        Gateway::Bitpay => de::<bitpay::Config>(input, "config").into(),
        _ => unreachable!(),
    }
}

/// What a notification flow produced, the same shape both ways.
#[derive(Debug, PartialEq)]
struct Flow {
    outcome: Option<Outcome>,
    error: Option<Error>,
    response: HttpResponse,
    event_key: Option<String>,
    /// The request the proof needed (post-back or invoice fetch), if any.
    request: Option<HttpRequest>,
    /// The proven notification, serialised (Elavon's vectors check it).
    notification: Option<Value>,
}

impl Flow {
    /// The runner's JSON shape, to hold the vector's `expect` against.
    fn json(&self) -> Value {
        let mut v = json!({"response": to_json(&self.response)});
        if let Some(o) = &self.outcome {
            v["outcome"] = to_json(o);
        }
        if let Some(e) = &self.error {
            v["error"] = to_json(e);
        }
        if let Some(r) = &self.request {
            v["fetch"] = to_json(r);
        }
        if let Some(n) = &self.notification {
            v["notification"] = n.clone();
        }
        v
    }
}

/// The host flow through the gateway module's own functions (what `core/tests/vectors.rs`
/// and the hosts do today).
fn per_gateway(gateway: Gateway, input: &Value) -> Flow {
    let (ct, body) = (content_type(input), body(input));
    let payment = || -> PaymentSnapshot { de(input, "payment") };
    let reply = || -> Reply { de(input, "reply") };
    let mut request = None;
    let mut notification = None;
    let result: Result<(Outcome, HttpResponse, String), Error> = (|| match gateway {
        Gateway::Flocash => {
            let c: flocash::Config = de(input, "config");
            if let Some(token) = input.get("token").and_then(Value::as_str) {
                c.check_token(token)?;
            }
            let n = flocash::parse_notification(&c, ct, &body)?;
            request = Some(flocash::postback_request(&c, &n));
            let v = flocash::verify_postback(&c, n, &reply())?;
            let o = vpos_core::transition(&payment(), &v.event());
            Ok((o.clone(), flocash::acknowledge(&o), v.event().key().into()))
        }
        Gateway::Paypal => {
            let c: paypal::Config = de(input, "config");
            let n = paypal::parse_notification(&c, ct, &body)?;
            request = Some(paypal::postback_request(&c, &n));
            let v = paypal::verify_postback(&c, n, &reply())?;
            let o = vpos_core::transition(&payment(), &v.event());
            Ok((o.clone(), paypal::acknowledge(&o), v.event().key().into()))
        }
        Gateway::Bitpay => {
            let c: bitpay::Config = de(input, "config");
            let n = bitpay::parse_notification(&c, ct, &body)?;
            request = Some(bitpay::invoice_status_request(&c, &n));
            let v = bitpay::verify_invoice(n, &reply())?;
            let o = vpos_core::transition(&payment(), &v.event());
            Ok((o.clone(), bitpay::acknowledge(&o), v.event().key().into()))
        }
        Gateway::Ceca => {
            let c: ceca::Config = de(input, "config");
            let v = ceca::verify(&c, ceca::parse_notification(&c, ct, &body)?)?;
            let o = vpos_core::transition(&payment(), &v.event());
            Ok((o.clone(), ceca::acknowledge(&o), v.event().key().into()))
        }
        Gateway::Elavon => {
            let c: elavon::Config = de(input, "config");
            let v = elavon::verify(&c, elavon::parse_notification(&c, ct, &body)?)?;
            notification = Some(to_json(&*v));
            let o = vpos_core::transition(&payment(), &v.event());
            Ok((o.clone(), elavon::acknowledge(&o), v.event().key().into()))
        }
        Gateway::Redsys => {
            let c: redsys::Config = de(input, "config");
            let v = redsys::verify(&c, redsys::parse_notification(&c, ct, &body)?)?;
            let o = vpos_core::transition(&payment(), &v.event());
            let r = redsys::acknowledge(&c, &v, &o)?;
            Ok((o, r, v.event().key().into()))
        }
        _ => unreachable!(),
    })();
    let reject = |e: &Error| match gateway {
        Gateway::Flocash => flocash::reject(e),
        Gateway::Paypal => paypal::reject(e),
        Gateway::Bitpay => bitpay::reject(e),
        Gateway::Ceca => ceca::reject(e),
        Gateway::Elavon => elavon::reject(e),
        Gateway::Redsys => redsys::reject(e),
        _ => unreachable!(),
    };
    match result {
        Ok((outcome, response, key)) => Flow {
            outcome: Some(outcome),
            error: None,
            response,
            event_key: Some(key),
            request,
            notification,
        },
        Err(e) => Flow {
            outcome: None,
            response: reject(&e),
            error: Some(e),
            event_key: None,
            // The runners report the fetch only with an outcome.
            request: None,
            notification: None,
        },
    }
}

/// The same flow through the driver, with the checks a host can now rely on.
fn through_driver(gateway: Gateway, input: &Value, desc: &str) -> (Flow, Verdict) {
    let config = config(gateway, input);
    assert_eq!(config.gateway(), gateway);
    let body = body(input);
    // FloCash's token is checked by the driver every time: a vector without one is a host
    // that presented the right one.
    let own_token = match &config {
        Config::Flocash(c) => Some(c.notification_token.expose().to_string()),
        _ => None,
    };
    let token = input
        .get("token")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(own_token);
    let request = Request {
        content_type: content_type(input),
        body: &body,
        query: "",
        token: token.as_deref(),
        ..Default::default()
    };
    let mut asked = None;
    let mut notification = None;
    let result = (|| {
        let unverified = driver::parse_notification(&config, &request)?;
        let before = unverified.summary();
        assert_eq!(before.gateway, gateway, "{desc}");
        let verified = match driver::prove(&config, unverified)? {
            Proof::Verified(v) => {
                assert!(
                    matches!(gateway, Gateway::Redsys | Gateway::Ceca | Gateway::Elavon),
                    "{desc}"
                );
                v
            }
            Proof::NeedsReply { request, pending } => {
                assert_eq!(pending.summary(), before, "{desc}");
                asked = Some(request);
                pending.finish(&config, &de::<Reply>(input, "reply"))?
            }
        };
        let event = verified.event();
        let summary = verified.summary();
        // What the host stored before proving names the event it proved.
        assert_eq!(summary.order_id, event.order_id(), "{desc}");
        assert_eq!(summary.status_code, event.status_code(), "{desc}");
        assert_eq!(summary.amount, Some(event.amount()), "{desc}");
        if gateway != Gateway::Redsys || !summary.transaction_id.is_empty() {
            assert_eq!(summary.transaction_id, event.transaction_id(), "{desc}");
        }
        if gateway != Gateway::Bitpay {
            assert_eq!(summary, before, "{desc}");
        }
        if gateway == Gateway::Elavon
            && let driver::Notification::Elavon(n) = &*verified
        {
            notification = Some(to_json(n));
        }
        let payment: PaymentSnapshot = de(input, "payment");
        let outcome = vpos_core::transition(&payment, &event);
        let answer = driver::acknowledge(&config, &verified, &outcome)?;
        assert_eq!(answer.verdict, Verdict::of_outcome(&outcome), "{desc}");
        let rejected = match &outcome {
            Outcome::Rejected { error } => Some(error.clone()),
            _ => None,
        };
        assert_eq!(answer.error, rejected, "{desc}");
        let fields = verified.payment_fields();
        let stored = matches!(outcome, Outcome::Applied { .. })
            && event.action() == vpos_core::Action::Sale
            && matches!(
                event.status(),
                vpos_core::Reported::Succeeded | vpos_core::Reported::Authorized
            );
        let expected = if stored {
            fields
        } else {
            driver::PaymentFields::default()
        };
        assert_eq!(answer.payment_fields, expected, "{desc}");
        Ok::<_, Error>((outcome, answer, event.key().to_string()))
    })();
    match result {
        Ok((outcome, answer, key)) => (
            Flow {
                outcome: Some(outcome),
                error: None,
                response: answer.response,
                event_key: Some(key),
                request: asked,
                notification,
            },
            answer.verdict,
        ),
        Err(e) => {
            let answer = driver::reject(gateway, &e);
            (
                Flow {
                    outcome: None,
                    response: answer.response,
                    error: Some(e),
                    event_key: None,
                    request: None,
                    notification: None,
                },
                answer.verdict,
            )
        }
    }
}

fn subset(expect: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expect, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().try_for_each(|(k, ev)| {
            let av = a
                .get(k)
                .ok_or_else(|| format!("{path}.{k} missing in {actual}"))?;
            subset(ev, av, &format!("{path}.{k}"))
        }),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .try_for_each(|(i, (ev, av))| subset(ev, av, &format!("{path}[{i}]"))),
        _ if expect == actual => Ok(()),
        _ => Err(format!("{path}: expected {expect}, got {actual}")),
    }
}

fn gateway_of(op: &str) -> Option<Gateway> {
    driver::gateway(op.split('.').next()?).ok()
}

#[test]
fn every_notification_vector_gives_the_same_answer_through_the_driver() {
    let mut ran = 0;
    let mut verdicts = BTreeSet::new();
    let mut failures = Vec::new();
    for (file, desc, op, input, case) in cases() {
        let Some(gateway) = gateway_of(&op) else {
            continue;
        };
        if !op.ends_with(".handle") {
            continue;
        }
        let old = per_gateway(gateway, &input);
        let (new, verdict) = through_driver(gateway, &input, &desc);
        verdicts.insert(verdict.as_str());
        ran += 1;
        if new.outcome != old.outcome
            || new.error != old.error
            || new.response != old.response
            || new.event_key != old.event_key
            || new.notification != old.notification
            || (old.outcome.is_some() && new.request != old.request)
        {
            failures.push(format!(
                "{file} — {desc}: per gateway {old:?}\n  driver {new:?}"
            ));
            continue;
        }
        let expect = case
            .get("expect")
            .or(case.get("error").map(|_| &case["error"]));
        let actual = if case.get("expect").is_some() {
            new.json()
        } else {
            new.json()["error"].clone()
        };
        if let Some(expect) = expect
            && let Err(why) = subset(expect, &actual, "expect")
        {
            failures.push(format!("{file} — {desc}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 100, "only {ran} handle vectors");
    // The vectors reach every verdict a notification can get from the core.
    for v in [
        "applied",
        "ignored",
        "rejected",
        "invalid",
        "unverified",
        "postback_failed",
    ] {
        assert!(verdicts.contains(v), "no vector reaches {v}: {verdicts:?}");
    }
    eprintln!("{ran} handle vectors equivalent through the driver; verdicts {verdicts:?}");
}

/// `parse_notification`, `postback_request`, `verify_postback` and `verify` vectors: the same
/// notification (or error), request and event.
#[test]
fn every_parse_and_proof_vector_gives_the_same_result_through_the_driver() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (file, desc, op, input, _) in cases() {
        let Some(gateway) = gateway_of(&op) else {
            continue;
        };
        let step = op.split_once('.').unwrap().1;
        if ![
            "parse_notification",
            "postback_request",
            "verify_postback",
            "verify",
        ]
        .contains(&step)
        {
            continue;
        }
        let config = config(gateway, &input);
        let (ct, body) = (content_type(&input), body(&input));
        let own = match &config {
            Config::Flocash(c) => Some(c.notification_token.expose().to_string()),
            _ => None,
        };
        let request = Request {
            content_type: ct,
            body: &body,
            query: "",
            token: own.as_deref(),
            ..Default::default()
        };
        let driven = driver::parse_notification(&config, &request);
        let (old, new): (Result<Value, Error>, Result<Value, Error>) = match (gateway, step) {
            (_, "parse_notification") => {
                let old = match &config {
                    Config::Flocash(c) => {
                        flocash::parse_notification(c, ct, &body).map(|n| to_json(n.untrusted()))
                    }
                    Config::Redsys(c) => {
                        redsys::parse_notification(c, ct, &body).map(|n| to_json(n.untrusted()))
                    }
                    Config::Ceca(c) => {
                        ceca::parse_notification(c, ct, &body).map(|n| to_json(n.untrusted()))
                    }
                    Config::Paypal(c) => {
                        paypal::parse_notification(c, ct, &body).map(|n| to_json(n.untrusted()))
                    }
                    other => panic!("no parse vectors expected for {:?}", other.gateway()),
                };
                let new = driven.map(|n| to_json(n.untrusted())["notification"].clone());
                (old, new)
            }
            (Gateway::Flocash | Gateway::Paypal, "postback_request") => {
                let old = match &config {
                    Config::Flocash(c) => flocash::parse_notification(c, ct, &body)
                        .map(|n| to_json(&flocash::postback_request(c, &n))),
                    Config::Paypal(c) => paypal::parse_notification(c, ct, &body)
                        .map(|n| to_json(&paypal::postback_request(c, &n))),
                    _ => unreachable!(),
                };
                let new = driven
                    .and_then(|n| driver::prove(&config, n))
                    .map(|p| match p {
                        Proof::NeedsReply { request, .. } => to_json(&request),
                        Proof::Verified(_) => panic!("{desc}: a post-back gateway verified alone"),
                    });
                (old, new)
            }
            (Gateway::Flocash, "verify_postback") => {
                let Config::Flocash(c) = &config else {
                    unreachable!()
                };
                let reply: Reply = de(&input, "reply");
                let old = flocash::parse_notification(c, ct, &body)
                    .and_then(|n| flocash::verify_postback(c, n, &reply))
                    .map(|v| to_json(&v.event()));
                let new = driven
                    .and_then(|n| driver::prove(&config, n))
                    .and_then(|p| match p {
                        Proof::NeedsReply { pending, .. } => pending.finish(&config, &reply),
                        Proof::Verified(_) => panic!("{desc}"),
                    })
                    .map(|v| to_json(&v.event()));
                (old, new)
            }
            (Gateway::Redsys, "verify") => {
                let Config::Redsys(c) = &config else {
                    unreachable!()
                };
                let old = redsys::parse_notification(c, ct, &body)
                    .and_then(|n| redsys::verify(c, n))
                    .map(|v| to_json(&v.event()));
                let new = driven
                    .and_then(|n| driver::prove(&config, n))
                    .map(|p| match p {
                        Proof::Verified(v) => to_json(&v.event()),
                        Proof::NeedsReply { .. } => panic!("{desc}: Redsys asked the network"),
                    });
                (old, new)
            }
            _ => continue,
        };
        ran += 1;
        if old != new {
            failures.push(format!(
                "{file} — {desc} ({op}): per gateway {old:?}\n  driver {new:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 150, "only {ran} parse/proof vectors");
    eprintln!("{ran} parse/proof vectors equivalent through the driver");
}

fn eur_cents(minor: i64) -> vpos_core::Amount {
    vpos_core::Amount::from_minor(minor, vpos_core::Currency::from_code("EUR").unwrap()).unwrap()
}

/// The driver's operation for a gateway operation found in a vector.
fn redsys_operation(op: &redsys::Operation) -> Operation {
    let kind = match op.kind {
        redsys::OperationKind::Refund => OperationKind::Refund,
        redsys::OperationKind::Confirm => OperationKind::Capture,
        redsys::OperationKind::Cancel => OperationKind::Release,
        redsys::OperationKind::Payment => OperationKind::Charge,
    };
    operation(
        json!({"kind": kind, "order_id": op.order, "amount": op.amount,
                     "stored_credential": op.stored_credential}),
    )
}

fn elavon_operation(op: &elavon::RemoteOperation) -> Operation {
    let kind = match op.kind {
        elavon::RemoteKind::Rebate => OperationKind::Refund,
        elavon::RemoteKind::Settle => OperationKind::Capture,
        elavon::RemoteKind::Void => OperationKind::Release,
    };
    operation(
        json!({"kind": kind, "order_id": op.order_id, "amount": op.amount,
                     "transaction_id": op.pasref, "authorisation_code": op.authcode,
                     "timestamp": op.timestamp}),
    )
}

fn operation(mut value: Value) -> Operation {
    if value["stored_credential"].is_null() {
        value.as_object_mut().unwrap().remove("stored_credential");
    }
    vpos_core::json::from_value(&value, ErrorCode::FieldInvalid).unwrap()
}

/// Redsys REST, Elavon Remote and PayPal `RefundTransaction` vectors: the same request, the
/// same verified event (and outcome), the same error.
#[test]
fn every_operation_vector_gives_the_same_result_through_the_driver() {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (file, desc, op, input, _) in cases() {
        let outcome_of = |event: &vpos_core::Event| {
            input.get("payment").map(|_| {
                let payment: PaymentSnapshot = de(&input, "payment");
                to_json(&vpos_core::transition(&payment, event))
            })
        };
        let (old, new): (Result<Value, Error>, Result<Value, Error>) = match op.as_str() {
            "redsys.operation_request" => {
                let c: redsys::Config = de(&input, "config");
                let o: redsys::Operation = de(&input, "operation");
                let old = redsys::operation_request(&c, &o).map(|r| to_json(&r));
                let new = driver::operation_request(&c.into(), &redsys_operation(&o))
                    .map(|r| to_json(&r));
                (old, new)
            }
            "redsys.operation_response" => {
                let c: redsys::Config = de(&input, "config");
                let reply: Reply = de(&input, "reply");
                let old = redsys::parse_operation_response(&c, &reply).map(|v| {
                    let e = v.event();
                    json!({"event": to_json(&e), "outcome": outcome_of(&e)})
                });
                let any = redsys_operation(&redsys::Operation {
                    kind: redsys::OperationKind::Refund,
                    order: "x".into(),
                    amount: eur_cents(1),
                    stored_credential: None,
                });
                let new = driver::parse_operation_reply(&c.into(), &any, &reply)
                    .map(|r| json!({"event": to_json(&*r.event), "outcome": outcome_of(&r.event)}));
                (old, new)
            }
            "elavon.remote_request" | "elavon.remote_response" => {
                let c: elavon::Config = de(&input, "config");
                let o: elavon::RemoteOperation = de(&input, "operation");
                let driven = elavon_operation(&o);
                if op.ends_with("request") {
                    let old = elavon::remote_request(&c, &o).map(|r| to_json(&r));
                    let new = driver::operation_request(&c.into(), &driven).map(|r| to_json(&r));
                    (old, new)
                } else {
                    let reply: Reply = de(&input, "reply");
                    let old = elavon::parse_remote_response(&c, &o, &reply)
                        .map(|e| json!({"event": to_json(&*e), "outcome": outcome_of(&e)}));
                    let new = driver::parse_operation_reply(&c.into(), &driven, &reply).map(
                        |r| json!({"event": to_json(&*r.event), "outcome": outcome_of(&r.event)}),
                    );
                    (old, new)
                }
            }
            "paypal.nvp_refund_transaction" => {
                let c: paypal::Config = de(&input, "config");
                let txn = input["transaction_id"].as_str().unwrap();
                let amount: Option<vpos_core::Amount> = match input.get("amount") {
                    Some(a) if !a.is_null() => {
                        match vpos_core::json::from_value(a, ErrorCode::FieldInvalid) {
                            Ok(a) => Some(a),
                            Err(_) => continue, // an amount the runner itself refuses to build
                        }
                    }
                    _ => None,
                };
                let old = paypal::refund_transaction_request(&c, txn, amount).map(|r| to_json(&r));
                // A full refund is the whole captured amount with nothing refunded before.
                let whole = eur_cents(1000);
                let driven = operation(json!({"kind": "refund", "order_id": "A1",
                    "amount": amount.unwrap_or(whole), "transaction_id": txn,
                    "captured": if amount.is_none() { Some(whole) } else { None }}));
                let new = driver::operation_request(&c.into(), &driven).map(|r| to_json(&r));
                (old, new)
            }
            "paypal.nvp_refund_event" => {
                let c: paypal::Config = de(&input, "config");
                let reply: Reply = de(&input, "reply");
                let invoice = input["invoice"].as_str().unwrap();
                let old = paypal::parse_nvp_response(&reply)
                    .and_then(|r| paypal::refund_event(&c, invoice, &r))
                    .map(|e| json!({"event": to_json(&*e), "outcome": outcome_of(&e)}));
                let driven = operation(json!({"kind": "refund", "order_id": invoice,
                    "amount": eur_cents(1), "transaction_id": "T"}));
                let new = driver::parse_operation_reply(&c.into(), &driven, &reply)
                    .map(|r| json!({"event": to_json(&*r.event), "outcome": outcome_of(&r.event)}));
                (old, new)
            }
            _ => continue,
        };
        ran += 1;
        if old != new {
            failures.push(format!(
                "{file} — {desc} ({op}): per gateway {old:?}\n  driver {new:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 40, "only {ran} operation vectors");
    eprintln!("{ran} operation vectors equivalent through the driver");
}

#[test]
fn gateways_without_an_operation_say_so_before_asking() {
    let flocash = Config::from_json(&json!({"gateway": "flocash", "merchant": "m@example.com",
        "merchant_name": "Shop", "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
        "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}))
    .unwrap();
    for kind in OperationKind::ALL {
        let op = operation(json!({"kind": kind, "order_id": "A1", "amount": eur_cents(100)}));
        let err = driver::operation_request(&flocash, &op).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::Unsupported, Some("gateway"))
        );
        let reply = Reply::Response {
            status: 200,
            body: b"".to_vec(),
        };
        assert_eq!(
            driver::parse_operation_reply(&flocash, &op, &reply)
                .unwrap_err()
                .code(),
            ErrorCode::Unsupported
        );
    }
}

// ---------------------------------------------------------------------------------------
// Secrets.

/// A valid configuration of each gateway with every secret (optional ones too) set to a
/// value that names itself, so a leak is found by searching for it.
fn secret_configs() -> Vec<(Gateway, Value)> {
    vec![
        (
            Gateway::Flocash,
            json!({"merchant": "m@example.com", "merchant_name": "Shop",
                "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
                "base_url": "https://fcms.flocash.com", "notification_token": "LEAK-flocash-token"}),
        ),
        (
            Gateway::Redsys,
            // base64 of "LEAK-redsys-key-24bytes!" (24 bytes, a 3DES key): the decoded key names
            // itself too.
            json!({"merchant_code": "999008881", "terminal": "1",
                "secret_key": base64::engine::general_purpose::STANDARD.encode("LEAK-redsys-key-24bytes!"),
                "checkout_url": redsys::TEST_CHECKOUT_URL, "rest_url": redsys::TEST_REST_URL}),
        ),
        (
            Gateway::Ceca,
            json!({"merchant_id": "111950028", "acquirer_bin": "0000554052",
                "terminal_id": "00000003", "key": "LEAK-ceca-key", "checkout_url": ceca::TEST_CHECKOUT_URL,
                "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/",
                "refund_url": ceca::TEST_REFUND_URL}),
        ),
        (
            Gateway::Elavon,
            json!({"merchant_id": "thestore", "account": "internet", "secret": "LEAK-elavon-secret",
                "rebate_password": "LEAK-elavon-rebate", "checkout_url": elavon::TEST_CHECKOUT_URL,
                "remote_url": elavon::TEST_REMOTE_URL}),
        ),
        (
            Gateway::Paypal,
            json!({"business": "shop@example.com", "checkout_url": paypal::SANDBOX_CHECKOUT_URL,
                "ipn_url": paypal::SANDBOX_IPN_URL,
                "nvp": {"user": "api-user", "password": "LEAK-paypal-password",
                        "signature": "LEAK-paypal-signature", "api_url": paypal::SANDBOX_NVP_URL}}),
        ),
        (
            Gateway::Bitpay,
            json!({"api_key": "LEAK-bitpay-api-key", "api_url": "https://test.bitpay.com/api/invoice",
                "invoice_url": "https://test.bitpay.com/invoice"}),
        ),
        (
            // PayPal REST: its secret and the host's cached token.
            Gateway::PaypalRest,
            json!({"client_id": "AYSq3RDGsmBLJE", "secret": "LEAK-paypal-rest-secret",
                "api_base": paypal::SANDBOX_API_BASE, "merchant": "7KNGBPH2U58GQ",
                "webhook_id": "8PT597110X687430LKGECATA", "access_token": "LEAK-paypal-rest-token"}),
        ),
        // Bitpay's current API: its secrets exclude the legacy key, so a second account.
        (
            Gateway::Bitpay,
            json!({"token": "LEAKbitpayPosToken", "merchant_token": "LEAKbitpayMerchantToken",
                "private_key": "283b13834de77624696b80c29a2a8df0287e3cca23b26ad5fe77d9d5fed0ee90",
                "api_url": "https://test.bitpay.com", "invoice_url": "https://test.bitpay.com/invoice"}),
        ),
    ]
}

/// The values of the secrets `config` sets (an account sets all of its gateway's, or, for
/// Bitpay, those of one of its two APIs).
fn secret_values(config: &Value, gateway: Gateway) -> Vec<String> {
    driver::secret_keys(gateway)
        .iter()
        .filter_map(|path| {
            path.split('.')
                .fold(config, |v, k| &v[k])
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

/// Every part of `text` that could reveal `secret`: itself, and for Redsys's base64 key the
/// key it decodes to.
fn leaks(text: &str, secrets: &[String]) -> Option<String> {
    secrets
        .iter()
        .flat_map(|s| {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(s)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            [Some(s.clone()), decoded].into_iter().flatten()
        })
        .find(|s| text.contains(s.as_str()) || text.contains("LEAK-"))
}

/// Where serialising puts `"***"`: the configuration's real secrets, by path.
fn masked_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                masked_paths(v, &path, out);
            }
        }
        Value::String(s) if s == "***" => {
            out.insert(prefix.to_string());
        }
        _ => {}
    }
}

#[test]
fn the_secret_key_list_is_exactly_the_configurations_secrets() {
    // Per gateway, the union over its accounts (Bitpay has one per API).
    let mut masked: std::collections::BTreeMap<&str, BTreeSet<String>> = Default::default();
    for (gateway, value) in secret_configs() {
        let config = Config::new(gateway, &value).unwrap_or_else(|e| panic!("{gateway:?}: {e}"));
        masked_paths(
            &to_json(&config),
            "",
            masked.entry(gateway.as_str()).or_default(),
        );
    }
    for (name, masked) in masked {
        let gateway = driver::gateway(name).unwrap();
        let listed: BTreeSet<String> = driver::secret_keys(gateway)
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(masked, listed, "{gateway:?}");
    }
}

#[test]
fn secrets_never_reach_a_public_view_a_message_or_debug() {
    for (gateway, value) in secret_configs() {
        let secrets = secret_values(&value, gateway);
        let config = Config::new(gateway, &value).unwrap();
        for text in [
            config.public().to_string(),
            to_json(&config).to_string(),
            format!("{config:?}"),
        ] {
            assert_eq!(leaks(&text, &secrets), None, "{gateway:?}: {text}");
        }
        // Each secret made unusable in turn: the wrong type, an impossible value, an empty
        // one; and a secret pasted into a public key of another shape.
        for path in driver::secret_keys(gateway) {
            // The secrets this account sets (a Bitpay account, one API's).
            let Some(secret) = path
                .split('.')
                .fold(&value, |v, k| &v[k])
                .as_str()
                .map(str::to_string)
            else {
                continue;
            };
            for bad in [
                json!([secret.clone()]),
                json!({"value": secret.clone()}),
                json!(format!("{secret} not base64 !!")),
                json!(""),
            ] {
                let mut broken = value.clone();
                let mut at = &mut broken;
                let parts: Vec<&str> = path.split('.').collect();
                for part in &parts[..parts.len() - 1] {
                    at = &mut at[*part];
                }
                at[parts[parts.len() - 1]] = bad;
                if let Err(e) = Config::new(gateway, &broken) {
                    let text = format!("{e} {e:?} {}", to_json(&e));
                    assert_eq!(leaks(&text, &secrets), None, "{gateway:?} {path}: {text}");
                }
            }
        }
        // A secret pasted into a public key: an enum, a currency, a URL.
        for key in match gateway {
            Gateway::Redsys => ["signature_version", "checkout_url"],
            Gateway::Ceca => ["cipher", "url_ok"],
            Gateway::Elavon => ["currency", "remote_url"],
            Gateway::Paypal => ["ipn_url", "business"],
            Gateway::Bitpay => ["api_url", "invoice_url"],
            Gateway::PaypalRest => ["api_base", "webhook_id"],
            _ => ["base_url", "merchant"],
        } {
            let mut misplaced = value.clone();
            misplaced[key] = json!(secrets[0]);
            if let Err(e) = Config::new(gateway, &misplaced) {
                let text = format!("{e} {e:?}");
                assert_eq!(leaks(&text, &secrets), None, "{gateway:?} {key}: {text}");
            }
        }
        // A notification that fails at every step, and the answers to it.
        for token in [Some("wrong-token-000"), None] {
            let request = Request {
                content_type: "application/x-www-form-urlencoded",
                body: b"a=1&Ds_Signature=x&SHA1HASH=y&Firma=z",
                query: "",
                token,
                ..Default::default()
            };
            let result = driver::parse_notification(&config, &request)
                .and_then(|n| driver::prove(&config, n))
                .and_then(|p| match p {
                    Proof::Verified(v) => Ok(v),
                    Proof::NeedsReply { request, pending } => {
                        assert_eq!(leaks(&format!("{request:?}"), &secrets), None);
                        pending.finish(
                            &config,
                            &Reply::Failed {
                                error: "timed out".into(),
                            },
                        )
                    }
                });
            let err = result.unwrap_err();
            let answer = driver::reject(gateway, &err);
            let text = format!("{err} {err:?} {answer:?} {}", to_json(&answer));
            assert_eq!(leaks(&text, &secrets), None, "{gateway:?}: {text}");
        }
        // Operations: the request's Debug (what a host may log) shows no credential.
        for kind in driver::supported_operations(gateway) {
            let op = operation(
                json!({"kind": kind, "order_id": "1234ORDER", "amount": eur_cents(100),
                // CECA's Referencia is digits only.
                "transaction_id": if gateway == Gateway::Ceca { "12004172282310181002" } else { "PASREF1" },
                "authorisation_code": "AUTH1", "timestamp": "20260101120000",
                "idempotency_key": "vpos1-0123456789abcdef0123456789abcdef",
                "stored_credential": if *kind == OperationKind::Charge { json!({"identifier": "CARD1"}) } else { Value::Null }}),
            );
            let request = match driver::operation_request(&config, &op) {
                // Bitpay's legacy API has no refunds: refused, quoting no credential.
                Err(e) if value.get("api_key").is_some() && gateway == Gateway::Bitpay => {
                    assert_eq!(e.code(), ErrorCode::Unsupported);
                    assert_eq!(leaks(&format!("{e} {e:?}"), &secrets), None);
                    continue;
                }
                r => r.unwrap_or_else(|e| panic!("{gateway:?} {kind:?}: {e}")),
            };
            assert_eq!(
                leaks(&format!("{request:?}"), &secrets),
                None,
                "{gateway:?}"
            );
            let reply = Reply::Response {
                status: 200,
                body: b"<response timestamp=\"x\"><result>00</result></response>".to_vec(),
            };
            if let Err(e) = driver::parse_operation_reply(&config, &op, &reply) {
                let text = format!("{e} {e:?}");
                assert_eq!(leaks(&text, &secrets), None, "{gateway:?}: {text}");
            }
        }
    }
}

#[test]
fn a_notification_proven_with_another_gateways_configuration_is_refused() {
    let configs: Vec<Config> = secret_configs()
        .into_iter()
        .map(|(g, v)| Config::new(g, &v).unwrap())
        .collect();
    let body = b"merchant=m%40example.com&order_id=A1&amount=5.00&currency_code=USD\
                 &trans_id=T1&fpn_id=F1&status=0000";
    let request = Request {
        content_type: "application/x-www-form-urlencoded",
        body,
        query: "",
        token: Some("LEAK-flocash-token"),
        ..Default::default()
    };
    let unverified = driver::parse_notification(&configs[0], &request).unwrap();
    for other in &configs[1..] {
        let err = driver::prove(other, unverified.clone()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::GatewayMismatch);
        assert_eq!(Verdict::of_error(&err), Verdict::Rejected);
    }
    // Without the URL token, FloCash's notification is refused before it is read.
    let no_token = Request {
        token: None,
        ..request
    };
    let err = driver::parse_notification(&configs[0], &no_token).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenMismatch);
    let answer = driver::reject(Gateway::Flocash, &err);
    assert_eq!(
        (answer.verdict, answer.response.status),
        (Verdict::TokenMismatch, 404)
    );
}

#[test]
fn a_proven_notification_without_a_payment_is_delivered_again_except_to_ceca() {
    for gateway in driver::GATEWAYS {
        let answer = driver::payment_not_found(gateway, "A1");
        let error = answer.error.clone().unwrap();
        assert_eq!(
            (answer.verdict, error.code(), error.field()),
            (
                Verdict::NoPayment,
                ErrorCode::PaymentNotFound,
                Some("order_id")
            )
        );
        // The gateway's own answer to the error, as the hosts gave it.
        assert_eq!(answer.response, driver::reject(gateway, &error).response);
        let expected = if gateway == Gateway::Ceca { 422 } else { 503 };
        assert_eq!(answer.response.status, expected, "{gateway:?}");
    }
}

#[test]
fn a_stored_card_charge_and_operations_on_a_payment_quote_what_its_notification_left() {
    let (_, value) = &secret_configs()[1];
    let config = Config::new(Gateway::Redsys, value).unwrap();
    let stored = driver::PaymentFields {
        card_reference: Some("ab12cd34ef".into()),
        cof_transaction_id: Some("999999999999999".into()),
        ..driver::PaymentFields::default()
    };
    let op = Operation::charge_stored_card(
        "1234NEXT",
        eur_cents(999),
        &stored,
        redsys::CofType::Recurring,
    )
    .unwrap();
    let request = driver::operation_request(&config, &op).unwrap();
    let body: Value = serde_json::from_str(&request.body).unwrap();
    let parameters: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(body["Ds_MerchantParameters"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    for (key, expected) in [
        ("DS_MERCHANT_TRANSACTIONTYPE", "0"),
        ("DS_MERCHANT_IDENTIFIER", "ab12cd34ef"),
        ("DS_MERCHANT_COF_INI", "N"),
        ("DS_MERCHANT_COF_TYPE", "R"),
        ("DS_MERCHANT_COF_TXNID", "999999999999999"),
        ("DS_MERCHANT_EXCEP_SCA", "MIT"),
        ("DS_MERCHANT_DIRECTPAYMENT", "true"),
    ] {
        assert_eq!(
            parameters[key]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| parameters[key].to_string()),
            expected,
            "{key} in {parameters}"
        );
    }
    let none = driver::PaymentFields::default();
    let err =
        Operation::charge_stored_card("1234NEXT", eur_cents(1), &none, redsys::CofType::Recurring)
            .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (ErrorCode::FieldMissing, Some("card_reference"))
    );

    // PayPal: the whole untouched payment is a Full refund, anything else Partial.
    let (_, value) = &secret_configs()[4];
    let paypal = Config::new(Gateway::Paypal, value).unwrap();
    let mut payment: PaymentSnapshot = serde_json::from_value(json!({"gateway": "paypal",
        "merchant": "shop@example.com", "order_id": "A1",
        "amount": {"minor": 1000, "currency": "EUR"}, "status": "paid"}))
    .unwrap();
    let txn = driver::PaymentFields {
        transaction_id: Some("9X1".into()),
        ..driver::PaymentFields::default()
    };
    let full = Operation::on_payment(OperationKind::Refund, &payment, None, &txn, "");
    let body = driver::operation_request(&paypal, &full).unwrap().body;
    assert!(
        body.contains("REFUNDTYPE=Full") && body.contains("TRANSACTIONID=9X1"),
        "{body}"
    );
    payment.refunded_minor = 1;
    let rest = Operation::on_payment(
        OperationKind::Refund,
        &payment,
        Some(eur_cents(999)),
        &txn,
        "",
    );
    let body = driver::operation_request(&paypal, &rest).unwrap().body;
    assert!(
        body.contains("REFUNDTYPE=Partial") && body.contains("AMT=9.99"),
        "{body}"
    );
}

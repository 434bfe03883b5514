//! Runs every case under `tests/vectors/` (the files every binding runs too).
//!
//! File shape: `{"defaults": {...}, "cases": [...]}`; each case's `input` is laid over
//! `defaults` key by key. A case has `description`, `source`, `operation`, `input`, and either
//! `expect` (compared as a subset: every key given must match, arrays element by element) or
//! `error` (`{"code": ..., "field": ...}`).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Value, json};
use vpos_core::driver;
use vpos_core::gateways::{bitpay, ceca, elavon, flocash, paypal, redsys};
use vpos_core::{Amount, Currency, Error, PaymentSnapshot, Reply, transition};

mod common;
use common::{body, content_type, de, files, to_json};

/// `tests/vectors` (see `common::vectors_root`).
fn vector_dirs() -> Vec<PathBuf> {
    vec![common::vectors_root()]
}

type Outcome = Result<Value, Error>;

fn run(op: &str, input: &Value) -> Outcome {
    match op {
        "money.parse" => {
            let currency = Currency::from_code(input["currency"].as_str().unwrap())?;
            Ok(to_json(&Amount::parse(
                input["value"].as_str().unwrap(),
                currency,
            )?))
        }
        "money.from_minor" => {
            let currency = Currency::from_code(input["currency"].as_str().unwrap())?;
            Ok(to_json(&Amount::from_minor(
                input["minor"].as_i64().unwrap(),
                currency,
            )?))
        }
        "currency.lookup" => {
            let c = match input.get("numeric") {
                Some(n) => Currency::from_numeric(n.as_u64().unwrap() as u16)?,
                None => Currency::from_code(input["code"].as_str().unwrap())?,
            };
            Ok(
                json!({"code": c.code(), "numeric": c.numeric(), "exponent": c.exponent(), "name": c.name()}),
            )
        }
        "flocash.config" => {
            let config: flocash::Config = de(input, "config");
            config.validate()?;
            Ok(json!({"postback_url": config.postback_url()?}))
        }
        "flocash.check_token" => {
            let config: flocash::Config = de(input, "config");
            config.check_token(input["token"].as_str().unwrap())?;
            Ok(json!({}))
        }
        "flocash.status" => {
            let code = flocash::normalize_status(input["code"].as_str().unwrap())?;
            Ok(json!({
                "status_code": code,
                "status": flocash::map_status(&code).as_str(),
                "label": flocash::status_label(&code),
            }))
        }
        "flocash.checkout" => {
            let config: flocash::Config = de(input, "config");
            let order: flocash::Order = de(input, "order");
            Ok(to_json(&flocash::checkout(&config, &order)?))
        }
        "flocash.checkout_public" => {
            let config: flocash::PublicConfig = de(input, "public_config");
            let order: flocash::Order = de(input, "order");
            Ok(to_json(&flocash::checkout_public(&config, &order)?))
        }
        "flocash.parse_notification" => {
            let config: flocash::Config = de(input, "config");
            let n = flocash::parse_notification(&config, content_type(input), &body(input))?;
            Ok(to_json(n.untrusted()))
        }
        "flocash.postback_request" => {
            let config: flocash::Config = de(input, "config");
            let n = flocash::parse_notification(&config, content_type(input), &body(input))?;
            Ok(to_json(&flocash::postback_request(&config, &n)))
        }
        "flocash.verify_postback" => {
            let config: flocash::Config = de(input, "config");
            let reply: Reply = de(input, "reply");
            let n = flocash::parse_notification(&config, content_type(input), &body(input))?;
            let verified = flocash::verify_postback(&config, n, &reply)?;
            Ok(json!({"event": to_json(&verified.event())}))
        }
        "flocash.handle" => Ok(handle(input)),
        "flocash.poll_by_reference_request" => {
            let config: flocash::PollConfig = de(input, "poll_config");
            let trace = input["trace_number"].as_str().unwrap();
            Ok(to_json(&flocash::poll_by_reference_request(
                &config, trace,
            )?))
        }
        "flocash.poll_by_time_request" => {
            let config: flocash::PollConfig = de(input, "poll_config");
            let from = flocash::Timestamp::parse(input["from"].as_str().unwrap(), "fromTime")?;
            let to = flocash::Timestamp::parse(input["to"].as_str().unwrap(), "toTime")?;
            Ok(to_json(&flocash::poll_by_time_request(
                &config, &from, &to,
            )?))
        }
        "flocash.parse_poll_response" => {
            let config: flocash::PollConfig = de(input, "poll_config");
            let reply: Reply = de(input, "reply");
            let polled = flocash::parse_poll_response(&config, &reply)?;
            Ok(json!({"reply": to_json(&*polled), "events": to_json(&polled.events())}))
        }
        "flocash.poll_event" => {
            let config: flocash::PollConfig = de(input, "poll_config");
            let reply: Reply = de(input, "reply");
            let payment: PaymentSnapshot = de(input, "payment");
            let polled = flocash::parse_poll_response(&config, &reply)?;
            let outcomes: Vec<Value> = polled
                .events()
                .iter()
                .map(|e| to_json(&transition(&payment, e)))
                .collect();
            Ok(json!({"outcomes": outcomes}))
        }
        "ceca.checkout" => {
            let config: ceca::Config = de(input, "config");
            let order: ceca::Order = de(input, "order");
            Ok(to_json(&ceca::checkout(&config, &order)?))
        }
        "ceca.parse_notification" => {
            let config: ceca::Config = de(input, "config");
            let n = ceca::parse_notification(&config, content_type(input), &body(input))?;
            Ok(to_json(n.untrusted()))
        }
        "ceca.handle" => Ok(ceca_handle(input)),
        "ceca.refund_request" | "ceca.refund_response" => ceca_refund(op, input),
        "bitpay.invoice_request" => {
            let config: bitpay::Config = de(input, "config");
            let request: bitpay::InvoiceRequest = de(input, "request");
            let http = bitpay::invoice_request(&config, &request)?;
            let body: Value = serde_json::from_str(&http.body).unwrap();
            Ok(json!({"request": to_json(&http), "body": body}))
        }
        "bitpay.invoice_response" => {
            let config: bitpay::Config = de(input, "config");
            let reply: Reply = de(input, "reply");
            let invoice = bitpay::parse_invoice_response(&reply)?;
            Ok(
                json!({"invoice": to_json(&invoice), "form": to_json(&bitpay::checkout_form(&config, &invoice))}),
            )
        }
        "bitpay.handle" => Ok(bitpay_handle(input)),
        "bitpay.key" => bitpay_key(input),
        "bitpay.verify_signature" => {
            let text = |k: &str| input[k].as_str().unwrap();
            bitpay::verify_signature(text("identity"), text("message"), text("signature"))?;
            Ok(json!({}))
        }
        "bitpay.refund" => bitpay_refund(input),
        "bitpay.pairing_request" => {
            let key = bitpay::MerchantKey::from_secret(&de(input, "private_key"))?;
            let code = input.get("pairing_code").and_then(Value::as_str);
            let http = bitpay::pairing_request(input["api_url"].as_str().unwrap(), &key, code)?;
            let body: Value = serde_json::from_str(&http.body).unwrap();
            Ok(json!({"request": to_json(&http), "body": body}))
        }
        "bitpay.pairing_response" => {
            let reply: Reply = de(input, "reply");
            Ok(to_json(&bitpay::parse_pairing_response(&reply)?))
        }
        "paypal.checkout" => {
            let config: paypal::Config = de(input, "config");
            let order: paypal::Order = de(input, "order");
            Ok(to_json(&paypal::checkout(&config, &order)?))
        }
        "paypal.parse_notification" => {
            let config: paypal::Config = de(input, "config");
            let n = paypal::parse_notification(&config, content_type(input), &body(input))?;
            Ok(to_json(n.untrusted()))
        }
        "paypal.postback_request" => {
            let config: paypal::Config = de(input, "config");
            let n = paypal::parse_notification(&config, content_type(input), &body(input))?;
            Ok(to_json(&paypal::postback_request(&config, &n)))
        }
        "paypal.handle" => Ok(paypal_handle(input)),
        "paypal.nvp_set_express_checkout" => {
            let config: paypal::Config = de(input, "config");
            let order: paypal::ExpressOrder = de(input, "order");
            nvp_request(paypal::set_express_checkout_request(&config, &order)?)
        }
        "paypal.nvp_get_express_checkout_details" => {
            let config: paypal::Config = de(input, "config");
            let token = input["token"].as_str().unwrap();
            nvp_request(paypal::get_express_checkout_details_request(
                &config, token,
            )?)
        }
        "paypal.nvp_do_express_checkout_payment" => {
            let config: paypal::Config = de(input, "config");
            let order: paypal::ExpressOrder = de(input, "order");
            let (token, payer) = (input["token"].as_str().unwrap(), input["payer_id"].as_str());
            nvp_request(paypal::do_express_checkout_payment_request(
                &config,
                token,
                payer.unwrap(),
                &order,
            )?)
        }
        "paypal.nvp_refund_transaction" => {
            let config: paypal::Config = de(input, "config");
            let amount = match input.get("amount") {
                // A host passes this as the call's `amount` argument, and every binding names
                // it in the error (`field: "amount"`): so does this runner.
                Some(a) if !a.is_null() => Some(amount_in(a).map_err(|e| e.with_field("amount"))?),
                _ => None,
            };
            let txn = input["transaction_id"].as_str().unwrap();
            nvp_request(paypal::refund_transaction_request(&config, txn, amount)?)
        }
        "paypal.nvp_parse_response" => {
            let reply: Reply = de(input, "reply");
            Ok(to_json(&paypal::parse_nvp_response(&reply)?))
        }
        "paypal.nvp_payment_event" | "paypal.nvp_refund_event" => {
            let config: paypal::Config = de(input, "config");
            let reply: Reply = de(input, "reply");
            let reply = paypal::parse_nvp_response(&reply)?;
            let invoice = input["invoice"].as_str().unwrap();
            let event = if op == "paypal.nvp_payment_event" {
                paypal::payment_event(&config, invoice, &reply)?
            } else {
                paypal::refund_event(&config, invoice, &reply)?
            };
            let mut result = json!({"event": to_json(&*event)});
            if input.get("payment").is_some() {
                let payment: PaymentSnapshot = de(input, "payment");
                result["outcome"] = to_json(&transition(&payment, &event));
            }
            Ok(result)
        }
        "paypal.nvp_redirect" => {
            let config: paypal::Config = de(input, "config");
            let token = input["token"].as_str().unwrap();
            Ok(to_json(&paypal::express_checkout_redirect(&config, token)))
        }
        "elavon.hash" => {
            let fields: Vec<String> = de(input, "fields");
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            Ok(json!({"hash": elavon::hash(&fields, input["secret"].as_str().unwrap())}))
        }
        "elavon.checkout" => {
            let config: elavon::Config = de(input, "config");
            let order: elavon::Order = de(input, "order");
            Ok(to_json(&elavon::checkout(&config, &order)?))
        }
        "elavon.handle" => Ok(elavon_handle(input)),
        "elavon.remote_request" => {
            let config: elavon::Config = de(input, "config");
            let op: elavon::RemoteOperation = de(input, "operation");
            Ok(to_json(&elavon::remote_request(&config, &op)?))
        }
        "elavon.remote_response" => {
            let config: elavon::Config = de(input, "config");
            let op: elavon::RemoteOperation = de(input, "operation");
            let reply: Reply = de(input, "reply");
            let event = elavon::parse_remote_response(&config, &op, &reply)?;
            let mut result = json!({"event": to_json(&*event)});
            if input.get("payment").is_some() {
                let payment: PaymentSnapshot = de(input, "payment");
                result["outcome"] = to_json(&transition(&payment, &event));
            }
            Ok(result)
        }
        "redsys.order_key" => {
            let config: redsys::Config = de(input, "config");
            Ok(json!({"order_key": redsys::order_key(&config, input["order"].as_str().unwrap())?}))
        }
        "redsys.sign" => {
            let config: redsys::Config = de(input, "config");
            let order = input["order"].as_str().unwrap();
            let message = input["message"].as_str().unwrap();
            Ok(json!({"signature": redsys::sign(&config, order, message.as_bytes())?}))
        }
        "redsys.checkout" => {
            let config: redsys::Config = de(input, "config");
            let order: redsys::Order = de(input, "order");
            Ok(to_json(&redsys::checkout(&config, &order)?))
        }
        "redsys.checkout_parameters" => {
            let config: redsys::Config = de(input, "config");
            let order: redsys::Order = de(input, "order");
            let form = redsys::checkout(&config, &order)?;
            let text = &form
                .fields
                .iter()
                .find(|(n, _)| n == "Ds_MerchantParameters")
                .unwrap()
                .1;
            let json = base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap();
            Ok(json!({"parameters": serde_json::from_slice::<Value>(&json).unwrap()}))
        }
        "redsys.parse_notification" => {
            let config: redsys::Config = de(input, "config");
            let n = redsys::parse_notification(&config, content_type(input), &body(input))?;
            Ok(to_json(n.untrusted()))
        }
        "redsys.verify" => {
            let config: redsys::Config = de(input, "config");
            let n = redsys::parse_notification(&config, content_type(input), &body(input))?;
            let verified = redsys::verify(&config, n)?;
            let parameters: serde_json::Map<String, Value> = verified
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            Ok(json!({
                "notification": to_json(&*verified),
                "parameters": parameters,
                "event": to_json(&verified.event()),
            }))
        }
        "redsys.soap_answer" => {
            let config: redsys::Config = de(input, "config");
            let accept = input["accept"].as_bool().unwrap();
            Ok(to_json(&redsys::soap_answer(
                &config,
                input["order"].as_str().unwrap(),
                accept,
            )?))
        }
        "redsys.handle" => Ok(redsys_handle(input)),
        "redsys.operation_request" => {
            let config: redsys::Config = de(input, "config");
            let operation: redsys::Operation = de(input, "operation");
            let request = redsys::operation_request(&config, &operation)?;
            let body: Value = serde_json::from_str(&request.body).unwrap();
            let text = body["Ds_MerchantParameters"].as_str().unwrap();
            let json = base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap();
            Ok(json!({
                "request": to_json(&request),
                "body": body,
                "parameters": serde_json::from_slice::<Value>(&json).unwrap(),
            }))
        }
        "redsys.operation_response" => {
            let config: redsys::Config = de(input, "config");
            let reply: Reply = de(input, "reply");
            let verified = redsys::parse_operation_response(&config, &reply)?;
            let mut result =
                json!({"notification": to_json(&*verified), "event": to_json(&verified.event())});
            if input.get("payment").is_some() {
                let payment: PaymentSnapshot = de(input, "payment");
                result["outcome"] = to_json(&transition(&payment, &verified.event()));
            }
            Ok(result)
        }
        "redsys.status" => {
            let response = redsys::normalize_response(input["response"].as_str().unwrap())
                .ok_or_else(|| {
                    Error::new(vpos_core::ErrorCode::FieldInvalid, "bad response")
                        .with_field("Ds_Response")
                })?;
            let (action, status) =
                redsys::map_status(input["transaction_type"].as_str().unwrap(), &response);
            Ok(json!({"action": action, "status": status.as_str(), "response": response}))
        }
        "driver.status_query" => status_query(input),
        "driver.checkout" => driver_checkout(input),
        "driver.notification" => Ok(driver_notification(input)),
        "driver.operation" => driver_operation(input),
        "driver.operation_key" => {
            let gateway = driver::gateway(input["gateway"].as_str().unwrap())?;
            let kind: driver::OperationKind = de(input, "kind");
            let sequence = u32::try_from(input["sequence"].as_u64().unwrap()).unwrap();
            let key = driver::operation_key(
                gateway,
                input["merchant"].as_str().unwrap(),
                input["order_id"].as_str().unwrap(),
                kind,
                sequence,
            );
            Ok(json!({ "key": key }))
        }
        "driver.retry_after" => {
            let gateway = driver::gateway(input["gateway"].as_str().unwrap())?;
            // A word (`not_sent`, `no_answer`, `refused`), or the reply the core could not use.
            let failure: driver::Failure = if input["failure"].is_string() {
                de(input, "failure")
            } else {
                driver::Failure::of_reply(&de(input, "failure"))
            };
            let policy: driver::RetryPolicy = match input.get("policy") {
                Some(_) => de(input, "policy"),
                None => driver::RetryPolicy::default(),
            };
            let attempt = u32::try_from(input["attempt"].as_u64().unwrap()).unwrap();
            let wait = driver::retry_after(&policy, gateway, attempt, &failure);
            Ok(json!({ "wait_ms": wait }))
        }
        op if op.starts_with("redsys.emv3ds_") => redsys_emv3ds(op, input),
        "redsys.paygold_request" => {
            let config: redsys::Config = de(input, "config");
            Ok(to_json(&redsys::paygold::request(
                &config,
                &de(input, "link"),
            )?))
        }
        "redsys.paygold_reply" => {
            let config: redsys::Config = de(input, "config");
            let link =
                redsys::paygold::parse_reply(&config, &de(input, "link"), &de(input, "reply"))?;
            Ok(to_json(&link))
        }
        other => panic!("unknown operation {other}"),
    }
}

/// Host-to-host EMV3DS over Redsys REST (`tests/vectors/redsys/emv3ds_rest.json`).
fn redsys_emv3ds(op: &str, input: &Value) -> Outcome {
    use redsys::emv3ds;
    let config: redsys::Config = de(input, "config");
    let payment = || -> emv3ds::Payment { de(input, "payment") };
    match op {
        "redsys.emv3ds_inicia_request" => Ok(to_json(&emv3ds::inicia_peticion_request(
            &config,
            &payment(),
        )?)),
        "redsys.emv3ds_trata_request" => Ok(to_json(&emv3ds::trata_peticion_request(
            &config,
            &payment(),
            &de(input, "authentication"),
        )?)),
        "redsys.emv3ds_challenge_request" => Ok(to_json(&emv3ds::challenge_response_request(
            &config,
            &payment(),
            &de(input, "challenge"),
        )?)),
        "redsys.emv3ds_inicia_response" => {
            let card =
                emv3ds::parse_inicia_peticion_response(&config, &payment(), &de(input, "reply"))?;
            let url = input["notification_url"]
                .as_str()
                .unwrap_or("https://shop.example/m");
            let form = emv3ds::three_ds_method_form(&card, url)?;
            Ok(json!({"card": to_json(&card), "method_form": to_json(&form)}))
        }
        "redsys.emv3ds_method_data" => {
            let id = emv3ds::parse_three_ds_method_data(input["data"].as_str().unwrap())?;
            Ok(json!({"three_ds_server_trans_id": id}))
        }
        "redsys.emv3ds_trata_response" => {
            match emv3ds::parse_trata_peticion_response(&config, &payment(), &de(input, "reply"))? {
                emv3ds::Step::Final(verified) => Ok(json!({
                    "kind": "final",
                    "notification": to_json(&**verified),
                    "event": to_json(&verified.event()),
                })),
                emv3ds::Step::Challenge(challenge) => Ok(json!({
                    "kind": "challenge",
                    "challenge": to_json(&challenge),
                    "form": to_json(&challenge.form()),
                })),
            }
        }
        "redsys.emv3ds_challenge_response" => {
            let verified =
                emv3ds::parse_challenge_response(&config, &payment(), &de(input, "reply"))?;
            Ok(json!({"notification": to_json(&*verified), "event": to_json(&verified.event())}))
        }
        other => panic!("unknown operation {other}"),
    }
}

/// A status query as a host runs it: the request, the reply read, and (with `payment`) each
/// event through `transition` in order, every `applied` outcome stored on the snapshot
/// (status, the three totals, the event's key) before the next event.
fn status_query(input: &Value) -> Outcome {
    let config = driver::Config::from_json(&input["config"])?;
    let query: driver::StatusQuery = de(input, "query");
    let request = driver::status_query_request(&config, &query)?;
    let reply: Reply = de(input, "reply");
    let answer = driver::parse_status_reply(&config, &query, &reply)?;
    let mut result = json!({
        "request": to_json(&request),
        "found": answer.found,
        "events": answer.events.iter().map(|e| to_json(&**e)).collect::<Vec<_>>(),
        "payment_fields": to_json(&answer.payment_fields),
    });
    if input.get("payment").is_some() {
        let mut payment: PaymentSnapshot = de(input, "payment");
        let mut outcomes = Vec::new();
        for event in &answer.events {
            let outcome = transition(&payment, event);
            if let vpos_core::Outcome::Applied {
                to,
                refunded_minor,
                captured_minor,
                released_minor,
                ..
            } = &outcome
            {
                payment.status = *to;
                payment.refunded_minor = *refunded_minor;
                payment.captured_minor = Some(*captured_minor);
                payment.released_minor = *released_minor;
                payment.applied_event_keys.push(event.key().to_string());
            }
            outcomes.push(to_json(&outcome));
        }
        result["outcomes"] = Value::Array(outcomes);
    }
    Ok(result)
}

/// A checkout through the driver: `order` (tagged) or `order_request` (mapped with
/// `Order::for_payment` for the configuration's gateway); the form, or the request and, with
/// `reply`, what `parse_checkout_reply` reads from it.
fn driver_checkout(input: &Value) -> Outcome {
    let config = driver::Config::from_json(&input["config"])?;
    let order = match input.get("order_request") {
        Some(r) => driver::Order::for_payment(
            config.gateway(),
            &vpos_core::json::from_value(r, vpos_core::ErrorCode::FieldInvalid)?,
        )?,
        None => driver::Order::from_json(&input["order"])?,
    };
    let mut result = json!({});
    match driver::checkout(&config, &order)? {
        driver::Checkout::Form(form) => result["form"] = to_json(&form),
        driver::Checkout::NeedsReply(request) => {
            result["request"] = to_json(&request);
            if input.get("reply").is_some() {
                let reply: Reply = de(input, "reply");
                let read = driver::parse_checkout_reply(&config, &reply)?;
                result["form"] = to_json(&read.form);
                result["reference"] = json!(read.reference);
            }
        }
    }
    Ok(result)
}

/// A notification through the driver as a host runs it: parse (with `headers` as
/// `[[name, value], …]` and the host's `now_unix`), summary, prove (performing its request
/// with `reply`), transition on `payment`, acknowledge; any error goes to `reject`.
fn driver_notification(input: &Value) -> Value {
    let config = match driver::Config::from_json(&input["config"]) {
        Ok(c) => c,
        Err(e) => return json!({"error": to_json(&e)}),
    };
    let headers: Vec<(String, String)> = match input.get("headers") {
        Some(h) => de(&json!({ "h": h }), "h"),
        None => Vec::new(),
    };
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let raw = body(input);
    let request = driver::Request {
        content_type: content_type(input),
        body: &raw,
        token: input.get("token").and_then(Value::as_str),
        headers: &header_refs,
        now_unix: input.get("now_unix").and_then(Value::as_i64),
        ..driver::Request::default()
    };
    let mut result = json!({});
    let steps = |result: &mut Value| -> Result<driver::Answer, Error> {
        let unverified = driver::parse_notification(&config, &request)?;
        result["summary"] = to_json(&unverified.summary());
        let verified = match driver::prove(&config, unverified)? {
            driver::Proof::Verified(v) => v,
            driver::Proof::NeedsReply { request, pending } => {
                result["request"] = to_json(&request);
                pending.finish(&config, &de(input, "reply"))?
            }
        };
        let event = verified.event();
        result["event"] = to_json(&event);
        let payment: PaymentSnapshot = de(input, "payment");
        let outcome = transition(&payment, &event);
        result["outcome"] = to_json(&outcome);
        driver::acknowledge(&config, &verified, &outcome)
    };
    let answer = match steps(&mut result) {
        Ok(answer) => answer,
        Err(e) => {
            result["error"] = to_json(&e);
            driver::reject(config.gateway(), &e)
        }
    };
    result["answer"] = to_json(&answer);
    result
}

/// An operation through the driver: the request, and with `reply` the event, what it leaves
/// on the payment and (with `payment`) the transition and the operation's settled status.
fn driver_operation(input: &Value) -> Outcome {
    let config = driver::Config::from_json(&input["config"])?;
    let operation: driver::Operation = de(input, "operation");
    let request = driver::operation_request(&config, &operation)?;
    let mut result = json!({"request": to_json(&request)});
    if input.get("reply").is_none() {
        return Ok(result);
    }
    let reply = driver::parse_operation_reply(&config, &operation, &de(input, "reply"))?;
    result["event"] = to_json(&*reply.event);
    result["payment_fields"] = to_json(&reply.payment_fields);
    if input.get("payment").is_some() {
        let payment: PaymentSnapshot = de(input, "payment");
        let outcome = transition(&payment, &reply.event);
        let status = driver::OperationStatus::after_reply(operation.kind, &reply.event, &outcome);
        result["outcome"] = to_json(&outcome);
        result["status"] = to_json(&status);
    }
    Ok(result)
}

/// The whole notification flow as a host runs it: token, parse, post-back, transition, answer.
fn handle(input: &Value) -> Value {
    let config: flocash::Config = de(input, "config");
    let steps = || -> Result<vpos_core::Outcome, Error> {
        if let Some(token) = input.get("token").and_then(Value::as_str) {
            config.check_token(token)?;
        }
        let n = flocash::parse_notification(&config, content_type(input), &body(input))?;
        let reply: Reply = de(input, "reply");
        let verified = flocash::verify_postback(&config, n, &reply)?;
        let payment: PaymentSnapshot = de(input, "payment");
        Ok(transition(&payment, &verified.event()))
    };
    match steps() {
        Ok(outcome) => {
            json!({"outcome": to_json(&outcome), "response": to_json(&flocash::acknowledge(&outcome))})
        }
        Err(e) => json!({"error": to_json(&e), "response": to_json(&flocash::reject(&e))}),
    }
}

/// The CECA host flow: parse, verify, transition, answer.
fn ceca_handle(input: &Value) -> Value {
    let config: ceca::Config = de(input, "config");
    let steps = || -> Result<vpos_core::Outcome, Error> {
        let n = ceca::parse_notification(&config, content_type(input), &body(input))?;
        let verified = ceca::verify(&config, n)?;
        let payment: PaymentSnapshot = de(input, "payment");
        Ok(transition(&payment, &verified.event()))
    };
    match steps() {
        Ok(outcome) => {
            json!({"outcome": to_json(&outcome), "response": to_json(&ceca::acknowledge(&outcome))})
        }
        Err(e) => json!({"error": to_json(&e), "response": to_json(&ceca::reject(&e))}),
    }
}

/// The Elavon host flow: parse, verify, transition, answer.
fn elavon_handle(input: &Value) -> Value {
    let config: elavon::Config = de(input, "config");
    let steps = || -> Result<(Value, vpos_core::Outcome), Error> {
        let n = elavon::parse_notification(&config, content_type(input), &body(input))?;
        let verified = elavon::verify(&config, n)?;
        let payment: PaymentSnapshot = de(input, "payment");
        Ok((to_json(&*verified), transition(&payment, &verified.event())))
    };
    match steps() {
        Ok((n, outcome)) => {
            json!({"notification": n, "outcome": to_json(&outcome), "response": to_json(&elavon::acknowledge(&outcome))})
        }
        Err(e) => json!({"error": to_json(&e), "response": to_json(&elavon::reject(&e))}),
    }
}

/// The PayPal IPN host flow: parse, post back, transition, answer.
fn paypal_handle(input: &Value) -> Value {
    let config: paypal::Config = de(input, "config");
    let steps = || -> Result<vpos_core::Outcome, Error> {
        let n = paypal::parse_notification(&config, content_type(input), &body(input))?;
        let reply: Reply = de(input, "reply");
        let verified = paypal::verify_postback(&config, n, &reply)?;
        let payment: PaymentSnapshot = de(input, "payment");
        Ok(transition(&payment, &verified.event()))
    };
    match steps() {
        Ok(outcome) => {
            json!({"outcome": to_json(&outcome), "response": to_json(&paypal::acknowledge(&outcome))})
        }
        Err(e) => json!({"error": to_json(&e), "response": to_json(&paypal::reject(&e))}),
    }
}

/// The Bitpay host flow: parse, fetch the invoice, transition, answer.
fn bitpay_handle(input: &Value) -> Value {
    let config: bitpay::Config = de(input, "config");
    let steps = || -> Result<(Value, vpos_core::Outcome), Error> {
        let n = bitpay::parse_notification(&config, content_type(input), &body(input))?;
        let request = bitpay::invoice_status_request(&config, &n);
        let reply: Reply = de(input, "reply");
        let verified = bitpay::verify_invoice(n, &reply)?;
        let payment: PaymentSnapshot = de(input, "payment");
        Ok((to_json(&request), transition(&payment, &verified.event())))
    };
    match steps() {
        Ok((request, outcome)) => {
            json!({"fetch": request, "outcome": to_json(&outcome), "response": to_json(&bitpay::acknowledge(&outcome))})
        }
        Err(e) => json!({"error": to_json(&e), "response": to_json(&bitpay::reject(&e))}),
    }
}

/// A merchant-facade key: its `X-Identity` and SIN, and with `message` its `X-Signature`.
fn bitpay_key(input: &Value) -> Outcome {
    let key = bitpay::MerchantKey::from_secret(&de(input, "private_key"))?;
    let mut result = json!({"identity": key.identity(), "sin": key.sin()});
    if let Some(message) = input.get("message").and_then(Value::as_str) {
        result["signature"] = json!(key.sign(message));
    }
    Ok(result)
}

/// A Bitpay refund through the driver's one operation path: the request (its body decoded),
/// the verified reply's event and, with `payment`, its transition.
fn bitpay_refund(input: &Value) -> Outcome {
    let mut tagged = input["config"].clone();
    tagged["gateway"] = json!("bitpay");
    let config = driver::Config::from_json(&tagged)?;
    let operation: driver::Operation = de(input, "operation");
    let request = driver::operation_request(&config, &operation)?;
    let body: Value = serde_json::from_str(&request.body).unwrap();
    let mut result = json!({"request": to_json(&request), "body": body});
    if input.get("reply").is_some() {
        let reply: Reply = de(input, "reply");
        let answer = driver::parse_operation_reply(&config, &operation, &reply)?;
        result["event"] = to_json(&*answer.event);
        if input.get("payment").is_some() {
            let payment: PaymentSnapshot = de(input, "payment");
            result["outcome"] = to_json(&transition(&payment, &answer.event));
        }
    }
    Ok(result)
}

/// The Redsys host flow: parse, verify, transition, answer; errors answered with `reject`.
fn redsys_handle(input: &Value) -> Value {
    let config: redsys::Config = de(input, "config");
    let steps = || -> Result<(vpos_core::Outcome, vpos_core::HttpResponse), Error> {
        let n = redsys::parse_notification(&config, content_type(input), &body(input))?;
        let verified = redsys::verify(&config, n)?;
        let payment: PaymentSnapshot = de(input, "payment");
        let outcome = transition(&payment, &verified.event());
        let response = redsys::acknowledge(&config, &verified, &outcome)?;
        Ok((outcome, response))
    };
    match steps() {
        Ok((outcome, response)) => {
            json!({"outcome": to_json(&outcome), "response": to_json(&response)})
        }
        Err(e) => json!({"error": to_json(&e), "response": to_json(&redsys::reject(&e))}),
    }
}

/// An NVP request as `{request, fields}`: the body decoded back into its pairs, in order, so a
/// vector can name every field the call sends.
fn nvp_request(request: vpos_core::HttpRequest) -> Outcome {
    let fields = vpos_core::form::parse_urlencoded(request.body.as_bytes(), usize::MAX)?;
    Ok(json!({"request": to_json(&request), "fields": to_json(&fields)}))
}

/// An input amount (`{currency, value | minor}`) read by the core, so a bad one is a vector's
/// expected error rather than a runner panic.
fn amount_in(v: &Value) -> Result<Amount, Error> {
    let currency = Currency::from_code(v["currency"].as_str().unwrap())?;
    match v.get("value") {
        Some(value) => Amount::parse(value.as_str().unwrap(), currency),
        None => Amount::from_minor(v["minor"].as_i64().unwrap(), currency),
    }
}

fn subset(expect: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expect, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a
                    .get(k)
                    .ok_or_else(|| format!("{path}.{k} missing in {actual}"))?;
                subset(ev, av, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .try_for_each(|(i, (ev, av))| subset(ev, av, &format!("{path}[{i}]")))
        }
        _ if expect == actual => Ok(()),
        _ => Err(format!("{path}: expected {expect}, got {actual}")),
    }
}

/// Where every runner writes the manifest of what it ran (`scripts/vector_parity.py` compares
/// them): `target/vector-runs/<runtime>.json`.
fn manifest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/vector-runs")
}

/// One file's record in the manifest: every case is either ran (and passed or failed) or
/// skipped with a reason (this runner skips none); an error case's actual `{code, field}`.
#[derive(Default)]
struct FileRun {
    cases: usize,
    ran: Vec<usize>,
    failed: Vec<usize>,
    errors: serde_json::Map<String, Value>,
}

/// `target/vector-runs/rust.json`, and one line per file on the terminal (written to stderr
/// directly, so the test harness does not capture it).
fn write_manifest(runs: &[(String, FileRun)]) {
    use std::io::Write as _;
    let mut files = serde_json::Map::new();
    let mut err = std::io::stderr().lock();
    for (name, run) in runs {
        let _ = writeln!(
            err,
            "vectors rust: {name}: {} cases, {} ran, {} failed, 0 skipped",
            run.cases,
            run.ran.len(),
            run.failed.len()
        );
        files.insert(
            name.clone(),
            json!({
                "cases": run.cases,
                "ran": run.ran,
                "failed": run.failed,
                "skipped": [],
                "errors": run.errors,
            }),
        );
    }
    let manifest = json!({
        "runtime": "rust",
        "run_id": std::env::var("VPOS_VECTOR_RUN_ID").ok(),
        "files": files,
    });
    let dir = manifest_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("rust.json"),
        serde_json::to_string_pretty(&manifest).unwrap() + "\n",
    )
    .unwrap();
}

#[test]
fn every_vector() {
    let mut paths = Vec::new();
    for dir in vector_dirs().iter().filter(|d| d.is_dir()) {
        files(dir, &mut paths);
    }
    assert!(paths.len() >= 20, "only {} vector files found", paths.len());
    for area in [
        "bitpay", "ceca", "elavon", "flocash", "money", "paypal", "redsys",
    ] {
        let dir = format!("vectors/{area}/");
        assert!(
            paths.iter().any(|p| p.to_string_lossy().contains(&dir)),
            "no vector files under tests/{dir}"
        );
    }
    let root = vector_dirs().remove(0);
    let (mut ran, mut failures, mut runs) = (0, Vec::new(), Vec::new());
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let file: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let defaults = file.get("defaults").cloned().unwrap_or_else(|| json!({}));
        let cases = file["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no cases", path.display()));
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let mut run_of_file = FileRun {
            cases: cases.len(),
            ..FileRun::default()
        };
        for (index, case) in cases.iter().enumerate() {
            let desc = case["description"].as_str().expect("description");
            assert!(case.get("source").is_some(), "{desc}: no source");
            let mut input = defaults.clone();
            for (k, v) in case["input"].as_object().expect("input object") {
                input[k] = v.clone();
            }
            let op = case["operation"].as_str().expect("operation");
            let result = run(op, &input);
            if let Err(err) = &result {
                run_of_file.errors.insert(
                    index.to_string(),
                    json!({"code": err.code().as_str(), "field": err.field()}),
                );
            }
            let verdict = match (case.get("expect"), case.get("error"), result) {
                (Some(e), None, Ok(actual)) => subset(e, &actual, "expect"),
                (None, Some(e), Err(err)) => subset(e, &to_json(&err), "error"),
                (Some(_), None, Err(err)) => {
                    Err(format!("expected success, got error {}", to_json(&err)))
                }
                (None, Some(_), Ok(actual)) => Err(format!("expected an error, got {actual}")),
                _ => Err("a case needs exactly one of expect / error".into()),
            };
            ran += 1;
            run_of_file.ran.push(index);
            if let Err(why) = verdict {
                run_of_file.failed.push(index);
                failures.push(format!("{name} #{index} — {desc}: {why}"));
            }
        }
        runs.push((name, run_of_file));
    }
    write_manifest(&runs);
    assert!(
        failures.is_empty(),
        "{} of {ran} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{ran} vectors passed");
}

/// CECA refunds through the driver's one operation path (`operation_request`,
/// `parse_operation_reply`), as hosts call it; with `payment`, the event through `transition`.
fn ceca_refund(op: &str, input: &Value) -> Result<Value, Error> {
    let config = driver::Config::new(vpos_core::gateways::Gateway::Ceca, &input["config"])?;
    let operation: driver::Operation = de(input, "operation");
    if op == "ceca.refund_request" {
        return Ok(to_json(&driver::operation_request(&config, &operation)?));
    }
    let reply: Reply = de(input, "reply");
    let answer = driver::parse_operation_reply(&config, &operation, &reply)?;
    let mut result = json!({"event": to_json(&*answer.event)});
    if input.get("payment").is_some() {
        let payment: PaymentSnapshot = de(input, "payment");
        result["outcome"] = to_json(&transition(&payment, &answer.event));
    }
    Ok(result)
}

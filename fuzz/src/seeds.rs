//! Seed inputs for every target, read from the shared vectors (`tests/vectors/`): the bodies
//! and reply bodies the cases feed the core, plus what a target also reads its input as (the
//! Redsys parameters JSON and `<Request>` markup, Elavon Remote requests, amounts with their
//! currency byte). Used by `bin/seed.rs` (the corpus for libFuzzer) and `tests/replay.rs`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vpos_core::Currency;
use vpos_core::gateways::elavon;

/// `tests/vectors` of this checkout.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every case of a vector file, its `input` laid over the file's `defaults`.
fn cases(file: &str) -> Vec<(String, Value)> {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let defaults = doc.get("defaults").cloned().unwrap_or(Value::Null);
    doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            let mut input = defaults.as_object().cloned().unwrap_or_default();
            for (k, v) in case["input"].as_object().expect("input") {
                input.insert(k.clone(), v.clone());
            }
            (
                case["operation"].as_str().unwrap_or_default().to_string(),
                Value::Object(input),
            )
        })
        .collect()
}

fn body(input: &Value) -> Option<Vec<u8>> {
    if let Some(b) = input.get("body_base64").and_then(Value::as_str) {
        return crate::base64_decode(b);
    }
    input
        .get("body")
        .and_then(Value::as_str)
        .map(|b| b.as_bytes().to_vec())
}

fn reply_body(input: &Value) -> Option<Vec<u8>> {
    input
        .get("reply")
        .and_then(|r| r.get("body"))
        .and_then(Value::as_str)
        .map(|b| b.as_bytes().to_vec())
}

fn is_xml(input: &Value) -> bool {
    input
        .get("content_type")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains("xml"))
}

/// The request and reply bodies of every case of `files` whose operation starts with one of
/// `operations` (all when empty).
fn bodies(files: &[&str], operations: &[&str], out: &mut Vec<Vec<u8>>) {
    for file in files {
        for (op, input) in cases(file) {
            if operations.is_empty() || operations.iter().any(|o| op.starts_with(o)) {
                out.extend(body(&input));
                out.extend(reply_body(&input));
            }
        }
    }
}

/// The decoded `Ds_MerchantParameters` JSON of a Redsys form body or REST reply.
fn redsys_parameters(body: &[u8]) -> Option<Vec<u8>> {
    let text = match vpos_core::form::parse_urlencoded(body, usize::MAX) {
        Ok(form) => {
            form.into_iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Ds_MerchantParameters"))?
                .1
        }
        Err(_) => serde_json::from_slice::<Value>(body)
            .ok()?
            .get("Ds_MerchantParameters")?
            .as_str()?
            .to_string(),
    };
    let text = text.replace('-', "+").replace('_', "/");
    let text = text.trim_end_matches('=');
    let padded = format!("{text}{}", "=".repeat((4 - text.len() % 4) % 4));
    crate::base64_decode(&padded)
}

/// The `<Request …>…</Request>` markup inside a SOAP notification envelope.
fn soap_request(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body)
        .ok()?
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let start = text.find("<Request")?;
    let end = text.rfind("</Request>")? + "</Request>".len();
    Some(text.as_bytes()[start..end].to_vec())
}

/// The seeds of `target`, deduplicated, in a stable order.
pub fn for_target(target: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    match target {
        "amount" => {
            let all: Vec<Currency> = Currency::all().collect();
            for (op, input) in cases("money/amounts.json") {
                let code = input["currency"].as_str().unwrap_or_default();
                let index = all.iter().position(|c| c.code() == code).unwrap_or(0);
                let value = match op.as_str() {
                    "money.parse" => input["value"].as_str().unwrap_or_default().to_string(),
                    _ => input["minor"].to_string(),
                };
                let mut seed = vec![index as u8];
                seed.extend_from_slice(value.as_bytes());
                out.push(seed);
            }
        }
        "bitpay_invoice" => bodies(&["bitpay/bitpay.json"], &[], &mut out),
        "bitpay_v2" => bodies(&["bitpay/v2.json"], &[], &mut out),
        "bitpay_refund_notification" => {
            bodies(&["bitpay/refund_notifications.json"], &[], &mut out)
        }
        "ceca_notification" => bodies(&["ceca/ceca.json"], &[], &mut out),
        "ceca_refund" => bodies(
            &["ceca/3ds_refund.json"],
            &["ceca.refund_response"],
            &mut out,
        ),
        "elavon_hpp" => bodies(&["elavon/elavon.json"], &["elavon.handle"], &mut out),
        "elavon_remote" => {
            bodies(&["elavon/elavon.json"], &["elavon.remote"], &mut out);
            // Requests as Elavon receives them, made by the core's own request builder.
            for (op, input) in cases("elavon/elavon.json") {
                if op != "elavon.remote_request" {
                    continue;
                }
                let config: Result<elavon::Config, _> =
                    serde_json::from_value(input["config"].clone());
                let operation: Result<elavon::RemoteOperation, _> =
                    serde_json::from_value(input["operation"].clone());
                if let (Ok(config), Ok(operation)) = (config, operation)
                    && let Ok(request) = elavon::remote_request(&config, &operation)
                {
                    out.push(request.body.into_bytes());
                }
            }
        }
        "flocash_notification" => bodies(
            &[
                "flocash/notification.json",
                "flocash/postback.json",
                "flocash/transition.json",
            ],
            &[],
            &mut out,
        ),
        "flocash_poll" => bodies(&["flocash/poll.json"], &["flocash.p"], &mut out),
        "paypal_ipn" => bodies(&["paypal/paypal.json"], &[], &mut out),
        "paypal_nvp" => bodies(&["paypal/nvp.json"], &[], &mut out),
        "redsys_notification" | "redsys_soap" => {
            let soap = target == "redsys_soap";
            for file in [
                "redsys/notification.json",
                "redsys/handle.json",
                "redsys/sha512.json",
                "redsys/soap.json",
            ] {
                for (_, input) in cases(file) {
                    let Some(b) = body(&input) else { continue };
                    if is_xml(&input) != soap {
                        continue;
                    }
                    let also = if soap {
                        soap_request(&b)
                    } else {
                        redsys_parameters(&b)
                    };
                    out.extend(also);
                    out.push(b);
                }
            }
        }
        "redsys_emv3ds" => {
            for (op, input) in cases("redsys/emv3ds_rest.json") {
                if !op.ends_with("_response") {
                    continue;
                }
                let Some(b) = reply_body(&input) else {
                    continue;
                };
                out.extend(redsys_parameters(&b));
                out.push(b);
            }
        }
        "redsys_paygold" => {
            for (op, input) in cases("redsys/paygold.json") {
                if op != "redsys.paygold_reply" {
                    continue;
                }
                let Some(b) = reply_body(&input) else {
                    continue;
                };
                out.extend(redsys_parameters(&b));
                out.push(b);
            }
        }
        "redsys_rest" => {
            for (op, input) in cases("redsys/rest.json") {
                if op != "redsys.operation_response" {
                    continue;
                }
                let Some(b) = reply_body(&input) else {
                    continue;
                };
                out.extend(redsys_parameters(&b));
                out.push(b);
            }
        }
        // No shared vector feeds the status query (yet): replies written here, in the shapes
        // the public clients read (hyperswitch's Redsys connector, Redsys query PHP clients).
        "redsys_query" => {
            let op = |t: &str, amount: &str, response: &str, date: &str| {
                format!(
                    concat!(
                        r#"<Response Ds_Version="0.0"><Ds_MerchantCode>999008881</Ds_MerchantCode>"#,
                        "<Ds_Terminal>001</Ds_Terminal><Ds_Order>{}</Ds_Order>",
                        "<Ds_TransactionType>{}</Ds_TransactionType><Ds_Date>{}</Ds_Date>",
                        "<Ds_Hour>12:00</Ds_Hour><Ds_Amount>{}</Ds_Amount><Ds_Currency>978</Ds_Currency>",
                        "<Ds_State>F</Ds_State><Ds_Response>{}</Ds_Response>",
                        "<Ds_AuthorisationCode>123456</Ds_AuthorisationCode></Response>"
                    ),
                    crate::REDSYS_QUERY_ORDER,
                    t,
                    date,
                    amount,
                    response
                )
            };
            let messages = |inner: &str| {
                format!(
                    r#"<Messages><Version Ds_Version="0.0"><Message>{inner}</Message></Version></Messages>"#
                )
            };
            let escape = |s: &str| {
                s.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            };
            let sale_and_refund = messages(&format!(
                "{}{}",
                op("0", "145", "0000", "06/12/2026"),
                op("3", "45", "0900", "07/12/2026")
            ));
            let preauth = messages(&format!(
                "{}{}",
                op("1", "145", "0000", "2026-12-06"),
                op("2", "145", "0900", "2026-12-08")
            ));
            let none = messages("<ErrorMsg><Ds_ErrorCode>XML0024</Ds_ErrorCode></ErrorMsg>");
            for m in [&sale_and_refund, &preauth, &none] {
                out.push(crate::redsys_query_envelope(&escape(m)).into_bytes());
                out.push(m.as_bytes().to_vec());
            }
            out.push(crate::redsys_query_envelope(&sale_and_refund).into_bytes());
        }
        // No shared vector feeds REST webhooks (yet): the core's signed fixture, its test
        // certificate (the input is read as one too), and envelopes of the other mapped
        // event types in the shapes of PayPal's samples.
        "paypal_webhook" => {
            out.push(crate::PAYPAL_WEBHOOK_BODY.to_vec());
            out.push(crate::PAYPAL_WEBHOOK_CERT.to_vec());
            let envelope = |event_type: &str, resource_type: &str, resource: &str| {
                format!(
                    r#"{{"id":"WH-7Y7254563A4550640-11V2185806837105M","event_version":"1.0","create_time":"2026-12-06T13:29:58.000Z","resource_type":"{resource_type}","resource_version":"2.0","event_type":"{event_type}","summary":"seed","resource":{resource}}}"#
                )
                .into_bytes()
            };
            let usd = r#""amount":{"currency_code":"USD","value":"2.51"}"#;
            for (event_type, resource_type, resource) in [
                ("PAYMENT.CAPTURE.PENDING", "capture", format!(r#"{{"id":"27M47624FP291604U","status":"PENDING",{usd},"custom_id":"ORDER-1"}}"#)),
                ("PAYMENT.CAPTURE.DENIED", "capture", format!(r#"{{"id":"27M47624FP291604U","status":"DECLINED",{usd},"invoice_id":"ORDER-1"}}"#)),
                ("PAYMENT.CAPTURE.REFUNDED", "refund", format!(r#"{{"id":"1Y107995YT783435V","status":"COMPLETED",{usd},"invoice_id":"ORDER-1","payer":{{"merchant_id":"7KNGBPH2U58GQ"}}}}"#)),
                ("PAYMENT.CAPTURE.REVERSED", "refund", r#"{"id":"8GS60416DJ4549440","status":"COMPLETED","amount":{"currency_code":"USD","value":"-2.51"},"custom_id":"ORDER-1"}"#.to_string()),
                ("PAYMENT.AUTHORIZATION.CREATED", "authorization", format!(r#"{{"id":"0VF52814937998046","status":"CREATED",{usd},"custom_id":"ORDER-1","payee":{{"merchant_id":"7KNGBPH2U58GQ"}}}}"#)),
                ("PAYMENT.AUTHORIZATION.VOIDED", "authorization", format!(r#"{{"id":"0VF52814937998046","status":"VOIDED",{usd},"custom_id":"ORDER-1"}}"#)),
                ("CHECKOUT.ORDER.APPROVED", "checkout-order", r#"{"id":"5O190127TN364715T","status":"APPROVED","purchase_units":[{"custom_id":"ORDER-1","invoice_id":"ORDER-1"}]}"#.to_string()),
                ("CUSTOMER.DISPUTE.RESOLVED", "dispute", r#"{"dispute_id":"PP-D-21424","status":"RESOLVED","disputed_transactions":[{"invoice_number":"ORDER-1"}],"dispute_amount":{"currency_code":"USD","value":"2.51"},"dispute_outcome":{"outcome_code":"RESOLVED_BUYER_FAVOUR"}}"#.to_string()),
                ("CUSTOMER.DISPUTE.CREATED", "dispute", r#"{"dispute_id":"PP-D-21424","status":"OPEN"}"#.to_string()),
                ("BILLING.SUBSCRIPTION.CREATED", "subscription", r#"{"id":"I-BW452GLLEP1G"}"#.to_string()),
            ] {
                out.push(envelope(event_type, resource_type, &resource));
            }
        }
        other => panic!("no seeds for unknown target {other}"),
    }
    out.retain(|s| !s.is_empty());
    out.sort();
    out.dedup();
    out
}

/// A stable file name for an input: FNV-1a 64 of its bytes, in hex.
pub fn name(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

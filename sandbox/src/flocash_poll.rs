//! FloCash Merchant Polling at its real path: `POST /FloCMS/services/APIMerchantService`
//! answers `pollPayInbyRef` and `pollPayInbyTime` (SOAP 1.1) from the sandbox's FloCash
//! payments, so a shop can close the gap a dropped notification leaves.
//!
//! Sandbox conventions, where FloCash documents nothing:
//!
//! - the reply namespace is [`NAMESPACE`]; requests are read by local name, in any namespace;
//! - `Header/statusCode` is `0000` on success, `1001` for missing credentials and `1002` for
//!   a request that names neither operation (the credentials themselves are not checked);
//! - a payment's `trace_number` is its `trans_id` (FloCash does not say how they relate);
//! - `postDate` is when the checkout was posted; only payments the customer finished on the
//!   payment page are listed.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AppState;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use vpos_core::gateways::flocash::Timestamp;

use crate::app::App;
use crate::flocash::{Session, Status};

/// The namespace of the sandbox's replies (FloCash's own is in the WSDL it hands merchants).
pub const NAMESPACE: &str = "http://sandbox.vpos.invalid/flocash/APIMerchantService";

/// Largest polling request read.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new().route("/FloCMS/services/APIMerchantService", post(poll))
}

async fn poll(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    if body.len() > MAX_REQUEST_BYTES {
        return fault("the request is too large");
    }
    let Some(leaves) = std::str::from_utf8(&body).ok().and_then(leaves) else {
        return fault("the request is not well-formed XML (or holds a DOCTYPE)");
    };
    let get = |name: &str| {
        leaves
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let operation = if get("trace_number").is_some() {
        "pollPayInbyRef"
    } else {
        "pollPayInbyTime"
    };
    if get("APIUsername").unwrap_or_default().is_empty()
        || get("APIPassword").unwrap_or_default().is_empty()
    {
        return reply(
            operation,
            "1001",
            "APIUsername and APIPassword are required",
            "",
        );
    }
    let select: Box<dyn Fn(&Session) -> bool> = if let Some(trace) = get("trace_number") {
        Box::new(move |s: &Session| s.trans_id == trace)
    } else {
        let window = get("fromTime").zip(get("toTime")).and_then(|(f, t)| {
            Some((
                Timestamp::parse(&f, "fromTime").ok()?,
                Timestamp::parse(&t, "toTime").ok()?,
            ))
        });
        let Some((from, to)) = window else {
            return reply(
                operation,
                "1002",
                "name a trace_number, or fromTime and toTime as xsd:dateTime",
                "",
            );
        };
        let (from, to) = (from.unix_seconds(), to.unix_seconds());
        Box::new(move |s: &Session| {
            Timestamp::parse(&s.created, "postDate")
                .map(|t| (from..=to).contains(&t.unix_seconds()))
                .unwrap_or(false)
        })
    };
    let payments: String = {
        let inner = app.lock();
        inner
            .flocash
            .sessions
            .values()
            .filter(|s| s.status != Status::Open && select(s))
            .map(payment)
            .collect()
    };
    app.note(
        "flocash",
        "-",
        format!("merchant polling: {operation} answered"),
    );
    reply(operation, "0000", "Success", &payments)
}

fn payment(s: &Session) -> String {
    let (code, message) = match s.status {
        Status::Paid => ("0000", "Payment is successful."),
        Status::Aborted => ("0001", "Payment was aborted."),
        Status::Cancelled => ("0002", "Customer cancelled the payment."),
        Status::Declined => ("0003", "Transaction was not authorized."),
        Status::Pending | Status::Open => ("0004", "Payment is pending."),
    };
    let o = &s.order;
    let fields = [
        ("transid", s.trans_id.clone()),
        ("trace_number", s.trans_id.clone()),
        ("postDate", s.created.clone()),
        ("currency_code", s.total.currency().code().to_string()),
        ("amount", s.total.to_decimal_string()),
        ("status", code.to_string()),
        ("message", message.to_string()),
    ];
    let more = [
        ("custom", o.custom.clone()),
        ("order_id", o.order_id.clone()),
        ("quantity", o.quantity.to_string()),
        ("item_price", o.item_price.to_decimal_string()),
        ("item_name", o.item_name.clone()),
        ("payment_channel", s.channel.clone()),
    ];
    let element = |(n, v): &(&str, String)| format!("<{n}>{}</{n}>", esc(v));
    format!(
        "<Payment>{}<sender><account>{}</account></sender>{}</Payment>",
        fields.iter().map(element).collect::<String>(),
        esc(&s.merchant),
        more.iter().map(element).collect::<String>(),
    )
}

fn reply(operation: &str, code: &str, message: &str, payments: &str) -> Response {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:{operation}Response xmlns:ns="{NAMESPACE}"><ns:return><Header><statusCode>{code}</statusCode><statusMsg>{}</statusMsg></Header><Payments>{payments}</Payments></ns:return></ns:{operation}Response></soapenv:Body></soapenv:Envelope>"#,
        esc(message)
    );
    xml(StatusCode::OK, body)
}

fn fault(message: &str) -> Response {
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>{}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
        esc(message)
    );
    xml(StatusCode::INTERNAL_SERVER_ERROR, body)
}

fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The leaf elements of a small request, as (local name, text): enough for the emulator to
/// read what a shop sends. `None` for a DOCTYPE, an unknown entity or unbalanced tags. (The
/// shop's side is the core's strict reader; this only has to understand well-behaved requests.)
fn leaves(text: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, String, bool)> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        if let Some(top) = stack.last_mut() {
            top.1.push_str(&unescape(&rest[..open])?);
        }
        rest = &rest[open..];
        if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!ENTITY") {
            return None;
        }
        let close = rest.find('>')?;
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let local = |t: &str| {
            let name = t
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("");
            name.rsplit(':').next().unwrap_or("").to_string()
        };
        if let Some(end) = tag.strip_prefix('/') {
            let (name, text, has_children) = stack.pop()?;
            if name != local(end) {
                return None;
            }
            if !has_children {
                out.push((name, text));
            }
            if let Some(parent) = stack.last_mut() {
                parent.2 = true;
            }
        } else if tag.ends_with('/') {
            out.push((local(tag), String::new()));
            if let Some(parent) = stack.last_mut() {
                parent.2 = true;
            }
        } else {
            stack.push((local(tag), String::new(), false));
        }
    }
    stack.is_empty().then_some(out)
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';')? + amp;
        out.push(match &rest[amp + 1..semi] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => return None,
        });
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leaves_by_local_name_and_refuses_doctype() {
        let l = leaves(r#"<?xml version="1.0"?><s:E xmlns:s="x"><s:B><op xmlns="y"><Auth><APIUsername>a&amp;b</APIUsername><MerchantCode/></Auth></op></s:B></s:E>"#).unwrap();
        assert_eq!(
            l,
            [
                ("APIUsername".to_string(), "a&b".to_string()),
                ("MerchantCode".to_string(), String::new())
            ]
        );
        assert!(leaves(r#"<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>"#).is_none());
        assert!(leaves("<a><b></a>").is_none());
        assert!(leaves("<a>&x;</a>").is_none());
    }
}

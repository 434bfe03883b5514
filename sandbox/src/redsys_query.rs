//! Redsys's status query at its real path: `POST /apl02/services/SerClsWSConsulta`, the SOAP
//! operation `consultaOperaciones` with a signed `Monitor` message (merchant, terminal,
//! order). It answers every operation the sandbox carried out on the order (the sale or
//! pre-authorisation once the customer chose, each confirm, cancel and refund), one
//! `<Response>` each, XML-escaped inside `consultaOperacionesReturn` as Redsys sends it; an
//! order with none is `XML0024`. The request's `Signature` (`HMAC_SHA256_V1` over the
//! `<Version>` markup as sent, keyed with the order key) is checked with vpos-core's signer;
//! a wrong one is `XML0023`. Codes: Redsys's `XML00xx` list as published by redsys-easy
//! (`src/assets/error-codes.ts`).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AppState;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use subtle::ConstantTimeEq;
use vpos_core::gateways::redsys::{self, SignatureVersion};

use crate::app::App;
use crate::redsys::Recorded;

/// The path of Redsys's query web service (test `sis-t.redsys.es:25443`, live `sis.redsys.es`).
pub const QUERY_PATH: &str = "/apl02/services/SerClsWSConsulta";

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new().route(QUERY_PATH, post(consulta))
}

/// A refusal: Redsys's `Ds_ErrorCode` and what the sandbox found wrong (for the event log).
struct Refused {
    code: &'static str,
    detail: String,
}

fn refused(code: &'static str, detail: impl Into<String>) -> Refused {
    Refused {
        code,
        detail: detail.into(),
    }
}

/// Not a `consultaOperaciones` request at all: the SOAP stack answers a Fault, before the
/// query service sees anything to give an `XML00xx` code to.
const NOT_SOAP: &str = "soap-fault";

/// What the `Monitor` message asks.
struct Asked {
    order: String,
}

async fn consulta(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    let asked = match read_request(&app, &text) {
        Ok(a) => a,
        Err(e) => {
            app.note(
                "redsys",
                "",
                format!("status query refused: {} ({})", e.code, e.detail),
            );
            if e.code == NOT_SOAP {
                return soap_fault();
            }
            return answer(&error_messages(e.code));
        }
    };
    let (currency, operations): (u16, Vec<Recorded>) = app
        .lock()
        .redsys
        .payments
        .get(&asked.order)
        .map(|p| (p.amount.currency().numeric(), p.operations.clone()))
        .unwrap_or_default();
    let config = &app.config.redsys;
    let messages = if operations.is_empty() {
        app.note(
            "redsys",
            &asked.order,
            "status query: no operations (XML0024)".into(),
        );
        error_messages("XML0024")
    } else {
        app.note(
            "redsys",
            &asked.order,
            format!("status query: {} operation(s)", operations.len()),
        );
        let responses: String = operations
            .iter()
            .map(|op| {
                response_element(
                    &config.merchant_code,
                    &config.terminal,
                    &asked.order,
                    currency,
                    op,
                )
            })
            .collect();
        format!(
            r#"<Messages><Version Ds_Version="0.0"><Message>{responses}</Message></Version></Messages>"#
        )
    };
    answer(&messages)
}

/// One operation in the field order of the replies public clients read (hyperswitch's
/// `RedsysSyncResponseData`, civitatis/redsys-query-php's `ResponseParser`).
fn response_element(
    merchant: &str,
    terminal: &str,
    order: &str,
    currency: u16,
    op: &Recorded,
) -> String {
    let mut fields = vec![
        ("Ds_MerchantCode", merchant.to_string()),
        ("Ds_Terminal", terminal.to_string()),
        ("Ds_Order", order.to_string()),
        ("Ds_TransactionType", op.transaction_type.clone()),
        ("Ds_Date", op.date.clone()),
        ("Ds_Hour", op.hour.clone()),
        ("Ds_Amount", op.amount.to_string()),
        ("Ds_Currency", format!("{currency:03}")),
        ("Ds_State", "F".into()),
        ("Ds_Response", op.response.into()),
    ];
    if let Some(code) = &op.authorisation_code {
        fields.push(("Ds_AuthorisationCode", code.clone()));
    }
    let inner: String = fields
        .iter()
        .map(|(k, v)| format!("<{k}>{}</{k}>", escape(v)))
        .collect();
    format!(r#"<Response Ds_Version="0.0">{inner}</Response>"#)
}

/// `<Messages>` with one `Ds_ErrorCode`.
fn error_messages(code: &str) -> String {
    format!(
        r#"<Messages><Version Ds_Version="0.0"><Message><ErrorMsg><Ds_ErrorCode>{code}</Ds_ErrorCode></ErrorMsg></Message></Version></Messages>"#
    )
}

/// The SOAP answer: Redsys sends the `<Messages>` document as escaped text in
/// `consultaOperacionesReturn`, HTTP 200 even for its own refusals.
fn answer(messages: &str) -> Response {
    let body = format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<soapenv:Body>",
            r#"<p259:consultaOperacionesResponse xmlns:p259="http://webservices.apl02.redsys.es">"#,
            "<consultaOperacionesReturn>{}</consultaOperacionesReturn>",
            "</p259:consultaOperacionesResponse></soapenv:Body></soapenv:Envelope>"
        ),
        escape(messages)
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// HTTP 500 with a SOAP 1.1 Fault, as a SOAP service answers a request it cannot dispatch.
fn soap_fault() -> Response {
    let body = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">"#,
        "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>",
        "<faultstring>not a consultaOperaciones request</faultstring>",
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text between `<name>` and `</name>` (no attributes, no prefix), first occurrence.
fn element<'a>(markup: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = markup.find(&open)? + open.len();
    let end = start + markup[start..].find(&close)?;
    Some(&markup[start..end])
}

/// The `cadenaXML` of the envelope (in CDATA or escaped), checked as Redsys does: the
/// `Monitor` fields, this terminal, the signature.
fn read_request(app: &App, envelope: &str) -> Result<Asked, Refused> {
    let cadena = envelope
        .find("cadenaXML")
        .and_then(|at| {
            let open_end = at + envelope[at..].find('>')? + 1;
            let close = open_end + envelope[open_end..].find("cadenaXML>")?;
            let close = envelope[..close].rfind("</")?;
            Some(&envelope[open_end..close])
        })
        .ok_or_else(|| refused(NOT_SOAP, "no cadenaXML: not a consultaOperaciones request"))?;
    let cadena = cadena.trim();
    let messages = match cadena
        .strip_prefix("<![CDATA[")
        .and_then(|c| c.strip_suffix("]]>"))
    {
        Some(inner) => inner.to_string(),
        None => unescape(cadena),
    };
    let version_start = messages
        .find("<Version")
        .ok_or_else(|| refused("XML0001", "no <Version> in the XML-String"))?;
    let version_end = messages[version_start..]
        .find("</Version>")
        .map(|i| version_start + i + "</Version>".len())
        .ok_or_else(|| refused("XML0001", "<Version> is not closed"))?;
    let version = &messages[version_start..version_end];
    let monitor = element(version, "Monitor")
        .ok_or_else(|| refused("XML0003", "the Message is not a Monitor"))?;
    let field =
        |name: &str, missing: &'static str, empty: &'static str| match element(monitor, name)
            .map(str::trim)
        {
            None => Err(refused(missing, format!("no {name}"))),
            Some("") => Err(refused(empty, format!("{name} is empty"))),
            Some(v) => Ok(v.to_string()),
        };
    let merchant = field("Ds_MerchantCode", "XML0004", "XML0005")?;
    let terminal = field("Ds_Terminal", "XML0008", "XML0009")?;
    let order = field("Ds_Order", "XML0012", "XML0013")?;
    if !(4..=12).contains(&order.len()) || !order.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(refused("XML0014", format!("Ds_Order {order:?}")));
    }
    if !order.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(refused("XML0015", format!("Ds_Order {order:?}")));
    }
    let rest = &messages[version_end..];
    let signature = match element(rest, "Signature").map(str::trim) {
        None => return Err(refused("XML0021", "no Signature")),
        Some("") => return Err(refused("XML0022", "Signature is empty")),
        Some(s) => s.to_string(),
    };
    match element(rest, "SignatureVersion").map(str::trim) {
        Some("HMAC_SHA256_V1") => {}
        Some("") | None => return Err(refused("XML0029", "SignatureVersion is empty")),
        Some(other) => {
            return Err(refused(
                "XML0030",
                format!("SignatureVersion {other:?}: the query service knows HMAC_SHA256_V1"),
            ));
        }
    }
    let config = &app.config.redsys;
    // The sandbox holds one terminal's key: a request for another cannot carry a signature
    // it would accept.
    if merchant != config.merchant_code
        || terminal.trim_start_matches('0') != config.terminal.trim_start_matches('0')
    {
        return Err(refused(
            "XML0023",
            format!("merchant {merchant} terminal {terminal} is not this sandbox's terminal"),
        ));
    }
    let expected = redsys::sign(
        &config.core(SignatureVersion::HmacSha256V1),
        &order,
        version.as_bytes(),
    )
    .map_err(|e| refused("XML0000", e.message().to_string()))?;
    let standard = base64::engine::general_purpose::STANDARD;
    let expected = standard.decode(expected).unwrap_or_default();
    let received = standard
        .decode(&signature)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(&signature))
        .unwrap_or_default();
    if received.is_empty() || !bool::from(expected.ct_eq(&received)) {
        return Err(refused(
            "XML0023",
            "the Signature is not HMAC_SHA256_V1 of the <Version> markup with the order key",
        ));
    }
    Ok(Asked { order })
}

//! The transaction status query: Redsys's SOAP web service `SerClsWSConsulta`, operation
//! `consultaOperaciones`, asked for every operation on one order (the "Monitor" message).
//! vpos describes the request and reads the reply; the host performs the POST.
//!
//! Each operation in the reply becomes the same [`Event`] the notification (or the REST reply)
//! for that operation produces: same key, same action and status. A query that finds what a
//! notification already reported is then `already_applied`, in either order, and a refund is
//! never counted twice. Endpoints, fields and sources: `docs/status-queries.md`.

use super::Config;
use super::checkout::check_order_number;
use super::notification::{Format, Notification, parse_minor, parse_numeric_currency};
use super::sign::SignatureVersion;
use super::status::{map_status, normalize_response};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, Method, Reply};
use crate::state::Event;
use crate::status::Reported;
use crate::trust::Verified;
use crate::xml;

/// Redsys test environment, status query endpoint.
pub const TEST_QUERY_URL: &str = "https://sis-t.redsys.es:25443/apl02/services/SerClsWSConsulta";
/// Redsys production, status query endpoint.
pub const LIVE_QUERY_URL: &str = "https://sis.redsys.es/apl02/services/SerClsWSConsulta";

/// Largest reply accepted: an order has a handful of operations, each well under 1 kB.
const MAX_REPLY_BYTES: usize = 256 * 1024;

/// Redsys's answer when it holds no operation for the order asked about ("No existen
/// operaciones para los datos solicitados").
const NO_OPERATIONS: &str = "XML0024";

/// The SOAP request asking Redsys for every operation on `order`: a `Monitor` message
/// (merchant, terminal, order; no transaction type, so every type is returned), signed with
/// `HMAC_SHA256_V1` and the order key over the `<Version>` markup exactly as sent, wrapped in
/// CDATA in a `consultaOperaciones` envelope, POSTed to `query_url`.
///
/// ```
/// use vpos_core::gateways::redsys;
/// # let mut config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#)?;
/// config.query_url = Some(redsys::TEST_QUERY_URL.into());
/// let request = redsys::query_request(&config, "1446117555")?;
/// assert_eq!(request.url, redsys::TEST_QUERY_URL);
/// assert!(request.headers.contains(&("SOAPAction".into(), "consultaOperaciones".into())));
/// assert!(request.body.contains("<Ds_Order>1446117555</Ds_Order>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn query_request(config: &Config, order: &str) -> Result<HttpRequest> {
    config.validate()?;
    let url = config
        .query_url
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Error::config("query_url", "is required for status queries"))?;
    check_order_number(order)?;
    // Merchant code and terminal are digits (validate) and the order letters and digits
    // (check_order_number): nothing to escape, and the signed text is byte-for-byte what is sent.
    let version = format!(
        concat!(
            r#"<Version Ds_Version="0.0"><Message><Monitor>"#,
            "<Ds_MerchantCode>{}</Ds_MerchantCode><Ds_Terminal>{}</Ds_Terminal>",
            "<Ds_Order>{}</Ds_Order></Monitor></Message></Version>"
        ),
        config.merchant_code, config.terminal, order
    );
    // The query service knows one scheme, whatever the terminal's redirect version.
    let v1 = SignatureVersion::HmacSha256V1;
    let signature = config.key_for(v1)?.sign(order, version.as_bytes());
    let body = format!(
        concat!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:web="http://webservices.apl02.redsys.es"><soapenv:Header/><soapenv:Body>"#,
            "<web:consultaOperaciones><cadenaXML><![CDATA[<Messages>{}<Signature>{}</Signature>",
            "<SignatureVersion>{}</SignatureVersion></Messages>]]></cadenaXML>",
            "</web:consultaOperaciones></soapenv:Body></soapenv:Envelope>"
        ),
        version,
        signature,
        v1.as_str()
    );
    Ok(HttpRequest {
        method: Method::Post,
        url,
        headers: vec![
            ("Content-Type".into(), "text/xml; charset=utf-8".into()),
            ("SOAPAction".into(), "consultaOperaciones".into()),
        ],
        body,
    })
}

/// The operations Redsys reports for `order`, oldest first, as events; empty when Redsys
/// holds no such order (`XML0024`).
///
/// - No answer, or an HTTP status other than 200 (a SOAP fault comes as 500):
///   [`ErrorCode::GatewayUnavailable`], try again later.
/// - Redsys's own error (`<ErrorMsg><Ds_ErrorCode>XML0023</Ds_ErrorCode>`, a bad signature
///   here, or any other but `XML0024`): [`ErrorCode::GatewayError`].
/// - An operation for another merchant or terminal: [`ErrorCode::MerchantMismatch`]; for
///   another order: [`ErrorCode::OrderMismatch`]. Nothing is returned then, not even the
///   operations that did match.
/// - Malformed or hostile XML: a typed error ([`ErrorCode::FieldInvalid`], …), never a panic.
///
/// The reply is not signed: it is trusted as the answer to the host's own HTTPS request to
/// `query_url` (`docs/security.md`).
///
/// ```
/// use vpos_core::{Reply, gateways::redsys, Action, Reported};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#)?;
/// let inner = "<Messages><Version Ds_Version=\"0.0\"><Message><Response Ds_Version=\"0.0\">\
///     <Ds_MerchantCode>999008881</Ds_MerchantCode><Ds_Terminal>1</Ds_Terminal>\
///     <Ds_Order>1446117555</Ds_Order><Ds_TransactionType>0</Ds_TransactionType>\
///     <Ds_Amount>145</Ds_Amount><Ds_Currency>978</Ds_Currency><Ds_State>F</Ds_State>\
///     <Ds_Response>0000</Ds_Response><Ds_AuthorisationCode>123456</Ds_AuthorisationCode>\
///     </Response></Message></Version></Messages>";
/// let body = format!("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
///     <soapenv:Body><p259:consultaOperacionesResponse xmlns:p259=\"http://webservices.apl02.redsys.es\">\
///     <consultaOperacionesReturn>{}</consultaOperacionesReturn>\
///     </p259:consultaOperacionesResponse></soapenv:Body></soapenv:Envelope>",
///     inner.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
/// let reply = Reply::Response { status: 200, body: body.into_bytes() };
/// let events = redsys::parse_query_response(&config, "1446117555", &reply)?;
/// assert_eq!(events.len(), 1);
/// assert_eq!((events[0].action(), events[0].status()), (Action::Sale, &Reported::Succeeded));
/// assert_eq!(events[0].key(), "redsys:999008881:1:1446117555:0:0000:145:123456");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_query_response(config: &Config, order: &str, reply: &Reply) -> Result<Vec<Event>> {
    let body = match reply {
        Reply::Response { status, .. } if *status != 200 => {
            return Err(Error::new(
                ErrorCode::GatewayUnavailable,
                format!("Redsys answered the status query with HTTP {status}"),
            ));
        }
        _ => reply.ok_body("Redsys")?,
    };
    if body.len() > MAX_REPLY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "Redsys reply is {} bytes; at most {MAX_REPLY_BYTES} are accepted",
                body.len()
            ),
        ));
    }
    let text = std::str::from_utf8(body).map_err(|_| {
        Error::new(ErrorCode::InvalidUtf8, "Redsys reply is not UTF-8")
            .with_field("consultaOperacionesReturn")
    })?;
    let messages = messages_markup(text)?;
    let leaves = xml::leaves(&messages, "consultaOperacionesReturn")?;
    let error_code = leaves
        .iter()
        .find(|l| ends_with(&l.path, &["ErrorMsg", "Ds_ErrorCode"]))
        .map(|l| l.text.trim());
    let records = responses(&messages)?;
    match (error_code, records.is_empty()) {
        (Some(NO_OPERATIONS), true) => return Ok(Vec::new()),
        (Some(code), _) => {
            let code: String = code.chars().take(16).collect();
            return Err(Error::new(
                ErrorCode::GatewayError,
                format!("Redsys refused the status query: {code}"),
            )
            .with_field("Ds_ErrorCode"));
        }
        (None, true) => return Err(Error::missing("Response")),
        (None, false) => {}
    }
    let mut operations = records
        .iter()
        .map(|pairs| Operation::read(config, order, pairs))
        .collect::<Result<Vec<_>>>()?;
    // Oldest first, so that a refund comes after the sale it refunds. Sorting is stable:
    // operations of one second keep Redsys's order, and without a readable date on every
    // operation Redsys's order is kept as it is.
    if operations.iter().all(|o| o.when.is_some()) {
        operations.sort_by_key(|o| o.when);
    }
    Ok(operations.into_iter().map(|o| o.event).collect())
}

/// The `<Messages>` document: the text of `consultaOperacionesReturn` (Redsys sends it
/// XML-escaped inside the envelope), or, should a SOAP stack send it as elements, its markup.
fn messages_markup(text: &str) -> Result<String> {
    let envelope = xml::leaves(text, "consultaOperacionesReturn")?;
    if let Some(inner) = envelope.iter().find(|l| {
        l.path
            .last()
            .is_some_and(|n| n.eq_ignore_ascii_case("consultaOperacionesReturn"))
    }) {
        return Ok(inner.text.clone());
    }
    let has_messages = envelope
        .iter()
        .any(|l| l.path.iter().any(|n| n.eq_ignore_ascii_case("Messages")));
    if let Some((start, end)) =
        element_span(&text.to_ascii_lowercase(), "messages", 0).filter(|_| has_messages)
    {
        return Ok(text[start..end].to_string());
    }
    Err(Error::missing("consultaOperacionesReturn"))
}

/// Whether `path` ends with `suffix`, names compared in any letter case (the public clients
/// lower-case the reply before reading it).
fn ends_with(path: &[String], suffix: &[&str]) -> bool {
    path.len() >= suffix.len()
        && path[path.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// The byte span of the first element named `name` (lower case; no prefix) in `lower` (the
/// markup ASCII-lower-cased, which keeps every byte offset) starting at or after `from`: its
/// start tag to the end of its end tag. Only used on markup [`xml::leaves`] has already
/// accepted, and every span found is parsed strictly again.
fn element_span(lower: &str, name: &str, from: usize) -> Option<(usize, usize)> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut at = from;
    loop {
        let start = at + lower.get(at..)?.find(&open)?;
        let after = lower.as_bytes().get(start + open.len()).copied();
        match after {
            Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n') => {
                let tag_end = start + lower[start..].find('>')? + 1;
                // `<Response …/>`: an element of its own, not the start of the next one's span.
                if lower.as_bytes()[tag_end - 2] == b'/' {
                    return Some((start, tag_end));
                }
                let end = tag_end + lower[tag_end..].find(&close)? + close.len();
                return Some((start, end));
            }
            _ => at = start + open.len(),
        }
    }
}

/// The fields of each `<Response>` (one per operation), in order, names as sent.
fn responses(messages: &str) -> Result<Vec<Vec<(String, String)>>> {
    let mut out = Vec::new();
    let mut at = 0;
    let lower = messages.to_ascii_lowercase();
    while let Some((start, end)) = element_span(&lower, "response", at) {
        let leaves = xml::leaves(&messages[start..end], "consultaOperacionesReturn")?;
        let mut pairs = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            match leaf.path.as_slice() {
                [_, name] => pairs.push((name.clone(), leaf.text)),
                [_] => {}
                _ => {
                    return Err(Error::invalid(
                        "Response",
                        "holds nested elements; an operation is a flat list of fields",
                    ));
                }
            }
        }
        out.push(pairs);
        at = end;
    }
    Ok(out)
}

/// One operation of the reply, read and checked.
struct Operation {
    /// `(yyyymmdd, hhmmss)` from `Ds_Date` and `Ds_Hour`, when both read.
    when: Option<(u32, u32)>,
    event: Event,
}

impl Operation {
    fn read(config: &Config, order: &str, pairs: &[(String, String)]) -> Result<Operation> {
        // Verbatim, as the notification reads its values: the authorisation code is part of
        // the key, and Redsys pads it with spaces on some declines.
        let raw = |names: &[&str]| {
            pairs
                .iter()
                .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let get = |names: &[&str]| raw(names).map(str::trim).filter(|v| !v.is_empty());
        let received_order = get(&["Ds_Order"]).ok_or_else(|| Error::missing("Ds_Order"))?;
        if received_order != order {
            return Err(Error::new(
                ErrorCode::OrderMismatch,
                format!(
                    "Redsys reported an operation on order {:?}; the query was for {order:?}",
                    received_order.chars().take(12).collect::<String>()
                ),
            )
            .with_field("Ds_Order"));
        }
        // The reply answers a request signed for this merchant and terminal; one naming
        // another is refused rather than read as this terminal's.
        let merchant = get(&[
            "Ds_MerchantCode",
            "Ds_Merchant_MerchantCode",
            "Ds_Merchant_Code",
        ])
        .unwrap_or(&config.merchant_code);
        if merchant != config.merchant_code {
            return Err(mismatch("Ds_MerchantCode", "merchant", merchant));
        }
        let terminal = get(&["Ds_Terminal", "Ds_Merchant_Terminal"]).unwrap_or(&config.terminal);
        if terminal.trim_start_matches('0') != config.terminal.trim_start_matches('0') {
            return Err(mismatch("Ds_Terminal", "terminal", terminal));
        }
        let currency = parse_numeric_currency(
            get(&["Ds_Currency"]).ok_or_else(|| Error::missing("Ds_Currency"))?,
        )?;
        let amount = parse_minor(
            get(&["Ds_Amount"]).ok_or_else(|| Error::missing("Ds_Amount"))?,
            currency,
        )
        .map_err(|e| e.or_field("Ds_Amount"))?;
        // As in a notification: a missing type is an authorisation.
        let transaction_type = get(&["Ds_TransactionType"]).unwrap_or("0").to_string();
        let state = get(&["Ds_State"]);
        let (response, action, status) = match get(&["Ds_Response"]) {
            Some(raw) => {
                let response = normalize_response(raw).ok_or_else(|| {
                    Error::invalid("Ds_Response", "must be a number of at most four digits")
                })?;
                let (action, status) = map_status(&transaction_type, &response);
                (response, action, status)
            }
            None => {
                let (action, status) = map_state(&transaction_type, state);
                (format!("state {}", state.unwrap_or("-")), action, status)
            }
        };
        let notification = Notification {
            // Not a notification, and nothing to answer: the REST reply's format is the
            // nearest, and the value only serves to build the event.
            format: Format::Rest,
            signature_version: String::new(),
            order: order.to_string(),
            amount,
            merchant_code: merchant.to_string(),
            terminal: Some(terminal.to_string()),
            response,
            transaction_type,
            action,
            status,
            authorisation_code: raw(&["Ds_AuthorisationCode"]).map(str::to_string),
            error_code: raw(&["Ds_ErrorCode"]).map(str::to_string),
            merchant_data: None,
            identifier: None,
            expiry_date: None,
            cof_txnid: None,
            parameters: pairs.to_vec(),
            signed_text: String::new(),
            signature: None,
            raw: Vec::new(),
        };
        let when = date(get(&["Ds_Date"])).zip(time(get(&["Ds_Hour"])));
        // The notification's own event: one definition of the key for both ways of learning
        // the same fact.
        Ok(Operation {
            when,
            event: Verified(notification).event(),
        })
    }
}

/// An operation without `Ds_Response` is still under way, or stopped without an answer.
/// `Ds_State` (hyperswitch's Redsys connector; Redsys's query manual RS.TE.CEL.MAN.0021):
///
/// | state | meaning | reported |
/// |---|---|---|
/// | `S` | requested | `Pending` |
/// | `P` | being authorised | `Pending` |
/// | `A` | being authenticated (3-D Secure) | `Pending` |
/// | `E` | transfer, direct debit or PayPal under way | `Pending` |
/// | `L` | online transfer | `Pending` |
/// | `W` | redirected to a wallet | `Pending` |
/// | `O` | redirected to Iupay | `Pending` |
/// | `F` | finished, but no `Ds_Response` to say how | `Unknown` |
/// | `T` | no answer / technical error | `Unknown` |
/// | `D` | direct debit downloaded | `Unknown` |
/// | other, or none | | `Unknown` |
///
/// `Unknown` leaves the payment as it is: the state machine never guesses an outcome.
fn map_state(transaction_type: &str, state: Option<&str>) -> (crate::status::Action, Reported) {
    // The action of the type; the code only has to be one map_status knows as "in progress".
    let (action, in_progress) = map_status(transaction_type, "9999");
    let status = match state {
        _ if in_progress != Reported::Pending => in_progress,
        Some("S" | "P" | "A" | "E" | "L" | "W" | "O") => Reported::Pending,
        Some(other) => Reported::Unknown(format!(
            "state {}",
            other.chars().take(4).collect::<String>()
        )),
        None => Reported::Unknown("no Ds_Response".into()),
    };
    (action, status)
}

fn mismatch(field: &'static str, what: &str, received: &str) -> Error {
    Error::new(
        ErrorCode::MerchantMismatch,
        format!(
            "Redsys reported an operation for {what} {:?}, not the configured one",
            received.chars().take(12).collect::<String>()
        ),
    )
    .with_field(field)
}

/// `dd/mm/yyyy` (as in notifications) or `yyyy-mm-dd` as `yyyymmdd`.
fn date(raw: Option<&str>) -> Option<u32> {
    let parts: Vec<&str> = raw?.split(['/', '-']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    let n = |s: &str, len: usize| {
        (s.len() <= len && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    Some(n(y, 4)? * 10_000 + n(m, 2)? * 100 + n(d, 2)?)
}

/// `hh:mm` or `hh:mm:ss` as `hhmmss`.
fn time(raw: Option<&str>) -> Option<u32> {
    let mut out = 0;
    let mut count = 0;
    for part in raw?.split(':') {
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out = out * 100 + part.parse::<u32>().ok()?;
        count += 1;
    }
    match count {
        2 => Some(out * 100),
        3 => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;
    use crate::state::{Outcome, PaymentSnapshot, transition};
    use crate::status::{Action, PaymentStatus};

    const ORDER: &str = "1446117555";

    fn config() -> Config {
        serde_json::from_str(
            r#"{"merchant_code":"999008881","terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
                "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
                "query_url":"https://sis-t.redsys.es:25443/apl02/services/SerClsWSConsulta"}"#,
        )
        .unwrap()
    }

    /// One `<Response>` with the given fields.
    fn op(fields: &[(&str, &str)]) -> String {
        let inner: String = fields
            .iter()
            .map(|(k, v)| format!("<{k}>{v}</{k}>"))
            .collect();
        format!(r#"<Response Ds_Version="0.0">{inner}</Response>"#)
    }

    fn sale(response: &str, authorisation: &str) -> String {
        op(&[
            ("Ds_MerchantCode", "999008881"),
            ("Ds_Terminal", "1"),
            ("Ds_Order", ORDER),
            ("Ds_TransactionType", "0"),
            ("Ds_Date", "06/12/2026"),
            ("Ds_Hour", "12:00"),
            ("Ds_Amount", "145"),
            ("Ds_Currency", "978"),
            ("Ds_SecurePayment", "1"),
            ("Ds_State", "F"),
            ("Ds_Response", response),
            ("Ds_AuthorisationCode", authorisation),
        ])
    }

    fn refund(amount: &str, hour: &str) -> String {
        op(&[
            ("Ds_MerchantCode", "999008881"),
            ("Ds_Terminal", "001"),
            ("Ds_Order", ORDER),
            ("Ds_TransactionType", "3"),
            ("Ds_Date", "07/12/2026"),
            ("Ds_Hour", hour),
            ("Ds_Amount", amount),
            ("Ds_Currency", "978"),
            ("Ds_State", "F"),
            ("Ds_Response", "0900"),
        ])
    }

    /// The reply as Redsys sends it: the `<Messages>` document XML-escaped inside the envelope.
    fn reply(operations: &[String]) -> Reply {
        let messages = format!(
            r#"<Messages><Version Ds_Version="0.0"><Message>{}</Message></Version></Messages>"#,
            operations.concat()
        );
        envelope(&crate::xml::escape_text(&messages))
    }

    fn envelope(inner: &str) -> Reply {
        let body = format!(
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
                r#"xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" "#,
                r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header/><soapenv:Body>"#,
                r#"<p259:consultaOperacionesResponse xmlns:p259="http://webservices.apl02.redsys.es">"#,
                "<consultaOperacionesReturn>{}</consultaOperacionesReturn>",
                "</p259:consultaOperacionesResponse></soapenv:Body></soapenv:Envelope>"
            ),
            inner
        );
        Reply::Response {
            status: 200,
            body: body.into_bytes(),
        }
    }

    fn parse(reply: &Reply) -> Result<Vec<Event>> {
        parse_query_response(&config(), ORDER, reply)
    }

    /// The event of a signed HTTP notification carrying `parameters` (JSON), through the
    /// public parse and verify.
    fn notified(parameters: &str) -> Event {
        let config = config();
        let encoded = base64::engine::general_purpose::STANDARD.encode(parameters);
        let signature = super::super::sign(&config, ORDER, encoded.as_bytes()).unwrap();
        let url = |s: &str| {
            s.replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D")
        };
        let body = format!(
            "Ds_SignatureVersion=HMAC_SHA256_V1&Ds_MerchantParameters={}&Ds_Signature={}",
            url(&encoded),
            url(&signature)
        );
        let parsed = super::super::parse_notification(
            &config,
            "application/x-www-form-urlencoded",
            body.as_bytes(),
        )
        .unwrap();
        super::super::verify(&config, parsed).unwrap().event()
    }

    fn payment(status: &str) -> PaymentSnapshot {
        serde_json::from_str(&format!(
            r#"{{"gateway":"redsys","merchant":"999008881","order_id":"{ORDER}",
                "amount":{{"value":"1.45","currency":"EUR"}},"status":"{status}"}}"#
        ))
        .unwrap()
    }

    /// What the host does with an outcome: store the new status, totals and the key.
    fn apply(payment: &mut PaymentSnapshot, event: &Event) -> Outcome {
        let outcome = transition(payment, event);
        if let Outcome::Applied {
            to, refunded_minor, ..
        } = &outcome
        {
            payment.status = *to;
            payment.refunded_minor = *refunded_minor;
            payment.applied_event_keys.push(event.key().to_string());
        }
        outcome
    }

    #[test]
    fn request_is_the_signed_monitor_message() {
        let request = query_request(&config(), ORDER).unwrap();
        // Signature computed independently of vpos, with Python's hmac and cryptography:
        //   key = b64decode("sq7HjrUOBfKmC576ILgskD5srU870gJ7")
        //   order_key = TripleDES(key) CBC, IV 8 zero bytes, over b"1446117555" zero-padded to 16
        //   b64encode(hmac.new(order_key, <the Version markup below>, sha256).digest())
        // (the same script gives the public order key vector fKbHvdchVfk= for 165446).
        let expected = concat!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:web="http://webservices.apl02.redsys.es"><soapenv:Header/><soapenv:Body>"#,
            "<web:consultaOperaciones><cadenaXML><![CDATA[<Messages>",
            r#"<Version Ds_Version="0.0"><Message><Monitor><Ds_MerchantCode>999008881</Ds_MerchantCode>"#,
            "<Ds_Terminal>1</Ds_Terminal><Ds_Order>1446117555</Ds_Order></Monitor></Message></Version>",
            "<Signature>2RBEOMe9SNF0xIjP11M/CrhNUkK9+ljDJcyVNfiaHOs=</Signature>",
            "<SignatureVersion>HMAC_SHA256_V1</SignatureVersion></Messages>]]></cadenaXML>",
            "</web:consultaOperaciones></soapenv:Body></soapenv:Envelope>"
        );
        assert_eq!(request.body, expected);
        assert_eq!(request.method, Method::Post);
        assert_eq!(request.url, TEST_QUERY_URL);
        assert_eq!(
            request.headers,
            [
                (
                    "Content-Type".to_string(),
                    "text/xml; charset=utf-8".to_string()
                ),
                ("SOAPAction".to_string(), "consultaOperaciones".to_string()),
            ]
        );
        // A terminal configured for the SHA-512 redirect still queries with V1 and the same key.
        let mut v2 = config();
        v2.signature_version = SignatureVersion::HmacSha512V2;
        assert!(
            query_request(&v2, ORDER).is_err_and(|e| e.code() == ErrorCode::InvalidConfig)
                || query_request(&v2, ORDER).unwrap().body == expected
        );
    }

    #[test]
    fn request_needs_the_endpoint_and_a_redsys_order() {
        let mut config = config();
        for bad in ["12", "abcd1234", "1234<x>", "1234567890123"] {
            assert!(query_request(&config, bad).is_err(), "{bad}");
        }
        config.query_url = None;
        let e = query_request(&config, ORDER).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidConfig, Some("query_url"))
        );
        config.query_url = Some("ftp://x".into());
        assert_eq!(
            query_request(&config, ORDER).unwrap_err().code(),
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn a_sale_is_the_notifications_event_in_either_order() {
        let queried = parse(&reply(&[sale("0000", "123456")])).unwrap();
        let notification = notified(
            r#"{"Ds_Date":"06%2F12%2F2026","Ds_Hour":"12%3A00","Ds_SecurePayment":"1","Ds_Amount":"145",
                "Ds_Currency":"978","Ds_Order":"1446117555","Ds_MerchantCode":"999008881","Ds_Terminal":"001",
                "Ds_Response":"0000","Ds_TransactionType":"0","Ds_MerchantData":"","Ds_AuthorisationCode":"123456",
                "Ds_ConsumerLanguage":"1","Ds_Card_Country":"724"}"#,
        );
        assert_eq!(queried, std::slice::from_ref(&notification));
        assert_eq!(queried[0].status(), &Reported::Succeeded);

        let mut first_notified = payment("pending");
        assert!(matches!(
            apply(&mut first_notified, &notification),
            Outcome::Applied {
                to: PaymentStatus::Paid,
                ..
            }
        ));
        assert_eq!(
            apply(&mut first_notified, &queried[0]),
            Outcome::AlreadyApplied
        );

        let mut first_queried = payment("pending");
        assert!(matches!(
            apply(&mut first_queried, &queried[0]),
            Outcome::Applied {
                to: PaymentStatus::Paid,
                ..
            }
        ));
        assert_eq!(
            apply(&mut first_queried, &notification),
            Outcome::AlreadyApplied
        );
        assert_eq!(first_queried, first_notified);
    }

    #[test]
    fn a_refund_is_counted_once_whichever_reports_it_first() {
        let notification = notified(
            r#"{"Ds_Date":"07/12/2026","Ds_Hour":"09:30","Ds_Amount":"45","Ds_Currency":"978",
                "Ds_Order":"1446117555","Ds_MerchantCode":"999008881","Ds_Terminal":"1",
                "Ds_Response":"0900","Ds_TransactionType":"3","Ds_AuthorisationCode":""}"#,
        );
        // Redsys lists the refund first here; the events come oldest first all the same.
        let queried = parse(&reply(&[refund("45", "09:30"), sale("0000", "123456")])).unwrap();
        assert_eq!(
            queried.iter().map(Event::action).collect::<Vec<_>>(),
            [Action::Sale, Action::Refund]
        );
        assert_eq!(queried[1], notification);

        let mut a = payment("paid");
        a.applied_event_keys.push(queried[0].key().to_string());
        assert!(matches!(
            apply(&mut a, &notification),
            Outcome::Applied { .. }
        ));
        for event in &queried {
            let outcome = apply(&mut a, event);
            assert_eq!(outcome, Outcome::AlreadyApplied, "{}", event.key());
        }
        assert_eq!(
            (a.status, a.refunded_minor),
            (PaymentStatus::PartiallyRefunded, 45)
        );

        let mut b = payment("paid");
        b.applied_event_keys.push(queried[0].key().to_string());
        for event in &queried {
            apply(&mut b, event);
        }
        assert_eq!(apply(&mut b, &notification), Outcome::AlreadyApplied);
        assert_eq!(
            (b.status, b.refunded_minor),
            (PaymentStatus::PartiallyRefunded, 45)
        );

        // Two partial refunds of different amounts are two events.
        let twice = parse(&reply(&[refund("45", "09:30"), refund("100", "10:00")])).unwrap();
        assert_ne!(twice[0].key(), twice[1].key());
    }

    #[test]
    fn a_decline_keeps_its_padded_authorisation_code_as_the_notification_does() {
        let queried = parse(&reply(&[sale("0190", "      ")])).unwrap();
        let notification = notified(
            r#"{"Ds_Amount":"145","Ds_Currency":"978","Ds_Order":"1446117555","Ds_MerchantCode":"999008881",
                "Ds_Terminal":"1","Ds_Response":"0190","Ds_TransactionType":"0","Ds_AuthorisationCode":"      "}"#,
        );
        assert_eq!(queried, std::slice::from_ref(&notification));
        assert_eq!(queried[0].status(), &Reported::Failed);
        // A self-closing operation is one (empty, so refused), not the start of the next one.
        let e = parse(&reply(&[
            r#"<Response Ds_Version="0.0"/>"#.into(),
            sale("0000", "1"),
        ]))
        .unwrap_err();
        assert_eq!(e.field(), Some("Ds_Order"));
    }

    #[test]
    fn preauthorisation_and_confirmation() {
        let preauth = op(&[
            ("Ds_MerchantCode", "999008881"),
            ("Ds_Terminal", "1"),
            ("Ds_Order", ORDER),
            ("Ds_TransactionType", "1"),
            ("Ds_Date", "2026-12-06"),
            ("Ds_Hour", "11:59:59"),
            ("Ds_Amount", "145"),
            ("Ds_Currency", "978"),
            ("Ds_Response", "0000"),
            ("Ds_AuthorisationCode", "777777"),
        ]);
        let confirm = op(&[
            ("Ds_MerchantCode", "999008881"),
            ("Ds_Terminal", "1"),
            ("Ds_Order", ORDER),
            ("Ds_TransactionType", "2"),
            ("Ds_Date", "2026-12-08"),
            ("Ds_Hour", "08:00:00"),
            ("Ds_Amount", "145"),
            ("Ds_Currency", "978"),
            ("Ds_Response", "0900"),
            ("Ds_AuthorisationCode", "777777"),
        ]);
        let events = parse(&reply(&[confirm, preauth])).unwrap();
        let summary: Vec<_> = events
            .iter()
            .map(|e| (e.action(), e.status().clone(), e.status_code().to_string()))
            .collect();
        assert_eq!(
            summary,
            [
                (Action::Sale, Reported::Authorized, "0000".into()),
                (Action::Sale, Reported::Succeeded, "0900".into()),
            ]
        );
        let confirmation = notified(
            r#"{"Ds_Amount":"145","Ds_Currency":"978","Ds_Order":"1446117555","Ds_MerchantCode":"999008881",
                "Ds_Terminal":"1","Ds_Response":"0900","Ds_TransactionType":"2","Ds_AuthorisationCode":"777777"}"#,
        );
        assert_eq!(events[1], confirmation);
    }

    #[test]
    fn no_operations_is_an_empty_answer_and_other_errors_are_redsys_errors() {
        let error = |code: &str| {
            envelope(&crate::xml::escape_text(&format!(
                r#"<Messages><Version Ds_Version="0.0"><Message><ErrorMsg><Ds_ErrorCode>{code}</Ds_ErrorCode></ErrorMsg></Message></Version></Messages>"#
            )))
        };
        assert_eq!(parse(&error("XML0024")).unwrap(), []);
        for code in ["XML0023", "XML0041", "SIS0051"] {
            let e = parse(&error(code)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GatewayError, "{code}");
            assert!(e.message().contains(code));
        }
        // Operations and an error together are not an answer.
        let both = format!(
            r#"<Messages><Version Ds_Version="0.0"><Message>{}<ErrorMsg><Ds_ErrorCode>XML0024</Ds_ErrorCode></ErrorMsg></Message></Version></Messages>"#,
            sale("0000", "1")
        );
        assert_eq!(
            parse(&envelope(&crate::xml::escape_text(&both)))
                .unwrap_err()
                .code(),
            ErrorCode::GatewayError
        );
        assert_eq!(
            parse(&reply(&[])).unwrap_err().code(),
            ErrorCode::FieldMissing
        );
    }

    #[test]
    fn no_usable_answer_is_unavailable() {
        for reply in [
            Reply::Response {
                status: 500,
                body: b"<soapenv:Fault/>".to_vec(),
            },
            Reply::Response {
                status: 503,
                body: Vec::new(),
            },
            Reply::Failed {
                error: "connection reset".into(),
            },
        ] {
            let e = parse(&reply).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
            assert!(e.is_retryable());
        }
    }

    #[test]
    fn another_merchant_terminal_or_order_is_refused() {
        let other = |field: &str, value: &str| {
            let base = sale("0000", "1");
            let from = format!("<{field}>");
            let start = base.find(&from).unwrap() + from.len();
            let end = start + base[start..].find('<').unwrap();
            format!("{}{value}{}", &base[..start], &base[end..])
        };
        for (field, value, code) in [
            ("Ds_MerchantCode", "999008882", ErrorCode::MerchantMismatch),
            ("Ds_Terminal", "2", ErrorCode::MerchantMismatch),
            ("Ds_Order", "1446117556", ErrorCode::OrderMismatch),
        ] {
            // Even beside a matching operation: the whole reply is refused.
            let e = parse(&reply(&[sale("0000", "1"), other(field, value)])).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{field}");
        }
        // Padded terminals are the same terminal; a missing merchant or terminal is the
        // configured one (the reply answers the request signed for it).
        assert!(parse(&reply(&[other("Ds_Terminal", "001")])).is_ok());
        let bare = op(&[
            ("Ds_Order", ORDER),
            ("Ds_Amount", "145"),
            ("Ds_Currency", "978"),
            ("Ds_Response", "0"),
        ]);
        let events = parse(&reply(&[bare])).unwrap();
        assert_eq!(events[0].key(), "redsys:999008881:1:1446117555:0:0000:145:");
    }

    #[test]
    fn states_without_a_response_and_unknown_codes_change_nothing() {
        let pending = |state: &str| {
            op(&[
                ("Ds_Order", ORDER),
                ("Ds_TransactionType", "0"),
                ("Ds_Amount", "145"),
                ("Ds_Currency", "978"),
                ("Ds_State", state),
            ])
        };
        for state in ["S", "P", "A", "E", "L", "W", "O"] {
            let events = parse(&reply(&[pending(state)])).unwrap();
            assert_eq!(events[0].status(), &Reported::Pending, "{state}");
            assert_eq!(events[0].status_code(), format!("state {state}"));
        }
        for state in ["F", "T", "D", "Z"] {
            let events = parse(&reply(&[pending(state)])).unwrap();
            assert!(
                matches!(events[0].status(), Reported::Unknown(_)),
                "{state}"
            );
            assert_eq!(
                transition(&payment("pending"), &events[0]),
                Outcome::Ignored(crate::state::IgnoreReason::UnknownStatus {
                    code: format!("state {state}")
                })
            );
        }
        let unknown = parse(&reply(&[sale("0172", "")])).unwrap();
        assert_eq!(unknown[0].status(), &Reported::Unknown("0172".into()));
        let odd_type = parse(&reply(&[op(&[
            ("Ds_Order", ORDER),
            ("Ds_TransactionType", "Q"),
            ("Ds_Amount", "145"),
            ("Ds_Currency", "978"),
        ])]))
        .unwrap();
        assert!(matches!(odd_type[0].status(), Reported::Unknown(_)));
    }

    #[test]
    fn unescaped_and_lower_cased_replies_read_the_same() {
        let expected = parse(&reply(&[sale("0000", "123456")])).unwrap();
        let messages = format!(
            r#"<Messages><Version Ds_Version="0.0"><Message>{}</Message></Version></Messages>"#,
            sale("0000", "123456")
        );
        assert_eq!(parse(&envelope(&messages)).unwrap(), expected);
        let cdata = format!("<![CDATA[{messages}]]>");
        assert_eq!(parse(&envelope(&cdata)).unwrap(), expected);
        let lower = crate::xml::escape_text(&messages.to_ascii_lowercase());
        let lowered = parse(&envelope(&lower)).unwrap();
        assert_eq!(lowered[0].key(), expected[0].key());
    }

    #[test]
    fn hostile_or_broken_replies_are_typed_errors() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>"#;
        let bodies: Vec<Vec<u8>> = vec![
            bomb.into(),
            b"".to_vec(),
            b"not xml".to_vec(),
            b"<a><b></a>".to_vec(),
            vec![0xff, 0xfe, b'<'],
            b"<Envelope><Body><x>1</x></Body></Envelope>".to_vec(),
            vec![b' '; MAX_REPLY_BYTES + 1],
        ];
        for body in bodies {
            let e = parse(&Reply::Response { status: 200, body }).unwrap_err();
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::FieldInvalid
                        | ErrorCode::FieldMissing
                        | ErrorCode::InvalidUtf8
                        | ErrorCode::BodyTooLarge
                ),
                "{e:?}"
            );
        }
        for inner in [
            crate::xml::escape_text(bomb),
            crate::xml::escape_text("<Messages><Response><Ds_Order>1</Ds_Order>"),
            crate::xml::escape_text(&format!(
                "<Messages><Response><Ds_Order><x>{ORDER}</x></Ds_Order></Response></Messages>"
            )),
            crate::xml::escape_text(&"<Messages>".repeat(40)),
            "&amp;lt;".into(),
        ] {
            assert!(parse(&envelope(&inner)).is_err(), "{inner}");
        }
        for (field, value, code) in [
            ("Ds_Amount", "1.45", ErrorCode::AmountSyntax),
            ("Ds_Amount", "99999999999999999999", ErrorCode::AmountSyntax),
            ("Ds_Currency", "EUR", ErrorCode::UnknownCurrency),
            ("Ds_Response", "00000", ErrorCode::FieldInvalid),
        ] {
            let bad = sale("0000", "1").replace(
                &format!("<{field}>"),
                &format!("<{field}>{value}</{field}><{field}>"),
            );
            let e = parse(&reply(&[bad])).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (code, Some(field)),
                "{field}={value}"
            );
        }
    }
}

//! Redsys (Spain): redirect form signed with `HMAC_SHA256_V1`, notifications verified with the
//! merchant key.
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`checkout`]: the signed redirect form |
//! | `parse_notification` / `verify` | [`parse_notification`] (HTTP POST and SOAP), [`verify`] |
//! | `refund_request` / … | [`operation_request`] (refund, confirm, cancel), [`parse_operation_response`] |
//! | status query | [`query_request`] (SOAP `consultaOperaciones`), [`parse_query_response`]: events keyed like the notifications' |
//! | `acknowledge` | [`acknowledge`] for an [`Outcome`] (signed [`soap_answer`] for SOAP), [`reject`] for an [`Error`] |
//!
//! Signature versions `HMAC_SHA256_V1`, `HMAC_SHA512_V1` and `HMAC_SHA512_V2` ([`SignatureVersion`]).
//! Stored credentials (COF/MIT) and SCA exemptions: [`StoredCredential`] on the checkout
//! [`Order`] and on the REST [`Operation`] (`kind: payment` charges a stored card).
//! Host-to-host EMV 3-D Secure over REST (`iniciaPeticionREST`, 3DS Method, `trataPeticionREST`
//! with `AuthenticationData`, the challenge and its `cres`): [`emv3ds`].
//! Pay-by-link (Paygold, transaction type `F`: Redsys sends the customer a link by SMS or
//! e-mail, the payment is notified like any other): [`paygold`].
//! Parameters vpos does not model yet: [`ExtraParameters`] on the [`Order`] (validated names,
//! never a modelled one, signed like the rest).

mod checkout;
mod config;
pub mod emv3ds;
mod extra;
mod notification;
pub mod paygold;
mod query;
mod rest;
mod sign;
mod status;
mod stored;
mod tdes;

pub use sign::SignatureVersion;
pub use stored::{CofType, ScaExemption, StoredCredential};

pub use checkout::{Order, TransactionType, check_order_number, checkout, order_number};
pub use config::{Config, LIVE_CHECKOUT_URL, TEST_CHECKOUT_URL};
pub use extra::ExtraParameters;
pub use notification::{Format, MAX_BODY_BYTES, Notification, parse_notification, verify};
pub use query::{LIVE_QUERY_URL, TEST_QUERY_URL, parse_query_response, query_request};
pub use rest::{
    LIVE_REST_URL, Operation, OperationKind, TEST_REST_URL, operation_request,
    parse_operation_response,
};
pub use status::{
    Meaning, RESPONSE_CODES, map_status, meaning, normalize_response, response_message,
};

use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpResponse;
use crate::state::Outcome;
use crate::xml;

/// Signs `message` for `order` with the configured key and signature version. This is what every
/// Redsys request carries in `Ds_Signature`; exposed for tests against public vectors and for
/// hosts that build their own requests.
///
/// ```
/// # let config: vpos_core::gateways::redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881",
/// #   "terminal":"1","secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#)?;
/// let sig = vpos_core::gateways::redsys::sign(&config, "0", b"")?;
/// assert_eq!(sig.len(), 44);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(config: &Config, order: &str, message: &[u8]) -> Result<String> {
    Ok(config.key()?.sign(order, message))
}

/// The order key for `order` (3DES or AES, by the configured version), standard base64: the intermediate value every public
/// Redsys test suite checks first, exposed so vpos is checked against the same vectors.
pub fn order_key(config: &Config, order: &str) -> Result<String> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::STANDARD.encode(config.key()?.order_key(order)))
}

/// The answer to a notification once it went through [`crate::state::transition`].
///
/// - HTTP POST: `200` with an empty body once settled, so a redelivered notification is
///   answered as calmly as the first; `503` for a response code vpos does not know and `409`
///   for a contradiction, so the problem shows in Redsys's logs.
/// - SOAP: the signed `procesaNotificacionSISResponse` envelope, `OK` when settled and `KO`
///   otherwise (in synchronous mode a `KO` makes Redsys cancel the operation, which is the safe
///   side of any doubt).
pub fn acknowledge(
    config: &Config,
    notification: &Notification,
    outcome: &Outcome,
) -> Result<HttpResponse> {
    if notification.format == Format::Soap {
        return soap_answer(config, &notification.order, outcome.is_acknowledged());
    }
    Ok(HttpResponse::settled(outcome, ""))
}

/// The signed SOAP answer to `procesaNotificacionSIS` for `order`: `OK` or `KO`, signed with
/// the order key over the `<Response>` markup, XML-escaped inside the envelope, no whitespace
/// between tags.
///
/// ```
/// # let config: vpos_core::gateways::redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881",
/// #   "terminal":"871","secret_key":"Mk9m98IfEblmPfrpsawt7BmxObt98Jev","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#)?;
/// let answer = vpos_core::gateways::redsys::soap_answer(&config, "165441", true)?;
/// // peers-and-vectors R5: the OK answer for order 165441.
/// assert!(answer.body.contains("yQOHa14Yk2fpjHuO69+1cANLes6Z2/VwaoTWluiXe50="));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn soap_answer(config: &Config, order: &str, accept: bool) -> Result<HttpResponse> {
    let verdict = if accept { "OK" } else { "KO" };
    let response = format!(
        r#"<Response Ds_Version="0.0"><Ds_Response_Merchant>{verdict}</Ds_Response_Merchant></Response>"#
    );
    // SOAP notifications exist only in HMAC_SHA256_V1.
    let signature = config
        .key_for(SignatureVersion::HmacSha256V1)?
        .sign(order, response.as_bytes());
    let message = format!("<Message>{response}<Signature>{signature}</Signature></Message>");
    let body = format!(
        concat!(
            "<?xml version='1.0' encoding='UTF-8'?>",
            r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
            "<SOAP-ENV:Body>",
            r#"<ns1:procesaNotificacionSISResponse xmlns:ns1="InotificacionSIS" "#,
            r#"SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"#,
            r#"<result xsi:type="xsd:string">{}</result>"#,
            "</ns1:procesaNotificacionSISResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        ),
        xml::escape_text(&message)
    );
    Ok(HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "text/xml; charset=utf-8".into())],
        body,
    })
}

/// The answer when a notification could not be taken in: `403` for a bad signature, `422`
/// with JSON errors for a malformed one, `503` for vpos's own misconfiguration.
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::SignatureMismatch | ErrorCode::UnsupportedSignatureVersion => {
            HttpResponse::text(403, error.code().as_str())
        }
        ErrorCode::InvalidConfig | ErrorCode::PaymentNotFound => {
            HttpResponse::text(503, error.code().as_str())
        }
        _ => HttpResponse::errors(422, error),
    }
}

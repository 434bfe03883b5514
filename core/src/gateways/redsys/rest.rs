//! Server-to-server operations on a paid or pre-authorised order (`trataPeticionREST`):
//! refund (type 3, partial and repeated until the captured amount is used up), confirm a
//! pre-authorisation (2) and cancel it (9). vpos describes the request and reads the reply;
//! the host performs the POST.

use serde::{Deserialize, Serialize};

use super::Config;
use super::checkout::check_order_number;
use super::notification::{Format, Notification, from_signed_parameters};
use super::stored::StoredCredential;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, Method, Reply};
use crate::money::Amount;
use crate::trust::{Unverified, Verified};

/// Redsys test environment, REST endpoint.
pub const TEST_REST_URL: &str = "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST";
/// Redsys production, REST endpoint.
pub const LIVE_REST_URL: &str = "https://sis.redsys.es/sis/rest/trataPeticionREST";

/// Largest reply accepted.
const MAX_REPLY_BYTES: usize = 64 * 1024;

/// Which operation.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysOperationKind"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// `0`: charge a stored card by its reference (merchant-initiated, no customer present);
    /// needs `stored_credential.identifier`.
    Payment,
    /// `3`: return money from a captured payment.
    Refund,
    /// `2`: capture a pre-authorisation.
    Confirm,
    /// `9`: release a pre-authorisation.
    Cancel,
}

impl OperationKind {
    fn code(self) -> &'static str {
        match self {
            OperationKind::Payment => "0",
            OperationKind::Refund => "3",
            OperationKind::Confirm => "2",
            OperationKind::Cancel => "9",
        }
    }
}

/// An operation on an existing order.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysOperation"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// What to do.
    pub kind: OperationKind,
    /// The order's `DS_MERCHANT_ORDER`, as sent at checkout.
    pub order: String,
    /// The amount: charged, refunded, captured, or released.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// Stored-credential and SCA parameters; for a [`OperationKind::Payment`] at least the
    /// card reference, usually with `direct_payment: true` and `excep_sca: "mit"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_credential: Option<StoredCredential>,
}

/// Describes the REST request for `operation`: a JSON POST to the configured `rest_url` with
/// the signed parameters.
///
/// ```
/// use vpos_core::gateways::redsys::{self, Operation, OperationKind};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// let refund: Operation = serde_json::from_value(serde_json::json!({
///     "kind": "refund", "order": "0726qI3H7sZx", "amount": {"value": "10.00", "currency": "EUR"}}))?;
/// let request = redsys::operation_request(&config, &refund)?;
/// assert_eq!(request.url, "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST");
/// assert!(request.body.starts_with(r#"{"Ds_SignatureVersion":"HMAC_SHA256_V1","#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn operation_request(config: &Config, operation: &Operation) -> Result<HttpRequest> {
    config.validate()?;
    let url = config.rest_url.clone().ok_or_else(|| {
        Error::config(
            "rest_url",
            "is required for refunds, confirmations and cancellations",
        )
    })?;
    check_order_number(&operation.order)?;
    if operation.amount.minor() == 0 {
        return Err(Error::invalid(
            "DS_MERCHANT_AMOUNT",
            "must be greater than zero",
        ));
    }
    let identifier = operation
        .stored_credential
        .as_ref()
        .and_then(|c| c.identifier.as_deref());
    if operation.kind == OperationKind::Payment
        && identifier.is_none_or(|i| i.is_empty() || i == "REQUIRED")
    {
        return Err(Error::missing("DS_MERCHANT_IDENTIFIER"));
    }
    if let Some(stored) = &operation.stored_credential {
        stored.validate()?;
    }
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut parameters: Vec<(&str, String)> = vec![
        (
            "DS_MERCHANT_AMOUNT",
            text(&operation.amount.minor().to_string()),
        ),
        ("DS_MERCHANT_ORDER", text(&operation.order)),
        ("DS_MERCHANT_MERCHANTCODE", text(&config.merchant_code)),
        (
            "DS_MERCHANT_CURRENCY",
            text(&format!("{:03}", operation.amount.currency().numeric())),
        ),
        ("DS_MERCHANT_TRANSACTIONTYPE", text(operation.kind.code())),
        ("DS_MERCHANT_TERMINAL", text(&config.terminal)),
    ];
    if let Some(stored) = &operation.stored_credential {
        parameters.extend(stored.parameters());
    }
    let fields: Vec<String> = parameters
        .iter()
        .map(|(k, v)| format!("{}:{v}", text(k)))
        .collect();
    signed_request(
        config,
        &operation.order,
        &format!("{{{}}}", fields.join(",")),
        url,
    )
}

/// A REST request (`trataPeticionREST`, `iniciaPeticionREST`): `json`, the request's
/// `Ds_MerchantParameters` object, encoded by the configured signature version and signed with
/// `order`'s key, in the JSON envelope Redsys reads. The one place every REST request is signed.
pub(super) fn signed_request(
    config: &Config,
    order: &str,
    json: &str,
    url: String,
) -> Result<HttpRequest> {
    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct Body<'a> {
        Ds_SignatureVersion: &'a str,
        Ds_MerchantParameters: &'a str,
        Ds_Signature: &'a str,
    }
    let version = config.signature_version;
    let parameters = version.encode_parameters(json.as_bytes());
    let signature = config.key()?.sign(order, parameters.as_bytes());
    // Three strings: serialising cannot fail.
    let body = serde_json::to_string(&Body {
        Ds_SignatureVersion: version.as_str(),
        Ds_MerchantParameters: &parameters,
        Ds_Signature: &signature,
    })
    .unwrap_or_default();
    Ok(HttpRequest {
        method: Method::Post,
        url,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body,
    })
}

/// Reads the REST reply: Redsys's own error (`{"errorCode": "SIS0059"}`) is
/// [`ErrorCode::GatewayError`]; no usable answer is [`ErrorCode::GatewayUnavailable`] (the
/// host may retry); otherwise the signed parameters are verified like a notification and the
/// result drives [`crate::state::transition`] (a refund `0900` is a `Refund` that succeeded).
pub fn parse_operation_response(config: &Config, reply: &Reply) -> Result<Verified<Notification>> {
    let (body, value) = read_envelope(reply, "the operation")?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    let parameters =
        text("Ds_MerchantParameters").ok_or_else(|| Error::missing("Ds_MerchantParameters"))?;
    let notification = from_signed_parameters(
        Format::Rest,
        parameters.into(),
        text("Ds_Signature").map(str::to_string),
        text("Ds_SignatureVersion").unwrap_or_default().to_string(),
        body,
    )?;
    super::verify(config, Unverified(notification))
}

/// The JSON envelope of a Redsys REST reply (`trataPeticion`, `iniciaPeticion`), read once for
/// every REST caller: a 2xx body within [`MAX_REPLY_BYTES`], a JSON value, and not Redsys's
/// `errorCode` refusal (cut to 16 characters: it is the gateway's text, quoted in our error).
/// `what` names the request in that error ("the operation", "the request"). The body comes
/// back beside its value: callers keep the raw bytes.
pub(super) fn read_envelope<'r>(
    reply: &'r Reply,
    what: &str,
) -> Result<(&'r [u8], serde_json::Value)> {
    let body = reply.ok_body("Redsys")?;
    if body.len() > MAX_REPLY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "Redsys reply is too large",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| Error::new(ErrorCode::GatewayError, "Redsys reply is not JSON"))?;
    if let Some(code) = value.get("errorCode").and_then(serde_json::Value::as_str) {
        let code: String = code.chars().take(16).collect();
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!("Redsys refused {what}: {code}"),
        )
        .with_field("errorCode"));
    }
    Ok((body, value))
}

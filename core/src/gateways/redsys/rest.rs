//! Server-to-server operations on a paid or pre-authorised order (`trataPeticionREST`):
//! refund (type 3, partial and repeated until the captured amount is used up), confirm a
//! pre-authorisation (2) and cancel it (9). vpos describes the request and reads the reply;
//! the host performs the POST.

use serde::{Deserialize, Serialize};

use super::Config;
use super::checkout::check_order_number;
use super::notification::{Format, Notification, from_signed_parameters};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
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
            OperationKind::Refund => "3",
            OperationKind::Confirm => "2",
            OperationKind::Cancel => "9",
        }
    }
}

/// An operation on an existing order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// What to do.
    pub kind: OperationKind,
    /// The order's `DS_MERCHANT_ORDER`, as sent at checkout.
    pub order: String,
    /// The amount: refunded, captured, or released.
    pub amount: Amount,
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
    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct Parameters<'a> {
        DS_MERCHANT_AMOUNT: String,
        DS_MERCHANT_ORDER: &'a str,
        DS_MERCHANT_MERCHANTCODE: &'a str,
        DS_MERCHANT_CURRENCY: String,
        DS_MERCHANT_TRANSACTIONTYPE: &'a str,
        DS_MERCHANT_TERMINAL: &'a str,
    }
    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct Body<'a> {
        Ds_SignatureVersion: &'a str,
        Ds_MerchantParameters: &'a str,
        Ds_Signature: &'a str,
    }
    let json = serde_json::to_string(&Parameters {
        DS_MERCHANT_AMOUNT: operation.amount.minor().to_string(),
        DS_MERCHANT_ORDER: &operation.order,
        DS_MERCHANT_MERCHANTCODE: &config.merchant_code,
        DS_MERCHANT_CURRENCY: format!("{:03}", operation.amount.currency().numeric()),
        DS_MERCHANT_TRANSACTIONTYPE: operation.kind.code(),
        DS_MERCHANT_TERMINAL: &config.terminal,
    })
    .unwrap_or_default();
    let version = config.signature_version;
    let parameters = version.encode_parameters(json.as_bytes());
    let signature = config.key()?.sign(&operation.order, parameters.as_bytes());
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
    let body = match reply {
        Reply::Response { status: 200, body } => body,
        Reply::Response { status, .. } => {
            return Err(Error::new(
                ErrorCode::GatewayUnavailable,
                format!("Redsys answered HTTP {status}"),
            ));
        }
        Reply::Failed { error } => {
            return Err(Error::new(
                ErrorCode::GatewayUnavailable,
                format!(
                    "no answer from Redsys ({})",
                    error.chars().take(120).collect::<String>()
                ),
            ));
        }
    };
    if body.len() > MAX_REPLY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            "Redsys reply is too large",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| Error::new(ErrorCode::GatewayError, "Redsys reply is not JSON"))?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    if let Some(code) = text("errorCode") {
        let code: String = code.chars().take(16).collect();
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!("Redsys refused the operation: {code}"),
        )
        .with_field("errorCode"));
    }
    let parameters =
        text("Ds_MerchantParameters").ok_or_else(|| Error::missing("Ds_MerchantParameters"))?;
    let notification = from_signed_parameters(
        Format::Rest,
        parameters,
        text("Ds_Signature").map(str::to_string),
        text("Ds_SignatureVersion").unwrap_or_default().to_string(),
        body,
    )?;
    super::verify(config, Unverified(notification))
}

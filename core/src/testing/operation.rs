//! The gateway's answer to an operation (refund, capture, release, stored-card charge), for a
//! fake gateway standing in for Redsys's REST API and Elavon's Remote API: the request is
//! checked as the gateway checks it (signature, hash), and the reply signed with the same
//! configuration.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::{DATE, Mode};
use crate::driver::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{elavon, redsys};
use crate::http::{HttpRequest, Reply};
use crate::trust::Unverified;

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

fn not_this(what: &str) -> Error {
    Error::new(
        ErrorCode::Unsupported,
        format!("this request is not one this configuration's {what} answers"),
    )
}

/// The reply `config`'s gateway gives to the operation `request` in `mode`: `Verified`
/// carries the operation out, `Invalid` refuses it (Redsys `errorCode SIS0059`, Elavon
/// `RESULT 101`), `Timeout` and `ServerError` as for [`super::reply`]. Redsys REST and
/// Elavon Remote; `unsupported` for a request that is not to this configuration's operation
/// URL, or for another gateway.
pub fn operation_reply(config: &Config, request: &HttpRequest, mode: Mode) -> Result<Reply> {
    let reply = match config {
        #[cfg(feature = "redsys")]
        Config::Redsys(c) if c.rest_url.as_deref() == Some(request.url.as_str()) => {
            redsys_reply(c, request, mode)?
        }
        #[cfg(feature = "elavon")]
        Config::Elavon(c) if c.remote_url.as_deref() == Some(request.url.as_str()) => {
            elavon_reply(c, request, mode)?
        }
        #[cfg(feature = "redsys")]
        Config::Redsys(_) => return Err(not_this("rest_url")),
        #[cfg(feature = "elavon")]
        Config::Elavon(_) => return Err(not_this("remote_url")),
        other => {
            return Err(Error::new(
                ErrorCode::Unsupported,
                format!(
                    "no fake {} operation reply: only Redsys REST and Elavon Remote",
                    other.gateway().as_str()
                ),
            ));
        }
    };
    Ok(match mode {
        Mode::Timeout | Mode::ServerError => super::reply(
            &super::Proof {
                method: request.method,
                url: request.url.clone(),
                verified: String::new(),
                invalid: String::new(),
            },
            mode,
        ),
        _ => reply,
    })
}

fn json_reply(body: String) -> Reply {
    Reply::Response {
        status: 200,
        body: body.into_bytes(),
    }
}

fn redsys_reply(config: &redsys::Config, request: &HttpRequest, mode: Mode) -> Result<Reply> {
    let refused = |code: &str| json_reply(serde_json::json!({ "errorCode": code }).to_string());
    let body: serde_json::Value = serde_json::from_str(&request.body)
        .map_err(|_| Error::invalid("body", "is not a Redsys REST request"))?;
    let text = |key: &str| {
        body.get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    };
    let parameters = text("Ds_MerchantParameters");
    let decoded = if parameters.contains(['-', '_']) {
        URL_LENIENT.decode(parameters)
    } else {
        STANDARD_LENIENT.decode(parameters)
    }
    .map_err(|_| Error::invalid("Ds_MerchantParameters", "is not base64"))?;
    let asked: serde_json::Value = serde_json::from_slice(&decoded)
        .map_err(|_| Error::invalid("Ds_MerchantParameters", "is not JSON"))?;
    let field = |key: &str| {
        asked
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    };
    let order = field("DS_MERCHANT_ORDER");
    // Checked as Redsys checks it: the signature with this terminal's key (SIS0042).
    if redsys::sign(config, order, parameters.as_bytes())? != text("Ds_Signature") {
        return Ok(refused("SIS0042"));
    }
    if mode == Mode::Invalid {
        return Ok(refused("SIS0059"));
    }
    let kind = field("DS_MERCHANT_TRANSACTIONTYPE");
    // What Redsys answers a success: a charge 0000, a cancellation 0400, a refund or a
    // confirmation 0900.
    let response = match kind {
        "0" => "0000",
        "9" => "0400",
        _ => "0900",
    };
    let pairs = [
        ("Ds_Amount", field("DS_MERCHANT_AMOUNT")),
        ("Ds_Currency", field("DS_MERCHANT_CURRENCY")),
        ("Ds_Order", order),
        ("Ds_MerchantCode", field("DS_MERCHANT_MERCHANTCODE")),
        ("Ds_Terminal", field("DS_MERCHANT_TERMINAL")),
        ("Ds_Response", response),
        ("Ds_AuthorisationCode", "R00001"),
        ("Ds_TransactionType", kind),
        ("Ds_SecurePayment", "0"),
    ];
    let json = format!(
        "{{{}}}",
        pairs
            .iter()
            .map(|(k, v)| format!(
                "{}:{}",
                serde_json::Value::from(*k),
                serde_json::Value::from(*v)
            ))
            .collect::<Vec<_>>()
            .join(",")
    );
    let version = config.signature_version;
    let reply_parameters = version.encode_parameters(json.as_bytes());
    let signature = redsys::sign(config, order, reply_parameters.as_bytes())?;
    Ok(json_reply(
        serde_json::json!({
            "Ds_SignatureVersion": version.as_str(),
            "Ds_MerchantParameters": reply_parameters,
            "Ds_Signature": signature,
        })
        .to_string(),
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn elavon_reply(config: &elavon::Config, request: &HttpRequest, mode: Mode) -> Result<Reply> {
    let Unverified(asked) = elavon::parse_remote_request(request.body.as_bytes())?;
    let rebate = config
        .rebate_password
        .as_ref()
        .map_or(String::new(), |p| p.expose().to_string());
    // Checked as Elavon checks it: the request hash with this account's secret (and the
    // rebate password's hash for a rebate).
    let (result, message) = match elavon::verify_remote_request(
        Unverified(asked.clone()),
        config.secret.expose(),
        &rebate,
    ) {
        Err(_) => ("508", "hash does not match"),
        Ok(_) if mode == Mode::Invalid => ("101", "Declined by bank"),
        Ok(_) => ("00", "[ test system ] Authorised"),
    };
    let timestamp = DATE.2;
    let authcode = if result == "00" {
        asked.authcode.as_str()
    } else {
        ""
    };
    let sha1hash = elavon::hash(
        &[
            timestamp,
            &config.merchant_id,
            &asked.order_id,
            result,
            message,
            &asked.pasref,
            authcode,
        ],
        config.secret.expose(),
    );
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response timestamp=\"{timestamp}\">\
         <merchantid>{}</merchantid><account>{}</account><orderid>{}</orderid>\
         <result>{result}</result><message>{}</message><pasref>{}</pasref>\
         <authcode>{}</authcode><sha1hash>{sha1hash}</sha1hash></response>",
        escape(&config.merchant_id),
        escape(&config.account),
        escape(&asked.order_id),
        escape(message),
        escape(&asked.pasref),
        escape(authcode),
    );
    Ok(Reply::Response {
        status: 200,
        body: body.into_bytes(),
    })
}

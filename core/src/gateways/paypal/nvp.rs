//! Express Checkout over the NVP API, as sans-IO requests and parsed replies:
//! `SetExpressCheckout` → redirect the buyer with the token → `GetExpressCheckoutDetails` →
//! `DoExpressCheckoutPayment`; `RefundTransaction` later. Credentials travel in the request
//! body, so [`HttpRequest`]'s `Debug` shows only the body's length.

use serde::{Deserialize, Serialize};

use super::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::fields::{optional, required, url};
use crate::form::{RedirectForm, encode_urlencoded, parse_urlencoded};
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::{Amount, Currency};
use crate::secret::Secret;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;

/// NVP endpoint, live.
pub const LIVE_NVP_URL: &str = "https://api-3t.paypal.com/nvp";
/// NVP endpoint, sandbox.
pub const SANDBOX_NVP_URL: &str = "https://api-3t.sandbox.paypal.com/nvp";

/// The API version vpos speaks.
pub const NVP_VERSION: &str = "124.0";

/// NVP API credentials (signature flavour).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalNvpCredentials"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NvpCredentials {
    /// `USER`.
    pub user: String,
    /// `PWD`.
    pub password: Secret,
    /// `SIGNATURE`.
    pub signature: Secret,
    /// [`LIVE_NVP_URL`] or [`SANDBOX_NVP_URL`].
    pub api_url: String,
}

/// What to sell through Express Checkout.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalExpressOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressOrder {
    /// `PAYMENTREQUEST_0_INVNUM`: the shop's order id.
    pub invoice: String,
    /// `PAYMENTREQUEST_0_AMT` and `PAYMENTREQUEST_0_CURRENCYCODE`.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `L_PAYMENTREQUEST_0_NAME0`.
    pub description: String,
    /// `RETURNURL`: PayPal sends the buyer back here with `token` and `PayerID`.
    pub return_url: String,
    /// `CANCELURL`.
    pub cancel_url: String,
}

fn credentials(config: &Config) -> Result<&NvpCredentials> {
    let c = config
        .nvp
        .as_ref()
        .ok_or_else(|| Error::config("nvp", "Express Checkout needs NVP credentials"))?;
    if c.user.is_empty() || c.password.is_empty() || c.signature.is_empty() {
        return Err(Error::config(
            "nvp",
            "user, password and signature are required",
        ));
    }
    // `url` lets an empty value through (it serves optional URLs); the endpoint is not optional.
    required("api_url", &c.api_url, 500).map_err(Error::into_config)?;
    crate::fields::url("api_url", Some(&c.api_url), 500).map_err(Error::into_config)?;
    Ok(c)
}

pub(super) fn request(
    config: &Config,
    method: &str,
    fields: &[(&str, String)],
) -> Result<HttpRequest> {
    let c = credentials(config)?;
    let mut pairs: Vec<(&str, &str)> = vec![
        ("METHOD", method),
        ("VERSION", NVP_VERSION),
        ("USER", &c.user),
        ("PWD", c.password.expose()),
        ("SIGNATURE", c.signature.expose()),
    ];
    pairs.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    Ok(HttpRequest {
        method: Method::Post,
        url: c.api_url.clone(),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: encode_urlencoded(pairs),
    })
}

/// `SetExpressCheckout` for `order` (payment action `Sale`).
pub fn set_express_checkout_request(config: &Config, order: &ExpressOrder) -> Result<HttpRequest> {
    required("PAYMENTREQUEST_0_INVNUM", &order.invoice, 127)?;
    required("L_PAYMENTREQUEST_0_NAME0", &order.description, 127)?;
    // PayPal requires both; `url` alone would let an empty one through.
    for (field, value) in [
        ("RETURNURL", &order.return_url),
        ("CANCELURL", &order.cancel_url),
    ] {
        required(field, value, 2048)?;
        url(field, Some(value), 2048)?;
    }
    if order.amount.minor() == 0 {
        return Err(Error::invalid(
            "PAYMENTREQUEST_0_AMT",
            "must be greater than zero",
        ));
    }
    let amount =
        super::format_amount(order.amount).map_err(|e| e.with_field("PAYMENTREQUEST_0_AMT"))?;
    request(
        config,
        "SetExpressCheckout",
        &[
            ("PAYMENTREQUEST_0_PAYMENTACTION", "Sale".into()),
            ("PAYMENTREQUEST_0_AMT", amount.clone()),
            (
                "PAYMENTREQUEST_0_CURRENCYCODE",
                order.amount.currency().code().into(),
            ),
            ("PAYMENTREQUEST_0_INVNUM", order.invoice.clone()),
            ("L_PAYMENTREQUEST_0_NAME0", order.description.clone()),
            ("L_PAYMENTREQUEST_0_AMT0", amount),
            ("L_PAYMENTREQUEST_0_QTY0", "1".into()),
            ("RETURNURL", order.return_url.clone()),
            ("CANCELURL", order.cancel_url.clone()),
        ],
    )
}

/// A successful NVP reply: `ACK` and every field, in order.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PaypalNvpReply"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NvpReply {
    /// `Success` or `SuccessWithWarning`.
    pub ack: String,
    /// Every field of the reply.
    pub fields: Vec<(String, String)>,
}

impl NvpReply {
    /// A field by name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// `TOKEN` (SetExpressCheckout, GetExpressCheckoutDetails).
    pub fn token(&self) -> Result<&str> {
        self.get("TOKEN").ok_or_else(|| Error::missing("TOKEN"))
    }
}

/// Reads an NVP reply. `Failure` / `FailureWithWarning` is [`ErrorCode::GatewayError`] with
/// PayPal's first error code and message; no reply is [`ErrorCode::GatewayUnavailable`].
pub fn parse_nvp_response(reply: &Reply) -> Result<NvpReply> {
    let fields = read_nvp_fields(reply)?;
    let get = |n: &str| {
        fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let ack = get("ACK").to_string();
    match ack.as_str() {
        "Success" | "SuccessWithWarning" => Ok(NvpReply { ack, fields }),
        "" => Err(Error::missing("ACK")),
        _ => Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "PayPal answered {ack}: {} {}",
                get("L_ERRORCODE0"),
                get("L_LONGMESSAGE0")
            ),
        )
        .with_field("ACK")),
    }
}

/// The fields of an NVP reply whatever its `ACK`, so a caller can read PayPal's own error
/// codes (a status query tells "no such transaction" from other refusals). No reply, or one
/// other than HTTP 200, is [`ErrorCode::GatewayUnavailable`].
pub(super) fn read_nvp_fields(reply: &Reply) -> Result<Vec<(String, String)>> {
    let body = reply.ok_body("PayPal")?;
    parse_urlencoded(body, 64 * 1024)
}

/// Where to send the buyer after `SetExpressCheckout`: `GET <checkout_url>?cmd=_express-checkout&token=…`.
pub fn express_checkout_redirect(config: &Config, token: &str) -> RedirectForm {
    RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Get,
        fields: vec![
            ("cmd".into(), "_express-checkout".into()),
            ("token".into(), token.into()),
        ],
    }
}

/// `GetExpressCheckoutDetails` for the token the buyer came back with.
pub fn get_express_checkout_details_request(config: &Config, token: &str) -> Result<HttpRequest> {
    required("TOKEN", token, 64)?;
    request(
        config,
        "GetExpressCheckoutDetails",
        &[("TOKEN", token.into())],
    )
}

/// `DoExpressCheckoutPayment`: captures the sale the buyer approved.
pub fn do_express_checkout_payment_request(
    config: &Config,
    token: &str,
    payer_id: &str,
    order: &ExpressOrder,
) -> Result<HttpRequest> {
    required("TOKEN", token, 64)?;
    required("PAYERID", payer_id, 64)?;
    let amount =
        super::format_amount(order.amount).map_err(|e| e.with_field("PAYMENTREQUEST_0_AMT"))?;
    request(
        config,
        "DoExpressCheckoutPayment",
        &[
            ("TOKEN", token.into()),
            ("PAYERID", payer_id.into()),
            ("PAYMENTREQUEST_0_PAYMENTACTION", "Sale".into()),
            ("PAYMENTREQUEST_0_AMT", amount),
            (
                "PAYMENTREQUEST_0_CURRENCYCODE",
                order.amount.currency().code().into(),
            ),
            ("PAYMENTREQUEST_0_INVNUM", order.invoice.clone()),
        ],
    )
}

/// `RefundTransaction`: the whole transaction (`amount: None`) or part of it.
pub fn refund_transaction_request(
    config: &Config,
    transaction_id: &str,
    amount: Option<Amount>,
) -> Result<HttpRequest> {
    refund_transaction_request_keyed(config, transaction_id, amount, "")
}

/// [`refund_transaction_request`] carrying `msg_sub_id` as `MSGSUBID` (left out when empty):
/// PayPal answers a request repeating it with the first one's result instead of refunding
/// again, so a refund whose answer was lost can be asked again. At most 38 printable ASCII
/// characters (`field_invalid` on `MSGSUBID`).
///
/// ```
/// # let config: vpos_core::gateways::paypal::Config = serde_json::from_str(r#"{
/// #   "business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
/// #   "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
/// #   "nvp": {"user": "u", "password": "p", "signature": "s",
/// #           "api_url": "https://api-3t.sandbox.paypal.com/nvp"}}"#).unwrap();
/// use vpos_core::gateways::paypal::refund_transaction_request_keyed;
/// let r = refund_transaction_request_keyed(&config, "8XY12345AB678901C", None,
///     "vpos1-59693b306f9b614b122d1ac734622588")?;
/// assert!(r.body.ends_with("&MSGSUBID=vpos1-59693b306f9b614b122d1ac734622588"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn refund_transaction_request_keyed(
    config: &Config,
    transaction_id: &str,
    amount: Option<Amount>,
    msg_sub_id: &str,
) -> Result<HttpRequest> {
    required("TRANSACTIONID", transaction_id, 64)?;
    if msg_sub_id.len() > 38 || !msg_sub_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            "MSGSUBID",
            "at most 38 printable ASCII characters, no spaces",
        ));
    }
    let mut fields = vec![("TRANSACTIONID", transaction_id.to_string())];
    match amount {
        None => fields.push(("REFUNDTYPE", "Full".into())),
        Some(a) => {
            if a.minor() == 0 {
                return Err(Error::invalid(
                    "AMT",
                    "a partial refund must be greater than zero",
                ));
            }
            fields.push(("REFUNDTYPE", "Partial".into()));
            fields.push((
                "AMT",
                super::format_amount(a).map_err(|e| e.with_field("AMT"))?,
            ));
            fields.push(("CURRENCYCODE", a.currency().code().into()));
        }
    }
    if !msg_sub_id.is_empty() {
        fields.push(("MSGSUBID", msg_sub_id.into()));
    }
    request(config, "RefundTransaction", &fields)
}

pub(super) fn amount_of(
    reply: &NvpReply,
    amount: &'static str,
    currency: &'static str,
) -> Result<Amount> {
    let c = Currency::from_code(
        reply
            .get(currency)
            .ok_or_else(|| Error::missing(currency))?,
    )
    .map_err(|e| e.or_field(currency))?;
    super::parse_amount(reply.get(amount).ok_or_else(|| Error::missing(amount))?, c)
        .map_err(|e| e.or_field(amount))
}

/// The event a `DoExpressCheckoutPayment` reply reports (the host made the call over TLS with
/// its credentials, so the reply is authentic). `invoice` is the shop's order id.
pub fn payment_event(config: &Config, invoice: &str, reply: &NvpReply) -> Result<Verified<Event>> {
    let status = reply
        .get("PAYMENTINFO_0_PAYMENTSTATUS")
        .ok_or_else(|| Error::missing("PAYMENTINFO_0_PAYMENTSTATUS"))?;
    let (action, reported) = super::map_payment_status(status);
    let txn = reply
        .get("PAYMENTINFO_0_TRANSACTIONID")
        .ok_or_else(|| Error::missing("PAYMENTINFO_0_TRANSACTIONID"))?;
    Ok(Verified(Event {
        gateway: Gateway::Paypal,
        key: event_key(&["paypal", txn, status]),
        merchant: config.business.clone(),
        order_id: invoice.to_string(),
        transaction_id: txn.to_string(),
        amount: amount_of(reply, "PAYMENTINFO_0_AMT", "PAYMENTINFO_0_CURRENCYCODE")?,
        action,
        status: reported,
        status_code: status.to_string(),
    }))
}

/// The event a `RefundTransaction` reply reports: a completed refund of `GROSSREFUNDAMT`
/// (`REFUNDSTATUS` `Instant`), or a pending one.
pub fn refund_event(config: &Config, invoice: &str, reply: &NvpReply) -> Result<Verified<Event>> {
    let id = reply
        .get("REFUNDTRANSACTIONID")
        .ok_or_else(|| Error::missing("REFUNDTRANSACTIONID"))?;
    let status = reply.get("REFUNDSTATUS").unwrap_or("Instant");
    let reported = if status == "Instant" {
        Reported::Succeeded
    } else {
        Reported::Pending
    };
    optional("REFUNDSTATUS", Some(status), 32)?;
    Ok(Verified(Event {
        gateway: Gateway::Paypal,
        key: event_key(&["paypal", id, "Refunded"]),
        merchant: config.business.clone(),
        order_id: invoice.to_string(),
        transaction_id: id.to_string(),
        amount: amount_of(reply, "GROSSREFUNDAMT", "CURRENCYCODE")?,
        action: Action::Refund,
        status: reported,
        status_code: status.to_string(),
    }))
}

/// The NVP configuration and reply this module's tests and the status queries' share.
#[cfg(test)]
pub(super) mod fixtures {
    use super::Config;
    use crate::http::Reply;

    pub(in crate::gateways::paypal) fn config() -> Config {
        serde_json::from_str(
            r#"{"business":"shop@example.com","checkout_url":"https://www.sandbox.paypal.com/cgi-bin/webscr",
                "ipn_url":"https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
                "nvp":{"user":"api_user","password":"pw-SECRET","signature":"sig-SECRET",
                       "api_url":"https://api-3t.sandbox.paypal.com/nvp"}}"#,
        )
        .unwrap()
    }

    pub(in crate::gateways::paypal) fn reply(body: &str) -> Reply {
        Reply::Response {
            status: 200,
            body: body.as_bytes().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateways::paypal::nvp::fixtures::{config, reply};
    use crate::state::{Outcome, PaymentSnapshot, transition};

    fn order() -> ExpressOrder {
        serde_json::from_str(
            r#"{"invoice":"A-1","amount":{"value":"15","currency":"EUR"},"description":"Tea",
                "return_url":"https://shop.example/paypal/return","cancel_url":"https://shop.example/cart"}"#,
        )
        .unwrap()
    }

    #[test]
    fn set_express_checkout_is_form_encoded_and_hides_credentials_in_debug() {
        let r = set_express_checkout_request(&config(), &order()).unwrap();
        assert_eq!(r.url, SANDBOX_NVP_URL);
        assert!(r.body.starts_with("METHOD=SetExpressCheckout&VERSION=124.0&USER=api_user&PWD=pw-SECRET&SIGNATURE=sig-SECRET&"));
        assert!(r.body.contains("PAYMENTREQUEST_0_AMT=15.00&PAYMENTREQUEST_0_CURRENCYCODE=EUR&PAYMENTREQUEST_0_INVNUM=A-1"));
        assert!(!format!("{r:?}").contains("SECRET"));
        assert!(!format!("{:?}", config()).contains("SECRET"));
    }

    #[test]
    fn replies_success_failure_and_token() {
        let ok = parse_nvp_response(&reply("TOKEN=EC%2d8A1&ACK=Success&VERSION=124.0")).unwrap();
        assert_eq!(ok.token().unwrap(), "EC-8A1");
        let form = express_checkout_redirect(&config(), "EC-8A1");
        assert_eq!(form.fields[1], ("token".into(), "EC-8A1".into()));
        let err = parse_nvp_response(&reply(
            "ACK=Failure&L_ERRORCODE0=10002&L_LONGMESSAGE0=Security+error",
        ))
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::GatewayError);
        assert!(err.message().contains("10002"));
        let none = parse_nvp_response(&Reply::Failed {
            error: "timeout".into(),
        })
        .unwrap_err();
        assert_eq!(none.code(), ErrorCode::GatewayUnavailable);
        assert_eq!(
            credentials(&Config {
                nvp: None,
                ..config()
            })
            .unwrap_err()
            .code(),
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn payment_then_partial_refund_move_the_payment() {
        let cfg = config();
        let paid = parse_nvp_response(&reply(
            "ACK=Success&PAYMENTINFO_0_TRANSACTIONID=8SC56973LM923823H&PAYMENTINFO_0_PAYMENTSTATUS=Completed\
             &PAYMENTINFO_0_AMT=15.00&PAYMENTINFO_0_CURRENCYCODE=EUR",
        ))
        .unwrap();
        let event = payment_event(&cfg, "A-1", &paid).unwrap();
        let mut payment: PaymentSnapshot = serde_json::from_str(
            r#"{"gateway":"paypal","merchant":"shop@example.com","order_id":"A-1",
                "amount":{"value":"15.00","currency":"EUR"},"status":"new"}"#,
        )
        .unwrap();
        assert_eq!(
            transition(&payment, &event).new_status(),
            Some(crate::PaymentStatus::Paid)
        );
        payment.status = crate::PaymentStatus::Paid;
        let refund = parse_nvp_response(&reply(
            "ACK=Success&REFUNDTRANSACTIONID=9E679139T5135712L&GROSSREFUNDAMT=5.00&CURRENCYCODE=EUR&REFUNDSTATUS=Instant",
        ))
        .unwrap();
        let r = refund_transaction_request(
            &cfg,
            "8SC56973LM923823H",
            Some(Amount::parse("5", Currency::from_code("EUR").unwrap()).unwrap()),
        )
        .unwrap();
        assert!(
            r.body
                .contains("REFUNDTYPE=Partial&AMT=5.00&CURRENCYCODE=EUR")
        );
        let out = transition(&payment, &refund_event(&cfg, "A-1", &refund).unwrap());
        assert!(
            matches!(
                out,
                Outcome::Applied {
                    refunded_minor: 500,
                    ..
                }
            ),
            "{out:?}"
        );
    }
}

//! `GetTransactionDetails` (NVP): what PayPal says today about one transaction, for a host that
//! missed or doubts an IPN.
//!
//! The reply describes the sale transaction only. A refund or a reversal is a transaction of
//! its own (its own id, `parent_txn_id` the sale's), which the sale's details do not list: the
//! sale's `PAYMENTSTATUS` says `Refunded` or `Partially-Refunded`, never how much, nor under
//! which id. So a query never produces a refund or chargeback event; those come from the
//! refund's own IPN or `RefundTransaction` reply, whose keys they own.

use super::Config;
use super::nvp::{NvpReply, amount_of, read_nvp_fields, request};
use crate::error::{Error, ErrorCode, Result};
use crate::fields::required;
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Reply};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;

/// PayPal's error for a transaction id it does not know: code `10004` with this long message
/// (PayPal lists `10004` under several other messages too, which stay `gateway_error`).
const UNKNOWN_ID_CODE: &str = "10004";
const UNKNOWN_ID_MESSAGE: &str = "The transaction id is not valid";

/// Describes `GetTransactionDetails` for `transaction_id` (the sale's `txn_id`, which the IPN
/// or `DoExpressCheckoutPayment` left on the payment). Needs the NVP credentials.
///
/// ```
/// # let config: vpos_core::gateways::paypal::Config = serde_json::from_str(r#"{"business":"shop@example.com",
/// #   "checkout_url":"https://www.sandbox.paypal.com/cgi-bin/webscr","ipn_url":"https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
/// #   "nvp":{"user":"u","password":"p","signature":"s","api_url":"https://api-3t.sandbox.paypal.com/nvp"}}"#)?;
/// let request = vpos_core::gateways::paypal::transaction_details_request(&config, "8SC56973LM923823H")?;
/// assert!(request.body.starts_with("METHOD=GetTransactionDetails&"));
/// assert!(request.body.ends_with("&TRANSACTIONID=8SC56973LM923823H"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn transaction_details_request(config: &Config, transaction_id: &str) -> Result<HttpRequest> {
    required("TRANSACTIONID", transaction_id, 64)?;
    request(
        config,
        "GetTransactionDetails",
        &[("TRANSACTIONID", transaction_id.to_string())],
    )
}

/// What a sale's `PAYMENTSTATUS` says about the sale itself, and the status its key carries.
///
/// The statuses an IPN also sends for the sale's own `txn_id` (`Completed`, `Pending`,
/// `Processed`, `Denied`, `Failed`, `Expired`, `Voided`) map as in
/// [`map_payment_status`](super::map_payment_status), keyed by the same status, so the query's
/// event and the IPN's share a key. `Refunded`, `Partially-Refunded` (or `Partially_Refunded`)
/// and `Reversed` are later facts about a sale PayPal completed: the event is that completion,
/// keyed `Completed` as the IPN and `DoExpressCheckoutPayment` key it. Anything else
/// (`Canceled-Reversal`, `In-Progress`, `Completed-Funds-Held`, `None` …) is `Unknown`.
///
/// ```
/// use vpos_core::{gateways::paypal::map_transaction_status, Action, Reported};
/// assert_eq!(map_transaction_status("Refunded"), (Action::Sale, Reported::Succeeded, "Completed"));
/// assert_eq!(map_transaction_status("Denied"), (Action::Sale, Reported::Failed, "Denied"));
/// assert!(matches!(map_transaction_status("In-Progress").1, Reported::Unknown(_)));
/// ```
pub fn map_transaction_status(status: &str) -> (Action, Reported, &str) {
    match status {
        "Refunded" | "Partially-Refunded" | "Partially_Refunded" | "Reversed" => {
            (Action::Sale, Reported::Succeeded, "Completed")
        }
        "Completed" | "Pending" | "Processed" | "Denied" | "Failed" | "Expired" | "Voided" => {
            let (action, reported) = super::map_payment_status(status);
            (action, reported, status)
        }
        other => (
            Action::Sale,
            Reported::Unknown(other.chars().take(32).collect()),
            other,
        ),
    }
}

/// Reads the reply to [`transaction_details_request`] for `transaction_id`: `None` when PayPal
/// knows no such transaction (`10004`, "The transaction id is not valid"), else the sale's
/// event (see [`map_transaction_status`]). The host made the call over TLS with its API
/// credentials, so the reply is authentic.
///
/// No reply or not HTTP 200: `gateway_unavailable`; any other `Failure`: `gateway_error`;
/// another `TRANSACTIONID` than asked: `field_invalid`; a receiver other than the configured
/// `business`: `merchant_mismatch`; a missing `PAYMENTSTATUS`, `AMT` or `CURRENCYCODE`:
/// `field_missing`.
pub fn parse_transaction_details(
    config: &Config,
    transaction_id: &str,
    reply: &Reply,
) -> Result<Option<Verified<Event>>> {
    let fields = read_nvp_fields(reply)?;
    let get = |n: &str| {
        fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let ack = get("ACK").ok_or_else(|| Error::missing("ACK"))?.to_string();
    if ack != "Success" && ack != "SuccessWithWarning" {
        let code = get("L_ERRORCODE0").unwrap_or("");
        let message = get("L_LONGMESSAGE0").unwrap_or("");
        let unknown = code == UNKNOWN_ID_CODE
            && message.trim().trim_end_matches('.') == UNKNOWN_ID_MESSAGE
            && get("L_ERRORCODE1").is_none();
        if unknown {
            return Ok(None);
        }
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "PayPal answered {}: {} {}",
                ack.chars().take(32).collect::<String>(),
                code.chars().take(16).collect::<String>(),
                message.chars().take(200).collect::<String>()
            ),
        )
        .with_field("ACK"));
    }
    let reply = NvpReply { ack, fields };
    let txn = reply
        .get("TRANSACTIONID")
        .ok_or_else(|| Error::missing("TRANSACTIONID"))?;
    if txn != transaction_id {
        return Err(Error::invalid(
            "TRANSACTIONID",
            "PayPal answered about another transaction than the one asked",
        ));
    }
    let merchant = receiver(config, &reply)?;
    let status = reply
        .get("PAYMENTSTATUS")
        .ok_or_else(|| Error::missing("PAYMENTSTATUS"))?;
    let (action, reported, key_status) = map_transaction_status(status);
    Ok(Some(Verified(Event {
        gateway: Gateway::Paypal,
        key: event_key(&["paypal", txn, key_status]),
        merchant,
        // As the IPN reads it: `invoice` (here `INVNUM`), else `custom`.
        order_id: reply
            .get("INVNUM")
            .or_else(|| reply.get("CUSTOM"))
            .unwrap_or_default()
            .to_string(),
        transaction_id: txn.to_string(),
        amount: amount_of(&reply, "AMT", "CURRENCYCODE")?,
        action,
        status: reported,
        status_code: key_status.to_string(),
    })))
}

/// The receiver the reply names that is the configured `business` (e-mail, business e-mail or
/// payer id: `business` may hold any), as the IPN's `receiver_email` check does.
fn receiver(config: &Config, reply: &NvpReply) -> Result<String> {
    let named: Vec<&str> = ["RECEIVEREMAIL", "RECEIVERBUSINESS", "RECEIVERID"]
        .iter()
        .filter_map(|f| reply.get(f))
        .collect();
    if named.is_empty() {
        return Err(Error::missing("RECEIVEREMAIL"));
    }
    named
        .into_iter()
        .find(|r| r.eq_ignore_ascii_case(&config.business))
        .map(str::to_string)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::MerchantMismatch,
                "the transaction was received by another PayPal account",
            )
            .with_field("RECEIVEREMAIL")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateways::paypal::nvp::fixtures::{config, reply};

    const OK: &str = "RECEIVERBUSINESS=shop%40example.com&RECEIVEREMAIL=shop%40example.com\
        &RECEIVERID=CURD7J7GXR73G&TRANSACTIONID=8SC56973LM923823H&TRANSACTIONTYPE=cart\
        &PAYMENTTYPE=instant&ORDERTIME=2026%2d11%2d25T10%3a00%3a00Z&AMT=15%2e00&FEEAMT=0%2e74\
        &CURRENCYCODE=EUR&PAYMENTSTATUS=Completed&PENDINGREASON=None&REASONCODE=None\
        &INVNUM=A%2d1&ACK=Success&VERSION=124%2e0&BUILD=000000";

    #[test]
    fn the_request_carries_the_method_and_id_and_hides_credentials() {
        let r = transaction_details_request(&config(), "8SC56973LM923823H").unwrap();
        assert!(
            r.body
                .starts_with("METHOD=GetTransactionDetails&VERSION=124.0&USER=api_user")
        );
        assert!(!format!("{r:?}").contains("SECRET"));
        let e = transaction_details_request(&config(), "").unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("TRANSACTIONID"))
        );
    }

    #[test]
    fn a_completed_sale_is_keyed_as_its_ipn() {
        let e = parse_transaction_details(&config(), "8SC56973LM923823H", &reply(OK))
            .unwrap()
            .unwrap();
        assert_eq!(e.key(), "paypal:8SC56973LM923823H:Completed");
        assert_eq!((e.order_id(), e.merchant()), ("A-1", "shop@example.com"));
        assert_eq!(e.amount().minor(), 1500);
        assert_eq!(*e.status(), Reported::Succeeded);
    }

    #[test]
    fn refunded_and_reversed_sales_report_only_their_completion() {
        for status in [
            "Refunded",
            "Partially-Refunded",
            "Partially_Refunded",
            "Reversed",
        ] {
            let body = OK.replace(
                "PAYMENTSTATUS=Completed",
                &format!("PAYMENTSTATUS={status}"),
            );
            let e = parse_transaction_details(&config(), "8SC56973LM923823H", &reply(&body))
                .unwrap()
                .unwrap();
            assert_eq!(
                (e.key(), e.action(), e.status_code()),
                (
                    "paypal:8SC56973LM923823H:Completed",
                    Action::Sale,
                    "Completed"
                )
            );
        }
        let body = OK.replace("PAYMENTSTATUS=Completed", "PAYMENTSTATUS=Canceled-Reversal");
        let e = parse_transaction_details(&config(), "8SC56973LM923823H", &reply(&body))
            .unwrap()
            .unwrap();
        assert_eq!(*e.status(), Reported::Unknown("Canceled-Reversal".into()));
    }

    #[test]
    fn an_unknown_id_is_not_found_and_other_failures_are_errors() {
        let unknown = "TIMESTAMP=2026%2d11%2d25T10%3a00%3a00Z&ACK=Failure&L_ERRORCODE0=10004\
            &L_SHORTMESSAGE0=Transaction%20refused%20because%20of%20an%20invalid%20argument%2e\
            &L_LONGMESSAGE0=The%20transaction%20id%20is%20not%20valid&L_SEVERITYCODE0=Error";
        assert_eq!(
            parse_transaction_details(&config(), "0", &reply(unknown)).unwrap(),
            None
        );
        let denied = "ACK=Failure&L_ERRORCODE0=10007&L_SHORTMESSAGE0=Permission%20denied\
            &L_LONGMESSAGE0=You%20do%20not%20have%20permission%20to%20get%20the%20details%20of%20this%20transaction";
        let e = parse_transaction_details(&config(), "0", &reply(denied)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        // 10004 under another message ("Invalid transaction type") is a refusal, not absence.
        let other = unknown.replace(
            "The%20transaction%20id%20is%20not%20valid",
            "You%20can%20not%20get%20the%20details%20for%20this%20type%20of%20transaction",
        );
        let e = parse_transaction_details(&config(), "0", &reply(&other)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        for r in [
            Reply::Response {
                status: 503,
                body: vec![],
            },
            Reply::Failed {
                error: "timeout".into(),
            },
        ] {
            let e = parse_transaction_details(&config(), "0", &r).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
        }
    }

    #[test]
    fn malformed_or_foreign_replies_are_typed_errors() {
        let cfg = config();
        let id = "8SC56973LM923823H";
        let other = OK.replace("TRANSACTIONID=8SC56973LM923823H", "TRANSACTIONID=X");
        assert_eq!(
            parse_transaction_details(&cfg, id, &reply(&other))
                .unwrap_err()
                .field(),
            Some("TRANSACTIONID")
        );
        let foreign = OK
            .replace("shop%40example.com", "thief%40example.com")
            .replace("CURD7J7GXR73G", "X");
        assert_eq!(
            parse_transaction_details(&cfg, id, &reply(&foreign))
                .unwrap_err()
                .code(),
            ErrorCode::MerchantMismatch
        );
        let no_status = OK.replace("PAYMENTSTATUS=Completed&", "");
        assert_eq!(
            parse_transaction_details(&cfg, id, &reply(&no_status))
                .unwrap_err()
                .field(),
            Some("PAYMENTSTATUS")
        );
        let bad_amount = OK.replace("AMT=15%2e00", "AMT=15%2e001");
        assert_eq!(
            parse_transaction_details(&cfg, id, &reply(&bad_amount))
                .unwrap_err()
                .code(),
            ErrorCode::AmountPrecision
        );
        assert_eq!(
            parse_transaction_details(&cfg, id, &reply("TRANSACTIONID=1"))
                .unwrap_err()
                .field(),
            Some("ACK")
        );
        assert!(parse_transaction_details(&cfg, id, &reply("%zz")).is_err());
    }
}

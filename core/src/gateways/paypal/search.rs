//! `TransactionSearch` (NVP): finds a payment by the shop's order id (`INVNUM`) when no IPN
//! ever brought its transaction id, so a lost IPN can still be reconciled.
//!
//! The search lists the merchant's own transactions (the API credentials choose the account),
//! newest first, one `L_…n` group per transaction. A received payment is `L_TYPE=Payment` with a
//! positive `L_AMT`; a refund the merchant made is `L_TYPE=Refund` with a negative one, under
//! the refund's own transaction id. Both become events keyed as their own IPNs key them
//! (`paypal:<txn_id>:<payment_status>`, a refund's status being `Refunded`), so a search, the
//! IPNs and a `RefundTransaction` reply count each fact once, in any order.

use super::Config;
use super::nvp::{NvpReply, read_nvp_fields, request};
use crate::error::{Error, ErrorCode, Result};
use crate::fields::required;
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Reply};
use crate::money::Currency;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;

/// Most result groups read from one reply (PayPal returns at most 100).
const MAX_ROWS: usize = 100;

/// Describes `TransactionSearch` for the shop's order id `invoice` (sent at checkout as
/// `invoice` / `PAYMENTREQUEST_0_INVNUM`), from `since` (the payment's creation, host clock,
/// `YYYYMMDDHHMMSS` UTC; PayPal requires a start date). Needs the NVP credentials.
///
/// ```
/// # let config: vpos_core::gateways::paypal::Config = serde_json::from_str(r#"{"business":"shop@example.com",
/// #   "checkout_url":"https://www.sandbox.paypal.com/cgi-bin/webscr","ipn_url":"https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
/// #   "nvp":{"user":"u","password":"p","signature":"s","api_url":"https://api-3t.sandbox.paypal.com/nvp"}}"#)?;
/// let request = vpos_core::gateways::paypal::transaction_search_request(&config, "A-1", "20261125100000")?;
/// assert!(request.body.starts_with("METHOD=TransactionSearch&"));
/// assert!(request.body.ends_with("&STARTDATE=2026-11-25T10%3A00%3A00Z&INVNUM=A-1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn transaction_search_request(
    config: &Config,
    invoice: &str,
    since: &str,
) -> Result<HttpRequest> {
    required("INVNUM", invoice, 127)?;
    let start = iso_utc(since).ok_or_else(|| {
        Error::invalid(
            "since",
            "must be the payment's creation as YYYYMMDDHHMMSS (UTC)",
        )
    })?;
    request(
        config,
        "TransactionSearch",
        &[("STARTDATE", start), ("INVNUM", invoice.to_string())],
    )
}

/// `YYYYMMDDHHMMSS` → `YYYY-MM-DDTHH:MM:SSZ`, checking each part's range.
fn iso_utc(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |from: usize, to: usize| s[from..to].parse::<u32>().ok();
    let (month, day, hour, minute, second) =
        (n(4, 6)?, n(6, 8)?, n(8, 10)?, n(10, 12)?, n(12, 14)?);
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then(|| {
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &s[0..4],
            &s[4..6],
            &s[6..8],
            &s[8..10],
            &s[10..12],
            &s[12..14]
        )
    })
}

/// Reads the reply to [`transaction_search_request`] for `invoice`: the events of the payments
/// received under that order id and of the refunds made on them, oldest first (`found` is
/// whether any payment was listed). The host made the call over TLS with its API credentials,
/// so the reply is authentic, and the search was the merchant's own: the events' merchant is
/// the configured `business`.
///
/// A payment's `L_STATUS` maps as [`map_transaction_status`](super::map_transaction_status)
/// maps the same word from `GetTransactionDetails` (`Completed`, `Pending`, `Denied` …; a
/// refunded or reversed sale is its completion); a refund's `Completed` is the refund done,
/// keyed `Refunded` as its IPN. Other transaction types (fees, transfers) are skipped.
///
/// No reply or not HTTP 200: `gateway_unavailable`; `ACK` not a success: `gateway_error`; a
/// group without its id, status, amount or currency: `field_missing`; an amount PayPal's
/// currency rules refuse: its money error.
pub fn parse_transaction_search(
    config: &Config,
    invoice: &str,
    reply: &Reply,
) -> Result<(bool, Vec<Verified<Event>>)> {
    let fields = read_nvp_fields(reply)?;
    let reply = NvpReply {
        ack: fields
            .iter()
            .find(|(k, _)| k == "ACK")
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::missing("ACK"))?,
        fields,
    };
    if reply.ack != "Success" && reply.ack != "SuccessWithWarning" {
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "PayPal answered {}: {} {}",
                reply.ack.chars().take(32).collect::<String>(),
                reply
                    .get("L_ERRORCODE0")
                    .unwrap_or("")
                    .chars()
                    .take(16)
                    .collect::<String>(),
                reply
                    .get("L_LONGMESSAGE0")
                    .unwrap_or("")
                    .chars()
                    .take(200)
                    .collect::<String>()
            ),
        )
        .with_field("ACK"));
    }
    let mut rows = Vec::new();
    for n in 0..MAX_ROWS {
        let field = |name: &str| format!("L_{name}{n}");
        let Some(txn) = reply.get(&field("TRANSACTIONID")) else {
            break;
        };
        let get = |name: &'static str| {
            reply
                .get(&field(name))
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::missing(name))
        };
        let kind = get("TYPE")?;
        if kind != "Payment" && kind != "Refund" {
            continue;
        }
        let currency =
            Currency::from_code(get("CURRENCYCODE")?).map_err(|e| e.or_field("L_CURRENCYCODE"))?;
        let signed = get("AMT")?;
        let amount = super::parse_amount(signed.trim_start_matches('-'), currency)
            .map_err(|e| e.or_field("L_AMT"))?;
        let status = get("STATUS")?;
        let (action, reported, key_status) = if kind == "Refund" {
            let reported = match status {
                "Completed" | "Cleared" => Reported::Succeeded,
                "Pending" => Reported::Pending,
                other => Reported::Unknown(other.chars().take(32).collect()),
            };
            (Action::Refund, reported, "Refunded")
        } else {
            let (action, reported, key) = super::map_transaction_status(status);
            (action, reported, key)
        };
        let timestamp = reply.get(&field("TIMESTAMP")).unwrap_or("").to_string();
        rows.push((
            timestamp,
            kind == "Refund",
            Verified(Event {
                gateway: Gateway::Paypal,
                key: event_key(&["paypal", txn, key_status]),
                merchant: config.business.clone(),
                order_id: invoice.to_string(),
                transaction_id: txn.to_string(),
                amount,
                action,
                status: reported,
                status_code: key_status.to_string(),
            }),
        ));
    }
    let found = rows.iter().any(|(_, refund, _)| !refund);
    // Oldest first (ISO 8601 UTC sorts as text); a payment before a refund of the same second.
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok((found, rows.into_iter().map(|(_, _, e)| e).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateways::paypal::nvp::fixtures::{config, reply};

    // The shape of a public TransactionSearch reply (newest first, `%2d`/`%2e`/`%3a` escapes,
    // signed amounts): a refund of 5.00 after a 15.00 payment, and a fee row that is skipped.
    const FOUND: &str = "L_TIMESTAMP0=2026%2d11%2d26T09%3a00%3a00Z&L_TIMESTAMP1=2026%2d11%2d25T10%3a00%3a05Z\
        &L_TIMESTAMP2=2026%2d11%2d25T10%3a00%3a00Z&L_TIMEZONE0=GMT&L_TIMEZONE1=GMT&L_TIMEZONE2=GMT\
        &L_TYPE0=Refund&L_TYPE1=Fee%20Reversal&L_TYPE2=Payment&L_EMAIL2=buyer%40example%2ecom\
        &L_TRANSACTIONID0=5RF12345AB678901C&L_TRANSACTIONID1=0FE11111AA111111A&L_TRANSACTIONID2=8SC56973LM923823H\
        &L_STATUS0=Completed&L_STATUS1=Completed&L_STATUS2=Completed\
        &L_AMT0=%2d5%2e00&L_AMT1=0%2e10&L_AMT2=15%2e00\
        &L_CURRENCYCODE0=EUR&L_CURRENCYCODE1=EUR&L_CURRENCYCODE2=EUR\
        &TIMESTAMP=2026%2d11%2d26T10%3a00%3a00Z&CORRELATIONID=d2f781592d328&ACK=Success&VERSION=124%2e0&BUILD=1";

    #[test]
    fn the_request_names_the_order_and_the_start() {
        let r = transaction_search_request(&config(), "A-1", "20261125100000").unwrap();
        assert!(
            r.body
                .contains("METHOD=TransactionSearch&VERSION=124.0&USER=api_user")
        );
        assert!(
            r.body
                .ends_with("&STARTDATE=2026-11-25T10%3A00%3A00Z&INVNUM=A-1")
        );
        for bad in [
            "",
            "2026112510000",
            "20261325100000",
            "2026112510000x",
            "20261125250000",
        ] {
            let e = transaction_search_request(&config(), "A-1", bad).unwrap_err();
            assert_eq!(e.field(), Some("since"), "{bad:?}");
        }
        let e = transaction_search_request(&config(), "", "20261125100000").unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("INVNUM"))
        );
    }

    #[test]
    fn payments_and_refunds_become_events_keyed_as_their_ipns() {
        let (found, events) = parse_transaction_search(&config(), "A-1", &reply(FOUND)).unwrap();
        assert!(found);
        let got: Vec<_> = events
            .iter()
            .map(|e| {
                let e = &e.0;
                (
                    e.key.as_str(),
                    e.action,
                    e.status.clone(),
                    e.amount.minor(),
                    e.order_id.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "paypal:8SC56973LM923823H:Completed",
                    Action::Sale,
                    Reported::Succeeded,
                    1500,
                    "A-1"
                ),
                (
                    "paypal:5RF12345AB678901C:Refunded",
                    Action::Refund,
                    Reported::Succeeded,
                    500,
                    "A-1"
                ),
            ]
        );
        assert_eq!(events[0].0.merchant, "shop@example.com");
    }

    #[test]
    fn the_search_the_ipn_and_the_refund_reply_count_each_fact_once() {
        use crate::state::{Outcome, PaymentSnapshot, transition};
        let (_, events) = parse_transaction_search(&config(), "A-1", &reply(FOUND)).unwrap();
        let mut payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({
            "gateway": "paypal", "merchant": "shop@example.com", "order_id": "A-1",
            "amount": {"value": "15.00", "currency": "EUR"}, "status": "pending"}))
        .unwrap();
        for e in &events {
            let out = transition(&payment, &e.0);
            let Outcome::Applied {
                to, refunded_minor, ..
            } = out
            else {
                panic!("{out:?}")
            };
            payment.status = to;
            payment.refunded_minor = refunded_minor;
            payment.applied_event_keys.push(e.0.key.clone());
        }
        assert_eq!(
            (payment.status.as_str(), payment.refunded_minor),
            ("partially_refunded", 500)
        );
        // Searching again, or the refund's own IPN (same key), changes nothing.
        for e in &events {
            assert_eq!(transition(&payment, &e.0), Outcome::AlreadyApplied);
        }
    }

    #[test]
    fn nothing_listed_is_not_found_and_failures_are_typed() {
        let empty = "TIMESTAMP=2026%2d11%2d26T10%3a00%3a00Z&ACK=Success&VERSION=124%2e0";
        assert_eq!(
            parse_transaction_search(&config(), "A-1", &reply(empty)).unwrap(),
            (false, vec![])
        );
        let failure = "ACK=Failure&L_ERRORCODE0=10004&L_LONGMESSAGE0=Start%20date%20is%20invalid";
        let e = parse_transaction_search(&config(), "A-1", &reply(failure)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        let e = parse_transaction_search(
            &config(),
            "A-1",
            &Reply::Failed {
                error: "timed out".into(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
        let no_status =
            "L_TYPE0=Payment&L_TRANSACTIONID0=X&L_AMT0=1%2e00&L_CURRENCYCODE0=EUR&ACK=Success";
        let e = parse_transaction_search(&config(), "A-1", &reply(no_status)).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("STATUS"))
        );
        let precise = "L_TYPE0=Payment&L_TRANSACTIONID0=X&L_STATUS0=Completed&L_AMT0=1%2e001&L_CURRENCYCODE0=EUR&ACK=Success";
        assert!(parse_transaction_search(&config(), "A-1", &reply(precise)).is_err());
        let unknown = "L_TYPE0=Payment&L_TRANSACTIONID0=X&L_STATUS0=Held&L_AMT0=1%2e00&L_CURRENCYCODE0=EUR&ACK=Success";
        let (found, events) = parse_transaction_search(&config(), "A-1", &reply(unknown)).unwrap();
        assert!(found && matches!(events[0].0.status, Reported::Unknown(_)));
    }
}

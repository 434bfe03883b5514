//! `TransactionSearch`: the merchant's transactions from `STARTDATE`, of one invoice when
//! `INVNUM` is given (exact match), newest first, one `L_…n` group each (`L_TIMESTAMP`,
//! `L_TIMEZONE`, `L_TYPE`, `L_EMAIL`, `L_NAME`, `L_TRANSACTIONID`, `L_STATUS`, `L_AMT`,
//! `L_FEEAMT`, `L_NETAMT`, `L_CURRENCYCODE`), at most 100 (PayPal's documented limit):
//!
//! - the sale: `L_TYPE=Payment`, positive `L_AMT`, `L_STATUS` its `PAYMENTSTATUS` now (as
//!   `GetTransactionDetails` answers it), timed at the checkout's creation;
//! - each refund made through `RefundTransaction`: `L_TYPE=Refund`, negative `L_AMT`,
//!   `L_STATUS=Completed`, under the id its reply and its IPN carry, timed when it was made.
//!
//! Each transaction counts from its own time, as PayPal's date range applies to each.
//! `STARTDATE` must be `YYYY-MM-DDTHH:MM:SSZ` (UTC, the form the NVP guide's
//! `TransactionSearch` page asks for). Missing, it is `10003` "Start date is a required
//! parameter" (<https://www.paypal.com/in/selfhelp/article/why-did-i-get-api-error-code-10003-ts2179>);
//! not such a date, `10004`, PayPal's invalid-argument code
//! (<https://developer.paypal.com/api/nvp-soap/errors/>), "Start date is invalid". Nothing
//! found is `ACK=Success` with no `L_` group. `ENDDATE` and the other filters are not read.

use vpos_core::Amount;

use super::{Failure, encode_urlencoded, failure, failure_body, header_fields, text, zero};
use crate::app::App;

/// Most transactions in one answer (PayPal's limit).
const MAX_ROWS: usize = 100;

/// One listed transaction.
struct Row {
    at: String,
    kind: &'static str,
    id: String,
    status: &'static str,
    amount: Amount,
}

impl Row {
    /// `L_AMT`: a refund is money out, negative.
    fn signed(&self) -> String {
        if self.kind == "Refund" {
            format!("-{}", text(self.amount))
        } else {
            text(self.amount)
        }
    }
}

/// `2026-11-25T10:00:00.123Z` → `2026-11-25T10:00:00Z` (PayPal's timestamps have no fraction).
pub(crate) fn to_second(rfc3339: &str) -> String {
    format!("{}Z", rfc3339.get(..19).unwrap_or(rfc3339))
}

/// Whether `s` is `YYYY-MM-DDTHH:MM:SSZ` with each part in range.
fn is_start_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    let n = |from: usize, to: usize| s.get(from..to).and_then(|p| p.parse::<u32>().ok());
    shape
        && n(5, 7).is_some_and(|m| (1..=12).contains(&m))
        && n(8, 10).is_some_and(|d| (1..=31).contains(&d))
        && n(11, 13).is_some_and(|h| h < 24)
        && n(14, 16).is_some_and(|m| m < 60)
        && n(17, 19).is_some_and(|s| s < 60)
}

/// The answer to `TransactionSearch`.
pub(super) fn transaction_search(app: &App, start: Option<&str>, invnum: Option<&str>) -> String {
    let refused = match start {
        None => Some(failure(
            "10003",
            "Missing argument.",
            "Start date is a required parameter.",
        )),
        Some(s) if !is_start_date(s) => Some(failure(
            "10004",
            "Invalid argument.",
            "Start date is invalid.",
        )),
        Some(_) => None,
    };
    if let Some(f) = refused {
        return refuse(app, invnum, &f);
    }
    let start = start.unwrap_or_default();
    let mut inner = app.lock();
    let mut rows = Vec::new();
    for p in inner.paypal.payments.values() {
        if invnum.is_some_and(|i| i != p.invoice) {
            continue;
        }
        let (Some(txn), Some(status)) = (&p.txn_id, p.payment_status()) else {
            continue;
        };
        rows.push(Row {
            at: to_second(&p.created),
            kind: "Payment",
            id: txn.clone(),
            status,
            amount: p.amount,
        });
        rows.extend(p.refunds.iter().map(|r| Row {
            at: r.at.clone(),
            kind: "Refund",
            id: r.id.clone(),
            status: "Completed",
            amount: r.amount,
        }));
    }
    // ISO 8601 UTC sorts as text; the stable sort keeps a sale before its refunds of the same
    // second, and the reversal then puts the later one first.
    rows.retain(|r| r.at.as_str() >= start);
    rows.sort_by(|a, b| a.at.cmp(&b.at));
    rows.reverse();
    rows.truncate(MAX_ROWS);
    let business = app.config.paypal.business.clone();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut column = |name: &str, value: &dyn Fn(&Row) -> String| {
        for (n, r) in rows.iter().enumerate() {
            fields.push((format!("L_{name}{n}"), value(r)));
        }
    };
    column("TIMESTAMP", &|r| r.at.clone());
    column("TIMEZONE", &|_| "GMT".into());
    column("TYPE", &|r| r.kind.into());
    column("EMAIL", &|r| {
        if r.kind == "Payment" {
            "buyer@sandbox.example".into()
        } else {
            business.clone()
        }
    });
    column("NAME", &|_| "Sandbox Buyer".into());
    column("TRANSACTIONID", &|r| r.id.clone());
    column("STATUS", &|r| r.status.into());
    column("AMT", &Row::signed);
    column("FEEAMT", &|r| zero(r.amount));
    column("NETAMT", &Row::signed);
    column("CURRENCYCODE", &|r| r.amount.currency().code().into());
    let count = rows.len();
    fields.extend(
        header_fields(&mut inner, "Success")
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
    );
    drop(inner);
    app.note(
        "paypal",
        invnum.unwrap_or(""),
        format!(
            "TransactionSearch from {start} INVNUM {:?}: {count} transaction(s)",
            invnum.unwrap_or("")
        ),
    );
    encode_urlencoded(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn refuse(app: &App, invnum: Option<&str>, f: &Failure) -> String {
    let body = failure_body(&mut app.lock(), f);
    app.note(
        "paypal",
        invnum.unwrap_or(""),
        format!("TransactionSearch refused: {} {}", f.code, f.long),
    );
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_dates() {
        assert!(is_start_date("2026-11-25T10:00:00Z"));
        for bad in [
            "",
            "2026-11-25",
            "2026-11-25T10:00:00",
            "2026-11-25T10:00:00.000Z",
            "2026-13-25T10:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026/11/25T10:00:00Z",
            "20261125100000",
        ] {
            assert!(!is_start_date(bad), "{bad:?}");
        }
        assert_eq!(
            to_second("2026-11-25T10:00:00.123Z"),
            "2026-11-25T10:00:00Z"
        );
    }
}

//! PayPal's NVP API at its real path (`https://api-3t.paypal.com/nvp` → `POST /nvp`), for the
//! sandbox's Website Payments Standard sales: `RefundTransaction` (full or partial, until the
//! sale is used up; a repeated `MSGSUBID` gets the first answer again, not a second refund;
//! the refund's own IPN goes to the sale's `notify_url`) and `GetTransactionDetails`
//! (`PAYMENTSTATUS` `Pending`, `Completed`, `Partially-Refunded`, `Refunded`, `Denied`), and
//! `TransactionSearch` (see [`search`]).
//! Failures are `ACK=Failure` with `L_ERRORCODE0` and `L_LONGMESSAGE0`, HTTP 200, as PayPal
//! answers; an unknown `TRANSACTIONID` is `10004` "The transaction id is not valid".
//! Credentials: any non-empty `USER`, `PWD`, `SIGNATURE` (the sandbox keeps no API accounts).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AppState;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use vpos_core::Amount;
use vpos_core::form::{encode_urlencoded, parse_urlencoded};
use vpos_core::gateways::paypal::{NVP_VERSION, format_amount, parse_amount};

use crate::app::{App, Inner};
use crate::clock;
use crate::delivery;
use crate::paypal;

mod search;

/// The NVP endpoint's path.
pub const NVP_PATH: &str = "/nvp";

/// The sandbox's build number in every answer (PayPal sends its own).
const BUILD: &str = "000000";

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new().route(NVP_PATH, post(nvp))
}

/// Most refunds of one sale (a bound of the sandbox's, not PayPal's: `TransactionSearch`
/// lists at most 100 transactions).
const MAX_REFUNDS: usize = 99;

/// A refund made through `RefundTransaction`: a transaction of its own, under the id its reply
/// (`REFUNDTRANSACTIONID`) and its IPN (`txn_id`) carry.
pub(crate) struct Refund {
    pub id: String,
    pub amount: Amount,
    /// When it was made, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
}

/// A PayPal API error: code, short and long message.
struct Failure {
    code: &'static str,
    short: &'static str,
    long: String,
}

fn failure(code: &'static str, short: &'static str, long: impl Into<String>) -> Failure {
    Failure {
        code,
        short,
        long: long.into(),
    }
}

fn unknown_id() -> Failure {
    failure(
        "10004",
        "Invalid transaction ID value",
        "The transaction id is not valid",
    )
}

/// `TIMESTAMP`, `CORRELATIONID`, `ACK`, `VERSION`, `BUILD` as PayPal starts every answer.
fn header_fields(inner: &mut Inner, ack: &str) -> Vec<(&'static str, String)> {
    vec![
        ("TIMESTAMP", clock::rfc3339(clock::now_ms())),
        ("CORRELATIONID", inner.random_from(b"0123456789abcdef", 13)),
        ("ACK", ack.into()),
        ("VERSION", NVP_VERSION.into()),
        ("BUILD", BUILD.into()),
    ]
}

fn encode(fields: &[(&'static str, String)]) -> String {
    encode_urlencoded(fields.iter().map(|(k, v)| (*k, v.as_str())))
}

fn failure_body(inner: &mut Inner, f: &Failure) -> String {
    let mut fields = header_fields(inner, "Failure");
    fields.extend([
        ("L_ERRORCODE0", f.code.to_string()),
        ("L_SHORTMESSAGE0", f.short.to_string()),
        ("L_LONGMESSAGE0", f.long.clone()),
        ("L_SEVERITYCODE0", "Error".to_string()),
    ]);
    encode(&fields)
}

fn respond(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn nvp(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let fields = match parse_urlencoded(&body, crate::MAX_BODY_BYTES) {
        Ok(f) => f,
        Err(e) => {
            let f = failure("81002", "Unspecified Method", format!("the body: {e}"));
            return respond(failure_body(&mut app.lock(), &f));
        }
    };
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let method = get("METHOD").unwrap_or("");
    if ["USER", "PWD", "SIGNATURE"]
        .iter()
        .any(|n| get(n).is_none())
    {
        let f = failure("10002", "Security error", "Security header is not valid");
        app.note("paypal", "", format!("NVP {method} refused: 10002"));
        return respond(failure_body(&mut app.lock(), &f));
    }
    match method {
        "GetTransactionDetails" => respond(details(&app, get("TRANSACTIONID").unwrap_or(""))),
        "RefundTransaction" => refund(&app, &get).await,
        "TransactionSearch" => respond(search::transaction_search(
            &app,
            get("STARTDATE"),
            get("INVNUM"),
        )),
        other => {
            let f = failure(
                "81002",
                "Unspecified Method",
                format!("Method Specified is not Supported ({other})"),
            );
            respond(failure_body(&mut app.lock(), &f))
        }
    }
}

/// `GetTransactionDetails` of a sale.
fn details(app: &App, txn: &str) -> String {
    let business = app.config.paypal.business.clone();
    let mut inner = app.lock();
    let found = inner
        .paypal
        .payments
        .values()
        .find(|p| p.txn_id.as_deref() == Some(txn))
        .and_then(|p| Some((p, p.payment_status()?)))
        .map(|(p, status)| {
            let gross = format_amount(p.amount).unwrap_or_else(|_| p.amount.to_decimal_string());
            let mut fields = vec![
                ("RECEIVERBUSINESS", business.clone()),
                ("RECEIVEREMAIL", business.clone()),
                ("RECEIVERID", "SANDBOXRECEIVER".to_string()),
                ("EMAIL", "buyer@sandbox.example".to_string()),
                ("PAYERID", "SANDBOXPAYER1".to_string()),
                ("PAYERSTATUS", "verified".to_string()),
                ("COUNTRYCODE", "ES".to_string()),
                ("INVNUM", p.invoice.clone()),
            ];
            if let Some(custom) = &p.custom {
                fields.push(("CUSTOM", custom.clone()));
            }
            let tail = vec![
                ("FIRSTNAME", "Sandbox".to_string()),
                ("LASTNAME", "Buyer".to_string()),
                ("TRANSACTIONID", txn.to_string()),
                ("TRANSACTIONTYPE", "webaccept".to_string()),
                ("PAYMENTTYPE", "instant".to_string()),
                ("ORDERTIME", p.created.clone()),
                ("AMT", gross),
                ("CURRENCYCODE", p.amount.currency().code().to_string()),
                ("PAYMENTSTATUS", status.to_string()),
                (
                    "PENDINGREASON",
                    if status == "Pending" {
                        "echeck"
                    } else {
                        "None"
                    }
                    .to_string(),
                ),
                ("REASONCODE", "None".to_string()),
                ("L_NAME0", p.item_name.clone()),
                ("L_QTY0", "1".to_string()),
            ];
            (p.invoice.clone(), status, fields, tail)
        });
    let body = match found {
        Some((invoice, status, fields, tail)) => {
            let mut all = fields;
            all.extend(header_fields(&mut inner, "Success"));
            all.extend(tail);
            drop(inner);
            app.note(
                "paypal",
                &invoice,
                format!("GetTransactionDetails {txn}: PAYMENTSTATUS {status}"),
            );
            return encode(&all);
        }
        None => failure_body(&mut inner, &unknown_id()),
    };
    drop(inner);
    app.note(
        "paypal",
        "",
        format!("GetTransactionDetails {txn:?}: 10004, not a sale of this sandbox"),
    );
    body
}

/// `RefundTransaction`: carried out, answered (unless the `lose-replies` fault loses the
/// answer), and notified with the refund's own IPN.
async fn refund<'a>(app: &Arc<App>, get: &(dyn Fn(&str) -> Option<&'a str> + Sync)) -> Response {
    let msg_sub_id = get("MSGSUBID").map(str::to_string);
    let first = msg_sub_id
        .as_ref()
        .and_then(|id| app.lock().paypal.answered.get(id).cloned());
    if let (Some(id), Some(first)) = (&msg_sub_id, first) {
        app.note(
            "paypal",
            "",
            format!("RefundTransaction MSGSUBID {id} repeated: the first answer again"),
        );
        return respond(first);
    }
    let (invoice, body) = refund_now(app, get, msg_sub_id);
    match invoice {
        Some(invoice) => {
            delivery::unless_reply_lost(app, "paypal", &invoice, "RefundTransaction", respond(body))
                .await
        }
        None => respond(body),
    }
}

/// Carries the refund out: the answer, with the sale's invoice when the refund was made.
fn refund_now<'a>(
    app: &Arc<App>,
    get: &(dyn Fn(&str) -> Option<&'a str> + Sync),
    msg_sub_id: Option<String>,
) -> (Option<String>, String) {
    let business = app.config.paypal.business.clone();
    let mut inner = app.lock();
    let refund_id = inner.random_from(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", 17);
    let track = inner.random_from(b"0123456789abcdef", 13);
    let txn = get("TRANSACTIONID").unwrap_or("").to_string();
    let outcome = carry_out(&mut inner, &txn, get, &refund_id);
    let (body, ipn) = match outcome {
        Ok((amount, total)) => {
            let mut fields = vec![
                ("REFUNDTRANSACTIONID", refund_id.clone()),
                ("FEEREFUNDAMT", zero(amount)),
                ("GROSSREFUNDAMT", text(amount)),
                ("NETREFUNDAMT", text(amount)),
                ("CURRENCYCODE", amount.currency().code().to_string()),
                ("TOTALREFUNDEDAMOUNT", text(total)),
            ];
            if let Some(id) = &msg_sub_id {
                fields.push(("MSGSUBID", id.clone()));
            }
            fields.extend(header_fields(&mut inner, "Success"));
            fields.push(("REFUNDSTATUS", "Instant".into()));
            fields.push(("PENDINGREASON", "None".into()));
            let p = inner
                .paypal
                .payments
                .values()
                .find(|p| p.txn_id.as_deref() == Some(txn.as_str()));
            let ipn = p.map(|p| {
                (
                    p.invoice.clone(),
                    p.notify_url.clone(),
                    paypal::refund_ipn_body(&business, p, &refund_id, &text(amount), &track),
                )
            });
            (encode(&fields), ipn)
        }
        Err(f) => (failure_body(&mut inner, &f), None),
    };
    if let Some(id) = msg_sub_id {
        inner.paypal.answered.insert(id, body.clone());
    }
    drop(inner);
    let Some((invoice, notify_url, ipn_body)) = ipn else {
        app.note("paypal", "", format!("RefundTransaction {txn:?} refused"));
        return (None, body);
    };
    app.note(
        "paypal",
        &invoice,
        format!("RefundTransaction of {txn} accepted: refund {refund_id}"),
    );
    paypal::send_ipn(
        app,
        &invoice,
        notify_url,
        ipn_body,
        "Refunded",
        Duration::ZERO,
    );
    (Some(invoice), body)
}

/// The refund on the sale `txn`: the amount refunded now and the total refunded so far.
fn carry_out<'a>(
    inner: &mut Inner,
    txn: &str,
    get: &(dyn Fn(&str) -> Option<&'a str> + Sync),
    refund_id: &str,
) -> Result<(Amount, Amount), Failure> {
    let id = inner
        .paypal
        .payments
        .values()
        .find(|p| p.txn_id.as_deref() == Some(txn))
        .map(|p| p.id.clone())
        .ok_or_else(unknown_id)?;
    let p = inner.paypal.payments.get_mut(&id).ok_or_else(unknown_id)?;
    let refused = |long: String| failure("10009", "Transaction refused", long);
    match p.payment_status() {
        Some("Completed" | "Partially-Refunded") => {}
        Some("Refunded") => {
            return Err(refused(
                "This transaction has already been fully refunded".into(),
            ));
        }
        _ => {
            return Err(refused(
                "You can not refund this type of transaction (it is not completed)".into(),
            ));
        }
    }
    if p.refunds.len() >= MAX_REFUNDS {
        return Err(refused(format!(
            "The sandbox makes at most {MAX_REFUNDS} refunds of one sale"
        )));
    }
    let currency = p.amount.currency();
    let left = p.amount.minor() - p.refunded;
    let minor = match get("REFUNDTYPE").unwrap_or("Full") {
        "Full" if p.refunded > 0 => {
            return Err(refused(
                "Can not do a full refund after a partial refund".into(),
            ));
        }
        "Full" => left,
        "Partial" => {
            if get("CURRENCYCODE") != Some(currency.code()) {
                return Err(failure(
                    "10004",
                    "Transaction refused because of an invalid argument. See additional error messages for details.",
                    "The currency of the refund is not the currency of the transaction",
                ));
            }
            let amount = get("AMT")
                .and_then(|a| parse_amount(a, currency).ok())
                .filter(|a| a.minor() > 0)
                .ok_or_else(|| {
                    failure(
                        "10004",
                        "Transaction refused because of an invalid argument. See additional error messages for details.",
                        "The partial refund amount is not valid",
                    )
                })?;
            if amount.minor() > left {
                return Err(refused(
                    "The partial refund amount must be less than or equal to the remaining amount"
                        .into(),
                ));
            }
            amount.minor()
        }
        other => {
            return Err(failure(
                "10004",
                "Transaction refused because of an invalid argument. See additional error messages for details.",
                format!("Invalid refund type {other:?}"),
            ));
        }
    };
    let amount = Amount::from_minor(minor, currency).map_err(|e| refused(e.to_string()))?;
    let total =
        Amount::from_minor(p.refunded + minor, currency).map_err(|e| refused(e.to_string()))?;
    p.refunded += minor;
    p.refunds.push(Refund {
        id: refund_id.to_string(),
        amount,
        at: search::to_second(&clock::rfc3339(clock::now_ms())),
    });
    Ok((amount, total))
}

fn text(amount: Amount) -> String {
    format_amount(amount).unwrap_or_else(|_| amount.to_decimal_string())
}

fn zero(like: Amount) -> String {
    Amount::from_minor(0, like.currency()).map_or_else(|_| "0.00".into(), text)
}

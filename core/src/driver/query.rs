//! Status queries: the host asks the gateway what became of a payment (a lost or doubted
//! notification), one shape for all gateways that answer one.
//!
//! A query's events carry the key the gateway's notification (or operation reply) gives the
//! same fact, so applying both, in either order, moves the payment once: the second is
//! `already_applied`, or `already_in_status` / `stale` for a sale status the payment has or has
//! passed. A query never reports a refund or chargeback it cannot key as its own notification
//! does (see `docs/status-queries.md`).

use serde::{Deserialize, Serialize};

use super::config::Config;
use super::notification::PaymentFields;
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{Gateway, bitpay, paypal, redsys};
use crate::http::{HttpRequest, Reply};
use crate::money::Amount;
use crate::state::{Event, PaymentSnapshot};
use crate::trust::Verified;

/// Which gateways answer a status query in vpos: data, so docs and hosts read the same list.
/// FloCash has a poll by reference, but its credentials (`PollConfig`) are not part of the
/// driver's FloCash configuration, so the driver cannot reach it; hosts call
/// `gateways::flocash::poll_by_reference_request` with their own `PollConfig`.
const QUERYABLE: [(Gateway, bool); 7] = [
    (Gateway::Flocash, false),
    (Gateway::Redsys, true),
    (Gateway::Ceca, false),
    (Gateway::Elavon, false),
    (Gateway::Paypal, true),
    (Gateway::Bitpay, true),
    (Gateway::PaypalRest, true),
];

/// Whether `gateway` answers a status query in vpos.
///
/// ```
/// use vpos_core::{driver::supports_status_query, gateways::Gateway};
/// assert!(supports_status_query(Gateway::Paypal));
/// assert!(!supports_status_query(Gateway::Ceca));
/// ```
pub fn supports_status_query(gateway: Gateway) -> bool {
    QUERYABLE
        .iter()
        .any(|(g, queryable)| *g == gateway && *queryable)
}

/// What the host knows of the payment it asks about. JSON: `{"order_id": "…", "amount":
/// {"value": "15.00", "currency": "EUR"}, "transaction_id": "…", "reference": "…",
/// "timestamp": "…"}`; the last three default to empty.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// The order id sent at checkout.
    pub order_id: String,
    /// The stored `transaction_id` (PayPal: the sale's `txn_id`, which PayPal queries by).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub transaction_id: String,
    /// The stored payment's amount.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// The gateway's reference of the payment page (Bitpay: the invoice id
    /// [`CheckoutReply::reference`](super::CheckoutReply::reference) gave).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub reference: String,
    /// `YYYYMMDDHHMMSS` from the host's clock, for gateways that sign one (vpos reads no clock).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub timestamp: String,
    /// When the payment was created, `YYYYMMDDHHMMSS` UTC: where PayPal's `TransactionSearch`
    /// starts when no IPN left a `transaction_id` (a lost IPN). Ignored by the others.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub since: String,
}

impl StatusQuery {
    /// The query about a stored `payment`, quoting what its proven notification left
    /// (`stored`: the transaction id) and the checkout's `reference` (Bitpay's invoice id, or
    /// empty); `timestamp` is the host's clock, `YYYYMMDDHHMMSS`.
    ///
    /// ```
    /// use vpos_core::driver::{PaymentFields, StatusQuery};
    /// use vpos_core::PaymentSnapshot;
    /// let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "paypal",
    ///     "merchant": "shop@example.com", "order_id": "A-1",
    ///     "amount": {"value": "15.00", "currency": "EUR"}, "status": "pending"})).unwrap();
    /// let stored = PaymentFields { transaction_id: Some("8SC56973LM923823H".into()),
    ///     ..PaymentFields::default() };
    /// let query = StatusQuery::on_payment(&payment, &stored, "", "20261125100000");
    /// assert_eq!((query.transaction_id.as_str(), query.amount.minor()), ("8SC56973LM923823H", 1500));
    /// ```
    pub fn on_payment(
        payment: &PaymentSnapshot,
        stored: &PaymentFields,
        reference: &str,
        timestamp: &str,
    ) -> StatusQuery {
        StatusQuery {
            order_id: payment.order_id.clone(),
            transaction_id: stored.transaction_id.clone().unwrap_or_default(),
            amount: payment.amount,
            reference: reference.to_string(),
            timestamp: timestamp.to_string(),
            since: String::new(),
        }
    }
}

/// What the gateway's answer to a status query says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReply {
    /// Whether the gateway knows the transaction. `false` comes with no events: the host
    /// decides what an unknown payment means (nothing moves here).
    pub found: bool,
    /// The events, in the order they happened (the sale's status first, then anything later
    /// the gateway reports with a key of its own), each for [`crate::state::transition`].
    /// Authentic: the host's own authenticated HTTPS call to the gateway's API.
    pub events: Vec<Verified<Event>>,
    /// What the answer leaves on the payment (PayPal: the sale's transaction id); save it with
    /// [`PaymentFields::to_store`] after the sale event.
    pub payment_fields: PaymentFields,
}

fn unsupported(gateway: Gateway) -> Error {
    Error::new(
        ErrorCode::Unsupported,
        format!("{} has no status query in vpos", gateway.as_str()),
    )
    .with_field("gateway")
}

fn required(field: &'static str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::missing(field));
    }
    Ok(())
}

/// Describes the status query for `query`; the host sends it (with a deadline) and hands the
/// reply to [`parse_status_reply`]. PayPal: `GetTransactionDetails` by `transaction_id`, or,
/// when no IPN left one, `TransactionSearch` by `order_id` from `since` (`field_missing` on
/// `since` without either); Bitpay: `GET <api_url>/<reference>`; Redsys: the SOAP
/// `consultaOperaciones` for `order_id` to the configured `query_url`. A gateway without a
/// query is `unsupported` on `gateway`, before anything is asked.
///
/// ```
/// use vpos_core::driver::{self, Config, StatusQuery};
/// let config = Config::from_json(&serde_json::json!({"gateway": "bitpay", "api_key": "k",
///     "api_url": "https://test.bitpay.com/api/invoice", "invoice_url": "https://test.bitpay.com/invoice"}))?;
/// let query: StatusQuery = serde_json::from_value(serde_json::json!({"order_id": "A-1",
///     "amount": {"value": "10", "currency": "USD"}, "reference": "G3viJEJgE8Jk2oekSdgT2A"})).unwrap();
/// let request = driver::status_query_request(&config, &query)?;
/// assert_eq!(request.url, "https://test.bitpay.com/api/invoice/G3viJEJgE8Jk2oekSdgT2A");
///
/// let body = br#"{"data":{"id":"G3viJEJgE8Jk2oekSdgT2A","status":"confirmed","price":10,
///     "currency":"USD","orderId":"A-1"}}"#;
/// let reply = vpos_core::Reply::Response { status: 200, body: body.to_vec() };
/// let answer = driver::parse_status_reply(&config, &query, &reply)?;
/// assert!(answer.found);
/// assert_eq!(answer.events[0].key(), "bitpay:G3viJEJgE8Jk2oekSdgT2A:confirmed");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn status_query_request(config: &Config, query: &StatusQuery) -> Result<HttpRequest> {
    if !supports_status_query(config.gateway()) {
        return Err(unsupported(config.gateway()));
    }
    match config {
        #[cfg(feature = "paypal")]
        Config::Paypal(c) if query.transaction_id.is_empty() => {
            required("since", &query.since)?;
            paypal::transaction_search_request(c, &query.order_id, &query.since)
        }
        #[cfg(feature = "paypal")]
        Config::Paypal(c) => paypal::transaction_details_request(c, &query.transaction_id),
        #[cfg(feature = "bitpay")]
        Config::Bitpay(c) => {
            required("reference", &query.reference)?;
            bitpay::invoice_fetch_request(c, &query.reference).map_err(|e| {
                if e.field() == Some("id") {
                    e.with_field("reference")
                } else {
                    e
                }
            })
        }
        #[cfg(feature = "redsys")]
        Config::Redsys(c) => redsys::query_request(c, &query.order_id),
        // Get order by PayPal's order id, the checkout's reference.
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(c) => {
            required("reference", &query.reference)?;
            paypal::get_order_request(c, &c.token()?, &query.reference)
                .map_err(|e| rename_field(e, "order_id", "reference"))
        }
        _ => Err(unsupported(config.gateway())),
    }
}

/// Reads the gateway's reply to [`status_query_request`]'s request. No reply or a server
/// failure: `gateway_unavailable`; the gateway's refusal: `gateway_error`; a malformed answer:
/// the field's typed error. A status the gateway's table does not know is not an error: its
/// event carries `Unknown`, which the transition ignores (`unknown_status`, payment untouched).
///
/// ```
/// use vpos_core::driver::{self, Config, StatusQuery};
/// use vpos_core::{transition, PaymentSnapshot, PaymentStatus, Reply};
/// let config = Config::from_json(&serde_json::json!({"gateway": "paypal", "business": "shop@example.com",
///     "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
///     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
///     "nvp": {"user": "u", "password": "p", "signature": "s", "api_url": "https://api-3t.sandbox.paypal.com/nvp"}}))?;
/// let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "paypal",
///     "merchant": "shop@example.com", "order_id": "A-1",
///     "amount": {"value": "15.00", "currency": "EUR"}, "status": "pending"})).unwrap();
/// let query: StatusQuery = serde_json::from_value(serde_json::json!({"order_id": "A-1",
///     "amount": {"value": "15.00", "currency": "EUR"}, "transaction_id": "8SC56973LM923823H"})).unwrap();
/// assert!(driver::status_query_request(&config, &query)?.body.contains("METHOD=GetTransactionDetails"));
/// let body = "ACK=Success&TRANSACTIONID=8SC56973LM923823H&RECEIVEREMAIL=shop%40example.com\
///             &PAYMENTSTATUS=Completed&AMT=15.00&CURRENCYCODE=EUR&INVNUM=A-1";
/// let reply = Reply::Response { status: 200, body: body.as_bytes().to_vec() };
/// let answer = driver::parse_status_reply(&config, &query, &reply)?;
/// let outcome = transition(&payment, &answer.events[0]);
/// assert_eq!(outcome.new_status(), Some(PaymentStatus::Paid));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_status_reply(
    config: &Config,
    query: &StatusQuery,
    reply: &Reply,
) -> Result<StatusReply> {
    if !supports_status_query(config.gateway()) {
        return Err(unsupported(config.gateway()));
    }
    match config {
        #[cfg(feature = "paypal")]
        Config::Paypal(c) if query.transaction_id.is_empty() => {
            let (found, events) = paypal::parse_transaction_search(c, &query.order_id, reply)?;
            let sale = events
                .iter()
                .find(|e| e.action() == crate::status::Action::Sale);
            Ok(StatusReply {
                found,
                payment_fields: PaymentFields {
                    transaction_id: sale.map(|e| e.transaction_id().to_string()),
                    ..PaymentFields::default()
                },
                events,
            })
        }
        #[cfg(feature = "paypal")]
        Config::Paypal(c) => {
            let event = paypal::parse_transaction_details(c, &query.transaction_id, reply)?;
            let payment_fields = match &event {
                Some(e) => PaymentFields {
                    transaction_id: Some(e.transaction_id().to_string()),
                    ..PaymentFields::default()
                },
                None => PaymentFields::default(),
            };
            Ok(StatusReply {
                found: event.is_some(),
                events: event.into_iter().collect(),
                payment_fields,
            })
        }
        #[cfg(feature = "bitpay")]
        Config::Bitpay(_) => {
            required("reference", &query.reference)?;
            let invoice = bitpay::parse_fetched_invoice(&query.reference, reply)?;
            Ok(StatusReply {
                found: true,
                events: vec![Verified(invoice.event())],
                // As its notification: the invoice id, which a refund quotes.
                payment_fields: PaymentFields {
                    transaction_id: Some(invoice.id.clone()),
                    ..PaymentFields::default()
                },
            })
        }
        #[cfg(feature = "redsys")]
        Config::Redsys(c) => {
            // Every operation on the order, oldest first; none when Redsys holds no such order.
            let events = redsys::parse_query_response(c, &query.order_id, reply)?;
            // What the notification of the sale leaves that the query also reports: the
            // authorisation code (an event's transaction id is the code, or the order without one).
            let authorisation_code = events
                .iter()
                .find(|e| {
                    e.action() == crate::status::Action::Sale
                        && matches!(
                            e.status(),
                            crate::status::Reported::Succeeded
                                | crate::status::Reported::Authorized
                        )
                        && e.transaction_id() != e.order_id()
                })
                .map(|e| e.transaction_id().to_string());
            Ok(StatusReply {
                found: !events.is_empty(),
                events: events.into_iter().map(Verified).collect(),
                payment_fields: PaymentFields {
                    authorisation_code,
                    ..PaymentFields::default()
                },
            })
        }
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(c) => {
            // PayPal answers an order it does not hold with 404 RESOURCE_NOT_FOUND.
            if matches!(reply, Reply::Response { status: 404, .. }) {
                return Ok(StatusReply {
                    found: false,
                    events: Vec::new(),
                    payment_fields: PaymentFields::default(),
                });
            }
            let order = paypal::parse_order_reply(c, &query.order_id, reply)?;
            Ok(StatusReply {
                found: true,
                events: order.events(),
                payment_fields: super::operation::rest_fields(&order.payments),
            })
        }
        _ => Err(unsupported(config.gateway())),
    }
}

/// `e` with its field `from` named `to` (the driver's name for what the gateway module
/// calls otherwise).
pub(super) fn rename_field(e: Error, from: &str, to: &'static str) -> Error {
    if e.field() == Some(from) {
        e.with_field(to)
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{self, GATEWAYS, Proof, Request};
    use crate::state::{IgnoreReason, Outcome, transition};
    use crate::{PaymentStatus, Reported};

    fn paypal() -> Config {
        Config::from_json(
            &serde_json::json!({"gateway": "paypal", "business": "shop@example.com",
            "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
            "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
            "nvp": {"user": "api_user", "password": "pw-SECRET", "signature": "sig-SECRET",
                    "api_url": "https://api-3t.sandbox.paypal.com/nvp"}}),
        )
        .unwrap()
    }

    fn bitpay() -> Config {
        Config::from_json(
            &serde_json::json!({"gateway": "bitpay", "api_key": "key-SECRET",
            "api_url": "https://test.bitpay.com/api/invoice",
            "invoice_url": "https://test.bitpay.com/invoice"}),
        )
        .unwrap()
    }

    fn payment(gateway: &str, merchant: &str, status: &str) -> PaymentSnapshot {
        serde_json::from_value(serde_json::json!({"gateway": gateway, "merchant": merchant,
            "order_id": "A-1", "amount": {"value": "15.00", "currency": "EUR"}, "status": status}))
        .unwrap()
    }

    fn query() -> StatusQuery {
        serde_json::from_value(serde_json::json!({"order_id": "A-1",
            "amount": {"value": "15.00", "currency": "EUR"},
            "transaction_id": "8SC56973LM923823H", "reference": "Inv0-1_x"}))
        .unwrap()
    }

    fn ok(body: &str) -> Reply {
        Reply::Response {
            status: 200,
            body: body.as_bytes().to_vec(),
        }
    }

    /// A GetTransactionDetails answer in the shape PayPal's NVP guide documents.
    fn details(status: &str) -> Reply {
        ok(&format!(
            "RECEIVERBUSINESS=shop%40example.com&RECEIVEREMAIL=shop%40example.com\
             &RECEIVERID=CURD7J7GXR73G&EMAIL=buyer%40example.com&PAYERID=2GWBFRVNH5HPU\
             &PAYERSTATUS=verified&TIMESTAMP=2026%2d11%2d25T10%3a05%3a00Z&ACK=Success\
             &VERSION=124%2e0&BUILD=000000&TRANSACTIONID=8SC56973LM923823H\
             &TRANSACTIONTYPE=cart&PAYMENTTYPE=instant&ORDERTIME=2026%2d11%2d25T10%3a00%3a00Z\
             &AMT=15%2e00&FEEAMT=0%2e74&CURRENCYCODE=EUR&PAYMENTSTATUS={status}\
             &PENDINGREASON=None&REASONCODE=None&INVNUM=A%2d1"
        ))
    }

    /// Applies `event` as a host does: transition, then store status, total and key.
    fn apply(p: &mut PaymentSnapshot, event: &Event) -> Outcome {
        let outcome = transition(p, event);
        if let Outcome::Applied {
            to, refunded_minor, ..
        } = &outcome
        {
            p.status = *to;
            p.refunded_minor = *refunded_minor;
            p.applied_event_keys.push(event.key().to_string());
        }
        outcome
    }

    /// The event of a proven IPN (the post-back answered VERIFIED).
    fn ipn(body: &str) -> Event {
        let config = paypal();
        let request = Request {
            content_type: "application/x-www-form-urlencoded",
            body: body.as_bytes(),
            query: "",
            token: None,
            ..Default::default()
        };
        let unverified = driver::parse_notification(&config, &request).unwrap();
        match driver::prove(&config, unverified).unwrap() {
            Proof::NeedsReply { pending, .. } => {
                pending.finish(&config, &ok("VERIFIED")).unwrap().event()
            }
            Proof::Verified(v) => v.event(),
        }
    }

    const SALE_IPN: &str = "txn_id=8SC56973LM923823H&payment_status=Completed&mc_gross=15.00\
        &mc_currency=EUR&receiver_email=shop%40example.com&invoice=A-1&txn_type=web_accept";
    const REFUND_IPN: &str = "txn_id=9E679139T5135712L&parent_txn_id=8SC56973LM923823H\
        &payment_status=Refunded&mc_gross=-15.00&mc_currency=EUR&receiver_email=shop%40example.com\
        &invoice=A-1&reason_code=refund";

    fn query_events(status: &str) -> Vec<Event> {
        let answer = parse_status_reply(&paypal(), &query(), &details(status)).unwrap();
        assert!(answer.found);
        answer
            .events
            .into_iter()
            .map(Verified::into_inner)
            .collect()
    }

    #[test]
    fn every_gateway_answers_or_refuses_with_unsupported_on_gateway() {
        let eur = crate::Currency::from_code("EUR").unwrap();
        for g in GATEWAYS {
            let e = unsupported(g);
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::Unsupported, Some("gateway"))
            );
            assert_eq!(
                supports_status_query(g),
                matches!(
                    g,
                    Gateway::Paypal | Gateway::Bitpay | Gateway::Redsys | Gateway::PaypalRest
                )
            );
        }
        let redsys = Config::from_json(&serde_json::json!({"gateway": "redsys",
            "merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
            "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}))
        .unwrap();
        let q = StatusQuery {
            amount: Amount::from_minor(1, eur).unwrap(),
            ..query()
        };
        if !supports_status_query(Gateway::Redsys) {
            let e = status_query_request(&redsys, &q).unwrap_err();
            assert_eq!(e.field(), Some("gateway"));
            let e = parse_status_reply(&redsys, &q, &ok("")).unwrap_err();
            assert_eq!(e.code(), ErrorCode::Unsupported);
        }
    }

    #[test]
    fn queries_need_what_the_gateway_asks_by() {
        let q = StatusQuery {
            transaction_id: String::new(),
            reference: String::new(),
            ..query()
        };
        // No transaction id (a lost IPN): the search by order id needs the creation time.
        let e = status_query_request(&paypal(), &q).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldMissing, Some("since"))
        );
        let search = StatusQuery {
            since: "20261125100000".into(),
            ..q.clone()
        };
        let r = status_query_request(&paypal(), &search).unwrap();
        assert!(r.body.starts_with("METHOD=TransactionSearch&"));
        let body = "L_TIMESTAMP0=2026-11-25T10:00:00Z&L_TYPE0=Payment&L_TRANSACTIONID0=8SC56973LM923823H\
            &L_STATUS0=Completed&L_AMT0=15.00&L_CURRENCYCODE0=EUR&ACK=Success";
        let answer = parse_status_reply(&paypal(), &search, &ok(body)).unwrap();
        assert!(answer.found);
        assert_eq!(answer.events[0].key(), "paypal:8SC56973LM923823H:Completed");
        assert_eq!(
            answer.payment_fields.transaction_id.as_deref(),
            Some("8SC56973LM923823H")
        );
        let e = status_query_request(&bitpay(), &q).unwrap_err();
        assert_eq!(e.field(), Some("reference"));
        let bad = StatusQuery {
            reference: "../../x".into(),
            ..query()
        };
        let e = status_query_request(&bitpay(), &bad).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::FieldInvalid, Some("reference"))
        );
        let r = status_query_request(&paypal(), &query()).unwrap();
        assert!(r.body.ends_with("&TRANSACTIONID=8SC56973LM923823H"));
        assert!(!format!("{r:?}").contains("SECRET"));
        let r = status_query_request(&bitpay(), &query()).unwrap();
        assert_eq!(r.url, "https://test.bitpay.com/api/invoice/Inv0-1_x");
    }

    #[test]
    fn the_query_json_defaults_and_refuses_unknown_keys() {
        let q: StatusQuery = serde_json::from_value(serde_json::json!({"order_id": "A-1",
            "amount": {"minor": 1500, "currency": "EUR"}}))
        .unwrap();
        assert_eq!((q.transaction_id.as_str(), q.reference.as_str()), ("", ""));
        assert!(
            serde_json::from_value::<StatusQuery>(serde_json::json!({"order_id": "A-1",
            "amount": {"minor": 1500, "currency": "EUR"}, "txn": "x"}))
            .is_err()
        );
        let p = payment("paypal", "shop@example.com", "pending");
        let stored = PaymentFields {
            transaction_id: Some("T".into()),
            ..PaymentFields::default()
        };
        let q = StatusQuery::on_payment(&p, &stored, "R", "20261125100000");
        assert_eq!(
            (
                q.order_id.as_str(),
                q.transaction_id.as_str(),
                q.reference.as_str()
            ),
            ("A-1", "T", "R")
        );
    }

    #[test]
    fn paypal_query_then_ipn_and_ipn_then_query_move_the_payment_once() {
        let from_query = query_events("Completed");
        assert_eq!(from_query.len(), 1);
        let from_ipn = ipn(SALE_IPN);
        assert_eq!(from_query[0].key(), from_ipn.key());

        let mut p = payment("paypal", "shop@example.com", "pending");
        assert!(matches!(
            apply(&mut p, &from_query[0]),
            Outcome::Applied { .. }
        ));
        assert_eq!(apply(&mut p, &from_ipn), Outcome::AlreadyApplied);
        assert_eq!(p.status, PaymentStatus::Paid);

        let mut p = payment("paypal", "shop@example.com", "pending");
        assert!(matches!(apply(&mut p, &from_ipn), Outcome::Applied { .. }));
        assert_eq!(apply(&mut p, &from_query[0]), Outcome::AlreadyApplied);
        assert_eq!(p.status, PaymentStatus::Paid);
    }

    #[test]
    fn paypal_pending_then_completed_keys_as_the_ipns() {
        let pending = &query_events("Pending")[0];
        let pending_ipn = ipn(&SALE_IPN.replace("Completed", "Pending"));
        assert_eq!(pending.key(), pending_ipn.key());
        let mut p = payment("paypal", "shop@example.com", "new");
        apply(&mut p, pending);
        assert_eq!(apply(&mut p, &pending_ipn), Outcome::AlreadyApplied);
        apply(&mut p, &ipn(SALE_IPN));
        assert_eq!(p.status, PaymentStatus::Paid);
        // A later query still answering Pending meets its own key: no step back.
        assert_eq!(
            apply(&mut p, &query_events("Pending")[0]),
            Outcome::AlreadyApplied
        );
        let denied = &query_events("Denied")[0];
        assert_eq!(
            denied.key(),
            ipn(&SALE_IPN.replace("Completed", "Denied")).key()
        );
    }

    #[test]
    fn a_refund_is_counted_once_whichever_comes_first() {
        // The refund's IPN, then a query that finds the sale Refunded.
        let mut p = payment("paypal", "shop@example.com", "pending");
        apply(&mut p, &ipn(SALE_IPN));
        assert!(matches!(
            apply(&mut p, &ipn(REFUND_IPN)),
            Outcome::Applied {
                refunded_minor: 1500,
                ..
            }
        ));
        for status in ["Refunded", "Partially-Refunded", "Reversed"] {
            for e in query_events(status) {
                assert_eq!(e.action(), crate::Action::Sale, "{status}");
                assert_eq!(apply(&mut p, &e), Outcome::AlreadyApplied);
            }
        }
        assert_eq!(
            (p.status, p.refunded_minor),
            (PaymentStatus::Refunded, 1500)
        );

        // The sale's IPN was lost: the query finds it Refunded first, then the refund's IPN.
        let mut p = payment("paypal", "shop@example.com", "pending");
        for e in query_events("Refunded") {
            apply(&mut p, &e);
        }
        assert_eq!((p.status, p.refunded_minor), (PaymentStatus::Paid, 0));
        apply(&mut p, &ipn(REFUND_IPN));
        assert_eq!(
            (p.status, p.refunded_minor),
            (PaymentStatus::Refunded, 1500)
        );
        // Queried again, and the sale's own IPN arriving late: nothing more.
        for e in query_events("Refunded") {
            assert_eq!(apply(&mut p, &e), Outcome::AlreadyApplied);
        }
        assert_eq!(apply(&mut p, &ipn(SALE_IPN)), Outcome::AlreadyApplied);
        assert_eq!(p.refunded_minor, 1500);

        // A refunded payment whose sale key is not stored (paid another way): the query's
        // sale event is stale, never a refund.
        let mut p = payment("paypal", "shop@example.com", "refunded");
        p.refunded_minor = 1500;
        let e = &query_events("Refunded")[0];
        assert_eq!(apply(&mut p, e), Outcome::Ignored(IgnoreReason::Stale));
        assert_eq!(p.refunded_minor, 1500);
    }

    #[test]
    fn an_unknown_status_leaves_the_payment_untouched() {
        let e = &query_events("Canceled-Reversal")[0];
        let mut p = payment("paypal", "shop@example.com", "paid");
        assert!(matches!(
            apply(&mut p, e),
            Outcome::Ignored(IgnoreReason::UnknownStatus { .. })
        ));
        assert_eq!(p.status, PaymentStatus::Paid);
        assert_eq!(
            *query_events("Completed-Funds-Held")[0].status(),
            Reported::Unknown("Completed-Funds-Held".into())
        );
    }

    #[test]
    fn paypal_not_found_failures_and_fields() {
        let unknown = ok("ACK=Failure&L_ERRORCODE0=10004\
            &L_SHORTMESSAGE0=Transaction%20refused%20because%20of%20an%20invalid%20argument.%20See%20additional%20error%20messages%20for%20details.\
            &L_LONGMESSAGE0=The%20transaction%20id%20is%20not%20valid&L_SEVERITYCODE0=Error");
        let answer = parse_status_reply(&paypal(), &query(), &unknown).unwrap();
        assert_eq!(
            (
                answer.found,
                answer.events.len(),
                answer.payment_fields.is_empty()
            ),
            (false, 0, true)
        );
        let refused = ok(
            "ACK=Failure&L_ERRORCODE0=10002&L_LONGMESSAGE0=Security%20header%20is%20not%20valid",
        );
        let e = parse_status_reply(&paypal(), &query(), &refused).unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        for r in [
            Reply::Response {
                status: 500,
                body: b"oops".to_vec(),
            },
            Reply::Failed {
                error: "connection reset".into(),
            },
        ] {
            let e = parse_status_reply(&paypal(), &query(), &r).unwrap_err();
            assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
        }
        let answer = parse_status_reply(&paypal(), &query(), &details("Completed")).unwrap();
        assert_eq!(
            answer.payment_fields.transaction_id.as_deref(),
            Some("8SC56973LM923823H")
        );
    }

    fn invoice(status: &str, price: &str) -> String {
        format!(
            r#"{{"id":"Inv0-1_x","url":"https://test.bitpay.com/invoice?id=Inv0-1_x",
                "status":"{status}","price":{price},"currency":"EUR","orderId":"A-1"}}"#
        )
    }

    #[test]
    fn bitpay_query_and_notification_are_one_event() {
        let config = bitpay();
        let answer = parse_status_reply(
            &config,
            &query(),
            &ok(&format!(r#"{{"data":{}}}"#, invoice("confirmed", "15.00"))),
        )
        .unwrap();
        // The invoice id stays on the payment: a refund quotes it.
        assert!(answer.found);
        assert_eq!(
            answer.payment_fields.transaction_id.as_deref(),
            Some("Inv0-1_x")
        );
        let from_query = answer.events[0].clone().into_inner();

        // The notification claims anything; its proof is the same fetch.
        let body = invoice("complete", "500");
        let request = Request {
            content_type: "application/json",
            body: body.as_bytes(),
            query: "",
            token: None,
            ..Default::default()
        };
        let unverified = driver::parse_notification(&config, &request).unwrap();
        let Proof::NeedsReply { request, pending } = driver::prove(&config, unverified).unwrap()
        else {
            panic!("a Bitpay notification is proven by a fetch")
        };
        assert_eq!(
            request.url,
            status_query_request(&config, &query()).unwrap().url
        );
        let from_notification = pending
            .finish(&config, &ok(&invoice("confirmed", "15.00")))
            .unwrap()
            .event();
        assert_eq!(from_query.key(), from_notification.key());

        let mut p = payment("bitpay", "", "new");
        assert!(matches!(
            apply(&mut p, &from_query),
            Outcome::Applied { .. }
        ));
        assert_eq!(apply(&mut p, &from_notification), Outcome::AlreadyApplied);
        let mut p = payment("bitpay", "", "new");
        apply(&mut p, &from_notification);
        assert_eq!(apply(&mut p, &from_query), Outcome::AlreadyApplied);
        assert_eq!(p.status, PaymentStatus::Paid);
    }

    #[test]
    fn bitpay_failures_are_typed() {
        let config = bitpay();
        let other =
            invoice("confirmed", "15.00").replace("\"id\":\"Inv0-1_x\"", "\"id\":\"Other\"");
        let e = parse_status_reply(&config, &query(), &ok(&other)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SignatureMismatch);
        let e = parse_status_reply(&config, &query(), &ok(r#"{"error":"Object not found"}"#))
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayError);
        let e = parse_status_reply(&config, &query(), &ok("[1,")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::FieldInvalid);
        let e = parse_status_reply(
            &config,
            &query(),
            &Reply::Response {
                status: 503,
                body: vec![],
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
        let odd =
            parse_status_reply(&config, &query(), &ok(&invoice("refundPending", "15.00"))).unwrap();
        assert_eq!(
            *odd.events[0].status(),
            Reported::Unknown("refundPending".into())
        );
    }

    /// Redsys through the driver: the signed `consultaOperaciones` for `order_id`, every
    /// operation as events keyed as their notifications, `found: false` on `XML0024`.
    #[test]
    fn redsys_queries_by_order_id() {
        let config = Config::from_json(&serde_json::json!({"gateway": "redsys",
            "merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
            "query_url": "https://sis-t.redsys.es:25443/apl02/services/SerClsWSConsulta"}))
        .unwrap();
        let q: StatusQuery = serde_json::from_value(serde_json::json!({"order_id": "1446117555",
            "amount": {"value": "1.45", "currency": "EUR"}}))
        .unwrap();
        let request = status_query_request(&config, &q).unwrap();
        assert!(
            request
                .body
                .contains("<Monitor><Ds_MerchantCode>999008881</Ds_MerchantCode>")
        );
        assert!(request.body.contains("<Ds_Order>1446117555</Ds_Order>"));

        let answer = |messages: &str| {
            let escaped = messages
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            ok(&format!(
                "<Envelope><Body><consultaOperacionesResponse><consultaOperacionesReturn>{escaped}\
                 </consultaOperacionesReturn></consultaOperacionesResponse></Body></Envelope>"
            ))
        };
        let none = answer(
            "<Messages><Version Ds_Version=\"0.0\"><Message><ErrorMsg>\
             <Ds_ErrorCode>XML0024</Ds_ErrorCode></ErrorMsg></Message></Version></Messages>",
        );
        let reply = parse_status_reply(&config, &q, &none).unwrap();
        assert!(!reply.found && reply.events.is_empty() && reply.payment_fields.is_empty());

        let sale = answer(
            "<Messages><Version Ds_Version=\"0.0\"><Message><Response Ds_Version=\"0.0\">\
             <Ds_MerchantCode>999008881</Ds_MerchantCode><Ds_Terminal>001</Ds_Terminal>\
             <Ds_Order>1446117555</Ds_Order><Ds_TransactionType>0</Ds_TransactionType>\
             <Ds_Amount>145</Ds_Amount><Ds_Currency>978</Ds_Currency><Ds_State>F</Ds_State>\
             <Ds_Response>0000</Ds_Response><Ds_AuthorisationCode>123456</Ds_AuthorisationCode>\
             </Response></Message></Version></Messages>",
        );
        let reply = parse_status_reply(&config, &q, &sale).unwrap();
        assert!(reply.found);
        assert_eq!(
            reply.events[0].key(),
            "redsys:999008881:1:1446117555:0:0000:145:123456"
        );
        assert_eq!(
            reply.payment_fields.authorisation_code.as_deref(),
            Some("123456")
        );
        let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({
            "gateway": "redsys", "merchant": "999008881", "order_id": "1446117555",
            "amount": {"value": "1.45", "currency": "EUR"}, "status": "pending"}))
        .unwrap();
        assert_eq!(
            transition(&payment, &reply.events[0]).new_status(),
            Some(PaymentStatus::Paid)
        );
        let e = parse_status_reply(
            &config,
            &q,
            &Reply::Failed {
                error: "timeout".into(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::GatewayUnavailable);
    }
}

//! Operations on a payment through the gateway's server-to-server API, one shape for all:
//! refund, capture, release and a stored-card charge.

use serde::{Deserialize, Serialize};

use super::config::Config;
use super::notification::{PaymentFields, redsys_fields};
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use crate::http::{HttpRequest, Reply};
use crate::money::Amount;
use crate::state::{Event, Outcome};
use crate::status::{Action, Reported};
use crate::trust::Verified;

/// What to ask the gateway for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// Return money from a captured payment, in part or in full (Redsys type 3, Elavon
    /// `rebate`, PayPal `RefundTransaction`).
    Refund,
    /// Capture a pre-authorisation (Redsys confirm, type 2; Elavon `settle`).
    Capture,
    /// Release a pre-authorisation (Redsys cancel, type 9; Elavon `void`).
    Release,
    /// Charge a stored card, merchant-initiated (Redsys payment by reference, type 0).
    Charge,
}

impl OperationKind {
    /// Every kind.
    pub const ALL: [OperationKind; 4] = [
        OperationKind::Refund,
        OperationKind::Capture,
        OperationKind::Release,
        OperationKind::Charge,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Refund => "refund",
            OperationKind::Capture => "capture",
            OperationKind::Release => "release",
            OperationKind::Charge => "charge",
        }
    }

    /// The action of the event that says the operation went through.
    pub fn action(self) -> Action {
        match self {
            OperationKind::Refund => Action::Refund,
            OperationKind::Capture | OperationKind::Charge => Action::Sale,
            OperationKind::Release => Action::Cancel,
        }
    }
}

/// The operations each gateway offers in vpos: data, so docs and hosts read the same list.
const SUPPORTED: [(Gateway, &[OperationKind]); 7] = [
    (Gateway::Flocash, &[]),
    (
        Gateway::Redsys,
        &[
            OperationKind::Refund,
            OperationKind::Capture,
            OperationKind::Release,
            OperationKind::Charge,
        ],
    ),
    (Gateway::Ceca, &[OperationKind::Refund]),
    (
        Gateway::Elavon,
        &[
            OperationKind::Refund,
            OperationKind::Capture,
            OperationKind::Release,
        ],
    ),
    (Gateway::Paypal, &[OperationKind::Refund]),
    (Gateway::Bitpay, &[OperationKind::Refund]),
    (
        Gateway::PaypalRest,
        &[
            OperationKind::Refund,
            OperationKind::Capture,
            OperationKind::Release,
            OperationKind::Charge,
        ],
    ),
];

/// The operations `gateway` offers in vpos.
///
/// ```
/// use vpos_core::{driver::{supported_operations, OperationKind}, gateways::Gateway};
/// assert_eq!(supported_operations(Gateway::Paypal), [OperationKind::Refund]);
/// assert_eq!(supported_operations(Gateway::Ceca), [OperationKind::Refund]);
/// assert_eq!(supported_operations(Gateway::Bitpay), [OperationKind::Refund]);
/// assert!(supported_operations(Gateway::Flocash).is_empty());
/// ```
pub fn supported_operations(gateway: Gateway) -> &'static [OperationKind] {
    SUPPORTED
        .iter()
        .find(|(g, _)| *g == gateway)
        .map_or(&[], |(_, kinds)| kinds)
}

/// An operation on a stored payment. JSON: `{"kind": "refund", "order_id": "…", "amount":
/// {"value": "10.00", "currency": "EUR"}, …}`; the other keys are what some gateway quotes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// What to do.
    pub kind: OperationKind,
    /// The order id sent at checkout.
    pub order_id: String,
    /// The amount refunded, captured, released or charged.
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// The payment's amount; a refund of all of it with nothing refunded before is PayPal's
    /// `Full` refund, anything else `Partial`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<crate::ts::AmountInput>", optional = nullable))]
    pub captured: Option<Amount>,
    /// Minor units refunded so far.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<i64>", optional))]
    pub refunded_minor: i64,
    /// The stored `transaction_id` (PayPal `txn_id`, Elavon `PASREF`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub transaction_id: String,
    /// The stored `authorisation_code` (Elavon `AUTHCODE`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub authorisation_code: String,
    /// `YYYYMMDDHHMMSS` from the host's clock (Elavon signs it; vpos reads no clock).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub timestamp: String,
    /// For a [`OperationKind::Charge`]: the stored card and its COF/SCA parameters (Redsys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_credential: Option<redsys::StoredCredential>,
    /// The host's [`super::operation_key`] for this operation, the same on every attempt:
    /// sent where the gateway dedupes by it (PayPal `MSGSUBID`), ignored elsewhere; empty
    /// sends none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub idempotency_key: String,
    /// For a PayPal REST [`OperationKind::Charge`] (completing the order the buyer approved):
    /// `authorize` when the order was created with intent `AUTHORIZE`, else (`capture` or
    /// absent) the order is captured. Ignored by the other gateways and kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub intent: Option<paypal::Intent>,
}

impl Operation {
    /// `kind` on a stored `payment`, quoting what its proven notification left (`stored`:
    /// the transaction id and authorisation code a refund, capture or release quotes).
    /// `amount` defaults to the payment's amount; `timestamp` is the host's clock,
    /// `YYYYMMDDHHMMSS` (Elavon signs it; the others ignore it).
    ///
    /// ```
    /// use vpos_core::driver::{Operation, OperationKind, PaymentFields};
    /// use vpos_core::PaymentSnapshot;
    /// let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "elavon",
    ///     "merchant": "thestore", "order_id": "ORD1", "amount": {"minor": 1000, "currency": "EUR"},
    ///     "status": "authorized"})).unwrap();
    /// let stored = PaymentFields { transaction_id: Some("14610544313177922".into()),
    ///     authorisation_code: Some("12345".into()), ..PaymentFields::default() };
    /// let op = Operation::on_payment(OperationKind::Capture, &payment, None, &stored, "20260101120000");
    /// assert_eq!((op.transaction_id.as_str(), op.amount.minor()), ("14610544313177922", 1000));
    /// ```
    pub fn on_payment(
        kind: OperationKind,
        payment: &crate::state::PaymentSnapshot,
        amount: Option<Amount>,
        stored: &PaymentFields,
        timestamp: &str,
    ) -> Operation {
        Operation {
            kind,
            order_id: payment.order_id.clone(),
            amount: amount.unwrap_or(payment.amount),
            captured: Some(payment.amount),
            refunded_minor: payment.refunded_minor,
            transaction_id: stored.transaction_id.clone().unwrap_or_default(),
            authorisation_code: stored.authorisation_code.clone().unwrap_or_default(),
            timestamp: timestamp.to_string(),
            stored_credential: None,
            idempotency_key: String::new(),
            intent: None,
        }
    }

    /// A merchant-initiated charge, under the new `order_id`, of the card an earlier payment
    /// stored (`stored`): Redsys's payment by reference, quoting the card reference and the
    /// first transaction's COF id, claiming the MIT exemption, without the customer
    /// (`DIRECTPAYMENT`). No stored card is `field_missing` on `card_reference`.
    ///
    /// ```
    /// use vpos_core::driver::{Operation, PaymentFields};
    /// use vpos_core::gateways::redsys::CofType;
    /// # let eur = vpos_core::Currency::from_code("EUR")?;
    /// let stored = PaymentFields { card_reference: Some("ab12cd34".into()),
    ///     cof_transaction_id: Some("999999999999999".into()), ..PaymentFields::default() };
    /// let op = Operation::charge_stored_card("1234NEXT", vpos_core::Amount::parse("9.99", eur)?,
    ///     &stored, CofType::Recurring)?;
    /// let card = op.stored_credential.unwrap();
    /// assert_eq!((card.identifier.as_deref(), card.direct_payment), (Some("ab12cd34"), Some(true)));
    /// # Ok::<(), vpos_core::Error>(())
    /// ```
    pub fn charge_stored_card(
        order_id: &str,
        amount: Amount,
        stored: &PaymentFields,
        cof_type: redsys::CofType,
    ) -> Result<Operation> {
        let Some(card) = stored.card_reference.clone() else {
            return Err(Error::new(
                ErrorCode::FieldMissing,
                "the payment holds no stored card reference",
            )
            .with_field("card_reference"));
        };
        Ok(Operation {
            kind: OperationKind::Charge,
            order_id: order_id.to_string(),
            amount,
            captured: None,
            refunded_minor: 0,
            transaction_id: String::new(),
            authorisation_code: String::new(),
            timestamp: String::new(),
            stored_credential: Some(redsys::StoredCredential {
                identifier: Some(card),
                cof_ini: Some(false),
                cof_type: Some(cof_type),
                cof_txnid: stored.cof_transaction_id.clone(),
                excep_sca: Some(redsys::ScaExemption::Mit),
                direct_payment: Some(true),
            }),
            idempotency_key: String::new(),
            intent: None,
        })
    }
}

/// What the gateway's verified reply to an operation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationReply {
    /// The event for [`crate::state::transition`], authentic (signed reply, or the host's own
    /// authenticated call).
    pub event: Verified<Event>,
    /// What the reply leaves on the payment (a charge's authorisation code …); save it with
    /// [`PaymentFields::to_store`].
    pub payment_fields: PaymentFields,
}

fn unsupported(gateway: Gateway, kind: OperationKind) -> Error {
    Error::new(
        ErrorCode::Unsupported,
        format!(
            "{} has no {} operation in vpos",
            gateway.as_str(),
            kind.as_str()
        ),
    )
    .with_field("gateway")
}

/// Describes the request for `operation`; the host sends it (with a deadline) and hands the
/// reply to [`parse_operation_reply`]. A gateway without the operation is `unsupported` on
/// `gateway`, before anything is asked.
///
/// ```
/// use vpos_core::driver::{self, Config, Operation};
/// let config = Config::from_json(&serde_json::json!({"gateway": "redsys", "merchant_code": "999008881",
///     "terminal": "1", "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
///     "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
///     "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}))?;
/// let refund: Operation = serde_json::from_value(serde_json::json!({"kind": "refund",
///     "order_id": "0726qI3H7sZx", "amount": {"value": "10.00", "currency": "EUR"}})).unwrap();
/// let request = driver::operation_request(&config, &refund)?;
/// assert!(request.url.ends_with("/sis/rest/trataPeticionREST"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn operation_request(config: &Config, operation: &Operation) -> Result<HttpRequest> {
    let kind = operation.kind;
    if !supported_operations(config.gateway()).contains(&kind) {
        #[cfg(feature = "flocash")]
        if let (Config::Flocash(c), OperationKind::Refund) = (config, kind) {
            // FloCash's own words say where refunds are made instead.
            return flocash::refund_request(c, &operation.order_id, operation.amount)
                .map_err(|e| e.with_field("gateway"));
        }
        return Err(unsupported(config.gateway(), kind));
    }
    match config {
        #[cfg(feature = "redsys")]
        Config::Redsys(c) => redsys::operation_request(c, &redsys_operation(operation)),
        #[cfg(feature = "elavon")]
        Config::Elavon(c) => elavon::remote_request(c, &elavon_operation(operation)?),
        #[cfg(feature = "paypal")]
        Config::Paypal(c) => {
            let whole =
                operation.captured == Some(operation.amount) && operation.refunded_minor == 0;
            let amount = if whole { None } else { Some(operation.amount) };
            paypal::refund_transaction_request_keyed(
                c,
                &operation.transaction_id,
                amount,
                &operation.idempotency_key,
            )
        }
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(c) => rest_request(c, operation),
        #[cfg(feature = "ceca")]
        Config::Ceca(c) => ceca::refund_request(c, &ceca_refund(operation)),
        #[cfg(feature = "bitpay")]
        Config::Bitpay(c) => bitpay::refund_request(c, &bitpay_refund(operation)),
        _ => Err(unsupported(config.gateway(), kind)),
    }
}

/// Reads the gateway's reply to [`operation_request`]'s request: its signature or hash is
/// checked where it has one. `gateway_error`: the gateway refused (nothing moved);
/// `gateway_unavailable` or a bad signature: no usable answer, the money may have moved
/// (see [`OperationStatus::after_error`]).
pub fn parse_operation_reply(
    config: &Config,
    operation: &Operation,
    reply: &Reply,
) -> Result<OperationReply> {
    let kind = operation.kind;
    if !supported_operations(config.gateway()).contains(&kind) {
        return Err(unsupported(config.gateway(), kind));
    }
    match config {
        #[cfg(feature = "redsys")]
        Config::Redsys(c) => {
            let verified = redsys::parse_operation_response(c, reply)?;
            Ok(OperationReply {
                event: Verified(verified.event()),
                payment_fields: redsys_fields(&verified),
            })
        }
        #[cfg(feature = "elavon")]
        Config::Elavon(c) => Ok(OperationReply {
            event: elavon::parse_remote_response(c, &elavon_operation(operation)?, reply)?,
            payment_fields: PaymentFields::default(),
        }),
        #[cfg(feature = "paypal")]
        Config::Paypal(c) => {
            let nvp = paypal::parse_nvp_response(reply)?;
            Ok(OperationReply {
                event: paypal::refund_event(c, &operation.order_id, &nvp)?,
                payment_fields: PaymentFields::default(),
            })
        }
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(c) => rest_reply(c, operation, reply),
        #[cfg(feature = "ceca")]
        Config::Ceca(c) => Ok(OperationReply {
            event: ceca::parse_refund_response(c, &ceca_refund(operation), reply)?,
            payment_fields: PaymentFields::default(),
        }),
        #[cfg(feature = "bitpay")]
        Config::Bitpay(_) => {
            let refund = bitpay::parse_refund_response(&bitpay_refund(operation), reply)?;
            Ok(OperationReply {
                event: Verified(refund.event(&operation.order_id)),
                payment_fields: PaymentFields::default(),
            })
        }
        _ => Err(unsupported(config.gateway(), kind)),
    }
}

/// PayPal REST: the request of each kind, with the host's key as `PayPal-Request-Id` (empty
/// is `field_missing` on `idempotency_key`: every POST needs one, and a made-up one would make
/// a second partial refund look like a repeat of the first) and the account's token.
fn rest_request(c: &paypal::RestConfig, op: &Operation) -> Result<HttpRequest> {
    use super::query::rename_field;
    if op.idempotency_key.is_empty() {
        return Err(Error::missing("idempotency_key"));
    }
    let token = c.token()?;
    let key = op.idempotency_key.as_str();
    let whole = op.captured == Some(op.amount);
    let request = match op.kind {
        // The buyer came back from PayPal: complete the approved order (its PayPal id is the
        // checkout's reference, quoted as `transaction_id`).
        OperationKind::Charge => {
            let request = if op.intent == Some(paypal::Intent::Authorize) {
                paypal::authorize_order_request(c, &token, &op.transaction_id, key)
            } else {
                paypal::capture_order_request(c, &token, &op.transaction_id, key)
            };
            request.map_err(|e| rename_field(e, "order_id", "transaction_id"))
        }
        // Capture of the authorisation (its id stored as `authorisation_code`): the amount
        // always written; `final_capture` when it is the whole payment, so a partial capture
        // leaves the authorisation open for the next one.
        OperationKind::Capture => paypal::capture_authorization_request(
            c,
            &token,
            &op.authorisation_code,
            Some(op.amount),
            whole,
            key,
        )
        .map_err(|e| rename_field(e, "authorization_id", "authorisation_code")),
        OperationKind::Release => {
            paypal::void_authorization_request(c, &token, &op.authorisation_code, key)
                .map_err(|e| rename_field(e, "authorization_id", "authorisation_code"))
        }
        // Refund of the capture (its id stored as `transaction_id`): `{}` (all of it) when
        // the whole payment with nothing refunded before, else the amount.
        OperationKind::Refund => {
            let amount = (!(whole && op.refunded_minor == 0)).then_some(op.amount);
            paypal::refund_capture_request(c, &token, &op.transaction_id, amount, key)
                .map_err(|e| rename_field(e, "capture_id", "transaction_id"))
        }
    };
    request.map_err(|e| rename_field(e, "PayPal-Request-Id", "idempotency_key"))
}

/// PayPal REST: the reply of each kind, its payment's event, and what it leaves (the capture
/// id a refund quotes, the authorisation id a capture or void quotes).
fn rest_reply(c: &paypal::RestConfig, op: &Operation, reply: &Reply) -> Result<OperationReply> {
    let (payment, payments) = match op.kind {
        OperationKind::Charge => {
            let order = paypal::parse_order_reply(c, &op.order_id, reply)?;
            let kind = if op.intent == Some(paypal::Intent::Authorize) {
                paypal::PaymentKind::Authorization
            } else {
                paypal::PaymentKind::Capture
            };
            let Some(payment) = order.payments.iter().rfind(|p| p.kind == kind).cloned() else {
                return Err(Error::missing(format!(
                    "purchase_units.0.payments.{}",
                    kind.as_str()
                )));
            };
            (payment, order.payments)
        }
        OperationKind::Capture => {
            let p = paypal::parse_capture_reply(c, &op.order_id, reply)?;
            (p.clone(), vec![p])
        }
        OperationKind::Release => {
            let p = paypal::parse_authorization_reply(c, &op.order_id, reply)?;
            (p, Vec::new())
        }
        OperationKind::Refund => {
            let p = paypal::parse_refund_reply(c, &op.order_id, reply)?;
            (p, Vec::new())
        }
    };
    Ok(OperationReply {
        event: payment.event().clone(),
        payment_fields: rest_fields(&payments),
    })
}

/// What PayPal REST payments leave on the payment: the last capture's id as
/// `transaction_id` (what a refund quotes) and the last authorisation's id as
/// `authorisation_code` (what a capture or void quotes).
pub(super) fn rest_fields(payments: &[paypal::Payment]) -> PaymentFields {
    let last = |kind: paypal::PaymentKind| {
        payments
            .iter()
            .rfind(|p| p.kind == kind)
            .map(|p| p.id.clone())
    };
    PaymentFields {
        transaction_id: last(paypal::PaymentKind::Capture),
        authorisation_code: last(paypal::PaymentKind::Authorization),
        ..PaymentFields::default()
    }
}

fn redsys_operation(op: &Operation) -> redsys::Operation {
    redsys::Operation {
        kind: match op.kind {
            OperationKind::Refund => redsys::OperationKind::Refund,
            OperationKind::Capture => redsys::OperationKind::Confirm,
            OperationKind::Release => redsys::OperationKind::Cancel,
            OperationKind::Charge => redsys::OperationKind::Payment,
        },
        order: op.order_id.clone(),
        amount: op.amount,
        stored_credential: op.stored_credential.clone(),
    }
}

/// A CECA refund quotes the checkout's `Num_operacion` (`order_id`) and the notification's
/// `Referencia` (`transaction_id`); it is partial (`TIPO_ANU=P`) unless it is the whole
/// payment with nothing refunded before (Refund is CECA's only operation in vpos).
fn ceca_refund(op: &Operation) -> ceca::Refund {
    ceca::Refund {
        operation: op.order_id.clone(),
        reference: op.transaction_id.clone(),
        amount: op.amount,
        partial: !(op.captured == Some(op.amount) && op.refunded_minor == 0),
    }
}

/// A Bitpay refund of the invoice the payment's notification or query left as its
/// transaction id; the host's operation key is BitPay's `guid`.
fn bitpay_refund(op: &Operation) -> bitpay::RefundRequest {
    bitpay::RefundRequest {
        invoice_id: op.transaction_id.clone(),
        amount: op.amount,
        reference: op.order_id.clone(),
        guid: op.idempotency_key.clone(),
    }
}

fn elavon_operation(op: &Operation) -> Result<elavon::RemoteOperation> {
    let kind = match op.kind {
        OperationKind::Refund => elavon::RemoteKind::Rebate,
        OperationKind::Capture => elavon::RemoteKind::Settle,
        OperationKind::Release => elavon::RemoteKind::Void,
        OperationKind::Charge => return Err(unsupported(Gateway::Elavon, op.kind)),
    };
    Ok(elavon::RemoteOperation {
        kind,
        order_id: op.order_id.clone(),
        pasref: op.transaction_id.clone(),
        authcode: op.authorisation_code.clone(),
        amount: op.amount,
        timestamp: op.timestamp.clone(),
    })
}

/// Where an operation the host recorded stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationState {
    /// Asked, or answered without a final word: the money may have moved; a later
    /// notification (or a person) settles it.
    Pending,
    /// Done, and the payment moved (or had already).
    Succeeded,
    /// The gateway refused; nothing moved.
    Failed,
}

/// An operation's state and, unless it succeeded, the code a host stores with it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationStatus {
    /// The state.
    pub state: OperationState,
    /// Why it is not `succeeded`: a core error code, an ignore reason, or `response_<code>`
    /// with the gateway's own status code.
    pub code: Option<String>,
}

impl OperationStatus {
    /// After the reply's event went through [`crate::state::transition`]: `succeeded` when
    /// the event is the operation done and the core applied it (or had); `pending` with
    /// `response_<code>` when the gateway has not finished (a PayPal refund not `Instant`);
    /// `pending` with the core's reason when it went through but the core refused the event;
    /// `failed` with `response_<code>` when the gateway declined.
    pub fn after_reply(kind: OperationKind, event: &Event, outcome: &Outcome) -> OperationStatus {
        // A charge that authorises (PayPal REST intent `AUTHORIZE`) went through when the
        // authorisation did.
        let went_through = event.action() == kind.action()
            && (*event.status() == Reported::Succeeded
                || (kind == OperationKind::Charge && *event.status() == Reported::Authorized));
        let response = || Some(format!("response_{}", event.status_code()));
        match outcome {
            Outcome::Applied { .. } | Outcome::AlreadyApplied if went_through => OperationStatus {
                state: OperationState::Succeeded,
                code: None,
            },
            _ if *event.status() == Reported::Pending => OperationStatus {
                state: OperationState::Pending,
                code: response(),
            },
            // The gateway did it but the core refuses the event (beyond the capture, say):
            // pending, for a person, with the core's reason.
            _ if went_through => OperationStatus {
                state: OperationState::Pending,
                code: Some(match outcome {
                    Outcome::Rejected { error } => error.code().as_str().to_string(),
                    Outcome::Ignored(reason) => reason.as_str().to_string(),
                    Outcome::Applied { .. } => "applied".into(),
                    Outcome::AlreadyApplied => "already_applied".into(),
                }),
            },
            _ => OperationStatus {
                state: OperationState::Failed,
                code: response(),
            },
        }
    }

    /// When the reply could not be read: the gateway's own refusal (`gateway_error`) failed
    /// the operation; anything else leaves it pending, since the money may have moved.
    pub fn after_error(error: &Error) -> OperationStatus {
        OperationStatus {
            state: if error.code() == ErrorCode::GatewayError {
                OperationState::Failed
            } else {
                OperationState::Pending
            },
            code: Some(error.code().as_str().to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::GATEWAYS;

    #[test]
    fn every_gateway_lists_its_operations_and_refuses_the_rest() {
        for g in GATEWAYS {
            for k in OperationKind::ALL {
                let e = unsupported(g, k);
                assert_eq!(
                    (e.code(), e.field()),
                    (ErrorCode::Unsupported, Some("gateway"))
                );
                assert!(e.message().contains(g.as_str()) && e.message().contains(k.as_str()));
            }
        }
        assert_eq!(supported_operations(Gateway::Redsys).len(), 4);
    }

    #[test]
    fn kinds_name_their_action() {
        let names: Vec<_> = OperationKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["refund", "capture", "release", "charge"]);
        for k in OperationKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(OperationKind::Release.action(), Action::Cancel);
    }

    #[test]
    fn errors_fail_only_when_the_gateway_refused() {
        let failed = OperationStatus::after_error(&Error::new(ErrorCode::GatewayError, "SIS0059"));
        assert_eq!(failed.state, OperationState::Failed);
        let pending = OperationStatus::after_error(&Error::new(ErrorCode::SignatureMismatch, "x"));
        assert_eq!(
            (pending.state, pending.code.as_deref()),
            (OperationState::Pending, Some("signature_mismatch"))
        );
    }

    fn event(action: Action, status: Reported, code: &str) -> Event {
        Event {
            gateway: Gateway::Redsys,
            key: crate::state::event_key(&["redsys", code]),
            merchant: "999008881".into(),
            order_id: "1234A".into(),
            transaction_id: "T".into(),
            amount: Amount::from_minor(100, crate::Currency::from_code("EUR").unwrap()).unwrap(),
            action,
            status,
            status_code: code.into(),
        }
    }

    #[test]
    fn a_reply_settles_the_operation_as_the_hosts_did() {
        use crate::state::IgnoreReason;
        let applied = Outcome::Applied {
            from: crate::PaymentStatus::Paid,
            to: crate::PaymentStatus::Refunded,
            refunded_minor: 100,
            captured_minor: 100,
            released_minor: 0,
        };
        let done = event(Action::Refund, Reported::Succeeded, "0900");
        let ok = OperationStatus::after_reply(OperationKind::Refund, &done, &applied);
        assert_eq!((ok.state, ok.code), (OperationState::Succeeded, None));
        let again =
            OperationStatus::after_reply(OperationKind::Refund, &done, &Outcome::AlreadyApplied);
        assert_eq!(again.state, OperationState::Succeeded);
        let refused = Outcome::Rejected {
            error: Error::new(ErrorCode::RefundExceedsAmount, "x"),
        };
        let held = OperationStatus::after_reply(OperationKind::Refund, &done, &refused);
        assert_eq!(
            (held.state, held.code.as_deref()),
            (OperationState::Pending, Some("refund_exceeds_amount"))
        );
        let stale = Outcome::Ignored(IgnoreReason::Stale);
        let held = OperationStatus::after_reply(OperationKind::Refund, &done, &stale);
        assert_eq!(held.code.as_deref(), Some("stale"));
        let waiting = event(Action::Refund, Reported::Pending, "Pending");
        let w = OperationStatus::after_reply(OperationKind::Refund, &waiting, &stale);
        assert_eq!(
            (w.state, w.code.as_deref()),
            (OperationState::Pending, Some("response_Pending"))
        );
        let declined = event(Action::Sale, Reported::Failed, "0190");
        let d = OperationStatus::after_reply(OperationKind::Capture, &declined, &stale);
        assert_eq!(
            (d.state, d.code.as_deref()),
            (OperationState::Failed, Some("response_0190"))
        );
        // The right status for another operation is not this one done.
        let sale = event(Action::Sale, Reported::Succeeded, "0000");
        let r = OperationStatus::after_reply(OperationKind::Release, &sale, &applied);
        assert_eq!(r.state, OperationState::Failed);
    }
}

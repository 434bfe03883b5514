//! `hostedpay.driver`: every gateway behind one set of verbs (`vpos_core::driver`). A host writes
//! one notification path and one operation path and never names a gateway's wire field: the
//! summary, the proof, the verdict, the fields left on the payment, the secret keys and the
//! operations all come from the core. This file only extracts, calls and converts.

use std::sync::Mutex;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use serde_json::Value;
use vpos_core::driver::{
    self, Answer as CoreAnswer, Notification, Operation as CoreOperation, OperationKind,
    OperationReply as CoreReply, OperationStatus as CoreStatus, PaymentFields, Proof,
};
use vpos_core::gateways::{Gateway, redsys::CofType};
use vpos_core::{Amount, PaymentSnapshot, PaymentStatus};

use crate::convert::{Kind, from_json, from_py, ser, to_json};
use crate::error::{IntoPy, from_py_err, to_py_err};
use crate::http::{RedirectForm, reply_from_py};
use crate::state::{Event, Outcome};

fn gateway(py: Python<'_>, name: &str) -> PyResult<Gateway> {
    driver::gateway(name).py(py)
}

fn kind(py: Python<'_>, name: &str) -> PyResult<OperationKind> {
    from_json(py, &Value::String(name.to_string()), Kind::Value("kind"))
}

/// A `PaymentFields` from a dict of field name -> str (empty values left out); the names are
/// the core's (`transaction_id`, `authorisation_code`, `card_reference`, `card_expiry`,
/// `cof_transaction_id`).
pub(crate) fn fields_from_py(
    py: Python<'_>,
    obj: Option<&Bound<'_, PyAny>>,
) -> PyResult<PaymentFields> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(PaymentFields::default());
    };
    let Value::Object(map) = to_json(obj, "stored")? else {
        return Err(to_py_err(
            py,
            &vpos_core::Error::new(
                vpos_core::ErrorCode::FieldInvalid,
                "stored: must be a dict of field name -> str",
            )
            .with_field("stored"),
        ));
    };
    let mut fields = PaymentFields::default();
    for (name, value) in map {
        let value = match value {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s),
            _ => {
                return Err(to_py_err(
                    py,
                    &vpos_core::Error::new(
                        vpos_core::ErrorCode::FieldInvalid,
                        format!("stored.{name}: must be a str"),
                    )
                    .with_field(format!("stored.{name}")),
                ));
            }
        };
        let slot = match name.as_str() {
            "transaction_id" => &mut fields.transaction_id,
            "authorisation_code" => &mut fields.authorisation_code,
            "card_reference" => &mut fields.card_reference,
            "card_expiry" => &mut fields.card_expiry,
            "cof_transaction_id" => &mut fields.cof_transaction_id,
            _ => {
                return Err(to_py_err(
                    py,
                    &vpos_core::Error::new(
                        vpos_core::ErrorCode::FieldInvalid,
                        format!("stored.{name}: is not a payment field"),
                    )
                    .with_field(format!("stored.{name}")),
                ));
            }
        };
        *slot = value;
    }
    Ok(fields)
}

pub(crate) fn fields_to_py<'py>(
    py: Python<'py>,
    fields: &PaymentFields,
) -> PyResult<Bound<'py, PyAny>> {
    ser(py, fields)
}

/// A merchant account's configuration for any gateway: `Config("redsys", {...})`, or
/// `Config.from_json({"gateway": "redsys", ...})`. Building it validates every value
/// (`ConfigError` naming the key's dotted path, no value quoted). `repr` and `public()` never
/// show a secret.
#[pyclass(module = "hostedpay.driver", name = "Config", frozen)]
#[derive(Clone)]
pub struct Config(pub driver::Config);

#[pymethods]
impl Config {
    #[new]
    fn new(py: Python<'_>, gateway_name: &str, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let g = gateway(py, gateway_name)?;
        let value = to_json(config, "")?;
        Ok(Config(driver::Config::new(g, &value).py(py)?))
    }

    /// Reads the tagged shape `{"gateway": "…", …}`.
    #[staticmethod]
    fn from_json(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = to_json(config, "")?;
        Ok(Config(driver::Config::from_json(&value).py(py)?))
    }

    /// The gateway's name (`"redsys"`).
    #[getter]
    fn gateway(&self) -> &'static str {
        self.0.gateway().as_str()
    }

    /// The secret keys of this configuration, as dotted paths (`nvp.password`).
    #[getter]
    fn secret_keys(&self) -> Vec<&'static str> {
        self.0.secret_keys().to_vec()
    }

    /// Checks every value again; raises `ConfigError`.
    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        self.0.validate().py(py)
    }

    /// The configuration without its secret keys, tagged with `gateway`: what may be shown.
    fn public<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.0.public())
    }

    fn __repr__(&self) -> String {
        format!(
            "hostedpay.driver.Config({})",
            serde_json::to_string(&self.0.public()).unwrap_or_default()
        )
    }
}

/// A parsed notification whose authenticity is not proven yet. Python cannot build one.
#[pyclass(module = "hostedpay.driver", name = "Unverified", frozen)]
pub struct Unverified(vpos_core::Unverified<Notification>);

#[pymethods]
impl Unverified {
    /// `{"gateway", "order_id", "transaction_id", "status_code", "amount"}`, untrusted: what
    /// to store with the raw body and to find the payment by, before proving.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.summary())
    }

    /// The gateway's name.
    #[getter]
    fn gateway(&self) -> &'static str {
        self.0.untrusted().gateway().as_str()
    }

    /// The raw body exactly as received.
    #[getter]
    fn raw_body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.untrusted().raw_body())
    }

    /// The parsed fields (`{"gateway", "notification": {...}}`), untrusted.
    fn untrusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, self.0.untrusted())
    }

    fn __repr__(&self) -> String {
        let s = self.0.summary();
        format!(
            "<hostedpay.driver.Unverified {} order_id={:?}>",
            s.gateway.as_str(),
            s.order_id
        )
    }
}

/// A proven notification. Only `prove` and `Pending.finish` make one.
#[pyclass(module = "hostedpay.driver", name = "Verified", frozen)]
pub struct Verified(vpos_core::Verified<Notification>);

#[pymethods]
impl Verified {
    /// The identifiers (`{"gateway", "order_id", "transaction_id", "status_code",
    /// "amount"}`), now proven.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.summary())
    }

    /// The gateway's name.
    #[getter]
    fn gateway(&self) -> &'static str {
        self.0.gateway().as_str()
    }

    /// The gateway-neutral event for `hostedpay.transition`.
    fn event(&self) -> Event {
        Event(self.0.event())
    }

    /// What the message would leave on the payment (`{"transaction_id", "authorisation_code",
    /// "card_reference", "card_expiry", "cof_transaction_id"}`, only those it has); what to
    /// store after a transition is `acknowledge(...).payment_fields`.
    #[getter]
    fn payment_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fields_to_py(py, &self.0.payment_fields())
    }

    /// The parsed fields (`{"gateway", "notification": {...}}`).
    fn notification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &*self.0)
    }

    fn __repr__(&self) -> String {
        let s = self.0.summary();
        format!(
            "<hostedpay.driver.Verified {} order_id={:?}>",
            s.gateway.as_str(),
            s.order_id
        )
    }
}

/// A notification waiting for the gateway's reply to the request `prove` returned with it.
#[pyclass(module = "hostedpay.driver", name = "Pending", frozen)]
pub struct Pending(Mutex<Option<driver::Pending>>);

#[pymethods]
impl Pending {
    /// The untrusted identifiers, as `Unverified.summary`.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let guard = self
            .0
            .lock()
            .map_err(|_| PyRuntimeError::new_err("poisoned"))?;
        match guard.as_ref() {
            Some(p) => ser(py, &p.summary()),
            None => Err(PyRuntimeError::new_err("this Pending was finished already")),
        }
    }

    /// Reads the gateway's reply (`{"status": int, "body": bytes|str}`, or `{"error": str}`
    /// when none came, a timeout included): the proven notification, or a `VposError`
    /// (`postback_invalid`: disowned; `postback_failed` / `gateway_unavailable`: no usable
    /// answer). A `Pending` is finished once.
    fn finish(
        &self,
        py: Python<'_>,
        config: &Config,
        reply: &Bound<'_, PyAny>,
    ) -> PyResult<Verified> {
        let reply = reply_from_py(reply)?;
        let pending = self
            .0
            .lock()
            .map_err(|_| PyRuntimeError::new_err("poisoned"))?
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("this Pending was finished already"))?;
        Ok(Verified(pending.finish(&config.0, &reply).py(py)?))
    }

    fn __repr__(&self) -> String {
        "<hostedpay.driver.Pending>".to_string()
    }
}

/// What to store and what to answer, for every gateway.
#[pyclass(module = "hostedpay.driver", name = "Answer", frozen)]
pub struct Answer(CoreAnswer);

#[pymethods]
impl Answer {
    /// The label to store: `applied`, `already_applied`, `ignored`, `rejected`, `invalid`,
    /// `unverified`, `postback_failed`, `no_payment`, `token_mismatch`, `unknown_account`,
    /// `error`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.0.verdict.as_str()
    }

    /// The gateway's exact answer: `{"status", "headers", "body"}`.
    #[getter]
    fn response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.response)
    }

    /// What to save on the payment with the transition (empty unless a successful sale or
    /// authorisation was applied).
    #[getter]
    fn payment_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fields_to_py(py, &self.0.payment_fields)
    }

    /// The error to store with the verdict, as a `VposError` (not raised), or `None`.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.0
            .error
            .as_ref()
            .map(|e| to_py_err(py, e).into_value(py).into_any())
    }

    /// The core's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.driver.Answer {} {}>",
            self.0.verdict.as_str(),
            self.0.response.status
        )
    }
}

/// Parses a notification for `config`'s gateway. `token` is the URL's secret segment for a
/// gateway that guards the URL with one (FloCash, checked first in constant time: a wrong or
/// missing one is `token_mismatch`); the others ignore it. `headers` (`(name, value)` pairs)
/// and `now_unix` (the host's clock, seconds) are read by gateways that sign in headers
/// (PayPal REST webhooks); the others ignore them.
#[pyfunction]
#[pyo3(signature = (config, content_type, body, *, query = "", token = None, headers = None, now_unix = None))]
#[allow(clippy::too_many_arguments)]
pub fn parse_notification(
    py: Python<'_>,
    config: &Config,
    content_type: &str,
    body: &[u8],
    query: &str,
    token: Option<&str>,
    headers: Option<Vec<(String, String)>>,
    now_unix: Option<i64>,
) -> PyResult<Unverified> {
    let headers = headers.unwrap_or_default();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = driver::Request {
        content_type,
        body,
        query,
        token,
        headers: &headers,
        now_unix,
    };
    Ok(Unverified(
        driver::parse_notification(&config.0, &request).py(py)?,
    ))
}

/// Proves `unverified`: a `Verified` (a signature, checked on the spot), or `(request,
/// pending)` when the gateway must be asked (FloCash and PayPal post-back, Bitpay invoice
/// fetch): perform `request` (`{"method", "url", "headers", "body"}`) with a deadline, then
/// `pending.finish(config, reply)`.
#[pyfunction]
pub fn prove<'py>(
    py: Python<'py>,
    config: &Config,
    unverified: &Unverified,
) -> PyResult<Bound<'py, PyAny>> {
    match driver::prove(&config.0, unverified.0.clone()).py(py)? {
        Proof::Verified(v) => Ok(Bound::new(py, Verified(v))?.into_any()),
        Proof::NeedsReply { request, pending } => {
            let request = ser(py, &request)?;
            let pending = Bound::new(py, Pending(Mutex::new(Some(pending))))?;
            Ok(PyTuple::new(py, [request, pending.into_any()])?.into_any())
        }
    }
}

/// The answer to a proven notification once its outcome was applied (FloCash `00`, CECA
/// `$*$OKY$*$`, the signed Redsys SOAP envelope …), with the verdict and the payment fields
/// to store. Raises only when Redsys's SOAP answer cannot be signed (keep nothing, `reject`).
#[pyfunction]
pub fn acknowledge(
    py: Python<'_>,
    config: &Config,
    verified: &Verified,
    outcome: &Outcome,
) -> PyResult<Answer> {
    Ok(Answer(
        driver::acknowledge(&config.0, &verified.0, &outcome.0).py(py)?,
    ))
}

/// The answer to a notification that could not be taken in (a `VposError` at any step); the
/// verdict is decided by the error's code alone.
#[pyfunction]
pub fn reject(py: Python<'_>, gateway_name: &str, error: &Bound<'_, PyAny>) -> PyResult<Answer> {
    let g = gateway(py, gateway_name)?;
    Ok(Answer(driver::reject(g, &from_py_err(error)?)))
}

/// The answer to a body refused unread (over `max_body_bytes`): `413`, verdict `invalid`.
#[pyfunction]
pub fn reject_unread(py: Python<'_>, gateway_name: &str) -> PyResult<Answer> {
    Ok(Answer(driver::reject_unread(gateway(py, gateway_name)?)))
}

/// The answer to a notification URL naming no configured account: `404` (FloCash: as a
/// wrong token), verdict `unknown_account`.
#[pyfunction]
pub fn unknown_account(py: Python<'_>, gateway_name: &str) -> PyResult<Answer> {
    Ok(Answer(driver::unknown_account(gateway(py, gateway_name)?)))
}

/// The answer to a proven notification whose order no payment has: verdict `no_payment`.
#[pyfunction]
pub fn payment_not_found(py: Python<'_>, gateway_name: &str, order_id: &str) -> PyResult<Answer> {
    Ok(Answer(driver::payment_not_found(
        gateway(py, gateway_name)?,
        order_id,
    )))
}

/// The largest notification body `gateway` sends.
#[pyfunction]
pub fn max_body_bytes(py: Python<'_>, gateway_name: &str) -> PyResult<usize> {
    Ok(driver::max_body_bytes(gateway(py, gateway_name)?))
}

/// The secret configuration keys of `gateway`, as dotted paths (`nvp.password`): encrypt them
/// at rest, never show them. The only list.
#[pyfunction]
pub fn secret_keys(py: Python<'_>, gateway_name: &str) -> PyResult<Vec<&'static str>> {
    Ok(driver::secret_keys(gateway(py, gateway_name)?).to_vec())
}

/// The operations `gateway` offers in vpos (`"refund"`, `"capture"`, `"release"`, `"charge"`).
#[pyfunction]
pub fn supported_operations(py: Python<'_>, gateway_name: &str) -> PyResult<Vec<&'static str>> {
    Ok(driver::supported_operations(gateway(py, gateway_name)?)
        .iter()
        .map(|k| k.as_str())
        .collect())
}

/// The operations a payment in `status` allows (the state table's, beside `MOVES`).
#[pyfunction]
pub fn allowed_operations(py: Python<'_>, status: &str) -> PyResult<Vec<&'static str>> {
    let status: PaymentStatus = from_json(
        py,
        &Value::String(status.to_string()),
        Kind::Value("status"),
    )?;
    Ok(vpos_core::state::allowed_operations(status)
        .iter()
        .map(|k| k.as_str())
        .collect())
}

/// What `payment` (the core's `PaymentSnapshot` shape) holds in money and what it allows now:
/// `{"captured_minor", "capturable_minor", "refundable_minor", "operations"}` (the state table's
/// `operations_for`: a paid payment with part of a multi-capture authorisation open takes
/// `capture` and `release` too).
#[pyfunction]
pub fn payment_amounts<'py>(
    py: Python<'py>,
    payment: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    let snapshot: PaymentSnapshot = from_py(payment, Kind::Value("payment"))?;
    let out = pyo3::types::PyDict::new(py);
    out.set_item("captured_minor", snapshot.captured())?;
    out.set_item("capturable_minor", snapshot.capturable())?;
    out.set_item("refundable_minor", snapshot.refundable())?;
    let kinds: Vec<&'static str> = vpos_core::state::operations_for(&snapshot)
        .iter()
        .map(|k| k.as_str())
        .collect();
    out.set_item("operations", kinds)?;
    Ok(out)
}

/// Refuses, before anything is asked, an operation `payment` (the core's `PaymentSnapshot`
/// shape) cannot take: `field_invalid` on `amount` for an amount not above zero,
/// `refund_exceeds_amount` beyond what is left once `in_flight_minor` is set aside,
/// `invalid_transition` on `status` for a kind its status does not allow.
#[pyfunction]
#[pyo3(signature = (payment, kind, amount_minor, in_flight_minor = 0))]
pub fn check_operation(
    py: Python<'_>,
    payment: &Bound<'_, PyAny>,
    kind: &str,
    amount_minor: i64,
    in_flight_minor: i64,
) -> PyResult<()> {
    let snapshot: PaymentSnapshot = from_py(payment, Kind::Value("payment"))?;
    let k = self::kind(py, kind)?;
    vpos_core::state::check_operation(&snapshot, k, amount_minor, in_flight_minor).py(py)
}

/// An operation on a stored payment (refund, capture, release, stored-card charge):
/// `Operation({"kind", "order_id", "amount", ...})`, or better `Operation.on_payment(...)` /
/// `Operation.charge_stored_card(...)`, which decide what each gateway quotes.
#[pyclass(module = "hostedpay.driver", name = "Operation", frozen)]
pub struct Operation(CoreOperation);

#[pymethods]
impl Operation {
    #[new]
    fn new(operation: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Operation(from_py(operation, Kind::Value("operation"))?))
    }

    /// `kind` on a stored `payment` (the core's `PaymentSnapshot` shape), quoting what its
    /// proven notification left (`stored`: a dict of payment fields). `amount` (the core's
    /// Amount shape) defaults to the payment's; `timestamp` is the host's clock,
    /// `YYYYMMDDHHMMSS` UTC (Elavon signs it).
    #[staticmethod]
    #[pyo3(signature = (kind, payment, *, amount = None, stored = None, timestamp = ""))]
    fn on_payment(
        py: Python<'_>,
        kind: &str,
        payment: &Bound<'_, PyAny>,
        amount: Option<&Bound<'_, PyAny>>,
        stored: Option<&Bound<'_, PyAny>>,
        timestamp: &str,
    ) -> PyResult<Self> {
        let k = self::kind(py, kind)?;
        let snapshot: PaymentSnapshot = from_py(payment, Kind::Value("payment"))?;
        let amount: Option<Amount> = match amount.filter(|a| !a.is_none()) {
            Some(a) => Some(from_py(a, Kind::Value("amount"))?),
            None => None,
        };
        let stored = fields_from_py(py, stored)?;
        Ok(Operation(CoreOperation::on_payment(
            k, &snapshot, amount, &stored, timestamp,
        )))
    }

    /// A merchant-initiated charge, under the new `order_id`, of the card an earlier payment
    /// stored (`stored`: its payment fields): Redsys's payment by reference, with its
    /// stored-card flags. `cof_type`: `"recurring"`, `"installment"` … No stored card is
    /// `field_missing` on `card_reference`.
    #[staticmethod]
    #[pyo3(signature = (order_id, amount, stored, cof_type = "recurring"))]
    fn charge_stored_card(
        py: Python<'_>,
        order_id: &str,
        amount: &Bound<'_, PyAny>,
        stored: &Bound<'_, PyAny>,
        cof_type: &str,
    ) -> PyResult<Self> {
        let amount: Amount = from_py(amount, Kind::Value("amount"))?;
        let stored = fields_from_py(py, Some(stored))?;
        let cof: CofType = from_json(
            py,
            &Value::String(cof_type.to_string()),
            Kind::Value("cof_type"),
        )?;
        Ok(Operation(
            CoreOperation::charge_stored_card(order_id, amount, &stored, cof).py(py)?,
        ))
    }

    /// `"refund"`, `"capture"`, `"release"` or `"charge"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// The order id the operation quotes.
    #[getter]
    fn order_id(&self) -> &str {
        &self.0.order_id
    }

    /// The amount, `{"minor", "currency", "value"}`.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.amount)
    }

    /// The idempotency key sent where the gateway dedupes by it (PayPal `MSGSUBID`); `""`
    /// when none was set.
    #[getter]
    fn idempotency_key(&self) -> &str {
        &self.0.idempotency_key
    }

    /// This operation under `key` (`operation_key(...)`): the same key on every attempt.
    fn with_idempotency_key(&self, key: &str) -> Operation {
        let mut op = self.0.clone();
        op.idempotency_key = key.to_string();
        Operation(op)
    }

    /// The core's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.driver.Operation {} {} {}>",
            self.0.kind.as_str(),
            self.0.order_id,
            self.0.amount.minor()
        )
    }
}

/// The request for `operation` (`{"method", "url", "headers", "body"}`): send it with a
/// deadline, then `parse_operation_reply`. A gateway without the operation is `unsupported`
/// on `gateway`, before anything is asked.
#[pyfunction]
pub fn operation_request<'py>(
    py: Python<'py>,
    config: &Config,
    operation: &Operation,
) -> PyResult<Bound<'py, PyAny>> {
    ser(
        py,
        &driver::operation_request(&config.0, &operation.0).py(py)?,
    )
}

/// What the gateway's verified reply to an operation says.
#[pyclass(module = "hostedpay.driver", name = "OperationReply", frozen)]
pub struct OperationReply(CoreReply);

#[pymethods]
impl OperationReply {
    /// The event for `hostedpay.transition` (authentic: a signed reply, or the host's own
    /// authenticated call).
    fn event(&self) -> Event {
        Event((*self.0.event).clone())
    }

    /// What the reply would leave on the payment (a charge's authorisation code …).
    #[getter]
    fn payment_fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        fields_to_py(py, &self.0.payment_fields)
    }

    /// What to save on the payment after `outcome`: the payment fields when it applied a
    /// successful sale or authorisation, else `{}`.
    fn fields_to_store<'py>(
        &self,
        py: Python<'py>,
        outcome: &Outcome,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fields = self.0.payment_fields.to_store(&self.0.event, &outcome.0);
        fields_to_py(py, &fields)
    }

    fn __repr__(&self) -> String {
        format!("<hostedpay.driver.OperationReply {}>", self.0.event.key())
    }
}

/// Reads the gateway's reply (`{"status", "body"}` or `{"error"}`) to `operation_request`'s
/// request, its signature or hash checked. Raises `GatewayError` (`gateway_error`: refused,
/// nothing moved; `gateway_unavailable`: no usable answer) or `VerificationError`.
#[pyfunction]
pub fn parse_operation_reply(
    py: Python<'_>,
    config: &Config,
    operation: &Operation,
    reply: &Bound<'_, PyAny>,
) -> PyResult<OperationReply> {
    let reply = reply_from_py(reply)?;
    Ok(OperationReply(
        driver::parse_operation_reply(&config.0, &operation.0, &reply).py(py)?,
    ))
}

/// The idempotency key of an operation (`vpos1-` and 32 hex digits, 38 characters): the same
/// for the same `gateway`, `merchant`, `order_id`, `kind` and `sequence` (the 1-based count of
/// operations of `kind` on the payment, this one included) in every runtime. Record it
/// always; `Operation.with_idempotency_key` sends it where the gateway reads it.
#[pyfunction]
pub fn operation_key(
    py: Python<'_>,
    gateway_name: &str,
    merchant: &str,
    order_id: &str,
    kind: &str,
    sequence: u32,
) -> PyResult<String> {
    Ok(driver::operation_key(
        gateway(py, gateway_name)?,
        merchant,
        order_id,
        self::kind(py, kind)?,
        sequence,
    ))
}

/// Whether `gateway`'s operation API dedupes a resent operation by its idempotency key (PayPal
/// `MSGSUBID`): only then is an attempt that may have been executed sent again.
#[pyfunction]
pub fn supports_idempotency_key(py: Python<'_>, gateway_name: &str) -> PyResult<bool> {
    Ok(driver::supports_idempotency_key(gateway(py, gateway_name)?))
}

/// The default retry policy, `{"max_attempts", "base_delay_ms", "max_delay_ms"}`.
pub fn default_retry_policy(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    ser(py, &driver::RetryPolicy::default())
}

/// After attempt `attempt` (1-based) of an operation on `gateway` failed: the wait in
/// milliseconds before sending it again, or `None` to stop (the operation stays as it is).
/// `failure` is `"not_sent"` (the request never left: connection refused), `"no_answer"`,
/// `"refused"`, or the reply the core could not use (`{"status", "body"}` or `{"error"}`).
/// `policy` is a dict (`max_attempts`, `base_delay_ms`, `max_delay_ms`; missing keys take
/// the defaults, unknown ones are refused), `None` for the default. No jitter: add your own.
#[pyfunction]
#[pyo3(signature = (gateway_name, attempt, failure, policy = None))]
pub fn retry_after(
    py: Python<'_>,
    gateway_name: &str,
    attempt: u32,
    failure: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<u64>> {
    let policy: driver::RetryPolicy = match policy.filter(|p| !p.is_none()) {
        Some(p) => from_py(p, Kind::Value("policy"))?,
        None => driver::RetryPolicy::default(),
    };
    let failure = if let Ok(name) = failure.extract::<String>() {
        from_json(py, &Value::String(name), Kind::Value("failure"))?
    } else {
        driver::Failure::of_reply(&reply_from_py(failure)?)
    };
    Ok(driver::retry_after(
        &policy,
        gateway(py, gateway_name)?,
        attempt,
        &failure,
    ))
}

/// Where an operation the host recorded stands: `state` (`"pending"`, `"succeeded"`,
/// `"failed"`) and, unless it succeeded, the `code` to store.
#[pyclass(module = "hostedpay.driver", name = "OperationStatus", frozen)]
pub struct OperationStatus(CoreStatus);

#[pymethods]
impl OperationStatus {
    /// After the reply's event went through `hostedpay.transition`.
    #[staticmethod]
    fn after_reply(py: Python<'_>, kind: &str, event: &Event, outcome: &Outcome) -> PyResult<Self> {
        let k = self::kind(py, kind)?;
        Ok(OperationStatus(CoreStatus::after_reply(
            k, &event.0, &outcome.0,
        )))
    }

    /// When the reply could not be read (`error`, a `VposError`): `failed` for the gateway's
    /// own refusal (`gateway_error`), else `pending` (the money may have moved).
    #[staticmethod]
    fn after_error(error: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(OperationStatus(CoreStatus::after_error(&from_py_err(
            error,
        )?)))
    }

    /// `"pending"`, `"succeeded"` or `"failed"`.
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0.state)
    }

    /// Why it is not `succeeded` (a core code, an ignore reason, `response_<code>`), or `None`.
    #[getter]
    fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.driver.OperationStatus {}>",
            serde_json::to_string(&self.0).unwrap_or_default()
        )
    }
}

/// A checkout order, whichever gateway it is for: `Order(gateway, {...})` with the gateway's
/// own order keys, or better `Order.for_payment(gateway, {...})` from the gateway-neutral
/// request (`order_id`, `amount`, `description`, `custom`, `return_url`, `timestamp`,
/// `store_card`, `fields` …), which decides each gateway's field names and lengths.
#[pyclass(module = "hostedpay.driver", name = "Order", frozen)]
pub struct Order(driver::Order);

#[pymethods]
impl Order {
    #[new]
    fn new(py: Python<'_>, gateway_name: &str, order: &Bound<'_, PyAny>) -> PyResult<Self> {
        let g = gateway(py, gateway_name)?;
        let value = to_json(order, "")?;
        Ok(Order(driver::Order::new(g, &value).py(py)?))
    }

    /// Reads the tagged shape `{"gateway": "…", …}`.
    #[staticmethod]
    fn from_json(py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = to_json(order, "")?;
        Ok(Order(driver::Order::from_json(&value).py(py)?))
    }

    /// `gateway`'s order for a gateway-neutral `request` (the core's `OrderRequest`).
    #[staticmethod]
    fn for_payment(
        py: Python<'_>,
        gateway_name: &str,
        request: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let g = gateway(py, gateway_name)?;
        let request: driver::OrderRequest = from_py(request, Kind::Value("request"))?;
        Ok(Order(driver::Order::for_payment(g, &request).py(py)?))
    }

    /// The gateway's name.
    #[getter]
    fn gateway(&self) -> &'static str {
        self.0.gateway().as_str()
    }

    /// True when the order only reserves the money (Redsys pre-authorisation).
    #[getter]
    fn is_preauthorisation(&self) -> bool {
        self.0.is_preauthorisation()
    }

    /// The tagged JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!("<hostedpay.driver.Order {}>", self.0.gateway().as_str())
    }
}

/// The checkout of `order` with `config`: a `hostedpay.http.RedirectForm`, or (Bitpay) the request
/// that makes the payment page (`{"method", "url", "headers", "body"}`): send it, then
/// `parse_checkout_reply`. An order for another gateway is `gateway_mismatch`.
#[pyfunction]
pub fn checkout<'py>(
    py: Python<'py>,
    config: &Config,
    order: &Order,
) -> PyResult<Bound<'py, PyAny>> {
    match driver::checkout(&config.0, &order.0).py(py)? {
        driver::Checkout::Form(form) => Ok(Bound::new(py, RedirectForm(form))?.into_any()),
        driver::Checkout::NeedsReply(request) => ser(py, &request),
    }
}

/// Reads the reply to `checkout`'s request: `(RedirectForm, reference)`, the reference (Bitpay's
/// invoice id) to store on the payment.
#[pyfunction]
pub fn parse_checkout_reply(
    py: Python<'_>,
    config: &Config,
    reply: &Bound<'_, PyAny>,
) -> PyResult<(RedirectForm, String)> {
    let reply = reply_from_py(reply)?;
    let done = driver::parse_checkout_reply(&config.0, &reply).py(py)?;
    Ok((RedirectForm(done.form), done.reference))
}

/// A fresh order id when `gateway` constrains its shape (Redsys: from the `prefix` of up to 4
/// digits and at least 12 bytes the host draws, `os.urandom(12)`); `None` when the host's own
/// id will do.
#[pyfunction]
pub fn new_order_id(
    py: Python<'_>,
    gateway_name: &str,
    prefix: &str,
    random: &[u8],
) -> PyResult<Option<String>> {
    driver::new_order_id(gateway(py, gateway_name)?, prefix, random).py(py)
}

/// Every gateway the driver speaks, in the order hosts list them.
pub fn gateways() -> Vec<&'static str> {
    driver::GATEWAYS.iter().map(|g| g.as_str()).collect()
}

/// Every verdict, in the core's order.
pub fn verdicts() -> Vec<&'static str> {
    driver::Verdict::ALL.iter().map(|v| v.as_str()).collect()
}

/// Every operation kind.
pub fn operation_kinds() -> Vec<&'static str> {
    OperationKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// Registers `hostedpay._hostedpay.driver`.
pub fn register(py: Python<'_>, parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let m = PyModule::new(py, "driver")?;
    m.add_class::<Config>()?;
    m.add_class::<Unverified>()?;
    m.add_class::<Verified>()?;
    m.add_class::<Pending>()?;
    m.add_class::<Answer>()?;
    m.add_class::<Operation>()?;
    m.add_class::<OperationReply>()?;
    m.add_class::<OperationStatus>()?;
    m.add_class::<Order>()?;
    crate::query::register(&m)?;
    m.add_function(wrap_pyfunction!(checkout, &m)?)?;
    m.add_function(wrap_pyfunction!(parse_checkout_reply, &m)?)?;
    m.add_function(wrap_pyfunction!(new_order_id, &m)?)?;
    m.add_function(wrap_pyfunction!(parse_notification, &m)?)?;
    m.add_function(wrap_pyfunction!(prove, &m)?)?;
    m.add_function(wrap_pyfunction!(acknowledge, &m)?)?;
    m.add_function(wrap_pyfunction!(reject, &m)?)?;
    m.add_function(wrap_pyfunction!(reject_unread, &m)?)?;
    m.add_function(wrap_pyfunction!(unknown_account, &m)?)?;
    m.add_function(wrap_pyfunction!(payment_not_found, &m)?)?;
    m.add_function(wrap_pyfunction!(max_body_bytes, &m)?)?;
    m.add_function(wrap_pyfunction!(secret_keys, &m)?)?;
    m.add_function(wrap_pyfunction!(supported_operations, &m)?)?;
    m.add_function(wrap_pyfunction!(allowed_operations, &m)?)?;
    m.add_function(wrap_pyfunction!(check_operation, &m)?)?;
    m.add_function(wrap_pyfunction!(payment_amounts, &m)?)?;
    m.add_function(wrap_pyfunction!(operation_request, &m)?)?;
    m.add_function(wrap_pyfunction!(parse_operation_reply, &m)?)?;
    m.add_function(wrap_pyfunction!(operation_key, &m)?)?;
    m.add_function(wrap_pyfunction!(supports_idempotency_key, &m)?)?;
    m.add_function(wrap_pyfunction!(retry_after, &m)?)?;
    m.add("DEFAULT_RETRY_POLICY", default_retry_policy(py)?)?;
    m.add("GATEWAYS", gateways())?;
    m.add("VERDICTS", verdicts())?;
    m.add("OPERATION_KINDS", operation_kinds())?;
    parent.add_submodule(&m)?;
    Ok(())
}

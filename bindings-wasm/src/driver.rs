//! The gateway-neutral driver (`vpos_core::driver`), edge module only: one `Config` class, one
//! notification path and one operation path for every gateway, with the names and shapes of
//! the Node package (`Config`, `parseNotification`, `prove`, `acknowledge`, `reject`, …). The
//! async `handleNotification` and `operate` are JS glue over these (scripts/package.mjs), as is
//! `transition`, which accepts these handles beside the gateway modules' verified handles.
//!
//! Handles are opaque classes; their parts (`summary`, `event`, `paymentFields`,
//! `notification`) are getters converted once per handle and cached.

use std::cell::OnceCell;

use serde::Serialize;
use serde_json::Value;
use vpos_core::driver::{self, Notification, Operation, OperationKind, OperationStatus};
use vpos_core::gateways::Gateway;
use vpos_core::{
    Error, ErrorCode, Outcome, PaymentSnapshot, PaymentStatus, Reply, Unverified, Verified,
};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, body_bytes, core_error, from_js, json_value, to_js};

/// A JSON value (a public configuration) as a plain JS object.
pub(crate) fn plain(value: &Value) -> Result<JsValue, Thrown> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|_| Thrown::new(ErrorCode::FieldInvalid, None, "could not convert a value"))
}

/// `cell`'s value, made by `make` on first use.
pub(crate) fn cached(
    cell: &OnceCell<JsValue>,
    make: impl FnOnce() -> Result<JsValue, Thrown>,
) -> Result<JsValue, Thrown> {
    if let Some(value) = cell.get() {
        return Ok(value.clone());
    }
    let value = make()?;
    Ok(cell.get_or_init(|| value).clone())
}

/// A gateway given by name (`"redsys"`) or as a `Config` (its `gateway` getter).
pub(crate) fn gateway_of(value: &JsValue) -> Result<Gateway, Thrown> {
    let name = match value.as_string() {
        Some(name) => name,
        None => js_sys::Reflect::get(value, &"gateway".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
    };
    Ok(driver::gateway(&name)?)
}

/// A word (`"refund"`, `"paid"`) read as a core enum through the core's conversion.
pub(crate) fn word<T: serde::de::DeserializeOwned>(
    word: &str,
    field: &'static str,
) -> Result<T, Thrown> {
    vpos_core::json::from_value(&Value::String(word.to_string()), ErrorCode::FieldInvalid).map_err(
        |e: Error| {
            Error::new(e.code(), format!("{field}: {}", e.message()))
                .with_field(field)
                .into()
        },
    )
}

/// A merchant account's configuration, whichever gateway: `{gateway: "redsys", …the
/// gateway's keys}`, read by the core (`Config::from_json`: the core's one conversion, then the
/// gateway's `validate`). The secrets stay inside the module.
#[wasm_bindgen(js_name = Config)]
pub struct DriverConfig {
    pub(crate) inner: driver::Config,
}

impl DriverConfig {
    /// A gateway class's configuration as the driver's (`redsys.Gateway.config`, …).
    pub(crate) fn of(inner: driver::Config) -> DriverConfig {
        DriverConfig { inner }
    }
}

#[wasm_bindgen(js_class = Config)]
impl DriverConfig {
    /// Reads and validates a configuration; `invalid_config` names the key's dotted path.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ConfigInput")] config: JsValue,
    ) -> Result<DriverConfig, Thrown> {
        let value = json_value(&config, Arg::config("config"))?;
        Ok(DriverConfig {
            inner: driver::Config::from_json(&value)?,
        })
    }

    /// The gateway's name.
    #[wasm_bindgen(getter, unchecked_return_type = "GatewayName")]
    pub fn gateway(&self) -> String {
        self.inner.gateway().as_str().to_string()
    }

    /// This gateway's secret keys, as dotted paths (`nvp.password`): the core's one list.
    #[wasm_bindgen(getter, js_name = secretKeys)]
    pub fn secret_keys(&self) -> Vec<String> {
        self.inner
            .secret_keys()
            .iter()
            .map(|k| k.to_string())
            .collect()
    }

    /// The configuration without its secret keys, tagged with `gateway` (`Config::public`).
    #[wasm_bindgen(unchecked_return_type = "PublicConfigView")]
    pub fn public(&self) -> Result<JsValue, Thrown> {
        plain(&self.inner.public())
    }

    /// Checks the notification URL's token (FloCash, constant time): `token_mismatch`.
    #[wasm_bindgen(js_name = checkToken)]
    pub fn check_token(&self, token: Option<String>) -> Result<(), Thrown> {
        Ok(self.inner.check_token(token.as_deref())?)
    }

    /// JSON of a configuration is its public view: never a secret.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "PublicConfigView")]
    pub fn to_json(&self) -> Result<JsValue, Thrown> {
        self.public()
    }
}

/// Every gateway vpos speaks, in the order hosts list them.
#[wasm_bindgen(unchecked_return_type = "GatewayName[]")]
pub fn gateways() -> Vec<String> {
    driver::GATEWAYS
        .iter()
        .map(|g| g.as_str().to_string())
        .collect()
}

/// The secret configuration keys of a gateway (a name or a `Config`), as dotted paths.
#[wasm_bindgen(js_name = secretKeys)]
pub fn secret_keys(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<Vec<String>, Thrown> {
    Ok(driver::secret_keys(gateway_of(&gateway)?)
        .iter()
        .map(|k| k.to_string())
        .collect())
}

/// The largest notification body the gateway sends; refuse a larger one unread.
#[wasm_bindgen(js_name = maxBodyBytes)]
pub fn max_body_bytes(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<u32, Thrown> {
    Ok(u32::try_from(driver::max_body_bytes(gateway_of(&gateway)?)).unwrap_or(u32::MAX))
}

/// A parsed notification, not proven yet. Only `parseNotification` makes one.
#[wasm_bindgen(js_name = UnverifiedNotification)]
pub struct DriverUnverified {
    inner: Unverified<Notification>,
    summary: OnceCell<JsValue>,
    notification: OnceCell<JsValue>,
}

#[wasm_bindgen(js_class = UnverifiedNotification)]
impl DriverUnverified {
    /// The gateway's name.
    #[wasm_bindgen(getter, unchecked_return_type = "GatewayName")]
    pub fn gateway(&self) -> String {
        self.inner.untrusted().gateway().as_str().to_string()
    }

    /// The untrusted identifiers: store them with the raw body, find the payment by them.
    #[wasm_bindgen(getter, unchecked_return_type = "Summary")]
    pub fn summary(&self) -> Result<JsValue, Thrown> {
        cached(&self.summary, || to_js(&self.inner.summary()))
    }

    /// The gateway's own notification (untrusted).
    #[wasm_bindgen(getter, unchecked_return_type = "Notification")]
    pub fn notification(&self) -> Result<JsValue, Thrown> {
        cached(&self.notification, || inner_of(self.inner.untrusted()))
    }

    /// The body exactly as received.
    #[wasm_bindgen(getter, js_name = rawBody)]
    pub fn raw_body(&self) -> Vec<u8> {
        self.inner.untrusted().raw_body().to_vec()
    }
}

/// The gateway's own notification (without the driver's `{gateway, notification}` tag), in
/// the gateway's JSON shape; a gateway not listed here yet shows the tagged form.
fn inner_of(n: &Notification) -> Result<JsValue, Thrown> {
    match n {
        #[cfg(feature = "flocash")]
        Notification::Flocash(n) => to_js(n),
        #[cfg(feature = "redsys")]
        Notification::Redsys(n) => to_js(n),
        #[cfg(feature = "ceca")]
        Notification::Ceca(n) => to_js(n),
        #[cfg(feature = "elavon")]
        Notification::Elavon(n) => to_js(n),
        #[cfg(feature = "paypal")]
        Notification::Paypal(n) => to_js(n),
        #[cfg(feature = "bitpay")]
        Notification::Bitpay(n) => to_js(n),
        #[cfg(feature = "bitpay")]
        Notification::BitpayRefund(n) => to_js(n),
        #[allow(unreachable_patterns)]
        other => to_js(other),
    }
}

/// A notification waiting for the gateway's reply to `prove`'s request.
#[wasm_bindgen(js_name = PendingNotification)]
pub struct DriverPending {
    inner: driver::Pending,
    summary: OnceCell<JsValue>,
}

#[wasm_bindgen(js_class = PendingNotification)]
impl DriverPending {
    /// The untrusted identifiers.
    #[wasm_bindgen(getter, unchecked_return_type = "Summary")]
    pub fn summary(&self) -> Result<JsValue, Thrown> {
        cached(&self.summary, || to_js(&self.inner.summary()))
    }

    /// Reads the reply (`{status, body}`, or `{error}` when none came): the verified
    /// notification, or throws why not. The handle stays usable (a post-back may be retried).
    pub fn finish(
        &self,
        config: &DriverConfig,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<DriverVerified, Thrown> {
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let verified = self.inner.clone().finish(&config.inner, &reply)?;
        Ok(DriverVerified::new(verified))
    }
}

/// A notification proven authentic (its status may still be a decline).
#[wasm_bindgen(js_name = VerifiedNotification)]
pub struct DriverVerified {
    inner: Verified<Notification>,
    summary: OnceCell<JsValue>,
    event: OnceCell<JsValue>,
    payment_fields: OnceCell<JsValue>,
    notification: OnceCell<JsValue>,
}

impl DriverVerified {
    fn new(inner: Verified<Notification>) -> DriverVerified {
        DriverVerified {
            inner,
            summary: OnceCell::new(),
            event: OnceCell::new(),
            payment_fields: OnceCell::new(),
            notification: OnceCell::new(),
        }
    }
}

#[wasm_bindgen(js_class = VerifiedNotification)]
impl DriverVerified {
    /// The gateway's name.
    #[wasm_bindgen(getter, unchecked_return_type = "GatewayName")]
    pub fn gateway(&self) -> String {
        self.inner.gateway().as_str().to_string()
    }

    /// The identifiers, proven.
    #[wasm_bindgen(getter, unchecked_return_type = "Summary")]
    pub fn summary(&self) -> Result<JsValue, Thrown> {
        cached(&self.summary, || to_js(&self.inner.summary()))
    }

    /// The gateway-neutral event for `transition`, with its idempotency `key`.
    #[wasm_bindgen(getter, unchecked_return_type = "EventJson")]
    pub fn event(&self) -> Result<JsValue, Thrown> {
        cached(&self.event, || to_js(&self.inner.event()))
    }

    /// What it leaves on the payment (stored when a sale applied: see `acknowledge`).
    #[wasm_bindgen(getter, js_name = paymentFields, unchecked_return_type = "PaymentFields")]
    pub fn payment_fields(&self) -> Result<JsValue, Thrown> {
        cached(&self.payment_fields, || to_js(&self.inner.payment_fields()))
    }

    /// The gateway's own notification.
    #[wasm_bindgen(getter, unchecked_return_type = "Notification")]
    pub fn notification(&self) -> Result<JsValue, Thrown> {
        cached(&self.notification, || inner_of(&self.inner))
    }

    /// The body exactly as received.
    #[wasm_bindgen(getter, js_name = rawBody)]
    pub fn raw_body(&self) -> Vec<u8> {
        self.inner.raw_body().to_vec()
    }
}

fn text(request: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(request, &key.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// `request.headers` as `(name, value)` pairs: a fetch `Headers` or an array of pairs (both
/// iterable), or a plain object (a `string[]` value gives one pair per value, so the core
/// sees the repeat). Anything else in a pair is `field_invalid` on `headers`.
fn header_pairs(request: &JsValue) -> Result<Vec<(String, String)>, Thrown> {
    let headers = js_sys::Reflect::get(request, &"headers".into()).unwrap_or(JsValue::UNDEFINED);
    if headers.is_undefined() || headers.is_null() {
        return Ok(Vec::new());
    }
    let bad = || {
        Thrown::new(
            vpos_core::ErrorCode::FieldInvalid,
            Some("headers"),
            "headers must be a Headers, [name, value] pairs or an object of strings",
        )
    };
    let mut out = Vec::new();
    let entries: Vec<JsValue> = match js_sys::try_iter(&headers).ok().flatten() {
        Some(iter) => iter.collect::<Result<_, _>>().map_err(|_| bad())?,
        None => {
            js_sys::Object::entries(headers.dyn_ref::<js_sys::Object>().ok_or_else(bad)?).to_vec()
        }
    };
    for entry in entries {
        let pair = js_sys::Array::from(&entry);
        let name = pair.get(0).as_string().ok_or_else(bad)?;
        let value = pair.get(1);
        if let Some(v) = value.as_string() {
            out.push((name, v));
        } else if js_sys::Array::is_array(&value) {
            for v in js_sys::Array::from(&value).iter() {
                out.push((name.clone(), v.as_string().ok_or_else(bad)?));
            }
        } else if !value.is_undefined() {
            return Err(bad());
        }
    }
    Ok(out)
}

/// Parses a notification for the configuration's gateway (`request`: `{contentType, body,
/// query?, token?}`; FloCash checks `token` first).
#[wasm_bindgen(js_name = parseNotification)]
pub fn parse_notification(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "NotificationRequest")] request: JsValue,
) -> Result<DriverUnverified, Thrown> {
    let body = js_sys::Reflect::get(&request, &"body".into()).unwrap_or(JsValue::UNDEFINED);
    let body = if body.is_undefined() || body.is_null() {
        Vec::new()
    } else {
        body_bytes(&body)?
    };
    let content_type = text(&request, "contentType").unwrap_or_default();
    let query = text(&request, "query").unwrap_or_default();
    let token = text(&request, "token");
    let headers = header_pairs(&request)?;
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let now_unix = js_sys::Reflect::get(&request, &"nowUnix".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
        .map(|n| n as i64);
    let request = driver::Request {
        content_type: &content_type,
        body: &body,
        query: &query,
        token: token.as_deref(),
        headers: &headers,
        now_unix,
    };
    Ok(DriverUnverified {
        inner: driver::parse_notification(&config.inner, &request)?,
        summary: OnceCell::new(),
        notification: OnceCell::new(),
    })
}

/// Proves a notification: `{verified}` (a signature, on the spot) or `{request, pending}`
/// (perform `request` with a deadline, then `pending.finish(config, reply)`).
#[wasm_bindgen(unchecked_return_type = "Proof")]
pub fn prove(config: &DriverConfig, unverified: &DriverUnverified) -> Result<JsValue, Thrown> {
    let proof = driver::prove(&config.inner, unverified.inner.clone())?;
    let out = js_sys::Object::new();
    let set = |key: &str, value: JsValue| js_sys::Reflect::set(&out, &key.into(), &value);
    let _ = match proof {
        driver::Proof::Verified(v) => set("verified", DriverVerified::new(v).into()),
        driver::Proof::NeedsReply { request, pending } => {
            let _ = set("request", to_js(&request)?);
            set(
                "pending",
                DriverPending {
                    inner: pending,
                    summary: OnceCell::new(),
                }
                .into(),
            )
        }
    };
    Ok(out.into())
}

/// An `Answer` as the JS API shapes it: `{verdict, response, paymentFields, error}`.
#[derive(Serialize)]
struct AnswerJs<'a> {
    verdict: driver::Verdict,
    response: &'a vpos_core::HttpResponse,
    #[serde(rename = "paymentFields")]
    payment_fields: &'a driver::PaymentFields,
    error: &'a Option<Error>,
}

fn answer(a: &driver::Answer) -> Result<JsValue, Thrown> {
    to_js(&AnswerJs {
        verdict: a.verdict,
        response: &a.response,
        payment_fields: &a.payment_fields,
        error: &a.error,
    })
}

/// `transition(payment, verified.event)` for a driver handle, as a plain outcome (`transition`
/// in the JS glue dispatches here).
#[wasm_bindgen(js_name = transitionVerified, skip_typescript)]
pub fn transition_verified(payment: JsValue, verified: &DriverVerified) -> Result<JsValue, Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    to_js(&vpos_core::transition(&payment, &verified.inner.event()))
}

/// The answer once `transition` decided: `{verdict, response, paymentFields, error}`.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn acknowledge(
    config: &DriverConfig,
    verified: &DriverVerified,
    #[wasm_bindgen(unchecked_param_type = "OutcomeJson")] outcome: JsValue,
) -> Result<JsValue, Thrown> {
    let outcome: Outcome = from_js(outcome, Arg::value("outcome"))?;
    answer(&driver::acknowledge(
        &config.inner,
        &verified.inner,
        &outcome,
    )?)
}

/// The answer to a notification refused at any step.
#[wasm_bindgen(unchecked_return_type = "Answer")]
pub fn reject(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
    #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
) -> Result<JsValue, Thrown> {
    let gateway = gateway_of(&gateway)?;
    answer(&driver::reject(gateway, &core_error(&error)?))
}

/// A body over `maxBodyBytes`, refused unread (413).
#[wasm_bindgen(js_name = rejectUnread, unchecked_return_type = "Answer")]
pub fn reject_unread(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<JsValue, Thrown> {
    answer(&driver::reject_unread(gateway_of(&gateway)?))
}

/// The URL names no configured account (404).
#[wasm_bindgen(js_name = unknownAccount, unchecked_return_type = "Answer")]
pub fn unknown_account(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<JsValue, Thrown> {
    answer(&driver::unknown_account(gateway_of(&gateway)?))
}

/// A proven notification whose order no payment has (yet).
#[wasm_bindgen(js_name = paymentNotFound, unchecked_return_type = "Answer")]
pub fn payment_not_found(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
    order_id: &str,
) -> Result<JsValue, Thrown> {
    answer(&driver::payment_not_found(gateway_of(&gateway)?, order_id))
}

fn kinds(list: &[OperationKind]) -> Vec<String> {
    list.iter().map(|k| k.as_str().to_string()).collect()
}

/// The operations a payment's status allows (`paid` → `["refund"]`).
#[wasm_bindgen(js_name = allowedOperations, unchecked_return_type = "OperationKind[]")]
pub fn allowed_operations(
    #[wasm_bindgen(unchecked_param_type = "PaymentStatus")] status: &str,
) -> Result<Vec<String>, Thrown> {
    let status: PaymentStatus = word(status, "status")?;
    Ok(kinds(vpos_core::state::allowed_operations(status)))
}

/// The operations vpos can ask of the gateway.
#[wasm_bindgen(js_name = supportedOperations, unchecked_return_type = "OperationKind[]")]
pub fn supported_operations(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
) -> Result<Vec<String>, Thrown> {
    Ok(kinds(driver::supported_operations(gateway_of(&gateway)?)))
}

/// Refuses an operation the payment cannot take (`invalid_transition`,
/// `refund_exceeds_amount`, `field_invalid`); minor units are BigInts.
#[wasm_bindgen(js_name = checkOperation)]
pub fn check_operation(
    #[wasm_bindgen(unchecked_param_type = "PaymentSnapshot")] payment: JsValue,
    #[wasm_bindgen(unchecked_param_type = "OperationKind")] kind: &str,
    #[wasm_bindgen(unchecked_param_type = "bigint")] amount_minor: JsValue,
    #[wasm_bindgen(unchecked_param_type = "bigint | undefined")] in_flight_minor: JsValue,
) -> Result<(), Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    let kind: OperationKind = word(kind, "kind")?;
    let amount: i64 = from_js(amount_minor, Arg::value("amountMinor"))?;
    let in_flight: i64 = if in_flight_minor.is_undefined() {
        0
    } else {
        from_js(in_flight_minor, Arg::value("inFlightMinor"))?
    };
    Ok(vpos_core::state::check_operation(
        &payment, kind, amount, in_flight,
    )?)
}

/// The request for an operation (`unsupported` on `gateway` when the gateway has none).
#[wasm_bindgen(js_name = operationRequest, unchecked_return_type = "HttpRequest")]
pub fn operation_request(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "Operation")] operation: JsValue,
) -> Result<JsValue, Thrown> {
    let operation: Operation = from_js(operation, Arg::value("operation"))?;
    to_js(&driver::operation_request(&config.inner, &operation)?)
}

/// The gateway's verified reply to an operation.
#[wasm_bindgen]
pub struct OperationReply {
    event: Verified<vpos_core::Event>,
    payment_fields: driver::PaymentFields,
    event_js: OnceCell<JsValue>,
    payment_fields_js: OnceCell<JsValue>,
}

#[wasm_bindgen]
impl OperationReply {
    /// The event for `transition`.
    #[wasm_bindgen(getter, unchecked_return_type = "EventJson")]
    pub fn event(&self) -> Result<JsValue, Thrown> {
        cached(&self.event_js, || to_js(&*self.event))
    }

    /// What the reply leaves on the payment.
    #[wasm_bindgen(getter, js_name = paymentFields, unchecked_return_type = "PaymentFields")]
    pub fn payment_fields(&self) -> Result<JsValue, Thrown> {
        cached(&self.payment_fields_js, || to_js(&self.payment_fields))
    }
}

/// Reads the reply to `operationRequest`'s request (`{error}` when none came).
#[wasm_bindgen(js_name = parseOperationReply)]
pub fn parse_operation_reply(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "Operation")] operation: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
) -> Result<OperationReply, Thrown> {
    let operation: Operation = from_js(operation, Arg::value("operation"))?;
    let reply: Reply = from_js(reply, Arg::value("reply"))?;
    let r = driver::parse_operation_reply(&config.inner, &operation, &reply)?;
    Ok(OperationReply {
        event: r.event,
        payment_fields: r.payment_fields,
        event_js: OnceCell::new(),
        payment_fields_js: OnceCell::new(),
    })
}

/// `transition(payment, reply.event)` for an operation's reply (the JS glue's `transition`).
#[wasm_bindgen(js_name = transitionReply, skip_typescript)]
pub fn transition_reply(payment: JsValue, reply: &OperationReply) -> Result<JsValue, Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    to_js(&vpos_core::transition(&payment, &reply.event))
}

/// Settles a recorded operation after its reply's transition: `{state, code}`.
#[wasm_bindgen(js_namespace = operationStatus, js_name = afterReply, unchecked_return_type = "OperationStatus")]
pub fn after_reply(
    #[wasm_bindgen(unchecked_param_type = "OperationKind")] kind: &str,
    reply: &OperationReply,
    #[wasm_bindgen(unchecked_param_type = "OutcomeJson")] outcome: JsValue,
) -> Result<JsValue, Thrown> {
    let kind: OperationKind = word(kind, "kind")?;
    let outcome: Outcome = from_js(outcome, Arg::value("outcome"))?;
    to_js(&OperationStatus::after_reply(kind, &reply.event, &outcome))
}

/// Settles a recorded operation after an error: `{state, code}`.
#[wasm_bindgen(js_namespace = operationStatus, js_name = afterError, unchecked_return_type = "OperationStatus")]
pub fn after_error(
    #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
) -> Result<JsValue, Thrown> {
    to_js(&OperationStatus::after_error(&core_error(&error)?))
}

/// The gateway's checkout order for a gateway-neutral request (`{order_id, amount,
/// description, custom, return_url, cancel_url, notify_url, timestamp, store_card, fields,
/// …}`): the tagged `{gateway, …the gateway's own order}` the core maps it to.
#[wasm_bindgen(js_name = orderForPayment, unchecked_return_type = "DriverOrder")]
pub fn order_for_payment(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] request: JsValue,
) -> Result<JsValue, Thrown> {
    let g = gateway_of(&gateway)?;
    let request: driver::OrderRequest = from_js(request, Arg::value("request"))?;
    to_js(&driver::Order::for_payment(g, &request)?)
}

/// The checkout of `order` (tagged `{gateway, …}`): `{form}`, or `{request}` when the gateway
/// makes its page by API (Bitpay's invoice): perform it, then `parseCheckoutReply`.
#[wasm_bindgen(
    unchecked_return_type = "{ form: RedirectForm; request?: undefined } | { request: HttpRequest; form?: undefined }"
)]
pub fn checkout(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "{ gateway: GatewayName } & Record<string, unknown>")]
    order: JsValue,
) -> Result<JsValue, Thrown> {
    let order = json_value(&order, Arg::value("order"))?;
    let order = driver::Order::from_json(&order)?;
    /// `{form}` or `{request}` as a plain object (a struct, not a map).
    #[derive(Serialize)]
    struct CheckoutJs {
        #[serde(skip_serializing_if = "Option::is_none")]
        form: Option<vpos_core::RedirectForm>,
        #[serde(skip_serializing_if = "Option::is_none")]
        request: Option<vpos_core::HttpRequest>,
    }
    to_js(&match driver::checkout(&config.inner, &order)? {
        driver::Checkout::Form(form) => CheckoutJs {
            form: Some(form),
            request: None,
        },
        driver::Checkout::NeedsReply(request) => CheckoutJs {
            form: None,
            request: Some(request),
        },
    })
}

/// Reads the reply to `checkout`'s request: `{form, reference}` (Bitpay's invoice id, to store).
#[wasm_bindgen(js_name = parseCheckoutReply, unchecked_return_type = "{ form: RedirectForm; reference: string }")]
pub fn parse_checkout_reply(
    config: &DriverConfig,
    #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
) -> Result<JsValue, Thrown> {
    let reply: Reply = from_js(reply, Arg::value("reply"))?;
    to_js(&driver::parse_checkout_reply(&config.inner, &reply)?)
}

/// A fresh order id where the gateway shapes it (Redsys; `random`: at least 12 random bytes),
/// else `null`.
#[wasm_bindgen(js_name = newOrderId, unchecked_return_type = "string | null")]
pub fn new_order_id(
    #[wasm_bindgen(unchecked_param_type = "GatewayName | Config")] gateway: JsValue,
    prefix: &str,
    random: &[u8],
) -> Result<JsValue, Thrown> {
    Ok(driver::new_order_id(gateway_of(&gateway)?, prefix, random)?
        .map_or(JsValue::NULL, |id| JsValue::from_str(&id)))
}

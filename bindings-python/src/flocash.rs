//! `hostedpay.flocash`: the FloCash verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use vpos_core::Amount;
use vpos_core::gateways::flocash::{self, Order, PollConfig, PublicConfig, Timestamp};

use crate::convert::{Kind, from_py, ser};
use crate::error::IntoPy;
use crate::http::{RedirectForm, reply_from_py};
use crate::state::Event;

crate::gateway::gateway_classes! {
    module = "hostedpay.flocash", name = "flocash", core = flocash, answer_to = " to FloCash";

    /// One FloCash merchant account. Building it validates the configuration (every bad key is
    /// named: `ConfigError` with `.field`). The notification token never appears in `repr`.
    pub struct Gateway;
    new:
        /// `validate=False` only deserializes, as the core's `serde` does; `validate()` can run
        /// the checks later. Every verb that needs a valid configuration checks it anyway.
    ;
    parse_notification:
        /// Parses a notification from the request's `Content-Type` and raw body. Nothing is
        /// trusted yet: post it back (`postback_request` / `verify_postback`) first.
    ;
    merchant = merchant:
        /// The merchant account (`merchant`), as notifications must name it.
    ;
    checkout:
        /// The redirect form for `order` (the core's `Order` shape; amounts as
        /// `{"value": Decimal | str, "currency": str}` or `{"minor": int, "currency": str}`).
    ;
    impl Gateway {
        /// Where the notification is posted back: `<scheme>://<host>/validateNotify.do`.
        #[getter]
        fn postback_url(&self, py: Python<'_>) -> PyResult<String> {
            self.config.postback_url().py(py)
        }

        /// The browser-safe part of the configuration (no token), for `checkout_public`.
        fn public_config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            ser(py, &self.config.public())
        }

        /// Compares the token from the notification URL in constant time; raises
        /// `VerificationError` (`token_mismatch`).
        fn check_token(&self, py: Python<'_>, token: &str) -> PyResult<()> {
            self.config.check_token(token).py(py)
        }

        /// The post-back to perform: `{"method", "url", "headers": [[n, v]], "body": str}`.
        fn postback_request<'py>(
            &self,
            py: Python<'py>,
            notification: &Unverified,
        ) -> PyResult<Bound<'py, PyAny>> {
            ser(
                py,
                &flocash::postback_request(&self.config, &notification.0),
            )
        }

        /// Interprets the post-back reply (`{"status": int, "body": bytes|str}` or
        /// `{"error": str}` when the host got no answer). Raises `VerificationError`
        /// (`postback_invalid`, `postback_failed`).
        fn verify_postback(
            &self,
            py: Python<'_>,
            notification: &Unverified,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Verified> {
            let reply = reply_from_py(reply)?;
            let verified =
                flocash::verify_postback(&self.config, notification.0.clone(), &reply).py(py)?;
            Ok(Verified(verified))
        }

        /// FloCash has no refund API: always raises `UnsupportedError`.
        fn refund_request(
            &self,
            py: Python<'_>,
            order_id: &str,
            amount: &Bound<'_, PyAny>,
        ) -> PyResult<()> {
            let amount: Amount = from_py(amount, Kind::Value("amount"))?;
            flocash::refund_request(&self.config, order_id, amount).py(py)?;
            Ok(())
        }

        /// Merchant Polling: the SOAP `pollPayInbyRef` request for `trace_number`, as
        /// `{"method", "url", "headers", "body"}` (the body holds the API password: send it, never
        /// log it). `poll_config` is the core's `PollConfig` (`api_username`, `api_password`,
        /// `namespace` from FloCash's WSDL, `success_codes`, optional `endpoint`, `merchant_code`,
        /// `element_form`); a bad one raises `ConfigError`.
        fn poll_by_reference_request<'py>(
            &self,
            py: Python<'py>,
            poll_config: &Bound<'_, PyAny>,
            trace_number: &str,
        ) -> PyResult<Bound<'py, PyAny>> {
            let config: PollConfig = from_py(poll_config, Kind::Config)?;
            ser(
                py,
                &flocash::poll_by_reference_request(&config, trace_number).py(py)?,
            )
        }

        /// Merchant Polling: the SOAP `pollPayInbyTime` request for the window `from_time` ..
        /// `to_time` (`datetime` or `xsd:dateTime` text; an aware datetime keeps its offset).
        fn poll_by_time_request<'py>(
            &self,
            py: Python<'py>,
            poll_config: &Bound<'_, PyAny>,
            from_time: &Bound<'_, PyAny>,
            to_time: &Bound<'_, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let config: PollConfig = from_py(poll_config, Kind::Config)?;
            let from = timestamp(py, from_time, "fromTime")?;
            let to = timestamp(py, to_time, "toTime")?;
            ser(
                py,
                &flocash::poll_by_time_request(&config, &from, &to).py(py)?,
            )
        }

        /// Reads a polling reply (`{"status": int, "body": bytes|str}` or `{"error": str}`):
        /// `{"status_code", "status_msg", "payments": [dict], "events": [Event]}`, one event per
        /// payment for `hostedpay.transition`. Raises `GatewayError` (`gateway_error` for a SOAP fault
        /// or an error header, `gateway_unavailable` for no answer) or `ParseError`/`AmountError`.
        fn parse_poll_response<'py>(
            &self,
            py: Python<'py>,
            poll_config: &Bound<'_, PyAny>,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Bound<'py, PyDict>> {
            let config: PollConfig = from_py(poll_config, Kind::Config)?;
            let reply = reply_from_py(reply)?;
            let polled = flocash::parse_poll_response(&config, &reply).py(py)?;
            let out = PyDict::new(py);
            out.set_item("status_code", &polled.status_code)?;
            out.set_item("status_msg", &polled.status_msg)?;
            out.set_item("payments", ser(py, &polled.payments)?)?;
            let events: Vec<Event> = polled.events().into_iter().map(Event).collect();
            out.set_item("events", events)?;
            Ok(out)
        }
    }

    /// A parsed notification whose authenticity is not proven. Python cannot build one.
    pub struct Unverified;
    untrusted:
        /// The parsed fields (the core's Notification shape), to be read with suspicion: enough
        /// to find and lock the payment, never to change it.
    ;
    impl Unverified {
        /// `order_id`, untrusted.
        #[getter]
        fn order_id(&self) -> &str {
            &self.0.untrusted().order_id
        }
        /// `merchant`, untrusted.
        #[getter]
        fn merchant(&self) -> &str {
            &self.0.untrusted().merchant
        }
        /// `trans_id`, untrusted.
        #[getter]
        fn trans_id(&self) -> &str {
            &self.0.untrusted().trans_id
        }
        /// `status` normalised to four digits, untrusted.
        #[getter]
        fn status_code(&self) -> &str {
            &self.0.untrusted().status_code
        }
        /// Every field as received, in order.
        #[getter]
        fn received_fields(&self) -> Vec<(String, String)> {
            self.0.untrusted().received_fields().to_vec()
        }
        fn __repr__(&self) -> String {
            let n = self.0.untrusted();
            format!(
                "<hostedpay.flocash.Unverified order_id={:?} trans_id={:?} status={}>",
                n.order_id, n.trans_id, n.status_code
            )
        }
    }

    /// A notification FloCash confirmed it sent. Only `Gateway.verify_postback` makes one.
    pub struct Verified;
    notification:
        /// The notification's fields (the core's Notification shape).
    ;
    event:
        /// The gateway-neutral event for `hostedpay.transition`.
    ;
    impl Verified {
        /// `order_id`.
        #[getter]
        fn order_id(&self) -> &str {
            &self.0.order_id
        }
        /// `merchant`.
        #[getter]
        fn merchant(&self) -> &str {
            &self.0.merchant
        }
        fn __repr__(&self) -> String {
            format!(
                "<hostedpay.flocash.Verified order_id={:?} trans_id={:?} status={}>",
                self.0.order_id, self.0.trans_id, self.0.status_code
            )
        }
    }

    /// The exact HTTP answer when a notification could not be taken in (a `VposError`): never
    /// `00`, so FloCash delivers again.
    pub fn reject;
    /// The exact HTTP answer for an outcome: `{"status", "headers": [[n, v]], "body"}`.
    /// `200 00` only when FloCash should stop delivering.
    pub fn acknowledge;
}

/// A `datetime` (through `isoformat()`) or `xsd:dateTime` text as the core's timestamp.
fn timestamp(py: Python<'_>, value: &Bound<'_, PyAny>, field: &'static str) -> PyResult<Timestamp> {
    let text: String = match value.extract::<String>() {
        Ok(s) => s,
        Err(_) => value.call_method0("isoformat")?.extract()?,
    };
    Timestamp::parse(&text, field).py(py)
}

/// The redirect form from the browser-safe configuration alone (no token needed).
#[pyfunction]
pub fn checkout_public(
    py: Python<'_>,
    public_config: &Bound<'_, PyAny>,
    order: &Bound<'_, PyAny>,
) -> PyResult<RedirectForm> {
    let config: PublicConfig = from_py(public_config, Kind::Config)?;
    let order: Order = from_py(order, Kind::Value("order"))?;
    Ok(RedirectForm(
        flocash::checkout_public(&config, &order).py(py)?,
    ))
}

/// Normalises a wire status (`"4"` → `"0004"`); raises `ParseError` (`field_invalid`).
#[pyfunction]
pub fn normalize_status(py: Python<'_>, code: &str) -> PyResult<String> {
    flocash::normalize_status(code).py(py)
}

/// Maps a normalised code into the unified model: `"succeeded"`, `"pending"`, … `"unknown"`.
#[pyfunction]
pub fn map_status(code: &str) -> &'static str {
    flocash::map_status(code).as_str()
}

/// FloCash's label for a code, if its table has one.
#[pyfunction]
pub fn status_label(code: &str) -> Option<&'static str> {
    flocash::status_label(code)
}

/// `(code, status, label)` for every code FloCash documents.
pub fn status_codes() -> Vec<(&'static str, &'static str, &'static str)> {
    flocash::STATUS_CODES
        .iter()
        .map(|(c, r, l)| (*c, r.as_str(), *l))
        .collect()
}

/// The documented notification fields and their maximum lengths.
pub fn fields() -> Vec<(&'static str, usize)> {
    flocash::FIELDS.to_vec()
}

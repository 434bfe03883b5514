//! `hostedpay.elavon`: the Santander Elavon (Realex HPP) verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use vpos_core::gateways::elavon::{self, RemoteOperation};

use crate::convert::{Kind, from_py, ser};
use crate::error::IntoPy;
use crate::http::reply_from_py;
use crate::state::Event;

crate::gateway::gateway_classes! {
    module = "hostedpay.elavon", name = "elavon", core = elavon, answer_to = "";

    /// One Santander Elavon merchant account. Building it validates the configuration
    /// (`ConfigError` with `.field`). The shared secret and rebate password never appear in `repr`.
    pub struct Gateway;
    new: ;
    parse_notification:
        /// Parses the HPP response POST. Nothing is trusted yet: `verify` it first.
    ;
    merchant = merchant_id:
        /// `MERCHANT_ID`, as responses must name it.
    ;
    checkout:
        /// The HPP redirect form for `order` (`order_id`, `amount`, `timestamp` `YYYYMMDDHHMMSS`
        /// from the host's clock).
    ;
    verify:
        /// Checks `SHA1HASH` with the shared secret and the merchant; raises `VerificationError`
        /// (`signature_mismatch`) or `ConsistencyError` (`merchant_mismatch`).
    ;
    impl Gateway {
        /// The Remote API request for a settle, void or rebate (the core's `RemoteOperation`).
        fn remote_request<'py>(
            &self,
            py: Python<'py>,
            operation: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let op: RemoteOperation = from_py(operation, Kind::Value("operation"))?;
            ser(py, &elavon::remote_request(&self.config, &op).py(py)?)
        }

        /// Reads and verifies the Remote API reply: the event the operation means.
        fn parse_remote_response(
            &self,
            py: Python<'_>,
            operation: &Bound<'_, PyAny>,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Event> {
            let op: RemoteOperation = from_py(operation, Kind::Value("operation"))?;
            let reply = reply_from_py(reply)?;
            let event = elavon::parse_remote_response(&self.config, &op, &reply).py(py)?;
            Ok(Event((*event).clone()))
        }
    }

    /// A parsed HPP response whose hash is not checked. Python cannot build one.
    pub struct Unverified;
    untrusted:
        /// The parsed fields (the core's Notification shape), untrusted.
    ;
    impl Unverified {
        /// `ORDER_ID`, untrusted.
        #[getter]
        fn order_id(&self) -> &str {
            &self.0.untrusted().order_id
        }
        /// `PASREF`, untrusted.
        #[getter]
        fn pasref(&self) -> &str {
            &self.0.untrusted().pasref
        }
        /// `RESULT`, untrusted.
        #[getter]
        fn result(&self) -> &str {
            &self.0.untrusted().result
        }
        fn __repr__(&self) -> String {
            let n = self.0.untrusted();
            format!(
                "<hostedpay.elavon.Unverified order_id={:?} pasref={:?} result={}>",
                n.order_id, n.pasref, n.result
            )
        }
    }

    /// A response whose `SHA1HASH` matched. Only `Gateway.verify` makes one.
    pub struct Verified;
    notification:
        /// The notification's fields (the core's Notification shape).
    ;
    event:
        /// The gateway-neutral event for `hostedpay.transition`.
    ;
    impl Verified {
        /// `ORDER_ID`.
        #[getter]
        fn order_id(&self) -> &str {
            &self.0.order_id
        }
        fn __repr__(&self) -> String {
            format!(
                "<hostedpay.elavon.Verified order_id={:?} pasref={:?} result={}>",
                self.0.order_id, self.0.pasref, self.0.result
            )
        }
    }

    /// The exact HTTP answer for a `VposError`.
    pub fn reject;
    /// The exact HTTP answer for an outcome: `200 OK` once settled.
    pub fn acknowledge;
}

/// `sha1_hex(sha1_hex(fields.join(".")) + "." + secret)`, lower-case.
#[pyfunction]
pub fn hash(fields: Vec<String>, secret: &str) -> String {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    elavon::hash(&fields, secret)
}

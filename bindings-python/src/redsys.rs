//! `hostedpay.redsys`: the Redsys verbs on a `Gateway(config)`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use vpos_core::gateways::redsys::{self, Operation, emv3ds, paygold};

use crate::convert::{Kind, from_py, ser};
use crate::error::IntoPy;
use crate::http::reply_from_py;
use crate::state::Outcome;

crate::gateway::gateway_classes! {
    module = "hostedpay.redsys", name = "redsys", core = redsys, answer_to = " to Redsys";

    /// One Redsys terminal. Building it validates the configuration (every bad key is named:
    /// `ConfigError` with `.field`). The secret key never appears in `repr` or messages.
    pub struct Gateway;
    new:
        /// `validate=False` only deserializes, as the core's `serde` does; every verb that needs a
        /// valid configuration checks it anyway.
    ;
    parse_notification:
        /// Parses an HTTP-POST or SOAP notification from the `Content-Type` and raw body. Nothing
        /// is trusted yet: `verify` it.
    ;
    merchant = merchant_code:
        /// The same as `merchant_code`: the merchant as events and payments name it.
    ;
    checkout:
        /// The signed redirect form for `order` (the core's redsys `Order` shape: `order`,
        /// `amount`, optional `transaction_type`, `product_description` …).
    ;
    verify:
        /// Verifies the signature with the merchant key; raises `VerificationError`
        /// (`signature_mismatch`, `unsupported_signature_version`).
    ;
    impl Gateway {
        /// `merchant_code` (FUC), as notifications name it.
        #[getter]
        fn merchant_code(&self) -> &str {
            &self.config.merchant_code
        }

        /// `terminal`.
        #[getter]
        fn terminal(&self) -> &str {
            &self.config.terminal
        }

        /// `"HMAC_SHA256_V1"`, `"HMAC_SHA512_V1"` or `"HMAC_SHA512_V2"`.
        #[getter]
        fn signature_version(&self) -> &'static str {
            self.config.signature_version.as_str()
        }

        /// The answer to Redsys for a verified notification and its outcome: HTTP `200` empty
        /// when settled; SOAP: the signed `OK`/`KO` envelope.
        fn acknowledge<'py>(
            &self,
            py: Python<'py>,
            notification: &Verified,
            outcome: &Outcome,
        ) -> PyResult<Bound<'py, PyAny>> {
            let answer = redsys::acknowledge(&self.config, &notification.0, &outcome.0).py(py)?;
            ser(py, &answer)
        }

        /// The signed SOAP answer (`OK` when `accept`, else `KO`) for `order`.
        fn soap_answer<'py>(
            &self,
            py: Python<'py>,
            order: &str,
            accept: bool,
        ) -> PyResult<Bound<'py, PyAny>> {
            ser(
                py,
                &redsys::soap_answer(&self.config, order, accept).py(py)?,
            )
        }

        /// The REST request (`trataPeticionREST`) for `operation` (`{"kind": "refund" | "confirm"
        /// | "cancel", "order", "amount"}`): `{"method", "url", "headers", "body"}`.
        fn operation_request<'py>(
            &self,
            py: Python<'py>,
            operation: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let operation: Operation = from_py(operation, Kind::Value("operation"))?;
            ser(
                py,
                &redsys::operation_request(&self.config, &operation).py(py)?,
            )
        }

        /// Reads the REST reply (`{"status": int, "body": bytes|str}` or `{"error": str}`) and
        /// verifies its signature. Raises `GatewayError` (`gateway_error`, `gateway_unavailable`)
        /// or `VerificationError`.
        fn parse_operation_response(
            &self,
            py: Python<'_>,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Verified> {
            let reply = reply_from_py(reply)?;
            Ok(Verified(
                redsys::parse_operation_response(&self.config, &reply).py(py)?,
            ))
        }

        /// Host-to-host EMV3DS, step 1: the `iniciaPeticionREST` request for `payment`
        /// (`{"order", "amount", "preauthorisation"?, "card": {"id_oper"} | {"pan",
        /// "expiry_date", "cvv2"}}`). The body carries the card: never log it.
        fn emv3ds_inicia_request<'py>(
            &self,
            py: Python<'py>,
            payment: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let payment: emv3ds::Payment = from_py(payment, Kind::Value("payment"))?;
            ser(py, &emv3ds::inicia_peticion_request(&self.config, &payment).py(py)?)
        }

        /// Reads the `iniciaPeticionREST` reply: the card configuration
        /// (`protocol_version`, `three_ds_server_trans_id`, `three_ds_method_url` …).
        fn emv3ds_parse_inicia_response<'py>(
            &self,
            py: Python<'py>,
            payment: &Bound<'py, PyAny>,
            reply: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let payment: emv3ds::Payment = from_py(payment, Kind::Value("payment"))?;
            let reply = reply_from_py(reply)?;
            ser(
                py,
                &emv3ds::parse_inicia_peticion_response(&self.config, &payment, &reply).py(py)?,
            )
        }

        /// The 3DS Method form (`threeDSMethodData`) for a card configuration, or `None` when
        /// the card has no 3DS Method URL.
        fn emv3ds_method_form<'py>(
            &self,
            py: Python<'py>,
            card: &Bound<'py, PyAny>,
            notification_url: &str,
        ) -> PyResult<Bound<'py, PyAny>> {
            let card: emv3ds::CardConfiguration = from_py(card, Kind::Value("card"))?;
            ser(py, &emv3ds::three_ds_method_form(&card, notification_url).py(py)?)
        }

        /// The `threeDSServerTransID` the ACS's `threeDSMethodData` post-back names.
        fn emv3ds_method_data(&self, py: Python<'_>, data: &str) -> PyResult<String> {
            emv3ds::parse_three_ds_method_data(data).py(py)
        }

        /// Step 3: the `trataPeticionREST` request with `AuthenticationData`.
        fn emv3ds_trata_request<'py>(
            &self,
            py: Python<'py>,
            payment: &Bound<'py, PyAny>,
            authentication: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let payment: emv3ds::Payment = from_py(payment, Kind::Value("payment"))?;
            let authentication: emv3ds::Authentication =
                from_py(authentication, Kind::Value("authentication"))?;
            ser(
                py,
                &emv3ds::trata_peticion_request(&self.config, &payment, &authentication).py(py)?,
            )
        }

        /// Reads the `AuthenticationData` reply: `{"kind": "final", "notification": Verified}`
        /// or `{"kind": "challenge", "challenge": {...}, "form": {...}}`.
        fn emv3ds_parse_trata_response<'py>(
            &self,
            py: Python<'py>,
            payment: &Bound<'py, PyAny>,
            reply: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let payment: emv3ds::Payment = from_py(payment, Kind::Value("payment"))?;
            let reply = reply_from_py(reply)?;
            let out = pyo3::types::PyDict::new(py);
            match emv3ds::parse_trata_peticion_response(&self.config, &payment, &reply).py(py)? {
                emv3ds::Step::Final(verified) => {
                    out.set_item("kind", "final")?;
                    out.set_item("notification", Verified(*verified))?;
                }
                emv3ds::Step::Challenge(challenge) => {
                    out.set_item("kind", "challenge")?;
                    out.set_item("challenge", ser(py, &challenge)?)?;
                    out.set_item("form", ser(py, &challenge.form())?)?;
                }
            }
            Ok(out.into_any())
        }

        /// Step 5: the `trataPeticionREST` request with `ChallengeResponse`
        /// (`{"protocol_version", "cres"}`).
        fn emv3ds_challenge_request<'py>(
            &self,
            py: Python<'py>,
            payment: &Bound<'py, PyAny>,
            challenge: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let payment: emv3ds::Payment = from_py(payment, Kind::Value("payment"))?;
            let challenge: emv3ds::ChallengeResult = from_py(challenge, Kind::Value("challenge"))?;
            ser(
                py,
                &emv3ds::challenge_response_request(&self.config, &payment, &challenge).py(py)?,
            )
        }

        /// Reads the `ChallengeResponse` reply: always final.
        fn emv3ds_parse_challenge_response(
            &self,
            py: Python<'_>,
            payment: &Bound<'_, PyAny>,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Verified> {
            let payment: emv3ds::Payment = from_py(payment, Kind::Value("payment"))?;
            let reply = reply_from_py(reply)?;
            Ok(Verified(
                emv3ds::parse_challenge_response(&self.config, &payment, &reply).py(py)?,
            ))
        }

        /// Pay-by-link (Paygold, docs/3ds.md): the `trataPeticionREST` request (type `F`) for
        /// `link` (`{"order", "amount", "customer_mobile"?, "customer_email"?,
        /// "expiry_minutes"?, "sms_text"? (with `@URL@`), "xml_data"?, "merchant_url"?,
        /// "description"?}`).
        fn paygold_request<'py>(
            &self,
            py: Python<'py>,
            link: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let link: paygold::LinkRequest = from_py(link, Kind::Value("link"))?;
            ser(py, &paygold::request(&self.config, &link).py(py)?)
        }

        /// Reads the Paygold reply: the verified link `{"url", "order", "amount"}`. The
        /// payment stays `new` until Redsys notifies it.
        fn paygold_parse_reply<'py>(
            &self,
            py: Python<'py>,
            link: &Bound<'py, PyAny>,
            reply: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let link: paygold::LinkRequest = from_py(link, Kind::Value("link"))?;
            let reply = reply_from_py(reply)?;
            ser(py, &paygold::parse_reply(&self.config, &link, &reply).py(py)?)
        }

        /// `Ds_Signature` of `message` for `order`, as the configured version encodes it (for
        /// test vectors and hand-built requests). `message` is the signed text exactly as
        /// sent: the `Ds_MerchantParameters` value (base64 of the parameters JSON; base64url
        /// without padding for `HMAC_SHA512_V2`), not the JSON, nor the form. The key is the
        /// order key: `order` (`Ds_Order`, or `DS_MERCHANT_ORDER` in a request) encrypted with
        /// the configured `secret_key` (3DES for `HMAC_SHA256_V1`, AES-128 for the SHA-512
        /// versions); the HMAC is SHA-256 or SHA-512, encoded base64 (`HMAC_SHA256_V1`),
        /// base64url with padding (`HMAC_SHA512_V1`) or without (`HMAC_SHA512_V2`). To build a
        /// whole notification for a test, use `hostedpay.testing.notification`.
        fn sign(&self, py: Python<'_>, order: &str, message: &Bound<'_, PyAny>) -> PyResult<String> {
            let message = bytes_or_str(message, "message")?;
            redsys::sign(&self.config, order, &message).py(py)
        }

        /// The order key (3DES or AES by version), standard base64: what public vectors check.
        fn order_key(&self, py: Python<'_>, order: &str) -> PyResult<String> {
            redsys::order_key(&self.config, order).py(py)
        }
    }

    /// A parsed notification whose signature is not checked. Python cannot build one.
    pub struct Unverified;
    untrusted:
        /// The parsed fields (the core's Notification shape), untrusted: enough to find the
        /// payment, never to change it.
    ;
    impl Unverified {
        /// `Ds_Order`, untrusted.
        #[getter]
        fn order(&self) -> &str {
            &self.0.untrusted().order
        }
        /// `Ds_MerchantCode`, untrusted.
        #[getter]
        fn merchant_code(&self) -> &str {
            &self.0.untrusted().merchant_code
        }
        /// `Ds_Response` (four digits), untrusted.
        #[getter]
        fn response(&self) -> &str {
            &self.0.untrusted().response
        }
        /// `"http"` or `"soap"`.
        #[getter]
        fn format(&self) -> &'static str {
            format_str(self.0.untrusted().format)
        }
        fn __repr__(&self) -> String {
            let n = self.0.untrusted();
            format!(
                "<hostedpay.redsys.Unverified order={:?} response={} format={}>",
                n.order,
                n.response,
                format_str(n.format)
            )
        }
    }

    /// A notification (or REST reply) whose signature was verified with the merchant key. Only
    /// `Gateway.verify` and `Gateway.parse_operation_response` make one.
    pub struct Verified;
    notification:
        /// The notification's fields (the core's Notification shape).
    ;
    event:
        /// The gateway-neutral event for `hostedpay.transition`.
    ;
    impl Verified {
        /// Every decoded parameter as a dict (keys as sent).
        fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            let map: serde_json::Map<String, serde_json::Value> = self
                .0
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            ser(py, &map)
        }
        /// `Ds_Order`.
        #[getter]
        fn order(&self) -> &str {
            &self.0.order
        }
        /// `Ds_MerchantCode`.
        #[getter]
        fn merchant_code(&self) -> &str {
            &self.0.merchant_code
        }
        /// `Ds_Response` (four digits).
        #[getter]
        fn response(&self) -> &str {
            &self.0.response
        }
        /// `"http"`, `"soap"` or `"rest"`.
        #[getter]
        fn format(&self) -> &'static str {
            format_str(self.0.format)
        }
        fn __repr__(&self) -> String {
            format!(
                "<hostedpay.redsys.Verified order={:?} response={} format={}>",
                self.0.order,
                self.0.response,
                format_str(self.0.format)
            )
        }
    }

    /// The answer when a notification could not be taken in (a `VposError`): `403` for a bad
    /// signature, `503` for `invalid_config` / `payment_not_found`, `422` otherwise.
    pub fn reject;
}

fn bytes_or_str(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        Ok(b.as_bytes().to_vec())
    } else if let Ok(s) = obj.cast::<PyString>() {
        Ok(s.to_cow()?.as_bytes().to_vec())
    } else {
        Err(PyTypeError::new_err(format!("{what} must be bytes or str")))
    }
}

fn format_str(f: redsys::Format) -> &'static str {
    match f {
        redsys::Format::Http => "http",
        redsys::Format::Soap => "soap",
        redsys::Format::Rest => "rest",
    }
}

/// A fresh `DS_MERCHANT_ORDER` from `prefix` (up to 4 digits) and at least 12 random bytes
/// the host draws (`os.urandom(12)`).
#[pyfunction]
pub fn order_number(py: Python<'_>, prefix: &str, random_bytes: &[u8]) -> PyResult<String> {
    redsys::order_number(prefix, random_bytes).py(py)
}

/// Checks a `DS_MERCHANT_ORDER`; raises `ParseError` naming the rule.
#[pyfunction]
pub fn check_order_number(py: Python<'_>, order: &str) -> PyResult<()> {
    redsys::check_order_number(order).py(py)
}

/// `Ds_Response` normalised to four digits, or `None` if it is not a response code.
#[pyfunction]
pub fn normalize_response(raw: &str) -> Option<String> {
    redsys::normalize_response(raw)
}

/// `(action, status)` for a transaction type and a normalised response code.
#[pyfunction]
pub fn map_status(transaction_type: &str, response: &str) -> (&'static str, &'static str) {
    let (action, status) = redsys::map_status(transaction_type, response);
    (action.as_str(), status.as_str())
}

/// Redsys's message for a response code, if its table has one.
#[pyfunction]
pub fn response_message(code: &str) -> Option<&'static str> {
    redsys::response_message(code)
}

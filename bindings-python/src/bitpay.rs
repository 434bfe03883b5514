//! `hostedpay.bitpay`: the Bitpay invoice verbs on a `Gateway(config)`.

use pyo3::prelude::*;
use vpos_core::gateways::bitpay::{self, Invoice as CoreInvoice, InvoiceRequest};

use crate::convert::{Kind, from_py, ser};
use crate::error::IntoPy;
use crate::http::{RedirectForm, reply_from_py};

crate::gateway::gateway_classes! {
    module = "hostedpay.bitpay", name = "bitpay", core = bitpay, answer_to = "";

    /// One Bitpay merchant. Building it validates the configuration (`ConfigError` with
    /// `.field`). The API key never appears in `repr`.
    pub struct Gateway;
    new: ;
    parse_notification:
        /// Parses a notification (JSON). Unsigned: only the invoice fetch can prove it.
    ;
    impl Gateway {
        /// `""`: Bitpay events name no merchant.
        #[getter]
        fn merchant(&self) -> &'static str {
            ""
        }

        /// The invoice creation request for `request` (the core's `InvoiceRequest` shape).
        fn invoice_request<'py>(
            &self,
            py: Python<'py>,
            request: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let request: InvoiceRequest = from_py(request, Kind::Value("request"))?;
            ser(py, &bitpay::invoice_request(&self.config, &request).py(py)?)
        }

        /// Reads Bitpay's reply to the creation request; raises `GatewayError`
        /// (`gateway_unavailable`) or `ParseError`.
        fn parse_invoice_response(
            &self,
            py: Python<'_>,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Invoice> {
            let reply = reply_from_py(reply)?;
            Ok(Invoice(bitpay::parse_invoice_response(&reply).py(py)?))
        }

        /// The buyer redirect for an invoice (`GET <invoice_url>?id=<id>`).
        fn checkout_form(&self, invoice: &Invoice) -> RedirectForm {
            RedirectForm(bitpay::checkout_form(&self.config, &invoice.0))
        }

        /// The fetch of the notified invoice: `{"method": "GET", "url", "headers", "body"}`.
        fn invoice_status_request<'py>(
            &self,
            py: Python<'py>,
            notification: &Unverified,
        ) -> PyResult<Bound<'py, PyAny>> {
            ser(
                py,
                &bitpay::invoice_status_request(&self.config, &notification.0),
            )
        }

        /// Verifies the notification with the fetched invoice (`{"status", "body"}` or
        /// `{"error"}`): status, price and order come from Bitpay's answer.
        fn verify_invoice(
            &self,
            py: Python<'_>,
            notification: &Unverified,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Verified> {
            let reply = reply_from_py(reply)?;
            Ok(Verified(
                bitpay::verify_invoice(notification.0.clone(), &reply).py(py)?,
            ))
        }
    }

    /// A parsed notification, not yet confirmed by a fetch. Python cannot build one.
    pub struct Unverified;
    untrusted:
        /// The parsed notification (the core's Notification shape), untrusted.
    ;
    impl Unverified {
        /// The claimed invoice `id`, untrusted.
        #[getter]
        fn invoice_id(&self) -> &str {
            &self.0.untrusted().claimed.id
        }
        /// The claimed `orderId`, untrusted; `""` when absent.
        #[getter]
        fn order_id(&self) -> &str {
            self.0.untrusted().claimed.order_id.as_deref().unwrap_or("")
        }
        /// The claimed `status`, untrusted.
        #[getter]
        fn status(&self) -> &str {
            &self.0.untrusted().claimed.status
        }
        fn __repr__(&self) -> String {
            let n = &self.0.untrusted().claimed;
            format!(
                "<hostedpay.bitpay.Unverified invoice_id={:?} status={}>",
                n.id, n.status
            )
        }
    }

    /// A notification confirmed by Bitpay's own answer. Only `Gateway.verify_invoice` makes one.
    pub struct Verified;
    notification:
        /// The notification with the fetched invoice (the core's Notification shape).
    ;
    event:
        /// The gateway-neutral event for `hostedpay.transition`, from the fetched invoice.
    ;
    impl Verified {
        fn __repr__(&self) -> String {
            format!("<hostedpay.bitpay.Verified invoice_id={:?}>", self.0.claimed.id)
        }
    }

    /// The exact HTTP answer for a `VposError`.
    pub fn reject;
    /// The exact HTTP answer for an outcome: `200 OK` once settled.
    pub fn acknowledge;
}

/// An invoice as Bitpay described it. Only `Gateway.parse_invoice_response` makes one.
#[pyclass(module = "hostedpay.bitpay", name = "Invoice", frozen)]
pub struct Invoice(CoreInvoice);

#[pymethods]
impl Invoice {
    /// The core's Invoice shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }
    /// `id`.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// `status`.
    #[getter]
    fn status(&self) -> &str {
        &self.0.status
    }
    /// `url`: the buyer page.
    #[getter]
    fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.bitpay.Invoice id={:?} status={}>",
            self.0.id, self.0.status
        )
    }
}

/// Maps an invoice status: `"pending"`, `"succeeded"`, … `"unknown"`.
#[pyfunction]
pub fn map_status(status: &str) -> &'static str {
    bitpay::map_status(status).as_str()
}

fn merchant_key(py: Python<'_>, private_key: &str) -> PyResult<bitpay::MerchantKey> {
    bitpay::MerchantKey::from_secret(&vpos_core::Secret::new(private_key)).py(py)
}

/// The merchant-facade key's `{"identity": X-Identity, "sin": SIN}` (the key: 64 hex digits
/// or a PEM; a bad one raises `ConfigError` on `private_key`, never quoting it).
#[pyfunction]
pub fn merchant_key_info<'py>(py: Python<'py>, private_key: &str) -> PyResult<Bound<'py, PyAny>> {
    let key = merchant_key(py, private_key)?;
    ser(
        py,
        &serde_json::json!({"identity": key.identity(), "sin": key.sin()}),
    )
}

/// The `X-Signature` of `message` (full URL + body) with the merchant-facade key.
#[pyfunction]
pub fn sign(py: Python<'_>, private_key: &str, message: &str) -> PyResult<String> {
    Ok(merchant_key(py, private_key)?.sign(message))
}

/// Checks an `X-Signature` of `message` by the key `identity` (`X-Identity`); raises
/// `VerificationError` (`signature_mismatch`) when it is not.
#[pyfunction]
pub fn verify_signature(
    py: Python<'_>,
    identity: &str,
    message: &str,
    signature: &str,
) -> PyResult<()> {
    bitpay::verify_signature(identity, message, signature).py(py)
}

/// The pairing call `POST <api_url>/tokens` for the key's SIN, with the dashboard's
/// `pairing_code` or (without one) asking for a code to approve.
#[pyfunction]
#[pyo3(signature = (api_url, private_key, pairing_code=None))]
pub fn pairing_request<'py>(
    py: Python<'py>,
    api_url: &str,
    private_key: &str,
    pairing_code: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let key = merchant_key(py, private_key)?;
    ser(
        py,
        &bitpay::pairing_request(api_url, &key, pairing_code).py(py)?,
    )
}

/// Reads the pairing answer: `{"token", "facade", "pairing_code"}` (store the token as the
/// configuration's secret `merchant_token`).
#[pyfunction]
pub fn parse_pairing_response<'py>(
    py: Python<'py>,
    reply: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let reply = reply_from_py(reply)?;
    ser(py, &bitpay::parse_pairing_response(&reply).py(py)?)
}

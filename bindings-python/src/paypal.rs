//! `hostedpay.paypal`: the PayPal Website Payments Standard (IPN) verbs and the Express Checkout
//! (NVP) calls on a `Gateway(config)`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use vpos_core::Amount;
use vpos_core::gateways::paypal::{self, Config, ExpressOrder, NvpReply};

use crate::convert::{Kind, from_py, ser};
use crate::error::IntoPy;
use crate::http::{RedirectForm, reply_from_py};
use crate::state::Event;

#[derive(serde::Deserialize)]
struct AmountArg {
    amount: Amount,
}

crate::gateway::gateway_classes! {
    module = "hostedpay.paypal", name = "paypal", core = paypal, answer_to = " to PayPal";

    /// One PayPal business account. Building it validates the configuration (`ConfigError` with
    /// `.field`). NVP credentials never appear in `repr`.
    pub struct Gateway;
    new: ;
    parse_notification:
        /// Parses an IPN from the request's `Content-Type` and raw body. Nothing is trusted yet.
    ;
    merchant = business:
        /// The business account (`business`), as IPNs must name it.
    ;
    checkout:
        /// The `_xclick` redirect form for `order` (the core's `Order` shape).
    ;
    repr = repr;
    impl Gateway {
        /// The post-back to perform: `{"method", "url", "headers": [[n, v]], "body": str}`.
        fn postback_request<'py>(
            &self,
            py: Python<'py>,
            notification: &Unverified,
        ) -> PyResult<Bound<'py, PyAny>> {
            ser(py, &paypal::postback_request(&self.config, &notification.0))
        }

        /// Interprets the post-back reply (`{"status": int, "body": bytes|str}` or `{"error": str}`).
        /// Raises `VerificationError` (`postback_invalid`, `postback_failed`) or
        /// `ConsistencyError` (`merchant_mismatch`).
        fn verify_postback(
            &self,
            py: Python<'_>,
            notification: &Unverified,
            reply: &Bound<'_, PyAny>,
        ) -> PyResult<Verified> {
            let reply = reply_from_py(reply)?;
            let verified =
                paypal::verify_postback(&self.config, notification.0.clone(), &reply).py(py)?;
            Ok(Verified(verified))
        }

        /// `SetExpressCheckout` for `order` (the core's `ExpressOrder` shape: `invoice`, `amount`,
        /// `description`, `return_url`, `cancel_url`): `{"method", "url", "headers", "body"}`. The
        /// body carries the NVP credentials: send it, never log it.
        fn set_express_checkout_request<'py>(
            &self,
            py: Python<'py>,
            order: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let order: ExpressOrder = from_py(order, Kind::Value("order"))?;
            ser(
                py,
                &paypal::set_express_checkout_request(&self.config, &order).py(py)?,
            )
        }

        /// Reads an NVP reply (`{"status": int, "body": bytes|str}` or `{"error": str}`). Raises
        /// `GatewayError` (`gateway_error` for `ACK=Failure`, `gateway_unavailable` for no answer
        /// or a non-200 status) or `ParseError`.
        fn parse_nvp_response(&self, py: Python<'_>, reply: &Bound<'_, PyAny>) -> PyResult<NvpReplyPy> {
            let reply = reply_from_py(reply)?;
            Ok(NvpReplyPy(paypal::parse_nvp_response(&reply).py(py)?))
        }

        /// Where to send the buyer after `SetExpressCheckout`: a GET form to `checkout_url` with
        /// `cmd=_express-checkout` and `token`.
        fn express_checkout_redirect(&self, token: &str) -> RedirectForm {
            RedirectForm(paypal::express_checkout_redirect(&self.config, token))
        }

        /// `GetExpressCheckoutDetails` for the `token` the buyer came back with.
        fn get_express_checkout_details_request<'py>(
            &self,
            py: Python<'py>,
            token: &str,
        ) -> PyResult<Bound<'py, PyAny>> {
            ser(
                py,
                &paypal::get_express_checkout_details_request(&self.config, token).py(py)?,
            )
        }

        /// `DoExpressCheckoutPayment`: captures what the buyer approved (`token`, `PayerID`).
        fn do_express_checkout_payment_request<'py>(
            &self,
            py: Python<'py>,
            token: &str,
            payer_id: &str,
            order: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let order: ExpressOrder = from_py(order, Kind::Value("order"))?;
            ser(
                py,
                &paypal::do_express_checkout_payment_request(&self.config, token, payer_id, &order)
                    .py(py)?,
            )
        }

        /// `RefundTransaction`: the whole transaction (`amount=None`) or `amount` of it.
        #[pyo3(signature = (transaction_id, amount = None))]
        fn refund_transaction_request<'py>(
            &self,
            py: Python<'py>,
            transaction_id: &str,
            amount: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let amount: Option<Amount> = match amount {
                Some(a) if !a.is_none() => {
                    // Under a named key, so a bad amount reports the core's own code
                    // (`amount_precision`, `unknown_currency` …) with `field="amount"`.
                    let wrapped = PyDict::new(py);
                    wrapped.set_item("amount", a)?;
                    Some(from_py::<AmountArg>(wrapped.as_any(), Kind::Value("refund"))?.amount)
                }
                _ => None,
            };
            ser(
                py,
                &paypal::refund_transaction_request(&self.config, transaction_id, amount).py(py)?,
            )
        }

        /// The event a `DoExpressCheckoutPayment` reply reports, for `hostedpay.transition`. `invoice`
        /// is the shop's order id.
        fn payment_event(&self, py: Python<'_>, invoice: &str, reply: &NvpReplyPy) -> PyResult<Event> {
            let event = paypal::payment_event(&self.config, invoice, &reply.0).py(py)?;
            Ok(Event((*event).clone()))
        }

        /// The event a `RefundTransaction` reply reports, for `hostedpay.transition`.
        fn refund_event(&self, py: Python<'_>, invoice: &str, reply: &NvpReplyPy) -> PyResult<Event> {
            let event = paypal::refund_event(&self.config, invoice, &reply.0).py(py)?;
            Ok(Event((*event).clone()))
        }
    }

    /// A parsed IPN whose authenticity is not proven. Python cannot build one.
    pub struct Unverified;
    untrusted:
        /// The parsed fields (the core's Notification shape), untrusted.
    ;
    impl Unverified {
        /// `invoice` (else `custom`), untrusted; `""` when absent.
        #[getter]
        fn order_id(&self) -> &str {
            self.0.untrusted().order_id.as_deref().unwrap_or("")
        }
        /// `txn_id`, untrusted.
        #[getter]
        fn txn_id(&self) -> &str {
            &self.0.untrusted().txn_id
        }
        /// `payment_status`, untrusted.
        #[getter]
        fn payment_status(&self) -> &str {
            &self.0.untrusted().payment_status
        }
        fn __repr__(&self) -> String {
            let n = self.0.untrusted();
            format!(
                "<hostedpay.paypal.Unverified order_id={:?} txn_id={:?} status={}>",
                n.order_id, n.txn_id, n.payment_status
            )
        }
    }

    /// An IPN PayPal confirmed it sent. Only `Gateway.verify_postback` makes one.
    pub struct Verified;
    notification:
        /// The notification's fields (the core's Notification shape).
    ;
    event:
        /// The gateway-neutral event for `hostedpay.transition`.
    ;
    impl Verified {
        /// `invoice` (else `custom`); `""` when absent.
        #[getter]
        fn order_id(&self) -> &str {
            self.0.order_id.as_deref().unwrap_or("")
        }
        fn __repr__(&self) -> String {
            format!(
                "<hostedpay.paypal.Verified order_id={:?} txn_id={:?} status={}>",
                self.0.order_id, self.0.txn_id, self.0.payment_status
            )
        }
    }

    /// The exact HTTP answer for a `VposError`: never `200`, so PayPal sends the IPN again.
    pub fn reject;
    /// The exact HTTP answer for an outcome: `200` only once settled.
    pub fn acknowledge;
}

/// A successful NVP reply (`ACK` `Success` or `SuccessWithWarning`). Only
/// `Gateway.parse_nvp_response` makes one: the host got it over TLS from the endpoint it
/// called with its credentials.
#[pyclass(module = "hostedpay.paypal", name = "NvpReply", frozen)]
pub struct NvpReplyPy(NvpReply);

#[pymethods]
impl NvpReplyPy {
    /// `"Success"` or `"SuccessWithWarning"`.
    #[getter]
    fn ack(&self) -> &str {
        &self.0.ack
    }
    /// Every field of the reply as `(name, value)`, in order.
    #[getter]
    fn fields(&self) -> Vec<(String, String)> {
        self.0.fields.clone()
    }
    /// A field by name; `None` when absent or empty.
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)
    }
    /// `TOKEN`; raises `ParseError` (`field_missing`) when absent.
    fn token(&self, py: Python<'_>) -> PyResult<String> {
        self.0.token().map(str::to_string).py(py)
    }
    /// The core's JSON shape: `{"ack", "fields": [[name, value], …]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ser(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "<hostedpay.paypal.NvpReply ack={} ({} fields)>",
            self.0.ack,
            self.0.fields.len()
        )
    }
}

/// Only the public fields: the NVP credentials are replaced by `nvp=***` as a whole.
fn repr(module: &str, config: &Config) -> String {
    let nvp = if config.nvp.is_some() {
        ", nvp=***"
    } else {
        ""
    };
    format!(
        "{module}.Gateway(business={:?}, checkout_url={:?}, ipn_url={:?}{nvp})",
        config.business, config.checkout_url, config.ipn_url
    )
}

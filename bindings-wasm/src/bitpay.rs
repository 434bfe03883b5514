//! `bitpay.*` (edge module only): the Bitpay verbs of `vpos_core::gateways::bitpay`, one call
//! each. The configuration holds the API key: never in a browser.

use serde::Serialize;
use vpos_core::gateways::bitpay::{self, Config, Invoice, InvoiceRequest, Notification};
use vpos_core::{RedirectForm, Reply, Reported, Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, body_bytes, core_error, from_js, public_config, to_js};
use crate::state::{Event, Outcome};

/// One Bitpay merchant. **Edge/server only**: the configuration holds the API key, which no
/// getter returns (it does travel in the `Authorization` header of the requests vpos describes:
/// never log those).
#[wasm_bindgen(js_namespace = bitpay)]
pub struct Gateway {
    config: Config,
}

#[wasm_bindgen(js_namespace = bitpay, js_class = Gateway)]
impl Gateway {
    /// Reads a configuration; unknown keys are refused (`invalid_config`). Reads without
    /// judging, as the core does: call `validate()` at start-up.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "BitpayConfig")] config: JsValue,
    ) -> Result<Gateway, Thrown> {
        Ok(Gateway {
            config: from_js(config, Arg::config("config"))?,
        })
    }

    /// Checks every configuration value; throws `invalid_config` naming the first bad key.
    pub fn validate(&self) -> Result<(), Thrown> {
        self.config.validate()?;
        Ok(())
    }

    /// The configuration without `api_key`.
    #[wasm_bindgen(js_name = publicConfig, unchecked_return_type = "BitpayPublicConfig")]
    pub fn public_config(&self) -> Result<JsValue, Thrown> {
        public_config(&self.config, &["api_key"])
    }

    /// Parses a notification from the request's `Content-Type` and raw body (string,
    /// `Uint8Array` or `ArrayBuffer`: pass the bytes as received). Store the raw body first.
    #[wasm_bindgen(js_name = parseNotification)]
    pub fn parse_notification(
        &self,
        content_type: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
    ) -> Result<UnverifiedNotification, Thrown> {
        let body = body_bytes(&body)?;
        let content_type = content_type.unwrap_or_default();
        Ok(UnverifiedNotification(bitpay::parse_notification(
            &self.config,
            &content_type,
            &body,
        )?))
    }

    /// The answer once `transition` decided.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn acknowledge(&self, outcome: &Outcome) -> Result<JsValue, Thrown> {
        acknowledge(outcome)
    }

    /// The answer for a refused notification (never the "settled" answer).
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn reject(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
    ) -> Result<JsValue, Thrown> {
        reject(error)
    }

    /// The invoice creation request (its `Authorization` header carries the key).
    #[wasm_bindgen(js_name = invoiceRequest, unchecked_return_type = "HttpRequest")]
    pub fn invoice_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BitpayInvoiceRequest")] request: JsValue,
    ) -> Result<JsValue, Thrown> {
        let request: InvoiceRequest = from_js(request, Arg::value("request"))?;
        to_js(&bitpay::invoice_request(&self.config, &request)?)
    }

    /// Reads the creation reply: `{invoice, form}`, `form` sending the buyer to the invoice
    /// page.
    #[wasm_bindgen(js_name = invoiceResponse, unchecked_return_type = "BitpayCreated")]
    pub fn invoice_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<JsValue, Thrown> {
        #[derive(Serialize)]
        struct Created<'a> {
            invoice: &'a Invoice,
            form: RedirectForm,
        }
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let invoice = bitpay::parse_invoice_response(&reply)?;
        to_js(&Created {
            form: bitpay::checkout_form(&self.config, &invoice),
            invoice: &invoice,
        })
    }

    /// The fetch that proves a notification: `GET <api_url>/<id>` with the key.
    #[wasm_bindgen(js_name = invoiceStatusRequest, unchecked_return_type = "HttpRequest")]
    pub fn invoice_status_request(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<JsValue, Thrown> {
        to_js(&bitpay::invoice_status_request(
            &self.config,
            &notification.0,
        ))
    }

    /// Judges the fetched invoice (`{status, body}` or `{error}`): `gateway_unavailable`
    /// without an answer, `signature_mismatch` for another invoice. The unverified handle
    /// stays usable.
    #[wasm_bindgen(js_name = verifyInvoice)]
    pub fn verify_invoice(
        &self,
        notification: &UnverifiedNotification,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedNotification, Thrown> {
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        Ok(VerifiedNotification(bitpay::verify_invoice(
            notification.0.clone(),
            &reply,
        )?))
    }
}

/// A parsed notification whose authenticity is not proven. Opaque: only
/// `Gateway.parseNotification` makes one.
#[wasm_bindgen(js_namespace = bitpay)]
pub struct UnverifiedNotification(Unverified<Notification>);

#[wasm_bindgen(js_namespace = bitpay, js_class = UnverifiedNotification)]
impl UnverifiedNotification {
    /// The parsed fields, to be read with suspicion (to find the payment).
    #[wasm_bindgen(unchecked_return_type = "BitpayNotification")]
    pub fn untrusted(&self) -> Result<JsValue, Thrown> {
        to_js(self.0.untrusted())
    }

    /// The body exactly as received.
    #[wasm_bindgen(js_name = rawBody)]
    pub fn raw_body(&self) -> Vec<u8> {
        self.0.untrusted().raw_body().to_vec()
    }
}

/// A notification whose authenticity is proven. Opaque: only `Gateway.verifyInvoice` makes one.
/// Verified says who sent it, not that the payment succeeded: read `event()`.
#[wasm_bindgen(js_namespace = bitpay)]
pub struct VerifiedNotification(Verified<Notification>);

#[wasm_bindgen(js_namespace = bitpay, js_class = VerifiedNotification)]
impl VerifiedNotification {
    /// The notification's fields.
    #[wasm_bindgen(unchecked_return_type = "BitpayNotification")]
    pub fn notification(&self) -> Result<JsValue, Thrown> {
        to_js(&*self.0)
    }

    /// The gateway-neutral event to hand to `transition`.
    pub fn event(&self) -> Event {
        Event::new(self.0.event())
    }

    /// The body exactly as received.
    #[wasm_bindgen(js_name = rawBody)]
    pub fn raw_body(&self) -> Vec<u8> {
        self.0.raw_body().to_vec()
    }
}

/// An invoice status (`new`, `paid`, `confirmed`, `complete`, `expired`, `invalid`) in the one
/// status model.
#[wasm_bindgen(js_namespace = bitpay, unchecked_return_type = "Reported")]
pub fn status(invoice_status: &str) -> String {
    let reported: Reported = bitpay::map_status(invoice_status);
    reported.as_str().to_string()
}

/// The answer once `transition` decided (as `Gateway.acknowledge`).
#[wasm_bindgen(js_namespace = bitpay, unchecked_return_type = "HttpResponse")]
pub fn acknowledge(outcome: &Outcome) -> Result<JsValue, Thrown> {
    to_js(&bitpay::acknowledge(outcome.inner()))
}

/// The answer for a refused notification (as `Gateway.reject`): `error` is a thrown
/// `VposError` or any `{code, message, field?}` with a vpos code.
#[wasm_bindgen(js_namespace = bitpay, unchecked_return_type = "HttpResponse")]
pub fn reject(
    #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
) -> Result<JsValue, Thrown> {
    to_js(&bitpay::reject(&core_error(&error)?))
}

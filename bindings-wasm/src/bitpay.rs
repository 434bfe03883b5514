//! `bitpay.*` (edge module only): the Bitpay verbs of `vpos_core::gateways::bitpay`, one call
//! each. The configuration holds the API key: never in a browser.

use serde::Serialize;
use vpos_core::gateways::bitpay::{self, Config, Invoice, InvoiceRequest, Notification};
use vpos_core::{RedirectForm, Reply, Reported, Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::gateway::{answers, gateway_class, unverified_notification, verified_notification};
use crate::js::{Arg, Thrown, from_js, to_js};

/// One Bitpay merchant. **Edge/server only**: the configuration holds the API key, which no
/// getter returns (it does travel in the `Authorization` header of the requests vpos describes:
/// never log those).
#[wasm_bindgen(js_namespace = bitpay)]
pub struct Gateway {
    config: Config,
}

gateway_class! {
    namespace: bitpay,
    config: "BitpayConfig",
    public_config: "BitpayPublicConfig",
    also_drop: [],
    public_doc: " The configuration without its secrets (`api_key`, `token`, `private_key`, `merchant_token`).",
    notifications: bitpay,
}

#[wasm_bindgen(js_namespace = bitpay, js_class = Gateway)]
impl Gateway {
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

unverified_notification!(bitpay, "BitpayNotification");

/// A notification whose authenticity is proven. Opaque: only `Gateway.verifyInvoice` makes one.
/// Verified says who sent it, not that the payment succeeded: read `event()`.
#[wasm_bindgen(js_namespace = bitpay)]
pub struct VerifiedNotification(Verified<Notification>);

verified_notification!(bitpay, "BitpayNotification");

/// An invoice status (`new`, `paid`, `confirmed`, `complete`, `expired`, `invalid`) in the one
/// status model.
#[wasm_bindgen(js_namespace = bitpay, unchecked_return_type = "Reported")]
pub fn status(invoice_status: &str) -> String {
    let reported: Reported = bitpay::map_status(invoice_status);
    reported.as_str().to_string()
}

fn merchant_key(private_key: &str) -> Result<bitpay::MerchantKey, Thrown> {
    Ok(bitpay::MerchantKey::from_secret(&vpos_core::Secret::new(
        private_key,
    ))?)
}

/// The merchant-facade key's `{identity, sin}`: `X-Identity` (compressed public key, hex) and
/// the SIN BitPay pairs (the key: 64 hex digits or a PEM).
#[wasm_bindgen(js_namespace = bitpay, js_name = merchantKeyInfo, unchecked_return_type = "{ identity: string; sin: string }")]
pub fn merchant_key_info(private_key: &str) -> Result<JsValue, Thrown> {
    #[derive(Serialize)]
    struct Info {
        identity: String,
        sin: String,
    }
    let key = merchant_key(private_key)?;
    // A struct, not a serde_json map: serde-wasm-bindgen would make that a JS `Map`.
    to_js(&Info {
        identity: key.identity(),
        sin: key.sin(),
    })
}

/// The `X-Signature` (DER hex, RFC 6979) of `message`: the full URL followed by the body.
#[wasm_bindgen(js_namespace = bitpay, js_name = sign)]
pub fn sign(private_key: &str, message: &str) -> Result<String, Thrown> {
    Ok(merchant_key(private_key)?.sign(message))
}

/// Throws `signature_mismatch` unless `signature` is `identity`'s signature of `message`.
#[wasm_bindgen(js_namespace = bitpay, js_name = verifySignature)]
pub fn verify_signature(identity: &str, message: &str, signature: &str) -> Result<(), Thrown> {
    Ok(bitpay::verify_signature(identity, message, signature)?)
}

/// `POST <apiUrl>/tokens` with the key's SIN and the dashboard's pairing code (without one,
/// `facade: "merchant"`: BitPay answers a code to approve).
#[wasm_bindgen(js_namespace = bitpay, js_name = pairingRequest, unchecked_return_type = "HttpRequest")]
pub fn pairing_request(
    api_url: &str,
    private_key: &str,
    pairing_code: Option<String>,
) -> Result<JsValue, Thrown> {
    let key = merchant_key(private_key)?;
    to_js(&bitpay::pairing_request(
        api_url,
        &key,
        pairing_code.as_deref(),
    )?)
}

/// The pairing answer: `{token, facade, pairing_code}` (the token is the secret
/// `merchant_token`).
#[wasm_bindgen(js_namespace = bitpay, js_name = parsePairingResponse, unchecked_return_type = "{ token: string; facade: string; pairing_code: string | null }")]
pub fn parse_pairing_response(
    #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
) -> Result<JsValue, Thrown> {
    let reply: Reply = from_js(reply, Arg::value("reply"))?;
    to_js(&bitpay::parse_pairing_response(&reply)?)
}

answers!(bitpay, bitpay);

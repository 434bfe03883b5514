//! `paypal.*`, edge module only: the PayPal verbs that need a server — the IPN post-back
//! check, and Express Checkout over NVP (whose API credentials are secrets).

use vpos_core::gateways::paypal::{self, Config, ExpressOrder, Notification, NvpReply};
use vpos_core::{Amount, Reply, Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::gateway::{
    self, answers, gateway_class, unverified_notification, verified_event, verified_notification,
};
use crate::js::{Arg, Thrown, from_js, to_js};

/// One PayPal business account. **Edge/server only** once it carries NVP credentials (`nvp`),
/// which no getter returns; a page uses `paypal.checkoutPublic`.
#[wasm_bindgen(js_namespace = paypal)]
pub struct Gateway {
    config: Config,
}

gateway_class! {
    namespace: paypal,
    config: "PaypalConfig",
    public_config: "PaypalPublicConfig",
    also_drop: ["nvp"],
    public_doc: " The configuration without the NVP credentials (`nvp`).",
    notifications: paypal,
}

#[wasm_bindgen(js_namespace = paypal, js_class = Gateway)]
impl Gateway {
    /// The signed redirect form for `order`.
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaypalOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        gateway::checkout(&self.config, order, paypal::checkout)
    }

    /// The redirect form as HTML, every value escaped by the core.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaypalOrder")] order: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ autoSubmit?: boolean }")]
        options: JsValue,
    ) -> Result<String, Thrown> {
        gateway::checkout_html(&self.config, order, options, paypal::checkout)
    }

    /// The post-back to perform: the body exactly as received, after `cmd=_notify-validate&`.
    #[wasm_bindgen(js_name = postbackRequest, unchecked_return_type = "HttpRequest")]
    pub fn postback_request(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<JsValue, Thrown> {
        to_js(&paypal::postback_request(&self.config, &notification.0))
    }

    /// Judges the post-back reply: `200 VERIFIED` verifies (the receiver must be the
    /// configured business: `merchant_mismatch`); `INVALID` throws `postback_invalid`;
    /// anything else `postback_failed`. The unverified handle stays usable.
    #[wasm_bindgen(js_name = verifyPostback)]
    pub fn verify_postback(
        &self,
        notification: &UnverifiedNotification,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedNotification, Thrown> {
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        Ok(VerifiedNotification(paypal::verify_postback(
            &self.config,
            notification.0.clone(),
            &reply,
        )?))
    }

    /// Express Checkout: the `SetExpressCheckout` request (credentials in the body: never log
    /// it); `invalid_config` without `nvp`.
    #[wasm_bindgen(js_name = setExpressCheckoutRequest, unchecked_return_type = "HttpRequest")]
    pub fn set_express_checkout_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaypalExpressOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        let order: ExpressOrder = from_js(order, Arg::value("order"))?;
        to_js(&paypal::set_express_checkout_request(&self.config, &order)?)
    }

    /// Where to send the buyer with the token `SetExpressCheckout` returned.
    #[wasm_bindgen(js_name = expressCheckoutRedirect, unchecked_return_type = "RedirectForm")]
    pub fn express_checkout_redirect(&self, token: &str) -> Result<JsValue, Thrown> {
        to_js(&paypal::express_checkout_redirect(&self.config, token))
    }

    /// The `GetExpressCheckoutDetails` request for the token the buyer came back with.
    #[wasm_bindgen(
        js_name = getExpressCheckoutDetailsRequest,
        unchecked_return_type = "HttpRequest"
    )]
    pub fn get_express_checkout_details_request(&self, token: &str) -> Result<JsValue, Thrown> {
        to_js(&paypal::get_express_checkout_details_request(
            &self.config,
            token,
        )?)
    }

    /// The `DoExpressCheckoutPayment` request that captures the sale the buyer approved.
    #[wasm_bindgen(
        js_name = doExpressCheckoutPaymentRequest,
        unchecked_return_type = "HttpRequest"
    )]
    pub fn do_express_checkout_payment_request(
        &self,
        token: &str,
        payer_id: &str,
        #[wasm_bindgen(unchecked_param_type = "PaypalExpressOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        let order: ExpressOrder = from_js(order, Arg::value("order"))?;
        to_js(&paypal::do_express_checkout_payment_request(
            &self.config,
            token,
            payer_id,
            &order,
        )?)
    }

    /// The `RefundTransaction` request: the whole transaction without `amount`, else part.
    #[wasm_bindgen(js_name = refundTransactionRequest, unchecked_return_type = "HttpRequest")]
    pub fn refund_transaction_request(
        &self,
        transaction_id: &str,
        #[wasm_bindgen(unchecked_param_type = "AmountInput | null")] amount: JsValue,
    ) -> Result<JsValue, Thrown> {
        let amount: Option<Amount> = from_js(amount, Arg::value("amount"))?;
        to_js(&paypal::refund_transaction_request(
            &self.config,
            transaction_id,
            amount,
        )?)
    }

    /// Reads an NVP reply (as `paypal.parseNvpResponse`).
    #[wasm_bindgen(js_name = parseNvpResponse)]
    pub fn parse_nvp_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<NvpResponse, Thrown> {
        parse_nvp_response(reply)
    }

    /// The event a `DoExpressCheckoutPayment` reply reports, for the shop's `invoice`.
    #[wasm_bindgen(js_name = paymentEvent)]
    pub fn payment_event(
        &self,
        invoice: &str,
        reply: &NvpResponse,
    ) -> Result<VerifiedEvent, Thrown> {
        let event = paypal::payment_event(&self.config, invoice, &reply.0)?;
        Ok(VerifiedEvent(event.into_inner()))
    }

    /// The event a `RefundTransaction` reply reports, for the shop's `invoice`.
    #[wasm_bindgen(js_name = refundEvent)]
    pub fn refund_event(
        &self,
        invoice: &str,
        reply: &NvpResponse,
    ) -> Result<VerifiedEvent, Thrown> {
        let event = paypal::refund_event(&self.config, invoice, &reply.0)?;
        Ok(VerifiedEvent(event.into_inner()))
    }
}

/// A parsed notification whose authenticity is not proven. Opaque: only
/// `Gateway.parseNotification` makes one.
#[wasm_bindgen(js_namespace = paypal)]
pub struct UnverifiedNotification(Unverified<Notification>);

unverified_notification!(paypal, "PaypalNotification");

/// A notification whose authenticity is proven. Opaque: only `Gateway.verifyPostback` makes one.
/// Verified says who sent it, not that the payment succeeded: read `event()`.
#[wasm_bindgen(js_namespace = paypal)]
pub struct VerifiedNotification(Verified<Notification>);

verified_notification!(paypal, "PaypalNotification");

/// A successful NVP reply (`ACK` `Success` or `SuccessWithWarning`). Opaque: only
/// `paypal.parseNvpResponse` makes one, so only a real reply can become an event.
#[wasm_bindgen(js_namespace = paypal, js_name = NvpReply)]
pub struct NvpResponse(NvpReply);

#[wasm_bindgen(js_namespace = paypal, js_class = NvpReply)]
impl NvpResponse {
    /// `ACK`.
    #[wasm_bindgen(getter)]
    pub fn ack(&self) -> String {
        self.0.ack.clone()
    }

    /// Every field, decoded, in order.
    #[wasm_bindgen(getter, unchecked_return_type = "[string, string][]")]
    pub fn fields(&self) -> Result<JsValue, Thrown> {
        to_js(&self.0.fields)
    }

    /// A field by name (`null` when absent or empty).
    #[wasm_bindgen(unchecked_return_type = "string | null")]
    pub fn get(&self, name: &str) -> JsValue {
        self.0.get(name).map_or(JsValue::NULL, JsValue::from)
    }

    /// `TOKEN`; throws `field_missing` without one.
    pub fn token(&self) -> Result<String, Thrown> {
        Ok(self.0.token()?.to_string())
    }

    /// `{ack, fields: [[name, value], …]}`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "PaypalNvpReply")]
    pub fn to_json(&self) -> Result<JsValue, Thrown> {
        to_js(&self.0)
    }
}

/// Reads an NVP reply (`{status, body}` or `{error}`): `Failure` is `gateway_error` with
/// PayPal's first error; no usable answer `gateway_unavailable`.
#[wasm_bindgen(js_namespace = paypal, js_name = parseNvpResponse)]
pub fn parse_nvp_response(
    #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
) -> Result<NvpResponse, Thrown> {
    let reply: Reply = from_js(reply, Arg::value("reply"))?;
    Ok(NvpResponse(paypal::parse_nvp_response(&reply)?))
}

/// The verified event of an NVP reply. Opaque: only `paymentEvent` / `refundEvent` make one.
#[wasm_bindgen(js_namespace = paypal)]
pub struct VerifiedEvent(vpos_core::Event);

verified_event!(paypal);

answers!(paypal, paypal);

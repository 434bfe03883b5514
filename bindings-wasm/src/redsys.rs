//! `redsys.*` (edge module only): the Redsys verbs of `vpos_core::gateways::redsys`, one call
//! each. Every verb here needs the terminal's secret key, so none of it belongs in a browser.

use serde::Serialize;
use vpos_core::gateways::redsys::{self, Config, Notification, Operation, emv3ds, paygold};
use vpos_core::{Action, Error, ErrorCode, Reply, Unverified, Verified};
use wasm_bindgen::prelude::*;

use crate::gateway::{
    self, answers, gateway_class, unverified_notification, verified_notification,
};
use crate::js::{Arg, Thrown, bytes_of, from_js, pairs_object, to_js};

/// One Redsys terminal. **Edge/server only**: the configuration holds the secret key, which
/// stays inside the module (no getter returns it). The constructor validates the configuration
/// unless given `{ validate: false }`, as the Node package's does.
#[wasm_bindgen(js_namespace = redsys)]
pub struct Gateway {
    config: Config,
}

gateway_class! {
    namespace: redsys,
    config: "RedsysConfig",
    public_config: "RedsysPublicConfig",
    also_drop: [],
    public_doc: " The configuration without `secret_key`.",
    new_doc: [
        " Reads a configuration (`merchant_code`, `terminal`, `secret_key`, `checkout_url`, …).",
        " Unknown keys are refused (`invalid_config`), and every value is checked unless",
        " `{ validate: false }`.",
    ],
}

#[wasm_bindgen(js_namespace = redsys, js_class = Gateway)]
impl Gateway {
    /// `DS_MERCHANT_MERCHANTCODE`.
    #[wasm_bindgen(getter, js_name = merchantCode)]
    pub fn merchant_code(&self) -> String {
        self.config.merchant_code.clone()
    }

    /// Base64 of the per-order key (3DES or AES by the configured version).
    #[wasm_bindgen(js_name = orderKey)]
    pub fn order_key(&self, order: &str) -> Result<String, Thrown> {
        Ok(redsys::order_key(&self.config, order)?)
    }

    /// Signs `message` (a string, taken as UTF-8, or bytes) keyed with `order`.
    pub fn sign(
        &self,
        order: &str,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")]
        message: JsValue,
    ) -> Result<String, Thrown> {
        let message = bytes_of(&message, "message")?;
        Ok(redsys::sign(&self.config, order, &message)?)
    }

    /// The signed redirect form (`Ds_SignatureVersion`, `Ds_MerchantParameters`,
    /// `Ds_Signature`).
    #[wasm_bindgen(unchecked_return_type = "RedirectForm")]
    pub fn checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RedsysOrder")] order: JsValue,
    ) -> Result<JsValue, Thrown> {
        gateway::checkout(&self.config, order, redsys::checkout)
    }

    /// The signed redirect form as HTML, every value escaped by the core.
    #[wasm_bindgen(js_name = checkoutHtml)]
    pub fn checkout_html(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RedsysOrder")] order: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ autoSubmit?: boolean }")]
        options: JsValue,
    ) -> Result<String, Thrown> {
        gateway::checkout_html(&self.config, order, options, redsys::checkout)
    }

    /// Parses an HTTP POST (form) or SOAP (`text/xml`) notification from its raw body.
    #[wasm_bindgen(js_name = parseNotification)]
    pub fn parse_notification(
        &self,
        content_type: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] body: JsValue,
    ) -> Result<UnverifiedNotification, Thrown> {
        Ok(UnverifiedNotification(gateway::parse_notification(
            &self.config,
            content_type,
            &body,
            redsys::parse_notification,
        )?))
    }

    /// Checks the signature by the version the notification names; throws
    /// `signature_mismatch` or `unsupported_signature_version`. The unverified handle stays
    /// usable.
    pub fn verify(
        &self,
        notification: &UnverifiedNotification,
    ) -> Result<VerifiedNotification, Thrown> {
        let verified = redsys::verify(&self.config, notification.0.clone())?;
        Ok(VerifiedNotification(verified))
    }

    /// The answer for a verified notification once `transition` decided: HTTP POST `200`
    /// (empty) when settled, else `503`/`409`; SOAP the signed envelope, `OK` or `KO`.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn acknowledge(
        &self,
        notification: &VerifiedNotification,
        #[wasm_bindgen(unchecked_param_type = "OutcomeJson")] outcome: JsValue,
    ) -> Result<JsValue, Thrown> {
        to_js(&redsys::acknowledge(
            &self.config,
            &notification.0,
            &crate::state::outcome(outcome)?,
        )?)
    }

    /// The signed SOAP answer for `order`: `OK` when `accept`, else `KO`.
    #[wasm_bindgen(js_name = soapAnswer, unchecked_return_type = "HttpResponse")]
    pub fn soap_answer(&self, order: &str, accept: bool) -> Result<JsValue, Thrown> {
        to_js(&redsys::soap_answer(&self.config, order, accept)?)
    }

    /// The answer for a refused notification: `403` bad signature, `422` malformed, `503`.
    #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
    pub fn reject(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
    ) -> Result<JsValue, Thrown> {
        reject(error)
    }

    /// The REST request for `operation` (`payment` by stored reference, `refund`, `confirm`,
    /// `cancel`); throws `invalid_config` without `rest_url`.
    #[wasm_bindgen(js_name = operationRequest, unchecked_return_type = "HttpRequest")]
    pub fn operation_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RedsysOperation")] operation: JsValue,
    ) -> Result<JsValue, Thrown> {
        let operation: Operation = from_js(operation, Arg::value("operation"))?;
        to_js(&redsys::operation_request(&self.config, &operation)?)
    }

    /// Reads the REST reply (`{status, body}` or `{error}`): Redsys's own error is
    /// `gateway_error`, no usable answer `gateway_unavailable`; otherwise the signed result,
    /// verified.
    #[wasm_bindgen(js_name = parseOperationResponse)]
    pub fn parse_operation_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedNotification, Thrown> {
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        Ok(VerifiedNotification(redsys::parse_operation_response(
            &self.config,
            &reply,
        )?))
    }
}

/// Pay-by-link (`redsys::paygold`, docs/3ds.md): the same verbs as the Node package's.
#[wasm_bindgen(js_namespace = redsys, js_class = Gateway)]
impl Gateway {
    /// The `trataPeticionREST` request (type `F`) asking Redsys to send the customer a link.
    #[wasm_bindgen(js_name = paygoldRequest, unchecked_return_type = "HttpRequest")]
    pub fn paygold_request(&self, link: JsValue) -> Result<JsValue, Thrown> {
        let link: paygold::LinkRequest = from_js(link, Arg::value("link"))?;
        to_js(&paygold::request(&self.config, &link)?)
    }

    /// Reads the reply: the verified link `{url, order, amount}`.
    #[wasm_bindgen(js_name = paygoldParseReply)]
    pub fn paygold_parse_reply(
        &self,
        link: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<JsValue, Thrown> {
        let link: paygold::LinkRequest = from_js(link, Arg::value("link"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        to_js(&paygold::parse_reply(&self.config, &link, &reply)?)
    }
}

/// Host-to-host EMV3DS over REST (`redsys::emv3ds`, docs/3ds.md): the same verbs as the Node
/// package's. Request bodies carry the card: never log them.
#[wasm_bindgen(js_namespace = redsys, js_class = Gateway)]
impl Gateway {
    /// Step 1: the `iniciaPeticionREST` request.
    #[wasm_bindgen(js_name = emv3dsIniciaRequest, unchecked_return_type = "HttpRequest")]
    pub fn emv3ds_inicia_request(&self, payment: JsValue) -> Result<JsValue, Thrown> {
        let payment: emv3ds::Payment = from_js(payment, Arg::value("payment"))?;
        to_js(&emv3ds::inicia_peticion_request(&self.config, &payment)?)
    }

    /// Reads the `iniciaPeticionREST` reply: the card configuration.
    #[wasm_bindgen(js_name = emv3dsParseIniciaResponse)]
    pub fn emv3ds_parse_inicia_response(
        &self,
        payment: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<JsValue, Thrown> {
        let payment: emv3ds::Payment = from_js(payment, Arg::value("payment"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        to_js(&emv3ds::parse_inicia_peticion_response(
            &self.config,
            &payment,
            &reply,
        )?)
    }

    /// The 3DS Method form (`threeDSMethodData`), or `null` without a 3DS Method URL.
    #[wasm_bindgen(js_name = emv3dsMethodForm)]
    pub fn emv3ds_method_form(
        &self,
        card: JsValue,
        notification_url: &str,
    ) -> Result<JsValue, Thrown> {
        let card: emv3ds::CardConfiguration = from_js(card, Arg::value("card"))?;
        to_js(&emv3ds::three_ds_method_form(&card, notification_url)?)
    }

    /// The `threeDSServerTransID` the ACS's `threeDSMethodData` post-back names.
    #[wasm_bindgen(js_name = emv3dsMethodData)]
    pub fn emv3ds_method_data(&self, data: &str) -> Result<String, Thrown> {
        Ok(emv3ds::parse_three_ds_method_data(data)?)
    }

    /// Step 3: the `trataPeticionREST` request with `AuthenticationData`.
    #[wasm_bindgen(js_name = emv3dsTrataRequest, unchecked_return_type = "HttpRequest")]
    pub fn emv3ds_trata_request(
        &self,
        payment: JsValue,
        authentication: JsValue,
    ) -> Result<JsValue, Thrown> {
        let payment: emv3ds::Payment = from_js(payment, Arg::value("payment"))?;
        let authentication: emv3ds::Authentication =
            from_js(authentication, Arg::value("authentication"))?;
        to_js(&emv3ds::trata_peticion_request(
            &self.config,
            &payment,
            &authentication,
        )?)
    }

    /// Reads the `AuthenticationData` reply: `{kind: "final", notification}` (verified) or
    /// `{kind: "challenge", challenge, form}`.
    #[wasm_bindgen(js_name = emv3dsParseTrataResponse)]
    pub fn emv3ds_parse_trata_response(
        &self,
        payment: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<JsValue, Thrown> {
        let payment: emv3ds::Payment = from_js(payment, Arg::value("payment"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        let out = js_sys::Object::new();
        let set = |key: &str, value: JsValue| js_sys::Reflect::set(&out, &key.into(), &value);
        match emv3ds::parse_trata_peticion_response(&self.config, &payment, &reply)? {
            emv3ds::Step::Final(verified) => {
                let _ = set("kind", "final".into());
                let _ = set("notification", VerifiedNotification(*verified).into());
            }
            emv3ds::Step::Challenge(challenge) => {
                let _ = set("kind", "challenge".into());
                let _ = set("challenge", to_js(&challenge)?);
                let _ = set("form", to_js(&challenge.form())?);
            }
        }
        Ok(out.into())
    }

    /// Step 5: the `trataPeticionREST` request with `ChallengeResponse`.
    #[wasm_bindgen(js_name = emv3dsChallengeRequest, unchecked_return_type = "HttpRequest")]
    pub fn emv3ds_challenge_request(
        &self,
        payment: JsValue,
        challenge: JsValue,
    ) -> Result<JsValue, Thrown> {
        let payment: emv3ds::Payment = from_js(payment, Arg::value("payment"))?;
        let challenge: emv3ds::ChallengeResult = from_js(challenge, Arg::value("challenge"))?;
        to_js(&emv3ds::challenge_response_request(
            &self.config,
            &payment,
            &challenge,
        )?)
    }

    /// Reads the `ChallengeResponse` reply: always final, verified.
    #[wasm_bindgen(js_name = emv3dsParseChallengeResponse)]
    pub fn emv3ds_parse_challenge_response(
        &self,
        payment: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Reply")] reply: JsValue,
    ) -> Result<VerifiedNotification, Thrown> {
        let payment: emv3ds::Payment = from_js(payment, Arg::value("payment"))?;
        let reply: Reply = from_js(reply, Arg::value("reply"))?;
        Ok(VerifiedNotification(emv3ds::parse_challenge_response(
            &self.config,
            &payment,
            &reply,
        )?))
    }
}

/// A parsed Redsys notification whose signature is not checked. Opaque: only
/// `Gateway.parseNotification` makes one.
#[wasm_bindgen(js_namespace = redsys)]
pub struct UnverifiedNotification(Unverified<Notification>);

unverified_notification!(redsys, "RedsysNotification");

/// A Redsys notification (or REST reply) whose signature is proven. Opaque: only `verify` and
/// `parseOperationResponse` make one. Verified says Redsys sent it, not that the card paid.
#[wasm_bindgen(js_namespace = redsys)]
pub struct VerifiedNotification(Verified<Notification>);

#[wasm_bindgen(js_namespace = redsys, js_class = VerifiedNotification)]
impl VerifiedNotification {
    /// The notification's fields (with `identifier`, `expiry_date` and `cof_txnid` when a
    /// card was stored).
    #[wasm_bindgen(getter, unchecked_return_type = "RedsysNotification")]
    pub fn notification(&self) -> Result<JsValue, Thrown> {
        to_js(&*self.0)
    }

    /// The decoded parameters as an object (the last of a repeated key wins).
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, string>")]
    pub fn parameters(&self) -> Result<JsValue, Thrown> {
        pairs_object(&self.0.parameters)
    }
}

verified_notification!(redsys, event_only);

/// What a `Ds_Response` means for a `Ds_TransactionType`: `{action, status, response}` (the
/// response normalised to four digits); `field_invalid` unless 1 to 4 digits.
#[wasm_bindgen(js_namespace = redsys, unchecked_return_type = "RedsysStatus")]
pub fn status(transaction_type: &str, response: &str) -> Result<JsValue, Thrown> {
    #[derive(Serialize)]
    struct Status<'a> {
        action: Action,
        status: &'a str,
        response: String,
    }
    let response = redsys::normalize_response(response).ok_or_else(|| {
        Error::new(ErrorCode::FieldInvalid, "Ds_Response must be 1 to 4 digits")
            .with_field("Ds_Response")
    })?;
    let (action, status) = redsys::map_status(transaction_type, &response);
    to_js(&Status {
        action,
        status: status.as_str(),
        response,
    })
}

answers!(
    redsys,
    redsys,
    reject_doc: [" The answer for a refused notification (as `Gateway.reject`)."]
);

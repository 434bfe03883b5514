//! The class shapes every gateway shares, stamped out per gateway namespace.
//!
//! wasm-bindgen cannot export a generic class, so each gateway needs its own `Gateway`,
//! `UnverifiedNotification`, `VerifiedNotification` (and `VerifiedEvent`) classes. Each gateway
//! module declares its structs (with their doc comments, the classes' JSDoc) and the methods
//! specific to its wire format; the macros here write the methods every gateway shares, in
//! further `impl` blocks of the same classes, and the shared bodies are the plain generic
//! functions below.
//!
//! The macros' doc comments are written `#[doc = " …"]`, not `///`: a `///` that passes through
//! `macro_rules!` reaches wasm-bindgen as a raw string (`r"…"`), which it would copy into the
//! `.d.ts` quotes and all.

#[cfg(feature = "edge")]
use serde::de::DeserializeOwned;
#[cfg(feature = "edge")]
use vpos_core::RedirectForm;
use vpos_core::{Error, Unverified};
use wasm_bindgen::JsValue;

#[cfg(feature = "edge")]
use crate::js::{Arg, from_js, to_js};
use crate::js::{Thrown, body_bytes};

/// Parses a notification body (a string, `Uint8Array` or `ArrayBuffer`) with the gateway's
/// `parse_notification`; a missing `Content-Type` is the empty string, as the core expects.
pub fn parse_notification<C, N>(
    config: &C,
    content_type: Option<String>,
    body: &JsValue,
    parse: impl FnOnce(&C, &str, &[u8]) -> Result<Unverified<N>, Error>,
) -> Result<Unverified<N>, Thrown> {
    let body = body_bytes(body)?;
    let content_type = content_type.unwrap_or_default();
    Ok(parse(config, &content_type, &body)?)
}

/// The gateway's redirect form for an order read from JS (shape errors name `order`).
#[cfg(feature = "edge")]
// Inlined into `checkout` and `checkout_html`: measured 2026-11-26, the edge module is 0.4 kB
// gzipped smaller than with one shared copy per gateway (232,377 → 231,998 bytes).
#[inline(always)]
pub fn checkout_form<C, O: DeserializeOwned>(
    config: &C,
    order: JsValue,
    checkout: impl FnOnce(&C, &O) -> Result<RedirectForm, Error>,
) -> Result<RedirectForm, Thrown> {
    let order: O = from_js(order, Arg::value("order"))?;
    Ok(checkout(config, &order)?)
}

/// [`checkout_form`] as the plain `{action, method, fields}` object.
#[cfg(feature = "edge")]
pub fn checkout<C, O: DeserializeOwned>(
    config: &C,
    order: JsValue,
    checkout: impl FnOnce(&C, &O) -> Result<RedirectForm, Error>,
) -> Result<JsValue, Thrown> {
    to_js(&checkout_form(config, order, checkout)?)
}

/// [`checkout_form`] as HTML, every value escaped by the core; `options` is `{ autoSubmit? }`.
#[cfg(feature = "edge")]
pub fn checkout_html<C, O: DeserializeOwned>(
    config: &C,
    order: JsValue,
    options: JsValue,
    checkout: impl FnOnce(&C, &O) -> Result<RedirectForm, Error>,
) -> Result<String, Thrown> {
    let auto_submit = crate::js::auto_submit(&options)?;
    Ok(checkout_form(config, order, checkout)?.to_html(auto_submit))
}

/// The shared methods of a gateway's `Gateway` class (a struct holding the core `Config` in
/// `config`): the constructor (read with `from_js`, refusing unknown keys), `validate` and
/// `publicConfig` (the core's `Config::public`, the one secret list, less `also_drop`; documented by
/// `public_doc`).
///
/// With `notifications: <core module>` it also writes the usual notification glue:
/// `parseNotification` with the module's `parse_notification`, and `acknowledge` / `reject`
/// calling the free functions of those names (see [`answers!`]). With `new_doc` instead, the
/// constructor gets that doc and the gateway writes its own notification methods.
#[cfg(feature = "edge")]
macro_rules! gateway_class {
    (
        namespace: $ns:ident,
        config: $config:literal,
        public_config: $public:literal,
        also_drop: $secrets:expr,
        public_doc: $public_doc:literal,
        notifications: $module:ident $(,)?
    ) => {
        $crate::gateway::gateway_class!(
            @config $ns, $config, $public, $secrets, $public_doc,
            [
                " Reads a configuration; unknown keys are refused (`invalid_config`). Reads without",
                " judging, as the core does: call `validate()` at start-up."
            ]
        );

        #[wasm_bindgen(js_namespace = $ns, js_class = Gateway)]
        impl Gateway {
            #[doc = " Parses a notification from the request's `Content-Type` and raw body (string,"]
            #[doc = " `Uint8Array` or `ArrayBuffer`: pass the bytes as received). Store the raw body first."]
            #[wasm_bindgen(js_name = parseNotification)]
            pub fn parse_notification(
                &self,
                content_type: Option<String>,
                #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")]
                body: JsValue,
            ) -> Result<UnverifiedNotification, $crate::js::Thrown> {
                Ok(UnverifiedNotification($crate::gateway::parse_notification(
                    &self.config,
                    content_type,
                    &body,
                    $module::parse_notification,
                )?))
            }

            #[doc = " The answer once `transition` decided."]
            #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
            pub fn acknowledge(
                &self,
                outcome: &$crate::state::Outcome,
            ) -> Result<JsValue, $crate::js::Thrown> {
                acknowledge(outcome)
            }

            #[doc = " The answer for a refused notification (never the \"settled\" answer)."]
            #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
            pub fn reject(
                &self,
                #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")]
                error: JsValue,
            ) -> Result<JsValue, $crate::js::Thrown> {
                reject(error)
            }
        }
    };
    (
        namespace: $ns:ident,
        config: $config:literal,
        public_config: $public:literal,
        also_drop: $secrets:expr,
        public_doc: $public_doc:literal,
        new_doc: [$($new_doc:literal),* $(,)?] $(,)?
    ) => {
        $crate::gateway::gateway_class!(
            @config $ns, $config, $public, $secrets, $public_doc, [$($new_doc),*]
        );
    };
    (
        @config $ns:ident, $config:literal, $public:literal, $secrets:expr, $public_doc:literal,
        [$($new_doc:literal),*]
    ) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = Gateway)]
        impl Gateway {
            $(#[doc = $new_doc])*
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_param_type = $config)] config: JsValue,
            ) -> Result<Gateway, $crate::js::Thrown> {
                Ok(Gateway {
                    config: $crate::js::from_js(config, $crate::js::Arg::config("config"))?,
                })
            }

            #[doc = " Checks every configuration value; throws `invalid_config` naming the first bad key."]
            pub fn validate(&self) -> Result<(), $crate::js::Thrown> {
                self.config.validate()?;
                Ok(())
            }

            #[doc = $public_doc]
            #[wasm_bindgen(js_name = publicConfig, unchecked_return_type = $public)]
            pub fn public_config(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::public_config(&self.config, &$secrets)
            }
        }
    };
}

/// The module-level `acknowledge(outcome)` and `reject(error)` of a gateway whose answers do
/// not depend on its configuration (`Gateway.acknowledge` / `Gateway.reject` call these); with
/// `reject_doc`, only `reject`, documented by it.
#[cfg(feature = "edge")]
macro_rules! answers {
    ($ns:ident, $module:ident) => {
        #[doc = " The answer once `transition` decided (as `Gateway.acknowledge`)."]
        #[wasm_bindgen(js_namespace = $ns, unchecked_return_type = "HttpResponse")]
        pub fn acknowledge(
            outcome: &$crate::state::Outcome,
        ) -> Result<JsValue, $crate::js::Thrown> {
            $crate::js::to_js(&$module::acknowledge(outcome.inner()))
        }

        $crate::gateway::answers!(
            $ns,
            $module,
            reject_doc: [
                " The answer for a refused notification (as `Gateway.reject`): `error` is a thrown",
                " `VposError` or any `{code, message, field?}` with a vpos code."
            ]
        );
    };
    ($ns:ident, $module:ident, reject_doc: [$($doc:literal),* $(,)?]) => {
        $(#[doc = $doc])*
        #[wasm_bindgen(js_namespace = $ns, unchecked_return_type = "HttpResponse")]
        pub fn reject(
            #[wasm_bindgen(unchecked_param_type = "VposError | VposErrorJson")] error: JsValue,
        ) -> Result<JsValue, $crate::js::Thrown> {
            $crate::js::to_js(&$module::reject(&$crate::js::core_error(&error)?))
        }
    };
}

/// The methods of an `UnverifiedNotification(Unverified<Notification>)` class: `untrusted()`
/// (typed as `$ts`) and `rawBody()`.
#[cfg(feature = "edge")]
macro_rules! unverified_notification {
    ($ns:ident, $ts:literal) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = UnverifiedNotification)]
        impl UnverifiedNotification {
            #[doc = " The parsed fields, to be read with suspicion (to find the payment)."]
            #[wasm_bindgen(unchecked_return_type = $ts)]
            pub fn untrusted(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::to_js(self.0.untrusted())
            }

            #[doc = " The body exactly as received."]
            #[wasm_bindgen(js_name = rawBody)]
            pub fn raw_body(&self) -> Vec<u8> {
                self.0.untrusted().raw_body().to_vec()
            }
        }
    };
}

/// The methods of a `VerifiedNotification(Verified<Notification>)` class: `notification()`
/// (typed as `$ts`), `event()` and `rawBody()`; with `event_only`, only the last two (for a
/// gateway that writes its own `notification()`).
macro_rules! verified_notification {
    ($ns:ident, $ts:literal) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = VerifiedNotification)]
        impl VerifiedNotification {
            #[doc = " The notification's fields."]
            #[wasm_bindgen(unchecked_return_type = $ts)]
            pub fn notification(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::to_js(&*self.0)
            }
        }

        $crate::gateway::verified_notification!($ns, event_only);
    };
    ($ns:ident, event_only) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = VerifiedNotification)]
        impl VerifiedNotification {
            #[doc = " The gateway-neutral event to hand to `transition`."]
            pub fn event(&self) -> $crate::state::Event {
                $crate::state::Event::new(self.0.event())
            }

            #[doc = " The body exactly as received."]
            #[wasm_bindgen(js_name = rawBody)]
            pub fn raw_body(&self) -> Vec<u8> {
                self.0.raw_body().to_vec()
            }
        }
    };
}

/// The method of a `VerifiedEvent(vpos_core::Event)` class (an event from a verified API
/// reply): `event()`.
#[cfg(feature = "edge")]
macro_rules! verified_event {
    ($ns:ident) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = VerifiedEvent)]
        impl VerifiedEvent {
            #[doc = " The gateway-neutral event to hand to `transition`."]
            pub fn event(&self) -> $crate::state::Event {
                $crate::state::Event::new(self.0.clone())
            }
        }
    };
}

pub(crate) use verified_notification;
#[cfg(feature = "edge")]
pub(crate) use {answers, gateway_class, unverified_notification, verified_event};

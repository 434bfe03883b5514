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

#[cfg(feature = "driver")]
use serde::de::DeserializeOwned;
#[cfg(feature = "driver")]
use vpos_core::RedirectForm;
use vpos_core::{Error, Unverified};
use wasm_bindgen::JsValue;

#[cfg(feature = "driver")]
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
#[cfg(feature = "driver")]
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
#[cfg(feature = "driver")]
pub fn checkout<C, O: DeserializeOwned>(
    config: &C,
    order: JsValue,
    checkout: impl FnOnce(&C, &O) -> Result<RedirectForm, Error>,
) -> Result<JsValue, Thrown> {
    to_js(&checkout_form(config, order, checkout)?)
}

/// [`checkout_form`] as HTML, every value escaped by the core; `options` is `{ autoSubmit? }`.
#[cfg(feature = "driver")]
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
// A module built for one gateway uses some of these macros only (a gateway with no verified
// event, or FloCash's own constructor).
#[cfg(feature = "driver")]
#[allow(unused_macros)]
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
                " Reads a configuration; unknown keys are refused (`invalid_config`), and every value",
                " is checked unless `{ validate: false }` (then call `validate()` yourself)."
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

            #[doc = " The answer once `transition` decided (`outcome` as `transition` returned it)."]
            #[wasm_bindgen(unchecked_return_type = "HttpResponse")]
            pub fn acknowledge(
                &self,
                #[wasm_bindgen(unchecked_param_type = "OutcomeJson")] outcome: JsValue,
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
                #[wasm_bindgen(unchecked_optional_param_type = "{ validate?: boolean }")] options: JsValue,
            ) -> Result<Gateway, $crate::js::Thrown> {
                let gateway = Gateway {
                    config: $crate::js::from_js(config, $crate::js::Arg::config("config"))?,
                };
                if $crate::js::validate_option(&options)? {
                    gateway.config.validate()?;
                }
                Ok(gateway)
            }

            #[doc = " Checks every configuration value; throws `invalid_config` naming the first bad key."]
            pub fn validate(&self) -> Result<(), $crate::js::Thrown> {
                self.config.validate()?;
                Ok(())
            }

            #[doc = $public_doc]
            #[wasm_bindgen(getter, js_name = publicConfig, unchecked_return_type = $public)]
            pub fn public_config(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::public_config(&self.config, &$secrets)
            }

            #[doc = " JSON of a gateway is its public configuration: never a secret."]
            #[wasm_bindgen(js_name = toJSON, unchecked_return_type = $public)]
            pub fn to_json(&self) -> Result<JsValue, $crate::js::Thrown> {
                self.public_config()
            }

            #[doc = " This account as the driver's `Config` (for `handleNotification` and the operations)."]
            #[wasm_bindgen(getter)]
            pub fn config(&self) -> $crate::driver::DriverConfig {
                $crate::driver::DriverConfig::of(self.config.clone().into())
            }
        }
    };
}

/// The module-level `acknowledge(outcome)` and `reject(error)` of a gateway whose answers do
/// not depend on its configuration (`Gateway.acknowledge` / `Gateway.reject` call these); with
/// `reject_doc`, only `reject`, documented by it.
#[cfg(feature = "driver")]
macro_rules! answers {
    ($ns:ident, $module:ident) => {
        #[doc = " The answer once `transition` decided (as `Gateway.acknowledge`)."]
        #[wasm_bindgen(js_namespace = $ns, unchecked_return_type = "HttpResponse")]
        pub fn acknowledge(
            #[wasm_bindgen(unchecked_param_type = "OutcomeJson")] outcome: JsValue,
        ) -> Result<JsValue, $crate::js::Thrown> {
            $crate::js::to_js(&$module::acknowledge(&$crate::state::outcome(outcome)?))
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

/// The getters of an `UnverifiedNotification(Unverified<Notification>)` class: `untrusted`
/// (typed as `$ts`) and `rawBody`.
#[cfg(feature = "driver")]
macro_rules! unverified_notification {
    ($ns:ident, $ts:literal) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = UnverifiedNotification)]
        impl UnverifiedNotification {
            #[doc = " The parsed fields, to be read with suspicion (to find the payment)."]
            #[wasm_bindgen(getter, unchecked_return_type = $ts)]
            pub fn untrusted(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::to_js(self.0.untrusted())
            }

            #[doc = " The body exactly as received."]
            #[wasm_bindgen(getter, js_name = rawBody)]
            pub fn raw_body(&self) -> Vec<u8> {
                self.0.untrusted().raw_body().to_vec()
            }
        }
    };
}

/// The getters of a `VerifiedNotification(Verified<Notification>)` class: `notification`
/// (typed as `$ts`), `event` and `rawBody`, and the hidden `__transition` the glue's
/// `transition` calls; with `event_only`, all but `notification` (for a gateway that writes its
/// own).
macro_rules! verified_notification {
    ($ns:ident, $ts:literal) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = VerifiedNotification)]
        impl VerifiedNotification {
            #[doc = " The notification's fields."]
            #[wasm_bindgen(getter, unchecked_return_type = $ts)]
            pub fn notification(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::to_js(&*self.0)
            }
        }

        $crate::gateway::verified_notification!($ns, event_only);
    };
    ($ns:ident, event_only) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = VerifiedNotification)]
        impl VerifiedNotification {
            #[doc = " The gateway-neutral event, with its idempotency `key` (give `transition` this handle)."]
            #[wasm_bindgen(getter, unchecked_return_type = "EventJson")]
            pub fn event(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::to_js(&self.0.event())
            }

            #[doc = " The body exactly as received."]
            #[wasm_bindgen(getter, js_name = rawBody)]
            pub fn raw_body(&self) -> Vec<u8> {
                self.0.raw_body().to_vec()
            }

            #[wasm_bindgen(js_name = __transition, skip_typescript)]
            pub fn transition_payment(&self, payment: JsValue) -> Result<JsValue, $crate::js::Thrown> {
                $crate::state::transition(payment, &self.0.event())
            }
        }
    };
}

/// The `event` getter (and hidden `__transition`) of a `VerifiedEvent(vpos_core::Event)` class
/// (an event from a verified API reply).
#[cfg(feature = "driver")]
#[allow(unused_macros)]
macro_rules! verified_event {
    ($ns:ident) => {
        #[wasm_bindgen(js_namespace = $ns, js_class = VerifiedEvent)]
        impl VerifiedEvent {
            #[doc = " The gateway-neutral event, with its idempotency `key` (give `transition` this handle)."]
            #[wasm_bindgen(getter, unchecked_return_type = "EventJson")]
            pub fn event(&self) -> Result<JsValue, $crate::js::Thrown> {
                $crate::js::to_js(&self.0)
            }

            #[wasm_bindgen(js_name = __transition, skip_typescript)]
            pub fn transition_payment(&self, payment: JsValue) -> Result<JsValue, $crate::js::Thrown> {
                $crate::state::transition(payment, &self.0)
            }
        }
    };
}

pub(crate) use verified_notification;
#[cfg(feature = "driver")]
#[allow(unused_imports)]
pub(crate) use {answers, gateway_class, unverified_notification, verified_event};

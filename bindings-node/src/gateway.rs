//! The class shapes every gateway shares, stamped out per gateway.
//!
//! `#[napi]` classes cannot be generic (each needs its own JS name and type tag), so the
//! macros here write the identical classes once and each gateway module invokes them with its
//! own names; the bodies they share are the generic functions below. napi merges several
//! `#[napi] impl` blocks of one class, so a gateway module adds its wire-specific methods in
//! an `impl` of its own. Invoking modules must have `napi_derive::napi` in scope.

use napi::Env;
use serde::de::DeserializeOwned;
use vpos_core::{Error, PaymentSnapshot};

use crate::error::OrThrow;
use crate::outcome::{parse_error, parse_outcome};
use crate::wire::{Role, parse, to_json};

/// A configuration read from its core JSON shape (unknown keys refused) and, with `validate`,
/// checked by the gateway's `Config::validate`.
pub(crate) fn read_config<C: DeserializeOwned>(
    env: &Env,
    config: &str,
    validate: bool,
    check: impl FnOnce(&C) -> Result<(), Error>,
) -> napi::Result<C> {
    let config: C = parse(config, Role::Config).or_throw(env)?;
    if validate {
        check(&config).or_throw(env)?;
    }
    Ok(config)
}

/// A value read from its core JSON shape (`Role::Data`), thrown as a typed error if it is not.
pub(crate) fn read<T: DeserializeOwned>(env: &Env, json: &str) -> napi::Result<T> {
    parse(json, Role::Data).or_throw(env)
}

/// `transition(payment, event)` as `Outcome` JSON, the payment read from its snapshot JSON.
pub(crate) fn transition_json(
    env: &Env,
    payment: &str,
    event: &vpos_core::Event,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = read(env, payment)?;
    Ok(to_json(&vpos_core::transition(&payment, event)))
}

/// A gateway's `acknowledge` for an `Outcome` JSON, as `HttpResponse` JSON.
pub(crate) fn acknowledge_json<R: serde::Serialize>(
    env: &Env,
    outcome: &str,
    acknowledge: impl FnOnce(&vpos_core::Outcome) -> R,
) -> napi::Result<String> {
    let outcome = parse_outcome(outcome).or_throw(env)?;
    Ok(to_json(&acknowledge(&outcome)))
}

/// A gateway's `reject` for an error JSON (`{code, field, message}`), as `HttpResponse` JSON.
pub(crate) fn reject_json<R: serde::Serialize>(
    env: &Env,
    error: &str,
    reject: impl FnOnce(&Error) -> R,
) -> napi::Result<String> {
    let error = parse_error(error).or_throw(env)?;
    Ok(to_json(&reject(&error)))
}

/// The gateway class: the configuration held on the Rust side only, the constructor from its
/// JSON, `validate` and the redacted `publicConfig`; with `checkout`, the checkout form as JSON
/// and as HTML; with `notifications`, `parseNotification` into the unverified handle, then
/// with `verify` the signature check, or with `postback` the post-back request and its check,
/// into the verified handle.
macro_rules! gateway_class {
    (
        $(#[$doc:meta])*
        $name:ident($gateway:ident::$config:ident) {
            public_config: |$public:ident| $public_config:expr,
            $(checkout: $order:ty,)?
            $(
                notifications: $unverified:ident,
                $(verify: $verified:ident,)?
                $(postback: $postback_verified:ident,)?
            )?
        }
    ) => {
        $(#[$doc])*
        #[napi]
        pub struct $name {
            // Shared, so that a notification handle can keep the configuration it was parsed
            // with (Redsys: to parse its raw body again) without a copy.
            config: std::sync::Arc<$gateway::$config>,
        }

        #[napi]
        impl $name {
            /// Reads the configuration (core JSON shape, unknown keys refused) and, with
            /// `validate`, checks every value as `Config::validate` does.
            #[napi(constructor)]
            pub fn new(env: Env, config: String, validate: bool) -> napi::Result<Self> {
                $crate::gateway::read_config(&env, &config, validate, $gateway::$config::validate)
                    .map(|config| $name {
                        config: std::sync::Arc::new(config),
                    })
            }

            /// `Config::validate`.
            #[napi]
            pub fn validate(&self, env: Env) -> napi::Result<()> {
                $crate::error::OrThrow::or_throw(self.config.validate(), &env)
            }

            /// The same configuration as the driver's `Config` (not validated again).
            #[napi]
            pub fn driver_config(&self) -> $crate::driver::DriverConfig {
                $crate::driver::DriverConfig {
                    inner: (*self.config).clone().into(),
                }
            }

            /// The configuration as JSON without its secrets.
            #[napi]
            pub fn public_config(&self) -> String {
                let $public = &*self.config;
                $public_config
            }

            $(
                /// The gateway's `checkout` as `RedirectForm` JSON.
                #[napi]
                pub fn checkout(&self, env: Env, order: String) -> napi::Result<String> {
                    let order: $order = $crate::gateway::read(&env, &order)?;
                    $crate::error::OrThrow::or_throw(
                        $gateway::checkout(&self.config, &order)
                            .map(|form| $crate::wire::to_json(&form)),
                        &env,
                    )
                }

                /// The gateway's `checkout` as flat text (`crate::flat::redirect_form`:
                /// action, method, the fields' names and values), or `undefined` when the form
                /// must travel as JSON (`checkout`).
                #[napi]
                pub fn checkout_flat(
                    &self,
                    env: Env,
                    order: String,
                ) -> napi::Result<Option<String>> {
                    let order: $order = $crate::gateway::read(&env, &order)?;
                    $crate::error::OrThrow::or_throw(
                        $gateway::checkout(&self.config, &order)
                            .map(|form| $crate::flat::redirect_form(&form)),
                        &env,
                    )
                }

                /// `RedirectForm::to_html` for a checkout form.
                #[napi]
                pub fn checkout_html(
                    &self,
                    env: Env,
                    order: String,
                    auto_submit: bool,
                ) -> napi::Result<String> {
                    let order: $order = $crate::gateway::read(&env, &order)?;
                    $crate::error::OrThrow::or_throw(
                        $gateway::checkout(&self.config, &order)
                            .map(|form| form.to_html(auto_submit)),
                        &env,
                    )
                }
            )?

            $(
                /// The gateway's `parse_notification` on the raw body.
                #[napi]
                pub fn parse_notification(
                    &self,
                    env: Env,
                    content_type: String,
                    body: &[u8],
                ) -> napi::Result<$unverified> {
                    $crate::error::OrThrow::or_throw(
                        $gateway::parse_notification(&self.config, &content_type, body)
                            .map(|inner| $unverified { inner }),
                        &env,
                    )
                }

                $(
                    /// The gateway's `verify`: the signature. The unverified handle stays
                    /// usable (the core consumes a copy).
                    #[napi]
                    pub fn verify(
                        &self,
                        env: Env,
                        notification: &$unverified,
                    ) -> napi::Result<$verified> {
                        $crate::error::OrThrow::or_throw(
                            $gateway::verify(&self.config, notification.inner.clone())
                                .map(|inner| $verified { inner }),
                            &env,
                        )
                    }
                )?

                $(
                    /// The gateway's `postback_request` as `HttpRequest` JSON.
                    #[napi]
                    pub fn postback_request(&self, notification: &$unverified) -> String {
                        $crate::wire::to_json(&$gateway::postback_request(
                            &self.config,
                            &notification.inner,
                        ))
                    }

                    /// The gateway's `verify_postback` with the host's `Reply` JSON. The
                    /// unverified handle stays usable (the core consumes a copy), so a host may
                    /// retry after `postback_failed`.
                    #[napi]
                    pub fn verify_postback(
                        &self,
                        env: Env,
                        notification: &$unverified,
                        reply: String,
                    ) -> napi::Result<$postback_verified> {
                        let reply: vpos_core::Reply = $crate::gateway::read(&env, &reply)?;
                        $crate::error::OrThrow::or_throw(
                            $gateway::verify_postback(
                                &self.config,
                                notification.inner.clone(),
                                &reply,
                            )
                            .map(|inner| $postback_verified { inner }),
                            &env,
                        )
                    }
                )?
            )?
        }
    };
}

/// The two opaque notification handles, without a JavaScript constructor: the parsed one
/// whose authenticity is not proven yet, and the proven one. Their `inner` is crate-visible so
/// the gateway's verbs can unwrap them.
macro_rules! notification_handles {
    (
        $notification:ty;
        $(#[$unverified_doc:meta])*
        $unverified:ident;
        $(#[$verified_doc:meta])*
        $verified:ident;
    ) => {
        $(#[$unverified_doc])*
        #[napi]
        pub struct $unverified {
            pub(crate) inner: vpos_core::Unverified<$notification>,
        }

        #[napi]
        impl $unverified {
            /// The parsed notification as JSON, to be read with suspicion (to find the payment).
            #[napi]
            pub fn untrusted_json(&self) -> String {
                $crate::wire::to_json(self.inner.untrusted())
            }

            /// The raw body exactly as received.
            #[napi(getter)]
            pub fn raw_body(&self) -> napi::bindgen_prelude::Buffer {
                napi::bindgen_prelude::Buffer::from(self.inner.untrusted().raw_body())
            }
        }

        $(#[$verified_doc])*
        #[napi]
        pub struct $verified {
            pub(crate) inner: vpos_core::Verified<$notification>,
        }

        #[napi]
        impl $verified {
            /// The notification as JSON.
            #[napi]
            pub fn notification_json(&self) -> String {
                $crate::wire::to_json(&*self.inner)
            }

            /// The gateway-neutral event (with its idempotency `key`) as JSON.
            #[napi]
            pub fn event_json(&self) -> String {
                $crate::wire::to_json(&self.inner.event())
            }

            /// The raw body exactly as received.
            #[napi(getter)]
            pub fn raw_body(&self) -> napi::bindgen_prelude::Buffer {
                napi::bindgen_prelude::Buffer::from(self.inner.raw_body())
            }
        }
    };
}

/// The config-free functions of a gateway: `transition` over its verified notification handle
/// (unless it has a name of its own), `acknowledge` where the answer needs no configuration,
/// and `reject`.
macro_rules! notification_functions {
    (
        $gateway:ident;
        $(transition: $transition:ident($verified:ident);)?
        $(acknowledge: $acknowledge:ident;)?
        reject: $reject:ident;
    ) => {
        $(
            /// `transition(payment, verified.event())` as `Outcome` JSON; napi checks the
            /// handle's type tag.
            #[napi]
            pub fn $transition(
                env: Env,
                payment: String,
                verified: &$verified,
            ) -> napi::Result<String> {
                $crate::gateway::transition_json(&env, &payment, &verified.inner.event())
            }
        )?

        $(
            /// The gateway's `acknowledge`: the answer for an `Outcome` (JSON in, `HttpResponse`
            /// JSON out).
            #[napi]
            pub fn $acknowledge(env: Env, outcome: String) -> napi::Result<String> {
                $crate::gateway::acknowledge_json(&env, &outcome, $gateway::acknowledge)
            }
        )?

        /// The gateway's `reject`: the answer for an error (`{code, field, message}`).
        #[napi]
        pub fn $reject(env: Env, error: String) -> napi::Result<String> {
            $crate::gateway::reject_json(&env, &error, $gateway::reject)
        }
    };
}

/// A verified event with no notification behind it (the result of an API call the host made),
/// and its `transition`.
macro_rules! verified_event {
    (
        $(#[$doc:meta])*
        $name:ident;
        transition: $transition:ident;
    ) => {
        $(#[$doc])*
        #[napi]
        pub struct $name {
            inner: vpos_core::Verified<vpos_core::Event>,
        }

        #[napi]
        impl $name {
            /// The gateway-neutral event (with its idempotency `key`) as JSON.
            #[napi]
            pub fn event_json(&self) -> String {
                $crate::wire::to_json(&*self.inner)
            }
        }

        /// `transition(payment, event)` for an API result, as `Outcome` JSON.
        #[napi]
        pub fn $transition(env: Env, payment: String, verified: &$name) -> napi::Result<String> {
            $crate::gateway::transition_json(&env, &payment, &verified.inner)
        }
    };
}

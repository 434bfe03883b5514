//! The class shapes every `hostedpay.<gateway>` module shares: `Gateway(config, *, validate=True)`,
//! `Unverified` and `Verified`. A `#[pyclass]` cannot be generic, so `gateway_classes!` stamps
//! the three classes out per gateway and each module writes only its wire-specific methods;
//! the bodies they share live here once as generic functions.

use pyo3::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::convert::{Kind, from_py};
use crate::error::IntoPy;

/// A gateway configuration from a Python dict, checked by `validate` unless the caller opts
/// out (`validate=False` only deserializes, as the core's `serde` does).
pub fn config_from_py<C: DeserializeOwned>(
    py: Python<'_>,
    config: &Bound<'_, PyAny>,
    validate: bool,
    check: fn(&C) -> vpos_core::Result<()>,
) -> PyResult<C> {
    let config: C = from_py(config, Kind::Config)?;
    if validate {
        check(&config).py(py)?;
    }
    Ok(config)
}

/// `hostedpay.<gateway>.Gateway({...})`: the core serializes every secret as `"***"`, so the JSON
/// form is safe to show.
pub fn repr<C: Serialize>(module: &str, config: &C) -> String {
    format!(
        "{module}.Gateway({})",
        serde_json::to_string(config).unwrap_or_default()
    )
}

/// Declares `Gateway`, `Unverified` and `Verified` for one core gateway module.
///
/// Also declares the module's `reject` and (when named) `acknowledge` `#[pyfunction]`s, which
/// `Gateway.reject` / `Gateway.acknowledge` repeat; `answer_to` (`" to CECA"` or `""`) goes into
/// those methods' docs. The caller gives each class's doc comments, the docs of the shared
/// methods (they name the gateway's own wire fields), optionally the standard `merchant`
/// getter (`merchant = <config field>:`), `checkout` and `verify`, optionally `repr = path;` (a
/// `fn(&str, &Config) -> String` replacing the JSON `repr`) and the class's remaining `#[pymethods]`
/// (pyo3 allows one `#[pymethods]` block per class, so they are spliced into the generated one).
macro_rules! gateway_classes {
    (
        module = $module:literal, name = $name:literal, core = $core:ident, answer_to = $to:literal;

        $(#[$gateway_attr:meta])*
        pub struct Gateway;
        new: $(#[$new_doc:meta])*;
        parse_notification: $(#[$parse_doc:meta])*;
        $(merchant = $merchant:ident: $(#[$merchant_doc:meta])*;)?
        $(checkout: $(#[$checkout_doc:meta])*;)?
        $(verify: $(#[$verify_doc:meta])*;)?
        $(repr = $repr:path;)?
        impl Gateway { $($gateway_methods:tt)* }

        $(#[$unverified_attr:meta])*
        pub struct Unverified;
        untrusted: $(#[$untrusted_doc:meta])*;
        impl Unverified { $($unverified_methods:tt)* }

        $(#[$verified_attr:meta])*
        pub struct Verified;
        notification: $(#[$notification_doc:meta])*;
        event: $(#[$event_doc:meta])*;
        impl Verified { $($verified_methods:tt)* }

        $(#[$reject_fn_doc:meta])*
        pub fn reject;
        $($(#[$acknowledge_fn_doc:meta])* pub fn $acknowledge:ident;)?
    ) => {
        $(#[$reject_fn_doc])*
        #[pyfunction]
        pub fn reject<'py>(py: Python<'py>, error: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
            let error = $crate::error::from_py_err(error)?;
            $crate::convert::ser(py, &::vpos_core::gateways::$core::reject(&error))
        }

        $(
            $(#[$acknowledge_fn_doc])*
            #[pyfunction]
            pub fn $acknowledge<'py>(
                py: Python<'py>,
                outcome: &$crate::state::Outcome,
            ) -> PyResult<Bound<'py, PyAny>> {
                $crate::convert::ser(py, &::vpos_core::gateways::$core::$acknowledge(&outcome.0))
            }
        )?

        $(#[$gateway_attr])*
        #[pyclass(module = $module, name = "Gateway", frozen)]
        pub struct Gateway {
            config: ::vpos_core::gateways::$core::Config,
        }

        #[pymethods]
        impl Gateway {
            $(#[$new_doc])*
            #[new]
            #[pyo3(signature = (config, *, validate = true))]
            fn new(
                py: Python<'_>,
                config: &Bound<'_, PyAny>,
                validate: bool,
            ) -> PyResult<Self> {
                let check = ::vpos_core::gateways::$core::Config::validate;
                let config = $crate::gateway::config_from_py(py, config, validate, check)?;
                Ok(Gateway { config })
            }

            /// This configuration as the gateway-neutral `hostedpay.driver.Config` (not validated
            /// again).
            fn driver_config(&self) -> $crate::driver::Config {
                $crate::driver::Config(self.config.clone().into())
            }

            /// Checks every configuration value; raises `ConfigError` naming the first bad key.
            fn validate(&self, py: Python<'_>) -> PyResult<()> {
                $crate::error::IntoPy::py(self.config.validate(), py)
            }

            #[doc = concat!("`\"", $name, "\"`.")]
            #[getter]
            fn name(&self) -> &'static str {
                $name
            }

            $(#[$parse_doc])*
            fn parse_notification(
                &self,
                py: Python<'_>,
                content_type: &str,
                body: &[u8],
            ) -> PyResult<Unverified> {
                let parsed =
                    ::vpos_core::gateways::$core::parse_notification(&self.config, content_type, body);
                Ok(Unverified($crate::error::IntoPy::py(parsed, py)?))
            }

            #[doc = concat!("The answer", $to, " for a `VposError` (same as `", $module, ".reject`).")]
            fn reject<'py>(
                &self,
                py: Python<'py>,
                error: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyAny>> {
                reject(py, error)
            }

            $(
                #[doc = concat!(
                    "The answer", $to, " for an outcome (same as `", $module, ".acknowledge`)."
                )]
                fn $acknowledge<'py>(
                    &self,
                    py: Python<'py>,
                    outcome: &$crate::state::Outcome,
                ) -> PyResult<Bound<'py, PyAny>> {
                    $acknowledge(py, outcome)
                }
            )?

            $(
                $(#[$merchant_doc])*
                #[getter]
                fn merchant(&self) -> &str {
                    &self.config.$merchant
                }
            )?

            $(
                $(#[$checkout_doc])*
                fn checkout(
                    &self,
                    py: Python<'_>,
                    order: &Bound<'_, PyAny>,
                ) -> PyResult<$crate::http::RedirectForm> {
                    let order: ::vpos_core::gateways::$core::Order =
                        $crate::convert::from_py(order, $crate::convert::Kind::Value("order"))?;
                    let form = ::vpos_core::gateways::$core::checkout(&self.config, &order);
                    Ok($crate::http::RedirectForm($crate::error::IntoPy::py(form, py)?))
                }
            )?

            $(
                $(#[$verify_doc])*
                fn verify(&self, py: Python<'_>, notification: &Unverified) -> PyResult<Verified> {
                    let verified =
                        ::vpos_core::gateways::$core::verify(&self.config, notification.0.clone());
                    Ok(Verified($crate::error::IntoPy::py(verified, py)?))
                }
            )?

            $($gateway_methods)*

            fn __repr__(&self) -> String {
                $crate::gateway::repr_fn!($($repr)?)($module, &self.config)
            }
        }

        $(#[$unverified_attr])*
        #[pyclass(module = $module, name = "Unverified", frozen)]
        pub struct Unverified(
            ::vpos_core::Unverified<::vpos_core::gateways::$core::Notification>,
        );

        #[pymethods]
        impl Unverified {
            $(#[$untrusted_doc])*
            fn untrusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                $crate::convert::ser(py, self.0.untrusted())
            }

            /// The raw body exactly as received.
            #[getter]
            fn raw_body<'py>(&self, py: Python<'py>) -> Bound<'py, ::pyo3::types::PyBytes> {
                ::pyo3::types::PyBytes::new(py, self.0.untrusted().raw_body())
            }

            $($unverified_methods)*
        }

        $(#[$verified_attr])*
        #[pyclass(module = $module, name = "Verified", frozen)]
        pub struct Verified(::vpos_core::Verified<::vpos_core::gateways::$core::Notification>);

        #[pymethods]
        impl Verified {
            $(#[$notification_doc])*
            fn notification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                $crate::convert::ser(py, &*self.0)
            }

            $(#[$event_doc])*
            fn event(&self) -> $crate::state::Event {
                $crate::state::Event(self.0.event())
            }

            $($verified_methods)*
        }
    };
}

/// The `__repr__` body: the gateway's own `repr = path;` when it gives one, else [`repr`].
macro_rules! repr_fn {
    () => {
        $crate::gateway::repr
    };
    ($repr:path) => {
        $repr
    };
}

pub(crate) use {gateway_classes, repr_fn};

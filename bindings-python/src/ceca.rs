//! `hostedpay.ceca`: the CECA (Cecabank TPV virtual) verbs on a `Gateway(config)`.

use pyo3::prelude::*;

crate::gateway::gateway_classes! {
    module = "hostedpay.ceca", name = "ceca", core = ceca, answer_to = " to CECA";

    /// One CECA terminal. Building it validates the configuration (`ConfigError` with `.field`).
    /// The encryption key never appears in `repr`.
    pub struct Gateway;
    new: ;
    parse_notification:
        /// Parses a notification from the request's `Content-Type` and raw body. Nothing is
        /// trusted yet: `verify` it first.
    ;
    merchant = merchant_id:
        /// `MerchantID`, as notifications must name it.
    ;
    checkout:
        /// The signed redirect form for `order` (the core's `Order` shape).
    ;
    verify:
        /// Checks `Firma` with the key and that the notification is for this terminal; raises
        /// `VerificationError` (`signature_mismatch`) or `ConsistencyError` (`merchant_mismatch`).
    ;
    impl Gateway {}

    /// A parsed notification whose signature is not checked. Python cannot build one.
    pub struct Unverified;
    untrusted:
        /// The parsed fields (the core's Notification shape), untrusted.
    ;
    impl Unverified {
        /// `Num_operacion` (the shop's order), untrusted.
        #[getter]
        fn operation(&self) -> &str {
            &self.0.untrusted().operation
        }
        /// `Referencia`, untrusted.
        #[getter]
        fn reference(&self) -> &str {
            &self.0.untrusted().reference
        }
        /// `MerchantID`, untrusted.
        #[getter]
        fn merchant_id(&self) -> &str {
            &self.0.untrusted().merchant_id
        }
        fn __repr__(&self) -> String {
            let n = self.0.untrusted();
            format!(
                "<hostedpay.ceca.Unverified operation={:?} reference={:?}>",
                n.operation, n.reference
            )
        }
    }

    /// A notification whose `Firma` matched. Only `Gateway.verify` makes one.
    pub struct Verified;
    notification:
        /// The notification's fields (the core's Notification shape).
    ;
    event:
        /// The gateway-neutral event for `hostedpay.transition`.
    ;
    impl Verified {
        /// `Num_operacion`.
        #[getter]
        fn operation(&self) -> &str {
            &self.0.operation
        }
        fn __repr__(&self) -> String {
            format!(
                "<hostedpay.ceca.Verified operation={:?} reference={:?}>",
                self.0.operation, self.0.reference
            )
        }
    }

    /// The answer for a `VposError`: never `$*$OKY$*$`.
    pub fn reject;
    /// `200 $*$OKY$*$` when settled; otherwise `200` empty (CECA cancels).
    pub fn acknowledge;
}

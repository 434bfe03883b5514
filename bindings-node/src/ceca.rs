//! CECA: the gateway class with the verbs of design §2, the opaque notification handles,
//! and the config-free functions. Each function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi_derive::napi;
use vpos_core::gateways::ceca::{self, Notification, Order};

use crate::wire::public_json;

gateway_class! {
    /// One CECA account. The configuration (with its secrets) lives on the Rust side only.
    CecaGateway(ceca::Config) {
        public_config: |config| public_json(config),
        checkout: Order,
        notifications: CecaUnverifiedNotification,
        verify: CecaVerifiedNotification,
    }
}

notification_handles! {
    Notification;
    /// A parsed CECA notification whose authenticity is not proven yet.
    CecaUnverifiedNotification;
    /// A CECA notification proven authentic (its `Firma` matches); its status may still be a failure.
    CecaVerifiedNotification;
}

notification_functions! {
    ceca;
    transition: ceca_transition(CecaVerifiedNotification);
    acknowledge: ceca_acknowledge;
    reject: ceca_reject;
}

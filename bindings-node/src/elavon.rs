//! Santander Elavon: the gateway class with the verbs of design §2, the opaque notification handles,
//! and the config-free functions. Each function converts, calls `vpos_core`, converts back.

use napi::Env;
use napi_derive::napi;
use vpos_core::Reply;
use vpos_core::gateways::elavon::{self, Notification, Order, RemoteOperation};

use crate::error::OrThrow;
use crate::gateway::read;
use crate::wire::{public_json, to_json};

gateway_class! {
    /// One Santander Elavon account. The configuration (with its secrets) lives on the Rust side only.
    ElavonGateway(elavon::Config) {
        public_config: |config| public_json(config),
        checkout: Order,
        notifications: ElavonUnverifiedNotification,
        verify: ElavonVerifiedNotification,
    }
}

#[napi]
impl ElavonGateway {
    /// `elavon::remote_request` (settle, void, rebate) as `HttpRequest` JSON.
    #[napi]
    pub fn remote_request(&self, env: Env, operation: String) -> napi::Result<String> {
        let operation: RemoteOperation = read(&env, &operation)?;
        elavon::remote_request(&self.config, &operation)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `elavon::parse_remote_response` on the host's `Reply` JSON: the verified event.
    #[napi]
    pub fn parse_remote_response(
        &self,
        env: Env,
        operation: String,
        reply: String,
    ) -> napi::Result<ElavonVerifiedEvent> {
        let operation: RemoteOperation = read(&env, &operation)?;
        let reply: Reply = read(&env, &reply)?;
        elavon::parse_remote_response(&self.config, &operation, &reply)
            .map(|inner| ElavonVerifiedEvent { inner })
            .or_throw(&env)
    }
}

notification_handles! {
    Notification;
    /// A parsed Santander Elavon notification whose authenticity is not proven yet.
    ElavonUnverifiedNotification;
    /// A Santander Elavon notification proven authentic (its `SHA1HASH` matches); its status may still be a failure.
    ElavonVerifiedNotification;
}

notification_functions! {
    elavon;
    transition: elavon_transition(ElavonVerifiedNotification);
    acknowledge: elavon_acknowledge;
    reject: elavon_reject;
}

verified_event! {
    /// The verified result of a Remote operation (settle, void, rebate): an event, no notification.
    ElavonVerifiedEvent;
    transition: elavon_transition_event;
}

/// `elavon::hash`: `sha1_hex(sha1_hex(fields joined by ".") + "." + secret)`.
#[napi]
pub fn elavon_hash(fields: Vec<String>, secret: String) -> String {
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    elavon::hash(&fields, &secret)
}

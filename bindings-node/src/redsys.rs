//! Redsys: the gateway class with the verbs of design §2 (checkout, notification parse and
//! verify, the answers, REST operations), the opaque notification handles, and the
//! config-free functions.

use napi::Env;
use napi_derive::napi;
use vpos_core::gateways::redsys::{self, Notification, Operation, Order};
use vpos_core::{Error, ErrorCode, Reply};

use crate::error::OrThrow;
use crate::gateway::read;
use crate::outcome::parse_outcome;
use crate::wire::{public_json, to_json};

gateway_class! {
    /// One Redsys terminal. The configuration (with its secret key) lives on the Rust side only.
    RedsysGateway(redsys::Config) {
        public_config: |config| public_json(config),
        checkout: Order,
        notifications: RedsysUnverifiedNotification,
        verify: RedsysVerifiedNotification,
    }
}

#[napi]
impl RedsysGateway {
    /// `redsys::order_key`: base64 of the per-order key.
    #[napi]
    pub fn order_key(&self, env: Env, order: String) -> napi::Result<String> {
        redsys::order_key(&self.config, &order).or_throw(&env)
    }

    /// `redsys::sign` over `message` keyed with `order`.
    #[napi]
    pub fn sign(&self, env: Env, order: String, message: &[u8]) -> napi::Result<String> {
        redsys::sign(&self.config, &order, message).or_throw(&env)
    }

    /// `redsys::acknowledge`: the answer for a verified notification and its `Outcome` JSON
    /// (the signed SOAP envelope for a SOAP notification).
    #[napi]
    pub fn acknowledge(
        &self,
        env: Env,
        notification: &RedsysVerifiedNotification,
        outcome: String,
    ) -> napi::Result<String> {
        let outcome = parse_outcome(&outcome).or_throw(&env)?;
        redsys::acknowledge(&self.config, &notification.inner, &outcome)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::soap_answer`: the signed SOAP `OK`/`KO` envelope for `order`.
    #[napi]
    pub fn soap_answer(&self, env: Env, order: String, accept: bool) -> napi::Result<String> {
        redsys::soap_answer(&self.config, &order, accept)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::operation_request` (refund, confirm, cancel) as `HttpRequest` JSON.
    #[napi]
    pub fn operation_request(&self, env: Env, operation: String) -> napi::Result<String> {
        let operation: Operation = read(&env, &operation)?;
        redsys::operation_request(&self.config, &operation)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::parse_operation_response` on the host's `Reply` JSON: the verified result.
    #[napi]
    pub fn parse_operation_response(
        &self,
        env: Env,
        reply: String,
    ) -> napi::Result<RedsysVerifiedNotification> {
        let reply: Reply = read(&env, &reply)?;
        redsys::parse_operation_response(&self.config, &reply)
            .map(|inner| RedsysVerifiedNotification { inner })
            .or_throw(&env)
    }
}

notification_handles! {
    Notification;
    /// A parsed Redsys notification whose signature is not checked yet.
    RedsysUnverifiedNotification;
    /// A Redsys notification (or REST reply) whose signature is proven; its status may still be a
    /// decline.
    RedsysVerifiedNotification;
}

notification_functions! {
    redsys;
    transition: redsys_transition(RedsysVerifiedNotification);
    reject: redsys_reject;
}

/// A `Ds_Response` for a `Ds_TransactionType`: `{action, status, response}` (the response
/// normalised to four digits).
#[napi]
pub fn redsys_status(env: Env, transaction_type: String, response: String) -> napi::Result<String> {
    let response = redsys::normalize_response(&response)
        .ok_or_else(|| {
            Error::new(ErrorCode::FieldInvalid, "Ds_Response must be 1 to 4 digits")
                .with_field("Ds_Response")
        })
        .or_throw(&env)?;
    let (action, status) = redsys::map_status(&transaction_type, &response);
    #[derive(serde::Serialize)]
    struct StatusInfo<'a> {
        action: vpos_core::Action,
        status: &'a str,
        response: String,
    }
    Ok(to_json(&StatusInfo {
        action,
        status: status.as_str(),
        response,
    }))
}

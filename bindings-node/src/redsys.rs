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

/// A Redsys notification as flat text (`crate::flat`), in the order of its JSON shape:
/// format, signature_version, order, amount (minor, currency, value), merchant_code, terminal,
/// response, transaction_type, action, status, authorisation_code, error_code, merchant_data,
/// identifier, expiry_date, cof_txnid, then the parameters' names and values. `lib/redsys.js`
/// rebuilds the object; `None` when a value cannot be written flat (then JSON).
fn notification_flat(n: &Notification) -> Option<String> {
    let mut f = crate::flat::Flat::with_capacity(
        256 + n
            .parameters
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>(),
    );
    f.name(&n.format);
    f.str(&n.signature_version);
    f.str(&n.order);
    f.display(n.amount.minor());
    f.display(n.amount.currency());
    f.str(&n.amount.to_decimal_string());
    f.str(&n.merchant_code);
    f.opt(n.terminal.as_deref());
    f.str(&n.response);
    f.str(&n.transaction_type);
    f.name(&n.action);
    f.str(n.status.as_str());
    f.opt(n.authorisation_code.as_deref());
    f.opt(n.error_code.as_deref());
    f.opt(n.merchant_data.as_deref());
    f.opt(n.identifier.as_deref());
    f.opt(n.expiry_date.as_deref());
    f.opt(n.cof_txnid.as_deref());
    f.pairs(&n.parameters);
    f.finish()
}

/// A parsed notification as flat text (`lib/redsys.js` reads it), or `undefined` when it must
/// travel as JSON. A function, not a method: the handles' methods are the public surface.
#[napi]
pub fn redsys_untrusted_flat(notification: &RedsysUnverifiedNotification) -> Option<String> {
    notification_flat(notification.inner.untrusted())
}

/// A verified notification as flat text (`lib/redsys.js` reads it), or `undefined` when it must
/// travel as JSON.
#[napi]
pub fn redsys_notification_flat(verified: &RedsysVerifiedNotification) -> Option<String> {
    notification_flat(&verified.inner)
}

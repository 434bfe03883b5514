//! The payment state machine: `transition(payment, verified)`.

use napi::Env;
use napi_derive::napi;

use crate::notification::FlocashVerifiedNotification;

/// What a verified notification does to a stored payment, as `Outcome` JSON. Only a
/// `VerifiedNotification` handle is accepted: napi checks its type tag, so no JavaScript
/// object can stand in for one.
#[napi]
pub fn transition(
    env: &Env,
    payment: String,
    verified: &FlocashVerifiedNotification,
) -> napi::Result<String> {
    crate::gateway::transition_json(env, &payment, &verified.inner.event())
}

//! The payment state machine: `transition(payment, verified)`.

use napi::Env;
use napi_derive::napi;
use vpos_core::PaymentSnapshot;

use crate::error::OrThrow;
use crate::notification::VerifiedNotification;
use crate::wire::{Role, parse, to_json};

/// What a verified notification does to a stored payment, as `Outcome` JSON. Only a
/// `VerifiedNotification` handle is accepted: napi checks its type tag, so no JavaScript
/// object can stand in for one.
#[napi]
pub fn transition(
    env: &Env,
    payment: String,
    verified: &VerifiedNotification,
) -> napi::Result<String> {
    let payment: PaymentSnapshot = parse(&payment, Role::Data).or_throw(env)?;
    Ok(to_json(&vpos_core::transition(
        &payment,
        &verified.inner().event(),
    )))
}

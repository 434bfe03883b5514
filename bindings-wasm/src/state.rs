//! The payment state machine's values as plain JS objects, as the Node package gives them: an
//! event is `EventJson`, an outcome `OutcomeJson`. What keeps JS from forging an event is that
//! `transition` takes the verified *handle* (a class only this module makes), never the plain
//! event: each verified class has a hidden `__transition(payment)` that the glue's
//! `transition(payment, verified)` calls after an `instanceof` check (js/edge-glue.js).

use vpos_core::{Outcome, PaymentSnapshot};
use wasm_bindgen::JsValue;

use crate::js::{Arg, Thrown, from_js, to_js};

/// What `event` does to the stored `payment` (a `PaymentSnapshot` from JS), as `OutcomeJson`.
pub(crate) fn transition(payment: JsValue, event: &vpos_core::Event) -> Result<JsValue, Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    to_js(&vpos_core::transition(&payment, event))
}

/// An `OutcomeJson` read back for an answer (`acknowledge`): the core re-reads what it decided.
pub(crate) fn outcome(value: JsValue) -> Result<Outcome, Thrown> {
    from_js(value, Arg::value("outcome"))
}

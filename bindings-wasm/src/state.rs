//! The payment state machine: `transition(payment, event)` and its two opaque values.

use vpos_core::PaymentSnapshot;
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, from_js, to_js};

/// A verified, gateway-neutral fact about a payment. Opaque: only a verified notification
/// produces one, so JS cannot forge an event to move a payment.
#[wasm_bindgen]
pub struct Event(vpos_core::Event);

impl Event {
    pub(crate) fn new(event: vpos_core::Event) -> Event {
        Event(event)
    }
}

#[wasm_bindgen]
impl Event {
    /// The idempotency key (`flocash:<fpn_id>:<trans_id>:<action>:<status_code>`): keep it
    /// under a unique constraint with the payment.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> String {
        self.0.key().to_string()
    }

    /// The event as JSON: `{gateway, key, merchant, order_id, transaction_id, amount,
    /// action, status, status_code}`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "EventJson")]
    pub fn to_json(&self) -> Result<JsValue, Thrown> {
        to_js(&self.0)
    }
}

/// What `transition` decided. Opaque so that `acknowledge` gets exactly what the core
/// decided; read it with `toJSON()` (`{outcome: "applied", from, to, refunded_minor}`, …),
/// `newStatus` and `isAcknowledged`.
#[wasm_bindgen]
pub struct Outcome(vpos_core::Outcome);

impl Outcome {
    pub(crate) fn inner(&self) -> &vpos_core::Outcome {
        &self.0
    }
}

#[wasm_bindgen]
impl Outcome {
    /// The status to store, when the payment must change (`undefined` otherwise).
    #[wasm_bindgen(getter, js_name = newStatus, unchecked_return_type = "PaymentStatus | undefined")]
    pub fn new_status(&self) -> Option<String> {
        self.0.new_status().map(|s| s.as_str().to_string())
    }

    /// Whether the gateway is told "received, stop sending" (`false` for rejections and
    /// unknown statuses, which need a person).
    #[wasm_bindgen(getter, js_name = isAcknowledged)]
    pub fn is_acknowledged(&self) -> bool {
        self.0.is_acknowledged()
    }

    /// The outcome as JSON, the shape every vpos binding returns.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "OutcomeJson")]
    pub fn to_json(&self) -> Result<JsValue, Thrown> {
        to_js(&self.0)
    }
}

/// Decides what a verified event does to the stored payment (`{gateway, merchant, order_id,
/// amount, status, live?, refunded_minor?, applied_event_keys?}`). Pure: apply the result
/// under a row lock, with the event key.
#[wasm_bindgen]
pub fn transition(
    #[wasm_bindgen(unchecked_param_type = "PaymentSnapshot")] payment: JsValue,
    event: &Event,
) -> Result<Outcome, Thrown> {
    let payment: PaymentSnapshot = from_js(payment, Arg::value("payment"))?;
    Ok(Outcome(vpos_core::transition(&payment, &event.0)))
}

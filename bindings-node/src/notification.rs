//! Opaque handles for FloCash notifications: parsed-but-unproven and proven.
//!
//! Neither class has a JavaScript constructor; instances only come out of
//! `Gateway.parseNotification` and `Gateway.verifyPostback`.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use vpos_core::gateways::flocash::Notification;
use vpos_core::{Unverified, Verified};

use crate::wire::to_json;

/// A parsed FloCash notification whose authenticity is not proven yet.
#[napi(js_name = "FlocashUnverifiedNotification")]
pub struct UnverifiedNotification {
    inner: Unverified<Notification>,
}

impl UnverifiedNotification {
    pub(crate) fn new(inner: Unverified<Notification>) -> Self {
        UnverifiedNotification { inner }
    }

    pub(crate) fn inner(&self) -> &Unverified<Notification> {
        &self.inner
    }
}

#[napi]
impl UnverifiedNotification {
    /// The parsed notification as JSON, to be read with suspicion (to find the payment).
    #[napi]
    pub fn untrusted_json(&self) -> String {
        to_json(self.inner.untrusted())
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.untrusted().raw_body())
    }
}

/// A FloCash notification proven authentic by the post-back (its status may still be a
/// decline: verified says who sent it, not that the payment succeeded).
#[napi(js_name = "FlocashVerifiedNotification")]
pub struct VerifiedNotification {
    inner: Verified<Notification>,
}

impl VerifiedNotification {
    pub(crate) fn new(inner: Verified<Notification>) -> Self {
        VerifiedNotification { inner }
    }

    pub(crate) fn inner(&self) -> &Verified<Notification> {
        &self.inner
    }
}

#[napi]
impl VerifiedNotification {
    /// The notification as JSON.
    #[napi]
    pub fn notification_json(&self) -> String {
        to_json(&*self.inner)
    }

    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&self.inner.event())
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.raw_body())
    }
}

//! Opaque handles for FloCash notifications: parsed-but-unproven and proven.
//!
//! Neither class has a JavaScript constructor; instances only come out of
//! `Gateway.parseNotification` and `Gateway.verifyPostback`.

use napi_derive::napi;
use vpos_core::gateways::flocash::Notification;

notification_handles! {
    Notification;
    /// A parsed FloCash notification whose authenticity is not proven yet.
    FlocashUnverifiedNotification;
    /// A FloCash notification proven authentic by the post-back (its status may still be a
    /// decline: verified says who sent it, not that the payment succeeded).
    FlocashVerifiedNotification;
}

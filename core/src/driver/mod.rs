//! The gateway-neutral driver: every gateway behind one set of verbs, so a host writes one
//! notification path and one operation path and never names a gateway's wire field.
//!
//! The gateway modules stay as they are; this layer only dispatches to them and decides, once
//! for all gateways, what hosts used to decide each in its own way: which fields identify a
//! notification ([`Summary`]), how it is proven ([`prove`]), what it leaves on the payment
//! ([`PaymentFields`]), the label a host stores ([`Verdict`]), which configuration keys are
//! secret ([`secret_keys`]), and how an operation is asked and read ([`operation_request`],
//! [`parse_operation_reply`], [`OperationStatus`]), and how a payment becomes a checkout
//! ([`Order::for_payment`], [`checkout`], [`parse_checkout_reply`], [`new_order_id`]), and what
//! became of a payment ([`status_query_request`], [`parse_status_reply`]). Which operations a payment's status
//! allows is in [`crate::state::allowed_operations`], beside the state table.
//!
//! A notification, whatever the gateway:
//!
//! ```
//! use vpos_core::driver::{self, Config, Proof, Request, Verdict};
//! use vpos_core::{transition, PaymentSnapshot, Reply};
//!
//! let config = Config::from_json(&serde_json::json!({"gateway": "flocash",
//!     "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
//!     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
//!     "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}))?;
//! let body = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=5.00&currency_code=USD\
//!              &trans_id=T1&fpn_id=F1&status=0000&status_msg=ok";
//! let request = Request { content_type: "application/x-www-form-urlencoded", body, query: "",
//!                         token: Some("a-long-random-token"), ..Request::default() };
//!
//! // 1. Parse, and store the summary with the raw body before anything can fail.
//! let unverified = driver::parse_notification(&config, &request)?;
//! assert_eq!(unverified.summary().order_id, "AT000001");
//! // 2. Prove: here FloCash must confirm it; the host performs the request.
//! let verified = match driver::prove(&config, unverified)? {
//!     Proof::Verified(v) => v,
//!     Proof::NeedsReply { request, pending } => {
//!         assert_eq!(request.url, "https://fcms.flocash.com/validateNotify.do");
//!         pending.finish(&config, &Reply::Response { status: 200, body: b"VERIFIED".to_vec() })?
//!     }
//! };
//! // 3. Lock the payment row, transition, store, answer.
//! let payment: PaymentSnapshot = serde_json::from_value(serde_json::json!({"gateway": "flocash",
//!     "merchant": "sales@demoshop.com", "order_id": "AT000001",
//!     "amount": {"value": "5.00", "currency": "USD"}, "status": "pending"})).unwrap();
//! let outcome = transition(&payment, &verified.event());
//! let answer = driver::acknowledge(&config, &verified, &outcome)?;
//! assert_eq!((answer.verdict, answer.response.body.as_str()), (Verdict::Applied, "00"));
//! # Ok::<(), vpos_core::Error>(())
//! ```

mod answer;
mod checkout;
mod config;
mod notification;
mod operation;
mod proof;
mod query;
mod retry;

pub use answer::{
    Answer, Verdict, acknowledge, payment_not_found, reject, reject_unread, unknown_account,
};
pub use checkout::{
    Checkout, CheckoutReply, Order, OrderRequest, checkout, new_order_id, parse_checkout_reply,
};
pub use config::{Config, GATEWAYS, PREVIEW_GATEWAYS, gateway, is_built, secret_keys};
pub use notification::{
    Notification, PaymentFields, Request, RestWebhook, Summary, max_body_bytes, parse_notification,
};
pub use operation::{
    Operation, OperationKind, OperationReply, OperationState, OperationStatus, operation_request,
    parse_operation_reply, supported_operations,
};
pub use proof::{Pending, Proof, prove};
pub use query::{
    StatusQuery, StatusReply, parse_status_reply, status_query_request, supports_status_query,
};
pub use retry::{
    Failure, MAX_KEY_LEN, RetryPolicy, checkout_key, operation_key, retry_after,
    supports_idempotency_key,
};

//! # vpos-node
//!
//! The native half of the npm package `hostedpay`: napi-rs glue over `vpos-core`.
//!
//! What it refuses to do: decide anything. Every function here converts its input, calls the
//! core and converts the answer back; validation, status mapping, state moves and the HTTP
//! answers all come from `vpos-core`. The JavaScript half (`index.js`, `lib/`) adds the
//! notification handler's I/O (the post-back over `fetch`) and nothing else.
//!
//! Values cross the boundary as JSON text in the core's own serde shapes (see
//! `docs/conformance.md`), so a config or payment snapshot written for Django works here
//! unchanged. Minor units travel as decimal strings inside that text and become `bigint` in
//! JavaScript (`lib/json.js`), because a JS `number` cannot hold every `i64`.
//!
//! Notifications stay native: `UnverifiedNotification` and `VerifiedNotification` are opaque
//! classes without a JS constructor, type-tagged by napi, so JavaScript cannot forge the
//! "verified" one that [`state::transition`] demands. Redsys's `parseNotification` and `verify`
//! handles are JavaScript objects instead (`lib/redsys.js`, private fields, no public
//! constructor) holding what they were made from; the addon keeps the last parse and the last
//! proven notification (`redsys.rs`) and, asked about another one, parses and verifies it again
//! itself: a notification is only ever "verified" there by the addon's own `verify`.

// Public so that every `#[napi]` export counts as used in `cargo test`, where napi's module
// registration is compiled out; nothing here is a Rust API.
// First, so that its `macro_rules!` are in scope for every gateway module below.
#[macro_use]
pub mod gateway;
pub mod bitpay;
pub mod ceca;
pub mod driver;
pub mod elavon;
pub mod error;
pub mod flat;
pub mod flocash;
pub mod money;
pub mod notification;
pub mod outcome;
pub mod paypal;
pub mod paypal_rest;
pub mod query;
pub mod redsys;
pub mod state;
pub mod testing;
pub mod wire;

use napi_derive::napi;

/// The addon's own Rust allocations (never V8's or Node's) go to mimalloc: a Redsys verify
/// parses and drops some fifty small strings, and glibc's `malloc`/`free` were about a tenth of
/// it (measured 2026-12-06, `perf record` on `verify(parseNotification(...)).notification`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every stable error code of the core (`ErrorCode::ALL`), in catalogue order.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    vpos_core::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect()
}

/// Every payment status of the core's one status model, in lifecycle order.
#[napi]
pub fn payment_statuses() -> Vec<&'static str> {
    vpos_core::PaymentStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect()
}

/// `RedirectForm::to_html` for a form JSON the host's server built (and signed): every value
/// escaped by the core; `auto_submit` adds the inline submitting script.
#[napi]
pub fn render_form(env: napi::Env, form: String, auto_submit: bool) -> napi::Result<String> {
    use crate::error::OrThrow;
    let form: vpos_core::RedirectForm = wire::parse(&form, wire::Role::Data).or_throw(&env)?;
    Ok(form.to_html(auto_submit))
}

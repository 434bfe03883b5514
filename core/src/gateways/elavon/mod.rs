//! Santander Elavon (Realex / Global Payments HPP and Remote XML).
//!
//! | verb | here |
//! |---|---|
//! | `checkout` | [`checkout`]: the HPP form with `SHA1HASH` (or `SHA256HASH`, [`HashAlgorithm`]), and with `HPP_VERSION=2` and the 3-D Secure 2 fields when the order carries [`crate::cardholder::Cardholder`] data |
//! | `parse_notification` / `verify` | [`parse_notification`], [`verify`] (the HPP response POST) |
//! | settle / void / refund | [`remote_request`], [`parse_remote_response`] (Remote XML) |
//! | `acknowledge` | [`acknowledge`], [`reject`] |
//! | gateway side (emulators, tests) | [`parse_remote_request`], [`verify_remote_request`], [`rebate_hash`] |
//!
//! Every hash is `sha1_hex(sha1_hex(fields joined by ".") + "." + secret)` (on the HPP, the
//! same two steps with SHA-256 when the configuration says `hash_algorithm: "sha256"`). The
//! host supplies the timestamp (`YYYYMMDDHHMMSS`): vpos reads no clock.

mod checkout;
mod config;
mod notification;
mod remote;

pub use checkout::{Order, checkout};
pub use config::{
    Config, HashAlgorithm, LIVE_CHECKOUT_URL, LIVE_REMOTE_URL, TEST_CHECKOUT_URL, TEST_REMOTE_URL,
};
pub use notification::{MAX_BODY_BYTES, Notification, map_result, parse_notification, verify};
pub use remote::{
    RemoteKind, RemoteOperation, RemoteRequest, parse_remote_request, parse_remote_response,
    remote_request, verify_remote_request,
};

use sha1::{Digest, Sha1};

use crate::hex::hex;

use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::state::Outcome;

/// `sha1_hex(sha1_hex(fields.join(".")) + "." + secret)`, lower-case.
///
/// ```
/// // Realex's own test (rxp-hpp-java HppRequestTest.hashTest, peers-and-vectors X2):
/// let h = vpos_core::gateways::elavon::hash(&["20130814122239", "thestore", "ORD453-11", "29900", "EUR"], "mysecret");
/// assert_eq!(h, "cc72c08e529b3bc153481eda9533b815cef29de3");
/// ```
pub fn hash(fields: &[&str], secret: &str) -> String {
    let inner = hex(&Sha1::digest(fields.join(".").as_bytes()));
    hex(&Sha1::digest(format!("{inner}.{secret}").as_bytes()))
}

/// The `refundhash` a Remote `rebate` carries: the lower-case hex SHA-1 of the rebate password
/// (what [`remote_request`] sends and [`verify_remote_request`] checks).
///
/// ```
/// assert_eq!(vpos_core::gateways::elavon::rebate_hash("rebate"),
///            "fe528c20a04fb494f796591392ede2d36140b471");
/// ```
pub fn rebate_hash(rebate_password: &str) -> String {
    hex(&Sha1::digest(rebate_password.as_bytes()))
}

/// The answer to the HPP response POST: `200` once settled (the HPP shows the body to the
/// customer, so it is a short page), `409` for a contradiction, `503` for an unknown result.
pub fn acknowledge(outcome: &Outcome) -> HttpResponse {
    HttpResponse::settled(outcome, "OK")
}

/// The answer when the response POST could not be taken in.
pub fn reject(error: &Error) -> HttpResponse {
    match error.code() {
        ErrorCode::SignatureMismatch => HttpResponse::text(403, error.code().as_str()),
        ErrorCode::InvalidConfig | ErrorCode::PaymentNotFound => {
            HttpResponse::text(503, error.code().as_str())
        }
        _ => HttpResponse::errors(422, error),
    }
}

//! Outgoing operations that survive failure: the idempotency key an operation is recorded (and,
//! where the gateway reads one, sent) under, and when a failed attempt may be sent again.
//!
//! The rule is the money's: an operation the gateway may have executed is sent again only to
//! a gateway that recognises the repeat by its key; anywhere else it stays `pending` and the
//! status query (or a notification, or a person) settles it. Nothing here sleeps or reads a
//! clock: [`retry_after`] says how long, the host waits.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::operation::OperationKind;
use crate::gateways::Gateway;
use crate::http::Reply;

/// Prefixed to every key, so a key read in a gateway's back office says where it came from,
/// and a future scheme (`vpos2-`) can never collide with this one.
const KEY_PREFIX: &str = "vpos1-";
/// PayPal NVP's `MSGSUBID` takes "a string of up to 38 single-byte characters"; every key
/// fits the smallest limit of a gateway that reads one.
pub const MAX_KEY_LEN: usize = 38;

/// The idempotency key of an operation: the same inputs give the same key in every runtime
/// and release, so retrying the same operation (after a timeout, a restart, from another
/// worker) sends the same key, while `sequence` (the host's 1-based count of operations of
/// `kind` on the payment, this one included) gives a second refund its own.
///
/// `vpos1-` and 32 lowercase hex digits (38 characters, printable ASCII): the first 128 bits
/// of the SHA-256 of the escaped parts, so no part (a merchant, an order id) shows on the
/// wire and no two different operations share a key. Record it always; send it where
/// [`supports_idempotency_key`] says the gateway reads it.
///
/// ```
/// use vpos_core::driver::{operation_key, OperationKind};
/// use vpos_core::gateways::Gateway;
/// let first = operation_key(Gateway::Paypal, "shop@example.com", "ORDER-1", OperationKind::Refund, 1);
/// assert_eq!(first, "vpos1-59693b306f9b614b122d1ac734622588");
/// assert_eq!(first, operation_key(Gateway::Paypal, "shop@example.com", "ORDER-1", OperationKind::Refund, 1));
/// assert_ne!(first, operation_key(Gateway::Paypal, "shop@example.com", "ORDER-1", OperationKind::Refund, 2));
/// ```
pub fn operation_key(
    gateway: Gateway,
    merchant: &str,
    order_id: &str,
    kind: OperationKind,
    sequence: u32,
) -> String {
    let sequence = sequence.to_string();
    let parts = [
        "vpos-operation-v1",
        gateway.as_str(),
        merchant,
        order_id,
        kind.as_str(),
        &sequence,
    ];
    hashed(&parts)
}

/// The key of the one checkout request that creates a gateway's payment page by API (PayPal
/// REST's create order, sent as `PayPal-Request-Id`): one per shop order, so a create whose
/// answer was lost, sent again, gives back the same PayPal order instead of a second one.
/// `vpos1-` and 32 lowercase hex digits of the SHA-256 of `vpos-checkout-v1`, gateway,
/// merchant and order id, escaped and joined as in [`operation_key`].
///
/// ```
/// use vpos_core::driver::checkout_key;
/// use vpos_core::gateways::Gateway;
/// let key = checkout_key(Gateway::PaypalRest, "shop@example.com", "ORDER-1");
/// assert!(key.starts_with("vpos1-") && key.len() == 38);
/// assert_ne!(key, checkout_key(Gateway::PaypalRest, "shop@example.com", "ORDER-2"));
/// ```
pub fn checkout_key(gateway: Gateway, merchant: &str, order_id: &str) -> String {
    hashed(&["vpos-checkout-v1", gateway.as_str(), merchant, order_id])
}

fn hashed(parts: &[&str]) -> String {
    let digest = Sha256::digest(escaped(parts).as_bytes());
    let mut key = String::with_capacity(MAX_KEY_LEN);
    key.push_str(KEY_PREFIX);
    for byte in &digest[..16] {
        key.push(HEX[usize::from(byte >> 4)] as char);
        key.push(HEX[usize::from(byte & 0x0f)] as char);
    }
    key
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The parts joined with `:`, `%` and `:` inside a part escaped, so `("a:b", "c")` and
/// `("a", "b:c")` hash differently. Frozen: changing it changes every key.
fn escaped(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        for c in part.chars() {
            match c {
                '%' => out.push_str("%25"),
                ':' => out.push_str("%3A"),
                c => out.push(c),
            }
        }
    }
    out
}

/// Which gateway APIs vpos uses recognise a resent operation by a key the merchant sends,
/// and answer it with the first one's result instead of executing it again. Sources in
/// `docs/driver.md` ("Retries and idempotency keys").
const IDEMPOTENT: [(Gateway, bool); 7] = [
    // No operations in vpos.
    (Gateway::Flocash, false),
    // REST `trataPeticionREST`: no key field is documented, and a refund (type 3) may be
    // repeated on the same order (partial refunds), so a repeat refunds again.
    (Gateway::Redsys, false),
    // `anularOperacionExt`: no key field, partial refunds add up, and no public "already
    // refunded" code: a refund whose answer was lost stays pending, never sent again.
    (Gateway::Ceca, false),
    // Remote XML: no key is documented; whether a repeat is refused as a duplicate is not
    // documented either, so it is not counted on.
    (Gateway::Elavon, false),
    // NVP `RefundTransaction` `MSGSUBID`: "A message ID used for idempotence to uniquely
    // identify a message", usable to get the latest result "without generating a new request".
    (Gateway::Paypal, true),
    (Gateway::Bitpay, false),
    // REST `PayPal-Request-Id` on every POST: "PayPal returns the latest status of the
    // previous request with the same PayPal-Request-Id" (the idempotency reference).
    (Gateway::PaypalRest, true),
];

/// Whether `gateway`'s operation API (the one vpos uses) dedupes a resent operation by the
/// key of [`operation_key`]: only then may an attempt that may have reached the gateway be
/// sent again.
///
/// ```
/// use vpos_core::driver::supports_idempotency_key;
/// use vpos_core::gateways::Gateway;
/// assert!(supports_idempotency_key(Gateway::Paypal));
/// assert!(!supports_idempotency_key(Gateway::Redsys));
/// ```
pub fn supports_idempotency_key(gateway: Gateway) -> bool {
    IDEMPOTENT
        .iter()
        .find(|(g, _)| *g == gateway)
        .is_some_and(|(_, yes)| *yes)
}

/// How often and how patiently a host sends an operation again. JSON:
/// `{"max_attempts": 3, "base_delay_ms": 500, "max_delay_ms": 5000}` (every key optional,
/// unknown keys refused).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` (or `0`) never retries.
    pub max_attempts: u32,
    /// The wait before the second attempt; each later wait doubles it.
    pub base_delay_ms: u64,
    /// No wait is longer.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    /// 3 attempts, 500 ms then 1 s: a few seconds in all, inside a request's patience.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 500,
            max_delay_ms: 5000,
        }
    }
}

/// How an attempt failed, as far as a retry cares.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// The host knows the request never reached the gateway (the connection was refused,
    /// the name did not resolve): nothing can have been executed.
    NotSent,
    /// No answer after the request may have left: a timeout, a reset connection
    /// ([`Reply::Failed`]). The gateway may have executed it.
    NoAnswer,
    /// The gateway answered with this HTTP status and the core could not use the answer.
    Status(u16),
    /// The gateway refused: the core read its reply as a refusal (`gateway_error`, or a
    /// declined event).
    Refused,
}

impl Failure {
    /// The failure a reply the core could not use stands for: [`Failure::NoAnswer`] for the
    /// host's own failure, else the HTTP status.
    ///
    /// ```
    /// use vpos_core::{driver::Failure, Reply};
    /// let timeout = Reply::Failed { error: "timed out after 30 s".into() };
    /// assert_eq!(Failure::of_reply(&timeout), Failure::NoAnswer);
    /// let busy = Reply::Response { status: 503, body: Vec::new() };
    /// assert_eq!(Failure::of_reply(&busy), Failure::Status(503));
    /// ```
    pub fn of_reply(reply: &Reply) -> Failure {
        match reply {
            Reply::Response { status, .. } => Failure::Status(*status),
            Reply::Failed { .. } => Failure::NoAnswer,
        }
    }
}

/// After attempt number `attempt` (1-based) of an operation on `gateway` failed with
/// `failure`: the wait in milliseconds before sending it again, or `None` to stop.
///
/// - a refusal is final: [`Failure::Refused`], or any answer that is not a 5xx (a 2xx the
///   core could not use, a 4xx), is never sent again;
/// - [`Failure::NotSent`] is always safe to send again;
/// - [`Failure::NoAnswer`] or a 5xx may have been executed: sent again, under the same key,
///   only when [`supports_idempotency_key`] says the gateway dedupes it; otherwise `None`,
///   and the operation stays `pending` for the status query, never sent twice blindly;
/// - never beyond `policy.max_attempts` attempts in all.
///
/// The wait doubles from `base_delay_ms` and stops growing at `max_delay_ms`. It carries no
/// jitter (the core has no randomness): a host with many workers adds its own before
/// sleeping.
///
/// ```
/// use vpos_core::driver::{retry_after, Failure, RetryPolicy};
/// use vpos_core::gateways::Gateway;
/// let policy = RetryPolicy::default();
/// assert_eq!(retry_after(&policy, Gateway::Paypal, 1, &Failure::Status(503)), Some(500));
/// assert_eq!(retry_after(&policy, Gateway::Paypal, 2, &Failure::NoAnswer), Some(1000));
/// assert_eq!(retry_after(&policy, Gateway::Paypal, 3, &Failure::NoAnswer), None);
/// assert_eq!(retry_after(&policy, Gateway::Redsys, 1, &Failure::NoAnswer), None);
/// assert_eq!(retry_after(&policy, Gateway::Redsys, 1, &Failure::NotSent), Some(500));
/// assert_eq!(retry_after(&policy, Gateway::Paypal, 1, &Failure::Refused), None);
/// ```
pub fn retry_after(
    policy: &RetryPolicy,
    gateway: Gateway,
    attempt: u32,
    failure: &Failure,
) -> Option<u64> {
    if attempt >= policy.max_attempts {
        return None;
    }
    let may_resend = match failure {
        Failure::NotSent => true,
        Failure::NoAnswer => supports_idempotency_key(gateway),
        Failure::Status(status) if (500..600).contains(status) => supports_idempotency_key(gateway),
        Failure::Status(_) | Failure::Refused => false,
    };
    may_resend.then(|| backoff(policy, attempt))
}

/// `base · 2^(attempt-1)`, capped; saturating, so no policy overflows.
fn backoff(policy: &RetryPolicy, attempt: u32) -> u64 {
    let doublings = attempt.saturating_sub(1).min(63);
    policy
        .base_delay_ms
        .saturating_mul(1u64 << doublings)
        .min(policy.max_delay_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::GATEWAYS;

    #[test]
    fn keys_match_an_independent_computation() {
        // Python: "vpos1-" + hashlib.sha256(
        //   b"vpos-operation-v1:paypal:shop@example.com:ORDER-1:refund:1").hexdigest()[:32]
        assert_eq!(
            operation_key(
                Gateway::Paypal,
                "shop@example.com",
                "ORDER-1",
                OperationKind::Refund,
                1
            ),
            "vpos1-59693b306f9b614b122d1ac734622588"
        );
        // Python: the same over b"vpos-operation-v1:redsys:999008881:1234%3AA%25:capture:2"
        assert_eq!(
            operation_key(
                Gateway::Redsys,
                "999008881",
                "1234:A%",
                OperationKind::Capture,
                2
            ),
            "vpos1-c04d5ff4168d10191339c0f71e188413"
        );
    }

    #[test]
    fn keys_fit_every_gateway_and_tell_operations_apart() {
        let key = operation_key(Gateway::Elavon, "", "", OperationKind::Release, 0);
        assert_eq!(key.len(), MAX_KEY_LEN);
        assert!(key.bytes().all(|b| b.is_ascii_graphic()));
        let long = "ü".repeat(500);
        assert_eq!(
            operation_key(
                Gateway::Redsys,
                &long,
                &long,
                OperationKind::Charge,
                u32::MAX
            )
            .len(),
            MAX_KEY_LEN
        );
        // A separator moved between parts is another operation.
        let a = operation_key(Gateway::Redsys, "m:1", "o", OperationKind::Refund, 1);
        let b = operation_key(Gateway::Redsys, "m", "1:o", OperationKind::Refund, 1);
        assert_ne!(a, b);
        let refund = operation_key(Gateway::Redsys, "m", "o", OperationKind::Refund, 1);
        for other in [
            operation_key(Gateway::Elavon, "m", "o", OperationKind::Refund, 1),
            operation_key(Gateway::Redsys, "n", "o", OperationKind::Refund, 1),
            operation_key(Gateway::Redsys, "m", "p", OperationKind::Refund, 1),
            operation_key(Gateway::Redsys, "m", "o", OperationKind::Capture, 1),
            operation_key(Gateway::Redsys, "m", "o", OperationKind::Refund, 2),
        ] {
            assert_ne!(refund, other);
        }
    }

    #[test]
    fn only_paypal_dedupes() {
        let yes: Vec<_> = GATEWAYS
            .into_iter()
            .chain(crate::driver::PREVIEW_GATEWAYS)
            .filter(|g| supports_idempotency_key(*g))
            .collect();
        assert_eq!(yes, [Gateway::Paypal, Gateway::PaypalRest]);
        assert_eq!(
            IDEMPOTENT.len(),
            GATEWAYS.len() + crate::driver::PREVIEW_GATEWAYS.len()
        );
    }

    #[test]
    fn a_refusal_is_never_retried() {
        let p = RetryPolicy::default();
        for g in GATEWAYS {
            assert_eq!(retry_after(&p, g, 1, &Failure::Refused), None);
            for status in [200, 201, 302, 400, 401, 404, 409, 422, 499, 600] {
                assert_eq!(
                    retry_after(&p, g, 1, &Failure::Status(status)),
                    None,
                    "{status}"
                );
            }
        }
    }

    #[test]
    fn not_sent_is_always_retried() {
        let p = RetryPolicy::default();
        for g in GATEWAYS {
            assert_eq!(retry_after(&p, g, 1, &Failure::NotSent), Some(500));
            assert_eq!(retry_after(&p, g, 2, &Failure::NotSent), Some(1000));
        }
    }

    #[test]
    fn maybe_executed_is_retried_only_where_the_gateway_dedupes() {
        let p = RetryPolicy::default();
        for failure in [
            Failure::NoAnswer,
            Failure::Status(500),
            Failure::Status(503),
            Failure::Status(599),
        ] {
            assert_eq!(retry_after(&p, Gateway::Paypal, 1, &failure), Some(500));
            for g in [
                Gateway::Redsys,
                Gateway::Elavon,
                Gateway::Ceca,
                Gateway::Flocash,
                Gateway::Bitpay,
            ] {
                assert_eq!(retry_after(&p, g, 1, &failure), None, "{g:?} {failure:?}");
            }
        }
    }

    #[test]
    fn attempts_are_bounded_and_waits_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 500,
            max_delay_ms: 5000,
        };
        let waits: Vec<_> = (1..=10)
            .map(|a| retry_after(&p, Gateway::Redsys, a, &Failure::NotSent))
            .collect();
        assert_eq!(
            waits,
            [
                Some(500),
                Some(1000),
                Some(2000),
                Some(4000),
                Some(5000),
                Some(5000),
                Some(5000),
                Some(5000),
                Some(5000),
                None
            ]
        );
        let once = RetryPolicy {
            max_attempts: 1,
            ..p
        };
        assert_eq!(
            retry_after(&once, Gateway::Paypal, 1, &Failure::NotSent),
            None
        );
        let never = RetryPolicy {
            max_attempts: 0,
            ..p
        };
        assert_eq!(
            retry_after(&never, Gateway::Paypal, 0, &Failure::NotSent),
            None
        );
        let huge = RetryPolicy {
            max_attempts: u32::MAX,
            base_delay_ms: u64::MAX,
            max_delay_ms: u64::MAX,
        };
        assert_eq!(
            retry_after(&huge, Gateway::Paypal, 200, &Failure::NotSent),
            Some(u64::MAX)
        );
        // Attempt 0 (a host counting from zero) waits the base, not half of it.
        assert_eq!(
            retry_after(&p, Gateway::Paypal, 0, &Failure::NotSent),
            Some(500)
        );
    }

    #[test]
    fn policy_json_defaults_and_refuses_unknown_keys() {
        let p: RetryPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, RetryPolicy::default());
        let p: RetryPolicy = serde_json::from_str(r#"{"max_attempts": 5}"#).unwrap();
        assert_eq!((p.max_attempts, p.base_delay_ms), (5, 500));
        assert!(serde_json::from_str::<RetryPolicy>(r#"{"jitter": true}"#).is_err());
    }

    #[test]
    fn the_key_goes_out_only_where_the_gateway_reads_it() {
        use crate::driver::{Config, Operation, operation_request};
        let paypal = Config::from_json(&serde_json::json!({"gateway": "paypal",
            "business": "shop@example.com",
            "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
            "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
            "nvp": {"user": "u", "password": "p", "signature": "s",
                    "api_url": "https://api-3t.sandbox.paypal.com/nvp"}}))
        .unwrap();
        let key = operation_key(
            Gateway::Paypal,
            "shop@example.com",
            "A-1",
            OperationKind::Refund,
            1,
        );
        let mut refund: Operation = serde_json::from_value(serde_json::json!({"kind": "refund",
            "order_id": "A-1", "amount": {"value": "5.00", "currency": "EUR"},
            "captured": {"value": "15.00", "currency": "EUR"},
            "transaction_id": "8SC56973LM923823H"}))
        .unwrap();
        let bare = operation_request(&paypal, &refund).unwrap();
        assert!(!bare.body.contains("MSGSUBID"));
        // Without a key the Operation's JSON is what it was.
        assert!(
            serde_json::to_value(&refund)
                .unwrap()
                .get("idempotency_key")
                .is_none()
        );
        refund.idempotency_key = key.clone();
        let keyed = operation_request(&paypal, &refund).unwrap();
        assert!(
            keyed.body.ends_with(&format!("&MSGSUBID={key}")),
            "{}",
            keyed.body
        );
        assert_eq!(
            serde_json::to_value(&refund).unwrap()["idempotency_key"],
            key.as_str()
        );
        refund.idempotency_key = "x".repeat(39);
        let e = operation_request(&paypal, &refund).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (crate::ErrorCode::FieldInvalid, Some("MSGSUBID"))
        );
        refund.idempotency_key = "two words".into();
        assert!(operation_request(&paypal, &refund).is_err());

        let redsys = Config::from_json(&serde_json::json!({"gateway": "redsys",
            "merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
            "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}))
        .unwrap();
        let mut refund: Operation = serde_json::from_value(serde_json::json!({"kind": "refund",
            "order_id": "0726qI3H7sZx", "amount": {"value": "10.00", "currency": "EUR"}}))
        .unwrap();
        let bare = operation_request(&redsys, &refund).unwrap();
        refund.idempotency_key = operation_key(
            Gateway::Redsys,
            "999008881",
            "0726qI3H7sZx",
            OperationKind::Refund,
            1,
        );
        assert_eq!(operation_request(&redsys, &refund).unwrap(), bare);
    }

    #[test]
    fn failures_read_from_replies_and_json() {
        let f = Failure::of_reply(&Reply::Response {
            status: 502,
            body: b"bad gateway".to_vec(),
        });
        assert_eq!(f, Failure::Status(502));
        let f = Failure::of_reply(&Reply::Failed {
            error: "reset".into(),
        });
        assert_eq!(f, Failure::NoAnswer);
        let f: Failure = serde_json::from_str(r#""not_sent""#).unwrap();
        assert_eq!(f, Failure::NotSent);
        let f: Failure = serde_json::from_str(r#"{"status": 503}"#).unwrap();
        assert_eq!(f, Failure::Status(503));
    }
}

//! What the host stores and answers, for every gateway: one verdict rule, the gateway's own
//! HTTP answer.

use serde::{Deserialize, Serialize};

use super::config::Config;
use super::notification::{Notification, PaymentFields};
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use crate::http::HttpResponse;
use crate::state::Outcome;
use crate::trust::Verified;

/// The label a host stores with a notification: what became of it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// The URL names no configured account.
    UnknownAccount,
    /// The URL's secret token is wrong (FloCash).
    TokenMismatch,
    /// Malformed: it could not be read, or holds what no payment can.
    Invalid,
    /// Disowned: a bad signature, or the gateway denied sending it.
    Unverified,
    /// The proof could not be had (post-back or fetch failed); the gateway delivers again.
    PostbackFailed,
    /// Proven, but no payment has its order (yet); the gateway delivers again.
    NoPayment,
    /// Proven and applied: the payment moved.
    Applied,
    /// Proven, and applied before (a retry).
    AlreadyApplied,
    /// Proven, and changes nothing (stale, same status, a test message, an unknown code).
    Ignored,
    /// Proven, and contradicts the payment or the account: a person must look.
    Rejected,
    /// vpos's side failed (its configuration); the gateway delivers again.
    Error,
}

impl Verdict {
    /// Every verdict.
    pub const ALL: [Verdict; 11] = [
        Verdict::UnknownAccount,
        Verdict::TokenMismatch,
        Verdict::Invalid,
        Verdict::Unverified,
        Verdict::PostbackFailed,
        Verdict::NoPayment,
        Verdict::Applied,
        Verdict::AlreadyApplied,
        Verdict::Ignored,
        Verdict::Rejected,
        Verdict::Error,
    ];

    /// The snake_case name hosts store.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::UnknownAccount => "unknown_account",
            Verdict::TokenMismatch => "token_mismatch",
            Verdict::Invalid => "invalid",
            Verdict::Unverified => "unverified",
            Verdict::PostbackFailed => "postback_failed",
            Verdict::NoPayment => "no_payment",
            Verdict::Applied => "applied",
            Verdict::AlreadyApplied => "already_applied",
            Verdict::Ignored => "ignored",
            Verdict::Rejected => "rejected",
            Verdict::Error => "error",
        }
    }

    /// The verdict for a transition's outcome: its kind.
    pub fn of_outcome(outcome: &Outcome) -> Verdict {
        match outcome {
            Outcome::Applied { .. } => Verdict::Applied,
            Outcome::AlreadyApplied => Verdict::AlreadyApplied,
            Outcome::Ignored(_) => Verdict::Ignored,
            Outcome::Rejected { .. } => Verdict::Rejected,
        }
    }

    /// The verdict for an error met at any step, by its code alone, so every gateway gets
    /// the same label for the same failure.
    ///
    /// ```
    /// use vpos_core::{driver::Verdict, Error, ErrorCode};
    /// assert_eq!(Verdict::of_error(&Error::new(ErrorCode::PostbackInvalid, "")), Verdict::Unverified);
    /// assert_eq!(Verdict::of_error(&Error::new(ErrorCode::GatewayUnavailable, "")), Verdict::PostbackFailed);
    /// assert_eq!(Verdict::of_error(&Error::new(ErrorCode::MerchantMismatch, "")), Verdict::Rejected);
    /// ```
    pub fn of_error(error: &Error) -> Verdict {
        match error.code() {
            ErrorCode::TokenMismatch => Verdict::TokenMismatch,
            ErrorCode::SignatureMismatch
            | ErrorCode::UnsupportedSignatureVersion
            | ErrorCode::PostbackInvalid => Verdict::Unverified,
            ErrorCode::PostbackFailed | ErrorCode::GatewayUnavailable => Verdict::PostbackFailed,
            ErrorCode::PaymentNotFound => Verdict::NoPayment,
            ErrorCode::InvalidConfig => Verdict::Error,
            ErrorCode::GatewayMismatch
            | ErrorCode::MerchantMismatch
            | ErrorCode::OrderMismatch
            | ErrorCode::AmountMismatch
            | ErrorCode::CurrencyMismatch
            | ErrorCode::RefundExceedsAmount
            | ErrorCode::InvalidTransition
            | ErrorCode::GatewayError => Verdict::Rejected,
            _ => Verdict::Invalid,
        }
    }
}

/// What to store and what to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The label to store with the notification.
    pub verdict: Verdict,
    /// The exact answer the gateway expects.
    pub response: HttpResponse,
    /// What to save on the payment with the transition (empty unless a successful sale or
    /// authorisation was applied).
    pub payment_fields: PaymentFields,
    /// The error to store with the verdict: the one rejected, or the outcome's own when the
    /// transition rejected the event.
    pub error: Option<Error>,
}

/// The answer to a proven notification once the host applied
/// [`transition`](crate::state::transition)'s `outcome` (FloCash `00`, CECA `$*$OKY$*$`, the
/// signed Redsys SOAP envelope …). Fails only when Redsys's SOAP answer cannot be signed;
/// the host then keeps nothing of the transition and answers [`reject`].
///
/// ```
/// use vpos_core::{driver::{self, Verdict}, Outcome};
/// # let config = driver::Config::from_json(&serde_json::json!({"gateway": "flocash",
/// #     "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
/// #     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
/// #     "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}))?;
/// # let body = b"merchant=sales%40demoshop.com&order_id=A1&amount=5.00&currency_code=USD&trans_id=T1&fpn_id=F1&status=0000";
/// # let request = driver::Request { content_type: "application/x-www-form-urlencoded", body, query: "", token: Some("a-long-random-token"), ..Default::default() };
/// # let driver::Proof::NeedsReply { pending, .. } = driver::prove(&config, driver::parse_notification(&config, &request)?)? else { panic!() };
/// # let verified = pending.finish(&config, &vpos_core::Reply::Response { status: 200, body: b"VERIFIED".to_vec() })?;
/// let answer = driver::acknowledge(&config, &verified, &Outcome::AlreadyApplied)?;
/// assert_eq!((answer.verdict, answer.response.body.as_str()), (Verdict::AlreadyApplied, "00"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn acknowledge(
    config: &Config,
    verified: &Verified<Notification>,
    outcome: &Outcome,
) -> Result<Answer> {
    #[cfg(feature = "paypal_rest")]
    if let (Config::PaypalRest(_), Notification::PaypalRest(n)) = (config, &**verified)
        && !n.moves_money()
    {
        // A proven webhook that moves no money (an approved order, an event type vpos does
        // not map): taken in, whatever the transition made of its placeholder event.
        return Ok(Answer {
            verdict: Verdict::Ignored,
            response: HttpResponse::text(200, ""),
            payment_fields: PaymentFields::default(),
            error: None,
        });
    }
    let response = match (config, &**verified) {
        #[cfg(feature = "redsys")]
        (Config::Redsys(c), Notification::Redsys(n)) => redsys::acknowledge(c, n, outcome)?,
        (_, n) => match n.gateway() {
            Gateway::Flocash => flocash::acknowledge(outcome),
            Gateway::Ceca => ceca::acknowledge(outcome),
            Gateway::Elavon => elavon::acknowledge(outcome),
            Gateway::Paypal => paypal::acknowledge(outcome),
            Gateway::Bitpay => bitpay::acknowledge(outcome),
            Gateway::PaypalRest => paypal::acknowledge(outcome),
            Gateway::Redsys => {
                return Err(Error::new(
                    ErrorCode::GatewayMismatch,
                    format!(
                        "a redsys notification cannot be answered with a {} configuration",
                        config.gateway().as_str()
                    ),
                ));
            }
        },
    };
    Ok(Answer {
        verdict: Verdict::of_outcome(outcome),
        response,
        payment_fields: verified
            .payment_fields()
            .to_store(&verified.event(), outcome),
        error: match outcome {
            Outcome::Rejected { error } => Some(error.clone()),
            _ => None,
        },
    })
}

/// The answer to a notification that could not be taken in, at whatever step (token, parse,
/// proof, payment lookup): never the gateway's "received".
///
/// ```
/// use vpos_core::{driver::{reject, Verdict}, gateways::Gateway, Error, ErrorCode};
/// let answer = reject(Gateway::Redsys, &Error::new(ErrorCode::SignatureMismatch, "bad"));
/// assert_eq!((answer.verdict, answer.response.status), (Verdict::Unverified, 403));
/// ```
pub fn reject(gateway: Gateway, error: &Error) -> Answer {
    let response = match gateway {
        Gateway::Flocash => flocash::reject(error),
        Gateway::Redsys => redsys::reject(error),
        Gateway::Ceca => ceca::reject(error),
        Gateway::Elavon => elavon::reject(error),
        Gateway::Paypal => paypal::reject(error),
        Gateway::Bitpay => bitpay::reject(error),
        Gateway::PaypalRest => paypal::reject_webhook(error),
    };
    Answer {
        verdict: Verdict::of_error(error),
        response,
        payment_fields: PaymentFields::default(),
        error: Some(error.clone()),
    }
}

/// The answer to a proven notification whose order no payment has (yet): `payment_not_found`,
/// which every gateway but CECA is told to deliver again (CECA does not redeliver; it hears
/// "not received" and cancels).
///
/// ```
/// use vpos_core::{driver::{payment_not_found, Verdict}, gateways::Gateway};
/// let answer = payment_not_found(Gateway::Paypal, "A1");
/// assert_eq!((answer.verdict, answer.response.status), (Verdict::NoPayment, 503));
/// ```
pub fn payment_not_found(gateway: Gateway, order_id: &str) -> Answer {
    let error = Error::new(
        ErrorCode::PaymentNotFound,
        format!(
            "no {} payment has order_id {:?}",
            gateway.as_str(),
            order_id.chars().take(64).collect::<String>()
        ),
    )
    .with_field("order_id");
    reject(gateway, &error)
}

/// The answer to a body the host refused unread because it is larger than
/// [`max_body_bytes`](super::max_body_bytes): `413` with the `body_too_large` error.
pub fn reject_unread(gateway: Gateway) -> Answer {
    let error = Error::new(
        ErrorCode::BodyTooLarge,
        format!(
            "the request body exceeds {} bytes",
            super::max_body_bytes(gateway)
        ),
    );
    let mut answer = reject(gateway, &error);
    answer.response.status = 413;
    answer
}

/// The answer to a notification URL that names no configured account: `404`, the same as a
/// wrong token where the gateway has one (FloCash), so the URL reveals nothing.
pub fn unknown_account(gateway: Gateway) -> Answer {
    let response = match gateway {
        Gateway::Flocash => flocash::reject(&Error::new(ErrorCode::TokenMismatch, "")),
        _ => HttpResponse::text(404, "not_found"),
    };
    Answer {
        verdict: Verdict::UnknownAccount,
        response,
        payment_fields: PaymentFields::default(),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_names_are_unique_and_serialise_as_named() {
        let mut seen = std::collections::HashSet::new();
        for v in Verdict::ALL {
            assert!(seen.insert(v.as_str()));
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
    }

    #[test]
    fn every_error_code_has_a_verdict_and_no_error_is_a_success() {
        for code in ErrorCode::ALL {
            let v = Verdict::of_error(&Error::new(*code, ""));
            assert!(
                !matches!(
                    v,
                    Verdict::Applied | Verdict::AlreadyApplied | Verdict::Ignored
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn rejections_never_say_received() {
        for g in super::super::GATEWAYS {
            for code in ErrorCode::ALL {
                let a = reject(g, &Error::new(*code, "x"));
                assert!(a.response.status >= 400, "{g:?} {code}");
                assert_ne!(a.response.body, ceca::OK_BODY);
                assert_ne!((a.response.status, a.response.body.as_str()), (200, "00"));
            }
            assert_eq!(reject_unread(g).response.status, 413);
            assert_eq!(unknown_account(g).response.status, 404);
        }
    }
}

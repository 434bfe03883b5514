//! An `Outcome` or an `Error` coming back from JavaScript (to `acknowledge` or `reject`).
//!
//! Both are the core's own serde shapes (`{"outcome": "ignored", "reason": "unknown_status",
//! "code": "0042"}`, `{"code", "field", "message"}`). Every transition vector checks the round
//! trip: `acknowledge(transition(..))` must give the vector's answer.

use vpos_core::{Error, Outcome};

use crate::wire::{Role, parse};

/// Reads an `Outcome` from its JSON (the core's own `Deserialize`, through
/// `vpos_core::json::from_value` on failure).
pub(crate) fn parse_outcome(json: &str) -> Result<Outcome, Error> {
    parse::<Outcome>(json, Role::Data)
}

/// Reads an `Error` from `{code, field, message}` (an unknown code is refused).
pub(crate) fn parse_error(json: &str) -> Result<Error, Error> {
    parse::<Error>(json, Role::Data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::to_json;
    use vpos_core::state::IgnoreReason;
    use vpos_core::{ErrorCode, PaymentStatus};

    #[test]
    fn every_outcome_shape_round_trips() {
        let outcomes = [
            Outcome::Applied {
                from: PaymentStatus::Pending,
                to: PaymentStatus::Paid,
                refunded_minor: 0,
                captured_minor: 0,
                released_minor: 0,
            },
            Outcome::AlreadyApplied,
            Outcome::Ignored(IgnoreReason::Stale),
            Outcome::Ignored(IgnoreReason::AlreadyInStatus),
            Outcome::Ignored(IgnoreReason::TestOnLivePayment),
            Outcome::Ignored(IgnoreReason::NotCompleted),
            Outcome::Ignored(IgnoreReason::UnknownStatus {
                code: "0042".into(),
            }),
            Outcome::Rejected {
                error: Error::new(ErrorCode::AmountMismatch, "differs").with_field("amount"),
            },
        ];
        for outcome in outcomes {
            // `lib/json.js` turns the minor-units string back into a bigint, written as a number.
            let json = to_json(&outcome)
                .replace(r#""refunded_minor":"0""#, r#""refunded_minor":0"#)
                .replace(r#""captured_minor":"0""#, r#""captured_minor":0"#)
                .replace(r#""released_minor":"0""#, r#""released_minor":0"#);
            assert_eq!(parse_outcome(&json).unwrap(), outcome, "{json}");
        }
        assert_eq!(
            parse_outcome(r#"{"outcome":"teleported"}"#)
                .unwrap_err()
                .code(),
            ErrorCode::FieldInvalid
        );
    }

    #[test]
    fn errors_need_a_known_code() {
        let e = parse_error(r#"{"code":"postback_invalid"}"#).unwrap();
        assert_eq!((e.code(), e.field()), (ErrorCode::PostbackInvalid, None));
        // The core's own `Deserialize` for `Error` refuses the code (read at the object).
        let e = parse_error(r#"{"code":"teapot"}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::FieldInvalid);
        assert!(e.message().contains("teapot"), "{}", e.message());
    }
}

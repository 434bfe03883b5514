//! An `Outcome` or an `Error` coming back from JavaScript (to `acknowledge` or `reject`).
//!
//! The core serializes both but does not deserialize them, so these wire types mirror its
//! JSON shapes (`{"outcome": "ignored", "reason": "unknown_status", "code": "0042"}`). Every
//! transition vector checks the round trip: `acknowledge(transition(..))` must give the
//! vector's answer.

use serde::Deserialize;
use vpos_core::state::IgnoreReason;
use vpos_core::{Error, ErrorCode, Outcome, PaymentStatus};

use crate::wire::{Role, parse};

#[derive(Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
enum OutcomeWire {
    Applied {
        from: PaymentStatus,
        to: PaymentStatus,
        refunded_minor: i64,
    },
    AlreadyApplied,
    Ignored(ReasonWire),
    Rejected {
        error: ErrorWire,
    },
}

#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
enum ReasonWire {
    Stale,
    AlreadyInStatus,
    TestOnLivePayment,
    NotCompleted,
    UnknownStatus { code: String },
}

/// `{code, field?, message?}`: what `VposError` carries.
#[derive(Deserialize)]
pub(crate) struct ErrorWire {
    code: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl ErrorWire {
    fn into_core(self) -> Result<Error, Error> {
        let code = ErrorCode::from_code(&self.code).ok_or_else(|| {
            Error::new(
                ErrorCode::FieldInvalid,
                "code is not one of the codes errorCodes() lists",
            )
            .with_field("code")
        })?;
        let err = Error::new(code, self.message.unwrap_or_default());
        Ok(match self.field {
            Some(field) => err.with_field(field),
            None => err,
        })
    }
}

/// Reads an `Outcome` from its JSON.
pub(crate) fn parse_outcome(json: &str) -> Result<Outcome, Error> {
    Ok(match parse::<OutcomeWire>(json, Role::Data)? {
        OutcomeWire::Applied {
            from,
            to,
            refunded_minor,
        } => Outcome::Applied {
            from,
            to,
            refunded_minor,
        },
        OutcomeWire::AlreadyApplied => Outcome::AlreadyApplied,
        OutcomeWire::Ignored(reason) => Outcome::Ignored(match reason {
            ReasonWire::Stale => IgnoreReason::Stale,
            ReasonWire::AlreadyInStatus => IgnoreReason::AlreadyInStatus,
            ReasonWire::TestOnLivePayment => IgnoreReason::TestOnLivePayment,
            ReasonWire::NotCompleted => IgnoreReason::NotCompleted,
            ReasonWire::UnknownStatus { code } => IgnoreReason::UnknownStatus { code },
        }),
        OutcomeWire::Rejected { error } => Outcome::Rejected {
            error: error.into_core()?,
        },
    })
}

/// Reads an `Error` from `{code, field, message}`.
pub(crate) fn parse_error(json: &str) -> Result<Error, Error> {
    parse::<ErrorWire>(json, Role::Data)?.into_core()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::to_json;

    #[test]
    fn every_outcome_shape_round_trips() {
        let outcomes = [
            Outcome::Applied {
                from: PaymentStatus::Pending,
                to: PaymentStatus::Paid,
                refunded_minor: 0,
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
            let json =
                to_json(&outcome).replace(r#""refunded_minor":"0""#, r#""refunded_minor":0"#);
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
        assert_eq!(
            parse_error(r#"{"code":"teapot"}"#).unwrap_err().field(),
            Some("code")
        );
    }
}

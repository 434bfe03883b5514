//! The error catalogue: one type, one stable snake_case code per kind of failure.
//!
//! Hosts branch on [`ErrorCode`] (Python `VposError.code`, JS `error.code`), never on the
//! message, which is prose for people and may be reworded. Codes are never renamed or reused;
//! a new failure gets a new code. Messages never contain a secret: constructors only receive
//! field names, lengths and public values.

use std::borrow::Cow;
use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// What went wrong, as a stable machine-readable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in catalogue order (bindings export this list; tests check for drift).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable snake_case string for this code.
            ///
            /// ```
            /// assert_eq!(vpos_core::ErrorCode::AmountPrecision.as_str(), "amount_precision");
            /// ```
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )* }
            }

            /// Looks a code up by its string.
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $( $code => Some(ErrorCode::$variant), )* _ => None }
            }

            /// The code's doc comment, as `doc = "…"` lines (the TypeScript declarations quote it).
            #[cfg(feature = "ts")]
            pub(crate) const fn doc_attrs(self) -> &'static str {
                match self { $( ErrorCode::$variant => concat!($(stringify!($doc), "\n",)*), )* }
            }
        }
    };
}

error_codes! {
    /// A required field is absent or empty.
    FieldMissing = "field_missing",
    /// A field is longer than the gateway allows.
    FieldTooLong = "field_too_long",
    /// A field has the wrong format (not a number, not a country code, bad characters …).
    FieldInvalid = "field_invalid",
    /// The same key appears twice in a form body (a classic parameter-pollution attack).
    DuplicateField = "duplicate_field",
    /// The request body exceeds the size vpos accepts for this gateway.
    BodyTooLarge = "body_too_large",
    /// A value is not valid UTF-8 after percent-decoding.
    InvalidUtf8 = "invalid_utf8",
    /// A form body has a malformed percent escape.
    InvalidEncoding = "invalid_encoding",
    /// The request's content type is not one the gateway sends.
    UnsupportedContentType = "unsupported_content_type",
    /// An amount is not a plain non-negative decimal number.
    AmountSyntax = "amount_syntax",
    /// An amount has more significant decimals than its currency's minor unit.
    AmountPrecision = "amount_precision",
    /// An amount is negative.
    AmountNegative = "amount_negative",
    /// An amount does not fit in 64-bit minor units.
    AmountOverflow = "amount_overflow",
    /// A currency code is not in the ISO 4217 table.
    UnknownCurrency = "unknown_currency",
    /// Configuration is missing a value or holds a malformed one.
    InvalidConfig = "invalid_config",
    /// The secret token presented with a notification does not match the configured one.
    TokenMismatch = "token_mismatch",
    /// The gateway answered the post-back with something other than `VERIFIED`.
    PostbackInvalid = "postback_invalid",
    /// The post-back could not be completed (transport failure or non-200 answer); retry later.
    PostbackFailed = "postback_failed",
    /// The notification concerns another gateway than the stored payment.
    GatewayMismatch = "gateway_mismatch",
    /// The notification names another merchant account than the stored payment.
    MerchantMismatch = "merchant_mismatch",
    /// The notification names another order than the stored payment.
    OrderMismatch = "order_mismatch",
    /// The notified amount differs from the stored payment's amount.
    AmountMismatch = "amount_mismatch",
    /// The notified currency differs from the stored payment's currency (or two amounts of one
    /// order disagree on currency).
    CurrencyMismatch = "currency_mismatch",
    /// A refund or chargeback exceeds what is left of the captured amount.
    RefundExceedsAmount = "refund_exceeds_amount",
    /// The state table has no such move (for example `refunded` → `paid`).
    InvalidTransition = "invalid_transition",
    /// The gateway does not offer this operation.
    Unsupported = "unsupported",
    /// A signature is absent, malformed, or does not match the merchant key.
    SignatureMismatch = "signature_mismatch",
    /// The message is signed with a scheme vpos does not implement (yet).
    UnsupportedSignatureVersion = "unsupported_signature_version",
    /// The gateway answered an operation with an error of its own (Redsys `SIS0059` …).
    GatewayError = "gateway_error",
    /// No usable answer from the gateway (transport failure, non-200); try again later.
    GatewayUnavailable = "gateway_unavailable",
    /// A verified notification names a payment the host does not hold (yet): keep the
    /// notification and have the gateway deliver it again.
    PaymentNotFound = "payment_not_found",
    /// The gateway is one vpos knows, but this build was compiled without it (a per-gateway
    /// wasm edge module): load the module built for that gateway.
    GatewayNotBuilt = "gateway_not_built",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vpos failure: a stable [`ErrorCode`], the field concerned (wire name) and a message.
///
/// ```
/// use vpos_core::{Amount, Currency, ErrorCode};
/// let err = Amount::parse("12.345", Currency::from_code("EUR")?).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::AmountPrecision);
/// assert_eq!(err.code().as_str(), "amount_precision");
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    code: ErrorCode,
    field: Option<Cow<'static, str>>,
    message: String,
}

impl Error {
    /// Creates an error. `message` must not contain secrets.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            field: None,
            message: message.into(),
        }
    }

    /// Names the field this error concerns (its wire name, or the config key).
    #[must_use]
    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets the field only if none is set yet (used when a value error is lifted into a form).
    #[must_use]
    pub(crate) fn or_field(self, field: impl Into<Cow<'static, str>>) -> Self {
        if self.field.is_some() {
            self
        } else {
            self.with_field(field)
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The field concerned, if any.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the failure is on vpos's side of the wire or in the world (transport, config),
    /// so that the gateway should deliver again later rather than be told the message is bad.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::PostbackFailed
                | ErrorCode::InvalidConfig
                | ErrorCode::GatewayUnavailable
                | ErrorCode::PaymentNotFound
        )
    }

    pub(crate) fn missing(field: impl Into<Cow<'static, str>>) -> Self {
        let field = field.into();
        Error::new(ErrorCode::FieldMissing, format!("{field} is required")).with_field(field)
    }

    pub(crate) fn too_long(field: impl Into<Cow<'static, str>>, max: usize, len: usize) -> Self {
        let field = field.into();
        Error::new(
            ErrorCode::FieldTooLong,
            format!("{field} is {len} characters long; at most {max} are allowed"),
        )
        .with_field(field)
    }

    pub(crate) fn invalid(field: impl Into<Cow<'static, str>>, why: impl fmt::Display) -> Self {
        let field = field.into();
        Error::new(ErrorCode::FieldInvalid, format!("{field} {why}")).with_field(field)
    }

    /// Re-labels a field error found in configuration as `invalid_config`, same field.
    pub(crate) fn into_config(self) -> Self {
        Error {
            code: ErrorCode::InvalidConfig,
            field: Some(self.field.unwrap_or(Cow::Borrowed("config"))),
            message: format!("configuration {}", self.message),
        }
    }

    pub(crate) fn config(field: &'static str, why: impl fmt::Display) -> Self {
        Error::new(
            ErrorCode::InvalidConfig,
            format!("configuration {field}: {why}"),
        )
        .with_field(field)
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Error", 3)?;
        st.serialize_field("code", self.code.as_str())?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

/// JSON `{"code", "field", "message"}`, the shape [`Error`] serialises to; an unknown code is
/// refused.
impl<'de> serde::Deserialize<'de> for Error {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            code: String,
            #[serde(default)]
            field: Option<String>,
            #[serde(default)]
            message: String,
        }
        let w = Wire::deserialize(d)?;
        let code = ErrorCode::from_code(&w.code).ok_or_else(|| {
            serde::de::Error::custom(format!("{:?} is not a vpos error code", w.code))
        })?;
        let error = Error::new(code, w.message);
        Ok(match w.field {
            Some(f) => error.with_field(f),
            None => error,
        })
    }
}

/// Shorthand for results whose error is a vpos [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{s}"
            );
            assert_eq!(ErrorCode::from_code(s), Some(*code));
        }
        assert_eq!(ErrorCode::from_code("nope"), None);
    }

    #[test]
    fn serializes_code_field_message() {
        let e = Error::too_long("order_id", 25, 30);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "field_too_long");
        assert_eq!(v["field"], "order_id");
        assert_eq!(
            v["message"],
            "order_id is 30 characters long; at most 25 are allowed"
        );
    }
}

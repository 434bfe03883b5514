//! Money: integer minor units plus an ISO 4217 currency. No floating point anywhere.

mod currency;
mod currency_table;

pub use currency::{Currency, CurrencyInfo};

use std::fmt;

use crate::error::{Error, ErrorCode, Result};

/// Longest decimal string [`Amount::parse`] looks at; anything longer is hostile or a bug.
const MAX_DECIMAL_LEN: usize = 64;

/// A non-negative amount of money in the minor unit of its currency (cents for EUR, yen for JPY,
/// fils for KWD).
///
/// ```
/// use vpos_core::{Amount, Currency};
/// let eur = Currency::from_code("EUR")?;
/// let a = Amount::parse("23.45", eur)?;
/// assert_eq!(a.minor(), 2345);
/// assert_eq!(a.to_decimal_string(), "23.45");
/// assert_eq!(Amount::parse("400.0", eur)?.to_decimal_string(), "400.00");
/// assert_eq!(Amount::parse("1.5", Currency::from_code("JPY")?).unwrap_err().code().as_str(),
///            "amount_precision");
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    minor: i64,
    currency: Currency,
}

impl Amount {
    /// Builds an amount from minor units. Negative values are refused: vpos models refunds and
    /// chargebacks as events of their own, never as negative payments.
    pub fn from_minor(minor: i64, currency: Currency) -> Result<Amount> {
        if minor < 0 {
            return Err(Error::new(
                ErrorCode::AmountNegative,
                format!("amount {minor} is negative"),
            ));
        }
        Ok(Amount { minor, currency })
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Amount {
        Amount { minor: 0, currency }
    }

    /// Parses a plain decimal string (`"23"`, `"23.4"`, `"23.45"`) exactly.
    ///
    /// Accepted: ASCII digits, optionally one `.` followed by at least one digit. Trailing zeros
    /// beyond the currency's exponent are accepted (`"100.00"` XOF is 100), non-zero digits there
    /// are [`ErrorCode::AmountPrecision`]. Signs, spaces, exponents, thousands separators,
    /// `"."`, `".5"` and `"5."` are [`ErrorCode::AmountSyntax`] (a leading `-` is
    /// [`ErrorCode::AmountNegative`]); more than `i64::MAX` minor units is
    /// [`ErrorCode::AmountOverflow`].
    pub fn parse(s: &str, currency: Currency) -> Result<Amount> {
        let syntax = || {
            Error::new(
                ErrorCode::AmountSyntax,
                format!("{:?} is not a plain decimal amount", preview(s)),
            )
        };
        if s.len() > MAX_DECIMAL_LEN {
            return Err(Error::new(
                ErrorCode::AmountOverflow,
                format!(
                    "amount has {} characters; at most {MAX_DECIMAL_LEN} are read",
                    s.len()
                ),
            ));
        }
        if let Some(rest) = s.strip_prefix('-') {
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(Error::new(
                    ErrorCode::AmountNegative,
                    format!("amount {s} is negative"),
                ));
            }
            return Err(syntax());
        }
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            return Err(syntax());
        }
        let frac = frac.unwrap_or("");
        let exp = usize::from(currency.exponent());
        if frac.len() > exp && frac.as_bytes()[exp..].iter().any(|&b| b != b'0') {
            return Err(Error::new(
                ErrorCode::AmountPrecision,
                format!(
                    "{s} has more than {exp} decimal places, the minor unit of {}",
                    currency.code()
                ),
            ));
        }
        let overflow = || {
            Error::new(
                ErrorCode::AmountOverflow,
                format!("{} does not fit in 64-bit minor units", preview(s)),
            )
        };
        let mut minor: i64 = 0;
        let frac_digits = frac.bytes().chain(std::iter::repeat(b'0')).take(exp);
        for b in int.bytes().chain(frac_digits) {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(b - b'0')))
                .ok_or_else(overflow)?;
        }
        Ok(Amount { minor, currency })
    }

    /// Minor units.
    pub fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount as a decimal string with exactly the currency's exponent in decimals
    /// (`"23.45"` EUR, `"100"` JPY, `"1.000"` KWD).
    pub fn to_decimal_string(self) -> String {
        let exp = u32::from(self.currency.exponent());
        if exp == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(exp);
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = exp as usize
        )
    }

    /// `self + other`, refusing mixed currencies and overflow.
    pub fn checked_add(self, other: Amount) -> Result<Amount> {
        self.same_currency(other)?;
        let minor = self.minor.checked_add(other.minor).ok_or_else(|| {
            Error::new(
                ErrorCode::AmountOverflow,
                "sum does not fit in 64-bit minor units",
            )
        })?;
        Ok(Amount { minor, ..self })
    }

    /// `self - other`, refusing mixed currencies and results below zero.
    pub fn checked_sub(self, other: Amount) -> Result<Amount> {
        self.same_currency(other)?;
        Amount::from_minor(self.minor - other.minor, self.currency)
    }

    fn same_currency(self, other: Amount) -> Result<()> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::CurrencyMismatch,
                format!("cannot combine {} and {}", self.currency, other.currency),
            ))
        }
    }
}

fn preview(s: &str) -> String {
    let mut out: String = s.chars().take(24).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({} {})", self.to_decimal_string(), self.currency)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// JSON shape: `{"minor": 2345, "currency": "EUR", "value": "23.45"}`. On input, give `minor`
/// or the exact decimal string `value` (or both, if they agree); numbers with a fraction are
/// refused, so a float can never sneak in.
impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Amount", 3)?;
        st.serialize_field("minor", &self.minor)?;
        st.serialize_field("currency", &self.currency)?;
        st.serialize_field("value", &self.to_decimal_string())?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            minor: Option<i64>,
            currency: Currency,
            value: Option<String>,
        }
        use serde::de::Error as _;
        let w = Wire::deserialize(d)?;
        let by_minor = w
            .minor
            .map(|m| Amount::from_minor(m, w.currency))
            .transpose();
        let by_value = w
            .value
            .as_deref()
            .map(|v| Amount::parse(v, w.currency))
            .transpose();
        match (
            by_minor.map_err(crate::json::de_error)?,
            by_value.map_err(crate::json::de_error)?,
        ) {
            (Some(a), Some(b)) if a != b => Err(D::Error::custom(format!(
                "amount minor {} and value {} disagree",
                a.minor,
                b.to_decimal_string()
            ))),
            (Some(a), _) | (None, Some(a)) => Ok(a),
            (None, None) => Err(D::Error::custom("amount needs `minor` or `value`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::from_code(c).unwrap()
    }

    #[test]
    fn parses_exactly() {
        let eur = cur("EUR");
        for (s, minor) in [
            ("0", 0),
            ("23.45", 2345),
            ("23.4", 2340),
            ("23", 2300),
            ("400.0", 40000),
            ("0.01", 1),
            ("12.340", 1234),
            ("007.10", 710),
            ("92233720368547758.07", i64::MAX),
        ] {
            assert_eq!(Amount::parse(s, eur).unwrap().minor(), minor, "{s}");
        }
        assert_eq!(Amount::parse("100.00", cur("XOF")).unwrap().minor(), 100);
        assert_eq!(Amount::parse("1.234", cur("KWD")).unwrap().minor(), 1234);
        assert_eq!(Amount::parse("0.0001", cur("CLF")).unwrap().minor(), 1);
    }

    #[test]
    fn refuses_what_is_not_money() {
        let eur = cur("EUR");
        for (s, code) in [
            ("", ErrorCode::AmountSyntax),
            (".", ErrorCode::AmountSyntax),
            (".5", ErrorCode::AmountSyntax),
            ("5.", ErrorCode::AmountSyntax),
            ("+5", ErrorCode::AmountSyntax),
            (" 5", ErrorCode::AmountSyntax),
            ("5 ", ErrorCode::AmountSyntax),
            ("1e3", ErrorCode::AmountSyntax),
            ("1,000.00", ErrorCode::AmountSyntax),
            ("1.2.3", ErrorCode::AmountSyntax),
            ("NaN", ErrorCode::AmountSyntax),
            ("inf", ErrorCode::AmountSyntax),
            ("١٢", ErrorCode::AmountSyntax),
            ("-", ErrorCode::AmountSyntax),
            ("-1", ErrorCode::AmountNegative),
            ("-0.01", ErrorCode::AmountNegative),
            ("12.345", ErrorCode::AmountPrecision),
            ("0.001", ErrorCode::AmountPrecision),
            ("92233720368547758.08", ErrorCode::AmountOverflow),
            ("99999999999999999999", ErrorCode::AmountOverflow),
        ] {
            assert_eq!(Amount::parse(s, eur).unwrap_err().code(), code, "{s:?}");
        }
        assert_eq!(
            Amount::parse("1.5", cur("JPY")).unwrap_err().code(),
            ErrorCode::AmountPrecision
        );
        assert_eq!(
            Amount::parse(&"1".repeat(65), eur).unwrap_err().code(),
            ErrorCode::AmountOverflow
        );
    }

    #[test]
    fn formats_with_the_currency_exponent() {
        for (minor, c, s) in [
            (2345, "EUR", "23.45"),
            (5, "EUR", "0.05"),
            (0, "EUR", "0.00"),
            (100, "JPY", "100"),
            (1000, "KWD", "1.000"),
            (1, "CLF", "0.0001"),
            (i64::MAX, "EUR", "92233720368547758.07"),
        ] {
            assert_eq!(
                Amount::from_minor(minor, cur(c))
                    .unwrap()
                    .to_decimal_string(),
                s
            );
        }
        assert_eq!(
            Amount::from_minor(-1, cur("EUR")).unwrap_err().code(),
            ErrorCode::AmountNegative
        );
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies_and_negatives() {
        let a = Amount::from_minor(500, cur("EUR")).unwrap();
        let b = Amount::from_minor(700, cur("EUR")).unwrap();
        assert_eq!(a.checked_add(b).unwrap().minor(), 1200);
        assert_eq!(
            a.checked_sub(b).unwrap_err().code(),
            ErrorCode::AmountNegative
        );
        let usd = Amount::from_minor(1, cur("USD")).unwrap();
        assert_eq!(
            a.checked_add(usd).unwrap_err().code(),
            ErrorCode::CurrencyMismatch
        );
        let max = Amount::from_minor(i64::MAX, cur("EUR")).unwrap();
        assert_eq!(
            max.checked_add(a).unwrap_err().code(),
            ErrorCode::AmountOverflow
        );
    }

    #[test]
    fn serde_shape() {
        let a: Amount = serde_json::from_str(r#"{"value":"23.45","currency":"EUR"}"#).unwrap();
        assert_eq!(a.minor(), 2345);
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::json!({"minor": 2345, "currency": "EUR", "value": "23.45"})
        );
        let b: Amount = serde_json::from_str(r#"{"minor":2345,"currency":"EUR"}"#).unwrap();
        assert_eq!(a, b);
        for bad in [
            r#"{"minor":23.45,"currency":"EUR"}"#,
            r#"{"value":23.45,"currency":"EUR"}"#,
            r#"{"minor":1,"value":"0.02","currency":"EUR"}"#,
            r#"{"currency":"EUR"}"#,
            r#"{"minor":1,"currency":"EURO"}"#,
            r#"{"minor":-1,"currency":"EUR"}"#,
            r#"{"minor":1,"currency":"EUR","extra":1}"#,
        ] {
            assert!(serde_json::from_str::<Amount>(bad).is_err(), "{bad}");
        }
    }
}

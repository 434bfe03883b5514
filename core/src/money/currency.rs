//! ISO 4217 currencies: alphabetic code, numeric code and minor-unit exponent.

use std::fmt;

use super::currency_table::CURRENCIES;
use crate::error::{Error, ErrorCode, Result};

/// One row of the ISO 4217 table.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CurrencyInfo {
    /// Alphabetic code, e.g. `"EUR"`.
    pub alpha: &'static str,
    /// Numeric code, e.g. `978`.
    pub numeric: u16,
    /// Digits after the decimal separator in the minor unit (JPY 0, EUR 2, KWD 3, CLF 4).
    pub exponent: u8,
    /// English name, as in the standard.
    pub name: &'static str,
}

/// An ISO 4217 currency. Cheap to copy; only obtainable from the table, so always valid.
///
/// ```
/// use vpos_core::Currency;
/// let kwd = Currency::from_code("KWD")?;
/// assert_eq!((kwd.code(), kwd.numeric(), kwd.exponent()), ("KWD", 414, 3));
/// assert_eq!(Currency::from_numeric(952)?.code(), "XOF");
/// assert_eq!(Currency::from_code("ZZZ").unwrap_err().code().as_str(), "unknown_currency");
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(&'static CurrencyInfo);

impl Currency {
    /// Looks up an alphabetic code. Exact and case-sensitive: ISO 4217 codes are upper case,
    /// and a gateway that sends `eur` is sending something else.
    pub fn from_code(code: &str) -> Result<Currency> {
        CURRENCIES
            .binary_search_by(|c| c.alpha.cmp(code))
            .map(|i| Currency(&CURRENCIES[i]))
            .map_err(|_| {
                Error::new(
                    ErrorCode::UnknownCurrency,
                    format!("{:?} is not an ISO 4217 currency code", truncate(code, 16)),
                )
            })
    }

    /// Looks up a numeric code (Redsys and CECA send these).
    pub fn from_numeric(numeric: u16) -> Result<Currency> {
        CURRENCIES
            .iter()
            .find(|c| c.numeric == numeric)
            .map(Currency)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::UnknownCurrency,
                    format!("{numeric:03} is not an ISO 4217 numeric currency code"),
                )
            })
    }

    /// The alphabetic code.
    pub fn code(self) -> &'static str {
        self.0.alpha
    }

    /// The numeric code.
    pub fn numeric(self) -> u16 {
        self.0.numeric
    }

    /// Digits of the minor unit.
    pub fn exponent(self) -> u8 {
        self.0.exponent
    }

    /// English name.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The whole table, sorted by alphabetic code.
    pub fn all() -> impl ExactSizeIterator<Item = Currency> {
        CURRENCIES.iter().map(Currency)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.alpha)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.alpha)
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.alpha)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::from_code(&code).map_err(crate::json::de_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_well_formed() {
        for pair in CURRENCIES.windows(2) {
            assert!(
                pair[0].alpha < pair[1].alpha,
                "{} !< {}",
                pair[0].alpha,
                pair[1].alpha
            );
        }
        for c in CURRENCIES {
            assert_eq!(c.alpha.len(), 3);
            assert!(c.alpha.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(c.numeric > 0 && c.numeric < 1000);
            assert!(c.exponent <= 4);
        }
        assert!(
            CURRENCIES.len() >= 150,
            "table has only {} rows",
            CURRENCIES.len()
        );
    }

    #[test]
    fn known_exponents() {
        for (code, numeric, exp) in [
            ("EUR", 978, 2),
            ("USD", 840, 2),
            ("GBP", 826, 2),
            ("JPY", 392, 0),
            ("KWD", 414, 3),
            ("BHD", 48, 3),
            ("TND", 788, 3),
            ("CLF", 990, 4),
            ("XOF", 952, 0),
            ("XAF", 950, 0),
            ("ETB", 230, 2),
            ("KES", 404, 2),
            ("NGN", 566, 2),
            ("UGX", 800, 0),
            ("RWF", 646, 0),
            ("GNF", 324, 0),
            ("ZAR", 710, 2),
            ("GHS", 936, 2),
            ("MGA", 969, 2),
        ] {
            let c = Currency::from_code(code).unwrap();
            assert_eq!((c.numeric(), c.exponent()), (numeric, exp), "{code}");
            assert_eq!(Currency::from_numeric(numeric).unwrap(), c);
        }
    }

    #[test]
    fn rejects_non_codes() {
        for bad in ["", "eur", "EU", "EURO", "ZZZ", "XXX", "XAU", " EUR"] {
            assert_eq!(
                Currency::from_code(bad).unwrap_err().code(),
                ErrorCode::UnknownCurrency,
                "{bad:?}"
            );
        }
    }
}

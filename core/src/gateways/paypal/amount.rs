//! PayPal's amount strings. PayPal's currency-codes reference marks HUF, JPY and TWD "does not
//! support decimals. If you pass a decimal amount, an error occurs", although ISO 4217 gives
//! HUF and TWD two decimals: those are written as whole units, every other currency with its
//! ISO exponent. One definition serves the WPS form, every NVP amount and every amount read back.

use crate::error::{Error, ErrorCode, Result};
use crate::money::{Amount, Currency};

/// Currencies PayPal takes in whole units only (developer.paypal.com, REST/NVP "Currency codes").
const WHOLE_UNITS: [&str; 3] = ["HUF", "JPY", "TWD"];

/// Decimals PayPal writes for `currency`: 0 for HUF, JPY and TWD, else the ISO 4217 exponent.
///
/// ```
/// use vpos_core::Currency;
/// use vpos_core::gateways::paypal;
/// assert_eq!(paypal::amount_decimals(Currency::from_code("HUF")?), 0);
/// assert_eq!(paypal::amount_decimals(Currency::from_code("EUR")?), 2);
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn amount_decimals(currency: Currency) -> u8 {
    if WHOLE_UNITS.contains(&currency.code()) {
        0
    } else {
        currency.exponent()
    }
}

/// How many minor units make one unit PayPal can express (100 for HUF and TWD, else 1).
fn step(currency: Currency) -> i64 {
    10_i64.pow(u32::from(currency.exponent() - amount_decimals(currency)))
}

fn whole_units_only(amount: Amount) -> Error {
    Error::new(
        ErrorCode::AmountPrecision,
        format!(
            "{} {}: PayPal takes {} in whole units only",
            amount.to_decimal_string(),
            amount.currency().code(),
            amount.currency().code()
        ),
    )
}

/// Writes `amount` as PayPal reads it: `"1000"` HUF, `"1500"` JPY, `"15.00"` EUR. An amount
/// PayPal cannot express (1000.50 HUF) is [`ErrorCode::AmountPrecision`], never rounded.
///
/// ```
/// use vpos_core::{Amount, Currency};
/// use vpos_core::gateways::paypal;
/// let huf = Currency::from_code("HUF")?;
/// assert_eq!(paypal::format_amount(Amount::parse("1000", huf)?)?, "1000");
/// assert_eq!(paypal::format_amount(Amount::parse("1000.5", huf)?).unwrap_err().code().as_str(),
///            "amount_precision");
/// assert_eq!(paypal::format_amount(Amount::parse("15", Currency::from_code("EUR")?)?)?, "15.00");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn format_amount(amount: Amount) -> Result<String> {
    let step = step(amount.currency());
    if step == 1 {
        return Ok(amount.to_decimal_string());
    }
    if amount.minor() % step != 0 {
        return Err(whole_units_only(amount));
    }
    Ok((amount.minor() / step).to_string())
}

/// Reads an amount PayPal sent. For the whole-unit currencies both `"1000"` and `"1000.00"` are
/// 1000; a non-zero fraction (`"1000.50"` HUF) is [`ErrorCode::AmountPrecision`], as is more
/// precision than ISO 4217 allows for any currency.
///
/// ```
/// use vpos_core::Currency;
/// use vpos_core::gateways::paypal;
/// let huf = Currency::from_code("HUF")?;
/// assert_eq!(paypal::parse_amount("1000", huf)?.minor(), 100_000);
/// assert_eq!(paypal::parse_amount("1000.00", huf)?.minor(), 100_000);
/// assert_eq!(paypal::parse_amount("1000.50", huf).unwrap_err().code().as_str(), "amount_precision");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_amount(s: &str, currency: Currency) -> Result<Amount> {
    let amount = Amount::parse(s, currency)?;
    if amount.minor() % step(currency) != 0 {
        return Err(whole_units_only(amount));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    #[test]
    fn whole_unit_currencies_drop_iso_decimals_and_refuse_fractions() {
        let twd = c("TWD");
        assert_eq!(
            format_amount(Amount::from_minor(123_400, twd).unwrap()).unwrap(),
            "1234"
        );
        let err = format_amount(Amount::from_minor(123_401, twd).unwrap()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::AmountPrecision);
        assert_eq!(
            format_amount(Amount::from_minor(1500, c("JPY")).unwrap()).unwrap(),
            "1500"
        );
        assert_eq!(
            format_amount(Amount::from_minor(5, c("USD")).unwrap()).unwrap(),
            "0.05"
        );
        assert_eq!(
            format_amount(Amount::from_minor(1, c("KWD")).unwrap()).unwrap(),
            "0.001"
        );
    }

    #[test]
    fn reading_accepts_both_forms_and_refuses_over_precision() {
        let huf = c("HUF");
        assert_eq!(parse_amount("7", huf).unwrap().minor(), 700);
        assert_eq!(parse_amount("7.0", huf).unwrap().minor(), 700);
        assert_eq!(
            parse_amount("7.01", huf).unwrap_err().code(),
            ErrorCode::AmountPrecision
        );
        assert_eq!(
            parse_amount("7.001", huf).unwrap_err().code(),
            ErrorCode::AmountPrecision
        );
        assert_eq!(parse_amount("7.01", c("EUR")).unwrap().minor(), 701);
    }
}

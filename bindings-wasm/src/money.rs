//! Money and currencies (`money.parse`, `money.fromMinor`, `money.currency`, the names of the
//! Node package): exact amounts in, `{minor: bigint, currency, value}` out.

use serde::Serialize;
use vpos_core::{Amount, Currency};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, from_js, to_js};

/// Parses a plain decimal string exactly (`"23.45"` EUR → `{minor: 2345n, currency: "EUR",
/// value: "23.45"}`). More decimals than the currency has is `amount_precision`, never a
/// rounding.
#[wasm_bindgen(js_namespace = money, js_name = parse, unchecked_return_type = "Amount")]
pub fn parse_amount(value: &str, currency: &str) -> Result<JsValue, Thrown> {
    let currency = Currency::from_code(currency)?;
    to_js(&Amount::parse(value, currency)?)
}

/// An amount from minor units, given as a `BigInt` or a safe integer (a number with a
/// fraction, or beyond 2^53, is refused).
#[wasm_bindgen(js_namespace = money, js_name = fromMinor, unchecked_return_type = "Amount")]
pub fn amount_from_minor(
    #[wasm_bindgen(unchecked_param_type = "bigint | number")] minor: JsValue,
    currency: &str,
) -> Result<JsValue, Thrown> {
    let minor: i64 = from_js(minor, Arg::value("minor"))?;
    let currency = Currency::from_code(currency)?;
    to_js(&Amount::from_minor(minor, currency)?)
}

/// Looks a currency up in the ISO 4217 table by alphabetic code (`"XOF"`) or numeric code
/// (`952`): `{code, numeric, exponent, name}`.
#[wasm_bindgen(js_namespace = money, js_name = currency, unchecked_return_type = "CurrencyInfo")]
pub fn currency_info(
    #[wasm_bindgen(unchecked_param_type = "string | number")] code: JsValue,
) -> Result<JsValue, Thrown> {
    #[derive(Serialize)]
    struct Info {
        code: &'static str,
        numeric: u16,
        exponent: u8,
        name: &'static str,
    }
    let currency = match code.as_string() {
        Some(alpha) => Currency::from_code(&alpha),
        None => {
            let numeric: u16 = from_js(code, Arg::value("code"))?;
            Currency::from_numeric(numeric)
        }
    }?;
    to_js(&Info {
        code: currency.code(),
        numeric: currency.numeric(),
        exponent: currency.exponent(),
        name: currency.name(),
    })
}

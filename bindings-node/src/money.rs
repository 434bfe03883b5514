//! Money and currencies: `Amount` from a decimal string or `bigint` minor units, and the
//! ISO 4217 table.

use napi::Env;
use napi::bindgen_prelude::{BigInt, Either};
use napi_derive::napi;
use vpos_core::{Amount, Currency, Error, ErrorCode};

use crate::error::OrThrow;
use crate::wire::to_json;

/// `Amount::parse(value, currency)` as JSON.
#[napi]
pub fn money_parse(env: &Env, value: String, currency: String) -> napi::Result<String> {
    Currency::from_code(&currency)
        .and_then(|c| Amount::parse(&value, c))
        .map(|a| to_json(&a))
        .or_throw(env)
}

/// `Amount::from_minor(minor, currency)` as JSON; `minor` must fit in an `i64`.
#[napi]
pub fn money_from_minor(env: &Env, minor: BigInt, currency: String) -> napi::Result<String> {
    let currency = Currency::from_code(&currency).or_throw(env)?;
    let (minor, lossless) = minor.get_i64();
    if !lossless {
        return Err(Error::new(
            ErrorCode::AmountOverflow,
            "minor does not fit in 64-bit minor units",
        ))
        .or_throw(env);
    }
    Amount::from_minor(minor, currency)
        .map(|a| to_json(&a))
        .or_throw(env)
}

/// One row of the ISO 4217 table, by alphabetic code (`"EUR"`) or numeric code (`978`).
#[napi]
pub fn currency_lookup(env: &Env, code: Either<String, f64>) -> napi::Result<String> {
    let found = match code {
        Either::A(alpha) => Currency::from_code(&alpha),
        Either::B(n) if n.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&n) => {
            Currency::from_numeric(n as u16)
        }
        Either::B(n) => Err(Error::new(
            ErrorCode::UnknownCurrency,
            format!("{n} is not an ISO 4217 numeric currency code"),
        )),
    };
    found
        .map(|c| {
            serde_json::json!({
                "code": c.code(), "numeric": c.numeric(), "exponent": c.exponent(), "name": c.name(),
            })
            .to_string()
        })
        .or_throw(env)
}

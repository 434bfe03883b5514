//! Core errors as JavaScript `Error` objects named `VposError`, carrying `.code` and `.field`.

use napi::bindgen_prelude::{JsObjectValue, JsValue, Null};
use napi::{Env, Status};
use vpos_core::Error as CoreError;

/// Builds the JS error for a core error: `message` is the core's message, `code` its stable
/// snake_case code, `field` the wire field it concerns or `null`.
///
/// Hosts branch on `code`, so it is set on the object itself rather than left in the message.
pub(crate) fn to_js(env: &Env, err: &CoreError) -> napi::Error {
    build(env, err).unwrap_or_else(|napi_failure| napi_failure)
}

fn build(env: &Env, err: &CoreError) -> napi::Result<napi::Error> {
    let mut obj = env.create_error(napi::Error::new(
        Status::GenericFailure,
        err.message().to_string(),
    ))?;
    // The wasm package's errors carry the same name: one JS API (tests/js/api.shared.mjs).
    obj.set_named_property("name", "VposError")?;
    obj.set_named_property("code", err.code().as_str())?;
    match err.field() {
        Some(field) => obj.set_named_property("field", field)?,
        None => obj.set_named_property("field", Null)?,
    }
    // `From<Unknown>` keeps a reference to this very object, so it is what JavaScript catches.
    Ok(napi::Error::from(obj.to_unknown()))
}

/// `result.map_err(|e| to_js(env, &e))`, spelled once.
pub(crate) trait OrThrow<T> {
    /// Converts a core failure into the JS error to throw.
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for Result<T, CoreError> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| to_js(env, &e))
    }
}

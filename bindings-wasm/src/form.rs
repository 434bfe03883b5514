//! Rendering a redirect form that a server built (and, for signing gateways, signed).

use vpos_core::RedirectForm;
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, from_js};

/// The form as HTML, every value escaped by the core (`RedirectForm::to_html`): hidden
/// inputs and a submit button. With `{ autoSubmit: true }`, an inline script submits it on load, which
/// only runs when the HTML is served as a page; a script that inserts the HTML with
/// `innerHTML` should render without it and call `form.submit()`.
#[wasm_bindgen(js_name = renderForm)]
pub fn render_form(
    #[wasm_bindgen(unchecked_param_type = "RedirectForm")] form: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ autoSubmit?: boolean }")] options: JsValue,
) -> Result<String, Thrown> {
    let auto_submit = crate::js::auto_submit(&options)?;
    let form: RedirectForm = from_js(form, Arg::value("form"))?;
    Ok(form.to_html(auto_submit))
}

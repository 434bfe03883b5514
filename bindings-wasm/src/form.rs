//! Rendering a redirect form that a server built (and, for signing gateways, signed).

use vpos_core::{Method, RedirectForm};
use wasm_bindgen::prelude::*;

use crate::js::{Arg, Thrown, from_js};

/// The JSON shape of a `RedirectForm` on input. The core's `RedirectForm` only serialises;
/// this mirror lists every one of its fields, so a field added in core fails to compile here.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FormJson {
    action: String,
    method: Method,
    fields: Vec<(String, String)>,
}

/// The form as HTML, every value escaped by the core (`RedirectForm::to_html`): hidden
/// inputs and a submit button. With `{ autoSubmit: true }`, an inline script submits it on load, which
/// only runs when the HTML is served as a page; a script that inserts the HTML with
/// `innerHTML` should render without it and call `form.submit()`.
#[wasm_bindgen(js_name = renderForm)]
pub fn render_form(
    #[wasm_bindgen(unchecked_param_type = "RedirectForm")] form: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ autoSubmit?: boolean }")] options: JsValue,
) -> Result<String, Thrown> {
    let auto_submit = crate::js::auto_submit(&options)?;
    let FormJson {
        action,
        method,
        fields,
    } = from_js(form, Arg::value("form"))?;
    let form = RedirectForm {
        action,
        method,
        fields,
    };
    Ok(form.to_html(auto_submit))
}

//! The hosted payment page every gateway shows the customer: what is being paid, one button
//! per outcome, and the pages after the choice. Only the rows, the form's action and the
//! words differ between gateways; the markup the tests and the Chromium demo look for
//! (`#outcome-<value>`, `#status`) is built here once so it cannot drift between gateways.

use axum::http::StatusCode;
use axum::response::Response;
use vpos_core::Amount;
use vpos_core::form::{Pairs, parse_urlencoded};

use crate::app::{App, PayError};
use crate::html::{self, esc};

/// `12.34 EUR`: how every page shows an amount.
pub(crate) fn amount(a: &Amount) -> String {
    format!("{} {}", a.to_decimal_string(), a.currency().code())
}

/// Sends the customer's browser to the payment page at `path` of a checkout just accepted,
/// logging `<accepted>; payment page <path>`.
pub(crate) fn open(
    app: &App,
    gateway: &'static str,
    order: &str,
    accepted: &str,
    path: &str,
) -> Response {
    app.note(gateway, order, format!("{accepted}; payment page {path}"));
    html::see_other(path)
}

/// `404` for a page whose payment is gone or never existed.
pub(crate) fn not_found(title: &str, heading: &str, what: &str) -> Response {
    html::respond(
        StatusCode::NOT_FOUND,
        title,
        &format!(
            "<h1>{}</h1><p>No such {} (the sandbox may have been reset).</p>",
            esc(heading),
            esc(what)
        ),
    )
}

/// The outcome form: `prelude` (safe markup, e.g. extra fields) then one submit button per
/// `(value, label)`, each with the id `outcome-<value>` that browser tests click.
pub(crate) fn outcome_form(
    action: &str,
    prelude: &str,
    outcomes: impl IntoIterator<Item = (&'static str, String)>,
) -> String {
    let mut out = format!(
        "<form method=\"post\" action=\"{}\">{prelude}<p>",
        esc(action)
    );
    for (value, label) in outcomes {
        out.push_str(&format!(
            "<button type=\"submit\" id=\"outcome-{v}\" name=\"outcome\" value=\"{v}\">{l}</button>",
            v = esc(value),
            l = esc(&label)
        ));
    }
    out.push_str("</p></form>");
    out
}

/// What a page shows instead of the buttons once the payment is decided:
/// `This <subject> <strong>status</strong>.`, e.g. subject `payment is already`.
pub(crate) fn status_line(subject: &str, status: &str) -> String {
    format!(
        "<p id=\"status\">This {} <strong>{}</strong>.</p>",
        esc(subject),
        esc(status)
    )
}

/// The whole hosted page: `intro` (safe markup: the heading, who is paid), the rows of what is
/// being paid, then `choice` (safe markup: the outcome form or the status line).
pub(crate) fn show(title: &str, intro: &str, rows: &[(&str, String)], choice: &str) -> Response {
    html::respond(
        StatusCode::OK,
        title,
        &format!("{intro}{}{choice}", html::rows(rows)),
    )
}

/// Answers a submitted outcome form: a form without a known outcome gets `400 Bad choice`;
/// otherwise `pay` (given the outcome and every field of the form) answers with the next
/// page, or with the gateway's refusal, shown as `title` under `heading`.
pub(crate) fn submit<T>(
    body: &[u8],
    limit: usize,
    parse: impl Fn(&str) -> Option<T>,
    (title, heading): (&str, &str),
    pay: impl FnOnce(T, &Pairs) -> Result<Response, PayError>,
) -> Response {
    let pairs = parse_urlencoded(body, limit).unwrap_or_default();
    let Some(outcome) = field(&pairs, "outcome").and_then(parse) else {
        return html::respond(
            StatusCode::BAD_REQUEST,
            "Bad choice",
            "<p>Choose one of the outcome buttons.</p>",
        );
    };
    pay(outcome, &pairs).unwrap_or_else(|e| refused(e.status, title, heading, &e.message))
}

/// The first value of `name` in `pairs`.
pub(crate) fn field<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The page after a choice that has nowhere to send the customer back to.
pub(crate) fn done(title: &str, heading: &str, status: &str, note: Option<&str>) -> Response {
    let note = note
        .map(|n| format!("<p>{}</p>", esc(n)))
        .unwrap_or_default();
    html::respond(
        StatusCode::OK,
        title,
        &format!(
            "<h1>{}</h1><p id=\"status\">{}</p>{note}",
            esc(heading),
            esc(status)
        ),
    )
}

/// The page for a choice the gateway refused (the payment is no longer open, …).
fn refused(status: StatusCode, title: &str, heading: &str, message: &str) -> Response {
    html::respond(
        status,
        title,
        &format!("<h1>{}</h1><p>{}</p>", esc(heading), esc(message)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_carry_the_ids_tests_click() {
        assert_eq!(
            outcome_form(
                "/pay/a&b",
                "",
                [("ok", "Pay <now>".to_string()), ("ko", "Deny".to_string())]
            ),
            "<form method=\"post\" action=\"/pay/a&amp;b\"><p>\
             <button type=\"submit\" id=\"outcome-ok\" name=\"outcome\" value=\"ok\">Pay &lt;now&gt;</button>\
             <button type=\"submit\" id=\"outcome-ko\" name=\"outcome\" value=\"ko\">Deny</button>\
             </p></form>"
        );
        assert_eq!(
            status_line("payment is already", "paid"),
            "<p id=\"status\">This payment is already <strong>paid</strong>.</p>"
        );
    }

    #[test]
    fn a_form_without_a_known_outcome_is_a_bad_choice() {
        let page = ("Pay", "Gateway");
        let parse = |v: &str| (v == "ok").then_some(1);
        let ok = submit(b"channel=x&outcome=ok", 4096, parse, page, |n, pairs| {
            assert_eq!((n, field(pairs, "channel")), (1, Some("x")));
            Ok(html::see_other("/back"))
        });
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        for body in [&b"outcome=nope"[..], b"", b"channel=x"] {
            let bad = submit(body, 4096, parse, page, |_, _| unreachable!());
            assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        }
        let refused = submit(b"outcome=ok", 4096, parse, page, |_, _| {
            Err(PayError::unknown("Gateway"))
        });
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    }
}

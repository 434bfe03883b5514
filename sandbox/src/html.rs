//! Tiny HTML helpers. Every value that came from outside goes through [`esc`].

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Escapes text for an HTML text node or a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page. `title` is escaped here; `body` must already be safe markup.
pub fn page(title: &str, body: &str) -> String {
    format!(
        concat!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{title}</title><style>",
            "body{{font-family:system-ui,sans-serif;max-width:90rem;margin:2rem auto;padding:0 1rem;color:#222}}",
            ".banner{{background:#fff3cd;border:1px solid #e0c36a;padding:.4rem .8rem;border-radius:4px}}",
            "table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}",
            "button{{margin:.25rem;padding:.5rem 1rem;font-size:1rem}}",
            ".errors li{{color:#a00}}.warnings li{{color:#875f00}}",
            "pre{{white-space:pre-wrap;word-break:break-all;margin:0;font-size:.8rem}}",
            // Event bodies and URLs are long unbroken strings: wrap them in a bounded column.
            ".wrap{{white-space:pre-wrap;word-break:break-all}}td.body{{min-width:20rem;max-width:40rem}}",
            "td.wrap{{max-width:24rem}}details summary{{cursor:pointer;font-size:.8rem;color:#555}}",
            "form.inline{{display:inline}}form.inline button{{margin:.1rem .25rem;padding:.2rem .6rem;font-size:.9rem}}",
            "input[type=number]{{width:6rem}}.pager a{{margin:0 .2rem}}",
            "</style></head><body>\n",
            "<p class=\"banner\">hostedpay-sandbox: a local emulator. No money moves.</p>\n",
            "{body}\n</body></html>\n"
        ),
        title = esc(title),
        body = body
    )
}

/// An HTML response.
pub fn respond(status: StatusCode, title: &str, body: &str) -> Response {
    (status, Html(page(title, body))).into_response()
}

/// `303 See Other` to `url`. Bytes a header cannot carry (a shop's non-ASCII URL, spaces) are
/// percent-encoded, so a strange `return_url` can never break the answer.
pub fn see_other(url: &str) -> Response {
    let mut location = String::with_capacity(url.len());
    for b in url.bytes() {
        if (0x21..0x7f).contains(&b) {
            location.push(char::from(b));
        } else {
            location.push_str(&format!("%{b:02X}"));
        }
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// `<ul class="…">` of escaped items, or nothing.
pub fn list(class: &str, items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut out = format!("<ul class=\"{}\">", esc(class));
    for item in items {
        out.push_str("<li>");
        out.push_str(&esc(item));
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// A two-column table of escaped label/value rows.
pub fn rows(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<table>");
    for (label, value) in rows {
        out.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(label),
            esc(value)
        ));
    }
    out.push_str("</table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;"
        );
        assert!(page("<t>", "").contains("<title>&lt;t&gt;</title>"));
        assert_eq!(
            list("e", &["<b>".into()]),
            "<ul class=\"e\"><li>&lt;b&gt;</li></ul>"
        );
    }

    #[test]
    fn redirects_survive_any_url() {
        let r = see_other("http://shop.example/gracias/é?x=a b");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()[header::LOCATION],
            "http://shop.example/gracias/%C3%A9?x=a%20b"
        );
    }
}

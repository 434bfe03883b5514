//! HTTP as plain values: requests the host should send, answers it should give, and the
//! replies it received. vpos performs no I/O.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};

/// An HTTP method.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HttpMethod"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request the host must perform (post-back, polling, refund) and feed the reply back.
///
/// Some requests carry credentials (Bitpay's `Authorization` and its current API's `token`
/// query parameter, PayPal's NVP `PWD` and `SIGNATURE`), so `Debug` shows the method, the URL
/// with a `token` parameter masked, header names with credential values masked, and only the
/// body's length. Serialising gives everything: that is what the host
/// sends.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers to send, in order.
    pub headers: Vec<(String, String)>,
    /// The body, already encoded.
    pub body: String,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let secret = ["authorization", "proxy-authorization", "cookie"]
                    .iter()
                    .any(|h| name.eq_ignore_ascii_case(h));
                (name.as_str(), if secret { "***" } else { value.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &masked_url(&self.url))
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// `url` with the value of each `token` query parameter masked (Bitpay's current API names
/// its facade token in the query of an invoice query).
fn masked_url(url: &str) -> std::borrow::Cow<'_, str> {
    let Some((path, query)) = url.split_once('?') else {
        return url.into();
    };
    if !query.split('&').any(|p| p.starts_with("token=")) {
        return url.into();
    }
    let query: Vec<&str> = query
        .split('&')
        .map(|p| {
            if p.starts_with("token=") {
                "token=***"
            } else {
                p
            }
        })
        .collect();
    format!("{path}?{}", query.join("&")).into()
}

/// The answer the host must give to the gateway, exactly.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl HttpResponse {
    /// The answer to a notification after [`crate::state::transition`], for gateways that
    /// retry until they get HTTP 200: `200 ok_body` when the outcome is settled, `503` for a
    /// status code vpos does not know, `409` with the error code for a contradiction.
    pub(crate) fn settled(outcome: &crate::state::Outcome, ok_body: &str) -> HttpResponse {
        use crate::state::{IgnoreReason, Outcome};
        match outcome {
            o if o.is_acknowledged() => HttpResponse::text(200, ok_body),
            Outcome::Ignored(IgnoreReason::UnknownStatus { .. }) => {
                HttpResponse::text(503, "unknown_status")
            }
            Outcome::Rejected { error } => HttpResponse::text(409, error.code().as_str()),
            _ => HttpResponse::text(503, "retry"),
        }
    }

    pub(crate) fn text(status: u16, body: impl Into<String>) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.into(),
        }
    }

    /// `status` with `{"errors": [{"code", "field", "message"}]}`: the answer to a message that
    /// could not be taken in.
    pub(crate) fn errors(status: u16, error: &crate::Error) -> HttpResponse {
        // A derived struct, not `json!`: a `Value` would pull serde_json's parser into the
        // browser build for one answer.
        #[derive(Serialize)]
        struct Errors<'a> {
            errors: [&'a crate::Error; 1],
        }
        let body = serde_json::to_string(&Errors { errors: [error] }).unwrap_or_default();
        HttpResponse::json(status, body)
    }

    pub(crate) fn json(status: u16, body: String) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }
}

/// Refuses a request whose content type is none of `accepted` (parameters such as `charset`
/// are ignored here); `what` names the messages in the error.
pub(crate) fn require_content_type(
    content_type: &str,
    accepted: &[&str],
    what: &str,
) -> crate::Result<()> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if accepted.iter().any(|a| essence.eq_ignore_ascii_case(a)) {
        Ok(())
    } else {
        Err(crate::Error::new(
            crate::ErrorCode::UnsupportedContentType,
            format!("{what} are {}", accepted.join(" or ")),
        ))
    }
}

/// What the host got back for an [`HttpRequest`]: a response, or its own failure to get one
/// (timeout, DNS, connection reset). Reporting the failure is how the host says "I tried".
///
/// JSON: `{"status": 200, "body": "VERIFIED"}` or `{"error": "timed out after 10 s"}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PostbackReply"))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Reply {
    /// The server answered.
    Response {
        /// Status code.
        status: u16,
        /// Body bytes (the post-back answer is compared byte-wise).
        #[cfg_attr(feature = "ts", ts(type = "string | Uint8Array"))]
        #[serde(with = "body_text")]
        body: Vec<u8>,
    },
    /// The host could not get an answer.
    Failed {
        /// The host's description of what failed.
        error: String,
    },
}

impl Reply {
    /// The body of an HTTP 200 answer. Any other status, or no answer at all, is
    /// `gateway_unavailable` naming `who` (`"Redsys answered HTTP 502"`): nothing usable came,
    /// and the host may ask again.
    pub(crate) fn ok_body(&self, who: &str) -> Result<&[u8]> {
        match self {
            Reply::Response { status: 200, body } => Ok(body),
            Reply::Response { status, .. } => Err(Error::new(
                ErrorCode::GatewayUnavailable,
                format!("{who} answered HTTP {status}"),
            )),
            Reply::Failed { error } => Err(no_answer(who, error)),
        }
    }
}

/// `gateway_unavailable` for a call the host could not complete, quoting at most 120
/// characters of its description.
pub(crate) fn no_answer(who: &str, error: &str) -> Error {
    Error::new(
        ErrorCode::GatewayUnavailable,
        format!(
            "no answer from {who} ({})",
            error.chars().take(120).collect::<String>()
        ),
    )
}

mod body_text {
    use serde::Deserialize;

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(d)?.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_credentials_and_body() {
        let request = HttpRequest {
            method: Method::Post,
            url: "https://test.bitpay.com/api/invoice".into(),
            headers: vec![("Authorization".into(), "Basic c2VjcmV0Og==".into())],
            body: "PWD=secret".into(),
        };
        let debug = format!("{request:?}");
        assert!(
            !debug.contains("c2VjcmV0Og") && !debug.contains("secret"),
            "{debug}"
        );
        assert!(debug.contains("<10 bytes>") && debug.contains("***"));
    }
}

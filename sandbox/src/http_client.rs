//! A small HTTP/1.1 client: the sandbox's notifications to shops, and the test suite's requests
//! to the sandbox. Plain `http://` only (the sandbox talks to shops on this machine), every
//! call bounded by a timeout and a response size limit, no redirects followed, no connection
//! pooling (a shop restarted between two attempts must not see a stale connection).

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Largest response body read.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// The client.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header by name, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("not JSON ({e}): {}", self.text()))
    }
}

impl HttpClient {
    /// A client whose every call gives up after `timeout`.
    pub fn new(timeout: Duration) -> HttpClient {
        let inner = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http();
        HttpClient { inner, timeout }
    }

    /// `POST url` with `body` of `content_type`.
    pub async fn post(
        &self,
        url: &str,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> Result<Response, String> {
        self.request("POST", url, &[("content-type", content_type)], body.into())
            .await
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Result<Response, String> {
        self.request("GET", url, &[], Bytes::new()).await
    }

    /// Any request. Errors are short descriptions (`connection refused`, `timed out after 10 s`).
    pub async fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<Response, String> {
        if !url.starts_with("http://") {
            return Err(format!(
                "the sandbox only delivers to http:// URLs, not {:?}",
                url.chars().take(80).collect::<String>()
            ));
        }
        let uri: hyper::Uri = url.parse().map_err(|e| format!("bad URL: {e}"))?;
        let mut builder = hyper::Request::builder().method(method).uri(uri).header(
            "user-agent",
            concat!("hostedpay-sandbox/", env!("CARGO_PKG_VERSION")),
        );
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder
            .body(Full::new(body))
            .map_err(|e| format!("bad request: {e}"))?;
        let call = async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| describe(&e))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|e| format!("reading the answer failed: {e}"))?
                .to_bytes()
                .to_vec();
            Ok(Response {
                status,
                headers,
                body,
            })
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(format!("timed out after {} ms", self.timeout.as_millis())),
        }
    }
}

/// The innermost cause of a client error (hyper-util's own message is only "client error").
fn describe(error: &hyper_util::client::legacy::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

//! # hostedpay-sandbox
//!
//! A local emulator of the payment gateways vpos speaks, so that a shop (and vpos's own
//! end-to-end tests) can run a whole payment without any real gateway. A shop configures the
//! sandbox's URLs as its gateway URLs; nothing else changes.
//!
//! - **FloCash** at its real paths: `POST /ecom/ecommerce.do` (checkout form, validated with
//!   vpos-core's rules), a hosted payment page with every outcome, the 17-field notification
//!   POSTed to `notify_url` and retried hourly for 72 hours (faster with `--time-scale`), and
//!   `POST /validateNotify.do`, which says `VERIFIED` only for notifications it really sent.
//! - **Redsys** at its real paths: `POST /sis/realizarPago` (signature checked, all three
//!   versions), a payment page, the signed HTTP-POST notification to `DS_MERCHANT_MERCHANTURL`,
//!   the signed return to URLOK/URLKO, and `POST /sis/rest/trataPeticionREST` for refunds
//!   (partial, repeated, until the captured amount is used up), confirmations and cancellations;
//!   the SOAP status query `POST /apl02/services/SerClsWSConsulta` (`consultaOperaciones`).
//! - **CECA**: `POST /tpvweb/tpv/compra.action`, a payment page, the signed notification to
//!   the panel URL (`ceca.notify_url`) that counts only when answered `$*$OKY$*$`.
//! - **PayPal** Website Payments Standard: `POST /cgi-bin/webscr` (Buy Now form and the IPN
//!   post-back), a payment page, IPNs resent with a growing interval until HTTP 200; the NVP
//!   API `POST /nvp` (`RefundTransaction`, `GetTransactionDetails`, `TransactionSearch`).
//! - **Santander Elavon**: `POST /pay` (HPP), the signed response posted through the browser,
//!   `POST /remote` (settle, void, rebate).
//! - **Bitpay**: `POST /invoices`, `GET /invoices/{id}` (current API: POS token, merchant facade
//!   signed and checked; legacy API key), `POST /refunds`, the invoice page, notifications.
//! - **PayPal REST**: `POST /v1/oauth2/token`, Orders v2 (`/v2/checkout/orders`), the approve
//!   page (`/checkoutnow`), Payments v2 (authorisation capture and void, refunds), signed
//!   webhooks with retries, `POST /v1/notifications/verify-webhook-signature`, the test
//!   certificate.
//! - **`/_sandbox/`**: the event log (every request, every delivery attempt), fault injection,
//!   reset, and `POST /_sandbox/pay` for tests without a browser.
//!
//! Unlike vpos-core this is a host: it does I/O, reads the clock and draws random ids. It
//! still bounds everything (bodies, retries, the event log, stored orders) and listens on
//! loopback unless told otherwise.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = vpos_sandbox::start(vpos_sandbox::Options {
//!     listen: "127.0.0.1:0".parse().unwrap(),
//!     time_scale: 3600.0, // FloCash's hourly retry every second
//!     ..Default::default()
//! })
//! .await?;
//! let checkout_url = format!("{}/ecom/ecommerce.do", sandbox.url());
//! // … run the shop against it …
//! sandbox.shutdown().await
//! # }
//! ```
#![forbid(unsafe_code)]

mod admin;
mod app;
mod bitpay;
mod ceca;
pub mod cli;
mod clock;
pub mod config;
mod delivery;
mod elavon;
pub mod events;
pub mod faults;
mod flocash;
mod flocash_poll;
mod html;
pub mod http_client;
mod pay_page;
mod paypal;
mod paypal_nvp;
mod paypal_rest;
mod redsys;
mod redsys_query;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::Config;
pub use faults::Faults;

use app::App;
use events::{Event, excerpt};

/// Largest request body accepted on any path.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How the sandbox runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Gateway time runs this many times faster than real time (retries, pending payments).
    pub time_scale: f64,
    /// Merchant settings.
    pub config: Config,
    /// Faults active from the start (and after every reset).
    pub faults: Faults,
    /// Seeds the id generator; `None` seeds from the OS.
    pub seed: Option<u64>,
    /// Deliver notifications to any host, not only to this machine (loopback).
    pub deliver_anywhere: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8700)),
            time_scale: 1.0,
            config: Config::default(),
            faults: Faults::default(),
            seed: None,
            deliver_anywhere: false,
        }
    }
}

impl Options {
    /// Checks every value.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.time_scale.is_finite()
            && self.time_scale > 0.0
            && self.time_scale <= cli::MAX_TIME_SCALE)
        {
            return Err(format!(
                "time_scale must be above 0 and at most {}",
                cli::MAX_TIME_SCALE
            ));
        }
        self.config.validate()?;
        self.faults.validate()
    }
}

/// A running sandbox.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Sandbox {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish (at most 5 s), and returns.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match tokio::time::timeout(Duration::from_secs(5), &mut self.task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(std::io::Error::other(join)),
            Err(_) => {
                self.task.abort();
                Ok(())
            }
        }
    }
}

/// Binds and starts serving in the background (on the current tokio runtime).
pub async fn start(options: Options) -> std::io::Result<Sandbox> {
    options
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = TcpListener::bind(options.listen).await?;
    let addr = listener.local_addr()?;
    let app = Arc::new(App::new(&options, addr));
    let router = router(app);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(Sandbox {
        addr,
        shutdown: Some(tx),
        task,
    })
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(flocash::routes())
        .merge(flocash_poll::routes())
        .merge(redsys::routes())
        .merge(redsys_query::routes())
        .merge(ceca::routes())
        .merge(paypal::routes())
        .merge(paypal_nvp::routes())
        .merge(paypal_rest::routes())
        .merge(elavon::routes())
        .merge(bitpay::routes())
        .merge(admin::routes())
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "hostedpay-sandbox: no such path (the dashboard is at /_sandbox/)\n",
            )
        })
        .layer(middleware::from_fn_with_state(app.clone(), log_requests))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(app)
}

/// Logs every request (except the dashboard's own reads) before it is handled, and its answer
/// status after. Bodies over [`MAX_BODY_BYTES`] are refused here with 413.
async fn log_requests(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if request.method() == Method::GET && (path.starts_with("/_sandbox") || path == "/favicon.ico")
    {
        return next.run(request).await;
    }
    let gateway = if path.starts_with("/sis/") || path.starts_with("/apl02/") {
        Some("redsys")
    } else if path.starts_with("/tpvweb/") {
        Some("ceca")
    } else if path.starts_with("/cgi-bin/webscr") || path == "/nvp" {
        Some("paypal")
    } else if paypal_rest::owns(&path) {
        Some(paypal_rest::GATEWAY)
    } else if path == "/pay" || path.starts_with("/pay/") || path == "/remote" {
        Some("elavon")
    } else if path.starts_with("/invoice") || path.starts_with("/api/invoice") {
        Some("bitpay")
    } else if path.starts_with("/ecom/") || path == "/validateNotify.do" {
        Some("flocash")
    } else {
        None
    };
    let method = request.method().to_string();
    let url = request
        .uri()
        .path_and_query()
        .map_or(path.clone(), |p| p.as_str().to_string());
    let (parts, body) = request.into_parts();
    let (bytes, too_large) = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => (b, false),
        Err(_) => (Default::default(), true),
    };
    let seq = app.log(Event {
        kind: "request",
        gateway,
        method: Some(method),
        url: Some(excerpt(url.as_bytes())),
        request_body: (!bytes.is_empty()).then(|| excerpt(&bytes)),
        message: too_large.then(|| format!("body over {MAX_BODY_BYTES} bytes refused")),
        ..Event::default()
    });
    let response = if too_large {
        (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response()
    } else {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    };
    app.lock()
        .events
        .set_status(seq, response.status().as_u16());
    response
}

//! Notification delivery: POST to the shop, judge the answer by the gateway's rule, retry on
//! the gateway's schedule, log every attempt. Faults (delay, drop, duplicate, lose) apply here.

use std::sync::Arc;
use std::time::Duration;

use crate::app::{App, Inner, MAX_IN_FLIGHT};
use crate::clock;
use crate::events::{Event, excerpt};

/// How a gateway retries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Real time between attempts (already scaled); with `backoff_to`, before the first retry.
    pub interval: Duration,
    /// Doubles the interval after every retry, up to this (already scaled); `None` keeps it fixed.
    pub backoff_to: Option<Duration>,
    /// Whether the shop's answer stops the retries.
    pub accepts: fn(u16, &[u8]) -> bool,
}

impl Policy {
    /// A single attempt, never retried: Redsys and CECA notify once.
    pub(crate) const fn once(accepts: fn(u16, &[u8]) -> bool) -> Policy {
        Policy {
            max_attempts: 1,
            interval: Duration::ZERO,
            backoff_to: None,
            accepts,
        }
    }
}

/// The `postback-fail` fault, for the request a shop makes to check a notification (PayPal's
/// and FloCash's post-backs, Bitpay's invoice fetch): whether this one fails, logged as
/// `<what> answered HTTP 500 (postback-fail fault)` when it does.
pub(crate) fn postback_fails(
    inner: &mut Inner,
    gateway: &'static str,
    order: Option<&str>,
    what: &str,
) -> bool {
    if !inner.faults.take_postback_fail() {
        return false;
    }
    inner.events.push(Event::note(
        Some(gateway),
        order,
        format!("{what} answered HTTP 500 (postback-fail fault)"),
    ));
    true
}

/// Most of a lost reply kept in the event log.
const LOST_REPLY_CHARS: usize = 8 * 1024;

/// The `lose-replies` fault, for a server-to-server operation already carried out:
/// `response` goes back to the shop, unless the fault loses it (counting it down). A lost
/// reply is logged, the reply it would have been in the event's `response_body`, and the
/// shop gets HTTP 504 Gateway Timeout with an empty body instead: what a shop sees when a
/// proxy or load balancer in front of the gateway gives up waiting for the answer. The
/// request reached the gateway, so the operation may well have happened, and only asking
/// again (a status query, or the same request with its idempotency key) can tell.
pub(crate) async fn unless_reply_lost(
    app: &crate::app::App,
    gateway: &'static str,
    order: &str,
    what: &str,
    response: axum::response::Response,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    if !app.lock().faults.take_lost_reply() {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), crate::MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    // Whole (operation replies are a few hundred bytes), so a test can read the reply the
    // shop never got and compare it with what a status query reports.
    let lost = String::from_utf8_lossy(&body[..body.len().min(LOST_REPLY_CHARS)]).into_owned();
    app.log(Event {
        response_body: Some(lost),
        ..Event::note(
            Some(gateway),
            Some(order),
            format!(
                "{what} carried out; its reply lost (lose-replies fault): HTTP 504, empty body"
            ),
        )
    });
    (axum::http::StatusCode::GATEWAY_TIMEOUT, "").into_response()
}

/// FloCash: "anything but `00`" is retried an hour later, for up to 72 hours: the first
/// attempt plus 72 hourly retries.
pub(crate) const FLOCASH_ATTEMPTS: u32 = 73;

/// FloCash counts a notification delivered only on HTTP 200 with the body `00`, exactly.
pub(crate) fn flocash_accepts(status: u16, body: &[u8]) -> bool {
    status == 200 && body == b"00"
}

/// Redsys's online notification is a single POST; any 2xx answer is taken as received.
pub(crate) fn redsys_accepts(status: u16, _body: &[u8]) -> bool {
    (200..300).contains(&status)
}

/// Redsys SOAP notifications: HTTP 200 and the `procesaNotificacionSISResponse` saying `OK`
/// (escaped inside the envelope, as the shop must send it); `KO` makes Redsys cancel.
pub(crate) fn redsys_soap_accepts(status: u16, body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    status == 200
        && (text.contains("&lt;Ds_Response_Merchant&gt;OK&lt;")
            || text.contains("<Ds_Response_Merchant>OK<"))
}

/// CECA counts a notification received only on HTTP 200 with the body `$*$OKY$*$`, exactly.
pub(crate) fn ceca_accepts(status: u16, body: &[u8]) -> bool {
    status == 200 && body == b"$*$OKY$*$"
}

/// PayPal REST webhooks: any 2xx is received ("PayPal … expects an HTTP 200-level status").
pub(crate) fn http_2xx_accepts(status: u16, _body: &[u8]) -> bool {
    (200..300).contains(&status)
}

/// PayPal and Bitpay: HTTP 200 is received, whatever the body.
pub(crate) fn http_200_accepts(status: u16, _body: &[u8]) -> bool {
    status == 200
}

/// Whether `url` names this machine: `localhost` (and `*.localhost`), 127.0.0.0/8 or `::1`.
/// Unless started with `--deliver-anywhere`, the sandbox sends notifications nowhere else.
pub(crate) fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// One notification to deliver.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub gateway: &'static str,
    pub order: String,
    /// What it reports (`0000`, `Ds_Response 0180` …), for the log.
    pub label: String,
    pub url: String,
    pub content_type: &'static str,
    pub body: String,
    pub policy: Policy,
    /// Headers signed afresh for every attempt (PayPal REST webhooks), or none.
    pub signer: Option<Signer>,
}

/// Who signs each attempt's headers.
#[derive(Debug, Clone)]
pub(crate) enum Signer {
    /// The `PAYPAL-*` transmission headers, signed with the sandbox's test key over
    /// `webhook_id` (a new transmission id and time per attempt, as PayPal's retries have).
    PaypalWebhook {
        webhook_id: String,
        cert_url: String,
    },
}

/// Starts delivering `delivery` after `after` (real time), once or, with the `duplicate`
/// fault, several times (each copy on its own schedule).
pub(crate) fn dispatch(app: &Arc<App>, delivery: Delivery, after: Duration) {
    let (copies, generation) = {
        let inner = app.lock();
        (inner.faults.config.copies(), inner.generation)
    };
    if !app.deliver_anywhere && !is_loopback_url(&delivery.url) {
        app.log(Event {
            kind: "delivery",
            gateway: Some(delivery.gateway),
            order: Some(delivery.order.clone()),
            method: Some("POST".into()),
            url: Some(excerpt(delivery.url.as_bytes())),
            outcome: Some("refused"),
            message: Some(format!(
                "{}: not sent, the URL is not on this machine (start the sandbox with --deliver-anywhere to allow it)",
                delivery.label
            )),
            ..Event::default()
        });
        return;
    }
    let delivery = Arc::new(delivery);
    for copy in 1..=copies {
        let Some(counted) = app.enter_delivery() else {
            app.note(
                delivery.gateway,
                &delivery.order,
                format!(
                    "{}: not scheduled, {MAX_IN_FLIGHT} deliveries are already waiting",
                    delivery.label
                ),
            );
            continue;
        };
        let app = Arc::clone(app);
        let delivery = Arc::clone(&delivery);
        let copy = (copies > 1).then_some(copy);
        tokio::spawn(async move {
            // Holds the count until the last attempt.
            let _counted = counted;
            run(&app, delivery, after, copy, generation).await;
        });
    }
}

async fn run(app: &App, d: Arc<Delivery>, after: Duration, copy: Option<u32>, generation: u64) {
    if !after.is_zero() && !app.sleep_unless_reset(after, generation).await {
        return;
    }
    // Decided when the notification is due, so a payment's later notification (PayPal's
    // `Completed` after `Pending`) is lost at its own time, as the payment's first was.
    let lost = {
        let mut inner = app.lock();
        if inner.generation != generation {
            return;
        }
        inner.faults.take_lost_notification(d.gateway, &d.order)
    };
    if lost {
        app.log(Event {
            kind: "delivery",
            gateway: Some(d.gateway),
            order: Some(d.order.clone()),
            method: Some("POST".into()),
            url: Some(excerpt(d.url.as_bytes())),
            request_body: Some(excerpt(d.body.as_bytes())),
            copy,
            outcome: Some("lost"),
            message: Some(format!(
                "{}: lost by the lose-notifications fault (never sent, never retried; a status query finds it)",
                d.label
            )),
            ..Event::default()
        });
        return;
    }
    let max = d.policy.max_attempts;
    let mut interval = d.policy.interval;
    for attempt in 1..=max {
        let (delay_ms, dropped, tampered) = {
            let mut inner = app.lock();
            if inner.generation != generation {
                return;
            }
            let dropped = inner.faults.take_drop();
            // Only signed webhooks: elsewhere a changed body proves nothing about the shop.
            let tampered = !dropped && d.signer.is_some() && inner.faults.take_tamper();
            (inner.faults.config.delay_ms, dropped, tampered)
        };
        if delay_ms > 0
            && !app
                .sleep_unless_reset(Duration::from_millis(delay_ms), generation)
                .await
        {
            return;
        }
        let mut event = Event {
            kind: "delivery",
            gateway: Some(d.gateway),
            order: Some(d.order.clone()),
            method: Some("POST".into()),
            url: Some(d.url.clone()),
            request_body: Some(excerpt(d.body.as_bytes())),
            attempt: Some(attempt),
            max_attempts: Some(max),
            copy,
            ..Event::default()
        };
        let accepted = if dropped {
            event.message = Some(format!("{}: dropped by the drop-first fault", d.label));
            false
        } else {
            // Signed now, after any delay: the transmission time is the attempt's.
            let signed = match &d.signer {
                Some(Signer::PaypalWebhook {
                    webhook_id,
                    cert_url,
                }) => crate::paypal_rest::webhook::transmission_headers(
                    &mut app.lock(),
                    webhook_id,
                    cert_url,
                    d.body.as_bytes(),
                ),
                None => Vec::new(),
            };
            let mut headers = vec![("content-type", d.content_type)];
            headers.extend(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            // The tamper fault: one space after the first `{`, after signing. The JSON means
            // the same; only a check over the raw bytes (PayPal's CRC32) sees it.
            let body = if tampered {
                d.body.replacen('{', "{ ", 1)
            } else {
                d.body.clone()
            };
            if tampered {
                event.request_body = Some(excerpt(body.as_bytes()));
            }
            match app
                .client
                .request("POST", &d.url, &headers, body.into_bytes().into())
                .await
            {
                Ok(response) => {
                    event.status = Some(response.status);
                    event.response_body = Some(excerpt(&response.body));
                    let ok = (d.policy.accepts)(response.status, &response.body);
                    let label = if tampered {
                        format!(
                            "{} (body tampered after signing by the tamper fault)",
                            d.label
                        )
                    } else {
                        d.label.clone()
                    };
                    event.message = Some(if ok {
                        format!("{label}: accepted by the shop")
                    } else {
                        format!(
                            "{label}: the shop answered HTTP {} {:?}, which the gateway does not take as received",
                            response.status,
                            excerpt(&response.body[..response.body.len().min(40)])
                        )
                    });
                    ok
                }
                Err(error) => {
                    event.message = Some(format!("{}: {error}", d.label));
                    false
                }
            }
        };
        let last = attempt == max;
        event.outcome = Some(match (accepted, dropped, last) {
            (true, _, _) => "delivered",
            (false, _, true) => "given_up",
            (false, true, false) => "dropped",
            (false, false, false) => "failed",
        });
        if !accepted && !last {
            event.next_retry_at = Some(clock::rfc3339_in(interval));
        }
        {
            let mut inner = app.lock();
            if inner.generation != generation {
                return;
            }
            inner.events.push(event);
        }
        if accepted || last || !app.sleep_unless_reset(interval, generation).await {
            return;
        }
        if let Some(cap) = d.policy.backoff_to {
            interval = interval.saturating_mul(2).min(cap);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_url;

    #[test]
    fn only_this_machine_by_default() {
        for ok in [
            "http://127.0.0.1:8000/notify",
            "http://127.1.2.3/x",
            "http://localhost:3000",
            "http://shop.localhost/n?x=1",
            "http://[::1]:8000/n",
            "http://user@127.0.0.1/n",
        ] {
            assert!(is_loopback_url(ok), "{ok}");
        }
        for no in [
            "http://www.prueba.com/urlNotificacion.php",
            "http://10.0.0.1/n",
            "http://127.0.0.1.example.com/n",
            "http://[::2]/n",
            "http://localhost@evil.example/n",
            "ftp://127.0.0.1/n",
        ] {
            assert!(!is_loopback_url(no), "{no}");
        }
    }
}

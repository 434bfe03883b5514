//! Verification by post-back: FloCash signs nothing, so the listener echoes the notification
//! to `validateNotify.do` and FloCash answers whether it sent it.

use super::{Config, Notification};
use crate::error::{Error, ErrorCode, Result};
use crate::form::encode_urlencoded;
use crate::http::{HttpRequest, Method, Reply};
use crate::trust::{Unverified, Verified};

/// Describes the post-back: a POST to [`Config::postback_url`] with every received field, in
/// the order received, then `cmd=notify-validate` (a `cmd` FloCash sent is replaced, not
/// echoed). The host performs it, with a timeout, and feeds the reply to [`verify_postback`].
///
/// An invalid `base_url` yields a request whose URL is empty; [`Config::validate`] at start-up
/// catches that, and [`verify_postback`] refuses to verify against such a config.
pub fn postback_request(config: &Config, notification: &Unverified<Notification>) -> HttpRequest {
    let received = notification.untrusted().received_pairs();
    let fields = received
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("cmd"))
        .copied()
        .chain([("cmd", "notify-validate")]);
    HttpRequest {
        method: Method::Post,
        url: config.postback_url().unwrap_or_default(),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: encode_urlencoded(fields),
    }
}

/// Interprets the post-back reply. Verified only on HTTP 200 with the body `verified` in any
/// letter case and nothing else (no trimming: `"VERIFIED\n"` is not an answer FloCash gives).
///
/// - 200 with another body (`INVALID`): [`ErrorCode::PostbackInvalid`]. FloCash disowns it.
/// - another status, or the host's own failure ([`Reply::Failed`]):
///   [`ErrorCode::PostbackFailed`]. Nothing is known; the payment must stay untouched and the
///   notification be answered so that FloCash delivers it again.
pub fn verify_postback(
    config: &Config,
    notification: Unverified<Notification>,
    reply: &Reply,
) -> Result<Verified<Notification>> {
    config.postback_url()?;
    match reply {
        Reply::Response { status: 200, body } if body.eq_ignore_ascii_case(b"verified") => {
            Ok(Verified(notification.0))
        }
        Reply::Response { status: 200, body } => Err(Error::new(
            ErrorCode::PostbackInvalid,
            format!(
                "FloCash did not confirm the notification (answered {:?})",
                String::from_utf8_lossy(&body[..body.len().min(32)])
            ),
        )),
        Reply::Response { status, .. } => Err(Error::new(
            ErrorCode::PostbackFailed,
            format!(
                "post-back answered HTTP {status}; FloCash will deliver the notification again"
            ),
        )),
        Reply::Failed { error } => Err(Error::new(
            ErrorCode::PostbackFailed,
            format!(
                "post-back failed ({}); FloCash will deliver the notification again",
                error.chars().take(120).collect::<String>()
            ),
        )),
    }
}

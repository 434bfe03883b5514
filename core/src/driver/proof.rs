//! Proving a notification, the same two-step shape for every gateway: proven on the spot
//! (a signature), or after one HTTP exchange the host performs (a post-back, an invoice fetch).

use super::config::Config;
use super::notification::{Notification, Summary, same_gateway};
use crate::error::Result;
use crate::error::{Error, ErrorCode};
use crate::gateways::{bitpay, ceca, elavon, flocash, paypal, redsys};
use crate::http::{HttpRequest, Reply};
use crate::trust::{Unverified, Verified};

/// Where [`prove`] got to.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // moved once per notification; boxing buys nothing
pub enum Proof {
    /// Proven locally (Redsys, CECA and Elavon signatures).
    Verified(Verified<Notification>),
    /// The gateway must be asked: perform `request` (with a deadline), then hand the reply,
    /// or the failure to get one, to [`Pending::finish`]. FloCash and PayPal post the
    /// notification back; Bitpay fetches the invoice (or, for a refund's webhook, the refund on
    /// the merchant facade, signed), whose answer decides the status.
    NeedsReply {
        /// What to send.
        request: HttpRequest,
        /// The notification awaiting the reply.
        pending: Pending,
    },
}

/// A notification waiting for the gateway's reply to [`Proof::NeedsReply`]'s request. A
/// clone may be finished again, so a host can retry a post-back that failed.
#[derive(Debug, Clone)]
pub struct Pending(Notification);

impl Pending {
    /// The untrusted identifiers, for a host that stores or logs while it waits.
    pub fn summary(&self) -> Summary {
        Unverified(self.0.clone()).summary()
    }

    /// Reads the gateway's reply: the proven notification, or why not (`postback_invalid`:
    /// the gateway disowned it; `postback_failed` / `gateway_unavailable`: no usable answer,
    /// the gateway delivers again; `merchant_mismatch`: proven, for another account).
    pub fn finish(self, config: &Config, reply: &Reply) -> Result<Verified<Notification>> {
        same_gateway(config, &self.0)?;
        let n = match (config, self.0) {
            #[cfg(feature = "flocash")]
            (Config::Flocash(c), Notification::Flocash(n)) => {
                Notification::Flocash(flocash::verify_postback(c, Unverified(n), reply)?.0)
            }
            #[cfg(feature = "paypal")]
            (Config::Paypal(c), Notification::Paypal(n)) => {
                Notification::Paypal(paypal::verify_postback(c, Unverified(n), reply)?.0)
            }
            #[cfg(feature = "bitpay")]
            (Config::Bitpay(_), Notification::Bitpay(n)) => {
                Notification::Bitpay(bitpay::verify_invoice(Unverified(n), reply)?.0)
            }
            #[cfg(feature = "bitpay")]
            (Config::Bitpay(_), Notification::BitpayRefund(n)) => {
                Notification::BitpayRefund(bitpay::verify_refund(Unverified(n), reply)?.0)
            }
            #[cfg(feature = "paypal_rest")]
            (Config::PaypalRest(c), Notification::PaypalRest(mut n)) => {
                let now_unix = n.now_unix;
                let webhook = Unverified(n.webhook.clone());
                let webhook = if c.access_token.is_some() {
                    paypal::finish_postback(webhook, reply)?
                } else {
                    // The certificate `cert_request` fetched, checked at the host's clock.
                    let pem = cert_body(reply)?;
                    let now = now_unix.ok_or_else(|| Error::missing("now_unix"))?;
                    paypal::verify_offline_for(
                        c,
                        webhook,
                        pem,
                        now,
                        paypal::DEFAULT_TOLERANCE_SECS,
                    )?
                };
                n.webhook = webhook.0;
                Notification::PaypalRest(n)
            }
            // Signature gateways never wait: a reply proves nothing about them.
            (_, n) => return prove_locally(config, n),
        };
        Ok(Verified(n))
    }
}

/// Proves `notification` for `config`'s account: checks the signature on the spot, or
/// describes the one request whose reply proves it.
///
/// ```
/// use vpos_core::driver::{self, Config, Proof, Request};
/// use vpos_core::Reply;
/// let config = Config::from_json(&serde_json::json!({"gateway": "paypal",
///     "business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
///     "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"}))?;
/// let body = b"txn_id=9X1&payment_status=Completed&mc_gross=10.00&mc_currency=EUR\
///              &receiver_email=shop%40example.com&invoice=A1&charset=UTF-8";
/// let request = Request { content_type: "application/x-www-form-urlencoded", body, query: "", token: None, ..Default::default() };
/// let unverified = driver::parse_notification(&config, &request)?;
/// let Proof::NeedsReply { request, pending } = driver::prove(&config, unverified)? else { panic!() };
/// assert!(request.body.starts_with("cmd=_notify-validate&txn_id=9X1"));
/// let reply = Reply::Response { status: 200, body: b"VERIFIED".to_vec() };
/// let verified = pending.finish(&config, &reply)?;
/// assert_eq!(verified.event().transaction_id(), "9X1");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn prove(config: &Config, notification: Unverified<Notification>) -> Result<Proof> {
    let n = notification.0;
    same_gateway(config, &n)?;
    let request = match (config, &n) {
        #[cfg(feature = "flocash")]
        (Config::Flocash(c), Notification::Flocash(f)) => {
            // A post-back to nowhere proves nothing: refuse the configuration before asking.
            c.postback_url()?;
            flocash::postback_request(c, &Unverified(f.clone()))
        }
        #[cfg(feature = "paypal")]
        (Config::Paypal(c), Notification::Paypal(p)) => {
            paypal::postback_request(c, &Unverified(p.clone()))
        }
        #[cfg(feature = "bitpay")]
        (Config::Bitpay(c), Notification::Bitpay(b)) => {
            bitpay::invoice_status_request(c, &Unverified(b.clone()))
        }
        // A refund is read on the merchant facade only (signed); without it nothing can
        // prove the notification (`invalid_config` on `merchant_token`: answered 503).
        #[cfg(feature = "bitpay")]
        (Config::Bitpay(c), Notification::BitpayRefund(r)) => {
            bitpay::refund_status_request(c, &Unverified(r.clone()))?
        }
        // With the account's token: PayPal's verify-webhook-signature post-back. Without one
        // but with the host's clock: the offline check, after fetching the certificate
        // (only from PayPal's hosts). Neither: nothing can prove it.
        #[cfg(feature = "paypal_rest")]
        (Config::PaypalRest(c), Notification::PaypalRest(w)) => match &c.access_token {
            Some(_) => paypal::verify_webhook_signature_request(
                c,
                &c.token()?,
                &w.headers(),
                w.webhook.raw_body(),
            )?,
            None if w.now_unix.is_some() => paypal::cert_request_for(c, &w.headers())?,
            None => {
                return Err(Error::new(
                    ErrorCode::FieldMissing,
                    "a PayPal REST webhook is proven with the account's access_token \
                     (post-back) or the request's now_unix (offline); neither was given",
                )
                .with_field("access_token"));
            }
        },
        _ => return prove_locally(config, n).map(Proof::Verified),
    };
    Ok(Proof::NeedsReply {
        request,
        pending: Pending(n),
    })
}

/// The certificate PayPal served: a 200 with a body; anything else is no answer (PayPal
/// delivers again).
fn cert_body(reply: &Reply) -> Result<&[u8]> {
    match reply {
        Reply::Response { status: 200, body } if !body.is_empty() => Ok(body),
        _ => Err(Error::new(
            ErrorCode::PostbackFailed,
            "PayPal's certificate could not be fetched",
        )
        .with_field("certificate")),
    }
}

fn prove_locally(config: &Config, n: Notification) -> Result<Verified<Notification>> {
    let n = match (config, n) {
        #[cfg(feature = "redsys")]
        (Config::Redsys(c), Notification::Redsys(n)) => {
            Notification::Redsys(redsys::verify(c, Unverified(n))?.0)
        }
        #[cfg(feature = "ceca")]
        (Config::Ceca(c), Notification::Ceca(n)) => {
            Notification::Ceca(ceca::verify(c, Unverified(n))?.0)
        }
        #[cfg(feature = "elavon")]
        (Config::Elavon(c), Notification::Elavon(n)) => {
            Notification::Elavon(elavon::verify(c, Unverified(n))?.0)
        }
        (_, n) => {
            // Only reachable with a mismatched pair, which `same_gateway` refused, or a
            // reply-proven gateway handed to `finish` without its reply: both unproven.
            same_gateway(config, &n)?;
            return Err(Error::new(
                ErrorCode::PostbackFailed,
                "this notification is proven by the gateway's reply to the request `prove` described",
            ));
        }
    };
    Ok(Verified(n))
}

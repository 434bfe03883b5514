//! Notifications of any gateway: parse, read what a host stores before proving, and what a
//! proven one leaves on the payment.

use serde::Serialize;

use super::config::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::gateways::{Gateway, bitpay, ceca, elavon, flocash, paypal, redsys};
use crate::money::Amount;
use crate::state::{Event, Outcome};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// What the host received, as values. `Request { content_type, body, ..Request::default() }`
/// leaves the rest empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Request<'a> {
    /// The `Content-Type` header as sent (parameters included).
    pub content_type: &'a str,
    /// The body, byte for byte.
    pub body: &'a [u8],
    /// The query string without `?` (none of the six gateways notifies by query today; it is
    /// here so that one that does needs no new shape).
    pub query: &'a str,
    /// The secret path segment of the notification URL, for gateways that guard the URL with
    /// one (FloCash). `None` there is a wrong token: forgetting the check cannot let a
    /// notification through.
    pub token: Option<&'a str>,
    /// The request's headers as received, `(name, value)`, names in any case. Read only by
    /// gateways that sign in headers (PayPal REST webhooks: `PAYPAL-TRANSMISSION-ID` …); the
    /// others ignore them, so a host may pass them always or only there.
    pub headers: &'a [(&'a str, &'a str)],
    /// The host's clock when the request arrived, in seconds since the Unix epoch: what a
    /// signature with a time in it is checked against (PayPal REST's offline webhook
    /// verification); the core reads no clock. `None` where the host gives none.
    pub now_unix: Option<i64>,
}

/// A notification of one of the gateways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "gateway", content = "notification", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Notification {
    /// FloCash.
    #[cfg(feature = "flocash")]
    Flocash(flocash::Notification),
    /// Redsys (HTTP POST, SOAP or a REST reply).
    #[cfg(feature = "redsys")]
    Redsys(redsys::Notification),
    /// CECA.
    #[cfg(feature = "ceca")]
    Ceca(ceca::Notification),
    /// Santander Elavon (the HPP response POST).
    #[cfg(feature = "elavon")]
    Elavon(elavon::Notification),
    /// PayPal IPN.
    #[cfg(feature = "paypal")]
    Paypal(paypal::Notification),
    /// Bitpay (the claimed invoice, and once proven the fetched one).
    #[cfg(feature = "bitpay")]
    Bitpay(bitpay::Notification),
    /// Bitpay, about a refund (the claimed refund, and once proven the fetched one). Tagged
    /// `bitpay` too: the gateway is the same, the inner shape says which.
    #[cfg(feature = "bitpay")]
    #[serde(rename = "bitpay")]
    BitpayRefund(bitpay::RefundNotification),
    /// PayPal REST: a webhook.
    #[cfg(feature = "paypal_rest")]
    PaypalRest(RestWebhook),
}

/// A PayPal REST webhook as the driver holds it: the parsed webhook and the host's clock at
/// receipt ([`Request::now_unix`], for the offline verification). JSON (what a host may log):
/// `{"id", "event_type", "resource_type", "order_id", "transmission_id"}`; the raw body and the
/// signature stay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestWebhook {
    /// The webhook.
    pub webhook: paypal::WebhookNotification,
    /// [`Request::now_unix`] as the host gave it.
    pub now_unix: Option<i64>,
    /// The amount of the placeholder event of a webhook that names none (zero).
    no_amount: Amount,
}

impl Serialize for RestWebhook {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let w = &self.webhook;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &w.id)?;
        map.serialize_entry("event_type", &w.event_type)?;
        map.serialize_entry("resource_type", &w.resource_type)?;
        map.serialize_entry("order_id", &w.order_id)?;
        map.serialize_entry("transmission_id", &w.transmission.id)?;
        map.end()
    }
}

impl RestWebhook {
    /// The transmission headers again, as the verifications read them.
    pub(super) fn headers(&self) -> Vec<(String, String)> {
        let t = &self.webhook.transmission;
        [
            ("PAYPAL-TRANSMISSION-ID", &t.id),
            ("PAYPAL-TRANSMISSION-TIME", &t.time),
            ("PAYPAL-TRANSMISSION-SIG", &t.sig),
            ("PAYPAL-CERT-URL", &t.cert_url),
            ("PAYPAL-AUTH-ALGO", &t.auth_algo),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }

    /// The payment's id, status and amount the resource names, when it names them.
    fn resource(&self) -> (String, Option<Amount>) {
        match &self.webhook.fact {
            paypal::WebhookFact::Payment { id, amount, .. }
            | paypal::WebhookFact::Reversal { id, amount, .. } => (id.clone(), Some(*amount)),
            paypal::WebhookFact::OrderApproved { paypal_order_id } => {
                (paypal_order_id.clone(), None)
            }
            paypal::WebhookFact::Dispute { id, amount, .. } => (id.clone(), *amount),
            _ => (String::new(), None),
        }
    }

    /// The proven webhook's event, or for a webhook that moves no money (an approved order,
    /// an informational dispute, an event type vpos does not map) one that changes nothing:
    /// status `unknown` (the event type), key `paypal:webhook:<id>:ignored`, which
    /// [`acknowledge`](super::acknowledge) answers 200 whatever the transition said.
    fn event(&self) -> Event {
        if let Some(event) = Verified(self.webhook.clone()).events().pop() {
            return event.0;
        }
        let (transaction_id, amount) = self.resource();
        // No amount in the resource: a zero, never applied.
        let amount = amount.unwrap_or(self.no_amount);
        Event {
            gateway: Gateway::PaypalRest,
            key: crate::state::event_key(&["paypal", "webhook", &self.webhook.id, "ignored"]),
            merchant: String::new(),
            order_id: self.webhook.order_id.clone().unwrap_or_default(),
            transaction_id,
            amount,
            action: Action::Sale,
            status: Reported::Unknown(self.webhook.event_type.clone()),
            status_code: self.webhook.event_type.clone(),
        }
    }

    /// Whether the webhook moves money (has an event of its own).
    pub(super) fn moves_money(&self) -> bool {
        !Verified(self.webhook.clone()).events().is_empty()
    }
}

/// What identifies a notification, read before it is proven: enough for the host to store it
/// and find (and lock) the payment. Untrusted until it comes from a `Verified` notification.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The gateway.
    pub gateway: Gateway,
    /// The shop's order id (empty when the message carries none, as a PayPal IPN may).
    pub order_id: String,
    /// The gateway's own id of the transaction (empty when it has none yet).
    pub transaction_id: String,
    /// The gateway's status code, verbatim.
    pub status_code: String,
    /// The amount the message names, when it names one (a PayPal REST webhook about an approved
    /// order or an unmapped event type names none).
    pub amount: Option<Amount>,
}

/// What a proven notification leaves on the payment, for later operations and stored-card
/// charges. Values are never empty and never hold a NUL (left out instead).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentFields {
    /// The id a refund or capture quotes (PayPal `txn_id`, Elavon `PASREF`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The issuer's authorisation code (Redsys `Ds_AuthorisationCode`, Elavon `AUTHCODE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorisation_code: Option<String>,
    /// A stored card's reference (Redsys `Ds_Merchant_Identifier`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_reference: Option<String>,
    /// The stored card's expiry, `YYMM` (Redsys `Ds_ExpiryDate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_expiry: Option<String>,
    /// The network's id of the first stored-credential transaction (Redsys
    /// `Ds_Merchant_Cof_Txnid`), quoted by later merchant-initiated charges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cof_transaction_id: Option<String>,
}

fn kept(value: Option<&str>) -> Option<String> {
    value
        .filter(|v| !v.is_empty() && !v.contains('\0'))
        .map(str::to_string)
}

impl PaymentFields {
    /// Whether there is nothing to store.
    pub fn is_empty(&self) -> bool {
        self == &PaymentFields::default()
    }

    /// The fields as `(name, value)` pairs, in declaration order; the names are the ones in
    /// JSON.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("transaction_id", &self.transaction_id),
            ("authorisation_code", &self.authorisation_code),
            ("card_reference", &self.card_reference),
            ("card_expiry", &self.card_expiry),
            ("cof_transaction_id", &self.cof_transaction_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
        .collect()
    }

    /// What to save after `outcome`: these fields when it applied a successful sale or
    /// authorisation, nothing otherwise, so a refusal, a retry or a refund never writes them.
    pub fn to_store(&self, event: &Event, outcome: &Outcome) -> PaymentFields {
        let sale = event.action() == Action::Sale
            && matches!(event.status(), Reported::Succeeded | Reported::Authorized);
        if sale && matches!(outcome, Outcome::Applied { .. }) {
            self.clone()
        } else {
            PaymentFields::default()
        }
    }
}

/// Parses a notification for `config`'s gateway (and checks FloCash's URL token first). The
/// result is unproven: read its [`Unverified::summary`], store it, then
/// [`prove`](super::prove) it.
///
/// ```
/// use vpos_core::driver::{self, Config, Request};
/// let config = Config::from_json(&serde_json::json!({"gateway": "flocash",
///     "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
///     "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
///     "base_url": "https://fcms.flocash.com", "notification_token": "a-long-random-token"}))?;
/// let body = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=5.00&currency_code=USD\
///              &trans_id=T1&fpn_id=F1&status=0000&status_msg=ok";
/// let request = Request { content_type: "application/x-www-form-urlencoded", body,
///                         query: "", token: Some("a-long-random-token"), ..Request::default() };
/// let unverified = driver::parse_notification(&config, &request)?;
/// let summary = unverified.summary();
/// assert_eq!((summary.order_id.as_str(), summary.status_code.as_str()), ("AT000001", "0000"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn parse_notification(config: &Config, request: &Request) -> Result<Unverified<Notification>> {
    let (ct, body) = (request.content_type, request.body);
    let n = match config {
        #[cfg(feature = "flocash")]
        Config::Flocash(c) => {
            c.check_token(request.token.unwrap_or(""))?;
            Notification::Flocash(flocash::parse_notification(c, ct, body)?.0)
        }
        #[cfg(feature = "redsys")]
        Config::Redsys(c) => Notification::Redsys(redsys::parse_notification(c, ct, body)?.0),
        #[cfg(feature = "ceca")]
        Config::Ceca(c) => Notification::Ceca(ceca::parse_notification(c, ct, body)?.0),
        #[cfg(feature = "elavon")]
        Config::Elavon(c) => Notification::Elavon(elavon::parse_notification(c, ct, body)?.0),
        #[cfg(feature = "paypal")]
        Config::Paypal(c) => Notification::Paypal(paypal::parse_notification(c, ct, body)?.0),
        // A refund's webhook is a trigger of its own; everything else is an invoice's.
        #[cfg(feature = "bitpay")]
        Config::Bitpay(_) if bitpay::is_refund_notification(body) => {
            Notification::BitpayRefund(bitpay::parse_refund_notification(ct, body)?.0)
        }
        #[cfg(feature = "bitpay")]
        Config::Bitpay(c) => Notification::Bitpay(bitpay::parse_notification(c, ct, body)?.0),
        #[cfg(feature = "paypal_rest")]
        Config::PaypalRest(c) => {
            let headers: Vec<(String, String)> = request
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Notification::PaypalRest(RestWebhook {
                webhook: paypal::parse_webhook(c, &headers, body)?.0,
                now_unix: request.now_unix,
                no_amount: Amount::zero(crate::money::Currency::from_code("USD")?),
            })
        }
    };
    Ok(Unverified(n))
}

/// The largest notification body `gateway` sends; a host may refuse a larger one unread
/// ([`reject_unread`](super::reject_unread)).
pub fn max_body_bytes(gateway: Gateway) -> usize {
    match gateway {
        Gateway::Flocash => flocash::MAX_BODY_BYTES,
        Gateway::Redsys => redsys::MAX_BODY_BYTES,
        Gateway::Ceca => ceca::MAX_BODY_BYTES,
        Gateway::Elavon => elavon::MAX_BODY_BYTES,
        Gateway::Paypal => paypal::MAX_BODY_BYTES,
        Gateway::Bitpay => bitpay::MAX_BODY_BYTES,
        Gateway::PaypalRest => paypal::MAX_WEBHOOK_BYTES,
    }
}

impl Notification {
    /// The gateway.
    pub fn gateway(&self) -> Gateway {
        match self {
            #[cfg(feature = "flocash")]
            Notification::Flocash(_) => Gateway::Flocash,
            #[cfg(feature = "redsys")]
            Notification::Redsys(_) => Gateway::Redsys,
            #[cfg(feature = "ceca")]
            Notification::Ceca(_) => Gateway::Ceca,
            #[cfg(feature = "elavon")]
            Notification::Elavon(_) => Gateway::Elavon,
            #[cfg(feature = "paypal")]
            Notification::Paypal(_) => Gateway::Paypal,
            #[cfg(feature = "bitpay")]
            Notification::Bitpay(_) | Notification::BitpayRefund(_) => Gateway::Bitpay,
            #[cfg(feature = "paypal_rest")]
            Notification::PaypalRest(_) => Gateway::PaypalRest,
        }
    }

    /// The body as received.
    pub fn raw_body(&self) -> &[u8] {
        match self {
            #[cfg(feature = "flocash")]
            Notification::Flocash(n) => n.raw_body(),
            #[cfg(feature = "redsys")]
            Notification::Redsys(n) => n.raw_body(),
            #[cfg(feature = "ceca")]
            Notification::Ceca(n) => n.raw_body(),
            #[cfg(feature = "elavon")]
            Notification::Elavon(n) => n.raw_body(),
            #[cfg(feature = "paypal")]
            Notification::Paypal(n) => n.raw_body(),
            #[cfg(feature = "bitpay")]
            Notification::Bitpay(n) => n.raw_body(),
            #[cfg(feature = "bitpay")]
            Notification::BitpayRefund(n) => n.raw_body(),
            #[cfg(feature = "paypal_rest")]
            Notification::PaypalRest(n) => n.webhook.raw_body(),
        }
    }

    fn summary(&self) -> Summary {
        let text = |s: &str| s.to_string();
        let (order_id, transaction_id, status_code, amount) = match self {
            #[cfg(feature = "flocash")]
            Notification::Flocash(n) => (
                text(&n.order_id),
                text(&n.trans_id),
                text(&n.status_code),
                n.amount,
            ),
            // The authorisation code is the only transaction id a Redsys message carries.
            #[cfg(feature = "redsys")]
            Notification::Redsys(n) => (
                text(&n.order),
                n.authorisation_code.clone().unwrap_or_default(),
                text(&n.response),
                n.amount,
            ),
            // CECA notifies completed payments only, and sends no status of its own.
            #[cfg(feature = "ceca")]
            Notification::Ceca(n) => (text(&n.operation), text(&n.reference), text("OK"), n.amount),
            #[cfg(feature = "elavon")]
            Notification::Elavon(n) => (
                text(&n.order_id),
                text(&n.pasref),
                text(&n.result),
                n.amount,
            ),
            #[cfg(feature = "paypal")]
            Notification::Paypal(n) => (
                n.order_id.clone().unwrap_or_default(),
                text(&n.txn_id),
                text(&n.payment_status),
                n.gross,
            ),
            // Once proven, the fetched invoice speaks; before, the claimed one.
            #[cfg(feature = "bitpay")]
            Notification::Bitpay(n) => {
                let invoice = n.invoice.as_ref().unwrap_or(&n.claimed);
                (
                    invoice.order_id.clone().unwrap_or_default(),
                    text(&invoice.id),
                    text(&invoice.status_code()),
                    invoice.price,
                )
            }
            // Once proven, BitPay's answer: its reference (the order id vpos wrote) and the
            // refunded invoice; before, the claim, which names no order.
            #[cfg(feature = "bitpay")]
            Notification::BitpayRefund(n) => match &n.refund {
                Some(r) => (
                    r.reference.clone().unwrap_or_default(),
                    text(&r.invoice),
                    text(&r.status),
                    r.amount,
                ),
                None => (
                    String::new(),
                    text(&n.claimed.invoice),
                    text(&n.claimed.status),
                    n.claimed.amount,
                ),
            },
            // The event type is the webhook's status (the resource's status decides the
            // event once proven); the amount is the resource's, when it has one.
            #[cfg(feature = "paypal_rest")]
            Notification::PaypalRest(n) => {
                let (transaction_id, amount) = n.resource();
                return Summary {
                    gateway: Gateway::PaypalRest,
                    order_id: n.webhook.order_id.clone().unwrap_or_default(),
                    transaction_id,
                    status_code: n.webhook.event_type.clone(),
                    amount,
                };
            }
        };
        Summary {
            gateway: self.gateway(),
            order_id,
            transaction_id,
            status_code,
            amount: Some(amount),
        }
    }
}

impl Unverified<Notification> {
    /// The untrusted identifiers: store them with the raw body, and find the payment by them,
    /// before proving.
    pub fn summary(&self) -> Summary {
        self.0.summary()
    }
}

impl Verified<Notification> {
    /// The identifiers, now proven.
    pub fn summary(&self) -> Summary {
        self.0.summary()
    }

    /// The gateway-neutral event for [`crate::state::transition`].
    pub fn event(&self) -> Event {
        match &self.0 {
            #[cfg(feature = "flocash")]
            Notification::Flocash(n) => Verified(n.clone()).event(),
            #[cfg(feature = "redsys")]
            Notification::Redsys(n) => Verified(n.clone()).event(),
            #[cfg(feature = "ceca")]
            Notification::Ceca(n) => Verified(n.clone()).event(),
            #[cfg(feature = "elavon")]
            Notification::Elavon(n) => Verified(n.clone()).event(),
            #[cfg(feature = "paypal")]
            Notification::Paypal(n) => Verified(n.clone()).event(),
            #[cfg(feature = "bitpay")]
            Notification::Bitpay(n) => Verified(n.clone()).event(),
            #[cfg(feature = "bitpay")]
            Notification::BitpayRefund(n) => Verified(n.clone()).event(),
            #[cfg(feature = "paypal_rest")]
            Notification::PaypalRest(n) => n.event(),
        }
    }

    /// What the message leaves on the payment (see [`PaymentFields::to_store`] for when).
    ///
    /// Redsys: the authorisation code, and the stored card when the checkout asked for one
    /// (`Ds_Merchant_Identifier`, never its `REQUIRED` request marker; `Ds_ExpiryDate`;
    /// `Ds_Merchant_Cof_Txnid`). PayPal: `txn_id`, which a refund quotes. Elavon: `PASREF` and
    /// `AUTHCODE`, which settle, void and rebate quote. CECA: `Referencia` and `Num_aut`; a
    /// refund quotes `Referencia`. Bitpay: the fetched invoice's id, which a refund quotes.
    /// FloCash: nothing, since vpos has no operation to quote it in.
    pub fn payment_fields(&self) -> PaymentFields {
        match &self.0 {
            #[cfg(feature = "redsys")]
            Notification::Redsys(n) => redsys_fields(n),
            #[cfg(feature = "paypal")]
            Notification::Paypal(n) => PaymentFields {
                transaction_id: kept(Some(&n.txn_id)),
                ..PaymentFields::default()
            },
            #[cfg(feature = "elavon")]
            Notification::Elavon(n) => PaymentFields {
                transaction_id: kept(Some(&n.pasref)),
                authorisation_code: kept(Some(&n.authcode)),
                ..PaymentFields::default()
            },
            // The capture id a refund quotes, the authorisation id a capture or void quotes.
            #[cfg(feature = "paypal_rest")]
            Notification::PaypalRest(n) => {
                let event = n.event();
                let id = kept(Some(event.transaction_id()));
                match &n.webhook.fact {
                    paypal::WebhookFact::Payment { kind, .. } if n.moves_money() => match kind {
                        paypal::PaymentKind::Capture => PaymentFields {
                            transaction_id: id,
                            ..PaymentFields::default()
                        },
                        paypal::PaymentKind::Authorization => PaymentFields {
                            authorisation_code: id,
                            ..PaymentFields::default()
                        },
                        _ => PaymentFields::default(),
                    },
                    _ => PaymentFields::default(),
                }
            }
            #[cfg(feature = "ceca")]
            Notification::Ceca(n) => PaymentFields {
                transaction_id: kept(Some(&n.reference)),
                authorisation_code: kept(n.authorisation.as_deref()),
                ..PaymentFields::default()
            },
            // The fetched invoice's id, which a refund quotes.
            #[cfg(feature = "bitpay")]
            Notification::Bitpay(n) => PaymentFields {
                transaction_id: kept(n.invoice.as_ref().map(|i| i.id.as_str())),
                ..PaymentFields::default()
            },
            #[cfg(feature = "flocash")]
            Notification::Flocash(_) => PaymentFields::default(),
            // A refund leaves nothing: the payment keeps its invoice id.
            #[cfg(feature = "bitpay")]
            Notification::BitpayRefund(_) => PaymentFields::default(),
        }
    }
}

/// The value Redsys echoes in `Ds_Merchant_Identifier` when the checkout asked it to store a
/// card but it stored none: a request marker, not a reference.
const REDSYS_REQUIRED: &str = "REQUIRED";

pub(super) fn redsys_fields(n: &redsys::Notification) -> PaymentFields {
    PaymentFields {
        transaction_id: None,
        authorisation_code: kept(n.authorisation_code.as_deref()),
        card_reference: kept(n.identifier.as_deref().filter(|i| *i != REDSYS_REQUIRED)),
        card_expiry: kept(n.expiry_date.as_deref()),
        cof_transaction_id: kept(n.cof_txnid.as_deref()),
    }
}

/// Refuses a notification whose gateway is not the configuration's.
pub(super) fn same_gateway(config: &Config, notification: &Notification) -> Result<()> {
    if config.gateway() == notification.gateway() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::GatewayMismatch,
            format!(
                "a {} notification cannot be proven with a {} configuration",
                notification.gateway().as_str(),
                config.gateway().as_str()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::state::event_key;

    fn redsys(identifier: Option<&str>, authorisation: Option<&str>) -> redsys::Notification {
        redsys::Notification {
            format: redsys::Format::Http,
            signature_version: "HMAC_SHA256_V1".into(),
            order: "1234ABCD".into(),
            amount: Amount::from_minor(1000, Currency::from_code("EUR").unwrap()).unwrap(),
            merchant_code: "999008881".into(),
            terminal: Some("1".into()),
            response: "0000".into(),
            transaction_type: "0".into(),
            action: Action::Sale,
            status: Reported::Succeeded,
            authorisation_code: authorisation.map(str::to_string),
            error_code: None,
            merchant_data: None,
            identifier: identifier.map(str::to_string),
            expiry_date: Some("2812".into()),
            cof_txnid: Some("".into()),
            parameters: vec![],
            signed_text: String::new(),
            signature: None,
            raw: vec![],
        }
    }

    #[test]
    fn redsys_fields_drop_the_required_marker_empty_values_and_nul() {
        let fields = redsys_fields(&redsys(Some("REQUIRED"), Some("123456")));
        assert_eq!(
            fields.pairs(),
            [("authorisation_code", "123456"), ("card_expiry", "2812")]
        );
        let fields = redsys_fields(&redsys(Some("ab12cd34"), Some("12\0")));
        assert_eq!(fields.card_reference.as_deref(), Some("ab12cd34"));
        assert_eq!(fields.authorisation_code, None);
        assert!(PaymentFields::default().is_empty());
    }

    #[test]
    fn summary_names_what_hosts_stored_and_fields_are_kept_only_for_a_sale_applied() {
        let n = Verified(Notification::Redsys(redsys(None, None)));
        let s = n.summary();
        assert_eq!(
            (
                s.order_id.as_str(),
                s.transaction_id.as_str(),
                s.status_code.as_str()
            ),
            ("1234ABCD", "", "0000")
        );
        let fields = PaymentFields {
            transaction_id: Some("T".into()),
            ..PaymentFields::default()
        };
        let mut event = n.event();
        let applied = Outcome::Applied {
            from: crate::PaymentStatus::New,
            to: crate::PaymentStatus::Paid,
            refunded_minor: 0,
            captured_minor: 100,
            released_minor: 0,
        };
        assert_eq!(fields.to_store(&event, &applied), fields);
        assert!(fields.to_store(&event, &Outcome::AlreadyApplied).is_empty());
        event.action = Action::Refund;
        event.key = event_key(&["x"]);
        assert!(fields.to_store(&event, &applied).is_empty());
    }
}

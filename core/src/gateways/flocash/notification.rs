//! The FloCash payment notification: an `application/x-www-form-urlencoded` POST.

use serde::Serialize;

use super::status::{map_status, normalize_status};
use crate::error::{Error, ErrorCode, Result};
use crate::fields::{optional, required};
use crate::form::{Pairs, parse_urlencoded};
use crate::gateways::Gateway;
use crate::money::{Amount, Currency};
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::{Unverified, Verified};

/// Largest notification body accepted. The 17 documented fields at their maximum lengths,
/// percent-encoded as 4-byte UTF-8, stay well below this.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The documented notification fields, in FloCash's order, with their maximum length.
/// Names match ASCII-case-insensitively: FloCash's own tables write `Amount`, `Quantity`,
/// `Custom`, `Customer` and `Status`.
pub const FIELDS: &[(&str, usize)] = &[
    ("merchant", 50),
    ("sender_acct", 50),
    ("order_id", 25),
    ("amount", 32),
    ("item_name", 250),
    ("item_price", 32),
    ("currency_code", 3),
    ("quantity", 10),
    // FloCash documents 1–20; real ids grew past that (djflocash widened them to 50).
    ("trans_id", 50),
    ("fpn_id", 50),
    ("custom", 25),
    ("customer", 250),
    ("status", 8),
    ("status_msg", 250),
    ("payer_email", 250),
    ("payment_channel", 250),
    ("txn_partner_ref", 250),
];

/// Index of each documented field in [`FIELDS`].
#[derive(Clone, Copy)]
enum F {
    Merchant,
    SenderAcct,
    OrderId,
    Amount,
    ItemName,
    ItemPrice,
    CurrencyCode,
    Quantity,
    TransId,
    FpnId,
    Custom,
    Customer,
    Status,
    StatusMsg,
    PayerEmail,
    PaymentChannel,
    TxnPartnerRef,
}

/// The received values of the documented fields, each looked up once.
struct Slots<'a>([Option<&'a str>; FIELDS.len()]);

impl<'a> Slots<'a> {
    fn name(f: F) -> &'static str {
        FIELDS[f as usize].0
    }

    /// A present, non-empty value within its length, or `field_missing`.
    fn req(&self, f: F) -> Result<&'a str> {
        let v = self.0[f as usize].unwrap_or("");
        required(Self::name(f), v, FIELDS[f as usize].1)?;
        Ok(v)
    }

    /// An optional value; empty reads as absent.
    fn opt(&self, f: F) -> Result<Option<&'a str>> {
        let v = self.0[f as usize].filter(|v| !v.is_empty());
        optional(Self::name(f), v, FIELDS[f as usize].1)?;
        Ok(v)
    }

    fn opt_string(&self, f: F) -> Result<Option<String>> {
        Ok(self.opt(f)?.map(str::to_string))
    }
}

/// A parsed FloCash notification. Every documented field is typed; anything else FloCash
/// sends is kept in `extra`, and the raw body is kept for the host to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// `merchant`: the merchant account (required; checked against the stored payment).
    pub merchant: String,
    /// `sender_acct`: the payer's account.
    pub sender_acct: Option<String>,
    /// `order_id`: the shop's order id (required).
    pub order_id: String,
    /// `amount` in `currency_code`, exact (required).
    pub amount: Amount,
    /// `item_name`.
    pub item_name: Option<String>,
    /// `item_price`, in `currency_code`.
    pub item_price: Option<Amount>,
    /// `currency_code` (required).
    pub currency_code: Currency,
    /// `quantity`.
    pub quantity: Option<u32>,
    /// `trans_id`: FloCash's transaction id (`0` when the transaction failed early).
    pub trans_id: String,
    /// `fpn_id`: FloCash's notification id.
    pub fpn_id: String,
    /// `custom`: the merchant-defined value sent at checkout.
    pub custom: Option<String>,
    /// `customer`: the payer's name or e-mail.
    pub customer: Option<String>,
    /// `status` normalised to four digits (`"0004"`).
    pub status_code: String,
    /// The status mapped into the unified model.
    pub status: Reported,
    /// `status_msg`.
    pub status_msg: Option<String>,
    /// `payer_email`.
    pub payer_email: Option<String>,
    /// `payment_channel` (`Mobile`, `Card`, `Wallet` …).
    pub payment_channel: Option<String>,
    /// `txn_partner_ref`: the bank's reference.
    pub txn_partner_ref: Option<String>,
    /// The kind of operation. FloCash lists Sale, Refund, Chargeback, Cancel and Test but
    /// documents no parameter carrying it; vpos reads an `action` parameter when one is sent
    /// (case-insensitive) and otherwise takes the notification to report a sale.
    pub action: Action,
    /// Fields FloCash sent that are not documented, in order.
    pub extra: Vec<(String, String)>,
    /// Every field as received, in order (the post-back echoes them).
    #[serde(skip)]
    pub(crate) received: Pairs,
    /// The raw body.
    #[serde(skip)]
    pub(crate) raw: Vec<u8>,
}

impl Notification {
    /// The raw body exactly as received: store it before acting on it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// Every field as received, in order.
    pub fn received_fields(&self) -> &[(String, String)] {
        &self.received
    }
}

impl Verified<Notification> {
    /// The gateway-neutral event for [`crate::state::transition`]. Its key is
    /// `flocash:<fpn_id>:<trans_id>:<action>:<status_code>`: a redelivery has the same key,
    /// a `pending` followed by `paid` has two.
    pub fn event(&self) -> Event {
        let n = &self.0;
        Event {
            gateway: Gateway::Flocash,
            key: event_key(&[
                "flocash",
                &n.fpn_id,
                &n.trans_id,
                n.action.as_str(),
                &n.status_code,
            ]),
            merchant: n.merchant.clone(),
            order_id: n.order_id.clone(),
            transaction_id: n.trans_id.clone(),
            amount: n.amount,
            action: n.action,
            status: n.status.clone(),
            status_code: n.status_code.clone(),
        }
    }
}

/// Parses a notification from the request's content type and raw body.
///
/// Refuses: another content type or charset than UTF-8 form encoding, bodies over
/// [`MAX_BODY_BYTES`], malformed escapes, invalid UTF-8, any field given twice, a missing
/// required field (`merchant`, `order_id`, `amount`, `currency_code`, `trans_id`, `fpn_id`,
/// `status`), over-long fields, an amount with more decimals than the currency has, an unknown
/// currency. Empty optional fields are read as absent.
///
/// ```
/// use vpos_core::gateways::flocash;
/// # let config: flocash::Config = serde_json::from_str(r#"{"merchant":"sales@demoshop.com",
/// #   "merchant_name":"Demo Shop","checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
/// #   "base_url":"https://fcms.flocash.com","notification_token":"0123456789abcdef"}"#)?;
/// let body = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=23.45&currency_code=USD\
///              &trans_id=T1&fpn_id=F1&status=4&payment_channel=Mobile&flo_user_cabin=12";
/// let n = flocash::parse_notification(&config, "application/x-www-form-urlencoded", body)?;
/// let n = n.untrusted();
/// assert_eq!((n.amount.minor(), n.status_code.as_str()), (2345, "0004"));
/// assert_eq!(n.extra, [("flo_user_cabin".to_string(), "12".to_string())]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_notification(
    _config: &super::Config,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>> {
    check_content_type(content_type)?;
    let received = parse_urlencoded(body, MAX_BODY_BYTES)?;
    // One pass sorts every received pair into a documented slot, `action`, or `extra`.
    // (`parse_urlencoded` already refused duplicate names, in any letter case.)
    let mut slots = Slots([None; FIELDS.len()]);
    let mut action = None;
    let mut extra = Vec::new();
    for (name, value) in &received {
        match FIELDS
            .iter()
            .position(|(f, _)| f.eq_ignore_ascii_case(name))
        {
            Some(i) => slots.0[i] = Some(value.as_str()),
            None if name.eq_ignore_ascii_case("action") => action = Some(value.as_str()),
            None => extra.push((name.clone(), value.clone())),
        }
    }

    let merchant = slots.req(F::Merchant)?.to_string();
    let order_id = slots.req(F::OrderId)?.to_string();
    let currency_code = Currency::from_code(slots.req(F::CurrencyCode)?)
        .map_err(|e| e.or_field("currency_code"))?;
    let amount =
        Amount::parse(slots.req(F::Amount)?, currency_code).map_err(|e| e.or_field("amount"))?;
    let trans_id = slots.req(F::TransId)?.to_string();
    let fpn_id = slots.req(F::FpnId)?.to_string();
    let status_code = normalize_status(slots.req(F::Status)?)?;
    let item_price = slots
        .opt(F::ItemPrice)?
        .map(|p| Amount::parse(p, currency_code).map_err(|e| e.or_field("item_price")))
        .transpose()?;
    let quantity = slots
        .opt(F::Quantity)?
        .map(|q| match q.bytes().all(|b| b.is_ascii_digit()) {
            true => q
                .parse::<u32>()
                .map_err(|_| Error::invalid("quantity", "is too large")),
            false => Err(Error::invalid("quantity", "must be a whole number")),
        })
        .transpose()?;
    let action = match action.filter(|a| !a.is_empty()) {
        None => Action::Sale,
        Some(a) => parse_action(a)?,
    };
    let notification = Notification {
        merchant,
        sender_acct: slots.opt_string(F::SenderAcct)?,
        order_id,
        amount,
        item_name: slots.opt_string(F::ItemName)?,
        item_price,
        currency_code,
        quantity,
        trans_id,
        fpn_id,
        custom: slots.opt_string(F::Custom)?,
        customer: slots.opt_string(F::Customer)?,
        status: map_status(&status_code),
        status_code,
        status_msg: slots.opt_string(F::StatusMsg)?,
        payer_email: slots.opt_string(F::PayerEmail)?,
        payment_channel: slots.opt_string(F::PaymentChannel)?,
        txn_partner_ref: slots.opt_string(F::TxnPartnerRef)?,
        action,
        extra,
        raw: body.to_vec(),
        received,
    };
    Ok(Unverified(notification))
}

fn parse_action(value: &str) -> Result<Action> {
    const ACTIONS: [(&str, Action); 5] = [
        ("sale", Action::Sale),
        ("refund", Action::Refund),
        ("chargeback", Action::Chargeback),
        ("cancel", Action::Cancel),
        ("test", Action::Test),
    ];
    ACTIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(value))
        .map(|(_, a)| *a)
        .ok_or_else(|| {
            Error::invalid(
                "action",
                "must be one of Sale, Refund, Chargeback, Cancel, Test",
            )
        })
}

fn check_content_type(content_type: &str) -> Result<()> {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    let charset_ok = parts.all(|param| match param.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
            let v = v.trim().trim_matches('"');
            v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    });
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") && charset_ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::UnsupportedContentType,
            format!(
                "FloCash notifications are UTF-8 application/x-www-form-urlencoded, not {:?}",
                content_type.chars().take(64).collect::<String>()
            ),
        ))
    }
}

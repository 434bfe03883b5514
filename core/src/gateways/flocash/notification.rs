//! The FloCash payment notification: an `application/x-www-form-urlencoded` POST.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

use super::status::{map_status, normalize_status};
use crate::error::{Error, ErrorCode, Result};
use crate::fields::{optional, required};
use crate::form::{Charset, Pairs, duplicate, for_each_pair};
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

/// The fields of [`FIELDS`], by index.
const FIELD_ORDER: [F; FIELDS.len()] = [
    F::Merchant,
    F::SenderAcct,
    F::OrderId,
    F::Amount,
    F::ItemName,
    F::ItemPrice,
    F::CurrencyCode,
    F::Quantity,
    F::TransId,
    F::FpnId,
    F::Custom,
    F::Customer,
    F::Status,
    F::StatusMsg,
    F::PayerEmail,
    F::PaymentChannel,
    F::TxnPartnerRef,
];

/// The slot index of `action`, after the documented fields.
const ACTION: usize = FIELDS.len();

/// The received values of the documented fields, each looked up once.
struct Slots<'a>([Option<Cow<'a, str>>; FIELDS.len()]);

impl<'a> Slots<'a> {
    fn name(f: F) -> &'static str {
        FIELDS[f as usize].0
    }

    /// A present, non-empty value within its length, or `field_missing`.
    fn req(&self, f: F) -> Result<&str> {
        let v = self.0[f as usize].as_deref().unwrap_or("");
        required(Self::name(f), v, FIELDS[f as usize].1)?;
        Ok(v)
    }

    /// As [`Slots::req`], taking the value: a decoded one moves rather than being copied.
    fn req_string(&mut self, f: F) -> Result<String> {
        self.req(f)?;
        Ok(self.0[f as usize].take().unwrap_or_default().into_owned())
    }

    /// An optional value; empty reads as absent.
    fn opt(&self, f: F) -> Result<Option<&str>> {
        let v = self.0[f as usize].as_deref().filter(|v| !v.is_empty());
        optional(Self::name(f), v, FIELDS[f as usize].1)?;
        Ok(v)
    }

    fn opt_string(&mut self, f: F) -> Result<Option<String>> {
        self.opt(f)?;
        Ok(self.0[f as usize]
            .take()
            .filter(|v| !v.is_empty())
            .map(Cow::into_owned))
    }
}

/// A parsed FloCash notification. Every documented field is typed; anything else FloCash
/// sends is kept in `extra`, and the raw body is kept for the host to store.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashNotification"))]
#[derive(Clone, PartialEq, Eq, Serialize)]
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
    /// Every field as received, in order (the post-back echoes them), decoded from `raw` on
    /// first use.
    #[serde(skip)]
    pub(crate) received: Received,
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
        self.received.pairs.get_or_init(|| {
            self.received_pairs()
                .into_iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect()
        })
    }

    /// Every field as received, in order, borrowed from the body or the decoded texts: the
    /// post-back echoes them all and needs no copies.
    pub(crate) fn received_pairs(&self) -> Vec<(&str, &str)> {
        self.received
            .entries
            .iter()
            .map(|(name, value)| (self.text(name), self.text(value)))
            .collect()
    }

    fn text<'a>(&'a self, text: &'a Text) -> &'a str {
        match text {
            // UTF-8 checked by the parse already; checked again rather than trusted.
            Text::Raw(at, to) => std::str::from_utf8(&self.raw[*at..*to]).unwrap_or_default(),
            Text::Decoded(s) => s,
            Text::Field(f) => match f {
                F::Merchant => &self.merchant,
                F::OrderId => &self.order_id,
                F::TransId => &self.trans_id,
                F::FpnId => &self.fpn_id,
                F::SenderAcct => or_empty(&self.sender_acct),
                F::ItemName => or_empty(&self.item_name),
                F::Custom => or_empty(&self.custom),
                F::Customer => or_empty(&self.customer),
                F::StatusMsg => or_empty(&self.status_msg),
                F::PayerEmail => or_empty(&self.payer_email),
                F::PaymentChannel => or_empty(&self.payment_channel),
                F::TxnPartnerRef => or_empty(&self.txn_partner_ref),
                // Never made for a field that is not kept verbatim (`Text::for_slot`).
                _ => "",
            },
        }
    }
}

fn or_empty(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}

/// A received name or value: where it lies in the raw body when it needed no decoding, or the
/// decoded text when it did.
#[derive(Clone)]
enum Text {
    Raw(usize, usize),
    Decoded(String),
    /// A decoded value the notification keeps verbatim in this typed field: one copy, not two.
    Field(F),
}

impl Text {
    /// `text`, from `parse_borrowed(body)`, as a span of `body` or an owned decoding.
    fn of(text: Cow<'_, str>, body: &[u8]) -> Text {
        match text {
            // A borrowed text is usually a slice of the body: its offset is the distance between
            // the two starts. Not always: the empty value of a name without `=` is a static
            // "" (fuzzing found the subtraction underflowing), so the span is checked.
            Cow::Borrowed(s) => {
                let at = s.as_ptr().addr().wrapping_sub(body.as_ptr().addr());
                if at <= body.len() && s.len() <= body.len() - at {
                    Text::Raw(at, at + s.len())
                } else {
                    Text::Decoded(s.to_string())
                }
            }
            Cow::Owned(s) => Text::Decoded(s),
        }
    }

    /// The received text of documented field `f`, and what its slot keeps: a decoded value
    /// of a field kept verbatim moves into the slot and is found there again.
    fn for_slot<'a>(f: F, value: Cow<'a, str>, body: &[u8]) -> (Text, Cow<'a, str>) {
        match value {
            Cow::Owned(s) if is_verbatim(f) => (Text::Field(f), Cow::Owned(s)),
            Cow::Owned(s) => (Text::Decoded(s.clone()), Cow::Owned(s)),
            value => (Text::of(value.clone(), body), value),
        }
    }
}

/// Whether the notification keeps field `f`'s value as received (not parsed or normalised).
fn is_verbatim(f: F) -> bool {
    !matches!(
        f,
        F::Amount | F::ItemPrice | F::CurrencyCode | F::Quantity | F::Status
    )
}

/// The received pairs. Copying every name and value at parse time was a fifth of the parse
/// (two allocations a field): only the decoded ones are kept, the rest are spans of the raw
/// body, and the owned pairs of [`Notification::received_fields`] are built when asked for.
#[derive(Clone, Default)]
pub(crate) struct Received {
    entries: Vec<(Text, Text)>,
    pairs: OnceLock<Pairs>,
}

/// Always equal: the pairs are a function of `raw`, which `Notification`'s equality compares,
/// whether or not they were built yet.
impl PartialEq for Received {
    fn eq(&self, _: &Received) -> bool {
        true
    }
}

impl Eq for Received {}

// By hand so that `received` prints the pairs, decoded or not, exactly as the derived `Debug`
// printed them when they were a plain vector.
impl fmt::Debug for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notification")
            .field("merchant", &self.merchant)
            .field("sender_acct", &self.sender_acct)
            .field("order_id", &self.order_id)
            .field("amount", &self.amount)
            .field("item_name", &self.item_name)
            .field("item_price", &self.item_price)
            .field("currency_code", &self.currency_code)
            .field("quantity", &self.quantity)
            .field("trans_id", &self.trans_id)
            .field("fpn_id", &self.fpn_id)
            .field("custom", &self.custom)
            .field("customer", &self.customer)
            .field("status_code", &self.status_code)
            .field("status", &self.status)
            .field("status_msg", &self.status_msg)
            .field("payer_email", &self.payer_email)
            .field("payment_channel", &self.payment_channel)
            .field("txn_partner_ref", &self.txn_partner_ref)
            .field("action", &self.action)
            .field("extra", &self.extra)
            .field("received", &self.received_fields())
            .field("raw", &self.raw)
            .finish()
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
    // One pass decodes every pair and sorts it into a documented slot, `action`, or `extra`;
    // `received` keeps spans of the body, or where a decoded value is kept (`Text`).
    let mut slots = Slots(Default::default());
    let mut action = None;
    let mut extra: Vec<(String, String)> = Vec::new();
    // Room for the documented fields and `action`; more (undocumented ones) grow it.
    let mut entries = Vec::with_capacity(FIELDS.len() + 1);
    // Which slots (and bit 17, `action`) were received: no name twice, in any letter case.
    // Undocumented names are compared with the other undocumented ones only: a name equal to
    // a documented one in some letter case has that one's slot.
    let mut seen = 0u32;
    for_each_pair(body, MAX_BODY_BYTES, Charset::Utf8, |name, value| {
        let slot = match field_index(&name) {
            Some(i) => Some(i),
            None if name.eq_ignore_ascii_case("action") => Some(ACTION),
            None if extra.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) => None,
            None => {
                extra.push((name.to_string(), value.to_string()));
                entries.push((Text::of(name, body), Text::of(value, body)));
                return Ok(());
            }
        };
        let Some(i) = slot.filter(|i| seen & 1 << i == 0) else {
            return Err(duplicate(name));
        };
        seen |= 1 << i;
        let (text, value) = match FIELD_ORDER.get(i) {
            Some(&f) => Text::for_slot(f, value, body),
            None => (Text::of(value.clone(), body), value),
        };
        entries.push((Text::of(name, body), text));
        match slots.0.get_mut(i) {
            Some(slot) => *slot = Some(value),
            None => action = Some(value),
        }
        Ok(())
    })?;

    let merchant = slots.req_string(F::Merchant)?;
    let order_id = slots.req_string(F::OrderId)?;
    let currency_code = Currency::from_code(slots.req(F::CurrencyCode)?)
        .map_err(|e| e.or_field("currency_code"))?;
    let amount =
        Amount::parse(slots.req(F::Amount)?, currency_code).map_err(|e| e.or_field("amount"))?;
    let trans_id = slots.req_string(F::TransId)?;
    let fpn_id = slots.req_string(F::FpnId)?;
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
    let action = match action.as_deref().filter(|a| !a.is_empty()) {
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
        received: Received {
            entries,
            pairs: OnceLock::new(),
        },
    };
    Ok(Unverified(notification))
}

/// The index in [`FIELDS`] of a received name, in any letter case: the name read as two
/// words, lower-cased a word at a time and compared with each documented name's, rather than
/// a case-insensitive comparison with every documented name (a sixth of the parse) or a
/// lower-cased copy and a `match` (a fourteenth). A test keeps the two lists the same.
fn field_index(name: &str) -> Option<usize> {
    let key = name_key(name.as_bytes())?;
    let key = (key.0, ascii_lowercase(key.1), ascii_lowercase(key.2));
    KEYS.iter().position(|k| *k == key)
}

/// Every documented name's [`name_key`].
const KEYS: [(usize, u64, u64); FIELDS.len()] = {
    let mut keys = [(0, 0, 0); FIELDS.len()];
    let mut i = 0;
    while i < FIELDS.len() {
        let name = FIELDS[i].0.as_bytes();
        let (half, n) = if name.len() >= 8 {
            (8, name.len())
        } else {
            (4, name.len())
        };
        let (mut lo, mut hi) = ([0u8; 8], [0u8; 8]);
        let mut j = 0;
        while j < half {
            lo[j] = name[j];
            hi[j] = name[n - half + j];
            j += 1;
        }
        keys[i] = (n, u64::from_le_bytes(lo), u64::from_le_bytes(hi));
        i += 1;
    }
    keys
};

/// A name of 4 to 16 bytes as its length, its first and its last 8 bytes (4 and 4 below 8
/// bytes; the two overlap and together cover the name): loads straight from the name, where
/// copying it into a padded buffer first stalled each load on the copy's stores.
fn name_key(name: &[u8]) -> Option<(usize, u64, u64)> {
    let n = name.len();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&name[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&name[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    match n {
        8..=16 => Some((n, word(0), word(n - 8))),
        4..8 => Some((n, half(0), half(n - 4))),
        _ => None,
    }
}

/// `to_ascii_lowercase` of each of the 8 bytes: 0x20 added to the bytes `A` to `Z`. No sum
/// carries into the next byte (each adds at most 0xBE to a byte below 0x80).
const fn ascii_lowercase(w: u64) -> u64 {
    const fn splat(b: u8) -> u64 {
        u64::from_le_bytes([b; 8])
    }
    let low7 = w & !splat(0x80);
    let at_least_a = low7 + splat(0x80 - b'A');
    let beyond_z = low7 + splat(0x80 - b'Z' - 1);
    let upper = at_least_a & !beyond_z & !w & splat(0x80);
    w | upper >> 2
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
    // What FloCash sends, exactly: accepted without splitting it into parameters.
    if content_type == "application/x-www-form-urlencoded" {
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=23.45\
&currency_code=USD&trans_id=T1&fpn_id=F1&status=4&cmd=x&flo_user_cabin=12&item_name=Call+Credit";

    fn parse() -> Notification {
        let config: super::super::Config = serde_json::from_str(
            r#"{"merchant":"sales@demoshop.com","merchant_name":"Demo Shop",
                "checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
                "base_url":"https://fcms.flocash.com","notification_token":"0123456789abcdef"}"#,
        )
        .unwrap();
        parse_notification(&config, "application/x-www-form-urlencoded", BODY)
            .unwrap()
            .untrusted()
            .clone()
    }

    #[test]
    fn field_index_is_the_position_in_fields() {
        for (i, (name, _)) in FIELDS.iter().enumerate() {
            assert_eq!(field_index(name), Some(i), "{name}");
            assert_eq!(field_index(&name.to_ascii_uppercase()), Some(i), "{name}");
        }
        for other in [
            "",
            "action",
            "merchant_",
            "amoun",
            "flo_user_cabin",
            "a_name_longer_than_any",
        ] {
            assert_eq!(field_index(other), None, "{other}");
        }
        assert_eq!(field_index("Amount"), Some(F::Amount as usize));
        let names = FIELDS.iter().map(|(name, _)| name.to_string());
        let variants = names.flat_map(|name| {
            (0..=name.len()).flat_map(move |at| {
                let (a, b) = name.split_at(at);
                [format!("{a}_{b}"), format!("{a}\0{b}"), format!("{a}é{b}")]
                    .into_iter()
                    .chain((at < name.len()).then(|| format!("{a}{}", &b[1..])))
            })
        });
        let more = [
            "amount\0",
            "AMOUNT[",
            "AMOUNT\u{c0}",
            "Merchant",
            "MERCHANT",
        ];
        for near in variants.chain(more.map(String::from)) {
            assert_eq!(
                field_index(&near),
                FIELDS
                    .iter()
                    .position(|(f, _)| f.eq_ignore_ascii_case(&near)),
                "{near:?}"
            );
        }
        for near in [
            "amount\0",
            "\0amount",
            "amount\u{c0}",
            "amount_",
            "amoun\u{d4}",
            "AMOUNT[",
        ] {
            assert_eq!(field_index(near), None, "{near:?}");
        }
        // Every byte lower-cases as `to_ascii_lowercase` does.
        for b in 0..=255u8 {
            for c in [0, b'@', b'A', b'Z', b'[', 0x7f, 0x80, 0xc1, 0xda, 0xff] {
                let mixed: [u8; 8] = std::array::from_fn(|i| [b, c][i % 2]);
                let lower = mixed.map(|b| b.to_ascii_lowercase());
                let w = ascii_lowercase(u64::from_le_bytes(mixed));
                assert_eq!(w, u64::from_le_bytes(lower), "{b} {c}");
            }
        }
    }

    #[test]
    fn received_fields_decode_on_demand_and_compare_and_print_as_before() {
        fn shared<T: Send + Sync + Clone>() {}
        shared::<Notification>();
        let (fresh, asked) = (parse(), parse());
        let pairs = asked.received_fields();
        assert_eq!(pairs.len(), 10);
        assert_eq!(pairs[0], ("merchant".into(), "sales@demoshop.com".into()));
        assert_eq!(pairs[9], ("item_name".into(), "Call Credit".into()));
        // Decoded or not, the same notification: equal, and printed alike.
        assert!(fresh.received.pairs.get().is_none());
        assert_eq!(fresh, asked);
        let printed = format!("{fresh:?}");
        assert_eq!(printed, format!("{asked:?}"));
        assert!(printed.contains(
            r#"extra: [("cmd", "x"), ("flo_user_cabin", "12")], received: [("merchant", "sales@demoshop.com"), ("order_id", "AT000001"), "#
        ));
        assert!(printed.ends_with(&format!("raw: {:?} }}", BODY)));
        // The borrowed pairs the post-back echoes are the same pairs, decoded or not.
        let borrowed = |n: &Notification| -> Vec<(String, String)> {
            n.received_pairs()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(borrowed(&parse()), asked.received_fields());
        assert_eq!(borrowed(&asked), asked.received_fields());
    }

    /// A name without `=` has a static "" for its value, not a span of the body (a fuzzing
    /// find: fuzz/regressions/flocash_notification/).
    #[test]
    fn a_name_without_a_value_is_received_empty() {
        let body = [BODY, b"&flag"].concat();
        let config: super::super::Config = serde_json::from_str(
            r#"{"merchant":"sales@demoshop.com","merchant_name":"Demo Shop",
                "checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
                "base_url":"https://fcms.flocash.com","notification_token":"0123456789abcdef"}"#,
        )
        .unwrap();
        let n = parse_notification(&config, "application/x-www-form-urlencoded", &body).unwrap();
        let pairs = n.untrusted().received_fields();
        assert_eq!(pairs.last(), Some(&("flag".to_string(), String::new())));
    }
}

//! FloCash Merchant Polling (`APIMerchantService`): `pollPayInbyRef` and `pollPayInbyTime`
//! over SOAP 1.1, to close the gap a lost notification leaves.
//!
//! What FloCash documents (its Payment Notification guide, "Merchant Polling"): the two
//! operations, their elements (`Auth` = `MerchantCode`, `APIUsername`, `APIPassword`;
//! `PayInbyRef` = `trace_number`; `PayInbyTime` = `fromTime`, `toTime`) and the reply
//! `ReponsePollPayIn` (sic) = `Header` (`statusCode`, `statusMsg`) + `Payments` (`Payment*`).
//!
//! What it does not document, and vpos therefore does not invent:
//!
//! - the XML namespace of the operations: it is in the WSDL FloCash gives the merchant, and
//!   [`PollConfig::namespace`] must be copied from there;
//! - whether the schema qualifies the child elements ([`PollConfig::element_form`], from the
//!   WSDL's `elementFormDefault`; `qualified` unless set);
//! - which `Header/statusCode` means success: no value is documented, so
//!   [`PollConfig::success_codes`] is required and nothing else is success;
//! - the reply's wrapper elements: replies are read by local name, namespace-agnostic, under
//!   the SOAP `Body`, wherever `Header` and `Payments` sit.

use std::fmt;
use std::str::FromStr;

use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;
use serde::{Deserialize, Serialize};

use super::status::{map_status, normalize_status};
use crate::error::{Error, ErrorCode, Result};
use crate::fields;
use crate::gateways::Gateway;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::{Amount, Currency};
use crate::secret::Secret;
use crate::state::{Event, event_key};
use crate::status::{Action, Reported};
use crate::trust::Verified;
use crate::xml;

/// The polling endpoint FloCash documents (its WSDL is this URL with `?wsdl`).
pub const DEFAULT_ENDPOINT: &str = "http://api.flocash.com:8080/FloCMS/services/APIMerchantService";

/// Largest polling reply read: a by-time poll may list many payments, each well under 4 KiB.
pub const MAX_REPLY_BYTES: usize = 8 * 1024 * 1024;

const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Whether the operation's child elements are in the operation's namespace (the WSDL
/// schema's `elementFormDefault`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashElementForm"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementForm {
    /// `elementFormDefault="qualified"`: every element in [`PollConfig::namespace`].
    #[default]
    Qualified,
    /// `elementFormDefault="unqualified"`: only the operation element is namespaced.
    Unqualified,
}

/// The merchant's Merchant Polling credentials and service description.
///
/// JSON (unknown keys refused):
///
/// ```
/// use vpos_core::gateways::flocash::PollConfig;
/// let config: PollConfig = serde_json::from_str(r#"{
///     "api_username": "shop-api",
///     "api_password": "s3cret-password",
///     "namespace": "http://merchant.service.example/",
///     "success_codes": ["0000"]
/// }"#)?;
/// config.validate()?;
/// assert_eq!(config.endpoint, "http://api.flocash.com:8080/FloCMS/services/APIMerchantService");
/// assert!(!format!("{config:?}").contains("s3cret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashPollConfig"))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollConfig {
    /// `APIUsername`, provided by FloCash.
    pub api_username: String,
    /// `APIPassword`, provided by FloCash. Never printed.
    pub api_password: Secret,
    /// The operations' XML namespace: the WSDL's `targetNamespace`, copied from the WSDL
    /// FloCash gives the merchant. FloCash's guide does not print it, so there is no default.
    pub namespace: String,
    /// The `Header/statusCode` values that mean success. FloCash documents none, so the
    /// merchant sets the ones FloCash confirms; any other code is [`ErrorCode::GatewayError`].
    pub success_codes: Vec<String>,
    /// Where the SOAP requests go; default [`DEFAULT_ENDPOINT`], as documented.
    #[serde(default = "default_endpoint")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub endpoint: String,
    /// `MerchantCode`: "currently not used" by FloCash; sent empty unless set.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub merchant_code: String,
    /// The schema's `elementFormDefault`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub element_form: ElementForm,
}

fn default_endpoint() -> String {
    DEFAULT_ENDPOINT.to_string()
}

impl PollConfig {
    /// Checks every value; the error (`invalid_config`) names the first bad key.
    pub fn validate(&self) -> Result<()> {
        let text = |key: &'static str, v: &str, max| {
            fields::required(key, v, max).map_err(Error::into_config)
        };
        text("api_username", &self.api_username, 100)?;
        text("api_password", self.api_password.expose(), 100)?;
        text("namespace", &self.namespace, 250)?;
        // The namespace goes into an attribute unescaped; a URI never needs these.
        if self
            .namespace
            .contains(|c: char| c.is_whitespace() || "\"'<>&".contains(c))
        {
            return Err(Error::config(
                "namespace",
                "must be a URI (the WSDL's targetNamespace): no spaces, quotes, <, > or &",
            ));
        }
        text("endpoint", &self.endpoint, 250)?;
        fields::url("endpoint", Some(&self.endpoint), 250).map_err(Error::into_config)?;
        fields::optional("merchant_code", Some(&self.merchant_code), 50)
            .map_err(Error::into_config)?;
        if self.success_codes.is_empty() || self.success_codes.iter().any(|c| c.trim().is_empty()) {
            return Err(Error::config(
                "success_codes",
                "must list the Header statusCode values FloCash answers on success",
            ));
        }
        Ok(())
    }
}

/// A date and time as `xsd:dateTime` writes it: `2014-03-17T10:21:27`, with optional
/// fraction (up to nanoseconds) and optional zone (`Z`, `+03:00`). Without a zone it is the
/// local time FloCash meant; vpos has no clock and assumes none.
///
/// Serialises as that text, canonically (fraction without trailing zeros, `Z` for UTC).
///
/// ```
/// use vpos_core::gateways::flocash::Timestamp;
/// let t: Timestamp = "2014-03-17T10:21:27.500+03:00".parse()?;
/// assert_eq!(t.to_string(), "2014-03-17T10:21:27.5+03:00");
/// assert_eq!(t.offset_minutes(), Some(180));
/// assert!("2014-02-30T00:00:00Z".parse::<Timestamp>().is_err());
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
    offset: Option<i16>,
}

impl Timestamp {
    /// Parses `xsd:dateTime`; `field` names the value in the error (`field_invalid`).
    pub fn parse(s: &str, field: &'static str) -> Result<Timestamp> {
        let bad = || {
            Error::invalid(
                field,
                format_args!(
                    "must be an xsd:dateTime such as 2014-03-17T10:21:27Z, not {:?}",
                    s.chars().take(40).collect::<String>()
                ),
            )
        };
        let b = s.as_bytes();
        if b.len() < 19 || !s.is_ascii() {
            return Err(bad());
        }
        let num = |from: usize, to: usize| -> Result<u32> {
            let part = &b[from..to];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
            } else {
                Err(bad())
            }
        };
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
        let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        let mut rest = &s[19..];
        let mut nanos = 0u32;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(bad());
            }
            nanos = frac[..digits]
                .bytes()
                .chain(std::iter::repeat_n(b'0', 9 - digits))
                .fold(0, |n, d| n * 10 + u32::from(d - b'0'));
            rest = &frac[digits..];
        }
        let offset = match rest {
            "" => None,
            "Z" => Some(0),
            z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
                let zb = z.as_bytes();
                if !zb[1..3].iter().chain(&zb[4..6]).all(u8::is_ascii_digit) {
                    return Err(bad());
                }
                let h = i16::from(zb[1] - b'0') * 10 + i16::from(zb[2] - b'0');
                let m = i16::from(zb[4] - b'0') * 10 + i16::from(zb[5] - b'0');
                if m > 59 || h * 60 + m > 14 * 60 {
                    return Err(bad());
                }
                Some(if zb[0] == b'-' {
                    -(h * 60 + m)
                } else {
                    h * 60 + m
                })
            }
            _ => return Err(bad()),
        };
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        };
        if year == 0 || day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
            return Err(bad());
        }
        // Every value was range-checked above, so these narrowings are exact.
        Ok(Timestamp {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            nanos,
            offset,
        })
    }

    /// The zone offset in minutes east of UTC, if the text had one.
    pub fn offset_minutes(&self) -> Option<i16> {
        self.offset
    }

    /// Seconds since 1970-01-01T00:00:00 UTC (a time without zone read as UTC), and the
    /// nanoseconds: what orders two timestamps.
    pub fn unix_seconds(&self) -> (i64, u32) {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset.unwrap_or(0)) * 60;
        (secs, self.nanos)
    }
}

impl FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Timestamp> {
        Timestamp::parse(s, "timestamp")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        match self.offset {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                write!(f, "{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
            }
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s, "timestamp").map_err(serde::de::Error::custom)
    }
}

/// Describes `pollPayInbyRef` for one `trace_number` (the reference FloCash hands the merchant
/// on its return and notify URLs). A SOAP 1.1 POST to [`PollConfig::endpoint`] with an empty
/// `SOAPAction` (FloCash documents none; SOAP 1.1 reads `""` as "the URL and the body say
/// it"). The body carries the API password: send it as is, log only its `Debug`.
///
/// ```
/// # let config: vpos_core::gateways::flocash::PollConfig = serde_json::from_str(r#"{
/// #   "api_username": "u", "api_password": "p", "namespace": "urn:x", "success_codes": ["0000"]}"#)?;
/// let request = vpos_core::gateways::flocash::poll_by_reference_request(&config, "T111394972087797")?;
/// assert!(request.body.contains("<PayInbyRef><trace_number>T111394972087797</trace_number></PayInbyRef>"));
/// assert_eq!(request.headers[1], ("SOAPAction".to_string(), "\"\"".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn poll_by_reference_request(config: &PollConfig, trace_number: &str) -> Result<HttpRequest> {
    fields::required("trace_number", trace_number, 64)?;
    let inner = format!(
        "<PayInbyRef><trace_number>{}</trace_number></PayInbyRef>",
        xml::escape_text(trace_number)
    );
    envelope(config, "pollPayInbyRef", &inner)
}

/// Describes `pollPayInbyTime` for the payments FloCash holds between `from` and `to`
/// (`xsd:dateTime`, written as given: the host's clock decides the window). `to` before
/// `from` is `field_invalid`.
///
/// ```
/// use vpos_core::gateways::flocash::{poll_by_time_request, Timestamp};
/// # let config: vpos_core::gateways::flocash::PollConfig = serde_json::from_str(r#"{
/// #   "api_username": "u", "api_password": "p", "namespace": "urn:x", "success_codes": ["0000"]}"#)?;
/// let from: Timestamp = "2026-11-25T00:00:00Z".parse()?;
/// let to: Timestamp = "2026-11-26T00:00:00Z".parse()?;
/// let request = poll_by_time_request(&config, &from, &to)?;
/// assert!(request.body.contains("<fromTime>2026-11-25T00:00:00Z</fromTime><toTime>2026-11-26T00:00:00Z</toTime>"));
/// assert!(poll_by_time_request(&config, &to, &from).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn poll_by_time_request(
    config: &PollConfig,
    from: &Timestamp,
    to: &Timestamp,
) -> Result<HttpRequest> {
    if to.unix_seconds() < from.unix_seconds() {
        return Err(Error::invalid("toTime", "is before fromTime"));
    }
    let inner =
        format!("<PayInbyTime><fromTime>{from}</fromTime><toTime>{to}</toTime></PayInbyTime>");
    envelope(config, "pollPayInbyTime", &inner)
}

fn envelope(config: &PollConfig, operation: &str, inner: &str) -> Result<HttpRequest> {
    config.validate()?;
    let e = xml::escape_text;
    let ns = &config.namespace;
    let (open, close) = match config.element_form {
        ElementForm::Qualified => (
            format!(r#"<{operation} xmlns="{ns}">"#),
            format!("</{operation}>"),
        ),
        ElementForm::Unqualified => (
            format!(r#"<fc:{operation} xmlns:fc="{ns}">"#),
            format!("</fc:{operation}>"),
        ),
    };
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body>{open}<Auth><MerchantCode>{}</MerchantCode><APIUsername>{}</APIUsername><APIPassword>{}</APIPassword></Auth>{inner}{close}</soapenv:Body></soapenv:Envelope>"#,
        e(&config.merchant_code),
        e(&config.api_username),
        e(config.api_password.expose()),
    );
    Ok(HttpRequest {
        method: Method::Post,
        url: config.endpoint.clone(),
        headers: vec![
            ("Content-Type".into(), "text/xml; charset=utf-8".into()),
            ("SOAPAction".into(), "\"\"".into()),
        ],
        body,
    })
}

/// One `Payment` of a polling reply, every documented element typed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashPolledPayment"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolledPayment {
    /// `transid`: FloCash's transaction id (the notification's `trans_id`).
    pub transid: String,
    /// `trace_number`: the reference polled by.
    pub trace_number: String,
    /// `postDate`: when the transaction was made.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub post_date: Timestamp,
    /// `currency_code`.
    pub currency_code: Currency,
    /// `amount`, exact in `currency_code`.
    pub amount: Amount,
    /// `status` normalised to four digits (Appendix A, as notifications).
    pub status_code: String,
    /// The status in the unified model; an undocumented code is `Unknown`, which the
    /// transition ignores (the payment stays untouched).
    pub status: Reported,
    /// `message`.
    pub message: Option<String>,
    /// `sender/account`: the merchant account (FloCash: "usually registered email address of
    /// merchant"), checked against the stored payment's merchant.
    pub merchant: String,
    /// `custom`.
    pub custom: Option<String>,
    /// `order_id`: the shop's order id.
    pub order_id: String,
    /// `quantity`.
    pub quantity: Option<u32>,
    /// `item_price`, in `currency_code`.
    pub item_price: Option<Amount>,
    /// `item_name`.
    pub item_name: Option<String>,
    /// `payment_channel` (Mobile, Wallet, Card).
    pub payment_channel: Option<String>,
    /// `payer_email`.
    pub payer_email: Option<String>,
    /// `txn_partner_ref`: the bank's reference.
    pub txn_partner_ref: Option<String>,
    /// Undocumented leaf elements of the `Payment`, in order.
    pub extra: Vec<(String, String)>,
}

/// A successful polling reply: FloCash's header and the payments it listed (maybe none).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FlocashPollReply"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PollReply {
    /// `Header/statusCode`, one of [`PollConfig::success_codes`].
    pub status_code: String,
    /// `Header/statusMsg`.
    pub status_msg: Option<String>,
    /// `Payments/Payment`, in order.
    pub payments: Vec<PolledPayment>,
}

impl PolledPayment {
    /// The event for [`crate::state::transition`], as a sale (polling reports pay-ins).
    ///
    /// Key: `flocash:poll:<transid>:<status_code>`. It cannot equal the notification's
    /// `flocash:<fpn_id>:<trans_id>:<action>:<status_code>`: a poll reply carries no `fpn_id`.
    /// Applying once does not rest on the keys matching: both are sale events for the same
    /// transaction, and the state machine ignores a sale event reporting the status the
    /// payment already has (`already_in_status`) or an earlier one (`stale`). So a payment
    /// notified then polled, or polled then notified, moves once; the same poll run twice
    /// meets its own key (`already_applied`). The four parts keep it apart from every
    /// five-part notification key (`:` is escaped inside parts).
    fn event(&self) -> Event {
        Event {
            gateway: Gateway::Flocash,
            key: event_key(&["flocash", "poll", &self.transid, &self.status_code]),
            merchant: self.merchant.clone(),
            order_id: self.order_id.clone(),
            transaction_id: self.transid.clone(),
            amount: self.amount,
            action: Action::Sale,
            status: self.status.clone(),
            status_code: self.status_code.clone(),
        }
    }
}

impl Verified<PollReply> {
    /// One event per polled payment, in order, for [`crate::state::transition`].
    pub fn events(&self) -> Vec<Event> {
        self.0.payments.iter().map(PolledPayment::event).collect()
    }
}

/// Reads a polling reply (either operation). The reply is authenticated by the exchange
/// itself (vpos asked FloCash, with the merchant's API credentials), so it comes back
/// [`Verified`]: its [`events`](Verified::events) may move payments.
///
/// - no answer, or an HTTP status other than 200 without a SOAP fault:
///   [`ErrorCode::GatewayUnavailable`]; nothing is known, try later;
/// - a SOAP `Fault` (any status), or a `Header/statusCode` not in
///   [`PollConfig::success_codes`]: [`ErrorCode::GatewayError`], with FloCash's code and message;
/// - over [`MAX_REPLY_BYTES`]: `body_too_large`; not UTF-8: `invalid_utf8`;
/// - malformed XML, a `DOCTYPE` (so any entity definition), an unknown entity, no SOAP
///   `Envelope`/`Body`, text where elements belong: `field_invalid` (field `reply`);
/// - a required element missing or empty (`statusCode`; in each `Payment`: `transid`,
///   `trace_number`, `postDate`, `currency_code`, `amount`, `status`, `sender/account`,
///   `order_id`): `field_missing`; any documented element twice: `duplicate_field`;
/// - an amount with more decimals than its currency: `amount_precision`, and the other money
///   errors; a bad `postDate`, `status` or `quantity`: `field_invalid`.
///
/// A status code FloCash's table does not list is not an error here: the payment carries
/// `Unknown(code)`, which the transition ignores, leaving the stored payment untouched.
///
/// ```
/// use vpos_core::{gateways::flocash, Reply, Reported};
/// # let config: flocash::PollConfig = serde_json::from_str(r#"{
/// #   "api_username": "u", "api_password": "p", "namespace": "urn:x", "success_codes": ["0000"]}"#)?;
/// let body = r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
///   <ns:pollPayInbyRefResponse xmlns:ns="urn:x"><return>
///     <Header><statusCode>0000</statusCode><statusMsg>OK</statusMsg></Header>
///     <Payments><Payment><transid>77</transid><trace_number>T1</trace_number>
///       <postDate>2026-11-25T10:00:00Z</postDate><currency_code>USD</currency_code>
///       <amount>23.45</amount><status>0</status><sender><account>m@shop.example</account></sender>
///       <order_id>AT000001</order_id></Payment></Payments>
///   </return></ns:pollPayInbyRefResponse></S:Body></S:Envelope>"#;
/// let reply = Reply::Response { status: 200, body: body.as_bytes().to_vec() };
/// let polled = flocash::parse_poll_response(&config, &reply)?;
/// assert_eq!(polled.payments[0].amount.minor(), 2345);
/// assert_eq!(polled.events()[0].status(), &Reported::Succeeded);
/// assert_eq!(polled.events()[0].key(), "flocash:poll:77:0000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_poll_response(config: &PollConfig, reply: &Reply) -> Result<Verified<PollReply>> {
    let (status, body) = match reply {
        Reply::Response { status, body } => (*status, body),
        Reply::Failed { error } => return Err(crate::http::no_answer("FloCash polling", error)),
    };
    if status != 200 && status != 500 {
        return Err(unavailable(status));
    }
    if body.len() > MAX_REPLY_BYTES {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!("polling reply is over {MAX_REPLY_BYTES} bytes"),
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::new(ErrorCode::InvalidUtf8, "polling reply is not UTF-8"))?;
    let root = match tree(text) {
        Ok(root) => root,
        // A 500 that is not a SOAP fault is a server failure, not a malformed answer.
        Err(_) if status == 500 => return Err(unavailable(status)),
        Err(e) => return Err(e),
    };
    if root.name != "Envelope" {
        return Err(malformed("the root element is not a SOAP Envelope"));
    }
    let soap_body = root
        .only_child("Body")?
        .ok_or_else(|| malformed("no SOAP Body"))?;
    if let Some(fault) = soap_body.descendants("Fault").first() {
        let text = |n: &str| {
            fault
                .descendants(n)
                .first()
                .map(|f| f.text.trim().to_string())
        };
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "FloCash answered a SOAP fault: {} {}",
                text("faultcode").unwrap_or_default(),
                text("faultstring").unwrap_or_default()
            ),
        )
        .with_field("Fault"));
    }
    if status != 200 {
        return Err(unavailable(status));
    }
    let header = match soap_body.descendants("Header").as_slice() {
        [] => return Err(Error::missing("Header")),
        [one] => *one,
        _ => return Err(duplicate("Header")),
    };
    let status_code = header
        .leaf("statusCode")?
        .ok_or_else(|| Error::missing("statusCode"))?;
    fields::required("statusCode", &status_code, 32)?;
    let status_msg = header.leaf("statusMsg")?;
    fields::optional("statusMsg", status_msg.as_deref(), 1000)?;
    if !config.success_codes.contains(&status_code) {
        return Err(Error::new(
            ErrorCode::GatewayError,
            format!(
                "FloCash polling answered statusCode {status_code:?}: {}",
                status_msg.as_deref().unwrap_or("")
            ),
        )
        .with_field("statusCode"));
    }
    let payments = match soap_body.descendants("Payments").as_slice() {
        [] => Vec::new(),
        [one] => one
            .children
            .iter()
            .filter(|c| c.name == "Payment")
            .map(payment)
            .collect::<Result<_>>()?,
        _ => return Err(duplicate("Payments")),
    };
    Ok(Verified(PollReply {
        status_code,
        status_msg,
        payments,
    }))
}

fn payment(node: &Node) -> Result<PolledPayment> {
    const DOCUMENTED: [&str; 16] = [
        "transid",
        "trace_number",
        "postDate",
        "currency_code",
        "amount",
        "status",
        "message",
        "sender",
        "custom",
        "order_id",
        "quantity",
        "item_price",
        "item_name",
        "payment_channel",
        "payer_email",
        "txn_partner_ref",
    ];
    let req = |name: &'static str, max: usize| -> Result<String> {
        let v = node.leaf(name)?.ok_or_else(|| Error::missing(name))?;
        fields::required(name, &v, max)?;
        Ok(v)
    };
    let opt = |name: &'static str, max: usize| -> Result<Option<String>> {
        let v = node.leaf(name)?.filter(|v| !v.is_empty());
        fields::optional(name, v.as_deref(), max)?;
        Ok(v)
    };
    let currency_code =
        Currency::from_code(&req("currency_code", 3)?).map_err(|e| e.or_field("currency_code"))?;
    let amount =
        Amount::parse(&req("amount", 32)?, currency_code).map_err(|e| e.or_field("amount"))?;
    let item_price = opt("item_price", 32)?
        .map(|p| Amount::parse(&p, currency_code).map_err(|e| e.or_field("item_price")))
        .transpose()?;
    let quantity = opt("quantity", 10)?
        .map(|q| match q.bytes().all(|b| b.is_ascii_digit()) {
            true => q
                .parse::<u32>()
                .map_err(|_| Error::invalid("quantity", "is too large")),
            false => Err(Error::invalid("quantity", "must be a whole number")),
        })
        .transpose()?;
    let status_code = normalize_status(&req("status", 8)?)?;
    let sender = match node.all("sender").as_slice() {
        [] => return Err(Error::missing("sender")),
        [one] => *one,
        _ => return Err(duplicate("sender")),
    };
    let merchant = sender
        .leaf("account")?
        .ok_or_else(|| Error::missing("account"))?;
    fields::required("account", &merchant, 250)?;
    let extra = node
        .children
        .iter()
        .filter(|c| c.children.is_empty() && !DOCUMENTED.contains(&c.name.as_str()))
        .map(|c| (c.name.clone(), c.text.clone()))
        .collect();
    Ok(PolledPayment {
        transid: req("transid", 50)?,
        trace_number: req("trace_number", 64)?,
        post_date: Timestamp::parse(req("postDate", 40)?.trim(), "postDate")?,
        currency_code,
        amount,
        status: map_status(&status_code),
        status_code,
        message: opt("message", 1000)?,
        merchant,
        custom: opt("custom", 250)?,
        order_id: req("order_id", 64)?,
        quantity,
        item_price,
        item_name: opt("item_name", 250)?,
        payment_channel: opt("payment_channel", 250)?,
        payer_email: opt("payer_email", 250)?,
        txn_partner_ref: opt("txn_partner_ref", 250)?,
        extra,
    })
}

fn unavailable(status: u16) -> Error {
    Error::new(
        ErrorCode::GatewayUnavailable,
        format!("FloCash polling answered HTTP {status}"),
    )
}

fn malformed(why: &str) -> Error {
    Error::new(
        ErrorCode::FieldInvalid,
        format!("reply is not a FloCash polling answer: {why}"),
    )
    .with_field("reply")
}

fn duplicate(name: &'static str) -> Error {
    Error::new(
        ErrorCode::DuplicateField,
        format!("{name} appears more than once"),
    )
    .with_field(name)
}

/// An element: local name, child elements, and (for a leaf) its text.
#[derive(Debug)]
struct Node {
    name: String,
    children: Vec<Node>,
    text: String,
    nil: bool,
}

impl Node {
    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// The one child called `name`, if any; twice is `duplicate_field`.
    fn only_child(&self, name: &'static str) -> Result<Option<&Node>> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(duplicate(name)),
        }
    }

    /// The text of the one leaf child `name`; `xsi:nil` or absent is `None`, an element
    /// where text belongs is `field_invalid`.
    fn leaf(&self, name: &'static str) -> Result<Option<String>> {
        match self.only_child(name)? {
            None => Ok(None),
            Some(n) if !n.children.is_empty() => {
                Err(Error::invalid(name, "must be text, not elements"))
            }
            Some(n) if n.nil => Ok(None),
            Some(n) => Ok(Some(n.text.trim().to_string())),
        }
    }

    /// Every element called `name` below this one, in document order, not looking inside a
    /// match.
    fn descendants(&self, name: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        for c in &self.children {
            if c.name == name {
                out.push(c);
            } else {
                out.extend(c.descendants(name));
            }
        }
        out
    }
}

/// Builds the element tree. [`xml::leaves`] reads the document first and is the gate for
/// hostile input (DOCTYPE refused, no entity but the predefined ones, depth bounded,
/// well-formedness); the leaf texts come from it, in document order, and this pass only adds
/// the structure.
fn tree(text: &str) -> Result<Node> {
    let leaves = xml::leaves(text, "reply")?;
    let mut texts = leaves.into_iter().map(|l| l.text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    let nil = |e: &quick_xml::events::BytesStart<'_>| {
        e.attributes().flatten().any(|a| {
            a.key.local_name().as_ref() == "nil" && matches!(a.value.as_ref(), "true" | "1")
        })
    };
    let name = |e: &quick_xml::events::BytesStart<'_>| e.local_name().as_ref().to_string();
    loop {
        match reader.read_event().map_err(|e| malformed(&e.to_string()))? {
            XmlEvent::Start(e) => stack.push(Node {
                name: name(&e),
                children: Vec::new(),
                text: String::new(),
                nil: nil(&e),
            }),
            XmlEvent::Empty(e) => {
                let node = Node {
                    name: name(&e),
                    children: Vec::new(),
                    text: texts.next().unwrap_or_default(),
                    nil: nil(&e),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            XmlEvent::End(_) => {
                let mut node = stack.pop().ok_or_else(|| malformed("unbalanced end tag"))?;
                if node.children.is_empty() {
                    node.text = texts.next().unwrap_or_default();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| malformed("no root element"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PollConfig {
        serde_json::from_str(
            r#"{"api_username":"u","api_password":"pa<ss","namespace":"urn:x","success_codes":["0000"]}"#,
        )
        .unwrap()
    }

    #[test]
    fn password_escaped_in_body_and_hidden_in_debug() {
        let r = poll_by_reference_request(&config(), "T1").unwrap();
        assert!(r.body.contains("<APIPassword>pa&lt;ss</APIPassword>"));
        assert!(!format!("{r:?}").contains("pa&lt;ss"));
        assert!(!format!("{:?}", config()).contains("pa<ss"));
    }

    #[test]
    fn timestamps_round_trip_and_order() {
        for s in [
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00.123Z",
            "2024-02-29T23:59:59-05:30",
        ] {
            assert_eq!(s.parse::<Timestamp>().unwrap().to_string(), s);
        }
        for bad in [
            "2026-01-01",
            "2026-13-01T00:00:00",
            "2025-02-29T00:00:00",
            "2026-01-01T24:00:00",
            "2026-01-01T00:00:00+15:00",
            "2026-01-01T00:00:00.Z",
            "2026-01-01 00:00:00",
            "2026-01-01T00:00:00.1234567890",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
        let a: Timestamp = "2026-01-01T01:00:00+01:00".parse().unwrap();
        let b: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(a.unix_seconds(), b.unix_seconds());
        assert_eq!(b.unix_seconds().0, 1_767_225_600);
    }

    #[test]
    fn tree_keeps_text_in_order() {
        let root = tree("<a><b>1</b><c><d>2</d><e/></c><f>&amp;</f></a>").unwrap();
        assert_eq!(root.children[0].text, "1");
        assert_eq!(root.children[1].children[0].text, "2");
        assert_eq!(root.children[1].children[1].text, "");
        assert_eq!(root.children[2].text, "&");
    }
}

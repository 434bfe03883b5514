//! Cardholder data for 3-D Secure 2: who pays, where they live and ship to, how old their
//! account is, and whether the shop wants a challenge.
//!
//! Under PSD2 an issuer lets a payment through without a challenge (frictionless) only when
//! its risk engine has data to judge on; EMV 3-D Secure 2 defines that data (the AReq's
//! cardholder and `acctInfo` fields), and each gateway carries it under its own names.
//! [`Cardholder`] is the gateway-neutral shape: validated once against the EMV 3DS 2.x field
//! limits ([`Cardholder::validate`]), then mapped by each gateway's checkout. Every value is
//! optional: send what the shop knows.
//!
//! Countries are ISO 3166-1 alpha-2 in (checked with [`crate::country::is_alpha2`]);
//! [`country_numeric`] gives the numeric code gateways that follow EMV 3DS want.
//!
//! ```
//! use vpos_core::cardholder::Cardholder;
//! let cardholder: Cardholder = serde_json::from_value(serde_json::json!({
//!     "email": "ana@example.com",
//!     "mobile_phone": {"country_code": "34", "subscriber": "600123456"},
//!     "billing": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013",
//!                 "country": "ES"},
//!     "address_match": true,
//!     "account": {"age": "more_than_60_days"},
//!     "challenge": "no_preference"
//! }))?;
//! cardholder.validate()?;
//! let bad: Cardholder = serde_json::from_value(serde_json::json!({
//!     "billing": {"country": "UK"}}))?;
//! assert_eq!(bad.validate().unwrap_err().field(), Some("cardholder.billing.country"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::country::is_alpha2;
use crate::error::{Error, Result};
use crate::fields;

/// EMV 3DS `email`: at most 254 characters (the RFC 5321 path limit).
pub const MAX_EMAIL: usize = 254;
/// EMV 3DS `cardholderName`: 2 to 45 characters.
pub const MAX_NAME: usize = 45;
/// EMV 3DS `billAddrLine1..3` / `shipAddrLine1..3`: at most 50 characters each.
pub const MAX_LINE: usize = 50;
/// EMV 3DS `billAddrCity` / `shipAddrCity`: at most 50 characters.
pub const MAX_CITY: usize = 50;
/// EMV 3DS `billAddrState` / `shipAddrState`: the ISO 3166-2 subdivision code without its
/// country prefix, at most 3 characters.
pub const MAX_STATE: usize = 3;
/// EMV 3DS `billAddrPostCode` / `shipAddrPostCode`: at most 16 characters.
pub const MAX_POSTAL_CODE: usize = 16;

/// What a shop knows about the person paying, for 3-D Secure 2.
///
/// JSON: every key optional, unknown keys refused. Read it, then call [`Cardholder::validate`]
/// (a gateway's checkout calls it too).
///
/// ```
/// use vpos_core::cardholder::{Cardholder, ChallengePreference};
/// let c: Cardholder = serde_json::from_value(serde_json::json!({
///     "name": "Ana García", "challenge": "challenge_mandated"}))?;
/// assert_eq!(c.challenge, Some(ChallengePreference::ChallengeMandated));
/// c.validate()?;
/// let err = serde_json::from_value::<Cardholder>(serde_json::json!({"nickname": "A"}));
/// assert!(err.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cardholder {
    /// The name on the card (EMV `cardholderName`, 2 to 45 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The e-mail address (EMV `email`, at most 254 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The mobile phone (EMV `mobilePhone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<Phone>,
    /// The home phone (EMV `homePhone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_phone: Option<Phone>,
    /// The work phone (EMV `workPhone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_phone: Option<Phone>,
    /// The billing address (EMV `billAddr*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<Address>,
    /// The shipping address (EMV `shipAddr*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Address>,
    /// Whether the shipping address is the billing address (EMV `addrMatch` `Y`/`N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_match: Option<bool>,
    /// The cardholder's account with the shop (EMV `acctInfo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountInfo>,
    /// Whether the shop wants the issuer to challenge (EMV `threeDSRequestorChallengeInd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<ChallengePreference>,
}

/// A phone number as EMV 3DS splits it: the ITU-T E.164 country calling code and the
/// subscriber number, digits only.
///
/// ```
/// use vpos_core::cardholder::Phone;
/// let phone = Phone { country_code: "44".into(), subscriber: "7700900123".into() };
/// phone.validate("cardholder.mobile_phone")?;
/// let plus = Phone { country_code: "+44".into(), subscriber: "7700900123".into() };
/// let e = plus.validate("cardholder.mobile_phone").unwrap_err();
/// assert_eq!(e.field(), Some("cardholder.mobile_phone.country_code"));
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CardholderPhone"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    /// The country calling code, 1 to 3 digits, no `+` (EMV `cc`): `34` for Spain.
    pub country_code: String,
    /// The subscriber number, 1 to 15 digits, no spaces (EMV `subscriber`).
    pub subscriber: String,
}

impl Phone {
    /// Checks both parts; errors name `<path>.country_code` or `<path>.subscriber`.
    pub fn validate(&self, path: &str) -> Result<()> {
        digits(&format!("{path}.country_code"), &self.country_code, 3)?;
        digits(&format!("{path}.subscriber"), &self.subscriber, 15)
    }
}

/// A postal address as EMV 3DS carries it.
///
/// ```
/// use vpos_core::cardholder::Address;
/// let a: Address = serde_json::from_value(serde_json::json!({
///     "line1": "1 Main St", "city": "Chicago", "state": "IL", "postal_code": "60601",
///     "country": "US"}))?;
/// a.validate("cardholder.billing")?;
/// assert_eq!(a.country_numeric(), Some("840"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CardholderAddress"))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// First line (at most 50 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Second line (at most 50 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// Third line (at most 50 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line3: Option<String>,
    /// City (at most 50 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region: the ISO 3166-2 subdivision code without the country (`IL`, `M`),
    /// 1 to 3 letters or digits. EMV 3DS wants `country` beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code (at most 16 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country, ISO 3166-1 alpha-2 upper case (`ES`; `GB`, not `UK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// Checks every part; errors name `<path>.<part>` (`cardholder.billing.country`).
    pub fn validate(&self, path: &str) -> Result<()> {
        for (part, value, max) in [
            ("line1", &self.line1, MAX_LINE),
            ("line2", &self.line2, MAX_LINE),
            ("line3", &self.line3, MAX_LINE),
            ("city", &self.city, MAX_CITY),
            ("postal_code", &self.postal_code, MAX_POSTAL_CODE),
        ] {
            fields::optional(&format!("{path}.{part}"), value.as_deref(), max)?;
        }
        if let Some(state) = present(&self.state) {
            let field = format!("{path}.state");
            fields::optional(&field, Some(state), MAX_STATE)?;
            if !state.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(Error::invalid(
                    field,
                    "must be an ISO 3166-2 subdivision code: 1 to 3 letters or digits",
                ));
            }
            if present(&self.country).is_none() {
                return Err(Error::missing(format!("{path}.country")));
            }
        }
        if let Some(country) = present(&self.country)
            && !is_alpha2(country)
        {
            return Err(Error::invalid(
                format!("{path}.country"),
                "must be an ISO 3166-1 alpha-2 code in upper case (ES, GB, US)",
            ));
        }
        Ok(())
    }

    /// The ISO 3166-1 numeric code of [`Address::country`], when it is a known alpha-2 code.
    pub fn country_numeric(&self) -> Option<&'static str> {
        present(&self.country).and_then(country_numeric)
    }
}

/// The cardholder's account with the shop (EMV 3DS `acctInfo`). The indicators are the
/// spec's: each enum lists its values in the spec's order, with the code in its doc.
///
/// ```
/// use vpos_core::cardholder::{AccountAge, AccountInfo};
/// let info: AccountInfo = serde_json::from_value(serde_json::json!({
///     "age": "less_than_30_days", "purchases_last_6_months": 3}))?;
/// assert_eq!(info.age.map(AccountAge::emv_code), Some("03"));
/// info.validate("cardholder.account")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CardholderAccount"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInfo {
    /// How long the cardholder has had the account (`chAccAgeInd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AccountAge>,
    /// When the account last changed, e.g. a new address (`chAccChangeInd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<Recency>,
    /// When the password last changed (`chAccPwChangeInd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_changed: Option<PasswordChange>,
    /// When this shipping address was first used with the shop (`shipAddressUsageInd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address_first_used: Option<Recency>,
    /// Whether the shop has seen suspicious activity on the account (`suspiciousAccActivity`,
    /// `02` yes, `01` no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspicious_activity: Option<bool>,
    /// Purchases with the account in the last six months, 0 to 9999 (`nbPurchaseAccount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchases_last_6_months: Option<u16>,
    /// Transactions (successful or not) in the last 24 hours, 0 to 999 (`txnActivityDay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions_last_day: Option<u16>,
    /// Transactions in the last year, 0 to 999 (`txnActivityYear`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions_last_year: Option<u16>,
}

impl AccountInfo {
    /// Checks the counters against their EMV lengths (4 digits, then 3 and 3).
    pub fn validate(&self, path: &str) -> Result<()> {
        for (part, value, max) in [
            (
                "purchases_last_6_months",
                self.purchases_last_6_months,
                9999,
            ),
            ("transactions_last_day", self.transactions_last_day, 999),
            ("transactions_last_year", self.transactions_last_year, 999),
        ] {
            if value.is_some_and(|v| v > max) {
                return Err(Error::invalid(
                    format!("{path}.{part}"),
                    format_args!("must be 0 to {max}"),
                ));
            }
        }
        Ok(())
    }
}

/// EMV 3DS `chAccAgeInd`: how long the cardholder has had an account with the shop.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CardholderAccountAge"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountAge {
    /// `01`: no account (guest checkout).
    NoAccount,
    /// `02`: created during this transaction.
    ThisTransaction,
    /// `03`: less than 30 days.
    #[serde(rename = "less_than_30_days")]
    LessThan30Days,
    /// `04`: 30 to 60 days.
    #[serde(rename = "from_30_to_60_days")]
    From30To60Days,
    /// `05`: more than 60 days.
    #[serde(rename = "more_than_60_days")]
    MoreThan60Days,
}

impl AccountAge {
    /// The EMV code.
    ///
    /// ```
    /// assert_eq!(vpos_core::cardholder::AccountAge::NoAccount.emv_code(), "01");
    /// ```
    pub fn emv_code(self) -> &'static str {
        match self {
            AccountAge::NoAccount => "01",
            AccountAge::ThisTransaction => "02",
            AccountAge::LessThan30Days => "03",
            AccountAge::From30To60Days => "04",
            AccountAge::MoreThan60Days => "05",
        }
    }
}

/// EMV 3DS `chAccPwChangeInd`: when the account's password last changed.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "CardholderPasswordChange")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordChange {
    /// `01`: never changed.
    NoChange,
    /// `02`: during this transaction.
    ThisTransaction,
    /// `03`: less than 30 days ago.
    #[serde(rename = "less_than_30_days")]
    LessThan30Days,
    /// `04`: 30 to 60 days ago.
    #[serde(rename = "from_30_to_60_days")]
    From30To60Days,
    /// `05`: more than 60 days ago.
    #[serde(rename = "more_than_60_days")]
    MoreThan60Days,
}

impl PasswordChange {
    /// The EMV code.
    ///
    /// ```
    /// assert_eq!(vpos_core::cardholder::PasswordChange::NoChange.emv_code(), "01");
    /// ```
    pub fn emv_code(self) -> &'static str {
        match self {
            PasswordChange::NoChange => "01",
            PasswordChange::ThisTransaction => "02",
            PasswordChange::LessThan30Days => "03",
            PasswordChange::From30To60Days => "04",
            PasswordChange::MoreThan60Days => "05",
        }
    }
}

/// When something first happened or last changed, in EMV 3DS's four steps
/// (`chAccChangeInd`, `shipAddressUsageInd`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CardholderRecency"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recency {
    /// `01`: during this transaction.
    ThisTransaction,
    /// `02`: less than 30 days ago.
    #[serde(rename = "less_than_30_days")]
    LessThan30Days,
    /// `03`: 30 to 60 days ago.
    #[serde(rename = "from_30_to_60_days")]
    From30To60Days,
    /// `04`: more than 60 days ago.
    #[serde(rename = "more_than_60_days")]
    MoreThan60Days,
}

impl Recency {
    /// The EMV code.
    ///
    /// ```
    /// assert_eq!(vpos_core::cardholder::Recency::MoreThan60Days.emv_code(), "04");
    /// ```
    pub fn emv_code(self) -> &'static str {
        match self {
            Recency::ThisTransaction => "01",
            Recency::LessThan30Days => "02",
            Recency::From30To60Days => "03",
            Recency::MoreThan60Days => "04",
        }
    }
}

/// Whether the shop asks the issuer to challenge the cardholder (EMV 3DS
/// `threeDSRequestorChallengeInd`). The issuer decides; under PSD2 it may challenge anyway.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "CardholderChallengePreference")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengePreference {
    /// `01`: no preference.
    NoPreference,
    /// `02`: no challenge requested.
    NoChallengeRequested,
    /// `03`: challenge requested (the shop's preference).
    ChallengeRequested,
    /// `04`: challenge requested (a mandate, e.g. a first stored-card payment).
    ChallengeMandated,
}

impl ChallengePreference {
    /// The EMV code.
    ///
    /// ```
    /// use vpos_core::cardholder::ChallengePreference;
    /// assert_eq!(ChallengePreference::ChallengeMandated.emv_code(), "04");
    /// ```
    pub fn emv_code(self) -> &'static str {
        match self {
            ChallengePreference::NoPreference => "01",
            ChallengePreference::NoChallengeRequested => "02",
            ChallengePreference::ChallengeRequested => "03",
            ChallengePreference::ChallengeMandated => "04",
        }
    }
}

impl Cardholder {
    /// Checks every value against the EMV 3DS 2.x limits. Errors are `field_invalid`,
    /// `field_too_long` or `field_missing`, naming the dotted path from `cardholder`
    /// (`cardholder.billing.postal_code`). An empty string counts as absent.
    pub fn validate(&self) -> Result<()> {
        if let Some(name) = present(&self.name) {
            fields::optional("cardholder.name", Some(name), MAX_NAME)?;
            if name.chars().count() < 2 {
                return Err(Error::invalid(
                    "cardholder.name",
                    "must be 2 to 45 characters",
                ));
            }
        }
        if let Some(email) = present(&self.email) {
            check_email(email)?;
        }
        for (path, phone) in [
            ("cardholder.mobile_phone", &self.mobile_phone),
            ("cardholder.home_phone", &self.home_phone),
            ("cardholder.work_phone", &self.work_phone),
        ] {
            if let Some(phone) = phone {
                phone.validate(path)?;
            }
        }
        if let Some(billing) = &self.billing {
            billing.validate("cardholder.billing")?;
        }
        if let Some(shipping) = &self.shipping {
            shipping.validate("cardholder.shipping")?;
        }
        if let Some(account) = &self.account {
            account.validate("cardholder.account")?;
        }
        Ok(())
    }
}

/// An address a 3DS server can pass on: at most 254 characters, one `@` with text on both
/// sides, a dot in the domain, no spaces or control characters. Deliverability is not ours
/// to judge.
fn check_email(email: &str) -> Result<()> {
    const FIELD: &str = "cardholder.email";
    fields::optional(FIELD, Some(email), MAX_EMAIL)?;
    let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.chars().any(char::is_whitespace);
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid(FIELD, "must be an e-mail address"))
    }
}

/// 1 to `max` ASCII digits.
fn digits(field: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::missing(field.to_string()));
    }
    if value.len() > max || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            field.to_string(),
            format_args!("must be 1 to {max} digits (no +, spaces or dashes)"),
        ));
    }
    Ok(())
}

/// The value when it is there and not empty.
pub(crate) fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Alpha-2 code then numeric code, sorted by alpha-2: the 249 officially assigned ISO 3166-1
/// codes (Debian iso-codes 4.15.0, `iso_3166-1.json`), the same set [`is_alpha2`] holds.
const NUMERIC: &[&str] = &[
    "AD020", "AE784", "AF004", "AG028", "AI660", "AL008", "AM051", "AO024", "AQ010", "AR032",
    "AS016", "AT040", "AU036", "AW533", "AX248", "AZ031", "BA070", "BB052", "BD050", "BE056",
    "BF854", "BG100", "BH048", "BI108", "BJ204", "BL652", "BM060", "BN096", "BO068", "BQ535",
    "BR076", "BS044", "BT064", "BV074", "BW072", "BY112", "BZ084", "CA124", "CC166", "CD180",
    "CF140", "CG178", "CH756", "CI384", "CK184", "CL152", "CM120", "CN156", "CO170", "CR188",
    "CU192", "CV132", "CW531", "CX162", "CY196", "CZ203", "DE276", "DJ262", "DK208", "DM212",
    "DO214", "DZ012", "EC218", "EE233", "EG818", "EH732", "ER232", "ES724", "ET231", "FI246",
    "FJ242", "FK238", "FM583", "FO234", "FR250", "GA266", "GB826", "GD308", "GE268", "GF254",
    "GG831", "GH288", "GI292", "GL304", "GM270", "GN324", "GP312", "GQ226", "GR300", "GS239",
    "GT320", "GU316", "GW624", "GY328", "HK344", "HM334", "HN340", "HR191", "HT332", "HU348",
    "ID360", "IE372", "IL376", "IM833", "IN356", "IO086", "IQ368", "IR364", "IS352", "IT380",
    "JE832", "JM388", "JO400", "JP392", "KE404", "KG417", "KH116", "KI296", "KM174", "KN659",
    "KP408", "KR410", "KW414", "KY136", "KZ398", "LA418", "LB422", "LC662", "LI438", "LK144",
    "LR430", "LS426", "LT440", "LU442", "LV428", "LY434", "MA504", "MC492", "MD498", "ME499",
    "MF663", "MG450", "MH584", "MK807", "ML466", "MM104", "MN496", "MO446", "MP580", "MQ474",
    "MR478", "MS500", "MT470", "MU480", "MV462", "MW454", "MX484", "MY458", "MZ508", "NA516",
    "NC540", "NE562", "NF574", "NG566", "NI558", "NL528", "NO578", "NP524", "NR520", "NU570",
    "NZ554", "OM512", "PA591", "PE604", "PF258", "PG598", "PH608", "PK586", "PL616", "PM666",
    "PN612", "PR630", "PS275", "PT620", "PW585", "PY600", "QA634", "RE638", "RO642", "RS688",
    "RU643", "RW646", "SA682", "SB090", "SC690", "SD729", "SE752", "SG702", "SH654", "SI705",
    "SJ744", "SK703", "SL694", "SM674", "SN686", "SO706", "SR740", "SS728", "ST678", "SV222",
    "SX534", "SY760", "SZ748", "TC796", "TD148", "TF260", "TG768", "TH764", "TJ762", "TK772",
    "TL626", "TM795", "TN788", "TO776", "TR792", "TT780", "TV798", "TW158", "TZ834", "UA804",
    "UG800", "UM581", "US840", "UY858", "UZ860", "VA336", "VC670", "VE862", "VG092", "VI850",
    "VN704", "VU548", "WF876", "WS882", "YE887", "YT175", "ZA710", "ZM894", "ZW716",
];

/// The ISO 3166-1 numeric code (three digits, leading zeros kept) of an alpha-2 code, or
/// `None` when `alpha2` is not an officially assigned code.
///
/// ```
/// use vpos_core::cardholder::country_numeric;
/// assert_eq!(country_numeric("ES"), Some("724"));
/// assert_eq!(country_numeric("AD"), Some("020"));
/// assert_eq!(country_numeric("UK"), None);
/// ```
pub fn country_numeric(alpha2: &str) -> Option<&'static str> {
    if alpha2.len() != 2 {
        return None;
    }
    NUMERIC
        .binary_search_by(|entry| entry[..2].cmp(alpha2))
        .ok()
        .map(|i| &NUMERIC[i][2..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(value: serde_json::Value) -> Cardholder {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_numeric_table_matches_the_alpha2_list() {
        assert_eq!(NUMERIC.len(), 249);
        assert!(NUMERIC.windows(2).all(|w| w[0] < w[1]));
        for entry in NUMERIC {
            assert_eq!(entry.len(), 5, "{entry}");
            assert!(is_alpha2(&entry[..2]), "{entry}");
            assert!(entry[2..].bytes().all(|b| b.is_ascii_digit()), "{entry}");
        }
        for (alpha2, numeric) in [("GB", "826"), ("US", "840"), ("KE", "404"), ("AX", "248")] {
            assert_eq!(country_numeric(alpha2), Some(numeric));
        }
        for hostile in ["", "E", "es", "ESP", "É", "\u{0}S", "ZZ"] {
            assert_eq!(country_numeric(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn limits_are_the_emv_ones_and_errors_name_the_path() {
        let long = |n: usize| "a".repeat(n);
        let email_at_limit = format!("{}@example.com", long(MAX_EMAIL - 12));
        assert!(
            read(serde_json::json!({"email": email_at_limit}))
                .validate()
                .is_ok()
        );
        for (value, field, code) in [
            (
                serde_json::json!({"email": format!("{}@example.com", long(MAX_EMAIL - 11))}),
                "cardholder.email",
                "field_too_long",
            ),
            (
                serde_json::json!({"email": "ana example.com"}),
                "cardholder.email",
                "field_invalid",
            ),
            (
                serde_json::json!({"email": "ana@@example.com"}),
                "cardholder.email",
                "field_invalid",
            ),
            (
                serde_json::json!({"email": "ana @example.com"}),
                "cardholder.email",
                "field_invalid",
            ),
            (
                serde_json::json!({"name": "A"}),
                "cardholder.name",
                "field_invalid",
            ),
            (
                serde_json::json!({"name": long(46)}),
                "cardholder.name",
                "field_too_long",
            ),
            (
                serde_json::json!({"billing": {"line1": long(51)}}),
                "cardholder.billing.line1",
                "field_too_long",
            ),
            (
                serde_json::json!({"shipping": {"line3": "a\nb"}}),
                "cardholder.shipping.line3",
                "field_invalid",
            ),
            (
                serde_json::json!({"billing": {"city": long(51)}}),
                "cardholder.billing.city",
                "field_too_long",
            ),
            (
                serde_json::json!({"billing": {"postal_code": long(17)}}),
                "cardholder.billing.postal_code",
                "field_too_long",
            ),
            (
                serde_json::json!({"billing": {"country": "UK"}}),
                "cardholder.billing.country",
                "field_invalid",
            ),
            (
                serde_json::json!({"shipping": {"country": "es"}}),
                "cardholder.shipping.country",
                "field_invalid",
            ),
            (
                serde_json::json!({"billing": {"state": "IL"}}),
                "cardholder.billing.country",
                "field_missing",
            ),
            (
                serde_json::json!({"billing": {"state": "I-L", "country": "US"}}),
                "cardholder.billing.state",
                "field_invalid",
            ),
            (
                serde_json::json!({"billing": {"state": "ILLI", "country": "US"}}),
                "cardholder.billing.state",
                "field_too_long",
            ),
            (
                serde_json::json!({"mobile_phone": {"country_code": "+34", "subscriber": "600"}}),
                "cardholder.mobile_phone.country_code",
                "field_invalid",
            ),
            (
                serde_json::json!({"home_phone": {"country_code": "1234", "subscriber": "600"}}),
                "cardholder.home_phone.country_code",
                "field_invalid",
            ),
            (
                serde_json::json!({"work_phone": {"country_code": "34", "subscriber": "600 12"}}),
                "cardholder.work_phone.subscriber",
                "field_invalid",
            ),
            (
                serde_json::json!({"work_phone": {"country_code": "34", "subscriber": long(16).replace('a', "1")}}),
                "cardholder.work_phone.subscriber",
                "field_invalid",
            ),
            (
                serde_json::json!({"mobile_phone": {"country_code": "", "subscriber": "600"}}),
                "cardholder.mobile_phone.country_code",
                "field_missing",
            ),
            (
                serde_json::json!({"account": {"transactions_last_day": 1000}}),
                "cardholder.account.transactions_last_day",
                "field_invalid",
            ),
            (
                serde_json::json!({"account": {"purchases_last_6_months": 10000}}),
                "cardholder.account.purchases_last_6_months",
                "field_invalid",
            ),
        ] {
            let e = read(value.clone()).validate().unwrap_err();
            assert_eq!(
                (e.field(), e.code().as_str()),
                (Some(field), code),
                "{value}"
            );
        }
    }

    #[test]
    fn hostile_text_is_a_typed_error_never_a_panic() {
        // Multi-byte characters are counted as characters, not bytes, and cut nowhere.
        let line = "ñ".repeat(MAX_LINE);
        let ok = read(serde_json::json!({"billing": {"line1": line, "country": "ES"}}));
        assert!(ok.validate().is_ok());
        let over = "€".repeat(MAX_LINE + 1);
        let e = read(serde_json::json!({"billing": {"line1": over}}))
            .validate()
            .unwrap_err();
        assert_eq!(e.code().as_str(), "field_too_long");
        for hostile in ["\u{0}", "\u{7f}", "\u{85}", "a\u{1b}[31m"] {
            let e = read(serde_json::json!({"billing": {"city": hostile}}))
                .validate()
                .unwrap_err();
            assert_eq!(e.field(), Some("cardholder.billing.city"), "{hostile:?}");
        }
        for country in ["ÉS", "E", "\u{0}\u{0}", "ESP"] {
            let e = read(serde_json::json!({"billing": {"country": country}}))
                .validate()
                .unwrap_err();
            assert_eq!(e.field(), Some("cardholder.billing.country"), "{country:?}");
        }
        for value in [
            serde_json::json!({"challenge": "always"}),
            serde_json::json!({"account": {"age": "05"}}),
            serde_json::json!({"account": {"purchases_last_6_months": -1}}),
            serde_json::json!({"account": {"purchases_last_6_months": 70000}}),
            serde_json::json!({"billing": {"street": "x"}}),
            serde_json::json!({"mobile_phone": {"number": "600"}}),
        ] {
            assert!(
                serde_json::from_value::<Cardholder>(value.clone()).is_err(),
                "{value}"
            );
        }
    }

    #[test]
    fn empty_strings_count_as_absent() {
        let c = read(serde_json::json!({"name": "", "email": "",
            "billing": {"line1": "", "state": "", "country": ""}}));
        assert!(c.validate().is_ok());
        assert_eq!(c.billing.unwrap().country_numeric(), None);
    }
}

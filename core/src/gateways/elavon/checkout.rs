//! The HPP payment form.

use serde::{Deserialize, Serialize};

use super::Config;
use crate::cardholder::{Address, Cardholder, ChallengePreference, Phone, present};
use crate::error::{Error, Result};
use crate::form::RedirectForm;
use crate::http::Method;
use crate::money::Amount;

/// A payment to send to the hosted payment page.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ElavonOrder"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `ORDER_ID`: unique per merchant, 1–50 letters, digits, `-` or `_`.
    pub order_id: String,
    /// `AMOUNT` (minor units) and `CURRENCY` (alphabetic code).
    #[cfg_attr(feature = "ts", ts(as = "crate::ts::AmountInput"))]
    pub amount: Amount,
    /// `TIMESTAMP`, `YYYYMMDDHHMMSS`, from the host's clock.
    pub timestamp: String,
    /// Cardholder data for 3-D Secure 2: when present the form says `HPP_VERSION=2` and
    /// carries the `HPP_CUSTOMER_*`, `HPP_BILLING_*`, `HPP_SHIPPING_*`,
    /// `HPP_ADDRESS_MATCH_INDICATOR` and `HPP_CHALLENGE_REQUEST_INDICATOR` fields (see
    /// docs/3ds.md). The name and the account information have no HPP field and are not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cardholder: Option<Cardholder>,
}

impl Order {
    /// Checks every field.
    pub fn validate(&self) -> Result<()> {
        check_order_id(&self.order_id)?;
        check_timestamp(&self.timestamp)?;
        if self.amount.minor() == 0 {
            return Err(Error::invalid("AMOUNT", "must be greater than zero"));
        }
        if let Some(cardholder) = &self.cardholder {
            cardholder.validate()?;
        }
        Ok(())
    }
}

/// `ORDER_ID`: 1–50 letters, digits, `-` or `_`, on the form and in the response alike (no
/// `.`, the separator of every hash).
pub(crate) fn check_order_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 50
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "ORDER_ID",
            "must be 1 to 50 letters, digits, - or _",
        ));
    }
    Ok(())
}

pub(crate) fn check_timestamp(ts: &str) -> Result<()> {
    let ok = ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()) && {
        let n = |r: std::ops::Range<usize>| ts[r].parse::<u32>().unwrap_or(99);
        (1..=12).contains(&n(4..6))
            && (1..=31).contains(&n(6..8))
            && n(8..10) < 24
            && n(10..12) < 60
            && n(12..14) < 61
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("TIMESTAMP", "must be YYYYMMDDHHMMSS"))
    }
}

/// Builds the signed HPP form: `SHA1HASH`, or `SHA256HASH` when the configuration's
/// `hash_algorithm` is `sha256`; with the order's cardholder data, `HPP_VERSION=2` and the
/// 3-D Secure 2 fields after the usual ones (docs/3ds.md).
///
/// ```
/// use vpos_core::gateways::elavon::{self, Order};
/// # let config: elavon::Config = serde_json::from_str(r#"{"merchant_id":"thestore","account":"internet",
/// #   "secret":"mysecret","checkout_url":"https://hpp.prueba.santanderelavontpvvirtual.es/pay"}"#)?;
/// let order: Order = serde_json::from_value(serde_json::json!({"order_id": "ORD453-11",
///     "amount": {"minor": 29900, "currency": "EUR"}, "timestamp": "20130814122239"}))?;
/// let form = elavon::checkout(&config, &order)?;
/// let sha1 = &form.fields.iter().find(|(n, _)| n == "SHA1HASH").unwrap().1;
/// assert_eq!(sha1, "cc72c08e529b3bc153481eda9533b815cef29de3");
///
/// let order: Order = serde_json::from_value(serde_json::json!({"order_id": "ORD453-11",
///     "amount": {"minor": 29900, "currency": "EUR"}, "timestamp": "20130814122239",
///     "cardholder": {"billing": {"country": "GB"}, "challenge": "no_preference"}}))?;
/// let form = elavon::checkout(&config, &order)?;
/// assert!(form.fields.contains(&("HPP_BILLING_COUNTRY".into(), "826".into())));
/// assert!(form.fields.contains(&("HPP_CHALLENGE_REQUEST_INDICATOR".into(), "NO_PREFERENCE".into())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn checkout(config: &Config, order: &Order) -> Result<RedirectForm> {
    config.validate()?;
    order.validate()?;
    let amount = order.amount.minor().to_string();
    let currency = order.amount.currency().code();
    let algorithm = config.hash_algorithm;
    let digest = algorithm.hash(
        &[
            &order.timestamp,
            &config.merchant_id,
            &order.order_id,
            &amount,
            currency,
        ],
        config.secret.expose(),
    );
    let mut fields: Vec<(String, String)> = vec![
        ("MERCHANT_ID".into(), config.merchant_id.clone()),
        ("ACCOUNT".into(), config.account.clone()),
        ("ORDER_ID".into(), order.order_id.clone()),
        ("AMOUNT".into(), amount),
        ("CURRENCY".into(), currency.into()),
        ("TIMESTAMP".into(), order.timestamp.clone()),
        (algorithm.field().into(), digest),
        (
            "AUTO_SETTLE_FLAG".into(),
            if config.auto_settle { "1" } else { "0" }.into(),
        ),
    ];
    if let Some(url) = &config.response_url {
        fields.push(("MERCHANT_RESPONSE_URL".into(), url.clone()));
    }
    if let Some(cardholder) = &order.cardholder {
        three_ds_fields(cardholder, &mut fields);
    }
    Ok(RedirectForm {
        action: config.checkout_url.clone(),
        method: Method::Post,
        fields,
    })
}

/// The HPP v2 3-D Secure 2 fields, under the names and in the formats Global Payments' SDKs
/// send (`GpEcomConnector` in the PHP and Java SDKs): phones `<country code>|<number>`,
/// countries ISO 3166-1 numeric, the match flag `TRUE`/`FALSE`. Empty values are left out:
/// the HPP reads a present but empty field as a value.
fn three_ds_fields(cardholder: &Cardholder, fields: &mut Vec<(String, String)>) {
    let mut push = |name: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            fields.push((name.to_string(), value.to_string()));
        }
    };
    push("HPP_VERSION", Some("2"));
    push("HPP_CUSTOMER_EMAIL", present(&cardholder.email));
    let phone = |p: &Option<Phone>| {
        p.as_ref()
            .map(|p| format!("{}|{}", p.country_code, p.subscriber))
    };
    for (name, number) in [
        ("HPP_CUSTOMER_PHONENUMBER_MOBILE", &cardholder.mobile_phone),
        ("HPP_CUSTOMER_PHONENUMBER_HOME", &cardholder.home_phone),
        ("HPP_CUSTOMER_PHONENUMBER_WORK", &cardholder.work_phone),
    ] {
        push(name, phone(number).as_deref());
    }
    for (prefix, address) in [
        ("HPP_BILLING", &cardholder.billing),
        ("HPP_SHIPPING", &cardholder.shipping),
    ] {
        let Some(address) = address else { continue };
        let Address {
            line1,
            line2,
            line3,
            city,
            state,
            postal_code,
            ..
        } = address;
        for (suffix, value) in [
            ("STREET1", present(line1)),
            ("STREET2", present(line2)),
            ("STREET3", present(line3)),
            ("CITY", present(city)),
            ("STATE", present(state)),
            ("POSTALCODE", present(postal_code)),
            ("COUNTRY", address.country_numeric()),
        ] {
            push(&format!("{prefix}_{suffix}"), value);
        }
    }
    push(
        "HPP_ADDRESS_MATCH_INDICATOR",
        cardholder
            .address_match
            .map(|m| if m { "TRUE" } else { "FALSE" }),
    );
    push(
        "HPP_CHALLENGE_REQUEST_INDICATOR",
        cardholder.challenge.map(challenge_indicator),
    );
}

/// `HPP_CHALLENGE_REQUEST_INDICATOR`: Global Payments' names for EMV's `01` to `04`.
fn challenge_indicator(preference: ChallengePreference) -> &'static str {
    match preference {
        ChallengePreference::NoPreference => "NO_PREFERENCE",
        ChallengePreference::NoChallengeRequested => "NO_CHALLENGE_REQUESTED",
        ChallengePreference::ChallengeRequested => "CHALLENGE_PREFERRED",
        ChallengePreference::ChallengeMandated => "CHALLENGE_MANDATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(extra: serde_json::Value) -> Config {
        let mut value = json!({"merchant_id": "thestore", "account": "internet",
            "secret": "mysecret", "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay"});
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(value).unwrap()
    }

    fn order(cardholder: serde_json::Value) -> Order {
        let mut value = json!({"order_id": "ORD453-11",
            "amount": {"minor": 29900, "currency": "EUR"}, "timestamp": "20130814122239"});
        if !cardholder.is_null() {
            value["cardholder"] = cardholder;
        }
        serde_json::from_value(value).unwrap()
    }

    fn get<'a>(form: &'a RedirectForm, name: &str) -> Option<&'a str> {
        form.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn sha1_stays_the_default_and_the_form_without_cardholder_is_unchanged() {
        let form = checkout(&config(json!({})), &order(json!(null))).unwrap();
        let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "MERCHANT_ID",
                "ACCOUNT",
                "ORDER_ID",
                "AMOUNT",
                "CURRENCY",
                "TIMESTAMP",
                "SHA1HASH",
                "AUTO_SETTLE_FLAG"
            ]
        );
        // Realex's own vector (rxp-hpp-java HppRequestTest.hashTest).
        assert_eq!(
            get(&form, "SHA1HASH"),
            Some("cc72c08e529b3bc153481eda9533b815cef29de3")
        );
    }

    #[test]
    fn sha256_sends_sha256hash_instead() {
        let config = config(json!({"hash_algorithm": "sha256"}));
        let form = checkout(&config, &order(json!(null))).unwrap();
        assert_eq!(get(&form, "SHA1HASH"), None);
        // Computed apart from this code, with Python's hashlib:
        //   inner = sha256(b"20130814122239.thestore.ORD453-11.29900.EUR").hexdigest()
        //   sha256((inner + ".mysecret").encode()).hexdigest()
        assert_eq!(
            get(&form, "SHA256HASH"),
            Some("1a52904820880cdde83d912641ab010259e480cb6db38ed818bfc856207d90d0")
        );
        let e = serde_json::from_value::<Config>(json!({"merchant_id": "m", "account": "a",
            "secret": "s", "checkout_url": "https://x.example/pay", "hash_algorithm": "md5"}));
        assert!(e.is_err());
    }

    #[test]
    fn cardholder_data_becomes_the_hpp_v2_3ds2_fields() {
        let cardholder = json!({
            "name": "Ana García",
            "email": "ana@example.com",
            "mobile_phone": {"country_code": "44", "subscriber": "789456123"},
            "work_phone": {"country_code": "34", "subscriber": "910000000"},
            "billing": {"line1": "Flat 123", "line2": "House 456", "line3": "Unit 4",
                        "city": "Halifax", "postal_code": "W5 9HR", "country": "GB"},
            "shipping": {"line1": "Apartment 852", "line2": "", "city": "Chicago",
                         "state": "IL", "postal_code": "50001", "country": "US"},
            "address_match": false,
            "account": {"age": "more_than_60_days"},
            "challenge": "challenge_requested"
        });
        let form = checkout(&config(json!({})), &order(cardholder)).unwrap();
        let tail: Vec<(&str, &str)> = form.fields[8..]
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            tail,
            [
                ("HPP_VERSION", "2"),
                ("HPP_CUSTOMER_EMAIL", "ana@example.com"),
                ("HPP_CUSTOMER_PHONENUMBER_MOBILE", "44|789456123"),
                ("HPP_CUSTOMER_PHONENUMBER_WORK", "34|910000000"),
                ("HPP_BILLING_STREET1", "Flat 123"),
                ("HPP_BILLING_STREET2", "House 456"),
                ("HPP_BILLING_STREET3", "Unit 4"),
                ("HPP_BILLING_CITY", "Halifax"),
                ("HPP_BILLING_POSTALCODE", "W5 9HR"),
                ("HPP_BILLING_COUNTRY", "826"),
                ("HPP_SHIPPING_STREET1", "Apartment 852"),
                ("HPP_SHIPPING_CITY", "Chicago"),
                ("HPP_SHIPPING_STATE", "IL"),
                ("HPP_SHIPPING_POSTALCODE", "50001"),
                ("HPP_SHIPPING_COUNTRY", "840"),
                ("HPP_ADDRESS_MATCH_INDICATOR", "FALSE"),
                ("HPP_CHALLENGE_REQUEST_INDICATOR", "CHALLENGE_PREFERRED"),
            ]
        );
        // The hash covers the same five fields with or without 3DS2 data.
        assert_eq!(
            get(&form, "SHA1HASH"),
            Some("cc72c08e529b3bc153481eda9533b815cef29de3")
        );
        for (preference, name) in [
            ("no_preference", "NO_PREFERENCE"),
            ("no_challenge_requested", "NO_CHALLENGE_REQUESTED"),
            ("challenge_mandated", "CHALLENGE_MANDATED"),
        ] {
            let form = checkout(
                &config(json!({})),
                &order(json!({"challenge": preference, "address_match": true})),
            )
            .unwrap();
            assert_eq!(get(&form, "HPP_CHALLENGE_REQUEST_INDICATOR"), Some(name));
            assert_eq!(get(&form, "HPP_ADDRESS_MATCH_INDICATOR"), Some("TRUE"));
        }
        let form = checkout(&config(json!({})), &order(json!({}))).unwrap();
        assert_eq!(&form.fields[8..], [("HPP_VERSION".into(), "2".into())]);
    }

    #[test]
    fn bad_cardholder_data_is_refused_before_any_form() {
        for (cardholder, field) in [
            (
                json!({"billing": {"country": "UK"}}),
                "cardholder.billing.country",
            ),
            (
                json!({"mobile_phone": {"country_code": "44", "subscriber": "44|1"}}),
                "cardholder.mobile_phone.subscriber",
            ),
            (
                json!({"shipping": {"line1": "x".repeat(51)}}),
                "cardholder.shipping.line1",
            ),
        ] {
            let e = checkout(&config(json!({})), &order(cardholder)).unwrap_err();
            assert_eq!(e.field(), Some(field));
        }
    }
}

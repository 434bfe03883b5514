//! The escape hatch: `Ds_Merchant_*` parameters vpos does not model yet, signed like the rest.
//!
//! Redsys adds parameters faster than a library can release (Paygold's `P2F_*`, `GROUP`,
//! `TAX_REFERENCE` …). Without a way to send one, a shop needing it must wait for a release or
//! fork. The hatch is narrow on purpose: only names of the `DS_MERCHANT_` family, never one vpos
//! writes itself (so it cannot change the amount, the order, the URLs or 3-D Secure data behind
//! the typed fields' checks), text values only, each checked for length and control characters.
//! The host should log the names it sends ([`ExtraParameters::names`]): an unmodelled parameter
//! is a thing to review when vpos learns it.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::error::{Error, Result};
use crate::fields::required;

/// Every `DS_MERCHANT_*` name vpos writes or reads as a typed field (checkout, stored
/// credentials, 3-D Secure, REST operations); the hatch refuses them.
pub(crate) const MODELLED: &[&str] = &[
    "DS_MERCHANT_AMOUNT",
    "DS_MERCHANT_ORDER",
    "DS_MERCHANT_MERCHANTCODE",
    "DS_MERCHANT_CURRENCY",
    "DS_MERCHANT_TRANSACTIONTYPE",
    "DS_MERCHANT_TERMINAL",
    "DS_MERCHANT_MERCHANTURL",
    "DS_MERCHANT_URLOK",
    "DS_MERCHANT_URLKO",
    "DS_MERCHANT_MERCHANTNAME",
    "DS_MERCHANT_PRODUCTDESCRIPTION",
    "DS_MERCHANT_TITULAR",
    "DS_MERCHANT_MERCHANTDATA",
    "DS_MERCHANT_CONSUMERLANGUAGE",
    "DS_MERCHANT_PAYMETHODS",
    "DS_MERCHANT_BIZUM_MOBILENUMBER",
    "DS_MERCHANT_IDENTIFIER",
    "DS_MERCHANT_COF_INI",
    "DS_MERCHANT_COF_TYPE",
    "DS_MERCHANT_COF_TXNID",
    "DS_MERCHANT_EXCEP_SCA",
    "DS_MERCHANT_DIRECTPAYMENT",
    "DS_MERCHANT_EMV3DS",
    // Signature material: never a parameter of its own.
    "DS_MERCHANT_MERCHANTSIGNATURE",
    "DS_MERCHANT_SIGNATUREVERSION",
];

/// The longest value the hatch takes: `DS_MERCHANT_MERCHANTDATA`'s 1024, the largest text
/// parameter vpos models.
pub const MAX_VALUE_CHARS: usize = 1024;

/// At most this many: a checkout is a form, not a bulk channel.
pub const MAX_PARAMETERS: usize = 20;

/// Unmodelled `Ds_Merchant_*` parameters for a Redsys checkout, as a JSON object
/// `{"DS_MERCHANT_GROUP": "…"}`, written after every modelled parameter in name order (a host's
/// dictionary order does not survive every binding, and the signature must not depend on it)
/// and covered by the signature.
///
/// Names are upper-cased (Redsys reads `Ds_Merchant_Group` and `DS_MERCHANT_GROUP` alike, so a
/// camel-case spelling of a modelled name is refused too); a name appearing twice is refused.
///
/// ```
/// use vpos_core::gateways::redsys::ExtraParameters;
/// let extra: ExtraParameters =
///     serde_json::from_value(serde_json::json!({"Ds_Merchant_Group": "shop-1"})).unwrap();
/// extra.validate()?;
/// assert_eq!(extra.names(), ["DS_MERCHANT_GROUP"]);
///
/// let amount: ExtraParameters =
///     serde_json::from_value(serde_json::json!({"ds_merchant_amount": "1"})).unwrap();
/// let e = amount.validate().unwrap_err();
/// assert_eq!((e.code().as_str(), e.field()), ("field_invalid", Some("extra_parameters.DS_MERCHANT_AMOUNT")));
/// # Ok::<(), vpos_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraParameters(Vec<(String, String)>);

impl ExtraParameters {
    /// The parameters' names, upper-cased, in name order: what a host logs.
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, names upper-cased, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Checks every name and value; the error's field is `extra_parameters.<NAME>`.
    pub fn validate(&self) -> Result<()> {
        if self.0.len() > MAX_PARAMETERS {
            return Err(Error::invalid(
                "extra_parameters",
                format_args!(
                    "holds {} parameters, at most {MAX_PARAMETERS}",
                    self.0.len()
                ),
            ));
        }
        for (i, (name, value)) in self.0.iter().enumerate() {
            check_name(name)?;
            let field = format!("extra_parameters.{name}");
            if self.0[..i].iter().any(|(earlier, _)| earlier == name) {
                return Err(Error::invalid(field, "is given twice"));
            }
            required(&field, value, MAX_VALUE_CHARS)?;
        }
        Ok(())
    }
}

fn check_name(name: &str) -> Result<()> {
    const PREFIX: &str = "DS_MERCHANT_";
    let rest = name.strip_prefix(PREFIX).unwrap_or_default();
    let shaped = !rest.is_empty()
        && rest.len() <= 40
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !shaped {
        // The name may be anything: keep it out of the field path and the message.
        return Err(Error::invalid(
            "extra_parameters",
            "names must be DS_MERCHANT_ followed by 1 to 40 letters, digits or _",
        ));
    }
    if MODELLED.contains(&name) {
        return Err(Error::invalid(
            format!("extra_parameters.{name}"),
            "is modelled by vpos: set the order's own field instead",
        ));
    }
    Ok(())
}

impl Serialize for ExtraParameters {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ExtraParameters {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = ExtraParameters;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of DS_MERCHANT_* names to text values")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut access: A,
            ) -> std::result::Result<ExtraParameters, A::Error> {
                let mut pairs: Vec<(String, String)> = Vec::new();
                while let Some((name, value)) = access.next_entry::<String, String>()? {
                    // Upper-cased here so that `validate` sees `Ds_Merchant_Amount` and
                    // `DS_MERCHANT_AMOUNT` as the same (modelled) name, and a duplicate as one.
                    pairs.push((name.to_ascii_uppercase(), value));
                    if pairs.len() > MAX_PARAMETERS * 4 {
                        return Err(serde::de::Error::custom("too many extra parameters"));
                    }
                }
                // Stable: a name given twice keeps both, side by side, for `validate`.
                pairs.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(ExtraParameters(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    fn extra(v: serde_json::Value) -> ExtraParameters {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn unmodelled_names_pass_upper_cased_in_name_order() {
        let text = r#"{"Ds_Merchant_P2f_ExpiryDate": "20261231", "DS_MERCHANT_GROUP": "g"}"#;
        let e: ExtraParameters = serde_json::from_str(text).unwrap();
        e.validate().unwrap();
        assert_eq!(
            e.names(),
            ["DS_MERCHANT_GROUP", "DS_MERCHANT_P2F_EXPIRYDATE"]
        );
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"DS_MERCHANT_GROUP":"g","DS_MERCHANT_P2F_EXPIRYDATE":"20261231"}"#
        );
    }

    #[test]
    fn every_modelled_name_is_refused_in_any_case() {
        for name in MODELLED {
            for spelling in [name.to_string(), name.to_ascii_lowercase()] {
                let e = extra(json!({ spelling: "1" })).validate().unwrap_err();
                assert_eq!(e.code(), ErrorCode::FieldInvalid);
                assert_eq!(e.field(), Some(format!("extra_parameters.{name}").as_str()));
            }
        }
    }

    #[test]
    fn bad_names_and_values_are_refused_without_echoing_the_name() {
        let e = extra(json!({"DS_MERCHANT_": "v"})).validate().unwrap_err();
        assert_eq!(e.field(), Some("extra_parameters"));
        for name in [
            "Ds_Signature",
            "DS_MERCHANTX",
            "DS_MERCHANT_A-B",
            "DS_MERCHANT_\u{0}",
            "<script>",
        ] {
            let e = extra(json!({ name: "v" })).validate().unwrap_err();
            assert_eq!(e.field(), Some("extra_parameters"), "{name:?}");
            assert!(!e.message().contains(name), "{name:?}");
        }
        let long = format!("DS_MERCHANT_{}", "A".repeat(41));
        assert!(extra(json!({ long: "v" })).validate().is_err());
        for (value, code) in [
            ("", ErrorCode::FieldMissing),
            ("a\u{1}b", ErrorCode::FieldInvalid),
            (&*"x".repeat(MAX_VALUE_CHARS + 1), ErrorCode::FieldTooLong),
        ] {
            let e = extra(json!({"DS_MERCHANT_GROUP": value}))
                .validate()
                .unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (code, Some("extra_parameters.DS_MERCHANT_GROUP"))
            );
        }
        let too_many: serde_json::Map<String, serde_json::Value> = (0..=MAX_PARAMETERS)
            .map(|i| (format!("DS_MERCHANT_X{i}"), json!("v")))
            .collect();
        let e = extra(serde_json::Value::Object(too_many))
            .validate()
            .unwrap_err();
        assert_eq!(e.field(), Some("extra_parameters"));
    }

    #[test]
    fn a_name_twice_is_refused_whatever_its_case() {
        let e: ExtraParameters =
            serde_json::from_str(r#"{"DS_MERCHANT_GROUP": "a", "Ds_Merchant_Group": "b"}"#)
                .unwrap();
        let err = e.validate().unwrap_err();
        assert_eq!(err.field(), Some("extra_parameters.DS_MERCHANT_GROUP"));
        assert!(err.message().contains("twice"));
    }

    #[test]
    fn non_text_values_are_refused_by_the_reader() {
        for v in [
            json!({"DS_MERCHANT_GROUP": 1}),
            json!(["DS_MERCHANT_GROUP", "a"]),
        ] {
            assert!(serde_json::from_value::<ExtraParameters>(v).is_err());
        }
    }
}

//! Stored credentials (COF / MIT) and SCA exemptions: the `DS_MERCHANT_COF_*`,
//! `DS_MERCHANT_EXCEP_SCA` and `DS_MERCHANT_DIRECTPAYMENT` parameters, shared by the redirect
//! form and the REST payment by reference.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::fields::optional;

/// `DS_MERCHANT_COF_TYPE`: why a stored card is used.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysCofType"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CofType {
    /// `I`: an instalment of a purchase.
    Installment,
    /// `R`: a recurring payment.
    Recurring,
    /// `H`: a reauthorisation.
    Reauthorization,
    /// `E`: a resubmission after a decline.
    Resubmission,
    /// `D`: a delayed charge.
    Delayed,
    /// `M`: an incremental authorisation.
    Incremental,
    /// `N`: a no-show charge.
    NoShow,
    /// `C`: an unscheduled merchant-initiated charge.
    Unscheduled,
}

impl CofType {
    fn code(self) -> &'static str {
        match self {
            CofType::Installment => "I",
            CofType::Recurring => "R",
            CofType::Reauthorization => "H",
            CofType::Resubmission => "E",
            CofType::Delayed => "D",
            CofType::Incremental => "M",
            CofType::NoShow => "N",
            CofType::Unscheduled => "C",
        }
    }
}

/// `DS_MERCHANT_EXCEP_SCA`: the strong-customer-authentication exemption claimed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysScaExemption"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaExemption {
    /// `LWV`: low value.
    Lwv,
    /// `TRA`: transaction risk analysis.
    Tra,
    /// `MIT`: merchant-initiated transaction.
    Mit,
    /// `COR`: secure corporate payment.
    Cor,
    /// `ATD`: authentication delegated.
    Atd,
    /// `Y`: ask Redsys which exemptions apply.
    Ask,
}

impl ScaExemption {
    fn code(self) -> &'static str {
        match self {
            ScaExemption::Lwv => "LWV",
            ScaExemption::Tra => "TRA",
            ScaExemption::Mit => "MIT",
            ScaExemption::Cor => "COR",
            ScaExemption::Atd => "ATD",
            ScaExemption::Ask => "Y",
        }
    }
}

/// The stored-credential and SCA parameters of one request.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredCredential {
    /// `DS_MERCHANT_IDENTIFIER`: `REQUIRED` to ask for a card reference at checkout, or the
    /// reference Redsys returned (`Ds_Merchant_Identifier`) to charge it later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// `DS_MERCHANT_COF_INI`: `true` (`S`) for the first payment that stores the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cof_ini: Option<bool>,
    /// `DS_MERCHANT_COF_TYPE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cof_type: Option<CofType>,
    /// `DS_MERCHANT_COF_TXNID`: the transaction id of the first payment
    /// (`Ds_Merchant_Cof_Txnid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cof_txnid: Option<String>,
    /// `DS_MERCHANT_EXCEP_SCA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excep_sca: Option<ScaExemption>,
    /// `DS_MERCHANT_DIRECTPAYMENT`: `true` charges without the customer (sent as a JSON boolean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_payment: Option<bool>,
}

impl StoredCredential {
    /// Checks the free-text fields.
    pub fn validate(&self) -> Result<()> {
        optional("DS_MERCHANT_IDENTIFIER", self.identifier.as_deref(), 40)?;
        optional("DS_MERCHANT_COF_TXNID", self.cof_txnid.as_deref(), 64)?;
        Ok(())
    }

    /// The parameters as `(key, JSON value text)`, in a fixed order.
    pub(crate) fn parameters(&self) -> Vec<(&'static str, String)> {
        let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut out = Vec::new();
        if let Some(v) = self.identifier.as_deref().filter(|v| !v.is_empty()) {
            out.push(("DS_MERCHANT_IDENTIFIER", text(v)));
        }
        if let Some(v) = self.cof_ini {
            out.push(("DS_MERCHANT_COF_INI", text(if v { "S" } else { "N" })));
        }
        if let Some(v) = self.cof_type {
            out.push(("DS_MERCHANT_COF_TYPE", text(v.code())));
        }
        if let Some(v) = self.cof_txnid.as_deref().filter(|v| !v.is_empty()) {
            out.push(("DS_MERCHANT_COF_TXNID", text(v)));
        }
        if let Some(v) = self.excep_sca {
            out.push(("DS_MERCHANT_EXCEP_SCA", text(v.code())));
        }
        if let Some(v) = self.direct_payment {
            out.push(("DS_MERCHANT_DIRECTPAYMENT", v.to_string()));
        }
        out
    }
}

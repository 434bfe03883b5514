//! Redsys's side: the HTTP POST notification (`Ds_SignatureVersion`, `Ds_MerchantParameters`,
//! `Ds_Signature`), signed with the merchant key and the configured signature version.

use super::{DATE, Notification, Payment, Status};
use crate::error::Result;
use crate::form::encode_urlencoded;
use crate::gateways::redsys::{Config, sign};

pub(super) fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    // (Ds_TransactionType, Ds_Response): Redsys answers a sale or an authorisation 0000, a
    // refund 0900; 0190 is its "denied, no reason given".
    let (kind, response) = match payment.status {
        Status::Paid => ("0", "0000"),
        Status::Authorized => ("1", "0000"),
        Status::Failed => ("0", "0190"),
        Status::Refunded => ("3", "0900"),
    };
    let authorisation = match payment.status {
        Status::Failed => String::new(),
        _ => {
            let digits: String = payment
                .transaction_id()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            format!("{digits:0>6}")[..6].to_string()
        }
    };
    let amount = payment.amount.minor().to_string();
    let currency = payment.amount.currency().numeric().to_string();
    let terminal = format!("{:0>3}", config.terminal);
    // Redsys percent-encodes the date and hour inside the JSON, and the parser expects that.
    let date = DATE.0.replace('/', "%2F");
    let hour = DATE.1.replace(':', "%3A");
    let pairs = [
        ("Ds_Date", date.as_str()),
        ("Ds_Hour", &hour),
        ("Ds_Amount", &amount),
        ("Ds_Currency", &currency),
        ("Ds_Order", &payment.order_id),
        ("Ds_MerchantCode", &config.merchant_code),
        ("Ds_Terminal", &terminal),
        ("Ds_Response", response),
        ("Ds_MerchantData", ""),
        ("Ds_SecurePayment", "1"),
        ("Ds_TransactionType", kind),
        ("Ds_AuthorisationCode", &authorisation),
    ];
    let json = format!(
        "{{{}}}",
        pairs
            .iter()
            .map(|(k, v)| format!(
                "{}:{}",
                serde_json::Value::from(*k),
                serde_json::Value::from(*v)
            ))
            .collect::<Vec<_>>()
            .join(",")
    );
    let version = config.signature_version;
    let parameters = version.encode_parameters(json.as_bytes());
    let signature = sign(config, &payment.order_id, parameters.as_bytes())?;
    let body = encode_urlencoded([
        ("Ds_SignatureVersion", version.as_str()),
        ("Ds_MerchantParameters", &parameters),
        ("Ds_Signature", &signature),
    ]);
    Ok(Notification {
        content_type: "application/x-www-form-urlencoded".into(),
        body,
        token: None,
        proof: None,
    })
}

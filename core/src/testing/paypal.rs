//! PayPal's side: the IPN, proven by the post-back to `ipn_url`.

use super::{Notification, Payment, Status, postback};
use crate::error::Result;
use crate::form::encode_urlencoded;
use crate::gateways::paypal::{Config, format_amount};

pub(super) fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    let status = match payment.status {
        Status::Paid => "Completed",
        Status::Failed => "Denied",
        Status::Refunded => "Refunded",
        // An IPN's `Pending` is not an authorisation vpos can capture.
        Status::Authorized => return Err(payment.unsupported("PayPal's IPN")),
    };
    let txn_id = payment.transaction_id();
    let mut gross = format_amount(payment.amount)?;
    let mut fields: Vec<(&str, String)> = Vec::new();
    if payment.status == Status::Refunded {
        // A refund is its own transaction quoting the sale's, with a negative gross.
        gross = format!("-{gross}");
        fields.push(("parent_txn_id", txn_id.clone()));
        fields.push(("txn_id", format!("R{}", &txn_id[1..])));
        fields.push(("reason_code", "refund".into()));
    } else {
        fields.push(("txn_id", txn_id));
        fields.push(("txn_type", "web_accept".into()));
    }
    fields.extend([
        ("payment_status", status.to_string()),
        ("mc_gross", gross),
        ("mc_currency", payment.amount.currency().code().to_string()),
        ("invoice", payment.order_id.clone()),
        ("business", config.business.clone()),
        ("receiver_email", config.business.clone()),
        ("payer_email", "buyer@example.com".to_string()),
        ("test_ipn", "1".to_string()),
        ("charset", "UTF-8".to_string()),
    ]);
    Ok(Notification {
        content_type: "application/x-www-form-urlencoded".into(),
        body: encode_urlencoded(fields.iter().map(|(k, v)| (*k, v.as_str()))),
        token: None,
        proof: postback(config.ipn_url.clone()),
    })
}

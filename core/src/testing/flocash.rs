//! FloCash's side: a form POST to the URL ending in the token, proven by the post-back.

use super::{Notification, Payment, Status, postback};
use crate::error::Result;
use crate::form::encode_urlencoded;
use crate::gateways::flocash::{Config, status_label};

pub(super) fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    let status = match payment.status {
        Status::Paid => "0000",
        Status::Failed => "0003",
        Status::Authorized | Status::Refunded => return Err(payment.unsupported("FloCash")),
    };
    let amount = payment.amount.to_decimal_string();
    let trans_id = payment.transaction_id();
    let fpn_id = format!("F{}", &trans_id[1..]);
    let body = encode_urlencoded([
        ("merchant", config.merchant.as_str()),
        ("order_id", &payment.order_id),
        ("amount", &amount),
        ("currency_code", payment.amount.currency().code()),
        ("trans_id", &trans_id),
        ("fpn_id", &fpn_id),
        ("status", status),
        ("status_msg", status_label(status).unwrap_or_default()),
    ]);
    Ok(Notification {
        content_type: "application/x-www-form-urlencoded".into(),
        body,
        token: Some(config.notification_token.expose().to_string()),
        proof: postback(config.postback_url()?),
    })
}

//! Santander Elavon's side: the HPP response POST with its `SHA1HASH`.

use super::{DATE, Notification, Payment, Status};
use crate::error::{Error, ErrorCode, Result};
use crate::form::encode_urlencoded;
use crate::gateways::elavon::{Config, hash};

pub(super) fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    // RESULT 00 is a sale when the account auto-settles and an authorisation otherwise, so
    // the status asked must be the one the account's setting gives.
    let (result, message) = match (payment.status, config.auto_settle) {
        (Status::Paid, true) | (Status::Authorized, false) => ("00", "[ test system ] Authorised"),
        (Status::Failed, _) => ("101", "Declined by bank"),
        (Status::Paid, false) | (Status::Authorized, true) => {
            return Err(Error::new(
                ErrorCode::Unsupported,
                format!(
                    "Elavon's RESULT 00 reports {} with auto_settle {}: ask for that status",
                    if config.auto_settle {
                        "paid"
                    } else {
                        "authorized"
                    },
                    config.auto_settle
                ),
            )
            .with_field("status"));
        }
        (Status::Refunded, _) => return Err(payment.unsupported("Elavon's HPP")),
    };
    let pasref = payment.transaction_id();
    let authcode = if result == "00" { "12345" } else { "" };
    let timestamp = DATE.2;
    let sha1hash = hash(
        &[
            timestamp,
            &config.merchant_id,
            &payment.order_id,
            result,
            message,
            &pasref,
            authcode,
        ],
        config.secret.expose(),
    );
    let amount = payment.amount.minor().to_string();
    let body = encode_urlencoded([
        ("TIMESTAMP", timestamp),
        ("MERCHANT_ID", &config.merchant_id),
        ("ACCOUNT", &config.account),
        ("ORDER_ID", &payment.order_id),
        ("AMOUNT", &amount),
        ("CURRENCY", payment.amount.currency().code()),
        ("RESULT", result),
        ("MESSAGE", message),
        ("PASREF", &pasref),
        ("AUTHCODE", authcode),
        ("SHA1HASH", &sha1hash),
    ]);
    Ok(Notification {
        content_type: "application/x-www-form-urlencoded".into(),
        body,
        token: None,
        proof: None,
    })
}

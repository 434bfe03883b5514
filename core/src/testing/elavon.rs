//! Santander Elavon's side: the HPP response POST with its `SHA1HASH`, or `SHA256HASH` when the
//! configuration's `hash_algorithm` is `sha256` (the driver refuses a response carrying only the
//! other one).

use super::{DATE, Notification, Payment, Status};
use crate::error::{Error, ErrorCode, Result};
use crate::form::encode_urlencoded;
use crate::gateways::elavon::Config;

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
    let algorithm = config.hash_algorithm;
    let digest = algorithm.hash(
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
        (algorithm.field(), &digest),
    ]);
    Ok(Notification {
        content_type: "application/x-www-form-urlencoded".into(),
        body,
        token: None,
        proof: None,
    })
}

#[cfg(test)]
mod tests {
    use crate::driver::{self, Config, Proof};
    use crate::money::{Amount, Currency};
    use crate::testing::{Payment, Status, notification};
    use crate::{ErrorCode, Reported};

    fn config(algorithm: &str) -> Config {
        Config::from_json(&serde_json::json!({"gateway": "elavon",
            "merchant_id": "thestore", "account": "internet", "secret": "mysecret",
            "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
            "auto_settle": true, "hash_algorithm": algorithm}))
        .unwrap()
    }

    fn verifies(config: &Config, body: &str) -> crate::Result<Reported> {
        let sent = crate::testing::Notification {
            content_type: "application/x-www-form-urlencoded".into(),
            body: body.into(),
            token: None,
            proof: None,
        };
        let unverified = driver::parse_notification(config, &sent.request())?;
        let Proof::Verified(verified) = driver::prove(config, unverified)? else {
            panic!("Elavon proves locally")
        };
        Ok(verified.event().status().clone())
    }

    #[test]
    fn the_response_is_signed_with_the_configured_algorithm() {
        let amount = Amount::from_minor(29900, Currency::from_code("EUR").unwrap()).unwrap();
        let payment = Payment::new("ORD-1", amount, Status::Paid);
        for (algorithm, field, other) in [
            ("sha1", "SHA1HASH=", "SHA256HASH="),
            ("sha256", "SHA256HASH=", "SHA1HASH="),
        ] {
            let config = config(algorithm);
            let sent = notification(&config, &payment).unwrap();
            assert!(
                sent.body.contains(field) && !sent.body.contains(other),
                "{}",
                sent.body
            );
            assert_eq!(verifies(&config, &sent.body).unwrap(), Reported::Succeeded);
        }
        // Each configuration refuses the other's response: the field it wants is absent.
        let sha1 = notification(&config("sha1"), &payment).unwrap();
        let e = verifies(&config("sha256"), &sha1.body).unwrap_err();
        assert_eq!(e.code(), ErrorCode::SignatureMismatch);
    }
}

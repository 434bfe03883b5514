//! CECA's side: the on-line notification of a paid operation, with its `Firma`.

use super::{Notification, Payment, Status};
use crate::error::{Error, Result};
use crate::form::encode_urlencoded;
use crate::gateways::ceca::{Config, sign_notification};

pub(super) fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    // CECA notifies completed payments only.
    if payment.status != Status::Paid {
        return Err(payment.unsupported("CECA"));
    }
    let reference = match &payment.transaction_id {
        Some(id) if !id.is_empty() && id.len() <= 30 && id.bytes().all(|b| b.is_ascii_digit()) => {
            id.clone()
        }
        Some(_) => {
            return Err(Error::invalid(
                "transaction_id",
                "a CECA Referencia is 1 to 30 digits",
            ));
        }
        // Twenty digits as CECA issues them, derived from the order id.
        None => {
            let digits: String = payment
                .order_id
                .bytes()
                .map(|b| char::from(b'0' + b % 10))
                .collect();
            format!("1200{digits:0<16}")[..20].to_string()
        }
    };
    let amount = payment.amount;
    let firma = sign_notification(config, &payment.order_id, amount, &reference);
    let importe = amount.minor().to_string();
    let moneda = format!("{:03}", amount.currency().numeric());
    let exponente = amount.currency().exponent().to_string();
    let body = encode_urlencoded([
        ("MerchantID", config.merchant_id.as_str()),
        ("AcquirerBIN", &config.acquirer_bin),
        ("TerminalID", &config.terminal_id),
        ("Num_operacion", &payment.order_id),
        ("Importe", &importe),
        ("TipoMoneda", &moneda),
        ("Exponente", &exponente),
        ("Referencia", &reference),
        ("Firma", &firma),
        ("Num_aut", "101000"),
        ("Pais", "724"),
    ]);
    Ok(Notification {
        content_type: "application/x-www-form-urlencoded".into(),
        body,
        token: None,
        proof: None,
    })
}

//! Bitpay's side: the invoice JSON it posts, proven by fetching the invoice, whose answer
//! decides the status.

use super::{Notification, Payment, Proof, Status};
use crate::error::Result;
use crate::gateways::bitpay::Config;
use crate::http::Method;

fn invoice(config: &Config, id: &str, status: &str, payment: &Payment) -> String {
    serde_json::json!({
        "id": id,
        "url": format!("{}?id={id}", config.invoice_url),
        "status": status,
        "price": payment.amount.to_decimal_string(),
        "currency": payment.amount.currency().code(),
        "orderId": payment.order_id,
    })
    .to_string()
}

pub(super) fn notification(config: &Config, payment: &Payment) -> Result<Notification> {
    let status = match payment.status {
        Status::Paid => "confirmed",
        Status::Failed => "invalid",
        Status::Authorized | Status::Refunded => return Err(payment.unsupported("Bitpay")),
    };
    // The fetch keeps only these characters of the id (`invoice_status_request`).
    let id: String = payment
        .transaction_id()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let body = invoice(config, &id, status, payment);
    let wrap = |invoice: String| format!("{{\"data\":{invoice}}}");
    Ok(Notification {
        content_type: "application/json".into(),
        body: body.clone(),
        token: None,
        proof: Some(Proof {
            method: Method::Get,
            url: format!("{}/{id}", config.api_url.trim_end_matches('/')),
            verified: wrap(body),
            invalid: wrap(invoice(config, &format!("{id}-other"), status, payment)),
        }),
    })
}

//! The JSON of orders, authorisations, captures and refunds, as Orders v2 and Payments v2
//! write them (the fields vpos-core reads, and the usual others): one place, so a reply, a
//! `GET` and a webhook resource of the same record cannot differ.

use serde_json::{Value, json};

use super::{Authorization, Capture, Order, Refund, approve, money};
use crate::app::App;

/// The payee every order names: `paypal.business` as e-mail, `paypal_rest.merchant_id`.
fn payee(app: &App) -> Value {
    json!({
        "email_address": app.config.paypal.business,
        "merchant_id": app.config.paypal_rest.merchant_id,
    })
}

fn link(href: String, rel: &str, method: &str) -> Value {
    json!({"href": href, "rel": rel, "method": method})
}

/// `custom_id` and `invoice_id` of the order, where it has them, into `v`.
fn order_ids(order: &Order, v: &mut Value) {
    if let Some(c) = &order.custom_id {
        v["custom_id"] = json!(c);
    }
    if let Some(i) = &order.invoice_id {
        v["invoice_id"] = json!(i);
    }
}

pub(crate) fn order_link(app: &App, order: &Order) -> String {
    format!("{}/v2/checkout/orders/{}", app.base_url, order.id)
}

/// The order's links: `self`, and `approve` while the buyer has to approve it, `capture` or
/// `authorize` once approved.
fn order_links(app: &App, order: &Order) -> Vec<Value> {
    let this = order_link(app, order);
    let mut links = vec![link(this.clone(), "self", "GET")];
    match order.status {
        "CREATED" => {
            links.push(link(
                format!(
                    "{}{}?token={}",
                    app.base_url,
                    approve::APPROVE_PATH,
                    order.id
                ),
                "approve",
                "GET",
            ));
            links.push(link(this.clone(), "update", "PATCH"));
        }
        "APPROVED" => {
            let verb = if order.intent == "CAPTURE" {
                "capture"
            } else {
                "authorize"
            };
            links.push(link(format!("{this}/{verb}"), verb, "POST"));
        }
        _ => {}
    }
    links
}

/// The minimal answer (`Prefer: return=minimal`, PayPal's default): id, status, links.
pub(crate) fn order_minimal(app: &App, order: &Order) -> Value {
    json!({"id": order.id, "status": order.status, "links": order_links(app, order)})
}

/// The whole order.
pub(crate) fn order_full(app: &App, order: &Order) -> Value {
    let mut unit = json!({
        "reference_id": order.reference_id,
        "amount": money(order.amount),
        "payee": payee(app),
    });
    order_ids(order, &mut unit);
    if let Some(d) = &order.description {
        unit["description"] = json!(d);
    }
    let mut payments = serde_json::Map::new();
    if !order.authorizations.is_empty() {
        payments.insert(
            "authorizations".into(),
            order
                .authorizations
                .iter()
                .map(|a| authorization(app, order, a))
                .collect(),
        );
    }
    if !order.captures.is_empty() {
        payments.insert(
            "captures".into(),
            order
                .captures
                .iter()
                .map(|c| capture(app, order, c))
                .collect(),
        );
    }
    if !order.refunds.is_empty() {
        payments.insert(
            "refunds".into(),
            order
                .refunds
                .iter()
                .map(|r| refund(app, order, r))
                .collect(),
        );
    }
    if !payments.is_empty() {
        unit["payments"] = Value::Object(payments);
    }
    let mut v = json!({
        "id": order.id,
        "intent": order.intent,
        "status": order.status,
        "purchase_units": [unit],
        "create_time": order.created,
        "update_time": order.updated,
        "links": order_links(app, order),
    });
    if let Some(payer_id) = &order.payer_id {
        let email = format!("buyer-{}@sandbox.example", payer_id.to_ascii_lowercase());
        v["payer"] = json!({
            "name": {"given_name": "Sandbox", "surname": "Buyer"},
            "email_address": email,
            "payer_id": payer_id,
        });
        v["payment_source"] = json!({"paypal": {
            "email_address": email,
            "account_id": payer_id,
            "account_status": "VERIFIED",
            "name": {"given_name": "Sandbox", "surname": "Buyer"},
        }});
    }
    v
}

pub(crate) fn authorization(app: &App, order: &Order, a: &Authorization) -> Value {
    let this = format!("{}/v2/payments/authorizations/{}", app.base_url, a.id);
    let mut v = json!({
        "id": a.id,
        "status": a.status,
        "amount": money(a.amount),
        "seller_protection": {"status": "ELIGIBLE"},
        "expiration_time": a.expires,
        "create_time": a.created,
        "update_time": a.updated,
        "payee": payee(app),
        "supplementary_data": {"related_ids": {"order_id": order.id}},
        "links": [
            link(this.clone(), "self", "GET"),
            link(format!("{this}/capture"), "capture", "POST"),
            link(format!("{this}/void"), "void", "POST"),
            link(order_link(app, order), "up", "GET"),
        ],
    });
    order_ids(order, &mut v);
    v
}

pub(crate) fn capture(app: &App, order: &Order, c: &Capture) -> Value {
    let this = format!("{}/v2/payments/captures/{}", app.base_url, c.id);
    let up = match &c.authorization {
        Some(a) => format!("{}/v2/payments/authorizations/{a}", app.base_url),
        None => order_link(app, order),
    };
    let mut v = json!({
        "id": c.id,
        "status": c.status,
        "amount": money(c.amount),
        "final_capture": c.final_capture,
        "seller_protection": {"status": "ELIGIBLE"},
        "create_time": c.created,
        "update_time": c.updated,
        "payee": payee(app),
        "supplementary_data": {"related_ids": {"order_id": order.id}},
        "links": [
            link(this.clone(), "self", "GET"),
            link(format!("{this}/refund"), "refund", "POST"),
            link(up, "up", "GET"),
        ],
    });
    if c.status == "PENDING" {
        v["status_details"] = json!({"reason": "PENDING_REVIEW"});
    }
    if let Some(a) = &c.authorization {
        v["supplementary_data"]["related_ids"]["authorization_id"] = json!(a);
    }
    order_ids(order, &mut v);
    v
}

pub(crate) fn refund(app: &App, order: &Order, r: &Refund) -> Value {
    let mut v = json!({
        "id": r.id,
        "status": "COMPLETED",
        "amount": money(r.amount),
        "create_time": r.created,
        "update_time": r.created,
        "payer": payee(app),
        "links": [
            link(format!("{}/v2/payments/refunds/{}", app.base_url, r.id), "self", "GET"),
            link(format!("{}/v2/payments/captures/{}", app.base_url, r.capture), "up", "GET"),
        ],
    });
    order_ids(order, &mut v);
    v
}

//! The buyer's approve page, at PayPal's own path (`/checkoutnow?token=<order id>`): approve
//! (the capture then `COMPLETED`, `PENDING` or `DECLINED`) or cancel. Approving sends
//! `CHECKOUT.ORDER.APPROVED` and the buyer back to `return_url` with
//! `token=<order id>&PayerID=<payer id>`; cancelling sends the buyer to `cancel_url` with
//! `token=<order id>`, the order staying `CREATED`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State as AppState};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::{Fate, GATEWAY, new_id, now, resources, webhook};
use crate::app::{App, PayError};
use crate::html;
use crate::pay_page;

pub(crate) const APPROVE_PATH: &str = "/checkoutnow";

/// What the buyer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Approve; the capture completes.
    Approve,
    /// Approve; the capture is `PENDING`, then `COMPLETED`.
    ApprovePending,
    /// Approve; the capture is `DECLINED`.
    ApproveDeclined,
    /// Cancel.
    Cancel,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Approve,
        Outcome::ApprovePending,
        Outcome::ApproveDeclined,
        Outcome::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Approve => "approve",
            Outcome::ApprovePending => "approve-pending",
            Outcome::ApproveDeclined => "approve-declined",
            Outcome::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "approve" | "approved" => Some(Outcome::Approve),
            "approve-pending" | "pending" => Some(Outcome::ApprovePending),
            "approve-declined" | "declined" | "denied" => Some(Outcome::ApproveDeclined),
            "cancel" | "cancelled" => Some(Outcome::Cancel),
            _ => None,
        }
    }

    fn button(self) -> &'static str {
        match self {
            Outcome::Approve => "Approve (capture COMPLETED)",
            Outcome::ApprovePending => "Approve (capture PENDING, then COMPLETED)",
            Outcome::ApproveDeclined => "Approve (capture DECLINED)",
            Outcome::Cancel => "Cancel and return to the shop",
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    token: Option<String>,
}

/// `GET /checkoutnow?token=…`.
pub(super) async fn page(
    AppState(app): AppState<Arc<App>>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let id = q.token.unwrap_or_default();
    let inner = app.lock();
    let Some(o) = inner.paypal_rest.orders.get(&id) else {
        return pay_page::not_found("PayPal: unknown order", "PayPal", "order");
    };
    let choice = if o.status == "CREATED" {
        pay_page::outcome_form(
            &format!("{APPROVE_PATH}?token={}", o.id),
            "",
            Outcome::ALL.map(|x| (x.as_str(), x.button().to_string())),
        )
    } else {
        pay_page::status_line("order is", o.status)
    };
    let rows = [
        ("Order", o.id.clone()),
        (
            "Shop's order",
            o.invoice_id
                .clone()
                .or(o.custom_id.clone())
                .unwrap_or_default(),
        ),
        ("Description", o.description.clone().unwrap_or_default()),
        ("Intent", o.intent.to_string()),
        ("Amount", pay_page::amount(&o.amount)),
        ("Pay to", app.config.paypal.business.clone()),
    ];
    pay_page::show(
        "PayPal checkout (sandbox)",
        "<h1>PayPal checkout</h1>",
        &rows,
        &choice,
    )
}

/// `POST /checkoutnow?token=…`: the click.
pub(super) async fn submit(
    AppState(app): AppState<Arc<App>>,
    Query(q): Query<TokenQuery>,
    body: Bytes,
) -> Response {
    let id = q.token.unwrap_or_default();
    pay_page::submit(
        &body,
        4096,
        Outcome::parse,
        ("PayPal checkout", "PayPal"),
        |outcome, _| {
            let done = pay(&app, &id, outcome)?;
            Ok(match done.redirect {
                Some(url) => html::see_other(&url),
                None => pay_page::done(
                    "PayPal checkout",
                    "PayPal",
                    &format!("Order {}: {}.", done.order, done.outcome),
                    Some("The order has no return URL: go back to the shop yourself."),
                ),
            })
        },
    )
}

/// What the click did.
#[derive(Debug, Serialize)]
pub(crate) struct Approved {
    pub order: String,
    pub outcome: &'static str,
    /// Where the buyer goes next.
    pub redirect: Option<String>,
    pub payer_id: Option<String>,
}

/// `url` with `params` appended to its query.
fn with_query(url: &str, params: &[(&str, &str)]) -> String {
    let query = vpos_core::form::encode_urlencoded(params.iter().copied());
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{sep}{query}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Approves or cancels order `id` (a `CREATED` one), as the buttons do.
pub(crate) fn pay(app: &Arc<App>, id: &str, outcome: Outcome) -> Result<Approved, PayError> {
    let (redirect, payer_id, hook) = {
        let mut inner = app.lock();
        let payer_id = new_id(&mut inner)[..13].to_string();
        let order = inner
            .paypal_rest
            .orders
            .get_mut(id)
            .ok_or_else(|| PayError::unknown("PayPal REST"))?;
        if order.status != "CREATED" {
            return Err(PayError::finished("PayPal REST", id, order.status));
        }
        if outcome == Outcome::Cancel {
            order.cancelled = true;
            let redirect = order
                .cancel_url
                .as_deref()
                .map(|u| with_query(u, &[("token", id)]));
            (redirect, None, None)
        } else {
            order.fate = match outcome {
                Outcome::ApprovePending => Fate::Pending,
                Outcome::ApproveDeclined => Fate::Declined,
                _ => Fate::Completed,
            };
            order.status = "APPROVED";
            order.cancelled = false;
            order.payer_id = Some(payer_id.clone());
            order.updated = now();
            let redirect = order
                .return_url
                .as_deref()
                .map(|u| with_query(u, &[("token", id), ("PayerID", &payer_id)]));
            let resource = resources::order_full(app, order);
            let hook = webhook::outgoing(
                app,
                &mut inner,
                id,
                "CHECKOUT.ORDER.APPROVED",
                "checkout-order",
                resource,
            );
            (redirect, Some(payer_id), Some(hook))
        }
    };
    app.note(GATEWAY, id, format!("buyer chose {}", outcome.as_str()));
    if let Some(hook) = hook {
        webhook::send(app, hook);
    }
    Ok(Approved {
        order: id.to_string(),
        outcome: outcome.as_str(),
        redirect,
        payer_id,
    })
}

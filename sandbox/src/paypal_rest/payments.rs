//! Payments v2: capture (all, part, `final_capture`) or void an authorisation, refund a
//! capture (all or part, repeatedly until used up), read each; and a `PENDING` capture
//! completing later.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State as AppState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use vpos_core::Amount;

use super::orders::{WireMoney, path_id, read_money};
use super::{
    ApiError, Authorization, Capture, Done, MAX_PAYMENTS_PER_RECORD, Order, Refund, new_id, now,
    post_op, resources, wants_representation, webhook,
};
use crate::app::{App, Inner};

/// The order holding record `id` (an authorisation, capture or refund id).
fn order_of<'a>(inner: &'a mut Inner, field: &str, id: &str) -> Result<&'a mut Order, ApiError> {
    path_id(field, id)?;
    let order_id = inner
        .paypal_rest
        .records
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(field))?;
    inner
        .paypal_rest
        .orders
        .get_mut(&order_id)
        .ok_or_else(|| ApiError::not_found(field))
}

fn read_body<T: for<'de> Deserialize<'de> + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(
            "MALFORMED_REQUEST_JSON",
            format!("The request JSON is not well formed ({e})."),
        )
    })
}

/// An optional amount in the record's currency.
fn amount_in(
    field: &str,
    wire: Option<&WireMoney>,
    record: Amount,
    mismatch: &'static str,
) -> Result<Option<Amount>, ApiError> {
    let Some(wire) = wire else { return Ok(None) };
    let amount = read_money(field, wire)?;
    if amount.currency() != record.currency() {
        return Err(ApiError::unprocessable(
            mismatch,
            format!(
                "The currency code must match the currency of the original transaction ({}).",
                record.currency().code()
            ),
        )
        .at(format!("{field}/currency_code")));
    }
    Ok(Some(amount))
}

fn amount_minus(total: Amount, used: i64) -> Amount {
    Amount::from_minor(total.minor() - used, total.currency()).unwrap_or(total)
}

#[derive(Deserialize, Default)]
struct WireCapture {
    #[serde(default)]
    amount: Option<WireMoney>,
    #[serde(default)]
    final_capture: Option<bool>,
}

/// `POST /v2/payments/authorizations/{id}/capture`.
pub(super) async fn capture_authorization(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/v2/payments/authorizations/{id}/capture");
    post_op(
        &app,
        &headers,
        &path,
        "capture authorization",
        true,
        |app, inner| {
            let wire: WireCapture = read_body(&body)?;
            let capture_id = new_id(inner);
            let order = order_of(inner, "authorization_id", &id)?;
            let order_id = order.id.clone();
            if order.captures.len() >= MAX_PAYMENTS_PER_RECORD {
                return Err(ApiError::unprocessable(
                    "MAX_NUMBER_OF_CAPTURES_EXCEEDED",
                    format!("At most {MAX_PAYMENTS_PER_RECORD} captures per authorization."),
                ));
            }
            let auth = order
                .authorization_mut(&id)
                .ok_or_else(|| ApiError::not_found("authorization_id"))?;
            match auth.status {
                "VOIDED" => {
                    return Err(ApiError::unprocessable(
                        "AUTHORIZATION_VOIDED",
                        "A voided authorization cannot be captured or reauthorized.",
                    ));
                }
                "CAPTURED" => {
                    return Err(ApiError::unprocessable(
                        "AUTHORIZATION_ALREADY_CAPTURED",
                        "Authorization has been previously captured and hence cannot be captured again.",
                    ));
                }
                _ => {}
            }
            let left = amount_minus(auth.amount, auth.captured);
            let amount = amount_in("/amount", wire.amount.as_ref(), auth.amount, "CURRENCY_MISMATCH")?
                .unwrap_or(left);
            if amount.minor() > left.minor() {
                return Err(ApiError::unprocessable(
                    "MAX_CAPTURE_AMOUNT_EXCEEDED",
                    format!(
                        "Capture amount exceeds allowable limit ({} {} left to capture).",
                        left.to_decimal_string(),
                        left.currency().code()
                    ),
                ));
            }
            auth.captured += amount.minor();
            let final_capture = wire.final_capture.unwrap_or(false) || auth.captured == auth.amount.minor();
            auth.status = if final_capture {
                "CAPTURED"
            } else {
                "PARTIALLY_CAPTURED"
            };
            let time = now();
            auth.updated = time.clone();
            let auth_status = auth.status;
            order.captures.push(Capture {
                id: capture_id.clone(),
                status: "COMPLETED",
                amount,
                final_capture,
                refunded: 0,
                reversed: false,
                authorization: Some(id.clone()),
                created: time.clone(),
                updated: time.clone(),
            });
            order.updated = time;
            let resource = {
                let order = &*order;
                resources::capture(app, order, order.captures.last().expect("just pushed"))
            };
            inner
                .paypal_rest
                .records
                .insert(capture_id.clone(), order_id.clone());
            let hook = webhook::outgoing(
                app,
                inner,
                &order_id,
                "PAYMENT.CAPTURE.COMPLETED",
                "capture",
                resource.clone(),
            );
            Ok(Done {
                status: StatusCode::CREATED,
                body: resource.to_string(),
                order: order_id,
                note: format!(
                    "authorization {id} captured {} {} (capture {capture_id}, final_capture {final_capture}); authorization {auth_status}",
                    amount.to_decimal_string(),
                    amount.currency().code()
                ),
                webhooks: vec![hook],
                pending_capture: None,
            })
        },
    )
    .await
}

/// `POST /v2/payments/authorizations/{id}/void`: 200 with the authorisation when asked for
/// the representation, else 204 without a body, as PayPal answers.
pub(super) async fn void_authorization(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let full = wants_representation(&headers);
    let path = format!("/v2/payments/authorizations/{id}/void");
    post_op(&app, &headers, &path, "void authorization", true, |app, inner| {
        let order = order_of(inner, "authorization_id", &id)?;
        let order_id = order.id.clone();
        let auth = order
            .authorization_mut(&id)
            .ok_or_else(|| ApiError::not_found("authorization_id"))?;
        match auth.status {
            "VOIDED" => {
                return Err(ApiError::unprocessable(
                    "PREVIOUSLY_VOIDED",
                    "Authorization has been previously voided and hence cannot be voided again.",
                ));
            }
            "CAPTURED" => {
                return Err(ApiError::unprocessable(
                    "PREVIOUSLY_CAPTURED",
                    "Authorization has been previously captured and hence cannot be voided.",
                ));
            }
            _ => {}
        }
        auth.status = "VOIDED";
        let time = now();
        auth.updated = time.clone();
        let nothing_captured = auth.captured == 0;
        if nothing_captured {
            order.status = "VOIDED";
        }
        order.updated = time;
        let resource = {
            let order = &*order;
            let a = order
                .authorizations
                .iter()
                .find(|a| a.id == id)
                .expect("found above");
            resources::authorization(app, order, a)
        };
        let hook = webhook::outgoing(
            app,
            inner,
            &order_id,
            "PAYMENT.AUTHORIZATION.VOIDED",
            "authorization",
            resource.clone(),
        );
        Ok(Done {
            status: if full {
                StatusCode::OK
            } else {
                StatusCode::NO_CONTENT
            },
            body: if full {
                resource.to_string()
            } else {
                String::new()
            },
            order: order_id,
            note: format!("authorization {id} VOIDED"),
            webhooks: vec![hook],
            pending_capture: None,
        })
    })
    .await
}

#[derive(Deserialize, Default)]
struct WireRefund {
    #[serde(default)]
    amount: Option<WireMoney>,
}

/// `POST /v2/payments/captures/{id}/refund`: all of what is left, or part of it, until the
/// capture is used up.
pub(super) async fn refund_capture(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/v2/payments/captures/{id}/refund");
    post_op(&app, &headers, &path, "refund capture", true, |app, inner| {
        let wire: WireRefund = read_body(&body)?;
        let refund_id = new_id(inner);
        let order = order_of(inner, "capture_id", &id)?;
        let order_id = order.id.clone();
        let refunds_of_capture = order.refunds.iter().filter(|r| r.capture == id).count();
        let capture = order
            .capture_mut(&id)
            .ok_or_else(|| ApiError::not_found("capture_id"))?;
        match capture.status {
            "COMPLETED" | "PARTIALLY_REFUNDED" => {}
            "REFUNDED" => {
                return Err(ApiError::unprocessable(
                    "CAPTURE_FULLY_REFUNDED",
                    "The capture has already been fully refunded.",
                ));
            }
            "PENDING" => {
                return Err(ApiError::unprocessable(
                    "PENDING_CAPTURE",
                    "Cannot initiate a refund as the capture is pending.",
                ));
            }
            _ => {
                return Err(ApiError::unprocessable(
                    "REFUND_NOT_ALLOWED",
                    "Refund cannot be issued for a capture that did not complete.",
                ));
            }
        }
        if refunds_of_capture >= MAX_PAYMENTS_PER_RECORD {
            return Err(ApiError::unprocessable(
                "MAX_NUMBER_OF_REFUNDS_EXCEEDED",
                format!("At most {MAX_PAYMENTS_PER_RECORD} refunds per capture."),
            ));
        }
        let left = amount_minus(capture.amount, capture.refunded);
        let amount = amount_in(
            "/amount",
            wire.amount.as_ref(),
            capture.amount,
            "REFUND_CAPTURE_CURRENCY_MISMATCH",
        )?
        .unwrap_or(left);
        if amount.minor() > left.minor() {
            return Err(ApiError::unprocessable(
                "REFUND_AMOUNT_EXCEEDED",
                format!(
                    "The refund amount must be less than or equal to the capture amount that has not yet been refunded ({} {}).",
                    left.to_decimal_string(),
                    left.currency().code()
                ),
            ));
        }
        capture.refunded += amount.minor();
        capture.status = if capture.refunded == capture.amount.minor() {
            "REFUNDED"
        } else {
            "PARTIALLY_REFUNDED"
        };
        let time = now();
        capture.updated = time.clone();
        let capture_status = capture.status;
        order.refunds.push(Refund {
            id: refund_id.clone(),
            amount,
            capture: id.clone(),
            created: time.clone(),
        });
        order.updated = time;
        let resource = {
            let order = &*order;
            resources::refund(app, order, order.refunds.last().expect("just pushed"))
        };
        inner
            .paypal_rest
            .records
            .insert(refund_id.clone(), order_id.clone());
        let hook = webhook::outgoing(
            app,
            inner,
            &order_id,
            "PAYMENT.CAPTURE.REFUNDED",
            "refund",
            resource.clone(),
        );
        Ok(Done {
            status: StatusCode::CREATED,
            body: resource.to_string(),
            order: order_id,
            note: format!(
                "capture {id} refunded {} {} (refund {refund_id}); capture {capture_status}",
                amount.to_decimal_string(),
                amount.currency().code()
            ),
            webhooks: vec![hook],
            pending_capture: None,
        })
    })
    .await
}

/// `GET /v2/payments/authorizations/{id}`.
pub(super) async fn fetch_authorization(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = Read {
        what: "get authorization",
        field: "authorization_id",
        records: |order| &order.authorizations,
        render: resources::authorization,
    };
    read.one(&app, &headers, &id)
}

/// `GET /v2/payments/captures/{id}`.
pub(super) async fn fetch_capture(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = Read {
        what: "get capture",
        field: "capture_id",
        records: |order| &order.captures,
        render: resources::capture,
    };
    read.one(&app, &headers, &id)
}

/// `GET /v2/payments/refunds/{id}`.
pub(super) async fn fetch_refund(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = Read {
        what: "get refund",
        field: "refund_id",
        records: |order| &order.refunds,
        render: resources::refund,
    };
    read.one(&app, &headers, &id)
}

/// A record an order holds (an authorisation, capture or refund), known by its id.
trait Record {
    fn id(&self) -> &str;
}

impl Record for Authorization {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Capture {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Refund {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The one way the three `GET`s read a record: the order holding it (through the record
/// index), the record in its list, its representation; an unknown id is `404` on `field`.
struct Read<R: 'static> {
    what: &'static str,
    field: &'static str,
    records: fn(&Order) -> &Vec<R>,
    render: fn(&App, &Order, &R) -> Value,
}

impl<R: Record> Read<R> {
    fn one(&self, app: &App, headers: &HeaderMap, id: &str) -> Response {
        super::get_op(app, headers, self.what, |app, inner| {
            let order = find(inner, self.field, id)?;
            let record = (self.records)(order)
                .iter()
                .find(|r| r.id() == id)
                .ok_or_else(|| ApiError::not_found(self.field))?;
            Ok((self.render)(app, order, record))
        })
    }
}

fn find<'a>(inner: &'a Inner, field: &str, id: &str) -> Result<&'a Order, ApiError> {
    path_id(field, id)?;
    inner
        .paypal_rest
        .records
        .get(id)
        .and_then(|order| inner.paypal_rest.orders.get(order))
        .ok_or_else(|| ApiError::not_found(field))
}

/// A `PENDING` capture turns `COMPLETED` after `paypal_rest.pending_seconds` (÷
/// `--time-scale`), with its `PAYMENT.CAPTURE.COMPLETED` webhook.
pub(super) fn complete_later(app: &Arc<App>, order_id: &str, capture_id: &str) {
    let app = Arc::clone(app);
    let (order_id, capture_id) = (order_id.to_string(), capture_id.to_string());
    let generation = app.generation();
    let wait = app.scaled(Duration::from_secs(app.config.paypal_rest.pending_seconds));
    tokio::spawn(async move {
        if !app.sleep_unless_reset(wait, generation).await {
            return;
        }
        let hook = {
            let mut inner = app.lock();
            let Some(order) = inner.paypal_rest.orders.get_mut(&order_id) else {
                return;
            };
            let Some(capture) = order.capture_mut(&capture_id) else {
                return;
            };
            if capture.status != "PENDING" {
                return;
            }
            capture.status = "COMPLETED";
            capture.updated = now();
            let resource = {
                let order = &*order;
                let c = order
                    .captures
                    .iter()
                    .find(|c| c.id == capture_id)
                    .expect("found above");
                resources::capture(&app, order, c)
            };
            webhook::outgoing(
                &app,
                &mut inner,
                &order_id,
                "PAYMENT.CAPTURE.COMPLETED",
                "capture",
                resource,
            )
        };
        app.note(
            super::GATEWAY,
            &order_id,
            format!("capture {capture_id} PENDING → COMPLETED"),
        );
        webhook::send(&app, hook);
    });
}

/// What a reversal did (`POST /_sandbox/pay`, outcome `reverse`).
#[derive(Debug, serde::Serialize)]
pub(crate) struct Reversed {
    pub order: String,
    pub outcome: &'static str,
    pub capture: String,
    /// The reversal's own id (the webhook resource's).
    pub reversal: String,
    pub amount: Amount,
}

/// A chargeback: PayPal takes back what is left of the order's first completed capture and
/// sends `PAYMENT.CAPTURE.REVERSED` (a refund-type resource with a negative amount, as
/// PayPal's sample). The capture is then `REFUNDED`: nothing is left to refund.
pub(crate) fn reverse(app: &Arc<App>, order_id: &str) -> Result<Reversed, crate::app::PayError> {
    let (reversed, hook) = {
        let mut inner = app.lock();
        let reversal_id = new_id(&mut inner);
        let order = inner
            .paypal_rest
            .orders
            .get_mut(order_id)
            .ok_or_else(|| crate::app::PayError::unknown("PayPal REST"))?;
        let Some(capture) = order
            .captures
            .iter_mut()
            .find(|c| matches!(c.status, "COMPLETED" | "PARTIALLY_REFUNDED"))
        else {
            return Err(crate::app::PayError {
                status: StatusCode::CONFLICT,
                code: "nothing_to_reverse",
                message: format!(
                    "PayPal REST order {order_id} has no completed capture with money left"
                ),
            });
        };
        let amount = amount_minus(capture.amount, capture.refunded);
        capture.refunded = capture.amount.minor();
        capture.reversed = true;
        capture.status = "REFUNDED";
        let time = now();
        capture.updated = time.clone();
        let capture_id = capture.id.clone();
        let mut resource = json!({
            "id": reversal_id,
            "status": "COMPLETED",
            "amount": {"currency_code": amount.currency().code(),
                       "value": format!("-{}", super::money(amount)["value"].as_str().unwrap_or("0"))},
            "note_to_payer": "Payment reversed (chargeback)",
            "create_time": time,
            "update_time": time,
            "links": [
                {"href": format!("{}/v2/payments/captures/{capture_id}", app.base_url), "rel": "up", "method": "GET"},
            ],
        });
        if let Some(c) = &order.custom_id {
            resource["custom_id"] = json!(c);
        }
        if let Some(i) = &order.invoice_id {
            resource["invoice_id"] = json!(i);
        }
        let hook = webhook::outgoing(
            app,
            &mut inner,
            order_id,
            "PAYMENT.CAPTURE.REVERSED",
            "refund",
            resource,
        );
        (
            Reversed {
                order: order_id.to_string(),
                outcome: "reverse",
                capture: capture_id,
                reversal: reversal_id,
                amount,
            },
            hook,
        )
    };
    app.note(
        super::GATEWAY,
        order_id,
        format!(
            "capture {} reversed (chargeback) {} {}: reversal {}",
            reversed.capture,
            reversed.amount.to_decimal_string(),
            reversed.amount.currency().code(),
            reversed.reversal
        ),
    );
    webhook::send(app, hook);
    Ok(reversed)
}

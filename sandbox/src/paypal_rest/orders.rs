//! Orders v2: `POST /v2/checkout/orders`, `GET /v2/checkout/orders/{id}`,
//! `POST /v2/checkout/orders/{id}/capture` and `/authorize`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AppState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use vpos_core::gateways::paypal::{amount_decimals, parse_amount};
use vpos_core::{Amount, Currency};

use super::{
    ApiError, Authorization, Capture, Done, Fate, Order, new_id, now, post_op, resources,
    wants_representation, webhook,
};
use crate::app::{App, Inner};
use crate::clock;

#[derive(Deserialize)]
pub(super) struct WireMoney {
    pub currency_code: Option<String>,
    pub value: Option<String>,
}

#[derive(Deserialize)]
struct WireCreate {
    intent: Option<String>,
    #[serde(default)]
    purchase_units: Vec<WireUnit>,
    #[serde(default)]
    payment_source: Option<WireSource>,
    /// The deprecated place of the return and cancel URLs.
    #[serde(default)]
    application_context: Option<WireContext>,
}

#[derive(Deserialize)]
struct WireUnit {
    #[serde(default)]
    reference_id: Option<String>,
    amount: Option<WireMoney>,
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    invoice_id: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct WireSource {
    #[serde(default)]
    paypal: Option<WirePaypal>,
}

#[derive(Deserialize)]
struct WirePaypal {
    #[serde(default)]
    experience_context: Option<WireContext>,
}

#[derive(Deserialize)]
struct WireContext {
    #[serde(default)]
    return_url: Option<String>,
    #[serde(default)]
    cancel_url: Option<String>,
}

/// PayPal's money object, checked by PayPal's currency rules: a known currency, a decimal
/// string with at most the decimals PayPal takes for it (none for HUF, JPY, TWD: `1000.00`
/// HUF is refused, as the currency-codes reference says a decimal amount is), above zero.
pub(super) fn read_money(field: &str, wire: &WireMoney) -> Result<Amount, ApiError> {
    let (Some(code), Some(value)) = (&wire.currency_code, &wire.value) else {
        return Err(ApiError::invalid(
            "MISSING_REQUIRED_PARAMETER",
            "A required field / parameter is missing.",
        )
        .at(field));
    };
    let currency = Currency::from_code(code).map_err(|_| {
        ApiError::unprocessable(
            "CURRENCY_NOT_SUPPORTED",
            "Currency code is unknown or is not supported.",
        )
        .at(format!("{field}/currency_code"))
    })?;
    let syntax = || {
        ApiError::invalid(
            "INVALID_PARAMETER_SYNTAX",
            "The value of a field does not conform to the expected format.",
        )
        .at(format!("{field}/value"))
    };
    if value.is_empty()
        || value.len() > 32
        || !value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || value.starts_with('.')
        || value.ends_with('.')
        || value.matches('.').count() > 1
    {
        return Err(syntax());
    }
    let decimals = value.split_once('.').map_or(0, |(_, f)| f.len());
    if decimals > usize::from(amount_decimals(currency)) {
        return Err(ApiError::unprocessable(
            "DECIMAL_PRECISION",
            format!(
                "If the currency supports decimals, only two decimal place precision is supported ({} takes {}).",
                currency.code(),
                amount_decimals(currency)
            ),
        )
        .at(format!("{field}/value")));
    }
    let amount = parse_amount(value, currency).map_err(|_| syntax())?;
    if amount.minor() <= 0 {
        return Err(ApiError::unprocessable(
            "CANNOT_BE_ZERO_OR_NEGATIVE",
            "Must be greater than zero.",
        )
        .at(format!("{field}/value")));
    }
    Ok(amount)
}

fn malformed(e: serde_json::Error) -> ApiError {
    ApiError::invalid(
        "MALFORMED_REQUEST_JSON",
        format!("The request JSON is not well formed ({e})."),
    )
}

fn text_field(field: &str, value: &Option<String>, max: usize) -> Result<(), ApiError> {
    match value {
        Some(v) if v.is_empty() || v.chars().count() > max => Err(ApiError::invalid(
            "INVALID_STRING_LENGTH",
            format!("The value of a field is either too short or too long (1 to {max})."),
        )
        .at(field)),
        _ => Ok(()),
    }
}

fn url_field(field: &str, value: &Option<String>) -> Result<(), ApiError> {
    match value {
        Some(v)
            if !(v.starts_with("http://") || v.starts_with("https://"))
                || v.len() > 2048
                || v.bytes()
                    .any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) =>
        {
            Err(ApiError::invalid(
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format (an http(s) URL).",
            )
            .at(field))
        }
        _ => Ok(()),
    }
}

/// `POST /v2/checkout/orders`.
pub(super) async fn create(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full = wants_representation(&headers);
    post_op(
        &app,
        &headers,
        "/v2/checkout/orders",
        "create order",
        false,
        |app, inner| {
            let wire: WireCreate = serde_json::from_slice(&body).map_err(malformed)?;
            let intent = match wire.intent.as_deref() {
                Some("CAPTURE") => "CAPTURE",
                Some("AUTHORIZE") => "AUTHORIZE",
                Some(_) => {
                    return Err(ApiError::invalid(
                        "INVALID_PARAMETER_VALUE",
                        "The value of a field is invalid (intent is CAPTURE or AUTHORIZE).",
                    )
                    .at("/intent"));
                }
                None => {
                    return Err(ApiError::invalid(
                        "MISSING_REQUIRED_PARAMETER",
                        "A required field / parameter is missing.",
                    )
                    .at("/intent"));
                }
            };
            let unit = match wire.purchase_units.as_slice() {
                [unit] => unit,
                [] => {
                    return Err(ApiError::invalid(
                        "MISSING_REQUIRED_PARAMETER",
                        "A required field / parameter is missing.",
                    )
                    .at("/purchase_units"));
                }
                _ => {
                    return Err(ApiError::unprocessable(
                        "MULTIPLE_PURCHASE_UNITS_NOT_SUPPORTED",
                        "The sandbox plays orders of one purchase unit (vpos creates no others).",
                    )
                    .at("/purchase_units"));
                }
            };
            let money = unit.amount.as_ref().ok_or_else(|| {
                ApiError::invalid(
                    "MISSING_REQUIRED_PARAMETER",
                    "A required field / parameter is missing.",
                )
                .at("/purchase_units/@reference_id=='default'/amount")
            })?;
            let amount = read_money("/purchase_units/@reference_id=='default'/amount", money)?;
            text_field("/purchase_units/0/custom_id", &unit.custom_id, 127)?;
            text_field("/purchase_units/0/invoice_id", &unit.invoice_id, 127)?;
            text_field("/purchase_units/0/description", &unit.description, 127)?;
            text_field("/purchase_units/0/reference_id", &unit.reference_id, 256)?;
            let context = wire
                .payment_source
                .and_then(|s| s.paypal)
                .and_then(|p| p.experience_context)
                .or(wire.application_context);
            let (return_url, cancel_url) = context
                .map(|c| (c.return_url, c.cancel_url))
                .unwrap_or_default();
            url_field("return_url", &return_url)?;
            url_field("cancel_url", &cancel_url)?;
            let id = new_id(inner);
            let time = now();
            let order = Order {
                id: id.clone(),
                intent,
                status: "CREATED",
                amount,
                reference_id: unit
                    .reference_id
                    .clone()
                    .unwrap_or_else(|| "default".into()),
                custom_id: unit.custom_id.clone(),
                invoice_id: unit.invoice_id.clone(),
                description: unit.description.clone(),
                return_url,
                cancel_url,
                created: time.clone(),
                updated: time,
                payer_id: None,
                fate: Fate::Completed,
                cancelled: false,
                authorizations: Vec::new(),
                captures: Vec::new(),
                refunds: Vec::new(),
            };
            let body = if full {
                resources::order_full(app, &order)
            } else {
                resources::order_minimal(app, &order)
            };
            inner.paypal_rest.orders.insert(id.clone(), order);
            Ok(Done {
                status: StatusCode::CREATED,
                body: body.to_string(),
                note: format!(
                    "order created, intent {intent}, {} {}; approve page {}?token={id}",
                    amount.to_decimal_string(),
                    amount.currency().code(),
                    super::approve::APPROVE_PATH
                ),
                order: id,
                webhooks: Vec::new(),
                pending_capture: None,
            })
        },
    )
    .await
}

/// A path id: 1 to 36 letters and digits (vpos-core sends no other); else not found.
pub(super) fn path_id(field: &str, id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 36 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::not_found(field));
    }
    Ok(())
}

/// `GET /v2/checkout/orders/{id}`.
pub(super) async fn fetch(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    super::get_op(&app, &headers, "get order", |app, inner| {
        path_id("order_id", &id)?;
        let order = inner
            .paypal_rest
            .orders
            .get(&id)
            .ok_or_else(|| ApiError::not_found("order_id"))?;
        Ok(resources::order_full(app, order))
    })
}

/// The approved order `id` of `intent`, or PayPal's refusal.
fn approved<'a>(inner: &'a mut Inner, id: &str, intent: &str) -> Result<&'a mut Order, ApiError> {
    path_id("order_id", id)?;
    let order = inner
        .paypal_rest
        .orders
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("order_id"))?;
    if order.intent != intent {
        return Err(ApiError::unprocessable(
            "ACTION_DOES_NOT_MATCH_INTENT",
            format!(
                "Order was created with an intent of '{}'. Please use the right endpoint.",
                order.intent
            ),
        ));
    }
    match order.status {
        "APPROVED" => Ok(order),
        "CREATED" => Err(ApiError::unprocessable(
            "ORDER_NOT_APPROVED",
            "Payer has not yet approved the Order for payment.",
        )),
        _ if intent == "CAPTURE" => Err(ApiError::unprocessable(
            "ORDER_ALREADY_CAPTURED",
            "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.",
        )),
        _ => Err(ApiError::unprocessable(
            "ORDER_ALREADY_AUTHORIZED",
            "Order already authorized. If 'intent=AUTHORIZE' only one authorization per order is allowed.",
        )),
    }
}

/// `POST /v2/checkout/orders/{id}/capture`: the whole amount, `COMPLETED`, `PENDING` or
/// `DECLINED` as the buyer's approval chose.
pub(super) async fn capture(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let full = wants_representation(&headers);
    let path = format!("/v2/checkout/orders/{id}/capture");
    post_op(
        &app,
        &headers,
        &path,
        "capture order",
        true,
        |app, inner| {
            let capture_id = new_id(inner);
            let order = approved(inner, &id, "CAPTURE")?;
            let time = now();
            let status = match order.fate {
                Fate::Completed => "COMPLETED",
                Fate::Pending => "PENDING",
                Fate::Declined => "DECLINED",
            };
            order.captures.push(Capture {
                id: capture_id.clone(),
                status,
                amount: order.amount,
                final_capture: true,
                refunded: 0,
                reversed: false,
                authorization: None,
                created: time.clone(),
                updated: time.clone(),
            });
            order.status = "COMPLETED";
            order.updated = time;
            let (body, resource) = {
                let order = &*order;
                let c = order.captures.last().expect("just pushed");
                (
                    if full {
                        resources::order_full(app, order)
                    } else {
                        resources::order_minimal(app, order)
                    },
                    resources::capture(app, order, c),
                )
            };
            inner
                .paypal_rest
                .records
                .insert(capture_id.clone(), id.clone());
            let event = match status {
                "COMPLETED" => "PAYMENT.CAPTURE.COMPLETED",
                "PENDING" => "PAYMENT.CAPTURE.PENDING",
                _ => "PAYMENT.CAPTURE.DENIED",
            };
            let hook = webhook::outgoing(app, inner, &id, event, "capture", resource);
            Ok(Done {
                status: StatusCode::CREATED,
                body: body.to_string(),
                order: id.clone(),
                note: format!("order captured: capture {capture_id} {status}"),
                webhooks: vec![hook],
                pending_capture: (status == "PENDING").then_some(capture_id),
            })
        },
    )
    .await
}

/// How long an authorisation holds the money (PayPal: a 29-day authorisation period).
const AUTHORIZATION_DAYS: u64 = 29;

/// `POST /v2/checkout/orders/{id}/authorize`: one authorisation of the whole amount.
pub(super) async fn authorize(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let full = wants_representation(&headers);
    let path = format!("/v2/checkout/orders/{id}/authorize");
    post_op(
        &app,
        &headers,
        &path,
        "authorize order",
        true,
        |app, inner| {
            let auth_id = new_id(inner);
            let order = approved(inner, &id, "AUTHORIZE")?;
            let time = now();
            order.authorizations.push(Authorization {
                id: auth_id.clone(),
                status: "CREATED",
                amount: order.amount,
                captured: 0,
                created: time.clone(),
                updated: time.clone(),
                expires: super::paypal_time(
                    clock::now_ms().saturating_add(AUTHORIZATION_DAYS * 24 * 3600 * 1000),
                ),
            });
            order.status = "COMPLETED";
            order.updated = time;
            let (body, resource) = {
                let order = &*order;
                let a = order.authorizations.last().expect("just pushed");
                (
                    if full {
                        resources::order_full(app, order)
                    } else {
                        resources::order_minimal(app, order)
                    },
                    resources::authorization(app, order, a),
                )
            };
            inner
                .paypal_rest
                .records
                .insert(auth_id.clone(), id.clone());
            let hook = webhook::outgoing(
                app,
                inner,
                &id,
                "PAYMENT.AUTHORIZATION.CREATED",
                "authorization",
                resource,
            );
            Ok(Done {
                status: StatusCode::CREATED,
                body: body.to_string(),
                order: id.clone(),
                note: format!("order authorized: authorization {auth_id} CREATED"),
                webhooks: vec![hook],
                pending_capture: None,
            })
        },
    )
    .await
}

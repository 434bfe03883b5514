//! CECA (Cecabank TPV virtual) at its real paths: `POST /tpvweb/tpv/compra.action` (the signed
//! form, `Firma` checked by rebuilding it with vpos-core's `ceca::checkout`), the payment page,
//! the signed server-to-server notification to the panel's "comunicación on-line" URL
//! (`ceca.notify_url`), and the return to `URL_OK` / `URL_NOK`.
//!
//! CECA notifies completed payments only, once, and counts the notification received only when
//! the answer is exactly `$*$OKY$*$`.
//!
//! 3-D Secure 2 data: a form with `datos_acs_20` must carry `firma_acs_20` (the terminal's
//! digest of the key + the value as sent, checked with vpos-core's `ceca::sign_datos_acs_20`);
//! the decoded JSON is shown on the payment page.
//!
//! Refunds: `POST /webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt`, `Firma` checked
//! with vpos-core's `ceca::sign_refund`, answered in Cecabank's XML: `valor="OK"` with the
//! amount, or `valor="ERROR"` with a `codigo`: `15` unknown operation (Cecabank's own code for
//! "Operación inexistente"); the sandbox's own `901` bad signature or terminal, `902` more than
//! is left to refund, `903` malformed request, `904` `TIPO_ANU=P` missing or wrongly set on a
//! partial refund (Cecabank's codes for these are not public).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Query;
use axum::extract::{Path, State as AppState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use subtle::ConstantTimeEq;
use vpos_core::form::{encode_urlencoded, parse_urlencoded};
use vpos_core::gateways::ceca;
use vpos_core::{Amount, Currency};

use crate::app::{App, Bounded, Inner, PayError};
use crate::clock;
use crate::config::CecaConfig;
use crate::delivery::{self, Delivery, Policy};
use crate::html::{self, esc};
use crate::pay_page;

/// Largest form accepted.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// CECA's side of the sandbox.
#[derive(Default)]
pub(crate) struct State {
    /// Payments by `Num_operacion`.
    pub payments: Bounded<Payment>,
}

/// One operation posted to `compra.action`.
pub(crate) struct Payment {
    pub operation: String,
    pub created: String,
    pub amount: Amount,
    pub description: Option<String>,
    pub language: Option<String>,
    pub url_ok: String,
    pub url_nok: String,
    pub status: &'static str,
    pub reference: Option<String>,
    /// The decoded `datos_acs_20` JSON, when the checkout sent 3-D Secure 2 data.
    pub acs: Option<String>,
    /// Minor units refunded so far.
    pub refunded: i64,
}

/// What the customer chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Paid,
    Declined,
    Cancelled,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Paid, Outcome::Declined, Outcome::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Declined => "declined",
            Outcome::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "paid" | "authorised" | "authorized" => Some(Outcome::Paid),
            "declined" | "denied" => Some(Outcome::Declined),
            "cancelled" | "canceled" => Some(Outcome::Cancelled),
            _ => None,
        }
    }

    fn button(self) -> &'static str {
        match self {
            Outcome::Paid => "Pay (notification, then URL_OK)",
            Outcome::Declined => "Card declined (URL_NOK, no notification)",
            Outcome::Cancelled => "Cancel (URL_NOK, no notification)",
        }
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/tpvweb/tpv/compra.action", post(compra))
        .route(
            "/tpvweb/tpv/pago/{operation}",
            get(pay_page).post(pay_submit),
        )
        .route("/webapp/ConsTpvVirtWeb/ConsTpvVirtS", post(consola))
}

fn error_page(app: &App, operation: &str, message: &str) -> Response {
    app.note("ceca", operation, format!("refused: {message}"));
    html::respond(
        StatusCode::BAD_REQUEST,
        "CECA: error",
        &format!(
            "<h1>CECA</h1><p class=\"errors\" id=\"ceca-error\">{}</p>",
            esc(message)
        ),
    )
}

/// Checks the form as Cecabank does: the terminal, `Cifrado`, the amount, then `Firma`
/// (rebuilt with vpos-core's `ceca::checkout` from the received values).
fn read_checkout(config: &CecaConfig, fields: &[(String, String)]) -> Result<Payment, String> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let req = |name: &str| get(name).ok_or_else(|| format!("{name} is missing"));
    if req("MerchantID")? != config.merchant_id
        || req("AcquirerBIN")? != config.acquirer_bin
        || req("TerminalID")? != config.terminal_id
    {
        return Err(format!(
            "this sandbox plays CECA for MerchantID {} AcquirerBIN {} TerminalID {} (set ceca.* with --config)",
            config.merchant_id, config.acquirer_bin, config.terminal_id
        ));
    }
    let cifrado = req("Cifrado")?;
    if cifrado != config.cipher.as_str() {
        return Err(format!(
            "Cifrado {cifrado:?}: this terminal signs with {} (ceca.cipher)",
            config.cipher.as_str()
        ));
    }
    let numeric: u16 = req("TipoMoneda")?
        .parse()
        .map_err(|_| "TipoMoneda is not a number".to_string())?;
    let currency = Currency::from_numeric(numeric).map_err(|e| format!("TipoMoneda: {e}"))?;
    if req("Exponente")? != currency.exponent().to_string() {
        return Err(format!(
            "Exponente must be {} for {}",
            currency.exponent(),
            currency.code()
        ));
    }
    let importe = req("Importe")?;
    let minor = importe
        .parse::<i64>()
        .ok()
        .filter(|_| importe.len() <= 18 && importe.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| "Importe must be minor units, digits only".to_string())?;
    let amount = Amount::from_minor(minor, currency).map_err(|e| e.to_string())?;
    let url_ok = req("URL_OK")?.to_string();
    let url_nok = req("URL_NOK")?.to_string();
    let order = ceca::Order {
        operation: req("Num_operacion")?.to_string(),
        amount,
        description: get("Descripcion").map(str::to_string),
        language: get("Idioma").map(str::to_string),
        cardholder: None,
    };
    let core = config.core(&url_ok, &url_nok);
    let acs = read_acs(&core, get("datos_acs_20"), get("firma_acs_20"))?;
    let rebuilt = ceca::checkout(&core, &order).map_err(|e| {
        format!(
            "vpos-core: {} {} ({e})",
            e.field().unwrap_or("(form)"),
            e.code().as_str()
        )
    })?;
    let expected = rebuilt
        .fields
        .iter()
        .find(|(k, _)| k == "Firma")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let received = req("Firma")?.to_ascii_lowercase();
    if !bool::from(expected.as_bytes().ct_eq(received.as_bytes())) {
        return Err(format!(
            "Firma does not match the terminal's key ({} of the form fields)",
            config.cipher.as_str()
        ));
    }
    Ok(Payment {
        operation: order.operation,
        created: clock::rfc3339(clock::now_ms()),
        amount,
        description: order.description,
        language: order.language,
        url_ok,
        url_nok,
        status: "open",
        reference: None,
        acs,
        refunded: 0,
    })
}

/// `datos_acs_20` and `firma_acs_20`: both or neither; the signature is the terminal's digest of
/// the key + the value as sent (vpos-core's `ceca::sign_datos_acs_20`); the value is base64 of a
/// JSON object, returned decoded for the payment page.
fn read_acs(
    core: &ceca::Config,
    datos: Option<&str>,
    firma: Option<&str>,
) -> Result<Option<String>, String> {
    let (datos, firma) = match (datos, firma) {
        (None, None) => return Ok(None),
        (Some(d), Some(f)) => (d, f),
        (Some(_), None) => return Err("datos_acs_20 came without firma_acs_20".into()),
        (None, Some(_)) => return Err("firma_acs_20 came without datos_acs_20".into()),
    };
    let expected = ceca::sign_datos_acs_20(core, datos);
    let received = firma.to_ascii_lowercase();
    if !bool::from(expected.as_bytes().ct_eq(received.as_bytes())) {
        return Err(format!(
            "firma_acs_20 does not match the terminal's key ({} of the key and datos_acs_20)",
            core.cipher.as_str()
        ));
    }
    let json = STANDARD
        .decode(datos)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|t| serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.is_object()))
        .ok_or_else(|| "datos_acs_20 is not base64 of a JSON object".to_string())?;
    Ok(Some(json))
}

/// `POST /tpvweb/tpv/compra.action`: the signed form; `303` to the payment page.
async fn compra(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let fields = match parse_urlencoded(&body, MAX_FORM_BYTES) {
        Ok(f) => f,
        Err(e) => return error_page(&app, "", &format!("the form does not parse: {e}")),
    };
    let payment = match read_checkout(&app.config.ceca, &fields) {
        Ok(p) => p,
        Err(e) => return error_page(&app, "", &e),
    };
    let operation = payment.operation.clone();
    {
        let mut inner = app.lock();
        if let Some(existing) = inner.ceca.payments.get(&operation)
            && existing.status != "open"
        {
            drop(inner);
            return error_page(
                &app,
                &operation,
                &format!("Num_operacion {operation} was already used"),
            );
        }
        inner.ceca.payments.insert(operation.clone(), payment);
    }
    let page = format!("/tpvweb/tpv/pago/{operation}");
    pay_page::open(&app, "ceca", &operation, "checkout accepted", &page)
}

async fn pay_page(AppState(app): AppState<Arc<App>>, Path(operation): Path<String>) -> Response {
    let inner = app.lock();
    let Some(p) = inner.ceca.payments.get(&operation) else {
        return pay_page::not_found("CECA: unknown operation", "CECA", "operation");
    };
    let choice = if p.status == "open" {
        pay_page::outcome_form(
            &format!("/tpvweb/tpv/pago/{}", p.operation),
            "",
            Outcome::ALL.map(|o| (o.as_str(), o.button().to_string())),
        )
    } else {
        pay_page::status_line("operation is already", p.status)
    };
    let notify_url = app.config.ceca.notify_url.clone();
    let rows = [
        ("Num_operacion", p.operation.clone()),
        ("Descripcion", p.description.clone().unwrap_or_default()),
        ("Importe", pay_page::amount(&p.amount)),
        (
            "Notification to",
            notify_url.unwrap_or_else(|| "(none: ceca.notify_url is not set)".into()),
        ),
        (
            "datos_acs_20 (3-D Secure 2, firma_acs_20 checked)",
            p.acs.clone().unwrap_or_else(|| "(none)".into()),
        ),
    ];
    pay_page::show(
        "CECA payment (sandbox)",
        "<h1>CECA TPV virtual</h1>",
        &rows,
        &choice,
    )
}

async fn pay_submit(
    AppState(app): AppState<Arc<App>>,
    Path(operation): Path<String>,
    body: Bytes,
) -> Response {
    let page = ("CECA payment", "CECA");
    pay_page::submit(&body, MAX_FORM_BYTES, Outcome::parse, page, |outcome, _| {
        pay(&app, &operation, outcome).map(|paid| html::see_other(&paid.redirect))
    })
}

/// What paying did.
#[derive(Debug, Serialize)]
pub(crate) struct Paid {
    pub order: String,
    pub outcome: &'static str,
    /// `Referencia` of a paid operation.
    pub reference: Option<String>,
    /// URL_OK or URL_NOK.
    pub redirect: String,
}

/// The notification fields of a paid operation, in the order Cecabank sends them, `Firma`
/// made by vpos-core's `ceca::sign_notification` (the digest `ceca::verify` checks).
pub(crate) fn notification_fields(
    config: &CecaConfig,
    p: &Payment,
    reference: &str,
    authorisation: &str,
) -> Vec<(&'static str, String)> {
    let importe = p.amount.minor().to_string();
    let moneda = format!("{:03}", p.amount.currency().numeric());
    let exponente = p.amount.currency().exponent().to_string();
    let firma = ceca::sign_notification(
        &config.core(&p.url_ok, &p.url_nok),
        &p.operation,
        p.amount,
        reference,
    );
    vec![
        ("MerchantID", config.merchant_id.clone()),
        ("AcquirerBIN", config.acquirer_bin.clone()),
        ("TerminalID", config.terminal_id.clone()),
        ("Num_operacion", p.operation.clone()),
        ("Importe", importe),
        ("TipoMoneda", moneda),
        ("Exponente", exponente),
        ("Referencia", reference.to_string()),
        ("Firma", firma),
        ("Num_aut", authorisation.to_string()),
        ("BIN", "454881".into()),
        ("FinalPAN", "0004".into()),
        ("Cambio_moneda", "1.000000".into()),
        ("Idioma", p.language.clone().unwrap_or_else(|| "1".into())),
        ("Pais", "724".into()),
        ("Tipo_tarjeta", "C".into()),
        ("Descripcion", p.description.clone().unwrap_or_default()),
    ]
}

/// Does what clicking an outcome does: a paid operation is notified (one attempt, as CECA
/// makes; received only when answered `$*$OKY$*$`) and the browser goes to URL_OK; the others
/// are not notified and go to URL_NOK.
pub(crate) fn pay(app: &Arc<App>, operation: &str, outcome: Outcome) -> Result<Paid, PayError> {
    let config = &app.config.ceca;
    let (body, redirect, reference) = {
        let mut inner = app.lock();
        let reference = format!("12004{}", inner.digits(25));
        let authorisation = inner.digits(6);
        let p = inner
            .ceca
            .payments
            .get_mut(operation)
            .ok_or_else(|| PayError::unknown("CECA"))?;
        if p.status != "open" {
            return Err(PayError::finished("CECA", operation, p.status));
        }
        match outcome {
            Outcome::Paid => {
                p.status = "paid";
                p.reference = Some(reference.clone());
                let fields = notification_fields(config, p, &reference, &authorisation);
                let body = encode_urlencoded(fields.iter().map(|(k, v)| (*k, v.as_str())));
                (Some(body), p.url_ok.clone(), Some(reference))
            }
            Outcome::Declined => {
                p.status = "declined";
                (None, p.url_nok.clone(), None)
            }
            Outcome::Cancelled => {
                p.status = "cancelled";
                (None, p.url_nok.clone(), None)
            }
        }
    };
    app.note(
        "ceca",
        operation,
        format!("customer chose {}", outcome.as_str()),
    );
    if let Some(body) = body {
        match config.notify_url.clone() {
            Some(url) => delivery::dispatch(
                app,
                Delivery {
                    gateway: "ceca",
                    order: operation.to_string(),
                    label: "notification (paid)".into(),
                    url,
                    content_type: "application/x-www-form-urlencoded",
                    body,
                    policy: Policy::once(delivery::ceca_accepts),
                    signer: None,
                },
                Duration::ZERO,
            ),
            None => app.note(
                "ceca",
                operation,
                "ceca.notify_url is not set: notification not sent".into(),
            ),
        }
    }
    Ok(Paid {
        order: operation.to_string(),
        outcome: outcome.as_str(),
        reference,
        redirect,
    })
}

/// `POST /webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt`: a refund, answered in XML.
async fn consola(
    AppState(app): AppState<Arc<App>>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Response {
    if !query
        .iter()
        .any(|(k, v)| k == "modo" && v == "anularOperacionExt")
    {
        return xml_answer(&error_xml("0", "903", "modo must be anularOperacionExt"));
    }
    match refund(&app, &body) {
        (answer, Some(operation)) => {
            let response = xml_answer(&answer);
            delivery::unless_reply_lost(&app, "ceca", &operation, "refund", response).await
        }
        (answer, None) => xml_answer(&answer),
    }
}

fn xml_answer(body: &str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn error_xml(number: &str, code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<TRANSACCION valor=\"ERROR\" numeroOperacion=\"{number}\" fecha=\"{}\">\n  <ERROR>\n    <codigo>{code}</codigo>\n    <descripcion>{}</descripcion>\n  </ERROR>\n</TRANSACCION>\n",
        clock::rfc3339(clock::now_ms()),
        escape_xml(message)
    )
}

/// The refund and its XML answer, with the operation when it was carried out (whose answer
/// the `lose-replies` fault may lose).
fn refund(app: &App, body: &[u8]) -> (String, Option<String>) {
    let config = &app.config.ceca;
    let number = app.lock().digits(10);
    let fields = match parse_urlencoded(body, MAX_FORM_BYTES) {
        Ok(f) => f,
        Err(e) => {
            return (
                error_xml(&number, "903", &format!("the form does not parse: {e}")),
                None,
            );
        }
    };
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let operation = get("Num_operacion").unwrap_or_default().to_string();
    let fail = |code: &str, message: String| {
        app.note(
            "ceca",
            &operation,
            format!("refund refused: {code} {message}"),
        );
        (error_xml(&number, code, &message), None)
    };
    let (Some(merchant), Some(acquirer), Some(terminal)) =
        (get("MerchantID"), get("AcquirerBIN"), get("TerminalID"))
    else {
        return fail(
            "903",
            "MerchantID, AcquirerBIN and TerminalID are required".into(),
        );
    };
    if merchant != config.merchant_id
        || acquirer != config.acquirer_bin
        || terminal != config.terminal_id
    {
        return fail("901", "another terminal".into());
    }
    if get("Cifrado") != Some(config.cipher.as_str()) {
        return fail("901", format!("Cifrado must be {}", config.cipher.as_str()));
    }
    let numeric = get("TipoMoneda")
        .and_then(|m| m.parse::<u16>().ok())
        .unwrap_or(0);
    let Ok(currency) = Currency::from_numeric(numeric) else {
        return fail("903", "TipoMoneda is not a currency".into());
    };
    if get("Exponente") != Some(currency.exponent().to_string().as_str()) {
        return fail("903", "Exponente is not the currency's".into());
    }
    let importe = get("Importe").unwrap_or_default();
    let Some(amount) = importe
        .parse::<i64>()
        .ok()
        .filter(|_| importe.len() <= 18 && importe.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|m| Amount::from_minor(m, currency).ok())
    else {
        return fail("903", "Importe must be minor units, digits only".into());
    };
    let request: ceca::Refund = ceca::Refund {
        operation: operation.clone(),
        reference: get("Referencia").unwrap_or_default().to_string(),
        amount,
        partial: get("TIPO_ANU") == Some("P"),
    };
    if let Err(e) = request.validate() {
        return fail("903", e.to_string());
    }
    let core = config.core("http://127.0.0.1/ok", "http://127.0.0.1/ko");
    let expected = ceca::sign_refund(&core, &request);
    let received = get("Firma").unwrap_or_default().to_ascii_lowercase();
    if !bool::from(expected.as_bytes().ct_eq(received.as_bytes())) {
        return fail(
            "901",
            format!(
                "Firma does not match the terminal's key ({} of the refund fields)",
                config.cipher.as_str()
            ),
        );
    }
    let mut inner = app.lock();
    let Some(p) = inner.ceca.payments.get_mut(&operation) else {
        drop(inner);
        return fail("15", "ERROR. Operación inexistente".into());
    };
    if p.status == "open" || p.reference.as_deref() != Some(request.reference.as_str()) {
        drop(inner);
        return fail(
            "15",
            "ERROR. Operación inexistente (no paid operation with this Referencia)".into(),
        );
    }
    if amount.currency() != p.amount.currency()
        || amount.minor() <= 0
        || amount.minor() > p.amount.minor() - p.refunded
    {
        drop(inner);
        return fail(
            "902",
            "the refund exceeds what is left of the operation".into(),
        );
    }
    let whole = amount == p.amount && p.refunded == 0;
    if request.partial == whole {
        drop(inner);
        return fail(
            "904",
            "TIPO_ANU=P marks a partial refund, and only one".into(),
        );
    }
    p.refunded += amount.minor();
    p.status = if p.refunded == p.amount.minor() {
        "refunded"
    } else {
        "partially_refunded"
    };
    drop(inner);
    app.note(
        "ceca",
        &operation,
        format!("refund of {} accepted", amount.to_decimal_string()),
    );
    let unit = if currency.code() == "EUR" {
        "Euros"
    } else {
        currency.code()
    };
    let answer = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<TRANSACCION valor=\"OK\" numeroOperacion=\"{number}\" fecha=\"{}\">\n  <OPERACION tipo=\"900\">\n    <importe>{:>14} {unit}</importe>\n  </OPERACION>\n</TRANSACCION>\n",
        clock::rfc3339(clock::now_ms()),
        amount.to_decimal_string()
    );
    (answer, Some(operation))
}

/// The operations, newest first.
pub(crate) fn orders(inner: &Inner) -> Vec<serde_json::Value> {
    inner
        .ceca
        .payments
        .values()
        .rev()
        .map(|p| {
            serde_json::json!({
                "gateway": "ceca",
                "order": p.operation,
                "amount": p.amount,
                "status": p.status,
                "reference": p.reference,
                "refunded_minor": p.refunded,
                "datos_acs_20": p.acs,
                "created": p.created,
                "payment_page": format!("/tpvweb/tpv/pago/{}", p.operation),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vpos_core::gateways::ceca::Cipher;

    /// The notification is accepted by vpos-core's own verifier, in both digests, and refused
    /// with one character of the key changed.
    #[test]
    fn notifications_verify_with_vpos_core() {
        for cipher in [Cipher::Sha2, Cipher::Sha1] {
            let config = CecaConfig {
                cipher,
                ..CecaConfig::default()
            };
            let p = Payment {
                operation: "DS0001".into(),
                created: String::new(),
                amount: Amount::from_minor(4999, Currency::from_code("EUR").unwrap()).unwrap(),
                description: Some("Tea & <cake>".into()),
                language: None,
                url_ok: "http://127.0.0.1/ok".into(),
                url_nok: "http://127.0.0.1/ko".into(),
                status: "open",
                reference: None,
                acs: None,
                refunded: 0,
            };
            let fields = notification_fields(&config, &p, "120041234", "123456");
            let body = encode_urlencoded(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let core = config.core(&p.url_ok, &p.url_nok);
            let n = ceca::parse_notification(
                &core,
                "application/x-www-form-urlencoded",
                body.as_bytes(),
            )
            .unwrap();
            let verified = ceca::verify(&core, n).unwrap();
            assert_eq!(verified.event().amount().minor(), 4999);
            let wrong = CecaConfig {
                key: vpos_core::Secret::new("99888889"),
                ..config.clone()
            };
            let n = ceca::parse_notification(
                &core,
                "application/x-www-form-urlencoded",
                body.as_bytes(),
            )
            .unwrap();
            let e = ceca::verify(&wrong.core(&p.url_ok, &p.url_nok), n).unwrap_err();
            assert_eq!(e.code(), vpos_core::ErrorCode::SignatureMismatch);
        }
    }
}

//! Redsys at its real paths: `POST /sis/realizarPago` (the signed redirect form), the payment
//! page, the signed HTTP-POST notification to `DS_MERCHANT_MERCHANTURL`, the signed return to
//! `DS_MERCHANT_URLOK`/`URLKO`, and `POST /sis/rest/trataPeticionREST` (refund 3, confirm 2,
//! cancel 9, a Paygold link F in `redsys_paygold.rs`). Signatures are made with vpos-core (`redsys::sign`), in the version the shop used.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AppState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;
use subtle::ConstantTimeEq;
use vpos_core::form::{encode_urlencoded, parse_urlencoded};
use vpos_core::gateways::redsys::{self, SignatureVersion, TransactionType};
use vpos_core::{Amount, Currency, ErrorCode};

use crate::app::{App, Bounded, Inner, PayError};
use crate::clock;
use crate::config::RedsysConfig;
use crate::delivery::{self, Delivery, Policy};
use crate::html::{self, esc};
use crate::pay_page;

#[path = "redsys_emv3ds.rs"]
pub(crate) mod emv3ds;
#[path = "redsys_paygold.rs"]
pub(crate) mod paygold;

/// Largest form or REST request accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Redsys's side of the sandbox.
#[derive(Default)]
pub(crate) struct State {
    /// Payments by `Ds_Order` (unique per terminal, as Redsys requires).
    pub payments: Bounded<Payment>,
    /// Host-to-host EMV3DS flows by `threeDSServerTransID` (`redsys_emv3ds.rs`).
    pub emv3ds: Bounded<emv3ds::Flow>,
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    Open,
    Authorised,
    Denied,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Authorised => "authorised",
            Status::Denied => "denied",
            Status::Cancelled => "cancelled",
        }
    }
}

/// A pre-authorisation's life after it was authorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Preauth {
    /// Not a pre-authorisation (or not authorised).
    None,
    /// Authorised, waiting for confirm (2) or cancel (9).
    Open,
    Confirmed,
    Released,
}

/// One order posted to `realizarPago`.
pub(crate) struct Payment {
    pub order: String,
    pub created: String,
    pub version: SignatureVersion,
    pub amount: Amount,
    /// `0` payment or `1` pre-authorisation.
    pub transaction_type: &'static str,
    pub merchant_url: Option<String>,
    pub url_ok: Option<String>,
    pub url_ko: Option<String>,
    pub description: Option<String>,
    pub merchant_name: Option<String>,
    pub merchant_data: Option<String>,
    pub consumer_language: Option<String>,
    /// `DS_MERCHANT_IDENTIFIER: REQUIRED` asks for a card reference in the notification.
    pub wants_reference: bool,
    pub status: Status,
    pub authorisation_code: Option<String>,
    /// Captured minor units (the payment, or the confirmed part of a pre-authorisation).
    pub captured: i64,
    pub refunded: i64,
    pub preauth: Preauth,
    /// Where a Paygold link was sent (`DS_MERCHANT_CUSTOMER_MOBILE` / `_MAIL`), for a payment
    /// opened by a type `F` REST request (`redsys_paygold.rs`) rather than `realizarPago`.
    pub paygold_to: Option<String>,
    /// What Redsys's status query reports for the order: the sale (or pre-authorisation)
    /// once the customer chose, then each confirm, cancel and refund carried out, oldest first.
    pub operations: Vec<Recorded>,
}

/// Most operations remembered per order (a sale and its refunds; beyond it the oldest
/// refunds are forgotten, the sale never).
const MAX_OPERATIONS: usize = 100;

/// One operation on an order, as the status query reports it.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    /// `Ds_TransactionType`: `0`, `1`, `2`, `3` or `9`.
    pub transaction_type: String,
    /// `Ds_Amount`, minor units.
    pub amount: i64,
    /// `Ds_Response`.
    pub response: &'static str,
    /// `Ds_AuthorisationCode` as the notification or REST reply of the operation carried it.
    pub authorisation_code: Option<String>,
    /// `Ds_Date` (`dd/mm/yyyy`) and `Ds_Hour` (`hh:mm:ss`), UTC.
    pub date: String,
    pub hour: String,
}

impl Payment {
    fn record(
        &mut self,
        transaction_type: &str,
        amount: i64,
        response: &'static str,
        code: Option<String>,
    ) {
        let c = clock::civil(clock::now_ms());
        if self.operations.len() >= MAX_OPERATIONS {
            self.operations.remove(1);
        }
        self.operations.push(Recorded {
            transaction_type: transaction_type.to_string(),
            amount,
            response,
            authorisation_code: code,
            date: format!("{:02}/{:02}/{:04}", c.day, c.month, c.year),
            hour: format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
        });
    }
}

/// What the customer chooses on the payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `Ds_Response` `0000`.
    Authorised,
    /// `0180`, "Tarjeta ajena al servicio".
    Denied,
    /// `9915`, cancelled by the customer.
    Cancelled,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Authorised, Outcome::Denied, Outcome::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Authorised => "authorised",
            Outcome::Denied => "denied",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// By name (British or American spelling) or by `Ds_Response`.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "authorised" | "authorized" | "paid" | "0000" => Some(Outcome::Authorised),
            "denied" | "declined" | "0180" => Some(Outcome::Denied),
            "cancelled" | "canceled" | "9915" => Some(Outcome::Cancelled),
            _ => None,
        }
    }

    fn response(self) -> &'static str {
        match self {
            Outcome::Authorised => "0000",
            Outcome::Denied => "0180",
            Outcome::Cancelled => "9915",
        }
    }

    fn button(self) -> &'static str {
        match self {
            Outcome::Authorised => "Authorise (0000)",
            Outcome::Denied => "Deny: card not serviced (0180)",
            Outcome::Cancelled => "Cancel payment (9915)",
        }
    }

    fn status(self) -> Status {
        match self {
            Outcome::Authorised => Status::Authorised,
            Outcome::Denied => Status::Denied,
            Outcome::Cancelled => Status::Cancelled,
        }
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/sis/realizarPago", post(realizar_pago))
        .route("/sis/pago/{order}", get(pay_page).post(pay_submit))
        .route("/sis/rest/trataPeticionREST", post(trata_peticion))
        .merge(emv3ds::routes())
}

/// A Redsys refusal: the `SISxxxx` code when Redsys has one, and what exactly is wrong.
#[derive(Debug)]
pub(crate) struct SisError {
    pub sis: Option<&'static str>,
    pub detail: String,
}

impl SisError {
    fn new(sis: &'static str, detail: impl Into<String>) -> SisError {
        SisError {
            sis: Some(sis),
            detail: detail.into(),
        }
    }

    fn text(&self) -> String {
        match self.sis {
            Some(code) => format!("{code} {} — {}", sis_message(code), self.detail),
            None => self.detail.clone(),
        }
    }
}

/// Redsys's messages for the codes the sandbox answers (django-virtual-pos `DS_ERROR_CODES`).
fn sis_message(code: &str) -> &'static str {
    match code {
        "SIS0008" => "Error falta Ds_Merchant_MerchantCode",
        "SIS0010" => "Error falta Ds_Merchant_Terminal",
        "SIS0015" => "Error falta Ds_Merchant_Currency",
        "SIS0016" => "Error de formato en Ds_Merchant_Currency",
        "SIS0018" => "Error falta Ds_Merchant_Amount",
        "SIS0019" => "Error de formato en Ds_Merchant_Amount",
        "SIS0020" => "Error falta Ds_Merchant_MerchantSignature",
        "SIS0022" => "Error de formato en Ds_Merchant_TransactionType",
        "SIS0023" => "Error Ds_Merchant_TransactionType desconocido",
        "SIS0025" => "Error de formato en Ds_Merchant_ConsumerLanguage",
        "SIS0026" => "Error No existe el comercio / terminal enviado en TZF",
        "SIS0027" => "Error Moneda enviada por el comercio es diferente a la de la TZF",
        "SIS0041" => "Error en el cálculo de la HASH de datos del comercio.",
        "SIS0042" => "La firma enviada no es correcta",
        "SIS0051" => "Error número de pedido repetido",
        "SIS0054" => "Error no existe operación sobre la que realizar la devolución",
        "SIS0056" => "La operación sobre la que se desea devolver no está autorizada",
        "SIS0057" => "El importe a devolver supera el permitido",
        "SIS0059" => "Error no existe operación sobre la que realizar la confirmación",
        "SIS0060" => "Ya existe una confirmación asociada a la preautorización",
        "SIS0061" => "La preautorización sobre la que se desea confirmar no está autorizada",
        "SIS0062" => "El importe a confirmar supera el permitido",
        "SIS0072" => "Operación no anulable",
        "SIS0074" => "Error falta Ds_Merchant_Order",
        "SIS0075" => "Error el Ds_Merchant_Order tiene menos de 4 posiciones o más de 12",
        "SIS0076" => "Error el Ds_Merchant_Order no tiene las cuatro primeras posiciones numéricas",
        "SIS0274" => "Tipo de operación desconocida o no permitida por esta entrada al SIS",
        "SIS0429" => "Error en la versión enviada por el comercio (Ds_SignatureVersion)",
        "SIS0430" => "Error al decodificar el parámetro Ds_MerchantParameters",
        "SIS0431" => {
            "Error del objeto JSON que se envía codificado en el parámetro Ds_MerchantParameters"
        }
        _ => "",
    }
}

/// A request whose signature checked out.
#[derive(Debug)]
struct Signed {
    version: SignatureVersion,
    order: String,
    /// Decoded parameters, keys upper-cased (`DS_MERCHANT_AMOUNT`), values as text.
    params: Vec<(String, String)>,
}

impl Signed {
    fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let has_url = text.contains(['-', '_']);
    let has_std = text.contains(['+', '/']);
    match (has_std, has_url) {
        (true, true) => None,
        (false, true) => URL_LENIENT.decode(text).ok(),
        _ => STANDARD_LENIENT.decode(text).ok(),
    }
}

/// The parameters JSON object, keys upper-cased, scalar values as text.
fn json_params(json: &[u8]) -> Option<Vec<(String, String)>> {
    let serde_json::Value::Object(map) = serde_json::from_slice(json).ok()? else {
        return None;
    };
    map.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Null => String::new(),
                // The one nested value Redsys takes: the EMV3DS object, kept as its JSON.
                object @ serde_json::Value::Object(_)
                    if k.eq_ignore_ascii_case("DS_MERCHANT_EMV3DS") =>
                {
                    object.to_string()
                }
                _ => return None,
            };
            Some((k.to_ascii_uppercase(), text))
        })
        .collect()
}

/// Whether two signatures carry the same MAC (decoded bytes, constant time).
fn same_mac(expected: &str, received: &str) -> bool {
    match (decode_base64(expected), decode_base64(received)) {
        (Some(a), Some(b)) => bool::from(a.as_slice().ct_eq(&b)),
        _ => false,
    }
}

/// Reads `Ds_SignatureVersion`, `Ds_MerchantParameters`, `Ds_Signature` and checks them as
/// Redsys does: the version, the parameters, merchant and terminal, then the signature with
/// the terminal's key over the parameters text exactly as received.
fn read_signed(config: &RedsysConfig, fields: &[(String, String)]) -> Result<Signed, SisError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let version_text = field("Ds_SignatureVersion").unwrap_or("");
    let version = SignatureVersion::from_wire(version_text).map_err(|_| {
        SisError::new(
            "SIS0429",
            format!("Ds_SignatureVersion {version_text:?} is not HMAC_SHA256_V1, HMAC_SHA512_V1 or HMAC_SHA512_V2"),
        )
    })?;
    let text = field("Ds_MerchantParameters")
        .ok_or_else(|| SisError::new("SIS0430", "Ds_MerchantParameters is missing"))?;
    let json = decode_base64(text)
        .ok_or_else(|| SisError::new("SIS0430", "Ds_MerchantParameters is not base64"))?;
    let params = json_params(&json).ok_or_else(|| {
        SisError::new(
            "SIS0431",
            "Ds_MerchantParameters does not decode to a flat JSON object",
        )
    })?;
    let signature =
        field("Ds_Signature").ok_or_else(|| SisError::new("SIS0020", "Ds_Signature is missing"))?;
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let order = get("DS_MERCHANT_ORDER")
        .ok_or_else(|| SisError::new("SIS0074", "DS_MERCHANT_ORDER is missing"))?
        .to_string();
    redsys::check_order_number(&order).map_err(|e| {
        let code = if e.code() == ErrorCode::FieldTooLong || order.len() < 4 {
            "SIS0075"
        } else {
            "SIS0076"
        };
        SisError::new(code, e.message().to_string())
    })?;
    let merchant = get("DS_MERCHANT_MERCHANTCODE")
        .ok_or_else(|| SisError::new("SIS0008", "DS_MERCHANT_MERCHANTCODE is missing"))?;
    let terminal = get("DS_MERCHANT_TERMINAL")
        .ok_or_else(|| SisError::new("SIS0010", "DS_MERCHANT_TERMINAL is missing"))?;
    if merchant != config.merchant_code
        || terminal.trim_start_matches('0') != config.terminal.trim_start_matches('0')
    {
        return Err(SisError::new(
            "SIS0026",
            format!(
                "this sandbox plays Redsys for merchant {} terminal {}, not {merchant} terminal {terminal} (set redsys.merchant_code / terminal with --config)",
                config.merchant_code, config.terminal
            ),
        ));
    }
    let expected = redsys::sign(&config.core(version), &order, text.as_bytes())
        .map_err(|e| SisError::new("SIS0041", e.message().to_string()))?;
    if !same_mac(&expected, signature) {
        return Err(SisError::new(
            "SIS0042",
            format!(
                "Ds_Signature does not match {} over Ds_MerchantParameters with the terminal's key and order {order}",
                version.as_str()
            ),
        ));
    }
    Ok(Signed {
        version,
        order,
        params,
    })
}

/// `DS_MERCHANT_AMOUNT` (minor units) in `DS_MERCHANT_CURRENCY` (ISO 4217 numeric).
fn amount_of(signed: &Signed) -> Result<Amount, SisError> {
    let raw = signed
        .get("DS_MERCHANT_AMOUNT")
        .ok_or_else(|| SisError::new("SIS0018", "DS_MERCHANT_AMOUNT is missing"))?;
    let minor = raw
        .parse::<i64>()
        .ok()
        .filter(|_| raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            SisError::new(
                "SIS0019",
                format!("DS_MERCHANT_AMOUNT {raw:?} is not minor units (digits only)"),
            )
        })?;
    let code = signed
        .get("DS_MERCHANT_CURRENCY")
        .ok_or_else(|| SisError::new("SIS0015", "DS_MERCHANT_CURRENCY is missing"))?;
    let currency = code
        .parse::<u16>()
        .ok()
        .filter(|_| code.len() <= 3)
        .and_then(|n| Currency::from_numeric(n).ok())
        .ok_or_else(|| {
            SisError::new(
                "SIS0016",
                format!("DS_MERCHANT_CURRENCY {code:?} is not an ISO 4217 numeric code"),
            )
        })?;
    Amount::from_minor(minor, currency).map_err(|e| SisError::new("SIS0019", e.message()))
}

/// Maps a core validation error on the order to Redsys's code where it has one.
fn core_error(e: &vpos_core::Error) -> SisError {
    let sis = match e.field() {
        Some("DS_MERCHANT_AMOUNT") => Some("SIS0019"),
        Some("DS_MERCHANT_CONSUMERLANGUAGE") => Some("SIS0025"),
        _ => None,
    };
    SisError {
        sis,
        detail: format!(
            "vpos-core: {} {} ({})",
            e.field().unwrap_or("(form)"),
            e.code().as_str(),
            e.message()
        ),
    }
}

fn read_form(body: &[u8]) -> Result<Vec<(String, String)>, SisError> {
    parse_urlencoded(body, MAX_BODY_BYTES).map_err(|e| SisError {
        sis: None,
        detail: format!(
            "the form does not parse: {} ({})",
            e.code().as_str(),
            e.message()
        ),
    })
}

fn error_page(app: &App, order: &str, e: &SisError) -> Response {
    app.note("redsys", order, format!("refused: {}", e.text()));
    let code = e.sis.unwrap_or("");
    let body = format!(
        "<h1>Redsys</h1><p class=\"errors\" id=\"sis-error\" data-code=\"{c}\"><strong>{c}</strong> {m}</p><p>{d}</p>",
        c = esc(code),
        m = esc(sis_message(code)),
        d = esc(&e.detail)
    );
    html::respond(StatusCode::BAD_REQUEST, "Redsys: error", &body)
}

/// `POST /sis/realizarPago`: a payment (`0`) or pre-authorisation (`1`) opens the payment
/// page. Confirm (`2`), refund (`3`) and cancel (`9`) posted here, as django-virtual-pos does,
/// are carried out and answered with the page its screen-scraping reads
/// (`lngid="operacionAceptada"` / `"noSePuedeRealizarOperacion"`).
async fn realizar_pago(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let signed = match read_form(&body).and_then(|f| read_signed(&app.config.redsys, &f)) {
        Ok(s) => s,
        Err(e) => return error_page(&app, "", &e),
    };
    let order = signed.order.clone();
    match signed.get("DS_MERCHANT_TRANSACTIONTYPE").unwrap_or("") {
        t @ ("0" | "1") => match start_payment(&app, &signed, t) {
            Ok(()) => {
                let accepted = format!("checkout accepted ({})", signed.version.as_str());
                pay_page::open(
                    &app,
                    "redsys",
                    &order,
                    &accepted,
                    &format!("/sis/pago/{order}"),
                )
            }
            Err(e) => error_page(&app, &order, &e),
        },
        t @ ("2" | "3" | "9") => {
            let result = amount_of(&signed).and_then(|a| operate(&app, &signed, t, a));
            let body = match &result {
                Ok(done) => {
                    app.note(
                        "redsys",
                        &order,
                        format!("operation {t} accepted: Ds_Response {}", done.response),
                    );
                    format!(
                        "<h1>Redsys</h1><p><text lngid=\"operacionAceptada\">Operación aceptada</text> (Ds_Response {})</p>",
                        done.response
                    )
                }
                Err(e) => {
                    app.note(
                        "redsys",
                        &order,
                        format!("operation {t} refused: {}", e.text()),
                    );
                    format!(
                        "<h1>Redsys</h1><p><text lngid=\"noSePuedeRealizarOperacion\">No se puede realizar la operación</text></p><p>{}</p>",
                        esc(&e.text())
                    )
                }
            };
            html::respond(StatusCode::OK, "Redsys", &body)
        }
        "" => error_page(
            &app,
            &order,
            &SisError::new("SIS0022", "DS_MERCHANT_TRANSACTIONTYPE is missing"),
        ),
        other => error_page(
            &app,
            &order,
            &SisError::new(
                "SIS0023",
                format!(
                    "DS_MERCHANT_TRANSACTIONTYPE {other:?}: the sandbox knows 0, 1, 2, 3 and 9"
                ),
            ),
        ),
    }
}

/// Validates a payment request with the core's `redsys::Order` rules and opens it.
fn start_payment(app: &App, signed: &Signed, transaction_type: &str) -> Result<(), SisError> {
    let amount = amount_of(signed)?;
    let order = redsys::Order {
        order: signed.order.clone(),
        amount,
        transaction_type: if transaction_type == "1" {
            TransactionType::Preauthorization
        } else {
            TransactionType::Authorization
        },
        product_description: signed.string("DS_MERCHANT_PRODUCTDESCRIPTION"),
        titular: signed.string("DS_MERCHANT_TITULAR"),
        merchant_data: signed.string("DS_MERCHANT_MERCHANTDATA"),
        consumer_language: signed.string("DS_MERCHANT_CONSUMERLANGUAGE"),
        pay_methods: signed.string("DS_MERCHANT_PAYMETHODS"),
        bizum_mobile_number: signed.string("DS_MERCHANT_BIZUM_MOBILENUMBER"),
        merchant_url: signed.string("DS_MERCHANT_MERCHANTURL"),
        url_ok: signed.string("DS_MERCHANT_URLOK"),
        url_ko: signed.string("DS_MERCHANT_URLKO"),
        identifier: signed.string("DS_MERCHANT_IDENTIFIER"),
        stored_credential: None,
        cardholder: None,
        extra_parameters: Default::default(),
    };
    order.validate().map_err(|e| core_error(&e))?;
    open_payment(
        app,
        signed.version,
        order,
        signed.string("DS_MERCHANT_MERCHANTNAME"),
        None,
    )
}

/// Records a validated order as open, unless its number was used already: the checkout's
/// payment, or the one a Paygold link (`paygold_to`) is for.
pub(super) fn open_payment(
    app: &App,
    version: SignatureVersion,
    order: redsys::Order,
    merchant_name: Option<String>,
    paygold_to: Option<String>,
) -> Result<(), SisError> {
    let amount = order.amount;
    let mut inner = app.lock();
    if let Some(existing) = inner.redsys.payments.get(&order.order)
        && existing.status != Status::Open
    {
        return Err(SisError::new(
            "SIS0051",
            format!(
                "order {} was already used ({}); Redsys wants a new DS_MERCHANT_ORDER for every payment",
                order.order,
                existing.status.as_str()
            ),
        ));
    }
    inner.redsys.payments.insert(
        order.order.clone(),
        Payment {
            order: order.order.clone(),
            created: clock::rfc3339(clock::now_ms()),
            version,
            amount,
            transaction_type: match order.transaction_type {
                TransactionType::Preauthorization => "1",
                _ => "0",
            },
            merchant_url: order.merchant_url,
            url_ok: order.url_ok,
            url_ko: order.url_ko,
            description: order.product_description,
            merchant_name,
            merchant_data: order.merchant_data,
            consumer_language: order.consumer_language,
            wants_reference: order.identifier.as_deref() == Some("REQUIRED"),
            status: Status::Open,
            authorisation_code: None,
            captured: 0,
            refunded: 0,
            preauth: Preauth::None,
            paygold_to,
            operations: Vec::new(),
        },
    );
    Ok(())
}

async fn pay_page(AppState(app): AppState<Arc<App>>, Path(order): Path<String>) -> Response {
    let inner = app.lock();
    let Some(p) = inner.redsys.payments.get(&order) else {
        return pay_page::not_found("Redsys: unknown order", "Redsys", "order");
    };
    let choice = if p.status == Status::Open {
        pay_page::outcome_form(
            &format!("/sis/pago/{}", p.order),
            "<p>The sandbox asks for no card; the notification reports card 454881******0004.</p>",
            Outcome::ALL.map(|o| (o.as_str(), o.button().to_string())),
        )
    } else {
        pay_page::status_line("payment is already", p.status.as_str())
    };
    let merchant = p.merchant_name.clone().unwrap_or_else(|| {
        format!(
            "merchant {} terminal {}",
            app.config.redsys.merchant_code, app.config.redsys.terminal
        )
    });
    let intro = format!(
        "<h1>Redsys</h1><p>Pay <strong id=\"merchant-name\">{}</strong></p>",
        esc(&merchant)
    );
    let operation = if p.transaction_type == "1" {
        "pre-authorisation (1)"
    } else {
        "payment (0)"
    };
    let merchant_url = p.merchant_url.clone();
    let rows = [
        ("Order", p.order.clone()),
        ("Description", p.description.clone().unwrap_or_default()),
        ("Amount", pay_page::amount(&p.amount)),
        ("Operation", operation.to_string()),
        (
            "Paygold link sent to",
            p.paygold_to
                .clone()
                .unwrap_or_else(|| "(no link: realizarPago)".into()),
        ),
        ("Signature version", p.version.as_str().to_string()),
        (
            "Notification to",
            merchant_url.unwrap_or_else(|| "(none: no DS_MERCHANT_MERCHANTURL)".into()),
        ),
    ];
    pay_page::show("Redsys payment (sandbox)", &intro, &rows, &choice)
}

async fn pay_submit(
    AppState(app): AppState<Arc<App>>,
    Path(order): Path<String>,
    body: Bytes,
) -> Response {
    let page = ("Redsys payment", "Redsys");
    pay_page::submit(&body, MAX_BODY_BYTES, Outcome::parse, page, |outcome, _| {
        let paid = pay(&app, &order, outcome)?;
        Ok(match paid.redirect {
            Some(url) => html::see_other(&url),
            None => pay_page::done(
                "Redsys payment done",
                "Redsys",
                &format!("Order {}: Ds_Response {}.", paid.order, paid.response),
                Some("The order has no URLOK/URLKO to send you back to."),
            ),
        })
    })
}

/// What paying did.
#[derive(Debug, Serialize)]
pub(crate) struct Paid {
    pub order: String,
    pub outcome: &'static str,
    /// `Ds_Response`.
    pub response: &'static str,
    /// URLOK/URLKO with the signed parameters, where the browser goes next.
    pub redirect: Option<String>,
}

/// The parameters of a notification (and of the URLOK/URLKO return), in the key order of
/// Redsys's own notifications (peers-and-vectors R3).
#[derive(Debug, Clone, Default)]
pub(crate) struct NotificationData {
    /// `dd/mm/yyyy`.
    pub date: String,
    /// `HH:MM`.
    pub hour: String,
    pub secure_payment: String,
    pub card_number: Option<String>,
    pub card_country: Option<String>,
    /// Minor units.
    pub amount: String,
    /// ISO 4217 numeric.
    pub currency: String,
    pub order: String,
    pub merchant_code: String,
    /// Padded to three digits, as Redsys sends it.
    pub terminal: String,
    pub response: String,
    pub merchant_data: String,
    pub transaction_type: String,
    pub consumer_language: String,
    pub authorisation_code: Option<String>,
    pub card_brand: Option<String>,
    pub processed_pay_method: Option<String>,
    pub error_code: Option<String>,
    /// `Ds_Merchant_Identifier` and `Ds_ExpiryDate`, when a card reference was asked for.
    pub reference: Option<(String, String)>,
}

impl NotificationData {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> = vec![
            ("Ds_Date", &self.date),
            ("Ds_Hour", &self.hour),
            ("Ds_SecurePayment", &self.secure_payment),
        ];
        if let Some(v) = &self.card_number {
            out.push(("Ds_Card_Number", v));
        }
        if let Some(v) = &self.card_country {
            out.push(("Ds_Card_Country", v));
        }
        out.extend([
            ("Ds_Amount", self.amount.as_str()),
            ("Ds_Currency", &self.currency),
            ("Ds_Order", &self.order),
            ("Ds_MerchantCode", &self.merchant_code),
            ("Ds_Terminal", &self.terminal),
            ("Ds_Response", &self.response),
            ("Ds_MerchantData", &self.merchant_data),
            ("Ds_TransactionType", &self.transaction_type),
            ("Ds_ConsumerLanguage", &self.consumer_language),
        ]);
        for (key, value) in [
            ("Ds_AuthorisationCode", &self.authorisation_code),
            ("Ds_Card_Brand", &self.card_brand),
            ("Ds_ProcessedPayMethod", &self.processed_pay_method),
            ("Ds_ErrorCode", &self.error_code),
        ] {
            if let Some(v) = value {
                out.push((key, v));
            }
        }
        if let Some((identifier, expiry)) = &self.reference {
            out.push(("Ds_Merchant_Identifier", identifier));
            out.push(("Ds_ExpiryDate", expiry));
        }
        out
    }

    /// The JSON Redsys base64-encodes: keys in order, values URL-encoded as Redsys does
    /// (`22%2F10%2F2021`).
    pub fn json(&self) -> String {
        json_object(&self.pairs())
    }
}

/// `{"k":"v",…}` with every value URL-encoded (everything but `A-Z a-z 0-9 * - . _`).
fn json_object(pairs: &[(&str, &str)]) -> String {
    let mut json = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::Value::from(*k).to_string());
        json.push(':');
        json.push_str(&serde_json::Value::from(url_value(v)).to_string());
    }
    json.push('}');
    json
}

fn url_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"*-._".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SOAP `<Request>` markup of a notification, in the element order of Redsys's own SOAP
/// notifications (peers-and-vectors R5), values XML-escaped.
pub(crate) fn soap_request(data: &NotificationData) -> String {
    let mut out = String::from("<Request Ds_Version=\"0.0\">");
    let mut push = |name: &str, value: &str| {
        out.push_str(&format!("<{name}>{}</{name}>", html::esc(value)));
    };
    push("Fecha", &data.date);
    push("Hora", &data.hour);
    push("Ds_SecurePayment", &data.secure_payment);
    push("Ds_Amount", &data.amount);
    push("Ds_Currency", &data.currency);
    push("Ds_Order", &data.order);
    if data.card_number.is_some() {
        push("Ds_Card_Type", "C");
    }
    push("Ds_MerchantCode", &data.merchant_code);
    push("Ds_Terminal", &data.terminal);
    if let Some(c) = &data.card_country {
        push("Ds_Card_Country", c);
    }
    push("Ds_Response", &data.response);
    push("Ds_MerchantData", &data.merchant_data);
    push("Ds_TransactionType", &data.transaction_type);
    push("Ds_ConsumerLanguage", &data.consumer_language);
    for (name, value) in [
        ("Ds_AuthorisationCode", &data.authorisation_code),
        ("Ds_ErrorCode", &data.error_code),
    ] {
        if let Some(v) = value {
            push(name, v);
        }
    }
    out.push_str("</Request>");
    out
}

/// The SOAP 1.1 `procesaNotificacionSIS` envelope: `<Message>` with the request and its
/// `HMAC_SHA256_V1` signature (vpos-core's `redsys::sign`, keyed with the order), XML-escaped
/// inside `<XML>`.
pub(crate) fn soap_envelope(
    config: &RedsysConfig,
    data: &NotificationData,
) -> Result<String, vpos_core::Error> {
    let request = soap_request(data);
    let signature = redsys::sign(
        &config.core(SignatureVersion::HmacSha256V1),
        &data.order,
        request.as_bytes(),
    )?;
    let message = format!("<Message>{request}<Signature>{signature}</Signature></Message>");
    Ok(format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">",
            "<soapenv:Body><ns1:procesaNotificacionSIS xmlns:ns1=\"InotificacionSIS\">",
            "<XML>{}</XML></ns1:procesaNotificacionSIS></soapenv:Body></soapenv:Envelope>"
        ),
        html::esc(&message)
    ))
}

/// How the signature is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Notifications and URLOK/URLKO returns: base64url (Redsys sends `HMAC_SHA256_V1`
    /// notification signatures with `-_` and `=` padding).
    Notification,
    /// REST replies: the version's own encoding (standard base64 for `HMAC_SHA256_V1`).
    Rest,
}

/// Encodes `json` as `version` sends `Ds_MerchantParameters` and signs it with vpos-core
/// (`redsys::sign`, keyed with `order`). Returns (parameters, signature).
///
/// The core's `SignatureVersion::encode_parameters` is crate-private, so the parameter
/// encoding is restated here from `core/src/gateways/redsys/sign.rs`: standard base64 for
/// `HMAC_SHA256_V1` and `HMAC_SHA512_V1`, base64url without padding for `HMAC_SHA512_V2`.
pub(crate) fn sign_message(
    config: &RedsysConfig,
    version: SignatureVersion,
    order: &str,
    json: &str,
    style: Style,
) -> Result<(String, String), vpos_core::Error> {
    let parameters = match version {
        SignatureVersion::HmacSha512V2 => URL_SAFE_NO_PAD.encode(json),
        _ => STANDARD.encode(json),
    };
    let signature = redsys::sign(&config.core(version), order, parameters.as_bytes())?;
    let signature = match style {
        Style::Notification => signature.replace('+', "-").replace('/', "_"),
        Style::Rest => signature,
    };
    Ok((parameters, signature))
}

fn today() -> (String, String) {
    let c = clock::civil(clock::now_ms());
    (
        format!("{:02}/{:02}/{:04}", c.day, c.month, c.year),
        format!("{:02}:{:02}", c.hour, c.minute),
    )
}

/// Does what clicking an outcome does: marks the order, sends the signed notification to
/// `DS_MERCHANT_MERCHANTURL` (one attempt, as Redsys makes), and returns URLOK (authorised)
/// or URLKO (otherwise) with the same signed parameters in the query.
pub(crate) fn pay(app: &Arc<App>, order: &str, outcome: Outcome) -> Result<Paid, PayError> {
    let config = &app.config.redsys;
    let (data, version, merchant_url, back) = {
        let mut inner = app.lock();
        let authorisation = inner.digits(6);
        let reference = inner.random_from(b"0123456789abcdef", 40);
        let p = inner
            .redsys
            .payments
            .get_mut(order)
            .ok_or_else(|| PayError::unknown("Redsys"))?;
        if p.status != Status::Open {
            return Err(PayError::finished("Redsys", order, p.status.as_str()));
        }
        p.status = outcome.status();
        let (date, hour) = today();
        let mut data = NotificationData {
            date,
            hour,
            secure_payment: "1".into(),
            card_number: Some("454881******0004".into()),
            card_country: Some("724".into()),
            amount: p.amount.minor().to_string(),
            currency: format!("{:03}", p.amount.currency().numeric()),
            order: p.order.clone(),
            merchant_code: config.merchant_code.clone(),
            terminal: format!("{:0>3}", config.terminal),
            response: outcome.response().into(),
            merchant_data: p.merchant_data.clone().unwrap_or_default(),
            transaction_type: p.transaction_type.into(),
            consumer_language: p
                .consumer_language
                .as_deref()
                .map(|l| l.trim_start_matches('0'))
                .filter(|l| !l.is_empty())
                .unwrap_or("1")
                .to_string(),
            authorisation_code: None,
            card_brand: Some("1".into()),
            processed_pay_method: Some("1".into()),
            error_code: None,
            reference: None,
        };
        match outcome {
            Outcome::Authorised => {
                p.authorisation_code = Some(authorisation.clone());
                data.authorisation_code = Some(authorisation);
                if p.transaction_type == "1" {
                    p.preauth = Preauth::Open;
                } else {
                    p.captured = p.amount.minor();
                }
                if p.wants_reference {
                    data.reference = Some((reference, "4912".into()));
                }
            }
            Outcome::Denied => {
                data.secure_payment = "0".into();
                data.card_country = Some("0".into());
                data.authorisation_code = Some("++++++".into());
            }
            Outcome::Cancelled => {
                data.secure_payment = "0".into();
                data.card_number = None;
                data.card_country = None;
                data.card_brand = None;
                data.processed_pay_method = None;
                data.error_code = Some("SIS9915".into());
            }
        }
        p.record(
            p.transaction_type,
            p.amount.minor(),
            outcome.response(),
            data.authorisation_code.clone(),
        );
        let back = match outcome {
            Outcome::Authorised => p.url_ok.clone(),
            _ => p.url_ko.clone(),
        };
        (data, p.version, p.merchant_url.clone(), back)
    };
    let (parameters, signature) =
        sign_message(config, version, order, &data.json(), Style::Notification).map_err(|e| {
            PayError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "signing_failed",
                message: e.message().to_string(),
            }
        })?;
    let signed = [
        ("Ds_SignatureVersion", version.as_str()),
        ("Ds_MerchantParameters", parameters.as_str()),
        ("Ds_Signature", signature.as_str()),
    ];
    let query = encode_urlencoded(signed);
    let redirect = back.map(|url| {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}{query}")
    });
    app.note(
        "redsys",
        order,
        format!(
            "customer chose {}: Ds_Response {}",
            outcome.as_str(),
            outcome.response()
        ),
    );
    let soap = if config.soap_notifications {
        Some(soap_envelope(config, &data).map_err(|e| PayError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "signing_failed",
            message: e.message().to_string(),
        })?)
    } else {
        None
    };
    match merchant_url {
        Some(url) => delivery::dispatch(
            app,
            Delivery {
                gateway: "redsys",
                order: order.to_string(),
                label: format!(
                    "{}notification Ds_Response {}",
                    if soap.is_some() { "SOAP " } else { "" },
                    outcome.response()
                ),
                url,
                content_type: if soap.is_some() {
                    "text/xml; charset=utf-8"
                } else {
                    "application/x-www-form-urlencoded"
                },
                body: soap.unwrap_or_else(|| query.clone()),
                policy: Policy::once(if config.soap_notifications {
                    delivery::redsys_soap_accepts
                } else {
                    delivery::redsys_accepts
                }),
                signer: None,
            },
            Duration::ZERO,
        ),
        None => app.note(
            "redsys",
            order,
            "no DS_MERCHANT_MERCHANTURL: notification not sent".into(),
        ),
    }
    Ok(Paid {
        order: order.to_string(),
        outcome: outcome.as_str(),
        response: outcome.response(),
        redirect,
    })
}

/// A carried-out operation.
struct Operated {
    response: &'static str,
    authorisation_code: String,
    merchant_data: String,
}

/// Refund (3), confirm (2) or cancel (9) `amount` on the order `signed` names, with Redsys's
/// rules: refunds partial and repeated until the captured amount is used up, one confirmation
/// of at most the pre-authorised amount, cancellation of an unconfirmed pre-authorisation.
fn operate(app: &App, signed: &Signed, kind: &str, amount: Amount) -> Result<Operated, SisError> {
    let mut inner = app.lock();
    let authorisation_code = inner.digits(6);
    let Some(p) = inner.redsys.payments.get_mut(&signed.order) else {
        return Err(if kind == "3" {
            SisError::new("SIS0054", format!("no payment with order {}", signed.order))
        } else {
            SisError::new(
                "SIS0059",
                format!("no pre-authorisation with order {}", signed.order),
            )
        });
    };
    if amount.currency() != p.amount.currency() {
        return Err(SisError::new(
            "SIS0027",
            format!(
                "the order is in {}, the operation in {}",
                p.amount.currency().code(),
                amount.currency().code()
            ),
        ));
    }
    let minor = amount.minor();
    let response = match kind {
        "3" => {
            if p.status != Status::Authorised || p.captured == 0 {
                return Err(SisError::new(
                    "SIS0056",
                    format!(
                        "order {} has nothing captured to refund ({})",
                        p.order,
                        p.status.as_str()
                    ),
                ));
            }
            let left = p.captured - p.refunded;
            if minor > left {
                return Err(SisError::new(
                    "SIS0057",
                    format!(
                        "refund of {} exceeds what is left to refund ({} of {} captured)",
                        amount.to_decimal_string(),
                        minor_text(left, amount),
                        minor_text(p.captured, amount)
                    ),
                ));
            }
            p.refunded += minor;
            "0900"
        }
        "2" => {
            if p.transaction_type != "1" {
                return Err(SisError::new(
                    "SIS0059",
                    format!("order {} is not a pre-authorisation", p.order),
                ));
            }
            match (p.status, p.preauth) {
                (Status::Authorised, Preauth::Open) => {}
                (_, Preauth::Confirmed) => {
                    return Err(SisError::new(
                        "SIS0060",
                        format!("order {} is already confirmed", p.order),
                    ));
                }
                _ => {
                    return Err(SisError::new(
                        "SIS0061",
                        format!("order {} is not an open pre-authorisation", p.order),
                    ));
                }
            }
            if minor > p.amount.minor() {
                return Err(SisError::new(
                    "SIS0062",
                    format!(
                        "confirmation of {} exceeds the pre-authorised {}",
                        amount.to_decimal_string(),
                        p.amount.to_decimal_string()
                    ),
                ));
            }
            p.captured = minor;
            p.preauth = Preauth::Confirmed;
            "0900"
        }
        _ => {
            if p.transaction_type != "1"
                || p.status != Status::Authorised
                || p.preauth != Preauth::Open
            {
                return Err(SisError::new(
                    "SIS0072",
                    format!(
                        "order {} is not an open pre-authorisation, so it cannot be cancelled",
                        p.order
                    ),
                ));
            }
            p.preauth = Preauth::Released;
            "0400"
        }
    };
    p.record(kind, minor, response, Some(authorisation_code.clone()));
    Ok(Operated {
        response,
        authorisation_code,
        merchant_data: p.merchant_data.clone().unwrap_or_default(),
    })
}

fn minor_text(minor: i64, like: Amount) -> String {
    Amount::from_minor(minor, like.currency())
        .map_or_else(|_| minor.to_string(), |a| a.to_decimal_string())
}

fn rest_error(app: &App, order: &str, e: &SisError) -> Response {
    app.note("redsys", order, format!("REST refused: {}", e.text()));
    let code = e.sis.unwrap_or("SIS0041");
    axum::Json(serde_json::json!({ "errorCode": code })).into_response()
}

/// `POST /sis/rest/trataPeticionREST`: JSON (or form) with the three signed fields; answers
/// the signed result, or `{"errorCode": "SISxxxx"}` with HTTP 200 as Redsys does.
async fn trata_peticion(
    AppState(app): AppState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    let fields = if is_json {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            _ => {
                return rest_error(
                    &app,
                    "",
                    &SisError::new("SIS0431", "the request body is not a JSON object"),
                );
            }
        }
    } else {
        match read_form(&body) {
            Ok(f) => f,
            Err(e) => return rest_error(&app, "", &e),
        }
    };
    let signed = match read_signed(&app.config.redsys, &fields) {
        Ok(s) => s,
        Err(e) => return rest_error(&app, "", &e),
    };
    let order = signed.order.clone();
    if signed.get("DS_MERCHANT_EMV3DS").is_some() {
        return emv3ds::trata(&app, &signed);
    }
    let kind = signed.get("DS_MERCHANT_TRANSACTIONTYPE").unwrap_or("");
    let kind = match kind {
        "2" | "3" | "9" => kind.to_string(),
        "F" | "f" => return paygold::trata(&app, &signed).await,
        "0" | "1" => {
            return rest_error(
                &app,
                &order,
                &SisError::new(
                    "SIS0274",
                    "the sandbox takes payments on its payment page only (realizarPago), not card data over REST",
                ),
            );
        }
        other => {
            return rest_error(
                &app,
                &order,
                &SisError::new(
                    "SIS0023",
                    format!("DS_MERCHANT_TRANSACTIONTYPE {other:?}: REST knows 2, 3, 9 and F"),
                ),
            );
        }
    };
    let amount = match amount_of(&signed) {
        Ok(a) => a,
        Err(e) => return rest_error(&app, &order, &e),
    };
    let done = match operate(&app, &signed, &kind, amount) {
        Ok(d) => d,
        Err(e) => return rest_error(&app, &order, &e),
    };
    let config = &app.config.redsys;
    let amount_text = amount.minor().to_string();
    let currency = format!("{:03}", amount.currency().numeric());
    let pairs: [(&str, &str); 13] = [
        ("Ds_Amount", &amount_text),
        ("Ds_Currency", &currency),
        ("Ds_Order", &order),
        ("Ds_MerchantCode", &config.merchant_code),
        ("Ds_Terminal", &config.terminal),
        ("Ds_Response", done.response),
        ("Ds_AuthorisationCode", &done.authorisation_code),
        ("Ds_TransactionType", &kind),
        ("Ds_SecurePayment", "0"),
        ("Ds_Language", "1"),
        ("Ds_MerchantData", &done.merchant_data),
        ("Ds_Card_Country", "724"),
        ("Ds_Card_Brand", "1"),
    ];
    let (parameters, signature) = match sign_message(
        config,
        signed.version,
        &order,
        &json_object(&pairs),
        Style::Rest,
    ) {
        Ok(s) => s,
        Err(e) => return rest_error(&app, &order, &SisError::new("SIS0041", e.message())),
    };
    app.note(
        "redsys",
        &order,
        format!(
            "REST operation {kind} of {} accepted: Ds_Response {}",
            amount.to_decimal_string(),
            done.response
        ),
    );
    let answer = axum::Json(serde_json::json!({
        "Ds_SignatureVersion": signed.version.as_str(),
        "Ds_MerchantParameters": parameters,
        "Ds_Signature": signature,
    }))
    .into_response();
    let what = format!("REST operation {kind}");
    delivery::unless_reply_lost(&app, "redsys", &order, &what, answer).await
}

/// The orders, newest first, for `/_sandbox/orders` and the dashboard.
pub(crate) fn orders(inner: &Inner) -> Vec<serde_json::Value> {
    inner
        .redsys
        .payments
        .values()
        .rev()
        .map(|p| {
            serde_json::json!({
                "gateway": "redsys",
                "order": p.order,
                "amount": p.amount,
                "transaction_type": p.transaction_type,
                "signature_version": p.version.as_str(),
                "status": p.status,
                "preauth": p.preauth,
                "captured_minor": p.captured,
                "refunded_minor": p.refunded,
                "created": p.created,
                "payment_page": format!("/sis/pago/{}", p.order),
                "merchant_url": p.merchant_url,
                "paygold_to": p.paygold_to,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// peers-and-vectors §3.2 R3: the real notification Redsys's test environment sent for
    /// order `0726qI3H7sZx` (key K_TEST). The sandbox's own notification builder and signer
    /// must reproduce it byte for byte, so a bug shared by signer and verifier cannot hide.
    #[test]
    fn r3_notification_is_reproduced_by_the_sandbox_signer() {
        let data = NotificationData {
            date: "22/10/2021".into(),
            hour: "22:51".into(),
            secure_payment: "1".into(),
            card_number: Some("454881******0004".into()),
            card_country: Some("724".into()),
            amount: "4999".into(),
            currency: "978".into(),
            order: "0726qI3H7sZx".into(),
            merchant_code: "999008881".into(),
            terminal: "001".into(),
            response: "0000".into(),
            merchant_data: String::new(),
            transaction_type: "0".into(),
            consumer_language: "1".into(),
            authorisation_code: Some("052029".into()),
            card_brand: Some("1".into()),
            processed_pay_method: Some("1".into()),
            error_code: None,
            reference: None,
        };
        assert_eq!(
            data.json(),
            r#"{"Ds_Date":"22%2F10%2F2021","Ds_Hour":"22%3A51","Ds_SecurePayment":"1","Ds_Card_Number":"454881******0004","Ds_Card_Country":"724","Ds_Amount":"4999","Ds_Currency":"978","Ds_Order":"0726qI3H7sZx","Ds_MerchantCode":"999008881","Ds_Terminal":"001","Ds_Response":"0000","Ds_MerchantData":"","Ds_TransactionType":"0","Ds_ConsumerLanguage":"1","Ds_AuthorisationCode":"052029","Ds_Card_Brand":"1","Ds_ProcessedPayMethod":"1"}"#
        );
        let config = RedsysConfig::default();
        let (parameters, signature) = sign_message(
            &config,
            SignatureVersion::HmacSha256V1,
            &data.order,
            &data.json(),
            Style::Notification,
        )
        .unwrap();
        assert_eq!(
            parameters,
            "eyJEc19EYXRlIjoiMjIlMkYxMCUyRjIwMjEiLCJEc19Ib3VyIjoiMjIlM0E1MSIsIkRzX1NlY3VyZVBheW1lbnQiOiIxIiwiRHNfQ2FyZF9OdW1iZXIiOiI0NTQ4ODEqKioqKiowMDA0IiwiRHNfQ2FyZF9Db3VudHJ5IjoiNzI0IiwiRHNfQW1vdW50IjoiNDk5OSIsIkRzX0N1cnJlbmN5IjoiOTc4IiwiRHNfT3JkZXIiOiIwNzI2cUkzSDdzWngiLCJEc19NZXJjaGFudENvZGUiOiI5OTkwMDg4ODEiLCJEc19UZXJtaW5hbCI6IjAwMSIsIkRzX1Jlc3BvbnNlIjoiMDAwMCIsIkRzX01lcmNoYW50RGF0YSI6IiIsIkRzX1RyYW5zYWN0aW9uVHlwZSI6IjAiLCJEc19Db25zdW1lckxhbmd1YWdlIjoiMSIsIkRzX0F1dGhvcmlzYXRpb25Db2RlIjoiMDUyMDI5IiwiRHNfQ2FyZF9CcmFuZCI6IjEiLCJEc19Qcm9jZXNzZWRQYXlNZXRob2QiOiIxIn0="
        );
        assert_eq!(signature, "52nPyUkyDws__OfMqDka_yN-arxzulELZC1TYTvvR0s=");
    }

    /// peers-and-vectors R3, the request side: the sandbox accepts the request Redsys's own
    /// fixture signed, and refuses it with one character changed.
    #[test]
    fn r3_request_is_accepted_and_a_tampered_one_refused() {
        let params = "eyJEU19NRVJDSEFOVF9UUkFOU0FDVElPTlRZUEUiOiIwIiwiRFNfTUVSQ0hBTlRfT1JERVIiOiIwNzI2cUkzSDdzWngiLCJEU19NRVJDSEFOVF9NRVJDSEFOVENPREUiOiI5OTkwMDg4ODEiLCJEU19NRVJDSEFOVF9URVJNSU5BTCI6IjEiLCJEU19NRVJDSEFOVF9BTU9VTlQiOiI0OTk5IiwiRFNfTUVSQ0hBTlRfQ1VSUkVOQ1kiOiI5NzgiLCJEU19NRVJDSEFOVF9NRVJDSEFOVFVSTCI6Imh0dHA6Ly93d3cucHJ1ZWJhLmNvbS91cmxOb3RpZmljYWNpb24ucGhwIiwiRFNfTUVSQ0hBTlRfVVJMT0siOiJodHRwOi8vd3d3LnBydWViYS5jb20vdXJsT0sucGhwIiwiRFNfTUVSQ0hBTlRfVVJMS08iOiJodHRwOi8vd3d3LnBydWViYS5jb20vdXJsS08ucGhwIn0=";
        let fields = |sig: &str| {
            vec![
                (
                    "Ds_SignatureVersion".to_string(),
                    "HMAC_SHA256_V1".to_string(),
                ),
                ("Ds_MerchantParameters".to_string(), params.to_string()),
                ("Ds_Signature".to_string(), sig.to_string()),
            ]
        };
        let config = RedsysConfig::default();
        let signed = read_signed(
            &config,
            &fields("TyW+LIa2GZnhCPLM7JSPwbQn4ZjOvMO/KiIf4yJgwo8="),
        )
        .unwrap();
        assert_eq!(signed.order, "0726qI3H7sZx");
        assert_eq!(amount_of(&signed).unwrap().minor(), 4999);
        // The same MAC in the other alphabet is the same signature.
        read_signed(
            &config,
            &fields("TyW-LIa2GZnhCPLM7JSPwbQn4ZjOvMO_KiIf4yJgwo8"),
        )
        .unwrap();
        let err = read_signed(
            &config,
            &fields("TyW+LIa2GZnhCPLM7JSPwbQn4ZjOvMO/KiIf4yJgwo9="),
        )
        .unwrap_err();
        assert_eq!(err.sis, Some("SIS0042"));
    }

    /// peers-and-vectors R5: the SOAP notification Redsys signed for order `165446` (key of
    /// terminal 871): the sandbox's `<Request>` builder reproduces the signed text byte for
    /// byte, and vpos-core signs it to the same `<Signature>`.
    #[test]
    fn r5_soap_notification_is_reproduced() {
        let data = NotificationData {
            date: "01/04/2003".into(),
            hour: "16:57".into(),
            secure_payment: "1".into(),
            card_number: Some("x".into()),
            card_country: Some("724".into()),
            amount: "345".into(),
            currency: "978".into(),
            order: "165446".into(),
            merchant_code: "999008881".into(),
            terminal: "001".into(),
            response: "0000".into(),
            merchant_data: "Alfombrilla para raton".into(),
            transaction_type: "1".into(),
            consumer_language: "1".into(),
            ..NotificationData::default()
        };
        assert_eq!(
            soap_request(&data),
            r#"<Request Ds_Version="0.0"><Fecha>01/04/2003</Fecha><Hora>16:57</Hora><Ds_SecurePayment>1</Ds_SecurePayment><Ds_Amount>345</Ds_Amount><Ds_Currency>978</Ds_Currency><Ds_Order>165446</Ds_Order><Ds_Card_Type>C</Ds_Card_Type><Ds_MerchantCode>999008881</Ds_MerchantCode><Ds_Terminal>001</Ds_Terminal><Ds_Card_Country>724</Ds_Card_Country><Ds_Response>0000</Ds_Response><Ds_MerchantData>Alfombrilla para raton</Ds_MerchantData><Ds_TransactionType>1</Ds_TransactionType><Ds_ConsumerLanguage>1</Ds_ConsumerLanguage></Request>"#
        );
        let config = RedsysConfig {
            terminal: "871".into(),
            secret_key: vpos_core::Secret::new("Mk9m98IfEblmPfrpsawt7BmxObt98Jev"),
            ..RedsysConfig::default()
        };
        let envelope = soap_envelope(&config, &data).unwrap();
        assert!(
            envelope.contains(
                "&lt;Signature&gt;RSOw0q6VSNrs4IOS2sS261JDAOMGeSPR9rGdPaxw+ok=&lt;/Signature&gt;"
            ),
            "{envelope}"
        );
    }

    #[test]
    fn values_are_url_encoded_like_redsys() {
        assert_eq!(url_value("22/10/2021"), "22%2F10%2F2021");
        assert_eq!(url_value("Ref: 9*9.z_-"), "Ref%3A%209*9.z_-");
        assert_eq!(url_value("é"), "%C3%A9");
    }
}

//! Redsys host-to-host EMV 3-D Secure (`docs/3ds.md`, "Redsys host-to-host EMV3DS"):
//! `POST /sis/rest/iniciaPeticionREST` (`threeDSInfo` `CardData`), the issuer's 3DS Method page,
//! `trataPeticionREST` with `AuthenticationData` (frictionless answer or a challenge), the
//! ACS's challenge page (approve / deny, posting `cres` to the shop's `notificationURL`) and
//! `trataPeticionREST` with `ChallengeResponse`. Requests are checked like every Redsys request
//! (`read_signed`: merchant, terminal, signature); replies are signed with vpos-core.
//!
//! Which path a card takes (the sandbox's own choice, not Redsys's test cards):
//!
//! | card | 3DS Method | answer |
//! |---|---|---|
//! | PAN ending `0003`, or an `id_oper` starting `frictionless` | none | frictionless, `0000` |
//! | PAN ending `4602`, or an `id_oper` starting `method` | yes | frictionless, `0000` |
//! | PAN ending `3839`, or an `id_oper` starting `challenge` | yes | challenge: approve → `0000`, deny → `0184` |
//! | PAN ending `0004`, or an `id_oper` starting `decline` | none | frictionless, declined `0190` |
//! | any other | none | frictionless, `0000` |

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AppState};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use vpos_core::Amount;
use vpos_core::gateways::redsys::SignatureVersion;

use super::{Signed, SisError, Style, amount_of, read_form, read_signed, rest_error, sign_message};
use crate::app::App;
use crate::html::{esc, page};

/// One EMV3DS flow, by `threeDSServerTransID`.
#[derive(Debug, Clone)]
pub(crate) struct Flow {
    order: String,
    amount: Amount,
    transaction_type: String,
    scenario: Scenario,
    /// Set once the final answer was given.
    finished: bool,
    /// The shop's `notificationURL`, from `AuthenticationData`: where the ACS posts `cres`.
    notification_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Frictionless,
    Method,
    Challenge,
    Decline,
}

impl Scenario {
    fn of(signed: &Signed) -> Scenario {
        let pick = |pan_end: &str, id_start: &str| {
            signed
                .get("DS_MERCHANT_PAN")
                .is_some_and(|p| p.ends_with(pan_end))
                || signed
                    .get("DS_MERCHANT_IDOPER")
                    .is_some_and(|i| i.starts_with(id_start))
        };
        if pick("4602", "method") {
            Scenario::Method
        } else if pick("3839", "challenge") {
            Scenario::Challenge
        } else if pick("0004", "decline") {
            Scenario::Decline
        } else {
            Scenario::Frictionless
        }
    }

    fn has_method(self) -> bool {
        matches!(self, Scenario::Method | Scenario::Challenge)
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/sis/rest/iniciaPeticionREST", post(inicia_peticion))
        .route("/sis-sandbox/3ds-method", post(method_page))
        .route("/sis-sandbox/acs", post(acs_page))
        .route("/sis-sandbox/acs/{trans_id}/{answer}", post(acs_answer))
}

fn error(sis: &'static str, detail: impl Into<String>) -> SisError {
    SisError::new(sis, detail)
}

/// The `DS_MERCHANT_EMV3DS` object of a request.
fn emv3ds(signed: &Signed) -> Result<serde_json::Map<String, serde_json::Value>, SisError> {
    let text = signed
        .get("DS_MERCHANT_EMV3DS")
        .ok_or_else(|| error("SIS0653", "DS_MERCHANT_EMV3DS is missing"))?;
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(error("SIS0653", "DS_MERCHANT_EMV3DS is not a JSON object")),
    }
}

fn text<'a>(map: &'a serde_json::Map<String, serde_json::Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(serde_json::Value::as_str)
}

/// The card: a PAN with expiry and CVV2, or an InSite id (never both).
fn check_card(signed: &Signed) -> Result<(), SisError> {
    let pan = signed.get("DS_MERCHANT_PAN");
    match (pan, signed.get("DS_MERCHANT_IDOPER")) {
        (Some(_), Some(_)) => Err(error(
            "SIS0051",
            "both DS_MERCHANT_PAN and DS_MERCHANT_IDOPER",
        )),
        (None, None) => Err(error(
            "SIS0051",
            "no card: DS_MERCHANT_PAN or DS_MERCHANT_IDOPER",
        )),
        (None, Some(_)) => Ok(()),
        (Some(pan), None) => {
            let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
                n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
            };
            let expiry = signed.get("DS_MERCHANT_EXPIRYDATE").unwrap_or("");
            let cvv = signed.get("DS_MERCHANT_CVV2").unwrap_or("");
            if !digits(pan, 12..=19) {
                return Err(error("SIS0093", "DS_MERCHANT_PAN is not 12-19 digits"));
            }
            if !digits(expiry, 4..=4) {
                return Err(error("SIS0071", "DS_MERCHANT_EXPIRYDATE is not YYMM"));
            }
            if !digits(cvv, 3..=4) {
                return Err(error("SIS0370", "DS_MERCHANT_CVV2 is not 3-4 digits"));
            }
            Ok(())
        }
    }
}

/// A signed REST reply with `params` (a JSON object written by serde, nested `Ds_EMV3DS`).
fn reply(app: &App, version: SignatureVersion, order: &str, params: serde_json::Value) -> Response {
    match sign_message(
        &app.config.redsys,
        version,
        order,
        &params.to_string(),
        Style::Rest,
    ) {
        Ok((parameters, signature)) => axum::Json(serde_json::json!({
            "Ds_SignatureVersion": version.as_str(),
            "Ds_MerchantParameters": parameters,
            "Ds_Signature": signature,
        }))
        .into_response(),
        Err(e) => rest_error(app, order, &error("SIS0041", e.message())),
    }
}

/// The request's fields: a JSON object of strings, or a form.
fn fields(body: &[u8]) -> Result<Vec<(String, String)>, SisError> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect()),
        Ok(_) => Err(error("SIS0431", "the request body is not a JSON object")),
        Err(_) => read_form(body),
    }
}

/// `POST /sis/rest/iniciaPeticionREST`: the card's 3DS version and, for cards with one, the
/// 3DS Method URL.
async fn inicia_peticion(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let signed = match fields(&body).and_then(|f| read_signed(&app.config.redsys, &f)) {
        Ok(s) => s,
        Err(e) => return rest_error(&app, "", &e),
    };
    let order = signed.order.clone();
    let checked = (|| {
        let emv = emv3ds(&signed)?;
        if text(&emv, "threeDSInfo") != Some("CardData") {
            return Err(error(
                "SIS0653",
                "iniciaPeticionREST expects threeDSInfo CardData",
            ));
        }
        check_card(&signed)?;
        let amount = amount_of(&signed)?;
        let transaction_type = signed.get("DS_MERCHANT_TRANSACTIONTYPE").unwrap_or("0");
        if !matches!(transaction_type, "0" | "1") {
            return Err(error(
                "SIS0023",
                "EMV3DS authenticates payments (0) and pre-authorisations (1)",
            ));
        }
        Ok((amount, transaction_type.to_string()))
    })();
    let (amount, transaction_type) = match checked {
        Ok(c) => c,
        Err(e) => return rest_error(&app, &order, &e),
    };
    let scenario = Scenario::of(&signed);
    let trans_id = {
        let mut inner = app.lock();
        let hex = inner.random_from(b"0123456789abcdef", 32);
        let id = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        inner.redsys.emv3ds.insert(
            id.clone(),
            Flow {
                order: order.clone(),
                amount,
                transaction_type: transaction_type.clone(),
                scenario,
                finished: false,
                notification_url: None,
            },
        );
        id
    };
    app.note(
        "redsys",
        &order,
        format!("EMV3DS iniciaPeticion: {scenario:?}, threeDSServerTransID {trans_id}"),
    );
    let mut emv = serde_json::json!({
        "protocolVersion": "2.1.0",
        "threeDSServerTransID": trans_id,
        "threeDSInfo": "CardConfiguration",
    });
    if scenario.has_method() {
        emv["threeDSMethodURL"] = format!("{}/sis-sandbox/3ds-method", app.base_url).into();
    }
    let config = &app.config.redsys;
    let params = serde_json::json!({
        "Ds_Order": order,
        "Ds_MerchantCode": config.merchant_code,
        "Ds_Terminal": config.terminal,
        "Ds_TransactionType": transaction_type,
        "Ds_EMV3DS": emv,
        "Ds_Card_PSD2": "Y",
    });
    reply(&app, signed.version, &order, params)
}

/// `trataPeticionREST` with `DS_MERCHANT_EMV3DS` (called from `redsys::trata_peticion`):
/// `AuthenticationData` or `ChallengeResponse`.
pub(super) fn trata(app: &Arc<App>, signed: &Signed) -> Response {
    let order = signed.order.clone();
    match trata_checked(app, signed) {
        Ok(r) => r,
        Err(e) => rest_error(app, &order, &e),
    }
}

fn trata_checked(app: &Arc<App>, signed: &Signed) -> Result<Response, SisError> {
    let emv = emv3ds(signed)?;
    check_card(signed)?;
    let amount = amount_of(signed)?;
    let info = text(&emv, "threeDSInfo").unwrap_or("");
    let trans_id = match info {
        "AuthenticationData" => text(&emv, "threeDSServerTransID")
            .ok_or_else(|| error("SIS0653", "AuthenticationData without threeDSServerTransID"))?
            .to_string(),
        "ChallengeResponse" => {
            let cres = text(&emv, "cres")
                .ok_or_else(|| error("SIS0653", "ChallengeResponse without cres"))?;
            cres_field(cres, "threeDSServerTransID")?
        }
        other => {
            return Err(error(
                "SIS0653",
                format!("threeDSInfo {other:?} is not AuthenticationData or ChallengeResponse"),
            ));
        }
    };
    let flow = app
        .lock()
        .redsys
        .emv3ds
        .get(&trans_id)
        .cloned()
        .ok_or_else(|| error("SIS0653", format!("no EMV3DS flow {trans_id}")))?;
    if flow.order != signed.order || flow.amount != amount {
        return Err(error(
            "SIS0653",
            "the order or amount differs from iniciaPeticionREST's",
        ));
    }
    let tx_type = signed.get("DS_MERCHANT_TRANSACTIONTYPE").unwrap_or("0");
    if tx_type != flow.transaction_type {
        return Err(error(
            "SIS0653",
            "the transaction type differs from iniciaPeticionREST's",
        ));
    }
    if flow.finished {
        // As Redsys refuses an order number it has already answered.
        return Err(error(
            "SIS0051",
            format!("order {} already has its final answer", flow.order),
        ));
    }
    if info == "AuthenticationData" {
        for key in [
            "protocolVersion",
            "browserAcceptHeader",
            "browserUserAgent",
            "browserLanguage",
            "notificationURL",
            "threeDSCompInd",
        ] {
            if text(&emv, key).is_none_or(str::is_empty) {
                return Err(error(
                    "SIS0653",
                    format!("AuthenticationData without {key}"),
                ));
            }
        }
        let comp = text(&emv, "threeDSCompInd").unwrap_or("");
        if !matches!(comp, "Y" | "N" | "U") {
            return Err(error("SIS0653", "threeDSCompInd is not Y, N or U"));
        }
        app.note(
            "redsys",
            &flow.order,
            format!("EMV3DS AuthenticationData (threeDSCompInd {comp})"),
        );
        if let Some(f) = app.lock().redsys.emv3ds.get_mut(&trans_id) {
            f.notification_url = text(&emv, "notificationURL").map(str::to_string);
        }
        return Ok(match flow.scenario {
            Scenario::Challenge => {
                let creq = URL_SAFE_NO_PAD.encode(
                    serde_json::json!({
                        "threeDSServerTransID": trans_id,
                        "acsTransID": trans_id,
                        "messageType": "CReq",
                        "messageVersion": "2.1.0",
                        "challengeWindowSize": "05",
                    })
                    .to_string(),
                );
                let config = &app.config.redsys;
                reply(
                    app,
                    signed.version,
                    &flow.order,
                    serde_json::json!({
                        "Ds_Order": flow.order,
                        "Ds_MerchantCode": config.merchant_code,
                        "Ds_Terminal": config.terminal,
                        "Ds_TransactionType": flow.transaction_type,
                        "Ds_EMV3DS": {
                            "threeDSInfo": "ChallengeRequest",
                            "protocolVersion": "2.1.0",
                            "acsURL": format!("{}/sis-sandbox/acs", app.base_url),
                            "creq": creq,
                        },
                    }),
                )
            }
            Scenario::Decline => final_answer(app, signed.version, &trans_id, &flow, "0190"),
            _ => final_answer(app, signed.version, &trans_id, &flow, "0000"),
        });
    }
    if flow.scenario != Scenario::Challenge {
        return Err(error(
            "SIS0653",
            "no challenge is waiting for this transaction",
        ));
    }
    let cres = text(&emv, "cres").unwrap_or("");
    let response = match cres_field(cres, "transStatus")?.as_str() {
        "Y" => "0000",
        _ => "0184",
    };
    Ok(final_answer(
        app,
        signed.version,
        &trans_id,
        &flow,
        response,
    ))
}

/// A member of the `cres` (base64url JSON).
fn cres_field(cres: &str, key: &str) -> Result<String, SisError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cres.trim_end_matches('='))
        .map_err(|_| error("SIS0653", "cres is not base64url"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| error("SIS0653", "cres is not JSON"))?;
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| error("SIS0653", format!("cres without {key}")))
}

fn final_answer(
    app: &Arc<App>,
    version: SignatureVersion,
    trans_id: &str,
    flow: &Flow,
    response: &str,
) -> Response {
    let authorisation = if response == "0000" {
        app.lock().digits(6)
    } else {
        String::new()
    };
    if let Some(f) = app.lock().redsys.emv3ds.get_mut(trans_id) {
        f.finished = true;
    }
    app.note(
        "redsys",
        &flow.order,
        format!("EMV3DS final answer: Ds_Response {response}"),
    );
    let config = &app.config.redsys;
    reply(
        app,
        version,
        &flow.order,
        serde_json::json!({
            "Ds_Amount": flow.amount.minor().to_string(),
            "Ds_Currency": format!("{:03}", flow.amount.currency().numeric()),
            "Ds_Order": flow.order,
            "Ds_MerchantCode": config.merchant_code,
            "Ds_Terminal": config.terminal,
            "Ds_Response": response,
            "Ds_AuthorisationCode": authorisation,
            "Ds_TransactionType": flow.transaction_type,
            "Ds_SecurePayment": "1",
            "Ds_Language": "1",
            "Ds_Card_Country": "724",
            "Ds_Card_Brand": "1",
        }),
    )
}

/// The form field `name` of a browser POST.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    read_form(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A JSON object from base64url (padding optional).
fn b64_json(text: &str) -> Option<serde_json::Value> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn bad_request(why: &str) -> Response {
    (
        axum::http::StatusCode::BAD_REQUEST,
        Html(page("Bad request", &format!("<p>{}</p>", esc(why)))),
    )
        .into_response()
}

/// An auto-submitting form (the issuer's pages post back through the browser).
fn auto_post(action: &str, fields: &[(&str, &str)], label: &str) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                esc(k),
                esc(v)
            )
        })
        .collect();
    format!(
        r#"<form method="post" action="{}">{inputs}<button type="submit">{}</button></form><script>document.forms[0].submit();</script>"#,
        esc(action),
        esc(label)
    )
}

/// `POST /sis-sandbox/3ds-method` (`threeDSMethodData`): the issuer's 3DS Method. It
/// "fingerprints" the browser and posts `threeDSMethodData` (`{threeDSServerTransID}`) back
/// to the shop's `threeDSMethodNotificationURL` at once.
async fn method_page(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let Some(data) = form_field(&body, "threeDSMethodData").and_then(|d| b64_json(&d)) else {
        return bad_request("threeDSMethodData is missing or not base64url JSON");
    };
    let (Some(id), Some(url)) = (
        data.get("threeDSServerTransID")
            .and_then(serde_json::Value::as_str),
        data.get("threeDSMethodNotificationURL")
            .and_then(serde_json::Value::as_str),
    ) else {
        return bad_request(
            "threeDSMethodData needs threeDSServerTransID and threeDSMethodNotificationURL",
        );
    };
    let Some(order) = app.lock().redsys.emv3ds.get(id).map(|f| f.order.clone()) else {
        return bad_request("unknown threeDSServerTransID");
    };
    app.note("redsys", &order, "EMV3DS 3DS Method ran".into());
    let back =
        URL_SAFE_NO_PAD.encode(serde_json::json!({ "threeDSServerTransID": id }).to_string());
    Html(page(
        "3DS Method",
        &auto_post(url, &[("threeDSMethodData", &back)], "Continue"),
    ))
    .into_response()
}

/// `POST /sis-sandbox/acs` (`creq`): the challenge page, approve or deny.
async fn acs_page(AppState(app): AppState<Arc<App>>, body: Bytes) -> Response {
    let Some(creq) = form_field(&body, "creq").and_then(|c| b64_json(&c)) else {
        return bad_request("creq is missing or not base64url JSON");
    };
    let Some(id) = creq
        .get("threeDSServerTransID")
        .and_then(serde_json::Value::as_str)
    else {
        return bad_request("creq without threeDSServerTransID");
    };
    let Some(flow) = app.lock().redsys.emv3ds.get(id).cloned() else {
        return bad_request("unknown threeDSServerTransID");
    };
    let id = esc(id);
    let body = format!(
        r#"<p>Sandbox issuer: authenticate the payment of order <b>{}</b>, {}.</p>
<form method="post" action="/sis-sandbox/acs/{id}/approve"><button type="submit" id="approve">Approve</button></form>
<form method="post" action="/sis-sandbox/acs/{id}/deny"><button type="submit" id="deny">Deny</button></form>"#,
        esc(&flow.order),
        esc(&flow.amount.to_decimal_string()),
    );
    Html(page("3-D Secure challenge", &body)).into_response()
}

/// `POST /sis-sandbox/acs/{trans_id}/{approve|deny}`: posts `cres` to the shop's
/// `notificationURL` (as named in the `creq`'s flow).
async fn acs_answer(
    AppState(app): AppState<Arc<App>>,
    Path((trans_id, answer)): Path<(String, String)>,
) -> Response {
    let status = match answer.as_str() {
        "approve" => "Y",
        "deny" => "N",
        _ => return bad_request("answer is approve or deny"),
    };
    let (order, url) = {
        let inner = app.lock();
        let Some(flow) = inner.redsys.emv3ds.get(&trans_id) else {
            return bad_request("unknown threeDSServerTransID");
        };
        let Some(url) = flow.notification_url.clone() else {
            return bad_request("no notificationURL for this transaction");
        };
        (flow.order.clone(), url)
    };
    app.note(
        "redsys",
        &order,
        format!("EMV3DS challenge answered: transStatus {status}"),
    );
    let cres = URL_SAFE_NO_PAD.encode(
        serde_json::json!({
            "threeDSServerTransID": trans_id,
            "acsTransID": trans_id,
            "messageType": "CRes",
            "messageVersion": "2.1.0",
            "transStatus": status,
        })
        .to_string(),
    );
    Html(page(
        "3-D Secure",
        &auto_post(&url, &[("cres", &cres)], "Continue"),
    ))
    .into_response()
}

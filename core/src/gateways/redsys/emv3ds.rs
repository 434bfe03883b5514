//! Host-to-host EMV 3-D Secure over Redsys REST: the shop collects the card (or an InSite
//! `idOper`), asks `iniciaPeticionREST` for the card's 3DS version, runs the 3DS Method in a
//! hidden iframe when the issuer has one, sends `trataPeticionREST` with the browser data
//! (`AuthenticationData`), and either gets the final answer (frictionless) or a challenge for
//! the browser (`acsURL` + `creq`), whose `cres` goes back to `trataPeticionREST`
//! (`ChallengeResponse`) for the final answer. vpos builds every request and reads every
//! reply; the host does the POSTs and keeps the state between steps. Flow, fields and sources:
//! `docs/3ds.md` ("Redsys host-to-host").
//!
//! Every reply is verified with the order key of the order the host asked about (constant
//! time), its `Ds_Order` must be that order, and any amount, currency or merchant code it
//! names must be the request's. A final answer becomes the same [`Event`](crate::state::Event)
//! a notification of that operation produces, so the notification that follows is
//! `already_applied`.
//!
//! Card data (`pan`, `expiry_date`, `cvv2`) is PCI DSS scope: it is held as [`Secret`], never
//! printed by `Debug` nor echoed in an error; it is in clear only inside the signed request
//! body the host sends. An InSite `id_oper` keeps the card out of the shop entirely and is the
//! preferred input (`docs/security.md`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::Config;
use super::checkout::{check_order_number, emv3ds as cardholder_emv3ds};
use super::notification::{Format, Notification, build, decode_json_parameters};
use super::sign::{SignatureVersion, decode_parameters};
use crate::cardholder::Cardholder;
use crate::error::{Error, ErrorCode, Result};
use crate::form::RedirectForm;
use crate::http::{HttpRequest, Method, Reply};
use crate::money::Amount;
use crate::secret::Secret;
use crate::trust::Verified;

/// Redsys test environment, `iniciaPeticionREST`.
pub const TEST_INICIA_URL: &str = "https://sis-t.redsys.es:25443/sis/rest/iniciaPeticionREST";
/// Redsys production, `iniciaPeticionREST`.
pub const LIVE_INICIA_URL: &str = "https://sis.redsys.es/sis/rest/iniciaPeticionREST";

/// The card, as the shop has it: an InSite operation id (preferred: the card never reaches the
/// shop) or the card itself (PCI DSS scope).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// `DS_MERCHANT_IDOPER`: the id Redsys's InSite form gave for the card it collected.
    #[serde(default)]
    pub id_oper: Option<String>,
    /// `DS_MERCHANT_PAN`: 12–19 digits.
    #[serde(default, deserialize_with = "card_field")]
    pub pan: Option<Secret>,
    /// `DS_MERCHANT_EXPIRYDATE`: `YYMM`.
    #[serde(default, deserialize_with = "card_field")]
    pub expiry_date: Option<Secret>,
    /// `DS_MERCHANT_CVV2`: 3 or 4 digits.
    #[serde(default, deserialize_with = "card_field")]
    pub cvv2: Option<Secret>,
}

/// A card field: text only, and never quoted when it is not (serde's own message for a number
/// would print the digits).
fn card_field<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    use serde::Deserialize as _;
    // Read as any JSON value first, so that no type error can carry the value itself; a
    // number, list or object is refused without being quoted.
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(v) => Ok(Some(Secret::new(v))),
        serde_json::Value::Null => Ok(None),
        _ => Err(serde::de::Error::custom("card data must be text")),
    }
}

impl std::fmt::Debug for Card {
    // Only which kind of card it is: the id is not secret, the card fields are.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("id_oper", &self.id_oper)
            .field("pan", &self.pan.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// The payment every step of one EMV3DS flow is about: the same order, amount and card in
/// `iniciaPeticionREST` and in each `trataPeticionREST`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// `DS_MERCHANT_ORDER` (4–12 characters, the first four digits).
    pub order: String,
    /// `DS_MERCHANT_AMOUNT` and `DS_MERCHANT_CURRENCY`.
    pub amount: Amount,
    /// `true` for a pre-authorisation (`DS_MERCHANT_TRANSACTIONTYPE` `1`), else a payment (`0`).
    #[serde(default)]
    pub preauthorisation: bool,
    /// The card.
    pub card: Card,
}

/// `threeDSCompInd`: how the 3DS Method went.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysThreeDsCompInd"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompletionIndicator {
    /// `Y`: the 3DS Method ran and its notification arrived (within 10 seconds).
    Y,
    /// `N`: it ran but no notification arrived in time.
    N,
    /// `U`: the issuer has no 3DS Method URL, so none ran.
    U,
}

/// The browser's data, read by the shop's page (`navigator`, `screen`, the `Accept` header).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Browser {
    /// `browserAcceptHeader`: the HTTP `Accept` header the browser sent.
    pub accept_header: String,
    /// `browserUserAgent`.
    pub user_agent: String,
    /// `browserJavaEnabled` (`navigator.javaEnabled()`).
    pub java_enabled: bool,
    /// `browserJavascriptEnabled`, when known.
    #[serde(default)]
    pub javascript_enabled: Option<bool>,
    /// `browserLanguage` (`navigator.language`, e.g. `es-ES`).
    pub language: String,
    /// `browserColorDepth`: 1, 4, 8, 15, 16, 24, 32 or 48.
    pub color_depth: u8,
    /// `browserScreenHeight` in pixels.
    pub screen_height: u32,
    /// `browserScreenWidth` in pixels.
    pub screen_width: u32,
    /// `browserTZ`: minutes from UTC to local time as `getTimezoneOffset()` gives them (`-60`
    /// in Madrid in winter).
    pub tz: i32,
}

/// The `AuthenticationData` step's input: what `iniciaPeticionREST` answered, the 3DS
/// Method's outcome, the browser, and where the ACS posts the `cres`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authentication {
    /// `protocolVersion` from [`CardConfiguration`].
    pub protocol_version: String,
    /// `threeDSServerTransID` from [`CardConfiguration`].
    pub three_ds_server_trans_id: String,
    /// `threeDSCompInd`.
    pub three_ds_comp_ind: CompletionIndicator,
    /// `notificationURL`: the shop's page the ACS posts the `cres` to, after a challenge.
    pub notification_url: String,
    /// The browser.
    pub browser: Browser,
    /// Cardholder data for the issuer's risk engine (docs/3ds.md): written into the same
    /// `DS_MERCHANT_EMV3DS` object, after the `AuthenticationData` keys, with the names the
    /// redirect uses. Absent or empty: the request is byte for byte as without it.
    #[serde(default)]
    pub cardholder: Option<Box<Cardholder>>,
}

/// The `ChallengeResponse` step's input.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeResult {
    /// `protocolVersion`, as before.
    pub protocol_version: String,
    /// `cres`: the form field the ACS posted to the `notificationURL`, as received.
    pub cres: String,
}

/// What `iniciaPeticionREST` says about the card.
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "RedsysCardConfiguration")
)]
// Deserialize: the host keeps it between steps and hands it back for the 3DS Method form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardConfiguration {
    /// `Ds_Order`.
    pub order: String,
    /// `protocolVersion`: the EMV 3DS version to speak (`2.1.0`, `2.2.0`).
    pub protocol_version: String,
    /// `threeDSServerTransID`: to send back in `AuthenticationData` and the 3DS Method.
    pub three_ds_server_trans_id: String,
    /// `threeDSMethodURL`: when present, run the 3DS Method ([`three_ds_method_form`]) before
    /// `AuthenticationData`; when absent, send `threeDSCompInd` `U`.
    pub three_ds_method_url: Option<String>,
    /// `Ds_Card_PSD2` (`Y` / `N`): whether the card falls under PSD2's SCA, when sent.
    #[serde(default)]
    pub card_psd2: Option<String>,
}

/// A challenge: the browser posts `creq` to the issuer's `acsURL` (see
/// [`Challenge::form`]); the ACS later posts `cres` to the `notificationURL`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RedsysChallenge"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenge {
    /// `Ds_Order`.
    pub order: String,
    /// `protocolVersion`.
    pub protocol_version: String,
    /// `acsURL`.
    pub acs_url: String,
    /// `creq`, as sent.
    pub creq: String,
}

impl Challenge {
    /// The form the browser posts to the ACS (in an iframe or the whole window).
    pub fn form(&self) -> RedirectForm {
        RedirectForm {
            action: self.acs_url.clone(),
            method: Method::Post,
            fields: vec![("creq".into(), self.creq.clone())],
        }
    }
}

/// What `trataPeticionREST` answered to `AuthenticationData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The final answer (frictionless, declined, or after the challenge): verified, its
    /// [`Verified::event`] is the notification's event for the same operation.
    Final(Box<Verified<Notification>>),
    /// The issuer wants a challenge.
    Challenge(Challenge),
}

/// The `iniciaPeticionREST` request: the card and `DS_MERCHANT_EMV3DS`
/// `{"threeDSInfo":"CardData"}`, signed with the order key, POSTed as JSON to the
/// `iniciaPeticionREST` endpoint beside the configured `rest_url`.
///
/// ```
/// use vpos_core::gateways::redsys::{self, emv3ds};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// let payment: emv3ds::Payment = serde_json::from_value(serde_json::json!({
///     "order": "1234abcd", "amount": {"value": "49.99", "currency": "EUR"},
///     "card": {"id_oper": "a1b2c3"}}))?;
/// let request = emv3ds::inicia_peticion_request(&config, &payment)?;
/// assert_eq!(request.url, emv3ds::TEST_INICIA_URL);
/// assert!(request.body.starts_with(r#"{"Ds_SignatureVersion":"HMAC_SHA256_V1","#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inicia_peticion_request(config: &Config, payment: &Payment) -> Result<HttpRequest> {
    #[derive(Serialize)]
    struct CardData {
        #[serde(rename = "threeDSInfo")]
        info: &'static str,
    }
    let url = inicia_url(config)?;
    let emv3ds = to_json(&CardData { info: "CardData" });
    signed_request(config, payment, url, &emv3ds)
}

/// Reads the `iniciaPeticionREST` reply for `payment`: signature, `Ds_Order`, then
/// `Ds_EMV3DS` (`threeDSInfo` `CardConfiguration`, an EMV 3DS 2 `protocolVersion`, a
/// `threeDSServerTransID`, an optional `threeDSMethodURL`).
///
/// A card without EMV 3DS 2 (`protocolVersion` `NO_3DS_v2`, or 3DS 1.0.2) is refused
/// (`field_invalid` on `Ds_EMV3DS.protocolVersion`): vpos does not run 3DS 1.
///
/// ```
/// use vpos_core::gateways::redsys::{self, emv3ds};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// # let payment: emv3ds::Payment = serde_json::from_value(serde_json::json!({
/// #     "order": "1234abcd", "amount": {"value": "49.99", "currency": "EUR"}, "card": {"id_oper": "a1b2c3"}}))?;
/// # // A reply as Redsys signs it: the order key of `order`, HMAC over the base64 parameters.
/// # let signed = |parameters: serde_json::Value| -> Result<vpos_core::Reply, Box<dyn std::error::Error>> {
/// #     use base64::Engine as _;
/// #     let b64 = base64::engine::general_purpose::STANDARD.encode(parameters.to_string());
/// #     let signature = redsys::sign(&config, "1234abcd", b64.as_bytes())?;
/// #     let body = serde_json::json!({"Ds_SignatureVersion": "HMAC_SHA256_V1",
/// #         "Ds_MerchantParameters": b64, "Ds_Signature": signature}).to_string();
/// #     Ok(vpos_core::Reply::Response { status: 200, body: body.into_bytes() })
/// # };
/// let reply = signed(serde_json::json!({"Ds_Order": "1234abcd", "Ds_EMV3DS": {
///     "protocolVersion": "2.1.0", "threeDSServerTransID": "8de84430-3336-4ff4-b18d-f073b546ccea",
///     "threeDSInfo": "CardConfiguration", "threeDSMethodURL": "https://acs.example/m"}}))?;
/// let card = emv3ds::parse_inicia_peticion_response(&config, &payment, &reply)?;
/// assert_eq!(card.three_ds_method_url.as_deref(), Some("https://acs.example/m"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_inicia_peticion_response(
    config: &Config,
    payment: &Payment,
    reply: &Reply,
) -> Result<CardConfiguration> {
    let read = read_reply(config, &payment.order, &payment.amount, reply)?;
    let emv3ds = read
        .emv3ds
        .as_ref()
        .ok_or_else(|| Error::missing("Ds_EMV3DS"))?;
    expect_info(emv3ds, "CardConfiguration")?;
    let protocol_version = protocol_version(emv3ds)?;
    let three_ds_server_trans_id = emv_text(emv3ds, "threeDSServerTransID")?
        .ok_or_else(|| Error::missing("Ds_EMV3DS.threeDSServerTransID"))?;
    check_trans_id(&three_ds_server_trans_id, "Ds_EMV3DS.threeDSServerTransID")?;
    let three_ds_method_url = emv_text(emv3ds, "threeDSMethodURL")?.filter(|u| !u.is_empty());
    if let Some(url) = &three_ds_method_url {
        check_url(url, "Ds_EMV3DS.threeDSMethodURL")?;
    }
    let card_psd2 = lookup(&read.pairs, "Ds_Card_PSD2").map(str::to_string);
    if card_psd2.as_deref().is_some_and(|v| v != "Y" && v != "N") {
        return Err(Error::invalid("Ds_Card_PSD2", "must be Y or N"));
    }
    Ok(CardConfiguration {
        order: payment.order.clone(),
        protocol_version,
        three_ds_server_trans_id,
        three_ds_method_url,
        card_psd2,
    })
}

/// The 3DS Method form for a card that has a `threeDSMethodURL` (`None` without one): a POST
/// of `threeDSMethodData`, the base64url (no padding) of
/// `{"threeDSServerTransID":…,"threeDSMethodNotificationURL":…}`, to be submitted in a hidden
/// iframe. The ACS posts back to `notification_url`; the host sends `threeDSCompInd` `Y` if
/// that arrived within 10 seconds, `N` if not.
///
/// ```
/// use vpos_core::gateways::redsys::emv3ds;
/// let card = emv3ds::CardConfiguration { order: "1234abcd".into(), protocol_version: "2.1.0".into(),
///     three_ds_server_trans_id: "8de84430-3336-4ff4-b18d-f073b546ccea".into(),
///     three_ds_method_url: Some("https://acs.example/method".into()), card_psd2: None };
/// let form = emv3ds::three_ds_method_form(&card, "https://shop.example/3ds-method")?.unwrap();
/// assert_eq!(form.fields[0].0, "threeDSMethodData");
/// assert_eq!(emv3ds::parse_three_ds_method_data(&form.fields[0].1)?, card.three_ds_server_trans_id);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn three_ds_method_form(
    card: &CardConfiguration,
    notification_url: &str,
) -> Result<Option<RedirectForm>> {
    let Some(action) = &card.three_ds_method_url else {
        return Ok(None);
    };
    check_url(notification_url, "notification_url")?;
    check_trans_id(&card.three_ds_server_trans_id, "three_ds_server_trans_id")?;
    #[derive(Serialize)]
    struct MethodData<'a> {
        #[serde(rename = "threeDSServerTransID")]
        id: &'a str,
        #[serde(rename = "threeDSMethodNotificationURL")]
        url: &'a str,
    }
    let json = to_json(&MethodData {
        id: &card.three_ds_server_trans_id,
        url: notification_url,
    });
    Ok(Some(RedirectForm {
        action: action.clone(),
        method: Method::Post,
        fields: vec![(
            "threeDSMethodData".into(),
            URL_SAFE_NO_PAD.encode(json.as_bytes()),
        )],
    }))
}

/// Reads the `threeDSMethodData` the ACS posts to the 3DS Method notification URL: the
/// `threeDSServerTransID` it names (base64url, padding optional). The host compares it with
/// its own before sending `threeDSCompInd` `Y`. This message comes through the browser and
/// is not signed: it only says the Method ran, never anything about the payment.
pub fn parse_three_ds_method_data(data: &str) -> Result<String> {
    let bad = || Error::invalid("threeDSMethodData", "is not base64url JSON");
    let trimmed = data.trim().trim_end_matches('=');
    if trimmed.is_empty() || trimmed.len() > 4096 {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(trimmed).map_err(|_| bad())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let id = value
        .get("threeDSServerTransID")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Error::missing("threeDSMethodData.threeDSServerTransID"))?;
    check_trans_id(id, "threeDSMethodData.threeDSServerTransID")?;
    Ok(id.to_string())
}

/// The `trataPeticionREST` request with `AuthenticationData`: the card again, and
/// `DS_MERCHANT_EMV3DS` with `threeDSInfo`, `protocolVersion`, the browser fields,
/// `threeDSServerTransID`, `notificationURL` and `threeDSCompInd`, in that order.
///
/// ```
/// use vpos_core::gateways::redsys::{self, emv3ds};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// # let payment: emv3ds::Payment = serde_json::from_value(serde_json::json!({
/// #     "order": "1234abcd", "amount": {"value": "49.99", "currency": "EUR"}, "card": {"id_oper": "a1b2c3"}}))?;
/// # // A reply as Redsys signs it: the order key of `order`, HMAC over the base64 parameters.
/// # let signed = |parameters: serde_json::Value| -> Result<vpos_core::Reply, Box<dyn std::error::Error>> {
/// #     use base64::Engine as _;
/// #     let b64 = base64::engine::general_purpose::STANDARD.encode(parameters.to_string());
/// #     let signature = redsys::sign(&config, "1234abcd", b64.as_bytes())?;
/// #     let body = serde_json::json!({"Ds_SignatureVersion": "HMAC_SHA256_V1",
/// #         "Ds_MerchantParameters": b64, "Ds_Signature": signature}).to_string();
/// #     Ok(vpos_core::Reply::Response { status: 200, body: body.into_bytes() })
/// # };
/// let authentication: emv3ds::Authentication = serde_json::from_value(serde_json::json!({
///     "protocol_version": "2.1.0", "three_ds_server_trans_id": "8de84430-3336-4ff4-b18d-f073b546ccea",
///     "three_ds_comp_ind": "Y", "notification_url": "https://shop.example/3ds/notify",
///     "browser": {"accept_header": "text/html", "user_agent": "Mozilla/5.0", "java_enabled": false,
///         "language": "es-ES", "color_depth": 24, "screen_height": 1080, "screen_width": 1920, "tz": -60}}))?;
/// let request = emv3ds::trata_peticion_request(&config, &payment, &authentication)?;
/// assert_eq!(request.url, redsys::TEST_REST_URL);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn trata_peticion_request(
    config: &Config,
    payment: &Payment,
    authentication: &Authentication,
) -> Result<HttpRequest> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct AuthenticationData<'a> {
        #[serde(rename = "threeDSInfo")]
        info: &'static str,
        protocol_version: &'a str,
        browser_accept_header: &'a str,
        browser_user_agent: &'a str,
        browser_java_enabled: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        browser_javascript_enabled: Option<bool>,
        browser_language: &'a str,
        browser_color_depth: String,
        browser_screen_height: String,
        browser_screen_width: String,
        #[serde(rename = "browserTZ")]
        browser_tz: String,
        #[serde(rename = "threeDSServerTransID")]
        trans_id: &'a str,
        #[serde(rename = "notificationURL")]
        notification_url: &'a str,
        #[serde(rename = "threeDSCompInd")]
        comp_ind: CompletionIndicator,
    }
    let a = authentication;
    let url = trata_url(config)?;
    check_protocol_version(&a.protocol_version, "protocol_version")?;
    check_trans_id(&a.three_ds_server_trans_id, "three_ds_server_trans_id")?;
    check_url(&a.notification_url, "notification_url")?;
    let b = &a.browser;
    check_text(&b.accept_header, 2048, "browser.accept_header")?;
    check_text(&b.user_agent, 2048, "browser.user_agent")?;
    check_text(&b.language, 8, "browser.language")?;
    if ![1, 4, 8, 15, 16, 24, 32, 48].contains(&b.color_depth) {
        return Err(Error::invalid(
            "browser.color_depth",
            "must be 1, 4, 8, 15, 16, 24, 32 or 48",
        ));
    }
    for (value, field) in [
        (b.screen_height, "browser.screen_height"),
        (b.screen_width, "browser.screen_width"),
    ] {
        if value == 0 || value > 999_999 {
            return Err(Error::invalid(field, "must be 1 to 999999 pixels"));
        }
    }
    if !(-1440..=1440).contains(&b.tz) {
        return Err(Error::invalid(
            "browser.tz",
            "must be minutes from UTC, -1440 to 1440",
        ));
    }
    if let Some(cardholder) = &a.cardholder {
        cardholder.validate()?;
    }
    let mut emv3ds = to_json(&AuthenticationData {
        info: "AuthenticationData",
        protocol_version: &a.protocol_version,
        browser_accept_header: &b.accept_header,
        browser_user_agent: &b.user_agent,
        browser_java_enabled: b.java_enabled,
        browser_javascript_enabled: b.javascript_enabled,
        browser_language: &b.language,
        browser_color_depth: b.color_depth.to_string(),
        browser_screen_height: b.screen_height.to_string(),
        browser_screen_width: b.screen_width.to_string(),
        browser_tz: b.tz.to_string(),
        trans_id: &a.three_ds_server_trans_id,
        notification_url: &a.notification_url,
        comp_ind: a.three_ds_comp_ind,
    });
    if let Some(cardholder) = &a.cardholder {
        let extra = cardholder_emv3ds(cardholder);
        // "{}" adds nothing; otherwise its members join the object before its closing brace.
        if extra.len() > 2 && emv3ds.ends_with('}') {
            emv3ds.pop();
            emv3ds.push(',');
            emv3ds.push_str(&extra[1..]);
        }
    }
    signed_request(config, payment, url, &emv3ds)
}

/// The `trataPeticionREST` request with `ChallengeResponse`: the card again, and
/// `DS_MERCHANT_EMV3DS` `{"threeDSInfo":"ChallengeResponse","protocolVersion":…,"cres":…}`.
///
/// ```
/// use vpos_core::gateways::redsys::{self, emv3ds};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// # let payment: emv3ds::Payment = serde_json::from_value(serde_json::json!({
/// #     "order": "1234abcd", "amount": {"value": "49.99", "currency": "EUR"}, "card": {"id_oper": "a1b2c3"}}))?;
/// # // A reply as Redsys signs it: the order key of `order`, HMAC over the base64 parameters.
/// # let signed = |parameters: serde_json::Value| -> Result<vpos_core::Reply, Box<dyn std::error::Error>> {
/// #     use base64::Engine as _;
/// #     let b64 = base64::engine::general_purpose::STANDARD.encode(parameters.to_string());
/// #     let signature = redsys::sign(&config, "1234abcd", b64.as_bytes())?;
/// #     let body = serde_json::json!({"Ds_SignatureVersion": "HMAC_SHA256_V1",
/// #         "Ds_MerchantParameters": b64, "Ds_Signature": signature}).to_string();
/// #     Ok(vpos_core::Reply::Response { status: 200, body: body.into_bytes() })
/// # };
/// let result: emv3ds::ChallengeResult = serde_json::from_value(serde_json::json!({
///     "protocol_version": "2.1.0", "cres": "eyJ0cmFuc1N0YXR1cyI6IlkifQ"}))?;
/// let request = emv3ds::challenge_response_request(&config, &payment, &result)?;
/// assert!(request.body.contains("Ds_MerchantParameters"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn challenge_response_request(
    config: &Config,
    payment: &Payment,
    challenge: &ChallengeResult,
) -> Result<HttpRequest> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ChallengeResponse<'a> {
        #[serde(rename = "threeDSInfo")]
        info: &'static str,
        protocol_version: &'a str,
        cres: &'a str,
    }
    let url = trata_url(config)?;
    check_protocol_version(&challenge.protocol_version, "protocol_version")?;
    check_cres(&challenge.cres)?;
    let emv3ds = to_json(&ChallengeResponse {
        info: "ChallengeResponse",
        protocol_version: &challenge.protocol_version,
        cres: &challenge.cres,
    });
    signed_request(config, payment, url, &emv3ds)
}

/// Reads the `trataPeticionREST` reply to `AuthenticationData`: the final answer (it carries
/// `Ds_Response`) or a challenge (`Ds_EMV3DS` with `threeDSInfo` `ChallengeRequest`, `acsURL`
/// and `creq`). A reply that is both, or neither, is refused.
///
/// ```
/// use vpos_core::gateways::redsys::{self, emv3ds};
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// # let payment: emv3ds::Payment = serde_json::from_value(serde_json::json!({
/// #     "order": "1234abcd", "amount": {"value": "49.99", "currency": "EUR"}, "card": {"id_oper": "a1b2c3"}}))?;
/// # // A reply as Redsys signs it: the order key of `order`, HMAC over the base64 parameters.
/// # let signed = |parameters: serde_json::Value| -> Result<vpos_core::Reply, Box<dyn std::error::Error>> {
/// #     use base64::Engine as _;
/// #     let b64 = base64::engine::general_purpose::STANDARD.encode(parameters.to_string());
/// #     let signature = redsys::sign(&config, "1234abcd", b64.as_bytes())?;
/// #     let body = serde_json::json!({"Ds_SignatureVersion": "HMAC_SHA256_V1",
/// #         "Ds_MerchantParameters": b64, "Ds_Signature": signature}).to_string();
/// #     Ok(vpos_core::Reply::Response { status: 200, body: body.into_bytes() })
/// # };
/// let challenge = signed(serde_json::json!({"Ds_Order": "1234abcd", "Ds_EMV3DS": {
///     "threeDSInfo": "ChallengeRequest", "protocolVersion": "2.1.0",
///     "acsURL": "https://acs.example/c", "creq": "eyJhIjoiYiJ9"}}))?;
/// let emv3ds::Step::Challenge(c) = emv3ds::parse_trata_peticion_response(&config, &payment, &challenge)?
///     else { panic!("a challenge") };
/// assert_eq!(c.form().fields, vec![("creq".to_string(), "eyJhIjoiYiJ9".to_string())]);
///
/// let frictionless = signed(serde_json::json!({"Ds_Order": "1234abcd", "Ds_Amount": "4999",
///     "Ds_Currency": "978", "Ds_MerchantCode": "999008881", "Ds_Terminal": "1",
///     "Ds_Response": "0000", "Ds_AuthorisationCode": "123456", "Ds_TransactionType": "0"}))?;
/// let emv3ds::Step::Final(v) = emv3ds::parse_trata_peticion_response(&config, &payment, &frictionless)?
///     else { panic!("final") };
/// assert_eq!(v.event().key(), "redsys:999008881:1:1234abcd:0:0000:4999:123456");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_trata_peticion_response(
    config: &Config,
    payment: &Payment,
    reply: &Reply,
) -> Result<Step> {
    let read = read_reply(config, &payment.order, &payment.amount, reply)?;
    let has_response = lookup(&read.pairs, "Ds_Response").is_some_and(|v| !v.is_empty());
    let challenge = read
        .emv3ds
        .as_ref()
        .map(|e| info(e).map(|i| i == "ChallengeRequest"))
        .transpose()?
        .unwrap_or(false);
    match (has_response, challenge) {
        (true, true) => Err(Error::invalid(
            "Ds_EMV3DS",
            "asks for a challenge beside a final Ds_Response",
        )),
        (true, false) => Ok(Step::Final(Box::new(final_answer(config, payment, read)?))),
        (false, true) => {
            let Some(emv3ds) = read.emv3ds.as_ref() else {
                return Err(Error::missing("Ds_EMV3DS"));
            };
            let protocol_version = protocol_version(emv3ds)?;
            let acs_url = emv_text(emv3ds, "acsURL")?
                .filter(|u| !u.is_empty())
                .ok_or_else(|| Error::missing("Ds_EMV3DS.acsURL"))?;
            check_url(&acs_url, "Ds_EMV3DS.acsURL")?;
            let creq = emv_text(emv3ds, "creq")?
                .filter(|c| !c.is_empty())
                .ok_or_else(|| Error::missing("Ds_EMV3DS.creq"))?;
            check_base64url(&creq, "Ds_EMV3DS.creq")?;
            Ok(Step::Challenge(Challenge {
                order: payment.order.clone(),
                protocol_version,
                acs_url,
                creq,
            }))
        }
        (false, false) => Err(Error::missing("Ds_Response")),
    }
}

/// Reads the `trataPeticionREST` reply to `ChallengeResponse`: always the final answer.
///
/// ```
/// use vpos_core::gateways::redsys::{self, emv3ds};
/// use vpos_core::Reported;
/// # let config: redsys::Config = serde_json::from_str(r#"{"merchant_code":"999008881","terminal":"1",
/// #   "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7","checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago",
/// #   "rest_url":"https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}"#)?;
/// # let payment: emv3ds::Payment = serde_json::from_value(serde_json::json!({
/// #     "order": "1234abcd", "amount": {"value": "49.99", "currency": "EUR"}, "card": {"id_oper": "a1b2c3"}}))?;
/// # // A reply as Redsys signs it: the order key of `order`, HMAC over the base64 parameters.
/// # let signed = |parameters: serde_json::Value| -> Result<vpos_core::Reply, Box<dyn std::error::Error>> {
/// #     use base64::Engine as _;
/// #     let b64 = base64::engine::general_purpose::STANDARD.encode(parameters.to_string());
/// #     let signature = redsys::sign(&config, "1234abcd", b64.as_bytes())?;
/// #     let body = serde_json::json!({"Ds_SignatureVersion": "HMAC_SHA256_V1",
/// #         "Ds_MerchantParameters": b64, "Ds_Signature": signature}).to_string();
/// #     Ok(vpos_core::Reply::Response { status: 200, body: body.into_bytes() })
/// # };
/// let denied = signed(serde_json::json!({"Ds_Order": "1234abcd", "Ds_Amount": "4999",
///     "Ds_Currency": "978", "Ds_MerchantCode": "999008881", "Ds_Response": "0184"}))?;
/// let verified = emv3ds::parse_challenge_response(&config, &payment, &denied)?;
/// assert_eq!(verified.status, Reported::Failed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_challenge_response(
    config: &Config,
    payment: &Payment,
    reply: &Reply,
) -> Result<Verified<Notification>> {
    let read = read_reply(config, &payment.order, &payment.amount, reply)?;
    if let Some(emv3ds) = &read.emv3ds
        && info(emv3ds)? == "ChallengeRequest"
    {
        return Err(Error::invalid(
            "Ds_EMV3DS",
            "asks for a second challenge; the challenge response must be final",
        ));
    }
    final_answer(config, payment, read)
}

/// A verified reply, its signed parameters split into the flat ones and `Ds_EMV3DS`.
pub(super) struct ReadReply {
    pub(super) pairs: Vec<(String, String)>,
    emv3ds: Option<serde_json::Map<String, serde_json::Value>>,
    signed_text: String,
    signature: String,
    version: SignatureVersion,
    raw: Vec<u8>,
}

/// Reads a signed REST reply about `order` (EMV3DS here, Paygold in `super::paygold`): the
/// envelope, the signature with `order`'s key, then the order, merchant, currency and amount it
/// names, each compared with the request's.
pub(super) fn read_reply(
    config: &Config,
    order: &str,
    amount: &Amount,
    reply: &Reply,
) -> Result<ReadReply> {
    config.validate()?;
    check_order_number(order)?;
    let (body, value) = super::rest::read_envelope(reply, "the request")?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    let signed_text = text("Ds_MerchantParameters")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::missing("Ds_MerchantParameters"))?;
    let version = SignatureVersion::from_wire(text("Ds_SignatureVersion").unwrap_or_default())?;
    let signature = text("Ds_Signature").ok_or_else(|| {
        Error::new(
            ErrorCode::SignatureMismatch,
            "the reply carries no Ds_Signature",
        )
        .with_field("Ds_Signature")
    })?;
    // Keyed with the order the host asked about: a reply for any other order fails here,
    // before a byte of it is interpreted.
    config
        .key_for(version)?
        .verify(order, signed_text.as_bytes(), signature)?;
    let json = decode_parameters(signed_text)?;
    let not_object = || Error::invalid("Ds_MerchantParameters", "is not a JSON object");
    let serde_json::Value::Object(mut object) =
        serde_json::from_slice::<serde_json::Value>(&json).map_err(|_| not_object())?
    else {
        return Err(not_object());
    };
    let key = object
        .keys()
        .find(|k| k.eq_ignore_ascii_case("Ds_EMV3DS"))
        .cloned();
    let emv3ds = match key.and_then(|k| object.remove(&k)) {
        None => None,
        Some(serde_json::Value::Object(map)) => Some(map),
        Some(_) => {
            return Err(Error::invalid("Ds_EMV3DS", "is not a JSON object"));
        }
    };
    let flat = serde_json::to_vec(&object).map_err(|_| not_object())?;
    let pairs = decode_json_parameters(&flat)?;
    let order_named = lookup(&pairs, "Ds_Order").ok_or_else(|| Error::missing("Ds_Order"))?;
    if order_named != order {
        return Err(
            Error::new(ErrorCode::OrderMismatch, "the reply is for another order")
                .with_field("Ds_Order"),
        );
    }
    if let Some(merchant) = lookup(&pairs, "Ds_MerchantCode")
        && merchant != config.merchant_code
    {
        return Err(Error::new(
            ErrorCode::MerchantMismatch,
            "the reply is for another merchant",
        )
        .with_field("Ds_MerchantCode"));
    }
    if let Some(currency) = lookup(&pairs, "Ds_Currency")
        && currency.trim_start_matches('0') != amount.currency().numeric().to_string().as_str()
    {
        return Err(Error::new(
            ErrorCode::CurrencyMismatch,
            "the reply names another currency",
        )
        .with_field("Ds_Currency"));
    }
    if let Some(named) = lookup(&pairs, "Ds_Amount")
        && named != amount.minor().to_string()
    {
        return Err(
            Error::new(ErrorCode::AmountMismatch, "the reply names another amount")
                .with_field("Ds_Amount"),
        );
    }
    Ok(ReadReply {
        pairs,
        emv3ds,
        signed_text: signed_text.to_string(),
        signature: signature.to_string(),
        version,
        raw: body.to_vec(),
    })
}

fn final_answer(
    config: &Config,
    payment: &Payment,
    read: ReadReply,
) -> Result<Verified<Notification>> {
    // The amount and currency were compared as text in `read_reply`; a final answer must
    // name both (the event carries the amount).
    for name in ["Ds_Amount", "Ds_Currency"] {
        if lookup(&read.pairs, name).is_none() {
            return Err(Error::missing(name));
        }
    }
    let mut notification = build(
        Format::Rest,
        read.pairs,
        read.signed_text,
        Some(read.signature),
        read.version.as_str().to_string(),
        &read.raw,
    )?;
    if notification.amount != payment.amount {
        return Err(
            Error::new(ErrorCode::AmountMismatch, "the reply names another amount")
                .with_field("Ds_Amount"),
        );
    }
    if notification.merchant_code != config.merchant_code {
        return Err(Error::new(
            ErrorCode::MerchantMismatch,
            "the reply is for another merchant",
        )
        .with_field("Ds_MerchantCode"));
    }
    // A REST reply without a type is for the type asked.
    if lookup(&notification.parameters, "Ds_TransactionType").is_none() {
        notification.transaction_type = transaction_type(payment).to_string();
        let (action, status) =
            super::status::map_status(&notification.transaction_type, &notification.response);
        notification.action = action;
        notification.status = status;
    }
    Ok(Verified(notification))
}

pub(super) fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn info(emv3ds: &serde_json::Map<String, serde_json::Value>) -> Result<String> {
    emv_text(emv3ds, "threeDSInfo")?.ok_or_else(|| Error::missing("Ds_EMV3DS.threeDSInfo"))
}

fn expect_info(emv3ds: &serde_json::Map<String, serde_json::Value>, want: &str) -> Result<()> {
    if info(emv3ds)? != want {
        return Err(Error::invalid(
            "Ds_EMV3DS.threeDSInfo",
            format_args!("must be {want}"),
        ));
    }
    Ok(())
}

/// A text value of `Ds_EMV3DS`; a number, object or array there is refused.
fn emv_text(
    emv3ds: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<Option<String>> {
    match emv3ds.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(format!("Ds_EMV3DS.{name}"), "must be text")),
    }
}

fn protocol_version(emv3ds: &serde_json::Map<String, serde_json::Value>) -> Result<String> {
    let field = "Ds_EMV3DS.protocolVersion";
    let version = emv_text(emv3ds, "protocolVersion")?.ok_or_else(|| Error::missing(field))?;
    check_protocol_version(&version, field)?;
    Ok(version)
}

/// `2.x.y`: EMV 3DS 2. `1.0.2` (3DS 1) and Redsys's `NO_3DS_v2` are not run by vpos.
fn check_protocol_version(version: &str, field: &'static str) -> Result<()> {
    let parts: Vec<&str> = version.split('.').collect();
    let ok = parts.len() == 3
        && parts[0] == "2"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return Err(Error::invalid(
            field,
            "must be an EMV 3DS 2 version (2.1.0, 2.2.0); 3DS 1.0.2 is not supported",
        ));
    }
    Ok(())
}

/// A `threeDSServerTransID`: a UUID in the EMV spec; 1–36 letters, digits and `-` here.
fn check_trans_id(id: &str, field: &'static str) -> Result<()> {
    if id.is_empty() || id.len() > 36 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Error::invalid(field, "must be 1-36 letters, digits or '-'"));
    }
    Ok(())
}

/// What a Redsys URL must be past its scheme: a host after `//`, at most 2048 characters, no
/// spaces, quotes, angle brackets, backslashes or control characters (it goes into a form or a
/// redirect). Shared by the 3-D Secure URLs and Paygold's payment link.
pub(super) fn plain_url(url: &str) -> bool {
    let host = url.split_once("//").map(|(_, rest)| rest).unwrap_or("");
    !host.is_empty()
        && !host.starts_with('/')
        && url.len() <= 2048
        && !url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\\'))
}

/// An absolute `https://` (or, for test servers, `http://`) URL of at most 2048 characters,
/// without spaces, quotes or control characters.
fn check_url(url: &str, field: &'static str) -> Result<()> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme = lower.starts_with("https://") || lower.starts_with("http://");
    if !scheme || !plain_url(url) {
        return Err(Error::invalid(
            field,
            "must be an absolute http(s) URL of at most 2048 characters",
        ));
    }
    Ok(())
}

fn check_text(value: &str, max: usize, field: &'static str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::missing(field));
    }
    if value.chars().count() > max {
        return Err(Error::new(
            ErrorCode::FieldTooLong,
            format!("must be at most {max} characters"),
        )
        .with_field(field));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not hold control characters"));
    }
    Ok(())
}

fn check_base64url(value: &str, field: &'static str) -> Result<()> {
    if value.len() > 32 * 1024
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
    {
        return Err(Error::invalid(
            field,
            "must be base64url text of at most 32768 characters",
        ));
    }
    Ok(())
}

fn check_cres(cres: &str) -> Result<()> {
    if cres.is_empty() {
        return Err(Error::missing("cres"));
    }
    check_base64url(cres, "cres")
}

fn transaction_type(payment: &Payment) -> &'static str {
    if payment.preauthorisation { "1" } else { "0" }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Plain structs of strings and booleans: serialising cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

fn trata_url(config: &Config) -> Result<String> {
    config
        .rest_url
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Error::config("rest_url", "is required for host-to-host EMV3DS"))
}

/// `iniciaPeticionREST` sits beside `trataPeticionREST` on every Redsys environment.
fn inicia_url(config: &Config) -> Result<String> {
    let rest = trata_url(config)?;
    rest.strip_suffix("trataPeticionREST")
        .map(|base| format!("{base}iniciaPeticionREST"))
        .ok_or_else(|| {
            Error::config(
                "rest_url",
                "must end with trataPeticionREST (iniciaPeticionREST is found beside it)",
            )
        })
}

/// Checks the card and writes its parameters: the InSite id, or PAN, expiry and CVV2.
fn card_parameters(card: &Card) -> Result<Vec<(&'static str, String)>> {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match (&card.id_oper, &card.pan) {
        (Some(_), Some(_)) => Err(Error::invalid(
            "card",
            "give either id_oper or pan, not both",
        )),
        (None, None) => Err(Error::missing("card.id_oper")),
        (Some(id), None) => {
            if card.expiry_date.is_some() || card.cvv2.is_some() {
                return Err(Error::invalid(
                    "card",
                    "an id_oper stands for the whole card: no expiry_date or cvv2 beside it",
                ));
            }
            if id.is_empty()
                || id.len() > 256
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            {
                return Err(Error::invalid(
                    "card.id_oper",
                    "must be 1-256 letters, digits, '-', '_' or '.'",
                ));
            }
            Ok(vec![("DS_MERCHANT_IDOPER", id.clone())])
        }
        (None, Some(pan)) => {
            // Never the values themselves in an error: they are card data.
            if !digits(pan.expose(), 12, 19) {
                return Err(Error::invalid("card.pan", "must be 12-19 digits"));
            }
            let expiry = card
                .expiry_date
                .as_ref()
                .ok_or_else(|| Error::missing("card.expiry_date"))?;
            let month = expiry.expose().get(2..).and_then(|m| m.parse::<u8>().ok());
            if !digits(expiry.expose(), 4, 4) || !month.is_some_and(|m| (1..=12).contains(&m)) {
                return Err(Error::invalid("card.expiry_date", "must be YYMM"));
            }
            let cvv2 = card
                .cvv2
                .as_ref()
                .ok_or_else(|| Error::missing("card.cvv2"))?;
            if !digits(cvv2.expose(), 3, 4) {
                return Err(Error::invalid("card.cvv2", "must be 3 or 4 digits"));
            }
            Ok(vec![
                ("DS_MERCHANT_PAN", pan.expose().to_string()),
                ("DS_MERCHANT_EXPIRYDATE", expiry.expose().to_string()),
                ("DS_MERCHANT_CVV2", cvv2.expose().to_string()),
            ])
        }
    }
}

/// The signed request body: the payment's parameters, the card's, then `DS_MERCHANT_EMV3DS`
/// (a JSON object written as is), in that order, so the same input gives the same bytes.
fn signed_request(
    config: &Config,
    payment: &Payment,
    url: String,
    emv3ds: &str,
) -> Result<HttpRequest> {
    config.validate()?;
    check_order_number(&payment.order)?;
    if payment.amount.minor() <= 0 {
        return Err(Error::invalid(
            "DS_MERCHANT_AMOUNT",
            "must be greater than zero",
        ));
    }
    let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut fields: Vec<String> = [
        ("DS_MERCHANT_AMOUNT", payment.amount.minor().to_string()),
        ("DS_MERCHANT_ORDER", payment.order.clone()),
        ("DS_MERCHANT_MERCHANTCODE", config.merchant_code.clone()),
        (
            "DS_MERCHANT_CURRENCY",
            format!("{:03}", payment.amount.currency().numeric()),
        ),
        (
            "DS_MERCHANT_TRANSACTIONTYPE",
            transaction_type(payment).to_string(),
        ),
        ("DS_MERCHANT_TERMINAL", config.terminal.clone()),
    ]
    .into_iter()
    .chain(card_parameters(&payment.card)?)
    .map(|(k, v)| format!("{}:{}", text(k), text(&v)))
    .collect();
    fields.push(format!("{}:{emv3ds}", text("DS_MERCHANT_EMV3DS")));
    super::rest::signed_request(
        config,
        &payment.order,
        &format!("{{{}}}", fields.join(",")),
        url,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORDER: &str = "1234abcd5678";

    fn config() -> Config {
        serde_json::from_value(json!({"merchant_code": "999008881", "terminal": "1",
            "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
            "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}))
        .unwrap()
    }

    fn payment(card: serde_json::Value) -> Payment {
        serde_json::from_value(json!({"order": ORDER,
            "amount": {"minor": 4999, "currency": "EUR"}, "card": card}))
        .unwrap()
    }

    fn signature(request: &HttpRequest) -> String {
        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        body["Ds_Signature"].as_str().unwrap().to_string()
    }

    /// A reply as Redsys would send it, signed with the order key.
    fn reply(parameters: serde_json::Value) -> Reply {
        let b64 =
            SignatureVersion::HmacSha256V1.encode_parameters(parameters.to_string().as_bytes());
        let sig = config().key().unwrap().sign(ORDER, b64.as_bytes());
        Reply::Response {
            status: 200,
            body: json!({"Ds_SignatureVersion": "HMAC_SHA256_V1",
                "Ds_MerchantParameters": b64, "Ds_Signature": sig})
            .to_string()
            .into_bytes(),
        }
    }

    #[test]
    fn requests_match_the_independent_signatures() {
        // Computed by scripts/gen_redsys_emv3ds_rest.py (Python hmac + cryptography).
        let id = inicia_peticion_request(&config(), &payment(json!({"id_oper": "a1b2c3d4e5f6"})))
            .unwrap();
        assert_eq!(
            signature(&id),
            "rTYAuqCoYXBlOscA7rjACi92z5KpdfGM6Ny9CY4QzVA="
        );
        let card = json!({"pan": "4548810000000003", "expiry_date": "3412", "cvv2": "123"});
        let pan = inicia_peticion_request(&config(), &payment(card)).unwrap();
        assert_eq!(
            signature(&pan),
            "MXGB5YNGkqfYYPv/6tRUi+guWEq1D2ekSIP1yl8qROo="
        );
        assert_eq!(pan.url, TEST_INICIA_URL);
    }

    fn parameters(request: &HttpRequest) -> serde_json::Value {
        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        let b64 = body["Ds_MerchantParameters"].as_str().unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        serde_json::from_slice(&raw).unwrap()
    }

    fn authentication(cardholder: Option<serde_json::Value>) -> Authentication {
        let mut a = json!({"protocol_version": "2.1.0",
            "three_ds_server_trans_id": "8de84430-3336-4ff4-b18d-f073b546ccea",
            "three_ds_comp_ind": "Y", "notification_url": "https://shop.example/3ds/notify",
            "browser": {"accept_header": "text/html", "user_agent": "Mozilla/5.0",
                "java_enabled": false, "language": "es-ES", "color_depth": 24,
                "screen_height": 1080, "screen_width": 1920, "tz": -60}});
        if let Some(c) = cardholder {
            a["cardholder"] = c;
        }
        serde_json::from_value(a).unwrap()
    }

    #[test]
    fn cardholder_joins_the_authentication_data() {
        let p = payment(json!({"id_oper": "a1b2c3d4e5f6"}));
        let plain = trata_peticion_request(&config(), &p, &authentication(None)).unwrap();
        // Empty cardholder data: byte for byte the request without it.
        let empty =
            trata_peticion_request(&config(), &p, &authentication(Some(json!({"email": ""}))))
                .unwrap();
        assert_eq!(empty.body, plain.body);
        let with = trata_peticion_request(
            &config(),
            &p,
            &authentication(Some(json!({"email": "ana@example.com",
                "billing": {"city": "Madrid", "country": "ES"}}))),
        )
        .unwrap();
        let emv = &parameters(&with)["DS_MERCHANT_EMV3DS"];
        assert_eq!(emv["threeDSInfo"], "AuthenticationData");
        assert_eq!(emv["threeDSCompInd"], "Y");
        assert_eq!(emv["email"], "ana@example.com");
        assert_eq!(emv["billAddrCity"], "Madrid");
        assert_eq!(emv["billAddrCountry"], "724");
        let e = trata_peticion_request(
            &config(),
            &p,
            &authentication(Some(json!({"billing": {"country": "UK"}}))),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("cardholder.billing.country"));
    }

    #[test]
    fn card_data_never_reaches_debug_or_errors() {
        let p = payment(json!({"pan": "4548810000000003", "expiry_date": "3412", "cvv2": "987"}));
        let debug = format!("{p:?}");
        assert!(
            !debug.contains("4548810000000003") && !debug.contains("987"),
            "{debug}"
        );
        for card in [
            json!({"pan": "45488100000000031234", "expiry_date": "3412", "cvv2": "987"}),
            json!({"pan": "4548810000000003", "expiry_date": "3499", "cvv2": "987"}),
            json!({"pan": "4548810000000003", "expiry_date": "3412", "cvv2": "98765"}),
        ] {
            let e = inicia_peticion_request(&config(), &payment(card)).unwrap_err();
            let text = format!("{e:?} {e}");
            assert!(
                !text.contains("4548810000000003") && !text.contains("98765"),
                "{text}"
            );
            assert!(!text.contains("3499"), "{text}");
        }
    }

    #[test]
    fn card_data_of_the_wrong_type_is_not_quoted() {
        let e = crate::json::from_value::<Payment>(
            &json!({"order": ORDER, "amount": {"minor": 1, "currency": "EUR"},
                "card": {"pan": 4548810000000003_u64, "expiry_date": "3412", "cvv2": "123"}}),
            ErrorCode::FieldInvalid,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("card.pan"));
        assert!(!e.message().contains("4548810000000003"), "{e}");
        let e = serde_json::from_value::<Payment>(json!({"order": ORDER,
            "amount": {"minor": 1, "currency": "EUR"}, "card": {"cvv2": 987}}))
        .unwrap_err();
        assert!(!e.to_string().contains("987"), "{e}");
        // A number with a fraction or an exponent, a list, an object: refused, never quoted.
        let parsed: serde_json::Value =
            serde_json::from_str(r#"[4548810000000003.5, 4.5488100000000031e15]"#).unwrap();
        for pan in [
            parsed[0].clone(),
            parsed[1].clone(),
            json!(["4548810000000003"]),
            json!({"n": "4548810000000003"}),
        ] {
            let e = serde_json::from_value::<Payment>(json!({"order": ORDER,
                "amount": {"minor": 1, "currency": "EUR"}, "card": {"pan": pan}}))
            .unwrap_err();
            let text = e.to_string();
            assert!(
                !text.contains("4548810000000003") && !text.contains("4.54881"),
                "{text}"
            );
            assert!(text.contains("card data must be text"), "{text}");
        }
    }

    #[test]
    fn frictionless_reply_is_the_notification_event() {
        let p = payment(json!({"id_oper": "a1b2c3d4e5f6"}));
        let step = parse_trata_peticion_response(
            &config(),
            &p,
            &reply(json!({
            "Ds_Amount": "4999", "Ds_Currency": "978", "Ds_Order": ORDER,
            "Ds_MerchantCode": "999008881", "Ds_Terminal": "1", "Ds_Response": "0000",
            "Ds_AuthorisationCode": "123456", "Ds_TransactionType": "0"})),
        )
        .unwrap();
        let Step::Final(verified) = step else {
            panic!("expected a final answer")
        };
        assert_eq!(
            verified.event().key(),
            "redsys:999008881:1:1234abcd5678:0:0000:4999:123456"
        );
    }

    #[test]
    fn challenge_reply_gives_the_acs_form() {
        let p = payment(json!({"id_oper": "a1b2c3d4e5f6"}));
        let step = parse_trata_peticion_response(&config(), &p, &reply(json!({
            "Ds_Order": ORDER, "Ds_EMV3DS": {"threeDSInfo": "ChallengeRequest",
            "protocolVersion": "2.2.0", "acsURL": "https://acs.example/c", "creq": "eyJhIjoiYiJ9"}})))
        .unwrap();
        let Step::Challenge(challenge) = step else {
            panic!("expected a challenge")
        };
        let form = challenge.form();
        assert_eq!(form.action, "https://acs.example/c");
        assert_eq!(
            form.fields,
            vec![("creq".to_string(), "eyJhIjoiYiJ9".to_string())]
        );
    }

    #[test]
    fn method_data_is_base64url_json_without_padding() {
        let card = CardConfiguration {
            order: ORDER.into(),
            protocol_version: "2.1.0".into(),
            three_ds_server_trans_id: "8de84430-3336-4ff4-b18d-f073b546ccea".into(),
            three_ds_method_url: Some("https://acs.example/m".into()),
            card_psd2: None,
        };
        let form = three_ds_method_form(&card, "https://shop.example/3ds/method")
            .unwrap()
            .unwrap();
        // base64url of {"threeDSServerTransID":"8de8…","threeDSMethodNotificationURL":"https://shop.example/3ds/method"},
        // computed with Python's base64.urlsafe_b64encode, '=' stripped.
        assert_eq!(
            form.fields[0].1,
            "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjhkZTg0NDMwLTMzMzYtNGZmNC1iMThkLWYwNzNiNTQ2Y2NlYSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJodHRwczovL3Nob3AuZXhhbXBsZS8zZHMvbWV0aG9kIn0"
        );
        let none = CardConfiguration {
            three_ds_method_url: None,
            ..card
        };
        assert_eq!(
            three_ds_method_form(&none, "https://shop.example/m").unwrap(),
            None
        );
    }

    #[test]
    fn hostile_replies_are_typed_errors() {
        let p = payment(json!({"id_oper": "a1b2c3d4e5f6"}));
        for body in [
            &b""[..],
            b"null",
            b"[]",
            b"{\"Ds_MerchantParameters\":1}",
            b"{\"Ds_MerchantParameters\":\"!!\",\"Ds_Signature\":\"x\",\"Ds_SignatureVersion\":\"HMAC_SHA256_V1\"}",
            b"\xff\xfe",
        ] {
            let r = Reply::Response { status: 200, body: body.to_vec() };
            assert!(parse_trata_peticion_response(&config(), &p, &r).is_err());
            assert!(parse_inicia_peticion_response(&config(), &p, &r).is_err());
        }
        for parameters in [
            json!([1]),
            json!({"Ds_Order": ORDER, "Ds_EMV3DS": [1]}),
            json!({"Ds_Order": ORDER, "Ds_EMV3DS": {"threeDSInfo": 7}}),
        ] {
            let e = parse_trata_peticion_response(&config(), &p, &reply(parameters)).unwrap_err();
            assert!(matches!(e.code(), ErrorCode::FieldInvalid), "{e}");
        }
    }
}

//! Redsys: the gateway class with the verbs of design §2 (checkout, notification parse and
//! verify, the answers, REST operations), the opaque notification handles, and the
//! config-free functions. Unlike the other gateways' (`gateway.rs` macros), the handles of
//! `parseNotification` and `verify` are JavaScript objects (`lib/redsys.js`) holding what they
//! were made from; the addon keeps the last parse (`LastParse`) and the last proven
//! notification (`Proven`), and makes them again from those when asked for another one.

use std::cell::RefCell;
use std::sync::Arc;

use napi::Env;
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;
use vpos_core::gateways::redsys::{self, Notification, Operation, Order, emv3ds, paygold};
use vpos_core::{Error, ErrorCode, Reply, Unverified, Verified};

use crate::error::OrThrow;
use crate::gateway::read;
use crate::outcome::parse_outcome;
use crate::wire::{public_json, to_json};

gateway_class! {
    /// One Redsys terminal. The configuration (with its secret key) lives on the Rust side only.
    RedsysGateway(redsys::Config) {
        public_config: |config| public_json(config),
        checkout: Order,
    }
}

/// The last notification `parseNotification` parsed, kept for the `verify` (or the first read)
/// that usually follows: a one-entry memo of `redsys::parse_notification`, keyed by what it was
/// parsed from (the configuration, the content type, the raw body), so it gives exactly what
/// parsing again would. The unverified handle itself is a JavaScript object holding those three
/// (`lib/redsys.js`), not a native one.
///
/// Measured 2026-12-06: a native handle that owned its parsed notification (some fifty strings)
/// cost more than the parse. Node frees a native handle's memory only from the event loop after
/// a GC, so in a synchronous loop every handle's memory is fresh pages (page faults); now only
/// the memo's one notification is alive, replaced (and its memory reused) by the next parse.
struct LastParse {
    config: Arc<redsys::Config>,
    content_type: String,
    notification: Unverified<Notification>,
}

thread_local! {
    static LAST_PARSE: RefCell<Option<LastParse>> = const { RefCell::new(None) };
}

impl LastParse {
    fn is(&self, config: &Arc<redsys::Config>, content_type: &str, body: &[u8]) -> bool {
        Arc::ptr_eq(&self.config, config)
            && self.content_type == content_type
            && self.notification.untrusted().raw_body() == body
    }
}

/// `redsys::parse_notification`, remembered as the last parse.
fn parse_and_keep(
    config: &Arc<redsys::Config>,
    content_type: String,
    body: &[u8],
) -> Result<(), Error> {
    let notification = redsys::parse_notification(config, &content_type, body)?;
    let previous = LAST_PARSE.with(|last| {
        last.borrow_mut().replace(LastParse {
            config: Arc::clone(config),
            content_type,
            notification,
        })
    });
    drop(previous);
    Ok(())
}

/// The parse of `body`: the memo's if it is that one (taken out of it), else parsed again.
fn take_parsed(
    config: &Arc<redsys::Config>,
    content_type: &str,
    body: &[u8],
) -> Result<Unverified<Notification>, Error> {
    let kept = LAST_PARSE.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some(l) if l.is(config, content_type, body) => last.take(),
            _ => None,
        }
    });
    match kept {
        Some(l) => Ok(l.notification),
        None => redsys::parse_notification(config, content_type, body),
    }
}

/// Reads the parse of `body`: the memo's if it is that one, else parsed again (and kept).
fn read_parsed<R>(
    config: &Arc<redsys::Config>,
    content_type: &str,
    body: &[u8],
    read: impl FnOnce(&Notification) -> R,
) -> Result<R, Error> {
    let hit = LAST_PARSE
        .with(|last| matches!(&*last.borrow(), Some(l) if l.is(config, content_type, body)));
    if !hit {
        parse_and_keep(config, content_type.to_owned(), body)?;
    }
    LAST_PARSE.with(|last| match &*last.borrow() {
        Some(l) => Ok(read(l.notification.untrusted())),
        None => Err(Error::new(
            ErrorCode::FieldInvalid,
            "the notification could not be parsed again",
        )),
    })
}

/// The notification the last `verify` proved, and what it was proven from: the verifying and
/// the parsing configuration, the content type (the raw body is the notification's own).
struct Proven {
    verifier: Arc<redsys::Config>,
    parser: Arc<redsys::Config>,
    content_type: String,
    verified: Verified<Notification>,
}

thread_local! {
    /// The last notification `verify` proved. The verified handle `verify` returns is a
    /// JavaScript object holding what it was proven from (`lib/redsys.js`); reading it after
    /// another `verify` proves it again from those (parsing and verifying are pure: the same
    /// notification). Measured 2026-12-06: a native handle owning its notification made every
    /// `verify` of a synchronous loop fresh memory (Node frees native handles only from the event
    /// loop after a GC), and a native handle at all costs an object wrap, two hash-table entries
    /// and a finalizer.
    static LAST_VERIFIED: RefCell<Option<Proven>> = const { RefCell::new(None) };
}

impl Proven {
    fn is(
        &self,
        verifier: &Arc<redsys::Config>,
        parser: &Arc<redsys::Config>,
        content_type: &str,
        body: &[u8],
    ) -> bool {
        Arc::ptr_eq(&self.verifier, verifier)
            && Arc::ptr_eq(&self.parser, parser)
            && self.content_type == content_type
            && self.verified.raw_body() == body
    }
}

/// Reads the notification `verifier` proved, `parser` having parsed it from `body`: the last
/// `verify`'s if it is that one, else parsed and verified again (and kept as the last).
fn read_proven<R>(
    verifier: &Arc<redsys::Config>,
    parser: &Arc<redsys::Config>,
    content_type: &str,
    body: &[u8],
    read: impl FnOnce(&Verified<Notification>) -> R,
) -> Result<R, Error> {
    let hit = LAST_VERIFIED.with(
        |last| matches!(&*last.borrow(), Some(p) if p.is(verifier, parser, content_type, body)),
    );
    if !hit {
        let verified = redsys::parse_notification(parser, content_type, body)
            .and_then(|u| redsys::verify(verifier, u))?;
        keep_proven(verifier, parser, content_type.to_owned(), verified);
    }
    LAST_VERIFIED.with(|last| match &*last.borrow() {
        Some(p) => Ok(read(&p.verified)),
        None => Err(Error::new(
            ErrorCode::FieldInvalid,
            "the notification could not be proven again",
        )),
    })
}

fn keep_proven(
    verifier: &Arc<redsys::Config>,
    parser: &Arc<redsys::Config>,
    content_type: String,
    verified: Verified<Notification>,
) {
    let previous = LAST_VERIFIED.with(|last| {
        last.borrow_mut().replace(Proven {
            verifier: Arc::clone(verifier),
            parser: Arc::clone(parser),
            content_type,
            verified,
        })
    });
    drop(previous);
}

impl RedsysGateway {
    /// `redsys::verify` under this gateway of what `parser` parsed from `body` (the last parse,
    /// moved, or parsed again): the flat notification, kept as the last proven one.
    fn prove(
        &self,
        env: Env,
        parser: &Arc<redsys::Config>,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<Option<String>> {
        let verified = take_parsed(parser, &content_type, body)
            .and_then(|u| redsys::verify(&self.config, u))
            .or_throw(&env)?;
        let flat = notification_flat(&verified);
        keep_proven(&self.config, parser, content_type, verified);
        Ok(flat)
    }
}

/// A Redsys REST or EMV3DS answer whose signature is proven (`lib/redsys.js` wraps it in the
/// verified handle); its status may still be a decline.
#[napi]
pub struct RedsysVerifiedNotification {
    pub(crate) inner: Verified<Notification>,
}

#[napi]
impl RedsysVerifiedNotification {
    /// The notification as JSON.
    #[napi]
    pub fn notification_json(&self) -> String {
        to_json(&*self.inner)
    }

    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self) -> String {
        to_json(&self.inner.event())
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(self.inner.raw_body())
    }
}

#[napi]
impl RedsysGateway {
    /// `redsys::parse_notification` on the raw body: throws what it refuses; the parse is kept
    /// for the `verify` or read that follows (`LastParse`). `lib/redsys.js` makes the handle.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<()> {
        parse_and_keep(&self.config, content_type, body).or_throw(&env)
    }

    /// A notification this gateway parsed, as flat text (`notification_flat`), or `undefined`
    /// when it must travel as JSON (`untrusted_json`).
    #[napi]
    pub fn untrusted_flat(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<Option<String>> {
        read_parsed(&self.config, &content_type, body, notification_flat).or_throw(&env)
    }

    /// A notification this gateway parsed, as JSON, to be read with suspicion.
    #[napi]
    pub fn untrusted_json(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<String> {
        read_parsed(&self.config, &content_type, body, to_json).or_throw(&env)
    }

    /// `redsys::verify` of the notification `parser` parsed from `body` (the last parse, moved,
    /// or parsed again); the verified notification as flat text (`undefined`: read it as JSON).
    /// Throws what `verify` refuses; the proven notification is kept as the last (`Proven`).
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<Option<String>> {
        self.prove(env, &parser.config, content_type, body)
    }

    /// `verify` of a notification this gateway parsed: one handle fewer to borrow.
    #[napi]
    pub fn verify_own(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<Option<String>> {
        self.prove(env, &self.config, content_type, body)
    }

    /// A notification this gateway proved (see `verify`) as flat text, or `undefined`.
    #[napi]
    pub fn proven_flat(
        &self,
        env: Env,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<Option<String>> {
        read_proven(&self.config, &parser.config, &content_type, body, |v| {
            notification_flat(v)
        })
        .or_throw(&env)
    }

    /// A notification this gateway proved, as JSON.
    #[napi]
    pub fn proven_json(
        &self,
        env: Env,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<String> {
        read_proven(&self.config, &parser.config, &content_type, body, |v| {
            to_json(&**v)
        })
        .or_throw(&env)
    }

    /// The event of a notification this gateway proved, as JSON.
    #[napi]
    pub fn proven_event_json(
        &self,
        env: Env,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<String> {
        read_proven(&self.config, &parser.config, &content_type, body, |v| {
            to_json(&v.event())
        })
        .or_throw(&env)
    }

    /// `transition(payment, event)` for a notification this gateway proved, as `Outcome` JSON.
    #[napi]
    pub fn proven_transition(
        &self,
        env: Env,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
        payment: String,
    ) -> napi::Result<String> {
        let event = read_proven(&self.config, &parser.config, &content_type, body, |v| {
            v.event()
        })
        .or_throw(&env)?;
        crate::gateway::transition_json(&env, &payment, &event)
    }

    /// `redsys::acknowledge` (this gateway's answer) for a notification `verifier` proved.
    #[napi]
    pub fn acknowledge_proven(
        &self,
        env: Env,
        verifier: &RedsysGateway,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
        outcome: String,
    ) -> napi::Result<String> {
        let outcome = parse_outcome(&outcome).or_throw(&env)?;
        read_proven(&verifier.config, &parser.config, &content_type, body, |v| {
            redsys::acknowledge(&self.config, v, &outcome)
        })
        .and_then(|r| r)
        .map(|r| to_json(&r))
        .or_throw(&env)
    }
}

#[napi]
impl RedsysGateway {
    /// `redsys::order_key`: base64 of the per-order key.
    #[napi]
    pub fn order_key(&self, env: Env, order: String) -> napi::Result<String> {
        redsys::order_key(&self.config, &order).or_throw(&env)
    }

    /// `redsys::sign` over `message` keyed with `order`.
    #[napi]
    pub fn sign(&self, env: Env, order: String, message: &[u8]) -> napi::Result<String> {
        redsys::sign(&self.config, &order, message).or_throw(&env)
    }

    /// `redsys::acknowledge`: the answer for a verified notification and its `Outcome` JSON
    /// (the signed SOAP envelope for a SOAP notification).
    #[napi]
    pub fn acknowledge(
        &self,
        env: Env,
        notification: &RedsysVerifiedNotification,
        outcome: String,
    ) -> napi::Result<String> {
        let outcome = parse_outcome(&outcome).or_throw(&env)?;
        redsys::acknowledge(&self.config, &notification.inner, &outcome)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::soap_answer`: the signed SOAP `OK`/`KO` envelope for `order`.
    #[napi]
    pub fn soap_answer(&self, env: Env, order: String, accept: bool) -> napi::Result<String> {
        redsys::soap_answer(&self.config, &order, accept)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::operation_request` (refund, confirm, cancel) as `HttpRequest` JSON.
    #[napi]
    pub fn operation_request(&self, env: Env, operation: String) -> napi::Result<String> {
        let operation: Operation = read(&env, &operation)?;
        redsys::operation_request(&self.config, &operation)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `redsys::parse_operation_response` on the host's `Reply` JSON: the verified result.
    #[napi]
    pub fn parse_operation_response(
        &self,
        env: Env,
        reply: String,
    ) -> napi::Result<RedsysVerifiedNotification> {
        let reply: Reply = read(&env, &reply)?;
        redsys::parse_operation_response(&self.config, &reply)
            .map(|inner| RedsysVerifiedNotification { inner })
            .or_throw(&env)
    }
}

/// An order from flat text (`lib/redsys.js` `flatOrder`: order, amount kind `m`/`v`, minor
/// units or decimal value, currency, transaction type, then product_description, titular,
/// merchant_data, consumer_language, pay_methods, bizum_mobile_number, merchant_url, url_ok,
/// url_ko, identifier; `\0` between them, `\u0001` alone for absent). `None` for anything it
/// does not read exactly as the JSON path does: the caller then takes that path, which also
/// names the error.
fn order_from_flat(text: &str) -> Option<Order> {
    use vpos_core::Amount;
    use vpos_core::Currency;
    use vpos_core::gateways::redsys::{ExtraParameters, TransactionType};
    let mut v = text.split(crate::flat::SEP);
    let mut next = || v.next();
    let opt = |s: &str| (s != "\u{1}").then(|| s.to_owned());
    let order = next()?.to_owned();
    let kind = next()?;
    let amount = next()?;
    let currency = Currency::from_code(next()?).ok()?;
    let amount = match kind {
        "m" => Amount::from_minor(amount.parse().ok()?, currency).ok()?,
        "v" => Amount::parse(amount, currency).ok()?,
        _ => return None,
    };
    let transaction_type = match next()? {
        "\u{1}" | "authorization" => TransactionType::Authorization,
        "preauthorization" => TransactionType::Preauthorization,
        _ => return None,
    };
    let mut text = || next().map(opt);
    let order = Order {
        order,
        amount,
        transaction_type,
        product_description: text()?,
        titular: text()?,
        merchant_data: text()?,
        consumer_language: text()?,
        pay_methods: text()?,
        bizum_mobile_number: text()?,
        merchant_url: text()?,
        url_ok: text()?,
        url_ko: text()?,
        identifier: text()?,
        stored_credential: None,
        cardholder: None,
        extra_parameters: ExtraParameters::default(),
    };
    // Exactly the fifteen values.
    next().is_none().then_some(order)
}

#[napi]
impl RedsysGateway {
    /// `checkout` of an order given as flat text (`order_from_flat`), as flat text
    /// (`crate::flat::redirect_form`); `undefined` when either is not possible or the checkout
    /// fails: the caller then takes the JSON path (`checkout_flat`, `checkout`), which throws
    /// the error. Measured 2026-12-06: the order's JSON (written by `encode`, read by serde) was
    /// a fifth of a checkout.
    #[napi]
    pub fn checkout_flat_order(&self, order: String) -> Option<String> {
        let order = order_from_flat(&order)?;
        redsys::checkout(&self.config, &order)
            .ok()
            .and_then(|form| crate::flat::redirect_form(&form))
    }
}

/// Host-to-host EMV3DS over REST (`redsys::emv3ds`, docs/3ds.md): JSON in, JSON out; a final
/// answer is the verified handle, as `parseOperationResponse` gives.
#[napi]
impl RedsysGateway {
    /// `emv3ds::inicia_peticion_request` as `HttpRequest` JSON (its body carries the card).
    #[napi]
    pub fn emv3ds_inicia_request(&self, env: Env, payment: String) -> napi::Result<String> {
        let payment: emv3ds::Payment = read(&env, &payment)?;
        emv3ds::inicia_peticion_request(&self.config, &payment)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `emv3ds::parse_inicia_peticion_response`: the card configuration JSON.
    #[napi]
    pub fn emv3ds_parse_inicia_response(
        &self,
        env: Env,
        payment: String,
        reply: String,
    ) -> napi::Result<String> {
        let payment: emv3ds::Payment = read(&env, &payment)?;
        let reply: Reply = read(&env, &reply)?;
        emv3ds::parse_inicia_peticion_response(&self.config, &payment, &reply)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `emv3ds::three_ds_method_form`: the form JSON, or `null`.
    #[napi]
    pub fn emv3ds_method_form(
        &self,
        env: Env,
        card: String,
        notification_url: String,
    ) -> napi::Result<String> {
        let card: emv3ds::CardConfiguration = read(&env, &card)?;
        emv3ds::three_ds_method_form(&card, &notification_url)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `emv3ds::parse_three_ds_method_data`: the `threeDSServerTransID`.
    #[napi]
    pub fn emv3ds_method_data(&self, env: Env, data: String) -> napi::Result<String> {
        emv3ds::parse_three_ds_method_data(&data).or_throw(&env)
    }

    /// `emv3ds::trata_peticion_request` (`AuthenticationData`) as `HttpRequest` JSON.
    #[napi]
    pub fn emv3ds_trata_request(
        &self,
        env: Env,
        payment: String,
        authentication: String,
    ) -> napi::Result<String> {
        let payment: emv3ds::Payment = read(&env, &payment)?;
        let authentication: emv3ds::Authentication = read(&env, &authentication)?;
        emv3ds::trata_peticion_request(&self.config, &payment, &authentication)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `emv3ds::parse_trata_peticion_response`: the verified handle for a final answer, the
    /// challenge's JSON (`{challenge, form}`) otherwise.
    #[napi]
    pub fn emv3ds_parse_trata_response(
        &self,
        env: Env,
        payment: String,
        reply: String,
    ) -> napi::Result<Either<RedsysVerifiedNotification, String>> {
        let payment: emv3ds::Payment = read(&env, &payment)?;
        let reply: Reply = read(&env, &reply)?;
        match emv3ds::parse_trata_peticion_response(&self.config, &payment, &reply)
            .or_throw(&env)?
        {
            emv3ds::Step::Final(verified) => {
                Ok(Either::A(RedsysVerifiedNotification { inner: *verified }))
            }
            emv3ds::Step::Challenge(challenge) => Ok(Either::B(to_json(
                &serde_json::json!({"challenge": challenge, "form": challenge.form()}),
            ))),
        }
    }

    /// `emv3ds::challenge_response_request` (`ChallengeResponse`) as `HttpRequest` JSON.
    #[napi]
    pub fn emv3ds_challenge_request(
        &self,
        env: Env,
        payment: String,
        challenge: String,
    ) -> napi::Result<String> {
        let payment: emv3ds::Payment = read(&env, &payment)?;
        let challenge: emv3ds::ChallengeResult = read(&env, &challenge)?;
        emv3ds::challenge_response_request(&self.config, &payment, &challenge)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `emv3ds::parse_challenge_response`: the verified handle.
    #[napi]
    pub fn emv3ds_parse_challenge_response(
        &self,
        env: Env,
        payment: String,
        reply: String,
    ) -> napi::Result<RedsysVerifiedNotification> {
        let payment: emv3ds::Payment = read(&env, &payment)?;
        let reply: Reply = read(&env, &reply)?;
        emv3ds::parse_challenge_response(&self.config, &payment, &reply)
            .map(|inner| RedsysVerifiedNotification { inner })
            .or_throw(&env)
    }
}

/// Pay-by-link (`redsys::paygold`, docs/3ds.md): JSON in, JSON out, like the EMV3DS verbs.
#[napi]
impl RedsysGateway {
    /// `paygold::request` as `HttpRequest` JSON.
    #[napi]
    pub fn paygold_request(&self, env: Env, link: String) -> napi::Result<String> {
        let link: paygold::LinkRequest = read(&env, &link)?;
        paygold::request(&self.config, &link)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }

    /// `paygold::parse_reply`: the verified link JSON (`{url, order, amount}`).
    #[napi]
    pub fn paygold_parse_reply(
        &self,
        env: Env,
        link: String,
        reply: String,
    ) -> napi::Result<String> {
        let link: paygold::LinkRequest = read(&env, &link)?;
        let reply: Reply = read(&env, &reply)?;
        paygold::parse_reply(&self.config, &link, &reply)
            .map(|r| to_json(&r))
            .or_throw(&env)
    }
}

notification_functions! {
    redsys;
    transition: redsys_transition(RedsysVerifiedNotification);
    reject: redsys_reject;
}

/// A `Ds_Response` for a `Ds_TransactionType`: `{action, status, response}` (the response
/// normalised to four digits).
#[napi]
pub fn redsys_status(env: Env, transaction_type: String, response: String) -> napi::Result<String> {
    let response = redsys::normalize_response(&response)
        .ok_or_else(|| {
            Error::new(ErrorCode::FieldInvalid, "Ds_Response must be 1 to 4 digits")
                .with_field("Ds_Response")
        })
        .or_throw(&env)?;
    let (action, status) = redsys::map_status(&transaction_type, &response);
    #[derive(serde::Serialize)]
    struct StatusInfo<'a> {
        action: vpos_core::Action,
        status: &'a str,
        response: String,
    }
    Ok(to_json(&StatusInfo {
        action,
        status: status.as_str(),
        response,
    }))
}

/// A Redsys notification as flat text (`crate::flat`), in the order of its JSON shape:
/// format, signature_version, order, amount (minor, currency, value), merchant_code, terminal,
/// response, transaction_type, action, status, authorisation_code, error_code, merchant_data,
/// identifier, expiry_date, cof_txnid, then the parameters' names and values. `lib/redsys.js`
/// rebuilds the object; `None` when a value cannot be written flat (then JSON).
fn notification_flat(n: &Notification) -> Option<String> {
    let mut f = crate::flat::Flat::with_capacity(
        256 + n
            .parameters
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>(),
    );
    // The serde names, without serde (test/flat.test.js compares with the JSON reading).
    f.str(match n.format {
        redsys::Format::Http => "http",
        redsys::Format::Soap => "soap",
        redsys::Format::Rest => "rest",
    });
    f.str(&n.signature_version);
    f.str(&n.order);
    f.display(n.amount.minor());
    f.display(n.amount.currency());
    f.str(&n.amount.to_decimal_string());
    f.str(&n.merchant_code);
    f.opt(n.terminal.as_deref());
    f.str(&n.response);
    f.str(&n.transaction_type);
    f.str(n.action.as_str());
    f.str(n.status.as_str());
    f.opt(n.authorisation_code.as_deref());
    f.opt(n.error_code.as_deref());
    f.opt(n.merchant_data.as_deref());
    f.opt(n.identifier.as_deref());
    f.opt(n.expiry_date.as_deref());
    f.opt(n.cof_txnid.as_deref());
    f.pairs(&n.parameters);
    f.finish()
}

/// A verified notification as flat text (`lib/redsys.js` reads it), or `undefined` when it must
/// travel as JSON.
#[napi]
pub fn redsys_notification_flat(verified: &RedsysVerifiedNotification) -> Option<String> {
    notification_flat(&verified.inner)
}

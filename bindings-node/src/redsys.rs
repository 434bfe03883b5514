//! Redsys: the gateway class with the verbs of design §2 (checkout, notification parse and
//! verify, the answers, REST operations), the opaque notification handles, and the
//! config-free functions. Unlike the other gateways' (`gateway.rs` macros), the unverified
//! handle is a JavaScript object (`lib/redsys.js`) over the last parse kept here (`LastParse`),
//! and `verify` moves that parse into the verified handle instead of copying it.

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
    let hit = LAST_PARSE.with(|last| {
        matches!(&*last.borrow(), Some(l) if l.is(config, content_type, body))
    });
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

/// What a verified handle made by `verify` was proven from; the proven notification itself is
/// kept in `LAST_VERIFIED` until the next `verify`, and proven again from these when read after
/// that (parsing and verifying are pure: the same notification).
struct ProvenFrom {
    id: u64,
    parser: Arc<redsys::Config>,
    verifier: Arc<redsys::Config>,
    content_type: String,
    body: Box<[u8]>,
}

// A REST or EMV3DS answer is boxed: the handle of `verify` is the common one.
enum Proof {
    /// `verify`'s: see `ProvenFrom`.
    From(ProvenFrom),
    /// A REST or EMV3DS result, kept as it is.
    Kept(Box<Verified<Notification>>),
}

thread_local! {
    /// The notification the last `verify` proved, with its handle's `id`. Measured 2026-12-06: a
    /// handle owning its notification made every `verify` in a synchronous loop fresh memory
    /// (Node frees a handle only from the event loop after a GC): some 3 µs of page faults and
    /// cache misses per call. The handle now owns its raw body only.
    static LAST_VERIFIED: RefCell<Option<(u64, Verified<Notification>)>> = const { RefCell::new(None) };
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A Redsys notification (or REST reply) whose signature is proven; its status may still be a
/// decline.
#[napi]
pub struct RedsysVerifiedNotification {
    proof: Proof,
}

impl RedsysVerifiedNotification {
    fn kept(verified: Verified<Notification>) -> Self {
        RedsysVerifiedNotification {
            proof: Proof::Kept(Box::new(verified)),
        }
    }

    /// Reads the proven notification.
    pub(crate) fn with<R>(&self, read: impl FnOnce(&Verified<Notification>) -> R) -> Result<R, Error> {
        let from = match &self.proof {
            Proof::Kept(v) => return Ok(read(v)),
            Proof::From(from) => from,
        };
        let kept = LAST_VERIFIED.with(|last| matches!(&*last.borrow(), Some((id, _)) if *id == from.id));
        if !kept {
            let proven = redsys::parse_notification(&from.parser, &from.content_type, &from.body)
                .and_then(|u| redsys::verify(&from.verifier, u))?;
            let previous = LAST_VERIFIED.with(|last| last.borrow_mut().replace((from.id, proven)));
            drop(previous);
        }
        LAST_VERIFIED.with(|last| match &*last.borrow() {
            Some((_, v)) => Ok(read(v)),
            None => Err(Error::new(
                ErrorCode::FieldInvalid,
                "the notification could not be proven again",
            )),
        })
    }
}

#[napi]
impl RedsysVerifiedNotification {
    /// The notification as JSON.
    #[napi]
    pub fn notification_json(&self, env: Env) -> napi::Result<String> {
        self.with(|v| to_json(&**v)).or_throw(&env)
    }

    /// The gateway-neutral event (with its idempotency `key`) as JSON.
    #[napi]
    pub fn event_json(&self, env: Env) -> napi::Result<String> {
        self.with(|v| to_json(&v.event())).or_throw(&env)
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(match &self.proof {
            Proof::From(from) => &*from.body,
            Proof::Kept(v) => v.raw_body(),
        })
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

    /// `redsys::verify` of the notification `parser` parsed from `body`, and the verified
    /// notification as flat text (`undefined`: read it as JSON), in one call. The memo's parse
    /// is moved into the verified handle, not copied; a refused one is gone (the next read
    /// parses the body again).
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        parser: &RedsysGateway,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<(RedsysVerifiedNotification, Option<String>)> {
        let verified = take_parsed(&parser.config, &content_type, body)
            .and_then(|u| redsys::verify(&self.config, u))
            .or_throw(&env)?;
        let flat = notification_flat(&verified);
        let id = NEXT_ID.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        let previous = LAST_VERIFIED.with(|last| last.borrow_mut().replace((id, verified)));
        drop(previous);
        let handle = RedsysVerifiedNotification {
            proof: Proof::From(ProvenFrom {
                id,
                parser: Arc::clone(&parser.config),
                verifier: Arc::clone(&self.config),
                content_type,
                body: body.into(),
            }),
        };
        Ok((handle, flat))
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
        notification
            .with(|v| redsys::acknowledge(&self.config, v, &outcome))
            .and_then(|r| r)
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
            .map(RedsysVerifiedNotification::kept)
            .or_throw(&env)
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
            emv3ds::Step::Final(verified) => Ok(Either::A(RedsysVerifiedNotification::kept(*verified))),
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
            .map(RedsysVerifiedNotification::kept)
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
    reject: redsys_reject;
}

/// `transition(payment, verified.event())` as `Outcome` JSON; napi checks the handle's type tag.
#[napi]
pub fn redsys_transition(
    env: Env,
    payment: String,
    verified: &RedsysVerifiedNotification,
) -> napi::Result<String> {
    let event = verified.with(|v| v.event()).or_throw(&env)?;
    crate::gateway::transition_json(&env, &payment, &event)
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
    f.name(&n.format);
    f.str(&n.signature_version);
    f.str(&n.order);
    f.display(n.amount.minor());
    f.display(n.amount.currency());
    f.str(&n.amount.to_decimal_string());
    f.str(&n.merchant_code);
    f.opt(n.terminal.as_deref());
    f.str(&n.response);
    f.str(&n.transaction_type);
    f.name(&n.action);
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
    verified.with(|v| notification_flat(v)).ok().flatten()
}

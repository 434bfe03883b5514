//! Redsys: the gateway class with the verbs of design §2 (checkout, notification parse and
//! verify, the answers, REST operations), the opaque notification handles, and the
//! config-free functions. Unlike the other gateways' (`gateway.rs` macros), the handles are
//! written out here: `verify` moves the parsed notification instead of copying it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
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

/// What an unverified handle holds. `redsys::verify` takes the parsed notification by value
/// and hands it on unchanged, so the handle gives it up instead of a copy (measured
/// 2026-12-06: the copy, some fifty strings, was the largest part of `verify` after the
/// crypto) and still reads it through the verified handle it became.
// The handle is boxed by napi already; boxing the parsed notification would add an allocation
// per parse for nothing.
#[allow(clippy::large_enum_variant)]
enum Held {
    /// As parsed.
    Parsed(Unverified<Notification>),
    /// Moved into the verified handle (the same notification, now proven).
    Proven(Rc<Verified<Notification>>),
    /// A `verify` refused it and the core dropped it: parsed again from this raw body when
    /// read or verified again (parsing is pure and it parsed before).
    Refused(Vec<u8>),
}

/// A parsed Redsys notification whose signature is not checked yet.
#[napi]
pub struct RedsysUnverifiedNotification {
    held: RefCell<Held>,
    /// What it was parsed with, to parse the raw body again.
    config: Arc<redsys::Config>,
    content_type: Cow<'static, str>,
}

const FORM: &str = "application/x-www-form-urlencoded";

impl RedsysUnverifiedNotification {
    fn new(
        config: &Arc<redsys::Config>,
        content_type: &str,
        inner: Unverified<Notification>,
    ) -> Self {
        RedsysUnverifiedNotification {
            held: RefCell::new(Held::Parsed(inner)),
            config: Arc::clone(config),
            content_type: if content_type == FORM {
                Cow::Borrowed(FORM)
            } else {
                Cow::Owned(content_type.to_owned())
            },
        }
    }

    /// The raw body parsed again, as when the handle was made.
    fn parse_again(&self, raw: &[u8]) -> Result<Unverified<Notification>, Error> {
        redsys::parse_notification(&self.config, &self.content_type, raw)
    }

    /// Reads the notification (as parsed, or as proven: the same one), parsed again first if a
    /// `verify` refused it.
    fn with<R>(&self, read: impl FnOnce(&Notification) -> R) -> Result<R, Error> {
        let again = match &*self.held.borrow() {
            Held::Refused(raw) => Some(self.parse_again(raw)?),
            _ => None,
        };
        if let Some(parsed) = again {
            *self.held.borrow_mut() = Held::Parsed(parsed);
        }
        match &*self.held.borrow() {
            Held::Parsed(n) => Ok(read(n.untrusted())),
            Held::Proven(v) => Ok(read(v)),
            Held::Refused(_) => Err(Error::new(
                ErrorCode::FieldInvalid,
                "the notification could not be parsed again",
            )),
        }
    }

    /// `redsys::verify` without a copy of the notification: a parsed one is moved into the
    /// verified handle (this handle then reads it there); a refused one leaves its raw body
    /// here; a proven one is parsed again and checked again (another gateway may ask).
    fn verify(&self, config: &redsys::Config) -> Result<Rc<Verified<Notification>>, Error> {
        let held = std::mem::replace(&mut *self.held.borrow_mut(), Held::Refused(Vec::new()));
        let (unverified, keep) = match held {
            Held::Parsed(u) => {
                let raw = u.untrusted().raw_body().to_vec();
                (Ok(u), Held::Refused(raw))
            }
            Held::Proven(v) => (self.parse_again(v.raw_body()), Held::Proven(v)),
            Held::Refused(raw) => (self.parse_again(&raw), Held::Refused(raw)),
        };
        let checked = unverified.and_then(|u| redsys::verify(config, u));
        match (checked, keep) {
            (Ok(v), Held::Refused(_)) => {
                let v = Rc::new(v);
                *self.held.borrow_mut() = Held::Proven(Rc::clone(&v));
                Ok(v)
            }
            (Ok(v), keep) => {
                *self.held.borrow_mut() = keep;
                Ok(Rc::new(v))
            }
            (Err(e), keep) => {
                *self.held.borrow_mut() = keep;
                Err(e)
            }
        }
    }
}

#[napi]
impl RedsysUnverifiedNotification {
    /// The parsed notification as JSON, to be read with suspicion (to find the payment).
    #[napi]
    pub fn untrusted_json(&self, env: Env) -> napi::Result<String> {
        self.with(to_json).or_throw(&env)
    }

    /// The raw body exactly as received.
    #[napi(getter)]
    pub fn raw_body(&self) -> Buffer {
        Buffer::from(match &*self.held.borrow() {
            Held::Parsed(n) => n.untrusted().raw_body(),
            Held::Proven(v) => v.raw_body(),
            Held::Refused(raw) => raw.as_slice(),
        })
    }
}

/// A Redsys notification (or REST reply) whose signature is proven; its status may still be a
/// decline.
#[napi]
pub struct RedsysVerifiedNotification {
    pub(crate) inner: Rc<Verified<Notification>>,
}

#[napi]
impl RedsysVerifiedNotification {
    /// The notification as JSON.
    #[napi]
    pub fn notification_json(&self) -> String {
        to_json(&**self.inner)
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
    /// `redsys::parse_notification` on the raw body.
    #[napi]
    pub fn parse_notification(
        &self,
        env: Env,
        content_type: String,
        body: &[u8],
    ) -> napi::Result<RedsysUnverifiedNotification> {
        redsys::parse_notification(&self.config, &content_type, body)
            .map(|inner| RedsysUnverifiedNotification::new(&self.config, &content_type, inner))
            .or_throw(&env)
    }

    /// `redsys::verify`: the signature. The unverified handle stays usable.
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        notification: &RedsysUnverifiedNotification,
    ) -> napi::Result<RedsysVerifiedNotification> {
        notification
            .verify(&self.config)
            .map(|inner| RedsysVerifiedNotification { inner })
            .or_throw(&env)
    }

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
            .map(|inner| RedsysVerifiedNotification {
                inner: Rc::new(inner),
            })
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
            emv3ds::Step::Final(verified) => Ok(Either::A(RedsysVerifiedNotification {
                inner: Rc::new(*verified),
            })),
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
            .map(|inner| RedsysVerifiedNotification {
                inner: Rc::new(inner),
            })
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

/// A parsed notification as flat text (`lib/redsys.js` reads it), or `undefined` when it must
/// travel as JSON. A function, not a method: the handles' methods are the public surface.
#[napi]
pub fn redsys_untrusted_flat(notification: &RedsysUnverifiedNotification) -> Option<String> {
    notification.with(notification_flat).ok().flatten()
}

/// A verified notification as flat text (`lib/redsys.js` reads it), or `undefined` when it must
/// travel as JSON.
#[napi]
pub fn redsys_notification_flat(verified: &RedsysVerifiedNotification) -> Option<String> {
    notification_flat(&verified.inner)
}

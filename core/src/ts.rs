//! TypeScript declarations of the JSON shapes hosts see (cargo feature `ts`, never in a shipped
//! build). The derived types carry `#[cfg_attr(feature = "ts", derive(ts_rs::TS))]` beside their
//! serde derive, so rename_all, tag, untagged and skip_serializing_if are read from the same
//! attributes serde reads; the types with a hand-written `Serialize` (Amount, Currency, Error,
//! Reported, Secret) get their TypeScript here, next to a note of the JSON they write.
//!
//! JS hosts get every 64-bit integer as a `bigint` (ts-rs's default for `i64`), and give amounts
//! as [`AmountInput`]. [`declarations`] is the whole file; `core/tests/ts_types.rs` compares it
//! with the committed `types/vpos.d.ts` (`VPOS_TS_WRITE=1` rewrites it).

use ts_rs::{Config, TS};

use crate::{Amount, Currency, Error, ErrorCode, Reported, Secret};

macro_rules! named {
    ($ty:ty, $name:literal, $inline:expr) => {
        impl TS for $ty {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &Config) -> String {
                $name.to_string()
            }
            fn inline(_: &Config) -> String {
                $inline
            }
        }
    };
}

/// An amount as a host gives it: `value` (the exact decimal string) or `minor`, or both if
/// they agree. Only a TypeScript name: the core reads it as an [`Amount`].
pub struct AmountInput;

// `{"minor": 2345, "currency": "EUR", "value": "23.45"}` (Amount's Serialize).
named!(
    Amount,
    "Amount",
    "{ minor: bigint, currency: string, value: string, }".to_string()
);
named!(
    AmountInput,
    "AmountInput",
    "{ currency: string, value: string, minor?: bigint, } | { currency: string, minor: bigint, value?: string, }"
        .to_string()
);
/// A JSON object of any keys (serde_json's `Map`): only a TypeScript name.
pub struct JsonObject;
named!(
    JsonObject,
    "Record<string, unknown>",
    "Record<string, unknown>".to_string()
);

// The alphabetic code (Currency's Serialize).
named!(Currency, "string", "string".to_string());
// A secret is given as its string; it serialises as "***" (Secret's Serialize).
named!(Secret, "string", "string".to_string());
// `{"code", "field", "message"}` (Error's Serialize).
named!(
    Error,
    "ErrorInfo",
    "{ code: ErrorCode, field: string | null, message: string, }".to_string()
);
// Every code of the catalogue, in its order, with its doc comment.
named!(
    ErrorCode,
    "ErrorCode",
    ErrorCode::ALL
        .iter()
        .map(|c| format!("\n  /** {} */\n  | \"{}\"", doc(c.doc_attrs()), c.as_str()))
        .collect::<String>()
);

/// The text of `doc = "…"` lines, joined.
fn doc(attrs: &str) -> String {
    attrs
        .lines()
        .filter_map(|l| Some(l.split_once('"')?.1.rsplit_once('"')?.0.trim()))
        .collect::<Vec<_>>()
        .join(" ")
        .replace("\\\"", "\"")
}

// `{"id", "event_type", "resource_type", "order_id", "transmission_id"}` (RestWebhook's Serialize).
named!(
    crate::driver::RestWebhook,
    "PaypalRestWebhook",
    "{ id: string, event_type: string, resource_type: string | null, order_id: string | null, transmission_id: string, }"
        .to_string()
);

// The snake_case name (Reported's Serialize; `unknown` keeps no code in JSON).
named!(
    Reported,
    "ReportedStatus",
    "\"pending\" | \"authorized\" | \"succeeded\" | \"failed\" | \"cancelled\" | \"unknown\""
        .to_string()
);

fn alias<T: TS>(cfg: &Config, doc: &str) -> String {
    let body = T::inline(cfg);
    let sep = if body.starts_with('\n') { "" } else { " " };
    format!("/** {doc} */\nexport type {} ={sep}{body};\n", T::name(cfg))
}

fn derived<T: TS>(cfg: &Config) -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

/// The whole generated `types/vpos.d.ts`: every JSON shape, one declaration each.
pub fn declarations() -> String {
    use crate::driver::{
        OperationKind, OperationState, OperationStatus, PaymentFields, Summary, Verdict,
    };
    use crate::gateways::Gateway;
    use crate::http::{HttpRequest, HttpResponse, Method, Reply};
    use crate::state::{Event, IgnoreReason, Outcome, PaymentSnapshot};
    use crate::status::{Action, PaymentStatus};

    let cfg = Config::default();
    let cfg = &cfg;
    let parts = [
        "// Generated from vpos-core's serde types by ts-rs (core/src/ts.rs). Do not edit:\n\
         // `make types` rewrites it, `make types-check` fails when it is stale.\n"
            .to_string(),
        alias::<ErrorCode>(cfg, "Every error code, in the core's catalogue order."),
        alias::<Error>(cfg, "An error as data, as the core serialises it."),
        alias::<Amount>(
            cfg,
            "An exact amount: `minor` units (a bigint) of the ISO 4217 `currency`, and the exact decimal `value`.",
        ),
        alias::<AmountInput>(
            cfg,
            "An amount as input: the decimal `value`, or `minor` units, or both if they agree (an Amount passes back as is).",
        ),
        alias::<Reported>(
            cfg,
            "What a gateway reports about an operation, after its code table.",
        ),
        derived::<Gateway>(cfg),
        derived::<PaymentStatus>(cfg),
        derived::<Action>(cfg),
        derived::<PaymentSnapshot>(cfg),
        derived::<Event>(cfg),
        derived::<IgnoreReason>(cfg),
        derived::<Outcome>(cfg),
        derived::<Method>(cfg),
        derived::<HttpRequest>(cfg),
        derived::<HttpResponse>(cfg),
        derived::<Reply>(cfg),
        derived::<Summary>(cfg),
        derived::<PaymentFields>(cfg),
        derived::<Verdict>(cfg),
        derived::<OperationKind>(cfg),
        derived::<crate::gateways::redsys::CofType>(cfg),
        derived::<crate::gateways::redsys::ScaExemption>(cfg),
        derived::<crate::gateways::redsys::StoredCredential>(cfg),
        derived::<crate::driver::Operation>(cfg),
        derived::<OperationState>(cfg),
        derived::<OperationStatus>(cfg),
        derived::<crate::gateways::ceca::Cipher>(cfg),
        derived::<crate::gateways::ceca::Config>(cfg),
        derived::<crate::gateways::ceca::Order>(cfg),
        derived::<crate::gateways::ceca::Notification>(cfg),
        derived::<crate::form::RedirectForm>(cfg),
        derived::<crate::gateways::redsys::SignatureVersion>(cfg),
        derived::<crate::gateways::redsys::Config>(cfg),
        derived::<crate::gateways::redsys::TransactionType>(cfg),
        derived::<crate::gateways::redsys::Order>(cfg),
        derived::<crate::gateways::redsys::OperationKind>(cfg),
        derived::<crate::gateways::redsys::Operation>(cfg),
        derived::<crate::gateways::redsys::paygold::LinkRequest>(cfg),
        derived::<crate::gateways::redsys::paygold::PaygoldLink>(cfg),
        derived::<crate::gateways::redsys::Format>(cfg),
        derived::<crate::gateways::redsys::Notification>(cfg),
        derived::<crate::gateways::flocash::Config>(cfg),
        derived::<crate::gateways::flocash::PublicConfig>(cfg),
        derived::<crate::gateways::flocash::Customer>(cfg),
        derived::<crate::gateways::flocash::Order>(cfg),
        derived::<crate::gateways::flocash::Notification>(cfg),
        derived::<crate::gateways::flocash::ElementForm>(cfg),
        derived::<crate::gateways::flocash::PollConfig>(cfg),
        derived::<crate::gateways::flocash::PolledPayment>(cfg),
        derived::<crate::gateways::flocash::PollReply>(cfg),
        derived::<crate::cardholder::Cardholder>(cfg),
        derived::<crate::cardholder::Phone>(cfg),
        derived::<crate::cardholder::Address>(cfg),
        derived::<crate::cardholder::AccountInfo>(cfg),
        derived::<crate::cardholder::AccountAge>(cfg),
        derived::<crate::cardholder::PasswordChange>(cfg),
        derived::<crate::cardholder::Recency>(cfg),
        derived::<crate::cardholder::ChallengePreference>(cfg),
        derived::<crate::gateways::elavon::HashAlgorithm>(cfg),
        derived::<crate::gateways::elavon::Config>(cfg),
        derived::<crate::gateways::elavon::Order>(cfg),
        derived::<crate::gateways::elavon::RemoteKind>(cfg),
        derived::<crate::gateways::elavon::RemoteOperation>(cfg),
        derived::<crate::gateways::elavon::Notification>(cfg),
        derived::<crate::gateways::paypal::NvpCredentials>(cfg),
        derived::<crate::gateways::paypal::Config>(cfg),
        derived::<crate::gateways::paypal::Order>(cfg),
        derived::<crate::gateways::paypal::ExpressOrder>(cfg),
        derived::<crate::gateways::paypal::NvpReply>(cfg),
        derived::<crate::gateways::paypal::Notification>(cfg),
        derived::<crate::gateways::bitpay::Config>(cfg),
        derived::<crate::gateways::bitpay::InvoiceRequest>(cfg),
        derived::<crate::gateways::bitpay::Buyer>(cfg),
        derived::<crate::gateways::bitpay::Refund>(cfg),
        derived::<crate::gateways::bitpay::Invoice>(cfg),
        derived::<crate::gateways::bitpay::Notification>(cfg),
        derived::<crate::gateways::paypal::RestConfig>(cfg),
        alias::<crate::driver::RestWebhook>(
            cfg,
            "A PayPal REST webhook as a notification shows it (the driver's `paypal_rest`): the event's `id`, `event_type` and `resource_type`, the shop's `order_id` when the resource names one, and the transmission id; never the body or the signature.",
        ),
        derived::<crate::gateways::paypal::Intent>(cfg),
        derived::<crate::gateways::paypal::OrderCreate>(cfg),
        derived::<crate::driver::OrderRequest>(cfg),
        derived::<crate::driver::Order>(cfg),
    ];
    parts.join("\n")
}

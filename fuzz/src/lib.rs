//! The fuzz targets of vpos-core, as plain functions.
//!
//! Each `fuzz_targets/<name>.rs` is a one-line libFuzzer wrapper around the function of the
//! same name here, and `tests/replay.rs` calls the same functions over the seeds
//! ([`seeds`], from `tests/vectors`) and the saved crash inputs (`regressions/<name>/`), so
//! `make test` replays them with a plain `cargo test`, no instrumented build.
//!
//! A target parses the input the way a host receives it, then goes as deep as the parsed
//! value allows: verification against a fixed config, and, where the gateway signs its
//! messages, the same input signed with that config's key so that verification passes and the
//! event, every state transition and the answer are exercised too. Errors are expected;
//! a panic, an overflow (checks are on), a hang or a huge allocation is a finding.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use vpos_core::form::encode_urlencoded;
use vpos_core::gateways::{bitpay, ceca, elavon, flocash, paypal, redsys};
use vpos_core::{
    Amount, Currency, Error, Event, Outcome, PaymentSnapshot, PaymentStatus, Reply, transition,
};

pub mod seeds;

/// libFuzzer's `-malloc_limit_mb` needs a sanitizer's malloc hooks, which a stable build has
/// not: the fuzz binaries enforce the same limit themselves, aborting (a crash libFuzzer saves)
/// on any single allocation above 256 MB, touched or not.
#[cfg(feature = "libfuzzer")]
mod alloc_limit {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::io::Write as _;

    const LIMIT: usize = 256 << 20;

    struct Limited;

    fn check(size: usize) {
        if size > LIMIT {
            let _ = std::io::stderr().write_all(b"vpos-fuzz: allocation above 256 MB\n");
            std::process::abort();
        }
    }

    // SAFETY: every call is forwarded unchanged to the system allocator.
    unsafe impl GlobalAlloc for Limited {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            check(layout.size());
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            check(layout.size());
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            check(new_size);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Limited = Limited;
}

/// A target's body: one input, any bytes.
pub type Target = fn(&[u8]);

/// Every target: its name (the binary, the corpus and regression directory) and its body.
pub const TARGETS: &[(&str, Target)] = &[
    ("amount", amount),
    ("bitpay_invoice", bitpay_invoice),
    ("bitpay_v2", bitpay_v2),
    ("bitpay_refund_notification", bitpay_refund_notification),
    ("ceca_notification", ceca_notification),
    ("ceca_refund", ceca_refund),
    ("elavon_hpp", elavon_hpp),
    ("elavon_remote", elavon_remote),
    ("flocash_notification", flocash_notification),
    ("flocash_poll", flocash_poll),
    ("paypal_ipn", paypal_ipn),
    ("paypal_nvp", paypal_nvp),
    ("paypal_webhook", paypal_webhook),
    ("redsys_emv3ds", redsys_emv3ds),
    ("redsys_notification", redsys_notification),
    ("redsys_paygold", redsys_paygold),
    ("redsys_query", redsys_query),
    ("redsys_rest", redsys_rest),
    ("redsys_soap", redsys_soap),
];

const FORM: &str = "application/x-www-form-urlencoded";

/// Inputs up to this size are also signed and re-parsed: the signed body stays well under
/// every parser's size limit, so "it parsed unsigned, so it parses signed" holds.
const RESIGN_MAX: usize = 8 * 1024;

fn config<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).expect("fuzz config")
}

fn ok_reply(body: &[u8]) -> Reply {
    Reply::Response {
        status: 200,
        body: body.to_vec(),
    }
}

/// What a host does with an error: serialise it and answer with the gateway's `reject`.
fn rejected(e: &Error, reject: fn(&Error) -> vpos_core::HttpResponse) {
    let _ = serde_json::to_string(e);
    let _ = e.to_string();
    let _ = reject(e);
}

/// Applies a verified event to the payment it names in every stored status, as a duplicate,
/// as a test payment with everything refunded, and to a payment of another amount; returns
/// the outcome for the payment that was pending (for the gateway's answer).
fn apply(event: &Event) -> Outcome {
    let _ = serde_json::to_string(event);
    let snapshot = |status| PaymentSnapshot {
        gateway: event.gateway(),
        merchant: event.merchant().to_string(),
        order_id: event.order_id().to_string(),
        amount: event.amount(),
        status,
        live: true,
        refunded_minor: 0,
        captured_minor: None,
        released_minor: 0,
        multiple_captures: false,
        applied_event_keys: Vec::new(),
    };
    for status in PaymentStatus::ALL {
        let outcome = transition(&snapshot(status), event);
        let _ = (outcome.is_acknowledged(), outcome.new_status());
        let _ = serde_json::to_string(&outcome);
    }
    let mut seen = snapshot(PaymentStatus::Paid);
    seen.applied_event_keys.push(event.key().to_string());
    let _ = transition(&seen, event);
    let mut test = snapshot(PaymentStatus::PartiallyRefunded);
    test.live = false;
    test.refunded_minor = event.amount().minor();
    let _ = transition(&test, event);
    let mut other = snapshot(PaymentStatus::Pending);
    other.amount = Amount::from_minor(event.amount().minor() / 2 + 1, event.amount().currency())
        .expect("non-negative");
    let _ = transition(&other, event);
    transition(&snapshot(PaymentStatus::Pending), event)
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// ---------------------------------------------------------------------------------------------
// Money

/// `Amount::parse` of a decimal string: the first byte picks the currency (every ISO 4217 one
/// vpos knows, by index), the rest is the text. A parsed amount must print back to itself, and
/// PayPal's reading of it must agree.
pub fn amount(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let currency = Currency::all()
        .nth(usize::from(pick) % Currency::all().len())
        .expect("index in range");
    let s = text(rest);
    if let Ok(a) = Amount::parse(&s, currency) {
        assert!(a.minor() >= 0);
        let printed = a.to_decimal_string();
        assert_eq!(Amount::parse(&printed, currency).ok(), Some(a), "{printed}");
        let _ = serde_json::to_string(&a);
        let _ = a.checked_add(a);
        assert_eq!(a.checked_sub(a).map(Amount::minor).ok(), Some(0));
        if let Ok(p) = paypal::format_amount(a) {
            assert_eq!(paypal::parse_amount(&p, currency).ok(), Some(a), "{p}");
        }
    }
    let _ = paypal::parse_amount(&s, currency);
    // The text as a currency code, and a JSON amount as hosts send it.
    let _ = Currency::from_code(&s);
    let _ = serde_json::from_slice::<Amount>(rest);
}

// ---------------------------------------------------------------------------------------------
// FloCash

static FLOCASH: LazyLock<flocash::Config> = LazyLock::new(|| {
    config(
        r#"{"merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
        "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
        "base_url": "https://fcms.flocash.com", "notification_token": "test-test-test"}"#,
    )
});

/// A FloCash notification body: parse, the post-back request, a `VERIFIED` and an
/// `INVALID` post-back reply, the event, every transition and the answer.
pub fn flocash_notification(data: &[u8]) {
    let config = &*FLOCASH;
    let n = match flocash::parse_notification(config, FORM, data) {
        Ok(n) => n,
        Err(e) => return rejected(&e, flocash::reject),
    };
    let _ = serde_json::to_string(n.untrusted());
    let _ = flocash::postback_request(config, &n);
    if let Err(e) = flocash::verify_postback(config, n.clone(), &ok_reply(b"INVALID")) {
        rejected(&e, flocash::reject);
    }
    let verified = flocash::verify_postback(config, n, &ok_reply(b"VERIFIED"))
        .expect("a VERIFIED post-back verifies");
    let outcome = apply(&verified.event());
    let _ = flocash::acknowledge(&outcome);
}

static FLOCASH_POLL: LazyLock<[flocash::PollConfig; 2]> = LazyLock::new(|| {
    let base = r#""api_username": "demo-api", "api_password": "pa<ss&word",
        "namespace": "http://merchant.api.flocash.example/", "success_codes": ["0000"]"#;
    [
        config(&format!("{{{base}}}")),
        config(&format!(r#"{{{base}, "element_form": "unqualified"}}"#)),
    ]
});

/// A FloCash polling (SOAP) reply, read with qualified and unqualified element forms, as an
/// HTTP 200 and as a SOAP fault's HTTP 500; the events of a good reply and their transitions.
pub fn flocash_poll(data: &[u8]) {
    let [qualified, unqualified] = &*FLOCASH_POLL;
    for (config, status) in [(qualified, 200), (qualified, 500), (unqualified, 200)] {
        let reply = Reply::Response {
            status,
            body: data.to_vec(),
        };
        match flocash::parse_poll_response(config, &reply) {
            Ok(polled) => {
                let _ = serde_json::to_string(&*polled);
                for event in polled.events() {
                    apply(&event);
                }
            }
            Err(e) => rejected(&e, flocash::reject),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redsys

const REDSYS_BASE: &str = r#""merchant_code": "999008881", "terminal": "1",
    "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
    "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago""#;

/// The merchant's config, once per signature version (signing uses the config's version;
/// verification the one the message names).
static REDSYS: LazyLock<[redsys::Config; 3]> = LazyLock::new(|| {
    redsys::SignatureVersion::ALL.map(|v| {
        config(&format!(
            r#"{{{REDSYS_BASE}, "signature_version": "{}"}}"#,
            v.as_str()
        ))
    })
});

fn redsys_version(data: &[u8]) -> (redsys::SignatureVersion, &'static redsys::Config) {
    let i = data.len() % 3;
    (redsys::SignatureVersion::ALL[i], &REDSYS[i])
}

fn redsys_verified(verified: &redsys::Notification) {
    let _ = serde_json::to_string(verified);
    let _ = verified.parameter("Ds_Order");
}

/// The HTTP POST notification: the input as the form body (parse, verify, answer), then the
/// input as the `Ds_MerchantParameters` JSON, signed with the merchant key (in the version
/// the input's length picks), which must then verify; its event, transitions and answer.
pub fn redsys_notification(data: &[u8]) {
    let config = &REDSYS[0];
    match redsys::parse_notification(config, FORM, data) {
        Ok(n) => {
            let _ = serde_json::to_string(n.untrusted());
            match redsys::verify(config, n) {
                Ok(v) => redsys_settle(&v),
                Err(e) => rejected(&e, redsys::reject),
            }
        }
        Err(e) => rejected(&e, redsys::reject),
    }
    // The input as the signed parameters.
    if data.len() > RESIGN_MAX {
        return;
    }
    let (version, signer) = redsys_version(data);
    let parameters = version.encode_parameters(data);
    let body = |signature: &str| {
        encode_urlencoded([
            ("Ds_SignatureVersion", version.as_str()),
            ("Ds_MerchantParameters", parameters.as_str()),
            ("Ds_Signature", signature),
        ])
    };
    let Ok(unsigned) = redsys::parse_notification(config, FORM, body("AAAA").as_bytes()) else {
        return;
    };
    let order = unsigned.untrusted().order.clone();
    let signature = redsys::sign(signer, &order, parameters.as_bytes()).expect("valid key");
    let n = redsys::parse_notification(config, FORM, body(&signature).as_bytes())
        .expect("parsed unsigned, so parses signed");
    let verified = redsys::verify(config, n).expect("signed with the merchant key");
    redsys_settle(&verified);
}

fn redsys_settle(verified: &vpos_core::Verified<redsys::Notification>) {
    redsys_verified(verified);
    let outcome = apply(&verified.event());
    match redsys::acknowledge(&REDSYS[0], verified, &outcome) {
        Ok(answer) => {
            let _ = serde_json::to_string(&answer);
        }
        Err(e) => rejected(&e, redsys::reject),
    }
}

/// XML text escaping for the envelope, with `\r` as a character reference (a literal one
/// would be normalised to `\n` by the reader and change the signed text).
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

fn soap_envelope(message: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<SOAP-ENV:Body><ns1:procesaNotificacionSIS xmlns:ns1="InotificacionSIS">"#,
            r#"<XML xsi:type="xsd:string">{}</XML></ns1:procesaNotificacionSIS>"#,
            "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
        ),
        xml_escape(message)
    )
}

/// The SOAP notification: the input as the whole envelope (parse, verify, answer), then the
/// input as the `<Request>` markup, wrapped in a message signed with the merchant key and an
/// envelope, which must then verify; its event, transitions and signed SOAP answer.
pub fn redsys_soap(data: &[u8]) {
    let config = &REDSYS[0];
    for content_type in ["text/xml; charset=utf-8", "application/soap+xml"] {
        match redsys::parse_notification(config, content_type, data) {
            Ok(n) => match redsys::verify(config, n) {
                Ok(v) => redsys_settle(&v),
                Err(e) => rejected(&e, redsys::reject),
            },
            Err(e) => rejected(&e, redsys::reject),
        }
    }
    // The input as the signed <Request>.
    if data.len() > RESIGN_MAX {
        return;
    }
    let Ok(request) = std::str::from_utf8(data) else {
        return;
    };
    let message =
        |signature: &str| format!("<Message>{request}<Signature>{signature}</Signature></Message>");
    let Ok(unsigned) = redsys::parse_notification(
        config,
        "text/xml",
        soap_envelope(&message("AAAA")).as_bytes(),
    ) else {
        return;
    };
    // What the parser signs: from the first `<Request` to the last `</Request>`.
    let (Some(start), Some(end)) = (request.find("<Request"), request.rfind("</Request>")) else {
        unreachable!("parsed without a <Request>");
    };
    let signed = &request[start..end + "</Request>".len()];
    let order = unsigned.untrusted().order.clone();
    let signature = redsys::sign(config, &order, signed.as_bytes()).expect("valid key");
    let n = redsys::parse_notification(
        config,
        "text/xml",
        soap_envelope(&message(&signature)).as_bytes(),
    )
    .expect("parsed unsigned, so parses signed");
    match redsys::verify(config, n) {
        Ok(v) => redsys_settle(&v),
        // The input's own <Signature> comes first and is the one read.
        Err(_) if request.contains("Signature") => {}
        Err(e) => panic!("signed with the merchant key, yet {e}"),
    }
}

/// The REST operation reply: the input as the JSON body, as HTTP 200 and 500, then the input
/// as the `Ds_MerchantParameters` JSON of a reply signed with the merchant key, which must
/// then verify; its event and transitions.
pub fn redsys_rest(data: &[u8]) {
    let config = &REDSYS[0];
    for status in [200, 500] {
        let reply = Reply::Response {
            status,
            body: data.to_vec(),
        };
        match redsys::parse_operation_response(config, &reply) {
            Ok(v) => {
                redsys_verified(&v);
                apply(&v.event());
            }
            Err(e) => rejected(&e, redsys::reject),
        }
    }
    if data.len() > RESIGN_MAX {
        return;
    }
    let (version, signer) = redsys_version(data);
    let parameters = version.encode_parameters(data);
    // The order, read by the HTTP parser (the same parameters decoder).
    let form = encode_urlencoded([("Ds_MerchantParameters", parameters.as_str())]);
    let Ok(unsigned) = redsys::parse_notification(config, FORM, form.as_bytes()) else {
        return;
    };
    let order = unsigned.untrusted().order.clone();
    let signature = redsys::sign(signer, &order, parameters.as_bytes()).expect("valid key");
    let body = serde_json::json!({
        "Ds_SignatureVersion": version.as_str(),
        "Ds_MerchantParameters": parameters,
        "Ds_Signature": signature,
    });
    let reply = ok_reply(body.to_string().as_bytes());
    let verified =
        redsys::parse_operation_response(config, &reply).expect("signed with the merchant key");
    redsys_verified(&verified);
    apply(&verified.event());
}

/// The order the EMV3DS seeds pay (`tests/vectors/redsys/emv3ds_rest.json`).
pub const REDSYS_EMV3DS_ORDER: &str = "1234abcd5678";

/// Host-to-host EMV3DS replies (`iniciaPeticionREST`, `trataPeticionREST` after
/// `AuthenticationData` and after `ChallengeResponse`): the input as each reply body, for
/// the seeds' payment; then the input as the parameters JSON of a reply signed with the
/// order key, which must get past the signature; the method form of any card configuration
/// read, the challenge form, events and transitions; the input as `threeDSMethodData`.
pub fn redsys_emv3ds(data: &[u8]) {
    use redsys::emv3ds;
    let config = &REDSYS[0];
    let payment: emv3ds::Payment = config_payment();
    let run = |reply: &Reply| {
        match emv3ds::parse_inicia_peticion_response(config, &payment, reply) {
            Ok(card) => {
                let _ = emv3ds::three_ds_method_form(&card, "https://shop.example/m");
                let _ = serde_json::to_string(&card);
            }
            Err(e) => rejected(&e, redsys::reject),
        }
        match emv3ds::parse_trata_peticion_response(config, &payment, reply) {
            Ok(emv3ds::Step::Final(v)) => {
                redsys_verified(&v);
                apply(&v.event());
            }
            Ok(emv3ds::Step::Challenge(c)) => {
                let _ = c.form().to_html(true);
            }
            Err(e) => rejected(&e, redsys::reject),
        }
        match emv3ds::parse_challenge_response(config, &payment, reply) {
            Ok(v) => {
                redsys_verified(&v);
                apply(&v.event());
            }
            Err(e) => rejected(&e, redsys::reject),
        }
    };
    run(&ok_reply(data));
    let _ = emv3ds::parse_three_ds_method_data(&String::from_utf8_lossy(data));
    if data.len() > RESIGN_MAX {
        return;
    }
    let reply = signed_rest_reply(config, REDSYS_EMV3DS_ORDER, data);
    past_the_signature(emv3ds::parse_inicia_peticion_response(config, &payment, &reply).map(|_| ()));
    past_the_signature(emv3ds::parse_trata_peticion_response(config, &payment, &reply).map(|_| ()));
    past_the_signature(emv3ds::parse_challenge_response(config, &payment, &reply).map(|_| ()));
    run(&reply);
}

/// The order the Paygold seeds ask a link for (`tests/vectors/redsys/paygold.json`).
pub const REDSYS_PAYGOLD_ORDER: &str = "1234PG000001";

/// The Paygold link reply (`trataPeticionREST` type `F`): the input as the reply body, for the
/// seeds' link request; then the input as the parameters JSON of a reply signed with the order
/// key, which must get past the signature. A link read must be the request's order and
/// amount, and an https URL (the fuzz configuration's `rest_url` is Redsys's, not a loopback
/// sandbox).
pub fn redsys_paygold(data: &[u8]) {
    use redsys::paygold;
    let link: paygold::LinkRequest = config(&format!(
        r#"{{"order": "{REDSYS_PAYGOLD_ORDER}", "amount": {{"minor": 2500, "currency": "EUR"}},
            "customer_mobile": "600000000"}}"#
    ));
    let config = &REDSYS_PAYGOLD[0];
    let run = |reply: &Reply| match paygold::parse_reply(config, &link, reply) {
        Ok(got) => {
            assert_eq!(got.order, link.order, "the request's order");
            assert_eq!(got.amount, link.amount, "the request's amount");
            assert!(got.url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")), "an https link");
            let _ = serde_json::to_string(&got);
        }
        Err(e) => rejected(&e, redsys::reject),
    };
    run(&ok_reply(data));
    if data.len() > RESIGN_MAX {
        return;
    }
    let reply = signed_rest_reply(config, REDSYS_PAYGOLD_ORDER, data);
    past_the_signature(paygold::parse_reply(config, &link, &reply).map(|_| ()));
    run(&reply);
}

/// A REST reply whose parameters are `data`, signed with `order`'s key as Redsys signs them.
fn signed_rest_reply(config: &redsys::Config, order: &str, data: &[u8]) -> Reply {
    let parameters = redsys::SignatureVersion::HmacSha256V1.encode_parameters(data);
    let signature = redsys::sign(config, order, parameters.as_bytes()).expect("valid key");
    let body = serde_json::json!({
        "Ds_SignatureVersion": "HMAC_SHA256_V1",
        "Ds_MerchantParameters": parameters,
        "Ds_Signature": signature,
    });
    ok_reply(body.to_string().as_bytes())
}

/// A reply signed with the right key may be refused for what it says, never for its signature.
fn past_the_signature(result: Result<(), vpos_core::Error>) {
    if let Err(e) = result {
        assert_ne!(e.code(), vpos_core::ErrorCode::SignatureMismatch, "signed with the order key");
    }
}

static REDSYS_PAYGOLD: LazyLock<[redsys::Config; 1]> = LazyLock::new(|| {
    [config(&format!(
        r#"{{{REDSYS_BASE}, "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}}"#
    ))]
});

fn config_payment() -> redsys::emv3ds::Payment {
    config(&format!(
        r#"{{"order": "{REDSYS_EMV3DS_ORDER}", "amount": {{"minor": 4999, "currency": "EUR"}},
            "card": {{"id_oper": "a1b2c3d4e5f6"}}}}"#
    ))
}

/// The order the status query seeds ask about.
pub const REDSYS_QUERY_ORDER: &str = "1446117555";

/// The order a query reply names first (`<Ds_Order>`, escaped or not), if it is one Redsys
/// accepts: so the fuzzer's own orders reach the checks past the order comparison.
fn redsys_query_order(text: &str) -> Option<&str> {
    let at = text
        .find("Ds_Order&gt;")
        .map(|i| i + "Ds_Order&gt;".len())
        .or_else(|| text.find("Ds_Order>").map(|i| i + "Ds_Order>".len()))?;
    let rest = &text[at..];
    let order = &rest[..rest.find(['<', '&']).unwrap_or(rest.len())];
    redsys::check_order_number(order).ok().map(|()| order)
}

/// The status query reply (`SerClsWSConsulta`): the input as the SOAP body, as HTTP 200 and
/// 500, for the seeds' order and the order the input names; then the input as the
/// `<Messages>` document, escaped into an envelope. Events and transitions; the request for
/// that order.
pub fn redsys_query(data: &[u8]) {
    let config = &REDSYS_QUERY[0];
    let text = String::from_utf8_lossy(data);
    let named = redsys_query_order(&text);
    let mut bodies = vec![data.to_vec()];
    if data.len() <= RESIGN_MAX {
        bodies.push(redsys_query_envelope(&xml_escape(&text)).into_bytes());
    }
    for order in std::iter::once(REDSYS_QUERY_ORDER).chain(named) {
        for (i, body) in bodies.iter().enumerate() {
            for status in [200, 500] {
                if i > 0 && status != 200 {
                    continue;
                }
                let reply = Reply::Response {
                    status,
                    body: body.clone(),
                };
                match redsys::parse_query_response(config, order, &reply) {
                    Ok(events) => {
                        for event in &events {
                            assert_eq!(event.order_id(), order, "an event for another order");
                            apply(event);
                        }
                    }
                    Err(e) => rejected(&e, redsys::reject),
                }
            }
        }
        match redsys::query_request(config, order) {
            Ok(request) => {
                let _ = serde_json::to_string(&request);
            }
            Err(e) => rejected(&e, redsys::reject),
        }
    }
}

static REDSYS_QUERY: LazyLock<[redsys::Config; 1]> = LazyLock::new(|| {
    [config(&format!(
        r#"{{{REDSYS_BASE}, "query_url": "https://sis-t.redsys.es:25443/apl02/services/SerClsWSConsulta"}}"#
    ))]
});

/// `consultaOperacionesResponse` with `inner` (already escaped) as the returned text.
pub fn redsys_query_envelope(inner: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">"#,
            r#"<soapenv:Body><p259:consultaOperacionesResponse xmlns:p259="http://webservices.apl02.redsys.es">"#,
            "<consultaOperacionesReturn>{}</consultaOperacionesReturn>",
            "</p259:consultaOperacionesResponse></soapenv:Body></soapenv:Envelope>"
        ),
        inner
    )
}

// ---------------------------------------------------------------------------------------------
// CECA

static CECA: LazyLock<[ceca::Config; 2]> = LazyLock::new(|| {
    let base = r#""merchant_id": "111950028", "acquirer_bin": "0000554052",
        "terminal_id": "00000003", "key": "99888888",
        "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
        "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es""#;
    [
        config(&format!("{{{base}}}")),
        config(&format!(r#"{{{base}, "cipher": "SHA1"}}"#)),
    ]
});

/// The CECA notification: parse and verify (SHA-2 and SHA-1 terminals), then the parsed
/// operation signed with the terminal's key, which must verify; event, transitions, answer.
pub fn ceca_notification(data: &[u8]) {
    for config in CECA.iter() {
        let n = match ceca::parse_notification(config, FORM, data) {
            Ok(n) => n,
            Err(e) => return rejected(&e, ceca::reject),
        };
        let _ = serde_json::to_string(n.untrusted());
        let (operation, amount, reference) = {
            let u = n.untrusted();
            (u.operation.clone(), u.amount, u.reference.clone())
        };
        match ceca::verify(config, n) {
            Ok(v) => ceca_settle(&v),
            Err(e) => rejected(&e, ceca::reject),
        }
        if data.len() > RESIGN_MAX {
            continue;
        }
        // The same operation as Cecabank signs it for this terminal.
        let firma = ceca::sign_notification(config, &operation, amount, &reference);
        let importe = amount.minor().to_string();
        let moneda = format!("{:03}", amount.currency().numeric());
        let exponente = amount.currency().exponent().to_string();
        let body = encode_urlencoded([
            ("MerchantID", config.merchant_id.as_str()),
            ("AcquirerBIN", &config.acquirer_bin),
            ("TerminalID", &config.terminal_id),
            ("Num_operacion", &operation),
            ("Importe", &importe),
            ("TipoMoneda", &moneda),
            ("Exponente", &exponente),
            ("Referencia", &reference),
            ("Firma", &firma),
        ]);
        let n = ceca::parse_notification(config, FORM, body.as_bytes())
            .expect("a parsed operation, signed, parses");
        let v = ceca::verify(config, n).expect("signed with the terminal's key");
        ceca_settle(&v);
    }
}

/// A CECA refund answer (XML): `read_refund_answer`, then `parse_refund_response` for a total
/// and a partial refund on both terminals; an event must be the refund asked for.
pub fn ceca_refund(data: &[u8]) {
    if let Err(e) = ceca::read_refund_answer(data) {
        rejected(&e, ceca::reject);
    }
    for terminal in CECA.iter() {
        for (minor, partial) in [(2500, true), (10000, false)] {
            let refund: ceca::Refund = config(&format!(
                r#"{{"operation": "OP-PAY-1", "reference": "12004172282310181002",
                "amount": {{"minor": {minor}, "currency": "EUR"}}, "partial": {partial}}}"#
            ));
            match ceca::parse_refund_response(terminal, &refund, &ok_reply(data)) {
                Ok(event) => {
                    assert_eq!(event.amount(), refund.amount, "the refund asked for");
                    apply(&event);
                }
                Err(e) => rejected(&e, ceca::reject),
            }
        }
    }
}

fn ceca_settle(v: &vpos_core::Verified<ceca::Notification>) {
    let _ = serde_json::to_string(&**v);
    let outcome = apply(&v.event());
    let _ = ceca::acknowledge(&outcome);
}

// ---------------------------------------------------------------------------------------------
// Santander Elavon

const ELAVON_BASE: &str = r#""merchant_id": "thestore", "account": "internet",
    "secret": "shared-secret", "rebate_password": "rebate",
    "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
    "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote""#;

static ELAVON: LazyLock<[elavon::Config; 2]> = LazyLock::new(|| {
    [
        config(&format!(r#"{{{ELAVON_BASE}, "currency": "USD"}}"#)),
        config(&format!(r#"{{{ELAVON_BASE}, "auto_settle": true}}"#)),
    ]
});

/// The HPP response POST: parse and verify (with and without a default currency and
/// auto-settle), then the parsed values hashed with the shared secret, which must verify (or
/// be for another merchant); event, transitions, answer.
pub fn elavon_hpp(data: &[u8]) {
    for config in ELAVON.iter() {
        let n = match elavon::parse_notification(config, FORM, data) {
            Ok(n) => n,
            Err(e) => {
                rejected(&e, elavon::reject);
                continue;
            }
        };
        let _ = serde_json::to_string(n.untrusted());
        let fields = n.untrusted().fields.clone();
        let hash = {
            let u = n.untrusted();
            elavon::hash(
                &[
                    &u.timestamp,
                    &u.merchant_id,
                    &u.order_id,
                    &u.result,
                    &u.message,
                    &u.pasref,
                    &u.authcode,
                ],
                "shared-secret",
            )
        };
        match elavon::verify(config, n) {
            Ok(v) => elavon_settle(&v),
            Err(e) => rejected(&e, elavon::reject),
        }
        if data.len() > RESIGN_MAX {
            continue;
        }
        // The values as read (decoded if they came base64-encoded), hashed by the merchant.
        let signed = fields
            .iter()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("SHA1HASH") {
                    hash.as_str()
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .chain(
                (!fields
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("SHA1HASH")))
                .then_some(("SHA1HASH", hash.as_str())),
            );
        let body = encode_urlencoded(signed);
        let n = elavon::parse_notification(config, FORM, body.as_bytes())
            .expect("parsed values, re-encoded, parse");
        match elavon::verify(config, n) {
            Ok(v) => elavon_settle(&v),
            Err(e) => {
                assert_eq!(e.code(), vpos_core::ErrorCode::MerchantMismatch, "{e}");
            }
        }
    }
}

fn elavon_settle(v: &vpos_core::Verified<elavon::Notification>) {
    let _ = serde_json::to_string(&**v);
    let outcome = apply(&v.event());
    let _ = elavon::acknowledge(&outcome);
}

static ELAVON_OPS: LazyLock<[elavon::RemoteOperation; 3]> = LazyLock::new(|| {
    ["settle", "void", "rebate"].map(|kind| {
        config(&format!(
            r#"{{"kind": "{kind}", "order_id": "ORD453-11", "pasref": "3737468273643",
            "authcode": "79347", "amount": {{"minor": 29900, "currency": "EUR"}},
            "timestamp": "20130814122239"}}"#
        ))
    })
});

/// Remote XML: the input as Elavon's reply to a settle, a void and a rebate (verified, the
/// event and its transitions), and as a request as Elavon receives it (parse and verify with
/// the shared secret and rebate password).
pub fn elavon_remote(data: &[u8]) {
    let config = &ELAVON[0];
    for op in ELAVON_OPS.iter() {
        match elavon::parse_remote_response(config, op, &ok_reply(data)) {
            Ok(event) => {
                apply(&event);
            }
            Err(e) => rejected(&e, elavon::reject),
        }
    }
    match elavon::parse_remote_request(data) {
        Ok(request) => {
            let _ = serde_json::to_string(request.untrusted());
            if let Ok(v) = elavon::verify_remote_request(request, "shared-secret", "rebate") {
                let _ = serde_json::to_string(&*v);
            }
        }
        Err(e) => rejected(&e, elavon::reject),
    }
}

// ---------------------------------------------------------------------------------------------
// PayPal

static PAYPAL: LazyLock<paypal::Config> = LazyLock::new(|| {
    config(
        r#"{"business": "shop@example.com",
        "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
        "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
        "nvp": {"user": "api_user", "password": "pw-EXAMPLE", "signature": "sig-EXAMPLE",
                "api_url": "https://api-3t.sandbox.paypal.com/nvp"}}"#,
    )
});

/// An IPN: parse, the post-back request, `INVALID` and `VERIFIED` replies, the event,
/// transitions and the answer.
pub fn paypal_ipn(data: &[u8]) {
    let config = &*PAYPAL;
    let n = match paypal::parse_notification(config, FORM, data) {
        Ok(n) => n,
        Err(e) => return rejected(&e, paypal::reject),
    };
    let _ = serde_json::to_string(n.untrusted());
    let request = paypal::postback_request(config, &n);
    assert!(
        request.body.ends_with(&*text(data)),
        "post-back is the body byte for byte"
    );
    if let Err(e) = paypal::verify_postback(config, n.clone(), &ok_reply(b"INVALID")) {
        rejected(&e, paypal::reject);
    }
    match paypal::verify_postback(config, n, &ok_reply(b"VERIFIED")) {
        Ok(v) => {
            let _ = serde_json::to_string(&*v);
            let outcome = apply(&v.event());
            let _ = paypal::acknowledge(&outcome);
        }
        Err(e) => rejected(&e, paypal::reject),
    }
}

/// An NVP reply: parse, `TOKEN`, and the payment and refund events it may report, with their
/// transitions.
pub fn paypal_nvp(data: &[u8]) {
    let config = &*PAYPAL;
    let reply = match paypal::parse_nvp_response(&ok_reply(data)) {
        Ok(r) => r,
        Err(e) => return rejected(&e, paypal::reject),
    };
    let _ = serde_json::to_string(&reply);
    let _ = reply.token();
    for event in [
        paypal::payment_event(config, "INV-1", &reply),
        paypal::refund_event(config, "INV-1", &reply),
    ] {
        match event {
            Ok(event) => {
                apply(&event);
            }
            Err(e) => rejected(&e, paypal::reject),
        }
    }
}

static PAYPAL_REST: LazyLock<paypal::RestConfig> = LazyLock::new(|| {
    config(
        r#"{"client_id": "CLIENT", "secret": "SECRET", "api_base": "https://api-m.sandbox.paypal.com",
        "merchant": "7KNGBPH2U58GQ", "webhook_id": "8PT597110X687430LKGECATA"}"#,
    )
});

/// The core's signed webhook fixture: its body, headers and the test certificate that
/// verifies them (core/src/gateways/paypal/webhook/tests.rs says how they were made).
pub const PAYPAL_WEBHOOK_BODY: &[u8] =
    include_bytes!("../../core/src/gateways/paypal/webhook/testdata/capture_completed.json");
/// See [`PAYPAL_WEBHOOK_BODY`].
pub const PAYPAL_WEBHOOK_CERT: &[u8] =
    include_bytes!("../../core/src/gateways/paypal/webhook/testdata/paypal_test_cert.pem");
/// `PAYPAL-TRANSMISSION-TIME` of the fixture, in Unix seconds.
const PAYPAL_WEBHOOK_SENT: i64 = 1_796_563_800;

fn paypal_webhook_headers(sig: &str) -> Vec<(String, String)> {
    [
        (
            "PAYPAL-TRANSMISSION-ID",
            "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
        ),
        ("PAYPAL-TRANSMISSION-TIME", "2026-12-06T13:30:00Z"),
        ("PAYPAL-TRANSMISSION-SIG", sig),
        (
            "PAYPAL-CERT-URL",
            "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-5edc0ebc",
        ),
        ("PAYPAL-AUTH-ALGO", "SHA256withRSA"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec()
}

/// A PayPal REST webhook body: `parse_webhook`, the post-back request (the body embedded
/// verbatim), `finish_postback` (`SUCCESS`, `FAILURE`), `verify_offline` against the test
/// certificate (the fixture must), events, transitions. The input is
/// also read as the signing certificate (PEM) for the fixture.
pub fn paypal_webhook(data: &[u8]) {
    const SIG: &str = "LBhLmcS9km/ezzZebQx6IchqBIzNtx07kmk2p9BQKufL/DBNEnUzjxNnimuHwHvv9CwDiCib0RimS+7dis0fdb1b+kxPSbodQFFxVJt7aqKr1F7VHOZ+jSMwjVQoOTx0Rc5UHQ64JB84OJa6ufxPhAj1Gm+s46n7xWS8JLLfCLtvzMbi6ysBMQO9pYWkU2VcABvMlsCnhWmLCAZQWwxye5feudihDqG/NwMW9Jz+CSdWYX/TRIK+H3GaAHa0SXtKCCq3YsY8tgyfAeD/qajM4hz/AtC99xupuMIUcloFD9cu4VSIv8PrE52PovMEDr/8wBikiGwZZHCLccgHiMELBQ==";
    let config = &*PAYPAL_REST;
    let headers = paypal_webhook_headers(SIG);
    // The input as the certificate of the signed fixture.
    if let Ok(n) = paypal::parse_webhook(config, &headers, PAYPAL_WEBHOOK_BODY) {
        let verified =
            paypal::verify_offline(n, data, PAYPAL_WEBHOOK_SENT, paypal::DEFAULT_TOLERANCE_SECS);
        if let Err(e) = &verified {
            rejected(e, paypal::reject);
        }
    }
    let n = match paypal::parse_webhook(config, &headers, data) {
        Ok(n) => n,
        Err(e) => return rejected(&e, paypal::reject),
    };
    let _ = paypal::cert_request(&headers);
    let token = paypal::AccessToken::new(
        vpos_core::Secret::new("A21AAFEpH4PsADK7qSS7pSRsgzfENtu"),
        32400,
    )
    .expect("token");
    let request = paypal::verify_webhook_signature_request(config, &token, &headers, data)
        .expect("a parsed body is a JSON object");
    assert!(
        request.body.ends_with(&format!("{}}}", text(data).trim())),
        "the post-back embeds the body verbatim"
    );
    let offline = paypal::verify_offline(
        n.clone(),
        PAYPAL_WEBHOOK_CERT,
        PAYPAL_WEBHOOK_SENT,
        paypal::DEFAULT_TOLERANCE_SECS,
    );
    // Another body verifies only if its CRC32 is the fixture's (the scheme signs no more).
    if data == PAYPAL_WEBHOOK_BODY {
        assert!(offline.is_ok(), "the signed fixture verifies: {offline:?}");
    }
    let failure = ok_reply(br#"{"verification_status": "FAILURE"}"#);
    assert!(paypal::finish_postback(n.clone(), &failure).is_err());
    let success = ok_reply(br#"{"verification_status": "SUCCESS"}"#);
    match paypal::finish_postback(n, &success) {
        Ok(v) => {
            for event in v.events() {
                let outcome = apply(&event);
                let _ = paypal::acknowledge(&outcome);
            }
        }
        Err(e) => rejected(&e, paypal::reject),
    }
}

// ---------------------------------------------------------------------------------------------
// Bitpay

static BITPAY: LazyLock<bitpay::Config> = LazyLock::new(|| {
    config(
        r#"{"api_key": "K3yFromBitpay", "api_url": "https://test.bitpay.com/api/invoice",
        "invoice_url": "https://test.bitpay.com/invoice",
        "notification_url": "https://shop.example/bitpay/"}"#,
    )
});

/// A Bitpay invoice: as the creation reply (and its checkout form), and as a notification
/// verified by a fetch that answers the same invoice; event, transitions, answer.
pub fn bitpay_invoice(data: &[u8]) {
    let config = &*BITPAY;
    match bitpay::parse_invoice_response(&ok_reply(data)) {
        Ok(invoice) => {
            let _ = serde_json::to_string(&invoice);
            let _ = bitpay::checkout_form(config, &invoice);
            let _ = bitpay::map_status(&invoice.status);
        }
        Err(e) => rejected(&e, bitpay::reject),
    }
    let n = match bitpay::parse_notification(config, "application/json", data) {
        Ok(n) => n,
        Err(e) => return rejected(&e, bitpay::reject),
    };
    let request = bitpay::invoice_status_request(config, &n);
    assert!(
        request
            .url
            .starts_with("https://test.bitpay.com/api/invoice/")
    );
    let verified = bitpay::verify_invoice(n, &ok_reply(data)).expect("the same invoice");
    let _ = serde_json::to_string(&*verified);
    let outcome = apply(&verified.event());
    let _ = bitpay::acknowledge(&outcome);
}

static BITPAY_V2: LazyLock<bitpay::Config> = LazyLock::new(|| {
    config(
        r#"{"token": "PosT0ken", "merchant_token": "MerchT0ken",
        "private_key": "283b13834de77624696b80c29a2a8df0287e3cca23b26ad5fe77d9d5fed0ee90",
        "api_url": "https://test.bitpay.com", "invoice_url": "https://test.bitpay.com/invoice"}"#,
    )
});

/// BitPay's current API: the input as an invoice reply and a notification (IPN or webhook
/// envelope) proven by a signed merchant-facade fetch answering it; as a refund reply and a
/// pairing reply; and as a DER signature (hex of the input) checked against a fixed key.
pub fn bitpay_v2(data: &[u8]) {
    let config = &*BITPAY_V2;
    if let Ok(invoice) = bitpay::parse_invoice_response(&ok_reply(data)) {
        let _ = bitpay::checkout_form(config, &invoice);
    }
    let eur = vpos_core::Currency::from_code("EUR").expect("EUR");
    let refund = bitpay::RefundRequest {
        invoice_id: "G3viJEJgE8Jk2oekSdgT2A".into(),
        amount: vpos_core::Amount::from_minor(1000, eur).expect("10.00"),
        reference: "A-1".into(),
        guid: String::new(),
    };
    match bitpay::parse_refund_response(&refund, &ok_reply(data)) {
        Ok(r) => {
            assert_eq!(r.invoice, refund.invoice_id);
            let _ = apply(&r.event("A-1"));
        }
        Err(e) => rejected(&e, bitpay::reject),
    }
    if let Ok(p) = bitpay::parse_pairing_response(&ok_reply(data)) {
        let _ = (format!("{p:?}"), serde_json::to_string(&p));
    }
    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
    let identity = "038d970d6ba29dcfa190c177140fd889fadd6d2590b1ee1a6a06e255dbf22b4017";
    let _ = bitpay::verify_signature(identity, "https://test.bitpay.com/refunds", &hex);
    let n = match bitpay::parse_notification(config, "application/json", data) {
        Ok(n) => n,
        Err(e) => return rejected(&e, bitpay::reject),
    };
    let request = bitpay::invoice_status_request(config, &n);
    bitpay_own_signature(&request);
    let verified = bitpay::verify_invoice(n, &ok_reply(data)).expect("the same invoice");
    let outcome = apply(&verified.event());
    let _ = bitpay::acknowledge(&outcome);
}

/// A Bitpay refund webhook: parsed strictly (typed errors only), its fetch signed so that the
/// signature verifies, then proven by the input itself as BitPay's answer (the same refund, or
/// a typed error), the event applied; and the same bytes through the driver's path.
pub fn bitpay_refund_notification(data: &[u8]) {
    let config = &*BITPAY_V2;
    let _ = bitpay::is_refund_notification(data);
    let driver_config = {
        let mut json = serde_json::to_value(config).expect("config");
        json["gateway"] = serde_json::json!("bitpay");
        json["private_key"] =
            serde_json::json!("283b13834de77624696b80c29a2a8df0287e3cca23b26ad5fe77d9d5fed0ee90");
        json["merchant_token"] = serde_json::json!("MerchT0ken");
        json["token"] = serde_json::json!("PosT0ken");
        vpos_core::driver::Config::from_json(&json).expect("driver config")
    };
    let request = vpos_core::driver::Request {
        content_type: "application/json",
        body: data,
        ..Default::default()
    };
    if let Ok(n) = vpos_core::driver::parse_notification(&driver_config, &request) {
        let _ = n.summary();
        if let Ok(vpos_core::driver::Proof::NeedsReply { pending, .. }) =
            vpos_core::driver::prove(&driver_config, n)
            && let Ok(v) = pending.finish(&driver_config, &ok_reply(data))
        {
            let _ = apply(&v.event());
        }
    }
    let n = match bitpay::parse_refund_notification("application/json", data) {
        Ok(n) => n,
        Err(e) => return rejected(&e, bitpay::reject),
    };
    let claimed = n.untrusted().claimed.clone();
    let request = bitpay::refund_status_request(config, &n).expect("a claimed id is fetchable");
    assert!(
        request
            .url
            .contains(&format!("/refunds/{}?token=", claimed.id))
    );
    bitpay_own_signature(&request);
    match bitpay::verify_refund(n, &ok_reply(data)) {
        Ok(v) => {
            let event = v.event();
            assert!(
                event
                    .key()
                    .starts_with(&format!("bitpay:refund:{}:", claimed.id))
            );
            assert_eq!(event.transaction_id(), claimed.invoice);
            let outcome = apply(&event);
            let _ = bitpay::acknowledge(&outcome);
        }
        Err(e) => rejected(&e, bitpay::reject),
    }
}

/// Base64 for the seeds' `body_base64` inputs.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s).ok()
}

/// A Bitpay fetch vpos signed: its `X-Identity` and `X-Signature` must verify.
fn bitpay_own_signature(request: &vpos_core::HttpRequest) {
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .expect("a signed fetch")
    };
    bitpay::verify_signature(&header("X-Identity"), &request.url, &header("X-Signature"))
        .expect("vpos's own signature verifies");
}

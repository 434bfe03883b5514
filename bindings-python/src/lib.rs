//! The native half of the Python package `hostedpay` (`hostedpay._hostedpay`): thin wrappers over
//! `vpos-core`. Extract, call the core, convert. No protocol logic lives here: validation,
//! status mapping, event keys and HTTP answers all come from the core.
//!
//! Values cross as the core's serde JSON shapes (docs/conformance.md), amounts as
//! `{"minor": int, "currency": str, "value": str}`; floats are refused. Core errors become
//! `hostedpay.VposError` subclasses carrying the stable `.code` and the `.field`. Verified
//! notifications, events and outcomes are opaque classes Python cannot construct.
//!
//! `hostedpay.driver` is every gateway behind one set of verbs (`vpos_core::driver`): what the
//! Django app uses. The per-gateway modules (`hostedpay.flocash`, `hostedpay.redsys`, `hostedpay.paypal`, `hostedpay.ceca`, `hostedpay.elavon`, `hostedpay.bitpay`, `hostedpay.paypal_rest`, `hostedpay.money`, `hostedpay.state`, `hostedpay.http`)
//! re-export the submodules built here.

use pyo3::prelude::*;

mod account;
mod bitpay;
mod ceca;
mod convert;
mod driver;
mod elavon;
mod error;
mod flocash;
mod gateway;
mod http;
mod money;
mod paypal;
mod paypal_rest;
mod query;
mod redsys;
mod state;
mod testing;

/// Every allocation of this module's Rust code (never Python's objects, which keep pymalloc)
/// goes to mimalloc: parsing, copying and freeing a notification's many small strings cost
/// about 14 % less of a Redsys verify than with the system malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _hostedpay(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(error::error_codes, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;

    let ac = PyModule::new(py, "account")?;
    ac.add_function(wrap_pyfunction!(account::config_errors, &ac)?)?;
    ac.add_function(wrap_pyfunction!(account::endpoints, &ac)?)?;
    ac.add_function(wrap_pyfunction!(account::check_refund, &ac)?)?;
    ac.add_function(wrap_pyfunction!(account::check_preauthorisation, &ac)?)?;
    ac.add("ENVIRONMENTS", account::environments())?;
    m.add_submodule(&ac)?;

    let fc = PyModule::new(py, "flocash")?;
    fc.add_class::<flocash::Gateway>()?;
    fc.add_class::<flocash::Unverified>()?;
    fc.add_class::<flocash::Verified>()?;
    fc.add_function(wrap_pyfunction!(flocash::checkout_public, &fc)?)?;
    fc.add_function(wrap_pyfunction!(flocash::acknowledge, &fc)?)?;
    fc.add_function(wrap_pyfunction!(flocash::reject, &fc)?)?;
    fc.add_function(wrap_pyfunction!(flocash::normalize_status, &fc)?)?;
    fc.add_function(wrap_pyfunction!(flocash::map_status, &fc)?)?;
    fc.add_function(wrap_pyfunction!(flocash::status_label, &fc)?)?;
    fc.add("STATUS_CODES", flocash::status_codes())?;
    fc.add("FIELDS", flocash::fields())?;
    fc.add(
        "MAX_BODY_BYTES",
        vpos_core::gateways::flocash::MAX_BODY_BYTES,
    )?;
    fc.add("MIN_TOKEN_LEN", vpos_core::gateways::flocash::MIN_TOKEN_LEN)?;
    m.add_submodule(&fc)?;

    let rs = PyModule::new(py, "redsys")?;
    rs.add_class::<redsys::Gateway>()?;
    rs.add_class::<redsys::Unverified>()?;
    rs.add_class::<redsys::Verified>()?;
    rs.add_function(wrap_pyfunction!(redsys::reject, &rs)?)?;
    rs.add_function(wrap_pyfunction!(redsys::order_number, &rs)?)?;
    rs.add_function(wrap_pyfunction!(redsys::check_order_number, &rs)?)?;
    rs.add_function(wrap_pyfunction!(redsys::normalize_response, &rs)?)?;
    rs.add_function(wrap_pyfunction!(redsys::map_status, &rs)?)?;
    rs.add_function(wrap_pyfunction!(redsys::response_message, &rs)?)?;
    rs.add(
        "MAX_BODY_BYTES",
        vpos_core::gateways::redsys::MAX_BODY_BYTES,
    )?;
    rs.add(
        "TEST_CHECKOUT_URL",
        vpos_core::gateways::redsys::TEST_CHECKOUT_URL,
    )?;
    rs.add(
        "LIVE_CHECKOUT_URL",
        vpos_core::gateways::redsys::LIVE_CHECKOUT_URL,
    )?;
    rs.add("TEST_REST_URL", vpos_core::gateways::redsys::TEST_REST_URL)?;
    rs.add("LIVE_REST_URL", vpos_core::gateways::redsys::LIVE_REST_URL)?;
    m.add_submodule(&rs)?;

    let cc = PyModule::new(py, "ceca")?;
    cc.add_class::<ceca::Gateway>()?;
    cc.add_class::<ceca::Unverified>()?;
    cc.add_class::<ceca::Verified>()?;
    cc.add_function(wrap_pyfunction!(ceca::acknowledge, &cc)?)?;
    cc.add_function(wrap_pyfunction!(ceca::reject, &cc)?)?;
    cc.add("MAX_BODY_BYTES", vpos_core::gateways::ceca::MAX_BODY_BYTES)?;
    cc.add("OK_BODY", vpos_core::gateways::ceca::OK_BODY)?;
    cc.add(
        "TEST_CHECKOUT_URL",
        vpos_core::gateways::ceca::TEST_CHECKOUT_URL,
    )?;
    cc.add(
        "LIVE_CHECKOUT_URL",
        vpos_core::gateways::ceca::LIVE_CHECKOUT_URL,
    )?;
    m.add_submodule(&cc)?;

    let el = PyModule::new(py, "elavon")?;
    el.add_class::<elavon::Gateway>()?;
    el.add_class::<elavon::Unverified>()?;
    el.add_class::<elavon::Verified>()?;
    el.add_function(wrap_pyfunction!(elavon::hash, &el)?)?;
    el.add_function(wrap_pyfunction!(elavon::acknowledge, &el)?)?;
    el.add_function(wrap_pyfunction!(elavon::reject, &el)?)?;
    el.add(
        "MAX_BODY_BYTES",
        vpos_core::gateways::elavon::MAX_BODY_BYTES,
    )?;
    el.add(
        "TEST_CHECKOUT_URL",
        vpos_core::gateways::elavon::TEST_CHECKOUT_URL,
    )?;
    el.add(
        "LIVE_CHECKOUT_URL",
        vpos_core::gateways::elavon::LIVE_CHECKOUT_URL,
    )?;
    el.add(
        "TEST_REMOTE_URL",
        vpos_core::gateways::elavon::TEST_REMOTE_URL,
    )?;
    el.add(
        "LIVE_REMOTE_URL",
        vpos_core::gateways::elavon::LIVE_REMOTE_URL,
    )?;
    m.add_submodule(&el)?;

    let bp = PyModule::new(py, "bitpay")?;
    bp.add_class::<bitpay::Gateway>()?;
    bp.add_class::<bitpay::Invoice>()?;
    bp.add_class::<bitpay::Unverified>()?;
    bp.add_class::<bitpay::Verified>()?;
    bp.add_function(wrap_pyfunction!(bitpay::map_status, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::acknowledge, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::reject, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::merchant_key_info, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::sign, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::verify_signature, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::pairing_request, &bp)?)?;
    bp.add_function(wrap_pyfunction!(bitpay::parse_pairing_response, &bp)?)?;
    bp.add(
        "MAX_BODY_BYTES",
        vpos_core::gateways::bitpay::MAX_BODY_BYTES,
    )?;
    m.add_submodule(&bp)?;

    let pr = PyModule::new(py, "paypal_rest")?;
    pr.add_class::<paypal_rest::Gateway>()?;
    pr.add_class::<paypal_rest::AccessToken>()?;
    pr.add_function(wrap_pyfunction!(paypal_rest::parse_token_reply, &pr)?)?;
    pr.add_function(wrap_pyfunction!(paypal_rest::is_token_rejected, &pr)?)?;
    pr.add(
        "SANDBOX_API_BASE",
        vpos_core::gateways::paypal::SANDBOX_API_BASE,
    )?;
    pr.add("LIVE_API_BASE", vpos_core::gateways::paypal::LIVE_API_BASE)?;
    m.add_submodule(&pr)?;

    let pp = PyModule::new(py, "paypal")?;
    pp.add_class::<paypal::Gateway>()?;
    pp.add_class::<paypal::Unverified>()?;
    pp.add_class::<paypal::Verified>()?;
    pp.add_class::<paypal::NvpReplyPy>()?;
    pp.add_function(wrap_pyfunction!(paypal::acknowledge, &pp)?)?;
    pp.add_function(wrap_pyfunction!(paypal::reject, &pp)?)?;
    pp.add(
        "MAX_BODY_BYTES",
        vpos_core::gateways::paypal::MAX_BODY_BYTES,
    )?;
    pp.add(
        "LIVE_CHECKOUT_URL",
        vpos_core::gateways::paypal::LIVE_CHECKOUT_URL,
    )?;
    pp.add(
        "SANDBOX_CHECKOUT_URL",
        vpos_core::gateways::paypal::SANDBOX_CHECKOUT_URL,
    )?;
    pp.add("LIVE_IPN_URL", vpos_core::gateways::paypal::LIVE_IPN_URL)?;
    pp.add(
        "SANDBOX_IPN_URL",
        vpos_core::gateways::paypal::SANDBOX_IPN_URL,
    )?;
    pp.add("LIVE_NVP_URL", vpos_core::gateways::paypal::LIVE_NVP_URL)?;
    pp.add(
        "SANDBOX_NVP_URL",
        vpos_core::gateways::paypal::SANDBOX_NVP_URL,
    )?;
    pp.add("NVP_VERSION", vpos_core::gateways::paypal::NVP_VERSION)?;
    m.add_submodule(&pp)?;

    let money = PyModule::new(py, "money")?;
    money.add_function(wrap_pyfunction!(money::parse, &money)?)?;
    money.add_function(wrap_pyfunction!(money::from_minor, &money)?)?;
    money.add_function(wrap_pyfunction!(money::currency, &money)?)?;
    money.add_function(wrap_pyfunction!(money::currency_by_numeric, &money)?)?;
    money.add_function(wrap_pyfunction!(money::currencies, &money)?)?;
    m.add_submodule(&money)?;

    let st = PyModule::new(py, "state")?;
    st.add_class::<state::Event>()?;
    st.add_class::<state::Outcome>()?;
    st.add_function(wrap_pyfunction!(state::transition, &st)?)?;
    st.add_function(wrap_pyfunction!(state::allowed, &st)?)?;
    st.add("PAYMENT_STATUSES", state::payment_statuses())?;
    m.add_submodule(&st)?;

    driver::register(py, m)?;
    testing::register(py, m)?;

    let http = PyModule::new(py, "http")?;
    http.add_class::<http::RedirectForm>()?;
    m.add_submodule(&http)?;
    Ok(())
}

//! FloCash status codes (the notification's `status`, "Appendix A"), kept as data.

use crate::error::{Error, Result};
use crate::status::Reported;

/// Every code FloCash documents for payment notifications, what it means in the unified
/// model, and FloCash's label. Codes are four digits; FloCash may send them unpadded (`4`).
///
/// FloCash's v2 REST API reuses some of these numbers with other meanings (`0001` "Request",
/// `0009` "Redirect"); that API is not this one, and its codes must not be mixed in here.
pub const STATUS_CODES: &[(&str, Reported, &str)] = &[
    ("0000", Reported::Succeeded, "Payment is successful."),
    ("0001", Reported::Failed, "Payment was aborted."),
    (
        "0002",
        Reported::Cancelled,
        "Customer cancelled the payment.",
    ),
    ("0003", Reported::Failed, "Transaction was not authorized."),
    ("0004", Reported::Pending, "Payment is pending."),
];

/// Longest status code accepted; longer is not a status FloCash could mean.
const MAX_CODE_DIGITS: usize = 8;

/// Normalises a wire status (`"0"`, `"4"`, `"0004"`, `"00004"`) to the number it denotes,
/// written with at least four digits: FloCash's codes are numbers (djflocash stores them as
/// integers), so leading zeros carry no meaning.
///
/// ```
/// use vpos_core::gateways::flocash::normalize_status;
/// assert_eq!(normalize_status("4")?, "0004");
/// assert_eq!(normalize_status("70000")?, "70000");
/// assert_eq!(normalize_status("00000")?, "0000");
/// assert_eq!(normalize_status("-1").unwrap_err().code().as_str(), "field_invalid");
/// # Ok::<(), vpos_core::Error>(())
/// ```
pub fn normalize_status(raw: &str) -> Result<String> {
    if raw.is_empty() || raw.len() > MAX_CODE_DIGITS || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            "status",
            format_args!(
                "must be 1 to {MAX_CODE_DIGITS} digits, not {:?}",
                raw.chars().take(16).collect::<String>()
            ),
        ));
    }
    let significant = raw.trim_start_matches('0');
    // `format!("{significant:0>4}")`, without the formatting machinery (a twentieth of a parse).
    let mut code = String::with_capacity(significant.len().max(4));
    code.extend(std::iter::repeat_n(
        '0',
        4usize.saturating_sub(significant.len()),
    ));
    code.push_str(significant);
    Ok(code)
}

/// Maps a normalised code into the unified model; unknown codes stay `Unknown(code)`.
///
/// ```
/// use vpos_core::{gateways::flocash::map_status, Reported};
/// assert_eq!(map_status("0000"), Reported::Succeeded);
/// assert_eq!(map_status("0042"), Reported::Unknown("0042".into()));
/// ```
pub fn map_status(code: &str) -> Reported {
    STATUS_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or_else(
            || Reported::Unknown(code.to_string()),
            |(_, r, _)| r.clone(),
        )
}

/// FloCash's label for a code, if the table has one.
pub fn status_label(code: &str) -> Option<&'static str> {
    STATUS_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, l)| *l)
}

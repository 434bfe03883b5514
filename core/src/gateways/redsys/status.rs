//! Redsys `Ds_Response` codes and `Ds_TransactionType`, kept as data.

use crate::status::{Action, Reported};

/// What a `Ds_Response` code means, beside the 0000–0099 "authorised" range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// The operation was carried out (0000–0099; 0400 cancellation; 0900 refund/confirmation).
    Done,
    /// Denied or failed.
    Denied,
    /// The card holder cancelled on the payment page.
    CancelledByCustomer,
    /// Still in progress at Redsys.
    InProgress,
    /// A deferred authorisation was cancelled.
    AuthorisationCancelled,
}

/// `Ds_Response` codes documented outside the 0000–0099 range, with Redsys's message
/// (django-virtual-pos 1.7.1 `DS_RESPONSE_CODES`, 38 entries, plus 0400 and 0900).
pub const RESPONSE_CODES: &[(&str, Meaning, &str)] = &[
    ("0101", Meaning::Denied, "Tarjeta Caducada."),
    (
        "0102",
        Meaning::Denied,
        "Tarjeta en excepción transitoria o bajo sospecha de fraude.",
    ),
    (
        "0104",
        Meaning::Denied,
        "Operación no permitida para esa tarjeta o terminal.",
    ),
    ("0106", Meaning::Denied, "Intentos de PIN excedidos."),
    ("0116", Meaning::Denied, "Disponible Insuficiente."),
    ("0118", Meaning::Denied, "Tarjeta no Registrada."),
    ("0125", Meaning::Denied, "Tarjeta no efectiva."),
    (
        "0129",
        Meaning::Denied,
        "Código de seguridad (CVV2/CVC2) incorrecto.",
    ),
    ("0180", Meaning::Denied, "Tarjeta ajena al servicio."),
    (
        "0184",
        Meaning::Denied,
        "Error en la autenticación del titular.",
    ),
    (
        "0190",
        Meaning::Denied,
        "Denegación sin especificar motivo.",
    ),
    ("0191", Meaning::Denied, "Fecha de caducidad errónea."),
    (
        "0202",
        Meaning::Denied,
        "Tarjeta en excepción transitoria o bajo sospecha de fraude con retirada de tarjeta.",
    ),
    ("0400", Meaning::Done, "Anulación aceptada."),
    (
        "0900",
        Meaning::Done,
        "Transacción autorizada para devoluciones y confirmaciones.",
    ),
    ("0904", Meaning::Denied, "Comercio no registrado en FUC."),
    ("0909", Meaning::Denied, "Error de sistema."),
    ("0912", Meaning::Denied, "Emisor no disponible."),
    ("0913", Meaning::Denied, "Pedido repetido."),
    ("0944", Meaning::Denied, "Sesión Incorrecta."),
    (
        "0950",
        Meaning::Denied,
        "Operación de devolución no permitida.",
    ),
    (
        "9064",
        Meaning::Denied,
        "Número de posiciones de la tarjeta incorrecto.",
    ),
    (
        "9078",
        Meaning::Denied,
        "No existe método de pago válido para esa tarjeta.",
    ),
    ("9093", Meaning::Denied, "Tarjeta no existente."),
    (
        "9094",
        Meaning::Denied,
        "Rechazo servidores internacionales.",
    ),
    (
        "9104",
        Meaning::Denied,
        "Comercio con “titular seguro” y titular sin clave de compra segura.",
    ),
    (
        "9218",
        Meaning::Denied,
        "El comercio no permite op. seguras por entrada /operaciones.",
    ),
    ("9253", Meaning::Denied, "Tarjeta no cumple el check-digit."),
    (
        "9256",
        Meaning::Denied,
        "El comercio no puede realizar preautorizaciones.",
    ),
    (
        "9257",
        Meaning::Denied,
        "Esta tarjeta no permite operativa de preautorizaciones.",
    ),
    (
        "9261",
        Meaning::Denied,
        "Operación detenida por superar el control de restricciones en la entrada al SIS.",
    ),
    ("9912", Meaning::Denied, "Emisor no disponible."),
    (
        "9913",
        Meaning::Denied,
        "Error en la confirmación que el comercio envía al TPV Virtual (solo aplicable en la opción de sincronización SOAP).",
    ),
    (
        "9914",
        Meaning::Denied,
        "Confirmación “KO” del comercio (solo aplicable en la opción de sincronización SOAP).",
    ),
    (
        "9915",
        Meaning::CancelledByCustomer,
        "A petición del usuario se ha cancelado el pago.",
    ),
    (
        "9928",
        Meaning::AuthorisationCancelled,
        "Anulación de autorización en diferido realizada por el SIS (proceso batch).",
    ),
    (
        "9929",
        Meaning::AuthorisationCancelled,
        "Anulación de autorización en diferido realizada por el comercio.",
    ),
    (
        "9997",
        Meaning::InProgress,
        "Se está procesando otra transacción en SIS con la misma tarjeta.",
    ),
    (
        "9998",
        Meaning::InProgress,
        "Operación en proceso de solicitud de datos de tarjeta.",
    ),
    (
        "9999",
        Meaning::InProgress,
        "Operación que ha sido redirigida al emisor a autenticar.",
    ),
];

/// Normalises `Ds_Response` (`"0"`, `"00"`, `"0000"`) to four digits; `None` if it is not a
/// number of at most four digits.
pub fn normalize_response(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{raw:0>4}"))
}

/// The meaning of a normalised code, if Redsys documents it.
pub fn meaning(code: &str) -> Option<Meaning> {
    if code.len() == 4 && code.starts_with("00") && code.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Meaning::Done);
    }
    RESPONSE_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, m, _)| *m)
}

/// Redsys's message for a code.
pub fn response_message(code: &str) -> Option<&'static str> {
    if meaning(code) == Some(Meaning::Done) && code.starts_with("00") {
        return Some("Transacción autorizada para pagos y preautorizaciones.");
    }
    RESPONSE_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, m)| *m)
}

/// Which transaction types a "done" code answers. Redsys uses a different success class per
/// operation: 0000–0099 authorise a sale or pre-authorisation, 0900 accepts a confirmation or
/// refund, 0400 accepts a cancellation. A signed sale answered 0900 is not a paid sale, so a
/// code outside its operation's class is never read as success.
fn done_answers(code: &str, transaction_type: &str) -> bool {
    match code {
        "0900" => matches!(transaction_type, "2" | "3"),
        "0400" => transaction_type == "9",
        _ => matches!(transaction_type, "" | "0" | "1"),
    }
}

/// Maps `(Ds_TransactionType, Ds_Response)` into the unified model.
///
/// | type | operation | done means | done codes |
/// |---|---|---|---|
/// | `0` (or absent) | authorisation (sale) | `Succeeded` | 0000–0099 |
/// | `1` | pre-authorisation | `Authorized` | 0000–0099 |
/// | `2` | pre-authorisation confirmation | `Succeeded` (captured) | 0900 |
/// | `3` | refund | refund `Succeeded` | 0900 |
/// | `9` | pre-authorisation cancellation | cancel `Succeeded` | 0400 |
///
/// Any other transaction type, a "done" code of another operation's class (a sale answered
/// 0900 or 0400, a refund answered 0000), or a code Redsys does not document, is `Unknown`:
/// the payment is left as it is and the notification answered so that a person looks.
///
/// ```
/// use vpos_core::{gateways::redsys::map_status, Action, Reported};
/// assert_eq!(map_status("0", "0000"), (Action::Sale, Reported::Succeeded));
/// assert_eq!(map_status("1", "0000"), (Action::Sale, Reported::Authorized));
/// assert_eq!(map_status("3", "0900"), (Action::Refund, Reported::Succeeded));
/// assert_eq!(map_status("0", "0180"), (Action::Sale, Reported::Failed));
/// assert_eq!(map_status("0", "9915"), (Action::Sale, Reported::Cancelled));
/// assert_eq!(map_status("0", "0172"), (Action::Sale, Reported::Unknown("0172".into())));
/// // A sale is never paid by a refund's or a cancellation's success code.
/// assert_eq!(map_status("0", "0900"), (Action::Sale, Reported::Unknown("0900/type 0".into())));
/// assert_eq!(map_status("0", "0400"), (Action::Sale, Reported::Unknown("0400/type 0".into())));
/// ```
pub fn map_status(transaction_type: &str, code: &str) -> (Action, Reported) {
    let action = match transaction_type {
        "" | "0" | "1" | "2" => Action::Sale,
        "3" => Action::Refund,
        "9" => Action::Cancel,
        other => {
            return (
                Action::Sale,
                Reported::Unknown(format!("{code}/type {other}")),
            );
        }
    };
    let reported = match (meaning(code), transaction_type) {
        (Some(Meaning::Done), t) if !done_answers(code, t) => {
            let t = if t.is_empty() { "0" } else { t };
            Reported::Unknown(format!("{code}/type {t}"))
        }
        (Some(Meaning::Done), "1") => Reported::Authorized,
        (Some(Meaning::Done), _) => Reported::Succeeded,
        (Some(Meaning::Denied), _) => Reported::Failed,
        (Some(Meaning::CancelledByCustomer), _) => Reported::Cancelled,
        (Some(Meaning::InProgress), _) => Reported::Pending,
        (Some(Meaning::AuthorisationCancelled), _) => {
            return (Action::Cancel, Reported::Succeeded);
        }
        (None, _) => Reported::Unknown(code.to_string()),
    };
    (action, reported)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pairing of a "done" code with a transaction type: success only within the
    /// operation's own class.
    #[test]
    fn done_codes_succeed_only_for_their_operation() {
        for t in ["", "0", "1", "2", "3", "9"] {
            for code in ["0000", "0042", "0099", "0400", "0900"] {
                let (_, reported) = map_status(t, code);
                let expected = match code {
                    "0900" => matches!(t, "2" | "3"),
                    "0400" => t == "9",
                    _ => matches!(t, "" | "0" | "1"),
                };
                let done = matches!(reported, Reported::Succeeded | Reported::Authorized);
                assert_eq!(done, expected, "type {t:?} code {code}: {reported:?}");
                if !expected {
                    assert!(matches!(reported, Reported::Unknown(_)), "{t:?} {code}");
                }
            }
        }
    }
}

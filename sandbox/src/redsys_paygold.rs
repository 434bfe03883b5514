//! Redsys pay-by-link (Paygold, `docs/3ds.md` "Redsys: pay-by-link (Paygold)"):
//! `trataPeticionREST` with `DS_MERCHANT_TRANSACTIONTYPE` `F`, checked like every Redsys request
//! (`read_signed`: merchant, terminal, signature) and then with vpos-core's
//! `paygold::LinkRequest` rules, opens the order as a payment and answers the signed link,
//! `Ds_UrlPago2Fases`, to the sandbox's payment page (`/sis/pago/<order>`). No SMS or e-mail is
//! sent: the link is in the reply, on the dashboard and in `/_sandbox/orders` (`paygold_to`).
//! The customer pays there like any Redsys payment, and the notification to
//! `DS_MERCHANT_MERCHANTURL` is the usual one, with `Ds_TransactionType` `0`: what a payment
//! made on the link's page is (docs/3ds.md says why the core does not take `F` there).

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use vpos_core::gateways::redsys::{self, TransactionType, paygold};

use super::{
    Signed, SisError, Style, amount_of, core_error, open_payment, rest_error, sign_message,
};
use crate::app::App;
use crate::delivery;

/// The Paygold request's parameters as vpos-core reads them.
fn link_request(signed: &Signed) -> Result<paygold::LinkRequest, SisError> {
    let expiry = match signed.get("DS_MERCHANT_P2F_EXPIRYDATE") {
        None => None,
        // Redsys's SIS0837: "la fecha indicada en el parámetro Ds_Merchant_P2f_ExpiryDate no
        // tiene un formato correcto".
        Some(text) => Some(
            text.parse::<u32>()
                .ok()
                .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    SisError::new(
                        "SIS0837",
                        format!("DS_MERCHANT_P2F_EXPIRYDATE {text:?} is not a number of minutes"),
                    )
                })?,
        ),
    };
    let link = paygold::LinkRequest {
        order: signed.order.clone(),
        amount: amount_of(signed)?,
        customer_mobile: signed.string("DS_MERCHANT_CUSTOMER_MOBILE"),
        customer_email: signed.string("DS_MERCHANT_CUSTOMER_MAIL"),
        expiry_minutes: expiry,
        sms_text: signed.string("DS_MERCHANT_CUSTOMER_SMS_TEXT"),
        xml_data: signed.string("DS_MERCHANT_P2F_XMLDATA"),
        merchant_url: signed.string("DS_MERCHANT_MERCHANTURL"),
        description: signed.string("DS_MERCHANT_PRODUCTDESCRIPTION"),
    };
    link.validate().map_err(|e| match e.field() {
        Some("DS_MERCHANT_P2F_EXPIRYDATE") => SisError::new("SIS0837", e.message().to_string()),
        _ => core_error(&e),
    })?;
    Ok(link)
}

/// `trataPeticionREST` with type `F`: the order opened, the signed link answered.
pub(super) async fn trata(app: &Arc<App>, signed: &Signed) -> Response {
    let order = signed.order.clone();
    let link = match link_request(signed) {
        Ok(l) => l,
        Err(e) => return rest_error(app, &order, &e),
    };
    let to = [
        link.customer_mobile.as_deref(),
        link.customer_email.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let payment = redsys::Order {
        order: order.clone(),
        amount: link.amount,
        transaction_type: TransactionType::Authorization,
        product_description: link.description.clone(),
        titular: None,
        merchant_data: None,
        consumer_language: None,
        pay_methods: None,
        bizum_mobile_number: None,
        merchant_url: link.merchant_url.clone(),
        url_ok: None,
        url_ko: None,
        identifier: None,
        stored_credential: None,
        cardholder: None,
        extra_parameters: Default::default(),
    };
    if let Err(e) = open_payment(
        app,
        signed.version,
        payment,
        signed.string("DS_MERCHANT_MERCHANTNAME"),
        Some(to.clone()),
    ) {
        return rest_error(app, &order, &e);
    }
    let config = &app.config.redsys;
    let url = format!("{}/sis/pago/{order}", app.base_url);
    // Built with serde_json, not `json_object`: the link goes out as it is, not URL-encoded.
    let parameters = serde_json::json!({
        "Ds_Amount": link.amount.minor().to_string(),
        "Ds_Currency": format!("{:03}", link.amount.currency().numeric()),
        "Ds_Order": order,
        "Ds_MerchantCode": config.merchant_code,
        "Ds_Terminal": config.terminal,
        "Ds_TransactionType": paygold::TRANSACTION_TYPE,
        "Ds_UrlPago2Fases": url,
    });
    let (parameters, signature) = match sign_message(
        config,
        signed.version,
        &order,
        &parameters.to_string(),
        Style::Rest,
    ) {
        Ok(s) => s,
        Err(e) => return rest_error(app, &order, &SisError::new("SIS0041", e.message())),
    };
    let expiry = link
        .expiry_minutes
        .map_or_else(|| "no expiry".to_string(), |m| format!("valid {m} minutes"));
    app.note(
        "redsys",
        &order,
        format!("Paygold link for {to} ({expiry}): {url}"),
    );
    let answer = axum::Json(serde_json::json!({
        "Ds_SignatureVersion": signed.version.as_str(),
        "Ds_MerchantParameters": parameters,
        "Ds_Signature": signature,
    }))
    .into_response();
    delivery::unless_reply_lost(app, "redsys", &order, "Paygold link", answer).await
}

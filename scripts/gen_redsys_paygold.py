#!/usr/bin/env python3
"""Writes tests/vectors/redsys/paygold.json: Redsys pay-by-link (Paygold), a trataPeticionREST
request with DS_MERCHANT_TRANSACTIONTYPE F and the customer's mobile and/or e-mail, and the
signed reply carrying the link in Ds_UrlPago2Fases.

Request bodies, reply bodies and every Ds_Signature are computed here with Python's json,
base64, hmac and the `cryptography` package (3DES-CBC order key, zero IV, the order number
zero-padded to a multiple of 8; then HMAC-SHA256 over the Base64 parameters), independently of
vpos-core. Parameter names and their order are those of docs/3ds.md ("Redsys: pay-by-link
(Paygold)"). Run from anywhere: python3 scripts/gen_redsys_paygold.py (needs `cryptography`).
"""
import json
import pathlib

import redsys_sign
from redsys_sign import KEY, dumps, sign

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/vectors/redsys/paygold.json"
REST = "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"
SANDBOX_REST = "http://127.0.0.1:8080/sis/rest/trataPeticionREST"
CONFIG = {"merchant_code": "999008881", "terminal": "1", "secret_key": KEY,
          "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago", "rest_url": REST,
          "merchant_url": "https://shop.example/vpos/redsys/default/"}
SOURCE = ("Redsys Paygold over REST (Global Payments Cyberpac PayGold, "
          "https://docs.globalpayments.es/docs/cyberpac/integraciones-a-medida/paygold: "
          "DS_MERCHANT_TRANSACTIONTYPE F, DS_MERCHANT_CUSTOMER_MOBILE / _MAIL, "
          "DS_MERCHANT_P2F_EXPIRYDATE in minutes, DS_MERCHANT_CUSTOMER_SMS_TEXT with @URL@, "
          "Ds_UrlPago2Fases in the reply; docs/3ds.md); HMAC_SHA256_V1 signatures computed with "
          "Python json/hmac/cryptography")
ORDER = "1234PG000001"
LINK = "https://sis-t.redsys.es:25443/sis/p2f?t=8f0e3c1d2b4a"


def envelope(params, order=ORDER):
    return redsys_sign.envelope(params, order)


def link(**kw):
    r = {"order": ORDER, "amount": {"minor": 2500, "currency": "EUR"}}
    r.update(kw)
    return r


NUMERIC = {"EUR": "978", "USD": "840", "JPY": "392"}


def request_params(l, config=CONFIG):
    p = {"DS_MERCHANT_AMOUNT": str(l["amount"]["minor"]), "DS_MERCHANT_ORDER": l["order"],
         "DS_MERCHANT_MERCHANTCODE": config["merchant_code"],
         "DS_MERCHANT_CURRENCY": NUMERIC[l["amount"]["currency"]],
         "DS_MERCHANT_TRANSACTIONTYPE": "F", "DS_MERCHANT_TERMINAL": config["terminal"]}
    merchant_url = l.get("merchant_url") or config.get("merchant_url")
    if merchant_url:
        p["DS_MERCHANT_MERCHANTURL"] = merchant_url
    for key, name in [("description", "DS_MERCHANT_PRODUCTDESCRIPTION"),
                      ("customer_mobile", "DS_MERCHANT_CUSTOMER_MOBILE"),
                      ("customer_email", "DS_MERCHANT_CUSTOMER_MAIL"),
                      ("expiry_minutes", "DS_MERCHANT_P2F_EXPIRYDATE"),
                      ("sms_text", "DS_MERCHANT_CUSTOMER_SMS_TEXT"),
                      ("xml_data", "DS_MERCHANT_P2F_XMLDATA")]:
        if l.get(key) not in (None, ""):
            p[name] = str(l[key])
    return p


cases = []


def add(description, operation, inp, expect=None, error=None):
    c = {"description": description, "source": SOURCE, "operation": operation, "input": inp}
    if error is not None:
        c["error"] = error
    else:
        c["expect"] = expect
    cases.append(c)


def request_case(description, l, config=CONFIG):
    body = dumps(envelope(request_params(l, config), order=l["order"]))
    add(description, "redsys.paygold_request", {"config": config, "link": l},
        {"method": "POST", "url": config["rest_url"], "headers": [["Content-Type", "application/json"]],
         "body": body})


# --- requests --------------------------------------------------------------------------------
request_case("an SMS link: type F, the mobile, a validity of 14400 minutes and the SMS text with @URL@",
             link(customer_mobile="600000000", expiry_minutes=14400,
                  sms_text="Pague su pedido 1234PG000001 aquí: @URL@"))
request_case("an e-mail link without a validity (Redsys's links do not expire by default)",
             link(customer_email="ana@example.com"))
request_case("both the mobile (with +34) and the e-mail, a description, the XML data for the e-mail, in USD",
             link(amount={"minor": 199, "currency": "USD"}, customer_mobile="+34600000000",
                  customer_email="ana@example.com", description="Ajuste de precio",
                  xml_data="<xml><campo>valor</campo></xml>"))
request_case("the link request's own merchant_url overrides the configured one",
             link(customer_email="ana@example.com", merchant_url="https://shop.example/other/"))
request_case("JPY has no minor unit: DS_MERCHANT_AMOUNT is whole yen",
             link(amount={"minor": 1500, "currency": "JPY"}, customer_mobile="600000000"))

add("a link with neither mobile nor e-mail is refused", "redsys.paygold_request",
    {"config": CONFIG, "link": link()}, error={"code": "field_missing", "field": "DS_MERCHANT_CUSTOMER_MOBILE"})
add("an SMS text without @URL@ is refused (the SMS would not carry the link)", "redsys.paygold_request",
    {"config": CONFIG, "link": link(customer_mobile="600000000", sms_text="Pague su pedido")},
    error={"code": "field_invalid", "field": "DS_MERCHANT_CUSTOMER_SMS_TEXT"})
add("a mobile with spaces is refused rather than reshaped", "redsys.paygold_request",
    {"config": CONFIG, "link": link(customer_mobile="600 000 000")},
    error={"code": "field_invalid", "field": "DS_MERCHANT_CUSTOMER_MOBILE"})
add("an e-mail without a domain is refused", "redsys.paygold_request",
    {"config": CONFIG, "link": link(customer_email="ana@")},
    error={"code": "field_invalid", "field": "DS_MERCHANT_CUSTOMER_MAIL"})
add("a validity of 0 minutes is refused", "redsys.paygold_request",
    {"config": CONFIG, "link": link(customer_mobile="600000000", expiry_minutes=0)},
    error={"code": "field_invalid", "field": "DS_MERCHANT_P2F_EXPIRYDATE"})
add("a validity over a year (seconds sent as minutes?) is refused", "redsys.paygold_request",
    {"config": CONFIG, "link": link(customer_mobile="600000000", expiry_minutes=864000)},
    error={"code": "field_invalid", "field": "DS_MERCHANT_P2F_EXPIRYDATE"})
add("an amount of zero is refused", "redsys.paygold_request",
    {"config": CONFIG, "link": link(amount={"minor": 0, "currency": "EUR"}, customer_mobile="600000000")},
    error={"code": "field_invalid", "field": "DS_MERCHANT_AMOUNT"})
add("without rest_url there is no REST endpoint", "redsys.paygold_request",
    {"config": {k: v for k, v in CONFIG.items() if k != "rest_url"}, "link": link(customer_mobile="600000000")},
    error={"code": "invalid_config", "field": "rest_url"})


# --- replies ---------------------------------------------------------------------------------
def reply(params, order=ORDER):
    return {"status": 200, "body": dumps(envelope(params, order=order))}


REPLY = {"Ds_Amount": "2500", "Ds_Currency": "978", "Ds_Order": ORDER, "Ds_MerchantCode": "999008881",
         "Ds_Terminal": "1", "Ds_TransactionType": "F", "Ds_UrlPago2Fases": LINK}
MOBILE = link(customer_mobile="600000000")
add("the signed reply carries the link: Ds_UrlPago2Fases, for the request's order and amount",
    "redsys.paygold_reply", {"config": CONFIG, "link": MOBILE, "reply": reply(REPLY)},
    {"url": LINK, "order": ORDER, "amount": {"minor": 2500, "currency": "EUR"}})
add("a reply without Ds_TransactionType is read as the request's", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE,
     "reply": reply({k: v for k, v in REPLY.items() if k != "Ds_TransactionType"})},
    {"url": LINK, "order": ORDER})
add("a reply without the link is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE,
     "reply": reply({k: v for k, v in REPLY.items() if k != "Ds_UrlPago2Fases"})},
    error={"code": "field_missing", "field": "Ds_UrlPago2Fases"})
add("an http:// link from Redsys is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE,
     "reply": reply(dict(REPLY, Ds_UrlPago2Fases="http://sis-t.redsys.es/sis/p2f?t=1"))},
    error={"code": "field_invalid", "field": "Ds_UrlPago2Fases"})
add("a javascript: link is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_UrlPago2Fases="javascript:alert(1)"))},
    error={"code": "field_invalid", "field": "Ds_UrlPago2Fases"})
SANDBOX = dict(CONFIG, rest_url=SANDBOX_REST)
add("the loopback sandbox's http:// link is taken when rest_url is that sandbox", "redsys.paygold_reply",
    {"config": SANDBOX, "link": MOBILE,
     "reply": reply(dict(REPLY, Ds_UrlPago2Fases="http://127.0.0.1:8080/sis/p2f/1234PG000001"))},
    {"url": "http://127.0.0.1:8080/sis/p2f/1234PG000001"})
add("a reply for another amount is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_Amount="2501"))},
    error={"code": "amount_mismatch", "field": "Ds_Amount"})
add("a reply without the amount is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply({k: v for k, v in REPLY.items() if k != "Ds_Amount"})},
    error={"code": "field_missing", "field": "Ds_Amount"})
add("a reply in another currency is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_Currency="840"))},
    error={"code": "currency_mismatch", "field": "Ds_Currency"})
add("a reply naming another order, signed with this order's key, is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_Order="9999PG000009"))},
    error={"code": "order_mismatch", "field": "Ds_Order"})
add("a reply signed for another order is refused before it is read", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_Order="9999PG000009"), order="9999PG000009")},
    error={"code": "signature_mismatch"})
add("a reply for another merchant is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_MerchantCode="999008882"))},
    error={"code": "merchant_mismatch", "field": "Ds_MerchantCode"})
add("a reply of another transaction type is not a link", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": reply(dict(REPLY, Ds_TransactionType="0"))},
    error={"code": "field_invalid", "field": "Ds_TransactionType"})
tampered = envelope(REPLY)
tampered["Ds_Signature"] = sign(ORDER, tampered["Ds_MerchantParameters"] + "x")
add("a reply whose signature does not cover its parameters is refused", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": {"status": 200, "body": dumps(tampered)}},
    error={"code": "signature_mismatch"})
add("Redsys's refusal of the validity's format (SIS0837) is a gateway error", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": {"status": 200, "body": "{\"errorCode\":\"SIS0837\"}"}},
    error={"code": "gateway_error", "field": "errorCode"})
add("no answer at all is gateway_unavailable (ask again: the same order)", "redsys.paygold_reply",
    {"config": CONFIG, "link": MOBILE, "reply": {"error": "timeout"}},
    error={"code": "gateway_unavailable"})

OUT.write_text(json.dumps({"cases": cases}, ensure_ascii=False, indent=2) + "\n")
print(f"{OUT}: {len(cases)} cases")

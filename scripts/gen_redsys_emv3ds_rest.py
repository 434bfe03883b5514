#!/usr/bin/env python3
"""Writes tests/vectors/redsys/emv3ds_rest.json: host-to-host EMV3DS over Redsys REST
(iniciaPeticionREST, the 3DS Method form, trataPeticionREST with AuthenticationData and
ChallengeResponse, and the replies to each).

Request bodies, reply bodies and every Ds_Signature are computed here with Python's json,
base64, hmac and the `cryptography` package (3DES-CBC order key, zero IV, the order number
zero-padded to a multiple of 8; then HMAC-SHA256 over the Base64 parameters), independently of
vpos-core. Parameter names, order and the Ds_EMV3DS shapes are those of docs/3ds.md
("Redsys host-to-host EMV3DS"). Run from anywhere: python3 scripts/gen_redsys_emv3ds_rest.py
(needs `cryptography`).
"""
import base64
import json
import pathlib
import urllib.parse

import redsys_sign
from redsys_sign import KEY, dumps, sign

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/vectors/redsys/emv3ds_rest.json"
REST = "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"
INICIA = "https://sis-t.redsys.es:25443/sis/rest/iniciaPeticionREST"
CONFIG = {"merchant_code": "999008881", "terminal": "1", "secret_key": KEY,
          "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago", "rest_url": REST}
SOURCE = ("Redsys REST EMV3DS (pagosonline.redsys.es funcionalidades-autenticacion3DS: "
          "iniciaPeticion, 3DSMethod, trataPeticion with Ds_Merchant_Emv3ds, frictionless or "
          "challenge); Ds_EMV3DS field names as in hyperswitch's redsys transformers and "
          "active_merchant redsys_rest (docs/3ds.md); HMAC_SHA256_V1 signatures computed with "
          "Python json/hmac/cryptography")
ORDER = "1234abcd5678"
TRANS_ID = "8de84430-3336-4ff4-b18d-f073b546ccea"
METHOD_URL = "https://acs.example/3ds-method"
ACS_URL = "https://acs.example/challenge"
CREQ = "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjhkZTg0NDMwIiwiYWNzVHJhbnNJRCI6ImFiYyJ9"
CRES = "eyJ0cmFuc1N0YXR1cyI6IlkifQ"


def envelope(params, order=ORDER, sign_order=None):
    return redsys_sign.envelope(params, sign_order or order)


ID_CARD = {"id_oper": "a1b2c3d4e5f6"}
PAN_CARD = {"pan": "4548810000000003", "expiry_date": "3412", "cvv2": "123"}


def payment(card=ID_CARD, minor=4999, currency="EUR", order=ORDER, pre=False):
    p = {"order": order, "amount": {"minor": minor, "currency": currency}, "card": card}
    if pre:
        p["preauthorisation"] = True
    return p


def request_params(p, emv):
    numeric = {"EUR": "978", "USD": "840"}[p["amount"]["currency"]]
    params = {"DS_MERCHANT_AMOUNT": str(p["amount"]["minor"]), "DS_MERCHANT_ORDER": p["order"],
              "DS_MERCHANT_MERCHANTCODE": "999008881", "DS_MERCHANT_CURRENCY": numeric,
              "DS_MERCHANT_TRANSACTIONTYPE": "1" if p.get("preauthorisation") else "0",
              "DS_MERCHANT_TERMINAL": "1"}
    card = p["card"]
    if "id_oper" in card:
        params["DS_MERCHANT_IDOPER"] = card["id_oper"]
    else:
        params["DS_MERCHANT_PAN"] = card["pan"]
        params["DS_MERCHANT_EXPIRYDATE"] = card["expiry_date"]
        params["DS_MERCHANT_CVV2"] = card["cvv2"]
    params["DS_MERCHANT_EMV3DS"] = emv
    return params


BROWSER = {"accept_header": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
           "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36",
           "java_enabled": False, "javascript_enabled": True, "language": "es-ES",
           "color_depth": 24, "screen_height": 1080, "screen_width": 1920, "tz": -60}


def authentication_emv(a):
    b = a["browser"]
    emv = {"threeDSInfo": "AuthenticationData", "protocolVersion": a["protocol_version"],
           "browserAcceptHeader": b["accept_header"], "browserUserAgent": b["user_agent"],
           "browserJavaEnabled": b["java_enabled"]}
    if "javascript_enabled" in b:
        emv["browserJavascriptEnabled"] = b["javascript_enabled"]
    emv.update({"browserLanguage": b["language"], "browserColorDepth": str(b["color_depth"]),
                "browserScreenHeight": str(b["screen_height"]), "browserScreenWidth": str(b["screen_width"]),
                "browserTZ": str(b["tz"]), "threeDSServerTransID": a["three_ds_server_trans_id"],
                "notificationURL": a["notification_url"], "threeDSCompInd": a["three_ds_comp_ind"]})
    return emv


cases = []


def add(description, operation, inp, expect=None, error=None):
    c = {"description": description, "source": SOURCE, "operation": operation, "input": inp}
    if error is not None:
        c["error"] = error
    else:
        c["expect"] = expect
    cases.append(c)


def request_case(description, operation, p, emv, url, **extra):
    body = dumps(envelope(request_params(p, emv), order=p["order"]))
    add(description, operation, dict({"config": CONFIG, "payment": p}, **extra),
        {"method": "POST", "url": url, "headers": [["Content-Type", "application/json"]], "body": body})


# --- requests --------------------------------------------------------------------------------
request_case("iniciaPeticionREST with an InSite id: DS_MERCHANT_IDOPER, then DS_MERCHANT_EMV3DS {threeDSInfo: CardData}",
             "redsys.emv3ds_inicia_request", payment(), {"threeDSInfo": "CardData"}, INICIA)
request_case("iniciaPeticionREST with the card: PAN, expiry (YYMM) and CVV2 in that order, signed with the order key",
             "redsys.emv3ds_inicia_request", payment(PAN_CARD), {"threeDSInfo": "CardData"}, INICIA)
request_case("iniciaPeticionREST for a pre-authorisation: DS_MERCHANT_TRANSACTIONTYPE 1",
             "redsys.emv3ds_inicia_request", payment(pre=True, minor=100, currency="USD"),
             {"threeDSInfo": "CardData"}, INICIA)
AUTH = {"protocol_version": "2.1.0", "three_ds_server_trans_id": TRANS_ID, "three_ds_comp_ind": "Y",
        "notification_url": "https://shop.example/3ds/notify", "browser": BROWSER}
request_case("trataPeticionREST AuthenticationData after a 3DS Method that completed (threeDSCompInd Y), browser fields as strings",
             "redsys.emv3ds_trata_request", payment(), authentication_emv(AUTH), REST, authentication=AUTH)
AUTH_U = dict(AUTH, three_ds_comp_ind="U", protocol_version="2.2.0",
              browser=dict({k: v for k, v in BROWSER.items() if k != "javascript_enabled"},
                           java_enabled=True, tz=180, language="en", color_depth=32))
request_case("trataPeticionREST AuthenticationData without a 3DS Method (threeDSCompInd U), 2.2.0, no JavaScript flag, the card itself",
             "redsys.emv3ds_trata_request", payment(PAN_CARD), authentication_emv(AUTH_U), REST, authentication=AUTH_U)
# Cardholder data in AuthenticationData: the redirect's DS_MERCHANT_EMV3DS names (docs/3ds.md),
# appended after threeDSCompInd in the same object, in the redirect's order.
CARDHOLDER = {"name": "Ana García", "email": "ana@example.com",
              "mobile_phone": {"country_code": "34", "subscriber": "600123456"},
              "billing": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
              "account": {"age": "more_than_60_days"}, "challenge": "challenge_requested"}
CARDHOLDER_EMV = {"cardholderName": "Ana García", "email": "ana@example.com",
                  "mobilePhone": {"cc": "34", "subscriber": "600123456"},
                  "billAddrCity": "Madrid", "billAddrCountry": "724", "billAddrLine1": "Calle Mayor 1",
                  "billAddrPostCode": "28013", "acctInfo": {"chAccAgeInd": "05"},
                  "threeDSRequestorChallengeInd": "03"}
AUTH_CH = dict(AUTH, cardholder=CARDHOLDER)
request_case("trataPeticionREST AuthenticationData with cardholder data: its EMV 3DS names after threeDSCompInd, in the same object",
             "redsys.emv3ds_trata_request", payment(PAN_CARD), dict(authentication_emv(AUTH), **CARDHOLDER_EMV), REST,
             authentication=AUTH_CH)
AUTH_EMPTY = dict(AUTH, cardholder={"email": "", "billing": {"city": ""}})
request_case("trataPeticionREST AuthenticationData with only empty cardholder values: byte for byte the request without",
             "redsys.emv3ds_trata_request", payment(), authentication_emv(AUTH), REST, authentication=AUTH_EMPTY)
CH = {"protocol_version": "2.1.0", "cres": CRES}
request_case("trataPeticionREST ChallengeResponse: {threeDSInfo, protocolVersion, cres}",
             "redsys.emv3ds_challenge_request", payment(), {"threeDSInfo": "ChallengeResponse", "protocolVersion": "2.1.0", "cres": CRES},
             REST, challenge=CH)

add("both an InSite id and a PAN are refused", "redsys.emv3ds_inicia_request",
    {"config": CONFIG, "payment": payment(dict(ID_CARD, **PAN_CARD))}, error={"code": "field_invalid", "field": "card"})
add("a PAN that is not 12-19 digits is refused without echoing it", "redsys.emv3ds_inicia_request",
    {"config": CONFIG, "payment": payment(dict(PAN_CARD, pan="4548 8100 0000 0003"))},
    error={"code": "field_invalid", "field": "card.pan", "message": "card.pan must be 12-19 digits"})
add("an expiry month 13 is refused", "redsys.emv3ds_inicia_request",
    {"config": CONFIG, "payment": payment(dict(PAN_CARD, expiry_date="3413"))},
    error={"code": "field_invalid", "field": "card.expiry_date"})
add("a card without CVV2 is refused", "redsys.emv3ds_inicia_request",
    {"config": CONFIG, "payment": payment({"pan": "4548810000000003", "expiry_date": "3412"})},
    error={"code": "field_missing", "field": "card.cvv2"})
add("without rest_url there is no REST endpoint", "redsys.emv3ds_inicia_request",
    {"config": {k: v for k, v in CONFIG.items() if k != "rest_url"}, "payment": payment()},
    error={"code": "invalid_config", "field": "rest_url"})
add("AuthenticationData for 3DS 1.0.2 is refused", "redsys.emv3ds_trata_request",
    {"config": CONFIG, "payment": payment(), "authentication": dict(AUTH, protocol_version="1.0.2")},
    error={"code": "field_invalid", "field": "protocol_version"})
add("a relative notificationURL is refused", "redsys.emv3ds_trata_request",
    {"config": CONFIG, "payment": payment(), "authentication": dict(AUTH, notification_url="/3ds/notify")},
    error={"code": "field_invalid", "field": "notification_url"})
add("a colour depth browsers never report is refused", "redsys.emv3ds_trata_request",
    {"config": CONFIG, "payment": payment(), "authentication": dict(AUTH, browser=dict(BROWSER, color_depth=23))},
    error={"code": "field_invalid", "field": "browser.color_depth"})

add("AuthenticationData with a country that is not ISO 3166-1 alpha-2 is refused, naming the cardholder field",
    "redsys.emv3ds_trata_request",
    {"config": CONFIG, "payment": payment(), "authentication": dict(AUTH, cardholder={"billing": {"country": "UK"}})},
    error={"code": "field_invalid", "field": "cardholder.billing.country"})

# --- the 3DS Method --------------------------------------------------------------------------
NOTIFY = "https://shop.example/3ds/method"
method_data = base64.urlsafe_b64encode(dumps({"threeDSServerTransID": TRANS_ID,
                                               "threeDSMethodNotificationURL": NOTIFY}).encode()).decode().rstrip("=")
CARD_CONF = {"order": ORDER, "protocol_version": "2.1.0", "three_ds_server_trans_id": TRANS_ID,
             "three_ds_method_url": METHOD_URL, "card_psd2": "Y"}


def reply(params, **kw):
    return {"status": 200, "body": dumps(envelope(params, **kw))}


INICIA_REPLY = {"Ds_Order": ORDER, "Ds_MerchantCode": "999008881", "Ds_Terminal": "1", "Ds_TransactionType": "0",
                "Ds_EMV3DS": {"protocolVersion": "2.1.0", "threeDSServerTransID": TRANS_ID,
                              "threeDSInfo": "CardConfiguration", "threeDSMethodURL": METHOD_URL},
                "Ds_Card_PSD2": "Y"}
add("iniciaPeticionREST reply with a threeDSMethodURL: run the 3DS Method; its form posts threeDSMethodData (base64url JSON, no padding)",
    "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(INICIA_REPLY), "notification_url": NOTIFY},
    {"card": CARD_CONF, "method_form": {"action": METHOD_URL, "method": "POST", "fields": [["threeDSMethodData", method_data]]}})
no_method = json.loads(json.dumps(INICIA_REPLY))
del no_method["Ds_EMV3DS"]["threeDSMethodURL"]
add("iniciaPeticionREST reply without a threeDSMethodURL: no 3DS Method (threeDSCompInd U next)",
    "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(no_method), "notification_url": NOTIFY},
    {"card": dict(CARD_CONF, three_ds_method_url=None), "method_form": None})
no3ds = json.loads(json.dumps(INICIA_REPLY))
no3ds["Ds_EMV3DS"] = {"protocolVersion": "NO_3DS_v2", "threeDSInfo": "CardConfiguration"}
add("a card without EMV 3DS 2 (NO_3DS_v2) is refused", "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(no3ds)},
    error={"code": "field_invalid", "field": "Ds_EMV3DS.protocolVersion"})
v1 = json.loads(json.dumps(INICIA_REPLY))
v1["Ds_EMV3DS"]["protocolVersion"] = "1.0.2"
add("a 3DS 1.0.2 card is refused (vpos does not run PAReq/MD/TermUrl)", "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(v1)},
    error={"code": "field_invalid", "field": "Ds_EMV3DS.protocolVersion"})
tampered = envelope(INICIA_REPLY)
tampered["Ds_Signature"] = sign(ORDER, tampered["Ds_MerchantParameters"] + "x")
add("a reply whose signature does not cover its parameters is refused", "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(), "reply": {"status": 200, "body": dumps(tampered)}},
    error={"code": "signature_mismatch"})
add("Ds_EMV3DS as a string holding JSON is refused (it is an object)", "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(),
     "reply": reply(dict(INICIA_REPLY, Ds_EMV3DS=dumps(INICIA_REPLY["Ds_EMV3DS"])))},
    error={"code": "field_invalid", "field": "Ds_EMV3DS"})
add("a threeDSServerTransID that is not an id is refused", "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(),
     "reply": reply(dict(INICIA_REPLY, Ds_EMV3DS=dict(INICIA_REPLY["Ds_EMV3DS"], threeDSServerTransID="<script>")))},
    error={"code": "field_invalid", "field": "Ds_EMV3DS.threeDSServerTransID"})
add("Redsys's own error ({\"errorCode\": \"SIS0051\"}) is a gateway error", "redsys.emv3ds_inicia_response",
    {"config": CONFIG, "payment": payment(), "reply": {"status": 200, "body": "{\"errorCode\":\"SIS0051\"}"}},
    error={"code": "gateway_error", "field": "errorCode"})
add("the ACS's threeDSMethodData names the transaction", "redsys.emv3ds_method_data",
    {"config": CONFIG, "data": base64.urlsafe_b64encode(dumps({"threeDSServerTransID": TRANS_ID}).encode()).decode()},
    {"three_ds_server_trans_id": TRANS_ID})

# --- trataPeticionREST replies ---------------------------------------------------------------
FINAL = {"Ds_Amount": "4999", "Ds_Currency": "978", "Ds_Order": ORDER, "Ds_MerchantCode": "999008881",
         "Ds_Terminal": "1", "Ds_Response": "0000", "Ds_AuthorisationCode": "123456",
         "Ds_TransactionType": "0", "Ds_SecurePayment": "1", "Ds_Language": "1",
         "Ds_Card_Country": "724", "Ds_Card_Brand": "1", "Ds_ProcessedPayMethod": "78"}
KEY_OK = f"redsys:999008881:1:{ORDER}:0:0000:4999:123456"
add("frictionless: the AuthenticationData reply is final (Ds_Response 0000) and is the notification's event",
    "redsys.emv3ds_trata_response", {"config": CONFIG, "payment": payment(), "reply": reply(FINAL)},
    {"kind": "final", "event": {"key": KEY_OK, "action": "sale", "status": "succeeded"}})
declined = dict(FINAL, Ds_Response="0190", Ds_AuthorisationCode="")
add("declined without a challenge: final, failed", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(declined)},
    {"kind": "final", "event": {"key": f"redsys:999008881:1:{ORDER}:0:0190:4999:", "status": "failed"}})
CHALLENGE = {"Ds_Order": ORDER, "Ds_MerchantCode": "999008881", "Ds_Terminal": "1", "Ds_TransactionType": "0",
             "Ds_EMV3DS": {"threeDSInfo": "ChallengeRequest", "protocolVersion": "2.1.0",
                           "acsURL": ACS_URL, "creq": CREQ}}
add("challenge: the reply carries acsURL and creq, and the browser posts creq to the ACS",
    "redsys.emv3ds_trata_response", {"config": CONFIG, "payment": payment(), "reply": reply(CHALLENGE)},
    {"kind": "challenge", "challenge": {"order": ORDER, "protocol_version": "2.1.0", "acs_url": ACS_URL, "creq": CREQ},
     "form": {"action": ACS_URL, "method": "POST", "fields": [["creq", CREQ]]}})
add("a challenge without creq is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(),
     "reply": reply(dict(CHALLENGE, Ds_EMV3DS={k: v for k, v in CHALLENGE["Ds_EMV3DS"].items() if k != "creq"}))},
    error={"code": "field_missing", "field": "Ds_EMV3DS.creq"})
add("a challenge beside a final Ds_Response is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(dict(FINAL, Ds_EMV3DS=CHALLENGE["Ds_EMV3DS"]))},
    error={"code": "field_invalid", "field": "Ds_EMV3DS"})
add("a final answer for another amount is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(dict(FINAL, Ds_Amount="1"))},
    error={"code": "amount_mismatch", "field": "Ds_Amount"})
add("a final answer in another currency is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(dict(FINAL, Ds_Currency="840"))},
    error={"code": "currency_mismatch", "field": "Ds_Currency"})
add("a reply naming another order, signed with this order's key, is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(dict(FINAL, Ds_Order="9999zzzz"), sign_order=ORDER)},
    error={"code": "order_mismatch", "field": "Ds_Order"})
add("a reply signed for another order is refused before it is read", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(dict(FINAL, Ds_Order="9999zzzz"), order="9999zzzz")},
    error={"code": "signature_mismatch"})
add("a reply for another merchant is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(dict(FINAL, Ds_MerchantCode="999008882"))},
    error={"code": "merchant_mismatch", "field": "Ds_MerchantCode"})
add("a reply that is neither final nor a challenge is refused", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": reply({"Ds_Order": ORDER, "Ds_MerchantCode": "999008881"})},
    error={"code": "field_missing", "field": "Ds_Response"})
add("no answer at all is gateway_unavailable (ask again, or query)", "redsys.emv3ds_trata_response",
    {"config": CONFIG, "payment": payment(), "reply": {"error": "timeout"}},
    error={"code": "gateway_unavailable"})

# --- ChallengeResponse replies ---------------------------------------------------------------
add("after the challenge: the ChallengeResponse reply is final and is the notification's event",
    "redsys.emv3ds_challenge_response", {"config": CONFIG, "payment": payment(), "reply": reply(FINAL)},
    {"event": {"key": KEY_OK, "action": "sale", "status": "succeeded"}})
add("a second challenge after the challenge is refused", "redsys.emv3ds_challenge_response",
    {"config": CONFIG, "payment": payment(), "reply": reply(CHALLENGE)},
    error={"code": "field_invalid", "field": "Ds_EMV3DS"})
pre_final = dict(FINAL, Ds_TransactionType="1")
add("a pre-authorisation's final answer is authorised, not captured", "redsys.emv3ds_challenge_response",
    {"config": CONFIG, "payment": payment(pre=True), "reply": reply(pre_final)},
    {"event": {"key": f"redsys:999008881:1:{ORDER}:1:0000:4999:123456", "action": "sale", "status": "authorized"}})

# The notification Redsys posts for the same operation has the same event key: applying it
# after the REST reply is `already_applied`.
n = envelope(FINAL)
add("the HTTP notification of the same frictionless payment has the same event key",
    "redsys.verify", {"config": CONFIG, "content_type": "application/x-www-form-urlencoded",
                      "body": urllib.parse.urlencode(n)},
    {"event": {"key": KEY_OK}})

OUT.write_text(json.dumps({"cases": cases}, ensure_ascii=False, indent=2) + "\n")
print(f"{OUT}: {len(cases)} cases")

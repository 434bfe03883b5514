#!/usr/bin/env python3
"""Writes tests/vectors/redsys/emv3ds.json (Redsys redirect with DS_MERCHANT_EMV3DS),
tests/vectors/redsys/extra_parameters.json (the escape hatch for unmodelled Ds_Merchant_*) and
tests/vectors/redsys/bizum.json (Bizum with the customer's mobile pre-filled).

The parameters' JSON, its Base64 and every Ds_Signature are computed here with Python's json,
base64, hmac and the `cryptography` package (3DES-CBC order key, zero IV, the order number
zero-padded to a multiple of 8; then HMAC-SHA256 over the Base64 parameters), independently of
vpos-core. The EMV 3DS object's key names and order are those of docs/3ds.md.
Run from anywhere: python3 scripts/gen_redsys_emv3ds.py (needs `cryptography`).
"""
import base64
import json
import pathlib

from redsys_sign import KEY, sign

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "tests/vectors/redsys"
OUT = VECTORS / "emv3ds.json"
OUT_EXTRA = VECTORS / "extra_parameters.json"
CONFIG = {"merchant_code": "999008881", "terminal": "1", "secret_key": KEY,
          "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
          "merchant_url": "https://shop.example/n", "url_ok": "https://shop.example/ok",
          "url_ko": "https://shop.example/ko"}
SOURCE = ("Redsys redirect signature (HMAC_SHA256_V1: 3DES order key, HMAC-SHA256 over "
          "Ds_MerchantParameters; Redsys 'Guía de integración de la pasarela', as in "
          "docs/redsys.md); DS_MERCHANT_EMV3DS as a JSON object with EMV 3DS 2.x AReq names "
          "(EMVCo 3DS 2.x spec; odoo payment_redsys, hyperswitch redsys transformers, "
          "docs/3ds.md); computed with Python json/hmac/cryptography")
COUNTRY = {"ES": "724", "PT": "620", "FR": "250", "GB": "826", "US": "840"}
AGE = {"no_account": "01", "this_transaction": "02", "less_than_30_days": "03",
       "from_30_to_60_days": "04", "more_than_60_days": "05"}
CHALLENGE = {"no_preference": "01", "no_challenge_requested": "02",
             "challenge_requested": "03", "challenge_mandated": "04"}


def emv3ds(ch):
    out = {}
    for key, src in (("cardholderName", "name"), ("email", "email")):
        if ch.get(src):
            out[key] = ch[src]
    for key, src in (("homePhone", "home_phone"), ("mobilePhone", "mobile_phone"), ("workPhone", "work_phone")):
        if ch.get(src):
            out[key] = {"cc": ch[src]["country_code"], "subscriber": ch[src]["subscriber"]}
    for prefix, src in (("billAddr", "billing"), ("shipAddr", "shipping")):
        a = ch.get(src) or {}
        for part, field in (("City", "city"), ("Country", "country"), ("Line1", "line1"), ("Line2", "line2"),
                            ("Line3", "line3"), ("PostCode", "postal_code"), ("State", "state")):
            v = a.get(field)
            if v:
                out[prefix + part] = COUNTRY[v] if field == "country" else v
    if "address_match" in ch:
        out["addrMatch"] = "Y" if ch["address_match"] else "N"
    acct = {}
    info = ch.get("account") or {}
    if "age" in info:
        acct["chAccAgeInd"] = AGE[info["age"]]
    if "purchases_last_6_months" in info:
        acct["nbPurchaseAccount"] = str(info["purchases_last_6_months"])
    if "suspicious_activity" in info:
        acct["suspiciousAccActivity"] = "02" if info["suspicious_activity"] else "01"
    if "transactions_last_day" in info:
        acct["txnActivityDay"] = str(info["transactions_last_day"])
    if "transactions_last_year" in info:
        acct["txnActivityYear"] = str(info["transactions_last_year"])
    if acct:
        out["acctInfo"] = acct
    if ch.get("challenge"):
        out["threeDSRequestorChallengeInd"] = CHALLENGE[ch["challenge"]]
    return out


def form(order, minor, cardholder, currency=("EUR", "978"), extra=None, modelled=()):
    params = {"DS_MERCHANT_AMOUNT": str(minor), "DS_MERCHANT_ORDER": order,
              "DS_MERCHANT_MERCHANTCODE": "999008881", "DS_MERCHANT_CURRENCY": currency[1],
              "DS_MERCHANT_TRANSACTIONTYPE": "0", "DS_MERCHANT_TERMINAL": "1",
              "DS_MERCHANT_MERCHANTURL": "https://shop.example/n",
              "DS_MERCHANT_URLOK": "https://shop.example/ok", "DS_MERCHANT_URLKO": "https://shop.example/ko"}
    # Optional modelled parameters, in the core's order (PAYMETHODS, BIZUM_MOBILENUMBER …).
    params.update(modelled)
    emv = emv3ds(cardholder) if cardholder is not None else {}
    if emv:
        params["DS_MERCHANT_EMV3DS"] = emv
    # The escape hatch: names upper-cased, written last in name order.
    for name, value in sorted((k.upper(), v) for k, v in (extra or {}).items()):
        params[name] = value
    text = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
    b64 = base64.b64encode(text.encode()).decode()
    return [["Ds_SignatureVersion", "HMAC_SHA256_V1"], ["Ds_MerchantParameters", b64],
            ["Ds_Signature", sign(order, b64)]]


def checkout_case(description, source, order, error, fields):
    """One ``redsys.checkout`` case of ``cases``: ``order`` in; ``error`` out, or else the
    signed redirect form whose fields ``fields()`` computes."""
    c = {"description": description, "source": source, "operation": "redsys.checkout",
         "input": {"config": CONFIG, "order": order}}
    if error:
        c["error"] = error
    else:
        c["expect"] = {"action": CONFIG["checkout_url"], "method": "POST", "fields": fields()}
    cases.append(c)


cases = []


def case(description, cardholder, order="0726qI3H7sZx", minor=4999, currency=("EUR", "978"), error=None):
    o = {"order": order, "amount": {"minor": minor, "currency": currency[0]}}
    if cardholder is not None:
        o["cardholder"] = cardholder
    checkout_case(description, SOURCE, o, error, lambda: form(order, minor, cardholder, currency))


FULL = {"name": "Ana García", "email": "ana@example.com",
        "mobile_phone": {"country_code": "34", "subscriber": "600123456"},
        "home_phone": {"country_code": "34", "subscriber": "910000000"},
        "work_phone": {"country_code": "351", "subscriber": "213000000"},
        "billing": {"line1": "Calle Mayor 1", "line2": "2º B", "line3": "Esc. \"A\" \\ 3", "city": "Madrid",
                    "state": "M", "postal_code": "28013", "country": "ES"},
        "shipping": {"line1": "Rua Augusta 10", "line2": "", "city": "Lisboa", "postal_code": "1100-053",
                     "country": "PT"},
        "address_match": False,
        "account": {"age": "more_than_60_days", "suspicious_activity": False, "purchases_last_6_months": 12,
                    "transactions_last_day": 0, "transactions_last_year": 7},
        "challenge": "challenge_mandated"}
case("full cardholder: DS_MERCHANT_EMV3DS is the last parameter, a JSON object (names in the documented order)", FULL)
assert form("0726qI3H7sZx", 4999, {"email": "ana@example.com"})[2][1] == "7/NdTA6+yKbmc5OeZZ+uUzhjjYO14oRnDPlHVeuc3ZE="
case("only an e-mail: the object holds just `email`", {"email": "ana@example.com"})
case("no cardholder: the parameters and the signature are those of a plain checkout", None)
case("an empty cardholder sends no DS_MERCHANT_EMV3DS (same form as without one)", {})
case("blank values are left out: an all-blank cardholder sends nothing",
     {"email": "", "name": "", "billing": {"city": ""}})
case("name and billing address only (Spain: 724)",
     {"name": "José Pérez", "billing": {"line1": "Gran Vía 28", "city": "Madrid", "postal_code": "28013", "country": "ES"}})
case("shipping address differs from billing: addrMatch N",
     {"billing": {"city": "Paris", "country": "FR"}, "shipping": {"city": "London", "country": "GB"}, "address_match": False})
case("same shipping and billing: addrMatch Y", {"email": "a@example.com", "address_match": True})
for pref in ("no_preference", "no_challenge_requested", "challenge_requested", "challenge_mandated"):
    case(f"challenge preference {pref} -> threeDSRequestorChallengeInd {CHALLENGE[pref]}", {"challenge": pref})
case("mobile phone as the EMV {cc, subscriber} object", {"mobile_phone": {"country_code": "34", "subscriber": "600123456"}})
case("account information: age 'during this transaction' (02), suspicious activity yes (02), counters as decimal strings",
     {"account": {"age": "this_transaction", "suspicious_activity": True, "transactions_last_day": 3}})
case("quotes and backslashes in a value are escaped inside the signed JSON, not breaking out of it",
     {"name": "A\"}, \"x\": \"y\\", "billing": {"city": "Mad\"rid\\", "country": "ES"}})
case("a USD order (840) with cardholder data: the EMV object does not change amount or currency",
     {"email": "buyer@example.com"}, order="1234ABCDxyz9", minor=100000, currency=("USD", "840"))
for ch, field, why in [({"name": "Ana\u0000García"}, "cardholder.name", "a NUL in the name"),
                       ({"billing": {"country": "UK"}}, "cardholder.billing.country", "UK is not ISO 3166-1 (GB is)"),
                       ({"mobile_phone": {"country_code": "0034", "subscriber": "600123456"}}, "cardholder.mobile_phone.country_code", "a country code over 3 digits"),
                       ({"email": "x" * 250 + "@example.com"}, "cardholder.email", "an e-mail over 254 characters (EMV email max 254)")]:
    case(f"refused before any form: {why}", ch, error={"field": field})

OUT.write_text(json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n")
print(f"{OUT}: {len(cases)} cases")

SOURCE_EXTRA = ("vpos's escape hatch for Ds_Merchant_* parameters it does not model "
                "(core/src/gateways/redsys/extra.rs, docs/3ds.md); parameter names from Redsys's "
                "input parameter list, https://pagosonline.redsys.es/parametros-entrada-salida.html; "
                "signature computed with Python json/hmac/cryptography")
cases = []


def extra_case(description, extra, cardholder=None, error=None):
    o = {"order": "0726qI3H7sZx", "amount": {"minor": 4999, "currency": "EUR"}, "extra_parameters": extra}
    if cardholder is not None:
        o["cardholder"] = cardholder
    checkout_case(description, SOURCE_EXTRA, o, error, lambda: form("0726qI3H7sZx", 4999, cardholder, extra=extra))


extra_case("one unmodelled parameter is written last and signed", {"DS_MERCHANT_GROUP": "tienda-1"})
extra_case("a camel-case name is upper-cased (Redsys reads both spellings)", {"Ds_Merchant_P2f_ExpiryDate": "1440"})
extra_case("several parameters are written in name order, whatever order the host's object had",
           {"DS_MERCHANT_TAX_REFERENCE": "T-77", "DS_MERCHANT_CUSTOMER_SMS_TEXT": "Pague aquí", "DS_MERCHANT_GROUP": "g"})
extra_case("with cardholder data: DS_MERCHANT_EMV3DS first, then the unmodelled parameters",
           {"DS_MERCHANT_GROUP": "g"}, cardholder={"email": "ana@example.com"})
extra_case("quotes and backslashes in a value stay inside the signed JSON string",
           {"DS_MERCHANT_P2F_XMLDATA": "<textoLibre1>\"a\" \\ b</textoLibre1>"})
extra_case("an empty object changes nothing: the plain form", {})
for name in ("DS_MERCHANT_AMOUNT", "Ds_Merchant_UrlOk", "ds_merchant_emv3ds", "DS_MERCHANT_MERCHANTSIGNATURE"):
    extra_case(f"a parameter vpos models ({name}) cannot be overridden through the hatch", {name: "1"},
               error={"code": "field_invalid", "field": f"extra_parameters.{name.upper()}"})
for name in ("Ds_Signature", "DS_MERCHANT_", "DS_MERCHANT_A-B"):
    extra_case(f"a name outside DS_MERCHANT_[A-Z0-9_]{{1,40}} ({name}) is refused", {name: "x"},
               error={"code": "field_invalid", "field": "extra_parameters"})
extra_case("an empty value is refused", {"DS_MERCHANT_GROUP": ""},
           error={"code": "field_missing", "field": "extra_parameters.DS_MERCHANT_GROUP"})
extra_case("a value over 1024 characters is refused", {"DS_MERCHANT_GROUP": "x" * 1025},
           error={"code": "field_too_long", "field": "extra_parameters.DS_MERCHANT_GROUP"})
extra_case("a control character in a value is refused", {"DS_MERCHANT_GROUP": "a\u0007b"},
           error={"code": "field_invalid", "field": "extra_parameters.DS_MERCHANT_GROUP"})
OUT_EXTRA.write_text(json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n")
print(f"{OUT_EXTRA}: {len(cases)} cases")


# Bizum: DS_MERCHANT_PAYMETHODS "z" and DS_MERCHANT_BIZUM_MOBILENUMBER, the mobile Redsys
# pre-fills on its Bizum page.
OUT_BIZUM = VECTORS / "bizum.json"
BIZUM_SOURCE = ("Bizum on the Redsys redirect: Ds_Merchant_PayMethods z (Global Payments "
                "Cyberpac, a Redsys platform: https://docs.globalpayments.es/docs/cyberpac/"
                "metodos-de-pago/bizum) and DS_MERCHANT_BIZUM_MOBILENUMBER, the mobile pre-filled "
                "on the Bizum page (the name Redsys integrations send, e.g. WooCommerce Redsys "
                "Gateway; docs/3ds.md); "
                "signature computed with Python json/hmac/cryptography")
cases = []


def bizum_case(description, methods=None, mobile=None, error=None, extra=None):
    o = {"order": "0726qI3H7sZx", "amount": {"minor": 4999, "currency": "EUR"}}
    modelled = []
    if methods is not None:
        o["pay_methods"] = methods
        modelled.append(("DS_MERCHANT_PAYMETHODS", methods))
    if mobile is not None:
        o["bizum_mobile_number"] = mobile
        modelled.append(("DS_MERCHANT_BIZUM_MOBILENUMBER", mobile))
    if extra is not None:
        o["extra_parameters"] = extra
    checkout_case(description, BIZUM_SOURCE, o, error, lambda: form("0726qI3H7sZx", 4999, None, modelled=modelled))


bizum_case("Bizum without a mobile: the customer types it on Redsys's page", methods="z")
bizum_case("Bizum with the customer's mobile in international form, pre-filled", methods="z",
           mobile="+34600000000")
bizum_case("Bizum with the nine national digits", methods="z", mobile="600123123")
bizum_case("the longest E.164 number (15 digits)", methods="z", mobile="+123456789012345")
FIELD = "DS_MERCHANT_BIZUM_MOBILENUMBER"
bizum_case("a mobile without Bizum among the methods is refused (a card page has no use for it)",
           mobile="+34600000000", error={"code": "field_invalid", "field": FIELD})
bizum_case("a mobile with card-only methods is refused", methods="C", mobile="+34600000000",
           error={"code": "field_invalid", "field": FIELD})
for bad, why in (("+34 600 000 000", "spaces"), ("600-123-123", "dashes"), ("60012312", "eight digits"),
                 ("+1234567890123456", "sixteen digits"), ("++34600000000", "a doubled +"),
                 ("", "an empty value"), ("+34６00000000", "a non-ASCII digit")):
    bizum_case(f"a mobile with {why} is refused, not reshaped", methods="z", mobile=bad,
               error={"code": "field_invalid", "field": FIELD})
bizum_case("the escape hatch cannot set the Bizum mobile (it is modelled)", methods="z",
           extra={"DS_MERCHANT_BIZUM_MOBILENUMBER": "+34600000000"},
           error={"code": "field_invalid", "field": "extra_parameters." + FIELD})
OUT_BIZUM.write_text(json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n")

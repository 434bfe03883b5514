#!/usr/bin/env python3
"""Writes tests/vectors/ceca/3ds_refund.json (CECA datos_acs_20 + firma_acs_20, refunds).

Every Firma, firma_acs_20, datos_acs_20 value and refund request body is computed here with
Python's json, base64, hashlib and urllib, independently of vpos-core:

- datos_acs_20 = standard base64 of a JSON object in the names Cecabank's own shop plugins send
  (CARDHOLDER{BILL_ADDRESS{CITY, COUNTRY, LINE1, LINE2, POST_CODE, STATE}, NAME, EMAIL},
  PURCHASE{SHIP_ADDRESS{…}, MOBILE_PHONE{SUBSCRIBER}}, ACCOUNT_INFO{…}; docs/3ds.md);
- firma_acs_20 = hex digest (SHA-256 for Cifrado=SHA2, SHA-1 for SHA1) of key + datos_acs_20;
- refund Firma = hex digest of key + MerchantID + AcquirerBIN + TerminalID + Num_operacion +
  Importe + TipoMoneda + Exponente + Referencia + Cifrado; TIPO_ANU=P for a partial refund;
- refund answers: Cecabank's XML (`<TRANSACCION valor="OK|ERROR" numeroOperacion=…>`).

Run from anywhere: python3 scripts/gen_ceca_3ds_refund.py
"""
import base64
import hashlib
import json
import pathlib
import urllib.parse

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/vectors/ceca/3ds_refund.json"
KEY = "99888888"  # the Cecabank manual's example key (tests/vectors/ceca/ceca.json C1)
REFUND_URL = "https://democonsolatpvvirtual.ceca.es/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt"
BASE = {"merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
        "key": KEY, "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
        "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es"}
SRC_3DS = ("datos_acs_20 as base64 JSON and firma_acs_20 = digest(key + datos_acs_20): Cecabank's "
           "own client library and WooCommerce plugin (github.com/cecabank/cecabank-woocommerce, "
           "lib/Cecabank/Client.php makeHash, wc_gateway_cecabank.php); computed with Python "
           "hashlib/base64/json")
SRC_REFUND = ("anularOperacionExt: Firma = digest(key + MerchantID + AcquirerBIN + TerminalID + "
              "Num_operacion + Importe + TipoMoneda + Exponente + Referencia + Cifrado), TIPO_ANU=P "
              "for partial (Cecabank client library getRefundSignature, Active Merchant "
              "cecabank_xml.rb); computed with Python hashlib/urllib")
SRC_ANSWER = ("the XML answer <TRANSACCION valor=OK|ERROR numeroOperacion> with OPERACION/importe "
              "or ERROR/codigo (Active Merchant test/unit/gateways/cecabank_test.rb fixtures)")
AGE = {"no_account": "NO_ACCOUNT", "this_transaction": "JUST_CHANGED", "less_than_30_days": "LESS_30",
       "from_30_to_60_days": "BETWEEN_30_60", "more_than_60_days": "MORE_60"}
RECENCY = {"this_transaction": "JUST_CHANGED", "less_than_30_days": "LESS_30",
           "from_30_to_60_days": "BETWEEN_30_60", "more_than_60_days": "MORE_60"}
CURRENCIES = {"EUR": ("978", 2), "JPY": ("392", 0), "USD": ("840", 2)}


def config(cipher="SHA2", refund_url=True):
    c = dict(BASE, cipher=cipher)
    if refund_url:
        c["refund_url"] = REFUND_URL
    return c


def digest(cipher, text):
    h = hashlib.sha256 if cipher == "SHA2" else hashlib.sha1
    return h(text.encode()).hexdigest()


def address(a):
    out = {}
    for k, src in (("CITY", "city"), ("COUNTRY", "country"), ("LINE1", "line1"), ("LINE2", "line2"),
                   ("POST_CODE", "postal_code"), ("STATE", "state")):
        if (a or {}).get(src):
            out[k] = a[src]
    return out


def acs(ch):
    out = {}
    holder = {}
    bill = address(ch.get("billing"))
    if bill:
        holder["BILL_ADDRESS"] = bill
    for k, src in (("NAME", "name"), ("EMAIL", "email")):
        if ch.get(src):
            holder[k] = ch[src]
    if holder:
        out["CARDHOLDER"] = holder
    purchase = {}
    ship = address(ch.get("shipping"))
    if ship:
        purchase["SHIP_ADDRESS"] = ship
    if ch.get("mobile_phone") and ch["mobile_phone"]["subscriber"]:
        purchase["MOBILE_PHONE"] = {"SUBSCRIBER": ch["mobile_phone"]["subscriber"]}
    if purchase:
        out["PURCHASE"] = purchase
    info = ch.get("account") or {}
    acct = {}
    if "age" in info:
        acct["CH_ACC_AGE_IND"] = AGE[info["age"]]
    if "changed" in info:
        acct["CH_ACC_CHANGE_IND"] = RECENCY[info["changed"]]
    if info.get("suspicious_activity") is False:
        acct["SUSPICIOUS_ACC_ACTIVITY"] = "NO_SUSPICIOUS"
    for k, src in (("TXN_ACTIVITY_DAY", "transactions_last_day"), ("TXN_ACTIVITY_YEAR", "transactions_last_year"),
                   ("NB_PURCHASE_ACCOUNT", "purchases_last_6_months")):
        if src in info:
            acct[k] = str(info[src])
    if acct:
        out["ACCOUNT_INFO"] = acct
    return out


def form(cfg, operation, minor, currency, cardholder, description=None):
    cipher = cfg.get("cipher", "SHA2")
    numeric, exponent = CURRENCIES[currency]
    firma = digest(cipher, "".join([KEY, cfg["merchant_id"], cfg["acquirer_bin"], cfg["terminal_id"], operation,
                                    str(minor), numeric, str(exponent), cipher, cfg["url_ok"], cfg["url_nok"]]))
    fields = [["MerchantID", cfg["merchant_id"]], ["AcquirerBIN", cfg["acquirer_bin"]],
              ["TerminalID", cfg["terminal_id"]], ["URL_OK", cfg["url_ok"]], ["URL_NOK", cfg["url_nok"]],
              ["Firma", firma], ["Cifrado", cipher], ["Num_operacion", operation], ["Importe", str(minor)],
              ["TipoMoneda", numeric], ["Exponente", str(exponent)], ["Pago_soportado", "SSL"]]
    if description:
        fields.append(["Descripcion", description])
    data = acs(cardholder) if cardholder is not None else {}
    if data:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        datos = base64.b64encode(text.encode()).decode()
        fields += [["datos_acs_20", datos], ["firma_acs_20", digest(cipher, KEY + datos)]]
    return {"action": cfg["checkout_url"], "method": "POST", "fields": fields}


cases = []


def checkout(description, cardholder, cipher="SHA2", operation="OP-3DS-1", minor=4999, currency="EUR",
             error=None, desc=None):
    cfg = config(cipher, refund_url=False)
    order = {"operation": operation, "amount": {"minor": minor, "currency": currency}}
    if desc:
        order["description"] = desc
    if cardholder is not None:
        order["cardholder"] = cardholder
    c = {"description": description, "source": SRC_3DS, "operation": "ceca.checkout",
         "input": {"config": cfg, "order": order}}
    if error:
        c["error"] = error
    else:
        c["expect"] = form(cfg, operation, minor, currency, cardholder, desc)
    cases.append(c)


FULL = {"name": "Ana García", "email": "ana@example.com",
        "mobile_phone": {"country_code": "34", "subscriber": "600123456"},
        "home_phone": {"country_code": "34", "subscriber": "910000000"},
        "billing": {"line1": "Calle Mayor 1", "line2": "2º B", "line3": "not sent", "city": "Madrid",
                    "state": "M", "postal_code": "28013", "country": "ES"},
        "shipping": {"line1": "Rua Augusta 10", "city": "Lisboa", "postal_code": "1100-053", "country": "PT"},
        "address_match": False,
        "account": {"age": "more_than_60_days", "changed": "less_than_30_days", "suspicious_activity": False,
                    "purchases_last_6_months": 12, "transactions_last_day": 0, "transactions_last_year": 7},
        "challenge": "challenge_mandated"}
checkout("full cardholder (SHA2): datos_acs_20 and firma_acs_20 follow the usual fields; Firma unchanged", FULL)
checkout("full cardholder, SHA1 terminal: firma_acs_20 is SHA-1 too", FULL, cipher="SHA1")
checkout("only an e-mail: CARDHOLDER{EMAIL}", {"email": "ana@example.com"})
checkout("no cardholder: the plain form, byte for byte", None)
checkout("an empty cardholder adds nothing", {})
checkout("all-blank values add nothing", {"email": "", "name": "", "billing": {"city": ""}})
checkout("only fields CECA has no public name for (challenge, home phone, address match): nothing sent",
         {"challenge": "no_preference", "home_phone": {"country_code": "34", "subscriber": "910000000"},
          "address_match": True})
checkout("name and billing address: CARDHOLDER{BILL_ADDRESS, NAME}; the country stays alpha-2",
         {"name": "José Pérez", "billing": {"line1": "Gran Vía 28", "city": "Madrid", "postal_code": "28013",
                                             "country": "ES"}})
checkout("shipping address and mobile phone go under PURCHASE",
         {"shipping": {"city": "London", "country": "GB"}, "mobile_phone": {"country_code": "44", "subscriber": "7700900123"}})
checkout("account information: ages in CECA's words, counters as strings, a suspicious account not sent",
         {"account": {"age": "this_transaction", "suspicious_activity": True, "transactions_last_day": 3}})
checkout("quotes and backslashes are escaped inside the JSON before base64",
         {"name": "A\"}, \"x\": \"y\\", "billing": {"city": "Mad\"rid\\", "country": "ES"}})
checkout("a yen order (Exponente 0) with a description and cardholder data",
         {"email": "buyer@example.com"}, operation="JP-1", minor=1500, currency="JPY", desc="Tea")
for ch, field, why in [({"name": "Ana\u0000García"}, "cardholder.name", "a NUL in the name"),
                       ({"billing": {"country": "UK"}}, "cardholder.billing.country", "UK is not ISO 3166-1 (GB is)"),
                       ({"mobile_phone": {"country_code": "0034", "subscriber": "600123456"}},
                        "cardholder.mobile_phone.country_code", "a phone country code over 3 digits")]:
    checkout(f"refused before any form: {why}", ch, error={"field": field})


def refund_body(cfg, operation, reference, minor, currency, partial):
    cipher = cfg.get("cipher", "SHA2")
    numeric, exponent = CURRENCIES[currency]
    firma = digest(cipher, "".join([KEY, cfg["merchant_id"], cfg["acquirer_bin"], cfg["terminal_id"], operation,
                                    str(minor), numeric, str(exponent), reference, cipher]))
    pairs = [("MerchantID", cfg["merchant_id"]), ("AcquirerBIN", cfg["acquirer_bin"]),
             ("TerminalID", cfg["terminal_id"]), ("Num_operacion", operation), ("Importe", str(minor)),
             ("TipoMoneda", numeric), ("Exponente", str(exponent)), ("Referencia", reference),
             ("Cifrado", cipher), ("Firma", firma)]
    if partial:
        pairs.append(("TIPO_ANU", "P"))
    return urllib.parse.urlencode(pairs)


def operation(minor, currency="EUR", captured=10000, refunded=0, order="OP-PAY-1",
              reference="12004172282310181002"):
    op = {"kind": "refund", "order_id": order, "amount": {"minor": minor, "currency": currency},
          "refunded_minor": refunded, "transaction_id": reference}
    if captured is not None:
        op["captured"] = {"minor": captured, "currency": currency}
    return op


def refund_request(description, op, cipher="SHA2", refund_url=True, error=None):
    cfg = config(cipher, refund_url)
    c = {"description": description, "source": SRC_REFUND, "operation": "ceca.refund_request",
         "input": {"config": cfg, "operation": op}}
    if error:
        c["error"] = error
    else:
        partial = not (op.get("captured") == op["amount"] and op["refunded_minor"] == 0)
        c["expect"] = {"method": "POST", "url": REFUND_URL,
                       "headers": [["Content-Type", "application/x-www-form-urlencoded"]],
                       "body": refund_body(cfg, op["order_id"], op["transaction_id"], op["amount"]["minor"],
                                           op["amount"]["currency"], partial)}
    cases.append(c)


refund_request("total refund: the whole payment, nothing refunded before, no TIPO_ANU", operation(10000))
refund_request("partial refund: TIPO_ANU=P", operation(2500))
refund_request("a second refund that completes the total is still partial (TIPO_ANU=P)",
               operation(7500, refunded=2500))
refund_request("SHA1 terminal: the refund Firma is SHA-1 and Cifrado=SHA1", operation(100), cipher="SHA1")
refund_request("yen: Exponente 0, TipoMoneda 392", operation(500, currency="JPY", captured=1500))
refund_request("no refund_url in the configuration: invalid_config", operation(100), refund_url=False,
               error={"code": "invalid_config", "field": "refund_url"})
refund_request("no Referencia stored on the payment: field_missing", operation(100, reference=""),
               error={"code": "field_missing", "field": "Referencia"})
refund_request("a Referencia that is not digits is refused before any signature",
               operation(100, reference="1200SHA2"), error={"code": "field_invalid", "field": "Referencia"})


def ok_xml(number, importe):
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
            f'<TRANSACCION valor="OK" numeroOperacion="{number}" fecha="06/12/2026 16:00:00">\n'
            f'  <OPERACION tipo="900">\n    <importe>{importe}</importe>\n  </OPERACION>\n</TRANSACCION>\n')


def error_xml(number, code, text):
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
            f'<TRANSACCION valor="ERROR" numeroOperacion="{number}" fecha="06/12/2026 16:00:00">\n'
            f'  <ERROR>\n    <codigo>{code}</codigo>\n    <descripcion><![CDATA[{text}]]></descripcion>\n'
            '  </ERROR>\n</TRANSACCION>\n')


PAID = {"gateway": "ceca", "merchant": "111950028", "order_id": "OP-PAY-1",
        "amount": {"minor": 10000, "currency": "EUR"}, "status": "paid"}


def refund_response(description, op, body, status=200, payment=None, expect=None, error=None):
    c = {"description": description, "source": f"{SRC_ANSWER}; {SRC_REFUND}", "operation": "ceca.refund_response",
         "input": {"config": config(), "operation": op, "reply": {"status": status, "body": body}}}
    if payment is not None:
        c["input"]["payment"] = payment
    if error:
        c["error"] = error
    else:
        c["expect"] = expect
    cases.append(c)


def event(number, minor, currency="EUR"):
    return {"gateway": "ceca", "key": f"ceca:111950028:00000003:OP-PAY-1:refund:{number}",
            "order_id": "OP-PAY-1", "transaction_id": number, "amount": {"minor": minor, "currency": currency},
            "action": "refund", "status": "succeeded", "status_code": "OK"}


refund_response("OK answer to a partial refund: a refund event; the paid payment becomes partially_refunded",
                operation(2500), ok_xml("1390414594", "         25.00 Euros"), payment=PAID,
                expect={"event": event("1390414594", 2500),
                        "outcome": {"outcome": "applied", "to": "partially_refunded", "refunded_minor": 2500}})
refund_response("OK answer to the second partial refund that completes the total: refunded",
                operation(7500, refunded=2500), ok_xml("1390414595", "75.00 Euros"),
                payment=dict(PAID, status="partially_refunded", refunded_minor=2500),
                expect={"event": event("1390414595", 7500),
                        "outcome": {"outcome": "applied", "to": "refunded", "refunded_minor": 10000}})
refund_response("an OK answer for more than is left is refused by the state machine (refund_exceeds_amount)",
                operation(5000, refunded=8000), ok_xml("1390414596", "50.00 Euros"),
                payment=dict(PAID, status="partially_refunded", refunded_minor=8000),
                expect={"event": event("1390414596", 5000),
                        "outcome": {"outcome": "rejected", "error": {"code": "refund_exceeds_amount"}}})
refund_response("ERROR answer (operation unknown to CECA): gateway_error naming the codigo",
                operation(2500), error_xml("1390414597", "15", "ERROR. Operación inexistente <1403>"),
                error={"code": "gateway_error", "field": "codigo"})
refund_response("ERROR answer refusing an amount over what is left: gateway_error",
                operation(20000), error_xml("1390414598", "190", "ERROR. Importe superior al de la operación"),
                error={"code": "gateway_error", "field": "codigo"})
refund_response("an OK answer for another amount than asked: amount_mismatch (left pending for a person)",
                operation(2500), ok_xml("1390414599", "24.00 Euros"), error={"code": "amount_mismatch", "field": "importe"})
refund_response("an XML answer with a DOCTYPE is refused", operation(2500),
                '<!DOCTYPE x [<!ENTITY a "b">]><TRANSACCION valor="OK" numeroOperacion="1"/>',
                error={"code": "field_invalid"})
refund_response("an HTML error page instead of XML is refused", operation(2500),
                "<html><body>Error</body></html>", error={"code": "field_invalid", "field": "TRANSACCION"})
refund_response("a valor other than OK or ERROR is refused", operation(2500),
                '<TRANSACCION valor="PENDIENTE" numeroOperacion="1"></TRANSACCION>',
                error={"code": "field_invalid", "field": "TRANSACCION"})
refund_response("HTTP 503: gateway_unavailable (the refund may have gone through)", operation(2500), "",
                status=503, error={"code": "gateway_unavailable"})

OUT.write_text(json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n")
print(f"{OUT}: {len(cases)} cases")

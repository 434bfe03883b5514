#!/usr/bin/env python3
"""Writes tests/vectors/elavon/hpp_v2.json (Santander Elavon SHA-256 hashes and HPP v2 fields).

Every hash is computed here with Python's hashlib, independently of vpos-core, from the layout
Global Payments documents in its SDKs: hex(H(hex(H(fields joined by ".")) + "." + secret)).
Run from anywhere: python3 scripts/gen_elavon_hpp_v2.py
"""
import base64
import hashlib
import json
import pathlib
import urllib.parse

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/vectors/elavon/hpp_v2.json"
def h(alg, fields, secret):
    f = getattr(hashlib, alg)
    inner = f(".".join(fields).encode()).hexdigest()
    return f((inner + "." + secret).encode()).hexdigest()
SRC_HASH = ("Global Payments HPP hash: hex(H(hex(H(fields joined by '.')) + '.' + secret)), "
            "SHA-1 in SHA1HASH, SHA-256 in SHA256HASH (globalpayments/php-sdk HostedService, "
            "java-sdk GenerationUtils.shaHex); value computed with Python hashlib")
SRC_V2 = ("Global Payments HPP v2 3-D Secure 2 fields (globalpayments/php-sdk "
          "Gateways/RealexConnector.php serializeRequest: HPP_VERSION, HPP_CUSTOMER_EMAIL, "
          "HPP_CUSTOMER_PHONENUMBER_MOBILE 'cc|number', HPP_BILLING_*, HPP_SHIPPING_*, "
          "HPP_ADDRESS_MATCH_INDICATOR, HPP_CHALLENGE_REQUEST_INDICATOR; countries ISO 3166-1 numeric)")
def config(alg="sha1", **kw):
    c = {"merchant_id": "thestore", "account": "internet", "secret": "mysecret",
         "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
         "response_url": "https://shop.example/elavon/",
         "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote",
         "rebate_password": "rebate"}
    if alg != "sha1": c["hash_algorithm"] = alg
    c.update(kw); return c
ORDER = {"order_id": "ORD453-11", "amount": {"minor": 29900, "currency": "EUR"}, "timestamp": "20130814122239"}
FORM5 = ["20130814122239", "thestore", "ORD453-11", "29900", "EUR"]
def base_fields(alg, settle="0"):
    name = "SHA256HASH" if alg == "sha256" else "SHA1HASH"
    return [["MERCHANT_ID", "thestore"], ["ACCOUNT", "internet"], ["ORDER_ID", "ORD453-11"],
            ["AMOUNT", "29900"], ["CURRENCY", "EUR"], ["TIMESTAMP", "20130814122239"],
            [name, h(alg, FORM5, "mysecret")], ["AUTO_SETTLE_FLAG", settle],
            ["MERCHANT_RESPONSE_URL", "https://shop.example/elavon/"]]
cases = []
def checkout(desc, alg, order, fields=None, error=None, src=SRC_HASH, **cfg):
    c = {"description": desc, "source": src, "operation": "elavon.checkout",
         "input": {"config": config(alg, **cfg), "order": order}}
    if error: c["error"] = error
    else: c["expect"] = {"action": "https://hpp.prueba.santanderelavontpvvirtual.es/pay", "method": "POST", "fields": fields}
    cases.append(c)
assert h("sha1", FORM5, "mysecret") == "cc72c08e529b3bc153481eda9533b815cef29de3"
checkout("SHA-256 HPP form for the X2 order: SHA256HASH instead of SHA1HASH, same five fields", "sha256", ORDER, base_fields("sha256"))
checkout("SHA-256 HPP form with auto-settle", "sha256", ORDER, base_fields("sha256", "1"), auto_settle=True)
CH_FULL = {"name": "Ana García", "email": "ana@example.com",
    "mobile_phone": {"country_code": "44", "subscriber": "789456123"},
    "work_phone": {"country_code": "34", "subscriber": "910000000"},
    "billing": {"line1": "Flat 123", "line2": "House 456", "line3": "Unit 4", "city": "Halifax", "postal_code": "W5 9HR", "country": "GB"},
    "shipping": {"line1": "Apartment 852", "line2": "", "city": "Chicago", "state": "IL", "postal_code": "50001", "country": "US"},
    "address_match": False, "account": {"age": "more_than_60_days"}, "challenge": "challenge_requested"}
V2_TAIL = [["HPP_VERSION", "2"], ["HPP_CUSTOMER_EMAIL", "ana@example.com"],
    ["HPP_CUSTOMER_PHONENUMBER_MOBILE", "44|789456123"], ["HPP_CUSTOMER_PHONENUMBER_WORK", "34|910000000"],
    ["HPP_BILLING_STREET1", "Flat 123"], ["HPP_BILLING_STREET2", "House 456"], ["HPP_BILLING_STREET3", "Unit 4"],
    ["HPP_BILLING_CITY", "Halifax"], ["HPP_BILLING_POSTALCODE", "W5 9HR"], ["HPP_BILLING_COUNTRY", "826"],
    ["HPP_SHIPPING_STREET1", "Apartment 852"], ["HPP_SHIPPING_CITY", "Chicago"], ["HPP_SHIPPING_STATE", "IL"],
    ["HPP_SHIPPING_POSTALCODE", "50001"], ["HPP_SHIPPING_COUNTRY", "840"],
    ["HPP_ADDRESS_MATCH_INDICATOR", "FALSE"], ["HPP_CHALLENGE_REQUEST_INDICATOR", "CHALLENGE_PREFERRED"]]
for alg in ("sha1", "sha256"):
    checkout(f"HPP v2 with full cardholder data ({alg}): the 3-D Secure 2 fields after the signed ones, hash unchanged (it covers the same five fields)",
             alg, dict(ORDER, cardholder=CH_FULL), base_fields(alg) + V2_TAIL, src=SRC_V2 + "; " + SRC_HASH)
checkout("HPP v2 with only an e-mail", "sha256", dict(ORDER, cardholder={"email": "ana@example.com"}),
         base_fields("sha256") + [["HPP_VERSION", "2"], ["HPP_CUSTOMER_EMAIL", "ana@example.com"]], src=SRC_V2)
checkout("HPP v2 with an empty cardholder: HPP_VERSION=2 and nothing else", "sha1", dict(ORDER, cardholder={}),
         base_fields("sha1") + [["HPP_VERSION", "2"]], src=SRC_V2)
for pref, name in [("no_preference", "NO_PREFERENCE"), ("no_challenge_requested", "NO_CHALLENGE_REQUESTED"), ("challenge_mandated", "CHALLENGE_MANDATED")]:
    checkout(f"challenge preference {pref} -> {name}, address match TRUE", "sha1",
             dict(ORDER, cardholder={"challenge": pref, "address_match": True}),
             base_fields("sha1") + [["HPP_VERSION", "2"], ["HPP_ADDRESS_MATCH_INDICATOR", "TRUE"], ["HPP_CHALLENGE_REQUEST_INDICATOR", name]],
             src=SRC_V2 + " (ChallengeRequestIndicator enum)")
for ch, field, desc in [({"billing": {"country": "UK"}}, "cardholder.billing.country", "billing country UK is not ISO 3166-1 (GB is)"),
                        ({"mobile_phone": {"country_code": "44", "subscriber": "44|1"}}, "cardholder.mobile_phone.subscriber", "a '|' inside the phone number would shift HPP's cc|number split"),
                        ({"shipping": {"line1": "x" * 51}}, "cardholder.shipping.line1", "shipping line over 50 characters (EMV 3DS shipAddrLine1 max 50)")]:
    checkout(f"refused before any form: {desc}", "sha256", dict(ORDER, cardholder=ch), error={"field": field}, src=SRC_V2 + "; EMV 3DS 2.x field lengths")

# Responses
RCFG = lambda alg: config(alg, secret="shared-secret", currency="USD")
PAY = {"gateway": "elavon", "merchant": "thestore", "order_id": "ORD453-1120130814122239", "amount": {"minor": 5000, "currency": "USD"}, "status": "new"}
RF = ["20130814122239", "thestore", "ORD453-1120130814122239", "00", "Authorised. Ref 9", "3737468273643", "79347"]
def resp(fields, hashes, amount="5000", extra=(), b64=False):
    pairs = [("TIMESTAMP", fields[0]), ("MERCHANT_ID", fields[1]), ("ACCOUNT", "internet"), ("ORDER_ID", fields[2]),
             ("RESULT", fields[3]), ("MESSAGE", fields[4]), ("PASREF", fields[5]), ("AUTHCODE", fields[6]),
             ("AMOUNT", amount), ("CURRENCY", "USD")]
    if b64:
        pairs = [(k, base64.b64encode(v.encode()).decode()) for k, v in pairs]
    pairs += list(hashes) + list(extra)
    return urllib.parse.urlencode(pairs)
def handle(desc, alg, body, expect, src=SRC_HASH, cfg=None, payment=PAY):
    cases.append({"description": desc, "source": src, "operation": "elavon.handle",
                  "input": {"config": cfg or RCFG(alg), "body": body, "payment": payment}, "expect": expect})
S256 = h("sha256", RF, "shared-secret"); S1 = h("sha1", RF, "shared-secret")
handle("SHA-256 response: SHA256HASH verifies, authorised (not auto-settled)", "sha256", resp(RF, [("SHA256HASH", S256)]),
       {"notification": {"result": "00", "pasref": "3737468273643", "authcode": "79347", "amount": {"minor": 5000, "currency": "USD"}},
        "outcome": {"outcome": "applied", "from": "new", "to": "authorized"}, "response": {"status": 200}})
handle("SHA-256 response with auto-settle: paid", "sha256", resp(RF, [("SHA256HASH", S256)]),
       {"outcome": {"outcome": "applied", "to": "paid"}}, cfg=config("sha256", secret="shared-secret", currency="USD", auto_settle=True))
handle("SHA-256 hash in upper case hex verifies (hex, either case)", "sha256", resp(RF, [("SHA256HASH", S256.upper())]),
       {"outcome": {"outcome": "applied", "to": "authorized"}})
handle("SHA-256 configured, both hashes sent, SHA1HASH garbage: only SHA256HASH is read", "sha256", resp(RF, [("SHA1HASH", "0"), ("SHA256HASH", S256)]),
       {"outcome": {"outcome": "applied", "to": "authorized"}})
handle("SHA-256 configured, the response carries only a valid SHA1HASH: refused (no downgrade to SHA-1)", "sha256", resp(RF, [("SHA1HASH", S1)]),
       {"error": {"code": "signature_mismatch", "field": "SHA256HASH"}, "response": {"status": 403}})
handle("SHA-1 configured, the response carries only a valid SHA256HASH: refused", "sha1", resp(RF, [("SHA256HASH", S256)]),
       {"error": {"code": "signature_mismatch", "field": "SHA1HASH"}, "response": {"status": 403}})
handle("SHA-256 configured, the SHA-1 value under SHA256HASH: refused", "sha256", resp(RF, [("SHA256HASH", S1)]),
       {"error": {"code": "signature_mismatch", "field": "SHA256HASH"}})
handle("SHA-256 with another account's secret: 403", "sha256", resp(RF, [("SHA256HASH", h("sha256", RF, "mysecret"))]),
       {"error": {"code": "signature_mismatch", "field": "SHA256HASH"}, "response": {"status": 403}})
T = RF[:3] + ["101"] + RF[4:]
handle("SHA-256 response with RESULT tampered 00 -> 101 under the original hash: refused", "sha256", resp(T, [("SHA256HASH", S256)]),
       {"error": {"code": "signature_mismatch", "field": "SHA256HASH"}})
handle("SHA-256 declined (101), correctly hashed: failed", "sha256", resp(T, [("SHA256HASH", h("sha256", T, "shared-secret"))]),
       {"outcome": {"outcome": "applied", "to": "failed"}})
SH = RF[:4] + ["Authorised", " Ref 9", "3737468273643.79347"]
assert h("sha256", SH, "shared-secret") == S256
handle("SHA-256: the field boundaries moved along MESSAGE's dot keep the hash and are refused (PASREF with a space)", "sha256", resp(SH, [("SHA256HASH", S256)]),
       {"error": {"code": "field_invalid", "field": "PASREF"}})
handle("SHA-256 response with every value base64-encoded (the hash over the decoded values) verifies after decoding", "sha256",
       resp(RF, [("SHA256HASH", S256)], b64=True),
       {"notification": {"pasref": "3737468273643", "base64_values": True}, "outcome": {"outcome": "applied", "to": "authorized"}},
       src=SRC_HASH + "; base64 values: Global Payments SDK issue 3, as elavon.json")
FF = ["20130814122239", "thestore", "ORD453-1120130814122239", "5000", "USD"]
form_hash = h("sha256", FF, "shared-secret")
handle("SHA-256: the HPP form's own fields and SHA256HASH posted back as a response with RESULT=00: 403 (five fields, not seven)", "sha256",
       resp(["20130814122239", "thestore", "ORD453-1120130814122239", "00", "5000", "USD", ""], [("SHA256HASH", form_hash)]),
       {"error": {"code": "signature_mismatch", "field": "SHA256HASH"}, "response": {"status": 403}})
handle("SHA-256 response with an AMOUNT (not hashed) other than the payment's: verified, then rejected amount_mismatch, 409", "sha256", resp(RF, [("SHA256HASH", S256)], amount="4999"),
       {"outcome": {"outcome": "rejected", "error": {"code": "amount_mismatch"}}, "response": {"status": 409}})
handle("SHA-256 response redelivered on an authorised payment: already applied", "sha256", resp(RF, [("SHA256HASH", S256)]),
       {"outcome": {"outcome": "already_applied"}, "response": {"status": 200}},
       payment=dict(PAY, status="authorized", applied_event_keys=["elavon:thestore:ORD453-1120130814122239:3737468273643:00"]))
OUT.write_text(json.dumps({"cases": cases}, indent=2, ensure_ascii=False) + "\n")
print(f"{OUT}: {len(cases)} cases")

"""``hostedpay.driver`` status queries: PayPal ``GetTransactionDetails`` and the Bitpay invoice
GET, whose events carry the notifications' keys (docs/status-queries.md)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import hostedpay
from hostedpay import driver
from hostedpay.state import Event, Outcome

PAYPAL = {"business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
          "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
          "nvp": {"user": "api_user", "password": "pw-SECRET", "signature": "sig-SECRET",
                  "api_url": "https://api-3t.sandbox.paypal.com/nvp"}}
BITPAY = {"api_key": "key-SECRET", "api_url": "https://test.bitpay.com/api/invoice",
          "invoice_url": "https://test.bitpay.com/invoice"}
TXN = "8SC56973LM923823H"
CT = "application/x-www-form-urlencoded"
SALE_IPN = (f"txn_id={TXN}&payment_status=Completed&mc_gross=15.00&mc_currency=EUR"
            "&receiver_email=shop%40example.com&invoice=A-1&txn_type=web_accept")
REFUND_IPN = (f"txn_id=9E679139T5135712L&parent_txn_id={TXN}&payment_status=Refunded&mc_gross=-15.00"
              "&mc_currency=EUR&receiver_email=shop%40example.com&invoice=A-1")


def payment(gateway: str, merchant: str, status: str = "pending") -> Dict[str, Any]:
    return {"gateway": gateway, "merchant": merchant, "order_id": "A-1",
            "amount": {"value": "15.00", "currency": "EUR"}, "status": status,
            "refunded_minor": 0, "applied_event_keys": []}


def details(status: str) -> Dict[str, Any]:
    body = ("RECEIVERBUSINESS=shop%40example.com&RECEIVEREMAIL=shop%40example.com&RECEIVERID=CURD7J7GXR73G"
            f"&ACK=Success&VERSION=124%2e0&TRANSACTIONID={TXN}&TRANSACTIONTYPE=cart&PAYMENTTYPE=instant"
            f"&AMT=15%2e00&FEEAMT=0%2e74&CURRENCYCODE=EUR&PAYMENTSTATUS={status}&PENDINGREASON=None"
            "&INVNUM=A%2d1")
    return {"status": 200, "body": body}


def apply(p: Dict[str, Any], event: Event) -> Outcome:
    """What a host does under the row lock: transition, then store status, total and key."""
    outcome = hostedpay.transition(p, event)
    if outcome.kind == "applied":
        p["status"] = outcome.new_status
        p["refunded_minor"] = outcome.refunded_minor
        p["applied_event_keys"].append(event.key)
    return outcome


def ipn(body: str) -> Event:
    config = driver.Config("paypal", PAYPAL)
    proof = driver.prove(config, driver.parse_notification(config, CT, body.encode()))
    assert isinstance(proof, tuple)
    _, pending = proof
    return pending.finish(config, {"status": 200, "body": "VERIFIED"}).event()


def query_events(status: str) -> list[Event]:
    config = driver.Config("paypal", PAYPAL)
    query = driver.StatusQuery.on_payment(payment("paypal", "shop@example.com"), stored={"transaction_id": TXN})
    answer = driver.parse_status_reply(config, query, details(status))
    assert answer.found
    return answer.events()


def test_which_gateways_answer() -> None:
    assert driver.supports_status_query("paypal") and driver.supports_status_query("bitpay")
    assert not any(driver.supports_status_query(g) for g in ("ceca", "elavon", "flocash"))
    with pytest.raises(hostedpay.UnsupportedError):
        driver.supports_status_query("visa")
    ceca = driver.Config("ceca", {
        "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003", "key": "k",
        "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action", "url_ok": "https://s/ok/",
        "url_nok": "https://s/ko/"})
    with pytest.raises(hostedpay.UnsupportedError) as e:
        driver.status_query_request(ceca, {"order_id": "A-1", "amount": {"value": "1", "currency": "EUR"}})
    assert e.value.field == "gateway"


def test_the_query_names_what_the_gateway_asks_by() -> None:
    config = driver.Config("paypal", PAYPAL)
    query = driver.StatusQuery.on_payment(payment("paypal", "shop@example.com"), stored={"transaction_id": TXN},
                                          timestamp="20261125100000")
    assert (query.order_id, query.transaction_id, query.reference, query.amount["minor"]) == ("A-1", TXN, "", 1500)
    assert query.to_dict()["timestamp"] == "20261125100000"
    request = driver.status_query_request(config, query)
    assert request["url"] == "https://api-3t.sandbox.paypal.com/nvp"
    assert request["body"].startswith("METHOD=GetTransactionDetails&") and request["body"].endswith(f"TRANSACTIONID={TXN}")
    assert "SECRET" not in repr(query)
    with pytest.raises(hostedpay.ParseError) as e:
        driver.status_query_request(config, {"order_id": "A-1", "amount": {"value": "15", "currency": "EUR"}})
    # No transaction id (a lost IPN): PayPal's search by order id needs the payment's creation.
    assert (e.value.code, e.value.field) == ("field_missing", "since")
    search = driver.status_query_request(config, {"order_id": "A-1", "amount": {"value": "15", "currency": "EUR"},
                                                  "since": "20261125100000"})
    assert search["body"].startswith("METHOD=TransactionSearch&") and search["body"].endswith("&INVNUM=A-1")
    with pytest.raises(hostedpay.ParseError):
        driver.StatusQuery({"order_id": "A-1", "amount": {"value": "15", "currency": "EUR"}, "txn": "x"})


def test_paypal_query_and_ipn_apply_once_in_either_order() -> None:
    (from_query,) = query_events("Completed")
    from_ipn = ipn(SALE_IPN)
    assert from_query.key == from_ipn.key == f"paypal:{TXN}:Completed"
    p = payment("paypal", "shop@example.com")
    assert apply(p, from_query).kind == "applied"
    assert apply(p, from_ipn).kind == "already_applied"
    p = payment("paypal", "shop@example.com")
    assert apply(p, from_ipn).kind == "applied"
    assert apply(p, from_query).kind == "already_applied"
    assert p["status"] == "paid"


def test_a_refund_is_never_counted_twice() -> None:
    # The refund's IPN first, then a query finding the sale Refunded: nothing more.
    p = payment("paypal", "shop@example.com")
    apply(p, ipn(SALE_IPN))
    assert apply(p, ipn(REFUND_IPN)).refunded_minor == 1500
    for status in ("Refunded", "Partially-Refunded", "Reversed"):
        for event in query_events(status):
            assert event.action == "sale"
            assert apply(p, event).kind == "already_applied"
    assert (p["status"], p["refunded_minor"]) == ("refunded", 1500)
    # The sale's IPN lost: the query completes the sale, the refund's IPN refunds it once.
    p = payment("paypal", "shop@example.com")
    for event in query_events("Refunded"):
        apply(p, event)
    assert (p["status"], p["refunded_minor"]) == ("paid", 0)
    apply(p, ipn(REFUND_IPN))
    for event in query_events("Refunded"):
        apply(p, event)
    assert apply(p, ipn(SALE_IPN)).kind == "already_applied"
    assert (p["status"], p["refunded_minor"]) == ("refunded", 1500)


def test_paypal_unknown_ids_unknown_statuses_and_failures() -> None:
    config = driver.Config("paypal", PAYPAL)
    query = {"order_id": "A-1", "amount": {"value": "15.00", "currency": "EUR"}, "transaction_id": TXN}
    answer = driver.parse_status_reply(config, query, {"status": 200, "body": (
        "ACK=Failure&L_ERRORCODE0=10004&L_SHORTMESSAGE0=Transaction%20refused"
        "&L_LONGMESSAGE0=The%20transaction%20id%20is%20not%20valid&L_SEVERITYCODE0=Error")})
    assert (answer.found, answer.events(), answer.payment_fields) == (False, [], {})
    (odd,) = query_events("Canceled-Reversal")
    outcome = hostedpay.transition(payment("paypal", "shop@example.com", "paid"), odd)
    assert (outcome.kind, outcome.reason) == ("ignored", "unknown_status")
    with pytest.raises(hostedpay.GatewayError) as e:
        driver.parse_status_reply(config, query, {"status": 200, "body": "ACK=Failure&L_ERRORCODE0=10002"})
    assert e.value.code == "gateway_error"
    with pytest.raises(hostedpay.GatewayError) as e:
        driver.parse_status_reply(config, query, {"error": "timed out"})
    assert e.value.code == "gateway_unavailable"
    with pytest.raises(hostedpay.ConsistencyError) as e:
        driver.parse_status_reply(config, query, {"status": 200, "body": details("Completed")["body"]
                                                  .replace("shop%40example.com", "thief%40example.com")
                                                  .replace("CURD7J7GXR73G", "X")})
    assert e.value.code == "merchant_mismatch"
    answer = driver.parse_status_reply(config, query, details("Completed"))
    (event,) = answer.events()
    p = payment("paypal", "shop@example.com")
    assert answer.fields_to_store(event, apply(p, event)) == {"transaction_id": TXN}


def test_bitpay_query_and_notification_are_one_event() -> None:
    config = driver.Config("bitpay", BITPAY)
    query = driver.StatusQuery.on_payment(payment("bitpay", ""), reference="Inv0-1_x")
    request = driver.status_query_request(config, query)
    assert (request["method"], request["url"]) == ("GET", "https://test.bitpay.com/api/invoice/Inv0-1_x")
    invoice = ('{"id":"Inv0-1_x","status":"confirmed","price":15.00,"currency":"EUR","orderId":"A-1"}')
    answer = driver.parse_status_reply(config, query, {"status": 200, "body": '{"data":' + invoice + "}"})
    (from_query,) = answer.events()
    # The invoice id stays on the payment: a Bitpay refund quotes it.
    assert from_query.key == "bitpay:Inv0-1_x:confirmed" and answer.payment_fields == {"transaction_id": "Inv0-1_x"}
    claimed = invoice.replace("confirmed", "complete")
    proof = driver.prove(config, driver.parse_notification(config, "application/json", claimed.encode()))
    assert isinstance(proof, tuple)
    fetch, pending = proof
    assert fetch["url"] == request["url"]
    from_notification = pending.finish(config, {"status": 200, "body": invoice}).event()
    assert from_notification.key == from_query.key
    p = payment("bitpay", "", "new")
    assert apply(p, from_query).kind == "applied" and apply(p, from_notification).kind == "already_applied"
    with pytest.raises(hostedpay.VerificationError):
        driver.parse_status_reply(config, query, {"status": 200, "body": invoice.replace("Inv0-1_x", "Other")})
    with pytest.raises(hostedpay.ParseError) as e:
        driver.status_query_request(config, {"order_id": "A-1", "amount": {"value": "15", "currency": "EUR"},
                                             "reference": "../x"})
    assert (e.value.code, e.value.field) == ("field_invalid", "reference")

"""``manage.py vpos_reconcile`` for the gateways with a status query (Redsys, PayPal, Bitpay),
and the ones without (CECA, Elavon: skipped, with the reason).

An in-process stand-in for the gateways is the app's HTTP client (``VPOS_HTTP_CLIENT``): it
answers Redsys's SOAP ``consultaOperaciones``, PayPal's ``GetTransactionDetails`` and IPN
post-back, and Bitpay's invoice GET in the shapes the core's own tests parse
(core/src/gateways/redsys/query.rs, core/src/driver/query.rs). Payments move through the
real database (SQLite, or PostgreSQL with ``DATABASE_URL``) and the notification view.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import threading
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from hostedpay.django.models import Notification, Payment, Refund

from tests.redsys_helpers import REDSYS, signed_notification

pytestmark = pytest.mark.django_db(transaction=True)

QUERY_URL = "https://sis-t.redsys.es:25443/apl02/services/SerClsWSConsulta"
NVP_URL = "https://api-3t.sandbox.paypal.com/nvp"
IPN_URL = "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"
INVOICE_API = "https://test.bitpay.com/api/invoice"
PAYPAL: Dict[str, Any] = {
    "business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
    "ipn_url": IPN_URL, "notify_url": "https://shop.example/vpos/paypal/default/",
    "nvp": {"user": "api_user", "password": "pw-SECRET", "signature": "sig-SECRET", "api_url": NVP_URL}}
BITPAY: Dict[str, Any] = {
    "api_key": "key-SECRET", "api_url": INVOICE_API, "invoice_url": "https://test.bitpay.com/invoice",
    "notification_url": "https://shop.example/vpos/bitpay/default/"}
CECA: Dict[str, Any] = {
    "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003", "key": "99888888",
    "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
    "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es"}
ELAVON: Dict[str, Any] = {
    "merchant_id": "thestore", "account": "internet", "secret": "shared-secret",
    "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
    "response_url": "https://shop.example/vpos/elavon/default/",
    "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote",
    "rebate_password": "rebate-pw", "currency": "USD", "auto_settle": True}
TXN = "8SC56973LM923823H"
INVOICE = "G3viJEJgE8Jk2oekSdgT2A"
CT = "application/x-www-form-urlencoded"


class Gateways:
    """The gateways' side of every request the app sends: what each knows of each payment."""

    def __init__(self) -> None:
        #: Redsys: order -> the <Response> field lists of its operations.
        self.redsys: Dict[str, List[Dict[str, str]]] = {}
        #: PayPal: transaction id -> (PAYMENTSTATUS, AMT, CURRENCYCODE, INVNUM).
        self.paypal: Dict[str, Tuple[str, str, str, str]] = {}
        #: PayPal: INVNUM -> its refunds, (refund transaction id, AMT, L_STATUS).
        self.paypal_refunds: Dict[str, List[Tuple[str, str, str]]] = {}
        #: Bitpay: invoice id -> the invoice.
        self.bitpay: Dict[str, Dict[str, Any]] = {}
        self.requests: List[Dict[str, Any]] = []
        #: "timeout" (the client raises), "http_503", "malformed", "refusal": every query fails so.
        self.broken: Optional[str] = None
        #: Held before answering a query, to release two runs' replies together.
        self.barrier: Optional[threading.Barrier] = None
        self.lock = threading.Lock()

    def __call__(self, request: Any, timeout: float) -> Dict[str, Any]:
        with self.lock:
            self.requests.append(dict(request, timeout=timeout))
        url = request["url"]
        if url == IPN_URL:
            return {"status": 200, "body": b"VERIFIED"}
        if self.barrier is not None:
            self.barrier.wait(timeout=20)
        if self.broken == "timeout":
            raise TimeoutError("timed out")
        if self.broken == "http_503":
            return {"status": 503, "body": b"Service Unavailable"}
        if self.broken == "malformed":
            return {"status": 200, "body": b"<soapenv:Envelope><unclosed"}
        if url == QUERY_URL:
            return self.redsys_answer(request["body"])
        if url == NVP_URL:
            return self.paypal_answer(dict(parse_qsl(request["body"])))
        if url.startswith(INVOICE_API + "/"):
            invoice = self.bitpay.get(url.rsplit("/", 1)[1])
            body = {"error": "Object not found"} if invoice is None else {"data": invoice}
            return {"status": 200 if invoice else 404, "body": json.dumps(body).encode()}
        return {"status": 404, "body": b"not found"}

    def queries(self) -> List[str]:
        return [r["url"] for r in self.requests if r["url"] != IPN_URL]

    # Redsys: the <Messages> document XML-escaped inside the SOAP envelope, as Redsys sends it.

    def redsys_answer(self, body: str) -> Dict[str, Any]:
        order = body.split("<Ds_Order>", 1)[1].split("</Ds_Order>", 1)[0]
        if self.broken == "refusal":
            inner = "<ErrorMsg><Ds_ErrorCode>XML0023</Ds_ErrorCode></ErrorMsg>"
        elif order not in self.redsys:
            inner = "<ErrorMsg><Ds_ErrorCode>XML0024</Ds_ErrorCode></ErrorMsg>"
        else:
            inner = "".join('<Response Ds_Version="0.0">' + "".join(f"<{k}>{v}</{k}>" for k, v in op.items())
                            + "</Response>" for op in self.redsys[order])
        messages = f'<Messages><Version Ds_Version="0.0"><Message>{inner}</Message></Version></Messages>'
        envelope = (
            '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>'
            '<p259:consultaOperacionesResponse xmlns:p259="http://webservices.apl02.redsys.es">'
            f"<consultaOperacionesReturn>{escape(messages)}</consultaOperacionesReturn>"
            "</p259:consultaOperacionesResponse></soapenv:Body></soapenv:Envelope>")
        return {"status": 200, "headers": [("Content-Type", "text/xml; charset=utf-8")], "body": envelope.encode()}

    def redsys_operation(self, order: str, kind: str, amount_minor: int, response: str, authorisation: str = "",
                         hour: str = "12:00") -> None:
        op = {"Ds_MerchantCode": REDSYS["merchant_code"], "Ds_Terminal": "1", "Ds_Order": order,
              "Ds_TransactionType": kind, "Ds_Date": "06/12/2026", "Ds_Hour": hour,
              "Ds_Amount": str(amount_minor), "Ds_Currency": "978", "Ds_State": "F", "Ds_Response": response}
        if authorisation:
            op["Ds_AuthorisationCode"] = authorisation
        self.redsys.setdefault(order, []).append(op)

    # PayPal: the NVP answer of GetTransactionDetails, in the shape of PayPal's NVP guide.

    def paypal_answer(self, asked: Dict[str, str]) -> Dict[str, Any]:
        if self.broken == "refusal":
            return {"status": 200, "body": b"ACK=Failure&L_ERRORCODE0=10002&L_SHORTMESSAGE0=Security%20error"}
        if asked["METHOD"] == "TransactionSearch":
            return self.paypal_search(asked["INVNUM"])
        assert asked["METHOD"] == "GetTransactionDetails"
        txn = asked["TRANSACTIONID"]
        if txn not in self.paypal:
            return {"status": 200, "body": ("ACK=Failure&L_ERRORCODE0=10004&L_SHORTMESSAGE0=Transaction%20refused"
                                            "&L_LONGMESSAGE0=The%20transaction%20id%20is%20not%20valid"
                                            "&L_SEVERITYCODE0=Error").encode()}
        status, amount, currency, invnum = self.paypal[txn]
        return {"status": 200, "body": urlencode({
            "RECEIVERBUSINESS": PAYPAL["business"], "RECEIVEREMAIL": PAYPAL["business"],
            "RECEIVERID": "CURD7J7GXR73G", "ACK": "Success", "VERSION": "124.0", "TRANSACTIONID": txn,
            "TRANSACTIONTYPE": "cart", "PAYMENTTYPE": "instant", "AMT": amount, "FEEAMT": "0.74",
            "CURRENCYCODE": currency, "PAYMENTSTATUS": status, "PENDINGREASON": "None", "INVNUM": invnum,
        }).encode()}

    def paypal_search(self, invnum: str) -> Dict[str, Any]:
        """TransactionSearch: the order's payment and its refunds, newest first, refunds negative."""
        rows = [(f"2026-11-25T10:00:0{i}Z", "Payment", txn, status, amount, currency)
                for i, (txn, (status, amount, currency, inv)) in enumerate(self.paypal.items()) if inv == invnum]
        rows += [(f"2026-11-26T09:00:0{i}Z", "Refund", txn, status, "-" + amount, "EUR")
                 for i, (txn, amount, status) in enumerate(self.paypal_refunds.get(invnum, []))]
        fields: Dict[str, str] = {}
        for n, (when, kind, txn, status, amount, currency) in enumerate(sorted(rows, reverse=True)):
            fields.update({f"L_TIMESTAMP{n}": when, f"L_TIMEZONE{n}": "GMT", f"L_TYPE{n}": kind,
                           f"L_TRANSACTIONID{n}": txn, f"L_STATUS{n}": status, f"L_AMT{n}": amount,
                           f"L_CURRENCYCODE{n}": currency})
        fields.update({"ACK": "Success", "VERSION": "124.0", "BUILD": "1"})
        return {"status": 200, "body": urlencode(fields).encode()}


#: The stand-in the app's HTTP client reaches (``VPOS_HTTP_CLIENT`` names :func:`gateway_client`).
GATEWAYS: Optional[Gateways] = None


def gateway_client(request: Any, timeout: float) -> Dict[str, Any]:
    assert GATEWAYS is not None, "the gateways fixture is not active"
    return GATEWAYS(request, timeout)


@pytest.fixture
def gateways(settings: Any) -> Iterator[Gateways]:
    global GATEWAYS
    GATEWAYS = Gateways()
    settings.VPOS = {
        "redsys": {**REDSYS, "query_url": QUERY_URL},
        "paypal": PAYPAL, "bitpay": BITPAY, "ceca": CECA, "elavon": ELAVON,
    }
    settings.VPOS_HTTP_CLIENT = f"{__name__}.gateway_client"
    yield GATEWAYS
    GATEWAYS = None


def make_payment(gateway: str, order_id: str, amount: str = "49.99", status: str = "new",
                 age: datetime.timedelta = datetime.timedelta(hours=3), **fields: Any) -> Payment:
    payment = Payment.objects.create(gateway=gateway, order_id=order_id, currency="EUR", amount=Decimal(amount),
                                     item_name="Tea", status=status, **fields)
    Payment.objects.filter(pk=payment.pk).update(created=timezone.now() - age)
    return payment


def reconcile(*args: str) -> Tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("vpos_reconcile", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def applied_keys() -> List[str]:
    return sorted(Notification.objects.filter(applied_event_key__isnull=False)
                  .values_list("applied_event_key", flat=True))


def last_verdict() -> str:
    return Notification.objects.order_by("-pk").values_list("verdict", flat=True)[0]


# A payment whose notification never came reaches its true status once, per gateway.

def test_redsys_lost_notification_is_paid_once(client: Any, gateways: Gateways,
                                               status_changes: List[Any]) -> None:
    make_payment("redsys", "2611000001")
    make_payment("redsys", "2611000002", age=datetime.timedelta(minutes=5))  # too recent
    gateways.redsys_operation("2611000001", "0", 4999, "0000", "123456")
    out, err = reconcile()
    assert out == "checked 1, changed 1, unchanged 0, failed 0"
    payment = Payment.objects.get(order_id="2611000001")
    assert (payment.status, payment.authorisation_code) == ("paid", "123456")
    assert Payment.objects.get(order_id="2611000002").status == "new"
    (request,) = gateways.requests
    assert request["url"] == QUERY_URL and request["timeout"] == 30.0
    assert "<Ds_Order>2611000001</Ds_Order>" in request["body"]
    key = "redsys:999008881:1:2611000001:0:0000:4999:123456"
    record = Notification.objects.get(applied_event_key=key)
    assert record.headers == {"source": "vpos_reconcile"} and b"consultaOperacionesReturn" in bytes(record.body)
    assert "redsys/default: 1 payment(s) to query" in err
    # Again: nothing is waiting any more; asked again by window, the answer is already applied.
    assert reconcile()[0] == "checked 0, changed 0, unchanged 0, failed 0"
    stored = Notification.objects.count()
    assert reconcile("--from", "2020-01-01T00:00:00Z")[0] == "checked 2, changed 0, unchanged 2, failed 0"
    # An answer that says nothing new is not stored again (the table does not grow per run).
    assert Notification.objects.count() == stored
    # The real notification, late: already applied, and the payment moved once.
    body = signed_notification(REDSYS, "2611000001", 4999, authorisation="123456")
    assert client.post("/vpos/redsys/default/", body, content_type=CT).status_code == 200
    assert last_verdict() == "already_applied"
    assert len(status_changes) == 1 and applied_keys() == [key]


def test_paypal_lost_ipn_is_paid_once(client: Any, gateways: Gateways, status_changes: List[Any]) -> None:
    payment = make_payment("paypal", "PP-1", amount="15.00")  # no IPN: no transaction id either
    gateways.paypal[TXN] = ("Completed", "15.00", "EUR", "PP-1")
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_id) == ("paid", TXN)
    (request,) = gateways.requests
    assert request["url"] == NVP_URL and "METHOD=TransactionSearch" in request["body"]
    assert "INVNUM=PP-1" in request["body"] and "STARTDATE=" in request["body"]
    assert reconcile()[0] == "checked 0, changed 0, unchanged 0, failed 0"
    # By window: asked by the transaction id the search left.
    assert reconcile("--from", "2020-01-01T00:00:00Z")[0] == "checked 1, changed 0, unchanged 1, failed 0"
    assert f"METHOD=GetTransactionDetails" in gateways.requests[-1]["body"]
    ipn = urlencode({"txn_id": TXN, "payment_status": "Completed", "mc_gross": "15.00", "mc_currency": "EUR",
                     "receiver_email": PAYPAL["business"], "invoice": "PP-1", "txn_type": "web_accept"})
    assert client.post("/vpos/paypal/default/", ipn.encode(), content_type=CT).status_code == 200
    assert last_verdict() == "already_applied"
    assert len(status_changes) == 1 and applied_keys() == [f"paypal:{TXN}:Completed"]


def test_paypal_pending_sale_completed_later_is_asked_by_transaction_id(gateways: Gateways) -> None:
    make_payment("paypal", "PP-1", amount="15.00", status="pending", transaction_id=TXN)
    gateways.paypal[TXN] = ("Completed", "15.00", "EUR", "PP-1")
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    (request,) = gateways.requests
    assert "METHOD=GetTransactionDetails" in request["body"] and f"TRANSACTIONID={TXN}" in request["body"]
    assert Payment.objects.get(order_id="PP-1").status == "paid"


def test_bitpay_lost_notification_is_paid_once(client: Any, gateways: Gateways,
                                               status_changes: List[Any]) -> None:
    make_payment("bitpay", "A-1", amount="5.00", reference=INVOICE)
    gateways.bitpay[INVOICE] = {"id": INVOICE, "status": "confirmed", "price": 5, "currency": "EUR",
                                "orderId": "A-1"}
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    assert Payment.objects.get(order_id="A-1").status == "paid"
    (request,) = gateways.requests
    assert (request["method"], request["url"]) == ("GET", f"{INVOICE_API}/{INVOICE}")
    assert reconcile()[0] == "checked 0, changed 0, unchanged 0, failed 0"
    notification = json.dumps({"id": INVOICE, "status": "confirmed", "price": 5, "currency": "EUR",
                               "orderId": "A-1"}).encode()
    assert client.post("/vpos/bitpay/default/", notification, content_type="application/json").status_code == 200
    assert last_verdict() == "already_applied"
    assert len(status_changes) == 1 and applied_keys() == [f"bitpay:{INVOICE}:confirmed"]


def test_still_pending_and_unknown_payments_are_unchanged(gateways: Gateways) -> None:
    make_payment("redsys", "2611000001")  # Redsys knows no such order (XML0024)
    make_payment("bitpay", "A-1", amount="5.00", reference=INVOICE)
    gateways.bitpay[INVOICE] = {"id": INVOICE, "status": "paid", "price": 5, "currency": "EUR", "orderId": "A-1"}
    out, err = reconcile()
    assert out == "checked 2, changed 1, unchanged 1, failed 0"  # bitpay "paid": pending (new -> pending)
    assert Payment.objects.get(order_id="A-1").status == "pending"
    assert Payment.objects.get(order_id="2611000001").status == "new"
    assert "2611000001: the gateway knows no such transaction" in err
    assert reconcile()[0] == "checked 2, changed 0, unchanged 2, failed 0"


# Operations whose reply was lost.

def lost_refund(payment: Payment, amount: str) -> Refund:
    """A refund asked of Redsys whose reply never came: pending, aged past --older-than."""
    def no_answer(request: Any, timeout: float) -> Dict[str, Any]:
        raise TimeoutError("timed out after 30 s")

    record = payment.refund(amount, http_client=no_answer)
    assert (record.status, record.error_code) == ("pending", "gateway_unavailable")
    Refund.objects.filter(pk=record.pk).update(created=timezone.now() - datetime.timedelta(hours=2))
    return record


def paid_redsys(order: str = "2611000001") -> Payment:
    return make_payment("redsys", order, status="paid", authorisation_code="123456")


def test_redsys_refund_with_lost_reply_succeeds_once_and_is_not_sent_again(
        client: Any, gateways: Gateways, status_changes: List[Any]) -> None:
    payment = paid_redsys()
    record = lost_refund(payment, "10.00")
    gateways.redsys_operation(payment.order_id, "0", 4999, "0000", "123456")
    gateways.redsys_operation(payment.order_id, "3", 1000, "0900", "R00001", hour="13:00")
    out, err = reconcile()
    assert out == "checked 1, changed 1, unchanged 0, failed 0"
    assert f"refund #{record.pk} of 1000 EUR succeeded" in err
    record.refresh_from_db()
    payment.refresh_from_db()
    assert (record.status, record.error_code, record.reference) == ("succeeded", "", "R00001")
    assert record.notification is not None and record.notification.verdict == "applied"
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    assert gateways.queries() == [QUERY_URL]  # the query only: no second refund request
    # Again, and by window: nothing more.
    assert reconcile()[0] == "checked 0, changed 0, unchanged 0, failed 0"
    assert reconcile("--from", "2020-01-01T00:00:00Z")[0] == "checked 1, changed 0, unchanged 1, failed 0"
    payment.refresh_from_db()
    assert payment.refunded_minor == 1000
    # The refund's notification, late: already applied.
    body = signed_notification(REDSYS, payment.order_id, 1000, transaction_type="3", response="0900",
                               authorisation="R00001")
    assert client.post("/vpos/redsys/default/", body, content_type=CT).status_code == 200
    assert last_verdict() == "already_applied"
    payment.refresh_from_db()
    assert payment.refunded_minor == 1000 and len(status_changes) == 1
    assert set(gateways.queries()) == {QUERY_URL}


def test_paypal_refund_with_lost_reply_succeeds_once(client: Any, gateways: Gateways, settings: Any) -> None:
    settings.VPOS_OPERATION_RETRY = {"max_attempts": 1}  # PayPal would be asked again under MSGSUBID
    payment = make_payment("paypal", "PP-1", amount="15.00", status="paid", transaction_id=TXN)
    record = lost_refund(payment, "5.00")
    gateways.paypal[TXN] = ("Partially-Refunded", "15.00", "EUR", "PP-1")
    gateways.paypal_refunds["PP-1"] = [("5RF12345AB678901C", "5.00", "Completed")]
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    (request,) = gateways.requests  # asked by order: GetTransactionDetails lists no refund
    assert "METHOD=TransactionSearch" in request["body"] and "RefundTransaction" not in request["body"]
    record.refresh_from_db()
    payment.refresh_from_db()
    assert (record.status, payment.status, payment.refunded_minor) == ("succeeded", "partially_refunded", 500)
    assert record.notification is not None
    assert record.notification.applied_event_key == "paypal:5RF12345AB678901C:Refunded"
    ipn = urlencode({"txn_id": "5RF12345AB678901C", "parent_txn_id": TXN, "payment_status": "Refunded",
                     "mc_gross": "-5.00", "mc_currency": "EUR", "receiver_email": PAYPAL["business"],
                     "invoice": "PP-1", "reason_code": "refund"})
    assert client.post("/vpos/paypal/default/", ipn.encode(), content_type=CT).status_code == 200
    assert last_verdict() == "already_applied"
    payment.refresh_from_db()
    assert payment.refunded_minor == 500


def test_refused_refund_fails_and_no_news_stays_pending(gateways: Gateways) -> None:
    refused = paid_redsys("2611000001")
    record = lost_refund(refused, "10.00")
    gateways.redsys_operation(refused.order_id, "0", 4999, "0000", "123456")
    gateways.redsys_operation(refused.order_id, "3", 1000, "0950", hour="13:00")  # refund not allowed
    silent = paid_redsys("2611000002")
    waiting = lost_refund(silent, "5.00")
    gateways.redsys_operation(silent.order_id, "0", 4999, "0000", "654321")  # no refund at Redsys (yet)
    out, err = reconcile()
    assert out == "checked 2, changed 1, unchanged 1, failed 0"
    record.refresh_from_db()
    waiting.refresh_from_db()
    assert (record.status, record.error_code) == ("failed", "response_0950")
    assert waiting.status == "pending"
    refused.refresh_from_db()
    assert (refused.status, refused.refunded_minor) == ("paid", 0)


def test_two_lost_refunds_of_one_amount_each_take_their_own_event(gateways: Gateways) -> None:
    payment = paid_redsys()
    first, second = lost_refund(payment, "10.00"), lost_refund(payment, "10.00")
    gateways.redsys_operation(payment.order_id, "0", 4999, "0000", "123456")
    gateways.redsys_operation(payment.order_id, "3", 1000, "0900", "R00001", hour="13:00")
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    statuses = sorted(Refund.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == ["pending", "succeeded"]  # one refund done at Redsys: the other still open
    gateways.redsys_operation(payment.order_id, "3", 1000, "0900", "R00002", hour="14:00")
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    assert set(Refund.objects.values_list("status", flat=True)) == {"succeeded"}
    payment.refresh_from_db()
    assert payment.refunded_minor == 2000


# What cannot be queried is listed, never silently left.

def test_gateways_without_a_query_are_listed_as_skipped(gateways: Gateways, settings: Any) -> None:
    make_payment("ceca", "123", amount="5.00")
    make_payment("elavon", "ORD453-1", amount="50.00", status="pending")
    make_payment("bitpay", "A-2", amount="5.00")  # no invoice reference
    make_payment("redsys", "2611000001")
    gateways.redsys_operation("2611000001", "0", 4999, "0000", "123456")
    out, err = reconcile()
    lines = out.splitlines()
    assert lines[-1] == "checked 1, changed 1, unchanged 0, skipped 3, failed 0"
    skipped = "\n".join(lines[:-1])
    assert "skipped ceca/default: 1 payment(s) (123): ceca has no status query in vpos" in skipped
    assert "skipped elavon/default: 1 payment(s) (ORD453-1): elavon has no status query in vpos" in skipped
    assert "skipped bitpay/default: 1 payment(s) (A-2): field_missing on reference" in skipped
    assert gateways.queries() == [QUERY_URL]
    # A Redsys account without query_url, and an unknown account, are skipped too.
    settings.VPOS = {**settings.VPOS, "redsys": dict(REDSYS)}
    make_payment("redsys", "2611000009", account="gone")
    make_payment("redsys", "2611000003")
    out, _ = reconcile("--gateway", "redsys")
    assert "skipped redsys/default: 1 payment(s) (2611000003): invalid_config on query_url" in out
    assert "skipped redsys/gone: 1 payment(s) (2611000009): no such account" in out
    assert out.splitlines()[-1] == "checked 0, changed 0, unchanged 0, skipped 2, failed 0"


def test_gateway_and_account_options(gateways: Gateways) -> None:
    make_payment("redsys", "2611000001")
    make_payment("ceca", "123", amount="5.00")
    gateways.redsys_operation("2611000001", "0", 4999, "0000", "123456")
    assert reconcile("--gateway", "ceca")[0].splitlines()[-1] == "checked 0, changed 0, unchanged 0, skipped 1, failed 0"
    assert gateways.requests == []
    assert reconcile("--gateway", "redsys", "--account", "default")[0] == "checked 1, changed 1, unchanged 0, failed 0"
    with pytest.raises(CommandError, match="no account 'shop2'"):
        reconcile("--account", "shop2")
    with pytest.raises(CommandError, match="no FloCash polling settings"):
        reconcile("--gateway", "flocash")


def test_dry_run_asks_and_writes_nothing(gateways: Gateways) -> None:
    payment = paid_redsys()
    record = lost_refund(payment, "10.00")
    gateways.redsys_operation(payment.order_id, "0", 4999, "0000", "123456")
    gateways.redsys_operation(payment.order_id, "3", 1000, "0900", "R00001", hour="13:00")
    make_payment("bitpay", "A-1", amount="5.00", reference=INVOICE)
    gateways.bitpay[INVOICE] = {"id": INVOICE, "status": "complete", "price": 5, "currency": "EUR",
                                "orderId": "A-1"}
    notifications = Notification.objects.count()
    out, _ = reconcile("--dry-run")
    assert out == "checked 2, changed 2, unchanged 0, failed 0\ndry run: nothing was written"
    record.refresh_from_db()
    payment.refresh_from_db()
    assert (record.status, payment.refunded_minor, Payment.objects.get(order_id="A-1").status) == (
        "pending", 0, "new")
    assert Notification.objects.count() == notifications
    assert reconcile()[0] == "checked 2, changed 2, unchanged 0, failed 0"


# A failed query leaves the payments untouched.

@pytest.mark.parametrize("break_it", ["timeout", "http_503", "malformed", "refusal"])
def test_failed_query_counts_failed_and_leaves_payments_untouched(gateways: Gateways, break_it: str) -> None:
    make_payment("redsys", "2611000001")
    payment = paid_redsys("2611000002")
    record = lost_refund(payment, "10.00")
    make_payment("paypal", "PP-1", amount="15.00", status="pending", transaction_id=TXN)
    gateways.redsys_operation("2611000001", "0", 4999, "0000", "123456")
    gateways.redsys_operation("2611000002", "3", 1000, "0900", "R00001")
    gateways.paypal[TXN] = ("Completed", "15.00", "EUR", "PP-1")
    gateways.broken = break_it
    out, err = reconcile()
    assert out == "checked 3, changed 0, unchanged 0, failed 3"
    expected = {"timeout": "gateway_unavailable", "http_503": "gateway_unavailable", "malformed": None,
                "refusal": "gateway_error"}[break_it]
    assert err.count("query failed: " + (expected or "")) == 3
    assert [p.status for p in Payment.objects.order_by("order_id")] == ["new", "paid", "pending"]
    record.refresh_from_db()
    assert record.status == "pending"
    assert not Notification.objects.exists()
    assert "SECRET" not in out + err


def test_progress_goes_to_stderr(gateways: Gateways) -> None:
    for i in range(5):
        order = f"261100000{i}"
        make_payment("redsys", order)
        gateways.redsys_operation(order, "0", 4999, "0000", f"12345{i}")
    out, err = reconcile("--progress-every", "2")
    assert out == "checked 5, changed 5, unchanged 0, failed 0"
    assert "... checked 2, changed 2, unchanged 0, failed 0" in err and "... checked 4, changed 4" in err


# Several runs at once on PostgreSQL: row locks and event keys move the payment once.

needs_postgres = pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                                    reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")


def run_together(*calls: Any) -> List[Any]:
    results: List[Any] = [None] * len(calls)

    def run(i: int, call: Any) -> None:
        try:
            results[i] = call()
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@needs_postgres
@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_runs_move_the_payment_once(gateways: Gateways, status_changes: List[Any],
                                                   round_: int) -> None:
    make_payment("redsys", "2611000001")
    gateways.redsys_operation("2611000001", "0", 4999, "0000", "123456")
    gateways.barrier = threading.Barrier(2)  # both answers released together: both reach the lock
    results = run_together(lambda: reconcile()[0], lambda: reconcile()[0])
    assert sorted(results) == ["checked 1, changed 0, unchanged 1, failed 0",
                               "checked 1, changed 1, unchanged 0, failed 0"]
    assert Payment.objects.get(order_id="2611000001").status == "paid"
    assert len(status_changes) == 1 and len(applied_keys()) == 1
    assert sorted(Notification.objects.values_list("verdict", flat=True)) == ["already_applied", "applied"]


@needs_postgres
@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_runs_settle_a_lost_refund_once(gateways: Gateways, round_: int) -> None:
    payment = paid_redsys()
    record = lost_refund(payment, "10.00")
    gateways.redsys_operation(payment.order_id, "0", 4999, "0000", "123456")
    gateways.redsys_operation(payment.order_id, "3", 1000, "0900", "R00001", hour="13:00")
    gateways.barrier = threading.Barrier(2)
    results = run_together(reconcile, reconcile)
    # One run moves the payment; the operation is settled by one run (either: the other may
    # reach it first), and counted by that one only.
    assert all(out in ("checked 1, changed 1, unchanged 0, failed 0", "checked 1, changed 0, unchanged 1, failed 0")
               for out, _ in results), results
    assert sum(err.count(f"refund #{record.pk} of 1000 EUR succeeded") for _, err in results) == 1
    record.refresh_from_db()
    payment.refresh_from_db()
    assert (record.status, payment.refunded_minor) == ("succeeded", 1000)
    assert len(applied_keys()) == 1


@needs_postgres
def test_reconcile_racing_the_notification_applies_once(gateways: Gateways, status_changes: List[Any]) -> None:
    make_payment("bitpay", "A-1", amount="5.00", reference=INVOICE)
    invoice = {"id": INVOICE, "status": "confirmed", "price": 5, "currency": "EUR", "orderId": "A-1"}
    gateways.bitpay[INVOICE] = invoice
    # The query and the notification's proof (the same invoice GET) are answered together.
    gateways.barrier = threading.Barrier(2)
    results = run_together(
        lambda: reconcile()[0],
        lambda: Client().post("/vpos/bitpay/default/", json.dumps(invoice).encode(), content_type="application/json"))
    assert results[1].status_code == 200
    assert results[0] in ("checked 1, changed 1, unchanged 0, failed 0", "checked 1, changed 0, unchanged 1, failed 0")
    assert Payment.objects.get(order_id="A-1").status == "paid"
    assert len(status_changes) == 1 and applied_keys() == [f"bitpay:{INVOICE}:confirmed"]


# FloCash's polling in the same run.

def test_flocash_polling_and_status_queries_in_one_run(gateways: Gateways, settings: Any, postback: Any) -> None:
    from tests.conftest import FLOCASH
    from tests.test_reconcile import NS, PollingServer

    polling = PollingServer()
    polling.thread.start()
    try:
        settings.VPOS = {**settings.VPOS, "flocash": {**FLOCASH, "base_url": postback.base_url}}
        settings.VPOS_FLOCASH_POLLING = {"default": {
            "api_username": "shop-api", "api_password": "s3cret-api-password", "namespace": NS,
            "success_codes": ["0000"], "endpoint": polling.endpoint, "timeout": 5}}
        # FloCash's poll goes through the same client: hand it to the real HTTP client.
        import hostedpay.http
        real = gateways.__call__

        def route(request: Any, timeout: float) -> Dict[str, Any]:
            if request["url"] == polling.endpoint:
                return hostedpay.http.send(request, timeout)
            return real(request, timeout)

        settings.VPOS_HTTP_CLIENT = f"{__name__}.routed_client"
        ROUTES["client"] = route
        flo = Payment.objects.create(gateway="flocash", order_id="AT1", amount_minor=12300, currency="EUR",
                                     custom="c", status="pending")
        Payment.objects.filter(pk=flo.pk).update(created=timezone.now() - datetime.timedelta(hours=3))
        polling.add("AT1", transid="9001")
        make_payment("redsys", "2611000001")
        gateways.redsys_operation("2611000001", "0", 4999, "0000", "123456")
        out, err = reconcile("--dry-run")
        assert out == "checked 2, changed 2, unchanged 0, failed 0\ndry run: nothing was written"
        assert [p.status for p in Payment.objects.order_by("order_id")] == ["new", "pending"]
        assert not Notification.objects.exists()
        out, err = reconcile()
        assert out == "checked 2, changed 2, unchanged 0, failed 0"
        assert [p.status for p in Payment.objects.order_by("order_id")] == ["paid", "paid"]
        assert "flocash/default: 1 waiting payment(s)" in err and "redsys/default: 1 payment(s) to query" in err
        # Polling settings for another account only: FloCash's waiting payments are listed as skipped.
        settings.VPOS_FLOCASH_POLLING = {}
        Payment.objects.create(gateway="flocash", order_id="AT2", amount_minor=100, currency="EUR", custom="c")
        out, _ = reconcile("--older-than", "0s")
        assert out.splitlines()[0].startswith("skipped flocash/default: 1 payment(s) (AT2): no VPOS_FLOCASH_POLLING")
    finally:
        ROUTES.clear()
        polling.httpd.shutdown()
        polling.httpd.server_close()


#: The client a test routes by hand (``VPOS_HTTP_CLIENT`` names :func:`routed_client`).
ROUTES: Dict[str, Any] = {}


def routed_client(request: Any, timeout: float) -> Dict[str, Any]:
    return ROUTES["client"](request, timeout)

"""Santander Elavon with delayed settlement in Django (issue 7: "authorised and settled"): an
account with ``auto_settle`` off (``AUTO_SETTLE_FLAG`` 0), the signed HPP response authorises,
then ``settle``, ``void`` and ``rebate`` (partial refunds until the capture is used up) go
through the Remote XML API against a local HTTP server that checks the request hash and
answers with a correctly hashed reply."""

from __future__ import annotations

import hashlib
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import urlencode

import pytest

import hostedpay
from hostedpay.django.models import Notification, Payment, Refund

from tests.conftest import FLOCASH

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/elavon/default/"
SECRET = "shared-secret"

ELAVON: Dict[str, Any] = {
    "merchant_id": "thestore", "account": "internet", "secret": SECRET,
    "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
    "response_url": "https://shop.example/vpos/elavon/default/",
    "rebate_password": "rebate-pw", "currency": "USD", "auto_settle": False,
}


class RemoteServer:
    """Stands in for Elavon's Remote endpoint on 127.0.0.1: checks the request's ``sha1hash``
    (``508`` when wrong, as Elavon does) and answers ``result`` (``00`` unless set) with a
    reply hashed with the shared secret, or ``raw`` as is."""

    def __init__(self) -> None:
        self.received: List[str] = []
        self.result = "00"
        self.raw: Optional[bytes] = None
        self.counter = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                server.received.append(body)
                out = server.raw if server.raw is not None else server.answer(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, body: str) -> bytes:
        def tag(name: str) -> str:
            m = re.search(f"<{name}[^>]*>([^<]*)</{name}>", body)
            return m.group(1) if m else ""

        timestamp = re.search(r'timestamp="(\d+)"', body).group(1)  # type: ignore[union-attr]
        amount = re.search(r'<amount currency="([A-Z]{3})">(\d+)</amount>', body)
        expected = hostedpay.elavon.hash([timestamp, tag("merchantid"), tag("orderid"),
                                     amount.group(2) if amount else "", amount.group(1) if amount else "", ""],
                                    SECRET)
        result, message = (self.result, "Settled Successfully") if tag("sha1hash") == expected else (
            "508", "Hash mismatch")
        self.counter += 1
        pasref = f"1510{self.counter:06d}"
        authcode = tag("authcode")
        sha1 = hostedpay.elavon.hash([timestamp, tag("merchantid"), tag("orderid"), result, message, pasref, authcode],
                                SECRET)
        return (f'<?xml version="1.0" encoding="UTF-8"?><response timestamp="{timestamp}">'
                f"<merchantid>{tag('merchantid')}</merchantid><account>internet</account>"
                f"<orderid>{tag('orderid')}</orderid><authcode>{authcode}</authcode><result>{result}</result>"
                f"<message>{message}</message><pasref>{pasref}</pasref><sha1hash>{sha1}</sha1hash>"
                f"</response>").encode()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/remote"

    def __enter__(self) -> "RemoteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def remote(settings: Any) -> Iterator[RemoteServer]:
    with RemoteServer() as server:
        settings.VPOS = {"flocash": dict(FLOCASH), "elavon": {**ELAVON, "remote_url": server.url, "rest_timeout": 10}}
        yield server


def hpp_response(order_id: str, amount_minor: int, *, pasref: str = "13649024563820", authcode: str = "123420",
                 secret: str = SECRET) -> bytes:
    """The HPP response Elavon posts to ``response_url``, hashed with ``secret``."""
    timestamp, result, message = "20261126010203", "00", f"AUTHCODE={authcode}"
    sha1 = hostedpay.elavon.hash([timestamp, "thestore", order_id, result, message, pasref, authcode], secret)
    return urlencode([("MERCHANT_ID", "thestore"), ("ACCOUNT", "internet"), ("ORDER_ID", order_id),
                      ("TIMESTAMP", timestamp), ("AMOUNT", str(amount_minor)), ("SHA1HASH", sha1),
                      ("RESULT", result), ("AUTHCODE", authcode), ("MESSAGE", message), ("PASREF", pasref)]).encode()


def authorized(client: Any, order_id: str, amount: str = "50.00") -> Payment:
    payment = Payment.objects.create(gateway="elavon", order_id=order_id, currency="USD", amount=Decimal(amount))
    assert dict(payment.checkout_form().fields)["AUTO_SETTLE_FLAG"] == "0"
    response = client.post(URL, hpp_response(order_id, payment.amount_minor), content_type=CT)
    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert payment.status == "authorized"
    assert (payment.transaction_id, payment.authorisation_code) == ("13649024563820", "123420")
    return payment


def test_authorised_then_settled_then_rebated_in_parts(client: Any, remote: RemoteServer,
                                                        status_changes: List[Dict[str, Any]]) -> None:
    payment = authorized(client, "ORD-SETTLE-1")
    record = payment.settle()
    assert (record.kind, record.status, record.error_code, record.amount_minor) == ("capture", "succeeded", "", 5000)
    assert payment.status == "paid"
    [request] = remote.received
    assert 'type="settle"' in request and "<pasref>13649024563820</pasref>" in request
    assert "<authcode>123420</authcode>" in request and '<amount currency="USD">5000</amount>' in request
    assert record.reference == "1510000001" and record.notification.verdict == "applied"
    # Settled once: settle or void again is refused before asking.
    for again in (payment.settle, payment.void):
        with pytest.raises(hostedpay.ConsistencyError) as exc:
            again()
        assert exc.value.code == "invalid_transition"
    assert len(remote.received) == 1
    # Rebates: partial, then the rest; beyond the capture refused before asking.
    first = payment.refund("20.00")
    assert (first.kind, first.status) == ("refund", "succeeded")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 2000)
    rebate = remote.received[-1]
    assert 'type="rebate"' in rebate and '<amount currency="USD">2000</amount>' in rebate
    assert f"<refundhash>{hashlib.sha1(b'rebate-pw').hexdigest()}</refundhash>" in rebate
    with pytest.raises(hostedpay.ConsistencyError) as exc:
        payment.refund("30.01")
    assert exc.value.code == "refund_exceeds_amount"
    last = payment.refund(Decimal("30.00"))
    assert last.status == "succeeded"
    assert (payment.status, payment.refunded_minor) == ("refunded", 5000)
    assert [c["new_status"] for c in status_changes] == ["authorized", "paid", "partially_refunded", "refunded"]
    assert list(payment.refunds.order_by("id").values_list("kind", "status")) == [
        ("capture", "succeeded"), ("refund", "succeeded"), ("refund", "succeeded")]
    assert len(remote.received) == 3
    assert "rebate-pw" not in "".join(str(r.reply) for r in Refund.objects.all())


def test_void_cancels_an_authorisation(client: Any, remote: RemoteServer) -> None:
    payment = authorized(client, "ORD-VOID-1", "12.34")
    record = payment.void()
    assert (record.kind, record.status) == ("release", "succeeded")
    assert payment.status == "cancelled"
    [request] = remote.received
    assert 'type="void"' in request and "<amount" not in request
    with pytest.raises(hostedpay.ConsistencyError):
        payment.refund("1.00")


def test_refused_and_unreadable_remote_replies(client: Any, remote: RemoteServer) -> None:
    payment = authorized(client, "ORD-REFUSED-1")
    remote.result = "101"
    refused = payment.settle()
    assert (refused.status, refused.error_code) == ("failed", "gateway_error")
    assert payment.status == "authorized"
    # A reply whose hash is not the shared secret's: the money may have moved, a person checks.
    remote.result = "00"
    remote.raw = (b'<response timestamp="20261126010203"><merchantid>thestore</merchantid><orderid>ORD-REFUSED-1'
                  b"</orderid><result>00</result><message>ok</message><pasref>1</pasref><authcode>1</authcode>"
                  b"<sha1hash>0000000000000000000000000000000000000000</sha1hash></response>")
    forged = payment.settle()
    assert (forged.status, forged.error_code) == ("pending", "signature_mismatch")
    assert payment.status == "authorized"
    with pytest.raises(hostedpay.ConsistencyError):  # a capture still pending blocks another
        payment.void()
    assert Notification.objects.filter(gateway="elavon", order_id="ORD-REFUSED-1").count() == 1  # the HPP one


def test_forged_hpp_response_stores_no_pasref(client: Any, remote: RemoteServer) -> None:
    payment = Payment.objects.create(gateway="elavon", order_id="ORD-FORGED-1", currency="USD", amount=Decimal("1"))
    response = client.post(URL, hpp_response("ORD-FORGED-1", 100, secret="not-the-secret"), content_type=CT)
    assert response.status_code == 403
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_id, payment.authorisation_code) == ("new", "", "")


def test_admin_actions_settle_and_void(client: Any, remote: RemoteServer, admin_client: Any) -> None:
    to_settle = authorized(client, "ORD-ADMIN-1")
    to_void = authorized(client, "ORD-ADMIN-2", "7.00")
    # Refund.kind is the core's operation kind since 0008 (issue 16): capture, release.
    for action, payment, word in (("capture_authorized", to_settle, "capture"),
                                  ("release_authorized", to_void, "release")):
        response = admin_client.post("/admin/vpos/payment/", {"action": action, "_selected_action": [payment.pk]},
                                     follow=True)
        assert any(str(m).startswith(f"{payment.order_id}: {word} succeeded") for m in response.context["messages"])
    to_settle.refresh_from_db()
    to_void.refresh_from_db()
    assert (to_settle.status, to_void.status) == ("paid", "cancelled")
    response = admin_client.post("/admin/vpos/payment/", {"action": "refund_remaining",
                                                          "_selected_action": [to_settle.pk]}, follow=True)
    assert response.status_code == 200
    to_settle.refresh_from_db()
    assert (to_settle.status, to_settle.refunded_minor) == ("refunded", 5000)

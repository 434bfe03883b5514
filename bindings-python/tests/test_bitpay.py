"""Bitpay in Django, end to end through the test client and a real database: the invoice
created through the HTTP client (a real local Bitpay stand-in on 127.0.0.1), notifications
verified by fetching the invoice from it, duplicates applied once, a forged notification
(the fetched invoice disagrees) applied as Bitpay says, no payment, and the binding's repr."""

from __future__ import annotations

import base64
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from django.template import Context, Template

import hostedpay
from hostedpay.django.models import Notification, Payment

from tests.conftest import FLOCASH

pytestmark = pytest.mark.django_db(transaction=True)
JSON = "application/json"
URL = "/vpos/bitpay/default/"
INVOICE_ID = "X7VytgMABGuv5Vo4xPsRhb"


class BitpayServer:
    """Answers ``POST /api/invoice`` (creation) and ``GET /api/invoice/<id>`` with the invoice
    whose status tests set; records every request."""

    def __init__(self) -> None:
        self.status = "confirmed"
        self.price: Any = 5
        self.http_status = 200
        self.received: List[Tuple[str, str, Dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self, data: Dict[str, Any]) -> None:
                body = json.dumps({"data": data}).encode()
                self.send_response(server.http_status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.received.append(("POST", self.path, dict(self.headers), body))
                sent = json.loads(body)
                self.answer({"id": INVOICE_ID, "status": "new", "price": sent["price"], "currency": sent["currency"],
                             "orderId": sent["orderId"], "url": "https://test.bitpay.com/invoice?id=" + INVOICE_ID})

            def do_GET(self) -> None:  # noqa: N802
                server.received.append(("GET", self.path, dict(self.headers), b""))
                if not self.path.endswith("/" + INVOICE_ID):  # no such invoice at Bitpay
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.answer({"id": self.path.rsplit("/", 1)[-1], "status": server.status, "price": server.price,
                             "currency": "EUR", "orderId": "A-1"})

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def server() -> Iterator[BitpayServer]:
    s = BitpayServer()
    s.thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


BITPAY: Dict[str, Any] = {
    "api_key": "K3yFromBitpay", "api_url": "https://test.bitpay.com/api/invoice",
    "invoice_url": "https://test.bitpay.com/invoice", "notification_url": "https://shop.example/vpos/bitpay/default/",
}


@pytest.fixture
def bitpay_settings(settings: Any, server: BitpayServer) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH),
                     "bitpay": {**BITPAY, "api_url": server.base_url + "/api/invoice", "postback_timeout": 5}}
    return settings


def notification(status: str = "confirmed", invoice_id: str = INVOICE_ID) -> bytes:
    return json.dumps({"id": invoice_id, "status": status, "price": 5, "currency": "EUR",
                       "orderId": "A-1"}).encode()


def new_payment(amount: str = "5.00") -> Payment:
    return Payment.objects.create(gateway="bitpay", order_id="A-1", currency="EUR", amount=Decimal(amount),
                                  item_name="Tea")


def stored() -> List[Notification]:
    return list(Notification.objects.filter(gateway="bitpay").order_by("id"))


def test_create_invoice_through_the_client(bitpay_settings: Any, server: BitpayServer) -> None:
    payment = new_payment()
    html = Template("{% load vpos %}{% vpos_checkout_form payment %}").render(Context({"payment": payment}))
    assert 'action="https://test.bitpay.com/invoice"' in html and INVOICE_ID in html
    payment.refresh_from_db()
    assert payment.reference == INVOICE_ID
    method, path, headers, body = server.received[0]
    assert (method, path) == ("POST", "/api/invoice")
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"K3yFromBitpay:").decode()
    sent = json.loads(body)
    assert sent["orderId"] == "A-1" and sent["currency"] == "EUR"


def test_confirmed_notification_pays_once(client: Any, bitpay_settings: Any, server: BitpayServer,
                                          status_changes: List[Dict[str, Any]]) -> None:
    payment = new_payment()
    r = client.post(URL, notification(), content_type=JSON)
    assert r.status_code == 200 and r.content == b"OK"
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert server.received[0][:2] == ("GET", "/api/invoice/" + INVOICE_ID)
    assert client.post(URL, notification(), content_type=JSON).status_code == 200
    assert [n.verdict for n in stored()] == ["applied", "already_applied"]
    assert len(status_changes) == 1


def test_forged_complete_is_not_paid(client: Any, bitpay_settings: Any, server: BitpayServer) -> None:
    payment = new_payment()
    server.status = "new"  # Bitpay says the invoice is not paid at all
    forged = notification("complete")
    client.post(URL, forged, content_type=JSON)
    payment.refresh_from_db()
    assert payment.status == "pending"  # what Bitpay says, not what the notification claimed
    (row,) = stored()
    assert bytes(row.body) == forged and row.status_code == "complete" and row.event_key.endswith(":new")


def test_invoice_unknown_to_bitpay_applies_nothing(client: Any, bitpay_settings: Any) -> None:
    payment = new_payment()
    forged = notification("complete", invoice_id="ForgedInvoice1")
    r = client.post(URL, forged, content_type=JSON)
    assert r.status_code == 503
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.verdict == "postback_failed" and bytes(row.body) == forged and row.event_key == ""


def test_fetch_failure_applies_nothing(client: Any, bitpay_settings: Any, server: BitpayServer) -> None:
    payment = new_payment()
    server.http_status = 500
    r = client.post(URL, notification(), content_type=JSON)
    assert r.status_code == 503
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.verdict == "postback_failed" and row.error_code == "gateway_unavailable"


def test_no_payment_and_malformed(client: Any, bitpay_settings: Any) -> None:
    r = client.post(URL, notification(), content_type=JSON)
    assert r.status_code == 503 and r.content == b"payment_not_found"
    assert stored()[0].verdict == "no_payment"
    assert client.post(URL, b"id=1", content_type="application/x-www-form-urlencoded").status_code == 422
    assert client.post("/vpos/bitpay/nope/", notification(), content_type=JSON).status_code == 404


def test_repr_hides_the_api_key() -> None:
    text = repr(hostedpay.bitpay.Gateway(BITPAY))
    assert "K3yFromBitpay" not in text and "***" in text

"""The default HTTP client's timeout bounds the whole exchange, not each read: a real local
server that drips its reply one byte at a time cannot hold a post-back (or an operation)
past the deadline. Every byte arrives well within the per-read timeout, so only a total
deadline stops it."""

from __future__ import annotations

import socket
import threading
import time
from decimal import Decimal
from typing import Iterator

import pytest

import hostedpay
from hostedpay.django.models import Notification, Payment

from tests.conftest import BASE_PAYLOAD, FLOCASH

TIMEOUT = 0.5
#: One byte every 0.1 s: each read returns long before TIMEOUT; the whole reply takes ~6 s.
REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nVERIFIED"
STEP = 0.1


class DripServer:
    """Accepts connections on 127.0.0.1, reads the request, then sends ``REPLY`` a byte at a time."""

    def __init__(self, step: float = STEP) -> None:
        self.step = step
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.sock.getsockname()[1]

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(65536)
                for byte in REPLY:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.step)
            except OSError:
                pass  # the client gave up: what the deadline is for

    def __enter__(self) -> "DripServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def drip() -> Iterator[DripServer]:
    with DripServer() as server:
        yield server


def test_a_dripped_reply_is_cut_off_at_the_deadline(drip: DripServer) -> None:
    request = {"method": "POST", "url": drip.url + "/validateNotify.do",
               "headers": [["Content-Type", "application/x-www-form-urlencoded"]], "body": "a=1"}
    started = time.monotonic()
    reply = hostedpay.http.send(request, TIMEOUT)
    elapsed = time.monotonic() - started
    assert set(reply) == {"error"} and "TimeoutError" in reply["error"]
    assert elapsed < TIMEOUT * 2
    assert drip.accepted == 1


def test_a_slow_reply_within_the_deadline_still_arrives() -> None:
    with DripServer(step=0.005) as slow:
        request = {"method": "POST", "url": slow.url + "/validateNotify.do", "headers": [], "body": "a=1"}
        assert hostedpay.http.send(request, 30) == {"status": 200, "body": b"VERIFIED"}


@pytest.mark.django_db(transaction=True)
def test_a_dripped_postback_leaves_the_notification_unapplied(client, settings, drip: DripServer) -> None:
    settings.VPOS = {"flocash": {**FLOCASH, "base_url": drip.url, "postback_timeout": TIMEOUT}}
    payment = Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"),
                                     item_name="test item", custom="test custom")
    started = time.monotonic()
    response = client.post("/vpos/flocash/default/test-test-test/", data=BASE_PAYLOAD.encode(),
                           content_type="application/x-www-form-urlencoded")
    elapsed = time.monotonic() - started
    # No answer in time: 503, FloCash delivers again; the payment is untouched.
    assert (response.status_code, response.content) == (503, b"postback_failed")
    assert elapsed < TIMEOUT * 3
    payment.refresh_from_db()
    assert payment.status == "new"
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.applied_event_key) == ("postback_failed", "postback_failed", None)
    assert "TimeoutError" in str(n.detail)

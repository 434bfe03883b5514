"""``manage.py vpos_reconcile`` against a local fake of FloCash's Merchant Polling service.

The fake is a real SOAP-over-HTTP server on 127.0.0.1 (``http.server`` in a thread) answering
``pollPayInbyRef`` / ``pollPayInbyTime`` at FloCash's path from the payments a test gives it;
the command reaches it through the app's HTTP client (``hostedpay.http.send``), and the payments
move through the real database (SQLite, or PostgreSQL with ``DATABASE_URL``).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import FLOCASH
from hostedpay.django.models import Notification, Payment

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/FloCMS/services/APIMerchantService"
NS = "http://merchant.api.flocash.example/"
MERCHANT = FLOCASH["merchant"]


class PollingServer:
    """Answers like FloCash's APIMerchantService: a SOAP envelope with Header and Payments."""

    def __init__(self) -> None:
        self.payments: List[Dict[str, str]] = []
        self.status_code = "0000"
        self.http_status = 200
        self.raw: Optional[bytes] = None
        #: Held before answering, to release the reply together with another server's.
        self.barrier: Optional[threading.Barrier] = None
        self.received: List[Tuple[str, Dict[str, str], str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                server.received.append((self.path, dict(self.headers), body))
                if server.barrier is not None:
                    server.barrier.wait(timeout=20)
                answer = server.answer(body) if self.path == PATH else b"not found"
                self.send_response(server.http_status if self.path == PATH else 404)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def answer(self, request: str) -> bytes:
        if self.raw is not None:
            return self.raw
        trace = re.search(r"<trace_number>(.*?)</trace_number>", request)
        listed = [p for p in self.payments if trace is None or p["trace_number"] == trace.group(1)]
        payments = "".join(
            "<Payment>" + "".join(
                f"<{k}>{escape(v)}</{k}>" if k != "sender" else f"<sender><account>{escape(v)}</account></sender>"
                for k, v in p.items()) + "</Payment>"
            for p in listed)
        op = "pollPayInbyRef" if trace else "pollPayInbyTime"
        return (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
                f'"http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:{op}Response xmlns:ns="{NS}">'
                f"<ns:return><Header><statusCode>{self.status_code}</statusCode><statusMsg>msg</statusMsg></Header>"
                f"<Payments>{payments}</Payments></ns:return></ns:{op}Response></soapenv:Body>"
                f"</soapenv:Envelope>").encode()

    def add(self, order_id: str, amount: str = "123.00", status: str = "0", transid: str = "9001",
            trace_number: str = "T111394972087797", currency: str = "EUR", merchant: str = MERCHANT) -> None:
        self.payments.append({
            "transid": transid, "trace_number": trace_number, "postDate": "2026-11-25T10:21:27.000+03:00",
            "currency_code": currency, "amount": amount, "status": status, "message": "m",
            "sender": merchant, "order_id": order_id, "payment_channel": "Mobile",
        })


@pytest.fixture
def flocash_poll(settings: Any, postback: Any) -> Iterator[PollingServer]:
    with_server = PollingServer()
    with_server.thread.start()
    settings.VPOS = {"flocash": {**FLOCASH, "base_url": postback.base_url, "postback_timeout": 5}}
    settings.VPOS_FLOCASH_POLLING = {"default": {
        "api_username": "shop-api", "api_password": "s3cret-api-password", "namespace": NS,
        "success_codes": ["0000"], "endpoint": with_server.endpoint, "timeout": 5}}
    yield with_server
    with_server.httpd.shutdown()
    with_server.httpd.server_close()


def make_payment(order_id: str, status: str = "pending", age: datetime.timedelta = datetime.timedelta(hours=3),
                 reference: str = "") -> Payment:
    payment = Payment.objects.create(gateway="flocash", order_id=order_id, amount_minor=12300, currency="EUR",
                                     custom="c", status=status, reference=reference)
    Payment.objects.filter(pk=payment.pk).update(created=timezone.now() - age)
    return payment


def reconcile(*args: str) -> Tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("vpos_reconcile", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def status(order_id: str) -> str:
    return Payment.objects.get(order_id=order_id).status


def test_lost_notification_reaches_paid_by_time_window(flocash_poll: PollingServer) -> None:
    make_payment("AT1", status="pending")
    make_payment("AT2", status="new")  # no notification ever arrived
    make_payment("AT3", status="pending", age=datetime.timedelta(minutes=5))  # too recent
    flocash_poll.add("AT1", transid="9001")
    flocash_poll.add("AT2", transid="9002", trace_number="T2")
    out, err = reconcile("--older-than", "1h")
    assert out == "checked 2, changed 2, unchanged 0, failed 0"
    assert (status("AT1"), status("AT2"), status("AT3")) == ("paid", "paid", "pending")
    (path, headers, body), = flocash_poll.received
    assert path == PATH and "<pollPayInbyTime" in body and f'xmlns="{NS}"' in body
    assert headers["Content-Type"] == "text/xml; charset=utf-8"
    assert "<APIPassword>s3cret-api-password</APIPassword>" in body
    assert "s3cret" not in out + err
    record = Notification.objects.get(order_id="AT1")
    assert (record.verdict, record.applied_event_key) == ("applied", "flocash:poll:9001:0000")
    assert record.headers == {"source": "vpos_reconcile"}


def test_reference_is_polled_by_trace_number(flocash_poll: PollingServer) -> None:
    make_payment("AT1", reference="T111394972087797")
    flocash_poll.add("AT1")
    out, _ = reconcile()
    assert out == "checked 1, changed 1, unchanged 0, failed 0"
    (_, _, body), = flocash_poll.received
    assert "<PayInbyRef><trace_number>T111394972087797</trace_number></PayInbyRef>" in body


def test_already_paid_is_untouched_and_counted_unchanged(flocash_poll: PollingServer) -> None:
    make_payment("AT1", status="paid")
    make_payment("AT2", status="pending")
    flocash_poll.add("AT1", transid="9001")
    flocash_poll.add("AT2", transid="9002", status="4")  # still pending at FloCash
    flocash_poll.add("OTHER-SHOP-ORDER", transid="9003")  # not ours: not counted
    out, _ = reconcile("--from", "2026-11-25T00:00:00Z", "--to", "2026-11-26T00:00:00Z")
    assert out == "checked 2, changed 0, unchanged 2, failed 0"
    assert (status("AT1"), status("AT2")) == ("paid", "pending")
    assert not Notification.objects.filter(applied_event_key__isnull=False).exists()
    (_, _, body), = flocash_poll.received
    assert "<fromTime>2026-11-25T00:00:00Z</fromTime><toTime>2026-11-26T00:00:00Z</toTime>" in body


def notify(client: Any, order_id: str, trans_id: str) -> Any:
    body = (f"merchant=test%40merchant.com&order_id={order_id}&amount=123.00&currency_code=EUR"
            f"&trans_id={trans_id}&fpn_id=F1&status=0000").encode()
    url = reverse("vpos:flocash-notification", kwargs={"account": "default", "token": "test-test-test"})
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def test_notified_then_polled_is_applied_once(client: Any, flocash_poll: PollingServer, status_changes: List[Any]) -> None:
    make_payment("AT1")
    assert notify(client, "AT1", "9001").content == b"00"
    flocash_poll.add("AT1", transid="9001")
    out, _ = reconcile("--from", "2026-11-25T00:00:00Z")
    assert out == "checked 1, changed 0, unchanged 1, failed 0"
    assert status("AT1") == "paid" and len(status_changes) == 1
    assert list(Notification.objects.filter(applied_event_key__isnull=False)
                .values_list("applied_event_key", flat=True)) == ["flocash:F1:9001:sale:0000"]


def test_polled_then_notified_is_applied_once(client: Any, flocash_poll: PollingServer, status_changes: List[Any]) -> None:
    make_payment("AT1")
    flocash_poll.add("AT1", transid="9001")
    assert reconcile()[0] == "checked 1, changed 1, unchanged 0, failed 0"
    assert reconcile("--from", "2026-11-25T00:00:00Z")[0] == "checked 1, changed 0, unchanged 1, failed 0"
    response = notify(client, "AT1", "9001")
    assert (response.status_code, response.content) == (200, b"00")  # FloCash stops retrying
    assert status("AT1") == "paid" and len(status_changes) == 1
    assert Notification.objects.filter(applied_event_key__isnull=False).count() == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                    reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks")
@pytest.mark.parametrize("round_", range(3))
def test_reconcile_racing_the_notification_applies_once(flocash_poll: PollingServer, postback: Any,
                                                        status_changes: List[Any], round_: int) -> None:
    """The poll reply and the notification's post-back answer are released together, so the
    command and the view reach the row lock at the same moment: one applies, one is ignored."""
    make_payment("AT1")
    flocash_poll.add("AT1", transid="9001")
    flocash_poll.barrier = postback.barrier = threading.Barrier(2)
    results: Dict[str, Any] = {}

    def run(name: str, call: Any) -> None:
        try:
            results[name] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=("reconcile", lambda: reconcile()[0])),
               threading.Thread(target=run, args=("notify", lambda: notify(Client(), "AT1", "9001")))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results["notify"].content == b"00"
    assert results["reconcile"] in ("checked 1, changed 1, unchanged 0, failed 0",
                                    "checked 1, changed 0, unchanged 1, failed 0")
    assert status("AT1") == "paid" and len(status_changes) == 1
    assert Notification.objects.filter(applied_event_key__isnull=False).count() == 1


@pytest.mark.parametrize("break_it", ["error_header", "soap_fault", "http_503", "malformed", "io_failure"])
def test_failed_poll_counts_failed_and_leaves_payment_untouched(flocash_poll: PollingServer, settings: Any,
                                                                  break_it: str) -> None:
    make_payment("AT1")
    make_payment("AT2", reference="T2")
    flocash_poll.add("AT1")
    flocash_poll.add("AT2", trace_number="T2", transid="9002")
    if break_it == "error_header":
        flocash_poll.status_code = "1001"
    elif break_it == "soap_fault":
        flocash_poll.http_status = 500
        flocash_poll.raw = (b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
                            b"<soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode>"
                            b"<faultstring>Authentication failed</faultstring></soapenv:Fault></soapenv:Body>"
                            b"</soapenv:Envelope>")
    elif break_it == "http_503":
        flocash_poll.http_status = 503
    elif break_it == "malformed":
        flocash_poll.raw = b'<!DOCTYPE x [<!ENTITY a "a">]><soapenv:Envelope>&a;</soapenv:Envelope>'
    else:
        settings.VPOS_FLOCASH_POLLING = {"default": {**settings.VPOS_FLOCASH_POLLING["default"],
                                                     "endpoint": "http://127.0.0.1:9" + PATH}}
    out, err = reconcile()
    assert out == "checked 2, changed 0, unchanged 0, failed 2"
    expected = {"error_header": "gateway_error", "soap_fault": "gateway_error", "http_503": "gateway_unavailable",
                "malformed": "field_invalid", "io_failure": "gateway_unavailable"}[break_it]
    assert f"polling failed: {expected}" in err
    assert (status("AT1"), status("AT2")) == ("pending", "pending")
    assert not Notification.objects.exists()


def test_amount_mismatch_is_failed_and_untouched(flocash_poll: PollingServer) -> None:
    make_payment("AT1")
    make_payment("AT2")
    flocash_poll.add("AT1", amount="1.00", transid="9001")
    flocash_poll.add("AT2", status="0042", transid="9002")  # unknown status code
    out, err = reconcile()
    assert out == "checked 2, changed 0, unchanged 0, failed 2"
    assert "amount_mismatch" in err and "unknown_status" in err
    assert (status("AT1"), status("AT2")) == ("pending", "pending")


def test_progress_goes_to_stderr(flocash_poll: PollingServer) -> None:
    for i in range(5):
        make_payment(f"AT{i}")
        flocash_poll.add(f"AT{i}", transid=f"90{i}")
    out, err = reconcile("--progress-every", "2")
    assert out == "checked 5, changed 5, unchanged 0, failed 0"
    assert "... checked 2, changed 2, unchanged 0, failed 0" in err
    assert "... checked 4, changed 4" in err


def test_bad_settings_and_options_are_command_errors(flocash_poll: PollingServer, settings: Any) -> None:
    with pytest.raises(CommandError, match="not a duration"):
        reconcile("--older-than", "soon")
    with pytest.raises(CommandError, match="--to is before --from"):
        reconcile("--from", "2026-11-26T00:00:00Z", "--to", "2026-11-25T00:00:00Z")
    with pytest.raises(CommandError, match="no account 'shop2'"):
        reconcile("--account", "shop2")
    settings.VPOS_FLOCASH_POLLING = {"default": {"api_username": "u", "api_password": "p", "success_codes": ["0000"]}}
    with pytest.raises(CommandError, match="namespace"):
        reconcile()
    settings.VPOS_FLOCASH_POLLING = {}
    with pytest.raises(CommandError, match="VPOS_FLOCASH_POLLING"):
        reconcile()


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo to run the project's hostedpay-sandbox")
def test_dropped_notification_reaches_paid_through_vpos_sandbox(settings: Any) -> None:
    """The whole gap, against the project's FloCash emulator: checkout posted to hostedpay-sandbox,
    paid there, its notification sent to a listener that is down (dropped), then
    ``vpos_reconcile`` polls the sandbox's APIMerchantService and the payment is paid."""
    from tests.redsys_helpers import Sandbox

    box = Sandbox()
    try:
        settings.VPOS = {"flocash": {**FLOCASH, "merchant": "sales@demoshop.com",  # the sandbox default
                                     "checkout_url": f"{box.base}/ecom/ecommerce.do",
                                     "base_url": box.base, "notify_url": "http://127.0.0.1:9/down/"}}
        settings.VPOS_FLOCASH_POLLING = {"default": {
            "api_username": "shop-api", "api_password": "sandbox-password",
            "namespace": "http://sandbox.vpos.invalid/flocash/APIMerchantService",
            "success_codes": ["0000"], "endpoint": box.base + PATH, "timeout": 10}}
        payment = Payment.objects.create(gateway="flocash", order_id="AT000042", amount_minor=500,
                                         currency="USD", custom="C1", item_name="Call Credit")
        form = payment.checkout_form()
        status_code, page = box.post("/ecom/ecommerce.do", urlencode(form.fields).encode(),
                                  "application/x-www-form-urlencoded")
        assert status_code in (200, 303), re.findall(r"<(?:li|p)[^>]*>(.*?)</(?:li|p)>", page.decode())
        status_code, answer = box.post("/_sandbox/pay", json.dumps(
            {"gateway": "flocash", "order": "AT000042", "outcome": "paid"}).encode(), "application/json")
        assert status_code == 200, answer
        assert status("AT000042") == "new"  # the notification never arrived
        out, _ = reconcile("--older-than", "0s")
        assert out == "checked 1, changed 1, unchanged 0, failed 0"
        assert status("AT000042") == "paid"
        assert reconcile("--older-than", "0s")[0] == "checked 0, changed 0, unchanged 0, failed 0"
    finally:
        box.close()


def test_bad_polling_settings_fail_the_system_check(flocash_poll: PollingServer, settings: Any) -> None:
    from django.core import checks

    good = dict(settings.VPOS_FLOCASH_POLLING["default"])
    assert [m for m in checks.run_checks() if m.id == "vpos.E009"] == []
    settings.VPOS_FLOCASH_POLLING = {"default": {"api_username": "u", "api_password": "hunter2-secret",
                                                 "success_codes": ["0000"]}}
    errors = [m for m in checks.run_checks() if m.id == "vpos.E009"]
    assert len(errors) == 1 and "namespace" in errors[0].msg
    assert "hunter2-secret" not in errors[0].msg
    settings.VPOS_FLOCASH_POLLING = {"default": "not a dict"}
    assert [m.id for m in checks.run_checks() if m.id == "vpos.E009"] == ["vpos.E009"]
    settings.VPOS_FLOCASH_POLLING = {"default": {**good, "timeout": "soon"}}
    assert "timeout" in [m for m in checks.run_checks() if m.id == "vpos.E009"][0].msg

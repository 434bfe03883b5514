"""A CECA payment refunded in part, twice, from the Django admin, against the project's real
``hostedpay-sandbox`` process (issue 21).

The checkout is posted to the sandbox and paid there; the sandbox delivers its signed
notification to a small listener of this test, which hands the body as received to the shop's
notification URL through the Django test client (the real database); the shop stores CECA's
``Referencia``. The admin's refund page then asks for an amount and goes through the one
operation path (``Payment.refund`` -> ``driver.operation_request`` -> the sandbox's
``anularOperacionExt`` -> ``driver.parse_operation_reply`` -> the locked transition): the
payment's ``refunded_minor`` moves, a second partial refund works, and an over-refund is
refused before anything is asked.
"""

from __future__ import annotations

import http.server
import queue
import threading
from decimal import Decimal
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from hostedpay.django.models import Payment, Refund
from tests.sandbox import Sandbox, needs_sandbox

pytestmark = [pytest.mark.django_db(transaction=True), needs_sandbox]

CT = "application/x-www-form-urlencoded"


class Panel:
    """CECA's "comunicación on-line" URL: keeps each notification body, answers ``$*$OKY$*$``."""

    def __init__(self) -> None:
        bodies: "queue.Queue[bytes]" = queue.Queue()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                bodies.put(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"$*$OKY$*$")

            def log_message(self, *args: Any) -> None:
                pass

        self.bodies = bodies
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ceca"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def panel() -> Iterator[Panel]:
    p = Panel()
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def box(panel: Panel, settings: Any) -> Iterator[Sandbox]:
    """The sandbox whose CECA terminal notifies the panel (its on-line URL), the shop's CECA on it."""
    with Sandbox("--seed", "21", config={"ceca": {"notify_url": panel.url}}) as sandbox:
        base = sandbox.base
        settings.VPOS = {"ceca": sandbox.ceca(
            url_ok="http://127.0.0.1:9/ok/", url_nok="http://127.0.0.1:9/ko/",
            refund_url=f"{base}/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt", rest_timeout=10)}
        yield sandbox


@pytest.fixture
def staff(client: Any) -> Any:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


def test_partial_refunds_from_the_admin_through_the_sandbox(box: Sandbox, panel: Panel, staff: Any) -> None:
    payment = Payment.objects.create(gateway="ceca", order_id="CECA-21-1", currency="EUR", amount=Decimal("49.99"),
                                     item_name="Tea")
    form = payment.checkout_form()
    status, page = box.post(form.action[len(box.base):], urlencode(form.fields).encode(), CT)
    assert status in (200, 303), page[:500]
    reference = box.pay("ceca", payment.order_id, "paid")["reference"]
    body = panel.bodies.get(timeout=20)  # the sandbox's signed notification, as sent
    response = staff.post("/vpos/ceca/default/", body, content_type=CT)
    assert response.content == b"$*$OKY$*$"
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert payment.transaction_id == reference  # CECA's Referencia, which a refund quotes

    # The payment page's operation form offers a refund and shows what can be refunded.
    page = staff.get(f"/admin/vpos/payment/{payment.pk}/change/").content.decode()
    assert f"/admin/vpos/payment/{payment.pk}/operate/" in page and '<option value="refund"' in page
    assert 'id="vpos-refundable">49.99 EUR<' in page

    # First partial refund: 10.00.
    response = staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "10.00"}, follow=True)
    assert "refund succeeded" in response.content.decode()
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    # Second partial refund: 15.50.
    staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "15.50"})
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 2550)
    # More than is left (24.49): refused before anything is asked or stored.
    response = staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "24.50"}, follow=True)
    assert "refund_exceeds_amount" in response.content.decode()
    payment.refresh_from_db()
    assert payment.refunded_minor == 2550
    refunds = list(Refund.objects.filter(payment=payment).order_by("pk").values_list("amount_minor", "status"))
    assert refunds == [(1000, "succeeded"), (1550, "succeeded")]
    # The sandbox holds the same two refunds.
    (row,) = box.orders("ceca")
    assert (row["order"], row["refunded_minor"], row["status"]) == ("CECA-21-1", 2550, "partially_refunded")
    # The rest: refunded in full.
    staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "24.49"})
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("refunded", 4999)
    assert box.orders("ceca")[0]["status"] == "refunded"

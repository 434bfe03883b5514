"""BitPay's refund webhooks (issue #20) through hostedpay.django against the real
``hostedpay-sandbox`` with ``bitpay.refund_pending_seconds``: a refund BitPay answers ``pending``
stays a pending operation; the ``refund_pending`` webhook moves nothing; the ``refund_success``
webhook, proven by a signed merchant-facade fetch of the refund, moves the payment to
``partially_refunded`` and settles the operation; a repeat is ``already_applied``; a webhook
naming a refund BitPay does not know is stored and answered 503, so BitPay delivers it again
(the fetch is the proof: a refund BitPay cannot show is not proven, and a later delivery may be).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Iterator

import pytest
from django.test import Client

from hostedpay.django.models import Notification, Refund
from tests.sandbox import Relay
from tests.test_bitpay_sandbox import Box, Notifications, checkout, configured, pytestmark, relay  # noqa: F401


@pytest.fixture(scope="module")
def pending_box(relay: Relay) -> Iterator[Box]:
    # A minute of Bitpay time between a refund's `pending` and its `success` (a second at 60x).
    with Box(relay, refund_pending_seconds=60) as box:
        yield box


@pytest.fixture
def box(pending_box: Box, relay: Relay, settings: Any) -> Iterator[Box]:
    yield from configured(pending_box, relay, settings)


def test_a_pending_refund_is_completed_by_its_webhook(box: Box, relay: Relay) -> None:
    notes = Notifications(relay)
    payment = checkout(box, "BP-20-R1", "25.00")
    box.pay_invoice(payment.reference, "paid")
    status, note = notes.take("confirmed")
    assert status == 200, (note.verdict, note.error_code, note.detail)

    # BitPay answers the refund `pending`: nothing moves, the operation stays pending.
    op = payment.refund(Decimal("10.00"))
    assert (op.status, op.error_code) == ("pending", "response_pending"), op.detail
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("paid", 0)

    # refund_pending: proven by the signed fetch, changes nothing, answered 200.
    status, note = notes.take("pending")
    assert (status, note.verdict) == (200, "ignored"), (note.error_code, note.detail)
    assert note.status_code == "pending" and note.transaction_id == payment.reference
    op.refresh_from_db()
    assert op.status == "pending"

    # refund_success: the payment is partially refunded and the operation succeeded.
    status, success = notes.take("success")
    assert (status, success.verdict) == (200, "applied"), (success.error_code, success.detail)
    assert success.payment_id == payment.pk and success.event_key.startswith("bitpay:refund:")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    op.refresh_from_db()
    assert (op.status, op.error_code, op.notification_id) == ("succeeded", "", success.pk)
    assert Refund.objects.filter(payment=payment, status="succeeded").count() == 1

    # The same webhook again: already applied, 200, nothing moves twice.
    again = Client().post("/vpos/bitpay/default/", data=bytes(success.body), content_type="application/json")
    assert again.status_code == 200
    repeat = Notification.objects.order_by("pk").last()
    assert repeat is not None and repeat.pk != success.pk and repeat.verdict == "already_applied"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    assert payment.events.filter(to_status="partially_refunded").count() == 1


def test_a_webhook_for_an_unknown_refund_is_stored_and_answered_for_a_retry(box: Box, relay: Relay) -> None:
    notes = Notifications(relay)
    payment = checkout(box, "BP-20-R2", "25.00")
    box.pay_invoice(payment.reference, "paid")
    status, _ = notes.take("confirmed")
    assert status == 200
    body = json.dumps({"event": {"code": 3004, "name": "refund_success"},
                       "data": {"id": "UnknownRefund000000001", "invoice": payment.reference, "status": "success",
                                "amount": 25.00, "currency": "EUR"}}).encode()
    answer = Client().post("/vpos/bitpay/default/", data=body, content_type="application/json")
    # BitPay's merchant facade does not know it (404): not proven, so BitPay must deliver again.
    assert answer.status_code == 503
    note = Notification.objects.order_by("pk").last()
    assert note is not None and bytes(note.body) == body
    assert (note.verdict, note.error_code) == ("postback_failed", "gateway_unavailable"), note.detail
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("paid", 0)

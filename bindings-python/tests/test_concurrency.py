"""The same notification delivered by 20 threads at once: exactly one transition, one signal.

Needs PostgreSQL: the payment row lock (``select_for_update``) is what serialises the
deliveries. Every thread passes the post-back before any of them goes on (the post-back
server holds them at a barrier), so all 20 race for the lock together.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any, Dict, List

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from hostedpay.django.models import Notification, Payment
from hostedpay.django.signals import payment_status_changed

from tests.conftest import BASE_PAYLOAD, payload

THREADS = 20
URL = "/vpos/flocash/default/test-test-test/"
CT = "application/x-www-form-urlencoded"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks, select_for_update is a no-op there",
    ),
    pytest.mark.django_db(transaction=True),
]


def deliver_all(bodies: List[bytes], url: str = URL) -> List[Any]:
    """POSTs every body from its own thread, all released at once; returns the responses."""
    start = threading.Barrier(len(bodies))
    responses: List[Any] = [None] * len(bodies)
    errors: List[BaseException] = []

    def worker(i: int) -> None:
        try:
            client = Client()
            start.wait(timeout=30)
            responses[i] = client.post(url, data=bodies[i], content_type=CT)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads)
    return responses


@pytest.fixture(autouse=True)
def patient_postback(vpos_settings: Any) -> None:
    # The server holds every post-back until all 20 arrived: give the slowest thread time.
    vpos_settings.VPOS = {"flocash": {**vpos_settings.VPOS["flocash"], "postback_timeout": 60}}


@pytest.fixture
def signals() -> Any:
    seen: List[Dict[str, Any]] = []
    lock = threading.Lock()

    def receiver(sender: Any, **kwargs: Any) -> None:
        with lock:
            seen.append({"old": kwargs["old_status"], "new": kwargs["new_status"],
                         "notification": kwargs["notification"].pk})

    payment_status_changed.connect(receiver, weak=False)
    yield seen
    payment_status_changed.disconnect(receiver)


def test_twenty_simultaneous_deliveries_apply_once(vpos_settings, postback, signals) -> None:
    payment = Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"),
                                     custom="test custom", item_name="test item")
    postback.barrier = threading.Barrier(THREADS)
    responses = deliver_all([BASE_PAYLOAD.encode()] * THREADS)

    assert len(postback.received) == THREADS  # every delivery was really posted back
    assert [(r.status_code, r.content) for r in responses] == [(200, b"00")] * THREADS
    payment.refresh_from_db()
    assert payment.status == "paid"
    rows = list(Notification.objects.all())
    assert len(rows) == THREADS  # every delivery stored raw
    verdicts = sorted(r.verdict for r in rows)
    assert verdicts == ["already_applied"] * (THREADS - 1) + ["applied"]
    applied = [r for r in rows if r.applied_event_key is not None]
    assert len(applied) == 1 and applied[0].verdict == "applied"
    assert all(r.payment_id == payment.pk for r in rows)
    assert signals == [{"old": "new", "new": "paid", "notification": applied[0].pk}]


def test_pending_and_paid_racing_end_paid_with_one_signal_per_move(vpos_settings, postback, signals) -> None:
    payment = Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"),
                                     custom="test custom", item_name="test item")
    postback.barrier = threading.Barrier(THREADS)
    pending = payload(status="0004", fpn_id="fpn pending")
    paid = payload(status="0000", fpn_id="fpn paid")
    responses = deliver_all([pending, paid] * (THREADS // 2))

    assert {(r.status_code, r.content) for r in responses} == {(200, b"00")}
    payment.refresh_from_db()
    assert payment.status == "paid"  # whatever the order, pending never overwrites paid
    applied = list(Notification.objects.filter(verdict="applied").order_by("processed_at"))
    # Either new -> paid (the pending then stale), or new -> pending -> paid.
    moves = [(s["old"], s["new"]) for s in signals]
    assert moves in ([("new", "paid")], [("new", "pending"), ("pending", "paid")])
    assert len(applied) == len(signals)
    assert len({n.applied_event_key for n in applied}) == len(applied)
    assert Notification.objects.count() == THREADS


def test_twenty_simultaneous_redsys_deliveries_apply_once(vpos_settings, signals) -> None:
    from tests.redsys_helpers import R3_BODY, REDSYS

    vpos_settings.VPOS = {**vpos_settings.VPOS, "redsys": dict(REDSYS)}
    payment = Payment.objects.create(gateway="redsys", order_id="0726qI3H7sZx", currency="EUR",
                                     amount=Decimal("49.99"))
    responses = deliver_all([R3_BODY] * THREADS, url="/vpos/redsys/default/")
    assert [(r.status_code, r.content) for r in responses] == [(200, b"")] * THREADS
    payment.refresh_from_db()
    assert payment.status == "paid"
    rows = list(Notification.objects.filter(gateway="redsys"))
    assert sorted(r.verdict for r in rows) == ["already_applied"] * (THREADS - 1) + ["applied"]
    applied = [r for r in rows if r.applied_event_key is not None]
    assert signals == [{"old": "new", "new": "paid", "notification": applied[0].pk}]

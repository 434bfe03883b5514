"""Two vpos_deliver_events runs at once (and many deliverers of one event) send each event once.

Needs PostgreSQL: the event row lock (``select_for_update(skip_locked=True)``) is what keeps
two deliverers apart; SQLite has no row locks.
"""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from decimal import Decimal
from typing import Any, Callable, List

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from hostedpay.django.events import deliver
from hostedpay.django.models import Payment, PaymentEvent
from hostedpay.django.signals import payment_status_changed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks, select_for_update is a no-op there",
    ),
    pytest.mark.django_db(transaction=True),
]
EVENTS = 30


def in_threads(n: int, work: Callable[[int], Any]) -> List[Any]:
    start = threading.Barrier(n)
    results: List[Any] = [None] * n
    errors: List[BaseException] = []

    def worker(i: int) -> None:
        try:
            start.wait(timeout=30)
            results[i] = work(i)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads)
    return results


@pytest.fixture
def deliveries() -> Any:
    seen: Counter = Counter()
    lock = threading.Lock()

    def slow_receiver(sender: Any, event: Any, **kwargs: Any) -> None:
        time.sleep(0.02)  # long enough for the other run to reach the same rows
        with lock:
            seen[event.pk] += 1

    payment_status_changed.connect(slow_receiver, weak=False)
    yield seen
    payment_status_changed.disconnect(slow_receiver)


def undelivered_events(n: int) -> List[int]:
    pks = []
    for i in range(n):
        payment = Payment.objects.create(order_id=f"E{i}", currency="EUR", amount=Decimal("1"), status="paid")
        pks.append(PaymentEvent.objects.create(payment=payment, from_status="new", to_status="paid").pk)
    return pks


def test_two_concurrent_runs_deliver_each_event_once(deliveries) -> None:
    pks = undelivered_events(EVENTS)

    def run(_: int) -> str:
        out = io.StringIO()
        call_command("vpos_deliver_events", stdout=out, stderr=io.StringIO())
        return out.getvalue().strip()

    summaries = in_threads(2, run)
    assert deliveries == Counter({pk: 1 for pk in pks})
    delivered = [int(s.split(",")[0].split()[1]) for s in summaries]
    assert sum(delivered) == EVENTS and all(", failed 0, remaining " in s for s in summaries)
    assert not PaymentEvent.objects.filter(delivered_at__isnull=True).exists()
    assert set(PaymentEvent.objects.values_list("attempts", flat=True)) == {1}


def test_many_deliverers_of_one_event_send_it_once(deliveries) -> None:
    [pk] = undelivered_events(1)
    results = in_threads(8, lambda _: deliver(pk))
    assert sorted(results, key=str) == [None] * 7 + [True]
    assert deliveries == Counter({pk: 1})

"""Durable payment events (issue 15, 3b): every move is stored as a PaymentEvent in the
transaction that makes it, delivered after the commit; a receiver that raises changes neither
the gateway's answer nor the notification's verdict, and vpos_deliver_events sends the event
again, once."""

from __future__ import annotations

import io
import logging
from decimal import Decimal
from typing import Any, Dict, Iterator, List

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hostedpay.django.models import Notification, Payment, PaymentEvent
from hostedpay.django.signals import notification_processed, payment_status_changed

from tests.conftest import BASE_PAYLOAD, payload

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/vpos/flocash/default/test-test-test/"
CT = "application/x-www-form-urlencoded"


def make_payment(order_id: str = "test order", **kw: Any) -> Payment:
    return Payment.objects.create(order_id=order_id, currency="EUR", amount=Decimal("123"),
                                  item_name="test item", custom="test custom", **kw)


def deliver_events(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("vpos_deliver_events", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


class Receivers:
    """Connects receivers to payment_status_changed for one test."""

    def __init__(self) -> None:
        self.connected: List[Any] = []
        self.seen: List[Dict[str, Any]] = []

    def record(self, sender: Any, **kwargs: Any) -> None:
        self.seen.append(kwargs)

    def connect(self, receiver: Any) -> Any:
        payment_status_changed.connect(receiver, weak=False)
        self.connected.append(receiver)
        return receiver

    def disconnect(self, receiver: Any) -> None:
        payment_status_changed.disconnect(receiver)
        self.connected.remove(receiver)


@pytest.fixture
def receivers() -> Iterator[Receivers]:
    r = Receivers()
    yield r
    for receiver in list(r.connected):
        r.disconnect(receiver)


def failing_receiver(sender: Any, **kwargs: Any) -> None:
    raise RuntimeError("the shop's fulfilment service is down")


def test_a_raising_receiver_changes_neither_the_answer_nor_the_verdict(
        client, vpos_settings, receivers, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    payment = make_payment()
    receivers.connect(failing_receiver)
    response = client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT)
    assert (response.status_code, response.content) == (200, b"00")  # FloCash stops retrying
    [n] = Notification.objects.all()
    assert (n.verdict, n.response_status) == ("applied", 200)
    payment.refresh_from_db()
    assert payment.status == "paid"
    [event] = PaymentEvent.objects.all()
    assert (event.payment_id, event.notification_id, event.kind) == (payment.pk, n.pk, "payment_status_changed")
    assert (event.from_status, event.to_status, event.event_key) == ("new", "paid", n.applied_event_key)
    assert event.outcome == n.detail
    assert event.delivered_at is None and event.attempts == 1
    assert event.claimed_until is None  # released: vpos_deliver_events may send it now
    assert "tests.test_events.failing_receiver: RuntimeError: the shop's fulfilment service is down" in event.last_error
    errors = [r for r in caplog.records if r.name == "vpos.django" and r.levelno == logging.ERROR]
    assert errors and f"payment event #{event.pk}" in errors[0].getMessage()
    assert "test-test-test" not in caplog.text  # the URL token never reaches a log

    # The receiver is fixed: the command delivers the event, exactly once.
    receivers.disconnect(failing_receiver)
    receivers.connect(receivers.record)
    assert deliver_events() == "delivered 1, failed 0, remaining 0"
    [kwargs] = receivers.seen
    assert (kwargs["payment"].pk, kwargs["old_status"], kwargs["new_status"]) == (payment.pk, "new", "paid")
    assert kwargs["notification"].pk == n.pk and kwargs["outcome"]["to"] == "paid"
    assert kwargs["event"].pk == event.pk
    event.refresh_from_db()
    assert event.delivered_at is not None and event.attempts == 2 and event.last_error == ""
    # Idempotent: nothing left to send.
    assert deliver_events() == "delivered 0, failed 0, remaining 0"
    assert len(receivers.seen) == 1
    # A retry of the notification is already_applied and stores no event.
    assert client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT).content == b"00"
    assert PaymentEvent.objects.count() == 1 and len(receivers.seen) == 1


def test_events_are_delivered_on_commit_with_the_event_in_the_signal(
        client, vpos_settings, status_changes) -> None:
    payment = make_payment()
    assert client.post(URL, data=payload(status="0004"), content_type=CT).content == b"00"
    assert client.post(URL, data=payload(status="0000"), content_type=CT).content == b"00"
    events = list(PaymentEvent.objects.order_by("id"))
    assert [(e.from_status, e.to_status) for e in events] == [("new", "pending"), ("pending", "paid")]
    assert all(e.delivered_at is not None and e.attempts == 1 and e.last_error == "" for e in events)
    assert [c["event"].pk for c in status_changes] == [e.pk for e in events]
    assert [c["payment"].pk for c in status_changes] == [payment.pk] * 2
    assert deliver_events() == "delivered 0, failed 0, remaining 0"
    assert len(status_changes) == 2


def test_receivers_writes_roll_back_together_when_one_raises(client, vpos_settings, receivers) -> None:
    User = get_user_model()
    make_payment()

    def ships(sender: Any, payment: Any, **kwargs: Any) -> None:
        User.objects.create(username=f"shipped-{payment.order_id}"[:150])

    receivers.connect(ships)
    receivers.connect(failing_receiver)
    assert client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT).content == b"00"
    assert not User.objects.exists()  # undone with the failed delivery: sent again later
    receivers.disconnect(failing_receiver)
    assert deliver_events() == "delivered 1, failed 0, remaining 0"
    assert list(User.objects.values_list("username", flat=True)) == ["shipped-test order"]


def test_a_raising_notification_processed_receiver_changes_nothing(client, vpos_settings, caplog) -> None:
    make_payment()

    def alerting(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("pager down")

    notification_processed.connect(alerting, weak=False)
    try:
        ok = client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT)
        bad = client.post(URL, data=b"custom=x", content_type=CT)  # finish() path
    finally:
        notification_processed.disconnect(alerting)
    assert (ok.status_code, ok.content) == (200, b"00") and bad.status_code == 422
    assert list(Notification.objects.order_by("id").values_list("verdict", flat=True)) == ["applied", "invalid"]
    assert PaymentEvent.objects.get().delivered_at is not None
    assert "pager down" in caplog.text


def test_a_claimed_event_is_left_to_its_process_until_the_claim_is_past(client, vpos_settings, receivers) -> None:
    """The view stores its event claimed and delivers it after the commit; a process that died
    in between leaves it claimed, and vpos_deliver_events sends it once the claim is past."""
    from django.db import transaction
    from django.utils import timezone

    from hostedpay.django import events

    payment = make_payment(status="paid")
    with transaction.atomic():  # what the view does, the process dying before the on-commit delivery
        event = events.record(payment, "new", claim=True)
    event.refresh_from_db()
    assert event.claimed_until is not None and event.claimed_until > timezone.now() + events.CLAIM / 2
    receivers.connect(receivers.record)
    assert deliver_events() == "delivered 0, failed 0, remaining 1"
    assert events.deliver(event.pk) is None and not receivers.seen  # the admin action's path too
    PaymentEvent.objects.filter(pk=event.pk).update(claimed_until=timezone.now() - events.CLAIM)
    assert deliver_events() == "delivered 1, failed 0, remaining 0"
    [kwargs] = receivers.seen
    assert kwargs["event"].pk == event.pk
    event.refresh_from_db()
    assert (event.attempts, event.claimed_until, event.delivered_at is not None) == (1, None, True)
    # The late process's own delivery finds it delivered and sends nothing.
    assert events.deliver_claimed(event, payment) is None and len(receivers.seen) == 1


def test_with_a_post_save_receiver_on_payments_the_orm_saves_them(client, vpos_settings, receivers) -> None:
    """The statements written once (hostedpay.django.sql) give way to the ORM when the shop
    listens to the models' post_save: its receivers are called as before."""
    from django.db.models.signals import post_save

    saved: List[Any] = []

    def on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        saved.append((sender.__name__, instance.pk, kwargs["update_fields"]))

    payment = make_payment()
    post_save.connect(on_save, sender=Payment, weak=False)
    post_save.connect(on_save, sender=Notification, weak=False)
    try:
        receivers.connect(receivers.record)
        assert client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT).content == b"00"
    finally:
        post_save.disconnect(on_save, sender=Payment)
        post_save.disconnect(on_save, sender=Notification)
    payment.refresh_from_db()
    assert payment.status == "paid"
    [n] = Notification.objects.all()
    assert [(name, pk) for name, pk, _ in saved] == [("Notification", n.pk), ("Payment", payment.pk),
                                                     ("Notification", n.pk)]
    assert "status" in saved[1][2] and "verdict" in saved[2][2]
    [event] = PaymentEvent.objects.all()
    assert (event.delivered_at is not None, event.attempts, event.claimed_until) == (True, 1, None)
    assert [k["event"].pk for k in receivers.seen] == [event.pk]


def test_limit_and_max_attempts(client, vpos_settings, receivers) -> None:
    for i in range(3):
        make_payment(order_id=f"order {i}")
    receivers.connect(failing_receiver)
    for i in range(3):
        body = payload(order_id=f"order {i}", fpn_id=f"fpn {i}", trans_id=f"trans {i}")
        assert client.post(URL, data=body, content_type=CT).content == b"00"
    assert PaymentEvent.objects.filter(delivered_at__isnull=True, attempts=1).count() == 3
    assert deliver_events("--limit", "1") == "delivered 0, failed 1, remaining 3"
    assert list(PaymentEvent.objects.order_by("id").values_list("attempts", flat=True)) == [2, 1, 1]
    assert deliver_events("--max-attempts", "2") == "delivered 0, failed 2, remaining 3"
    receivers.disconnect(failing_receiver)
    receivers.connect(receivers.record)
    assert deliver_events("--max-attempts", "2") == "delivered 0, failed 0, remaining 3"
    assert deliver_events() == "delivered 3, failed 0, remaining 0"
    assert sorted(k["payment"].order_id for k in receivers.seen) == ["order 0", "order 1", "order 2"]


def test_refund_events_are_stored_and_delivered_again(settings, client, receivers) -> None:
    from tests.conftest import FLOCASH
    from tests.redsys_helpers import REDSYS, RestStandIn, signed_notification

    settings.VPOS = {"flocash": dict(FLOCASH), "redsys": dict(REDSYS)}
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("49.99"))
    body = signed_notification(REDSYS, payment.order_id, 4999)
    assert client.post("/vpos/redsys/default/", body, content_type=CT).status_code == 200
    receivers.connect(failing_receiver)
    refund = payment.refund("10.00", http_client=RestStandIn(REDSYS))
    assert refund.status == "succeeded" and refund.notification.verdict == "applied"
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    event = PaymentEvent.objects.get(notification=refund.notification)
    assert (event.from_status, event.to_status, event.delivered_at) == ("paid", "partially_refunded", None)
    assert event.outcome["refunded_minor"] == 1000 and "RuntimeError" in event.last_error
    receivers.disconnect(failing_receiver)
    receivers.connect(receivers.record)
    assert deliver_events() == "delivered 1, failed 0, remaining 0"
    [kwargs] = receivers.seen
    assert (kwargs["old_status"], kwargs["new_status"], kwargs["event"].pk) == ("paid", "partially_refunded", event.pk)
    # The refund path's payment copy stays saveable (its status was read again).
    payment.item_name = "after the refund"
    payment.save()


def test_admin_lists_events_read_only_and_delivers_now(client, vpos_settings, receivers) -> None:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    make_payment()
    receivers.connect(failing_receiver)
    assert client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT).content == b"00"
    event = PaymentEvent.objects.get()
    page = client.get("/admin/vpos/paymentevent/?delivered_at__isempty=1")
    assert page.status_code == 200 and f"/admin/vpos/paymentevent/{event.pk}/change/" in page.content.decode()
    detail = client.get(f"/admin/vpos/paymentevent/{event.pk}/change/").content.decode()
    assert "RuntimeError" in detail and 'name="_save"' not in detail
    assert client.get("/admin/vpos/paymentevent/add/").status_code == 403
    receivers.disconnect(failing_receiver)
    receivers.connect(receivers.record)
    response = client.post("/admin/vpos/paymentevent/", {"action": "deliver_now", "_selected_action": [event.pk], "index": 0},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["delivered 1, failed 0, skipped 0"]
    event.refresh_from_db()
    assert event.delivered_at is not None and len(receivers.seen) == 1
    assert client.post(f"/admin/vpos/paymentevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403

"""Durable payment events: stored with the move, delivered after the commit, sent again until
the shop's receivers take them.

``apply_event`` (notifications, operation replies, ``vpos_reconcile``) writes a
:class:`~hostedpay.django.models.PaymentEvent` in the transaction that moves the payment, then
asks :func:`deliver_on_commit` to send ``payment_status_changed`` once it commits.
:func:`deliver` sends it with ``Signal.send_robust``: a receiver that raises is logged
(logger ``vpos.django``) and recorded on the event (``attempts``, ``last_error``), never
changing the gateway's answer or the notification's verdict. ``manage.py vpos_deliver_events``
sends the undelivered ones again.

Each delivery runs in its own transaction with the event's row locked
(``select_for_update(skip_locked=True)`` where the database has it; a deliverer finding the
row locked skips it), so two deliverers never send one event at the same time; the attempt is
counted with the result (``delivered_at``, or ``last_error``). On SQLite, which has no row
locks, the delivery claims the event by counting the attempt first: that write takes the
database's write lock and a second deliverer waits, then finds the event delivered (or gives
up with ``database is locked``: the event stays for the next run).
The receivers run inside that transaction: their database writes commit together with
``delivered_at``, or roll back together when one of them raises (the attempt and the error
are then stored on their own; every receiver is called again on the next attempt, so make
receivers idempotent; ``event.pk`` is a good key).

The notification view's own delivery, right after its move commits, reads nothing back: the
event is stored *claimed* (``claimed_until``, :data:`CLAIM` ahead) by the process that moved
the payment, and the delivery opens its transaction with the ``UPDATE`` that marks it
delivered (``WHERE delivered_at IS NULL``), whose row lock keeps every other deliverer out
while the receivers run (SQLite: the database's write lock). When a receiver raises, that
transaction rolls back and the attempt is counted with the claim released, so the next
``vpos_deliver_events`` sends it again; a process that dies between the commit and the delivery
leaves the event claimed, and ``vpos_deliver_events`` (which skips claimed events) takes it once
the claim is past.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, List, Optional, Tuple

from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import F, Q
from django.utils import timezone

from hostedpay.django import sql
from hostedpay.django.models import PaymentEvent, get_payment_model
from hostedpay.django.signals import payment_status_changed

logger = logging.getLogger("vpos.django")

#: ``last_error`` keeps at most this many characters.
LAST_ERROR_MAX = 4000


#: How long an event stored by the process that delivers it after the commit is left to that
#: process: ``vpos_deliver_events`` takes it once this is past (the process died, or its
#: database went away before it could deliver).
CLAIM = datetime.timedelta(minutes=5)


def record(payment: Any, old_status: str, notification: Any = None, outcome: Any = None,
           event_key: str = "", claim: bool = False) -> PaymentEvent:
    """Stores the move of ``payment`` from ``old_status`` to its current status (call it inside
    the transaction that saved the move). ``claim``: stored claimed (``claimed_until``) by this
    process, which then delivers it with :func:`deliver_on_commit`."""
    event = PaymentEvent(
        payment=payment, kind="payment_status_changed", from_status=old_status, to_status=payment.status,
        notification=notification, event_key=event_key or "", outcome=outcome,
        claimed_until=timezone.now() + CLAIM if claim else None)
    alias = sql.usable(PaymentEvent, models.Model.save)
    if alias is None:
        event.save(force_insert=True)
    else:
        sql.insert(event, alias)
    return event


def deliver_on_commit(event: PaymentEvent, payment: Any = None, notification: Any = None) -> None:
    """Delivers ``event`` once the current transaction commits; never raises from there.
    ``payment`` and ``notification`` are the instances the receivers get (default: read again).
    A claimed event (``record(..., claim=True)``) is delivered as stored, without reading it back."""
    pk = event.pk
    if event.claimed_until is not None:
        transaction.on_commit(lambda: deliver_claimed_quietly(event, payment, notification),
                              using=router.db_for_write(PaymentEvent))
        return
    transaction.on_commit(lambda: deliver_quietly(pk, payment, notification),
                          using=router.db_for_write(PaymentEvent))


def deliver_claimed_quietly(event: PaymentEvent, payment: Any, notification: Any = None) -> Optional[bool]:
    """:func:`deliver_claimed`, logging instead of raising: the event stays claimed until
    :data:`CLAIM` is past, then ``vpos_deliver_events`` sends it."""
    try:
        return deliver_claimed(event, payment, notification)
    except Exception as e:  # noqa: BLE001 - the answer to the gateway must not depend on this
        logger.warning("payment event #%s: not delivered now (%s), left for vpos_deliver_events",
                       event.pk, type(e).__name__)
        return None


def deliver_claimed(event: PaymentEvent, payment: Any, notification: Any = None) -> Optional[bool]:
    """Sends ``payment_status_changed`` for ``event``, stored claimed by this process in the
    transaction that committed the move (``payment`` and ``notification``: the instances of that
    move). One transaction: the ``UPDATE`` marking the event delivered comes first (its row
    lock keeps other deliverers out; no row updated: delivered already, ``None``), then the
    receivers, whose writes commit with it. A receiver that raises rolls everything back; the
    attempt and the error are then stored with the claim released (``False``)."""
    using = event._state.db or router.db_for_write(PaymentEvent)
    alias = sql.usable(PaymentEvent, models.Model.save)
    sending = False
    try:
        with transaction.atomic(using=using):
            now = timezone.now()
            if alias is not None:
                claimed = sql.mark_delivered(PaymentEvent, alias, event.pk, now)
            else:
                claimed = bool(PaymentEvent.objects.using(using).filter(pk=event.pk, delivered_at__isnull=True).update(
                    delivered_at=now, attempts=F("attempts") + 1, last_error="", claimed_until=None))
            if not claimed:
                return None
            event.delivered_at, event.last_error, event.claimed_until = now, "", None
            event.attempts += 1
            if notification is not None and notification.pk == event.notification_id:
                event.notification = notification
            sending = True
            _send(payment, event)
            return True
    except _Undelivered as undelivered:
        failures = undelivered.failures
    except DatabaseError as e:
        if not sending:
            raise
        failures = [(None, e)]  # a receiver broke the transaction and swallowed the error
    event.delivered_at = None
    return _failed(PaymentEvent.objects.using(using), event, payment, failures)


def deliver_quietly(pk: int, payment: Any = None, notification: Any = None) -> Optional[bool]:
    """:func:`deliver`, logging instead of raising (the database went away, SQLite stayed
    locked): the event stays for ``vpos_deliver_events``."""
    try:
        return deliver(pk, payment, notification)
    except Exception as e:  # noqa: BLE001 - the answer to the gateway must not depend on this
        logger.warning("payment event #%s: not delivered now (%s), left for vpos_deliver_events",
                       pk, type(e).__name__)
        return None


def send_quietly(signal: Any, **kwargs: Any) -> None:
    """``signal.send_robust(**kwargs)``, logging what each receiver raised (an informational
    signal such as ``notification_processed``: nothing is stored or sent again)."""
    for receiver, error in signal.send_robust(**kwargs):
        if isinstance(error, BaseException):
            logger.error("receiver %s raised %s", _receiver_name(receiver), type(error).__name__,
                         exc_info=(type(error), error, error.__traceback__))


def _receiver_name(receiver: Any) -> str:
    module = getattr(receiver, "__module__", None) or ""
    name = getattr(receiver, "__qualname__", None) or type(receiver).__qualname__
    return f"{module}.{name}" if module else name


class _Undelivered(Exception):
    def __init__(self, failures: List[Tuple[Any, BaseException]]) -> None:
        super().__init__()
        self.failures = failures


def _send(payment: Any, event: PaymentEvent) -> None:
    """``payment_status_changed`` for ``event``, every receiver called; raises
    :class:`_Undelivered` with what the ones that failed raised."""
    responses = payment_status_changed.send_robust(
        sender=type(payment), payment=payment, old_status=event.from_status, new_status=event.to_status,
        notification=event.notification, outcome=event.outcome, event=event)
    failures = [(r, e) for r, e in responses if isinstance(e, BaseException)]
    if failures:
        raise _Undelivered(failures)


def deliver(pk: int, payment: Any = None, notification: Any = None) -> Optional[bool]:
    """Sends ``payment_status_changed`` for the event ``pk`` unless it is delivered already or
    another deliverer holds it. Returns ``True`` (every receiver took it: ``delivered_at`` set),
    ``False`` (a receiver raised: ``attempts`` and ``last_error`` updated) or ``None``
    (skipped: delivered or being delivered elsewhere). ``payment`` and ``notification``: the
    instances the receivers get when they are the event's (default: read again)."""
    using = router.db_for_write(PaymentEvent)
    features = connections[using].features
    events = PaymentEvent.objects.using(using)
    sending = False
    try:
        with transaction.atomic(using=using):
            # An event claimed by the process that stored it is left to it until the claim is past.
            rows = events.filter(unclaimed(), pk=pk, delivered_at__isnull=True)
            if features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)
            elif features.has_select_for_update:
                rows = rows.select_for_update()
            found = list(rows.order_by()[:1])  # by primary key: no ORDER BY for first() to add
            if not found:
                return None
            event = found[0]
            # The claim, where rows cannot be locked (SQLite): this write takes the database's
            # write lock, and a concurrent deliverer finds the event delivered once it gets
            # it. Where they can, the row lock is the claim and the attempt is counted below.
            if not features.has_select_for_update and not events.filter(
                    unclaimed(), pk=pk, delivered_at__isnull=True).update(attempts=F("attempts") + 1):
                return None
            event.attempts += 1
            if payment is None or payment.pk != event.payment_id:
                payment = get_payment_model()._base_manager.using(using).get(pk=event.payment_id)
            if notification is not None and notification.pk == event.notification_id:
                event.notification = notification
            sending = True
            # The receivers run in this transaction: their writes commit with delivered_at, or
            # roll back with it when one raises (then the attempt is counted on its own below).
            _send(payment, event)
            event.delivered_at = timezone.now()
            event.last_error = ""
            event.claimed_until = None
            done: dict = {"delivered_at": event.delivered_at, "last_error": "", "claimed_until": None}
            if features.has_select_for_update:
                done["attempts"] = F("attempts") + 1
            events.filter(pk=pk).update(**done)
            return True
    except _Undelivered as undelivered:
        failures = undelivered.failures
    except DatabaseError as e:
        if not sending:
            raise
        failures = [(None, e)]  # a receiver broke the transaction and swallowed the error
    return _failed(events, event, payment, failures)


def unclaimed() -> Q:
    """Events no process has claimed, or whose claim is past."""
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=timezone.now())


def _failed(events: Any, event: PaymentEvent, payment: Any, failures: List[Tuple[Any, BaseException]]) -> bool:
    """Logs what the receivers raised and stores the attempt, its error and no claim (rolled
    back with the receivers' writes), unless another deliverer delivered the event meanwhile."""
    pk = event.pk
    lines = []
    for receiver, error in failures:
        name = _receiver_name(receiver) if receiver is not None else "(transaction)"
        lines.append(f"{name}: {type(error).__name__}: {error}")
        logger.error("payment event #%s (%s -> %s, payment #%s %s): receiver %s raised %s",
                     event.pk, event.from_status, event.to_status, payment.pk, payment.order_id, name,
                     type(error).__name__, exc_info=(type(error), error, error.__traceback__))
    event.last_error = "\n".join(lines)[:LAST_ERROR_MAX]
    # Rolled back with the receivers' writes: the attempt is counted now, unless another
    # deliverer took the event meanwhile.
    event.claimed_until = None
    events.filter(pk=pk, delivered_at__isnull=True).update(attempts=F("attempts") + 1, last_error=event.last_error,
                                                            claimed_until=None)
    return False

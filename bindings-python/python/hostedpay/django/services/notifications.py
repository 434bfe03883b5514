"""Applying a verified event to a payment: the one path by which a payment moves.

Notifications (``hostedpay.django.views.NotificationView``), operation replies
(:mod:`hostedpay.django.services.operations`) and ``vpos_reconcile`` all call :func:`apply_event`.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, List, Mapping, Optional, Tuple

from django.db import IntegrityError, transaction
from django.utils import timezone

import hostedpay
from hostedpay import driver
from hostedpay.django import conf, events, sql
from hostedpay.django.models import (TRANSITION_FIELDS, AbstractPayment, EventKeyConflict, Notification, Refund,
                                     get_payment_model)
from hostedpay.django.signals import notification_processed

logger = logging.getLogger("vpos.django")

#: ``acknowledge(outcome) -> (response, payment_fields)``: the gateway's answer for the
#: outcome (the core's ``HttpResponse`` shape) and what to save on the payment (the core's
#: ``PaymentFields`` to store: empty unless a successful sale or authorisation was applied).
Acknowledge = Callable[[Any], Tuple[Mapping[str, Any], Mapping[str, Any]]]


#: What ``apply_event`` writes of a stored ``record``: the verdict, and the untrusted summary
#: (order id, transaction id, status code) its caller read before the proof.
RECORD_FIELDS = ["order_id", "transaction_id", "status_code", "payment", "event_key", "applied_event_key", "verdict",
                 "error_code", "detail", "response_status", "processed_at"]


def apply_event(record: Notification, acct: conf.Account, event: Any,
                acknowledge: Acknowledge) -> Optional[Tuple[Any, Mapping[str, Any]]]:
    """Applies a verified ``event`` to its payment.

    In one transaction: lock the payment of ``(gateway, account, event.order_id)``
    (``select_for_update``), look up which payment the event's key is applied to (one query
    on the unique key), let the core decide, save the status and the payment fields
    ``acknowledge`` returns in one ``UPDATE`` (the core decides which fields: only after a
    successful sale or authorisation applied, so a refusal, a retry or a forgery never writes
    them), store ``record`` with its verdict and (when applied) its event key under the unique
    constraint (a stored ``record``: its ``RECORD_FIELDS`` only; an unsaved one is inserted)
    and a ``PaymentEvent``, then on commit deliver the event
    (``payment_status_changed``, see :mod:`hostedpay.django.events`) and send
    ``notification_processed``; a receiver that raises changes neither the answer nor the
    verdict. Returns ``(outcome, response)``, or ``None`` when no payment has that order.
    Raises ``EventKeyConflict`` when the event's key is applied to another payment.
    """
    Payment = get_payment_model()
    # The same statements written once instead of built by the ORM each time (hostedpay.django.sql),
    # unless a model's save is overridden or has pre_save/post_save receivers.
    fast_payment = (sql.usable(Payment, AbstractPayment.save)
                    if Payment.save_transition is AbstractPayment.save_transition else None)
    fast_record = sql.usable(Notification, Notification.save)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                if fast_payment is not None:
                    payment = sql.lock_payment(Payment, fast_payment, acct.gateway_name, acct.name, event.order_id)
                else:
                    # One row at most (unique per account): no ORDER BY for first() to add.
                    locked = list(Payment.objects.select_for_update().order_by()
                                  .filter(gateway=acct.gateway_name, account=acct.name, order_id=event.order_id)[:1])
                    payment = locked[0] if locked else None
                if payment is None:
                    return None
                # Read under the lock, so a delivery of the same event that committed while
                # we waited is seen here (and answered already_applied), not at the save.
                applied_to = applied_payment(record.gateway, event.key)
                keys = [event.key] if applied_to == (payment.pk,) else []
                outcome = hostedpay.transition(payment.snapshot(applied_event_keys=keys), event)
                if outcome.kind == "applied" and applied_to is not None and applied_to != (payment.pk,):
                    raise EventKeyConflict(payment, event.key)
                old_status = payment.status
                # The answer first: it may refuse (Redsys SOAP), before anything is written.
                response, payment_fields = acknowledge(outcome)
                fields = storable_payment_fields(payment, payment_fields)
                if outcome.new_status is not None:
                    payment.apply_outcome(outcome)
                    if fast_payment is not None:
                        save_transition(payment, fields, fast_payment)
                    else:
                        payment.save_transition(fields)
                elif fields:
                    type(payment).objects.filter(pk=payment.pk).update(**{n: getattr(payment, n) for n in fields})
                record.payment = payment
                record.event_key = event.key
                record.applied_event_key = event.key if outcome.kind == "applied" else None
                record.verdict = outcome.kind
                record.error_code = outcome.error.code if outcome.error is not None else ""
                record.detail = outcome.to_dict()
                record.response_status = response["status"]
                record.processed_at = timezone.now()
                if record._state.adding:
                    record.save()
                else:  # the verdict only: the raw body, headers and the rest are stored already
                    save_fields(record, RECORD_FIELDS, fast_record)
                if outcome.kind == "applied":
                    # Stored with the move, claimed by this process, which sends
                    # payment_status_changed after the commit; vpos_deliver_events sends it
                    # again while a receiver raises (or once the claim is past).
                    stored = events.record(payment, old_status, record, record.detail, event.key, claim=True)
                    events.deliver_on_commit(stored, payment, record)
                transaction.on_commit(lambda: events.send_quietly(
                    notification_processed, sender=Notification, notification=record, verdict=record.verdict))
            return outcome, response
        except IntegrityError:
            # Another delivery of the same event committed its key between our lock and
            # our save (only where the database cannot lock rows, as SQLite): run the core
            # again, which now sees the key and answers already_applied.
            record.applied_event_key = None
            if attempt == 2:
                raise
    return None  # pragma: no cover - the loop returns or raises


def settle_operation(record: Notification, event: Any, outcome: Any) -> Optional[Any]:
    """A proven notification about an operation (BitPay's refund webhook) settles the oldest
    ``pending`` operation of its payment of that action and amount, as ``vpos_reconcile`` does
    with a status query's events: what ``driver.OperationStatus.after_reply`` says (``succeeded``
    once the refund is applied or was; ``failed`` when the gateway says it failed; still
    ``pending`` while the gateway has not finished, left alone). Conditional on the row still
    being ``pending``, so two deliveries settle it once. Returns the settled ``Refund``, or
    ``None``."""
    if event.action != "refund" or record.payment_id is None:
        return None
    status = driver.OperationStatus.after_reply("refund", event, outcome)
    if status.state == "pending":
        return None
    candidates = (Refund.objects.filter(payment_id=record.payment_id, status="pending", kind="refund",
                                        amount_minor=event.amount["minor"], currency=event.amount["currency"])
                  .order_by("created", "pk"))
    for op in candidates:
        moved = Refund.objects.filter(pk=op.pk, status="pending").update(
            status=status.state, error_code=(status.code or "")[:64], detail=outcome.to_dict(),
            notification=record, updated=timezone.now())
        if moved:
            op.refresh_from_db()
            return op
    return None


def save_transition(payment: Any, fields: List[str], alias: str) -> None:
    """``payment.save_transition(fields)``'s one ``UPDATE`` (status, the totals, ``modified``
    and ``fields``), written by :mod:`hostedpay.django.sql`."""
    try:
        sql.update_one(payment, [*sorted(TRANSITION_FIELDS), "modified", *fields], alias)
        payment._vpos_remember(TRANSITION_FIELDS)
    finally:
        payment._vpos_transition = False


def save_fields(record: Notification, names: List[str], alias: Optional[str] = "") -> None:
    """``record.save(update_fields=names)``: one ``UPDATE`` of a stored notification, written by
    :mod:`hostedpay.django.sql` when ``alias`` (default: found out) allows it."""
    if alias == "":
        alias = sql.usable(Notification, Notification.save)
    if alias is None:
        record.save(update_fields=names)
        return
    record.replace_nul(names)
    sql.update_one(record, names, alias)


def applied_payment(gateway: str, key: str) -> Optional[Tuple[Any]]:
    """``(payment_id,)`` of the notification that applied ``key`` on ``gateway`` (``payment_id``
    is ``None`` when that payment was deleted), or ``None`` when no notification applied it.
    One indexed lookup on the unique ``(gateway, applied_event_key)``: whether the event is
    already applied to the locked payment, or to another one."""
    alias = sql.usable(Notification)
    if alias is not None:
        return sql.applied_payment(Notification, alias, gateway, key)
    rows = list(Notification.objects.filter(gateway=gateway, applied_event_key=key)
                .order_by().values_list("payment_id")[:1])
    return tuple(rows[0]) if rows else None  # type: ignore[return-value]


def storable_payment_fields(payment: Any, values: Mapping[str, str]) -> List[str]:
    """Sets the non-empty ``values`` on ``payment`` (not saved) and returns their names. A value
    longer than its column is left out, never cut: a cut card reference would be a wrong one.
    (The core already left out empty values and values holding a NUL.)"""
    keep: List[str] = []
    for name, value in values.items():
        if not value or "\x00" in value:
            continue
        if len(value) > (payment._meta.get_field(name).max_length or 0):
            logger.warning("%s/%s %s: %s too long, not stored", payment.gateway, payment.account,
                           payment.order_id, name)
            continue
        setattr(payment, name, value)
        keep.append(name)
    return keep


def store_payment_fields(payment: Any, values: Mapping[str, str]) -> None:
    """Saves the non-empty ``values`` on ``payment`` (by ``UPDATE``: the status is untouched);
    see :func:`storable_payment_fields` for what is left out."""
    keep = storable_payment_fields(payment, values)
    if keep:
        type(payment).objects.filter(pk=payment.pk).update(**{n: getattr(payment, n) for n in keep})


def unstorable(event: Any) -> Optional[hostedpay.VposError]:
    """The error for a verified event whose order id or key the database cannot take: a NUL
    (PostgreSQL refuses it in text), or longer than the payment's ``order_id`` or the
    notification's ``event_key`` column (no payment can have such an order id)."""
    limits = (("order_id", event.order_id, get_payment_model()._meta.get_field("order_id").max_length),
              ("event_key", event.key, Notification._meta.get_field("event_key").max_length))
    for field, value, limit in limits:
        if "\x00" in value:
            return hostedpay.ParseError("field_invalid", f"{field} holds a NUL character", field)
        if limit is not None and len(value) > limit:
            return hostedpay.ParseError("field_too_long", f"{field} is longer than {limit} characters", field)
    return None

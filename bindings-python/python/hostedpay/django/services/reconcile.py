"""Reconciling a payment by the gateway's status query (``manage.py vpos_reconcile`` for every
gateway but FloCash, whose Merchant Polling the command drives itself).

:func:`query_payment` asks the gateway what became of one payment (the core's
``driver.StatusQuery.on_payment``, ``status_query_request``, ``parse_status_reply``: Redsys
``consultaOperaciones``, PayPal ``GetTransactionDetails``, the Bitpay invoice ``GET``; see
docs/status-queries.md), stores the answer's events as ``Notification`` rows, applies each through
the one locked path (:func:`hostedpay.django.services.notifications.apply_event`), then settles
the payment's operations still ``pending`` that the answer shows done or refused
(``driver.OperationStatus.after_reply``). Each event carries the key the gateway's own
notification gives the same fact, so whatever applies second (a notification, another run) is
``already_applied``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple, cast

from django.utils import timezone

import hostedpay
from hostedpay import driver
from hostedpay.django import conf
from hostedpay.django.models import EventKeyConflict, Notification, Refund
from hostedpay.django.services.notifications import Acknowledge, apply_event, unstorable
from hostedpay.django.services.operations import _body_bytes, stored_fields

if TYPE_CHECKING:  # names of the stubs only
    from hostedpay.driver import OperationKind

HttpClient = Callable[[Mapping[str, Any], float], Dict[str, Any]]

#: Payment statuses still waiting for the gateway's word (``authorized``: a pre-authorisation
#: whose capture or release may have happened without its notification reaching us).
WAITING = ("new", "pending", "authorized")
#: Operation kinds a query may settle (``Refund.kind``).
OPERATION_KINDS = ("refund", "capture", "release", "charge")
#: The event action that says an operation of each kind went through (the core's
#: ``OperationKind::action``).
_ACTION = {"refund": "refund", "capture": "sale", "charge": "sale", "release": "cancel"}
#: What ``apply_event`` answers for a query's event: there is nobody to answer.
_NO_ANSWER: Dict[str, Any] = {"status": 200, "headers": [], "body": ""}
#: How far before the payment's creation a search by order starts (clock skew).
SINCE_SKEW = datetime.timedelta(minutes=5)
#: The keys of the core's ``Reply`` (``{"status", "body"}`` or ``{"error"}``).
_REPLY_KEYS = ("status", "body", "error")
#: Stored on each ``Notification`` a query's answer produced.
SOURCE_HEADERS = {"source": "vpos_reconcile"}


@dataclass
class Result:
    """What one query did: ``verdict`` is ``changed``, ``unchanged``, ``failed`` or ``skipped``;
    ``notes`` are lines for the operator (never secrets: the core's error messages name
    fields, not values); ``settled`` counts the operations it moved."""

    verdict: str
    notes: List[str] = field(default_factory=list)
    settled: int = 0
    #: Why a ``skipped`` payment cannot be queried (the core's error code, field and message).
    reason: str = ""


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")


def _timestamp() -> str:
    return _utc(datetime.datetime.now(datetime.timezone.utc))


def _error_text(e: hostedpay.VposError) -> str:
    return f"{e.code}" + (f" on {e.field}" if e.field else "") + f": {e.message}"


def query_request(acct: conf.Account, payment: Any, *, by_order: bool = False) -> Tuple[Any, Mapping[str, Any]]:
    """The core's ``(StatusQuery, request)`` for ``payment``; raises the core's ``VposError``
    when it cannot be asked (no status query, no Redsys ``query_url``, no Bitpay invoice
    reference). ``since`` is the payment's creation (less :data:`SINCE_SKEW`): where PayPal's
    ``TransactionSearch`` starts when no IPN left a transaction id. ``by_order``: ask by the
    order, not by the stored transaction id (PayPal: ``TransactionSearch``, which lists the
    refunds too; ``GetTransactionDetails`` does not)."""
    fields = stored_fields(payment)
    query = {
        "order_id": payment.order_id,
        "amount": {"minor": payment.amount_minor, "currency": payment.currency},
        "transaction_id": "" if by_order else fields["transaction_id"],
        "reference": payment.reference or "",
        "timestamp": _timestamp(),
        "since": _utc(payment.created - SINCE_SKEW),
    }
    status_query = driver.StatusQuery(query)
    return status_query, driver.status_query_request(acct.config, status_query)


def query_payment(acct: conf.Account, payment: Any, client: HttpClient, *, timeout: Optional[float] = None,
                  operations_before: Optional[datetime.datetime] = None, dry_run: bool = False) -> Result:
    """Asks the gateway about ``payment`` and applies what it answers (see the module
    documentation). ``operations_before``: only operations created before then are settled
    (one younger may still be waiting for its own reply). ``dry_run``: ask, but write nothing;
    the verdict says what a real run would have done."""
    where = f"{acct.gateway_name}/{acct.name} {payment.order_id}"
    pending = Refund.objects.filter(payment_id=payment.pk, status="pending", kind__in=OPERATION_KINDS)
    if operations_before is not None:
        pending = pending.filter(created__lte=operations_before)
    try:
        query, request = query_request(acct, payment, by_order=pending.exists())
    except hostedpay.VposError as e:
        return Result("skipped", reason=_error_text(e))
    try:
        reply = client(request, timeout if timeout is not None else acct.rest_timeout)
    except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
        reply = {"error": f"{type(e).__name__}: {e}"}
    try:
        # The core's Reply shape only: a host client may return more (its headers, say).
        answer = driver.parse_status_reply(acct.config, query, {k: v for k, v in reply.items() if k in _REPLY_KEYS})
    except hostedpay.VposError as e:
        return Result("failed", [f"{where}: query failed: {_error_text(e)}"])
    except (TypeError, ValueError) as e:  # the client's reply is not the core's Reply shape
        return Result("failed", [f"{where}: query failed: the HTTP client's reply: {e}"])
    if not answer.found:
        return Result("unchanged", [f"{where}: the gateway knows no such transaction"])
    events = answer.events()
    for event in events:
        problem = unstorable(event)
        if problem is not None:
            return Result("failed", [f"{where}: {_error_text(problem)}"])
    if dry_run:
        return _simulate(where, payment, events, operations_before)
    if _nothing_new(payment, events, operations_before):
        return Result("unchanged")
    # Stored before anything is applied: the answer is kept whatever happens next.
    notes = [Notification.objects.create(
        gateway=acct.gateway_name, account=acct.name, content_type=_content_type(reply),
        headers=dict(SOURCE_HEADERS), body=_body_bytes(reply), order_id=event.order_id[:64],
        transaction_id=event.transaction_id[:64], status_code=event.status_code[:64]) for event in events]
    result = Result("unchanged")
    applied: List[Tuple[Any, Any, Notification]] = []
    for event, note in zip(events, notes):
        try:
            done = apply_event(note, acct, event, _acknowledge(answer, event))
        except EventKeyConflict as e:  # the event already moved another payment: a person looks
            note.payment_id, note.verdict, note.error_code = payment.pk, "rejected", e.code
            note.detail, note.event_key, note.processed_at = e.to_dict(), event.key, timezone.now()
            note.save(update_fields=["payment", "verdict", "error_code", "detail", "event_key", "processed_at"])
            result.notes.append(f"{where}: {e.code}: {e.message}")
            _worse(result, "failed")
            continue
        except Exception as e:  # noqa: BLE001 - one payment's failure must not stop the run
            result.notes.append(f"{where}: {type(e).__name__}: {e}")
            _worse(result, "failed")
            continue
        if done is None:  # the payment row went away meanwhile
            Notification.objects.filter(pk=note.pk).update(verdict="no_payment", processed_at=timezone.now())
            result.notes.append(f"{where}: the payment is gone")
            _worse(result, "failed")
            continue
        outcome = done[0]
        applied.append((event, outcome, note))
        _judge(result, where, event, outcome)
    _settle_operations(result, where, payment, applied, operations_before, write=True)
    return result


def _nothing_new(payment: Any, events: Sequence[Any], before: Optional[datetime.datetime]) -> bool:
    """Every event of the answer already applied to this payment and no operation of it waiting:
    storing the answer again would only grow the table (an ``authorized`` payment is asked on
    every run). Read without the lock: an applied key never goes away."""
    keys = set(payment.applied_event_keys())
    if not all(event.key in keys for event in events):
        return False
    pending = Refund.objects.filter(payment_id=payment.pk, status="pending", kind__in=OPERATION_KINDS)
    if before is not None:
        pending = pending.filter(created__lte=before)
    return not pending.exists()


def _acknowledge(answer: Any, event: Any) -> Acknowledge:
    """Nothing to answer; the payment fields the answer leaves after ``event`` (PayPal's
    transaction id, Redsys's authorisation code: only once a successful sale applied)."""
    def acknowledge(outcome: Any) -> Tuple[Mapping[str, Any], Mapping[str, Any]]:
        return _NO_ANSWER, answer.fields_to_store(event, outcome)
    return acknowledge


def _content_type(reply: Mapping[str, Any]) -> str:
    """The reply's ``Content-Type`` when the host's client returns its headers (the core's
    ``Reply`` has none)."""
    headers = reply.get("headers") or ()
    for name, value in headers.items() if isinstance(headers, Mapping) else headers:
        if str(name).lower() == "content-type":
            return str(value)[:250]
    return ""


def _worse(result: Result, verdict: str) -> None:
    """``changed`` wins over ``failed``, which wins over ``unchanged`` (as FloCash's path counts)."""
    if result.verdict != "changed":
        result.verdict = verdict


def _judge(result: Result, where: str, event: Any, outcome: Any) -> None:
    if outcome.kind == "applied":
        result.verdict = "changed"
    elif outcome.kind == "rejected" or (outcome.kind == "ignored" and outcome.reason == "unknown_status"):
        result.notes.append(f"{where}: {event.key}: {outcome.to_dict()}")
        _worse(result, "failed")


def _simulate(where: str, payment: Any, events: List[Any], operations_before: Optional[datetime.datetime]) -> Result:
    """What a real run would do, on a copy of the payment's snapshot: nothing is written."""
    snapshot = cast(Dict[str, Any], payment.snapshot())
    result = Result("unchanged")
    applied: List[Tuple[Any, Any, Optional[Notification]]] = []
    for event in events:
        outcome = hostedpay.transition(cast(Any, snapshot), event)
        if outcome.kind == "applied" and outcome.new_status is not None:
            snapshot.update(status=outcome.new_status, refunded_minor=outcome.refunded_minor,
                            released_minor=outcome.released_minor)
            if outcome.captured_minor is not None:
                snapshot["captured_minor"] = outcome.captured_minor
            snapshot["applied_event_keys"] = [*snapshot["applied_event_keys"], event.key]
        applied.append((event, outcome, None))
        _judge(result, where, event, outcome)
    _settle_operations(result, where, payment, applied, operations_before, write=False)
    return result


def _settle_operations(result: Result, where: str, payment: Any,
                       applied: Sequence[Tuple[Any, Any, Optional[Notification]]],
                       before: Optional[datetime.datetime], *, write: bool) -> None:
    """Matches each ``pending`` operation of ``payment`` (oldest first) to an event of the
    answer of its action and amount not matched yet, and stores what
    ``driver.OperationStatus.after_reply`` says of it: ``succeeded`` or ``failed``; still
    ``pending`` (no such event, or the gateway has not finished) is left alone. The update is
    conditional on the row still being ``pending``, so of two runs settling one operation
    only one counts it."""
    pending = Refund.objects.filter(payment_id=payment.pk, status="pending", kind__in=OPERATION_KINDS)
    if before is not None:
        pending = pending.filter(created__lte=before)
    records = list(pending.order_by("created", "pk"))
    if not records:
        return
    # Events other operations of this payment were settled by are theirs.
    claimed: Set[str] = set(Refund.objects.filter(payment_id=payment.pk).exclude(status="pending")
                            .exclude(notification__isnull=True).values_list("notification__event_key", flat=True))
    for record in records:
        match = None
        for event, outcome, note in applied:
            if (event.key in claimed or event.action != _ACTION[record.kind]
                    or event.amount["minor"] != record.amount_minor or event.amount["currency"] != record.currency):
                continue
            if record.kind in ("capture", "charge") and event.status == "authorized":
                continue  # the pre-authorisation itself, not its capture
            match = (event, outcome, note)
            break
        if match is None:
            continue
        event, outcome, note = match
        claimed.add(event.key)
        status = driver.OperationStatus.after_reply(cast("OperationKind", record.kind), event, outcome)
        if status.state == "pending":
            continue
        if write:
            moved = Refund.objects.filter(pk=record.pk, status="pending").update(
                status=status.state, error_code=(status.code or "")[:64], detail=outcome.to_dict(),
                notification=note, reference=record.reference or event.transaction_id[:128], updated=timezone.now())
        else:
            moved = 1
        if moved:
            result.settled += 1
            result.verdict = "changed"
            result.notes.append(f"{where}: {record.kind} #{record.pk} of {record.amount_minor} {record.currency} "
                                f"{status.state}" + (f" ({status.code})" if status.code else ""))

"""Operations on a payment through the gateway's server-to-server API, one code path for every
gateway and kind, on the core's driver (:mod:`hostedpay.driver`): ``refund``, ``capture`` (of a
pre-authorisation), ``release`` (of one) and ``charge`` (a stored card, merchant-initiated).

:func:`operate` is what ``Payment.refund(amount)``, ``capture()``, ``release()``,
``charge_stored_credential()`` and the admin actions call:

1. under the payment's row lock, the core checks the operation (``driver.check_operation``:
   the state table's ``allowed_operations``, and for a refund what can still be refunded once
   refunds still ``pending`` are set aside); one capture, release or charge at a time per
   payment; the core describes the operation from the payment and the fields its notification
   left (``driver.Operation.on_payment``) and builds the request
   (``driver.operation_request``); a ``pending`` :class:`~hostedpay.django.models.Refund` of that
   ``kind`` is stored and committed before any network call;
2. the request goes through the HTTP client (``http_client=``, the ``VPOS_HTTP_CLIENT``
   setting, or :func:`hostedpay.http.send`) with the account's ``rest_timeout``;
3. the core reads the reply (``driver.parse_operation_reply``, signature or hash verified);
   when it cannot, ``driver.OperationStatus.after_error`` decides: the gateway's own refusal
   (``gateway_error``) is ``failed``, no usable answer stays ``pending`` with the error kept,
   since the money may have moved;
4. the verified reply is stored as a ``Notification`` and its event applied through the one
   locked ``transition`` path (:func:`hostedpay.django.services.notifications.apply_event`), so a
   notification the gateway sends for the same operation later is ``already_applied``;
   ``driver.OperationStatus.after_reply`` settles the operation.

Retries and idempotency keys: each operation gets the core's ``driver.operation_key`` (from the
gateway, merchant, order and kind, and how many operations of that kind the payment had,
counted under the lock), stored on the ``Refund`` and set on the ``Operation`` (PayPal sends it
as ``MSGSUBID``). An attempt the core cannot read is asked again only when
``driver.retry_after`` says so: never after a refusal; always when the request never left
(the client raised ``ConnectionRefusedError`` or a DNS failure); after a timeout or a 5xx only
where the gateway dedupes by the key (PayPal), under the same key. Otherwise the operation stays
``pending`` with its error code, for the status query or a person. The policy is the
``VPOS_OPERATION_RETRY`` setting (``{"max_attempts", "base_delay_ms", "max_delay_ms"}``, the
core's default when unset); the wait is ``_sleep`` (``time.sleep``), plus up to 10 % jitter.

Which gateway offers which operation is the core's table (``driver.supported_operations``:
Redsys all four, Elavon refund/capture/release, PayPal and CECA refund); what each quotes
(Redsys's order, Elavon's ``PASREF``/``AUTHCODE``, PayPal's ``txn_id`` and ``Full``/``Partial``,
CECA's ``Referencia`` and ``TIPO_ANU``, the stored-card flags) is decided in the core too.
"""

from __future__ import annotations

import datetime
import hmac
import logging
import random
import socket
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

import hostedpay
from hostedpay import driver
from hostedpay.django import conf
from hostedpay.django.models import EventKeyConflict, Notification, Refund, _to_minor, get_payment_model
from hostedpay.django.services.notifications import apply_event

if TYPE_CHECKING:  # names of the stubs only
    from hostedpay.driver import CofType, OperationKind
    from hostedpay.state import AmountIn

logger = logging.getLogger("vpos.django")

HttpClient = Callable[[Mapping[str, Any], float], Dict[str, Any]]

#: The payment fields an operation may quote (the core's ``PaymentFields``).
PAYMENT_FIELDS = ("transaction_id", "authorisation_code", "card_reference", "card_expiry", "cof_transaction_id")
#: Kinds that capture, release or charge: one at a time per payment.
SINGLE_KINDS = ("capture", "release", "charge")
#: What ``operate`` answers when a reply was read: the stored reply needs no HTTP answer.
_NO_ANSWER: Dict[str, Any] = {"status": 200, "headers": [], "body": ""}
#: How the host waits between attempts (seconds); tests replace it.
_sleep: Callable[[float], None] = time.sleep
#: Exceptions of a client that mean the request never reached the gateway.
_NOT_SENT = (ConnectionRefusedError, socket.gaierror)


def _jsonable_reply(reply: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in reply.items():
        out[key] = bytes(value).decode("utf-8", errors="replace") if isinstance(value, (bytes, bytearray)) else value
    return out


def _body_bytes(reply: Mapping[str, Any]) -> bytes:
    body = reply.get("body", b"")
    return body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")


def stored_fields(payment: Any) -> Dict[str, str]:
    """What the payment's proven notification left, as the core's ``PaymentFields``."""
    return {name: getattr(payment, name, "") or "" for name in PAYMENT_FIELDS}


def _timestamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")


def _refuse_unsupported(acct: conf.Account, payment: Any, kind: str, minor: int) -> None:
    """Raises the core's ``unsupported`` (on ``gateway``) when the gateway has no ``kind`` in vpos,
    before anything is checked or stored."""
    if kind in driver.supported_operations(payment.gateway):
        return
    op = driver.Operation({"kind": kind, "order_id": payment.order_id,
                           "amount": {"minor": minor, "currency": payment.currency}})
    driver.operation_request(acct.config, op)  # raises the core's words (FloCash says where instead)
    raise hostedpay.UnsupportedError("unsupported", f"{payment.gateway} has no {kind} operation in vpos", "gateway")


def operate(payment: Any, kind: str, amount: Any = None, *, http_client: Optional[HttpClient] = None,
            timeout: Optional[float] = None, operation: Any = None, resume: bool = False) -> Refund:
    """Asks the gateway for ``kind`` (see the module documentation) on ``payment``.

    ``kind`` is ``"refund"``, ``"capture"``, ``"release"`` or ``"charge"`` (the old gateway
    names ``confirm``/``settle`` and ``cancel``/``void`` are read as ``capture`` and
    ``release``). ``amount`` (``Decimal``, exact string or ``int`` in the payment's currency)
    defaults to the payment's amount. ``operation`` (a ``hostedpay.driver.Operation``) replaces
    the one built from the payment (a stored-card charge). Raises a ``VposError`` before
    asking when the operation cannot be asked at all (``unsupported``,
    ``invalid_transition``, ``refund_exceeds_amount``, a bad amount, a missing
    ``rest_url``/``remote_url``); otherwise returns the stored ``Refund`` whatever its status.
    ``resume=True`` asks a ``pending`` operation of ``kind`` on the payment again, with its
    stored key (a lost answer where the gateway dedupes by it: PayPal), instead of refusing
    while it is pending.
    """
    kind = cast("OperationKind", Refund.LEGACY_KINDS.get(kind, kind))  # an unknown one: the core refuses it
    acct = payment.account_settings()
    config = acct.config
    if amount is not None:
        minor = _to_minor(amount, payment.currency, "amount")
    elif kind in ("capture", "release"):
        # What is still authorised (the core's count); the check under the lock holds it.
        minor = payment.capturable_minor() or payment.amount_minor
    else:
        minor = payment.amount_minor
    _refuse_unsupported(acct, payment, kind, minor)
    Payment = get_payment_model()
    # 1. Check and record under the row lock; committed before the network call.
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        snapshot = locked.snapshot()
        in_flight = (locked.refunds.filter(status="pending", kind="refund").aggregate(s=Sum("amount_minor"))["s"]
                     or 0) if kind == "refund" else 0
        driver.check_operation(snapshot, kind, minor, in_flight)
        pending = (locked.refunds.filter(status="pending", kind=kind, amount_minor=minor).order_by("pk").last()
                   if resume and driver.supports_idempotency_key(locked.gateway) else None)
        if (pending is None and kind in SINGLE_KINDS
                and locked.refunds.filter(status="pending", kind__in=SINGLE_KINDS).exists()):
            raise hostedpay.ConsistencyError("invalid_transition",
                                        f"an operation on {locked.order_id} is still pending", "status")
        if operation is None:
            operation = driver.Operation.on_payment(
                kind, snapshot, amount={"minor": minor, "currency": locked.currency},
                stored=stored_fields(locked), timestamp=_timestamp())
        if pending is not None:  # the same operation asked again: its key, so the gateway acts once
            key = pending.idempotency_key
        else:
            # The next operation of its kind on this payment gets a key of its own.
            sequence = locked.refunds.filter(kind=kind).count() + 1
            key = driver.operation_key(locked.gateway, snapshot["merchant"], operation.order_id, kind, sequence)
        operation = operation.with_idempotency_key(key)
        request = driver.operation_request(config, operation)
        record = pending or Refund.objects.create(payment=locked, kind=kind, amount_minor=minor,
                                                  currency=locked.currency, idempotency_key=key)
    # 2. Ask the gateway, again only when the core says it is safe.
    client = http_client or conf.http_client()
    policy = getattr(settings, "VPOS_OPERATION_RETRY", None)
    attempt = 0
    token_renewed = False
    while True:
        attempt += 1
        failure: Any
        try:
            reply = client(request, timeout if timeout is not None else acct.rest_timeout)
            failure = reply
        except _NOT_SENT as e:
            reply = {"error": f"{type(e).__name__}: {e}"}
            failure = "not_sent"
        except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
            reply = {"error": f"{type(e).__name__}: {e}"}
            failure = "no_answer"
        record.reply = _jsonable_reply(reply)
        # 3. Read the verified reply.
        try:
            read = driver.parse_operation_reply(config, operation, reply)
            break
        except hostedpay.VposError as e:
            if (not token_renewed and acct.gateway_name == "paypal_rest"
                    and hostedpay.paypal_rest.is_token_rejected(e)):
                # PayPal's 401: the cached token expired or was revoked. Once more with a new
                # token and the same operation (same PayPal-Request-Id); a second 401 is a
                # configuration problem and stays pending below.
                token_renewed = True
                config = acct.fresh_config()
                request = driver.operation_request(config, operation)
                logger.info("%s #%s of %s/%s %s: token refused, asking again with a new one", kind, record.pk,
                            acct.gateway_name, acct.name, payment.order_id)
                continue
            status = driver.OperationStatus.after_error(e)
            delay = (driver.retry_after(acct.gateway_name, attempt, failure, policy)
                     if status.state == "pending" else None)
            if delay is not None:
                logger.info("%s #%s of %s/%s %s: %s on attempt %d, asking again in %d ms", kind, record.pk,
                            acct.gateway_name, acct.name, payment.order_id, e.code, attempt, delay)
                _sleep(delay / 1000 * (1 + random.random() / 10))  # jitter: the core has none
                continue
            record.status = status.state
            record.error_code = e.code
            record.detail = e.to_dict()
            record.save()
            logger.warning("%s #%s of %s/%s %s: %s", kind, record.pk, acct.gateway_name, acct.name,
                           payment.order_id, e.code)
            return _done(record, payment)
    event = read.event()
    # 4. Apply the event through the one locked transition path.
    headers = {str(k).lower(): str(v) for k, v in request.get("headers", [])}
    note = Notification.objects.create(
        gateway=acct.gateway_name, account=acct.name, content_type=headers.get("content-type", "")[:250],
        headers={}, body=_body_bytes(reply), order_id=event.order_id[:64],
        transaction_id=event.transaction_id[:64], status_code=event.status_code[:64])
    record.reference = event.transaction_id[:128]
    try:
        result = apply_event(note, acct, event, lambda outcome: (_NO_ANSWER, read.fields_to_store(outcome)))
    except EventKeyConflict as e:  # the reply's event already moved another payment: a person looks
        record.notification = note
        record.error_code = e.code
        record.detail = e.to_dict()
        record.save()
        note.payment_id, note.verdict, note.error_code = payment.pk, "rejected", e.code
        note.detail, note.event_key, note.processed_at = e.to_dict(), event.key, timezone.now()
        note.save(update_fields=["payment", "verdict", "error_code", "detail", "event_key", "processed_at"])
        logger.warning("%s #%s of %s/%s %s: %s", kind, record.pk, acct.gateway_name, acct.name,
                       payment.order_id, e.code)
        return _done(record, payment)
    if result is None:  # the payment row vanished between the lock and the reply
        record.error_code = "payment_not_found"
        record.save()
        Notification.objects.filter(pk=note.pk).update(verdict="no_payment", processed_at=timezone.now())
        return record
    outcome, _ = result
    record.notification = note
    record.detail = outcome.to_dict()
    status = driver.OperationStatus.after_reply(kind, event, outcome)
    record.status = status.state
    record.error_code = (status.code or "")[:64]
    record.save()
    return _done(record, payment)


def _done(record: Refund, payment: Any) -> Refund:
    payment.refresh_from_db()
    record.payment = payment
    return record


def refund(payment: Any, amount: Any, *, http_client: Optional[HttpClient] = None,
           timeout: Optional[float] = None) -> Refund:
    """Refunds ``amount`` of ``payment``; see :func:`operate`. An account whose flags forbid this
    refund (partial or total) refuses before anything is asked or stored: ``UnsupportedError``
    on ``amount``."""
    payment.account_settings().check_refund(_to_minor(amount, payment.currency, "amount"), payment.amount_minor)
    return operate(payment, "refund", amount, http_client=http_client, timeout=timeout)


def capture(payment: Any, amount: Any = None, *, http_client: Optional[HttpClient] = None,
            timeout: Optional[float] = None) -> Refund:
    """Captures ``amount`` (default: all that is still authorised) of a pre-authorised payment
    (Redsys confirm, type 2; Elavon ``settle``): ``authorized`` -> ``paid`` when the gateway's
    verified reply says so. Less than the authorisation is a normal capture: the core then
    counts the rest released, or still open when the payment has ``multiple_captures`` (a
    further ``capture`` or a ``release`` of the rest). More than is open is refused before
    anything is asked (``amount_mismatch`` on ``amount``)."""
    return operate(payment, "capture", amount, http_client=http_client, timeout=timeout)


def release(payment: Any, *, http_client: Optional[HttpClient] = None, timeout: Optional[float] = None) -> Refund:
    """Releases what is still authorised (Redsys cancel, type 9; Elavon ``void``): an
    ``authorized`` payment becomes ``cancelled`` when the gateway's verified reply says so; a
    paid one with part of a multi-capture authorisation open keeps its status and counts the
    rest released."""
    return operate(payment, "release", http_client=http_client, timeout=timeout)


def charge_stored_credential(payment: Any, amount: Any, *, cof_type: str = "recurring", order_id: str = "",
                             http_client: Optional[HttpClient] = None, timeout: Optional[float] = None,
                             **fields: Any) -> Refund:
    """A merchant-initiated charge of the card ``payment`` stored (the core's
    ``Operation.charge_stored_card``: Redsys payment by reference with its stored-card flags):
    creates a new payment of ``amount`` on the same account (a fresh order number unless
    ``order_id``; ``fields`` set more of its model fields) and charges it; the returned
    ``Refund`` (kind ``charge``) is on the new payment, ``paid`` once the signed reply says so."""
    minor = _to_minor(amount, payment.currency, "amount")
    acct = payment.account_settings()
    _refuse_unsupported(acct, payment, "charge", minor)
    stored = stored_fields(payment)
    money: AmountIn = {"minor": minor, "currency": payment.currency}
    # No card: refused now. (cof_type is checked by the core.)
    driver.Operation.charge_stored_card(payment.order_id, money, stored, cast("CofType", cof_type))
    Payment = type(payment)
    new = Payment(gateway=payment.gateway, account=payment.account, order_id=order_id, currency=payment.currency,
                  item_name=payment.item_name, client=payment.client, card_reference=payment.card_reference,
                  card_expiry=payment.card_expiry, cof_transaction_id=payment.cof_transaction_id, **fields)
    new.amount_minor = minor
    new.save()
    operation = driver.Operation.charge_stored_card(new.order_id, money, stored, cast("CofType", cof_type))
    return operate(new, "charge", http_client=http_client, timeout=timeout, operation=operation)


def charge_approved_order(payment: Any, token: str, *, http_client: Optional[HttpClient] = None,
                          timeout: Optional[float] = None) -> Optional[Refund]:
    """PayPal REST: the buyer is back on the shop's ``return_url`` (``?token=<PayPal order id>``)
    after approving the order; completes it with the ``charge`` operation (the order's capture,
    or its authorisation for a pre-authorisation checkout) through :func:`operate`.

    Idempotent: a payment that is no longer ``new`` (a reload, a double click, the webhook
    first) asks nothing and returns its last charge (``None`` without one); a charge still
    ``pending`` (its answer was lost) is asked again with its stored key, so PayPal acts once.
    ``token`` must be the payment's PayPal order id (its checkout ``reference``), else
    ``ConsistencyError`` (``order_mismatch`` on ``token``) and nothing is asked."""
    if payment.gateway != "paypal_rest":
        raise hostedpay.UnsupportedError("unsupported", f"{payment.gateway} has no approved-order charge", "gateway")
    if not payment.reference or not hmac.compare_digest(str(token).encode(), payment.reference.encode()):
        raise hostedpay.ConsistencyError("order_mismatch", "the return URL names another PayPal order", "token")
    if payment.status != "new":
        return payment.refunds.filter(kind="charge").order_by("pk").last()
    operation = driver.Operation({
        "kind": "charge", "order_id": payment.order_id,
        "amount": {"minor": payment.amount_minor, "currency": payment.currency},
        "captured": {"minor": payment.amount_minor, "currency": payment.currency},
        "transaction_id": payment.reference,
        "intent": "authorize" if payment.multiple_captures else "capture",
    })
    return operate(payment, "charge", http_client=http_client, timeout=timeout, operation=operation, resume=True)

"""Operations on a payment through the gateway's server-to-server API, one code path for all:
refunds (Redsys ``trataPeticionREST`` type 3, Elavon Remote ``rebate``), capturing a
pre-authorisation (Redsys confirm 2, Elavon ``settle``), releasing it (Redsys cancel 9, Elavon
``void``) and charging a stored card (Redsys payment by reference).

:func:`operate` is what ``Payment.refund(amount)``, ``capture()``, ``release()``,
``charge_stored_credential()`` and the admin actions call:

1. under the payment's row lock, check that the state table allows the move (and, for a
   refund, what can still be refunded: the captured amount less refunds already made and
   refunds still ``pending``), ask the core for the request, and store a ``pending``
   :class:`~vpos.django.models.Refund` of that ``kind``, committed before any network call;
2. perform the request through the HTTP client (``http_client=``, the ``VPOS_HTTP_CLIENT``
   setting, or :func:`vpos.http.send`) with the account's ``rest_timeout``;
3. read the reply with the core (signature or hash verified): the gateway's own refusal
   (``gateway_error``) makes the operation ``failed``; no usable answer
   (``gateway_unavailable``, a bad signature) leaves it ``pending`` with the error kept, since
   the money may have moved;
4. store the verified reply as a ``Notification`` and apply its event through the same locked
   ``transition`` path as notifications (so a notification the gateway sends for the same
   operation later is ``already_applied``); the operation is ``succeeded`` when the reply says
   it went through and the core applied it (or had already).

What differs per gateway is only which core function builds the request and reads the reply
(:data:`GATEWAYS`; PayPal refunds go through NVP ``RefundTransaction``). Partial refunds can be repeated until the captured amount is used up;
beyond it vpos refuses before asking (``refund_exceeds_amount``), and the core would refuse
the event too.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

import vpos
from vpos.django import conf
from vpos.django.models import EventKeyConflict, Notification, Refund, _to_minor, get_payment_model
from vpos.django.services.notifications import apply_event

logger = logging.getLogger("vpos.django")

HttpClient = Callable[[Mapping[str, Any], float], Dict[str, Any]]

#: The event action and the payment status each kind of operation leads to.
KIND_TARGET: Dict[str, Tuple[str, str]] = {
    "refund": ("refund", "refunded"), "confirm": ("sale", "paid"), "settle": ("sale", "paid"),
    "cancel": ("cancel", "cancelled"), "void": ("cancel", "cancelled"), "charge": ("sale", "paid"),
}


class _Redsys:
    """Redsys REST (``trataPeticionREST``): the core's ``operation_request`` and
    ``parse_operation_response``."""

    kinds = {"refund": "refund", "confirm": "confirm", "cancel": "cancel", "charge": "payment"}
    content_type = "application/json"

    def request(self, gateway: Any, payment: Any, kind: str, minor: int, extra: Mapping[str, Any]) -> Any:
        operation = {"kind": self.kinds[kind], "order": payment.order_id,
                     "amount": {"minor": minor, "currency": payment.currency}, **extra}
        return operation, gateway.operation_request(operation)

    def read(self, gateway: Any, operation: Any, reply: Mapping[str, Any]) -> Any:
        return gateway.parse_operation_response(reply).event()


class _Elavon:
    """Santander Elavon Remote XML: the core's ``remote_request`` and ``parse_remote_response``,
    quoting the ``PASREF`` and ``AUTHCODE`` the HPP response left on the payment."""

    kinds = {"refund": "rebate", "settle": "settle", "void": "void"}
    content_type = "application/xml"

    def request(self, gateway: Any, payment: Any, kind: str, minor: int, extra: Mapping[str, Any]) -> Any:
        operation = {"kind": self.kinds[kind], "order_id": payment.order_id, "pasref": payment.transaction_id,
                     "authcode": payment.authorisation_code,
                     "amount": {"minor": minor, "currency": payment.currency},
                     "timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S"), **extra}
        return operation, gateway.remote_request(operation)

    def read(self, gateway: Any, operation: Any, reply: Mapping[str, Any]) -> Any:
        return gateway.parse_remote_response(operation, reply)


class _Paypal:
    """PayPal Express Checkout NVP ``RefundTransaction`` (the account's ``nvp`` credentials),
    quoting the ``txn_id`` the verified IPN left on the payment: ``Full`` when the whole
    untouched amount is refunded, ``Partial`` otherwise."""

    kinds = {"refund": "refund"}
    content_type = "application/x-www-form-urlencoded"

    def request(self, gateway: Any, payment: Any, kind: str, minor: int, extra: Mapping[str, Any]) -> Any:
        whole = minor == payment.amount_minor and payment.refunded_minor == 0
        amount = None if whole else {"minor": minor, "currency": payment.currency}
        return payment.order_id, gateway.refund_transaction_request(payment.transaction_id, amount)

    def read(self, gateway: Any, invoice: Any, reply: Mapping[str, Any]) -> Any:
        return gateway.refund_event(invoice, gateway.parse_nvp_response(reply))


#: Gateway name -> how its operations are asked and read (all protocol work is the core's).
GATEWAYS: Dict[str, Any] = {"redsys": _Redsys(), "elavon": _Elavon(), "paypal": _Paypal()}

#: Operation kinds that capture or release a pre-authorisation: one at a time per payment.
HOLD_KINDS = ("confirm", "settle", "cancel", "void")


def _jsonable_reply(reply: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in reply.items():
        out[key] = bytes(value).decode("utf-8", errors="replace") if isinstance(value, (bytes, bytearray)) else value
    return out


def _body_bytes(reply: Mapping[str, Any]) -> bytes:
    body = reply.get("body", b"")
    return body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")


def adapter(payment: Any, kind: str) -> Any:
    """The gateway's operations, or ``UnsupportedError`` when it has no ``kind`` in vpos."""
    ops = GATEWAYS.get(payment.gateway)
    if ops is None or kind not in ops.kinds:
        raise vpos.UnsupportedError("unsupported", f"{payment.gateway} has no {kind} operation in vpos", "gateway")
    return ops


def _check(locked: Any, kind: str, minor: int) -> None:
    """Refuses, before asking the gateway, what the state table or the amounts forbid."""
    action, target = KIND_TARGET[kind]
    if kind == "refund":
        in_flight = (locked.refunds.filter(status="pending", kind="refund")
                     .aggregate(s=Sum("amount_minor"))["s"] or 0)
        available = locked.refundable_minor() - in_flight
        if minor > available:
            raise vpos.ConsistencyError(
                "refund_exceeds_amount",
                f"{minor} minor units asked, {max(available, 0)} refundable "
                f"(status {locked.status}, {locked.refunded_minor} refunded, {in_flight} pending)", "amount")
        return
    wanted_from = "new" if kind == "charge" else "authorized"
    if locked.status != wanted_from or not vpos.state.allowed(locked.status, target):
        raise vpos.ConsistencyError("invalid_transition",
                                    f"cannot {kind} a payment in status {locked.status}", "status")
    if locked.refunds.filter(status="pending", kind__in=HOLD_KINDS + ("charge",)).exists():
        raise vpos.ConsistencyError("invalid_transition",
                                    f"an operation on {locked.order_id} is still pending", "status")


def operate(payment: Any, kind: str, amount: Any = None, *, http_client: Optional[HttpClient] = None,
            timeout: Optional[float] = None, extra: Optional[Mapping[str, Any]] = None,
            payment_fields: Optional[Mapping[str, str]] = None) -> Refund:
    """Asks the gateway for ``kind`` (see the module documentation) on ``payment``.

    ``amount`` (``Decimal``, exact string or ``int`` in the payment's currency) defaults to
    the payment's amount. ``extra`` goes into the core's operation as is (Redsys
    ``stored_credential``). ``payment_fields`` are saved on the payment when the reply's sale
    is applied. Raises a ``VposError`` before asking when the operation cannot be asked at all
    (``unsupported``, ``invalid_transition``, ``refund_exceeds_amount``, a bad amount, a
    missing ``rest_url``/``remote_url``); otherwise returns the stored ``Refund`` whatever its
    status.
    """
    ops = adapter(payment, kind)
    acct = payment.account_settings()
    gateway = acct.gateway
    minor = payment.amount_minor if amount is None else _to_minor(amount, payment.currency, "amount")
    if minor <= 0:
        raise vpos.ParseError("field_invalid", "an operation's amount must be greater than zero", "amount")
    Payment = get_payment_model()
    # 1. Check and record under the row lock; committed before the network call.
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _check(locked, kind, minor)
        operation, request = ops.request(gateway, locked, kind, minor, extra or {})
        record = Refund.objects.create(payment=locked, kind=kind, amount_minor=minor, currency=locked.currency)
    # 2. Ask the gateway.
    client = http_client or conf.http_client()
    try:
        reply = client(request, timeout if timeout is not None else acct.rest_timeout)
    except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
        reply = {"error": f"{type(e).__name__}: {e}"}
    record.reply = _jsonable_reply(reply)
    # 3. Read the verified reply.
    try:
        event = ops.read(gateway, operation, reply)
    except vpos.VposError as e:
        record.status = "failed" if e.code == "gateway_error" else "pending"
        record.error_code = e.code
        record.detail = e.to_dict()
        record.save()
        logger.warning("%s #%s of %s/%s %s: %s", kind, record.pk, acct.gateway_name, acct.name,
                       payment.order_id, e.code)
        payment.refresh_from_db()
        record.payment = payment
        return record
    # 4. Apply the event through the one locked transition path.
    note = Notification.objects.create(
        gateway=acct.gateway_name, account=acct.name, content_type=ops.content_type,
        headers={}, body=_body_bytes(reply), order_id=event.order_id[:64],
        transaction_id=event.transaction_id[:64], status_code=event.status_code[:16])
    try:
        result = apply_event(note, acct, event, lambda outcome: ({"status": 200, "headers": [], "body": ""},
                                                                 payment_fields or {}))
    except EventKeyConflict as e:  # the reply's event already moved another payment: a person looks
        record.reference = event.transaction_id[:128]
        record.notification = note
        record.error_code = e.code
        record.detail = e.to_dict()
        record.save()
        note.payment_id, note.verdict, note.error_code = payment.pk, "rejected", e.code
        note.detail, note.event_key, note.processed_at = e.to_dict(), event.key, timezone.now()
        note.save(update_fields=["payment", "verdict", "error_code", "detail", "event_key", "processed_at"])
        logger.warning("%s #%s of %s/%s %s: %s", kind, record.pk, acct.gateway_name, acct.name,
                       payment.order_id, e.code)
        payment.refresh_from_db()
        record.payment = payment
        return record
    record.reference = event.transaction_id[:128]
    if result is None:  # the payment row vanished between the lock and the reply
        record.error_code = "payment_not_found"
        record.save()
        Notification.objects.filter(pk=note.pk).update(verdict="no_payment", processed_at=timezone.now())
        return record
    outcome, _ = result
    record.notification = note
    record.detail = outcome.to_dict()
    went_through = event.action == KIND_TARGET[kind][0] and event.status == "succeeded"
    if went_through and outcome.kind in ("applied", "already_applied"):
        record.status = "succeeded"
    elif event.status == "pending":
        # Accepted, not done yet (a PayPal refund not ``Instant``): its notification settles it.
        record.error_code = f"response_{event.status_code}"[:64]
    elif went_through:
        # The gateway did it but the core refuses the event (amount beyond the capture, say):
        # keep it pending for a person, with the core's reason.
        record.error_code = outcome.error.code if outcome.error is not None else (outcome.reason or outcome.kind)
    else:
        record.status = "failed"
        record.error_code = f"response_{event.status_code}"[:64]
    record.save()
    payment.refresh_from_db()
    record.payment = payment
    return record


def refund(payment: Any, amount: Any, *, http_client: Optional[HttpClient] = None,
           timeout: Optional[float] = None) -> Refund:
    """Refunds ``amount`` of ``payment`` (Redsys type 3, Elavon ``rebate``); see :func:`operate`.
    An account whose flags forbid this refund (partial or total) refuses before anything is
    asked or stored: ``UnsupportedError`` on ``amount``."""
    payment.account_settings().check_refund(_to_minor(amount, payment.currency, "amount"), payment.amount_minor)
    return operate(payment, "refund", amount, http_client=http_client, timeout=timeout)


#: The capture and the release of a pre-authorisation, per gateway.
CAPTURE = {"redsys": "confirm", "elavon": "settle"}
RELEASE = {"redsys": "cancel", "elavon": "void"}


def capture(payment: Any, *, http_client: Optional[HttpClient] = None, timeout: Optional[float] = None) -> Refund:
    """Captures an ``authorized`` payment in full (Redsys confirm, type 2; Elavon ``settle``):
    ``authorized`` -> ``paid`` when the gateway's verified reply says so."""
    return operate(payment, CAPTURE.get(payment.gateway, "confirm"), http_client=http_client, timeout=timeout)


def release(payment: Any, *, http_client: Optional[HttpClient] = None, timeout: Optional[float] = None) -> Refund:
    """Releases an ``authorized`` payment (Redsys cancel, type 9; Elavon ``void``):
    ``authorized`` -> ``cancelled`` when the gateway's verified reply says so."""
    return operate(payment, RELEASE.get(payment.gateway, "cancel"), http_client=http_client, timeout=timeout)


def charge_stored_credential(payment: Any, amount: Any, *, cof_type: str = "recurring", order_id: str = "",
                             http_client: Optional[HttpClient] = None, timeout: Optional[float] = None,
                             **fields: Any) -> Refund:
    """A merchant-initiated charge of the card ``payment`` stored (Redsys REST payment by
    reference, ``DS_MERCHANT_IDENTIFIER`` with ``COF_TXNID``, ``EXCEP_SCA`` ``MIT`` and
    ``DIRECTPAYMENT``): creates a new payment of ``amount`` on the same account (a fresh order
    number unless ``order_id``; ``fields`` set more of its model fields) and charges it; the
    returned ``Refund`` (kind ``charge``) is on the new payment, ``paid`` once the signed
    reply says so."""
    if payment.gateway != "redsys":
        raise vpos.UnsupportedError("unsupported", f"{payment.gateway} has no stored-credential charge in vpos",
                                    "gateway")
    if not payment.card_reference:
        raise vpos.ParseError("field_missing", "the payment holds no stored card reference", "card_reference")
    Payment = type(payment)
    new = Payment(gateway=payment.gateway, account=payment.account, order_id=order_id, currency=payment.currency,
                  item_name=payment.item_name, client=payment.client, card_reference=payment.card_reference,
                  card_expiry=payment.card_expiry, cof_transaction_id=payment.cof_transaction_id, **fields)
    new.amount_minor = _to_minor(amount, payment.currency, "amount")
    new.save()
    stored = {"identifier": payment.card_reference, "cof_ini": False, "cof_type": cof_type,
              "excep_sca": "mit", "direct_payment": True}
    if payment.cof_transaction_id:
        stored["cof_txnid"] = payment.cof_transaction_id
    return operate(new, "charge", http_client=http_client, timeout=timeout, extra={"stored_credential": stored})

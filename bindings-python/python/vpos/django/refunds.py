"""Refunds through the gateway's REST API (Redsys ``trataPeticionREST``, type 3).

:func:`refund` is what ``Payment.refund(amount)`` and the admin action call:

1. under the payment's row lock, check what can still be refunded (the captured amount less
   refunds already made and refunds still ``pending``), ask the core for the signed request,
   and store a ``pending`` :class:`~vpos.django.models.Refund`, committed before any network
   call;
2. perform the request through the HTTP client (``http_client=``, the ``VPOS_HTTP_CLIENT``
   setting, or :func:`vpos.http.send`) with the account's ``rest_timeout``;
3. read the reply with the core's ``parse_operation_response`` (signature verified): Redsys's
   own refusal (``gateway_error``) makes the refund ``failed``; no usable answer
   (``gateway_unavailable``, a bad signature) leaves it ``pending`` with the error kept, since
   the money may have moved;
4. store the signed reply as a ``Notification`` and apply its event through the same locked
   ``transition`` path as notifications (so the notification Redsys may send for the same
   refund later is ``already_applied``); the refund is ``succeeded`` when the reply says the
   refund went through and the core applied it (or had already).

Partial refunds can be repeated until the captured amount is used up; beyond it vpos refuses
before asking (``refund_exceeds_amount``), and the core would refuse the event too.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, Mapping, Optional

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

import vpos
from vpos.django import conf
from vpos.django.models import Notification, Refund, _to_minor, get_payment_model

logger = logging.getLogger("vpos.django")

HttpClient = Callable[[Mapping[str, Any], float], Dict[str, Any]]


def _jsonable_reply(reply: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in reply.items():
        out[key] = bytes(value).decode("utf-8", errors="replace") if isinstance(value, (bytes, bytearray)) else value
    return out


def _body_bytes(reply: Mapping[str, Any]) -> bytes:
    body = reply.get("body", b"")
    return body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")


def refund(payment: Any, amount: Any, *, http_client: Optional[HttpClient] = None,
           timeout: Optional[float] = None) -> Refund:
    """Refunds ``amount`` of ``payment`` (see the module documentation). Raises a
    ``VposError`` before asking the gateway when the refund cannot be asked at all
    (``unsupported`` gateway, ``refund_exceeds_amount``, a bad amount, ``rest_url`` missing);
    otherwise returns the stored ``Refund`` whatever its status."""
    acct = payment.account_settings()
    if payment.gateway != "redsys":
        raise vpos.UnsupportedError("unsupported", f"{payment.gateway} has no refund API in vpos", "gateway")
    gateway = acct.gateway
    minor = _to_minor(amount, payment.currency, "amount")
    if minor <= 0:
        raise vpos.ParseError("field_invalid", "a refund must be greater than zero", "amount")
    Payment = get_payment_model()
    # 1. Check and record under the row lock; committed before the network call.
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        in_flight = locked.refunds.filter(status="pending").aggregate(s=Sum("amount_minor"))["s"] or 0
        available = locked.refundable_minor() - in_flight
        if minor > available:
            raise vpos.ConsistencyError(
                "refund_exceeds_amount",
                f"{minor} minor units asked, {max(available, 0)} refundable "
                f"(status {locked.status}, {locked.refunded_minor} refunded, {in_flight} pending)", "amount")
        request = gateway.operation_request(
            {"kind": "refund", "order": locked.order_id, "amount": {"minor": minor, "currency": locked.currency}})
        record = Refund.objects.create(payment=locked, amount_minor=minor, currency=locked.currency)
    # 2. Ask the gateway.
    client = http_client or conf.http_client()
    try:
        reply = client(request, timeout if timeout is not None else acct.rest_timeout)
    except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
        reply = {"error": f"{type(e).__name__}: {e}"}
    record.reply = _jsonable_reply(reply)
    # 3. Read the signed reply.
    try:
        verified = gateway.parse_operation_response(reply)
    except vpos.VposError as e:
        record.status = "failed" if e.code == "gateway_error" else "pending"
        record.error_code = e.code
        record.detail = e.to_dict()
        record.save()
        logger.warning("refund #%s of %s/%s %s: %s", record.pk, acct.gateway_name, acct.name,
                       payment.order_id, e.code)
        return record
    # 4. Apply the event through the one locked transition path.
    from vpos.django.views import apply_event

    event = verified.event()
    note = Notification.objects.create(
        gateway=acct.gateway_name, account=acct.name, content_type="application/json",
        headers={}, body=_body_bytes(reply), order_id=verified.order[:64],
        transaction_id=event.transaction_id[:64], status_code=verified.response[:16])
    result = apply_event(note, acct, event, lambda outcome: {"status": 200, "headers": [], "body": ""})
    if result is None:  # the payment row vanished between the lock and the reply
        record.error_code = "payment_not_found"
        record.save()
        Notification.objects.filter(pk=note.pk).update(verdict="no_payment", processed_at=timezone.now())
        return record
    outcome, _ = result
    record.notification = note
    record.detail = outcome.to_dict()
    went_through = event.action == "refund" and event.status == "succeeded"
    if went_through and outcome.kind in ("applied", "already_applied"):
        record.status = "succeeded"
    elif went_through:
        # Redsys refunded but the core refuses the event (amount beyond the capture, say):
        # keep it pending for a person, with the core's reason.
        record.error_code = outcome.error.code if outcome.error is not None else (outcome.reason or outcome.kind)
    else:
        record.status = "failed"
        record.error_code = f"response_{verified.response}"
    record.save()
    payment.refresh_from_db()
    return record

"""A plain Redsys notification view with python-redsys, on vpos's own tables: what the bench
compares the vpos endpoint with.

It keeps vpos's guarantees as far as a hand-written view reasonably goes, in the same
statements a careful author would write:

1. the raw body is committed first, before anything can fail (``INSERT`` of the notification);
2. the signature is checked with python-redsys (``RedirectClient.parse_response``): a bad one
   is stored ``unverified`` and answered 403;
3. in one transaction: the payment row is locked (``SELECT … FOR UPDATE``); the notification's
   key (merchant, terminal, order, type, response, amount, authorisation code) is looked up
   among the applied ones (``SELECT``, the unique ``(gateway, applied_event_key)`` behind it),
   so a duplicate is stored ``already_applied`` and changes nothing; amount, currency and the
   status are checked (only ``new`` or ``pending`` becomes ``paid``); then one ``UPDATE`` of
   the payment (status and authorisation code), the verdict (``UPDATE``) and a durable event
   (``INSERT`` of a ``PaymentEvent``);
4. after the commit the event is delivered once: claimed under its row lock (``SELECT … FOR
   UPDATE SKIP LOCKED``), the shop's signal sent, marked delivered (``UPDATE``).

Eight statements for an applied notification, four for a duplicate. Its keys start with
``plain:`` so they never meet vpos's.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from urllib.parse import parse_qs

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from redsys.clients import RedirectClient

from hostedpay.django.models import Notification, PaymentEvent, get_payment_model
from hostedpay.django.signals import payment_status_changed

CLIENT = RedirectClient(secret_key=settings.REDSYS_TEST_KEY, merchant_code=settings.REDSYS_MERCHANT,
                        terminal=int(settings.REDSYS_TERMINAL), sandbox=True, signature_version="HMAC_SHA256_V1")
#: ISO 4217 numeric codes and their minor-unit exponents, for the currencies the bench uses.
CURRENCIES = {978: ("EUR", 2)}


def answer(note_pk: int, status: int, verdict: str, **fields: object) -> HttpResponse:
    Notification.objects.filter(pk=note_pk).update(verdict=verdict, response_status=status,
                                                   processed_at=timezone.now(), **fields)
    return HttpResponse(verdict, status=status, content_type="text/plain")


@csrf_exempt
@transaction.non_atomic_requests
def notification(request):  # type: ignore[no-untyped-def]
    body = request.body
    # 1. The raw body, committed on its own.
    note = Notification.objects.create(
        gateway="redsys", account="default", content_type=request.META.get("CONTENT_TYPE", "")[:250],
        remote_addr=request.META.get("REMOTE_ADDR"), headers={}, body=body, body_size=len(body),
        body_sha256=hashlib.sha256(body).hexdigest())
    # 2. Verify.
    form = {k: v[0] for k, v in parse_qs(body.decode("ascii", "replace")).items()}
    try:
        response = CLIENT.parse_response(form)
    except Exception:  # noqa: BLE001 - python-redsys raises ValueError, pydantic errors, KeyError
        return answer(note.pk, 403, "unverified")
    order = response.order or ""
    key = (f"plain:{response.merchant_code}:{response.terminal}:{order}:{response.transaction_type}:"
           f"{response.response}:{response.amount}:{response.authorization_code}")
    currency, exponent = CURRENCIES.get(response.currency or 0, ("", 0))
    minor = int((response.amount or Decimal(0)).scaleb(exponent))
    Payment = get_payment_model()
    event_pk = None
    # 3. Apply, under the payment's row lock.
    with transaction.atomic():
        payment = (Payment._base_manager.select_for_update()
                   .filter(gateway="redsys", account="default", order_id=order).first())
        if payment is None:
            return answer(note.pk, 503, "no_payment", order_id=order[:64])
        if Notification.objects.filter(gateway="redsys", applied_event_key=key).exists():
            return answer(note.pk, 200, "already_applied", order_id=order[:64], payment=payment, event_key=key)
        if (not response.is_paid() or payment.status not in ("new", "pending")
                or (minor, currency) != (payment.amount_minor, payment.currency)):
            return answer(note.pk, 200, "rejected", order_id=order[:64], payment=payment, event_key=key)
        old_status = payment.status
        Payment._base_manager.filter(pk=payment.pk).update(
            status="paid", authorisation_code=(response.authorization_code or "")[:64], modified=timezone.now())
        payment.status = "paid"
        reply = answer(note.pk, 200, "applied", order_id=order[:64], payment=payment, event_key=key,
                       applied_event_key=key)
        event_pk = PaymentEvent.objects.create(payment=payment, from_status=old_status, to_status="paid",
                                               notification_id=note.pk, event_key=key).pk
        transaction.on_commit(lambda: deliver(event_pk, payment))
    return reply


def deliver(event_pk: int, payment: object) -> None:
    """4. The event, once: claimed under its row lock, sent, marked delivered."""
    with transaction.atomic():
        event = PaymentEvent.objects.select_for_update(skip_locked=True).filter(
            pk=event_pk, delivered_at__isnull=True).first()
        if event is None:
            return
        payment_status_changed.send_robust(sender=type(payment), payment=payment, old_status=event.from_status,
                                           new_status=event.to_status, notification=None, outcome=None, event=event)
        PaymentEvent.objects.filter(pk=event_pk).update(delivered_at=timezone.now(), attempts=1)

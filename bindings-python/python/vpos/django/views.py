"""The FloCash, Redsys, PayPal, CECA, Elavon and Bitpay notification views and the checkout helpers.

The notification view, in this order (each step's answer comes from the core):

1. store the raw body and headers in a ``Notification`` row, committed in its own
   transaction, before anything can fail: the body's size, SHA-256 and first 4096 bytes only,
   until step 2 passes; a body over the gateway's limit (``MAX_BODY_BYTES``) is refused
   unread, ``413``;
2. find the account named in the URL and compare the URL token in constant time
   (``Gateway.check_token``): a wrong one is ``404``; then store the whole body;
3. parse (``422`` with JSON errors when malformed);
4. post it back to FloCash through the HTTP client, with the account's timeout; ``INVALID`` is
   ``409``, a timeout or a non-200 is ``503`` and FloCash delivers again;
5. in one transaction: lock the payment row (``select_for_update``), build the core's
   ``PaymentSnapshot`` (with the event keys already applied), ``transition``, save the status
   and mark the notification applied with its event key, send ``payment_status_changed`` on
   commit;
6. answer with ``flocash.acknowledge(outcome)``: ``200 00`` when settled.

A verified notification for an order with no payment is kept (verdict ``no_payment``) and
answered ``503`` (core code ``payment_not_found``), so FloCash retries hourly for 72 hours while
a person looks. Anything unexpected is ``500``, which FloCash also retries.

The URL carries the secret token, so these responses are logged here with the token replaced
by ``***``, never by Django's request logger.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, RawPostDataException
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

import vpos
from vpos import bitpay, ceca, elavon, flocash, paypal, redsys
from vpos.django import conf, events
from vpos.django.models import EventKeyConflict, Notification, get_payment_model
from vpos.django.signals import notification_processed

logger = logging.getLogger("vpos.django")

#: Headers never stored with a notification.
PRIVATE_HEADERS = {"cookie", "authorization", "proxy-authorization"}
#: Headers stored with a notification, at most, and the length each value is cut to.
MAX_HEADERS = 100
MAX_HEADER_CHARS = 4096
#: The largest body each gateway's notification may have: the core's ``MAX_BODY_BYTES`` of
#: each module. A larger body is refused unread (``413``, ``body_too_large``), as is one over
#: ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
MAX_BODY_BYTES: Dict[str, int] = {
    "flocash": flocash.MAX_BODY_BYTES,
    "redsys": redsys.MAX_BODY_BYTES,
    "paypal": paypal.MAX_BODY_BYTES,
    "ceca": ceca.MAX_BODY_BYTES,
    "elavon": elavon.MAX_BODY_BYTES,
    "bitpay": bitpay.MAX_BODY_BYTES,
}
#: What is kept of a body until its account (and FloCash's URL token) is found right: anyone
#: can post to a notification URL, and only a real notification is worth its whole body.
UNAUTHENTICATED_BODY_BYTES = 4096

HttpClient = Callable[[Mapping[str, Any], float], Dict[str, Any]]


def to_django(answer: Mapping[str, Any]) -> HttpResponse:
    """Turns the core's ``HttpResponse`` shape into Django's, byte for byte."""
    response = HttpResponse(answer["body"], status=answer["status"])
    for name, value in answer["headers"]:
        response[name] = value
    return response


def payment_not_found(acct: conf.Account, event: Any) -> vpos.VposError:
    return vpos.ConsistencyError(
        "payment_not_found", f"no {acct.gateway_name}/{acct.name} payment has order_id {event.order_id!r}",
        "order_id")


def apply_event(record: Notification, acct: conf.Account, event: Any,
                acknowledge: Callable[[Any], Dict[str, Any]],
                payment_fields: Optional[Mapping[str, str]] = None) -> Optional[Tuple[Any, Dict[str, Any]]]:
    """The one path by which a verified event moves a payment (notifications and REST replies).

    In one transaction: lock the payment of ``(gateway, account, event.order_id)``
    (``select_for_update``), let the core decide with the event keys already applied, save the
    status, store ``record`` with its verdict and (when applied) its event key under the
    unique constraint and a ``PaymentEvent``, then on commit deliver the event
    (``payment_status_changed``, see ``vpos.django.events``) and send
    ``notification_processed``; a receiver that raises changes neither the answer nor the
    verdict. Returns ``(outcome, answer)``, or ``None`` when no payment has that order.

    ``payment_fields`` (model field -> value, read from the *verified* message: the gateway's
    transaction id, a stored card's reference) are saved on the payment in the same
    transaction, only when a successful sale or authorisation is applied, so a refusal, a retry
    or a forgery never writes them.
    """
    Payment = get_payment_model()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                payment = (Payment.objects.select_for_update()
                           .filter(gateway=acct.gateway_name, account=acct.name, order_id=event.order_id)
                           .first())
                if payment is None:
                    return None
                outcome = vpos.transition(payment.snapshot(), event)
                if outcome.kind == "applied":
                    refuse_key_of_another_payment(record, payment, event)
                old_status = payment.status
                if outcome.new_status is not None:
                    payment.apply_outcome(outcome)
                    payment.save_transition()
                if (payment_fields and outcome.kind == "applied" and event.action == "sale"
                        and event.status in ("succeeded", "authorized")):
                    store_payment_fields(payment, payment_fields)
                answer = acknowledge(outcome)
                record.payment = payment
                record.event_key = event.key
                record.applied_event_key = event.key if outcome.kind == "applied" else None
                record.verdict = outcome.kind
                record.error_code = outcome.error.code if outcome.error is not None else ""
                record.detail = outcome.to_dict()
                record.response_status = answer["status"]
                record.processed_at = timezone.now()
                record.save()
                if outcome.kind == "applied":
                    # Stored with the move; payment_status_changed is sent after the commit,
                    # and again by vpos_deliver_events while a receiver raises.
                    stored = events.record(payment, old_status, record, record.detail, event.key)
                    events.deliver_on_commit(stored, payment)
                transaction.on_commit(lambda: events.send_quietly(
                    notification_processed, sender=Notification, notification=record, verdict=record.verdict))
            return outcome, answer
        except IntegrityError:
            # Another delivery of the same event committed its key between our lock and
            # our save (only where the database cannot lock rows, as SQLite): run the core
            # again, which now sees the key and answers already_applied.
            record.applied_event_key = None
            if attempt == 2:
                raise
    return None  # pragma: no cover - the loop returns or raises


def refuse_key_of_another_payment(record: Notification, payment: Any, event: Any) -> None:
    """Raises ``EventKeyConflict`` (``order_mismatch``) when ``event``'s key is already applied
    to another payment: the unique key would refuse it at the save, on every retry."""
    other = (Notification.objects.filter(gateway=record.gateway, applied_event_key=event.key)
             .exclude(payment_id=payment.pk).exists())
    if other:
        raise EventKeyConflict(payment, event.key)


def store_payment_fields(payment: Any, values: Mapping[str, str]) -> None:
    """Saves the non-empty ``values`` on ``payment`` (by ``UPDATE``: the status is untouched).
    A value longer than its column is left out, never cut: a cut card reference would be a
    wrong one."""
    keep: Dict[str, str] = {}
    for name, value in values.items():
        if not value:
            continue
        if len(value) > (payment._meta.get_field(name).max_length or 0):
            logger.warning("%s/%s %s: %s too long, not stored", payment.gateway, payment.account,
                           payment.order_id, name)
            continue
        keep[name] = value
    if keep:
        for name, value in keep.items():
            setattr(payment, name, value)
        type(payment).objects.filter(pk=payment.pk).update(**keep)


def redsys_payment_fields(verified: Any) -> Dict[str, str]:
    """What a verified Redsys message leaves on the payment: the authorisation code and, when
    the checkout asked for one, the stored card (``Ds_Merchant_Identifier``,
    ``Ds_ExpiryDate``, ``Ds_Merchant_Cof_Txnid``)."""
    n = verified.notification()
    identifier = n.get("identifier") or ""
    return {
        "authorisation_code": n.get("authorisation_code") or "",
        "card_reference": "" if identifier == "REQUIRED" else identifier,
        "card_expiry": n.get("expiry_date") or "",
        "cof_transaction_id": n.get("cof_txnid") or "",
    }


#: What ``finish`` writes of a stored notification.
VERDICT_FIELDS = ["order_id", "transaction_id", "status_code", "payment", "verdict", "error_code", "detail",
                  "event_key", "response_status", "processed_at"]


def unstorable(event: Any) -> Optional[vpos.VposError]:
    """The error for a verified event whose order id or key the database cannot take: a NUL
    (PostgreSQL refuses it in text), or longer than the payment's ``order_id`` or the
    notification's ``event_key`` column (no payment can have such an order id)."""
    limits = (("order_id", event.order_id, get_payment_model()._meta.get_field("order_id").max_length),
              ("event_key", event.key, Notification._meta.get_field("event_key").max_length))
    for field, value, limit in limits:
        if "\x00" in value:
            return vpos.ParseError("field_invalid", f"{field} holds a NUL character", field)
        if limit is not None and len(value) > limit:
            return vpos.ParseError("field_too_long", f"{field} is longer than {limit} characters", field)
    return None


def printable(text: str, limit: int = 64) -> str:
    """``text`` for a log line: control characters shown as ``?``, cut at ``limit``."""
    text = str(text)[:limit]
    return "".join(c if c.isprintable() else "?" for c in text)


def ip_address(value: Any) -> Optional[str]:
    """``REMOTE_ADDR`` when it is an IP address (a Unix socket gives none, a proxy anything)."""
    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return None


#: The answer to a notification URL naming no configured account.
NOT_FOUND: Dict[str, Any] = {"status": 404, "headers": [["Content-Type", "text/plain; charset=utf-8"]],
                             "body": "not_found"}


class _Answered(Exception):
    """Raised by a step of ``process`` that has stored its verdict and answered already."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class FlocashNotificationView(View):
    """``POST <gateway>/<account>/<token>/`` from FloCash.

    ``http_client`` (``as_view(http_client=...)``, or the ``VPOS_HTTP_CLIENT`` setting) is a
    callable ``(request, timeout) -> reply`` taking the core's ``HttpRequest`` shape and
    returning ``{"status": int, "body": bytes}`` or ``{"error": str}``; the default is
    :func:`vpos.http.send`. An exception it raises counts as ``{"error": ...}``.
    """

    http_method_names = ["post"]
    gateway_name = "flocash"
    http_client: Optional[HttpClient] = None
    #: The answer to a URL naming no configured account (``None``: the gateway's ``reject``).
    unknown_account_answer: Optional[Dict[str, Any]] = None

    def open_account(self, record: Notification, account: str) -> Any:
        """The configured account, or the stored verdict and answer for a missing or broken one."""
        try:
            return conf.get_account(self.gateway_name, account)
        except conf.UnknownAccount:
            # Answered like a wrong token: the URL reveals nothing about what exists.
            raise _Answered(self.finish(record, "unknown_account", vpos.VerificationError(
                "token_mismatch", "no such notification URL"), answer=self.unknown_account_answer)) from None
        except vpos.VposError as e:  # a misconfigured account: 503, the gateway retries
            raise _Answered(self.finish(record, "error", e)) from None

    def parse(self, request: HttpRequest, record: Notification, gateway: Any) -> Any:
        """The unverified notification, or the stored verdict and answer for a bad one (``422``).
        Called once the account (and URL token) passed: the whole body is stored first."""
        self.keep_body(record)
        try:
            return gateway.parse_notification(request.META.get("CONTENT_TYPE", ""), self._body)
        except vpos.VposError as e:
            raise _Answered(self.finish(record, "invalid", e)) from None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Nothing escapes to Django's handler, whose "Internal Server Error: <path>" line
        # would print the URL token.
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:  # noqa: BLE001 - answered 500 (the gateway retries), logged without the path
            logger.exception("%s: internal error", self.log_path(printable(kwargs.get("account", ""))))
            return self.quiet(HttpResponse("error", status=500, content_type="text/plain; charset=utf-8"))

    def post(self, request: HttpRequest, account: str, token: str) -> HttpResponse:
        try:
            record = self.store_raw(request, account)
        except Exception:  # noqa: BLE001 - the database is down: FloCash must deliver again
            logger.exception("%s: the raw notification could not be stored", self.log_path(printable(account)))
            return self.quiet(HttpResponse("error", status=500, content_type="text/plain; charset=utf-8"))
        try:
            if self._too_large:
                response = self.finish(record, "invalid", vpos.ParseError(
                    "body_too_large", f"the request body exceeds {self.max_body_bytes()} bytes"), status=413)
            else:
                response = self.process(request, record, account, token)
        except _Answered as answered:
            response = answered.response
        except Exception:  # noqa: BLE001 - keep the row, answer so that FloCash retries
            logger.exception("notification #%s on %s: internal error", record.pk, self.log_path(printable(account)))
            try:
                Notification.objects.filter(pk=record.pk).update(
                    verdict="error", response_status=500, processed_at=timezone.now())
            except Exception:  # noqa: BLE001 - the row stays "received"; the answer is the same
                logger.exception("notification #%s: the error verdict could not be stored", record.pk)
            response = HttpResponse("error", status=500, content_type="text/plain; charset=utf-8")
        self.log(request, response, record, account)
        return response

    def max_body_bytes(self) -> int:
        """The largest body taken in: the gateway's limit, or ``DATA_UPLOAD_MAX_MEMORY_SIZE``
        when smaller."""
        limit = MAX_BODY_BYTES.get(self.gateway_name, 64 * 1024)
        django_limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
        return min(limit, django_limit) if django_limit is not None else limit

    def read_body(self, request: HttpRequest) -> Tuple[bytes, Optional[int], bool]:
        """``(body, size, too_large)``: a body declaring more than ``max_body_bytes`` is
        refused unread (``size`` is the declared ``Content-Length``); one without a length, or
        longer than declared where the server lets it be, is read until the limit is passed."""
        limit = self.max_body_bytes()
        try:
            declared: Optional[int] = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            declared = None
        if declared is not None and declared > limit:
            return b"", declared, True
        if hasattr(request, "_body"):  # read already (by a middleware)
            body = request._body
            return body[:limit + 1], len(body), len(body) > limit
        chunks = []
        size = 0
        try:
            while size <= limit:
                chunk = request.read(min(64 * 1024, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except RawPostDataException:  # parsed as multipart by a middleware: no raw body left
            return b"", None, False
        body = b"".join(chunks)
        if size > limit:
            return body, size, True
        request._body = body  # request.body stays usable for whoever reads it later
        return body, size, False

    # 1. The raw notification, before anything else: only what an investigation needs until
    # the account and token are found right (keep_body stores the rest then).
    def store_raw(self, request: HttpRequest, account: str) -> Notification:
        body, size, self._too_large = self.read_body(request)
        self._body = body
        whole = not self._too_large and size is not None
        kept = body[:UNAUTHENTICATED_BODY_BYTES]
        headers: Dict[str, str] = {}
        for name, value in request.headers.items():
            if name.lower() not in PRIVATE_HEADERS and len(headers) < MAX_HEADERS:
                headers[str(name)[:MAX_HEADER_CHARS]] = str(value)[:MAX_HEADER_CHARS]
        with transaction.atomic():
            return Notification.objects.create(
                gateway=self.gateway_name,
                account=account[:64],
                remote_addr=ip_address(request.META.get("REMOTE_ADDR")),
                content_type=str(request.META.get("CONTENT_TYPE", ""))[:250],
                headers=headers,
                body=kept,
                body_size=min(size, 2**63 - 1) if size is not None else None,
                body_sha256=hashlib.sha256(body).hexdigest() if whole else "",
                body_truncated=len(kept) < (size or 0),
            )

    def keep_body(self, record: Notification) -> None:
        """Stores the whole body, now that the account (and URL token) passed."""
        if record.body_truncated and not self._too_large:
            record.body = self._body
            record.body_truncated = False
            with transaction.atomic():
                record.save(update_fields=["body", "body_truncated"])

    def process(self, request: HttpRequest, record: Notification, account: str, token: str) -> HttpResponse:
        acct = self.open_account(record, account)
        gateway = acct.gateway
        # 2. The URL token, in constant time.
        try:
            gateway.check_token(token)
        except vpos.VposError as e:
            return self.finish(record, "token_mismatch", e)
        # 3. Parse.
        unverified = self.parse(request, record, gateway)
        record.order_id = unverified.order_id[:64]
        record.transaction_id = unverified.trans_id[:64]
        record.status_code = unverified.status_code[:16]
        # 4. Post-back.
        reply = self.post_back(gateway.postback_request(unverified), acct.postback_timeout)
        try:
            verified = gateway.verify_postback(unverified, reply)
        except vpos.VposError as e:
            verdict = "unverified" if e.code == "postback_invalid" else "postback_failed"
            return self.finish(record, verdict, e)
        # 5. Transition under the row lock.
        return self.apply(record, acct, verified.event())

    def post_back(self, request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
        client = self.http_client or conf.http_client()
        try:
            return client(request, timeout)
        except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
            return {"error": f"{type(e).__name__}: {e}"}

    def apply(self, record: Notification, acct: conf.Account, event: Any,
              payment_fields: Optional[Mapping[str, str]] = None) -> HttpResponse:
        # Verified, yet maybe unusable: an order id or event key no column can hold (or a
        # NUL, which PostgreSQL refuses) is refused with 422 before any lookup.
        refused = unstorable(event)
        if refused is not None:
            return self.finish(record, "invalid", refused)
        if payment_fields:
            payment_fields = {k: v for k, v in payment_fields.items() if "\x00" not in (v or "")}
        try:
            result = apply_event(record, acct, event, self.acknowledge, payment_fields)
        except EventKeyConflict as e:
            record.payment = e.payment  # not moved: kept to find the notification from it
            return self.finish(record, "rejected", e, event_key=event.key)
        if result is None:
            return self.finish(record, "no_payment", payment_not_found(acct, event), event_key=event.key)
        return to_django(result[1])

    def acknowledge(self, outcome: Any) -> Dict[str, Any]:
        """The gateway's answer for an outcome (the core's ``acknowledge``)."""
        return flocash.acknowledge(outcome)

    def reject(self, error: vpos.VposError) -> Dict[str, Any]:
        """The gateway's answer for an error (the core's ``reject``)."""
        return flocash.reject(error)

    def finish(self, record: Notification, verdict: str, error: vpos.VposError,
               event_key: str = "", answer: Optional[Dict[str, Any]] = None,
               status: Optional[int] = None) -> HttpResponse:
        """Stores a verdict that changes no payment and answers with the core's ``reject``
        (with ``status`` instead of its own, when given)."""
        if answer is None:
            answer = self.reject(error)
        if status is not None:
            answer = {**answer, "status": status}
        record.verdict = verdict
        record.error_code = error.code
        record.detail = error.to_dict()
        record.event_key = event_key
        record.response_status = answer["status"]
        record.processed_at = timezone.now()
        with transaction.atomic():
            record.save(update_fields=VERDICT_FIELDS)  # never the body again
        events.send_quietly(notification_processed, sender=Notification, notification=record, verdict=verdict)
        return to_django(answer)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Django's version logs the path, which holds the token.
        return self.quiet(HttpResponseNotAllowed(self._allowed_methods()))

    @staticmethod
    def quiet(response: HttpResponse) -> HttpResponse:
        """Keeps Django's request logger, which prints the path (token included) for every
        4xx/5xx, away from this response; the view logs its own line instead."""
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response

    def log_path(self, account: str) -> str:
        return f"{self.gateway_name}/{account}/***/"

    def log(self, request: HttpRequest, response: HttpResponse, record: Notification, account: str) -> None:
        self.quiet(response)
        path = self.log_path(printable(account))
        level = logging.INFO if response.status_code < 400 else logging.WARNING
        logger.log(level, "notification #%s %s -> %s %s (%s)", record.pk, path, response.status_code,
                   record.verdict, record.order_id or "-")


class AccountNotificationView(FlocashNotificationView):
    """The FloCash flow at ``<gateway>/<account>/``, without a URL token: the gateways whose
    notifications are proven by signature, post-back or fetch. An unknown account is ``404``."""

    unknown_account_answer = NOT_FOUND

    def post(self, request: HttpRequest, account: str) -> HttpResponse:  # type: ignore[override]
        return super().post(request, account, "")

    def log_path(self, account: str) -> str:
        return f"{self.gateway_name}/{account}/"


class RedsysNotificationView(AccountNotificationView):
    """``POST redsys/<account>/`` from Redsys: HTTP-POST (form-encoded) or SOAP
    (``procesaNotificacionSIS``) notifications, one URL per account.

    The same flow as FloCash's, verified locally by signature (no post-back): store raw, parse
    (``422``), verify (``403`` for a bad signature), lock and transition, answer with the
    core's ``acknowledge`` (HTTP ``200`` empty; SOAP the signed ``OK``/``KO`` envelope). A
    verified notification with no payment is ``503`` (``payment_not_found``), so Redsys retries.
    """

    gateway_name = "redsys"

    def process(self, request: HttpRequest, record: Notification, account: str, token: str) -> HttpResponse:
        acct = self.open_account(record, account)
        self.gateway = acct.gateway
        unverified = self.parse(request, record, self.gateway)
        untrusted = unverified.untrusted()
        record.order_id = unverified.order[:64]
        record.transaction_id = (untrusted.get("authorisation_code") or "")[:64]
        record.status_code = unverified.response[:16]
        try:
            self.verified = self.gateway.verify(unverified)
        except vpos.VposError as e:
            return self.finish(record, "unverified", e)
        return self.apply(record, acct, self.verified.event(), redsys_payment_fields(self.verified))

    def acknowledge(self, outcome: Any) -> Dict[str, Any]:
        return self.gateway.acknowledge(self.verified, outcome)

    def reject(self, error: vpos.VposError) -> Dict[str, Any]:
        return redsys.reject(error)


class PaypalNotificationView(AccountNotificationView):
    """``POST paypal/<account>/`` from PayPal (IPN, Website Payments Standard).

    The same flow as FloCash's, without a URL token: store raw, parse (``422``), post the raw
    body back to the account's ``ipn_url`` through the HTTP client with the account's
    ``postback_timeout`` (``INVALID`` is ``409``; a timeout or non-200 is ``503``, PayPal
    retries; an IPN for another ``receiver_email`` is ``422``), lock and transition, answer with
    the core's ``acknowledge`` (``200`` once settled). A verified IPN with no payment is ``503``
    (``payment_not_found``), so PayPal retries.
    """

    gateway_name = "paypal"

    def process(self, request: HttpRequest, record: Notification, account: str, token: str) -> HttpResponse:
        acct = self.open_account(record, account)
        gateway = acct.gateway
        unverified = self.parse(request, record, gateway)
        record.order_id = unverified.order_id[:64]
        record.transaction_id = unverified.txn_id[:64]
        record.status_code = unverified.payment_status[:16]
        reply = self.post_back(gateway.postback_request(unverified), acct.postback_timeout)
        try:
            verified = gateway.verify_postback(unverified, reply)
        except vpos.VposError as e:
            verdict = {"postback_invalid": "unverified", "postback_failed": "postback_failed"}.get(e.code, "rejected")
            return self.finish(record, verdict, e)
        event = verified.event()
        # txn_id, confirmed by the post-back: what a refund quotes.
        return self.apply(record, acct, event, {"transaction_id": event.transaction_id})

    def acknowledge(self, outcome: Any) -> Dict[str, Any]:
        return paypal.acknowledge(outcome)

    def reject(self, error: vpos.VposError) -> Dict[str, Any]:
        return paypal.reject(error)


class BitpayNotificationView(PaypalNotificationView):
    """``POST bitpay/<account>/`` from Bitpay (the invoice's ``notificationURL``).

    Store raw, parse the JSON (``422``), fetch the invoice from Bitpay through the HTTP client
    with the account's ``postback_timeout`` (no answer: ``503``, Bitpay retries; an answer
    about another invoice: ``422``), lock the payment by the fetched invoice's ``orderId`` and
    transition on the fetched status, answer with the core's ``acknowledge``. A verified
    notification with no payment is ``503`` (``payment_not_found``).
    """

    gateway_name = "bitpay"

    def process(self, request: HttpRequest, record: Notification, account: str, token: str) -> HttpResponse:
        acct = self.open_account(record, account)
        gateway = acct.gateway
        unverified = self.parse(request, record, gateway)
        record.order_id = unverified.order_id[:64]
        record.transaction_id = unverified.invoice_id[:64]
        record.status_code = unverified.status[:16]
        reply = self.post_back(gateway.invoice_status_request(unverified), acct.postback_timeout)
        try:
            verified = gateway.verify_invoice(unverified, reply)
        except vpos.VposError as e:
            verdict = {"gateway_unavailable": "postback_failed", "signature_mismatch": "unverified"}.get(
                e.code, "invalid")
            return self.finish(record, verdict, e)
        return self.apply(record, acct, verified.event())

    def acknowledge(self, outcome: Any) -> Dict[str, Any]:
        return bitpay.acknowledge(outcome)

    def reject(self, error: vpos.VposError) -> Dict[str, Any]:
        return bitpay.reject(error)


class CecaNotificationView(PaypalNotificationView):
    """``POST ceca/<account>/`` from CECA (its "comunicación on-line" URL).

    Store raw, parse (``422``), verify ``Firma`` with the key (``403``; another terminal's
    notification ``422``), lock and transition, answer with the core's ``acknowledge``:
    ``200 $*$OKY$*$`` once settled, ``200`` empty otherwise (CECA then cancels the operation).
    A verified notification with no payment is stored (``no_payment``) and answered with the
    core's ``reject`` for ``payment_not_found`` (``422``, never ``$*$OKY$*$``).
    """

    gateway_name = "ceca"

    def process(self, request: HttpRequest, record: Notification, account: str, token: str) -> HttpResponse:
        acct = self.open_account(record, account)
        gateway = acct.gateway
        unverified = self.parse(request, record, gateway)
        self.describe(record, unverified)
        try:
            verified = gateway.verify(unverified)
        except vpos.VposError as e:
            return self.finish(record, "unverified" if e.code == "signature_mismatch" else "rejected", e)
        return self.apply(record, acct, verified.event(), self.payment_fields(verified))

    module: Any = ceca

    def payment_fields(self, verified: Any) -> Dict[str, str]:
        """What the verified message leaves on the payment (see ``apply_event``)."""
        return {}

    def describe(self, record: Notification, unverified: Any) -> None:
        """Copies the untrusted identifiers onto the stored row, for the admin."""
        record.order_id = unverified.operation[:64]
        record.transaction_id = unverified.reference[:64]
        record.status_code = "OK"

    def acknowledge(self, outcome: Any) -> Dict[str, Any]:
        return self.module.acknowledge(outcome)

    def reject(self, error: vpos.VposError) -> Dict[str, Any]:
        return self.module.reject(error)


class ElavonNotificationView(CecaNotificationView):
    """``POST elavon/<account>/`` from Santander Elavon's HPP (the ``response_url`` /
    ``MERCHANT_RESPONSE_URL``).

    Store raw, parse (``422``), verify ``SHA1HASH`` with the shared secret (``403``; another
    merchant's response ``422``), lock and transition, answer with the core's ``acknowledge``
    (``200 OK`` once settled; the HPP shows the body to the customer). A verified response
    with no payment is ``503`` (``payment_not_found``).
    """

    gateway_name = "elavon"
    module = elavon

    def payment_fields(self, verified: Any) -> Dict[str, str]:
        # PASREF and AUTHCODE: what the Remote settle, void and rebate quote.
        n = verified.notification()
        return {"transaction_id": n.get("pasref") or "", "authorisation_code": n.get("authcode") or ""}

    def describe(self, record: Notification, unverified: Any) -> None:
        record.order_id = unverified.order_id[:64]
        record.transaction_id = unverified.pasref[:64]
        record.status_code = unverified.result[:16]




def checkout_form(payment: Any, **overrides: Any) -> vpos.http.RedirectForm:
    """The core's redirect form for ``payment`` (``overrides`` as in ``flocash_order``)."""
    return payment.checkout_form(**overrides)


def render_checkout(request: HttpRequest, payment: Any, *, auto_submit: bool = True,
                    template_name: str = "vpos/checkout.html", context: Optional[Dict[str, Any]] = None,
                    **overrides: Any) -> TemplateResponse:
    """A page holding the payment's redirect form (auto-submitted by default)."""
    ctx = {"payment": payment, "form": checkout_form(payment, **overrides), "auto_submit": auto_submit}
    ctx.update(context or {})
    return TemplateResponse(request, template_name, ctx)

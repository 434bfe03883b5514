"""The notification view, one class for every gateway, and the checkout helpers.

``NotificationView`` is registered once per gateway in ``urls.py``
(``NotificationView.as_view(gateway_name="redsys")``); everything that differs between gateways
is decided by the core's driver (:mod:`hostedpay.driver`): the body limit, which wire fields are the
order id, transaction id and status, how a notification is proven, the verdict of each error,
the gateway's answer and what a notification leaves on the payment.

In this order:

1. store the raw body and headers in a ``Notification`` row, committed in its own
   transaction, before anything can fail: the body's size, SHA-256 and first 4096 bytes only,
   until step 2 passes; a body over the gateway's limit (``hostedpay.driver.max_body_bytes``, or
   ``DATA_UPLOAD_MAX_MEMORY_SIZE`` when smaller) is refused unread, ``413``;
2. find the account named in the URL (none: ``404``, ``unknown_account``); parse with the
   URL token where the gateway has one (FloCash, compared in constant time: a wrong one is
   ``404``, ``token_mismatch``, and nothing more of the body is kept); then store the whole
   body, and the untrusted summary (order id, transaction id, status code);
3. prove it: a signature on the spot (Redsys, CECA, Elavon), or one request through the HTTP
   client with the account's ``postback_timeout`` (FloCash and PayPal post-back, Bitpay
   invoice fetch); the verdict of a failure is the core's (``unverified``,
   ``postback_failed`` …);
4. in one transaction (:func:`hostedpay.django.services.notifications.apply_event`): lock the
   payment row (``select_for_update``), ``transition``, save the status, the payment fields
   the core returns, the verdict and the event key, and a ``PaymentEvent``; deliver
   ``payment_status_changed`` on commit;
5. answer with the core's ``acknowledge`` (FloCash ``200 00``, CECA ``200 $*$OKY$*$``, the
   signed Redsys SOAP envelope …).

A proven notification for an order with no payment is kept (verdict ``no_payment``) and
answered with the core's ``payment_not_found`` answer, so the gateway retries while a person
looks (FloCash with ``VPOS_FLOCASH_ACK_UNKNOWN_ORDERS = True``: ``200 00``, as djflocash did,
and error code ``acknowledged_unknown_order``). Anything unexpected is ``500``, which the
gateways also retry.

FloCash's URL carries the secret token, so these responses are logged here with the token
replaced by ``***``, never by Django's request logger.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed, RawPostDataException
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

import hostedpay
from hostedpay import driver
from hostedpay.django import conf, events, sql
from hostedpay.django.models import EventKeyConflict, Notification
from hostedpay.django.services.notifications import apply_event, save_fields, settle_operation, unstorable
from hostedpay.django.signals import notification_processed

logger = logging.getLogger("vpos.django")

#: Headers never stored with a notification.
PRIVATE_HEADERS = {"cookie", "authorization", "proxy-authorization"}
#: Headers stored with a notification, at most, and the length each value is cut to.
MAX_HEADERS = 100
MAX_HEADER_CHARS = 4096
#: What is kept of a body until its account (and FloCash's URL token) is found right: anyone
#: can post to a notification URL, and only a real notification is worth its whole body.
UNAUTHENTICATED_BODY_BYTES = 4096

#: Setting: answer FloCash ``200 00`` to a proven notification whose order has no payment, as
#: djflocash did (default False: ``503``, FloCash delivers it again while a person looks).
ACK_UNKNOWN_ORDERS = "VPOS_FLOCASH_ACK_UNKNOWN_ORDERS"
#: The ``error_code`` of a ``no_payment`` notification answered ``00`` under that setting.
ACKNOWLEDGED_UNKNOWN_ORDER = "acknowledged_unknown_order"

HttpClient = Callable[[Mapping[str, Any], float], Dict[str, Any]]


def to_django(answer: Mapping[str, Any]) -> HttpResponse:
    """Turns the core's ``HttpResponse`` shape into Django's, byte for byte."""
    response = HttpResponse(answer["body"], status=answer["status"])
    for name, value in answer["headers"]:
        response[name] = value
    return response


#: What ``finish`` writes of a stored notification.
VERDICT_FIELDS = ["order_id", "transaction_id", "status_code", "payment", "verdict", "error_code", "detail",
                  "event_key", "response_status", "processed_at"]


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


class _Answered(Exception):
    """Raised by a step of ``process`` that has stored its verdict and answered already."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class NotificationView(View):
    """``POST <gateway>/<account>/`` (FloCash: ``flocash/<account>/<token>/``) from any gateway.

    ``gateway_name`` names the gateway (``as_view(gateway_name="paypal")``). ``http_client``
    (``as_view(http_client=...)``, or the ``VPOS_HTTP_CLIENT`` setting) is a callable
    ``(request, timeout) -> reply`` taking the core's ``HttpRequest`` shape and returning
    ``{"status": int, "body": bytes}`` or ``{"error": str}``; the default is
    :func:`hostedpay.http.send`. An exception it raises counts as ``{"error": ...}``.
    """

    http_method_names = ["post"]
    #: Marks the view whose URL may carry a token, for ``hostedpay.django.logging``'s redaction.
    vpos_notification_view = True
    gateway_name = "flocash"
    http_client: Optional[HttpClient] = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Nothing escapes to Django's handler, whose "Internal Server Error: <path>" line
        # would print the URL token.
        self._token_in_url = "token" in kwargs
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:  # noqa: BLE001 - answered 500 (the gateway retries), logged without the path
            logger.exception("%s: internal error", self.log_path(printable(kwargs.get("account", ""))))
            return self.quiet(HttpResponse("error", status=500, content_type="text/plain; charset=utf-8"))

    def post(self, request: HttpRequest, account: str, token: Optional[str] = None) -> HttpResponse:
        try:
            record = self.store_raw(request, account)
        except Exception:  # noqa: BLE001 - the database is down: the gateway must deliver again
            logger.exception("%s: the raw notification could not be stored", self.log_path(printable(account)))
            return self.quiet(HttpResponse("error", status=500, content_type="text/plain; charset=utf-8"))
        try:
            if self._too_large:
                response = self.finish(record, driver.reject_unread(self.gateway_name))
            else:
                response = self.process(request, record, account, token)
        except _Answered as answered:
            response = answered.response
        except Exception:  # noqa: BLE001 - keep the row, answer so that the gateway retries
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
        limit = driver.max_body_bytes(self.gateway_name)
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
        # One INSERT in autocommit: committed when it returns, without a BEGIN and a COMMIT
        # of its own (two round trips more per notification).
        record = Notification(
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
        alias = sql.usable(Notification, Notification.save)
        if alias is None:
            record.save(force_insert=True)
        else:  # the same INSERT, its SQL written once (hostedpay.django.sql)
            record.replace_nul()
            sql.insert(record, alias)
        return record

    def keep_body(self, record: Notification) -> None:
        """Stores the whole body, now that the account (and URL token) passed."""
        if record.body_truncated and not self._too_large:
            record.body = self._body
            record.body_truncated = False
            record.save(update_fields=["body", "body_truncated"])  # one UPDATE, autocommitted

    def open_account(self, record: Notification, account: str) -> conf.Account:
        """The configured account, or the stored verdict and answer for a missing or broken one."""
        try:
            return conf.get_account(self.gateway_name, account)
        except conf.UnknownAccount:
            # Answered like a wrong token: the URL reveals nothing about what exists.
            raise _Answered(self.finish(record, driver.unknown_account(self.gateway_name), hostedpay.VerificationError(
                "token_mismatch", "no such notification URL"))) from None
        except hostedpay.VposError as e:  # a misconfigured account: the core's answer, the gateway retries
            raise _Answered(self.reject(record, e)) from None

    def process(self, request: HttpRequest, record: Notification, account: str,
                token: Optional[str]) -> HttpResponse:
        acct = self.open_account(record, account)
        try:
            config = acct.config  # PayPal REST: with the account's OAuth token (fetched once, cached)
        except hostedpay.VposError as e:  # no token: the core's answer, PayPal delivers again
            return self.reject(record, e)
        # The request's headers: PayPal REST's webhook signature is in them (the others ignore them).
        headers = [(str(name), str(value)) for name, value in request.headers.items()]
        # 2. Parse, the URL token first (FloCash).
        try:
            unverified = driver.parse_notification(config, request.META.get("CONTENT_TYPE", ""), self._body,
                                                   token=token, headers=headers)
        except hostedpay.VposError as e:
            if e.code != "token_mismatch":
                self.keep_body(record)
            return self.reject(record, e)
        self.keep_body(record)
        summary = unverified.summary
        record.order_id = summary["order_id"][:64]
        record.transaction_id = summary["transaction_id"][:64]
        record.status_code = summary["status_code"][:64]
        # 3. Prove.
        try:
            verified = self.prove(config, unverified, acct)
        except hostedpay.VposError as e:
            if not (self.gateway_name == "paypal_rest" and hostedpay.paypal_rest.is_token_rejected(e)):
                return self.reject(record, e)
            # PayPal's 401 on the post-back: the cached token expired. Once more with a new one.
            try:
                config = acct.fresh_config()
                unverified = driver.parse_notification(config, request.META.get("CONTENT_TYPE", ""), self._body,
                                                       token=token, headers=headers)
                verified = self.prove(config, unverified, acct)
            except hostedpay.VposError as e2:
                return self.reject(record, e2)
        # 4. Transition under the row lock.
        return self.apply(record, acct, config, verified)

    def prove(self, config: Any, unverified: Any, acct: conf.Account) -> Any:
        """The proven notification: on the spot, or after the one request the core describes."""
        proof = driver.prove(config, unverified)
        if isinstance(proof, tuple):
            request, pending = proof
            return pending.finish(config, self.post_back(request, acct.postback_timeout))
        return proof

    def post_back(self, request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
        client = self.http_client or conf.http_client()
        try:
            return client(request, timeout)
        except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
            return {"error": f"{type(e).__name__}: {e}"}

    def apply(self, record: Notification, acct: conf.Account, config: Any, verified: Any) -> HttpResponse:
        event = verified.event()
        # Verified, yet maybe unusable: an order id or event key no column can hold (or a
        # NUL, which PostgreSQL refuses) is refused with 422 before any lookup.
        refused = unstorable(event)
        if refused is not None:
            return self.reject(record, refused)

        answers: list = []

        def acknowledge(outcome: Any) -> Tuple[Mapping[str, Any], Mapping[str, Any]]:
            answer = driver.acknowledge(config, verified, outcome)
            answers.append(answer)
            return answer.response, answer.payment_fields

        try:
            result = apply_event(record, acct, event, acknowledge)
        except EventKeyConflict as e:
            record.payment = e.payment  # not moved: kept to find the notification from it
            return self.reject(record, e, event_key=event.key)
        except hostedpay.VposError as e:  # the answer could not be made (Redsys SOAP): nothing was kept
            record.payment = None
            return self.reject(record, e, event_key=event.key)
        if result is None:
            not_found = driver.payment_not_found(self.gateway_name, event.order_id)
            if self.gateway_name == "flocash" and getattr(settings, ACK_UNKNOWN_ORDERS, False) is True:
                return self.acknowledge_unknown_order(record, acct, config, verified, event, not_found)
            return self.finish(record, not_found, event_key=event.key)
        # A refund's own notification (BitPay's refund webhook) completes the refund operation
        # that was left pending when the gateway first answered "pending".
        settle_operation(record, event, result[0])
        if answers and answers[-1].verdict == "ignored" and record.verdict != "ignored":
            # A webhook that moves no money (PayPal REST's CHECKOUT.ORDER.APPROVED): the core's
            # placeholder event was never meant to apply, whatever the transition said.
            record.verdict, record.error_code, record.detail = "ignored", "", None
            record.save(update_fields=["verdict", "error_code", "detail"])
        return to_django(result[1])

    def acknowledge_unknown_order(self, record: Notification, acct: conf.Account, config: Any, verified: Any,
                                  event: Any, not_found: Any) -> HttpResponse:
        """djflocash's behaviour, opted into with ``VPOS_FLOCASH_ACK_UNKNOWN_ORDERS``: a proven
        FloCash notification whose order has no payment is answered ``200 00`` (FloCash stops
        redelivering) and kept as ``no_payment`` / ``acknowledged_unknown_order`` for a person."""
        # The core answers "no payment" only with "deliver again"; FloCash's answer to a
        # notification that changes nothing is its acknowledge of an already-applied outcome,
        # asked of the core with a stand-in payment that holds the event's own key.
        stand_in = {"gateway": event.gateway, "merchant": event.merchant, "order_id": event.order_id,
                    "amount": {"minor": event.amount["minor"], "currency": event.amount["currency"]},
                    "status": "new", "live": acct.live, "refunded_minor": 0, "released_minor": 0,
                    "multiple_captures": False, "applied_event_keys": [event.key]}
        outcome = hostedpay.transition(stand_in, event)
        response = driver.acknowledge(config, verified, outcome).response
        logger.warning("flocash/%s: verified notification #%s for order %r with no payment answered %s "
                       "(VPOS_FLOCASH_ACK_UNKNOWN_ORDERS): FloCash will not deliver it again, look at it",
                       printable(acct.name), record.pk, printable(event.order_id), response["status"])
        return self.finish(record, not_found, event_key=event.key, response=response,
                           error_code=ACKNOWLEDGED_UNKNOWN_ORDER)

    def reject(self, record: Notification, error: hostedpay.VposError, event_key: str = "") -> HttpResponse:
        """Stores and answers the core's ``reject`` for ``error``."""
        return self.finish(record, driver.reject(self.gateway_name, error), event_key=event_key)

    def finish(self, record: Notification, answer: Any, error: Optional[hostedpay.VposError] = None,
               event_key: str = "", response: Optional[Mapping[str, Any]] = None,
               error_code: str = "") -> HttpResponse:
        """Stores a verdict that changes no payment (the core's ``answer``, its error or
        ``error``) and answers with the answer's response (or ``response``; ``error_code``
        replaces the error's code)."""
        error = answer.error if answer.error is not None else error
        response = answer.response if response is None else response
        record.verdict = answer.verdict
        record.error_code = error_code or (error.code if error is not None else "")
        record.detail = error.to_dict() if error is not None else None
        record.event_key = event_key
        record.response_status = response["status"]
        record.processed_at = timezone.now()
        save_fields(record, VERDICT_FIELDS)  # one UPDATE, autocommitted; never the body again
        events.send_quietly(notification_processed, sender=Notification, notification=record,
                            verdict=record.verdict)
        return to_django(response)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Django's version logs the path, which holds the token.
        # View._allowed_methods: Django's own (4.2 and 5.2), private, so not in django-stubs.
        return self.quiet(HttpResponseNotAllowed(self._allowed_methods()))  # type: ignore[attr-defined]

    @staticmethod
    def quiet(response: HttpResponse) -> HttpResponse:
        """Keeps Django's request logger, which prints the path (token included) for every
        4xx/5xx, away from this response; the view logs its own line instead."""
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response

    def log_path(self, account: str) -> str:
        return f"{self.gateway_name}/{account}/***/" if self._token_in_url else f"{self.gateway_name}/{account}/"

    def log(self, request: HttpRequest, response: HttpResponse, record: Notification, account: str) -> None:
        self.quiet(response)
        path = self.log_path(printable(account))
        level = logging.INFO if response.status_code < 400 else logging.WARNING
        logger.log(level, "notification #%s %s -> %s %s (%s)", record.pk, path, response.status_code,
                   record.verdict, record.order_id or "-")


def checkout_form(payment: Any, **overrides: Any) -> hostedpay.http.RedirectForm:
    """The core's redirect form for ``payment`` (``overrides`` as in ``flocash_order``)."""
    return payment.checkout_form(**overrides)


def render_checkout(request: HttpRequest, payment: Any, *, auto_submit: bool = True,
                    template_name: str = "vpos/checkout.html", context: Optional[Dict[str, Any]] = None,
                    **overrides: Any) -> TemplateResponse:
    """A page holding the payment's redirect form (auto-submitted by default)."""
    ctx = {"payment": payment, "form": checkout_form(payment, **overrides), "auto_submit": auto_submit}
    ctx.update(context or {})
    return TemplateResponse(request, template_name, ctx)


def complete_paypal_return(request: HttpRequest, payment: Any, **kwargs: Any) -> Any:
    """PayPal REST: the shop's ``return_url`` view calls this with the payment it finds by the
    query's ``token`` (PayPal's order id, the payment's ``reference``): completes the approved
    order (:func:`hostedpay.django.services.operations.charge_approved_order`, idempotent: a
    reload or a second click captures nothing more) and returns the charge's ``Refund`` record
    (``None`` when the payment was settled another way). Raises ``ConsistencyError`` when the
    token names another order."""
    from hostedpay.django.services.operations import charge_approved_order

    return charge_approved_order(payment, request.GET.get("token", ""), **kwargs)

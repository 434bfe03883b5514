"""Redsys host-to-host card payments with EMV 3-D Secure (docs/3ds.md, "Redsys host-to-host
EMV3DS"; the Django flow in docs/card3ds.md).

The shop shows its own card form; the card goes to the shop's server and from there, signed,
to Redsys's REST API. The steps, one view each (``include("hostedpay.django.urls")``):

1. ``start(payment, return_url=..., cardholder=...)`` opens a flow for a Redsys
   ``payment`` still ``new`` and returns the URL of the card form (``vpos:card3ds-card``);
2. the card form (``vpos/card3ds/card.html``) posts PAN, expiry, CVV and the browser's
   screen, time zone and language; the view asks ``iniciaPeticionREST`` for the card's 3DS
   version;
3. a card with a 3DS Method URL: the page ``vpos/card3ds/method.html`` posts
   ``threeDSMethodData`` to it in a hidden iframe; the issuer posts it back to
   ``vpos:card3ds-method`` (``threeDSCompInd`` ``Y``), or after 10 seconds the page goes on
   without it (``N``); a card without one: ``U``;
4. ``vpos:card3ds-authenticate`` sends ``trataPeticionREST`` with ``AuthenticationData``
   (browser fields and the flow's cardholder data): a final answer (frictionless) moves the
   payment, a challenge renders ``vpos/card3ds/challenge.html``, which posts ``creq`` to
   the issuer's ACS;
5. the ACS posts ``cres`` to ``vpos:card3ds-cres``, which sends the ``ChallengeResponse``
   and moves the payment with the final answer.

A final answer is verified by the core (signature with the order key, order, amount,
currency, merchant) and applied like a notification: stored as a ``Notification`` and moved
by :func:`hostedpay.django.services.notifications.apply_event` (row lock, ``transition``,
event key): the notification Redsys may also post for the same payment is then
``already_applied``. A reply that cannot be read (no answer, a timeout, a bad signature)
leaves the payment as it was: the customer sees ``vpos/card3ds/error.html``, the log says
why with the error's code.

The card: never stored in the database, never logged, never in an error or a
``Notification``. Between the requests of one flow it is kept, Fernet-encrypted with a key
derived from ``SECRET_KEY``, in the cache ``VPOS_CARD3DS_CACHE`` (default ``"default"``;
with several server processes it must be a shared one, such as Redis or Memcached) for
``VPOS_CARD3DS_TIMEOUT`` seconds (default 900), and deleted with the final answer. This is
PCI DSS scope (SAQ D): see docs/security.md; Redsys's InSite keeps the card off the shop.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
from typing import Any, Dict, Mapping, Optional, Tuple

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.debug import sensitive_post_parameters

import hostedpay
from hostedpay.django import conf
from hostedpay.django.models import EventKeyConflict, Notification, get_payment_model
from hostedpay.django.services.notifications import apply_event

logger = logging.getLogger("vpos.django")

#: Settings: the cache alias that holds flows, and how long a flow lives (seconds).
CACHE_SETTING = "VPOS_CARD3DS_CACHE"
TIMEOUT_SETTING = "VPOS_CARD3DS_TIMEOUT"
DEFAULT_TIMEOUT = 900
#: How long the method page waits for the issuer's 3DS Method (EMV 3DS: 10 seconds).
METHOD_WAIT_MS = 10_000
_PREFIX = "vpos:card3ds:"
_NO_ANSWER: Dict[str, Any] = {"status": 200, "headers": [], "body": ""}


# --- the flow, kept in the cache -------------------------------------------------------------

def _cache() -> Any:
    return caches[getattr(settings, CACHE_SETTING, "default")]


def _fernet() -> Any:
    from cryptography.fernet import Fernet

    # A key of its own, derived from SECRET_KEY: the cache alone never gives the card away.
    digest = hashlib.sha256(b"hostedpay card3ds v1\x00" + str(settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _seal(card: Mapping[str, str]) -> str:
    return str(_fernet().encrypt(json.dumps(dict(card)).encode()).decode("ascii"))


def _unseal(token: str) -> Dict[str, str]:
    return dict(json.loads(_fernet().decrypt(token.encode("ascii"))))


def _load(flow_id: str) -> Dict[str, Any]:
    flow = _cache().get(_PREFIX + flow_id) if len(flow_id) <= 64 else None
    if not isinstance(flow, dict):
        raise Http404("no such card payment")
    return flow


def _save(flow_id: str, flow: Mapping[str, Any]) -> None:
    _cache().set(_PREFIX + flow_id, dict(flow), getattr(settings, TIMEOUT_SETTING, DEFAULT_TIMEOUT))


def _claim(flow_id: str, step: str) -> bool:
    """True for the first request that takes ``step`` of the flow: ``cache.add`` is atomic on
    every Django cache backend, so two posts at once (a double click, a replayed ``cres``)
    cannot both ask Redsys."""
    return bool(_cache().add(f"{_PREFIX}{flow_id}:{step}", 1, getattr(settings, TIMEOUT_SETTING, DEFAULT_TIMEOUT)))


def _finish(flow_id: str, flow: Dict[str, Any]) -> None:
    """The flow is over: the card goes; what remains answers a replay (to ``return_url``)."""
    flow.pop("card", None)
    flow["stage"] = "done"
    _save(flow_id, flow)


def start(payment: Any, *, return_url: str,
          cardholder: Optional[Mapping[str, Any]] = None) -> str:
    """Opens a card flow for ``payment`` (a Redsys payment still ``new``) and returns the path of
    its card form. ``return_url``: where the customer goes when the payment has its answer (or
    when the flow ends without one). ``cardholder``: 3-D Secure 2 data (docs/3ds.md) sent with
    ``AuthenticationData``; checked now (``field_invalid`` on ``cardholder.…``)."""
    if payment.gateway != "redsys":
        raise hostedpay.UnsupportedError("unsupported", f"{payment.gateway} has no host-to-host card flow", "gateway")
    if payment.status != "new":
        raise hostedpay.ConsistencyError("invalid_transition", f"payment {payment.order_id} is {payment.status}",
                                         "status")
    payment.account_settings().require_checkout()
    if cardholder:  # checked by the core now, by building (not sending) the redirect form with it
        hostedpay.driver.checkout(payment.account_settings().config, payment.checkout_order(cardholder=dict(cardholder)))
    flow_id = secrets.token_urlsafe(24)
    _save(flow_id, {"payment": payment.pk, "return_url": str(return_url), "stage": "card",
                    "cardholder": dict(cardholder) if cardholder else None})
    return reverse("vpos:card3ds-card", kwargs={"flow": flow_id})


# --- helpers ---------------------------------------------------------------------------------

def _payment(flow: Mapping[str, Any]) -> Any:
    Payment = get_payment_model()
    try:
        return Payment.objects.get(pk=flow["payment"])
    except Payment.DoesNotExist:
        raise Http404("no such payment") from None


def _send(acct: conf.Account, request: Mapping[str, Any]) -> Dict[str, Any]:
    """One request through the project's HTTP client, with the account's REST deadline. The
    request body holds the card: it is never logged, nor is the client's exception text."""
    client = conf.http_client()
    try:
        return client(request, acct.rest_timeout)
    except Exception as e:  # noqa: BLE001 - a failing client is "no answer"
        return {"error": type(e).__name__}


def _body_bytes(reply: Mapping[str, Any]) -> bytes:
    body = reply.get("body", b"")
    return body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")


def _payment_dict(payment: Any, card: Mapping[str, str]) -> Dict[str, Any]:
    return {"order": payment.order_id, "amount": {"minor": payment.amount_minor, "currency": payment.currency},
            "card": dict(card)}


def _error(request: HttpRequest, flow: Mapping[str, Any], message: str, status: int = 502) -> HttpResponse:
    return TemplateResponse(request, "vpos/card3ds/error.html",
                            {"message": message, "return_url": flow.get("return_url", "")}, status=status)


def _unavailable(request: HttpRequest, flow: Mapping[str, Any], payment: Any, step: str,
                 error: hostedpay.VposError) -> HttpResponse:
    logger.warning("card3ds %s/%s %s: %s refused or unanswered: %s on %s", payment.gateway, payment.account,
                   payment.order_id, step, error.code, error.field or "-")
    return _error(request, flow, _("The bank's answer could not be received or checked, so this page cannot "
                                   "tell whether the payment went through. Check your order before trying again."))


def _apply(request: HttpRequest, flow_id: str, flow: Dict[str, Any], payment: Any, acct: conf.Account,
           verified: Any, reply: Mapping[str, Any]) -> HttpResponse:
    """A verified final answer: stored as a ``Notification`` and applied through the one locked
    transition path, then the customer goes to ``return_url``."""
    event = verified.event()
    _finish(flow_id, flow)
    note = Notification.objects.create(
        gateway=acct.gateway_name, account=acct.name, content_type="application/json", headers={},
        body=_body_bytes(reply), order_id=event.order_id[:64], transaction_id=event.transaction_id[:64],
        status_code=event.status_code[:64])
    try:
        result = apply_event(note, acct, event, lambda outcome: (_NO_ANSWER, {}))
    except EventKeyConflict as e:
        Notification.objects.filter(pk=note.pk).update(verdict="rejected", error_code=e.code, event_key=event.key)
        logger.warning("card3ds %s/%s %s: %s", acct.gateway_name, acct.name, payment.order_id, e.code)
        return redirect(flow["return_url"])
    verdict = result[0].kind if result is not None else "no_payment"
    logger.info("card3ds %s/%s %s: final answer %s (%s)", acct.gateway_name, acct.name, payment.order_id,
                event.status_code, verdict)
    return redirect(flow["return_url"])


def _authenticate(request: HttpRequest, flow_id: str, flow: Dict[str, Any], payment: Any, acct: conf.Account,
                  comp_ind: str) -> HttpResponse:
    """``trataPeticionREST`` with ``AuthenticationData``: a final answer, or the challenge page."""
    if not _claim(flow_id, "authenticate"):
        return redirect(flow["return_url"])
    gw = acct.gateway
    card = _unseal(flow["card"])
    pay = _payment_dict(payment, card)
    authentication: Dict[str, Any] = {
        "protocol_version": flow["protocol_version"],
        "three_ds_server_trans_id": flow["trans_id"],
        "three_ds_comp_ind": comp_ind,
        "notification_url": request.build_absolute_uri(reverse("vpos:card3ds-cres", kwargs={"flow": flow_id})),
        "browser": flow["browser"],
    }
    if flow.get("cardholder"):
        authentication["cardholder"] = flow["cardholder"]
    # Asked once: whatever comes back (or not), this step is not sent again.
    flow["stage"] = "authenticating"
    _save(flow_id, flow)
    try:
        reply = _send(acct, gw.emv3ds_trata_request(pay, authentication))
        step = gw.emv3ds_parse_trata_response(pay, reply)
    except hostedpay.VposError as e:
        _finish(flow_id, flow)
        return _unavailable(request, flow, payment, "trataPeticionREST", e)
    if step["kind"] == "final":
        return _apply(request, flow_id, flow, payment, acct, step["notification"], reply)
    challenge = step["challenge"]
    flow["stage"] = "challenge"
    flow["protocol_version"] = challenge.get("protocol_version", flow["protocol_version"])
    _save(flow_id, flow)
    logger.info("card3ds %s/%s %s: challenge", acct.gateway_name, acct.name, payment.order_id)
    form = step["form"]
    return TemplateResponse(request, "vpos/card3ds/challenge.html",
                            {"payment": payment, "action": form["action"], "fields": form["fields"]})


def _check_card(post: Mapping[str, str]) -> Tuple[Dict[str, str], Dict[str, str]]:
    """The card as Redsys takes it (``pan``, ``expiry_date`` ``YYMM``, ``cvv2``), and the errors
    by field; no message ever repeats what was typed."""
    pan = "".join(str(post.get("pan", "")).split()).replace("-", "")
    expiry = "".join(str(post.get("expiry", "")).split())
    cvv = str(post.get("cvv", "")).strip()
    errors: Dict[str, str] = {}
    if not (pan.isascii() and pan.isdigit() and 12 <= len(pan) <= 19):
        errors["pan"] = _("Enter the card number (12 to 19 digits).")
    month, _sep, year = expiry.partition("/")
    if not (month.isascii() and month.isdigit() and year.isascii() and year.isdigit()
            and len(month) in (1, 2) and len(year) in (2, 4) and 1 <= int(month) <= 12):
        errors["expiry"] = _("Enter the expiry date as MM/YY.")
    if not (cvv.isascii() and cvv.isdigit() and len(cvv) in (3, 4)):
        errors["cvv"] = _("Enter the security code (3 or 4 digits).")
    if errors:
        return {}, errors
    return {"pan": pan, "expiry_date": year[-2:] + month.zfill(2), "cvv2": cvv}, {}


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        return default
    return number if low <= number <= high else default


def _browser(request: HttpRequest) -> Dict[str, Any]:
    """The EMV 3DS browser fields: the headers of the card form's POST, and what its script
    measured (defaults when it could not run)."""
    post = request.POST
    depth = _int(post.get("color_depth"), 24, 1, 48)
    language = "".join(c for c in str(post.get("language", "")) if c.isascii() and (c.isalnum() or c == "-"))[:8]
    return {
        "accept_header": "".join(c for c in request.headers.get("Accept", "*/*") if c.isprintable())[:2048] or "*/*",
        "user_agent": "".join(c for c in request.headers.get("User-Agent", "-") if c.isprintable())[:2048] or "-",
        "java_enabled": False,
        "javascript_enabled": post.get("javascript") == "1",
        "language": language or "en",
        "color_depth": depth if depth in (1, 4, 8, 15, 16, 24, 32, 48) else 24,
        "screen_height": _int(post.get("screen_height"), 1080, 1, 999_999),
        "screen_width": _int(post.get("screen_width"), 1920, 1, 999_999),
        "tz": _int(post.get("tz"), 0, -1440, 1440),
    }


# --- views -----------------------------------------------------------------------------------

@method_decorator(never_cache, name="dispatch")
# Django's error reports (500 e-mails, the debug page) show POST data: never the card's.
@method_decorator(sensitive_post_parameters("pan", "expiry", "cvv"), name="dispatch")
class CardView(View):
    """``card3ds/<flow>/``: the card form (GET) and the card (POST): ``iniciaPeticionREST``, then
    the 3DS Method page or, without one, ``AuthenticationData`` at once."""

    template_name = "vpos/card3ds/card.html"
    http_method_names = ["get", "post"]

    def render_form(self, request: HttpRequest, flow_id: str, payment: Any, errors: Mapping[str, str],
                    status: int = 200) -> HttpResponse:
        return TemplateResponse(request, self.template_name, {"payment": payment, "errors": errors, "flow": flow_id},
                                status=status)

    def get(self, request: HttpRequest, flow: str) -> HttpResponse:
        state = _load(flow)
        payment = _payment(state)
        if state["stage"] != "card" or payment.status != "new":
            return redirect(state["return_url"])
        return self.render_form(request, flow, payment, {})

    def post(self, request: HttpRequest, flow: str) -> HttpResponse:
        state = _load(flow)
        payment = _payment(state)
        if state["stage"] != "card" or payment.status != "new":
            return redirect(state["return_url"])
        card, errors = _check_card(request.POST)
        if errors:
            return self.render_form(request, flow, payment, errors, status=400)
        acct = payment.account_settings()
        gw = acct.gateway
        pay = _payment_dict(payment, card)
        try:
            reply = _send(acct, gw.emv3ds_inicia_request(pay))
            configuration = gw.emv3ds_parse_inicia_response(pay, reply)
        except hostedpay.VposError as e:
            if e.field and e.field.startswith("card"):
                # The core refused the card before sending anything: the customer may retype it.
                return self.render_form(request, flow, payment, {"pan": _("Check the card details.")}, status=400)
            _finish(flow, state)
            return _unavailable(request, state, payment, "iniciaPeticionREST", e)
        state.update(card=_seal(card), browser=_browser(request), stage="method",
                     protocol_version=configuration["protocol_version"],
                     trans_id=configuration["three_ds_server_trans_id"], method_done=False)
        notify = request.build_absolute_uri(reverse("vpos:card3ds-method", kwargs={"flow": flow}))
        form = gw.emv3ds_method_form(configuration, notify)
        if form is None:
            _save(flow, state)
            return _authenticate(request, flow, state, payment, acct, "U")
        state["has_method"] = True
        _save(flow, state)
        logger.info("card3ds %s/%s %s: 3DS Method", acct.gateway_name, acct.name, payment.order_id)
        return TemplateResponse(request, "vpos/card3ds/method.html", {
            "payment": payment, "action": form["action"], "fields": form["fields"], "flow": flow,
            "wait_ms": METHOD_WAIT_MS})


@method_decorator(csrf_exempt, name="dispatch")
# Shown in the method page's hidden iframe: framed by the shop's own page only.
@method_decorator(xframe_options_sameorigin, name="dispatch")
class MethodNotificationView(View):
    """``card3ds/<flow>/method/``: the issuer's ``threeDSMethodData`` post-back (in the hidden
    iframe, posted from the issuer's page: no CSRF token). Marks the 3DS Method done when it
    names the flow's ``threeDSServerTransID``."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, flow: str) -> HttpResponse:
        state = _load(flow)
        payment = _payment(state)
        try:
            trans_id = payment.account_settings().gateway.emv3ds_method_data(request.POST.get("threeDSMethodData", ""))
        except hostedpay.VposError as e:
            logger.warning("card3ds %s: threeDSMethodData refused: %s", payment.order_id, e.code)
            return HttpResponse(status=400)
        expected = str(state.get("trans_id", "")).encode()
        if state.get("stage") == "method" and secrets.compare_digest(trans_id.encode(), expected):
            state["method_done"] = True
            _save(flow, state)
        return TemplateResponse(request, "vpos/card3ds/method_done.html", {})


@method_decorator(never_cache, name="dispatch")
class AuthenticateView(View):
    """``card3ds/<flow>/authenticate/``: the method page goes on (the Method's post-back came,
    or 10 seconds passed): ``AuthenticationData`` with ``threeDSCompInd`` ``Y`` or ``N``."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, flow: str) -> HttpResponse:
        state = _load(flow)
        payment = _payment(state)
        if state.get("stage") != "method" or payment.status != "new":
            return redirect(state["return_url"])
        comp_ind = "Y" if state.get("method_done") else "N"
        return _authenticate(request, flow, state, payment, payment.account_settings(), comp_ind)


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class ChallengeResultView(View):
    """``card3ds/<flow>/cres/``: the ACS posts ``cres`` (the ``notificationURL``); the
    ``ChallengeResponse`` gives the final answer. A ``cres`` for a flow that is not waiting for
    one (a replay, a reload) asks nothing and goes to ``return_url``."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, flow: str) -> HttpResponse:
        state = _load(flow)
        payment = _payment(state)
        if state.get("stage") != "challenge" or "card" not in state or not _claim(flow, "cres"):
            logger.info("card3ds %s: cres for a flow not waiting for one, ignored", payment.order_id)
            return redirect(state["return_url"])
        acct = payment.account_settings()
        gw = acct.gateway
        pay = _payment_dict(payment, _unseal(state["card"]))
        # Asked once: a second cres (a replay, a double post) finds the flow over.
        _finish(flow, state)
        result = {"protocol_version": state["protocol_version"], "cres": str(request.POST.get("cres", ""))[:8192]}
        try:
            reply = _send(acct, gw.emv3ds_challenge_request(pay, result))
            verified = gw.emv3ds_parse_challenge_response(pay, reply)
        except hostedpay.VposError as e:
            return _unavailable(request, state, payment, "ChallengeResponse", e)
        return _apply(request, flow, state, payment, acct, verified, reply)

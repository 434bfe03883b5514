"""What a customer reads about their payment, in their language (the active Django language).

``status_text(payment)`` gives a headline for the payment's status and, for a payment that did
not go through, the reason: the gateway's code from the notification that moved it, read with
the core's response tables (``hostedpay.redsys.map_status`` / ``response_message``,
``hostedpay.flocash.status_label``), and a sentence the catalogues translate::

    >>> from hostedpay.django.customer import reason_for
    >>> reason_for("redsys", "0180").gateway_message
    'Tarjeta ajena al servicio.'

Nothing here changes a payment: a CECA payment still ``new`` after the window in which Cecabank
would have confirmed it (Cecabank notifies completed payments only, see ``CECA_WINDOW``) reads
"not completed", and stays ``new`` for a late notification.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Dict, Optional

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

import hostedpay

#: Seconds after the customer came back from Cecabank (or, when the shop cannot tell, after the
#: payment was last changed) past which a CECA payment still ``new`` reads "not completed".
#: Cecabank posts its on-line notification for completed payments only, before it sends the
#: customer back, and gives up on the shop after 30 seconds (the django-virtual-pos
#: implementation, https://github.com/intelligenia/django-virtual-pos, documents that deadline);
#: the setting ``VPOS_CECA_NOTIFICATION_WINDOW`` (seconds) overrides it.
CECA_WINDOW = 30

#: Headlines per payment status.
HEADLINES: Dict[str, Any] = {
    "new": _("Waiting for the payment"),
    "pending": _("Payment pending"),
    "authorized": _("Payment authorised"),
    "paid": _("Paid"),
    "failed": _("Payment declined"),
    "cancelled": _("Payment cancelled"),
    "partially_refunded": _("Paid, partially refunded"),
    "refunded": _("Refunded"),
    "charged_back": _("Charged back"),
}
#: What each status means for the customer, when there is no gateway code to explain it.
EXPLANATIONS: Dict[str, Any] = {
    "new": _("We have not heard from the payment gateway yet. This page updates by itself."),
    "pending": _("The payment gateway will confirm the payment later."),
    "authorized": _("The amount is reserved on your card; the shop takes it when your order is ready."),
    "failed": _("The payment did not go through. No payment was taken; you can try again."),
    "cancelled": _("The payment was cancelled. You can try again."),
    "refunded": _("The whole amount was refunded."),
    "partially_refunded": _("Part of the amount was refunded."),
    "charged_back": _("The payment was disputed with the card issuer and returned."),
}
#: Redsys codes a customer meets most, in plain words (Redsys's own wording, Spanish, is
#: ``hostedpay.redsys.response_message``).
REDSYS_REASONS: Dict[str, Any] = {
    "0101": _("The card has expired."),
    "0116": _("There are not enough funds on the card."),
    "0129": _("The card's security code (CVV2/CVC2) is wrong."),
    "0180": _("This card cannot be used for this payment."),
    "0184": _("The cardholder could not be authenticated."),
    "0190": _("The bank declined the payment without giving a reason."),
    "9915": _("You cancelled the payment on the payment page."),
}
#: FloCash's labels (``hostedpay.flocash.status_label``), as the core holds them: each is a
#: message id of the catalogues, so the customer reads it in their language.
FLOCASH_LABELS = (
    _("Payment is successful."), _("Payment was aborted."), _("Customer cancelled the payment."),
    _("Transaction was not authorized."), _("Payment is pending."),
)
#: The reason by the core's reading of a code, for codes without a sentence of their own.
BY_REPORTED: Dict[str, Any] = {
    "failed": _("The bank or the payment gateway declined the payment."),
    "cancelled": _("The payment was cancelled on the payment page."),
    "pending": _("The payment gateway will confirm the payment later."),
}


@dataclass(frozen=True)
class Reason:
    """Why a payment is where it is: a translated sentence, the gateway's code and the
    gateway's own wording from the core's table (untranslated, ``""`` when it has none)."""

    text: str
    code: str = ""
    gateway_message: str = ""


@dataclass(frozen=True)
class CustomerStatus:
    """``status_text``'s answer. ``paid_with`` says whether "Paid with <gateway>" is true."""

    status: str
    headline: str
    reason: Reason
    settled: bool
    paid_with: bool
    not_completed: bool = False


def reason_for(gateway: str, code: str) -> Reason:
    """The reason a gateway's ``code`` (as stored on the notification) gives, or an empty
    ``Reason`` when the core does not know the code."""
    code = (code or "").strip()
    if not code:
        return Reason("")
    if gateway == "redsys":
        normalized = hostedpay.redsys.normalize_response(code)
        if normalized is None:
            return Reason("", code)
        message = hostedpay.redsys.response_message(normalized) or ""
        if normalized in REDSYS_REASONS:
            return Reason(str(REDSYS_REASONS[normalized]), normalized, message)
        _action, reported = hostedpay.redsys.map_status("0", normalized)
        return Reason(str(BY_REPORTED.get(reported, "")), normalized, message)
    if gateway == "flocash":
        try:
            normalized = hostedpay.flocash.normalize_status(code)
        except hostedpay.VposError:
            return Reason("", code)
        label = hostedpay.flocash.status_label(normalized) or ""
        # The label is a message id of the catalogues (FLOCASH_LABELS).
        return Reason(gettext(label) if label else "", normalized, label)
    return Reason("", code)


def _deciding_code(payment: Any) -> str:
    """The status code of the notification that last moved the payment (applied)."""
    from hostedpay.django.models import Notification

    note = (Notification.objects.filter(payment_id=payment.pk, verdict="applied")
            .exclude(status_code="").order_by("-received_at", "-id").first())
    return note.status_code if note is not None else ""


def ceca_window() -> float:
    """Seconds of ``CECA_WINDOW``, or the ``VPOS_CECA_NOTIFICATION_WINDOW`` setting."""
    return float(getattr(settings, "VPOS_CECA_NOTIFICATION_WINDOW", CECA_WINDOW))


def status_text(payment: Any, *, returned_at: Optional[datetime.datetime] = None,
                now: Optional[datetime.datetime] = None) -> CustomerStatus:
    """The customer's reading of ``payment``, in the active language. ``returned_at`` is when the
    customer came back from the gateway's page, if the shop knows (CECA's window counts from
    it; else from the payment's last change)."""
    status = payment.status
    headline = str(HEADLINES.get(status, status))
    reason = Reason(str(EXPLANATIONS.get(status, "")))
    if status in ("failed", "cancelled", "pending"):
        found = reason_for(payment.gateway, _deciding_code(payment))
        if found.text or found.code:
            reason = Reason(found.text or reason.text, found.code, found.gateway_message)
    not_completed = False
    if status == "new" and payment.gateway == "ceca":
        since = returned_at or payment.modified
        now = now or timezone.now()
        if since is not None and (now - since).total_seconds() > ceca_window():
            not_completed = True
            headline = gettext("Payment not completed")
            reason = Reason(gettext(
                "Cecabank confirms completed payments only, and no confirmation came within %(seconds)d "
                "seconds: the payment was declined or abandoned. You can try again; if your bank "
                "shows a charge, contact us.") % {"seconds": int(ceca_window())})
    return CustomerStatus(status=status, headline=headline, reason=reason,
                          settled=status not in ("new", "pending") or not_completed,
                          # Authorised is reserved, not paid: no "Paid with" yet.
                          paid_with=status in ("paid", "partially_refunded", "refunded", "charged_back"),
                          not_completed=not_completed)

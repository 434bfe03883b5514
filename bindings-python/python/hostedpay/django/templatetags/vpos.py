"""``{% load vpos %}``: the checkout form as hidden fields, and the payment's status for the
customer.

``{% vpos_checkout_form payment %}`` renders the core's redirect form for a payment (every
value escaped by the core) with a "Continue to payment" button in the active language;
``auto_submit=True`` submits it on load (the script is inline: a strict
Content-Security-Policy must allow it). Extra keyword arguments override order fields, e.g.
``return_url=...``. A ``RedirectForm`` (from ``payment.checkout_form()``) can be passed instead
of a payment.

``{% vpos_payment_status payment %}`` renders ``vpos/status.html``: the headline of the
payment's status and, when it did not go through, the reason with the gateway's code
(:func:`hostedpay.django.customer.status_text`), in the active language. ``returned_at=`` is
when the customer came back from the gateway, when the shop knows it.
"""

from typing import Any, Dict

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

import hostedpay
from hostedpay.django.customer import status_text

register = template.Library()

#: The core's button (``RedirectForm.to_html``), replaced by the translated label.
CORE_BUTTON = ">Continue to payment</button>"


@register.simple_tag
def vpos_checkout_form(payment_or_form: Any, auto_submit: bool = False, **overrides: Any) -> SafeString:
    """The redirect form as HTML."""
    if isinstance(payment_or_form, hostedpay.http.RedirectForm):
        form = payment_or_form
    else:
        form = payment_or_form.checkout_form(**overrides)
    # The core escaped every attribute value, so its button text cannot occur inside one.
    label = gettext("Continue to payment")
    html = form.to_html(bool(auto_submit)).replace(CORE_BUTTON, f">{escape(label)}</button>")
    return mark_safe(html)


@register.inclusion_tag("vpos/status.html")
def vpos_payment_status(payment: Any, returned_at: Any = None) -> Dict[str, Any]:
    """The customer's reading of ``payment`` (see the module documentation)."""
    return {"payment": payment, "text": status_text(payment, returned_at=returned_at)}

"""``{% load vpos %}``: the checkout form as hidden fields.

``{% vpos_checkout_form payment %}`` renders the core's redirect form for a payment (every
value escaped by the core) with a "Continue to payment" button; ``auto_submit=True`` submits
it on load (the script is inline: a strict Content-Security-Policy must allow it). Extra
keyword arguments override order fields, e.g. ``return_url=...``. A ``RedirectForm`` (from
``payment.checkout_form()``) can be passed instead of a payment.
"""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

import hostedpay

register = template.Library()


@register.simple_tag
def vpos_checkout_form(payment_or_form: Any, auto_submit: bool = False, **overrides: Any) -> SafeString:
    """The redirect form as HTML."""
    if isinstance(payment_or_form, hostedpay.http.RedirectForm):
        form = payment_or_form
    else:
        form = payment_or_form.checkout_form(**overrides)
    # The core escaped every attribute value.
    return mark_safe(form.to_html(bool(auto_submit)))

"""Card (Redsys, 3-D Secure in page): the shop's own card form, through hostedpay.django.card3ds
(Redsys's REST API with EMV 3-D Secure; docs/card3ds.md). The card goes to this server, never
to the database or the logs; the customer's 3-D Secure 2 data goes with it."""

import logging

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

import hostedpay
from hostedpay.django import card3ds
from store.views import CARDHOLDER, _order, claim_payment, unavailable

logger = logging.getLogger("store")

#: What `sent_to` records for this way to pay (a Redsys payment, paid without Redsys's page).
SENT_TO = "redsys-card"


@require_POST
def pay_card(request, key):
    """Gives the order a Redsys payment of its own (a fresh order number unless no gateway has
    seen the open one), then the card form of hostedpay.django.card3ds."""
    order = claim_payment(_order(key), "redsys", SENT_TO, lambda o: o.sent_to == SENT_TO)
    if order is None:
        return redirect("order", key=key)
    try:
        url = card3ds.start(order.payment, cardholder=CARDHOLDER,
                            return_url=reverse("order", kwargs={"key": order.key}))
    except hostedpay.VposError as e:
        logger.warning("order %s: no card payment: %s", order.payment.order_id, e.code)
        return unavailable(request, order, gettext("Card (Redsys, 3-D Secure in page)"), e.code)
    return redirect(url)

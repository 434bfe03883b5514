"""Card (Redsys, 3-D Secure in page): the shop's own card form, through hostedpay.django.card3ds
(Redsys's REST API with EMV 3-D Secure; docs/card3ds.md). The card goes to this server, never
to the database or the logs; the customer's 3-D Secure 2 data goes with it."""

import logging

from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

import hostedpay
from hostedpay.django import card3ds
from hostedpay.django.models import Payment
from store.models import Order
from store.views import CARDHOLDER, GATEWAYS, _order, new_order_id

logger = logging.getLogger("store")

#: What `sent_to` records for this way to pay (a Redsys payment, paid without Redsys's page).
SENT_TO = "redsys-card"


@require_POST
def pay_card(request, key):
    """Gives the order a Redsys payment of its own (a fresh order number unless no gateway has
    seen the open one), then the card form of hostedpay.django.card3ds."""
    order = _order(key)
    if order.payment.status != "new":
        return redirect("order", key=order.key)
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("payment").get(pk=order.pk)
        old = order.payment
        if old.status != "new":
            return redirect("order", key=order.key)
        if not order.sent_to and not old.notifications.exists():
            old.gateway, old.account, old.merchant = "redsys", "default", ""
            old.order_id = new_order_id("redsys")
            old.save()
        elif order.sent_to != SENT_TO:
            payment = Payment(gateway="redsys", order_id=new_order_id("redsys"), custom=old.custom,
                              item_name=old.item_name, currency=old.currency, quantity=old.quantity,
                              amount_minor=old.amount_minor, item_price_minor=old.item_price_minor)
            payment.save()
            order.payment = payment
        order.sent_to = SENT_TO
        order.save(update_fields=["payment", "sent_to"])
    try:
        url = card3ds.start(order.payment, cardholder=CARDHOLDER,
                            return_url=reverse("order", kwargs={"key": order.key}))
    except hostedpay.VposError as e:
        logger.warning("order %s: no card payment: %s", order.payment.order_id, e.code)
        return render(request, "store/checkout.html",
                      {"order": order, "gateways": GATEWAYS,
                       "error": gettext("%(gateway)s is not available now (%(code)s). Choose another way to pay.")
                       % {"gateway": gettext("Card (Redsys, 3-D Secure in page)"), "code": e.code}}, status=502)
    return redirect(url)

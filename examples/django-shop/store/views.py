import logging
import secrets
from urllib.parse import urlencode

import datetime

from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

import hostedpay
from store.models import Order, Product
from hostedpay.django.customer import status_text
from hostedpay.django.models import Notification, Payment, Refund
from hostedpay.django.views import NotificationView, complete_paypal_return

logger = logging.getLogger("store")

#: The gateways the checkout offers, in order: (name, label, what the customer pays with).
GATEWAYS = [
    ("flocash", "FloCash", _("card, mobile money, wallet")),
    ("redsys", "Redsys", _("card (Spanish banks)")),
    ("ceca", "CECA", _("card (Cecabank)")),
    ("elavon", "Santander Elavon", _("card, settled at once")),
    ("paypal_rest", "PayPal", _("PayPal account")),
    ("paypal", "PayPal (classic)", _("PayPal account, Website Payments Standard")),
    ("bitpay", "Bitpay", _("bitcoin")),
]
LABELS = {name: label for name, label, _what in GATEWAYS}
#: 3-D Secure 2 data of the demo's customer (docs/3ds.md): a real shop takes it from the
#: customer's account and addresses. Sent to CECA (`datos_acs_20`) and Santander Elavon (HPP v2:
#: `HPP_VERSION=2`, `HPP_CUSTOMER_EMAIL`, the billing address).
CARDHOLDER = {"name": "Ana García", "email": "ana@example.com",
              "billing": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
              "account": {"age": "more_than_60_days"}}
THREE_DS = {"ceca", "elavon"}
ORDER_KEY = "store_order_key"
#: Session key prefix: when the customer came back from the gateway's page, per order.
RETURNED = "store_returned:"


def new_order_id(gateway):
    """A fresh order id: the core's where the gateway shapes it (Redsys), else the shop's own."""
    return hostedpay.driver.new_order_id(gateway, "", secrets.token_bytes(12)) or "DS" + secrets.token_hex(5).upper()


def product(request):
    return render(request, "store/product.html", {"product": Product.objects.order_by("id").first()})


@require_POST
def buy(request):
    item = get_object_or_404(Product, pk=request.POST.get("product"))
    try:
        quantity = int(request.POST.get("quantity", "1"))
    except ValueError:
        quantity = 0
    if not 1 <= quantity <= 10:
        return render(request, "store/product.html", {"product": item, "error": gettext("Choose 1 to 10.")},
                      status=400)
    # One payment per order, for FloCash until the customer chooses (`pay` switches it while no
    # gateway page has seen it).
    with transaction.atomic():
        payment = Payment(gateway="flocash", order_id=new_order_id("flocash"),
                          custom="demo-customer", item_name=item.name, currency=item.currency,
                          quantity=quantity)
        payment.item_price = item.price          # Decimal; vpos stores exact minor units
        payment.amount = item.price * quantity
        payment.save()
        order = Order.objects.create(product=item, quantity=quantity, payment=payment)
    return redirect("checkout", key=order.key)


def _order(key):
    return get_object_or_404(Order.objects.select_related("payment", "product"), key=key)


def claim_payment(order, gateway, sent_to, keeps):
    """The order, its open payment given to `gateway` under the order's row lock and `sent_to`
    recorded (what way to pay the customer chose); None once the payment is no longer new.

    `keeps(order)` says the open payment already is this way's: it stays as it is. Otherwise
    it is taken over (a fresh order id of `gateway`) while no gateway page has been shown for
    it and no notification names it. Once a gateway page has seen it, a late notification may
    still come for it, so it stays as it is and a new payment replaces it on the order."""
    if order.payment.status != "new":
        return None
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("payment").get(pk=order.pk)
        old = order.payment
        if old.status != "new":
            return None
        if not keeps(order):
            if not order.sent_to and not old.notifications.exists():
                old.gateway, old.account, old.merchant = gateway, "default", ""
                old.order_id = new_order_id(gateway)
                old.save()
            else:
                payment = Payment(gateway=gateway, order_id=new_order_id(gateway),
                                  custom=old.custom, item_name=old.item_name, currency=old.currency,
                                  quantity=old.quantity, amount_minor=old.amount_minor,
                                  item_price_minor=old.item_price_minor)
                payment.save()
                order.payment = payment
        order.sent_to = sent_to
        order.save(update_fields=["payment", "sent_to"])
    return order


def unavailable(request, order, label, code):
    """The checkout page again, saying that `label` cannot take the payment now (502)."""
    return render(request, "store/checkout.html",
                  {"order": order, "gateways": GATEWAYS,
                   "error": gettext("%(gateway)s is not available now (%(code)s). Choose another way to pay.")
                   % {"gateway": label, "code": code}}, status=502)


@require_GET
def checkout(request, key):
    order = _order(key)
    if order.payment.status != "new":
        return redirect("order", key=order.key)
    # Every gateway goes through `pay`, which gives the order's payment to it first.
    return render(request, "store/checkout.html", {"order": order, "gateways": GATEWAYS})


@require_POST
def pay(request, key, gateway):
    """Pays the order with `gateway`, then the core's redirect form takes the customer to it.

    The order's open payment is reused (`claim_payment`): the same gateway again keeps it as
    it is; another gateway takes it over, or replaces it once a gateway page has seen it."""
    if gateway not in LABELS:
        raise Http404("no such gateway")
    claimed = claim_payment(_order(key), gateway, gateway, lambda o: o.payment.gateway == gateway)
    if claimed is None:
        return redirect("order", key=key)
    order = claimed
    payment = order.payment
    # CECA and Elavon send the customer to one fixed URL: the session says which order.
    request.session[ORDER_KEY] = str(order.key)
    here = request.build_absolute_uri(reverse("order", kwargs={"key": order.key}))
    # PayPal (Orders v2) sends the approved buyer to a page that completes the order.
    back_url = (request.build_absolute_uri(reverse("paypal-return", kwargs={"key": order.key}))
                if gateway == "paypal_rest" else here)
    try:
        # The core maps the return URLs to each gateway's names (CECA and Elavon take theirs
        # from the account's settings).
        extra = {"cardholder": CARDHOLDER} if gateway in THREE_DS else {}
        form = payment.checkout_form(return_url=back_url, cancel_url=here, **extra)
    except hostedpay.VposError as e:
        logger.warning("order %s: no %s checkout: %s", payment.order_id, gateway, e)
        return unavailable(request, order, LABELS[gateway], e.code)
    if form.method == "GET":  # Bitpay: the invoice page; PayPal (Orders v2): the approve page
        return redirect(f"{form.action}?{urlencode(form.fields)}")
    return TemplateResponse(request, "vpos/checkout.html", {"payment": payment, "form": form, "auto_submit": True})


@require_GET
def back(request):
    """CECA's URL_OK / URL_NOK: back to the order the customer was paying."""
    key = request.session.get(ORDER_KEY)
    if key and Order.objects.filter(key=key).exists():
        # CECA's window ("not completed" when no notification came) counts from here.
        request.session[RETURNED + str(key)] = timezone.now().isoformat()
        return redirect("order", key=key)
    return redirect("product")


@require_GET
def paypal_return(request, key):
    """PayPal (Orders v2) sends the buyer who approved here (`?token=<PayPal order id>`): the
    order is captured now through hostedpay.django's one operation path. A reload or a second
    click captures nothing more; the webhook that follows is `already_applied`."""
    order = _order(key)
    try:
        charge = complete_paypal_return(request, order.payment)
    except hostedpay.VposError as e:
        logger.warning("order %s: PayPal return refused: %s", order.payment.order_id, e.code)
        return redirect("order", key=order.key)
    if charge is not None and charge.status != "succeeded":
        logger.warning("order %s: PayPal capture %s (%s)", order.payment.order_id, charge.status,
                       charge.error_code or "-")
    return redirect("order", key=order.key)


@method_decorator(csrf_exempt, name="dispatch")
class ElavonResponse(NotificationView):
    """The HPP's response, posted by the customer's browser: hostedpay.django's notification view
    (for Elavon) stores, verifies and applies it; the customer then sees a short page that
    leads back to the order."""

    gateway_name = "elavon"

    def post(self, request, account="default"):
        answer = super().post(request, account)
        key = request.session.get(ORDER_KEY)
        order = Order.objects.filter(key=key).first() if key else None
        return render(request, "store/elavon_response.html",
                      {"order": order, "accepted": answer.status_code == 200,
                       "answer": answer.status_code}, status=answer.status_code)


def _returned_at(request, order):
    value = request.session.get(RETURNED + str(order.key))
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def order(request, key):
    order = _order(key)
    returned_at = _returned_at(request, order)
    return render(request, "store/order.html", {"order": order, "returned_at": returned_at,
                                                "text": status_text(order.payment, returned_at=returned_at)})


@require_GET
def status(request, key):
    """What the order page polls: the payment's status, each change, each notification, each
    refund (asked in the admin; one whose reply was lost stays `pending` until
    `manage.py vpos_reconcile` asks the gateway)."""
    order = _order(key)
    payment = order.payment
    returned_at = _returned_at(request, order)
    text = status_text(payment, returned_at=returned_at)
    notifications = Notification.objects.filter(gateway=payment.gateway, account=payment.account,
                                                 order_id=payment.order_id).order_by("received_at", "id")
    return JsonResponse({
        "gateway": payment.gateway,
        "order_id": payment.order_id,
        "status": payment.status,
        "status_label": payment.get_status_display(),
        # The customer's reading, in the request's language (hostedpay.django.customer).
        "headline": text.headline,
        "reason": text.reason.text,
        "code": text.reason.code,
        "paid_with": text.paid_with,
        "settled": text.settled,
        "status_html": render_to_string("vpos/status.html", {"payment": payment, "text": text}, request),
        "amount": str(payment.amount),
        "currency": payment.currency,
        "changes": [{"from": c.old_status, "to": c.new_status, "at": c.at.isoformat(),
                     "notification": c.notification_id} for c in order.changes.all()],
        "notifications": [{"id": n.id, "received_at": n.received_at.isoformat(), "status_code": n.status_code,
                           "verdict": n.verdict, "response_status": n.response_status}
                          for n in notifications],
        "refunded": str(hostedpay.money.to_decimal(hostedpay.money.from_minor(payment.refunded_minor,
                                                                               payment.currency))),
        "refunds": [{"id": r.id, "created": r.created.isoformat(), "kind": r.kind, "amount": str(r.amount),
                     "status": r.status, "error_code": r.error_code}
                    for r in Refund.objects.filter(payment=payment).order_by("created", "id")],
    })

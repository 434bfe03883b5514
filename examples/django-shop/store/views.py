import secrets

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from store.models import Order, Product
from vpos.django.models import Notification, Payment


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
        return render(request, "store/product.html", {"product": item, "error": "Choose 1 to 10."}, status=400)
    with transaction.atomic():
        payment = Payment(gateway="flocash", order_id="DS" + secrets.token_hex(5).upper(),
                          custom="demo-customer", item_name=item.name, currency=item.currency,
                          quantity=quantity)
        payment.item_price = item.price          # Decimal; vpos stores exact minor units
        payment.amount = item.price * quantity
        payment.save()
        order = Order.objects.create(product=item, quantity=quantity, payment=payment)
    return redirect("checkout", key=order.key)


def _order(key):
    return get_object_or_404(Order.objects.select_related("payment", "product"), key=key)


@require_GET
def checkout(request, key):
    order = _order(key)
    if order.payment.status != "new":
        return redirect("order", key=order.key)
    here = reverse("order", kwargs={"key": order.key})
    # The core builds the form; the customer comes back to the order page either way.
    form = order.payment.checkout_form(return_url=request.build_absolute_uri(here),
                                       cancel_url=request.build_absolute_uri(here))
    return render(request, "store/checkout.html", {"order": order, "flocash_form": form})


@require_GET
def order(request, key):
    return render(request, "store/order.html", {"order": _order(key)})


@require_GET
def status(request, key):
    """What the order page polls: the payment's status, each change, each notification."""
    order = _order(key)
    payment = order.payment
    notifications = Notification.objects.filter(gateway=payment.gateway, account=payment.account,
                                                 order_id=payment.order_id).order_by("received_at", "id")
    return JsonResponse({
        "order_id": payment.order_id,
        "status": payment.status,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "changes": [{"from": c.old_status, "to": c.new_status, "at": c.at.isoformat(),
                     "notification": c.notification_id} for c in order.changes.all()],
        "notifications": [{"id": n.id, "received_at": n.received_at.isoformat(), "status_code": n.status_code,
                           "verdict": n.verdict, "response_status": n.response_status}
                          for n in notifications],
    })

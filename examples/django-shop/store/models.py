import uuid

from django.conf import settings
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # Exact: a Decimal, turned into integer minor units by vpos when the order is paid.
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217")

    def __str__(self):
        return f"{self.name} ({self.price} {self.currency})"


class Order(models.Model):
    """The shop's order; its payment (amount, status, notifications) is vpos's."""

    #: In the order page's URL, so that order pages cannot be guessed.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(default=1)
    payment = models.OneToOneField(settings.VPOS_PAYMENT_MODEL, on_delete=models.PROTECT, related_name="order")
    #: The gateway whose page the customer was sent to with this payment ("" until then):
    #: until then, choosing another gateway reuses the payment instead of adding one.
    sent_to = models.CharField(max_length=32, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"order {self.payment.order_id}"


class StatusChange(models.Model):
    """One `payment_status_changed` signal: vpos sends it once per applied transition."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=32)
    new_status = models.CharField(max_length=32)
    notification_id = models.BigIntegerField(null=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

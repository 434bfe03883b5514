import logging

from django.dispatch import receiver

from store.models import Order, StatusChange
from hostedpay.django.signals import payment_status_changed

logger = logging.getLogger("store")


@receiver(payment_status_changed)
def record_status_change(sender, payment, old_status, new_status, notification, **kwargs):
    """Fulfil here; the demo records the change (shown on the order page and in the admin)."""
    order = Order.objects.filter(payment=payment).first()
    if order is None:
        return
    StatusChange.objects.create(order=order, old_status=old_status, new_status=new_status,
                                notification_id=notification.pk)
    logger.info("order %s: %s -> %s", payment.order_id, old_status, new_status)

"""App configuration: label ``vpos``, system checks registered on start-up, and the filter
that keeps FloCash URL tokens out of Django's request logs installed."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VposConfig(AppConfig):
    """``hostedpay.django``; the label is ``vpos`` (tables ``vpos_payment``, ``vpos_notification``)."""

    name = "hostedpay.django"
    label = "vpos"
    verbose_name = _("Payments (vpos)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hostedpay.django import checks, conf  # noqa: F401  (registers checks and cache resets)
        from hostedpay.django.logging import install

        # Django's request loggers print the path, which holds the FloCash URL token.
        install()

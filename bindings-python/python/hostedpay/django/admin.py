"""Admin: payments filterable by gateway and status with their notifications inline;
notifications read-only, raw bodies shown as received; payment events read-only, with an
action sending the undelivered ones again."""

from __future__ import annotations

from typing import Any, Callable, Optional

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

import hostedpay
from hostedpay.django.models import Notification, Payment, PaymentEvent, Refund


class NotificationInline(admin.TabularInline):
    """The notifications of a payment, newest first, read-only."""

    model = Notification
    fk_name = "payment"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("received_at", "verdict", "status_code", "transaction_id", "response_status", "event_key")
    readonly_fields = fields
    ordering = ("-received_at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    """The refunds of a payment, read-only."""

    model = Refund
    fk_name = "payment"
    extra = 0
    can_delete = False
    fields = ("created", "kind", "amount_minor", "currency", "status", "error_code", "reference", "notification")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description="Refund what remains of the selected payments (Redsys, Elavon, PayPal, CECA)")
def refund_remaining(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """Asks the gateway to refund each selected payment's refundable amount."""
    for payment in queryset:
        remaining = payment.refundable_minor()
        if remaining <= 0:
            modeladmin.message_user(request, f"{payment.order_id}: nothing to refund", messages.WARNING)
            continue
        try:
            refund = payment.refund(hostedpay.money.to_decimal(hostedpay.money.from_minor(remaining, payment.currency)))
        except hostedpay.VposError as e:
            modeladmin.message_user(request, f"{payment.order_id}: {e.code} ({e.message})", messages.ERROR)
            continue
        level = messages.SUCCESS if refund.status == "succeeded" else messages.WARNING
        modeladmin.message_user(request, f"{payment.order_id}: refund {refund.status}"
                                + (f" ({refund.error_code})" if refund.error_code else ""), level)


def _report(modeladmin: Any, request: HttpRequest, payment: Any, operation: Callable[[], Any]) -> None:
    try:
        record = operation()
    except hostedpay.VposError as e:
        modeladmin.message_user(request, f"{payment.order_id}: {e.code} ({e.message})", messages.ERROR)
        return
    level = messages.SUCCESS if record.status == "succeeded" else messages.WARNING
    modeladmin.message_user(request, f"{payment.order_id}: {record.kind} {record.status}"
                            + (f" ({record.error_code})" if record.error_code else ""), level)


@admin.action(description="Capture the selected pre-authorisations (Redsys confirm, Elavon settle)")
def capture_authorized(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """``Payment.capture()`` for each selected payment."""
    for payment in queryset:
        _report(modeladmin, request, payment, payment.capture)


@admin.action(description="Release the selected pre-authorisations (Redsys cancel, Elavon void)")
def release_authorized(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """``Payment.release()`` for each selected payment."""
    for payment in queryset:
        _report(modeladmin, request, payment, payment.release)


class PaymentAdmin(admin.ModelAdmin):
    """Reusable for a swapped payment model: ``admin.site.register(MyPayment, PaymentAdmin)``."""

    list_display = ("order_id", "gateway", "account", "amount_display", "status", "live", "created")
    list_filter = ("gateway", "account", "status", "live")
    search_fields = ("order_id", "custom", "merchant")
    date_hierarchy = "created"
    # The stored card reference is left out: it charges the card (with the terminal key).
    readonly_fields = ("status", "refunded_minor", "captured_minor", "released_minor", "merchant", "transaction_id", "authorisation_code", "card_expiry",
                       "created", "modified")
    inlines = [NotificationInline, RefundInline]
    actions = [refund_remaining, capture_authorized, release_authorized]

    @admin.display(description="amount", ordering="amount_minor")
    def amount_display(self, obj: Any) -> str:
        return f"{obj.amount} {obj.currency}" if obj.amount is not None else "-"

    # A partial refund of one payment: ``<pk>/refund/`` asks for the amount and calls
    # ``Payment.refund(amount)``, the one operation path (the core checks what is left).
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + ("refund_link",) if obj is not None else fields

    @admin.display(description="refund")
    def refund_link(self, obj: Any) -> str:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_refund", args=[obj.pk])
        return format_html('<a href="{}">Refund an amount</a>', url)

    def get_urls(self) -> Any:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        return [path("<path:object_id>/refund/", self.admin_site.admin_view(self.refund_view),
                     name="%s_%s_refund" % info), *super().get_urls()]

    def refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: the amount form; POST ``amount``: ``Payment.refund(amount)``, reported as the
        actions do, then back to the payment."""
        payment = self.get_object(request, object_id)
        if payment is None:
            raise Http404("no such payment")
        if not self.has_change_permission(request, payment):
            raise PermissionDenied
        if request.method == "POST":
            amount = request.POST.get("amount", "").strip()
            _report(self, request, payment, lambda: payment.refund(amount))
            info = (payment._meta.app_label, payment._meta.model_name)
            return redirect(reverse("admin:%s_%s_change" % info, args=[payment.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": payment,
                   "title": f"Refund {payment.order_id}",
                   "refundable": hostedpay.money.to_decimal(
                       hostedpay.money.from_minor(payment.refundable_minor(), payment.currency))}
        return TemplateResponse(request, "admin/vpos/payment/refund.html", context)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every notification as received; nothing here can be edited or deleted."""

    list_display = ("id", "received_at", "gateway", "account", "order_id", "verdict", "error_code",
                    "response_status")
    list_filter = ("gateway", "account", "verdict")
    search_fields = ("order_id", "transaction_id", "event_key")
    date_hierarchy = "received_at"
    fields = ("gateway", "account", "received_at", "remote_addr", "content_type", "headers", "raw_body",
              "body_size", "body_sha256", "body_truncated", "order_id", "transaction_id", "status_code", "payment", "verdict", "error_code", "detail",
              "event_key", "applied_event_key", "response_status", "processed_at")
    readonly_fields = fields

    @admin.display(description="raw body")
    def raw_body(self, obj: Notification) -> str:
        if obj.body_truncated:
            return format_html("<pre style='white-space: pre-wrap'>{}</pre><p>(the first {} of {} bytes: the "
                               "rest was not kept, the account or URL token being wrong)</p>",
                               obj.body_text, len(obj.body or b""), obj.body_size)
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.body_text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Optional[Notification] = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Optional[Notification] = None) -> bool:
        return False


if not Payment._meta.swapped:
    admin.site.register(Payment, PaymentAdmin)


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds asked of the gateway, with its reply; read-only (refund from the payments)."""

    list_display = ("id", "created", "payment", "kind", "amount_minor", "currency", "status", "error_code")
    list_filter = ("kind", "status")
    fields = ("payment", "kind", "amount_minor", "currency", "status", "error_code", "reference", "reply", "detail",
              "notification", "created", "updated")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Optional[Refund] = None) -> bool:
        return False


@admin.action(description="Deliver the selected events now (payment_status_changed)")
def deliver_now(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """Sends each selected undelivered event, as ``vpos_deliver_events`` does."""
    from hostedpay.django.events import deliver

    counts = {True: 0, False: 0, None: 0}
    for pk in queryset.filter(delivered_at__isnull=True).order_by("id").values_list("pk", flat=True):
        counts[deliver(pk)] += 1
    level = messages.SUCCESS if not counts[False] else messages.WARNING
    modeladmin.message_user(request, f"delivered {counts[True]}, failed {counts[False]}, skipped {counts[None]}",
                            level)


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    """Payment events, delivered or not; read-only (``vpos_deliver_events`` or the action sends
    the undelivered ones again)."""

    list_display = ("id", "created_at", "payment", "kind", "from_status", "to_status", "delivered_at", "attempts")
    list_filter = (("delivered_at", admin.EmptyFieldListFilter), "kind", "to_status")
    search_fields = ("payment__order_id", "event_key")
    date_hierarchy = "created_at"
    fields = ("payment", "kind", "from_status", "to_status", "notification", "event_key", "outcome", "created_at",
              "delivered_at", "attempts", "last_error")
    readonly_fields = fields
    actions = [deliver_now]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Optional[PaymentEvent] = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Optional[PaymentEvent] = None) -> bool:
        return False


# Merchant accounts (database ones editable, settings ones listed): registered by their module.
from hostedpay.django.accounts_admin import MerchantAccountAdmin  # noqa: E402,F401

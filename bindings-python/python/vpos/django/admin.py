"""Admin: payments filterable by gateway and status with their notifications inline;
notifications read-only, raw bodies shown as received."""

from __future__ import annotations

from typing import Any, Optional

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from vpos.django.models import Notification, Payment


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


class PaymentAdmin(admin.ModelAdmin):
    """Reusable for a swapped payment model: ``admin.site.register(MyPayment, PaymentAdmin)``."""

    list_display = ("order_id", "gateway", "account", "amount_display", "status", "live", "created")
    list_filter = ("gateway", "account", "status", "live")
    search_fields = ("order_id", "custom", "merchant")
    date_hierarchy = "created"
    readonly_fields = ("status", "refunded_minor", "merchant", "created", "modified")
    inlines = [NotificationInline]

    @admin.display(description="amount", ordering="amount_minor")
    def amount_display(self, obj: Any) -> str:
        return f"{obj.amount} {obj.currency}" if obj.amount is not None else "-"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every notification as received; nothing here can be edited or deleted."""

    list_display = ("id", "received_at", "gateway", "account", "order_id", "verdict", "error_code",
                    "response_status")
    list_filter = ("gateway", "account", "verdict")
    search_fields = ("order_id", "transaction_id", "event_key")
    date_hierarchy = "received_at"
    fields = ("gateway", "account", "received_at", "remote_addr", "content_type", "headers", "raw_body",
              "order_id", "transaction_id", "status_code", "payment", "verdict", "error_code", "detail",
              "event_key", "applied_event_key", "response_status", "processed_at")
    readonly_fields = fields

    @admin.display(description="raw body")
    def raw_body(self, obj: Notification) -> str:
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.body_text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Optional[Notification] = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Optional[Notification] = None) -> bool:
        return False


if not Payment._meta.swapped:
    admin.site.register(Payment, PaymentAdmin)

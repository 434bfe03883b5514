"""Admin: payments filterable by gateway and status with their notifications inline;
notifications read-only, raw bodies shown as received; payment events read-only, with an
action sending the undelivered ones again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

import hostedpay
from hostedpay.django import owner
from hostedpay.django.models import Notification, Payment, PaymentEvent, Refund


def money_text(minor: Optional[int], currency: str) -> str:
    """``minor`` units of ``currency`` in major units with the code, ``"12.50 EUR"`` (``"-"`` for none)."""
    if minor is None or not currency:
        return "-"
    try:
        return f"{hostedpay.money.to_decimal(hostedpay.money.from_minor(int(minor), currency))} {currency}"
    except hostedpay.VposError:
        return f"{minor} ({currency})"


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
    """The operations asked on a payment (refunds, captures, releases), read-only."""

    model = Refund
    fk_name = "payment"
    extra = 0
    can_delete = False
    verbose_name = _("operation")
    verbose_name_plural = _("operations (refunds, captures, releases)")
    fields = ("created", "kind", "amount_text", "status", "error_code", "reference", "notification")
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def amount_text(self, obj: Refund) -> str:
        return money_text(obj.amount_minor, obj.currency)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _operation_result(payment: Any, record: Any) -> Tuple[int, str]:
    """The message level and text of an operation's stored result: ``"<order>: <kind> <status>
    (<code>)"`` as scripts read it, then the same for a person, translated, with what to do."""
    level = messages.SUCCESS if record.status == "succeeded" else messages.WARNING
    head = f"{payment.order_id}: {record.kind} {record.status}" + (f" ({record.error_code})" if record.error_code else "")
    text = gettext("%(kind)s of %(amount)s: %(status)s") % {
        "kind": record.get_kind_display(), "amount": money_text(record.amount_minor, record.currency),
        "status": record.get_status_display()}
    if record.error_code and record.status == "pending":
        text += ". " + gettext("The gateway's answer is missing; “manage.py vpos_reconcile” asks it later.")
    elif record.error_code and record.status == "failed":
        text += ". " + gettext("The gateway refused it: its back office says why.")
    return level, f"{head} — {text}"


def _refusal(payment: Any, error: hostedpay.VposError) -> str:
    """``"<order>: <code>: "`` then the owner's explanation (what to fix and where)."""
    try:
        account = payment.account_settings()
    except Exception:  # noqa: BLE001 - the account itself is what is wrong: say so without it
        account = None
    return f"{payment.order_id}: {error.code}: " + owner.explain(error, account, payment=payment, with_code=False)


@admin.action(description=_("Refund what remains of the selected payments (Redsys, Elavon, PayPal, CECA)"))
def refund_remaining(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """Asks the gateway to refund each selected payment's refundable amount."""
    for payment in queryset:
        remaining = payment.refundable_minor()
        if remaining <= 0:
            modeladmin.message_user(request, gettext("%(order)s: nothing to refund") % {"order": payment.order_id},
                                    messages.WARNING)
            continue
        try:
            refund = payment.refund(hostedpay.money.to_decimal(hostedpay.money.from_minor(remaining, payment.currency)))
        except hostedpay.VposError as e:
            modeladmin.message_user(request, _refusal(payment, e), messages.ERROR)
            continue
        modeladmin.message_user(request, *reversed(_operation_result(payment, refund)))


def _report(modeladmin: Any, request: HttpRequest, payment: Any, operation: Callable[[], Any]) -> None:
    try:
        record = operation()
    except hostedpay.VposError as e:
        modeladmin.message_user(request, _refusal(payment, e), messages.ERROR)
        return
    modeladmin.message_user(request, *reversed(_operation_result(payment, record)))


@admin.action(description=_("Capture the selected pre-authorisations (Redsys confirm, Elavon settle)"))
def capture_authorized(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """``Payment.capture()`` for each selected payment."""
    for payment in queryset:
        _report(modeladmin, request, payment, payment.capture)


@admin.action(description=_("Release the selected pre-authorisations (Redsys cancel, Elavon void)"))
def release_authorized(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """``Payment.release()`` for each selected payment."""
    for payment in queryset:
        _report(modeladmin, request, payment, payment.release)


def has_applied_notification(payment: Any) -> bool:
    """Whether a notification (or an operation's stored reply) was applied to ``payment``: its
    money, gateway, account and order id are then the gateway's facts, no longer editable."""
    return payment is not None and payment.pk is not None and Notification.objects.filter(
        payment_id=payment.pk, applied_event_key__isnull=False).exists()


class PaymentForm(forms.ModelForm):
    """The payment with its amounts in major units (``12.50``), turned into exact minor units by
    the core (over-precision is an error on the field)."""

    amount = forms.DecimalField(label=_("amount"), help_text=_("In major units of the currency, e.g. 12.50."))
    item_price = forms.DecimalField(label=_("item price"), required=False,
                                    help_text=_("In major units of the currency; blank when none."))

    class Meta:
        model = Payment
        exclude = ("amount_minor", "item_price_minor")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None and "amount" in self.fields:
            self.initial.setdefault("amount", instance.amount)
            self.initial.setdefault("item_price", instance.item_price)

    def clean(self) -> Dict[str, Any]:
        cleaned: Dict[str, Any] = super().clean() or {}
        currency = cleaned.get("currency") or self.instance.currency
        for name in ("amount", "item_price"):
            value = cleaned.get(name)
            if name not in self.fields or value is None or not currency:
                continue
            try:
                hostedpay.money.parse(str(value), currency)
            except hostedpay.VposError as e:
                self.add_error(name, f"{e.message} ({e.code})")
        return cleaned

    def save(self, commit: bool = True) -> Any:
        instance = super().save(commit=False)
        if "amount" in self.fields:
            instance.amount = self.cleaned_data["amount"]
            instance.item_price = self.cleaned_data.get("item_price")
        if commit:
            instance.save()
            self._save_m2m()  # type: ignore[attr-defined]  # Django's, private: not in django-stubs
        return instance


class LockedPaymentForm(PaymentForm):
    """A payment with an applied notification: its money is the gateway's fact, not a field."""

    amount = None  # type: ignore[assignment]  # removes the declared field (Django's way)
    item_price = None  # type: ignore[assignment]


class OperationForm(forms.Form):
    """The payment page's refund / capture / release form."""

    kind = forms.ChoiceField(label=_("operation"))
    amount = forms.DecimalField(label=_("amount"), required=False,
                                help_text=_("In major units; blank: all that is refundable (refund) or open "
                                            "(capture). A release takes no amount."))

    def __init__(self, payment: Any, *args: Any, **kwargs: Any) -> None:
        # Prefixed: the payment form on the same page has an "amount" too.
        kwargs.setdefault("prefix", "vpos")
        super().__init__(*args, **kwargs)
        self.payment = payment
        labels = dict(Refund.KINDS)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [(k, labels.get(k, k)) for k in available_operations(payment)]


#: The kinds the payment page offers (a stored-card charge makes a new payment: not here).
PAGE_KINDS = ("refund", "capture", "release")


def available_operations(payment: Any) -> List[str]:
    """The operations the gateway has in vpos and the payment's status allows (the core's
    ``driver.supported_operations`` and ``driver.allowed_operations``)."""
    supported = set(hostedpay.driver.supported_operations(payment.gateway))
    allowed = set(hostedpay.driver.allowed_operations(payment.status))
    return [k for k in PAGE_KINDS if k in supported and k in allowed]


class PaymentAdmin(admin.ModelAdmin):
    """Reusable for a swapped payment model: ``admin.site.register(MyPayment, PaymentAdmin)``.

    Amounts in major units with the currency; once a notification was applied, the money,
    gateway, account and order id are read-only and the payment cannot be deleted. The payment
    page has a refund / capture / release form (``<pk>/operate/``) showing the refundable and
    capturable balance; operations go through ``Payment.refund`` / ``capture`` / ``release``.
    """

    form = PaymentForm
    change_form_template = "admin/vpos/payment/change_form.html"
    list_display = ("order_id", "gateway", "account", "amount_display", "status", "live", "created")
    list_filter = ("gateway", "account", "status", "live")
    search_fields = ("order_id", "custom", "merchant")
    date_hierarchy = "created"
    #: Shown, never edited here. The stored card reference is left out: it charges the card
    #: (with the terminal key).
    info_fields = ("status", "balance", "merchant", "transaction_id", "authorisation_code", "card_expiry",
                   "created", "modified")
    #: Editable until a notification is applied (then shown read-only, as the gateway's facts).
    money_fields = ("gateway", "account", "order_id", "amount", "currency", "item_price", "quantity", "live",
                    "multiple_captures")
    other_fields = ("item_name", "custom", "country", "payment_option", "reference", "client")
    inlines = [NotificationInline, RefundInline]
    actions = [refund_remaining, capture_authorized, release_authorized]

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount_display(self, obj: Any) -> str:
        return money_text(obj.amount_minor, obj.currency)

    @admin.display(description=_("amount"))
    def amount_text(self, obj: Any) -> str:
        return money_text(obj.amount_minor, obj.currency)

    @admin.display(description=_("item price"))
    def item_price_text(self, obj: Any) -> str:
        return money_text(obj.item_price_minor, obj.currency)

    @admin.display(description=_("balance"))
    def balance(self, obj: Any) -> str:
        if obj.pk is None:
            return "-"
        parts = [gettext("captured %(amount)s") % {"amount": money_text(obj.captured_minor, obj.currency)}
                 if obj.captured_minor is not None else "",
                 gettext("refunded %(amount)s") % {"amount": money_text(obj.refunded_minor, obj.currency)},
                 gettext("refundable %(amount)s") % {"amount": money_text(obj.refundable_minor(), obj.currency)}]
        if obj.released_minor:
            parts.append(gettext("released %(amount)s") % {"amount": money_text(obj.released_minor, obj.currency)})
        capturable = obj.capturable_minor()
        if capturable:
            parts.append(gettext("open to capture %(amount)s") % {"amount": money_text(capturable, obj.currency)})
        return "; ".join(p for p in parts if p)

    def _locked(self, obj: Any) -> bool:
        return has_applied_notification(obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> List[str]:
        money = list(self.money_fields)
        if self._locked(obj):
            money = ["amount_text" if f == "amount" else "item_price_text" if f == "item_price" else f
                     for f in money]
        return [*money, *self.other_fields, *(self.info_fields if obj is not None else ())]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Tuple[str, ...]:
        readonly = tuple(self.info_fields)
        if self._locked(obj):
            readonly += tuple(f for f in self.get_fields(request, obj) if f not in self.other_fields)
        return readonly

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if self._locked(obj):
            # The declared amount fields would be in the form whatever ``fields`` says.
            kwargs["form"] = LockedPaymentForm
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A payment the gateway has spoken about is a record of money: never deleted.
        if obj is not None and (self._locked(obj) or obj.refunds.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self) -> List[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [path("<path:object_id>/operate/", self.admin_site.admin_view(self.operate_view),
                     name="%s_%s_operate" % info), *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Optional[Dict[str, Any]] = None) -> HttpResponse:
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None:
            context.update(self.operation_context(request, obj))
        return super().change_view(request, object_id, form_url, extra_context=context)

    def operation_context(self, request: HttpRequest, obj: Any, form: Optional[OperationForm] = None) -> Dict[str, Any]:
        kinds = available_operations(obj)
        return {
            "vpos_operation_form": form or OperationForm(obj),
            "vpos_operations": kinds,
            "vpos_operate_url": reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_operate",
                                        args=[obj.pk]),
            "vpos_refundable": money_text(obj.refundable_minor(), obj.currency),
            "vpos_capturable": money_text(obj.capturable_minor(), obj.currency),
            "vpos_refunded": money_text(obj.refunded_minor, obj.currency),
            "vpos_can_operate": self.has_change_permission(request, obj) and bool(kinds),
        }

    def operate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """``POST``: asks the gateway for the chosen operation, then back to the payment page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        payment = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, payment):
            raise PermissionDenied
        change_url = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                             args=[payment.pk])
        form = OperationForm(payment, request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    self.message_user(request, f"{form.fields[field].label if field in form.fields else ''}: {error}",
                                      messages.ERROR)
            return HttpResponseRedirect(change_url)
        kind = form.cleaned_data["kind"]
        amount: Optional[Decimal] = form.cleaned_data.get("amount")
        try:
            if kind == "refund":
                if amount is None:
                    amount = hostedpay.money.to_decimal(hostedpay.money.from_minor(payment.refundable_minor(),
                                                                                   payment.currency))
                record = payment.refund(amount)
            elif kind == "capture":
                record = payment.capture(amount)
            else:
                record = payment.release()
        except hostedpay.VposError as e:
            self.message_user(request, _refusal(payment, e), messages.ERROR)
            return HttpResponseRedirect(change_url)
        level, text = _operation_result(payment, record)
        self.message_user(request, text, level)
        return HttpResponseRedirect(change_url)


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

    @admin.display(description=_("raw body"))
    def raw_body(self, obj: Notification) -> str:
        if obj.body_truncated:
            note = gettext("(the first %(kept)s of %(size)s bytes: the rest was not kept, the account or URL "
                           "token being wrong)") % {"kept": len(obj.body or b""), "size": obj.body_size}
            return format_html("<pre style='white-space: pre-wrap'>{}</pre><p>{}</p>", obj.body_text, note)
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

    list_display = ("id", "created", "payment", "kind", "amount_text", "status", "error_code")

    list_filter = ("kind", "status")
    fields = ("payment", "kind", "amount_text", "status", "error_code", "reference", "reply", "detail",
              "notification", "created", "updated")
    readonly_fields = fields

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount_text(self, obj: Refund) -> str:
        return money_text(obj.amount_minor, obj.currency)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Optional[Refund] = None) -> bool:
        return False


@admin.action(description=_("Deliver the selected events now (payment_status_changed)"))
def deliver_now(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """Sends each selected undelivered event, as ``vpos_deliver_events`` does."""
    from hostedpay.django.events import deliver

    counts = {True: 0, False: 0, None: 0}
    for pk in queryset.filter(delivered_at__isnull=True).order_by("id").values_list("pk", flat=True):
        counts[deliver(pk)] += 1
    level = messages.SUCCESS if not counts[False] else messages.WARNING
    modeladmin.message_user(request, gettext("delivered %(ok)d, failed %(failed)d, skipped %(skipped)d") % {
        "ok": counts[True], "failed": counts[False], "skipped": counts[None]}, level)


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

"""Admin for merchant accounts: database accounts editable, settings accounts listed read-only.

The form validates through the core (``hostedpay.account.config_errors``: every bad key at once,
each error on its own form field) before anything is saved. Secret values have write-only
fields: never rendered back, blank keeps the stored value. The "test signature" action signs
a dummy order with each selected account's key through the gateway's own checkout.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy as _

import hostedpay
from hostedpay.django import conf, crypto, owner
from hostedpay.django.accounts import SECRET_KEYS, MerchantAccount

#: (gateway, secret key) -> form field name.
SECRET_FIELDS: Dict[tuple, str] = {(gw, key): f"{gw}_{key}" for gw, keys in SECRET_KEYS.items() for key in keys}
#: The amount of the dummy order the "test signature" action signs.
TEST_AMOUNT = {"minor": 100, "currency": "EUR"}


def _secret_field(gateway: str, key: str) -> forms.Field:
    choices = cast(List[Tuple[str, str]], MerchantAccount._meta.get_field("gateway").choices)  # flat, set
    label = f"{dict(choices)[gateway]} {key.replace('_', ' ')}"
    if key == "nvp":
        return forms.CharField(
            label=label, required=False, strip=True,
            widget=forms.PasswordInput(render_value=False),
            help_text=_('JSON {"user": ..., "password": ..., "signature": ...}. Write-only: blank keeps the '
                        'stored value.'))
    return forms.CharField(label=label, required=False, strip=False,
                           widget=forms.PasswordInput(render_value=False),
                           help_text=_("Write-only: never shown again; blank keeps the stored value."))


def config_template(gateway: str) -> Dict[str, Any]:
    """The configuration keys a new ``gateway`` account must fill in, secrets left out: the keys
    the core finds missing (``hostedpay.account.config_errors``) once the environment's published
    endpoints are in, each with an empty value to replace."""
    secret = set(SECRET_KEYS.get(gateway, ()))
    base = dict(hostedpay.account.endpoints(gateway, "testing"))
    out: Dict[str, Any] = {}
    for error in hostedpay.account.config_errors(gateway, base):
        top = (error.field or "").split(".")[0].split("[")[0]
        if top and top not in secret and top not in out:
            out[top] = ""
    for key in OPTIONAL_IN_TEMPLATE.get(gateway, ()):
        out.setdefault(key, "")
    return out


#: Keys the core lets an account leave out that the Django app needs all the same: PayPal REST's
#: webhook subscription id (every webhook is verified with it).
OPTIONAL_IN_TEMPLATE: Dict[str, Tuple[str, ...]] = {"paypal_rest": ("webhook_id",)}


def config_templates() -> Dict[str, Dict[str, Any]]:
    """``config_template`` of every gateway, for the add-account form's script."""
    return {gateway: config_template(gateway) for gateway in SECRET_KEYS}


class MerchantAccountForm(forms.ModelForm):
    """The account with write-only secret fields, checked by the core before saving."""

    class Meta:
        model = MerchantAccount
        fields = ["gateway", "name", "display_name", "environment", "active", "configuration",
                  "partial_refunds", "total_refunds", "preauthorisation", "order_prefix",
                  "postback_timeout", "rest_timeout"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.secrets:
            stored = set(self.instance.secret_keys_set())
            for (gateway, key), name in SECRET_FIELDS.items():
                if name in self.fields and gateway == self.instance.gateway and key in stored:
                    self.fields[name].help_text = _("A value is stored (not shown). Blank keeps it; type to "
                                                    "replace it.")
        if self.instance.pk is None and not self.is_bound:
            gateway = self.initial.get("gateway")
            if gateway in SECRET_KEYS and not self.initial.get("configuration"):
                self.initial["configuration"] = config_template(str(gateway))
        self._secrets: Dict[str, Any] = {}

    def clean(self) -> Dict[str, Any]:
        cleaned = cast(Dict[str, Any], super().clean())  # ModelForm.clean returns cleaned_data
        gateway = cleaned.get("gateway")
        config = cleaned.get("configuration")
        if not gateway or "configuration" in self.errors:
            return cleaned
        if config is None:
            config = cleaned["configuration"] = {}
        if not isinstance(config, dict):
            self.add_error("configuration", gettext("The configuration is a JSON object of key -> value."))
            return cleaned
        secret_keys = SECRET_KEYS.get(gateway, ())
        for key in secret_keys:
            if key in config:
                self.add_error("configuration", gettext("%(key)s is secret: enter it in the field “%(field)s”, "
                                                        "not here.") % {
                    "key": key, "field": self.fields[SECRET_FIELDS[(gateway, key)]].label})
        changes: Dict[str, Any] = {}
        for key in secret_keys:
            name = SECRET_FIELDS[(gateway, key)]
            value = cleaned.get(name)
            if not value:
                continue
            if key == "nvp":
                try:
                    value = json.loads(value)
                except ValueError:
                    self.add_error(name, gettext("Not JSON."))
                    continue
            changes[key] = value
        try:
            crypto.check_keys()
            same = self.instance.pk is not None and self.instance.gateway == gateway and self.instance.secrets
            current = self.instance.get_secrets() if same else {}
        except (ImproperlyConfigured, crypto.Undecryptable) as e:
            self.add_error(None, str(e))
            return cleaned
        if self.errors:
            return cleaned
        secrets = {**current, **changes}
        candidate = MerchantAccount(gateway=gateway, environment=cleaned.get("environment") or "testing",
                                    configuration=config)
        for error in candidate.config_errors(secrets):
            self._place(gateway, error)
        self._secrets = secrets
        return cleaned

    def _place(self, gateway: str, error: hostedpay.VposError) -> None:
        """Puts a core error on the form field it concerns."""
        field = error.field or ""
        top = field.split(".")[0].split("[")[0]
        text = f"{error.message} ({error.code})"
        if field == "gateway":
            self.add_error("gateway", text)
        elif (gateway, top) in SECRET_FIELDS:
            self.add_error(SECRET_FIELDS[(gateway, top)], text)
        else:
            self.add_error("configuration", f"{field or 'configuration'}: {text}")

    def save(self, commit: bool = True) -> MerchantAccount:
        instance = super().save(commit=False)
        instance.set_secrets(self._secrets)
        if commit:
            instance.save()
            self._save_m2m()  # type: ignore[attr-defined]  # Django's, private: not in django-stubs
        return instance


for (_gw, _key), _name in SECRET_FIELDS.items():
    MerchantAccountForm.base_fields[_name] = MerchantAccountForm.declared_fields[_name] = _secret_field(_gw, _key)


def dummy_checkout(account: conf.Account) -> tuple:
    """Signs a 1.00 EUR test order with ``account``'s configuration through the driver's
    checkout: ``(what, value)``, the signature field of the form or a description. A PayPal REST
    account signs nothing: its test is a new OAuth token for its credentials (never shown)."""
    if account.gateway_name == "paypal_rest":
        conf.forget_access_token(account)
        conf.access_token(account)  # raises the core's error for wrong credentials
        return ("access token", gettext("issued by PayPal for these credentials (not shown)"))
    order = hostedpay.driver.Order.for_payment(account.gateway_name, {
        "order_id": "000000000001", "amount": dict(TEST_AMOUNT), "custom": "test",
        "timestamp": "20260101000000"})
    form = hostedpay.driver.checkout(account.config, order)
    if not isinstance(form, hostedpay.http.RedirectForm):  # the page is made by an API call (Bitpay)
        return ("request", f"{form['method']} {form['url']} (nothing is signed: the API key "
                           "authenticates the call)")
    for name, value in form.fields:
        lowered = name.lower()
        if "version" not in lowered and any(word in lowered for word in ("signature", "firma", "hash")):
            return (name, value)
    return ("form", f"{form.method} {form.action} with {len(form.fields)} fields "
                    "(this gateway signs nothing: its notifications are verified by post-back)")


@admin.action(description=_("Test signature: sign a dummy 1.00 EUR order with the account's key"))
def test_signature(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """Builds each selected account and signs a dummy order, reporting the result."""
    for row in queryset:
        try:
            what, value = dummy_checkout(row.to_account())
        except hostedpay.VposError as e:
            modeladmin.message_user(request, f"{row.gateway}/{row.name}: {e.code} on {e.field or '-'}: {e.message}. "
                                    + gettext("Fix it in %(where)s.") % {"where": owner.where_to_fix(_FixHere(row))},
                                    messages.ERROR)
            continue
        modeladmin.message_user(request, gettext("%(account)s: test order 000000000001 of 1.00 EUR signed: "
                                                 "%(what)s = %(value)s") % {
            "account": f"{row.gateway}/{row.name}", "what": what, "value": value}, messages.SUCCESS)


@admin.action(description=_("Retire the selected accounts (no new checkouts; late notifications still verify)"))
def retire(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    count = queryset.update(active=False)
    modeladmin.message_user(request, gettext("%(count)d account(s) retired.") % {"count": count}, messages.SUCCESS)


class _FixHere:
    """A database account as ``owner.explain`` names it, for a row the core refused to build."""

    source = "database"

    def __init__(self, row: MerchantAccount) -> None:
        self.gateway_name, self.name, self.pk = row.gateway, row.name, row.pk


@admin.register(MerchantAccount)
class MerchantAccountAdmin(admin.ModelAdmin):
    """Database accounts; the ``VPOS`` setting's accounts are listed read-only below them."""

    form = MerchantAccountForm
    change_list_template = "admin/vpos/merchantaccount/change_list.html"
    change_form_template = "admin/vpos/merchantaccount/change_form.html"
    list_display = ("name", "display_name", "gateway", "environment_seen", "active", "notification_path", "modified")
    list_filter = ("gateway", "environment", "active")
    search_fields = ("name", "display_name")
    readonly_fields = ("stored_secrets", "notification_path", "environment_seen", "created", "modified")
    actions = [test_signature, retire]

    def get_fieldsets(self, request: HttpRequest, obj: Optional[MerchantAccount] = None) -> List[Any]:
        return [
            (None, {"fields": ("gateway", "name", "display_name", "environment",
                               *(("environment_seen",) if obj is not None else ()), "active", "notification_path")}),
            (_("Configuration"), {
                "fields": ("configuration",),
                "description": _("The gateway's configuration without its secrets, as JSON (keys as in the "
                                 "VPOS setting); choosing a gateway fills in the keys it needs. Endpoints left "
                                 "out are the gateway's for the environment.")}),
            (_("Secrets (write-only, encrypted at rest)"), {
                "fields": ("stored_secrets", *self._secret_fields(request, obj)),
                "description": _("Only the chosen gateway's fields are shown.")}),
            (_("Capabilities and options"), {
                "fields": ("partial_refunds", "total_refunds", "preauthorisation", "order_prefix",
                           "postback_timeout", "rest_timeout")}),
            (_("History"), {"fields": ("created", "modified")}),
        ]

    def _secret_fields(self, request: HttpRequest, obj: Optional[MerchantAccount]) -> List[str]:
        """A saved account's own gateway's secret fields; every gateway's on the add form (the
        page's script shows the chosen one's), unless the gateway is given (``?gateway=``)."""
        gateway = obj.gateway if obj is not None else request.GET.get("gateway") or request.POST.get("gateway")
        return [name for (gw, _key), name in SECRET_FIELDS.items() if gateway in (None, "", gw)]

    def get_changeform_initial_data(self, request: HttpRequest) -> Dict[str, Any]:
        initial: Dict[str, Any] = dict(super().get_changeform_initial_data(request))
        if initial.get("gateway") in SECRET_KEYS:
            initial.setdefault("configuration", config_template(str(initial["gateway"])))
        return initial

    def render_change_form(self, request: HttpRequest, context: Dict[str, Any], add: bool = False,
                           change: bool = False, form_url: str = "", obj: Any = None) -> Any:
        context["vpos_config_templates"] = config_templates()
        context["vpos_secret_fields"] = {gw: [n for (g, _k), n in SECRET_FIELDS.items() if g == gw]
                                         for gw in SECRET_KEYS}
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("environment (from its URLs)"))
    def environment_seen(self, obj: MerchantAccount) -> str:
        code, host = owner.environment_of(obj.gateway, owner.endpoint_urls(obj.gateway, obj.gateway_config(secrets={})))
        return owner.environment_label(code, host, obj.environment)

    @admin.display(description=_("secrets stored"))
    def stored_secrets(self, obj: MerchantAccount) -> str:
        keys = list(obj.secret_keys_set()) if obj.pk else []
        return ", ".join(keys) if keys else "-"

    @admin.display(description=_("notification URL"))
    def notification_path(self, obj: MerchantAccount) -> str:
        return obj.notification_url() if obj.pk else "-"

    def has_delete_permission(self, request: HttpRequest, obj: Optional[MerchantAccount] = None) -> bool:
        # An account with payments is retired, never deleted: they keep naming it.
        if obj is not None and obj.payments().exists():
            return False
        return super().has_delete_permission(request, obj)

    def changelist_view(self, request: HttpRequest, extra_context: Optional[Dict[str, Any]] = None) -> Any:
        loaded = conf.load()
        rows = [{"gateway": a.gateway_name, "name": a.name, "environment": self._seen(a), "source": a.source,
                 "state": "ok"} for a in loaded.accounts.values()]
        rows += [{"gateway": g, "name": n, "environment": "-", "source": "VPOS", "state": e.code}
                 for (g, n), e in loaded.broken.items()]
        context = {"settings_accounts": sorted(rows, key=lambda r: (r["gateway"], r["name"])), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    @staticmethod
    def _seen(account: conf.Account) -> str:
        code, host = owner.environment_of(account.gateway_name, owner.account_urls(account))
        return owner.environment_label(code, host, account.environment)

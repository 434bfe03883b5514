"""Merchant accounts kept in the database, edited in the Django admin.

A ``MerchantAccount`` is one point of sale of one gateway: a Redsys terminal, a CECA
terminal, a PayPal business e-mail … Several may share a gateway (one per brand, per
currency, a test one beside the live one). Each is reached at its own notification URL,
``<gateway>/<name>/`` (FloCash: ``flocash/<name>/<notification_token>/``), exactly like the
accounts of the ``VPOS`` setting, which keep working and win when both hold a name.

Payments name their account in ``Payment.account`` (with ``Payment.gateway``), not with a
foreign key: settings accounts have no row to point at, swapped payment models keep their
schema, and a retired account still owns its payments by name. An account is never deleted
while payments name it; it is *retired* instead (``active=False``): its late notifications
still verify with its key, but it takes no new checkout.

The secret values of the configuration (Redsys ``secret_key``, CECA ``key``, Elavon
``secret``, Bitpay ``token``, ``private_key``, ``merchant_token`` and legacy ``api_key``,
FloCash ``notification_token``, PayPal ``nvp``) never reach the database in clear: they are encrypted with ``VPOS_ENCRYPTION_KEYS``
(:mod:`hostedpay.django.crypto`) into ``secrets``, and are neither shown back nor logged.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy as _

import hostedpay
from hostedpay.django import conf, crypto

#: The gateways hostedpay.django serves, by name (the core's ``hostedpay.driver.GATEWAYS``) and label: the
#: registration list the payment, notification and account models share.
GATEWAY_CHOICES = [("flocash", "FloCash"), ("redsys", "Redsys"), ("paypal", "PayPal"), ("ceca", "CECA"),
                   ("elavon", "Santander Elavon"), ("bitpay", "Bitpay"), ("paypal_rest", "PayPal (Orders v2)")]
#: Secret keys of the core's configuration that are never stored: PayPal REST's ``access_token``
#: is the host's cached OAuth token (``conf.access_token``), fetched with the stored secret.
NOT_STORED_SECRETS = ("access_token",)
ENVIRONMENT_CHOICES = [("testing", _("Testing")), ("production", _("Production"))]


def _top_level_secrets(gateway: str) -> tuple:
    """The top-level configuration keys holding ``gateway``'s secrets (the core's
    ``hostedpay.driver.secret_keys``, the only list: PayPal's ``nvp.password`` and ``nvp.signature``
    make the whole ``nvp`` object secret here)."""
    keys: List[str] = []
    for path in hostedpay.driver.secret_keys(gateway):
        top = path.split(".")[0]
        if top not in keys and top not in NOT_STORED_SECRETS:
            keys.append(top)
    return tuple(keys)


#: The configuration keys of each gateway that are secret: encrypted, write-only. Derived from
#: the core's list (``hostedpay.driver.secret_keys``), never written here.
SECRET_KEYS: Dict[str, tuple] = {gateway: _top_level_secrets(gateway) for gateway in hostedpay.driver.GATEWAYS}


def _no_secret(account: Any, values: Dict[str, Any]) -> Dict[str, Any]:
    secret = SECRET_KEYS.get(account.gateway, ())
    return {k: v for k, v in values.items() if k not in secret}


class MerchantAccountQuerySet(models.QuerySet):
    """``MerchantAccount.objects.active()``, ``.retired()``, ``.rotate_secrets()``."""

    def active(self) -> "MerchantAccountQuerySet":
        return self.filter(active=True)

    def retired(self) -> "MerchantAccountQuerySet":
        return self.filter(active=False)

    def rotate_secrets(self) -> int:
        """Re-encrypts the secrets of these accounts with the newest key of
        ``VPOS_ENCRYPTION_KEYS`` (each row under its lock); returns how many were rewritten.
        Run it after putting a new key first, then drop the old key."""
        count = 0
        for pk in self.exclude(secrets="").values_list("pk", flat=True):
            with transaction.atomic():
                row = self.model.objects.select_for_update().get(pk=pk)
                row.secrets = crypto.rotate(row.secrets)
                row.save(update_fields=["secrets", "modified"])
                count += 1
        return count


class MerchantAccount(models.Model):
    """One merchant account (point of sale) of one gateway, kept in the database."""

    gateway = models.CharField(max_length=32, choices=GATEWAY_CHOICES, db_index=True)
    #: What ``Payment.account`` holds and the notification URL shows; unique per gateway.
    name = models.CharField(
        max_length=64,
        validators=[RegexValidator(conf.ACCOUNT_NAME.pattern, _("1-64 letters, digits, - or _ (it appears in URLs)."))],
        help_text=_("Appears in the notification URL and in payments; cannot change once payments use it."))
    display_name = models.CharField(max_length=128, blank=True)
    environment = models.CharField(
        max_length=16, choices=ENVIRONMENT_CHOICES, default="testing",
        help_text=_("Testing: the gateway's test platform and test messages. Production: real money. "
                    "Endpoints left blank in the configuration are the gateway's for this environment."))
    #: The gateway's configuration without its secret values (the core's keys).
    configuration = models.JSONField(default=dict, blank=True)
    #: The secret values, a Fernet token (``VPOS_ENCRYPTION_KEYS``); never shown.
    secrets = models.TextField(blank=True, editable=False)
    partial_refunds = models.BooleanField("partial refunds allowed", default=True)
    total_refunds = models.BooleanField("total refunds allowed", default=True)
    preauthorisation = models.BooleanField("pre-authorisation allowed", default=True)
    order_prefix = models.CharField(
        "operation-number prefix", max_length=4, blank=True,
        validators=[RegexValidator(r"^[0-9]{0,4}$", _("At most 4 digits."))],
        help_text=_("Up to 4 digits leading every order number generated for this account (Redsys)."))
    postback_timeout = models.FloatField(
        default=conf.DEFAULT_POSTBACK_TIMEOUT, validators=[MinValueValidator(0.1), MaxValueValidator(300)],
        help_text=_("Seconds allowed to a post-back or invoice fetch."))
    rest_timeout = models.FloatField(
        default=conf.DEFAULT_REST_TIMEOUT, validators=[MinValueValidator(0.1), MaxValueValidator(300)],
        help_text=_("Seconds allowed to a REST operation (refund)."))
    active = models.BooleanField(
        default=True,
        help_text=_("Untick to retire the account: it still verifies late notifications of its payments "
                    "but takes no new checkout."))
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = MerchantAccountQuerySet.as_manager()

    class Meta:
        app_label = "vpos"
        ordering = ["gateway", "name"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "name"], name="vpos_merchantaccount_one_name_per_gateway"),
        ]

    def __str__(self) -> str:
        label = self.display_name or self.name
        return f"{label} ({self.gateway}/{self.name}, {self.environment}{'' if self.active else ', retired'})"

    def __repr__(self) -> str:
        # Never the configuration's secret values (they are not in `configuration` anyway).
        return f"<MerchantAccount {self.gateway}/{self.name} pk={self.pk}>"

    # Secrets.
    def get_secrets(self) -> Dict[str, Any]:
        """The decrypted secret values (raises ``crypto.Undecryptable`` or
        ``ImproperlyConfigured``)."""
        return crypto.decrypt(self.secrets)

    def set_secrets(self, values: Dict[str, Any]) -> None:
        """Encrypts ``values`` (secret keys only; ``None`` or ``""`` drops a key). Saves nothing."""
        allowed = SECRET_KEYS.get(self.gateway, ())
        kept = {k: v for k, v in values.items() if k in allowed and v not in (None, "")}
        self.secrets = crypto.encrypt(kept) if kept else ""

    def update_secrets(self, changes: Dict[str, Any]) -> None:
        """Sets the given secret values, keeping the others (blank values keep the old one)."""
        current = self.get_secrets() if self.secrets else {}
        current.update({k: v for k, v in changes.items() if v not in (None, "")})
        self.set_secrets(current)

    def secret_keys_set(self) -> Iterable[str]:
        """Which secret keys hold a value (for the admin: never the values)."""
        try:
            return sorted(self.get_secrets())
        except (crypto.Undecryptable, ImproperlyConfigured):
            return []

    # The core's configuration.
    def gateway_config(self, secrets: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """The complete configuration handed to the core: the environment's endpoints for the
        keys left out, the stored configuration, then the secrets."""
        config: Dict[str, Any] = dict(hostedpay.account.endpoints(self.gateway, self.environment))
        config.update({k: v for k, v in (self.configuration or {}).items() if v is not None})
        config.update(self.get_secrets() if secrets is None else secrets)
        return config

    def config_errors(self, secrets: Optional[Dict[str, Any]] = None) -> list:
        """The core's verdict on :meth:`gateway_config`, every bad key at once."""
        return hostedpay.account.config_errors(self.gateway, self.gateway_config(secrets))

    def to_account(self) -> conf.Account:
        """The account as the views and payments use it; a configuration the core refuses (or
        secrets no key decrypts) raises ``hostedpay.ConfigError``."""
        where = f"{self.gateway}/{self.name}"
        try:
            config = self.gateway_config()
        except (crypto.Undecryptable, ImproperlyConfigured) as e:
            raise hostedpay.ConfigError("invalid_config", f"merchant account {where}: {e}", "secrets") from None
        factory = conf.GATEWAYS.get(self.gateway)
        if factory is None:
            raise hostedpay.UnsupportedError("unsupported", f"hostedpay.django does not serve {self.gateway!r}", "gateway")
        try:
            gateway = factory(config)
        except TypeError as e:
            raise hostedpay.ConfigError("invalid_config", f"merchant account {where}: {e}", "configuration") from None
        return conf.Account(
            self.gateway, self.name, gateway, live=self.environment == "production",
            postback_timeout=float(self.postback_timeout), source="database",
            rest_timeout=float(self.rest_timeout), order_prefix=self.order_prefix,
            display_name=self.display_name, active=self.active, partial_refunds=self.partial_refunds,
            total_refunds=self.total_refunds, preauthorisation=self.preauthorisation, pk=self.pk)

    def notification_url(self, mask_token: bool = True) -> str:
        """The path to register with the gateway (FloCash's token shown as ``***`` unless
        ``mask_token=False``)."""
        try:
            if self.gateway == "flocash":
                token = "***" if mask_token else str(self.get_secrets().get("notification_token", ""))
                return reverse("vpos:flocash-notification", kwargs={"account": self.name, "token": token})
            return reverse(f"vpos:{self.gateway}-notification", kwargs={"account": self.name})
        except (NoReverseMatch, crypto.Undecryptable, ImproperlyConfigured):
            return ""

    def payments(self) -> Any:
        """The payments made with this account."""
        # Through the app registry: the payment models sit above this module.
        from django.apps import apps

        return apps.get_model(conf.payment_model_label(), require_ready=False).objects.filter(
            gateway=self.gateway, account=self.name)

    # Validation and saving.
    def clean(self) -> None:
        errors: Dict[str, list] = {}
        if not isinstance(self.configuration, dict):
            errors["configuration"] = [gettext("The configuration is an object of key -> value.")]
        if (self.gateway, self.name) in conf.load().accounts or (self.gateway, self.name) in conf.load().broken:
            errors["name"] = [gettext("The VPOS setting already declares a %(gateway)s account named %(name)r.")
                              % {"gateway": self.gateway, "name": self.name}]
        if self.pk is not None and self.name:
            old = type(self).objects.filter(pk=self.pk).values_list("gateway", "name").first()
            if old and old != (self.gateway, self.name) and type(self)(gateway=old[0], name=old[1]).payments().exists():
                errors["name"] = [gettext("Payments use this account: its gateway and name cannot change.")]
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A secret value put in the configuration by code moves into the encrypted secrets,
        # so that it never reaches the database in clear.
        if isinstance(self.configuration, dict):
            secret = SECRET_KEYS.get(self.gateway, ())
            moved = {k: self.configuration[k] for k in secret if k in self.configuration}
            if moved:
                self.configuration = _no_secret(self, self.configuration)
                self.update_secrets(moved)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = list({*kwargs["update_fields"], "configuration", "secrets"})
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.payments().exists():
            raise models.ProtectedError(
                f"payments use {self.gateway}/{self.name}: retire it (active=False) instead", set())
        return super().delete(*args, **kwargs)

"""Payments and notifications.

``AbstractPayment`` is the base for your own payment model (name it in
``VPOS_PAYMENT_MODEL``); ``Payment`` is the default. Amounts are stored exactly, as integer
minor units plus an ISO 4217 currency; ``payment.amount`` reads and writes them as
``decimal.Decimal``. ``status`` only changes through the core's transitions, applied by the
notification view under a row lock.

``Notification`` keeps every notification received, raw body and headers first, then the
verdict. The event key of an *applied* notification is unique per gateway, so a retried
notification is stored again as a raw row but can never be applied twice.
"""

from __future__ import annotations

import datetime
import logging
import os
import warnings
from decimal import Decimal
from typing import Any, Dict, List, Optional, cast

from django.apps import apps
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, router
from django.utils.translation import gettext_lazy as _

import hostedpay
from hostedpay.django import accounts, conf

logger = logging.getLogger("vpos.django")

#: The gateways payments and notifications may name: the registration list of
#: ``hostedpay.django.accounts`` (one list; a new gateway adds its line there, and a migration).
GATEWAY_CHOICES = accounts.GATEWAY_CHOICES
#: The statuses' labels, translated (the core's ``PAYMENT_STATUSES``; one missing here shows its code).
STATUS_LABELS = {
    "new": _("New"), "pending": _("Pending"), "authorized": _("Authorized"), "paid": _("Paid"),
    "failed": _("Failed"), "cancelled": _("Cancelled"), "partially_refunded": _("Partially refunded"),
    "refunded": _("Refunded"), "charged_back": _("Charged back"),
}
STATUS_CHOICES = [(s, STATUS_LABELS.get(s, s.replace("_", " ").capitalize())) for s in hostedpay.PAYMENT_STATUSES]


def get_payment_model() -> Any:
    """The active payment model (``VPOS_PAYMENT_MODEL``, default ``vpos.Payment``)."""
    return apps.get_model(conf.payment_model_label(), require_ready=False)


def _to_minor(value: Any, currency: str, field: str) -> int:
    try:
        return hostedpay.money.parse(value, currency)["minor"]
    except TypeError as e:
        raise TypeError(f"{field}: {e}") from None
    except hostedpay.VposError as e:
        if e.field is None:
            e.field = field
        raise


class PaymentQuerySet(models.QuerySet):
    """``Payment.objects.pending()`` and friends."""

    def pending(self) -> "PaymentQuerySet":
        """Payments the gateway holds without a final answer (djflocash's ``pending()``)."""
        return self.filter(status="pending")

    def paid(self) -> "PaymentQuerySet":
        """Captured payments."""
        return self.filter(status="paid")

    def for_account(self, gateway: str, account: str = conf.DEFAULT_ACCOUNT) -> "PaymentQuerySet":
        return self.filter(gateway=gateway, account=account)

    def update(self, **kwargs: Any) -> int:
        """``QuerySet.update``, refusing ``status`` and ``refunded_minor`` (``StatusChangeRefused``):
        only the core's transitions change them."""
        _refuse_bulk_write(kwargs, "QuerySet.update")
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        """``QuerySet.bulk_update``, refusing ``status`` and ``refunded_minor`` in ``fields``."""
        _refuse_bulk_write(fields, "bulk_update")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        """``QuerySet.bulk_create``; with ``update_conflicts``, ``update_fields`` may not name
        ``status`` or ``refunded_minor`` (``StatusChangeRefused``)."""
        if kwargs.get("update_conflicts"):
            _refuse_bulk_write(kwargs.get("update_fields") or (), "bulk_create(update_conflicts=True)")
        return super().bulk_create(objs, *args, **kwargs)


#: The payment fields only the core's transitions write (``apply_outcome`` + ``save_transition``).
TRANSITION_FIELDS = frozenset({"status", "refunded_minor", "captured_minor", "released_minor"})
#: The keys of the core's gateway-neutral ``OrderRequest`` that ``checkout_form`` overrides may
#: set; any other override is one of the gateway's own order keys.
ORDER_REQUEST_KEYS = frozenset({"order_id", "amount", "description", "custom", "item_price", "quantity", "country",
                                "payment_option", "return_url", "cancel_url", "notify_url", "timestamp",
                                "cardholder"})


class StatusChangeRefused(hostedpay.ConsistencyError):
    """A payment's ``status`` (or ``refunded_minor``) was changed outside the core's transitions:
    ``payment.status = ...; payment.save()``, ``save(update_fields=[...])``,
    ``QuerySet.update(status=...)``. Code ``invalid_transition``, ``field`` the field concerned;
    nothing was written. A ``ValueError``, as the refusal always was."""

    def __init__(self, message: str, field: str = "status") -> None:
        super().__init__("invalid_transition", message, field)

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.field))


class EventKeyConflict(hostedpay.ConsistencyError):
    """A verified event whose key is already applied to *another* payment (event keys are
    unique per gateway): refused with code ``order_mismatch`` (the gateway's ``reject``, a
    ``422``), verdict ``rejected``, no payment moved. ``payment`` is the one it named."""

    def __init__(self, payment: Any, event_key: str) -> None:
        super().__init__("order_mismatch", f"this event (key {event_key!r}) is already applied to another payment; "
                         f"it cannot also move order {payment.order_id!r}", "order_id")
        self.payment = payment
        self.event_key = event_key

    def __reduce__(self) -> Any:
        return (hostedpay.ConsistencyError, (self.code, self.message, self.field))


def _refuse_bulk_write(fields: Any, how: str) -> None:
    touched = sorted(TRANSITION_FIELDS.intersection(fields))
    if touched:
        raise StatusChangeRefused(f"{how} cannot write {', '.join(touched)}: payment status changes only "
                                  f"through vpos transitions", touched[0])


class AbstractPayment(models.Model):
    """What vpos needs to know about a payment. Extend it for your own payment model."""

    gateway = models.CharField(max_length=32, choices=GATEWAY_CHOICES, default="flocash", db_index=True)
    #: The account the payment was made with, by name: a settings account (``"default"`` or a
    #: name under ``accounts``) or a database ``MerchantAccount`` of the same gateway.
    account = models.CharField(max_length=64, default=conf.DEFAULT_ACCOUNT)
    #: The shop's order id sent to the gateway (FloCash: 1-25 characters), unique per account.
    order_id = models.CharField(max_length=64, db_index=True)
    #: The gateway merchant account; filled from the settings on first save when blank.
    merchant = models.CharField(max_length=250, blank=True)
    amount_minor = models.BigIntegerField("amount (minor units)", validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. EUR"))
    item_name = models.CharField(max_length=250, blank=True)
    item_price_minor = models.BigIntegerField("item price (minor units)", null=True, blank=True,
                                              validators=[MinValueValidator(0)])
    quantity = models.PositiveIntegerField(default=1)
    #: FloCash ``custom``: a merchant-defined value (a customer id), 1-25 characters.
    custom = models.CharField(max_length=25, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2"))
    payment_option = models.CharField(max_length=250, blank=True)
    #: The gateway's own reference for the payment, when it gives one before paying (Bitpay:
    #: the invoice id, stored by ``create_bitpay_invoice``).
    reference = models.CharField(max_length=128, blank=True)
    #: The gateway's id of the captured transaction, from its verified notification (Elavon
    #: ``PASREF``, PayPal ``txn_id``): what later operations on it (settle, void, refund) quote.
    transaction_id = models.CharField(max_length=128, blank=True, editable=False)
    #: The card issuer's authorisation code from the verified notification (Elavon ``AUTHCODE``,
    #: Redsys ``Ds_AuthorisationCode``).
    authorisation_code = models.CharField(max_length=64, blank=True, editable=False)
    #: Redsys stored credential (card on file): ``Ds_Merchant_Identifier``, the card reference
    #: that later merchant-initiated charges quote. Never shown in ``str``, logs or the admin.
    card_reference = models.CharField(max_length=40, blank=True, editable=False)
    #: ``Ds_ExpiryDate`` of the stored card, ``YYMM``.
    card_expiry = models.CharField(max_length=4, blank=True, editable=False)
    #: ``Ds_Merchant_Cof_Txnid``: the network transaction id of the payment that stored the card.
    cof_transaction_id = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(max_length=32, choices=STATUS_CHOICES, default="new", editable=False, db_index=True)
    #: False for payments against a test account: the gateway's Test messages then apply.
    live = models.BooleanField(default=True)
    refunded_minor = models.BigIntegerField(default=0, editable=False)
    #: Minor units captured; ``None`` on rows from before captures were counted: the core then
    #: reads "all of the amount once paid, none before".
    captured_minor = models.BigIntegerField(null=True, blank=True, editable=False)
    #: Minor units of the authorisation released without being captured.
    released_minor = models.BigIntegerField(default=0, editable=False)
    #: The authorisation takes several captures (Elavon multisettle, PayPal authorisations): a
    #: partial capture leaves the rest open for more captures or a release.
    multiple_captures = models.BooleanField(default=False)
    client = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "account", "order_id"],
                                    name="%(app_label)s_%(class)s_one_order_per_account"),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: ``status`` and ``refunded_minor`` as last read from or written to the database.
        #: Filled by ``from_db`` and ``refresh_from_db``: ``__init__`` runs before Django marks
        #: a loaded row as not ``adding``, so it cannot tell.
        self._vpos_stored: Dict[str, Any] = {}
        self._vpos_transition = False

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._vpos_remember(TRANSITION_FIELDS)
        return instance

    # from_queryset (Django 5.1+) goes on by keyword: Django 4.2's refresh_from_db has no such parameter.
    def refresh_from_db(self, using: Any = None, fields: Any = None, **kwargs: Any) -> None:  # type: ignore[override]
        super().refresh_from_db(using, fields, **kwargs)
        self._vpos_remember(TRANSITION_FIELDS if fields is None else TRANSITION_FIELDS.intersection(fields))

    def _vpos_remember(self, names: Any) -> None:
        for name in names:
            if name in self.__dict__:  # loaded, not deferred
                self._vpos_stored[name] = self.__dict__[name]

    def __str__(self) -> str:
        return f"{self.gateway}/{self.account} {self.order_id} ({self.status})"

    # Money, exact.
    @property
    def amount(self) -> Optional[Decimal]:
        """The amount as a ``Decimal``; set it with a ``Decimal``, ``str`` or ``int`` after
        ``currency`` (floats raise ``TypeError``, ``"12.345"`` EUR raises ``AmountError``)."""
        if self.amount_minor is None or not self.currency:
            return None
        return hostedpay.money.to_decimal(hostedpay.money.from_minor(self.amount_minor, self.currency))

    @amount.setter
    def amount(self, value: Any) -> None:
        if not self.currency:
            raise ValueError("set currency before amount")
        self.amount_minor = _to_minor(value, self.currency, "amount")

    @property
    def item_price(self) -> Optional[Decimal]:
        """The price of one item, as ``amount``."""
        if self.item_price_minor is None or not self.currency:
            return None
        return hostedpay.money.to_decimal(hostedpay.money.from_minor(self.item_price_minor, self.currency))

    @item_price.setter
    def item_price(self, value: Any) -> None:
        if value is None:
            self.item_price_minor = None
            return
        if not self.currency:
            raise ValueError("set currency before item_price")
        self.item_price_minor = _to_minor(value, self.currency, "item_price")

    def amount_json(self) -> hostedpay.money.Amount:
        """The core's Amount shape."""
        return hostedpay.money.from_minor(self.amount_minor, self.currency)

    @property
    def is_pending(self) -> bool:
        """djflocash's ``is_pending``: saved and waiting for the gateway's final answer."""
        return self.pk is not None and self.status == "pending"

    def account_settings(self) -> conf.Account:
        """The settings account this payment belongs to."""
        return conf.get_account(self.gateway, self.account)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The status moves only through the core's transitions (apply_outcome, then
        # save_transition under the row lock); a new row may be created in any status (imports
        # from djflocash), an existing one not edited. Every other save of an existing row
        # leaves status and refunded_minor out of its UPDATE, so a stale copy (loaded before a
        # notification moved the payment) never writes the old status back.
        for i, name in enumerate(("force_insert", "force_update", "using", "update_fields")[:len(args)]):
            kwargs[name] = args[i]  # Django < 5.1 accepted these positionally
        if not self._vpos_transition and not kwargs.get("force_insert"):
            self._vpos_refuse_status_edit(kwargs.get("using"))
            if not self._state.adding and kwargs.get("using") in (None, self._state.db):
                kwargs["update_fields"] = self._vpos_update_fields(kwargs.get("update_fields"))
        account = None
        # Looked up only when needed: a database account costs a query, and a transition's save
        # (the notification path) writes none of what it fills.
        if self._state.adding or not self.order_id or not self.merchant:
            try:
                account = self.account_settings()
            except (conf.UnknownAccount, hostedpay.VposError):
                pass  # notifications for it will be refused (merchant_mismatch or 404)
        if not self.order_id and account is not None:
            # A gateway that constrains the id's shape (Redsys) gets a fresh one from the core.
            self.order_id = hostedpay.driver.new_order_id(self.gateway, account.order_prefix, os.urandom(12)) or ""
        if account is not None:
            if not self.merchant:
                self.merchant = account.gateway.merchant
            if self._state.adding and not account.live:
                self.live = False  # a test account never holds live payments
        super().save(**kwargs)
        self._vpos_remember(TRANSITION_FIELDS)

    def _vpos_refuse_status_edit(self, using: Any) -> None:
        """Raises ``StatusChangeRefused`` when this save would change what only transitions change."""
        edited = [name for name in sorted(TRANSITION_FIELDS) if name in self.__dict__]
        if self._state.adding:
            # A new instance given the pk of an existing row would UPDATE it.
            pk = self._meta.pk
            if self.pk is None or pk.has_default() or getattr(pk, "has_db_default", lambda: False)():
                return
            manager = type(self)._base_manager.using(using or router.db_for_write(type(self), instance=self))
            stored = manager.filter(pk=self.pk).values(*TRANSITION_FIELDS).first() or {}
        else:
            stored = dict(self._vpos_stored)
            unknown = [name for name in edited if name not in stored]  # deferred when loaded, then set
            if unknown:
                manager = type(self)._base_manager.using(using or self._state.db)
                stored.update(manager.filter(pk=self.pk).values(*unknown).first() or {})
        for name in edited:
            if name in stored and self.__dict__[name] != stored[name]:
                raise StatusChangeRefused(
                    f"payment {name} changes only through vpos transitions "
                    f"({stored[name]} -> {self.__dict__[name]} refused)", name)

    def _vpos_update_fields(self, update_fields: Any) -> Any:
        """The fields an ordinary save of this loaded row writes: the ones asked for (or all
        loaded ones), never the transition fields."""
        if update_fields is None:
            update_fields = {f.attname for f in self._meta.concrete_fields
                             if not f.primary_key and not getattr(f, "generated", False)}
            update_fields -= self.get_deferred_fields()
        return [name for name in update_fields if name not in TRANSITION_FIELDS]

    def applied_event_keys(self) -> List[str]:
        """Keys of the events already applied to this payment."""
        return cast(List[str], list(Notification.objects.filter(payment_id=self.pk, applied_event_key__isnull=False)
                                    .values_list("applied_event_key", flat=True)))

    def snapshot(self, applied_event_keys: Optional[List[str]] = None) -> Dict[str, Any]:
        """The core's ``PaymentSnapshot`` of this payment (read it under the row lock).
        ``applied_event_keys``: the keys already applied, when the caller looked them up
        (the core only asks whether the event's own key is among them); default: every key
        applied to this payment, read with one query."""
        return {
            "gateway": self.gateway,
            "merchant": self.merchant,
            "order_id": self.order_id,
            "amount": {"minor": self.amount_minor, "currency": self.currency},
            "status": self.status,
            "live": self.live,
            "refunded_minor": self.refunded_minor,
            **({} if self.captured_minor is None else {"captured_minor": self.captured_minor}),
            "released_minor": self.released_minor,
            "multiple_captures": self.multiple_captures,
            "applied_event_keys": self.applied_event_keys() if applied_event_keys is None else applied_event_keys,
        }

    def apply_outcome(self, outcome: Any) -> None:
        """Stores what an applied core outcome says (status; refunded, captured and released
        totals). Saves nothing."""
        if outcome.new_status is None:
            return
        self.status = outcome.new_status
        self.refunded_minor = outcome.refunded_minor
        self.captured_minor = outcome.captured_minor
        self.released_minor = outcome.released_minor
        self._vpos_transition = True

    def save_transition(self, fields: Any = ()) -> None:
        """Saves the move ``apply_outcome`` stored (status, the totals, ``modified``) and the
        other ``fields`` named, in one ``UPDATE``."""
        try:
            self.save(update_fields=[*sorted(TRANSITION_FIELDS), "modified", *fields])
        finally:
            self._vpos_transition = False

    def order_request(self, **overrides: Any) -> Dict[str, Any]:
        """The core's gateway-neutral ``OrderRequest`` for this payment (``hostedpay.driver.Order.for_payment``
        maps it to the gateway's order). ``overrides``: the request's own keys (``return_url``,
        ``cancel_url``, ``notify_url``, ``timestamp``, ``description``, ``custom``, ``cardholder``
        (3-D Secure 2 data, docs/3ds.md) …) replace
        the payment's; ``store_card=True`` (with ``cof_type``, default ``"recurring"``) asks for
        a stored card; any other key is one of the gateway's own order keys (Redsys
        ``transaction_type``, FloCash ``customer`` …), laid over the mapped order by the core."""
        store_card = overrides.pop("store_card", False)
        cof_type = overrides.pop("cof_type", "recurring")
        request: Dict[str, Any] = {
            "order_id": self.order_id,
            "amount": {"minor": self.amount_minor, "currency": self.currency},
            "quantity": self.quantity,
            # The host's clock, UTC (Elavon signs it; the other gateways ignore it).
            "timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S"),
        }
        if self.item_price_minor is not None:
            request["item_price"] = {"minor": self.item_price_minor, "currency": self.currency}
        for key, value in (("description", self.item_name), ("custom", self.custom), ("country", self.country),
                           ("payment_option", self.payment_option)):
            if value:
                request[key] = value
        if store_card:
            request["store_card"] = cof_type
        fields: Dict[str, Any] = {}
        for key, value in overrides.items():
            if key in ORDER_REQUEST_KEYS:
                request[key] = value
            else:
                fields[key] = value
        if fields:
            request["fields"] = fields
        return request

    def checkout_order(self, **overrides: Any) -> Any:
        """The core's ``hostedpay.driver.Order`` for this payment (see ``order_request``)."""
        return hostedpay.driver.Order.for_payment(self.gateway, self.order_request(**overrides))

    def _gateway_order(self, name: str, **overrides: Any) -> Dict[str, Any]:
        warnings.warn(f"Payment.{name} is deprecated: use checkout_order(**overrides) (hostedpay.driver.Order)",
                      DeprecationWarning, stacklevel=3)
        order = self.checkout_order(**overrides).to_dict()
        order.pop("gateway", None)
        return order

    def flocash_order(self, **overrides: Any) -> Dict[str, Any]:
        """Deprecated: ``checkout_order(**overrides).to_dict()`` (the core's FloCash ``Order``)."""
        return self._gateway_order("flocash_order", **overrides)

    @staticmethod
    def new_redsys_order_number(account: conf.Account) -> str:
        """Deprecated: ``hostedpay.driver.new_order_id("redsys", account.order_prefix, os.urandom(12))``."""
        warnings.warn("Payment.new_redsys_order_number is deprecated: use hostedpay.driver.new_order_id",
                      DeprecationWarning, stacklevel=2)
        return hostedpay.driver.new_order_id("redsys", account.order_prefix, os.urandom(12)) or ""

    def redsys_order(self, **overrides: Any) -> Dict[str, Any]:
        """Deprecated: ``checkout_order(**overrides).to_dict()`` (the core's Redsys ``Order``)."""
        return self._gateway_order("redsys_order", **overrides)

    def paypal_order(self, **overrides: Any) -> Dict[str, Any]:
        """Deprecated: ``checkout_order(**overrides).to_dict()`` (the core's PayPal ``Order``)."""
        return self._gateway_order("paypal_order", **overrides)

    def ceca_order(self, **overrides: Any) -> Dict[str, Any]:
        """Deprecated: ``checkout_order(**overrides).to_dict()`` (the core's CECA ``Order``)."""
        return self._gateway_order("ceca_order", **overrides)

    def elavon_order(self, **overrides: Any) -> Dict[str, Any]:
        """Deprecated: ``checkout_order(**overrides).to_dict()`` (the core's Elavon ``Order``)."""
        return self._gateway_order("elavon_order", **overrides)

    def bitpay_invoice_request(self, **overrides: Any) -> Dict[str, Any]:
        """Deprecated: ``checkout_order(**overrides).to_dict()`` (the core's Bitpay ``InvoiceRequest``)."""
        return self._gateway_order("bitpay_invoice_request", **overrides)

    def create_bitpay_invoice(self, *, http_client: Any = None, timeout: Optional[float] = None,
                              **overrides: Any) -> hostedpay.http.RedirectForm:
        """Deprecated: ``checkout_form`` (which creates the invoice for a Bitpay payment)."""
        warnings.warn("Payment.create_bitpay_invoice is deprecated: use checkout_form", DeprecationWarning,
                      stacklevel=2)
        return self.checkout_form(http_client=http_client, timeout=timeout, **overrides)

    def checkout_form(self, *, http_client: Any = None, timeout: Optional[float] = None,
                      **overrides: Any) -> hostedpay.http.RedirectForm:
        """The core's redirect form for this payment, from its account's settings, through
        ``hostedpay.driver.checkout`` (a retired account refuses: ``UnsupportedError`` on
        ``account``; a pre-authorisation on an account without them: ``UnsupportedError``).

        A gateway that makes its payment page by API (Bitpay's invoice) is called through the
        HTTP client (``http_client``, ``VPOS_HTTP_CLIENT`` or ``hostedpay.http.send``; the account's
        ``postback_timeout``) and the page's reference is stored in ``reference``: each call
        makes a new page, so render once. Raises ``GatewayError`` when the gateway makes none."""
        account = self.account_settings()
        order = self.checkout_order(**overrides)
        account.check_checkout(order)
        config = account.config
        result = hostedpay.driver.checkout(config, order)
        extra = overrides.get("extra_parameters")
        if extra:
            # Signed and sent, but outside what vpos checks: worth a look once vpos models them.
            logger.warning("%s checkout %s carries parameters vpos does not model: %s", self.gateway,
                           self.order_id, ", ".join(sorted(str(name).upper() for name in extra)))
        if isinstance(result, hostedpay.http.RedirectForm):
            return result
        client = http_client or conf.http_client()
        request = result
        for attempt in (1, 2):
            try:
                reply = client(request, timeout if timeout is not None else account.postback_timeout)
            except Exception as e:  # noqa: BLE001 - a failing client is "no answer"
                reply = {"error": f"{type(e).__name__}: {e}"}
            try:
                form, reference = hostedpay.driver.parse_checkout_reply(config, reply)
                break
            except hostedpay.VposError as e:
                # PayPal REST's 401: the cached token expired; once more with a new one (same
                # order, so the same PayPal-Request-Id: PayPal creates one order).
                if attempt == 2 or self.gateway != "paypal_rest" or not hostedpay.paypal_rest.is_token_rejected(e):
                    raise
                config = account.fresh_config()
                again = hostedpay.driver.checkout(config, order)
                if isinstance(again, hostedpay.http.RedirectForm):  # the same gateway: never a form
                    return again
                request = again
        self.reference = reference[:128]
        # A PayPal REST authorisation may be captured in several parts (final_capture false
        # keeps it open): the state machine counts them with multiple_captures.
        if self.gateway == "paypal_rest" and order.is_preauthorisation:
            self.multiple_captures = True
        if self.pk is not None:
            type(self).objects.filter(pk=self.pk).update(reference=self.reference,
                                                         multiple_captures=self.multiple_captures)
        return form

    def refundable_minor(self) -> int:
        """What can still be refunded, in minor units (captured amount less refunds): the core's
        ``payment_amounts``."""
        return int(hostedpay.driver.payment_amounts(cast("hostedpay.state.PaymentSnapshot", self.snapshot([])))["refundable_minor"])

    def capturable_minor(self) -> int:
        """What is still authorised and open to capture, in minor units: the whole amount of an
        ``authorized`` payment, the rest of a multi-capture authorisation, otherwise 0."""
        return int(hostedpay.driver.payment_amounts(cast("hostedpay.state.PaymentSnapshot", self.snapshot([])))["capturable_minor"])

    def refund(self, amount: Any, *, http_client: Any = None, timeout: Optional[float] = None) -> "Refund":
        """Refunds ``amount`` (``Decimal``, exact string or ``int`` in ``currency``) through the
        gateway's API (Redsys REST, Elavon Remote ``rebate``); see
        :func:`hostedpay.django.services.operations.operate`. Returns the ``Refund``."""
        return _operations().refund(self, amount, http_client=http_client, timeout=timeout)

    def capture(self, amount: Any = None, *, http_client: Any = None, timeout: Optional[float] = None) -> "Refund":
        """Captures ``amount`` (default: all that is still authorised) of this pre-authorised
        payment (Redsys confirm, Elavon settle): ``paid`` once the gateway's verified reply says
        so. Less than the authorisation is a normal capture: the rest is released, or stays
        open for more captures when ``multiple_captures``. Returns the ``Refund`` record."""
        return _operations().capture(self, amount, http_client=http_client, timeout=timeout)

    def release(self, *, http_client: Any = None, timeout: Optional[float] = None) -> "Refund":
        """Releases what is still authorised (Redsys cancel, Elavon void): an ``authorized``
        payment becomes ``cancelled``; a paid one releases the open rest of its authorisation."""
        return _operations().release(self, http_client=http_client, timeout=timeout)

    #: Redsys names (types 2 and 9) and Elavon names (Remote ``settle`` and ``void``).
    confirm = settle = capture
    cancel = void = release

    def charge_stored_credential(self, amount: Any, *, cof_type: str = "recurring", order_id: str = "",
                                 http_client: Any = None, timeout: Optional[float] = None,
                                 **fields: Any) -> "Refund":
        """Charges the card this payment stored, merchant-initiated, as a new payment; see
        :func:`hostedpay.django.services.operations.charge_stored_credential`. ``result.payment`` is the new one."""
        return _operations().charge_stored_credential(self, amount, cof_type=cof_type, order_id=order_id,
                                        http_client=http_client, timeout=timeout, **fields)


def _operations() -> Any:
    """:mod:`hostedpay.django.services.operations`, looked up when an operation is asked: the models
    sit below the services and import none of them (the layers contract, ``.importlinter``);
    these methods are the models' convenience entry to that layer."""
    import importlib

    return importlib.import_module("hostedpay.django.services.operations")


class Payment(AbstractPayment):
    """The default payment model; swap it with ``VPOS_PAYMENT_MODEL``."""

    class Meta(AbstractPayment.Meta):
        swappable = "VPOS_PAYMENT_MODEL"


class Notification(models.Model):
    """One notification as received, then what vpos made of it."""

    VERDICTS = [
        ("received", _("Received, not processed")),
        ("unknown_account", _("No such account")),
        ("token_mismatch", _("Wrong URL token")),
        ("invalid", _("Malformed")),
        ("unverified", _("Disowned by the gateway")),
        ("postback_failed", _("Post-back failed (gateway retries)")),
        ("no_payment", _("No matching payment (gateway retries)")),
        ("applied", _("Applied")),
        ("already_applied", _("Already applied (retry)")),
        ("ignored", _("Ignored")),
        ("rejected", _("Rejected (needs a person)")),
        ("error", _("Internal error (gateway retries)")),
    ]

    gateway = models.CharField(max_length=32, choices=GATEWAY_CHOICES, db_index=True)
    account = models.CharField(max_length=64, default=conf.DEFAULT_ACCOUNT)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    content_type = models.CharField(max_length=250, blank=True)
    #: Request headers as received (``Cookie`` and ``Authorization`` left out; at most 100,
    #: each value cut at 4096 characters).
    headers = models.JSONField(default=dict, blank=True)
    #: The raw body, byte for byte; only its first 4096 bytes (``body_truncated``) until the
    #: account (and FloCash's URL token) is found right, and none when it was refused unread
    #: (over the gateway's size limit).
    body = models.BinaryField()
    #: The body's length in bytes (when refused unread: the ``Content-Length`` it declared).
    body_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    #: SHA-256 of the whole body, hex (blank when it was not read whole).
    body_sha256 = models.CharField("body SHA-256", max_length=64, blank=True, editable=False)
    #: True when ``body`` holds only the start of the body (see ``body``).
    body_truncated = models.BooleanField(default=False, editable=False)
    #: Read from the parsed (not yet verified) notification, to find it again.
    order_id = models.CharField(max_length=64, blank=True, db_index=True)
    transaction_id = models.CharField(max_length=64, blank=True)
    #: The gateway's status code (PayPal REST: the webhook's event type, up to 64 characters).
    status_code = models.CharField(max_length=64, blank=True)
    payment = models.ForeignKey(conf.payment_model_label(), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="notifications")
    verdict = models.CharField(max_length=32, choices=VERDICTS, default="received", db_index=True)
    error_code = models.CharField(max_length=64, blank=True)
    #: The core's outcome or error, as JSON.
    detail = models.JSONField(null=True, blank=True)
    #: The core's event key, once verified.
    event_key = models.CharField(max_length=512, blank=True)
    #: The event key again, only on the one notification that applied it (unique per gateway).
    applied_event_key = models.CharField(max_length=512, null=True, blank=True, editable=False)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # NULLs are distinct: every retry is stored, one row per gateway carries the key.
            models.UniqueConstraint(fields=["gateway", "applied_event_key"], name="vpos_notification_applied_once"),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vpos_saved_body = self.__dict__.get("body")

    def __str__(self) -> str:
        return f"{self.gateway} notification #{self.pk} {self.order_id} ({self.verdict})"

    @property
    def body_text(self) -> str:
        """The raw body decoded for display (invalid UTF-8 shown as U+FFFD)."""
        return bytes(self.body or b"").decode("utf-8", errors="replace")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves the row; a text column or JSON value holding NUL (which PostgreSQL refuses) is
        stored with U+FFFD instead. A stored row's body is written again only when it was
        replaced: a verdict save leaves it out of the ``UPDATE``."""
        self.replace_nul()
        if (not args and not self._state.adding and kwargs.get("update_fields") is None
                and not kwargs.get("force_insert") and "body" in self.__dict__
                and self.__dict__["body"] is self._vpos_saved_body):
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name != "body" and f.attname in self.__dict__]
        super().save(*args, **kwargs)
        self._vpos_saved_body = self.__dict__.get("body")

    def replace_nul(self, names: Any = None) -> None:
        """Replaces NUL (which PostgreSQL refuses) with U+FFFD in the text and JSON values of
        the fields ``names`` (default: every field), as ``save`` does before it writes them."""
        for f in self._meta.concrete_fields:
            if names is not None and f.name not in names:
                continue
            value = self.__dict__.get(f.attname)
            if isinstance(value, str) and "\x00" in value:
                setattr(self, f.attname, value.replace("\x00", "\ufffd"))
            elif isinstance(f, models.JSONField) and value is not None:
                setattr(self, f.attname, _without_nul(value))


def _without_nul(value: Any) -> Any:
    """``value`` (JSON) with NUL in strings and keys replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nul(v) for v in value]
    return value


class Refund(models.Model):
    """One operation asked of the gateway (a refund, or another ``kind``: capture or release
    of a pre-authorisation, a stored-card charge), with its own status and the gateway's reply.

    ``pending``: asked, no usable answer yet (a timeout, an unreadable or unsigned reply: the
    money may have moved, a person checks the gateway's back office), or the gateway has not
    finished (BitPay's ``created``/``pending``: its proven refund webhook settles the row,
    ``services.notifications.settle_operation``); ``succeeded``: the
    gateway's signed reply says refunded, and the payment moved through the core's
    transition; ``failed``: the gateway refused (its error code is kept).
    """

    STATUSES = [("pending", _("Pending")), ("succeeded", _("Succeeded")), ("failed", _("Failed"))]
    #: What was asked, in the core's words (``hostedpay.driver.OPERATION_KINDS``): a refund (Redsys
    #: type 3, Elavon rebate, PayPal RefundTransaction), the capture or release of a
    #: pre-authorisation (Redsys confirm 2 / cancel 9, Elavon settle / void), or a
    #: merchant-initiated charge of a stored card (Redsys payment by reference).
    KINDS = [("refund", _("Refund")), ("capture", _("Capture pre-authorisation")),
             ("release", _("Release pre-authorisation")), ("charge", _("Charge stored card"))]
    #: The gateway names rows had before 0008 (migrated to ``capture``/``release``); still
    #: accepted where a kind is given (``operate(payment, "settle")``).
    LEGACY_KINDS = {"confirm": "capture", "settle": "capture", "cancel": "release", "void": "release"}

    payment = models.ForeignKey(conf.payment_model_label(), on_delete=models.PROTECT, related_name="refunds")
    kind = models.CharField(max_length=16, choices=KINDS, default="refund", db_index=True)
    amount_minor = models.BigIntegerField("amount (minor units)", validators=[MinValueValidator(1)])
    currency = models.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. EUR"))
    status = models.CharField(max_length=16, choices=STATUSES, default="pending", db_index=True)
    #: The gateway's reply as received: ``{"status": int, "body": str}`` or ``{"error": str}``.
    reply = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    #: The gateway's id of this operation, from its reply (PayPal ``REFUNDTRANSACTIONID``,
    #: Elavon ``PASREF``, Redsys ``Ds_AuthorisationCode``).
    reference = models.CharField(max_length=128, blank=True)
    #: The core's ``operation_key`` of this operation: the same on every attempt, sent where
    #: the gateway dedupes a repeat by it (PayPal ``MSGSUBID``); empty on rows from before 0010.
    idempotency_key = models.CharField(max_length=64, blank=True, db_index=True)
    #: The core's outcome or error, as JSON.
    detail = models.JSONField(null=True, blank=True)
    #: The stored reply that moved the payment (its event key is the applied one).
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} of {self.amount} {self.currency} ({self.status})"

    @property
    def amount(self) -> Decimal:
        return hostedpay.money.to_decimal(hostedpay.money.from_minor(self.amount_minor, self.currency))


class PaymentEvent(models.Model):
    """A payment's move, for the shop to act on, written in the same transaction as the move.

    Delivered (``payment_status_changed`` sent, see :mod:`hostedpay.django.events`) once that
    transaction commits; a receiver that raises leaves the event undelivered, with ``attempts``
    and ``last_error``, for ``manage.py vpos_deliver_events`` to send again. The gateway's
    answer and the notification's verdict never depend on the shop's receivers.
    """

    KINDS = [("payment_status_changed", _("Payment status changed"))]

    payment = models.ForeignKey(conf.payment_model_label(), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=KINDS, default="payment_status_changed")
    from_status = models.CharField(max_length=32, choices=STATUS_CHOICES)
    to_status = models.CharField(max_length=32, choices=STATUS_CHOICES)
    #: The notification (or stored operation reply) that carried the move.
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="events")
    #: The core's event key (the notification's ``applied_event_key``).
    event_key = models.CharField(max_length=512, blank=True)
    #: The core's outcome, as JSON (the ``outcome`` argument of ``payment_status_changed``).
    outcome = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: When every receiver of the signal returned without raising; null until then.
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    #: Delivery attempts made (successful or not).
    attempts = models.PositiveIntegerField(default=0)
    #: What the receivers raised on the last failed attempt (receiver, exception type, message).
    last_error = models.TextField(blank=True)
    #: Set when the event is stored by the process that delivers it right after the commit
    #: (the notification view): until then ``vpos_deliver_events`` leaves the event to that
    #: process; a process that died before delivering leaves it to them once this is past.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        state = "delivered" if self.delivered_at else "undelivered"
        return f"event #{self.pk} {self.kind} {self.from_status} -> {self.to_status} ({state})"


# Database merchant accounts live in their own module; importing it here registers the model.
from hostedpay.django.accounts import MerchantAccount  # noqa: E402,F401

#: Field labels in the admin and forms, translated. Set on the fields after the classes are
#: made: a field's migration state keeps the label it was declared with (``_verbose_name``), so
#: translating them needs no migration.
FIELD_LABELS = {
    "gateway": _("gateway"), "account": _("account"), "order_id": _("order id"), "merchant": _("merchant"),
    "amount_minor": _("amount (minor units)"), "currency": _("currency"), "item_name": _("item name"),
    "item_price_minor": _("item price (minor units)"), "quantity": _("quantity"), "custom": _("custom value"),
    "country": _("country"), "payment_option": _("payment option"), "reference": _("reference"),
    "transaction_id": _("transaction id"), "authorisation_code": _("authorisation code"),
    "card_reference": _("card reference"), "card_expiry": _("card expiry"),
    "cof_transaction_id": _("card-on-file transaction id"), "status": _("status"), "live": _("live"),
    "refunded_minor": _("refunded (minor units)"), "captured_minor": _("captured (minor units)"),
    "released_minor": _("released (minor units)"), "multiple_captures": _("multiple captures"),
    "client": _("client"), "created": _("created"), "modified": _("modified"), "received_at": _("received at"),
    "remote_addr": _("remote address"), "content_type": _("content type"), "headers": _("headers"),
    "body": _("body"), "body_size": _("body size"), "body_sha256": _("body SHA-256"),
    "body_truncated": _("body truncated"), "status_code": _("status code"), "payment": _("payment"),
    "verdict": _("verdict"), "error_code": _("error code"), "detail": _("detail"), "event_key": _("event key"),
    "applied_event_key": _("applied event key"), "response_status": _("response status"),
    "processed_at": _("processed at"), "kind": _("kind"), "reply": _("reply"),
    "idempotency_key": _("idempotency key"), "notification": _("notification"), "updated": _("updated"),
    "from_status": _("from status"), "to_status": _("to status"), "outcome": _("outcome"),
    "created_at": _("created at"), "delivered_at": _("delivered at"), "attempts": _("attempts"),
    "last_error": _("last error"), "name": _("name"), "display_name": _("display name"),
    "environment": _("environment"), "configuration": _("configuration"), "secrets": _("secrets"),
    "partial_refunds": _("partial refunds allowed"), "total_refunds": _("total refunds allowed"),
    "preauthorisation": _("pre-authorisation allowed"), "order_prefix": _("operation-number prefix"),
    "postback_timeout": _("post-back timeout"), "rest_timeout": _("REST timeout"), "active": _("active"),
}
#: Model names, translated (set at run time too: Meta options would need a migration).
MODEL_LABELS = {
    "payment": (_("payment"), _("payments")), "notification": (_("notification"), _("notifications")),
    "refund": (_("refund"), _("refunds")), "paymentevent": (_("payment event"), _("payment events")),
    "merchantaccount": (_("merchant account"), _("merchant accounts")),
}


def translate_labels(model: Any) -> None:
    """Puts ``FIELD_LABELS`` and ``MODEL_LABELS`` on ``model`` (a swapped payment model may call
    it too; its own labels, when it set any, are kept)."""
    for field in model._meta.local_fields:
        if field.name in FIELD_LABELS and (field._verbose_name is None
                                           or str(field._verbose_name) == str(FIELD_LABELS[field.name])):
            field.verbose_name = FIELD_LABELS[field.name]
    names = MODEL_LABELS.get(model._meta.model_name)
    if names and "verbose_name" not in model._meta.original_attrs:
        model._meta.verbose_name, model._meta.verbose_name_plural = names


for _model in (AbstractPayment, Payment, Notification, Refund, PaymentEvent, MerchantAccount):
    translate_labels(_model)

"""Settings: the ``VPOS`` dict (or djflocash's ``FLOCASH_*``) turned into gateway accounts.

::

    VPOS = {
        "flocash": {                      # the "default" account: the core's FloCash config
            "merchant": "sales@shop.example",
            "merchant_name": "Shop",
            "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url": "https://fcms.flocash.com",
            "notification_token": "a-long-random-token",
            # host options, not sent to the core:
            "live": True,                 # False for a test account (Test notifications apply)
            "postback_timeout": 10,       # seconds
            # more accounts, each a complete config of its own, named in URLs and payments:
            "accounts": {"testing": {...}},
        },
        "redsys": {                       # the core's Redsys config, the same account rules
            "merchant_code": "999008881", "terminal": "1",
            "secret_key": "...",          # base64, from the Redsys back office
            "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
            "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST",
            "merchant_url": "https://shop.example/vpos/redsys/default/",
            # host options:
            "live": True,
            "rest_timeout": 30,           # seconds, refunds through trataPeticionREST
            "order_prefix": "",           # up to 4 digits leading every generated order number
            "partial_refunds": True,      # capability flags (default True): False refuses
            "total_refunds": True,        #   such refunds before asking the gateway, and
            "preauthorisation": True,     #   pre-authorisation checkouts
        },
        "paypal": {                       # the core's PayPal (Website Payments Standard) config
            "business": "shop@example.com",
            "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
            "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
            "notify_url": "https://shop.example/vpos/paypal/default/",
            "postback_timeout": 10,       # seconds, the IPN post-back
        },
        "ceca": {                         # the core's CECA config
            "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
            "key": "...",                 # the encryption key, from Cecabank's panel
            "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
            "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/",
        },
        "elavon": {                       # the core's Santander Elavon config
            "merchant_id": "thestore", "account": "internet", "secret": "...",
            "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
            "response_url": "https://shop.example/vpos/elavon/default/",
        },
        "bitpay": {                       # the core's Bitpay config, current API (docs/bitpay.md)
            "token": "...",               # POS facade: invoices (a legacy "api_key" instead still works)
            "private_key": "...",         # merchant facade (hex or PEM) + its paired token:
            "merchant_token": "...",      #   signed invoice fetches and refunds
            "api_url": "https://test.bitpay.com",
            "invoice_url": "https://test.bitpay.com/invoice",
            "notification_url": "https://shop.example/vpos/bitpay/default/",
            "postback_timeout": 10,       # seconds, invoice creation and fetch
            "rest_timeout": 30,           # seconds, refunds
        },
    }

Each FloCash account is reached at ``flocash/<account>/<token>/``, each Redsys account at
``redsys/<account>/`` (Redsys signs its messages: no URL token), each PayPal account at
``paypal/<account>/`` (IPNs are verified by post-back: no URL token), each CECA account at
``ceca/<account>/`` and each Elavon account at ``elavon/<account>/`` (signed: no URL token),
each Bitpay account at ``bitpay/<account>/`` (verified by fetching the invoice), and payments carry
``(gateway, account)``. Without ``VPOS["flocash"]``, djflocash's settings are read instead:
``FLOCASH_MERCHANT``, ``FLOCASH_MERCHANT_NAME``, ``FLOCASH_BASE_URL``,
``FLOCASH_NOTIFICATION_TOKEN``, ``FLOCASH_IMAGE_URL``, ``FLOCASH_RETURN_URL``,
``FLOCASH_CANCEL_URL``, and the checkout URL from ``FLOCASH_CHECKOUT_URL`` or
``FLOCASH_BASE_URL`` joined with ``FLOCASH_PAYMENT_URI``, else FloCash's live one
(:data:`FLOCASH_LIVE_CHECKOUT_URL`).

Every value is validated by the core, at start-up, by the system checks (``checks.py``).

Accounts can also live in the database (``hostedpay.django.accounts.MerchantAccount``, edited in
the admin): :func:`get_account` looks in these settings first, then in the database.
"""

from __future__ import annotations

import importlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urljoin

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

import hostedpay

DEFAULT_ACCOUNT = "default"
DEFAULT_PAYMENT_MODEL = "vpos.Payment"
DEFAULT_POSTBACK_TIMEOUT = 10.0
DEFAULT_REST_TIMEOUT = 30.0
#: Gateways this version of hostedpay.django serves (the core's ``hostedpay.driver.GATEWAYS``), and the
#: binding's configuration class of each (``hostedpay.<name>.Gateway``, whose ``driver_config()`` is
#: what the app hands to ``hostedpay.driver``).
GATEWAYS: Dict[str, Callable[..., Any]] = {
    name: importlib.import_module(f"hostedpay.{name}").Gateway for name in hostedpay.driver.GATEWAYS}
#: Per-account options read by the Django app and never sent to the core.
HOST_OPTIONS = ("live", "postback_timeout", "rest_timeout", "order_prefix", "partial_refunds", "total_refunds",
                "preauthorisation")
#: Per-account capability flags (the core's ``Capabilities``), True unless set to False.
CAPABILITY_OPTIONS = ("partial_refunds", "total_refunds", "preauthorisation")
ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: The settings of each gateway holding a URL that vpos itself calls (post-back, REST or
#: remote API, invoice fetch): on a live account it must be https:// (system check vpos.E010).
SERVER_URL_KEYS: Dict[str, Tuple[Tuple[str, ...], ...]] = {
    "flocash": (("base_url",),),
    "redsys": (("rest_url",), ("query_url",)),
    "paypal": (("ipn_url",), ("nvp", "api_url")),
    "elavon": (("remote_url",),),
    "bitpay": (("api_url",),),
    "paypal_rest": (("api_base",),),
    "ceca": (("refund_url",),),
}
#: djflocash setting -> core key.
FLOCASH_SETTINGS = {
    "FLOCASH_MERCHANT": "merchant",
    "FLOCASH_MERCHANT_NAME": "merchant_name",
    "FLOCASH_BASE_URL": "base_url",
    "FLOCASH_NOTIFICATION_TOKEN": "notification_token",
    "FLOCASH_IMAGE_URL": "image_url",
    "FLOCASH_RETURN_URL": "return_url",
    "FLOCASH_CANCEL_URL": "cancel_url",
    "FLOCASH_CHECKOUT_URL": "checkout_url",
}
#: FloCash's live checkout URL: the default of djflocash-style settings (``FLOCASH_*``) that
#: name none; ``VPOS["flocash"]`` names its own.
FLOCASH_LIVE_CHECKOUT_URL = "https://fcms.flocash.com/ecom/ecommerce.do"
WATCHED = {"VPOS", "VPOS_HTTP_CLIENT", "VPOS_PAYMENT_MODEL", "FLOCASH_PAYMENT_URI", *FLOCASH_SETTINGS}


# Django resolves swappable-model dependencies through the setting itself, so it must exist
# even when the project keeps the default (as AUTH_USER_MODEL does via global_settings).
if settings.configured and not hasattr(settings, "VPOS_PAYMENT_MODEL"):
    settings.VPOS_PAYMENT_MODEL = DEFAULT_PAYMENT_MODEL


@dataclass(frozen=True)
class Account:
    """One configured merchant account of one gateway."""

    gateway_name: str
    name: str
    gateway: Any  # hostedpay.flocash.Gateway or hostedpay.redsys.Gateway (validated)
    live: bool = True
    postback_timeout: float = DEFAULT_POSTBACK_TIMEOUT
    source: str = "VPOS"
    #: Redsys: seconds allowed to a REST operation (refund).
    rest_timeout: float = DEFAULT_REST_TIMEOUT
    #: Redsys: up to 4 digits leading generated order numbers.
    order_prefix: str = ""
    #: A database account's label (``MerchantAccount.display_name``).
    display_name: str = ""
    #: False once retired: late notifications still verify, new checkouts are refused.
    active: bool = True
    #: What the account may do (the core's ``Capabilities``; settings accounts: everything).
    partial_refunds: bool = True
    total_refunds: bool = True
    preauthorisation: bool = True
    #: The ``MerchantAccount`` row of a database account (``source == "database"``).
    pk: Optional[int] = None

    @property
    def config(self) -> Any:
        """The account's configuration as the core's gateway-neutral ``hostedpay.driver.Config``:
        what the notification view and the operations hand to ``hostedpay.driver``. A PayPal
        REST account's carries its OAuth token (:func:`access_token`: cached, fetched through
        the HTTP client when there is none)."""
        if self.gateway_name == "paypal_rest":
            return self.gateway.driver_config(access_token=access_token(self))
        return self.gateway.driver_config()

    def fresh_config(self) -> Any:
        """:attr:`config` after PayPal answered 401 (``hostedpay.paypal_rest.is_token_rejected``):
        the cached token is dropped and a new one fetched."""
        if self.gateway_name == "paypal_rest":
            forget_access_token(self)
        return self.config

    @property
    def environment(self) -> str:
        """``"production"`` for a live account, ``"testing"`` otherwise."""
        return "production" if self.live else "testing"

    def require_checkout(self) -> None:
        """Raises ``UnsupportedError`` (field ``account``) when the account is retired."""
        if not self.active:
            raise hostedpay.UnsupportedError(
                "unsupported", f"the {self.gateway_name} account {self.name!r} is retired: no new checkouts",
                "account")

    def check_checkout(self, order: Any) -> None:
        """Raises ``UnsupportedError`` when the account is retired, or when ``order`` (a
        ``hostedpay.driver.Order``) asks a pre-authorisation of an account that allows none (the
        core's ``Order.is_preauthorisation`` and ``Capabilities::check_preauthorisation``)."""
        self.require_checkout()
        if order.is_preauthorisation:
            hostedpay.account.check_preauthorisation(preauthorisation=self.preauthorisation)

    def check_refund(self, amount_minor: int, captured_minor: int) -> None:
        """Raises ``UnsupportedError`` (field ``amount``) when the account's flags forbid this
        refund (the core's ``Capabilities::check_refund``)."""
        hostedpay.account.check_refund(amount_minor, captured_minor, partial_refunds=self.partial_refunds,
                                  total_refunds=self.total_refunds)


@dataclass(frozen=True)
class Problem:
    """A settings problem, reported by the system checks (``id`` is ``vpos.E…``/``vpos.W…``)."""

    id: str
    msg: str
    hint: Optional[str] = None
    error: bool = True


@dataclass
class Loaded:
    accounts: Dict[Tuple[str, str], Account] = field(default_factory=dict)
    broken: Dict[Tuple[str, str], hostedpay.VposError] = field(default_factory=dict)
    problems: List[Problem] = field(default_factory=list)


class UnknownAccount(LookupError):
    """No such (gateway, account) in the settings."""


_lock = threading.Lock()
_cache: Optional[Loaded] = None


def load() -> Loaded:
    """Reads and validates the settings once (again after ``override_settings``)."""
    global _cache
    with _lock:
        if _cache is None:
            _cache = _load()
        return _cache


@receiver(setting_changed)
def _reset(setting: str, **kwargs: Any) -> None:
    global _cache
    if setting in WATCHED:
        with _lock:
            _cache = None


def get_account(gateway: str, name: str = DEFAULT_ACCOUNT) -> Account:
    """The account, or :class:`UnknownAccount`; a misconfigured one raises its ``ConfigError``.

    The settings are looked at first (read-only, they win), then the database's
    ``MerchantAccount`` rows, read afresh on every call so that an edit in the admin applies
    to the next notification."""
    loaded = load()
    key = (gateway, name)
    if key in loaded.accounts:
        return loaded.accounts[key]
    if key in loaded.broken:
        raise loaded.broken[key]
    row = _database_account(gateway, name)
    if row is not None:
        return row.to_account()
    raise UnknownAccount(f"no {gateway} account named {name!r} in the settings or the database")


def _database_account(gateway: str, name: str) -> Any:
    from django.apps import apps as django_apps

    if not django_apps.ready or not isinstance(name, str) or not ACCOUNT_NAME.match(name):
        return None
    # Through the app registry, not an import: conf is the settings layer, below the models.
    MerchantAccount = django_apps.get_model("vpos", "MerchantAccount")
    return MerchantAccount.objects.filter(gateway=gateway, name=name).first()


def accounts() -> List[Account]:
    """Every valid account of the settings (database accounts: ``MerchantAccount.objects``)."""
    return list(load().accounts.values())


#: Seconds ``vpos_reconcile`` waits for a polling reply unless an account says otherwise.
POLLING_TIMEOUT = 30.0


@dataclass(frozen=True)
class Polling:
    """One FloCash account's Merchant Polling settings (``VPOS_FLOCASH_POLLING[name]``)."""

    account: Account
    #: The core's ``PollConfig`` (credentials, WSDL namespace, success codes …).
    config: Dict[str, Any] = field(repr=False)
    timeout: float = POLLING_TIMEOUT


class PollingSettingsError(ValueError):
    """``VPOS_FLOCASH_POLLING`` is malformed; the message names the account and key, never a value."""


def flocash_polling(names: Optional[List[str]] = None) -> List[Polling]:
    """``VPOS_FLOCASH_POLLING`` checked through the core: the named accounts, or every one.

    Raises :class:`PollingSettingsError` for the first bad entry; the system check
    ``vpos.E009`` reports the same at start-up."""
    polling = getattr(settings, "VPOS_FLOCASH_POLLING", None) or {}
    if not isinstance(polling, Mapping):
        raise PollingSettingsError("VPOS_FLOCASH_POLLING must be a dict of account name -> polling settings")
    out = []
    for name in names if names is not None else sorted(polling):
        if name not in polling:
            raise PollingSettingsError(f"VPOS_FLOCASH_POLLING has no account {name!r}")
        where = f"VPOS_FLOCASH_POLLING[{name!r}]"
        if not isinstance(polling[name], Mapping):
            raise PollingSettingsError(f"{where} must be a dict")
        try:
            acct = get_account("flocash", name)
        except UnknownAccount as e:
            raise PollingSettingsError(f"{where}: {e}") from None
        values = dict(polling[name])
        timeout = values.pop("timeout", POLLING_TIMEOUT)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise PollingSettingsError(f"{where}['timeout'] must be a positive number of seconds")
        try:
            # Validates the polling config (the error names the key); the request is discarded.
            acct.gateway.poll_by_reference_request(values, "check")
        except hostedpay.VposError as e:
            raise PollingSettingsError(f"{where}: {e.message} ({e.code})") from None
        out.append(Polling(acct, values, float(timeout)))
    return out


def payment_model_label() -> str:
    """``VPOS_PAYMENT_MODEL``, default ``"vpos.Payment"``."""
    return getattr(settings, "VPOS_PAYMENT_MODEL", DEFAULT_PAYMENT_MODEL)


def http_client() -> Callable[[Mapping[str, Any], float], Dict[str, Any]]:
    """The post-back client: ``VPOS_HTTP_CLIENT`` (dotted path) or :func:`hostedpay.http.send`."""
    path = getattr(settings, "VPOS_HTTP_CLIENT", None)
    return import_string(path) if path else hostedpay.http.send


#: PayPal REST tokens by account: ``key -> (token, monotonic deadline)``. Process-local on
#: purpose: a shared cache backend would hold a bearer credential in clear. Each process
#: fetches its own token, which PayPal allows (a new token does not revoke the older ones).
_tokens: Dict[Tuple[str, ...], Tuple[str, float]] = {}
_tokens_lock = threading.Lock()
#: Seconds before ``expires_in`` at which a cached token is no longer used (PayPal's tokens
#: live hours; the margin covers a slow request and the clock of the process).
TOKEN_MARGIN = 300.0


def _token_key(account: Account) -> Tuple[str, ...]:
    # The client id and API base are part of the key: an edited account gets a token of its own.
    public = account.gateway.driver_config().public()
    return (account.source, account.name, str(public.get("client_id", "")), str(public.get("api_base", "")))


def access_token(account: Account, *, now: Optional[Callable[[], float]] = None) -> str:
    """The PayPal REST account's OAuth token: the cached one while it has more than
    :data:`TOKEN_MARGIN` seconds left, else a new one from ``POST /v1/oauth2/token`` through
    :func:`http_client` (the account's ``postback_timeout``). Never logged; a failure raises
    the core's error (``invalid_config`` on ``client_id`` for wrong credentials,
    ``gateway_unavailable`` when PayPal does not answer)."""
    import time

    import hostedpay.paypal_rest

    clock = now or time.monotonic
    key = _token_key(account)
    with _tokens_lock:
        cached = _tokens.get(key)
    if cached is not None and clock() < cached[1]:
        return cached[0]
    request = account.gateway.token_request()
    try:
        reply = http_client()(request, account.postback_timeout)
    except Exception as e:  # noqa: BLE001 - a failing client is "no answer"
        reply = {"error": type(e).__name__}
    token = hostedpay.paypal_rest.parse_token_reply(reply)
    deadline = clock() + max(0.0, float(token.expires_in) - TOKEN_MARGIN)
    value = token.reveal()
    with _tokens_lock:
        _tokens[key] = (value, deadline)
    return value


def forget_access_token(account: Account) -> None:
    """Drops the account's cached token (PayPal answered 401: expired or revoked)."""
    with _tokens_lock:
        _tokens.pop(_token_key(account), None)


def _load() -> Loaded:
    out = Loaded()
    raw = getattr(settings, "VPOS", None)
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        out.problems.append(Problem("vpos.E001", "VPOS must be a dict of gateway name -> settings.",
                                    hint='VPOS = {"flocash": {...}, "redsys": {...}}'))
        raw = {}
    for gw_name, gw_settings in raw.items():
        if gw_name not in GATEWAYS:
            out.problems.append(Problem(
                "vpos.E002", f"VPOS[{gw_name!r}]: hostedpay.django does not know this gateway.",
                hint=f"Known gateways: {', '.join(sorted(GATEWAYS))}."))
            continue
        if not isinstance(gw_settings, Mapping):
            out.problems.append(Problem("vpos.E001", f"VPOS[{gw_name!r}] must be a dict."))
            continue
        _load_gateway(out, gw_name, dict(gw_settings))
    _load_djflocash(out, from_vpos="flocash" in raw)
    if getattr(settings, "FLOCASH_PAYMENT_MODEL", None):
        out.problems.append(Problem(
            "vpos.W002", "FLOCASH_PAYMENT_MODEL is not used by hostedpay.django.",
            hint="Payments are vpos.Payment, or your own model extending "
                 "hostedpay.django.models.AbstractPayment named in VPOS_PAYMENT_MODEL.", error=False))
    return out


def _load_gateway(out: Loaded, gw_name: str, gw_settings: Dict[str, Any]) -> None:
    extra = gw_settings.pop("accounts", None) or {}
    if not isinstance(extra, Mapping):
        out.problems.append(Problem("vpos.E004", f"VPOS[{gw_name!r}]['accounts'] must be a dict of name -> settings."))
        extra = {}
    # The top level is the default account, unless it holds nothing but named accounts.
    if any(k not in HOST_OPTIONS for k in gw_settings):
        _add_account(out, gw_name, DEFAULT_ACCOUNT, gw_settings, f"VPOS[{gw_name!r}]")
    for name, acct in extra.items():
        where = f"VPOS[{gw_name!r}]['accounts'][{name!r}]"
        if not isinstance(name, str) or not ACCOUNT_NAME.match(name) or name == DEFAULT_ACCOUNT:
            out.problems.append(Problem(
                "vpos.E004", f"{where}: account names are 1-64 letters, digits, - or _ (they appear in URLs), "
                             f"and {DEFAULT_ACCOUNT!r} is the top level's."))
            continue
        if not isinstance(acct, Mapping):
            out.problems.append(Problem("vpos.E004", f"{where} must be a dict."))
            continue
        _add_account(out, gw_name, name, dict(acct), where)


def _add_account(out: Loaded, gw_name: str, name: str, values: Dict[str, Any], where: str,
                 source: str = "VPOS", hint_for: Optional[Callable[[Optional[str]], str]] = None) -> None:
    options = {k: values.pop(k) for k in HOST_OPTIONS if k in values}
    live = options.get("live", True)
    timeout = options.get("postback_timeout", DEFAULT_POSTBACK_TIMEOUT)
    rest_timeout = options.get("rest_timeout", DEFAULT_REST_TIMEOUT)
    prefix = options.get("order_prefix", "")
    ok = True
    if not isinstance(live, bool):
        out.problems.append(Problem("vpos.E005", f"{where}['live'] must be True or False."))
        ok = False
    for key, value in (("postback_timeout", timeout), ("rest_timeout", rest_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 300:
            out.problems.append(Problem("vpos.E005", f"{where}[{key!r}] must be a number of seconds in (0, 300]."))
            ok = False
    if not isinstance(prefix, str) or len(prefix) > 4 or not all(c in "0123456789" for c in prefix):
        out.problems.append(Problem("vpos.E005", f"{where}['order_prefix'] must be a string of at most 4 digits."))
        ok = False
    flags = {key: options.get(key, True) for key in CAPABILITY_OPTIONS}
    for key, value in flags.items():
        if not isinstance(value, bool):
            out.problems.append(Problem("vpos.E005", f"{where}[{key!r}] must be True or False."))
            ok = False
    try:
        gateway = GATEWAYS[gw_name](values)
    except hostedpay.VposError as e:
        hint = hint_for(e.field) if hint_for else (f"Set {where}[{e.field!r}]." if e.field else None)
        out.problems.append(Problem("vpos.E003", f"{where}: {e.message} ({e.code})", hint=hint))
        out.broken[(gw_name, name)] = e
        return
    except (TypeError, OverflowError) as e:
        out.problems.append(Problem("vpos.E003", f"{where}: {e}"))
        out.broken[(gw_name, name)] = hostedpay.ConfigError("invalid_config", str(e))
        return
    if live is True:
        _check_server_urls(out, gw_name, values, where)
    if ok:
        out.accounts[(gw_name, name)] = Account(gw_name, name, gateway, live, float(timeout), source,
                                                float(rest_timeout), prefix, **flags)
    else:
        out.broken[(gw_name, name)] = hostedpay.ConfigError("invalid_config", f"{where}: invalid host options")


def short_token_hint(where: str) -> str:
    """vpos.E003's hint for a notification token the core refuses (shorter than
    ``hostedpay.flocash.MIN_TOKEN_LEN``, or holding characters a URL segment cannot)."""
    return (f"Generate a new token of at least {hostedpay.flocash.MIN_TOKEN_LEN} letters, digits or -_.~ "
            "(python -c \"import secrets; print(secrets.token_urlsafe(32))\"), set it in "
            f"{where} AND in FloCash's back office, in the notify URL it calls "
            "(.../notification/<token>/ or .../flocash/<account>/<token>/): the old URL stops answering.")


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_server_urls(out: Loaded, gw_name: str, values: Mapping[str, Any], where: str) -> None:
    """vpos.E010: a live account posts back (or calls the API) over plain http:// to another
    machine, where anyone on the way can answer VERIFIED or read the credentials. Loopback
    (a local sandbox) is allowed: that traffic never leaves the machine."""
    from urllib.parse import urlsplit

    for path in SERVER_URL_KEYS.get(gw_name, ()):
        value: Any = values
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if not isinstance(value, str):
            continue
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
        except ValueError:
            continue  # the core reports a malformed URL (vpos.E003)
        if parts.scheme.lower() == "http" and not _is_loopback(host):
            name = "".join(f"[{key!r}]" for key in path)
            out.problems.append(Problem(
                "vpos.E010", f"{where}{name} is an http:// URL on a live account: vpos calls it, and a "
                             f"plain-text answer can be forged on the way.",
                hint="Use the gateway's https:// URL, or set 'live': False for a test account."))


def _load_djflocash(out: Loaded, from_vpos: bool) -> None:
    present = {s: getattr(settings, s) for s in FLOCASH_SETTINGS if getattr(settings, s, None) is not None}
    if not present:
        return
    if from_vpos:
        out.problems.append(Problem(
            "vpos.W001", "Both VPOS['flocash'] and FLOCASH_* settings are set; the FLOCASH_* ones are ignored.",
            hint="Remove the FLOCASH_* settings once VPOS['flocash'] is complete.", error=False))
        return
    values = {key: present[s] for s, key in FLOCASH_SETTINGS.items() if s in present}
    payment_uri = getattr(settings, "FLOCASH_PAYMENT_URI", None)
    if "checkout_url" not in values and payment_uri and isinstance(values.get("base_url"), str):
        values["checkout_url"] = urljoin(values["base_url"], payment_uri)
    # djflocash's projects never named the checkout URL (its forms posted to FloCash's live
    # one): the same default here. VPOS["flocash"] must still name it.
    values.setdefault("checkout_url", FLOCASH_LIVE_CHECKOUT_URL)
    by_key = {key: s for s, key in FLOCASH_SETTINGS.items()}

    def hint(key: Optional[str]) -> str:
        if key == "checkout_url":
            return (f"Set FLOCASH_CHECKOUT_URL (FloCash production: {FLOCASH_LIVE_CHECKOUT_URL}), "
                    "or FLOCASH_PAYMENT_URI to join with FLOCASH_BASE_URL.")
        if key == "notification_token":
            return short_token_hint("FLOCASH_NOTIFICATION_TOKEN")
        return f"Set {by_key.get(key or '', 'the FLOCASH_* settings')}."

    _add_account(out, "flocash", DEFAULT_ACCOUNT, values, "FLOCASH_* settings", source="FLOCASH_*", hint_for=hint)

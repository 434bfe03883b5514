"""System checks: missing or malformed gateway settings fail ``manage.py check`` at start-up.

Ids: ``vpos.E001`` VPOS not a dict; ``E002`` unknown gateway; ``E003`` a gateway config the
core refuses (the message names the key); ``E004`` bad ``accounts``; ``E005`` bad host option
(``live``, ``postback_timeout``, ``rest_timeout``, ``order_prefix``, ``partial_refunds``,
``total_refunds``, ``preauthorisation``); ``E006`` bad ``VPOS_PAYMENT_MODEL``; ``E007`` bad
``VPOS_HTTP_CLIENT``; ``W001`` both VPOS and FLOCASH_* set; ``W002`` FLOCASH_PAYMENT_MODEL set;
``W003`` no gateway account configured; ``E008`` a malformed ``VPOS_ENCRYPTION_KEYS`` (the keys
of database accounts' secrets); ``E009`` a malformed ``VPOS_FLOCASH_POLLING`` (``vpos_reconcile``);
``E010`` an ``http://`` URL that vpos calls (FloCash ``base_url``, Redsys ``rest_url`` and ``query_url``, PayPal
``ipn_url`` and ``nvp.api_url``, Elavon ``remote_url``, Bitpay ``api_url``, CECA ``refund_url``, PayPal REST ``api_base``) on a live account
of the settings, unless it is the machine itself (``localhost``, ``127.0.0.1``, ``::1``);
``E011`` ``VPOS_ENCRYPTION_KEYS`` set (database accounts are used) but ``cryptography`` not
installed (``pip install "hostedpay[django]"``); ``W004`` a ``notification_token`` still the README's
placeholder (``change-me-to-a-long-random-token``). A refused ``notification_token`` (too short,
or not a URL segment) gets a hint saying what to change where (settings and FloCash's back office).

``E003`` lists every bad key of every account in one run (the core's
``hostedpay.account.config_errors``), and a key the gateway does not know gets the closest known
name as its hint (``'merchnt'`` -> ``'merchant'``).
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from typing import Any, Dict, Iterator, List, Optional, Tuple

from django.apps import apps
from django.conf import settings
from django.core import checks

import hostedpay.account
from hostedpay.django import conf

#: The token of the README's quick start. Copied verbatim it is public: anyone can post to the
#: notification URL and fill the stored notifications (the post-back still decides the payment).
PLACEHOLDER_TOKEN = "change-me-to-a-long-random-token"
#: The core's unknown-key message lists the keys it knows: "expected one of `a`, `b`".
_KNOWN_KEYS = re.compile(r"expected one of (.*)$")


@checks.register(checks.Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """Validates VPOS / FLOCASH_* through the core."""
    loaded = conf.load()
    every = dict(_every_config_error())
    messages: List[checks.CheckMessage] = []
    for p in loaded.problems:
        where = p.msg.split(": ", 1)[0]  # conf writes an E003 as "<where>: <the core's message>"
        if p.id == "vpos.E003" and where in every:
            # The core stopped at the first bad key; report them all, once, in its place.
            messages.extend(every.pop(where))
            continue
        cls = checks.Error if p.error else checks.Warning
        messages.append(cls(p.msg, hint=p.hint, id=p.id))
    messages.extend(_placeholder_tokens())
    if not loaded.accounts and not loaded.broken and not loaded.problems:
        messages.append(checks.Warning(
            "No payment gateway is configured for hostedpay.django.",
            hint='Add VPOS = {"flocash": {...}} to your settings (see the vpos README).',
            id="vpos.W003"))
    return messages


@checks.register(checks.Tags.models)
def check_payment_model(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """VPOS_PAYMENT_MODEL names an installed model extending AbstractPayment."""
    from hostedpay.django.models import AbstractPayment

    label = conf.payment_model_label()
    try:
        model = apps.get_model(label, require_ready=False)
    except (ValueError, LookupError) as e:
        return [checks.Error(f"VPOS_PAYMENT_MODEL = {label!r} is not an installed model ({e}).",
                             hint="Use 'app_label.ModelName'.", id="vpos.E006")]
    if not issubclass(model, AbstractPayment):
        return [checks.Error(f"VPOS_PAYMENT_MODEL = {label!r} does not extend hostedpay.django.models.AbstractPayment.",
                             id="vpos.E006")]
    return []


@checks.register()
def check_http_client(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """VPOS_HTTP_CLIENT, when set, imports to a callable."""
    path = getattr(settings, "VPOS_HTTP_CLIENT", None)
    if not path:
        return []
    try:
        client = conf.http_client()
    except ImportError as e:
        return [checks.Error(f"VPOS_HTTP_CLIENT = {path!r} cannot be imported ({e}).", id="vpos.E007")]
    if not callable(client):
        return [checks.Error(f"VPOS_HTTP_CLIENT = {path!r} is not callable.", id="vpos.E007")]
    return []


@checks.register(checks.Tags.compatibility)
def check_flocash_polling(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """VPOS_FLOCASH_POLLING, when set, is what ``vpos_reconcile`` can use (checked by the core)."""
    if not getattr(settings, "VPOS_FLOCASH_POLLING", None):
        return []
    try:
        conf.flocash_polling()
    except conf.PollingSettingsError as e:
        return [checks.Error(str(e), hint="See the vpos README, 'Reconciling lost FloCash notifications'.",
                             id="vpos.E009")]
    return []


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """VPOS_ENCRYPTION_KEYS, when set, holds Fernet keys (the message never shows one)."""
    from django.core.exceptions import ImproperlyConfigured

    from hostedpay.django import crypto

    if not crypto.configured_keys() or not _importable("cryptography.fernet"):
        return []  # without cryptography the keys cannot be read: vpos.E011 says so
    try:
        crypto.check_keys()
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), hint="Generate one with cryptography.fernet.Fernet.generate_key().",
                             id="vpos.E008")]
    return []


def _vpos_accounts() -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    """(gateway, where, the keys handed to the core) of every well-shaped account of ``VPOS``,
    walked as :mod:`hostedpay.django.conf` walks it (its shape errors are reported there)."""
    raw = getattr(settings, "VPOS", None)
    if not isinstance(raw, dict):
        return
    for gw, gw_settings in raw.items():
        if gw not in conf.GATEWAYS or not isinstance(gw_settings, dict):
            continue
        top = {k: v for k, v in gw_settings.items() if k != "accounts"}
        if any(k not in conf.HOST_OPTIONS for k in top):
            yield gw, f"VPOS[{gw!r}]", top
        named = gw_settings.get("accounts")
        for name, acct in (named.items() if isinstance(named, dict) else ()):
            if isinstance(name, str) and conf.ACCOUNT_NAME.match(name) and isinstance(acct, dict):
                yield gw, f"VPOS[{gw!r}]['accounts'][{name!r}]", dict(acct)


def _every_config_error() -> Iterator[Tuple[str, List[checks.CheckMessage]]]:
    """vpos.E003 for every bad key of each account (where -> its errors), through the core."""
    for gw, where, values in _vpos_accounts():
        config = {k: v for k, v in values.items() if k not in conf.HOST_OPTIONS}
        try:
            errors = hostedpay.account.config_errors(gw, config)
        except (TypeError, OverflowError):
            continue  # not JSON-like: conf's own E003 says so
        found = [_config_error(where, e, top_level=where.count("[") == 1) for e in errors]
        if found:
            yield where, found


def _config_error(where: str, e: Any, top_level: bool) -> checks.CheckMessage:
    field: Optional[str] = getattr(e, "field", None)
    # The core names a nested key by its path ("nvp.api_url"): shown as the settings spell it.
    path = field.split(".") if field else []
    key = "".join(f"[{part!r}]" for part in path)
    message = str(getattr(e, "message", e))
    known = _KNOWN_KEYS.search(message)
    if path and known:
        # A key the gateway does not know: most often a typo of one it does.
        names = re.findall(r"`([^`]+)`", known.group(1))
        if len(path) == 1:
            names += list(conf.HOST_OPTIONS) + (["accounts"] if top_level else [])
        close = difflib.get_close_matches(path[-1], names, n=1)
        hint = (f"Did you mean {close[0]!r}?" if close
                else "The keys it knows: " + ", ".join(repr(n) for n in names) + ".")
        return checks.Error(f"{where}{key} is not a setting of this gateway ({e.code}).", hint=hint,
                            id="vpos.E003")
    message = message.removeprefix("configuration ")  # the where says it
    set_it: Optional[str] = f"Set {where}{key}." if path else None
    if path == ["notification_token"]:
        set_it = conf.short_token_hint(f"{where}{key}")
    return checks.Error(f"{where}: {message} ({e.code})", hint=set_it, id="vpos.E003")


def _placeholder_tokens() -> List[checks.CheckMessage]:
    """vpos.W004: a notification token copied from the README."""
    found = [where for gw, where, values in _vpos_accounts()
             if values.get("notification_token") == PLACEHOLDER_TOKEN]
    if getattr(settings, "FLOCASH_NOTIFICATION_TOKEN", None) == PLACEHOLDER_TOKEN:
        found.append("FLOCASH_NOTIFICATION_TOKEN")
    return [checks.Warning(
        f"{where} notification_token is the README's placeholder, {PLACEHOLDER_TOKEN!r}.",
        hint="Anyone who read the README knows it: use a long random one, e.g. "
             "python -c \"import secrets; print(secrets.token_urlsafe(32))\".",
        id="vpos.W004") for where in found]


@checks.register(checks.Tags.security)
def check_cryptography(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """vpos.E011: database accounts are used (``VPOS_ENCRYPTION_KEYS`` is set) but their
    secrets cannot be encrypted or read: ``cryptography`` is not installed."""
    from hostedpay.django import crypto

    if not crypto.configured_keys() or _importable("cryptography.fernet"):
        return []
    return [checks.Error(
        f"{crypto.SETTING} is set (database merchant accounts) but the 'cryptography' package is not "
        "installed: saving or using a database account fails.",
        hint='Install hostedpay with its Django dependencies: pip install "hostedpay[django]" '
             '(or pip install "cryptography>=42").',
        id="vpos.E011")]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False

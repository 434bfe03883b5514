"""System checks: missing or malformed gateway settings fail ``manage.py check`` at start-up.

Ids: ``vpos.E001`` VPOS not a dict; ``E002`` unknown gateway; ``E003`` a gateway config the
core refuses (the message names the key); ``E004`` bad ``accounts``; ``E005`` bad host option
(``live``, ``postback_timeout``, ``rest_timeout``, ``order_prefix``, ``partial_refunds``,
``total_refunds``, ``preauthorisation``); ``E006`` bad ``VPOS_PAYMENT_MODEL``; ``E007`` bad
``VPOS_HTTP_CLIENT``; ``W001`` both VPOS and FLOCASH_* set; ``W002`` FLOCASH_PAYMENT_MODEL set;
``W003`` no gateway account configured; ``E008`` a malformed ``VPOS_ENCRYPTION_KEYS`` (the keys
of database accounts' secrets); ``E009`` a malformed ``VPOS_FLOCASH_POLLING`` (``vpos_reconcile``);
``E010`` an ``http://`` URL that vpos calls (FloCash ``base_url``, Redsys ``rest_url``, PayPal
``ipn_url`` and ``nvp.api_url``, Elavon ``remote_url``, Bitpay ``api_url``) on a live account
of the settings, unless it is the machine itself (``localhost``, ``127.0.0.1``, ``::1``).
"""

from __future__ import annotations

from typing import Any, List

from django.apps import apps
from django.conf import settings
from django.core import checks

from vpos.django import conf


@checks.register(checks.Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """Validates VPOS / FLOCASH_* through the core."""
    loaded = conf.load()
    messages: List[checks.CheckMessage] = []
    for p in loaded.problems:
        cls = checks.Error if p.error else checks.Warning
        messages.append(cls(p.msg, hint=p.hint, id=p.id))
    if not loaded.accounts and not loaded.broken and not loaded.problems:
        messages.append(checks.Warning(
            "No payment gateway is configured for vpos.django.",
            hint='Add VPOS = {"flocash": {...}} to your settings (see the vpos README).',
            id="vpos.W003"))
    return messages


@checks.register(checks.Tags.models)
def check_payment_model(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    """VPOS_PAYMENT_MODEL names an installed model extending AbstractPayment."""
    from vpos.django.models import AbstractPayment

    label = conf.payment_model_label()
    try:
        model = apps.get_model(label, require_ready=False)
    except (ValueError, LookupError) as e:
        return [checks.Error(f"VPOS_PAYMENT_MODEL = {label!r} is not an installed model ({e}).",
                             hint="Use 'app_label.ModelName'.", id="vpos.E006")]
    if not issubclass(model, AbstractPayment):
        return [checks.Error(f"VPOS_PAYMENT_MODEL = {label!r} does not extend vpos.django.models.AbstractPayment.",
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

    from vpos.django import crypto

    if not crypto.configured_keys():
        return []
    try:
        crypto.check_keys()
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), hint="Generate one with cryptography.fernet.Fernet.generate_key().",
                             id="vpos.E008")]
    return []

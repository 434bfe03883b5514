"""Secrets at rest: the secret values of database accounts, encrypted with Fernet.

``VPOS_ENCRYPTION_KEYS`` is a list of Fernet keys (or one key), newest first: the first
encrypts, every one decrypts, so a new key goes in front and the old one stays until
:func:`rotate_all` (or ``MerchantAccount.objects.rotate_secrets()``) has re-encrypted every
account with it::

    VPOS_ENCRYPTION_KEYS = [os.environ["VPOS_KEY_2026"], os.environ["VPOS_KEY_2025"]]

Make a key with ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
Keep keys out of the database (environment variables, a secrets manager): a dump of the
database alone must not give the merchant keys away.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "VPOS_ENCRYPTION_KEYS"


def configured_keys() -> List[str]:
    """The keys from the setting, newest first ([] when unset)."""
    raw = getattr(settings, SETTING, None)
    if not raw:
        return []
    if isinstance(raw, (str, bytes)) or not isinstance(raw, (list, tuple)):
        raw = [raw]
    return [k.decode("ascii", "replace") if isinstance(k, bytes) else k for k in raw]


def _fernet() -> Any:
    """The ``cryptography.fernet`` module, or ``ImproperlyConfigured`` saying how to get it (the
    admin shows that as a form error; a bare ``ImportError`` was a 500 with nothing logged)."""
    try:
        from cryptography import fernet
    except ImportError:
        raise ImproperlyConfigured(
            "database merchant accounts keep their secrets encrypted with the 'cryptography' package, "
            'which is not installed: pip install "hostedpay[django]" (or "cryptography>=42").'
        ) from None
    return fernet


def _multi() -> Any:
    keys = configured_keys()
    if not keys:
        raise ImproperlyConfigured(f"{SETTING} is not set: database accounts keep their secrets encrypted "
                                   "with it (a list of Fernet keys, newest first).")
    fernet = _fernet()
    Fernet, MultiFernet = fernet.Fernet, fernet.MultiFernet
    fernets = []
    for i, key in enumerate(keys):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # Never echo the value: it is the key.
            raise ImproperlyConfigured(f"{SETTING}[{i}] is not a Fernet key (32 url-safe base64 bytes).") from None
    return MultiFernet(fernets)


def check_keys() -> None:
    """Raises ``ImproperlyConfigured`` when the keys are missing or malformed."""
    _multi()


def encrypt(values: Dict[str, Any]) -> str:
    """``values`` as JSON, encrypted with the newest key (a Fernet token, text)."""
    return _multi().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


class Undecryptable(ValueError):
    """None of the configured keys opens a stored token (a key was dropped too early)."""


def decrypt(token: str) -> Dict[str, Any]:
    """The values of a token made by :func:`encrypt`, with any configured key."""
    if not token:
        return {}
    InvalidToken = _fernet().InvalidToken
    try:
        return json.loads(_multi().decrypt(token.encode()))
    except InvalidToken:
        raise Undecryptable(f"no key in {SETTING} decrypts these secrets") from None


def rotate(token: str) -> str:
    """The same secrets, re-encrypted with the newest key."""
    if not token:
        return token
    InvalidToken = _fernet().InvalidToken
    try:
        return _multi().rotate(token.encode()).decode()
    except InvalidToken:
        raise Undecryptable(f"no key in {SETTING} decrypts these secrets") from None

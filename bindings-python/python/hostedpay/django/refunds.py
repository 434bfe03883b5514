"""Operations on a payment: :mod:`hostedpay.django.services.operations`, under its old name.

``operate``, ``refund``, ``capture``, ``release`` and ``charge_stored_credential`` are the
same functions; the per-gateway adapters (``GATEWAYS``, ``KIND_TARGET``, ``CAPTURE``,
``RELEASE``) are gone: the core's driver decides what each gateway asks and quotes.
"""

from __future__ import annotations

from hostedpay.django.services.operations import (
    capture,
    charge_stored_credential,
    operate,
    refund,
    release,
)

__all__ = ["operate", "refund", "capture", "release", "charge_stored_credential"]

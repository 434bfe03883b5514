"""Exact money: integer minor units and an ISO 4217 currency (mirrors ``vpos_core::money``).

Amounts are dicts in the core's JSON shape, ``{"minor": 2345, "currency": "EUR", "value":
"23.45"}``. Give values as ``decimal.Decimal``, exact strings or ``int``; a ``float`` raises
``TypeError``. ``"12.345"`` EUR raises :class:`hostedpay.AmountError` (``amount_precision``); it is
never rounded.
"""

from __future__ import annotations

from hostedpay._hostedpay import money as _native

parse = _native.parse
from_minor = _native.from_minor
currency = _native.currency
currency_by_numeric = _native.currency_by_numeric
currencies = _native.currencies

__all__ = ["parse", "from_minor", "currency", "currency_by_numeric", "currencies", "to_decimal"]


def to_decimal(amount):
    """The amount's exact value as a ``decimal.Decimal`` (``Decimal("23.45")``)."""
    from decimal import Decimal

    return Decimal(amount["value"])

"""vpos: payment gateways from one Rust core.

The core builds the redirect form, parses and verifies notifications and decides every state
change; this package is a thin binding to it. Money is exact (``decimal.Decimal`` or strings,
never floats), every failure is a :class:`VposError` with a stable ``code``, and secrets never
appear in ``repr`` or messages. The Django app is :mod:`vpos.django`.
"""

from vpos._vpos import __version__, error_codes
from vpos.errors import (
    AmountError,
    ConfigError,
    ConsistencyError,
    GatewayError,
    ParseError,
    UnsupportedError,
    VerificationError,
    VposError,
)
from vpos import account, bitpay, ceca, driver, elavon, flocash, http, money, paypal, redsys, state
from vpos.state import PAYMENT_STATUSES, transition

__all__ = [
    "__version__",
    "error_codes",
    "VposError",
    "ParseError",
    "AmountError",
    "ConfigError",
    "VerificationError",
    "ConsistencyError",
    "GatewayError",
    "UnsupportedError",
    "account",
    "driver",
    "flocash",
    "redsys",
    "paypal",
    "ceca",
    "elavon",
    "bitpay",
    "http",
    "money",
    "state",
    "transition",
    "PAYMENT_STATUSES",
]

"""hostedpay: payment gateways from one Rust core.

The core builds the redirect form, parses and verifies notifications and decides every state
change; this package is a thin binding to it. Money is exact (``decimal.Decimal`` or strings,
never floats), every failure is a :class:`VposError` with a stable ``code``, and secrets never
appear in ``repr`` or messages. The Django app is :mod:`hostedpay.django`.
"""

from hostedpay._hostedpay import __version__, error_codes
from hostedpay.errors import (
    AmountError,
    ConfigError,
    ConsistencyError,
    GatewayError,
    ParseError,
    UnsupportedError,
    VerificationError,
    VposError,
)

# The submodules load on first use (PEP 562): a host that uses one gateway does not pay for the
# other five at `import hostedpay` (budget: 5 ms, docs/performance.md). `hostedpay.redsys`,
# `from hostedpay import redsys` and `import hostedpay.redsys` work as if they had been imported here.
_SUBMODULES = frozenset(
    ("account", "bitpay", "ceca", "driver", "elavon", "flocash", "http", "money", "paypal", "paypal_rest", "redsys", "state")
)
_FROM_STATE = frozenset(("PAYMENT_STATUSES", "transition"))


def __getattr__(name: str) -> object:
    if name in _SUBMODULES or name in _FROM_STATE:
        from importlib import import_module

        module = import_module("hostedpay." + (name if name in _SUBMODULES else "state"))
        value = module if name in _SUBMODULES else getattr(module, name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value
    raise AttributeError(f"module 'hostedpay' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | _SUBMODULES | _FROM_STATE)


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
    "paypal_rest",
    "http",
    "money",
    "state",
    "transition",
    "PAYMENT_STATUSES",
]

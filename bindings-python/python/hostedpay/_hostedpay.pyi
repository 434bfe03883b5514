"""The native module; use the public modules (hostedpay.flocash, hostedpay.redsys, hostedpay.paypal, hostedpay.ceca, hostedpay.elavon, hostedpay.bitpay, hostedpay.paypal_rest, hostedpay.money, hostedpay.state, hostedpay.http, hostedpay.testing)."""

from types import ModuleType
from typing import List

from hostedpay import ErrorCode

__all__ = [
    "error_codes",
    "__version__",
    "account",
    "flocash",
    "redsys",
    "ceca",
    "elavon",
    "bitpay",
    "paypal",
    "paypal_rest",
    "money",
    "state",
    "driver",
    "testing",
    "http",
]

__version__: str

# The native submodules (attributes only: they are not in sys.modules, so `import
# hostedpay._hostedpay.money` fails). Their typed API is the public module of the same name
# (hostedpay.money, hostedpay.flocash, ...), which re-exports them; the .pyi there describe it.
account: ModuleType
flocash: ModuleType
redsys: ModuleType
ceca: ModuleType
elavon: ModuleType
bitpay: ModuleType
paypal: ModuleType
paypal_rest: ModuleType
money: ModuleType
state: ModuleType
driver: ModuleType
testing: ModuleType
http: ModuleType

def error_codes() -> List[ErrorCode]: ...

"""The native module; use the public modules (vpos.flocash, vpos.redsys, vpos.paypal, vpos.ceca, vpos.elavon, vpos.bitpay, vpos.money, vpos.state, vpos.http, vpos.testing)."""

from types import ModuleType
from typing import List

from vpos import ErrorCode

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
    "money",
    "state",
    "driver",
    "testing",
    "http",
]

__version__: str

# The native submodules (attributes only: they are not in sys.modules, so `import
# vpos._vpos.money` fails). Their typed API is the public module of the same name
# (vpos.money, vpos.flocash, ...), which re-exports them; the .pyi there describe it.
account: ModuleType
flocash: ModuleType
redsys: ModuleType
ceca: ModuleType
elavon: ModuleType
bitpay: ModuleType
paypal: ModuleType
money: ModuleType
state: ModuleType
driver: ModuleType
testing: ModuleType
http: ModuleType

def error_codes() -> List[ErrorCode]: ...

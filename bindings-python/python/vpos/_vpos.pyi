"""The native module; use the public modules (vpos.flocash, vpos.redsys, vpos.paypal, vpos.ceca, vpos.elavon, vpos.bitpay, vpos.money, vpos.state, vpos.http)."""

from typing import List

from vpos import ErrorCode

__version__: str

def error_codes() -> List[ErrorCode]: ...

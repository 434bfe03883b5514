from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, type_check_only

from hostedpay.driver import Config
from hostedpay.http import Reply
from hostedpay.state import AmountIn

__all__ = [
    "MODES",
    "STATUSES",
    "FakeGateway",
    "Notification",
    "activate",
    "deactivate",
    "http_client",
    "notification",
]

# Aliases for type checkers only (private: the module has no such names at run time).
_Mode = Literal["verified", "invalid", "timeout", "server_error"]
_Status = Literal["paid", "authorized", "failed", "refunded"]

@type_check_only
class Proof(TypedDict):
    method: Literal["GET", "POST"]
    url: str
    verified: str
    invalid: str

@type_check_only
class TestPayment(TypedDict):
    order_id: str
    amount: AmountIn

MODES: Tuple[_Mode, ...]
STATUSES: Tuple[_Status, ...]

class Notification:
    gateway: str
    account: str
    content_type: str
    body: bytes
    token: Optional[str]
    proof: Optional[Proof]
    def __init__(self, gateway: str, account: str, built: Mapping[str, Any]) -> None: ...
    @property
    def path(self) -> str: ...
    def post(self, client: Any = None, **extra: Any) -> Any: ...

def notification(
    payment: Any,
    status: _Status = "paid",
    *,
    config: Optional[Config] = None,
    account: Optional[str] = None,
    amount: Optional[AmountIn] = None,
    transaction_id: Optional[str] = None,
) -> Notification: ...

class FakeGateway:
    mode: _Mode
    configs: List[Config]
    requests: List[Dict[str, Any]]
    def __init__(self, mode: _Mode = "verified", configs: Sequence[Config] = ()) -> None: ...
    def __call__(self, request: Mapping[str, Any], timeout: float = 10.0) -> Reply: ...

def activate(gateway: FakeGateway) -> None: ...
def deactivate(gateway: FakeGateway) -> None: ...
def http_client(request: Mapping[str, Any], timeout: float = 10.0) -> Reply: ...

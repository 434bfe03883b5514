from typing import Any, Dict, List, Literal, Optional, TypedDict, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, HttpResponse, RedirectForm, Reply
from hostedpay.state import AmountIn, Event, Outcome

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "hash",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "TEST_CHECKOUT_URL",
    "LIVE_CHECKOUT_URL",
    "TEST_REMOTE_URL",
    "LIVE_REMOTE_URL",
]

@type_check_only
class Config(TypedDict, total=False):
    merchant_id: str  # required
    account: str  # required
    secret: str  # required
    rebate_password: Optional[str]
    checkout_url: str  # required
    remote_url: Optional[str]
    response_url: Optional[str]
    currency: Optional[str]
    auto_settle: bool

@type_check_only
class Order(TypedDict):
    order_id: str
    amount: AmountIn
    timestamp: str  # YYYYMMDDHHMMSS, UTC, from the host's clock

@type_check_only
class RemoteOperation(TypedDict, total=False):
    kind: Literal["settle", "void", "rebate"]  # required
    order_id: str  # required
    pasref: str  # required
    authcode: str
    amount: AmountIn  # required
    timestamp: str  # required

@final
class Unverified:
    def untrusted(self) -> Dict[str, Any]: ...
    @property
    def order_id(self) -> str: ...
    @property
    def pasref(self) -> str: ...
    @property
    def result(self) -> str: ...
    @property
    def raw_body(self) -> bytes: ...

@final
class Verified:
    def notification(self) -> Dict[str, Any]: ...
    def event(self) -> Event: ...
    @property
    def order_id(self) -> str: ...

@final
class Gateway:
    def __new__(cls, config: Config, *, validate: bool = True) -> Gateway: ...
    def validate(self) -> None: ...
    def driver_config(self) -> _driver.Config: ...
    @property
    def name(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    def checkout(self, order: Order) -> RedirectForm: ...
    def parse_notification(self, content_type: str, body: bytes) -> Unverified: ...
    def verify(self, notification: Unverified) -> Verified: ...
    def remote_request(self, operation: RemoteOperation) -> HttpRequest: ...
    def parse_remote_response(self, operation: RemoteOperation, reply: Reply) -> Event: ...
    def acknowledge(self, outcome: Outcome) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...

def hash(fields: List[str], secret: str) -> str: ...
def acknowledge(outcome: Outcome) -> HttpResponse: ...
def reject(error: VposError) -> HttpResponse: ...

MAX_BODY_BYTES: int
TEST_CHECKOUT_URL: str
LIVE_CHECKOUT_URL: str
TEST_REMOTE_URL: str
LIVE_REMOTE_URL: str

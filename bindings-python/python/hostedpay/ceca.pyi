from typing import Any, Dict, Literal, TypedDict, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpResponse, RedirectForm
from hostedpay.state import AmountIn, Event, Outcome

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "OK_BODY",
    "TEST_CHECKOUT_URL",
    "LIVE_CHECKOUT_URL",
]

@type_check_only
class Config(TypedDict, total=False):
    merchant_id: str  # required, 9 digits
    acquirer_bin: str  # required, 10 digits
    terminal_id: str  # required, 8 digits
    key: str  # required
    cipher: Literal["SHA2", "SHA1"]
    checkout_url: str  # required
    url_ok: str  # required
    url_nok: str  # required

@type_check_only
class Order(TypedDict, total=False):
    operation: str  # required
    amount: AmountIn  # required
    description: str
    language: str

@final
class Unverified:
    def untrusted(self) -> Dict[str, Any]: ...
    @property
    def operation(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def merchant_id(self) -> str: ...
    @property
    def raw_body(self) -> bytes: ...

@final
class Verified:
    def notification(self) -> Dict[str, Any]: ...
    def event(self) -> Event: ...
    @property
    def operation(self) -> str: ...

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
    def acknowledge(self, outcome: Outcome) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...

def acknowledge(outcome: Outcome) -> HttpResponse: ...
def reject(error: VposError) -> HttpResponse: ...

MAX_BODY_BYTES: int
OK_BODY: str
TEST_CHECKOUT_URL: str
LIVE_CHECKOUT_URL: str

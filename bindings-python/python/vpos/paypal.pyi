from typing import Any, Dict, Optional, TypedDict

from vpos.errors import VposError
from vpos.http import HttpRequest, HttpResponse, RedirectForm, Reply
from vpos.state import AmountIn, Event, Outcome

class NvpCredentials(TypedDict):
    user: str
    password: str
    signature: str
    api_url: str

class Config(TypedDict, total=False):
    business: str  # required
    checkout_url: str  # required
    ipn_url: str  # required
    notify_url: Optional[str]
    return_url: Optional[str]
    cancel_url: Optional[str]
    nvp: Optional[NvpCredentials]

class Order(TypedDict, total=False):
    invoice: str  # required
    item_name: str  # required
    amount: AmountIn  # required
    custom: str
    notify_url: str
    return_url: str
    cancel_url: str

class Unverified:
    def untrusted(self) -> Dict[str, Any]: ...
    @property
    def order_id(self) -> str: ...
    @property
    def txn_id(self) -> str: ...
    @property
    def payment_status(self) -> str: ...
    @property
    def raw_body(self) -> bytes: ...

class Verified:
    def notification(self) -> Dict[str, Any]: ...
    def event(self) -> Event: ...
    @property
    def order_id(self) -> str: ...

class Gateway:
    def __init__(self, config: Config, *, validate: bool = True) -> None: ...
    def validate(self) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    def checkout(self, order: Order) -> RedirectForm: ...
    def parse_notification(self, content_type: str, body: bytes) -> Unverified: ...
    def postback_request(self, notification: Unverified) -> HttpRequest: ...
    def verify_postback(self, notification: Unverified, reply: Reply) -> Verified: ...
    def acknowledge(self, outcome: Outcome) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...

def acknowledge(outcome: Outcome) -> HttpResponse: ...
def reject(error: VposError) -> HttpResponse: ...

MAX_BODY_BYTES: int
LIVE_CHECKOUT_URL: str
SANDBOX_CHECKOUT_URL: str
LIVE_IPN_URL: str
SANDBOX_IPN_URL: str

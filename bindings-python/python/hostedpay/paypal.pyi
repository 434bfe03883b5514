from typing import Any, Dict, List, Optional, Tuple, TypedDict, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, HttpResponse, RedirectForm, Reply
from hostedpay.state import AmountIn, Event, Outcome

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "NvpReply",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "LIVE_CHECKOUT_URL",
    "SANDBOX_CHECKOUT_URL",
    "LIVE_IPN_URL",
    "SANDBOX_IPN_URL",
    "LIVE_NVP_URL",
    "SANDBOX_NVP_URL",
    "NVP_VERSION",
]

@type_check_only
class NvpCredentials(TypedDict):
    user: str
    password: str
    signature: str
    api_url: str

@type_check_only
class Config(TypedDict, total=False):
    business: str  # required
    checkout_url: str  # required
    ipn_url: str  # required
    notify_url: Optional[str]
    return_url: Optional[str]
    cancel_url: Optional[str]
    nvp: Optional[NvpCredentials]

@type_check_only
class Order(TypedDict, total=False):
    invoice: str  # required
    item_name: str  # required
    amount: AmountIn  # required
    custom: str
    notify_url: str
    return_url: str
    cancel_url: str

@type_check_only
class ExpressOrder(TypedDict):
    invoice: str
    amount: AmountIn
    description: str
    return_url: str
    cancel_url: str

@final
class NvpReply:
    @property
    def ack(self) -> str: ...
    @property
    def fields(self) -> List[Tuple[str, str]]: ...
    def get(self, name: str) -> Optional[str]: ...
    def token(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
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
    def postback_request(self, notification: Unverified) -> HttpRequest: ...
    def verify_postback(self, notification: Unverified, reply: Reply) -> Verified: ...
    def acknowledge(self, outcome: Outcome) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...
    def set_express_checkout_request(self, order: ExpressOrder) -> HttpRequest: ...
    def parse_nvp_response(self, reply: Reply) -> NvpReply: ...
    def express_checkout_redirect(self, token: str) -> RedirectForm: ...
    def get_express_checkout_details_request(self, token: str) -> HttpRequest: ...
    def do_express_checkout_payment_request(
        self, token: str, payer_id: str, order: ExpressOrder
    ) -> HttpRequest: ...
    def refund_transaction_request(
        self, transaction_id: str, amount: Optional[AmountIn] = None
    ) -> HttpRequest: ...
    def payment_event(self, invoice: str, reply: NvpReply) -> Event: ...
    def refund_event(self, invoice: str, reply: NvpReply) -> Event: ...

def acknowledge(outcome: Outcome) -> HttpResponse: ...
def reject(error: VposError) -> HttpResponse: ...

MAX_BODY_BYTES: int
LIVE_CHECKOUT_URL: str
SANDBOX_CHECKOUT_URL: str
LIVE_IPN_URL: str
SANDBOX_IPN_URL: str
LIVE_NVP_URL: str
SANDBOX_NVP_URL: str
NVP_VERSION: str

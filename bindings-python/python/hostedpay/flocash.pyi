from typing import Any, Dict, List, Mapping, Optional, Tuple, TypedDict, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, HttpResponse, RedirectForm, Reply
from hostedpay.money import Amount
from hostedpay.state import AmountIn, Event, Outcome, Reported

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "checkout_public",
    "acknowledge",
    "reject",
    "normalize_status",
    "map_status",
    "status_label",
    "STATUS_CODES",
    "FIELDS",
    "MAX_BODY_BYTES",
    "MIN_TOKEN_LEN",
]

@type_check_only
class Config(TypedDict, total=False):
    merchant: str
    merchant_name: str
    checkout_url: str
    base_url: str
    notification_token: str
    image_url: Optional[str]
    return_url: Optional[str]
    cancel_url: Optional[str]
    notify_url: Optional[str]

@type_check_only
class Customer(TypedDict, total=False):
    first_name: str
    last_name: str
    address: str
    city: str
    state: str
    postal_code: str
    email: str
    mobile: str

@type_check_only
class Order(TypedDict, total=False):
    order_id: str
    custom: str
    item_name: str
    item_price: AmountIn
    quantity: int
    amount: AmountIn
    country: str
    payment_option: str
    customer: Customer
    return_url: str
    cancel_url: str
    notify_url: str
    extra: List[Tuple[str, str]]

@type_check_only
class PollConfig(TypedDict, total=False):
    """Merchant Polling: ``namespace`` is the WSDL's targetNamespace (FloCash's guide does not
    print it); ``success_codes`` the Header statusCode values meaning success (none documented)."""
    api_username: str
    api_password: str
    namespace: str
    success_codes: List[str]
    endpoint: str
    merchant_code: str
    element_form: str  # "qualified" (default) or "unqualified"

@type_check_only
class PollReply(TypedDict):
    status_code: str
    status_msg: Optional[str]
    payments: List[Dict[str, Any]]
    events: List[Event]

@final
class Gateway:
    """One FloCash merchant account (validated unless ``validate=False``)."""
    def __new__(cls, config: Mapping[str, Any], *, validate: bool = True) -> Gateway: ...
    def validate(self) -> None: ...
    def driver_config(self) -> _driver.Config: ...
    @property
    def name(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    @property
    def postback_url(self) -> str: ...
    def public_config(self) -> Dict[str, Any]: ...
    def check_token(self, token: str) -> None: ...
    def checkout(self, order: Mapping[str, Any]) -> RedirectForm: ...
    def parse_notification(self, content_type: str, body: bytes) -> Unverified: ...
    def postback_request(self, notification: Unverified) -> HttpRequest: ...
    def verify_postback(self, notification: Unverified, reply: Mapping[str, Any]) -> Verified: ...
    def poll_by_reference_request(self, poll_config: Mapping[str, Any], trace_number: str) -> HttpRequest: ...
    def poll_by_time_request(self, poll_config: Mapping[str, Any], from_time: Any, to_time: Any) -> HttpRequest: ...
    def parse_poll_response(self, poll_config: Mapping[str, Any], reply: Mapping[str, Any]) -> PollReply: ...
    def acknowledge(self, outcome: Outcome) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...
    def refund_request(self, order_id: str, amount: Mapping[str, Any]) -> None: ...

@final
class Unverified:
    """A parsed notification, not yet proven; only ``Gateway.parse_notification`` makes one."""
    def untrusted(self) -> Dict[str, Any]: ...
    @property
    def order_id(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    @property
    def trans_id(self) -> str: ...
    @property
    def status_code(self) -> str: ...
    @property
    def raw_body(self) -> bytes: ...
    @property
    def received_fields(self) -> List[Tuple[str, str]]: ...

@final
class Verified:
    """A notification FloCash confirmed; only ``Gateway.verify_postback`` makes one."""
    def notification(self) -> Dict[str, Any]: ...
    def event(self) -> Event: ...
    @property
    def order_id(self) -> str: ...
    @property
    def merchant(self) -> str: ...

def checkout_public(public_config: Mapping[str, Any], order: Mapping[str, Any]) -> RedirectForm: ...
def acknowledge(outcome: Outcome) -> HttpResponse: ...
def reject(error: VposError) -> HttpResponse: ...
def normalize_status(code: str) -> str: ...
def map_status(code: str) -> Reported: ...
def status_label(code: str) -> Optional[str]: ...

STATUS_CODES: Tuple[Tuple[str, Reported, str], ...]
FIELDS: Tuple[Tuple[str, int], ...]
MAX_BODY_BYTES: int
MIN_TOKEN_LEN: int

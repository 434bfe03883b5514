from typing import Any, Dict, Optional, TypedDict, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, HttpResponse, RedirectForm, Reply
from hostedpay.state import AmountIn, Event, Outcome

__all__ = [
    "Gateway",
    "Invoice",
    "Unverified",
    "Verified",
    "map_status",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "merchant_key_info",
    "sign",
    "verify_signature",
    "pairing_request",
    "parse_pairing_response",
]

@type_check_only
class Config(TypedDict, total=False):
    api_key: str  # the legacy API: this, or token
    token: str  # the current API's POS token
    private_key: str  # merchant facade: 64 hex digits or a PEM
    merchant_token: str  # merchant facade: the token paired with private_key's SIN
    api_url: str  # required
    invoice_url: str  # required
    notification_url: Optional[str]

@type_check_only
class InvoiceRequest(TypedDict, total=False):
    price: AmountIn  # required
    order_id: str  # required
    item_desc: str
    redirect_url: str
    buyer: Buyer

@type_check_only
class Buyer(TypedDict, total=False):
    name: str
    email: str

@type_check_only
class KeyInfo(TypedDict):
    identity: str
    sin: str

@type_check_only
class Pairing(TypedDict):
    token: str
    facade: str
    pairing_code: Optional[str]

@final
class Invoice:
    def to_dict(self) -> Dict[str, Any]: ...
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def url(self) -> Optional[str]: ...

@final
class Unverified:
    def untrusted(self) -> Dict[str, Any]: ...
    @property
    def invoice_id(self) -> str: ...
    @property
    def order_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def raw_body(self) -> bytes: ...

@final
class Verified:
    def notification(self) -> Dict[str, Any]: ...
    def event(self) -> Event: ...

@final
class Gateway:
    def __new__(cls, config: Config, *, validate: bool = True) -> Gateway: ...
    def validate(self) -> None: ...
    def driver_config(self) -> _driver.Config: ...
    @property
    def name(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    def invoice_request(self, request: InvoiceRequest) -> HttpRequest: ...
    def parse_invoice_response(self, reply: Reply) -> Invoice: ...
    def checkout_form(self, invoice: Invoice) -> RedirectForm: ...
    def parse_notification(self, content_type: str, body: bytes) -> Unverified: ...
    def invoice_status_request(self, notification: Unverified) -> HttpRequest: ...
    def verify_invoice(self, notification: Unverified, reply: Reply) -> Verified: ...
    def acknowledge(self, outcome: Outcome) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...

def map_status(status: str) -> str: ...
def acknowledge(outcome: Outcome) -> HttpResponse: ...
def reject(error: VposError) -> HttpResponse: ...

MAX_BODY_BYTES: int
def merchant_key_info(private_key: str) -> KeyInfo: ...
def sign(private_key: str, message: str) -> str: ...
def verify_signature(identity: str, message: str, signature: str) -> None: ...
def pairing_request(api_url: str, private_key: str, pairing_code: Optional[str] = None) -> HttpRequest: ...
def parse_pairing_response(reply: Reply) -> Pairing: ...

from decimal import Decimal
from typing import (
    Any, Dict, List, Literal, Mapping, Optional, Tuple, TypedDict, Union, final, type_check_only,
)

from hostedpay.errors import VposError
from hostedpay.money import Amount

__all__ = [
    "Event",
    "Outcome",
    "transition",
    "allowed",
    "PAYMENT_STATUSES",
]

PaymentStatus = Literal[
    "new", "pending", "authorized", "paid", "failed", "cancelled",
    "partially_refunded", "refunded", "charged_back",
]
Reported = Literal["pending", "authorized", "succeeded", "failed", "cancelled", "unknown"]
Action = Literal["sale", "refund", "chargeback", "cancel", "test"]

@type_check_only
class AmountIn(TypedDict, total=False):
    minor: int
    value: Union[Decimal, str]
    currency: str

@type_check_only
class PaymentSnapshot(TypedDict, total=False):
    gateway: str
    merchant: str
    order_id: str
    amount: AmountIn
    status: PaymentStatus
    live: bool
    refunded_minor: int
    captured_minor: int
    released_minor: int
    multiple_captures: bool
    applied_event_keys: List[str]

@final
class Event:
    """A verified fact about a payment; only ``Verified.event()`` makes one."""
    @property
    def key(self) -> str: ...
    @property
    def gateway(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    @property
    def order_id(self) -> str: ...
    @property
    def transaction_id(self) -> str: ...
    @property
    def amount(self) -> Amount: ...
    @property
    def action(self) -> Action: ...
    @property
    def status(self) -> Reported: ...
    @property
    def status_code(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Outcome:
    """What ``transition`` decided; answer with ``hostedpay.flocash.acknowledge(outcome)``."""
    @property
    def kind(self) -> Literal["applied", "already_applied", "ignored", "rejected"]: ...
    def is_acknowledged(self) -> bool: ...
    @property
    def new_status(self) -> Optional[PaymentStatus]: ...
    @property
    def refunded_minor(self) -> Optional[int]: ...
    @property
    def captured_minor(self) -> Optional[int]: ...
    @property
    def released_minor(self) -> Optional[int]: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def error(self) -> Optional[VposError]: ...
    def to_dict(self) -> Dict[str, Any]: ...

def transition(payment: Mapping[str, Any], event: Event) -> Outcome: ...
def allowed(from_status: PaymentStatus, to_status: PaymentStatus) -> bool: ...

PAYMENT_STATUSES: Tuple[PaymentStatus, ...]

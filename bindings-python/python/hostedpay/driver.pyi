from typing import (
    Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union, final, overload,
    type_check_only,
)

from hostedpay import bitpay, ceca, elavon, flocash, paypal, redsys
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, HttpResponse, RedirectForm, Reply
from hostedpay.state import AmountIn, Event, Outcome, PaymentSnapshot, PaymentStatus

__all__ = [
    "Config",
    "Unverified",
    "Verified",
    "Pending",
    "Answer",
    "Operation",
    "OperationReply",
    "OperationStatus",
    "parse_notification",
    "prove",
    "acknowledge",
    "reject",
    "reject_unread",
    "unknown_account",
    "payment_not_found",
    "max_body_bytes",
    "secret_keys",
    "supported_operations",
    "allowed_operations",
    "check_operation",
    "payment_amounts",
    "operation_request",
    "parse_operation_reply",
    "operation_key",
    "supports_idempotency_key",
    "retry_after",
    "DEFAULT_RETRY_POLICY",
    "Order",
    "checkout",
    "parse_checkout_reply",
    "new_order_id",
    "StatusQuery",
    "StatusReply",
    "supports_status_query",
    "status_query_request",
    "parse_status_reply",
    "GATEWAYS",
    "VERDICTS",
    "OPERATION_KINDS",
]

GatewayName = Literal["flocash", "redsys", "paypal", "ceca", "elavon", "bitpay", "paypal_rest"]
Verdict = Literal[
    "unknown_account",
    "token_mismatch",
    "invalid",
    "unverified",
    "postback_failed",
    "no_payment",
    "applied",
    "already_applied",
    "ignored",
    "rejected",
    "error",
]
OperationKind = Literal["refund", "capture", "release", "charge"]
OperationState = Literal["pending", "succeeded", "failed"]
CofType = Literal["installment", "recurring", "reauthorization", "resubmission", "delayed", "incremental",
                  "no_show", "unscheduled"]

@type_check_only
class Summary(TypedDict):
    gateway: GatewayName
    order_id: str
    transaction_id: str
    status_code: str
    amount: Optional[Dict[str, Any]]

@type_check_only
class PaymentFields(TypedDict, total=False):
    transaction_id: str
    authorisation_code: str
    card_reference: str
    card_expiry: str
    cof_transaction_id: str

GATEWAYS: Tuple[GatewayName, ...]
VERDICTS: Tuple[Verdict, ...]
OPERATION_KINDS: Tuple[OperationKind, ...]

@final
class Config:
    """A merchant account's configuration, whichever gateway it is for (validated)."""
    @overload
    def __new__(cls, gateway_name: Literal["flocash"], config: flocash.Config) -> Config: ...
    @overload
    def __new__(cls, gateway_name: Literal["redsys"], config: redsys.Config) -> Config: ...
    @overload
    def __new__(cls, gateway_name: Literal["paypal"], config: paypal.Config) -> Config: ...
    @overload
    def __new__(cls, gateway_name: Literal["ceca"], config: ceca.Config) -> Config: ...
    @overload
    def __new__(cls, gateway_name: Literal["elavon"], config: elavon.Config) -> Config: ...
    @overload
    def __new__(cls, gateway_name: Literal["bitpay"], config: bitpay.Config) -> Config: ...
    @overload
    def __new__(cls, gateway_name: str, config: Mapping[str, Any]) -> Config: ...
    @staticmethod
    def from_json(config: Mapping[str, Any]) -> Config: ...
    @property
    def gateway(self) -> GatewayName: ...
    @property
    def secret_keys(self) -> List[str]: ...
    def validate(self) -> None: ...
    def public(self) -> Dict[str, Any]: ...

@final
class Unverified:
    @property
    def summary(self) -> Summary: ...
    @property
    def gateway(self) -> GatewayName: ...
    @property
    def raw_body(self) -> bytes: ...
    def untrusted(self) -> Dict[str, Any]: ...

@final
class Verified:
    @property
    def summary(self) -> Summary: ...
    @property
    def gateway(self) -> GatewayName: ...
    @property
    def payment_fields(self) -> PaymentFields: ...
    def event(self) -> Event: ...
    def notification(self) -> Dict[str, Any]: ...

@final
class Pending:
    @property
    def summary(self) -> Summary: ...
    def finish(self, config: Config, reply: Reply) -> Verified: ...

@final
class Answer:
    @property
    def verdict(self) -> Verdict: ...
    @property
    def response(self) -> HttpResponse: ...
    @property
    def payment_fields(self) -> PaymentFields: ...
    @property
    def error(self) -> Optional[VposError]: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Operation:
    def __new__(cls, operation: Mapping[str, Any]) -> Operation: ...
    @staticmethod
    def on_payment(kind: OperationKind, payment: PaymentSnapshot, *, amount: Optional[AmountIn] = None,
                   stored: Optional[Mapping[str, str]] = None, timestamp: str = "") -> Operation: ...
    @staticmethod
    def charge_stored_card(order_id: str, amount: AmountIn, stored: Mapping[str, str],
                           cof_type: CofType = "recurring") -> Operation: ...
    @property
    def kind(self) -> OperationKind: ...
    @property
    def order_id(self) -> str: ...
    @property
    def amount(self) -> Dict[str, Any]: ...
    @property
    def idempotency_key(self) -> str: ...
    def with_idempotency_key(self, key: str) -> Operation: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class OperationReply:
    def event(self) -> Event: ...
    @property
    def payment_fields(self) -> PaymentFields: ...
    def fields_to_store(self, outcome: Outcome) -> PaymentFields: ...

@final
class OperationStatus:
    @staticmethod
    def after_reply(kind: OperationKind, event: Event, outcome: Outcome) -> OperationStatus: ...
    @staticmethod
    def after_error(error: VposError) -> OperationStatus: ...
    @property
    def state(self) -> OperationState: ...
    @property
    def code(self) -> Optional[str]: ...

def parse_notification(config: Config, content_type: str, body: bytes, *, query: str = "",
                       token: Optional[str] = None, headers: Optional[Sequence[Tuple[str, str]]] = None,
                       now_unix: Optional[int] = None) -> Unverified: ...
def prove(config: Config, unverified: Unverified) -> Union[Verified, Tuple[HttpRequest, Pending]]: ...
def acknowledge(config: Config, verified: Verified, outcome: Outcome) -> Answer: ...
def reject(gateway_name: str, error: VposError) -> Answer: ...
def reject_unread(gateway_name: str) -> Answer: ...
def unknown_account(gateway_name: str) -> Answer: ...
def payment_not_found(gateway_name: str, order_id: str) -> Answer: ...
def max_body_bytes(gateway_name: str) -> int: ...
def secret_keys(gateway_name: str) -> List[str]: ...
def supported_operations(gateway_name: str) -> List[OperationKind]: ...
def allowed_operations(status: PaymentStatus) -> List[OperationKind]: ...
def check_operation(payment: PaymentSnapshot, kind: OperationKind, amount_minor: int,
                    in_flight_minor: int = 0) -> None: ...
@type_check_only
class PaymentAmounts(TypedDict):
    captured_minor: int
    capturable_minor: int
    refundable_minor: int
    operations: List[OperationKind]
def payment_amounts(payment: PaymentSnapshot) -> PaymentAmounts: ...
def operation_request(config: Config, operation: Operation) -> HttpRequest: ...
def parse_operation_reply(config: Config, operation: Operation, reply: Reply) -> OperationReply: ...

@type_check_only
class RetryPolicy(TypedDict, total=False):
    max_attempts: int
    base_delay_ms: int
    max_delay_ms: int

def operation_key(gateway_name: str, merchant: str, order_id: str, kind: OperationKind, sequence: int) -> str: ...
def supports_idempotency_key(gateway_name: str) -> bool: ...
# failure: "not_sent" (the request never left), "no_answer", "refused", or the reply the core
# could not use.
def retry_after(gateway_name: str, attempt: int, failure: Union[Literal["not_sent", "no_answer", "refused"], Reply],
                policy: Optional[RetryPolicy] = None) -> Optional[int]: ...

DEFAULT_RETRY_POLICY: RetryPolicy

# Checkout (the core's driver::Order, checkout, parse_checkout_reply, new_order_id).
@final
class Order:
    """A checkout order, whichever gateway it is for."""
    def __new__(cls, gateway_name: str, order: Mapping[str, Any]) -> Order: ...
    @staticmethod
    def from_json(order: Mapping[str, Any]) -> Order: ...
    @staticmethod
    def for_payment(gateway_name: str, request: Mapping[str, Any]) -> Order: ...
    @property
    def gateway(self) -> GatewayName: ...
    @property
    def is_preauthorisation(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...

def checkout(config: Config, order: Order) -> Union[RedirectForm, HttpRequest]: ...
def parse_checkout_reply(config: Config, reply: Reply) -> Tuple[RedirectForm, str]: ...
def new_order_id(gateway_name: str, prefix: str, random: bytes) -> Optional[str]: ...

# Status queries (the core's driver::StatusQuery, status_query_request, parse_status_reply).
@final
class StatusQuery:
    """What the host knows of the payment it asks the gateway about."""
    def __new__(cls, query: Mapping[str, Any]) -> StatusQuery: ...
    @staticmethod
    def on_payment(payment: PaymentSnapshot, *, stored: Optional[Mapping[str, str]] = None,
                   reference: str = "", timestamp: str = "") -> StatusQuery: ...
    @property
    def order_id(self) -> str: ...
    @property
    def transaction_id(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def amount(self) -> Dict[str, Any]: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class StatusReply:
    """What the gateway's answer to a status query says."""
    @property
    def found(self) -> bool: ...
    def events(self) -> List[Event]: ...
    @property
    def payment_fields(self) -> PaymentFields: ...
    def fields_to_store(self, event: Event, outcome: Outcome) -> PaymentFields: ...

def supports_status_query(gateway_name: str) -> bool: ...
def status_query_request(config: Config, query: Union[StatusQuery, Mapping[str, Any]]) -> HttpRequest: ...
def parse_status_reply(config: Config, query: Union[StatusQuery, Mapping[str, Any]], reply: Reply) -> StatusReply: ...

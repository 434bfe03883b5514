"""Type stubs for hostedpay (the native parts are in hostedpay._hostedpay)."""

from typing import List, Literal, Tuple

from hostedpay import account as account, bitpay as bitpay, ceca as ceca, driver as driver, elavon as elavon, flocash as flocash, http as http, money as money, paypal as paypal, paypal_rest as paypal_rest, redsys as redsys, state as state
from hostedpay.errors import (
    AmountError as AmountError,
    ConfigError as ConfigError,
    ConsistencyError as ConsistencyError,
    GatewayError as GatewayError,
    ParseError as ParseError,
    UnsupportedError as UnsupportedError,
    VerificationError as VerificationError,
    VposError as VposError,
)
from hostedpay.state import PaymentStatus, transition as transition

__all__ = [
    "__version__",
    "error_codes",
    "VposError",
    "ParseError",
    "AmountError",
    "ConfigError",
    "VerificationError",
    "ConsistencyError",
    "GatewayError",
    "UnsupportedError",
    "account",
    "driver",
    "flocash",
    "redsys",
    "paypal",
    "ceca",
    "elavon",
    "bitpay",
    "paypal_rest",
    "http",
    "money",
    "state",
    "transition",
    "PAYMENT_STATUSES",
]

__version__: str

#: Every stable error code of the core, in catalogue order (tests check it equals error_codes()).
ErrorCode = Literal[
    "field_missing",
    "field_too_long",
    "field_invalid",
    "duplicate_field",
    "body_too_large",
    "invalid_utf8",
    "invalid_encoding",
    "unsupported_content_type",
    "amount_syntax",
    "amount_precision",
    "amount_negative",
    "amount_overflow",
    "unknown_currency",
    "invalid_config",
    "token_mismatch",
    "postback_invalid",
    "postback_failed",
    "gateway_mismatch",
    "merchant_mismatch",
    "order_mismatch",
    "amount_mismatch",
    "currency_mismatch",
    "refund_exceeds_amount",
    "invalid_transition",
    "unsupported",
    "signature_mismatch",
    "unsupported_signature_version",
    "gateway_error",
    "gateway_unavailable",
    "payment_not_found",
    "gateway_not_built",
]

def error_codes() -> List[ErrorCode]: ...

PAYMENT_STATUSES: Tuple[PaymentStatus, ...]

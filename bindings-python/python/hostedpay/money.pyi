from decimal import Decimal
from typing import List, TypedDict, Union, type_check_only

__all__ = [
    "parse",
    "from_minor",
    "currency",
    "currency_by_numeric",
    "currencies",
    "to_decimal",
]

@type_check_only
class Amount(TypedDict):
    minor: int
    currency: str
    value: str

@type_check_only
class CurrencyInfo(TypedDict):
    code: str
    numeric: int
    exponent: int
    name: str

#: Exact inputs only: a float raises TypeError.
ExactValue = Union[Decimal, str, int]

def parse(value: ExactValue, currency: str) -> Amount: ...
def from_minor(minor: int, currency: str) -> Amount: ...
def currency(code: str) -> CurrencyInfo: ...
def currency_by_numeric(numeric: int) -> CurrencyInfo: ...
def currencies() -> List[CurrencyInfo]: ...
def to_decimal(amount: Amount) -> Decimal: ...

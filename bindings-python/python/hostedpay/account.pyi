from typing import Any, Dict, List, Mapping

from hostedpay.errors import VposError

__all__ = [
    "ENVIRONMENTS",
    "config_errors",
    "endpoints",
    "check_refund",
    "check_preauthorisation",
]

ENVIRONMENTS: List[str]

def config_errors(gateway: str, config: Mapping[str, Any]) -> List[VposError]: ...
def endpoints(gateway: str, environment: str) -> Dict[str, str]: ...
def check_refund(amount_minor: int, captured_minor: int, *, partial_refunds: bool = True,
                 total_refunds: bool = True) -> None: ...
def check_preauthorisation(*, preauthorisation: bool) -> None: ...

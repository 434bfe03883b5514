# pytest's own types are left out on purpose: mypy checks hostedpay for Python 3.9, and pytest's
# sources use newer syntax. At run time both names are pytest fixtures (registered through
# the pytest11 entry point), requested by name, never called.
from typing import Any, Callable, Iterator

from hostedpay.testing import FakeGateway

def vpos_gateway() -> Iterator[FakeGateway]: ...
def vpos_notify(vpos_gateway: FakeGateway) -> Callable[..., Any]: ...

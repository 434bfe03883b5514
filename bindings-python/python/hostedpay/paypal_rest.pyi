from typing import Optional, TypedDict, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, Reply

__all__ = ["Gateway", "AccessToken", "parse_token_reply", "is_token_rejected", "SANDBOX_API_BASE", "LIVE_API_BASE"]

@type_check_only
class Config(TypedDict, total=False):
    client_id: str  # required
    secret: str  # required
    api_base: str  # required
    merchant: str  # required
    webhook_id: Optional[str]
    access_token: Optional[str]

@final
class Gateway:
    def __new__(cls, config: Config, *, validate: bool = True) -> Gateway: ...
    def validate(self) -> None: ...
    def driver_config(self, access_token: Optional[str] = None) -> _driver.Config: ...
    @property
    def name(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    def token_request(self) -> HttpRequest: ...

@final
class AccessToken:
    @property
    def expires_in(self) -> int: ...
    def reveal(self) -> str: ...

def parse_token_reply(reply: Reply) -> AccessToken: ...
def is_token_rejected(error: VposError) -> bool: ...

SANDBOX_API_BASE: str
LIVE_API_BASE: str

from typing import Any, Dict, List, Mapping, Tuple, TypedDict, Union, final, type_check_only

__all__ = [
    "RedirectForm",
    "send",
]

@type_check_only
class HttpRequest(TypedDict):
    method: str
    url: str
    headers: List[List[str]]
    body: str

@type_check_only
class HttpResponse(TypedDict):
    status: int
    headers: List[List[str]]
    body: str

#: ``{"status": int, "body": bytes | str}`` or ``{"error": str}``.
Reply = Dict[str, Union[int, bytes, str]]

MAX_REPLY_BYTES: int

@final
class RedirectForm:
    """The form that sends the customer to the gateway; Python cannot build one."""
    @property
    def action(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def fields(self) -> List[Tuple[str, str]]: ...
    def to_html(self, auto_submit: bool = False) -> str: ...
    def __html__(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

def send(request: Mapping[str, Any], timeout: float = 10.0) -> Reply: ...

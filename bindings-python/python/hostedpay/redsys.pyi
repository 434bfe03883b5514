from typing import Any, Dict, Literal, Optional, Tuple, TypedDict, Union, final, type_check_only

from hostedpay import driver as _driver
from hostedpay.errors import VposError
from hostedpay.http import HttpRequest, HttpResponse, RedirectForm, Reply
from hostedpay.state import AmountIn, Event, Outcome

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "reject",
    "order_number",
    "check_order_number",
    "normalize_response",
    "map_status",
    "response_message",
    "MAX_BODY_BYTES",
    "TEST_CHECKOUT_URL",
    "LIVE_CHECKOUT_URL",
    "TEST_REST_URL",
    "LIVE_REST_URL",
]

SignatureVersion = Literal["HMAC_SHA256_V1", "HMAC_SHA512_V1", "HMAC_SHA512_V2"]

@type_check_only
class Config(TypedDict, total=False):
    merchant_code: str  # required
    terminal: str  # required
    secret_key: str  # required
    checkout_url: str  # required
    signature_version: SignatureVersion
    rest_url: Optional[str]
    query_url: Optional[str]
    merchant_url: Optional[str]
    url_ok: Optional[str]
    url_ko: Optional[str]
    merchant_name: Optional[str]

@type_check_only
class Order(TypedDict, total=False):
    order: str  # required
    amount: AmountIn  # required
    transaction_type: Literal["authorization", "preauthorization"]
    product_description: str
    titular: str
    merchant_data: str
    consumer_language: str
    pay_methods: str
    bizum_mobile_number: str  # with pay_methods "z": pre-fills Redsys's Bizum page
    merchant_url: str
    url_ok: str
    url_ko: str
    identifier: str
    stored_credential: StoredCredential

@type_check_only
class StoredCredential(TypedDict, total=False):
    """Card-on-file and SCA parameters (``DS_MERCHANT_IDENTIFIER``, ``COF_*``, ``EXCEP_SCA``)."""
    identifier: str  # "REQUIRED" to ask for a token, or the token to charge
    cof_ini: bool
    cof_type: Literal["installment", "recurring", "reauthorization", "resubmission", "delayed",
                      "incremental", "no_show", "unscheduled"]
    cof_txnid: str
    excep_sca: Literal["lwv", "tra", "mit", "cor", "atd", "ask"]
    direct_payment: bool

@type_check_only
class Operation(TypedDict, total=False):
    kind: Literal["refund", "confirm", "cancel", "payment"]  # required
    order: str  # required
    amount: AmountIn  # required
    stored_credential: StoredCredential

Format = Literal["http", "soap", "rest"]

@final
class Unverified:
    def untrusted(self) -> Dict[str, Any]: ...
    @property
    def order(self) -> str: ...
    @property
    def merchant_code(self) -> str: ...
    @property
    def response(self) -> str: ...
    @property
    def format(self) -> Format: ...
    @property
    def raw_body(self) -> bytes: ...

@final
class Verified:
    def notification(self) -> Dict[str, Any]: ...
    def parameters(self) -> Dict[str, str]: ...
    def event(self) -> Event: ...
    @property
    def order(self) -> str: ...
    @property
    def merchant_code(self) -> str: ...
    @property
    def response(self) -> str: ...
    @property
    def format(self) -> Format: ...

@final
class Gateway:
    def __new__(cls, config: Config, *, validate: bool = True) -> Gateway: ...
    def validate(self) -> None: ...
    def driver_config(self) -> _driver.Config: ...
    @property
    def name(self) -> Literal["redsys"]: ...
    @property
    def merchant_code(self) -> str: ...
    @property
    def merchant(self) -> str: ...
    @property
    def terminal(self) -> str: ...
    @property
    def signature_version(self) -> SignatureVersion: ...
    def checkout(self, order: Order) -> RedirectForm: ...
    def parse_notification(self, content_type: str, body: bytes) -> Unverified: ...
    def verify(self, notification: Unverified) -> Verified: ...
    def acknowledge(self, notification: Verified, outcome: Outcome) -> HttpResponse: ...
    def soap_answer(self, order: str, accept: bool) -> HttpResponse: ...
    def reject(self, error: VposError) -> HttpResponse: ...
    def operation_request(self, operation: Operation) -> HttpRequest: ...
    def parse_operation_response(self, reply: Reply) -> Verified: ...
    # Host-to-host EMV3DS (docs/3ds.md). `payment`: {"order", "amount", "preauthorisation"?,
    # "card": {"id_oper"} | {"pan", "expiry_date", "cvv2"}}; request bodies carry the card.
    # `authentication`: {"protocol_version", "three_ds_server_trans_id", "three_ds_comp_ind",
    # "notification_url", "browser", "cardholder"?}. Django: hostedpay.django.card3ds.
    def emv3ds_inicia_request(self, payment: Dict[str, Any]) -> HttpRequest: ...
    def emv3ds_parse_inicia_response(self, payment: Dict[str, Any], reply: Reply) -> Dict[str, Any]: ...
    def emv3ds_method_form(self, card: Dict[str, Any], notification_url: str) -> Optional[Dict[str, Any]]: ...
    def emv3ds_method_data(self, data: str) -> str: ...
    def emv3ds_trata_request(self, payment: Dict[str, Any], authentication: Dict[str, Any]) -> HttpRequest: ...
    def emv3ds_parse_trata_response(self, payment: Dict[str, Any], reply: Reply) -> Dict[str, Any]: ...
    def emv3ds_challenge_request(self, payment: Dict[str, Any], challenge: Dict[str, Any]) -> HttpRequest: ...
    def emv3ds_parse_challenge_response(self, payment: Dict[str, Any], reply: Reply) -> Verified: ...
    # Pay-by-link (Paygold, docs/3ds.md). `link`: {"order", "amount", "customer_mobile"?,
    # "customer_email"?, "expiry_minutes"?, "sms_text"? (with "@URL@"), "xml_data"?,
    # "merchant_url"?, "description"?}; the reply gives {"url", "order", "amount"}.
    def paygold_request(self, link: Dict[str, Any]) -> HttpRequest: ...
    def paygold_parse_reply(self, link: Dict[str, Any], reply: Reply) -> Dict[str, Any]: ...
    def sign(self, order: str, message: Union[bytes, str]) -> str:
        """``Ds_Signature`` of ``message`` for ``order``, as the configured version encodes it.

        ``message`` is the signed text exactly as sent: the ``Ds_MerchantParameters`` value
        (base64 of the parameters JSON; base64url without padding for ``HMAC_SHA512_V2``), not
        the JSON, nor the form. The key is the order key: ``order`` (``Ds_Order``, or
        ``DS_MERCHANT_ORDER`` in a request) encrypted with the configured ``secret_key`` (3DES
        for ``HMAC_SHA256_V1``, AES-128 for the SHA-512 versions); the HMAC is SHA-256 or
        SHA-512, encoded base64 (``HMAC_SHA256_V1``), base64url with padding
        (``HMAC_SHA512_V1``) or without (``HMAC_SHA512_V2``). To build a whole notification
        for a test, use :func:`hostedpay.testing.notification`.
        """
    def order_key(self, order: str) -> str: ...

def reject(error: VposError) -> HttpResponse: ...
def order_number(prefix: str, random_bytes: bytes) -> str: ...
def check_order_number(order: str) -> None: ...
def normalize_response(raw: str) -> Optional[str]: ...
def map_status(transaction_type: str, response: str) -> Tuple[str, str]: ...
def response_message(code: str) -> Optional[str]: ...

MAX_BODY_BYTES: int
TEST_CHECKOUT_URL: str
LIVE_CHECKOUT_URL: str
TEST_REST_URL: str
LIVE_REST_URL: str

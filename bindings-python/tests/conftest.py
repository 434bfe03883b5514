from __future__ import annotations

import copy
from typing import Any, Dict, Iterator, List

import pytest

from tests.postback import PostbackServer

FLOCASH: Dict[str, Any] = {
    "merchant": "test@merchant.com",
    "merchant_name": "test name",
    "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
    "base_url": "https://flocash.example.com",
    "notification_token": "test-test-test",
}

# djflocash's view-test payload (spec A9), as FloCash form-encodes it.
BASE_PAYLOAD = (
    "merchant=test%40merchant.com&custom=test+custom&order_id=test+order&amount=123"
    "&item_name=test+item&item_price=123&currency_code=EUR&quantity=1&sender_acct=test+sender"
    "&trans_id=test+trans&fpn_id=test+fpn&status=0&status_msg=test+status&customer=test%40customer.com"
    "&payer_email=payer%40customer.com&payment_channel=test+chan&txn_partner_ref=test+partner+ref"
)


def payload(**changes: str) -> bytes:
    """BASE_PAYLOAD with fields replaced (value None removes one), form-encoded, same order."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(BASE_PAYLOAD, keep_blank_values=True)
    out = []
    for k, v in pairs:
        if k in changes:
            if changes[k] is None:
                continue
            v = changes[k]
        out.append((k, v))
    return urlencode(out).encode()


@pytest.fixture
def flocash_config() -> Dict[str, Any]:
    return copy.deepcopy(FLOCASH)


@pytest.fixture
def postback() -> Iterator[PostbackServer]:
    with PostbackServer() as server:
        yield server


@pytest.fixture
def vpos_settings(settings: Any, postback: PostbackServer) -> Any:
    """VPOS pointing FloCash's post-back at the local server."""
    settings.VPOS = {"flocash": {**FLOCASH, "base_url": postback.base_url, "postback_timeout": 5}}
    return settings


@pytest.fixture
def status_changes() -> Iterator[List[Dict[str, Any]]]:
    from hostedpay.django.signals import payment_status_changed

    seen: List[Dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        seen.append(kwargs)

    payment_status_changed.connect(receiver, weak=False)
    yield seen
    payment_status_changed.disconnect(receiver)

"""Santander Elavon (Realex HPP): the signed redirect form, the HPP response POST verified by
``SHA1HASH``, and Remote API settle / void / rebate (mirrors ``vpos_core::gateways::elavon``).

::

    gw = hostedpay.elavon.Gateway({"merchant_id": "thestore", "account": "internet", "secret": "...",
                              "checkout_url": hostedpay.elavon.TEST_CHECKOUT_URL,
                              "response_url": "https://shop.example/vpos/elavon/default/"})
    timestamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")   # the clock is the host's
    form = gw.checkout({"order_id": "A-1", "amount": {"value": Decimal("50.00"), "currency": "USD"},
                        "timestamp": timestamp})
    unverified = gw.parse_notification(content_type, raw_body)
    verified = gw.verify(unverified)                          # by SHA1HASH, no post-back
    outcome = hostedpay.transition(payment_snapshot, verified.event())
    answer = gw.acknowledge(outcome)
    # on a VposError `e` anywhere above: hostedpay.elavon.reject(e)
"""

from __future__ import annotations

from hostedpay._hostedpay import elavon as _native

Gateway = _native.Gateway
Unverified = _native.Unverified
Verified = _native.Verified
hash = _native.hash  # noqa: A001 - the core's name
acknowledge = _native.acknowledge
reject = _native.reject
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
TEST_CHECKOUT_URL: str = _native.TEST_CHECKOUT_URL
LIVE_CHECKOUT_URL: str = _native.LIVE_CHECKOUT_URL
TEST_REMOTE_URL: str = _native.TEST_REMOTE_URL
LIVE_REMOTE_URL: str = _native.LIVE_REMOTE_URL

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "hash",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "TEST_CHECKOUT_URL",
    "LIVE_CHECKOUT_URL",
    "TEST_REMOTE_URL",
    "LIVE_REMOTE_URL",
]

"""CECA (Cecabank TPV virtual): the signed redirect form, notifications verified by ``Firma``,
and the exact answer ``$*$OKY$*$`` (mirrors ``vpos_core::gateways::ceca``).

::

    gw = hostedpay.ceca.Gateway({"merchant_id": "111950028", "acquirer_bin": "0000554052",
                            "terminal_id": "00000003", "key": "...",
                            "checkout_url": hostedpay.ceca.TEST_CHECKOUT_URL,
                            "url_ok": "https://shop.example/ok", "url_nok": "https://shop.example/ko"})
    form = gw.checkout({"operation": "A-1", "amount": {"value": Decimal("10.00"), "currency": "EUR"}})
    unverified = gw.parse_notification(content_type, raw_body)
    verified = gw.verify(unverified)                        # by signature, no post-back
    outcome = hostedpay.transition(payment_snapshot, verified.event())
    answer = gw.acknowledge(outcome)                        # 200 $*$OKY$*$ once settled
    # on a VposError `e` anywhere above: hostedpay.ceca.reject(e)
"""

from __future__ import annotations

from hostedpay._hostedpay import ceca as _native

Gateway = _native.Gateway
Unverified = _native.Unverified
Verified = _native.Verified
acknowledge = _native.acknowledge
reject = _native.reject
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
OK_BODY: str = _native.OK_BODY
TEST_CHECKOUT_URL: str = _native.TEST_CHECKOUT_URL
LIVE_CHECKOUT_URL: str = _native.LIVE_CHECKOUT_URL

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "OK_BODY",
    "TEST_CHECKOUT_URL",
    "LIVE_CHECKOUT_URL",
]

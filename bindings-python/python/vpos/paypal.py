"""PayPal Website Payments Standard: the ``_xclick`` checkout form and IPN notifications
verified by posting the raw body back to PayPal (mirrors ``vpos_core::gateways::paypal``).

::

    gw = vpos.paypal.Gateway({"business": "shop@example.com",
                              "checkout_url": vpos.paypal.SANDBOX_CHECKOUT_URL,
                              "ipn_url": vpos.paypal.SANDBOX_IPN_URL})
    form = gw.checkout({"invoice": "A-1", "item_name": "Tea",
                        "amount": {"value": Decimal("15.00"), "currency": "EUR"}})
    unverified = gw.parse_notification(content_type, raw_body)
    reply = vpos.http.send(gw.postback_request(unverified), timeout=10)
    verified = gw.verify_postback(unverified, reply)       # VERIFIED, else VposError
    outcome = vpos.transition(payment_snapshot, verified.event())
    answer = gw.acknowledge(outcome)                        # 200 once settled
    # on a VposError `e` anywhere above: vpos.paypal.reject(e)
"""

from __future__ import annotations

from vpos._vpos import paypal as _native

Gateway = _native.Gateway
Unverified = _native.Unverified
Verified = _native.Verified
acknowledge = _native.acknowledge
reject = _native.reject
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
LIVE_CHECKOUT_URL: str = _native.LIVE_CHECKOUT_URL
SANDBOX_CHECKOUT_URL: str = _native.SANDBOX_CHECKOUT_URL
LIVE_IPN_URL: str = _native.LIVE_IPN_URL
SANDBOX_IPN_URL: str = _native.SANDBOX_IPN_URL

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "LIVE_CHECKOUT_URL",
    "SANDBOX_CHECKOUT_URL",
    "LIVE_IPN_URL",
    "SANDBOX_IPN_URL",
]

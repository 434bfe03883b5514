"""Redsys: the signed redirect form, HTTP-POST and SOAP notifications verified by signature,
REST refunds, confirmations and cancellations (mirrors ``vpos_core::gateways::redsys``).

::

    gw = hostedpay.redsys.Gateway({"merchant_code": "999008881", "terminal": "1",
                              "secret_key": "...", "checkout_url": hostedpay.redsys.TEST_CHECKOUT_URL})
    order = hostedpay.redsys.order_number("26", os.urandom(12))   # randomness comes from the host
    form = gw.checkout({"order": order, "amount": {"value": Decimal("49.99"), "currency": "EUR"}})
    unverified = gw.parse_notification(content_type, raw_body)
    verified = gw.verify(unverified)                         # by signature, no post-back
    outcome = hostedpay.transition(payment_snapshot, verified.event())
    answer = gw.acknowledge(verified, outcome)               # SOAP: the signed envelope
    # on a VposError `e` anywhere above: hostedpay.redsys.reject(e)
    request = gw.operation_request({"kind": "refund", "order": order, "amount": {...}})
    verified = gw.parse_operation_response(hostedpay.http.send(request, timeout=10))
"""

from __future__ import annotations

from hostedpay._hostedpay import redsys as _native

Gateway = _native.Gateway
Unverified = _native.Unverified
Verified = _native.Verified
reject = _native.reject
order_number = _native.order_number
check_order_number = _native.check_order_number
normalize_response = _native.normalize_response
map_status = _native.map_status
response_message = _native.response_message
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
TEST_CHECKOUT_URL: str = _native.TEST_CHECKOUT_URL
LIVE_CHECKOUT_URL: str = _native.LIVE_CHECKOUT_URL
TEST_REST_URL: str = _native.TEST_REST_URL
LIVE_REST_URL: str = _native.LIVE_REST_URL

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

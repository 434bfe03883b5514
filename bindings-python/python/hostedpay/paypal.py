"""PayPal Website Payments Standard: the ``_xclick`` checkout form and IPN notifications
verified by posting the raw body back to PayPal (mirrors ``vpos_core::gateways::paypal``).

::

    gw = hostedpay.paypal.Gateway({"business": "shop@example.com",
                              "checkout_url": hostedpay.paypal.SANDBOX_CHECKOUT_URL,
                              "ipn_url": hostedpay.paypal.SANDBOX_IPN_URL})
    form = gw.checkout({"invoice": "A-1", "item_name": "Tea",
                        "amount": {"value": Decimal("15.00"), "currency": "EUR"}})
    unverified = gw.parse_notification(content_type, raw_body)
    reply = hostedpay.http.send(gw.postback_request(unverified), timeout=10)
    verified = gw.verify_postback(unverified, reply)       # VERIFIED, else VposError
    outcome = hostedpay.transition(payment_snapshot, verified.event())
    answer = gw.acknowledge(outcome)                        # 200 once settled
    # on a VposError `e` anywhere above: hostedpay.paypal.reject(e)

Express Checkout (NVP): the gateway describes each call, the host sends it and hands the
reply back. The config needs ``"nvp": {"user", "password", "signature", "api_url"}``::

    order = {"invoice": "A-1", "amount": {"value": Decimal("15.00"), "currency": "EUR"},
             "description": "Tea", "return_url": "https://shop.example/paypal/return",
             "cancel_url": "https://shop.example/cart"}
    reply = gw.parse_nvp_response(hostedpay.http.send(gw.set_express_checkout_request(order), timeout=10))
    form = gw.express_checkout_redirect(reply.token())       # GET, cmd=_express-checkout
    # the buyer comes back with ?token=…&PayerID=…
    request = gw.do_express_checkout_payment_request(token, payer_id, order)
    paid = gw.parse_nvp_response(hostedpay.http.send(request, timeout=10))
    outcome = hostedpay.transition(payment_snapshot, gw.payment_event("A-1", paid))
    request = gw.refund_transaction_request(paid.get("PAYMENTINFO_0_TRANSACTIONID"),
                                            {"value": Decimal("5.00"), "currency": "EUR"})
    refunded = gw.parse_nvp_response(hostedpay.http.send(request, timeout=10))
    outcome = hostedpay.transition(payment_snapshot, gw.refund_event("A-1", refunded))
    # ACK=Failure raises GatewayError("gateway_error"); no answer or HTTP != 200 raises
    # GatewayError("gateway_unavailable").
"""

from __future__ import annotations

from hostedpay._hostedpay import paypal as _native

Gateway = _native.Gateway
Unverified = _native.Unverified
Verified = _native.Verified
NvpReply = _native.NvpReply
acknowledge = _native.acknowledge
reject = _native.reject
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
LIVE_CHECKOUT_URL: str = _native.LIVE_CHECKOUT_URL
SANDBOX_CHECKOUT_URL: str = _native.SANDBOX_CHECKOUT_URL
LIVE_IPN_URL: str = _native.LIVE_IPN_URL
SANDBOX_IPN_URL: str = _native.SANDBOX_IPN_URL
LIVE_NVP_URL: str = _native.LIVE_NVP_URL
SANDBOX_NVP_URL: str = _native.SANDBOX_NVP_URL
NVP_VERSION: str = _native.NVP_VERSION

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "NvpReply",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "LIVE_CHECKOUT_URL",
    "SANDBOX_CHECKOUT_URL",
    "LIVE_IPN_URL",
    "SANDBOX_IPN_URL",
    "LIVE_NVP_URL",
    "SANDBOX_NVP_URL",
    "NVP_VERSION",
]

"""PayPal REST (Orders v2 and webhooks): the account's configuration and its OAuth token
(mirrors ``vpos_core::gateways::paypal``'s ``RestConfig`` and token functions).

Everything else (checkout, the ``charge`` on return, refunds, captures, voids, the status query,
webhooks) goes through :mod:`hostedpay.driver` with gateway ``paypal_rest``; the driver needs
the host's cached token in the configuration's ``access_token`` key::

    gw = hostedpay.paypal_rest.Gateway({"client_id": "...", "secret": "...",
                                       "api_base": hostedpay.paypal_rest.SANDBOX_API_BASE,
                                       "webhook_id": "...", "merchant": "MERCHANT1"})
    token = hostedpay.paypal_rest.parse_token_reply(hostedpay.http.send(gw.token_request(), timeout=10))
    config = hostedpay.driver.Config("paypal_rest", {**account, "access_token": token.reveal()})
    # cache token.reveal() for somewhat less than token.expires_in seconds; on a VposError `e`
    # with hostedpay.paypal_rest.is_token_rejected(e): fetch a new token, ask the same verb again
"""

from __future__ import annotations

from hostedpay._hostedpay import paypal_rest as _native

Gateway = _native.Gateway
AccessToken = _native.AccessToken
parse_token_reply = _native.parse_token_reply
is_token_rejected = _native.is_token_rejected
SANDBOX_API_BASE: str = _native.SANDBOX_API_BASE
LIVE_API_BASE: str = _native.LIVE_API_BASE

__all__ = ["Gateway", "AccessToken", "parse_token_reply", "is_token_rejected", "SANDBOX_API_BASE", "LIVE_API_BASE"]

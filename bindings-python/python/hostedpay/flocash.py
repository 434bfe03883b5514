"""FloCash: the hosted payment page by HTML form, notifications verified by post-back
(mirrors ``vpos_core::gateways::flocash``).

::

    gw = hostedpay.flocash.Gateway({"merchant": ..., "merchant_name": ..., "checkout_url": ...,
                               "base_url": ..., "notification_token": ...})
    form = gw.checkout(order)                          # RedirectForm: form.to_html(True)
    gw.check_token(token_from_url)                     # constant time
    unverified = gw.parse_notification(content_type, raw_body)
    reply = hostedpay.http.send(gw.postback_request(unverified), timeout=10)
    verified = gw.verify_postback(unverified, reply)
    outcome = hostedpay.transition(payment_snapshot, verified.event())
    answer = hostedpay.flocash.acknowledge(outcome)         # {"status", "headers", "body"}
    # on a VposError `e` anywhere above: hostedpay.flocash.reject(e)

    # Merchant Polling (a lost notification): poll_config = {"api_username", "api_password",
    # "namespace" (from FloCash's WSDL), "success_codes"}
    request = gw.poll_by_reference_request(poll_config, trace_number)   # or poll_by_time_request
    polled = gw.parse_poll_response(poll_config, hostedpay.http.send(request, timeout=30))
    for event in polled["events"]: ...                 # hostedpay.transition(snapshot, event)
"""

from __future__ import annotations

from hostedpay._hostedpay import flocash as _native

Gateway = _native.Gateway
Unverified = _native.Unverified
Verified = _native.Verified
checkout_public = _native.checkout_public
acknowledge = _native.acknowledge
reject = _native.reject
normalize_status = _native.normalize_status
map_status = _native.map_status
status_label = _native.status_label
STATUS_CODES = tuple(_native.STATUS_CODES)
FIELDS = tuple(_native.FIELDS)
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
MIN_TOKEN_LEN: int = _native.MIN_TOKEN_LEN

__all__ = [
    "Gateway",
    "Unverified",
    "Verified",
    "checkout_public",
    "acknowledge",
    "reject",
    "normalize_status",
    "map_status",
    "status_label",
    "STATUS_CODES",
    "FIELDS",
    "MAX_BODY_BYTES",
    "MIN_TOKEN_LEN",
]

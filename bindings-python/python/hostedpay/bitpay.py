"""Bitpay: create an invoice, receive its notification, and verify it by fetching the invoice
from Bitpay (mirrors ``vpos_core::gateways::bitpay``). The configuration picks the API: the
current one (``token``; with ``private_key`` and ``merchant_token``, signed queries and refunds
through ``hostedpay.driver``) or the legacy ``api_key``. docs/bitpay.md tells how to pair a key.

::

    gw = hostedpay.bitpay.Gateway({"api_key": "...", "api_url": "https://test.bitpay.com/api/invoice",
                              "invoice_url": "https://test.bitpay.com/invoice",
                              "notification_url": "https://shop.example/vpos/bitpay/default/"})
    request = gw.invoice_request({"price": {"value": Decimal("5.00"), "currency": "EUR"}, "order_id": "A-1"})
    invoice = gw.parse_invoice_response(hostedpay.http.send(request, timeout=10))
    form = gw.checkout_form(invoice)                          # GET <invoice_url>?id=<id>
    unverified = gw.parse_notification(content_type, raw_body)
    reply = hostedpay.http.send(gw.invoice_status_request(unverified), timeout=10)
    verified = gw.verify_invoice(unverified, reply)           # Bitpay's answer decides
    outcome = hostedpay.transition(payment_snapshot, verified.event())
    answer = gw.acknowledge(outcome)
    # on a VposError `e` anywhere above: hostedpay.bitpay.reject(e)
"""

from __future__ import annotations

from hostedpay._hostedpay import bitpay as _native

Gateway = _native.Gateway
Invoice = _native.Invoice
Unverified = _native.Unverified
Verified = _native.Verified
map_status = _native.map_status
acknowledge = _native.acknowledge
reject = _native.reject
MAX_BODY_BYTES: int = _native.MAX_BODY_BYTES
merchant_key_info = _native.merchant_key_info
sign = _native.sign
verify_signature = _native.verify_signature
pairing_request = _native.pairing_request
parse_pairing_response = _native.parse_pairing_response

__all__ = [
    "Gateway",
    "Invoice",
    "Unverified",
    "Verified",
    "map_status",
    "acknowledge",
    "reject",
    "MAX_BODY_BYTES",
    "merchant_key_info",
    "sign",
    "verify_signature",
    "pairing_request",
    "parse_pairing_response",
]

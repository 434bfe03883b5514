"""A PayPal REST webhook that names no shop order (no ``custom_id`` / ``invoice_id``: a capture
made outside the shop, or one whose order was not created by vpos) is never lost: the whole
body is stored before anything else, no payment moves, and the answer is 503, so that PayPal
delivers it again (up to 25 times over three days) while a person looks at it. Only the token
request goes to the stand-in PayPal; the webhook is refused before any proof is asked."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Dict, List, Mapping

import pytest
from django.test import Client

from hostedpay.django import conf
from hostedpay.django.models import Notification, Payment

pytestmark = pytest.mark.django_db

ACCOUNT = {"client_id": "client-1", "secret": "s3cret-value", "api_base": "http://127.0.0.1:9",
           "webhook_id": "WH1", "merchant": "MERCHANT1"}
SENT: List[Mapping[str, Any]] = []


def client(request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
    """PayPal's token endpoint (nothing else may be asked here)."""
    SENT.append(request)
    assert str(request["url"]).endswith("/v1/oauth2/token"), request["url"]
    return {"status": 200, "body": json.dumps({"access_token": "A21AA-token", "token_type": "Bearer",
                                               "app_id": "APP-80W284485P519543T", "expires_in": 32400,
                                               "nonce": "2026-12-06T00:00:00ZxYz"}).encode()}


@pytest.fixture(autouse=True)
def stand_in(settings: Any) -> None:
    settings.VPOS = {"paypal_rest": dict(ACCOUNT)}
    settings.VPOS_HTTP_CLIENT = "tests.test_paypal_rest_webhook_order.client"
    SENT.clear()
    with conf._tokens_lock:
        conf._tokens.clear()


HEADERS = {"HTTP_PAYPAL_TRANSMISSION_ID": "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
           "HTTP_PAYPAL_TRANSMISSION_TIME": "2026-12-07T10:00:00Z",
           "HTTP_PAYPAL_TRANSMISSION_SIG": "c2ln",
           "HTTP_PAYPAL_CERT_URL": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
           "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA"}


def capture_without_order(event_id: str) -> bytes:
    return json.dumps({
        "id": event_id, "create_time": "2026-12-07T09:59:58.000Z", "resource_type": "capture",
        "event_type": "PAYMENT.CAPTURE.COMPLETED", "event_version": "1.0", "resource_version": "2.0",
        "summary": "Payment completed for $ 100.00 USD",
        "resource": {"id": "3C679366HH908993F", "status": "COMPLETED", "final_capture": True,
                     "amount": {"currency_code": "USD", "value": "100.00"},
                     "payee": {"merchant_id": "MERCHANT1"}, "create_time": "2026-12-07T09:59:55Z"},
    }).encode()


def test_a_webhook_without_an_order_id_is_stored_whole_and_answered_503() -> None:
    payment = Payment.objects.create(gateway="paypal_rest", order_id="ORDER-1", currency="USD",
                                     amount=Decimal("100.00"))
    body = capture_without_order("WH-58D329510W468432D-8HN650336L201105X")
    web = Client()
    for delivery in (1, 2):  # PayPal's retry is stored again, answered the same
        response = web.post("/vpos/paypal_rest/default/", data=body, content_type="application/json", **HEADERS)
        assert response.status_code == 503, response.content
        assert Notification.objects.count() == delivery
    note = Notification.objects.order_by("pk").last()
    assert note is not None
    assert bytes(note.body) == body and not note.body_truncated  # the whole body, for a person
    assert (note.gateway, note.account, note.response_status) == ("paypal_rest", "default", 503)
    assert (note.verdict, note.error_code) == ("invalid", "field_missing")
    assert note.detail["field"] == "resource.custom_id"
    assert note.payment is None and note.order_id == ""
    payment.refresh_from_db()
    assert payment.status == "new"  # nothing moved
    assert [str(r["url"]) for r in SENT] == ["http://127.0.0.1:9/v1/oauth2/token"]  # no proof was asked


def test_a_webhook_with_a_malformed_envelope_is_still_422() -> None:
    """The 503 is for a well-formed money event that names no order, not for garbage."""
    response = Client().post("/vpos/paypal_rest/default/", data=b'{"id": "WH-1"}', content_type="application/json",
                             **HEADERS)
    assert response.status_code == 422
    note = Notification.objects.get()
    assert (note.verdict, note.response_status, bytes(note.body)) == ("invalid", 422, b'{"id": "WH-1"}')

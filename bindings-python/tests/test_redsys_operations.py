"""Redsys operations in Django beyond the sale, through the test client and a real database:
a checkout that stores the card (issue 10), the notification that brings the card reference
back, a merchant-initiated charge by reference against a local REST server; an
``HMAC_SHA512_V2`` account; pre-authorisations confirmed (type 2) and cancelled (type 9) as
model methods and admin actions (issue 6)."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any, Dict, List

import pytest

import hostedpay
from hostedpay.django.models import Notification, Payment, Refund

from tests.conftest import FLOCASH
from tests.redsys_helpers import K_PHP, K_TEST, REDSYS, RestServer, RestStandIn, decode, signed_notification

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/redsys/default/"
CARD = {"Ds_Merchant_Identifier": "4b0f5a1e2d3c4b5a69788796a5b4c3d2e1f00112", "Ds_ExpiryDate": "2912",
        "Ds_Merchant_Cof_Txnid": "2011261234567890123"}


@pytest.fixture
def redsys_settings(settings: Any) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH), "redsys": {**REDSYS, "order_prefix": "26"}}
    return settings


def new_payment(amount: str = "49.99", **kw: Any) -> Payment:
    return Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal(amount), item_name="Tea", **kw)


def asked(request: Dict[str, Any]) -> Dict[str, Any]:
    return decode(json.loads(request["body"])["Ds_MerchantParameters"])


# Stored credentials (issue 10).

def test_store_card_then_charge_it_by_reference_against_a_rest_server(
        settings: Any, client: Any, caplog: Any, status_changes: List[Dict[str, Any]]) -> None:
    caplog.set_level(logging.DEBUG)
    with RestServer(REDSYS) as rest:
        settings.VPOS = {"redsys": {**REDSYS, "rest_url": rest.url, "rest_timeout": 10}}
        first = new_payment("20.00")
        # 1. The checkout asks Redsys for a card reference.
        form = first.checkout_form(store_card=True)
        params = decode(dict(form.fields)["Ds_MerchantParameters"])
        assert (params["DS_MERCHANT_IDENTIFIER"], params["DS_MERCHANT_COF_INI"], params["DS_MERCHANT_COF_TYPE"]) == (
            "REQUIRED", "S", "R")
        plain = decode(dict(first.checkout_form().fields)["Ds_MerchantParameters"])
        assert "DS_MERCHANT_IDENTIFIER" not in plain and "DS_MERCHANT_COF_INI" not in plain
        # 2. A forged notification carrying a reference stores nothing.
        forged = signed_notification(dict(REDSYS, secret_key=K_PHP), first.order_id, 2000,
                                     extra={**CARD, "Ds_Merchant_Identifier": "forged"})
        assert client.post(URL, forged, content_type=CT).status_code == 403
        first.refresh_from_db()
        assert (first.status, first.card_reference) == ("new", "")
        # 3. The signed notification pays and stores the reference, its expiry and COF txn id.
        body = signed_notification(REDSYS, first.order_id, 2000, extra=CARD)
        assert client.post(URL, body, content_type=CT).status_code == 200
        first.refresh_from_db()
        assert first.status == "paid"
        assert (first.card_reference, first.card_expiry, first.cof_transaction_id, first.authorisation_code) == (
            CARD["Ds_Merchant_Identifier"], "2912", "2011261234567890123", "123456")
        assert CARD["Ds_Merchant_Identifier"] not in str(first)
        # 4. Later, without the customer: a new payment charged by reference over HTTP.
        charge = first.charge_stored_credential(Decimal("9.99"))
        assert (charge.kind, charge.status, charge.error_code, charge.amount_minor) == ("charge", "succeeded", "", 999)
        second = charge.payment
        assert second.pk != first.pk and second.order_id != first.order_id
        assert (second.status, second.amount_minor, second.currency) == ("paid", 999, "EUR")
        assert second.card_reference == first.card_reference
        assert charge.reference == "R00001" and charge.notification.verdict == "applied"
        [(request, _)] = rest.stand_in.requests
        sent = asked(request)
        assert sent["DS_MERCHANT_TRANSACTIONTYPE"] == "0" and sent["DS_MERCHANT_AMOUNT"] == "999"
        assert sent["DS_MERCHANT_ORDER"] == second.order_id
        assert sent["DS_MERCHANT_IDENTIFIER"] == CARD["Ds_Merchant_Identifier"]
        assert (sent["DS_MERCHANT_COF_INI"], sent["DS_MERCHANT_COF_TYPE"], sent["DS_MERCHANT_COF_TXNID"]) == (
            "N", "R", "2011261234567890123")
        assert sent["DS_MERCHANT_EXCEP_SCA"] == "MIT" and sent["DS_MERCHANT_DIRECTPAYMENT"] is True
        # The first payment is untouched; each moved once.
        first.refresh_from_db()
        assert first.status == "paid"
        assert [c["new_status"] for c in status_changes] == ["paid", "paid"]
    # A payment without a stored card cannot be charged; nothing is asked.
    with pytest.raises(hostedpay.ParseError) as exc:
        new_payment().charge_stored_credential("1.00")
    assert exc.value.code == "field_missing"
    assert CARD["Ds_Merchant_Identifier"] not in caplog.text and K_TEST not in caplog.text


def test_a_refused_charge_by_reference_is_failed_and_leaves_the_new_payment_new(
        redsys_settings: Any, client: Any) -> None:
    first = new_payment("20.00")
    body = signed_notification(REDSYS, first.order_id, 2000, extra=CARD)
    assert client.post(URL, body, content_type=CT).status_code == 200
    first.refresh_from_db()
    rest = RestStandIn(REDSYS)
    rest.answer = {"status": 200, "body": b'{"errorCode":"SIS0256"}'}
    charge = first.charge_stored_credential("5.00", http_client=rest)
    assert (charge.status, charge.error_code) == ("failed", "gateway_error")
    assert charge.payment.status == "new"
    # A reference charge is never asked for a payment of another gateway.
    flocash = Payment.objects.create(order_id="AT1", currency="USD", amount=Decimal("2.50"))
    with pytest.raises(hostedpay.UnsupportedError):
        flocash.charge_stored_credential("1.00", http_client=rest)


def test_a_denied_payment_stores_no_card(redsys_settings: Any, client: Any) -> None:
    payment = new_payment("20.00")
    body = signed_notification(REDSYS, payment.order_id, 2000, response="0190", extra=CARD)
    assert client.post(URL, body, content_type=CT).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.card_reference, payment.cof_transaction_id) == ("failed", "", "")
    with pytest.raises(hostedpay.ParseError):
        payment.charge_stored_credential("1.00", http_client=RestStandIn(REDSYS))


# HMAC_SHA512_V2 accounts.

def test_hmac_sha512_v2_account_signs_checkout_and_verifies_notifications(settings: Any, client: Any) -> None:
    v2 = {**REDSYS, "signature_version": "HMAC_SHA512_V2"}
    settings.VPOS = {"redsys": v2}
    payment = new_payment()
    fields = dict(payment.checkout_form().fields)
    assert fields["Ds_SignatureVersion"] == "HMAC_SHA512_V2"
    assert "=" not in fields["Ds_Signature"] and len(fields["Ds_Signature"]) == 86  # 64 bytes, base64url
    # SHA-256 with another key: refused, nothing applied.
    wrong = signed_notification(dict(REDSYS, secret_key=K_PHP), payment.order_id, 4999)
    response = client.post(URL, wrong, content_type=CT)
    assert (response.status_code, response.content) == (403, b"signature_mismatch")
    payment.refresh_from_db()
    assert payment.status == "new"
    # SHA-512 V2, the terminal's key: paid.
    body = signed_notification(v2, payment.order_id, 4999)
    assert b"HMAC_SHA512_V2" in body
    response = client.post(URL, body, content_type=CT)
    assert (response.status_code, response.content) == (200, b"")
    payment.refresh_from_db()
    assert payment.status == "paid"
    rows = Notification.objects.filter(order_id=payment.order_id).order_by("id")
    assert [r.verdict for r in rows] == ["unverified", "applied"]
    # Its refunds are signed SHA-512 V2 too, and the V2-signed reply is verified.
    rest = RestStandIn(v2)
    refund = payment.refund("1.00", http_client=rest)
    assert refund.status == "succeeded"
    assert json.loads(rest.requests[0][0]["body"])["Ds_SignatureVersion"] == "HMAC_SHA512_V2"


# Pre-authorisations (issue 6).

def authorized_payment(client: Any, amount: str = "49.99") -> Payment:
    payment = new_payment(amount)
    form = payment.checkout_form(transaction_type="preauthorization")
    assert decode(dict(form.fields)["Ds_MerchantParameters"])["DS_MERCHANT_TRANSACTIONTYPE"] == "1"
    minor = payment.amount_minor
    body = signed_notification(REDSYS, payment.order_id, minor, transaction_type="1")
    assert client.post(URL, body, content_type=CT).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "authorized"
    return payment


def test_confirm_moves_authorized_to_paid_once(redsys_settings: Any, client: Any,
                                                status_changes: List[Dict[str, Any]]) -> None:
    payment = authorized_payment(client)
    rest = RestStandIn(REDSYS)
    # Nothing to refund before the capture.
    with pytest.raises(hostedpay.ConsistencyError) as exc:
        payment.refund("1.00", http_client=rest)
    assert exc.value.code == "refund_exceeds_amount"
    record = payment.confirm(http_client=rest)
    assert (record.kind, record.status, record.amount_minor, record.error_code) == ("capture", "succeeded", 4999, "")
    assert payment.status == "paid"
    sent = asked(rest.requests[0][0])
    assert (sent["DS_MERCHANT_TRANSACTIONTYPE"], sent["DS_MERCHANT_AMOUNT"]) == ("2", "4999")
    assert record.notification.applied_event_key == f"redsys:999008881:1:{payment.order_id}:2:0900:4999:R00001"
    assert [c["new_status"] for c in status_changes] == ["authorized", "paid"]
    # Confirmed once: a second confirm or a cancel is refused before asking.
    for again in (payment.confirm, payment.cancel):
        with pytest.raises(hostedpay.ConsistencyError) as exc:
            again(http_client=rest)
        assert exc.value.code == "invalid_transition"
    assert len(rest.requests) == 1
    # Redsys's own notification of the confirmation is already applied.
    body = signed_notification(REDSYS, payment.order_id, 4999, response="0900", transaction_type="2",
                               authorisation="R00001")
    assert client.post(URL, body, content_type=CT).status_code == 200
    assert Notification.objects.filter(order_id=payment.order_id).order_by("id").last().verdict == "already_applied"
    # And the captured payment can now be refunded.
    assert payment.refund("49.99", http_client=rest).status == "succeeded"
    assert payment.status == "refunded"


def test_cancel_moves_authorized_to_cancelled_over_http(settings: Any, client: Any) -> None:
    with RestServer(REDSYS) as rest:
        settings.VPOS = {"redsys": {**REDSYS, "rest_url": rest.url}}
        payment = authorized_payment(client, "12.00")
        record = payment.cancel()
        assert (record.kind, record.status) == ("release", "succeeded")
        assert payment.status == "cancelled"
        sent = asked(rest.stand_in.requests[0][0])
        assert (sent["DS_MERCHANT_TRANSACTIONTYPE"], sent["DS_MERCHANT_AMOUNT"]) == ("9", "1200")
        assert record.notification.status_code == "0400"


def test_confirm_without_an_answer_stays_pending_and_blocks_another(redsys_settings: Any, client: Any) -> None:
    payment = authorized_payment(client)
    rest = RestStandIn(REDSYS)
    rest.answer = {"error": "TimeoutError: timed out"}
    lost = payment.confirm(http_client=rest)
    assert (lost.status, lost.error_code) == ("pending", "gateway_unavailable")
    assert payment.status == "authorized"
    rest.answer = None
    with pytest.raises(hostedpay.ConsistencyError) as exc:
        payment.cancel(http_client=rest)
    assert exc.value.code == "invalid_transition" and len(rest.requests) == 1
    # A refusal by Redsys is failed, the payment still authorised.
    other = authorized_payment(client, "3.00")
    rest.answer = {"status": 200, "body": b'{"errorCode":"SIS0062"}'}
    refused = other.cancel(http_client=rest)
    assert (refused.status, refused.error_code) == ("failed", "gateway_error")
    assert other.status == "authorized"
    # A new payment has nothing to confirm.
    with pytest.raises(hostedpay.ConsistencyError):
        new_payment().confirm(http_client=rest)


admin_rest = RestStandIn(REDSYS)


def test_admin_actions_confirm_and_cancel(redsys_settings: Any, client: Any, admin_client: Any) -> None:
    to_confirm = authorized_payment(client)
    to_cancel = authorized_payment(client, "5.00")
    paid = new_payment("1.00")
    assert client.post(URL, signed_notification(REDSYS, paid.order_id, 100), content_type=CT).status_code == 200
    redsys_settings.VPOS_HTTP_CLIENT = "tests.test_redsys_operations.admin_rest"
    response = admin_client.post("/admin/vpos/payment/", {"action": "capture_authorized",
                                                          "_selected_action": [to_confirm.pk, paid.pk]}, follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    # Refund.kind is the core's operation kind since 0008 (issue 16): capture, release.
    assert any(t.startswith(f"{to_confirm.order_id}: capture succeeded") for t in texts)
    assert any(t.startswith(f"{paid.order_id}: invalid_transition") for t in texts)
    response = admin_client.post("/admin/vpos/payment/", {"action": "release_authorized",
                                                          "_selected_action": [to_cancel.pk]}, follow=True)
    assert any(str(m).startswith(f"{to_cancel.order_id}: release succeeded") for m in response.context["messages"])
    for payment in (to_confirm, to_cancel, paid):
        payment.refresh_from_db()
    assert (to_confirm.status, to_cancel.status, paid.status) == ("paid", "cancelled", "paid")
    assert sorted(Refund.objects.values_list("kind", "status")) == [("capture", "succeeded"), ("release", "succeeded")]
    record = Refund.objects.get(kind="capture")
    page = admin_client.get(f"/admin/vpos/payment/{to_confirm.pk}/change/")
    assert page.status_code == 200 and b"Capture pre-authorisation" in page.content
    assert admin_client.get(f"/admin/vpos/refund/{record.pk}/change/").status_code == 200

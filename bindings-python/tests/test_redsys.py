"""Redsys in Django, end to end through the test client and a real database: checkout form,
HTTP-POST and SOAP notifications (verified by signature), duplicates, bad signatures, the
public R3 sandbox notification, and refunds through the REST API (hostedpay-sandbox)."""

from __future__ import annotations

import base64
import json
import logging
from decimal import Decimal
from typing import Any, Dict, List
from urllib.parse import urlencode

import pytest
from django.template import Context, Template
from django.test import RequestFactory

import hostedpay
from hostedpay.django.models import Notification, Payment, Refund
from hostedpay.django.views import render_checkout

from tests.conftest import FLOCASH
from tests.redsys_helpers import (
    K_PHP,
    K_TEST,
    R3_BODY,
    REDSYS,
    REDSYS_PHP,
    RestStandIn,
    CaptureServer,
    Sandbox,
    cargo,
    signed_notification,
    soap_r5,
)

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/redsys/default/"


@pytest.fixture
def redsys_settings(settings: Any) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH),
                     "redsys": {**REDSYS, "order_prefix": "26", "accounts": {"php": dict(REDSYS_PHP)}}}
    return settings


def new_payment(order_id: str = "", amount: str = "49.99", account: str = "default", **kw: Any) -> Payment:
    return Payment.objects.create(gateway="redsys", account=account, order_id=order_id, currency="EUR",
                                  amount=Decimal(amount), item_name="Tea", **kw)


def parameters(form: Any) -> Dict[str, Any]:
    return json.loads(base64.b64decode(dict(form.fields)["Ds_MerchantParameters"]))


def stored(order_id: str) -> List[Notification]:
    return list(Notification.objects.filter(gateway="redsys", order_id=order_id).order_by("id"))


# Checkout.

def test_checkout_form_generates_the_order_number_and_signs(redsys_settings: Any) -> None:
    payment = new_payment()
    assert len(payment.order_id) == 12 and payment.order_id.startswith("26")
    hostedpay.redsys.check_order_number(payment.order_id)
    assert payment.merchant == "999008881"
    html = Template("{% load vpos %}{% vpos_checkout_form payment %}").render(Context({"payment": payment}))
    assert 'action="https://sis-t.redsys.es:25443/sis/realizarPago"' in html
    assert 'name="Ds_SignatureVersion" value="HMAC_SHA256_V1"' in html and 'name="Ds_Signature"' in html
    form = payment.checkout_form()
    assert html == form.to_html()
    params = parameters(form)
    assert params["DS_MERCHANT_ORDER"] == payment.order_id and params["DS_MERCHANT_AMOUNT"] == "4999"
    assert params["DS_MERCHANT_CURRENCY"] == "978" and params["DS_MERCHANT_MERCHANTURL"] == REDSYS["merchant_url"]
    # The signature is the terminal key's over the parameters, as the binding computes it.
    gw = hostedpay.redsys.Gateway(REDSYS)
    fields = dict(form.fields)
    assert fields["Ds_Signature"] == gw.sign(payment.order_id, fields["Ds_MerchantParameters"])
    page = render_checkout(RequestFactory().get("/pay/"), payment).render()
    assert page.status_code == 200 and b"Ds_MerchantParameters" in page.content and b"<script>" in page.content
    # A second payment gets another order number (os.urandom, not the clock).
    assert new_payment().order_id != payment.order_id
    assert K_TEST not in html


# Notifications.

def test_signed_http_notification_pays_and_a_duplicate_is_applied_once(
        redsys_settings: Any, client: Any, status_changes: List[Dict[str, Any]]) -> None:
    payment = new_payment()
    body = signed_notification(REDSYS, payment.order_id, 4999)
    first = client.post(URL, body, content_type=CT)
    assert (first.status_code, first.content) == (200, b"")
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert [c["new_status"] for c in status_changes] == ["paid"]
    again = client.post(URL, body, content_type=CT)
    assert (again.status_code, again.content) == (200, b"")
    rows = stored(payment.order_id)
    assert [r.verdict for r in rows] == ["applied", "already_applied"]
    assert [r.applied_event_key is not None for r in rows] == [True, False]
    assert rows[0].event_key == rows[1].event_key and bytes(rows[1].body) == body
    assert len(status_changes) == 1
    assert rows[0].transaction_id == "123456" and rows[0].status_code == "0000"


@pytest.mark.parametrize("transaction_type,response", [("0", "0900"), ("0", "0400"), ("1", "0900")])
def test_a_signed_sale_answered_with_another_operations_success_code_pays_nothing(
        redsys_settings: Any, client: Any, status_changes: List[Dict[str, Any]],
        transaction_type: str, response: str) -> None:
    # 0900 accepts refunds and confirmations, 0400 cancellations: on a sale they are no payment.
    payment = new_payment()
    body = signed_notification(REDSYS, payment.order_id, 4999, response=response,
                               transaction_type=transaction_type)
    answer = client.post(URL, body, content_type=CT)
    assert (answer.status_code, answer.content) == (503, b"unknown_status")
    payment.refresh_from_db()
    assert payment.status == "new" and status_changes == []
    [record] = stored(payment.order_id)
    assert record.verdict == "ignored" and record.applied_event_key is None
    assert record.detail["reason"] == "unknown_status"


def test_public_r3_sandbox_notification_pays(redsys_settings: Any, client: Any) -> None:
    payment = new_payment("0726qI3H7sZx", "49.99")
    response = client.post(URL, R3_BODY, content_type=CT)
    assert (response.status_code, response.content) == (200, b"")
    payment.refresh_from_db()
    assert payment.status == "paid"
    [row] = stored("0726qI3H7sZx")
    assert row.verdict == "applied" and row.transaction_id == "052029"
    assert row.applied_event_key == "redsys:999008881:1:0726qI3H7sZx:0:0000:4999:052029"


def test_soap_notification_authorizes_and_is_answered_with_the_signed_ok(redsys_settings: Any, client: Any) -> None:
    payment = new_payment("165446", "3.45", account="php")
    content_type, body = soap_r5()
    response = client.post("/vpos/redsys/php/", body, content_type=content_type)
    assert response.status_code == 200 and response["Content-Type"] == "text/xml; charset=utf-8"
    expected = hostedpay.redsys.Gateway(REDSYS_PHP).soap_answer("165446", True)
    assert response.content.decode() == expected["body"]
    assert "&lt;Ds_Response_Merchant&gt;OK&lt;/Ds_Response_Merchant&gt;" in expected["body"]
    payment.refresh_from_db()
    assert payment.status == "authorized"
    [row] = stored("165446")
    assert row.verdict == "applied" and row.account == "php"


def test_soap_notification_contradicting_the_payment_is_answered_ko(redsys_settings: Any, client: Any) -> None:
    payment = new_payment("165446", "3.50", account="php")
    content_type, body = soap_r5()
    response = client.post("/vpos/redsys/php/", body, content_type=content_type)
    assert response.status_code == 200
    assert response.content.decode() == hostedpay.redsys.Gateway(REDSYS_PHP).soap_answer("165446", False)["body"]
    payment.refresh_from_db()
    assert payment.status == "new"
    [row] = stored("165446")
    assert (row.verdict, row.error_code) == ("rejected", "amount_mismatch")


def test_bad_signature_is_403_nothing_applied_raw_kept(redsys_settings: Any, client: Any) -> None:
    payment = new_payment()
    wrong_key = dict(REDSYS, secret_key=K_PHP)
    body = signed_notification(wrong_key, payment.order_id, 4999)
    response = client.post(URL, body, content_type=CT)
    assert (response.status_code, response.content) == (403, b"signature_mismatch")
    payment.refresh_from_db()
    assert payment.status == "new"
    [row] = stored(payment.order_id)
    assert (row.verdict, row.error_code, row.applied_event_key) == ("unverified", "signature_mismatch", None)
    assert bytes(row.body) == body and row.payment is None


def test_verified_notification_without_payment_is_503_payment_not_found(redsys_settings: Any, client: Any) -> None:
    body = signed_notification(REDSYS, "2600NOPAYMNT", 4999)
    response = client.post(URL, body, content_type=CT)
    assert (response.status_code, response.content) == (503, b"payment_not_found")
    [row] = stored("2600NOPAYMNT")
    assert (row.verdict, row.error_code) == ("no_payment", "payment_not_found") and row.event_key


def test_malformed_unknown_account_and_amount_mismatch(redsys_settings: Any, client: Any) -> None:
    response = client.post(URL, b"Ds_SignatureVersion=HMAC_SHA256_V1", content_type=CT)
    assert response.status_code == 422 and json.loads(response.content)["errors"][0]["code"]
    response = client.post("/vpos/redsys/nope/", R3_BODY, content_type=CT)
    assert response.status_code == 404
    assert Notification.objects.filter(account="nope", verdict="unknown_account").count() == 1
    payment = new_payment("0726qI3H7sZx", "50.00")
    response = client.post(URL, R3_BODY, content_type=CT)
    assert (response.status_code, response.content) == (409, b"amount_mismatch")
    payment.refresh_from_db()
    assert payment.status == "new"
    assert client.get(URL).status_code == 405


def test_the_secret_key_never_reaches_a_notification_or_a_log(
        redsys_settings: Any, client: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    payment = new_payment()
    client.post(URL, signed_notification(REDSYS, payment.order_id, 4999), content_type=CT)
    client.post(URL, signed_notification(dict(REDSYS, secret_key=K_PHP), payment.order_id, 4999), content_type=CT)
    client.post(URL, b"garbage", content_type=CT)
    for row in Notification.objects.all():
        text = json.dumps([row.headers, row.detail, row.event_key, row.error_code]) + bytes(row.body).decode()
        assert K_TEST not in text and K_PHP not in text
    assert K_TEST not in caplog.text and K_PHP not in caplog.text
    assert K_TEST not in repr(payment.account_settings())


# Refunds.

def paid_payment(client: Any, amount: str = "49.99") -> Payment:
    payment = new_payment(amount=amount)
    minor = hostedpay.money.parse(amount, "EUR")["minor"]
    assert client.post(URL, signed_notification(REDSYS, payment.order_id, minor), content_type=CT).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    return payment


def test_partial_refunds_through_an_injected_client(
        redsys_settings: Any, client: Any, status_changes: List[Dict[str, Any]]) -> None:
    payment = paid_payment(client)
    rest = RestStandIn(REDSYS)
    first = payment.refund(Decimal("10.00"), http_client=rest)
    assert (first.status, first.amount_minor, first.error_code) == ("succeeded", 1000, "")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    (request, timeout), = rest.requests
    assert request["url"] == REDSYS["rest_url"] and timeout == 30.0
    asked = json.loads(base64.b64decode(json.loads(request["body"])["Ds_MerchantParameters"]))
    assert (asked["DS_MERCHANT_TRANSACTIONTYPE"], asked["DS_MERCHANT_AMOUNT"]) == ("3", "1000")
    second = payment.refund("39.99", http_client=rest, timeout=5)
    assert second.status == "succeeded" and rest.requests[-1][1] == 5
    assert (payment.status, payment.refunded_minor) == ("refunded", 4999)
    assert [c["new_status"] for c in status_changes] == ["paid", "partially_refunded", "refunded"]
    # The replies are stored as notifications; their event keys are the applied ones.
    assert first.notification.verdict == "applied" and first.notification.applied_event_key
    assert first.reply["status"] == 200 and "Ds_MerchantParameters" in first.reply["body"]
    with pytest.raises(hostedpay.ConsistencyError) as exc:
        payment.refund("0.01", http_client=rest)
    assert exc.value.code == "refund_exceeds_amount" and len(rest.requests) == 2
    with pytest.raises(TypeError):
        payment.refund(1.5, http_client=rest)


def test_refund_replies_that_do_not_say_refunded(redsys_settings: Any, client: Any) -> None:
    payment = paid_payment(client)
    rest = RestStandIn(REDSYS)
    rest.answer = {"error": "TimeoutError: timed out"}
    lost = payment.refund("10.00", http_client=rest)
    assert (lost.status, lost.error_code) == ("pending", "gateway_unavailable")
    assert lost.notification is None
    # A pending refund counts against what can still be refunded.
    with pytest.raises(hostedpay.ConsistencyError):
        payment.refund("40.00", http_client=rest)
    rest.answer = {"status": 200, "body": b'{"errorCode":"SIS0057"}'}
    refused = payment.refund("5.00", http_client=rest)
    assert (refused.status, refused.error_code) == ("failed", "gateway_error")
    rest.answer = None
    boom = payment.refund("1.00", http_client=lambda request, timeout: 1 / 0)
    assert (boom.status, boom.error_code) == ("pending", "gateway_unavailable")
    assert "ZeroDivisionError" in boom.reply["error"]
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("paid", 0)
    assert Refund.objects.filter(payment=payment).count() == 3
    flocash = Payment.objects.create(order_id="AT1", currency="USD", amount=Decimal("2.50"))
    with pytest.raises(hostedpay.UnsupportedError):
        flocash.refund("1.00", http_client=rest)


def test_a_redsys_notification_for_a_refund_already_applied_is_already_applied(
        redsys_settings: Any, client: Any) -> None:
    payment = paid_payment(client)
    refund = payment.refund("10.00", http_client=RestStandIn(REDSYS))
    assert refund.status == "succeeded"
    # Redsys also notifies the refund: same operation, same event key, applied once.
    body = signed_notification(REDSYS, payment.order_id, 1000, response="0900", transaction_type="3",
                               authorisation="R00001")
    response = client.post(URL, body, content_type=CT)
    assert response.status_code == 200
    assert stored(payment.order_id)[-1].verdict == "already_applied"
    payment.refresh_from_db()
    assert payment.refunded_minor == 1000


def test_admin_action_refunds_what_remains(redsys_settings: Any, client: Any, admin_client: Any) -> None:
    payment = paid_payment(client)
    redsys_settings.VPOS_HTTP_CLIENT = "tests.test_redsys.admin_rest"
    response = admin_client.post("/admin/vpos/payment/", {"action": "refund_remaining",
                                                          "_selected_action": [payment.pk]}, follow=True)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("refunded", 4999)
    [refund] = payment.refunds.all()
    assert refund.status == "succeeded" and refund.amount == Decimal("49.99")
    assert admin_client.get(f"/admin/vpos/refund/{refund.pk}/change/").status_code == 200


admin_rest = RestStandIn(REDSYS)


@pytest.mark.skipif(cargo() is None, reason="needs cargo to run the project's hostedpay-sandbox")
def test_checkout_to_paid_to_two_partial_refunds_against_vpos_sandbox(
        settings: Any, client: Any, status_changes: List[Dict[str, Any]]) -> None:
    """A Redsys payment from checkout to paid to two partial refunds: the checkout form is
    posted to hostedpay-sandbox as a browser would, the sandbox's own signed notification is
    delivered to a real local server and handed to the view, and the refunds go through
    trataPeticionREST over HTTP with the stdlib client."""
    box = Sandbox()
    try:
        with CaptureServer() as capture:
            settings.VPOS = {"redsys": {"accounts": {"sandbox": {
                **REDSYS, "checkout_url": f"{box.base}/sis/realizarPago",
                "rest_url": f"{box.base}/sis/rest/trataPeticionREST", "merchant_url": capture.url,
                "rest_timeout": 10}}}}
            payment = new_payment(account="sandbox")
            form = payment.checkout_form()
            status, _ = box.post("/sis/realizarPago", urlencode(form.fields).encode(), CT)
            assert status == 200
            status, answer = box.post("/_sandbox/pay", json.dumps(
                {"gateway": "redsys", "order": payment.order_id, "outcome": "authorised"}).encode(),
                "application/json")
            assert status == 200, answer
            # The sandbox delivers asynchronously: wait for it with a deadline, not a sleep.
            content_type, body = capture.received.get(timeout=60)
            response = client.post("/vpos/redsys/sandbox/", body, content_type=content_type)
            assert (response.status_code, response.content) == (200, b"")
            payment.refresh_from_db()
            assert payment.status == "paid"

            first = payment.refund(Decimal("10.00"))
            assert first.status == "succeeded", (first.error_code, first.reply)
            assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
            second = payment.refund(Decimal("15.00"))
            assert second.status == "succeeded", (second.error_code, second.reply)
            assert (payment.status, payment.refunded_minor) == ("partially_refunded", 2500)
            assert first.notification.applied_event_key != second.notification.applied_event_key
            with pytest.raises(hostedpay.ConsistencyError) as exc:
                payment.refund(Decimal("25.00"))   # 24.99 remain
            assert exc.value.code == "refund_exceeds_amount"
            last = payment.refund(Decimal("24.99"))
            assert last.status == "succeeded"
            assert (payment.status, payment.refunded_minor) == ("refunded", 4999)
            assert [c["new_status"] for c in status_changes] == [
                "paid", "partially_refunded", "partially_refunded", "refunded"]
            assert list(payment.refunds.values_list("status", flat=True)) == ["succeeded"] * 3
    finally:
        box.close()

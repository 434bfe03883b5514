"""The FloCash notification flow through Django's test client, with a real post-back server."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.urls import resolve, reverse

from hostedpay.django.models import Notification, Payment
from hostedpay.django.signals import notification_processed

from tests.conftest import BASE_PAYLOAD, payload

# Real commits: the raw row is committed first and signals fire on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)
URL = "/vpos/flocash/default/test-test-test/"
CT = "application/x-www-form-urlencoded"


def make_payment(order_id: str = "test order", amount: str = "123", currency: str = "EUR", **kw: Any) -> Payment:
    return Payment.objects.create(order_id=order_id, currency=currency, amount=Decimal(amount),
                                  item_name="test item", custom="test custom", **kw)


def post(client: Any, body: bytes, url: str = URL, content_type: str = CT) -> Any:
    return client.post(url, data=body, content_type=content_type)


def test_notification_url_uses_account_and_token() -> None:
    url = reverse("vpos:flocash-notification", kwargs={"account": "default", "token": "test-test-test"})
    assert url == URL
    # djflocash's URL keeps working for projects that registered it with FloCash.
    assert reverse("vpos-flocash-notification-legacy", kwargs={"token": "test-test-test"}) == "/notification/test-test-test/"


def test_verified_notification_pays_the_payment(client, vpos_settings, postback, status_changes) -> None:
    payment = make_payment()
    decoy = make_payment(order_id="other order")
    response = post(client, BASE_PAYLOAD.encode())
    assert (response.status_code, response.content) == (200, b"00")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    payment.refresh_from_db()
    decoy.refresh_from_db()
    assert (payment.status, decoy.status) == ("paid", "new")
    # The post-back echoed every field, in order, then cmd=notify-validate.
    [(path, headers, sent)] = postback.received
    assert path == "/validateNotify.do" and headers["Content-Type"] == CT
    assert parse_qsl(sent.decode()) == parse_qsl(BASE_PAYLOAD) + [("cmd", "notify-validate")]
    [n] = Notification.objects.all()
    assert bytes(n.body) == BASE_PAYLOAD.encode() and n.headers["Content-Type"] == CT
    assert (n.payment_id, n.verdict, n.response_status) == (payment.pk, "applied", 200)
    assert n.applied_event_key == n.event_key == "flocash:test fpn:test trans:sale:0000"
    assert (n.order_id, n.transaction_id, n.status_code) == ("test order", "test trans", "0000")
    assert n.detail == {"outcome": "applied", "from": "new", "to": "paid", "refunded_minor": 0,
                        "captured_minor": 12300, "released_minor": 0}
    [change] = status_changes
    assert (change["payment"].pk, change["old_status"], change["new_status"]) == (payment.pk, "new", "paid")
    assert change["notification"].pk == n.pk and change["outcome"]["to"] == "paid"


def test_duplicate_delivery_is_stored_but_applied_once(client, vpos_settings, status_changes) -> None:
    payment = make_payment()
    first = post(client, BASE_PAYLOAD.encode())
    second = post(client, BASE_PAYLOAD.encode())
    assert [first.content, second.content] == [b"00", b"00"]
    rows = list(Notification.objects.order_by("id"))
    assert [r.verdict for r in rows] == ["applied", "already_applied"]
    assert [r.applied_event_key is not None for r in rows] == [True, False]
    assert all(r.payment_id == payment.pk for r in rows)
    assert len(status_changes) == 1


def test_pending_then_paid(client, vpos_settings, status_changes) -> None:
    payment = make_payment()
    assert not Payment(order_id="x", currency="EUR", amount=1).is_pending  # unsaved: never pending
    assert post(client, payload(status="0004", status_msg="Payment is pending.")).content == b"00"
    payment.refresh_from_db()
    assert payment.is_pending and list(Payment.objects.pending()) == [payment]
    assert post(client, payload(status="0000")).content == b"00"
    payment.refresh_from_db()
    assert payment.status == "paid" and not payment.is_pending and not Payment.objects.pending().exists()
    # A late pending after paid is stale: acknowledged, nothing changes.
    assert post(client, payload(status="0004", fpn_id="late fpn")).content == b"00"
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert [(c["old_status"], c["new_status"]) for c in status_changes] == [("new", "pending"), ("pending", "paid")]
    assert list(Notification.objects.order_by("id").values_list("verdict", flat=True)) == ["applied", "applied", "ignored"]


def test_notification_without_payment_is_kept_and_retried(client, vpos_settings, status_changes) -> None:
    response = post(client, BASE_PAYLOAD.encode())
    # 503 with the core's code: FloCash delivers again until the payment exists.
    assert (response.status_code, response.content) == (503, b"payment_not_found")
    [n] = Notification.objects.all()
    assert (n.verdict, n.payment, n.order_id, n.response_status) == ("no_payment", None, "test order", 503)
    assert n.event_key == "flocash:test fpn:test trans:sale:0000" and n.applied_event_key is None
    assert status_changes == []


def test_malformed_payloads_get_422_with_json_errors(client, vpos_settings, postback) -> None:
    make_payment()
    # An empty POST carries no Content-Type at all (djflocash answered it 422 too).
    empty = post(client, b"")
    assert empty.status_code == 422 and empty["Content-Type"] == "application/json"
    assert json.loads(empty.content)["errors"][0]["code"] == "unsupported_content_type"
    bare = post(client, b"custom=x")
    assert json.loads(bare.content)["errors"][0]["code"] == "field_missing"
    no_order = post(client, payload(order_id=None))
    assert no_order.status_code == 422
    assert json.loads(no_order.content)["errors"][0]["field"] == "order_id"
    precise = post(client, payload(amount="12.345"))
    assert json.loads(precise.content)["errors"][0]["code"] == "amount_precision"
    dup = post(client, BASE_PAYLOAD.encode() + b"&Amount=1")
    assert json.loads(dup.content)["errors"][0]["code"] == "duplicate_field"
    bad_utf8 = post(client, b"merchant=%FF")
    assert json.loads(bad_utf8.content)["errors"][0]["code"] == "invalid_utf8"
    wrong_type = post(client, BASE_PAYLOAD.encode(), content_type="application/json")
    assert json.loads(wrong_type.content)["errors"][0]["code"] == "unsupported_content_type"
    huge = post(client, b"a=" + b"1" * 70000)
    assert huge.status_code == 413 and json.loads(huge.content)["errors"][0]["code"] == "body_too_large"
    rows = list(Notification.objects.order_by("id"))
    assert len(rows) == 8 and {r.verdict for r in rows} == {"invalid"}
    assert bytes(rows[-2].body) == BASE_PAYLOAD.encode()  # kept byte for byte, even when refused
    assert postback.received == []  # nothing malformed is posted back
    assert Payment.objects.get().status == "new"


def test_body_over_djangos_upload_limit_is_refused_and_kept(client, vpos_settings) -> None:
    vpos_settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    make_payment()
    response = post(client, BASE_PAYLOAD.encode())
    assert response.status_code == 413  # refused unread, from the declared Content-Length
    assert json.loads(response.content)["errors"][0]["code"] == "body_too_large"
    [n] = Notification.objects.all()
    assert (n.verdict, bytes(n.body), n.headers["Content-Length"]) == ("invalid", b"", str(len(BASE_PAYLOAD)))
    assert (n.body_size, n.body_sha256, n.body_truncated) == (len(BASE_PAYLOAD), "", True)
    assert Payment.objects.get().status == "new"


def test_get_is_not_allowed_and_not_logged_with_the_token(client, vpos_settings, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.get(URL)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "test-test-test" not in caplog.text
    assert not Notification.objects.exists()


def test_wrong_token_or_account_is_404_and_kept(client, vpos_settings, postback) -> None:
    make_payment()
    for url in ("/vpos/flocash/default/test-test-tesT/", "/vpos/flocash/nosuch/test-test-test/"):
        response = post(client, BASE_PAYLOAD.encode(), url=url)
        assert (response.status_code, response.content) == (404, b"Not Found")
    assert list(Notification.objects.order_by("id").values_list("verdict", flat=True)) == ["token_mismatch", "unknown_account"]
    assert postback.received == [] and Payment.objects.get().status == "new"


def test_postback_invalid_is_409_and_changes_nothing(client, vpos_settings, postback) -> None:
    make_payment()
    postback.body = b"INVALID"
    response = post(client, BASE_PAYLOAD.encode())
    assert (response.status_code, response.content) == (409, b"INVALID")
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.applied_event_key) == ("unverified", "postback_invalid", None)
    assert Payment.objects.get().status == "new"


@pytest.mark.parametrize("status,delay", [(500, 0.0), (200, 3.0), (302, 0.0)], ids=["http-500", "timeout", "redirect"])
def test_postback_failure_leaves_the_payment_untouched(client, vpos_settings, postback, status_changes, status, delay) -> None:
    payment = make_payment()
    postback.status, postback.delay = status, delay
    vpos_settings.VPOS = {"flocash": {**vpos_settings.VPOS["flocash"], "postback_timeout": 0.5}}
    response = post(client, BASE_PAYLOAD.encode())
    assert (response.status_code, response.content) == (503, b"postback_failed")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("new", 0)
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.payment_id, n.applied_event_key) == ("postback_failed", "postback_failed", None, None)
    assert bytes(n.body) == BASE_PAYLOAD.encode() and status_changes == []
    assert len(postback.received) == 1
    # FloCash delivers again once its endpoint is healthy: then it applies.
    postback.status, postback.delay = 200, 0.0
    assert post(client, BASE_PAYLOAD.encode()).content == b"00"
    payment.refresh_from_db()
    assert payment.status == "paid" and len(status_changes) == 1


def test_unreachable_postback_endpoint(client, settings, status_changes) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.VPOS = {"flocash": {**_config(), "base_url": f"http://127.0.0.1:{port}"}}
    make_payment()
    response = post(client, BASE_PAYLOAD.encode())
    assert response.status_code == 503
    assert Payment.objects.get().status == "new" and status_changes == []


def _config() -> dict:
    from tests.conftest import FLOCASH

    return dict(FLOCASH)


def test_mismatching_amount_is_rejected_for_a_person(client, vpos_settings, status_changes) -> None:
    make_payment(amount="124")
    response = post(client, BASE_PAYLOAD.encode())
    assert (response.status_code, response.content) == (409, b"amount_mismatch")
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.applied_event_key) == ("rejected", "amount_mismatch", None)
    assert Payment.objects.get().status == "new" and status_changes == []


def test_unknown_status_code_is_retried(client, vpos_settings) -> None:
    make_payment()
    response = post(client, payload(status="0042"))
    assert (response.status_code, response.content) == (503, b"unknown_status")
    assert Notification.objects.get().verdict == "ignored" and Payment.objects.get().status == "new"


def test_test_account_applies_test_notifications(client, vpos_settings) -> None:
    live = make_payment()
    assert post(client, BASE_PAYLOAD.encode() + b"&action=Test").content == b"00"
    live.refresh_from_db()
    assert live.status == "new"  # a Test message never moves a live payment
    Payment.objects.all().delete()
    test_payment = make_payment(live=False)
    assert post(client, BASE_PAYLOAD.encode() + b"&action=Test").content == b"00"
    test_payment.refresh_from_db()
    assert test_payment.status == "paid"


def test_named_account_has_its_own_url_and_payments(client, vpos_settings, postback) -> None:
    flocash = dict(vpos_settings.VPOS["flocash"])
    flocash["accounts"] = {"testing": {**_config(), "base_url": postback.base_url,
                                       "notification_token": "testing-token-1234", "live": False}}
    vpos_settings.VPOS = {"flocash": flocash}
    default = make_payment()
    testing = make_payment(account="testing")
    url = reverse("vpos:flocash-notification", kwargs={"account": "testing", "token": "testing-token-1234"})
    assert post(client, BASE_PAYLOAD.encode(), url=url).content == b"00"
    default.refresh_from_db()
    testing.refresh_from_db()
    assert (default.status, testing.status) == ("new", "paid")
    # Each account's token opens only its own URL.
    wrong = reverse("vpos:flocash-notification", kwargs={"account": "testing", "token": "test-test-test"})
    assert post(client, BASE_PAYLOAD.encode(), url=wrong).status_code == 404


def test_djflocash_url_serves_the_default_account(client, vpos_settings) -> None:
    payment = make_payment()
    assert post(client, BASE_PAYLOAD.encode(), url="/notification/test-test-test/").content == b"00"
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_injected_http_client(client, settings) -> None:
    calls = []

    def client_fn(request: dict, timeout: float) -> dict:
        calls.append((request["url"], timeout))
        return {"status": 200, "body": b"VERIFIED"}

    settings.VPOS = {"flocash": _config()}
    settings.VPOS_HTTP_CLIENT = "tests.test_notifications.recorded_client"
    RECORDED.clear()
    make_payment()
    assert post(client, BASE_PAYLOAD.encode()).content == b"00"
    assert RECORDED == [("https://flocash.example.com/validateNotify.do", 10.0)]

    # A client that raises counts as no answer.
    settings.VPOS_HTTP_CLIENT = "tests.test_notifications.raising_client"
    assert post(client, payload(fpn_id="other")).status_code == 503

    # as_view(http_client=...) wins over the setting.
    from hostedpay.django.views import NotificationView

    view = NotificationView.as_view(gateway_name="flocash", http_client=client_fn)
    from django.test import RequestFactory

    request = RequestFactory().post(URL, data=payload(fpn_id="third", status="0004"), content_type=CT)
    response = view(request, account="default", token="test-test-test")
    assert response.status_code == 200 and calls == [("https://flocash.example.com/validateNotify.do", 10.0)]


RECORDED: list = []


def recorded_client(request: dict, timeout: float) -> dict:
    RECORDED.append((request["url"], timeout))
    return {"status": 200, "body": b"VERIFIED"}


def raising_client(request: dict, timeout: float) -> dict:
    raise ConnectionError("boom")


def test_view_is_csrf_exempt_and_outside_atomic_requests(vpos_settings) -> None:
    func = resolve(URL).func
    assert getattr(func, "csrf_exempt", False)
    assert "default" in getattr(func, "_non_atomic_requests", set())


def test_token_never_reaches_the_logs(client, vpos_settings, caplog) -> None:
    make_payment(amount="1")
    with caplog.at_level(logging.DEBUG):
        post(client, BASE_PAYLOAD.encode())  # 409 amount_mismatch
        post(client, b"")  # 422
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "test-test-test" not in text
    assert "flocash/default/***/ -> 409" in text
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_processed_signal_reports_every_verdict(client, vpos_settings) -> None:
    seen = []

    def receiver(sender: Any, notification: Notification, verdict: str, **kw: Any) -> None:
        seen.append(verdict)

    notification_processed.connect(receiver)
    try:
        make_payment()
        post(client, BASE_PAYLOAD.encode())
        post(client, b"")
    finally:
        notification_processed.disconnect(receiver)
    assert seen == ["applied", "invalid"]

"""What is stored of a notification body, and when.

A body over the gateway's limit is refused unread (``413 body_too_large``, decided from the
declared ``Content-Length``, and while reading when the length is absent or lies). Until the
account (and FloCash's URL token) is found right, only the size, the SHA-256 and the first
4096 bytes are kept: anyone can post to a notification URL. Verdict saves never write the
body again."""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

import hostedpay
from hostedpay.django import views
from hostedpay.django.models import Notification, Payment

from tests.conftest import BASE_PAYLOAD, FLOCASH
from tests.redsys_helpers import REDSYS, signed_notification

pytestmark = pytest.mark.django_db(transaction=True)
FORM = "application/x-www-form-urlencoded"
URL = "/vpos/flocash/default/test-test-test/"
#: Each gateway's notification URL (default account) and its limit, from the core.
LIMITS = {
    "flocash": (URL, hostedpay.flocash.MAX_BODY_BYTES),
    "redsys": ("/vpos/redsys/default/", hostedpay.redsys.MAX_BODY_BYTES),
    "paypal": ("/vpos/paypal/default/", hostedpay.paypal.MAX_BODY_BYTES),
    "ceca": ("/vpos/ceca/default/", hostedpay.ceca.MAX_BODY_BYTES),
    "elavon": ("/vpos/elavon/default/", hostedpay.elavon.MAX_BODY_BYTES),
    "bitpay": ("/vpos/bitpay/default/", hostedpay.bitpay.MAX_BODY_BYTES),
}


@pytest.fixture(autouse=True)
def gateways(settings: Any, postback: Any) -> Any:
    from tests.test_hostile_input import BITPAY, CECA, ELAVON, PAYPAL

    settings.VPOS = {"flocash": {**FLOCASH, "base_url": postback.base_url}, "redsys": dict(REDSYS),
                     "paypal": dict(PAYPAL), "ceca": dict(CECA), "elavon": dict(ELAVON), "bitpay": dict(BITPAY)}
    return settings


def code(response: Any) -> str:
    return json.loads(response.content)["errors"][0]["code"]


def test_the_limits_are_the_cores() -> None:
    assert {name: limit for name, (_, limit) in LIMITS.items()} == {g: hostedpay.driver.max_body_bytes(g) for g in LIMITS}
    assert (hostedpay.flocash.MAX_BODY_BYTES, hostedpay.ceca.MAX_BODY_BYTES, hostedpay.bitpay.MAX_BODY_BYTES) == \
        (64 * 1024, 32 * 1024, 64 * 1024)


@pytest.mark.parametrize("gateway", sorted(LIMITS))
def test_a_body_over_the_limit_is_refused_unread(client: Any, gateway: str) -> None:
    url, limit = LIMITS[gateway]
    body = b"a=" + b"x" * (limit - 1)  # one byte over
    response = client.post(url, data=body, content_type=FORM)
    assert (response.status_code, code(response)) == (413, "body_too_large")
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.response_status) == ("invalid", "body_too_large", 413)
    assert (bytes(n.body), n.body_size, n.body_sha256, n.body_truncated) == (b"", limit + 1, "", True)
    # At the limit, the body is read (and refused, or not, by the gateway's parser).
    Notification.objects.all().delete()
    response = client.post(url, data=body[:-1], content_type=FORM)
    assert response.status_code != 413
    [n] = Notification.objects.all()
    assert n.body_size == limit and n.body_sha256 == hashlib.sha256(body[:-1]).hexdigest()


def test_the_declared_length_alone_decides_even_for_an_unknown_account(client: Any) -> None:
    # 1 TB declared, nothing sent: refused before reading, stored without a body.
    response = client.generic("POST", "/vpos/redsys/nosuch/", b"", CONTENT_TYPE=FORM, CONTENT_LENGTH="1" + "0" * 12)
    assert (response.status_code, code(response)) == (413, "body_too_large")
    [n] = Notification.objects.all()
    assert (n.account, n.body_size, bytes(n.body), n.verdict) == ("nosuch", 10 ** 12, b"", "invalid")


@pytest.mark.parametrize("declared", [None, "100", "junk"], ids=["absent", "lying", "malformed"])
def test_a_body_without_an_honest_length_is_cut_while_reading(declared: Any) -> None:
    """Where the server hands over more than the declared length (ASGI, a chunked upload),
    reading stops past the limit."""
    limit = hostedpay.flocash.MAX_BODY_BYTES
    request = RequestFactory().post(URL, data=b"", content_type=FORM)
    request._stream = io.BytesIO(b"a=" + b"x" * (limit * 3))  # what the client keeps sending
    request.META.pop("CONTENT_LENGTH", None)
    if declared is not None:
        request.META["CONTENT_LENGTH"] = declared
    response = views.NotificationView.as_view(gateway_name="flocash")(request, account="default", token="test-test-test")
    assert (response.status_code, code(response)) == (413, "body_too_large")
    [n] = Notification.objects.all()
    assert n.body_size == limit + 1 and len(n.body) == views.UNAUTHENTICATED_BODY_BYTES and n.body_truncated
    assert request._stream.tell() <= limit + 1  # the rest was never read


@pytest.mark.parametrize("url", ["/vpos/flocash/default/wrong-token-123/", "/vpos/flocash/nosuch/test-test-test/",
                                 "/vpos/redsys/nosuch/", "/vpos/paypal/nosuch/"])
def test_before_the_account_and_token_pass_only_the_start_is_kept(client: Any, url: str) -> None:
    body = b"a=" + b"y" * 50_000
    response = client.post(url, data=body, content_type=FORM, HTTP_COOKIE="sessionid=s3cret",
                           HTTP_X_FILLER="z" * 10_000)
    assert response.status_code == 404
    [n] = Notification.objects.all()
    assert n.verdict in ("token_mismatch", "unknown_account")
    assert bytes(n.body) == body[:4096] and n.body_truncated
    assert (n.body_size, n.body_sha256) == (len(body), hashlib.sha256(body).hexdigest())
    assert "Cookie" not in n.headers and len(n.headers["X-Filler"]) == 4096


def test_once_the_token_passes_the_whole_body_is_kept(client: Any, postback: Any) -> None:
    Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"), item_name="test item",
                           custom="test custom")
    body = BASE_PAYLOAD.encode() + b"&" + b"p=" + b"q" * 10_000  # an extra field: over 4096 bytes
    response = client.post(URL, data=body, content_type=FORM)
    assert (response.status_code, response.content) == (200, b"00")
    [n] = Notification.objects.all()
    assert (bytes(n.body), n.body_size, n.body_truncated, n.verdict) == (body, len(body), False, "applied")
    assert n.body_sha256 == hashlib.sha256(body).hexdigest()
    assert Payment.objects.get().status == "paid"
    # The post-back echoed the whole body as received.
    assert postback.received[0][2].startswith(body)


def test_verdict_saves_never_write_the_body_again(client: Any) -> None:
    payment = Payment.objects.create(gateway="redsys", order_id="0726qI3H7sZx", currency="EUR",
                                     amount=Decimal("49.99"))
    body = signed_notification(REDSYS, "0726qI3H7sZx", 4999)
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/vpos/redsys/default/", data=body, content_type=FORM).status_code == 200
        assert client.post("/vpos/redsys/nosuch/", data=body, content_type=FORM).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "paid"
    writes = [q["sql"] for q in queries.captured_queries if "vpos_notification" in q["sql"]
              and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    inserts = [sql for sql in writes if sql.lstrip().upper().startswith("INSERT")]
    updates = [sql for sql in writes if sql.lstrip().upper().startswith("UPDATE")]
    assert len(inserts) == 2 and len(updates) >= 2
    assert not [sql for sql in updates if '"body" =' in sql or '"body"=' in sql]
    assert [bytes(n.body) for n in Notification.objects.order_by("id")] == [body, body]


def test_admin_shows_the_body_digest_read_only(client: Any) -> None:
    from hostedpay.django.admin import NotificationAdmin

    for name in ("body_size", "body_sha256", "body_truncated"):
        assert name in NotificationAdmin.fields and name in NotificationAdmin.readonly_fields
    client.post("/vpos/redsys/nosuch/", data=b"a=" + b"b" * 5000, content_type=FORM)
    n = Notification.objects.get()
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    html = client.get(f"/admin/vpos/notification/{n.pk}/change/").content.decode()
    assert n.body_sha256 in html and "5002" in html and "the first 4096 of 5002 bytes" in html
    assert 'name="body_sha256"' not in html

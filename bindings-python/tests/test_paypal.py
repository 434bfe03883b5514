"""PayPal (IPN) in Django, end to end through the test client and a real database: the
checkout form, the offsite_payments IPN fixture verified by a real post-back to a local HTTP
server answering VERIFIED / INVALID / 500, duplicates applied once, no payment, and the
binding's repr."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Iterator, List

import pytest
from django.template import Context, Template

import hostedpay
from hostedpay.django.models import Notification, Payment

from tests.conftest import FLOCASH
from tests.postback import PostbackServer

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/paypal/default/"

# activemerchant/offsite_payments paypal_notification_test.rb, verbatim (no invoice).
FIXTURE = (
    "mc_gross=500.00&address_status=confirmed&payer_id=EVMXCLDZJV77Q&tax=0.00&address_street=164+Waverley+Street"
    "&payment_date=15%3A23%3A54+Apr+15%2C+2005+PDT&payment_status=Completed&address_zip=K2P0V6&first_name=Tobias"
    "&mc_fee=15.05&address_country_code=CA&address_name=Tobias+Luetke&notify_version=1.7&custom=&payer_status=unverified"
    "&business=tobi%40leetsoft.com&address_country=Canada&address_city=Ottawa&quantity=1&payer_email=tobi%40snowdevil.ca"
    "&verify_sign=AEt48rmhLYtkZ9VzOGAtwL7rTGxUAoLNsuf7UewmX7UGvcyC3wfUmzJP&txn_id=6G996328CK404320L&payment_type=instant"
    "&last_name=Luetke&address_state=Ontario&receiver_email=tobi%40leetsoft.com&payment_fee=&receiver_id=UQ8PDYXJZQD9Y"
    "&txn_type=web_accept&item_name=Store+Purchase&mc_currency=CAD&item_number=&test_ipn=1&payment_gross=&shipping=0.00"
)
ORDER = "PP-0001"
BODY = (FIXTURE + "&invoice=" + ORDER).encode()

PAYPAL: Dict[str, Any] = {
    "business": "tobi@leetsoft.com",
    "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
    "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr",
    "notify_url": "https://shop.example/vpos/paypal/default/",
}


@pytest.fixture
def ipn() -> Iterator[PostbackServer]:
    with PostbackServer() as server:
        yield server


@pytest.fixture
def paypal_settings(settings: Any, ipn: PostbackServer) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH),
                     "paypal": {**PAYPAL, "ipn_url": ipn.base_url + "/cgi-bin/webscr", "postback_timeout": 5}}
    return settings


def new_payment(order_id: str = ORDER, amount: str = "500.00", **kw: Any) -> Payment:
    return Payment.objects.create(gateway="paypal", order_id=order_id, currency="CAD", amount=Decimal(amount),
                                  item_name="Store Purchase", **kw)


def stored(order_id: str = ORDER) -> List[Notification]:
    return list(Notification.objects.filter(gateway="paypal", order_id=order_id).order_by("id"))


def test_checkout_form(paypal_settings: Any) -> None:
    payment = new_payment()
    assert payment.merchant == "tobi@leetsoft.com"
    form = payment.checkout_form()
    fields = dict(form.fields)
    assert form.action == PAYPAL["checkout_url"]
    assert fields["cmd"] == "_xclick" and fields["business"] == "tobi@leetsoft.com"
    assert fields["invoice"] == ORDER and fields["amount"] == "500.00" and fields["currency_code"] == "CAD"
    html = Template("{% load vpos %}{% vpos_checkout_form payment %}").render(Context({"payment": payment}))
    assert html == form.to_html()


def test_verified_ipn_pays_once_and_duplicates_apply_once(client: Any, paypal_settings: Any, ipn: PostbackServer,
                                                          status_changes: List[Dict[str, Any]]) -> None:
    payment = new_payment()
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 200, r.content
    payment.refresh_from_db()
    assert payment.status == "paid"
    # The post-back is cmd=_notify-validate& and the raw body, byte for byte.
    path, headers, sent = ipn.received[0]
    assert path == "/cgi-bin/webscr" and sent == b"cmd=_notify-validate&" + BODY
    r2 = client.post(URL, BODY, content_type=CT)
    assert r2.status_code == 200
    rows = stored()
    assert [n.verdict for n in rows] == ["applied", "already_applied"]
    assert bytes(rows[0].body) == BODY and rows[0].transaction_id == "6G996328CK404320L"
    assert rows[0].status_code == "Completed"
    assert len(status_changes) == 1


def test_invalid_postback_applies_nothing_and_keeps_the_raw_body(client: Any, paypal_settings: Any,
                                                                 ipn: PostbackServer) -> None:
    payment = new_payment()
    ipn.body = b"INVALID"
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 409 and r.content == b"INVALID"
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.verdict == "unverified" and row.error_code == "postback_invalid" and bytes(row.body) == BODY


def test_postback_500_is_retried_later(client: Any, paypal_settings: Any, ipn: PostbackServer) -> None:
    payment = new_payment()
    ipn.status, ipn.body = 500, b"oops"
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 503
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.verdict == "postback_failed" and row.error_code == "postback_failed"
    # PayPal delivers again once its verifier answers: applied then.
    ipn.status, ipn.body = 200, b"VERIFIED"
    assert client.post(URL, BODY, content_type=CT).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_no_payment_is_payment_not_found(client: Any, paypal_settings: Any) -> None:
    r = client.post(URL, FIXTURE.encode(), content_type=CT)
    assert r.status_code == 503 and r.content == b"payment_not_found"
    row = Notification.objects.get(gateway="paypal")
    assert row.verdict == "no_payment" and row.error_code == "payment_not_found"


def test_another_receiver_is_rejected(client: Any, paypal_settings: Any) -> None:
    payment = new_payment()
    body = BODY.replace(b"receiver_email=tobi%40leetsoft.com", b"receiver_email=mallory%40example.com")
    body = body.replace(b"business=tobi%40leetsoft.com", b"business=mallory%40example.com")
    r = client.post(URL, body, content_type=CT)
    assert r.status_code == 422
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.error_code == "merchant_mismatch" and bytes(row.body) == body


def test_malformed_and_unknown_account(client: Any, paypal_settings: Any) -> None:
    assert client.post(URL, b"txn_id=1", content_type=CT).status_code == 422
    assert client.post("/vpos/paypal/nope/", BODY, content_type=CT).status_code == 404
    assert Notification.objects.filter(gateway="paypal").count() == 2


def test_wrong_amount_is_rejected_not_applied(client: Any, paypal_settings: Any) -> None:
    payment = new_payment(amount="499.99")
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 409
    payment.refresh_from_db()
    assert payment.status == "new"
    assert stored()[0].verdict == "rejected"


def test_repr_hides_nvp_secrets() -> None:
    gw = hostedpay.paypal.Gateway({**PAYPAL, "nvp": {"user": "api-user", "password": "pw-SECRET-1",
                                               "signature": "sig-SECRET-2",
                                               "api_url": "https://api-3t.sandbox.paypal.com/nvp"}})
    text = repr(gw)
    assert "SECRET" not in text and "***" in text and "tobi@leetsoft.com" in text


def test_config_errors_name_the_key() -> None:
    with pytest.raises(hostedpay.ConfigError) as e:
        hostedpay.paypal.Gateway({**PAYPAL, "ipn_url": "not a url"})
    assert e.value.field == "ipn_url"
    hostedpay.paypal.Gateway({**PAYPAL, "ipn_url": "not a url"}, validate=False)

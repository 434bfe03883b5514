"""Santander Elavon in Django, end to end through the test client and a real database: the
HPP form with the host's UTC timestamp, the public X8 HPP response (secret ``shared-secret``,
USD) verified by ``SHA1HASH``, duplicates applied once, forged responses kept and refused, no
payment, and the binding's repr."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Dict, List

import pytest
from django.template import Context, Template

import hostedpay
from hostedpay.django.models import Notification, Payment

from tests.conftest import FLOCASH

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/elavon/default/"

ELAVON: Dict[str, Any] = {
    "merchant_id": "thestore", "account": "internet", "secret": "shared-secret",
    "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay",
    "response_url": "https://shop.example/vpos/elavon/default/",
    "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote",
    "rebate_password": "rebate-pw", "currency": "USD", "auto_settle": True,
}
ORDER = "ORD453-1120130814122239"
# tests/vectors/elavon/elavon.json, "real HPP response" (X8).
BODY = ("MERCHANT_ID=thestore&ACCOUNT=internet&CHECKOUT_ID=ORD453-11&ORDER_ID=ORD453-1120130814122239"
        "&TIMESTAMP=20130814122239&AMOUNT=5000&X-CURRENCY=USD&SHA1HASH=f8d84f29ecb705f1ee8857f46e07dfd6815d48e1"
        "&RESULT=00&AUTHCODE=123420&MESSAGE=AUTHCODE=123420&PASREF=13649024563820&AVSPOSTCODERESULT=U"
        "&AVSADDRESSRESULT=U&CVNRESULT=M&BATCHID=870").encode()


@pytest.fixture
def elavon_settings(settings: Any) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH), "elavon": dict(ELAVON)}
    return settings


def new_payment(amount: str = "50.00") -> Payment:
    return Payment.objects.create(gateway="elavon", order_id=ORDER, currency="USD", amount=Decimal(amount))


def stored() -> List[Notification]:
    return list(Notification.objects.filter(gateway="elavon").order_by("id"))


def test_checkout_form_carries_the_hosts_utc_timestamp(elavon_settings: Any) -> None:
    payment = new_payment()
    assert payment.merchant == "thestore"
    form = payment.checkout_form()
    fields = dict(form.fields)
    assert form.action == ELAVON["checkout_url"]
    assert re.fullmatch(r"20\d{12}", fields["TIMESTAMP"])
    assert fields["ORDER_ID"] == ORDER and fields["AMOUNT"] == "5000" and fields["CURRENCY"] == "USD"
    # X2-style hash chain over the host's timestamp, as the core computes it.
    assert fields["SHA1HASH"] == hostedpay.elavon.hash([fields["TIMESTAMP"], "thestore", ORDER, "5000", "USD"],
                                                  "shared-secret")
    fixed = payment.checkout_form(timestamp="20130814122239")
    assert dict(fixed.fields)["TIMESTAMP"] == "20130814122239"
    html = Template("{% load vpos %}{% vpos_checkout_form payment %}").render(Context({"payment": payment}))
    assert 'name="SHA1HASH"' in html


def test_signed_response_pays_once(client: Any, elavon_settings: Any, status_changes: List[Dict[str, Any]]) -> None:
    payment = new_payment()
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 200, r.content
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert client.post(URL, BODY, content_type=CT).status_code == 200
    rows = stored()
    assert [n.verdict for n in rows] == ["applied", "already_applied"]
    assert rows[0].transaction_id == "13649024563820" and rows[0].status_code == "00"
    assert len(status_changes) == 1


def test_forged_response_applies_nothing_and_keeps_the_raw_body(client: Any, elavon_settings: Any) -> None:
    payment = new_payment()
    forged = BODY.replace(b"RESULT=00", b"RESULT=01")
    r = client.post(URL, forged, content_type=CT)
    assert r.status_code == 403 and r.content == b"signature_mismatch"
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.verdict == "unverified" and bytes(row.body) == forged


def test_no_payment_and_unknown_account(client: Any, elavon_settings: Any) -> None:
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 503 and r.content == b"payment_not_found"
    (row,) = stored()
    assert row.verdict == "no_payment"
    assert client.post("/vpos/elavon/nope/", BODY, content_type=CT).status_code == 404


def test_amount_mismatch_is_rejected(client: Any, elavon_settings: Any) -> None:
    payment = new_payment(amount="49.99")
    assert client.post(URL, BODY, content_type=CT).status_code == 409
    payment.refresh_from_db()
    assert payment.status == "new"


def test_repr_hides_the_secrets() -> None:
    text = repr(hostedpay.elavon.Gateway(ELAVON))
    assert "shared-secret" not in text and "rebate-pw" not in text and "***" in text and "thestore" in text

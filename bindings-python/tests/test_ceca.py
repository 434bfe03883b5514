"""CECA in Django, end to end through the test client and a real database: the signed
checkout form, the public vector notification (key 99888888, merchant 111950028) verified by
``Firma`` and answered ``$*$OKY$*$``, duplicates applied once, forged ones kept and refused, no
payment, and the binding's repr."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List

import pytest
from django.template import Context, Template

import hostedpay
from hostedpay.django.models import Notification, Payment

from tests.conftest import FLOCASH

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/ceca/default/"

CECA: Dict[str, Any] = {
    "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003", "key": "99888888",
    "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
    "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es",
}
# tests/vectors/ceca/ceca.json, "notification verifies: paid".
FIELDS = ("MerchantID=111950028&AcquirerBIN=0000554052&TerminalID=00000003&Num_operacion=123&Importe={importe}"
          "&TipoMoneda=978&Exponente=2&Referencia=000000000000000000001&Num_aut=101000&Pais=724&Descripcion=Tea"
          "&Firma={firma}")
FIRMA = "9a70c19c67edffbdd6ddb0d1e612327f01876d74ccf5c89a820376db38945462"
BODY = FIELDS.format(importe="500", firma=FIRMA).encode()


@pytest.fixture
def ceca_settings(settings: Any) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH), "ceca": dict(CECA)}
    return settings


def new_payment(order_id: str = "123", amount: str = "5.00") -> Payment:
    return Payment.objects.create(gateway="ceca", order_id=order_id, currency="EUR", amount=Decimal(amount),
                                  item_name="Tea")


def stored() -> List[Notification]:
    return list(Notification.objects.filter(gateway="ceca").order_by("id"))


def test_checkout_form_is_signed(ceca_settings: Any) -> None:
    payment = new_payment()
    assert payment.merchant == "111950028"
    form = payment.checkout_form()
    fields = dict(form.fields)
    assert form.action == CECA["checkout_url"]
    assert fields["Num_operacion"] == "123" and fields["Importe"] == "500" and fields["TipoMoneda"] == "978"
    # The Cecabank manual example's Firma (vector "SHA2 Firma"; Descripcion is not signed).
    assert fields["Firma"] == "2b7f686593f1a424c510321e4bc354d21924e02e980a90f4d46c41f92a06f5a9"
    html = Template("{% load vpos %}{% vpos_checkout_form payment %}").render(Context({"payment": payment}))
    assert html == form.to_html()


def test_checkout_form_carries_3ds_data(ceca_settings: Any) -> None:
    """``cardholder`` reaches CECA as ``datos_acs_20`` + ``firma_acs_20``; ``Firma`` is unchanged."""
    import base64
    import hashlib

    payment = new_payment()
    fields = dict(payment.checkout_form(cardholder={"email": "ana@example.com"}).fields)
    assert fields["Firma"] == "2b7f686593f1a424c510321e4bc354d21924e02e980a90f4d46c41f92a06f5a9"
    assert base64.b64decode(fields["datos_acs_20"]) == b'{"CARDHOLDER":{"EMAIL":"ana@example.com"}}'
    assert fields["firma_acs_20"] == hashlib.sha256(b"99888888" + fields["datos_acs_20"].encode()).hexdigest()
    assert "datos_acs_20" not in dict(payment.checkout_form().fields)


def test_signed_notification_pays_once(client: Any, ceca_settings: Any,
                                       status_changes: List[Dict[str, Any]]) -> None:
    payment = new_payment()
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 200 and r.content == b"$*$OKY$*$"
    payment.refresh_from_db()
    assert payment.status == "paid"
    r2 = client.post(URL, BODY, content_type=CT)
    assert r2.status_code == 200 and r2.content == b"$*$OKY$*$"
    rows = stored()
    assert [n.verdict for n in rows] == ["applied", "already_applied"]
    assert rows[0].order_id == "123" and rows[0].transaction_id == "000000000000000000001"
    assert len(status_changes) == 1


def test_forged_notification_applies_nothing_and_keeps_the_raw_body(client: Any, ceca_settings: Any) -> None:
    payment = new_payment()
    forged = FIELDS.format(importe="5000", firma=FIRMA).encode()  # tampered Importe
    r = client.post(URL, forged, content_type=CT)
    assert r.status_code == 403 and r.content == b"signature_mismatch"
    payment.refresh_from_db()
    assert payment.status == "new"
    (row,) = stored()
    assert row.verdict == "unverified" and row.error_code == "signature_mismatch" and bytes(row.body) == forged


def test_amount_mismatch_is_not_confirmed(client: Any, ceca_settings: Any) -> None:
    payment = new_payment(amount="50.00")
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 200 and r.content == b""  # not $*$OKY$*$: CECA cancels
    payment.refresh_from_db()
    assert payment.status == "new"
    assert stored()[0].verdict == "rejected"


def test_no_payment_and_unknown_account(client: Any, ceca_settings: Any) -> None:
    r = client.post(URL, BODY, content_type=CT)
    assert r.status_code == 422 and b"payment_not_found" in r.content and b"OKY" not in r.content
    (row,) = stored()
    assert row.verdict == "no_payment" and row.error_code == "payment_not_found"
    assert client.post("/vpos/ceca/nope/", BODY, content_type=CT).status_code == 404
    assert client.post(URL, b"MerchantID=1", content_type=CT).status_code == 422


def test_repr_hides_the_key() -> None:
    text = repr(hostedpay.ceca.Gateway(CECA))
    assert "99888888" not in text and "***" in text and "111950028" in text


def test_bad_config_is_a_system_check(settings: Any) -> None:
    from django.core.checks import run_checks

    settings.VPOS = {"flocash": dict(FLOCASH), "ceca": {**CECA, "merchant_id": "12"}}
    errors = [e for e in run_checks() if e.id == "vpos.E003"]
    assert errors and "merchant_id" in errors[0].msg + (errors[0].hint or "")

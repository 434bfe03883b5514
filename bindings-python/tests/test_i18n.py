"""Translations (issue 18 items 1 and 3): the committed catalogues are exactly their compiled
.po files and ship in the installed wheel; the customer's status text and the admin render in
Spanish (and French) with a real Redsys notification applied through the notification view."""

from __future__ import annotations

import datetime
import gettext
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

import hostedpay
import hostedpay.django
from hostedpay.django import customer
from hostedpay.django.models import Payment

from tests.redsys_helpers import REDSYS, REPO, signed_notification
from tools.msgfmt import compile_mo, parse_po

CT = "application/x-www-form-urlencoded"
#: Every catalogue in the repository: the Django app's and the demo shop's.
CATALOGUES = sorted([*(REPO / "bindings-python/python/hostedpay/django/locale").glob("*/LC_MESSAGES/django.po"),
                     *(REPO / "examples/django-shop/store/locale").glob("*/LC_MESSAGES/django.po")])
LANGUAGES = ("es", "fr")


def test_there_are_catalogues_for_each_language() -> None:
    langs = {(p.parts[-5], p.parts[-3]) for p in CATALOGUES}
    assert langs == {(where, lang) for where in ("django", "store") for lang in LANGUAGES}, langs


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: "/".join(p.parts[-5:-2]))
def test_each_committed_mo_is_its_compiled_po(po: Path) -> None:
    catalogue = parse_po(po.read_text(encoding="utf-8"), str(po))
    assert po.with_suffix(".mo").read_bytes() == compile_mo(catalogue), \
        f"stale {po.with_suffix('.mo')}: run python3 bindings-python/tools/msgfmt.py {po}"
    # Complete: every message of the .po is translated (no fuzzy, no empty msgstr).
    ids = [line for line in po.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")]
    assert len(catalogue) == len(ids), "an untranslated or fuzzy entry"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_installed_package_ships_the_compiled_catalogues(lang: str) -> None:
    installed = Path(hostedpay.django.__file__).parent / "locale" / lang / "LC_MESSAGES" / "django.mo"
    source = REPO / "bindings-python/python/hostedpay/django/locale" / lang / "LC_MESSAGES" / "django.mo"
    assert installed.read_bytes() == source.read_bytes()
    assert gettext.GNUTranslations(installed.open("rb")).gettext("Refund") == {"es": "Reembolso",
                                                                               "fr": "Remboursement"}[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_cores_flocash_labels_are_translated(lang: str) -> None:
    # The labels are the core's own text, used as message ids: each code reads translated.
    with translation.override(lang):
        for code in ("0000", "0001", "0002", "0003", "0004"):
            label = hostedpay.flocash.status_label(code)
            assert label and customer.reason_for("flocash", code).text not in ("", label), (code, label)


def declined(client: Any, response: str = "0180") -> Payment:
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("49.99"), item_name="Tea")
    body = signed_notification(REDSYS, payment.order_id, 4999, response=response)
    assert client.post("/vpos/redsys/default/", body, content_type=CT).status_code == 200
    payment.refresh_from_db()
    return payment


STATUS = Template("{% load vpos %}{% vpos_payment_status payment %}")


@pytest.mark.django_db
def test_customer_reads_a_redsys_decline_in_spanish_and_french(settings: Any, client: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    payment = declined(client)
    assert payment.status == "failed"
    with translation.override("es"):
        html = STATUS.render(Context({"payment": payment}))
    assert "Pago denegado" in html and "Esta tarjeta no se puede usar para este pago." in html
    assert "código 0180 de Redsys" in html and "Tarjeta ajena al servicio." in html  # the core's table
    with translation.override("fr"):
        html = STATUS.render(Context({"payment": payment}))
    assert "Paiement refusé" in html and "Cette carte ne peut pas servir pour ce paiement." in html
    with translation.override("en"):
        text = customer.status_text(payment)
    assert (text.headline, text.reason.code, text.paid_with) == ("Payment declined", "0180", False)


@pytest.mark.django_db
def test_a_code_without_its_own_sentence_reads_by_the_cores_meaning(settings: Any, client: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    payment = declined(client, "0125")  # "Tarjeta no efectiva.": denied in the core's table
    with translation.override("es"):
        text = customer.status_text(payment)
    assert text.reason.text == "El banco o la pasarela de pago ha denegado el pago."
    assert text.reason.gateway_message == hostedpay.redsys.response_message("0125")


@pytest.mark.django_db
def test_a_ceca_payment_without_notification_reads_not_completed_after_the_window(settings: Any) -> None:
    settings.VPOS_CECA_NOTIFICATION_WINDOW = 30
    payment = Payment.objects.create(gateway="ceca", currency="EUR", amount=Decimal("10"), order_id="C1")
    back = payment.modified
    with translation.override("es"):
        early = customer.status_text(payment, returned_at=back, now=back + datetime.timedelta(seconds=29))
        late = customer.status_text(payment, returned_at=back, now=back + datetime.timedelta(seconds=31))
    assert (early.headline, early.not_completed, early.settled) == ("Esperando el pago", False, False)
    assert (late.headline, late.not_completed, late.settled) == ("Pago no completado", True, True)
    assert "30 segundos" in late.reason.text
    payment.refresh_from_db()
    assert payment.status == "new"  # nothing changed: a late notification still applies


@pytest.mark.django_db
def test_the_admin_in_spanish(settings: Any, client: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    settings.LANGUAGE_CODE = "es"
    payment = declined(client, "0000")
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@example.com", "pw"))
    html = client.get(f"/admin/vpos/payment/{payment.pk}/change/").content.decode()
    for text in ("Reembolsar, capturar o liberar", "Reembolsable:", "49.99 EUR", "Solicitar a la pasarela",
                 "Pasarela:", "Número de pedido:", "Pagado", "Aplicada", "Guardar"):
        assert text in html, text
    listing = client.get("/admin/vpos/payment/").content.decode()
    assert "Reembolsar lo que queda de los pagos seleccionados" in listing and "pagos" in listing
    index = client.get("/admin/").content.decode()
    assert "Pagos (vpos)" in index and "Cuentas de comercio" in index
    add = client.get("/admin/vpos/merchantaccount/add/").content.decode()
    assert "Secretos (solo escritura, cifrados en reposo)" in add and "Solo se muestran los campos" in add

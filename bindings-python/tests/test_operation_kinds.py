"""``Refund.kind`` in the core's words since migration 0008: the gateway names rows had before
(Redsys confirm/cancel, Elavon settle/void) become ``capture``/``release``, and back."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from hostedpay import driver
from hostedpay.django.models import Payment, Refund

migration = importlib.import_module("hostedpay.django.migrations.0008_operation_kinds")


@pytest.mark.django_db
def test_old_kinds_migrate_forward_and_back() -> None:
    redsys = Payment.objects.create(gateway="redsys", account="nosuch", order_id="1234A", amount_minor=100,
                                    currency="EUR")
    elavon = Payment.objects.create(gateway="elavon", account="nosuch", order_id="E1", amount_minor=100,
                                    currency="EUR")
    rows = {(p, k): Refund.objects.create(payment=p, kind=k, amount_minor=100, currency="EUR")
            for p, k in ((redsys, "confirm"), (redsys, "cancel"), (elavon, "settle"), (elavon, "void"),
                         (redsys, "refund"))}
    migration.forward(apps, None)
    assert {key[1]: Refund.objects.get(pk=r.pk).kind for key, r in rows.items()} == {
        "confirm": "capture", "cancel": "release", "settle": "capture", "void": "release", "refund": "refund"}
    migration.backward(apps, None)
    assert {key[1]: Refund.objects.get(pk=r.pk).kind for key, r in rows.items()} == {
        "confirm": "confirm", "cancel": "cancel", "settle": "settle", "void": "void", "refund": "refund"}


def test_kinds_are_the_cores_and_old_names_stay_readable() -> None:
    assert [k for k, _ in Refund.KINDS] == list(driver.OPERATION_KINDS)
    assert {Refund.LEGACY_KINDS[k] for k in ("confirm", "settle", "cancel", "void")} == {"capture", "release"}

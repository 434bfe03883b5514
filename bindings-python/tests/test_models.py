"""Payments store money exactly; status moves only through the core."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

import hostedpay
from hostedpay.django.models import Notification, Payment, get_payment_model

pytestmark = pytest.mark.django_db


def test_amounts_are_exact_minor_units() -> None:
    p = Payment(order_id="A1", currency="EUR", amount=Decimal("400.0"), item_price="200", quantity=2)
    assert (p.amount_minor, p.item_price_minor) == (40000, 20000)
    assert p.amount == Decimal("400.00") and p.item_price == Decimal("200.00")
    assert p.amount_json() == {"minor": 40000, "currency": "EUR", "value": "400.00"}
    assert Payment(order_id="A2", currency="KWD", amount="1.234").amount_minor == 1234
    assert Payment(order_id="A3", currency="XOF", amount="100.00").amount_minor == 100


def test_amount_refuses_floats_and_rounding() -> None:
    with pytest.raises(TypeError, match="amount: .*float"):
        Payment(order_id="A1", currency="EUR", amount=400.0)
    with pytest.raises(hostedpay.AmountError) as exc:
        Payment(order_id="A1", currency="EUR", amount="12.345")
    assert (exc.value.code, exc.value.field) == ("amount_precision", "amount")
    with pytest.raises(hostedpay.AmountError) as exc:
        Payment(order_id="A1", currency="JPY", item_price="1.5")
    assert exc.value.field == "item_price"
    with pytest.raises(ValueError, match="currency before amount"):
        Payment(order_id="A1", amount="1")


def test_merchant_comes_from_the_account_settings(settings) -> None:
    from tests.conftest import FLOCASH

    settings.VPOS = {"flocash": dict(FLOCASH)}
    p = Payment.objects.create(order_id="A1", currency="EUR", amount="1")
    assert p.merchant == "test@merchant.com" and (p.gateway, p.account) == ("flocash", "default")


def test_payments_of_a_test_account_are_not_live(settings) -> None:
    from tests.conftest import FLOCASH

    settings.VPOS = {"flocash": {**FLOCASH, "accounts": {"testing": {**FLOCASH, "live": False}}}}
    assert Payment.objects.create(order_id="A1", currency="EUR", amount="1").live is True
    assert Payment.objects.create(order_id="A1", currency="EUR", amount="1", account="testing").live is False


def test_status_changes_only_through_transitions() -> None:
    p = Payment.objects.create(order_id="A1", currency="EUR", amount="1")
    p.status = "paid"
    with pytest.raises(ValueError, match="only through vpos transitions"):
        p.save()
    assert Payment.objects.get().status == "new"
    # Imports may create rows in any status.
    Payment.objects.create(order_id="A2", currency="EUR", amount="1", status="paid")


def test_one_order_per_account() -> None:
    Payment.objects.create(order_id="A1", currency="EUR", amount="1")
    Payment.objects.create(order_id="A1", currency="EUR", amount="1", account="testing")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(order_id="A1", currency="EUR", amount="2")


def test_pending_manager_and_is_pending() -> None:
    new = Payment.objects.create(order_id="A1", currency="EUR", amount="1")
    pending = Payment.objects.create(order_id="A2", currency="EUR", amount="1", status="pending")
    Payment.objects.create(order_id="A3", currency="EUR", amount="1", status="cancelled")
    assert list(Payment.objects.pending()) == [pending]
    assert pending.is_pending and not new.is_pending
    assert not Payment(order_id="A4", currency="EUR", amount="1", status="pending").is_pending


def test_payment_survives_user_deletion() -> None:
    user = get_user_model().objects.create(username="test")
    p = Payment.objects.create(order_id="A1", currency="EUR", amount="1", client=user)
    user.delete()
    p.refresh_from_db()
    assert p.client_id is None


def test_snapshot_is_the_core_shape_with_applied_keys() -> None:
    p = Payment.objects.create(order_id="A1", currency="EUR", amount="23.45", merchant="m@x.example", live=False)
    Notification.objects.create(gateway="flocash", body=b"", payment=p, applied_event_key="flocash:F:T:sale:0004")
    Notification.objects.create(gateway="flocash", body=b"", payment=p, event_key="flocash:F:T:sale:0004")
    assert p.snapshot() == {
        "gateway": "flocash", "merchant": "m@x.example", "order_id": "A1",
        "amount": {"minor": 2345, "currency": "EUR"}, "status": "new", "live": False,
        "refunded_minor": 0, "released_minor": 0, "multiple_captures": False,
        "applied_event_keys": ["flocash:F:T:sale:0004"],
    }


def test_applied_event_key_is_unique_per_gateway_but_retries_are_stored() -> None:
    for _ in range(3):
        Notification.objects.create(gateway="flocash", body=b"x", event_key="k")  # raw retries
    Notification.objects.create(gateway="flocash", body=b"x", applied_event_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(gateway="flocash", body=b"x", applied_event_key="k")
    assert Notification.objects.count() == 4


def test_flocash_order_and_default_model() -> None:
    assert get_payment_model() is Payment
    p = Payment(order_id="A1", custom="C1", item_name="Tea", currency="USD", amount="5.00", item_price="2.50",
                quantity=2, country="KE")
    assert p.checkout_order(return_url="https://shop.example/thanks").to_dict() == {
        "gateway": "flocash", "order_id": "A1", "custom": "C1", "item_name": "Tea",
        "item_price": {"minor": 250, "currency": "USD", "value": "2.50"}, "quantity": 2,
        "amount": {"minor": 500, "currency": "USD", "value": "5.00"}, "country": "KE",
        "customer": {}, "return_url": "https://shop.example/thanks",
    }
    # The per-gateway helper stays, deprecated, over the same path.
    with pytest.deprecated_call():
        old = p.flocash_order(return_url="https://shop.example/thanks")
    assert old == {k: v for k, v in p.checkout_order(return_url="https://shop.example/thanks").to_dict().items()
                   if k != "gateway"}

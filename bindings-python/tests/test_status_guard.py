"""A payment's status (and refunded total) moves only through the core's transitions, on rows
loaded from the database too: save(), save(update_fields=...), QuerySet.update, bulk_update,
the admin's change form. Each refusal leaves the stored row as it was."""

from __future__ import annotations

import pickle
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model

import hostedpay
from hostedpay.django.models import Payment, StatusChangeRefused

pytestmark = pytest.mark.django_db


def make(status: str = "new", **kw: Any) -> Payment:
    return Payment.objects.create(order_id=kw.pop("order_id", "G1"), currency="EUR", amount="10", status=status, **kw)


def stored(p: Payment) -> tuple:
    return tuple(Payment.objects.filter(pk=p.pk).values_list("status", "refunded_minor").get())


def transition(p: Payment, new_status: str, refunded_minor: int = 0) -> None:
    """What apply_event does with an applied outcome (the legitimate path)."""
    p.apply_outcome(SimpleNamespace(new_status=new_status, refunded_minor=refunded_minor,
                                    captured_minor=p.amount_minor if new_status == "paid" else 0, released_minor=0))
    p.save_transition()


@pytest.mark.parametrize("old,new", [("paid", "new"), ("new", "paid"), ("paid", "refunded")])
def test_save_of_a_loaded_row_refuses_a_status_change(old: str, new: str) -> None:
    p = make(old)
    loaded = Payment.objects.get(pk=p.pk)
    loaded.status = new
    with pytest.raises(StatusChangeRefused) as exc:
        loaded.save()
    e = exc.value
    assert isinstance(e, hostedpay.ConsistencyError) and isinstance(e, ValueError)  # `except ValueError` still works
    assert (e.code, e.field) == ("invalid_transition", "status") and e.code in hostedpay.error_codes()
    assert f"{old} -> {new} refused" in e.message
    assert stored(p) == (old, 0)
    # Pickles (e.g. through a task queue) as the same refusal.
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is StatusChangeRefused and again.to_dict() == e.to_dict()


def test_save_with_update_fields_refuses_a_status_change() -> None:
    p = make("paid")
    loaded = Payment.objects.get(pk=p.pk)
    loaded.status = "new"
    loaded.item_name = "changed"
    for fields in (["status"], ["status", "item_name"], ["item_name"]):
        with pytest.raises(StatusChangeRefused):
            loaded.save(update_fields=fields)
    assert stored(p) == ("paid", 0)
    assert Payment.objects.get(pk=p.pk).item_name == ""


def test_refunded_minor_is_guarded_too() -> None:
    p = make("paid")
    loaded = Payment.objects.get(pk=p.pk)
    loaded.refunded_minor = 1000
    with pytest.raises(StatusChangeRefused) as exc:
        loaded.save()
    assert exc.value.field == "refunded_minor"
    assert stored(p) == ("paid", 0)


def test_queryset_update_and_bulk_update_refuse_status() -> None:
    p = make("paid")
    with pytest.raises(StatusChangeRefused) as exc:
        Payment.objects.filter(pk=p.pk).update(status="new")
    assert exc.value.code == "invalid_transition"
    with pytest.raises(StatusChangeRefused):
        Payment.objects.filter(pk=p.pk).update(item_name="x", refunded_minor=5)
    loaded = Payment.objects.get(pk=p.pk)
    loaded.status = "refunded"
    with pytest.raises(StatusChangeRefused):
        Payment.objects.bulk_update([loaded], ["status"])
    with pytest.raises(StatusChangeRefused):
        Payment.objects.bulk_create([Payment(order_id="G1", currency="EUR", amount="10", status="new")],
                                    update_conflicts=True, unique_fields=["gateway", "account", "order_id"],
                                    update_fields=["status"])
    assert stored(p) == ("paid", 0)
    # Other fields update as usual.
    assert Payment.objects.filter(pk=p.pk).update(item_name="renamed") == 1
    assert Payment.objects.get(pk=p.pk).item_name == "renamed"


def test_a_stale_copy_never_writes_the_old_status_back() -> None:
    p = make("new")
    stale = Payment.objects.get(pk=p.pk)
    transition(Payment.objects.get(pk=p.pk), "paid")  # a notification arrives meanwhile
    stale.item_name = "gift wrap"
    stale.save()  # the shop saves its older copy
    assert stored(p) == ("paid", 0)
    assert Payment.objects.get(pk=p.pk).item_name == "gift wrap"
    # The legitimate path keeps working on a row loaded from the database.
    loaded = Payment.objects.get(pk=p.pk)
    transition(loaded, "refunded", 1000)
    assert stored(p) == ("refunded", 1000)
    loaded.item_name = "after refund"
    loaded.save()
    assert stored(p) == ("refunded", 1000)


def test_refresh_from_db_and_deferred_loading_are_tracked() -> None:
    p = make("new")
    mine = Payment.objects.get(pk=p.pk)
    transition(Payment.objects.get(pk=p.pk), "paid")
    mine.refresh_from_db()
    assert mine.status == "paid"
    mine.item_name = "ok"
    mine.save()  # what was read is what is stored: an ordinary save
    mine.status = "new"
    with pytest.raises(StatusChangeRefused):
        mine.save()
    # refresh_from_db of other fields does not bless an edited status.
    mine.refresh_from_db(fields=["item_name"])
    with pytest.raises(StatusChangeRefused):
        mine.save()
    # Status deferred at load time: read lazily, or checked against the database when set.
    lazy = Payment.objects.defer("status").get(pk=p.pk)
    assert lazy.status == "paid"
    lazy.status = "new"
    with pytest.raises(StatusChangeRefused):
        lazy.save()
    blind = Payment.objects.only("order_id").get(pk=p.pk)
    blind.status = "cancelled"
    with pytest.raises(StatusChangeRefused):
        blind.save()
    assert stored(p) == ("paid", 0)


def test_a_new_instance_with_an_existing_pk_cannot_overwrite_the_status() -> None:
    p = make("paid")
    clone = Payment(pk=p.pk, order_id="G1", currency="EUR", amount="10", status="new")
    with pytest.raises(StatusChangeRefused):
        clone.save()
    assert stored(p) == ("paid", 0)
    # Creating rows in any status stays allowed (imports from djflocash).
    assert make("refunded", order_id="G2").status == "refunded"


def test_admin_change_form_cannot_change_the_status(client) -> None:
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    p = make("paid")
    url = f"/admin/vpos/payment/{p.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields and "refunded_minor" not in form.fields
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
    data.update({"item_name": "edited in the admin", "status": "new", "refunded_minor": "1000"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(p) == ("paid", 0)
    assert Payment.objects.get(pk=p.pk).item_name == "edited in the admin"

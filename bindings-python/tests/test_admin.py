"""Admin: payments filter by gateway and status with notifications inline; raw bodies read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from hostedpay.django.models import Notification, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def rows():
    paid = Payment.objects.create(order_id="PAID-1", currency="EUR", amount="1", status="paid")
    Payment.objects.create(order_id="NEW-1", currency="EUR", amount="2")
    n = Notification.objects.create(gateway="flocash", body="order_id=PAID-1&x=<b>é".encode(), payment=paid,
                                    verdict="applied", order_id="PAID-1", event_key="flocash:k",
                                    applied_event_key="flocash:k")
    return paid, n


def test_payment_changelist_filters(staff, rows) -> None:
    html = staff.get("/admin/vpos/payment/?status__exact=paid&gateway__exact=flocash").content.decode()
    assert "PAID-1" in html and "NEW-1" not in html
    html = staff.get("/admin/vpos/payment/?status__exact=new").content.decode()
    assert "NEW-1" in html and "PAID-1" not in html


def test_payment_page_shows_notifications_inline_and_status_read_only(staff, rows) -> None:
    paid, n = rows
    html = staff.get(f"/admin/vpos/payment/{paid.pk}/change/").content.decode()
    assert "flocash:k" in html and "Applied" in html  # the inline notification
    assert 'name="status"' not in html  # status is not a form field
    # A notification was applied: the money is shown in major units, read-only.
    assert 'name="amount_minor"' not in html and 'name="amount"' not in html and "1.00 EUR" in html


def test_notification_is_read_only_with_its_raw_body(staff, rows) -> None:
    _, n = rows
    response = staff.get(f"/admin/vpos/notification/{n.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "order_id=PAID-1&amp;x=&lt;b&gt;é" in html  # shown, escaped
    assert 'name="_save"' not in html
    assert staff.get("/admin/vpos/notification/add/").status_code == 403
    assert staff.post(f"/admin/vpos/notification/{n.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=n.pk).exists()
    html = staff.get("/admin/vpos/notification/?verdict__exact=applied&gateway__exact=flocash").content.decode()
    assert "PAID-1" in html

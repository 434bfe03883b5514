"""An event whose key is already applied to another payment (issue 15, 3c): refused with a
stable 4xx (the gateway's reject for ``order_mismatch``), verdict ``rejected``, no payment
moved, no event stored; a retry is refused the same way (it used to be a permanent 500)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from hostedpay.django.models import EventKeyConflict, Notification, Payment, PaymentEvent

from tests.conftest import BASE_PAYLOAD, payload

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/vpos/flocash/default/test-test-test/"
CT = "application/x-www-form-urlencoded"


def test_an_event_key_applied_to_another_payment_is_a_stable_4xx(client, vpos_settings, status_changes) -> None:
    first = Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"))
    other = Payment.objects.create(order_id="other order", currency="EUR", amount=Decimal("123"))
    assert client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT).content == b"00"
    # Same FloCash fpn_id/trans_id (the event key), another order.
    reused = payload(order_id="other order")
    for _ in range(2):  # the gateway's retry gets the same answer
        response = client.post(URL, data=reused, content_type=CT)
        assert response.status_code == 422
        [error] = json.loads(response.content)["errors"]
        assert (error["code"], error["field"]) == ("order_mismatch", "order_id")
        assert "another payment" in error["message"] and "test order" not in error["message"]
    first.refresh_from_db()
    other.refresh_from_db()
    assert (first.status, other.status) == ("paid", "new")
    rows = list(Notification.objects.order_by("id"))
    assert [(r.verdict, r.response_status) for r in rows] == [("applied", 200), ("rejected", 422), ("rejected", 422)]
    for row in rows[1:]:
        assert (row.payment_id, row.error_code, row.applied_event_key) == (other.pk, "order_mismatch", None)
        assert row.event_key == rows[0].applied_event_key and row.detail["code"] == "order_mismatch"
    assert list(PaymentEvent.objects.values_list("payment_id", flat=True)) == [first.pk]
    assert [(c["payment"].pk, c["new_status"]) for c in status_changes] == [(first.pk, "paid")]


def test_event_key_conflict_is_a_consistency_error_with_a_core_code() -> None:
    import hostedpay

    e = EventKeyConflict(Payment(order_id="B1"), "flocash:f:t:sale:0000")
    assert isinstance(e, hostedpay.ConsistencyError) and e.code in hostedpay.error_codes()
    assert e.to_dict()["code"] == "order_mismatch"


def test_an_operation_reply_whose_event_moved_another_payment_is_left_for_a_person(settings, client) -> None:
    import hostedpay
    from tests.conftest import FLOCASH
    from tests.redsys_helpers import REDSYS, RestStandIn, signed_notification

    settings.VPOS = {"flocash": dict(FLOCASH), "redsys": dict(REDSYS)}
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("49.99"))
    decoy = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("49.99"))
    body = signed_notification(REDSYS, payment.order_id, 4999)
    assert client.post("/vpos/redsys/default/", body, content_type=CT).status_code == 200
    stand_in = RestStandIn(REDSYS)

    def rest(request, timeout):
        reply = stand_in(request, timeout)
        # The same event key already applied to another payment (a corrupt or replayed reply).
        key = hostedpay.redsys.Gateway(dict(REDSYS)).parse_operation_response(reply).event().key
        Notification.objects.create(gateway="redsys", body=b"", payment=decoy, applied_event_key=key, verdict="applied")
        return reply

    refund = payment.refund("10.00", http_client=rest)
    assert (refund.status, refund.error_code) == ("pending", "order_mismatch")
    assert (refund.payment.status, refund.payment.refunded_minor) == ("paid", 0)
    note = refund.notification
    assert (note.verdict, note.error_code, note.payment_id, note.applied_event_key) == (
        "rejected", "order_mismatch", payment.pk, None)
    assert not PaymentEvent.objects.filter(to_status__in=["partially_refunded", "refunded"]).exists()

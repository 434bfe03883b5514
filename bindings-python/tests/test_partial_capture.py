"""Partial and multiple capture (issue 22) through Django, a real database and signed Redsys
REST replies (``RestStandIn`` signs each answer as Redsys would): a capture of less than the
authorisation, the rest released or kept open, refunds bounded by what was captured."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import hostedpay
from hostedpay.django.models import Payment

from tests.redsys_helpers import REDSYS, RestStandIn
from tests.test_redsys_operations import asked, authorized_payment, redsys_settings  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partial_capture_pays_and_releases_the_rest(redsys_settings: Any, client: Any) -> None:  # noqa: F811
    payment = authorized_payment(client)  # 49.99 authorised
    assert payment.capturable_minor() == 4999 and payment.refundable_minor() == 0
    rest = RestStandIn(REDSYS)
    # More than was authorised is refused before anything is asked.
    with pytest.raises(hostedpay.VposError) as exc:
        payment.capture(Decimal("50.00"), http_client=rest)
    assert (exc.value.code, exc.value.field, len(rest.requests)) == ("amount_mismatch", "amount", 0)
    record = payment.capture(Decimal("30.00"), http_client=rest)
    assert (record.kind, record.status, record.amount_minor) == ("capture", "succeeded", 3000)
    assert asked(rest.requests[0][0])["DS_MERCHANT_AMOUNT"] == "3000"
    stored = Payment.objects.get(pk=payment.pk)
    assert (stored.status, stored.captured_minor, stored.released_minor) == ("paid", 3000, 1999)
    # One capture per Redsys authorisation: nothing is left to capture or release.
    assert stored.capturable_minor() == 0 and stored.refundable_minor() == 3000
    for again in (lambda: stored.capture(http_client=rest), lambda: stored.release(http_client=rest)):
        with pytest.raises(hostedpay.ConsistencyError) as exc:
            again()
        assert exc.value.code == "invalid_transition"
    # Refunds are bounded by the 30.00 captured, not the 49.99 authorised.
    with pytest.raises(hostedpay.ConsistencyError) as exc:
        stored.refund(Decimal("30.01"), http_client=rest)
    assert exc.value.code == "refund_exceeds_amount"
    assert stored.refund(Decimal("30.00"), http_client=rest).status == "succeeded"
    stored.refresh_from_db()
    assert (stored.status, stored.refunded_minor, stored.captured_minor) == ("refunded", 3000, 3000)
    assert len(rest.requests) == 2


def test_a_multi_capture_authorisation_is_captured_in_two_parts_and_the_rest_released(
        redsys_settings: Any, client: Any) -> None:  # noqa: F811
    payment = authorized_payment(client, "100.00")
    # The host records how the payment was authorised (not a transition field).
    payment.multiple_captures = True
    payment.save(update_fields=["multiple_captures"])
    rest = RestStandIn(REDSYS)
    first = payment.capture(Decimal("40.00"), http_client=rest)
    second = payment.capture(Decimal("35.00"), http_client=rest)
    assert [(r.status, r.amount_minor) for r in (first, second)] == [("succeeded", 4000), ("succeeded", 3500)]
    payment.refresh_from_db()
    assert (payment.status, payment.captured_minor, payment.released_minor) == ("paid", 7500, 0)
    assert payment.capturable_minor() == 2500
    # Beyond what is still open: refused before asking.
    with pytest.raises(hostedpay.VposError) as exc:
        payment.capture(Decimal("25.01"), http_client=rest)
    assert exc.value.code == "amount_mismatch" and len(rest.requests) == 2
    # The release lets the 25.00 go; the captured 75.00 stays paid and refundable.
    released = payment.release(http_client=rest)
    assert (released.kind, released.status, released.amount_minor) == ("release", "succeeded", 2500)
    sent = asked(rest.requests[2][0])
    assert (sent["DS_MERCHANT_TRANSACTIONTYPE"], sent["DS_MERCHANT_AMOUNT"]) == ("9", "2500")
    payment.refresh_from_db()
    assert (payment.status, payment.captured_minor, payment.released_minor) == ("paid", 7500, 2500)
    assert payment.capturable_minor() == 0 and payment.refundable_minor() == 7500
    assert hostedpay.driver.payment_amounts(payment.snapshot([]))["operations"] == ["refund"]


def test_rows_from_before_captures_were_counted_read_as_captured_in_full(redsys_settings: Any,  # noqa: F811
                                                                         client: Any) -> None:
    payment = authorized_payment(client, "10.00")
    record = payment.capture(http_client=RestStandIn(REDSYS))
    assert record.amount_minor == 1000
    payment.refresh_from_db()
    assert (payment.status, payment.captured_minor, payment.released_minor) == ("paid", 1000, 0)
    # A paid row with no count (NULL, as migrated) is captured in full for the core.
    legacy = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("5.00"), item_name="Tea")
    snapshot = {**legacy.snapshot([]), "status": "paid"}
    assert "captured_minor" not in snapshot
    assert hostedpay.driver.payment_amounts(snapshot)["refundable_minor"] == 500

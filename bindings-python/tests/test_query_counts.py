"""SQL statements per notification, for every gateway: an exact count, no more than a plain view.

One applied notification and one duplicate go through the Django test client with the
database's own commits (``transaction=True``), counted with ``CaptureQueriesContext``. The
count is of statements: ``BEGIN``/``COMMIT`` are left out (the drivers differ in whether they
log them); on PostgreSQL (psycopg logs them) the round trips, statements plus ``BEGIN`` and
``COMMIT``, are asserted too.

An applied notification, in three transactions:

1. ``INSERT`` the notification: raw body and headers, committed before anything can fail
   (autocommitted: no ``BEGIN``/``COMMIT`` round trips of its own);
2. ``SELECT … FOR UPDATE`` the payment; ``SELECT`` the notification that applied the event's
   key, by the unique ``(gateway, applied_event_key)`` (already applied here, applied to
   another payment, or not at all); ``UPDATE`` the payment (status, refunded total and the
   fields the notification leaves, such as the authorisation code, in one statement);
   ``UPDATE`` the notification (verdict, event key, applied key); ``INSERT`` the
   ``PaymentEvent``, claimed by this process (``claimed_until``: ``vpos_deliver_events`` leaves
   it alone meanwhile);
3. after the commit, the delivery of ``payment_status_changed``: one ``UPDATE`` marks the event
   delivered (attempt counted, claim released) ``WHERE delivered_at IS NULL``, its row lock (on
   SQLite the database's write lock) held while the receivers run in that transaction; nothing
   is read back first. The same on SQLite and PostgreSQL.

The plain view (``bench/django/plainapp/views.py``, a hand-written view with python-redsys on
the same tables, run by ``make bench-django``) must do the same to keep the same guarantees:
the raw body committed first (``INSERT``), the payment locked (``SELECT … FOR UPDATE``), the
notification checked against the applied keys (``SELECT``), one ``UPDATE`` of the payment, the
verdict (``UPDATE``), a durable event (``INSERT``) and, after the commit, that event claimed and
marked delivered (``SELECT … FOR UPDATE SKIP LOCKED``, ``UPDATE``): 8 statements on PostgreSQL,
12 round trips with the two transactions' ``BEGIN`` and ``COMMIT``. vpos does 7 statements in
11 round trips: its event is stored claimed, so the delivery reads nothing back.

A duplicate (already applied): the raw ``INSERT``, then ``SELECT … FOR UPDATE`` the payment,
``SELECT`` the applied key, ``UPDATE`` the verdict; no payment write, no event.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hostedpay.django.models import Notification, Payment, PaymentEvent

from tests import test_bitpay, test_ceca, test_elavon, test_paypal
from tests.conftest import BASE_PAYLOAD, FLOCASH
from tests.postback import PostbackServer
from tests.redsys_helpers import REDSYS, signed_notification

pytestmark = pytest.mark.django_db(transaction=True)
FORM = "application/x-www-form-urlencoded"
POSTGRES = connection.vendor == "postgresql"

#: Statements of one applied notification (see the module's docstring): raw insert (1); lock,
#: key lookup, payment update, verdict, claimed event insert (5); delivery (1).
APPLIED = 7
#: Its round trips on PostgreSQL: the autocommitted raw insert, then BEGIN … COMMIT around
#: the move (5 statements) and around the delivery (1).
APPLIED_ROUND_TRIPS = 1 + (2 + 5) + (2 + 1)
#: Statements of the same notification delivered again: raw insert, lock, key lookup, verdict.
DUPLICATE = 4
DUPLICATE_ROUND_TRIPS = 1 + (2 + 3)
#: What the plain view does for an applied notification on PostgreSQL (the module's docstring):
#: statements and round trips.
PLAIN = 8
PLAIN_ROUND_TRIPS = 12


class Case:
    """One gateway's applied notification: settings, the payment it pays, the request."""

    def __init__(self, gateway: str, url: str, body: bytes, content_type: str, payment: Dict[str, Any],
                 settings: Callable[[str], Dict[str, Any]]) -> None:
        self.gateway, self.url, self.body, self.content_type = gateway, url, body, content_type
        self.payment, self.settings = payment, settings


REDSYS_ORDER = "2600000001"
CASES = {
    # FloCash post-back: the local server answers VERIFIED (its base_url is the argument).
    "flocash": Case("flocash", "/vpos/flocash/default/test-test-test/", BASE_PAYLOAD.encode(), FORM,
                    {"order_id": "test order", "currency": "EUR", "amount": Decimal("123")},
                    lambda base: {"flocash": {**FLOCASH, "base_url": base, "postback_timeout": 5}}),
    "redsys": Case("redsys", "/vpos/redsys/default/", signed_notification(REDSYS, REDSYS_ORDER, 4999), FORM,
                   {"order_id": REDSYS_ORDER, "currency": "EUR", "amount": Decimal("49.99")},
                   lambda base: {"flocash": dict(FLOCASH), "redsys": dict(REDSYS)}),
    # PayPal IPN post-back: the local server answers VERIFIED.
    "paypal": Case("paypal", test_paypal.URL, test_paypal.BODY, FORM,
                   {"order_id": test_paypal.ORDER, "currency": "CAD", "amount": Decimal("500.00")},
                   lambda base: {"flocash": dict(FLOCASH), "paypal": {
                       **test_paypal.PAYPAL, "ipn_url": base + "/cgi-bin/webscr", "postback_timeout": 5}}),
    "ceca": Case("ceca", test_ceca.URL, test_ceca.BODY, FORM,
                 {"order_id": "123", "currency": "EUR", "amount": Decimal("5.00")},
                 lambda base: {"flocash": dict(FLOCASH), "ceca": dict(test_ceca.CECA)}),
    "elavon": Case("elavon", test_elavon.URL, test_elavon.BODY, FORM,
                   {"order_id": test_elavon.ORDER, "currency": "USD", "amount": Decimal("50.00")},
                   lambda base: {"flocash": dict(FLOCASH), "elavon": dict(test_elavon.ELAVON)}),
    # Bitpay: the invoice is fetched from the local Bitpay stand-in (its base_url).
    "bitpay": Case("bitpay", test_bitpay.URL, test_bitpay.notification(), "application/json",
                   {"order_id": "A-1", "currency": "EUR", "amount": Decimal("5.00")},
                   lambda base: {"flocash": dict(FLOCASH), "bitpay": {
                       **test_bitpay.BITPAY, "api_url": base + "/api/invoice", "postback_timeout": 5}}),
}


@pytest.fixture
def servers() -> Iterator[Dict[str, str]]:
    """The base URLs of a real post-back server (answers VERIFIED) and a Bitpay stand-in."""
    bitpay = test_bitpay.BitpayServer()
    bitpay.thread.start()
    with PostbackServer() as postback:
        yield {"postback": postback.base_url, "bitpay": bitpay.base_url}
    bitpay.httpd.shutdown()
    bitpay.httpd.server_close()


def post(client: Any, case: Case) -> Tuple[Any, List[str]]:
    """POSTs the case's notification; returns the response and every SQL text run for it."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(case.url, case.body, content_type=case.content_type)
    return response, [q["sql"] for q in captured.captured_queries]


def statements(sql: List[str]) -> List[str]:
    return [s for s in sql if s.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]


def commits(sql: List[str]) -> int:
    return sum(1 for s in sql if s.strip().upper() == "COMMIT")


def listing(sql: List[str]) -> str:
    return "\n".join(s[:160] for s in sql)


@pytest.mark.parametrize("gateway", sorted(CASES))
def test_statements_per_notification(client: Any, settings: Any, servers: Dict[str, str], gateway: str) -> None:
    case = CASES[gateway]
    settings.VPOS = case.settings(servers["bitpay"] if gateway == "bitpay" else servers["postback"])
    payment = Payment.objects.create(gateway=gateway, item_name="Tea", **case.payment)

    response, sql = post(client, case)
    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert payment.status == "paid"
    [row] = Notification.objects.filter(gateway=gateway)
    assert row.verdict == "applied"
    [event] = PaymentEvent.objects.all()
    assert event.delivered_at is not None and event.attempts == 1 and event.claimed_until is None
    # What each statement is, in order (see the module's docstring).
    done = statements(sql)
    kinds = [s.split()[0].upper() for s in done]
    assert kinds == ["INSERT", "SELECT", "SELECT", "UPDATE", "UPDATE", "INSERT", "UPDATE"], listing(done)
    assert len(done) == APPLIED, listing(done)
    assert '"claimed_until"' in done[5] and done[6].startswith('UPDATE "vpos_paymentevent"'), listing(done)
    assert '"delivered_at" IS NULL' in done[6], listing(done)
    if POSTGRES:
        assert (len(sql), commits(sql)) == (APPLIED_ROUND_TRIPS, 2), listing(sql)
        assert "FOR UPDATE" in done[1]
        assert APPLIED <= PLAIN and APPLIED_ROUND_TRIPS <= PLAIN_ROUND_TRIPS

    again, sql = post(client, case)
    assert again.status_code == 200, again.content
    assert [n.verdict for n in Notification.objects.filter(gateway=gateway).order_by("id")] == [
        "applied", "already_applied"]
    done = statements(sql)
    assert [s.split()[0].upper() for s in done] == ["INSERT", "SELECT", "SELECT", "UPDATE"], listing(done)
    assert len(done) == DUPLICATE
    if POSTGRES:
        assert (len(sql), commits(sql)) == (DUPLICATE_ROUND_TRIPS, 1), listing(sql)
    assert PaymentEvent.objects.count() == 1


def test_the_payment_fields_go_in_the_one_payment_update(client: Any, settings: Any) -> None:
    """Redsys's authorisation code is written by the status UPDATE, not by a second one."""
    case = CASES["redsys"]
    settings.VPOS = case.settings("")
    payment = Payment.objects.create(gateway="redsys", item_name="Tea", **case.payment)
    response, sql = post(client, case)
    assert response.status_code == 200
    updates = [s for s in statements(sql) if s.upper().startswith('UPDATE "VPOS_PAYMENT" ')]
    assert len(updates) == 1 and "authorisation_code" in updates[0] and '"status"' in updates[0], updates
    payment.refresh_from_db()
    assert (payment.status, payment.authorisation_code) == ("paid", "123456")
    assert Notification.objects.get().detail["to"] == "paid"

"""``manage.py vpos_reconcile`` against the project's real ``hostedpay-sandbox`` process (issue 22).

Per gateway with a status query (Redsys ``consultaOperaciones``, PayPal ``TransactionSearch``,
Bitpay's invoice ``GET``): the checkout is posted to the sandbox and paid there with the
``lose-notifications`` fault on, so the shop never hears of it; ``vpos_reconcile`` asks the
sandbox and the payment reaches ``paid`` exactly once (one applied event, one status change),
and a second run changes nothing. Redsys and PayPal: a partial refund whose reply is lost
(``lose-replies``: carried out, answered 504) stays ``pending``; ``vpos_reconcile`` settles it
``succeeded``, counted once, and the sandbox saw one refund request and holds one refund.
CECA and Elavon have no status query: the command lists their waiting payments as skipped.
FloCash's polling against the sandbox is test_reconcile.py's
``test_dropped_notification_reaches_paid_through_vpos_sandbox``.

One sandbox for the module (``cargo run -p vpos-sandbox``, ``POST /_sandbox/reset`` between
tests); the payments move through the real database (SQLite, or PostgreSQL with ``DATABASE_URL``).
"""

from __future__ import annotations

import io
import json
import os
import time
from decimal import Decimal
from typing import Any, Dict, Iterator, List
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core.management import call_command

from hostedpay import driver
from hostedpay.django.models import Notification, Payment, Refund
from tests.redsys_helpers import REDSYS, decode
from tests.sandbox import Sandbox, needs_sandbox, running

pytestmark = [pytest.mark.django_db(transaction=True), needs_sandbox]

CT = "application/x-www-form-urlencoded"
#: Where the shop's notifications would go: nothing listens there, and with the
#: ``lose-notifications`` fault the sandbox never even tries.
NOWHERE = "http://127.0.0.1:9/vpos/"


@pytest.fixture(scope="module")
def module_box() -> Iterator[Sandbox]:
    # Gateway time 36000x faster: Bitpay's ``confirmed`` comes 600 s / 36000 after ``paid``, so
    # the status query sees the final status at once.
    yield from running("--time-scale", "36000", "--seed", "22")


@pytest.fixture
def box(module_box: Sandbox, settings: Any) -> Sandbox:
    """The module's sandbox, reset, and every gateway of the shop pointed at it."""
    module_box.reset()
    base = module_box.base
    settings.VPOS = {
        "redsys": module_box.redsys(REDSYS, query_url=f"{base}/apl02/services/SerClsWSConsulta",
                                    merchant_url=NOWHERE + "redsys/default/", rest_timeout=10),
        "paypal": {"business": "sales@demoshop.com", "checkout_url": f"{base}/cgi-bin/webscr",
                   "ipn_url": f"{base}/cgi-bin/webscr", "notify_url": NOWHERE + "paypal/default/",
                   "postback_timeout": 5,
                   "nvp": {"user": "api_user", "password": "pw", "signature": "sig", "api_url": f"{base}/nvp"}},
        "bitpay": {"api_key": "sandbox-bitpay-api-key", "api_url": f"{base}/invoices",
                   "invoice_url": f"{base}/invoice", "notification_url": NOWHERE + "bitpay/default/",
                   "postback_timeout": 5},
        "ceca": module_box.ceca(url_ok="http://127.0.0.1:9/return/", url_nok="http://127.0.0.1:9/return/"),
        "elavon": {"merchant_id": "thestore", "account": "internet", "secret": "mysecret",
                   "rebate_password": "rebate", "checkout_url": f"{base}/pay", "remote_url": f"{base}/remote",
                   "response_url": NOWHERE + "elavon/default/", "currency": "USD", "auto_settle": True},
    }
    # PayPal would ask a timed-out RefundTransaction again under its MSGSUBID: one attempt, so
    # the lost reply is left for the status query.
    settings.VPOS_OPERATION_RETRY = {"max_attempts": 1}
    return module_box


def until(what: str, probe: Any, seconds: float = 20) -> None:
    """Polls ``probe`` until it is true, or fails after ``seconds`` naming ``what``."""
    deadline = time.monotonic() + seconds
    while not probe():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def reconcile(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("vpos_reconcile", "--older-than", "0s", *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def applied_keys(payment: Payment) -> List[str]:
    return sorted(Notification.objects.filter(payment=payment, applied_event_key__isnull=False)
                  .values_list("applied_event_key", flat=True))


def new_payment(gateway: str, order_id: str, amount: str, currency: str = "EUR") -> Payment:
    return Payment.objects.create(gateway=gateway, order_id=order_id, currency=currency, amount=Decimal(amount),
                                  item_name="Call Credit")


def post_checkout(box: Sandbox, form: Any) -> None:
    """Posts the core's redirect form to the sandbox as the customer's browser would."""
    path = form.action[len(box.base):]
    status, page = box.post(path, urlencode(form.fields).encode(), CT)
    assert status in (200, 303), page[:500]


def lost_deliveries(box: Sandbox) -> List[Dict[str, Any]]:
    return [e for e in box.events() if e["kind"] == "delivery" and e.get("outcome") == "lost"]


def checkout_and_pay_unheard(box: Sandbox, gateway: str) -> Payment:
    """A payment of ``gateway`` checked out and paid on the sandbox whose notifications are
    all lost: still ``new`` in the shop."""
    box.faults(lose_notifications=1)
    if gateway == "redsys":
        payment = new_payment("redsys", driver.new_order_id("redsys", "", os.urandom(12)), "49.99")
        post_checkout(box, payment.checkout_form())
        box.pay("redsys", payment.order_id, "authorised")
    elif gateway == "paypal":
        payment = new_payment("paypal", "PP-22-1", "15.00")
        post_checkout(box, payment.checkout_form())
        box.pay("paypal", payment.order_id, "completed")
    else:
        payment = new_payment("bitpay", "BP-22-1", "5.00")
        payment.checkout_form()  # creates the invoice at the sandbox, its id in ``reference``
        payment.refresh_from_db()
        assert payment.reference
        box.pay("bitpay", payment.reference, "paid")
        # Bitpay confirms a paid invoice later, then completes it (600 s of gateway time each:
        # milliseconds here).
        until("the invoice confirmed", lambda: box.order("bitpay", payment.reference)["status"]
              in ("confirmed", "complete"))
    until("the sandbox to lose the notification", lambda: lost_deliveries(box))
    payment.refresh_from_db()
    assert payment.status == "new"  # nothing reached the shop
    return payment


def reconciled_to_paid(box: Sandbox, gateway: str, status_changes: List[Dict[str, Any]]) -> Payment:
    payment = checkout_and_pay_unheard(box, gateway)
    assert reconcile() == "checked 1, changed 1, unchanged 0, failed 0"
    payment.refresh_from_db()
    assert payment.status == "paid"
    keys = applied_keys(payment)
    assert len(keys) == 1, keys  # one fact (the sale), one applied event
    assert [c["new_status"] for c in status_changes] == ["paid"]
    # Again: nothing is waiting; asked again by creation window, the answer is already applied.
    assert reconcile() == "checked 0, changed 0, unchanged 0, failed 0"
    assert reconcile("--from", "2020-01-01T00:00:00Z") == "checked 1, changed 0, unchanged 1, failed 0"
    payment.refresh_from_db()
    assert payment.status == "paid" and applied_keys(payment) == keys
    assert len(status_changes) == 1
    return payment


@pytest.mark.parametrize("gateway", ["redsys", "paypal", "bitpay"])
def test_lost_notification_reaches_paid_once_through_vpos_reconcile(
        box: Sandbox, gateway: str, status_changes: List[Dict[str, Any]]) -> None:
    payment = reconciled_to_paid(box, gateway, status_changes)
    if gateway == "redsys":
        assert payment.authorisation_code  # what the lost notification would have carried
    elif gateway == "paypal":
        assert payment.transaction_id  # found by TransactionSearch on the invoice
        methods = [dict(parse_qsl(e.get("request_body") or "")).get("METHOD") for e in box.events()
                   if e["kind"] == "request" and (e.get("url") or "").startswith("/nvp")]
        assert "TransactionSearch" in methods


def refund_requests(box: Sandbox, gateway: str) -> List[Dict[str, Any]]:
    requests = [e for e in box.events() if e["kind"] == "request"]
    if gateway == "redsys":
        return [e for e in requests if (e.get("url") or "").startswith("/sis/rest/trataPeticionREST")]
    return [e for e in requests if (e.get("url") or "").startswith("/nvp")
            and dict(parse_qsl(e.get("request_body") or "")).get("METHOD") == "RefundTransaction"]


def lost_reply(box: Sandbox) -> str:
    (note,) = [e for e in box.events() if e["kind"] == "note" and "lose-replies" in (e.get("message") or "")]
    return note["response_body"]


@pytest.mark.parametrize("gateway,amount,minor", [("redsys", "10.00", 1000), ("paypal", "5.00", 500)])
def test_refund_with_lost_reply_succeeds_once_without_a_second_refund(
        box: Sandbox, gateway: str, amount: str, minor: int, status_changes: List[Dict[str, Any]]) -> None:
    payment = reconciled_to_paid(box, gateway, status_changes)
    box.faults(lose_replies=1)
    record = payment.refund(Decimal(amount))
    assert (record.status, record.error_code) == ("pending", "gateway_unavailable"), record.reply
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("paid", 0)
    # The sandbox carried it out: the reply the shop never got is in its log.
    reply = lost_reply(box)
    if gateway == "redsys":
        params = decode(json.loads(reply)["Ds_MerchantParameters"])
        assert params["Ds_Response"] == "0900"
        reference = params["Ds_AuthorisationCode"]
    else:
        fields = dict(parse_qsl(reply))
        assert fields["ACK"] == "Success"
        reference = fields["REFUNDTRANSACTIONID"]

    assert reconcile() == "checked 1, changed 1, unchanged 0, failed 0"
    record.refresh_from_db()
    payment.refresh_from_db()
    assert (record.status, record.error_code) == ("succeeded", "")
    assert reference in (record.reference, record.notification.transaction_id if record.notification else "")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", minor)
    assert [c["new_status"] for c in status_changes] == ["paid", "partially_refunded"]
    assert len(applied_keys(payment)) == 2  # the sale and the refund, one event each
    # Again: the refund is settled, nothing moves; asked by window, already applied.
    assert reconcile() == "checked 0, changed 0, unchanged 0, failed 0"
    assert reconcile("--from", "2020-01-01T00:00:00Z") == "checked 1, changed 0, unchanged 1, failed 0"
    payment.refresh_from_db()
    assert payment.refunded_minor == minor and len(applied_keys(payment)) == 2
    assert list(Refund.objects.filter(payment=payment).values_list("status", flat=True)) == ["succeeded"]
    # The sandbox: one refund request, one refund of that amount, never a second.
    assert len(refund_requests(box, gateway)) == 1
    assert box.order(gateway, payment.order_id)["refunded_minor"] == minor


def test_ceca_and_elavon_are_listed_as_skipped(box: Sandbox) -> None:
    """Paid on the sandbox, never heard of (CECA's notification goes to its panel URL, which this
    sandbox has none of; Elavon's response is posted by the browser, which never comes back)."""
    ceca = new_payment("ceca", "2212000001", "5.00")
    post_checkout(box, ceca.checkout_form())
    box.pay("ceca", ceca.order_id, "paid")
    elavon = new_payment("elavon", "ORD22-1", "50.00", currency="USD")
    post_checkout(box, elavon.checkout_form())
    box.pay("elavon", elavon.order_id, "authorised")
    lines = reconcile().splitlines()
    assert lines[-1] == "checked 0, changed 0, unchanged 0, skipped 2, failed 0"
    text = "\n".join(lines)
    assert "skipped ceca/default: 1 payment(s) (2212000001): ceca has no status query in vpos" in text
    assert "skipped elavon/default: 1 payment(s) (ORD22-1): elavon has no status query in vpos" in text
    assert [p.status for p in Payment.objects.order_by("gateway")] == ["new", "new"]

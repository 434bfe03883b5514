"""Outgoing operations that survive failure (issue 22 item 4), through the Django service and a
real database: every operation gets the core's idempotency key, recorded on the ``Refund`` and
sent where the gateway dedupes by it (PayPal ``MSGSUBID``); an attempt is asked again only when
``driver.retry_after`` says so (never after a refusal; always when the request never left;
after a timeout or a 5xx only where the gateway dedupes); otherwise the operation stays
``pending`` with its error code. The host's wait is replaced, so nothing sleeps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Mapping
from urllib.parse import parse_qs

import pytest

from hostedpay import driver
from hostedpay.django.models import Payment, Refund
from hostedpay.django.services import operations

from tests.conftest import FLOCASH
from tests.redsys_helpers import REDSYS, RestStandIn, signed_notification
from tests.test_paypal import PAYPAL

pytestmark = pytest.mark.django_db(transaction=True)
TXN = "6G996328CK404320L"
NVP = {"user": "api-user", "password": "pw-SECRET-9", "signature": "sig-SECRET-9",
       "api_url": "https://api-3t.sandbox.paypal.com/nvp"}


@pytest.fixture
def slept(monkeypatch: Any) -> List[float]:
    waits: List[float] = []
    monkeypatch.setattr(operations, "_sleep", waits.append)
    return waits


@pytest.fixture
def accounts(settings: Any) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH), "redsys": dict(REDSYS),
                     "paypal": {**PAYPAL, "rest_timeout": 5, "nvp": dict(NVP)}}
    return settings


def refunded(refund_id: str, amount: str) -> Dict[str, Any]:
    body = (f"REFUNDTRANSACTIONID={refund_id}&GROSSREFUNDAMT={amount}&NETREFUNDAMT={amount}&CURRENCYCODE=CAD"
            f"&TOTALREFUNDEDAMOUNT={amount}&ACK=Success&VERSION=124.0&REFUNDSTATUS=Instant")
    return {"status": 200, "body": body.encode()}


class Scripted:
    """An injected HTTP client answering from a script: a reply dict, or an exception raised."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.requests: List[Dict[str, Any]] = []

    def __call__(self, request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
        self.requests.append(dict(request))
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(request, timeout)
        return step

    def sent(self, i: int) -> Dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.requests[i]["body"]).items()}


def paypal_paid(order_id: str = "PP-0001") -> Payment:
    return Payment.objects.create(gateway="paypal", order_id=order_id, currency="CAD", amount=Decimal("500.00"),
                                  status="paid", transaction_id=TXN)


def redsys_paid(client: Any) -> Payment:
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("49.99"), item_name="Tea")
    body = signed_notification(REDSYS, payment.order_id, 4999)
    assert client.post("/vpos/redsys/default/", body,
                       content_type="application/x-www-form-urlencoded").status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    return payment


def test_paypal_503_then_success_is_asked_again_under_the_same_msgsubid(accounts: Any, slept: List[float]) -> None:
    payment = paypal_paid()
    http = Scripted({"status": 503, "body": b"Service Unavailable"}, refunded("1RF00000000000001", "100.00"))
    record = payment.refund(Decimal("100.00"), http_client=http)
    assert (record.status, record.error_code, record.reference) == ("succeeded", "", "1RF00000000000001")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 10000)
    first, second = http.sent(0), http.sent(1)
    assert first == second, "a retry is the same request"
    key = driver.operation_key("paypal", payment.merchant, payment.order_id, "refund", 1)
    assert first["MSGSUBID"] == record.idempotency_key == key
    assert len(key) <= 38 and key.isascii()
    # One wait, the policy's first (plus at most 10 % jitter, the host's).
    assert len(slept) == 1 and 0.5 <= slept[0] <= 0.55


def test_the_retries_are_bounded_and_the_operation_stays_pending(accounts: Any, slept: List[float]) -> None:
    payment = paypal_paid()
    accounts.VPOS_OPERATION_RETRY = {"max_attempts": 4, "base_delay_ms": 100, "max_delay_ms": 250}
    http = Scripted(*[{"status": 502, "body": b""}] * 4)
    record = payment.refund(Decimal("100.00"), http_client=http)
    assert len(http.requests) == 4 and len({r["body"] for r in http.requests}) == 1
    assert (record.status, record.error_code) == ("pending", "gateway_unavailable")
    assert record.reply == {"status": 502, "body": ""}
    # Doubling from 100 ms, capped at 250 ms (plus at most 10 % jitter).
    assert len(slept) == 3 and all(lo <= s <= lo * 1.1 for s, lo in zip(slept, [0.1, 0.2, 0.25]))
    assert payment.refunded_minor == 0


def test_a_redsys_timeout_is_not_asked_again_and_stays_pending(accounts: Any, client: Any,
                                                               slept: List[float]) -> None:
    payment = redsys_paid(client)
    http = Scripted(TimeoutError("timed out after 30 s"))
    record = payment.refund("10.00", http_client=http)
    assert len(http.requests) == 1 and slept == []
    assert (record.status, record.error_code) == ("pending", "gateway_unavailable")
    assert record.idempotency_key == driver.operation_key("redsys", payment.merchant, payment.order_id, "refund", 1)
    # Redsys reads no key: the request does not carry it.
    assert record.idempotency_key not in http.requests[0]["body"]
    # A reply the host's client reports as a timeout is the same.
    http = Scripted({"error": "timed out after 30 s"})
    record = payment.refund("10.00", http_client=http)
    assert (len(http.requests), record.status) == (1, "pending") and slept == []


def test_a_redsys_5xx_is_not_asked_again(accounts: Any, client: Any, slept: List[float]) -> None:
    payment = redsys_paid(client)
    http = Scripted({"status": 504, "body": b"Gateway Timeout"})
    record = payment.refund("10.00", http_client=http)
    assert (len(http.requests), record.status, slept) == (1, "pending", [])


def test_a_refusal_is_never_asked_again(accounts: Any, slept: List[float]) -> None:
    payment = paypal_paid()
    refused = {"status": 200, "body": b"ACK=Failure&L_ERRORCODE0=10009&L_LONGMESSAGE0=Refund+denied"}
    http = Scripted(refused)
    record = payment.refund(Decimal("100.00"), http_client=http)
    assert (len(http.requests), record.status, record.error_code, slept) == (1, "failed", "gateway_error", [])
    # A 4xx is an answer too: not asked again, whatever the gateway.
    http = Scripted({"status": 400, "body": b"Bad Request"})
    record = payment.refund(Decimal("100.00"), http_client=http)
    assert (len(http.requests), slept) == (1, [])
    assert record.status in ("pending", "failed")


def test_not_sent_is_asked_again_even_on_redsys(accounts: Any, client: Any, slept: List[float]) -> None:
    payment = redsys_paid(client)
    stand_in = RestStandIn(REDSYS)
    http = Scripted(ConnectionRefusedError(111, "Connection refused"), stand_in)
    record = payment.refund("10.00", http_client=http)
    assert len(http.requests) == 2 and len(slept) == 1
    assert (record.status, record.error_code) == ("succeeded", "")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)


def test_each_refund_gets_its_own_key_and_a_retry_keeps_it(accounts: Any, slept: List[float]) -> None:
    payment = paypal_paid()
    first = payment.refund(Decimal("100.00"), http_client=Scripted(refunded("1RF00000000000001", "100.00")))
    http = Scripted({"error": "reset by peer"}, refunded("1RF00000000000002", "50.00"))
    second = payment.refund(Decimal("50.00"), http_client=http)
    assert first.status == second.status == "succeeded"
    assert first.idempotency_key and second.idempotency_key
    assert first.idempotency_key != second.idempotency_key
    assert second.idempotency_key == driver.operation_key("paypal", payment.merchant, payment.order_id,
                                                          "refund", 2)
    assert http.sent(0)["MSGSUBID"] == http.sent(1)["MSGSUBID"] == second.idempotency_key
    stored = Refund.objects.get(pk=second.pk)
    assert stored.idempotency_key == second.idempotency_key


def test_the_policy_setting_is_checked_by_the_core(accounts: Any, slept: List[float]) -> None:
    payment = paypal_paid()
    accounts.VPOS_OPERATION_RETRY = {"max_attempts": 1}
    http = Scripted({"status": 503, "body": b""})
    record = payment.refund(Decimal("100.00"), http_client=http)
    assert (len(http.requests), record.status, slept) == (1, "pending", [])
    accounts.VPOS_OPERATION_RETRY = {"attempts": 5}
    with pytest.raises(Exception) as exc:
        payment.refund(Decimal("100.00"), http_client=Scripted({"status": 503, "body": b""}))
    assert "attempts" in str(exc.value)


def test_the_binding_answers_like_the_core() -> None:
    assert driver.supports_idempotency_key("paypal") and not driver.supports_idempotency_key("redsys")
    assert driver.retry_after("paypal", 1, {"status": 503, "body": b""}) == 500
    assert driver.retry_after("paypal", 3, {"status": 503, "body": b""}) is None
    assert driver.retry_after("elavon", 1, {"error": "timed out"}) is None
    assert driver.retry_after("elavon", 1, "not_sent") == 500
    assert driver.retry_after("paypal", 1, "refused") is None
    assert driver.retry_after("paypal", 2, "no_answer", {"base_delay_ms": 10}) == 20
    assert driver.DEFAULT_RETRY_POLICY == {"max_attempts": 3, "base_delay_ms": 500, "max_delay_ms": 5000}
    op = driver.Operation({"kind": "refund", "order_id": "A", "amount": {"minor": 1, "currency": "EUR"}})
    keyed = op.with_idempotency_key("vpos1-x")
    assert (op.idempotency_key, keyed.idempotency_key) == ("", "vpos1-x")
    assert "idempotency_key" not in op.to_dict() and keyed.to_dict()["idempotency_key"] == "vpos1-x"


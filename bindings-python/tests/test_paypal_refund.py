"""PayPal refunds in Django through Express Checkout NVP ``RefundTransaction``: a payment paid
by a verified IPN (its ``txn_id`` kept), then partial and full refunds against a local NVP
endpoint, recorded in ``Refund`` and applied through the locked transition path; PayPal's
refusal, a delayed refund, and the refund's own IPN applied once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Iterator, List
from urllib.parse import parse_qs

import pytest

import hostedpay
from hostedpay.django.models import Notification, Payment, Refund

from tests.conftest import FLOCASH
from tests.postback import PostbackServer
from tests.test_paypal import BODY, ORDER, PAYPAL

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"
URL = "/vpos/paypal/default/"
TXN = "6G996328CK404320L"
NVP_SECRETS = ("pw-SECRET-9", "sig-SECRET-9")


@pytest.fixture
def servers(settings: Any) -> Iterator[Dict[str, PostbackServer]]:
    with PostbackServer() as ipn, PostbackServer() as nvp:
        settings.VPOS = {"flocash": dict(FLOCASH), "paypal": {
            **PAYPAL, "ipn_url": ipn.base_url + "/cgi-bin/webscr", "postback_timeout": 5, "rest_timeout": 5,
            "nvp": {"user": "api-user", "password": NVP_SECRETS[0], "signature": NVP_SECRETS[1],
                    "api_url": nvp.base_url + "/nvp"}}}
        yield {"ipn": ipn, "nvp": nvp}


def paid(client: Any, order_id: str = ORDER, txn: str = TXN) -> Payment:
    payment = Payment.objects.create(gateway="paypal", order_id=order_id, currency="CAD", amount=Decimal("500.00"))
    body = BODY.replace(TXN.encode(), txn.encode()).replace(f"invoice={ORDER}".encode(), f"invoice={order_id}".encode())
    assert client.post(URL, body, content_type=CT).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.transaction_id) == ("paid", txn)
    return payment


def refunded_reply(refund_id: str, amount: str, status: str = "Instant") -> bytes:
    return (f"REFUNDTRANSACTIONID={refund_id}&FEEREFUNDAMT=0.30&GROSSREFUNDAMT={amount}&NETREFUNDAMT={amount}"
            f"&CURRENCYCODE=CAD&TOTALREFUNDEDAMOUNT={amount}&TIMESTAMP=2026%2d11%2d26T01%3a00%3a00Z"
            f"&CORRELATIONID=abc123&ACK=Success&VERSION=124.0&BUILD=1&REFUNDSTATUS={status}").encode()


def asked(server: PostbackServer) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(server.received[-1][2].decode()).items()}


def test_partial_refunds_until_the_capture_is_used_up(client: Any, servers: Dict[str, PostbackServer],
                                                     status_changes: List[Dict[str, Any]]) -> None:
    nvp = servers["nvp"]
    payment = paid(client)
    nvp.body = refunded_reply("1RF00000000000001", "100.00")
    first = payment.refund(Decimal("100.00"))
    assert (first.kind, first.status, first.error_code, first.reference) == (
        "refund", "succeeded", "", "1RF00000000000001")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 10000)
    sent = asked(nvp)
    assert (sent["METHOD"], sent["TRANSACTIONID"], sent["REFUNDTYPE"], sent["AMT"], sent["CURRENCYCODE"]) == (
        "RefundTransaction", TXN, "Partial", "100.00", "CAD")
    assert nvp.received[-1][0] == "/nvp"
    nvp.body = refunded_reply("1RF00000000000002", "400.00")
    last = payment.refund("400.00")
    assert last.status == "succeeded"
    assert (payment.status, payment.refunded_minor) == ("refunded", 50000)
    with pytest.raises(hostedpay.ConsistencyError) as exc:
        payment.refund("0.01")
    assert exc.value.code == "refund_exceeds_amount" and len(nvp.received) == 2
    assert [c["new_status"] for c in status_changes] == ["paid", "partially_refunded", "refunded"]
    # PayPal's IPN for the first refund is the same event: applied once.
    ipn = (BODY.replace(b"payment_status=Completed", b"payment_status=Refunded")
           .replace(TXN.encode(), b"1RF00000000000001").replace(b"mc_gross=500.00", b"mc_gross=-100.00")
           + b"&parent_txn_id=" + TXN.encode())
    assert client.post(URL, ipn, content_type=CT).status_code == 200
    assert Notification.objects.filter(gateway="paypal").order_by("id").last().verdict == "already_applied"
    payment.refresh_from_db()
    assert payment.refunded_minor == 50000
    for refund in Refund.objects.all():
        text = str(refund.reply) + str(refund.detail)
        assert all(secret not in text for secret in NVP_SECRETS)


def test_full_refund_asks_for_refundtype_full(client: Any, servers: Dict[str, PostbackServer]) -> None:
    nvp = servers["nvp"]
    payment = paid(client, "PP-0002", "7AB00000000000002")
    nvp.body = refunded_reply("1RF00000000000003", "500.00")
    record = payment.refund("500.00")
    assert record.status == "succeeded" and payment.status == "refunded"
    sent = asked(nvp)
    assert (sent["TRANSACTIONID"], sent["REFUNDTYPE"]) == ("7AB00000000000002", "Full") and "AMT" not in sent


def test_refused_delayed_and_lost_refunds(client: Any, servers: Dict[str, PostbackServer]) -> None:
    nvp = servers["nvp"]
    payment = paid(client)
    nvp.body = (b"TIMESTAMP=2026%2d11%2d26T01%3a00%3a00Z&CORRELATIONID=abc&ACK=Failure&L_ERRORCODE0=10009"
                b"&L_SHORTMESSAGE0=Transaction+refused&L_LONGMESSAGE0=The+partial+refund+amount+is+not+valid")
    refused = payment.refund("10.00")
    assert (refused.status, refused.error_code) == ("failed", "gateway_error")
    nvp.body = refunded_reply("1RF00000000000009", "10.00", status="Delayed")
    delayed = payment.refund("10.00")
    assert (delayed.status, delayed.error_code) == ("pending", "response_Delayed")
    nvp.status = 503
    lost = payment.refund("5.00")
    assert (lost.status, lost.error_code) == ("pending", "gateway_unavailable")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("paid", 0)
    # Pending refunds count against what can still be refunded.
    with pytest.raises(hostedpay.ConsistencyError):
        payment.refund("485.01")

"""Bitpay on its current API (issue #20) through hostedpay.django against the project's real
``hostedpay-sandbox`` process: an account with the POS ``token`` and the merchant facade
(``private_key`` + ``merchant_token``, signed requests checked by the sandbox), checkout to the
invoice page, the notifications (BitPay's extended envelope) through the one notification view,
each verified by a signed fetch of the invoice, ``exceptionStatus`` kept in the stored status,
and refunds, partial then the rest, through the one operation path and the admin's form.

The sandbox posts its notifications to a relay in this process (``notificationURL``), which
hands each one to the Django test client in the test's own thread and answers the sandbox with
the view's status. The sandbox runs 60x faster, with a minute between ``paid``, ``confirmed``
and ``complete``: a second here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import User
from django.test import Client

import hostedpay
from hostedpay.django.accounts import MerchantAccount
from hostedpay.django.models import Notification, Payment, Refund
from tests.sandbox import REPO, Relay, Sandbox, needs_sandbox

pytestmark = [pytest.mark.django_db(transaction=True), needs_sandbox]

#: The sandbox's current-API credentials (sandbox/src/config.rs). The key is the published
#: TEST-ONLY key of sandbox/testdata/: the sandbox knows its public half only.
POS_TOKEN = "SandboxPosToken2x7Q9vLm"
MERCHANT_TOKEN = "SandboxMerchantTokenK3w8Zp"
MERCHANT_KEY = (REPO / "sandbox" / "testdata" / "bitpay-merchant-test.key.pem").read_text()
RETURN_URL = "http://127.0.0.1:9/shop/return/"


class Box(Sandbox):
    """The sandbox with a minute of Bitpay time between confirmations (a second at 60x);
    ``bitpay`` overrides more of its Bitpay configuration (``refund_pending_seconds`` …)."""

    def __init__(self, relay: Relay, **bitpay: Any) -> None:  # noqa: ARG002 - notificationURL is per invoice
        super().__init__("--time-scale", "60", "--seed", "20",
                         config={"bitpay": {"confirm_seconds": 60, **bitpay}})

    def invoice(self, invoice_id: str) -> Dict[str, Any]:
        return self.order("bitpay", invoice_id)

    def pay_invoice(self, invoice_id: str, outcome: str) -> None:
        self.pay("bitpay", invoice_id, outcome)


@pytest.fixture(scope="module")
def relay() -> Iterator[Relay]:
    r = Relay()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture(scope="module")
def module_box(relay: Relay) -> Iterator[Box]:
    with Box(relay) as box:
        yield box


def account_config(box: Box, relay: Relay) -> Dict[str, Any]:
    return {"token": POS_TOKEN, "private_key": MERCHANT_KEY, "merchant_token": MERCHANT_TOKEN,
            "api_url": box.base, "invoice_url": f"{box.base}/invoice", "notification_url": relay.url}


def configured(box: Box, relay: Relay, settings: Any) -> Iterator[Box]:
    """A test's view of a module's sandbox: reset, the relay drained, the site configured for it."""
    box.reset()
    relay.drain()
    settings.VPOS = {"bitpay": {**account_config(box, relay), "postback_timeout": 10, "rest_timeout": 10}}
    yield box
    relay.drain()


@pytest.fixture
def box(module_box: Box, relay: Relay, settings: Any) -> Iterator[Box]:
    yield from configured(module_box, relay, settings)


class Notifications:
    """Posts what the relay received to the notification view, in this thread."""

    def __init__(self, relay: Relay, path: str = "/vpos/bitpay/default/") -> None:
        self.relay, self.path, self.client = relay, path, Client()

    def take(self, status: str, seconds: float = 20) -> Tuple[int, Notification]:
        """Posts the sandbox's deliveries up to the one announcing ``status``; returns the
        view's answer to it and what was stored."""
        last: List[Tuple[int, Notification]] = []

        def handle(headers: Dict[str, str], body: bytes) -> Tuple[int, bool]:
            content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
            response = self.client.post(self.path, data=body, content_type=content_type)
            note = Notification.objects.order_by("pk").last()
            assert note is not None
            last.append((response.status_code, note))
            return response.status_code, json.loads(body)["data"]["status"] == status

        self.relay.serve(f"no {status} notification came", handle, seconds)
        return last[-1]


def checkout(box: Box, order_id: str, amount: str, account: str = "default") -> Payment:
    payment = Payment.objects.create(gateway="bitpay", account=account, order_id=order_id, currency="EUR",
                                     amount=Decimal(amount), item_name="Call Credit")
    form = payment.checkout_form(return_url=RETURN_URL)
    payment.refresh_from_db()
    # The buyer goes to the invoice BitPay made (GET <invoice_url>?id=<invoice id>).
    assert (form.method, form.action) == ("GET", f"{box.base}/invoice")
    assert dict(form.fields) == {"id": payment.reference} and len(payment.reference) == 22
    assert box.invoice(payment.reference)["status"] == "new"
    return payment


def test_pay_to_confirmed_then_partial_refund_and_the_rest_from_the_admin(box: Box, relay: Relay) -> None:
    notes = Notifications(relay)
    payment = checkout(box, "BP-20-1", "25.00")
    box.pay_invoice(payment.reference, "paid")
    status, note = notes.take("confirmed")
    assert status == 200, (note.verdict, note.error_code, note.detail)
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.transaction_id == payment.reference
    # `complete` comes too (a missed `confirmed` would be recovered by it): nothing moves again.
    status, note = notes.take("complete")
    assert status == 200 and note.verdict in ("ignored", "already_applied"), note.verdict
    assert payment.events.filter(to_status="paid").count() == 1

    # A partial refund through the one operation path: signed on the merchant facade.
    first = payment.refund(Decimal("10.00"))
    assert first.status == "succeeded", first.detail
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    assert (box.invoice(payment.reference)["state"], box.invoice(payment.reference)["refunded_minor"]) == (
        "partially refunded", 1000)
    # More than is left: refused by the core before BitPay is asked.
    with pytest.raises(hostedpay.ConsistencyError) as over:
        payment.refund(Decimal("15.01"))
    assert over.value.code == "refund_exceeds_amount"

    # The rest from the admin's operate form.
    staff = Client()
    staff.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw"))
    done = staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "15.00"},
                      follow=True)
    assert done.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("refunded", 2500)
    assert box.invoice(payment.reference)["state"] == "refunded"
    assert Refund.objects.filter(payment=payment, kind="refund", status="succeeded").count() == 2


def test_paid_over_is_paid_with_the_exception_kept(box: Box, relay: Relay) -> None:
    notes = Notifications(relay)
    payment = checkout(box, "BP-20-2", "5.00")
    box.pay_invoice(payment.reference, "paid-over")
    status, note = notes.take("confirmed")
    assert status == 200
    # The fetched invoice's exceptionStatus rides in the stored status code.
    assert note.status_code.endswith(":paidOver"), note.status_code
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_partial_payment_expires_and_is_cancelled_with_the_exception_kept(box: Box, relay: Relay) -> None:
    notes = Notifications(relay)
    payment = checkout(box, "BP-20-3", "5.00")
    box.pay_invoice(payment.reference, "paid-partial")
    status, note = notes.take("expired")
    assert (status, note.status_code) == (200, "expired:paidPartial")
    payment.refresh_from_db()
    assert payment.status == "cancelled"
    with pytest.raises(hostedpay.VposError):
        payment.refund(Decimal("1.00"))


def test_database_account_keeps_the_key_and_tokens_encrypted(box: Box, relay: Relay, settings: Any) -> None:
    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    account = MerchantAccount.objects.create(gateway="bitpay", name="crypto",
                                             configuration=account_config(box, relay))
    stored = MerchantAccount.objects.filter(pk=account.pk).values("configuration", "secrets").get()
    for secret in ("token", "private_key", "merchant_token"):
        assert secret not in stored["configuration"]
    for value in (POS_TOKEN, MERCHANT_TOKEN, "EC PRIVATE KEY"):
        assert value not in stored["secrets"] and value not in repr(account)
    notes = Notifications(relay, "/vpos/bitpay/crypto/")
    payment = checkout(box, "BP-20-4", "7.50", account="crypto")
    box.pay_invoice(payment.reference, "paid")
    status, note = notes.take("confirmed")
    assert (status, note.account) == (200, "crypto")
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert payment.refund(Decimal("7.50")).status == "succeeded"
    payment.refresh_from_db()
    assert payment.status == "refunded"
    # A legacy key is still accepted for an account that holds one (and refunds are not).
    legacy = MerchantAccount(gateway="bitpay", name="old", configuration={
        "api_key": "sandbox-bitpay-api-key", "api_url": f"{box.base}/api/invoice",
        "invoice_url": f"{box.base}/invoice"})
    legacy.full_clean()

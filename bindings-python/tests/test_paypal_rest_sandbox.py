"""PayPal REST (Orders v2, issue #19) through hostedpay.django against the project's real
``hostedpay-sandbox`` process: the OAuth token fetched and cached by the app, checkout to the
approve page, the buyer's approval posted as the browser would, the ``charge`` on return
(idempotent), webhooks signed by the sandbox and verified by post-back through the one
notification view, refunds, partial captures and a void through the one operation path.

The sandbox sends its webhooks to a relay in this process, which hands each one (headers and
body as sent) to the Django test client in the test's own thread and answers the sandbox with
the view's status: a refusal makes the sandbox deliver again, as PayPal does. The sandbox runs
60x faster, so a refused webhook comes back after one second.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

import hostedpay
from hostedpay.django import conf
from hostedpay.django.models import Notification, Payment, Refund
from hostedpay.django.views import complete_paypal_return
from tests.sandbox import Relay, Sandbox, needs_sandbox
from tests.test_query_counts import APPLIED, DUPLICATE, statements

pytestmark = [pytest.mark.django_db(transaction=True), needs_sandbox]

RETURN_URL = "http://127.0.0.1:9/shop/return/"
CANCEL_URL = "http://127.0.0.1:9/shop/cancel/"
WEBHOOK_PATH = "/vpos/paypal_rest/default/"


class Box(Sandbox):
    """The sandbox on a free port, 60x faster, its webhooks sent to ``relay``."""

    def __init__(self, relay: Relay) -> None:
        super().__init__("--time-scale", "60", "--seed", "19", "--paypal-webhook-url", relay.url)

@pytest.fixture(scope="module")
def relay() -> Iterator[Relay]:
    r = Relay()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture(scope="module")
def module_box(relay: Relay) -> Iterator[Box]:
    box = Box(relay)
    try:
        yield box
    finally:
        box.close()


@pytest.fixture
def box(module_box: Box, relay: Relay, settings: Any) -> Iterator[Box]:
    module_box.reset()
    relay.drain()
    settings.VPOS = {"paypal_rest": module_box.paypal_rest(postback_timeout=10, rest_timeout=10)}
    with conf._tokens_lock:
        conf._tokens.clear()
    yield module_box
    relay.drain()


def token_requests(box: Box) -> int:
    return sum(1 for e in box.events()
               if e.get("kind") == "request" and str(e.get("url", "")).endswith("/v1/oauth2/token"))


class Webhooks:
    """Posts what the relay received to the notification view, in this thread."""

    def __init__(self, relay: Relay, path: str = WEBHOOK_PATH) -> None:
        self.relay, self.path = relay, path
        self.client = Client()
        self.seen: List[Tuple[Dict[str, str], bytes]] = []
        #: The SQL statements of the last post (BEGIN/COMMIT left out).
        self.sql: List[str] = []

    def post(self, headers: Dict[str, str], body: bytes) -> Tuple[int, Notification]:
        meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()
                if k.lower() not in ("content-type", "content-length", "host")}
        with CaptureQueriesContext(connection) as captured:
            response = self.client.post(self.path, data=body, content_type=headers.get("Content-Type", ""),
                                        **meta)
        self.sql = statements([q["sql"] for q in captured.captured_queries])
        return response.status_code, Notification.objects.order_by("pk").last()  # type: ignore[return-value]

    def take(self, event_type: str, seconds: float = 20) -> Tuple[int, Notification]:
        """Waits for the sandbox's next delivery of ``event_type`` (the ones before it are
        posted too) and returns the view's status and the stored notification."""
        last: List[Tuple[int, Notification]] = []

        def handle(headers: Dict[str, str], body: bytes) -> Tuple[int, bool]:
            status, note = self.post(headers, body)
            self.seen.append((headers, body))
            last.append((status, note))
            return status, json.loads(body)["event_type"] == event_type

        self.relay.serve(f"no {event_type} webhook came", handle, seconds)
        return last[-1]


def approve(box: Box, paypal_id: str, outcome: str = "approve") -> str:
    """The buyer's click on the sandbox's approve page: where PayPal sends the browser back."""
    status, headers, body = box.request("POST", f"/checkoutnow?token={paypal_id}", urlencode(
        {"outcome": outcome}).encode(), "application/x-www-form-urlencoded")
    assert status == 303, body[:300]
    return headers["location"]


def checkout(box: Box, order_id: str, amount: str, **overrides: Any) -> Payment:
    payment = Payment.objects.create(gateway="paypal_rest", order_id=order_id, currency="EUR",
                                     amount=Decimal(amount), item_name="Call Credit")
    form = payment.checkout_form(return_url=RETURN_URL, cancel_url=CANCEL_URL, **overrides)
    payment.refresh_from_db()
    assert form.method == "GET" and form.action == f"{box.base}/checkoutnow"
    assert dict(form.fields) == {"token": payment.reference} and len(payment.reference) == 17
    return payment


def come_back(payment: Payment, location: str) -> Optional[Refund]:
    """The shop's return view: what ``complete_paypal_return`` does with PayPal's redirect."""
    assert location.startswith(RETURN_URL + "?token=" + payment.reference + "&PayerID=")
    request = RequestFactory().get("/shop/return/" + location[len(RETURN_URL):])
    return complete_paypal_return(request, Payment.objects.get(pk=payment.pk))


def applied(payment: Payment) -> List[str]:
    return sorted(Notification.objects.filter(payment=payment, applied_event_key__isnull=False)
                  .values_list("applied_event_key", flat=True))


def test_checkout_to_paid_to_partial_refunds_with_duplicated_and_tampered_webhooks(box: Box, relay: Relay) -> None:
    hooks = Webhooks(relay)
    payment = checkout(box, "PR-19-1", "25.00")
    assert token_requests(box) == 1  # the token was fetched for the checkout
    location = approve(box, payment.reference)
    status, note = hooks.take("CHECKOUT.ORDER.APPROVED")
    assert (status, note.verdict) == (200, "ignored"), (note.error_code, note.detail)  # no money: the return captures
    assert (note.order_id, note.status_code) == ("PR-19-1", "CHECKOUT.ORDER.APPROVED")  # the whole event type

    # The buyer comes back: the order is captured through the one operation path.
    charge = come_back(payment, location)
    assert charge is not None and (charge.kind, charge.status) == ("charge", "succeeded")
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.transaction_id and payment.captured_minor == 2500
    # A reload of the return page, a double click: nothing is asked again.
    again = come_back(payment, location)
    assert again is not None and again.pk == charge.pk
    assert Refund.objects.filter(payment=payment, kind="charge").count() == 1
    assert box.order("paypal_rest", payment.reference)["captured_minor"] == 2500
    # A URL naming another PayPal order is refused before anything is asked.
    with pytest.raises(hostedpay.ConsistencyError) as wrong:
        complete_paypal_return(RequestFactory().get("/shop/return/?token=AAAAAAAAAAAAAAAAA"), payment)
    assert (wrong.value.code, wrong.value.field) == ("order_mismatch", "token")

    # The capture's webhook, then the same delivery once more: applied once.
    status, note = hooks.take("PAYMENT.CAPTURE.COMPLETED")
    assert (status, note.verdict) == (200, "already_applied")
    headers, body = hooks.seen[-1]
    status, dup = hooks.post(headers, body)
    assert (status, dup.verdict) == (200, "already_applied") and dup.pk != note.pk
    # The same statements as every gateway's duplicate (test_query_counts.py): the token is cached.
    assert len(hooks.sql) == DUPLICATE, hooks.sql
    assert len(applied(payment)) == 1
    assert payment.events.filter(to_status="paid").count() == 1

    # A partial refund twice; the second after PayPal refused the cached token (401).
    first = payment.refund(Decimal("5.00"))
    assert first.status == "succeeded", first.detail
    status, note = hooks.take("PAYMENT.CAPTURE.REFUNDED")
    assert (status, note.verdict) == (200, "already_applied")
    with conf._tokens_lock:  # the token expired at PayPal: a new one, the same refund asked again
        for key, (_, deadline) in list(conf._tokens.items()):
            conf._tokens[key] = ("A21AAexpiredtoken", deadline)
    before = token_requests(box)
    second = payment.refund(Decimal("5.00"))
    assert second.status == "succeeded", second.detail
    assert token_requests(box) == before + 1
    assert second.idempotency_key != first.idempotency_key
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
    assert box.order("paypal_rest", payment.reference)["refunded_minor"] == 1000
    hooks.take("PAYMENT.CAPTURE.REFUNDED")

    # More than is left: refused by the core before PayPal is asked.
    with pytest.raises(hostedpay.ConsistencyError) as over:
        payment.refund(Decimal("15.01"))
    assert over.value.code == "refund_exceeds_amount"
    assert Refund.objects.filter(payment=payment, kind="refund").count() == 2

    # A chargeback reaches the shop by webhook only; its first delivery is tampered with.
    box.faults(tamper=1)
    status, answer, body = box.request("POST", "/_sandbox/pay", json.dumps(
        {"gateway": "paypal_rest", "order": payment.reference, "outcome": "reverse"}).encode())
    assert status == 200, body
    status, note = hooks.take("PAYMENT.CAPTURE.REVERSED")
    assert status >= 400 and note.verdict in ("unverified", "invalid"), (status, note.verdict, note.error_code)
    payment.refresh_from_db()
    assert payment.status == "partially_refunded"  # the tampered body moved nothing
    status, note = hooks.take("PAYMENT.CAPTURE.REVERSED")  # PayPal's retry: the signed body
    assert (status, note.verdict) == (200, "applied")
    assert len(hooks.sql) == APPLIED, hooks.sql  # as every gateway's applied notification
    payment.refresh_from_db()
    assert payment.status == "charged_back"


def test_authorize_then_two_partial_captures_then_void(box: Box, relay: Relay) -> None:
    hooks = Webhooks(relay)
    payment = checkout(box, "PR-19-2", "30.00", intent="authorize")
    assert payment.multiple_captures
    location = approve(box, payment.reference)
    charge = come_back(payment, location)
    assert charge is not None and charge.status == "succeeded", charge.detail if charge else None
    payment.refresh_from_db()
    assert payment.status == "authorized" and payment.authorisation_code
    hooks.take("PAYMENT.AUTHORIZATION.CREATED")

    first = payment.capture(Decimal("10.00"))
    assert first.status == "succeeded", first.detail
    payment.refresh_from_db()
    assert (payment.status, payment.captured_minor) == ("paid", 1000)
    second = payment.capture(Decimal("5.00"))
    assert second.status == "succeeded", second.detail
    assert second.idempotency_key != first.idempotency_key
    payment.refresh_from_db()
    assert (payment.status, payment.captured_minor, payment.capturable_minor()) == ("paid", 1500, 1500)

    void = payment.release()
    assert void.status == "succeeded", void.detail
    payment.refresh_from_db()
    assert (payment.status, payment.capturable_minor(), payment.released_minor) == ("paid", 0, 1500)
    assert box.order("paypal_rest", payment.reference)["captured_minor"] == 1500
    status, note = hooks.take("PAYMENT.AUTHORIZATION.VOIDED")
    assert status == 200 and note.verdict in ("already_applied", "ignored"), note.verdict


def test_a_database_account_with_its_secret_encrypted(box: Box, relay: Relay, settings: Any) -> None:
    """A ``MerchantAccount`` of kind ``paypal_rest`` (added in the admin): the secret encrypted
    at rest, the token fetched with it, a payment of that account paid and its webhook verified
    at the account's URL."""
    from cryptography.fernet import Fernet

    from hostedpay.django.accounts import MerchantAccount

    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    row = MerchantAccount(gateway="paypal_rest", name="shop2", environment="testing", configuration={
        "client_id": "sandbox-paypal-client-id", "api_base": box.base, "webhook_id": "SANDBOXWEBHOOK0001",
        "merchant": "HOSTEDPAY0001"})
    row.set_secrets({"secret": "sandbox-paypal-secret", "access_token": "never-stored"})
    row.full_clean()
    row.save()
    stored = MerchantAccount.objects.get(pk=row.pk)
    assert "sandbox-paypal-secret" not in stored.secrets and stored.secret_keys_set() == ["secret"]
    assert row.config_errors() == []

    payment = Payment.objects.create(gateway="paypal_rest", account="shop2", order_id="PR-19-3", currency="EUR",
                                     amount=Decimal("7.00"))
    payment.checkout_form(return_url=RETURN_URL, cancel_url=CANCEL_URL)
    payment.refresh_from_db()
    charge = come_back(payment, approve(box, payment.reference))
    assert charge is not None and charge.status == "succeeded", charge.detail if charge else None
    status, note = Webhooks(relay, "/vpos/paypal_rest/shop2/").take("PAYMENT.CAPTURE.COMPLETED")
    assert (status, note.verdict, note.account) == (200, "already_applied", "shop2")
    payment.refresh_from_db()
    assert payment.status == "paid"

"""Hostile input at the notification URLs: never a 500, on SQLite as on PostgreSQL.

A NUL (``%00``) in the account part of the URL or in an order id, an id longer than its
column or an event key longer than ``Notification.event_key``: each is answered 4xx with a
stable code, the payment untouched. Bodies are signed (Redsys, CECA, Elavon) or verified (the
FloCash and PayPal post-backs, the Bitpay fetch answered by a stand-in client) as the gateway
would, so the hostile value reaches what runs after verification.

Bodies over the gateway's limit are refused unread (``413``), and before the account (and
FloCash URL token) is found right only the start of a body is stored."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any, Callable, Dict, List, Mapping, Tuple
from urllib.parse import urlencode

import pytest

import hostedpay
from hostedpay.django.models import Notification, Payment

from tests.conftest import BASE_PAYLOAD, FLOCASH, payload
from tests.redsys_helpers import REDSYS, signed_notification

pytestmark = pytest.mark.django_db(transaction=True)
FORM = "application/x-www-form-urlencoded"

PAYPAL: Dict[str, Any] = {"business": "tobi@leetsoft.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
                          "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"}
CECA: Dict[str, Any] = {"merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
                        "key": "99888888", "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
                        "url_ok": "http://www.ceca.es", "url_nok": "http://www.ceca.es"}
ELAVON: Dict[str, Any] = {"merchant_id": "thestore", "account": "internet", "secret": "shared-secret",
                          "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay", "currency": "USD",
                          "auto_settle": True}
BITPAY: Dict[str, Any] = {"api_key": "K3yFromBitpay", "api_url": "https://test.bitpay.com/api/invoice",
                          "invoice_url": "https://test.bitpay.com/invoice"}

#: What the Bitpay stand-in answers for the invoice fetch (the notification's own values).
_fetched: Dict[str, Any] = {}


def stand_in(request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
    """``VPOS_HTTP_CLIENT`` for these tests: FloCash and PayPal post-backs are ``VERIFIED``,
    the Bitpay invoice fetch answers the invoice the notification described."""
    if request["method"] == "GET":
        return {"status": 200, "body": json.dumps({"data": _fetched}).encode()}
    return {"status": 200, "body": b"VERIFIED"}


@pytest.fixture(autouse=True)
def gateways(settings: Any) -> Any:
    settings.VPOS = {"flocash": dict(FLOCASH), "redsys": dict(REDSYS), "paypal": dict(PAYPAL), "ceca": dict(CECA),
                     "elavon": dict(ELAVON), "bitpay": dict(BITPAY)}
    settings.VPOS_HTTP_CLIENT = "tests.test_hostile_input.stand_in"
    return settings


# One notification per gateway, built around an order id and a transaction id, each as the
# gateway signs (or as its verification confirms) it: (url, content type, body, currency, amount).
def flocash(order: str, txn: str) -> Tuple[str, str, bytes]:
    return "/vpos/flocash/default/test-test-test/", FORM, payload(order_id=order, trans_id=txn)


def redsys(order: str, txn: str) -> Tuple[str, str, bytes]:
    return "/vpos/redsys/default/", FORM, signed_notification(REDSYS, order, 12300, authorisation=txn)


def paypal(order: str, txn: str) -> Tuple[str, str, bytes]:
    body = urlencode({"receiver_email": "tobi@leetsoft.com", "invoice": order, "txn_id": txn,
                      "payment_status": "Completed", "mc_gross": "123.00", "mc_currency": "EUR",
                      "txn_type": "web_accept", "charset": "UTF-8"}).encode()
    return "/vpos/paypal/default/", FORM, body


def ceca(order: str, txn: str) -> Tuple[str, str, bytes]:
    fields = {"MerchantID": "111950028", "AcquirerBIN": "0000554052", "TerminalID": "00000003",
              "Num_operacion": order, "Importe": "12300", "TipoMoneda": "978", "Exponente": "2", "Referencia": txn}
    firma = hashlib.sha256(("99888888" + "".join(fields.values())).encode()).hexdigest()
    return "/vpos/ceca/default/", FORM, urlencode({**fields, "Num_aut": "101000", "Pais": "724",
                                                   "Descripcion": "Tea", "Firma": firma}).encode()


def elavon(order: str, txn: str) -> Tuple[str, str, bytes]:
    stamp, message, authcode = "20130814122239", "AUTHCODE=123420", "123420"
    sha1 = hostedpay.elavon.hash([stamp, "thestore", order, "00", message, txn, authcode], "shared-secret")
    return "/vpos/elavon/default/", FORM, urlencode({
        "MERCHANT_ID": "thestore", "ACCOUNT": "internet", "ORDER_ID": order, "TIMESTAMP": stamp, "AMOUNT": "12300",
        "X-CURRENCY": "USD", "SHA1HASH": sha1, "RESULT": "00", "AUTHCODE": authcode, "MESSAGE": message,
        "PASREF": txn}).encode()


def bitpay(order: str, txn: str) -> Tuple[str, str, bytes]:
    invoice = {"id": txn, "status": "confirmed", "price": 123, "currency": "EUR", "orderId": order}
    _fetched.clear()
    _fetched.update(invoice)
    return "/vpos/bitpay/default/", "application/json", json.dumps(invoice).encode()


NOTIFICATIONS: Dict[str, Callable[[str, str], Tuple[str, str, bytes]]] = {
    "flocash": flocash, "redsys": redsys, "paypal": paypal, "ceca": ceca, "elavon": elavon, "bitpay": bitpay}
#: An order id and a transaction id each gateway accepts, to start from.
GOOD = {"flocash": ("test order", "test trans"), "redsys": ("0726qI3H7sZx", "052029"),
        "paypal": ("A-1", "61E67681CH3238416"), "ceca": ("123", "000000000000000000001"),
        "elavon": ("ORD453-11", "13649024563820"), "bitpay": ("A-1", "X7VytgMABGuv5Vo4xPsRhb")}
CURRENCY = {"elavon": "USD"}


def make_payment(gateway: str, order: str) -> Payment:
    return Payment.objects.create(gateway=gateway, order_id=order, currency=CURRENCY.get(gateway, "EUR"),
                                  amount=Decimal("123"), item_name="test item", custom="test custom")


def code(response: Any) -> str:
    """The stable code of a refusal: the JSON error's, or the plain-text body."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["errors"][0]["code"]
    return response.content.decode()


def post(client: Any, url: str, content_type: str, body: bytes) -> Any:
    return client.post(url, data=body, content_type=content_type)


def test_the_good_notifications_apply(client: Any) -> None:
    """The builders above make notifications each gateway accepts (so the hostile ones below
    are refused for their hostile value, not for a bad signature)."""
    for gateway, build in NOTIFICATIONS.items():
        payment = make_payment(gateway, GOOD[gateway][0])
        response = post(client, *build(*GOOD[gateway]))
        assert response.status_code == 200, (gateway, response.content)
        payment.refresh_from_db()
        assert payment.status == "paid", gateway


@pytest.mark.parametrize("gateway", sorted(NOTIFICATIONS))
@pytest.mark.parametrize("account", ["def\x00ault", "default\x00", "\x00", "a" * 65, "d" * 300])
def test_hostile_account_in_the_url_is_404(client: Any, gateway: str, account: str) -> None:
    make_payment(gateway, GOOD[gateway][0])
    url, content_type, body = NOTIFICATIONS[gateway](*GOOD[gateway])
    url = url.replace("/default/", "/" + account + "/")
    response = post(client, url, content_type, body)
    assert (response.status_code, code(response)) == (404, "Not Found" if gateway == "flocash" else "not_found")
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code) == ("unknown_account", "token_mismatch")
    assert n.account == account.replace("\x00", "\ufffd")[:64]
    assert Payment.objects.get().status == "new"


@pytest.mark.parametrize("gateway", sorted(NOTIFICATIONS))
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_nul_in_the_order_id_is_422(client: Any, gateway: str, where: str) -> None:
    order, txn = GOOD[gateway]
    hostile = {"start": "\x00" + order[1:], "middle": order[:2] + "\x00" + order[3:], "end": order[:-1] + "\x00"}[where]
    make_payment(gateway, order)
    response = post(client, *NOTIFICATIONS[gateway](hostile, txn))
    assert response.status_code == 422, response.content
    assert code(response) in ("field_invalid", "invalid_encoding")
    assert Payment.objects.get().status == "new"
    [n] = Notification.objects.all()
    assert n.verdict == "invalid" and "\x00" not in n.order_id


@pytest.mark.parametrize("gateway", sorted(NOTIFICATIONS))
def test_order_id_longer_than_its_column_is_422(client: Any, gateway: str) -> None:
    order, txn = GOOD[gateway]
    make_payment(gateway, order)
    response = post(client, *NOTIFICATIONS[gateway]("7" * 200, txn))
    # field_too_long, or the core's own refusal of the gateway's format (CECA: 1-50 characters).
    assert response.status_code == 422, response.content
    assert code(response) in ("field_too_long", "field_invalid")
    assert Payment.objects.get().status == "new"
    [n] = Notification.objects.all()
    assert n.verdict == "invalid" and len(n.order_id) <= 64


@pytest.mark.parametrize("gateway", sorted(NOTIFICATIONS))
@pytest.mark.parametrize("txn", ["\x00", "9" * 600], ids=["nul", "long"])
def test_hostile_transaction_id_is_4xx(client: Any, gateway: str, txn: str) -> None:
    """The transaction id goes into the event key (``Notification.event_key``, 512) and onto
    the payment (``transaction_id``): a NUL or an id too long for the key is refused."""
    order, good_txn = GOOD[gateway]
    make_payment(gateway, order)
    hostile = good_txn[:3] + txn + good_txn[3:] if txn == "\x00" else txn
    response = post(client, *NOTIFICATIONS[gateway](order, hostile))
    # A NUL is field_invalid; a long id field_too_long, or the core's own refusal of the
    # gateway's format (CECA Referencia, Elavon PASREF: field_invalid).
    expected = {"field_invalid"} if txn == "\x00" else {"field_too_long", "field_invalid"}
    assert response.status_code == 422 and code(response) in expected, response.content
    assert Payment.objects.get().status == "new"
    [n] = Notification.objects.all()
    assert n.verdict == "invalid" and n.applied_event_key is None and "\x00" not in n.transaction_id

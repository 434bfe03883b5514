"""Migration aids for djflocash projects (issue #18 item 4): each one on and off.

- ``VPOS_FLOCASH_ACK_UNKNOWN_ORDERS``: a proven FloCash notification for an order with no
  payment is answered ``200 00`` (djflocash's answer) and kept for a person to look at;
- FloCash's live checkout URL is the default of ``FLOCASH_*`` settings that name none;
- a too-short notification token gets a ``manage.py check`` hint saying what to change where.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any, List

import pytest
from django.core import checks

import hostedpay
from hostedpay.django import conf
from hostedpay.django.models import Notification, Payment

from tests.conftest import BASE_PAYLOAD, FLOCASH

URL = "/vpos/flocash/default/test-test-test/"
LEGACY_URL = "/notification/test-test-test/"
CT = "application/x-www-form-urlencoded"
LIVE_CHECKOUT = "https://fcms.flocash.com/ecom/ecommerce.do"


def vpos_messages() -> List[Any]:
    return [m for m in checks.run_checks() if str(m.id).startswith("vpos.")]


def djflocash_settings(settings: Any, **changes: Any) -> None:
    settings.VPOS = None
    values = {"FLOCASH_MERCHANT": "test@merchant.com", "FLOCASH_MERCHANT_NAME": "test name",
              "FLOCASH_NOTIFICATION_TOKEN": "test-test-test", "FLOCASH_BASE_URL": "https://flocash.example.com"}
    values.update(changes)
    for name, value in values.items():
        setattr(settings, name, value)


# --- 1. VPOS_FLOCASH_ACK_UNKNOWN_ORDERS -------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_unknown_order_is_retried_by_default(client, vpos_settings) -> None:
    response = client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT)
    assert (response.status_code, response.content) == (503, b"payment_not_found")
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.response_status) == ("no_payment", "payment_not_found", 503)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", [URL, LEGACY_URL])
def test_unknown_order_is_acknowledged_when_asked(client, vpos_settings, postback, caplog, url) -> None:
    vpos_settings.VPOS_FLOCASH_ACK_UNKNOWN_ORDERS = True
    with caplog.at_level(logging.WARNING, logger="vpos.django"):
        response = client.post(url, data=BASE_PAYLOAD.encode(), content_type=CT)
    # djflocash's answer: FloCash stops redelivering.
    assert (response.status_code, response.content) == (200, b"00")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert len(postback.received) == 1  # proven first
    [n] = Notification.objects.all()
    assert (n.verdict, n.error_code, n.response_status) == ("no_payment", "acknowledged_unknown_order", 200)
    assert (n.payment, n.order_id, n.applied_event_key) == (None, "test order", None)
    assert n.event_key == "flocash:test fpn:test trans:sale:0000"
    assert n.detail["code"] == "payment_not_found"
    assert not Payment.objects.exists()
    [warning] = [r for r in caplog.records if "VPOS_FLOCASH_ACK_UNKNOWN_ORDERS" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert "test-test-test" not in caplog.text and "'test order'" in warning.getMessage()


@pytest.mark.django_db(transaction=True)
def test_unverified_unknown_order_is_never_acknowledged(client, vpos_settings, postback) -> None:
    vpos_settings.VPOS_FLOCASH_ACK_UNKNOWN_ORDERS = True
    postback.body = b"INVALID"
    response = client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT)
    assert response.status_code == 409 and response.content == b"INVALID"
    [n] = Notification.objects.all()
    assert n.verdict != "no_payment" and n.error_code != "acknowledged_unknown_order"


@pytest.mark.django_db(transaction=True)
def test_known_order_is_unchanged_by_the_setting(client, vpos_settings) -> None:
    vpos_settings.VPOS_FLOCASH_ACK_UNKNOWN_ORDERS = True
    payment = Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"),
                                     item_name="test item", custom="test custom")
    response = client.post(URL, data=BASE_PAYLOAD.encode(), content_type=CT)
    assert (response.status_code, response.content) == (200, b"00")
    payment.refresh_from_db()
    [n] = Notification.objects.all()
    assert (payment.status, n.verdict, n.error_code) == ("paid", "applied", "")


# --- 2. FloCash's live checkout URL as the FLOCASH_* default ----------------------------------

def test_djflocash_settings_default_to_the_live_checkout_url(settings) -> None:
    djflocash_settings(settings)
    assert vpos_messages() == []
    assert conf.FLOCASH_LIVE_CHECKOUT_URL == LIVE_CHECKOUT
    assert conf.get_account("flocash").gateway.public_config()["checkout_url"] == LIVE_CHECKOUT


def test_djflocash_settings_naming_a_checkout_url_keep_it(settings) -> None:
    djflocash_settings(settings, FLOCASH_CHECKOUT_URL="https://sandbox.flocash.example/ecom/ecommerce.do")
    assert vpos_messages() == []
    assert (conf.get_account("flocash").gateway.public_config()["checkout_url"]
            == "https://sandbox.flocash.example/ecom/ecommerce.do")


def test_vpos_settings_must_still_name_the_checkout_url(settings) -> None:
    settings.VPOS = {"flocash": {k: v for k, v in FLOCASH.items() if k != "checkout_url"}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "checkout_url" in m.msg


# --- 3. a short notification token: what to change, where ------------------------------------

def test_short_djflocash_token_says_what_to_change(settings) -> None:
    djflocash_settings(settings, FLOCASH_NOTIFICATION_TOKEN="short")
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "notification_token" in m.msg
    assert f"at least {hostedpay.flocash.MIN_TOKEN_LEN} " in m.hint
    assert "FLOCASH_NOTIFICATION_TOKEN" in m.hint and "back office" in m.hint and "short" not in m.hint


def test_short_vpos_token_says_what_to_change(settings) -> None:
    settings.VPOS = {"flocash": {**FLOCASH, "notification_token": "short"}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "notification_token" in m.msg
    assert f"at least {hostedpay.flocash.MIN_TOKEN_LEN} " in m.hint
    assert "VPOS['flocash']['notification_token']" in m.hint and "back office" in m.hint


def test_long_enough_tokens_pass(settings) -> None:
    settings.VPOS = {"flocash": {**FLOCASH, "notification_token": "a" * hostedpay.flocash.MIN_TOKEN_LEN}}
    assert vpos_messages() == []
    djflocash_settings(settings, FLOCASH_NOTIFICATION_TOKEN="b" * hostedpay.flocash.MIN_TOKEN_LEN)
    assert vpos_messages() == []

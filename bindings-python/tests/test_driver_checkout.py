"""``hostedpay.driver`` checkout: one order shape, one verb, whatever the gateway."""

from __future__ import annotations

import json

import pytest

import hostedpay
from hostedpay import driver
from hostedpay.django import conf

from tests.conftest import FLOCASH
from tests.redsys_helpers import REDSYS

EUR10 = {"minor": 1000, "currency": "EUR"}
BITPAY = {"api_key": "k", "api_url": "https://test.bitpay.com/api/invoice",
          "invoice_url": "https://test.bitpay.com/invoice"}


def test_the_driver_gives_the_gateways_own_form() -> None:
    order = driver.Order.for_payment("redsys", {"order_id": "2601ABCDEFGH", "amount": EUR10,
                                                "description": "Tea", "return_url": "https://s.example/ok"})
    assert order.gateway == "redsys" and not order.is_preauthorisation
    form = driver.checkout(driver.Config("redsys", REDSYS), order)
    assert isinstance(form, hostedpay.http.RedirectForm)
    own = hostedpay.redsys.Gateway(REDSYS).checkout({"order": "2601ABCDEFGH", "amount": EUR10,
                                               "product_description": "Tea", "url_ok": "https://s.example/ok"})
    assert form.fields == own.fields and form.action == own.action
    tagged = driver.Order.from_json({"gateway": "redsys", "order": "2601ABCDEFGH", "amount": EUR10,
                                     "product_description": "Tea", "url_ok": "https://s.example/ok"})
    assert driver.checkout(driver.Config("redsys", REDSYS), tagged).fields == own.fields


def test_order_errors_name_the_key_and_the_gateway() -> None:
    with pytest.raises(hostedpay.VposError) as e:
        driver.Order("redsys", {"order": "2601ABCDEFGH", "amount": EUR10, "url_okk": "x"})
    assert e.value.field == "url_okk"
    with pytest.raises(hostedpay.VposError) as e:
        driver.Order.for_payment("paypal", {"order_id": "A1", "amount": EUR10, "store_card": "recurring"})
    assert (e.value.code, e.value.field) == ("unsupported", "store_card")
    with pytest.raises(hostedpay.VposError) as e:
        driver.checkout(driver.Config("flocash", FLOCASH),
                        driver.Order.for_payment("redsys", {"order_id": "2601ABCDEFGH", "amount": EUR10}))
    assert e.value.code == "gateway_mismatch"
    preauth = driver.Order.for_payment("redsys", {"order_id": "2601ABCDEFGH", "amount": EUR10,
                                                  "fields": {"transaction_type": "preauthorization"}})
    assert preauth.is_preauthorisation


def test_bitpay_checkout_is_a_request_then_a_redirect() -> None:
    config = driver.Config("bitpay", BITPAY)
    request = driver.checkout(config, driver.Order.for_payment("bitpay", {"order_id": "A1", "amount": EUR10}))
    assert request["method"] == "POST" and request["url"] == BITPAY["api_url"]
    assert json.loads(request["body"])["orderId"] == "A1"
    body = json.dumps({"data": {"id": "INV1", "status": "new", "price": 10, "currency": "EUR"}})
    form, reference = driver.parse_checkout_reply(config, {"status": 200, "body": body})
    assert reference == "INV1" and form.method == "GET" and form.fields == [("id", "INV1")]
    with pytest.raises(hostedpay.GatewayError):
        driver.parse_checkout_reply(config, {"error": "timed out"})


def test_new_order_id_only_where_the_gateway_shapes_it() -> None:
    order_id = driver.new_order_id("redsys", "26", bytes(range(12)))
    assert order_id and order_id.startswith("26") and len(order_id) == 12
    assert driver.new_order_id("paypal", "", bytes(12)) is None


def test_django_gateways_come_from_the_driver() -> None:
    assert tuple(conf.GATEWAYS) == driver.GATEWAYS

"""``hostedpay.driver``: every gateway behind one set of verbs, as the Django app uses it."""

from __future__ import annotations

import pytest

import hostedpay
from hostedpay import driver

from tests.conftest import BASE_PAYLOAD, FLOCASH
from tests.redsys_helpers import REDSYS, signed_notification

CT = "application/x-www-form-urlencoded"
PAID = {"gateway": "flocash", "merchant": "test@merchant.com", "order_id": "test order",
        "amount": {"value": "123", "currency": "EUR"}, "status": "pending"}


def test_config_names_its_gateway_hides_its_secrets_and_names_a_bad_key() -> None:
    config = driver.Config("flocash", FLOCASH)
    assert config.gateway == "flocash" and config.secret_keys == ["notification_token"]
    assert "notification_token" not in config.public() and "test-test-test" not in repr(config)
    assert driver.Config.from_json({"gateway": "flocash", **FLOCASH}).gateway == "flocash"
    with pytest.raises(hostedpay.ConfigError) as e:
        driver.Config("paypal", {"business": "x", "nvp": {"password": 12345678}})
    assert e.value.field and "12345678" not in e.value.message
    with pytest.raises(hostedpay.UnsupportedError) as e:
        driver.Config("visa", {})
    assert e.value.field == "gateway"
    assert hostedpay.flocash.Gateway(FLOCASH).driver_config().gateway == "flocash"


def test_tables_come_from_the_core() -> None:
    assert driver.GATEWAYS == ("flocash", "redsys", "paypal", "ceca", "elavon", "bitpay", "paypal_rest")
    assert driver.secret_keys("paypal") == ["nvp.password", "nvp.signature"]
    assert driver.max_body_bytes("redsys") == hostedpay.redsys.MAX_BODY_BYTES
    assert driver.supported_operations("paypal") == ["refund"]
    assert driver.allowed_operations("authorized") == ["capture", "release"]
    assert driver.allowed_operations("refunded") == []
    assert "no_payment" in driver.VERDICTS and driver.OPERATION_KINDS == ("refund", "capture", "release", "charge")


def test_a_flocash_notification_through_the_driver() -> None:
    config = driver.Config("flocash", FLOCASH)
    with pytest.raises(hostedpay.VerificationError) as e:
        driver.parse_notification(config, CT, BASE_PAYLOAD.encode())  # no URL token
    assert driver.reject("flocash", e.value).verdict == "token_mismatch"
    unverified = driver.parse_notification(config, CT, BASE_PAYLOAD.encode(), token="test-test-test")
    assert unverified.summary["order_id"] == "test order" and unverified.summary["transaction_id"] == "test trans"
    request, pending = driver.prove(config, unverified)
    assert request["url"].startswith("https://flocash.example.com")
    with pytest.raises(hostedpay.VerificationError) as e:
        driver.Pending.finish(pending, config, {"status": 200, "body": "INVALID"})
    assert driver.reject("flocash", e.value).verdict == "unverified"
    with pytest.raises(RuntimeError):  # a Pending is finished once
        pending.finish(config, {"status": 200, "body": "VERIFIED"})
    _, pending = driver.prove(config, unverified)
    verified = pending.finish(config, {"status": 200, "body": "VERIFIED"})
    outcome = hostedpay.transition(PAID, verified.event())
    answer = driver.acknowledge(config, verified, outcome)
    assert (answer.verdict, answer.response["body"], answer.payment_fields) == ("applied", "00", {})
    assert driver.payment_not_found("flocash", "x").verdict == "no_payment"
    assert driver.reject_unread("redsys").response["status"] == 413
    assert driver.unknown_account("redsys").response["status"] == 404


def test_a_redsys_notification_leaves_its_fields_not_the_required_marker() -> None:
    config = driver.Config("redsys", REDSYS)
    body = signed_notification(REDSYS, "1234ABCD", 1000, extra={"Ds_Merchant_Identifier": "REQUIRED"})
    verified = driver.prove(config, driver.parse_notification(config, CT, body))
    assert isinstance(verified, driver.Verified)
    assert verified.payment_fields == {"authorisation_code": "123456"}
    payment = {"gateway": "redsys", "merchant": REDSYS["merchant_code"], "order_id": "1234ABCD",
               "amount": {"minor": 1000, "currency": "EUR"}, "status": "pending"}
    answer = driver.acknowledge(config, verified, hostedpay.transition(payment, verified.event()))
    assert (answer.verdict, answer.payment_fields) == ("applied", {"authorisation_code": "123456"})
    forged = body.replace(b"Ds_Signature=", b"Ds_Signature=AA")
    with pytest.raises(hostedpay.VposError) as e:
        driver.prove(config, driver.parse_notification(config, CT, forged))
    assert driver.reject("redsys", e.value).verdict == "unverified"


def test_operations_are_checked_built_and_settled_by_the_core() -> None:
    config = driver.Config("redsys", {**REDSYS, "rest_url": hostedpay.redsys.TEST_REST_URL})
    payment = {"gateway": "redsys", "merchant": REDSYS["merchant_code"], "order_id": "1234ABCD",
               "amount": {"minor": 1000, "currency": "EUR"}, "status": "paid", "refunded_minor": 400}
    driver.check_operation(payment, "refund", 600)
    with pytest.raises(hostedpay.ConsistencyError) as e:
        driver.check_operation(payment, "refund", 600, 1)
    assert (e.value.code, e.value.field) == ("refund_exceeds_amount", "amount")
    with pytest.raises(hostedpay.ConsistencyError) as e:
        driver.check_operation(payment, "capture", 1000)
    assert (e.value.code, e.value.field) == ("invalid_transition", "status")
    op = driver.Operation.on_payment("refund", payment, amount={"minor": 600, "currency": "EUR"})
    assert (op.kind, op.order_id, op.amount["minor"]) == ("refund", "1234ABCD", 600)
    request = driver.operation_request(config, op)
    assert request["url"] == hostedpay.redsys.TEST_REST_URL
    with pytest.raises(hostedpay.GatewayError) as e:
        driver.parse_operation_reply(config, op, {"error": "timed out"})
    status = driver.OperationStatus.after_error(e.value)
    assert (status.state, status.code) == ("pending", "gateway_unavailable")
    # CECA refunds need the configured anularOperacionExt URL; captures are not CECA's.
    ceca_config = driver.Config("ceca", {
        "merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003", "key": "k",
        "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action", "url_ok": "https://s/ok/",
        "url_nok": "https://s/ko/"})
    ceca_refund = driver.Operation({"kind": "refund", "order_id": "1234ABCD", "transaction_id": "120041",
                                    "amount": {"minor": 600, "currency": "EUR"}})
    with pytest.raises(hostedpay.ConfigError) as e:
        driver.operation_request(ceca_config, ceca_refund)
    assert e.value.field == "refund_url"
    with pytest.raises(hostedpay.UnsupportedError):
        driver.operation_request(ceca_config, driver.Operation(
            {"kind": "capture", "order_id": "1234ABCD", "amount": {"minor": 600, "currency": "EUR"}}))
    with pytest.raises(hostedpay.ParseError) as e:
        driver.Operation.charge_stored_card("1234NEXT", {"value": "9.99", "currency": "EUR"}, {})
    assert e.value.field == "card_reference"
    charge = driver.Operation.charge_stored_card(
        "1234NEXT", {"value": "9.99", "currency": "EUR"}, {"card_reference": "ab12cd34"}, "recurring")
    assert charge.to_dict()["stored_credential"]["direct_payment"] is True


def test_the_django_secret_keys_are_the_cores() -> None:
    from hostedpay.django.accounts import NOT_STORED_SECRETS, SECRET_KEYS

    assert set(SECRET_KEYS) == set(driver.GATEWAYS)
    for gateway, keys in SECRET_KEYS.items():
        assert set(keys) == {path.split(".")[0] for path in driver.secret_keys(gateway)} - set(NOT_STORED_SECRETS)
    assert SECRET_KEYS["paypal"] == ("nvp",) and SECRET_KEYS["elavon"] == ("secret", "rebate_password")
    # PayPal REST's access_token is the host's cached OAuth token: never a stored secret.
    assert driver.secret_keys("paypal_rest") == ["secret", "access_token"] and SECRET_KEYS["paypal_rest"] == ("secret",)

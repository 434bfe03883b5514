"""PayPal Express Checkout (NVP) through the Python API: each call's exact request, reply
parsing with PayPal's error codes, the payment and refund events driving `hostedpay.transition`,
and credentials kept out of every repr and message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict
from urllib.parse import parse_qsl

import pytest

import hostedpay
import hostedpay.state
from hostedpay import paypal

CONFIG: Dict[str, Any] = {
    "business": "shop@example.com",
    "checkout_url": paypal.SANDBOX_CHECKOUT_URL,
    "ipn_url": paypal.SANDBOX_IPN_URL,
    "nvp": {"user": "api_user", "password": "pw-SECRET", "signature": "sig-SECRET",
            "api_url": paypal.SANDBOX_NVP_URL},
}
ORDER: Dict[str, Any] = {
    "invoice": "A-1", "amount": {"value": Decimal("15.00"), "currency": "EUR"}, "description": "Tea",
    "return_url": "https://shop.example/paypal/return", "cancel_url": "https://shop.example/cart",
}
CREDENTIALS = [("USER", "api_user"), ("PWD", "pw-SECRET"), ("SIGNATURE", "sig-SECRET")]
PAID = ("TOKEN=EC%2d8A1&SUCCESSPAGEREDIRECTREQUESTED=false&TIMESTAMP=2026%2d11%2d26T00%3a00%3a00Z"
        "&CORRELATIONID=5be53331d9700&ACK=Success&VERSION=124%2e0&BUILD=000000"
        "&PAYMENTINFO_0_TRANSACTIONID=8SC56973LM923823H&PAYMENTINFO_0_TRANSACTIONTYPE=expresscheckout"
        "&PAYMENTINFO_0_AMT=15%2e00&PAYMENTINFO_0_CURRENCYCODE=EUR&PAYMENTINFO_0_PAYMENTSTATUS=Completed"
        "&PAYMENTINFO_0_PENDINGREASON=None&PAYMENTINFO_0_ACK=Success")


@pytest.fixture
def gw() -> paypal.Gateway:
    return paypal.Gateway(CONFIG)


def fields(request: Dict[str, Any]) -> list:
    return parse_qsl(request["body"], keep_blank_values=True, strict_parsing=True)


def snapshot(status: str = "new") -> Dict[str, Any]:
    return {"gateway": "paypal", "merchant": "shop@example.com", "order_id": "A-1",
            "amount": {"value": "15.00", "currency": "EUR"}, "status": status}


def test_set_express_checkout_request_is_the_exact_form_post(gw: paypal.Gateway) -> None:
    request = gw.set_express_checkout_request(ORDER)
    assert request["method"] == "POST"
    assert request["url"] == "https://api-3t.sandbox.paypal.com/nvp"
    assert request["headers"] == [["Content-Type", "application/x-www-form-urlencoded"]]
    assert fields(request) == [("METHOD", "SetExpressCheckout"), ("VERSION", "124.0"), *CREDENTIALS,
                               ("PAYMENTREQUEST_0_PAYMENTACTION", "Sale"), ("PAYMENTREQUEST_0_AMT", "15.00"),
                               ("PAYMENTREQUEST_0_CURRENCYCODE", "EUR"), ("PAYMENTREQUEST_0_INVNUM", "A-1"),
                               ("L_PAYMENTREQUEST_0_NAME0", "Tea"), ("L_PAYMENTREQUEST_0_AMT0", "15.00"),
                               ("L_PAYMENTREQUEST_0_QTY0", "1"),
                               ("RETURNURL", "https://shop.example/paypal/return"),
                               ("CANCELURL", "https://shop.example/cart")]
    assert "RETURNURL=https%3A%2F%2Fshop.example%2Fpaypal%2Freturn" in request["body"]


def test_amounts_follow_the_currency_exponent(gw: paypal.Gateway) -> None:
    jpy = dict(fields(gw.set_express_checkout_request({**ORDER, "amount": {"value": "1500", "currency": "JPY"}})))
    assert (jpy["PAYMENTREQUEST_0_AMT"], jpy["PAYMENTREQUEST_0_CURRENCYCODE"]) == ("1500", "JPY")
    minor = dict(fields(gw.set_express_checkout_request({**ORDER, "amount": {"minor": 5, "currency": "USD"}})))
    assert minor["PAYMENTREQUEST_0_AMT"] == "0.05"
    with pytest.raises(hostedpay.VposError) as e:
        gw.set_express_checkout_request({**ORDER, "amount": {"value": "15.001", "currency": "EUR"}})
    assert (e.value.code, e.value.field) == ("amount_precision", "amount")
    with pytest.raises(TypeError):
        gw.set_express_checkout_request({**ORDER, "amount": {"value": 15.0, "currency": "EUR"}})
    with pytest.raises(hostedpay.VposError) as e:
        gw.set_express_checkout_request({**ORDER, "amount": {"value": "0", "currency": "EUR"}})
    assert (e.value.code, e.value.field) == ("field_invalid", "PAYMENTREQUEST_0_AMT")


def test_set_express_checkout_requires_both_urls_and_nvp_credentials(gw: paypal.Gateway) -> None:
    for key, field in [("return_url", "RETURNURL"), ("cancel_url", "CANCELURL")]:
        with pytest.raises(hostedpay.VposError) as e:
            gw.set_express_checkout_request({**ORDER, key: ""})
        assert (e.value.code, e.value.field) == ("field_missing", field)
    with pytest.raises(hostedpay.VposError) as e:
        gw.set_express_checkout_request({**ORDER, "cancel_url": "javascript:alert(1)"})
    assert (e.value.code, e.value.field) == ("field_invalid", "CANCELURL")
    no_nvp = paypal.Gateway({k: v for k, v in CONFIG.items() if k != "nvp"})
    with pytest.raises(hostedpay.ConfigError) as e:
        no_nvp.set_express_checkout_request(ORDER)
    assert (e.value.code, e.value.field) == ("invalid_config", "nvp")
    no_url = paypal.Gateway({**CONFIG, "nvp": {**CONFIG["nvp"], "api_url": ""}})
    with pytest.raises(hostedpay.ConfigError) as e:
        no_url.get_express_checkout_details_request("EC-8A1")
    assert e.value.field == "api_url"


def test_live_endpoint_and_the_other_three_calls() -> None:
    live = paypal.Gateway({**CONFIG, "nvp": {**CONFIG["nvp"], "api_url": paypal.LIVE_NVP_URL}})
    details = live.get_express_checkout_details_request("EC-8A1")
    assert details["url"] == "https://api-3t.paypal.com/nvp"
    assert fields(details) == [("METHOD", "GetExpressCheckoutDetails"), ("VERSION", "124.0"), *CREDENTIALS,
                               ("TOKEN", "EC-8A1")]
    do = live.do_express_checkout_payment_request("EC-8A1", "QX6DUJNYFAE2N", ORDER)
    assert fields(do) == [("METHOD", "DoExpressCheckoutPayment"), ("VERSION", "124.0"), *CREDENTIALS,
                          ("TOKEN", "EC-8A1"), ("PAYERID", "QX6DUJNYFAE2N"),
                          ("PAYMENTREQUEST_0_PAYMENTACTION", "Sale"), ("PAYMENTREQUEST_0_AMT", "15.00"),
                          ("PAYMENTREQUEST_0_CURRENCYCODE", "EUR"), ("PAYMENTREQUEST_0_INVNUM", "A-1")]
    full = live.refund_transaction_request("8SC56973LM923823H")
    assert fields(full)[5:] == [("TRANSACTIONID", "8SC56973LM923823H"), ("REFUNDTYPE", "Full")]
    partial = live.refund_transaction_request("8SC56973LM923823H", {"value": Decimal("5.5"), "currency": "EUR"})
    assert fields(partial)[5:] == [("TRANSACTIONID", "8SC56973LM923823H"), ("REFUNDTYPE", "Partial"),
                                   ("AMT", "5.50"), ("CURRENCYCODE", "EUR")]
    assert fields(partial)[0] == ("METHOD", "RefundTransaction")


def test_missing_identifiers_are_typed_errors(gw: paypal.Gateway) -> None:
    cases = [
        (lambda: gw.get_express_checkout_details_request(""), "field_missing", "TOKEN"),
        (lambda: gw.do_express_checkout_payment_request("", "P", ORDER), "field_missing", "TOKEN"),
        (lambda: gw.do_express_checkout_payment_request("EC-1", " ", ORDER), "field_missing", "PAYERID"),
        (lambda: gw.refund_transaction_request(""), "field_missing", "TRANSACTIONID"),
        (lambda: gw.get_express_checkout_details_request("EC-1\r\nX"), "field_invalid", "TOKEN"),
        (lambda: gw.refund_transaction_request("T", {"minor": 0, "currency": "EUR"}), "field_invalid", "AMT"),
        (lambda: gw.refund_transaction_request("T", {"value": "5.001", "currency": "EUR"}), "amount_precision",
         "amount"),
        (lambda: gw.refund_transaction_request("T", {"value": "1", "currency": "XYZ"}), "unknown_currency",
         "amount.currency"),  # the core's json::from_value names the value's path
    ]
    for call, code, field in cases:
        with pytest.raises(hostedpay.VposError) as e:
            call()
        assert (e.value.code, e.value.field) == (code, field)


def test_reply_parsing(gw: paypal.Gateway) -> None:
    ok = gw.parse_nvp_response({"status": 200, "body": b"TOKEN=EC%2d8A1&ACK=Success&VERSION=124%2e0"})
    assert isinstance(ok, paypal.NvpReply)
    assert (ok.ack, ok.token(), ok.get("VERSION"), ok.get("NOPE")) == ("Success", "EC-8A1", "124.0", None)
    assert ok.fields == [("TOKEN", "EC-8A1"), ("ACK", "Success"), ("VERSION", "124.0")]
    assert ok.to_dict() == {"ack": "Success", "fields": [["TOKEN", "EC-8A1"], ["ACK", "Success"],
                                                         ["VERSION", "124.0"]]}
    warned = gw.parse_nvp_response({"status": 200, "body": "ACK=SuccessWithWarning&L_ERRORCODE0=11607"})
    assert warned.ack == "SuccessWithWarning"
    with pytest.raises(hostedpay.VposError) as e:
        warned.token()
    assert (e.value.code, e.value.field) == ("field_missing", "TOKEN")


def test_failures_carry_paypals_error_code(gw: paypal.Gateway) -> None:
    # The error response shown in PayPal's Name-Value Pair API Developer Guide.
    body = ("TIMESTAMP=2011%2d11%2d15T20%3a27%3a02Z&CORRELATIONID=5be53331d9700&ACK=Failure&VERSION=78%2e0"
            "&BUILD=000000&L_ERRORCODE0=15005&L_SHORTMESSAGE0=Processor%20Decline"
            "&L_LONGMESSAGE0=This%20transaction%20cannot%20be%20processed%2e&L_SEVERITYCODE0=Error")
    with pytest.raises(hostedpay.GatewayError) as e:
        gw.parse_nvp_response({"status": 200, "body": body})
    assert (e.value.code, e.value.field) == ("gateway_error", "ACK")
    assert "15005" in e.value.message and "This transaction cannot be processed." in e.value.message
    for reply, code in [({"status": 500, "body": "oops"}, "gateway_unavailable"),
                        ({"error": "timed out"}, "gateway_unavailable"),
                        ({"status": 200, "body": "TOKEN=EC-1"}, "field_missing"),
                        ({"status": 200, "body": "ACK=Success&TOKEN=EC%2"}, "invalid_encoding"),
                        ({"status": 200, "body": "ACK=Success&TOKEN=A&TOKEN=B"}, "duplicate_field")]:
        with pytest.raises(hostedpay.VposError) as e:
            gw.parse_nvp_response(reply)
        assert e.value.code == code, reply


def test_redirect_sends_the_buyer_to_paypal_with_the_token(gw: paypal.Gateway) -> None:
    form = gw.express_checkout_redirect("EC-8A1")
    assert (form.method, form.action) == ("GET", "https://www.sandbox.paypal.com/cgi-bin/webscr")
    assert form.fields == [("cmd", "_express-checkout"), ("token", "EC-8A1")]


def test_payment_then_partial_refund_drive_the_state_machine(gw: paypal.Gateway) -> None:
    paid = gw.parse_nvp_response({"status": 200, "body": PAID})
    event = gw.payment_event("A-1", paid)
    assert isinstance(event, hostedpay.state.Event)
    assert (event.gateway, event.action, event.status, event.status_code) == ("paypal", "sale", "succeeded",
                                                                             "Completed")
    assert (event.order_id, event.transaction_id, event.merchant) == ("A-1", "8SC56973LM923823H",
                                                                      "shop@example.com")
    assert event.amount == {"minor": 1500, "currency": "EUR", "value": "15.00"}
    outcome = hostedpay.transition(snapshot(), event)
    assert (outcome.kind, outcome.new_status) == ("applied", "paid")

    refund = gw.parse_nvp_response({"status": 200, "body": (
        "REFUNDTRANSACTIONID=9E679139T5135712L&FEEREFUNDAMT=0%2e15&GROSSREFUNDAMT=5%2e00&NETREFUNDAMT=4%2e85"
        "&CURRENCYCODE=EUR&TOTALREFUNDEDAMOUNT=5%2e00&REFUNDSTATUS=Instant&PENDINGREASON=None&ACK=Success")})
    r = gw.refund_event("A-1", refund)
    assert (r.action, r.status, r.transaction_id) == ("refund", "succeeded", "9E679139T5135712L")
    assert r.amount["minor"] == 500
    outcome = hostedpay.transition(snapshot("paid"), r)
    assert outcome.kind == "applied"
    assert outcome.to_dict()["refunded_minor"] == 500


def test_pending_and_denied_payments(gw: paypal.Gateway) -> None:
    def event_for(status: str) -> hostedpay.state.Event:
        body = PAID.replace("PAYMENTSTATUS=Completed", "PAYMENTSTATUS=" + status)
        return gw.payment_event("A-1", gw.parse_nvp_response({"status": 200, "body": body}))
    pending = event_for("Pending")
    assert (pending.status, pending.status_code) == ("pending", "Pending")
    assert event_for("Denied").status == "failed"
    assert pending.key != event_for("Completed").key
    no_txn = gw.parse_nvp_response({"status": 200, "body": "ACK=Success&PAYMENTINFO_0_PAYMENTSTATUS=Completed"})
    with pytest.raises(hostedpay.VposError) as e:
        gw.payment_event("A-1", no_txn)
    assert (e.value.code, e.value.field) == ("field_missing", "PAYMENTINFO_0_TRANSACTIONID")
    bad_amt = gw.parse_nvp_response({"status": 200, "body": PAID.replace("AMT=15%2e00", "AMT=15%2e001")})
    with pytest.raises(hostedpay.VposError) as e:
        gw.payment_event("A-1", bad_amt)
    assert (e.value.code, e.value.field) == ("amount_precision", "PAYMENTINFO_0_AMT")


def test_credentials_never_in_repr_or_errors(gw: paypal.Gateway) -> None:
    assert "SECRET" not in repr(gw)
    assert "nvp=***" in repr(gw)
    reply = gw.parse_nvp_response({"status": 200, "body": PAID})
    assert "SECRET" not in repr(reply)
    request = gw.refund_transaction_request("8SC56973LM923823H")
    assert "SECRET" not in repr(gw.parse_nvp_response({"status": 200, "body": request["body"] + "&ACK=Success"}))
    with pytest.raises(TypeError):
        paypal.NvpReply()  # only parse_nvp_response makes one

"""The Python binding itself: errors, money, opaque verified types, secrets, stubs."""

from __future__ import annotations

import ast
import inspect
import pickle
import random
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict

import pytest

import hostedpay
from hostedpay import flocash, money
from hostedpay.errors import _FAMILIES

from tests.conftest import BASE_PAYLOAD, FLOCASH

PKG = Path(hostedpay.__file__).parent
ORDER: Dict[str, Any] = {
    "order_id": "AT000001",
    "custom": "C0000001",
    "item_name": "Call Credit",
    "item_price": {"value": Decimal("2.50"), "currency": "USD"},
    "quantity": 2,
}
CT = "application/x-www-form-urlencoded"


def gw() -> flocash.Gateway:
    return flocash.Gateway(FLOCASH)


def test_error_codes_are_the_core_catalogue_and_every_code_has_a_family() -> None:
    codes = hostedpay.error_codes()
    assert codes[:3] == ["field_missing", "field_too_long", "field_invalid"]
    assert "unsupported" in codes and "postback_failed" in codes and len(codes) == len(set(codes))
    assert set(_FAMILIES) == set(codes), "hostedpay/errors.py families drifted from the core catalogue"


def test_pyi_lists_every_error_code() -> None:
    tree = ast.parse((PKG / "__init__.pyi").read_text())
    literal = next(
        n.value for n in tree.body
        if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "ErrorCode" for t in n.targets)
    )
    listed = [e.value for e in literal.slice.elts]  # type: ignore[attr-defined]
    assert listed == hostedpay.error_codes()


def _stub_classes(path: Path) -> Dict[str, set]:
    """Public methods, properties and attributes of each class in a .pyi."""
    out = {}
    for node in ast.parse(path.read_text()).body:
        # TypedDicts describe dict shapes; they exist only in the stubs.
        if isinstance(node, ast.ClassDef) and not any(getattr(b, "id", "") == "TypedDict" for b in node.bases):
            names = set()
            for n in node.body:
                if isinstance(n, ast.FunctionDef):
                    names.add(n.name)
                elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                    names.add(n.target.id)
            out[node.name] = {x for x in names if not x.startswith("_")}
    return out


@pytest.mark.parametrize("module", ["flocash", "redsys", "state", "http", "driver"])
def test_stubs_match_the_runtime(module: str) -> None:
    """Every public name and method in the .pyi exists at run time, and vice versa."""
    runtime = getattr(hostedpay, module)
    tree = ast.parse((PKG / f"{module}.pyi").read_text())
    stub_names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stub_names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            stub_names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            stub_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    public = {n for n in getattr(runtime, "__all__", [])}
    assert public <= stub_names, f"missing from {module}.pyi: {public - stub_names}"
    for cls, members in _stub_classes(PKG / f"{module}.pyi").items():
        obj = getattr(runtime, cls)
        actual = {n for n in dir(obj) if not n.startswith("_")}
        assert members == actual, f"{module}.{cls}: stub {sorted(members ^ actual)} differ"


def test_vpos_error_shape_and_pickle() -> None:
    with pytest.raises(hostedpay.AmountError) as exc:
        money.parse("12.345", "EUR")
    e = exc.value
    assert isinstance(e, hostedpay.VposError) and isinstance(e, ValueError)
    assert (e.code, e.field) == ("amount_precision", None)
    assert e.to_dict()["code"] == "amount_precision" and str(e) == e.message
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is hostedpay.AmountError and again.to_dict() == e.to_dict()


def test_money_is_exact_and_refuses_floats() -> None:
    assert money.parse(Decimal("23.45"), "EUR") == {"minor": 2345, "currency": "EUR", "value": "23.45"}
    assert money.parse(Decimal("1E+2"), "JPY")["minor"] == 100
    assert money.parse(23, "EUR")["minor"] == 2300
    assert money.to_decimal(money.from_minor(1234, "KWD")) == Decimal("1.234")
    with pytest.raises(TypeError, match="value: float"):
        money.parse(23.45, "EUR")
    with pytest.raises(hostedpay.AmountError) as exc:
        money.parse(Decimal("NaN"), "EUR")
    assert exc.value.code == "amount_syntax"
    with pytest.raises(hostedpay.AmountError):
        money.parse("1.00", "ZZZ")
    assert money.currency("XOF")["exponent"] == 0
    assert money.currency_by_numeric(978)["code"] == "EUR"
    assert len(money.currencies()) >= 150


def test_floats_are_refused_anywhere_and_the_field_is_named() -> None:
    order = dict(ORDER, item_price={"value": 2.5, "currency": "USD"})
    with pytest.raises(TypeError, match=r"item_price\.value: float"):
        gw().checkout(order)
    g = gw()
    event = g.verify_postback(g.parse_notification(CT, BASE_PAYLOAD.encode()), {"status": 200, "body": "VERIFIED"}).event()
    with pytest.raises(TypeError, match=r"amount\.minor: float"):
        hostedpay.transition({"amount": {"minor": 1.0, "currency": "EUR"}}, event)


def test_amount_errors_inside_an_order_keep_their_code_and_field() -> None:
    with pytest.raises(hostedpay.AmountError) as exc:
        gw().checkout(dict(ORDER, item_price={"value": "2.505", "currency": "USD"}))
    assert (exc.value.code, exc.value.field) == ("amount_precision", "item_price")
    with pytest.raises(hostedpay.AmountError) as exc:
        gw().checkout(dict(ORDER, amount={"value": "5", "currency": "ZZZ"}))
    # The core's json::from_value names the value's own path (issue #16: one conversion in
    # every binding); the binding used to stop at the amount.
    assert (exc.value.code, exc.value.field) == ("unknown_currency", "amount.currency")
    with pytest.raises(hostedpay.ParseError) as exc:
        gw().checkout({k: v for k, v in ORDER.items() if k != "quantity"})
    assert (exc.value.code, exc.value.field) == ("field_missing", "quantity")
    with pytest.raises(hostedpay.ParseError) as exc:
        gw().checkout(dict(ORDER, colour="red"))
    assert exc.value.code == "field_invalid" and "colour" in exc.value.message


def test_checkout_form_from_decimal_and_html() -> None:
    form = gw().checkout(dict(ORDER, item_name='Tea & "cake" <b>'))
    assert form.action == "https://fcms.flocash.com/ecom/ecommerce.do" and form.method == "POST"
    assert dict(form.fields)["amount"] == "5.00" and dict(form.fields)["item_price"] == "2.50"
    html = form.to_html()
    assert 'value="Tea &amp; &quot;cake&quot; &lt;b&gt;"' in html and "<script>" not in html
    assert "<script>" in form.to_html(True) and form.__html__() == html
    assert form.to_dict()["fields"][0] == ["merchant_name", "test name"]


def test_config_errors_name_the_key_and_never_show_the_token() -> None:
    secret = "s3cret-path-token-value"
    bad = dict(FLOCASH, notification_token=secret, base_url="ftp://x")
    with pytest.raises(hostedpay.ConfigError) as exc:
        flocash.Gateway(bad)
    assert (exc.value.code, exc.value.field) == ("invalid_config", "base_url")
    assert secret not in str(exc.value) and secret not in repr(exc.value)
    with pytest.raises(hostedpay.ConfigError) as exc:
        flocash.Gateway(dict(FLOCASH, notification_token=123456789012345))
    assert exc.value.field == "notification_token" and "123456789012345" not in exc.value.message
    with pytest.raises(hostedpay.ConfigError) as exc:
        flocash.Gateway({k: v for k, v in FLOCASH.items() if k != "merchant"})
    assert exc.value.field == "merchant"
    with pytest.raises(hostedpay.ConfigError) as exc:
        flocash.Gateway(dict(FLOCASH, merchnt="typo"))
    assert "merchnt" in exc.value.message


def test_repr_never_shows_the_token() -> None:
    g = flocash.Gateway(dict(FLOCASH, notification_token="s3cret-path-token-value"))
    text = repr(g) + str(g) + repr(g.public_config())
    assert "s3cret" not in text and '"notification_token":"***"' in repr(g)
    assert g.postback_url == "https://flocash.example.com/validateNotify.do"


def test_verified_things_cannot_be_forged() -> None:
    for cls in (flocash.Unverified, flocash.Verified, hostedpay.state.Event, hostedpay.state.Outcome):
        with pytest.raises(TypeError):
            cls()
    # An Event is the only thing transition() accepts.
    with pytest.raises(TypeError):
        hostedpay.transition({}, {"key": "flocash:x"})  # type: ignore[arg-type]


def test_flow_through_the_binding() -> None:
    g = gw()
    u = g.parse_notification(CT, BASE_PAYLOAD.encode())
    assert (u.order_id, u.merchant, u.trans_id, u.status_code) == ("test order", "test@merchant.com", "test trans", "0000")
    assert u.raw_body == BASE_PAYLOAD.encode() and u.received_fields[0] == ("merchant", "test@merchant.com")
    assert u.untrusted()["amount"] == {"minor": 12300, "currency": "EUR", "value": "123.00"}
    req = g.postback_request(u)
    assert req["url"] == "https://flocash.example.com/validateNotify.do"
    assert req["body"].endswith("&cmd=notify-validate")
    with pytest.raises(hostedpay.VerificationError) as exc:
        g.verify_postback(u, {"status": 200, "body": b"INVALID"})
    assert exc.value.code == "postback_invalid"
    assert flocash.reject(exc.value) == {"status": 409, "headers": [["Content-Type", "text/plain; charset=utf-8"]], "body": "INVALID"}
    # The Unverified survives a failed verification and can be verified again.
    v = g.verify_postback(u, {"status": 200, "body": "verified"})
    ev = v.event()
    assert ev.key == "flocash:test fpn:test trans:sale:0000" and ev.amount["value"] == "123.00"
    payment = {"gateway": "flocash", "merchant": "test@merchant.com", "order_id": "test order",
               "amount": {"value": Decimal("123"), "currency": "EUR"}, "status": "new"}
    out = hostedpay.transition(payment, ev)
    assert (out.kind, out.new_status, out.refunded_minor, out.is_acknowledged()) == ("applied", "paid", 0, True)
    assert flocash.acknowledge(out)["body"] == "00" and g.acknowledge(out)["status"] == 200
    again = hostedpay.transition(dict(payment, status="paid", applied_event_keys=[ev.key]), ev)
    assert (again.kind, again.new_status) == ("already_applied", None)
    wrong = hostedpay.transition(dict(payment, amount={"minor": 1, "currency": "EUR"}), ev)
    assert wrong.kind == "rejected" and wrong.error.code == "amount_mismatch"
    assert isinstance(wrong.error, hostedpay.ConsistencyError) and not wrong.is_acknowledged()
    assert flocash.acknowledge(wrong)["status"] == 409


def test_reply_shapes() -> None:
    g = gw()
    u = g.parse_notification(CT, BASE_PAYLOAD.encode())
    for reply in ({"error": "timed out"}, {"status": 500, "body": b"VERIFIED"}, {"status": 200, "body": b"VERIFIED\n"}):
        with pytest.raises(hostedpay.VerificationError):
            g.verify_postback(u, reply)
    for bad in ({"status": 200, "error": "x"}, {"status": "200"}, {"status": 200, "body": 1}, [200], {"stat": 1}):
        with pytest.raises((TypeError, ValueError)):
            g.verify_postback(u, bad)


def test_reject_needs_a_vpos_error() -> None:
    with pytest.raises(TypeError):
        flocash.reject(ValueError("x"))
    with pytest.raises(ValueError):
        flocash.reject(hostedpay.VposError("not_a_code", "x"))
    assert flocash.reject(hostedpay.ParseError("field_missing", "order_id is required", "order_id"))["status"] == 422


def test_refund_is_unsupported() -> None:
    with pytest.raises(hostedpay.UnsupportedError) as exc:
        gw().refund_request("A1", {"value": "1.00", "currency": "EUR"})
    assert exc.value.code == "unsupported"


def test_hostile_bodies_only_ever_raise_vpos_errors() -> None:
    g = gw()
    rng = random.Random(20261125)
    alphabet = b"=&%+abcdefgh0123456789\xff\xc3\xa9 ;:\x00"
    samples = [bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 300))) for _ in range(3000)]
    samples += [b"%" * 100, b"=" * 1000, b"a=" + b"1" * 70000, BASE_PAYLOAD.encode() + b"&merchant=x"]
    parsed = 0
    for body in samples:
        for ct in (CT, "application/x-www-form-urlencoded; charset=latin-1", "text/plain", ""):
            try:
                g.parse_notification(ct, body)
                parsed += 1
            except hostedpay.VposError as e:
                assert e.code in hostedpay.error_codes()
    assert parsed == 0  # none of these carries every required field


def test_status_table_and_constants() -> None:
    assert flocash.normalize_status("4") == "0004"
    assert (flocash.map_status("0000"), flocash.map_status("0042")) == ("succeeded", "unknown")
    assert flocash.status_label("0002") == "Customer cancelled the payment."
    assert flocash.STATUS_CODES[0] == ("0000", "succeeded", "Payment is successful.")
    assert dict(flocash.FIELDS)["order_id"] == 25 and flocash.MAX_BODY_BYTES == 65536
    assert hostedpay.state.allowed("pending", "paid") and not hostedpay.state.allowed("paid", "pending")
    assert hostedpay.PAYMENT_STATUSES[0] == "new"


def test_http_send_reports_failures_as_values() -> None:
    from tests.postback import PostbackServer

    with PostbackServer() as server:
        req = {"method": "POST", "url": server.base_url + "/validateNotify.do",
               "headers": [["Content-Type", "application/x-www-form-urlencoded"]], "body": "a=1&cmd=notify-validate"}
        assert hostedpay.http.send(req, 5) == {"status": 200, "body": b"VERIFIED"}
        assert server.received[0][0] == "/validateNotify.do" and server.received[0][2] == b"a=1&cmd=notify-validate"
        server.status, server.body = 500, b"oops"
        assert hostedpay.http.send(req, 5) == {"status": 500, "body": b"oops"}
        server.status, server.body = 302, b""
        assert hostedpay.http.send(req, 5)["status"] == 302  # redirects are not followed
        port = server.httpd.server_address[1]
    closed = dict(req, url=f"http://127.0.0.1:{port}/validateNotify.do")
    assert "error" in hostedpay.http.send(closed, 2)


def test_signatures_are_introspectable() -> None:
    assert "validate" in str(inspect.signature(flocash.Gateway))


# Redsys: the public test terminal (peers-and-vectors.md), never a real key.
REDSYS = {"merchant_code": "999008881", "terminal": "1", "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
          "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
          "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}


def test_redsys_repr_and_errors_never_show_the_secret_key() -> None:
    g = hostedpay.redsys.Gateway(REDSYS)
    assert "sq7H" not in repr(g) + str(g) and '"secret_key":"***"' in repr(g)
    with pytest.raises(hostedpay.ConfigError) as exc:
        hostedpay.redsys.Gateway(dict(REDSYS, secret_key="not-base64-but-secret!!"))
    assert exc.value.field == "secret_key" and "not-base64-but-secret" not in repr(exc.value)
    with pytest.raises(hostedpay.ConfigError) as exc:
        hostedpay.redsys.Gateway(dict(REDSYS, secret_key=123456789))
    assert "123456789" not in exc.value.message


def test_redsys_round_trip_with_the_binding_signer() -> None:
    import base64
    import json
    import os

    g = hostedpay.redsys.Gateway(REDSYS)
    order = hostedpay.redsys.order_number("26", os.urandom(12))
    hostedpay.redsys.check_order_number(order)
    with pytest.raises(hostedpay.ParseError):
        hostedpay.redsys.order_number("26", b"short")
    form = g.checkout({"order": order, "amount": {"value": Decimal("49.99"), "currency": "EUR"}})
    fields = dict(form.fields)
    assert fields["Ds_SignatureVersion"] == "HMAC_SHA256_V1"
    assert json.loads(base64.b64decode(fields["Ds_MerchantParameters"]))["DS_MERCHANT_AMOUNT"] == "4999"
    with pytest.raises(TypeError):
        g.checkout({"order": order, "amount": {"value": 49.99, "currency": "EUR"}})
    params = base64.b64encode(json.dumps({
        "Ds_Order": order, "Ds_Amount": "4999", "Ds_Currency": "978", "Ds_MerchantCode": "999008881",
        "Ds_Terminal": "1", "Ds_Response": "0000", "Ds_TransactionType": "0",
        "Ds_AuthorisationCode": "123456"}).encode()).decode()
    from urllib.parse import urlencode

    body = urlencode({"Ds_SignatureVersion": "HMAC_SHA256_V1", "Ds_MerchantParameters": params,
                      "Ds_Signature": g.sign(order, params)})
    unverified = g.parse_notification(CT, body.encode())
    assert (unverified.order, unverified.format) == (order, "http") and "Unverified" in repr(unverified)
    verified = g.verify(unverified)
    assert verified.parameters()["Ds_Response"] == "0000" and verified.event().gateway == "redsys"
    snapshot = {"gateway": "redsys", "merchant": "999008881", "order_id": order,
                "amount": {"minor": 4999, "currency": "EUR"}, "status": "pending", "live": True,
                "refunded_minor": 0, "applied_event_keys": []}
    outcome = hostedpay.transition(snapshot, verified.event())
    assert outcome.new_status == "paid"
    answer = g.acknowledge(verified, outcome)
    assert (answer["status"], answer["body"]) == (200, "")
    tampered = body.replace("Ds_Signature=", "Ds_Signature=AAAA")
    with pytest.raises(hostedpay.VerificationError) as exc:
        g.verify(g.parse_notification(CT, tampered.encode()))
    assert hostedpay.redsys.reject(exc.value)["status"] == 403
    request = g.operation_request({"kind": "refund", "order": order, "amount": {"value": "10.00", "currency": "EUR"}})
    assert request["url"].endswith("trataPeticionREST") and "sq7H" not in request["body"]
    with pytest.raises(hostedpay.GatewayError) as gexc:
        g.parse_operation_response({"error": "timed out"})
    assert gexc.value.code == "gateway_unavailable"

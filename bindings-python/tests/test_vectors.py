"""Every case under tests/vectors/ through the Python API (docs/conformance.md).

Mirrors core/tests/vectors.rs operation by operation; an unknown operation or area fails (this
runner skips nothing). What ran goes to target/vector-runs/python.json, which
scripts/vector_parity.py compares with the other runtimes' manifests, and one line per file is
printed at the end of the module.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple
from urllib.parse import parse_qsl

import pytest

import hostedpay
from hostedpay import bitpay, ceca, elavon, flocash, money, paypal, redsys
from hostedpay.errors import _from_core

ROOT = Path(__file__).resolve().parents[2] / "tests"
VECTORS = ROOT / "vectors"
MANIFEST = Path(__file__).resolve().parents[2] / "target" / "vector-runs" / "python.json"
# Every operation area of the vectors: an unknown one fails (a new gateway must be wired here).
BOUND_AREAS = {"money", "currency", "flocash", "redsys", "paypal", "ceca", "elavon", "bitpay", "driver"}


def _cases() -> List[Tuple[str, Dict[str, Any]]]:
    files = sorted(VECTORS.rglob("*.json"))
    assert files, f"no vector files under {VECTORS}"
    out = []
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        defaults = doc.get("defaults", {})
        name = path.relative_to(VECTORS).as_posix()
        FILES[name] = len(doc["cases"])
        for i, case in enumerate(doc["cases"]):
            merged = dict(defaults)
            merged.update(case["input"])
            out.append((f"{path.relative_to(ROOT)}[{i}] {case['description']}",
                        {**case, "input": merged, "_file": name, "_index": i}))
    return out


# Every file's case count, and per file what ran: {"ran": [index], "failed": [index],
# "errors": {index: {code, field}}} (target/vector-runs/python.json).
FILES: Dict[str, int] = {}
RUNS: Dict[str, Dict[str, Any]] = {}


CASES = _cases()


def _body(inp: Dict[str, Any]) -> bytes:
    if "body_base64" in inp:
        return base64.b64decode(inp["body_base64"])
    return inp.get("body", "").encode("utf-8")


def _ct(inp: Dict[str, Any]) -> str:
    return inp.get("content_type", "application/x-www-form-urlencoded")


def _gateway(inp: Dict[str, Any]) -> flocash.Gateway:
    # The core deserializes a config without validating it; `flocash.config` validates.
    return flocash.Gateway(inp["config"], validate=False)


def _handle(inp: Dict[str, Any]) -> Dict[str, Any]:
    """The whole host flow: token, parse, post-back reply, transition, answer."""
    gw = _gateway(inp)
    try:
        if inp.get("token") is not None:
            gw.check_token(inp["token"])
        unverified = gw.parse_notification(_ct(inp), _body(inp))
        verified = gw.verify_postback(unverified, inp["reply"])
        outcome = hostedpay.transition(inp["payment"], verified.event())
    except hostedpay.VposError as e:
        return {"error": e.to_dict(), "response": flocash.reject(e)}
    return {"outcome": outcome.to_dict(), "response": flocash.acknowledge(outcome)}


def _poll(op: str, inp: Dict[str, Any]) -> Any:
    """FloCash Merchant Polling (vectors/flocash/poll.json)."""
    gw, cfg = _gateway(inp), inp["poll_config"]
    if op == "flocash.poll_by_reference_request":
        return gw.poll_by_reference_request(cfg, inp["trace_number"])
    if op == "flocash.poll_by_time_request":
        return gw.poll_by_time_request(cfg, inp["from"], inp["to"])
    polled = gw.parse_poll_response(cfg, inp["reply"])
    if op == "flocash.parse_poll_response":
        reply = {k: polled[k] for k in ("status_code", "status_msg", "payments")}
        return {"reply": reply, "events": [e.to_dict() for e in polled["events"]]}
    if op == "flocash.poll_event":
        return {"outcomes": [hostedpay.transition(inp["payment"], e).to_dict() for e in polled["events"]]}
    raise AssertionError(f"unknown operation {op}")


def _redsys(inp: Dict[str, Any]) -> redsys.Gateway:
    return redsys.Gateway(inp["config"], validate=False)


def _redsys_handle(inp: Dict[str, Any]) -> Dict[str, Any]:
    """The Redsys host flow: parse, verify, transition, acknowledge; errors through reject."""
    gw = _redsys(inp)
    try:
        verified = gw.verify(gw.parse_notification(_ct(inp), _body(inp)))
        outcome = hostedpay.transition(inp["payment"], verified.event())
        response = gw.acknowledge(verified, outcome)
    except hostedpay.VposError as e:
        return {"error": e.to_dict(), "response": redsys.reject(e)}
    return {"outcome": outcome.to_dict(), "response": response}


def _decode_json_b64(text: str) -> Any:
    return json.loads(base64.b64decode(text))


def run_redsys(op: str, inp: Dict[str, Any]) -> Any:
    if op == "redsys.order_key":
        return {"order_key": _redsys(inp).order_key(inp["order"])}
    if op == "redsys.sign":
        return {"signature": _redsys(inp).sign(inp["order"], inp["message"].encode("utf-8"))}
    if op == "redsys.checkout":
        return _redsys(inp).checkout(inp["order"]).to_dict()
    if op == "redsys.checkout_parameters":
        fields = dict(_redsys(inp).checkout(inp["order"]).fields)
        return {"parameters": _decode_json_b64(fields["Ds_MerchantParameters"])}
    if op == "redsys.parse_notification":
        return _redsys(inp).parse_notification(_ct(inp), _body(inp)).untrusted()
    if op == "redsys.verify":
        gw = _redsys(inp)
        verified = gw.verify(gw.parse_notification(_ct(inp), _body(inp)))
        return {"notification": verified.notification(), "parameters": verified.parameters(),
                "event": verified.event().to_dict()}
    if op == "redsys.soap_answer":
        return _redsys(inp).soap_answer(inp["order"], inp["accept"])
    if op == "redsys.handle":
        return _redsys_handle(inp)
    if op == "redsys.operation_request":
        request = _redsys(inp).operation_request(inp["operation"])
        body = json.loads(request["body"])
        return {"request": request, "body": body, "parameters": _decode_json_b64(body["Ds_MerchantParameters"])}
    if op == "redsys.operation_response":
        verified = _redsys(inp).parse_operation_response(inp["reply"])
        result = {"notification": verified.notification(), "event": verified.event().to_dict()}
        if "payment" in inp:
            result["outcome"] = hostedpay.transition(inp["payment"], verified.event()).to_dict()
        return result
    if op.startswith("redsys.emv3ds_"):
        return run_redsys_emv3ds(_redsys(inp), op, inp)
    if op == "redsys.paygold_request":
        return _redsys(inp).paygold_request(inp["link"])
    if op == "redsys.paygold_reply":
        return _redsys(inp).paygold_parse_reply(inp["link"], inp["reply"])
    if op == "redsys.status":
        response = redsys.normalize_response(inp["response"])
        if response is None:
            raise _from_core("field_invalid", "bad response", "Ds_Response")
        action, status = redsys.map_status(inp["transaction_type"], response)
        return {"action": action, "status": status, "response": response}
    raise AssertionError(f"unknown operation {op!r} in a bound area")


def run_redsys_emv3ds(gw: redsys.Gateway, op: str, inp: Dict[str, Any]) -> Any:
    """Host-to-host EMV3DS over Redsys REST (tests/vectors/redsys/emv3ds_rest.json)."""
    if op == "redsys.emv3ds_inicia_request":
        return gw.emv3ds_inicia_request(inp["payment"])
    if op == "redsys.emv3ds_trata_request":
        return gw.emv3ds_trata_request(inp["payment"], inp["authentication"])
    if op == "redsys.emv3ds_challenge_request":
        return gw.emv3ds_challenge_request(inp["payment"], inp["challenge"])
    if op == "redsys.emv3ds_inicia_response":
        card = gw.emv3ds_parse_inicia_response(inp["payment"], inp["reply"])
        url = inp.get("notification_url", "https://shop.example/m")
        return {"card": card, "method_form": gw.emv3ds_method_form(card, url)}
    if op == "redsys.emv3ds_method_data":
        return {"three_ds_server_trans_id": gw.emv3ds_method_data(inp["data"])}
    if op == "redsys.emv3ds_trata_response":
        step = gw.emv3ds_parse_trata_response(inp["payment"], inp["reply"])
        if step["kind"] == "final":
            verified = step["notification"]
            return {"kind": "final", "notification": verified.notification(), "event": verified.event().to_dict()}
        return step
    if op == "redsys.emv3ds_challenge_response":
        verified = gw.emv3ds_parse_challenge_response(inp["payment"], inp["reply"])
        return {"notification": verified.notification(), "event": verified.event().to_dict()}
    raise AssertionError(f"unknown operation {op!r}")


def run_paypal(op: str, inp: Dict[str, Any]) -> Any:
    gw = paypal.Gateway(inp["config"], validate=False)
    if op == "paypal.checkout":
        return gw.checkout(inp["order"]).to_dict()
    if op == "paypal.parse_notification":
        return gw.parse_notification(_ct(inp), _body(inp)).untrusted()
    if op == "paypal.postback_request":
        return gw.postback_request(gw.parse_notification(_ct(inp), _body(inp)))
    if op == "paypal.handle":
        try:
            verified = gw.verify_postback(gw.parse_notification(_ct(inp), _body(inp)), inp["reply"])
            outcome = hostedpay.transition(inp["payment"], verified.event())
        except hostedpay.VposError as e:
            return {"error": e.to_dict(), "response": paypal.reject(e)}
        return {"outcome": outcome.to_dict(), "response": paypal.acknowledge(outcome)}
    if op.startswith("paypal.nvp_"):
        return run_paypal_nvp(gw, op, inp)
    raise AssertionError(f"unknown operation {op!r}")


def _nvp(request: Dict[str, Any]) -> Dict[str, Any]:
    """The request and its body decoded back into pairs, as the Rust runner reports it."""
    return {"request": request,
            "fields": [list(p) for p in parse_qsl(request["body"], keep_blank_values=True, strict_parsing=True)]}


def run_paypal_nvp(gw: paypal.Gateway, op: str, inp: Dict[str, Any]) -> Any:
    if op == "paypal.nvp_set_express_checkout":
        return _nvp(gw.set_express_checkout_request(inp["order"]))
    if op == "paypal.nvp_get_express_checkout_details":
        return _nvp(gw.get_express_checkout_details_request(inp["token"]))
    if op == "paypal.nvp_do_express_checkout_payment":
        return _nvp(gw.do_express_checkout_payment_request(inp["token"], inp["payer_id"], inp["order"]))
    if op == "paypal.nvp_refund_transaction":
        return _nvp(gw.refund_transaction_request(inp["transaction_id"], inp.get("amount")))
    if op == "paypal.nvp_parse_response":
        return gw.parse_nvp_response(inp["reply"]).to_dict()
    if op == "paypal.nvp_redirect":
        return gw.express_checkout_redirect(inp["token"]).to_dict()
    if op in ("paypal.nvp_payment_event", "paypal.nvp_refund_event"):
        reply = gw.parse_nvp_response(inp["reply"])
        make = gw.payment_event if op == "paypal.nvp_payment_event" else gw.refund_event
        event = make(inp["invoice"], reply)
        result = {"event": event.to_dict()}
        if "payment" in inp:
            result["outcome"] = hostedpay.transition(inp["payment"], event).to_dict()
        return result
    raise AssertionError(f"unknown operation {op!r}")


def run_ceca(op: str, inp: Dict[str, Any]) -> Any:
    gw = ceca.Gateway(inp["config"], validate=False)
    if op == "ceca.checkout":
        return gw.checkout(inp["order"]).to_dict()
    if op == "ceca.parse_notification":
        return gw.parse_notification(_ct(inp), _body(inp)).untrusted()
    if op == "ceca.handle":
        try:
            verified = gw.verify(gw.parse_notification(_ct(inp), _body(inp)))
            outcome = hostedpay.transition(inp["payment"], verified.event())
        except hostedpay.VposError as e:
            return {"error": e.to_dict(), "response": ceca.reject(e)}
        return {"outcome": outcome.to_dict(), "response": ceca.acknowledge(outcome)}
    if op in ("ceca.refund_request", "ceca.refund_response"):
        return _ceca_refund(op, inp)
    raise AssertionError(f"unknown operation {op!r}")


def _ceca_refund(op: str, inp: Dict[str, Any]) -> Any:
    """CECA refunds through the driver's one operation path, as hosts call it."""
    from hostedpay import driver

    config = driver.Config("ceca", inp["config"])
    operation = driver.Operation(inp["operation"])
    if op == "ceca.refund_request":
        return driver.operation_request(config, operation)
    event = driver.parse_operation_reply(config, operation, inp["reply"]).event()
    result = {"event": event.to_dict()}
    if "payment" in inp:
        result["outcome"] = hostedpay.transition(inp["payment"], event).to_dict()
    return result


def run_elavon(op: str, inp: Dict[str, Any]) -> Any:
    if op == "elavon.hash":
        return {"hash": elavon.hash(inp["fields"], inp["secret"])}
    gw = elavon.Gateway(inp["config"], validate=False)
    if op == "elavon.checkout":
        return gw.checkout(inp["order"]).to_dict()
    if op == "elavon.handle":
        try:
            verified = gw.verify(gw.parse_notification(_ct(inp), _body(inp)))
            outcome = hostedpay.transition(inp["payment"], verified.event())
        except hostedpay.VposError as e:
            return {"error": e.to_dict(), "response": elavon.reject(e)}
        return {"notification": verified.notification(), "outcome": outcome.to_dict(),
                "response": elavon.acknowledge(outcome)}
    if op == "elavon.remote_request":
        return gw.remote_request(inp["operation"])
    if op == "elavon.remote_response":
        event = gw.parse_remote_response(inp["operation"], inp["reply"])
        result = {"event": event.to_dict()}
        if "payment" in inp:
            result["outcome"] = hostedpay.transition(inp["payment"], event).to_dict()
        return result
    raise AssertionError(f"unknown operation {op!r}")


def _bitpay_facade(op: str, inp: Dict[str, Any]) -> Any:
    """The merchant facade's key, signatures and pairing (no account needed)."""
    if op == "bitpay.key":
        result: Dict[str, Any] = dict(bitpay.merchant_key_info(inp["private_key"]))
        if "message" in inp:
            result["signature"] = bitpay.sign(inp["private_key"], inp["message"])
        return result
    if op == "bitpay.verify_signature":
        bitpay.verify_signature(inp["identity"], inp["message"], inp["signature"])
        return {}
    if op == "bitpay.pairing_request":
        request = bitpay.pairing_request(inp["api_url"], inp["private_key"], inp.get("pairing_code"))
        return {"request": request, "body": json.loads(request["body"])}
    if op == "bitpay.pairing_response":
        return bitpay.parse_pairing_response(inp["reply"])
    raise AssertionError(f"unknown operation {op!r}")


def _bitpay_refund(inp: Dict[str, Any]) -> Any:
    """A refund through the driver's one operation path, as the core runner's `bitpay.refund`."""
    from hostedpay import driver

    config = driver.Config("bitpay", inp["config"])
    operation = driver.Operation(inp["operation"])
    request = driver.operation_request(config, operation)
    result: Dict[str, Any] = {"request": request, "body": json.loads(request["body"])}
    if "reply" in inp:
        answer = driver.parse_operation_reply(config, operation, inp["reply"])
        result["event"] = answer.event().to_dict()
        if "payment" in inp:
            result["outcome"] = hostedpay.transition(inp["payment"], answer.event()).to_dict()
    return result


def run_bitpay(op: str, inp: Dict[str, Any]) -> Any:
    if op in ("bitpay.key", "bitpay.verify_signature", "bitpay.pairing_request", "bitpay.pairing_response"):
        return _bitpay_facade(op, inp)
    if op == "bitpay.refund":
        return _bitpay_refund(inp)
    gw = bitpay.Gateway(inp["config"], validate=False)
    if op == "bitpay.invoice_request":
        request = gw.invoice_request(inp["request"])
        return {"request": request, "body": json.loads(request["body"])}
    if op == "bitpay.invoice_response":
        invoice = gw.parse_invoice_response(inp["reply"])
        return {"invoice": invoice.to_dict(), "form": gw.checkout_form(invoice).to_dict()}
    if op == "bitpay.handle":
        try:
            unverified = gw.parse_notification(_ct(inp), _body(inp))
            fetch = gw.invoice_status_request(unverified)
            verified = gw.verify_invoice(unverified, inp["reply"])
            outcome = hostedpay.transition(inp["payment"], verified.event())
        except hostedpay.VposError as e:
            return {"error": e.to_dict(), "response": bitpay.reject(e)}
        return {"fetch": fetch, "outcome": outcome.to_dict(), "response": bitpay.acknowledge(outcome)}
    raise AssertionError(f"unknown operation {op!r}")


def _status_query(inp: Dict[str, Any]) -> Dict[str, Any]:
    """The request, the reply read and, with `payment`, each event through `transition` in
    order, every `applied` outcome stored on the snapshot before the next (as the core runner)."""
    from hostedpay import driver

    cfg = dict(inp["config"])
    config = driver.Config(cfg.pop("gateway"), cfg)
    request = driver.status_query_request(config, inp["query"])
    answer = driver.parse_status_reply(config, inp["query"], inp["reply"])
    events = answer.events()
    result = {"request": request, "found": answer.found, "events": [e.to_dict() for e in events],
              "payment_fields": answer.payment_fields}
    if "payment" in inp:
        payment = json.loads(json.dumps(inp["payment"]))
        outcomes = []
        for event in events:
            outcome = hostedpay.transition(payment, event).to_dict()
            if outcome["outcome"] == "applied":
                payment["status"] = outcome["to"]
                for total in ("refunded_minor", "captured_minor", "released_minor"):
                    payment[total] = outcome[total]
                payment.setdefault("applied_event_keys", []).append(event.to_dict()["key"])
            outcomes.append(outcome)
        result["outcomes"] = outcomes
    return result


def _driver_config(inp: Dict[str, Any]) -> Any:
    from hostedpay import driver

    cfg = dict(inp["config"])
    return driver.Config(cfg.pop("gateway"), cfg)


def _driver_checkout(inp: Dict[str, Any]) -> Dict[str, Any]:
    """`order` (tagged) or `order_request` (mapped for the configuration's gateway); the form, or
    the request and, with `reply`, what parse_checkout_reply reads (as the core runner)."""
    from hostedpay import driver

    config = _driver_config(inp)
    if "order_request" in inp:
        order = driver.Order.for_payment(config.gateway, inp["order_request"])
    else:
        order = driver.Order.from_json(inp["order"])
    made = driver.checkout(config, order)
    if not isinstance(made, dict):
        return {"form": made.to_dict()}
    result: Dict[str, Any] = {"request": made}
    if "reply" in inp:
        form, reference = driver.parse_checkout_reply(config, inp["reply"])
        result.update(form=form.to_dict(), reference=reference)
    return result


def _driver_notification(inp: Dict[str, Any]) -> Dict[str, Any]:
    """Parse (headers, the host's clock), summary, prove (its request answered with `reply`),
    transition on `payment`, acknowledge; any error goes to reject (as the core runner)."""
    from hostedpay import driver

    try:
        config = _driver_config(inp)
    except hostedpay.VposError as e:
        return {"error": e.to_dict()}
    result: Dict[str, Any] = {}
    try:
        unverified = driver.parse_notification(
            config, inp.get("content_type", "application/x-www-form-urlencoded"), _body(inp),
            token=inp.get("token"), headers=[tuple(h) for h in inp.get("headers", [])], now_unix=inp.get("now_unix"))
        result["summary"] = unverified.summary
        proof = driver.prove(config, unverified)
        if isinstance(proof, tuple):
            request, pending = proof
            result["request"] = request
            verified = pending.finish(config, inp["reply"])
        else:
            verified = proof
        event = verified.event()
        result["event"] = event.to_dict()
        outcome = hostedpay.transition(inp["payment"], event)
        result["outcome"] = outcome.to_dict()
        answer = driver.acknowledge(config, verified, outcome)
    except hostedpay.VposError as e:
        result["error"] = e.to_dict()
        answer = driver.reject(config.gateway, e)
    result["answer"] = answer.to_dict()
    return result


def _driver_operation(inp: Dict[str, Any]) -> Dict[str, Any]:
    """The request and, with `reply`, the event, what it leaves and (with `payment`) the
    transition and the operation's settled status (as the core runner)."""
    from hostedpay import driver

    config = _driver_config(inp)
    operation = driver.Operation(inp["operation"])
    result: Dict[str, Any] = {"request": driver.operation_request(config, operation)}
    if "reply" not in inp:
        return result
    reply = driver.parse_operation_reply(config, operation, inp["reply"])
    event = reply.event()
    result.update(event=event.to_dict(), payment_fields=reply.payment_fields)
    if "payment" in inp:
        outcome = hostedpay.transition(inp["payment"], event)
        status = driver.OperationStatus.after_reply(operation.kind, event, outcome)
        result.update(outcome=outcome.to_dict(), status={"state": status.state, "code": status.code})
    return result


def run_driver(op: str, inp: Dict[str, Any]) -> Any:
    from hostedpay import driver

    if op == "driver.status_query":
        return _status_query(inp)
    if op == "driver.checkout":
        return _driver_checkout(inp)
    if op == "driver.notification":
        return _driver_notification(inp)
    if op == "driver.operation":
        return _driver_operation(inp)
    if op == "driver.operation_key":
        return {"key": driver.operation_key(inp["gateway"], inp["merchant"], inp["order_id"], inp["kind"], inp["sequence"])}
    if op == "driver.retry_after":
        return {"wait_ms": driver.retry_after(inp["gateway"], inp["attempt"], inp["failure"], inp.get("policy"))}
    raise AssertionError(f"unknown operation {op!r}")


def run(op: str, inp: Dict[str, Any]) -> Any:
    if op.startswith("driver."):
        return run_driver(op, inp)
    if op.startswith("redsys."):
        return run_redsys(op, inp)
    if op.startswith("paypal."):
        return run_paypal(op, inp)
    if op.startswith("ceca."):
        return run_ceca(op, inp)
    if op.startswith("elavon."):
        return run_elavon(op, inp)
    if op.startswith("bitpay."):
        return run_bitpay(op, inp)
    if op == "money.parse":
        return money.parse(inp["value"], inp["currency"])
    if op == "money.from_minor":
        return money.from_minor(inp["minor"], inp["currency"])
    if op == "currency.lookup":
        if "numeric" in inp:
            return money.currency_by_numeric(inp["numeric"])
        return money.currency(inp["code"])
    if op == "flocash.config":
        gw = flocash.Gateway(inp["config"])
        return {"postback_url": gw.postback_url}
    if op == "flocash.check_token":
        _gateway(inp).check_token(inp["token"])
        return {}
    if op == "flocash.status":
        code = flocash.normalize_status(inp["code"])
        return {"status_code": code, "status": flocash.map_status(code), "label": flocash.status_label(code)}
    if op == "flocash.checkout":
        return _gateway(inp).checkout(inp["order"]).to_dict()
    if op == "flocash.checkout_public":
        return flocash.checkout_public(inp["public_config"], inp["order"]).to_dict()
    if op == "flocash.parse_notification":
        return _gateway(inp).parse_notification(_ct(inp), _body(inp)).untrusted()
    if op == "flocash.postback_request":
        gw = _gateway(inp)
        return gw.postback_request(gw.parse_notification(_ct(inp), _body(inp)))
    if op == "flocash.verify_postback":
        gw = _gateway(inp)
        verified = gw.verify_postback(gw.parse_notification(_ct(inp), _body(inp)), inp["reply"])
        return {"event": verified.event().to_dict()}
    if op == "flocash.handle":
        return _handle(inp)
    if op.startswith("flocash.poll") or op == "flocash.parse_poll_response":
        return _poll(op, inp)
    raise AssertionError(f"unknown operation {op!r} in a bound area")


def subset(expect: Any, actual: Any, path: str = "expect") -> None:
    """Every key `expect` names must be present and equal; arrays element by element."""
    if isinstance(expect, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for k, v in expect.items():
            assert k in actual, f"{path}.{k} missing in {actual!r}"
            subset(v, actual[k], f"{path}.{k}")
    elif isinstance(expect, list):
        assert isinstance(actual, (list, tuple)), f"{path}: expected an array, got {actual!r}"
        assert len(expect) == len(actual), f"{path}: expected {len(expect)} items, got {actual!r}"
        for i, (e, a) in enumerate(zip(expect, actual)):
            subset(e, a, f"{path}[{i}]")
    else:
        # JSON has no int/bool confusion; Python does (True == 1): compare types too.
        assert type(expect) is type(actual) and expect == actual, f"{path}: expected {expect!r}, got {actual!r}"


@pytest.fixture(scope="module", autouse=True)
def _manifest(request: pytest.FixtureRequest) -> Any:
    """After the module: one line per file (past pytest's capture), and the manifest of what ran."""
    yield
    lines, files = [], {}
    for name, count in FILES.items():
        run = RUNS.get(name, {"ran": [], "failed": [], "errors": {}})
        files[name] = {"cases": count, "ran": sorted(run["ran"]), "failed": sorted(run["failed"]),
                       "skipped": [], "errors": run["errors"]}
        lines.append(f"vectors python: {name}: {count} cases, {len(run['ran'])} ran, "
                     f"{len(run['failed'])} failed, 0 skipped")
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    manifest = {"runtime": "python", "run_id": os.environ.get("VPOS_VECTOR_RUN_ID"), "files": files}
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            sys.stderr.write("\n" + "\n".join(lines) + "\n")


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_vector(case: Dict[str, Any]) -> None:
    run_of_file = RUNS.setdefault(case["_file"], {"ran": [], "failed": [], "errors": {}})
    run_of_file["ran"].append(case["_index"])
    try:
        _check(case, run_of_file["errors"])
    except BaseException:
        run_of_file["failed"].append(case["_index"])
        raise


def _check(case: Dict[str, Any], errors: Dict[str, Any]) -> None:
    op = case["operation"]
    assert case.get("source"), "every vector names its source"
    area = op.split(".", 1)[0]
    assert area in BOUND_AREAS, f"operation {op}: the Python runner does not know {area}"
    has_expect, has_error = "expect" in case, "error" in case
    assert has_expect != has_error, "a case needs exactly one of expect / error"
    try:
        actual = run(op, case["input"])
    except hostedpay.VposError as err:
        errors[str(case["_index"])] = {"code": err.code, "field": err.field}
        assert has_error, f"expected success, got error {err.to_dict()}"
        # `field` is matched whenever the vector names it, null included (then the error has none).
        subset(case["error"], err.to_dict(), "error")
        return
    assert has_expect, f"expected an error, got {actual!r}"
    subset(case["expect"], actual)


def test_every_bound_vector_file_ran() -> None:
    """Guards the parametrization itself: the FloCash and money files are all there."""
    files = {p.relative_to(VECTORS).as_posix() for p in VECTORS.rglob("*.json")}
    for name in ["money/amounts.json", "money/currencies.json", "flocash/notification.json",
                 "flocash/transition.json", "flocash/checkout.json", "flocash/postback.json"]:
        assert name in files
    bound = [c for _, c in CASES if c["operation"].split(".")[0] in BOUND_AREAS]
    assert len(bound) >= 250, len(bound)
    redsys_files = {p.name for p in (VECTORS / "redsys").glob("*.json")}
    assert {"checkout.json", "handle.json", "notification.json", "rest.json", "sha512.json",
            "signatures.json", "soap.json", "status.json"} <= redsys_files
    assert len([c for _, c in CASES if c["operation"].startswith("redsys.")]) >= 130
    assert len([c for _, c in CASES if c["operation"].startswith("paypal.")]) >= 23
    assert len([c for _, c in CASES if "poll" in c["operation"]]) >= 36  # flocash/poll.json
    assert len([c for _, c in CASES if c["operation"].startswith("paypal.nvp_")]) >= 40
    assert len([c for _, c in CASES if c["operation"].startswith("ceca.")]) >= 18
    assert len([c for _, c in CASES if c["operation"].startswith("elavon.")]) >= 29
    assert len([c for _, c in CASES if c["operation"].startswith("bitpay.")]) >= 14

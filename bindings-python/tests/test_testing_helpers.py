"""hostedpay.testing, as a shop uses it: with only the helpers and the plugin's fixtures (loaded
through the pytest11 entry point, never from conftest), a payment of every gateway goes to
``paid`` through the real notification view, test client and database; a gateway that
disowns the notification, never answers or answers 500 leaves the payment untouched with the
answer that makes it deliver again. The last test writes a brand-new Django project from the
README's "Test your integration locally" section and runs pytest on it in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict
from urllib.parse import urlencode

import pytest

import hostedpay
from hostedpay import testing
from hostedpay.django.models import Notification, Payment

from tests.redsys_helpers import CaptureServer, Sandbox, cargo

pytestmark = pytest.mark.django_db(transaction=True)

README = Path(__file__).resolve().parents[1] / "README.md"

#: One account per gateway, with the public test values the other tests use.
ACCOUNTS: Dict[str, Dict[str, Any]] = {
    "flocash": {"merchant": "test@merchant.com", "merchant_name": "test name",
                "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
                "base_url": "https://flocash.example.com", "notification_token": "test-test-test"},
    "redsys": {"merchant_code": "999008881", "terminal": "1", "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
               "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
               "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"},
    "ceca": {"merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
             "key": "99888888", "checkout_url": "https://tpv.ceca.es/tpvweb/tpv/compra.action",
             "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/"},
    "elavon": {"merchant_id": "thestore", "account": "internet", "secret": "shared-secret",
               "checkout_url": "https://hpp.prueba.santanderelavontpvvirtual.es/pay", "auto_settle": True,
               "remote_url": "https://remote.prueba.santanderelavontpvvirtual.es/remote",
               "rebate_password": "rebate-pw"},
    "paypal": {"business": "shop@example.com", "checkout_url": "https://www.sandbox.paypal.com/cgi-bin/webscr",
               "ipn_url": "https://ipnpb.sandbox.paypal.com/cgi-bin/webscr"},
    "bitpay": {"api_key": "K3yFromBitpay", "api_url": "https://test.bitpay.com/api/invoice",
               "invoice_url": "https://test.bitpay.com/invoice"},
}
#: Order ids each gateway accepts (Redsys: four digits first).
ORDERS = {"redsys": "2612ABCD", "ceca": "A-1001", "elavon": "A-1001"}
PROVEN_BY_REPLY = ("flocash", "paypal", "bitpay")


@pytest.fixture(autouse=True)
def accounts(settings: Any) -> None:
    settings.VPOS = {name: dict(values) for name, values in ACCOUNTS.items()}


def new_payment(gateway: str) -> Payment:
    return Payment.objects.create(gateway=gateway, order_id=ORDERS.get(gateway, "AT000001"), currency="EUR",
                                  amount=Decimal("10.00"), item_name="Tea", item_price=Decimal("10.00"))


@pytest.mark.parametrize("gateway", sorted(ACCOUNTS))
def test_a_payment_goes_to_paid_with_only_the_helpers(gateway: str, vpos_notify: Callable[..., Any],
                                                      vpos_gateway: testing.FakeGateway) -> None:
    payment = new_payment(gateway)
    response = vpos_notify(payment)
    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert payment.status == "paid"
    row = Notification.objects.get(gateway=gateway)
    assert (row.verdict, row.order_id) == ("applied", payment.order_id)
    # The fake gateway was asked exactly when the gateway proves by a reply.
    assert len(vpos_gateway.requests) == (1 if gateway in PROVEN_BY_REPLY else 0)
    # The same notification again changes nothing and is answered calmly.
    assert vpos_notify(payment).status_code == 200
    assert Notification.objects.filter(gateway=gateway, verdict="already_applied").count() == 1


@pytest.mark.parametrize("gateway", ["redsys", "paypal"])
def test_a_refund_notification_refunds(gateway: str, vpos_notify: Callable[..., Any]) -> None:
    payment = new_payment(gateway)
    vpos_notify(payment)
    assert vpos_notify(payment, "refunded").status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("refunded", 1000)


@pytest.mark.parametrize("gateway", PROVEN_BY_REPLY)
@pytest.mark.parametrize("mode,verdict", [("invalid", "unverified"), ("timeout", "postback_failed"),
                                          ("server_error", "postback_failed")])
def test_a_disowned_or_unanswered_notification_leaves_the_payment(
        gateway: str, mode: str, verdict: str, vpos_notify: Callable[..., Any],
        vpos_gateway: testing.FakeGateway) -> None:
    payment = new_payment(gateway)
    vpos_gateway.mode = mode
    response = vpos_notify(payment)
    payment.refresh_from_db()
    assert payment.status == "new"
    row = Notification.objects.get(gateway=gateway)
    assert row.verdict == verdict
    # What the gateway does next: a failed proof is answered so that it delivers again.
    if verdict == "postback_failed":
        assert response.status_code == 503, (response.status_code, response.content)
    else:
        assert response.status_code in (409, 422), (response.status_code, response.content)
    vpos_gateway.mode = "verified"
    assert vpos_notify(payment).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"


@pytest.mark.parametrize("gateway", ["redsys", "elavon"])
def test_refunds_are_answered_by_the_fake_gateway(gateway: str, vpos_notify: Callable[..., Any],
                                                  vpos_gateway: testing.FakeGateway) -> None:
    payment = new_payment(gateway)
    vpos_notify(payment)
    payment.refresh_from_db()
    refund = payment.refund(Decimal("4.00"))
    assert refund.status == "succeeded", (refund.error_code, refund.reply)
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 400)
    # Refused: the refund failed, the payment as it was; no answer: still pending.
    vpos_gateway.mode = "invalid"
    refused = payment.refund(Decimal("1.00"))
    assert (refused.status, refused.error_code) == ("failed", "gateway_error")
    vpos_gateway.mode = "timeout"
    unanswered = payment.refund(Decimal("1.00"))
    assert unanswered.status == "pending"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 400)
    assert len(vpos_gateway.requests) == 3


def test_a_tampered_body_is_refused(vpos_gateway: testing.FakeGateway, client: Any) -> None:
    payment = new_payment("redsys")
    sent = testing.notification(payment)
    sent.body = sent.body.replace(b"Ds_Signature=", b"Ds_Signature=A", 1)
    response = sent.post(client)
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == "new"
    row = Notification.objects.get()
    assert (row.verdict, row.error_code) == ("unverified", "signature_mismatch")
    # The stored error says what was checked, and never the key.
    message = row.detail["message"]
    assert "Hint: signed text: Ds_MerchantParameters" in message, message
    assert "merchant_code 999008881, terminal 1" in message and "expected alphabet: base64" in message
    assert ACCOUNTS["redsys"]["secret_key"] not in message and ACCOUNTS["redsys"]["secret_key"] not in str(row.detail)


def test_redsys_sign_says_what_it_signs() -> None:
    doc = hostedpay.redsys.Gateway.sign.__doc__ or ""
    assert "Ds_MerchantParameters" in doc and "order key" in doc and "base64url" in doc


def test_the_plugin_is_registered_once_through_the_entry_point(request: Any) -> None:
    from hostedpay.testing import pytest_plugin

    manager = request.config.pluginmanager
    assert manager.get_plugin("hostedpay") is pytest_plugin
    assert [p for p in manager.get_plugins() if p is pytest_plugin] == [pytest_plugin]


def test_the_plugin_leaves_a_project_without_django_alone(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(
        "import hostedpay\n"
        "from hostedpay import testing\n"
        "def test_fake(vpos_gateway):\n"
        "    config = hostedpay.driver.Config('paypal', {'business': 'shop@example.com',\n"
        "        'checkout_url': 'https://www.sandbox.paypal.com/cgi-bin/webscr',\n"
        "        'ipn_url': 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr'})\n"
        "    sent = testing.notification({'order_id': 'A1', 'amount': {'value': '5.00', 'currency': 'EUR'}},\n"
        "                                config=config)\n"
        "    assert testing.http_client({'method': 'POST', 'url': sent.proof['url']})['body'] == b'VERIFIED'\n",
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:django"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_statuses_a_gateway_never_sends_are_refused_by_name() -> None:
    with pytest.raises(hostedpay.UnsupportedError) as e:
        testing.notification(new_payment("ceca"), "failed")
    assert e.value.field == "status"


def test_without_django_a_config_and_a_dict_are_enough() -> None:
    config = hostedpay.driver.Config("paypal", ACCOUNTS["paypal"])
    sent = testing.notification({"order_id": "A1", "amount": {"value": "5.00", "currency": "EUR"}}, config=config)
    gateway = testing.FakeGateway()
    proof = hostedpay.driver.prove(config, hostedpay.driver.parse_notification(config, sent.content_type, sent.body))
    assert isinstance(proof, tuple)
    request, pending = proof
    verified = pending.finish(config, gateway(request, 5))
    assert verified.event().order_id == "A1"
    assert gateway.requests[0]["url"] == ACCOUNTS["paypal"]["ipn_url"]
    assert gateway({"method": "GET", "url": "https://elsewhere.example/"}, 5)["status"] == 404
    assert "test-test-test" not in repr(testing.notification(new_payment("flocash")))


#: The fenced blocks of the README section, with their markers (`<!-- testlocal:... -->`).
BLOCK = re.compile(r"<!-- testlocal:([\w-]+)(?: ([^ ]+))? -->\n```\w*\n(.*?)```", re.S)


def test_the_readme_section_in_a_new_project(tmp_path: Path) -> None:
    """The section's lines, in a project made by django-admin, pass under pytest with the
    installed wheel (and its plugin, found through the entry point)."""
    section = README.read_text(encoding="utf-8").split("## Test your integration locally", 1)[1]
    section = section.split("\n## ", 1)[0]
    found = BLOCK.findall(section)
    assert {kind for kind, _, _ in found} >= {"run", "append", "write", "pytest"}, found
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"]}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    cwd = tmp_path
    out = ""

    def run(*cmd: str) -> str:
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{cmd}: {done.stdout}\n{done.stderr}"
        return done.stdout

    for kind, target, text in found:
        if kind in ("run", "pytest"):
            for line in text.strip().splitlines():
                if line.startswith("pip install") or line.startswith("#"):
                    continue
                if line.startswith("cd "):
                    cwd = cwd / line[3:].strip()
                    continue
                args = line.split()
                if args[0] == "python":
                    args[0] = sys.executable
                elif args[0] == "pytest":
                    args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args[1:]]
                out += run(*args)
        elif kind == "append":
            with open(cwd / target, "a", encoding="utf-8") as f:
                f.write("\n" + text)
        elif kind == "write":
            (cwd / target).parent.mkdir(parents=True, exist_ok=True)
            (cwd / target).write_text(text, encoding="utf-8")
        elif kind.startswith("sandbox-"):
            continue  # test_the_readme_sandbox_lines
        else:
            raise AssertionError(f"unknown block {kind}")
    assert re.search(r"\b2 passed\b", out), out


def section_blocks() -> Dict[str, str]:
    section = README.read_text(encoding="utf-8").split("## Test your integration locally", 1)[1]
    section = section.split("\n## ", 1)[0]
    return {kind: text for kind, _, text in BLOCK.findall(section)}


@pytest.mark.skipif(cargo() is None, reason="needs cargo to run the project's hostedpay-sandbox")
def test_the_readme_sandbox_lines(settings: Any, client: Any) -> None:
    """The section's sandbox path: its settings lines on its Redsys account, the checkout form
    posted to the sandbox, its pay call, and the sandbox's own signed notification applied."""
    blocks = section_blocks()
    # The command the README gives is the one this test runs (Sandbox: cargo run -p vpos-sandbox).
    assert blocks["sandbox-run"].splitlines()[0].split("#")[0].split() == ["cargo", "run", "-p", "vpos-sandbox"]
    box = Sandbox()
    try:
        with CaptureServer() as capture:
            namespace: Dict[str, Any] = {"INSTALLED_APPS": []}
            exec(blocks["append"], namespace)  # noqa: S102 - the README's own settings lines
            lines = (blocks["sandbox-settings"].replace("http://127.0.0.1:8700", box.base)
                     .replace("http://127.0.0.1:8000/vpos/redsys/default/", capture.url))
            exec(lines, namespace)  # noqa: S102
            settings.VPOS = namespace["VPOS"]
            payment = Payment.objects.create(gateway="redsys", order_id="2612ABCD", currency="EUR",
                                             amount=Decimal("10.00"), item_name="Tea")
            status, _ = box.post("/sis/realizarPago", urlencode(payment.checkout_form().fields).encode(),
                                 "application/x-www-form-urlencoded")
            assert status == 200
            curl = blocks["sandbox-pay"]
            url = re.search(r"http://127\.0\.0\.1:8700(/\S+)", curl)
            data = re.search(r"-d '([^']+)'", curl)
            assert url and data, curl
            status, answer = box.post(url.group(1), data.group(1).encode(), "application/json")
            assert status == 200, answer
            content_type, body = capture.received.get(timeout=60)
            response = client.post("/vpos/redsys/default/", body, content_type=content_type)
            assert response.status_code == 200, response.content
            payment.refresh_from_db()
            assert payment.status == "paid"
    finally:
        box.close()

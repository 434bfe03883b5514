"""Redsys host-to-host card payments with EMV 3-D Secure (hostedpay.django.card3ds), through the
Django test client and the real database, against the project's ``hostedpay-sandbox`` process:
``iniciaPeticionREST``, the 3DS Method, ``trataPeticionREST`` (frictionless or challenge) and the
``cres``. The browser's part (the hidden iframe's 3DS Method, the ACS's challenge page) is done
here by posting the sandbox's own forms, as a browser would.

Sandbox cards (sandbox/src/redsys_emv3ds.rs): ``…0003`` frictionless, ``…4602`` 3DS Method then
frictionless, ``…3839`` 3DS Method then a challenge, ``…0004`` declined.
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
from typing import Any, Dict, Iterator, List, Mapping, Tuple
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

import hostedpay
from hostedpay.django import card3ds
from hostedpay.django.models import Notification, Payment, PaymentEvent
from tests.redsys_helpers import REDSYS, decode
from tests.sandbox import Sandbox, needs_sandbox, running

pytestmark = [pytest.mark.django_db(transaction=True), needs_sandbox]

CT = "application/x-www-form-urlencoded"
FRICTIONLESS = "4548810000000003"
METHOD = "4548810000004602"
CHALLENGE = "4548810000003839"
DECLINED = "4548810000000004"
CARDHOLDER = {"name": "Ana García", "email": "ana@example.com",
              "billing": {"line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}}
BROWSER = {"javascript": "1", "language": "es-ES", "color_depth": "24", "screen_height": "1080",
           "screen_width": "1920", "tz": "-60"}
HEADERS = {"HTTP_ACCEPT": "text/html,application/xhtml+xml", "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux) test"}

#: What the test HTTP client does to the next replies (see ``client``).
MODE: Dict[str, Any] = {"tamper": False, "fail": False, "sent": [], "emv3ds": []}


def client(request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
    """``VPOS_HTTP_CLIENT`` of these tests: the project's client, whose replies can be
    tampered with (one character of ``Ds_Signature``) or lost."""
    MODE["sent"].append((request["url"], timeout))
    MODE["emv3ds"].append(decode(json.loads(request["body"])["Ds_MerchantParameters"])["DS_MERCHANT_EMV3DS"])
    if MODE["fail"]:
        raise TimeoutError("timed out")
    reply = hostedpay.http.send(request, timeout)
    if MODE["tamper"] and reply.get("status") == 200 and "trataPeticion" in request["url"]:
        body = json.loads(reply["body"])
        sig = body["Ds_Signature"]
        body["Ds_Signature"] = ("B" if sig[0] != "B" else "C") + sig[1:]
        reply = {"status": 200, "body": json.dumps(body).encode()}
    return reply


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    yield from running()


@pytest.fixture
def shop(settings: Any, sandbox: Sandbox) -> Sandbox:
    settings.VPOS = {"redsys": sandbox.redsys(REDSYS, rest_timeout=10)}
    settings.VPOS_HTTP_CLIENT = "tests.test_card3ds.client"
    MODE.update(tamper=False, fail=False, sent=[], emv3ds=[])
    cache.clear()
    return sandbox


def new_payment() -> Payment:
    order = hostedpay.driver.new_order_id("redsys", "", secrets.token_bytes(12))
    assert order is not None
    return Payment.objects.create(gateway="redsys", order_id=order, amount_minor=4999, currency="EUR",
                                  item_name="Mug")


def hidden_form(page: str) -> Tuple[str, List[Tuple[str, str]]]:
    """The action and hidden fields of the first POST form of ``page``."""
    form = re.search(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', page, re.S)
    assert form, page
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))
    return html.unescape(form.group(1)), [(html.unescape(k), html.unescape(v)) for k, v in fields]


def browser_post(box: Sandbox, url: str, fields: List[Tuple[str, str]]) -> str:
    """What the browser does with a form aimed at the sandbox: the page it gets back."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == box.base, url
    status, body = box.post(parts.path, urlencode(fields).encode(), CT)
    assert status == 200, body
    return body.decode()


def pay(web: Client, payment: Payment, pan: str, **cardholder: Any) -> Tuple[str, Any]:
    """Opens the flow and posts the card: ``(flow path, response)``."""
    path = card3ds.start(payment, return_url="/orders/done/", cardholder=cardholder or CARDHOLDER)
    page = web.get(path)
    assert page.status_code == 200
    assert b'id="card3ds-form"' in page.content
    response = web.post(path, {"pan": pan[:4] + " " + pan[4:], "expiry": "12/34", "cvv": "123", **BROWSER},
                        **HEADERS)
    return path, response


def run_method(web: Client, box: Sandbox, response: Any) -> Any:
    """The method page: the hidden iframe's form to the issuer, its post-back to the shop, then
    the page goes on (``authenticate``)."""
    assert response.status_code == 200 and response.templates[0].name == "vpos/card3ds/method.html"
    page = response.content.decode()
    action, fields = hidden_form(page)
    assert [k for k, _ in fields] == ["threeDSMethodData"]
    back_action, back_fields = hidden_form(browser_post(box, action, fields))
    done = web.post(urlsplit(back_action).path, dict(back_fields))
    assert done.status_code == 200 and b"vpos-card3ds-method-done" in done.content
    go = re.search(r'<form method="post" action="([^"]*)" id="card3ds-continue">', page)
    assert go
    return web.post(go.group(1), **HEADERS)


def after_method(box: Sandbox, pan: str) -> Tuple[Client, Payment, Any]:
    """A new payment, ``pan`` posted on its card form and the 3DS Method run:
    ``(client, payment, the shop's answer)``."""
    web = Client()
    payment = new_payment()
    _, response = pay(web, payment, pan)
    return web, payment, run_method(web, box, response)


def answer_challenge(web: Client, box: Sandbox, response: Any, answer: str) -> Tuple[str, Any]:
    """The ACS's page (approve or deny) and its ``cres`` posted back to the shop:
    ``(cres path, cres fields, response)``."""
    assert response.status_code == 200 and response.templates[0].name == "vpos/card3ds/challenge.html"
    action, fields = hidden_form(response.content.decode())
    assert [k for k, _ in fields] == ["creq"]
    acs = browser_post(box, action, fields)
    button = re.search(rf'<form method="post" action="([^"]*/{answer})">', acs)
    assert button, acs
    cres_action, cres_fields = hidden_form(browser_post(box, box.base + button.group(1), []))
    path = urlsplit(cres_action).path
    return path, (cres_fields, web.post(path, dict(cres_fields)))


def no_card_anywhere(caplog: Any, *pans: str) -> None:
    for note in Notification.objects.all():
        for pan in pans:
            assert pan.encode() not in bytes(note.body)
            assert pan not in json.dumps(note.detail or {})
    for pan in pans:
        assert pan not in caplog.text
        assert pan[-10:] not in caplog.text


def test_frictionless_card_pays(shop: Sandbox, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    payment = new_payment()
    _, response = pay(Client(), payment, FRICTIONLESS)
    assert response.status_code == 302 and response["Location"] == "/orders/done/"
    payment.refresh_from_db()
    assert payment.status == "paid"
    note = Notification.objects.get(payment=payment)
    assert note.verdict == "applied"
    assert note.event_key.startswith(f"redsys:999008881:1:{payment.order_id}:0:0000:4999:")
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    # Two requests: iniciaPeticionREST, trataPeticionREST, each with the account's deadline.
    assert [(urlsplit(u).path, t) for u, t in MODE["sent"]] == [
        ("/sis/rest/iniciaPeticionREST", 10.0), ("/sis/rest/trataPeticionREST", 10.0)]
    # No 3DS Method URL: threeDSCompInd U; the browser's fields and the cardholder data with it.
    authentication = MODE["emv3ds"][1]
    assert authentication["threeDSInfo"] == "AuthenticationData"
    assert authentication["threeDSCompInd"] == "U"
    assert (authentication["browserLanguage"], authentication["browserTZ"], authentication["browserScreenWidth"],
            authentication["browserUserAgent"]) == ("es-ES", "-60", "1920", "Mozilla/5.0 (X11; Linux) test")
    assert (authentication["email"], authentication["billAddrCountry"]) == ("ana@example.com", "724")
    assert authentication["notificationURL"].startswith("http://testserver/vpos/card3ds/")
    no_card_anywhere(caplog, FRICTIONLESS)


def test_method_then_frictionless_pays(shop: Sandbox) -> None:
    web, payment, response = after_method(shop, METHOD)
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert MODE["emv3ds"][1]["threeDSCompInd"] == "Y"  # the issuer's post-back came


def test_method_without_its_post_back_is_completion_n(shop: Sandbox) -> None:
    """The issuer never posted back (the page's 10 seconds ran out): threeDSCompInd N."""
    web = Client()
    payment = new_payment()
    _, response = pay(web, payment, METHOD)
    go = re.search(r'<form method="post" action="([^"]*)" id="card3ds-continue">', response.content.decode())
    assert go
    assert web.post(go.group(1), **HEADERS).status_code == 302
    assert MODE["emv3ds"][1]["threeDSCompInd"] == "N"
    payment.refresh_from_db()
    assert payment.status == "paid"
    # The page posted again (a double click): AuthenticationData is not sent twice.
    sent = len(MODE["sent"])
    assert web.post(go.group(1), **HEADERS)["Location"] == "/orders/done/"
    assert len(MODE["sent"]) == sent


def test_challenge_approved_pays_and_a_replayed_cres_is_harmless(shop: Sandbox, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    web, payment, response = after_method(shop, CHALLENGE)
    payment.refresh_from_db()
    assert payment.status == "new"  # the challenge is waiting
    cres_path, (cres_fields, response) = answer_challenge(web, shop, response, "approve")
    assert response.status_code == 302 and response["Location"] == "/orders/done/"
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert Notification.objects.filter(payment=payment, verdict="applied").count() == 1
    sent = len(MODE["sent"])
    assert sent == 3  # iniciaPeticionREST, AuthenticationData, ChallengeResponse
    # The same cres again (a replay, a reload): nothing is asked, nothing moves.
    again = web.post(cres_path, dict(cres_fields))
    assert again.status_code == 302 and again["Location"] == "/orders/done/"
    assert len(MODE["sent"]) == sent
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert Notification.objects.filter(payment=payment).count() == 1
    assert PaymentEvent.objects.filter(payment=payment).count() == 1
    no_card_anywhere(caplog, CHALLENGE)


def test_challenge_denied_fails(shop: Sandbox) -> None:
    web, payment, response = after_method(shop, CHALLENGE)
    _, (_, response) = answer_challenge(web, shop, response, "deny")
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "failed"


def test_declined_card_fails(shop: Sandbox) -> None:
    payment = new_payment()
    _, response = pay(Client(), payment, DECLINED)
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "failed"
    assert Notification.objects.get(payment=payment).event_key.startswith(f"redsys:999008881:1:{payment.order_id}:0:0190:")


def test_tampered_signature_is_refused_and_the_payment_untouched(shop: Sandbox, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    MODE["tamper"] = True
    payment = new_payment()
    path, response = pay(Client(), payment, FRICTIONLESS)
    assert response.status_code == 502
    assert b'id="card3ds-error"' in response.content
    payment.refresh_from_db()
    assert payment.status == "new"
    assert not Notification.objects.filter(order_id=payment.order_id).exists()
    assert "trataPeticionREST refused or unanswered: signature_mismatch" in caplog.text
    # The flow is over: posting the card again asks nothing.
    sent = len(MODE["sent"])
    again = Client().post(path, {"pan": FRICTIONLESS, "expiry": "12/34", "cvv": "123"})
    assert again.status_code == 302 and len(MODE["sent"]) == sent
    no_card_anywhere(caplog, FRICTIONLESS)


def test_no_answer_leaves_the_payment_untouched(shop: Sandbox) -> None:
    MODE["fail"] = True
    payment = new_payment()
    _, response = pay(Client(), payment, FRICTIONLESS)
    assert response.status_code == 502
    payment.refresh_from_db()
    assert payment.status == "new"
    assert not Notification.objects.filter(order_id=payment.order_id).exists()


def test_bad_card_is_asked_again_without_echoing_it(shop: Sandbox) -> None:
    payment = new_payment()
    path = card3ds.start(payment, return_url="/orders/done/")
    response = Client().post(path, {"pan": "4548 81AB", "expiry": "13/34", "cvv": "98765"})
    assert response.status_code == 400
    for field in ("pan", "expiry", "cvv"):
        assert f'id="card3ds-{field}-error"'.encode() in response.content
    assert b"4548 81AB" not in response.content and b"98765" not in response.content
    assert MODE["sent"] == []


def test_the_cache_holds_the_card_encrypted_and_drops_it_at_the_end(shop: Sandbox) -> None:
    web = Client()
    payment = new_payment()
    path, response = pay(web, payment, METHOD)
    flow_id = path.rstrip("/").rsplit("/", 1)[1]
    held = cache.get("vpos:card3ds:" + flow_id)
    assert "card" in held and METHOD not in json.dumps(held) and METHOD[-4:] + '"' not in json.dumps(held)
    run_method(web, shop, response)
    assert "card" not in cache.get("vpos:card3ds:" + flow_id)


def test_start_refuses_what_it_cannot_run(shop: Sandbox) -> None:
    payment = new_payment()
    with pytest.raises(hostedpay.VposError) as e:
        card3ds.start(payment, return_url="/", cardholder={"billing": {"country": "UK"}})
    assert e.value.field == "cardholder.billing.country"
    other = Payment.objects.create(gateway="flocash", order_id="C3DS1", amount_minor=1, currency="EUR")
    with pytest.raises(hostedpay.UnsupportedError):
        card3ds.start(other, return_url="/")
    assert Client().get("/vpos/card3ds/nosuchflow/").status_code == 404



def test_a_step_another_request_took_is_not_sent_again(shop: Sandbox) -> None:
    """Two posts of the method page at once: the one that did not take the step asks nothing."""
    web = Client()
    payment = new_payment()
    path, response = pay(web, payment, METHOD)
    flow_id = path.rstrip("/").rsplit("/", 1)[1]
    assert cache.add(f"vpos:card3ds:{flow_id}:authenticate", 1)  # as the other request did
    go = re.search(r'<form method="post" action="([^"]*)" id="card3ds-continue">', response.content.decode())
    assert go
    assert web.post(go.group(1), **HEADERS)["Location"] == "/orders/done/"
    assert [urlsplit(u).path for u, _ in MODE["sent"]] == ["/sis/rest/iniciaPeticionREST"]
    payment.refresh_from_db()
    assert payment.status == "new"

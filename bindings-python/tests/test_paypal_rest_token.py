"""The Django app's PayPal REST token cache (``conf.access_token``), with the host's clock
injected: fetched through ``VPOS_HTTP_CLIENT`` once, kept until ``TOKEN_MARGIN`` seconds before
``expires_in``, per account, dropped by ``forget_access_token``, never in a log line or repr.
The whole flow against the project's sandbox is test_paypal_rest_sandbox.py."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any, Dict, List, Mapping

import pytest

import hostedpay
from hostedpay.django import conf

ACCOUNT = {"client_id": "client-1", "secret": "s3cret-value", "api_base": "http://127.0.0.1:9",
           "webhook_id": "WH1", "merchant": "MERCHANT1"}
#: Every request the stand-in client was given.
SENT: List[Mapping[str, Any]] = []
#: What the stand-in answers next (a token reply in PayPal's documented shape).
ANSWER: Dict[str, Any] = {}


def client(request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
    SENT.append(request)
    return dict(ANSWER)


def token_reply(token: str, expires_in: int = 600) -> Dict[str, Any]:
    return {"status": 200, "body": json.dumps({"scope": "https://uri.paypal.com/services/payments",
                                               "access_token": token, "token_type": "Bearer",
                                               "app_id": "APP-80W284485P519543T", "expires_in": expires_in,
                                               "nonce": "2026-12-06T00:00:00ZxYz"}).encode()}


@pytest.fixture(autouse=True)
def stand_in(settings: Any) -> None:
    settings.VPOS = {"paypal_rest": dict(ACCOUNT, accounts={"other": dict(ACCOUNT, client_id="client-2")})}
    settings.VPOS_HTTP_CLIENT = "tests.test_paypal_rest_token.client"
    SENT.clear()
    with conf._tokens_lock:
        conf._tokens.clear()


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_fetched_once_and_kept_until_the_margin_before_expiry(caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    account = conf.get_account("paypal_rest")
    ANSWER.update(token_reply("A21AA-first", expires_in=600))
    assert conf.access_token(account, now=clock) == "A21AA-first"
    [request] = SENT
    # The core's token request: the Basic pair of the account, PayPal's token path.
    assert request["url"] == "http://127.0.0.1:9/v1/oauth2/token"
    headers = dict(request["headers"])
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"client-1:s3cret-value").decode()
    clock.t += 600 - conf.TOKEN_MARGIN - 1
    assert conf.access_token(account, now=clock) == "A21AA-first" and len(SENT) == 1
    clock.t += 1  # TOKEN_MARGIN seconds before PayPal's expiry: a new one
    ANSWER.update(token_reply("A21AA-second"))
    assert conf.access_token(account, now=clock) == "A21AA-second" and len(SENT) == 2
    # Per account: another account's credentials get their own token.
    other = conf.get_account("paypal_rest", "other")
    ANSWER.update(token_reply("A21AA-other"))
    assert conf.access_token(other, now=clock) == "A21AA-other" and len(SENT) == 3
    assert conf.access_token(account, now=clock) == "A21AA-second"
    # Dropped (PayPal's 401): the next use fetches again.
    conf.forget_access_token(account)
    ANSWER.update(token_reply("A21AA-third"))
    assert conf.access_token(account, now=clock) == "A21AA-third" and len(SENT) == 4
    # The configuration carries it, hidden; no log line holds a token or the secret.
    config = account.config
    assert "A21AA" not in repr(config) and config.public().get("access_token") is None
    assert "A21AA" not in caplog.text and "s3cret" not in caplog.text


def test_wrong_credentials_and_no_answer_are_the_cores_errors() -> None:
    account = conf.get_account("paypal_rest")
    ANSWER.clear()
    ANSWER.update({"status": 401, "body": b'{"error":"invalid_client","error_description":"Client Authentication failed"}'})
    with pytest.raises(hostedpay.ConfigError) as wrong:
        conf.access_token(account)
    assert (wrong.value.code, wrong.value.field) == ("invalid_config", "client_id")
    ANSWER.clear()
    ANSWER.update({"error": "timed out"})
    with pytest.raises(hostedpay.GatewayError) as down:
        conf.access_token(account)
    assert down.value.code == "gateway_unavailable"
    assert conf._tokens == {}  # nothing cached from a failure


def test_the_token_type_hides_the_token() -> None:
    token = hostedpay.paypal_rest.parse_token_reply(token_reply("A21AA-hidden", 32400))
    assert token.expires_in == 32400 and token.reveal() == "A21AA-hidden"
    assert "A21AA" not in repr(token)
    rejected = hostedpay.GatewayError("gateway_unavailable", "HTTP 401", "access_token")
    assert hostedpay.paypal_rest.is_token_rejected(rejected)
    assert not hostedpay.paypal_rest.is_token_rejected(hostedpay.GatewayError("gateway_unavailable", "HTTP 503"))

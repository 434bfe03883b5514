"""System checks report missing or malformed settings, by id, naming the key."""

from __future__ import annotations

import sys
from typing import Any, Dict, List

import pytest
from django.core import checks

import hostedpay
from hostedpay.django import conf

from tests.conftest import FLOCASH


def vpos_messages() -> List[Any]:
    return [m for m in checks.run_checks() if str(m.id).startswith("vpos.")]


def ids() -> List[str]:
    return [m.id for m in vpos_messages()]


def test_valid_settings_pass(settings) -> None:
    settings.VPOS = {"flocash": dict(FLOCASH)}
    assert ids() == []
    account = conf.get_account("flocash")
    assert (account.name, account.live, account.postback_timeout, account.source) == ("default", True, 10.0, "VPOS")


def test_nothing_configured_warns(settings) -> None:
    settings.VPOS = {}
    assert ids() == ["vpos.W003"]


@pytest.mark.parametrize("change,field", [
    ({"merchant": ""}, "merchant"),
    ({"base_url": "flocash.example.com"}, "base_url"),
    ({"checkout_url": None}, "checkout_url"),
    ({"notification_token": "short"}, "notification_token"),
    ({"notification_token": "has/slash/in/it"}, "notification_token"),
    ({"return_url": "javascript:alert(1)"}, "return_url"),
    ({"merchnt": "typo"}, "merchnt"),
])
def test_malformed_values_are_errors_naming_the_key(settings, change: Dict[str, Any], field: str) -> None:
    settings.VPOS = {"flocash": {**FLOCASH, **change}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and m.level == checks.ERROR
    assert field in m.msg + (m.hint or "")
    assert "test-test-test" not in m.msg and "has/slash" not in m.msg
    with pytest.raises(hostedpay.ConfigError):
        conf.get_account("flocash")


def test_missing_key(settings) -> None:
    settings.VPOS = {"flocash": {k: v for k, v in FLOCASH.items() if k != "merchant_name"}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "merchant_name" in m.msg


def test_shape_errors(settings) -> None:
    settings.VPOS = ["flocash"]
    assert ids() == ["vpos.E001"]
    settings.VPOS = {"nosuchpay": {}}
    assert ids() == ["vpos.E002"]
    settings.VPOS = {"flocash": {**FLOCASH, "accounts": {"bad name!": dict(FLOCASH), "default": dict(FLOCASH)}}}
    assert ids() == ["vpos.E004", "vpos.E004"]
    settings.VPOS = {"flocash": {**FLOCASH, "live": "yes", "postback_timeout": 0}}
    assert ids() == ["vpos.E005", "vpos.E005"]


@pytest.mark.django_db  # an account missing from the settings is looked for in the database
def test_named_accounts(settings) -> None:
    settings.VPOS = {"flocash": {**FLOCASH, "accounts": {
        "testing": {**FLOCASH, "notification_token": "another-token-123", "live": False, "postback_timeout": 3}}}}
    assert ids() == []
    testing = conf.get_account("flocash", "testing")
    assert (testing.live, testing.postback_timeout) == (False, 3.0)
    testing.gateway.check_token("another-token-123")
    with pytest.raises(conf.UnknownAccount):
        conf.get_account("flocash", "nosuch")


def test_only_named_accounts(settings) -> None:
    settings.VPOS = {"flocash": {"accounts": {"shop-ke": dict(FLOCASH)}}}
    assert ids() == []
    assert [a.name for a in conf.accounts()] == ["shop-ke"]


def test_djflocash_settings_are_accepted(settings) -> None:
    settings.VPOS = None
    settings.FLOCASH_MERCHANT = "test@merchant.com"
    settings.FLOCASH_MERCHANT_NAME = "test name"
    settings.FLOCASH_NOTIFICATION_TOKEN = "test-test-test"
    settings.FLOCASH_BASE_URL = "https://flocash.example.com/some/path"
    settings.FLOCASH_PAYMENT_URI = "/ecom/ecommerce.do"
    settings.FLOCASH_RETURN_URL = "https://shop.example/thanks"
    assert ids() == []
    account = conf.get_account("flocash")
    assert account.source == "FLOCASH_*"
    assert account.gateway.postback_url == "https://flocash.example.com/validateNotify.do"
    assert account.gateway.public_config()["checkout_url"] == "https://flocash.example.com/ecom/ecommerce.do"
    assert account.gateway.public_config()["return_url"] == "https://shop.example/thanks"


def test_djflocash_settings_with_a_bad_checkout_url_say_which_setting(settings) -> None:
    settings.VPOS = None
    settings.FLOCASH_MERCHANT = "test@merchant.com"
    settings.FLOCASH_MERCHANT_NAME = "test name"
    settings.FLOCASH_NOTIFICATION_TOKEN = "test-test-test"
    settings.FLOCASH_BASE_URL = "https://flocash.example.com"
    settings.FLOCASH_CHECKOUT_URL = "not a url"  # none at all: FloCash's live one (test_djflocash_migration)
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "FLOCASH_CHECKOUT_URL" in m.hint


def test_both_styles_warn_and_vpos_wins(settings) -> None:
    settings.VPOS = {"flocash": dict(FLOCASH)}
    settings.FLOCASH_MERCHANT = "old@merchant.com"
    settings.FLOCASH_PAYMENT_MODEL = "djflocash.Payment"
    assert sorted(ids()) == ["vpos.W001", "vpos.W002"]
    assert conf.get_account("flocash").gateway.merchant == "test@merchant.com"


def test_payment_model_and_http_client_settings(settings) -> None:
    settings.VPOS = {"flocash": dict(FLOCASH)}
    settings.VPOS_PAYMENT_MODEL = "auth.User"
    assert ids() == ["vpos.E006"]
    settings.VPOS_PAYMENT_MODEL = "nope"
    assert ids() == ["vpos.E006"]
    settings.VPOS_PAYMENT_MODEL = "vpos.Payment"
    settings.VPOS_HTTP_CLIENT = "no.such.module.send"
    assert ids() == ["vpos.E007"]
    settings.VPOS_HTTP_CLIENT = "hostedpay.http.MAX_REPLY_BYTES"
    assert ids() == ["vpos.E007"]
    settings.VPOS_HTTP_CLIENT = "hostedpay.http.send"
    assert ids() == []


REDSYS = {"merchant_code": "999008881", "terminal": "1", "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
          "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago"}


def test_redsys_settings_are_checked_by_the_core(settings) -> None:
    settings.VPOS = {"redsys": {**REDSYS, "order_prefix": "26", "rest_timeout": 20,
                                "accounts": {"shop2": {**REDSYS, "terminal": "2"}}}}
    assert ids() == []
    settings.VPOS = {"redsys": {k: v for k, v in REDSYS.items() if k != "secret_key"}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "secret_key" in m.msg
    settings.VPOS = {"redsys": {**REDSYS, "secret_key": "too-short-secret"}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "too-short-secret" not in m.msg + str(m.hint)
    settings.VPOS = {"redsys": {**REDSYS, "order_prefix": "26x", "rest_timeout": 0}}
    assert ids() == ["vpos.E005", "vpos.E005"]


# vpos.E010: a URL vpos calls (post-back, REST / remote API, invoice fetch) over http:// on a
# live account of another machine. One live account per gateway, each with that URL.
PLAIN_HTTP = {
    "flocash": ({**FLOCASH, "base_url": "http://fcms.flocash.com"}, "['base_url']"),
    "redsys": ({**REDSYS, "rest_url": "http://sis.redsys.es/sis/rest/trataPeticionREST"}, "['rest_url']"),
    "redsys-query": ({**REDSYS, "query_url": "http://sis.redsys.es/apl02/services/SerClsWSConsulta"},
                     "['query_url']"),
    "paypal": ({"business": "shop@example.com", "checkout_url": "https://www.paypal.com/cgi-bin/webscr",
                "ipn_url": "http://ipnpb.paypal.com/cgi-bin/webscr"}, "['ipn_url']"),
    "paypal-nvp": ({"business": "shop@example.com", "checkout_url": "https://www.paypal.com/cgi-bin/webscr",
                    "ipn_url": "https://ipnpb.paypal.com/cgi-bin/webscr",
                    "nvp": {"user": "u", "password": "pw-SECRET", "signature": "sig-SECRET",
                            "api_url": "http://api-3t.paypal.com/nvp"}}, "['nvp']['api_url']"),
    "elavon": ({"merchant_id": "thestore", "account": "internet", "secret": "shared-secret",
                "checkout_url": "https://hpp.santanderelavontpvvirtual.es/pay",
                "remote_url": "http://remote.santanderelavontpvvirtual.es/remote"}, "['remote_url']"),
    "bitpay": ({"api_key": "K3yFromBitpay", "api_url": "http://bitpay.com/api/invoice",
                "invoice_url": "https://bitpay.com/invoice"}, "['api_url']"),
    "ceca": ({"merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
              "key": "qwerty-key", "checkout_url": "https://pgw.ceca.es/tpvweb/tpv/compra.action",
              "url_ok": "https://shop.example/ok/", "url_nok": "https://shop.example/ko/",
              "refund_url": "http://comercios.ceca.es/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt"},
             "['refund_url']"),
}


@pytest.mark.parametrize("name", sorted(PLAIN_HTTP))
def test_plain_http_server_url_on_a_live_account_is_an_error(settings, name: str) -> None:
    config, key = PLAIN_HTTP[name]
    gateway = name.split("-")[0]
    settings.VPOS = {gateway: dict(config)}
    [m] = vpos_messages()
    assert (m.id, m.level) == ("vpos.E010", checks.ERROR)
    assert m.msg.startswith(f"VPOS[{gateway!r}]{key} is an http:// URL on a live account")
    assert "SECRET" not in m.msg + (m.hint or "") and "test-test-test" not in m.msg
    # A named live account is checked too; the account itself still loads (the check reports).
    settings.VPOS = {gateway: {"accounts": {"shop2": dict(config)}}}
    [m] = vpos_messages()
    assert m.id == "vpos.E010" and f"['accounts']['shop2']{key}" in m.msg
    assert conf.get_account(gateway, "shop2").live is True


@pytest.mark.parametrize("name", sorted(PLAIN_HTTP))
def test_plain_http_is_allowed_on_a_test_account_or_on_this_machine(settings, name: str) -> None:
    config, _ = PLAIN_HTTP[name]
    gateway = name.split("-")[0]
    settings.VPOS = {gateway: {**config, "live": False}}
    assert ids() == []
    # A local sandbox (hostedpay-sandbox on http://127.0.0.1:8700, the demo shop's): never leaves the machine.
    for host in ("localhost", "127.0.0.1", "[::1]", "sandbox.localhost"):
        local = {k: (v.replace(v.split("/")[2], f"{host}:8700") if isinstance(v, str) and v.startswith("http://")
                     else v) for k, v in config.items()}
        if "nvp" in local:
            local["nvp"] = {**local["nvp"], "api_url": f"http://{host}:8700/nvp"}
        settings.VPOS = {gateway: local}
        assert ids() == [], host
    # https:// on a live account is what production uses.
    settings.VPOS = {gateway: {k: (v.replace("http://", "https://") if isinstance(v, str) else v)
                               for k, v in config.items()}}
    if "nvp" in config:
        settings.VPOS[gateway]["nvp"] = {**config["nvp"], "api_url": "https://api-3t.paypal.com/nvp"}
    assert ids() == []


def test_djflocash_settings_with_plain_http_base_url(settings) -> None:
    settings.VPOS = None
    settings.FLOCASH_MERCHANT, settings.FLOCASH_MERCHANT_NAME = "test@merchant.com", "test name"
    settings.FLOCASH_BASE_URL, settings.FLOCASH_NOTIFICATION_TOKEN = "http://fcms.flocash.com", "test-test-test"
    settings.FLOCASH_CHECKOUT_URL = "https://fcms.flocash.com/ecom/ecommerce.do"
    assert ids() == ["vpos.E010"]


# Issue #17: one `manage.py check` names every bad key of every account, with the likely name.
def test_every_bad_key_of_every_account_at_once(settings) -> None:
    flocash = {k: v for k, v in FLOCASH.items() if k != "merchant"}
    settings.VPOS = {
        "flocash": {**flocash, "merchnt": "shop@example.com", "notification_token": "short",
                    "return_url": "javascript:alert(1)", "postback_timout": 3,
                    "accounts": {"second": {**FLOCASH, "chekout_url": "https://x.example/pay"}}},
        "redsys": {**REDSYS, "secret_key": "too-short-secret", "terminl": "2"},
    }
    messages = vpos_messages()
    assert {m.id for m in messages} == {"vpos.E003"} and all(m.level == checks.ERROR for m in messages)
    by_key = {}
    for m in messages:
        for key in ("merchnt", "merchant", "notification_token", "return_url", "postback_timout",
                    "chekout_url", "secret_key", "terminl"):
            if f"[{key!r}]" in m.msg or f": {key} " in m.msg or f": {key}:" in m.msg:
                by_key.setdefault(key, []).append(m)
    assert sorted(by_key) == sorted(["merchnt", "merchant", "notification_token", "return_url",
                                     "postback_timout", "chekout_url", "secret_key", "terminl"]), \
        [m.msg for m in messages]
    assert len(messages) == 8, [m.msg for m in messages]
    hints = {key: ms[0].hint for key, ms in by_key.items()}
    assert hints["merchnt"] == "Did you mean 'merchant'?"
    assert hints["postback_timout"] == "Did you mean 'postback_timeout'?"
    assert hints["chekout_url"] == "Did you mean 'checkout_url'?"
    assert hints["terminl"] == "Did you mean 'terminal'?"
    assert by_key["chekout_url"][0].msg.startswith("VPOS['flocash']['accounts']['second']")
    assert by_key["terminl"][0].msg.startswith("VPOS['redsys']")
    # Never a secret in what `check` prints.
    printed = " ".join(m.msg + str(m.hint) for m in messages)
    assert "too-short-secret" not in printed and "'short'" not in printed


def test_an_unknown_key_far_from_every_name_lists_the_known_ones(settings) -> None:
    settings.VPOS = {"flocash": {**FLOCASH, "zzz": 1}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and "['zzz']" in m.msg
    assert m.hint.startswith("The keys it knows: ") and "'merchant_name'" in m.hint and "'live'" in m.hint


def test_the_readme_placeholder_token_warns(settings) -> None:
    placeholder = "change-me-to-a-long-random-token"
    settings.VPOS = {"flocash": {**FLOCASH, "notification_token": placeholder,
                                 "accounts": {"ke": dict(FLOCASH)}}}
    [m] = vpos_messages()
    assert (m.id, m.level) == ("vpos.W004", checks.WARNING)
    assert m.msg.startswith("VPOS['flocash'] ") and "secrets.token_urlsafe" in m.hint
    settings.VPOS = None
    settings.FLOCASH_MERCHANT = "test@merchant.com"
    settings.FLOCASH_MERCHANT_NAME = "test name"
    settings.FLOCASH_NOTIFICATION_TOKEN = placeholder
    settings.FLOCASH_BASE_URL = "https://flocash.example.com"
    settings.FLOCASH_CHECKOUT_URL = "https://fcms.flocash.com/ecom/ecommerce.do"
    assert ids() == ["vpos.W004"]


def test_database_accounts_without_cryptography_are_an_error(settings, monkeypatch) -> None:
    from cryptography.fernet import Fernet

    settings.VPOS = {"flocash": dict(FLOCASH)}
    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert ids() == []
    # As on a machine where `pip install hostedpay` left the [django] extra out.
    monkeypatch.setitem(sys.modules, "cryptography", None)
    monkeypatch.setitem(sys.modules, "cryptography.fernet", None)
    [m] = vpos_messages()
    assert (m.id, m.level) == ("vpos.E011", checks.ERROR)
    assert "cryptography" in m.msg and 'hostedpay[django]' in m.hint
    assert settings.VPOS_ENCRYPTION_KEYS[0] not in m.msg + m.hint
    # Without database accounts (no keys), cryptography is not needed.
    settings.VPOS_ENCRYPTION_KEYS = None
    assert ids() == []


def test_a_nested_unknown_key_is_named_by_its_path(settings) -> None:
    settings.VPOS = {"paypal": {"business": "shop@example.com", "checkout_url": "https://www.paypal.com/cgi-bin/webscr",
                                "ipn_url": "https://ipnpb.paypal.com/cgi-bin/webscr",
                                "nvp": {"user": "u", "password": "pw-SECRET", "signature": "sig-SECRET",
                                        "api_ur": "https://api-3t.paypal.com/nvp"}}}
    [m] = vpos_messages()
    assert m.id == "vpos.E003" and m.msg.startswith("VPOS['paypal']['nvp']['api_ur'] is not a setting")
    assert m.hint == "Did you mean 'api_url'?"
    assert "SECRET" not in m.msg + m.hint

"""Merchant accounts in the database (issue 11): several per gateway, each at its own URL with
its own key, secrets encrypted at rest, validated by the core, retired without losing history."""

from __future__ import annotations

import io
import logging
from decimal import Decimal
from typing import Any, Dict

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import hostedpay
from hostedpay.django import conf, crypto
from hostedpay.django.accounts import MerchantAccount
from hostedpay.django.models import Notification, Payment, Refund

from tests.conftest import FLOCASH, payload
from tests.redsys_helpers import K_PHP, K_TEST, REDSYS, RestStandIn, signed_notification

pytestmark = pytest.mark.django_db
CT = "application/x-www-form-urlencoded"
#: Two Redsys terminals of one shop, each with its own key.
BRAND_A: Dict[str, Any] = {"merchant_code": "999008881", "terminal": "1", "secret_key": K_TEST}
BRAND_B: Dict[str, Any] = {"merchant_code": "999008881", "terminal": "2", "secret_key": K_PHP}
TEST_CHECKOUT = "https://sis-t.redsys.es:25443/sis/realizarPago"


@pytest.fixture
def keys(settings: Any) -> list:
    """A fresh Fernet key in VPOS_ENCRYPTION_KEYS."""
    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    return settings.VPOS_ENCRYPTION_KEYS


def make_account(name: str, config: Dict[str, Any], gateway: str = "redsys", **kw: Any) -> MerchantAccount:
    return MerchantAccount.objects.create(gateway=gateway, name=name, configuration=dict(config), **kw)


def make_payment(account: str, order_id: str = "100100000001", amount: str = "49.99", **kw: Any) -> Payment:
    return Payment.objects.create(gateway=kw.pop("gateway", "redsys"), account=account, order_id=order_id,
                                  currency="EUR", amount=Decimal(amount), **kw)


def full(config: Dict[str, Any]) -> Dict[str, Any]:
    """The configuration the core sees for a testing Redsys account (endpoints filled in)."""
    return {**config, "checkout_url": TEST_CHECKOUT,
            "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST"}


# The core's configuration check, through Python.

def test_config_errors_name_every_bad_field_with_the_gateways_rules() -> None:
    bad = {"merchant_code": "99900888100", "terminal": "abcd", "secret_key": "s3cr3t-VALUE!",
           "checkout_url": "ftp://x", "colour": "blue"}
    errors = hostedpay.account.config_errors("redsys", bad)
    assert [(e.field, e.code) for e in errors] == [
        ("checkout_url", "invalid_config"), ("colour", "invalid_config"), ("merchant_code", "invalid_config"),
        ("secret_key", "invalid_config"), ("terminal", "invalid_config")]
    assert all(isinstance(e, hostedpay.ConfigError) for e in errors)
    assert "s3cr3t-VALUE" not in " ".join(e.message for e in errors)
    # The same rules as Gateway(config): each bad key alone is refused there too, naming it.
    good = full(BRAND_A)
    assert hostedpay.account.config_errors("redsys", good) == []
    for key in ("merchant_code", "terminal", "secret_key", "checkout_url"):
        with pytest.raises(hostedpay.ConfigError) as raised:
            hostedpay.redsys.Gateway({**good, key: bad[key]})
        assert raised.value.field == key
        assert [e.field for e in hostedpay.account.config_errors("redsys", {**good, key: bad[key]})] == [key]
    missing = hostedpay.account.config_errors("ceca", {"merchant_id": "111950028"})
    assert [e.field for e in missing] == ["acquirer_bin", "checkout_url", "key", "terminal_id", "url_nok", "url_ok"]
    assert [e.code for e in hostedpay.account.config_errors("visa", {})] == ["unsupported"]


def test_environment_selects_endpoints() -> None:
    assert hostedpay.account.ENVIRONMENTS == ["testing", "production"]
    assert hostedpay.account.endpoints("redsys", "production") == {
        "checkout_url": "https://sis.redsys.es/sis/realizarPago",
        "rest_url": "https://sis.redsys.es/sis/rest/trataPeticionREST"}
    assert hostedpay.account.endpoints("ceca", "testing") == {"checkout_url": hostedpay.ceca.TEST_CHECKOUT_URL}
    with pytest.raises(hostedpay.ParseError) as raised:
        hostedpay.account.endpoints("redsys", "live")
    assert (raised.value.code, raised.value.field) == ("field_invalid", "environment")


# Several accounts of one gateway, each at its own URL.

def test_two_accounts_of_one_gateway_each_verify_only_their_own(client: Any, keys: list) -> None:
    make_account("brand-a", BRAND_A, display_name="Brand A")
    make_account("brand-b", BRAND_B, display_name="Brand B")
    pay_a = make_payment("brand-a")
    pay_b = make_payment("brand-b")  # the same order number, another terminal
    body_a = signed_notification(full(BRAND_A), pay_a.order_id, 4999)
    body_b = signed_notification(full(BRAND_B), pay_b.order_id, 4999)

    # A's notification at B's URL: B's key does not verify it, nothing moves.
    response = client.post("/vpos/redsys/brand-b/", data=body_a, content_type=CT)
    assert (response.status_code, response.content) == (403, b"signature_mismatch")
    row = Notification.objects.get(account="brand-b")
    assert (row.verdict, row.error_code, row.applied_event_key) == ("unverified", "signature_mismatch", None)
    pay_a.refresh_from_db(), pay_b.refresh_from_db()
    assert (pay_a.status, pay_b.status) == ("new", "new")

    assert client.post("/vpos/redsys/brand-a/", data=body_a, content_type=CT).status_code == 200
    assert client.post("/vpos/redsys/brand-b/", data=body_b, content_type=CT).status_code == 200
    pay_a.refresh_from_db(), pay_b.refresh_from_db()
    assert (pay_a.status, pay_b.status) == ("paid", "paid")
    assert sorted(Notification.objects.filter(verdict="applied").values_list("account", "payment_id")) == [
        ("brand-a", pay_a.pk), ("brand-b", pay_b.pk)]
    # An unknown account's URL is a 404, like the settings accounts'.
    assert client.post("/vpos/redsys/brand-c/", data=body_a, content_type=CT).status_code == 404


def test_flocash_database_account_has_its_own_token_url(client: Any, keys: list, postback: Any) -> None:
    make_account("shop-b", {**FLOCASH, "base_url": postback.base_url, "notification_token": "shop-b-token-0123"},
                 gateway="flocash", postback_timeout=5)
    payment = Payment.objects.create(gateway="flocash", account="shop-b", order_id="test order", currency="EUR",
                                     amount=Decimal("123"), item_name="test item", custom="test custom")
    assert MerchantAccount.objects.get(name="shop-b").notification_url() == "/vpos/flocash/shop-b/***/"
    # The settings account's token does not open the database account's URL.
    assert client.post("/vpos/flocash/shop-b/test-test-test/", data=payload(), content_type=CT).status_code == 404
    assert Notification.objects.get().verdict == "token_mismatch"
    response = client.post("/vpos/flocash/shop-b/shop-b-token-0123/", data=payload(), content_type=CT)
    assert (response.status_code, response.content) == (200, b"00")
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_retired_account_verifies_late_notifications_but_takes_no_checkout(client: Any, keys: list) -> None:
    account = make_account("old-terminal", BRAND_A)
    old = make_payment("old-terminal")
    assert old.checkout_form().action == TEST_CHECKOUT
    account.active = False
    account.save()
    with pytest.raises(hostedpay.UnsupportedError) as raised:
        old.checkout_form()
    assert (raised.value.code, raised.value.field) == ("unsupported", "account")
    with pytest.raises(hostedpay.UnsupportedError):
        make_payment("old-terminal", order_id="100100000002").checkout_form()
    body = signed_notification(full(BRAND_A), old.order_id, 4999)
    assert client.post("/vpos/redsys/old-terminal/", data=body, content_type=CT).status_code == 200
    old.refresh_from_db()
    assert old.status == "paid"
    # History stays: an account with payments can be neither renamed nor deleted.
    account.name = "new-name"
    with pytest.raises(ValidationError) as renamed:
        account.full_clean()
    assert "name" in renamed.value.message_dict
    account.refresh_from_db()
    with pytest.raises(Exception, match="retire"):
        account.delete()
    assert MerchantAccount.objects.retired().get() == account


def test_settings_and_database_accounts_side_by_side(settings: Any, keys: list, admin_client: Any) -> None:
    settings.VPOS = {"redsys": {**full(BRAND_A), "accounts": {"promo": {**full(BRAND_B)}}}}
    make_account("brand-b", BRAND_B, environment="production")
    assert conf.get_account("redsys", "default").source == "VPOS"
    db = conf.get_account("redsys", "brand-b")
    assert (db.source, db.live, db.environment) == ("database", True, "production")
    assert db.gateway.checkout({"order": "100100000001", "amount": {"minor": 1, "currency": "EUR"}}).action \
        == "https://sis.redsys.es/sis/realizarPago"
    # A database account cannot shadow a settings one.
    with pytest.raises(ValidationError) as raised:
        MerchantAccount(gateway="redsys", name="promo", configuration=BRAND_B).full_clean()
    assert "name" in raised.value.message_dict
    # The admin lists both: the settings ones read-only under the database ones.
    page = admin_client.get("/admin/vpos/merchantaccount/").content.decode()
    assert "Accounts from settings (read-only" in page and "brand-b" in page
    # Live by default, but its URLs are Redsys's test platform: the list says so.
    assert ('<td>redsys</td><td>default</td><td class="environment">testing, declared production</td><td>VPOS</td>'
            in page.replace("\n", ""))
    assert "<td>promo</td>" in page


# Secrets: encrypted, write-only, never shown.

def test_secrets_are_encrypted_at_rest_and_never_shown(keys: list, caplog: Any) -> None:
    account = make_account("brand-a", BRAND_A)
    stored = MerchantAccount.objects.filter(pk=account.pk).values("configuration", "secrets").get()
    assert "secret_key" not in stored["configuration"] and K_TEST not in stored["secrets"]
    assert Fernet(keys[0].encode()).decrypt(stored["secrets"].encode()) == b'{"secret_key": "%s"}' % K_TEST.encode()
    with caplog.at_level(logging.DEBUG):
        acct = conf.get_account("redsys", "brand-a")
        text = f"{account!r} {account} {acct!r} {acct.gateway!r}"
    assert K_TEST not in text and K_TEST not in caplog.text


def test_key_rotation(settings: Any, keys: list, client: Any) -> None:
    old_key, new_key = keys[0], Fernet.generate_key().decode()
    account = make_account("brand-a", BRAND_A)
    payment = make_payment("brand-a")
    old_token = account.secrets
    settings.VPOS_ENCRYPTION_KEYS = [new_key, old_key]
    assert account.get_secrets() == {"secret_key": K_TEST}  # the old key still decrypts
    out = io.StringIO()
    call_command("vpos_rotate_keys", stdout=out)
    assert out.getvalue() == "1 account(s) re-encrypted with the newest key.\n"
    account.refresh_from_db()
    assert account.secrets != old_token
    Fernet(new_key.encode()).decrypt(account.secrets.encode())  # now under the new key
    settings.VPOS_ENCRYPTION_KEYS = [new_key]
    assert conf.get_account("redsys", "brand-a").gateway.merchant == "999008881"
    settings.VPOS_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(crypto.Undecryptable):
        account.get_secrets()
    with pytest.raises(hostedpay.ConfigError) as raised:
        conf.get_account("redsys", "brand-a")
    assert (raised.value.code, raised.value.field) == ("invalid_config", "secrets")
    assert old_key not in str(raised.value) and new_key not in str(raised.value)
    # Its notifications wait (503, the gateway retries) until the key is back.
    body = signed_notification(full(BRAND_A), payment.order_id, 4999)
    assert client.post("/vpos/redsys/brand-a/", data=body, content_type=CT).status_code == 503
    assert Notification.objects.get().verdict == "error"
    settings.VPOS_ENCRYPTION_KEYS = [new_key]
    assert client.post("/vpos/redsys/brand-a/", data=body, content_type=CT).status_code == 200


# The admin form.

def _form(**changes: Any) -> Dict[str, Any]:
    data = {"gateway": "redsys", "name": "brand-c", "display_name": "Brand C", "environment": "testing",
            "active": "on", "configuration": '{"merchant_code": "999008881", "terminal": "1"}',
            "redsys_secret_key": K_TEST, "partial_refunds": "on", "total_refunds": "on",
            "preauthorisation": "on", "order_prefix": "12", "postback_timeout": "10", "rest_timeout": "30"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_form_secret_is_write_only(admin_client: Any, keys: list) -> None:
    response = admin_client.post("/admin/vpos/merchantaccount/add/", _form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    account = MerchantAccount.objects.get(name="brand-c")
    assert account.configuration == {"merchant_code": "999008881", "terminal": "1"}
    assert account.get_secrets() == {"secret_key": K_TEST}
    assert account.gateway_config()["checkout_url"] == TEST_CHECKOUT
    page = admin_client.get(f"/admin/vpos/merchantaccount/{account.pk}/change/").content.decode()
    assert K_TEST not in page and "A value is stored" in page and "/vpos/redsys/brand-c/" in page
    # Blank keeps the stored key; a new value replaces it.
    assert admin_client.post(f"/admin/vpos/merchantaccount/{account.pk}/change/",
                             _form(redsys_secret_key="", display_name="Renamed")).status_code == 302
    account.refresh_from_db()
    assert (account.display_name, account.get_secrets()) == ("Renamed", {"secret_key": K_TEST})
    assert admin_client.post(f"/admin/vpos/merchantaccount/{account.pk}/change/",
                             _form(redsys_secret_key=K_PHP)).status_code == 302
    account.refresh_from_db()
    assert account.get_secrets() == {"secret_key": K_PHP}


def test_admin_form_puts_every_core_error_on_its_field(admin_client: Any, keys: list) -> None:
    response = admin_client.post("/admin/vpos/merchantaccount/add/", _form(
        configuration='{"merchant_code": "99900888100", "terminal": "abcd", "url_ok": "nope"}',
        redsys_secret_key="s3cr3t-VALUE!"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert sorted(errors) == ["configuration", "redsys_secret_key"]
    assert [e.split(":")[0] for e in errors["configuration"]] == ["merchant_code", "terminal", "url_ok"]
    assert "(invalid_config)" in errors["redsys_secret_key"][0] and "s3cr3t-VALUE" not in str(errors)
    assert not MerchantAccount.objects.exists()
    # A secret typed into the configuration is refused rather than stored in clear.
    response = admin_client.post("/admin/vpos/merchantaccount/add/", _form(
        configuration='{"merchant_code": "999008881", "terminal": "1", "secret_key": "%s"}' % K_TEST))
    assert "secret_key is secret" in response.context["adminform"].form.errors["configuration"][0]
    assert not MerchantAccount.objects.exists()


def test_admin_form_without_cryptography_is_a_form_error_not_a_500(admin_client: Any, keys: list,
                                                                       monkeypatch: Any) -> None:
    # As on an install without the [django] extra: the import of cryptography fails. The admin
    # must say what to install, on the form, instead of a bare 500 with nothing logged.
    import builtins

    real_import = builtins.__import__

    def no_cryptography(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "cryptography" or name.startswith("cryptography."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cryptography)
    response = admin_client.post("/admin/vpos/merchantaccount/add/", _form())
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("'cryptography' package" in e and "hostedpay[django]" in e for e in errors), errors
    assert not MerchantAccount.objects.exists()


def test_admin_test_signature_action(admin_client: Any, keys: list) -> None:
    a = make_account("brand-a", BRAND_A)
    b = make_account("brand-b", BRAND_B)
    response = admin_client.post("/admin/vpos/merchantaccount/", {
        "action": "test_signature", "_selected_action": [a.pk, b.pk]}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    order = {"order": "000000000001", "amount": {"minor": 100, "currency": "EUR"}}
    for config, name in ((BRAND_A, "brand-a"), (BRAND_B, "brand-b")):
        signature = dict(hostedpay.redsys.Gateway(full(config)).checkout(order).fields)["Ds_Signature"]
        assert any(m.startswith(f"redsys/{name}:") and m.endswith(f"Ds_Signature = {signature}") for m in shown), shown
    # A broken account reports its core error instead.
    MerchantAccount.objects.filter(pk=b.pk).update(configuration={"merchant_code": "x", "terminal": "2"})
    response = admin_client.post("/admin/vpos/merchantaccount/", {
        "action": "test_signature", "_selected_action": [b.pk]}, follow=True)
    # ... and where to fix it: the account's admin page.
    assert [str(m) for m in response.context["messages"]] == [
        "redsys/brand-b: invalid_config on merchant_code: configuration merchant_code: must be 1 to 9 digits. "
        f"Fix it in the admin, Merchant accounts → brand-b (/admin/vpos/merchantaccount/{b.pk}/change/)."]


# Capabilities on the refund path.

def test_refund_respects_the_accounts_flags(keys: list) -> None:
    make_account("no-partial", BRAND_A, partial_refunds=False)
    payment = make_payment("no-partial", status="paid")
    with pytest.raises(hostedpay.UnsupportedError) as raised:
        payment.refund(Decimal("10.00"))
    assert (raised.value.code, raised.value.field) == ("unsupported", "amount")
    assert not Refund.objects.exists()
    refund = payment.refund(Decimal("49.99"), http_client=RestStandIn(full(BRAND_A)))
    assert refund.status == "succeeded"
    payment.refresh_from_db()
    assert payment.status == "refunded"
    MerchantAccount.objects.filter(name="no-partial").update(total_refunds=False, partial_refunds=True)
    other = make_payment("no-partial", order_id="100100000002", status="paid")
    with pytest.raises(hostedpay.UnsupportedError, match="total refunds"):
        other.refund(Decimal("49.99"))


def test_settings_accounts_take_capability_flags_and_preauthorisation_is_checked(settings: Any, keys: list) -> None:
    settings.VPOS = {"redsys": {**full(BRAND_A), "partial_refunds": False, "preauthorisation": False}}
    payment = make_payment("default", status="paid")
    with pytest.raises(hostedpay.UnsupportedError, match="partial refunds"):
        payment.refund("1.00")
    with pytest.raises(hostedpay.UnsupportedError) as raised:
        payment.checkout_form(transaction_type="preauthorization")
    assert (raised.value.code, raised.value.field) == ("unsupported", "transaction_type")
    assert payment.checkout_form().action == TEST_CHECKOUT
    settings.VPOS = {"redsys": {**full(BRAND_A), "total_refunds": "no"}}
    from hostedpay.django.checks import check_settings

    assert [m.id for m in check_settings()] == ["vpos.E005"]


def test_malformed_encryption_keys_fail_the_checks(settings: Any) -> None:
    from hostedpay.django.checks import check_encryption_keys

    settings.VPOS_ENCRYPTION_KEYS = ["not-a-fernet-key-value"]
    [error] = check_encryption_keys()
    assert error.id == "vpos.E008" and "not-a-fernet" not in error.msg
    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert check_encryption_keys() == []


# Migrations: a database of the settings-only shape moves forward with its payments.

@pytest.mark.django_db(transaction=True)
def test_migration_from_the_settings_only_shape(keys: list) -> None:
    executor = MigrationExecutor(connection)
    [mine] = [node for node in executor.loader.graph.nodes if node[0] == "vpos" and node[1].endswith("_merchant_accounts")]
    [before] = [p for p in executor.loader.graph.node_map[mine].parents if p.key[0] == "vpos"]
    latest = executor.loader.graph.leaf_nodes("vpos")
    try:
        executor.migrate([before.key])
        old_apps = MigrationExecutor(connection).loader.project_state([before.key]).apps
        with pytest.raises(LookupError):
            old_apps.get_model("vpos", "MerchantAccount")
        OldPayment = old_apps.get_model("vpos", "Payment")
        OldPayment.objects.create(gateway="redsys", account="brand-a", order_id="100100000001",
                                  amount_minor=4999, currency="EUR")
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    payment = Payment.objects.get()
    assert (payment.account, payment.amount_minor) == ("brand-a", 4999)
    with pytest.raises(conf.UnknownAccount):
        payment.account_settings()
    make_account("brand-a", BRAND_A)  # the admin takes the account over under the same name
    assert payment.account_settings().source == "database"
    assert payment.checkout_form().action == TEST_CHECKOUT


def test_account_stub_matches_the_runtime() -> None:
    import ast
    from pathlib import Path

    stub = ast.parse((Path(hostedpay.__file__).parent / "account.pyi").read_text())
    names = {n.name for n in stub.body if isinstance(n, ast.FunctionDef)}
    names |= {n.target.id for n in stub.body if isinstance(n, ast.AnnAssign)}
    assert names == set(hostedpay.account.__all__)
    assert all(hasattr(hostedpay.account, n) for n in names)


def test_redsys_extra_parameters_are_signed_and_logged(settings: Any, keys: list, caplog: Any) -> None:
    import base64
    import json as _json
    import logging
    settings.VPOS = {"redsys": full(BRAND_A)}
    payment = make_payment("default")
    plain = payment.checkout_form()
    with caplog.at_level(logging.WARNING, logger="vpos.django"):
        form = payment.checkout_form(extra_parameters={"Ds_Merchant_Group": "tienda-1"})
    params = _json.loads(base64.b64decode(dict(form.fields)["Ds_MerchantParameters"]))
    assert list(params)[-1] == "DS_MERCHANT_GROUP" and params["DS_MERCHANT_GROUP"] == "tienda-1"
    assert dict(form.fields)["Ds_Signature"] != dict(plain.fields)["Ds_Signature"]
    assert "redsys checkout 100100000001 carries parameters vpos does not model: DS_MERCHANT_GROUP" in caplog.text
    with pytest.raises(hostedpay.VposError) as refused:
        payment.checkout_form(extra_parameters={"DS_MERCHANT_AMOUNT": "1"})
    assert (refused.value.code, refused.value.field) == ("field_invalid", "extra_parameters.DS_MERCHANT_AMOUNT")

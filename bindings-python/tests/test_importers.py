"""Importing from the apps vpos replaces (issue 18 item 4): ``vpos_import_djflocash`` and
``vpos_import_virtualpos`` read the old tables, built here with the schemas their migrations
create (djflocash 0001-0002, django-virtual-pos 0001-0014), on SQLite and on PostgreSQL.

SQLite keeps a ``decimal`` column as a binary float, so a float written there comes back with
all its digits (``0.30000000000000004``) and is refused; PostgreSQL's ``numeric(10, 2)``
rounded it when it was written, and it imports as what the column holds."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Sequence, Tuple
from urllib.parse import parse_qsl

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from hostedpay.django.accounts import MerchantAccount
from hostedpay.django.models import Notification, Payment
from hostedpay.django.services.importers import Refused, exact_minor, flocash_status

pytestmark = pytest.mark.django_db
SQLITE = connection.vendor == "sqlite"
#: Where the old tables are built: the default database, or another alias (``old_alias``).
OLD = [connection]
FLOAT = 0.1 + 0.2  # 0.30000000000000004: no exact number of cents
K_TEST = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"


# The old schemas, as each app's migrations create them (Django's column types per backend).

def _type(kind: str) -> str:
    sqlite = {"pk": "integer NOT NULL PRIMARY KEY AUTOINCREMENT", "decimal": "decimal", "datetime": "datetime",
              "posint": 'smallint unsigned', "bool": "bool", "text": "text", "int": "integer"}
    pg = {"pk": "serial NOT NULL PRIMARY KEY", "decimal": "numeric", "datetime": "timestamp with time zone",
          "posint": "smallint", "bool": "boolean", "text": "text", "int": "integer"}
    return (sqlite if OLD[0].vendor == "sqlite" else pg)[kind]


def _decimal(digits: int, places: int) -> str:
    return "decimal" if OLD[0].vendor == "sqlite" else f"numeric({digits}, {places})"


def _create(table: str, columns: Sequence[Tuple[str, str]]) -> None:
    q = OLD[0].ops.quote_name
    body = ", ".join(f"{q(name)} {sql}" for name, sql in columns)
    with OLD[0].cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q(table)} ({body})")


def _insert(table: str, rows: Sequence[Dict[str, Any]]) -> None:
    q = OLD[0].ops.quote_name
    with OLD[0].cursor() as cursor:
        for row in rows:
            cols = ", ".join(q(c) for c in row)
            cursor.execute(f"INSERT INTO {q(table)} ({cols}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values()))


def _ts(text: str) -> Any:
    """A stored timestamp: SQLite holds Django's naive UTC text, PostgreSQL a timestamptz."""
    if OLD[0].vendor == "sqlite":
        return text
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)


def v(n: int) -> str:
    return f"varchar({n})"


def order_mixin() -> List[Tuple[str, str]]:
    return [("order_id", f"{v(25)} NOT NULL"), ("custom", f"{v(25)} NULL"),
            ("amount", f"{_decimal(10, 2)} NOT NULL"), ("item_name", f"{v(250)} NOT NULL"),
            ("item_price", f"{_decimal(10, 2)} NOT NULL"), ("currency_code", f"{v(3)} NOT NULL"),
            ("quantity", "integer NOT NULL")]


def create_djflocash_tables() -> None:
    _create("djflocash_payment", [
        ("id", _type("pk")), *order_mixin(), ("country", f"{v(2)} NULL"), ("payment_option", f"{v(250)} NULL"),
        ("created", f"{_type('datetime')} NOT NULL"), ("client_id", "integer NULL")])
    _create("djflocash_notification", [
        ("id", _type("pk")), *order_mixin(), ("sender_acct", f"{v(50)} NOT NULL"),
        ("trans_id", f"{v(50)} NOT NULL"), ("fpn_id", f"{v(50)} NOT NULL"),
        ("status", f'{_type("posint")} NOT NULL CHECK ("status" >= 0)'), ("status_msg", f"{v(250)} NOT NULL"),
        ("customer", f"{v(250)} NOT NULL"), ("payer_email", f"{v(250)} NOT NULL"),
        ("payment_channel", f"{v(250)} NOT NULL"), ("txn_partner_ref", f"{v(250)} NOT NULL"),
        ("created", f"{_type('datetime')} NOT NULL"),
        ("payment_id", 'integer NULL REFERENCES "djflocash_payment" ("id")')])


def create_virtualpos_tables() -> None:
    fk_vpos = 'integer NOT NULL PRIMARY KEY REFERENCES "djangovirtualpos_virtualpointofsale" ("id")'
    _create("djangovirtualpos_virtualpointofsale", [
        ("id", _type("pk")), ("name", f"{v(128)} NOT NULL"), ("bank_name", f"{v(128)} NOT NULL"),
        ("type", f"{v(16)} NOT NULL"), ("distributor_name", f"{v(512)} NOT NULL"),
        ("distributor_cif", f"{v(150)} NOT NULL"), ("environment", f"{v(16)} NOT NULL"),
        ("is_erased", f"{_type('bool')} NOT NULL")])
    _create("djangovirtualpos_vpospaymentoperation", [
        ("id", _type("pk")), ("amount", f"{_decimal(6, 2)} NOT NULL"), ("description", f"{v(512)} NOT NULL"),
        ("url_ok", f"{v(255)} NOT NULL"), ("url_nok", f"{v(255)} NOT NULL"),
        ("operation_number", f"{v(255)} NOT NULL"), ("confirmation_code", f"{v(255)} NULL"),
        ("confirmation_data", "text NULL"), ("sale_code", f"{v(512)} NOT NULL"), ("status", f"{v(64)} NOT NULL"),
        ("creation_datetime", f"{_type('datetime')} NOT NULL"),
        ("last_update_datetime", f"{_type('datetime')} NOT NULL"), ("type", f"{v(16)} NOT NULL"),
        ("virtual_point_of_sale_id", 'integer NOT NULL REFERENCES "djangovirtualpos_virtualpointofsale" ("id")'),
        ("response_code", f"{v(255)} NULL"), ("environment", f"{v(255)} NOT NULL")])
    _create("djangovirtualpos_vposrefundoperation", [
        ("id", _type("pk")), ("amount", f"{_decimal(6, 2)} NOT NULL"), ("description", f"{v(512)} NOT NULL"),
        ("operation_number", f"{v(255)} NOT NULL"), ("status", f"{v(64)} NOT NULL"),
        ("creation_datetime", f"{_type('datetime')} NOT NULL"),
        ("last_update_datetime", f"{_type('datetime')} NOT NULL"),
        ("payment_id", 'integer NOT NULL REFERENCES "djangovirtualpos_vpospaymentoperation" ("id")')])
    _create("djangovirtualpos_vposredsys", [
        ("vpos_id", fk_vpos), ("merchant_code", f"{v(9)} NOT NULL"), ("merchant_response_url", f"{v(64)} NOT NULL"),
        ("terminal_id", f"{v(3)} NOT NULL"), ("encryption_key_testing_sha256", f"{v(64)} NULL"),
        ("encryption_key_production_sha256", f"{v(64)} NULL"), ("operation_number_prefix", f"{v(3)} NOT NULL"),
        ("operative_type", f"{v(512)} NOT NULL")])
    _create("djangovirtualpos_vposceca", [
        ("vpos_id", fk_vpos), ("merchant_id", f"{v(9)} NOT NULL"), ("acquirer_bin", f"{v(10)} NOT NULL"),
        ("terminal_id", f"{v(8)} NOT NULL"), ("encryption_key_testing", f"{v(10)} NOT NULL"),
        ("encryption_key_production", f"{v(10)} NOT NULL"), ("operation_number_prefix", f"{v(20)} NOT NULL")])
    _create("djangovirtualpos_vpospaypal", [
        ("vpos_id", fk_vpos), ("API_username", f"{v(60)} NOT NULL"), ("API_password", f"{v(60)} NOT NULL"),
        ("API_signature", f"{v(60)} NOT NULL"), ("Version", f"{v(3)} NOT NULL")])
    _create("djangovirtualpos_vpossantanderelavon", [
        ("vpos_id", fk_vpos), ("merchant_id", f"{v(50)} NOT NULL"), ("merchant_response_url", f"{v(64)} NOT NULL"),
        ("account", f"{v(30)} NOT NULL"), ("encryption_key", f"{v(64)} NOT NULL"),
        ("operation_number_prefix", f"{v(20)} NOT NULL")])
    _create("djangovirtualpos_vposbitpay", [
        ("vpos_id", fk_vpos), ("testing_api_key", f"{v(512)} NULL"), ("production_api_key", f"{v(512)} NOT NULL"),
        ("currency", f"{v(3)} NOT NULL"), ("transaction_speed", f"{v(10)} NOT NULL"),
        ("notification_url", f"{v(200)} NOT NULL"), ("operation_number_prefix", f"{v(20)} NULL")])


# Sample rows.

def order(order_id: str, amount: Any, currency: str = "EUR", **kw: Any) -> Dict[str, Any]:
    return {"order_id": order_id, "custom": kw.pop("custom", None), "amount": amount, "item_name": f"item {order_id}",
            "item_price": kw.pop("item_price", amount), "currency_code": currency, "quantity": 1, **kw}


def note(id: int, payment_id: Any, order_id: str, status: int, **kw: Any) -> Dict[str, Any]:
    return {"id": id, **order(order_id, kw.pop("amount", Decimal("120.00"))), "sender_acct": "anonymous",
            "trans_id": kw.pop("trans_id", f"trans-{id}"), "fpn_id": f"fpn-{id}", "status": status,
            "status_msg": "msg", "customer": "anonymous", "payer_email": "anonymous@example.com",
            "payment_channel": "Mobile", "txn_partner_ref": f"txn-{id}", "created": _ts(f"2019-03-0{id} 10:00:00"),
            "payment_id": payment_id, **kw}


@pytest.fixture
def djflocash() -> Dict[str, Any]:
    user = get_user_model().objects.create(username="user-1", email="user-1@example.com")
    fill_djflocash(user.pk)
    return {"user": user}


def fill_djflocash(user_pk: int) -> None:
    create_djflocash_tables()
    created = _ts("2019-03-01 09:00:00")
    _insert("djflocash_payment", [
        {"id": 1, **order("order-1", Decimal("120.00"), custom="custom-1"), "country": "ET", "payment_option": None,
         "created": created, "client_id": user_pk},
        {"id": 2, **order("order-2", Decimal("49.99")), "country": None, "payment_option": None, "created": created,
         "client_id": None},
        {"id": 3, **order("order-3", Decimal("10")), "country": None, "payment_option": None, "created": created,
         "client_id": 9999},  # a user the vpos database does not hold
        {"id": 4, **order("order-4", Decimal("120.50"), "XOF"), "country": None, "payment_option": None,
         "created": created, "client_id": None},  # XOF has no minor unit: refused
        {"id": 5, **order("order-5", FLOAT), "country": None, "payment_option": None, "created": created,
         "client_id": None},
        {"id": 6, **order("order-1", Decimal("1.00")), "country": None, "payment_option": None, "created": created,
         "client_id": None},  # djflocash never made order_id unique
        {"id": 7, **order("order-7", Decimal("1500.00"), "XOF"), "country": "SN", "payment_option": "Mobile",
         "created": created, "client_id": None},
    ])
    _insert("djflocash_notification", [
        note(1, 1, "order-1", 4), note(2, 1, "order-1", 0, trans_id="T-PAID"), note(3, 2, "order-2", 4),
        note(4, 3, "order-3", 4), note(5, 3, "order-3", 2), note(6, 4, "order-4", 0), note(7, 7, "order-7", 3),
        note(8, None, "lost-order", 0),
    ])


@pytest.fixture
def virtualpos(settings: Any) -> None:
    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    create_virtualpos_tables()
    point = {"distributor_name": "", "distributor_cif": "", "is_erased": False}
    _insert("djangovirtualpos_virtualpointofsale", [
        {"id": 1, "name": "Shop", "bank_name": "Bank", "type": "redsys", "environment": "testing", **point},
        {"id": 2, "name": "PP", "bank_name": "PayPal", "type": "paypal", "environment": "production", **point},
        {"id": 3, "name": "BP", "bank_name": "Bitpay", "type": "bitpay", "environment": "testing", **point},
    ])
    _insert("djangovirtualpos_vposredsys", [
        {"vpos_id": 1, "merchant_code": "999008881", "merchant_response_url": "https://shop.example/confirm/",
         "terminal_id": "1", "encryption_key_testing_sha256": K_TEST, "encryption_key_production_sha256": None,
         "operation_number_prefix": "12", "operative_type": "authorization"}])
    _insert("djangovirtualpos_vpospaypal", [
        {"vpos_id": 2, "API_username": "api-user", "API_password": "api-pass", "API_signature": "api-sig",
         "Version": "95"}])
    _insert("djangovirtualpos_vposbitpay", [
        {"vpos_id": 3, "testing_api_key": "bp-test-key", "production_api_key": "bp-live-key", "currency": "USD",
         "transaction_speed": "medium", "notification_url": "https://shop.example/bitpay/",
         "operation_number_prefix": None}])

    def op(id: int, vpos: int, number: str, amount: Any, status: str, **kw: Any) -> Dict[str, Any]:
        return {"id": id, "amount": amount, "description": f"Sale {id}", "url_ok": "https://shop.example/ok",
                "url_nok": "https://shop.example/nok", "operation_number": number,
                "confirmation_code": kw.pop("confirmation_code", None), "confirmation_data": None,
                "sale_code": f"sale-{id}", "status": status, "creation_datetime": _ts("2020-05-01 08:00:00"),
                "last_update_datetime": _ts("2020-05-01 08:05:00"),
                "type": {1: "redsys", 2: "paypal", 3: "bitpay"}[vpos], "virtual_point_of_sale_id": vpos,
                "response_code": None, "environment": kw.pop("environment", "testing")}

    _insert("djangovirtualpos_vpospaymentoperation", [
        op(1, 1, "120000000001", Decimal("49.99"), "completed", confirmation_code="120000000001"),
        op(2, 1, "120000000002", Decimal("15.00"), "pending"),
        op(3, 1, "120000000003", Decimal("15.00"), "failed. verification_error"),
        op(4, 1, "120000000004", Decimal("100.00"), "partially_refunded"),
        op(5, 1, "120000000005", Decimal("20.00"), "completely_refunded"),
        op(6, 2, "PP0000000006", FLOAT, "completed", confirmation_code="EC-TOKEN", environment="production"),
        op(7, 3, "BP0000000007", Decimal("5.00"), "completed"),
        op(8, 1, "120000000008", Decimal("30.00"), "partially_refunded"),
        op(9, 1, "120000000009", Decimal("10.00"), "completely_refunded"),
    ])

    def refund(id: int, payment: int, amount: str, status: str) -> Dict[str, Any]:
        return {"id": id, "amount": Decimal(amount), "description": "refund", "operation_number": str(payment),
                "status": status, "creation_datetime": _ts("2020-05-02 08:00:00"),
                "last_update_datetime": _ts("2020-05-02 08:00:00"), "payment_id": payment}

    _insert("djangovirtualpos_vposrefundoperation", [
        refund(1, 4, "30.00", "completed"), refund(2, 4, "10.00", "failed"), refund(3, 5, "20.00", "completed"),
        refund(4, 8, "5.00", "failed"), refund(5, 9, "15.00", "completed"),
    ])


def run(command: str, *args: str) -> Tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# Exact amounts.

@pytest.mark.parametrize("value, currency, minor", [
    (Decimal("12.30"), "EUR", 1230), (12.3, "EUR", 1230), (120, "XOF", 120), (Decimal("120.00"), "XOF", 120),
    ("0.5", "EUR", 50), (1e16, "JPY", 10**16), (Decimal("1.500"), "KWD", 1500),
])
def test_exact_amounts_convert(value: Any, currency: str, minor: int) -> None:
    assert exact_minor(value, currency) == minor


@pytest.mark.parametrize("value, currency, code", [
    (FLOAT, "EUR", "amount_precision"), (19.999999999999996, "EUR", "amount_precision"),
    (Decimal("120.50"), "XOF", "amount_precision"), (-1.0, "EUR", "amount_negative"),
    (float("nan"), "EUR", "amount_invalid"), (None, "EUR", "amount_missing"), ("abc", "EUR", "amount_invalid"),
    (Decimal("5.00"), "BTC", "unknown_currency"),
])
def test_inexact_amounts_are_refused(value: Any, currency: str, code: str) -> None:
    with pytest.raises(Refused) as e:
        exact_minor(value, currency)
    assert e.value.code == code


def test_flocash_status_reads_the_notifications_as_djflocash_did() -> None:
    assert flocash_status([]) == ("new", None)
    assert flocash_status([{"status": 4}])[0] == "pending"
    assert flocash_status([{"status": 4}, {"status": 2}])[0] == "cancelled"
    assert flocash_status([{"status": 1}])[0] == "failed"
    assert flocash_status([{"status": 2}, {"status": 0}, {"status": 3}])[0] == "paid"
    assert flocash_status([{"status": 77}])[0] == "new"


# djflocash.

def test_djflocash_import(djflocash: Dict[str, Any]) -> None:
    out, err = run("vpos_import_djflocash", "--progress-every", "3")
    imported, refused = (4, 3) if SQLITE else (5, 2)
    assert f"payments: read 7, imported {imported}, skipped existing 0, refused {refused}" in out
    assert "refused amount_precision: %d" % (2 if SQLITE else 1) in out
    assert "refused duplicate_order_id: 1" in out
    assert "notifications: read 8, imported 7, skipped existing 0, skipped with their refused payment 1" in out
    assert err.splitlines() == ["payments: 3 read", "payments: 6 read", "notifications: 3 read",
                                "notifications: 6 read"]
    assert Payment.objects.count() == imported
    by_order = {p.order_id: p for p in Payment.objects.all()}
    assert set(by_order) == {"order-1", "order-2", "order-3", "order-7"} | (set() if SQLITE else {"order-5"})

    paid = by_order["order-1"]
    assert (paid.gateway, paid.account, paid.status, paid.amount_minor, paid.currency) == \
        ("flocash", "default", "paid", 12000, "EUR")
    assert (paid.captured_minor, paid.refunded_minor, paid.transaction_id) == (12000, 0, "T-PAID")
    assert (paid.item_price_minor, paid.custom, paid.country, paid.client_id) == (12000, "custom-1", "ET", djflocash["user"].pk)
    assert paid.created == datetime.datetime(2019, 3, 1, 9, tzinfo=datetime.timezone.utc)
    assert paid.merchant == "test@merchant.com"  # from the settings account
    assert paid.refundable_minor() == 12000
    assert (by_order["order-2"].status, by_order["order-2"].amount, by_order["order-2"].captured_minor) == \
        ("pending", Decimal("49.99"), 0)
    assert (by_order["order-3"].status, by_order["order-3"].client_id) == ("cancelled", None)
    assert (by_order["order-7"].status, by_order["order-7"].amount_minor, by_order["order-7"].currency) == \
        ("failed", 1500, "XOF")
    if not SQLITE:
        assert (by_order["order-5"].status, by_order["order-5"].amount_minor) == ("new", 30)

    notes = list(Notification.objects.order_by("received_at"))
    assert len(notes) == 7
    assert all(n.verdict == "ignored" and n.error_code == "imported" and n.applied_event_key is None for n in notes)
    decisive = Notification.objects.get(transaction_id="T-PAID")
    assert (decisive.payment_id, decisive.status_code, decisive.order_id) == (paid.pk, "0000", "order-1")
    assert decisive.received_at == datetime.datetime(2019, 3, 2, 10, tzinfo=datetime.timezone.utc)
    body = dict(parse_qsl(bytes(decisive.body).decode()))
    assert (body["status"], body["trans_id"], body["fpn_id"], Decimal(body["amount"])) == ("0000", "T-PAID", "fpn-2", 120)
    assert decisive.detail["imported_from"] == "djflocash" and decisive.detail["source_id"] == 2
    orphan = Notification.objects.get(order_id="lost-order")
    assert orphan.payment_id is None


def test_djflocash_import_twice_imports_nothing_new(djflocash: Dict[str, Any]) -> None:
    run("vpos_import_djflocash")
    payments, notes = Payment.objects.count(), Notification.objects.count()
    out, _ = run("vpos_import_djflocash")
    imported = 4 if SQLITE else 5
    assert f"payments: read 7, imported 0, skipped existing {imported}, refused {7 - imported}" in out
    assert "notifications: read 8, imported 0, skipped existing 7, skipped with their refused payment 1" in out
    assert (Payment.objects.count(), Notification.objects.count()) == (payments, notes)


def test_djflocash_dry_run_writes_nothing(djflocash: Dict[str, Any]) -> None:
    out, _ = run("vpos_import_djflocash", "--dry-run")
    assert "(dry run: nothing written)" in out
    assert f"payments: read 7, would import {4 if SQLITE else 5}, skipped existing 0" in out
    assert "notifications: read 8, would import 7" in out
    assert (Payment.objects.count(), Notification.objects.count()) == (0, 0)


def test_djflocash_into_another_account(djflocash: Dict[str, Any]) -> None:
    run("vpos_import_djflocash", "--account", "legacy", "--batch-size", "2")
    assert set(Payment.objects.values_list("account", flat=True)) == {"legacy"}
    assert set(Notification.objects.values_list("account", flat=True)) == {"legacy"}
    with pytest.raises(CommandError):
        run("vpos_import_djflocash", "--account", "no/slash")


def test_missing_tables_or_alias_are_errors() -> None:
    with pytest.raises(CommandError, match="djflocash_payment"):
        run("vpos_import_djflocash")
    with pytest.raises(CommandError, match="djangovirtualpos"):
        run("vpos_import_virtualpos")
    with pytest.raises(CommandError, match="nowhere"):
        run("vpos_import_djflocash", "--database", "nowhere")


# django-virtual-pos.

def test_virtualpos_import(virtualpos: None) -> None:
    out, err = run("vpos_import_virtualpos", "--progress-every", "4")
    imported, refused = (7, 2) if SQLITE else (8, 1)
    assert "accounts: read 3, imported 3, skipped existing 0, refused 0" in out
    assert "account paypal/virtualpos-2 needs: business" in out
    assert f"payments: read 9, imported {imported}, skipped existing 0, refused {refused}" in out
    assert "refused refunds_exceed_amount: 1" in out
    assert ("refused amount_precision: 1" in out) is SQLITE
    assert "120000000008: partially_refunded without a completed refund; imported as paid" in out
    assert err.splitlines() == ["payments: 4 read", "payments: 8 read"]

    redsys = MerchantAccount.objects.get(gateway="redsys", name="virtualpos-1")
    assert redsys.configuration == {"merchant_code": "999008881", "terminal": "1",
                                    "merchant_url": "https://shop.example/confirm/"}
    assert redsys.get_secrets() == {"secret_key": K_TEST}
    assert K_TEST not in redsys.secrets
    assert (redsys.environment, redsys.order_prefix, redsys.preauthorisation, redsys.active) == ("testing", "12", False, True)
    assert redsys.display_name == "Shop (Bank)"
    assert redsys.config_errors() == []
    paypal = MerchantAccount.objects.get(gateway="paypal", name="virtualpos-2")
    assert (paypal.environment, paypal.get_secrets()) == \
        ("production", {"nvp": {"user": "api-user", "password": "api-pass", "signature": "api-sig"}})
    bitpay = MerchantAccount.objects.get(gateway="bitpay", name="virtualpos-3")
    assert bitpay.get_secrets() == {"api_key": "bp-test-key"}  # the testing key: a testing point of sale

    by_order = {p.order_id: p for p in Payment.objects.all()}
    assert len(by_order) == imported

    def row(order_id: str) -> Tuple[Any, ...]:
        p = by_order[order_id]
        return (p.gateway, p.account, p.status, p.amount_minor, p.currency, p.captured_minor, p.refunded_minor)

    assert row("120000000001") == ("redsys", "virtualpos-1", "paid", 4999, "EUR", 4999, 0)
    assert row("120000000002") == ("redsys", "virtualpos-1", "new", 1500, "EUR", 0, 0)
    assert row("120000000003") == ("redsys", "virtualpos-1", "failed", 1500, "EUR", 0, 0)
    assert row("120000000004") == ("redsys", "virtualpos-1", "partially_refunded", 10000, "EUR", 10000, 3000)
    assert row("120000000005") == ("redsys", "virtualpos-1", "refunded", 2000, "EUR", 2000, 2000)
    assert row("BP0000000007") == ("bitpay", "virtualpos-3", "paid", 500, "USD", 500, 0)
    assert row("120000000008") == ("redsys", "virtualpos-1", "paid", 3000, "EUR", 3000, 0)
    assert "120000000009" not in by_order
    if not SQLITE:
        assert row("PP0000000006") == ("paypal", "virtualpos-2", "paid", 30, "EUR", 30, 0)
        assert (by_order["PP0000000006"].reference, by_order["PP0000000006"].live) == ("EC-TOKEN", True)
    first = by_order["120000000001"]
    assert (first.item_name, first.custom, first.live, first.merchant) == ("Sale 1", "sale-1", False, "999008881")
    assert first.created == datetime.datetime(2020, 5, 1, 8, tzinfo=datetime.timezone.utc)
    assert first.modified == datetime.datetime(2020, 5, 1, 8, 5, tzinfo=datetime.timezone.utc)
    assert by_order["120000000004"].refundable_minor() == 7000
    assert by_order["120000000005"].refundable_minor() == 0


def test_virtualpos_import_twice_imports_nothing_new(virtualpos: None) -> None:
    run("vpos_import_virtualpos")
    counts = (Payment.objects.count(), MerchantAccount.objects.count())
    out, _ = run("vpos_import_virtualpos")
    imported = 7 if SQLITE else 8
    assert "accounts: read 3, imported 0, skipped existing 3, refused 0" in out
    assert f"payments: read 9, imported 0, skipped existing {imported}, refused {9 - imported}" in out
    assert (Payment.objects.count(), MerchantAccount.objects.count()) == counts


def test_virtualpos_dry_run_writes_nothing(virtualpos: None) -> None:
    out, _ = run("vpos_import_virtualpos", "--dry-run")
    assert "accounts: read 3, would import 3" in out
    assert f"payments: read 9, would import {7 if SQLITE else 8}" in out
    assert (Payment.objects.count(), MerchantAccount.objects.count()) == (0, 0)


def test_virtualpos_without_accounts_or_encryption_keys(virtualpos: None, settings: Any) -> None:
    out, _ = run("vpos_import_virtualpos", "--no-accounts")
    assert "accounts:" not in out and MerchantAccount.objects.count() == 0
    assert Payment.objects.filter(account="virtualpos-1").count() == 6
    Payment.objects.all().delete()
    settings.VPOS_ENCRYPTION_KEYS = []
    out, _ = run("vpos_import_virtualpos")
    assert "accounts: read 3, imported 0, skipped existing 0, refused 3" in out
    assert MerchantAccount.objects.count() == 0


# The old tables in another database: an SQLite file beside the vpos database (SQLite or PostgreSQL).

@pytest.fixture
def old_alias(tmp_path: Any) -> Iterator[str]:
    alias = "djflocash_old"
    connections.settings[alias] = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.dummy"},
         alias: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "old.sqlite3")}})[alias]
    OLD[0] = connections[alias]
    # Connected here: Django's test case refuses to open connections to aliases it was not
    # told about, and this one did not exist when the test case was set up.
    OLD[0].connect()
    try:
        yield alias
    finally:
        OLD[0] = connection
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def test_djflocash_from_another_database(old_alias: str) -> None:
    user = get_user_model().objects.create(username="user-1", email="user-1@example.com")
    fill_djflocash(user.pk)
    out, _ = run("vpos_import_djflocash", "--database", old_alias)
    assert f"djflocash from database {old_alias!r}" in out
    # SQLite held the float as a float: refused whatever database vpos uses.
    assert "payments: read 7, imported 4, skipped existing 0, refused 3" in out
    assert "notifications: read 8, imported 7" in out
    assert Payment.objects.get(order_id="order-1").client_id == user.pk
    assert Notification.objects.filter(error_code="imported").count() == 7
    out, _ = run("vpos_import_djflocash", "--database", old_alias)
    assert "payments: read 7, imported 0, skipped existing 4, refused 3" in out

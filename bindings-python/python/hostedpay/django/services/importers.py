"""Importing the payments of the apps vpos replaces: djflocash and django-virtual-pos.

Both apps are abandoned and neither has to be installed: their tables are read with raw SQL
through the connection of a database alias (the same database as vpos, or another one in
``DATABASES``). What they stored becomes vpos rows:

- djflocash (``djflocash_payment``, ``djflocash_notification``): one ``Payment`` per payment,
  its status derived from its notifications as djflocash derived it (djflocash had no status
  column); one ``Notification`` per stored notification, verdict ``ignored``, ``error_code``
  ``imported``, never applied (no ``applied_event_key``);
- django-virtual-pos (``djangovirtualpos_virtualpointofsale`` and its per-gateway tables,
  ``djangovirtualpos_vpospaymentoperation``, ``djangovirtualpos_vposrefundoperation``): one
  ``MerchantAccount`` per point of sale (named ``virtualpos-<id>``, secrets encrypted), one
  ``Payment`` per payment operation, its refunded total from the completed refunds.

Payments are created in their final status (a new row may be created in any status; see
``AbstractPayment.save``), with ``captured_minor`` and ``refunded_minor`` set to match it.

Money stays exact: an amount is read as the exact decimal it was written as (a ``numeric``
column gives a ``Decimal``; SQLite keeps ``decimal`` columns as binary floats, read through
their shortest round-trip string, ``repr``), then converted by the core
(``hostedpay.money.parse``) into the currency's minor units. An amount that does not convert
exactly (``0.30000000000000004`` EUR, ``120.50`` XOF), is negative or is not a number is
refused: counted and reported, never imported, never rounded.

Each importer is idempotent: a payment whose ``(gateway, account, order_id)`` is already in
vpos is skipped, an imported notification is recognised by its source id. ``dry_run`` writes
nothing and reports what a real run would do.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils.dateparse import parse_datetime

import hostedpay
from hostedpay.django import conf
from hostedpay.django.accounts import MerchantAccount
from hostedpay.django.models import Notification, get_payment_model

#: Called with (what, rows read so far) every ``progress_every`` rows.
Progress = Callable[[str, int], None]

#: djflocash's FloCash status codes (its ``codes.STATUS_LABEL``): 0 paid, 1-3 resolved unpaid,
#: 4 pending; any other code neither resolves nor makes pending.
FLOCASH_PAID, FLOCASH_PENDING = 0, 4
FLOCASH_UNPAID = {1: "failed", 2: "cancelled", 3: "failed"}

#: django-virtual-pos ``type`` -> vpos gateway.
VIRTUALPOS_GATEWAYS = {"redsys": "redsys", "ceca": "ceca", "paypal": "paypal", "santanderelavon": "elavon",
                       "bitpay": "bitpay"}
VIRTUALPOS_CONFIG_TABLES = {"redsys": "djangovirtualpos_vposredsys", "ceca": "djangovirtualpos_vposceca",
                            "paypal": "djangovirtualpos_vpospaypal",
                            "santanderelavon": "djangovirtualpos_vpossantanderelavon",
                            "bitpay": "djangovirtualpos_vposbitpay"}
IMPORTED = "imported"


class SourceMissing(Exception):
    """The old app's tables are not in the database read."""


class Refused(Exception):
    """A source row that is not imported: ``code`` says why (stable), ``message`` in words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Refusal:
    table: str
    source_id: Any
    order_id: str
    code: str
    message: str


@dataclass
class ImportReport:
    """What one run read, imported, skipped and refused (``dry_run``: would import)."""

    source: str
    database: str
    dry_run: bool
    read: int = 0
    imported: int = 0
    skipped_existing: int = 0
    refused: List[Refusal] = field(default_factory=list)
    notifications_read: int = 0
    notifications_imported: int = 0
    notifications_skipped_existing: int = 0
    #: Notifications of a payment that was refused: not imported either.
    notifications_skipped_refused: int = 0
    accounts_read: int = 0
    accounts_imported: int = 0
    accounts_skipped_existing: int = 0
    #: (gateway/name, what the core still needs) for accounts imported incomplete.
    accounts_incomplete: List[Tuple[str, str]] = field(default_factory=list)
    #: (gateway/name, why) for accounts not imported.
    accounts_refused: List[Tuple[str, str]] = field(default_factory=list)
    #: Notes on rows imported with a correction (the message says which).
    notes: List[str] = field(default_factory=list)

    def refusal_counts(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for r in self.refused:
            counts[r.code] = counts.get(r.code, 0) + 1
        return dict(sorted(counts.items()))


# Reading the old tables.

class OldTables:
    """Raw reads of an uninstalled app's tables through one alias's connection."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.connection = connections[using]
        with self.connection.cursor() as cursor:
            self.tables: Set[str] = set(self.connection.introspection.table_names(cursor))
        self._columns: Dict[str, Set[str]] = {}

    def columns(self, table: str) -> Set[str]:
        if table not in self._columns:
            with self.connection.cursor() as cursor:
                self._columns[table] = {c.name for c in self.connection.introspection.get_table_description(cursor, table)}
        return self._columns[table]

    def select_sql(self, table: str, columns: Sequence[str]) -> str:
        q = self.connection.ops.quote_name
        present = self.columns(table)
        # A column the installed version never had (django-virtual-pos's refund flags) reads as NULL.
        cols = ", ".join(q(c) if c in present else f"NULL AS {q(c)}" for c in columns)
        return f"SELECT {cols} FROM {q(table)}"

    def query(self, sql: str, params: Sequence[Any] = ()) -> List[Dict[str, Any]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def rows(self, table: str, columns: Sequence[str], where: str = "", params: Sequence[Any] = ()) -> List[Dict[str, Any]]:
        sql = self.select_sql(table, columns) + (f" WHERE {where}" if where else "")
        return self.query(sql + f" ORDER BY {self.connection.ops.quote_name('id')}", params)

    def batches(self, table: str, columns: Sequence[str], batch_size: int) -> Iterator[List[Dict[str, Any]]]:
        """Rows by ascending id, ``batch_size`` at a time (keyset pages: writes between pages
        never disturb an open cursor)."""
        q = self.connection.ops.quote_name
        last: Any = None
        while True:
            where, params = (f"{q('id')} > %s", [last]) if last is not None else ("", [])
            sql = self.select_sql(table, columns) + (f" WHERE {where}" if where else "")
            rows = self.query(sql + f" ORDER BY {q('id')} LIMIT {int(batch_size)}", params)
            if not rows:
                return
            yield rows
            last = rows[-1]["id"]

    def rows_in(self, table: str, columns: Sequence[str], key: str, values: Sequence[Any]) -> List[Dict[str, Any]]:
        if not values:
            return []
        marks = ", ".join(["%s"] * len(values))
        return self.rows(table, columns, f"{self.connection.ops.quote_name(key)} IN ({marks})", values)


# Values.

def exact_minor(value: Any, currency: str, what: str = "amount") -> int:
    """``value`` as read from the old table, in ``currency``'s minor units, exactly; raises
    ``Refused`` when it is not exactly a number of minor units (never rounds)."""
    if value is None:
        raise Refused("amount_missing", f"{what} is empty")
    if isinstance(value, bool):
        raise Refused("amount_invalid", f"{what} {value!r} is not an amount")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise Refused("amount_invalid", f"{what} {value!r} is not a finite amount")
            # The float's shortest round-trip string is the decimal it was written as; a float
            # that was never an exact decimal amount (0.1 + 0.2) shows it and is refused below.
            number = Decimal(repr(value))
        elif isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, (str, bytes)):
            number = Decimal(value.decode("ascii") if isinstance(value, bytes) else value.strip())
        else:
            raise Refused("amount_invalid", f"{what} {value!r} is not an amount")
    except (InvalidOperation, UnicodeDecodeError):
        raise Refused("amount_invalid", f"{what} {value!r} is not an amount") from None
    if not number.is_finite():
        raise Refused("amount_invalid", f"{what} {value!r} is not a finite amount")
    text = format(number, "f")
    try:
        return int(hostedpay.money.parse(text, currency)["minor"])
    except hostedpay.VposError as e:
        raise Refused(e.code, f"{what} {text} {currency}: {e.message}") from None


def _datetime(value: Any) -> Optional[datetime.datetime]:
    """A stored datetime (SQLite gives text); a naive one is UTC, as Django stores it with
    ``USE_TZ``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return None
        value = parsed
    if not isinstance(value, datetime.datetime):
        return None
    if settings.USE_TZ and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    if not settings.USE_TZ and value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _text(value: Any, limit: int) -> str:
    return "" if value is None else str(value)[:limit]


def _captured(status: str, amount_minor: int) -> int:
    """What a payment in ``status`` has captured: all of it once paid, none before."""
    return amount_minor if status in ("paid", "partially_refunded", "refunded", "charged_back") else 0


class _Writer:
    """Creates payments in their final status, or (dry run) only counts them."""

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.model = get_payment_model()
        self.db = router.db_for_write(self.model)
        self.user_model = get_user_model()

    def existing(self, gateway: str, pairs: Sequence[Tuple[str, str]]) -> Dict[Tuple[str, str], int]:
        """{(account, order_id): pk} of the payments already in vpos."""
        found: Dict[Tuple[str, str], int] = {}
        by_account: Dict[str, List[str]] = {}
        for account, order_id in pairs:
            by_account.setdefault(account, []).append(order_id)
        for account, order_ids in by_account.items():
            rows = self.model._default_manager.using(self.db).filter(
                gateway=gateway, account=account, order_id__in=order_ids).values_list("order_id", "pk")
            found.update({(account, order_id): pk for order_id, pk in rows})
        return found

    def users(self, ids: Sequence[Any]) -> Set[Any]:
        wanted = [i for i in ids if i is not None]
        if not wanted:
            return set()
        return set(self.user_model._default_manager.using(self.db).filter(pk__in=wanted).values_list("pk", flat=True))

    def create(self, fields: Dict[str, Any], status: str, refunded_minor: int,
               created: Optional[datetime.datetime], modified: Optional[datetime.datetime]) -> Optional[int]:
        if self.dry_run:
            return None
        payment = self.model(**fields)
        # A new row may be created in any status (AbstractPayment.save); no transition runs,
        # so no event is sent: these payments moved long ago, in the old app.
        payment.status = status
        payment.captured_minor = _captured(status, fields["amount_minor"])
        payment.refunded_minor = refunded_minor
        payment.save(using=self.db)
        stamps = {k: v for k, v in (("created", created), ("modified", modified or created)) if v is not None}
        if stamps:  # auto_now_add / auto_now wrote the import's time
            self.model._default_manager.using(self.db).filter(pk=payment.pk).update(**stamps)
        return int(payment.pk)


def _progress(progress: Optional[Progress], what: str, count: int, every: int) -> None:
    if progress is not None and every > 0 and count % every == 0:
        progress(what, count)


# djflocash.

DJFLOCASH_PAYMENT = "djflocash_payment"
DJFLOCASH_NOTIFICATION = "djflocash_notification"
_ORDER_COLUMNS = ["order_id", "custom", "amount", "item_name", "item_price", "currency_code", "quantity"]
DJFLOCASH_PAYMENT_COLUMNS = ["id", *_ORDER_COLUMNS, "country", "payment_option", "created", "client_id"]
DJFLOCASH_NOTIFICATION_COLUMNS = ["id", *_ORDER_COLUMNS, "sender_acct", "trans_id", "fpn_id", "status",
                                  "status_msg", "customer", "payer_email", "payment_channel", "txn_partner_ref",
                                  "created", "payment_id"]


def flocash_status(notes: Sequence[Dict[str, Any]]) -> Tuple[str, Optional[Dict[str, Any]]]:
    """The vpos status of a djflocash payment from its notifications (oldest first), as
    djflocash read them: a ``0`` pays it, else the latest of ``1``-``3`` resolves it unpaid
    (2: cancelled by the customer, 1 and 3: failed), else a ``4`` leaves it pending, else it
    is new. Returns the status and the notification that decided it."""
    codes = [(n, _int(n.get("status"))) for n in notes]
    for note, code in codes:
        if code == FLOCASH_PAID:
            return "paid", note
    for note, code in reversed(codes):
        if code in FLOCASH_UNPAID:
            return FLOCASH_UNPAID[code], note
    for note, code in reversed(codes):
        if code == FLOCASH_PENDING:
            return "pending", note
    return "new", None


def _int(value: Any) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def import_djflocash(using: str = "default", *, account: str = conf.DEFAULT_ACCOUNT, dry_run: bool = False,
                     batch_size: int = 500, progress: Optional[Progress] = None,
                     progress_every: int = 1000) -> ImportReport:
    """Imports djflocash's payments and notifications read from database ``using`` into
    vpos payments of FloCash account ``account``. See the module's docstring."""
    old = OldTables(using)
    if DJFLOCASH_PAYMENT not in old.tables:
        raise SourceMissing(f"database {using!r} has no {DJFLOCASH_PAYMENT} table")
    report = ImportReport("djflocash", using, dry_run)
    writer = _Writer(dry_run)
    has_notes = DJFLOCASH_NOTIFICATION in old.tables
    #: source payment id -> vpos payment pk (None: refused, or would be created by a dry run).
    linked: Dict[Any, Optional[int]] = {}
    refused_ids: Set[Any] = set()
    seen: Set[str] = set()
    for rows in old.batches(DJFLOCASH_PAYMENT, DJFLOCASH_PAYMENT_COLUMNS, batch_size):
        ids = [r["id"] for r in rows]
        notes: Dict[Any, List[Dict[str, Any]]] = {}
        if has_notes:
            for n in old.rows_in(DJFLOCASH_NOTIFICATION, ["id", "status", "trans_id", "payment_id"], "payment_id", ids):
                notes.setdefault(n["payment_id"], []).append(n)
        existing = writer.existing("flocash", [(account, _text(r["order_id"], 64)) for r in rows])
        users = writer.users([r["client_id"] for r in rows])
        for row in rows:
            report.read += 1
            _progress(progress, "payments", report.read, progress_every)
            order_id = _text(row["order_id"], 64)
            try:
                if not order_id:
                    raise Refused("order_id_missing", "order_id is empty")
                if order_id in seen:
                    raise Refused("duplicate_order_id", f"another djflocash payment (imported first) has order_id {order_id!r}")
                seen.add(order_id)
                if (account, order_id) in existing:
                    report.skipped_existing += 1
                    linked[row["id"]] = existing[(account, order_id)]
                    continue
                currency = _text(row["currency_code"], 3).upper()
                amount_minor = exact_minor(row["amount"], currency)
                item_price_minor = None if row["item_price"] is None else exact_minor(row["item_price"], currency, "item_price")
                status, decisive = flocash_status(notes.get(row["id"], []))
                quantity = _int(row["quantity"])
                fields = {
                    "gateway": "flocash", "account": account, "order_id": order_id, "currency": currency,
                    "amount_minor": amount_minor, "item_price_minor": item_price_minor,
                    "quantity": quantity if quantity is not None and quantity > 0 else 1,
                    "item_name": _text(row["item_name"], 250), "custom": _text(row["custom"], 25),
                    "country": _text(row["country"], 2), "payment_option": _text(row["payment_option"], 250),
                    "client_id": row["client_id"] if row["client_id"] in users else None,
                }
                if status == "paid" and decisive is not None:
                    fields["transaction_id"] = _text(decisive.get("trans_id"), 128)
                created = _datetime(row["created"])
                with transaction.atomic(using=writer.db):
                    linked[row["id"]] = writer.create(fields, status, 0, created, created)
                report.imported += 1
            except Refused as e:
                report.refused.append(Refusal(DJFLOCASH_PAYMENT, row["id"], order_id, e.code, e.message))
                refused_ids.add(row["id"])
    if has_notes:
        _import_flocash_notifications(old, report, writer, account, linked, refused_ids, batch_size, progress,
                                      progress_every)
    return report


def _flocash_body(note: Dict[str, Any]) -> bytes:
    """The notification as FloCash form-encodes it, rebuilt from the stored columns (djflocash
    kept the fields, not the raw body)."""
    pairs = []
    for name in DJFLOCASH_NOTIFICATION_COLUMNS:
        if name in ("id", "created", "payment_id"):
            continue
        value = note.get(name)
        if value is None:
            continue
        if name == "status":
            code = _int(value)
            value = f"{code:04d}" if code is not None else value
        elif isinstance(value, float):
            value = repr(value)
        pairs.append((name, str(value)))
    return urlencode(pairs).encode()


def _import_flocash_notifications(old: OldTables, report: ImportReport, writer: _Writer, account: str,
                                  linked: Dict[Any, Optional[int]], refused_ids: Set[Any], batch_size: int,
                                  progress: Optional[Progress], progress_every: int) -> None:
    db = writer.db
    for rows in old.batches(DJFLOCASH_NOTIFICATION, DJFLOCASH_NOTIFICATION_COLUMNS, batch_size):
        ids = [r["id"] for r in rows]
        done = _imported_sources(db, "flocash", "djflocash", ids)
        for note in rows:
            report.notifications_read += 1
            _progress(progress, "notifications", report.notifications_read, progress_every)
            if note["id"] in done:
                report.notifications_skipped_existing += 1
                continue
            if note["payment_id"] in refused_ids:
                report.notifications_skipped_refused += 1
                continue
            report.notifications_imported += 1
            if writer.dry_run:
                continue
            code = _int(note["status"])
            created = _datetime(note["created"])
            body = _flocash_body(note)
            record = Notification(
                gateway="flocash", account=account, content_type="application/x-www-form-urlencoded",
                headers={"source": "vpos_import_djflocash"}, body=body, body_size=len(body),
                order_id=_text(note["order_id"], 64), transaction_id=_text(note["trans_id"], 64),
                status_code=f"{code:04d}" if code is not None else _text(note["status"], 16),
                payment_id=linked.get(note["payment_id"]), verdict="ignored", error_code=IMPORTED,
                detail={"imported_from": "djflocash", "source_id": note["id"], "fpn_id": _text(note["fpn_id"], 50),
                        "status_msg": _text(note["status_msg"], 250), "body_rebuilt": True},
                processed_at=created)
            with transaction.atomic(using=db):
                record.save(using=db)
                if created is not None:
                    Notification.objects.using(db).filter(pk=record.pk).update(received_at=created)


def _imported_sources(db: str, gateway: str, source: str, ids: Sequence[Any]) -> Set[Any]:
    rows = Notification.objects.using(db).filter(gateway=gateway, error_code=IMPORTED,
                                                  detail__imported_from=source,
                                                  detail__source_id__in=list(ids)).values_list("detail", flat=True)
    return {d.get("source_id") for d in rows if isinstance(d, dict)}


# django-virtual-pos.

VIRTUALPOS_VPOS = "djangovirtualpos_virtualpointofsale"
VIRTUALPOS_PAYMENT = "djangovirtualpos_vpospaymentoperation"
VIRTUALPOS_REFUND = "djangovirtualpos_vposrefundoperation"
VIRTUALPOS_VPOS_COLUMNS = ["id", "name", "bank_name", "type", "environment", "is_erased", "has_partial_refunds",
                           "has_total_refunds"]
VIRTUALPOS_CONFIG_COLUMNS = {
    "redsys": ["vpos_id", "merchant_code", "merchant_response_url", "terminal_id", "operative_type",
               "encryption_key_testing_sha256", "encryption_key_production_sha256", "operation_number_prefix"],
    "ceca": ["vpos_id", "merchant_id", "acquirer_bin", "terminal_id", "encryption_key_testing",
             "encryption_key_production", "operation_number_prefix"],
    "paypal": ["vpos_id", "API_username", "API_password", "API_signature", "Version"],
    "santanderelavon": ["vpos_id", "merchant_id", "merchant_response_url", "account", "encryption_key",
                        "operation_number_prefix"],
    "bitpay": ["vpos_id", "testing_api_key", "production_api_key", "currency", "transaction_speed",
               "notification_url", "operation_number_prefix"],
}
VIRTUALPOS_PAYMENT_COLUMNS = ["id", "amount", "description", "operation_number", "confirmation_code", "sale_code",
                              "status", "response_code", "creation_datetime", "last_update_datetime", "type",
                              "virtual_point_of_sale_id", "environment"]


def virtualpos_account_name(vpos_id: Any) -> str:
    """The vpos account name of django-virtual-pos point of sale ``vpos_id``."""
    return f"virtualpos-{vpos_id}"


def _virtualpos_account(vpos: Dict[str, Any], config: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    """(configuration, secrets, other MerchantAccount fields) of one point of sale."""
    kind, live = vpos["type"], vpos["environment"] == "production"
    configuration: Dict[str, Any] = {}
    secrets: Dict[str, Any] = {}
    extra: Dict[str, Any] = {}

    def put(target: Dict[str, Any], key: str, value: Any) -> None:
        if value not in (None, ""):
            target[key] = str(value)

    if kind == "redsys":
        put(configuration, "merchant_code", config.get("merchant_code"))
        put(configuration, "terminal", config.get("terminal_id"))
        put(configuration, "merchant_url", config.get("merchant_response_url"))
        put(secrets, "secret_key", config.get("encryption_key_production_sha256" if live else "encryption_key_testing_sha256"))
        extra["preauthorisation"] = config.get("operative_type") == "pre-authorization"
    elif kind == "ceca":
        for key in ("merchant_id", "acquirer_bin", "terminal_id"):
            put(configuration, key, config.get(key))
        put(secrets, "key", config.get("encryption_key_production" if live else "encryption_key_testing"))
    elif kind == "santanderelavon":
        for key in ("merchant_id", "account"):
            put(configuration, key, config.get(key))
        put(configuration, "response_url", config.get("merchant_response_url"))
        put(secrets, "secret", config.get("encryption_key"))
    elif kind == "paypal":
        nvp = {k: str(v) for k, v in (("user", config.get("API_username")), ("password", config.get("API_password")),
                                      ("signature", config.get("API_signature"))) if v not in (None, "")}
        if nvp:
            secrets["nvp"] = nvp
    elif kind == "bitpay":
        put(configuration, "notification_url", config.get("notification_url"))
        put(secrets, "api_key", config.get("production_api_key" if live else "testing_api_key"))
    prefix = _text(config.get("operation_number_prefix"), 20)
    if prefix and prefix.isdigit() and len(prefix) <= 4:
        extra["order_prefix"] = prefix
    if vpos.get("has_partial_refunds") is not None:
        extra["partial_refunds"] = bool(vpos["has_partial_refunds"])
    if vpos.get("has_total_refunds") is not None:
        extra["total_refunds"] = bool(vpos["has_total_refunds"])
    return configuration, secrets, extra


def _import_virtualpos_accounts(report: ImportReport, points: Dict[Any, Dict[str, Any]],
                                configs: Dict[Any, Dict[str, Any]], dry_run: bool) -> None:
    db = router.db_for_write(MerchantAccount)
    for vpos_id, vpos in points.items():
        report.accounts_read += 1
        gateway = VIRTUALPOS_GATEWAYS.get(vpos["type"])
        name = virtualpos_account_name(vpos_id)
        where = f"{gateway or vpos['type']}/{name}"
        if gateway is None:
            report.accounts_refused.append((where, f"unsupported django-virtual-pos type {vpos['type']!r}"))
            continue
        if MerchantAccount.objects.using(db).filter(gateway=gateway, name=name).exists():
            report.accounts_skipped_existing += 1
            continue
        configuration, secrets, extra = _virtualpos_account(vpos, configs.get(vpos_id, {}))
        account = MerchantAccount(
            gateway=gateway, name=name, display_name=_text(f"{vpos['name']} ({vpos['bank_name']})", 128),
            environment="production" if vpos["environment"] == "production" else "testing",
            configuration=configuration, active=not vpos["is_erased"], **extra)
        missing = [e.field or e.message for e in hostedpay.account.config_errors(gateway, account.gateway_config(secrets))]
        try:
            account.set_secrets(secrets)
        except ImproperlyConfigured as e:
            report.accounts_refused.append((where, str(e)))
            continue
        if missing:
            report.accounts_incomplete.append((where, ", ".join(sorted(set(missing)))))
        report.accounts_imported += 1
        if not dry_run:
            account.save(using=db)


def import_virtualpos(using: str = "default", *, accounts: bool = True, dry_run: bool = False,
                      batch_size: int = 500, progress: Optional[Progress] = None,
                      progress_every: int = 1000) -> ImportReport:
    """Imports django-virtual-pos's points of sale (as ``MerchantAccount`` rows, unless
    ``accounts`` is false) and payment operations read from database ``using``. See the
    module's docstring."""
    old = OldTables(using)
    for table in (VIRTUALPOS_VPOS, VIRTUALPOS_PAYMENT):
        if table not in old.tables:
            raise SourceMissing(f"database {using!r} has no {table} table")
    report = ImportReport("django-virtual-pos", using, dry_run)
    points = {p["id"]: p for p in old.rows(VIRTUALPOS_VPOS, VIRTUALPOS_VPOS_COLUMNS)}
    configs: Dict[Any, Dict[str, Any]] = {}
    for kind, table in VIRTUALPOS_CONFIG_TABLES.items():
        if table in old.tables:
            q = old.connection.ops.quote_name
            for row in old.query(old.select_sql(table, VIRTUALPOS_CONFIG_COLUMNS[kind]) + f" ORDER BY {q('vpos_id')}"):
                configs[row["vpos_id"]] = row
    if accounts:
        _import_virtualpos_accounts(report, points, configs, dry_run)
    writer = _Writer(dry_run)
    has_refunds = VIRTUALPOS_REFUND in old.tables
    seen: Set[Tuple[str, str, str]] = set()
    for rows in old.batches(VIRTUALPOS_PAYMENT, VIRTUALPOS_PAYMENT_COLUMNS, batch_size):
        refunds: Dict[Any, List[Dict[str, Any]]] = {}
        if has_refunds:
            for r in old.rows_in(VIRTUALPOS_REFUND, ["id", "amount", "status", "payment_id"], "payment_id",
                                 [r["id"] for r in rows]):
                refunds.setdefault(r["payment_id"], []).append(r)
        keys: Dict[str, List[Tuple[str, str]]] = {}
        for row in rows:
            owner = points.get(row["virtual_point_of_sale_id"]) or {}
            gateway = VIRTUALPOS_GATEWAYS.get(owner.get("type") or row["type"] or "")
            if gateway:
                keys.setdefault(gateway, []).append((virtualpos_account_name(row["virtual_point_of_sale_id"]),
                                                     _text(row["operation_number"], 64)))
        existing = {(g, *k): pk for g, pairs in keys.items() for k, pk in writer.existing(g, pairs).items()}
        for row in rows:
            report.read += 1
            _progress(progress, "payments", report.read, progress_every)
            order_id = _text(row["operation_number"], 255)
            try:
                point = points.get(row["virtual_point_of_sale_id"])
                if point is None:
                    raise Refused("unknown_point_of_sale", f"point of sale {row['virtual_point_of_sale_id']} does not exist")
                kind = point["type"] or row["type"] or ""
                gateway = VIRTUALPOS_GATEWAYS.get(kind)
                if gateway is None:
                    raise Refused("unsupported_gateway", f"django-virtual-pos type {kind!r} has no vpos gateway")
                if not order_id:
                    raise Refused("order_id_missing", "operation_number is empty")
                if len(order_id) > 64:
                    raise Refused("order_id_too_long", f"operation_number {order_id!r} is over 64 characters")
                account = virtualpos_account_name(point["id"])
                key = (gateway, account, order_id)
                if key in seen:
                    raise Refused("duplicate_order_id",
                                  f"another operation of this point of sale (imported first) has number {order_id!r}")
                seen.add(key)
                if key in existing:
                    report.skipped_existing += 1
                    continue
                status, refunded_minor, currency, amount_minor = _virtualpos_status(row, point, configs, refunds, report)
                fields: Dict[str, Any] = {
                    "gateway": gateway, "account": account, "order_id": order_id, "currency": currency,
                    "amount_minor": amount_minor, "item_name": _text(row["description"], 250),
                    "live": (row["environment"] or point["environment"]) == "production",
                }
                sale_code = _text(row["sale_code"], 512)
                if len(sale_code) <= 25:
                    fields["custom"] = sale_code
                code = _text(row["confirmation_code"], 255)
                if code and gateway == "ceca":
                    fields["transaction_id"] = code[:128]
                elif code and gateway == "elavon":
                    pasref, _, authcode = code.partition(":")
                    fields["transaction_id"], fields["authorisation_code"] = pasref[:128], authcode[:64]
                elif code and gateway == "paypal":
                    fields["reference"] = code[:128]
                with transaction.atomic(using=writer.db):
                    writer.create(fields, status, refunded_minor, _datetime(row["creation_datetime"]),
                                  _datetime(row["last_update_datetime"]))
                report.imported += 1
            except Refused as e:
                report.refused.append(Refusal(VIRTUALPOS_PAYMENT, row["id"], order_id, e.code, e.message))
    return report


def _virtualpos_status(row: Dict[str, Any], point: Dict[str, Any], configs: Dict[Any, Dict[str, Any]],
                       refunds: Dict[Any, List[Dict[str, Any]]], report: ImportReport) -> Tuple[str, int, str, int]:
    """(status, refunded_minor, currency, amount_minor) of one payment operation."""
    currency = "EUR"  # every gateway of django-virtual-pos but Bitpay sends EUR (978)
    if point["type"] == "bitpay":
        currency = _text(configs.get(point["id"], {}).get("currency"), 3).upper() or "EUR"
    amount_minor = exact_minor(row["amount"], currency)
    refunded = 0
    for refund in refunds.get(row["id"], []):
        minor = exact_minor(refund["amount"], currency, f"refund {refund['id']} amount")
        if refund["status"] == "completed":
            refunded += minor
    old = _text(row["status"], 64)
    if old == "pending":
        # Written before the customer reached the bank: no answer was ever recorded.
        return "new", 0, currency, amount_minor
    if old == "completed":
        return "paid", 0, currency, amount_minor
    if old == "failed" or old.startswith("failed."):
        return "failed", 0, currency, amount_minor
    if old in ("partially_refunded", "completely_refunded"):
        if refunded > amount_minor:
            raise Refused("refunds_exceed_amount", f"completed refunds total {refunded} minor units, over the amount {amount_minor}")
        if old == "completely_refunded":
            if refunded != amount_minor:
                report.notes.append(f"{row['operation_number']}: completely_refunded, completed refunds total "
                                    f"{refunded} of {amount_minor} minor units; imported as refunded in full")
            return "refunded", amount_minor, currency, amount_minor
        if refunded == 0:
            # django-virtual-pos marks a payment partially_refunded after a *failed* first refund.
            report.notes.append(f"{row['operation_number']}: partially_refunded without a completed refund; imported as paid")
            return "paid", 0, currency, amount_minor
        return ("refunded" if refunded == amount_minor else "partially_refunded"), refunded, currency, amount_minor
    raise Refused("unknown_status", f"status {old!r} is not one of django-virtual-pos's")


def summary_lines(report: ImportReport) -> List[str]:
    """The report in words, one line each (what the commands print on stdout)."""
    verb = "would import" if report.dry_run else "imported"
    lines = [f"{report.source} from database {report.database!r}" + (" (dry run: nothing written)" if report.dry_run else "")]
    if report.accounts_read:
        lines.append(f"accounts: read {report.accounts_read}, {verb} {report.accounts_imported}, "
                     f"skipped existing {report.accounts_skipped_existing}, refused {len(report.accounts_refused)}")
        lines += [f"  account {where} needs: {needs}" for where, needs in report.accounts_incomplete]
        lines += [f"  account {where} refused: {why}" for where, why in report.accounts_refused]
    lines.append(f"payments: read {report.read}, {verb} {report.imported}, skipped existing {report.skipped_existing}, "
                 f"refused {len(report.refused)}")
    lines += [f"  refused {code}: {count}" for code, count in report.refusal_counts().items()]
    lines += [f"  refused {r.table} id={r.source_id} order {r.order_id!r}: {r.code}: {r.message}" for r in report.refused]
    if report.source == "djflocash":
        lines.append(f"notifications: read {report.notifications_read}, {verb} {report.notifications_imported}, "
                     f"skipped existing {report.notifications_skipped_existing}, "
                     f"skipped with their refused payment {report.notifications_skipped_refused}")
    lines += [f"  note: {note}" for note in report.notes]
    return lines

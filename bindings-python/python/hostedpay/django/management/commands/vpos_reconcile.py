"""``manage.py vpos_reconcile``: ask the gateways what became of the payments and operations
whose notification or reply never arrived, and apply what they answer.

A notification can be lost (the listener was down longer than the gateway retries), and so can
an operation's reply (a refund that timed out: ``Refund`` ``pending``, the money may have
moved). This command closes both gaps, per gateway:

- **Redsys, PayPal, Bitpay**: the core's status query (``hostedpay.driver.status_query_request``
  / ``parse_status_reply``; docs/status-queries.md): Redsys's SOAP ``consultaOperaciones``
  (every operation on the order; needs ``query_url`` in the account), PayPal's
  ``GetTransactionDetails`` by the stored ``transaction_id``, or ``TransactionSearch`` by the
  order from the payment's creation when no IPN left one or an operation is pending (it lists
  the refunds too; needs the ``nvp`` credentials), Bitpay's invoice ``GET`` (by the invoice id
  the checkout stored in ``reference``). Asked about: every payment still waiting (``new``,
  ``pending``, ``authorized``) created before ``--older-than``, and every payment with an operation
  (``Refund``: refund, capture, release, charge) still ``pending`` and older than that. One
  query per payment, sent through the host HTTP client (``VPOS_HTTP_CLIENT``, else
  ``hostedpay.http.send``) with the account's ``rest_timeout``.
- **FloCash**: Merchant Polling (``pollPayInbyRef`` / ``pollPayInbyTime``), for the accounts
  of ``VPOS_FLOCASH_POLLING`` (below). FloCash retries a notification hourly for 72 hours,
  then gives up.
- **CECA, Santander Elavon**: no status query in vpos. Their waiting payments and pending
  operations are listed as skipped, with the reason, as are FloCash accounts without polling
  settings, Redsys accounts without ``query_url``, Bitpay payments without an invoice
  reference, and payments of an account that no longer exists.

Every answer is stored as ``Notification`` rows (``headers={"source": "vpos_reconcile"}``)
before anything is applied, then each event goes through the one locked transition path of
the notification view (``services.notifications.apply_event``: ``select_for_update`` on the
payment, the core's ``transition``, the event key under the unique constraint). The events
carry the keys the gateways' own notifications give the same facts, so a payment notified
and queried, queried by two runs at once, or notified later moves once: the second is
``already_applied``. A pending operation whose event the answer shows applied (now or
before) becomes ``succeeded``, one the gateway refused ``failed``
(``driver.OperationStatus.after_reply``, matched by kind and amount); no news leaves it
``pending``. Nothing is ever asked of the gateway again but the query: a lost refund is
settled, never sent twice. Safe from cron or a task queue, on several workers at once
(docs/reconciliation.md).

Settings, per FloCash account (the core's ``PollConfig``)::

    VPOS_FLOCASH_POLLING = {
        "default": {
            "api_username": "...", "api_password": "...",   # from FloCash
            "namespace": "...",        # the targetNamespace of the WSDL FloCash gives you
                                       # (http://api.flocash.com:8080/FloCMS/services/APIMerchantService?wsdl)
            "success_codes": ["..."],  # the Header statusCode(s) FloCash answers on success
            # optional: "endpoint", "merchant_code", "element_form" ("qualified"/"unqualified"),
            # "timeout" (seconds, host option, default 30)
        },
    }

Modes:

- default (``--older-than 1h``): the payments waiting and the operations pending since before
  that age. FloCash (``new``/``pending`` only): one whose ``reference`` holds FloCash's
  ``trace_number`` is polled by reference; the others (FloCash's notification carries no trace
  number, so vpos stores none) by one time window per account, from the oldest one's creation
  until now, matched by ``order_id``.
- ``--from``/``--to`` (creation window): every payment created in it, whatever its stored
  status, is queried (a refund made in the gateway's back office shows up too); FloCash:
  every payment FloCash lists in that window. Operations are still settled only once older
  than ``--older-than`` (a younger one may be waiting for its own reply).

Options: ``--gateway`` and ``--account`` (repeatable) narrow the run; ``--dry-run`` asks the
gateways but writes nothing, and counts what a real run would change.

Progress goes to stderr every ``--progress-every`` payments, with one line per payment a
query changed or failed; to stdout one ``skipped <gateway>/<account>: ...`` line per reason
something was skipped, then the summary: ``checked N, changed N, unchanged N, failed N``
(``skipped N`` before ``failed`` when anything was). A failed query or poll (no answer, an
HTTP error status, a SOAP fault, the gateway's error, a malformed reply) leaves its payments
untouched and counts them failed; so do rejected events (amount, currency or merchant
contradicting the stored payment) and unknown statuses.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict, List, Optional, Set, Tuple

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import hostedpay
from hostedpay import driver, flocash
from hostedpay.django import conf
from hostedpay.django.accounts import MerchantAccount
from hostedpay.django.models import Notification, Refund, get_payment_model
from hostedpay.django.services import reconcile
from hostedpay.django.services.notifications import apply_event

#: Statuses still waiting for FloCash's final answer: ``new`` (no notification arrived at all)
#: and ``pending``.
WAITING = ("new", "pending")
#: How far before the oldest waiting payment the by-time window opens (clock skew).
WINDOW_SKEW = datetime.timedelta(minutes=5)
#: How many order ids a ``skipped`` line names.
SKIPPED_SHOWN = 5
_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> datetime.timedelta:
    """``90``/``90s``, ``30m``, ``2h``, ``1d``."""
    match = _DURATION.match(text.strip())
    if not match:
        raise CommandError(f"--older-than: {text!r} is not a duration such as 30m, 2h or 1d")
    return datetime.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def parse_moment(text: str, option: str) -> datetime.datetime:
    """An ISO 8601 date-time; without an offset it is in the current time zone."""
    moment = parse_datetime(text)
    if moment is None:
        raise CommandError(f"{option}: {text!r} is not an ISO 8601 date-time")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Tally:
    """The summary counters."""

    def __init__(self) -> None:
        self.checked = self.changed = self.unchanged = self.failed = self.skipped = 0

    def add(self, verdict: str) -> None:
        self.checked += 1
        setattr(self, verdict, getattr(self, verdict) + 1)

    def line(self) -> str:
        # "skipped" only when something was: the line FloCash-only sites parse stays as it was.
        skipped = f"skipped {self.skipped}, " if self.skipped else ""
        return (f"checked {self.checked}, changed {self.changed}, unchanged {self.unchanged}, "
                f"{skipped}failed {self.failed}")


class Command(BaseCommand):
    help = ("Ask the gateways what became of payments still waiting and operations still pending "
            "(Redsys, PayPal, Bitpay status queries; FloCash Merchant Polling) and apply what they "
            "answer under the payment row lock. CECA and Elavon have no query: listed as skipped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", default="1h",
                            help="payments waiting and operations pending since at least this long (30m, 2h, 1d; "
                                 "default 1h)")
        parser.add_argument("--from", dest="from_time",
                            help="creation window start (ISO 8601): every payment created in it, whatever its "
                                 "status (FloCash: every payment FloCash lists in it)")
        parser.add_argument("--to", dest="to_time", help="creation window end (ISO 8601, default now)")
        parser.add_argument("--gateway", action="append", dest="gateways", choices=list(driver.GATEWAYS),
                            help="only this gateway (repeatable; default every gateway)")
        parser.add_argument("--account", action="append", dest="accounts",
                            help="only this account name (repeatable; default every account)")
        parser.add_argument("--progress-every", type=int, default=25, help="progress line every N payments (stderr)")
        parser.add_argument("--dry-run", action="store_true",
                            help="ask the gateways, write nothing; count what a real run would change")

    def handle(self, *args: Any, **options: Any) -> None:
        self.progress_every = max(1, options["progress_every"])
        self.dry_run = bool(options["dry_run"])
        self.tally = Tally()
        #: (gateway, account, reason) -> order ids skipped for it.
        self.skips: Dict[Tuple[str, str, str], List[str]] = {}
        self.client = conf.http_client()
        now = timezone.now()
        window: Optional[Tuple[datetime.datetime, datetime.datetime]] = None
        if options["from_time"]:
            start = parse_moment(options["from_time"], "--from")
            end = parse_moment(options["to_time"], "--to") if options["to_time"] else now
            if end < start:
                raise CommandError("--to is before --from")
            window = (start, end)
        elif options["to_time"]:
            raise CommandError("--to needs --from")
        age = parse_duration(options["older_than"])
        gateways = list(dict.fromkeys(options["gateways"] or driver.GATEWAYS))
        wanted: Optional[List[str]] = options["accounts"] or None
        queried = [g for g in gateways if g != "flocash"]
        known = self.known_accounts(gateways)
        polling = self.polling_accounts(wanted) if "flocash" in gateways else []
        if wanted:
            names = {name for _, name in known} | {p[0].name for p in polling}
            for name in wanted:
                if name not in names:
                    raise CommandError(f"--account: no account {name!r} of {', '.join(gateways)} "
                                       "in the settings or the database")
        others = [k for k in known if k[0] in queried and (not wanted or k[1] in wanted)]
        if not polling and not others:
            if "flocash" in gateways:
                raise CommandError("no FloCash polling settings: set VPOS_FLOCASH_POLLING (see vpos_reconcile's "
                                   "help), and no account of another gateway to query")
            raise CommandError(f"no account of {', '.join(gateways)} to reconcile")
        if "flocash" in gateways:
            for acct, poll_config, timeout in polling:
                if window is not None:
                    self.reconcile_window(acct, poll_config, timeout, *window)
                else:
                    self.reconcile_waiting(acct, poll_config, timeout, now - age, now)
            self.skip_unpolled({p[0].name for p in polling}, wanted, window, now - age)
        if queried:
            self.reconcile_queries(queried, wanted, window, now - age)
        for (gateway, account, reason), orders in self.skips.items():
            shown = ", ".join(orders[:SKIPPED_SHOWN]) + (", ..." if len(orders) > SKIPPED_SHOWN else "")
            self.stdout.write(f"skipped {gateway}/{account}: {len(orders)} payment(s) ({shown}): {reason}")
        self.stdout.write(self.tally.line())
        if self.dry_run:
            self.stdout.write("dry run: nothing was written")

    # Settings.

    def known_accounts(self, gateways: List[str]) -> Set[Tuple[str, str]]:
        """``(gateway, name)`` of every account of ``gateways`` in the settings (misconfigured
        ones included: they are reported, not ignored) and the database."""
        loaded = conf.load()
        known = {k for k in [*loaded.accounts, *loaded.broken] if k[0] in gateways}
        known |= set(MerchantAccount.objects.filter(gateway__in=gateways).values_list("gateway", "name"))
        return known

    def polling_accounts(self, wanted: Optional[List[str]]) -> List[Tuple[conf.Account, Dict[str, Any], float]]:
        names = wanted
        if wanted:
            # A wanted account without polling settings is reported as skipped, not refused.
            configured = getattr(settings, "VPOS_FLOCASH_POLLING", None) or {}
            names = [n for n in wanted if not hasattr(configured, "keys") or n in configured]
        try:
            polling = conf.flocash_polling(names)
        except conf.PollingSettingsError as e:
            raise CommandError(str(e)) from None
        return [(p.account, p.config, p.timeout) for p in polling]

    # FloCash: Merchant Polling, in two modes.

    def reconcile_waiting(self, acct: conf.Account, poll_config: Dict[str, Any], timeout: float,
                          created_before: datetime.datetime, now: datetime.datetime) -> None:
        Payment = get_payment_model()
        waiting = list(Payment.objects.filter(gateway="flocash", account=acct.name, status__in=WAITING,
                                              created__lte=created_before).order_by("created", "pk"))
        by_ref = [p for p in waiting if p.reference]
        by_time = [p for p in waiting if not p.reference]
        total = len(waiting)
        self.stderr.write(f"flocash/{acct.name}: {total} waiting payment(s), {len(by_ref)} by reference")
        for payment in by_ref:
            request = acct.gateway.poll_by_reference_request(poll_config, payment.reference)
            polled = self.poll(acct, poll_config, request, timeout)
            self.settle(acct, [payment], polled)
        if by_time:
            start = min(p.created for p in by_time) - WINDOW_SKEW
            request = acct.gateway.poll_by_time_request(poll_config, start, now)
            polled = self.poll(acct, poll_config, request, timeout)
            self.settle(acct, by_time, polled)

    def reconcile_window(self, acct: conf.Account, poll_config: Dict[str, Any], timeout: float,
                         start: datetime.datetime, end: datetime.datetime) -> None:
        request = acct.gateway.poll_by_time_request(poll_config, start, end)
        polled = self.poll(acct, poll_config, request, timeout)
        if polled is None:
            self.tally.add("failed")  # the window itself could not be checked
            return
        orders = {e.order_id for e in polled["events"]}
        Payment = get_payment_model()
        payments = list(Payment.objects.filter(gateway="flocash", account=acct.name, order_id__in=orders)
                        .order_by("created", "pk"))
        self.stderr.write(f"flocash/{acct.name}: FloCash lists {len(polled['events'])} payment(s) "
                          f"in the window, {len(payments)} of them stored here")
        self.settle(acct, payments, polled)

    def skip_unpolled(self, polled: Set[str], wanted: Optional[List[str]],
                      window: Optional[Tuple[datetime.datetime, datetime.datetime]],
                      created_before: datetime.datetime) -> None:
        """Lists the FloCash payments that would be polled but whose account has no polling settings."""
        waiting = get_payment_model().objects.filter(gateway="flocash").exclude(account__in=polled)
        if wanted:
            waiting = waiting.filter(account__in=wanted)
        if window is not None:
            waiting = waiting.filter(created__gte=window[0], created__lte=window[1])
        else:
            waiting = waiting.filter(status__in=WAITING, created__lte=created_before)
        for account, order_id in waiting.order_by("account", "created", "pk").values_list("account", "order_id"):
            self.skip("flocash", account, "no VPOS_FLOCASH_POLLING settings for this account", order_id)

    # FloCash: steps.

    def poll(self, acct: conf.Account, poll_config: Dict[str, Any], request: Any,
             timeout: float) -> Optional[Dict[str, Any]]:
        """The parsed reply, or ``None`` (reported on stderr) when there is nothing to apply."""
        try:
            reply = self.client(request, timeout)
        except Exception as e:  # noqa: BLE001 - an injected client's failure is "no answer"
            reply = {"error": f"{type(e).__name__}: {e}"}
        try:
            return acct.gateway.parse_poll_response(poll_config, reply)
        except hostedpay.VposError as e:
            self.stderr.write(f"flocash/{acct.name}: polling failed: {e.code}: {e.message}")
            return None

    def settle(self, acct: conf.Account, payments: List[Any], polled: Optional[Dict[str, Any]]) -> None:
        """Applies the polled events to each payment (matched by ``order_id``) and counts it."""
        by_order: Dict[str, List[Tuple[Any, Dict[str, Any]]]] = {}
        if polled is not None:
            for event, data in zip(polled["events"], polled["payments"]):
                by_order.setdefault(event.order_id, []).append((event, data))
        for payment in payments:
            if polled is None:
                verdict = "failed"
            else:
                verdict = self.apply(acct, payment, by_order.get(payment.order_id, []))
            self.count(verdict)

    def apply(self, acct: conf.Account, payment: Any, events: List[Tuple[Any, Dict[str, Any]]]) -> str:
        verdict = "unchanged"
        snapshot: Optional[Dict[str, Any]] = payment.snapshot() if self.dry_run else None
        for event, data in events:
            if snapshot is not None:  # --dry-run: the core decides on a copy, nothing is stored
                outcome = hostedpay.transition(snapshot, event)
                if outcome.kind == "applied" and outcome.new_status is not None:
                    snapshot.update(status=outcome.new_status,
                                    applied_event_keys=[*snapshot["applied_event_keys"], event.key])
            else:
                record = Notification(
                    gateway="flocash", account=acct.name, content_type="application/json",
                    headers={"source": "vpos_reconcile"},
                    body=json.dumps(data, sort_keys=True).encode(),
                    order_id=event.order_id[:64], transaction_id=event.transaction_id[:64],
                    status_code=event.status_code[:16],
                )
                try:
                    result = apply_event(record, acct, event, lambda outcome: (flocash.acknowledge(outcome), {}))
                except Exception as e:  # noqa: BLE001 - one payment's failure must not stop the run
                    self.stderr.write(f"flocash/{acct.name} {payment.order_id}: {type(e).__name__}: {e}")
                    return "failed"
                if result is None:  # the row went away meanwhile
                    return "failed"
                outcome = result[0]
            if outcome.kind == "applied":
                verdict = "changed"
            elif outcome.kind == "rejected" or (outcome.kind == "ignored" and outcome.reason == "unknown_status"):
                self.stderr.write(f"flocash/{acct.name} {payment.order_id}: {outcome.to_dict()}")
                if verdict != "changed":
                    verdict = "failed"
        return verdict

    # Every other gateway: the core's status query, one payment at a time.

    def reconcile_queries(self, gateways: List[str], wanted: Optional[List[str]],
                          window: Optional[Tuple[datetime.datetime, datetime.datetime]],
                          created_before: datetime.datetime) -> None:
        Payment = get_payment_model()
        candidates = Payment.objects.filter(gateway__in=gateways)
        if wanted:
            candidates = candidates.filter(account__in=wanted)
        if window is not None:
            candidates = candidates.filter(created__gte=window[0], created__lte=window[1])
        else:
            operations = Refund.objects.filter(status="pending", kind__in=reconcile.OPERATION_KINDS,
                                               created__lte=created_before).values("payment_id")
            candidates = candidates.filter(Q(status__in=reconcile.WAITING, created__lte=created_before)
                                           | Q(pk__in=operations))
        groups: Dict[Tuple[str, str], List[Any]] = {}
        for pk, gateway, account in (candidates.order_by("gateway", "account", "created", "pk")
                                     .values_list("pk", "gateway", "account")):
            groups.setdefault((gateway, account), []).append(pk)
        for (gateway, account), pks in groups.items():
            acct, reason = self.query_account(gateway, account)
            if acct is None:
                for order_id in Payment.objects.filter(pk__in=pks).order_by("created", "pk").values_list(
                        "order_id", flat=True):
                    self.skip(gateway, account, reason, order_id)
                continue
            self.stderr.write(f"{gateway}/{account}: {len(pks)} payment(s) to query")
            for pk in pks:
                payment = Payment.objects.filter(pk=pk).first()
                if payment is None:  # deleted meanwhile
                    continue
                result = reconcile.query_payment(acct, payment, self.client, operations_before=created_before,
                                                 dry_run=self.dry_run)
                for note in result.notes:
                    self.stderr.write(note)
                if result.verdict == "skipped":
                    self.skip(gateway, account, result.reason, payment.order_id)
                else:
                    self.count(result.verdict)

    def query_account(self, gateway: str, name: str) -> Tuple[Optional[conf.Account], str]:
        """The account to query, or ``None`` and why it cannot be."""
        if not driver.supports_status_query(gateway):
            return None, f"{gateway} has no status query in vpos (docs/status-queries.md)"
        try:
            return conf.get_account(gateway, name), ""
        except conf.UnknownAccount:
            return None, "no such account in the settings or the database"
        except hostedpay.VposError as e:
            return None, f"the account is misconfigured: {e.code}" + (f" on {e.field}" if e.field else "")

    # Counting.

    def count(self, verdict: str) -> None:
        self.tally.add(verdict)
        if self.tally.checked % self.progress_every == 0:
            self.stderr.write(f"... {self.tally.line()}")

    def skip(self, gateway: str, account: str, reason: str, order_id: str) -> None:
        self.tally.skipped += 1
        self.skips.setdefault((gateway, account, reason), []).append(order_id)

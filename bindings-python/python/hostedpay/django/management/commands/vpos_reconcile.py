"""``manage.py vpos_reconcile``: close the gap lost FloCash notifications leave, by Merchant Polling.

FloCash retries a notification hourly for 72 hours, then gives up; a listener down longer
leaves payments waiting forever. This command asks FloCash (``pollPayInbyRef`` /
``pollPayInbyTime``) and applies what it answers through the same locked transition path as
the notification view (``services.notifications.apply_event``: ``select_for_update`` on the payment, the core's
``transition``, the event key under the unique constraint), so it is safe to run from cron or a
task queue while notifications keep arriving: a payment notified and polled moves once.

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

- default (``--older-than 1h``): every FloCash payment still waiting (``new`` or ``pending``)
  created before that age. One whose ``reference`` holds FloCash's ``trace_number`` is polled
  by reference; the others (FloCash's notification carries no trace number, so vpos stores none)
  by one time window per account, from the oldest one's creation until now, matched by
  ``order_id``.
- ``--from``/``--to``: every payment FloCash lists in that window, whatever its stored status.

Progress goes to stderr every ``--progress-every`` payments; the summary (checked, changed,
unchanged, failed) to stdout. A failed poll (no answer, SOAP fault, error header, malformed
reply) leaves its payments untouched and counts them failed; so do rejected events (amount,
currency or merchant contradicting the stored payment) and unknown status codes.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import hostedpay
from hostedpay import flocash
from hostedpay.django import conf
from hostedpay.django.models import Notification, get_payment_model
from hostedpay.django.services.notifications import apply_event

#: Statuses still waiting for FloCash's final answer: ``new`` (no notification arrived at all)
#: and ``pending``.
WAITING = ("new", "pending")
#: How far before the oldest waiting payment the by-time window opens (clock skew).
WINDOW_SKEW = datetime.timedelta(minutes=5)
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
        self.checked = self.changed = self.unchanged = self.failed = 0

    def add(self, verdict: str) -> None:
        self.checked += 1
        setattr(self, verdict, getattr(self, verdict) + 1)

    def line(self) -> str:
        return (f"checked {self.checked}, changed {self.changed}, unchanged {self.unchanged}, "
                f"failed {self.failed}")


class Command(BaseCommand):
    help = ("Poll FloCash (Merchant Polling) for payments still waiting, or for a time window, "
            "and apply what it answers under the payment row lock.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", default="1h",
                            help="poll waiting payments created at least this long ago (30m, 2h, 1d; default 1h)")
        parser.add_argument("--from", dest="from_time", help="window start (ISO 8601): poll by time instead")
        parser.add_argument("--to", dest="to_time", help="window end (ISO 8601, default now)")
        parser.add_argument("--account", action="append", dest="accounts",
                            help="only this FloCash account (repeatable; default every account with polling settings)")
        parser.add_argument("--progress-every", type=int, default=25, help="progress line every N payments (stderr)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.progress_every = max(1, options["progress_every"])
        self.tally = Tally()
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
        for acct, poll_config, timeout in self.polling_accounts(options["accounts"]):
            if window is not None:
                self.reconcile_window(acct, poll_config, timeout, *window)
            else:
                self.reconcile_waiting(acct, poll_config, timeout, now - age, now)
        self.stdout.write(self.tally.line())

    # Settings.

    def polling_accounts(self, wanted: Optional[List[str]]) -> Iterable[Tuple[conf.Account, Dict[str, Any], float]]:
        try:
            polling = conf.flocash_polling(wanted or None)
        except conf.PollingSettingsError as e:
            raise CommandError(str(e)) from None
        if not polling:
            raise CommandError("no FloCash polling settings: set VPOS_FLOCASH_POLLING (see vpos_reconcile's help)")
        return [(p.account, p.config, p.timeout) for p in polling]

    # The two modes.

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

    # Steps.

    def poll(self, acct: conf.Account, poll_config: Dict[str, Any], request: Mapping[str, Any],
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
            self.tally.add(verdict)
            if self.tally.checked % self.progress_every == 0:
                self.stderr.write(f"... {self.tally.line()}")

    def apply(self, acct: conf.Account, payment: Any, events: List[Tuple[Any, Dict[str, Any]]]) -> str:
        verdict = "unchanged"
        for event, data in events:
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

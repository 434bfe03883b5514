"""``manage.py vpos_deliver_events``: send again the payment events the shop's receivers did not take.

Every move of a payment is stored as a ``PaymentEvent`` in the transaction that makes it and
delivered (``payment_status_changed``) once that transaction commits. When a receiver raises,
the event stays undelivered with ``attempts`` and ``last_error``; this command sends the
undelivered ones again, oldest first, each in its own transaction with its row locked
(``select_for_update(skip_locked=True)`` where the database has it), so it is idempotent and
two runs (or a run and a notification arriving) never send one event at the same time. An
event the notification view stored claimed (``claimed_until``: it delivers it right after its
commit) is left alone until that claim is past (``hostedpay.django.events.CLAIM``, 5 minutes). Run it
from cron, Celery beat or a systemd timer, every few minutes.

Progress goes to stderr; the summary (``delivered N, failed M, remaining K``: ``remaining``
counts every event still undelivered after the run) to stdout. The exit status is 0 whatever
the receivers did.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hostedpay.django.events import deliver, unclaimed
from hostedpay.django.models import PaymentEvent


class Command(BaseCommand):
    help = "Send payment_status_changed again for every payment event not delivered yet (oldest first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many events in this run")
        parser.add_argument("--max-attempts", type=int, default=None,
                            help="leave alone the events already tried this many times (they stay undelivered)")
        parser.add_argument("--progress-every", type=int, default=100, help="progress line every N events (stderr)")

    def handle(self, *args: Any, **options: Any) -> None:
        limit, max_attempts = options["limit"], options["max_attempts"]
        if limit is not None and limit < 0:
            raise CommandError("--limit must be 0 or more")
        if max_attempts is not None and max_attempts < 1:
            raise CommandError("--max-attempts must be 1 or more")
        every = max(1, options["progress_every"])
        # An event claimed by the process that stored it (the notification view, delivering it
        # right after its commit) is left to that process until the claim is past.
        due = PaymentEvent.objects.filter(unclaimed(), delivered_at__isnull=True)
        if max_attempts is not None:
            due = due.filter(attempts__lt=max_attempts)
        pks = list(due.order_by("id").values_list("pk", flat=True)[:limit])
        self.stderr.write(f"{len(pks)} undelivered event(s) to send")
        delivered = failed = skipped = 0
        for i, pk in enumerate(pks, 1):
            try:
                result = deliver(pk)
            except Exception as e:  # noqa: BLE001 - one event's failure must not stop the run
                self.stderr.write(f"event #{pk}: {type(e).__name__}")
                result = False
            if result is True:
                delivered += 1
            elif result is False:
                failed += 1
                self.stderr.write(f"event #{pk}: not delivered (see its last_error)")
            else:
                skipped += 1  # delivered meanwhile, or held by another deliverer
            if i % every == 0:
                self.stderr.write(f"... {i}/{len(pks)}: delivered {delivered}, failed {failed}, skipped {skipped}")
        if skipped:
            self.stderr.write(f"skipped {skipped} (delivered meanwhile or being delivered elsewhere)")
        remaining = PaymentEvent.objects.filter(delivered_at__isnull=True).count()
        self.stdout.write(f"delivered {delivered}, failed {failed}, remaining {remaining}")

"""``manage.py vpos_import_virtualpos``: copy django-virtual-pos's points of sale and payment
operations into vpos (docs/migrating-from-django-virtual-pos.md).

django-virtual-pos need not be installed: its tables (``djangovirtualpos_*``) are read with
raw SQL from ``--database`` (an alias of ``DATABASES``, default ``default``). Each point of
sale becomes a database ``MerchantAccount`` named ``virtualpos-<id>`` (secrets encrypted with
``VPOS_ENCRYPTION_KEYS``; ``--no-accounts`` skips them), each payment operation a vpos
``Payment`` of that account in its final status, with the refunded total of its completed
refunds. An amount that is not exactly a number of the currency's minor units is refused and
listed, never rounded. Running it again imports nothing twice; ``--dry-run`` writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.connection import ConnectionDoesNotExist

from hostedpay.django.services import importers


class Command(BaseCommand):
    help = "Import django-virtual-pos's points of sale and payments (read from --database) into vpos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default",
                            help="The alias holding django-virtual-pos's tables (default: default).")
        parser.add_argument("--no-accounts", action="store_true",
                            help="Do not create merchant accounts from the points of sale.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read per query (default 500).")
        parser.add_argument("--progress-every", type=int, default=1000,
                            help="Report progress on stderr every N rows (default 1000; 0: never).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = importers.import_virtualpos(
                options["database"], accounts=not options["no_accounts"], dry_run=options["dry_run"],
                batch_size=max(1, options["batch_size"]), progress=self._progress,
                progress_every=options["progress_every"])
        except (importers.SourceMissing, ConnectionDoesNotExist) as e:
            raise CommandError(str(e)) from None
        for line in importers.summary_lines(report):
            self.stdout.write(line)

    def _progress(self, what: str, count: int) -> None:
        self.stderr.write(f"{what}: {count} read")

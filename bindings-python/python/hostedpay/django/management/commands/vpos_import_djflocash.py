"""``manage.py vpos_import_djflocash``: copy djflocash's payments and stored notifications
into vpos (docs/migrating-from-djflocash.md).

djflocash need not be installed: its tables (``djflocash_payment``, ``djflocash_notification``)
are read with raw SQL from ``--database`` (an alias of ``DATABASES``, default ``default``).
Each payment becomes a vpos ``Payment`` of the FloCash account ``--account``, in the status its
notifications gave it; each notification a ``Notification`` marked imported (verdict
``ignored``, ``error_code`` ``imported``) that is never applied. An amount that is not exactly
a number of the currency's minor units is refused and listed, never rounded. Running it again
imports nothing twice; ``--dry-run`` writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.connection import ConnectionDoesNotExist

from hostedpay.django import conf
from hostedpay.django.services import importers


class Command(BaseCommand):
    help = "Import djflocash's payments and notifications (read from --database) into vpos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="The alias holding djflocash's tables (default: default).")
        parser.add_argument("--account", default=conf.DEFAULT_ACCOUNT,
                            help="The vpos FloCash account the payments belong to (default: default).")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read per query (default 500).")
        parser.add_argument("--progress-every", type=int, default=1000,
                            help="Report progress on stderr every N rows (default 1000; 0: never).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.ACCOUNT_NAME.match(options["account"]):
            raise CommandError(f"--account {options['account']!r}: 1-64 letters, digits, - or _")
        try:
            report = importers.import_djflocash(
                options["database"], account=options["account"], dry_run=options["dry_run"],
                batch_size=max(1, options["batch_size"]), progress=self._progress,
                progress_every=options["progress_every"])
        except (importers.SourceMissing, ConnectionDoesNotExist) as e:
            raise CommandError(str(e)) from None
        for line in importers.summary_lines(report):
            self.stdout.write(line)

    def _progress(self, what: str, count: int) -> None:
        self.stderr.write(f"{what}: {count} read")

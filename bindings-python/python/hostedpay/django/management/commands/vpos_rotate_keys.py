"""``manage.py vpos_rotate_keys``: re-encrypts the secrets of every database merchant account
with the newest key of ``VPOS_ENCRYPTION_KEYS`` (put the new key first, run this, then drop
the old key)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from hostedpay.django import crypto
from hostedpay.django.accounts import MerchantAccount


class Command(BaseCommand):
    help = "Re-encrypt the secrets of database merchant accounts with the newest VPOS_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = MerchantAccount.objects.rotate_secrets()
        except (ImproperlyConfigured, crypto.Undecryptable) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"{count} account(s) re-encrypted with the newest key.")

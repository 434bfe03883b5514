"""The shipped migrations match the models."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    # Raises SystemExit(1) when a model change has no migration.
    call_command("makemigrations", "vpos", "--check", "--dry-run", verbosity=0)

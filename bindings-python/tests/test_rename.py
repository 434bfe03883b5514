"""The rename vpos -> hostedpay (issue 17): the wheel installs only `hostedpay`, and the Django
app keeps its label `vpos`, so a database migrated under the old name is up to date as it is."""

from __future__ import annotations

from importlib import metadata

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from hostedpay import _hostedpay
from hostedpay.django.models import Notification, Payment


def test_the_wheel_installs_hostedpay_and_nothing_named_vpos() -> None:
    # `vpos` on PyPI is another project: a shim of that name would clash with it.
    files = metadata.files("hostedpay") or []
    top = {f.parts[0] for f in files if not f.parts[0].endswith((".dist-info", ".data"))}
    assert top == {"hostedpay"}, top
    assert _hostedpay.__name__ == "hostedpay._hostedpay"
    plugins = {e.name: e.value for e in metadata.entry_points(group="pytest11")}
    assert plugins.get("hostedpay") == "hostedpay.testing.pytest_plugin"
    assert "vpos" not in plugins


def test_the_django_app_keeps_its_label() -> None:
    config = apps.get_app_config("vpos")
    assert (config.name, config.label) == ("hostedpay.django", "vpos")
    assert (Payment._meta.db_table, Notification._meta.db_table) == ("vpos_payment", "vpos_notification")


@pytest.mark.django_db
def test_a_database_migrated_under_the_old_name_needs_nothing() -> None:
    # The history rows and tables a database got from `vpos` (app "vpos", tables vpos_*) are
    # the ones this app's migrations name: nothing left to apply, nothing new to make.
    loader = MigrationLoader(connection)
    shipped = {key for key in loader.disk_migrations if key[0] == "vpos"}
    assert ("vpos", "0001_initial") in shipped
    assert shipped <= loader.applied_migrations.keys()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert {"vpos_payment", "vpos_notification"} <= set(connection.introspection.table_names())
    call_command("makemigrations", "vpos", "--check", "--dry-run", verbosity=0)

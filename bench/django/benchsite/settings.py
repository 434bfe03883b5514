"""Settings of the Django bench site: the vpos app and the plain python-redsys view, one
PostgreSQL database (``DATABASE_URL``), persistent connections, no middleware for either.

Both views are served by the same gunicorn workers, so they share every setting here."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

#: Redsys's public test terminal (its integration guides): never a real key.
REDSYS_TEST_KEY = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"
REDSYS_MERCHANT = "999008881"
REDSYS_TERMINAL = "1"

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
USE_TZ = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchsite.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "hostedpay.django", "plainapp"]
MIDDLEWARE = ["benchsite.counting.CountStatements"]
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "loggers": {"vpos.django": {"level": "WARNING"}}}


def _database(url: str) -> dict:
    u = urlparse(url)
    if u.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: the bench needs PostgreSQL, not {u.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(u.path.lstrip("/")) or "postgres",
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "",
        "PORT": str(u.port or ""),
        # One connection per worker, kept: neither view pays a connect per notification.
        "CONN_MAX_AGE": 600,
    }


DATABASES = {"default": _database(os.environ["DATABASE_URL"])}

VPOS = {
    "redsys": {
        "merchant_code": REDSYS_MERCHANT,
        "terminal": REDSYS_TERMINAL,
        "secret_key": REDSYS_TEST_KEY,
        "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
        "merchant_url": "http://127.0.0.1/vpos/redsys/default/",
    }
}

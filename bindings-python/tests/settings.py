"""Django settings for the test suite: SQLite, or PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

SECRET_KEY = "NSRT89aieu/*-v+ST"
DEBUG = False
USE_TZ = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "hostedpay.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database(url: str | None) -> dict:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    u = urlparse(url)
    if u.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: unsupported scheme {u.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(u.path.lstrip("/")) or "postgres",
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "",
        "PORT": str(u.port or ""),
    }


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}

# djflocash's test settings (spec A9), in vpos's shape; the post-back goes to a local server
# that each test starts (tests/postback.py) and points base_url at.
VPOS = {
    "flocash": {
        "merchant": "test@merchant.com",
        "merchant_name": "test name",
        "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
        "base_url": "http://127.0.0.1:9",
        "notification_token": "test-test-test",
        "postback_timeout": 5,
    }
}

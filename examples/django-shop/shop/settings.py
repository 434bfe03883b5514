"""Settings of the vpos demo shop: SQLite, vpos.django, FloCash pointed at vpos-sandbox.

demo.py sets the environment variables below for each run; with `manage.py` the defaults
fit a sandbox started by hand (`make sandbox`, port 8700).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A demo on 127.0.0.1: never deploy these values.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-not-secret-7c1f0b2e")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "vpos.django",
    "store.apps.StoreConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
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

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SHOP_DB", str(BASE_DIR / "db.sqlite3")),
        # Notifications arrive concurrently (FloCash retries, duplicates): take the write lock
        # when a transaction starts instead of failing to upgrade a read lock half-way.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "static/"

# The gateway is vpos-sandbox (sandbox/README.md): the FloCash URLs are its, the
# notification URL is ours, registered in the sandbox's "back office" (its --config
# notify_url, which demo.py writes) and so never shown to the customer.
SANDBOX_URL = os.environ.get("SANDBOX_URL", "http://127.0.0.1:8700").rstrip("/")
VPOS = {
    "flocash": {
        "merchant": "sales@demoshop.com",  # the sandbox's default merchant
        "merchant_name": "vpos Demo Shop",
        "checkout_url": f"{SANDBOX_URL}/ecom/ecommerce.do",
        "base_url": SANDBOX_URL,  # post-backs go to <base_url>/validateNotify.do
        "notification_token": os.environ.get("VPOS_FLOCASH_TOKEN", "demo-shop-notification-token"),
        "postback_timeout": 5,
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"shop": {"format": "[shop] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "shop"}},
    "loggers": {
        # One line per notification, the URL token shown as ***.
        "vpos.django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "store": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

"""Settings of the vpos demo shop: SQLite, hostedpay.django, every gateway pointed at hostedpay-sandbox.

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
    "hostedpay.django",
    "store.apps.StoreConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The customer's language (Accept-Language, or the one chosen on the page): the shop's
    # pages, hostedpay.django's status text and the admin are translated (en, es, fr).
    "django.middleware.locale.LocaleMiddleware",
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
        # The shop's overrides of hostedpay.django's templates (vpos/card3ds/card.html): found
        # before the apps' own, whatever the order of INSTALLED_APPS.
        "DIRS": [BASE_DIR / "templates"],
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
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
STATIC_URL = "static/"

# Every gateway is hostedpay-sandbox (sandbox/README.md) with its public test keys: the gateway URLs
# are the sandbox's, the notification and return URLs are ours. FloCash's notification URL
# holds a secret token, so it is registered in the sandbox's "back office" (its --config
# notify_url, which demo.py writes) and never shown to the customer; so is CECA's (Cecabank's
# panel sets it too).
SANDBOX_URL = os.environ.get("SANDBOX_URL", "http://127.0.0.1:8700").rstrip("/")
SHOP_URL = os.environ.get("SHOP_URL", "http://127.0.0.1:8000").rstrip("/")
VPOS = {
    "flocash": {
        "merchant": "sales@demoshop.com",  # the sandbox's default merchant
        "merchant_name": "vpos Demo Shop",
        "checkout_url": f"{SANDBOX_URL}/ecom/ecommerce.do",
        "base_url": SANDBOX_URL,  # post-backs go to <base_url>/validateNotify.do
        "notification_token": os.environ.get("VPOS_FLOCASH_TOKEN", "demo-shop-notification-token"),
        "postback_timeout": 5,
    },
    "redsys": {  # Redsys's public test terminal
        "merchant_code": "999008881",
        "terminal": "1",
        "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
        "checkout_url": f"{SANDBOX_URL}/sis/realizarPago",
        "rest_url": f"{SANDBOX_URL}/sis/rest/trataPeticionREST",
        "merchant_url": f"{SHOP_URL}/vpos/redsys/default/",
        "merchant_name": "vpos Demo Shop",
        # The status query (consultaOperaciones) `manage.py vpos_reconcile` asks.
        "query_url": f"{SANDBOX_URL}/apl02/services/SerClsWSConsulta",
    },
    "ceca": {  # Cecabank's public test terminal
        "merchant_id": "111950028",
        "acquirer_bin": "0000554052",
        "terminal_id": "00000003",
        "key": "99888888",
        "cipher": "SHA2",
        "checkout_url": f"{SANDBOX_URL}/tpvweb/tpv/compra.action",
        # Fixed in Cecabank's panel: the customer comes back to /return/, which knows the order.
        "url_ok": f"{SHOP_URL}/return/",
        "url_nok": f"{SHOP_URL}/return/",
        # Refunds (anularOperacionExt), asked from the payment page's refund / capture / release form.
        "refund_url": f"{SANDBOX_URL}/webapp/ConsTpvVirtWeb/ConsTpvVirtS?modo=anularOperacionExt",
    },
    "elavon": {  # Realex's public test merchant
        "merchant_id": "thestore",
        "account": "internet",
        "secret": "mysecret",
        "rebate_password": "rebate",
        "checkout_url": f"{SANDBOX_URL}/pay",
        "remote_url": f"{SANDBOX_URL}/remote",
        # The HPP posts its signed response here through the customer's browser.
        "response_url": f"{SHOP_URL}/elavon/response/",
        "currency": "USD",
        "auto_settle": True,
        # SHA256HASH instead of SHA1HASH on the form, and required on the response (docs/3ds.md).
        "hash_algorithm": "sha256",
    },
    "paypal": {
        "business": "sales@demoshop.com",  # the sandbox's default business account
        "checkout_url": f"{SANDBOX_URL}/cgi-bin/webscr",
        "ipn_url": f"{SANDBOX_URL}/cgi-bin/webscr",
        "notify_url": f"{SHOP_URL}/vpos/paypal/default/",
        "postback_timeout": 5,
        # The NVP API: refunds (RefundTransaction) and vpos_reconcile's status queries
        # (GetTransactionDetails, TransactionSearch). The sandbox takes any non-empty credentials.
        "nvp": {"user": "demo-api-user", "password": "demo-api-password", "signature": "demo-api-signature",
                "api_url": f"{SANDBOX_URL}/nvp"},
    },
    "paypal_rest": {  # PayPal Orders v2: the sandbox's default REST app
        "client_id": "sandbox-paypal-client-id",
        "secret": "sandbox-paypal-secret",
        "api_base": SANDBOX_URL,
        "webhook_id": "SANDBOXWEBHOOK0001",  # webhooks go to vpos/paypal_rest/default/ (demo.py)
        "merchant": "HOSTEDPAY0001",
        "postback_timeout": 5,
        "rest_timeout": 10,
    },
    "bitpay": {  # BitPay's current API (docs/bitpay.md): hostedpay-sandbox's tokens and test key
        "token": "SandboxPosToken2x7Q9vLm",  # the POS facade: invoices
        # The merchant facade (signed invoice fetches, refunds): the sandbox's published TEST-ONLY
        # key, paired there with this token. A shop makes its own key and pairs it (docs/bitpay.md).
        "private_key": (BASE_DIR.parent.parent / "sandbox/testdata/bitpay-merchant-test.key.pem").read_text(),
        "merchant_token": "SandboxMerchantTokenK3w8Zp",
        "api_url": SANDBOX_URL,
        "invoice_url": f"{SANDBOX_URL}/invoice",
        "notification_url": f"{SHOP_URL}/vpos/bitpay/default/",
        "postback_timeout": 5,
        "rest_timeout": 10,
    },
}

# FloCash's Merchant Polling (the sandbox serves it), so `manage.py vpos_reconcile` also asks
# FloCash about payments whose notification never came. The sandbox checks no credentials.
VPOS_FLOCASH_POLLING = {
    "default": {
        "api_username": "demo-api", "api_password": "demo-api-password",
        "namespace": "http://sandbox.vpos.invalid/flocash/APIMerchantService",
        "success_codes": ["0000"], "endpoint": f"{SANDBOX_URL}/FloCMS/services/APIMerchantService", "timeout": 10,
    },
}

# Merchant accounts added in the admin (Vpos › Merchant accounts) keep their secrets encrypted
# with this Fernet key (hostedpay[django] installs cryptography). A fixed demo-only key, so that
# db.sqlite3 stays readable from one run to the next; never deploy it.
VPOS_ENCRYPTION_KEYS = [os.environ.get("VPOS_ENCRYPTION_KEY", "pRqyx40IVo0vMc42DqcMPv1OETpm_7KVUP3hnlrWZhQ=")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"shop": {"format": "[shop] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "shop"}},
    "loggers": {
        # One line per notification, the URL token shown as ***.
        "vpos.django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "store": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A 500 with its traceback on the terminal, even with DEBUG off (Django's default only
        # mails it to ADMINS, so an error page came with nothing logged).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

"""The FloCash URL token never reaches a log record: every record, at DEBUG, on the root
logger, across notifications answered 200, 404, 405 and 500 (the view's own error path, a
failure inside it, Django's handler logging an error for the path), a URL Django does not
know with the token in it, and runserver's access line (``django.server``)."""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any, Iterator, List

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.test import RequestFactory
from django.utils.log import log_response

from hostedpay.django import views
from hostedpay.django.logging import RedactTokenFilter, redact, redact_path
from hostedpay.django.models import Notification, Payment

from tests.conftest import BASE_PAYLOAD

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "test-test-test"
URL = f"/vpos/flocash/default/{TOKEN}/"
FORM = "application/x-www-form-urlencoded"


class Everything(logging.Handler):
    """Keeps every record, formatted as a handler would (message and exception text)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: List[logging.LogRecord] = []
        self.texts: List[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.texts.append(self.format(record))
        request = getattr(record, "request", None)
        if hasattr(request, "get_full_path"):
            self.texts.append(request.get_full_path())
            self.texts.append(repr(request))
            self.texts.extend(str(v) for v in request.META.values())
        self.texts.append(repr(record.args))
        self.texts.append(record.exc_text or "")


@pytest.fixture
def logs() -> Iterator[Everything]:
    root = logging.getLogger()
    handler = Everything()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # runserver's logger does not propagate (Django's DEFAULT_LOGGING): listen to it too.
    server_logger = logging.getLogger("django.server")
    server_logger.addHandler(handler)
    # Django's own loggers keep their levels and handlers; make sure nothing is cut above DEBUG.
    saved = {name: logging.getLogger(name).level for name in ("django", "django.request", "django.server")}
    for name in saved:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        server_logger.removeHandler(handler)
        root.setLevel(level)
        for name, lvl in saved.items():
            logging.getLogger(name).setLevel(lvl)


def runserver_get(path: str) -> int:
    """A GET through Django's development server (its access line goes to ``django.server``)."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}", timeout=10) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    finally:
        thread.join(10)
        server.server_close()


def test_the_token_is_in_no_log_record(client: Any, vpos_settings: Any, monkeypatch: Any, logs: Everything) -> None:
    Payment.objects.create(order_id="test order", currency="EUR", amount=Decimal("123"), item_name="test item",
                           custom="test custom")
    post = lambda url: client.post(url, data=BASE_PAYLOAD.encode(), content_type=FORM)  # noqa: E731
    # Answered 200, then 200 again (a retry), 404 (another account, a wrong token), 405.
    assert post(URL).status_code == 200
    assert post(f"/notification/{TOKEN}/").status_code == 200  # djflocash's URL
    assert post(f"/vpos/flocash/nosuch/{TOKEN}/").status_code == 404
    assert post(f"/vpos/flocash/default/{TOKEN}x/").status_code == 404
    assert client.get(URL).status_code == 405
    # A URL Django does not know, holding the token: Django logs "Not Found: <path>".
    assert post(f"/vpos/flocash/default/{TOKEN}/more/").status_code == 404
    assert client.get(f"/vpos/flocash/default/{TOKEN}").status_code in (301, 404)
    # The view's error path: the transition raises, and then the error verdict cannot be stored.
    monkeypatch.setattr(views, "apply_event", lambda *a, **k: (_ for _ in ()).throw(RuntimeError(f"boom {URL}")))
    assert post(URL).status_code == 500
    real_filter = Notification.objects.filter

    def broken(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("pk"):
            raise RuntimeError("database gone")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Notification.objects, "filter", broken)
    assert post(URL).status_code == 500
    monkeypatch.undo()
    # Something raising outside post's own guard (the log line itself).
    monkeypatch.setattr(views.NotificationView, "log", lambda *a, **k: 1 / 0)
    assert post(URL).status_code == 500
    monkeypatch.undo()
    # Django's handler logging an uncaught exception for this path, as it would for a
    # middleware's error: the record carries the request.
    request = RequestFactory().post(URL + "?x=" + TOKEN, data=b"", content_type=FORM)
    try:
        raise ValueError(f"failed at {request.path}")
    except ValueError:
        import sys

        from django.http import HttpResponseServerError

        log_response("%s: %s", "Internal Server Error", request.path, response=HttpResponseServerError(),
                     request=request, exception=sys.exc_info()[1])
    assert request.path == URL  # the request itself is untouched
    # runserver's access line.
    assert runserver_get(URL) == 405
    assert runserver_get(f"/vpos/flocash/default/{TOKEN}%41/") == 405

    names = {r.name for r in logs.records}
    assert {"vpos.django", "django.request", "django.server"} <= names
    assert any("Internal Server Error" in t for t in logs.texts)
    assert any("/vpos/flocash/default/***/" in t for t in logs.texts)
    leaked = [t for t in logs.texts if TOKEN in t or "test%2Dtest" in t]
    assert leaked == []


@pytest.mark.parametrize("text,expected", [
    ("Not Found: /vpos/flocash/default/s3cret-token-1/more/", "Not Found: /vpos/flocash/default/***/more/"),
    ('"POST /vpos/flocash/default/s3cret%2Dtoken-1/?a=1 HTTP/1.1" 200 2',
     '"POST /vpos/flocash/default/***/?a=1 HTTP/1.1" 200 2'),
    ("https://shop.example/notification/s3cret-token-1/", "https://shop.example/notification/***/"),
    ("/vpos/flocash/other/another-secret/", "/vpos/flocash/other/***/"),
    ("/vpos/redsys/default/", "/vpos/redsys/default/"),  # no token there: unchanged
    # Django's Resolver404 shows the path without its leading slash.
    ("{'path': 'vpos/flocash/default/s3cret-token-1/more/'}", "{'path': 'vpos/flocash/default/***/more/'}"),
    ("no path at all", "no path at all"),
])
def test_redact(settings: Any, text: str, expected: str) -> None:
    settings.VPOS = {"flocash": {"notification_token": "s3cret-token-1"}}
    assert redact(text) == expected
    # By the URL's shape alone, without knowing the token (a database account's, a guess).
    assert redact(text, tokens=set()) == expected.replace("s3cret%2Dtoken-1", "***")


def test_configured_tokens_go_wherever_they_appear(settings: Any) -> None:
    settings.VPOS = {"flocash": {"notification_token": "s3cret-token-1",
                                 "accounts": {"b": {"notification_token": "s3cret-token-2"}}}}
    assert redact("referer https://x.example/?t=s3cret-token-2 and s3cret-token-1") == \
        "referer https://x.example/?t=*** and ***"
    assert redact_path("/elsewhere/s3cret-token-1") == "/elsewhere/***"


def test_the_filter_never_breaks_logging() -> None:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s %d", ("a", 1), None)
    record.request = object()  # runserver passes its socket
    assert RedactTokenFilter().filter(record) is True and record.getMessage() == "a 1"


def test_the_app_installs_the_filter() -> None:
    for name in ("django.request", "django.server", "django.template", "vpos.django"):
        assert any(isinstance(f, RedactTokenFilter) for f in logging.getLogger(name).filters)

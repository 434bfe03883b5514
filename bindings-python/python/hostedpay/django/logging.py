"""Keeping the FloCash URL token out of logs.

FloCash proves a notification partly by a secret token in the notification URL
(``flocash/<account>/<token>/``, djflocash's ``notification/<token>/``). vpos's own log lines
show it as ``***``; :class:`RedactTokenFilter` does the same for the lines Django writes about a
request (``django.request``: ``Not Found: <path>``, ``Internal Server Error: <path>``;
``django.server``: runserver's access line): the message, its arguments, the exception text
and the ``request`` the record carries (a copy with its path redacted; the request itself is
untouched). The exception object of ``exc_info`` is left as it is; its formatted text
(``exc_text``, which handlers print) is redacted.

The app installs the filter on the ``django.request``, ``django.server``, ``django.template``
and ``vpos.django`` loggers when it starts (:func:`install`); name it in ``LOGGING`` to attach it to handlers as
well (a filter on a logger sees only the records logged to that very logger)::

    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"vpos_redact": {"()": "hostedpay.django.logging.RedactTokenFilter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["vpos_redact"]}},
        "root": {"handlers": ["console"], "level": "INFO"},
    }

What is redacted: in any path (or URL) that Django's URL resolver maps, or of which a leading
part it maps, to a FloCash notification view, the token segment; and anywhere in the text,
each ``notification_token`` of the settings (``VPOS["flocash"]`` and its ``accounts``,
``FLOCASH_NOTIFICATION_TOKEN``), raw or percent-encoded. The web server's own access log is
outside Django: see the vpos README for gunicorn and uWSGI.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any, Iterable, List, Optional, Set
from urllib.parse import quote, unquote

__all__ = ["RedactTokenFilter", "install", "redact", "redact_path"]

#: What stands for a token.
MASK = "***"
#: The loggers :func:`install` attaches the filter to: Django's request loggers, its template
#: logger (which, at DEBUG, logs what it could not resolve while the error report of a request
#: is rendered, request included), and vpos's own (whose lines show the token as ``***``
#: already; an exception's text might not).
LOGGERS = ("django.request", "django.server", "django.template", "vpos.django")
#: A word of free text holding a slash: a path, a URL, or a path without its leading slash
#: (as Django's ``Resolver404`` shows it).
_WORD = re.compile(r"[^\s\"'<>(){}\[\],;]*/[^\s\"'<>(){}\[\],;]*")
#: The scheme and host of a URL.
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*")
#: Request headers (``META``) that carry the path.
_META_PATHS = ("PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI", "SCRIPT_URL", "HTTP_REFERER")
#: Segments of a path tried against the resolver, at most (a path is short; text may not be).
_MAX_SEGMENTS = 16


class RedactTokenFilter(logging.Filter):
    """A logging filter that replaces FloCash URL tokens with ``***`` in the record; it never
    drops a record, and never raises (a record it cannot read is passed on as it is)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            redact_record(record)
        except Exception:  # noqa: BLE001 - logging must go on
            pass
        return True


def install(loggers: Iterable[str] = LOGGERS) -> None:
    """Attaches one :class:`RedactTokenFilter` to each of ``loggers`` (once)."""
    for name in loggers:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactTokenFilter) for f in target.filters):
            target.addFilter(RedactTokenFilter())


def redact_record(record: logging.LogRecord) -> None:
    """Redacts ``record`` in place: message, arguments, exception text and ``request``."""
    tokens = configured_tokens()
    if isinstance(record.msg, str):
        record.msg = redact(record.msg, tokens)
    if isinstance(record.args, tuple):
        record.args = tuple(redact(a, tokens) if isinstance(a, str) else a for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: redact(v, tokens) if isinstance(v, str) else v for k, v in record.args.items()}
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text, tokens)
    request = getattr(record, "request", None)
    if request is not None and hasattr(request, "path") and hasattr(request, "META"):
        record.request = redact_request(request, tokens)


def redact_request(request: Any, tokens: Optional[Set[str]] = None) -> Any:
    """A shallow copy of ``request`` whose path attributes and path headers are redacted
    (``request`` itself is left alone: the view may still be using it)."""
    tokens = configured_tokens() if tokens is None else tokens
    clean = copy.copy(request)
    for name in ("path", "path_info"):
        value = getattr(request, name, None)
        if isinstance(value, str):
            setattr(clean, name, redact_path(value, tokens))
    meta = dict(request.META)
    for key in _META_PATHS:
        if isinstance(meta.get(key), str):
            meta[key] = redact(meta[key], tokens)
    clean.META = meta
    return clean


def redact(text: str, tokens: Optional[Set[str]] = None) -> str:
    """``text`` with every FloCash URL token replaced by ``***``."""
    tokens = configured_tokens() if tokens is None else tokens
    for token in sorted(tokens, key=len, reverse=True):
        for form in {token, quote(token, safe="")}:
            text = text.replace(form, MASK)
    if "/" in text:
        text = _WORD.sub(lambda m: _redact_word(m.group(0), tokens), text)
    return text


def _redact_word(word: str, tokens: Set[str]) -> str:
    origin = _ORIGIN.match(word)
    prefix = word[:origin.end()] if origin else ""
    path = word[len(prefix):]
    if path.startswith("/"):
        return prefix + redact_path(path, tokens)
    return prefix + redact_path("/" + path, tokens)[1:]


def redact_path(path: str, tokens: Optional[Set[str]] = None) -> str:
    """``path`` (as requested, percent-encoded or not, with a query string or not) with the
    token segment replaced by ``***`` when the path, or a leading part of it, is a FloCash
    notification URL of this project."""
    tokens = configured_tokens() if tokens is None else tokens
    if tokens:
        for token in sorted(tokens, key=len, reverse=True):
            for form in {token, quote(token, safe="")}:
                path = path.replace(form, MASK)
    cut = min([i for i in (path.find("?"), path.find("#")) if i >= 0], default=len(path))
    head, tail = path[:cut], path[cut:]
    segments = head.split("/")
    if len(segments) > _MAX_SEGMENTS + 1:
        return path
    for start in _starts(segments):
        for end in range(len(segments), start + 1, -1):
            token_at = _token_segment(segments, start, end)
            if token_at is not None:
                segments[token_at] = MASK
                return "/".join(segments) + tail
    return path


def _starts(segments: List[str]) -> List[int]:
    """Where the resolver's path may begin: at the root, and after the script prefix."""
    starts = [0]
    try:
        from django.urls import get_script_prefix

        prefix = get_script_prefix().strip("/")
    except Exception:  # noqa: BLE001 - no Django settings: the root only
        prefix = ""
    if prefix:
        depth = len(prefix.split("/"))
        if "/".join(segments[1:1 + depth]) == prefix:
            starts.append(depth)
    return starts


def _token_segment(segments: List[str], start: int, end: int) -> Optional[int]:
    """The index of the token segment when ``segments[start:end]`` resolves to a FloCash
    notification view with a token, else ``None``."""
    if end - start < 2 or segments[end - 1] == "":
        return None
    candidate = "/".join([""] + segments[start + 1:end]) + "/"
    match = _resolve(unquote(candidate))
    if match is None or "token" not in match.kwargs:
        return None
    # hostedpay.django.views.NotificationView, recognised by its marker: no import of the views
    # from this settings-level module.
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and getattr(view_class, "vpos_notification_view", False)):
        return None
    return end - 1  # the token is the last segment of both notification URLs


def _resolve(path: str) -> Any:
    try:
        from django.urls import Resolver404, resolve
    except Exception:  # noqa: BLE001 - no Django
        return None
    try:
        return resolve(path)
    except Resolver404:
        return None
    except Exception:  # noqa: BLE001 - a broken URLconf is not the logger's problem
        return None


def configured_tokens() -> Set[str]:
    """The ``notification_token`` of every FloCash account of the settings."""
    try:
        from django.conf import settings

        if not settings.configured:
            return set()
        found: Set[str] = set()
        vpos = getattr(settings, "VPOS", None)
        flocash = vpos.get("flocash") if isinstance(vpos, dict) else None
        if isinstance(flocash, dict):
            accounts = flocash.get("accounts")
            for config in [flocash, *(accounts.values() if isinstance(accounts, dict) else ())]:
                token = config.get("notification_token") if isinstance(config, dict) else None
                if isinstance(token, str) and token:
                    found.add(token)
        token = getattr(settings, "FLOCASH_NOTIFICATION_TOKEN", None)
        if isinstance(token, str) and token:
            found.add(token)
        return found
    except Exception:  # noqa: BLE001 - settings unreadable: the resolver still redacts
        return set()

"""pytest fixtures for testing a shop's vpos integration, registered through the ``pytest11``
entry point (``hostedpay``): installing hostedpay makes them available, nothing to add to conftest.

- ``vpos_gateway``: a :class:`hostedpay.testing.FakeGateway` set as ``VPOS_HTTP_CLIENT`` for the
  test; set ``vpos_gateway.mode`` to ``"invalid"``, ``"timeout"`` or ``"server_error"``.
- ``vpos_notify``: ``vpos_notify(payment, status="paid", **kwargs)`` builds the notification
  (:func:`hostedpay.testing.notification`), POSTs it through Django's test client and returns the
  response.

Django is imported only when a fixture that needs it runs, so projects without Django (or
with hostedpay installed but unused) are untouched. The database is the test's own: use
pytest-django's ``db`` marker or fixture as for any other view test.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from hostedpay import testing


@pytest.fixture
def vpos_gateway() -> Iterator[testing.FakeGateway]:
    """The fake gateway answering vpos's post-backs and invoice fetches for this test."""
    gateway = testing.FakeGateway()
    testing.activate(gateway)
    try:
        from django.conf import settings

        configured = settings.configured
    except ImportError:
        configured = False
    try:
        if configured:
            from django.test import override_settings

            with override_settings(VPOS_HTTP_CLIENT="hostedpay.testing.http_client"):
                yield gateway
        else:
            yield gateway
    finally:
        testing.deactivate(gateway)


@pytest.fixture
def vpos_notify(vpos_gateway: testing.FakeGateway) -> Callable[..., Any]:
    """POSTs a gateway's notification about a payment through Django's test client."""
    from django.test import Client

    client = Client()

    def notify(payment: Any, status: str = "paid", **kwargs: Any) -> Any:
        return testing.notification(payment, status, **kwargs).post(client)

    return notify

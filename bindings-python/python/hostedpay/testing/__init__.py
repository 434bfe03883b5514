"""Test your integration without the gateway: notifications as the gateway sends them, and a
fake HTTP client that answers the gateway's side of proving them.

The protocol work is the core's (``vpos_core::testing``): the body is signed with your own
account's key (Redsys, CECA, Elavon) or is the one the fake client vouches for when vpos
posts it back (FloCash, PayPal) or fetches its invoice (Bitpay). Only for tests: a notification
built here is a forgery your own configuration accepts, never something a gateway sent.

With Django and pytest, the plugin's fixtures do it all (``vpos_notify``, ``vpos_gateway``)::

    def test_paid(vpos_notify):
        payment = Payment.objects.create(order_id="AT000001", currency="USD", amount=Decimal("2.50"))
        response = vpos_notify(payment)              # POSTed through Django's test client
        payment.refresh_from_db()
        assert payment.status == "paid"

Without them: ``notification(payment)`` builds it, ``.post(client)`` sends it, and a
:class:`FakeGateway` set as ``VPOS_HTTP_CLIENT`` (``"hostedpay.testing.http_client"`` once
:func:`activate` made it current) answers the post-back.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from hostedpay._hostedpay import testing as _native
from hostedpay.errors import UnsupportedError

if TYPE_CHECKING:  # pragma: no cover
    from hostedpay.driver import Config

__all__ = [
    "MODES",
    "STATUSES",
    "FakeGateway",
    "Notification",
    "activate",
    "deactivate",
    "http_client",
    "notification",
]

#: How the fake gateway answers: the notification is its own, it disowns it, no answer
#: before the deadline, an HTTP 500.
MODES = ("verified", "invalid", "timeout", "server_error")
#: What a test notification can report (not every gateway sends every one; the core says
#: ``unsupported`` for the others).
STATUSES = ("paid", "authorized", "failed", "refunded")

#: The gateway's answers to the proving requests of the notifications built so far, by
#: (method, URL): FloCash's and PayPal's post-back URL, Bitpay's invoice URL.
_proofs: Dict[Tuple[str, str], Dict[str, Any]] = {}
#: The configurations notifications were built with, by (gateway, account): the fake gateway
#: answers their operations (Redsys REST, Elavon Remote) too.
_configs: Dict[Tuple[str, str], "Config"] = {}
_lock = threading.Lock()
_current: List["FakeGateway"] = []


class Notification:
    """What the gateway would POST: ``body`` as ``content_type`` to :attr:`path`."""

    def __init__(self, gateway: str, account: str, built: Mapping[str, Any]) -> None:
        #: The gateway's name (``"redsys"``).
        self.gateway = gateway
        #: The account's name (``"default"``).
        self.account = account
        #: The ``Content-Type`` to send.
        self.content_type: str = built["content_type"]
        #: The body, byte for byte.
        self.body: bytes = built["body"].encode("ascii")
        #: FloCash's URL token (its ``notification_token``), else ``None``.
        self.token: Optional[str] = built.get("token")
        #: For gateways proven by a request: ``{"method", "url", "verified", "invalid"}``.
        self.proof: Optional[Dict[str, Any]] = built.get("proof")

    @property
    def path(self) -> str:
        """The notification URL in your project (``include("hostedpay.django.urls")`` under any
        prefix), reversed through the ``vpos`` namespace."""
        from django.urls import reverse

        kwargs = {"account": self.account}
        if self.token is not None:
            kwargs["token"] = self.token
        return reverse(f"vpos:{self.gateway}-notification", kwargs=kwargs)

    def post(self, client: Any = None, **extra: Any) -> Any:
        """POSTs it with Django's test ``client`` (a new ``django.test.Client`` by default)
        and returns the response."""
        if client is None:
            from django.test import Client

            client = Client()
        return client.post(self.path, data=self.body, content_type=self.content_type, **extra)

    def __repr__(self) -> str:
        # The body carries no secret, but the token is FloCash's URL secret: left out.
        return f"<hostedpay.testing.Notification {self.gateway}/{self.account} {self.content_type}, {len(self.body)} bytes>"


def notification(payment: Any, status: str = "paid", *, config: "Optional[Config]" = None,
                 account: Optional[str] = None, amount: Any = None,
                 transaction_id: Optional[str] = None) -> Notification:
    """The notification the gateway would send about ``payment`` reporting ``status``
    (``paid``, ``authorized``, ``failed``, ``refunded``).

    ``payment`` is a ``hostedpay.django`` payment (its gateway, account and amount are used, and its
    account's configuration unless ``config`` is given) or a dict ``{"order_id", "amount"}``
    with ``config`` (a :class:`hostedpay.driver.Config`). ``amount`` overrides the amount reported
    (a refund's); ``transaction_id`` the gateway's id, derived from the order id otherwise.
    Raises ``hostedpay.UnsupportedError`` for a status the gateway never sends.
    """
    if isinstance(payment, Mapping):
        if config is None:
            raise TypeError("notification(dict, ...) needs config=hostedpay.driver.Config(...)")
        order_id, reported = payment["order_id"], payment["amount"]
        gateway, name = config.gateway, account or "default"
    else:
        order_id, reported = payment.order_id, payment.amount_json()
        gateway, name = payment.gateway, account or payment.account
        if config is None:
            from hostedpay.django import conf

            config = conf.get_account(gateway, name).config
        elif config.gateway != gateway:
            raise ValueError(f"config is for {config.gateway}, the payment for {gateway}")
    spec: Dict[str, Any] = {"order_id": order_id, "amount": amount if amount is not None else reported,
                            "status": status}
    if transaction_id is not None:
        spec["transaction_id"] = transaction_id
    built = Notification(gateway, name, _native.notification(config, spec))
    with _lock:
        _configs[(gateway, name)] = config
        if built.proof is not None:
            _proofs[(built.proof["method"], built.proof["url"])] = built.proof
    return built


class FakeGateway:
    """An HTTP client (``(request, timeout) -> reply``, :func:`hostedpay.http.send`'s shape) that
    plays the gateway, as ``mode`` says (:data:`MODES`): it answers the requests that prove a
    notification built by :func:`notification` (FloCash's and PayPal's post-backs, Bitpay's
    invoice fetch) and the operations (refund, capture, release) of Redsys's REST API and
    Elavon's Remote API for the accounts in ``configs``, those notifications were built for,
    and the ``hostedpay.django`` accounts in the settings. Any other request gets a 404.
    ``requests`` holds what it was asked."""

    def __init__(self, mode: str = "verified", configs: "Sequence[Config]" = ()) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.mode = mode
        self.configs: List["Config"] = list(configs)
        self.requests: List[Dict[str, Any]] = []

    def __call__(self, request: Mapping[str, Any], timeout: float = 10.0) -> Dict[str, Any]:
        with _lock:
            self.requests.append(dict(request))
            proof = _proofs.get((str(request.get("method")), str(request.get("url"))))
            known = list(_configs.values())
        if proof is not None:
            return dict(_native.reply(proof, self.mode))
        for config in [*self.configs, *known, *_settings_configs()]:
            if config.gateway not in ("redsys", "elavon"):
                continue
            try:
                return dict(_native.operation_reply(config, dict(request), self.mode))
            except UnsupportedError:
                continue  # another account's URL
        return {"status": 404, "body": b"hostedpay.testing: no notification or operation of a known account"}


def _settings_configs() -> "List[Config]":
    """The configurations of the ``hostedpay.django`` accounts in the settings, when Django is set up."""
    try:
        from django.apps import apps
    except ImportError:
        return []
    if not apps.ready:
        return []
    from hostedpay.django import conf

    return [account.config for account in conf.load().accounts.values()]


def activate(gateway: FakeGateway) -> None:
    """Makes ``gateway`` the one :func:`http_client` forwards to (until :func:`deactivate`)."""
    with _lock:
        _current.append(gateway)


def deactivate(gateway: FakeGateway) -> None:
    """Undoes :func:`activate`; forgets the notifications built meanwhile once none is left."""
    with _lock:
        if gateway in _current:
            _current.remove(gateway)
        if not _current:
            _proofs.clear()
            _configs.clear()


def http_client(request: Mapping[str, Any], timeout: float = 10.0) -> Dict[str, Any]:
    """The current :class:`FakeGateway`, for ``VPOS_HTTP_CLIENT = "hostedpay.testing.http_client"``.
    Without one it answers like a gateway that never answers (``{"error": ...}``)."""
    with _lock:
        gateway = _current[-1] if _current else None
    if gateway is None:
        return {"error": "hostedpay.testing: no FakeGateway is active"}
    return gateway(request, timeout)

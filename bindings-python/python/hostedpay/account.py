"""Merchant-account rules from the core (mirrors ``vpos_core::account``).

::

    errors = hostedpay.account.config_errors("redsys", {"merchant_code": "x", ...})
    [(e.field, e.code) for e in errors]         # every bad key, not only the first
    hostedpay.account.endpoints("redsys", "production")   # {"checkout_url": ..., "rest_url": ...}
    hostedpay.account.check_refund(400, 1000, partial_refunds=False)   # raises UnsupportedError

``config_errors`` runs each gateway's own configuration rules (the ones ``Gateway(config)``
applies), so a configuration is accepted exactly when the list is empty.
"""

from __future__ import annotations

from hostedpay._hostedpay import account as _native

ENVIRONMENTS: list = list(_native.ENVIRONMENTS)


def config_errors(gateway, config):  # type: ignore[no-untyped-def]
    """Every problem with ``config`` as ``gateway``'s configuration: a list of
    :class:`hostedpay.VposError` (``ConfigError`` with ``.field`` naming the key, ``UnsupportedError``
    on ``gateway`` for an unknown one), sorted by key; empty when valid."""
    return _native.config_errors(gateway, config)


def endpoints(gateway, environment):  # type: ignore[no-untyped-def]
    """The gateway's published endpoints for ``"testing"`` or ``"production"``, as
    ``{config key: url}`` (empty when none are published)."""
    return dict(_native.endpoints(gateway, environment))


check_refund = _native.check_refund
check_preauthorisation = _native.check_preauthorisation

__all__ = ["ENVIRONMENTS", "config_errors", "endpoints", "check_refund", "check_preauthorisation"]

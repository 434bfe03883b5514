"""The payment state machine (mirrors ``vpos_core::state``).

``transition(payment, event)`` is pure: it reads a payment snapshot (a dict in the core's
``PaymentSnapshot`` shape) and a verified :class:`Event`, and returns an opaque
:class:`Outcome` saying what to store. ``Event`` and ``Outcome`` cannot be built from Python.
"""

from __future__ import annotations

from hostedpay._hostedpay import state as _native

Event = _native.Event
Outcome = _native.Outcome
transition = _native.transition
allowed = _native.allowed
PAYMENT_STATUSES = tuple(_native.PAYMENT_STATUSES)

__all__ = ["Event", "Outcome", "transition", "allowed", "PAYMENT_STATUSES"]

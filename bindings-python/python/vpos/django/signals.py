"""Signals of vpos.django.

``payment_status_changed``
    Sent after the transaction that moved a payment commits, exactly once per applied event.
    Arguments: ``sender`` (the payment model class), ``payment``, ``old_status``,
    ``new_status``, ``notification`` (the ``Notification`` row that carried it) and
    ``outcome`` (the core's outcome dict, ``{"outcome": "applied", "from", "to", ...}``).

``notification_processed``
    Sent for every notification once its verdict is stored, whatever it is (``applied``,
    ``already_applied``, ``ignored``, ``rejected``, ``invalid``, ``unverified``,
    ``postback_failed``, ``no_payment``, ``token_mismatch`` …): connect it to alert a person
    about the ones FloCash will keep retrying. Arguments: ``sender`` (``Notification``),
    ``notification``, ``verdict``.
"""

from django.dispatch import Signal

payment_status_changed = Signal()
notification_processed = Signal()

"""Signals of hostedpay.django.

``payment_status_changed``
    Sent after the transaction that moved a payment commits, for the ``PaymentEvent`` stored
    with the move (see :mod:`hostedpay.django.events`). Every receiver is called (``send_robust``);
    when one raises, the error is logged, the event stays undelivered and
    ``manage.py vpos_deliver_events`` sends it again (to every receiver: make them
    idempotent). The gateway's answer and the notification's verdict never depend on it.
    Arguments: ``sender`` (the payment model class), ``payment``, ``old_status``,
    ``new_status``, ``notification`` (the ``Notification`` row that carried it),
    ``outcome`` (the core's outcome dict, ``{"outcome": "applied", "from", "to", ...}``) and
    ``event`` (the ``PaymentEvent``).

``notification_processed``
    Sent for every notification once its verdict is stored, whatever it is (``applied``,
    ``already_applied``, ``ignored``, ``rejected``, ``invalid``, ``unverified``,
    ``postback_failed``, ``no_payment``, ``token_mismatch`` …): connect it to alert a person
    about the ones FloCash will keep retrying. Arguments: ``sender`` (``Notification``),
    ``notification``, ``verdict``. A receiver that raises is logged, not retried.
"""

from django.dispatch import Signal

payment_status_changed = Signal()
notification_processed = Signal()

"""The services of ``hostedpay.django``: what moves payments, between the models and the callers.

Layers, each importing only the ones below it (checked by ``make python-test`` with
import-linter, ``bindings-python/.importlinter``):

1. settings: ``conf`` (the ``VPOS`` setting), ``crypto``, ``signals``, ``logging``;
2. models: ``accounts`` (``MerchantAccount``), ``models`` (payments, notifications, operations,
   events);
3. services: ``services.notifications`` (applying a verified event under the row lock, the
   one path for notifications, operation replies and ``vpos_reconcile``), ``events``
   (delivering the stored ``PaymentEvent``), ``services.operations`` (refund, capture,
   release, stored-card charge on the core's driver; ``refunds`` re-exports it);
4. entry points: ``views``, ``urls``, ``admin``, ``accounts_admin``, ``checks``, ``apps``,
   ``templatetags`` and the management commands.

Every protocol decision is the core's (``hostedpay.driver``); these modules keep the world: the
database, row locks, HTTP clients and the clock.
"""

"""Every gateway behind one set of verbs (mirrors ``vpos_core::driver``): one configuration
type, one notification path, one operation path. A host using it never names a gateway's wire
field: which field is the order id, how a notification is proven, the verdict an error gets,
what a notification leaves on the payment, which configuration keys are secret and how an
operation is asked and read are all decided by the core. The Django app is built on it.

A notification, whatever the gateway::

    config = hostedpay.driver.Config("redsys", {...})            # ConfigError names the key
    if len(body) > hostedpay.driver.max_body_bytes(config.gateway):
        answer = hostedpay.driver.reject_unread(config.gateway)     # 413
    unverified = hostedpay.driver.parse_notification(config, content_type, body, token=url_token)
    store(unverified.summary)                                # order_id, transaction_id, status_code
    proof = hostedpay.driver.prove(config, unverified)
    if isinstance(proof, tuple):                             # post-back / invoice fetch
        request, pending = proof
        verified = pending.finish(config, hostedpay.http.send(request, timeout=10))
    else:
        verified = proof
    outcome = hostedpay.transition(locked_payment_snapshot, verified.event())
    answer = hostedpay.driver.acknowledge(config, verified, outcome)
    save(answer.verdict, answer.payment_fields); respond(answer.response)
    # on a VposError `e` at any step: answer = hostedpay.driver.reject(config.gateway, e)

An operation (refund, capture, release, stored-card charge)::

    hostedpay.driver.check_operation(snapshot, "refund", 500, in_flight_minor)
    op = hostedpay.driver.Operation.on_payment("refund", snapshot, amount=..., stored=fields,
                                          timestamp="20260101120000")
    request = hostedpay.driver.operation_request(config, op)
    reply = hostedpay.driver.parse_operation_reply(config, op, hostedpay.http.send(request, timeout=30))
    outcome = hostedpay.transition(snapshot, reply.event())
    status = hostedpay.driver.OperationStatus.after_reply("refund", reply.event(), outcome)
    # Retries: op = op.with_idempotency_key(hostedpay.driver.operation_key(gateway, merchant,
    # order_id, "refund", n)) (recorded; sent as PayPal's MSGSUBID), and after a failed attempt
    # wait hostedpay.driver.retry_after(gateway, attempt, reply or "not_sent") ms, or stop on None.

A checkout::

    order_id = hostedpay.driver.new_order_id("redsys", "26", os.urandom(12)) or my_order_id
    order = hostedpay.driver.Order.for_payment(config.gateway, {"order_id": order_id,
        "amount": {"value": "10.00", "currency": "EUR"}, "description": "Tea",
        "return_url": ..., "timestamp": "20260101120000"})       # or Order(gateway, {...own keys})
    result = hostedpay.driver.checkout(config, order)
    if not isinstance(result, hostedpay.http.RedirectForm):           # Bitpay: create the invoice
        result, reference = hostedpay.driver.parse_checkout_reply(config, hostedpay.http.send(result, timeout=10))
    render(result.to_html())

A status query (what became of a payment; PayPal and Bitpay, see docs/status-queries.md)::

    if hostedpay.driver.supports_status_query(config.gateway):
        query = hostedpay.driver.StatusQuery.on_payment(snapshot, stored=fields, reference=invoice_id)
        request = hostedpay.driver.status_query_request(config, query)
        answer = hostedpay.driver.parse_status_reply(config, query, hostedpay.http.send(request, timeout=10))
        for event in answer.events():                       # keyed as the notifications: applied once
            outcome = hostedpay.transition(locked_snapshot, event)
"""

from __future__ import annotations

from hostedpay._hostedpay import driver as _native

Config = _native.Config
Unverified = _native.Unverified
Verified = _native.Verified
Pending = _native.Pending
Answer = _native.Answer
Operation = _native.Operation
OperationReply = _native.OperationReply
OperationStatus = _native.OperationStatus
parse_notification = _native.parse_notification
prove = _native.prove
acknowledge = _native.acknowledge
reject = _native.reject
reject_unread = _native.reject_unread
unknown_account = _native.unknown_account
payment_not_found = _native.payment_not_found
max_body_bytes = _native.max_body_bytes
secret_keys = _native.secret_keys
supported_operations = _native.supported_operations
allowed_operations = _native.allowed_operations
check_operation = _native.check_operation
payment_amounts = _native.payment_amounts
operation_request = _native.operation_request
parse_operation_reply = _native.parse_operation_reply
operation_key = _native.operation_key
supports_idempotency_key = _native.supports_idempotency_key
retry_after = _native.retry_after
DEFAULT_RETRY_POLICY = dict(_native.DEFAULT_RETRY_POLICY)
Order = _native.Order
checkout = _native.checkout
parse_checkout_reply = _native.parse_checkout_reply
new_order_id = _native.new_order_id
StatusQuery = _native.StatusQuery
StatusReply = _native.StatusReply
supports_status_query = _native.supports_status_query
status_query_request = _native.status_query_request
parse_status_reply = _native.parse_status_reply
GATEWAYS = tuple(_native.GATEWAYS)
VERDICTS = tuple(_native.VERDICTS)
OPERATION_KINDS = tuple(_native.OPERATION_KINDS)

__all__ = [
    "Config",
    "Unverified",
    "Verified",
    "Pending",
    "Answer",
    "Operation",
    "OperationReply",
    "OperationStatus",
    "parse_notification",
    "prove",
    "acknowledge",
    "reject",
    "reject_unread",
    "unknown_account",
    "payment_not_found",
    "max_body_bytes",
    "secret_keys",
    "supported_operations",
    "allowed_operations",
    "check_operation",
    "payment_amounts",
    "operation_request",
    "parse_operation_reply",
    "operation_key",
    "supports_idempotency_key",
    "retry_after",
    "DEFAULT_RETRY_POLICY",
    "Order",
    "checkout",
    "parse_checkout_reply",
    "new_order_id",
    "StatusQuery",
    "StatusReply",
    "supports_status_query",
    "status_query_request",
    "parse_status_reply",
    "GATEWAYS",
    "VERDICTS",
    "OPERATION_KINDS",
]

"""What the shop owner reads in the admin: a refusal with what to fix and where, and an
account's environment as its URLs say.

``explain(error, account)`` turns a ``hostedpay.VposError`` into a translated sentence naming
the place to fix it (the merchant account's admin page, or the ``VPOS`` setting's key)::

    explain(e, payment.account_settings())
    # 'The Redsys account “default” is misconfigured: rest_url: … Fix it in the VPOS setting,
    #  VPOS['redsys']['rest_url'].'

``environment_of(gateway, urls)`` reads the environment from the URLs the account calls,
against the core's published endpoints (``hostedpay.account.endpoints``): an account whose
``environment`` says production but whose URLs point at a sandbox reads "sandbox".
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

import hostedpay

def where_to_fix(account: Any, field: str = "") -> str:
    """Where ``account``'s configuration (``field`` in it) is set, for the owner."""
    if account is None:
        return _("the VPOS setting")
    if getattr(account, "source", "") == "database" and getattr(account, "pk", None) is not None:
        try:
            url = reverse("admin:vpos_merchantaccount_change", args=[account.pk])
        except NoReverseMatch:
            url = ""
        place = _("the admin, Merchant accounts → %(name)s") % {"name": account.name}
        return f"{place} ({url})" if url else place
    base = f"VPOS[{account.gateway_name!r}]"
    if account.name != "default":
        base += f"['accounts'][{account.name!r}]"
    top = field.split(".")[0].split("[")[0] if field else ""
    return _("the VPOS setting, %(key)s") % {"key": base + (f"[{top!r}]" if top else "")}


def explain(error: hostedpay.VposError, account: Any = None, *, payment: Any = None, with_code: bool = True) -> str:
    """A refusal in the owner's words: what went wrong (with its code unless ``with_code`` is
    false), then what to do and where."""
    code = error.code
    field = error.field or ""
    gateway = account.gateway_name if account is not None else (payment.gateway if payment is not None else "")
    name = account.name if account is not None else ""
    detail = f"{error.message} ({code})" if with_code else error.message
    if code == "invalid_config" and account is not None:
        return _("The %(gateway)s account “%(name)s” is misconfigured: %(detail)s. Fix it in %(where)s.") % {
            "gateway": gateway, "name": name, "detail": detail, "where": where_to_fix(account, field)}
    if code == "gateway_error":
        return _("%(detail)s. The gateway refused the operation: its back office says why.") % {"detail": detail}
    if code == "unsupported":
        return _("%(detail)s. Do it in the gateway's own back office, or allow it on the account in "
                 "%(where)s.") % {"detail": detail, "where": where_to_fix(account, field)}
    if code == "refund_exceeds_amount" and payment is not None:
        left = hostedpay.money.to_decimal(hostedpay.money.from_minor(payment.refundable_minor(), payment.currency))
        return _("%(detail)s. At most %(left)s %(currency)s can still be refunded.") % {
            "detail": detail, "left": left, "currency": payment.currency}
    if code == "invalid_transition" and payment is not None:
        return _("%(detail)s. The payment is %(status)s: this operation does not apply to it.") % {
            "detail": detail, "status": payment.get_status_display()}
    if code == "gateway_unavailable":
        return _("%(detail)s. The gateway did not answer; the operation stays pending until "
                 "“manage.py vpos_reconcile” asks the gateway what became of it.") % {"detail": detail}
    if code in ("amount_mismatch", "amount_syntax", "amount_precision", "amount_negative", "amount_overflow",
                "currency_mismatch"):
        return _("%(detail)s. Check the amount (in %(currency)s, with its decimals).") % {
            "detail": detail, "currency": payment.currency if payment is not None else "-"}
    return detail


def account_urls(account: Any) -> Dict[str, str]:
    """The endpoint URLs an account calls or sends customers to (the keys of the core's
    published endpoints), read from its configuration without secrets (``Config.public()``)."""
    # The gateway's own configuration, never `account.config`: no PayPal REST token fetched for a page.
    return endpoint_urls(account.gateway_name, account.gateway.driver_config().public())


def endpoint_urls(gateway: str, config: Mapping[str, Any]) -> Dict[str, str]:
    """The values of ``config`` under the keys of the core's published endpoints for ``gateway``."""
    keys = set(hostedpay.account.endpoints(gateway, "production")) | set(hostedpay.account.endpoints(gateway, "testing"))
    return {k: v for k, v in sorted(config.items()) if k in keys and isinstance(v, str) and v}


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def environment_of(gateway: str, urls: Mapping[str, str]) -> Tuple[str, str]:
    """``(environment, host)``: ``"production"`` or ``"testing"`` when every URL is on that
    environment's published host, ``"sandbox"`` when one points at this machine (loopback),
    else ``"custom"``; ``host`` is the first host that decided it (``""`` when none)."""
    published = {env: {_host(u) for u in hostedpay.account.endpoints(gateway, env).values()}
                 for env in ("production", "testing")}
    hosts = [h for h in (_host(u) for u in urls.values()) if h]
    if not hosts:
        return ("", "")
    for host in hosts:
        bare = host.rsplit(":", 1)[0].strip("[]") if not host.startswith("[") else host[1:].split("]")[0]
        if bare in ("localhost", "127.0.0.1", "::1") or bare.startswith("127."):
            return ("sandbox", host)
    for env in ("production", "testing"):
        if all(h in published[env] for h in hosts):
            return (env, hosts[0])
    return ("custom", next((h for h in hosts if h not in published["production"] | published["testing"]), hosts[0]))


def environment_label(code: str, host: str = "", declared: Optional[str] = None) -> str:
    """``environment_of``'s answer for a person, noting a disagreement with the declared
    environment (``live``/``environment``)."""
    labels = {"production": _("production"), "testing": _("testing"), "sandbox": _("sandbox"),
              "custom": _("custom endpoint")}
    text = labels.get(code, declared or "-")
    if host and code in ("sandbox", "custom"):
        text = f"{text} ({host})"
    if declared and code and declared != code:
        text = _("%(env)s, declared %(declared)s") % {"env": text, "declared": labels.get(declared, declared)}
    return text

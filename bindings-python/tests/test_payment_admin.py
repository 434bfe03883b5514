"""The payment admin and the account admin as an owner meets them (issue 18 item 2), through
the Django test client and a real database: amounts in major units, money fields read-only and
deletion refused once a notification is applied, the payment page's refund form moving
``refunded_minor`` through a real HTTP server answering like Redsys, refusals that say what
to fix and where, the environment read from an account's URLs, and the add-account form of one
gateway."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

import hostedpay
from hostedpay.django import owner
from hostedpay.django.accounts import MerchantAccount
from hostedpay.django.models import Notification, Payment, Refund

from tests.conftest import FLOCASH
from tests.redsys_helpers import REDSYS, RestServer, signed_notification

pytestmark = pytest.mark.django_db(transaction=True)
CT = "application/x-www-form-urlencoded"


@pytest.fixture
def keys(settings: Any) -> list:
    """A fresh Fernet key in VPOS_ENCRYPTION_KEYS (database accounts' secrets)."""
    from cryptography.fernet import Fernet

    settings.VPOS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    return list(settings.VPOS_ENCRYPTION_KEYS)


@pytest.fixture
def staff(client: Any) -> Any:
    client.force_login(get_user_model().objects.create_superuser("owner", "owner@example.com", "pw"))
    return client


def paid(client: Any, amount: str = "49.99") -> Payment:
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal(amount), item_name="Tea")
    minor = hostedpay.money.parse(amount, "EUR")["minor"]
    assert client.post("/vpos/redsys/default/", signed_notification(REDSYS, payment.order_id, minor),
                       content_type=CT).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    return payment


def page(staff: Any, payment: Payment) -> str:
    response = staff.get(f"/admin/vpos/payment/{payment.pk}/change/")
    assert response.status_code == 200
    return str(response.content.decode())


#: The management forms of the payment page's two read-only inlines.
INLINES = {f"{prefix}-{key}": value for prefix in ("notifications", "refunds")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"),
                              ("MAX_NUM_FORMS", "1000"))}


def messages_of(response: Any) -> list:
    return [str(m) for m in response.context["messages"]]


def test_amount_in_major_units_editable_until_a_notification_is_applied(settings: Any, staff: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("49.99"))
    html = page(staff, payment)
    assert 'name="amount" value="49.99"' in html and "minor units" not in html
    form = {"gateway": "redsys", "account": "default", "order_id": payment.order_id, "currency": "EUR",
            "quantity": "1", "live": "on", "amount": "12.345", "item_price": "", **INLINES}
    refused = staff.post(f"/admin/vpos/payment/{payment.pk}/change/", form)
    assert refused.status_code == 200 and "amount_precision" in refused.content.decode()
    assert Payment.objects.get(pk=payment.pk).amount_minor == 4999
    saved = staff.post(f"/admin/vpos/payment/{payment.pk}/change/", {**form, "amount": "12.50"})
    assert saved.status_code == 302
    assert Payment.objects.get(pk=payment.pk).amount_minor == 1250
    # Not applied yet: it may still be deleted.
    assert staff.get(f"/admin/vpos/payment/{payment.pk}/delete/").status_code == 200


def test_money_read_only_and_no_deletion_once_applied(settings: Any, client: Any, staff: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    payment = paid(client)
    html = page(staff, payment)
    for name in ("amount", "currency", "gateway", "account", "order_id"):
        assert f'name="{name}"' not in html, name
    assert "49.99 EUR" in html and 'name="item_name"' in html  # the rest stays editable
    # Posting the money anyway changes nothing.
    staff.post(f"/admin/vpos/payment/{payment.pk}/change/", {"item_name": "Green tea", "amount": "1.00",
                                                              "gateway": "flocash", "order_id": "X", **INLINES})
    row = Payment.objects.get(pk=payment.pk)
    assert (row.amount_minor, row.gateway, row.order_id, row.item_name) == (4999, "redsys", payment.order_id,
                                                                           "Green tea")
    assert staff.get(f"/admin/vpos/payment/{payment.pk}/delete/").status_code == 403
    assert staff.post(f"/admin/vpos/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    staff.post("/admin/vpos/payment/", {"action": "delete_selected", "_selected_action": [payment.pk],
                                        "post": "yes"})
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_partial_refund_from_the_payment_page(settings: Any, client: Any, staff: Any) -> None:
    with RestServer(REDSYS) as rest:
        settings.VPOS = {"redsys": {**REDSYS, "rest_url": rest.url, "rest_timeout": 10}}
        payment = paid(client)
        html = page(staff, payment)
        assert 'id="vpos-refundable">49.99 EUR<' in html and 'action="/admin/vpos/payment/' in html
        assert '<option value="refund"' in html
        done = staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "10.00"},
                          follow=True)
        assert any(m.startswith(f"{payment.order_id}: refund succeeded — Refund of 10.00 EUR: Succeeded")
                   for m in messages_of(done)), messages_of(done)
        payment.refresh_from_db()
        assert (payment.status, payment.refunded_minor) == ("partially_refunded", 1000)
        assert len(rest.stand_in.requests) == 1
        assert 'id="vpos-refundable">39.99 EUR<' in done.content.decode()
        # More than is left: refused before anything is asked, saying how much is left.
        refused = staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "40.00"},
                             follow=True)
        assert any("refund_exceeds_amount" in m and "At most 39.99 EUR can still be refunded" in m
                   for m in messages_of(refused)), messages_of(refused)
        assert len(rest.stand_in.requests) == 1
        # Blank: all that is left.
        staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": ""})
        payment.refresh_from_db()
        assert (payment.status, payment.refunded_minor) == ("refunded", 4999)
        assert list(Refund.objects.filter(payment=payment).order_by("id").values_list("amount_minor", flat=True)) \
            == [1000, 3999]
    # A GET asks nothing.
    assert staff.get(f"/admin/vpos/payment/{payment.pk}/operate/").status_code == 405


def test_a_refusal_says_what_to_fix_and_where(settings: Any, client: Any, staff: Any) -> None:
    config = {k: v for k, v in REDSYS.items() if k != "rest_url"}
    settings.VPOS = {"redsys": config}
    payment = paid(client)
    done = staff.post(f"/admin/vpos/payment/{payment.pk}/operate/", {"vpos-kind": "refund", "vpos-amount": "1.00"},
                      follow=True)
    shown = messages_of(done)
    assert any("invalid_config" in m and "Fix it in the VPOS setting, VPOS['redsys']['rest_url']" in m
               for m in shown), shown
    assert not Refund.objects.exists()


def test_environment_from_the_urls() -> None:
    live = hostedpay.account.endpoints("redsys", "production")
    test = hostedpay.account.endpoints("redsys", "testing")
    assert owner.environment_of("redsys", live)[0] == "production"
    assert owner.environment_of("redsys", test)[0] == "testing"
    assert owner.environment_of("redsys", {"checkout_url": "http://127.0.0.1:8700/sis/realizarPago"}) == (
        "sandbox", "127.0.0.1:8700")
    assert owner.environment_of("redsys", {"checkout_url": "https://pay.example/x"}) == ("custom", "pay.example")
    assert owner.environment_label("sandbox", "127.0.0.1:8700", "production") == \
        "sandbox (127.0.0.1:8700), declared production"


def test_account_lists_show_the_environment_of_their_urls(settings: Any, staff: Any, keys: list) -> None:
    sandbox = "http://127.0.0.1:8700"
    settings.VPOS = {"flocash": dict(FLOCASH), "redsys": {**REDSYS, "checkout_url": f"{sandbox}/sis/realizarPago",
                                                          "rest_url": f"{sandbox}/sis/rest/trataPeticionREST"}}
    row = MerchantAccount(gateway="redsys", name="shop-b", environment="production",
                          configuration={"merchant_code": "999008881", "terminal": "2",
                                         "checkout_url": f"{sandbox}/sis/realizarPago"})
    row.set_secrets({"secret_key": REDSYS["secret_key"]})
    row.save()
    html = staff.get("/admin/vpos/merchantaccount/").content.decode()
    assert html.count("sandbox (127.0.0.1:8700), declared production") == 2, html  # the row and the setting's


def test_add_account_form_of_one_gateway(settings: Any, staff: Any, keys: list) -> None:
    settings.VPOS = {"flocash": dict(FLOCASH)}
    html = staff.get("/admin/vpos/merchantaccount/add/?gateway=redsys").content.decode()
    assert 'id="id_redsys_secret_key"' in html and 'id="id_ceca_key"' not in html
    configuration = html.split('id="id_configuration"', 1)[1].split("</textarea>", 1)[0]
    assert "merchant_code" in configuration and "terminal" in configuration  # the gateway's template
    templates = json.loads(html.split('id="vpos-config-templates"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])
    assert set(templates) == set(hostedpay.driver.GATEWAYS) and "merchant_code" in templates["redsys"]
    # PayPal REST: the REST app's id, the payee and the webhook subscription; the secret has its
    # own write-only field, the token is never asked.
    assert templates["paypal_rest"] == {"client_id": "", "merchant": "", "webhook_id": ""}
    html = staff.get("/admin/vpos/merchantaccount/add/?gateway=paypal_rest").content.decode()
    assert 'id="id_paypal_rest_secret"' in html and "access_token" not in html
    # The add form without a gateway holds every gateway's fields, for its script to choose.
    assert 'id="id_ceca_key"' in staff.get("/admin/vpos/merchantaccount/add/").content.decode()
    # The core's per-field errors land on the fields.
    refused = staff.post("/admin/vpos/merchantaccount/add/?gateway=redsys", {
        "gateway": "redsys", "name": "brand-x", "environment": "testing", "active": "on",
        "configuration": json.dumps({"merchant_code": "x", "terminal": "2"}), "redsys_secret_key": "short",
        "partial_refunds": "on", "total_refunds": "on", "preauthorisation": "on", "postback_timeout": "10",
        "rest_timeout": "30"})
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "merchant_code" in " ".join(errors["configuration"]) and "redsys_secret_key" in errors
    assert not MerchantAccount.objects.exists()


def test_notification_rows_are_counted_applied_only_when_applied(settings: Any, staff: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    payment = Payment.objects.create(gateway="redsys", currency="EUR", amount=Decimal("5"))
    # A notification that was refused leaves the money editable.
    Notification.objects.create(gateway="redsys", body=b"x", payment=payment, verdict="unverified")
    assert 'name="amount"' in page(staff, payment)


def test_a_payment_added_in_the_admin_takes_its_amount_in_major_units(settings: Any, staff: Any) -> None:
    settings.VPOS = {"redsys": dict(REDSYS)}
    response = staff.post("/admin/vpos/payment/add/", {
        "gateway": "redsys", "account": "default", "order_id": "1234ADMIN001", "currency": "EUR", "quantity": "1",
        "live": "on", "amount": "2.50", "item_price": "2.50", **INLINES})
    assert response.status_code == 302, response.context["adminform"].form.errors
    payment = Payment.objects.get()
    assert (payment.amount_minor, payment.item_price_minor, payment.status) == (250, 250, "new")
    assert payment.merchant == REDSYS["merchant_code"]  # filled from the account, as on any save

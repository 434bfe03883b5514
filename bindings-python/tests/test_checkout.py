"""The checkout form: template tag and view helper render the core's form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from hostedpay.django.models import Payment
from hostedpay.django.views import render_checkout

from tests.conftest import FLOCASH

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(settings) -> Payment:
    settings.VPOS = {"flocash": {**FLOCASH, "return_url": "https://shop.example/thanks"}}
    return Payment.objects.create(order_id="AT000001", custom="C0000001", item_name='Tea & "cake" <b>',
                                  currency="USD", amount=Decimal("5.00"), item_price=Decimal("2.50"), quantity=2)


def render(source: str, **context) -> str:
    return Template("{% load vpos %}" + source).render(Context(context))


def test_tag_renders_hidden_fields_escaped_by_the_core(payment: Payment) -> None:
    html = render("{% vpos_checkout_form payment %}", payment=payment)
    assert '<form class="vpos-redirect" action="https://fcms.flocash.com/ecom/ecommerce.do" method="post"' in html
    for name, value in [("merchant", "test@merchant.com"), ("order_id", "AT000001"), ("amount", "5.00"),
                        ("item_price", "2.50"), ("quantity", "2"), ("currency_code", "USD"),
                        ("return_url", "https://shop.example/thanks")]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert 'value="Tea &amp; &quot;cake&quot; &lt;b&gt;"' in html  # escaped once, by the core
    assert "<script>" not in html and "Continue to payment" in html
    assert html == payment.checkout_form().to_html()


def test_tag_auto_submit_and_overrides(payment: Payment) -> None:
    html = render("{% vpos_checkout_form payment auto_submit=True cancel_url=url %}", payment=payment,
                  url="https://shop.example/cancel")
    assert ".submit();</script>" in html and "<noscript>" in html
    assert '<input type="hidden" name="cancel_url" value="https://shop.example/cancel">' in html


def test_tag_accepts_a_form(payment: Payment) -> None:
    form = payment.checkout_form()
    assert render("{% vpos_checkout_form form %}", form=form) == form.to_html()
    assert form.__html__() == form.to_html()  # Jinja2 / markupsafe treat it as markup


def test_render_checkout_view_helper(payment: Payment) -> None:
    request = RequestFactory().get("/pay/")
    response = render_checkout(request, payment, customer={"first_name": "Joan"})
    response.render()
    html = response.content.decode()
    assert response.status_code == 200 and ".submit();</script>" in html
    assert '<input type="hidden" name="user_firstName" value="Joan">' in html


def test_invalid_order_raises_the_core_error(payment: Payment) -> None:
    import hostedpay

    payment.custom = ""
    with pytest.raises(hostedpay.ParseError) as exc:
        payment.checkout_form()
    assert (exc.value.code, exc.value.field) == ("field_missing", "custom")

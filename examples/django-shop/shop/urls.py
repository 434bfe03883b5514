from django.contrib import admin
from django.urls import include, path

from store import card3ds, views

urlpatterns = [
    path("", views.product, name="product"),
    path("orders/", views.buy, name="buy"),
    path("orders/<uuid:key>/", views.order, name="order"),
    path("orders/<uuid:key>/checkout/", views.checkout, name="checkout"),
    path("orders/<uuid:key>/status.json", views.status, name="status"),
    path("orders/<uuid:key>/pay/<str:gateway>/", views.pay, name="pay"),
    # CECA's URL_OK / URL_NOK, and Santander Elavon's response URL (through the browser).
    path("return/", views.back, name="back"),
    path("elavon/response/", views.ElavonResponse.as_view(), name="elavon-response"),
    # PayPal (Orders v2)'s return_url: the approved order is captured there.
    path("orders/<uuid:key>/paypal/return/", views.paypal_return, name="paypal-return"),
    # Card (Redsys, 3-D Secure in page): the card form and 3-D Secure pages are hostedpay.django's.
    path("orders/<uuid:key>/pay-card/", card3ds.pay_card, name="pay-card"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the page's language picker
    # FloCash posts to vpos/flocash/default/<token>/, Redsys, CECA, PayPal, PayPal REST and Bitpay to
    # vpos/<gateway>/default/: hostedpay.django stores, verifies, applies.
    path("vpos/", include("hostedpay.django.urls")),
]

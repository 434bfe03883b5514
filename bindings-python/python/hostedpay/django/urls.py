"""URLs: ``include("hostedpay.django.urls")`` under a prefix of your choice (``vpos/``, say).

``flocash/<account>/<token>/`` receives FloCash notifications; register
``https://<host>/<prefix>/flocash/default/<notification_token>/`` in FloCash's back office (or
set ``notify_url``). ``redsys/<account>/`` receives Redsys notifications (HTTP-POST and SOAP):
set it as ``merchant_url`` (``DS_MERCHANT_MERCHANTURL``) or in Redsys's back office.
``paypal/<account>/`` receives PayPal IPNs: set it as ``notify_url``. ``ceca/<account>/``
receives CECA notifications: set it as the on-line communication URL in Cecabank's panel.
``elavon/<account>/`` receives Santander Elavon's HPP responses: set it as ``response_url``.
``bitpay/<account>/`` receives Bitpay notifications: set it as ``notification_url``.
``paypal_rest/<account>/`` receives PayPal REST webhooks: subscribe it in the REST app (its id is
the account's ``webhook_id``). ``card3ds/<flow>/…`` are the Redsys host-to-host card pages with
EMV 3-D Secure (:mod:`hostedpay.django.card3ds`; a flow is opened by ``card3ds.start``). djflocash projects that registered ``/notification/<token>/`` can also
include ``hostedpay.django.urls.djflocash_urlpatterns`` at the root.
"""

from django.urls import path

from hostedpay.django import card3ds
from hostedpay.django.conf import DEFAULT_ACCOUNT
from hostedpay.django.views import NotificationView

app_name = "vpos"

#: The registration of each gateway: its URL (FloCash's carries the secret token) and name.
#: One view class serves them all; the core's driver decides everything else.
urlpatterns = [
    path("flocash/<str:account>/<str:token>/", NotificationView.as_view(gateway_name="flocash"),
         name="flocash-notification"),
    path("redsys/<str:account>/", NotificationView.as_view(gateway_name="redsys"), name="redsys-notification"),
    path("paypal/<str:account>/", NotificationView.as_view(gateway_name="paypal"), name="paypal-notification"),
    path("ceca/<str:account>/", NotificationView.as_view(gateway_name="ceca"), name="ceca-notification"),
    path("elavon/<str:account>/", NotificationView.as_view(gateway_name="elavon"), name="elavon-notification"),
    path("bitpay/<str:account>/", NotificationView.as_view(gateway_name="bitpay"), name="bitpay-notification"),
    path("paypal_rest/<str:account>/", NotificationView.as_view(gateway_name="paypal_rest"),
         name="paypal_rest-notification"),
    # Redsys host-to-host card payments with EMV 3-D Secure (hostedpay.django.card3ds).
    path("card3ds/<str:flow>/", card3ds.CardView.as_view(), name="card3ds-card"),
    path("card3ds/<str:flow>/method/", card3ds.MethodNotificationView.as_view(), name="card3ds-method"),
    path("card3ds/<str:flow>/authenticate/", card3ds.AuthenticateView.as_view(), name="card3ds-authenticate"),
    path("card3ds/<str:flow>/cres/", card3ds.ChallengeResultView.as_view(), name="card3ds-cres"),
]

#: djflocash's URL, ``notification/<token>/``, for the default FloCash account.
djflocash_urlpatterns = [
    path("notification/<str:token>/", NotificationView.as_view(gateway_name="flocash"), {"account": DEFAULT_ACCOUNT},
         name="vpos-flocash-notification-legacy"),
]

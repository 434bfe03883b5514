"""URLs: ``include("vpos.django.urls")`` under a prefix of your choice (``vpos/``, say).

``flocash/<account>/<token>/`` receives FloCash notifications; register
``https://<host>/<prefix>/flocash/default/<notification_token>/`` in FloCash's back office (or
set ``notify_url``). ``redsys/<account>/`` receives Redsys notifications (HTTP-POST and SOAP):
set it as ``merchant_url`` (``DS_MERCHANT_MERCHANTURL``) or in Redsys's back office. djflocash projects that registered ``/notification/<token>/`` can also
include ``vpos.django.urls.djflocash_urlpatterns`` at the root.
"""

from django.urls import path

from vpos.django.conf import DEFAULT_ACCOUNT
from vpos.django.views import FlocashNotificationView, RedsysNotificationView

app_name = "vpos"

urlpatterns = [
    path("flocash/<str:account>/<str:token>/", FlocashNotificationView.as_view(), name="flocash-notification"),
    path("redsys/<str:account>/", RedsysNotificationView.as_view(), name="redsys-notification"),
]

#: djflocash's URL, ``notification/<token>/``, for the default FloCash account.
djflocash_urlpatterns = [
    path("notification/<str:token>/", FlocashNotificationView.as_view(), {"account": DEFAULT_ACCOUNT},
         name="vpos-flocash-notification-legacy"),
]

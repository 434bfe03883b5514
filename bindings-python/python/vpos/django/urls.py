"""URLs: ``include("vpos.django.urls")`` under a prefix of your choice (``vpos/``, say).

``flocash/<account>/<token>/`` receives FloCash notifications; register
``https://<host>/<prefix>/flocash/default/<notification_token>/`` in FloCash's back office (or
set ``notify_url``). djflocash projects that registered ``/notification/<token>/`` can also
include ``vpos.django.urls.djflocash_urlpatterns`` at the root.
"""

from django.urls import path

from vpos.django.conf import DEFAULT_ACCOUNT
from vpos.django.views import FlocashNotificationView

app_name = "vpos"

urlpatterns = [
    path("flocash/<str:account>/<str:token>/", FlocashNotificationView.as_view(), name="flocash-notification"),
]

#: djflocash's URL, ``notification/<token>/``, for the default FloCash account.
djflocash_urlpatterns = [
    path("notification/<str:token>/", FlocashNotificationView.as_view(), {"account": DEFAULT_ACCOUNT},
         name="vpos-flocash-notification-legacy"),
]

"""The bench's URLs: the vpos app under vpos/, the plain python-redsys view at plain/redsys/."""

from django.urls import include, path

from plainapp.views import notification

urlpatterns = [
    path("vpos/", include("hostedpay.django.urls")),
    path("plain/redsys/", notification),
]

from django.contrib import admin
from django.urls import include, path

from hostedpay.django.urls import djflocash_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("vpos/", include("hostedpay.django.urls")),
    *djflocash_urlpatterns,
]

from django.contrib import admin
from django.urls import include, path

from vpos.django.urls import djflocash_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("vpos/", include("vpos.django.urls")),
    *djflocash_urlpatterns,
]

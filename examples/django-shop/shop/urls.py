from django.contrib import admin
from django.urls import include, path

from store import views

urlpatterns = [
    path("", views.product, name="product"),
    path("orders/", views.buy, name="buy"),
    path("orders/<uuid:key>/", views.order, name="order"),
    path("orders/<uuid:key>/checkout/", views.checkout, name="checkout"),
    path("orders/<uuid:key>/status.json", views.status, name="status"),
    path("admin/", admin.site.urls),
    # FloCash posts to vpos/flocash/default/<token>/: vpos.django stores, verifies, applies.
    path("vpos/", include("vpos.django.urls")),
]

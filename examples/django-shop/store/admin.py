from django.contrib import admin

from store.models import Order, Product, StatusChange


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "currency")


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("at", "old_status", "new_status", "notification_id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("payment", "product", "quantity", "created")
    readonly_fields = ("key", "product", "quantity", "payment", "created")
    inlines = [StatusChangeInline]

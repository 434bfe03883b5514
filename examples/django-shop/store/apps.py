from django.apps import AppConfig


class StoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "store"
    verbose_name = "Demo store"

    def ready(self):
        from store import receivers  # noqa: F401  (connects payment_status_changed)

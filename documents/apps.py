from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Governing documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import cache

        cache.connect()  # cached register output follows every change

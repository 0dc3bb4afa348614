from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    name = "reading"
    verbose_name = _("Read acknowledgement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from documents import protection

        from .models import CONFIRMATION_RULES

        protection.register(self.label, CONFIRMATION_RULES)  # confirmations are append-only

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        # The refusals are subclasses of audit.refusals.Refusal: imported here so that
        # workflows.refusals.all_refusals finds them.
        from . import refusals  # noqa: F401

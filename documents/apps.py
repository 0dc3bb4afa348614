from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Governing documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from . import cache, org_import, protection

        cache.connect()  # cached register output follows every change
        org_import.register()  # the diary series sheet of the organisation file
        # The database's own refusals (triggers), kept through every migrate.
        protection.register(self.label, protection.DOCUMENT_RULES)
        pre_migrate.connect(protection.before_migrate, dispatch_uid="styrdok_protection_pre")
        post_migrate.connect(protection.after_migrate, dispatch_uid="styrdok_protection_post")

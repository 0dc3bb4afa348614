from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    name = "reading"
    verbose_name = _("Read acknowledgement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from documents import protection
        from workflows.unread import register_unread_counter

        from .context_processors import remember_at_login
        from .models import CONFIRMATION_RULES
        from .selectors import unread_counts

        protection.register(self.label, CONFIRMATION_RULES)  # confirmations are append-only
        # The yearly review report's "unread" factor (workflows may not import reading).
        register_unread_counter(unread_counts)
        # The menu's count is worked out at log-in, so most pages cost no query for it.
        user_logged_in.connect(remember_at_login, dispatch_uid="styrdok_reading_nav")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mail about cases and documents, preferences, follows, the register's feed and the
    mail queue's admin. Between ``documents`` and ``workflows``: workflows calls it with
    plain facts (recipients, diarienummer, links); it never imports workflows."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

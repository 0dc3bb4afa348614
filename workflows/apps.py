from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Cases and workflow")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        from documents import access as document_access
        from documents import protection

        from . import org_ending, signals  # noqa: F401 - signals connects the audit receivers
        from .admin import guard_history_views
        from .case_answers import CaseAnswers
        from .record_protection import AUDIT_RULES

        protection.register(self.label, AUDIT_RULES)  # the audit trail is insert-only
        # documents asks about cases through this hook instead of importing workflows.
        document_access.register_case_questions(CaseAnswers())
        # The organisation import asks what open cases still need before it ends anything.
        org_ending.register()

        # After every app's admin module has registered its models (autodiscover runs in
        # the admin app's ready(), which comes first).
        guard_history_views(admin.site)

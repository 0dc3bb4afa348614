"""The admin of the lifecycle: the audit trail (read-only) and viewflow's own models.

The admin is for administrators only: staff users with the model permission for what
they open, and superusers. What a non-superuser sees of case material is limited by the
access module, exactly as everywhere else.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from audit import tracking
from audit.models import AuditEntry

from . import access
from .models import Meeting, RegisteredRecord


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit trail: readable, never writable. Non-superusers see the entries of the
    cases they may see."""

    list_display = [
        "at",
        "actor",
        "acting_as",
        "as_substitute",
        "action",
        "target_label",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", "target_type", "as_substitute"]
    search_fields = ["target_label", "comment", "actor__username", "actor__last_name"]
    date_hierarchy = "at"
    list_select_related = ["actor", "acting_as"]
    readonly_fields = ["changes_shown"]

    def get_queryset(self, request):
        return access.case_material_in(request.user, super().get_queryset(request))

    @admin.display(description=_("Changes"))
    def changes_shown(self, obj: AuditEntry) -> str:
        return tracking.changes_text(obj)


class SuperuserOnlyMixin(ReadOnlyMixin):
    """viewflow's process and task lists show every case of every flow (with participants'
    names): only superusers may open them, and nobody changes them here."""

    def has_module_permission(self, request) -> bool:
        return access.can_see_engine_records(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_see_engine_records(request.user)


class ProcessAdmin(SuperuserOnlyMixin, viewflow_admin.ProcessAdmin):
    pass


class TaskAdmin(SuperuserOnlyMixin, viewflow_admin.TaskAdmin):
    pass


for model, model_admin in [(Process, ProcessAdmin), (Task, TaskAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


def guard_history_views(site: admin.AdminSite) -> None:
    """Django's object history page looks the object up before it checks permissions, so
    a staff user without them would tell an existing id (403) from a missing one (a
    redirect). Check the model permission first, for every registered model."""
    from django.core.exceptions import PermissionDenied

    for model_admin in site._registry.values():
        if getattr(model_admin, "_history_guarded", False):
            continue
        original = model_admin.history_view

        def history_view(request, object_id, extra_context=None, _ma=model_admin, _view=original):
            if not _ma.has_view_or_change_permission(request):
                raise PermissionDenied
            return _view(request, object_id, extra_context)

        model_admin.history_view = history_view
        model_admin._history_guarded = True


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The bodies' meeting calendars, readable. Meetings are planned on the desk's meetings
    page (``actions.meetings.plan_meeting``: the registrar, or the body's own secretary, with an
    audit entry); the admin would let anyone with the model permission plan, move or
    delete any body's meeting, also one matters are aimed at or decided in."""

    list_display = ["date", "body", "deadline", "place"]
    list_filter = ["body"]
    date_hierarchy = "date"
    list_select_related = ["body"]
    search_fields = ["body__name", "body__short_name", "place"]


@admin.register(RegisteredRecord)
class RegisteredRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Registered records: readable here; registered on the case page (with an audit entry).
    Non-superusers see the records of the cases they may see."""

    list_display = ["case", "sequence", "direction", "record_date", "counterpart", "subject"]
    list_filter = ["direction"]
    search_fields = ["subject", "counterpart"]
    list_select_related = ["case__diary_entry__series"]

    def get_queryset(self, request):
        return access.case_material_in(request.user, super().get_queryset(request))

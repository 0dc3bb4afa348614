from django.contrib import admin

from .models import AuditEntry, Meeting, RegisteredRecord


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: readable, never writable."""

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

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """The bodies' meeting calendars (also planned on the desk's meetings page)."""

    list_display = ["date", "body", "deadline", "place"]
    list_filter = ["body"]
    date_hierarchy = "date"
    list_select_related = ["body"]
    search_fields = ["body__name", "body__short_name", "place"]


@admin.register(RegisteredRecord)
class RegisteredRecordAdmin(admin.ModelAdmin):
    """Registered records: readable here; registered on the case page (with an audit entry)."""

    list_display = ["case", "sequence", "direction", "record_date", "counterpart", "subject"]
    list_filter = ["direction"]
    search_fields = ["subject", "counterpart"]
    list_select_related = ["case__diary_entry__series"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

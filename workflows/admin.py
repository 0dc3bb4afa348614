from django.contrib import admin

from .models import AuditEntry


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

"""Read confirmations in the admin: readable by administrators, never changed."""

from django.contrib import admin

from workflows.admin import ReadOnlyMixin

from .models import ReadConfirmation


@admin.register(ReadConfirmation)
class ReadConfirmationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["confirmed_at", "user", "version", "version_number"]
    search_fields = ["user__username", "user__last_name", "version__title"]
    date_hierarchy = "confirmed_at"
    list_select_related = ["user", "version"]

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_inlines import LabelledTabularInline
from .models import (
    Body,
    BodyMembership,
    OrganisationImport,
    Position,
    PositionHolding,
    Process,
    SamverkanGroup,
    Substitution,
    Union,
    UnionRepresentative,
    Unit,
    UnitLevel,
)


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "depth", "chief_title", "samverkan_level", "is_active"]
    list_filter = ["samverkan_level", "is_active"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "code", "level", "responsible_body", "is_active"]
    list_filter = ["level", "responsible_body", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["level", "responsible_body"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return "\u2003" * (obj.path.count("/") - 2) + obj.name


class BodyMembershipInline(LabelledTabularInline):
    model = BodyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "prepares_for", "secretary_position", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["secretary_position"]
    inlines = [BodyMembershipInline]


class PositionHoldingInline(LabelledTabularInline):
    model = PositionHolding
    extra = 0
    autocomplete_fields = ["user"]


class SubstitutionInline(LabelledTabularInline):
    model = Substitution
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "kind", "unit", "is_active"]
    list_filter = ["kind", "unit__level", "is_active"]
    search_fields = [
        "title",
        "code",
        "unit__name",
        "holdings__user__username",
        "holdings__user__last_name",
    ]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [PositionHoldingInline, SubstitutionInline]


@admin.register(PositionHolding)
class PositionHoldingAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "start", "end"]
    list_filter = ["position__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "position__title"]
    autocomplete_fields = ["user", "position"]
    date_hierarchy = "start"


@admin.register(Substitution)
class SubstitutionAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "start", "end", "reason"]
    list_filter = ["position__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "position__title"]
    autocomplete_fields = ["user", "position"]
    date_hierarchy = "start"


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_position", "unit", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["name", "owner_position__title"]
    autocomplete_fields = ["owner_position", "unit"]


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class UnionRepresentativeInline(LabelledTabularInline):
    model = UnionRepresentative
    extra = 0
    autocomplete_fields = ["user", "union"]


@admin.register(SamverkanGroup)
class SamverkanGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "unit", "chair_position", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit", "chair_position"]
    inlines = [UnionRepresentativeInline]


@admin.register(OrganisationImport)
class OrganisationImportAdmin(admin.ModelAdmin):
    """The runs of the organisation import, read only; the import itself is its own page."""

    list_display = ["filename", "uploaded_at", "uploaded_by", "status", "applied_at"]
    list_filter = ["status"]
    fields = ["filename", "uploaded_at", "uploaded_by", "ends_from", "status", "applied_at"]
    readonly_fields = fields
    change_list_template = "admin/org/organisationimport/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

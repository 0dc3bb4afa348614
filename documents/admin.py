from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from org.admin_inlines import LabelledTabularInline
from org.models import PositionKind

from . import access
from .models import (
    AdoptionRule,
    DiaryEntry,
    DiarySeries,
    Document,
    DocumentType,
    DocumentVersion,
    MandatePeriod,
)

# The admin is for administrators: staff users with the model permission for what they
# open (Django's own check), and superusers. Case material (documents never adopted,
# drafts, diary entries of cases) is further limited, for anyone but a superuser, to what
# the access module lets the user see anywhere else.


class AdoptionRuleInline(LabelledTabularInline):
    model = AdoptionRule
    extra = 0


class DocumentTypeForm(forms.ModelForm):
    """The read acknowledgement's position kinds as boxes to tick (stored as 'a,b')."""

    reading_position_kinds = forms.MultipleChoiceField(
        label=_("read acknowledgement only for"),
        choices=PositionKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everyone holding a position in the document's scope."),
    )

    class Meta:
        model = DocumentType
        exclude: list[str] = []  # every field; the admin lays them out
        # Boxes to tick rather than the admin's two-list widget, whose script marks up its
        # icons with ARIA that axe-core refuses (and which needs the script to work).
        widgets = {"allowed_parent_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["reading_position_kinds"] = self.instance.reading_kinds

    def clean_reading_position_kinds(self) -> str:
        return ",".join(self.cleaned_data["reading_position_kinds"])


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    form = DocumentTypeForm
    list_display = [
        "name",
        "code",
        "samverkan_required",
        "review_interval_months",
        "review_lead_days",
        "default_validity_months",
        "reading_required",
        "deciders",
        "is_active",
    ]
    list_filter = ["samverkan_required", "is_active"]
    search_fields = ["name", "code"]
    inlines = [AdoptionRuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("adoption_rules")

    @admin.display(description=_("may be adopted by"))
    def deciders(self, obj: DocumentType) -> str:
        return "; ".join(r.get_decider_display() for r in obj.adoption_rules.all())


@admin.register(MandatePeriod)
class MandatePeriodAdmin(admin.ModelAdmin):
    """The calendar of mandate periods (15 October of each election year)."""

    list_display = ["__str__", "starts_on", "ends_on"]
    ordering = ["-starts_on"]


@admin.register(DiarySeries)
class DiarySeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "body", "is_default", "restart_each_year"]
    list_filter = ["is_default", "restart_each_year"]
    search_fields = ["code", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the lifecycle: visible in the admin, never edited there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "title", "registered_at", "registered_by"]
    list_filter = ["series", "year"]
    search_fields = ["title", "number"]
    list_select_related = ["series", "registered_by"]

    def get_queryset(self, request):
        return access.visible_diary_entries(request.user, super().get_queryset(request))


class DocumentVersionInline(LabelledTabularInline):
    model = DocumentVersion
    fk_name = "document"
    extra = 0
    fields = [
        "number",
        "status",
        "title",
        "valid_from",
        "valid_until",
        "next_review",
        "diary_entry",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return access.visible_versions_in(request.user, super().get_queryset(request))


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Metadata an administrator may correct; status and versions come from the lifecycle."""

    list_display = ["title", "document_type", "scope_unit", "status", "is_public", "owner_position"]
    list_filter = ["document_type", "status", "is_public", "scope_unit__level"]
    search_fields = ["title", "summary"]
    list_select_related = ["document_type", "scope_unit", "owner_position"]
    # Type, scope and process decide who may adopt the document, so they change
    # only through a new case, never here.
    readonly_fields = [
        "title",
        "document_type",
        "scope_unit",
        "process",
        "status",
        "current_version",
        "repealed_on",
        "created_at",
    ]
    autocomplete_fields = ["owner_position", "parent"]
    inlines = [DocumentVersionInline]

    def get_queryset(self, request):
        return access.visible_documents_in(request.user, super().get_queryset(request))

    def has_add_permission(self, request) -> bool:
        # Documents come into being by starting a case.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Governing documents are official records (arkivlagen): never destroyed here.
        return False

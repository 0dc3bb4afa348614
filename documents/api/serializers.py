import datetime

from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.links import route_filler
from documents.models import DocumentVersion


class RegisterEntrySerializer(serializers.ModelSerializer):
    """One document in the register, as the version that applies (no personal names)."""

    document_id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)
    # The version's copies of its document's type, scope, owner and public flag
    # (Document.VERSION_COLUMNS); the summary and the type's code as selectors.api_rows
    # annotates them.
    type = serializers.CharField(source="document_type.name", read_only=True)
    type_code = serializers.CharField(source="document_type_code", read_only=True)
    applies_to = serializers.CharField(source="scope_unit.name", read_only=True)
    applies_to_id = serializers.IntegerField(source="scope_unit_id", read_only=True)
    owner = serializers.CharField(source="owner_position.title", read_only=True)
    summary = serializers.CharField(source="document_summary", read_only=True)
    public = serializers.BooleanField(source="is_public", read_only=True)
    adopted_by = serializers.SerializerMethodField()
    decision_date = serializers.DateField(
        source="adoption.decision_date", read_only=True, default=None, allow_null=True
    )
    paragraph = serializers.CharField(source="adoption.paragraph", read_only=True, default="")
    diarienummer = serializers.SerializerMethodField()
    decision_record = serializers.CharField(source="adoption_line", read_only=True)
    url = serializers.SerializerMethodField()
    version_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document_id",
            "version",
            "title",
            "type",
            "type_code",
            "status",
            "applies_to",
            "applies_to_id",
            "owner",
            "summary",
            "public",
            "adopted_by",
            "decision_date",
            "paragraph",
            "diarienummer",
            "decision_record",
            "valid_from",
            "valid_until",
            "next_review",
            "url",
            "version_url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_adopted_by(self, obj: DocumentVersion) -> str | None:
        decision = obj.adoption
        return decision.decider_name if decision else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_diarienummer(self, obj: DocumentVersion) -> str | None:
        return obj.diarienummer or None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def _address(self, name: str, *args: int) -> str:
        """The absolute URL of a route, its pattern reversed once per list."""
        fillers = self.context.setdefault("_route_fillers", {})
        if name not in fillers:
            fillers[name] = route_filler(name, len(args), around=self._absolute)
        return fillers[name](*args)

    def to_representation(self, instance: DocumentVersion) -> dict:
        """The entry, built directly: the same keys and values as the declared fields give
        (compared in a test), without DRF's per-field machinery, which was most of the time
        of a page of 100 entries. The declared fields still describe it (OpenAPI schema)."""
        decision = instance.adoption
        return {
            "id": instance.pk,
            "document_id": instance.document_id,
            "version": instance.number,
            "title": instance.title,
            "type": instance.document_type.name,
            "type_code": instance.document_type_code,
            "status": instance.status,
            "applies_to": instance.scope_unit.name,
            "applies_to_id": instance.scope_unit_id,
            "owner": instance.owner_position.title,
            "summary": instance.document_summary,
            "public": instance.is_public,
            "adopted_by": self.get_adopted_by(instance),
            "decision_date": _iso(decision.decision_date) if decision is not None else None,
            "paragraph": decision.paragraph if decision is not None else "",
            "diarienummer": self.get_diarienummer(instance),
            "decision_record": instance.adoption_line,
            "valid_from": _iso(instance.valid_from),
            "valid_until": _iso(instance.valid_until),
            "next_review": _iso(instance.next_review),
            "url": self.get_url(instance),
            "version_url": self.get_version_url(instance),
        }

    def get_url(self, obj: DocumentVersion) -> str:
        return self._address("documents:detail", obj.document_id)

    def get_version_url(self, obj: DocumentVersion) -> str:
        try:
            return self._address("documents:version", obj.document_id, obj.number)
        except NoReverseMatch:  # the fixed-version page may not be routed in every deployment
            return self._address("documents:detail", obj.document_id)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None

"""The public e-diarium as JSON: the same records, fields and hiding as the page
``/diarium/`` (``documents.public_diarium``), for anyone, with or without a token.

A record the registrar has not made public shows its diarienummer, date, series, registry
and status only; its subject, deciding body and documents are empty (docs/access.md).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from documents import public_diarium
from documents.links import route_filler
from documents.models import DiaryEntry, DiarySeries, DiaryStatus
from documents.public_diarium import PublicDiariumForm, PublicDiaryRow
from documents.views import MAX_ID

from .pagination import RegisterPagination, positive_number
from .schema import RESPONSE_HEADERS, RegisterSchema, error_responses
from .throttling import Throttled


class DiariumPagination(RegisterPagination):
    """Pages of the e-diarium: ``page`` and ``page_size`` as for the register, over the
    records newest first."""

    django_paginator_class = Paginator


class DiariumQuery(PublicDiariumForm):
    """The page's search and filters; a series is given by its code, and a code no series
    has finds nothing (as any other filter that matches no record)."""

    series = forms.CharField(required=False, max_length=20)

    def clean_series(self) -> DiarySeries | None | str:
        code = self.cleaned_data["series"].strip()
        if not code:
            return None
        return DiarySeries.objects.filter(code__iexact=code).first() or code


class DiaryDocumentSerializer(serializers.Serializer):
    title = serializers.CharField(help_text=_("The version's title."))
    url = serializers.URLField(help_text=_("The version's page in the register."))


class DiaryRecordSerializer(serializers.Serializer):
    """One diarium record as the public sees it (no person's name, ever)."""

    id = serializers.IntegerField(help_text=_("The record's id."))
    diarienummer = serializers.CharField(help_text=_("E.g. KS 2026/17."))
    series = serializers.CharField(help_text=_("The series' code, e.g. KS."))
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    registered = serializers.DateTimeField(help_text=_("When the record was registered."))
    registry = serializers.CharField(help_text=_("The body (or series) that keeps it."))
    status = serializers.CharField(
        help_text=_("open, decided or closed; empty for a record without a case.")
    )
    status_text = serializers.CharField(help_text=_("The status in words (the step, outcome)."))
    public = serializers.BooleanField(
        help_text=_("The registrar made the record public: subject, decided_by and documents.")
    )
    subject = serializers.CharField(help_text=_("Empty unless the record is public."))
    decided_by = serializers.CharField(
        help_text=_("A body, or a position and its unit; empty unless public or not decided.")
    )
    documents = DiaryDocumentSerializer(
        many=True, help_text=_("The public versions registered under it (public records).")
    )

    def to_representation(self, row: PublicDiaryRow) -> dict:
        fillers = self.context.setdefault("_route_fillers", {})
        if "version" not in fillers:
            request = self.context.get("request")
            around = request.build_absolute_uri if request is not None else str
            fillers["version"] = route_filler("documents:version", 2, around=around)
        address = fillers["version"]
        return {
            "id": row.entry_id,
            "diarienummer": row.diarienummer,
            "series": row.series_code,
            "year": row.year,
            "number": row.number,
            "registered": row.registered_at.isoformat(),
            "registry": row.registry,
            "status": row.status,
            "status_text": str(row.status_text),
            "public": row.public,
            "subject": row.subject,
            "decided_by": row.decider,
            "documents": [
                {"title": d.title, "url": address(d.document_id, d.number)} for d in row.documents
            ],
        }


LIST_PARAMETERS = [*DiariumQuery.base_fields, "page", "page_size"]
_EMPTY_OK = {"allowEmptyValue": True}


@extend_schema_view(
    list=extend_schema(
        summary=_("The public e-diarium"),
        description=_(
            "The diarium's records, newest first, as the public page /diarium/ shows them: "
            "subject, deciding body and documents only for records the registrar made "
            "public. An empty parameter counts as not given."
        ),
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": 100, "pattern": "^[^\\u0000]*$"},
                description=_(
                    "A diarienummer (KS 2026/17 finds that record whatever its marking) or "
                    "words of the subject of public records."
                ),
            ),
            OpenApiParameter(
                "series",
                {"type": "string", "maxLength": 20},
                description=_("A series' code, e.g. KS."),
            ),
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 1900, "maximum": 2999}, description=""
            ),
            OpenApiParameter(
                "status",
                {"type": "string", "enum": ["", *DiaryStatus.values]},
                description=_("open, decided or closed."),
            ),
            *RESPONSE_HEADERS,
        ],
        responses={
            200: DiaryRecordSerializer(many=True),
            **error_responses(
                refused_parameters=LIST_PARAMETERS,
                not_found=_("The page asked for is past the last page."),
            ),
        },
    ),
    retrieve=extend_schema(
        summary=_("One record of the e-diarium"),
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1},
                OpenApiParameter.PATH,
                description=_("The record's id (`id` of a record in the list)."),
            ),
            *RESPONSE_HEADERS,
        ],
        responses={
            200: DiaryRecordSerializer,
            **error_responses(refused_parameters=None, not_found=_("No such record.")),
        },
    ),
)
class DiariumViewSet(viewsets.GenericViewSet):
    serializer_class = DiaryRecordSerializer
    pagination_class = DiariumPagination
    schema = RegisterSchema()
    # Any id reaches retrieve (404 in JSON for one that is no number).
    lookup_value_regex = "[^/]+"

    def throttled(self, request, wait):
        raise Throttled(wait)

    def list(self, request):
        query = DiariumQuery(request.query_params)
        errors = {} if query.is_valid() else dict(query.errors)
        errors.update(self.paginator.parameter_errors(request))
        if errors:
            raise ValidationError({name: list(messages) for name, messages in errors.items()})
        filters = {k: v for k, v in query.cleaned_data.items() if v not in (None, "")}
        if isinstance(filters.get("series"), str):  # a code no series has
            entries = DiaryEntry.objects.none()
        else:
            entries = public_diarium.public_entries(**filters)
        page = self.paginate_queryset(entries)
        rows = public_diarium.rows_for(list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request, pk: str | None = None):
        number = positive_number(pk or "")
        entry = (
            DiaryEntry.objects.select_related("series__body").filter(pk=number).first()
            if number is not None and number <= MAX_ID
            else None
        )
        if entry is None:
            raise NotFound()
        [row] = public_diarium.rows_for([entry])
        return Response(self.get_serializer(row).data)

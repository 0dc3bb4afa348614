"""What a package holds: the versions and cases of a selection (selectors, reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q

from documents.models import Document, DocumentType, DocumentVersion, VersionStatus
from org.models import Body
from workflows.models import Case

from .models import ArchiveExport, SelectionKind
from .refusals import (
    ArchiveBodyUnknown,
    ArchiveNothingAdopted,
    ArchiveSelectionMissing,
    ArchiveTypeUnknown,
    ArchiveYearInvalid,
    NoSuchArchiveCase,
    NoSuchArchiveDocument,
)

# The versions that are records of a decision: adopted, whatever became of them since.
ARCHIVED_STATUSES = (
    VersionStatus.ADOPTED,
    VersionStatus.VALID,
    VersionStatus.SUPERSEDED,
    VersionStatus.REPEALED,
)
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Selection:
    """A checked selection: exactly one of document, case or body with year."""

    kind: str
    document: Document | None = None
    case: Case | None = None
    body: Body | None = None
    year: int | None = None
    document_type: DocumentType | None = None

    @property
    def key(self) -> str:
        """A stable name of the selection: the package's identifier is derived from it."""
        if self.kind == SelectionKind.DOCUMENT:
            return f"document:{self.document.pk}"
        if self.kind == SelectionKind.CASE:
            return f"case:{self.case.pk}"
        kind = self.document_type.code if self.document_type else "all"
        return f"body:{self.body.short_name}:{self.year}:{kind}"

    @cached_property
    def versions(self) -> list[DocumentVersion]:
        """The adopted versions of the selection, in a stable order (document, number); read
        once for the whole package."""
        return _read_versions(self)

    @cached_property
    def cases(self) -> list[Case]:
        """The cases of the selection: the one case, or the cases that handled its versions."""
        if self.kind == SelectionKind.CASE:
            return [self.case]
        return list(
            Case.objects.filter(version__in=self.versions)
            .select_related("diary_entry__series", "decider_body", "decider_position")
            .order_by("pk")
        )

    @property
    def slug(self) -> str:
        """The package's file name stem (ASCII)."""
        return "styrdok-" + self.key.replace(":", "-").lower()


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _body_year(body_code, year, type_code) -> Selection:
    number = _int(year)
    if number is None or not (FIRST_YEAR <= number <= LAST_YEAR):
        raise ArchiveYearInvalid()
    body = Body.objects.filter(short_name__iexact=str(body_code).strip()).first()
    if body is None:
        raise ArchiveBodyUnknown()
    document_type = None
    if type_code:
        document_type = DocumentType.objects.filter(code=str(type_code).strip()).first()
        if document_type is None:
            raise ArchiveTypeUnknown()
    return Selection(SelectionKind.BODY_YEAR, body=body, year=number, document_type=document_type)


def select(*, document=None, case=None, body=None, year=None, document_type=None) -> Selection:
    """Check a selection as a user or the command gave it (ids and codes as text or numbers);
    raises a named refusal saying what is wrong."""
    given = [bool(document), bool(case), bool(body or year)]
    if sum(given) != 1:
        raise ArchiveSelectionMissing()
    if document:
        found = Document.objects.filter(pk=_int(document) or 0).first()
        if found is None:
            raise NoSuchArchiveDocument()
        selection = Selection(SelectionKind.DOCUMENT, document=found)
    elif case:
        found = Case.objects.filter(pk=_int(case) or 0).first()
        if found is None:
            raise NoSuchArchiveCase()
        selection = Selection(SelectionKind.CASE, case=found)
    else:
        selection = _body_year(body, year, document_type)
    if not selection.versions and not selection.cases:
        raise ArchiveNothingAdopted()
    return selection


def of_export(export: ArchiveExport) -> Selection:
    return Selection(
        export.kind,
        document=export.document,
        case=export.case,
        body=export.body,
        year=export.year,
        document_type=export.document_type,
    )


def _versions_q(selection: Selection) -> Q:
    if selection.kind == SelectionKind.DOCUMENT:
        return Q(document=selection.document)
    if selection.kind == SelectionKind.CASE:
        return Q(pk=selection.case.version_id or 0)
    q = Q(
        adoption__body=selection.body,
        adoption__decision_date__year=selection.year,
        adoption__outcome="adopted",
    )
    if selection.document_type is not None:
        q &= Q(document__document_type=selection.document_type)
    return q


def _read_versions(selection: Selection) -> list[DocumentVersion]:
    return list(
        DocumentVersion.objects.filter(_versions_q(selection), status__in=ARCHIVED_STATUSES)
        .select_related(
            "document__document_type",
            "document__scope_unit",
            "document__owner_position",
            "document__parent",
            "diary_entry__series",
            "adoption__body",
            "adoption__position",
            "replaces",
        )
        .order_by("document_id", "number")
    )

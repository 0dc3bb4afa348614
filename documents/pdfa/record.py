"""The decision record of a published version: what page 1 of its archival PDF states and
what its XMP metadata carries. Read once from the database, then plain values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from ..models import DocumentVersion
from ..models.decision import minutes_paragraph

# What the record reads of a version, in one query.
RECORD_RELATED = (
    "document__document_type",
    "document__owner_position",
    "document__scope_unit",
    "adoption__body",
    "adoption__position",
    "diary_entry__series",
    "replaces__diary_entry__series",
)


@dataclass(frozen=True)
class DecisionRecord:
    title: str
    document_type: str
    owner: str
    scope: str
    version_number: int
    decided_by: str = ""
    decision_date: datetime.date | None = None
    paragraph: str = ""
    diarienummer: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    replaces: str = ""
    language: str = "sv"

    @property
    def adoption_line(self) -> str:
        """The record in one line (the PDF's subject, XMP's dc:description)."""
        parts = [self.decided_by, _date(self.decision_date), self.paragraph]
        if self.diarienummer:
            parts.append(f"Dnr {self.diarienummer}")
        return ", ".join(p for p in parts if p)

    def rows(self) -> tuple[tuple[str, str], ...]:
        """(label, value) rows for page 1, in the language active now (the archival PDF is
        always rendered in Swedish)."""
        rows = [
            (_("Decision made by"), self.decided_by),
            (_("Decision date"), _date(self.decision_date)),
            (_("Paragraph"), self.paragraph),
            (_("Diarienummer"), self.diarienummer),
            (_("Valid from"), _date(self.valid_from)),
            (_("Valid until"), _date(self.valid_until) or _("Until further notice")),
            (_("Replaces"), self.replaces or _("No earlier version")),
            (_("Document owner"), self.owner),
            (_("Applies to"), self.scope),
            (_("Version"), str(self.version_number)),
        ]
        return tuple((label, value) for label, value in rows if value)


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def load_version(version_id: int) -> DocumentVersion:
    return DocumentVersion.objects.select_related(*RECORD_RELATED).get(pk=version_id)


def record_of(version: DocumentVersion) -> DecisionRecord:
    """The decision record of ``version`` (its relations loaded: ``RECORD_RELATED``)."""
    document = version.document
    decision = version.adoption
    replaced = version.replaces
    replaces = ""
    if replaced is not None:
        with translation.override("sv"):
            replaces = _("%(title)s, version %(number)s") % {
                "title": replaced.title,
                "number": replaced.number,
            }
        if replaced.diarienummer:
            replaces += f" (Dnr {replaced.diarienummer})"
    return DecisionRecord(
        title=version.title or document.title,
        document_type=str(document.document_type),
        owner=str(document.owner_position),
        scope=str(document.scope_unit),
        version_number=version.number,
        decided_by=decision.decider_name if decision else "",
        decision_date=decision.decision_date if decision else None,
        paragraph=minutes_paragraph(decision.paragraph) if decision else "",
        diarienummer=version.diarienummer,
        valid_from=version.valid_from,
        valid_until=version.valid_until,
        replaces=replaces,
    )

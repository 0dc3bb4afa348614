"""Reading for reviews (aktualitetsprövning): when a document was last reviewed, and what
changed in its parent and children since then."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)

PUBLISHED = (VersionStatus.VALID, VersionStatus.SUPERSEDED, VersionStatus.REPEALED)


@dataclass(frozen=True)
class RelatedChange:
    """A change to the parent or a child document since the last review."""

    day: datetime.date
    relation: str  # the parent, or a child
    document: Document
    what: str


def last_review_date(document: Document) -> datetime.date | None:
    """The day the document was last confirmed still current, else the day its valid
    version became valid."""
    confirmed = (
        Decision.objects.filter(
            document=document, kind=DecisionKind.REVIEW, outcome=DecisionOutcome.ADOPTED
        )
        .order_by("-decision_date")
        .values_list("decision_date", flat=True)
        .first()
    )
    if confirmed is not None:
        return confirmed
    version = document.current_version
    return version.valid_from if version is not None else None


def changes_since(document: Document, since: datetime.date | None) -> list[RelatedChange]:
    """New versions and repeals of the document's parent and children after ``since``
    (all of them when ``since`` is None), newest first."""
    related = {doc.pk: doc for doc in Document.objects.filter(parent=document)}
    if document.parent_id:
        related[document.parent_id] = Document.objects.get(pk=document.parent_id)
    relation = {
        pk: (_("Parent document") if pk == document.parent_id else _("Child document"))
        for pk in related
    }
    changes: list[RelatedChange] = []
    versions = DocumentVersion.objects.filter(document_id__in=related, status__in=PUBLISHED)
    if since is not None:
        versions = versions.filter(valid_from__gt=since)
    for version in versions.order_by("valid_from"):
        changes.append(
            RelatedChange(
                version.valid_from,
                str(relation[version.document_id]),
                related[version.document_id],
                str(_("Version %(number)s valid") % {"number": version.number}),
            )
        )
    for doc in related.values():
        if (
            doc.status == DocumentStatus.REPEALED
            and doc.repealed_on
            and (since is None or doc.repealed_on > since)
        ):
            changes.append(
                RelatedChange(doc.repealed_on, str(relation[doc.pk]), doc, str(_("Repealed")))
            )
    return sorted(changes, key=lambda change: change.day, reverse=True)

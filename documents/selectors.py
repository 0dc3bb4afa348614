"""Read-side queries of the register: which versions are valid when, for whom."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .access import register_versions_q
from .models import DocumentVersion, VersionStatus

# Versions that have been in force; drafts, adopted-but-not-yet-valid and
# rejected versions are case material and never in the register.
REGISTER_STATUSES = [VersionStatus.VALID, VersionStatus.SUPERSEDED, VersionStatus.REPEALED]


def valid_on(day: datetime.date) -> Q:
    """Versions in force on ``day``."""
    return (
        Q(status__in=REGISTER_STATUSES, valid_from__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))
    )


def register_versions(user) -> QuerySet[DocumentVersion]:
    """All register versions the user may see, with what a register row shows."""
    qs = DocumentVersion.objects.filter(register_versions_q(user)).select_related(
        "document__document_type",
        "document__scope_unit",
        "document__owner_position",
        "adoption__body",
        "adoption__position",
        "diary_entry__series",
    )
    return qs


def with_open_case() -> Exists:
    from workflows.models import Case

    return Exists(Case.objects.filter(document=OuterRef("document"), finished__isnull=True))


def under_revision(qs: QuerySet[DocumentVersion]) -> QuerySet[DocumentVersion]:
    return qs.filter(status=VersionStatus.VALID).filter(with_open_case())


def expired(qs: QuerySet[DocumentVersion], today: datetime.date | None = None) -> QuerySet:
    day = today or timezone.localdate()
    return qs.filter(status=VersionStatus.VALID, valid_until__lt=day)


class RankedRows:
    """A page-able view of ranked search results that joins wide rows for one page only.

    Ranking every hit with all the register's joined columns (and each version's text)
    carried through the sort is what makes common words slow; here the hits are ranked
    on their ids alone, and only the page's ids are fetched with everything a row shows.
    Still one query per page (plus the count), so page size does not change the count.
    """

    def __init__(self, ranked: QuerySet, wide: QuerySet, q: str):
        self.ranked, self.wide, self.q = ranked, wide, q

    def count(self) -> int:
        return self.ranked.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        from . import search

        if not isinstance(index, slice):
            return self[index : index + 1][0]
        page_ids = self.ranked.values("pk")[index]
        return list(search.search(self.wide.filter(pk__in=page_ids), self.q, version_field="pk"))

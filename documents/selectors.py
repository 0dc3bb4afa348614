"""Read-side queries of the register: which versions are valid when, for whom."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

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
    qs = DocumentVersion.objects.filter(status__in=REGISTER_STATUSES).select_related(
        "document__document_type",
        "document__scope_unit",
        "document__owner_position",
        "adoption__body",
        "adoption__position",
        "diary_entry__series",
    )
    if not getattr(user, "is_authenticated", False):
        qs = qs.filter(document__is_public=True)
    return qs


def with_open_case() -> Exists:
    from workflows.models import Case

    return Exists(Case.objects.filter(document=OuterRef("document"), finished__isnull=True))


def under_revision(qs: QuerySet[DocumentVersion]) -> QuerySet[DocumentVersion]:
    return qs.filter(status=VersionStatus.VALID).filter(with_open_case())


def expired(qs: QuerySet[DocumentVersion], today: datetime.date | None = None) -> QuerySet:
    day = today or timezone.localdate()
    return qs.filter(status=VersionStatus.VALID, valid_until__lt=day)

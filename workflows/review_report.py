"""The yearly review report (aktualitetsprövning) per body and for the whole municipality:
read-side queries, a constant number of them whatever the number of documents.

For a chosen year, each row is one document:

- done: a review case finished in the year, and how (confirmed unchanged; revised, or a
  revision started; repealed, or a repeal started: from the case's outcome and what the
  document has become since);
- overdue: a valid document whose review is due (``documents.due``: the next review, or
  earlier by the mandate-period rule) before today and not done in the year;
- due: the same, due later in the year.

The rows not done are sorted by a transparent priority, the sum of points whose factors
are shown in their own columns: one point per day overdue, one per started ten people the
document's scope covers (the holders of positions in the scope unit and below, today), and
``PARENT_POINTS`` when its parent document got a new version or was repealed after the
document was last reviewed, and one per started ``UNREAD_PER_POINT`` people who must
confirm reading the valid version and have not (unread read acknowledgements: counted by
the ``reading`` app through the ``workflows.unread`` hook, one query for all rows, none when
no row's version asks for reading). Done rows follow, the latest first.

A body's report holds the documents whose valid (or last) version the body adopted; the
municipality's report holds every document.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.due import with_due_on
from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentVersion,
    MandatePeriod,
    VersionStatus,
)
from org.models import Body, PositionHolding

from .models import Case, CaseKind, CaseOutcome
from .unread import unread_counts

PARENT_POINTS = 60
PEOPLE_PER_POINT = 10
UNREAD_PER_POINT = 5
PUBLISHED = (VersionStatus.VALID, VersionStatus.SUPERSEDED, VersionStatus.REPEALED)
DONE_OUTCOMES = (CaseOutcome.CONFIRMED, CaseOutcome.REVISION, CaseOutcome.REPEAL_STARTED)
FIRST_YEAR, LAST_YEAR = 2000, 2100

DONE, OVERDUE, DUE = "done", "overdue", "due"
STATUS_LABELS = {DONE: _("Done"), OVERDUE: _("Overdue"), DUE: _("Due")}
HOW_LABELS = {
    "confirmed": _("Confirmed unchanged"),
    "revised": _("Revised"),
    "revision_started": _("Revision started"),
    "repealed": _("Repealed"),
    "repeal_started": _("Repeal started"),
}


@dataclass
class Row:
    document: Document
    status: str
    due_on: datetime.date | None = None
    mandate_due: bool = False
    done_on: datetime.date | None = None
    how: str = ""
    diarienummer: str = ""
    review_open: bool = False
    days_overdue: int = 0
    people: int = 0
    parent_changed: bool = False
    unread: int = 0

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def how_label(self) -> str:
        return str(HOW_LABELS[self.how]) if self.how else ""

    @property
    def priority(self) -> int:
        """The points of the factors shown beside it (done rows have none)."""
        if self.status == DONE:
            return 0
        return (
            self.days_overdue
            + math.ceil(self.people / PEOPLE_PER_POINT)
            + (PARENT_POINTS if self.parent_changed else 0)
            + math.ceil(self.unread / UNREAD_PER_POINT)
        )


@dataclass
class Report:
    year: int
    body: Body | None
    day: datetime.date
    rows: list[Row] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def done(self) -> int:
        return self.count(DONE)

    @property
    def overdue(self) -> int:
        return self.count(OVERDUE)

    @property
    def due(self) -> int:
        return self.count(DUE)

    def done_by_how(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            if row.status == DONE:
                counts[row.how] += 1
        return [(str(label), counts[key]) for key, label in HOW_LABELS.items() if counts[key]]

    @property
    def title(self) -> str:
        whom = self.body.name if self.body else str(_("the whole municipality"))
        return str(_("Review report %(year)s: %(whom)s") % {"year": self.year, "whom": whom})


def valid_year(value, default: int) -> int | None:
    """The year asked for (``?year=``), the default when none; None when not a year."""
    if value in (None, ""):
        return default
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def report_bodies() -> list[Body]:
    """The active bodies, the highest first, then by name."""
    return sorted(Body.objects.filter(is_active=True), key=lambda b: (-b.rank, b.name))


def _in_body(documents: QuerySet, body: Body | None, prefix: str = "") -> QuerySet:
    if body is None:
        return documents
    return documents.filter(**{f"{prefix}current_version__adoption__body": body})


def _with_factors(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Each document with ``last_reviewed`` (the latest confirmed review, else the day its
    valid version became valid) and ``parent_changed``."""
    confirmed = (
        Decision.objects.filter(
            document=OuterRef("pk"), kind=DecisionKind.REVIEW, outcome=DecisionOutcome.ADOPTED
        )
        .order_by("-decision_date")
        .values("decision_date")[:1]
    )
    documents = documents.annotate(
        last_reviewed=Coalesce(Subquery(confirmed), F("current_version__valid_from"))
    )
    parent_versions = DocumentVersion.objects.filter(
        document=OuterRef("parent"), status__in=PUBLISHED, valid_from__gt=OuterRef("last_reviewed")
    )
    repealed = Q(parent__status=DocumentStatus.REPEALED, parent__repealed_on__gt=F("last_reviewed"))
    return documents.annotate(
        parent_changed=ExpressionWrapper(
            Q(Exists(parent_versions)) | repealed, output_field=BooleanField()
        )
    )


def _done_rows(year: int, body: Body | None) -> list[Row]:
    cases = (
        _in_body(
            Case.objects.filter(
                kind=CaseKind.REVIEW, outcome__in=DONE_OUTCOMES, finished__year=year
            ),
            body,
            "document__",
        )
        .select_related(
            "diary_entry__series",
            "version",
            "document__document_type",
            "document__owner_position",
            "document__scope_unit",
            "document__current_version",
        )
        .order_by("-finished", "-pk")
    )
    rows = []
    for case in cases:
        document = case.document
        current = document.current_version
        if case.outcome == CaseOutcome.CONFIRMED:
            how = "confirmed"
        elif case.outcome == CaseOutcome.REVISION:
            newer = current is not None and current.number > case.version.number
            how = "revised" if newer else "revision_started"
        else:
            repealed = document.status == DocumentStatus.REPEALED
            how = "repealed" if repealed else "repeal_started"
        rows.append(
            Row(
                document,
                DONE,
                due_on=case.version.next_review,
                done_on=timezone.localdate(case.finished),
                how=how,
                diarienummer=case.diarienummer,
            )
        )
    return rows


def _open_rows(year: int, body: Body | None, day: datetime.date, done_ids: set[int]) -> list[Row]:
    open_review = Case.objects.filter(
        kind=CaseKind.REVIEW, finished__isnull=True, document=OuterRef("pk")
    )
    valid = _in_body(Document.objects.filter(status=DocumentStatus.VALID), body)
    documents = (
        _with_factors(with_due_on(valid, MandatePeriod.current(day)))
        .annotate(review_open=Exists(open_review))
        .filter(due_on__lte=datetime.date(year, 12, 31))
        .exclude(pk__in=done_ids)
        .select_related(
            "document_type",
            "owner_position",
            "scope_unit",
            "current_version__document_type",
            "current_version__scope_unit",
        )
    )
    rows = []
    for document in documents:
        late = (day - document.due_on).days
        rows.append(
            Row(
                document,
                OVERDUE if late > 0 else DUE,
                due_on=document.due_on,
                mandate_due=document.mandate_due,
                review_open=document.review_open,
                days_overdue=max(late, 0),
                parent_changed=bool(document.parent_changed),
            )
        )
    return rows


def people_by_unit_path(day: datetime.date) -> dict[str, set[int]]:
    """The people holding a position in each unit today, by the unit's path (one query)."""
    people: dict[str, set[int]] = defaultdict(set)
    holdings = (
        PositionHolding.objects.active_on(day)
        .values_list("position__unit__path", "user_id")
        .distinct()
    )
    for path, user_id in holdings:
        if path:
            people[path].add(user_id)
    return people


def _count_people(rows: list[Row], day: datetime.date) -> None:
    by_path = people_by_unit_path(day)
    counted: dict[str, int] = {}
    for row in rows:
        unit = row.document.scope_unit
        if unit is None:
            continue
        if unit.path not in counted:
            covered: set[int] = set()
            for path, users in by_path.items():
                if path.startswith(unit.path):
                    covered |= users
            counted[unit.path] = len(covered)
        row.people = counted[unit.path]


def _count_unread(rows: list[Row], day: datetime.date) -> None:
    versions = [row.document.current_version for row in rows if row.document.current_version]
    unread = unread_counts(versions, day)
    for row in rows:
        if row.document.current_version_id in unread:
            row.unread = unread[row.document.current_version_id]


def review_report(year: int, body: Body | None, day: datetime.date | None = None) -> Report:
    """The report of ``year`` for ``body`` (None: the whole municipality) as of ``day``
    (today): open rows by priority (highest first), then the done ones."""
    day = day or timezone.localdate()
    done = _done_rows(year, body)
    pending = _open_rows(year, body, day, {row.document.pk for row in done})
    _count_people(done + pending, day)
    _count_unread(pending, day)
    pending.sort(key=lambda r: (-r.priority, r.due_on or day, r.document.title, r.document.pk))
    return Report(year, body, day, pending + done)


COLUMNS = (
    _("Priority"),
    _("Status"),
    _("Title"),
    _("Type"),
    _("Owner (dokumentansvarig)"),
    _("Review due"),
    _("Days overdue"),
    _("People in scope"),
    _("Parent changed or repealed"),
    _("Unread acknowledgements"),
    _("Done"),
    _("How"),
    _("Diarienummer"),
)


def export_values(row: Row) -> list:
    """One row of the Excel export and the PDF, in ``COLUMNS`` order."""
    yes, no = str(_("Yes")), str(_("No"))
    return [
        row.priority if row.status != DONE else None,
        row.status_label,
        row.document.title,
        str(row.document.document_type),
        str(row.document.owner_position or ""),
        row.due_on,
        row.days_overdue if row.status != DONE else None,
        row.people,
        yes if row.parent_changed else no,
        row.unread if row.status != DONE else None,
        row.done_on,
        row.how_label,
        row.diarienummer,
    ]

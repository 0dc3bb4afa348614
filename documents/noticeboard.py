"""The public notice board (anslagstavla): read-side queries.

A notice is the posting of one body's checked minutes of one meeting: the body's
registered, adopted decisions of that meeting day with a posting day. Only decisions on
versions the register shows the user (``documents.access.register_versions_q``) are
read, so an anonymous visitor sees the paragraphs on public documents and nothing else;
a notice with no such paragraph is not shown. The dates come from
``documents.notice_rules`` (kommunallagen and lagen 1930:173).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Max, Q, QuerySet

from org.models import Body

from . import notice_rules
from .access import register_versions_q
from .models import Decision, DecisionOutcome

ARCHIVE_PAGE_SIZE = 20
FEED_SIZE = 30


@dataclass
class Notice:
    """One body's posted minutes of one meeting."""

    body: Body
    meeting_date: datetime.date
    justering_date: datetime.date | None
    anslag_date: datetime.date
    decisions: list[Decision] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.body.pk}-{self.meeting_date:%Y%m%d}"

    @property
    def last_appeal_day(self) -> datetime.date:
        return notice_rules.last_appeal_day(self.anslag_date)

    @property
    def legal_force_day(self) -> datetime.date:
        return notice_rules.legal_force_day(self.anslag_date)

    @property
    def take_down_day(self) -> datetime.date:
        return notice_rules.take_down_day(self.anslag_date)

    @property
    def kept_at(self) -> str:
        return self.body.minutes_kept_at


def posted_decisions(user) -> QuerySet[Decision]:
    """The registered, adopted decisions of bodies with a posting day, on versions the
    register shows ``user``."""
    return Decision.objects.filter(
        register_versions_q(user, through="version__"),
        body__isnull=False,
        outcome=DecisionOutcome.ADOPTED,
        registered_at__isnull=False,
        anslag_date__isnull=False,
    )


def _groups(user) -> QuerySet:
    """One row per notice (body, meeting day) with its latest posting and justering day:
    if the registrar posted a meeting's paragraphs on different days, the appeal time of
    the last posting is the one that still runs."""
    return (
        posted_decisions(user)
        .values("body_id", "decision_date")
        .annotate(anslag=Max("anslag_date"), justering=Max("justering_date"))
        .order_by("-anslag", "-decision_date", "body_id")
    )


def _notices(user, groups: list[dict]) -> list[Notice]:
    """The notices of ``groups`` with their decisions, in the groups' order (two queries)."""
    if not groups:
        return []
    match = Q()
    for g in groups:
        match |= Q(body_id=g["body_id"], decision_date=g["decision_date"])
    decisions = (
        posted_decisions(user)
        .filter(match)
        .select_related("body", "document", "version")
        .order_by("pk")
    )
    by_key: dict[tuple[int, datetime.date], list[Decision]] = {}
    for decision in decisions:
        by_key.setdefault((decision.body_id, decision.decision_date), []).append(decision)
    notices = []
    for g in groups:
        found = sorted(by_key.get((g["body_id"], g["decision_date"]), []), key=_paragraph_order)
        if found:
            notices.append(
                Notice(
                    body=found[0].body,
                    meeting_date=g["decision_date"],
                    justering_date=g["justering"],
                    anslag_date=g["anslag"],
                    decisions=found,
                )
            )
    return notices


def _paragraph_order(decision: Decision) -> tuple[int, str]:
    """§ 9 before § 10: by the paragraph's number, then its text."""
    digits = "".join(c for c in decision.paragraph if c.isdigit())
    return (int(digits) if digits else 0, decision.paragraph)


def current_notices(user, today: datetime.date) -> list[Notice]:
    """The notices on the board on ``today``, the latest posting first."""
    cutoff = notice_rules.last_taken_down_posting(today)
    groups = _groups(user).filter(anslag__gt=cutoff, anslag__lte=today)
    return _notices(user, list(groups))


def archived_notices(user, today: datetime.date, page: str | int | None) -> Page:
    """The notices taken down by ``today``, the latest posting first, one page of them
    (its ``object_list`` holds the page's notices)."""
    cutoff = notice_rules.last_taken_down_posting(today)
    groups = _groups(user).filter(anslag__lte=cutoff)
    result = Paginator(groups, ARCHIVE_PAGE_SIZE).get_page(page)
    result.object_list = _notices(user, list(result.object_list))
    return result


def feed_notices(user, today: datetime.date) -> list[Notice]:
    """The latest notices posted by ``today``, on the board or taken down, for the feed."""
    groups = _groups(user).filter(anslag__lte=today)[:FEED_SIZE]
    return _notices(user, list(groups))

"""The records of a case: what came in, went out or was drawn up, in order."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from documents.models import Decision

from ..models import Case, CaseKind, RecordDirection


@dataclass
class CaseRecordRow:
    at: datetime.datetime | datetime.date
    kind: str
    description: str
    direction: str
    direction_label: str
    link: str = ""

    @property
    def day(self) -> datetime.date:
        if isinstance(self.at, datetime.datetime):
            return timezone.localtime(self.at).date()
        return self.at


def case_records(case: Case) -> list[CaseRecordRow]:
    """Every record in the case with its registration date and whether it came in, went
    out or was drawn up (inkommande, utgående, upprättad)."""
    drawn, incoming = RecordDirection.DRAWN_UP, RecordDirection.INCOMING
    labels = dict(RecordDirection.choices)
    rows: list[CaseRecordRow] = []

    def add(at, kind, description, direction, link=""):
        rows.append(
            CaseRecordRow(at, str(kind), description, direction, str(labels[direction]), link)
        )

    if case.version_id and case.kind != CaseKind.REPEAL:
        version = case.version
        add(
            version.created_at,
            _("Draft"),
            _("Version %(n)s: %(title)s") % {"n": version.number, "title": version.title},
            drawn,
        )
        for f in version.files.all():
            add(f.uploaded_at, _("Draft version (file)"), f.original_name, drawn)
    for s in case.statements.select_related("union"):
        add(
            s.created_at,
            _("Union position in samverkan"),
            f"{s.union}: {s.get_stance_display()}",
            incoming,
        )
    for m in case.samverkan_meetings.select_related("group"):
        add(m.created_at, _("Samverkan minutes"), f"{m.group}: {m.minutes_reference}", drawn)
    for n in case.negotiations.all():
        add(n.created_at, _("Negotiation minutes"), n.minutes_reference, drawn)
    for entry in AuditEntry.objects.filter(case=case, action="proposal_written").order_by("at"):
        add(entry.at, _("Decision proposal"), case.proposal[:200], drawn)
    for p in case.preparation_steps.select_related("body"):
        add(
            p.created_at,
            _("Minutes extract of a preparing body"),
            f"{p.body.short_name} {p.meeting_date:%Y-%m-%d} {p.paragraph}".strip(),
            drawn,
        )
    for d in Decision.objects.filter(diary_entry=case.diary_entry).select_related(
        "body", "position"
    ):
        add(
            d.created_at,
            _("Decision"),
            f"{d.decider_name} {d.decision_date:%Y-%m-%d} {d.paragraph}: {d.outcome_label}",
            drawn,
        )
        if d.minutes_extract:
            add(
                d.registered_at or d.created_at,
                _("Minutes extract"),
                f"{d.decider_name} {d.paragraph}",
                drawn,
            )
    for r in case.registered_records.all():
        add(
            r.record_date,
            _("Registered record %(dnr)s-%(n)s") % {"dnr": case.diarienummer, "n": r.sequence},
            f"{r.counterpart}: {r.subject}",
            r.direction,
            reverse("workflows:desk_record_file", args=[r.pk]) if r.file else "",
        )
    rows.sort(key=lambda r: r.day)
    return rows

"""Scenario module: review on time and notifications at scale (issue 18).

Pages (``--scenarios review``): the yearly review report for the whole municipality and
for the body with the most documents, its Excel and PDF exports, and the mandate-period
page, as the registrar.

Jobs (``--scenarios jobs``), each timed once in a transaction that is rolled back (the
benchmark database is left as it was), with the process's CPU time beside the wall time:

- the unread counts of the municipality's report (``reading.selectors.unread_counts``
  over every valid version that asks for reading);
- ``open_due_reviews`` as of today (the first run on the generated register opens every
  review that is due);
- the weekly digest of a week with ``DIGEST_ANNOUNCEMENTS`` announcements (new versions of
  documents of every level of scope, one municipality-wide), and the mail queue it leaves
  handed to Django's in-memory mail backend by ``send_queued_mail``'s ``deliver_queue``;
- the publication's immediate announcement of a municipality-wide document (who is told,
  ``notifications.selectors.told``, for everyone in the municipality).

Each job is judged against ``JOB_TARGET_S`` (a scheduled job must not take minutes).
"""

from __future__ import annotations

import datetime
import time

BENCHMARKS = [
    ("jobs-unread", "jobs"),
    ("jobs-open-reviews", "jobs"),
    ("jobs-digest", "jobs"),
    ("jobs-mail-queue", "jobs"),
    ("jobs-told", "jobs"),
]
JOB_TARGET_S = 60.0
DIGEST_ANNOUNCEMENTS = 40


class _Rollback(Exception):
    pass


def timed(work) -> tuple[float, float, object]:
    """(wall s, CPU s, result) of ``work()`` run in a transaction that is rolled back."""
    from django.db import transaction

    out: dict = {}
    try:
        with transaction.atomic():
            started, started_cpu = time.perf_counter(), time.process_time()
            out["result"] = work()
            out["wall"] = time.perf_counter() - started
            out["cpu"] = time.process_time() - started_cpu
            raise _Rollback
    except _Rollback:
        pass
    return out["wall"], out["cpu"], out["result"]


def _registrar():
    from bench.desk import _registrar

    return _registrar()


def _busiest_body():
    from django.db.models import Count

    from documents.models import Document, DocumentStatus

    row = (
        Document.objects.filter(status=DocumentStatus.VALID)
        .values("current_version__adoption__body")
        .exclude(current_version__adoption__body=None)
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["current_version__adoption__body"], row["n"]


def scenarios(data) -> list:
    from bench.run import Scenario
    from org.models import Body

    registrar = _registrar()
    body_id, n = _busiest_body()
    body = Body.objects.get(pk=body_id)
    data.extra["review: registrar"] = registrar.get_username()
    data.extra["review: body"] = f"{body.name}, {n} valid documents"
    report = "/work/desk/review-report/"
    out = [
        Scenario("review-report-all", "review", "review report, the whole municipality", report, registrar),
        Scenario(
            "review-report-body", "review", f"review report, {body.short_name or body.name}",
            f"{report}?body={body.pk}", registrar,
        ),
        Scenario(
            "review-report-xlsx", "review", "review report, the whole municipality, Excel",
            f"{report}?format=xlsx", registrar,
        ),
        Scenario(
            "review-report-pdf", "review", "review report, the whole municipality, PDF",
            f"{report}?format=pdf", registrar,
        ),
        Scenario(
            "review-report-body-pdf", "review", f"review report, {body.short_name or body.name}, PDF",
            f"{report}?body={body.pk}&format=pdf", registrar,
        ),
        Scenario("mandate-sweep", "review", "mandate-period page", "/register/mandate-period/", registrar),
    ]  # fmt: skip
    return out


# --- Jobs ------------------------------------------------------------------------------


def unread_all() -> int:
    from documents.models import DocumentVersion, VersionStatus
    from org.selectors import today
    from reading.selectors import unread_counts

    versions = list(
        DocumentVersion.objects.filter(status=VersionStatus.VALID, reading_required=True)
        .select_related("document_type", "scope_unit")
        .order_by("pk")
    )
    return len(unread_counts(versions, today()))


def open_reviews() -> int:
    from workflows.actions.review import open_due_reviews

    return len(open_due_reviews())


def _announce_last_week() -> int:
    """``DIGEST_ANNOUNCEMENTS`` announcements dated last Wednesday: the valid versions of
    documents of every depth of scope, the first municipality-wide."""
    from django.utils import timezone

    from documents.models import Document, DocumentStatus
    from notifications.announcements import week_of
    from notifications.models import Announcement, AnnouncementKind

    today = timezone.localdate()
    wednesday = week_of(today) - datetime.timedelta(days=5)
    at = timezone.make_aware(datetime.datetime.combine(wednesday, datetime.time(10)))
    valid = Document.objects.filter(status=DocumentStatus.VALID).order_by("pk")
    chosen = list(valid.filter(scope_unit__parent=None)[:1])
    for depth in (1, 2, 3):
        chosen += list(valid.filter(scope_unit__level__depth=depth)[: DIGEST_ANNOUNCEMENTS // 3])
    chosen = chosen[:DIGEST_ANNOUNCEMENTS]
    Announcement.objects.bulk_create(
        Announcement(
            kind=AnnouncementKind.REVISED, document=d, version_id=d.current_version_id, at=at
        )
        for d in chosen
    )
    return len(chosen)


def digest() -> tuple[int, int]:
    from notifications.announcements import send_weekly_digest

    announced = _announce_last_week()
    return announced, send_weekly_digest()


def digest_and_queue() -> tuple[int, object]:
    from django.test.utils import override_settings

    from notifications.announcements import send_weekly_digest
    from notifications.queue import deliver_queue

    _announce_last_week()
    sent = send_weekly_digest()
    import logging

    quiet = logging.getLogger("mailer.engine")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # one line per message otherwise
    with override_settings(MAILER_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        started, started_cpu = time.perf_counter(), time.process_time()
        run = deliver_queue()
        quiet.setLevel(level)
        return sent, (time.perf_counter() - started, time.process_time() - started_cpu, run)


def told_top() -> int:
    from documents.models import Document, DocumentStatus
    from notifications.models import Announcement, AnnouncementKind, Frequency
    from notifications.selectors import told

    document = (
        Document.objects.filter(status=DocumentStatus.VALID, scope_unit__parent=None)
        .select_related("scope_unit")
        .order_by("pk")
        .first()
    )
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.REVISED, document=document, version_id=document.current_version_id
    )
    told(announcement, only=Frequency.IMMEDIATELY)
    return len(told(announcement))


def _outcome(key: str, title: str, wall: float, cpu: float, note: str):
    from bench.run import Outcome

    return Outcome(
        key=key,
        group="jobs",
        title=title,
        ours=wall,
        reference=JOB_TARGET_S,
        unit="s",
        target=f"≤ {JOB_TARGET_S:.0f} s",
        ok=wall <= JOB_TARGET_S,
        ratio=f"{wall / JOB_TARGET_S:.2f}",
        note=f"CPU {cpu:.1f} s; {note}",
    )


def benchmarks(data, quick: bool) -> list:
    out = []
    wall, cpu, n = timed(unread_all)
    out.append(
        _outcome("jobs-unread", "unread counts of every valid version", wall, cpu, f"{n} versions")
    )
    wall, cpu, n = timed(open_reviews)
    out.append(
        _outcome("jobs-open-reviews", "open_due_reviews, today", wall, cpu, f"{n} reviews opened")
    )
    wall, cpu, (announced, sent) = timed(digest)
    out.append(
        _outcome(
            "jobs-digest",
            "send_weekly_digest",
            wall,
            cpu,
            f"{announced} announcements, {sent} digests queued",
        )
    )
    _wall, _cpu, (sent, (q_wall, q_cpu, run)) = timed(digest_and_queue)
    out.append(
        _outcome(
            "jobs-mail-queue",
            "send_queued_mail after the digest",
            q_wall,
            q_cpu,
            f"{run.sent} sent, {run.waiting} left",
        )
    )
    wall, cpu, n = timed(told_top)
    out.append(
        _outcome(
            "jobs-told",
            "who is told of a municipality-wide version (twice)",
            wall,
            cpu,
            f"{n} people",
        )
    )
    return out  # fmt: skip

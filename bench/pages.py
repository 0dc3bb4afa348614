"""Scenario module: the document page with its history, a diff of two long versions, and a
user's inbox with about 200 open tasks (issue 7). See ``SCENARIO_MODULES`` in bench/run.py."""

from __future__ import annotations

INBOX_TASKS = 200
INBOX_TARGET_MS = 80.0


def _document_with_most_versions():
    from django.db.models import Count

    from documents.models import Document, DocumentStatus

    return (
        Document.objects.filter(status=DocumentStatus.VALID, is_public=True)
        .annotate(n=Count("versions"))
        .order_by("-n", "pk")
        .values_list("pk", "n")
        .first()
    )


def _longest_pair():
    """The longest valid version with an earlier version to compare it with:
    (document id, its number, its length in characters of HTML)."""
    from django.db.models.functions import Length

    from documents.models import DocumentStatus, DocumentVersion

    best = (
        DocumentVersion.objects.filter(
            status="valid",
            number__gte=2,
            document__status=DocumentStatus.VALID,
            document__is_public=True,
            document__versions__status="superseded",
        )
        .annotate(size=Length("body"))
        .order_by("-size", "pk")
        .values_list("document_id", "number", "size")
        .first()
    )
    if best is None:
        return None
    first = (
        DocumentVersion.objects.filter(document_id=best[0], status="superseded")
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    return (best[0], first, *best[1:])


def _user_with_inbox(size: int):
    """A person whose positions have about ``size`` open tasks waiting (at least ``size``
    if anyone has that many), and the number of tasks in their inbox."""
    from django.db.models import Count
    from viewflow.workflow.models import Task

    from org.models import Position
    from org.selectors import holders
    from workflows import access, routing

    per_position = (
        Task.objects.filter(
            status__in=["NEW", "ASSIGNED"],
            flow_task_type="HUMAN",
            owner_permission=routing.TO_POSITION,
        )
        .values("owner_permission_obj_pk")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {int(r["owner_permission_obj_pk"]): r["n"] for r in per_position}
    if not counts:
        return None, 0
    enough = [p for p, n in counts.items() if n >= size]
    position = (
        min(enough, key=lambda p: (counts[p], p))
        if enough
        else max(counts, key=lambda p: (counts[p], -p))
    )
    user = holders(Position.objects.get(pk=position)).order_by("pk").first()  # holds it today
    if user is None:
        return None, 0
    return user, access.inbox(user).count()


def scenarios(data) -> list:
    from bench.run import Scenario

    out = []
    most = _document_with_most_versions()
    if most:
        doc_id, n = most
        data.extra["history document"] = f"id {doc_id}, {n} versions"
        out.append(
            Scenario(
                "document-history",
                "pages",
                f"document page with history ({n} versions, anonymous)",
                f"/documents/{doc_id}/",
            )
        )
    pair = _longest_pair()
    if pair:
        doc_id, first, number, size = pair
        data.extra["diff document"] = (
            f"id {doc_id}, v{first} → v{number}, {size:,} characters of HTML in v{number}"
        )
        out.append(
            Scenario(
                "document-diff",
                "pages",
                f"diff of v{first} and v{number} ({size // 1000} kB of HTML, anonymous)",
                f"/documents/{doc_id}/diff/?from={first}&to={number}",
            )
        )
    user, tasks = _user_with_inbox(INBOX_TASKS)
    if user is not None:
        data.extra["inbox user"] = f"{user.get_username()}, {tasks} open tasks"
        out.append(
            Scenario(
                "inbox",
                "pages",
                f"inbox with {tasks} tasks",
                "/work/",
                user,
                target_ms=INBOX_TARGET_MS,
            )
        )
    if data.manager is not None:
        out.append(
            Scenario(
                "case-list",
                "pages",
                "the cases a unit's chief may see (the case list, 200 newest)",
                "/work/cases/",
                data.manager,
            )
        )
    return out

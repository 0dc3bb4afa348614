"""The inbox (My tasks): a page of the open tasks that reach a person, as plain rows.

Which tasks reach whom is the access module's ``inbox``; this module pages them and
reads each page's columns in one query, without building tasks, cases or documents.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast
from viewflow.workflow.models import Task

from documents.models import format_diarienummer
from org.models import Body

from . import access, routing
from .models import Case

PAGE_SIZE = 50

_CASE = "process__case__"
# The columns of a row, by the names ``row`` reads them under.
COLUMNS = {
    "task_id": F("pk"),
    # The step as stored ("app/flows.Flow.step"): viewflow's field would import the flow
    # class for every row to give the node.
    "step_ref": Cast("flow_task", CharField()),
    "owner_first_name": F("owner__first_name"),
    "owner_last_name": F("owner__last_name"),
    "series": F(f"{_CASE}diary_entry__series__code"),
    "year": F(f"{_CASE}diary_entry__year"),
    "number": F(f"{_CASE}diary_entry__number"),
    "title": F(f"{_CASE}document__title"),
    "document_type": F(f"{_CASE}document__document_type__name"),
    "task_data": F("data"),
    "return_motivation": F(f"{_CASE}return_motivation"),
    "decider_body_id": F(f"{_CASE}decider_body_id"),
    "preparation_index": F(f"{_CASE}preparation_index"),
}


def inbox_page(user, number: Any = None, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (anything a query string holds; out of range gives the nearest
    page) of ``user``'s inbox, oldest task first. Three queries whatever the size: the
    count and the page's ids, both without joins, and the page's rows (dicts, see
    ``row``) by their ids; a fourth when the page has preparation tasks, for the bodies
    that prepare. In one query with the joins, PostgreSQL hashed the whole task table to
    find the page."""
    page = Paginator(access.inbox_order(user), size).get_page(number)
    ids = [task["pk"] for task in page.object_list]
    found = {
        values["task_id"]: values
        for values in Task.objects.filter(pk__in=ids)
        .order_by()
        .values("created", "owner_id", **COLUMNS)
    }
    _add_preparing_bodies(found.values())
    page.object_list = [row(found[pk], user) for pk in ids if pk in found]
    return page


def _step(values: dict[str, Any]) -> str:
    return values["step_ref"].rsplit(".", 1)[-1]


def _add_preparing_bodies(rows) -> None:
    """Name the body that prepares each preparation task (``preparing_body``)."""
    preparing = [r for r in rows if _step(r) == "preparation" and r["decider_body_id"]]
    if not preparing:
        return
    chains = Body.preparing_chains({r["decider_body_id"] for r in preparing})
    for r in preparing:
        chain = chains.get(r["decider_body_id"], [])
        index = r["preparation_index"]
        r["preparing_body"] = routing.body_label(chain[index]) if index < len(chain) else ""


def row(values: dict[str, Any], user) -> dict[str, Any]:
    """What the inbox shows of one task: also which body prepares a preparation task,
    which union a union representative answers for, and a draft sent back with the
    motivation."""
    step = _step(values)
    data = values.get("task_data") or {}
    owner_id = values["owner_id"]
    diarienummer = (
        format_diarienummer(values["series"], values["year"], values["number"])
        if values["series"]
        else ""
    )
    return {
        "task_id": values["task_id"],
        "step": routing.step_title(step),
        "preparing_body": values.get("preparing_body", ""),
        "union": data.get("union", "") if step == "union_statement" else "",
        "sent_back": (values["return_motivation"] or "") if step in routing.REDRAFT_STEPS else "",
        "diarienummer": diarienummer,
        "title": values["title"] or "",
        "document_type": values["document_type"] or "",
        "created": values["created"],
        "mine": owner_id == user.pk,
        "claimed_by_other": bool(owner_id and owner_id != user.pk),
        "claimed_by": f"{values['owner_first_name'] or ''} {values['owner_last_name'] or ''}".strip(),
    }


def open_cases_of(user, limit: int = 50) -> QuerySet[Case]:
    """The open cases ``user`` writes or has a task waiting in, newest first.

    Each of them is one the user may see (``access.visible_cases``): an author by rule 1,
    a task of theirs or of a position they act in by rule 3, the registrar's queue to
    the registrar, who sees every case. So the list is not read through
    ``visible_cases`` as well: that made PostgreSQL work out every case the user may see
    (a unit chief's 1,600) to keep the 237 of the inbox (tests/
    test_the_inbox_lists_only_cases_its_reader_may_see.py holds the two to the same
    cases)."""
    waiting = access.inbox(user).values("process_id").order_by()
    written = Case.authors.through.objects.filter(user=user).values("case_id").order_by()
    return (
        Case.objects.select_related(*access.CASE_LIST_RELATED)
        .filter(pk__in=written.union(waiting), finished__isnull=True)
        .order_by("-created")[:limit]
    )


def waiting_tasks(user, first: int = 5) -> dict[str, Any]:
    """For the start page: how many tasks wait for ``user`` and the first (oldest) few."""
    page = inbox_page(user, 1, size=first)
    return {"count": page.paginator.count, "rows": page.object_list}

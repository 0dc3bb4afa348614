"""The inbox (My tasks): a page of the open tasks that reach a person, as plain rows.

Which tasks reach whom is the access module's ``inbox``; this module pages them and
reads each page's columns in one query, without building tasks, cases or documents.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F
from django.db.models.functions import Cast
from viewflow.workflow.models import Task

from documents.models import format_diarienummer

from . import access, routing

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
}


def inbox_page(user, number: Any = None) -> Page:
    """Page ``number`` (anything a query string holds; out of range gives the nearest
    page) of ``user``'s inbox, oldest task first. Three queries whatever the size: the
    count and the page's ids, both without joins, and the page's rows (dicts, see
    ``row``) by their ids. In one query with the joins, PostgreSQL hashed the whole task
    table to find the page."""
    page = Paginator(access.inbox_order(user), PAGE_SIZE).get_page(number)
    ids = [task["pk"] for task in page.object_list]
    found = {
        values["task_id"]: values
        for values in Task.objects.filter(pk__in=ids)
        .order_by()
        .values("created", "owner_id", **COLUMNS)
    }
    page.object_list = [row(found[pk], user) for pk in ids if pk in found]
    return page


def row(values: dict[str, Any], user) -> dict[str, Any]:
    """What the inbox shows of one task."""
    owner_id = values["owner_id"]
    diarienummer = (
        format_diarienummer(values["series"], values["year"], values["number"])
        if values["series"]
        else ""
    )
    return {
        "task_id": values["task_id"],
        "step": routing.step_title(values["step_ref"].rsplit(".", 1)[-1]),
        "diarienummer": diarienummer,
        "title": values["title"] or "",
        "document_type": values["document_type"] or "",
        "created": values["created"],
        "mine": owner_id == user.pk,
        "claimed_by_other": bool(owner_id and owner_id != user.pk),
        "claimed_by": f"{values['owner_first_name'] or ''} {values['owner_last_name'] or ''}".strip(),
    }

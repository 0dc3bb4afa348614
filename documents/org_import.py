"""The diary series sheet of the organisation file (``org.importing``): the series live in
documents, so this layer adds the sheet to the org layer's importer and exporter
(registered in ``DocumentsConfig.ready``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from org.importing import ending
from org.importing import sheets as s
from org.importing.apply import CHANGE, Run
from org.importing.check import NOT_FOUND, Known
from org.importing.ending import listed
from org.importing.reader import Problem, Row

from .models import DiarySeries, Document, DocumentStatus

DIARY_SERIES = s.Sheet(
    "Diarieserier",
    gettext_lazy("diary series"),
    (
        s.Column("Kod", "code", True),
        s.Column("Namn", "name", True),
        s.Column("Organ", "body"),
        s.Column("Standardserie", "is_default", False, s.as_bool, False),
        s.Column("Ny numrering varje år", "restart_each_year", False, s.as_bool, True),
    ),
    ("code",),
    120,
)


def _problem(row: Row, name: str, message: str) -> Problem:
    return Problem(DIARY_SERIES.name, row.number, DIARY_SERIES.column(name).header, message)


def check(rows: list[Row], known: Known) -> list[Problem]:
    problems = []
    bodies: dict[str, int] = {}
    default_row = None
    for row in rows:
        if row["body"] and row["body"] not in known.bodies:
            problems.append(
                _problem(row, "body", NOT_FOUND % {"thing": _("body"), "key": row["body"]})
            )
        elif row["body"] in bodies:
            problems.append(
                _problem(
                    row,
                    "body",
                    _("the body already has a diary series (row %(row)s)")
                    % {"row": bodies[row["body"]]},
                )
            )
        if row["body"]:
            bodies.setdefault(row["body"], row.number)
        if row["is_default"]:
            if default_row is not None:
                problems.append(
                    _problem(
                        row,
                        "is_default",
                        _("only one series can be the default (row %(row)s is too)")
                        % {"row": default_row},
                    )
                )
            default_row = default_row or row.number
    return problems


def apply(rows: list[Row], run: Run) -> None:
    found = run.load("diary_series", DiarySeries.objects.all(), lambda o: o.code)
    default = next((r["code"] for r in rows if r["is_default"]), None)
    if default is not None:
        for code, series in found.items():
            if series.is_default and code != default:
                series.is_default = False
                series.save(update_fields=["is_default"])
                run.log(DIARY_SERIES, CHANGE, f"'{code}'", _("no longer the default series"))
    for row in rows:
        values = dict(row.values, body=run.store["bodies"].get(row["body"]))
        run.upsert(DIARY_SERIES, found, row["code"], values, lambda v: DiarySeries(**v))


def export() -> list[dict[str, Any]]:
    return [
        {
            "code": d["code"],
            "name": d["name"],
            "body": d["body__short_name"],
            "is_default": d["is_default"],
            "restart_each_year": d["restart_each_year"],
        }
        for d in DiarySeries.objects.values(
            "code", "name", "body__short_name", "is_default", "restart_each_year"
        )
    ]


# Documents that still need their owner, process and scope: in force or in preparation.
IN_USE = (DocumentStatus.DRAFT, DocumentStatus.VALID)


def _documents_by(lookup: str) -> Callable[[set[str]], dict[str, list[str]]]:
    """The question ``org.importing.ending`` asks: which of the keys documents in use name
    through ``lookup`` (a position that owns them, a process, a scope unit)."""

    def question(keys: set[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        rows = Document.objects.filter(status__in=IN_USE, **{f"{lookup}__in": keys})
        for key, title, import_key, pk in rows.order_by("pk").values_list(
            lookup, "title", "import_key", "pk"
        ):
            found[key].append(f"'{title}' ({import_key or f'styrdok-{pk}'})")
        return {
            key: [
                ngettext(
                    "%(n)s document in force or in preparation: %(documents)s",
                    "%(n)s documents in force or in preparation: %(documents)s",
                    len(titles),
                )
                % {"n": len(titles), "documents": listed(titles)}
            ]
            for key, titles in found.items()
        }

    return question


def register() -> None:
    s.register(s.Extension(DIARY_SERIES, DiarySeries, check, apply, export))
    # Ending a position, process or unit that documents still need is refused.
    ending.register(s.POSITIONS, _documents_by("owner_position__code"))
    ending.register(s.PROCESSES, _documents_by("process__name"))
    ending.register(s.UNITS, _documents_by("scope_unit__code"))

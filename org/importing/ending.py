"""What a re-import ends, and the refusal to end what is still in use.

A unit level, unit, body, position, process or samverkan group that is active in the
database and missing from its sheet (or marked "Aktiv: nej" there) is ended by the import:
made inactive, kept for history. Ending must never leave something in use without what it
needs, so the dry run refuses, naming what still uses it:

- a row of the file still in use (active, or a holding or representation running on the
  day the import ends things from) that names something ended (``file_references``);
- a row of the database that stays in use because its sheet is not in the file
  (``database_references``);
- what the layers above say still uses it (``register``): documents in force or in
  preparation that a position owns, a process holds or a unit scopes; open tasks of a
  position; open cases a position or body is to decide, or a samverkan group consults on.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _

from ..models import (
    Body,
    Position,
    PositionHolding,
    Process,
    SamverkanGroup,
    Substitution,
    UnionRepresentative,
    Unit,
    UnitLevel,
)
from . import sheets as s
from .reader import Problem, Row, Workbook

# The sheets whose objects end by becoming inactive, the model and the stable key (a level
# is named by its name elsewhere, but keyed by its depth in its own sheet).
ENDING = {
    s.LEVELS.name: (UnitLevel, "name"),
    s.UNITS.name: (Unit, "code"),
    s.BODIES.name: (Body, "short_name"),
    s.POSITIONS.name: (Position, "code"),
    s.PROCESSES.name: (Process, "name"),
    s.GROUPS.name: (SamverkanGroup, "name"),
}

# (sheet, column, the sheet of what it names, model of the sheet, lookup of the named key)
REFERENCES = (
    (s.UNITS, "level", s.LEVELS, Unit, "level__name"),
    (s.UNITS, "parent", s.UNITS, Unit, "parent__code"),
    (s.UNITS, "responsible_body", s.BODIES, Unit, "responsible_body__short_name"),
    (s.BODIES, "prepares_for", s.BODIES, Body, "prepares_for__short_name"),
    (s.BODIES, "secretary_position", s.POSITIONS, Body, "secretary_position__code"),
    (s.POSITIONS, "unit", s.UNITS, Position, "unit__code"),
    (s.HOLDINGS, "position", s.POSITIONS, PositionHolding, "position__code"),
    (s.SUBSTITUTES, "position", s.POSITIONS, Substitution, "position__code"),
    (s.PROCESSES, "owner_position", s.POSITIONS, Process, "owner_position__code"),
    (s.PROCESSES, "unit", s.UNITS, Process, "unit__code"),
    (s.GROUPS, "unit", s.UNITS, SamverkanGroup, "unit__code"),
    (s.GROUPS, "chair_position", s.POSITIONS, SamverkanGroup, "chair_position__code"),
    (s.REPRESENTATIVES, "group", s.GROUPS, UnionRepresentative, "group__name"),
)

# A question of a layer above: the keys of one kind the import would end -> for each key
# in use, what uses it, in words ("2 documents in force or in preparation: …").
Question = Callable[[set[str]], dict[str, list[str]]]
_questions: dict[str, list[Question]] = defaultdict(list)


def register(sheet: s.Sheet, question: Question) -> None:
    """Add a question about what still uses ``sheet``'s objects (from an AppConfig.ready)."""
    if question not in _questions[sheet.name]:
        _questions[sheet.name].append(question)


def listed(things: list[str], shown: int = 5) -> str:
    """A few of ``things`` in words, and how many more."""
    text = ", ".join(things[:shown])
    if len(things) > shown:
        text += " " + _("and %(n)s more") % {"n": len(things) - shown}
    return text


def _row_key(sheet: s.Sheet, row: Row) -> str:
    return row["name"] if sheet is s.LEVELS else row[sheet.key[0]]


@dataclass
class Ending:
    """The keys each sheet's kind has after the import, inactive, and those it ends."""

    book: Workbook
    ends_from: datetime.date

    def __post_init__(self) -> None:
        self.inactive: dict[str, set[str]] = {}
        self.ended: dict[str, set[str]] = {}
        self.rows: dict[str, dict[str, Row]] = {}
        for sheet in s.ORG_SHEETS:
            if sheet.name in ENDING:
                self._kind(sheet, *ENDING[sheet.name])

    def _kind(self, sheet: s.Sheet, model: type[models.Model], key: str) -> None:
        db = dict(model.objects.values_list(key, "is_active"))
        rows = self.book.rows(sheet)
        self.rows[sheet.name] = {_row_key(sheet, r): r for r in rows}
        if not self.book.has(sheet):
            self.inactive[sheet.name] = {k for k, active in db.items() if not active}
            self.ended[sheet.name] = set()
            return
        active_after = {_row_key(sheet, r) for r in rows if r["is_active"]}
        if sheet is s.LEVELS:  # a level keeps its name by its depth
            depths = {r["depth"] for r in rows if r["is_active"]}
            by_depth = UnitLevel.objects.values_list("depth", "name")
            active_after |= {name for depth, name in by_depth if depth in depths}
        self.inactive[sheet.name] = (set(db) | set(self.rows[sheet.name])) - active_after
        self.ended[sheet.name] = {k for k in self.inactive[sheet.name] if db.get(k)}

    def in_use(self, sheet: s.Sheet, row: Row) -> bool:
        """Whether a row of the file stays in use after the import."""
        if "is_active" in row.values and not row["is_active"]:
            return False
        if "end" in row.values and row["end"] is not None:
            return row["end"] >= self.ends_from
        return True


def _db_in_use(model: type[models.Model], ends_from: datetime.date) -> Q:
    if hasattr(model, "is_active"):
        return Q(is_active=True)
    return Q(end__isnull=True) | Q(end__gte=ends_from)


def file_references(ending: Ending) -> list[Problem]:
    problems = []
    for sheet, column, target, _model, _lookup in REFERENCES:
        inactive = ending.inactive[target.name]
        for row in ending.book.rows(sheet):
            value = row[column]
            if value and value in inactive and ending.in_use(sheet, row):
                problems.append(
                    Problem(
                        sheet.name,
                        row.number,
                        sheet.column(column).header,
                        _(
                            "%(thing)s '%(key)s' is ended: missing from the sheet %(sheet)s or not active"
                        )
                        % {"thing": target.thing, "key": value, "sheet": target.name},
                    )
                )
    return problems


def database_references(ending: Ending) -> list[Problem]:
    """Objects of sheets not in the file stay as they are: none may name what is ended."""
    problems = []
    for sheet, _column, target, model, lookup in REFERENCES:
        ended = ending.ended[target.name]
        if not ended or ending.book.has(sheet):
            continue
        users: dict[str, list[str]] = defaultdict(list)
        in_use = model.objects.filter(
            _db_in_use(model, ending.ends_from), **{f"{lookup}__in": ended}
        ).annotate(named_key=F(lookup))
        for obj in in_use.order_by("pk"):
            users[obj.named_key].append(f"{sheet.thing} '{obj}'")
        for key, names in sorted(users.items()):
            problems.append(
                _problem(
                    ending,
                    target,
                    key,
                    _("still used by %(users)s (the sheet %(sheet)s is not in the file)")
                    % {"users": listed(names), "sheet": sheet.name},
                )
            )
    return problems


def _problem(ending: Ending, sheet: s.Sheet, key: str, why: str) -> Problem:
    """A refusal to end ``key``: at its row if the file has one (marked not active)."""
    row = ending.rows[sheet.name].get(key)
    message = _("%(thing)s '%(key)s' cannot be ended: %(why)s") % {
        "thing": sheet.thing,
        "key": key,
        "why": why,
    }
    if row is not None:
        return Problem(sheet.name, row.number, sheet.column("is_active").header, message)
    return Problem(sheet.name, None, "", message)


def layers_above(ending: Ending) -> list[Problem]:
    problems = []
    for sheet in (s.LEVELS, s.UNITS, s.BODIES, s.POSITIONS, s.PROCESSES, s.GROUPS):
        ended = ending.ended[sheet.name]
        if not ended:
            continue
        for question in _questions[sheet.name]:
            for key, uses in sorted(question(ended).items()):
                problems.append(_problem(ending, sheet, key, "; ".join(uses)))
    return problems


def check(book: Workbook, ends_from: datetime.date) -> list[Problem]:
    """Every refusal to end something the file would end."""
    ending = Ending(book, ends_from)
    return [*file_references(ending), *database_references(ending), *layers_above(ending)]

"""Checking the file before anything is written: keys, references and the organisation's
rules, against what the file and the database hold together (order within the file does
not matter). Every problem names its sheet, row and column."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db.models import SlugField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Body,
    BodyMembership,
    Position,
    PositionHolding,
    PositionKind,
    Process,
    SamverkanGroup,
    Substitution,
    Union,
    UnionRepresentative,
    Unit,
    UnitLevel,
)
from . import ending
from . import sheets as s
from .reader import Problem, Row, Workbook

SHEET_MODELS: dict[str, Any] = {
    s.LEVELS.name: UnitLevel,
    s.BODIES.name: Body,
    s.UNITS.name: Unit,
    s.POSITIONS.name: Position,
    s.PEOPLE.name: get_user_model(),
    s.HOLDINGS.name: PositionHolding,
    s.SUBSTITUTES.name: Substitution,
    s.MEMBERS.name: BodyMembership,
    s.PROCESSES.name: Process,
    s.UNIONS.name: Union,
    s.GROUPS.name: SamverkanGroup,
    s.REPRESENTATIVES.name: UnionRepresentative,
}

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
NOT_FOUND = gettext_lazy("%(thing)s '%(key)s' does not exist")


@dataclass
class Known:
    """The keys the file and the database name together."""

    levels: dict[str, int] = field(default_factory=dict)  # name -> depth
    samverkan_of_level: dict[str, str] = field(default_factory=dict)  # name -> samverkan level
    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (level, parent)
    bodies: dict[str, str] = field(default_factory=dict)  # code -> prepares for
    positions: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (kind, unit)
    users: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    unions: set[str] = field(default_factory=set)


def known_keys(book: Workbook) -> Known:
    known = Known()
    for name, depth, level in UnitLevel.objects.values_list("name", "depth", "samverkan_level"):
        known.levels[name] = depth
        known.samverkan_of_level[name] = level
    for row in book.rows(s.LEVELS):
        known.levels[row["name"]] = row["depth"]
        known.samverkan_of_level[row["name"]] = row["samverkan_level"]
    known.units = {
        code: (level, parent or "")
        for code, level, parent in Unit.objects.values_list("code", "level__name", "parent__code")
    }
    known.units.update({r["code"]: (r["level"], r["parent"]) for r in book.rows(s.UNITS)})
    known.bodies = {
        code: prepares or ""
        for code, prepares in Body.objects.values_list("short_name", "prepares_for__short_name")
    }
    known.bodies.update({r["short_name"]: r["prepares_for"] for r in book.rows(s.BODIES)})
    known.positions = {
        code: (kind, unit)
        for code, kind, unit in Position.objects.values_list("code", "kind", "unit__code")
    }
    known.positions.update({r["code"]: (r["kind"], r["unit"]) for r in book.rows(s.POSITIONS)})
    known.users = set(get_user_model().objects.values_list("username", flat=True))
    known.users.update(r["username"] for r in book.rows(s.PEOPLE))
    known.groups = set(SamverkanGroup.objects.values_list("name", flat=True))
    known.groups.update(r["name"] for r in book.rows(s.GROUPS))
    known.unions = set(Union.objects.values_list("name", flat=True))
    known.unions.update(r["name"] for r in book.rows(s.UNIONS))
    return known


def _at(sheet: s.Sheet, row: Row, name: str, message: str) -> Problem:
    return Problem(sheet.name, row.number, sheet.column(name).header, message)


def duplicate_keys(book: Workbook, sheet: s.Sheet) -> list[Problem]:
    """Rows of ``sheet`` whose key an earlier row has (any kind of import file)."""
    problems = []
    first: dict[tuple, int] = {}
    for row in book.rows(sheet):
        key = tuple(row[k] for k in sheet.key)
        if key in first:
            problems.append(
                _at(
                    sheet,
                    row,
                    sheet.key[0],
                    _("the same %(thing)s appears on row %(row)s too")
                    % {"thing": sheet.thing, "row": first[key]},
                )
            )
        else:
            first[key] = row.number
    return problems


def too_long(book: Workbook, sheet: s.Sheet, model: Any) -> list[Problem]:
    """Text longer than its field of ``model`` holds, and codes that are not slugs."""
    problems = []
    for column in sheet.columns:
        try:
            model_field = model._meta.get_field(column.field)
        except FieldDoesNotExist:
            continue
        if model_field.is_relation or not getattr(model_field, "max_length", None):
            continue
        for row in book.rows(sheet):
            value = row[column.field]
            if isinstance(value, str) and len(value) > model_field.max_length:
                problems.append(
                    _at(
                        sheet,
                        row,
                        column.field,
                        _("at most %(n)s characters") % {"n": model_field.max_length},
                    )
                )
            elif isinstance(model_field, SlugField) and value and not SLUG.fullmatch(value):
                problems.append(
                    _at(sheet, row, column.field, _("only letters a-z, digits, - and _"))
                )
    return problems


class Checker:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.known = known_keys(book)
        self.problems: list[Problem] = []

    def problem(self, sheet: s.Sheet, row: Row, name: str, message: str) -> None:
        self.problems.append(Problem(sheet.name, row.number, sheet.column(name).header, message))

    def exists(self, sheet: s.Sheet, row: Row, name: str, keys, thing) -> bool:
        value = row[name]
        if value and value not in keys:
            self.problem(sheet, row, name, NOT_FOUND % {"thing": thing, "key": value})
            return False
        return bool(value)

    def unique_keys(self, sheet: s.Sheet) -> None:
        self.problems.extend(duplicate_keys(self.book, sheet))

    def dates(self, sheet: s.Sheet, row: Row) -> None:
        if row["start"] and row["end"] and row["end"] < row["start"]:
            self.problem(sheet, row, "end", _("the end date is before the start date"))

    # --- Per sheet ---------------------------------------------------------------------

    def levels(self) -> None:
        names = Counter(r["name"] for r in self.book.rows(s.LEVELS))
        for row in self.book.rows(s.LEVELS):
            if names[row["name"]] > 1:
                self.problem(s.LEVELS, row, "name", _("two levels have the same name"))

    def units(self) -> None:
        k = self.known
        for row in self.book.rows(s.UNITS):
            self.exists(s.UNITS, row, "responsible_body", k.bodies, _("body"))
            if not self.exists(s.UNITS, row, "level", k.levels, _("level")):
                continue
            depth = k.levels[row["level"]]
            if not row["parent"]:
                if depth != 0:
                    self.problem(
                        s.UNITS, row, "parent", _("only a unit on the top level may lack a parent")
                    )
                continue
            if not self.exists(s.UNITS, row, "parent", k.units, _("parent unit")):
                continue
            parent_level = k.units[row["parent"]][0]
            if k.levels.get(parent_level, -1) >= depth:
                self.problem(
                    s.UNITS, row, "level", _("the level must be below the parent unit's level")
                )

    def bodies(self) -> None:
        k = self.known
        for row in self.book.rows(s.BODIES):
            self.exists(s.BODIES, row, "secretary_position", k.positions, _("position"))
            if self.exists(s.BODIES, row, "prepares_for", k.bodies, _("body")):
                seen, body = {row["short_name"]}, row["prepares_for"]
                while body:
                    if body in seen:
                        self.problem(
                            s.BODIES, row, "prepares_for", _("the preparation chain forms a loop")
                        )
                        break
                    seen.add(body)
                    body = k.bodies.get(body, "")

    def positions(self) -> None:
        chiefs: dict[str, list[str]] = {}
        # The sheet names every position that stays in use (those missing from it end).
        for row in self.book.rows(s.POSITIONS):
            if row["kind"] == PositionKind.CHIEF and row["is_active"]:
                chiefs.setdefault(row["unit"], []).append(row["code"])
        for row in self.book.rows(s.POSITIONS):
            self.exists(s.POSITIONS, row, "unit", self.known.units, _("unit"))
            if (
                row["is_active"]
                and len(chiefs.get(row["unit"], [])) > 1
                and (row["kind"] == PositionKind.CHIEF)
            ):
                others = sorted(set(chiefs[row["unit"]]) - {row["code"]})
                self.problem(
                    s.POSITIONS,
                    row,
                    "kind",
                    _("unit '%(unit)s' already has a chief position: %(others)s")
                    % {"unit": row["unit"], "others": ", ".join(others)},
                )

    def people(self) -> None:
        for row in self.book.rows(s.PEOPLE):
            if row["email"]:
                try:
                    validate_email(row["email"])
                except ValidationError:
                    self.problem(
                        s.PEOPLE,
                        row,
                        "email",
                        _("'%(value)s' is not an e-mail address") % {"value": row["email"]},
                    )

    def held(self, sheet: s.Sheet) -> None:
        for row in self.book.rows(sheet):
            self.exists(sheet, row, "position", self.known.positions, _("position"))
            self.exists(sheet, row, "user", self.known.users, _("person"))
            self.dates(sheet, row)

    def members(self) -> None:
        for row in self.book.rows(s.MEMBERS):
            self.exists(s.MEMBERS, row, "body", self.known.bodies, _("body"))
            self.exists(s.MEMBERS, row, "user", self.known.users, _("person"))
            self.dates(s.MEMBERS, row)

    def processes(self) -> None:
        for row in self.book.rows(s.PROCESSES):
            self.exists(s.PROCESSES, row, "owner_position", self.known.positions, _("position"))
            self.exists(s.PROCESSES, row, "unit", self.known.units, _("unit"))

    def groups(self) -> None:
        k = self.known
        by_unit: dict[str, int] = {}
        for row in self.book.rows(s.GROUPS):
            self.exists(s.GROUPS, row, "chair_position", k.positions, _("position"))
            if not self.exists(s.GROUPS, row, "unit", k.units, _("unit")):
                continue
            if not row["is_active"]:
                continue  # an ended group keeps its unit, beside the active one
            if row["unit"] in by_unit:
                self.problem(
                    s.GROUPS,
                    row,
                    "unit",
                    _("the unit already has a samverkan group (row %(row)s)")
                    % {"row": by_unit[row["unit"]]},
                )
            by_unit[row["unit"]] = row.number
            level = k.samverkan_of_level.get(k.units[row["unit"]][0])
            if level and row["level"] and level != row["level"]:
                self.problem(
                    s.GROUPS,
                    row,
                    "level",
                    _("a group of this unit works on the level '%(level)s'")
                    % {"level": s.GROUPS.column("level").write(level)},
                )

    def representatives(self) -> None:
        k = self.known
        for row in self.book.rows(s.REPRESENTATIVES):
            self.exists(s.REPRESENTATIVES, row, "group", k.groups, _("samverkan group"))
            self.exists(s.REPRESENTATIVES, row, "user", k.users, _("person"))
            self.exists(s.REPRESENTATIVES, row, "union", k.unions, _("union"))
            self.dates(s.REPRESENTATIVES, row)

    def lengths(self, sheet: s.Sheet, model: Any) -> None:
        self.problems.extend(too_long(self.book, sheet, model))

    def run(self) -> list[Problem]:
        for sheet in s.all_sheets():
            self.unique_keys(sheet)
        models_ = {**SHEET_MODELS, **{e.sheet.name: e.model for e in s.extensions()}}
        for sheet in s.all_sheets():
            self.lengths(sheet, models_[sheet.name])
        self.levels()
        self.units()
        self.bodies()
        self.positions()
        self.people()
        self.held(s.HOLDINGS)
        self.held(s.SUBSTITUTES)
        self.members()
        self.processes()
        self.groups()
        self.representatives()
        for extension in s.extensions():
            self.problems.extend(extension.check(self.book.rows(extension.sheet), self.known))
        return self.problems


def check(book: Workbook, ends_from: datetime.date | None = None) -> list[Problem]:
    """Every problem of the file's content, with what the database already holds, and
    every refusal to end what is still in use (``ending``)."""
    day = ends_from or timezone.localdate()
    return [*Checker(book).run(), *ending.check(book, day)]

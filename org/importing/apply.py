"""Writing a checked organisation file: adds, changes and ends, in passes that resolve the
circle body -> secretary position -> unit -> responsible body.

Rows are matched by their stable keys (unit code, body code, position code, user name,
names of processes, unions and groups; a holding by position, person and start). Nothing
is deleted: unit levels, units, bodies, positions, processes and samverkan groups missing
from a sheet become inactive (ended; ``ending`` refuses the file first if something still
uses one), holdings, substitutions and union representations missing from theirs end the
day before ``ends_from``. A sheet
missing from the file leaves its kind of object alone. Saves go through the models, so
``audit.tracking`` records each change; people (not tracked) are recorded here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _

from audit import recording, tracking

from ..models import (
    Body,
    BodyMembership,
    Position,
    PositionHolding,
    Process,
    SamverkanGroup,
    Substitution,
    Union,
    UnionRepresentative,
    Unit,
    UnitLevel,
)
from . import sheets as s
from .check import SHEET_MODELS
from .reader import Workbook

User = get_user_model()
ADD, CHANGE, END = "add", "change", "end"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Change:
    sheet: str
    kind: str
    text: str


def key_of(obj: Any) -> str:
    """The stable key an object is named by in the file (unit and position code, body
    code, user name, or the name of a level, process, union or group)."""
    for name in ("code", "short_name", "username", "name"):
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return str(obj)


@dataclass
class Run:
    """One application of a file; ``changes`` is what it did, in words."""

    book: Workbook
    ends_from: datetime.date
    progress: Progress | None = None
    changes: list[Change] = field(default_factory=list)
    added: set[tuple[str, Any]] = field(default_factory=set)
    store: dict[str, dict[Any, Any]] = field(default_factory=dict)

    # --- Helpers --------------------------------------------------------------------

    def log(self, sheet: s.Sheet, kind: str, label: str, details: str = "") -> None:
        verb = {ADD: _("Added"), CHANGE: _("Changed"), END: _("Ended")}[kind]
        text = f"{verb}: {sheet.thing} {label}" + (f" ({details})" if details else "")
        self.changes.append(Change(sheet.name, kind, text))

    def tell(self, sheet: s.Sheet, done: int) -> None:
        if self.progress is not None:
            self.progress(sheet.name, done, len(self.book.rows(sheet)))

    def shown(self, sheet: s.Sheet, name: str, value: Any) -> str:
        if isinstance(value, models.Model):
            return key_of(value)
        return (
            sheet.column(name).write(value)
            if name in {c.field for c in sheet.columns}
            else str(value)
        )

    def _differs(self, obj: models.Model, name: str, value: Any) -> bool:
        if isinstance(value, models.Model) or (
            value is None and obj._meta.get_field(name).is_relation
        ):
            return getattr(obj, f"{name}_id") != (value.pk if value is not None else None)
        return getattr(obj, name) != value

    def _old(self, obj: models.Model, name: str) -> Any:
        if obj._meta.get_field(name).is_relation:
            pk = getattr(obj, f"{name}_id")
            return self.store.get("by_pk", {}).get((obj._meta.get_field(name).related_model, pk))
        return getattr(obj, name)

    def remember(self, obj: models.Model) -> None:
        self.store.setdefault("by_pk", {})[(type(obj), obj.pk)] = obj

    def upsert(
        self,
        sheet: s.Sheet,
        found: dict[Any, Any],
        key: Any,
        values: dict[str, Any],
        make: Callable[[dict[str, Any]], models.Model] | None = None,
        new: list[models.Model] | None = None,
    ) -> models.Model:
        """The object of ``key`` with ``values``: made if missing, saved if changed. With
        ``new``, a made object is not saved but added to it, for ``insert``."""
        obj = found.get(key)
        label = f"'{key if not isinstance(key, tuple) else ' – '.join(map(str, key))}'"
        if obj is None:
            obj = make(values) if make else sheet_model(sheet)(**values)
            if new is None:
                obj.save()
                self.remember(obj)
            else:
                new.append(obj)
            found[key] = obj
            self.added.add((sheet.name, key))
            self.log(sheet, ADD, label)
            return obj
        changed = [n for n, v in values.items() if self._differs(obj, n, v)]
        if not changed:
            return obj
        details = "; ".join(
            f"{self.header(sheet, n)} '{self.shown(sheet, n, self._old(obj, n))}' → "
            f"'{self.shown(sheet, n, values[n])}'"
            for n in changed
        )
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        if (sheet.name, key) not in self.added:
            self.log(sheet, CHANGE, label, details)
        return obj

    def header(self, sheet: s.Sheet, name: str) -> str:
        return next((c.header for c in sheet.columns if c.field == name), name)

    def load(self, name: str, queryset: models.QuerySet, key: Callable[[Any], Any]) -> dict:
        found = {key(o): o for o in queryset}
        for obj in found.values():
            self.remember(obj)
        self.store[name] = found
        return found

    # --- Passes ---------------------------------------------------------------------

    def levels(self) -> None:
        found = self.load("levels", UnitLevel.objects.all(), lambda o: o.depth)
        if self.book.has(s.LEVELS):
            self.deactivate(s.LEVELS, "levels")
        for row in self.book.rows(s.LEVELS):
            self.upsert(s.LEVELS, found, row["depth"], dict(row.values))
        self.store["level_names"] = {o.name: o for o in found.values()}

    def bodies(self, second_pass: bool) -> None:
        found = self.store.get("bodies") or self.load(
            "bodies", Body.objects.all(), lambda o: o.short_name
        )
        for row in self.book.rows(s.BODIES):
            if second_pass:
                values = {
                    "prepares_for": found.get(row["prepares_for"]),
                    "secretary_position": self.store["positions"].get(row["secretary_position"]),
                }
            else:
                values = {
                    k: row[k]
                    for k in ("short_name", "name", "kind", "minutes_kept_at", "is_active")
                }
            self.upsert(s.BODIES, found, row["short_name"], values)

    def units(self) -> None:
        found = self.load("units", Unit.objects.all(), lambda o: o.code)
        levels = self.store["level_names"]
        rows = sorted(self.book.rows(s.UNITS), key=lambda r: levels[r["level"]].depth)
        for done, row in enumerate(rows, start=1):
            values = dict(row.values)
            values["level"] = levels[row["level"]]
            values["parent"] = found.get(row["parent"])
            values["responsible_body"] = self.store["bodies"].get(row["responsible_body"])
            self.upsert(s.UNITS, found, row["code"], values)
            if done % 100 == 0:
                self.tell(s.UNITS, done)
        self.tell(s.UNITS, len(rows))

    def positions(self) -> None:
        found = self.load("positions", Position.objects.all(), lambda o: o.code)
        units = self.store["units"]
        if self.book.has(s.POSITIONS):
            self.deactivate(s.POSITIONS, "positions")  # first: a unit's new chief may follow
        rows = sorted(self.book.rows(s.POSITIONS), key=lambda r: r["is_active"])
        for done, row in enumerate(rows, start=1):
            values = dict(row.values, unit=units[row["unit"]])
            self.upsert(s.POSITIONS, found, row["code"], values)
            if done % 500 == 0:
                self.tell(s.POSITIONS, done)
        self.tell(s.POSITIONS, len(self.book.rows(s.POSITIONS)))

    def insert(self, model: type[models.Model], new: list[models.Model]) -> None:
        """New rows in a few INSERTs (thousands of people and holdings in a first import),
        each with the "added" entry ``audit.tracking`` writes for a saved row."""
        model.objects.bulk_create(new, batch_size=500)
        for obj in new:
            self.remember(obj)
            tracking.record_added(obj)

    def people(self) -> None:
        found = self.load("users", User.objects.all(), lambda o: o.username)

        def make(values: dict[str, Any]) -> Any:
            user = User(**values)
            user.set_unusable_password()
            return user

        new: list[Any] = []
        added: list[tuple[Any, dict]] = []
        for done, row in enumerate(self.book.rows(s.PEOPLE), start=1):
            before = found.get(row["username"])
            old = {n: getattr(before, n) for n in row.values} if before else {}
            user = self.upsert(s.PEOPLE, found, row["username"], dict(row.values), make, new)
            changes = {n: [old.get(n), v] for n, v in row.values.items() if old.get(n) != v}
            if before is None:
                added.append((user, changes))
            elif changes:
                recording.record_now("organisation_changed", target=user, changes=changes)
            if done % 500 == 0:
                self.tell(s.PEOPLE, done)
        self.tell(s.PEOPLE, len(self.book.rows(s.PEOPLE)))
        self.insert(User, new)  # people are not tracked: their entries are written here
        for user, changes in added:
            recording.record_now("organisation_added", target=user, changes=changes)

    def dated(self, sheet: s.Sheet, model: type[models.Model], parts: dict[str, str]) -> None:
        """Holdings, substitutions or representations: match, add, change, end."""
        stores = {name: self.store[store] for name, store in parts.items()}
        existing: dict[tuple, list[Any]] = defaultdict(list)
        for obj in model.objects.all():
            existing[tuple(getattr(obj, f"{n}_id") for n in parts)].append(obj)
        matched: set[int] = set()
        new: list[Any] = []
        for done, row in enumerate(self.book.rows(sheet), start=1):
            refs = {name: stores[name][row[name]] for name in parts}
            group = existing[tuple(r.pk for r in refs.values())]
            matched.add(self._dated_row(sheet, row.values, refs, group, matched, new))
            if done % 500 == 0:
                self.tell(sheet, done)
        self.insert(model, new)
        unmatched = [o for group in existing.values() for o in group if o.pk not in matched]
        self._end(sheet, unmatched, parts)

    def _dated_row(
        self,
        sheet: s.Sheet,
        values: dict,
        refs: dict,
        group: list[Any],
        matched: set[int],
        new: list[Any],
    ) -> int | None:
        """One row of a dated sheet written; the id of its holding (or the like)."""
        obj = self._matching([o for o in group if o.pk not in matched], values["start"])
        label = " – ".join(key_of(r) for r in refs.values())
        if obj is not None:
            for name, related in refs.items():
                setattr(obj, name, related)  # named in the audit entry without a query
        found = {} if obj is None else {label: obj}
        return self.upsert(sheet, found, label, dict(values, **refs), new=new).pk

    def _matching(self, candidates: list[Any], start: datetime.date) -> Any:
        """The same start, else the one that is still running."""
        same = next((o for o in candidates if o.start == start), None)
        return same or next(
            (o for o in candidates if o.end is None or o.end >= self.ends_from), None
        )

    def _end(self, sheet: s.Sheet, unmatched: list[Any], parts: dict[str, str]) -> None:
        """What the sheet no longer names ends the day before ``ends_from``."""
        last_day = self.ends_from - datetime.timedelta(days=1)
        by_pk = self.store.get("by_pk", {})
        for obj in unmatched:
            if obj.end is not None and obj.end <= last_day:
                continue  # already over: history
            for name in parts:
                related = obj._meta.get_field(name).related_model
                cached = by_pk.get((related, getattr(obj, f"{name}_id")))
                if cached is not None:
                    setattr(obj, name, cached)
            obj.end = max(obj.start, last_day)
            obj.save(update_fields=["end"])
            label = " – ".join(key_of(getattr(obj, n)) for n in parts)
            self.log(sheet, END, f"'{label}'", _("ends %(day)s") % {"day": obj.end})

    def processes(self) -> None:
        found = self.load("processes", Process.objects.all(), lambda o: o.name)
        if self.book.has(s.PROCESSES):
            self.deactivate(s.PROCESSES, "processes")
        for row in self.book.rows(s.PROCESSES):
            values = dict(
                row.values,
                owner_position=self.store["positions"][row["owner_position"]],
                unit=self.store["units"][row["unit"]],
            )
            self.upsert(s.PROCESSES, found, row["name"], values)

    def unions(self) -> None:
        found = self.load("unions", Union.objects.all(), lambda o: o.name)
        for row in self.book.rows(s.UNIONS):
            self.upsert(s.UNIONS, found, row["name"], dict(row.values))

    def groups(self) -> None:
        found = self.load("groups", SamverkanGroup.objects.all(), lambda o: o.name)
        if self.book.has(s.GROUPS):
            self.deactivate(s.GROUPS, "groups")  # first: a unit's new group may follow
        for row in sorted(self.book.rows(s.GROUPS), key=lambda r: r["is_active"]):
            values = dict(
                row.values,
                unit=self.store["units"][row["unit"]],
                chair_position=self.store["positions"][row["chair_position"]],
            )
            self.upsert(s.GROUPS, found, row["name"], values)

    def deactivate(self, sheet: s.Sheet, name: str) -> None:
        """What is missing from its sheet becomes inactive (ended, kept for history); the
        checks (``ending``) refused the file if anything still uses it."""
        in_file = {r[sheet.key[0]] for r in self.book.rows(sheet)}
        for key, obj in sorted(self.store[name].items()):
            if key not in in_file and obj.is_active:
                obj.is_active = False
                obj.save(update_fields=["is_active"])
                self.log(sheet, END, f"'{key_of(obj)}'", _("marked inactive"))

    def run(self) -> list[Change]:
        book = self.book
        self.levels()
        self.bodies(second_pass=False)
        self.units()
        self.positions()
        self.bodies(second_pass=True)
        self.people()
        for sheet, model, parts in (
            (s.HOLDINGS, PositionHolding, {"position": "positions", "user": "users"}),
            (s.SUBSTITUTES, Substitution, {"position": "positions", "user": "users"}),
            (s.MEMBERS, BodyMembership, {"body": "bodies", "user": "users"}),
        ):
            if book.has(sheet):
                self.dated(sheet, model, parts)
            self.tell(sheet, len(book.rows(sheet)))
        self.processes()
        self.unions()
        self.groups()
        if book.has(s.REPRESENTATIVES):
            self.dated(
                s.REPRESENTATIVES,
                UnionRepresentative,
                {"group": "groups", "user": "users", "union": "unions"},
            )
        for extension in s.extensions():
            if book.has(extension.sheet):
                extension.apply(book.rows(extension.sheet), self)
        if book.has(s.UNITS):
            self.deactivate(s.UNITS, "units")
        if book.has(s.BODIES):
            self.deactivate(s.BODIES, "bodies")
        return self.changes


def sheet_model(sheet: s.Sheet) -> type[models.Model]:
    return SHEET_MODELS[sheet.name]

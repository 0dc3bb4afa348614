"""The organisation as the import reads it (selectors): every sheet, rows sorted by key, so
that exporting, importing into an empty database and exporting again gives the same file.
Also the empty template and the example."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

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

User = get_user_model()


def _people() -> list[dict[str, Any]]:
    # Everyone the organisation names: holders, substitutes, elected members and
    # representatives.
    named = (
        Q(pk__in=PositionHolding.objects.values("user_id"))
        | Q(pk__in=Substitution.objects.values("user_id"))
        | Q(pk__in=BodyMembership.objects.values("user_id"))
        | Q(pk__in=UnionRepresentative.objects.values("user_id"))
    )
    return list(User.objects.filter(named).values("username", "email", "first_name", "last_name"))


def _dated(model, refs: dict[str, str], extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    names = {f"{field}__{key}": field for field, key in refs.items()}
    rows = model.objects.values(*names, "start", "end", *extra)
    return [{names.get(k, k): v for k, v in row.items()} for row in rows]


def _records() -> dict[str, list[dict[str, Any]]]:
    return {
        s.LEVELS.name: list(
            UnitLevel.objects.values("depth", "name", "chief_title", "samverkan_level", "is_active")
        ),
        s.BODIES.name: [
            {
                "short_name": b["short_name"],
                "name": b["name"],
                "kind": b["kind"],
                "prepares_for": b["prepares_for__short_name"],
                "secretary_position": b["secretary_position__code"],
                "minutes_kept_at": b["minutes_kept_at"],
                "is_active": b["is_active"],
            }
            for b in Body.objects.values(
                "short_name",
                "name",
                "kind",
                "prepares_for__short_name",
                "secretary_position__code",
                "minutes_kept_at",
                "is_active",
            )
        ],
        s.UNITS.name: [
            {
                "code": u["code"],
                "name": u["name"],
                "level": u["level__name"],
                "parent": u["parent__code"],
                "responsible_body": u["responsible_body__short_name"],
                "is_active": u["is_active"],
            }
            for u in Unit.objects.values(
                "code",
                "name",
                "level__name",
                "parent__code",
                "responsible_body__short_name",
                "is_active",
            )
        ],
        s.POSITIONS.name: [
            {
                "code": p["code"],
                "title": p["title"],
                "kind": p["kind"],
                "unit": p["unit__code"],
                "is_active": p["is_active"],
            }
            for p in Position.objects.values("code", "title", "kind", "unit__code", "is_active")
        ],
        s.PEOPLE.name: _people(),
        s.HOLDINGS.name: _dated(PositionHolding, {"position": "code", "user": "username"}),
        s.SUBSTITUTES.name: _dated(
            Substitution, {"position": "code", "user": "username"}, ("reason",)
        ),
        s.MEMBERS.name: _dated(
            BodyMembership, {"body": "short_name", "user": "username"}, ("role",)
        ),
        s.PROCESSES.name: [
            {
                "name": p["name"],
                "description": p["description"],
                "owner_position": p["owner_position__code"],
                "unit": p["unit__code"],
                "is_active": p["is_active"],
            }
            for p in Process.objects.values(
                "name", "description", "owner_position__code", "unit__code", "is_active"
            )
        ],
        s.UNIONS.name: list(Union.objects.values("name")),
        s.GROUPS.name: [
            {
                "name": g["name"],
                "level": g["level"],
                "unit": g["unit__code"],
                "chair_position": g["chair_position__code"],
                "is_active": g["is_active"],
            }
            for g in SamverkanGroup.objects.values(
                "name", "level", "unit__code", "chair_position__code", "is_active"
            )
        ],
        s.REPRESENTATIVES.name: _dated(
            UnionRepresentative, {"group": "name", "user": "username", "union": "name"}
        ),
    }


def table(sheet: s.Sheet, records: Iterable[dict[str, Any]]) -> list[list[str]]:
    """The sheet's header and rows as text, sorted by the sheet's key."""
    rows = [[c.write(r.get(c.field)) for c in sheet.columns] for r in records]
    key_at = [i for i, c in enumerate(sheet.columns) if c.field in sheet.key]
    rows.sort(key=lambda row: [row[i] for i in key_at] + row)
    return [[c.header for c in sheet.columns], *rows]


def tables() -> dict[str, list[list[str]]]:
    """Every sheet of the organisation as it is now."""
    records = _records()
    for extension in s.extensions():
        records[extension.sheet.name] = extension.export()
    return {sheet.name: table(sheet, records.get(sheet.name, [])) for sheet in s.all_sheets()}


def empty_tables() -> dict[str, list[list[str]]]:
    return {sheet.name: table(sheet, []) for sheet in s.all_sheets()}


def to_xlsx(content: dict[str, list[list[str]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in content.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv_zip(content: dict[str, list[list[str]]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in content.items():
            text = io.StringIO()
            csv.writer(text, delimiter=";", lineterminator="\n").writerows(rows)
            # A fixed time: the same organisation gives the same bytes.
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, "\ufeff" + text.getvalue())
    return out.getvalue()


def render(content, fmt: str) -> bytes:
    """Tables as one XLSX workbook (``fmt="xlsx"``) or a ZIP of CSV files."""
    return to_xlsx(content) if fmt == "xlsx" else to_csv_zip(content)


def export(fmt: str = "xlsx") -> bytes:
    """The organisation as one XLSX workbook (``fmt="xlsx"``) or a ZIP of CSV files."""
    return render(tables(), fmt)

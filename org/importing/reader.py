"""Reading the organisation file: XLSX (one sheet per kind), a CSV named after its sheet, or
a ZIP of such CSVs. Cells become typed values; what cannot be read becomes a ``Problem``
naming the sheet, row and column."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .sheets import BadValue, Sheet, all_sheets, text


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [_("Sheet %(sheet)s") % {"sheet": self.sheet}] if self.sheet else []
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


@dataclass
class Workbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # The sheets this kind of file has (the organisation's by default).
    known: list[Sheet] = field(default_factory=list)

    def rows(self, sheet: Sheet) -> list[Row]:
        return self.sheets.get(sheet.name, [])

    def has(self, sheet: Sheet) -> bool:
        return sheet.name in self.sheets


def _cell(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return text(value)


def _read_rows(book: Workbook, sheet: Sheet, table: list[list[Any]]) -> None:
    if not table:
        book.sheets[sheet.name] = []
        return
    headers = [_cell(h) for h in table[0]]
    columns = []
    for header in headers:
        column = sheet.by_header.get(header.lower())
        if column is None and header:
            book.problems.append(Problem(sheet.name, 1, header, _("unknown column")))
        columns.append(column)
    for missing in (c for c in sheet.columns if c.required and c not in columns):
        book.problems.append(Problem(sheet.name, 1, missing.header, _("the column is missing")))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        raw = {c: _cell(v) for c, v in zip(columns, cells, strict=False) if c is not None}
        if not any(raw.values()):
            continue
        rows.append(Row(number, _values(book, sheet, number, raw)))
    book.sheets[sheet.name] = rows


def _values(book: Workbook, sheet: Sheet, number: int, raw: dict) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in sheet.columns:
        value = raw.get(column, "")
        if not value:
            if column.required:
                book.problems.append(
                    Problem(sheet.name, number, column.header, _("a value is required"))
                )
            values[column.field] = column.default
            continue
        try:
            values[column.field] = column.read(value) if column.read else value
        except BadValue as error:
            book.problems.append(Problem(sheet.name, number, column.header, str(error)))
            values[column.field] = column.default
    return values


def _sheet_named(book: Workbook, name: str) -> Sheet | None:
    return next((s for s in book.known if s.name.lower() == name.strip().lower()), None)


def _add_table(book: Workbook, name: str, table: list[list[Any]]) -> None:
    sheet = _sheet_named(book, name)
    if sheet is None:
        known = ", ".join(s.name for s in book.known)
        book.problems.append(
            Problem(name, None, "", _("unknown sheet (known sheets: %(known)s)") % {"known": known})
        )
        return
    if sheet.name in book.sheets:
        book.problems.append(Problem(name, None, "", _("the sheet appears twice")))
        return
    _read_rows(book, sheet, table)


def _csv_table(data: bytes) -> list[list[str]]:
    content = data.decode("utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(content.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(content), dialect))


def _read_xlsx(book: Workbook, data: bytes) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for worksheet in workbook.worksheets:
            _add_table(
                book, worksheet.title, [list(r) for r in worksheet.iter_rows(values_only=True)]
            )
    finally:
        workbook.close()


def _read_zip(book: Workbook, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            path = PurePath(info.filename)
            if info.is_dir() or path.name.startswith((".", "__")):
                continue
            if path.suffix.lower() != ".csv":
                book.problems.append(Problem(path.name, None, "", _("only CSV files are read")))
                continue
            _read_csv(book, path.stem, archive.read(info))


def _read_csv(book: Workbook, name: str, data: bytes) -> None:
    try:
        table = _csv_table(data)
    except UnicodeDecodeError:
        book.problems.append(Problem(name, None, "", _("the file is not UTF-8 text")))
        return
    _add_table(book, name, table)


def _too_large(data: bytes) -> bool:
    """A ZIP (or XLSX) that unpacks to more than the upload limits allow (a zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
    unpacked = sum(i.file_size for i in entries)
    return len(entries) > settings.STYRDOK_UPLOAD_ZIP_MAX_ENTRIES or (
        unpacked > settings.STYRDOK_UPLOAD_ZIP_MAX_UNPACKED_BYTES
    )


def read(filename: str, data: bytes, sheets: list[Sheet] | None = None) -> Workbook:
    """The file's sheets as typed rows, and every problem found reading them. ``sheets``:
    the sheets of this kind of file (default: the organisation file's, ``all_sheets``);
    the register import (``documents.importing``) reads its own."""
    book = Workbook(known=list(sheets) if sheets is not None else all_sheets())
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix in (".xlsx", ".zip") and _too_large(data):
            book.problems.append(Problem("", None, "", _("The file unpacks to too much data.")))
        elif suffix == ".xlsx":
            _read_xlsx(book, data)
        elif suffix == ".zip":
            _read_zip(book, data)
        elif suffix == ".csv":
            _read_csv(book, PurePath(filename).stem, data)
        else:
            book.problems.append(
                Problem("", None, "", _("Upload an XLSX file, a CSV file or a ZIP of CSV files."))
            )
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        book.problems.append(
            Problem("", None, "", _("The file cannot be read as %(kind)s.") % {"kind": suffix[1:]})
        )
    return book

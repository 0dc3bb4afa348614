"""Checking the register file before anything is written: the organisation it names, the
rule set, the files (each checked like every upload) and, for a document imported before,
that the file still describes its valid version. Every problem names its sheet, row and
column; a decision the rule set would not allow is a warning, never an error."""

from __future__ import annotations

import datetime
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.importing.check import NOT_FOUND, duplicate_keys, too_long
from org.importing.reader import Problem, Row, Workbook
from org.importing.sheets import Sheet
from org.models import Body, Position, Process, Unit

from .. import rules, text_readers
from ..files import MAX_UPLOAD_BYTES, CheckedFile, check_upload
from ..models import Decision, Document, DocumentStatus, DocumentType, DocumentVersion
from ..text_readers import TextReaders
from . import history
from .keys import key_of
from .sheets import DOCUMENTS, EARLIER, REPEALS
from .sources import Files

# "fastställd av en annan instans än regelverket anger"
OUTSIDE_RULES = gettext_lazy("adopted by another body or official than the rule set names")


# Files checked at once (by as many shared text reading processes), at most one per core.
FILE_CHECKS_AT_ONCE = 4


def _checked(files: Files, name: str, readers: TextReaders | None) -> CheckedFile | str:
    """The file's check, or why it is refused; its bytes are let go of (read again to be
    stored)."""
    try:
        return check_upload(files.upload(name), readers=readers)
    except ValidationError as error:
        return " ".join(error.messages)


def _at(sheet: Sheet, row: Row, name: str, message: str) -> Problem:
    return Problem(sheet.name, row.number, sheet.column(name).header, message)


@dataclass
class Known:
    """The organisation, the rule set and the imported documents, by the file's keys."""

    types: dict[str, DocumentType] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Known:
        known = cls()
        for t in DocumentType.objects.prefetch_related("allowed_parent_types"):
            known.types[t.name.lower()] = known.types[t.code.lower()] = t
        known.units = {u.code: u for u in Unit.objects.all()}
        known.positions = {p.code: p for p in Position.objects.all()}
        known.bodies = {b.short_name: b for b in Body.objects.all()}
        known.processes = {p.name: p for p in Process.objects.all()}
        # By the key the export writes: the import key, else one made from the id (a
        # register exported from Styrdok and imported again updates, never duplicates).
        known.documents = {
            key_of(d): d
            for d in Document.objects.filter(
                Q(import_key__isnull=False)
                | Q(status__in=(DocumentStatus.VALID, DocumentStatus.REPEALED))
            ).select_related(
                "document_type", "current_version__adoption", "current_version__diary_entry"
            )
        }
        return known


@dataclass
class Checked:
    """What the checks found: problems, warnings, and the files' checks by name."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    uploads: dict[str, CheckedFile] = field(default_factory=dict)  # by file name
    outside_rules: set[str] = field(default_factory=set)  # keys of documents
    known: Known = field(default_factory=Known)
    # Earlier versions a known document lacks, by (key, number); documents imported repealed.
    new_earlier: set[tuple[str, int]] = field(default_factory=set)
    repealed: set[str] = field(default_factory=set)


class Checker:
    def __init__(self, book: Workbook, files: Files) -> None:
        self.book, self.files = book, files
        self.found = Checked(known=Known.load())
        self.today = timezone.localdate()
        self._verdicts: dict[tuple, bool] = {}

    @property
    def known(self) -> Known:
        return self.found.known

    def problem(self, sheet: Sheet, row: Row, name: str, message: str) -> None:
        self.found.problems.append(_at(sheet, row, name, message))

    def exists(self, sheet: Sheet, row: Row, name: str, keys, thing) -> Any:
        value = row[name]
        if not value:
            return None
        found = keys.get(value.lower() if keys is self.known.types else value)
        if found is None:
            self.problem(sheet, row, name, NOT_FOUND % {"thing": thing, "key": value})
        return found

    # --- Cells shared by both sheets -------------------------------------------------

    def decider(self, sheet: Sheet, row: Row) -> tuple[Body | None, Position | None]:
        if bool(row["body"]) == bool(row["position"]):
            self.problem(
                sheet,
                row,
                "body",
                _("give either the deciding body or the deciding position, not both or neither"),
            )
            return None, None
        body = self.exists(sheet, row, "body", self.known.bodies, _("body"))
        position = self.exists(sheet, row, "position", self.known.positions, _("position"))
        return body, position

    def content(self, sheet: Sheet, row: Row) -> None:
        """The version's file (checked like every upload) or its text."""
        name = row["file"]
        if not name:
            if not row["text"]:
                self.problem(sheet, row, "file", _("give the version's file or its text"))
            return
        if not self.files.has(name):
            self.problem(
                sheet, row, "file", _("the file '%(name)s' is not among the files") % {"name": name}
            )
            return
        error = self.file_errors.get(name)
        if error:
            self.problem(sheet, row, "file", error)

    def check_files(self) -> None:
        """Every file the sheets name, checked like every upload (``check_upload``), a few
        at a time, the text read by a few shared processes (``documents.text_readers``, each
        file with its own limits). The result is kept on
        the upload, so the import reads no file twice. Only new documents' files: a known
        document is updated without them (a re-import of an export checks no file)."""
        known = self.found.known.documents
        new = {r["import_key"] for r in self.book.rows(DOCUMENTS) if r["import_key"] not in known}
        names = {
            r["file"]
            for sheet, key in ((DOCUMENTS, "import_key"), (EARLIER, "document"))
            for r in self.book.rows(sheet)
            if r["file"]
            and self.files.has(r["file"])
            and (r[key] in new or (r[key], r.values.get("number")) in self.found.new_earlier)
        }
        self.file_errors: dict[str, str] = {}
        for name in sorted(names):
            if self.files.size(name) > MAX_UPLOAD_BYTES:
                self.file_errors[name] = _("the largest allowed is %(max)s") % {
                    "max": filesizeformat(MAX_UPLOAD_BYTES)
                }
        todo = sorted(names - set(self.file_errors))
        workers = max(1, min(FILE_CHECKS_AT_ONCE, os.cpu_count() or 1))
        with (
            TextReaders(workers) if text_readers.available() else nullcontext() as readers,
            ThreadPoolExecutor(max_workers=workers) as pool,
        ):
            results = pool.map(lambda n: _checked(self.files, n, readers), todo)
            for name, result in zip(todo, results, strict=True):
                if isinstance(result, str):
                    self.file_errors[name] = result
                else:
                    self.found.uploads[name] = result

    def dates(self, sheet: Sheet, row: Row) -> None:
        decided, valid_from = row["decision_date"], row["valid_from"] or row["decision_date"]
        if decided and decided > self.today:
            self.problem(sheet, row, "decision_date", _("the decision date is in the future"))
        if valid_from and valid_from > self.today:
            self.problem(
                sheet,
                row,
                "valid_from",
                _("only documents already in force are imported; this one applies from %(day)s")
                % {"day": valid_from.isoformat()},
            )
        if decided and row["valid_from"] and row["valid_from"] < decided:
            self.problem(sheet, row, "valid_from", _("the version applies before it was decided"))

    # --- The documents -----------------------------------------------------------------

    def document(self, row: Row) -> None:
        k, sheet = self.known, DOCUMENTS
        doc_type = self.exists(sheet, row, "document_type", k.types, _("document type"))
        unit = self.exists(sheet, row, "scope_unit", k.units, _("unit"))
        owner = self.exists(sheet, row, "owner_position", k.positions, _("position"))
        process = self.exists(sheet, row, "process", k.processes, _("process"))
        if row["import_key"] not in self.found.repealed:
            self.in_use(row, {"scope_unit": unit, "owner_position": owner, "process": process})
        body, position = self.decider(sheet, row)
        self.content(sheet, row)
        self.dates(sheet, row)
        if row["valid_until"] and row["valid_until"] < (row["valid_from"] or datetime.date.min):
            self.problem(sheet, row, "valid_until", _("the end date is before the start date"))
        self.parent(row, doc_type)
        existing = k.documents.get(row["import_key"])
        if existing is not None:
            self.same_version(row, existing)
        if doc_type and unit and (body or position):
            self.rule(row, doc_type, unit, process, body, position)

    def in_use(self, row: Row, named: dict[str, Any]) -> None:
        """A document in force needs its unit, owner and process in use (a repealed one
        may name what has ended since)."""
        for name, obj in named.items():
            if obj is not None and not obj.is_active:
                self.problem(
                    DOCUMENTS,
                    row,
                    name,
                    _("'%(key)s' is ended (inactive) in the organisation") % {"key": row[name]},
                )

    def parent(self, row: Row, doc_type: DocumentType | None) -> None:
        key = row["parent"]
        if not key:
            return
        if key == row["import_key"]:
            self.problem(DOCUMENTS, row, "parent", _("a document cannot be its own parent"))
            return
        in_file = self.rows_by_key.get(key)
        parent_type = (
            self.known.types.get(in_file["document_type"].lower())
            if in_file is not None
            else getattr(self.known.documents.get(key), "document_type", None)
        )
        if in_file is None and key not in self.known.documents:
            self.problem(DOCUMENTS, row, "parent", NOT_FOUND % {"thing": _("document"), "key": key})
            return
        allowed = list(doc_type.allowed_parent_types.all()) if doc_type else []
        if allowed and parent_type is not None and parent_type not in allowed:
            self.problem(
                DOCUMENTS,
                row,
                "parent",
                _("A %(type)s cannot implement a %(parent)s.")
                % {"type": doc_type, "parent": parent_type},
            )
        seen, current = {row["import_key"]}, key
        while current in self.rows_by_key:
            if current in seen:
                self.problem(DOCUMENTS, row, "parent", _("the parent documents form a loop"))
                return
            seen.add(current)
            current = self.rows_by_key[current]["parent"]

    def same_version(self, row: Row, document: Document) -> None:
        """A document imported before: the file must still describe its valid version (an
        adopted version is fixed; a new one is adopted through a case)."""
        version: DocumentVersion | None = document.current_version
        decision: Decision | None = version.adoption if version else None
        same = (
            decision is not None
            and version.title == row["title"]
            and decision.decision_date == row["decision_date"]
            and version.diarienummer == row["historical_diarienummer"]
        )
        if not same:
            self.problem(
                DOCUMENTS,
                row,
                "import_key",
                _(
                    "the document was imported before with another valid version (title or "
                    "decision); a new version is adopted through a case, not by import"
                ),
            )

    def rule(self, row, doc_type, unit, process, body, position) -> None:
        """A decider the rule set would not allow: imported as the fact it is, flagged."""
        key = (doc_type.pk, unit.pk, getattr(process, "pk", None), body, position)
        if key not in self._verdicts:
            verdict = rules.check_decider(doc_type, unit, process, body=body, position=position)
            self._verdicts[key] = verdict.allowed
        if not self._verdicts[key]:
            self.found.outside_rules.add(row["import_key"])
            self.found.warnings.append(
                _at(
                    DOCUMENTS,
                    row,
                    "body" if body else "position",
                    f"{body or position}: {OUTSIDE_RULES}",
                )
            )

    # --- Earlier versions --------------------------------------------------------------

    def document_row(self, sheet, row: Row) -> Row | None:
        """The file's row of the document a row of another sheet names, or None with the
        refusal said."""
        main = self.rows_by_key.get(row["document"])
        if main is None:
            self.problem(
                sheet, row, "document", NOT_FOUND % {"thing": _("document"), "key": row["document"]}
            )
        return main

    def earlier(self, row: Row) -> None:
        main = self.document_row(EARLIER, row)
        if main is None:
            return
        self.decider(EARLIER, row)
        self.content(EARLIER, row)
        self.dates(EARLIER, row)
        if row["number"] is not None and row["number"] < 1:
            self.problem(EARLIER, row, "number", _("versions are numbered from 1"))
        valid_from = main["valid_from"] or main["decision_date"]
        if valid_from and row["decision_date"] and row["decision_date"] > valid_from:
            self.problem(
                EARLIER,
                row,
                "decision_date",
                _("an earlier version is decided before the valid version applies"),
            )

    def run(self) -> Checked:
        book = self.book
        self.rows_by_key = {r["import_key"]: r for r in book.rows(DOCUMENTS)}
        self.found.repealed = history.check_repeals(self)
        self.found.new_earlier = history.new_earlier(self)
        self.check_files()
        for sheet, models_ in (
            (DOCUMENTS, (Document, Decision)),
            (EARLIER, (DocumentVersion, Decision)),
            (REPEALS, (Decision,)),
        ):
            self.found.problems.extend(duplicate_keys(book, sheet))
            for model in models_:
                self.found.problems.extend(too_long(book, sheet, model))
        for row in book.rows(DOCUMENTS):
            self.document(row)
        for row in book.rows(EARLIER):
            self.earlier(row)
        return self.found


def check(book: Workbook, files: Files) -> Checked:
    """Every problem of the register file, with what the database already holds."""
    return Checker(book, files).run()

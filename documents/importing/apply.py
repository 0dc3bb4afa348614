"""Writing a checked register file: each new document with its versions, oldest first, each
version adopted by its historical decision and made valid through the documents'
publication service (``documents.services.publish_version``: status, dates, supersession,
search index, audit), so no status column is written here. A document imported before
(the same key) gets its details and its next review updated; its versions are fixed.

The historical diarienummer is kept on the decision as written; the diarium's counters are
never touched. In a dry run the files are checked but not stored."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from org.importing.apply import ADD, CHANGE, Change
from org.importing.reader import Row, Workbook

from ..files import checked_before
from ..models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentVersion,
    VersionStatus,
)
from ..sanitize import clean_html
from ..services import add_version_file, publish_version
from . import history
from .check import Checked
from .sheets import DOCUMENTS, EARLIER, REPEALS
from .sources import Files

Progress = Callable[[str, int, int], None]


def text_to_html(text: str) -> str:
    """The Text column as the version's text: HTML as given (sanitised), or plain text
    whose blank lines part paragraphs."""
    text = text.strip()
    if not text:
        return ""
    if text.startswith("<"):
        return clean_html(text)
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def parents_first(rows: list[Row]) -> list[Row]:
    """The rows in an order where a parent in the file comes before its children."""
    by_key = {r["import_key"]: r for r in rows}
    ordered: list[Row] = []
    placed: set[str] = set()
    for row in rows:
        chain = []
        current: Row | None = row
        while current is not None and current["import_key"] not in placed:
            chain.append(current)
            placed.add(current["import_key"])
            current = by_key.get(current["parent"])
        ordered.extend(reversed(chain))
    return ordered


@dataclass
class RegisterRun:
    book: Workbook
    checked: Checked
    files: Files
    user: Any = None
    dry_run: bool = False
    progress: Progress | None = None
    changes: list[Change] = field(default_factory=list)

    def log(self, kind: str, key: str, details: str = "") -> None:
        verb = {ADD: _("Added"), CHANGE: _("Changed")}[kind]
        text = f"{verb}: {DOCUMENTS.thing} '{key}'" + (f" ({details})" if details else "")
        self.changes.append(Change(DOCUMENTS.name, kind, text))

    def document_values(self, row: Row, documents: dict[str, Document]) -> dict[str, Any]:
        k = self.checked.known
        parent_key = row["parent"]
        return {
            "document_type": k.types[row["document_type"].lower()],
            "scope_unit": k.units[row["scope_unit"]],
            "owner_position": k.positions[row["owner_position"]],
            "process": k.processes.get(row["process"]) if row["process"] else None,
            "parent": documents.get(parent_key) if parent_key else None,
            "summary": row["summary"],
            "is_public": row["is_public"],
        }

    def version(self, document: Document, row: Row, number: int, *, valid: bool) -> None:
        """One version adopted by its historical decision, then made valid (superseding the
        one before it) by the publication service."""
        k = self.checked.known
        decision = Decision.objects.create(
            document=document,
            kind=DecisionKind.ADOPTION,
            outcome=DecisionOutcome.ADOPTED,
            body=k.bodies.get(row["body"]) if row["body"] else None,
            position=k.positions.get(row["position"]) if row["position"] else None,
            decision_date=row["decision_date"],
            paragraph=row["paragraph"],
            historical_diarienummer=row["historical_diarienummer"],
            outside_rule_set=valid and document.import_key in self.checked.outside_rules,
            recorded_by=self.user if getattr(self.user, "is_authenticated", False) else None,
        )
        version = DocumentVersion(
            document=document,
            number=number,
            status=VersionStatus.ADOPTED,
            title=row["title"],
            body=text_to_html(row["text"]),
            adoption=decision,
            valid_from=row["valid_from"] or row["decision_date"],
            valid_until=row["valid_until"] if valid else None,
            next_review=row["next_review"] if valid else None,
        ).copy_columns_from(document)
        version.save()
        decision.version = version
        decision.save(update_fields=["version"])
        if row["file"] and not self.dry_run:
            upload = checked_before(
                self.files.upload(row["file"]), self.checked.uploads[row["file"]]
            )
            add_version_file(version, upload, user=self.user)
        publish_version(version, on=timezone.localdate())

    def add(self, row: Row, documents: dict[str, Document], earlier: list[Row]) -> None:
        document = Document.objects.create(
            title=row["title"], import_key=row["import_key"], **self.document_values(row, documents)
        )
        documents[row["import_key"]] = document
        for old in sorted(earlier, key=lambda r: r["number"]):
            self.version(document, old, old["number"], valid=False)
        self.version(document, row, max([0, *(r["number"] for r in earlier)]) + 1, valid=True)
        repeal = self.repeals.get(row["import_key"])
        if repeal is not None:
            history.repeal(self, document, repeal)
            self.log(
                ADD, row["import_key"], _("repealed %(day)s") % {"day": repeal["decision_date"]}
            )
        else:
            self.log(ADD, row["import_key"])

    def update(
        self, row: Row, document: Document, documents: dict[str, Document], earlier: list[Row]
    ) -> None:
        values = self.document_values(row, documents)
        changed = [n for n, v in values.items() if _stored(document, n) != _stored_value(v)]
        for name in changed:
            setattr(document, name, values[name])
        if changed:
            document.save(update_fields=changed)
        version = document.current_version
        if row["next_review"] and version.next_review != row["next_review"]:
            version.next_review = row["next_review"]
            version.save(update_fields=["next_review"])
            changed.append("next_review")
        new = [r for r in earlier if (row["import_key"], r["number"]) in self.checked.new_earlier]
        added = history.add_earlier(self, document, new) if new else []
        details = [", ".join(DOCUMENTS.column(n).header for n in changed)] if changed else []
        if added:
            details.append(
                _("earlier versions added: %(numbers)s") % {"numbers": ", ".join(map(str, added))}
            )
        if details:
            self.log(CHANGE, row["import_key"], "; ".join(details))

    def run(self) -> list[Change]:
        documents = dict(self.checked.known.documents)
        earlier: dict[str, list[Row]] = {}
        for row in self.book.rows(EARLIER):
            earlier.setdefault(row["document"], []).append(row)
        self.repeals = {r["document"]: r for r in self.book.rows(REPEALS)}
        rows = parents_first(self.book.rows(DOCUMENTS))
        for done, row in enumerate(rows, start=1):
            existing = self.checked.known.documents.get(row["import_key"])
            if existing is not None:
                self.update(row, existing, documents, earlier.get(row["import_key"], []))
            else:
                self.add(row, documents, earlier.get(row["import_key"], []))
            if self.progress is not None and (done % 20 == 0 or done == len(rows)):
                self.progress(DOCUMENTS.name, done, len(rows))
        return self.changes


def _stored(document: Document, name: str):
    """The document's value of ``name`` as stored: a relation's id, without reading it."""
    return getattr(document, Document._meta.get_field(name).attname)


def _stored_value(value):
    return value.pk if isinstance(value, Model) else value

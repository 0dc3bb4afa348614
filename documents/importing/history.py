"""The register's history in a re-import: earlier versions of a document imported before,
and repealed documents.

- An earlier (superseded) version of a known document is matched by its number: one the
  document has must describe the same version (title, decision date, diarienummer) and is
  left as it is; one it lacks is added, superseded, without touching the versions there
  (their numbers, dates and links are fixed records), so its number must be free and
  below the version in force.
- A repealed document (the sheet Upphävanden names its repeal decision) is imported with
  its versions and then repealed by ``services.repeal_document``, as a case would repeal
  it: never in force after the import, kept in the register's history and searchable as
  repealed. A document in force here is repealed through a case, never by import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from audit import recording
from org.importing.reader import Row

from ..files import checked_before
from ..models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)
from ..search import index_version
from ..services import add_version_file, repeal_document
from .sheets import EARLIER, REPEALS

if TYPE_CHECKING:
    from .apply import RegisterRun
    from .check import Checker


def _versions(documents: list[Document]) -> dict[int, dict[int, DocumentVersion]]:
    found: dict[int, dict[int, DocumentVersion]] = {d.pk: {} for d in documents}
    rows = DocumentVersion.objects.filter(document__in=documents, adoption__isnull=False)
    for v in rows.select_related("adoption", "diary_entry__series"):
        found[v.document_id][v.number] = v
    return found


def new_earlier(checker: Checker) -> set[tuple[str, int]]:
    """The earlier versions of known documents the file adds (by document key and number);
    refusals for those that contradict the versions there."""
    known = checker.known.documents
    rows = [r for r in checker.book.rows(EARLIER) if r["document"] in known and r["number"]]
    versions = _versions([known[r["document"]] for r in rows])
    new: set[tuple[str, int]] = set()
    for row in rows:
        document = known[row["document"]]
        there = versions[document.pk].get(row["number"])
        if there is None:
            current = document.current_version.number if document.current_version else 0
            if row["number"] >= current:
                checker.problem(
                    EARLIER,
                    row,
                    "number",
                    _(
                        "an earlier version added to a document imported before needs a free "
                        "number below its version in force (%(n)s)"
                    )
                    % {"n": current},
                )
            new.add((row["document"], row["number"]))
        elif (there.title, there.adoption.decision_date, there.diarienummer) != (
            row["title"],
            row["decision_date"],
            row["historical_diarienummer"],
        ):
            checker.problem(
                EARLIER,
                row,
                "number",
                _("version %(n)s was imported before with another title or decision")
                % {"n": row["number"]},
            )
    return new


def check_repeals(checker: Checker) -> set[str]:
    """The keys of the documents the file imports as repealed; refusals of bad repeals."""
    repealed: set[str] = set()
    for row in checker.book.rows(REPEALS):
        main = checker.document_row(REPEALS, row)
        if main is None:
            continue
        repealed.add(row["document"])
        checker.decider(REPEALS, row)
        known = checker.known.documents.get(row["document"])
        if known is not None and known.status != DocumentStatus.REPEALED:
            checker.problem(
                REPEALS,
                row,
                "document",
                _("the document is in force here: it is repealed through a case, not by import"),
            )
        decided, applies = row["decision_date"], main["valid_from"] or main["decision_date"]
        if decided and decided > checker.today:
            checker.problem(REPEALS, row, "decision_date", _("the decision date is in the future"))
        elif decided and applies and decided <= applies:
            checker.problem(
                REPEALS,
                row,
                "decision_date",
                _("the repeal is decided before the version it repeals applies"),
            )
    return repealed


def _decision(run: RegisterRun, document: Document, row: Row, kind: str) -> Decision:
    k = run.checked.known
    return Decision.objects.create(
        document=document,
        kind=kind,
        outcome=DecisionOutcome.ADOPTED,
        body=k.bodies.get(row["body"]) if row["body"] else None,
        position=k.positions.get(row["position"]) if row["position"] else None,
        decision_date=row["decision_date"],
        paragraph=row["paragraph"],
        historical_diarienummer=row["historical_diarienummer"],
        recorded_by=run.user if getattr(run.user, "is_authenticated", False) else None,
    )


def repeal(run: RegisterRun, document: Document, row: Row) -> None:
    """The imported document repealed by its historical repeal decision."""
    decision = _decision(run, document, row, DecisionKind.REPEAL)
    decision.version = document.current_version
    decision.save(update_fields=["version"])
    repeal_document(document, decision)


def add_earlier(run: RegisterRun, document: Document, rows: list[Row]) -> list[int]:
    """Earlier versions the document lacked, added superseded (each until the next one
    there applies); their numbers."""
    from .apply import text_to_html

    there = {v.number: v for v in document.versions.all()}
    added = []
    for row in sorted(rows, key=lambda r: r["number"]):
        following = min((n for n in there if n > row["number"]), default=None)
        decision = _decision(run, document, row, DecisionKind.ADOPTION)
        values: dict[str, Any] = {
            "document": document,
            "number": row["number"],
            "status": VersionStatus.SUPERSEDED,
            "title": row["title"],
            "body": text_to_html(row["text"]),
            "adoption": decision,
            "valid_from": row["valid_from"] or row["decision_date"],
            "superseded_on": there[following].valid_from if following else None,
        }
        version = DocumentVersion(**values).copy_columns_from(document)
        version.save()
        decision.version = version
        decision.save(update_fields=["version"])
        if row["file"] and not run.dry_run:
            upload = checked_before(run.files.upload(row["file"]), run.checked.uploads[row["file"]])
            add_version_file(version, upload, user=run.user)
        else:
            index_version(version)  # searchable in the history, like every superseded one
        recording.record(
            "version_superseded",
            target=version,
            from_state="adopted",
            to_state="superseded",
            comment=_("earlier version from the register file"),
        )
        there[row["number"]] = version
        added.append(row["number"])
    return added

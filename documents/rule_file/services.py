"""The rule-set file's writes: the dry run (what a file would change), the import (all of
it in one transaction, or nothing) and the export. Each import is one ``rule_set_imported``
entry in the audit trail, and every row it changes is recorded as the import's
(``audit.recording.noted``); an export is a ``rule_set_exported`` entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from audit import recording
from org.importing.services import imported_together

from .. import access
from .database import ADD, CHANGE, REMOVE, Change, apply, current_rule_set
from .format import dump, parse
from .refusals import RuleFileInvalid, RuleSetImportNotAllowed

FILE_NAME = "regelverk.toml"


@dataclass
class Outcome:
    """What a file changes (or changed): each change in words."""

    changes: list[Change] = field(default_factory=list)
    applied: bool = False

    def of_kind(self, kind: str) -> list[str]:
        return [c.text for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[str]:
        return self.of_kind(ADD)

    @property
    def changed(self) -> list[str]:
        return self.of_kind(CHANGE)

    @property
    def removed(self) -> list[str]:
        return self.of_kind(REMOVE)


def _allowed(user) -> None:
    if user is not None and not access.can_manage_rule_set(user):
        raise RuleSetImportNotAllowed


def _run(user, filename: str, data: bytes | str, *, dry_run: bool) -> Outcome:
    rule_set = parse(data)
    outcome = Outcome()
    note = _("Rule-set import (%(file)s)") % {"file": filename}
    try:
        with imported_together(user, note, dry_run=dry_run):
            outcome.changes = apply(rule_set)
            recording.record(
                "rule_set_imported",
                actor=user,
                target_type="documents.documenttype",
                target_label=filename,
                comment=_("%(n)s changes") % {"n": len(outcome.changes)},
            )
    except (DatabaseError, ValidationError) as error:  # nothing is written
        raise RuleFileInvalid(
            [_("The database refused the rule set: %(error)s") % {"error": error}]
        ) from None
    outcome.applied = not dry_run
    return outcome


def preview(user, filename: str, data: bytes | str) -> Outcome:
    """What the file would change, without changing anything (``RuleFileInvalid`` if it
    has errors)."""
    _allowed(user)
    return _run(user, filename, data, dry_run=True)


def import_file(user, filename: str, data: bytes | str, *, dry_run: bool = False) -> Outcome:
    """Make the installation's rule set the file's, all of it or nothing. ``user`` None: the
    command line."""
    _allowed(user)
    return _run(user, filename, data, dry_run=dry_run)


def export_text(user) -> str:
    """The installation's rule set as a file; the download is recorded."""
    _allowed(user)
    text = dump(current_rule_set())
    if user is not None:
        recording.record_now("rule_set_exported", actor=user, target_label=FILE_NAME)
    return text

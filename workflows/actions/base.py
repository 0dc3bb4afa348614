"""What the actions share: a step's context, file checks before the lock, deciders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from viewflow.workflow.models import Task

from audit import recording as audit
from config import writes_together
from documents import rules
from documents.files import CheckedFile, check_upload
from documents.models import DecisionOutcome, Document
from notifications import mail
from org.selectors import Acting

from .. import task_rows
from ..models import Case
from ..refusals import (
    DeciderNotAllowed,
    DecisionMotivationMissing,
    InvalidFile,
    NoDecider,
    OutcomeMissing,
    ParagraphMissing,
)


@contextmanager
def action_block() -> Iterator[None]:
    """The transaction of a start or a step (one atomic block: a transaction, or a single
    savepoint inside the caller's), with what it writes at its end: its mails together
    (``notifications.mail.queued_together``), then its done tasks' rows and task links
    (``task_rows.step_task_rows``), then its audit entries (``audit.recording.batched``);
    on PostgreSQL the mails, links and entries in one statement
    (``config.writes_together``), sent before the block commits. Left by an exception, it
    writes none of them."""
    with (
        transaction.atomic(),
        writes_together.together(),
        audit.batched(),
        task_rows.step_task_rows(),
        mail.queued_together(),
    ):
        yield


# The step forms' fields that carry a file, and whether the file's text is kept (search).
STEP_FILES = {"upload": True, "minutes_extract": False}


@dataclass
class Step:
    """A human step being done: who (acting in which position), on which case and task."""

    user: object
    acting: Acting | None
    case: Case
    task: Task | None

    def record(self, action: str, *, target=None, to_state: str = "", comment: str = "") -> None:
        """Audit an action of this step's user, on the case unless another target is given."""
        audit.record(
            action,
            actor=self.user,
            acting=self.acting,
            target=target if target is not None else self.case,
            case=self.case,
            to_state=to_state,
            comment=comment,
        )


def check_file(upload, *, with_text: bool) -> CheckedFile:
    """``documents.files.check_upload``, its refusal as ``InvalidFile``."""
    try:
        return check_upload(upload, with_text=with_text)
    except ValidationError as exc:
        raise InvalidFile(" ".join(exc.messages)) from exc


def check_files_first(files: dict, permitted: Callable[[], object]) -> None:
    """Check uploaded files (``{upload: with_text}``) before the action's transaction:
    reading a PDF's text may take up to STYRDOK_UPLOAD_TEXT_SECONDS, and no lock (on
    SQLite: the whole database's) may be held meanwhile. The check inside the transaction
    then reuses the result. Only for a user the action is open to (asked here without a
    lock, and again inside), so that nobody else can make the server read files."""
    files = {upload: with_text for upload, with_text in files.items() if upload is not None}
    if files and permitted():
        for upload, with_text in files.items():
            check_file(upload, with_text=with_text)


def step_files(data: dict) -> dict:
    """The uploads among a step's input, as ``{upload: with_text}``."""
    return {data.get(name): with_text for name, with_text in STEP_FILES.items()}


def decider_choices(document: Document) -> list[tuple[str, rules.Decider]]:
    """Allowed deciders for the document, the natural choice first."""
    found = rules.allowed_deciders(document.document_type, document.scope_unit, document.process)
    return [(d.key, d) for d in found.offered]


def resolve_decider(document: Document, key: str | None) -> rules.Decider:
    """The decider chosen by ``key`` (the natural one without a key), if allowed."""
    found = rules.allowed_deciders(document.document_type, document.scope_unit, document.process)
    offered = found.offered
    if not offered:
        raise NoDecider(detail=found.explanation)
    if not key:
        return offered[0]
    chosen = found.by_key(key)
    if chosen is None:
        raise DeciderNotAllowed(detail=found.refusal(key))
    return chosen


def check_decision_answer(case: Case, *, outcome: str, paragraph: str, motivation: str) -> None:
    """What every decision on a case must say, an adoption's or a review's: an outcome, the
    minutes' paragraph when a body decides, and why when it is not adopted."""
    if outcome not in DecisionOutcome.values:
        raise OutcomeMissing()
    if case.decider_body_id and not paragraph.strip():
        raise ParagraphMissing()
    if outcome != DecisionOutcome.ADOPTED and not motivation.strip():
        raise DecisionMotivationMissing()

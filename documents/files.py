"""Uploaded document files: type detection by content, size limit, text extraction.

Every upload path (a draft's file, the minutes extract, the registrar's records) goes
through ``check_upload``. A file built to overload the server is refused with a message
for the form (``upload_limits.Refused``); a genuine file whose text cannot all be read
within the budget is accepted, with the text that was read, and the shortfall is logged.
A DOCX's or ODT's zip structure is checked in ``office_text``; the text of every type is
read by a separate process (``text_worker``) with hard limits on memory, CPU and
wall-clock time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import office_text
from .text_readers import TextReaders
from .upload_limits import Refused, UploadLimits

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
# The zip entry that holds each type's text.
TEXT_PART = {DOCX: "word/document.xml", ODT: "content.xml"}

TEXT_WORKER = Path(__file__).with_name("text_worker.py")
# The worker begins no new page or chunk after this share of the time budget, so that
# it ends by itself and reports why; the parent kills it at the whole budget.
SOFT_SHARE = 0.8

# The attribute under which check_upload keeps its result on the upload.
_CHECKED = "_styrdok_checked"

logger = logging.getLogger(__name__)

__all__ = ["DOCX", "EXTENSIONS", "ODT", "PDF", "CheckedFile", "Refused", "check_upload"]


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    extracted_text: str
    # False when the text is cut short: a budget ran out, or the file is partly unreadable.
    text_complete: bool = True


def _sniff(upload: UploadedFile, limits: UploadLimits) -> str | None:
    """The type by content; a DOCX's or ODT's directory is checked on the way (Refused)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        zf = office_text.open_checked_zip(upload, limits)
        if zf is None:
            return None
        with zf:
            content_type = None
            if (office_text.read_member_head(zf, "mimetype", 100) or b"").strip() == ODT.encode():
                content_type = ODT
            elif "[Content_Types].xml" in zf.namelist():
                content_type = DOCX
            if (
                content_type is None
                or office_text.text_part(zf, TEXT_PART[content_type], limits) is None
            ):
                return None
            return content_type
    finally:
        upload.seek(0)


def _read_text(
    upload: UploadedFile,
    content_type: str,
    limits: UploadLimits,
    readers: TextReaders | None = None,
) -> tuple[str, str]:
    """The file's text as far as the budgets reach, and why it is not all of it ("" when
    it is), read by the text reading process: one of ``readers`` if given and its result is
    clean, else one of its own. Raises ``Refused`` for a DOCX or ODT that process refuses."""
    worker_limits = _worker_limits(content_type, limits)
    finished = None
    if readers is not None:
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        finished, is_clean = readers.read(data, worker_limits, limits.text_seconds)
        if not is_clean:
            finished = None  # read again alone: that answer is the one that counts
    if finished is None:
        # -I: the worker sees neither the environment's PYTHON* variables nor the project.
        command = [sys.executable, "-I", str(TEXT_WORKER), json.dumps(worker_limits)]
        finished = _run_worker(upload, command, limits)
    if finished is None:
        return "", "the text reading process could not be started"
    output, returncode, stderr, killed = finished
    text, summary = _worker_text(output, limits)
    if killed:
        return text, f"was stopped after {limits.text_seconds} s"
    if not summary:
        tail = stderr[-2000:].decode(errors="replace")
        return text, f"ended without a result (exit {returncode}): {tail}"
    return text, _shortfall(content_type, summary)


def _worker_limits(content_type: str, limits: UploadLimits) -> dict:
    """What the text reading process is told: the kind of file and its budgets."""
    worker_limits = {
        "max_chars": limits.text_max_chars,
        "soft_seconds": limits.text_seconds * SOFT_SHARE,
        "cpu_seconds": limits.text_seconds,
        "memory_bytes": limits.text_memory_bytes,
    }
    if content_type == PDF:
        worker_limits |= {
            "kind": "pdf",
            "max_pages": limits.pdf_max_pages,
            "max_content_bytes": limits.pdf_max_content_bytes,
        }
    else:
        worker_limits |= {
            "kind": "zip",
            "part": TEXT_PART[content_type],
            "xml_max_bytes": limits.xml_max_bytes,
            "max_depth": office_text.XML_MAX_DEPTH,
        }
    return worker_limits


def _run_worker(
    upload: UploadedFile, command: list[str], limits: UploadLimits
) -> tuple[bytes, int | None, bytes, bool] | None:
    """Run the text reading process on the upload: its output, exit code, error output and
    whether it was stopped at the time limit; None when it could not be started."""
    run = {"capture_output": True, "timeout": limits.text_seconds, "env": {}, "check": False}
    try:
        if hasattr(upload, "temporary_file_path"):
            with open(upload.temporary_file_path(), "rb") as stdin:
                done = subprocess.run(command, stdin=stdin, **run)  # noqa: S603 - fixed argv
        else:
            upload.seek(0)
            done = subprocess.run(command, input=upload.read(), **run)  # noqa: S603
    except subprocess.TimeoutExpired as exc:
        # POSIX run() hands over what was read before the kill: the text so far.
        return exc.stdout or b"", None, b"", True
    except OSError as exc:
        logger.error("Could not start the text reading process: %s", exc)
        return None
    finally:
        upload.seek(0)
    return done.stdout, done.returncode, done.stderr, False


def _worker_text(output: bytes, limits: UploadLimits) -> tuple[str, dict]:
    """The text in the process's output lines (cut to the budget), and its closing summary
    ({} without one). Raises ``Refused`` where the process refused the file."""
    parts: list[str] = []
    summary: dict = {}
    for line in output.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            break  # the last line of a killed process may be cut
        if "text" in item:
            parts.append(item["text"])  # normalised and cut by the worker
        elif "refused" in item:
            raise office_text.REFUSALS[item["refused"]](limits)
        else:
            summary = item
    return " ".join(parts)[: limits.text_max_chars], summary


def _shortfall(content_type: str, summary: dict) -> str:
    """Why the text read is not all of the file's, from the process's summary ("" when it
    is)."""
    if content_type != PDF:
        return f"stopped ({summary['stopped']})" if summary["stopped"] else ""
    if summary["stopped"] == "unreadable":
        return "the PDF could not be read"
    if summary["stopped"] or summary["errors"]:
        return (
            f"stopped ({summary['stopped'] or 'errors'}) after {summary['read']} of "
            f"{summary['pages']} pages; {summary['errors']} pages unreadable"
        )
    return ""


def check_upload(
    upload: UploadedFile, *, with_text: bool = True, readers: TextReaders | None = None
) -> CheckedFile:
    """Accept only PDF, DOCX and ODT, recognised by content, within the limits.

    Raises ``ValidationError`` (a ``Refused`` for a file built to overload the server)
    with a message for the form. ``with_text=False`` skips a PDF's text extraction where
    the text is not kept (DOCX and ODT are read all the same: that is their check).

    The result is kept on the upload: a service checks a file before its transaction
    (reading may take up to ``STYRDOK_UPLOAD_TEXT_SECONDS``, and no lock may be held
    meanwhile) and the step inside it gets the same answer at no cost.

    ``readers``: shared text reading processes (``documents.text_readers``) for a caller
    that checks many files; each file is held to the same limits.
    """
    earlier = getattr(upload, _CHECKED, None)
    if earlier is not None and (earlier[0] or not with_text):
        return earlier[1]
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    limits = UploadLimits.from_settings()
    content_type = _sniff(upload, limits)
    if content_type is None:
        raise ValidationError(
            _("The file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."),
            code="bad_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    text, shortfall = "", ""
    # A DOCX or ODT is read even when its text is not kept: reading is part of its check.
    if with_text or content_type != PDF:
        text, shortfall = _read_text(upload, content_type, limits, readers)
    if not with_text:
        text, shortfall = "", ""
    checked = CheckedFile(
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        extracted_text=text,
        text_complete=not shortfall,
    )
    if shortfall:
        # The file is accepted; the operator learns which one is not fully searchable.
        logger.warning(
            "Text of an uploaded %s (sha256 %s, %s bytes) is incomplete, %s characters kept: %s",
            EXTENSIONS[checked.content_type],
            checked.sha256,
            checked.size,
            len(text),
            shortfall,
        )
    setattr(upload, _CHECKED, (with_text, checked))
    return checked


def checked_before(upload: UploadedFile, checked: CheckedFile) -> UploadedFile:
    """Mark ``upload`` as checked with ``checked`` (its text read): for a caller that
    checked the same bytes earlier and let go of them meanwhile (the register import
    checks thousands of files, then reads each again only to store it)."""
    setattr(upload, _CHECKED, (True, checked))
    return upload

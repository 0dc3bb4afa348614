"""Uploaded PDFs to PDF/A: kept as they are when they already declare PDF/A, else converted
with Ghostscript (``gs``, a system package: Debian's ``ghostscript``), else the reason why
not, in words a user can act on."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ..models import ArchivalFailure
from .icc import DESCRIPTION, srgb_v2_profile

CONFORMANCE = "PDF/A-2b"
# A large upload may take a while; a stuck one must not hold a worker for ever.
TIMEOUT_SECONDS = 180
# A download may not wait for a long conversion: past this, it is left to the scheduled job.
REQUEST_TIMEOUT_SECONDS = 15
PDF_TYPE = "application/pdf"

# Ghostscript's way of adding the output intent (PDF/A needs one): pdfmark operators that
# embed our sRGB profile and point the catalogue's OutputIntents at it.
_PDFA_DEF = """%%!
[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark
[{icc_PDFA} <</N 3>> /PUT pdfmark
[{icc_PDFA} (%(icc)s) (r) file /PUT pdfmark
[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark
[{OutputIntent_PDFA} <<
  /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {icc_PDFA}
  /OutputConditionIdentifier (%(name)s) /Info (%(name)s)
>> /PUT pdfmark
[{Catalog} <</OutputIntents [ {OutputIntent_PDFA} ]>> /PUT pdfmark
"""


@dataclass(frozen=True)
class Conversion:
    """The outcome: ``data`` is the PDF/A (None when there is none), ``same`` when the
    upload itself is kept as the archival copy."""

    data: bytes | None
    conformance: str = ""
    failure: str = ArchivalFailure.NONE
    note: str = ""
    same: bool = False
    timed_out: bool = False


def declared_pdfa(pdf: pikepdf.Pdf) -> str:
    """The PDF/A part and level the file's XMP declares ("PDF/A-2b"), or ""."""
    try:
        status = pdf.open_metadata().pdfa_status
    except Exception:  # noqa: BLE001 - unreadable XMP declares nothing
        return ""
    return f"PDF/A-{status[0]}{status[1:].lower()}" if status else ""


def convert_upload(data: bytes, content_type: str, *, timeout: int = TIMEOUT_SECONDS) -> Conversion:
    if content_type != PDF_TYPE or data.lstrip()[:5] != b"%PDF-":
        return Conversion(None, failure=ArchivalFailure.NOT_PDF)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                return Conversion(None, failure=ArchivalFailure.ENCRYPTED)
            declared = declared_pdfa(pdf)
            if not pdf.pages:
                return Conversion(None, failure=ArchivalFailure.BROKEN, note="no pages")
    except pikepdf.PasswordError:
        return Conversion(None, failure=ArchivalFailure.ENCRYPTED)
    except pikepdf.PdfError as exc:
        # "stream <object at 0x...>: what is wrong": only what is wrong
        return Conversion(
            None, failure=ArchivalFailure.BROKEN, note=str(exc).split(": ", 1)[-1][:300]
        )
    if declared:
        return Conversion(data, conformance=declared, note="kept as uploaded", same=True)
    return ghostscript(data, timeout=timeout)


def ghostscript(data: bytes, *, timeout: int = TIMEOUT_SECONDS) -> Conversion:
    gs = shutil.which("gs")
    if gs is None:
        return Conversion(None, failure=ArchivalFailure.NO_CONVERTER)
    with tempfile.TemporaryDirectory(prefix="styrdok-pdfa-") as tmp:
        folder = Path(tmp)
        (folder / "in.pdf").write_bytes(data)
        (folder / "srgb.icc").write_bytes(srgb_v2_profile())
        (folder / "pdfa_def.ps").write_text(
            _PDFA_DEF % {"icc": folder / "srgb.icc", "name": DESCRIPTION}, encoding="ascii"
        )
        command = [
            gs,
            "-q",
            "-dSAFER",
            f"--permit-file-read={folder}/",
            "-dBATCH",
            "-dNOPAUSE",
            "-dNOOUTERSAVE",
            "-dPDFA=2",
            "-dPDFACompatibilityPolicy=1",
            "-sColorConversionStrategy=RGB",
            "-sProcessColorModel=DeviceRGB",
            "-sDEVICE=pdfwrite",
            f"-sOutputFile={folder / 'out.pdf'}",
            str(folder / "pdfa_def.ps"),
            str(folder / "in.pdf"),
        ]
        try:
            done = subprocess.run(  # noqa: S603 - fixed arguments, our own files
                command, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return Conversion(
                None, failure=ArchivalFailure.CONVERTER_FAILED, note="timed out", timed_out=True
            )
        out = folder / "out.pdf"
        if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            message = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            return Conversion(None, failure=ArchivalFailure.CONVERTER_FAILED, note=message[:300])
        return Conversion(out.read_bytes(), conformance=CONFORMANCE, note="Ghostscript")

"""The archival PDF (PDF/A-2b) of a published version, rendered from its text.

reportlab lays the version out as ``documents.pdf`` does, but with its fonts embedded
(Bitstream Vera, shipped inside reportlab: no system font needed) and without a clock or
random id; pikepdf then adds what PDF/A asks of the file itself: the XMP metadata
(``xmp.py``), an sRGB output intent, a document information dictionary that agrees with
the XMP, the print flag on every annotation, and a classic cross-reference table (no
object streams, so the file also meets the stricter PDF/A-1 rules the test's validator
checks). The same version gives the same bytes.
"""

from __future__ import annotations

import datetime
import functools
import io

import pikepdf
from django.utils import translation

from ..pdf import Fonts, PdfHeader, render_pdf
from .icc import srgb_v2_profile
from .record import DecisionRecord
from .xmp import PRODUCER, xmp_packet

CONFORMANCE = "PDF/A-2b"
FAMILY = "StyrdokSans"
# The output intent's colour space, as the profile names it.
SRGB = "sRGB IEC61966-2.1"
_ANNOTATION_PRINT = 4


@functools.cache
def embedded_fonts() -> Fonts:
    """Register Bitstream Vera (reportlab's own copy) once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    faces = {
        FAMILY: "Vera.ttf",
        f"{FAMILY}-Bold": "VeraBd.ttf",
        f"{FAMILY}-Italic": "VeraIt.ttf",
        f"{FAMILY}-BoldItalic": "VeraBI.ttf",
    }
    for name, filename in faces.items():
        pdfmetrics.registerFont(TTFont(name, filename))
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=FAMILY,
        bold=f"{FAMILY}-Bold",
        italic=f"{FAMILY}-Italic",
        boldItalic=f"{FAMILY}-BoldItalic",
    )
    # Vera has no monospaced face: code is set in the regular one.
    return Fonts(regular=FAMILY, bold=f"{FAMILY}-Bold", mono=FAMILY)


def _created(record: DecisionRecord) -> datetime.datetime:
    """The date the PDF states it was made: the decision's (what the content is fixed by),
    so that making it again gives the same bytes."""
    day = record.decision_date or record.valid_from or datetime.date(2000, 1, 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def render_archival_pdf(record: DecisionRecord, body_html: str, *, part: int = 2) -> bytes:
    """The PDF/A of a version with ``record`` on page 1. ``part`` 1 gives the same file
    identified as PDF/A-1b (what the PDF/A-1 validator in the tests can check)."""
    with translation.override("sv"):
        header = PdfHeader(
            title=record.title, document_type=record.document_type, facts=record.rows()
        )
        raw = render_pdf(header, body_html, fonts=embedded_fonts(), invariant=True)
    return finish(raw, record, part=part)


def finish(raw: bytes, record: DecisionRecord, *, part: int = 2) -> bytes:
    created = _created(record)
    pdf = pikepdf.open(io.BytesIO(raw))
    root = pdf.Root
    packet = xmp_packet(record, created=created.strftime("%Y-%m-%dT%H:%M:%SZ"), part=part)
    metadata = pdf.make_stream(packet)
    metadata.Type = pikepdf.Name.Metadata
    metadata.Subtype = pikepdf.Name.XML
    root.Metadata = metadata
    root.Lang = pikepdf.String(record.language)
    icc = pdf.make_stream(srgb_v2_profile())
    icc.N = 3
    root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String(SRGB),
                Info=pikepdf.String(SRGB),
                DestOutputProfile=icc,
            )
        ]
    )
    stamp = created.strftime("D:%Y%m%d%H%M%SZ")
    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(record.title),
            Author=pikepdf.String(record.owner),
            Subject=pikepdf.String(record.adoption_line),
            Creator=pikepdf.String(PRODUCER),
            Producer=pikepdf.String(PRODUCER),
            CreationDate=pikepdf.String(stamp),
            ModDate=pikepdf.String(stamp),
        )
    )
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            annotation.F = _ANNOTATION_PRINT
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        # The XMP stays uncompressed (PDF/A-1 forbids filtering it); qpdf leaves streams
        # without a filter as they are unless told to compress them.
        compress_streams=False,
    )
    return out.getvalue()

"""The yearly review report as a PDF (reportlab, as ``documents.pdf``): a landscape A4
table with the same columns as the Excel export, built in memory."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .review_report import (
    COLUMNS,
    PARENT_POINTS,
    PEOPLE_PER_POINT,
    UNREAD_PER_POINT,
    Report,
    export_values,
)

# Relative widths of COLUMNS (the title gets the most room).
WIDTHS = (6, 8, 24, 9, 13, 8, 6, 6, 7, 6, 8, 10, 10)


# The columns of COLUMNS whose text may be longer than the column is wide: title, type,
# owner, how.
WRAPPED = frozenset({2, 3, 4, 11})


def _plain(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return escape(str(value))


def priority_explained() -> str:
    return _(
        "Priority is the sum of: one point per day overdue, one point per started "
        "%(people)s people the scope covers, %(points)s points when the parent document "
        "got a new version or was repealed after the last review, and one point per started "
        "%(unread)s people who must confirm reading the valid version and have not."
    ) % {"people": PEOPLE_PER_POINT, "points": PARENT_POINTS, "unread": UNREAD_PER_POINT}


def report_pdf(report: Report) -> bytes:
    out = io.BytesIO()
    page = landscape(A4)
    document = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
    )
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("Cell", parent=styles["BodyText"], fontSize=7, leading=8.5)
    head = ParagraphStyle("Head", parent=cell, fontName="Helvetica-Bold")
    summary = _("As of %(day)s: %(due)s due, %(overdue)s overdue, %(done)s done.") % {
        "day": report.day.isoformat(),
        "due": report.due,
        "overdue": report.overdue,
        "done": report.done,
    }
    how = ", ".join(f"{label}: {count}" for label, count in report.done_by_how())
    story = [
        Paragraph(escape(report.title), styles["Title"]),
        Paragraph(escape(summary + (f" ({how})" if how else "")), styles["BodyText"]),
        Paragraph(escape(priority_explained()), styles["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    data = [[Paragraph(escape(str(c)), head) for c in COLUMNS]]
    for row in report.rows:
        # Only the columns of free text wrap (a Paragraph each); the short ones are plain
        # cells, which reportlab lays out several times faster (a report of thousands of
        # rows took seconds with a Paragraph in every cell).
        data.append(
            [
                Paragraph(_text(v), cell) if i in WRAPPED else _plain(v)
                for i, v in enumerate(export_values(row))
            ]
        )
    usable = page[0] - 24 * mm
    table = Table(data, colWidths=[usable * w / sum(WIDTHS) for w in WIDTHS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
            ]
        )
    )
    story.append(table if report.rows else Paragraph(escape(_("Nothing here.")), cell))
    document.build(story)
    return out.getvalue()

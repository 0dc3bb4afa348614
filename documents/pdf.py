"""A PDF of a document version, generated from its sanitised HTML with reportlab.

The PDF is built in memory on each request; nothing is cached on disk. Only the markup the
sanitiser allows is understood (headings, paragraphs, lists, tables, quotes, preformatted
text, bold, italic, underline, struck-out, sub/superscript, code and links); anything else
is read as plain text. Helvetica (one of the PDF standard fonts) covers Swedish letters;
characters it cannot show are replaced by a question mark rather than lost silently.
The archival PDF (``documents.pdfa``) renders the same way with embedded fonts (``Fonts``).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
    XPreformatted,
)
from reportlab.platypus.doctemplate import LayoutError

from .sanitize import clean_html

# Nesting deeper than this is read as plain text (bounds recursion on hostile input).
MAX_DEPTH = 24
VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col", "input", "meta", "link"})
SKIP_TAGS = frozenset({"script", "style", "template", "head", "title"})
INLINE_MARKUP = {
    "b": ("<b>", "</b>"),
    "strong": ("<b>", "</b>"),
    "i": ("<i>", "</i>"),
    "em": ("<i>", "</i>"),
    "u": ("<u>", "</u>"),
    "del": ("<strike>", "</strike>"),
    "s": ("<strike>", "</strike>"),
    "sub": ("<sub>", "</sub>"),
    "sup": ("<super>", "</super>"),
    "code": ('<font face="Courier">', "</font>"),
    "span": ("", ""),
    "small": ("", ""),
}
HEADINGS = {
    "h1": "DocH1",
    "h2": "DocH2",
    "h3": "DocH3",
    "h4": "DocH4",
    "h5": "DocH4",
    "h6": "DocH4",
}
_WS = re.compile(r"\s+")
# reportlab's frames keep this much padding (points) inside the page margins.
FRAME_PADDING = 6
# Common characters outside Helvetica's encoding, written the way a typewriter would.
_FALLBACKS = str.maketrans(
    {
        "\u2192": "->",
        "\u2190": "<-",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2713": "x",
        "\u2714": "x",
    }
)


# --- HTML to a small tree ------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {}, [])
        self._stack = [self.root]
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
            return
        if self._skip:
            return
        node = Node(tag, {k: v or "" for k, v in attrs}, [])
        self._stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and tag not in SKIP_TAGS and not self._skip:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        for i in range(len(self._stack) - 1, 0, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root


# --- Styles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonts:
    """The font names a PDF is set in (registered with reportlab; ``regular`` names a
    family whose bold and italic reportlab knows)."""

    regular: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    mono: str = "Courier"


STANDARD_FONTS = Fonts()


def _styles(fonts: Fonts = STANDARD_FONTS) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "DocBody",
        parent=base["Normal"],
        fontName=fonts.regular,
        fontSize=10.5,
        leading=14,
        spaceAfter=6,
        alignment=TA_LEFT,
    )
    heading = {"fontName": fonts.bold, "keepWithNext": True, "textColor": colors.black}
    return {
        "body": body,
        "cell": ParagraphStyle("DocCell", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
        "head_cell": ParagraphStyle(
            "DocHeadCell",
            parent=body,
            fontName=fonts.bold,
            fontSize=9.5,
            leading=12,
            spaceAfter=0,
        ),
        "quote": ParagraphStyle(
            "DocQuote", parent=body, leftIndent=8 * mm, textColor=colors.HexColor("#333333")
        ),
        "code": ParagraphStyle(
            "DocCode", parent=body, fontName=fonts.mono, fontSize=9, leading=11.5, leftIndent=4 * mm
        ),
        "DocH1": ParagraphStyle(
            "DocH1", parent=body, fontSize=16, leading=20, spaceBefore=10, spaceAfter=6, **heading
        ),
        "DocH2": ParagraphStyle(
            "DocH2", parent=body, fontSize=13.5, leading=17, spaceBefore=8, spaceAfter=4, **heading
        ),
        "DocH3": ParagraphStyle(
            "DocH3", parent=body, fontSize=12, leading=15, spaceBefore=6, spaceAfter=3, **heading
        ),
        "DocH4": ParagraphStyle(
            "DocH4", parent=body, fontSize=10.5, leading=14, spaceBefore=6, spaceAfter=2, **heading
        ),
        "title": ParagraphStyle(
            "DocTitle",
            parent=body,
            fontName=fonts.bold,
            fontSize=20,
            leading=25,
            spaceAfter=8,
        ),
        "meta": ParagraphStyle("DocMeta", parent=body, fontSize=9.5, leading=12.5, spaceAfter=0),
        "banner": ParagraphStyle(
            "DocBanner",
            parent=body,
            fontName=fonts.bold,
            textColor=colors.HexColor("#8a1c1c"),
            spaceAfter=8,
        ),
    }


# --- Text ---------------------------------------------------------------------------------


def _printable(text: str) -> str:
    """Text Helvetica can show: characters outside its encoding become '?'."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        text = text.translate(_FALLBACKS)
        return "".join(ch if _encodable(ch) else "?" for ch in text)


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _text(text: str) -> str:
    return escape(_printable(_WS.sub(" ", text)), quote=False)


def _inline(node: Node, depth: int) -> str:
    """reportlab paragraph markup for the inline content of ``node``."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(_text(child))
            continue
        if child.tag == "br":
            parts.append("<br/>")
            continue
        if depth >= MAX_DEPTH:
            parts.append(_text(_plain(child)))
            continue
        inner = _inline(child, depth + 1)
        if child.tag == "a" and child.attrs.get("href", "").startswith(
            ("http://", "https://", "mailto:")
        ):
            href = escape(_printable(child.attrs["href"]), quote=True)
            parts.append(f'<a href="{href}" color="#00507a"><u>{inner}</u></a>')
        elif child.tag in INLINE_MARKUP:
            start, end = INLINE_MARKUP[child.tag]
            parts.append(f"{start}{inner}{end}")
        else:
            # A block inside inline content: keep its text on a line of its own.
            parts.append(f"<br/>{inner}<br/>" if inner.strip() else "")
    return "".join(parts)


def _plain(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    return " ".join(_plain(c) for c in node.children)


def _has_text(markup: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", markup).strip())


# --- Blocks ----------------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "blockquote",
        "pre", "hr", "section", "article", "header", "footer", "dl", "dt", "dd", "caption",
        "thead", "tbody", "tfoot", "tr", "td", "th", "figure", "figcaption",
    }
)  # fmt: skip


class _Builder:
    def __init__(self, styles: dict[str, ParagraphStyle], width: float, flat_tables: bool, fonts):
        self.styles = styles
        self.width = width
        self.flat_tables = flat_tables
        self.fonts = fonts

    def _inline(self, node: Node, depth: int) -> str:
        markup = _inline(node, depth)
        if self.fonts.mono != "Courier":  # user text is escaped: only our own tag matches
            markup = markup.replace('<font face="Courier">', f'<font face="{self.fonts.mono}">')
        return markup

    def blocks(self, node: Node, style: ParagraphStyle, depth: int = 0) -> list[Flowable]:
        """Flowables for the children of a block container."""
        out: list[Flowable] = []
        inline: list[Node | str] = []

        def flush() -> None:
            if inline:
                markup = self._inline(Node("span", {}, list(inline)), depth).strip()
                # Line breaks at the edges of a paragraph only add empty lines.
                markup = re.sub(r"^(?:<br/>\s*)+|(?:\s*<br/>)+$", "", markup)
                if _has_text(markup):
                    out.append(Paragraph(markup, style))
                inline.clear()

        for child in node.children:
            if isinstance(child, str) or child.tag not in BLOCK_TAGS or depth >= MAX_DEPTH:
                inline.append(child)
                continue
            flush()
            out.extend(self.block(child, style, depth + 1))
        flush()
        return out

    def block(self, node: Node, style: ParagraphStyle, depth: int) -> list[Flowable]:
        tag = node.tag
        if tag in HEADINGS:
            markup = self._inline(node, depth).strip()
            return [Paragraph(markup, self.styles[HEADINGS[tag]])] if _has_text(markup) else []
        if tag in ("ul", "ol"):
            return self.list_(node, style, depth)
        if tag == "table":
            return self.table(node, depth)
        if tag == "blockquote":
            return self.blocks(node, self.styles["quote"], depth)
        if tag == "pre":
            text = escape(_printable(_plain(node)), quote=False)
            return [XPreformatted(text, self.styles["code"])]
        if tag == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=colors.grey, spaceAfter=6)]
        return self.blocks(node, style, depth)

    def list_(self, node: Node, style: ParagraphStyle, depth: int) -> list[Flowable]:
        items = []
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    items.append(ListItem(Paragraph(_text(child), style)))
                continue
            content = self.blocks(child, style, depth + 1) if child.tag == "li" else (
                self.block(child, style, depth + 1) if child.tag in BLOCK_TAGS else
                [Paragraph(self._inline(Node("span", {}, [child]), depth), style)]
            )  # fmt: skip
            if not content:
                content = [Paragraph("", style)]
            items.append(ListItem(content))
        if not items:
            return []
        ordered = node.tag == "ol"
        kwargs = {"bulletType": "1", "bulletFormat": "%s."} if ordered else {
            "bulletType": "bullet", "start": "\u2022"
        }  # fmt: skip
        return [
            ListFlowable(
                items,
                leftIndent=6 * mm,
                bulletFontName=self.fonts.regular,
                bulletFontSize=style.fontSize,
                spaceAfter=4,
                **kwargs,
            )
        ]

    def table(self, node: Node, depth: int) -> list[Flowable]:
        rows: list[list[Node]] = []
        header_rows = 0
        caption = ""

        def collect(n: Node, in_head: bool) -> None:
            nonlocal header_rows, caption
            for child in n.children:
                if isinstance(child, str):
                    continue
                if child.tag == "tr":
                    cells = [
                        c for c in child.children if isinstance(c, Node) and c.tag in ("td", "th")
                    ]
                    if cells:
                        rows.append(cells)
                        is_head = in_head or all(c.tag == "th" for c in cells)
                        if is_head and len(rows) == header_rows + 1:
                            header_rows += 1
                elif child.tag == "caption":
                    caption = self._inline(child, depth + 1).strip()
                elif child.tag in ("thead", "tbody", "tfoot"):
                    collect(child, child.tag == "thead")

        collect(node, False)
        out: list[Flowable] = []
        if caption and _has_text(caption):
            out.append(Paragraph(f"<b>{caption}</b>", self.styles["body"]))
        if not rows:
            return out
        if self.flat_tables:
            for cells in rows:
                text = " | ".join(self._inline(c, depth + 1).strip() for c in cells)
                if _has_text(text):
                    out.append(Paragraph(text, self.styles["body"]))
            return out
        columns = max(len(r) for r in rows)
        cell_style = self.styles["cell"]
        data = []
        for cells in rows:
            row: list = []
            for cell in cells:
                style = self.styles["head_cell"] if cell.tag == "th" else cell_style
                content = self.blocks(cell, style, depth + 1)
                row.append(content or "")
            row.extend([""] * (columns - len(row)))
            data.append(row)
        table = Table(
            data,
            colWidths=[self.width / columns] * columns,
            repeatRows=header_rows,
            hAlign="LEFT",
        )
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            # The table's own text state, set even when no cell is a plain string.
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if header_rows:
            style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")))
        table.setStyle(TableStyle(style))
        out.append(table)
        out.append(Spacer(1, 6))
        return out


# --- The document ------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfHeader:
    """What the first page says about the version, above its text."""

    title: str
    document_type: str = ""
    adoption_line: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    diarienummer: str = ""
    version_label: str = ""
    banner: str = ""
    # More (label, value) rows after those above (the archival PDF's decision record).
    facts: tuple[tuple[str, str], ...] = ()


def _header_flowables(header: PdfHeader, styles, fonts: Fonts) -> list[Flowable]:
    out: list[Flowable] = []
    if header.document_type:
        out.append(Paragraph(_text(header.document_type.upper()), styles["meta"]))
    out.append(Paragraph(_text(header.title), styles["title"]))
    if header.banner:
        out.append(Paragraph(_text(header.banner), styles["banner"]))
    facts = []
    if header.adoption_line:
        facts.append((_("Decision"), header.adoption_line))
    if header.valid_from:
        facts.append((_("Valid from"), header.valid_from.strftime("%Y-%m-%d")))
    if header.valid_until:
        facts.append((_("Valid until"), header.valid_until.strftime("%Y-%m-%d")))
    if header.diarienummer:
        facts.append((_("Diarienummer"), header.diarienummer))
    if header.version_label:
        facts.append((_("Version"), header.version_label))
    facts.extend(header.facts)
    if facts:
        table = Table(
            [
                [
                    Paragraph(f"<b>{_text(k)}</b>", styles["meta"]),
                    Paragraph(_text(v), styles["meta"]),
                ]
                for k, v in facts
            ],
            colWidths=[40 * mm, None],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        out.append(table)
    out.append(Spacer(1, 4))
    out.append(HRFlowable(width="100%", thickness=1, color=colors.HexColor("#00507a")))
    out.append(Spacer(1, 8))
    return [KeepTogether(out)]


def render_pdf(
    header: PdfHeader, body_html: str, *, fonts: Fonts = STANDARD_FONTS, invariant: bool = False
) -> bytes:
    """The PDF of a version: the header on the first page, then the (sanitised) text.
    ``invariant``: no creation time nor random id, so the same input gives the same bytes."""
    clean = clean_html(body_html)
    try:
        return _render(header, clean, fonts, invariant, flat_tables=False)
    except LayoutError:
        # A table cell taller than a page cannot be laid out; tables become lines of text.
        return _render(header, clean, fonts, invariant, flat_tables=True)


def _render(header: PdfHeader, clean: str, fonts, invariant, *, flat_tables: bool) -> bytes:
    buffer = io.BytesIO()
    styles = _styles(fonts)
    title = _printable(header.title)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        subject=_printable(header.adoption_line),
        creator="Styrdok",
        author="",
        invariant=1 if invariant else None,
        initialFontName=fonts.regular,  # no unused Helvetica in the page's resources
    )
    page_label = _("Page %(number)s")
    footer_title = title if len(title) <= 90 else title[:87] + "..."

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(doc.leftMargin, 12 * mm, footer_title)
        canvas.drawRightString(
            A4[0] - doc.rightMargin, 12 * mm, page_label % {"number": document.page}
        )
        canvas.restoreState()

    story = _header_flowables(header, styles, fonts)
    story.extend(
        _Builder(styles, doc.width - 2 * FRAME_PADDING, flat_tables, fonts).blocks(
            parse(clean), styles["body"]
        )
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def version_header(version, *, banner: str = "") -> PdfHeader:
    """The header of a version (its document and decision loaded, ideally in one query)."""
    document = version.document
    return PdfHeader(
        title=version.title or document.title,
        document_type=str(document.document_type),
        adoption_line=version.adoption_line,
        valid_from=version.valid_from,
        valid_until=version.valid_until,
        diarienummer=version.diarienummer,
        version_label=f"{version.number} ({version.get_status_display()})",
        banner=banner,
    )


def version_pdf(version, *, banner: str = "", invariant: bool = False) -> bytes:
    return render_pdf(version_header(version, banner=banner), version.body, invariant=invariant)

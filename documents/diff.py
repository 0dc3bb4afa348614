"""Word-level differences between two versions of a document, fast enough for 30 pages.

Pure functions, no database. The text of each version is cut into blocks (headings,
paragraphs, list items, table rows) of plain text; :mod:`difflib` first aligns the blocks,
and only blocks that changed are compared word by word. A long document with a few changes
therefore costs one cheap sequence match over a few hundred block strings plus a few small
word matches, instead of one word match over tens of thousands of words.

Every piece of text in the output is HTML-escaped; the only markup produced is ``<ins>`` and
``<del>`` (and the block wrappers of :func:`render_block`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from html.parser import HTMLParser

# Tags that end one block of text and start another.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "pre",
        "table", "ul", "ol", "caption", "hr", "thead", "tbody", "tfoot", "section",
        "article", "header", "footer", "dl", "dt", "dd",
    }
)  # fmt: skip
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
CELL_TAGS = frozenset({"td", "th"})
# Content of these tags is never text (nh3 drops them too).
SKIP_TAGS = frozenset({"script", "style", "template", "head", "title"})

# Block kinds, used as CSS classes by the renderer.
HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"
ROW = "row"

# Paired blocks that share less than this much of their words are shown as one deleted and
# one inserted block rather than as a patchwork of small changes.
MIN_PAIR_SIMILARITY = 0.4
# At most this many full word comparisons while pairing blocks, for the whole document.
MAX_PAIR_COMPARISONS = 1000
# How many of the following new blocks an old block of a changed stretch may pair with.
PAIR_WINDOW = 6

_WS = re.compile(r"\s+")
# A word (letters, digits) or a single other character, and the white space after it.
_TOKEN = re.compile(r"(\w+|[^\w\s])(\s*)", re.UNICODE)


@dataclass(frozen=True)
class Block:
    """One block of plain text and what kind of block it is."""

    kind: str
    text: str


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._kinds: list[str] = []  # the kinds of the open blocks, innermost last
        self._skip = 0
        self._in_row = 0

    def _flush(self) -> None:
        text = _WS.sub(" ", "".join(self._parts)).strip()
        if text:
            self.blocks.append(Block(self._kinds[-1] if self._kinds else PARAGRAPH, text))
        self._parts = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        elif tag == "br":
            self._parts.append(" ")
        elif tag == "hr":
            if not self._in_row:
                self._flush()
        elif tag in CELL_TAGS:
            if "".join(self._parts).strip():
                self._parts.append(" | ")
        elif tag == "tr":
            self._flush()
            self._in_row += 1
            self._kinds.append(ROW)
        elif tag in BLOCK_TAGS:
            if self._in_row:  # blocks inside a table cell stay part of the row
                self._parts.append(" ")
                return
            self._flush()
            if tag in HEADING_TAGS:
                kind = HEADING
            elif tag in ("li", "dt", "dd"):
                kind = ITEM
            else:
                kind = self._kinds[-1] if self._kinds else PARAGRAPH
            self._kinds.append(kind)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "tr":
            if self._in_row:
                self._flush()
                self._in_row -= 1
                if self._kinds:
                    self._kinds.pop()
        elif tag in BLOCK_TAGS and tag != "hr" and not self._in_row:
            self._flush()
            if self._kinds:
                self._kinds.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(html: str) -> list[Block]:
    """The blocks of text of an HTML fragment, in document order, white space collapsed."""
    parser = _BlockParser()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def tokens(text: str) -> list[tuple[str, str]]:
    """``(word, white space after it)`` pairs; a word is a run of letters and digits or a
    single other character. Leading white space is dropped."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[str, float]:
    """HTML of ``new`` with words removed from ``old`` in ``<del>`` and added ones in ``<ins>``;
    and the share of words (0..1) the two texts have in common. Changes of white space
    alone are not shown."""
    return _token_diff(tokens(old), tokens(new))


def _joined(pairs: list[tuple[str, str]]) -> str:
    return "".join(word + space for word, space in pairs)


def _token_diff(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> tuple[str, float]:
    matcher = SequenceMatcher(None, [w for w, _ in a], [w for w, _ in b], autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(_joined(b[j1:j2]), quote=False))
            continue
        if i2 > i1:
            out.append(_wrap("del", _joined(a[i1:i2])))
        if j2 > j1:
            out.append(_wrap("ins", _joined(b[j1:j2])))
    return "".join(out).rstrip(), matcher.ratio()


def _wrap(tag: str, text: str) -> str:
    # White space at the edges stays outside the mark, so "a <ins>word</ins> b" reads well.
    stripped = text.strip()
    if not stripped:
        return escape(text, quote=False)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}<{tag}>{escape(stripped, quote=False)}</{tag}>{trail}"


@dataclass(frozen=True)
class DiffBlock:
    """One block of the comparison: ``equal``, ``insert``, ``delete`` or ``change``.

    ``html`` is escaped text with ``<ins>``/``<del>`` marks (the whole block is one mark for
    an inserted or deleted block).
    """

    op: str
    kind: str
    html: str


@dataclass(frozen=True)
class DiffRun:
    """Consecutive blocks that are all unchanged (``changed`` false) or all changed."""

    changed: bool
    blocks: list[DiffBlock]

    def __len__(self) -> int:
        return len(self.blocks)


@dataclass(frozen=True)
class DiffResult:
    runs: list[DiffRun]
    inserted: int  # blocks added
    deleted: int  # blocks removed
    changed: int  # blocks changed within

    @property
    def identical(self) -> bool:
        return not (self.inserted or self.deleted or self.changed)


def _pair_changed(old: list[Block], new: list[Block], budget: list[int]) -> list[DiffBlock]:
    """Blocks of a changed stretch: pair each old block with a similar new one nearby
    (compared word by word); unpaired blocks are wholly deleted or inserted.

    ``budget`` holds how many more full similarity computations the whole comparison may
    make; once spent, remaining blocks are shown as deleted and inserted (this bounds the
    time for two wholly different long texts).
    """
    out: list[DiffBlock] = []
    new_tokens = [tokens(b.text) for b in new]
    new_words = [[w for w, _ in t] for t in new_tokens]
    j = 0
    for block in old:
        best = None
        old_tokens = tokens(block.text)
        old_words = [w for w, _ in old_tokens]
        for k in range(j, min(len(new), j + PAIR_WINDOW)):
            if budget[0] <= 0:
                break
            matcher = SequenceMatcher(None, old_words, new_words[k], autojunk=False)
            # Cheap upper bounds first; the full word match runs only for promising pairs.
            if (
                matcher.real_quick_ratio() < MIN_PAIR_SIMILARITY
                or matcher.quick_ratio() < MIN_PAIR_SIMILARITY
            ):
                continue
            budget[0] -= 1
            if matcher.ratio() < MIN_PAIR_SIMILARITY:
                continue
            best = (k, _token_diff(old_tokens, new_tokens[k])[0])
            break
        if best is None:
            out.append(DiffBlock("delete", block.kind, _wrap("del", block.text)))
            continue
        k, html = best
        out.extend(DiffBlock("insert", b.kind, _wrap("ins", b.text)) for b in new[j:k])
        out.append(DiffBlock("change", new[k].kind, html))
        j = k + 1
    out.extend(DiffBlock("insert", b.kind, _wrap("ins", b.text)) for b in new[j:])
    return out


def diff_blocks(old: list[Block], new: list[Block]) -> DiffResult:
    """Compare two lists of blocks: block level first, words only inside changed blocks."""
    # Blocks compare by kind and text; hashing strings keeps this fast for long documents.
    a = [f"{b.kind}\x00{b.text}" for b in old]
    b_ = [f"{b.kind}\x00{b.text}" for b in new]
    matcher = SequenceMatcher(None, a, b_, autojunk=False)
    runs: list[DiffRun] = []
    inserted = deleted = changed = 0
    budget = [MAX_PAIR_COMPARISONS]

    def add(is_changed: bool, blocks: list[DiffBlock]) -> None:
        if not blocks:
            return
        if runs and runs[-1].changed == is_changed:
            runs[-1].blocks.extend(blocks)
        else:
            runs.append(DiffRun(is_changed, list(blocks)))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add(
                False, [DiffBlock("equal", b.kind, escape(b.text, quote=False)) for b in new[j1:j2]]
            )
            continue
        blocks = _pair_changed(old[i1:i2], new[j1:j2], budget)
        for block in blocks:
            if block.op == "insert":
                inserted += 1
            elif block.op == "delete":
                deleted += 1
            else:
                changed += 1
        add(True, blocks)
    return DiffResult(runs=runs, inserted=inserted, deleted=deleted, changed=changed)


def diff_html(old_html: str, new_html: str) -> DiffResult:
    """Compare two HTML texts (sanitise them first if they come from users' input)."""
    return diff_blocks(html_blocks(old_html), html_blocks(new_html))


def collapse(runs: list[DiffRun], context: int = 2) -> list[tuple[bool, list[DiffBlock]]]:
    """The blocks to show, as ``(hidden, blocks)`` pieces in order: every changed block, up
    to ``context`` unchanged blocks around each change, and the rest of each unchanged stretch
    as a hidden piece (shown folded, so a long document with few changes stays readable)."""
    out: list[tuple[bool, list[DiffBlock]]] = []
    last = len(runs) - 1
    for index, run in enumerate(runs):
        blocks = run.blocks
        if run.changed:
            out.append((False, blocks))
            continue
        head = context if index > 0 else 0  # context after the change before
        tail = context if index < last else 0  # context before the change after
        if len(blocks) <= head + tail + 1:
            out.append((False, blocks))
            continue
        if head:
            out.append((False, blocks[:head]))
        out.append((True, blocks[head : len(blocks) - tail]))
        if tail:
            out.append((False, blocks[len(blocks) - tail :]))
    return out


def render_block(block: DiffBlock) -> str:
    """One block as HTML: a ``div`` with classes for the block's kind and change."""
    return f'<div class="diff-block diff-{block.kind} diff-{block.op}">{block.html}</div>'

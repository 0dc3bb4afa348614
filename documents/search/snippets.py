"""Snippets and highlighting: the words of a text matching a query, marked."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import DocumentVersion
from ..plain_text import html_to_text
from .analysis import (
    ACCENT_FOLD,
    TOKEN_RE,
    QueryWord,
    is_indexable,
    query_terms,
    stem,
    tokens,
)
from .compounds import part_stems
from .indexing import version_file

# --- Snippets -------------------------------------------------------------------

_SPACE = re.compile(r"\s+")

# A page of hits cuts its snippets from the same texts request after request (a popular
# search, the next page, the same documents found by another word): their plain and folded
# forms, and the matches of a query's terms in them, are kept, keyed by the text itself (and
# the terms), so a changed text is another key and can never be given what was derived from
# the old one. Bounded: at most this many texts of at most this many characters per cache
# (longer ones are processed on each request, as before).
TEXT_CACHE_SIZE = 256
TEXT_CACHE_MAX_CHARS = 20_000

_Derived = TypeVar("_Derived")


def _text_cache(function: Callable[[str], _Derived]) -> Callable[[str], _Derived]:
    """``functools.lru_cache`` for a function of one text, bounded as said above."""
    cached = functools.lru_cache(maxsize=TEXT_CACHE_SIZE)(function)

    @functools.wraps(function)
    def wrapper(text: str) -> _Derived:
        return cached(text) if len(text) <= TEXT_CACHE_MAX_CHARS else function(text)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return wrapper


@_text_cache
def _body_text(html: str) -> str:
    """A version's HTML body as one line of plain text."""
    return _SPACE.sub(" ", html_to_text(html)).strip()


@_text_cache
def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# ACCENT_FOLD as (character, replacement) pairs: str.translate with a dict looks up every
# character (about 140 µs for 2,000 characters); a few replace() calls for the characters
# present give the same text in well under a microsecond.
_FOLD_PAIRS = tuple((chr(code), replacement) for code, replacement in ACCENT_FOLD.items())


@_text_cache
def _folded(text: str) -> str | None:
    """The text lower-cased and accent-folded, with every character where it was; None when
    lower-casing changes the length (then the positions would not match)."""
    folded = text.lower()
    if len(folded) != len(text):
        return None
    for accented, plain in _FOLD_PAIRS:
        if accented in folded:
            folded = folded.replace(accented, plain)
    return folded


def _match_spans(text: str, terms: list[QueryWord]) -> list[tuple[int, int, str]]:
    """``(start, end, term)`` of the words of ``text`` whose stem matches a query term, or
    that are compounds with a part that does ("internkontrollen" for "kontroll").

    Fast path: a stem is a prefix of its word, and a compound's part's stem is written in
    the compound (but for a dropped vowel put back: "blåa" of "blåsljud", some 1 in 1,300
    parts, which are not marked), so only words holding a query term are candidates; a
    regular expression finds the terms in a lower-cased copy of the same length, and each
    candidate word is then analysed exactly as the index does.
    """
    if not terms or not text:
        return []
    if len(text) > TEXT_CACHE_MAX_CHARS:
        return _find_spans(text, terms)
    return list(_kept_spans(text, tuple(terms)))


@functools.lru_cache(maxsize=TEXT_CACHE_SIZE)
def _kept_spans(text: str, terms: tuple[QueryWord, ...]) -> tuple[tuple[int, int, str], ...]:
    return tuple(_find_spans(text, terms))


def _find_spans(
    text: str, terms: list[QueryWord] | tuple[QueryWord, ...]
) -> list[tuple[int, int, str]]:
    folded = _folded(text)
    if folded is not None:
        starts = {start for word in terms for start in (word.term, *word.whole)}
        alternatives = "|".join(re.escape(t) for t in sorted(starts, key=lambda t: (-len(t), t)))
        # The pattern is the terms alone, searched for as literals (18 times faster than a
        # pattern that starts with a word boundary); each match is widened to its word.
        # A match inside a word is a candidate too: a compound has its parts there
        # ("kontroll" in "internkontrollen").
        words = _enclosing_words(folded, re.compile(alternatives))
    else:  # a character that changes length when lower-cased: look at every word
        words = (m.span() for m in TOKEN_RE.finditer(text))
    spans: list[tuple[int, int, str]] = []
    for start, end in words:
        term = _matched_term(text[start:end], terms)
        if term is not None:
            spans.append((start, end, term))
    return spans


_WORD_CHARACTER = re.compile(r"[^\W_]")
_WORD_CHARACTERS = re.compile(r"[^\W_]*")


def _enclosing_words(folded: str, pattern: re.Pattern) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each word of the text holding a match of ``pattern``, once."""
    end = 0
    for match in pattern.finditer(folded):
        if match.start() < end:
            continue  # in the word just given
        start = match.start()
        while start and _WORD_CHARACTER.match(folded, start - 1):
            start -= 1
        end = _WORD_CHARACTERS.match(folded, match.end()).end()
        yield start, end


def _matched_term(word: str, terms: list[QueryWord] | tuple[QueryWord, ...]) -> str | None:
    """The query term a word of the text matches: by its stem, by the letters typed, or
    through a compound's part (``compounds.part_stems``, as the index's compound rows)."""
    for normalised in tokens(word):
        if is_indexable(normalised):
            stemmed = stem(normalised)
            for query_word in terms:
                typed = query_word.is_prefix and normalised.startswith(query_word.term)
                if typed or query_word.matches(stemmed):
                    return query_word.term
            parts = part_stems(normalised)
            for query_word in terms:
                if any(query_word.matches(part) for part in parts):
                    return query_word.term
    return None


def _best_window(spans: list[tuple[int, int, str]], length: int) -> int:
    """Start of the window of ``length`` characters with the most distinct matched terms."""
    spans = spans[:500]
    best, best_key = spans[0][0], (0, 0)
    for i, (start, _end, _term) in enumerate(spans):
        distinct: set[str] = set()
        count = 0
        for s in spans[i:]:
            if s[1] > start + length:
                break
            distinct.add(s[2])
            count += 1
        if (len(distinct), count) > best_key:
            best, best_key = start, (len(distinct), count)
    return best


def highlight(text: str, q: str | list[QueryWord]) -> SafeString:
    """The whole text, HTML-escaped, with ``<mark>`` around the words matching ``q``."""
    terms = query_terms(q) if isinstance(q, str) else q
    return _render(text or "", _match_spans(text or "", terms), 0, len(text or ""))


def _render(text: str, spans, start: int, end: int) -> SafeString:
    parts: list[str] = []
    position = start
    for s, e, _term in spans:
        if s < start or e > end:
            continue
        parts.append(escape(text[position:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    parts.append(escape(text[position:end]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _plain_text(version: DocumentVersion) -> str:
    """The version's text without markup: from the HTML where that is loaded (it may have
    changed since the version was saved), else as saved (the register's rows load that
    instead of the HTML)."""
    if "body" not in version.__dict__ and "plain_text" in version.__dict__:
        return version.plain_text
    return _body_text(version.body or "")


def _file_text(version: DocumentVersion) -> str:
    """The extracted text of the version's file: as ``register_rows`` annotates it
    (``file_text``: one subquery per row instead of a prefetch, which built a queryset for
    every row), else from its files (prefetched ones when present)."""
    if "file_text" in version.__dict__:
        return version.file_text or ""
    current = version_file(version)
    return current.extracted_text if current is not None else ""


def snippet(version: DocumentVersion, q: str | list[QueryWord], length: int = 200) -> SafeString:
    """About ``length`` characters of the version's text around its best match, as safe HTML.

    Words matching the query (by stem, as in the search, and the compounds a query word
    finds: "internkontrollen" for "kontroll") are wrapped in ``<mark>``; all text is
    HTML-escaped. Looks in the version's text, then its file's text; without a
    match, the beginning of the text. For a fixed query count per page, load the rows with
    ``selectors.register_rows(with_text=True)`` (the file's text annotated) or with
    ``prefetch_related("files")``. ``q`` may be given as its ``query_terms`` (once for a
    page of snippets).
    """
    terms = query_terms(q) if isinstance(q, str) else q
    text, spans = _matched_text(version, terms)
    if len(text) <= length:
        return _render(text, spans, 0, len(text))
    start, end = _window(text, spans, length)
    html = _render(text, spans, start, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 - _render escapes the text


def _matched_text(
    version: DocumentVersion, terms: list[QueryWord]
) -> tuple[str, list[tuple[int, int, str]]]:
    """The first of the version's texts (its own, then its file's) with a match, and its
    matches; without a match anywhere, the first text and none."""
    sources = [_plain_text(version)]
    file_text = _file_text(version)
    if file_text:
        sources.append(_one_line(file_text))
    sources = [s for s in sources if s] or [""]
    for candidate in sources:
        found = _match_spans(candidate, terms)
        if found:
            return candidate, found
    return sources[0], []


def _window(text: str, spans: list[tuple[int, int, str]], length: int) -> tuple[int, int]:
    """Start and end of about ``length`` characters of a longer text: around its best
    match (a fifth of the window before it), else from its beginning, within the text."""
    start = max(0, _best_window(spans, length) - length // 5) if spans else 0
    end = min(len(text), start + length)
    if end == len(text):
        start = max(0, end - length)
    return _whole_words(text, spans, start, end)


def _whole_words(
    text: str, spans: list[tuple[int, int, str]], start: int, end: int
) -> tuple[int, int]:
    """Whole words only: the edges moved to spaces, never cutting through a match; a very
    long matched word is shown whole."""
    if start > 0:
        space = text.find(" ", start, start + 30)
        if space != -1 and not any(s <= space < e for s, e, _ in spans):
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        if space > start:
            end = space
    first = next((s for s in spans if s[0] >= start), None)
    if first is not None and first[1] > end:  # a very long word: show it whole
        end = first[1]
    return start, end

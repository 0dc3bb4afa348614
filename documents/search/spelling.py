"""Typo answers: a query word that matches nothing is replaced by the nearest word whose
stem is an index term, one edit away (a letter deleted, inserted, replaced, or two
neighbours swapped).

Candidates are made from the typed word alone; one query asks the ranked index
(``SearchRank``, the valid versions) which of their stems it holds and how many versions
have each, and whether the query's own words match anything. The nearest candidate is the
one whose stem the most versions have; ties go to the word of more common letters, then the alphabetically first.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connections

from ..models import SearchRank
from .analysis import MIN_PREFIX_LENGTH, QueryWord, is_indexable, query_terms, stem, tokens
from .compounds import compound_condition
from .scoring import _successor

LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"
# Swedish letters, most frequent first: of two candidates with the same stem
# ("avvikelser", "avvikelsar") the one with the more common letters is taken.
BY_FREQUENCY = "eanrtslidokgmvfuäpbhåöjycxwzq"
_RARITY = {c: i for i, c in enumerate(BY_FREQUENCY)}
# Shorter words have too many neighbours one edit away to guess among; longer ones, and
# longer queries, would send thousands of candidates (about 60 per letter).
MIN_CORRECTED_LENGTH = 4
MAX_CORRECTED_LENGTH = 24
MAX_CORRECTED_WORDS = 4


class Correction(NamedTuple):
    """A corrected query: its text and the words replaced, ``(typed, corrected)``."""

    query: str
    replaced: tuple[tuple[str, str], ...]


def edits(word: str) -> list[str]:
    """The words one edit away from ``word``, sorted, without ``word`` itself."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {left + right[1:] for left, right in splits if right}
    found |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    found |= {left + c + right[1:] for left, right in splits if right for c in LETTERS}
    found |= {left + c + right for left, right in splits for c in LETTERS}
    found.discard(word)
    return sorted(found)


_VOWELS = frozenset("aeiouyåäö")


def _likeness(typed: str, candidate: str) -> int:
    """How typo-like an edit is: the last letter kept (slips are mostly inside a word),
    and a letter replaced by one of its kind (a vowel by a vowel)."""
    score = int(candidate[-1:] == typed[-1:])
    if len(candidate) == len(typed):
        for a, b in zip(typed, candidate, strict=True):
            if a != b:
                score += int((a in _VOWELS) == (b in _VOWELS))
                break
    return score


def _candidates(word: str) -> list[str]:
    return edits(word) if MIN_CORRECTED_LENGTH <= len(word) <= MAX_CORRECTED_LENGTH else []


def _rarity(word: str) -> int:
    return sum(_RARITY.get(c, len(BY_FREQUENCY)) for c in word)


def _own_terms(word: QueryWord) -> tuple[list[str], tuple[str, str] | None]:
    """The exact terms a query word matches, and the range it matches (a prefix)."""
    if word.is_prefix:
        return list(word.whole), (word.term, _successor(word.term))
    return [word.term], None


def _known(
    terms: set[str], ranges: list[tuple[str, str]], using: str, query: list[QueryWord] = ()
) -> dict[str, int]:
    """How many valid versions have each of ``terms``; keyed by a range's start, 1 if any
    term lies in it; keyed by "~" and a query word's term, 1 if a compound of it is in the
    index (such a word matches something). One query."""
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = SearchRank._meta
    table, term = quote(meta.db_table), quote(meta.get_field("term").column)
    parts, params = [], []
    if terms:
        parts.append(
            f"SELECT {term}, COUNT(*) FROM {table} WHERE {term} IN "
            f"({', '.join(['%s'] * len(terms))}) GROUP BY {term}"
        )
        params.extend(sorted(terms))
    for low, high in ranges:
        parts.append(
            f"SELECT '>' || %s, COUNT(*) FROM (SELECT 1 FROM {table} "
            f"WHERE {term} >= %s AND {term} < %s LIMIT 1) r"
        )
        params.extend([low, low, high])
    for word in query:
        compound, compound_params = compound_condition(term, word, connection)
        parts.append(
            f"SELECT '~' || %s, COUNT(*) FROM (SELECT 1 FROM {table} WHERE {compound} LIMIT 1) c"
        )
        params.extend([word.term, *compound_params])
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {found: count for found, count in cursor.fetchall() if count}


def _asked(query: list[QueryWord], candidates: dict[str, list[str]]):
    """The terms and ranges to ask the index about: the query's own and the candidates'."""
    terms: set[str] = {stem(e) for found in candidates.values() for e in found}
    ranges = []
    for word in query:
        own, span = _own_terms(word)
        terms.update(own)
        if span is not None:
            ranges.append(span)
    return terms, ranges


def _matches_something(word: QueryWord, known: dict[str, int]) -> bool:
    own, span = _own_terms(word)
    if known.get("~" + word.term):
        return True  # a compound of it
    return any(known.get(t) for t in own) or (span is not None and bool(known.get(">" + span[0])))


def _nearest(typed: str, candidates: list[str], known: dict[str, int]) -> str | None:
    """The candidate whose stem most valid versions have (see the module); None if none
    of them is in the index."""
    best = max(
        candidates,
        key=lambda e: (
            known.get(stem(e), 0),
            _likeness(typed, e),
            -_rarity(e),
            [-ord(c) for c in e],
        ),
        default=None,
    )
    return best if best is not None and known.get(stem(best)) else None


def correct(q: str, using: str = "default") -> Correction | None:
    """The query with each word that matches nothing replaced by its nearest correction;
    None if every word matches something or no word can be corrected."""
    words = [w for w in tokens(q or "") if is_indexable(w) or len(w) >= MIN_PREFIX_LENGTH]
    query = query_terms(q)
    if not words or len(words) != len(query) or len(words) > MAX_CORRECTED_WORDS:
        return None  # repeated or dropped words, or many: leave such queries alone
    candidates = {w: _candidates(w) for w in words}
    known = _known(*_asked(query, candidates), using, query)
    replaced, corrected = [], []
    for typed, word in zip(words, query, strict=True):
        nearest = (
            None if _matches_something(word, known) else _nearest(typed, candidates[typed], known)
        )
        if nearest is not None:
            replaced.append((typed, nearest))
        corrected.append(nearest or typed)
    if not replaced:
        return None
    return Correction(" ".join(corrected), tuple(replaced))

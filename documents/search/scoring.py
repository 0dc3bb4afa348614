"""The scores of the search: the fields' weights, the count cap, packed scores, and
the range of index terms a prefix covers."""

from __future__ import annotations

from ..models import SearchField, VersionStatus
from .analysis import MAX_QUERY_TERMS

# Versions the register can show; ``reindex_search`` indexes these (or all, with --all).
SEARCHABLE_STATUSES = (VersionStatus.VALID, VersionStatus.SUPERSEDED, VersionStatus.REPEALED)

WEIGHTS = {SearchField.TITLE: 10_000, SearchField.SUMMARY: 100, SearchField.TEXT: 1}
COUNT_CAP = 9
assert COUNT_CAP * MAX_QUERY_TERMS * WEIGHTS[SearchField.TEXT] < WEIGHTS[SearchField.SUMMARY]
assert COUNT_CAP * MAX_QUERY_TERMS * WEIGHTS[SearchField.SUMMARY] < WEIGHTS[SearchField.TITLE]

SCORE = "score"


# Packed scores (see WEIGHTS): a field's capped count is (score / weight) % FIELD_SPAN.
FIELD_SPAN = 100
assert sorted(WEIGHTS.values()) == [FIELD_SPAN**i for i in range(len(WEIGHTS))]
assert COUNT_CAP < FIELD_SPAN


def _successor(prefix: str) -> str:
    """The smallest string above every string that starts with ``prefix``."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # surrogates cannot be stored; skip to the next character
        code = 0xE000
    return prefix[:-1] + chr(code)


# A title hit of a whole word (a query word's own stem, or for the word being typed a stem
# it completes to) ranks above a title hit of a longer word that only starts with what is
# typed: the title's count of whole-word hits has a weight of its own above the title's.
# The stored scores (SearchRank) carry a term's title count at WEIGHTS[TITLE]; a whole
# word's is moved up by PROMOTION per occurrence.
WHOLE_TITLE_WEIGHT = WEIGHTS[SearchField.TITLE] * FIELD_SPAN
PROMOTION = WHOLE_TITLE_WEIGHT - WEIGHTS[SearchField.TITLE]
assert COUNT_CAP * MAX_QUERY_TERMS * WEIGHTS[SearchField.TITLE] < WHOLE_TITLE_WEIGHT
assert WHOLE_TITLE_WEIGHT * (COUNT_CAP + 1) < 2**31  # fits the integer score columns


def _promoted(score: str) -> str:
    """SQL: a stored score's title count moved to the whole-word title weight."""
    title = WEIGHTS[SearchField.TITLE]
    return f"({score} + (({score} / {title}) %% {FIELD_SPAN}) * {PROMOTION})"


def _packed_split_sum(score: str, least: str, whole: str) -> str:
    """SQL of a packed score summed over several terms' rows, as ``search`` scores them
    together (per field, the sum of the capped counts, capped again; see WEIGHTS), the
    title's counts summed apart for the rows where ``whole`` (SQL) holds."""
    title = WEIGHTS[SearchField.TITLE]
    count = f"(({score} / {title}) %% {FIELD_SPAN})"
    parts = [
        f"{least}(SUM(CASE WHEN {whole} THEN {count} ELSE 0 END), {COUNT_CAP}) "
        f"* {WHOLE_TITLE_WEIGHT}",
        f"{least}(SUM(CASE WHEN {whole} THEN 0 ELSE {count} END), {COUNT_CAP}) * {title}",
    ]
    parts += [
        f"{least}(SUM(({score} / {weight}) %% {FIELD_SPAN}), {COUNT_CAP}) * {weight}"
        for field, weight in WEIGHTS.items()
        if field != SearchField.TITLE
    ]
    return " + ".join(parts)

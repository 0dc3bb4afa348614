"""The scores of the search: the fields' weights, the count cap, packed scores, and
the range of index terms a prefix covers."""

from __future__ import annotations

from ..models import SearchField, VersionStatus
from ..text import MAX_QUERY_TERMS

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


def _packed_sum(score: str, least: str) -> str:
    """SQL of a packed score summed over several terms' rows, as ``search`` scores them
    together: per field, the sum of the capped counts, capped again (see WEIGHTS)."""
    return " + ".join(
        f"{least}(SUM(({score} / {weight}) %% {FIELD_SPAN}), {COUNT_CAP}) * {weight}"
        for weight in WEIGHTS.values()
    )


def _successor(prefix: str) -> str:
    """The smallest string above every string that starts with ``prefix``."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # surrogates cannot be stored; skip to the next character
        code = 0xE000
    return prefix[:-1] + chr(code)

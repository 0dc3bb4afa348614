"""What a ranked search returns (``Hits``): the interface of ``ranking.RankedHits`` and
``ranked_term.RankedTerm``."""

from __future__ import annotations


class Hits:
    """A search's hits, best first: what :func:`ranked` returns. Each call to :meth:`rows`
    or :meth:`count` is one query."""

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, int]]:
        """``(version id, score, number of hits)`` from ``offset``, at most ``limit`` rows."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

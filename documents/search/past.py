"""A search of the register on a past date (``RankedPast``), which ``ranking.ranked``
chooses for a view of a day before today: the versions in force that day, from the
search tables that hold their dates, ranked in one statement."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

from ..models import DocumentVersion, SearchRank
from .analysis import QueryWord
from .history import among_sql, grouped_packed_sql, index_parts, packed_rows_sql
from .history_index import HistoryRows
from .hits import Hits, reached_page
from .ranked_term import shown_sql


class RankedPast(Hits):
    """The hits of a search among the versions in force on a past ``day`` in a register's
    view (public ones only for ``public_only``, each column named in ``among`` one of its
    ids, due for review by ``review_before``), best first, equal scores by title, then id:
    the same hits, scores and order as ``ranking.RankedHits`` over those versions (by
    title). Each call to :meth:`rows` or :meth:`count` is one query.

    The versions in force that day are of two kinds, read apart and ranked together:

    * valid versions (valid from the day or earlier, and not ended before it): their rank
      rows (``SearchRank``: a row per version and term with its packed score, dates, title
      and the view's columns), read in the (term, score, title, …) index, the view's
      conditions applied there, one index range per part of the words' terms
      (``history.index_parts``), without a lookup of each version;
    * versions no longer valid: their history rows in force that day (``history_index.candidates``
      with the day: on PostgreSQL found through the lexeme index, which holds each row's
      months in force), only the words' keys read from the text. The view's other
      conditions (public, ``among``, review date) are the columns of the version, not of
      the row: the versions searched (``versions()``, called only then) are looked up for
      those rows alone.

    Both give (version, term, packed score) rows; unpacked per field, they are grouped by
    version and scored as the grouped ranking scores them (every word must match). Only
    the hits a page reaches are looked up for their titles: those scoring at least the
    page's last row (the score at ``offset + limit``); the total is counted from the
    grouped hits.
    """

    def __init__(
        self,
        terms: list[QueryWord],
        versions: Callable[[], QuerySet[DocumentVersion]],
        *,
        day: datetime.date,
        public_only: bool,
        among: dict[str, list[int]] | None = None,
        review_before: datetime.date | None = None,
        using: str = "default",
    ) -> None:
        if not terms:
            raise ValueError("ranking needs a query with search terms; see query_terms()")
        self.terms, self.versions = terms, versions
        self.day, self.public_only = day, public_only
        self.among, self.review_before = among or {}, review_before
        self.db = using

    def _rank_rows(self, connection) -> tuple[str, list]:
        """(version_id, term, packed) of the valid versions' rank rows in the view."""
        quote = connection.ops.quote_name
        meta = SearchRank._meta
        table = quote(meta.db_table)
        term, version, score = (
            quote(meta.get_field(name).column) for name in ("term", "version", "score")
        )
        shown, shown_params = shown_sql(
            connection, self.day, self.public_only, self.among, self.review_before
        )
        parts = index_parts(term, self.terms, connection)
        selects, params = [], []
        for i, (condition, condition_params) in enumerate(parts):
            # Each part without the rows of the parts before it: one index range each (an
            # OR of them is no index condition).
            earlier = parts[:i]
            if earlier:
                condition = f"({condition}) AND NOT ({' OR '.join(f'({c})' for c, _p in earlier)})"
            selects.append(
                f"SELECT {version} AS version_id, {term} AS term, {score} AS packed "
                f"FROM {table} WHERE {condition} AND {shown}"
            )
            params += [*condition_params, *(p for _c, ps in earlier for p in ps), *shown_params]
        return " UNION ALL ".join(selects), params

    def _history_rows(self, connection) -> tuple[str, list]:
        """(version_id, term, packed) of the words' keys in the history rows in force on
        the day (and, with the view's other conditions, of the versions searched)."""
        also = ("", [])
        if self.public_only or self.among or self.review_before is not None:
            also = among_sql(self.versions(), connection)
        return packed_rows_sql(connection, HistoryRows(day=self.day, also=also), self.terms)

    def _hits(self, connection) -> tuple[str, list]:
        """(version, score) of every hit: the rows grouped by version."""
        rank, rank_params = self._rank_rows(connection)
        past, past_params = self._history_rows(connection)
        rows = f"{rank} UNION ALL {past}"
        return grouped_packed_sql(rows, [*rank_params, *past_params], self.terms, connection)

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, int]]:
        """``(version id, score, number of hits)`` from ``offset``, at most ``limit`` rows:
        only the hits a page reaches are looked up for their titles (``reached_page``)."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        title = quote(DocumentVersion._meta.get_field("title").column)
        versions = (
            f"(SELECT id AS _id, {title} AS title FROM {quote(DocumentVersion._meta.db_table)})",
            [],
        )
        hits = self._hits(connection)
        return reached_page(self.db, hits, versions, [("title", False)], offset, limit)

    def count(self) -> int:
        connection = connections[self.db]
        hits, params = self._hits(connection)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({hits}) hits", params)
            return cursor.fetchone()[0]

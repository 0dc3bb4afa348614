"""A one-word search in the register's default view, read from the ranked index
(``SearchRank``, ``SearchTermCount``, ``SearchPrefixRank``): ``RankedTerm``, which
``ranking.ranked`` chooses where it applies."""

from __future__ import annotations

import datetime

from django.db import connections

from config.prepared import prepared_cursor

from ..models import (
    RANK_DOCUMENT_COLUMNS,
    SearchPrefix,
    SearchPrefixRank,
    SearchRank,
    SearchTermCount,
)
from .compounds import compound_condition
from .history import _in_list
from .hits import Hits
from .scoring import SCORE, _packed_split_sum, _promoted, _successor


def shown_sql(
    connection,
    day: datetime.date,
    public_only: bool,
    among: dict[str, list[int]],
    review_before: datetime.date | None,
    alias: str = "",
) -> tuple[str, list]:
    """Conditions on a rank row (``alias``, or the table) in a register's view: valid on
    ``day``, public for ``public_only``, each column named in ``among`` one of its ids,
    due for review by ``review_before``; and their parameters."""
    quote = connection.ops.quote_name
    meta = SearchRank._meta
    prefix = f"{alias}." if alias else ""
    valid_from, valid_until, public, review = (
        prefix + quote(meta.get_field(name).column)
        for name in ("valid_from", "valid_until", "is_public", "next_review")
    )
    value = connection.ops.adapt_datefield_value(day)
    shown = f"{valid_from} <= %s AND ({valid_until} IS NULL OR {valid_until} >= %s)"
    params: list = [value, value]
    if public_only:
        shown += f" AND {public} = %s"
        params.append(True)
    for name, allowed in among.items():
        column = prefix + quote(meta.get_field(name).column)
        shown += f" AND {column} IN ({', '.join(['%s'] * len(allowed)) or 'NULL'})"
        params.extend(allowed)
    if review_before is not None:
        shown += f" AND {review} <= %s"
        params.append(connection.ops.adapt_datefield_value(review_before))
    return shown, params


class RankedTerm(Hits):
    """The hits of a one-term search in the register's default view, read from
    ``SearchRank``: valid today (and public, for ``public_only``; with each column named in
    ``among`` one of its ids; due for review by ``review_before``), best first, equal scores by title, then id. The same hits,
    scores and order as :class:`RankedHits` over those versions. Each call to
    :meth:`rows` is one query.

    An exact term, or a prefix that covers a single index term (as a word typed whole
    usually does), is read in the order of the (term, score, title) index: the page from
    its start, the total from the term's kept count (``_own_count``). A prefix that covers
    several terms reads a kept group's rows (``SearchPrefixRank``) in the same way, where one
    covers the same terms; else it groups their rank rows by version. Its score is
    computed per field again from the packed scores: with every field's count capped,
    ``min(sum of capped counts, cap)`` is ``min(sum of counts, cap)``, as the grouped
    ranking computes it. Which of the three applies is decided within the statement (by
    the lowest and highest term found); the other parts read nothing.

    A word being typed also matches, as whole words, the shorter stems its completions
    have (``QueryWord.whole``): they count among the terms found, and where one is in the
    index the hits are grouped (a kept group covers its range only). Whole-word title hits
    are promoted to ``WHOLE_TITLE_WEIGHT``: a single term's stored score when it is the
    typed word or such a stem; per row in the grouped sum; a kept group's stored scores
    already count its own prefix's term so, and it serves only a typed word that is not a
    term itself, or is the group's prefix.

    Compounds of the word (``compounds``: "internkontroll" for "kontroll") are found too,
    and score nothing. Where the word has one own term in the index, its rows are still read
    in index order, and the versions found only through a compound (``compound_hits``:
    with a compound, not the term) follow them, by title, score 0: counted by version, and
    sorted by title only for a page that reaches past the own hits. Where it has several,
    and one of its compounds that is not among them is in the index (``nc``, an
    ``EXISTS`` in the same statement), the hits are grouped, never read from a kept
    group's rows.
    """

    def __init__(
        self,
        term: tuple[str, bool],
        *,
        day,
        public_only: bool,
        among: dict[str, list[int]] | None = None,
        review_before=None,
        using: str = "default",
    ) -> None:
        self.word = term
        self.term, self.is_prefix = term.term, term.is_prefix
        self.day, self.public_only = day, public_only
        self.among = among or {}
        unknown = set(self.among) - set(RANK_DOCUMENT_COLUMNS)
        if unknown:
            raise ValueError(f"the ranked index holds no {', '.join(sorted(unknown))}")
        self.review_before = review_before
        self.db = using

    def _shown(self, connection) -> tuple[str, list]:
        """The default view's conditions on a rank row (valid today, public, ``among``,
        review date), and their parameters."""
        return shown_sql(connection, self.day, self.public_only, self.among, self.review_before)

    def _own_count(self, connection, single: str, one: str, view: tuple) -> tuple[str, list]:
        """How many versions shown (``view``: ``_shown``) have the one own term (``single``):
        in the register as it opens (no ``among``, no review date) the term's kept count
        (``SearchTermCount``, if it holds on the day) plus its rows of versions valid for a
        limited time shown (a partial index); else every row counted (7,682 for "rutin")."""
        (shown, shown_params), quote = view, connection.ops.quote_name
        table = quote(SearchRank._meta.db_table)
        counted = f"(SELECT COUNT(*) FROM {table} WHERE {single})"
        if self.among or self.review_before is not None:
            return counted, [*shown_params]
        # Columns named as their fields (the rank rows' term and valid_until too).
        term, versions, public, latest, until = map(
            quote, ("term", "versions", "public", "latest_start", "valid_until")
        )
        counts = quote(SearchTermCount._meta.db_table)
        kept = (
            f"(SELECT {public if self.public_only else versions} FROM {counts} "
            f"WHERE {term} = (SELECT lo FROM span) AND ({latest} IS NULL OR {latest} <= %s))"
        )
        limited = (
            f"(SELECT COUNT(*) FROM {table} WHERE {term} = (SELECT lo FROM span) "
            f"AND {until} IS NOT NULL AND {shown})"
        )
        sql = f"CASE WHEN {one} THEN COALESCE({kept} + {limited}, {counted}) ELSE 0 END"
        day = connection.ops.adapt_datefield_value(self.day)
        return sql, [day, *shown_params, *shown_params]

    def _sql(self, offset: int, limit: int) -> tuple[str, list]:
        connection = connections[self.db]
        quote = connection.ops.quote_name
        meta = SearchRank._meta
        table = quote(meta.db_table)
        term, version, score, title = (
            quote(meta.get_field(name).column) for name in ("term", "version", "score", "title")
        )
        whole = self.word.whole if self.is_prefix else ()
        if self.is_prefix:
            span = f"{term} >= %s AND {term} < %s"
            span_params = [self.term, _successor(self.term)]
        else:
            span, span_params = f"{term} = %s", [self.term]
        shown, shown_params = self._shown(connection)
        # The terms found (S): the range, and the whole-word stems a prefix completes to
        # that are in the index. ``lo``/``hi``: S's lowest and highest term (two index
        # seeks for the range, one per stem); ``nx``: how many of those stems are found.
        # Not MIN and MAX over the range in one subquery: SQLite read the whole range, and
        # PostgreSQL (a prefix's range estimated at one row) aggregated it: 2 ms for "risk*".
        edges = [
            f"SELECT (SELECT {term} FROM {table} WHERE {span} ORDER BY {term} {d} LIMIT 1) "
            "AS t, 0 AS x, 0 AS c"
            for d in ("ASC", "DESC")
        ]
        edges += [
            "SELECT t, CASE WHEN t IS NULL THEN 0 ELSE 1 END AS x, 0 AS c FROM "
            f"(SELECT (SELECT {term} FROM {table} WHERE {term} = %s LIMIT 1) AS t) w{i}"
            for i, _stem in enumerate(whole)
        ]
        # ``nc``: whether a compound of the word (``compounds``) that is not among its own
        # terms is in the index; if so the hits are grouped, as such rows score nothing.
        found = f"({span} OR {_in_list(term, whole)})" if whole else span
        found_params = [*span_params, *whole]

        compound, compound_params = compound_condition(term, self.word, connection)
        edges.append(
            "SELECT NULL, 0, CASE WHEN EXISTS "
            f"(SELECT 1 FROM {table} WHERE {compound} AND NOT ({found})) THEN 1 ELSE 0 END"
        )
        edge_params = [*span_params, *span_params, *whole, *compound_params, *found_params]
        is_whole = _in_list(term, (self.term, *whole))
        whole_params = [self.term, *whole]
        # One own term found (its compounds aside): its rows are read in index order, and
        # the versions found only through a compound follow them (``compound_hits``, by title).
        one = "COALESCE((SELECT lo FROM span) = (SELECT hi FROM span), 1 = 0)"
        # The stems' own rows among the grouped hits, apart from the range's (``several``).
        stems, stems_params = "", []
        if whole:
            stems = (
                f"UNION ALL SELECT {version}, {title}, {term}, {score} FROM {table} "
                f"WHERE {_in_list(term, whole)} AND NOT ({span}) AND NOT ({one}) "
                f"AND (SELECT prefix FROM grp) IS NULL AND {shown}"
            )
            stems_params = [*whole, *span_params, *shown_params]
        single = f"{term} = (SELECT lo FROM span) AND {one} AND {shown}"
        # The total's compound rows with the term: one scan of the key for all (not 541 seeks).
        in_crow = "IN (SELECT version FROM crow)"
        if connection.vendor == "postgresql":
            in_crow = "= ANY (ARRAY(SELECT version FROM crow))"
        own_count, own_params = self._own_count(connection, single, one, (shown, shown_params))
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        groups, grouped = (quote(m.db_table) for m in (SearchPrefix._meta, SearchPrefixRank._meta))
        group_column = quote(SearchPrefixRank._meta.get_field("prefix").column)
        # A kept group (SearchPrefix) that starts the searched prefix and covers the same
        # terms: the same lowest and highest one, and no whole-word stem outside it. Its
        # scores count its own prefix's term as the whole word: so it serves a prefix that
        # is not itself a term, or that is the group's prefix. MIN: one row, NULL for none.
        group = (
            f"grp AS (SELECT MIN(prefix) AS prefix FROM {groups} "
            "WHERE lowest = (SELECT lo FROM span) AND highest = (SELECT hi FROM span) "
            "AND lowest <> highest AND prefix <= %s AND upper > %s "
            "AND (SELECT nx FROM span) = 0 AND (SELECT nc FROM span) = 0 "
            "AND (lowest <> %s OR prefix = %s))"
        )
        in_group = f"{group_column} = (SELECT prefix FROM grp) AND {shown}"
        order = f"ORDER BY {SCORE} DESC, title ASC, version ASC LIMIT %s OFFSET %s"
        # One term found: its stored score, the title's count promoted for a whole word
        # (the prefix's own term, or a whole-word stem: then it is the only term found).
        promote = "(SELECT lo FROM span) = %s OR (SELECT nx FROM span) > 0"
        one_score = f"CASE WHEN {promote} THEN {_promoted(score)} ELSE {score} END"
        # The promotion keeps the stored scores' order: the page is read in the index's order
        # and stops after it (by the promoted alias it sorted all 7,683 rows of "rutin").
        stored_order = (
            f"ORDER BY {table}.{score} DESC, {title} ASC, {version} ASC LIMIT %s OFFSET %s"
        )
        sql = (
            f"WITH span AS (SELECT MIN(t) AS lo, MAX(t) AS hi, SUM(x) AS nx, SUM(c) AS nc "
            f"FROM ({' UNION ALL '.join(edges)}) edges), {group}, "
            # Several terms: grouped by version; a compound's rows score nothing.
            f"several AS (SELECT version, title, "
            f"{_packed_split_sum(score, least, is_whole)} AS {SCORE} FROM ("
            # The word's own rows (its range, then its whole-word stems outside it), then
            # its compounds' that are not (score 0): each an index scan. As one ``found OR
            # compound`` PostgreSQL read the whole table (0.6 s for "rutin" at the default
            # size): an IN (subquery) under OR is no index condition; and with the range
            # and the stems under one OR it read the rows from the table, not the index
            # (6,000 pages for "kontroll").
            f"SELECT {version} AS version, {title} AS title, {term} AS {term}, "
            f"{score} AS {score} FROM {table} WHERE {span} AND NOT ({one}) "
            f"AND (SELECT prefix FROM grp) IS NULL AND {shown} "
            f"{stems} "
            f"UNION ALL SELECT {version}, {title}, {term}, 0 FROM {table} "
            f"WHERE {compound} AND NOT ({found}) AND NOT ({one}) "
            f"AND (SELECT prefix FROM grp) IS NULL AND {shown}) rows_found "
            "GROUP BY version, title), "
            # One own term: how many versions have it (counted in the index), and the
            # versions with a compound of the word but not the term. Whether a compound's
            # version has the term is checked by one key lookup per compound row where the
            # compound has few rows beside the term's (``probe``: fewer than a twelfth, as
            # counted up to that bound), else against a hash of the term's versions: a
            # lookup costs about twelve times a hashed row. "rutin": 7,682 own rows, 541
            # compound rows (probed); "grupp": 195 own rows, 16,958 compound rows (hashed).
            # The lookup is a scalar subquery, which PostgreSQL neither joins nor hashes.
            f"own_hits AS (SELECT {own_count} AS n), "
            f"crow AS (SELECT {version} AS version FROM {table} "
            f"WHERE {compound} AND NOT ({found}) AND {one} AND {shown}), "
            "probe AS (SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM crow "
            "LIMIT (SELECT n FROM own_hits) / 12) few) < (SELECT n FROM own_hits) / 12 AS yes), "
            f"compound_hits AS (SELECT {version} AS version, {title} AS title FROM {table} c "
            f"WHERE {compound} AND NOT ({found}) AND {one} AND {shown} "
            "AND CASE WHEN (SELECT yes FROM probe) "
            f"THEN (SELECT 1 FROM {table} o WHERE o.{version} = c.{version} "
            f"AND o.{term} = (SELECT lo FROM span) LIMIT 1) IS NULL "
            f"ELSE {version} NOT IN (SELECT {version} FROM {table} WHERE {single}) END) "
            # The total, then the page: (kind, a, b, title).
            f"SELECT 1 AS kind, (SELECT n FROM own_hits) "
            f"+ (SELECT COUNT(*) FROM {grouped} WHERE {in_group}) "
            "+ (SELECT COUNT(*) FROM several) + CASE WHEN (SELECT yes FROM probe) "
            f"THEN (SELECT COUNT(DISTINCT version) FROM crow) - (SELECT COUNT(*) FROM {table} "
            f"WHERE {term} = (SELECT lo FROM span) AND {version} {in_crow}) "
            "ELSE (SELECT COUNT(DISTINCT version) FROM compound_hits) END AS a, "
            "CAST(NULL AS INTEGER) AS b, NULL AS title "
            f"UNION ALL SELECT 2, version, {SCORE}, title FROM ("
            f"SELECT {version} AS version, {one_score} AS {SCORE}, {title} AS title "
            f"FROM {table} WHERE {single} {stored_order}) one_term "
            f"UNION ALL SELECT 2, version, {SCORE}, title FROM ("
            f"SELECT {version} AS version, {score} AS {SCORE}, {title} AS title FROM {grouped} "
            f"WHERE {in_group} {order}) kept_group "
            f"UNION ALL SELECT 2, version, {SCORE}, title FROM (SELECT version, {SCORE}, title "
            f"FROM several {order}) several_terms "
            # After the term's own hits (the page's positions past them), score 0.
            "UNION ALL SELECT 2, version, 0, title FROM (SELECT version, title, "
            "ROW_NUMBER() OVER (ORDER BY title ASC, version ASC) + (SELECT n FROM own_hits) AS pos "
            "FROM (SELECT DISTINCT version, title FROM compound_hits "
            "WHERE (SELECT n FROM own_hits) < %s) reached) compound_only "
            "WHERE pos > %s AND pos <= %s "
            "ORDER BY kind, b DESC, title, a"
        )
        params = [
            *edge_params,
            *[self.term] * 4,
            *whole_params,  # twice: the title's whole and other counts
            *whole_params,
            *span_params,
            *shown_params,
            *stems_params,
            *compound_params,
            *found_params,
            *shown_params,
            # own hits, probe, compound hits
            *own_params,
            *compound_params,
            *found_params,
            *shown_params,
            *compound_params,
            *found_params,
            *shown_params,
            *shown_params,
            # the total
            *shown_params,
            # the pages: one term, kept group, several terms, compound only
            self.term,
            *shown_params,
            limit,
            offset,
            *shown_params,
            limit,
            offset,
            limit,
            offset,
            offset + limit,
            offset,
            offset + limit,
        ]
        return sql, params

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, int]]:
        """``(version id, score, number of hits)`` from ``offset``, at most ``limit`` rows."""
        if limit is None:
            if offset:
                raise ValueError("an offset needs a limit")
            limit = MAX_LIMIT
        sql, params = self._sql(offset, limit)
        with prepared_cursor(self.db) as cursor:
            cursor.execute(sql, params)
            (_kind, total, _b, _title), *page = cursor.fetchall()
        return [(version, score, total) for _kind, version, score, _title in page]

    def count(self) -> int:
        sql, params = self._sql(0, 0)
        with prepared_cursor(self.db) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[1]


# Rows a search returns when asked for all of them (no LIMIT): more than any register has.
MAX_LIMIT = 2**62

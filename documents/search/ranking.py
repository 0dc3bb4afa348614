"""Ranking hits in one pass: grouped over the search rows (``RankedHits``), or read
from the ranked index (``ranked_term.RankedTerm``); :func:`ranked` chooses between them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F, QuerySet
from django.utils import timezone

from ..models import DocumentVersion, SearchField, SearchTerm
from .analysis import QueryWord, query_terms
from .compounds import compound_condition
from .history import (
    all_rows_sql,
    among_sql,
    grouped_packed_sql,
    packed_rows_sql,
    rows_by_field,
    summed_score,
    word_condition,
)
from .history_index import HistoryRows
from .history_top import NOT_COVERED, top_rows
from .history_top import applies as tiers_apply
from .hits import Hits, order_sql, reached_page
from .past import RankedPast
from .ranked_term import RankedTerm
from .scoring import COUNT_CAP, SCORE, WEIGHTS, WHOLE_TITLE_WEIGHT


@dataclass(frozen=True)
class RankedView:
    """A register's view that the search tables hold: the versions valid on ``day`` (today,
    or a past day: then also those no longer valid that were in force that day), public
    ones only for ``public_only``, each column named in ``among``
    (``RANK_DOCUMENT_COLUMNS``: unit, type, process, owner) one of its ids, and due for
    review by ``review_before``; ordered by title."""

    day: datetime.date
    public_only: bool
    among: dict[str, list[int]] = field(default_factory=dict)
    review_before: datetime.date | None = None


def ranked(
    q: str,
    versions: Callable[[], QuerySet[DocumentVersion]],
    *,
    current_only: bool,
    view: RankedView | None = None,
    in_force_on: datetime.date | None = None,
    history_only: bool = False,
    statuses: tuple[str, ...] | None = None,
    public_only: bool = False,
    using: str = "default",
) -> Hits | None:
    """The hits of ``q`` ranked in one pass, or None when ``q`` has no search terms.

    A one-word query in a view the ranked index holds (``view``) is read from that index
    (:class:`RankedTerm`, a page in index order); a view of a day before today from the
    search tables that hold the versions' dates (:class:`RankedPast`: the rank rows of the
    valid versions and the history rows in force that day); any other is grouped over the
    search rows among ``versions()`` (:class:`RankedHits`; called only where needed, as
    building the filtered queryset costs a little). All give the same hits, scores and
    order. ``current_only``:
    ``versions()`` holds valid versions only, so the rows of versions that are not valid are
    not read. ``in_force_on``: ``versions()`` holds only versions in force on that past day
    (the register's past date with a sort, which the grouped ranking serves), so only the
    history rows in force then are read. ``history_only``: ``versions()`` holds no valid
    version (superseded or repealed ones), so only the history rows are read.
    ``statuses``: ``versions()`` holds exactly the register's versions of these statuses
    (no other filter; ``public_only``: of public documents only, an anonymous visitor's
    register), so a one-word search among superseded or repealed versions may be read from
    its best tiers (``history_top``).
    """
    terms = query_terms(q)
    if not terms:
        return None
    if view is not None and view.day < timezone.localdate():
        return RankedPast(
            terms,
            versions,
            day=view.day,
            public_only=view.public_only,
            among=view.among,
            review_before=view.review_before,
            using=using,
        )
    if view is not None and len(terms) == 1:
        return RankedTerm(
            terms[0],
            day=view.day,
            public_only=view.public_only,
            among=view.among,
            review_before=view.review_before,
            using=using,
        )
    return RankedHits(
        versions(),
        q,
        current_only=current_only,
        in_force_on=in_force_on,
        history_only=history_only,
        statuses=statuses,
        public_only=public_only,
    )


class RankedHits(Hits):
    """The hits of a search among some versions, best first, ranked in one grouped pass.

    The same hits, scores and order as :func:`search` (``version_field="pk"``), computed the
    other way round: the index rows of the query's terms are grouped by version once
    (every term must match: ``HAVING``), instead of a correlated score lookup per hit and
    term, and the groups are joined to ``versions`` (filtered, not searched) by id. Ties
    keep ``versions``' own ordering, then the id. Each call to :meth:`rows` is one query.
    ``in_force_on``: every version of ``versions`` was in force that day (``ranked``).
    ``history_only``: no version of ``versions`` is valid, so only the history rows are
    read, and they are read for the versions searched only: the hits need no join to
    ``versions`` but for the ordering of the hits a page reaches (37,435 hits for 'rutin'
    among superseded versions at the default size, each a lookup of its version).

    Django cannot join a derived table, so the query is composed: the grouped scores as
    SQL, the versions as their compiled queryset; every value in it is a query parameter.
    """

    def __init__(
        self,
        versions: QuerySet[DocumentVersion],
        q: str,
        *,
        current_only: bool = False,
        in_force_on: datetime.date | None = None,
        history_only: bool = False,
        statuses: tuple[str, ...] | None = None,
        public_only: bool = False,
    ) -> None:
        if current_only and history_only:
            raise ValueError("valid versions only and no valid version: nothing to search")
        terms = query_terms(q)
        if not terms:
            raise ValueError("ranking needs a query with search terms; see query_terms()")
        self.db = versions.db
        # Versions that are not valid are found in their history rows: only those of the
        # versions searched are read.
        among = None if current_only else versions
        connection = connections[self.db]
        self.history_only = history_only
        # A one-word search among the versions of some statuses, nothing else: read from
        # its best tiers where they answer (``history_top``).
        self.top = (
            terms[0]
            if history_only and in_force_on is None and tiers_apply(terms, statuses)
            else None
        )
        self.statuses = statuses
        self.public_only = public_only
        self.searched = versions
        if history_only:
            self.groups = _history_scores_sql(terms, connection, versions, in_force_on)
        else:
            self.groups = _grouped_scores_sql(terms, current_only, connection, among, in_force_on)
        columns: dict[str, F] = {"_id": F("pk")}
        self.ordering: list[tuple[str, bool]] = []
        for i, name in enumerate(_ordering(versions)):
            columns[f"_o{i}"] = F(name.lstrip("-"))
            self.ordering.append((f"_o{i}", name.startswith("-")))
        self.versions = versions.order_by().annotate(**columns).values(*columns)

    def _query(self, select: str, tail: str = "") -> tuple[str, list]:
        groups_sql, groups_params = self.groups
        versions_sql, versions_params = self.versions.query.sql_with_params()
        sql = (
            f"SELECT {select} FROM ({groups_sql}) h "
            f"INNER JOIN ({versions_sql}) v ON v._id = h.version{tail}"
        )
        return sql, [*groups_params, *versions_params]

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, int]]:
        """``(version id, score, number of hits)`` from ``offset``, at most ``limit`` rows.

        The hits are a common table expression read twice, for the page and for the
        total, so both databases compute them once (materialised); cheaper than
        ``COUNT(*) OVER ()``, which SQLite evaluates by buffering every hit once more.
        """
        if self.history_only:
            return self._reached_rows(offset, limit)
        columns = "".join(f", v.{column}" for column, _descending in self.ordering)
        order = order_sql(self.ordering)
        hits, params = self._query(f"h.version, h.{SCORE}{columns}")
        sql = (
            f"WITH hits AS ({hits}) SELECT version, {SCORE}, (SELECT COUNT(*) FROM hits) "
            f"FROM hits ORDER BY {SCORE} DESC, {order}version ASC"
        )
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params = [*params, limit, offset]
        elif offset:
            raise ValueError("an offset needs a limit")
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _reached_rows(self, offset: int, limit: int | None) -> list[tuple[int, int, int]]:
        """``rows`` of hits that are the versions searched already (``history_only``): only
        those whose score reaches the page are joined to ``versions`` for their order."""
        versions_sql, versions_params = self.versions.query.sql_with_params()
        versions = (f"({versions_sql})", list(versions_params))
        if self.top is not None and limit is not None:
            # The tiers, or where they cannot answer the grouped rows, in one statement.
            found = top_rows(
                self.db,
                self.top,
                self.statuses,
                versions,
                self.ordering,
                offset,
                limit,
                grouped=_history_scores_sql(
                    [self.top], connections[self.db], self.searched, gate=NOT_COVERED
                ),
                public_only=self.public_only,
            )
            return found[0]
        return reached_page(self.db, self.groups, versions, self.ordering, offset, limit)

    def count(self) -> int:
        if self.top is not None:
            versions_sql, versions_params = self.versions.query.sql_with_params()
            versions = (f"({versions_sql})", list(versions_params))
            found = top_rows(
                self.db,
                self.top,
                self.statuses,
                versions,
                self.ordering,
                0,
                0,
                public_only=self.public_only,
            )
            if found is not None:
                return found[1]
        if self.history_only:
            sql, params = self.groups
            with connections[self.db].cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) hits", params)
                return cursor.fetchone()[0]
        sql, params = self._query("COUNT(*)")
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]


def _grouped_scores_sql(
    terms: list[QueryWord],
    current_only: bool,
    connection,
    among: QuerySet[DocumentVersion] | None = None,
    in_force_on: datetime.date | None = None,
) -> tuple[str, list]:
    """Per version with every term: ``version`` and ``score`` (as ``search`` scores).

    Written as SQL rather than built with the ORM: it is the same short statement for
    every query, and compiling it through querysets cost a tenth of a search page. Only
    standard SQL (CASE, SUM, GROUP BY, HAVING) plus the databases' two-argument minimum.
    The rows read are the words' own and their compounds' (``compounds``): a version
    must have one or the other for every word (``HAVING``), and only its own rows score.
    ``in_force_on``: every version searched was in force that day (a past date), so only
    the history rows in force then are read (found so through their index).
    ``among`` (the versions searched) limits the history rows read when
    versions that are not valid are searched (``history.all_rows_sql``).
    With one word there is nothing to check in ``HAVING``; with one exact word, a version
    has one own row per field and its score is a single sum.
    """
    quote = connection.ops.quote_name
    meta = SearchTerm._meta
    term_c, version_c, field_c, count_c = (
        quote(meta.get_field(name).column) for name in ("term", "version", "field", "count")
    )
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"

    def grouped(score: str, where: tuple[str, list]) -> tuple[str, list]:
        # Valid versions only: SearchTerm's rows that meet the condition; else with the
        # history's candidates unpacked, the condition applied within each part.
        select = f"SELECT {version_c} AS version, {score} AS {SCORE} FROM "
        if current_only:
            table = quote(meta.db_table)
            return f"{select}{table} WHERE ({where[0]}) GROUP BY {version_c}", where[1]
        rows, params = all_rows_sql(connection, terms, where, among, in_force_on)
        return f"{select}({rows}) searched GROUP BY {version_c}", params

    # One exact term: a version has at most one row per field of the term, so its score
    # is one sum of those rows' capped, weighted counts (its compounds' rows add nothing).
    weight = " ".join(
        f"WHEN {int(f)} THEN {WHOLE_TITLE_WEIGHT if f == SearchField.TITLE else WEIGHTS[f]}"
        for f in SearchField
    )
    if len(terms) == 1 and not terms[0].is_prefix:
        compound, compound_params = compound_condition(term_c, terms[0], connection)
        one_term_score = (
            f"SUM(CASE WHEN {term_c} = %s THEN {least}({count_c}, {COUNT_CAP}) "
            f"* CASE {field_c} {weight} END ELSE 0 END)"
        )
        word = terms[0].term
        sql, params = grouped(
            one_term_score, (f"{term_c} = %s OR {compound}", [word, *compound_params])
        )
        return sql, [word, *params]

    own = [word_condition(term_c, word) for word in terms]
    conditions = [
        _with_compounds(term_c, word, c, connection) for word, c in zip(terms, own, strict=True)
    ]
    where = " OR ".join(condition for condition, _params in conditions)
    where_params = [value for _condition, params in conditions for value in params]
    score, select_params = summed_score(terms, own, term_c, least, rows_by_field(field_c, count_c))
    sql, params = grouped(score, (where, where_params))
    if len(terms) != 1:
        having, having_params = _every_term_matches(conditions)
        return f"{sql} HAVING {having}", [*select_params, *params, *having_params]
    return sql, [*select_params, *params]


def _history_scores_sql(
    terms: list[QueryWord],
    connection,
    versions: QuerySet[DocumentVersion],
    in_force_on: datetime.date | None = None,
    gate: str | None = None,
) -> tuple[str, list]:
    """Per version of ``versions`` with every term, from the history rows alone:
    ``version`` and ``score`` (as ``search`` scores). The rows read are the candidates'
    (``in_force_on``: those in force that day) of the versions searched (``among_sql``),
    only the words' keys (``packed_rows_sql``), grouped as the past date groups them.
    ``gate``: a table expression of one row or none, read before the rows (``history_top``:
    the grouped rows are read only where the tiers cannot answer)."""
    searched = HistoryRows(day=in_force_on, also=among_sql(versions, connection))
    rows, rows_params = packed_rows_sql(connection, searched, terms, gate=gate)
    return grouped_packed_sql(rows, rows_params, terms, connection)


def _with_compounds(
    term_c: str, word: QueryWord, own: tuple[str, list], connection
) -> tuple[str, list]:
    """The word's own condition, or its compounds' (``compounds.compound_condition``)."""
    compound, compound_params = compound_condition(term_c, word, connection)
    return f"({own[0]} OR {compound})", [*own[1], *compound_params]


def _every_term_matches(conditions: list[tuple[str, list]]) -> tuple[str, list]:
    """``HAVING`` a version's rows match every term (AND), and its parameters."""
    having = " AND ".join(
        f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) > 0" for condition, _p in conditions
    )
    having_params = [value for _condition, values in conditions for value in values]
    return having, having_params


def _ordering(queryset: QuerySet) -> list[str]:
    """The queryset's ordering as field paths, as the database sorts it: a relation stands
    for its model's own ordering (``document`` is ``document__title``), as Django does;
    without the id (the last tie-breaker)."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    paths: list[str] = []
    for name in names:
        if isinstance(name, str) and name.lstrip("-") not in ("pk", "id", "?"):
            paths.extend(_expand_ordering(queryset.model, name))
    return paths


def _expand_ordering(model, name: str, depth: int = 0) -> list[str]:
    descending = name.startswith("-")
    path = name.lstrip("-")
    field, current = None, model
    for part in path.split("__"):
        field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        if field.is_relation:
            current = field.related_model
    if field is None or not field.is_relation or path.endswith("_id") or depth > 3:
        return [name]
    expanded: list[str] = []
    for inner in current._meta.ordering or ["pk"]:
        flip = inner.startswith("-") != descending
        expanded.extend(
            _expand_ordering(
                model, ("-" if flip else "") + f"{path}__{inner.lstrip('-')}", depth + 1
            )
        )
    return expanded

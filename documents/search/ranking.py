"""Ranking hits in one pass: grouped over the search rows (``RankedHits``), or read
from the ranked index (``RankedTerm``)."""

from __future__ import annotations

from django.db import connections
from django.db.models import F, QuerySet

from ..models import (
    RANK_DOCUMENT_COLUMNS,
    DocumentVersion,
    SearchField,
    SearchPrefix,
    SearchPrefixRank,
    SearchRank,
    SearchTerm,
)
from ..text import query_terms
from .scoring import COUNT_CAP, SCORE, WEIGHTS, _packed_sum, _successor


class RankedHits:
    """The hits of a search among some versions, best first, ranked in one grouped pass.

    The same hits, scores and order as :func:`search` (``version_field="pk"``), computed the
    other way round: the index rows of the query's terms are grouped by version once
    (every term must match: ``HAVING``), instead of a correlated score lookup per hit and
    term, and the groups are joined to ``versions`` (filtered, not searched) by id. Ties
    keep ``versions``' own ordering, then the id. Each call to :meth:`rows` is one query.

    Django cannot join a derived table, so the query is composed: the grouped scores as
    SQL, the versions as their compiled queryset; every value in it is a query parameter.
    """

    def __init__(
        self, versions: QuerySet[DocumentVersion], q: str, *, current_only: bool = False
    ) -> None:
        terms = query_terms(q)
        if not terms:
            raise ValueError("ranking needs a query with search terms; see query_terms()")
        self.db = versions.db
        self.groups = _grouped_scores_sql(terms, current_only, connections[self.db])
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
        columns = "".join(f", v.{column}" for column, _descending in self.ordering)
        order = "".join(
            f"{column} {'DESC' if descending else 'ASC'}, " for column, descending in self.ordering
        )
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

    def count(self) -> int:
        sql, params = self._query("COUNT(*)")
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]


class RankedTerm:
    """The hits of a one-term search in the register's default view, read from
    ``SearchRank``: valid today (and public, for ``public_only``; with each column named in
    ``among`` one of its ids; due for review by ``review_before``), best first, equal scores by title, then id. The same hits,
    scores and order as :class:`RankedHits` over those versions. Each call to
    :meth:`rows` is one query.

    An exact term, or a prefix that covers a single index term (as a word typed whole
    usually does), is read in the order of the (term, score, title) index: the page from
    its start, the total by counting the term's entries. A prefix that covers several
    terms reads a kept group's rows (``SearchPrefixRank``) in the same way, where one
    covers the same terms; else it groups their rank rows by version. Its score is
    computed per field again from the packed scores: with every field's count capped,
    ``min(sum of capped counts, cap)`` is ``min(sum of counts, cap)``, as the grouped
    ranking computes it. Which of the three applies is decided within the statement (by
    the lowest and highest term in the range); the other parts read nothing.
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
        self.term, self.is_prefix = term
        self.day, self.public_only = day, public_only
        self.among = among or {}
        unknown = set(self.among) - set(RANK_DOCUMENT_COLUMNS)
        if unknown:
            raise ValueError(f"the ranked index holds no {', '.join(sorted(unknown))}")
        self.review_before = review_before
        self.db = using

    def _sql(self, offset: int, limit: int) -> tuple[str, list]:
        connection = connections[self.db]
        quote = connection.ops.quote_name
        meta = SearchRank._meta
        table = quote(meta.db_table)
        term, version, score, title, valid_from, valid_until, public, review = (
            quote(meta.get_field(name).column)
            for name in (
                "term",
                "version",
                "score",
                "title",
                "valid_from",
                "valid_until",
                "is_public",
                "next_review",
            )
        )
        if self.is_prefix:
            span = f"{term} >= %s AND {term} < %s"
            span_params = [self.term, _successor(self.term)]
        else:
            span, span_params = f"{term} = %s", [self.term]
        day = connection.ops.adapt_datefield_value(self.day)
        shown = f"{valid_from} <= %s AND ({valid_until} IS NULL OR {valid_until} >= %s)"
        shown_params: list = [day, day]
        if self.public_only:
            shown += f" AND {public} = %s"
            shown_params.append(True)
        for name, allowed in self.among.items():
            column = quote(meta.get_field(name).column)
            shown += f" AND {column} IN ({', '.join(['%s'] * len(allowed)) or 'NULL'})"
            shown_params.extend(allowed)
        if self.review_before is not None:
            shown += f" AND {review} <= %s"
            shown_params.append(connection.ops.adapt_datefield_value(self.review_before))
        one = "(SELECT lo FROM span) = (SELECT hi FROM span)"
        single = f"{term} = (SELECT lo FROM span) AND {one} AND {shown}"
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        groups, grouped = (quote(m.db_table) for m in (SearchPrefix._meta, SearchPrefixRank._meta))
        group_column = quote(SearchPrefixRank._meta.get_field("prefix").column)
        # A kept group (SearchPrefix) that starts the searched prefix and covers the same
        # terms: the same lowest and highest one. MIN: at most one row, NULL for none.
        group = (
            f"grp AS (SELECT MIN(prefix) AS prefix FROM {groups} "
            "WHERE lowest = (SELECT lo FROM span) AND highest = (SELECT hi FROM span) "
            "AND lowest <> highest AND prefix <= %s AND upper > %s)"
        )
        in_group = f"{group_column} = (SELECT prefix FROM grp) AND {shown}"
        order = f"ORDER BY {SCORE} DESC, title ASC, version ASC LIMIT %s OFFSET %s"
        sql = (
            # Two scalar subqueries, each a single index seek. Not MIN and MAX: in one
            # subquery they make SQLite read the whole range, and PostgreSQL, which
            # estimates a prefix's range at one row, aggregated all of it (7,000 rows,
            # 2 ms each, for "risk*").
            f"WITH span AS (SELECT (SELECT {term} FROM {table} WHERE {span} "
            f"ORDER BY {term} ASC LIMIT 1) AS lo, (SELECT {term} FROM {table} WHERE {span} "
            f"ORDER BY {term} DESC LIMIT 1) AS hi), {group}, "
            f"several AS (SELECT {version} AS version, {title} AS title, "
            f"{_packed_sum(score, least)} AS {SCORE} FROM {table} WHERE {span} AND NOT {one} "
            f"AND (SELECT prefix FROM grp) IS NULL AND {shown} GROUP BY {version}, {title}) "
            # The total, then the page: (kind, a, b, title).
            f"SELECT 1 AS kind, (SELECT COUNT(*) FROM {table} WHERE {single}) "
            f"+ (SELECT COUNT(*) FROM {grouped} WHERE {in_group}) "
            "+ (SELECT COUNT(*) FROM several) AS a, CAST(NULL AS INTEGER) AS b, NULL AS title "
            f"UNION ALL SELECT 2, version, {SCORE}, title FROM ("
            f"SELECT {version} AS version, {score} AS {SCORE}, {title} AS title FROM {table} "
            f"WHERE {single} {order}) one_term "
            f"UNION ALL SELECT 2, version, {SCORE}, title FROM ("
            f"SELECT {version} AS version, {score} AS {SCORE}, {title} AS title FROM {grouped} "
            f"WHERE {in_group} {order}) kept_group "
            f"UNION ALL SELECT 2, version, {SCORE}, title FROM (SELECT version, {SCORE}, title "
            f"FROM several {order}) several_terms "
            "ORDER BY kind, b DESC, title, a"
        )
        params = [
            *span_params,
            *span_params,
            self.term,
            self.term,
            *span_params,
            *shown_params,
            *shown_params,
            *shown_params,
            *shown_params,
            limit,
            offset,
            *shown_params,
            limit,
            offset,
            limit,
            offset,
        ]
        return sql, params

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, int]]:
        """``(version id, score, number of hits)`` from ``offset``, at most ``limit`` rows."""
        if limit is None:
            if offset:
                raise ValueError("an offset needs a limit")
            limit = MAX_LIMIT
        sql, params = self._sql(offset, limit)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            (_kind, total, _b, _title), *page = cursor.fetchall()
        return [(version, score, total) for _kind, version, score, _title in page]

    def count(self) -> int:
        sql, params = self._sql(0, 0)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[1]


# Rows a search returns when asked for all of them (no LIMIT): more than any register has.
MAX_LIMIT = 2**62


def _grouped_scores_sql(
    terms: list[tuple[str, bool]], current_only: bool, connection
) -> tuple[str, list]:
    """Per version with every term: ``version`` and ``score`` (as ``search`` scores).

    Written as SQL rather than built with the ORM: it is the same short statement for
    every query, and compiling it through querysets cost a tenth of a search page. Only
    standard SQL (CASE, SUM, GROUP BY, HAVING) plus the databases' two-argument minimum.
    With one term every row read is that term's, so the sums need no condition on the
    term and there is nothing to check in ``HAVING``; with one index term (an exact word,
    or on SQLite a prefix that covers one), a version has one row per field and its score
    is a single sum.
    """
    quote = connection.ops.quote_name
    meta = SearchTerm._meta
    table = quote(meta.db_table)
    term_c, version_c, field_c, count_c, current_c = (
        quote(meta.get_field(name).column)
        for name in ("term", "version", "field", "count", "is_current")
    )
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    current = f"{current_c} AND " if current_only else ""

    def grouped(score: str, where: str) -> str:
        return (
            f"SELECT {version_c} AS version, {score} AS {SCORE} "
            f"FROM {table} WHERE {current}({where}) GROUP BY {version_c}"
        )

    # One index term: a version has at most one row per field, so its score is one sum of
    # the rows' capped, weighted counts, and the rows come in version order (no sort).
    weight = " ".join(f"WHEN {int(f)} THEN {WEIGHTS[f]}" for f in SearchField)
    one_term_score = f"SUM({least}({count_c}, {COUNT_CAP}) * CASE {field_c} {weight} END)"
    if len(terms) == 1 and not terms[0][1]:  # one exact term
        return grouped(one_term_score, f"{term_c} = %s"), [terms[0][0]]

    conditions = _term_conditions(term_c, terms)
    where = " OR ".join(condition for condition, _params in conditions)
    where_params = [value for _condition, params in conditions for value in params]
    score, select_params = _summed_score(conditions, field_c, count_c, least)
    if len(terms) != 1:
        having, having_params = _every_term_matches(conditions)
        sql = f"{grouped(score, where)} HAVING {having}"
        return sql, [*select_params, *where_params, *having_params]
    if connection.vendor != "sqlite":
        return grouped(score, where), where_params
    # One word being typed, a prefix, usually covers a single index term: SQLite then reads
    # that term's rows as above, a fifth less time for a word with 12,000 hits. Two index
    # seeks tell whether the range holds one term; the branch whose condition is false is
    # skipped before it reads a row. (PostgreSQL hashes the groups either way: no gain.)
    first, last = (
        f"(SELECT {edge}({term_c}) FROM {table} WHERE {current}({where}))"
        for edge in ("MIN", "MAX")
    )
    one = grouped(one_term_score, f"{term_c} = {first} AND {first} = {last}")
    several = grouped(score, f"({where}) AND {first} <> {last}")
    return f"{one} UNION ALL {several}", where_params * 6


def _term_conditions(term_c: str, terms: list[tuple[str, bool]]) -> list[tuple[str, list]]:
    """Per query term, the condition on the term column its rows meet, and its parameters
    (a prefix: a range, served by a btree)."""
    conditions: list[tuple[str, list]] = []
    for term, is_prefix in terms:
        if is_prefix:
            conditions.append((f"({term_c} >= %s AND {term_c} < %s)", [term, _successor(term)]))
        else:
            conditions.append((f"{term_c} = %s", [term]))
    return conditions


def _summed_score(
    conditions: list[tuple[str, list]], field_c: str, count_c: str, least: str
) -> tuple[str, list]:
    """The score of a version's rows as SQL, and its parameters: per term and field, the
    capped sum of the counts times the field's weight. With one term every row is that
    term's, so the sums need no condition on the term."""
    single = len(conditions) == 1
    select_parts, select_params = [], []
    for condition, condition_params in conditions:
        for field in SearchField:
            when = f"{field_c} = {int(field)}"
            if not single:
                when = f"{when} AND {condition}"
                select_params.extend(condition_params)
            total = f"SUM(CASE WHEN {when} THEN {count_c} ELSE 0 END)"
            select_parts.append(f"{least}({total}, {COUNT_CAP}) * {WEIGHTS[field]}")
    return " + ".join(select_parts), select_params


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

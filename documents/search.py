"""Full-text search in Swedish over document versions, the same on SQLite and PostgreSQL.

A portable inverted index: ``SearchTerm`` rows (version, field, term, count) written from
``documents.text.analyse``; no tsvector, no FTS5. A search is one SQL query:

* every query term must match (AND): one ``version IN (SELECT version FROM index WHERE ...)``
  per term, uncorrelated, served by the (term, version, document) index;
* the last query word is a prefix: ``term >= p AND term < p'`` where ``p'`` is ``p`` with its
  last character incremented, so a plain btree serves it on both databases (on PostgreSQL
  the column uses the "C" collation, so the order is the code point order SQLite uses);
* the score is one correlated subquery per term, a seek in the (version, term, field)
  index (a row-value range for a prefix, see ``_VersionTermRange``): for each field, the
  occurrences of the term (at most ``COUNT_CAP``) times the field's weight. With weights
  10000 / 100 / 1 and the cap at 9, the tiers are strict for up to ``MAX_QUERY_TERMS`` terms: any title hit ranks above
  any document without one, and a summary hit above text-only hits. Its cost grows with the
  number of hits (a few microseconds each), as every hit is ranked.

The indexed version is chosen by ``version_field``: each document's current (valid) version
by default, or any other single-valued path to a ``DocumentVersion`` (``"pk"`` when searching
a ``DocumentVersion`` queryset).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import (
    RANK_DOCUMENT_COLUMNS,
    RANK_VERSION_COLUMNS,
    Document,
    DocumentVersion,
    SearchField,
    SearchPrefix,
    SearchPrefixRank,
    SearchRank,
    SearchTerm,
    VersionFile,
    VersionStatus,
    copy_rank_columns,  # noqa: F401 - kept importable from here
)
from .text import (
    ACCENT_FOLD,
    MAX_QUERY_TERMS,
    MIN_PREFIX_LENGTH,
    TOKEN_RE,
    analyse,
    html_to_text,
    is_indexable,
    query_terms,
    stem,
    term_matches,
    tokens,
)

# Versions the register can show; ``reindex_search`` indexes these (or all, with --all).
SEARCHABLE_STATUSES = (VersionStatus.VALID, VersionStatus.SUPERSEDED, VersionStatus.REPEALED)

WEIGHTS = {SearchField.TITLE: 10_000, SearchField.SUMMARY: 100, SearchField.TEXT: 1}
COUNT_CAP = 9
assert COUNT_CAP * MAX_QUERY_TERMS * WEIGHTS[SearchField.TEXT] < WEIGHTS[SearchField.SUMMARY]
assert COUNT_CAP * MAX_QUERY_TERMS * WEIGHTS[SearchField.SUMMARY] < WEIGHTS[SearchField.TITLE]

SCORE = "score"


# --- Indexing -------------------------------------------------------------------


def version_file(version: DocumentVersion) -> VersionFile | None:
    """The version's file: the newest upload, first in VersionFile's ordering (uploaded,
    then id; worked out here, so prefetched ``files`` in any order give the same one)."""
    files = list(version.files.all())
    return max(files, key=lambda f: (f.uploaded_at, f.pk)) if files else None


def version_text(version: DocumentVersion) -> str:
    """The searchable text of a version: its HTML text as plain text, then its file's text."""
    body = html_to_text(version.body)
    current = version_file(version)
    file_text = current.extracted_text if current is not None else ""
    return f"{body}\n{file_text}" if body and file_text else body or file_text


def _rows(version: DocumentVersion, summary: str) -> list[SearchTerm]:
    current = version.status == VersionStatus.VALID
    fields = {
        SearchField.TITLE: version.title,
        SearchField.SUMMARY: summary,
        SearchField.TEXT: version_text(version),
    }
    return [
        SearchTerm(
            version_id=version.pk,
            document_id=version.document_id,
            term=term,
            field=field,
            count=count,
            is_current=current,
        )
        for field, text in fields.items()
        for term, count in Counter(analyse(text)).items()
    ]


def index_versions(versions: Iterable[DocumentVersion]) -> int:
    """Replace the index rows of the versions, in one transaction; returns the rows written.

    Load the versions with ``select_related("document")`` and ``prefetch_related("files")``
    to index many at once without a query per version.
    """
    versions = list(versions)
    if not versions:
        return 0
    rows = [row for v in versions for row in _rows(v, v.document.summary)]
    ids = [v.pk for v in versions]
    with transaction.atomic(savepoint=False):
        SearchTerm.objects.filter(version__in=ids).delete()
        SearchTerm.objects.bulk_create(rows, batch_size=2000)
        rank_versions(ids)
    return len(rows)


def index_version(version: DocumentVersion) -> int:
    """(Re)index one version: its title, its document's summary, its text and file."""
    with transaction.atomic(savepoint=False):
        # Lock the version so two concurrent reindexings cannot both insert its rows.
        locked = (
            DocumentVersion.objects.select_for_update(of=("self",))
            .select_related("document")
            .prefetch_related("files")
            .get(pk=version.pk)
        )
        return index_versions([locked])


def reindex_if_searchable(version: DocumentVersion) -> int:
    """Reindex a version the register can show (valid, superseded, repealed); else nothing."""
    if version.status in SEARCHABLE_STATUSES:
        return index_version(version)
    return 0


def remove_version(version: DocumentVersion) -> None:
    """Drop a version's rows from the index."""
    with transaction.atomic(savepoint=False):
        _drop_ranks([version.pk])
        SearchTerm.objects.filter(version=version).delete()


def mark_not_current(versions: QuerySet[DocumentVersion] | Iterable[DocumentVersion]) -> int:
    """The versions are no longer valid (superseded, repealed): their rows leave the
    default search's part of the index. Call in the transaction that changes the status."""
    ids = versions.values("pk") if isinstance(versions, QuerySet) else [v.pk for v in versions]
    _drop_ranks(ids)
    return SearchTerm.objects.filter(version__in=ids, is_current=True).update(is_current=False)


# --- The ranked index of the register's default view ------------------------------
#
# ``SearchRank`` holds, per (valid version, term) of the current search rows, the score
# the grouped ranking would give a one-term search, with what the register filters and
# sorts by copied from the version and its document (RANK_VERSION_COLUMNS and
# RANK_DOCUMENT_COLUMNS below). Derived state, rebuilt from the search rows wherever they change
# (above) and kept in step with the copied columns by the models' saves.


# What a rank row copies from its version and from its version's document, and the copy
# itself, live with the models (documents.models), whose saves keep them in step: so the
# models need not import this module, which imports them.


def _rank_insert_sql(connection, version_filter: str = "") -> str:
    """``INSERT … SELECT`` of the rank rows of the current search rows (alias ``t``),
    optionally narrowed by ``version_filter`` (SQL on ``t``'s version column)."""
    quote = connection.ops.quote_name
    term_meta, version_meta = SearchTerm._meta, DocumentVersion._meta
    rank = SearchRank._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    weight = " ".join(f"WHEN {int(f)} THEN {WEIGHTS[f]}" for f in SearchField)
    t_version, t_term = column(term_meta, "version"), column(term_meta, "term")
    targets = ", ".join(
        column(rank, name)
        for name in ("version", "term", "score", *RANK_VERSION_COLUMNS, *RANK_DOCUMENT_COLUMNS)
    )
    # The version carries its document's columns too (Document.VERSION_COLUMNS).
    v_columns = ", ".join(
        f"v.{column(version_meta, name)}"
        for name in (*RANK_VERSION_COLUMNS, *RANK_DOCUMENT_COLUMNS)
    )
    group = f"t.{t_version}, t.{t_term}, {v_columns}"
    return (
        f"INSERT INTO {quote(rank.db_table)} ({targets}) "
        f"SELECT t.{t_version}, t.{t_term}, "
        f"SUM({least}(t.{column(term_meta, 'count')}, {COUNT_CAP}) "
        f"* CASE t.{column(term_meta, 'field')} {weight} END), {v_columns} "
        f"FROM {quote(term_meta.db_table)} t "
        f"INNER JOIN {quote(version_meta.db_table)} v "
        f"ON v.{quote(version_meta.pk.column)} = t.{t_version} "
        f"WHERE t.{column(term_meta, 'is_current')}{version_filter} GROUP BY {group}"
    )


def rank_versions(version_ids: list[int] | None = None) -> int:
    """Rebuild the ``SearchRank`` rows of the versions (of every version, with None) from
    their current search rows, and their ``SearchPrefixRank`` rows from those; returns the
    rank rows written. Versions that are not valid get none. Run in the transaction that
    writes their search rows."""
    connection = connections[SearchRank.objects.db]
    ranks = SearchRank.objects.all()
    sql, params = _rank_insert_sql(connection), []
    if version_ids is not None:
        if not version_ids:
            return 0
        ranks = ranks.filter(version__in=version_ids)
        column = connection.ops.quote_name(SearchTerm._meta.get_field("version").column)
        sql = _rank_insert_sql(
            connection, f" AND t.{column} IN ({', '.join(['%s'] * len(version_ids))})"
        )
        params = list(version_ids)
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        kept = _lock_prefixes()
        ranks.delete()
        cursor.execute(sql, params)
        written = cursor.rowcount
        if kept:
            _rank_prefixes(version_ids)
        return written


def _drop_ranks(version_ids: QuerySet | list[int]) -> None:
    """The versions leave the ranked index (no longer valid, or removed)."""
    with transaction.atomic(using=SearchRank.objects.db, savepoint=False):
        kept = _lock_prefixes()
        SearchRank.objects.filter(version__in=version_ids).delete()
        if kept:
            SearchPrefixRank.objects.filter(version__in=version_ids).delete()
            _span_prefixes()


# --- Prefix groups --------------------------------------------------------------
#
# A word being typed is a prefix, and may cover several index terms ("dokument" covers
# "dokumentation", "dokumenten", ...): its hits are then the rank rows of all those terms
# grouped by version, which costs time in proportion to the hits (13-28 ms for 11,000).
# For the prefixes where that is so (SearchPrefix, chosen by ``choose_prefixes``), the
# grouped rows are kept as well (SearchPrefixRank), and read as a single term's are.
#
# Which typed prefixes may use a group: the terms a prefix covers are a contiguous run of
# the sorted terms, from the lowest to the highest; two prefixes with the same lowest and
# highest term cover the same terms. So a group records its lowest and highest term, kept
# whenever rank rows change, and a search whose range has the same two reads the group.

# A branching prefix is kept as a group when its terms occur in at least this many valid
# versions; a prefix with fewer hits is grouped quickly enough when searched.
PREFIX_MIN_VERSIONS = 1_000


def _packed_sum(score: str, least: str) -> str:
    """SQL of a packed score summed over several terms' rows, as ``search`` scores them
    together: per field, the sum of the capped counts, capped again (see WEIGHTS)."""
    return " + ".join(
        f"{least}(SUM(({score} / {weight}) %% {FIELD_SPAN}), {COUNT_CAP}) * {weight}"
        for weight in WEIGHTS.values()
    )


def _lock_prefixes() -> bool:
    """Wait for any other transaction that changes the groups or their spans: after this,
    each statement sees the groups as they committed (READ COMMITTED). Returns whether
    there are any: without groups there are no group rows to keep (a register too small
    to have a prefix with ``PREFIX_MIN_VERSIONS``, or not yet reindexed)."""
    return bool(list(SearchPrefix.objects.select_for_update().values_list("pk", flat=True)))


def _rank_prefixes(version_ids: list[int] | None) -> None:
    """Rebuild the versions' ``SearchPrefixRank`` rows (every version's, with None) from
    their rank rows, then the groups' spans."""
    connection = connections[SearchPrefixRank.objects.db]
    quote = connection.ops.quote_name
    rank, group, grouped = SearchRank._meta, SearchPrefix._meta, SearchPrefixRank._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    copied = ", ".join(
        f"r.{column(rank, name)}" for name in (*RANK_VERSION_COLUMNS, *RANK_DOCUMENT_COLUMNS)
    )
    targets = ", ".join(
        column(grouped, name)
        for name in ("version", "prefix", "score", *RANK_VERSION_COLUMNS, *RANK_DOCUMENT_COLUMNS)
    )
    version = f"r.{column(rank, 'version')}"
    rows = SearchPrefixRank.objects.all()
    narrowed, params = "", []
    if version_ids is not None:
        rows = rows.filter(version__in=version_ids)
        narrowed = f" WHERE {version} IN ({', '.join(['%s'] * len(version_ids))})"
        params = list(version_ids)
    term, prefix = f"r.{column(rank, 'term')}", f"g.{column(group, 'prefix')}"
    score = _packed_sum(f"r.{column(rank, 'score')}", least)
    sql = (
        f"INSERT INTO {quote(grouped.db_table)} ({targets}) "
        f"SELECT {version}, {prefix}, {score}, "
        f"{copied} FROM {quote(group.db_table)} g INNER JOIN {quote(rank.db_table)} r "
        f"ON {term} >= {prefix} AND {term} < g.{column(group, 'upper')}{narrowed} "
        f"GROUP BY {version}, {prefix}, {copied}"
    )
    rows.delete()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    _span_prefixes()


def _span_prefixes() -> None:
    """Each group's lowest and highest term, from the rank rows (two index seeks each)."""
    terms = SearchRank.objects.filter(term__gte=OuterRef("prefix"), term__lt=OuterRef("upper"))
    SearchPrefix.objects.update(
        lowest=Subquery(terms.order_by("term").values("term")[:1]),
        highest=Subquery(terms.order_by("-term").values("term")[:1]),
    )


def _branches(terms: list[str]) -> set[str]:
    """The prefixes (of at least ``MIN_PREFIX_LENGTH`` letters) at which sorted terms
    branch: the longest common start of each two neighbours. Every other prefix covers the
    same terms as one of these, or a single term, or none."""
    found = set()
    for left, right in itertools.pairwise(terms):
        common = len(os.path.commonprefix([left, right]))
        if common >= MIN_PREFIX_LENGTH:
            found.add(left[:common])
    return found


def choose_prefixes(min_versions: int = PREFIX_MIN_VERSIONS) -> int:
    """Choose the groups again: the branching prefixes whose terms occur in at least
    ``min_versions`` valid versions; rebuild their rows. Returns how many were chosen."""
    with transaction.atomic(using=SearchPrefix.objects.db):
        _lock_prefixes()
        terms = list(SearchRank.objects.order_by("term").values_list("term", flat=True).distinct())
        chosen = []
        for prefix in sorted(_branches(terms)):
            upper = _successor(prefix)
            hits = (
                SearchRank.objects.filter(term__gte=prefix, term__lt=upper)
                .values("version")
                .distinct()
                .count()
            )
            if hits >= min_versions:
                chosen.append(SearchPrefix(prefix=prefix, upper=upper))
        SearchPrefixRank.objects.all().delete()
        SearchPrefix.objects.all().delete()
        SearchPrefix.objects.bulk_create(chosen)
        _rank_prefixes(None)
    return len(chosen)


# --- Searching ------------------------------------------------------------------


def _successor(prefix: str) -> str:
    """The smallest string above every string that starts with ``prefix``."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # surrogates cannot be stored; skip to the next character
        code = 0xE000
    return prefix[:-1] + chr(code)


def _matching(term: str, is_prefix: bool, current_only: bool = False) -> QuerySet[SearchTerm]:
    """Index rows of any version with the term (a prefix: a range, served by a btree);
    with ``current_only``, of valid versions only (served by a partial index)."""
    rows = SearchTerm.objects.filter(is_current=True) if current_only else SearchTerm.objects
    if is_prefix:
        return rows.filter(term__gte=term, term__lt=_successor(term))
    return rows.filter(term=term)


class _VersionTermRange(Func):
    """``(version, term) >= (v, low) AND (version, term) < (v, high)``: a row-value range.

    The rows of one version whose term lies in a range, written so that only an index on
    (version, term, ...) can serve it. Given ``version = v AND term >= low AND term < high``
    PostgreSQL, misjudging how many rows a prefix covers, may walk the (term, version) index
    through every version's rows instead, once per document. PostgreSQL also gets the
    equality ``version = v``, as it estimates a row-value range by its first column alone;
    SQLite would seek by that equality only and scan all of the version's terms.
    """

    output_field = BooleanField()

    def _parts(self, compiler):
        return [compiler.compile(e) for e in self.get_source_expressions()]

    def as_sql(self, compiler, connection, **extra_context):
        (version, vp), (term, tp), (ref, rp), (low, lp), (high, hp) = self._parts(compiler)
        sql = f"({version}, {term}) >= ({ref}, {low}) AND ({version}, {term}) < ({ref}, {high})"
        return sql, (*vp, *tp, *rp, *lp, *vp, *tp, *rp, *hp)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        (version, vp), _term, (ref, rp), _low, _high = self._parts(compiler)
        return f"{sql} AND {version} = {ref}", (*params, *vp, *rp)


def _version_rows(term: str, is_prefix: bool, version_ref: OuterRef) -> QuerySet[SearchTerm]:
    """Index rows of the outer query's version with the term."""
    if is_prefix:
        return SearchTerm.objects.filter(
            _VersionTermRange(
                F("version"), F("term"), version_ref, Value(term), Value(_successor(term))
            )
        )
    return SearchTerm.objects.filter(version=version_ref, term=term)


def _term_score(rows: QuerySet[SearchTerm]) -> Subquery:
    """Per field, the term's occurrences (at most ``COUNT_CAP``) times the field's weight."""
    integer = IntegerField()

    def field_score(field: SearchField):
        total = Coalesce(Sum("count", filter=Q(field=field)), 0, output_field=integer)
        capped = Least(total, Value(COUNT_CAP), output_field=integer)
        return ExpressionWrapper(capped * Value(WEIGHTS[field]), output_field=integer)

    title, summary, text = (field_score(f) for f in SearchField)
    return Subquery(
        rows.order_by()
        .values("version")
        .annotate(s=ExpressionWrapper(title + summary + text, output_field=integer))
        .values("s"),
        output_field=integer,
    )


def search(
    queryset: QuerySet,
    q: str,
    *,
    version_field: str = "current_version",
    current_only: bool = False,
) -> QuerySet:
    """The queryset narrowed to rows whose indexed version matches every term of ``q``.

    Rows are annotated with ``score`` and ordered by it (best first), then by the queryset's
    own ordering. Still one lazy queryset: filter, paginate or re-order it as any other; the
    search adds subqueries, never a second query. A query without search terms (empty,
    punctuation, only stopwords) leaves the queryset as it is, with a score of 0.

    ``version_field`` is the path from the queryset's model to the ``DocumentVersion``
    searched: ``"current_version"`` for documents (their valid version), ``"pk"`` for
    versions. It must be single-valued (no to-many relation), or rows would repeat.

    ``current_only``: the caller's queryset holds valid versions only (the register's
    default "valid today"); the search then reads only the index rows of valid versions.
    Passing it for a queryset with other versions would drop their hits.
    """
    terms = query_terms(q)
    if not terms:
        return queryset.annotate(**{SCORE: Value(0, output_field=IntegerField())})
    version_ref = OuterRef(version_field)
    score = Value(0, output_field=IntegerField())
    for term, is_prefix in terms:
        matching = _matching(term, is_prefix, current_only).values("version_id")
        queryset = queryset.filter(**{f"{version_field}__in": matching})
        term_score = _term_score(_version_rows(term, is_prefix, version_ref))
        score = score + Coalesce(term_score, 0, output_field=IntegerField())
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.annotate(**{SCORE: score}).order_by(f"-{SCORE}", *ordering, "pk")


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


# Packed scores (see WEIGHTS): a field's capped count is (score / weight) % FIELD_SPAN.
FIELD_SPAN = 100
assert sorted(WEIGHTS.values()) == [FIELD_SPAN**i for i in range(len(WEIGHTS))]
assert COUNT_CAP < FIELD_SPAN

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

    conditions: list[tuple[str, list]] = []
    for term, is_prefix in terms:
        if is_prefix:
            conditions.append((f"({term_c} >= %s AND {term_c} < %s)", [term, _successor(term)]))
        else:
            conditions.append((f"{term_c} = %s", [term]))
    single = len(terms) == 1
    select_parts, select_params = [], []
    for condition, condition_params in conditions:
        for field in SearchField:
            when = f"{field_c} = {int(field)}"
            if not single:
                when = f"{when} AND {condition}"
                select_params.extend(condition_params)
            total = f"SUM(CASE WHEN {when} THEN {count_c} ELSE 0 END)"
            select_parts.append(f"{least}({total}, {COUNT_CAP}) * {WEIGHTS[field]}")
    where = " OR ".join(condition for condition, _params in conditions)
    where_params = [value for _condition, params in conditions for value in params]
    score = " + ".join(select_parts)
    if not single:
        having = " AND ".join(
            f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) > 0" for condition, _p in conditions
        )
        having_params = [value for _condition, values in conditions for value in values]
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


def search_documents(q: str, queryset: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Convenience: documents whose current version matches ``q`` (all documents by default)."""
    return search(Document.objects.all() if queryset is None else queryset, q)


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


def _match_spans(text: str, terms: list[tuple[str, bool]]) -> list[tuple[int, int, str]]:
    """``(start, end, term)`` of the words of ``text`` whose stem matches a query term.

    Fast path: a stem is a prefix of its word, so only words starting with a query term are
    candidates; a regular expression finds them in a lower-cased copy of the same length,
    and each candidate is then analysed exactly as the index does.
    """
    if not terms or not text:
        return []
    if len(text) > TEXT_CACHE_MAX_CHARS:
        return _find_spans(text, terms)
    return list(_kept_spans(text, tuple(terms)))


@functools.lru_cache(maxsize=TEXT_CACHE_SIZE)
def _kept_spans(text: str, terms: tuple[tuple[str, bool], ...]) -> tuple[tuple[int, int, str], ...]:
    return tuple(_find_spans(text, terms))


def _find_spans(
    text: str, terms: list[tuple[str, bool]] | tuple[tuple[str, bool], ...]
) -> list[tuple[int, int, str]]:
    folded = _folded(text)
    if folded is not None:
        alternatives = "|".join(re.escape(t) for t, _ in sorted(terms, key=lambda x: -len(x[0])))
        # The word's start is checked after the match, not by a look-behind in the pattern:
        # a pattern that starts with its terms is searched for as literals, 18 times faster.
        # A match inside a word is dropped; being all letters and digits, no word starts
        # within it.
        pattern = re.compile(rf"(?:{alternatives})[^\W_]*")
        words = (
            m.span()
            for m in pattern.finditer(folded)
            if not m.start() or not _WORD_CHARACTER.match(folded, m.start() - 1)
        )
    else:  # a character that changes length when lower-cased: look at every word
        words = (m.span() for m in TOKEN_RE.finditer(text))
    spans: list[tuple[int, int, str]] = []
    for start, end in words:
        term = _matched_term(text[start:end], terms)
        if term is not None:
            spans.append((start, end, term))
    return spans


_WORD_CHARACTER = re.compile(r"[^\W_]")


def _matched_term(word: str, terms: list[tuple[str, bool]]) -> str | None:
    for normalised in tokens(word):
        if is_indexable(normalised):
            stemmed = stem(normalised)
            for term, is_prefix in terms:
                if term_matches(stemmed, [(term, is_prefix)]):
                    return term
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


def highlight(text: str, q: str | list[tuple[str, bool]]) -> SafeString:
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


def snippet(
    version: DocumentVersion, q: str | list[tuple[str, bool]], length: int = 200
) -> SafeString:
    """About ``length`` characters of the version's text around its best match, as safe HTML.

    Words matching the query (by stem, as in the search) are wrapped in ``<mark>``; all
    text is HTML-escaped. Looks in the version's text, then its file's text; without a
    match, the beginning of the text. For a fixed query count per page, load the rows with
    ``selectors.register_rows(with_text=True)`` (the file's text annotated) or with
    ``prefetch_related("files")``. ``q`` may be given as its ``query_terms`` (once for a
    page of snippets).
    """
    terms = query_terms(q) if isinstance(q, str) else q
    sources = [_plain_text(version)]
    file_text = _file_text(version)
    if file_text:
        sources.append(_one_line(file_text))
    sources = [s for s in sources if s] or [""]
    text, spans = sources[0], []
    for candidate in sources:
        found = _match_spans(candidate, terms)
        if found:
            text, spans = candidate, found
            break
    if len(text) <= length:
        return _render(text, spans, 0, len(text))
    if spans:
        anchor = _best_window(spans, length)
        start = max(0, anchor - length // 5)
    else:
        start = 0
    end = min(len(text), start + length)
    if end == len(text):
        start = max(0, end - length)
    # Whole words only: move the edges to spaces, never cutting through a match.
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
    html = _render(text, spans, start, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 - _render escapes the text

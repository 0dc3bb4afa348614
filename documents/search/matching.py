"""Searching a queryset: every term must match, scored by correlated subqueries (over
``SearchTerm`` for valid versions, over the unpacked ``SearchHistory`` row for others)."""

from __future__ import annotations

from django.db import connections
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
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least

from ..models import Document, SearchField, SearchHistory, SearchTerm
from . import history, history_index
from .analysis import QueryWord, query_terms
from .compounds import compound_condition, compound_terms
from .scoring import COUNT_CAP, SCORE, WEIGHTS, WHOLE_TITLE_WEIGHT, _successor

# --- Searching ------------------------------------------------------------------


def _word_q(word: QueryWord) -> Q:
    """The index rows matching a query word: its term, or a prefix's range (served by a
    btree) and the whole-word stems it completes to."""
    if not word.is_prefix:
        return Q(term=word.term)
    found = Q(term__gte=word.term, term__lt=_successor(word.term))
    return found | Q(term__in=word.whole) if word.whole else found


def _matching(word: QueryWord) -> QuerySet[SearchTerm]:
    """Index rows of valid versions with the word, or with a compound of it
    (``compounds.compound_terms``)."""
    return SearchTerm.objects.filter(_word_q(word) | Q(term__in=compound_terms(word)))


def _history_versions(word: QueryWord) -> RawSQL:
    """The versions that are not valid with the word or a compound of it, from their
    ``SearchHistory`` rows (``history``): the candidates (``history_index.prefilter``); on
    SQLite, whose index only narrows (its tokens are case-folded, and the scores are
    tokens too), those with one of the word's terms among theirs. On PostgreSQL the
    index's candidates are exactly the rows with a term of the word (its range, stems and
    compounds as lexemes): nothing more to read."""
    connection = connections[SearchHistory.objects.db]
    if connection.vendor == "postgresql":
        where, params = history_index.prefilter(word, connection)
        table = connection.ops.quote_name(SearchHistory._meta.db_table)
        return RawSQL(f"SELECT h.version_id FROM {table} h WHERE {where}", params)
    rows, params = history.rows_sql(connection, history_index.HistoryRows(), [word])
    own, own_params = history.word_condition("term", word)
    compound, compound_params = compound_condition("term", word, connection)
    return RawSQL(
        f"SELECT version_id FROM ({rows}) found WHERE {own} OR {compound}",
        (*params, *own_params, *compound_params),
    )


class _HistoryScore(Func):
    """A version's score for a word from its ``SearchHistory`` row, as ``_term_score``
    scores ``SearchTerm``'s rows (0 for a version without one: a valid version)."""

    output_field = IntegerField()

    def __init__(self, version, word: QueryWord) -> None:
        super().__init__(version)
        self.word = word

    def as_sql(self, compiler, connection, **extra_context):
        version_sql, version_params = compiler.compile(self.get_source_expressions()[0])
        # One version's row, looked up by id (the version's SQL is a column: no parameters).
        one = history_index.HistoryRows(also=(f"h.version_id = {version_sql}", ()), indexed=False)
        rows, params = history.rows_sql(connection, one, [self.word])
        own = history.word_condition("term", self.word)
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        score, score_params = history.summed_score(
            [self.word], [own], "term", least, history.rows_by_field("field", '"count"')
        )
        # Grouped: a version without a history row has no group, so no score (on
        # PostgreSQL LEAST(NULL, 9) is 9, where SQLite's MIN(NULL, 9) is NULL).
        sql = (
            f"COALESCE((SELECT {score} FROM ({rows}) found WHERE {own[0]} GROUP BY version_id), 0)"
        )
        return sql, (*score_params, *version_params, *params, *own[1])


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


def _version_rows(word: QueryWord, version_ref: OuterRef) -> QuerySet[SearchTerm]:
    """Index rows of the outer query's version with the word."""
    if not word.is_prefix:
        return SearchTerm.objects.filter(version=version_ref, term=word.term)
    in_range = Q(
        _VersionTermRange(
            F("version"), F("term"), version_ref, Value(word.term), Value(_successor(word.term))
        )
    )
    if word.whole:
        in_range |= Q(version=version_ref, term__in=word.whole)
    return SearchTerm.objects.filter(in_range)


def _term_score(rows: QuerySet[SearchTerm], word: QueryWord) -> Subquery:
    """Per field, the word's occurrences (at most ``COUNT_CAP``) times the field's weight;
    in the title, whole-word occurrences apart, at ``WHOLE_TITLE_WEIGHT``."""
    integer = IntegerField()
    whole = Q(term=word.term) | Q(term__in=word.whole) if word.is_prefix else Q()

    def field_score(field: SearchField, condition: Q | None = None, weight: int | None = None):
        rows = Q(field=field) if condition is None else Q(field=field) & condition
        total = Coalesce(Sum("count", filter=rows), 0, output_field=integer)
        capped = Least(total, Value(COUNT_CAP), output_field=integer)
        weight = WEIGHTS[field] if weight is None else weight
        return ExpressionWrapper(capped * Value(weight), output_field=integer)

    title = field_score(SearchField.TITLE, whole, WHOLE_TITLE_WEIGHT)
    if word.is_prefix:
        title = title + field_score(SearchField.TITLE, ~whole)
    summary, text = field_score(SearchField.SUMMARY), field_score(SearchField.TEXT)
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
    # A version found through a compound of a word only scores nothing for it: the score
    # reads the word's own rows.
    version_ref = OuterRef(version_field)
    score = Value(0, output_field=IntegerField())
    for word in terms:
        matching = Q(**{f"{version_field}__in": _matching(word).values("version_id")})
        if not current_only:
            matching |= Q(**{f"{version_field}__in": _history_versions(word)})
            score = score + _HistoryScore(F(version_field), word)
        queryset = queryset.filter(matching)
        term_score = _term_score(_version_rows(word, version_ref), word)
        score = score + Coalesce(term_score, 0, output_field=IntegerField())
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.annotate(**{SCORE: score}).order_by(f"-{SCORE}", *ordering, "pk")


def search_documents(q: str, queryset: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Convenience: documents whose current version matches ``q`` (all documents by default)."""
    return search(Document.objects.all() if queryset is None else queryset, q)

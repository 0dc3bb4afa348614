"""The terms of versions that are not valid (``SearchHistory``): one row per version, read
only by the searches among superseded or repealed versions and on a past date.

A valid version's terms are rows of ``SearchTerm`` (version, term, field, count), which the
default search and the ranked index read. When a version stops being valid its rows move
here as one JSON object of its terms with their packed scores (``pack``: per field, the
count capped at ``COUNT_CAP`` times the field's weight, as ``SearchRank.score`` packs
them), written without spaces: ``{"rutin":90001,"samverk":3}``. Four fifths of the index
belong to such versions; as a row per version they take a fifth of the room. The row
also carries the version's first and last day in force (``in_force``, copied when the row
is written; a superseded or repealed version's dates never change again).

A search that may find such versions reads them in two steps inside its own statement,
of the searched versions' rows only where the search knows them (the grouped ranking: a
past date, a status; ``among_sql``):

* the candidate rows, found through an index of the rows' keys and months in force
  (``history_index.candidates``: a GIN index on PostgreSQL, an FTS5 table on SQLite);
* their terms that match a query word, as (version, term, field, count) rows matched by
  the same conditions as ``SearchTerm``'s rows (``rows_sql``). Only the words' keys are
  read from the text (``history_index.keys_sql``), not every key of every candidate.

So the hits and their scores are the same as if the rows were in ``SearchTerm``. The
candidates only narrow (the indexes hold more than the words' keys: SQLite's folds case
and also holds the scores as tokens), the conditions decide.

Also here: the SQL conditions on term rows that the searches share (a word's own rows,
its whole-word rows, the summed score).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..models import DocumentVersion, SearchField, SearchHistory, SearchTerm
from .analysis import QueryWord
from .compounds import compound_condition
from .history_index import HistoryRows, keys_sql
from .scoring import COUNT_CAP, FIELD_SPAN, SCORE, WEIGHTS, WHOLE_TITLE_WEIGHT, _successor


def pack(counts: Mapping[int, int]) -> int:
    """A term's packed score from its count per field (``SearchField`` values)."""
    return sum(
        min(count, COUNT_CAP) * WEIGHTS[SearchField(field)] for field, count in counts.items()
    )


def terms_text(packed: Mapping[str, int]) -> str:
    """``SearchHistory.terms`` of the terms' packed scores (sorted, no spaces)."""
    return json.dumps(dict(sorted(packed.items())), ensure_ascii=False, separators=(",", ":"))


def unpack(terms: str) -> set[tuple[str, int, int]]:
    """The (term, field, count) rows of a ``SearchHistory.terms`` (counts capped)."""
    return {
        (term, int(field), packed // WEIGHTS[field] % FIELD_SPAN)
        for term, packed in json.loads(terms).items()
        for field in SearchField
        if packed // WEIGHTS[field] % FIELD_SPAN
    }


def terms_of(rows: Iterable[tuple[str, int, int]]) -> str:
    """``SearchHistory.terms`` of a version's (term, field, count) rows."""
    counts: dict[str, dict[int, int]] = {}
    for term, field, count in rows:
        counts.setdefault(term, {})[field] = count
    return terms_text({term: pack(fields) for term, fields in counts.items()})


# Versions that have been in force (``documents.selectors.REGISTER_STATUSES``): only
# their history rows have days in force.
IN_FORCE_STATUSES = ("valid", "superseded", "repealed")


def in_force(
    status: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    superseded_on: datetime.date | None,
) -> tuple[datetime.date | None, datetime.date | None]:
    """A version's first and last day in force (``SearchHistory.in_force_from``, ``…_until``),
    as ``documents.selectors.valid_on`` of a past day reads its columns: valid from its
    ``valid_from`` to its ``valid_until`` and before its ``superseded_on``. No first day for
    a version that was never in the register (a draft after ``reindex_search --all``)."""
    if status not in IN_FORCE_STATUSES or valid_from is None:
        return None, None
    ends = [day for day in (valid_until, superseded_on and superseded_on - ONE_DAY) if day]
    return valid_from, min(ends, default=None)


ONE_DAY = datetime.timedelta(days=1)


def history_row(version, rows: Iterable[tuple[str, int, int]]) -> SearchHistory:
    """The history row of a version's (term, field, count) rows, with its days in force."""
    first, last = in_force(
        version.status, version.valid_from, version.valid_until, version.superseded_on
    )
    return SearchHistory(
        version_id=version.pk,
        terms=terms_of(rows),
        in_force_from=first,
        in_force_until=last,
        status=version.status,
        is_public=version.is_public,
    )


def in_force_sql(connection, alias: str = "v") -> tuple[str, str]:
    """``in_force`` as SQL on a ``documents_documentversion`` row (``alias``): the first
    and the last day in force."""
    quote = connection.ops.quote_name
    status, valid_from, valid_until, superseded_on = (
        f"{alias}.{quote(name)}"
        for name in ("status", "valid_from", "valid_until", "superseded_on")
    )
    if connection.vendor == "sqlite":
        before = f"date({superseded_on}, '-1 day')"
    else:
        before = f"({superseded_on} - 1)"
    statuses = ", ".join(f"'{name}'" for name in IN_FORCE_STATUSES)
    shown = f"{status} IN ({statuses}) AND {valid_from} IS NOT NULL"
    last = (
        f"CASE WHEN {superseded_on} IS NULL THEN {valid_until} "
        f"WHEN {valid_until} IS NOT NULL AND {valid_until} < {before} THEN {valid_until} "
        f"ELSE {before} END"
    )
    return f"CASE WHEN {shown} THEN {valid_from} END", f"CASE WHEN {shown} THEN {last} END"


def move_sql(connection, versions_sql: str) -> str:
    """``INSERT … SELECT`` of the history rows of the ``SearchTerm`` rows of the versions
    whose ids ``versions_sql`` selects (the same text ``terms_text`` writes, unsorted), with
    the versions' days in force, status and visibility as they are (``in_force_sql``)."""
    quote = connection.ops.quote_name
    meta = SearchTerm._meta
    least, concat = (
        ("MIN", "group_concat({}, ',')")
        if connection.vendor == "sqlite"
        else ("LEAST", "string_agg({}, ',')")
    )
    weight = " ".join(f"WHEN {int(f)} THEN {WEIGHTS[f]}" for f in SearchField)
    entry = concat.format("'\"' || term || '\":' || CAST(packed AS TEXT)")
    first, last = in_force_sql(connection)
    return (
        f"INSERT INTO {quote(SearchHistory._meta.db_table)} "
        "(version_id, terms, in_force_from, in_force_until, status, is_public) "
        f"SELECT t.version_id, t.terms, {first}, {last}, v.status, v.is_public FROM ("
        f"SELECT version_id, '{{' || {entry} || '}}' AS terms FROM ("
        f"SELECT version_id, term, SUM({least}({quote('count')}, {COUNT_CAP}) "
        f"* CASE field {weight} END) AS packed FROM {quote(meta.db_table)} "
        f"WHERE version_id IN ({versions_sql}) GROUP BY version_id, term) packed_terms "
        f"GROUP BY version_id) t INNER JOIN {quote(DocumentVersion._meta.db_table)} v "
        "ON v.id = t.version_id"
    )


# --- Reading: the candidates' rows, the words' terms of each ---------------------------


def rows_sql(connection, rows: HistoryRows, words: list[QueryWord]) -> tuple[str, list]:
    """The unpacked rows (version_id, term, field, count) of the history rows ``rows``
    (``history_index.HistoryRows``): a table expression, as ``SearchTerm``'s columns. Only
    the terms that match one of ``words`` (or a compound of one) become rows: the callers
    read no others, and a common word's candidates have thousands of other terms; only
    those keys are read from the text (``history_index.keys_sql``)."""
    packed, params = packed_rows_sql(connection, rows, words)
    return unpack_sql(connection, packed), params


def packed_rows_sql(
    connection, rows: HistoryRows, words: list[QueryWord], gate: str | None = None
) -> tuple[str, list]:
    """``rows_sql``'s rows before unpacking: (version_id, term, packed), a term's packed
    score as ``SearchRank.score`` holds it. ``gate``: SQL of a table expression of one row
    or none, read first: with none, no row is read (a condition on no row in the rows'
    ``WHERE`` was evaluated on each of them on SQLite)."""
    keys, params = keys_sql(connection, rows, words)
    key = 'e.term COLLATE "C"' if connection.vendor == "postgresql" else "e.term"
    matching = []
    for word in words:
        own, own_params = word_condition(key, word)
        compound, compound_params = compound_condition(key, word, connection)
        matching.append(f"({own} OR {compound})")
        params = [*params, *own_params, *compound_params]
    source = f"({keys}) e"
    if gate is not None:
        source = f"{gate} gate CROSS JOIN {source}"
    sql = (
        f"SELECT e.version_id AS version_id, {key} AS term, e.packed AS packed "
        f"FROM {source} WHERE {' OR '.join(matching)}"
    )
    return sql, params


def unpack_sql(connection, packed: str) -> str:
    """(version_id, term, field, count) rows, ``SearchTerm``'s columns, of the (version_id,
    term, packed) rows of ``packed`` (SQL): a row per field the term occurs in."""
    weight = " ".join(f"WHEN {int(f)} THEN {WEIGHTS[f]}" for f in SearchField)
    fields = " UNION ALL ".join(f"SELECT {int(f)} AS field" for f in SearchField)
    count = connection.ops.quote_name("count")
    unpacked = (
        f"SELECT p.version_id AS version_id, p.term AS term, f.field AS field, "
        f"p.packed / CASE f.field {weight} END %% {FIELD_SPAN} AS {count} "
        f"FROM ({packed}) p CROSS JOIN ({fields}) f"
    )
    return f"SELECT * FROM ({unpacked}) unpacked WHERE {count} > 0"


def all_rows_sql(
    connection,
    words: list[QueryWord],
    matching: tuple[str, list],
    among: QuerySet[DocumentVersion] | None = None,
    day: datetime.date | None = None,
) -> tuple[str, list]:
    """The rows that meet ``matching`` (a condition on ``SearchTerm``'s columns, and its
    parameters) among ``SearchTerm``'s and the unpacked history rows of the candidates
    for every word: a table expression with ``SearchTerm``'s columns, over every
    searchable version. The condition is applied to ``SearchTerm``'s part, so that its
    rows are read through its term index (applied only outside the ``UNION ALL``,
    PostgreSQL read them all; on PostgreSQL part by part, ``_current_rows_sql``); the
    history part unpacks only the words' terms.

    ``among``: the versions searched (``among_sql``). Only their history rows are read: a
    search on a past date looks at a fraction of the history, and unpacking the
    candidates is most of its cost. ``day``: the versions
    searched are in force that day (a past date), so only the rows in force then are
    candidates (``candidates``: found so through the index).
    """
    also = among_sql(among, connection) if among is not None else ("", [])
    history, params = rows_sql(connection, HistoryRows(day=day, also=also), words)
    current, current_params = _current_rows_sql(connection, words, matching)
    # The history part's rows meet it already: only the words' terms are unpacked.
    return f"{current} UNION ALL {history}", [*current_params, *params]


def among_sql(
    versions: QuerySet[DocumentVersion], connection, alias: str = "h"
) -> tuple[str, list]:
    """SQL on a history row (``alias``): its version is one of ``versions``, and the
    parameters. On SQLite a lookup of the row's version (``EXISTS``), so that the
    candidates the index finds drive the statement: given ``IN (…)`` SQLite built the list
    of every version searched first (75,000 superseded versions at the default size: 25 ms
    for a word 9 rows hold)."""
    versions = versions.order_by()
    if connection.vendor == "sqlite":
        found = versions.filter(pk=RawSQL(f"{alias}.version_id", ())).values("pk")
        sql, params = found.query.sql_with_params()
        return f"EXISTS ({sql})", list(params)
    sql, params = versions.values("pk").query.sql_with_params()
    return f"{alias}.version_id IN ({sql})", list(params)


# Parts of ``SearchTerm``'s rows read apart (below): more, and the conditions that keep
# them apart cost more to plan than the index-only scans save.
MAX_INDEX_PARTS = 6


def index_parts(term_c: str, words: list[QueryWord], connection) -> list[tuple[str, list]]:
    """Conditions on the term column whose OR is the words' rows (their own and their
    compounds', as ``matching`` is built), each one a single index range or list."""
    parts = []
    for word in words:
        if word.is_prefix:
            parts.append((f"{term_c} >= %s AND {term_c} < %s", [word.term, _successor(word.term)]))
            if word.whole:
                parts.append((_in_list(term_c, word.whole), list(word.whole)))
        else:
            parts.append((f"{term_c} = %s", [word.term]))
        parts.append(compound_condition(term_c, word, connection))
    return parts


def _current_rows_sql(
    connection, words: list[QueryWord], matching: tuple[str, list]
) -> tuple[str, list]:
    """``SearchTerm``'s rows that meet ``matching`` (the OR of the words' own and compound
    conditions), and the parameters. On PostgreSQL, as a ``UNION ALL`` of one index-only
    scan of the (term, version, field, count) index per part (``index_parts``), each
    without the rows of the parts before it: given the OR, PostgreSQL reads the rows' table
    through a bitmap instead (5,000 pages for 'rutin' at the default size: 27-118 ms
    against 6-8 ms)."""
    quote = connection.ops.quote_name
    select = (
        f"SELECT version_id, term, field, {quote('count')} "
        f"FROM {quote(SearchTerm._meta.db_table)} WHERE "
    )
    term_c = quote(SearchTerm._meta.get_field("term").column)
    parts = index_parts(term_c, words, connection)
    if connection.vendor != "postgresql" or len(parts) > MAX_INDEX_PARTS:
        return f"{select}{matching[0]}", list(matching[1])
    selects, params = [], []
    for i, (condition, condition_params) in enumerate(parts):
        earlier = parts[:i]
        if earlier:
            condition = f"({condition}) AND NOT ({' OR '.join(f'({c})' for c, _p in earlier)})"
        selects.append(f"{select}{condition}")
        params += [*condition_params, *(p for _c, ps in earlier for p in ps)]
    return " UNION ALL ".join(selects), params


# --- Conditions on term rows, shared by the searches ------------------------------------


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def word_condition(term_c: str, word: QueryWord) -> tuple[str, list]:
    """The condition on the term column a query word's rows meet, and its parameters (a
    prefix: a range, served by a btree, or one of the whole-word stems it completes to)."""
    if not word.is_prefix:
        return f"{term_c} = %s", [word.term]
    condition = f"({term_c} >= %s AND {term_c} < %s)"
    params = [word.term, _successor(word.term)]
    if word.whole:
        condition = f"({condition} OR {_in_list(term_c, word.whole)})"
        params.extend(word.whole)
    return condition, params


def whole_condition(term_c: str, word: QueryWord) -> tuple[str, list]:
    """The condition a word's rows of whole-word hits meet (all of an exact word's)."""
    if not word.is_prefix:
        return f"{term_c} = %s", [word.term]
    values = (word.term, *word.whole)
    return _in_list(term_c, values), list(values)


def packed_counts(field: SearchField) -> tuple[str, str]:
    """``summed_score``'s ``field_count`` of (version, term, packed) rows: every row holds
    every field, its count there cut from the packed score."""
    return "", f"(packed / {WEIGHTS[field]}) %% {FIELD_SPAN}"


def grouped_packed_sql(
    rows: str, rows_params: list, terms: list[QueryWord], connection
) -> tuple[str, list]:
    """(version, score) per version of ``rows`` (SQL of (version_id, term, packed) rows, the
    words' own and compound terms): scored as the grouped ranking scores the same rows
    unpacked, every word matched (``HAVING``, with more than one). Each field's count is
    read from the packed score (``FIELD_SPAN``) rather than from a row per field: the same
    sums, since every stored count is capped already."""
    term_c = "term"
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    own = [word_condition(term_c, word) for word in terms]
    score, score_params = summed_score(terms, own, term_c, least, packed_counts)
    sql = (
        f"SELECT version_id AS version, {score} AS {SCORE} FROM ({rows}) found GROUP BY version_id"
    )
    params = [*score_params, *rows_params]
    if len(terms) > 1:
        having, having_params = [], []
        for word, (condition, condition_params) in zip(terms, own, strict=True):
            compound, compound_params = compound_condition(term_c, word, connection)
            having.append(f"SUM(CASE WHEN {condition} OR {compound} THEN 1 ELSE 0 END) > 0")
            having_params += [*condition_params, *compound_params]
        sql += f" HAVING {' AND '.join(having)}"
        params += having_params
    return sql, params


def rows_by_field(field_c: str, count_c: str) -> Callable[[SearchField], tuple[str, str]]:
    """``summed_score``'s ``field_count`` for rows of one field each (a field column and a
    count column)."""
    return lambda field: (f"{field_c} = {int(field)}", count_c)


def summed_score(
    terms: list[QueryWord],
    conditions: list[tuple[str, list]],
    term_c: str,
    least: str,
    field_count: Callable[[SearchField], tuple[str, str]],
) -> tuple[str, list]:
    """The score of a version's rows as SQL, and its parameters: per word and field, the
    capped sum of the counts times the field's weight; in the title, whole-word hits apart
    at ``WHOLE_TITLE_WEIGHT``. Only the word's own rows (``conditions``) count: the rows
    of its compounds, read with them, score nothing. ``field_count(field)`` is how a row
    holds a field: the condition that it is the field's row ("" when every row holds every
    field) and the SQL of its count there."""
    select_parts, select_params = [], []

    def part(when: list[str], params: list, field: SearchField, weight: int) -> None:
        is_field, count = field_count(field)
        when = " AND ".join(c for c in [is_field, *when] if c)
        select_parts.append(
            f"{least}(SUM(CASE WHEN {when} THEN {count} ELSE 0 END), {COUNT_CAP}) * {weight}"
        )
        select_params.extend(params)

    for word, (condition, condition_params) in zip(terms, conditions, strict=True):
        whole, whole_params = whole_condition(term_c, word)
        both = [*condition_params, *whole_params]
        title = SearchField.TITLE
        part([condition, whole], both, title, WHOLE_TITLE_WEIGHT)
        if word.is_prefix:
            part([condition, f"NOT {whole}"], both, title, WEIGHTS[title])
        for field in (SearchField.SUMMARY, SearchField.TEXT):
            part([condition], condition_params, field, WEIGHTS[field])
    return " + ".join(select_parts), select_params

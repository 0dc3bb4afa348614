"""How a search finds the history rows (``SearchHistory``, ``documents.search.history``)
that may hold its words, and reads only the words' keys out of their text.

* The candidates (``candidates``): the rows that hold, for every query word, a term it
  may match (its own term, a prefix's terms, the whole-word stems it completes to, its
  compounds from ``SearchCompound``), and on a past day the rows in force that month.
  On PostgreSQL one tsquery of those terms (a prefix as a prefix lexeme ``'samverk':*``)
  against ``documents_history_lexemes(terms, in_force_from, in_force_until)``, the row's
  keys and its months in force as a tsvector, read through its GIN index (migrations
  ``documents.0033`` and ``0036``). On SQLite the same question to an FTS5 table of the
  rows' keys and months (``documents_history_keys``, migration ``0037``, kept in step by
  triggers): ``("rutin" OR …) AND ("@24299" OR "@")``. Both only narrow: the rows' dates
  decide the day, and the words' conditions decide which keys match.
* The words' keys of each candidate (``keys_sql``), as (version_id, term, packed) rows,
  without unpacking every key: on PostgreSQL the text is cut at each key start
  (``string_to_array``); on SQLite the keys read whole are found with ``instr``, and a
  prefix word's keys are the tokens in its range of a second index, whose tokens are the
  keys with their scores (``SCORES``, migration ``0039``), that a candidate holds: read
  from that index's vocabulary (``TERMS``), the row's text is not read.
* The index of the rows' keys, on both databases, also holds each row's status
  (``status_lexeme``: ``$superseded``), ``PUBLIC_LEXEME`` for a public document's row,
  and each key's tier (``rutin#102``: the key, ``TIER_MARK`` and its title and summary
  counts; migration ``0040``), which a one-word search among superseded or repealed
  versions reads to count its hits and find its best ones
  (``documents.search.history_top``). SQLite's index holds the rows' keys alone (not the
  numbers of their JSON text), as PostgreSQL's does: both answer a count exactly.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from ..models import SearchHistory
from .analysis import QueryWord
from .compounds import compound_sql
from .scoring import _successor

# On PostgreSQL, a history row's keys as a tsvector (migration ``documents.0033``): each key
# a lexeme as it is, nothing parsed or stemmed; its GIN index finds the candidates.
LEXEMES = "documents_history_lexemes"
# On SQLite, the rows' keys and months in an FTS5 table (migration ``documents.0037``): each
# a token, found by the rows' ids (its rowid is the row's ``version_id``).
KEYS = "documents_history_keys"
# On SQLite, the rows' keys with their packed scores in a second FTS5 table (migration
# ``documents.0039``): each key one token, its term, ``KEY_MARK`` and its packed score
# (``rutin_90001``; terms hold letters and digits only, so the first mark ends the term).
SCORES = "documents_history_scores"
KEY_MARK = "_"
# On SQLite, that index's (token, doc) pairs in token order (an fts5vocab table, migrations
# ``documents.0038`` and ``0039``).
TERMS = "documents_history_terms"
# A prefix word's keys are read through ``TERMS`` from this many letters on (SQLite).
VOCABULARY_PREFIX = 4


def _lexeme(term: str) -> str:
    """A term as a tsquery lexeme: quoted, as it is (no parsing, no stemming)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _lexeme_sql(column: str) -> str:
    """``_lexeme`` in SQL, of a text column."""
    return f"'''' || replace(replace({column}, '\\', '\\\\'), '''', '''''') || ''''"


def month_lexeme(day: datetime.date) -> str:
    """The lexeme of ``day``'s month among a history row's lexemes (``LEXEMES``): ``@`` and
    the months since year 0 (``@24299`` for December 2024); ``@`` alone marks a row in
    force without an end. Terms hold letters and digits only, so none is such a lexeme."""
    return f"@{day.year * 12 + day.month - 1}"


def lexemes_sql(alias: str = "h") -> str:
    """The indexed expression of a history row (``alias``): its keys, months in force,
    status, whether it is public and its keys' tiers as a tsvector (``LEXEMES``,
    PostgreSQL)."""
    return (
        f"{LEXEMES}({alias}.terms, {alias}.in_force_from, {alias}.in_force_until, "
        f"{alias}.status, {alias}.is_public)"
    )


def status_lexeme(status: str) -> str:
    """The token of a history row's status among its indexed tokens (``$superseded``,
    migration ``documents.0040``): terms hold letters and digits only."""
    return f"${status}"


# The token of a history row whose document is public (migration ``documents.0040``).
PUBLIC_LEXEME = "$public"

# A key's tier: its packed score over this (its counts in the title and the summary),
# among a history row's indexed tokens as ``key#tier`` (migration ``documents.0040``).
TIER = 100
TIER_MARK = "#"


def in_force_on(alias: str, day: datetime.date, connection) -> tuple[str, list]:
    """SQL on a history row (``alias``): in force on ``day``, and its parameters."""
    value = connection.ops.adapt_datefield_value(day)
    return (
        f"{alias}.in_force_from <= %s AND "
        f"({alias}.in_force_until IS NULL OR {alias}.in_force_until >= %s)",
        [value, value],
    )


def candidates(
    words: list[QueryWord],
    connection,
    alias: str = "h",
    day: datetime.date | None = None,
    row_id: str | None = None,
) -> tuple[str, list]:
    """SQL on a history row (``alias``) that holds, for every word, a term it may match:
    its term, a prefix's start or whole-word stems, or one of its compounds. Only
    narrows: the terms read are matched by the words' conditions. With ``day``, of the
    rows in force that day only (exactly: ``in_force_on``).

    PostgreSQL: one tsquery of every word's terms against the row's keys (``LEXEMES``,
    read through its GIN index); a prefix is a prefix lexeme, so the index finds exactly
    the rows with a term in its range; a day adds its month's lexeme (or ``@``, no end),
    so the index finds only the rows in force in that month. SQLite: the same question
    as an FTS5 query (``_query_sql``) to the table of the rows' keys and months
    (``KEYS``), whose row ids are the rows' versions (matched with ``row_id``, the row's
    ``version_id`` by default)."""
    parts = [_query_sql(word, connection) for word in words]
    return _indexed_sql(parts, connection, alias, day, row_id)


def _indexed_sql(
    parts: list[tuple[str, list]],
    connection,
    alias: str,
    day: datetime.date | None,
    row_id: str | None = None,
) -> tuple[str, list]:
    """SQL on a history row (``alias``) that the index finds for every one of ``parts``
    (each the SQL of an index query text, and its parameters), and on ``day`` in force.
    ``row_id``: on SQLite, the column the index's row ids are matched with (the row's
    ``version_id`` by default)."""
    syntax = _syntax(connection)
    texts = [sql for sql, _params in parts]
    params = [p for _sql, ps in parts for p in ps]
    if day:
        texts.append("%s")
        month, no_end = syntax.token(month_lexeme(day)), syntax.token("@")
        params.append(f"({month}{syntax.alternative}{no_end})")
    if not texts:
        raise ValueError("an index query needs terms or a day")
    text = f" || '{syntax.conjunction}' || ".join(texts)
    if connection.vendor == "postgresql":
        sql = f"{lexemes_sql(alias)} @@ CAST({text} AS tsquery)"
    else:
        row_id = row_id or f"{alias}.version_id"
        sql = f"{row_id} IN (SELECT rowid FROM {KEYS} WHERE {KEYS} MATCH {text})"
    if day:
        dated, dated_params = in_force_on(alias, day, connection)
        return f"{sql} AND {dated}", [*params, *dated_params]
    return sql, params


@dataclass(frozen=True)
class HistoryRows:
    """The history rows (alias ``h``) a search reads: the candidates of its words
    (``candidates``; with ``day``, those in force that day) that also meet ``also`` (SQL
    and its parameters: the versions searched, ``history.among_sql``); or, not
    ``indexed``, the rows ``also`` selects alone (one version's, looked up by id)."""

    day: datetime.date | None = None
    also: tuple[str, tuple] = ("", ())
    indexed: bool = True

    def where(
        self, words: list[QueryWord], connection, row_id: str | None = None
    ) -> tuple[str, list]:
        """The rows as SQL on ``h``, and its parameters. ``row_id``: on SQLite, the column
        matched with the index's row ids (``h.version_id`` by default)."""
        if not self.indexed:
            return self._with_also(None)
        return self._with_also(candidates(words, connection, day=self.day, row_id=row_id))

    def in_range(self, words: list[QueryWord], connection, row_id: str) -> tuple[str, list]:
        """The rows whose keys in a prefix word's range the vocabulary gives (SQLite,
        ``row_id`` the vocabulary's row): with one word, a row with a key in the range is a
        candidate already, so the index is asked only for the day's month; with more,
        ``where``."""
        if len(words) != 1 or not self.indexed:
            return self.where(words, connection, row_id)
        if self.day is None:
            return self._with_also(None)
        return self._with_also(_indexed_sql([], connection, "h", self.day, row_id))

    def holding(
        self, words: list[QueryWord], keys: tuple[str, list], connection
    ) -> tuple[str, list]:
        """Of the rows, those that hold one of ``keys`` (the SQL of an index query text of
        the keys a search reads whole, in parentheses, and its parameters: every key is a
        term of some word, or of its compounds). One word's candidates holding such a key
        are the rows the index finds for the keys alone (and the day's month): the word's
        own query (a prefix's, a common word's: 36,000 rows for 'rutin') is not read for
        them."""
        if not self.indexed:
            return self._with_also(_indexed_sql([keys], connection, "h", None))
        others = [] if len(words) == 1 else [_query_sql(word, connection) for word in words]
        return self._with_also(_indexed_sql([keys, *others], connection, "h", self.day))

    def _with_also(self, found: tuple[str, list] | None) -> tuple[str, list]:
        conditions = [c for c in (found, self.also if self.also[0] else None) if c is not None]
        if not conditions:
            return "1 = 1", []
        # Each is a conjunction already: no parentheses (SQLite's parser nests at most so deep).
        sql = " AND ".join(condition for condition, _params in conditions)
        return sql, [p for _condition, params in conditions for p in params]


def prefilter(word: QueryWord, connection, alias: str = "h") -> tuple[str, list]:
    """SQL on a history row (``alias``) that holds a term the word may match: one word's
    ``candidates``."""
    return candidates([word], connection, alias)


def rebuild_index(connection) -> None:
    """SQLite: fill the FTS5 tables of the history rows' keys and months (``KEYS``) and of
    their keys with scores (``SCORES``) again from the history table (a repair, should
    they have drifted; their triggers keep them in step). On PostgreSQL nothing: its index
    is an expression index, which cannot drift."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in (KEYS, SCORES):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def check_index(connection) -> None:
    """SQLite: raise ``DatabaseError`` unless the FTS5 tables hold exactly the tokens of the
    history rows as they are (FTS5's ``integrity-check`` against their content)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in (KEYS, SCORES):
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def _fts_phrase_sql(column: str) -> str:
    """A text column as an FTS5 string (double quotes doubled), in SQL."""
    return f"'\"' || replace({column}, '\"', '\"\"') || '\"'"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@dataclass(frozen=True)
class _Syntax:
    """How a database's index is asked for terms: a term as a token, and SQL of a column
    as one; the marks of a prefix, of "or" and of "and"; the text aggregate."""

    token: Callable[[str], str]
    token_sql: Callable[[str], str]
    prefix: str
    alternative: str
    conjunction: str
    aggregate: str


_TSQUERY = _Syntax(_lexeme, _lexeme_sql, ":*", " | ", " & ", "string_agg")
_FTS5 = _Syntax(_fts_phrase, _fts_phrase_sql, "*", " OR ", " AND ", "group_concat")


def _syntax(connection) -> _Syntax:
    return _TSQUERY if connection.vendor == "postgresql" else _FTS5


def _query_sql(word: QueryWord, connection) -> tuple[str, list]:
    """The word's terms as the index's query text (SQL): its term (a prefix
    ``'samverk':*`` on PostgreSQL, ``"samverk"*`` on SQLite), the whole-word stems it
    completes to, and its compounds' terms (read from ``SearchCompound`` within the
    statement), OR-ed."""
    syntax = _syntax(connection)
    own = syntax.alternative.join(
        [syntax.token(word.term) + (syntax.prefix if word.is_prefix else "")]
        + [syntax.token(stem) for stem in word.whole]
    )
    compounds, params = compound_sql(word, connection)
    text = (
        f"'(' || %s || COALESCE((SELECT {syntax.aggregate}('{syntax.alternative}' || "
        f"{syntax.token_sql('c.term')}, '') FROM ({compounds}) c), '') || ')'"
    )
    return text, [own, *params]


def _exact_starts_sql(words: list[QueryWord], connection) -> tuple[str, list]:
    """The keys read whole, as a table (``start``): an exact word's term, the whole-word
    stems a prefix completes to, and every word's compounds' terms; none in a prefix
    word's range, as the prefix's own reading finds those (most of a short prefix's
    compounds begin with it, and nearly every candidate holds one: 'sam' among superseded
    versions on SQLite, 1,213 ms reading them twice against 810 ms)."""
    rows, params = [], []
    for word in words:
        for term in ([] if word.is_prefix else [word.term]) + list(word.whole):
            rows.append("SELECT CAST(%s AS text) AS start")
            params.append(term)
        compounds, compound_params = compound_sql(word, connection)
        rows.append(f"SELECT CAST(c.term AS text) AS start FROM ({compounds}) c")
        params += compound_params
    starts = " UNION ".join(rows)
    prefixes = [word.term for word in words if word.is_prefix]
    if not prefixes:
        return starts, params
    within = " OR ".join(["(x.start >= %s AND x.start < %s)"] * len(prefixes))
    bounds = [value for term in prefixes for value in (term, _successor(term))]
    return f"SELECT x.start AS start FROM ({starts}) x WHERE NOT ({within})", [*params, *bounds]


def _cut_sql(starts: str, exact: bool, where: str) -> str:
    """PostgreSQL: ``keys_sql``'s rows of the history rows (``h``) that meet ``where``,
    cut at each of ``starts`` (SQL of a text array), read as exact keys or as prefixes.
    Exact keys: a text without the start is not cut (``strpos`` first: a row holds some of
    them, and cutting copies the text); a prefix: cut at once (nearly every candidate
    holds it, and ``strpos`` reads the text too)."""
    table = SearchHistory._meta.db_table
    rest = "split_part(p.piece, '\"', 1)"
    value = "rtrim(split_part(split_part(p.piece, '\":', 2), ',', 1), '}')"
    pieces = "(string_to_array(h.terms, '\"' || n.start))[2:]"
    if exact:
        pieces = f"CASE WHEN strpos(h.terms, '\"' || n.start) > 0 THEN {pieces} END"
    return (
        f"SELECT h.version_id AS version_id, n.start || {rest} AS term, "
        f"CAST({value} AS INTEGER) AS packed FROM {table} h CROSS JOIN unnest({starts}) n(start) "
        f"CROSS JOIN LATERAL unnest({pieces}) p(piece) "
        f"WHERE {f'{rest} = {chr(39) * 2}' if exact else 'TRUE'} AND ({where})"
    )


def _postgresql_keys_sql(connection, rows: HistoryRows, words: list[QueryWord]) -> tuple[str, list]:
    """PostgreSQL: ``(version_id, term, packed)`` of the words' keys in the history rows
    ``rows``, read from the text without parsing its JSON: the text cut at each
    ``"start`` (``string_to_array``, one pass per start), each piece after a cut the rest
    of a key that begins so, ``":`` and its packed score. Terms hold no ``"`` (letters and
    digits, ``analysis``), so every cut is at a key's start. About a tenth of the cost of
    unpacking every key (``json_each_text``). No key is reached twice: the keys read whole
    are distinct and none in a prefix word's range (``_exact_starts_sql``), a key is in a
    text once, and a query has one prefix word.

    The starts are arrays, computed once per statement (as a table expression PostgreSQL
    planned them again for every candidate row). A prefix word's term is cut in every
    candidate; the keys read whole (``_exact_starts_sql``) only in the candidates that hold
    one of them, found through the lexeme index (``HistoryRows.holding``): each cut copies
    the text, and most candidates of a prefix hold none of its compounds (164 of 3,598 for
    'rutin' on a past date at the default size)."""
    exact, exact_params = _exact_starts_sql(words, connection)
    whole = f"ARRAY(SELECT start FROM ({exact}) s)"
    held = (
        f"COALESCE((SELECT '(' || string_agg({_lexeme_sql('s.start')}, ' | ') || ')' "
        f"FROM ({exact}) s), "
        f"{_lexeme(_lexeme(chr(34)))})"
    )
    holding, holding_params = rows.holding(words, (held, exact_params), connection)
    by_key = _cut_sql(whole, True, holding)
    prefixes = [word.term for word in words if word.is_prefix]
    if not prefixes:
        return by_key, [*exact_params, *holding_params]
    where, where_params = rows.where(words, connection)
    by_prefix = _cut_sql(f"ARRAY[{', '.join(['CAST(%s AS text)'] * len(prefixes))}]", False, where)
    sql = f"{by_prefix} UNION ALL {by_key}"
    return sql, [*prefixes, *where_params, *exact_params, *holding_params]


def _sqlite_key_at(row: str, key: str) -> str:
    """SQLite: where the key ``key`` (SQL) starts in the history row ``row``'s text, 0 if
    the row has no such key."""
    return f"instr({row}.terms, '\"' || {key} || '\":')"


def key_packed_sql(connection, row: str, key: str) -> str:
    """SQL of the packed score of the key ``key`` (SQL of a term) in the history row
    ``row``'s text, read where ``"key":`` is (the row must hold the key)."""
    if connection.vendor == "postgresql":
        return (
            f"CAST(rtrim(split_part(split_part({row}.terms, '\"' || {key} || '\":', 2), "
            "',', 1), '}') AS INTEGER)"
        )
    return f"CAST(substr({row}.terms, {_sqlite_key_at(row, key)} + length({key}) + 3) AS INTEGER)"


def keys_sql(connection, rows: HistoryRows, words: list[QueryWord]) -> tuple[str, list]:
    """``(version_id, term, packed)`` of the words' keys (and of keys near them: a key a
    prefix reaches, a compound's) in the history rows ``rows``, each key once; the
    callers apply the words' conditions."""
    if connection.vendor == "postgresql":
        return _postgresql_keys_sql(connection, rows, words)
    return _sqlite_keys_sql(connection, rows, words)


def _sqlite_keys_sql(connection, rows: HistoryRows, words: list[QueryWord]) -> tuple[str, list]:
    """SQLite: ``keys_sql``'s rows. The keys read whole (``_exact_starts_sql``): in a
    one-word search of any day, each key's tokens from the vocabulary of the keys with
    their scores (``_sqlite_whole_keys_sql``); else found in the text with ``instr``
    (``"key":``; the packed score is the number after it, which ``CAST`` reads), only in
    the rows the index says hold one of them (``HistoryRows.holding``): a day's month or
    another word may leave few of a key's rows, where the vocabulary reads them all. A
    prefix word's keys through the vocabulary (``_sqlite_prefix_keys_sql``)."""
    table = SearchHistory._meta.db_table
    exact, exact_params = _exact_starts_sql(words, connection)
    if len(words) == 1 and rows.indexed and rows.day is None:
        sql, params = _sqlite_whole_keys_sql(connection, rows, words, (exact, exact_params))
    else:
        held = (
            f"COALESCE((SELECT '(' || group_concat({_fts_phrase_sql('s.start')}, ' OR ') "
            f"|| ')' FROM ({exact}) s), '\"\"')"
        )
        holding, holding_params = rows.holding(words, (held, exact_params), connection)
        found = _sqlite_key_at("h", "n.start")
        sql = (
            f"SELECT h.version_id AS version_id, n.start AS term, "
            f"{key_packed_sql(connection, 'h', 'n.start')} AS packed "
            f"FROM {table} h CROSS JOIN ({exact}) n WHERE {found} > 0 AND {holding}"
        )
        params = [*exact_params, *holding_params]
    prefixes = [word for word in words if word.is_prefix]
    if prefixes:
        by_prefix, prefix_params = _sqlite_prefix_keys_sql(connection, rows, words, prefixes)
        sql = f"{by_prefix} UNION ALL {sql}"
        params = [*prefix_params, *params]
    return sql, params


def _sqlite_whole_keys_sql(
    connection, rows: HistoryRows, words: list[QueryWord], exact: tuple[str, list]
) -> tuple[str, list]:
    """SQLite: the keys read whole (``exact``: SQL of a table of ``start``, and its
    parameters) of one word's rows ``rows``, each key's tokens (``key_90001``) a range of
    the vocabulary of the keys with their scores, read key by key (``CROSS JOIN`` keeps
    that order: the other way round is a scan of the whole vocabulary). For 'rutin' among
    superseded versions at the default size, its compound's 2,801 rows: the statement 1.08
    against 1.18 billion instructions through ``instr``; on a past date, where the month
    leaves 303 of them, 31 against 10 million, so a day reads them through ``instr``."""
    table = SearchHistory._meta.db_table
    where, where_params = rows.in_range(words, connection, row_id="v.doc")
    after = _successor(KEY_MARK)
    sql = (
        f"SELECT v.doc AS version_id, n.start AS term, "
        f"CAST(substr(v.term, length(n.start) + 2) AS INTEGER) AS packed "
        f"FROM ({exact[0]}) n CROSS JOIN {TERMS} v CROSS JOIN {table} h ON h.version_id = v.doc "
        f"WHERE v.term >= n.start || '{KEY_MARK}' AND v.term < n.start || '{after}' AND {where}"
    )
    return sql, [*exact[1], *where_params]


def _sqlite_prefix_keys_sql(
    connection, rows: HistoryRows, words: list[QueryWord], prefixes: list[QueryWord]
) -> tuple[str, list]:
    """SQLite: the keys in a prefix word's range of the rows ``rows``. Of the candidates,
    the (token, row) pairs in the range from the vocabulary of the keys with their scores
    (``TERMS``: read in token order, kept where the row is a candidate,
    ``HistoryRows.in_range``), each token a key's term, ``KEY_MARK`` and its packed score:
    the row's text is not read. For 'rutin' on a past date at the default size: 122
    million instructions, against 350 when each score was read from the row's text with
    ``instr`` (CPU then 30 ms; 31-36 unpacking every key of every candidate with
    ``json_each``, 300,000 keys for 3,434).

    Unpacked instead: one row's keys (not ``indexed``: the vocabulary's range is of every
    row), and a prefix shorter than ``VOCABULARY_PREFIX``, whose range holds many terms in
    every row (CPU, default size: 'sam' on a past date 67 ms unpacked against 96 through
    the vocabulary, 'kon' 64 against 67; from four letters on the vocabulary is faster,
    'samv' 36 against 54, among superseded versions 141 against 370)."""
    table = SearchHistory._meta.db_table
    bounds = [value for word in prefixes for value in (word.term, _successor(word.term))]
    if not rows.indexed or any(len(word.term) < VOCABULARY_PREFIX for word in prefixes):
        where, where_params = rows.where(words, connection)
        ranges = " OR ".join(["(e.key >= %s AND e.key < %s)"] * len(prefixes))
        sql = (
            "SELECT h.version_id AS version_id, e.key AS term, CAST(e.value AS INTEGER) AS packed "
            f"FROM {table} h CROSS JOIN json_each(h.terms) e WHERE ({where}) AND ({ranges})"
        )
        return sql, [*where_params, *bounds]
    where, where_params = rows.in_range(words, connection, row_id="v.doc")
    ranges = " OR ".join(["(v.term >= %s AND v.term < %s)"] * len(prefixes))
    mark = f"instr(v.term, '{KEY_MARK}')"
    sql = (
        f"SELECT v.doc AS version_id, substr(v.term, 1, {mark} - 1) AS term, "
        f"CAST(substr(v.term, {mark} + 1) AS INTEGER) AS packed "
        f"FROM {TERMS} v CROSS JOIN {table} h ON h.version_id = v.doc "
        f"WHERE ({ranges}) AND {where}"
    )
    return sql, [*bounds, *where_params]

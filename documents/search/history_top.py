"""A one-word search among superseded or repealed versions, read from its best tiers.

The grouped ranking (``ranking.RankedHits``) scores every hit: 'rutin' among superseded
versions has 37,435 at the generated municipality's default size, each a history row whose
key is read from its text and whose version is looked up for its status (0.13-0.18 s).
A page needs only the total and the best hits. When one term alone scores the word (its
only own term: the dictionary of history terms, ``SearchHistoryKey``, holds no other in
its range or among its whole-word stems) and the versions searched are those of some
statuses (the register's status filter, nothing else; of public documents only in an
anonymous visitor's register), the index of the history rows' keys answers both
(migration ``documents.0040``):

* the total: the rows that hold the word (its term, or a compound of it) and one of the
  statuses (``$superseded``; and ``$public`` for a visitor) are counted in the index;
* the best hits: the index also holds each key's tier, its counts in the title and the
  summary (``rutin#102``: once in the title, twice in the summary). With one term, a hit's
  score is its title count times the title's weight (the whole-word weight for a whole
  word), plus the summary's and the text's; the text's count (at most 9) never outweighs
  one more in the summary, so a hit of a higher tier scores more than any of a lower one.
  The tiers are counted from the highest down until they hold the page's last hit; only
  their rows are read and scored, and only those are looked up for their order.

The same hits, scores and order as the grouped ranking, in one statement. When the tiers
do not reach the page's last hit (hits with neither a title nor a summary count, or found
only through a compound, score below every tier), or the word has more than one own term,
the statement says so and the grouped ranking answers instead.
"""

from __future__ import annotations

from django.db import connections

from ..models import SearchField, SearchHistory, SearchHistoryKey
from .analysis import QueryWord
from .compounds import compound_sql
from .history import word_condition
from .history_index import (
    KEYS,
    PUBLIC_LEXEME,
    TIER,
    TIER_MARK,
    _lexeme,
    _syntax,
    key_packed_sql,
    lexemes_sql,
    status_lexeme,
)
from .hits import reached_page_sql
from .scoring import COUNT_CAP, FIELD_SPAN, SCORE, WEIGHTS, _promoted

# The statuses whose versions have history rows only (the register's "no longer valid").
STATUSES = ("superseded", "repealed")

# In ``top_rows``' statement with the grouped rows: one row where the tiers cannot answer,
# none where they can (the grouped rows' gate, ``ranking._history_scores_sql``).
NOT_COVERED = "(SELECT 1 AS open FROM state WHERE covered = 0)"

# A word with at most this many hits has those with a tier counted before the tiers are
# walked: when they cannot reach the page (most of a rare word's hits are in the text
# only), the tiers are not walked (99 probes); a common word's are not counted (33,330 for
# 'rutin' at the default size: 12 ms on PostgreSQL, which reads each row to count it).
FEW = 2000

# The most rows a page is read from (its tiers'): a page deep in a large tier is scored
# faster with every hit by the grouped ranking.
MAX_READ = 2000

# Every tier, best first: the title's count, then the summary's (a key with neither has
# no tier).
TIERS = [
    title * TIER + summary
    for title in range(COUNT_CAP, -1, -1)
    for summary in range(COUNT_CAP, -1, -1)
    if title or summary
]
assert WEIGHTS[SearchField.SUMMARY] == TIER and WEIGHTS[SearchField.TITLE] == FIELD_SPAN * TIER


def applies(words: list[QueryWord], statuses: tuple[str, ...] | None) -> bool:
    """Whether a search of ``words`` among the versions of ``statuses`` may be read from
    the tiers (then ``top_rows`` decides whether it is)."""
    return len(words) == 1 and bool(statuses) and all(status in STATUSES for status in statuses)


def top_rows(
    using: str,
    word: QueryWord,
    statuses: tuple[str, ...],
    versions: tuple[str, list],
    columns: list[tuple[str, bool]],
    offset: int,
    limit: int,
    grouped: tuple[str, list] | None = None,
    public_only: bool = False,
) -> tuple[list[tuple[int, int, int]], int | None] | None:
    """``Hits.rows`` of ``word`` among the versions of ``statuses`` from ``offset``, at most
    ``limit``, and the total (None when not known: a page past the hits); None when the
    tiers cannot answer (see the module). The versions searched must be exactly those of
    ``statuses`` (``public_only``: of the public documents only): ``versions`` (SQL of
    them as a table expression with the id as ``_id``
    and the ordering columns, and its parameters) orders the hits of equal score by
    ``columns`` (each a name and whether descending), then the id. ``grouped``: the
    grouped ranking's (version, score) rows (SQL and parameters), which then answer in the
    same statement where the tiers cannot. One query."""
    connection = connections[using]
    sql, params = _statement(
        connection, word, statuses, versions, columns, offset, limit, public_only
    )
    if grouped is not None:
        page, page_params = reached_page_sql(grouped, versions, columns, offset, limit)
        sql = (
            f"{sql} UNION ALL SELECT g.version, g.{SCORE}, g.total, 0, g.pos FROM ({page}) g "
            "WHERE (SELECT covered FROM state) = 0 ORDER BY 5"
        )
        params = [*params, *page_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if found and found[0][3]:
        total = found[0][2]
        return [(row[0], row[1], total) for row in found if row[0] is not None], total
    if grouped is None:
        return None
    rows = [(row[0], row[1], row[2]) for row in found]
    return rows, rows[0][2] if rows else None


def _statement(
    connection,
    word: QueryWord,
    statuses: tuple[str, ...],
    versions: tuple[str, list],
    columns: list[tuple[str, bool]],
    offset: int,
    limit: int,
    public_only: bool = False,
) -> tuple[str, list]:
    """``top_rows``' statement and its parameters: the word's own terms (``one``: one term
    ``k``, whether it is a whole word), the tiers counted best first until they hold the
    page's last hit (``walk``), whether they do and the total (``state``), the rows of
    those tiers scored (``scored``) and the page of them in order (``page``); a row of the
    total and whether the tiers hold the page first, with the page's rows if any."""
    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    syntax = _syntax(connection)
    aggregate = "string_agg" if postgresql else "group_concat"
    held = quote(SearchHistoryKey._meta.db_table)
    table = quote(SearchHistory._meta.db_table)
    own, own_params = word_condition("term", word)
    whole = (word.term, *word.whole)
    statuses_text = (
        "("
        + syntax.alternative.join(syntax.token(status_lexeme(status)) for status in statuses)
        + ")"
    )
    if public_only:
        statuses_text += syntax.conjunction + syntax.token(PUBLIC_LEXEME)
    # The word's hits: its one term, or a compound of it, as the index's query text.
    compounds, word_params = compound_sql(word, connection)
    word_text = (
        f"'(' || {syntax.token_sql('o.k')} || COALESCE((SELECT {aggregate}("
        f"'{syntax.alternative}' || {syntax.token_sql('c.term')}, '') "
        f"FROM ({compounds}) c), '') || ')'"
    )
    tiers = ", ".join(f"({i}, {tier})" for i, tier in enumerate(TIERS, 1))
    nothing = _lexeme(_lexeme('"')) if postgresql else "'\"\"'"

    def tier_token(tier: str) -> str:
        # The index's query text of the one term's tier ``tier`` (SQL).
        return syntax.token_sql(f"o.k || '{TIER_MARK}' || CAST({tier} AS text)")

    def and_statuses(text: str) -> str:
        return f"{text} || '{syntax.conjunction}' || %s"

    def matching(text: str) -> str:
        # The history rows (``h``) the index finds for the query text ``text`` (SQL).
        if postgresql:
            return f"{lexemes_sql('h')} @@ CAST({text} AS tsquery)"
        return f"h.version_id IN (SELECT rowid FROM {KEYS} WHERE {KEYS} MATCH {text})"

    def counted(text: str) -> str:
        if postgresql:
            return f"(SELECT COUNT(*) FROM {table} h WHERE {matching(text)})"
        return f"(SELECT COUNT(*) FROM {KEYS} WHERE {KEYS} MATCH {text})"

    next_tier = "(SELECT t.t FROM tiers t WHERE t.i = w.i + 1)"
    # Any tier of the term: a prefix of its tiers' tokens.
    all_tiers = syntax.token_sql(f"o.k || '{TIER_MARK}'") + f" || '{syntax.prefix}'"
    reached_tiers = (
        f"COALESCE((SELECT '(' || {aggregate}({tier_token('t.t')}, "
        f"'{syntax.alternative}') || ')' FROM tiers t CROSS JOIN one o "
        "WHERE t.i >= (SELECT start FROM state) AND t.i <= (SELECT depth FROM state)), "
        f"{nothing})"
    )
    packed = key_packed_sql(connection, "h", "o.k")
    # With one term, a hit's score is its packed score, the title's count promoted for a
    # whole word (as a kept rank row's).
    score = f"CASE WHEN p.whole = 1 THEN {_promoted('p.packed')} ELSE p.packed END"
    # Each row's ordering columns looked up by its version (a join made SQLite read every
    # version of the status first: 4 ms for 171 rows).
    looked_up = "".join(
        f", (SELECT v.{name} FROM {versions[0]} v WHERE v._id = p.version) AS {name}"
        for name, _descending in columns
    )
    order = "".join(f"s.{name} {'DESC' if descending else 'ASC'}, " for name, descending in columns)
    sql = (
        f"WITH RECURSIVE tiers(i, t) AS (VALUES {tiers}), "
        "one AS MATERIALIZED (SELECT MIN(term) AS k, COUNT(*) AS n, "
        f"MAX(CASE WHEN term IN ({', '.join(['%s'] * len(whole))}) THEN 1 ELSE 0 END) AS whole "
        f"FROM {held} WHERE {own}), "
        # The hits (the word's term or a compound of it), and those with a tier.
        f"totals AS MATERIALIZED (SELECT CASE WHEN o.n = 1 THEN {counted(and_statuses(word_text))} "
        "ELSE 0 END AS total FROM one o), "
        f"counts AS MATERIALIZED (SELECT t.total AS total, CASE WHEN o.n = 1 AND t.total <= {FEW} "
        f"THEN {counted(and_statuses(all_tiers))} END AS tiered FROM totals t CROSS JOIN one o), "
        # The tiers from the best, each with the hits up to its end, until they reach the
        # page's last hit or hold every hit with a tier; not at all if they cannot reach it.
        "walk(i, reached) AS (SELECT 0, CAST(0 AS bigint) UNION ALL "
        f"SELECT w.i + 1, w.reached + {counted(and_statuses(tier_token(next_tier)))} "
        "FROM walk w CROSS JOIN one o CROSS JOIN counts c WHERE o.n = 1 AND w.reached < %s "
        "AND (c.tiered IS NULL OR w.reached < c.tiered AND (c.tiered >= %s OR c.tiered = c.total)) "
        f"AND w.i < {len(TIERS)}), "
        # The last tier counted, and the first that holds the page's first hit.
        "ends AS (SELECT o.n AS n, (SELECT MAX(i) FROM walk) AS depth, "
        "(SELECT MIN(w.i) FROM walk w WHERE w.reached > %s) AS start FROM one o), "
        "bounds AS (SELECT e.n AS n, e.start AS start, e.depth AS depth, "
        "(SELECT w.reached FROM walk w WHERE w.i = e.depth) AS reached, "
        "(SELECT w.reached FROM walk w WHERE w.i = e.start - 1) AS before FROM ends e), "
        "state AS MATERIALIZED (SELECT b.start AS start, b.depth AS depth, b.before AS before, "
        "CASE WHEN b.n = 1 AND (b.reached >= %s OR b.reached = (SELECT total FROM counts)) "
        f"AND (b.start IS NULL OR b.reached - b.before <= {MAX_READ}) "
        "THEN 1 ELSE 0 END AS covered, "
        "(SELECT total FROM counts) AS total FROM bounds b), "
        f"found AS (SELECT h.version_id AS version, {packed} AS packed, o.whole AS whole "
        f"FROM {table} h CROSS JOIN one o WHERE (SELECT covered FROM state) = 1 "
        f"AND {matching(and_statuses(reached_tiers))}), "
        f"scored AS (SELECT p.version AS version, {score} AS {SCORE}{looked_up} FROM found p), "
        f"page AS (SELECT r.version AS version, r.{SCORE} AS {SCORE}, r.pos AS pos FROM "
        f"(SELECT s.version AS version, s.{SCORE} AS {SCORE}, (SELECT before FROM state) "
        "+ ROW_NUMBER() OVER "
        f"(ORDER BY s.{SCORE} DESC, {order}s.version ASC) AS pos FROM scored s) r "
        "WHERE r.pos > %s AND r.pos <= %s) "
        f"SELECT page.version, page.{SCORE}, s.total, s.covered, page.pos FROM state s "
        "LEFT JOIN page ON 1 = 1 WHERE s.covered = 1"
    )
    reach = offset + limit
    params = [
        *whole,
        *own_params,
        *word_params,
        statuses_text,  # counts: the total
        statuses_text,  # counts: the hits with a tier
        statuses_text,  # walk: each tier's count
        reach,
        reach,
        offset,  # ends: the tier of the page's first hit
        reach,  # state: covered
        statuses_text,  # found
        *(value for _column in columns for value in versions[1]),  # scored
        offset,
        reach,
    ]
    return sql, params

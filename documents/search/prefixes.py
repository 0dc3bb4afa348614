"""Prefix groups: the grouped rank rows of the prefixes that cover many terms."""

from __future__ import annotations

import itertools
import os

from django.db import connections, transaction
from django.db.models import OuterRef, Subquery

from config.compiled_query import CompiledQuery, CompiledUpdate, statement_cursor

from ..models import (
    RANK_DOCUMENT_COLUMNS,
    RANK_VERSION_COLUMNS,
    SearchPrefix,
    SearchPrefixRank,
    SearchRank,
)
from .analysis import MIN_PREFIX_LENGTH
from .scoring import _packed_split_sum, _successor

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
# versions; a prefix with fewer hits is grouped when searched (from SearchRank's rows of
# its range). 12,000 (1,000 until migration documents.0028): at the generated
# municipality's default size the 24 groups above it hold a third of the rows of the 170
# above 1,000 (340,000 of 1.09 million, about 130 of 416 MB), for the index's 1 GB.
PREFIX_MIN_VERSIONS = 12_000


def _lock_prefixes() -> bool:
    """Wait for any other transaction that changes the groups or their spans: after this,
    each statement sees the groups as they committed (READ COMMITTED). Returns whether
    there are any: without groups there are no group rows to keep (a register too small
    to have a prefix with ``PREFIX_MIN_VERSIONS``, or not yet reindexed)."""
    return bool(_LOCK.run(using=SearchPrefix.objects.db))


# Compiled once per process (config/compiled_query.py): every publication locks the groups
# (their keys read as tuples: no model instances).
_LOCK = CompiledQuery(lambda: SearchPrefix.objects.select_for_update().values_list("pk"), ids=())


def _rank_prefixes(version_ids: list[int] | None, *, unranked: bool = False) -> None:
    """Rebuild the versions' ``SearchPrefixRank`` rows (every version's, with None) from
    their rank rows, then the groups' spans. ``unranked``: the versions have none yet."""
    connection = connections[SearchPrefixRank.objects.db]
    key = (connection.alias, None if version_ids is None else len(version_ids))
    sql = _PREFIX_INSERTS.get(key)
    if sql is None:
        sql = _PREFIX_INSERTS[key] = _prefix_insert_sql(connection, key[1])
    if not (unranked and version_ids):
        rows = SearchPrefixRank.objects.all()
        if version_ids is not None:
            rows = rows.filter(version__in=version_ids)
        rows.delete()
    statement_cursor(connection).execute(sql, [] if version_ids is None else list(version_ids))
    _span_prefixes()


# The INSERT of the prefix groups' rows, by database and number of versions (None: all),
# built once: every publication runs it.
_PREFIX_INSERTS: dict[tuple[str, int | None], str] = {}


def _prefix_insert_sql(connection, versions: int | None) -> str:
    """The INSERT of the groups' rows of ``versions`` versions (their ids its parameters),
    or of every version's (None)."""
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
    narrowed = ""
    if versions is not None:
        narrowed = f" WHERE {version} IN ({', '.join(['%s'] * versions)})"
    term, prefix = f"r.{column(rank, 'term')}", f"g.{column(group, 'prefix')}"
    # The group's own prefix, where it is a term, counts as the whole word typed.
    score = _packed_split_sum(f"r.{column(rank, 'score')}", least, f"{term} = {prefix}")
    return (
        f"INSERT INTO {quote(grouped.db_table)} ({targets}) "
        f"SELECT {version}, {prefix}, {score}, "
        f"{copied} FROM {quote(group.db_table)} g INNER JOIN {quote(rank.db_table)} r "
        f"ON {term} >= {prefix} AND {term} < g.{column(group, 'upper')}{narrowed} "
        f"GROUP BY {version}, {prefix}, {copied}"
    )


def _spans() -> tuple:
    terms = SearchRank.objects.filter(term__gte=OuterRef("prefix"), term__lt=OuterRef("upper"))
    return SearchPrefix.objects.all(), {
        "lowest": Subquery(terms.order_by("term").values("term")[:1]),
        "highest": Subquery(terms.order_by("-term").values("term")[:1]),
    }


# Compiled once per process (config/compiled_query.py): every publication runs it.
_SPANS = CompiledUpdate(_spans, ids=())


def _span_prefixes() -> None:
    """Each group's lowest and highest term, from the rank rows (two index seeks each)."""
    _SPANS.run(using=SearchPrefix.objects.db)


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

"""The history rows a search selects (``documents.search.history_index.candidates``), read
the way the history index's tests ask: through the index, which the plan must show (on
PostgreSQL with sequential scans off; on SQLite the FTS5 table)."""

from __future__ import annotations

import datetime

from django.db import connection, transaction

from documents.models import SearchCompound, SearchHistory
from documents.search.analysis import QueryWord, query_terms
from documents.search.compounds import part_q
from documents.search.history import unpack
from documents.search.history_index import KEYS, candidates


def history_by_index(q: str | QueryWord, day: datetime.date | None = None) -> set[int]:
    """The version ids of the history rows ``candidates`` selects for ``q`` (on ``day``)."""
    words = [q] if isinstance(q, QueryWord) else query_terms(q)
    sql, params = candidates(words, connection, day=day)
    query = f"SELECT h.version_id FROM {SearchHistory._meta.db_table} h WHERE {sql}"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {query}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "documents_history_lexemes" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {query}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert f"{KEYS} VIRTUAL TABLE" in plan, plan
        cursor.execute(query, params)
        return {row[0] for row in cursor.fetchall()}


def history_holding(q: str, among: set[int] | None = None) -> set[int]:
    """The version ids (of ``among``, if given) of the history rows with a term of every
    word of ``q`` (its own or a compound's), read in Python from the rows' text: what the
    index must find."""
    words = query_terms(q)
    compounds = {
        word: set(SearchCompound.objects.filter(part_q(word)).values_list("term", flat=True))
        for word in words
    }
    found = set()
    for version_id, terms in SearchHistory.objects.values_list("version_id", "terms"):
        if among is not None and version_id not in among:
            continue
        held = {term for term, _field, _count in unpack(terms)}
        if all(any(w.matches(t) or t in compounds[w] for t in held) for w in words):
            found.add(version_id)
    return found

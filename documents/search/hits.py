"""What a ranked search returns (``Hits``): the interface of ``ranking.RankedHits`` and
``ranked_term.RankedTerm``."""

from __future__ import annotations

from django.db import connections

from .scoring import SCORE


class Hits:
    """A search's hits, best first: what :func:`ranked` returns. Each call to :meth:`rows`
    or :meth:`count` is one query."""

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, int]]:
        """``(version id, score, number of hits)`` from ``offset``, at most ``limit`` rows."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError


def order_sql(columns: list[tuple[str, bool]]) -> str:
    """``ORDER BY`` terms of ``columns`` (each a name and whether descending), each followed
    by a comma: the ties' order before the version's id."""
    return "".join(f"{name} {'DESC' if descending else 'ASC'}, " for name, descending in columns)


def reached_page(
    using: str,
    hits: tuple[str, list],
    versions: tuple[str, list],
    columns: list[tuple[str, bool]],
    offset: int,
    limit: int | None,
) -> list[tuple[int, int, int]]:
    """``Hits.rows`` of ``hits`` (SQL of (version, score) rows, each a version searched, and
    its parameters): best first, ties ordered by ``columns`` of ``versions`` (SQL of a
    table or table expression ``v`` with the version's id as ``_id``, and its parameters;
    each column a name and whether descending), then the id. Only the hits scoring at least
    the page's last row (the score at ``offset + limit``) are joined to ``versions``; without
    a limit all are. The total is counted from the hits. One query."""
    sql, params = reached_page_sql(hits, versions, columns, offset, limit)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row[:3]) for row in cursor.fetchall()]


def reached_page_sql(
    hits: tuple[str, list],
    versions: tuple[str, list],
    columns: list[tuple[str, bool]],
    offset: int,
    limit: int | None,
) -> tuple[str, list]:
    """``reached_page``'s statement and its parameters: rows of the version, its score, the
    total and its place among the hits (``pos``, from 1), in that order."""
    if limit is None and offset:
        raise ValueError("an offset needs a limit")
    selected = "".join(f", v.{name}" for name, _descending in columns)
    order = f"{SCORE} DESC, {order_sql(columns)}version ASC"
    reached, tail, tail_params = "", "", []
    if limit is not None:
        reached = (
            f"WHERE h.{SCORE} >= COALESCE((SELECT {SCORE} FROM hits "
            f"ORDER BY {SCORE} DESC LIMIT 1 OFFSET %s), -1)"
        )
        tail, tail_params = " LIMIT %s OFFSET %s", [max(offset + limit - 1, 0), limit, offset]
    sql = (
        f"WITH hits AS ({hits[0]}) SELECT version, {SCORE}, (SELECT COUNT(*) FROM hits) AS total, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS pos "
        f"FROM (SELECT h.version AS version, h.{SCORE} AS {SCORE}{selected} FROM hits h "
        f"INNER JOIN {versions[0]} v ON v._id = h.version {reached}) page "
        f"ORDER BY {order}{tail}"
    )
    return sql, [*hits[1], *versions[1], *tail_params]

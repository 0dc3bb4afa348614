"""Indexing: the search rows of a version (``SearchTerm`` while it is valid, one
``SearchHistory`` row otherwise), and the ranked index derived from the valid ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import QuerySet

from config.compiled_bulk import insert_keyed_rows
from config.compiled_query import CompiledQuery, statement_cursor

from ..models import (
    RANK_DOCUMENT_COLUMNS,
    RANK_VERSION_COLUMNS,
    DocumentVersion,
    SearchField,
    SearchHistory,
    SearchPrefixRank,
    SearchRank,
    SearchTerm,
    VersionFile,
    VersionStatus,
    count_ranks,
)
from ..plain_text import html_to_text
from . import compounds, history
from .analysis import indexable_words, stem
from .prefixes import _lock_prefixes, _rank_prefixes, _span_prefixes
from .scoring import COUNT_CAP, SEARCHABLE_STATUSES, WEIGHTS

# --- Indexing -------------------------------------------------------------------


# A version's files, compiled once per process (config/compiled_query.py): every
# publication asks, without ``files`` prefetched.
_VERSION_FILES = CompiledQuery(
    lambda version_id: VersionFile.objects.filter(version=version_id), ids=("version_id",)
)


def _files(version: DocumentVersion) -> list[VersionFile]:
    if "files" in getattr(version, "_prefetched_objects_cache", {}):
        return list(version.files.all())
    files = _VERSION_FILES.run(version_id=version.pk)
    for file in files:
        file.version = version  # as the related manager gives them
    return files


def version_file(version: DocumentVersion) -> VersionFile | None:
    """The version's file: the newest upload, first in VersionFile's ordering (uploaded,
    then id; worked out here, so prefetched ``files`` in any order give the same one)."""
    files = _files(version)
    return max(files, key=lambda f: (f.uploaded_at, f.pk)) if files else None


def version_text(version: DocumentVersion) -> str:
    """The searchable text of a version: its HTML text as plain text, then its file's text."""
    body = html_to_text(version.body)
    current = version_file(version)
    file_text = current.extracted_text if current is not None else ""
    return f"{body}\n{file_text}" if body and file_text else body or file_text


def _rows(version: DocumentVersion, summary: str, words: set[str]) -> list[tuple[str, int, int]]:
    """The version's (term, field, count) rows; its indexable words are added to ``words``."""
    fields = {
        SearchField.TITLE: version.title,
        SearchField.SUMMARY: summary,
        SearchField.TEXT: version_text(version),
    }
    rows = []
    for field, text in fields.items():
        found = indexable_words(text)
        words.update(found)
        rows += [
            (term, int(field), min(count, SearchTerm.COUNT_MAX))
            for term, count in Counter(stem(word) for word in found).items()
        ]
    return rows


def index_versions(
    versions: Iterable[DocumentVersion], *, unindexed: bool = False, compounds_cleared: bool = False
) -> int:
    """Replace the index rows of the versions, in one transaction; returns the rows written.

    Load the versions with ``select_related("document")`` and ``prefetch_related("files")``
    to index many at once without a query per version. ``unindexed``: the caller knows the
    versions have no rows yet (a version becoming searchable for the first time: only
    searchable versions are indexed), so there is nothing to delete first.
    ``compounds_cleared``: the caller emptied the compound rows and writes them all again
    (``reindex_search``), so there are none to forget.
    """
    versions = list(versions)
    if not versions:
        return 0
    words: set[str] = set()
    rows: list[SearchTerm] = []
    past: list[SearchHistory] = []
    for v in versions:
        found = _rows(v, v.document.summary, words)
        if v.status == VersionStatus.VALID:
            rows += [SearchTerm(version_id=v.pk, term=t, field=f, count=c) for t, f, c in found]
        elif found:
            past.append(history.history_row(v, found))
    ids = [v.pk for v in versions]
    with transaction.atomic(savepoint=False):
        if not unindexed:
            if not compounds_cleared:
                compounds.forget_unheld(ids)
            SearchTerm.objects.filter(version__in=ids).delete()
            SearchHistory.objects.filter(version__in=ids).delete()
        insert_keyed_rows(rows, batch_size=2000)  # bulk_create, compiled once
        if past:
            SearchHistory.objects.bulk_create(past, batch_size=500)
        rank_versions(ids, unranked=unindexed)
        compounds.record(words)
    return len(rows) + len(past)


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
        compounds.forget_unheld([version.pk])
        SearchTerm.objects.filter(version=version).delete()
        SearchHistory.objects.filter(version=version).delete()


def mark_not_current(versions: QuerySet[DocumentVersion] | Iterable[DocumentVersion]) -> int:
    """The versions are no longer valid (superseded, repealed): their rows leave the
    default search's part of the index: their ``SearchTerm`` rows move to one
    ``SearchHistory`` row each, with the versions' days in force as they are now. Call in
    the transaction that changes the status, after the status and dates change. Returns
    the versions moved."""
    if isinstance(versions, QuerySet):
        ids = versions.values("pk")
        ids_sql, ids_params = ids.query.sql_with_params()
    else:
        ids = [v.pk for v in versions]
        if not ids:
            return 0
        ids_sql, ids_params = ", ".join(["%s"] * len(ids)), ids
    _drop_ranks(ids)
    connection = connections[SearchTerm.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(history.move_sql(connection, ids_sql), list(ids_params))
        moved = cursor.rowcount
    SearchTerm.objects.filter(version__in=ids).delete()
    return moved


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
    """``INSERT … SELECT`` of the rank rows of the search rows (alias ``t``, all of valid
    versions), optionally narrowed by ``version_filter`` (a ``WHERE`` on ``t``'s version
    column)."""
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
        f"{version_filter} GROUP BY {group}"
    )


# The rank rows' INSERT, by database and number of versions (None: all), built once: every
# publication runs it.
_RANK_INSERTS: dict[tuple[str, int | None], str] = {}


def _rank_insert_statement(connection, versions: int | None) -> str:
    """``_rank_insert_sql`` of every version (None) or of ``versions`` versions, whose ids
    are its parameters."""
    key = (connection.alias, versions)
    sql = _RANK_INSERTS.get(key)
    if sql is None:
        narrowed = ""
        if versions is not None:
            column = connection.ops.quote_name(SearchTerm._meta.get_field("version").column)
            narrowed = f" WHERE t.{column} IN ({', '.join(['%s'] * versions)})"
        sql = _RANK_INSERTS[key] = _rank_insert_sql(connection, narrowed)
    return sql


def rank_versions(version_ids: list[int] | None = None, *, unranked: bool = False) -> int:
    """Rebuild the ``SearchRank`` rows of the versions (of every version, with None) from
    their current search rows, and their ``SearchPrefixRank`` rows from those; returns the
    rank rows written. Versions that are not valid get none. Run in the transaction that
    writes their search rows. ``unranked``: the versions have no rank rows yet."""
    connection = connections[SearchRank.objects.db]
    if version_ids is not None and not version_ids:
        return 0
    sql = _rank_insert_statement(connection, None if version_ids is None else len(version_ids))
    params = [] if version_ids is None else list(version_ids)
    with transaction.atomic(using=connection.alias, savepoint=False):
        kept = _lock_prefixes()
        if not (unranked and version_ids):
            ranks = SearchRank.objects.all()
            if version_ids is not None:
                count_ranks(version_ids, -1)
                ranks = ranks.filter(version__in=version_ids)
            ranks.delete()
        cursor = statement_cursor(connection)  # prepared on PostgreSQL (config.prepared)
        cursor.execute(sql, params)
        written = cursor.rowcount
        count_ranks(version_ids)
        if kept:
            _rank_prefixes(version_ids, unranked=unranked)
        return written


def _drop_ranks(version_ids: QuerySet | list[int]) -> None:
    """The versions leave the ranked index (no longer valid, or removed)."""
    with transaction.atomic(using=SearchRank.objects.db, savepoint=False):
        kept = _lock_prefixes()
        count_ranks(version_ids, -1)
        SearchRank.objects.filter(version__in=version_ids).delete()
        if kept:
            SearchPrefixRank.objects.filter(version__in=version_ids).delete()
            _span_prefixes()

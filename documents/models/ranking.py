"""The search index's rows and the ranked rows the register's search reads (documents.search
writes them); the columns rank rows copy and ``copy_rank_columns``."""

from __future__ import annotations

from django.db import connections, models
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from config.compiled_query import statement_cursor
from org.models import Position, Process, Unit

from .fields import _copied_key


class SearchField(models.IntegerChoices):
    """Where in a version a search term occurs; the value orders the fields by weight."""

    TITLE = 3, _("title")
    SUMMARY = 2, _("summary")
    TEXT = 1, _("text")


class SearchTerm(models.Model):
    """One row of the portable full-text index of valid versions: a term of a version, its
    field and count.

    Written only by ``documents.search`` from ``documents.search.analysis.analyse``, so SQLite and
    PostgreSQL hold the same terms. On PostgreSQL the ``term`` column uses the "C" collation
    (set by the migration) so prefix ranges compare by code point, as on SQLite; keep that
    if a later migration alters the column.

    Only valid versions have rows here (migration ``documents.0027``): when a version stops
    being valid (superseded, repealed) its rows move to one ``SearchHistory`` row, where
    the searches among such versions or on a past date read them. Narrow on purpose
    (migration ``documents.0025``): the key is (version, term, field), no id and no copied
    document; the small integers sit before the term so PostgreSQL pads nothing between them.
    """

    pk = models.CompositePrimaryKey("version", "term", "field")
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.CASCADE,
        related_name="search_terms",
        db_index=False,  # the primary key (version, term, field) serves version lookups
        verbose_name=_("version"),
        help_text=_("The valid document version the term occurs in."),
    )
    field = models.PositiveSmallIntegerField(
        _("field"),
        choices=SearchField.choices,
        help_text=_("Where the term occurs: title, summary or text (including uploaded files)."),
    )
    count = models.PositiveSmallIntegerField(
        _("count"),
        help_text=_(
            "How often the term occurs in the field (at most 32767; the search caps it at 9)."
        ),
    )
    term = models.CharField(
        _("term"),
        max_length=64,
        help_text=_("A stemmed, normalised word (see documents.search.analysis)."),
    )

    # The largest count stored (the column is a small integer); the search caps at 9.
    COUNT_MAX = 32767

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [
            # "Which versions have a term (or a term in a prefix range)": covering, so the
            # grouped ranking (search.RankedHits) reads the field and count of every
            # matching row from the index alone.
            models.Index(
                fields=["term", "version", "field", "count"], name="documents_term_current_rows"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_field_display()} ×{self.count})"


class SearchHistory(models.Model):
    """The index terms of a searchable version that is not valid (superseded, repealed; a
    draft only after ``reindex_search --all``): one row per version, its terms as text.

    ``terms`` is a JSON object, written without spaces, of each term with its packed score
    (``{"rutin":90001,"samverk":3}``): per field, the term's count capped at 9 times the
    field's weight, as ``SearchRank.score`` packs it (lossless for the search, which caps
    every count at 9). A search among such versions or on a past date finds its candidates
    on PostgreSQL through a GIN index of each row's keys (the expression
    ``documents_history_lexemes(terms, in_force_from, in_force_until)``, a tsvector,
    migrations ``documents.0033`` and ``0036``; it
    follows every write of the table by itself), on SQLite through an FTS5 table of the
    same keys (``documents_history_keys``, migration ``documents.0037``; and of the keys
    with their scores, ``documents_history_scores``, ``0039``), kept in step by triggers
    (``0039`` also indexes the rows' days: a migration that rebuilds this table on SQLite
    must create the triggers and that index again),
    then reads only the query words' terms of those rows (``documents.search.history``).
    ``in_force_from`` and ``in_force_until`` (copied from the version when the row is
    written; a superseded or repealed version's dates never change again) let a search on
    a past date keep only the rows in force that day: both indexes also hold a token per
    month in force (migrations ``documents.0036`` and ``0037``), so they find them. One row per
    version instead of a row per (version, term, field): these versions hold four fifths
    of the index, and a search among them is rare. ``status``, ``is_public`` and each key's
    tier are tokens of the same indexes too (``documents.0040``, ``search.history_top``);
    triggers keep ``SearchHistoryKey`` (a rebuild of this table must create them again).
    """

    version = models.OneToOneField(
        "documents.DocumentVersion",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_history",
        verbose_name=_("version"),
        help_text=_("The version (not valid) whose terms these are."),
    )
    terms = models.TextField(
        _("terms"),
        help_text=_(
            "The version's index terms with their packed scores, as a JSON object without "
            "spaces (see documents.search.history)."
        ),
    )
    in_force_from = models.DateField(
        _("in force from"),
        null=True,
        help_text=_(
            "The version's first day in force (copied from its valid from date; empty for "
            "a version that was never in the register)."
        ),
    )
    in_force_until = models.DateField(
        _("in force until"),
        null=True,
        help_text=_(
            "The version's last day in force: the day before it was superseded, or its "
            "valid until date if earlier (copied; empty for no end)."
        ),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        null=True,
        help_text=_(
            "The version's status (copied: a superseded or repealed version's never changes)."
        ),
    )
    is_public = models.BooleanField(
        _("public"),
        null=True,
        help_text=_("Whether the version's document is public (copied; kept with the document)."),
    )

    class Meta:
        verbose_name = _("search history")
        verbose_name_plural = _("search history")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.terms[:60]}"


class SearchHistoryKey(models.Model):
    """A term that a history row holds or held: kept by triggers on the history table, never
    emptied (a term no row holds any more only sends a search its general way). A search
    among superseded or repealed versions reads here whether one term alone scores its
    word (``documents.search.history_top``)."""

    term = models.CharField(
        _("term"),
        max_length=64,
        primary_key=True,
        help_text=_("An index term (a stem) that some history row holds or held."),
    )

    class Meta:
        verbose_name = _("history search term")
        verbose_name_plural = _("history search terms")

    def __str__(self) -> str:
        return self.term


class RankedRow(models.Model):
    """A valid version's score for a search, with what the register's default view filters
    and sorts on, copied from the version (which copies its document's columns)."""

    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("The version's title (copied: hits with equal scores are listed by it)."),
    )
    is_public = models.BooleanField(
        _("public"), help_text=_("Whether the version's document is public (copied).")
    )
    valid_from = models.DateField(
        _("valid from"), null=True, help_text=_("The version's first day (copied).")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, help_text=_("The version's last day, if limited (copied).")
    )
    scope_unit = _copied_key(
        Unit,
        _("scope"),
        _("The unit the version's document applies to (copied)."),
    )
    document_type = _copied_key(
        "documents.DocumentType",
        _("document type"),
        _("The type of the version's document (copied)."),
    )
    process = _copied_key(
        Process,
        _("process"),
        _("The process of the version's document, if any (copied)."),
        null=True,
    )
    owner_position = _copied_key(
        Position,
        _("owner (dokumentansvarig)"),
        _("The position that owns the version's document (copied)."),
    )
    next_review = models.DateField(
        _("next review"), null=True, help_text=_("The version's next review date (copied).")
    )

    # After the key and the score, the columns of the index a page and its count are read
    # from alone: the order, then the default view's filters.
    INDEX_TAIL = (
        "title",
        "version",
        "valid_from",
        "valid_until",
        "is_public",
        "scope_unit",
        "document_type",
        "process",
        "owner_position",
        "next_review",
    )

    class Meta:
        abstract = True


class SearchRank(RankedRow):
    """A valid version's score for one index term, with what the register's default view
    filters and sorts on: one row per (version, term) of the current search rows.

    A one-word search of the register as it opens (valid today, nothing else chosen but
    perhaps the unit, types, process, owner or a review date) reads its page from the start
    of the (term, score, title) index and counts the term's rows there, without grouping,
    joining or sorting every hit. Derived from ``SearchTerm`` and kept by
    ``documents.search`` (indexing, superseding, repealing, removing) and by the saves of
    ``Document`` and ``DocumentVersion`` that change a copied column. On PostgreSQL the
    ``term`` column uses the "C" collation, as ``SearchTerm.term`` does.
    """

    pk = models.CompositePrimaryKey("version", "term")
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.CASCADE,
        related_name="search_ranks",
        db_index=False,  # the primary key (version, term) serves version lookups
        verbose_name=_("version"),
        help_text=_("The valid version the term occurs in."),
    )
    term = models.CharField(
        _("term"),
        max_length=64,
        help_text=_("A stemmed, normalised word (see documents.search.analysis)."),
    )
    score = models.PositiveIntegerField(
        _("score"),
        help_text=_(
            "The version's score for the term: per field, its count (at most 9) times the "
            "field's weight, as documents.search ranks."
        ),
    )

    class Meta:
        verbose_name = _("search rank")
        verbose_name_plural = _("search ranks")
        indexes = [
            # A term's hits best first, in the register's order, with the default view's
            # filter columns: the page and the count are read from this index alone.
            models.Index(
                fields=["term", "-score", *RankedRow.INDEX_TAIL],
                name="documents_rank_term_order",
            ),
            # The rows of versions valid for a limited time, which ``SearchTermCount`` does
            # not count: a term's total counts them here, by the day (a sixth of the rows).
            models.Index(
                fields=["term", "valid_until", "valid_from", "is_public"],
                condition=models.Q(valid_until__isnull=False),
                name="documents_rank_term_limited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.score}"


class SearchTermCount(models.Model):
    """How many of a term's rank rows (``SearchRank``) are of versions valid from a day
    without an end (``valid_from`` set, ``valid_until`` empty), all and public ones: kept
    with the rank rows (``count_ranks``, in the transaction that writes them), so that a
    one-word search's total in the register as it opens is this count plus the term's rows
    of versions valid for a limited time (the partial index ``documents_rank_term_limited``)
    shown that day, instead of every row counted.

    Such a version is shown on every day from its ``valid_from`` on; ``latest_start`` is on
    or after the latest ``valid_from`` counted (it is never moved back when a version
    leaves, only when the counts are rebuilt), so the count holds for every day from it on,
    with nothing to do at midnight; before it (a version valid from a later day) the search
    counts the rows. On PostgreSQL ``term`` uses the "C" collation, as ``SearchRank.term``
    does.
    """

    term = models.CharField(
        _("term"),
        max_length=64,
        primary_key=True,
        help_text=_("A stemmed, normalised word (see documents.search.analysis)."),
    )
    versions = models.IntegerField(
        _("versions"),
        help_text=_("The term's rank rows of versions valid from a day without an end."),
    )
    public = models.IntegerField(
        _("public versions"), help_text=_("Of those, the rows of public versions.")
    )
    latest_start = models.DateField(
        _("latest start"),
        null=True,
        help_text=_(
            "A day on or after every counted version's first day: the counts hold from it on."
        ),
    )

    class Meta:
        verbose_name = _("search term count")
        verbose_name_plural = _("search term counts")

    def __str__(self) -> str:
        return f"{self.term}: {self.versions}"


class SearchPrefix(models.Model):
    """A prefix whose index terms' rank rows are also kept grouped by version
    (``SearchPrefixRank``): a word being typed that covers many versions over several
    index terms (``dokument`` covers ``dokumentation``, ``dokumenten``, …).

    Chosen by ``documents.search.choose_prefixes`` (the generator, ``reindex_search``)
    among the prefixes at which the index's terms branch; ``lowest`` and ``highest`` are
    the first and last term in its range, kept by ``documents.search`` whenever rank rows
    change. A search whose prefix has the same lowest and highest term covers exactly the
    same terms, and reads the grouped rows. On PostgreSQL the text columns use the "C"
    collation, as ``SearchRank.term`` does.
    """

    prefix = models.CharField(
        _("prefix"),
        max_length=64,
        primary_key=True,
        help_text=_("The start that every term of the group has."),
    )
    upper = models.CharField(
        _("upper bound"),
        max_length=64,
        help_text=_("The smallest string above every string that starts with the prefix."),
    )
    lowest = models.CharField(
        _("lowest term"),
        max_length=64,
        null=True,
        help_text=_("The first ranked term that starts with the prefix, if any."),
    )
    highest = models.CharField(
        _("highest term"),
        max_length=64,
        null=True,
        help_text=_("The last ranked term that starts with the prefix, if any."),
    )

    class Meta:
        verbose_name = _("search prefix")
        verbose_name_plural = _("search prefixes")
        indexes = [
            models.Index(fields=["lowest", "highest"], name="documents_prefix_span"),
        ]

    def __str__(self) -> str:
        return self.prefix


class SearchPrefixRank(RankedRow):
    """A valid version's score for a prefix of ``SearchPrefix``: one row per (version,
    prefix) of the versions with a rank row whose term starts with it, scored as the
    grouped ranking scores a prefix (per field, the counts of all its terms, capped; in the
    title, the count of the prefix's own term, where it is one, apart at the whole-word
    weight, ``documents.search.scoring.WHOLE_TITLE_WEIGHT``). Derived from ``SearchRank``
    and kept with it by ``documents.search``."""

    pk = models.CompositePrimaryKey("version", "prefix")
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.CASCADE,
        related_name="search_prefix_ranks",
        db_index=False,  # the primary key (version, prefix) serves version lookups
        verbose_name=_("version"),
        help_text=_("The valid version with a term that starts with the prefix."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=64,
        help_text=_("The prefix (SearchPrefix) the row is for."),
    )
    score = models.PositiveIntegerField(
        _("score"),
        help_text=_(
            "The version's score for the prefix: per field, the sum of its terms' counts "
            "(at most 9) times the field's weight, as documents.search ranks."
        ),
    )

    class Meta:
        verbose_name = _("search prefix rank")
        verbose_name_plural = _("search prefix ranks")
        indexes = [
            models.Index(
                fields=["prefix", "-score", *RankedRow.INDEX_TAIL],
                name="documents_prefix_rank_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}*: {self.score}"


# --- Columns the rank rows copy (the search, documents.search, reads them) ----------------

# What a rank row copies from its version and from its version's document (same names).
RANK_VERSION_COLUMNS = ("title", "valid_from", "valid_until", "next_review")
RANK_DOCUMENT_COLUMNS = ("is_public", "scope_unit", "document_type", "process", "owner_position")


def copy_rank_columns(version_ids: QuerySet | list[int], *, recount: bool = True) -> int:
    """Copy the versions' columns (``RANK_VERSION_COLUMNS``, and ``RANK_DOCUMENT_COLUMNS``,
    which the versions copy from their documents) into their rank rows again, after a
    change to one of them; returns the rows updated. ``recount``: the dates or the public
    flag may have changed, which ``SearchTermCount`` counts by."""
    # The version model by the rank row's key: this module imports nothing of .document,
    # which imports this function.
    version = SearchRank._meta.get_field("version").related_model.objects.filter(
        pk=OuterRef("version")
    )
    copied = {
        name: Subquery(version.values(name))
        for name in (*RANK_VERSION_COLUMNS, *RANK_DOCUMENT_COLUMNS)
    }
    SearchPrefixRank.objects.filter(version__in=version_ids).update(**copied)
    if recount:
        count_ranks(version_ids, -1)
    updated = SearchRank.objects.filter(version__in=version_ids).update(**copied)
    if recount:
        count_ranks(version_ids, 1)
    return updated


def count_ranks(version_ids: QuerySet | list[int] | None, sign: int = 1) -> None:
    """Add (``sign`` 1) the versions' rank rows to ``SearchTermCount``, or take them away
    (-1: before they are deleted or changed); ``None``: count every rank row again. Run in
    the transaction that writes the rank rows. One statement (two for ``None``); for a
    list of distinct ids, its SQL is built once per database and number of ids
    (``_count_statement``), as every publication counts its version."""
    using = SearchRank.objects.db
    if version_ids is None:
        SearchTermCount.objects.using(using).all().delete()
    elif isinstance(version_ids, list) and not version_ids:
        return
    sql, params = _count_statement(using, version_ids, sign > 0)
    statement_cursor(connections[using]).execute(sql, [sign, sign, *params])


# count_ranks's statement for a list of ids, by database, number of ids and whether it adds:
# its SQL, its parameters with placeholder ids and where each id stands in them.
_COUNT_STATEMENTS: dict[tuple[str, int, bool], tuple[str, list, list[int]]] = {}
_COUNT_PLACEHOLDER = 32_000  # placeholder ids from here: no constant of the statement


def _count_statement(
    using: str, version_ids: QuerySet | list[int] | None, adds: bool
) -> tuple[str, list]:
    """count_ranks's INSERT (the sign's two parameters first) and its other parameters."""
    if not (
        isinstance(version_ids, list)
        and len(set(version_ids)) == len(version_ids)
        and all(type(pk) is int and 0 <= pk < 2**31 for pk in version_ids)
    ):
        return _count_sql(using, version_ids, adds)
    key = (using, len(version_ids), adds)
    if key not in _COUNT_STATEMENTS:
        placeholders = [_COUNT_PLACEHOLDER + k for k in range(len(version_ids))]
        sql, params = _count_sql(using, placeholders, adds)
        if [params.count(pk) for pk in placeholders] != [1] * len(placeholders):
            raise ValueError("count_ranks: a placeholder id is not one parameter of its own")
        where = [params.index(pk) for pk in placeholders]
        _COUNT_STATEMENTS[key] = (sql, params, where)
    sql, params, where = _COUNT_STATEMENTS[key]
    params = list(params)
    for index, pk in zip(where, version_ids, strict=True):
        params[index] = pk
    return sql, params


def _count_sql(
    using: str, version_ids: QuerySet | list[int] | None, adds: bool
) -> tuple[str, list]:
    """count_ranks's INSERT built by the ORM (the sign's two parameters first)."""
    rows = SearchRank.objects.using(using).filter(
        valid_from__isnull=False, valid_until__isnull=True
    )
    if version_ids is not None:
        rows = rows.filter(version__in=version_ids)
    grouped = (
        rows.order_by()
        .values("term")
        .annotate(
            n=Count("term"),
            p=Count("term", filter=Q(is_public=True)),
            s=Max("valid_from"),
        )
    )
    select, params = grouped.query.get_compiler(using).as_sql()
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(SearchTermCount._meta.db_table)
    term, versions, public, latest = (
        quote(SearchTermCount._meta.get_field(name).column)
        for name in ("term", "versions", "public", "latest_start")
    )
    # Taking rows away leaves latest_start as it is (a day on or after every counted
    # start is still one). The rows are written in term order after an empty term's row,
    # which every writer so locks first and holds to its commit: writers of the counts
    # queue there, and cannot deadlock over the rows of the terms they share.
    start = "c.s" if adds else "NULL"
    sql = (
        f"INSERT INTO {table} ({term}, {versions}, {public}, {latest}) "
        f"SELECT c.term, %s * c.n, %s * c.p, {start} FROM "
        f"(SELECT '' AS term, 0 AS n, 0 AS p, NULL AS s UNION ALL {select}) c WHERE 1 = 1 "
        f"ORDER BY c.term ON CONFLICT ({term}) DO UPDATE SET "
        f"{versions} = {table}.{versions} + excluded.{versions}, "
        f"{public} = {table}.{public} + excluded.{public}, "
        f"{latest} = CASE WHEN {table}.{latest} IS NULL OR excluded.{latest} > {table}.{latest} "
        f"THEN excluded.{latest} ELSE {table}.{latest} END"
    )
    return sql, list(params)


class SearchCompound(models.Model):
    """A part of a compound index term: "kontroll" of "internkontroll", so that a query
    word finds the compounds that begin or end with it (``documents.search.compounds``).

    One row per (part, compound) of the distinct index terms, whatever the number of
    versions that have them; written by the indexing hooks when a compound is indexed,
    deleted by them when the last version holding the compound leaves the index.
    On PostgreSQL both columns use the "C" collation, as ``SearchTerm.term`` does (the
    word being typed matches parts by a range).
    """

    pk = models.CompositePrimaryKey("part", "term")
    part = models.CharField(
        _("part"),
        max_length=64,
        help_text=_(
            "The stem of a lexicon word the compound is made of (see documents.search.analysis)."
        ),
    )
    term = models.CharField(
        _("compound term"),
        max_length=64,
        help_text=_("The compound's own index term (its stem)."),
    )

    class Meta:
        verbose_name = _("search compound part")
        verbose_name_plural = _("search compound parts")
        indexes = [
            # The compounds whose last holder leaves the index are found by their term
            # (documents.search.compounds.forget_unheld); searches read by part (the key).
            models.Index(fields=["term"], name="documents_compound_term"),
        ]

    def __str__(self) -> str:
        return f"{self.part} < {self.term}"

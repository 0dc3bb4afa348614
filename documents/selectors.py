"""Read-side queries of the register: which versions are valid when, for whom."""

from __future__ import annotations

import datetime

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import register_versions_q
from .models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionFile,
    VersionStatus,
)

# Versions that have been in force; drafts, adopted-but-not-yet-valid and
# rejected versions are case material and never in the register.
REGISTER_STATUSES = [VersionStatus.VALID, VersionStatus.SUPERSEDED, VersionStatus.REPEALED]


def valid_on(day: datetime.date) -> Q:
    """Versions in force on ``day``.

    From today on, that is the valid version: a superseded version ended at the latest the
    day its successor was published (publication never happens before ``valid_from``), and
    a repealed one the day before the repeal decision. Saying ``status = 'valid'`` lets both
    databases serve the register from the partial index on valid versions instead of
    estimating three statuses and three date ranges over the whole version table.
    """
    if day >= timezone.localdate():
        return Q(status=VersionStatus.VALID, valid_from__lte=day) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    return (
        Q(status__in=REGISTER_STATUSES, valid_from__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))
    )


def register_versions(user) -> QuerySet[DocumentVersion]:
    """All register versions the user may see, with what a register row shows."""
    qs = DocumentVersion.objects.filter(register_versions_q(user)).select_related(
        "document__document_type",
        "document__scope_unit",
        "document__owner_position",
        "adoption__body",
        "adoption__position",
        "diary_entry__series",
    )
    return qs


# What a row of the register page shows (documents/_register_body.html): the version's
# dates and status, its document's type, scope and visibility (the version's copies, so
# that the document is not joined), and the decision line.
REGISTER_ROW_FIELDS = (
    "title",
    "status",
    "document_id",
    "valid_from",
    "valid_until",
    "next_review",
    "adoption_id",
    "diary_entry_id",
    "is_public",
    "document_type",
    "scope_unit",
    "adoption__body_id",
    "adoption__position_id",
    "adoption__decision_date",
    "adoption__paragraph",
    "diary_entry__year",
    "diary_entry__number",
    "diary_entry__series_id",
)


def register_rows(user, *, with_text: bool = False) -> QuerySet[DocumentVersion]:
    """The register versions the user may see, loading only what a register row shows
    (and, ``with_text``, the text a search snippet is cut from: the version's plain text
    and, as ``file_text``, its file's). Anything else is deferred: read if asked for, one
    query per row. The names of types, units, bodies, positions and diary series are not
    joined: ``with_names`` puts them in from the register's cache (each join cost
    PostgreSQL about a millisecond of planning)."""
    qs = DocumentVersion.objects.filter(register_versions_q(user)).select_related(
        "adoption", "diary_entry"
    )
    if not with_text:
        return qs.only(*REGISTER_ROW_FIELDS)
    # The newest file (VersionFile's ordering), as search.version_file picks it: one index
    # probe per row. A prefetch of the files cost a query and a queryset per row, about
    # 5 ms of a 25-row page on PostgreSQL.
    newest = VersionFile.objects.filter(version=OuterRef("pk")).order_by(
        *VersionFile._meta.ordering
    )
    return qs.only(*REGISTER_ROW_FIELDS, "plain_text").annotate(
        file_text=Subquery(newest.values("extracted_text")[:1])
    )


def with_names(versions: list[DocumentVersion], names: dict[str, dict[int, object]]) -> list:
    """Put the cached names (``documents.cache.names``) into the versions' related objects,
    where ``register_rows`` or ``api_rows`` did not join them. An id the cache does not
    know (created after it was read) is left to be read on access."""
    links = (
        (None, "document_type", "type"),  # the version's copies of its document's
        (None, "scope_unit", "unit"),
        (None, "owner_position", "position"),
        ("adoption", "body", "body"),
        ("adoption", "position", "position"),
        ("diary_entry", "series", "series"),
    )
    # The fields looked up once per call, not once per row (a 100-entry page has 900 links).
    plan = []
    for holder_name, field, kind in links:
        holder_field = None if holder_name is None else DocumentVersion._meta.get_field(holder_name)
        holder_model = DocumentVersion if holder_field is None else holder_field.related_model
        relation = holder_model._meta.get_field(field)
        plan.append((holder_field, relation, relation.attname, names[kind]))
    for version in versions:
        for holder_field, relation, attname, known in plan:
            if holder_field is None:
                holder = version
            elif holder_field.is_cached(version):
                holder = holder_field.get_cached_value(version)
            else:
                continue  # not joined
            if holder is None:
                continue
            # Not loaded (deferred: this page does not show it), or joined after all.
            pk = holder.__dict__.get(attname)
            if pk is None or relation.is_cached(holder):
                continue
            found = known.get(pk)
            if found is not None:
                relation.set_cached_value(holder, found)
    return versions


# What an entry of the JSON API shows (documents.api.serializers.RegisterEntrySerializer),
# besides the two columns ``api_rows`` annotates.
API_ROW_FIELDS = (*REGISTER_ROW_FIELDS, "number", "owner_position")


def api_rows(user) -> QuerySet[DocumentVersion]:
    """The register versions the user may see, loading only what an API entry shows: the
    document's summary and the type's code as two columns (``document_summary``,
    ``document_type_code``), not as a document and a type per entry (building them was a
    fifth of a 100-entry page); the names of types, units, bodies, positions and diary
    series come from ``with_names``."""
    return (
        DocumentVersion.objects.filter(register_versions_q(user))
        .select_related("adoption", "diary_entry")
        .only(*API_ROW_FIELDS)
        .annotate(
            document_summary=F("document__summary"),
            document_type_code=F("document_type__code"),
        )
    )


def under_revision(qs: QuerySet[DocumentVersion]) -> QuerySet[DocumentVersion]:
    """Valid versions whose document has an open case.

    Read from ``has_open_case``, which the cases keep on the document
    (``workflows.models.sync_open_case_flags``) and the document copies to its versions: a
    column of the version's own row, as the other filters' are. Asking the cases, even
    through an index, cost a probe per valid version; the document's column, a probe per
    valid version on PostgreSQL.
    """
    return qs.filter(status=VersionStatus.VALID, has_open_case=True)


def expired(qs: QuerySet[DocumentVersion], today: datetime.date | None = None) -> QuerySet:
    day = today or timezone.localdate()
    return qs.filter(status=VersionStatus.VALID, valid_until__lt=day)


# A sorted page is fetched with LIMIT (an index walk in its order that stops after the page)
# while it ends within the first 1/WALK_SHARE of the matches; further in, and if there are
# at most FETCH_ALL_MAX matches, all the matching ids are fetched and the page sliced.
WALK_SHARE = 5
FETCH_ALL_MAX = 2_000


class RankedRows:
    """A page-able view of ranked (or sorted) ids that joins wide rows for one page only.

    Ranking every hit with all the register's joined columns (and each version's text)
    carried through the sort is what makes common words slow; here the hits are ranked
    on their ids alone, and only the page's ids are fetched with everything a row shows.
    ``ranked`` is either a sorted ``DocumentVersion`` queryset or the hits of a search
    (``search.Hits``). A fixed number of queries per page
    (see ``RankedPaginator``), whatever its size.
    """

    def __init__(self, ranked, wide: QuerySet, one_pass: bool = False, names=None):
        self.ranked, self.wide = ranked, wide
        # Returns the names to put into the rows (``with_names``), read when rows are.
        self.names = names
        # Count and page in one pass (COUNT(*) OVER ()) where the filters are too costly
        # to evaluate twice and no index walk can stop early.
        self.one_pass = one_pass

    @classmethod
    def of(cls, filterset, wide: QuerySet) -> RankedRows:
        """The register filter's result: its search hits ranked (``ranked_hits``: from the
        ranked index, or in one grouped pass) when it has search terms, else its filtered
        versions in their order."""
        from . import cache

        def names():
            return cache.names(filterset.generation)

        hits = filterset.ranked_hits
        if hits is not None:
            return cls(hits, wide, names=names)
        return cls(filterset.qs, wide, one_pass=filterset.costly(), names=names)

    def count(self) -> int:
        return self.ranked.count()

    def __len__(self) -> int:
        return self.count()

    def rows(self, ids: list[int]) -> list:
        """The wide rows of ``ids``, in that order (put back here: sorting them in the
        database joined each version's document for its title)."""
        wide = {v.pk: v for v in self.wide.order_by().filter(pk__in=ids)}
        rows = [wide[i] for i in ids if i in wide]
        return with_names(rows, self.names()) if self.names is not None and rows else rows

    def ids_and_total(self, offset: int, limit: int) -> list[tuple[int, int]]:
        """The ids of rows ``offset`` to ``offset + limit``, each with the total.

        Search hits: one query, as every hit is scored anyway. Sorted versions: a count,
        then the page's ids, so that the databases can walk an index in the page's order
        and stop after the page (``COUNT(*) OVER ()`` made them read and sort every
        matching row first: 15,000 for the whole register).
        """
        from .search import Hits

        if isinstance(self.ranked, Hits):
            return [(pk, total) for pk, _score, total in self.ranked.rows(offset, limit)]
        if self.one_pass:
            counted = self.ranked.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")
            return list(counted[offset : offset + limit])
        total = self.ranked.order_by().count()
        if offset >= total:
            return []
        in_order = self.ranked.values_list("pk", flat=True)
        if total <= FETCH_ALL_MAX and (offset + limit) * WALK_SHARE > total:
            # The page reaches far into few matches: a walk in the page's order would test
            # most candidates one by one (100 of 347 rutiner: 7,800 look-ups on PostgreSQL);
            # asked for all of them, the databases join and sort the few matches instead.
            ids = list(in_order)[offset : offset + limit]
        else:
            ids = in_order[offset : offset + limit]
        return [(pk, total) for pk in ids]

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, step = index.indices(self.count())
        if step != 1:
            raise ValueError("RankedRows takes slices without a step")
        return self.rows([pk for pk, _total in self.ids_and_total(start, max(0, stop - start))])


# Far more rows than any register has, and well within a 64-bit OFFSET.
MAX_OFFSET = 2**40


class RankedPaginator(Paginator):
    """A paginator that, for ``RankedRows``, costs a fixed number of queries per page.

    The page's ids and the total come first (``RankedRows.ids_and_total``: one query for
    search hits, which are all scored anyway, with ``COUNT(*) OVER ()``; a count and the
    page's ids for sorted versions); then the wide rows are fetched by that literal list
    of ids (primary-key look-ups) and put back in rank order. Any other object list is
    paginated as usual.
    """

    def _ranked(self) -> bool:
        return isinstance(self.object_list, RankedRows)

    def get_page(self, number) -> Page:
        if not self._ranked():
            return super().get_page(number)
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(max(1, self.num_pages))

    def page(self, number) -> Page:
        if not self._ranked():
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:  # past any register; the databases cannot take the number
            raise EmptyPage(_("That page contains no results"))
        rows = self.object_list
        found = rows.ids_and_total(bottom, self.per_page)
        if not found:
            if number == 1 and self.allow_empty_first_page:
                self.__dict__["count"] = 0  # Paginator.count is a cached_property
                return Page([], 1, self)
            raise EmptyPage(_("That page contains no results"))
        self.__dict__["count"] = found[0][1]
        return Page(rows.rows([pk for pk, _total in found]), number, self)


def repealing_decision(document: Document) -> Decision | None:
    """The decision that repealed ``document`` (its decider, date, paragraph and
    diarienummer), or None while it is not repealed."""
    if document.status != DocumentStatus.REPEALED:
        return None
    return (
        Decision.objects.filter(
            document=document, kind=DecisionKind.REPEAL, outcome=DecisionOutcome.ADOPTED
        )
        .select_related("body", "position", "diary_entry__series")
        .order_by("-decision_date", "-pk")
        .first()
    )
